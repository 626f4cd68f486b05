/*
 * sim_trace.c — digest, ring, sinks and the canonical text form of trace records.
 *
 * Role / Model / Owns: see sim_trace.h.
 * Invariants: the field-name table parses into at most SIM_TRACE_FIELDS_MAX names
 *   (checked on first use, asserted).
 * Determinism: the digest folds (t, seq, ev, node, fields..., text bytes) as 64-bit
 *   words through a multiply-xorshift mix; no pointer ever enters it.
 * Not modelled: n/a.
 */
#include "sim_trace.h"
#include "sim_assert.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef struct ev_info {
    const char *name;
    const char *fields;
    const char *text;
} ev_info;

static const ev_info ev_table[] = {
#define SIM_TRACE_INFO(id, name, fields, text) {name, fields, text},
    SIM_TRACE_EVENTS(SIM_TRACE_INFO)
#undef SIM_TRACE_INFO
};
static_assert(sizeof ev_table / sizeof ev_table[0] == SIM_EV_COUNT, "trace table");

/* Field names split once, lazily; the table is constant so this is deterministic. */
static char field_names[SIM_EV_COUNT][SIM_TRACE_FIELDS_MAX][32];
static uint8_t field_counts[SIM_EV_COUNT];
static bool fields_ready;

static void split_fields(void)
{
    for (uint32_t e = 0; e < SIM_EV_COUNT; e++) {
        const char *p = ev_table[e].fields;
        uint32_t n = 0;
        while (*p != '\0') {
            SIM_ASSERT(n < SIM_TRACE_FIELDS_MAX);
            size_t len = strcspn(p, ",");
            SIM_ASSERT(len > 0 && len < 32);
            memcpy(field_names[e][n], p, len);
            field_names[e][n][len] = '\0';
            n++;
            p += len;
            if (*p == ',') p++;
        }
        field_counts[e] = (uint8_t)n;
    }
    fields_ready = true;
}

const char *sim_trace_ev_name(sim_trace_ev ev)
{
    SIM_ASSERT((unsigned)ev < SIM_EV_COUNT);
    return ev_table[ev].name;
}

uint32_t sim_trace_ev_field_count(sim_trace_ev ev)
{
    SIM_ASSERT((unsigned)ev < SIM_EV_COUNT);
    if (!fields_ready) split_fields();
    return field_counts[ev];
}

const char *sim_trace_ev_field_name(sim_trace_ev ev, uint32_t i)
{
    SIM_ASSERT(i < sim_trace_ev_field_count(ev));
    return field_names[ev][i];
}

const char *sim_trace_ev_text_name(sim_trace_ev ev)
{
    SIM_ASSERT((unsigned)ev < SIM_EV_COUNT);
    return ev_table[ev].text;
}

void sim_trace_init(sim_trace *tr, const sim_time *now)
{
    memset(tr, 0, sizeof *tr);
    tr->digest = 0x6b7261667466ull; /* "kraftf": any fixed start value */
    tr->now = now;
    if (!fields_ready) split_fields();
}

void sim_trace_add_sink(sim_trace *tr, sim_trace_sink_cb cb, void *ctx)
{
    SIM_ASSERT(tr->sink_count < 4);
    tr->sinks[tr->sink_count] = cb;
    tr->sink_ctx[tr->sink_count] = ctx;
    tr->sink_count++;
}

static inline uint64_t fold(uint64_t h, uint64_t w)
{
    h ^= w;
    h *= 0x9e3779b97f4a7c15ull;
    h ^= h >> 29;
    return h;
}

