/*
 * raft_internal.h — message bodies and the helpers shared by raft.c, raft_log.c,
 *   raft_kraft.c and raft_classic.c. Not part of the public API.
 *
 * Role: raft.c owns the cluster, timers and routing; raft_log.c the log, high watermark
 *   and apply; raft_kraft.c the KRaft protocol; raft_classic.c the Raft-paper variant.
 * Model: see raft.h. Message bodies are plain structs copied into net bodies; each one
 *   is zeroed before it is filled so padding bytes are deterministic.
 * Owns / borrows: nothing beyond raft.h.
 * Invariants: every body fits NET_BODY_BYTES (static_assert below).
 * Determinism: see raft.h.
 * Not modelled: see raft.h.
 */
#ifndef RAFT_INTERNAL_H
#define RAFT_INTERNAL_H

#include "raft.h"

/* Records per Fetch response / AppendEntries request: as many as fit in one body. */
#define RAFT_FETCH_RECORDS_MAX 14u

/* Kafka's RETRY_BACKOFF_BASE_MS (KafkaRaftClient), in microseconds. */
#define RAFT_ELECTION_BACKOFF_BASE_US 100000u

/* Error codes carried in responses (names as Kafka's Errors). */
typedef enum raft_error {
    RAFT_ERROR_NONE = 0,
    RAFT_ERROR_FENCED_LEADER_EPOCH,    /* request epoch < receiver epoch */
    RAFT_ERROR_UNKNOWN_LEADER_EPOCH,   /* request epoch > receiver epoch (Fetch) */
    RAFT_ERROR_NOT_LEADER_OR_FOLLOWER, /* Fetch sent to a non-leader */
    RAFT_ERROR_INCONSISTENT_VOTER_SET, /* a voter-only request reached an observer */
} raft_error;

/* ---- KRaft (KIP-595, KIP-996) ---- */

typedef struct raft_vote_req {
    int32_t epoch; /* candidate epoch (pre-vote: the prospective's current epoch) */
    int32_t candidate_id;
    int32_t last_epoch;  /* epoch of the candidate's last record */
    int32_t pre_vote;    /* KIP-996 */
    int64_t last_offset; /* the candidate's LEO */
} raft_vote_req;

typedef struct raft_vote_resp {
    int32_t epoch;     /* responder's epoch */
    int32_t leader_id; /* responder's known leader, -1 */
    int32_t error;     /* raft_error */
    int32_t granted;
    int32_t pre_vote; /* echoes the request */
} raft_vote_resp;

typedef struct raft_begin_epoch_req {
    int32_t epoch;
    int32_t leader_id;
} raft_begin_epoch_req;

typedef struct raft_end_epoch_req {
    int32_t epoch;
    int32_t leader_id;
    uint32_t successor_count;
    int32_t successors[SIM_VOTERS_MAX]; /* node ids, most up to date first */
} raft_end_epoch_req;

/* BeginQuorumEpochResponse and EndQuorumEpochResponse. */
typedef struct raft_epoch_resp {
    int32_t epoch;
    int32_t leader_id;
    int32_t error;
} raft_epoch_resp;

typedef struct raft_fetch_req {
    int32_t epoch; /* currentLeaderEpoch */
    int32_t replica_id;
    int32_t last_fetched_epoch;
    uint32_t request_id;  /* echoed; a response to an older request is ignored */
    int64_t fetch_offset; /* the fetcher's LEO */
    sim_time max_wait_us;
} raft_fetch_req;

typedef struct raft_fetch_resp {
    int32_t epoch;     /* responder's epoch */
    int32_t leader_id; /* responder's known leader */
    int32_t error;
    uint32_t request_id;
    int64_t hw;                   /* leader HW, -1 when the leader has none yet */
    int64_t diverging_end_offset; /* valid when diverging_epoch >= 0 */
    int32_t diverging_epoch;      /* -1: not diverging */
    uint32_t record_count;        /* <= RAFT_FETCH_RECORDS_MAX */
    raft_record records[RAFT_FETCH_RECORDS_MAX];
} raft_fetch_resp;

/* ---- CLASSIC (Raft paper §5) ---- */

typedef struct raft_request_vote_req {
    int32_t term;
    int32_t candidate_id;
    int32_t last_epoch; /* lastLogTerm */
    int32_t pad;
    int64_t last_offset; /* LEO (lastLogIndex + 1) */
} raft_request_vote_req;

typedef struct raft_request_vote_resp {
    int32_t term;
    int32_t granted;
} raft_request_vote_resp;

typedef struct raft_append_req {
    int32_t term;
    int32_t leader_id;
    int32_t prev_epoch; /* prevLogTerm: epoch of record start_offset - 1, or 0 */
    uint32_t record_count;
    int64_t start_offset; /* prevLogIndex + 1: offset of the first record sent */
    int64_t leader_hw;    /* leaderCommit, as an exclusive end */
    raft_record records[RAFT_FETCH_RECORDS_MAX];
} raft_append_req;

