/*
 * diag.c — the loader's diagnostics: the JSON-path stack, compiler-style messages with
 * the source line and a caret, and "did you mean" hints.
 *
 * Role: every check in sim/scenario/ reports through `scn__error` / `scn__warning`;
 *   this file turns the current path into a position (via locate.c, or the `--set`
 *   that produced the value) and renders one message:
 *
 *       scenarios/x.json:14:27: error: MESSAGE [/topics/1/replication_factor]
 *          14 |     "replication_factor": 4,
 *             |                           ^
 *
 * Model: style C.6 ("Bad scenario files"): accumulate, keep going, cap what is shown
 *   at SCN_DIAG_ERRORS_MAX errors (and as many warnings) and count the rest.
 * Owns / borrows: owns the text being built (moved into `scn_diags` at the end);
 *   borrows the source buffer and the path stack's keys.
 * Invariants: the text always ends in '\n' after each diagnostic; a note is printed
 *   only right after a diagnostic that was shown.
 * Determinism: messages depend only on the input bytes and the overrides.
 * Not modelled: n/a.
 */
#include "scn_internal.h"

#include "../core/sim_arena.h"
#include "../core/sim_assert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MESSAGE_BYTES_MAX 1024u /* one message; longer ones are cut */
#define ECHO_CHARS_MAX    120u  /* an echoed line longer than this is windowed */
#define ECHO_LEFT_CHARS   50u   /* characters shown left of the caret in a window */
#define QUOTE_CHARS_MAX   48u   /* characters of user text shown in a message */

/* =================================================================================
 * The path stack
 * ================================================================================= */

void scn__push_key(scn__ctx *ctx, const char *key)
{
    SIM_ASSERT(ctx->depth < SCN__PATH_DEPTH_MAX);
    SIM_ASSERT(key != NULL);
    ctx->path[ctx->depth].key = key;
    ctx->path[ctx->depth].index = 0;
    ctx->depth++;
}

void scn__push_index(scn__ctx *ctx, uint32_t index)
{
    SIM_ASSERT(ctx->depth < SCN__PATH_DEPTH_MAX);
    ctx->path[ctx->depth].key = NULL;
    ctx->path[ctx->depth].index = index;
    ctx->depth++;
}

void scn__pop(scn__ctx *ctx)
{
    SIM_ASSERT(ctx->depth > 0);
    ctx->depth--;
}

/* =================================================================================
 * The text buffer
 * ================================================================================= */

static void buf_reserve(scn__diag_buf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + more + 1) cap *= 2;
    b->text = sim_xrealloc(b->text, cap);
    b->cap = cap;
}

static void buf_append(scn__diag_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->text + b->len, s, n);
    b->len += n;
    b->text[b->len] = '\0';
}

