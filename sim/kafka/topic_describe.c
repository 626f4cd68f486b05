/*
 * topic_describe.c — `kafka-topics.sh --describe` output and Kafka topic ids.
 *
 * Role: see topic_describe.h; read top to bottom: a bounded text appender, the topic and
 *   partition lines (TopicCommand.TopicDescription / PartitionDescription.printDescription),
 *   config and topic order (Java HashMap iteration, through placement.h's helpers), Uuid
 *   text and derived topic ids.
 * Model: topic_describe.h.
 * Owns / borrows: nothing; every input is borrowed for the call.
 * Invariants: partitions strictly ascending (asserted); the appender never writes past
 *   the buffer and always NUL-terminates.
 * Determinism: pure functions of their inputs.
 * Not modelled: see topic_describe.h.
 */
#include "topic_describe.h"

#include "../core/sim_assert.h"
#include "../core/sim_rng.h"
#include "placement.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ======================================================================================
 * A bounded appender with snprintf's contract: counts every byte, stores what fits.
 * ==================================================================================== */

typedef struct text_out {
    char *buf;
    size_t cap; /* bytes of buf, ≥ 1 */
    size_t len; /* bytes the full text needs so far, without the NUL */
} text_out;

static text_out text_out_start(char *buf, size_t buf_bytes)
{
    SIM_ASSERT(buf != NULL);
    SIM_ASSERT(buf_bytes >= 1);
    buf[0] = '\0';
    return (text_out){.buf = buf, .cap = buf_bytes, .len = 0};
}

__attribute__((format(printf, 2, 3))) static void put(text_out *t, const char *fmt, ...)
{
    const size_t room = t->len < t->cap ? t->cap - t->len : 0;
    char scratch[1];
    va_list args;
    va_start(args, fmt);
    /* With no room left, format into a 1-byte scratch only to learn the length. */
    const int n = room > 0 ? vsnprintf(t->buf + t->len, room, fmt, args)
                           : vsnprintf(scratch, sizeof scratch, fmt, args);
    va_end(args);
    SIM_ASSERT(n >= 0);
    t->len += (size_t)n;
    t->buf[t->len < t->cap ? t->len : t->cap - 1] = '\0';
}

/* Java's Collectors.joining(",") over Integer.toString of each id. */
static void put_ids(text_out *t, const int32_t *ids, uint32_t count)
{
    SIM_ASSERT(ids != NULL || count == 0);
    for (uint32_t i = 0; i < count; i++) put(t, "%s%d", i == 0 ? "" : ",", ids[i]);
}

/* ======================================================================================
 * TopicCommand's lines
 * ==================================================================================== */

static bool contains_id(const int32_t *ids, uint32_t count, int32_t id)
{
    for (uint32_t i = 0; i < count; i++) {
        if (ids[i] == id) return true;
    }
    return false;
}

/* TopicCommand.getReplicationFactor: replicas, minus the adding ones while the listed
 * reassignment still involves one of the partition's replicas
 * (isReassignmentInProgress). */
static uint32_t replication_factor(const ktd_partition *p)
{
    if (!p->reassigning) return p->replica_count;
    bool in_progress = false;
    for (uint32_t i = 0; i < p->replica_count; i++) {
        in_progress = in_progress ||
                      contains_id(p->adding_replicas, p->adding_count, p->replicas[i]) ||
                      contains_id(p->removing_replicas, p->removing_count, p->replicas[i]);
    }
    if (!in_progress) return p->replica_count;
    SIM_ASSERT(p->adding_count <= p->replica_count);
    return p->replica_count - p->adding_count;
}

/* TopicDescription.printDescription. */
static void put_topic_line(text_out *t, const ktd_topic *topic)
{
    put(t, "Topic: %s", topic->name);
    if (topic->topic_id != NULL && strcmp(topic->topic_id, KTD_ZERO_TOPIC_ID) != 0) {
        put(t, "\tTopicId: %s", topic->topic_id);
    }
    put(t, "\tPartitionCount: %u", topic->partition_count);
    put(t, "\tReplicationFactor: %u", replication_factor(&topic->partitions[0]));
    put(t, "\tConfigs: %s", topic->configs != NULL ? topic->configs : "");
    put(t, "\n");
}

