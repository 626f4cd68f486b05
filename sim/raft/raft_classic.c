/*
 * raft_classic.c — textbook Raft (Ongaro & Ousterhout, "In Search of an Understandable
 *   Consensus Algorithm", 2014), for comparison with KRaft on the same faults.
 *
 * Role: the protocol of variant RAFT_VARIANT_CLASSIC. raft.c routes messages and
 *   timers here; the log and the commit index (our HW) come from raft_log.c.
 * Model (each rule is cited again where it is implemented):
 *   - §5.1: terms (our raft_epoch); any RPC with a higher term makes the receiver adopt
 *     it and become a follower.
 *   - §5.2: a follower that hears neither AppendEntries from the current leader nor
 *     grants a vote for an election timeout, drawn uniformly from [min, max], becomes a
 *     candidate: term + 1, votes for itself, sends RequestVote; a majority makes it
 *     leader; a timeout starts a new election. The leader sends AppendEntries (with or
 *     without entries) every heartbeat interval.
 *   - §5.3: AppendEntries carries the previous entry's (index, term); a follower rejects
 *     a mismatch, deletes a conflicting entry and all that follow, appends new entries,
 *     and sets commitIndex = min(leaderCommit, index of last new entry). The leader
 *     backs nextIndex up on a rejection (to the follower's log end at most, the §5.3
 *     optimisation).
 *   - §5.4.1: a vote goes only to a candidate whose log is at least as up to date
 *     (last term, then length); one vote per term.
 *   - §5.4.2: the leader commits only an entry of its own term by counting replicas;
 *     earlier entries commit with it.
 *   - §8: a new leader appends a blank no-op entry at the start of its term.
 *   - No pre-vote and no check quorum (Raft dissertation §9.6 and §6.2 add them): a
 *     partitioned leader keeps believing it leads, in its old term, until it hears a
 *     higher one. Its entries never commit and are later overwritten.
 * Owns / borrows: the node state of raft.h; `peers[i].next_offset` is nextIndex and
 *   `peers[i].end_offset` is matchIndex + 1.
 * Invariants: next_offset in [match end, leader LEO]; only voters vote or lead.
 * Determinism: see raft.h. Requests go out in node index order.
 * Not modelled: log compaction and InstallSnapshot (§7), membership changes (§6), client
 *   interaction (§8 beyond the no-op), pipelining (one batch of at most
 *   RAFT_FETCH_RECORDS_MAX entries per AppendEntries, re-sent every heartbeat until
 *   acknowledged). Observers (voter = false) are non-voting members that receive
 *   AppendEntries and never start elections.
 */
#include "raft_internal.h"
#include "../core/sim_assert.h"

#include <string.h>

static uint64_t bit_of(uint32_t index)
{
    SIM_ASSERT(index < SIM_NODES_MAX);
    return (uint64_t)1 << index;
}

/* ---------------------------------------------------------------------------------
 * Transitions
 * ------------------------------------------------------------------------------- */

/* §5.1 / §5.2: follow `leader_id` (-1: not known yet) in `term`. */
static void become_follower(raft_cluster *c, raft_node *n, int32_t term, int32_t leader_id)
{
    SIM_ASSERT(term >= n->raft_epoch);
    SIM_ASSERT(leader_id != n->node_id);
    if (n->role == RAFT_ROLE_LEADER) {
        SIM_TRACE(&c->engine->trace, SIM_EV_RAFT_RESIGN, n->node_id, (int64_t)n->raft_epoch,
                  (int64_t)RAFT_RESIGN_HIGHER_EPOCH);
    }
    const int32_t voted_for = term == n->raft_epoch ? n->voted_for : -1;
    raft__cancel_role_timers(c, n);
    n->votes_granted = n->votes_rejected = 0;
    raft__set_epoch(c, n, term, voted_for, leader_id);
    n->role = RAFT_ROLE_FOLLOWER;
    raft__trace_become(c, n);
    if (n->voter && !n->shutting_down) {
        raft__set_state_timer(c, n, RAFT_TIMER_ELECTION, raft__random_election_timeout(c, n));
    }
}

static void send_append(raft_cluster *c, raft_node *leader, uint32_t peer_index)
{
    SIM_ASSERT(leader->role == RAFT_ROLE_LEADER);
    SIM_ASSERT(peer_index != leader->index);
    const raft_peer *p = &leader->peers[peer_index];
    SIM_ASSERT(p->next_offset >= 0 && p->next_offset <= leader->leo);
    raft_append_req req;
    memset(&req, 0, sizeof req);
    req.term = leader->raft_epoch;
    req.leader_id = leader->node_id;
    req.start_offset = p->next_offset;
    req.prev_epoch = p->next_offset > 0 ? leader->log[p->next_offset - 1].epoch : 0;
    req.leader_hw = leader->hw;
    int64_t count = leader->leo - p->next_offset;
    if (count > (int64_t)RAFT_FETCH_RECORDS_MAX) count = RAFT_FETCH_RECORDS_MAX;
    req.record_count = (uint32_t)count;
    if (count > 0) {
        memcpy(req.records, &leader->log[p->next_offset], (size_t)count * sizeof(raft_record));
    }
    raft__send(c, leader, raft__node_at(c, peer_index), NET_MSG_APPEND_REQ, &req, sizeof req);
}

