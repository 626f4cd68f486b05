/*
 * locate.c — finds a JSON path in the raw scenario text, for diagnostics.
 *
 * Role: jansson values carry no positions, so when a check fails, diag.c asks this
 *   file where the failing value (or key) sits in the buffer that jansson parsed. It
 *   also finds the line of each timeline action and expectation in one pass.
 * Model: style C.6 item 4: re-scan the raw buffer along the path; columns count UTF-8
 *   characters, 1-based, exactly as jansson counts them (a byte that can start a
 *   character counts one), so parse errors and semantic errors agree.
 * Owns / borrows: borrows the buffer; keeps nothing.
 * Invariants: never reads outside [0, len), even on text jansson would reject; runs
 *   without recursion (style C.13): skipping a nested value counts brackets.
 * Determinism: pure function of the bytes.
 * Not modelled: n/a. Cost: O(len) per lookup; it runs only on the error path (and once
 *   per array for action lines). Duplicate keys were rejected by the parser, so the
 *   first key that matches is the only one.
 */
#include "scn_internal.h"

#include "../core/sim_assert.h"

#include <string.h>

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_ws(const char *b, size_t len, size_t p)
{
    while (p < len && is_ws(b[p])) p++;
    return p;
}

/* p at the opening quote; returns the position after the closing quote. */
static size_t skip_string(const char *b, size_t len, size_t p)
{
    p++;
    while (p < len) {
        if (b[p] == '\\') {
            p += 2;
        } else if (b[p] == '"') {
            return p + 1;
        } else {
            p++;
        }
    }
    return len;
}

static size_t skip_value(const char *b, size_t len, size_t p)
{
    if (p >= len) return len;
    if (b[p] == '"') return skip_string(b, len, p);
    if (b[p] == '{' || b[p] == '[') {
        size_t depth = 0;
        while (p < len) {
            const char c = b[p];
            if (c == '"') {
                p = skip_string(b, len, p);
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) return p + 1;
            }
            p++;
        }
        return len;
    }
    while (p < len && !is_ws(b[p]) && b[p] != ',' && b[p] != '}' && b[p] != ']') p++;
    return p;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Reads 4 hex digits at p; -1 if they are not there. */
