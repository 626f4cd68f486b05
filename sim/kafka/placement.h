/*
 * placement.h — where the replicas of a new partition go: KRaft's striped placer, the
 *   controller's topic-creation checks, and the old AdminUtils layout used by
 *   `kafka-reassign-partitions --generate`.
 *
 * Role: the controller model calls `kplace_create_topic` / `kplace_create_partitions` when
 *   a topic is created (scenario `topics`, timeline `create_topic`, `add_partitions`);
 *   `kraftlab reassign --generate` calls `kplace_admin_assign`. Pure computation on
 *   caller-provided buffers: no engine, no network, no allocation. The Java-order helpers
 *   at the end are shared with topic_describe.c, which needs Java's HashMap order too.
 * Model (kafka-semantics.md §4.7, §7; Apache Kafka 4.0, files named by class):
 *   - StripedReplicaPlacer (metadata/.../placement/StripedReplicaPlacer.java), the KRaft
 *     controller's placer. Brokers are grouped by rack (no rack = one more rack, sorted
 *     first); each rack keeps a sorted list of unfenced and one of fenced brokers, each with
 *     a random start offset; the racks get a random start offset too. Per partition the
 *     leader is the next unfenced broker, starting at the current rack; followers are taken
 *     rack by rack (unfenced first, fenced only once a rack's unfenced brokers are used up
 *     for this partition). Every partition advances the rack offset and the "iteration
 *     epoch" by one; a broker list whose epoch differs restarts one position further on.
 *     After as many partitions as there are unfenced brokers (when there are two or more)
 *     the rack order and every broker list are shuffled (Collections.shuffle) and the
 *     iteration epoch restarts at 0. The leader is never fenced.
 *   - Its errors (InvalidReplicationFactorException, code INVALID_REPLICATION_FACTOR):
 *     replication factor ≤ 0; replication factor > registered usable brokers, fenced
 *     included; no unfenced broker. Kafka's messages are reproduced word for word.
 *   - ReplicationControlManager.createTopic / createPartitions: manual assignments are
 *     checked (validateManualPartitionAssignment) or the placer runs; each new partition's
 *     ISR is its replicas that are active (unfenced, not in controlled shutdown) in replica
 *     order, its leader ISR[0], leader epoch 0, partition epoch 0; createTopic prefixes
 *     placer errors with "Unable to replicate the partition N time(s): ", createPartitions
 *     passes them on as they are.
 *   - AdminUtils.assignReplicasToBrokers (server-common/.../admin/AdminUtils.java):
 *     rack-unaware, the first replica round-robin from a start index, followers at
 *     `1 + (shift + j) % (n - 1)` past it, shift + 1 after every n partitions; rack-aware,
 *     the same over a rack-alternated broker list with the shift multiplied by the number
 *     of racks, skipping a broker whose rack (or itself) already holds a replica while
 *     another rack (broker) holds none. Kafka draws the start index and the shift at random
 *     (two independent draws) unless a fixed start index is given, which then serves as
 *     both (kraftlab's `reassign --generate --start-index`).
 * Owns / borrows: a `kplace_rack_list` is caller-allocated and keeps the rack-name pointers
 *   of the brokers it was built from until its last `kplace_rack_list_place`; everything
 *   else is borrowed for the duration of a call. Output goes to caller buffers.
 * Invariants: every placement has `replication_factor` distinct brokers and an unfenced
 *   first replica; the placer's loops are bounded (asserted, with the bounds measured over
 *   many random clusters: a leader is found within one pass over the racks, a follower
 *   within two).
 * Determinism: every random choice goes through the `kplace_random_cb` the caller passes:
 *   in the model `kplace_random_sim_rng_cb` over one stream for all topic creations
 *   (Kafka's controller keeps one Random for its placer), SIM_STREAM(SIM_STREAM_PLACEMENT,
 *   0), and another for `reassign --generate` (AdminUtils' own Random); in tests a
 *   transliteration of Kafka's MockRandom, so Kafka's own expected placements are
 *   reproduced. The callback stands for Java's `Random.nextInt(bound)` and is called
 *   exactly where Kafka calls it, in the same order: per rack in Java HashMap iteration
 *   order (fenced list first, then unfenced), then the rack offset; at each shuffle the
 *   rack list, then per rack fenced then unfenced. Racks are visited in the iteration
 *   order of Kafka's HashMap<Optional<String>, Rack>, which we compute from Java's
 *   String.hashCode (`kplace_java_hashmap_order`).
 * Not modelled:
 *   - Java's own Random: with a seed, `sim_rng` gives other numbers than java.util.Random
 *     would; the algorithm around the numbers is Kafka's.
 *   - A Java HashMap bucket that holds nine or more racks whose names have the same
 *     String.hashCode once the table has 64 buckets: Java turns it into a tree, which
 *     changes its iteration order; we keep list order.
 *   - Which brokers are "usable": Kafka's heartbeat manager leaves out brokers in
 *     controlled shutdown and iterates a HashMap<Integer, ...> (ascending ids while ids are
 *     below its table size). Callers pass usable brokers in ascending id order; the order
 *     only matters when two rack names share a HashMap bucket.
 *   - CreateTopicPolicy, controller mutation quotas, log directories (JBOD) and the
 *     directory ids of a PartitionAssignment.
 *   - AdminUtils arithmetic in Java int: a start index or partition id near 2^31 would
 *     overflow in Kafka; callers keep them below KPLACE_START_INDEX_MAX.
 */
