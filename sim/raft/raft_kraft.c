/*
 * raft_kraft.c — KRaft, the Raft variant of Kafka's controller quorum (Kafka 4.0).
 *
 * Role: the protocol of variant RAFT_VARIANT_KRAFT: state transitions, Vote (with
 *   KIP-996 pre-vote), BeginQuorumEpoch, EndQuorumEpoch and pull-based Fetch
 *   replication. raft.c routes messages and timers here.
 * Model (each rule is cited again where it is implemented):
 *   - KIP-595 (Raft for Kafka): the states and their transitions (QuorumState), the
 *     Vote comparison of (last epoch, end offset), one vote per epoch, any higher epoch
 *     moves a replica to that epoch (Unattached, or Follower when the leader is named),
 *     BeginQuorumEpoch to announce a leader, EndQuorumEpoch to hand over on shutdown,
 *     Fetch with DivergingEpoch and truncation, the LeaderChange record and the HW rule.
 *   - KIP-996 (pre-vote, Kafka 4.0): the Prospective state; pre-votes neither bump nor
 *     persist the epoch; a follower that has fetched from its leader in this epoch
 *     refuses them; a pre-vote from a higher epoch moves the receiver to that epoch
 *     first (KAFKA-17641); a lost or timed-out pre-vote returns to Follower (leader
 *     known) or Unattached, without backoff; a timed-out candidate returns straight to
 *     Prospective, a candidate rejected by a majority backs off first (KAFKA-17642,
 *     as released in 4.0; 4.1 replaced that backoff by the rest of the election timeout,
 *     KAFKA-18345). A Resigned replica grants pre-votes (KAFKA-20895 describes exactly
 *     this 4.x behaviour and its consequence for graceful shutdown with > 3 voters).
 *   - KAFKA-15489 (check quorum, 3.7): a leader not fetched from by a majority of voters
 *     (itself counted) within 1.5 x fetch.timeout resigns; never with a single voter.
 *   - KafkaRaftClient details (AK 4.0): election backoff
 *     min(100ms * rnd(2 << min(20, retries - 1)), backoff max) after a majority
 *     rejection (and, without pre-vote, after a timeout); BeginQuorumEpoch sent
 *     to every voter every fetch.timeout / 2; successor backoff on EndQuorumEpoch
 *     (strictExponentialElectionBackoffMs); a long-polled Fetch completes on new data or
 *     after its max wait with the answer it had when it arrived; Fetch request timeout
 *     and retry backoff; a restarted leader comes back Resigned in its epoch.
 *   - QuorumController: the active controller appends a NoOpRecord every
 *     metadata.max.idle.interval.ms.
 * Owns / borrows: the node state declared in raft.h.
 * Invariants: only voters leave {Unattached, Follower}; one Fetch in flight per node;
 *   a leader's parked Fetch per peer is at most one; timers belong to the current role.
 * Determinism: see raft.h. Vote and BeginQuorumEpoch requests go to voters in index
 *   order; parked Fetches complete in peer index order.
 * Not modelled: see raft.h.
 */
#include "raft_internal.h"
#include "../core/sim_assert.h"

#include <string.h>

static void become_unattached(raft_cluster *c, raft_node *n, int32_t epoch, int32_t voted_for,
                              sim_time timeout_us);
static void become_follower(raft_cluster *c, raft_node *n, int32_t epoch, int32_t leader_id);
static void become_prospective(raft_cluster *c, raft_node *n);
static void become_candidate(raft_cluster *c, raft_node *n);
static void become_resigned(raft_cluster *c, raft_node *n, raft_resign_reason reason);
static void send_fetch(raft_cluster *c, raft_node *n);

/* ---------------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------------- */

static uint64_t bit_of(uint32_t index)
{
    SIM_ASSERT(index < SIM_NODES_MAX);
    return (uint64_t)1 << index;
}

static sim_time check_quorum_timeout(const raft_cluster *c)
{
    /* KAFKA-15489: LeaderState.CHECK_QUORUM_TIMEOUT_FACTOR = 1.5, in integers. */
    return c->cfg.fetch_timeout_us * 3u / 2u;
}

/* Kafka keeps the remaining election time when a replica moves to a higher epoch from
 * a state whose election timer is running (QuorumState.transitionToUnattached). A
 * candidate's election timer keeps running while it backs off (CandidateState has two
 * timers), so its remaining time is taken from the deadline saved in start_backoff. */
static sim_time remaining_or_random(raft_cluster *c, raft_node *n)
{
    if (n->role == RAFT_ROLE_CANDIDATE && n->backing_off) {
        const sim_time now = c->engine->now;
        return n->election_due > now ? n->election_due - now : 0;
    }
    const bool keeps = n->role == RAFT_ROLE_UNATTACHED || n->role == RAFT_ROLE_PROSPECTIVE ||
                       n->role == RAFT_ROLE_RESIGNED || n->role == RAFT_ROLE_CANDIDATE;
    const sim_time due = sim_engine_due(c->engine, n->state_timer);
    if (keeps && n->state_timer_kind == RAFT_TIMER_ELECTION && due != SIM_TIME_NEVER) {
        SIM_ASSERT(due >= c->engine->now);
        return due - c->engine->now;
    }
    return raft__random_election_timeout(c, n);
}

/* The state a replica leaves: resigning leaders are traced, every role timer stops. */
static void leave_role(raft_cluster *c, raft_node *n, raft_resign_reason reason)
{
    SIM_ASSERT(n->alive);
    if (n->role == RAFT_ROLE_LEADER) {
        SIM_TRACE(&c->engine->trace, SIM_EV_RAFT_RESIGN, n->node_id, (int64_t)n->raft_epoch,
                  (int64_t)reason);
    }
    raft__cancel_role_timers(c, n); /* parked Fetches stay listed until flush_parked */
    n->fetch_in_flight = false;
    n->backing_off = false;
    n->votes_granted = n->votes_rejected = 0;
    n->has_fetched_from_leader = false;
    n->leader_hw_known = false;
    SIM_ASSERT(!sim_engine_pending(c->engine, n->state_timer));
}

static raft_node *leader_node(raft_cluster *c, const raft_node *n)
{
    SIM_ASSERT(n->leader_id >= 0 && n->leader_id != n->node_id);
    raft_node *leader = raft_node_by_id(c, n->leader_id);
    SIM_ASSERT(leader != NULL && leader->voter);
    return leader;
}

/* ---------------------------------------------------------------------------------
 * Fetch: the leader's side
 * ------------------------------------------------------------------------------- */

static void fetch_resp_header(const raft_node *n, raft_fetch_resp *resp, raft_error error,
                              uint32_t request_id)
{
    memset(resp, 0, sizeof *resp);
    resp->epoch = n->raft_epoch;
    resp->leader_id = n->leader_id;
    resp->error = (int32_t)error;
    resp->request_id = request_id;
    resp->hw = -1;
    resp->diverging_epoch = -1;
    resp->diverging_end_offset = -1;
}