void sim_trace_emit(sim_trace *tr, sim_trace_ev ev, int32_t node, const int64_t *fields,
                    const char *text)
{
    SIM_ASSERT((unsigned)ev < SIM_EV_COUNT);
    SIM_ASSERT(text == NULL || ev_table[ev].text != NULL);
    sim_trace_rec *rec = &tr->ring[tr->count % SIM_TRACE_RING_COUNT];
    memset(rec, 0, sizeof *rec);
    rec->t = tr->now != NULL ? *tr->now : 0;
    rec->seq = tr->count;
    rec->ev = ev;
    rec->node = node;
    rec->text = text;
    const uint32_t n = field_counts[ev];
    for (uint32_t i = 0; i < n; i++) rec->f[i] = fields != NULL ? fields[i] : 0;

    uint64_t h = tr->digest;
    h = fold(h, rec->t);
    h = fold(h, rec->seq);
    h = fold(h, (uint64_t)ev);
    h = fold(h, (uint64_t)(int64_t)node);
    for (uint32_t i = 0; i < n; i++) h = fold(h, (uint64_t)rec->f[i]);
    if (text != NULL) {
        uint64_t word = 0;
        size_t len = strlen(text);
        for (size_t i = 0; i < len; i++) {
            word = (word << 8) | (uint8_t)text[i];
            if (i % 8 == 7) {
                h = fold(h, word);
                word = 0;
            }
        }
        h = fold(h, word ^ ((uint64_t)len << 56));
    }
    tr->digest = h;
    tr->count++;
    for (uint32_t s = 0; s < tr->sink_count; s++) tr->sinks[s](tr->sink_ctx[s], rec);
}

/* Appends to a bounded buffer, tracking the length that would have been written. */
typedef struct outbuf {
    char *p;
    size_t cap;
    size_t len;
} outbuf;

static void out_str(outbuf *o, const char *s)
{
    for (; *s != '\0'; s++) {
        if (o->len + 1 < o->cap) o->p[o->len] = *s;
        o->len++;
    }
}

static void out_json_string(outbuf *o, const char *s)
{
    out_str(o, "\"");
    for (; *s != '\0'; s++) {
        const unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            esc[2] = '\0';
        } else if (c == '\n') {
            strcpy(esc, "\\n");
        } else if (c == '\t') {
            strcpy(esc, "\\t");
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
        } else {
            esc[0] = (char)c;
            esc[1] = '\0';
        }
        out_str(o, esc);
    }
    out_str(o, "\"");
}

size_t sim_trace_format(const sim_trace_rec *rec, char *buf, size_t buf_bytes)
{
    outbuf o = {buf, buf_bytes, 0};
    char num[64];
    snprintf(num, sizeof num, "{\"t\": %" PRIu64 ", \"seq\": %" PRIu64 ", \"ev\": ", rec->t,
             rec->seq);
    out_str(&o, num);
    out_json_string(&o, sim_trace_ev_name(rec->ev));
    if (rec->node >= 0) {
        snprintf(num, sizeof num, ", \"node\": %" PRId32, rec->node);
        out_str(&o, num);
    }
    const uint32_t n = sim_trace_ev_field_count(rec->ev);
    for (uint32_t i = 0; i < n; i++) {
        snprintf(num, sizeof num, ", \"%s\": %" PRId64, sim_trace_ev_field_name(rec->ev, i),
                 rec->f[i]);
        out_str(&o, num);
    }
    if (rec->text != NULL) {
        out_str(&o, ", \"");
        out_str(&o, ev_table[rec->ev].text);
        out_str(&o, "\": ");
        out_json_string(&o, rec->text);
    }
    out_str(&o, "}");
    if (buf_bytes > 0) buf[o.len < buf_bytes ? o.len : buf_bytes - 1] = '\0';
    return o.len;
}

void sim_trace_hash_hex(const sim_trace *tr, char out[17])
{
    snprintf(out, 17, "%016" PRIx64, tr->digest);
}

void sim_trace_dump_recent(void *ctx)
{
    const sim_trace *tr = ctx;
    uint64_t first = tr->count > SIM_TRACE_RING_COUNT ? tr->count - SIM_TRACE_RING_COUNT : 0;
    fprintf(stderr, "  last trace records:\n");
    for (uint64_t i = first; i < tr->count; i++) {
        char line[512];
        sim_trace_format(&tr->ring[i % SIM_TRACE_RING_COUNT], line, sizeof line);
        fprintf(stderr, "    %s\n", line);
    }
}