/* PartitionDescription.printDescription. */
static void put_partition_line(text_out *t, const char *topic_name, const ktd_partition *p)
{
    SIM_ASSERT(p->partition_index >= 0);
    SIM_ASSERT(p->replica_count >= 1);
    put(t, "\tTopic: %s\tPartition: %d", topic_name, p->partition_index);
    if (p->leader >= 0) {
        put(t, "\tLeader: %d", p->leader);
    } else {
        put(t, "\tLeader: none");
    }
    put(t, "\tReplicas: ");
    put_ids(t, p->replicas, p->replica_count);
    put(t, "\tIsr: ");
    put_ids(t, p->isr, p->isr_count);
    if (p->reassigning) {
        put(t, "\tAdding Replicas: ");
        put_ids(t, p->adding_replicas, p->adding_count);
        put(t, "\tRemoving Replicas: ");
        put_ids(t, p->removing_replicas, p->removing_count);
    }
    if (p->elr_unknown) {
        put(t, "\tElr: N/A\tLastKnownElr: N/A");
    } else {
        put(t, "\tElr: ");
        put_ids(t, p->elr, p->elr_count);
        put(t, "\tLastKnownElr: ");
        put_ids(t, p->last_known_elr, p->last_known_elr_count);
    }
    put(t, "\n");
}

size_t ktd_format_topic(const ktd_topic *topic, char *buf, size_t buf_bytes)
{
    SIM_ASSERT(topic != NULL && topic->name != NULL);
    SIM_ASSERT(topic->partition_count >= 1 && topic->partitions != NULL);
    for (uint32_t i = 1; i < topic->partition_count; i++) {
        SIM_ASSERT(topic->partitions[i - 1].partition_index < topic->partitions[i].partition_index);
    }
    text_out t = text_out_start(buf, buf_bytes);
    put_topic_line(&t, topic);
    for (uint32_t i = 0; i < topic->partition_count; i++) {
        put_partition_line(&t, topic->name, &topic->partitions[i]);
    }
    SIM_ASSERT(strlen(buf) == (t.len < buf_bytes ? t.len : buf_bytes - 1));
    return t.len;
}

/* ======================================================================================
 * Java collection order: configs and topics
 * ==================================================================================== */

/* HashMap.hash(): high half folded into the low half. */
static uint32_t java_spread(const char *s)
{
    const uint32_t h = (uint32_t)kplace_java_string_hash(s);
    return h ^ (h >> 16);
}

/* Configs order: the admin client's Config is a default HashMap filled with ~35 entries,
 * hence 64 buckets; within a bucket the entries keep the order of the DescribeConfigs
 * answer, which the broker built by iterating a 64-bucket Scala mutable.HashMap, whose
 * buckets are sorted by (signed) spread hash. Ties (equal hashes): String order. */
static bool config_before(const ktd_config_entry *a, const ktd_config_entry *b)
{
    const uint32_t ha = java_spread(a->name);
    const uint32_t hb = java_spread(b->name);
    if ((ha & 63u) != (hb & 63u)) return (ha & 63u) < (hb & 63u);
    if (ha != hb) return (int32_t)ha < (int32_t)hb;
    return kplace_java_string_compare(a->name, b->name) < 0;
}

size_t ktd_configs_join(const ktd_config_entry *entries, uint32_t count, uint32_t *scratch,
                        char *buf, size_t buf_bytes)
{
    SIM_ASSERT(entries != NULL || count == 0);
    SIM_ASSERT(scratch != NULL || count == 0);
    for (uint32_t i = 0; i < count; i++) {
        uint32_t k = i;
        while (k > 0 && config_before(&entries[i], &entries[scratch[k - 1]])) {
            scratch[k] = scratch[k - 1];
            k--;
        }
        scratch[k] = i;
    }
    text_out t = text_out_start(buf, buf_bytes);
    for (uint32_t i = 0; i < count; i++) {
        const ktd_config_entry *e = &entries[scratch[i]];
        SIM_ASSERT(e->name != NULL && e->value != NULL);
        if (i > 0) SIM_ASSERT(strcmp(e->name, entries[scratch[i - 1]].name) != 0);
        put(&t, "%s%s=%s", i == 0 ? "" : ",", e->name, e->value);
    }
    return t.len;
}