static void send_fetch_error(raft_cluster *c, raft_node *n, const raft_node *to,
                             uint32_t request_id, raft_error error)
{
    SIM_ASSERT(error != RAFT_ERROR_NONE);
    raft_fetch_resp resp;
    fetch_resp_header(n, &resp, error, request_id);
    raft__send(c, n, to, NET_MSG_FETCH_RESP, &resp, sizeof resp);
}

/* Answers a valid Fetch with the records from fetch_offset on (possibly none). */
static void send_fetch_records(raft_cluster *c, raft_node *leader, uint32_t peer_index,
                               uint32_t request_id, int64_t fetch_offset, int64_t hw)
{
    SIM_ASSERT(leader->role == RAFT_ROLE_LEADER);
    SIM_ASSERT(fetch_offset >= 0 && fetch_offset <= leader->leo);
    raft_fetch_resp resp;
    fetch_resp_header(leader, &resp, RAFT_ERROR_NONE, request_id);
    resp.hw = hw;
    int64_t count = leader->leo - fetch_offset;
    if (count > (int64_t)RAFT_FETCH_RECORDS_MAX) count = RAFT_FETCH_RECORDS_MAX;
    resp.record_count = (uint32_t)count;
    if (count > 0) {
        memcpy(resp.records, &leader->log[fetch_offset], (size_t)count * sizeof(raft_record));
    }
    raft__send(c, leader, raft__node_at(c, peer_index), NET_MSG_FETCH_RESP, &resp, sizeof resp);
}

static int64_t leader_response_hw(const raft_node *leader)
{
    /* KIP-595: a new leader has no HW until a record of its epoch is committed. */
    return leader->leader_hw_known ? leader->hw : -1;
}

/* KIP-595 + KAFKA-15489: record that a voter fetched; once a majority (the leader
 * counted) has fetched, restart the check-quorum timer. */
static void check_quorum_saw_fetch(raft_cluster *c, raft_node *leader, uint32_t peer_index)
{
    SIM_ASSERT(leader->role == RAFT_ROLE_LEADER);
    if (!raft__is_voter_index(c, peer_index) || c->voter_count == 1) return;
    leader->check_quorum_fetched |= bit_of(peer_index);
    const uint32_t needed = raft__majority(c) - 1u; /* the leader counts itself */
    if (raft__count_bits(leader->check_quorum_fetched) >= needed) {
        leader->check_quorum_fetched = 0;
        raft__set_state_timer(c, leader, RAFT_TIMER_CHECK_QUORUM, check_quorum_timeout(c));
    }
}

/* KIP-595 LeaderState.maybeUpdateHighWatermark: the majority end offset, once it is past
 * the epoch start offset (a record of the leader's own epoch is committed). */
static void leader_update_hw(raft_cluster *c, raft_node *leader)
{
    SIM_ASSERT(leader->role == RAFT_ROLE_LEADER);
    const int64_t end = raft__majority_end_offset(c, leader);
    const bool own_epoch = end > leader->epoch_start_offset || c->bugs.hw_ignores_epoch_start;
    if (!own_epoch || end <= leader->hw) return;
    leader->leader_hw_known = true;
    raft__set_hw(c, leader, end);
    SIM_ASSERT(leader->hw == end);
}

/* A Fetch that passed validation: update the replica, then answer now or park it. */
static void serve_valid_fetch(raft_cluster *c, raft_node *leader, uint32_t peer_index,
                              const raft_fetch_req *req)
{
    raft__record_fetch(c, leader, peer_index, req->fetch_offset);
    check_quorum_saw_fetch(c, leader, peer_index);
    if (raft__is_voter_index(c, peer_index)) leader_update_hw(c, leader);
    if (leader->role != RAFT_ROLE_LEADER) { /* an apply callback made it resign */
        send_fetch_error(c, leader, raft__node_at(c, peer_index), req->request_id,
                         RAFT_ERROR_NOT_LEADER_OR_FOLLOWER);
        return;
    }
    const int64_t hw = leader_response_hw(leader);
    if (req->fetch_offset < leader->leo || req->max_wait_us == 0) {
        send_fetch_records(c, leader, peer_index, req->request_id, req->fetch_offset, hw);
        return;
    }
    /* KafkaRaftClient.handleFetchRequest: nothing new, so the Fetch waits (long poll)
     * until new records are appended or max wait passes. */
    raft_peer *p = &leader->peers[peer_index];
    SIM_ASSERT(!p->parked);
    p->parked = true;
    p->parked_request_id = req->request_id;
    p->parked_fetch_offset = req->fetch_offset;
    p->parked_last_epoch = req->last_fetched_epoch;
    p->parked_hw = hw;
    p->parked_timer = raft__schedule(c, leader, RAFT_TIMER_LONG_POLL, peer_index, req->max_wait_us);
}

static void handle_fetch_req(raft_cluster *c, raft_node *n, raft_node *from,
                             const raft_fetch_req *req)
{
    SIM_ASSERT(req->replica_id == from->node_id);
    SIM_ASSERT(req->last_fetched_epoch <= req->epoch && req->fetch_offset >= 0);
    /* KafkaRaftClient.validateLeaderOnlyRequest. */
    raft_error error = RAFT_ERROR_NONE;
    if (req->epoch < n->raft_epoch) {
        error = RAFT_ERROR_FENCED_LEADER_EPOCH;
    } else if (req->epoch > n->raft_epoch) {
        error = RAFT_ERROR_UNKNOWN_LEADER_EPOCH;
    } else if (n->role != RAFT_ROLE_LEADER) {
        error = RAFT_ERROR_NOT_LEADER_OR_FOLLOWER;
    }
    if (error != RAFT_ERROR_NONE) {
        send_fetch_error(c, n, from, req->request_id, error);
        return;
    }
    raft_peer *p = &n->peers[from->index];
    if (p->parked) { /* superseded by this newer Fetch (the old one timed out) */
        sim_engine_cancel(c->engine, &p->parked_timer);
        p->parked = false;
    }
    /* KIP-595 Fetch validation (ReplicatedLog.validateOffsetAndEpoch): the fetch
     * position must lie within the leader's log for the last fetched epoch. */
    bool valid = req->fetch_offset == 0;
    int32_t end_epoch = 0;
    int64_t end_offset = 0;
    if (!valid) {
        raft__end_offset_for_epoch(n, req->last_fetched_epoch, &end_epoch, &end_offset);
        valid = end_epoch == req->last_fetched_epoch && req->fetch_offset <= end_offset;
    }
    if (valid) {
        serve_valid_fetch(c, n, from->index, req);
        return;
    }
    /* KIP-595: DivergingEpoch tells the follower where the logs part. */
    raft_fetch_resp resp;
    fetch_resp_header(n, &resp, RAFT_ERROR_NONE, req->request_id);
    resp.hw = leader_response_hw(n);
    resp.diverging_epoch = end_epoch;
    resp.diverging_end_offset = end_offset;
    raft__send(c, n, from, NET_MSG_FETCH_RESP, &resp, sizeof resp);
}

/* New records on the leader: answer the parked Fetches that can now make progress
 * (KafkaRaftClient: fetchPurgatory.maybeComplete, then tryCompleteFetchRequest again,
 * which records the replica's fetch a second time). */
