/*
 * overlays.c — what is drawn over the panels: the node menu, the inspector, the drag
 *   line, the timeline tooltip, the flash line and the help.
 *
 * Role: viz_draw_overlays, called last by viz_draw_frame.
 * Model: none. The inspector lists every field of the selected node (raft state,
 *   timer, log, broker process and registration; for a leader, each peer's progress;
 *   with topics, each partition replica it holds: role and ISR membership in the
 *   committed registration, LEO, HW, and the replica's own role when it differs), of
 *   the selected producer (acks, idempotence and producer id, its metadata's leader
 *   for each partition, batches in flight per broker and waiting, record counters,
 *   errors by Kafka name), of the selected consumer (member id, state, generation,
 *   coordinator, assignors and protocol, commit mode, records processed, and each owned
 *   partition's position, fetch, HW and committed offset) or of the selected message
 *   (id, kind, ends, times, size, fate). The tooltip lists the
 *   markers within a few pixels of the hovered instant with the rule that fired.
 * Owns / borrows: borrows everything for the call.
 * Invariants: brackets its cairo changes with save/restore; nothing hidden is laid out.
 * Determinism: a function of (world, layout, view).
 * Not modelled: n/a.
 */
#include "viz_internal.h"
#include "../sim/core/sim_assert.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define LINES_MAX 40
#define LINE_H    15.0

/* A box of "key  value" lines, built then drawn once. */
typedef struct kv_box {
    char title[96];
    char key[LINES_MAX][24];
    char val[LINES_MAX][96];
    uint32_t count;
} kv_box;

static void kv(kv_box *b, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void kv(kv_box *b, const char *key, const char *fmt, ...)
{
    if (b->count >= LINES_MAX) return;
    snprintf(b->key[b->count], sizeof b->key[0], "%s", key);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->val[b->count], sizeof b->val[0], fmt, ap);
    va_end(ap);
    b->count++;
}

static void box_frame(cairo_t *cr, double x, double y, double w, double h)
{
    viz__rounded_rect(cr, x + 2, y + 3, w, h, 7); /* shadow */
    viz__set_hex_alpha(cr, 0x000000, 0.12);
    cairo_fill(cr);
    viz__rounded_rect(cr, x, y, w, h, 7);
    viz__set_hex(cr, 0xFFFFFF);
    cairo_fill_preserve(cr);
    cairo_set_line_width(cr, 1);
    viz__set_hex(cr, 0x9A9A9A);
    cairo_stroke(cr);
}

static void kv_draw(cairo_t *cr, const kv_box *b, double x, double y, double w)
{
    const double h = 30 + b->count * LINE_H + 6;
    box_frame(cr, x, y, w, h);
    viz__font(cr, 12, true);
    viz__set_hex(cr, VIZ_C_TEXT);
    viz__text(cr, x + 10, y + 19, b->title, VIZ_ALIGN_LEFT);
    for (uint32_t i = 0; i < b->count; i++) {
        const double ly = y + 36 + i * LINE_H;
        viz__font(cr, 10.5, false);
        viz__set_hex(cr, VIZ_C_TEXT_DIM);
        viz__text(cr, x + 10, ly, b->key[i], VIZ_ALIGN_LEFT);
        viz__set_hex(cr, VIZ_C_TEXT);
        viz__text(cr, x + 104, ly, b->val[i], VIZ_ALIGN_LEFT);
    }
}

/* ---------------------------------------------------------------------------------
 * Inspector: a node
 * ------------------------------------------------------------------------------- */

static const char *timer_name(raft_timer_kind kind)
{
    switch (kind) {
    case RAFT_TIMER_ELECTION:
        return "election timeout";
    case RAFT_TIMER_FETCH:
        return "fetch timeout";
    case RAFT_TIMER_CHECK_QUORUM:
        return "check-quorum deadline";
    case RAFT_TIMER_BACKOFF:
        return "election backoff";
    default:
        return "timer";
    }
}

static uint32_t bits(uint64_t mask)
{
    uint32_t n = 0;
    for (; mask != 0; mask &= mask - 1) n++;
    return n;
}

