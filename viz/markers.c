/*
 * markers.c — the trace sink that makes viz_markers; see markers.h.
 *
 * Role / Model / Not modelled: see markers.h.
 * Owns / borrows: the marker arrays (heap, aborting allocation: style C.5).
 * Invariants: items and seqs grow together (errors and their seqs, group records and
 *   theirs, likewise); count <= capacity <= VIZ_MARKERS_LIMIT. After a truncate the
 *   owned partitions the sink remembers are those of the later run: the session never
 *   truncates (it rebuilds), so group records stay exact there.
 * Determinism: a function of the records; node ids map to endpoints by the world's
 *   sorted id table.
 */
#include "markers.h"
#include "viz_internal.h"
#include "../sim/core/sim_assert.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------
 * The list
 * ------------------------------------------------------------------------------- */

static void *xrealloc(void *p, size_t bytes)
{
    void *q = realloc(p, bytes);
    if (q == NULL) {
        fprintf(stderr, "kraftlab: out of memory (%zu bytes for viewer markers)\n", bytes);
        abort();
    }
    return q;
}

void viz_markers_init(viz_markers *m, const sim_world *w)
{
    memset(m, 0, sizeof *m);
    m->w = w;
    for (uint32_t i = 0; i < SIM_NODES_MAX; i++) {
        m->last_timer[i] = -1;
        m->votes_epoch[i] = -1;
    }
    m->action_index = -1;
    for (uint32_t g = 0; g < KG_GROUPS_MAX; g++) {
        m->group_generation[g] = -1;
        m->group_state[g] = -1;
        m->rebalance_at[g] = SIM_TIME_NEVER;
        m->expired_at[g] = m->left_at[g] = m->joined_at[g] = SIM_TIME_NEVER;
        m->expired_member[g] = m->left_member[g] = m->joined_member[g] = -1;
    }
}

void viz_markers_deinit(viz_markers *m)
{
    free(m->items);
    free(m->seqs);
    free(m->errs);
    free(m->err_seqs);
    free(m->gevs);
    free(m->gev_seqs);
    memset(m, 0, sizeof *m);
}

void viz_markers_attach(viz_markers *m, sim_world *w)
{
    SIM_ASSERT(m->w == w);
    sim_trace_add_sink(&w->engine.trace, viz_markers_sink, m);
}

void viz_markers_truncate(viz_markers *m, uint64_t seq)
{
    while (m->count > 0 && m->seqs[m->count - 1] >= seq) m->count--;
    while (m->err_count > 0 && m->err_seqs[m->err_count - 1] >= seq) m->err_count--;
    while (m->gev_count > 0 && m->gev_seqs[m->gev_count - 1] >= seq) m->gev_count--;
    if (m->next_seq > seq) m->next_seq = seq;
}

void viz_markers_to_view(const viz_markers *m, viz_view *v)
{
    v->markers = m->items;
    v->marker_count = m->count;
    v->client_errs = m->errs;
    v->client_err_count = m->err_count;
    v->group_evs = m->gevs;
    v->group_ev_count = m->gev_count;
}

