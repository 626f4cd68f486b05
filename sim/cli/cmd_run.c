/*
 * cmd_run.c — `kraftlab run`: simulate a scenario headless and summarise it.
 *
 * Role: loads and validates the scenario (exit 2 on bad input, nothing simulated), runs
 *   the world to the end (or --until), prints the human summary with a readable story of
 *   faults and elections, or the summary JSON of spec §3 with --json; writes the trace
 *   (--trace, spec §4), a Perfetto file (--perfetto) and a chart (--plot, viz/plot.c)
 *   when asked.
 * Model: exit 1 when an expectation failed or an enabled invariant was violated.
 * Owns / borrows: the config and the world, freed before returning.
 * Invariants: stdout carries only the summary (story included); diagnostics go to stderr.
 * Determinism: the trace and the summary (but wall_ms, speedup) depend on scenario,
 *   seed and build only; --plot samples the world between sim_world_run_until calls,
 *   which do not change the run (tests/viz/render-cli.sh checks the trace_hash).
 * Not modelled: n/a.
 */
#include "cli.h"
#include "trace_out.h"
#include "../core/sim_assert.h"
#include "../../viz/markers.h"
#include "../../viz/viz.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char run_help[] =
    "usage: kraftlab run SCENARIO [--seed N] [--until DUR] [--set PATH=VALUE]...\n"
    "                    [--trace FILE] [--perfetto FILE] [--plot FILE.png] [--json]\n"
    "                    [--quiet]\n"
    "\n"
    "Simulates SCENARIO headless and prints a summary: the story of faults, elections\n"
    "and fencing as they happened, then the totals.\n"
    "\n"
    "  --seed N          master seed (overrides the scenario's \"seed\")\n"
    "  --until DUR       stop at this virtual time (e.g. 10s, 1500ms) instead of \"duration\"\n"
    "  --set PATH=VALUE  override one scenario value, e.g. --set network/loss=0.01\n"
    "                    or --set cluster/config/controller.quorum.fetch.timeout.ms=4000\n"
    "  --trace FILE      write every event as JSON Lines (docs/trace.md); - for stdout\n"
    "  --perfetto FILE   write the run as Chrome trace-event JSON for ui.perfetto.dev\n"
    "  --plot FILE.png   draw a chart over virtual time: raft epoch, leader, metadata HW,\n"
    "                    fenced brokers, messages in flight, acknowledged records per\n"
    "                    second, oldest unacknowledged record, consumer lag,\n"
    "                    unavailable spans, faults\n"
    "  --json            print the run summary as JSON (docs/guide.md) instead\n"
    "  --quiet           print only the totals, not the story\n"
    "\n"
    "Exit: 0 ok; 1 an expectation failed or an invariant was violated; 2 bad input;\n"
    "3 a file could not be read or written.\n";

/* The story is the viewer's markers (viz/markers.h), printed as they are made: what
 * happened and, indented beneath, the rule that fired. */
typedef struct story {
    FILE *out;
    viz_markers markers;
    uint32_t printed;
} story;

static void story_sink(void *ctx, const sim_trace_rec *rec)
{
    story *s = ctx;
    viz_markers_sink(&s->markers, rec);
    for (; s->printed < s->markers.count; s->printed++) {
        const viz_marker *m = &s->markers.items[s->printed];
        fprintf(s->out, "  %4" PRIu64 ".%03" PRIu64 "s  %s\n", m->t / 1000000u,
                (m->t / 1000u) % 1000u, m->text);
        if (m->why[0] != '\0' && m->kind != VIZ_MARK_NOTE)
            fprintf(s->out, "             (%s)\n", m->why);
    }
}

static FILE *open_out(const char *path)
{
    if (strcmp(path, "-") == 0) return stdout;
    FILE *f = fopen(path, "w");
    if (f == NULL) fprintf(stderr, "kraftlab run: cannot write %s: %s\n", path, strerror(errno));
    return f;
}

#define PLOT_SAMPLES 1200u

/* Runs the world to its end sampling it PLOT_SAMPLES times, then writes the chart. */
static void run_plotted(sim_world *w, const scn_config *cfg, const char *path, int *rc)
{
    viz_markers markers;
    viz_markers_init(&markers, w);
    viz_markers_attach(&markers, w);
    const sim_time end = w->end_us;
    sim_time step = (end + PLOT_SAMPLES - 1) / PLOT_SAMPLES;
    if (step < SIM_MS(1)) step = SIM_MS(1);
    const uint32_t cap = (uint32_t)(end / step) + 2;
    viz_sample *samples = sim_xmalloc(cap * sizeof *samples);
    uint32_t n = 0;
    for (sim_time t = 0;; t = t + step < end ? t + step : end) {
        sim_world_run_until(w, t);
        SIM_ASSERT(n < cap);
        viz_sample_world(w, &samples[n++]);
        if (t >= end) break;
    }
    sim_world_run(w); /* finishes the run exactly as without --plot */
    /* The markers' sink stays attached to the trace, but the run is over: nothing more
     * is emitted before the world is freed. */
    if (viz_plot_png(samples, n, markers.items, markers.count, cfg->title ? cfg->title : cfg->name,
                     1200, 720, path) != SIM_OK)
        *rc = CLI_EXIT_ENV;
    free(samples);
    viz_markers_deinit(&markers);
}

