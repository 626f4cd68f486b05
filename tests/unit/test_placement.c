/*
 * test_placement.c — replica placement: KRaft's StripedReplicaPlacer, the controller's
 *   topic-creation checks, AdminUtils.assignReplicasToBrokers, and the Java collection
 *   order they depend on.
 *
 * Goal: given the same random numbers, our placer puts every replica where Kafka 4.0's
 *   does, rejects what Kafka rejects with Kafka's words, and AdminUtils' layout matches
 *   Kafka's for fixed and random start indexes.
 * Method: each test is named after the Kafka test method it comes from (class in the
 *   comment above it) and feeds our code the numbers Kafka's test feeds Kafka's:
 *   `mock_random` below is a transliteration of Kafka's MockRandom (a 64-bit LCG behind
 *   java.util.Random.next(bits)) plus java.util.Random.nextInt(bound). Tests marked
 *   "vector" have expectations printed by Kafka's own classes (StripedReplicaPlacer,
 *   AdminUtils at apache/kafka 1eb7644, JDK 17 HashMap/String) run with the same inputs and
 *   MockRandom — AdminUtils with its static Random replaced by MockRandom(17) — for cases
 *   Kafka's tests do not pin down (rack names in hash order, shuffles, random start
 *   indexes). Where Kafka's test draws at random and checks a property, we check the
 *   property for every value the draw can take.
 */
#include "../../sim/kafka/placement.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* =================================================================================
 * Random sources
 * ================================================================================= */

/* Kafka's MockRandom(state): next(bits) = top `bits` bits of an LCG step. */
typedef struct mock_random {
    uint64_t state;
} mock_random;

static mock_random mock_random_new(uint64_t seed)
{
    return (mock_random){.state = seed};
}

static int32_t mock_next(mock_random *m, int bits)
{
    m->state = m->state * 2862933555777941757ULL + 3037000493ULL;
    return (int32_t)(m->state >> (64 - bits));
}

/* java.util.Random.nextInt(bound) over MockRandom.next(31). */
static uint32_t mock_random_cb(void *ctx, uint32_t bound)
{
    mock_random *m = ctx;
    const int32_t b = (int32_t)bound;
    int32_t r = mock_next(m, 31);
    const int32_t mask = b - 1;
    if ((b & mask) == 0) return (uint32_t)(((int64_t)b * r) >> 31);
    /* Reject the values where u - r + m overflows a Java int. */
    for (int32_t u = r;; u = mock_next(m, 31)) {
        r = u % b;
        if ((int64_t)u - r + mask <= INT32_MAX) return (uint32_t)r;
    }
}

/* Replays fixed values: AdminUtils' start index and shift, one per call. */
typedef struct scripted_random {
    uint32_t values[4];
    uint32_t count;
    uint32_t next;
} scripted_random;

static uint32_t scripted_random_cb(void *ctx, uint32_t bound)
{
    scripted_random *s = ctx;
    cr_assert_lt(s->next, s->count, "more draws than scripted");
    const uint32_t v = s->values[s->next++];
    cr_assert_lt(v, bound);
    return v;
}

/* Fails the test if called: paths that must not draw. */
static uint32_t no_random_cb(void *ctx, uint32_t bound)
{
    (void)ctx;
    (void)bound;
    cr_assert_fail("unexpected draw");
    return 0;
}

/* =================================================================================
 * Formatting, as Java's List.toString: "[5, 3, 4]"; rows joined by one space.
 * ================================================================================= */

#define TEXT_BYTES 8192

static void format_rows(char *buf, size_t cap, const int32_t *rows, uint32_t row_count,
                        uint32_t width)
{
    size_t len = 0;
    buf[0] = '\0';
    for (uint32_t r = 0; r < row_count; r++) {
        len += (size_t)snprintf(buf + len, cap - len, "%s[", r == 0 ? "" : " ");
        for (uint32_t i = 0; i < width; i++) {
            len += (size_t)snprintf(buf + len, cap - len, "%s%d", i == 0 ? "" : ", ",
                                    rows[r * width + i]);
        }
        len += (size_t)snprintf(buf + len, cap - len, "]");
        cr_assert_lt(len, cap);
    }
}

static void assert_rows(const int32_t *rows, uint32_t row_count, uint32_t width,
                        const char *expected)
{
    char got[TEXT_BYTES];
    format_rows(got, sizeof got, rows, row_count, width);
    cr_assert_str_eq(got, expected);
}

/* =================================================================================
 * Striped placer fixtures
 * ================================================================================= */

#define B(id_, rack_, fenced_)                                                                     \
    ((kplace_usable_broker){.id = (id_), .rack = (rack_), .fenced = (fenced_)})
#define COUNT(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))
#define ROWS_MAX (256 * KPLACE_BROKERS_MAX)

/* RackList.place once; asserts success. */
static void place_row(kplace_rack_list *rl, int32_t rf, int32_t *row, mock_random *m)
{
    kplace_error err;
    cr_assert_eq(kplace_rack_list_place(rl, rf, row, &err, mock_random_cb, m), SIM_OK, "%s",
                 err.message);
}

/* StripedReplicaPlacer.place with MockRandom(seed), rows formatted. */
static void striped_expect(const kplace_usable_broker *brokers, uint32_t count, uint64_t seed,
                           int32_t partitions, int32_t rf, const char *expected)
{
    static int32_t rows[ROWS_MAX];
    mock_random m = mock_random_new(seed);
    kplace_error err;
    cr_assert_eq(
        kplace_striped_place(brokers, count, partitions, rf, rows, &err, mock_random_cb, &m),
        SIM_OK, "%s", err.message);
    assert_rows(rows, (uint32_t)partitions, (uint32_t)rf, expected);
}

static void striped_expect_error(const kplace_usable_broker *brokers, uint32_t count,
                                 int32_t partitions, int32_t rf, const char *message)
{
    int32_t rows[KPLACE_BROKERS_MAX];
    mock_random m = mock_random_new(17);
    kplace_error err;
    cr_assert_eq(
        kplace_striped_place(brokers, count, partitions, rf, rows, &err, mock_random_cb, &m),
        SIM_EINVALID);
    cr_assert_eq(err.status, KPLACE_INVALID_REPLICATION_FACTOR);
    cr_assert_str_eq(err.message, message);
}

static void rack_list_expect_error(kplace_rack_list *rl, int32_t rf, const char *message)
{
    int32_t rows[KPLACE_BROKERS_MAX];
    mock_random m = mock_random_new(17);
    kplace_error err;
    cr_assert_eq(kplace_rack_list_place(rl, rf, rows, &err, no_random_cb, &m), SIM_EINVALID);
    cr_assert_eq(err.status, KPLACE_INVALID_REPLICATION_FACTOR);
    if (message != NULL) cr_assert_str_eq(err.message, message);
}

/* The rack names of a rack list in its `rackNames` order, "" for no rack. */
static void assert_rack_names(const kplace_rack_list *rl, const char *expected)
{
    char got[TEXT_BYTES] = "";
    size_t len = 0;
    for (uint32_t i = 0; i < rl->rack_count; i++) {
        const char *name = rl->racks[rl->rack_order[i]].name;
        len += (size_t)snprintf(got + len, sizeof got - len, "%s%s", i == 0 ? "" : ",",
                                name == NULL ? "-" : name);
    }
    cr_assert_str_eq(got, expected);
}

/* =================================================================================
 * StripedReplicaPlacerTest
 * ================================================================================= */

/* StripedReplicaPlacerTest.testBrokerList. */
Test(placement, testBrokerList)
{
    const int32_t pool[] = {0, 1, 2, 3};
    kplace_broker_list empty = {0};
    cr_assert_eq(kplace_broker_list_next(&empty, NULL, 1), -1);
    kplace_broker_list bl = {.first = 0, .size = 4};
    const int32_t expected0[] = {0, 1, 2, 3, -1, -1};
    for (uint32_t i = 0; i < COUNT(expected0); i++) {
        cr_assert_eq(kplace_broker_list_next(&bl, pool, 0), expected0[i], "call %u", i);
    }
    const int32_t expected1[] = {1, 2, 3, 0, -1};
    for (uint32_t i = 0; i < COUNT(expected1); i++) {
        cr_assert_eq(kplace_broker_list_next(&bl, pool, 1), expected1[i], "call %u", i);
    }
}

/* StripedReplicaPlacerTest.testAvoidFencedReplicaIfPossibleOnSingleRack. */
Test(placement, testAvoidFencedReplicaIfPossibleOnSingleRack)
{
    const kplace_usable_broker brokers[] = {B(3, NULL, false), B(1, NULL, true), B(0, NULL, false),
                                            B(4, NULL, false), B(2, NULL, false)};
    mock_random m = mock_random_new(17);
    kplace_rack_list rl;
    kplace_rack_list_init(&rl, brokers, COUNT(brokers), mock_random_cb, &m);
    cr_assert_eq(rl.total_count, 5);
    cr_assert_eq(rl.unfenced_count, 4);
    assert_rack_names(&rl, "-");
    rack_list_expect_error(&rl, 0, NULL);
    rack_list_expect_error(&rl, -1, NULL);
    int32_t rows[5 * 4];
    for (uint32_t p = 0; p < 5; p++) place_row(&rl, 4, rows + p * 4, &m);
    assert_rows(rows, 5, 4, "[3, 4, 0, 2] [4, 0, 2, 3] [0, 2, 3, 4] [2, 3, 4, 0] [0, 4, 3, 2]");
}

/* StripedReplicaPlacerTest.testMultiPartitionTopicPlacementOnSingleUnfencedBroker. */
Test(placement, testMultiPartitionTopicPlacementOnSingleUnfencedBroker)
{
    const kplace_usable_broker brokers[] = {B(0, NULL, false), B(1, NULL, true)};
    striped_expect(brokers, COUNT(brokers), 17, 3, 1, "[0] [0] [0]");
}

/* StripedReplicaPlacerTest.testPlacementOnFencedReplicaOnSingleRack. */
Test(placement, testPlacementOnFencedReplicaOnSingleRack)
{
    const kplace_usable_broker brokers[] = {B(3, NULL, false), B(1, NULL, true), B(2, NULL, false)};
    mock_random m = mock_random_new(17);
    kplace_rack_list rl;
    kplace_rack_list_init(&rl, brokers, COUNT(brokers), mock_random_cb, &m);
    cr_assert_eq(rl.total_count, 3);
    cr_assert_eq(rl.unfenced_count, 2);
    assert_rack_names(&rl, "-");
    int32_t rows[4 * 3];
    for (uint32_t p = 0; p < 4; p++) place_row(&rl, 3, rows + p * 3, &m);
    assert_rows(rows, 4, 3, "[3, 2, 1] [2, 3, 1] [3, 2, 1] [2, 3, 1]");
}

/* StripedReplicaPlacerTest.testRackListWithMultipleRacks. */
Test(placement, testRackListWithMultipleRacks)
{
    const kplace_usable_broker brokers[] = {B(11, "1", false), B(10, "1", false), B(30, "3", false),
                                            B(31, "3", false), B(21, "2", false), B(20, "2", true)};
    mock_random m = mock_random_new(17);
    kplace_rack_list rl;
    kplace_rack_list_init(&rl, brokers, COUNT(brokers), mock_random_cb, &m);
    cr_assert_eq(rl.total_count, 6);
    cr_assert_eq(rl.unfenced_count, 5);
    assert_rack_names(&rl, "1,2,3");
    int32_t rows[3 * 4];
    for (uint32_t p = 0; p < 3; p++) place_row(&rl, 4, rows + p * 4, &m);
    assert_rows(rows, 3, 4, "[11, 21, 31, 10] [21, 30, 10, 20] [31, 11, 21, 30]");
}

