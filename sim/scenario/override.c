/*
 * override.c — `--set PATH=VALUE`: edits the parsed scenario before validation.
 *
 * Role: `scn_load_*` calls `scn__apply_overrides` on the jansson tree, in the order the
 *   overrides were given, then validates the result as if the file had said so. diag.c
 *   asks this file which override produced a value, so a bad value that came from the
 *   command line is reported as `<--set PATH=VALUE>: error: ...` instead of at a file
 *   position that holds something else.
 * Model: spec §1: PATH is a JSON-pointer-like path without the leading slash (a leading
 *   slash is tolerated; `~1` and `~0` escape '/' and '~' as in RFC 6901); numeric
 *   segments index arrays (index = length appends); a missing object key is created,
 *   intermediate ones as empty objects, or empty arrays when the next segment is an
 *   index. VALUE is parsed as JSON when it parses, else
 *   taken as a string.
 * Owns / borrows: owns the decoded override paths (`scn__opath`, freed by
 *   `scn__free_opaths`); borrows the override strings.
 * Invariants: an override is applied whole or reported (it may leave empty objects it
 *   created on the way); any report fails the load, so a half-applied override never
 *   reaches a config.
 * Determinism: overrides apply in command-line order; a later one wins.
 * Not modelled: removing keys; JSON Pointer's "-" (use the array's length instead).
 */
#include "scn_internal.h"

#include "../core/sim_arena.h"
#include "../core/sim_assert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum split_status { SPLIT_OK = 0, SPLIT_EMPTY, SPLIT_TOO_DEEP } split_status;

/* Splits and unescapes PATH into out (owned segments, freed by scn__free_opaths). */
static split_status split_path(const char *path, scn__opath *out)
{
    if (path[0] == '/') path++;
    if (path[0] == '\0') return SPLIT_EMPTY;
    uint32_t count = 1;
    for (const char *p = path; *p != '\0'; p++) count += *p == '/';
    if (count > SCN__PATH_DEPTH_MAX) return SPLIT_TOO_DEEP;
    out->segs = sim_xcalloc(count, sizeof *out->segs);
    const char *start = path;
    for (uint32_t i = 0; i < count; i++) {
        const char *end = strchr(start, '/');
        const size_t n = end ? (size_t)(end - start) : strlen(start);
        char *seg = sim_xmalloc(n + 1);
        size_t o = 0;
        for (size_t k = 0; k < n; k++) {
            if (start[k] == '~' && k + 1 < n && (start[k + 1] == '0' || start[k + 1] == '1')) {
                seg[o++] = start[k + 1] == '0' ? '~' : '/';
                k++;
            } else {
                seg[o++] = start[k];
            }
        }
        seg[o] = '\0';
        out->segs[out->depth++] = seg;
        if (n == 0) return SPLIT_EMPTY;
        start = end ? end + 1 : start + n;
    }
    return SPLIT_OK;
}

/* A decimal array index without sign or leading zeros; false otherwise. */
static bool parse_index(const char *s, size_t *out)
{
    if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0')) return false;
    size_t v = 0;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || v > (SIZE_MAX - 9) / 10) return false;
        v = v * 10 + (size_t)(*p - '0');
    }
    *out = v;
    return true;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    default:
        SIM_UNREACHABLE();
    }
}

/* The diagnostic path of the first `depth` segments of `op`, walked on `root`. */
static uint32_t diag_path(const json_t *root, const scn__opath *op, uint32_t depth, scn__seg *segs)
{
    const json_t *cur = root;
    for (uint32_t i = 0; i < depth; i++) {
        size_t index = 0;
        if (json_is_array(cur) && parse_index(op->segs[i], &index) && index <= UINT32_MAX) {
            segs[i].key = NULL;
            segs[i].index = (uint32_t)index;
            cur = json_array_get(cur, index);
        } else {
            segs[i].key = op->segs[i];
            segs[i].index = 0;
            cur = json_is_object(cur) ? json_object_get(cur, op->segs[i]) : NULL;
        }
    }
    return depth;
}

/* What a missing intermediate becomes: an array when the next segment is an index. */
static json_t *new_container(const char *next_segment)
{
    size_t index = 0;
    return parse_index(next_segment, &index) ? json_array() : json_object();
}

static json_t *parse_value(const char *text)
{
    json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    return v != NULL ? v : json_string(text);
}