#ifndef KAFKA_PLACEMENT_H
#define KAFKA_PLACEMENT_H

#include "../core/sim_rng.h"

#define KPLACE_BROKERS_MAX       SIM_NODES_MAX      /* brokers one placement sees */
#define KPLACE_RACKS_MAX         KPLACE_BROKERS_MAX /* at most one rack per broker */
#define KPLACE_MESSAGE_BYTES_MAX 512u    /* message with its NUL; fits a 249-char topic name */
#define KPLACE_START_INDEX_MAX   1000000 /* fixed start index, start partition id */

/* Java's Random.nextInt(bound): a uniform value in [0, bound), bound ≥ 1. */
typedef uint32_t (*kplace_random_cb)(void *ctx, uint32_t bound);

/* The model's source: `ctx` is a `sim_rng *`; draws `sim_rng_below(ctx, bound)`. */
uint32_t kplace_random_sim_rng_cb(void *ctx, uint32_t bound);

/* ---- Errors ---------------------------------------------------------------------------- */

/* Kafka's error for a rejected placement; name and protocol code as in Errors.java. */
#define KPLACE_STATUS_MAP(X)                                                                       \
    X(NONE, 0)                                                                                     \
    X(INVALID_PARTITIONS, 37)                                                                      \
    X(INVALID_REPLICATION_FACTOR, 38)                                                              \
    X(INVALID_REPLICA_ASSIGNMENT, 39)                                                              \
    X(INVALID_REQUEST, 42)                                                                         \
    X(ADMIN_OPERATION_FAILED, -1) /* AdminOperationException: tool side, no protocol code */

typedef enum kplace_status {
#define KPLACE_STATUS_ENUM(name, code) KPLACE_##name,
    KPLACE_STATUS_MAP(KPLACE_STATUS_ENUM)
#undef KPLACE_STATUS_ENUM
        KPLACE_STATUS_COUNT
} kplace_status;

/* "INVALID_REPLICATION_FACTOR", ...; "AdminOperationException" for the tool-side error. */
const char *kplace_status_name(kplace_status status);
/* Kafka's int16 error code; -1 for ADMIN_OPERATION_FAILED. */
int16_t kplace_status_code(kplace_status status);

typedef struct kplace_error {
    kplace_status status;                   /* KPLACE_NONE on success */
    char message[KPLACE_MESSAGE_BYTES_MAX]; /* Kafka's message, word for word; "" if none */
} kplace_error;

/* ---- StripedReplicaPlacer --------------------------------------------------------------- */

/* Kafka's UsableBroker: a registered broker not in controlled shutdown. */
typedef struct kplace_usable_broker {
    int32_t id;       /* Kafka broker id ≥ 0, unique in one call */
    const char *rack; /* UTF-8 rack name, NULL when the broker has none; kept, see above */
    bool fenced;
} kplace_usable_broker;

