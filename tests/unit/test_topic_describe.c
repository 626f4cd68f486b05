/*
 * test_topic_describe.c — `kafka-topics.sh --describe` text and topic ids.
 *
 * Goal: for the same topic metadata, our text is byte for byte what Kafka 4.0's
 *   TopicCommand prints: topic line, TAB-led partition lines, `Leader: none`, reassignment
 *   fields, ELR fields (lists or N/A), the configs and topics in the admin client's order,
 *   topic ids as Kafka's Uuid prints them.
 * Method: golden strings. Those marked "vector" were printed by Kafka's own code:
 *   TopicCommand.TopicDescription / PartitionDescription.printDescription and
 *   getReplicationFactor (apache/kafka 1eb7644) with Kafka's TopicPartitionInfo,
 *   PartitionReassignment, Config and Uuid classes, run on JDK 17 with the same data; for
 *   the configs, the DescribeConfigs entries were fed in the broker's Scala HashMap order
 *   (see topic_describe.h). The rest quote Kafka's tests and docs: TopicCommandTest
 *   (testDescribeUnavailablePartitions, testDescribeWithDescribeTopicPartitionsApi) and
 *   the quickstart's describe output, brought to the 4.0 format. Each test is named
 *   after its source.
 */
#include "../../sim/kafka/topic_describe.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#define TEXT_BYTES 4096

/* ktd_topic_id(42, "orders", 0): pinned; a change here changes every golden file. */
#define TOPIC_ID_42_ORDERS_0 "JkdLMAGES1W1r0GESp0BcQ"

static const int32_t R123[] = {1, 2, 3};
static const int32_t R231[] = {2, 3, 1};
static const int32_t R2[] = {2};
static const int32_t R3[] = {3};
static const int32_t R1[] = {1};
static const int32_t R3124[] = {3, 1, 2, 4};
static const int32_t R4[] = {4};
static const int32_t R31[] = {3, 1};
static const int32_t R0[] = {0};

/* A partition with a leader, ISR = replicas, empty ELR lists. */
static ktd_partition healthy(int32_t index, int32_t leader, const int32_t *replicas, uint32_t count)
{
    return (ktd_partition){.partition_index = index,
                           .leader = leader,
                           .replicas = replicas,
                           .replica_count = count,
                           .isr = replicas,
                           .isr_count = count};
}

static void assert_describe(const ktd_topic *topic, const char *expected)
{
    char got[TEXT_BYTES];
    const size_t len = ktd_format_topic(topic, got, sizeof got);
    cr_assert_eq(len, strlen(expected));
    cr_assert_str_eq(got, expected);
}

/* Vector: TopicDescription and PartitionDescription.printDescription for a topic with
 * overridden configs, an offline partition with ELR, a partition under reassignment and
 * one answered through the old Metadata API (Elr: N/A). */
Test(topic_describe, TopicCommand_printDescription_all_fields)
{
    const ktd_config_entry configs[] = {
        {"retention.ms", "X"},      {"segment.bytes", "X"},         {"min.insync.replicas", "X"},
        {"cleanup.policy", "X"},    {"retention.bytes", "X"},       {"delete.retention.ms", "X"},
        {"max.message.bytes", "X"}, {"compression.gzip.level", "X"}};
    uint32_t scratch[8];
    char configs_text[512];
    ktd_configs_join(configs, 8, scratch, configs_text, sizeof configs_text);
    ktd_partition parts[4];
    parts[0] = healthy(0, 1, R123, 3);
    parts[1] = (ktd_partition){.partition_index = 1,
                               .leader = -1,
                               .replicas = R231,
                               .replica_count = 3,
                               .isr = R2,
                               .isr_count = 1,
                               .elr = R3,
                               .elr_count = 1,
                               .last_known_elr = R1,
                               .last_known_elr_count = 1};
    parts[2] = healthy(2, 3, R3124, 4);
    parts[2].reassigning = true;
    parts[2].adding_replicas = R4;
    parts[2].adding_count = 1;
    parts[2].removing_replicas = R2;
    parts[2].removing_count = 1;
    parts[3] = healthy(3, 3, R31, 2);
    parts[3].elr_unknown = true;
    const ktd_topic topic = {.name = "orders",
                             .topic_id = "NPmZHyhbR9y00wMglMH2sg",
                             .configs = configs_text,
                             .partitions = parts,
                             .partition_count = 4};
    assert_describe(&topic,
                    "Topic: orders\tTopicId: NPmZHyhbR9y00wMglMH2sg\tPartitionCount: 4\t"
                    "ReplicationFactor: 3\tConfigs: min.insync.replicas=X,cleanup.policy=X,"
                    "segment.bytes=X,retention.ms=X,compression.gzip.level=X,"
                    "max.message.bytes=X,retention.bytes=X,delete.retention.ms=X\n"
                    "\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3\t"
                    "Elr: \tLastKnownElr: \n"
                    "\tTopic: orders\tPartition: 1\tLeader: none\tReplicas: 2,3,1\tIsr: 2\t"
                    "Elr: 3\tLastKnownElr: 1\n"
                    "\tTopic: orders\tPartition: 2\tLeader: 3\tReplicas: 3,1,2,4\t"
                    "Isr: 3,1,2,4\tAdding Replicas: 4\tRemoving Replicas: 2\tElr: \t"
                    "LastKnownElr: \n"
                    "\tTopic: orders\tPartition: 3\tLeader: 3\tReplicas: 3,1\tIsr: 3,1\t"
                    "Elr: N/A\tLastKnownElr: N/A\n");
}

