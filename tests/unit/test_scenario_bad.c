/*
 * test_scenario_bad.c — golden diagnostics: every bad scenario case, byte for byte.
 *
 * Goal: each kind of diagnostic the loader emits (parse errors, types, ranges, missing
 *   and unknown keys with hints, "not modelled yet", targets, labels, limits, `--set`,
 *   the error cap, UTF-8 columns) is pinned exactly, location, path and caret included,
 *   and every bad file is refused with SIM_EINVALID.
 * Method: jansson's suite layout. Each directory tests/bad_scenarios/<case>/ holds
 *   `input.json`, `expected.txt` and optionally `args` (one `--set PATH=VALUE` per
 *   line; blank lines and lines starting with '#' are skipped) and `groups` (any content:
 *   the case loads with scn_set_groups_enabled(true), as the group-* cases need while the
 *   world does not run consumer groups yet). The cases are loaded
 *   in name order with scn_load_file("tests/bad_scenarios/<case>/input.json") from the
 *   repository root, so that path is the file name in expected.txt. A mismatch prints
 *   a line diff. With KRAFTLAB_UPDATE_GOLDEN=1 the test rewrites expected.txt instead
 *   (tests/tools/update-bad-scenarios.sh); review the diff before committing.
 */
#include "../../sim/scenario/scenario.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CASES_DIR     "tests/bad_scenarios"
#define CASES_MAX     512
#define OVERRIDES_MAX 16
#define LINES_MAX     4000 /* larger texts are compared without a line diff */

static char *read_all(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (size_t n; (n = fread(buf + len, 1, cap - len - 1, f)) > 0;) {
        len += n;
        if (cap - len - 1 == 0) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    buf[len] = '\0';
    if (len_out) *len_out = len;
    return buf;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Splits text into lines (in place); returns the count. */
static size_t split_lines(char *text, char **lines, size_t max)
{
    size_t n = 0;
    for (char *p = text; *p != '\0' && n < max;) {
        lines[n++] = p;
        char *nl = strchr(p, '\n');
        if (nl == NULL) break;
        *nl = '\0';
        p = nl + 1;
    }
    return n;
}

/* A unified-ish diff (LCS of lines): '-' expected only, '+' actual only. */
static void print_diff(const char *name, const char *expected, const char *actual)
{
    char *e = strdup(expected), *a = strdup(actual);
    char **el = calloc(LINES_MAX, sizeof *el), **al = calloc(LINES_MAX, sizeof *al);
    const size_t n = split_lines(e, el, LINES_MAX), m = split_lines(a, al, LINES_MAX);
    fprintf(stderr, "--- %s/%s/expected.txt\n+++ actual\n", CASES_DIR, name);
    if (n < LINES_MAX && m < LINES_MAX) {
        unsigned *lcs = calloc((n + 1) * (m + 1), sizeof *lcs);
#define L(i, j) lcs[(i) * (m + 1) + (j)]
        for (size_t i = n; i-- > 0;) {
            for (size_t j = m; j-- > 0;) {
                L(i, j) = strcmp(el[i], al[j]) == 0   ? L(i + 1, j + 1) + 1
                          : L(i + 1, j) > L(i, j + 1) ? L(i + 1, j)
                                                      : L(i, j + 1);
            }
        }
        size_t i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && strcmp(el[i], al[j]) == 0) {
                fprintf(stderr, " %s\n", el[i]);
                i++, j++;
            } else if (j < m && (i == n || L(i, j + 1) >= L(i + 1, j))) {
                fprintf(stderr, "+%s\n", al[j++]);
            } else {
                fprintf(stderr, "-%s\n", el[i++]);
            }
        }
#undef L
        free(lcs);
    } else {
        fprintf(stderr, "(too long for a line diff)\n");
    }
    free(el);
    free(al);
    free(e);
    free(a);
}

