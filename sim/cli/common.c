/*
 * common.c — flags shared by the simulating commands, scenario loading, wall clock.
 *
 * Role / Model / Not modelled: see cli.h.
 * Owns / borrows: overrides borrow argv strings.
 * Invariants: a usage error prints one line naming the command and exits 2.
 * Determinism: cli_wall_ms is the only clock read in the program.
 */
#include "cli.h"
#include "../core/sim_assert.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "kraftlab %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see 'kraftlab %s --help')\n", cmd);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

bool cli_parse_u64(const char *s, uint64_t *out)
{
    if (s == NULL || *s < '0' || *s > '9') return false;
    errno = 0;
    char *end = NULL;
    const unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0') return false;
    *out = (uint64_t)v;
    return true;
}

static const char *flag_value(int argc, char **argv, int *i, const char *cmd)
{
    if (*i + 1 >= argc) {
        cli_usage_error(cmd, "%s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

int cli_common_flag(cli_common *c, int argc, char **argv, int *i, const char *cmd)
{
    const char *arg = argv[*i];
    if (strcmp(arg, "--seed") == 0) {
        const char *v = flag_value(argc, argv, i, cmd);
        if (v == NULL) return -1;
        if (!cli_parse_u64(v, &c->seed)) {
            cli_usage_error(cmd, "--seed wants a non-negative integer, got '%s'", v);
            return -1;
        }
        c->has_seed = true;
        return 1;
    }
    if (strcmp(arg, "--until") == 0) {
        const char *v = flag_value(argc, argv, i, cmd);
        if (v == NULL) return -1;
        if (!scn_parse_duration(v, &c->until_us)) {
            cli_usage_error(cmd, "--until wants a duration such as 10s or 1500ms, got '%s'", v);
            return -1;
        }
        c->has_until = true;
        return 1;
    }
    if (strcmp(arg, "--set") == 0) {
        const char *v = flag_value(argc, argv, i, cmd);
        if (v == NULL) return -1;
        const char *eq = strchr(v, '=');
        if (eq == NULL || eq == v) {
            cli_usage_error(cmd, "--set wants PATH=VALUE, got '%s'", v);
            return -1;
        }
        if (c->override_count >= CLI_OVERRIDES_MAX) {
            cli_usage_error(cmd, "at most %d --set flags", CLI_OVERRIDES_MAX);
            return -1;
        }
        /* Split in place: argv strings are ours to modify. */
        char *mutable = (char *)v;
        mutable[eq - v] = '\0';
        c->overrides[c->override_count++] = (scn_override){mutable, eq + 1};
        return 1;
    }
    return 0;
}

int cli_load(const cli_common *c, scn_config **out)
{
    scn_diags diags = {0};
    const sim_err err =
        scn_load_file(c->scenario_path, c->overrides, c->override_count, out, &diags);
    if (diags.text != NULL) fputs(diags.text, stderr);
    scn_diags_free(&diags);
    if (err == SIM_OK) return CLI_EXIT_OK;
    return err == SIM_EIO ? CLI_EXIT_ENV : CLI_EXIT_USAGE;
}

uint64_t cli_seed(const cli_common *c, const scn_config *cfg)
{
    return c->has_seed ? c->seed : cfg->seed;
}

sim_time cli_until(const cli_common *c)
{
    return c->has_until ? c->until_us : SIM_TIME_NEVER;
}

sim_world *cli_world_new(const scn_config *cfg, uint64_t seed, sim_time until_us)
{
    sim_world *w = sim_world_new(cfg, seed, until_us);
    sim_panic_context_set(&(sim_panic_context){.scenario_path = cfg->path,
                                               .seed = seed,
                                               .now = &w->engine.now,
                                               .event_seq = &w->engine.events_run,
                                               .dump_recent = sim_trace_dump_recent,
                                               .dump_ctx = &w->engine.trace});
    return w;
}

void cli_world_free(sim_world *w)
{
    sim_panic_context_set(NULL);
    sim_world_free(w);
}

double cli_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void cli_partition_name(const sim_world *w, uint32_t p, char *buf, size_t size)
{
    const scn_config *cfg = w->cfg;
    for (uint32_t t = 0; t < cfg->topic_count; t++) {
        if (p < cfg->topics[t].partitions) {
            snprintf(buf, size, "%s-%" PRIu32, cfg->topics[t].name, p);
            return;
        }
        p -= cfg->topics[t].partitions;
    }
    snprintf(buf, size, "?");
}