void ktd_topics_order(const char *const *names, uint32_t count, uint32_t *scratch,
                      uint32_t *out_order)
{
    SIM_ASSERT(names != NULL || count == 0);
    SIM_ASSERT((scratch != NULL && out_order != NULL) || count == 0);
    if (count == 0) return;
    /* TopicService.getTopics: the names from listTopics, sorted. */
    for (uint32_t i = 0; i < count; i++) {
        uint32_t k = i;
        while (k > 0 && kplace_java_string_compare(names[i], names[out_order[k - 1]]) < 0) {
            out_order[k] = out_order[k - 1];
            k--;
        }
        out_order[k] = i;
    }
    for (uint32_t i = 1; i < count; i++) {
        SIM_ASSERT(kplace_java_string_compare(names[out_order[i - 1]], names[out_order[i]]) < 0);
    }
    /* ...put in that order into `new HashMap<>(count)`, printed in its iteration order. */
    int32_t *hashes = (int32_t *)scratch;
    uint32_t *positions = scratch + count;
    for (uint32_t i = 0; i < count; i++) hashes[i] = kplace_java_string_hash(names[out_order[i]]);
    kplace_java_hashmap_order(hashes, count, count, positions);
    memcpy(scratch, out_order, count * sizeof *scratch); /* the sorted list; hashes done */
    for (uint32_t i = 0; i < count; i++) out_order[i] = scratch[positions[i]];
}

/* ======================================================================================
 * Uuid text and topic ids
 * ==================================================================================== */

void ktd_uuid_format(uint64_t msb, uint64_t lsb, char *out)
{
    SIM_ASSERT(out != NULL);
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint8_t bytes[16];
    for (uint32_t i = 0; i < 8; i++) {
        bytes[i] = (uint8_t)(msb >> (56 - 8 * i));
        bytes[8 + i] = (uint8_t)(lsb >> (56 - 8 * i));
    }
    /* Base64.getUrlEncoder().withoutPadding(): 5 groups of 3 bytes, then 1 byte → 2 chars. */
    uint32_t o = 0;
    for (uint32_t i = 0; i < 15; i += 3) {
        const uint32_t v =
            ((uint32_t)bytes[i] << 16) | ((uint32_t)bytes[i + 1] << 8) | bytes[i + 2];
        out[o++] = alphabet[(v >> 18) & 63u];
        out[o++] = alphabet[(v >> 12) & 63u];
        out[o++] = alphabet[(v >> 6) & 63u];
        out[o++] = alphabet[v & 63u];
    }
    out[o++] = alphabet[bytes[15] >> 2];
    out[o++] = alphabet[(bytes[15] & 3u) << 4];
    out[o] = '\0';
    SIM_ASSERT(o + 1 == KTD_TOPIC_ID_BYTES);
}

static uint64_t fnv1a64(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)s; *p != 0; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    return h;
}

void ktd_topic_id(uint64_t seed, const char *name, uint32_t incarnation, char *out)
{
    SIM_ASSERT(name != NULL && out != NULL);
    uint64_t state = seed ^ fnv1a64(name) ^ ((uint64_t)incarnation * 0x9E3779B97F4A7C15ULL);
    for (uint32_t attempt = 0;; attempt++) {
        SIM_ASSERT(attempt < 64); /* each attempt fails with probability 1/64 */
        uint64_t msb = sim_splitmix64(&state);
        uint64_t lsb = sim_splitmix64(&state);
        /* java.util.UUID.randomUUID: version 4 in bits 12..15 of msb, variant 10 in the top
         * two bits of lsb. */
        msb = (msb & ~0xF000ULL) | 0x4000ULL;
        lsb = (lsb & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
        /* Uuid.randomUuid rejects the reserved ids 0 and 1 (impossible after the variant
         * bits, kept for the rule's sake) and ids whose text starts with "-" (index 62). */
        if (msb == 0 && lsb <= 1) continue;
        if ((msb >> 58) == 62) continue;
        ktd_uuid_format(msb, lsb, out);
        SIM_ASSERT(out[0] != '-');
        return;
    }
}
