/*
 * cli.h — what the subcommands of `kraftlab` share: exit codes, flag parsing helpers,
 *   loading a scenario with its overrides, and the run summary.
 *
 * Role: sim/cli is the only place that wires the model, the loader and (later) the
 *   viewer and the lab grader together (style C.2). One file per subcommand.
 * Model: none; exit codes are spec §1's.
 * Owns / borrows: see each function.
 * Invariants: bad usage or bad input exits 2 before anything is simulated.
 * Determinism: wall-clock time is read here only for `wall_ms` and `speedup`, which
 *   never reach the model or the trace.
 * Not modelled: n/a.
 */
#ifndef CLI_H
#define CLI_H

#include "../scenario/scenario.h"
#include "../world/world.h"

#include <jansson.h>
#include <stdio.h>

enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FAILED = 1, /* an expectation failed or an invariant was violated */
    CLI_EXIT_USAGE = 2,  /* bad usage or bad input; nothing ran */
    CLI_EXIT_ENV = 3,    /* environment: unreadable file, no display */
};

#define CLI_OVERRIDES_MAX 64

/* Flags every simulating command shares. */
typedef struct cli_common {
    const char *scenario_path;
    bool has_seed;
    uint64_t seed;
    bool has_until;
    sim_time until_us;
    scn_override overrides[CLI_OVERRIDES_MAX];
    uint32_t override_count;
} cli_common;

/* Tries to consume argv[*i] (and its value) as a common flag. Returns 1 if consumed, 0 if
 * not a common flag, -1 on a usage error (printed). */
int cli_common_flag(cli_common *c, int argc, char **argv, int *i, const char *cmd);

/* Loads c->scenario_path with the overrides; prints diagnostics to stderr. Returns an
 * exit code: CLI_EXIT_OK with *out set, or CLI_EXIT_USAGE / CLI_EXIT_ENV. */
int cli_load(const cli_common *c, scn_config **out);

uint64_t cli_seed(const cli_common *c, const scn_config *cfg);

/* A world for the command, with the panic context pointing at it so an internal error
 * prints `kraftlab run PATH --seed N`. Free with cli_world_free. */
sim_world *cli_world_new(const scn_config *cfg, uint64_t seed, sim_time until_us);
void cli_world_free(sim_world *w);
sim_time cli_until(const cli_common *c);

bool cli_parse_u64(const char *s, uint64_t *out);
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Wall-clock milliseconds, for wall_ms only. */
double cli_wall_ms(void);

/* "TOPIC-P" for the global partition index `p` of the world's scenario. */
void cli_partition_name(const sim_world *w, uint32_t p, char *buf, size_t size);

/* The run summary of spec §3 (returns owned json_t). */
json_t *cli_summary(const sim_world *w, double wall_ms);
/* Evaluates the scenario's `expect` list on the summary: adds "expectations" and sets
 * "ok". Returns false when any expectation or enabled invariant failed. */
bool cli_summary_finish(json_t *summary, const scn_config *cfg, const sim_world *w);
/* Looks up a dotted metric path in the summary (arrays by index or by "group"/"name"). */
json_t *cli_summary_get(json_t *summary, const char *path);
void cli_summary_print_human(FILE *out, json_t *summary, const sim_world *w);

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_describe(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_partition(int argc, char **argv);
int cmd_assign(int argc, char **argv);

#endif
