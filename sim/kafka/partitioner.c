/*
 * partitioner.c — Kafka's default partitioner: murmur2 for keys, sticky or round-robin
 *   for null keys.
 *
 * Role: implements partitioner.h; called by the producer model per record and by
 *   `kraftlab partition`.
 * Model: see partitioner.h (Utils.murmur2, Utils.toPositive, BuiltInPartitioner,
 *   DefaultPartitioner at 2.3; KIP-794).
 * Owns / borrows: nothing beyond the caller's state values and the kept RNG pointer.
 * Invariants: murmur2 works on uint32_t only, so every multiplication wraps modulo 2^32
 *   exactly as Java's int does (signed overflow would be undefined behaviour in C); the
 *   bit pattern is turned into a signed value at the very end.
 * Determinism: one `sim_rng_below` draw per pick, nothing else random.
 * Not modelled: see partitioner.h.
 */
#include "partitioner.h"
#include "../core/sim_assert.h"

/* ======================================================================================
 * murmur2 and toPositive
 * ==================================================================================== */

/* MurmurHash2 constants as Kafka's Utils.murmur2 uses them: the seed and the mixing
 * multiplier and shift. */
#define MURMUR2_SEED UINT32_C(0x9747b28c)
#define MURMUR2_M    UINT32_C(0x5bd1e995)
#define MURMUR2_R    24

/* The Java int with the same bit pattern as `bits`. Written out because converting an
 * out-of-range value to int32_t is implementation-defined in C11. */
static int32_t as_java_int(uint32_t bits)
{
    if (bits <= (uint32_t)INT32_MAX) return (int32_t)bits;
    return (int32_t)(bits - UINT32_C(0x80000000)) + INT32_MIN;
}

