/*
 * replication.h — the data plane: partition replicas, their logs, follower fetching,
 *   the high watermark, ISR changes, produce acks and leader-epoch truncation.
 *
 * Role: every broker holds one `repl_replica` per partition it is assigned. The
 *   controller (the world, through `repl_ops` and the metadata log) tells each broker
 *   the partition registration with `repl_apply_partition`; the broker then leads
 *   (accepts `repl_produce`, answers follower fetches, proposes ISR changes with
 *   AlterPartition messages) or follows (fetches from the leader). Messages leave
 *   through `repl_ops.send` (the world puts them on sim/net) and come back through
 *   `repl_deliver`; the world reports process faults with
 *   `repl_broker_crash`, `repl_broker_power_off`, `repl_broker_restart`.
 *
 * Vocabulary: LEO = log end offset (the offset the next record gets); HW = high
 *   watermark (records below it are committed: on every ISR member). Offsets from 0.
 *
 * Model (kafka-semantics.md §3; Kafka 4.0 Partition.scala, Replica.scala,
 *   ReplicaManager.scala, AbstractFetcherThread.scala, UnifiedLog, LeaderEpochFileCache,
 *   ProducerStateManager; the rule is cited again where it is implemented):
 *   - Leader HW (Partition.maybeIncrementLeaderHW, §3.2): min LEO over the maximal ISR
 *     (committed ISR plus a pending expansion, KIP-497) and caught-up ISR-eligible
 *     followers; only moves forward; does not move while |ISR| < min(min.insync.replicas,
 *     replication factor) (KAFKA-15583, Kafka 3.7+).
 *   - Follower fetch state (Replica.updateFetchStateOrThrow, §3.3): lastCaughtUpTimeMs
 *     from the fetch offset, the leader LEO now and at the previous fetch; updated only
 *     when the Fetch arrives (not when a long-polled Fetch completes) and not when the
 *     Fetch diverges. The response carries the HW as it was before this Fetch moved it.
 *   - ISR shrink (§3.3): every replica.lag.time.max.ms / 2 ("isr-expiration") a leader
 *     proposes removing members that are not caught up (LEO != leader LEO and last caught
 *     up more than replica.lag.time.max.ms ago), so a stalled follower leaves between
 *     1x and 1.5x the lag time plus a controller round trip. ISR expand: a follower whose
 *     LEO >= HW and >= the leader's epoch start offset, ISR-eligible per the leader's
 *     metadata. One AlterPartition in flight per partition; the change is effective when
 *     the controller answers or the metadata log says so, whichever first.
 *   - Fetch sessions: one fetcher per (follower broker, leader broker) covering every
 *     partition the follower replicates from that leader (ReplicaFetcherManager; KIP-227
 *     incremental sessions: partitions with nothing to say are left out of responses).
 *     A request names at most REPL_FETCH_ENTRIES_MAX partitions, from a rotating start;
 *     the session still covers them all: the leader long-polls a Fetch with no data for
 *     replica.fetch.wait.max.ms only while no partition of the session has news, and
 *     answers early when one gets new records (DelayedFetch, replica.fetch.min.bytes =
 *     1). Records travel as whole producer batches (RecordBatch), so no log holds part
 *     of a batch; a response holds at most NET_BODY_BYTES (our stand-in for
 *     replica.fetch.response.max.bytes), about eleven batches.
 *   - Truncation (KIP-101, KIP-279, KAFKA-10554; §3.5): the Fetch carries the follower's
 *     last fetched epoch; a divergent position is answered with DivergingEpoch, the
 *     follower truncates with AbstractFetcherThread.getOffsetTruncationState and fetches
 *     again; OFFSET_OUT_OF_RANGE truncates to the leader's LEO (or restarts at its log
 *     start).
 *   - Produce (§3.4, Partition.appendRecordsToLeader, DelayedProduce): acks=0 and 1
 *     answer at append; acks=all is refused with NOT_ENOUGH_REPLICAS before appending
 *     when |ISR| < effective min ISR, otherwise parked until HW > its last offset, then
 *     answered NONE or NOT_ENOUGH_REPLICAS_AFTER_APPEND (maximal ISR < min.insync),
 *     REQUEST_TIMED_OUT at its timeout, NOT_LEADER_OR_FOLLOWER if leadership moves.
 *   - Idempotence (ProducerStateManager, ProducerAppendInfo.checkSequence): per producer
 *     the last 5 batches; a batch equal to one of them is a duplicate and answered with
 *     the original offsets, error NONE (the 4.0 broker does this rather than return
 *     DUPLICATE_SEQUENCE_NUMBER); a first sequence that does not follow the last one is
 *     OUT_OF_ORDER_SEQUENCE_NUMBER; an unknown producer may start at any sequence.
 *     Followers build the same state, so a new leader deduplicates too.
 *   - Durability (Kafka defaults: log.flush.interval.messages/ms are Long.MAX, so Kafka
 *     never fsyncs a produce; the OS writes dirty pages back): a replica's flushed
 *     offset advances to its LEO every flush_interval_us (default 5 s, Linux's
 *     dirty_writeback_centisecs) and to a segment's end when the segment rolls (Kafka
 *     flushes a rolled segment). A process crash keeps the page cache, so the whole log
 *     survives; a power-off truncates every log to its flushed offset. The HW survives a
 *     restart only as its last checkpoint (replica.high.watermark.checkpoint.interval.ms,
 *     5 s).
 *   - Retention (UnifiedLog.deleteOldSegments, every log.retention.check.interval.ms):
 *     the oldest segments that are not active and end at or below the HW are deleted
 *     while older than retention.ms or while the log minus the segment is at least
 *     retention.bytes; a segment rolls when the next batch would exceed segment.bytes.
 *
 * Owns / borrows: all replica, session and purgatory tables (arena, taken in repl_init;
 *   nothing is allocated afterwards); borrows engine, net, ops context for the run.
 * Invariants (SIM_ASSERT): log_start <= hw <= leo on every replica; flushed <= leo;
 *   records stored contiguously, epochs in a log never decrease; leader-epoch cache
 *   start offsets strictly increase. Protocol guarantees (committed records never lost,
 *   leader HW <= min ISR LEO) are NOT asserted: tests and sim/check observe them, and
 *   `repl_bugs` breaks them on purpose.
 * Determinism: no randomness; brokers, partitions and sessions iterated by index; timers
 *   and messages in program order (same-time ties follow sim_engine's (time, seq)).
 * Not modelled: compression, transactions (producer epochs, markers, LSO), consumers'
 *   fetches, quotas, replica.fetch.min.bytes > 1, fetch session eviction, log recovery
 *   scanning (a crash keeps everything; a power-off loses exactly the unflushed tail),
 *   Eligible Leader Replicas, segment.ms rolling, log compaction, AlterPartition retries
 *   (a lost request is forgotten when newer metadata arrives), DUPLICATE_SEQUENCE_NUMBER;
 *   the produce purgatory is bounded (produce_waiting_max; beyond it a request is
 *   answered REQUEST_TIMED_OUT at once).
 */
