/*
 * access.c — checked accessors: read one key of a JSON object, check its type and
 * range, report what was expected and what was found, and carry on.
 *
 * Role: the validation sections (load.c, timeline.c, kconfig.c, expect.c) read every
 *   value through these, so types, ranges and messages are uniform. Also the config's
 *   allocation pool.
 * Model: style C.6 item 3 (SQLite's accumulate-and-continue): each check that fails
 *   appends a diagnostic and returns SCN__BAD; the caller keeps validating.
 * Owns / borrows: borrows the jansson values; copies strings into the config's pool.
 * Invariants: every accessor leaves the path stack as it found it.
 * Determinism: unknown keys are reported in file order.
 * Not modelled: n/a.
 */
#include "scn_internal.h"

#include "../core/sim_arena.h"
#include "../core/sim_assert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_BYTES   96u
#define FOUND_BYTES  192u
#define LIST_ALLOWED 10u /* list the allowed keys in a message when there are this few */
#define DURATION_EXPECTED                                                                          \
    "a duration (a number and a unit, us, ms, s, m or h, such as \"1.5s\"; or an integer "         \
    "number of milliseconds)"

/* =================================================================================
 * Pool
 * ================================================================================= */

void *scn__pool_alloc(scn_config *cfg, size_t count, size_t size)
{
    SIM_ASSERT(size == 0 || count <= SIZE_MAX / size);
    scn__pool *pool = cfg->owned_;
    SIM_ASSERT(pool != NULL);
    if (pool->count == pool->cap) {
        pool->cap = pool->cap ? pool->cap * 2 : 64;
        pool->ptrs = sim_xrealloc(pool->ptrs, pool->cap * sizeof *pool->ptrs);
    }
    void *p = sim_xcalloc(count, size);
    pool->ptrs[pool->count++] = p;
    return p;
}

char *scn__pool_strdup(scn_config *cfg, const char *s)
{
    const size_t n = strlen(s) + 1;
    char *p = scn__pool_alloc(cfg, n, 1);
    memcpy(p, s, n);
    return p;
}

/* =================================================================================
 * Keys
 * ================================================================================= */

static bool in_list(const char *key, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(key, list[i]) == 0) return true;
    }
    return false;
}

void scn__check_keys(scn__ctx *ctx, const json_t *obj, const char *const *allowed,
                     size_t allowed_count, const char *const *later, size_t later_count)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        if (in_list(key, allowed, allowed_count)) continue;
        char safe[NAME_BYTES];
        scn__safe(key, safe, sizeof safe);
        scn__push_key(ctx, key);
        if (in_list(key, later, later_count)) {
            scn__error(ctx, SCN__LOC_KEY,
                       "'%s' is not modelled yet in this build (see docs/scenarios.md)", safe);
            scn__pop(ctx);
            continue;
        }
        const char *hint = scn__will_show(ctx) ? scn__suggest(key, allowed, allowed_count) : NULL;
        if (hint != NULL) {
            scn__error(ctx, SCN__LOC_KEY, "unknown key '%s'; did you mean '%s'?", safe, hint);
        } else if (allowed_count <= LIST_ALLOWED) {
            char list[512];
            size_t o = 0;
            for (size_t i = 0; i < allowed_count && o + 64 < sizeof list; i++) {
                o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", allowed[i]);
            }
            scn__error(ctx, SCN__LOC_KEY, "unknown key '%s' (expected one of: %s)", safe, list);
        } else {
            scn__error(ctx, SCN__LOC_KEY, "unknown key '%s'", safe);
        }
        scn__pop(ctx);
    }
}

void scn__error_choice(scn__ctx *ctx, const char *what, const char *value,
                       const char *const *choices, size_t count)
{
    char safe[NAME_BYTES], list[256];
    scn__safe(value, safe, sizeof safe);
    const char *hint = scn__suggest(value, choices, count);
    if (hint != NULL) {
        scn__error(ctx, SCN__LOC_VALUE, "unknown %s '%s'; did you mean '%s'?", what, safe, hint);
        return;
    }
    size_t o = 0;
    list[0] = '\0';
    for (size_t i = 0; i < count && o + 40 < sizeof list; i++) {
        o += (size_t)snprintf(list + o, sizeof list - o, "%s\"%s\"",
                              i == 0           ? ""
                              : i + 1 == count ? " or "
                                               : ", ",
                              choices[i]);
    }
    scn__error(ctx, SCN__LOC_VALUE, "unknown %s '%s'; expected %s", what, safe, list);
}

const json_t *scn__require(scn__ctx *ctx, const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (v != NULL) return v;
    scn__push_key(ctx, key);
    scn__error(ctx, SCN__LOC_PARENT, "missing required key '%s'", key);
    scn__pop(ctx);
    return NULL;
}

/* =================================================================================
 * Scalars
 * ================================================================================= */