typedef struct raft_append_resp {
    int32_t term;
    int32_t success;
    int64_t match_end; /* success: start_offset + record_count */
    int64_t leo;       /* the follower's LEO, to back next_offset up fast */
} raft_append_resp;

static_assert(sizeof(raft_fetch_resp) <= NET_BODY_BYTES, "Fetch response fits a body");
static_assert(sizeof(raft_append_req) <= NET_BODY_BYTES, "AppendEntries fits a body");
static_assert(sizeof(raft_end_epoch_req) <= NET_BODY_BYTES, "EndQuorumEpoch fits a body");

/* ---- raft.c: cluster helpers ---- */

raft_node *raft__node_at(raft_cluster *c, uint32_t index);
raft_node *raft__sender(raft_cluster *c, const net_msg *msg); /* NULL if not a member */
uint32_t raft__majority(const raft_cluster *c);               /* voter_count / 2 + 1 */
bool raft__is_voter_index(const raft_cluster *c, uint32_t index);
uint32_t raft__count_bits(uint64_t mask);
void raft__send(raft_cluster *c, const raft_node *from, const raft_node *to, net_msg_kind kind,
                const void *body, uint32_t bytes);
sim_timer raft__schedule(raft_cluster *c, raft_node *n, raft_timer_kind kind, uint32_t peer,
                         sim_time delay_us);
void raft__set_state_timer(raft_cluster *c, raft_node *n, raft_timer_kind kind, sim_time delay_us);
void raft__cancel_role_timers(raft_cluster *c, raft_node *n);
sim_time raft__random_election_timeout(const raft_cluster *c, raft_node *n);
void raft__trace_become(raft_cluster *c, const raft_node *n);
void raft__set_epoch(raft_cluster *c, raft_node *n, int32_t epoch, int32_t voted_for,
                     int32_t leader_id);
void raft__reset_peers(raft_cluster *c, raft_node *n);
void raft__count_vote(const raft_cluster *c, raft_node *n, uint32_t voter_index, bool granted);
uint32_t raft__granted_count(const raft_cluster *c, const raft_node *n);
bool raft__vote_lost(const raft_cluster *c, const raft_node *n);

/* ---- raft_log.c: log, high watermark, apply ---- */

void raft__log_append(raft_cluster *c, raft_node *n, const raft_record *rec);
void raft__log_truncate(raft_cluster *c, raft_node *n, int64_t new_leo);
/* Kafka's endOffsetForEpoch: the largest epoch <= `epoch` present in the log and the
 * offset just after its last record; (0, 0) if none. */
void raft__end_offset_for_epoch(const raft_node *n, int32_t epoch, int32_t *epoch_out,
                                int64_t *offset_out);
/* KIP-595 / Raft §5.4.1: is (last_epoch, last_offset) at least as up to date as n's log? */
bool raft__log_up_to_date(const raft_node *n, int32_t last_epoch, int64_t last_offset);
void raft__set_hw(raft_cluster *c, raft_node *n, int64_t hw);
/* The offset replicated on a majority of voters per the leader's progress table. */
int64_t raft__majority_end_offset(const raft_cluster *c, const raft_node *leader);
void raft__apply_committed(raft_cluster *c, raft_node *n);
void raft__record_fetch(raft_cluster *c, raft_node *leader, uint32_t peer_index,
                        int64_t fetch_offset);

/* ---- raft_kraft.c ---- */

void raft__kraft_start(raft_cluster *c, raft_node *n);
void raft__kraft_restart(raft_cluster *c, raft_node *n);
void raft__kraft_recv(raft_cluster *c, raft_node *n, const net_msg *msg);
void raft__kraft_timer(raft_cluster *c, raft_node *n, raft_timer_kind kind, uint32_t peer);
void raft__kraft_state_timeout(raft_cluster *c, raft_node *n, raft_timer_kind kind);
void raft__kraft_on_append(raft_cluster *c, raft_node *leader);
void raft__kraft_shutdown(raft_cluster *c, raft_node *n);

/* ---- raft_classic.c ---- */

void raft__classic_start(raft_cluster *c, raft_node *n);
void raft__classic_recv(raft_cluster *c, raft_node *n, const net_msg *msg);
void raft__classic_timer(raft_cluster *c, raft_node *n, raft_timer_kind kind);
void raft__classic_state_timeout(raft_cluster *c, raft_node *n, raft_timer_kind kind);
void raft__classic_on_append(raft_cluster *c, raft_node *leader);

/* True when any deliberately broken behaviour is switched on: assertions that only a
 * correct protocol guarantees are then left to the checkers. */
static inline bool raft__any_bug(const raft_cluster *c)
{
    return c->bugs.vote_twice || c->bugs.leader_counts_self_twice || c->bugs.hw_ignores_epoch_start;
}

/* Declares `var` of message type `type` and copies the delivered body into it
 * (in a handler with `const net_msg *msg`). */
#define RAFT_BODY(type, var)                                                                       \
    type var;                                                                                      \
    SIM_ASSERT(msg->body_bytes == sizeof var);                                                     \
    memcpy(&var, msg->body, sizeof var)

#endif