/* One of a rack's two broker lists (Kafka's BrokerList), a slice of the rack list's pool. */
typedef struct kplace_broker_list {
    uint32_t first;          /* position of the slice in `kplace_rack_list.pool` */
    uint32_t size;           /* brokers in the slice */
    uint32_t index;          /* brokers returned in the current iteration epoch */
    uint32_t offset;         /* added to index, modulo size; random at first */
    int32_t iteration_epoch; /* epoch of the last call; another epoch restarts the list */
} kplace_broker_list;

typedef struct kplace_rack {
    const char *name; /* kept; NULL = the brokers without a rack */
    kplace_broker_list unfenced;
    kplace_broker_list fenced;
} kplace_rack;

/* Kafka's BrokerList.next(epoch) over the ids pool[list->first .. list->first + size - 1]:
 * the next broker of this iteration epoch, or -1 when the list is empty or used up for it.
 * A call with another epoch restarts the list one position further on. */
int32_t kplace_broker_list_next(kplace_broker_list *list, const int32_t *pool,
                                int32_t iteration_epoch);

/* Kafka's RackList: the state of one topic creation's placements. Caller-allocated. */
typedef struct kplace_rack_list {
    kplace_rack racks[KPLACE_RACKS_MAX];   /* in order of first appearance */
    uint32_t rack_count;                   /* ≤ KPLACE_RACKS_MAX */
    uint32_t map_order[KPLACE_RACKS_MAX];  /* rack indexes in Java HashMap order */
    uint32_t rack_order[KPLACE_RACKS_MAX]; /* Kafka's rackNames: sorted, later shuffled */
    int32_t pool[KPLACE_BROKERS_MAX];      /* every broker list's ids, slice by slice */
    uint32_t total_count;                  /* brokers, fenced included */
    uint32_t unfenced_count;               /* unfenced brokers */
    int32_t iteration_epoch;               /* partitions placed since the last shuffle */
    uint32_t offset;                       /* index into rack_order of the first rack */
    int32_t replication_factor;            /* of the first placement; 0 before */
} kplace_rack_list;

/* Kafka's `new RackList(random, usableBrokers)`: groups `broker_count` brokers (borrowed;
 * their rack names are kept) and draws the start offsets. broker_count ≤ KPLACE_BROKERS_MAX
 * and ids unique (asserted: callers check). */
void kplace_rack_list_init(kplace_rack_list *out, const kplace_usable_broker *brokers,
                           uint32_t broker_count, kplace_random_cb random_cb, void *ctx);

/* Kafka's RackList.place: the replicas of the next partition into `out_replicas`
 * (replication_factor entries, leader first). Returns SIM_EINVALID with `err` set to
 * INVALID_REPLICATION_FACTOR and Kafka's message (checked in Kafka's order: replication
 * factor ≤ 0, more than the registered brokers, every broker fenced); nothing changes then.
 * Every successful call on one rack list uses the same replication factor, as Kafka's do
 * (asserted). */
sim_err kplace_rack_list_place(kplace_rack_list *rl, int32_t replication_factor,
                               int32_t *out_replicas, kplace_error *err, kplace_random_cb random_cb,
                               void *ctx);

/* Kafka's StripedReplicaPlacer.place: builds a rack list from the usable brokers, checks
 * (replication factor ≤ 0; every broker fenced; more than the registered brokers — this
 * order, which differs from RackList.place) and places `partition_count` ≥ 0 partitions:
 * partition i's replicas at out_replicas[i * replication_factor]. On an error nothing is
 * written, but the rack list's draws have been made, as in Kafka. */
sim_err kplace_striped_place(const kplace_usable_broker *brokers, uint32_t broker_count,
                             int32_t partition_count, int32_t replication_factor,
                             int32_t *out_replicas, kplace_error *err, kplace_random_cb random_cb,
                             void *ctx);

/* ---- Topic creation (ReplicationControlManager) ---------------------------------------- */