/* StripedReplicaPlacerTest.testRackListWithInvalidRacks. */
Test(placement, testRackListWithInvalidRacks)
{
    const kplace_usable_broker brokers[] = {B(11, "1", false), B(10, "1", false), B(30, "3", true),
                                            B(31, "3", true),  B(20, "2", true),  B(21, "2", true),
                                            B(41, "4", false), B(40, "4", true)};
    mock_random m = mock_random_new(17);
    kplace_rack_list rl;
    kplace_rack_list_init(&rl, brokers, COUNT(brokers), mock_random_cb, &m);
    cr_assert_eq(rl.total_count, 8);
    cr_assert_eq(rl.unfenced_count, 3);
    assert_rack_names(&rl, "1,2,3,4");
    int32_t rows[3 * 4];
    for (uint32_t p = 0; p < 3; p++) place_row(&rl, 4, rows + p * 4, &m);
    assert_rows(rows, 3, 4, "[41, 11, 21, 30] [10, 20, 31, 41] [41, 21, 30, 11]");
}

/* StripedReplicaPlacerTest.testAllBrokersFenced. */
Test(placement, testAllBrokersFenced)
{
    const kplace_usable_broker brokers[] = {B(11, "1", true), B(10, "1", true)};
    striped_expect_error(brokers, COUNT(brokers), 1, 1, "All brokers are currently fenced.");
}

/* StripedReplicaPlacerTest.testNotEnoughBrokers. */
Test(placement, testNotEnoughBrokers)
{
    const kplace_usable_broker brokers[] = {B(11, "1", false), B(10, "1", false)};
    striped_expect_error(brokers, COUNT(brokers), 1, 3,
                         "The target replication factor of 3 cannot be reached because only 2 "
                         "broker(s) are registered.");
}

/* StripedReplicaPlacerTest.testNonPositiveReplicationFactor. */
Test(placement, testNonPositiveReplicationFactor)
{
    const kplace_usable_broker brokers[] = {B(11, "1", false), B(10, "1", false)};
    striped_expect_error(brokers, COUNT(brokers), 1, 0,
                         "Invalid replication factor 0: the replication factor must be positive.");
}

/* StripedReplicaPlacerTest.testSuccessfulPlacement. */
Test(placement, testSuccessfulPlacement)
{
    const kplace_usable_broker brokers[] = {B(0, NULL, false), B(3, NULL, false), B(2, NULL, false),
                                            B(1, NULL, false)};
    striped_expect(brokers, COUNT(brokers), 17, 5, 3,
                   "[2, 3, 0] [3, 0, 1] [0, 1, 2] [1, 2, 3] [1, 0, 2]");
}

/* StripedReplicaPlacerTest.testEvenDistribution: 200 partitions, RF 2, four brokers; the
 * count of each replica list. */
Test(placement, testEvenDistribution)
{
    const kplace_usable_broker brokers[] = {B(0, NULL, false), B(1, NULL, false), B(2, NULL, false),
                                            B(3, NULL, false)};
    static int32_t rows[200 * 2];
    mock_random m = mock_random_new(17);
    kplace_error err;
    cr_assert_eq(kplace_striped_place(brokers, 4, 200, 2, rows, &err, mock_random_cb, &m), SIM_OK);
    uint32_t counts[4][4] = {{0}};
    for (uint32_t p = 0; p < 200; p++) counts[rows[p * 2]][rows[p * 2 + 1]]++;
    const uint32_t expected[4][4] = {
        {0, 14, 22, 14}, {17, 0, 17, 16}, {13, 17, 0, 20}, {20, 19, 11, 0}};
    for (uint32_t a = 0; a < 4; a++) {
        for (uint32_t b = 0; b < 4; b++) {
            cr_assert_eq(counts[a][b], expected[a][b], "[%u, %u]", a, b);
        }
    }
}

/* StripedReplicaPlacerTest.testRackListAllBrokersFenced. */
Test(placement, testRackListAllBrokersFenced)
{
    const kplace_usable_broker brokers[] = {B(0, NULL, true), B(1, NULL, true), B(2, NULL, true)};
    mock_random m = mock_random_new(17);
    kplace_rack_list rl;
    kplace_rack_list_init(&rl, brokers, COUNT(brokers), mock_random_cb, &m);
    cr_assert_eq(rl.total_count, 3);
    cr_assert_eq(rl.unfenced_count, 0);
    assert_rack_names(&rl, "-");
    rack_list_expect_error(&rl, 3, "All brokers are currently fenced.");
}

/* StripedReplicaPlacerTest.testRackListNotEnoughBrokers. */
Test(placement, testRackListNotEnoughBrokers)
{
    const kplace_usable_broker brokers[] = {B(11, "1", false), B(10, "1", false)};
    mock_random m = mock_random_new(17);
    kplace_rack_list rl;
    kplace_rack_list_init(&rl, brokers, COUNT(brokers), mock_random_cb, &m);
    rack_list_expect_error(&rl, 3,
                           "The target replication factor of 3 cannot be reached because only 2 "
                           "broker(s) are registered.");
}

/* StripedReplicaPlacerTest.testRackListNonPositiveReplicationFactor. */
Test(placement, testRackListNonPositiveReplicationFactor)
{
    const kplace_usable_broker brokers[] = {B(11, "1", false), B(10, "1", false)};
    mock_random m = mock_random_new(17);
    kplace_rack_list rl;
    kplace_rack_list_init(&rl, brokers, COUNT(brokers), mock_random_cb, &m);
    rack_list_expect_error(&rl, -1,
                           "Invalid replication factor -1: the replication factor must be "
                           "positive.");
}

/* The placer's checks come in another order than RackList.place's: with no unfenced broker
 * and too few brokers, the placer reports the fencing (testCreateTopics relies on it). */
Test(placement, striped_checks_fenced_before_too_few)
{
    striped_expect_error(NULL, 0, 1, 3, "All brokers are currently fenced.");
    const kplace_usable_broker brokers[] = {B(0, NULL, true)};
    mock_random m = mock_random_new(17);
    kplace_rack_list rl;
    kplace_rack_list_init(&rl, brokers, 1, mock_random_cb, &m);
    rack_list_expect_error(&rl, 3,
                           "The target replication factor of 3 cannot be reached because only 1 "
                           "broker(s) are registered.");
}

/* =================================================================================
 * Striped placer vectors from Kafka's class (see the top comment)
 * ================================================================================= */

/* Vector: three availability zones; Java's HashMap visits the racks in sorted order here.
 * Twelve partitions on six unfenced brokers: the shuffle after six partitions shows. */
Test(placement, vector_striped_availability_zones)
{
    const kplace_usable_broker brokers[] = {B(1, "us-east-1a", false), B(2, "us-east-1b", false),
                                            B(3, "us-east-1c", false), B(4, "us-east-1a", false),
                                            B(5, "us-east-1b", false), B(6, "us-east-1c", false)};
    striped_expect(brokers, COUNT(brokers), 17, 12, 3,
                   "[5, 3, 4] [6, 1, 2] [4, 5, 3] [2, 6, 1] [3, 4, 5] [1, 2, 6] [5, 1, 6] "
                   "[4, 3, 2] [6, 5, 1] [2, 4, 3] [1, 6, 5] [3, 2, 4]");
    striped_expect(brokers, COUNT(brokers), 42, 12, 3,
                   "[5, 6, 4] [3, 1, 2] [4, 5, 6] [2, 3, 1] [6, 4, 5] [1, 2, 3] [4, 5, 6] "
                   "[2, 3, 1] [6, 4, 5] [1, 2, 3] [5, 6, 4] [3, 1, 2]");
}

/* Vector: racks whose HashMap order (no rack, east, south, north, west) differs from their
 * sorted order, a broker without rack, fenced brokers in two racks. */
Test(placement, vector_striped_hash_ordered_racks)
{
    const kplace_usable_broker brokers[] = {
        B(1, "west", false), B(2, "east", false), B(3, "north", true),  B(4, "west", false),
        B(5, "east", true),  B(6, NULL, false),   B(7, "north", false), B(8, "south", false)};
    striped_expect(brokers, COUNT(brokers), 17, 20, 3,
                   "[7, 8, 1] [8, 4, 6] [1, 6, 2] [6, 2, 7] [2, 7, 8] [7, 8, 4] [4, 8, 6] "
                   "[8, 6, 2] [6, 2, 7] [2, 7, 1] [7, 4, 8] [1, 8, 6] [4, 6, 7] [6, 7, 8] "
                   "[7, 8, 2] [8, 2, 1] [2, 4, 6] [1, 6, 7] [4, 7, 6] [7, 6, 2]");
    striped_expect(brokers, COUNT(brokers), 5, 20, 2,
                   "[4, 6] [6, 2] [2, 7] [7, 8] [8, 1] [4, 6] [8, 7] [7, 6] [6, 5] [2, 4] "
                   "[1, 8] [8, 7] [2, 8] [8, 1] [4, 7] [7, 6] [6, 2] [2, 8] [8, 2] [2, 1]");
}

/* Vector: eight rack names with one String.hashCode ("Aa" and "BB" hash alike) share a
 * HashMap bucket and are visited in insertion order; every fourth broker fenced. */
Test(placement, vector_striped_colliding_rack_names)
{
    const char *names[] = {"BBAaAa", "AaBBBB", "BBBBAa",   "AaAaBB",   "BBAaBB", "AaBBAa",
                           "BBBBBB", "AaAaAa", "BBBBBBAa", "AaAaAaAa", "zz",     "a"};
    kplace_usable_broker brokers[COUNT(names)];
    for (uint32_t i = 0; i < COUNT(names); i++) {
        brokers[i] = B(100 + (int32_t)i, names[i], i % 4 == 3);
    }
    striped_expect(brokers, COUNT(brokers), 17, 15, 3,
                   "[105, 103, 101] [105, 101, 100] [101, 100, 104] [100, 104, 102] "
                   "[104, 102, 106] [102, 106, 108] [106, 108, 111] [108, 111, 110] "
                   "[110, 111, 107] [102, 104, 105] [104, 105, 111] [105, 111, 108] "
                   "[108, 111, 103] [108, 103, 106] [106, 103, 109]");
}

/* Vector: fourteen racks (the HashMap grows to 32 buckets), 28 brokers, four fenced. */
Test(placement, vector_striped_fourteen_racks)
{
    char names[28][8];
    kplace_usable_broker brokers[28];
    for (uint32_t i = 0; i < 28; i++) {
        snprintf(names[i], sizeof names[i], "rack-%c", (char)('a' + (i * 5) % 14));
        brokers[i] = B((int32_t)i, names[i], i % 7 == 0);
    }
    striped_expect(brokers, 28, 17, 30, 4,
                   "[2, 19, 8, 25] [5, 22, 11, 14] [8, 25, 0, 3] [11, 14, 17, 6] "
                   "[3, 0, 20, 9] [17, 6, 23, 26] [20, 9, 12, 1] [23, 26, 15, 4] "
                   "[12, 1, 18, 21] [15, 4, 7, 24] [18, 21, 10, 13] [24, 7, 27, 16] "
                   "[10, 13, 2, 19] [27, 16, 5, 22] [2, 19, 8, 25] [5, 22, 11, 14] "
                   "[8, 25, 0, 3] [11, 14, 17, 6] [3, 0, 20, 9] [17, 6, 23, 26] "
                   "[20, 9, 12, 1] [23, 26, 15, 4] [12, 1, 18, 21] [15, 4, 7, 24] "
                   "[5, 16, 27, 9] [2, 13, 23, 22] [27, 9, 8, 25] [23, 22, 11, 26] "
                   "[8, 25, 12, 24] [11, 26, 10, 15]");
}