#ifndef KAFKA_REPLICATION_H
#define KAFKA_REPLICATION_H

#include "../core/sim_arena.h"
#include "../core/sim_engine.h"
#include "../net/net.h" /* NET_BODY_BYTES only */
#include "partition_change.h"

#define REPL_REPLICAS_MAX      KPC_REPLICAS_MAX
#define REPL_BROKERS_MAX       SIM_NODES_MAX
#define REPL_EPOCH_CACHE_MAX   32u /* leader-epoch entries kept per replica */
#define REPL_PRODUCERS_MAX     8u  /* idempotent producers tracked per replica */
#define REPL_PRODUCER_BATCHES  5u  /* ProducerStateEntry.NUM_BATCHES_TO_RETAIN */
#define REPL_FETCH_ENTRIES_MAX 15u /* partitions in one Fetch request (fits the body) */
#define REPL_BATCH_RECORDS_MAX 64u
#define REPL_NO_EPOCH          (-1)

/* Kafka error codes (Errors.java). */
#define REPL_ERR_NONE                             0
#define REPL_ERR_OFFSET_OUT_OF_RANGE              1
#define REPL_ERR_NOT_LEADER_OR_FOLLOWER           6
#define REPL_ERR_REQUEST_TIMED_OUT                7
#define REPL_ERR_NOT_ENOUGH_REPLICAS              19
#define REPL_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND 20
#define REPL_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER     45
#define REPL_ERR_KAFKA_STORAGE_ERROR              56
#define REPL_ERR_FENCED_LEADER_EPOCH              74
#define REPL_ERR_UNKNOWN_LEADER_EPOCH             75

