/*
 * test_partitioner.c — Kafka's default partitioner: murmur2, toPositive, keyed records,
 *   the uniform sticky partitioner for null keys (KIP-794) and the pre-2.4 round-robin.
 *
 * Goal: keyed records land exactly where a Java producer puts them, and null-key records
 *   follow Kafka's switching rules with our seeded RNG in place of Java's.
 * Method: Kafka's own test vectors (UtilsTest.testMurmur2) and extra vectors computed by
 *   a line-by-line transliteration of Utils.murmur2 with Java's signed bytes and int
 *   wrap-around; the cases of BuiltInPartitionerTest and of DefaultPartitionerTest (at
 *   2.3) with the same expectations — except where Kafka's test mocks its random source,
 *   which we say at each such place; determinism by replaying a seed.
 */
#include "../../sim/kafka/partitioner.h"

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <signal.h>
#include <string.h>

/* The bytes of a C string, as Kafka's StringSerializer would send an ASCII/UTF-8 key. */
static int32_t murmur2_of(const char *s)
{
    return kpart_murmur2((const uint8_t *)s, strlen(s));
}

static uint32_t partition_of(const char *s, uint32_t partition_count)
{
    return kpart_for_key((const uint8_t *)s, strlen(s), partition_count);
}

/* A topic where every partition has a leader. */
static kpart_topic_view all_available(uint32_t partition_count)
{
    return (kpart_topic_view){.partition_count = partition_count, .available = NULL};
}

/* ======================================================================================
 * murmur2 and toPositive
 * ==================================================================================== */