/* Vector: TopicCommand.getReplicationFactor — while the first partition's reassignment
 * still involves its replicas, RF = replicas − adding; a listed reassignment that no
 * longer touches them (it completed meanwhile) is ignored for RF but still printed. */
Test(topic_describe, TopicCommand_getReplicationFactor)
{
    static const int32_t moving[] = {5, 6, 1, 2};
    static const int32_t r56[] = {5, 6};
    static const int32_t r12[] = {1, 2};
    static const int32_t r65[] = {6, 5};
    static const int32_t r7[] = {7};
    static const int32_t r8[] = {8};
    ktd_partition parts[2];
    parts[0] = healthy(0, 5, moving, 4);
    parts[0].reassigning = true;
    parts[0].adding_replicas = r56;
    parts[0].adding_count = 2;
    parts[0].removing_replicas = r12;
    parts[0].removing_count = 2;
    parts[1] = healthy(1, 6, r65, 2);
    parts[1].reassigning = true;
    parts[1].adding_replicas = r7;
    parts[1].adding_count = 1;
    parts[1].removing_replicas = r8;
    parts[1].removing_count = 1;
    const ktd_topic topic = {.name = "moving",
                             .topic_id = "ASNFZ4mrze_-3LqYdlQyEA",
                             .partitions = parts,
                             .partition_count = 2};
    assert_describe(&topic, "Topic: moving\tTopicId: ASNFZ4mrze_-3LqYdlQyEA\tPartitionCount: 2\t"
                            "ReplicationFactor: 2\tConfigs: \n"
                            "\tTopic: moving\tPartition: 0\tLeader: 5\tReplicas: 5,6,1,2\t"
                            "Isr: 5,6,1,2\tAdding Replicas: 5,6\tRemoving Replicas: 1,2\tElr: \t"
                            "LastKnownElr: \n"
                            "\tTopic: moving\tPartition: 1\tLeader: 6\tReplicas: 6,5\tIsr: 6,5\t"
                            "Adding Replicas: 7\tRemoving Replicas: 8\tElr: \tLastKnownElr: \n");
    const ktd_topic stale = {.name = "stale",
                             .topic_id = "ASNFZ4mrze_-3LqYdlQyEA",
                             .partitions = &parts[1],
                             .partition_count = 1};
    char got[TEXT_BYTES];
    ktd_format_topic(&stale, got, sizeof got);
    cr_assert(strncmp(got,
                      "Topic: stale\tTopicId: ASNFZ4mrze_-3LqYdlQyEA\tPartitionCount: 1\t"
                      "ReplicationFactor: 2\tConfigs: \n",
                      strlen("Topic: stale\tTopicId: ASNFZ4mrze_-3LqYdlQyEA\tPartitionCount: 1\t"
                             "ReplicationFactor: 2\tConfigs: \n")) == 0,
              "%s", got);
}

/* The quickstart's `kafka-topics.sh --describe --topic quickstart-events` (docs/
 * quickstart.html), in the 4.0 format: TABs, and the ELR fields of DescribeTopicPartitions.
 * Vector for the topic line; an all-zero id prints no TopicId field. */
Test(topic_describe, quickstart_describe)
{
    const ktd_partition p = healthy(0, 0, R0, 1);
    const ktd_topic topic = {.name = "quickstart-events",
                             .topic_id = "NPmZHyhbR9y00wMglMH2sg",
                             .partitions = &p,
                             .partition_count = 1};
    assert_describe(&topic,
                    "Topic: quickstart-events\tTopicId: NPmZHyhbR9y00wMglMH2sg\t"
                    "PartitionCount: 1\tReplicationFactor: 1\tConfigs: \n"
                    "\tTopic: quickstart-events\tPartition: 0\tLeader: 0\tReplicas: 0\tIsr: 0\t"
                    "Elr: \tLastKnownElr: \n");
    const ktd_topic zero = {
        .name = "zero", .topic_id = KTD_ZERO_TOPIC_ID, .partitions = &p, .partition_count = 1};
    char got[TEXT_BYTES];
    ktd_format_topic(&zero, got, sizeof got);
    cr_assert(
        strncmp(got, "Topic: zero\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: \n", 61) == 0,
        "%s", got);
}

