/*
 * trace_out.c — JSON Lines, Perfetto and story writers; see trace_out.h.
 *
 * Role / Model / Not modelled: see trace_out.h.
 * Owns / borrows: see trace_out.h.
 * Invariants: see trace_out.h.
 * Determinism: see trace_out.h.
 */
#include "trace_out.h"
#include "../core/sim_version.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s != '\0'; s++) {
        const unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc(c, out);
        } else if (c < 0x20) {
            fprintf(out, "\\u%04x", c);
        } else {
            fputc(c, out);
        }
    }
    fputc('"', out);
}

void trace_jsonl_begin(trace_jsonl *t, FILE *out, const char *scenario, uint64_t seed)
{
    t->out = out;
    fprintf(out, "{\"kraftlab_trace\": 1, \"scenario\": ");
    json_str(out, scenario);
    fprintf(out, ", \"seed\": %" PRIu64 ", \"version\": \"%s\", \"revision\": \"%s\"}\n", seed,
            SIM_VERSION, SIM_REVISION);
}

void trace_jsonl_sink(void *ctx, const sim_trace_rec *rec)
{
    trace_jsonl *t = ctx;
    char line[1024];
    const size_t n = sim_trace_format(rec, line, sizeof line);
    if (n < sizeof line) {
        fputs(line, t->out);
    } else {
        char *big = sim_xmalloc(n + 1);
        sim_trace_format(rec, big, n + 1);
        fputs(big, t->out);
        free(big);
    }
    fputc('\n', t->out);
}

void trace_jsonl_end(trace_jsonl *t, const sim_trace *tr)
{
    char hash[17];
    sim_trace_hash_hex(tr, hash);
    fprintf(t->out, "{\"end\": true, \"events\": %" PRIu64 ", \"trace_hash\": \"%s\"}\n", tr->count,
            hash);
}

void trace_perfetto_begin(trace_perfetto *p, FILE *out, const sim_world *w)
{
    p->out = out;
    p->first = true;
    fprintf(out, "{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n");
    for (uint32_t i = 0; i < w->node_count; i++) {
        fprintf(out,
                "%s{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": %" PRId32
                ", \"args\": {\"name\": \"node %" PRId32 "\"}}",
                p->first ? "" : ",\n", w->node_ids[i], w->node_ids[i]);
        p->first = false;
    }
}

void trace_perfetto_sink(void *ctx, const sim_trace_rec *rec)
{
    trace_perfetto *p = ctx;
    const int32_t tid = rec->node >= 0 ? rec->node : 0;
    fprintf(p->out,
            "%s{\"name\": \"%s\", \"ph\": \"i\", \"s\": \"t\", \"ts\": %" PRIu64
            ", \"pid\": 1, \"tid\": %" PRId32 ", \"args\": {",
            p->first ? "" : ",\n", sim_trace_ev_name(rec->ev), rec->t, tid);
    p->first = false;
    const uint32_t n = sim_trace_ev_field_count(rec->ev);
    for (uint32_t i = 0; i < n; i++) {
        fprintf(p->out, "%s\"%s\": %" PRId64, i ? ", " : "", sim_trace_ev_field_name(rec->ev, i),
                rec->f[i]);
    }
    if (rec->text != NULL) {
        fprintf(p->out, "%s\"%s\": ", n ? ", " : "", sim_trace_ev_text_name(rec->ev));
        json_str(p->out, rec->text);
    }
    fprintf(p->out, "}}");
}

void trace_perfetto_end(trace_perfetto *p)
{
    fprintf(p->out, "\n]}\n");
}