static void node_raft_fields(kv_box *b, const sim_world *w, const raft_node *rn)
{
    const sim_time now = w->engine.now;
    kv(b, "role", "%s%s", raft_role_name(rn->role), rn->voter ? "" : " (observer)");
    kv(b, "raft epoch", "%" PRId32, rn->raft_epoch);
    if (rn->voted_for >= 0) {
        kv(b, "voted for", "%" PRId32, rn->voted_for);
    } else {
        kv(b, "voted for", "nobody in this epoch");
    }
    if (rn->leader_id >= 0) {
        kv(b, "leader", "%" PRId32, rn->leader_id);
    } else {
        kv(b, "leader", "unknown");
    }
    kv(b, "log", "LEO %" PRId64 ", HW %" PRId64 ", last epoch %" PRId32, rn->leo, rn->hw,
       raft_last_epoch(rn));
    const sim_time due = rn->alive ? raft_timer_due(&w->raft, rn) : SIM_TIME_NEVER;
    if (due != SIM_TIME_NEVER && due >= now) {
        kv(b, "timer", "%s in %.3f s", timer_name(rn->state_timer_kind), (double)(due - now) / 1e6);
    } else {
        kv(b, "timer", "none running");
    }
    if (rn->role == RAFT_ROLE_PROSPECTIVE || rn->role == RAFT_ROLE_CANDIDATE) {
        kv(b, "votes", "%" PRIu32 " granted, %" PRIu32 " rejected%s", bits(rn->votes_granted),
           bits(rn->votes_rejected), rn->backing_off ? " (backing off)" : "");
    }
    if (rn->retries > 0) kv(b, "lost elections", "%" PRIu32 " in a row", rn->retries);
    kv(b, "incarnation", "%" PRIu32 "%s", rn->incarnation,
       rn->shutting_down ? ", shutting down" : "");
    if (rn->role != RAFT_ROLE_LEADER || !rn->alive) return;
    for (uint32_t p = 0; p < w->raft.node_count; p++) {
        if (p == rn->index) continue;
        const raft_node *peer = &w->raft.nodes[p];
        const raft_peer *pp = &rn->peers[p];
        char key[24];
        snprintf(key, sizeof key, "  peer %" PRId32, peer->node_id);
        if (pp->last_fetch_at == SIM_TIME_NEVER || pp->last_fetch_at > now) {
            kv(b, key, "no fetch in this epoch");
        } else {
            kv(b, key, "at offset %" PRId64 ", fetched %.0f ms ago", pp->end_offset,
               (double)(now - pp->last_fetch_at) / 1e3);
        }
    }
}

static void node_broker_fields(kv_box *b, const sim_world *w, int32_t ep)
{
    const int32_t bi = w->brokers.broker_of_endpoint[ep];
    if (bi < 0) return;
    const kafka_broker *br = &w->brokers.brokers[bi];
    kv(b, "broker", "%s, incarnation %" PRId32, kafka_broker_phase_name(br->phase),
       br->incarnation);
    const kafka_broker_reg *reg = sim_world_broker_reg(w, (uint32_t)bi);
    if (reg == NULL || !reg->registered) {
        kv(b, "registration", "not registered");
    } else {
        kv(b, "registration", "%s, broker epoch %" PRId64 "%s", reg->fenced ? "FENCED" : "unfenced",
           reg->broker_epoch, reg->in_controlled_shutdown ? ", controlled shutdown" : "");
    }
}

#define REPLICA_LINES_MAX 12u

static const char *repl_role_word(repl_role role)
{
    switch (role) {
    case REPL_ROLE_LEADER:
        return "leader";
    case REPL_ROLE_FOLLOWER:
        return "follower";
    case REPL_ROLE_NONE:
    default:
        return "nothing";
    }
}

/* One line per replica the node holds: its role and ISR membership in the committed
 * registration, its log, and what the replica itself does when that differs (its
 * process is down, or it has not applied the change yet). */