/* Every vector of Kafka's UtilsTest.testMurmur2, which asserts Utils.murmur2 on them. */
Test(partitioner, murmur2_matches_kafka_utils_test_vectors)
{
    cr_assert_eq(murmur2_of("21"), -973932308);
    cr_assert_eq(murmur2_of("foobar"), -790332482);
    cr_assert_eq(murmur2_of("a-little-bit-long-string"), -985981536);
    cr_assert_eq(murmur2_of("a-little-bit-longer-string"), -1486304829);
    cr_assert_eq(murmur2_of("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
    const uint8_t abc[] = {'a', 'b', 'c'}; /* Kafka writes this one as a byte array */
    cr_assert_eq(kpart_murmur2(abc, sizeof abc), 479470107);
}

/* The vectors above are ASCII and cover tail lengths 2 ("21"), 0 ("foobar" is 6 = 4 + 2,
 * so 2 again), 3 ("abc"). These add the empty key (tail 0, no block), bytes ≥ 0x80 (which
 * Java holds as negative bytes and masks with & 0xff), and UTF-8 keys. Values from the
 * Java transliteration described at the top. */
Test(partitioner, murmur2_empty_high_bytes_and_utf8)
{
    cr_assert_eq(kpart_murmur2(NULL, 0), 275646681);
    const uint8_t two[] = {0x00, 0xff};
    cr_assert_eq(kpart_murmur2(two, sizeof two), -190448095);
    const uint8_t five[] = {0x80, 0x81, 0xfe, 0xff, 0x7f}; /* one block + tail of 1 */
    cr_assert_eq(kpart_murmur2(five, sizeof five), -985178127);
    cr_assert_eq(murmur2_of("\xc3\xa9"), 186971271);                          /* "é" */
    cr_assert_eq(murmur2_of("\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87"), 2122343024); /* "ключ" */
    cr_assert_eq(murmur2_of("key"), -1079937367);
}

/* Utils.toPositive masks the sign bit; it is not abs(): INT32_MIN → 0, -1 → INT32_MAX. */
Test(partitioner, to_positive_masks_the_sign_bit)
{
    cr_assert_eq(kpart_to_positive(0), 0u);
    cr_assert_eq(kpart_to_positive(1), 1u);
    cr_assert_eq(kpart_to_positive(INT32_MAX), (uint32_t)INT32_MAX);
    cr_assert_eq(kpart_to_positive(-1), (uint32_t)INT32_MAX);
    cr_assert_eq(kpart_to_positive(INT32_MIN), 0u);
    cr_assert_eq(kpart_to_positive(-790332482), 1357151166u); /* 2^31 - 790332482 */
}

/* ======================================================================================
 * Keyed records: toPositive(murmur2(key)) % all partitions
 * ==================================================================================== */

Test(partitioner, keyed_partition_for_several_counts)
{
    /* One partition: everything goes to 0. */
    cr_assert_eq(partition_of("foobar", 1), 0u);
    cr_assert_eq(partition_of("21", 1), 0u);
    /* foobar: toPositive = 1357151166 → % 4 = 2, % 6 = 0, % 12 = 6, % 50 = 16. */
    cr_assert_eq(partition_of("foobar", 4), 2u);
    cr_assert_eq(partition_of("foobar", 6), 0u);
    cr_assert_eq(partition_of("foobar", 12), 6u);
    cr_assert_eq(partition_of("foobar", 50), 16u);
    /* The other UtilsTest keys over 3, 7 and 50 partitions. */
    cr_assert_eq(partition_of("21", 7), 3u);
    cr_assert_eq(partition_of("21", 50), 40u);
    cr_assert_eq(partition_of("a-little-bit-long-string", 3), 2u);
    cr_assert_eq(partition_of("a-little-bit-longer-string", 12), 11u);
    cr_assert_eq(partition_of("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", 6), 5u);
    cr_assert_eq(partition_of("abc", 7), 4u);
    /* The empty key is a key (not null): murmur2 275646681 → % 12 = 9. */
    cr_assert_eq(kpart_for_key(NULL, 0, 12), 9u);
}

/* DefaultPartitionerTest.testKeyPartitionIsStable, and the reason keys keep their order:
 * the same key always maps to the same partition for a given count. */
Test(partitioner, keyed_partition_is_stable)
{
    const uint32_t first = partition_of("key", 3);
    cr_assert_eq(first, 1u);
    for (int i = 0; i < 100; i++) cr_assert_eq(partition_of("key", 3), first);
}

/* ======================================================================================
 * Null key, current client: uniform sticky (BuiltInPartitionerTest)
 * ==================================================================================== */

/* testStickyPartitioning: with a sticky batch size of 3 bytes and 1-byte appends, the
 * partition holds for three records, and the third append switches. Kafka's test then
 * asserts the new partition differs: it mocks the random source with 0, 1, 2, ... so the
 * second draw lands elsewhere. KIP-794 itself may re-pick the same partition, so with a
 * real random source we assert the switch (a new draw, the byte counter reset). */
Test(partitioner, sticky_holds_for_batch_size_then_switches)
{
    sim_rng rng;
    sim_rng_init(&rng, 42, SIM_STREAM(SIM_STREAM_PRODUCER, 0));
    kpart_sticky s;
    kpart_sticky_init(&s, &rng, 3);
    const kpart_topic_view topic_a = all_available(3);

    /* Record 1: the first peek draws the sticky partition. */
    const uint32_t part_a = kpart_sticky_partition(&s, topic_a);
    cr_assert_lt(part_a, 3u);
    cr_assert_eq(s.pick_count, 1u);
    cr_assert_not(kpart_sticky_update(&s, 1, true, topic_a));
    /* Record 2: same partition, 2 of 3 bytes. */
    cr_assert_eq(kpart_sticky_partition(&s, topic_a), part_a);
    cr_assert_not(kpart_sticky_update(&s, 1, true, topic_a));
    cr_assert_eq(s.produced_bytes, 2u);
    /* Record 3: same partition; this append reaches 3 bytes, so it switches. */
    cr_assert_eq(kpart_sticky_partition(&s, topic_a), part_a);
    cr_assert(kpart_sticky_update(&s, 1, true, topic_a));
    cr_assert_eq(s.pick_count, 2u);
    cr_assert_eq(s.produced_bytes, 0u);

    /* Topic B has one partition and a sticky batch of 1 byte: every record switches,
     * and every switch lands on partition 0. */
    kpart_sticky b;
    kpart_sticky_init(&b, &rng, 1);
    for (int c = 0; c < 10; c++) {
        cr_assert_eq(kpart_sticky_partition(&b, all_available(1)), 0u);
        cr_assert(kpart_sticky_update(&b, 1, true, all_available(1)));
    }
    cr_assert_eq(b.pick_count, 11u); /* the first pick and ten switches */
}

/* The draw is uniform over all available partitions, the one being left included: over
 * many switches every partition is visited and some switches stay where they were
 * (2.4–3.2's StickyPartitionCache avoided that; KIP-794 does not). */
Test(partitioner, sticky_switch_may_repick_the_same_partition)
{
    sim_rng rng;
    sim_rng_init(&rng, 7, SIM_STREAM(SIM_STREAM_PRODUCER, 3));
    kpart_sticky s;
    kpart_sticky_init(&s, &rng, 1);
    const kpart_topic_view topic = all_available(3);
    uint32_t visits[3] = {0};
    uint32_t stays = 0;
    uint32_t previous = kpart_sticky_partition(&s, topic);
    for (int i = 0; i < 3000; i++) {
        kpart_sticky_update(&s, 1, true, topic);
        const uint32_t p = kpart_sticky_partition(&s, topic);
        visits[p]++;
        stays += p == previous ? 1u : 0u;
        previous = p;
    }
    for (int p = 0; p < 3; p++) cr_assert_gt(visits[p], 800u, "partition %d: %u", p, visits[p]);
    /* About a third of the switches stay put. */
    cr_assert_gt(stays, 800u);
    cr_assert_lt(stays, 1200u);
}

/* unavailablePartitionsTest: topic A's partition 1 has no leader, so it is never
 * chosen, while both others are; topic B's only available partition is 1, so always 1;
 * topic C's single partition has no leader, so Kafka draws among all partitions: 0. */
Test(partitioner, sticky_never_picks_a_partition_without_leader)
{
    sim_rng rng;
    sim_rng_init(&rng, 42, SIM_STREAM(SIM_STREAM_PRODUCER, 1));

    const bool a_leaders[3] = {true, false, true};
    const kpart_topic_view topic_a = {.partition_count = 3, .available = a_leaders};
    kpart_sticky a;
    kpart_sticky_init(&a, &rng, 1);
    const uint32_t part_a = kpart_sticky_partition(&a, topic_a);
    cr_assert_neq(part_a, 1u);
    kpart_sticky_update(&a, 1, true, topic_a);
    bool found_another = false;
    for (int i = 0; i < 100; i++) {
        const uint32_t p = kpart_sticky_partition(&a, topic_a);
        kpart_sticky_update(&a, 1, true, topic_a);
        cr_assert_neq(p, 1u);
        found_another = found_another || p != part_a;
    }
    cr_assert(found_another, "expected a partition other than %u", part_a);

    const bool b_leaders[2] = {false, true};
    const kpart_topic_view topic_b = {.partition_count = 2, .available = b_leaders};
    kpart_sticky b;
    kpart_sticky_init(&b, &rng, 1);
    for (int i = 0; i < 100; i++) {
        cr_assert_eq(kpart_sticky_partition(&b, topic_b), 1u);
        kpart_sticky_update(&b, 1, true, topic_b);
    }

    const bool c_leaders[1] = {false};
    const kpart_topic_view topic_c = {.partition_count = 1, .available = c_leaders};
    kpart_sticky c;
    kpart_sticky_init(&c, &rng, 1);
    cr_assert_eq(kpart_sticky_partition(&c, topic_c), 0u);
    kpart_sticky_update(&c, 1, true, topic_c);
    cr_assert_eq(kpart_sticky_partition(&c, topic_c), 0u);
}

/* The batching refinement of updatePartitionInfo (RecordAccumulator passes
 * enable_switch = allBatchesFull): at batch.size bytes the switch waits while the last
 * batch is unfinished, a later call completes it, and at 2 × batch.size it happens
 * regardless. batch.size is Kafka's default 16384; records of 1000 bytes. */
Test(partitioner, sticky_switch_waits_for_a_full_batch_up_to_twice_batch_size)
{
    sim_rng rng;
    sim_rng_init(&rng, 5, SIM_STREAM(SIM_STREAM_PRODUCER, 0));
    const kpart_topic_view topic = all_available(6);
    kpart_sticky s;
    kpart_sticky_init(&s, &rng, 16384);
    kpart_sticky_partition(&s, topic);

    /* 17 records = 17000 bytes ≥ 16384, but the batch is not full: no switch. */
    for (int i = 0; i < 17; i++) cr_assert_not(kpart_sticky_update(&s, 1000, false, topic));
    cr_assert_eq(s.produced_bytes, 17000u);
    cr_assert_eq(s.pick_count, 1u);
    /* The next append finds every batch full (partitionChanged calls update with 0
     * bytes and enableSwitch): the held-back switch happens now. */
    cr_assert(kpart_sticky_update(&s, 0, true, topic));
    cr_assert_eq(s.pick_count, 2u);
    cr_assert_eq(s.produced_bytes, 0u);

    /* Never a full batch: the switch comes at 33 records = 33000 bytes ≥ 32768. */
    for (int i = 0; i < 32; i++) cr_assert_not(kpart_sticky_update(&s, 1000, false, topic));
    cr_assert_eq(s.produced_bytes, 32000u);
    cr_assert(kpart_sticky_update(&s, 1000, false, topic));
    cr_assert_eq(s.pick_count, 3u);

    /* Below batch.size an enabled switch does nothing: 16383 bytes, then 1 more. */
    cr_assert_not(kpart_sticky_update(&s, 16383, true, topic));
    cr_assert(kpart_sticky_update(&s, 1, true, topic));
}

/* testStickyBatchSizeMoreThatZero: Kafka throws for 0; for us that is a caller bug, so
 * it aborts (each Criterion test runs in its own process). */
Test(partitioner, sticky_batch_size_zero_is_a_bug, .signal = SIGABRT, .init = cr_redirect_stderr)
{
    sim_rng rng;
    sim_rng_init(&rng, 1, 0);
    kpart_sticky s;
    kpart_sticky_init(&s, &rng, 0);
}

/* ======================================================================================
 * Null key, before 2.4: round-robin (DefaultPartitionerTest at 2.3)
 * ==================================================================================== */

/* A counter at 0 over 4 partitions of which 1 has no leader: the rotation walks the
 * available list 0, 2, 3 and never picks 1. */
Test(partitioner, round_robin_walks_the_available_partitions)
{
    const bool leaders[4] = {true, false, true, true};
    const kpart_topic_view topic = {.partition_count = 4, .available = leaders};
    kpart_round_robin rr = {.counter = 0};
    const uint32_t expected[] = {0, 2, 3, 0, 2, 3, 0};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        cr_assert_eq(kpart_round_robin_partition(&rr, topic), expected[i], "record %zu", i);
    cr_assert_eq(rr.counter, 7u);

    /* No partition has a leader: Kafka rotates over all of them. */
    const bool none[3] = {false, false, false};
    kpart_round_robin all = {.counter = 5};
    cr_assert_eq(kpart_round_robin_partition(&all, (kpart_topic_view){3, none}), 2u);
    cr_assert_eq(kpart_round_robin_partition(&all, (kpart_topic_view){3, none}), 0u);
}

/* testRoundRobinWithUnavailablePartitions: partitions 0 and 2 available, 1 not; from a
 * random start, 100 records split 50/50. testRoundRobin: 30 records over 3 partitions
 * give 10 each, whatever another topic's counter does (one counter per topic). */
Test(partitioner, round_robin_is_even_from_a_random_start)
{
    sim_rng rng;
    sim_rng_init(&rng, 42, SIM_STREAM(SIM_STREAM_PRODUCER, 2));
    /* Kafka's test cluster: partition 1 has no leader. */
    const bool leaders[3] = {true, false, true};
    const kpart_topic_view topic = {.partition_count = 3, .available = leaders};
    kpart_round_robin rr;
    kpart_round_robin_init(&rr, &rng);
    uint32_t count[3] = {0};
    for (int i = 0; i < 100; i++) count[kpart_round_robin_partition(&rr, topic)]++;
    cr_assert_eq(count[1], 0u);
    cr_assert_eq(count[0], 50u);
    cr_assert_eq(count[2], 50u);

    kpart_round_robin topic_a, topic_b;
    kpart_round_robin_init(&topic_a, &rng);
    kpart_round_robin_init(&topic_b, &rng);
    uint32_t per_partition[3] = {0};
    for (int i = 0; i < 30; i++) {
        per_partition[kpart_round_robin_partition(&topic_a, all_available(3))]++;
        if (i % 5 == 0) kpart_round_robin_partition(&topic_b, all_available(1));
    }
    for (int p = 0; p < 3; p++) cr_assert_eq(per_partition[p], 10u);
}

/* Java's int counter wraps from INT32_MAX to INT32_MIN, and toPositive turns that into
 * 0: over 3 partitions the rotation goes ..., 0, 1, then 0 again, then 1, 2, ... */
Test(partitioner, round_robin_counter_wraps_like_a_java_int)
{
    kpart_round_robin rr = {.counter = 0x7ffffffeu};
    cr_assert_eq(kpart_round_robin_partition(&rr, all_available(3)), 0u); /* 2147483646 % 3 */
    cr_assert_eq(kpart_round_robin_partition(&rr, all_available(3)), 1u); /* 2147483647 % 3 */
    cr_assert_eq(kpart_round_robin_partition(&rr, all_available(3)), 0u); /* MIN → 0 */
    cr_assert_eq(kpart_round_robin_partition(&rr, all_available(3)), 1u);
    cr_assert_eq(kpart_round_robin_partition(&rr, all_available(3)), 2u);
    /* -1 → INT32_MAX, then 0 → 0: at the unsigned wrap the rotation continues. */
    rr.counter = 0xffffffffu;
    cr_assert_eq(kpart_round_robin_partition(&rr, all_available(3)), 1u);
    cr_assert_eq(kpart_round_robin_partition(&rr, all_available(3)), 0u);
    cr_assert_eq(rr.counter, 1u);
}

/* ======================================================================================
 * Determinism
 * ==================================================================================== */

/* The choices the sticky partitioner makes over 8 partitions with 1-byte batches. */
static void sticky_sequence(uint64_t seed, uint32_t producer_index, uint32_t out[32])
{
    sim_rng rng;
    sim_rng_init(&rng, seed, SIM_STREAM(SIM_STREAM_PRODUCER, producer_index));
    kpart_sticky s;
    kpart_sticky_init(&s, &rng, 1);
    for (int i = 0; i < 32; i++) {
        out[i] = kpart_sticky_partition(&s, all_available(8));
        kpart_sticky_update(&s, 1, true, all_available(8));
    }
}

/* Same seed and producer ⇒ the same choices; another producer's stream ⇒ other choices;
 * and the sequence for seed 1 is pinned, so a change in how many draws a pick takes
 * (which would shift every later draw of the producer's stream) shows up here. */
Test(partitioner, sticky_choices_repeat_for_a_seed)
{
    uint32_t a[32], b[32], other[32];
    sticky_sequence(1, 0, a);
    sticky_sequence(1, 0, b);
    sticky_sequence(1, 1, other);
    cr_assert_arr_eq(a, b, sizeof a);
    cr_assert(memcmp(a, other, sizeof a) != 0);

    const uint32_t pinned[8] = {1, 3, 1, 5, 1, 2, 4, 7};
    cr_assert_arr_eq(a, pinned, sizeof pinned);
}