/* Reads `args`: lines "--set PATH=VALUE". Strings live in *storage (free it). */
static uint32_t read_args(const char *dir, scn_override *out, char **storage)
{
    char path[600];
    snprintf(path, sizeof path, "%s/args", dir);
    *storage = read_all(path, NULL);
    if (*storage == NULL) return 0;
    uint32_t n = 0;
    char *lines[64];
    const size_t count = split_lines(*storage, lines, 64);
    for (size_t i = 0; i < count && n < OVERRIDES_MAX; i++) {
        char *line = lines[i];
        if (line[0] == '\0' || line[0] == '#') continue;
        cr_assert(strncmp(line, "--set ", 6) == 0, "%s: bad line in args: %s", dir, line);
        char *eq = strchr(line + 6, '=');
        cr_assert_not_null(eq, "%s: --set without '=': %s", dir, line);
        *eq = '\0';
        out[n].path = line + 6;
        out[n].value = eq + 1;
        n++;
    }
    return n;
}

/* Runs one case; returns true when it matches (or was updated). */
static bool run_case(const char *name, bool update)
{
    char dir[512], input[600], expected_path[600];
    snprintf(dir, sizeof dir, "%s/%s", CASES_DIR, name);
    snprintf(input, sizeof input, "%s/input.json", dir);
    snprintf(expected_path, sizeof expected_path, "%s/expected.txt", dir);
    scn_override overrides[OVERRIDES_MAX];
    char *storage = NULL;
    const uint32_t override_count = read_args(dir, overrides, &storage);
    char groups_path[600];
    struct stat st;
    snprintf(groups_path, sizeof groups_path, "%s/groups", dir);
    const bool groups = stat(groups_path, &st) == 0;
    scn_config *cfg = NULL;
    scn_diags diags;
    scn_set_groups_enabled(groups);
    const sim_err err = scn_load_file(input, overrides, override_count, &cfg, &diags);
    scn_set_groups_enabled(false);
    const char *actual = diags.text ? diags.text : "";
    bool ok = true;
    if (err != SIM_EINVALID || cfg != NULL || diags.error_count == 0) {
        fprintf(stderr, "%s: expected SIM_EINVALID with errors, got %s (%u errors)\n", name,
                sim_err_name(err), diags.error_count);
        ok = false;
    }
    if (update) {
        FILE *f = fopen(expected_path, "wb");
        cr_assert_not_null(f, "cannot write %s", expected_path);
        fwrite(actual, 1, strlen(actual), f);
        fclose(f);
    } else {
        char *expected = read_all(expected_path, NULL);
        if (expected == NULL) {
            fprintf(stderr, "%s: no expected.txt (KRAFTLAB_UPDATE_GOLDEN=1 writes it)\n", name);
            ok = false;
        } else if (strcmp(expected, actual) != 0) {
            print_diff(name, expected, actual);
            ok = false;
        }
        free(expected);
    }
    scn_config_free(cfg);
    scn_diags_free(&diags);
    free(storage);
    return ok;
}

Test(scenario_bad, golden_diagnostics, .timeout = 120)
{
    const char *env = getenv("KRAFTLAB_UPDATE_GOLDEN");
    const bool update = env != NULL && strcmp(env, "1") == 0;
    DIR *d = opendir(CASES_DIR);
    cr_assert_not_null(d, "%s not found: run the tests from the repository root", CASES_DIR);
    char *names[CASES_MAX];
    size_t count = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL && count < CASES_MAX;) {
        if (e->d_name[0] == '.') continue;
        char input[600];
        struct stat st;
        snprintf(input, sizeof input, "%s/%s/input.json", CASES_DIR, e->d_name);
        if (stat(input, &st) == 0) names[count++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, count, sizeof *names, compare_names);
    size_t failed = 0;
    for (size_t i = 0; i < count; i++) {
        if (!run_case(names[i], update)) {
            fprintf(stderr, "FAIL bad_scenarios/%s\n", names[i]);
            failed++;
        }
        free(names[i]);
    }
    if (update) fprintf(stderr, "rewrote expected.txt of %zu cases\n", count);
    cr_assert_geq(count, 30, "only %zu bad-scenario cases found", count);
    cr_assert_eq(failed, 0, "%zu of %zu bad-scenario cases differ (see above)", failed, count);
}
