/*
 * raft.c — the cluster: construction, node life (start, crash, restart, shutdown),
 *   timers, message routing, proposals and queries.
 *
 * Role: the public face of sim/raft (see raft.h). Protocol rules live in raft_kraft.c
 *   (KIP-595 / KIP-996) and raft_classic.c (Raft paper); the log and the high watermark
 *   in raft_log.c. This file only dispatches to them and keeps shared bookkeeping.
 * Model: see raft.h. Rules implemented here: durable state survives a crash (KIP-595:
 *   quorum-state file and a flushed log); the randomized election timeout
 *   T + uniform[0, T) (KafkaRaftClient / QuorumState.randomElectionTimeoutMs) and the
 *   classic uniform[min, max] (Raft §5.2).
 * Owns / borrows: see raft.h. One engine handler serves every raft timer; its argument
 *   packs (node index, timer kind, peer index).
 * Invariants: a node's timers are cancelled whenever it leaves a role or crashes, so a
 *   firing timer always belongs to the node's current role (asserted on dispatch).
 * Determinism: per-node RNG stream; nodes are visited by index.
 * Not modelled: see raft.h.
 */
#include "raft_internal.h"
#include "../core/sim_assert.h"

#include <string.h>

/* ---------------------------------------------------------------------------------
 * Configuration and names
 * ------------------------------------------------------------------------------- */

void raft_config_default(raft_config *cfg)
{
    SIM_ASSERT(cfg != NULL);
    memset(cfg, 0, sizeof *cfg);
    cfg->variant = RAFT_VARIANT_KRAFT;
    cfg->election_timeout_us = SIM_MS(1000);
    cfg->fetch_timeout_us = SIM_MS(2000);
    cfg->election_backoff_max_us = SIM_MS(1000);
    cfg->request_timeout_us = SIM_MS(2000);
    cfg->retry_backoff_us = SIM_MS(20);
    cfg->append_linger_us = SIM_MS(25);
    cfg->fetch_max_wait_us = SIM_MS(500);
    cfg->idle_interval_us = SIM_MS(500);
    cfg->classic_election_min_us = SIM_MS(150);
    cfg->classic_election_max_us = SIM_MS(300);
    cfg->classic_heartbeat_us = SIM_MS(75);
    cfg->pre_vote = true;
    cfg->log_capacity = 4096;
    SIM_ASSERT(cfg->classic_election_min_us <= cfg->classic_election_max_us);
}

const char *raft_role_name(raft_role role)
{
    static const char *const names[] = {"Unattached", "Prospective", "Candidate",
                                        "Leader",     "Follower",    "Resigned"};
    static_assert(sizeof names / sizeof names[0] == RAFT_ROLE_COUNT, "role names");
    SIM_ASSERT((unsigned)role < RAFT_ROLE_COUNT);
    return names[role];
}

/* ---------------------------------------------------------------------------------
 * Shared helpers (raft__*)
 * ------------------------------------------------------------------------------- */

raft_node *raft__node_at(raft_cluster *c, uint32_t index)
{
    SIM_ASSERT(index < c->node_count);
    raft_node *n = &c->nodes[index];
    SIM_ASSERT(n->index == index);
    return n;
}

raft_node *raft__sender(raft_cluster *c, const net_msg *msg)
{
    raft_node *from = raft_node_by_endpoint(c, msg->from);
    SIM_ASSERT(from != NULL); /* raft messages travel only between raft nodes */
    SIM_ASSERT(from->endpoint != msg->to);
    return from;
}

uint32_t raft__majority(const raft_cluster *c)
{
    SIM_ASSERT(c->voter_count >= 1 && c->voter_count <= SIM_VOTERS_MAX);
    return c->voter_count / 2u + 1u;
}

bool raft__is_voter_index(const raft_cluster *c, uint32_t index)
{
    SIM_ASSERT(index < c->node_count);
    return (c->voter_mask >> index) & 1u;
}

uint32_t raft__count_bits(uint64_t mask)
{
    uint32_t count = 0;
    while (mask != 0) {
        mask &= mask - 1u;
        count++;
    }
    return count;
}

void raft__send(raft_cluster *c, const raft_node *from, const raft_node *to, net_msg_kind kind,
                const void *body, uint32_t bytes)
{
    SIM_ASSERT(from != to);
    SIM_ASSERT(from->alive);
    SIM_ASSERT(bytes <= NET_BODY_BYTES);
    net_send(c->net, from->endpoint, to->endpoint, kind, body, bytes);
}

