/*
 * raft.h — the KRaft controller quorum (Kafka 4.0) and a textbook Raft variant.
 *
 * Role: every Kafka node that holds the metadata log is a `raft_node`. Voters
 *   (controllers) elect a leader, the active controller; observers (dedicated brokers)
 *   only replicate. The world routes raft messages here (`raft_recv`), crashes and
 *   restarts nodes (`raft_crash`, `raft_restart`), and the controller state machine
 *   (sim/kafka) appends records on the leader (`raft_propose`) and applies committed
 *   records through the apply callback. Checkers (sim/check) and the viewer read the
 *   public fields of `raft_node`: role, raft_epoch, voted_for, leader_id, log[0..leo),
 *   hw.
 *
 * Model, variant KRAFT (Kafka 4.0, KIP-595 + KIP-996; rules cited where implemented):
 *   - States: Unattached, Prospective (KIP-996 pre-vote), Candidate, Leader, Follower,
 *     Resigned. Epoch = term. Durable per node: raft_epoch, voted_for, leader_id and the
 *     log (Kafka's quorum-state file, and a log flushed before it is acknowledged).
 *   - Elections: randomized election timeout T + uniform[0, T); Vote carries the
 *     candidate's (last epoch, log end offset), compared epoch first; one vote per epoch.
 *     Pre-vote asks the same question without bumping or persisting the epoch; a
 *     follower that has fetched from its leader refuses pre-votes, a resigned former
 *     leader grants them. Timers with pre-vote (KafkaRaftClient in 4.0): a prospective
 *     rejected by a majority or timed out returns at once to Follower (leader known) or
 *     Unattached in its epoch; a candidate whose election times out returns at once to
 *     Prospective; a candidate rejected by a majority backs off
 *     min(100ms * uniform[0, 2 << min(20, retries - 1)), backoff max), then becomes
 *     Prospective. Without pre-vote (before 4.0) a timed-out or rejected candidate backs
 *     off the same way, then stands again in the next epoch.
 *   - A higher epoch in a Vote (pre-vote included), BeginQuorumEpoch or EndQuorumEpoch
 *     request, or in any response, moves the receiver to that epoch (Follower if the
 *     leader is named, else Unattached); a pre-vote in the receiver's epoch or below
 *     changes nothing. A Fetch from a higher epoch is answered UNKNOWN_LEADER_EPOCH
 *     (Kafka's validateLeaderOnlyRequest).
 *   - Replication is pull-based: followers and observers send Fetch(fetch offset, last
 *     fetched epoch); the leader answers with at most RAFT_FETCH_RECORDS_MAX records,
 *     long-polls an idle Fetch for fetch_max_wait_us, and answers a divergent position
 *     with DivergingEpoch, after which the follower truncates and fetches again.
 *   - A new leader appends a LeaderChange record and sends BeginQuorumEpoch to every
 *     voter, again every fetch.timeout / 2. Its high watermark (HW) advances only past
 *     a record of its own epoch replicated on a majority of voters (observers never
 *     count); followers take HW = min(leader HW, own LEO). HW never decreases.
 *   - Check quorum (KAFKA-15489): a leader that has not been fetched from by a majority
 *     of voters (itself counted) within 1.5 x fetch.timeout resigns. A follower with no
 *     successful fetch for fetch.timeout becomes prospective.
 *   - Graceful shutdown: the leader resigns and sends EndQuorumEpoch with its preferred
 *     successors (voters by descending fetch offset); successor p of n shortens its
 *     fetch timeout to 0 (p = 0) or min(max, (max >> (n - 1)) << (p - 1)).
 *   - The active leader appends a NoOp record every idle_interval_us
 *     (metadata.max.idle.interval.ms), which keeps the HW moving on an idle cluster.
 * Model, variant CLASSIC (Raft paper, Ongaro & Ousterhout 2014, §5 and §8):
 *   leader-driven AppendEntries every classic_heartbeat_us carrying entries,
 *   RequestVote, randomized election timeout uniform[min, max], a no-op appended at the
 *   start of each term, commit only of entries of the leader's own term by counting
 *   (§5.4.2), no pre-vote, no check quorum: a partitioned classic leader keeps
 *   believing it leads until it hears a higher term (the textbook behaviour).
 *
 * Vocabulary: LEO = log end offset (the offset the next record gets); HW = high
 *   watermark (records below it are committed). Offsets start at 0; epochs at 0 (no
 *   leader yet), the first leader's epoch is 1.
 *
 * Owns / borrows: the cluster owns its nodes, logs and per-peer progress (arena memory,
 *   taken in raft_cluster_init; nothing is allocated afterwards). It borrows the engine
 *   and the network for the run.
 * Invariants (SIM_ASSERT): hw <= leo <= log capacity; records are stored at their own
 *   offset; epochs in a log never decrease; raft_epoch never decreases within a node;
 *   only voters are ever prospective, candidate, leader or resigned. Protocol
 *   guarantees (one leader per epoch, committed records never lost) are NOT asserted:
 *   sim/check observes them, and the raft_bugs flags break them on purpose.
 * Determinism: one RNG stream per node, SIM_STREAM(SIM_STREAM_RAFT, node index), drawn
 *   only for election timeouts and backoffs; all time from the engine; nodes and peers
 *   are iterated by index; ties (successor order) break by node index.
 * Not modelled: snapshots and FetchSnapshot (the log is never cleaned), voter-set
 *   changes (KIP-853: the voter set is fixed), DescribeQuorum and UpdateRaftVoter RPCs,
 *   directory ids, batching and append.linger.ms (each record is appended at once),
 *   byte sizes (a Fetch response carries a record count, not max bytes), the leader's
 *   flush delay, lost unflushed tails on power-off, Vote retries within one election
 *   (Kafka re-sends after request.timeout.ms, which is longer than an election), and
 *   the HW-only Fetch completion of later Kafka versions (a long-polled Fetch completes
 *   on new data or on max wait, as in 4.0). Observers whose fetches time out return to
 *   Unattached in the same epoch to rediscover the leader (Kafka keeps them Follower and
 *   asks a random voter). A restarted node that had voted for itself comes back
 *   Unattached with that vote kept, not Candidate. Later Kafka versions are not followed:
 *   since 4.1 (KAFKA-18345) a candidate rejected by a majority waits out its election
 *   timeout instead of backing off. In CLASSIC, shutdown sends nothing.
 */