static void complete_parked(raft_cluster *c, raft_node *leader)
{
    SIM_ASSERT(leader->role == RAFT_ROLE_LEADER);
    SIM_ASSERT(leader->alive);
    for (uint32_t i = 0; i < c->node_count; i++) {
        if (leader->role != RAFT_ROLE_LEADER) return;
        raft_peer *p = &leader->peers[i];
        if (!p->parked || p->parked_fetch_offset >= leader->leo) continue;
        sim_engine_cancel(c->engine, &p->parked_timer);
        p->parked = false;
        raft__record_fetch(c, leader, i, p->parked_fetch_offset);
        check_quorum_saw_fetch(c, leader, i);
        if (raft__is_voter_index(c, i)) leader_update_hw(c, leader);
        if (leader->role != RAFT_ROLE_LEADER) return;
        send_fetch_records(c, leader, i, p->parked_request_id, p->parked_fetch_offset,
                           leader_response_hw(leader));
    }
}

/* The max wait passed with nothing new: Kafka answers with the response it computed
 * when the Fetch arrived (empty, with the HW of that moment). */
static void expire_parked(raft_cluster *c, raft_node *leader, uint32_t peer_index)
{
    SIM_ASSERT(leader->role == RAFT_ROLE_LEADER);
    raft_peer *p = &leader->peers[peer_index];
    SIM_ASSERT(p->parked);
    p->parked = false;
    SIM_ASSERT(p->parked_fetch_offset == leader->leo); /* else it would have completed */
    send_fetch_records(c, leader, peer_index, p->parked_request_id, p->parked_fetch_offset,
                       p->parked_hw);
}

/* A former leader answers its parked Fetches with NOT_LEADER_OR_FOLLOWER, carrying its
 * new epoch and leader (KafkaRaftClient: fetchPurgatory.completeAllExceptionally). */
static void flush_parked(raft_cluster *c, raft_node *n)
{
    SIM_ASSERT(n->role != RAFT_ROLE_LEADER);
    for (uint32_t i = 0; i < c->node_count; i++) {
        raft_peer *p = &n->peers[i];
        if (!p->parked) continue;
        SIM_ASSERT(!sim_engine_pending(c->engine, p->parked_timer));
        p->parked = false;
        send_fetch_error(c, n, raft__node_at(c, i), p->parked_request_id,
                         RAFT_ERROR_NOT_LEADER_OR_FOLLOWER);
    }
}

/* ---------------------------------------------------------------------------------
 * Fetch: the follower's (and observer's) side
 * ------------------------------------------------------------------------------- */

static bool fetching_role(const raft_node *n)
{
    return n->role == RAFT_ROLE_FOLLOWER || (n->role == RAFT_ROLE_UNATTACHED && !n->voter);
}

static void schedule_fetch(raft_cluster *c, raft_node *n, sim_time delay_us)
{
    SIM_ASSERT(fetching_role(n));
    SIM_ASSERT(!n->fetch_in_flight);
    sim_engine_cancel(c->engine, &n->fetch_timer);
    n->fetch_timer = raft__schedule(c, n, RAFT_TIMER_FETCH_SEND, 0, delay_us);
    n->fetch_timer_kind = RAFT_TIMER_FETCH_SEND;
}

/* Followers fetch from their leader; an observer without a leader asks the voters in
 * turn, since any voter's answer names the current leader and epoch (KIP-595). */
static void send_fetch(raft_cluster *c, raft_node *n)
{
    SIM_ASSERT(fetching_role(n));
    SIM_ASSERT(!n->fetch_in_flight);
    raft_node *target;
    if (n->role == RAFT_ROLE_FOLLOWER) {
        target = leader_node(c, n);
    } else {
        const uint32_t v = n->discover_cursor++ % c->voter_count;
        target = raft__node_at(c, c->voter_index[v]);
    }
    SIM_ASSERT(target != n);
    raft_fetch_req req;
    memset(&req, 0, sizeof req);
    req.epoch = n->raft_epoch;
    req.replica_id = n->node_id;
    req.last_fetched_epoch = raft_last_epoch(n);
    req.request_id = ++n->fetch_request_id;
    req.fetch_offset = n->leo;
    req.max_wait_us = c->cfg.fetch_max_wait_us;
    raft__send(c, n, target, NET_MSG_FETCH_REQ, &req, sizeof req);
    n->fetch_in_flight = true;
    /* controller.quorum.request.timeout.ms: give up on an unanswered Fetch. */
    sim_engine_cancel(c->engine, &n->fetch_timer);
    n->fetch_timer = raft__schedule(c, n, RAFT_TIMER_FETCH_REQUEST, 0, c->cfg.request_timeout_us);
    n->fetch_timer_kind = RAFT_TIMER_FETCH_REQUEST;
}

/* After a failed Fetch: try again after controller.quorum.retry.backoff.ms. */
static void retry_fetch_later(raft_cluster *c, raft_node *n)
{
    SIM_ASSERT(n->alive);
    if (!fetching_role(n) || n->fetch_in_flight) return;
    if (sim_engine_pending(c->engine, n->fetch_timer)) return;
    schedule_fetch(c, n, c->cfg.retry_backoff_us);
    SIM_ASSERT(sim_engine_pending(c->engine, n->fetch_timer));
}

/* KIP-595 truncation on DivergingEpoch (KafkaMetadataLog.truncateToEndOffset): cut the
 * log at the end of the diverging epoch as both logs know it. */
static void truncate_diverging(raft_cluster *c, raft_node *n, int32_t epoch, int64_t end)
{
    SIM_ASSERT(epoch >= 0 && end >= 0);
    int64_t offset;
    if (epoch == 0) {
        offset = end < n->leo ? end : n->leo;
    } else {
        int32_t local_epoch;
        int64_t local_end;
        raft__end_offset_for_epoch(n, epoch, &local_epoch, &local_end);
        const int64_t cap = local_epoch == epoch ? end : n->leo;
        offset = local_end < cap ? local_end : cap;
    }
    SIM_ASSERT(offset <= n->leo);
    raft__log_truncate(c, n, offset);
}

/* ---------------------------------------------------------------------------------
 * Responses shared by every RPC
 * ------------------------------------------------------------------------------- */

/* KIP-595 (KafkaRaftClient.maybeTransition): a request or response naming a higher
 * epoch moves this replica to it; one naming the leader of the current epoch, when
 * none is known here, makes it a follower. */
static void maybe_transition(raft_cluster *c, raft_node *n, int32_t leader_id, int32_t epoch)
{
    SIM_ASSERT(n->alive);
    SIM_ASSERT(epoch >= 0);
    if (epoch > n->raft_epoch) {
        if (leader_id >= 0 && leader_id != n->node_id) {
            become_follower(c, n, epoch, leader_id);
        } else {
            become_unattached(c, n, epoch, -1, remaining_or_random(c, n));
        }
    } else if (epoch == n->raft_epoch && leader_id >= 0 && leader_id != n->node_id &&
               n->leader_id < 0) {
        become_follower(c, n, epoch, leader_id);
    }
    SIM_ASSERT(n->raft_epoch >= epoch);
}