/* The "reason" field of REPL_TRUNCATE. */
typedef enum repl_truncate_reason {
    REPL_TRUNCATE_DIVERGING = 1,    /* DivergingEpoch (KIP-279 / KAFKA-10554) */
    REPL_TRUNCATE_OUT_OF_RANGE = 2, /* leader LEO below the fetch offset */
    REPL_TRUNCATE_POWER_LOSS = 3,   /* unflushed tail lost */
    REPL_TRUNCATE_LOG_START = 4,    /* fetch offset below the leader's log start */
} repl_truncate_reason;

typedef struct repl_config {
    sim_time replica_lag_time_max_us;       /* replica.lag.time.max.ms [30 s] */
    sim_time replica_fetch_wait_max_us;     /* replica.fetch.wait.max.ms [500 ms] */
    sim_time replica_fetch_backoff_us;      /* replica.fetch.backoff.ms [1 s], after errors */
    sim_time replica_request_timeout_us;    /* replica.socket.timeout.ms [30 s] */
    sim_time flush_interval_us;             /* OS dirty writeback [5 s]; SIM_TIME_NEVER: off */
    sim_time hw_checkpoint_interval_us;     /* replica.high.watermark.checkpoint... [5 s] */
    sim_time retention_check_interval_us;   /* log.retention.check.interval.ms [300 s] */
    sim_time retention_us;                  /* log.retention.ms [7 d]; SIM_TIME_NEVER: -1 */
    int64_t retention_bytes;                /* log.retention.bytes [-1 = unlimited] */
    int64_t segment_bytes;                  /* log.segment.bytes [1 GiB] */
    uint32_t min_insync_replicas;           /* min.insync.replicas [1] */
    uint32_t log_capacity;                  /* records held per replica, > 0 (sizing) */
    const uint32_t *partition_log_capacity; /* [partition] or NULL: log_capacity for all;
                                               borrowed by repl_init only */
    uint32_t segments_max;                  /* segments held per replica, > 1 (sizing) */
    uint32_t produce_waiting_max;           /* parked acks=all requests per broker (sizing) */
} repl_config;

/* Kafka 4.0 defaults, with small capacities for tests (the world sizes them). */
void repl_config_default(repl_config *cfg);

/* Deliberately broken variants, for the checkers' own tests. All false = correct. */
typedef struct repl_bugs {
    bool no_follower_truncation; /* followers never send last fetched epoch, so a
                                    divergent tail is never truncated (pre-KIP-101) */
    bool hw_from_all_replicas;   /* HW = min LEO over every assigned replica, ISR or
                                    not: one dead follower stalls every acks=all */
    bool acks_all_at_append;     /* acks=all answered at append, as acks=1 */
} repl_bugs;

typedef struct repl_record {
    int64_t offset;
    int64_t producer_id;    /* -1: not idempotent */
    sim_time timestamp_us;  /* append time on the leader (LogAppendTime here) */
    int32_t leader_epoch;   /* epoch of the leader that appended it */
    int32_t sequence;       /* -1: none */
    uint32_t size_bytes;    /* > 0 */
    uint32_t value_id;      /* the producer's payload id, for checks */
    uint16_t batch_records; /* records in its batch */
    uint16_t batch_index;   /* position in its batch */
    uint32_t pad;
} repl_record;

typedef struct repl_epoch_entry {
    int32_t leader_epoch;
    int64_t start_offset;
} repl_epoch_entry;

typedef struct repl_segment {
    int64_t base_offset;
    int64_t bytes;
    sim_time max_timestamp_us;
} repl_segment;

typedef struct repl_batch_meta { /* ProducerStateEntry batch metadata */
    int32_t first_seq, last_seq;
    int64_t first_offset, last_offset;
} repl_batch_meta;

typedef struct repl_producer {
    int64_t producer_id;
    repl_batch_meta batches[REPL_PRODUCER_BATCHES]; /* oldest first */
    uint32_t batch_count;
} repl_producer;

