/*
 * scenario.h — a validated scenario, as plain C structs, and the loader's entry points.
 *
 * Role: `scn_load_file` reads a scenario file (spec §2), applies `--set` overrides,
 *   validates everything and either returns a complete `scn_config` or diagnostics
 *   (`file:line:col: error: ... [json-path]`) and SIM_EINVALID. The world is created
 *   only from a complete config; nothing is simulated from a partly valid file.
 * Model: the scenario format, `"format": 1`, and Kafka's config names and Kafka 4.0
 *   defaults (shared/reference/kafka-semantics.md §1.3) for what this build models.
 * Owns / borrows: a config owns all its strings and arrays (heap; `scn_config_free`).
 *   No jansson type escapes the loader (style C.5).
 * Invariants: every field holds a value inside its documented limits; node ids are
 *   unique and sorted ascending; timeline actions are sorted by `at` (stable: file
 *   order breaks ties); every node a target names exists, and every partition target
 *   names a topic of `topics` and a partition below its count.
 * Determinism: object key order never matters; arrays keep file order.
 * Not modelled: keys of later models (capacity) are rejected with "not modelled yet";
 *   so are `consumer_groups`, the actions add_consumer / remove_consumer and the targets
 *   "coordinator:GROUP" / "GROUP/N" while `scn_groups_enabled` is false (the default,
 *   until the world runs groups).
 */
#ifndef SCENARIO_H
#define SCENARIO_H

#include "../core/sim_types.h"

#include <stdio.h>

/* ---------------------------------------------------------------------------------
 * Diagnostics
 * ------------------------------------------------------------------------------- */

#define SCN_DIAG_ERRORS_MAX 32u /* more are counted, not shown */

/* Text of all diagnostics, ready to print (each ends in '\n'). */
typedef struct scn_diags {
    char *text; /* owned; NUL-terminated; may be NULL when empty */
    size_t text_bytes;
    uint32_t error_count; /* including those not shown */
    uint32_t warning_count;
} scn_diags;

void scn_diags_free(scn_diags *d);

/* ---------------------------------------------------------------------------------
 * Config
 * ------------------------------------------------------------------------------- */

typedef enum scn_cluster_mode {
    SCN_MODE_COMBINED = 0,
    SCN_MODE_DEDICATED,
    SCN_MODE_EXPLICIT, /* "nodes": [...] */
} scn_cluster_mode;

typedef struct scn_node {
    int32_t id; /* Kafka node id */
    bool controller;
    bool broker;
    const char *rack; /* NULL when absent */
} scn_node;

typedef enum scn_raft_variant {
    SCN_RAFT_KRAFT = 0,
    SCN_RAFT_CLASSIC,
} scn_raft_variant;

/* Kafka's names in comments; Kafka 4.0 defaults in brackets. */
typedef struct scn_kraft_config {
    uint32_t election_timeout_ms;           /* controller.quorum.election.timeout.ms [1000] */
    uint32_t fetch_timeout_ms;              /* controller.quorum.fetch.timeout.ms [2000] */
    uint32_t election_backoff_max_ms;       /* controller.quorum.election.backoff.max.ms [1000] */
    uint32_t request_timeout_ms;            /* controller.quorum.request.timeout.ms [2000] */
    uint32_t retry_backoff_ms;              /* controller.quorum.retry.backoff.ms [20] */
    uint32_t append_linger_ms;              /* controller.quorum.append.linger.ms [25] */
    uint32_t broker_heartbeat_interval_ms;  /* broker.heartbeat.interval.ms [2000] */
    uint32_t broker_session_timeout_ms;     /* broker.session.timeout.ms [9000] */
    uint32_t metadata_max_idle_interval_ms; /* metadata.max.idle.interval.ms [500] */
} scn_kraft_config;

typedef struct scn_classic_config {
    sim_time election_timeout_min_us; /* [150ms] */
    sim_time election_timeout_max_us; /* [300ms] */
    sim_time heartbeat_us;            /* [75ms] */
} scn_classic_config;