static void send_append_all(raft_cluster *c, raft_node *leader)
{
    for (uint32_t i = 0; i < c->node_count; i++)
        if (i != leader->index) send_append(c, leader, i);
}

/* §5.4.2: commit by counting replicas, but only an entry of the current term. */
static void update_commit(raft_cluster *c, raft_node *leader)
{
    SIM_ASSERT(leader->role == RAFT_ROLE_LEADER);
    const int64_t end = raft__majority_end_offset(c, leader);
    if (end <= leader->hw) return;
    SIM_ASSERT(end >= 1);
    const bool own_term = leader->log[end - 1].epoch == leader->raft_epoch;
    if (!own_term && !c->bugs.hw_ignores_epoch_start) return;
    raft__set_hw(c, leader, end);
}

static void become_leader(raft_cluster *c, raft_node *n)
{
    SIM_ASSERT(n->role == RAFT_ROLE_CANDIDATE && n->voter);
    SIM_ASSERT(raft__granted_count(c, n) >= raft__majority(c));
    raft__cancel_role_timers(c, n);
    n->votes_granted = n->votes_rejected = 0;
    raft__set_epoch(c, n, n->raft_epoch, n->voted_for, n->node_id);
    n->role = RAFT_ROLE_LEADER;
    c->elections++;
    raft__trace_become(c, n);
    n->epoch_start_offset = n->leo;
    raft__reset_peers(c, n); /* §5.3: nextIndex = leader's last index + 1, matchIndex = 0 */
    /* §8: a blank no-op entry at the start of the term, so entries of earlier terms
     * can commit (§5.4.2) without waiting for a client. (raft_bugs.hw_ignores_epoch_start
     * leaves it out: commits then count replicas of older entries, Figure 8.) */
    if (c->bugs.hw_ignores_epoch_start) {
        /* no opening record */
    } else if (n->leo < (int64_t)c->cfg.log_capacity) {
        const raft_record rec = {
            .offset = n->leo, .epoch = n->raft_epoch, .type = RAFT_RECORD_NO_OP, .a = n->node_id};
        raft__log_append(c, n, &rec);
    } else {
        c->noop_dropped++;
    }
    update_commit(c, n); /* a single voter commits alone */
    send_append_all(c, n);
    n->heartbeat_timer = raft__schedule(c, n, RAFT_TIMER_HEARTBEAT, 0, c->cfg.classic_heartbeat_us);
}

static void check_votes(raft_cluster *c, raft_node *n)
{
    SIM_ASSERT(n->role == RAFT_ROLE_CANDIDATE);
    SIM_ASSERT((n->votes_granted >> n->index) & 1u);
    if (raft__granted_count(c, n) >= raft__majority(c)) become_leader(c, n);
}

/* §5.2: start an election. */
static void become_candidate(raft_cluster *c, raft_node *n)
{
    SIM_ASSERT(n->voter && !n->shutting_down);
    SIM_ASSERT(n->role == RAFT_ROLE_FOLLOWER || n->role == RAFT_ROLE_CANDIDATE);
    raft__cancel_role_timers(c, n);
    raft__set_epoch(c, n, n->raft_epoch + 1, n->node_id, -1);
    n->role = RAFT_ROLE_CANDIDATE;
    raft__trace_become(c, n);
    n->votes_granted = bit_of(n->index);
    n->votes_rejected = 0;
    raft__set_state_timer(c, n, RAFT_TIMER_ELECTION, raft__random_election_timeout(c, n));
    raft_request_vote_req req;
    memset(&req, 0, sizeof req);
    req.term = n->raft_epoch;
    req.candidate_id = n->node_id;
    req.last_epoch = raft_last_epoch(n);
    req.last_offset = n->leo;
    for (uint32_t v = 0; v < c->voter_count; v++) {
        const uint32_t idx = c->voter_index[v];
        if (idx != n->index)
            raft__send(c, n, raft__node_at(c, idx), NET_MSG_REQUEST_VOTE_REQ, &req, sizeof req);
    }
    check_votes(c, n);
}

/* ---------------------------------------------------------------------------------
 * RequestVote
 * ------------------------------------------------------------------------------- */