/* The leader's view of a remote replica (Replica.scala ReplicaState). */
typedef struct repl_remote {
    int64_t leo;                   /* -1 unknown */
    sim_time last_fetch_us;        /* 0 none */
    int64_t last_fetch_leader_leo; /* -1 none */
    sim_time last_caught_up_us;    /* 0 never */
} repl_remote;

typedef enum repl_role {
    REPL_ROLE_NONE = 0, /* not assigned, not told yet, or process down */
    REPL_ROLE_LEADER,
    REPL_ROLE_FOLLOWER, /* reg.leader may be -1: offline partition, nothing to fetch */
} repl_role;

typedef struct repl_replica {
    repl_role role;
    bool assigned; /* broker is in the partition's replicas (as last told) */
    kpc_reg reg;   /* the registration as this broker last applied it */
    /* Log. Records [log_start, leo) live at ring index offset % capacity. */
    repl_record *records;
    uint32_t capacity; /* records the ring holds (the partition's log capacity) */
    int64_t log_start;
    int64_t leo;
    int64_t hw;
    int64_t flushed;       /* records below are on disk */
    int64_t hw_checkpoint; /* the last checkpointed HW */
    repl_epoch_entry epochs[REPL_EPOCH_CACHE_MAX];
    uint32_t epoch_count;
    repl_segment *segments; /* ring of segments_max, oldest at seg_head */
    uint32_t seg_head, seg_count;
    int64_t log_bytes;
    repl_producer producers[REPL_PRODUCERS_MAX];
    uint32_t producer_count;
    /* Leader state. */
    int64_t epoch_start_offset;            /* LEO when it became leader */
    repl_remote remote[REPL_REPLICAS_MAX]; /* by position in reg.replicas */
    bool alter_in_flight;
    int32_t pending_isr[REPL_REPLICAS_MAX]; /* proposed ISR */
    uint32_t pending_isr_count;
} repl_replica;

typedef struct repl_produce_req {
    uint32_t partition_index;
    int32_t acks;          /* 0, 1 or -1 (all) */
    uint32_t record_count; /* 1..REPL_BATCH_RECORDS_MAX */
    uint32_t record_bytes; /* size of each record, > 0 */
    uint32_t first_value_id;
    int64_t producer_id;    /* -1: not idempotent */
    int32_t first_sequence; /* with producer_id */
    sim_time timeout_us;    /* request.timeout.ms as the produce timeout */
    uint64_t request_id;    /* caller's tag, echoed */
} repl_produce_req;

typedef struct repl_produce_result {
    uint64_t request_id;
    uint32_t partition_index;
    int32_t acks;
    int32_t error;                    /* REPL_ERR_* */
    int64_t base_offset, last_offset; /* -1 when nothing was appended */
    bool duplicate;
} repl_produce_result;

/* An AlterPartition request as the controller receives it. */
typedef struct repl_alter_req {
    uint32_t partition_index;
    int32_t leader_id; /* sender */
    int32_t leader_epoch, partition_epoch;
    int32_t new_isr[REPL_REPLICAS_MAX];
    uint32_t new_isr_count;
} repl_alter_req;

/* The module's messages. They travel through `repl_ops.send`, so the world decides how
 * they map onto the network's kinds (integration: add them to NET_MSG_KINDS, with the
 * viewer's short names, and call repl_deliver from the receiver). */
#define REPL_MSG_KINDS(X)                                                                          \
    X(FETCH, "Fetch")                                                                              \
    X(FETCH_RESPONSE, "FetchResponse")                                                             \
    X(ALTER_PARTITION, "AlterPartition")                                                           \
    X(ALTER_PARTITION_RESPONSE, "AlterPartitionResponse")

typedef enum repl_msg_kind {
#define REPL_MSG_ENUM(id, name) REPL_MSG_##id,
    REPL_MSG_KINDS(REPL_MSG_ENUM)
#undef REPL_MSG_ENUM
        REPL_MSG_KIND_COUNT
} repl_msg_kind;

const char *repl_msg_kind_name(repl_msg_kind kind); /* Kafka's RPC name */

/* Largest body the module sends, leaving room for a wrapping header in a net message. */
#define REPL_MSG_BYTES_MAX (NET_BODY_BYTES - 8u)

/* What the module reports, one X-macro table in the format of SIM_TRACE_EVENTS
 * (X(ID, "name", "comma,separated,fields")), so the world can add these rows to the
 * trace vocabulary (and docs/trace.md) and forward `repl_ops.event` to sim_trace_emit. */
