/*
 * topics.h — topics and partitions in the metadata log: the active controller's
 *   partition decisions (create, fence, unfence, AlterPartition) and every node's
 *   partition image, handed to the data plane (replication.h) on brokers.
 *
 * Role: the world creates one `kafka_topics` when the scenario has topics. The broker
 *   lifecycle (brokers.c) calls the `topics_ctrl_*` hooks on the active controller when a
 *   broker leaves (session expired, controlled shutdown, a new incarnation registering) or
 *   is unfenced, and when a controller becomes active or stops; the world calls
 *   `topics_observe` after every event (topic creation), `topics_apply` from Raft's apply
 *   callback (committed records), and `topics_ctrl_alter_partition` for AlterPartition
 *   requests arriving from partition leaders (repl_ops.alter_partition).
 * Model (kafka-semantics.md §3.6, §3.7, §4.6; Kafka 4.0 ReplicationControlManager,
 *   PartitionChangeBuilder, through partition_change.h):
 *   - Topic creation: the scenario's topics are created once, as an admin client that
 *     retries CreateTopics would: the active controller creates a topic as soon as its
 *     replication factor is at most the number of registered brokers (fenced included:
 *     Kafka's rule) and no registered broker with a live session is still fenced (the
 *     client waits for the brokers that are up to finish starting, so the ISR is every
 *     replica in a healthy start). Placement is `kplace_create_topic` (Kafka's
 *     StripedReplicaPlacer, sim_rng stream SIM_STREAM(SIM_STREAM_PLACEMENT, 0)) or the
 *     topic's explicit `assignment`. Records: one TopicRecord, then one PartitionRecord per
 *     partition (ISR = the unfenced replicas, leader = ISR[0], epochs 0).
 *   - Fencing a broker (maybeFenceOneStaleBroker), its controlled shutdown, and the
 *     registration of a new incarnation while the old one was unfenced
 *     (handleBrokerFenced / handleBrokerInControlledShutdown /
 *     handleBrokerUncleanShutdown): for every partition with the broker in its ISR or as
 *     leader, `kpc_remove_broker` (target ISR without it, ONLINE election among the
 *     acceptable brokers, unclean only if the topic allows it); these
 *     PartitionChangeRecords are written just before the broker's own record.
 *   - Unfencing a broker (handleBrokerUnfenced): an ONLINE election for every leaderless
 *     partition (the returning broker may be the last ISR member).
 *   - AlterPartition (KIP-497): `kpc_alter_partition` against the controller's view; an
 *     error or a no-op is answered at once, a change is answered when its record commits.
 *   - Every node applies committed records to its image (`kpc_apply`); a broker hands each
 *     new registration to its replica (`repl_apply_partition`).
 * Simulator device: `raft_record` carries only (type, a, b, c). A PartitionRecord or
 *   PartitionChangeRecord therefore stores its body (the registration, or the change) in
 *   an append-only side table in the world arena, and the log record holds the entry's
 *   index in `c`. Every node lives in the same process, so applying a committed record
 *   reads the entry. Entries are never changed or reused; an entry whose record a new
 *   Raft leader truncated is simply never applied. Record layout:
 *     TopicRecord            a: topic index, b: partition count
 *     PartitionRecord        a: partition index (global), c: side-table entry
 *     PartitionChangeRecord  a: partition index (global), b: reason, c: side-table entry
 *   A partition's global index is its topic's first index plus its number; topics are
 *   numbered in file order.
 * Owns / borrows: the side table, images and controller views (arena); borrows the
 *   engine, Raft cluster, brokers and data plane (`repl`, NULL when there is none).
 * Invariants: the controller's view equals its log [0, leo) applied in order (rebuilt at
 *   activation, then kept in step by applying each record it proposes); a node's image
 *   equals its committed log applied in order; side-table entries < entry_count.
 * Determinism: partitions iterated by index; placement draws from its own stream, so
 *   creating topics never shifts another subsystem's randomness.
 * Not modelled: the CreateTopics request itself (creation happens inside the controller
 *   at the first instant it is allowed), topic deletion, create_topic / add_partitions /
 *   reassignment at run time, PREFERRED elections (auto.leader.rebalance.enable), the
 *   periodic unclean-election sweep, ELR. A full side table makes a proposal fail, as a
 *   full metadata log does.
 */
#ifndef KAFKA_TOPICS_H
#define KAFKA_TOPICS_H

#include "../core/sim_rng.h"
#include "brokers.h"
#include "replication.h"

#define TOPICS_MAX            64u
#define TOPICS_PARTITIONS_MAX 1024u /* partitions of one topic */

/* Why a PartitionChangeRecord was written (its `b` field and the trace's `reason`). */
typedef enum topics_change_reason {
    TOPICS_CHANGE_FENCED = 1,
    TOPICS_CHANGE_CONTROLLED_SHUTDOWN = 2,
    TOPICS_CHANGE_REREGISTERED = 3,
    TOPICS_CHANGE_UNFENCED = 4,
    TOPICS_CHANGE_ALTER_PARTITION = 5,
} topics_change_reason;