static void node_replica_fields(kv_box *b, const sim_world *w, int32_t ep)
{
    if (!w->has_topics || !w->is_broker[ep]) return;
    const int32_t id = w->node_ids[ep];
    uint32_t parts[REPLICA_LINES_MAX];
    const uint32_t n = viz__broker_replicas(w, id, parts, REPLICA_LINES_MAX);
    const uint32_t bi = repl_broker_index(&w->repl, id);
    if (n == 0 || bi == UINT32_MAX) {
        kv(b, "replicas", "none");
        return;
    }
    kv(b, "replicas", "%" PRIu32 " (role, ISR, LEO, HW)", n);
    for (uint32_t i = 0; i < n && i < REPLICA_LINES_MAX; i++) {
        const kpc_reg *reg = sim_world_partition(w, parts[i]);
        const repl_replica *x = repl_replica_get(&w->repl, bi, parts[i]);
        char key[24], own[40] = "";
        snprintf(key, sizeof key, "  ");
        viz__partition_name(w, parts[i], key + 2, 15); /* fits the key column */
        const bool leader = reg->leader == id, offline = reg->leader == KPC_NO_LEADER;
        const repl_role want = leader ? REPL_ROLE_LEADER : REPL_ROLE_FOLLOWER;
        if (x->role == REPL_ROLE_NONE) {
            snprintf(own, sizeof own, "; not serving it");
        } else if (x->role != want) {
            snprintf(own, sizeof own, "; acts as %s", repl_role_word(x->role));
        }
        kv(b, key, "%s, %s, LEO %" PRId64 ", HW %" PRId64 "%s",
           offline  ? "OFFLINE (no leader)"
           : leader ? "leader"
                    : "follower",
           kpc_contains(reg->isr, reg->isr_count, id) ? "in ISR" : "OUT of ISR", x->leo, x->hw,
           own);
    }
    if (n > REPLICA_LINES_MAX) kv(b, "", "\xe2\x80\xa6 %" PRIu32 " more", n - REPLICA_LINES_MAX);
}

static void inspect_node(cairo_t *cr, const viz_layout *l, const sim_world *w, int32_t ep)
{
    kv_box b = {0};
    const char *what = w->is_voter[ep] && w->is_broker[ep] ? "controller + broker"
                       : w->is_voter[ep]                   ? "controller"
                                                           : "broker";
    snprintf(b.title, sizeof b.title, "node %" PRId32 "  \xe2\x80\x94  %s", w->node_ids[ep], what);
    const sim_node_state st = sim_world_node_state(w, ep);
    kv(&b, "process", "%s%s", sim_node_state_name(st),
       viz__node_isolated(w, ep) ? ", isolated" : "");
    const raft_node *rn = viz__raft(w, ep);
    if (rn != NULL) node_raft_fields(&b, w, rn);
    node_broker_fields(&b, w, ep);
    node_replica_fields(&b, w, ep);
    kv_draw(cr, &b, l->cluster.x + 10, l->cluster.y + 30, w->has_topics ? 380 : 320);
}

/* ---------------------------------------------------------------------------------
 * Inspector: a producer
 * ------------------------------------------------------------------------------- */

#define LEADER_LINES_MAX 8u

/* The producer's metadata: which broker it believes leads each partition of its topic. */
static void client_metadata_fields(kv_box *b, const sim_world *w, const prod_client *c)
{
    const sim_time now = w->engine.now;
    if (c->metadata_refreshed_us > 0 && c->metadata_refreshed_us <= now) {
        kv(b, "metadata", "refreshed %.3f s ago%s", (double)(now - c->metadata_refreshed_us) / 1e6,
           c->metadata_in_flight ? ", a request in flight" : "");
    } else {
        kv(b, "metadata", "%s", c->metadata_in_flight ? "first request in flight" : "none yet");
    }
    for (uint32_t p = 0; p < c->wl.partition_count && p < LEADER_LINES_MAX; p++) {
        char key[24];
        snprintf(key, sizeof key, "  ");
        viz__partition_name(w, c->wl.first_partition + p, key + 2, 15);
        if (c->leader[p] == PROD_NO_LEADER) {
            kv(b, key, "leader unknown");
        } else {
            const int32_t ep = sim_world_endpoint_of(w, c->leader[p]);
            kv(b, key, "leader %" PRId32 " (epoch %" PRId32 ")%s", c->leader[p], c->leader_epoch[p],
               ep >= 0 && viz__node_down(w, ep) ? ", which is down" : "");
        }
    }
    if (c->wl.partition_count > LEADER_LINES_MAX)
        kv(b, "", "\xe2\x80\xa6 %" PRIu32 " more", c->wl.partition_count - LEADER_LINES_MAX);
}

/* Batches in flight (per broker) and waiting in the accumulator. */
static void client_batch_fields(kv_box *b, const sim_world *w, const prod_client *c)
{
    uint32_t flying = 0, waiting = 0, records = 0;
    for (uint32_t i = 0; i < c->batch_top; i++) {
        const prod_batch *x = &c->batches[i];
        if (!x->used || x->count == 0) continue;
        flying += x->in_flight ? 1 : 0;
        waiting += x->in_flight ? 0 : 1;
        records += x->in_flight ? 0 : x->count;
    }
    char per[96] = "";
    size_t len = 0;
    const prod_set *ps = &w->producers;
    for (uint32_t s = 0; s < ps->broker_count && len + 24 < sizeof per; s++) {
        if (c->in_flight[s] == 0) continue;
        const int n = snprintf(per + len, sizeof per - len, "%s%" PRIu32 " to node %" PRId32,
                               len == 0 ? ": " : ", ", c->in_flight[s], ps->broker_ids[s]);
        if (n > 0) len += (size_t)n;
    }
    kv(b, "in flight", "%" PRIu32 " batch%s%s", flying, flying == 1 ? "" : "es", per);
    kv(b, "waiting", "%" PRIu32 " batch%s, %" PRIu32 " records", waiting, waiting == 1 ? "" : "es",
       records);
}