#define REPL_EVENTS(X)                                                                             \
    X(ROLE, "repl_role", "partition,leader,leader_epoch,partition_epoch,isr_count")                \
    X(APPEND, "repl_append", "partition,leader_epoch,offset,count")                                \
    X(HW, "repl_hw", "partition,hw")                                                               \
    X(TRUNCATE, "repl_truncate", "partition,offset,removed,reason")                                \
    X(ISR_PROPOSE, "repl_isr_propose", "partition,partition_epoch,isr_count,change")               \
    X(PRODUCE_DONE, "repl_produce_done", "partition,acks,error,base_offset,count")                 \
    X(SEGMENT_DELETE, "repl_segment_delete", "partition,base_offset,log_start")

typedef enum repl_event {
#define REPL_EVENT_ENUM(id, name, fields) REPL_EV_##id,
    REPL_EVENTS(REPL_EVENT_ENUM)
#undef REPL_EVENT_ENUM
        REPL_EV_COUNT
} repl_event;

const char *repl_event_name(repl_event ev);   /* "repl_hw", ... */
const char *repl_event_fields(repl_event ev); /* "partition,hw", ... */

/* Callbacks the world implements. Each borrows its pointer arguments for the call. */
typedef struct repl_ops {
    /* Sends a message (body copied by the callee, bytes <= REPL_MSG_BYTES_MAX) from
     * endpoint `from` to endpoint `to`; it arrives, if it does, via repl_deliver. */
    void (*send)(void *ctx, int32_t from, int32_t to, repl_msg_kind kind, const void *body,
                 uint32_t bytes);
    /* The endpoint of the active controller as `broker_index` knows it, or -1. */
    int32_t (*controller_endpoint)(void *ctx, uint32_t broker_index);
    /* An AlterPartition arrived at `controller_endpoint` from broker `from_broker`. The
     * controller answers later with repl_alter_partition_reply. */
    void (*alter_partition)(void *ctx, int32_t controller_endpoint, uint32_t from_broker,
                            const repl_alter_req *req);
    /* Leader-side metadata: may broker `broker_id` join an ISR (registered, unfenced,
     * not in controlled shutdown)? NULL: always. */
    bool (*isr_eligible)(void *ctx, uint32_t leader_broker, int32_t broker_id);
    /* Something worth tracing happened on broker `broker_id` (Kafka id); `fields` holds
     * the values named by repl_event_fields(ev), in order. NULL: not reported. */
    void (*event)(void *ctx, int32_t broker_id, repl_event ev, const int64_t *fields);
    /* A parked acks=all produce finished on `broker_index`. */
    void (*produce_done)(void *ctx, uint32_t broker_index, const repl_produce_result *res);
} repl_ops;

typedef struct repl_waiting { /* a parked acks=all (DelayedProduce) */
    bool used;
    repl_produce_req req;
    int64_t base_offset, last_offset;
    int32_t leader_epoch;
    sim_timer timer; /* REQUEST_TIMED_OUT at the produce timeout */
} repl_waiting;

typedef struct repl_fetch_entry {
    int64_t fetch_offset;
    int64_t follower_hw; /* what the leader last told it: stands for the KIP-227 session's
                            memory, so unchanged partitions are left out of responses */
    uint32_t partition_index;
    int32_t last_fetched_epoch;   /* -1: none */
    int32_t current_leader_epoch; /* the follower's view */
    int32_t pad;
} repl_fetch_entry;

typedef struct repl_fetch_req {
    uint32_t request_id;
    uint32_t follower; /* broker index */
    uint32_t entry_count;
    uint32_t pad;
    repl_fetch_entry entries[REPL_FETCH_ENTRIES_MAX];
} repl_fetch_req;

static_assert(sizeof(repl_fetch_req) <= REPL_MSG_BYTES_MAX, "a Fetch request fits a message");

/* Leader side of a fetch session: a long-polled Fetch. */
typedef struct repl_session {
    bool parked;
    repl_fetch_req req;
    sim_timer timer;
} repl_session;

/* Follower side: the fetcher for one leader. */
typedef struct repl_fetcher {
    bool in_flight;
    uint32_t request_id;
    uint32_t cursor; /* first partition of the next request, rotates */
    sim_timer timer; /* backoff or request timeout */
    bool backing_off;
} repl_fetcher;