static long hex4(const char *b, size_t len, size_t p)
{
    if (p + 4 > len) return -1;
    long v = 0;
    for (size_t i = 0; i < 4; i++) {
        const int h = hex_value(b[p + i]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

static size_t utf8_encode(unsigned long cp, unsigned char out[4])
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decodes one character of a JSON string at *p (inside the quotes) into out. */
static size_t decode_char(const char *b, size_t len, size_t *p, unsigned char out[4])
{
    if (b[*p] != '\\') {
        out[0] = (unsigned char)b[(*p)++];
        return 1;
    }
    if (*p + 1 >= len) {
        *p = len;
        return 0;
    }
    const char e = b[*p + 1];
    *p += 2;
    switch (e) {
    case 'b':
        out[0] = '\b';
        return 1;
    case 'f':
        out[0] = '\f';
        return 1;
    case 'n':
        out[0] = '\n';
        return 1;
    case 'r':
        out[0] = '\r';
        return 1;
    case 't':
        out[0] = '\t';
        return 1;
    case 'u': {
        long cp = hex4(b, len, *p);
        if (cp < 0) return 0;
        *p += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && *p + 1 < len && b[*p] == '\\' && b[*p + 1] == 'u') {
            const long lo = hex4(b, len, *p + 2);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                *p += 6;
            }
        }
        return utf8_encode((unsigned long)cp, out);
    }
    default: /* '"', '\\', '/' */
        out[0] = (unsigned char)e;
        return 1;
    }
}

/* *p at the opening quote of a key; moves past the closing quote. Whether the decoded
 * key equals `key`. */
static bool match_key(const char *b, size_t len, size_t *p, const char *key)
{
    const size_t key_len = strlen(key);
    size_t k = 0;
    bool equal = true;
    (*p)++;
    while (*p < len && b[*p] != '"') {
        unsigned char c[4];
        const size_t n = decode_char(b, len, p, c);
        if (equal && (k + n > key_len || memcmp(key + k, c, n) != 0)) equal = false;
        if (equal) k += n;
    }
    if (*p < len) (*p)++;
    return equal && k == key_len;
}

/* p at '{'; finds `key`. Returns true with the key's and the value's positions. */
static bool find_member(const char *b, size_t len, size_t p, const char *key, size_t *key_pos,
                        size_t *value_pos)
{
    size_t q = skip_ws(b, len, p + 1);
    while (q < len && b[q] == '"') {
        const size_t at = q;
        const bool equal = match_key(b, len, &q, key);
        q = skip_ws(b, len, q);
        if (q < len && b[q] == ':') q++;
        q = skip_ws(b, len, q);
        if (equal) {
            *key_pos = at;
            *value_pos = q;
            return true;
        }
        q = skip_ws(b, len, skip_value(b, len, q));
        if (q >= len || b[q] != ',') return false;
        q = skip_ws(b, len, q + 1);
    }
    return false;
}

/* p at '['; finds element `index`. */
static bool find_element(const char *b, size_t len, size_t p, uint32_t index, size_t *value_pos)
{
    size_t q = skip_ws(b, len, p + 1);
    if (q >= len || b[q] == ']') return false;
    for (uint32_t i = 0;; i++) {
        if (i == index) {
            *value_pos = q;
            return true;
        }
        q = skip_ws(b, len, skip_value(b, len, q));
        if (q >= len || b[q] != ',') return false;
        q = skip_ws(b, len, q + 1);
    }
}

uint32_t scn__locate(const char *buf, size_t len, const scn__seg *segs, uint32_t depth,
                     size_t *value_pos, size_t *key_pos)
{
    SIM_ASSERT(depth <= SCN__PATH_DEPTH_MAX);
    SIM_ASSERT(buf != NULL || len == 0);
    size_t p = skip_ws(buf, len, 0);
    *value_pos = p;
    *key_pos = p;
    for (uint32_t i = 0; i < depth; i++) {
        if (p >= len) return i;
        size_t kp = 0, vp = 0;
        if (segs[i].key != NULL) {
            if (buf[p] != '{' || !find_member(buf, len, p, segs[i].key, &kp, &vp)) return i;
        } else {
            if (buf[p] != '[' || !find_element(buf, len, p, segs[i].index, &vp)) return i;
            kp = vp;
        }
        p = vp;
        *value_pos = vp;
        *key_pos = kp;
    }
    return depth;
}

void scn__line_col(const char *buf, size_t len, size_t pos, uint32_t *line, uint32_t *col)
{
    if (pos > len) pos = len;
    uint32_t l = 1, c = 0;
    for (size_t i = 0; i < pos; i++) {
        const unsigned char ch = (unsigned char)buf[i];
        if (ch == '\n') {
            l++;
            c = 0;
        } else if (ch < 0x80 || (ch >= 0xC2 && ch <= 0xF4)) {
            c++;
        }
    }
    *line = l;
    *col = c + 1;
}

void scn__element_lines(const char *buf, size_t len, const scn__seg *segs, uint32_t depth,
                        uint32_t *lines, uint32_t count)
{
    memset(lines, 0, count * sizeof *lines);
    size_t value_pos = 0, key_pos = 0;
    if (scn__locate(buf, len, segs, depth, &value_pos, &key_pos) != depth) return;
    if (value_pos >= len || buf[value_pos] != '[') return;
    uint32_t line = 1;
    size_t counted = 0; /* newlines before `counted` are in `line` */
    size_t q = skip_ws(buf, len, value_pos + 1);
    for (uint32_t i = 0; i < count && q < len && buf[q] != ']'; i++) {
        for (; counted < q; counted++) line += buf[counted] == '\n';
        lines[i] = line;
        q = skip_ws(buf, len, skip_value(buf, len, q));
        if (q >= len || buf[q] != ',') break;
        q = skip_ws(buf, len, q + 1);
    }
}