int32_t kpart_murmur2(const uint8_t *data, size_t len)
{
    if (len > 0) SIM_ASSERT(data != NULL);
    /* Java hashes an int length; a key longer than that cannot exist in Kafka. */
    SIM_ASSERT(len <= (size_t)INT32_MAX);

    uint32_t h = MURMUR2_SEED ^ (uint32_t)len;
    const size_t block_count = len / 4;
    for (size_t i = 0; i < block_count; i++) {
        const uint8_t *b = data + 4 * i;
        /* Little-endian block, bytes read as unsigned (Java's `& 0xff`). */
        uint32_t k =
            (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
        k *= MURMUR2_M;
        k ^= k >> MURMUR2_R;
        k *= MURMUR2_M;
        /* Kafka's order: h is multiplied before k is mixed in. */
        h *= MURMUR2_M;
        h ^= k;
    }

    /* The last len % 4 bytes. Kafka writes this as a switch whose cases fall through
     * (3 → 2 → 1); the cumulative conditions below do the same. */
    const size_t tail_len = len % 4;
    if (tail_len > 0) {
        const uint8_t *tail = data + 4 * block_count;
        if (tail_len >= 3) h ^= (uint32_t)tail[2] << 16;
        if (tail_len >= 2) h ^= (uint32_t)tail[1] << 8;
        h ^= (uint32_t)tail[0];
        h *= MURMUR2_M;
    }

    h ^= h >> 13;
    h *= MURMUR2_M;
    h ^= h >> 15;
    return as_java_int(h);
}

uint32_t kpart_to_positive(int32_t value)
{
    /* Utils.toPositive: mask the sign bit; unlike abs(), INT32_MIN becomes 0. */
    const uint32_t positive = (uint32_t)value & UINT32_C(0x7fffffff);
    SIM_ASSERT(positive <= (uint32_t)INT32_MAX);
    return positive;
}

uint32_t kpart_for_key(const uint8_t *key, size_t key_len, uint32_t partition_count)
{
    SIM_ASSERT(partition_count >= 1);
    SIM_ASSERT(partition_count <= KPART_PARTITIONS_MAX);
    /* BuiltInPartitioner.partitionForKey: modulo ALL partitions, not the available ones,
     * so a key's partition does not move while a leader is missing. */
    const uint32_t partition = kpart_to_positive(kpart_murmur2(key, key_len)) % partition_count;
    SIM_ASSERT(partition < partition_count);
    return partition;
}

/* ======================================================================================
 * Available partitions
 * ==================================================================================== */

static void check_view(kpart_topic_view topic)
{
    SIM_ASSERT(topic.partition_count >= 1);
    SIM_ASSERT(topic.partition_count <= KPART_PARTITIONS_MAX);
}

/* Kafka's cluster.availablePartitionsForTopic(topic).size(). */
static uint32_t available_count(kpart_topic_view topic)
{
    if (topic.available == NULL) return topic.partition_count;
    uint32_t count = 0;
    for (uint32_t i = 0; i < topic.partition_count; i++) count += topic.available[i] ? 1u : 0u;
    return count;
}

/* Kafka's availablePartitions.get(position).partition(): the position-th available
 * partition, counting from 0 in ascending partition index order. */
static uint32_t nth_available(kpart_topic_view topic, uint32_t position)
{
    if (topic.available == NULL) {
        SIM_ASSERT(position < topic.partition_count);
        return position;
    }
    uint32_t seen = 0;
    for (uint32_t i = 0; i < topic.partition_count; i++) {
        if (!topic.available[i]) continue;
        if (seen == position) return i;
        seen++;
    }
    SIM_UNREACHABLE(); /* position < available_count by the callers' construction */
}

/* BuiltInPartitioner.nextPartition without load stats: uniform among the available
 * partitions, or among all of them when none has a leader (the record then waits in
 * the accumulator for one). Exactly one draw. */
static uint32_t draw_partition(sim_rng *rng, kpart_topic_view topic)
{
    const uint32_t count = available_count(topic);
    if (count == 0) return (uint32_t)sim_rng_below(rng, topic.partition_count);
    const uint32_t partition = nth_available(topic, (uint32_t)sim_rng_below(rng, count));
    if (topic.available != NULL) SIM_ASSERT(topic.available[partition]);
    return partition;
}

/* ======================================================================================
 * Uniform sticky (KIP-794, Kafka 3.3+)
 * ==================================================================================== */

void kpart_sticky_init(kpart_sticky *s, sim_rng *rng, uint32_t sticky_batch_bytes)
{
    SIM_ASSERT(s != NULL);
    SIM_ASSERT(rng != NULL);
    /* BuiltInPartitioner's constructor rejects a stickyBatchSize below 1. */
    SIM_ASSERT(sticky_batch_bytes >= 1);
    *s = (kpart_sticky){
        .rng = rng,
        .sticky_batch_bytes = sticky_batch_bytes,
        .partition_index = KPART_NONE,
        .produced_bytes = 0,
        .pick_count = 0,
    };
}

/* Starts a new sticky partition: a fresh draw and a produced-bytes counter at zero
 * (Kafka creates a new StickyPartitionInfo). */
static void pick_next(kpart_sticky *s, kpart_topic_view topic)
{
    s->partition_index = draw_partition(s->rng, topic);
    s->produced_bytes = 0;
    s->pick_count++;
    SIM_ASSERT(s->partition_index < topic.partition_count);
}

uint32_t kpart_sticky_partition(kpart_sticky *s, kpart_topic_view topic)
{
    SIM_ASSERT(s->rng != NULL);
    check_view(topic);
    /* peekCurrentPartitionInfo: the first null-key record of the topic draws one. */
    if (s->partition_index == KPART_NONE) pick_next(s, topic);
    /* Partition counts only grow (Kafka cannot remove partitions). */
    SIM_ASSERT(s->partition_index < topic.partition_count);
    return s->partition_index;
}

bool kpart_sticky_update(kpart_sticky *s, uint32_t appended_bytes, bool enable_switch,
                         kpart_topic_view topic)
{
    SIM_ASSERT(s->partition_index != KPART_NONE);
    check_view(topic);
    SIM_ASSERT(s->partition_index < topic.partition_count);

    const uint64_t batch_bytes = s->sticky_batch_bytes;
    s->produced_bytes += appended_bytes;
    /* KIP-794 (updatePartitionInfo): switch after batch.size bytes, but not while the
     * partition's last batch is unfinished, so switching does not leave a small
     * fractional batch behind; past 2 × batch.size switch anyway. */
    const bool switch_now =
        (s->produced_bytes >= batch_bytes && enable_switch) || s->produced_bytes >= 2 * batch_bytes;
    if (switch_now) pick_next(s, topic);
    SIM_ASSERT(s->produced_bytes < 2 * batch_bytes);
    return switch_now;
}

/* ======================================================================================
 * Round-robin (DefaultPartitioner, Kafka ≤ 2.3)
 * ==================================================================================== */

void kpart_round_robin_init(kpart_round_robin *rr, sim_rng *rng)
{
    SIM_ASSERT(rr != NULL);
    SIM_ASSERT(rng != NULL);
    /* The counter starts at ThreadLocalRandom.nextInt(): any of the 2^32 int values. */
    rr->counter = (uint32_t)sim_rng_below(rng, UINT64_C(1) << 32);
}

uint32_t kpart_round_robin_partition(kpart_round_robin *rr, kpart_topic_view topic)
{
    check_view(topic);
    /* getAndIncrement; unsigned wrap-around is Java's int overflow. Where the counter
     * passes INT32_MAX, toPositive jumps from INT32_MAX to 0, so unless the count is a
     * power of two the rotation breaks its order there once, as Kafka's does. */
    const uint32_t value = kpart_to_positive(as_java_int(rr->counter++));
    const uint32_t count = available_count(topic);
    const uint32_t partition =
        count == 0 ? value % topic.partition_count : nth_available(topic, value % count);
    SIM_ASSERT(partition < topic.partition_count);
    return partition;
}
