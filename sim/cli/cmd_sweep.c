/*
 * cmd_sweep.c — `kraftlab sweep`: the same scenario over a range of seeds.
 *
 * Role: runs every seed of A..B (split across -j worker processes, or one shard of a
 *   larger sweep with --shard I/N), collects each run's numbers, and prints the sweep
 *   summary of spec §3: per-metric min/mean/p50/p99/max/nonzero, and the failing seeds
 *   with the command that replays each. --merge combines shard outputs exactly.
 * Model: a seed fails when its run would exit 1 (an expectation failed or an enabled
 *   invariant was violated).
 * Owns / borrows: everything is freed before returning.
 * Invariants: results are ordered by seed whatever -j is, so the output does not depend
 *   on the number of workers (only wall_ms does).
 * Determinism: each run is a pure function of scenario and seed; workers are separate
 *   processes that share nothing.
 * Not modelled: n/a.
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SWEEP_SEEDS_MAX 10000000ull
#define SWEEP_JOBS_MAX  64

static const char sweep_help[] =
    "usage: kraftlab sweep SCENARIO --seeds A..B [-j N] [--shard I/N] [--json]\n"
    "                      [--until DUR] [--set PATH=VALUE]...\n"
    "       kraftlab sweep --merge FILE... [--json]\n"
    "\n"
    "Runs SCENARIO once per seed in A..B (inclusive) and prints, for every number of the\n"
    "run summary, its min, mean, p50, p99, max and how many seeds had it non-zero; then\n"
    "the seeds that failed (an expectation or invariant) with the command that replays\n"
    "each one.\n"
    "\n"
    "  --seeds A..B      the seed range, e.g. 1..1000\n"
    "  -j N              worker processes (default 1); the output does not depend on N\n"
    "  --shard I/N       run only the seeds whose index in the range is I-1 modulo N and\n"
    "                    include each run's numbers (\"runs\") so --merge is exact\n"
    "  --merge FILE...   combine the --json outputs of shards into one sweep summary\n"
    "  --json            print the sweep summary as JSON\n"
    "\n"
    "Exit: 0 no seed failed; 1 some seed failed; 2 bad input.\n";

typedef struct run_result {
    uint64_t seed;
    bool ok;
    char reason[160];
    json_t *values; /* {path: number}, owned */
} run_result;

/* ---------------------------------------------------------------------------------
 * Flattening a summary into numbers
 * ------------------------------------------------------------------------------- */

static void flatten(json_t *values, const char *prefix, json_t *node)
{
    char path[256];
    if (json_is_object(node)) {
        const char *key;
        json_t *v;
        json_object_foreach(node, key, v)
        {
            if (prefix[0] == '\0' &&
                (strcmp(key, "seed") == 0 || strcmp(key, "wall_ms") == 0 ||
                 strcmp(key, "speedup") == 0 || strcmp(key, "expectations") == 0))
                continue;
            if (strcmp(key, "leaders") == 0 && json_is_array(v)) continue; /* history */
            if (strcmp(key, "id") == 0) continue; /* an identity, not a measurement */
            snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", key);
            flatten(values, path, v);
        }
    } else if (json_is_array(node)) {
        size_t i;
        json_t *item;
        json_array_foreach(node, i, item)
        {
            const char *name = NULL;
            static const char *const keys[] = {"name", "group", "id"};
            char idbuf[32];
            for (size_t k = 0; k < 3 && name == NULL; k++) {
                json_t *n = json_object_get(item, keys[k]);
                if (json_is_string(n)) name = json_string_value(n);
                if (json_is_integer(n)) {
                    snprintf(idbuf, sizeof idbuf, "%" JSON_INTEGER_FORMAT, json_integer_value(n));
                    name = idbuf;
                }
            }
            if (name == NULL) continue;
            snprintf(path, sizeof path, "%s.%s", prefix, name);
            flatten(values, path, item);
        }
    } else if (json_is_number(node)) {
        json_object_set_new(values, prefix, json_real(json_number_value(node)));
    }
}

static void failure_reason(json_t *summary, char *buf, size_t n)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(summary, "invariants"), i, x)
    {
        if (!json_is_true(json_object_get(x, "ok")) &&
            !json_is_true(json_object_get(x, "disabled"))) {
            snprintf(buf, n, "invariant %s", json_string_value(json_object_get(x, "name")));
            return;
        }
    }
    json_array_foreach(json_object_get(summary, "expectations"), i, x)
    {
        if (!json_is_true(json_object_get(x, "ok"))) {
            snprintf(buf, n, "expectation %s %s %g",
                     json_string_value(json_object_get(x, "metric")),
                     json_string_value(json_object_get(x, "op")),
                     json_real_value(json_object_get(x, "value")));
            return;
        }
    }
    buf[0] = '\0';
}

