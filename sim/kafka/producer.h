/*
 * producer.h — Kafka producers: the workload, the partitioner, the record accumulator,
 *   the sender with acks, retries, timeouts and idempotence, and the history of every
 *   record from send to its final outcome.
 *
 * Role: the world creates one `prod_client` per scenario producer; each is a network
 *   endpoint of its own (a client, after the nodes). It generates records at the
 *   scenario's rate, places each on a partition (Kafka's built-in partitioner), batches
 *   them per partition (`linger.ms`, `batch.size`), sends each batch as a Produce request
 *   to the partition's leader as its metadata names it, and handles the answer. Messages
 *   leave through `prod_ops.send` and come back through `prod_deliver`; the brokers' side
 *   (repl_produce, metadata images) is the world's.
 * Model (kafka-semantics.md §1.1, §2, §3.4; Kafka 4.0 KafkaProducer, RecordAccumulator,
 *   Sender, BuiltInPartitioner, TransactionManager; the rule is cited where it is used):
 *   - Partitioner (§2): a keyed record goes to toPositive(murmur2(key)) % partitions (all
 *     partitions, available or not). A null key (or partitioner.ignore.keys) uses the
 *     built-in uniform sticky partitioner of KIP-794: the producer stays on one partition
 *     until batch.size bytes were appended to it, then draws the next among partitions
 *     with a known leader, uniformly (partitioner.h says why adaptive weighting is not
 *     modelled). The legacy
 *     option is the <= 2.3 DefaultPartitioner: null keys round-robin over available
 *     partitions from a random start.
 *   - Accumulator: one open batch per partition; a batch is full when the next record
 *     would take it past batch.size bytes (a record larger than batch.size gets a batch of
 *     its own); it is sendable when full or linger.ms after its first record, or when it
 *     is a retry whose backoff has passed. Memory is bounded like buffer.memory: when
 *     every batch slot is taken, the application blocks and the record is not produced
 *     (counted as `blocked`).
 *   - Sender: a batch goes to its partition's leader when the producer knows one and has
 *     fewer than max.in.flight.requests.per.connection requests in flight to that broker.
 *     request.timeout.ms without an answer breaks the connection (NETWORK_EXCEPTION).
 *     Retriable errors (NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS,
 *     NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT, NETWORK_EXCEPTION,
 *     KAFKA_STORAGE_ERROR, the leader-epoch errors) are retried after retry.backoff.ms,
 *     growing exponentially to retry.backoff.max.ms with +-20% jitter (KIP-580), while
 *     attempts <= retries and delivery.timeout.ms has not passed since the batch was
 *     created; a batch past its delivery timeout fails with REQUEST_TIMED_OUT (Kafka's
 *     TimeoutException "Expiring N record(s)"), in the accumulator or in flight
 *     (Sender.getExpiredInflightBatches). Leader errors and broken connections ask for
 *     new metadata. A refused connection (the broker's process is down, or it has not
 *     caught up since it started) is no attempt: the batch waits, the node is tried again
 *     after reconnect.backoff.ms, doubling to reconnect.backoff.max.ms with +-20% jitter
 *     (NetworkClient), and the producer asks for metadata.
 *   - acks=0: no answer is awaited; the request is done when it is sent and its records
 *     count as unconfirmed. acks=1 and all: acked on a NONE answer with the base offset.
 *   - Idempotence (KIP-98, KIP-679): a producer id and, per partition, sequence numbers
 *     from 0 assigned when a batch is first sent; a retried batch keeps its sequence and
 *     batches of a partition are sent in sequence order; OUT_OF_ORDER_SEQUENCE_NUMBER is
 *     retried while an earlier batch of the partition is unfinished, else fatal for the
 *     batch. The broker answers a duplicate with the original offsets.
 *   - Metadata: a Metadata request to one broker at a time (rotating), answered from
 *     that broker's metadata image: each partition's leader and leader epoch. Refreshed
 *     at start, when a leader is unknown or wrong, and every metadata.max.age.ms.
 * Owns / borrows: every table (arena, taken in prod_init); borrows engine and ops ctx.
 * Invariants (SIM_ASSERT): a record is in at most one batch; a batch's records are its
 *   partition's consecutive sequence numbers; in-flight counts match the batches marked
 *   in flight; a record's final state is set once.
 * Determinism: one RNG stream per producer (SIM_STREAM_PRODUCER, producer index) for
 *   keys, the sticky partitioner and backoff jitter; partitions and batches iterated by
 *   index.
 * Not modelled: one Produce request carries one partition's batch (Kafka drains every
 *   ready batch for a broker into one request, so max.in.flight counts batches here);
 *   compression; transactions; InitProducerId (the producer id is given at start);
 *   max.block.ms (a blocked record is simply not produced); epoch bumps after fatal
 *   sequence errors; partitioner.availability.timeout.ms; batches hold at most
 *   PROD_BATCH_RECORDS_MAX records.
 */
