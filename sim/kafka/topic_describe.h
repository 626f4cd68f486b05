/*
 * topic_describe.h — `kafka-topics.sh --describe` text, byte for byte, and the topic ids it
 *   prints.
 *
 * Role: `kraftlab describe --at T topics` and the timeline's `describe` action fill a
 *   `ktd_topic` per topic from the model's metadata and print what Kafka 3.8+/4.0's
 *   TopicCommand prints. Pure formatting into caller buffers: no model state, no
 *   allocation. The topic-creation code calls `ktd_topic_id` for each new topic.
 * Model (kafka-semantics.md §6.1; tools/.../TopicCommand.java, clients/.../Uuid.java,
 *   clients/.../admin/Config.java, KafkaAdminClient, core ConfigHelper):
 *   - Per topic, a topic line: `Topic: <name>`, then TAB-separated `TopicId: <id>`
 *     (left out when the id is all zeros), `PartitionCount: <n>`,
 *     `ReplicationFactor: <rf>`, `Configs: <k=v,...>` (possibly empty, so the line can end
 *     in "Configs: "); a newline.
 *   - Then per partition, ascending, a line that starts with a TAB: `Topic:`,
 *     `Partition:`, `Leader:` (the id, or `none` without a leader), `Replicas:`, `Isr:`
 *     (comma lists, no spaces, replica order), then `Adding Replicas:` and
 *     `Removing Replicas:` only while the partition is listed by
 *     ListPartitionReassignments, then `Elr:` and `LastKnownElr:` (KIP-966, printed since
 *     3.8; comma lists, empty when empty, `N/A` when the broker answered with the old
 *     Metadata API); a newline.
 *   - PartitionCount is the number of partitions; ReplicationFactor is the first
 *     partition's replica count, minus its adding replicas while a reassignment that
 *     still touches its replicas is in progress (TopicCommand.getReplicationFactor).
 *   - Configs lists the entries whose source is not Kafka's default — topic overrides and
 *     topic configs the brokers set (even to the default value) — as name=value joined
 *     by ",", in the iteration order of the admin client's Config HashMap
 *     (`ktd_configs_join`).
 *   - Topics come in the iteration order of the admin client's result HashMap
 *     (`ktd_topics_order`), not sorted: DescribeTopicsResult.allTopicNames() fills a
 *     `new HashMap<>(n)` in the sorted order of listTopics.
 *   - A TopicId is a Kafka Uuid printed as URL-safe base64 without padding (22 chars).
 * Owns / borrows: everything is borrowed for the duration of a call.
 * Invariants: partitions strictly ascending, at least one per topic (Kafka's describe reads
 *   the first); formatters return the full length even when the buffer is too small.
 * Determinism: no randomness. Topic ids come from (seed, name, incarnation) through
 *   splitmix64, not from the model's RNG streams, so creating a topic never shifts
 *   another stream.
 * Not modelled:
 *   - The filters --under-replicated-partitions, --under-min-isr-partitions,
 *     --at-min-isr-partitions, --unavailable-partitions and --topics-with-overrides.
 *   - `MarkedForDeletion: true`: TopicCommand 4.0 always passes false, so it never prints.
 *   - The order of configs that share both a HashMap bucket and a hash (never for Kafka's
 *     topic config names): we put them in String order.
 *   - Config order assumes the DescribeConfigs answer lists 25 to 46 topic configs (Kafka
 *     3.8–4.x list about 35): a 64-bucket Config HashMap filled from the broker's
 *     64-bucket Scala HashMap. If the broker's map had 128 buckets, retention.bytes and
 *     delete.retention.ms (one bucket) would print in the other order (UNVERIFIED which).
 *   - Java's UUID.randomUUID: our ids are version-4 shaped and, like Kafka's, never start
 *     with "-", but they are derived, not random.
 */
#ifndef KAFKA_TOPIC_DESCRIBE_H
#define KAFKA_TOPIC_DESCRIBE_H

#include "../core/sim_types.h"

#define KTD_TOPIC_ID_BYTES 23u /* 22 base64 characters and the NUL */
/* Uuid.ZERO_UUID as Kafka prints it; a topic with this id prints no TopicId field. */
#define KTD_ZERO_TOPIC_ID "AAAAAAAAAAAAAAAAAAAAAA"