/* One line per Kafka error the producer has seen, with how many times. */
static void client_error_fields(kv_box *b, const prod_client *c)
{
    bool any = false;
    for (uint32_t e = 1; e < PROD_ERR_COUNT; e++) {
        if (c->errors[e] == 0) continue;
        kv(b, any ? "" : "errors", "%s \xc3\x97%" PRIu64, prod_error_name((prod_error)e),
           c->errors[e]);
        any = true;
    }
    if (!any) kv(b, "errors", "none");
}

static void inspect_client(cairo_t *cr, const viz_layout *l, const sim_world *w, uint32_t i)
{
    const prod_client *c = &w->producers.clients[i];
    kv_box b = {0};
    const topics_topic *tt = &w->topics.topics[w->topics.topic_of[c->wl.first_partition]];
    snprintf(b.title, sizeof b.title, "producer %s  \xe2\x80\x94  topic %s", c->name, tt->name);
    kv(&b, "acks", "%s",
       c->cfg.acks == 0   ? "0 (no answer awaited)"
       : c->cfg.acks == 1 ? "1 (the leader's write)"
                          : "all (every in-sync replica)");
    if (c->cfg.idempotence) {
        kv(&b, "idempotence", "on, producer id %" PRId64, c->producer_id);
    } else {
        kv(&b, "idempotence", "off");
    }
    kv(&b, "state", "%s, %" PRIu32 " records/s", c->running ? "producing" : "not producing",
       c->wl.rate);
    client_metadata_fields(&b, w, c);
    client_batch_fields(&b, w, c);
    kv(&b, "records", "sent %" PRIu64 ", acked %" PRIu64 ", failed %" PRIu64, c->sent, c->acked,
       c->failed);
    if (c->unconfirmed > 0 || c->blocked > 0)
        kv(&b, "", "unconfirmed %" PRIu64 " (acks=0), blocked %" PRIu64, c->unconfirmed,
           c->blocked);
    client_error_fields(&b, c);
    /* Beside the producers' column, or under their band: the boxes stay in sight. */
    const bool beside = l->client_count > 0 && !l->client_band;
    const double x = beside ? l->clients.x + l->clients.w + 10 : l->cluster.x + 10;
    const double y = l->client_band ? l->clients.y + l->clients.h + 4 : l->cluster.y + 30;
    kv_draw(cr, &b, x, y, 400);
}

/* ---------------------------------------------------------------------------------
 * Inspector: a consumer
 * ------------------------------------------------------------------------------- */

#define OWNED_LINES_MAX 12u

static const char *commit_words(const kg_group_spec *sp, char *buf, size_t n)
{
    switch (sp->commit) {
    case KG_COMMIT_AFTER_PROCESSING:
        return "commitSync after each batch is processed";
    case KG_COMMIT_BEFORE_PROCESSING:
        return "commitSync of each batch's end before processing it";
    case KG_COMMIT_AUTO:
    default:
        snprintf(buf, n, "auto, every %" PRIu64 " ms (auto.commit.interval.ms)",
                 (uint64_t)(sp->auto_commit_interval_us / 1000));
        return buf;
    }
}

/* The assignors in preference order and the protocol they make (the highest every one
 * supports: eager unless all are cooperative). */
static void assignor_field(kv_box *b, const kg_group_spec *sp)
{
    char list[96] = "";
    size_t len = 0;
    for (uint32_t i = 0; i < sp->strategy_count && len + 24 < sizeof list; i++) {
        const int n = snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                               kasg_strategy_name(sp->strategies[i]));
        if (n > 0) len += (size_t)n;
    }
    const bool coop =
        kasg_protocol_select(sp->strategies, sp->strategy_count) == KASG_PROTOCOL_COOPERATIVE;
    kv(b, "assignors", "%s (%s protocol)", list, coop ? "cooperative" : "eager");
}

