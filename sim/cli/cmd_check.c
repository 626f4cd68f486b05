/*
 * cmd_check.c — `kraftlab check FILE...`: validate scenario files without running them.
 *
 * Role: runs the loader on each file and prints every problem compiler-style
 *   (`file:line:col: error: message [json-path]`, the source line and a caret), then
 *   `FILE: ok` for each valid file.
 * Model: none.
 * Owns / borrows: each config is freed at once.
 * Invariants: exit 0 when every file is valid, 2 when any is invalid, 3 when one could
 *   not be read (and none was invalid).
 * Determinism: n/a.
 * Not modelled: lab files (labs/NN-slug/lab.json) arrive with the labs.
 */
#include "cli.h"

#include <string.h>

static const char check_help[] =
    "usage: kraftlab check FILE...\n"
    "\n"
    "Validates scenario files and prints every problem as\n"
    "  file:line:col: error: message [json-path]\n"
    "followed by the source line and a caret. Nothing is simulated.\n"
    "Exit: 0 all valid; 2 a file is invalid; 3 a file could not be read.\n";

int cmd_check(int argc, char **argv)
{
    int files = 0, invalid = 0, unreadable = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(check_help, stdout);
            return CLI_EXIT_OK;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage_error("check", "unknown flag '%s'", argv[i]);
    }
    for (int i = 1; i < argc; i++) {
        files++;
        scn_config *cfg = NULL;
        scn_diags diags = {0};
        const sim_err err = scn_load_file(argv[i], NULL, 0, &cfg, &diags);
        if (diags.text != NULL) fputs(diags.text, stderr);
        scn_diags_free(&diags);
        if (err == SIM_OK) {
            printf("%s: ok\n", argv[i]);
            scn_config_free(cfg);
        } else if (err == SIM_EIO) {
            unreadable++;
        } else {
            invalid++;
        }
    }
    if (files == 0) return cli_usage_error("check", "which files?");
    if (invalid > 0) return CLI_EXIT_USAGE;
    return unreadable > 0 ? CLI_EXIT_ENV : CLI_EXIT_OK;
}