typedef struct repl_broker {
    bool alive;
    sim_timer isr_timer, flush_timer, checkpoint_timer, retention_timer;
    repl_waiting *waiting; /* [produce_waiting_max] */
} repl_broker;

typedef struct repl {
    sim_engine *engine;
    repl_config cfg;
    repl_bugs bugs;
    repl_ops ops;
    void *ops_ctx;
    uint32_t broker_count;
    uint32_t partition_count;
    int32_t broker_ids[REPL_BROKERS_MAX];
    int32_t endpoints[REPL_BROKERS_MAX];
    repl_broker brokers[REPL_BROKERS_MAX];
    repl_replica *replicas; /* [broker * partition_count + partition] */
    repl_session *sessions; /* [leader * broker_count + follower] */
    repl_fetcher *fetchers; /* [follower * broker_count + leader] */
    uint32_t *min_isr;      /* [partition]: the topic's min.insync.replicas */
    uint16_t timer_handler;
    uint32_t next_request_id;
    uint64_t fetches, fetch_responses, truncations, isr_proposals, records_appended;
} repl;

/* Takes every table from the arena. `broker_ids` and `endpoints` are copied. */
void repl_init(repl *r, sim_engine *e, sim_arena *arena, const repl_config *cfg,
               uint32_t broker_count, const int32_t *broker_ids, const int32_t *endpoints,
               uint32_t partition_count, const repl_ops *ops, void *ops_ctx);

/* Bytes repl_init will take from the arena, for the world's sizing. */
size_t repl_arena_bytes(const repl_config *cfg, uint32_t broker_count, uint32_t partition_count);

/* Broker `broker_index` applied a broker registration record (fence, unfence, register):
 * ISR eligibility may have changed, so every partition it leads looks at its HW again. */
void repl_broker_metadata_changed(repl *r, uint32_t broker_index);

/* The topic-level min.insync.replicas of one partition (default: cfg's). */
void repl_set_min_insync(repl *r, uint32_t partition_index, uint32_t min_insync_replicas);

/* Process life. start/restart arm the periodic tasks; the caller brings the endpoint
 * up first. crash: the page cache survives; power_off: unflushed tails are lost. Both
 * forget roles and parked requests (call them when the engine endpoint goes down). */
void repl_broker_start(repl *r, uint32_t broker_index);
void repl_broker_crash(repl *r, uint32_t broker_index);
void repl_broker_power_off(repl *r, uint32_t broker_index);

/* Broker `broker_index` applied a partition registration from the metadata log (or an
 * initial image). Older or equal partition epochs are ignored. */
void repl_apply_partition(repl *r, uint32_t broker_index, uint32_t partition_index,
                          const kpc_reg *reg);

/* Produce one batch to the replica on `broker_index` (precondition: the broker is
 * alive; req is copied). Returns true when answered now (*out set: any error, acks 0
 * and 1, or acks=all already covered by the HW); false when parked (acks=all):
 * ops.produce_done reports the answer later, at the latest after req->timeout_us. A
 * crash forgets parked requests without an answer (the client's connection broke). */
bool repl_produce(repl *r, uint32_t broker_index, const repl_produce_req *req,
                  repl_produce_result *out);

/* The controller answers an AlterPartition: error KPC_ERR_* and, on success, the
 * registration after the change. Sent as a message from `controller_endpoint`. */
void repl_alter_partition_reply(repl *r, int32_t controller_endpoint, uint32_t to_broker,
                                uint32_t partition_index, int32_t error, const kpc_reg *reg);

/* A message sent with ops.send arrived at endpoint `to` (borrows body). */
void repl_deliver(repl *r, repl_msg_kind kind, int32_t from, int32_t to, const void *body,
                  uint32_t bytes);

/* Queries. */
const repl_replica *repl_replica_get(const repl *r, uint32_t broker_index,
                                     uint32_t partition_index);
/* The record at `offset`, or NULL if outside [log_start, leo). Returns view. */
const repl_record *repl_record_at(const repl *r, uint32_t broker_index, uint32_t partition_index,
                                  int64_t offset);
uint32_t repl_broker_index(const repl *r, int32_t broker_id); /* UINT32_MAX if unknown */

#endif