/* One line per owned partition: where the member is in it and what is committed. */
static void consumer_owned_fields(kv_box *b, const sim_world *w, const kg_consumer *c,
                                  const kg_coord *coord)
{
    const kg_group_spec *sp = &w->groups.groups[c->group];
    uint32_t n = 0;
    for (uint32_t p = 0; p < sp->partition_count; p++) {
        if (!((c->owned.w[p / 64] >> (p % 64)) & 1u)) continue;
        if (n++ >= OWNED_LINES_MAX) continue;
        char key[24], pos[40], committed[32];
        const kg_partition_pos *x = &c->pos[p];
        snprintf(key, sizeof key, "  ");
        viz__partition_name(w, sp->partitions[p], key + 2, 15);
        if (x->position >= 0) {
            snprintf(pos, sizeof pos, "at %" PRId64, x->position);
        } else {
            snprintf(pos, sizeof pos, "%s", x->resetting ? "resetting" : "position unknown");
        }
        const int64_t cm = coord != NULL ? coord->committed[p] : -1;
        if (cm >= 0) {
            snprintf(committed, sizeof committed, "committed %" PRId64, cm);
        } else {
            snprintf(committed, sizeof committed, "nothing committed");
        }
        kv(b, key, "%s, fetched to %" PRId64 ", HW %" PRId64 ", %s%s", pos, x->fetched_to, x->hw,
           committed, x->fetch_in_flight ? ", fetching" : "");
    }
    if (n == 0) kv(b, "owns", "no partition");
    if (n > OWNED_LINES_MAX) kv(b, "", "\xe2\x80\xa6 %" PRIu32 " more", n - OWNED_LINES_MAX);
}

static void consumer_fields(kv_box *b, const sim_world *w, const kg_consumer *c)
{
    const kg_group_spec *sp = &w->groups.groups[c->group];
    const sim_time now = w->engine.now;
    char id[KG_MEMBER_ID_BYTES], buf[96];
    if (c->incarnation != 0) {
        kg_member_id(&w->groups, c->group, c->slot, c->incarnation, id, sizeof id);
        kv(b, "member id", "%s", id);
    } else {
        kv(b, "member id", "none yet");
    }
    kv(b, "state", "%s%s%s", viz__consumer_state_word(w, c), c->is_leader ? ", group leader" : "",
       c->rejoin_needed ? ", must rejoin" : "");
    if (c->generation >= 0) {
        kv(b, "generation", "%" PRId32, c->generation);
    } else {
        kv(b, "generation", "none yet");
    }
    int32_t broker = -1;
    const kg_coord *coord = kg_active_coordinator(&w->groups, c->group, &broker);
    if (c->coordinator >= 0) {
        kv(b, "coordinator", "broker %" PRId32 "%s", c->coordinator,
           coord != NULL && broker != c->coordinator ? " (it has moved)" : "");
    } else {
        kv(b, "coordinator", "unknown (FindCoordinator)");
    }
    assignor_field(b, sp);
    kv(b, "commits", "%s", commit_words(sp, buf, sizeof buf));
    kv(b, "processed", "%" PRIu64 " records, %" PRIu64 " ms each", c->processed,
       (uint64_t)(sp->processing_us / 1000));
    if (c->processing) {
        char part[40];
        viz__partition_name(w, sp->partitions[c->batch_partition], part, sizeof part);
        kv(b, "processing", "%s offsets %" PRId64 " .. %" PRId64, part, c->batch_next,
           c->batch_end - 1);
    }
    if (c->state != KG_C_DOWN && c->last_poll_us > 0 && c->last_poll_us <= now)
        kv(b, "last poll", "%.3f s ago; %" PRIu32 " fetch%s in flight",
           (double)(now - c->last_poll_us) / 1e6, c->fetches_in_flight,
           c->fetches_in_flight == 1 ? "" : "es");
    consumer_owned_fields(b, w, c, coord);
}

