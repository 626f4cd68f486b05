/*
 * expect.c — `expect` (checks on the run summary) and `invariants` (checkers a scenario
 * turns off on purpose).
 *
 * Role: validates both sections into `cfg->expects` and `cfg->invariants_disabled`;
 *   the CLI compares each expectation with the finished run's summary and exits 1 when
 *   one fails (spec §1).
 * Model: spec §2 "expect": `{"metric": PATH, OP: NUMBER}` with exactly one OP of eq, ne,
 *   lt, lte, gt, gte; PATH a numeric field of the run summary (metrics.c). "invariants":
 *   `{"disable": [NAME, ...]}`; a disabled checker still reports its violations as
 *   observations, they just do not fail the run.
 * Owns / borrows: writes the config's pool; names point at static tables.
 * Invariants: at most SIM_EXPECT_MAX expectations (checked before allocation); each
 *   disabled name is a known checker, listed once.
 * Determinism: file order is kept.
 * Not modelled: expectations on booleans and strings (`ok`, `scenario`).
 */
#include "scn_internal.h"

#include "../core/sim_assert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define NAME_BYTES     96u

static const char *const op_names[] = {"eq", "ne", "lt", "lte", "gt", "gte"};
static_assert(ARRAY_COUNT(op_names) == SCN_OP_GTE + 1, "one name per operator");

const char *scn_op_name(scn_op op)
{
    SIM_ASSERT((unsigned)op < ARRAY_COUNT(op_names));
    return op_names[op];
}

static void parse_metric(scn__ctx *ctx, const json_t *e, scn_expect *out)
{
    const char *metric = NULL;
    scn__require(ctx, e, "metric");
    if (scn__get_string(ctx, e, "metric", &metric) != SCN__OK) return;
    out->metric = scn__pool_strdup(ctx->cfg, metric);
    if (scn_metric_known(metric)) return;
    char safe[NAME_BYTES], hint[160];
    scn__safe(metric, safe, sizeof safe);
    scn__push_key(ctx, "metric");
    if (scn__will_show(ctx) && scn__metric_suggest(metric, hint, sizeof hint) != NULL) {
        scn__error(ctx, SCN__LOC_VALUE, "unknown metric '%s'; did you mean '%s'?", safe, hint);
    } else {
        scn__error(ctx, SCN__LOC_VALUE,
                   "unknown metric '%s' (the run summary's numeric fields are listed in "
                   "docs/scenarios.md)",
                   safe);
    }
    scn__pop(ctx);
}

static void parse_expect(scn__ctx *ctx, const json_t *e, scn_expect *out)
{
    static const char *const keys[] = {"metric", "eq", "ne", "lt", "lte", "gt", "gte"};
    if (!json_is_object(e)) {
        scn__type_error(ctx, e,
                        "an expectation such as {\"metric\": \"controller.elections\", \"gte\": "
                        "1}");
        return;
    }
    scn__check_keys(ctx, e, keys, ARRAY_COUNT(keys), NULL, 0);
    parse_metric(ctx, e, out);
    int found = -1;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)e, key, v)
    { /* file order: the second one is reported */
        int op = 0;
        while (op < (int)ARRAY_COUNT(op_names) && strcmp(key, op_names[op]) != 0) op++;
        if (op == (int)ARRAY_COUNT(op_names)) continue;
        scn__push_key(ctx, key);
        if (found >= 0) {
            scn__error(ctx, SCN__LOC_KEY,
                       "one operator per expectation, found '%s' and '%s' (write two "
                       "expectations)",
                       op_names[found], op_names[op]);
        } else if (!json_is_number(v)) {
            scn__type_error(ctx, v, "a number");
            found = op;
        } else {
            found = op;
            out->op = (scn_op)op;
            out->value = json_number_value(v);
        }
        scn__pop(ctx);
    }
    if (found < 0) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "missing the comparison: give one of eq, ne, lt, lte, gt, gte with a number");
    }
}