/* One partition as the admin client reports it (TopicPartitionInfo + reassignment). */
typedef struct ktd_partition {
    int32_t partition_index; /* ≥ 0 */
    int32_t leader;          /* broker id, -1 = no leader (printed "none") */
    const int32_t *replicas; /* preferred leader first */
    uint32_t replica_count;  /* ≥ 1 */
    const int32_t *isr;      /* Kafka's ISR order */
    uint32_t isr_count;
    bool reassigning;               /* listed by ListPartitionReassignments */
    const int32_t *adding_replicas; /* only read while reassigning */
    uint32_t adding_count;
    const int32_t *removing_replicas; /* only read while reassigning */
    uint32_t removing_count;
    bool elr_unknown;   /* true: "Elr: N/A" and "LastKnownElr: N/A" */
    const int32_t *elr; /* eligible leader replicas (KIP-966) */
    uint32_t elr_count;
    const int32_t *last_known_elr;
    uint32_t last_known_elr_count;
} ktd_partition;

typedef struct ktd_topic {
    const char *name;
    const char *topic_id;            /* 22-char id; NULL or KTD_ZERO_TOPIC_ID: not printed */
    const char *configs;             /* from ktd_configs_join; NULL = none */
    const ktd_partition *partitions; /* strictly ascending partition_index */
    uint32_t partition_count;        /* ≥ 1 */
} ktd_topic;

/* One topic's describe text (topic line and partition lines) into `buf` (buf_bytes ≥ 1;
 * always NUL-terminated, truncated if short). Returns the length of the whole text without
 * its NUL, as snprintf does: the text fits iff the result < buf_bytes. */
size_t ktd_format_topic(const ktd_topic *topic, char *buf, size_t buf_bytes);

/* One topic configuration entry whose source is not Kafka's default. */
typedef struct ktd_config_entry {
    const char *name;  /* topic config name, e.g. "min.insync.replicas" */
    const char *value; /* as Kafka prints it, e.g. "2", "compact", "604800000" */
} ktd_config_entry;

/* The `Configs:` value: "name=value" of each entry joined by ",", in the admin client's
 * order: by bucket of a 64-bucket java.util.HashMap over String.hashCode of the name,
 * then by hash as the broker's Scala HashMap keeps a bucket, then by name. `scratch`
 * holds `count` entries. Names unique. Writes as ktd_format_topic does and returns the
 * full length. */
size_t ktd_configs_join(const ktd_config_entry *entries, uint32_t count, uint32_t *scratch,
                        char *buf, size_t buf_bytes);

/* The order in which `kafka-topics --describe` prints `count` topics named `names`
 * (unique; borrowed): sorted by String.compareTo, then put through
 * `new HashMap<>(count)`. Writes indexes into `names` to `out_order` (count entries);
 * `scratch` holds 2 × count entries. */
void ktd_topics_order(const char *const *names, uint32_t count, uint32_t *scratch,
                      uint32_t *out_order);

/* Kafka's Uuid.toString: the 16 big-endian bytes of (msb, lsb) in URL-safe base64 without
 * padding, into out (KTD_TOPIC_ID_BYTES). */
void ktd_uuid_format(uint64_t msb, uint64_t lsb, char *out);

/* A deterministic topic id for the topic `name` created for the `incarnation`-th time
 * (0 for the first; a deleted and re-created topic gets a new id, as in Kafka) in a run
 * with master seed `seed`, into out (KTD_TOPIC_ID_BYTES). Derivation, fixed so ids in
 * golden files stay put: state = seed XOR fnv1a64(name bytes) XOR
 * (incarnation × 0x9E3779B97F4A7C15); msb, lsb = two splitmix64 outputs of that state;
 * version-4 and IETF-variant bits set as java.util.UUID.randomUUID sets them; drawn again
 * (next two outputs) while the id is reserved (0 or 1) or its text starts with "-", which
 * Kafka's Uuid.randomUuid also rejects. */
void ktd_topic_id(uint64_t seed, const char *name, uint32_t incarnation, char *out);

#endif