/* KafkaRaftClient.maybeHandleCommonResponse. Returns true when the response was fully
 * handled here (stale, or it changed this replica's epoch or leader). */
static bool handle_common_response(raft_cluster *c, raft_node *n, raft_error error,
                                   int32_t leader_id, int32_t epoch)
{
    SIM_ASSERT(n->alive);
    SIM_ASSERT(epoch >= 0 && leader_id >= -1);
    if (epoch < n->raft_epoch || error == RAFT_ERROR_UNKNOWN_LEADER_EPOCH) return true;
    if (epoch > n->raft_epoch || error == RAFT_ERROR_FENCED_LEADER_EPOCH ||
        error == RAFT_ERROR_NOT_LEADER_OR_FOLLOWER) {
        maybe_transition(c, n, leader_id, epoch);
        return true;
    }
    if (leader_id >= 0 && leader_id != n->node_id && n->leader_id < 0) {
        become_follower(c, n, epoch, leader_id);
        return true; /* the new follower fetches again (Kafka may use this response) */
    }
    return false;
}

static void handle_fetch_resp(raft_cluster *c, raft_node *n, const raft_node *from,
                              const raft_fetch_resp *resp)
{
    /* Responses are matched to the outstanding request (Kafka's correlation id). */
    if (!n->fetch_in_flight || resp->request_id != n->fetch_request_id) return;
    n->fetch_in_flight = false;
    sim_engine_cancel(c->engine, &n->fetch_timer);
    if (handle_common_response(c, n, (raft_error)resp->error, resp->leader_id, resp->epoch) ||
        resp->error != RAFT_ERROR_NONE || n->role != RAFT_ROLE_FOLLOWER) {
        retry_fetch_later(c, n);
        return;
    }
    SIM_ASSERT(from->node_id == n->leader_id);
    SIM_ASSERT(resp->record_count <= RAFT_FETCH_RECORDS_MAX);
    /* KIP-595 / KIP-996: a successful fetch resets the fetch timeout and marks that this
     * follower has heard from its leader (it now refuses pre-votes). */
    n->has_fetched_from_leader = true;
    raft__set_state_timer(c, n, RAFT_TIMER_FETCH, c->cfg.fetch_timeout_us);
    if (resp->diverging_epoch >= 0) {
        truncate_diverging(c, n, resp->diverging_epoch, resp->diverging_end_offset);
    } else {
        for (uint32_t i = 0; i < resp->record_count; i++) {
            SIM_ASSERT(resp->records[i].offset == n->leo); /* one Fetch in flight */
            raft__log_append(c, n, &resp->records[i]);
        }
        /* KIP-595: follower HW = min(leader HW, own LEO); it never decreases. */
        if (resp->hw >= 0) {
            const int64_t hw = resp->hw < n->leo ? resp->hw : n->leo;
            if (hw > n->hw) raft__set_hw(c, n, hw);
        }
    }
    if (n->alive && n->role == RAFT_ROLE_FOLLOWER && !n->fetch_in_flight) send_fetch(c, n);
}

/* ---------------------------------------------------------------------------------
 * Elections
 * ------------------------------------------------------------------------------- */

static void send_vote_requests(raft_cluster *c, raft_node *n, bool pre_vote)
{
    SIM_ASSERT(n->voter);
    raft_vote_req req;
    memset(&req, 0, sizeof req);
    req.epoch = n->raft_epoch;
    req.candidate_id = n->node_id;
    req.last_epoch = raft_last_epoch(n);
    req.last_offset = n->leo;
    req.pre_vote = pre_vote;
    /* KIP-595 request validity: a candidate's last epoch is below its new epoch; KIP-996:
     * a prospective's is at most its current epoch. */
    SIM_ASSERT(pre_vote ? req.last_epoch <= req.epoch : req.last_epoch < req.epoch);
    for (uint32_t v = 0; v < c->voter_count; v++) {
        const uint32_t idx = c->voter_index[v];
        if (idx != n->index)
            raft__send(c, n, raft__node_at(c, idx), NET_MSG_VOTE_REQ, &req, sizeof req);
    }
}

/* KafkaRaftClient.binaryExponentialElectionBackoffMs: wait
 * min(RETRY_BACKOFF_BASE_MS * rnd(2 << min(20, retries - 1)), election.backoff.max.ms).
 * Kafka 4.0 backs off only a candidate rejected by a majority (maybeHandleElectionLoss);
 * without pre-vote (before 4.0) also one whose election timed out (pollCandidate). */
static void start_backoff(raft_cluster *c, raft_node *n)
{
    SIM_ASSERT(n->role == RAFT_ROLE_CANDIDATE && !n->backing_off);
    SIM_ASSERT(n->retries >= 1);
    /* CandidateState.startBackingOff leaves the election timer running. */
    const sim_time due = sim_engine_due(c->engine, n->state_timer);
    n->election_due = due != SIM_TIME_NEVER ? due : c->engine->now;
    const uint32_t shift = n->retries - 1u < 20u ? n->retries - 1u : 20u;
    const uint64_t draw = sim_rng_below(&n->rng, (uint64_t)2u << shift);
    sim_time backoff = RAFT_ELECTION_BACKOFF_BASE_US * draw;
    if (backoff > c->cfg.election_backoff_max_us) backoff = c->cfg.election_backoff_max_us;
    n->backing_off = true;
    SIM_TRACE(&c->engine->trace, SIM_EV_RAFT_BACKOFF, n->node_id, (int64_t)n->raft_epoch,
              (int64_t)backoff, (int64_t)n->retries);
    raft__set_state_timer(c, n, RAFT_TIMER_BACKOFF, backoff);
}

/* KIP-996 (KafkaRaftClient.prospectiveTransitionAfterElectionLoss): a prospective
 * rejected by a majority (maybeHandleElectionLoss) or whose election timed out
 * (pollProspective) goes back to following the leader it knew, or to Unattached in the
 * same epoch, keeping its vote. No backoff. */
static void prospective_lost(raft_cluster *c, raft_node *n, bool rejected)
{
    SIM_ASSERT(n->role == RAFT_ROLE_PROSPECTIVE);
    SIM_ASSERT(n->voter && c->cfg.pre_vote);
    if (n->leader_id >= 0 && n->leader_id != n->node_id) {
        become_follower(c, n, n->raft_epoch, n->leader_id);
    } else {
        /* QuorumState.transitionToUnattached: a timed-out prospective keeps its (spent)
         * election timer; a rejected one draws a new one. */
        const sim_time timeout = rejected ? raft__random_election_timeout(c, n) : 0;
        become_unattached(c, n, n->raft_epoch, n->voted_for, timeout);
    }
}

static void become_leader(raft_cluster *c, raft_node *n);

/* KIP-595 / KIP-996 (KafkaRaftClient.maybeTransitionForward, maybeHandleElectionLoss): a
 * majority of (pre-)votes wins; once the majority is out of reach a prospective gives up
 * and a candidate backs off at once. */