#ifndef KAFKA_PRODUCER_H
#define KAFKA_PRODUCER_H

#include "../core/sim_arena.h"
#include "../core/sim_engine.h"
#include "../core/sim_rng.h"
#include "partitioner.h"
#include "replication.h"

#define PROD_CLIENTS_MAX       8u /* producers in one run (REPL_PRODUCERS_MAX ids) */
#define PROD_BATCH_RECORDS_MAX REPL_BATCH_RECORDS_MAX
#define PROD_BATCHES_MAX       2048u /* buffer.memory / batch.size at Kafka's defaults */
#define PROD_IN_FLIGHT_MAX     32u   /* max.in.flight.requests.per.connection limit here */
#define PROD_BURSTS_MAX        16u
#define PROD_NO_LEADER         (-1)

/* Kafka's error names the producer can see (Errors.java codes). */
#define PROD_ERRORS(X)                                                                             \
    X(NONE, 0, "NONE")                                                                             \
    X(REQUEST_TIMED_OUT, 7, "REQUEST_TIMED_OUT")                                                   \
    X(NOT_LEADER_OR_FOLLOWER, 6, "NOT_LEADER_OR_FOLLOWER")                                         \
    X(NETWORK_EXCEPTION, 13, "NETWORK_EXCEPTION")                                                  \
    X(NOT_ENOUGH_REPLICAS, 19, "NOT_ENOUGH_REPLICAS")                                              \
    X(NOT_ENOUGH_REPLICAS_AFTER_APPEND, 20, "NOT_ENOUGH_REPLICAS_AFTER_APPEND")                    \
    X(OUT_OF_ORDER_SEQUENCE_NUMBER, 45, "OUT_OF_ORDER_SEQUENCE_NUMBER")                            \
    X(KAFKA_STORAGE_ERROR, 56, "KAFKA_STORAGE_ERROR")                                              \
    X(FENCED_LEADER_EPOCH, 74, "FENCED_LEADER_EPOCH")                                              \
    X(UNKNOWN_LEADER_EPOCH, 75, "UNKNOWN_LEADER_EPOCH")

typedef enum prod_error {
#define PROD_ERR_ENUM(id, code, name) PROD_ERR_##id,
    PROD_ERRORS(PROD_ERR_ENUM)
#undef PROD_ERR_ENUM
        PROD_ERR_COUNT
} prod_error;

const char *prod_error_name(prod_error e);
/* The prod_error of a Kafka error code (PROD_ERR_COUNT if the producer cannot see it). */
prod_error prod_error_of_code(int32_t code);

typedef enum prod_partitioner {
    PROD_PARTITIONER_BUILT_IN = 0,       /* Kafka 3.3+ (KIP-794): uniform sticky for null keys */
    PROD_PARTITIONER_LEGACY_ROUND_ROBIN, /* <= 2.3 DefaultPartitioner: null keys round-robin */
} prod_partitioner;

typedef struct prod_config {
    int32_t acks;                      /* acks [all = -1]: 0, 1 or -1 */
    uint32_t retries;                  /* retries [2147483647] */
    sim_time delivery_timeout_us;      /* delivery.timeout.ms [120 s] */
    sim_time request_timeout_us;       /* request.timeout.ms [30 s] */
    sim_time linger_us;                /* linger.ms [5 ms in 4.0] */
    sim_time retry_backoff_us;         /* retry.backoff.ms [100 ms] */
    sim_time retry_backoff_max_us;     /* retry.backoff.max.ms [1 s] */
    sim_time metadata_max_age_us;      /* metadata.max.age.ms [300 s] */
    sim_time reconnect_backoff_us;     /* reconnect.backoff.ms [50 ms] */
    sim_time reconnect_backoff_max_us; /* reconnect.backoff.max.ms [1 s] */
    uint32_t batch_size;               /* batch.size [16384] bytes */
    uint32_t max_in_flight;            /* max.in.flight.requests.per.connection [5] */
    bool idempotence;                  /* enable.idempotence, after KIP-679's rules [true] */
    bool ignore_keys;                  /* partitioner.ignore.keys [false] */
    prod_partitioner partitioner;
} prod_config;

void prod_config_default(prod_config *cfg);

typedef struct prod_burst {
    sim_time at_us, for_us;
    uint32_t rate; /* records per second during the burst */
} prod_burst;