#ifndef RAFT_H
#define RAFT_H

#include "../core/sim_arena.h"
#include "../core/sim_engine.h"
#include "../core/sim_rng.h"
#include "../net/net.h"

/* ---------------------------------------------------------------------------------
 * Configuration
 * ------------------------------------------------------------------------------- */

typedef enum raft_variant {
    RAFT_VARIANT_KRAFT = 0, /* Kafka 4.0 KRaft: pull replication, pre-vote, check quorum */
    RAFT_VARIANT_CLASSIC,   /* Raft paper: push AppendEntries, heartbeats */
} raft_variant;

typedef struct raft_config {
    raft_variant variant;
    sim_time election_timeout_us;     /* controller.quorum.election.timeout.ms [1000ms] */
    sim_time fetch_timeout_us;        /* controller.quorum.fetch.timeout.ms [2000ms] */
    sim_time election_backoff_max_us; /* controller.quorum.election.backoff.max.ms [1000ms] */
    sim_time request_timeout_us;      /* controller.quorum.request.timeout.ms [2000ms] */
    sim_time retry_backoff_us;        /* controller.quorum.retry.backoff.ms [20ms] */
    sim_time append_linger_us;        /* controller.quorum.append.linger.ms [25ms]; unused */
    sim_time fetch_max_wait_us;       /* leader long-poll of an idle Fetch [500ms] */
    sim_time idle_interval_us;        /* metadata.max.idle.interval.ms [500ms]; 0 = off */
    sim_time classic_election_min_us; /* classic election timeout, low end [150ms] */
    sim_time classic_election_max_us; /* classic election timeout, high end [300ms] */
    sim_time classic_heartbeat_us;    /* classic AppendEntries interval [75ms] */
    bool pre_vote;                    /* KIP-996 pre-vote [true in Kafka 4.0] */
    uint32_t log_capacity;            /* records per node's metadata log, > 0 */
} raft_config;

/* Fills `cfg` with Kafka 4.0's defaults (and the classic values above). */
void raft_config_default(raft_config *cfg);

/* Deliberately broken variants, for the checkers' own tests. All false = correct. */
typedef struct raft_bugs {
    bool vote_twice;               /* a voter grants a second vote in one epoch */
    bool leader_counts_self_twice; /* self counted twice: for votes and for the HW */
    bool hw_ignores_epoch_start;   /* commit without a record of the leader's own epoch
                                      (and open no epoch with one: Raft Figure 8) */
} raft_bugs;

/* ---------------------------------------------------------------------------------
 * Records and nodes
 * ------------------------------------------------------------------------------- */