/* A broker the controller has registered. Kafka keeps two views of a controlled shutdown:
 * the active controller's heartbeat state (BrokerHeartbeatManager: the broker asked to shut
 * down), which removes it from the brokers the placer may use, and the registration's
 * inControlledShutdown flag (written by a record the same heartbeat produces), which keeps
 * it out of new ISRs. In a running cluster they agree; Kafka's controller unit tests set
 * only the registration flag, and the two fields let us replay those tests. Usable =
 * registered and not heartbeat_shutting_down; active = unfenced and not
 * in_controlled_shutdown. */
typedef struct kplace_registered_broker {
    int32_t id;       /* ≥ 0, unique */
    const char *rack; /* NULL = none; borrowed */
    bool fenced;
    bool in_controlled_shutdown;  /* registration flag: not active, no ISR membership */
    bool heartbeat_shutting_down; /* heartbeat state: not offered to the placer */
} kplace_registered_broker;

typedef struct kplace_cluster {
    const kplace_registered_broker *brokers; /* ascending id order (see Not modelled) */
    uint32_t broker_count;                   /* ≤ KPLACE_BROKERS_MAX */
    int32_t default_partition_count;         /* num.partitions, ≥ 1 */
    int32_t default_replication_factor;      /* default.replication.factor, ≥ 1 */
} kplace_cluster;

/* One partition of a manual assignment (the `assignment` of a scenario topic). */
typedef struct kplace_manual_partition {
    int32_t partition_index;
    const int32_t *replicas; /* borrowed; preferred leader first */
    uint32_t replica_count;  /* ≤ KPLACE_BROKERS_MAX */
} kplace_manual_partition;

/* A CreatableTopic of a CreateTopics request, as far as placement goes. */
typedef struct kplace_topic_request {
    int32_t partition_count;    /* -1 = num.partitions; must be -1 with a manual assignment */
    int32_t replication_factor; /* -1 = default.replication.factor; idem */
    const kplace_manual_partition *assignments; /* NULL/0 = the placer decides */
    uint32_t assignment_count;
} kplace_topic_request;

/* The new partitions, in caller buffers. Row p (partition index p, or start + p for
 * kplace_create_partitions) holds replicas[p * replication_factor ...] and the ISR in
 * isr[p * replication_factor ...], isr_counts[p] entries; its leader is that ISR's first
 * entry, with leader epoch 0 and partition epoch 0 (PartitionRegistration at creation). */
typedef struct kplace_topic_layout {
    int32_t *replicas;           /* replica_slots entries */
    int32_t *isr;                /* replica_slots entries */
    uint32_t *isr_counts;        /* partition_slots entries */
    uint32_t replica_slots;      /* capacity of replicas and of isr */
    uint32_t partition_slots;    /* capacity of isr_counts */
    uint32_t partition_count;    /* out: partitions written */
    uint32_t replication_factor; /* out */
} kplace_topic_layout;

/* ReplicationControlManager.createTopic's placement part. Writes the layout or returns
 * SIM_EINVALID with Kafka's error and message (INVALID_REQUEST, INVALID_REPLICATION_FACTOR,
 * INVALID_PARTITIONS, INVALID_REPLICA_ASSIGNMENT), checked in Kafka's order. Returns
 * SIM_ELIMIT with status NONE when the layout buffers cannot hold a topic Kafka would
 * accept (a Kafka rejection is always reported instead; a caller sizing its buffers from
 * its limits never sees SIM_ELIMIT). On any error `layout->partition_count` is 0 and the
 * buffers' contents are unspecified. The placer's draws go through `random_cb`;
 * precondition: manual replica lists ≤ KPLACE_BROKERS_MAX entries. */
sim_err kplace_create_topic(const kplace_cluster *cluster, const kplace_topic_request *request,
                            kplace_topic_layout *layout, kplace_error *err,
                            kplace_random_cb random_cb, void *ctx);

/* ReplicationControlManager.createPartitions: grows a topic of `current_partition_count`
 * partitions whose partition 0 has `replication_factor` replicas to `new_partition_count`,
 * with `assignments` (NULL = the placer decides; else `assignment_count` of them, one per
 * new partition in order, their partition_index ignored). Rows 0.. of `layout` are the new
 * partitions. Errors as Kafka words them: INVALID_PARTITIONS ("Topic already has N
 * partition(s)." / "... would not be an increase."), INVALID_REPLICA_ASSIGNMENT,
 * INVALID_REPLICATION_FACTOR (the placer's message without createTopic's prefix, as Kafka
 * throws it); SIM_ELIMIT as for kplace_create_topic. `topic_name` is borrowed, ≤ 249
 * bytes (Kafka's limit on topic names; callers validate). */