/* TopicCommandTest.testDescribeUnavailablePartitions: the partition of an RF-1 topic whose
 * only broker is down: no leader, and the ISR keeps that broker (KRaft never empties it
 * without ELR), so the line holds "Leader: none\tReplicas: 0\tIsr:". */
Test(topic_describe, testDescribeUnavailablePartitions)
{
    const ktd_partition p = {.partition_index = 4,
                             .leader = -1,
                             .replicas = R0,
                             .replica_count = 1,
                             .isr = R0,
                             .isr_count = 1};
    const ktd_topic topic = {.name = "x1Yz8kQ0aB", .partitions = &p, .partition_count = 1};
    char got[TEXT_BYTES];
    ktd_format_topic(&topic, got, sizeof got);
    cr_assert(strstr(got, "Leader: none\tReplicas: 0\tIsr:") != NULL, "%s", got);
    cr_assert(strstr(got, "\tTopic: x1Yz8kQ0aB\tPartition: 4\tLeader: none\tReplicas: 0\t"
                          "Isr: 0\tElr: \tLastKnownElr: \n") != NULL,
              "%s", got);
}

/* TopicCommandTest.testDescribeWithDescribeTopicPartitionsApi: the rows are one topic line
 * plus one per partition, and partition rows carry "\tElr" and "LastKnownElr". */
Test(topic_describe, testDescribeWithDescribeTopicPartitionsApi)
{
    static ktd_partition parts[20];
    for (int32_t i = 0; i < 20; i++) parts[i] = healthy(i, 1 + i % 3, R123, 3);
    const ktd_topic topic = {.name = "t", .partitions = parts, .partition_count = 20};
    char got[TEXT_BYTES];
    cr_assert_lt(ktd_format_topic(&topic, got, sizeof got), sizeof got);
    uint32_t rows = 0;
    for (const char *p = got; *p != '\0'; p++) rows += *p == '\n' ? 1 : 0;
    cr_assert_eq(rows, 21);
    const char *row2 = strchr(strchr(got, '\n') + 1, '\n') + 1;
    cr_assert(strncmp(row2, "\tTopic: t\tPartition: 1\t", 23) == 0, "%s", row2);
    cr_assert(strstr(row2, "\tElr") != NULL);
    cr_assert(strstr(row2, "LastKnownElr") != NULL);
}

/* snprintf's contract: the full length comes back, the buffer holds a NUL-terminated
 * prefix. */
Test(topic_describe, truncation_returns_full_length)
{
    const ktd_partition p = healthy(0, 1, R123, 3);
    const ktd_topic topic = {.name = "orders", .partitions = &p, .partition_count = 1};
    char full[TEXT_BYTES];
    const size_t len = ktd_format_topic(&topic, full, sizeof full);
    for (size_t cap = 1; cap <= len + 1; cap++) {
        char small[TEXT_BYTES];
        memset(small, 'Z', sizeof small);
        cr_assert_eq(ktd_format_topic(&topic, small, cap), len);
        cr_assert_eq(strlen(small), cap - 1 < len ? cap - 1 : len);
        cr_assert(strncmp(small, full, cap - 1) == 0);
        cr_assert_eq(small[cap], 'Z', "wrote past the buffer at cap %zu", cap);
    }
}

/* Vector: Config.entries() order for the non-default entries of a 33-entry answer. */
Test(topic_describe, Config_entries_order)
{
    const ktd_config_entry configs[] = {{"min.insync.replicas", "2"},
                                        {"cleanup.policy", "compact"},
                                        {"retention.ms", "604800000"},
                                        {"segment.bytes", "1073741824"}};
    uint32_t scratch[4];
    char got[256];
    const size_t len = ktd_configs_join(configs, 4, scratch, got, sizeof got);
    cr_assert_str_eq(got, "min.insync.replicas=2,cleanup.policy=compact,segment.bytes=1073741824,"
                          "retention.ms=604800000");
    cr_assert_eq(len, strlen(got));
    cr_assert_eq(ktd_configs_join(configs, 0, scratch, got, sizeof got), 0);
    cr_assert_str_eq(got, "");
}