static void check_election(raft_cluster *c, raft_node *n)
{
    SIM_ASSERT(n->voter);
    SIM_ASSERT((n->votes_granted >> n->index) & 1u); /* a nominee votes for itself */
    const uint32_t granted = raft__granted_count(c, n);
    if (n->role == RAFT_ROLE_PROSPECTIVE) {
        if (granted >= raft__majority(c)) {
            become_candidate(c, n);
        } else if (raft__vote_lost(c, n)) {
            prospective_lost(c, n, true);
        }
    } else if (n->role == RAFT_ROLE_CANDIDATE) {
        if (granted >= raft__majority(c)) {
            become_leader(c, n);
        } else if (raft__vote_lost(c, n) && !n->backing_off && !n->shutting_down) {
            start_backoff(c, n);
        }
    }
}

static void start_election(raft_cluster *c, raft_node *n)
{
    SIM_ASSERT(n->voter && !n->shutting_down);
    if (c->cfg.pre_vote) {
        become_prospective(c, n);
    } else {
        become_candidate(c, n);
    }
}

/* May this replica grant (pre-)vote `pre_vote` to `candidate_id` in its current epoch?
 * (QuorumState.canGrantVote per state, KIP-595 and KIP-996.) */
static bool can_grant(const raft_cluster *c, const raft_node *n, int32_t candidate_id,
                      bool up_to_date, bool pre_vote)
{
    if (pre_vote) {
        switch (n->role) {
        case RAFT_ROLE_UNATTACHED:
        case RAFT_ROLE_PROSPECTIVE:
        case RAFT_ROLE_CANDIDATE:
        case RAFT_ROLE_RESIGNED:
            return up_to_date;
        case RAFT_ROLE_FOLLOWER:
            return up_to_date && !n->has_fetched_from_leader;
        case RAFT_ROLE_LEADER:
            return false;
        case RAFT_ROLE_COUNT:
        default:
            SIM_UNREACHABLE();
        }
    }
    switch (n->role) {
    case RAFT_ROLE_UNATTACHED:
    case RAFT_ROLE_PROSPECTIVE:
        if (n->voted_for == candidate_id) return true;
        /* raft_bugs.vote_twice: forget that a vote was already given in this epoch. */
        if (n->voted_for >= 0) return c->bugs.vote_twice && up_to_date;
        if (n->leader_id >= 0) return false; /* a leader is known in this epoch */
        return up_to_date;
    case RAFT_ROLE_CANDIDATE:
    case RAFT_ROLE_LEADER:
    case RAFT_ROLE_FOLLOWER:
    case RAFT_ROLE_RESIGNED:
        return false; /* KIP-595: they have voted or know a leader */
    case RAFT_ROLE_COUNT:
    default:
        SIM_UNREACHABLE();
    }
}

static void handle_vote_req(raft_cluster *c, raft_node *n, const raft_node *from,
                            const raft_vote_req *req)
{
    SIM_ASSERT(req->candidate_id == from->node_id);
    SIM_ASSERT(req->pre_vote ? req->last_epoch <= req->epoch : req->last_epoch < req->epoch);
    raft_vote_resp resp;
    memset(&resp, 0, sizeof resp);
    resp.pre_vote = req->pre_vote;
    bool granted = false;
    if (!n->voter) {
        resp.error = RAFT_ERROR_INCONSISTENT_VOTER_SET; /* observers never vote */
    } else if (req->epoch < n->raft_epoch) {
        resp.error = RAFT_ERROR_FENCED_LEADER_EPOCH;
    } else {
        /* KIP-595 (KafkaRaftClient.handleVoteRequest): a Vote from a higher epoch moves
         * us there first, as Unattached. So does a pre-vote (KAFKA-17641, Kafka 4.0): the
         * receiver then answers in the asker's epoch. A pre-vote in our epoch or below
         * changes no state. */
        if (req->epoch > n->raft_epoch)
            become_unattached(c, n, req->epoch, -1, remaining_or_random(c, n));
        const bool up_to_date = raft__log_up_to_date(n, req->last_epoch, req->last_offset);
        granted = can_grant(c, n, req->candidate_id, up_to_date, req->pre_vote);
        if (granted && !req->pre_vote && n->voted_for != req->candidate_id) {
            SIM_ASSERT(req->epoch == n->raft_epoch);
            /* KIP-595: the vote is persisted before it is granted; granting resets the
             * election timer (QuorumState.unattachedAddVotedState). */
            raft__set_epoch(c, n, n->raft_epoch, req->candidate_id, n->leader_id);
            raft__set_state_timer(c, n, RAFT_TIMER_ELECTION, raft__random_election_timeout(c, n));
        }
    }
    SIM_TRACE(&c->engine->trace, SIM_EV_RAFT_VOTE, n->node_id, (int64_t)req->epoch,
              (int64_t)req->candidate_id, (int64_t)granted, (int64_t)req->pre_vote);
    resp.epoch = n->raft_epoch;
    resp.leader_id = n->leader_id;
    resp.granted = granted;
    raft__send(c, n, from, NET_MSG_VOTE_RESP, &resp, sizeof resp);
}

static void handle_vote_resp(raft_cluster *c, raft_node *n, const raft_node *from,
                             const raft_vote_resp *resp)
{
    if (handle_common_response(c, n, (raft_error)resp->error, resp->leader_id, resp->epoch)) return;
    if (resp->error != RAFT_ERROR_NONE) return;
    const raft_role wanted = resp->pre_vote ? RAFT_ROLE_PROSPECTIVE : RAFT_ROLE_CANDIDATE;
    if (n->role != wanted) return; /* a late answer to an election already decided */
    SIM_ASSERT(resp->epoch == n->raft_epoch);
    SIM_ASSERT(from->voter);
    raft__count_vote(c, n, from->index, resp->granted != 0);
    check_election(c, n);
}

/* ---------------------------------------------------------------------------------
 * BeginQuorumEpoch and EndQuorumEpoch
 * ------------------------------------------------------------------------------- */

/* KIP-595: the leader announces itself to every voter, at election and then every
 * fetch.timeout / 2 (KafkaRaftClient.maybeSendBeginQuorumEpochRequests). */
static void send_begin_epoch(raft_cluster *c, raft_node *leader)
{
    SIM_ASSERT(leader->role == RAFT_ROLE_LEADER);
    raft_begin_epoch_req req;
    memset(&req, 0, sizeof req);
    req.epoch = leader->raft_epoch;
    req.leader_id = leader->node_id;
    for (uint32_t v = 0; v < c->voter_count; v++) {
        const uint32_t idx = c->voter_index[v];
        if (idx != leader->index)
            raft__send(c, leader, raft__node_at(c, idx), NET_MSG_BEGIN_EPOCH_REQ, &req, sizeof req);
    }
    leader->begin_epoch_timer =
        raft__schedule(c, leader, RAFT_TIMER_BEGIN_EPOCH, 0, c->cfg.fetch_timeout_us / 2u);
}

static void send_epoch_resp(raft_cluster *c, raft_node *n, const raft_node *to, net_msg_kind kind,
                            raft_error error)
{
    raft_epoch_resp resp;
    memset(&resp, 0, sizeof resp);
    resp.epoch = n->raft_epoch;
    resp.leader_id = n->leader_id;
    resp.error = (int32_t)error;
    raft__send(c, n, to, kind, &resp, sizeof resp);
}