typedef enum scn_action_kind {
    SCN_ACT_CRASH = 0,
    SCN_ACT_RESTART,
    SCN_ACT_SHUTDOWN,
    SCN_ACT_POWER_OFF,
    SCN_ACT_PAUSE,
    SCN_ACT_RESUME,
    SCN_ACT_TIMEOUT,
    SCN_ACT_ISOLATE,
    SCN_ACT_PARTITION,
    SCN_ACT_CUT,
    SCN_ACT_LINK,
    SCN_ACT_HEAL,
    SCN_ACT_NOTE,
    SCN_ACT_START_PRODUCER,
    SCN_ACT_STOP_PRODUCER,
    SCN_ACT_ADD_CONSUMER,
    SCN_ACT_REMOVE_CONSUMER,
    SCN_ACT_COUNT
} scn_action_kind;

/* The `do` string of each action kind ("crash", "power_off", ...). */
const char *scn_action_name(scn_action_kind kind);

typedef enum scn_target_kind {
    SCN_TARGET_NONE = 0,           /* absent */
    SCN_TARGET_NODE,               /* a node id */
    SCN_TARGET_CONTROLLER_LEADER,  /* "controller-leader", resolved when the action runs */
    SCN_TARGET_LABEL,              /* "@LABEL": what an earlier labelled action resolved to */
    SCN_TARGET_PARTITION_LEADER,   /* "leader:TOPIC-P": that partition's leader now */
    SCN_TARGET_PARTITION_FOLLOWER, /* "follower:TOPIC-P": its lowest-id follower now */
    SCN_TARGET_CLIENT,             /* a producer's name: that client endpoint (network
                                      actions only: isolate, heal, partition, cut, link) */
    SCN_TARGET_COORDINATOR,        /* "coordinator:GROUP": the group's coordinator now */
    SCN_TARGET_CONSUMER,           /* "GROUP/N": member N of a group (network actions) */
} scn_target_kind;

typedef struct scn_target {
    scn_target_kind kind;
    int32_t node_id;    /* SCN_TARGET_NODE */
    const char *label;  /* SCN_TARGET_LABEL, without the '@' */
    uint32_t topic;     /* SCN_TARGET_PARTITION_*: index into scn_config.topics */
    uint32_t partition; /* SCN_TARGET_PARTITION_*: partition number */
    uint32_t client;    /* SCN_TARGET_CLIENT: index into scn_config.producers */
    uint32_t group;     /* SCN_TARGET_COORDINATOR, _CONSUMER: index into scn_config.groups */
    uint32_t member;    /* SCN_TARGET_CONSUMER: member number */
} scn_target;

typedef struct scn_action {
    sim_time at_us;
    scn_action_kind kind;
    uint32_t index;    /* position in the file's timeline array, from 0 */
    uint32_t line;     /* line of the action object in the file, for messages */
    const char *label; /* "label": names what `node` resolved to; NULL if none */
    scn_target node;   /* crash, restart, shutdown, power_off, pause, resume,
                          timeout, isolate, heal (optional) */
    sim_time for_us;   /* pause: 0 = until resume */
    scn_target a, b;   /* cut: from, to; link and heal: a, b */
    /* link: */
    sim_time latency_min_us, latency_max_us;
    uint32_t loss_ppm;
    bool has_latency, has_loss;
    /* partition: side_count sides; member i is members[i] on side side_index[i]. */
    uint32_t side_count;
    uint32_t member_count;
    scn_target *members;
    uint32_t *side_index;
    const char *text;  /* note */
    uint32_t producer; /* start_producer, stop_producer: index into scn_config.producers */
    /* add_consumer, remove_consumer: */
    uint32_t group; /* index into scn_config.groups */
    int32_t member; /* remove_consumer: member number; -1 = the highest alive */
    bool graceful;  /* remove_consumer: true = close() (LeaveGroup), false = crash [true] */
} scn_action;

typedef enum scn_op {
    SCN_OP_EQ = 0,
    SCN_OP_NE,
    SCN_OP_LT,
    SCN_OP_LTE,
    SCN_OP_GT,
    SCN_OP_GTE
} scn_op;

const char *scn_op_name(scn_op op);

/* Whether `path` names a numeric field of the run summary (spec §3) that `expect` may
 * use: fixed paths such as "controller.elections", and "consumers.groups.<group>.<field>",
 * "producers.by_name.<name>.<field>", "producers.errors.<ERROR>",
 * "invariants.<checker>.violations". The table is in metrics.c. */