/* Vector: the admin client's `new HashMap<>(n)` of topic descriptions, filled in sorted
 * order, printed by Java; our input order does not matter. */
Test(topic_describe, DescribeTopicsResult_allTopicNames_order)
{
    const char *names[] = {"payments", "zeta", "billing", "orders", "clicks"};
    uint32_t scratch[10];
    uint32_t order[5];
    ktd_topics_order(names, 5, scratch, order);
    char got[256] = "";
    for (uint32_t i = 0; i < 5; i++) {
        strcat(got, i == 0 ? "" : ", ");
        strcat(got, names[order[i]]);
    }
    cr_assert_str_eq(got, "zeta, clicks, orders, billing, payments");
    const char *seven[] = {"__consumer_offsets", "alpha", "billing", "clicks", "orders",
                           "payments",           "zeta"};
    uint32_t scratch7[14];
    uint32_t order7[7];
    ktd_topics_order(seven, 7, scratch7, order7);
    got[0] = '\0';
    for (uint32_t i = 0; i < 7; i++) {
        strcat(got, i == 0 ? "" : ", ");
        strcat(got, seven[order7[i]]);
    }
    /* new HashMap<>(7): 8 buckets, then 16 after the seventh key. */
    cr_assert_str_eq(got, "zeta, alpha, payments, clicks, orders, __consumer_offsets, billing");
}

/* Vector: Uuid.toString (URL-safe base64, no padding). */
Test(topic_describe, Uuid_toString)
{
    char id[KTD_TOPIC_ID_BYTES];
    ktd_uuid_format(0, 0, id);
    cr_assert_str_eq(id, KTD_ZERO_TOPIC_ID);
    ktd_uuid_format(UINT64_MAX, UINT64_MAX, id);
    cr_assert_str_eq(id, "_____________________w");
    ktd_uuid_format(0x0123456789abcdefULL, 0xfedcba9876543210ULL, id);
    cr_assert_str_eq(id, "ASNFZ4mrze_-3LqYdlQyEA");
    ktd_uuid_format(0x34f9991f285b47dcULL, 0xb4d3032094c1f6b2ULL, id);
    cr_assert_str_eq(id, "NPmZHyhbR9y00wMglMH2sg"); /* the quickstart's topic id */
}

/* Decodes one of our 22-char ids back to its 128 bits. */
static void decode_id(const char *id, uint64_t *msb, uint64_t *lsb)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint8_t bytes[17] = {0};
    uint32_t bit = 0;
    for (uint32_t i = 0; i < 22; i++) {
        const char *at = strchr(alphabet, id[i]);
        cr_assert_not_null(at);
        const uint32_t v = (uint32_t)(at - alphabet);
        for (int b = 5; b >= 0; b--, bit++) {
            if ((v >> b) & 1u) bytes[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
        }
    }
    *msb = 0;
    *lsb = 0;
    for (uint32_t i = 0; i < 8; i++) {
        *msb = (*msb << 8) | bytes[i];
        *lsb = (*lsb << 8) | bytes[8 + i];
    }
}

/* Our derived ids: pinned values (golden files print them), the version-4 and variant bits
 * of java.util.UUID.randomUUID, never a leading "-", and a new id for another seed, name
 * or incarnation. */
Test(topic_describe, topic_id_derivation)
{
    char a[KTD_TOPIC_ID_BYTES];
    char b[KTD_TOPIC_ID_BYTES];
    ktd_topic_id(42, "orders", 0, a);
    ktd_topic_id(42, "orders", 0, b);
    cr_assert_str_eq(a, b);
    cr_assert_str_eq(a, TOPIC_ID_42_ORDERS_0);
    ktd_topic_id(43, "orders", 0, b);
    cr_assert_str_neq(a, b);
    ktd_topic_id(42, "orders", 1, b);
    cr_assert_str_neq(a, b);
    ktd_topic_id(42, "payments", 0, b);
    cr_assert_str_neq(a, b);
    for (uint32_t i = 0; i < 2000; i++) {
        char name[32];
        snprintf(name, sizeof name, "topic-%u", i);
        ktd_topic_id(i % 7, name, i % 3, a);
        cr_assert_eq(strlen(a), 22);
        cr_assert_neq(a[0], '-', "%s", name);
        uint64_t msb;
        uint64_t lsb;
        decode_id(a, &msb, &lsb);
        cr_assert_eq((msb >> 12) & 0xF, 4, "version of %s", a);
        cr_assert_eq(lsb >> 62, 2, "variant of %s", a);
        char again[KTD_TOPIC_ID_BYTES];
        ktd_uuid_format(msb, lsb, again);
        cr_assert_str_eq(again, a);
    }
}