static void handle_begin_epoch_req(raft_cluster *c, raft_node *n, const raft_node *from,
                                   const raft_begin_epoch_req *req)
{
    SIM_ASSERT(req->leader_id == from->node_id);
    raft_error error = RAFT_ERROR_NONE;
    if (!n->voter) {
        error = RAFT_ERROR_INCONSISTENT_VOTER_SET;
    } else if (req->epoch < n->raft_epoch) {
        error = RAFT_ERROR_FENCED_LEADER_EPOCH; /* KafkaRaftClient.validateVoterOnlyRequest */
    } else {
        maybe_transition(c, n, req->leader_id, req->epoch);
    }
    send_epoch_resp(c, n, from, NET_MSG_BEGIN_EPOCH_RESP, error);
}

/* KIP-595 successor ordering: the voters other than the leader, most up to date first
 * (LeaderState.nonLeaderVotersByDescendingFetchOffset; ties by node index). */
static void order_successors(raft_cluster *c, raft_node *leader)
{
    leader->successor_count = 0;
    for (uint32_t v = 0; v < c->voter_count; v++) {
        const uint32_t idx = c->voter_index[v];
        if (idx == leader->index) continue;
        const int64_t end = leader->peers[idx].end_offset;
        uint32_t j = leader->successor_count++;
        while (j > 0) {
            const raft_node *prev = raft_node_by_id(c, leader->successors[j - 1]);
            if (leader->peers[prev->index].end_offset >= end) break;
            leader->successors[j] = leader->successors[j - 1];
            j--;
        }
        leader->successors[j] = raft__node_at(c, idx)->node_id;
    }
    SIM_ASSERT(leader->successor_count + 1u == c->voter_count);
}

/* KIP-595: a resigned leader tells the voters that have not acknowledged yet. */
static void send_end_epoch(raft_cluster *c, raft_node *n)
{
    SIM_ASSERT(n->role == RAFT_ROLE_RESIGNED);
    raft_end_epoch_req req;
    memset(&req, 0, sizeof req);
    req.epoch = n->raft_epoch;
    req.leader_id = n->node_id;
    req.successor_count = n->successor_count;
    memcpy(req.successors, n->successors, sizeof req.successors);
    bool pending = false;
    for (uint32_t v = 0; v < c->voter_count; v++) {
        const uint32_t idx = c->voter_index[v];
        if (idx == n->index || (n->end_epoch_acked & bit_of(idx))) continue;
        raft__send(c, n, raft__node_at(c, idx), NET_MSG_END_EPOCH_REQ, &req, sizeof req);
        pending = true;
    }
    sim_engine_cancel(c->engine, &n->end_epoch_timer);
    if (pending) {
        n->end_epoch_timer =
            raft__schedule(c, n, RAFT_TIMER_END_EPOCH, 0, c->cfg.request_timeout_us);
    }
}

/* KafkaRaftClient.strictExponentialElectionBackoffMs. */
static sim_time successor_backoff(const raft_cluster *c, int32_t position, uint32_t count)
{
    const sim_time max = c->cfg.election_backoff_max_us;
    if (position <= 0) return 0; /* endEpochElectionBackoff: first (or unlisted): now */
    if ((uint32_t)position >= count) return max;
    const sim_time base = max >> (count - 1u);
    const sim_time backoff = base << (position - 1);
    return backoff < max ? backoff : max;
}

static void handle_end_epoch_req(raft_cluster *c, raft_node *n, const raft_node *from,
                                 const raft_end_epoch_req *req)
{
    SIM_ASSERT(req->leader_id == from->node_id);
    SIM_ASSERT(req->successor_count < SIM_VOTERS_MAX);
    raft_error error = RAFT_ERROR_NONE;
    if (!n->voter) {
        error = RAFT_ERROR_INCONSISTENT_VOTER_SET;
    } else if (req->epoch < n->raft_epoch) {
        error = RAFT_ERROR_FENCED_LEADER_EPOCH;
    } else {
        maybe_transition(c, n, req->leader_id, req->epoch);
        if (n->role == RAFT_ROLE_FOLLOWER && n->leader_id == req->leader_id) {
            /* KIP-595: the preferred successors shorten their fetch timeout by rank. */
            int32_t position = -1;
            for (uint32_t i = 0; i < req->successor_count; i++)
                if (req->successors[i] == n->node_id) position = (int32_t)i;
            const sim_time backoff = successor_backoff(c, position, req->successor_count);
            SIM_TRACE(&c->engine->trace, SIM_EV_RAFT_END_EPOCH_BACKOFF, n->node_id,
                      (int64_t)n->raft_epoch, (int64_t)req->leader_id, (int64_t)position,
                      (int64_t)backoff);
            raft__set_state_timer(c, n, RAFT_TIMER_FETCH, backoff);
        }
    }
    send_epoch_resp(c, n, from, NET_MSG_END_EPOCH_RESP, error);
}

static void handle_epoch_resp(raft_cluster *c, raft_node *n, const raft_node *from,
                              net_msg_kind kind, const raft_epoch_resp *resp)
{
    SIM_ASSERT(kind == NET_MSG_BEGIN_EPOCH_RESP || kind == NET_MSG_END_EPOCH_RESP);
    SIM_ASSERT(from->voter);
    if (handle_common_response(c, n, (raft_error)resp->error, resp->leader_id, resp->epoch)) return;
    if (resp->error != RAFT_ERROR_NONE) return;
    if (kind == NET_MSG_END_EPOCH_RESP && n->role == RAFT_ROLE_RESIGNED)
        n->end_epoch_acked |= bit_of(from->index);
}

/* ---------------------------------------------------------------------------------
 * State transitions (QuorumState)
 * ------------------------------------------------------------------------------- */

static void become_unattached(raft_cluster *c, raft_node *n, int32_t epoch, int32_t voted_for,
                              sim_time timeout_us)
{
    SIM_ASSERT(epoch >= n->raft_epoch);
    if (epoch == n->raft_epoch && n->voted_for >= 0) SIM_ASSERT(voted_for == n->voted_for);
    leave_role(c, n, RAFT_RESIGN_HIGHER_EPOCH);
    raft__set_epoch(c, n, epoch, voted_for, -1);
    n->role = RAFT_ROLE_UNATTACHED;
    raft__trace_become(c, n);
    if (n->voter) {
        if (!n->shutting_down) raft__set_state_timer(c, n, RAFT_TIMER_ELECTION, timeout_us);
    } else {
        send_fetch(c, n); /* an observer looks for the leader */
    }
    flush_parked(c, n);
}