/* Vector: one unfenced broker never triggers a shuffle; the fenced ones follow it. */
Test(placement, vector_striped_single_unfenced_broker)
{
    const kplace_usable_broker brokers[] = {B(0, NULL, true), B(1, NULL, false), B(2, NULL, true)};
    striped_expect(brokers, COUNT(brokers), 17, 4, 3, "[1, 2, 0] [1, 0, 2] [1, 2, 0] [1, 0, 2]");
}

/* The model's source: the same stream gives the same placement; every placement holds
 * distinct brokers with an unfenced leader, over a matrix of clusters. */
Test(placement, sim_rng_placements_are_deterministic_and_valid)
{
    static const char *racks[] = {NULL, "a", "b", "c"};
    for (uint32_t broker_count = 1; broker_count <= 9; broker_count += 2) {
        for (uint32_t rack_count = 1; rack_count <= 4; rack_count++) {
            kplace_usable_broker brokers[9];
            for (uint32_t i = 0; i < broker_count; i++) {
                brokers[i] = B((int32_t)i + 1, racks[i % rack_count], i % 3 == 2);
            }
            for (int32_t rf = 1; rf <= (int32_t)broker_count; rf++) {
                static int32_t a[40 * 9];
                static int32_t b[40 * 9];
                sim_rng ra;
                sim_rng rb;
                sim_rng_init(&ra, 42, SIM_STREAM(SIM_STREAM_PLACEMENT, 0));
                sim_rng_init(&rb, 42, SIM_STREAM(SIM_STREAM_PLACEMENT, 0));
                kplace_error err;
                cr_assert_eq(kplace_striped_place(brokers, broker_count, 40, rf, a, &err,
                                                  kplace_random_sim_rng_cb, &ra),
                             SIM_OK, "%s", err.message);
                cr_assert_eq(kplace_striped_place(brokers, broker_count, 40, rf, b, &err,
                                                  kplace_random_sim_rng_cb, &rb),
                             SIM_OK);
                cr_assert_arr_eq(a, b, sizeof(int32_t) * 40 * (size_t)rf);
                for (uint32_t p = 0; p < 40; p++) {
                    const int32_t *row = a + p * (uint32_t)rf;
                    cr_assert_neq((row[0] - 1) % 3, 2, "leader %d is fenced", row[0]);
                    for (int32_t i = 0; i < rf; i++) {
                        for (int32_t j = 0; j < i; j++) cr_assert_neq(row[i], row[j]);
                    }
                }
            }
        }
    }
}

/* =================================================================================
 * Topic creation: ReplicationControlManagerTest
 * ================================================================================= */

#define RB(id_, fenced_, cs_)                                                                      \
    ((kplace_registered_broker){.id = (id_),                                                       \
                                .rack = NULL,                                                      \
                                .fenced = (fenced_),                                               \
                                .in_controlled_shutdown = (cs_),                                   \
                                .heartbeat_shutting_down = false})

/* A layout over static buffers. */
typedef struct layout_fixture {
    int32_t replicas[ROWS_MAX];
    int32_t isr[ROWS_MAX];
    uint32_t isr_counts[256];
    kplace_topic_layout layout;
} layout_fixture;

static kplace_topic_layout *layout_reset(layout_fixture *f)
{
    f->layout = (kplace_topic_layout){.replicas = f->replicas,
                                      .isr = f->isr,
                                      .isr_counts = f->isr_counts,
                                      .replica_slots = ROWS_MAX,
                                      .partition_slots = 256};
    return &f->layout;
}

/* Kafka's test context: num.partitions 1, default.replication.factor 3. */
static kplace_cluster test_cluster(const kplace_registered_broker *brokers, uint32_t count)
{
    return (kplace_cluster){.brokers = brokers,
                            .broker_count = count,
                            .default_partition_count = 1,
                            .default_replication_factor = 3};
}

static void assert_partition(const kplace_topic_layout *l, uint32_t row, const char *replicas,
                             const char *isr)
{
    const uint32_t rf = l->replication_factor;
    char got[TEXT_BYTES];
    format_rows(got, sizeof got, l->replicas + row * rf, 1, rf);
    cr_assert_str_eq(got, replicas);
    format_rows(got, sizeof got, l->isr + row * rf, 1, l->isr_counts[row]);
    cr_assert_str_eq(got, isr);
}

static void assert_error(sim_err e, const kplace_error *err, kplace_status status,
                         const char *message)
{
    cr_assert_eq(e, SIM_EINVALID);
    cr_assert_eq(err->status, status, "%s: %s", kplace_status_name(err->status), err->message);
    cr_assert_str_eq(err->message, message);
}

static const kplace_topic_request DEFAULT_TOPIC = {.partition_count = -1, .replication_factor = -1};

/* ReplicationControlManagerTest.testCreateTopics: one MockRandom across the calls. */
Test(placement, testCreateTopics)
{
    static layout_fixture f;
    mock_random m = mock_random_new(17);
    kplace_error err;
    /* No broker registered: the placer finds no unfenced broker. */
    kplace_cluster c0 = test_cluster(NULL, 0);
    assert_error(
        kplace_create_topic(&c0, &DEFAULT_TOPIC, layout_reset(&f), &err, mock_random_cb, &m), &err,
        KPLACE_INVALID_REPLICATION_FACTOR,
        "Unable to replicate the partition 3 time(s): All brokers are currently "
        "fenced.");
    /* 0 unfenced but in controlled shutdown, 1 and 2 fenced: placed, but no ISR. */
    const kplace_registered_broker b1[] = {RB(0, false, true), RB(1, true, false),
                                           RB(2, true, false)};
    kplace_cluster c1 = test_cluster(b1, 3);
    assert_error(
        kplace_create_topic(&c1, &DEFAULT_TOPIC, layout_reset(&f), &err, mock_random_cb, &m), &err,
        KPLACE_INVALID_REPLICATION_FACTOR,
        "Unable to replicate the partition 3 time(s): All brokers are currently fenced "
        "or in controlled shutdown.");
    /* All three registered again and unfenced. */
    const kplace_registered_broker b2[] = {RB(0, false, false), RB(1, false, false),
                                           RB(2, false, false)};
    kplace_cluster c2 = test_cluster(b2, 3);
    cr_assert_eq(
        kplace_create_topic(&c2, &DEFAULT_TOPIC, layout_reset(&f), &err, mock_random_cb, &m),
        SIM_OK, "%s", err.message);
    cr_assert_eq(f.layout.partition_count, 1);
    cr_assert_eq(f.layout.replication_factor, 3);
    assert_partition(&f.layout, 0, "[1, 2, 0]", "[1, 2, 0]");
}

/* ReplicationControlManagerTest.testCreateTopicsISRInvariants: 2 fenced, 1 in controlled
 * shutdown; replicas [1, 0, 2], ISR [0], leader 0. */
Test(placement, testCreateTopicsISRInvariants)
{
    static layout_fixture f;
    mock_random m = mock_random_new(17);
    kplace_error err;
    const kplace_registered_broker b[] = {RB(0, false, false), RB(1, false, true),
                                          RB(2, true, false)};
    kplace_cluster c = test_cluster(b, 3);
    cr_assert_eq(
        kplace_create_topic(&c, &DEFAULT_TOPIC, layout_reset(&f), &err, mock_random_cb, &m), SIM_OK,
        "%s", err.message);
    assert_partition(&f.layout, 0, "[1, 0, 2]", "[0]");
}

/* ReplicationControlManagerTest.testCreatePartitionsISRInvariants: the same cluster, then a
 * second partition from the same MockRandom: replicas [0, 1, 2], ISR [0]. */
Test(placement, testCreatePartitionsISRInvariants)
{
    static layout_fixture f;
    mock_random m = mock_random_new(17);
    kplace_error err;
    const kplace_registered_broker b[] = {RB(0, false, false), RB(1, false, true),
                                          RB(2, true, false)};
    kplace_cluster c = test_cluster(b, 3);
    const kplace_topic_request foo = {.partition_count = 1, .replication_factor = 3};
    cr_assert_eq(kplace_create_topic(&c, &foo, layout_reset(&f), &err, mock_random_cb, &m), SIM_OK);
    cr_assert_eq(kplace_create_partitions(&c, "foo", 1, 3, 2, NULL, 0, layout_reset(&f), &err,
                                          mock_random_cb, &m),
                 SIM_OK, "%s", err.message);
    cr_assert_eq(f.layout.partition_count, 1);
    assert_partition(&f.layout, 0, "[0, 1, 2]", "[0]");
}

/* ReplicationControlManagerTest.testCreatePartitions: the messages of each rejection. */
Test(placement, testCreatePartitions)
{
    static layout_fixture f;
    mock_random m = mock_random_new(17);
    kplace_error err;
    const kplace_registered_broker b[] = {RB(0, false, false), RB(1, false, false),
                                          RB(3, false, false)};
    kplace_cluster c = test_cluster(b, 3);
    /* foo: 3 → 5 partitions by the placer. */
    cr_assert_eq(kplace_create_partitions(&c, "foo", 3, 2, 5, NULL, 0, layout_reset(&f), &err,
                                          mock_random_cb, &m),
                 SIM_OK);
    cr_assert_eq(f.layout.partition_count, 2);
    assert_error(kplace_create_partitions(&c, "bar", 4, 2, 3, NULL, 0, layout_reset(&f), &err,
                                          mock_random_cb, &m),
                 &err, KPLACE_INVALID_PARTITIONS,
                 "The topic bar currently has 4 partition(s); 3 would not be an increase.");
    assert_error(kplace_create_partitions(&c, "quux", 2, 2, 2, NULL, 0, layout_reset(&f), &err,
                                          mock_random_cb, &m),
                 &err, KPLACE_INVALID_PARTITIONS, "Topic already has 2 partition(s).");
    /* Manual assignments. */
    const int32_t r13[] = {1, 3};
    const int32_t r1[] = {1};
    const int32_t r10[] = {1, 0};
    const int32_t r20[] = {2, 0};
    const kplace_manual_partition foo6[] = {{.replicas = r13, .replica_count = 2}};
    cr_assert_eq(kplace_create_partitions(&c, "foo", 5, 2, 6, foo6, 1, layout_reset(&f), &err,
                                          no_random_cb, NULL),
                 SIM_OK);
    assert_partition(&f.layout, 0, "[1, 3]", "[1, 3]");
    const kplace_manual_partition bar5[] = {{.replicas = r1, .replica_count = 1}};
    assert_error(kplace_create_partitions(&c, "bar", 4, 2, 5, bar5, 1, layout_reset(&f), &err,
                                          no_random_cb, NULL),
                 &err, KPLACE_INVALID_REPLICA_ASSIGNMENT,
                 "The manual partition assignment includes a partition with 1 replica(s), but "
                 "this is not consistent with previous partitions, which have 2 replica(s).");
    const kplace_manual_partition quux4[] = {{.replicas = r10, .replica_count = 2}};
    assert_error(kplace_create_partitions(&c, "quux", 2, 2, 4, quux4, 1, layout_reset(&f), &err,
                                          no_random_cb, NULL),
                 &err, KPLACE_INVALID_REPLICA_ASSIGNMENT,
                 "Attempted to add 2 additional partition(s), but only 1 assignment(s) were "
                 "specified.");
    const kplace_manual_partition foo2[] = {{.replicas = r20, .replica_count = 2}};
    assert_error(kplace_create_partitions(&c, "foo2", 2, 2, 3, foo2, 1, layout_reset(&f), &err,
                                          no_random_cb, NULL),
                 &err, KPLACE_INVALID_REPLICA_ASSIGNMENT,
                 "The manual partition assignment includes broker 2, but no such broker is "
                 "registered.");
}