/* What the application does: records of `value_bytes`, `rate` per second (evenly
 * spaced), keys drawn uniformly from "key-0" .. "key-(keys-1)" (0: null keys), from
 * start_us until stop_us (exclusive). */
typedef struct prod_workload {
    uint32_t first_partition; /* global index of the topic's partition 0 */
    uint32_t partition_count;
    uint32_t rate;
    uint32_t keys;
    uint32_t value_bytes;
    sim_time start_us, stop_us;
    prod_burst bursts[PROD_BURSTS_MAX];
    uint32_t burst_count;
} prod_workload;

/* Records a workload produces at most between start and stop (the history's size). */
uint64_t prod_workload_records(const prod_workload *wl);

typedef enum prod_rec_state {
    PROD_REC_PENDING = 0, /* in the accumulator or in flight */
    PROD_REC_ACKED,
    PROD_REC_FAILED,
    PROD_REC_UNCONFIRMED, /* sent with acks=0: the producer never learns */
} prod_rec_state;

/* One record, from send() to its outcome (the Jepsen-style history). */
typedef struct prod_rec {
    sim_time created_us;
    sim_time done_us;   /* acked or failed, 0 while pending */
    int64_t offset;     /* acked: its offset in the partition; -1 otherwise */
    uint32_t partition; /* global index */
    uint32_t pseq;      /* its number among this producer's records to the partition */
    uint8_t state;      /* prod_rec_state */
    uint8_t error;      /* prod_error of a failure */
    uint16_t pad;
    uint32_t pad2;
} prod_rec;

typedef struct prod_batch {
    bool used, in_flight, ever_sent;
    uint32_t partition;
    uint32_t first_pseq;
    uint32_t count;
    uint32_t bytes;
    uint32_t next; /* next batch of the partition's queue, UINT32_MAX at the end */
    uint32_t attempts;
    int32_t broker_id;   /* where it is in flight */
    uint32_t request_id; /* of the request in flight */
    sim_time created_us;
    sim_time retry_at_us;                  /* not before (backoff), 0 none */
    sim_time deadline_us;                  /* request timeout of the attempt in flight */
    uint32_t recs[PROD_BATCH_RECORDS_MAX]; /* history indexes */
} prod_batch;

/* Net bodies. The world carries them between producer and brokers. */
typedef struct prod_metadata_req {
    uint32_t producer;
    uint32_t request_id;
} prod_metadata_req;

typedef struct prod_metadata_resp {
    uint32_t producer;
    uint32_t request_id;
    int32_t broker_id;
} prod_metadata_resp;

/* A Produce request is a repl_produce_req whose request_id is
 * (producer << 32) | request number; the answer is a repl_produce_result. */
#define PROD_REQUEST_ID(producer, n) (((uint64_t)(producer) << 32) | (uint64_t)(n))
#define PROD_REQUEST_PRODUCER(id)    ((uint32_t)((id) >> 32))

typedef enum prod_msg_kind {
    PROD_MSG_PRODUCE = 0,
    PROD_MSG_PRODUCE_RESPONSE,
    PROD_MSG_METADATA,
    PROD_MSG_METADATA_RESPONSE,
    PROD_MSG_KIND_COUNT
} prod_msg_kind;

#define PROD_EVENTS(X)                                                                             \
    X(SEND, "producer_send", "partition,broker,records,sequence,attempt")                          \
    X(RESPONSE, "producer_response", "partition,broker,error,base_offset,records")                 \
    X(RETRY, "producer_retry", "partition,error,attempt,backoff_us")                               \
    X(FAIL, "producer_fail", "partition,error,records")                                            \
    X(METADATA, "producer_metadata", "broker,leaders_known")

typedef enum prod_event {
#define PROD_EVENT_ENUM(id, name, fields) PROD_EV_##id,
    PROD_EVENTS(PROD_EVENT_ENUM)
#undef PROD_EVENT_ENUM
        PROD_EV_COUNT
} prod_event;

typedef struct prod_ops {
    /* Sends a body (copied) from producer endpoint `from` to broker endpoint `to`.
     * Returns false when the connection is refused (the broker's process is down), as
     * TCP tells a client at once; the message is then not sent. */
    bool (*send)(void *ctx, int32_t from, int32_t to, prod_msg_kind kind, const void *body,
                 uint32_t bytes);
    /* Something worth tracing happened on producer `producer`. */
    void (*event)(void *ctx, uint32_t producer, prod_event ev, const int64_t *fields);
} prod_ops;

