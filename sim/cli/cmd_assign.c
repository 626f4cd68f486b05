/*
 * cmd_assign.c — `kraftlab assign FILE|-`: run one of Kafka's consumer partition
 *   assignors on a JSON description of a group (spec §7) and print the assignment.
 *
 * Role: reads and validates the input, reports every problem compiler-style
 *   (`file:line:col: error: message [json-path]`), turns it into a `kasg_input`
 *   (sim/kafka/assignors.h), runs the assignor and prints
 *   `{"assignment": {"member": ["topic-0", ...], ...}}` with members in input order and
 *   each list in the order Kafka's assignor produces it; `revoked` too for
 *   cooperative-sticky. When the strategy is a list (or members carry their own), the
 *   coordinator's choice and each member's rebalance protocol are printed first.
 * Model: the input is what the group leader sees in the JoinGroup response; see
 *   assignors.h for the assignors and the selection rules.
 * Owns / borrows: the file buffer and the jansson tree live for the command; the
 *   workspace is one block of kasg_workspace_bytes().
 * Invariants: exit 0 printed; 1 Kafka's assignor throws on this input; 2 bad usage or
 *   bad input (nothing printed on stdout); 3 the file could not be read.
 * Determinism: output depends only on the input bytes; object key order never matters
 *   (members and lists are arrays).
 * Not modelled: consumer racks (KIP-881), custom assignors, user data other than the
 *   owned partitions and generation.
 */
#include "cli.h"

#include "../core/sim_arena.h"
#include "../kafka/assignors.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

static const char assign_help[] =
    "usage: kraftlab assign FILE|-\n"
    "\n"
    "Runs a consumer partition assignor exactly as Kafka's client does (the group\n"
    "leader's part of a rebalance) and prints the assignment. FILE - reads stdin.\n"
    "\n"
    "Input (JSON):\n"
    "  { \"strategy\": \"range\",\n"
    "    \"topics\": { \"topic1\": 3, \"topic2\": 2 },\n"
    "    \"members\": [ { \"id\": \"consumer1\", \"instance_id\": null,\n"
    "                   \"topics\": [\"topic1\", \"topic2\"],\n"
    "                   \"owned\": [\"topic1-0\"], \"generation\": 1 } ] }\n"
    "\n"
    "  strategy     range, roundrobin, sticky or cooperative-sticky; or a list, as in\n"
    "               partition.assignment.strategy (the coordinator picks the assignor\n"
    "               every member supports with the most first-choice votes)\n"
    "  topics       partitions per topic, as the leader's metadata has them; 0 = the\n"
    "               topic has no metadata (deleted): subscriptions to it get nothing\n"
    "  members      in JoinGroup order (it can matter: Kafka walks a HashMap of them)\n"
    "    id           member.id (required)\n"
    "    instance_id  group.instance.id of a static member, or null (default)\n"
    "    topics       subscribed topics (required)\n"
    "    owned        sticky: the previous assignment; cooperative-sticky: the owned\n"
    "                 partitions; \"TOPIC-N\" strings (default [])\n"
    "    generation   the generation `owned` comes from; -1 or null = none (default)\n"
    "    strategy     this member's own strategy list (default: the group's)\n"
    "\n"
    "Output:\n"
    "  {\"assignment\": {\"consumer1\": [\"topic1-0\", ...], ...}}\n"
    "  Every member appears, in input order; each list is in the order Kafka's assignor\n"
    "  returns it. cooperative-sticky prints the first round (partitions another member\n"
    "  must revoke first are left out) and \"revoked\": what each member gives up. With a\n"
    "  strategy list, \"strategy\" (the selected assignor) and \"protocol\" (each member's\n"
    "  rebalance protocol: cooperative only if all its assignors support it) come first.\n"
    "\n"
    "Exit: 0 printed; 1 Kafka's assignor throws on this input (a Kafka bug, explained);\n"
    "2 bad usage or input (file:line:col: error: message [json-path]); 3 unreadable file.\n";

#define INPUT_BYTES_MAX  (4u * 1024u * 1024u) /* larger inputs are rejected unread */
#define ERRORS_SHOWN_MAX 32u
#define PATH_DEPTH_MAX   8u
#define TOPIC_NAME_MAX   249u /* Kafka's Topic.MAX_NAME_LENGTH */

/* =================================================================================
 * Diagnostics: a JSON-pointer path stack and positions found in the raw text
 * ================================================================================= */

typedef struct seg {
    const char *key; /* NULL: an array index */
    uint32_t index;
} seg;

#define MESSAGE_BYTES_MAX 640u

/* One shown error; they are printed sorted by position, emission order breaking ties. */
typedef struct shown_error {
    uint32_t line, col, seq;
    char text[MESSAGE_BYTES_MAX];
} shown_error;