void scn__type_error(scn__ctx *ctx, const json_t *v, const char *expected)
{
    char name[NAME_BYTES], found[FOUND_BYTES];
    scn__error(ctx, SCN__LOC_VALUE, "expected %s for '%s', found %s", expected,
               scn__name(ctx, name, sizeof name), scn__describe(v, found, sizeof found));
}

static scn__get check_int(scn__ctx *ctx, const json_t *v, int64_t min, int64_t max, int64_t *out)
{
    char name[NAME_BYTES];
    if (!json_is_integer(v)) {
        scn__type_error(ctx, v, min >= 0 ? "a non-negative integer" : "an integer");
        return SCN__BAD;
    }
    const int64_t x = json_integer_value(v);
    if (x < min || x > max) {
        scn__name(ctx, name, sizeof name);
        if (max == INT64_MAX) {
            scn__error(ctx, SCN__LOC_VALUE, "'%s' must be at least %lld, found %lld", name,
                       (long long)min, (long long)x);
        } else {
            scn__error(ctx, SCN__LOC_VALUE, "'%s' must be between %lld and %lld, found %lld", name,
                       (long long)min, (long long)max, (long long)x);
        }
        return SCN__BAD;
    }
    *out = x;
    return SCN__OK;
}

scn__get scn__get_int(scn__ctx *ctx, const json_t *obj, const char *key, int64_t min, int64_t max,
                      int64_t *out)
{
    const json_t *v = json_object_get(obj, key);
    if (v == NULL) return SCN__ABSENT;
    scn__push_key(ctx, key);
    const scn__get r = check_int(ctx, v, min, max, out);
    scn__pop(ctx);
    return r;
}

scn__get scn__get_string(scn__ctx *ctx, const json_t *obj, const char *key, const char **out)
{
    const json_t *v = json_object_get(obj, key);
    if (v == NULL) return SCN__ABSENT;
    scn__push_key(ctx, key);
    scn__get r = SCN__OK;
    if (!json_is_string(v)) {
        scn__type_error(ctx, v, "a string");
        r = SCN__BAD;
    } else {
        *out = json_string_value(v);
    }
    scn__pop(ctx);
    return r;
}

scn__get scn__get_object(scn__ctx *ctx, const json_t *obj, const char *key, const json_t **out)
{
    const json_t *v = json_object_get(obj, key);
    if (v == NULL) return SCN__ABSENT;
    if (json_is_object(v)) {
        *out = v;
        return SCN__OK;
    }
    scn__push_key(ctx, key);
    scn__type_error(ctx, v, "an object");
    scn__pop(ctx);
    return SCN__BAD;
}

scn__get scn__get_array(scn__ctx *ctx, const json_t *obj, const char *key, const json_t **out)
{
    const json_t *v = json_object_get(obj, key);
    if (v == NULL) return SCN__ABSENT;
    if (json_is_array(v)) {
        *out = v;
        return SCN__OK;
    }
    scn__push_key(ctx, key);
    scn__type_error(ctx, v, "an array");
    scn__pop(ctx);
    return SCN__BAD;
}

/* =================================================================================
 * Durations and probabilities
 * ================================================================================= */

scn__get scn__check_duration(scn__ctx *ctx, const json_t *v, sim_time min_us, sim_time max_us,
                             const char *what_max, sim_time *out)
{
    char name[NAME_BYTES], found[FOUND_BYTES], a[32], b[32];
    scn__name(ctx, name, sizeof name);
    sim_time us = 0;
    if (json_is_integer(v)) {
        const json_int_t ms = json_integer_value(v);
        if (ms < 0) {
            scn__error(ctx, SCN__LOC_VALUE, "'%s' must not be negative, found %lld", name,
                       (long long)ms);
            return SCN__BAD;
        }
        us = (uint64_t)ms <= SIM_DURATION_MAX / 1000u ? (sim_time)ms * 1000u : SIM_TIME_NEVER;
    } else if (json_is_string(v)) {
        switch (scn__parse_duration(json_string_value(v), json_string_length(v), &us)) {
        case SCN__DUR_OK:
            break;
        case SCN__DUR_SYNTAX:
            scn__type_error(ctx, v, DURATION_EXPECTED);
            return SCN__BAD;
        case SCN__DUR_FRACTION:
            scn__error(
                ctx, SCN__LOC_VALUE, "'%s' is %s, which is not a whole number of microseconds",
                name, scn__quote(json_string_value(v), json_string_length(v), found, sizeof found));
            return SCN__BAD;
        case SCN__DUR_OVERFLOW:
            us = SIM_TIME_NEVER;
            break;
        default:
            SIM_UNREACHABLE();
        }
    } else {
        scn__type_error(ctx, v, DURATION_EXPECTED);
        return SCN__BAD;
    }
    if (us < min_us && min_us == 1) {
        scn__error(ctx, SCN__LOC_VALUE, "'%s' must be longer than 0, found %s", name,
                   scn__format_duration(us, b, sizeof b));
        return SCN__BAD;
    }
    if (us < min_us) {
        scn__error(ctx, SCN__LOC_VALUE, "'%s' must be at least %s, found %s", name,
                   scn__format_duration(min_us, a, sizeof a),
                   scn__format_duration(us, b, sizeof b));
        return SCN__BAD;
    }
    if (us > max_us) {
        if (us == SIM_TIME_NEVER) {
            scn__error(ctx, SCN__LOC_VALUE, "'%s' is too long: the limit is %s%s%s%s", name,
                       scn__format_duration(max_us, a, sizeof a), what_max ? " (" : "",
                       what_max ? what_max : "", what_max ? ")" : "");
        } else {
            scn__error(ctx, SCN__LOC_VALUE, "'%s' is %s, above the limit of %s%s%s%s", name,
                       scn__format_duration(us, b, sizeof b),
                       scn__format_duration(max_us, a, sizeof a), what_max ? " (" : "",
                       what_max ? what_max : "", what_max ? ")" : "");
        }
        return SCN__BAD;
    }
    *out = us;
    return SCN__OK;
}