typedef enum raft_role {
    RAFT_ROLE_UNATTACHED = 0, /* knows no leader in its epoch (observers too) */
    RAFT_ROLE_PROSPECTIVE,    /* KIP-996: asking for pre-votes, epoch unchanged */
    RAFT_ROLE_CANDIDATE,      /* asking for votes in raft_epoch (or backing off) */
    RAFT_ROLE_LEADER,
    RAFT_ROLE_FOLLOWER, /* knows the leader (CLASSIC: leader_id may be -1) */
    RAFT_ROLE_RESIGNED, /* KRaft: a former leader in its old epoch */
    RAFT_ROLE_COUNT
} raft_role;

/* Observers have no role of their own: they are Unattached or Follower with
 * voter == false. */
const char *raft_role_name(raft_role role); /* "Unattached", "Prospective", ... */

/* Record types. Application (controller) types start at RAFT_RECORD_APP_BASE. */
#define RAFT_RECORD_LEADER_CHANGE 1u /* a = leader node id, b = voters that granted */
#define RAFT_RECORD_NO_OP         2u /* idle NoOpRecord; CLASSIC: the §8 term no-op */
#define RAFT_RECORD_APP_BASE      16u

typedef struct raft_record {
    int64_t offset; /* position in the log, == its index */
    int32_t epoch;  /* raft epoch of the leader that appended it, >= 1 */
    uint16_t type;  /* RAFT_RECORD_* */
    uint16_t pad;   /* zero */
    int32_t a, b;   /* payload, meaning set by `type` */
    int64_t c;
} raft_record;

static_assert(sizeof(raft_record) == 32, "raft_record is copied into messages");

/* Which timer a RAFT_TIMEOUT trace event reports (its "timer" field). */
typedef enum raft_timer_kind {
    RAFT_TIMER_ELECTION = 0,     /* election timeout (Unattached, Prospective, Candidate,
                                    Resigned; CLASSIC follower and candidate) */
    RAFT_TIMER_FETCH = 1,        /* follower fetch timeout (KIP-595) */
    RAFT_TIMER_CHECK_QUORUM = 2, /* leader check-quorum timer (KAFKA-15489) */
    RAFT_TIMER_BACKOFF = 3,      /* candidate election backoff ended */
    /* Internal timers, never traced as RAFT_TIMEOUT. */
    RAFT_TIMER_FETCH_SEND,    /* send the next Fetch (after retry backoff) */
    RAFT_TIMER_FETCH_REQUEST, /* Fetch request timeout */
    RAFT_TIMER_BEGIN_EPOCH,   /* leader re-sends BeginQuorumEpoch */
    RAFT_TIMER_IDLE,          /* leader appends a NoOp */
    RAFT_TIMER_END_EPOCH,     /* resigned leader re-sends EndQuorumEpoch */
    RAFT_TIMER_LONG_POLL,     /* a parked Fetch reached its max wait */
    RAFT_TIMER_HEARTBEAT,     /* CLASSIC leader heartbeat */
    RAFT_TIMER_KIND_COUNT
} raft_timer_kind;

/* The "reason" field of RAFT_RESIGN. */
typedef enum raft_resign_reason {
    RAFT_RESIGN_CHECK_QUORUM = 1, /* no fetch from a majority within 1.5 x fetch timeout */
    RAFT_RESIGN_SHUTDOWN = 2,     /* graceful shutdown */
    RAFT_RESIGN_HIGHER_EPOCH = 3, /* learned of a higher epoch */
    RAFT_RESIGN_RESTART = 4,      /* a former leader restarted (not traced as resign) */
} raft_resign_reason;

/* The leader's view of one other node (KRaft: from its Fetches; CLASSIC: from its
 * AppendEntries responses). Indexed by node index; the entry for the leader itself is
 * unused. Reset at every election. */
typedef struct raft_peer {
    int64_t end_offset;            /* KRaft: last valid fetch offset; CLASSIC: match end;
                                      -1 = unknown */
    int64_t next_offset;           /* CLASSIC: next record to send */
    sim_time last_fetch_at;        /* us; SIM_TIME_NEVER = none this term */
    sim_time last_caught_up_at;    /* us; SIM_TIME_NEVER = never caught up */
    int64_t last_fetch_leader_leo; /* leader LEO at the previous fetch, for caught-up time */
    /* A long-polled Fetch (KRaft leader only). */
    bool parked;
    uint32_t parked_request_id;
    int64_t parked_fetch_offset;
    int32_t parked_last_epoch;
    int64_t parked_hw; /* the HW answered if the wait expires (as Kafka) */
    sim_timer parked_timer;
} raft_peer;