static void become_follower(raft_cluster *c, raft_node *n, int32_t epoch, int32_t leader_id)
{
    SIM_ASSERT(epoch >= n->raft_epoch);
    SIM_ASSERT(leader_id >= 0 && leader_id != n->node_id);
    /* KIP-595: moving to a new epoch forgets the vote; the same epoch keeps it. */
    const int32_t voted_for = epoch == n->raft_epoch ? n->voted_for : -1;
    leave_role(c, n, RAFT_RESIGN_HIGHER_EPOCH);
    raft__set_epoch(c, n, epoch, voted_for, leader_id);
    n->role = RAFT_ROLE_FOLLOWER;
    raft__trace_become(c, n);
    /* KIP-595: controller.quorum.fetch.timeout.ms without a successful fetch. */
    raft__set_state_timer(c, n, RAFT_TIMER_FETCH, c->cfg.fetch_timeout_us);
    send_fetch(c, n);
    flush_parked(c, n);
}

static void become_prospective(raft_cluster *c, raft_node *n)
{
    SIM_ASSERT(n->voter && c->cfg.pre_vote);
    SIM_ASSERT(n->role != RAFT_ROLE_LEADER && n->role != RAFT_ROLE_PROSPECTIVE);
    /* QuorumState.transitionToProspective: a candidate that lost keeps counting its
     * retries (ProspectiveState carries them to the next CandidateState). */
    n->retries = n->role == RAFT_ROLE_CANDIDATE ? n->retries + 1u : 1u;
    leave_role(c, n, RAFT_RESIGN_HIGHER_EPOCH);
    n->role = RAFT_ROLE_PROSPECTIVE; /* KIP-996: same epoch, vote and known leader */
    raft__trace_become(c, n);
    n->votes_granted = bit_of(n->index);
    raft__set_state_timer(c, n, RAFT_TIMER_ELECTION, raft__random_election_timeout(c, n));
    flush_parked(c, n);
    send_vote_requests(c, n, true);
    check_election(c, n); /* a single voter wins at once */
}

static void become_candidate(raft_cluster *c, raft_node *n)
{
    SIM_ASSERT(n->voter);
    SIM_ASSERT(!c->cfg.pre_vote || n->role == RAFT_ROLE_PROSPECTIVE);
    if (n->role == RAFT_ROLE_CANDIDATE) {
        n->retries++; /* KIP-595 without pre-vote: back off, then try the next epoch */
    } else if (n->role != RAFT_ROLE_PROSPECTIVE) {
        n->retries = 1;
    }
    leave_role(c, n, RAFT_RESIGN_HIGHER_EPOCH);
    /* KIP-595: bump the epoch and vote for ourselves, durably, before asking. */
    raft__set_epoch(c, n, n->raft_epoch + 1, n->node_id, -1);
    n->role = RAFT_ROLE_CANDIDATE;
    raft__trace_become(c, n);
    n->votes_granted = bit_of(n->index);
    raft__set_state_timer(c, n, RAFT_TIMER_ELECTION, raft__random_election_timeout(c, n));
    flush_parked(c, n);
    send_vote_requests(c, n, false);
    check_election(c, n);
}

static void become_leader(raft_cluster *c, raft_node *n)
{
    SIM_ASSERT(n->role == RAFT_ROLE_CANDIDATE);
    SIM_ASSERT(raft__granted_count(c, n) >= raft__majority(c));
    const uint32_t granted = raft__count_bits(n->votes_granted);
    leave_role(c, n, RAFT_RESIGN_HIGHER_EPOCH);
    raft__set_epoch(c, n, n->raft_epoch, n->voted_for, n->node_id);
    n->role = RAFT_ROLE_LEADER;
    n->retries = 0;
    c->elections++;
    raft__trace_become(c, n);
    n->epoch_start_offset = n->leo;
    n->check_quorum_fetched = 0;
    raft__reset_peers(c, n);
    if (c->voter_count > 1) { /* KAFKA-15489: a single voter never resigns */
        raft__set_state_timer(c, n, RAFT_TIMER_CHECK_QUORUM, check_quorum_timeout(c));
    }
    send_begin_epoch(c, n);
    if (c->cfg.idle_interval_us > 0)
        n->idle_timer = raft__schedule(c, n, RAFT_TIMER_IDLE, 0, c->cfg.idle_interval_us);
    /* KIP-595 onBecomeLeader: a LeaderChange control record opens the epoch, so the HW
     * can advance without waiting for client data. (raft_bugs.hw_ignores_epoch_start
     * leaves it out too: the leader commits older records by counting alone.) */
    if (c->bugs.hw_ignores_epoch_start) return;
    if (n->leo < (int64_t)c->cfg.log_capacity) {
        const raft_record rec = {.offset = n->leo,
                                 .epoch = n->raft_epoch,
                                 .type = RAFT_RECORD_LEADER_CHANGE,
                                 .a = n->node_id,
                                 .b = (int32_t)granted};
        raft__log_append(c, n, &rec);
        raft__kraft_on_append(c, n);
    } else {
        c->noop_dropped++;
    }
}

static void become_resigned(raft_cluster *c, raft_node *n, raft_resign_reason reason)
{
    SIM_ASSERT(n->voter);
    SIM_ASSERT(reason == RAFT_RESIGN_RESTART ? n->leader_id == n->node_id
                                             : n->role == RAFT_ROLE_LEADER);
    if (reason != RAFT_RESIGN_RESTART) {
        order_successors(c, n);
    } else {
        n->successor_count = 0; /* restarted: it knows nobody's progress */
    }
    leave_role(c, n, reason);
    n->role = RAFT_ROLE_RESIGNED; /* leader_id stays this node: the epoch was ours */
    raft__trace_become(c, n);
    n->end_epoch_acked = 0;
    if (!n->shutting_down)
        raft__set_state_timer(c, n, RAFT_TIMER_ELECTION, raft__random_election_timeout(c, n));
    flush_parked(c, n);
    send_end_epoch(c, n);
}

/* ---------------------------------------------------------------------------------
 * Timers
 * ------------------------------------------------------------------------------- */

void raft__kraft_state_timeout(raft_cluster *c, raft_node *n, raft_timer_kind kind)
{
    SIM_ASSERT(n->alive);
    SIM_ASSERT(kind <= RAFT_TIMER_BACKOFF);
    SIM_TRACE(&c->engine->trace, SIM_EV_RAFT_TIMEOUT, n->node_id, (int64_t)n->raft_epoch,
              (int64_t)kind);
    switch (n->role) {
    case RAFT_ROLE_UNATTACHED:
        SIM_ASSERT(n->voter);
        if (!n->shutting_down) start_election(c, n); /* KIP-595 election timeout */
        return;
    case RAFT_ROLE_FOLLOWER:
        if (!n->voter) {
            become_unattached(c, n, n->raft_epoch, n->voted_for, 0); /* rediscover */
        } else if (!n->shutting_down) {
            start_election(c, n); /* KIP-595 fetch timeout */
        }
        return;
    case RAFT_ROLE_PROSPECTIVE:
        prospective_lost(c, n, false);
        return; /* KIP-996 */
    case RAFT_ROLE_CANDIDATE:
        if (n->backing_off) {
            SIM_ASSERT(kind == RAFT_TIMER_BACKOFF);
            if (c->cfg.pre_vote) {
                /* KafkaRaftClient.pollCandidate (4.0): backoff complete -> Prospective. */
                become_prospective(c, n);
            } else {
                become_candidate(c, n); /* pre-4.0 pollCandidate: the next epoch */
            }
        } else if (n->shutting_down) {
            /* pollCandidate: a shutting-down candidate keeps its election going. */
        } else if (c->cfg.pre_vote) {
            /* KafkaRaftClient.pollCandidate (4.0): the election timed out; straight back
             * to Prospective, no backoff. */
            become_prospective(c, n);
        } else {
            start_backoff(c, n); /* pre-4.0 pollCandidate: time out, back off, retry */
        }
        return;
    case RAFT_ROLE_RESIGNED:
        if (n->shutting_down) return;
        if (c->cfg.pre_vote) {
            /* KIP-996 (QuorumState): Resigned -> Unattached in the next epoch, whose
             * election timer has already run out. */
            become_unattached(c, n, n->raft_epoch + 1, -1, 0);
        } else {
            become_candidate(c, n); /* KIP-595 pollResigned */
        }
        return;
    case RAFT_ROLE_LEADER:
        SIM_ASSERT(kind == RAFT_TIMER_CHECK_QUORUM);
        become_resigned(c, n, RAFT_RESIGN_CHECK_QUORUM); /* KAFKA-15489 */
        return;
    case RAFT_ROLE_COUNT:
    default:
        SIM_UNREACHABLE();
    }
}

