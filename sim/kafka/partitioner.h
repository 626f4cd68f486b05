/*
 * partitioner.h — Kafka's default partitioner: which partition a producer sends a
 *   record to when the record does not name one.
 *
 * Role: the producer model asks this module for a partition per record (one
 *   `kpart_sticky` or `kpart_round_robin` per producer and topic); `kraftlab partition`
 *   prints the keyed choice for keys typed on the command line. Pure computation: no
 *   engine, no network, no allocation.
 * Model (kafka-semantics.md §2; Apache Kafka 4.0 client):
 *   - murmur2 (Utils.murmur2): MurmurHash2 with seed 0x9747b28c over the serialized key
 *     bytes, little-endian 4-byte blocks, 32-bit wrap-around arithmetic, result read as
 *     a signed Java int. It must match Kafka bit for bit, or keys written by a Java
 *     producer and by our model would land on different partitions.
 *   - toPositive (Utils.toPositive): clear the sign bit (x & 0x7fffffff), not abs(), so
 *     INT32_MIN maps to 0.
 *   - Keyed record (BuiltInPartitioner.partitionForKey): toPositive(murmur2(key)) modulo
 *     the number of ALL partitions of the topic, available or not. A key therefore keeps
 *     its partition, and its order, for as long as the partition count does not change.
 *   - Null key, current client (KIP-794 "uniform sticky", 3.3+, BuiltInPartitioner with
 *     stickyBatchSize = batch.size): the producer stays on one sticky partition; after
 *     each append it adds the appended bytes to a counter and switches once the counter
 *     reaches batch.size, but only if every batch queued for that partition is full
 *     (RecordAccumulator.allBatchesFull, KAFKA-14156); at 2 × batch.size it switches
 *     regardless. The next partition is drawn uniformly among the available partitions
 *     (those with a leader) — the current one included, so a switch may land where it
 *     was — or among all partitions when none is available.
 *   - Null key, before 2.4 (DefaultPartitioner at 2.3): a per-topic counter starting at
 *     a random 32-bit value; each record takes toPositive(counter++) modulo the number
 *     of available partitions and indexes the available list (all partitions when none
 *     is available). Offered for comparison (spec: older behaviours are options).
 * Owns / borrows: the sticky and round-robin states are caller-allocated values; a sticky
 *   state keeps a pointer to the producer's RNG stream. Topic views are borrowed per call.
 * Invariants: a returned partition is < the partition count of the call; a sticky state's
 *   produced bytes never reach 2 × batch.size without a switch.
 * Determinism: every draw is `sim_rng_below` on the stream the caller supplies, by
 *   convention SIM_STREAM(SIM_STREAM_PRODUCER, producer_index); one draw per pick. The
 *   available partitions are taken in ascending partition index order (Kafka takes the
 *   order of its metadata, which does not change the uniform distribution).
 * Not modelled:
 *   - Adaptive partitioning (partitioner.adaptive.partitioning.enable, default true,
 *     KIP-794): Kafka weights the next sticky partition by (longest queue + 1 − queue
 *     length) per partition. We always draw uniformly, which is what Kafka does too when
 *     all queue lengths are equal (a producer that keeps up with its brokers).
 *   - partitioner.availability.timeout.ms (KIP-794, default 0 = off): excluding the
 *     partitions of a slow broker from the draw.
 *   - The 2.4–3.2 sticky partitioner (KIP-480, StickyPartitionCache): it switched when a
 *     new batch was created and never re-picked the partition it left.
 *   - partitioner.ignore.keys and custom partitioner.class: the producer model decides
 *     which records reach the keyed path; an explicit partition on a record bypasses
 *     this module.
 *   - Kafka draws with toPositive(nextInt()) % n, slightly biased; we draw unbiased.
 */
#ifndef KAFKA_PARTITIONER_H
#define KAFKA_PARTITIONER_H

#include "../core/sim_rng.h"