void scn__validate_expect(scn__ctx *ctx, const json_t *expect)
{
    SIM_ASSERT(json_is_array(expect));
    SIM_ASSERT(ctx->depth == 0);
    scn_config *cfg = ctx->cfg;
    const size_t count = json_array_size(expect);
    scn__push_key(ctx, "expect");
    if (count > SIM_EXPECT_MAX) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "'expect' has %zu entries, above the limit of %u (SIM_EXPECT_MAX)", count,
                   SIM_EXPECT_MAX);
        scn__pop(ctx);
        return;
    }
    if (count > 0) {
        cfg->expect_count = (uint32_t)count;
        cfg->expects = scn__pool_alloc(cfg, count, sizeof *cfg->expects);
        for (uint32_t i = 0; i < count; i++) {
            scn__push_index(ctx, i);
            parse_expect(ctx, json_array_get(expect, i), &cfg->expects[i]);
            scn__pop(ctx);
        }
        uint32_t lines[SIM_EXPECT_MAX];
        scn__element_lines(ctx->src->buf, ctx->src->len, ctx->path, ctx->depth, lines,
                           (uint32_t)count);
        for (uint32_t i = 0; i < count; i++) {
            const bool hidden = scn__override_hides_element(ctx->src, "expect", i);
            cfg->expects[i].line = hidden ? 0 : lines[i];
        }
    }
    scn__pop(ctx);
}

void scn__validate_invariants(scn__ctx *ctx, const json_t *invariants)
{
    static const char *const keys[] = {"disable"};
    SIM_ASSERT(json_is_object(invariants));
    SIM_ASSERT(ctx->depth == 0);
    scn_config *cfg = ctx->cfg;
    scn__push_key(ctx, "invariants");
    scn__check_keys(ctx, invariants, keys, 1, NULL, 0);
    const json_t *list = NULL;
    if (scn__get_array(ctx, invariants, "disable", &list) == SCN__OK) {
        scn__push_key(ctx, "disable");
        const size_t count = json_array_size(list);
        const size_t room = count < scn__invariant_count ? count : scn__invariant_count;
        cfg->invariants_disabled = scn__pool_alloc(cfg, room ? room : 1, sizeof(char *));
        for (uint32_t i = 0; i < count; i++) {
            const json_t *v = json_array_get(list, i);
            const char *name = json_string_value(v);
            scn__push_index(ctx, i);
            size_t k = 0;
            while (name != NULL && k < scn__invariant_count &&
                   strcmp(name, scn__invariant_names[k]) != 0) {
                k++;
            }
            uint32_t seen = 0;
            while (k < scn__invariant_count && seen < cfg->invariants_disabled_count &&
                   cfg->invariants_disabled[seen] != scn__invariant_names[k]) {
                seen++;
            }
            char safe[NAME_BYTES];
            if (name == NULL) {
                scn__type_error(ctx, v, "a checker name such as \"single_leader_per_epoch\"");
            } else if (k == scn__invariant_count) {
                const char *hint = scn__suggest(name, scn__invariant_names, scn__invariant_count);
                scn__error(ctx, SCN__LOC_VALUE, "unknown invariant '%s'%s%s%s",
                           scn__safe(name, safe, sizeof safe),
                           hint ? "; did you mean '" : " (see docs/scenarios.md)", hint ? hint : "",
                           hint ? "'?" : "");
            } else if (seen < cfg->invariants_disabled_count) {
                scn__error(ctx, SCN__LOC_VALUE, "invariant '%s' is listed twice", name);
            } else {
                SIM_ASSERT(cfg->invariants_disabled_count < room);
                cfg->invariants_disabled[cfg->invariants_disabled_count++] =
                    scn__invariant_names[k];
            }
            scn__pop(ctx);
        }
        scn__pop(ctx);
    }
    scn__pop(ctx);
}