void raft__kraft_timer(raft_cluster *c, raft_node *n, raft_timer_kind kind, uint32_t peer)
{
    SIM_ASSERT(n->alive);
    switch (kind) {
    case RAFT_TIMER_FETCH_SEND:
        SIM_ASSERT(fetching_role(n) && !n->fetch_in_flight);
        send_fetch(c, n);
        return;
    case RAFT_TIMER_FETCH_REQUEST:
        SIM_ASSERT(fetching_role(n) && n->fetch_in_flight);
        n->fetch_in_flight = false; /* request.timeout.ms passed: back off and retry */
        retry_fetch_later(c, n);
        return;
    case RAFT_TIMER_BEGIN_EPOCH:
        SIM_ASSERT(n->role == RAFT_ROLE_LEADER);
        send_begin_epoch(c, n);
        return;
    case RAFT_TIMER_IDLE: {
        SIM_ASSERT(n->role == RAFT_ROLE_LEADER);
        /* QuorumController: a NoOpRecord every metadata.max.idle.interval.ms. */
        n->idle_timer = raft__schedule(c, n, RAFT_TIMER_IDLE, 0, c->cfg.idle_interval_us);
        const sim_err err = raft_propose(c, n, RAFT_RECORD_NO_OP, 0, 0, 0, NULL);
        if (err == SIM_ELIMIT) c->noop_dropped++;
        return;
    }
    case RAFT_TIMER_END_EPOCH:
        SIM_ASSERT(n->role == RAFT_ROLE_RESIGNED);
        send_end_epoch(c, n);
        return;
    case RAFT_TIMER_LONG_POLL:
        SIM_ASSERT(n->role == RAFT_ROLE_LEADER);
        expire_parked(c, n, peer);
        return;
    case RAFT_TIMER_ELECTION:
    case RAFT_TIMER_FETCH:
    case RAFT_TIMER_CHECK_QUORUM:
    case RAFT_TIMER_BACKOFF:
    case RAFT_TIMER_HEARTBEAT:
    case RAFT_TIMER_KIND_COUNT:
    default:
        SIM_UNREACHABLE();
    }
}

/* ---------------------------------------------------------------------------------
 * Entry points from raft.c
 * ------------------------------------------------------------------------------- */

void raft__kraft_start(raft_cluster *c, raft_node *n)
{
    SIM_ASSERT(n->alive && n->raft_epoch == 0);
    SIM_ASSERT(n->role == RAFT_ROLE_UNATTACHED);
    become_unattached(c, n, 0, -1, raft__random_election_timeout(c, n));
}

void raft__kraft_restart(raft_cluster *c, raft_node *n)
{
    SIM_ASSERT(n->alive && n->role == RAFT_ROLE_UNATTACHED);
    SIM_ASSERT(n->hw == 0);
    if (n->voter && n->leader_id == n->node_id) {
        /* KIP-595 (QuorumState.initialize): a former leader restarts Resigned in its
         * epoch, so it cannot vote again in it, and tells the voters. */
        become_resigned(c, n, RAFT_RESIGN_RESTART);
    } else if (n->leader_id >= 0 && n->leader_id != n->node_id) {
        become_follower(c, n, n->raft_epoch, n->leader_id);
    } else {
        become_unattached(c, n, n->raft_epoch, n->voted_for, raft__random_election_timeout(c, n));
    }
}

void raft__kraft_on_append(raft_cluster *c, raft_node *leader)
{
    SIM_ASSERT(leader->role == RAFT_ROLE_LEADER);
    SIM_ASSERT(leader->leo > leader->epoch_start_offset);
    leader_update_hw(c, leader); /* a single voter commits alone */
    complete_parked(c, leader);
}

void raft__kraft_shutdown(raft_cluster *c, raft_node *n)
{
    SIM_ASSERT(n->shutting_down);
    if (n->role == RAFT_ROLE_LEADER) {
        become_resigned(c, n, RAFT_RESIGN_SHUTDOWN); /* KIP-595 graceful resignation */
    } else if (n->role == RAFT_ROLE_UNATTACHED || n->role == RAFT_ROLE_RESIGNED) {
        sim_engine_cancel(c->engine, &n->state_timer); /* no election from now on */
    }
}

void raft__kraft_recv(raft_cluster *c, raft_node *n, const net_msg *msg)
{
    SIM_ASSERT(c->cfg.variant == RAFT_VARIANT_KRAFT && n->alive);
    raft_node *from = raft__sender(c, msg);
    switch (msg->kind) {
    case NET_MSG_VOTE_REQ: {
        RAFT_BODY(raft_vote_req, req);
        handle_vote_req(c, n, from, &req);
        return;
    }
    case NET_MSG_VOTE_RESP: {
        RAFT_BODY(raft_vote_resp, resp);
        handle_vote_resp(c, n, from, &resp);
        return;
    }
    case NET_MSG_BEGIN_EPOCH_REQ: {
        RAFT_BODY(raft_begin_epoch_req, req);
        handle_begin_epoch_req(c, n, from, &req);
        return;
    }
    case NET_MSG_END_EPOCH_REQ: {
        RAFT_BODY(raft_end_epoch_req, req);
        handle_end_epoch_req(c, n, from, &req);
        return;
    }
    case NET_MSG_BEGIN_EPOCH_RESP:
    case NET_MSG_END_EPOCH_RESP: {
        RAFT_BODY(raft_epoch_resp, resp);
        handle_epoch_resp(c, n, from, msg->kind, &resp);
        return;
    }
    case NET_MSG_FETCH_REQ: {
        RAFT_BODY(raft_fetch_req, req);
        handle_fetch_req(c, n, from, &req);
        return;
    }
    case NET_MSG_FETCH_RESP: {
        RAFT_BODY(raft_fetch_resp, resp);
        handle_fetch_resp(c, n, from, &resp);
        return;
    }
    default:
        SIM_UNREACHABLE(); /* a CLASSIC message in a KRaft cluster */
    }
}