static void inspect_consumer(cairo_t *cr, const viz_layout *l, const sim_world *w, int32_t which)
{
    const uint32_t g = (uint32_t)which / KG_MEMBERS_MAX, slot = (uint32_t)which % KG_MEMBERS_MAX;
    const kg_consumer *c = viz__consumer(w, g, slot);
    kv_box b = {0};
    snprintf(b.title, sizeof b.title, "consumer %s/%" PRIu32 "  \xe2\x80\x94  group %s",
             w->groups.groups[g].id, slot, w->groups.groups[g].id);
    consumer_fields(&b, w, c);
    /* Beside the consumers' column, or above their band: the boxes stay in sight. */
    const double width = 470, h = 30 + b.count * LINE_H + 6;
    double x = l->cluster.x + 10, y = l->cluster.y + 30;
    if (l->consumer_count > 0 && !l->consumer_band) x = fmax(4, l->consumers.x - 10 - width);
    if (l->consumer_count > 0 && l->consumer_band) y = fmax(4, l->consumers.y - 4 - h);
    kv_draw(cr, &b, x, y, width);
}

/* ---------------------------------------------------------------------------------
 * Inspector: a message
 * ------------------------------------------------------------------------------- */

static const char *drop_reason(net_drop_reason r)
{
    switch (r) {
    case NET_DROP_LOSS:
        return "lost on a lossy link";
    case NET_DROP_CUT:
        return "the link is cut";
    case NET_DROP_DST_DOWN:
        return "the receiver crashed";
    case NET_DROP_SRC_DOWN:
        return "the sender crashed";
    case NET_DROP_OVERLOAD:
        return "the message pool was full";
    default:
        return "dropped";
    }
}

static void msg_common(kv_box *b, const sim_world *w, uint64_t id, net_msg_kind kind, int32_t from,
                       int32_t to, sim_time sent, sim_time due)
{
    char t1[32], t2[32];
    snprintf(b->title, sizeof b->title, "message %" PRIu64 "  \xe2\x80\x94  %s", id,
             net_msg_kind_name(kind));
    char a[64], z[64];
    viz__endpoint_name(w, from, a, sizeof a);
    viz__endpoint_name(w, to, z, sizeof z);
    kv(b, "family", "%s", net_msg_kind_family(kind));
    kv(b, "from \xe2\x86\x92 to", "%s \xe2\x86\x92 %s", a, z);
    viz__format_time(sent, t1, sizeof t1);
    viz__format_time(due, t2, sizeof t2);
    kv(b, "sent", "%s", t1);
    kv(b, "due", "%s (%.3f ms on the wire)", t2, (double)(due - sent) / 1e3);
}

static void inspect_msg(cairo_t *cr, const viz_layout *l, const sim_world *w, uint64_t id)
{
    kv_box b = {0};
    uint32_t cursor = 0;
    const net_msg *m;
    while ((m = net_next_in_flight(&w->net, &cursor)) != NULL && m->id != id) {
    }
    if (m != NULL) {
        msg_common(&b, w, id, m->kind, m->from, m->to, m->sent_at, m->due_at);
        kv(&b, "body", "%" PRIu32 " bytes", m->body_bytes);
        kv(&b, "status", "%s", m->doomed ? "in flight, will be lost (lossy link)" : "in flight");
    } else {
        const net *nt = &w->net;
        const uint64_t kept =
            nt->drop_count < NET_DROP_RING_COUNT ? nt->drop_count : NET_DROP_RING_COUNT;
        const net_drop_note *d = NULL;
        for (uint64_t k = 0; k < kept && d == NULL; k++) {
            const net_drop_note *c = &nt->drops[(nt->drop_count - 1 - k) % NET_DROP_RING_COUNT];
            if (c->msg_id == id) d = c;
        }
        if (d == NULL) {
            snprintf(b.title, sizeof b.title, "message %" PRIu64, id);
            kv(&b, "status", "delivered (no longer in flight)");
        } else {
            char t[32];
            msg_common(&b, w, id, d->kind, d->from, d->to, d->sent_at, d->due_at);
            viz__format_time(d->dropped_at, t, sizeof t);
            kv(&b, "status", "dropped at %s: %s", t, drop_reason(d->reason));
        }
    }
    kv_draw(cr, &b, l->cluster.x + 10, l->cluster.y + 30, 330);
}

/* ---------------------------------------------------------------------------------
 * Menu, drag line, flash, help, tooltip
 * ------------------------------------------------------------------------------- */