static void handle_request_vote(raft_cluster *c, raft_node *n, const raft_node *from,
                                const raft_request_vote_req *req)
{
    SIM_ASSERT(req->candidate_id == from->node_id);
    SIM_ASSERT(req->last_epoch < req->term);
    /* §5.1: a higher term makes us a follower in it (leader not known yet). */
    if (req->term > n->raft_epoch) become_follower(c, n, req->term, -1);
    bool granted = false;
    if (n->voter && req->term == n->raft_epoch) {
        /* §5.2 one vote per term (raft_bugs.vote_twice lets a follower forget it);
         * §5.4.1 only to an up-to-date candidate. */
        const bool free_vote = n->voted_for == -1 || n->voted_for == req->candidate_id ||
                               (c->bugs.vote_twice && n->role == RAFT_ROLE_FOLLOWER);
        granted = free_vote && raft__log_up_to_date(n, req->last_epoch, req->last_offset);
    }
    if (granted && n->voted_for != req->candidate_id) {
        SIM_ASSERT(n->role == RAFT_ROLE_FOLLOWER);
        raft__set_epoch(c, n, n->raft_epoch, req->candidate_id, n->leader_id);
    }
    if (granted && !n->shutting_down) {
        /* §5.2: granting a vote resets the election timer. */
        raft__set_state_timer(c, n, RAFT_TIMER_ELECTION, raft__random_election_timeout(c, n));
    }
    SIM_TRACE(&c->engine->trace, SIM_EV_RAFT_VOTE, n->node_id, (int64_t)req->term,
              (int64_t)req->candidate_id, (int64_t)granted, (int64_t)0);
    raft_request_vote_resp resp;
    memset(&resp, 0, sizeof resp);
    resp.term = n->raft_epoch;
    resp.granted = granted;
    raft__send(c, n, from, NET_MSG_REQUEST_VOTE_RESP, &resp, sizeof resp);
}

static void handle_request_vote_resp(raft_cluster *c, raft_node *n, const raft_node *from,
                                     const raft_request_vote_resp *resp)
{
    if (resp->term > n->raft_epoch) { /* §5.1 */
        become_follower(c, n, resp->term, -1);
        return;
    }
    if (n->role != RAFT_ROLE_CANDIDATE || resp->term != n->raft_epoch) return; /* stale */
    SIM_ASSERT(from->voter && n->voter);
    raft__count_vote(c, n, from->index, resp->granted != 0);
    check_votes(c, n);
}

/* ---------------------------------------------------------------------------------
 * AppendEntries
 * ------------------------------------------------------------------------------- */

/* §5.3 consistency check and append. Returns the match end, or -1 on a mismatch. */
static int64_t append_entries(raft_cluster *c, raft_node *n, const raft_append_req *req)
{
    const int64_t start = req->start_offset;
    SIM_ASSERT(start >= 0 && req->record_count <= RAFT_FETCH_RECORDS_MAX);
    if (start > n->leo) return -1;
    if (start > 0 && n->log[start - 1].epoch != req->prev_epoch) return -1;
    for (uint32_t i = 0; i < req->record_count; i++) {
        const raft_record *rec = &req->records[i];
        const int64_t off = start + (int64_t)i;
        SIM_ASSERT(rec->offset == off);
        if (off < n->leo) {
            if (n->log[off].epoch == rec->epoch) continue; /* already have it */
            raft__log_truncate(c, n, off); /* §5.3: a conflict deletes it and what follows */
        }
        raft__log_append(c, n, rec);
    }
    const int64_t match_end = start + (int64_t)req->record_count;
    SIM_ASSERT(match_end <= n->leo);
    return match_end;
}

static void handle_append(raft_cluster *c, raft_node *n, const raft_node *from,
                          const raft_append_req *req)
{
    SIM_ASSERT(req->leader_id == from->node_id);
    SIM_ASSERT(from->voter);
    raft_append_resp resp;
    memset(&resp, 0, sizeof resp);
    bool accept = req->term >= n->raft_epoch;
    if (accept && req->term == n->raft_epoch && n->role == RAFT_ROLE_LEADER)
        accept = false; /* two leaders in one term: only with raft_bugs */
    if (accept) {
        const bool known = n->role == RAFT_ROLE_FOLLOWER && n->leader_id == req->leader_id &&
                           req->term == n->raft_epoch;
        if (!known) {
            become_follower(c, n, req->term, req->leader_id); /* §5.1, §5.2 */
        } else if (n->voter && !n->shutting_down) {
            /* §5.2: AppendEntries from the current leader resets the election timer. */
            raft__set_state_timer(c, n, RAFT_TIMER_ELECTION, raft__random_election_timeout(c, n));
        }
        const int64_t match_end = append_entries(c, n, req);
        if (match_end >= 0) {
            resp.success = 1;
            resp.match_end = match_end;
            /* §5.3: commitIndex = min(leaderCommit, index of last new entry). */
            const int64_t hw = req->leader_hw < match_end ? req->leader_hw : match_end;
            if (hw > n->hw) raft__set_hw(c, n, hw);
        }
    }
    resp.term = n->raft_epoch;
    resp.leo = n->leo;
    SIM_ASSERT(n->hw <= n->leo);
    raft__send(c, n, from, NET_MSG_APPEND_RESP, &resp, sizeof resp);
}