int cmd_run(int argc, char **argv)
{
    cli_common c = {0};
    const char *trace_path = NULL, *perfetto_path = NULL, *plot_path = NULL;
    bool json = false, quiet = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const int r = cli_common_flag(&c, argc, argv, &i, "run");
        if (r < 0) return CLI_EXIT_USAGE;
        if (r > 0) continue;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(run_help, stdout);
            return CLI_EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if (strcmp(a, "--trace") == 0 || strcmp(a, "--perfetto") == 0) {
            if (i + 1 >= argc) return cli_usage_error("run", "%s needs a file name", a);
            *(a[2] == 't' ? &trace_path : &perfetto_path) = argv[++i];
        } else if (strcmp(a, "--plot") == 0) {
            if (i + 1 >= argc) return cli_usage_error("run", "--plot needs a file name");
            plot_path = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("run", "unknown flag '%s'", a);
        } else if (c.scenario_path == NULL) {
            c.scenario_path = a;
        } else {
            return cli_usage_error("run", "one scenario at a time ('%s' is extra)", a);
        }
    }
    if (c.scenario_path == NULL) return cli_usage_error("run", "which scenario?");
    if (trace_path && perfetto_path && strcmp(trace_path, "-") == 0 &&
        strcmp(perfetto_path, "-") == 0)
        return cli_usage_error("run", "--trace and --perfetto cannot both be stdout");

    scn_config *cfg = NULL;
    int rc = cli_load(&c, &cfg);
    if (rc != CLI_EXIT_OK) return rc;

    FILE *trace_file = NULL, *perfetto_file = NULL;
    if (trace_path != NULL && (trace_file = open_out(trace_path)) == NULL) rc = CLI_EXIT_ENV;
    if (perfetto_path != NULL && (perfetto_file = open_out(perfetto_path)) == NULL)
        rc = CLI_EXIT_ENV;
    if (rc != CLI_EXIT_OK) {
        if (trace_file && trace_file != stdout) fclose(trace_file);
        scn_config_free(cfg);
        return rc;
    }

    const uint64_t seed = cli_seed(&c, cfg);
    const double t0 = cli_wall_ms();
    sim_world *w = cli_world_new(cfg, seed, cli_until(&c));
    trace_jsonl tj;
    trace_perfetto tp;
    story st = {.out = stdout};
    if (trace_file != NULL) {
        trace_jsonl_begin(&tj, trace_file, cfg->name, seed);
        sim_trace_add_sink(&w->engine.trace, trace_jsonl_sink, &tj);
    }
    if (perfetto_file != NULL) {
        trace_perfetto_begin(&tp, perfetto_file, w);
        sim_trace_add_sink(&w->engine.trace, trace_perfetto_sink, &tp);
    }
    const bool tell_story = !json && !quiet && !(trace_file == stdout || perfetto_file == stdout);
    if (tell_story) {
        printf("%s\n", cfg->title ? cfg->title : cfg->name);
        if (cfg->description) printf("%s\n", cfg->description);
        printf("\nstory (virtual time):\n");
        viz_markers_init(&st.markers, w);
        sim_trace_add_sink(&w->engine.trace, story_sink, &st);
    }
    if (plot_path != NULL) {
        run_plotted(w, cfg, plot_path, &rc);
    } else {
        sim_world_run(w);
    }
    const double wall = cli_wall_ms() - t0;
    if (trace_file != NULL) trace_jsonl_end(&tj, &w->engine.trace);
    if (perfetto_file != NULL) trace_perfetto_end(&tp);

    json_t *summary = cli_summary(w, wall);
    const bool ok = cli_summary_finish(summary, cfg, w);
    if (json) {
        FILE *out = (trace_file == stdout || perfetto_file == stdout) ? stderr : stdout;
        json_dumpf(summary, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
        fputc('\n', out);
    } else if (!(trace_file == stdout || perfetto_file == stdout)) {
        if (tell_story) printf("\n");
        cli_summary_print_human(stdout, summary, w);
    }
    json_decref(summary);
    if (trace_file != NULL && trace_file != stdout && fclose(trace_file) != 0) rc = CLI_EXIT_ENV;
    if (perfetto_file != NULL && perfetto_file != stdout && fclose(perfetto_file) != 0)
        rc = CLI_EXIT_ENV;
    if (tell_story) viz_markers_deinit(&st.markers);
    cli_world_free(w);
    scn_config_free(cfg);
    if (rc != CLI_EXIT_OK) return rc;
    return ok ? CLI_EXIT_OK : CLI_EXIT_FAILED;
}