bool scn_metric_known(const char *path);

typedef struct scn_expect {
    const char *metric; /* dotted path into the run summary */
    scn_op op;
    double value; /* not model state: compared with the printed summary */
    uint32_t line;
} scn_expect;

/* Kafka's broker/topic-level configs this build models (cluster.config), with Kafka 4.0
 * defaults in brackets; a topic's own `config` overrides the first two. */
typedef struct scn_kafka_config {
    uint32_t min_insync_replicas;        /* min.insync.replicas [1] */
    bool unclean_leader_election_enable; /* unclean.leader.election.enable [false] */
    uint32_t replica_lag_time_max_ms;    /* replica.lag.time.max.ms [30000] */
    uint32_t replica_fetch_wait_max_ms;  /* replica.fetch.wait.max.ms [500] */
} scn_kafka_config;

/* Limits of `topics`, checked by the loader before it takes memory for what they bound.
 * A replica set is at most SCN_REPLICATION_FACTOR_MAX brokers (the model's
 * KPC_REPLICAS_MAX; a static_assert in topics.c keeps them in step). */
#define SCN_TOPICS_MAX             64u   /* topics in one scenario */
#define SCN_TOPIC_PARTITIONS_MAX   1024u /* partitions of one topic */
#define SCN_PARTITIONS_MAX         4096u /* partitions of all topics together */
#define SCN_REPLICATION_FACTOR_MAX 8u    /* replicas of one partition */
#define SCN_TOPIC_NAME_MAX         249u  /* Kafka's Topic.MAX_NAME_LENGTH */

/* A topic created when the cluster starts (spec §2 `topics`). */
typedef struct scn_topic {
    const char *name;
    uint32_t partitions;                 /* >= 1 */
    uint32_t replication_factor;         /* >= 1; with `assignment`, its rows' length */
    int32_t *assignment;                 /* NULL, or [partitions * replication_factor] broker ids,
                                            row p = the replicas of partition p in order */
    uint32_t min_insync_replicas;        /* config or cluster default */
    bool unclean_leader_election_enable; /* config or cluster default */
    uint32_t line;                       /* in the file, for messages */
} scn_topic;

/* Limits of `producers` (checked before the memory they bound is taken). */
#define SCN_PRODUCERS_MAX     8u           /* producers in one scenario */
#define SCN_PRODUCER_RATE_MAX 100000u      /* records per second of one producer */
#define SCN_PRODUCER_KEYS_MAX 1000000u     /* distinct keys of one producer */
#define SCN_VALUE_BYTES_MAX   1048576u     /* Kafka's max.request.size */
#define SCN_BURSTS_MAX        16u          /* bursts of one producer */
#define SCN_RECORDS_MAX       4000000ull   /* records of all producers over a run */
#define SCN_LOG_BYTES_MAX     (1ull << 30) /* memory for every replica's log, in all */

typedef enum scn_partitioner {
    SCN_PARTITIONER_BUILT_IN = 0,       /* "built-in": Kafka 3.3+ (KIP-794) */
    SCN_PARTITIONER_LEGACY_ROUND_ROBIN, /* "legacy-round-robin": <= 2.3 DefaultPartitioner */
} scn_partitioner;

typedef struct scn_burst {
    sim_time at_us, for_us;
    uint32_t rate;
} scn_burst;

/* A producer (spec §2 `producers`): the workload and Kafka's producer configs, after
 * Kafka's own post-processing (KIP-679 idempotence, the delivery timeout floor). */