/* The longest message: a 249-character topic name (Kafka's limit) and 10-digit counts. */
Test(placement, messages_fit_longest_topic_name)
{
    static layout_fixture f;
    char name[250];
    memset(name, 'x', 249);
    name[249] = '\0';
    char expected[KPLACE_MESSAGE_BYTES_MAX];
    snprintf(expected, sizeof expected,
             "The topic %s currently has 2147483647 partition(s); -2147483647 would not be an "
             "increase.",
             name);
    const kplace_registered_broker b[] = {RB(0, false, false)};
    kplace_cluster c = test_cluster(b, 1);
    kplace_error err;
    assert_error(kplace_create_partitions(&c, name, INT32_MAX, 1, -INT32_MAX, NULL, 0,
                                          layout_reset(&f), &err, no_random_cb, NULL),
                 &err, KPLACE_INVALID_PARTITIONS, expected);
}

/* ReplicationControlManagerTest.testCreatePartitionsFailsWhenAllBrokersAreFencedOrIn-
 * ControlledShutdown: 0 in controlled shutdown (registration only), 1 fenced. */
Test(placement, testCreatePartitionsFailsWhenAllBrokersAreFencedOrInControlledShutdown)
{
    static layout_fixture f;
    mock_random m = mock_random_new(17);
    kplace_error err;
    const kplace_registered_broker up[] = {RB(0, false, false), RB(1, false, false)};
    kplace_cluster c0 = test_cluster(up, 2);
    const kplace_topic_request foo = {.partition_count = 1, .replication_factor = 2};
    cr_assert_eq(kplace_create_topic(&c0, &foo, layout_reset(&f), &err, mock_random_cb, &m),
                 SIM_OK);
    const kplace_registered_broker down[] = {RB(0, false, true), RB(1, true, false)};
    kplace_cluster c1 = test_cluster(down, 2);
    assert_error(kplace_create_partitions(&c1, "foo", 1, 2, 2, NULL, 0, layout_reset(&f), &err,
                                          mock_random_cb, &m),
                 &err, KPLACE_INVALID_REPLICATION_FACTOR,
                 "Unable to replicate the partition 2 time(s): All brokers are currently fenced "
                 "or in controlled shutdown.");
}

/* ReplicationControlManagerTest.testValidateGoodManualPartitionAssignments and
 * testValidateBadManualPartitionAssignments, through a one-partition manual topic (no
 * earlier partition) and through createPartitions (an expected count of 3). */
Test(placement, testValidateBadManualPartitionAssignments)
{
    static layout_fixture f;
    kplace_error err;
    const kplace_registered_broker b[] = {RB(1, false, false), RB(2, false, false)};
    kplace_cluster c = test_cluster(b, 2);
    const int32_t r123[] = {1, 2, 3};
    const int32_t r122[] = {1, 2, 2};
    const int32_t r12[] = {1, 2};
    struct {
        const int32_t *replicas;
        uint32_t count;
        const char *message;
    } cases[] = {
        {NULL, 0, "The manual partition assignment includes an empty replica list."},
        {r123, 3,
         "The manual partition assignment includes broker 3, but no such broker is "
         "registered."},
        {r122, 3, "The manual partition assignment includes the broker 2 more than once."},
    };
    for (uint32_t i = 0; i < COUNT(cases); i++) {
        const kplace_manual_partition part = {
            .partition_index = 0, .replicas = cases[i].replicas, .replica_count = cases[i].count};
        const kplace_topic_request req = {.partition_count = -1,
                                          .replication_factor = -1,
                                          .assignments = &part,
                                          .assignment_count = 1};
        assert_error(kplace_create_topic(&c, &req, layout_reset(&f), &err, no_random_cb, NULL),
                     &err, KPLACE_INVALID_REPLICA_ASSIGNMENT, cases[i].message);
    }
    const kplace_manual_partition p12 = {.replicas = r12, .replica_count = 2};
    assert_error(kplace_create_partitions(&c, "foo", 1, 3, 2, &p12, 1, layout_reset(&f), &err,
                                          no_random_cb, NULL),
                 &err, KPLACE_INVALID_REPLICA_ASSIGNMENT,
                 "The manual partition assignment includes a partition with 2 replica(s), but "
                 "this is not consistent with previous partitions, which have 3 replica(s).");
}

Test(placement, testValidateGoodManualPartitionAssignments)
{
    static layout_fixture f;
    kplace_error err;
    const kplace_registered_broker b[] = {RB(1, false, false), RB(2, false, false),
                                          RB(3, false, false)};
    kplace_cluster c = test_cluster(b, 3);
    const int32_t r1[] = {1};
    const int32_t r123[] = {1, 2, 3};
    const kplace_manual_partition p1 = {.partition_index = 0, .replicas = r1, .replica_count = 1};
    const kplace_manual_partition p123 = {
        .partition_index = 0, .replicas = r123, .replica_count = 3};
    const kplace_topic_request t1 = {
        .partition_count = -1, .replication_factor = -1, .assignments = &p1, .assignment_count = 1};
    const kplace_topic_request t123 = {.partition_count = -1,
                                       .replication_factor = -1,
                                       .assignments = &p123,
                                       .assignment_count = 1};
    cr_assert_eq(kplace_create_topic(&c, &t1, layout_reset(&f), &err, no_random_cb, NULL), SIM_OK);
    cr_assert_eq(kplace_create_topic(&c, &t123, layout_reset(&f), &err, no_random_cb, NULL),
                 SIM_OK);
    assert_partition(&f.layout, 0, "[1, 2, 3]", "[1, 2, 3]");
    cr_assert_eq(kplace_create_partitions(&c, "foo", 1, 1, 2, &p1, 1, layout_reset(&f), &err,
                                          no_random_cb, NULL),
                 SIM_OK);
    cr_assert_eq(kplace_create_partitions(&c, "foo", 1, 3, 2, &p123, 1, layout_reset(&f), &err,
                                          no_random_cb, NULL),
                 SIM_OK);
}

/* ReplicationControlManagerTest.testManualPartitionAssignmentOnAllFencedBrokers. */
Test(placement, testManualPartitionAssignmentOnAllFencedBrokers)
{
    static layout_fixture f;
    kplace_error err;
    const kplace_registered_broker b[] = {RB(0, true, false), RB(1, true, false),
                                          RB(2, true, false), RB(3, true, false)};
    kplace_cluster c = test_cluster(b, 4);
    const int32_t r012[] = {0, 1, 2};
    const kplace_manual_partition p = {.partition_index = 0, .replicas = r012, .replica_count = 3};
    const kplace_topic_request t = {
        .partition_count = -1, .replication_factor = -1, .assignments = &p, .assignment_count = 1};
    assert_error(kplace_create_topic(&c, &t, layout_reset(&f), &err, no_random_cb, NULL), &err,
                 KPLACE_INVALID_REPLICA_ASSIGNMENT,
                 "All brokers specified in the manual partition assignment for partition 0 are "
                 "fenced or in controlled shutdown.");
}

/* ReplicationControlManagerTest.testCreatePartitionsFailsWithManualAssignmentWithAllFenced. */
Test(placement, testCreatePartitionsFailsWithManualAssignmentWithAllFenced)
{
    static layout_fixture f;
    kplace_error err;
    const kplace_registered_broker b[] = {RB(0, false, false), RB(1, false, false),
                                          RB(2, false, false), RB(3, true, false),
                                          RB(4, true, false),  RB(5, true, false)};
    kplace_cluster c = test_cluster(b, 6);
    const int32_t r012[] = {0, 1, 2};
    const int32_t r345[] = {3, 4, 5};
    const int32_t r245[] = {2, 4, 5};
    const kplace_manual_partition p012 = {.replicas = r012, .replica_count = 3};
    const kplace_topic_request t = {.partition_count = -1,
                                    .replication_factor = -1,
                                    .assignments = &p012,
                                    .assignment_count = 1};
    cr_assert_eq(kplace_create_topic(&c, &t, layout_reset(&f), &err, no_random_cb, NULL), SIM_OK);
    const kplace_manual_partition p345 = {.replicas = r345, .replica_count = 3};
    assert_error(kplace_create_partitions(&c, "foo", 1, 3, 2, &p345, 1, layout_reset(&f), &err,
                                          no_random_cb, NULL),
                 &err, KPLACE_INVALID_REPLICA_ASSIGNMENT,
                 "All brokers specified in the manual partition assignment for partition 1 are "
                 "fenced or in controlled shutdown.");
    const kplace_manual_partition p245 = {.replicas = r245, .replica_count = 3};
    cr_assert_eq(kplace_create_partitions(&c, "foo", 1, 3, 2, &p245, 1, layout_reset(&f), &err,
                                          no_random_cb, NULL),
                 SIM_OK);
    assert_partition(&f.layout, 0, "[2, 4, 5]", "[2]");
}

/* createTopic's request checks (ReplicationControlManager.createTopic), in Kafka's order. */
Test(placement, create_topic_request_checks)
{
    static layout_fixture f;
    kplace_error err;
    const kplace_registered_broker b[] = {RB(0, false, false), RB(1, false, false)};
    kplace_cluster c = test_cluster(b, 2);
    const kplace_topic_request rf0 = {.partition_count = 1, .replication_factor = 0};
    assert_error(kplace_create_topic(&c, &rf0, layout_reset(&f), &err, no_random_cb, NULL), &err,
                 KPLACE_INVALID_REPLICATION_FACTOR,
                 "Replication factor must be larger than 0, or -1 to use the default value.");
    const kplace_topic_request p0 = {.partition_count = 0, .replication_factor = 1};
    assert_error(kplace_create_topic(&c, &p0, layout_reset(&f), &err, no_random_cb, NULL), &err,
                 KPLACE_INVALID_PARTITIONS,
                 "Number of partitions was set to an invalid non-positive value.");
    mock_random m = mock_random_new(17);
    const kplace_topic_request rf3 = {.partition_count = 2, .replication_factor = 3};
    assert_error(kplace_create_topic(&c, &rf3, layout_reset(&f), &err, mock_random_cb, &m), &err,
                 KPLACE_INVALID_REPLICATION_FACTOR,
                 "Unable to replicate the partition 3 time(s): The target replication factor of "
                 "3 cannot be reached because only 2 broker(s) are registered.");
    const int32_t r01[] = {0, 1};
    const int32_t r1[] = {1};
    const kplace_manual_partition parts[] = {
        {.partition_index = 0, .replicas = r01, .replica_count = 2},
        {.partition_index = 0, .replicas = r01, .replica_count = 2},
        {.partition_index = 2, .replicas = r01, .replica_count = 2},
        {.partition_index = 1, .replicas = r1, .replica_count = 1}};
    kplace_topic_request manual = {.partition_count = -1,
                                   .replication_factor = 2,
                                   .assignments = parts,
                                   .assignment_count = 2};
    assert_error(kplace_create_topic(&c, &manual, layout_reset(&f), &err, no_random_cb, NULL), &err,
                 KPLACE_INVALID_REQUEST,
                 "A manual partition assignment was specified, but replication factor was not "
                 "set to -1.");
    manual.replication_factor = -1;
    manual.partition_count = 2;
    assert_error(kplace_create_topic(&c, &manual, layout_reset(&f), &err, no_random_cb, NULL), &err,
                 KPLACE_INVALID_REQUEST,
                 "A manual partition assignment was specified, but numPartitions was not set to "
                 "-1.");
    manual.partition_count = -1;
    assert_error(kplace_create_topic(&c, &manual, layout_reset(&f), &err, no_random_cb, NULL), &err,
                 KPLACE_INVALID_REPLICA_ASSIGNMENT,
                 "Found multiple manual partition assignments for partition 0");
    manual.assignments = parts + 2; /* partitions 2 and 1: no partition 0 */
    assert_error(kplace_create_topic(&c, &manual, layout_reset(&f), &err, no_random_cb, NULL), &err,
                 KPLACE_INVALID_REPLICA_ASSIGNMENT,
                 "The manual partition assignment includes a partition with 1 replica(s), but "
                 "this is not consistent with previous partitions, which have 2 replica(s).");
    manual.assignment_count = 1; /* partition 2 alone */
    assert_error(kplace_create_topic(&c, &manual, layout_reset(&f), &err, no_random_cb, NULL), &err,
                 KPLACE_INVALID_REPLICA_ASSIGNMENT,
                 "partitions should be a consecutive 0-based integer sequence");
}