typedef struct raft_node {
    /* Identity. */
    int32_t endpoint; /* engine/net endpoint */
    int32_t node_id;  /* Kafka node id (trace, messages) */
    uint32_t index;   /* position in raft_cluster.nodes */
    bool voter;       /* controller (voter) or observer */
    /* Protocol state. Durable across raft_crash/raft_restart: raft_epoch, voted_for,
     * leader_id, log, leo. */
    raft_role role;
    int32_t raft_epoch;   /* >= 0, never decreases */
    int32_t voted_for;    /* node id voted for in raft_epoch, -1 = none */
    int32_t leader_id;    /* leader of raft_epoch as known here, -1 = unknown */
    raft_record *log;     /* [0, leo) valid; capacity cfg.log_capacity */
    int64_t leo;          /* log end offset */
    int64_t hw;           /* high watermark, <= leo; 0 after a restart */
    int64_t applied_end;  /* records [0, applied_end) were passed to the apply cb */
    bool alive;           /* false between raft_crash and raft_restart */
    bool shutting_down;   /* raft_shutdown was called */
    uint32_t incarnation; /* +1 at every raft_restart */
    /* Elections (internal; read-only for viewers). */
    uint64_t votes_granted; /* bit per node index, this election (self included) */
    uint64_t votes_rejected;
    uint32_t retries;             /* elections lost in a row, for the backoff (>= 1 when used) */
    bool backing_off;             /* candidate waiting out its election backoff */
    sim_time election_due;        /* us; while backing off: when the candidate's election
                                     timer (still running in Kafka) expires */
    bool has_fetched_from_leader; /* KIP-996: a fetch succeeded in this follower term */
    /* Leader and resigned state (internal). */
    int64_t epoch_start_offset;         /* LEO when it became leader */
    bool leader_hw_known;               /* KRaft leader: HW set in this epoch (else Fetch
                                           responses carry -1, as Kafka's empty HW) */
    uint64_t check_quorum_fetched;      /* voters that fetched in this check interval */
    uint64_t end_epoch_acked;           /* voters that acknowledged EndQuorumEpoch */
    int32_t successors[SIM_VOTERS_MAX]; /* preferred successors (node ids) */
    uint32_t successor_count;
    raft_peer *peers; /* [node_count], meaningful while leader */
    /* Fetching (internal). */
    uint32_t fetch_request_id; /* id of the latest Fetch sent */
    bool fetch_in_flight;
    uint32_t discover_cursor; /* observers: next voter to ask for the leader */
    /* Timers (internal). `state_timer` is the election / fetch / check-quorum / backoff
     * timer that raft_timer_due reports. */
    sim_timer state_timer;
    raft_timer_kind state_timer_kind;
    sim_timer fetch_timer;
    raft_timer_kind fetch_timer_kind;
    sim_timer begin_epoch_timer;
    sim_timer idle_timer;
    sim_timer end_epoch_timer;
    sim_timer heartbeat_timer;
    sim_rng rng;   /* SIM_STREAM(SIM_STREAM_RAFT, index) */
    bool applying; /* re-entrancy guard for the apply callback */
} raft_node;

/* A record became committed (offset < hw) on `node`. Called in offset order, exactly
 * once per record per node incarnation (after a restart the node replays from offset 0
 * as it re-learns its HW). `rec` is borrowed (valid during the call). The callback may
 * call raft_propose. */
typedef void (*raft_apply_cb)(void *ctx, raft_node *node, const raft_record *rec);

typedef struct raft_cluster {
    sim_engine *engine; /* borrowed */
    net *net;           /* borrowed */
    raft_config cfg;
    uint32_t node_count;
    raft_node *nodes;      /* [node_count], in the order given at init */
    uint32_t voter_count;  /* 1..SIM_VOTERS_MAX */
    uint32_t *voter_index; /* [voter_count]: node index of each voter, ascending */
    uint64_t voter_mask;   /* bit per node index */
    raft_apply_cb apply;
    void *apply_ctx;
    raft_bugs bugs;        /* set before raft_start */
    uint64_t elections;    /* leaders elected so far */
    uint64_t noop_dropped; /* idle NoOps not appended because the log was full */
    uint16_t timer_handler;
    int32_t *node_of_endpoint; /* [engine endpoint_count]: node index or -1 */
} raft_cluster;

/* ---------------------------------------------------------------------------------
 * Life cycle
 * ------------------------------------------------------------------------------- */

/* Builds the cluster: `node_count` nodes (<= SIM_NODES_MAX), node i on engine endpoint
 * endpoints[i] with Kafka id node_ids[i], a voter when voter[i] (1..SIM_VOTERS_MAX
 * voters). Arrays are copied. Takes logs and tables from `arena`; keeps `e` and `n` for
 * the run; registers one engine handler. Nodes start down until raft_start. */