typedef struct scn_producer {
    const char *name;
    uint32_t topic;       /* index into scn_config.topics */
    uint32_t rate;        /* records per second, >= 1 */
    uint32_t keys;        /* 0: null keys */
    uint32_t value_bytes; /* >= 1 */
    sim_time start_us, stop_us;
    scn_burst bursts[SCN_BURSTS_MAX];
    uint32_t burst_count;
    scn_partitioner partitioner;
    int32_t acks;                      /* acks [all]: 0, 1, -1 */
    uint32_t retries;                  /* retries [2147483647] */
    uint32_t delivery_timeout_ms;      /* delivery.timeout.ms [120000] */
    uint32_t request_timeout_ms;       /* request.timeout.ms [30000] */
    uint32_t linger_ms;                /* linger.ms [5] */
    uint32_t batch_size;               /* batch.size [16384] */
    uint32_t max_in_flight;            /* max.in.flight.requests.per.connection [5] */
    uint32_t retry_backoff_ms;         /* retry.backoff.ms [100] */
    uint32_t retry_backoff_max_ms;     /* retry.backoff.max.ms [1000] */
    uint32_t metadata_max_age_ms;      /* metadata.max.age.ms [300000] */
    uint32_t reconnect_backoff_ms;     /* reconnect.backoff.ms [50] */
    uint32_t reconnect_backoff_max_ms; /* reconnect.backoff.max.ms [1000] */
    bool idempotence;                  /* enable.idempotence [true, unless KIP-679 says off] */
    bool ignore_keys;                  /* partitioner.ignore.keys [false] */
    uint64_t records_max;              /* records it can produce over the run (sizing) */
    uint32_t line;
} scn_producer;

/* Limits of `consumer_groups` (checked before the memory they bound is taken). */
#define SCN_GROUPS_MAX             8u    /* consumer groups in one scenario */
#define SCN_GROUP_MEMBERS_MAX      32u   /* members of one group over the run (adds included) */
#define SCN_GROUP_TOPICS_MAX       8u    /* topics one group subscribes to */
#define SCN_GROUP_PARTITIONS_MAX   256u  /* partitions of a group's topics together */
#define SCN_GROUP_ID_MAX           64u   /* characters of a group id */
#define SCN_OFFSETS_PARTITIONS_MAX 1000u /* offsets.topic.num.partitions (cluster.config) */

typedef enum scn_commit_mode {
    SCN_COMMIT_AUTO = 0,          /* "auto": enable.auto.commit, every interval in poll */
    SCN_COMMIT_AFTER_PROCESSING,  /* "after_processing": commitSync after each batch */
    SCN_COMMIT_BEFORE_PROCESSING, /* "before_processing": commitSync, then process */
} scn_commit_mode;

typedef enum scn_offset_reset {
    SCN_RESET_LATEST = 0, /* auto.offset.reset [latest] */
    SCN_RESET_EARLIEST,
    SCN_RESET_NONE,
} scn_offset_reset;

typedef enum scn_poison_policy {
    SCN_POISON_SKIP = 0, /* log and move past it */
    SCN_POISON_RETRY,    /* retry it forever: the partition is stuck */
    SCN_POISON_STOP,     /* the consumer stops (closes) */
} scn_poison_policy;

/* A consumer group (spec §2 `consumer_groups`) with Kafka's consumer configs. Members
 * are numbered from 0 (`GROUP/N` in targets); `members` of them start at `start`. */
typedef struct scn_group {
    const char *group;                     /* group.id */
    uint32_t topics[SCN_GROUP_TOPICS_MAX]; /* indexes into scn_config.topics, file order */
    uint32_t topic_count;                  /* >= 1 */
    uint32_t members;                      /* members started at `start` (0..) */
    uint32_t members_max;                  /* members + add_consumer actions (sizing) */
    sim_time processing_us;                /* time to process one record [0] */
    sim_time start_us;                     /* [0] */
    scn_commit_mode commit;                /* [auto when enable.auto.commit, else after] */
    bool static_members;                   /* "static": group.instance.id = GROUP-N */
    /* Consumer configs (ConsumerConfig, Kafka 4.0 defaults in brackets). */
    uint32_t strategies[4]; /* partition.assignment.strategy, kasg_strategy
                               values [range, cooperative-sticky] */
    uint32_t strategy_count;
    uint32_t session_timeout_ms;      /* session.timeout.ms [45000] */
    uint32_t heartbeat_interval_ms;   /* heartbeat.interval.ms [3000] */
    uint32_t max_poll_interval_ms;    /* max.poll.interval.ms [300000] */
    uint32_t max_poll_records;        /* max.poll.records [500] */
    uint32_t fetch_min_bytes;         /* fetch.min.bytes [1] */
    uint32_t fetch_max_wait_ms;       /* fetch.max.wait.ms [500] */
    uint32_t auto_commit_interval_ms; /* auto.commit.interval.ms [5000] */
    uint32_t request_timeout_ms;      /* request.timeout.ms [30000] */
    uint32_t retry_backoff_ms;        /* retry.backoff.ms [100] */
    bool enable_auto_commit;          /* enable.auto.commit [true] */
    scn_offset_reset offset_reset;    /* auto.offset.reset [latest] */
    /* An optional poison-pill record: processing the record at `offset` of partition
     * `partition` of topic `poison_topic` fails; the policy decides what follows. */
    bool has_poison;
    uint32_t poison_topic;
    uint32_t poison_partition;
    int64_t poison_offset;
    scn_poison_policy poison_policy;
    uint32_t line;
} scn_group;