/* Kafka counts partitions in a Java int: a topic has 1 .. INT32_MAX partitions. */
#define KPART_PARTITIONS_MAX ((uint32_t)INT32_MAX)
/* No partition chosen yet (a fresh sticky state). */
#define KPART_NONE UINT32_MAX

/* What the producer's metadata says about one topic at the moment of a call. Borrowed
 * for the duration of the call only. */
typedef struct kpart_topic_view {
    uint32_t partition_count; /* all partitions of the topic, 1..KPART_PARTITIONS_MAX */
    const bool *available;    /* partition_count flags, true = has a leader; NULL = all */
} kpart_topic_view;

/* ---- Keyed records ---------------------------------------------------------------- */

/* Kafka's Utils.murmur2 of `len` bytes at `data` (borrowed; may be NULL when len is 0):
 * the exact signed 32-bit value Java returns. */
int32_t kpart_murmur2(const uint8_t *data, size_t len);

/* Kafka's Utils.toPositive: `value` with its sign bit cleared (INT32_MIN → 0). */
uint32_t kpart_to_positive(int32_t value);

/* The partition of a record whose serialized key is `key_len` bytes at `key` (borrowed):
 * toPositive(murmur2(key)) % partition_count. partition_count counts all partitions,
 * 1..KPART_PARTITIONS_MAX. */
uint32_t kpart_for_key(const uint8_t *key, size_t key_len, uint32_t partition_count);

/* ---- Null key, current client: uniform sticky (KIP-794) ----------------------------- */

/* One producer's sticky state for one topic (Kafka: one BuiltInPartitioner per topic). */
typedef struct kpart_sticky {
    sim_rng *rng;                /* keeps: the producer's stream; must outlive the state */
    uint32_t sticky_batch_bytes; /* batch.size: bytes to produce before switching, ≥ 1 */
    uint32_t partition_index;    /* current sticky partition; KPART_NONE before the first */
    uint64_t produced_bytes;     /* appended to partition_index since it was picked */
    uint64_t pick_count;         /* partitions drawn so far, the first one included */
} kpart_sticky;

/* Initialises `s` with no partition chosen yet. Keeps `rng` (see the field). Kafka
 * rejects batch.size < 1 here; so must the caller (asserted). */
void kpart_sticky_init(kpart_sticky *s, sim_rng *rng, uint32_t sticky_batch_bytes);

/* The partition the next null-key record goes to (Kafka's peekCurrentPartitionInfo):
 * the current sticky partition, or, on the first call, one drawn from `topic`. */
uint32_t kpart_sticky_partition(kpart_sticky *s, kpart_topic_view topic);

/* Records that `appended_bytes` were appended to the current sticky partition and
 * switches partition when Kafka would (updatePartitionInfo): produced bytes ≥ batch.size
 * and `enable_switch`, or produced bytes ≥ 2 × batch.size. `enable_switch` is Kafka's
 * allBatchesFull: true when the last batch queued for the partition is full (or none is
 * queued). A call with 0 bytes and enable_switch true completes a switch that an
 * unfinished batch held back. Returns true when it switched (a new partition was drawn
 * from `topic`, possibly the same one). Precondition: kpart_sticky_partition was called. */
bool kpart_sticky_update(kpart_sticky *s, uint32_t appended_bytes, bool enable_switch,
                         kpart_topic_view topic);

/* ---- Null key, before 2.4: round-robin (DefaultPartitioner) ------------------------ */

/* One producer's round-robin counter for one topic. */
typedef struct kpart_round_robin {
    uint32_t counter; /* Kafka's AtomicInteger as a bit pattern; wraps like Java's int */
} kpart_round_robin;

/* Initialises `rr` with a counter drawn from `rng` (borrowed), as Kafka starts it at
 * ThreadLocalRandom.nextInt(). */
void kpart_round_robin_init(kpart_round_robin *rr, sim_rng *rng);

/* The partition of the next null-key record, advancing the counter:
 * available[toPositive(counter++) % available count], or over all partitions when none
 * is available. */
uint32_t kpart_round_robin_partition(kpart_round_robin *rr, kpart_topic_view topic);

#endif