sim_timer raft__schedule(raft_cluster *c, raft_node *n, raft_timer_kind kind, uint32_t peer,
                         sim_time delay_us)
{
    SIM_ASSERT(n->alive);
    SIM_ASSERT((unsigned)kind < RAFT_TIMER_KIND_COUNT);
    SIM_ASSERT(peer < c->node_count || peer == 0);
    const uint64_t arg = (uint64_t)n->index | ((uint64_t)kind << 32) | ((uint64_t)peer << 40);
    return sim_engine_after(c->engine, delay_us, c->timer_handler, n->endpoint, arg);
}

void raft__set_state_timer(raft_cluster *c, raft_node *n, raft_timer_kind kind, sim_time delay_us)
{
    SIM_ASSERT(kind <= RAFT_TIMER_BACKOFF);
    sim_engine_cancel(c->engine, &n->state_timer);
    n->state_timer = raft__schedule(c, n, kind, 0, delay_us);
    n->state_timer_kind = kind;
    SIM_ASSERT(sim_engine_pending(c->engine, n->state_timer));
}

void raft__cancel_role_timers(raft_cluster *c, raft_node *n)
{
    sim_engine_cancel(c->engine, &n->state_timer);
    sim_engine_cancel(c->engine, &n->fetch_timer);
    sim_engine_cancel(c->engine, &n->begin_epoch_timer);
    sim_engine_cancel(c->engine, &n->idle_timer);
    sim_engine_cancel(c->engine, &n->end_epoch_timer);
    sim_engine_cancel(c->engine, &n->heartbeat_timer);
    for (uint32_t i = 0; i < c->node_count; i++)
        sim_engine_cancel(c->engine, &n->peers[i].parked_timer);
    SIM_ASSERT(!sim_engine_pending(c->engine, n->state_timer));
    SIM_ASSERT(!sim_engine_pending(c->engine, n->fetch_timer));
}

sim_time raft__random_election_timeout(const raft_cluster *c, raft_node *n)
{
    if (c->cfg.variant == RAFT_VARIANT_CLASSIC) {
        /* Raft §5.2: election timeouts are chosen randomly from a fixed interval. */
        SIM_ASSERT(c->cfg.classic_election_min_us <= c->cfg.classic_election_max_us);
        return sim_rng_range(&n->rng, c->cfg.classic_election_min_us,
                             c->cfg.classic_election_max_us);
    }
    /* KIP-595 (QuorumState.randomElectionTimeoutMs): T + uniform[0, T). */
    const sim_time t = c->cfg.election_timeout_us;
    if (t == 0) return 0;
    const sim_time timeout = t + sim_rng_below(&n->rng, t);
    SIM_ASSERT(timeout >= t && timeout < 2 * t);
    return timeout;
}

void raft__trace_become(raft_cluster *c, const raft_node *n)
{
    sim_trace *tr = &c->engine->trace;
    const int64_t epoch = n->raft_epoch;
    switch (n->role) {
    case RAFT_ROLE_UNATTACHED:
        SIM_TRACE(tr, SIM_EV_RAFT_BECOME_UNATTACHED, n->node_id, epoch, n->voted_for);
        break;
    case RAFT_ROLE_PROSPECTIVE:
        SIM_TRACE(tr, SIM_EV_RAFT_BECOME_PROSPECTIVE, n->node_id, epoch);
        break;
    case RAFT_ROLE_CANDIDATE:
        SIM_TRACE(tr, SIM_EV_RAFT_BECOME_CANDIDATE, n->node_id, epoch);
        break;
    case RAFT_ROLE_LEADER:
        SIM_TRACE(tr, SIM_EV_RAFT_BECOME_LEADER, n->node_id, epoch);
        break;
    case RAFT_ROLE_FOLLOWER:
        SIM_TRACE(tr, SIM_EV_RAFT_BECOME_FOLLOWER, n->node_id, epoch, n->leader_id);
        break;
    case RAFT_ROLE_RESIGNED:
        SIM_TRACE(tr, SIM_EV_RAFT_BECOME_RESIGNED, n->node_id, epoch);
        break;
    case RAFT_ROLE_COUNT:
    default:
        SIM_UNREACHABLE();
    }
}