/* Applies one override; returns false after reporting why it could not. */
static bool apply_one(scn__ctx *ctx, json_t *root, uint32_t oi, const scn__opath *op)
{
    scn__seg segs[SCN__PATH_DEPTH_MAX];
    json_t *cur = root;
    for (uint32_t i = 0; i < op->depth; i++) {
        const bool last = i + 1 == op->depth;
        const char *seg = op->segs[i];
        if (json_is_object(cur)) {
            json_t *child = json_object_get(cur, seg);
            if (last) {
                json_t *value = parse_value(ctx->src->overrides[oi].value);
                if (value == NULL) {
                    scn__error_override(ctx, oi, NULL, 0, "the value is not valid UTF-8");
                    return false;
                }
                if (json_object_set_new(cur, seg, value) != 0) {
                    scn__error_override(ctx, oi, NULL, 0, "the path is not valid UTF-8");
                    return false;
                }
                return true;
            }
            if (child == NULL) {
                child = new_container(op->segs[i + 1]);
                if (json_object_set_new(cur, seg, child) != 0) {
                    scn__error_override(ctx, oi, NULL, 0, "the path is not valid UTF-8");
                    return false;
                }
            }
            cur = child;
        } else if (json_is_array(cur)) {
            size_t index = 0;
            const size_t size = json_array_size(cur);
            const uint32_t d = diag_path(root, op, i, segs);
            if (!parse_index(seg, &index)) {
                scn__error_override(ctx, oi, segs, d,
                                    "'%s' is not an array index: this is an array of %zu "
                                    "element%s",
                                    seg, size, size == 1 ? "" : "s");
                return false;
            }
            if (index > size) {
                scn__error_override(ctx, oi, segs, d,
                                    "index %zu is out of range: the array has %zu element%s "
                                    "(use %zu to append)",
                                    index, size, size == 1 ? "" : "s", size);
                return false;
            }
            if (last) {
                json_t *value = parse_value(ctx->src->overrides[oi].value);
                if (value == NULL) {
                    scn__error_override(ctx, oi, NULL, 0, "the value is not valid UTF-8");
                    return false;
                }
                if (index == size) return json_array_append_new(cur, value) == 0;
                return json_array_set_new(cur, index, value) == 0;
            }
            if (index == size) {
                json_t *child = new_container(op->segs[i + 1]);
                json_array_append_new(cur, child);
                cur = child;
            } else {
                cur = json_array_get(cur, index);
            }
        } else {
            const uint32_t d = diag_path(root, op, i, segs);
            scn__error_override(ctx, oi, segs, d,
                                "cannot set '%s' inside %s: only objects and arrays have "
                                "members",
                                seg, type_name(cur));
            return false;
        }
    }
    SIM_UNREACHABLE();
}

void scn__apply_overrides(scn__ctx *ctx, json_t *root)
{
    scn__source *src = ctx->src;
    if (src->override_count == 0) return;
    src->opaths = sim_xcalloc(src->override_count, sizeof *src->opaths);
    for (uint32_t i = 0; i < src->override_count; i++) {
        const scn_override *o = &src->overrides[i];
        scn__opath *op = &src->opaths[i];
        const split_status st =
            o->path != NULL && o->value != NULL ? split_path(o->path, op) : SPLIT_EMPTY;
        if (st == SPLIT_TOO_DEEP) {
            scn__error_override(ctx, i, NULL, 0, "the path has more than %u segments",
                                SCN__PATH_DEPTH_MAX);
            continue;
        }
        if (st == SPLIT_EMPTY) {
            scn__error_override(ctx, i, NULL, 0,
                                "expected PATH=VALUE with a path such as network/loss or "
                                "timeline/0/at, found an empty path or segment");
            continue;
        }
        if (!json_is_object(root)) continue; /* the root's type is reported elsewhere */
        op->applied = apply_one(ctx, root, i, op);
    }
}

void scn__free_opaths(scn__source *src)
{
    if (src->opaths == NULL) return;
    for (uint32_t i = 0; i < src->override_count; i++) {
        for (uint32_t k = 0; k < src->opaths[i].depth; k++) free(src->opaths[i].segs[k]);
        free(src->opaths[i].segs);
    }
    free(src->opaths);
    src->opaths = NULL;
}

static bool seg_equal(const scn__seg *seg, const char *text)
{
    if (seg->key != NULL) return strcmp(seg->key, text) == 0;
    char digits[16];
    snprintf(digits, sizeof digits, "%u", seg->index);
    return strcmp(digits, text) == 0;
}

/* Whether the first `n` segments of the override equal the first `n` of `segs`. */
static bool prefix_equal(const scn__opath *op, const scn__seg *segs, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (!seg_equal(&segs[i], op->segs[i])) return false;
    }
    return true;
}

bool scn__override_covers(const scn__source *src, const scn__seg *segs, uint32_t depth,
                          uint32_t *override_index)
{
    if (src->opaths == NULL) return false;
    for (uint32_t i = src->override_count; i-- > 0;) {
        const scn__opath *op = &src->opaths[i];
        if (op->applied && op->depth <= depth && prefix_equal(op, segs, op->depth)) {
            *override_index = i;
            return true;
        }
    }
    return false;
}

bool scn__override_below(const scn__source *src, const scn__seg *segs, uint32_t depth,
                         uint32_t *override_index)
{
    if (src->opaths == NULL) return false;
    for (uint32_t i = src->override_count; i-- > 0;) {
        const scn__opath *op = &src->opaths[i];
        if (op->applied && op->depth > depth && prefix_equal(op, segs, depth)) {
            *override_index = i;
            return true;
        }
    }
    return false;
}

bool scn__override_hides_element(const scn__source *src, const char *key, uint32_t index)
{
    if (src->opaths == NULL) return false;
    char digits[16];
    snprintf(digits, sizeof digits, "%u", index);
    for (uint32_t i = 0; i < src->override_count; i++) {
        const scn__opath *op = &src->opaths[i];
        if (!op->applied || op->depth == 0 || strcmp(op->segs[0], key) != 0) continue;
        if (op->depth == 1) return true;
        if (op->depth == 2 && strcmp(op->segs[1], digits) == 0) return true;
    }
    return false;
}