void raft_cluster_init(raft_cluster *c, sim_engine *e, net *n, sim_arena *arena, uint64_t seed,
                       const raft_config *cfg, uint32_t node_count, const int32_t *endpoints,
                       const int32_t *node_ids, const bool *voter);

/* Keeps ctx for the run. */
void raft_set_apply(raft_cluster *c, raft_apply_cb cb, void *ctx);

/* Boots every node: epoch 0, empty log, Unattached (CLASSIC: Follower) with a fresh
 * election timer; observers start looking for the leader. */
void raft_start(raft_cluster *c);

/* The node on `endpoint`, or NULL if it holds no metadata log. */
raft_node *raft_node_by_endpoint(raft_cluster *c, int32_t endpoint);
/* The node with Kafka id `node_id`, or NULL. */
raft_node *raft_node_by_id(raft_cluster *c, int32_t node_id);

/* ---------------------------------------------------------------------------------
 * Driven by the world
 * ------------------------------------------------------------------------------- */

bool raft_msg_kind_p(net_msg_kind kind); /* is this a raft message kind */

/* Handles one delivered raft message (borrowed). The receiver must be a member. */
void raft_recv(raft_cluster *c, const net_msg *msg);

/* The node crashed: volatile state (role timers, progress, fetches) is gone. Call
 * AFTER sim_engine_endpoint_down. */
void raft_crash(raft_cluster *c, raft_node *node);

/* The node restarts from its durable state (epoch, vote, leader, log): a former leader
 * comes back Resigned in its epoch (KIP-595), a node that knew its leader comes back
 * Follower, any other Unattached (CLASSIC: Follower without leader); hw = 0. Call AFTER
 * sim_engine_endpoint_up. */
void raft_restart(raft_cluster *c, raft_node *node);

/* Graceful shutdown begins. A KRaft leader resigns and sends EndQuorumEpoch to the
 * voters (KIP-595); from now on the node starts no election. Kafka keeps the node up
 * until raft_shutdown_done (it even grants pre-votes to its successor meanwhile); the
 * world may also take it down at once (messages already sent still count if the
 * network delivers them). */
void raft_shutdown(raft_cluster *c, raft_node *node);

/* True once a shutting-down node may stop: it is an observer or the only voter, or it
 * follows a leader other than itself (Kafka's GracefulShutdown completion rule). */
bool raft_shutdown_done(const raft_cluster *c, const raft_node *node);

/* Fires the node's election or fetch timer now (scenario action `timeout`). Returns
 * false, doing nothing, when the node is down, a leader, or has no such timer running
 * (e.g. an observer without leader, or a node shutting down). */
bool raft_force_timeout(raft_cluster *c, raft_node *node);

/* Appends one record on the leader (KRaft: the next Fetch of each follower carries it;
 * CLASSIC: sent at once). `*offset_out` receives its offset (may be NULL). Returns
 * SIM_ESTATE when `leader` is not an alive, non-shutting-down leader, SIM_ELIMIT when its
 * log is full; nothing changes then. `type` is RAFT_RECORD_NO_OP or >= APP_BASE. */
sim_err raft_propose(raft_cluster *c, raft_node *leader, uint16_t type, int32_t a, int32_t b,
                     int64_t cval, int64_t *offset_out);

/* ---------------------------------------------------------------------------------
 * Queries (checkers, viewer, describe)
 * ------------------------------------------------------------------------------- */

/* The alive leader with the highest epoch, or NULL when there is none or when two alive
 * nodes lead that same epoch. Returns view. */
const raft_node *raft_leader(const raft_cluster *c);

/* When the node's state timer fires (election timeout, fetch timeout, backoff end; for
 * a KRaft leader, the check-quorum deadline), SIM_TIME_NEVER if none. */
sim_time raft_timer_due(const raft_cluster *c, const raft_node *node);

/* The last fetched epoch: the epoch of the node's last record, 0 for an empty log. */
int32_t raft_last_epoch(const raft_node *node);

/* One row of `kafka-metadata-quorum describe --replication` as `leader` sees `node`.
 * Timestamps are virtual milliseconds, -1 when unknown. */
typedef struct raft_replica_state {
    int64_t log_end_offset; /* -1 when the leader has no fetch from it yet */
    int64_t last_fetch_ms;
    int64_t last_caught_up_ms;
} raft_replica_state;
void raft_replica_describe(const raft_cluster *c, const raft_node *leader, const raft_node *node,
                           raft_replica_state *out);

#endif