void raft__set_epoch(raft_cluster *c, raft_node *n, int32_t epoch, int32_t voted_for,
                     int32_t leader_id)
{
    /* KIP-595 / Raft §5.1: epochs only move forward; within one epoch the vote is
     * kept (one vote per epoch, persisted before it is granted). */
    SIM_ASSERT(epoch >= n->raft_epoch);
    if (epoch == n->raft_epoch && n->voted_for >= 0)
        SIM_ASSERT(voted_for == n->voted_for || c->bugs.vote_twice);
    n->raft_epoch = epoch;
    n->voted_for = voted_for;
    n->leader_id = leader_id;
}

void raft__reset_peers(raft_cluster *c, raft_node *n)
{
    for (uint32_t i = 0; i < c->node_count; i++) {
        raft_peer *p = &n->peers[i];
        SIM_ASSERT(!sim_engine_pending(c->engine, p->parked_timer));
        memset(p, 0, sizeof *p);
        p->end_offset = -1;
        p->next_offset = n->leo;
        p->last_fetch_at = SIM_TIME_NEVER;
        p->last_caught_up_at = SIM_TIME_NEVER;
        p->last_fetch_leader_leo = -1;
        p->parked_timer = SIM_TIMER_NONE;
    }
}

void raft__count_vote(const raft_cluster *c, raft_node *n, uint32_t voter_index, bool granted)
{
    SIM_ASSERT(raft__is_voter_index(c, voter_index));
    SIM_ASSERT(voter_index != n->index);
    const uint64_t bit = (uint64_t)1 << voter_index;
    if ((n->votes_granted | n->votes_rejected) & bit) return; /* first answer counts */
    if (granted) {
        n->votes_granted |= bit;
    } else {
        n->votes_rejected |= bit;
    }
    SIM_ASSERT((n->votes_granted & n->votes_rejected) == 0);
}

uint32_t raft__granted_count(const raft_cluster *c, const raft_node *n)
{
    uint32_t granted = raft__count_bits(n->votes_granted);
    /* raft_bugs.leader_counts_self_twice: the nominee's own vote is counted twice. */
    if (c->bugs.leader_counts_self_twice && ((n->votes_granted >> n->index) & 1u)) granted++;
    SIM_ASSERT(granted <= c->voter_count + 1u);
    return granted;
}

bool raft__vote_lost(const raft_cluster *c, const raft_node *n)
{
    /* KafkaRaftClient EpochElection.isVoteRejected: the majority is out of reach. */
    const uint32_t recorded = raft__count_bits(n->votes_granted | n->votes_rejected);
    SIM_ASSERT(recorded <= c->voter_count);
    const uint32_t unrecorded = c->voter_count - recorded;
    return raft__granted_count(c, n) + unrecorded < raft__majority(c);
}

/* ---------------------------------------------------------------------------------
 * Timers
 * ------------------------------------------------------------------------------- */

static void timer_cb(void *ctx, int32_t endpoint, uint64_t arg)
{
    raft_cluster *c = ctx;
    const uint32_t index = (uint32_t)(arg & 0xffffffffu);
    const raft_timer_kind kind = (raft_timer_kind)((arg >> 32) & 0xffu);
    const uint32_t peer = (uint32_t)(arg >> 40);
    raft_node *n = raft__node_at(c, index);
    SIM_ASSERT(n->endpoint == endpoint);
    SIM_ASSERT(n->alive); /* a crash cancels every timer */
    const bool kraft = c->cfg.variant == RAFT_VARIANT_KRAFT;
    switch (kind) {
    case RAFT_TIMER_ELECTION:
    case RAFT_TIMER_FETCH:
    case RAFT_TIMER_CHECK_QUORUM:
    case RAFT_TIMER_BACKOFF:
        SIM_ASSERT(kind == n->state_timer_kind);
        n->state_timer = SIM_TIMER_NONE;
        if (kraft) {
            raft__kraft_state_timeout(c, n, kind);
        } else {
            raft__classic_state_timeout(c, n, kind);
        }
        return;
    case RAFT_TIMER_FETCH_SEND:
    case RAFT_TIMER_FETCH_REQUEST:
        SIM_ASSERT(kind == n->fetch_timer_kind);
        n->fetch_timer = SIM_TIMER_NONE;
        break;
    case RAFT_TIMER_BEGIN_EPOCH:
        n->begin_epoch_timer = SIM_TIMER_NONE;
        break;
    case RAFT_TIMER_IDLE:
        n->idle_timer = SIM_TIMER_NONE;
        break;
    case RAFT_TIMER_END_EPOCH:
        n->end_epoch_timer = SIM_TIMER_NONE;
        break;
    case RAFT_TIMER_LONG_POLL:
        SIM_ASSERT(peer < c->node_count);
        n->peers[peer].parked_timer = SIM_TIMER_NONE;
        break;
    case RAFT_TIMER_HEARTBEAT:
        n->heartbeat_timer = SIM_TIMER_NONE;
        break;
    case RAFT_TIMER_KIND_COUNT:
    default:
        SIM_UNREACHABLE();
    }
    if (kraft) {
        raft__kraft_timer(c, n, kind, peer);
    } else {
        raft__classic_timer(c, n, kind);
    }
}

