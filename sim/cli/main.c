/*
 * main.c — `kraftlab`: one binary, git-style subcommands (spec §1).
 *
 * Role: dispatches to the subcommand files; prints the top-level help and version.
 * Model: none.
 * Owns / borrows: nothing.
 * Invariants: unknown commands exit 2 with a hint.
 * Determinism: n/a.
 * Not modelled: the commands of later issues (lab, reassign) are not in this build;
 *   `--help` lists only what exists.
 */
#include "cli.h"
#include "../core/sim_version.h"

#include <string.h>

static const char usage_text[] =
    "usage: kraftlab COMMAND [ARGS]\n"
    "\n"
    "A deterministic Kafka (KRaft) cluster simulator. Same scenario + seed = same run.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO       simulate headless and print a summary (--json for JSON)\n"
    "  check FILE...      validate scenario files; print every problem as file:line:col\n"
    "  sweep SCENARIO     run many seeds; statistics, failing seeds and replay commands\n"
    "  describe SCENARIO  state at a virtual time, as Kafka's tools print it\n"
    "  watch SCENARIO     the animated viewer: play, pause, scrub, inject faults by clicking\n"
    "  render SCENARIO    draw the viewer's picture at an instant (PNG), no display needed\n"
    "  partition KEY...   which partition Kafka's default partitioner picks for each key\n"
    "  assign FILE|-      run a consumer partition assignor (range, roundrobin, sticky,\n"
    "                     cooperative-sticky) as Kafka's does\n"
    "  version            version and build revision\n"
    "\n"
    "Run 'kraftlab COMMAND --help' for the flags of a command.\n"
    "Exit codes: 0 ok; 1 an expectation or invariant failed; 2 bad usage or input;\n"
    "3 environment error.\n";

static int cmd_version(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: kraftlab version\n\nPrints the version and the build revision.\n");
        return CLI_EXIT_OK;
    }
    if (argc > 1) return cli_usage_error("version", "unexpected argument '%s'", argv[1]);
    printf("kraftlab %s (revision %s)\n", SIM_VERSION, SIM_REVISION);
    return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    scn_set_groups_enabled(true); /* the world runs consumer groups */
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) return cmd_version(1, argv + 1);
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } commands[] = {
        {"run", cmd_run},           {"check", cmd_check},         {"sweep", cmd_sweep},
        {"describe", cmd_describe}, {"version", cmd_version},     {"render", cmd_render},
        {"watch", cmd_watch},       {"partition", cmd_partition}, {"assign", cmd_assign},
    };
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0) return commands[i].fn(argc - 1, argv + 1);
    static const char *later[] = {"lab", "reassign"};
    for (size_t i = 0; i < sizeof later / sizeof later[0]; i++) {
        if (strcmp(cmd, later[i]) == 0) {
            fprintf(stderr, "kraftlab: '%s' is not in this build yet (see docs/)\n", cmd);
            return CLI_EXIT_USAGE;
        }
    }
    fprintf(stderr, "kraftlab: unknown command '%s'\n\n%s", cmd, usage_text);
    return CLI_EXIT_USAGE;
}