static void draw_menu(cairo_t *cr, const sim_world *w, const viz_menu *m)
{
    const double h = VIZ_MENU_TITLE_H + m->item_count * VIZ_MENU_ITEM_H + 4;
    box_frame(cr, m->x, m->y, VIZ_MENU_W, h);
    char title[48];
    snprintf(title, sizeof title, "node %" PRId32,
             m->endpoint >= 0 && (uint32_t)m->endpoint < w->node_count ? w->node_ids[m->endpoint]
                                                                       : -1);
    viz__font(cr, 12, true);
    viz__set_hex(cr, VIZ_C_TEXT_DIM);
    viz__text(cr, m->x + 10, m->y + 17, title, VIZ_ALIGN_LEFT);
    viz__font(cr, 12, false);
    for (uint32_t i = 0; i < m->item_count; i++) {
        const double y = m->y + VIZ_MENU_TITLE_H + i * VIZ_MENU_ITEM_H;
        cairo_move_to(cr, m->x + 6, y + 0.5);
        cairo_line_to(cr, m->x + VIZ_MENU_W - 6, y + 0.5);
        viz__set_hex(cr, 0xE4E4E4);
        cairo_set_line_width(cr, 1);
        cairo_stroke(cr);
        viz__set_hex(cr, m->items[i] == SCN_ACT_CRASH || m->items[i] == SCN_ACT_POWER_OFF
                             ? VIZ_C_VERMILION
                             : VIZ_C_TEXT);
        viz__text(cr, m->x + 14, y + VIZ_MENU_ITEM_H / 2 + 4, viz__menu_label(m->items[i]),
                  VIZ_ALIGN_LEFT);
    }
}

static void draw_drag(cairo_t *cr, const viz_layout *l, const viz_view *v)
{
    if (v->drag_from < 0 || (uint32_t)v->drag_from >= l->node_count) return;
    static const double dash[] = {8, 5};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, l->node_x[v->drag_from], l->node_y[v->drag_from]);
    cairo_line_to(cr, v->drag_x, v->drag_y);
    cairo_set_line_width(cr, 2.5);
    viz__set_hex(cr, VIZ_C_VERMILION);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    viz__font(cr, 11, true);
    viz__text(cr, v->drag_x + 10, v->drag_y - 8, "drop on a node: cut / heal this link",
              VIZ_ALIGN_LEFT);
}

static void draw_flash(cairo_t *cr, const viz_layout *l, const char *text)
{
    viz__font(cr, 12, true);
    const double tw = viz__text_width(cr, text);
    const double x = l->cluster.x + (l->cluster.w - tw) / 2 - 12,
                 y = l->cluster.y + l->cluster.h - 40;
    viz__rounded_rect(cr, x, y, tw + 24, 26, 8);
    viz__set_hex_alpha(cr, 0x263238, 0.92);
    cairo_fill(cr);
    viz__set_hex(cr, 0xFFFFFF);
    viz__text(cr, x + 12, y + 17, text, VIZ_ALIGN_LEFT);
}

static void draw_help(cairo_t *cr, const viz_layout *l, const sim_world *w)
{
    static const char *const keys[][2] = {
        {"space", "play / pause"},
        {".", "step to the next event"},
        {"\xe2\x86\x90 \xe2\x86\x92", "scrub 1 s back / forward (shift: 10 s)"},
        {"+ \xe2\x88\x92", "faster / slower"},
        {"0", "speed \xc3\x97"
              "1"},
        {"Home / End", "jump to the start / the end"},
        {"Enter", "continue after a note"},
        {"click a node", "its menu: crash, restart, pause, isolate, ..."},
        {"click the timeline", "jump there (drag to scrub)"},
        {"click a message", "inspect all its fields"},
        {"click a broker's card", "inspect its partition replicas"},
        {"click a producer", "inspect it: acks, metadata, batches, errors"},
        {"click a consumer", "inspect it: member id, state, partitions, commits"},
        {"drag node \xe2\x86\x92 node", "cut (or heal) that link"},
        {"t", "force a timeout on the selected node"},
        {"hover the timeline", "what happened then, and why"},
        {"s", "save the session as a scenario"},
        {"?", "this help"},
        {"q / Esc", "quit"},
    };
    const size_t all = sizeof keys / sizeof keys[0];
    const size_t consumer_line = 12; /* named only when the scenario has consumers */
    const size_t n = w->has_groups ? all : all - 1;
    const double bw = 470, h = 52 + (double)n * 20.0;
    const double x = (l->width - bw) / 2, y = fmax(40, (l->height - h) / 2);
    box_frame(cr, x, y, bw, h);
    viz__font(cr, 14, true);
    viz__set_hex(cr, VIZ_C_TEXT);
    viz__text(cr, x + 16, y + 26, "Keys and mouse", VIZ_ALIGN_LEFT);
    SIM_ASSERT(strncmp(keys[consumer_line][0], "click a consumer", 16) == 0);
    size_t row = 0;
    for (size_t i = 0; i < all; i++) {
        if (i == consumer_line && !w->has_groups) continue;
        const double ly = y + 52 + (double)row++ * 20.0;
        viz__font(cr, 12, true);
        viz__set_hex(cr, VIZ_C_BLUE);
        viz__text(cr, x + 16, ly, keys[i][0], VIZ_ALIGN_LEFT);
        viz__font(cr, 12, false);
        viz__set_hex(cr, VIZ_C_TEXT);
        viz__text(cr, x + 170, ly, keys[i][1], VIZ_ALIGN_LEFT);
    }
}