static void buf_puts(scn__diag_buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

static void buf_vprintf(scn__diag_buf *b, const char *fmt, va_list ap)
{
    char small[512];
    va_list ap2;
    va_copy(ap2, ap);
    const int n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    SIM_ASSERT(n >= 0);
    if ((size_t)n < sizeof small) {
        buf_append(b, small, (size_t)n);
        return;
    }
    buf_reserve(b, (size_t)n);
    vsnprintf(b->text + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

SCN__PRINTF(2, 3) static void buf_printf(scn__diag_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

/* =================================================================================
 * Printable text from input bytes
 * ================================================================================= */

/* jansson counts a column for every byte that can start a UTF-8 character. */
static bool is_char_start(unsigned char c)
{
    return c < 0x80 || (c >= 0xC2 && c <= 0xF4);
}

/* Length of the valid UTF-8 sequence at s (n bytes available), or 0 if invalid. */
static size_t utf8_valid_len(const unsigned char *s, size_t n)
{
    size_t want = s[0] < 0x80   ? 1
                  : s[0] < 0xC2 ? 0
                  : s[0] < 0xE0 ? 2
                  : s[0] < 0xF0 ? 3
                  : s[0] < 0xF5 ? 4
                                : 0;
    if (want == 0 || want > n) return 0;
    for (size_t i = 1; i < want; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
    }
    if (want == 3 && s[0] == 0xE0 && s[1] < 0xA0) return 0;  /* overlong */
    if (want == 3 && s[0] == 0xED && s[1] >= 0xA0) return 0; /* surrogate */
    if (want == 4 && s[0] == 0xF0 && s[1] < 0x90) return 0;  /* overlong */
    if (want == 4 && s[0] == 0xF4 && s[1] >= 0x90) return 0; /* > U+10FFFF */
    return want;
}

const char *scn__quote(const char *s, size_t len, char *buf, size_t size)
{
    SIM_ASSERT(size >= 16);
    size_t o = 0;
    size_t chars = 0;
    buf[o++] = '"';
    for (size_t i = 0; i < len;) {
        const unsigned char c = (unsigned char)s[i];
        size_t n = utf8_valid_len((const unsigned char *)s + i, len - i);
        if (chars == QUOTE_CHARS_MAX || o + 12 >= size) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (n == 1 && (c == '"' || c == '\\')) {
            buf[o++] = '\\';
            buf[o++] = (char)c;
        } else if (n == 1 && (c < 0x20 || c == 0x7f)) {
            o += (size_t)snprintf(buf + o, size - o, "\\u%04x", c);
        } else if (n == 0) {
            o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
            n = 1;
        } else {
            memcpy(buf + o, s + i, n);
            o += n;
        }
        i += n;
        chars++;
    }
    buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}

/* A key for messages and paths: printable, cut at QUOTE_CHARS_MAX characters. */
static size_t append_safe(char *out, size_t o, size_t size, const char *s, bool pointer)
{
    size_t chars = 0;
    const size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        const unsigned char c = (unsigned char)s[i];
        size_t n = utf8_valid_len((const unsigned char *)s + i, len - i);
        if (o + 8 >= size) break;
        if (chars == QUOTE_CHARS_MAX) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (pointer && c == '~') {
            memcpy(out + o, "~0", 2);
            o += 2;
        } else if (pointer && c == '/') {
            memcpy(out + o, "~1", 2);
            o += 2;
        } else if (n <= 1 && (c < 0x20 || c == 0x7f || c >= 0x80)) {
            out[o++] = '?';
            n = 1;
        } else {
            memcpy(out + o, s + i, n);
            o += n;
        }
        i += n;
        chars++;
    }
    out[o] = '\0';
    return o;
}

const char *scn__safe(const char *s, char *buf, size_t size)
{
    SIM_ASSERT(size >= 16);
    append_safe(buf, 0, size, s, false);
    return buf;
}

bool scn__will_show(const scn__ctx *ctx)
{
    return ctx->diags.errors_shown < SCN_DIAG_ERRORS_MAX;
}

static void render_path(char *out, size_t size, const scn__seg *segs, uint32_t depth)
{
    size_t o = 0;
    out[0] = '\0';
    for (uint32_t i = 0; i < depth && o + 16 < size; i++) {
        out[o++] = '/';
        if (segs[i].key != NULL) {
            o = append_safe(out, o, size, segs[i].key, true);
        } else {
            o += (size_t)snprintf(out + o, size - o, "%u", segs[i].index);
        }
    }
    out[o] = '\0';
}

const char *scn__name(const scn__ctx *ctx, char *buf, size_t size)
{
    SIM_ASSERT(size >= 64);
    uint32_t first = ctx->depth;
    while (first > 0 && ctx->path[first - 1].key == NULL) first--;
    size_t o = 0;
    buf[0] = '\0';
    if (first > 0) o = append_safe(buf, 0, size - 24, ctx->path[first - 1].key, false);
    if (first == 0 && ctx->depth > 0) o = append_safe(buf, 0, size, "element", false);
    for (uint32_t i = first; i < ctx->depth && o + 16 < size; i++) {
        o += (size_t)snprintf(buf + o, size - o, "[%u]", ctx->path[i].index);
    }
    if (ctx->depth == 0) snprintf(buf, size, "the scenario");
    return buf;
}

const char *scn__describe(const json_t *value, char *buf, size_t size)
{
    char tmp[160];
    switch (json_typeof(value)) {
    case JSON_OBJECT:
        snprintf(buf, size, "an object");
        break;
    case JSON_ARRAY:
        snprintf(buf, size, "an array");
        break;
    case JSON_STRING:
        snprintf(buf, size, "a string (%s)",
                 scn__quote(json_string_value(value), json_string_length(value), tmp, sizeof tmp));
        break;
    case JSON_INTEGER:
        snprintf(buf, size, "an integer (%" JSON_INTEGER_FORMAT ")", json_integer_value(value));
        break;
    case JSON_REAL:
        scn__real_text(json_real_value(value), tmp, sizeof tmp);
        /* Show that it is not an integer even when it has an integral value. */
        snprintf(buf, size, "a number (%s%s)", tmp, strpbrk(tmp, ".en") ? "" : ".0");
        break;
    case JSON_TRUE:
        snprintf(buf, size, "true");
        break;
    case JSON_FALSE:
        snprintf(buf, size, "false");
        break;
    case JSON_NULL:
        snprintf(buf, size, "null");
        break;
    default:
        SIM_UNREACHABLE();
    }
    return buf;
}

const char *scn__format_duration(sim_time us, char *buf, size_t size)
{
    static const struct {
        sim_time us;
        const char *unit;
        bool fraction; /* may print decimals (of this unit) */
    } units[] = {{SIM_S(3600u), "h", false},
                 {SIM_S(60u), "m", false},
                 {SIM_S(1u), "s", true},
                 {SIM_MS(1u), "ms", true},
                 {SIM_US(1u), "us", false}};
    if (us == 0) {
        snprintf(buf, size, "0s");
        return buf;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (us % units[i].us == 0) {
            snprintf(buf, size, "%llu%s", (unsigned long long)(us / units[i].us), units[i].unit);
            return buf;
        }
        if (units[i].fraction && us >= units[i].us) {
            /* Exact decimals: the remainder has at most log10(unit) digits. */
            unsigned long long whole = us / units[i].us, rest = us % units[i].us;
            int digits = units[i].us == SIM_S(1u) ? 6 : 3;
            char frac[24];
            snprintf(frac, sizeof frac, "%0*llu", digits, rest);
            size_t n = strlen(frac);
            while (n > 0 && frac[n - 1] == '0') frac[--n] = '\0';
            snprintf(buf, size, "%llu.%s%s", whole, frac, units[i].unit);
            return buf;
        }
    }
    SIM_UNREACHABLE();
}

/* =================================================================================
 * Did you mean
 * ================================================================================= */

#define EDIT_LEN_MAX 64u /* longer words get no suggestion */

size_t scn__edit_distance(const char *a, size_t a_len, const char *b, size_t b_len, size_t limit)
{
    if (a_len > EDIT_LEN_MAX || b_len > EDIT_LEN_MAX) return limit + 1;
    if ((a_len > b_len ? a_len - b_len : b_len - a_len) > limit) return limit + 1;
    /* Optimal string alignment: Levenshtein plus adjacent transpositions. */
    size_t rows[3][EDIT_LEN_MAX + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= b_len; j++) prev[j] = j;
    for (size_t i = 1; i <= a_len; i++) {
        cur[0] = i;
        size_t row_min = cur[0];
        for (size_t j = 1; j <= b_len; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = prev[j - 1] + cost;
            if (prev[j] + 1 < best) best = prev[j] + 1;
            if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < best) {
                best = prev2[j - 2] + 1;
            }
            cur[j] = best;
            if (best < row_min) row_min = best;
        }
        if (row_min > limit) return limit + 1;
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[b_len] > limit ? limit + 1 : prev[b_len];
}

bool scn__close_enough(size_t word_len, size_t candidate_len, size_t distance)
{
    size_t allowed = candidate_len / 3;
    if (allowed < 1) allowed = 1;
    if (allowed > 5) allowed = 5;
    return distance <= allowed && distance < word_len;
}

const char *scn__suggest(const char *word, const char *const *candidates, size_t count)
{
    const char *best = NULL;
    size_t best_distance = SIZE_MAX;
    const size_t word_len = strlen(word);
    for (size_t i = 0; i < count; i++) {
        const size_t len = strlen(candidates[i]);
        const size_t d = scn__edit_distance(word, word_len, candidates[i], len, 5);
        if (scn__close_enough(word_len, len, d) && d < best_distance) {
            best = candidates[i];
            best_distance = d;
        }
    }
    return best;
}

/* =================================================================================
 * Rendering one diagnostic
 * ================================================================================= */

static const char *severity_name(scn__severity s)
{
    switch (s) {
    case SCN__ERROR:
        return "error";
    case SCN__WARNING:
        return "warning";
    case SCN__NOTE:
        return "note";
    default:
        SIM_UNREACHABLE();
    }
}

/* Opens the text entry of a shown diagnostic; its position is set once known. */
static void open_entry(scn__diag_buf *b)
{
    if (b->entry_count == b->entry_cap) {
        b->entry_cap = b->entry_cap ? b->entry_cap * 2 : 16;
        b->entries = sim_xrealloc(b->entries, b->entry_cap * sizeof *b->entries);
    }
    b->entries[b->entry_count] = (scn__diag_entry){b->len, 0, 0, b->entry_count};
    b->entry_count++;
}

static void set_entry_position(scn__diag_buf *b, uint32_t line, uint32_t col)
{
    SIM_ASSERT(b->entry_count > 0);
    b->entries[b->entry_count - 1].line = line;
    b->entries[b->entry_count - 1].col = col;
}

/* Counts the diagnostic; returns whether it is shown (within the caps). */
static bool admit(scn__diag_buf *b, scn__severity severity)
{
    switch (severity) {
    case SCN__ERROR:
        b->error_count++;
        b->last_shown = b->errors_shown < SCN_DIAG_ERRORS_MAX;
        if (b->last_shown) b->errors_shown++;
        break;
    case SCN__WARNING:
        b->warning_count++;
        b->last_shown = b->warnings_shown < SCN_DIAG_ERRORS_MAX;
        if (b->last_shown) b->warnings_shown++;
        break;
    case SCN__NOTE:
        return b->last_shown; /* part of the previous entry */
    default:
        SIM_UNREACHABLE();
    }
    if (b->last_shown) open_entry(b);
    return b->last_shown;
}

/* Prints the line holding `pos` and a caret under column `col`. */
static void echo_line(scn__diag_buf *b, const char *src, size_t len, size_t pos, uint32_t line,
                      uint32_t col)
{
    size_t start = pos > len ? len : pos;
    while (start > 0 && src[start - 1] != '\n') start--;
    size_t end = start;
    while (end < len && src[end] != '\n') end++;
    if (end > start && src[end - 1] == '\r') end--;
    /* Characters as jansson counts them; bytes that start none are skipped. */
    size_t chars = 0;
    for (size_t i = start; i < end; i++) chars += is_char_start((unsigned char)src[i]);
    if (chars == 0) return;
    size_t caret = col > 0 ? col - 1 : 0;
    if (caret > chars) caret = chars;
    size_t first = 0, last = chars; /* window [first, last) of characters */
    if (chars > ECHO_CHARS_MAX) {
        first = caret > ECHO_LEFT_CHARS ? caret - ECHO_LEFT_CHARS : 0;
        last = first + ECHO_CHARS_MAX < chars ? first + ECHO_CHARS_MAX : chars;
    }
    buf_printf(b, "%5u | %s", line, first > 0 ? "..." : "");
    size_t index = 0;
    for (size_t i = start; i < end;) {
        const unsigned char c = (unsigned char)src[i];
        if (!is_char_start(c)) {
            i++;
            continue;
        }
        size_t n = 1;
        while (i + n < end && !is_char_start((unsigned char)src[i + n])) n++;
        if (index >= first && index < last) {
            if (n == 1 && c != '\t' && (c < 0x20 || c == 0x7f)) {
                buf_puts(b, "?");
            } else if (utf8_valid_len((const unsigned char *)src + i, n) == n) {
                buf_append(b, src + i, n);
            } else {
                buf_puts(b, "?"); /* not UTF-8: shown as one character, as counted */
            }
        }
        index++;
        i += n;
    }
    buf_printf(b, "%s\n%5s | %s", last < chars ? "..." : "", "", first > 0 ? "   " : "");
    index = 0;
    for (size_t i = start; i < end && index < caret; i++) {
        const unsigned char c = (unsigned char)src[i];
        if (!is_char_start(c)) continue;
        if (index >= first) buf_puts(b, c == '\t' ? "\t" : " ");
        index++;
    }
    buf_puts(b, "^\n");
}

static void print_override_head(scn__ctx *ctx, uint32_t oi)
{
    SIM_ASSERT(oi < ctx->src->override_count);
    const scn_override *o = &ctx->src->overrides[oi];
    char path[160], value[160];
    append_safe(path, 0, sizeof path, o->path ? o->path : "", false);
    append_safe(value, 0, sizeof value, o->value ? o->value : "", false);
    buf_printf(&ctx->diags, "<--set %s=%s>", path, value);
}

static void emit(scn__ctx *ctx, scn__severity severity, const scn__seg *segs, uint32_t depth,
                 scn__loc_mode mode, const char *msg)
{
    if (!admit(&ctx->diags, severity)) return;
    const scn__source *src = ctx->src;
    char path[512];
    render_path(path, sizeof path, segs, depth);
    const uint32_t loc_depth = mode == SCN__LOC_PARENT && depth > 0 ? depth - 1 : depth;
    uint32_t oi = 0;
    bool from_override = scn__override_covers(src, segs, loc_depth, &oi);
    size_t value_pos = 0, key_pos = 0;
    uint32_t matched = 0;
    if (!from_override) {
        matched = scn__locate(src->buf, src->len, segs, loc_depth, &value_pos, &key_pos);
        from_override = matched < loc_depth && scn__override_below(src, segs, loc_depth, &oi);
    }
    if (from_override) {
        print_override_head(ctx, oi);
        buf_printf(&ctx->diags, ": %s: %s", severity_name(severity), msg);
        if (depth > 0) buf_printf(&ctx->diags, " [%s]", path);
        buf_puts(&ctx->diags, "\n");
        return;
    }
    const bool at_key = mode == SCN__LOC_KEY && matched == loc_depth && loc_depth > 0;
    const size_t pos = at_key ? key_pos : value_pos;
    uint32_t line = 0, col = 0;
    scn__line_col(src->buf, src->len, pos, &line, &col);
    if (severity != SCN__NOTE) set_entry_position(&ctx->diags, line, col);
    buf_printf(&ctx->diags, "%s:%u:%u: %s: %s", src->name, line, col, severity_name(severity), msg);
    if (depth > 0) buf_printf(&ctx->diags, " [%s]", path);
    buf_puts(&ctx->diags, "\n");
    echo_line(&ctx->diags, src->buf, src->len, pos, line, col);
}

static void emit_v(scn__ctx *ctx, scn__severity severity, const scn__seg *segs, uint32_t depth,
                   scn__loc_mode mode, const char *fmt, va_list ap)
{
    char msg[MESSAGE_BYTES_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    emit(ctx, severity, segs, depth, mode, msg);
}

void scn__error(scn__ctx *ctx, scn__loc_mode mode, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit_v(ctx, SCN__ERROR, ctx->path, ctx->depth, mode, fmt, ap);
    va_end(ap);
}

void scn__warning(scn__ctx *ctx, scn__loc_mode mode, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit_v(ctx, SCN__WARNING, ctx->path, ctx->depth, mode, fmt, ap);
    va_end(ap);
}

void scn__note_at(scn__ctx *ctx, const scn__seg *segs, uint32_t depth, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit_v(ctx, SCN__NOTE, segs, depth, SCN__LOC_VALUE, fmt, ap);
    va_end(ap);
}

void scn__error_file(scn__ctx *ctx, const char *fmt, ...)
{
    if (!admit(&ctx->diags, SCN__ERROR)) return;
    char msg[MESSAGE_BYTES_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    buf_printf(&ctx->diags, "%s: error: %s\n", ctx->src->name, msg);
}

void scn__error_at(scn__ctx *ctx, int line, int column, const char *msg)
{
    if (!admit(&ctx->diags, SCN__ERROR)) return;
    const uint32_t l = line > 0 ? (uint32_t)line : 1u;
    const uint32_t c = column > 0 ? (uint32_t)column : 1u;
    set_entry_position(&ctx->diags, l, c);
    buf_printf(&ctx->diags, "%s:%u:%u: error: %s\n", ctx->src->name, l, c, msg);
    /* Find the start of line l and the byte of column c on it. */
    const char *src = ctx->src->buf;
    const size_t len = ctx->src->len;
    size_t pos = 0;
    for (uint32_t cur = 1; cur < l && pos < len; pos++) {
        if (src[pos] == '\n') cur++;
    }
    uint32_t seen = 0;
    while (pos < len && src[pos] != '\n') {
        if (is_char_start((unsigned char)src[pos]) && ++seen == c) break;
        pos++;
    }
    echo_line(&ctx->diags, src, len, pos, l, c);
}

void scn__error_override(scn__ctx *ctx, uint32_t override_index, const scn__seg *segs,
                         uint32_t depth, const char *fmt, ...)
{
    if (!admit(&ctx->diags, SCN__ERROR)) return;
    char msg[MESSAGE_BYTES_MAX], path[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    print_override_head(ctx, override_index);
    buf_printf(&ctx->diags, ": error: %s", msg);
    if (depth > 0) {
        render_path(path, sizeof path, segs, depth);
        buf_printf(&ctx->diags, " [%s]", path);
    }
    buf_puts(&ctx->diags, "\n");
}

static int compare_entries(const void *x, const void *y)
{
    const scn__diag_entry *a = x, *b = y;
    if (a->line != b->line) return a->line < b->line ? -1 : 1;
    if (a->col != b->col) return a->col < b->col ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Reorders the shown diagnostics by position in the file (`--set` and file-level
 * ones first), so they read top to bottom; equal positions keep emission order. */
static void sort_entries(scn__diag_buf *b)
{
    if (b->entry_count < 2) return;
    const size_t first = b->entries[0].start;
    SIM_ASSERT(first == 0);
    scn__diag_entry *sorted = sim_xmalloc(b->entry_count * sizeof *sorted);
    memcpy(sorted, b->entries, b->entry_count * sizeof *sorted);
    qsort(sorted, b->entry_count, sizeof *sorted, compare_entries);
    char *text = sim_xmalloc(b->len + 1);
    size_t o = 0;
    for (uint32_t i = 0; i < b->entry_count; i++) {
        const uint32_t k = sorted[i].seq;
        const size_t end = k + 1 < b->entry_count ? b->entries[k + 1].start : b->len;
        memcpy(text + o, b->text + sorted[i].start, end - sorted[i].start);
        o += end - sorted[i].start;
    }
    SIM_ASSERT(o == b->len);
    text[o] = '\0';
    free(b->text);
    b->text = text;
    b->cap = b->len + 1;
    free(sorted);
}

void scn__diags_finish(scn__ctx *ctx, scn_diags *out)
{
    scn__diag_buf *b = &ctx->diags;
    sort_entries(b);
    free(b->entries);
    b->entries = NULL;
    const uint32_t errors_hidden = b->error_count - b->errors_shown;
    const uint32_t warnings_hidden = b->warning_count - b->warnings_shown;
    if (errors_hidden > 0) {
        buf_printf(b, "%s: %u more error%s not shown\n", ctx->src->name, errors_hidden,
                   errors_hidden == 1 ? "" : "s");
    }
    if (warnings_hidden > 0) {
        buf_printf(b, "%s: %u more warning%s not shown\n", ctx->src->name, warnings_hidden,
                   warnings_hidden == 1 ? "" : "s");
    }
    out->text = b->text;
    out->text_bytes = b->len;
    out->error_count = b->error_count;
    out->warning_count = b->warning_count;
    memset(b, 0, sizeof *b);
}

void scn_diags_free(scn_diags *d)
{
    if (d == NULL) return;
    free(d->text);
    memset(d, 0, sizeof *d);
}