typedef struct prod_client {
    uint32_t index;
    int32_t endpoint;
    const char *name;
    prod_config cfg;
    prod_workload wl;
    sim_rng rng;
    int64_t producer_id; /* -1 without idempotence */
    bool running;        /* between start and stop */
    /* Metadata: per partition of the topic. */
    int32_t *leader;       /* [partition_count]: broker id or PROD_NO_LEADER */
    int32_t *leader_epoch; /* [partition_count] */
    int32_t *staged_leader, *staged_epoch;
    uint32_t staged_request;
    bool metadata_in_flight;
    bool metadata_wanted;
    uint32_t metadata_request;
    uint32_t metadata_broker; /* rotating index into the broker list */
    sim_time metadata_deadline_us;
    sim_time metadata_next_us; /* not before (backoff) */
    sim_time metadata_refreshed_us;
    /* Partitioner (partitioner.h), over the topic's partitions. */
    kpart_sticky sticky;
    kpart_round_robin round_robin;
    bool *available; /* [partition_count]: a leader is known */
    /* Accumulator. */
    prod_batch *batches; /* [PROD_BATCHES_MAX] */
    uint32_t batch_used;
    uint32_t batch_top;        /* one past the highest slot in use: loops stop there */
    uint32_t *q_head, *q_tail; /* [partition_count]: batch indexes, UINT32_MAX empty */
    uint32_t *q_len;           /* [partition_count] */
    uint32_t *next_pseq;       /* [partition_count] */
    uint32_t *seq_base;        /* [partition_count]: pseq of sequence 0 (KIP-360 resets) */
    bool bump_pending;         /* a batch failed: new epoch once nothing is in flight */
    uint32_t *in_flight;       /* [broker]: requests in flight to each broker */
    sim_time *reconnect_at;    /* [broker]: no connection attempt before (refused) */
    uint32_t *refusals;        /* [broker]: connections refused in a row */
    uint32_t next_request;
    uint32_t drain_cursor;
    /* History. */
    prod_rec *recs;
    uint32_t rec_count, rec_capacity;
    uint64_t gen_acc; /* microsecond remainder of the even spacing, times the rate */
    /* Timers. */
    sim_timer gen_timer, wake_timer;
    /* Counts. */
    uint64_t sent, acked, failed, unconfirmed, blocked, bytes_acked;
    uint64_t errors[PROD_ERR_COUNT]; /* error answers and client-side errors, by name */
} prod_client;

typedef struct prod_set {
    sim_engine *engine;
    prod_ops ops;
    void *ops_ctx;
    uint32_t count;
    prod_client *clients;
    uint32_t broker_count;
    int32_t broker_ids[SIM_NODES_MAX];
    int32_t broker_endpoints[SIM_NODES_MAX];
    uint16_t gen_handler, wake_handler;
} prod_set;

typedef struct prod_spec {
    const char *name;
    prod_config cfg;
    prod_workload wl;
    int32_t endpoint;
} prod_spec;

/* Bytes prod_init takes from the arena for these producers. */
size_t prod_arena_bytes(const prod_spec *specs, uint32_t count);
/* Takes every table from the arena; copies specs (names are kept). Brokers are listed by
 * id with their endpoints. */
void prod_init(prod_set *ps, sim_engine *e, sim_arena *arena, uint64_t seed, const prod_spec *specs,
               uint32_t count, uint32_t broker_count, const int32_t *broker_ids,
               const int32_t *broker_endpoints, const prod_ops *ops, void *ops_ctx);

/* Arms each producer's start (call once, at the run's start). */
void prod_start_all(prod_set *ps);
/* Timeline actions: start now (no-op if running) / stop producing new records (what is
 * queued is still sent). Return false when nothing changed. */
bool prod_start(prod_set *ps, uint32_t producer);
bool prod_stop(prod_set *ps, uint32_t producer);

/* The broker side of a Metadata request: `broker_id` answers producer `producer` with
 * its image; `leader`/`epoch` are indexed by the topic's partitions. Copied into the
 * producer's staging table, applied when the response arrives. */
void prod_stage_metadata(prod_set *ps, uint32_t producer, uint32_t request_id, int32_t broker_id,
                         const int32_t *leader, const int32_t *epoch);

/* A message for a producer arrived (borrows body). */
void prod_deliver(prod_set *ps, prod_msg_kind kind, int32_t from, int32_t to, const void *body,
                  uint32_t bytes);

/* The process of the broker at `broker_endpoint` crashed: its connections reset, and
 * every request in flight to it fails with NETWORK_EXCEPTION now. */
void prod_connection_reset(prod_set *ps, int32_t broker_endpoint);

/* The producer whose endpoint is `endpoint`, or UINT32_MAX. */
uint32_t prod_by_endpoint(const prod_set *ps, int32_t endpoint);

#endif