/* ---------------------------------------------------------------------------------
 * Construction
 * ------------------------------------------------------------------------------- */

void raft_cluster_init(raft_cluster *c, sim_engine *e, net *n, sim_arena *arena, uint64_t seed,
                       const raft_config *cfg, uint32_t node_count, const int32_t *endpoints,
                       const int32_t *node_ids, const bool *voter)
{
    SIM_ASSERT(node_count >= 1 && node_count <= SIM_NODES_MAX);
    SIM_ASSERT(cfg->log_capacity > 0);
    SIM_ASSERT(cfg->variant == RAFT_VARIANT_KRAFT || cfg->variant == RAFT_VARIANT_CLASSIC);
    SIM_ASSERT(cfg->classic_election_min_us <= cfg->classic_election_max_us);
    memset(c, 0, sizeof *c);
    c->engine = e;
    c->net = n;
    c->cfg = *cfg;
    c->node_count = node_count;
    c->nodes = SIM_ARENA_NEW(arena, raft_node, node_count);
    c->node_of_endpoint = SIM_ARENA_NEW(arena, int32_t, e->endpoint_count);
    for (uint32_t i = 0; i < e->endpoint_count; i++) c->node_of_endpoint[i] = -1;
    c->voter_index = SIM_ARENA_NEW(arena, uint32_t, SIM_VOTERS_MAX);
    for (uint32_t i = 0; i < node_count; i++) {
        raft_node *rn = &c->nodes[i];
        SIM_ASSERT(endpoints[i] >= 0 && (uint32_t)endpoints[i] < e->endpoint_count);
        SIM_ASSERT(c->node_of_endpoint[endpoints[i]] == -1); /* one node per endpoint */
        for (uint32_t j = 0; j < i; j++) SIM_ASSERT(node_ids[j] != node_ids[i]);
        c->node_of_endpoint[endpoints[i]] = (int32_t)i;
        rn->endpoint = endpoints[i];
        rn->node_id = node_ids[i];
        rn->index = i;
        rn->voter = voter[i];
        rn->role =
            c->cfg.variant == RAFT_VARIANT_CLASSIC ? RAFT_ROLE_FOLLOWER : RAFT_ROLE_UNATTACHED;
        rn->voted_for = -1;
        rn->leader_id = -1;
        rn->log = SIM_ARENA_NEW(arena, raft_record, cfg->log_capacity);
        rn->peers = SIM_ARENA_NEW(arena, raft_peer, node_count);
        sim_rng_init(&rn->rng, seed, SIM_STREAM(SIM_STREAM_RAFT, i));
        if (voter[i]) {
            SIM_ASSERT(c->voter_count < SIM_VOTERS_MAX);
            c->voter_index[c->voter_count++] = i;
            c->voter_mask |= (uint64_t)1 << i;
        }
        raft__reset_peers(c, rn);
    }
    SIM_ASSERT(c->voter_count >= 1);
    c->timer_handler = sim_engine_register(e, timer_cb, c);
}

void raft_set_apply(raft_cluster *c, raft_apply_cb cb, void *ctx)
{
    c->apply = cb;
    c->apply_ctx = ctx;
}

void raft_start(raft_cluster *c)
{
    SIM_ASSERT(c->node_count >= 1);
    for (uint32_t i = 0; i < c->node_count; i++) {
        raft_node *n = raft__node_at(c, i);
        SIM_ASSERT(!n->alive && n->leo == 0);
        n->alive = true;
        if (c->cfg.variant == RAFT_VARIANT_KRAFT) {
            raft__kraft_start(c, n);
        } else {
            raft__classic_start(c, n);
        }
    }
}