/* One topic as the scenario declares it. */
typedef struct topics_topic {
    const char *name;            /* borrowed from the config for the run */
    uint32_t first_partition;    /* global index of its partition 0 */
    uint32_t partition_count;    /* >= 1 */
    uint32_t replication_factor; /* >= 1 */
    const int32_t *assignment;   /* NULL or [partition_count * replication_factor] */
    uint32_t min_insync_replicas;
    bool unclean_allowed; /* unclean.leader.election.enable */
} topics_topic;

/* A side-table entry: the body of a PartitionRecord or PartitionChangeRecord. */
typedef struct topics_entry {
    uint32_t partition_index;
    bool is_change;
    kpc_reg reg;       /* PartitionRecord: the new registration */
    kpc_record change; /* PartitionChangeRecord */
} topics_entry;

/* The controller half of one node, active while its Raft replica leads. */
typedef struct topics_ctrl {
    bool active;
    bool *topic_created;    /* [topic_count] in the view */
    bool *exists;           /* [partition_count] */
    kpc_reg *view;          /* [partition_count]: every appended record applied */
    int64_t *reply_offset;  /* [partition_count]: AlterPartition answered when this
                               offset commits; -1 none */
    uint32_t *reply_broker; /* [partition_count]: broker index to answer */
} topics_ctrl;

typedef struct kafka_topics {
    sim_engine *engine;
    raft_cluster *raft;
    kafka_brokers *brokers;
    repl *repl;          /* NULL: no data plane */
    const char **racks;  /* [broker_count]: rack of each broker, NULL none (borrowed) */
    uint32_t node_count; /* endpoints */
    uint32_t topic_count;
    topics_topic *topics;
    uint32_t partition_count;
    uint32_t *topic_of; /* [partition_count] */
    topics_entry *entries;
    uint32_t entry_count, entry_capacity;
    kpc_reg *images;    /* [node * partition_count]: committed image */
    bool *image_exists; /* [node * partition_count] */
    topics_ctrl *ctrls; /* [node_count] */
    sim_rng placement;  /* SIM_STREAM(SIM_STREAM_PLACEMENT, 0) */
    uint64_t topics_created, changes_proposed, alter_requests;
} kafka_topics;

/* Bytes topics_init takes from the arena. */
size_t topics_arena_bytes(uint32_t node_count, uint32_t topic_count, uint32_t partition_count,
                          uint32_t entry_capacity);

/* `topics` (copied; names and assignments kept for the run) with first_partition already
 * set consecutively; `racks` kept. Hooks itself into `brokers` (brokers->topics). */
void topics_init(kafka_topics *t, sim_engine *e, raft_cluster *raft, kafka_brokers *brokers,
                 repl *data_plane, sim_arena *arena, uint64_t seed, const topics_topic *topics,
                 uint32_t topic_count, const char **racks, uint32_t entry_capacity);

/* A record committed on `endpoint` (Raft's apply callback). */
void topics_apply(kafka_topics *t, int32_t endpoint, const raft_record *rec);
/* The node restarted: its image is rebuilt as committed records are re-applied. */
void topics_node_reset_image(kafka_topics *t, int32_t endpoint);
/* After every event: active controllers create the topics that may be created now. */
void topics_observe(kafka_topics *t);

/* Controller hooks, called by brokers.c on the active controller `ctrl_ep`. */
void topics_ctrl_activate(kafka_topics *t, int32_t ctrl_ep);
void topics_ctrl_deactivate(kafka_topics *t, int32_t ctrl_ep);
/* Before the record that fences / shuts down / re-registers `broker_id`. */
void topics_ctrl_broker_leaving(kafka_topics *t, int32_t ctrl_ep, int32_t broker_id,
                                topics_change_reason reason);
/* After the UnfenceBrokerRecord of `broker_id` was appended. */
void topics_ctrl_broker_unfenced(kafka_topics *t, int32_t ctrl_ep, int32_t broker_id);
/* An AlterPartition from partition leader `from_broker` (broker index) arrived. */
void topics_ctrl_alter_partition(kafka_topics *t, int32_t ctrl_ep, uint32_t from_broker,
                                 const repl_alter_req *req);

/* Queries. The committed registration of partition `p` on `endpoint`, NULL if that node
 * does not know the partition (yet). */
const kpc_reg *topics_image(const kafka_topics *t, int32_t endpoint, uint32_t p);
/* Global index of partition `partition` of topic `topic`. */
uint32_t topics_partition_index(const kafka_topics *t, uint32_t topic, uint32_t partition);
/* Leader elections (PartitionChangeRecords that set a leader other than none) and unclean
 * ones, counted over `rn`'s committed log. */
void topics_count_elections(const kafka_topics *t, const raft_node *rn, uint64_t *elections,
                            uint64_t *unclean);

#endif