static void add(viz_markers *m, const sim_trace_rec *rec, viz_marker_kind kind, int32_t node,
                const char *why, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void add(viz_markers *m, const sim_trace_rec *rec, viz_marker_kind kind, int32_t node,
                const char *why, const char *fmt, ...)
{
    if (m->count >= VIZ_MARKERS_LIMIT) {
        m->lost++;
        return;
    }
    if (m->count == m->capacity) {
        const uint32_t cap = m->capacity == 0 ? 256 : m->capacity * 2;
        m->capacity = cap < VIZ_MARKERS_LIMIT ? cap : VIZ_MARKERS_LIMIT;
        m->items = xrealloc(m->items, m->capacity * sizeof *m->items);
        m->seqs = xrealloc(m->seqs, m->capacity * sizeof *m->seqs);
    }
    SIM_ASSERT(m->count == 0 || m->items[m->count - 1].t <= rec->t);
    viz_marker *mk = &m->items[m->count];
    m->seqs[m->count] = rec->seq;
    m->count++;
    mk->t = rec->t;
    mk->kind = kind;
    mk->node = node;
    mk->partition = -1;
    mk->offset = -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(mk->text, sizeof mk->text, fmt, ap);
    va_end(ap);
    snprintf(mk->why, sizeof mk->why, "%s", why != NULL ? why : "");
}

/* ---------------------------------------------------------------------------------
 * Why
 * ------------------------------------------------------------------------------- */

static int32_t endpoint_of(const viz_markers *m, int64_t node_id)
{
    if (node_id < 0 || node_id >= SIM_TRACE_CLIENT_ID_BASE) return -1;
    const int32_t ep = sim_world_endpoint_of(m->w, (int32_t)node_id);
    return ep >= 0 && ep < (int32_t)SIM_NODES_MAX ? ep : -1;
}

/* The timeline action or viewer command that ran at this instant, if any. */
static void action_why(const viz_markers *m, const sim_trace_rec *rec, char *buf, size_t n)
{
    buf[0] = '\0';
    if (!m->has_action || m->action_at != rec->t) return;
    if (m->action_index < 0) {
        snprintf(buf, n, "a viewer command (%s)", m->action_do ? m->action_do : "?");
        return;
    }
    const sim_world *w = m->w;
    for (uint32_t i = 0; i < w->action_count; i++) {
        const scn_action *a = &w->actions[i];
        if ((int64_t)a->index != m->action_index) continue;
        char target[80] = "";
        if (a->node.kind == SCN_TARGET_CONTROLLER_LEADER) {
            snprintf(target, sizeof target, " controller-leader");
        } else if (a->node.kind == SCN_TARGET_LABEL) {
            snprintf(target, sizeof target, " @%s", a->node.label);
        } else if (a->node.kind == SCN_TARGET_NODE) {
            snprintf(target, sizeof target, " %" PRId32, a->node.node_id);
        }
        snprintf(buf, n, "timeline action #%" PRId64 " (line %" PRIu32 "): %s%s", m->action_index,
                 a->line, scn_action_name(a->kind), target);
        return;
    }
    snprintf(buf, n, "timeline action #%" PRId64, m->action_index);
}

/* The timer that fired on this node at this instant (forced by a `timeout` action or
 * command, or expired), or "". */
static void timer_why(const viz_markers *m, const sim_trace_rec *rec, int32_t ep, char *buf,
                      size_t n)
{
    const scn_kraft_config *k = &m->w->cfg->kraft;
    const bool classic = m->w->raft.cfg.variant == RAFT_VARIANT_CLASSIC;
    buf[0] = '\0';
    if (ep < 0 || m->last_timer[ep] < 0 || m->last_timer_at[ep] != rec->t) return;
    if (m->has_action && m->action_at == rec->t && m->action_do != NULL &&
        strcmp(m->action_do, "timeout") == 0) {
        char action[100];
        action_why(m, rec, action, sizeof action);
        snprintf(buf, n, "its timer was fired by %s", action);
        return;
    }
    switch (m->last_timer[ep]) {
    case RAFT_TIMER_FETCH:
        snprintf(buf, n,
                 "KIP-595 fetch timeout: no successful Fetch from the leader for "
                 "controller.quorum.fetch.timeout.ms (%" PRIu32 " ms)",
                 k->fetch_timeout_ms);
        return;
    case RAFT_TIMER_BACKOFF:
        snprintf(buf, n, "its election backoff ended after a lost election (KIP-595)");
        return;
    case RAFT_TIMER_ELECTION:
        if (classic) {
            snprintf(buf, n,
                     "Raft \xc2\xa7"
                     "5.2: its randomized election timeout expired");
        } else {
            snprintf(buf, n,
                     "KIP-595 election timeout: no leader within "
                     "controller.quorum.election.timeout.ms (%" PRIu32 " ms) + random",
                     k->election_timeout_ms);
        }
        return;
    default:
        return;
    }
}

static void count_vote(viz_markers *m, const sim_trace_rec *rec)
{
    if (rec->f[2] == 0) return; /* not granted */
    const int32_t c = endpoint_of(m, rec->f[1]);
    if (c < 0) return;
    const bool pre = rec->f[3] != 0;
    /* A pre-vote asks in the prospective's epoch for the candidacy of the next. */
    const int32_t epoch = (int32_t)rec->f[0] + (pre ? 1 : 0);
    if (m->votes_epoch[c] != epoch) {
        m->votes_epoch[c] = epoch;
        m->votes[c] = 0;
        m->pre_votes[c] = 0;
    }
    if (pre) {
        m->pre_votes[c]++;
    } else {
        m->votes[c]++;
    }
}

static uint32_t granted(const viz_markers *m, int32_t ep, int32_t epoch, bool pre)
{
    if (ep < 0 || m->votes_epoch[ep] != epoch) return 1;
    return 1 + (pre ? m->pre_votes[ep] : m->votes[ep]); /* its own vote included */
}

/* ---------------------------------------------------------------------------------
 * Records
 * ------------------------------------------------------------------------------- */

static void on_node(viz_markers *m, const sim_trace_rec *r)
{
    const char *verb = "";
    switch (r->ev) {
    case SIM_EV_NODE_CRASH:
        verb = "crashes";
        break;
    case SIM_EV_NODE_POWER_OFF:
        verb = "loses power";
        break;
    case SIM_EV_NODE_SHUTDOWN:
        verb = "stops after a controlled shutdown";
        break;
    case SIM_EV_NODE_RESTART:
        verb = "restarts";
        break;
    case SIM_EV_NODE_PAUSE:
        verb = "pauses (stop the world)";
        break;
    case SIM_EV_NODE_RESUME:
        verb = "resumes";
        break;
    default:
        SIM_UNREACHABLE();
    }
    char why[120];
    action_why(m, r, why, sizeof why);
    if (why[0] == '\0' && r->ev == SIM_EV_NODE_SHUTDOWN)
        snprintf(why, sizeof why, "its broker was fenced and Raft handed leadership over");
    if (why[0] == '\0' && r->ev == SIM_EV_NODE_RESUME)
        snprintf(why, sizeof why, "the pause's \"for\" ran out");
    add(m, r, VIZ_MARK_FAULT, r->node, why, "node %" PRId32 " %s", r->node, verb);
}

static void on_net(viz_markers *m, const sim_trace_rec *r)
{
    char why[120];
    action_why(m, r, why, sizeof why);
    const int64_t *f = r->f;
    switch (r->ev) {
    case SIM_EV_NET_CUT:
        add(m, r, VIZ_MARK_FAULT, -1, why, "link %" PRId64 " \xe2\x86\x92 %" PRId64 " cut", f[0],
            f[1]);
        return;
    case SIM_EV_NET_ISOLATE:
        add(m, r, VIZ_MARK_FAULT, r->node, why, "node %" PRId32 " isolated", r->node);
        return;
    case SIM_EV_NET_PARTITION:
        add(m, r, VIZ_MARK_FAULT, -1, why, "network partitioned into %" PRId64 " sides", f[0]);
        return;
    case SIM_EV_NET_LINK:
        add(m, r, VIZ_MARK_FAULT, -1, why,
            "link %" PRId64 " \xe2\x86\x94 %" PRId64 " degraded (%" PRId64 "-%" PRId64
            " us, loss %" PRId64 " ppm)",
            f[0], f[1], f[2], f[3], f[4]);
        return;
    case SIM_EV_NET_HEAL:
        if (f[0] < 0) {
            add(m, r, VIZ_MARK_FAULT, -1, why, "network healed");
        } else if (f[1] < 0) {
            add(m, r, VIZ_MARK_FAULT, (int32_t)f[0], why, "node %" PRId64 "'s links healed", f[0]);
        } else {
            add(m, r, VIZ_MARK_FAULT, -1, why, "link %" PRId64 " \xe2\x86\x94 %" PRId64 " healed",
                f[0], f[1]);
        }
        return;
    default:
        SIM_UNREACHABLE();
    }
}

static void on_become(viz_markers *m, const sim_trace_rec *r, int32_t ep)
{
    const int32_t epoch = (int32_t)r->f[0];
    const uint32_t voters = m->w->raft.voter_count;
    const bool classic = m->w->raft.cfg.variant == RAFT_VARIANT_CLASSIC;
    const uint8_t prev = ep >= 0 ? m->last_role[ep] : RAFT_ROLE_UNATTACHED;
    char why[120];
    switch (r->ev) {
    case SIM_EV_RAFT_BECOME_PROSPECTIVE:
        timer_why(m, r, ep, why, sizeof why);
        add(m, r, VIZ_MARK_RAFT, r->node, why,
            "node %" PRId32 " asks for pre-votes (epoch %" PRId32 ")", r->node, epoch);
        break;
    case SIM_EV_RAFT_BECOME_CANDIDATE:
        if (prev == RAFT_ROLE_PROSPECTIVE) {
            snprintf(why, sizeof why,
                     "KIP-996: a majority granted its pre-vote (%" PRIu32 " of %" PRIu32
                     " voters, itself included)",
                     granted(m, ep, epoch, true), voters);
        } else {
            timer_why(m, r, ep, why, sizeof why);
        }
        add(m, r, VIZ_MARK_RAFT, r->node, why,
            "node %" PRId32 " stands for election in epoch %" PRId32, r->node, epoch);
        break;
    case SIM_EV_RAFT_BECOME_LEADER:
        if (voters == 1) {
            snprintf(why, sizeof why, "it is the only voter: its own vote is a majority");
        } else {
            snprintf(why, sizeof why,
                     "%s: a majority voted for it (%" PRIu32 " of %" PRIu32
                     " voters, itself included)",
                     classic ? "Raft \xc2\xa7"
                               "5.2"
                             : "KIP-595",
                     granted(m, ep, epoch, false), voters);
        }
        add(m, r, VIZ_MARK_ELECTION, r->node, why,
            "node %" PRId32 " elected leader in epoch %" PRId32, r->node, epoch);
        break;
    default:
        break; /* follower, unattached, resigned: no marker of their own */
    }
    if (ep >= 0) {
        static const sim_trace_ev order[] = {
            SIM_EV_RAFT_BECOME_UNATTACHED, SIM_EV_RAFT_BECOME_PROSPECTIVE,
            SIM_EV_RAFT_BECOME_CANDIDATE,  SIM_EV_RAFT_BECOME_LEADER,
            SIM_EV_RAFT_BECOME_FOLLOWER,   SIM_EV_RAFT_BECOME_RESIGNED};
        static_assert(sizeof order / sizeof order[0] == RAFT_ROLE_COUNT, "role order");
        for (uint8_t k = 0; k < RAFT_ROLE_COUNT; k++)
            if (order[k] == r->ev) m->last_role[ep] = k;
    }
}

static void on_raft_other(viz_markers *m, const sim_trace_rec *r)
{
    const int64_t *f = r->f;
    char why[120];
    switch (r->ev) {
    case SIM_EV_RAFT_RESIGN:
        if (f[1] == RAFT_RESIGN_CHECK_QUORUM) {
            snprintf(why, sizeof why,
                     "KAFKA-15489 check quorum: no Fetch from a majority of voters within "
                     "1.5 x fetch timeout (%" PRIu32 " ms)",
                     m->w->cfg->kraft.fetch_timeout_ms * 3 / 2);
        } else if (f[1] == RAFT_RESIGN_SHUTDOWN) {
            snprintf(why, sizeof why, "graceful shutdown: KIP-595 EndQuorumEpoch to the voters");
        } else {
            snprintf(why, sizeof why,
                     "it heard of a higher epoch (Raft \xc2\xa7"
                     "5.1)");
        }
        add(m, r, VIZ_MARK_RAFT, r->node, why,
            "node %" PRId32 " resigns leadership of epoch %" PRId64, r->node, f[0]);
        return;
    case SIM_EV_RAFT_TRUNCATE:
        add(m, r, VIZ_MARK_RAFT, r->node,
            "KIP-595: the leader's Fetch response named a diverging epoch; the tail was never "
            "committed",
            "node %" PRId32 " truncates its log to offset %" PRId64, r->node, f[1]);
        return;
    case SIM_EV_RAFT_BACKOFF:
        snprintf(why, sizeof why,
                 "KIP-595: no majority; random backoff up to "
                 "controller.quorum.election.backoff.max.ms (try %" PRId64 ")",
                 f[2]);
        add(m, r, VIZ_MARK_RAFT, r->node, why,
            "node %" PRId32 " lost the election in epoch %" PRId64 ", backs off %" PRId64 " ms",
            r->node, f[0], f[1] / 1000);
        return;
    default:
        return;
    }
}

static void on_broker(viz_markers *m, const sim_trace_rec *r)
{
    const int64_t *f = r->f;
    char why[120];
    switch (r->ev) {
    case SIM_EV_BROKER_REGISTER:
        add(m, r, VIZ_MARK_BROKER, (int32_t)f[0],
            "BrokerRegistration: a RegisterBrokerRecord; fenced until it has caught up",
            "broker %" PRId64 " registered (broker epoch %" PRId64 ")", f[0], f[1]);
        return;
    case SIM_EV_BROKER_FENCE:
        snprintf(why, sizeof why, "no heartbeat for broker.session.timeout.ms (%" PRIu32 " ms)",
                 m->w->cfg->kraft.broker_session_timeout_ms);
        add(m, r, VIZ_MARK_BROKER, (int32_t)f[0], why,
            "broker %" PRId64 " fenced by controller %" PRId32, f[0], r->node);
        return;
    case SIM_EV_BROKER_UNFENCE:
        add(m, r, VIZ_MARK_BROKER, (int32_t)f[0],
            "it caught up to its registration record and stopped asking to be fenced",
            "broker %" PRId64 " unfenced", f[0]);
        return;
    case SIM_EV_BROKER_SHUTDOWN:
        add(m, r, VIZ_MARK_BROKER, (int32_t)f[0],
            "its heartbeat asked to shut down: fenced at once, no session timeout",
            "broker %" PRId64 " fenced for controlled shutdown", f[0]);
        return;
    default:
        return;
    }
}

/* ---------------------------------------------------------------------------------
 * Data: where records went
 * ------------------------------------------------------------------------------- */

/* Places the marker just made from `r` (if it was kept) on a partition and an offset. */
static void place_last(viz_markers *m, const sim_trace_rec *r, int64_t partition, int64_t offset)
{
    if (m->count == 0 || m->seqs[m->count - 1] != r->seq) return; /* not kept */
    m->items[m->count - 1].partition = (int32_t)partition;
    m->items[m->count - 1].offset = offset;
}

/* "orders-3", or "partition 7" for an index the topics do not know. */
static void part_name(const viz_markers *m, int64_t p, char *buf, size_t n)
{
    if (m->w->has_topics && p >= 0 && p < (int64_t)m->w->topics.partition_count) {
        viz__partition_name(m->w, (uint32_t)p, buf, n);
    } else {
        snprintf(buf, n, "partition %" PRId64, p);
    }
}

static void on_truncate(viz_markers *m, const sim_trace_rec *r)
{
    const int64_t *f = r->f; /* partition, offset, removed, reason */
    if (f[2] <= 0) return;   /* nothing removed: nothing to flag */
    const char *why = "";
    switch (f[3]) {
    case REPL_TRUNCATE_DIVERGING:
        why = "KIP-279: the leader's Fetch answer named a diverging epoch; the tail after it "
              "is not in the leader's log";
        break;
    case REPL_TRUNCATE_OUT_OF_RANGE:
        why = "OFFSET_OUT_OF_RANGE: the leader's log ends below this replica's fetch offset";
        break;
    case REPL_TRUNCATE_POWER_LOSS:
        why = "power loss: records not yet flushed to disk were only in the page cache";
        break;
    case REPL_TRUNCATE_LOG_START:
        why = "its log ends below the leader's log start (retention deleted the rest): start "
              "over";
        break;
    default:
        break;
    }
    char part[64];
    part_name(m, f[0], part, sizeof part);
    add(m, r, VIZ_MARK_DATA, r->node, why,
        "node %" PRId32 " truncates %s to offset %" PRId64 " (%" PRId64 " record%s removed)",
        r->node, part, f[1], f[2], f[2] == 1 ? "" : "s");
    place_last(m, r, f[0], f[1]);
}

/* An unclean election: where the new leader's log ends, and the highest high watermark
 * of the partition's replicas (what was committed before), read from the logs now. */
static void on_unclean(viz_markers *m, const sim_trace_rec *r)
{
    const int64_t *f = r->f; /* partition, leader, isr_count, reason, unclean */
    const sim_world *w = m->w;
    const uint32_t p = (uint32_t)f[0];
    int64_t leo = -1, hw = -1;
    if (w->has_topics && f[0] >= 0 && p < w->topics.partition_count) {
        for (uint32_t b = 0; b < w->repl.broker_count; b++) {
            const repl_replica *x = repl_replica_get(&w->repl, b, p);
            if (x == NULL) continue;
            if (x->hw > hw) hw = x->hw;
            if (w->repl.broker_ids[b] == (int32_t)f[1]) leo = x->leo;
        }
    }
    char part[64];
    part_name(m, f[0], part, sizeof part);
    const char *why = "unclean.leader.election.enable: no ISR member can lead, so the controller "
                      "chose a replica out of the ISR";
    if (leo >= 0 && hw > leo) {
        add(m, r, VIZ_MARK_DATA, (int32_t)f[1], why,
            "%s: unclean election, node %" PRId64 " leads from offset %" PRId64 " (HW was %" PRId64
            ": %" PRId64 " committed records lost)",
            part, f[1], leo, hw, hw - leo);
    } else {
        add(m, r, VIZ_MARK_DATA, (int32_t)f[1], why,
            "%s: unclean election, node %" PRId64 " leads from offset %" PRId64, part, f[1], leo);
    }
    place_last(m, r, f[0], leo);
}

static void add_client_err(viz_markers *m, const sim_trace_rec *r, int64_t partition, int64_t code,
                           int64_t broker, bool fatal)
{
    const int64_t producer = (int64_t)r->node - SIM_TRACE_CLIENT_ID_BASE;
    if (producer < 0 || !m->w->has_producers || producer >= (int64_t)m->w->producers.count) return;
    if (m->err_count >= VIZ_MARKERS_LIMIT) {
        m->errs_lost++;
        return;
    }
    if (m->err_count == m->err_capacity) {
        const uint32_t cap = m->err_capacity == 0 ? 64 : m->err_capacity * 2;
        m->err_capacity = cap < VIZ_MARKERS_LIMIT ? cap : VIZ_MARKERS_LIMIT;
        m->errs = xrealloc(m->errs, m->err_capacity * sizeof *m->errs);
        m->err_seqs = xrealloc(m->err_seqs, m->err_capacity * sizeof *m->err_seqs);
    }
    SIM_ASSERT(m->err_count == 0 || m->errs[m->err_count - 1].t <= r->t);
    m->err_seqs[m->err_count] = r->seq;
    m->errs[m->err_count++] = (viz_client_err){.t = r->t,
                                               .producer = (uint32_t)producer,
                                               .code = (int32_t)code,
                                               .partition = (int32_t)partition,
                                               .broker = (int32_t)broker,
                                               .fatal = fatal};
}

static void on_producer_fail(viz_markers *m, const sim_trace_rec *r)
{
    const int64_t *f = r->f; /* partition, error, records */
    add_client_err(m, r, f[0], f[1], -1, true);
    const int64_t producer = (int64_t)r->node - SIM_TRACE_CLIENT_ID_BASE;
    const sim_world *w = m->w;
    if (producer < 0 || !w->has_producers || producer >= (int64_t)w->producers.count) return;
    const prod_client *c = &w->producers.clients[producer];
    const prod_error e = prod_error_of_code((int32_t)f[1]);
    char why[120], part[64];
    if (e == PROD_ERR_REQUEST_TIMED_OUT) {
        snprintf(why, sizeof why,
                 "KIP-91: delivery.timeout.ms (%" PRIu64 " ms) passed since the batch was made",
                 (uint64_t)(c->cfg.delivery_timeout_us / 1000));
    } else if (e == PROD_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER) {
        snprintf(why, sizeof why,
                 "KIP-98: the leader lacks the sequence numbers before this batch's, and no "
                 "earlier batch is pending");
    } else {
        snprintf(why, sizeof why, "not retriable, or its retries were used up");
    }
    part_name(m, f[0], part, sizeof part);
    add(m, r, VIZ_MARK_DATA, r->node, why,
        "producer %s: a batch of %" PRId64 " record%s to %s failed (%s)", c->name, f[2],
        f[2] == 1 ? "" : "s", part, e < PROD_ERR_COUNT ? prod_error_name(e) : "error");
    place_last(m, r, f[0], -1);
}

/* ---------------------------------------------------------------------------------
 * Consumer groups: rebalances, expiries, and the records the groups panel reads
 * ------------------------------------------------------------------------------- */

static void add_gev(viz_markers *m, const sim_trace_rec *r, viz_group_ev_kind kind, uint32_t group,
                    int32_t member, int64_t generation, int64_t value, int64_t count)
{
    if (m->gev_count >= VIZ_MARKERS_LIMIT) {
        m->gevs_lost++;
        return;
    }
    if (m->gev_count == m->gev_capacity) {
        const uint32_t cap = m->gev_capacity == 0 ? 64 : m->gev_capacity * 2;
        m->gev_capacity = cap < VIZ_MARKERS_LIMIT ? cap : VIZ_MARKERS_LIMIT;
        m->gevs = xrealloc(m->gevs, m->gev_capacity * sizeof *m->gevs);
        m->gev_seqs = xrealloc(m->gev_seqs, m->gev_capacity * sizeof *m->gev_seqs);
    }
    SIM_ASSERT(m->gev_count == 0 || m->gevs[m->gev_count - 1].t <= r->t);
    m->gev_seqs[m->gev_count] = r->seq;
    m->gevs[m->gev_count++] = (viz_group_ev){.t = r->t,
                                             .kind = (uint8_t)kind,
                                             .group = (uint8_t)group,
                                             .member = (int16_t)member,
                                             .generation = (int32_t)generation,
                                             .value = (int32_t)value,
                                             .count = (int32_t)count};
}

/* Group and member slot of a consumer's trace id (docs/trace.md: 100001000 + 100 G + N). */
static bool consumer_of(const viz_markers *m, int64_t id, uint32_t *g, uint32_t *slot)
{
    const sim_world *w = m->w;
    const int64_t k = id - SIM_TRACE_CLIENT_ID_BASE - 1000;
    if (!w->has_groups || k < 0) return false;
    *g = (uint32_t)(k / 100);
    *slot = (uint32_t)(k % 100);
    return *g < w->groups.group_count && *g < KG_GROUPS_MAX &&
           *slot < w->groups.groups[*g].members_max;
}

static bool group_of(const viz_markers *m, int64_t g)
{
    return m->w->has_groups && g >= 0 && g < (int64_t)m->w->groups.group_count &&
           g < (int64_t)KG_GROUPS_MAX;
}

static bool bit(const kg_bitmap *b, uint32_t p)
{
    return (b->w[p / 64] >> (p % 64)) & 1u;
}

/* The partitions member (g, slot) gave up and got since the sink last looked, one record
 * each; `leaving`: it is closing or leaving, so it gives up everything it owns. A new
 * process (after a crash) owned nothing it could revoke. */
static void diff_owned(viz_markers *m, const sim_trace_rec *r, uint32_t g, uint32_t slot,
                       bool leaving)
{
    const kg_consumer *c = viz__consumer(m->w, g, slot);
    const uint32_t k = g * KG_MEMBERS_MAX + slot;
    kg_bitmap *seen = &m->seen_owned[k];
    if (m->seen_process[k] != c->process_incarnation) {
        memset(seen, 0, sizeof *seen);
        m->seen_process[k] = c->process_incarnation;
    }
    const kg_bitmap now = leaving ? (kg_bitmap){{0}} : c->owned;
    const uint32_t parts = m->w->groups.groups[g].partition_count;
    for (uint32_t p = 0; p < parts; p++) {
        const bool had = bit(seen, p), has = bit(&now, p);
        if (had && !has) add_gev(m, r, VIZ_GEV_REVOKE, g, (int32_t)slot, c->generation, p, 0);
        if (has && !had) add_gev(m, r, VIZ_GEV_ASSIGN, g, (int32_t)slot, c->generation, p, 0);
    }
    *seen = now;
}

/* A consumer's JoinGroup (revoking first, with the eager protocol) or LeaveGroup. */
static void on_consumer_send(viz_markers *m, const sim_trace_rec *r)
{
    uint32_t g, slot;
    const int64_t kind = r->f[2]; /* msg, to, kind, due */
    if (kind != NET_MSG_JOIN_GROUP_REQ && kind != NET_MSG_LEAVE_GROUP_REQ) return;
    if (!consumer_of(m, r->node, &g, &slot)) return;
    const bool leaving = kind == NET_MSG_LEAVE_GROUP_REQ;
    diff_owned(m, r, g, slot, leaving);
    if (!leaving)
        add_gev(m, r, VIZ_GEV_JOIN_SENT, g, (int32_t)slot, viz__consumer(m->w, g, slot)->generation,
                0, 0);
}

/* A JoinGroup or LeaveGroup reaching a coordinator: what may start a rebalance. */
static void on_group_deliver(viz_markers *m, const sim_trace_rec *r)
{
    uint32_t g, slot;
    const int64_t kind = r->f[2]; /* msg, from, kind */
    if (kind != NET_MSG_JOIN_GROUP_REQ && kind != NET_MSG_LEAVE_GROUP_REQ) return;
    if (!consumer_of(m, r->f[1], &g, &slot)) return;
    if (kind == NET_MSG_LEAVE_GROUP_REQ) {
        m->left_at[g] = r->t;
        m->left_member[g] = (int32_t)slot;
    } else {
        m->joined_at[g] = r->t;
        m->joined_member[g] = (int32_t)slot;
    }
}

/* Why group g starts a rebalance now (what reached its coordinator at this instant). */
static void rebalance_cause(viz_markers *m, const sim_trace_rec *r, uint32_t g)
{
    const kg_group_spec *sp = &m->w->groups.groups[g];
    char *why = m->rebalance_why[g];
    const size_t n = sizeof m->rebalance_why[g];
    if (m->expired_at[g] == r->t) {
        snprintf(why, n,
                 "member %" PRId32 "'s session expired: no heartbeat for session.timeout.ms "
                 "(%" PRIu64 " ms)",
                 m->expired_member[g], (uint64_t)(sp->session_timeout_us / 1000));
    } else if (m->left_at[g] == r->t) {
        snprintf(why, n, "member %" PRId32 " left the group (LeaveGroup)", m->left_member[g]);
    } else if (m->group_state[g] <= KG_STATE_EMPTY) {
        snprintf(why, n,
                 "members joined an Empty group; the join phase waits "
                 "group.initial.rebalance.delay.ms (%" PRIu64 " ms) for more",
                 (uint64_t)(sp->initial_delay_us / 1000));
    } else if (m->joined_at[g] == r->t) {
        snprintf(why, n,
                 "member %" PRId32 " (re)joined: a new member, or one whose owned partitions "
                 "changed, starts a rebalance",
                 m->joined_member[g]);
    } else {
        snprintf(why, n, "the coordinator could not store the group's assignment");
    }
}

static void on_group_state(viz_markers *m, const sim_trace_rec *r)
{
    const int64_t *f = r->f; /* group, state, generation, members */
    if (!group_of(m, f[0])) return;
    const uint32_t g = (uint32_t)f[0];
    add_gev(m, r, VIZ_GEV_STATE, g, -1, f[2], f[1], f[3]);
    if (f[1] == KG_STATE_PREPARING_REBALANCE) {
        rebalance_cause(m, r, g);
        m->rebalance_at[g] = r->t;
    }
    /* The join phase ended: a new generation (a coordinator that loads the group reports
     * the generation it had). */
    if (f[2] > 0 && f[2] > m->group_generation[g]) {
        const char *id = m->w->groups.groups[g].id;
        char started[32] = "";
        if (m->rebalance_at[g] != SIM_TIME_NEVER) viz__format_time(m->rebalance_at[g], started, 32);
        if (f[1] == KG_STATE_EMPTY) {
            add(m, r, VIZ_MARK_GROUP, -1, m->rebalance_why[g],
                "group %s is Empty in generation %" PRId64 ": no member rejoined", id, f[2]);
        } else {
            add(m, r, VIZ_MARK_GROUP, -1, m->rebalance_why[g],
                "group %s rebalances to generation %" PRId64 " (%" PRId64 " member%s; started %s)",
                id, f[2], f[3], f[3] == 1 ? "" : "s", started);
        }
        m->group_generation[g] = (int32_t)f[2];
    }
    m->group_state[g] = (int8_t)f[1];
}

/* The coordinator on broker `node_id` still lists member `slot` of group g: an expiry of
 * its session, not of the join phase (which drops the member before it says so). */
static bool still_listed(const sim_world *w, int32_t node_id, uint32_t g, uint32_t slot)
{
    const kg_set *s = &w->groups;
    for (uint32_t b = 0; b < s->broker_count; b++)
        if (s->broker_ids[b] == node_id)
            return s->coords[(size_t)b * s->group_count + g].members[slot].present;
    return false;
}

static void on_group_expired(viz_markers *m, const sim_trace_rec *r)
{
    const int64_t *f = r->f; /* group, member */
    if (!group_of(m, f[0]) || f[1] < 0 || f[1] >= (int64_t)KG_MEMBERS_MAX) return;
    const uint32_t g = (uint32_t)f[0];
    const kg_group_spec *sp = &m->w->groups.groups[g];
    add_gev(m, r, VIZ_GEV_EXPIRED, g, (int32_t)f[1], m->group_generation[g], 0, 0);
    m->expired_at[g] = r->t;
    m->expired_member[g] = (int32_t)f[1];
    char why[120];
    if (still_listed(m->w, r->node, g, (uint32_t)f[1])) {
        snprintf(why, sizeof why, "no heartbeat for session.timeout.ms (%" PRIu64 " ms)",
                 (uint64_t)(sp->session_timeout_us / 1000));
    } else {
        snprintf(why, sizeof why,
                 "it did not rejoin before the join phase ended (the rebalance timeout, "
                 "max.poll.interval.ms = %" PRIu64 " ms)",
                 (uint64_t)(sp->rebalance_timeout_us / 1000));
    }
    add(m, r, VIZ_MARK_GROUP, -1, why,
        "group %s: coordinator %" PRId32 " removes member %" PRId64 " (%s/%" PRId64 ")", sp->id,
        r->node, f[1], sp->id, f[1]);
}

static void on_group_assign(viz_markers *m, const sim_trace_rec *r)
{
    const int64_t *f = r->f; /* group, member, generation, partitions, revoked */
    uint32_t g, slot;
    if (!consumer_of(m, r->node, &g, &slot) || (int64_t)g != f[0]) return;
    diff_owned(m, r, g, slot, false);
    add_gev(m, r, VIZ_GEV_ASSIGNED, g, (int32_t)slot, f[2], f[3], f[4]);
}

void viz_markers_sink(void *ctx, const sim_trace_rec *r)
{
    viz_markers *m = ctx;
    if (r->seq < m->next_seq) return; /* seen before a checkpoint was restored */
    m->next_seq = r->seq + 1;
    const int32_t ep = endpoint_of(m, r->node);
    switch (r->ev) {
    case SIM_EV_NOTE:
        add(m, r, VIZ_MARK_NOTE, -1, "", "note: %s", r->text ? r->text : "");
        return;
    case SIM_EV_ACTION:
        m->has_action = true;
        m->action_index = r->f[0];
        m->action_do = r->text;
        m->action_at = r->t;
        return;
    case SIM_EV_ACTION_SKIPPED:
        add(m, r, VIZ_MARK_WARNING, -1,
            "an action that cannot apply when its time comes is skipped (spec \xc2\xa7"
            "2)",
            "skipped: %s", r->text ? r->text : "");
        return;
    case SIM_EV_CHECK_VIOLATION:
        add(m, r, VIZ_MARK_VIOLATION, r->node, r->text, "INVARIANT VIOLATED: %s",
            chk_invariant_name((chk_invariant)r->f[0]));
        return;
    case SIM_EV_NODE_CRASH:
    case SIM_EV_NODE_POWER_OFF:
    case SIM_EV_NODE_SHUTDOWN:
    case SIM_EV_NODE_RESTART:
    case SIM_EV_NODE_PAUSE:
    case SIM_EV_NODE_RESUME:
        on_node(m, r);
        return;
    case SIM_EV_NET_CUT:
    case SIM_EV_NET_ISOLATE:
    case SIM_EV_NET_PARTITION:
    case SIM_EV_NET_LINK:
    case SIM_EV_NET_HEAL:
        on_net(m, r);
        return;
    case SIM_EV_RAFT_TIMEOUT:
        if (ep >= 0) {
            m->last_timer[ep] = (int8_t)r->f[1];
            m->last_timer_at[ep] = r->t;
        }
        return;
    case SIM_EV_RAFT_VOTE:
        count_vote(m, r);
        return;
    case SIM_EV_RAFT_BECOME_UNATTACHED:
    case SIM_EV_RAFT_BECOME_PROSPECTIVE:
    case SIM_EV_RAFT_BECOME_CANDIDATE:
    case SIM_EV_RAFT_BECOME_LEADER:
    case SIM_EV_RAFT_BECOME_FOLLOWER:
    case SIM_EV_RAFT_BECOME_RESIGNED:
        on_become(m, r, ep);
        return;
    case SIM_EV_RAFT_RESIGN:
    case SIM_EV_RAFT_TRUNCATE:
    case SIM_EV_RAFT_BACKOFF:
        on_raft_other(m, r);
        return;
    case SIM_EV_BROKER_REGISTER:
    case SIM_EV_BROKER_FENCE:
    case SIM_EV_BROKER_UNFENCE:
    case SIM_EV_BROKER_SHUTDOWN:
        on_broker(m, r);
        return;
    case SIM_EV_REPL_TRUNCATE:
        on_truncate(m, r);
        return;
    case SIM_EV_PARTITION_CHANGE:
        if (r->f[4] != 0) on_unclean(m, r);
        return;
    case SIM_EV_PRODUCER_RESPONSE:
        if (r->f[2] != 0) add_client_err(m, r, r->f[0], r->f[2], r->f[1], false);
        return;
    case SIM_EV_PRODUCER_FAIL:
        on_producer_fail(m, r);
        return;
    case SIM_EV_NET_SEND:
        if (r->node >= SIM_TRACE_CLIENT_ID_BASE) on_consumer_send(m, r);
        return;
    case SIM_EV_NET_DELIVER:
        if (r->f[1] >= SIM_TRACE_CLIENT_ID_BASE) on_group_deliver(m, r);
        return;
    case SIM_EV_GROUP_STATE:
        on_group_state(m, r);
        return;
    case SIM_EV_GROUP_JOIN:
        if (group_of(m, r->f[0]))
            add_gev(m, r, VIZ_GEV_JOINED, (uint32_t)r->f[0], (int32_t)r->f[1], r->f[2], r->f[3], 0);
        return;
    case SIM_EV_GROUP_MEMBER_EXPIRED:
        on_group_expired(m, r);
        return;
    case SIM_EV_GROUP_ASSIGN:
        on_group_assign(m, r);
        return;
    default:
        return; /* sends, deliveries, drops, appends, HW moves: not markers */
    }
}