/* A manual assignment in reverse partition order lands row by partition index; buffers
 * too small give SIM_ELIMIT without a Kafka status. */
Test(placement, create_topic_manual_rows_and_limits)
{
    static layout_fixture f;
    kplace_error err;
    const kplace_registered_broker b[] = {RB(1, false, false), RB(2, true, false),
                                          RB(3, false, false)};
    kplace_cluster c = test_cluster(b, 3);
    const int32_t r21[] = {2, 1};
    const int32_t r32[] = {3, 2};
    const kplace_manual_partition parts[] = {
        {.partition_index = 1, .replicas = r21, .replica_count = 2},
        {.partition_index = 0, .replicas = r32, .replica_count = 2}};
    const kplace_topic_request t = {.partition_count = -1,
                                    .replication_factor = -1,
                                    .assignments = parts,
                                    .assignment_count = 2};
    cr_assert_eq(kplace_create_topic(&c, &t, layout_reset(&f), &err, no_random_cb, NULL), SIM_OK);
    cr_assert_eq(f.layout.partition_count, 2);
    assert_partition(&f.layout, 0, "[3, 2]", "[3]");
    assert_partition(&f.layout, 1, "[2, 1]", "[1]");
    kplace_topic_layout *small = layout_reset(&f);
    small->replica_slots = 3;
    cr_assert_eq(kplace_create_topic(&c, &t, small, &err, no_random_cb, NULL), SIM_ELIMIT);
    cr_assert_eq(err.status, KPLACE_NONE);
    cr_assert_eq(small->partition_count, 0);
    /* Kafka's rejection wins over our buffer size. */
    mock_random m = mock_random_new(17);
    const kplace_topic_request big = {.partition_count = 100, .replication_factor = 4};
    small = layout_reset(&f);
    small->replica_slots = 3;
    assert_error(kplace_create_topic(&c, &big, small, &err, mock_random_cb, &m), &err,
                 KPLACE_INVALID_REPLICATION_FACTOR,
                 "Unable to replicate the partition 4 time(s): The target replication factor of "
                 "4 cannot be reached because only 3 broker(s) are registered.");
    const kplace_topic_request fits = {.partition_count = 100, .replication_factor = 2};
    cr_assert_eq(kplace_create_topic(&c, &fits, small, &err, mock_random_cb, &m), SIM_ELIMIT);
}

/* =================================================================================
 * AdminUtils: AdminRackAwareTest (and its RackAwareTest checks)
 * ================================================================================= */

#define AB(id_, rack_) ((kplace_admin_broker){.id = (id_), .rack = (rack_)})

/* Brokers 0..n-1 with rack names "rack<k>" from `rack_numbers`. */
static void admin_brokers(kplace_admin_broker *out, char (*names)[16], const int32_t *ids,
                          const int *rack_numbers, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        snprintf(names[i], sizeof names[i], "rack%d", rack_numbers[i]);
        out[i] = AB(ids[i], names[i]);
    }
}

static const char *rack_of_id(const kplace_admin_broker *brokers, uint32_t n, int32_t id)
{
    for (uint32_t i = 0; i < n; i++) {
        if (brokers[i].id == id) return brokers[i].rack;
    }
    cr_assert_fail("broker %d not in the cluster", id);
    return NULL;
}

/* RackAwareTest.checkReplicaDistribution: distinct brokers per partition; optionally one
 * rack per replica, equal leader counts, equal replica counts across all brokers. */