raft_node *raft_node_by_endpoint(raft_cluster *c, int32_t endpoint)
{
    if (endpoint < 0 || (uint32_t)endpoint >= c->engine->endpoint_count) return NULL;
    const int32_t index = c->node_of_endpoint[endpoint];
    if (index < 0) return NULL;
    raft_node *n = raft__node_at(c, (uint32_t)index);
    SIM_ASSERT(n->endpoint == endpoint);
    return n;
}

raft_node *raft_node_by_id(raft_cluster *c, int32_t node_id)
{
    for (uint32_t i = 0; i < c->node_count; i++)
        if (c->nodes[i].node_id == node_id) return &c->nodes[i];
    return NULL;
}

/* ---------------------------------------------------------------------------------
 * Messages
 * ------------------------------------------------------------------------------- */

bool raft_msg_kind_p(net_msg_kind kind)
{
    switch (kind) {
    case NET_MSG_VOTE_REQ:
    case NET_MSG_VOTE_RESP:
    case NET_MSG_BEGIN_EPOCH_REQ:
    case NET_MSG_BEGIN_EPOCH_RESP:
    case NET_MSG_END_EPOCH_REQ:
    case NET_MSG_END_EPOCH_RESP:
    case NET_MSG_FETCH_REQ:
    case NET_MSG_FETCH_RESP:
    case NET_MSG_APPEND_REQ:
    case NET_MSG_APPEND_RESP:
    case NET_MSG_REQUEST_VOTE_REQ:
    case NET_MSG_REQUEST_VOTE_RESP:
        return true;
    default:
        return false;
    }
}

void raft_recv(raft_cluster *c, const net_msg *msg)
{
    SIM_ASSERT(raft_msg_kind_p(msg->kind));
    raft_node *n = raft_node_by_endpoint(c, msg->to);
    SIM_ASSERT(n != NULL);
    SIM_ASSERT(n->alive); /* the engine drops deliveries to a crashed endpoint */
    if (c->cfg.variant == RAFT_VARIANT_KRAFT) {
        raft__kraft_recv(c, n, msg);
    } else {
        raft__classic_recv(c, n, msg);
    }
}

/* ---------------------------------------------------------------------------------
 * Node life
 * ------------------------------------------------------------------------------- */

void raft_crash(raft_cluster *c, raft_node *node)
{
    SIM_ASSERT(node->alive);
    SIM_ASSERT(sim_engine_endpoint_down_p(c->engine, node->endpoint));
    raft__cancel_role_timers(c, node);
    /* Volatile state is gone; raft_epoch, voted_for, leader_id and the log stay. The
     * role is left as it was so the viewer can show what crashed. */
    node->alive = false;
    node->shutting_down = false;
    node->fetch_in_flight = false;
    node->backing_off = false;
    node->votes_granted = node->votes_rejected = 0;
    node->applying = false;
    raft__reset_peers(c, node);
}

void raft_restart(raft_cluster *c, raft_node *node)
{
    SIM_ASSERT(!node->alive);
    SIM_ASSERT(!sim_engine_endpoint_down_p(c->engine, node->endpoint));
    node->alive = true;
    node->incarnation++;
    node->hw = 0; /* KIP-595: the HW is re-learned from the leader (or a new quorum) */
    node->applied_end = 0;
    node->retries = 0;
    node->has_fetched_from_leader = false;
    node->check_quorum_fetched = 0;
    node->end_epoch_acked = 0;
    node->successor_count = 0;
    /* The role before the crash is not durable: leave it neutrally, without a trace. */
    node->role = RAFT_ROLE_UNATTACHED;
    if (c->cfg.variant == RAFT_VARIANT_KRAFT) {
        raft__kraft_restart(c, node);
    } else {
        raft__classic_start(c, node);
    }
    SIM_ASSERT(node->hw <= node->leo);
}

void raft_shutdown(raft_cluster *c, raft_node *node)
{
    SIM_ASSERT(node->alive);
    SIM_ASSERT(!sim_engine_endpoint_down_p(c->engine, node->endpoint));
    if (node->shutting_down) return;
    node->shutting_down = true;
    if (c->cfg.variant == RAFT_VARIANT_KRAFT) {
        raft__kraft_shutdown(c, node);
    } else if (node->role != RAFT_ROLE_LEADER) {
        /* CLASSIC has no hand-over: a shutting-down node just stops electing. */
        sim_engine_cancel(c->engine, &node->state_timer);
    }
}