scn__get scn__get_duration(scn__ctx *ctx, const json_t *obj, const char *key, sim_time min_us,
                           sim_time max_us, const char *what_max, sim_time *out)
{
    const json_t *v = json_object_get(obj, key);
    if (v == NULL) return SCN__ABSENT;
    scn__push_key(ctx, key);
    const scn__get r = scn__check_duration(ctx, v, min_us, max_us, what_max, out);
    scn__pop(ctx);
    return r;
}

scn__get scn__get_ppm(scn__ctx *ctx, const json_t *obj, const char *key, uint32_t *out)
{
    const json_t *v = json_object_get(obj, key);
    if (v == NULL) return SCN__ABSENT;
    scn__push_key(ctx, key);
    char name[NAME_BYTES], found[FOUND_BYTES];
    scn__name(ctx, name, sizeof name);
    scn__get r = SCN__BAD;
    uint64_t ppm = 0;
    if (!json_is_number(v)) {
        scn__type_error(ctx, v, "a probability between 0 and 1");
    } else {
        switch (scn__number_fixed(v, 6, 1000000u, &ppm)) {
        case SCN__FIXED_OK:
            *out = (uint32_t)ppm;
            r = SCN__OK;
            break;
        case SCN__FIXED_PRECISION:
            scn__error(ctx, SCN__LOC_VALUE,
                       "'%s' has more than 6 decimal places, found %s: probabilities are held "
                       "in parts per million",
                       name, scn__describe(v, found, sizeof found));
            break;
        case SCN__FIXED_RANGE:
            scn__error(ctx, SCN__LOC_VALUE, "'%s' must be between 0 and 1, found %s", name,
                       scn__describe(v, found, sizeof found));
            break;
        default:
            SIM_UNREACHABLE();
        }
    }
    scn__pop(ctx);
    return r;
}

scn__get scn__get_latency(scn__ctx *ctx, const json_t *obj, const char *key, sim_time least_us,
                          sim_time max_us, sim_time *min_out, sim_time *max_out)
{
    static const char *const keys[] = {"min", "max"};
    const json_t *v = json_object_get(obj, key);
    if (v == NULL) return SCN__ABSENT;
    scn__push_key(ctx, key);
    scn__get r = SCN__BAD;
    sim_time lo = 0, hi = 0;
    char a[32], b[32];
    if (json_is_string(v) || json_is_integer(v)) {
        /* A single duration: a fixed value. */
        if (scn__check_duration(ctx, v, least_us, max_us, NULL, &lo) == SCN__OK) {
            *min_out = *max_out = lo;
            r = SCN__OK;
        }
    } else if (json_is_object(v)) {
        scn__check_keys(ctx, v, keys, 2, NULL, 0);
        const json_t *jmin = scn__require(ctx, v, "min");
        const json_t *jmax = scn__require(ctx, v, "max");
        const scn__get rmin = scn__get_duration(ctx, v, "min", least_us, max_us, NULL, &lo);
        const scn__get rmax = scn__get_duration(ctx, v, "max", least_us, max_us, NULL, &hi);
        if (jmin && jmax && rmin == SCN__OK && rmax == SCN__OK) {
            if (lo > hi) {
                scn__push_key(ctx, "min");
                scn__error(ctx, SCN__LOC_VALUE, "'%s' min %s is above its max %s", key,
                           scn__format_duration(lo, a, sizeof a),
                           scn__format_duration(hi, b, sizeof b));
                scn__pop(ctx);
            } else {
                *min_out = lo;
                *max_out = hi;
                r = SCN__OK;
            }
        }
    } else {
        scn__type_error(ctx, v, "{\"min\": DURATION, \"max\": DURATION} or a duration");
    }
    scn__pop(ctx);
    return r;
}