static void check_replica_distribution(const int32_t *rows, const kplace_admin_broker *brokers,
                                       uint32_t n, uint32_t partitions, uint32_t rf,
                                       bool verify_rack_aware, bool verify_leaders,
                                       bool verify_replicas)
{
    uint32_t leaders[KPLACE_BROKERS_MAX] = {0};
    uint32_t replicas[KPLACE_BROKERS_MAX] = {0};
    for (uint32_t p = 0; p < partitions; p++) {
        const int32_t *row = rows + p * rf;
        for (uint32_t i = 0; i < rf; i++) {
            for (uint32_t j = 0; j < i; j++) {
                cr_assert_neq(row[i], row[j], "partition %u: broker twice", p);
                if (verify_rack_aware) {
                    cr_assert_str_neq(rack_of_id(brokers, n, row[i]),
                                      rack_of_id(brokers, n, row[j]), "partition %u: rack twice",
                                      p);
                }
            }
        }
        for (uint32_t i = 0; i < n; i++) {
            if (brokers[i].id == row[0]) leaders[i]++;
            for (uint32_t r = 0; r < rf; r++) {
                if (brokers[i].id == row[r]) replicas[i]++;
            }
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        if (verify_leaders) cr_assert_eq(leaders[i], partitions / n, "broker %d", brokers[i].id);
        if (verify_replicas) {
            cr_assert_eq(replicas[i], partitions * rf / n, "broker %d", brokers[i].id);
        }
    }
}

/* Kafka's random start: our check holds for every value the two draws can take. */
static void check_every_start(const kplace_admin_broker *brokers, uint32_t n, int32_t partitions,
                              int32_t rf, int32_t start_partition, bool verify_rack_aware,
                              bool verify_leaders, bool verify_replicas)
{
    static int32_t rows[ROWS_MAX];
    for (uint32_t start = 0; start < n; start++) {
        for (uint32_t shift = 0; shift < n; shift++) {
            scripted_random s = {.values = {start, shift}, .count = 2};
            kplace_error err;
            cr_assert_eq(kplace_admin_assign(brokers, n, partitions, rf, -1, start_partition, rows,
                                             &err, scripted_random_cb, &s),
                         SIM_OK, "%s", err.message);
            cr_assert_eq(s.next, 2);
            check_replica_distribution(rows, brokers, n, (uint32_t)partitions, (uint32_t)rf,
                                       verify_rack_aware, verify_leaders, verify_replicas);
        }
    }
}

static void admin_expect(const kplace_admin_broker *brokers, uint32_t n, int32_t partitions,
                         int32_t rf, int32_t fixed_start, int32_t start_partition,
                         uint64_t mock_seed, const char *expected)
{
    static int32_t rows[ROWS_MAX];
    mock_random m = mock_random_new(mock_seed);
    kplace_error err;
    cr_assert_eq(kplace_admin_assign(brokers, n, partitions, rf, fixed_start, start_partition, rows,
                                     &err, fixed_start >= 0 ? no_random_cb : mock_random_cb, &m),
                 SIM_OK, "%s", err.message);
    assert_rows(rows, (uint32_t)partitions, (uint32_t)rf, expected);
}

static const int32_t IDS6[] = {0, 1, 2, 3, 4, 5};
static const int RACKS_121331[] = {1, 2, 2, 3, 3, 1};

/* AdminRackAwareTest.testGetRackAlternatedBrokerListAndAssignReplicasToBrokers. */
Test(placement, testGetRackAlternatedBrokerListAndAssignReplicasToBrokers)
{
    const int racks[] = {1, 3, 3, 2, 2, 1};
    char names[6][16];
    kplace_admin_broker brokers[6];
    admin_brokers(brokers, names, IDS6, racks, 6);
    int32_t list[6];
    kplace_admin_rack_alternated(brokers, 6, list);
    assert_rows(list, 1, 6, "[0, 3, 1, 5, 4, 2]");
    kplace_admin_rack_alternated(brokers, 5, list); /* without broker 5 */
    assert_rows(list, 1, 5, "[0, 3, 1, 4, 2]");
    admin_expect(brokers, 6, 7, 3, 0, 0, 0,
                 "[0, 3, 1] [3, 1, 5] [1, 5, 4] [5, 4, 2] [4, 2, 0] [2, 0, 3] [0, 4, 2]");
}

/* AdminRackAwareTest.testAssignmentWithRackAware, plus the exact layout (vector). */
Test(placement, testAssignmentWithRackAware)
{
    char names[6][16];
    kplace_admin_broker brokers[6];
    admin_brokers(brokers, names, IDS6, RACKS_121331, 6);
    static int32_t rows[6 * 3];
    kplace_error err;
    cr_assert_eq(kplace_admin_assign(brokers, 6, 6, 3, 2, 0, rows, &err, no_random_cb, NULL),
                 SIM_OK);
    check_replica_distribution(rows, brokers, 6, 6, 3, true, true, true);
    assert_rows(rows, 6, 3, "[3, 2, 0] [5, 4, 1] [2, 0, 3] [4, 1, 5] [0, 3, 2] [1, 5, 4]");
}

/* AdminRackAwareTest.testAssignmentWithRackAwareWithRandomStartIndex. */
Test(placement, testAssignmentWithRackAwareWithRandomStartIndex)
{
    char names[6][16];
    kplace_admin_broker brokers[6];
    admin_brokers(brokers, names, IDS6, RACKS_121331, 6);
    check_every_start(brokers, 6, 6, 3, -1, true, true, true);
}

/* AdminRackAwareTest.testAssignmentWithRackAwareWithUnevenReplicas, plus the exact layout
 * (vector). */
Test(placement, testAssignmentWithRackAwareWithUnevenReplicas)
{
    char names[6][16];
    kplace_admin_broker brokers[6];
    admin_brokers(brokers, names, IDS6, RACKS_121331, 6);
    static int32_t rows[13 * 3];
    kplace_error err;
    cr_assert_eq(kplace_admin_assign(brokers, 6, 13, 3, 0, 0, rows, &err, no_random_cb, NULL),
                 SIM_OK);
    check_replica_distribution(rows, brokers, 6, 13, 3, true, false, false);
    assert_rows(rows, 13, 3,
                "[0, 1, 3] [1, 3, 5] [3, 5, 2] [5, 2, 4] [2, 4, 0] [4, 0, 1] [0, 2, 4] "
                "[1, 4, 0] [3, 0, 1] [5, 1, 3] [2, 3, 5] [4, 5, 2] [0, 3, 2]");
}

/* AdminRackAwareTest.testAssignmentWithRackAwareWithUnevenRacks. */
Test(placement, testAssignmentWithRackAwareWithUnevenRacks)
{
    const int racks[] = {1, 1, 2, 3, 3, 1};
    char names[6][16];
    kplace_admin_broker brokers[6];
    admin_brokers(brokers, names, IDS6, racks, 6);
    check_every_start(brokers, 6, 12, 3, -1, true, true, false);
}

/* AdminRackAwareTest.testAssignmentWith2ReplicasRackAware. */
Test(placement, testAssignmentWith2ReplicasRackAware)
{
    char names[6][16];
    kplace_admin_broker brokers[6];
    admin_brokers(brokers, names, IDS6, RACKS_121331, 6);
    check_every_start(brokers, 6, 12, 2, -1, true, true, true);
}

/* AdminRackAwareTest.testRackAwareExpansion: partitions 12.. on brokers 6..11, plus the
 * exact layout with start index 3 (vector). */
Test(placement, testRackAwareExpansion)
{
    const int32_t ids[] = {6, 7, 8, 9, 10, 11};
    char names[6][16];
    kplace_admin_broker brokers[6];
    admin_brokers(brokers, names, ids, RACKS_121331, 6);
    check_every_start(brokers, 6, 12, 2, 12, true, true, true);
    admin_expect(brokers, 6, 12, 2, 3, 12, 0,
                 "[11, 7] [8, 9] [10, 11] [6, 8] [7, 10] [9, 6] [11, 8] [8, 10] [10, 6] "
                 "[6, 7] [7, 9] [9, 11]");
}

/* AdminRackAwareTest.testAssignmentWith2ReplicasRackAwareWith6Partitions. */
Test(placement, testAssignmentWith2ReplicasRackAwareWith6Partitions)
{
    char names[6][16];
    kplace_admin_broker brokers[6];
    admin_brokers(brokers, names, IDS6, RACKS_121331, 6);
    check_every_start(brokers, 6, 6, 2, -1, true, true, true);
}

/* AdminRackAwareTest.testAssignmentWith2ReplicasRackAwareWith6PartitionsAnd3Brokers. */
Test(placement, testAssignmentWith2ReplicasRackAwareWith6PartitionsAnd3Brokers)
{
    const int32_t ids[] = {0, 1, 4};
    const int racks[] = {1, 2, 3};
    char names[3][16];
    kplace_admin_broker brokers[3];
    admin_brokers(brokers, names, ids, racks, 3);
    check_every_start(brokers, 3, 3, 2, -1, true, true, true);
}

/* AdminRackAwareTest.testLargeNumberPartitionsAssignment. */
Test(placement, testLargeNumberPartitionsAssignment)
{
    const int32_t ids[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    const int racks[] = {1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 1, 3};
    char names[12][16];
    kplace_admin_broker brokers[12];
    admin_brokers(brokers, names, ids, racks, 12);
    check_every_start(brokers, 12, 96, 3, -1, true, true, true);
}

/* Per partition, how many distinct racks its replicas use. */
static void assert_racks_per_partition(const int32_t *rows, const kplace_admin_broker *brokers,
                                       uint32_t n, uint32_t partitions, uint32_t rf,
                                       uint32_t expected)
{
    for (uint32_t p = 0; p < partitions; p++) {
        uint32_t distinct = 0;
        for (uint32_t i = 0; i < rf; i++) {
            bool seen = false;
            for (uint32_t j = 0; j < i; j++) {
                seen = seen || strcmp(rack_of_id(brokers, n, rows[p * rf + i]),
                                      rack_of_id(brokers, n, rows[p * rf + j])) == 0;
            }
            distinct += seen ? 0 : 1;
        }
        cr_assert_eq(distinct, expected, "partition %u", p);
    }
}

/* AdminRackAwareTest.testMoreReplicasThanRacks (every start), plus the exact layout with
 * start index 1 (vector). */
Test(placement, testMoreReplicasThanRacks)
{
    const int racks[] = {1, 2, 2, 3, 3, 2};
    char names[6][16];
    kplace_admin_broker brokers[6];
    admin_brokers(brokers, names, IDS6, racks, 6);
    static int32_t rows[6 * 5];
    for (uint32_t start = 0; start < 6; start++) {
        for (uint32_t shift = 0; shift < 6; shift++) {
            scripted_random s = {.values = {start, shift}, .count = 2};
            kplace_error err;
            cr_assert_eq(
                kplace_admin_assign(brokers, 6, 6, 5, -1, -1, rows, &err, scripted_random_cb, &s),
                SIM_OK);
            check_replica_distribution(rows, brokers, 6, 6, 5, false, false, false);
            assert_racks_per_partition(rows, brokers, 6, 6, 5, 3);
        }
    }
    admin_expect(brokers, 6, 6, 5, 1, 0, 0,
                 "[1, 0, 3, 2, 4] [3, 0, 1, 2, 4] [2, 3, 0, 1, 4] [4, 2, 0, 1, 3] "
                 "[5, 4, 0, 1, 3] [0, 4, 5, 1, 3]");
}

/* AdminRackAwareTest.testLessReplicasThanRacks. */
Test(placement, testLessReplicasThanRacks)
{
    const int racks[] = {1, 2, 2, 3, 3, 2};
    char names[6][16];
    kplace_admin_broker brokers[6];
    admin_brokers(brokers, names, IDS6, racks, 6);
    static int32_t rows[6 * 2];
    for (uint32_t start = 0; start < 6; start++) {
        for (uint32_t shift = 0; shift < 6; shift++) {
            scripted_random s = {.values = {start, shift}, .count = 2};
            kplace_error err;
            cr_assert_eq(
                kplace_admin_assign(brokers, 6, 6, 2, -1, -1, rows, &err, scripted_random_cb, &s),
                SIM_OK);
            assert_racks_per_partition(rows, brokers, 6, 6, 2, 2);
        }
    }
}

/* AdminRackAwareTest.testSingleRack. */
Test(placement, testSingleRack)
{
    const int racks[] = {1, 1, 1, 1, 1, 1};
    char names[6][16];
    kplace_admin_broker brokers[6];
    admin_brokers(brokers, names, IDS6, racks, 6);
    check_every_start(brokers, 6, 6, 3, -1, false, true, false);
    static int32_t rows[6 * 3];
    kplace_error err;
    cr_assert_eq(kplace_admin_assign(brokers, 6, 6, 3, 4, -1, rows, &err, no_random_cb, NULL),
                 SIM_OK);
    assert_racks_per_partition(rows, brokers, 6, 6, 3, 1);
}

/* AdminRackAwareTest.testSkipBrokerWithReplicaAlreadyAssigned, plus the exact layout
 * (vector). */
Test(placement, testSkipBrokerWithReplicaAlreadyAssigned)
{
    const kplace_admin_broker brokers[] = {AB(0, "a"), AB(1, "b"), AB(2, "c"), AB(3, "a"),
                                           AB(4, "a")};
    static int32_t rows[6 * 4];
    kplace_error err;
    cr_assert_eq(kplace_admin_assign(brokers, 5, 6, 4, 2, -1, rows, &err, no_random_cb, NULL),
                 SIM_OK);
    check_replica_distribution(rows, brokers, 5, 6, 4, false, false, false);
    assert_rows(rows, 6, 4,
                "[2, 0, 1, 3] [3, 1, 2, 4] [4, 2, 1, 3] [0, 1, 2, 3] [1, 4, 2, 3] [2, 4, 1, 3]");
}

/* AdminRackAwareTest.testReplicaAssignment: rack-unaware, start index 0. */
Test(placement, testReplicaAssignment)
{
    const kplace_admin_broker brokers[] = {AB(0, NULL), AB(1, NULL), AB(2, NULL), AB(3, NULL),
                                           AB(4, NULL)};
    static int32_t rows[10 * 6];
    kplace_error err;
    cr_assert_eq(kplace_admin_assign(brokers, 5, 10, 0, -1, -1, rows, &err, no_random_cb, NULL),
                 SIM_EINVALID);
    cr_assert_eq(err.status, KPLACE_INVALID_REPLICATION_FACTOR);
    cr_assert_eq(kplace_admin_assign(brokers, 5, 10, 6, -1, -1, rows, &err, no_random_cb, NULL),
                 SIM_EINVALID);
    cr_assert_eq(err.status, KPLACE_INVALID_REPLICATION_FACTOR);
    admin_expect(brokers, 5, 10, 3, 0, -1, 0,
                 "[0, 1, 2] [1, 2, 3] [2, 3, 4] [3, 4, 0] [4, 0, 1] [0, 2, 3] [1, 3, 4] "
                 "[2, 4, 0] [3, 0, 1] [4, 1, 2]");
}

/* AdminRackAwareTest.testAssignReplicasToBrokersWithInvalidParameters, with the messages
 * (vector: AdminUtils' exceptions). */
Test(placement, testAssignReplicasToBrokersWithInvalidParameters)
{
    const kplace_admin_broker brokers[] = {AB(0, "rack1"), AB(1, "rack3"), AB(2, "rack3"),
                                           AB(3, "rack2"), AB(4, NULL)};
    static int32_t rows[10 * 6];
    kplace_error err;
    cr_assert_eq(kplace_admin_assign(brokers, 5, 0, 0, -1, -1, rows, &err, no_random_cb, NULL),
                 SIM_EINVALID);
    cr_assert_eq(err.status, KPLACE_INVALID_PARTITIONS);
    cr_assert_str_eq(err.message, "Number of partitions must be larger than 0.");
    cr_assert_eq(kplace_admin_assign(brokers, 5, 10, 0, -1, -1, rows, &err, no_random_cb, NULL),
                 SIM_EINVALID);
    cr_assert_eq(err.status, KPLACE_INVALID_REPLICATION_FACTOR);
    cr_assert_str_eq(err.message, "Replication factor must be larger than 0.");
    cr_assert_eq(kplace_admin_assign(brokers, 5, 10, 6, -1, -1, rows, &err, no_random_cb, NULL),
                 SIM_EINVALID);
    cr_assert_eq(err.status, KPLACE_INVALID_REPLICATION_FACTOR);
    cr_assert_str_eq(err.message, "Replication factor: 6 larger than available brokers: 5.");
    cr_assert_eq(kplace_admin_assign(brokers, 5, 10, 5, -1, -1, rows, &err, no_random_cb, NULL),
                 SIM_EINVALID);
    cr_assert_eq(err.status, KPLACE_ADMIN_OPERATION_FAILED);
    cr_assert_str_eq(err.message,
                     "Not all brokers have rack information for replica rack aware assignment.");
    cr_assert_str_eq(kplace_status_name(err.status), "AdminOperationException");
    cr_assert_eq(kplace_status_code(KPLACE_INVALID_REPLICATION_FACTOR), 38);
}

/* Vector: AdminUtils with MockRandom(17) as its Random — the draws are start index, then
 * shift; rack-unaware over brokers in the order given; rack-aware with random start. */
Test(placement, vector_admin_random_start)
{
    const kplace_admin_broker five[] = {AB(0, NULL), AB(1, NULL), AB(2, NULL), AB(3, NULL),
                                        AB(4, NULL)};
    admin_expect(five, 5, 10, 3, -1, -1, 17,
                 "[0, 1, 2] [1, 2, 3] [2, 3, 4] [3, 4, 0] [4, 0, 1] [0, 2, 3] [1, 3, 4] "
                 "[2, 4, 0] [3, 0, 1] [4, 1, 2]");
    char names[6][16];
    kplace_admin_broker racked[6];
    admin_brokers(racked, names, IDS6, RACKS_121331, 6);
    admin_expect(racked, 6, 13, 3, -1, -1, 17,
                 "[1, 4, 0] [3, 0, 1] [5, 1, 3] [2, 3, 5] [4, 5, 2] [0, 2, 4] [1, 5, 4] "
                 "[3, 2, 0] [5, 4, 1] [2, 0, 3] [4, 1, 5] [0, 3, 2] [1, 0, 3]");
    const kplace_admin_broker unordered[] = {AB(3, NULL), AB(1, NULL), AB(4, NULL), AB(2, NULL)};
    admin_expect(unordered, 4, 6, 2, 1, 0, 0, "[1, 2] [4, 3] [2, 1] [3, 4] [1, 3] [4, 1]");
}

/* =================================================================================
 * Differential vectors: random clusters through Kafka's own classes
 * =================================================================================
 * Each line is one random case and the answer Kafka's StripedReplicaPlacer (with
 * MockRandom(seed)) or AdminUtils (with MockRandom(seed) as its Random) gave for it,
 * sampled from 30 000 + 20 000 generated cases that all matched ours when this file was
 * written. Format: "seed partitions rf [fixed_start start_partition] n id,rack,fenced ...
 * | answer", rack "-" = none, answer "a,b,;c,d,;" per partition or "ERR message". */

static const char *const STRIPED_VECTORS[] = {
    "-4299008519893538438 37 1 1 199,a,1 | ERR All brokers are currently fenced.",
    "-7469270941254096420 55 1 18 54,AaAa,0 61,-,0 187,Aa,0 87,AaAa,0 88,b,1 152,c,0 30,BBBB,0 "
    "157,us-east-1b,0 183,us-east-1a,0 198,us-east-1b,0 78,c,0 41,rack-2,0 89,AaAa,0 177,BBBB,0 "
    "169,-,0 56,-,0 130,BBBB,0 37,a,1 | "
    "152,;41,;183,;157,;61,;187,;87,;177,;78,;152,;78,;41,;183,;198,;169,;187,;41,;187,;187,;183,;"
    "169,;157,;198,;152,;177,;54,;41,;187,;187,;183,;56,;157,;187,;183,;130,;30,;152,;41,;87,;61,;"
    "56,;198,;187,;183,;177,;130,;78,;41,;54,;183,;187,;187,;56,;152,;198,;",
    "7887947970314294741 6 1 22 15,AaBB,0 160,y,1 197,s,0 24,BB,0 133,a,1 120,rack-2,0 69,b,1 "
    "63,\xc3\xa9t\xc3\xa9,1 46,c,0 164,us-east-1a,1 128,a,1 84,b,0 86,c,0 135,b,0 191,a,0 81,-,0 "
    "143,a,0 149,b,0 127,y,0 17,q,1 198,BB,0 154,BBBB,0 | 120,;197,;127,;127,;81,;81,;",
    "-519014115341023731 27 1 34 32,rack-10,0 41,\xc3\xa9t\xc3\xa9,0 104,BBBB,1 15,us-east-1a,0 "
    "31,us-east-1b,1 35,-,0 192,us-east-1a,0 181,Aa,0 188,-,0 132,BBBB,0 144,y,0 "
    "36,\xc3\xa9t\xc3\xa9,0 174,BBAa,0 72,zz,1 101,AaBB,0 10,\xc3\xa9t\xc3\xa9,0 "
    "163,us-east-1a,1 19,AaBB,1 34,us-east-1a,0 166,c,1 29,BB,0 178,BBBB,1 86,-,1 51,AaBB,1 "
    "167,\xc3\xa9t\xc3\xa9,1 64,rack-10,1 130,AaBB,0 9,y,1 23,BBBB,1 4,BB,1 76,b,1 77,a,0 "
    "137,Aa,0 49,-,0 | "
    "32,;32,;15,;144,;144,;10,;36,;188,;137,;101,;29,;174,;132,;77,;32,;32,;32,;34,;144,;132,;132,;"
    "29,;15,;174,;174,;174,;130,;",
    "1676709739303552399 45 1 10 197,rack-10,1 49,BB,0 118,b,0 74,zz,1 120,-,1 13,us-east-1a,1 "
    "198,c,1 32,c,1 127,a,1 129,zz,0 | "
    "49,;49,;118,;49,;49,;49,;49,;49,;49,;49,;129,;129,;118,;129,;129,;129,;129,;129,;129,;129,;"
    "129,;129,;118,;118,;118,;118,;118,;118,;118,;129,;118,;49,;118,;49,;129,;129,;118,;118,;49,;"
    "129,;129,;118,;129,;49,;49,;",
    "-7699018731953314070 15 1 9 15,a,0 100,a,1 176,a,1 119,a,1 132,a,1 75,a,1 106,a,1 24,a,1 "
    "183,a,1 | 15,;15,;15,;15,;15,;15,;15,;15,;15,;15,;15,;15,;15,;15,;15,;",
    "8267685855746485671 30 1 21 2,b,1 123,BB,0 76,c,1 114,BBAa,0 154,a,0 40,AaBB,0 20,c,1 "
    "138,us-east-1b,0 48,AaBB,0 125,us-east-1b,1 167,c,0 120,-,0 84,AaBB,0 7,rack-2,1 "
    "141,rack-10,1 131,\xc3\xa9t\xc3\xa9,0 108,us-east-1a,0 146,Aa,1 19,us-east-1a,1 196,BBAa,0 "
    "110,b,0 | "
    "108,;108,;108,;138,;131,;120,;48,;84,;123,;114,;154,;110,;167,;48,;154,;131,;108,;131,;114,;"
    "196,;114,;167,;138,;138,;123,;123,;138,;138,;108,;131,;",
    "-3881302932141549832 8 1 9 133,a,1 79,a,0 130,a,0 61,a,1 96,a,0 187,a,0 157,a,0 101,-,0 "
    "99,a,1 | 101,;187,;101,;79,;101,;96,;79,;101,;",
    "847313625006276342 47 1 13 120,us-east-1a,0 134,zz,1 71,BB,0 169,a,1 171,a,0 147,rack-2,0 "
    "162,rack-10,1 163,BB,1 68,BB,0 26,b,0 125,rack-2,0 48,BB,0 3,rack-10,0 | "
    "120,;68,;71,;171,;26,;3,;125,;120,;48,;120,;26,;68,;147,;125,;147,;3,;120,;26,;26,;26,;171,;"
    "125,;120,;71,;26,;26,;26,;26,;147,;3,;120,;71,;171,;171,;26,;125,;68,;125,;171,;26,;120,;3,;3,"
    ";48,;147,;68,;3,;",
    "-663959750080436624 16 4 8 40,us-east-1b,0 90,us-east-1a,0 49,c,0 86,us-east-1b,0 "
    "59,us-east-1a,0 143,a,0 152,us-east-1b,0 2,zz,0 | "
    "90,152,2,143,;40,2,143,49,;2,143,49,59,;143,49,90,86,;49,59,152,2,;90,40,2,143,;86,2,143,49,;"
    "2,143,49,59,;143,86,2,49,;40,2,49,59,;2,49,90,143,;49,59,143,152,;90,143,86,2,;143,40,2,49,;"
    "152,2,49,59,;2,49,90,143,;",
    "-3844683035204921657 38 1 11 194,a,0 150,a,0 35,a,0 65,a,1 128,a,1 109,a,0 28,a,1 96,a,1 "
    "58,a,0 175,a,1 42,a,1 | "
    "109,;150,;194,;35,;58,;194,;58,;109,;35,;150,;109,;194,;58,;35,;150,;109,;35,;58,;150,;194,;"
    "194,;109,;58,;35,;150,;150,;35,;58,;109,;194,;109,;194,;150,;35,;58,;194,;58,;35,;",
    "8926488867047580989 51 1 1 148,a,0 | "
    "148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,"
    ";148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;"
    "148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;148,;",
    "-4679124017237513580 7 5 30 132,a,0 111,a,0 26,a,0 100,-,0 31,-,0 74,a,0 192,a,0 175,a,0 "
    "23,a,0 66,a,0 0,a,0 88,-,1 105,a,0 32,a,0 143,a,0 189,a,0 50,a,0 146,a,0 90,a,0 188,a,0 "
    "109,a,0 20,a,0 140,a,0 94,a,0 131,a,0 193,a,0 185,a,0 133,a,0 40,a,0 114,a,0 | "
    "100,74,31,90,88,;90,31,94,100,105,;100,94,31,105,88,;105,31,109,100,111,;100,109,31,111,88,;"
    "111,31,114,100,131,;100,114,31,131,88,;",
    "6730224396727439758 50 2 8 142,b,0 45,c,0 88,-,0 162,a,0 168,a,0 69,us-east-1a,0 52,b,0 "
    "41,b,1 | "
    "168,52,;142,45,;45,69,;69,88,;88,162,;168,52,;142,45,;69,168,;162,88,;88,45,;45,52,;142,69,;"
    "69,168,;162,88,;45,52,;142,69,;69,162,;168,88,;88,45,;45,52,;142,69,;88,162,;168,52,;142,45,;"
    "45,69,;69,88,;88,162,;168,52,;69,45,;45,142,;52,88,;88,162,;168,69,;69,45,;45,142,;142,168,;"
    "162,69,;69,45,;45,52,;88,142,;52,168,;162,69,;142,45,;45,88,;88,168,;162,69,;69,52,;142,45,;"
    "45,88,;69,88,;",
};

static const char *const ADMIN_VECTORS[] = {
    "-4747034445377708023 0 3 -1 5 30 45,-,0 61,-,0 23,-,0 4,-,0 82,-,0 66,-,0 26,-,0 6,-,0 "
    "96,-,0 25,-,0 41,-,0 86,-,0 2,-,0 72,-,0 37,-,0 84,-,0 29,-,0 14,-,0 11,-,0 33,-,0 95,-,0 "
    "67,-,0 75,-,0 27,-,0 69,-,0 15,-,0 7,-,0 43,-,0 38,-,0 73,-,0 | ERR Number of partitions "
    "must be larger than 0.",
    "2284462691175478104 9 0 -1 12 9 85,-,0 38,-,0 87,-,0 25,-,0 19,-,0 16,-,0 60,-,0 62,-,0 "
    "44,-,0 | ERR Replication factor must be larger than 0.",
    "-2731560406796752526 38 3 0 14 25 95,rack2,0 57,c,0 62,rack1,0 85,-,0 52,a,0 27,rack10,0 "
    "75,rack1,0 22,c,0 99,rack10,0 73,rack10,0 2,rack2,0 76,Aa,0 19,c,0 42,rack1,0 82,Aa,0 "
    "3,rack2,0 0,rack1,0 26,Aa,0 50,a,0 61,c,0 58,rack10,0 84,rack10,0 98,rack1,0 97,Aa,0 92,a,0 "
    "| ERR Not all brokers have rack information for replica rack aware assignment.",
    "-8828671846786177445 3 2 -1 11 30 31,rack2,0 20,c,0 46,rack1,0 58,rack2,0 48,rack2,0 26,c,0 "
    "67,c,0 82,a,0 80,rack2,0 64,c,0 7,rack2,0 79,rack1,0 63,b,0 94,c,0 29,a,0 65,rack2,0 69,a,0 "
    "55,a,0 27,c,0 98,c,0 44,b,0 0,b,0 37,rack2,0 16,b,0 25,rack1,0 56,rack1,0 89,rack1,0 78,c,0 "
    "12,rack2,0 61,rack2,0 | 16,56,;26,31,;46,82,;",
    "1033752695051728570 27 3 16 6 14 1,\xc3\xa9t\xc3\xa9,0 76,\xc3\xa9t\xc3\xa9,0 51,c,0 4,Aa,0 "
    "44,Aa,0 66,rack10,0 53,rack10,0 77,Aa,0 62,BB,0 46,rack1,0 72,rack1,0 94,Aa,0 79,rack10,0 "
    "15,rack10,0 | "
    "53,4,62,;76,62,51,;77,51,46,;66,46,1,;94,15,1,;79,1,44,;4,72,53,;62,72,53,;51,4,62,;46,62,51,;"
    "15,51,46,;1,46,15,;44,15,1,;72,1,44,;53,44,72,;76,72,53,;77,53,76,;66,76,77,;94,66,62,;79,94,"
    "62,;4,79,62,;62,79,4,;51,72,53,;46,53,76,;15,76,77,;1,77,66,;44,66,62,;",
    "5813776948288734487 35 1 -1 14 3 48,-,0 89,-,0 72,-,0 | "
    "72,;48,;89,;72,;48,;89,;72,;48,;89,;72,;48,;89,;72,;48,;89,;72,;48,;89,;72,;48,;89,;72,;48,;"
    "89,;72,;48,;89,;72,;48,;89,;72,;48,;89,;72,;48,;",
    "-4748623646205785383 12 1 19 3 8 31,-,0 83,-,0 23,-,0 21,-,0 44,-,0 38,-,0 70,-,0 32,-,0 | "
    "70,;32,;31,;83,;23,;21,;44,;38,;70,;32,;31,;83,;",
    "-4807735017127165479 7 6 -1 8 6 24,b,0 81,a,0 35,b,0 23,b,0 56,a,0 63,a,0 | "
    "24,56,23,63,81,35,;81,23,63,24,35,56,;35,63,24,81,56,23,;56,24,81,35,23,63,;23,56,63,24,81,35,"
    ";63,23,24,81,35,56,;24,63,81,35,56,23,;",
    "-2926229911268848785 40 0 12 11 1 57,c,0 | ERR Replication factor must be larger than 0.",
    "7593079918728229794 33 4 3 5 9 7,-,0 77,-,0 47,-,0 17,-,0 27,-,0 94,-,0 58,-,0 72,-,0 "
    "70,-,0 | "
    "70,17,27,94,;7,27,94,58,;77,94,58,72,;47,58,72,70,;17,70,7,77,;27,7,77,47,;94,77,47,17,;58,47,"
    "17,27,;72,17,27,94,;70,27,94,58,;7,94,58,72,;77,58,72,70,;47,72,70,7,;17,7,77,47,;27,77,47,17,"
    ";94,47,17,27,;58,17,27,94,;72,27,94,58,;70,94,58,72,;7,58,72,70,;77,72,70,7,;47,70,7,77,;17,"
    "77,47,27,;27,47,17,94,;94,17,27,58,;58,27,94,72,;72,94,58,70,;70,58,72,7,;7,72,70,77,;77,70,7,"
    "47,;47,7,77,17,;17,47,27,94,;27,17,94,58,;",
    "897360308162682021 35 1 10 23 6 83,-,0 32,-,0 57,-,0 71,-,0 29,-,0 56,-,0 | "
    "71,;29,;56,;83,;32,;57,;71,;29,;56,;83,;32,;57,;71,;29,;56,;83,;32,;57,;71,;29,;56,;83,;32,;"
    "57,;71,;29,;56,;83,;32,;57,;71,;29,;56,;83,;32,;",
    "-7818555535730436439 3 3 10 -2 9 8,-,0 85,-,0 2,-,0 89,-,0 80,-,0 59,-,0 67,-,0 68,-,0 "
    "92,-,0 | 85,80,59,;2,59,67,;89,67,68,;",
    "-6528790763885507810 26 2 -1 12 21 10,b,0 19,b,0 91,b,0 13,b,0 70,-,0 9,a,0 56,a,0 4,a,0 "
    "78,a,0 18,b,0 85,b,0 83,a,0 74,b,0 49,a,0 11,b,0 93,a,0 98,b,0 42,b,0 28,b,0 54,b,0 30,b,0 "
    "| ERR Not all brokers have rack information for replica rack aware assignment.",
    "2531634981636047971 2 5 -1 26 10 56,b,0 91,rack10,0 33,BB,0 55,rack10,0 41,rack1,0 98,BB,0 "
    "77,b,0 9,\xc3\xa9t\xc3\xa9,0 35,BB,0 0,c,0 | 55,9,35,77,0,;9,35,77,91,0,;",
};

/* One case's brokers, parsed from the tokens after the header numbers. */
typedef struct vector_case {
    char text[2048];
    const char *answer;
    int64_t numbers[6];
    uint32_t broker_count;
    int32_t ids[KPLACE_BROKERS_MAX];
    const char *racks[KPLACE_BROKERS_MAX];
    bool fenced[KPLACE_BROKERS_MAX];
} vector_case;

static void parse_vector(const char *line, uint32_t header_count, vector_case *v)
{
    cr_assert_lt(strlen(line), sizeof v->text);
    strcpy(v->text, line);
    char *bar = strstr(v->text, " | ");
    cr_assert_not_null(bar);
    *bar = '\0';
    v->answer = bar + 3;
    char *save = NULL;
    char *tok = strtok_r(v->text, " ", &save);
    for (uint32_t i = 0; i < header_count; i++, tok = strtok_r(NULL, " ", &save)) {
        v->numbers[i] = strtoll(tok, NULL, 10);
    }
    v->broker_count = (uint32_t)v->numbers[header_count - 1];
    for (uint32_t i = 0; i < v->broker_count; i++, tok = strtok_r(NULL, " ", &save)) {
        char *rack = strchr(tok, ',');
        char *fenced = strrchr(tok, ',');
        *rack++ = '\0';
        *fenced++ = '\0';
        v->ids[i] = (int32_t)strtol(tok, NULL, 10);
        v->racks[i] = strcmp(rack, "-") == 0 ? NULL : rack;
        v->fenced[i] = fenced[0] == '1';
    }
}

static void format_answer(char *buf, size_t cap, sim_err e, const kplace_error *err,
                          const int32_t *rows, int64_t partitions, int64_t rf)
{
    size_t len = 0;
    buf[0] = '\0';
    if (e != SIM_OK) {
        snprintf(buf, cap, "ERR %s", err->message);
        return;
    }
    for (int64_t p = 0; p < partitions; p++) {
        for (int64_t r = 0; r < rf; r++) {
            len += (size_t)snprintf(buf + len, cap - len, "%d,", rows[p * rf + r]);
        }
        len += (size_t)snprintf(buf + len, cap - len, ";");
        cr_assert_lt(len, cap);
    }
}

/* Vector: StripedReplicaPlacer.place on random clusters (up to 40 brokers, 20 racks,
 * colliding and non-ASCII rack names, fenced brokers, shuffles). */
Test(placement, vector_striped_random_clusters)
{
    static vector_case v;
    static int32_t rows[ROWS_MAX];
    for (uint32_t c = 0; c < COUNT(STRIPED_VECTORS); c++) {
        parse_vector(STRIPED_VECTORS[c], 4, &v);
        kplace_usable_broker brokers[KPLACE_BROKERS_MAX];
        for (uint32_t i = 0; i < v.broker_count; i++) {
            brokers[i] = B(v.ids[i], v.racks[i], v.fenced[i]);
        }
        mock_random m = mock_random_new((uint64_t)v.numbers[0]);
        kplace_error err;
        const sim_err e =
            kplace_striped_place(brokers, v.broker_count, (int32_t)v.numbers[1],
                                 (int32_t)v.numbers[2], rows, &err, mock_random_cb, &m);
        char got[TEXT_BYTES];
        format_answer(got, sizeof got, e, &err, rows, v.numbers[1], v.numbers[2]);
        cr_assert_str_eq(got, v.answer, "case %u", c);
    }
}

/* Vector: AdminUtils.assignReplicasToBrokers on random broker lists, racks or none (one
 * rackless broker among racked ones now and then), random or fixed start index. */
Test(placement, vector_admin_random_clusters)
{
    static vector_case v;
    static int32_t rows[ROWS_MAX];
    for (uint32_t c = 0; c < COUNT(ADMIN_VECTORS); c++) {
        parse_vector(ADMIN_VECTORS[c], 6, &v);
        kplace_admin_broker brokers[KPLACE_BROKERS_MAX];
        for (uint32_t i = 0; i < v.broker_count; i++) brokers[i] = AB(v.ids[i], v.racks[i]);
        mock_random m = mock_random_new((uint64_t)v.numbers[0]);
        kplace_error err;
        const sim_err e = kplace_admin_assign(
            brokers, v.broker_count, (int32_t)v.numbers[1], (int32_t)v.numbers[2],
            (int32_t)v.numbers[3], (int32_t)v.numbers[4], rows, &err, mock_random_cb, &m);
        char got[TEXT_BYTES];
        format_answer(got, sizeof got, e, &err, rows, v.numbers[1], v.numbers[2]);
        cr_assert_str_eq(got, v.answer, "case %u", c);
    }
}

/* =================================================================================
 * Java collection order
 * ================================================================================= */

/* Vector: String.hashCode and compareTo on ASCII, Latin-1, BMP and supplementary text. */
Test(placement, java_string_hash_and_order)
{
    cr_assert_eq(kplace_java_string_hash(""), 0);
    cr_assert_eq(kplace_java_string_hash("a"), 97);
    cr_assert_eq(kplace_java_string_hash("Aa"), 2112);
    cr_assert_eq(kplace_java_string_hash("BB"), 2112);
    cr_assert_eq(kplace_java_string_hash("hello"), 99162322);
    cr_assert_eq(kplace_java_string_hash("us-east-1a"), 231268849);
    cr_assert_eq(kplace_java_string_hash("rack-\xc3\xa9"), -938608781);
    cr_assert_eq(kplace_java_string_hash("\xf0\x9f\x98\x80"), 1772899); /* U+1F600 */
    cr_assert_eq(kplace_java_string_hash("\xe2\x82\xac"), 8364);        /* U+20AC */
    cr_assert_eq(kplace_java_string_hash("min.insync.replicas"), 268940301);
    /* U+FFFF sorts after U+1F600 in Java (surrogates are D800..DFFF), before it in UTF-8. */
    cr_assert_gt(kplace_java_string_compare("\xef\xbf\xbf", "\xf0\x9f\x98\x80"), 0);
    cr_assert_lt(kplace_java_string_compare("a", "ab"), 0);
    cr_assert_gt(kplace_java_string_compare("b", "a"), 0);
    cr_assert_eq(kplace_java_string_compare("same", "same"), 0);
}

static void assert_hashmap_order(const char *const *keys, uint32_t count, uint32_t capacity,
                                 const char *expected)
{
    int32_t hashes[64] = {0};
    uint32_t order[64] = {0};
    for (uint32_t i = 0; i < count; i++) hashes[i] = kplace_java_string_hash(keys[i]);
    kplace_java_hashmap_order(hashes, count, capacity, order);
    char got[TEXT_BYTES] = "[";
    for (uint32_t i = 0; i < count; i++) {
        strcat(got, i == 0 ? "" : ", ");
        strcat(got, keys[order[i]]);
    }
    strcat(got, "]");
    cr_assert_str_eq(got, expected);
}

/* Vector: HashMap.keySet() order printed by Java for the same insertions. */
Test(placement, java_hashmap_order)
{
    const char *az[] = {"us-east-1a", "us-east-1b", "us-east-1c"};
    assert_hashmap_order(az, 3, 0, "[us-east-1a, us-east-1b, us-east-1c]");
    const char *mixed[] = {"west", "east", "north", "south"};
    assert_hashmap_order(mixed, 4, 0, "[east, south, north, west]");
    /* Ten keys share one hash: the ninth and tenth in that bucket each double the table
     * (16 → 32 → 64), which puts T before h. */
    const char *collide[] = {"AaAaAaAa", "h",        "AaAaAaBB", "AaAaBBAa",
                             "AaAaBBBB", "AaBBAaAa", "AaBBAaBB", "AaBBBBAa",
                             "AaBBBBBB", "BBAaAaAa", "T",        "BBAaAaBB"};
    assert_hashmap_order(collide, 12, 0,
                         "[AaAaAaAa, AaAaAaBB, AaAaBBAa, AaAaBBBB, AaBBAaAa, AaBBAaBB, AaBBBBAa, "
                         "AaBBBBBB, BBAaAaAa, BBAaAaBB, T, h]");
    const char *topics[] = {"orders", "payments",          "clicks", "billing", "zeta",
                            "alpha",  "__consumer_offsets"};
    assert_hashmap_order(topics, 7, 3,
                         "[zeta, payments, alpha, clicks, orders, __consumer_offsets, billing]");
    char names[20][16];
    const char *twenty[20];
    for (uint32_t i = 0; i < 20; i++) {
        snprintf(names[i], sizeof names[i], "topic-%u", i);
        twenty[i] = names[i];
    }
    assert_hashmap_order(twenty, 20, 0,
                         "[topic-6, topic-7, topic-8, topic-9, topic-0, topic-1, topic-2, "
                         "topic-3, topic-10, topic-4, topic-11, topic-5, topic-12, topic-13, "
                         "topic-14, topic-15, topic-16, topic-17, topic-18, topic-19]");
    const char *five[] = {"billing", "clicks", "orders", "payments", "zeta"};
    assert_hashmap_order(five, 5, 5, "[zeta, clicks, orders, billing, payments]");
}