/* Broker configs for groups (cluster.config), Kafka 4.0 defaults in brackets. */
typedef struct scn_group_broker_config {
    uint32_t initial_rebalance_delay_ms; /* group.initial.rebalance.delay.ms [3000] */
    uint32_t min_session_timeout_ms;     /* group.min.session.timeout.ms [6000] */
    uint32_t max_session_timeout_ms;     /* group.max.session.timeout.ms [1800000] */
    uint32_t offsets_partitions;         /* offsets.topic.num.partitions [50] */
    uint32_t offsets_replication_factor; /* offsets.topic.replication.factor [3] */
} scn_group_broker_config;

typedef struct scn_config {
    const char *path; /* the file it came from, as given */
    const char *name;
    const char *title; /* NULL when absent */
    const char *description;
    uint64_t seed;        /* [1] */
    sim_time duration_us; /* [60s] */

    scn_cluster_mode mode;
    uint32_t node_count;
    scn_node *nodes;      /* sorted by id */
    uint32_t voter_count; /* nodes with controller = true */

    scn_raft_variant raft_variant;
    scn_kraft_config kraft;
    scn_classic_config classic;
    scn_kafka_config kafka;

    uint32_t topic_count;
    scn_topic *topics; /* file order */
    uint32_t producer_count;
    scn_producer *producers;  /* file order */
    uint32_t log_records_max; /* records a replica's log holds (sizing, from producers) */
    uint32_t group_count;
    scn_group *groups; /* file order */
    scn_group_broker_config group_broker;

    uint32_t latency_min_us; /* network.latency.min [1ms] */
    uint32_t latency_max_us; /* network.latency.max [3ms] */
    uint32_t loss_ppm;       /* network.loss [0] */

    uint32_t action_count;
    scn_action *actions; /* sorted by at_us, stable */

    uint32_t expect_count;
    scn_expect *expects;

    uint32_t invariants_disabled_count;
    const char **invariants_disabled;

    /* The scenario document after --set overrides, as JSON text (the viewer saves a
     * session by appending to its timeline). */
    const char *effective_json;

    /* Private: owned allocations. */
    void *owned_;
} scn_config;

/* One `--set PATH=VALUE` override (borrowed strings). */
typedef struct scn_override {
    const char *path;
    const char *value;
} scn_override;

/* Loads and validates `path`. On SIM_OK *out is a complete config (returns owned: free
 * with scn_config_free). On SIM_EINVALID (bad input) or SIM_EIO (unreadable file) *out
 * is NULL and diags holds the messages. Warnings may be present on success. */
sim_err scn_load_file(const char *path, const scn_override *overrides, uint32_t override_count,
                      scn_config **out, scn_diags *diags);

/* The same from a buffer; `name` is used in messages as the file name. */
sim_err scn_load_buffer(const char *name, const char *buf, size_t len,
                        const scn_override *overrides, uint32_t override_count, scn_config **out,
                        scn_diags *diags);

void scn_config_free(scn_config *config);

/* Whether the loader accepts consumer groups: `consumer_groups`, the actions
 * add_consumer / remove_consumer and the targets "coordinator:GROUP" / "GROUP/N". False by
 * default, so they stay "not modelled yet" errors until the world runs groups; tests of
 * the loader (and the group model, while it is written) turn it on. Process-wide. */
extern bool scn_groups_enabled;
void scn_set_groups_enabled(bool enabled);

/* Parses a duration as the spec writes them ("250us", "1.5ms", "10s", "2m", "1h") or a
 * whole number of milliseconds. Returns false on anything else. */
bool scn_parse_duration(const char *text, sim_time *out);

#endif