typedef struct diag {
    const char *name; /* file name for messages */
    const char *buf;
    size_t len;
    seg path[PATH_DEPTH_MAX];
    uint32_t depth;
    uint32_t errors; /* all of them; the first ERRORS_SHOWN_MAX are kept */
    shown_error shown[ERRORS_SHOWN_MAX];
} diag;

static void push_key(diag *d, const char *key)
{
    if (d->depth < PATH_DEPTH_MAX) d->path[d->depth] = (seg){key, 0};
    d->depth++;
}

static void push_index(diag *d, uint32_t index)
{
    if (d->depth < PATH_DEPTH_MAX) d->path[d->depth] = (seg){NULL, index};
    d->depth++;
}

static void pop(diag *d)
{
    d->depth--;
}

static size_t skip_space(const char *b, size_t len, size_t i)
{
    while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) i++;
    return i;
}

/* From an opening quote to just past the closing one. */
static size_t skip_string(const char *b, size_t len, size_t i)
{
    for (i++; i < len && b[i] != '"'; i++) {
        if (b[i] == '\\') i++;
    }
    return i + 1;
}

/* Past one JSON value (the text is valid JSON: jansson parsed it). */
static size_t skip_value(const char *b, size_t len, size_t i)
{
    if (i >= len) return len;
    if (b[i] == '"') return skip_string(b, len, i);
    if (b[i] != '{' && b[i] != '[') {
        while (i < len && strchr(",]} \t\r\n", b[i]) == NULL) i++;
        return i;
    }
    uint32_t depth = 0;
    while (i < len) {
        if (b[i] == '"') {
            i = skip_string(b, len, i);
            continue;
        }
        if (b[i] == '{' || b[i] == '[') depth++;
        if ((b[i] == '}' || b[i] == ']') && --depth == 0) return i + 1;
        i++;
    }
    return len;
}