static void handle_append_resp(raft_cluster *c, raft_node *n, const raft_node *from,
                               const raft_append_resp *resp)
{
    if (resp->term > n->raft_epoch) { /* §5.1 */
        become_follower(c, n, resp->term, -1);
        return;
    }
    if (n->role != RAFT_ROLE_LEADER || resp->term != n->raft_epoch) return; /* stale */
    raft_peer *p = &n->peers[from->index];
    p->last_fetch_at = c->engine->now;
    if (resp->success) {
        SIM_ASSERT(resp->match_end <= n->leo);
        if (resp->match_end > p->end_offset) p->end_offset = resp->match_end;
        if (p->end_offset >= n->leo) p->last_caught_up_at = c->engine->now;
        if (resp->match_end > p->next_offset) p->next_offset = resp->match_end;
        if (from->voter) update_commit(c, n);
        if (n->role == RAFT_ROLE_LEADER && p->next_offset < n->leo) send_append(c, n, from->index);
        return;
    }
    /* §5.3: back nextIndex up (at once to the follower's log end) and retry. */
    int64_t next = p->next_offset - 1;
    if (resp->leo < next) next = resp->leo;
    const int64_t floor = p->end_offset > 0 ? p->end_offset : 0;
    if (next < floor) next = floor;
    p->next_offset = next;
    SIM_ASSERT(p->next_offset >= 0 && p->next_offset <= n->leo);
    send_append(c, n, from->index);
}

/* ---------------------------------------------------------------------------------
 * Entry points from raft.c
 * ------------------------------------------------------------------------------- */

void raft__classic_start(raft_cluster *c, raft_node *n)
{
    SIM_ASSERT(n->alive);
    SIM_ASSERT(n->role != RAFT_ROLE_LEADER);
    /* §5.2: servers start (and restart) as followers; the leader is not known. */
    n->role = RAFT_ROLE_FOLLOWER;
    become_follower(c, n, n->raft_epoch, -1);
}

void raft__classic_state_timeout(raft_cluster *c, raft_node *n, raft_timer_kind kind)
{
    SIM_ASSERT(kind == RAFT_TIMER_ELECTION);
    SIM_ASSERT(n->voter && n->role != RAFT_ROLE_LEADER);
    SIM_TRACE(&c->engine->trace, SIM_EV_RAFT_TIMEOUT, n->node_id, (int64_t)n->raft_epoch,
              (int64_t)kind);
    if (n->shutting_down) return;
    become_candidate(c, n); /* §5.2 */
}

void raft__classic_timer(raft_cluster *c, raft_node *n, raft_timer_kind kind)
{
    SIM_ASSERT(kind == RAFT_TIMER_HEARTBEAT);
    SIM_ASSERT(n->role == RAFT_ROLE_LEADER);
    send_append_all(c, n); /* §5.2 heartbeats, carrying any entries a follower lacks */
    n->heartbeat_timer = raft__schedule(c, n, RAFT_TIMER_HEARTBEAT, 0, c->cfg.classic_heartbeat_us);
}

void raft__classic_on_append(raft_cluster *c, raft_node *leader)
{
    SIM_ASSERT(leader->role == RAFT_ROLE_LEADER);
    SIM_ASSERT(leader->leo > leader->epoch_start_offset);
    update_commit(c, leader);
    if (leader->role == RAFT_ROLE_LEADER) send_append_all(c, leader);
}

void raft__classic_recv(raft_cluster *c, raft_node *n, const net_msg *msg)
{
    SIM_ASSERT(c->cfg.variant == RAFT_VARIANT_CLASSIC && n->alive);
    raft_node *from = raft__sender(c, msg);
    switch (msg->kind) {
    case NET_MSG_REQUEST_VOTE_REQ: {
        RAFT_BODY(raft_request_vote_req, req);
        handle_request_vote(c, n, from, &req);
        return;
    }
    case NET_MSG_REQUEST_VOTE_RESP: {
        RAFT_BODY(raft_request_vote_resp, resp);
        handle_request_vote_resp(c, n, from, &resp);
        return;
    }
    case NET_MSG_APPEND_REQ: {
        RAFT_BODY(raft_append_req, req);
        handle_append(c, n, from, &req);
        return;
    }
    case NET_MSG_APPEND_RESP: {
        RAFT_BODY(raft_append_resp, resp);
        handle_append_resp(c, n, from, &resp);
        return;
    }
    default:
        SIM_UNREACHABLE(); /* a KRaft message in a CLASSIC cluster */
    }
}