sim_err kplace_create_partitions(const kplace_cluster *cluster, const char *topic_name,
                                 int32_t current_partition_count, int32_t replication_factor,
                                 int32_t new_partition_count,
                                 const kplace_manual_partition *assignments,
                                 uint32_t assignment_count, kplace_topic_layout *layout,
                                 kplace_error *err, kplace_random_cb random_cb, void *ctx);

/* ---- AdminUtils.assignReplicasToBrokers -------------------------------------------------- */

typedef struct kplace_admin_broker {
    int32_t id;       /* ≥ 0, unique */
    const char *rack; /* NULL = none; borrowed */
} kplace_admin_broker;

/* AdminUtils.assignReplicasToBrokers(brokers, partition_count, replication_factor,
 * fixed_start_index, start_partition_id). Rack-unaware when no broker has a rack (brokers
 * used in the order given; `reassign --generate` passes them in ascending id order),
 * rack-aware when all have one. fixed_start_index < 0: start index and shift drawn with two
 * `random_cb(ctx, broker_count)` calls, as Kafka draws them; else both equal it.
 * start_partition_id < 0 means 0. Row i of out_replicas (replication_factor entries) is
 * partition max(0, start_partition_id) + i. Errors, checked in Kafka's order:
 * INVALID_PARTITIONS "Number of partitions must be larger than 0.",
 * INVALID_REPLICATION_FACTOR "Replication factor must be larger than 0." or
 * "Replication factor: R larger than available brokers: N.", ADMIN_OPERATION_FAILED
 * "Not all brokers have rack information for replica rack aware assignment.".
 * Preconditions: broker_count ≤ KPLACE_BROKERS_MAX; fixed_start_index and
 * start_partition_id ≤ KPLACE_START_INDEX_MAX; partition_count ≤ INT32_MAX -
 * KPLACE_START_INDEX_MAX. */
sim_err kplace_admin_assign(const kplace_admin_broker *brokers, uint32_t broker_count,
                            int32_t partition_count, int32_t replication_factor,
                            int32_t fixed_start_index, int32_t start_partition_id,
                            int32_t *out_replicas, kplace_error *err, kplace_random_cb random_cb,
                            void *ctx);

/* AdminUtils.getRackAlternatedBrokerList: racks in String order, brokers ascending within
 * a rack, one from each rack in turn. Every broker needs a rack (asserted). Writes
 * broker_count ids to `out_ids`. */
void kplace_admin_rack_alternated(const kplace_admin_broker *brokers, uint32_t broker_count,
                                  int32_t *out_ids);

/* ---- Java collection order ---------------------------------------------------------------
 * Kafka's output sometimes follows the iteration order of a java.util.HashMap (racks here,
 * topics and configs in `kafka-topics --describe`). These reproduce it. Strings are UTF-8
 * and are read as the UTF-16 code units Java holds (invalid bytes count as one unit each). */

/* Java's String.hashCode. */
int32_t kplace_java_string_hash(const char *utf8);

/* Java's String.compareTo, reduced to its sign: < 0, 0, > 0. */
int kplace_java_string_compare(const char *a, const char *b);

/* The order in which a java.util.HashMap iterates `count` distinct keys whose hashCode
 * values are `hashes` (borrowed), inserted in index order into `new HashMap<>()`
 * (initial_capacity 0) or `new HashMap<>(initial_capacity)`: bucket by bucket, insertion
 * order within a bucket, with the table grown as Java grows it (load factor 0.75, and
 * doubled instead of treeified while a bucket reaches nine keys below 64 buckets).
 * Writes the key indexes to `out_order` (count entries). */
void kplace_java_hashmap_order(const int32_t *hashes, uint32_t count, uint32_t initial_capacity,
                               uint32_t *out_order);

#endif