/* Appends the UTF-8 form of a code point; returns the new length. */
static size_t put_utf8(char *out, size_t o, uint32_t cp)
{
    if (cp < 0x80) {
        out[o++] = (char)cp;
    } else if (cp < 0x800) {
        out[o++] = (char)(0xC0 | (cp >> 6));
        out[o++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[o++] = (char)(0xE0 | (cp >> 12));
        out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[o++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[o++] = (char)(0xF0 | (cp >> 18));
        out[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[o++] = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

static uint32_t hex4(const char *s)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        const char ch = s[i];
        v = v * 16 + (uint32_t)(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
    }
    return v;
}

/* Whether the raw (still escaped) key text equals `key`. */
static bool key_equals(const char *raw, size_t raw_len, const char *key)
{
    if (memchr(raw, '\\', raw_len) == NULL) {
        return strlen(key) == raw_len && memcmp(raw, key, raw_len) == 0;
    }
    char decoded[1024];
    size_t o = 0;
    for (size_t i = 0; i < raw_len; i++) {
        if (o + 4 >= sizeof decoded) return false;
        if (raw[i] != '\\') {
            decoded[o++] = raw[i];
            continue;
        }
        const char e = raw[++i];
        if (e != 'u') {
            static const char from[] = "bfnrt", to[] = "\b\f\n\r\t";
            const char *at = strchr(from, e);
            decoded[o++] = at != NULL ? to[at - from] : e;
            continue;
        }
        uint32_t cp = hex4(raw + i + 1);
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < raw_len && raw[i + 1] == '\\') {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(raw + i + 3) - 0xDC00);
            i += 6;
        }
        o = put_utf8(decoded, o, cp);
    }
    return o == strlen(key) && memcmp(decoded, key, o) == 0;
}

/* Offset of the value at the current path (of its key when `at_key`), or of the deepest
 * part of the path that exists. No recursion: one path segment at a time. */
static size_t locate(const diag *d, bool at_key)
{
    const char *b = d->buf;
    const size_t len = d->len;
    const uint32_t depth = d->depth < PATH_DEPTH_MAX ? d->depth : PATH_DEPTH_MAX;
    size_t pos = skip_space(b, len, 0);
    for (uint32_t level = 0; level < depth; level++) {
        const seg *s = &d->path[level];
        const bool object = s->key != NULL;
        if (pos >= len || b[pos] != (object ? '{' : '[')) return pos;
        size_t i = skip_space(b, len, pos + 1);
        bool found = false;
        for (uint32_t index = 0; i < len && b[i] != (object ? '}' : ']'); index++) {
            size_t key_at = i;
            bool match = !object && index == s->index;
            if (object) {
                const size_t end = skip_string(b, len, i);
                match = key_equals(b + i + 1, end - i - 2, s->key);
                i = skip_space(b, len, skip_space(b, len, end) + 1); /* past ':' */
            }
            if (match) {
                pos = (at_key && object && level + 1 == depth) ? key_at : i;
                found = true;
                break;
            }
            i = skip_space(b, len, skip_value(b, len, i));
            if (i < len && b[i] == ',') i = skip_space(b, len, i + 1);
        }
        if (!found) return pos;
    }
    return pos;
}

/* 1-based line and column (UTF-8 characters, as jansson counts them) of `pos`. */
static void line_col(const diag *d, size_t pos, uint32_t *line, uint32_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < pos && i < d->len; i++) {
        const unsigned char ch = (unsigned char)d->buf[i];
        if (ch == '\n') {
            (*line)++;
            *col = 1;
        } else if ((ch & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

/* Appends " [/json/pointer]" for the current path to `out` (at offset o). */
static size_t append_path(const diag *d, char *out, size_t o, size_t size)
{
    o += (size_t)snprintf(out + o, size - o, " [%s", d->depth == 0 ? "/" : "");
    for (uint32_t i = 0; i < d->depth && i < PATH_DEPTH_MAX && o + 8 < size; i++) {
        out[o++] = '/';
        if (d->path[i].key == NULL) {
            o += (size_t)snprintf(out + o, size - o, "%" PRIu32, d->path[i].index);
            continue;
        }
        for (const char *k = d->path[i].key; *k != '\0' && o + 8 < size; k++) {
            if (*k == '~' || *k == '/') {
                out[o++] = '~';
                out[o++] = *k == '~' ? '0' : '1';
            } else {
                out[o++] = (unsigned char)*k < 0x20 ? '?' : *k;
            }
        }
    }
    o += (size_t)snprintf(out + o, size - o, "]");
    return o < size ? o : size - 1;
}

/* An error at the current path: at its value, or at its key when `at_key`. */
__attribute__((format(printf, 3, 4))) static void error_at(diag *d, bool at_key, const char *fmt,
                                                           ...)
{
    const uint32_t seq = d->errors++;
    if (seq >= ERRORS_SHOWN_MAX) return;
    shown_error *e = &d->shown[seq];
    e->seq = seq;
    line_col(d, locate(d, at_key), &e->line, &e->col);
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(e->text, sizeof e->text, fmt, ap);
    va_end(ap);
    size_t o = n < 0 ? 0 : (size_t)n;
    if (o >= sizeof e->text) o = sizeof e->text - 1;
    append_path(d, e->text, o, sizeof e->text);
}

static int shown_order(const void *a, const void *b)
{
    const shown_error *x = a, *y = b;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    if (x->col != y->col) return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

/* Prints the kept errors in source order, then how many were not shown. */
static void print_errors(diag *d)
{
    const uint32_t shown = d->errors < ERRORS_SHOWN_MAX ? d->errors : ERRORS_SHOWN_MAX;
    qsort(d->shown, shown, sizeof d->shown[0], shown_order);
    for (uint32_t i = 0; i < shown; i++) {
        fprintf(stderr, "%s:%" PRIu32 ":%" PRIu32 ": error: %s\n", d->name, d->shown[i].line,
                d->shown[i].col, d->shown[i].text);
    }
    if (d->errors > ERRORS_SHOWN_MAX) {
        fprintf(stderr, "%s: %" PRIu32 " more errors not shown\n", d->name,
                d->errors - ERRORS_SHOWN_MAX);
    }
}

/* A string of the input made safe for a message: quoted, escaped, cut short. */
static const char *quoted(const char *s, char *out, size_t size)
{
    size_t o = 0;
    out[o++] = '"';
    for (size_t i = 0; s[i] != '\0' && o + 8 < size; i++) {
        const unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            out[o++] = '\\';
            out[o++] = (char)ch;
        } else if (ch < 0x20 || ch == 0x7F) {
            o += (size_t)snprintf(out + o, size - o, "\\u%04x", ch);
        } else {
            out[o++] = (char)ch;
        }
        if (i == 60 && s[i + 1] != '\0') {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
    return out;
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
        return "an integer";
    case JSON_REAL:
        return "a number with a fraction";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    default:
        return "a value";
    }
}

/* An integer's value, or the type of anything else. */
static const char *describe(const json_t *v, char *out, size_t size)
{
    if (!json_is_integer(v)) return type_name(v);
    snprintf(out, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    return out;
}

/* =================================================================================
 * Reading the input
 * ================================================================================= */

/* Reads at most INPUT_BYTES_MAX + 1 bytes (so a larger input is known without reading
 * it all). Returns false on a read error. */
static bool read_all(FILE *f, char **out, size_t *len_out)
{
    size_t cap = 4096, len = 0;
    char *buf = sim_xmalloc(cap);
    for (;;) {
        if (len == cap) {
            cap = cap * 2 > INPUT_BYTES_MAX + 1u ? INPUT_BYTES_MAX + 1u : cap * 2;
            buf = sim_xrealloc(buf, cap);
        }
        const size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0 || len > INPUT_BYTES_MAX) break;
    }
    if (ferror(f)) {
        free(buf);
        return false;
    }
    *out = buf;
    *len_out = len;
    return true;
}

/* =================================================================================
 * Validation: JSON shape, names, references. Builds the kasg_input as it goes.
 * ================================================================================= */

typedef struct strategy_list {
    kasg_strategy items[KASG_STRATEGY_COUNT];
    uint32_t count;
} strategy_list;

typedef struct parsed {
    kasg_input in;
    kasg_topic *topics;
    kasg_member *members;
    json_t *topic_index; /* name -> index, for lookups */
    strategy_list group;
    strategy_list *member_lists; /* [member_count]; count 0 = the group's */
    bool selecting;              /* a list or per-member strategies: print the choice */
    kasg_strategy selected;
} parsed;

static void unknown_keys(diag *d, const json_t *obj, const char *const *allowed, const char *list)
{
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        bool known = false;
        for (size_t i = 0; allowed[i] != NULL && !known; i++) known = strcmp(key, allowed[i]) == 0;
        if (known) continue;
        char q[96];
        push_key(d, key);
        error_at(d, true, "unknown key %s; expected %s", quoted(key, q, sizeof q), list);
        pop(d);
    }
}

/* A strategy name or a non-empty list of distinct names. */
static bool parse_strategy(diag *d, const json_t *v, strategy_list *out, bool *is_list)
{
    out->count = 0;
    *is_list = json_is_array(v);
    if (!json_is_string(v) && !json_is_array(v)) {
        error_at(d, false, "expected a strategy name or a list of them, found %s", type_name(v));
        return false;
    }
    if (json_is_array(v) && json_array_size(v) == 0) {
        error_at(d, false, "the strategy list is empty");
        return false;
    }
    const size_t n = json_is_string(v) ? 1 : json_array_size(v);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        const json_t *item = json_is_string(v) ? v : json_array_get(v, i);
        if (json_is_array(v)) push_index(d, (uint32_t)i);
        kasg_strategy s;
        char q[96];
        if (!json_is_string(item)) {
            error_at(d, false, "expected a strategy name, found %s", type_name(item));
            ok = false;
        } else if (!kasg_strategy_parse(json_string_value(item), &s)) {
            error_at(d, false,
                     "unknown strategy %s; expected \"range\", \"roundrobin\", \"sticky\" or "
                     "\"cooperative-sticky\"",
                     quoted(json_string_value(item), q, sizeof q));
            ok = false;
        } else {
            bool repeat = false;
            for (uint32_t k = 0; k < out->count; k++) repeat = repeat || out->items[k] == s;
            if (repeat) {
                error_at(d, false, "strategy %s is listed twice",
                         quoted(kasg_strategy_name(s), q, sizeof q));
                ok = false;
            } else if (out->count < KASG_STRATEGY_COUNT) {
                out->items[out->count++] = s;
            }
        }
        if (json_is_array(v)) pop(d);
    }
    return ok;
}

/* Kafka's Topic.validate: 1..249 characters of [a-zA-Z0-9._-], not "." or "..". */
static bool legal_topic_name(const char *name)
{
    const size_t n = strlen(name);
    if (n == 0 || n > TOPIC_NAME_MAX || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const char ch = name[i];
        const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                        (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
        if (!ok) return false;
    }
    return true;
}

static void parse_topics(diag *d, const json_t *v, parsed *p)
{
    if (!json_is_object(v)) {
        error_at(d, false, "expected an object of topic names and partition counts, found %s",
                 type_name(v));
        return;
    }
    if (json_object_size(v) > KASG_TOPICS_MAX) {
        error_at(d, false, "%zu topics; at most %u are supported", json_object_size(v),
                 KASG_TOPICS_MAX);
        return;
    }
    p->topics = sim_xcalloc(json_object_size(v) + 1, sizeof(kasg_topic));
    uint64_t total = 0;
    const char *name;
    const json_t *count;
    json_object_foreach((json_t *)v, name, count)
    {
        char q[96];
        push_key(d, name);
        if (!legal_topic_name(name)) {
            error_at(d, true, "illegal topic name %s: Kafka allows 1 to 249 of a-z A-Z 0-9 . _ -",
                     quoted(name, q, sizeof q));
        } else if (!json_is_integer(count) || json_integer_value(count) < 0 ||
                   json_integer_value(count) > KASG_PARTITIONS_MAX) {
            char found[32];
            error_at(d, false, "expected a partition count from 0 to %u, found %s",
                     KASG_PARTITIONS_MAX, describe(count, found, sizeof found));
        } else {
            total += (uint64_t)json_integer_value(count);
            if (total > KASG_PARTITIONS_MAX) {
                error_at(d, false, "the topics have more than %u partitions in all",
                         KASG_PARTITIONS_MAX);
            }
            const uint32_t index = p->in.topic_count++;
            p->topics[index] = (kasg_topic){name, (uint32_t)json_integer_value(count)};
            json_object_set_new(p->topic_index, name, json_integer(index));
        }
        pop(d);
    }
}

/* The index of a known topic, or -1 after reporting it at the current path. */
static int64_t known_topic(diag *d, const parsed *p, const char *name, size_t name_len,
                           const char *what)
{
    const json_t *index = json_object_getn(p->topic_index, name, name_len);
    if (index != NULL) return json_integer_value(index);
    char q[96], copy[TOPIC_NAME_MAX + 2];
    const size_t n = name_len < sizeof copy - 1 ? name_len : sizeof copy - 1;
    memcpy(copy, name, n);
    copy[n] = '\0';
    error_at(d, false, "%s names unknown topic %s (not in /topics)", what,
             quoted(copy, q, sizeof q));
    return -1;
}

static void parse_subscription(diag *d, const json_t *v, const parsed *p, kasg_member *m)
{
    if (!json_is_array(v)) {
        error_at(d, false, "expected an array of topic names, found %s", type_name(v));
        return;
    }
    if (json_array_size(v) > KASG_TOPICS_MAX) {
        error_at(d, false, "%zu subscribed topics; at most %u", json_array_size(v),
                 KASG_TOPICS_MAX);
        return;
    }
    uint32_t *topics = sim_xcalloc(json_array_size(v) + 1, sizeof(uint32_t));
    m->topics = topics;
    for (size_t i = 0; i < json_array_size(v); i++) {
        const json_t *item = json_array_get(v, i);
        push_index(d, (uint32_t)i);
        if (!json_is_string(item)) {
            error_at(d, false, "expected a topic name, found %s", type_name(item));
        } else {
            const int64_t t = known_topic(d, p, json_string_value(item), json_string_length(item),
                                          "the subscription");
            bool repeat = false;
            for (uint32_t k = 0; k < m->topic_count && t >= 0; k++)
                repeat = repeat || topics[k] == t;
            if (repeat) {
                char q[96];
                error_at(d, false, "topic %s is subscribed twice",
                         quoted(json_string_value(item), q, sizeof q));
            } else if (t >= 0) {
                topics[m->topic_count++] = (uint32_t)t;
            }
        }
        pop(d);
    }
}

/* "TOPIC-N" with a known topic and N in range (any N >= 0 for a topic without
 * partitions). Returns false after reporting. */
static bool parse_owned_item(diag *d, const json_t *item, const parsed *p, kasg_tp *out)
{
    char q[96];
    if (!json_is_string(item)) {
        error_at(d, false, "expected a partition like \"topic-0\", found %s", type_name(item));
        return false;
    }
    const char *s = json_string_value(item);
    const char *dash = strrchr(s, '-');
    const char *digits = dash != NULL ? dash + 1 : NULL;
    bool number = digits != NULL && *digits != '\0' && (digits[0] != '0' || digits[1] == '\0');
    for (const char *c = digits; number && *c != '\0'; c++) number = *c >= '0' && *c <= '9';
    if (!number || dash == s || strlen(digits) > 10) {
        error_at(d, false, "expected a partition like \"topic-0\", found %s",
                 quoted(s, q, sizeof q));
        return false;
    }
    const unsigned long long n = strtoull(digits, NULL, 10);
    const int64_t t = known_topic(d, p, s, (size_t)(dash - s), "the owned partition");
    if (t < 0) return false;
    const uint32_t count = p->topics[t].partition_count;
    if (n > INT32_MAX || (count > 0 && n >= count)) {
        error_at(d, false, "partition %s does not exist: topic %.*s has %" PRIu32 " partitions",
                 quoted(s, q, sizeof q), (int)(dash - s), s, count);
        return false;
    }
    *out = (kasg_tp){(uint32_t)t, (int32_t)n};
    return true;
}

static void parse_owned(diag *d, const json_t *v, const parsed *p, kasg_member *m)
{
    if (json_is_null(v)) return;
    if (!json_is_array(v)) {
        error_at(d, false, "expected an array of partitions like \"topic-0\", found %s",
                 type_name(v));
        return;
    }
    if (json_array_size(v) > KASG_OWNED_MAX) {
        error_at(d, false, "%zu owned partitions; at most %u", json_array_size(v), KASG_OWNED_MAX);
        return;
    }
    kasg_tp *owned = sim_xcalloc(json_array_size(v) + 1, sizeof(kasg_tp));
    m->owned = owned;
    json_t *seen = json_object(); /* normalised "topic-N" -> first position */
    for (size_t i = 0; i < json_array_size(v); i++) {
        push_index(d, (uint32_t)i);
        kasg_tp tp;
        if (parse_owned_item(d, json_array_get(v, i), p, &tp)) {
            char key[TOPIC_NAME_MAX + 16];
            snprintf(key, sizeof key, "%s-%" PRId32, p->topics[tp.topic_index].name, tp.partition);
            const json_t *first = json_object_get(seen, key);
            if (first != NULL) {
                char q[96];
                error_at(d, false,
                         "partition %s is listed twice (also at index %" JSON_INTEGER_FORMAT ")",
                         quoted(key, q, sizeof q), json_integer_value(first));
            } else {
                json_object_set_new(seen, key, json_integer((json_int_t)i));
                owned[m->owned_count++] = tp;
            }
        }
        pop(d);
    }
    json_decref(seen);
}

/* An id: a non-empty string of at most KASG_NAME_BYTES_MAX bytes. */
static const char *parse_id(diag *d, const json_t *v, const char *what, bool nullable)
{
    if (!json_is_string(v)) {
        error_at(d, false, "expected %s (a string)%s, found %s", what, nullable ? " or null" : "",
                 type_name(v));
        return NULL;
    }
    const size_t n = json_string_length(v);
    if (n == 0 || n > KASG_NAME_BYTES_MAX || strlen(json_string_value(v)) != n) {
        error_at(d, false, "%s must have 1 to %u bytes and no NUL", what, KASG_NAME_BYTES_MAX);
        return NULL;
    }
    return json_string_value(v);
}

static void parse_generation(diag *d, const json_t *v, kasg_member *m)
{
    m->generation = -1;
    if (v == NULL || json_is_null(v)) return;
    if (!json_is_integer(v) || json_integer_value(v) < -1 ||
        json_integer_value(v) > KASG_GENERATION_MAX) {
        char found[32];
        error_at(d, false, "expected a generation from -1 to %d, or null, found %s",
                 KASG_GENERATION_MAX, describe(v, found, sizeof found));
        return;
    }
    m->generation = (int32_t)json_integer_value(v);
}

static const char *const member_keys[] = {"id",         "instance_id", "topics", "owned",
                                          "generation", "strategy",    NULL};

static void parse_member(diag *d, const json_t *v, parsed *p, uint32_t index)
{
    kasg_member *m = &p->members[index];
    m->generation = -1;
    if (!json_is_object(v)) {
        error_at(d, false, "expected a member object, found %s", type_name(v));
        return;
    }
    unknown_keys(d, v, member_keys, "id, instance_id, topics, owned, generation or strategy");
    const json_t *id = json_object_get(v, "id");
    if (id == NULL) error_at(d, false, "the member has no \"id\"");
    push_key(d, "id");
    if (id != NULL) m->member_id = parse_id(d, id, "a member id", false);
    pop(d);
    const json_t *instance = json_object_get(v, "instance_id");
    push_key(d, "instance_id");
    if (instance != NULL && !json_is_null(instance)) {
        m->instance_id = parse_id(d, instance, "an instance id", true);
    }
    pop(d);
    const json_t *topics = json_object_get(v, "topics");
    if (topics == NULL) error_at(d, false, "the member has no \"topics\" (its subscription)");
    push_key(d, "topics");
    if (topics != NULL) parse_subscription(d, topics, p, m);
    pop(d);
    push_key(d, "owned");
    const json_t *owned = json_object_get(v, "owned");
    if (owned != NULL) parse_owned(d, owned, p, m);
    pop(d);
    push_key(d, "generation");
    parse_generation(d, json_object_get(v, "generation"), m);
    pop(d);
    const json_t *strategy = json_object_get(v, "strategy");
    if (strategy != NULL) {
        push_key(d, "strategy");
        bool is_list;
        parse_strategy(d, strategy, &p->member_lists[index], &is_list);
        p->selecting = true;
        pop(d);
    }
}

/* Member and instance ids must be unique. */
static void check_unique_ids(diag *d, const parsed *p)
{
    for (uint32_t i = 0; i < p->in.member_count; i++) {
        const kasg_member *m = &p->members[i];
        for (uint32_t j = 0; j < i; j++) {
            const kasg_member *o = &p->members[j];
            char q[96];
            if (m->member_id != NULL && o->member_id != NULL &&
                strcmp(m->member_id, o->member_id) == 0) {
                push_index(d, i);
                push_key(d, "id");
                error_at(d, false, "member id %s is also /members/%" PRIu32 "/id",
                         quoted(m->member_id, q, sizeof q), j);
                pop(d);
                pop(d);
            }
            if (m->instance_id != NULL && o->instance_id != NULL &&
                strcmp(m->instance_id, o->instance_id) == 0) {
                push_index(d, i);
                push_key(d, "instance_id");
                error_at(d, false, "instance id %s is also /members/%" PRIu32 "/instance_id",
                         quoted(m->instance_id, q, sizeof q), j);
                pop(d);
                pop(d);
            }
        }
    }
}

static void parse_members(diag *d, const json_t *v, parsed *p)
{
    if (!json_is_array(v)) {
        error_at(d, false, "expected an array of members, found %s", type_name(v));
        return;
    }
    if (json_array_size(v) == 0 || json_array_size(v) > KASG_MEMBERS_MAX) {
        error_at(d, false, "%zu members; a group that rebalances has 1 to %u", json_array_size(v),
                 KASG_MEMBERS_MAX);
        return;
    }
    p->in.member_count = (uint32_t)json_array_size(v);
    p->members = sim_xcalloc(p->in.member_count, sizeof(kasg_member));
    p->member_lists = sim_xcalloc(p->in.member_count, sizeof(strategy_list));
    for (uint32_t i = 0; i < p->in.member_count; i++) {
        push_index(d, i);
        parse_member(d, json_array_get(v, i), p, i);
        pop(d);
    }
    check_unique_ids(d, p); /* the path is at /members */
}

static const char *const root_keys[] = {"strategy", "topics", "members", NULL};

static void parse_root(diag *d, const json_t *root, parsed *p)
{
    if (!json_is_object(root)) {
        error_at(d, false, "expected an object with strategy, topics and members, found %s",
                 type_name(root));
        return;
    }
    unknown_keys(d, root, root_keys, "strategy, topics or members");
    const json_t *strategy = json_object_get(root, "strategy");
    const json_t *topics = json_object_get(root, "topics");
    const json_t *members = json_object_get(root, "members");
    if (strategy == NULL) error_at(d, false, "no \"strategy\"");
    if (topics == NULL) error_at(d, false, "no \"topics\"");
    if (members == NULL) error_at(d, false, "no \"members\"");
    if (strategy != NULL) {
        push_key(d, "strategy");
        bool is_list = false;
        parse_strategy(d, strategy, &p->group, &is_list);
        p->selecting = p->selecting || is_list;
        pop(d);
    }
    bool topics_ok = false;
    if (topics != NULL) {
        const uint32_t before = d->errors;
        push_key(d, "topics");
        parse_topics(d, topics, p);
        pop(d);
        topics_ok = d->errors == before; /* else members would report unknown topics */
    }
    if (members != NULL && topics_ok) {
        push_key(d, "members");
        parse_members(d, members, p);
        pop(d);
    }
}

/* The coordinator's choice when strategies come as lists. Returns false if none fits. */
static bool select_strategy(diag *d, parsed *p)
{
    if (!p->selecting) {
        p->selected = p->group.items[0];
        return true;
    }
    kasg_strategy_list *lists = sim_xcalloc(p->in.member_count, sizeof(kasg_strategy_list));
    for (uint32_t i = 0; i < p->in.member_count; i++) {
        const strategy_list *own = p->member_lists[i].count > 0 ? &p->member_lists[i] : &p->group;
        lists[i] = (kasg_strategy_list){own->items, own->count};
    }
    const bool ok = kasg_strategy_select(lists, p->in.member_count, &p->selected);
    free(lists);
    if (!ok) {
        push_key(d, "members");
        error_at(d, false,
                 "no assignor is listed by every member: the coordinator rejects such a join "
                 "with INCONSISTENT_GROUP_PROTOCOL");
        pop(d);
    }
    return ok;
}

/* =================================================================================
 * Output
 * ================================================================================= */

static void print_string(const char *s)
{
    json_t *j = json_string(s);
    char *text = json_dumps(j, JSON_ENCODE_ANY);
    fputs(text, stdout);
    free(text);
    json_decref(j);
}

static void print_partitions(const parsed *p, const kasg_tp *tps, uint32_t count)
{
    fputc('[', stdout);
    for (uint32_t i = 0; i < count; i++) {
        printf("%s\"%s-%" PRId32 "\"", i > 0 ? ", " : "", p->topics[tps[i].topic_index].name,
               tps[i].partition);
    }
    fputc(']', stdout);
}

static void print_result(const parsed *p, const kasg_result *r)
{
    fputs("{\n", stdout);
    if (p->selecting) {
        printf("  \"strategy\": \"%s\",\n  \"protocol\": {", kasg_strategy_name(p->selected));
        for (uint32_t i = 0; i < r->member_count; i++) {
            const strategy_list *own =
                p->member_lists[i].count > 0 ? &p->member_lists[i] : &p->group;
            fputs(i > 0 ? ",\n    " : "\n    ", stdout);
            print_string(p->members[i].member_id);
            printf(": \"%s\"", kasg_protocol_name(kasg_protocol_select(own->items, own->count)));
        }
        fputs("\n  },\n", stdout);
    }
    const bool cooperative = p->in.strategy == KASG_STRATEGY_COOPERATIVE_STICKY;
    for (int section = 0; section < (cooperative ? 2 : 1); section++) {
        printf("  \"%s\": {", section == 0 ? "assignment" : "revoked");
        for (uint32_t i = 0; i < r->member_count; i++) {
            fputs(i > 0 ? ",\n    " : "\n    ", stdout);
            print_string(p->members[i].member_id);
            fputs(": ", stdout);
            const kasg_member_result *m = &r->members[i];
            if (section == 0) {
                print_partitions(p, m->assigned, m->assigned_count);
            } else {
                print_partitions(p, m->revoked, m->revoked_count);
            }
        }
        printf("\n  }%s\n", section == 0 && cooperative ? "," : "");
    }
    fputs("}\n", stdout);
}

static void print_failure(const char *name, const parsed *p, const kasg_result *r)
{
    char q[96];
    if (r->status == KASG_KAFKA_THROWS && r->failed_member_index < p->in.member_count) {
        const kasg_tp tp = r->failed_partition;
        fprintf(stderr,
                "%s: Kafka's %s assignor throws NullPointerException on this input: partition "
                "%s-%" PRId32 " was owned in an older generation by member %s, which does not "
                "take part in reassignment (AbstractStickyAssignor.performReassignments); the "
                "leader's assignment fails\n",
                name, kasg_strategy_name(p->in.strategy), p->topics[tp.topic_index].name,
                tp.partition, quoted(p->members[r->failed_member_index].member_id, q, sizeof q));
    } else if (r->status == KASG_KAFKA_THROWS) {
        fprintf(stderr, "%s: Kafka's %s assignor throws IllegalStateException on this input\n",
                name, kasg_strategy_name(p->in.strategy));
    } else {
        fprintf(stderr, "%s: the %s assignor did not settle within its move budget\n", name,
                kasg_strategy_name(p->in.strategy));
    }
}

/* =================================================================================
 * The command
 * ================================================================================= */

static void parsed_free(parsed *p)
{
    for (uint32_t i = 0; p->members != NULL && i < p->in.member_count; i++) {
        free((void *)p->members[i].topics);
        free((void *)p->members[i].owned);
    }
    free(p->members);
    free(p->member_lists);
    free(p->topics);
    json_decref(p->topic_index);
}

/* Validates, assigns and prints. Returns the exit code. */
static int assign_buffer(const char *name, const char *buf, size_t len)
{
    diag d = {.name = name, .buf = buf, .len = len};
    if (len > INPUT_BYTES_MAX) {
        fprintf(stderr, "%s: error: larger than %u bytes\n", name, INPUT_BYTES_MAX);
        return CLI_EXIT_USAGE;
    }
    json_object_seed(1);
    json_error_t jerr;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        /* jansson counts an empty file as line 1, column 0: report it at 1:1. */
        fprintf(stderr, "%s:%d:%d: error: %s\n", name, jerr.line > 0 ? jerr.line : 1,
                jerr.column > 0 ? jerr.column : 1, jerr.text);
        return CLI_EXIT_USAGE;
    }
    parsed p;
    memset(&p, 0, sizeof p);
    p.topic_index = json_object();
    parse_root(&d, root, &p);
    int rc = CLI_EXIT_USAGE;
    if (d.errors == 0 && select_strategy(&d, &p)) {
        p.in.strategy = p.selected;
        p.in.topics = p.topics;
        p.in.members = p.members;
        p.in.leader_max_generation = -1;
        if (kasg_input_check(&p.in, NULL, 0) != 0) {
            fprintf(stderr, "%s: error: the input breaks a limit of the assignor model\n", name);
        } else {
            const size_t bytes = kasg_workspace_bytes(&p.in);
            void *workspace = sim_xmalloc(bytes);
            kasg_result r;
            if (kasg_assign(&p.in, workspace, bytes, &r) == KASG_OK) {
                print_result(&p, &r);
                rc = CLI_EXIT_OK;
            } else {
                print_failure(name, &p, &r);
                rc = CLI_EXIT_FAILED;
            }
            free(workspace);
        }
    }
    print_errors(&d);
    parsed_free(&p);
    json_decref(root);
    return rc;
}

int cmd_assign(int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(assign_help, stdout);
            return CLI_EXIT_OK;
        }
    }
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage_error("assign", "unknown flag '%s'", argv[i]);
        }
        if (path != NULL) return cli_usage_error("assign", "one input only ('%s'?)", argv[i]);
        path = argv[i];
    }
    if (path == NULL) return cli_usage_error("assign", "which input? (a FILE, or - for stdin)");
    const bool from_stdin = strcmp(path, "-") == 0;
    FILE *f = from_stdin ? stdin : fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "kraftlab assign: %s: %s\n", path, strerror(errno));
        return CLI_EXIT_ENV;
    }
    char *buf = NULL;
    size_t len = 0;
    const bool read_ok = read_all(f, &buf, &len);
    if (!from_stdin) fclose(f);
    if (!read_ok) {
        fprintf(stderr, "kraftlab assign: %s: read error\n", path);
        return CLI_EXIT_ENV;
    }
    const int rc = assign_buffer(from_stdin ? "<stdin>" : path, buf, len);
    free(buf);
    return rc;
}