bool raft_shutdown_done(const raft_cluster *c, const raft_node *node)
{
    if (!node->alive) return true;
    if (c->cfg.variant == RAFT_VARIANT_CLASSIC) return true;
    if (!node->voter || c->voter_count == 1) return true;
    /* KafkaRaftClient.maybeCompleteShutdown: done once a remote leader is known. */
    return node->role == RAFT_ROLE_FOLLOWER && node->leader_id >= 0 &&
           node->leader_id != node->node_id;
}

bool raft_force_timeout(raft_cluster *c, raft_node *node)
{
    if (!node->alive || node->role == RAFT_ROLE_LEADER) return false;
    if (sim_engine_endpoint_down_p(c->engine, node->endpoint)) return false;
    if (!sim_engine_pending(c->engine, node->state_timer)) return false;
    const raft_timer_kind kind = node->state_timer_kind;
    SIM_ASSERT(kind <= RAFT_TIMER_BACKOFF);
    sim_engine_cancel(c->engine, &node->state_timer);
    if (c->cfg.variant == RAFT_VARIANT_KRAFT) {
        raft__kraft_state_timeout(c, node, kind);
    } else {
        raft__classic_state_timeout(c, node, kind);
    }
    return true;
}

sim_err raft_propose(raft_cluster *c, raft_node *leader, uint16_t type, int32_t a, int32_t b,
                     int64_t cval, int64_t *offset_out)
{
    SIM_ASSERT(leader >= c->nodes && leader < c->nodes + c->node_count);
    SIM_ASSERT(type == RAFT_RECORD_NO_OP || type >= RAFT_RECORD_APP_BASE);
    if (!leader->alive || leader->role != RAFT_ROLE_LEADER || leader->shutting_down)
        return SIM_ESTATE;
    if (leader->leo >= (int64_t)c->cfg.log_capacity) return SIM_ELIMIT;
    const raft_record rec = {.offset = leader->leo,
                             .epoch = leader->raft_epoch,
                             .type = type,
                             .a = a,
                             .b = b,
                             .c = cval};
    raft__log_append(c, leader, &rec);
    if (offset_out != NULL) *offset_out = rec.offset;
    if (c->cfg.variant == RAFT_VARIANT_KRAFT) {
        raft__kraft_on_append(c, leader);
    } else {
        raft__classic_on_append(c, leader);
    }
    SIM_ASSERT(leader->hw <= leader->leo);
    return SIM_OK;
}

/* ---------------------------------------------------------------------------------
 * Queries
 * ------------------------------------------------------------------------------- */

const raft_node *raft_leader(const raft_cluster *c)
{
    const raft_node *best = NULL;
    uint32_t at_best = 0;
    for (uint32_t i = 0; i < c->node_count; i++) {
        const raft_node *n = &c->nodes[i];
        if (!n->alive || n->role != RAFT_ROLE_LEADER) continue;
        SIM_ASSERT(n->voter);
        if (best == NULL || n->raft_epoch > best->raft_epoch) {
            best = n;
            at_best = 1;
        } else if (n->raft_epoch == best->raft_epoch) {
            at_best++;
        }
    }
    return at_best == 1 ? best : NULL;
}

sim_time raft_timer_due(const raft_cluster *c, const raft_node *node)
{
    if (!node->alive) return SIM_TIME_NEVER;
    return sim_engine_due(c->engine, node->state_timer);
}

int32_t raft_last_epoch(const raft_node *node)
{
    SIM_ASSERT(node->leo >= 0);
    return node->leo > 0 ? node->log[node->leo - 1].epoch : 0;
}

static int64_t time_ms_or_none(sim_time t)
{
    return t == SIM_TIME_NEVER ? -1 : (int64_t)(t / 1000u);
}

void raft_replica_describe(const raft_cluster *c, const raft_node *leader, const raft_node *node,
                           raft_replica_state *out)
{
    SIM_ASSERT(leader != NULL && node != NULL && out != NULL);
    SIM_ASSERT(node->index < c->node_count);
    if (node == leader) {
        out->log_end_offset = leader->leo;
        out->last_fetch_ms = time_ms_or_none(c->engine->now);
        out->last_caught_up_ms = out->last_fetch_ms;
        return;
    }
    const raft_peer *p = &leader->peers[node->index];
    out->log_end_offset = p->end_offset;
    out->last_fetch_ms = time_ms_or_none(p->last_fetch_at);
    out->last_caught_up_ms = time_ms_or_none(p->last_caught_up_at);
}