#define TIP_MAX 8u

static void draw_tooltip(cairo_t *cr, const viz_layout *l, const viz_view *v)
{
    const viz_rect bar = viz__timeline_bar(l);
    const double per_px = bar.w > 0 ? (double)v->end_us / bar.w : 0;
    const sim_time reach = (sim_time)(6 * per_px);
    const sim_time lo = v->hover_t > reach ? v->hover_t - reach : 0, hi = v->hover_t + reach;
    const viz_marker *hits[TIP_MAX];
    uint32_t n = 0, more = 0;
    const uint32_t start = v->markers != NULL && lo > 0 ? viz__markers_upto(v, lo - 1) : 0;
    for (uint32_t i = start; i < v->marker_count && v->markers[i].t <= hi; i++) {
        if (n < TIP_MAX) {
            hits[n++] = &v->markers[i];
        } else {
            more++;
        }
    }
    char lines[2 * TIP_MAX + 2][360];
    uint32_t count = 0;
    char t[32];
    viz__format_time(v->hover_t, t, sizeof t);
    snprintf(lines[count++], sizeof lines[0], "t = %s%s", t, n == 0 ? ": nothing happened" : "");
    for (uint32_t i = 0; i < n; i++) {
        viz__format_time(hits[i]->t, t, sizeof t);
        snprintf(lines[count++], sizeof lines[0], "%s  %s", t, hits[i]->text);
        if (hits[i]->why[0] != '\0')
            snprintf(lines[count++], sizeof lines[0], "      why: %s", hits[i]->why);
    }
    if (more > 0) snprintf(lines[count++], sizeof lines[0], "... and %" PRIu32 " more", more);
    viz__font(cr, 11, false);
    double width = 0;
    for (uint32_t i = 0; i < count; i++) width = fmax(width, viz__text_width(cr, lines[i]));
    width = fmin(width + 20, l->width - 16);
    const double h = 10 + count * 15.0;
    double x = viz__timeline_x(l, v->end_us, v->hover_t) - width / 2;
    x = fmax(8, fmin(x, l->width - 8 - width));
    const double y = l->timeline.y - h - 4;
    box_frame(cr, x, y, width, h);
    cairo_save(cr);
    cairo_rectangle(cr, x, y, width - 4, h);
    cairo_clip(cr);
    for (uint32_t i = 0; i < count; i++) {
        const bool why = strncmp(lines[i], "      why:", 10) == 0;
        viz__font(cr, 11, i == 0);
        viz__set_hex(cr, why ? VIZ_C_TEXT_DIM : VIZ_C_TEXT);
        viz__text(cr, x + 10, y + 18 + i * 15.0, lines[i], VIZ_ALIGN_LEFT);
    }
    cairo_restore(cr);
}

void viz_draw_overlays(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v)
{
    cairo_save(cr);
    if (v->selected_msg != 0) {
        inspect_msg(cr, l, w, v->selected_msg);
    } else if (v->selected_node >= 0 && (uint32_t)v->selected_node < w->node_count) {
        inspect_node(cr, l, w, v->selected_node);
    } else if (v->selected_client >= 0 && w->has_producers &&
               (uint32_t)v->selected_client < w->producers.count) {
        inspect_client(cr, l, w, (uint32_t)v->selected_client);
    } else if (v->selected_consumer >= 0 && w->has_groups &&
               (uint32_t)v->selected_consumer / KG_MEMBERS_MAX < w->groups.group_count) {
        inspect_consumer(cr, l, w, v->selected_consumer);
    }
    if (v->dragging) draw_drag(cr, l, v);
    if (v->hover_timeline) draw_tooltip(cr, l, v);
    if (v->menu.open) draw_menu(cr, w, &v->menu);
    if (v->flash != NULL && v->flash[0] != '\0') draw_flash(cr, l, v->flash);
    if (v->show_help) draw_help(cr, l, w);
    cairo_restore(cr);
}