static void run_one(const scn_config *cfg, uint64_t seed, sim_time until, run_result *out)
{
    sim_world *w = cli_world_new(cfg, seed, until);
    sim_world_run(w);
    json_t *summary = cli_summary(w, 0.0);
    out->seed = seed;
    out->ok = cli_summary_finish(summary, cfg, w);
    failure_reason(summary, out->reason, sizeof out->reason);
    out->values = json_object();
    flatten(out->values, "", summary);
    json_decref(summary);
    cli_world_free(w);
}

/* ---------------------------------------------------------------------------------
 * Workers: each writes one JSON line per run to its pipe.
 * ------------------------------------------------------------------------------- */

static json_t *result_json(const run_result *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "seed", json_integer((json_int_t)r->seed));
    json_object_set_new(o, "ok", json_boolean(r->ok));
    json_object_set_new(o, "reason", json_string(r->reason));
    json_object_set(o, "values", r->values);
    return o;
}

static bool result_from_json(json_t *o, run_result *r)
{
    json_t *seed = json_object_get(o, "seed"), *values = json_object_get(o, "values");
    if (!json_is_integer(seed) || !json_is_object(values)) return false;
    r->seed = (uint64_t)json_integer_value(seed);
    r->ok = json_is_true(json_object_get(o, "ok"));
    const char *reason = json_string_value(json_object_get(o, "reason"));
    snprintf(r->reason, sizeof r->reason, "%s", reason ? reason : "");
    r->values = json_incref(values);
    return true;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_result(const void *a, const void *b)
{
    const run_result *x = a, *y = b;
    return (x->seed > y->seed) - (x->seed < y->seed);
}

static json_t *stats_json(run_result *runs, size_t count)
{
    json_t *stats = json_object();
    if (count == 0) return stats;
    double *vals = sim_xmalloc(count * sizeof *vals);
    /* The keys of the first run, in its order, then any others in order of appearance. */
    json_t *keys = json_object();
    for (size_t r = 0; r < count; r++) {
        const char *k;
        json_t *v;
        json_object_foreach(runs[r].values, k, v) json_object_set_new(keys, k, json_true());
    }
    const char *key;
    json_t *unused;
    json_object_foreach(keys, key, unused)
    {
        double sum = 0;
        size_t nonzero = 0;
        for (size_t r = 0; r < count; r++) {
            json_t *v = json_object_get(runs[r].values, key);
            vals[r] = json_is_number(v) ? json_number_value(v) : 0.0;
            sum += vals[r];
            if (vals[r] != 0) nonzero++;
        }
        qsort(vals, count, sizeof *vals, cmp_double);
        const size_t p50 = (size_t)ceil(0.50 * (double)count) - 1;
        const size_t p99 = (size_t)ceil(0.99 * (double)count) - 1;
        json_t *s = json_object();
        json_object_set_new(s, "min", json_real(vals[0]));
        json_object_set_new(s, "mean", json_real(sum / (double)count));
        json_object_set_new(s, "p50", json_real(vals[p50]));
        json_object_set_new(s, "p99", json_real(vals[p99]));
        json_object_set_new(s, "max", json_real(vals[count - 1]));
        json_object_set_new(s, "nonzero", json_integer((json_int_t)nonzero));
        json_object_set_new(stats, key, s);
    }
    json_decref(keys);
    free(vals);
    return stats;
}

typedef struct sweep_args {
    cli_common c;
    uint64_t first, last;
    uint32_t jobs;
    uint32_t shard_index, shard_count; /* shard_count 0: not sharded */
    bool json;
    const char **merge;
    int merge_count;
} sweep_args;

static void replay_command(const sweep_args *a, uint64_t seed, char *buf, size_t n)
{
    int len = snprintf(buf, n, "kraftlab run %s --seed %" PRIu64, a->c.scenario_path, seed);
    for (uint32_t i = 0; i < a->c.override_count && len > 0 && (size_t)len < n; i++)
        len += snprintf(buf + len, n - (size_t)len, " --set %s=%s", a->c.overrides[i].path,
                        a->c.overrides[i].value);
    if (a->c.has_until && len > 0 && (size_t)len < n)
        snprintf(buf + len, n - (size_t)len, " --until %" PRIu64 "ms", a->c.until_us / 1000u);
}

/* replays: {seed: command} from shard files (merge), or NULL to compose them here. */
static json_t *sweep_document(const sweep_args *a, const char *scenario_name, run_result *runs,
                              size_t count, double wall_ms, bool include_runs, json_t *replays)
{
    qsort(runs, count, sizeof *runs, cmp_result);
    json_t *doc = json_object();
    json_object_set_new(doc, "scenario", json_string(scenario_name));
    json_object_set_new(doc, "seeds", json_integer((json_int_t)count));
    json_object_set_new(doc, "first_seed", json_integer(count ? (json_int_t)runs[0].seed : 0));
    json_object_set_new(doc, "wall_ms", json_real(wall_ms));
    json_t *failing = json_array();
    for (size_t r = 0; r < count; r++) {
        if (runs[r].ok) continue;
        char replay[1024];
        char key[32];
        snprintf(key, sizeof key, "%" PRIu64, runs[r].seed);
        json_t *known = replays != NULL ? json_object_get(replays, key) : NULL;
        if (json_is_string(known)) {
            snprintf(replay, sizeof replay, "%s", json_string_value(known));
        } else {
            replay_command(a, runs[r].seed, replay, sizeof replay);
        }
        json_t *f = json_object();
        json_object_set_new(f, "seed", json_integer((json_int_t)runs[r].seed));
        json_object_set_new(f, "reason", json_string(runs[r].reason));
        json_object_set_new(f, "replay", json_string(replay));
        json_array_append_new(failing, f);
    }
    json_object_set_new(doc, "failing_seeds", failing);
    json_object_set_new(doc, "stats", stats_json(runs, count));
    if (include_runs) {
        json_t *arr = json_array();
        for (size_t r = 0; r < count; r++) json_array_append_new(arr, result_json(&runs[r]));
        json_object_set_new(doc, "runs", arr);
    }
    return doc;
}

static void print_human(json_t *doc)
{
    printf("sweep of %s: %" JSON_INTEGER_FORMAT " seeds from %" JSON_INTEGER_FORMAT
           ", %.0f ms wall\n\n",
           json_string_value(json_object_get(doc, "scenario")),
           json_integer_value(json_object_get(doc, "seeds")),
           json_integer_value(json_object_get(doc, "first_seed")),
           json_real_value(json_object_get(doc, "wall_ms")));
    printf("%-48s %10s %12s %10s %10s %10s %8s\n", "metric", "min", "mean", "p50", "p99", "max",
           "nonzero");
    const char *key;
    json_t *s;
    json_object_foreach(json_object_get(doc, "stats"), key, s)
    {
        if (json_real_value(json_object_get(s, "max")) == 0 &&
            json_real_value(json_object_get(s, "min")) == 0)
            continue; /* all zeros: nothing to read */
        printf(
            "%-48s %10g %12.2f %10g %10g %10g %8" JSON_INTEGER_FORMAT "\n", key,
            json_real_value(json_object_get(s, "min")), json_real_value(json_object_get(s, "mean")),
            json_real_value(json_object_get(s, "p50")), json_real_value(json_object_get(s, "p99")),
            json_real_value(json_object_get(s, "max")),
            json_integer_value(json_object_get(s, "nonzero")));
    }
    json_t *failing = json_object_get(doc, "failing_seeds");
    printf("\n%zu failing seed(s)\n", json_array_size(failing));
    size_t i;
    json_t *f;
    json_array_foreach(failing, i, f)
    {
        if (i == 20) {
            printf("  ... %zu more (see --json)\n", json_array_size(failing) - 20);
            break;
        }
        printf("  seed %" JSON_INTEGER_FORMAT ": %s\n    %s\n",
               json_integer_value(json_object_get(f, "seed")),
               json_string_value(json_object_get(f, "reason")),
               json_string_value(json_object_get(f, "replay")));
    }
}

static int emit(json_t *doc, bool as_json)
{
    const bool failed = json_array_size(json_object_get(doc, "failing_seeds")) > 0;
    if (as_json) {
        json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        fputc('\n', stdout);
    } else {
        print_human(doc);
    }
    json_decref(doc);
    return failed ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

/* ---------------------------------------------------------------------------------
 * Running and merging
 * ------------------------------------------------------------------------------- */

static bool seed_in_shard(const sweep_args *a, uint64_t index)
{
    return a->shard_count == 0 || index % a->shard_count == a->shard_index - 1;
}

static void worker(const sweep_args *a, const scn_config *cfg, uint32_t k, int fd)
{
    FILE *out = fdopen(fd, "w");
    uint64_t mine = 0;
    for (uint64_t s = a->first; s <= a->last; s++) {
        const uint64_t index = s - a->first;
        if (!seed_in_shard(a, index)) continue;
        if (mine++ % a->jobs != k) continue;
        run_result r;
        run_one(cfg, s, cli_until(&a->c), &r);
        json_t *o = result_json(&r);
        json_dumpf(o, out, JSON_COMPACT | JSON_REAL_PRECISION(17));
        fputc('\n', out);
        json_decref(o);
        json_decref(r.values);
        if (s == UINT64_MAX) break;
    }
    fclose(out);
}

static int run_sweep(const sweep_args *a)
{
    scn_config *cfg = NULL;
    const int rc = cli_load(&a->c, &cfg);
    if (rc != CLI_EXIT_OK) return rc;
    uint64_t total = 0;
    for (uint64_t i = 0; i <= a->last - a->first; i++)
        if (seed_in_shard(a, i)) total++;
    run_result *runs = sim_xcalloc((size_t)total + 1, sizeof *runs);
    size_t count = 0;
    const bool progress = isatty(2);
    const double t0 = cli_wall_ms();
    fflush(stdout);
    fflush(stderr);
    pid_t pids[SWEEP_JOBS_MAX];
    FILE *pipes[SWEEP_JOBS_MAX];
    for (uint32_t k = 0; k < a->jobs; k++) {
        int fds[2];
        if (pipe(fds) != 0) {
            fprintf(stderr, "kraftlab sweep: pipe: %s\n", strerror(errno));
            exit(CLI_EXIT_ENV);
        }
        pids[k] = fork();
        if (pids[k] < 0) {
            fprintf(stderr, "kraftlab sweep: fork: %s\n", strerror(errno));
            exit(CLI_EXIT_ENV);
        }
        if (pids[k] == 0) {
            close(fds[0]);
            for (uint32_t j = 0; j < k; j++) fclose(pipes[j]);
            worker(a, cfg, k, fds[1]);
            _exit(0);
        }
        close(fds[1]);
        pipes[k] = fdopen(fds[0], "r");
    }
    int status_all = 0;
    for (uint32_t k = 0; k < a->jobs; k++) {
        json_error_t err;
        json_t *o;
        while ((o = json_loadf(pipes[k], JSON_DISABLE_EOF_CHECK, &err)) != NULL) {
            if (count < total && result_from_json(o, &runs[count])) count++;
            json_decref(o);
            if (progress) fprintf(stderr, "\r  %zu/%" PRIu64 " seeds", count, total);
        }
        fclose(pipes[k]);
        int status = 0;
        waitpid(pids[k], &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) status_all = 1;
    }
    if (progress) fprintf(stderr, "\r%40s\r", "");
    if (status_all != 0 || count != total) {
        fprintf(stderr, "kraftlab sweep: a worker died (%zu of %" PRIu64 " runs came back)\n",
                count, total);
        for (size_t r = 0; r < count; r++) json_decref(runs[r].values);
        free(runs);
        scn_config_free(cfg);
        return CLI_EXIT_FAILED;
    }
    json_t *doc =
        sweep_document(a, cfg->name, runs, count, cli_wall_ms() - t0, a->shard_count != 0, NULL);
    for (size_t r = 0; r < count; r++) json_decref(runs[r].values);
    free(runs);
    scn_config_free(cfg);
    return emit(doc, a->json);
}

static int run_merge(sweep_args *a)
{
    run_result *runs = NULL;
    size_t count = 0;
    const char *name = NULL;
    json_t *docs = json_array();
    json_t *replays = json_object();
    for (int i = 0; i < a->merge_count; i++) {
        json_error_t err;
        json_t *doc = json_load_file(a->merge[i], 0, &err);
        if (doc == NULL) {
            fprintf(stderr, "%s:%d:%d: error: %s\n", a->merge[i], err.line, err.column, err.text);
            json_decref(docs);
            json_decref(replays);
            free(runs);
            return CLI_EXIT_USAGE;
        }
        json_array_append_new(docs, doc);
        json_t *arr = json_object_get(doc, "runs");
        if (!json_is_array(arr)) {
            fprintf(stderr, "%s: error: no \"runs\": was it written by sweep --shard --json?\n",
                    a->merge[i]);
            json_decref(docs);
            json_decref(replays);
            free(runs);
            return CLI_EXIT_USAGE;
        }
        name = json_string_value(json_object_get(doc, "scenario"));
        size_t f;
        json_t *fs;
        json_array_foreach(json_object_get(doc, "failing_seeds"), f, fs)
        {
            char key[32];
            snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT,
                     json_integer_value(json_object_get(fs, "seed")));
            json_object_set(replays, key, json_object_get(fs, "replay"));
        }
        runs = sim_xrealloc(runs, (count + json_array_size(arr) + 1) * sizeof *runs);
        size_t k;
        json_t *o;
        json_array_foreach(arr, k, o) if (result_from_json(o, &runs[count])) count++;
    }
    a->c.scenario_path = "SCENARIO";
    json_t *doc = sweep_document(a, name ? name : "", runs, count, 0.0, false, replays);
    json_decref(replays);
    for (size_t r = 0; r < count; r++) json_decref(runs[r].values);
    free(runs);
    json_decref(docs);
    return emit(doc, a->json);
}

static bool parse_range(const char *s, uint64_t *a, uint64_t *b)
{
    const char *dots = strstr(s, "..");
    if (dots == NULL) return false;
    char first[32];
    const size_t n = (size_t)(dots - s);
    if (n == 0 || n >= sizeof first) return false;
    memcpy(first, s, n);
    first[n] = '\0';
    return cli_parse_u64(first, a) && cli_parse_u64(dots + 2, b) && *a <= *b;
}

int cmd_sweep(int argc, char **argv)
{
    sweep_args a = {.jobs = 1};
    bool has_seeds = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const int r = cli_common_flag(&a.c, argc, argv, &i, "sweep");
        if (r < 0) return CLI_EXIT_USAGE;
        if (r > 0) continue;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(sweep_help, stdout);
            return CLI_EXIT_OK;
        } else if (strcmp(arg, "--json") == 0) {
            a.json = true;
        } else if (strcmp(arg, "--seeds") == 0) {
            if (i + 1 >= argc || !parse_range(argv[i + 1], &a.first, &a.last))
                return cli_usage_error("sweep", "--seeds wants A..B with A <= B, e.g. 1..1000");
            if (a.last - a.first >= SWEEP_SEEDS_MAX)
                return cli_usage_error("sweep", "at most %llu seeds in one sweep", SWEEP_SEEDS_MAX);
            has_seeds = true;
            i++;
        } else if (strcmp(arg, "-j") == 0 || strcmp(arg, "--jobs") == 0) {
            uint64_t j;
            if (i + 1 >= argc || !cli_parse_u64(argv[i + 1], &j) || j == 0 || j > SWEEP_JOBS_MAX)
                return cli_usage_error("sweep", "-j wants 1..%d", SWEEP_JOBS_MAX);
            a.jobs = (uint32_t)j;
            i++;
        } else if (strcmp(arg, "--shard") == 0) {
            unsigned si, sn;
            char extra;
            if (i + 1 >= argc || sscanf(argv[i + 1], "%u/%u%c", &si, &sn, &extra) != 2 || sn == 0 ||
                si == 0 || si > sn)
                return cli_usage_error("sweep", "--shard wants I/N with 1 <= I <= N");
            a.shard_index = si;
            a.shard_count = sn;
            i++;
        } else if (strcmp(arg, "--merge") == 0) {
            a.merge = sim_xcalloc((size_t)argc, sizeof *a.merge);
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return cli_usage_error("sweep", "unknown flag '%s'", arg);
        } else if (a.merge != NULL) {
            a.merge[a.merge_count++] = arg; /* after --merge: shard files */
        } else if (a.c.scenario_path == NULL) {
            a.c.scenario_path = arg;
        } else {
            return cli_usage_error("sweep", "one scenario at a time ('%s' is extra)", arg);
        }
    }
    if (a.merge != NULL) {
        int rc = a.merge_count == 0 ? cli_usage_error("sweep", "--merge wants shard files")
                                    : run_merge(&a);
        free(a.merge);
        return rc;
    }
    if (a.c.scenario_path == NULL) return cli_usage_error("sweep", "which scenario?");
    if (!has_seeds) return cli_usage_error("sweep", "--seeds A..B is required");
    return run_sweep(&a);
}
