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
#include "../net/net.h"
#include "../raft/raft.h"

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

bool trace_story_line(const sim_trace_rec *r, char *buf, size_t n)
{
    const int32_t node = r->node;
    const int64_t *f = r->f;
    switch (r->ev) {
    case SIM_EV_NOTE:
        snprintf(buf, n, "note: %s", r->text);
        return true;
    case SIM_EV_ACTION_SKIPPED:
        snprintf(buf, n, "skipped: %s", r->text);
        return true;
    case SIM_EV_CHECK_VIOLATION:
        snprintf(buf, n, "INVARIANT VIOLATED: %s (node %" PRId32 ")", r->text, node);
        return true;
    case SIM_EV_NODE_CRASH:
        snprintf(buf, n, "node %" PRId32 " crashes", node);
        return true;
    case SIM_EV_NODE_POWER_OFF:
        snprintf(buf, n, "node %" PRId32 " loses power", node);
        return true;
    case SIM_EV_NODE_SHUTDOWN:
        snprintf(buf, n, "node %" PRId32 " shuts down cleanly", node);
        return true;
    case SIM_EV_NODE_RESTART:
        snprintf(buf, n, "node %" PRId32 " restarts", node);
        return true;
    case SIM_EV_NODE_PAUSE:
        snprintf(buf, n, "node %" PRId32 " pauses", node);
        return true;
    case SIM_EV_NODE_RESUME:
        snprintf(buf, n, "node %" PRId32 " resumes", node);
        return true;
    case SIM_EV_NET_ISOLATE:
        snprintf(buf, n, "network: node %" PRId32 " isolated", node);
        return true;
    case SIM_EV_NET_PARTITION:
        snprintf(buf, n, "network: partition into %" PRId64 " sides", f[0]);
        return true;
    case SIM_EV_NET_CUT:
        snprintf(buf, n, "network: link %" PRId64 " -> %" PRId64 " cut", f[0], f[1]);
        return true;
    case SIM_EV_NET_LINK:
        snprintf(buf, n,
                 "network: link %" PRId64 " <-> %" PRId64 " degraded (%" PRId64 "..%" PRId64
                 " us, loss %" PRId64 " ppm)",
                 f[0], f[1], f[2], f[3], f[4]);
        return true;
    case SIM_EV_NET_HEAL:
        if (f[0] < 0) {
            snprintf(buf, n, "network: healed");
        } else if (f[1] < 0) {
            snprintf(buf, n, "network: node %" PRId64 " healed", f[0]);
        } else {
            snprintf(buf, n, "network: link %" PRId64 " <-> %" PRId64 " healed", f[0], f[1]);
        }
        return true;
    case SIM_EV_RAFT_BECOME_CANDIDATE:
        snprintf(buf, n, "node %" PRId32 " stands for election in raft epoch %" PRId64, node, f[0]);
        return true;
    case SIM_EV_RAFT_BECOME_LEADER:
        snprintf(buf, n, "node %" PRId32 " is controller leader in raft epoch %" PRId64, node,
                 f[0]);
        return true;
    case SIM_EV_RAFT_RESIGN:
        snprintf(buf, n, "node %" PRId32 " resigns leadership of raft epoch %" PRId64, node, f[0]);
        return true;
    case SIM_EV_BROKER_REGISTER:
        snprintf(buf, n, "broker %" PRId64 " registered (broker epoch %" PRId64 ")", f[0], f[1]);
        return true;
    case SIM_EV_BROKER_FENCE:
        snprintf(buf, n, "broker %" PRId64 " fenced: no heartbeat for broker.session.timeout.ms",
                 f[0]);
        return true;
    case SIM_EV_BROKER_UNFENCE:
        snprintf(buf, n, "broker %" PRId64 " unfenced", f[0]);
        return true;
    case SIM_EV_BROKER_SHUTDOWN:
        snprintf(buf, n, "broker %" PRId64 " in controlled shutdown: fenced", f[0]);
        return true;
    default:
        return false;
    }
}
