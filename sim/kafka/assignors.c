/*
 * assignors.c — the consumer partition assignors' common part: names and protocol
 *   selection, Java's string order and hash order, input checks, the workspace, and the
 *   Range and RoundRobin assignors. The sticky assignors are in assignors_sticky.c.
 *
 * Role: entry points of assignors.h. `kasg_assign` checks (asserts) the input, lays
 *   out the workspace, computes what every assignor needs (Java name orders, the
 *   leader's HashMap order of members, which topics the leader has metadata for) and
 *   runs the requested assignor, then copies each member's list out.
 * Model (Apache Kafka 4.0, clients/src/main/java/org/apache/kafka/clients/consumer/):
 *   - AbstractPartitionAssignor.assign: the leader collects every subscribed topic in a
 *     HashSet (walking the subscriptions map), then builds partitionsPerTopic, a
 *     HashMap of the topics that have partitions; topics without metadata are skipped.
 *   - MemberInfo order: members with a group.instance.id first, by instance id; then
 *     the others by member id (KIP-345: static members keep their place).
 *   - RangeAssignor: walks partitionsPerTopic (so each member's list is grouped by topic
 *     in that map's order) and gives each topic's subscribers consecutive ranges.
 *   - RoundRobinAssignor: topics in a TreeSet (name order), a CircularIterator over the
 *     sorted members that skips members not subscribed to the partition's topic.
 *   - ConsumerCoordinator (constructor): rebalance protocol = the highest protocol every
 *     configured assignor supports. ClassicGroup.selectProtocol: candidates supported
 *     by all members, one vote per member for its first candidate, the most votes win;
 *     Stream.max keeps the first of equal counts in HashMap iteration order.
 * Owns / borrows: nothing outside the caller's workspace.
 * Invariants: input validated by kasg_input_check before anything else (asserted).
 * Determinism: Java's String.compareTo (UTF-16 code units) and String.hashCode are
 *   reproduced on UTF-8 input; HashMap iteration order is computed (kasg__java_map_order).
 * Not modelled: see assignors.h (rack awareness, treeified HashMap buckets).
 */
#include "assignors_internal.h"

#include "../core/sim_assert.h"

#include <string.h>

static_assert(KASG_PARTITIONS_MAX <= (uint32_t)INT32_MAX, "partition numbers are Java ints");
static_assert(KASG_MEMBERS_MAX < KASG__NONE && KASG_PARTITIONS_MAX < KASG__NONE,
              "KASG__NONE is never an index");

/* =================================================================================
 * Names and protocol selection
 * ================================================================================= */

static const char *const strategy_names[KASG_STRATEGY_COUNT] = {
    [KASG_STRATEGY_RANGE] = "range",
    [KASG_STRATEGY_ROUNDROBIN] = "roundrobin",
    [KASG_STRATEGY_STICKY] = "sticky",
    [KASG_STRATEGY_COOPERATIVE_STICKY] = "cooperative-sticky",
};

const char *kasg_strategy_name(kasg_strategy strategy)
{
    SIM_ASSERT((uint32_t)strategy < KASG_STRATEGY_COUNT);
    return strategy_names[strategy];
}

bool kasg_strategy_parse(const char *name, kasg_strategy *out)
{
    SIM_ASSERT(name != NULL && out != NULL);
    for (uint32_t i = 0; i < KASG_STRATEGY_COUNT; i++) {
        if (strcmp(name, strategy_names[i]) == 0) {
            *out = (kasg_strategy)i;
            return true;
        }
    }
    return false;
}

const char *kasg_protocol_name(kasg_protocol protocol)
{
    switch (protocol) {
    case KASG_PROTOCOL_EAGER:
        return "eager";
    case KASG_PROTOCOL_COOPERATIVE:
        return "cooperative";
    default:
        SIM_UNREACHABLE();
    }
}

/* supportedProtocols() of each built-in assignor, as a bit set over kasg_protocol. */
static uint32_t supported_protocols(kasg_strategy strategy)
{
    switch (strategy) {
    case KASG_STRATEGY_RANGE:
    case KASG_STRATEGY_ROUNDROBIN:
    case KASG_STRATEGY_STICKY:
        return 1u << KASG_PROTOCOL_EAGER;
    case KASG_STRATEGY_COOPERATIVE_STICKY:
        return (1u << KASG_PROTOCOL_EAGER) | (1u << KASG_PROTOCOL_COOPERATIVE);
    case KASG_STRATEGY_COUNT:
    default:
        SIM_UNREACHABLE();
    }
}

kasg_protocol kasg_protocol_select(const kasg_strategy *list, uint32_t count)
{
    SIM_ASSERT(list != NULL && count >= 1);
    /* ConsumerCoordinator: keep the protocols every assignor supports, take the highest.
     * Every built-in assignor supports EAGER, so the intersection is never empty. */
    uint32_t common = supported_protocols(list[0]);
    for (uint32_t i = 1; i < count; i++) common &= supported_protocols(list[i]);
    SIM_ASSERT(common & (1u << KASG_PROTOCOL_EAGER));
    return (common & (1u << KASG_PROTOCOL_COOPERATIVE)) ? KASG_PROTOCOL_COOPERATIVE
                                                        : KASG_PROTOCOL_EAGER;
}

bool kasg_strategy_select(const kasg_strategy_list *members, uint32_t member_count,
                          kasg_strategy *out)
{
    SIM_ASSERT(members != NULL && member_count >= 1 && out != NULL);
    /* ClassicGroup.candidateProtocols: the names every member supports. */
    bool candidate[KASG_STRATEGY_COUNT];
    for (uint32_t s = 0; s < KASG_STRATEGY_COUNT; s++) {
        candidate[s] = true;
        for (uint32_t m = 0; m < member_count && candidate[s]; m++) {
            bool listed = false;
            for (uint32_t i = 0; i < members[m].count; i++) {
                listed = listed || members[m].items[i] == (kasg_strategy)s;
            }
            candidate[s] = listed;
        }
    }
    /* ClassicGroupMember.vote: the first of its own protocols that is a candidate. */
    uint32_t votes[KASG_STRATEGY_COUNT] = {0};
    uint32_t voters = 0;
    for (uint32_t m = 0; m < member_count; m++) {
        SIM_ASSERT(members[m].count >= 1);
        for (uint32_t i = 0; i < members[m].count; i++) {
            const kasg_strategy s = members[m].items[i];
            SIM_ASSERT((uint32_t)s < KASG_STRATEGY_COUNT);
            if (candidate[s]) {
                votes[s]++;
                voters++;
                break;
            }
        }
    }
    if (voters == 0) return false;
    SIM_ASSERT(voters == member_count);
    /* The votes sit in a HashMap<String, Integer>; Stream.max keeps the first of equal
     * maxima in its iteration order, which for these four names is bucket order. */
    int32_t hashes[KASG_STRATEGY_COUNT];
    uint32_t order[KASG_STRATEGY_COUNT];
    for (uint32_t s = 0; s < KASG_STRATEGY_COUNT; s++)
        hashes[s] = kasg_java_hash(strategy_names[s]);
    kasg__java_map_order(hashes, KASG_STRATEGY_COUNT, order);
    uint32_t best = KASG__NONE;
    for (uint32_t i = 0; i < KASG_STRATEGY_COUNT; i++) {
        const uint32_t s = order[i];
        if (votes[s] > 0 && (best == KASG__NONE || votes[s] > votes[best])) best = s;
    }
    SIM_ASSERT(best != KASG__NONE && candidate[best]);
    *out = (kasg_strategy)best;
    return true;
}

/* =================================================================================
 * Java's strings and hash tables
 * ================================================================================= */

static bool utf8_continuation(unsigned char byte)
{
    return (byte & 0xC0u) == 0x80u;
}

/* The next UTF-16 code unit of a UTF-8 string, as Java would hold the string; -1 at
 * the end. `*low` carries the second half of a surrogate pair. A byte that does not
 * start a valid sequence counts as one unit of its own value (input is checked UTF-8;
 * this only keeps the function total). */
static int32_t next_utf16_unit(const unsigned char **s, uint32_t *low)
{
    if (*low != 0) {
        const uint32_t unit = *low;
        *low = 0;
        return (int32_t)unit;
    }
    const unsigned char *p = *s;
    if (p[0] == 0) return -1;
    uint32_t code = p[0];
    size_t length = 1;
    if (p[0] >= 0xC2 && p[0] < 0xE0 && utf8_continuation(p[1])) {
        code = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
        length = 2;
    } else if (p[0] >= 0xE0 && p[0] < 0xF0 && utf8_continuation(p[1]) && utf8_continuation(p[2])) {
        code = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        length = 3;
    } else if (p[0] >= 0xF0 && p[0] < 0xF5 && utf8_continuation(p[1]) && utf8_continuation(p[2]) &&
               utf8_continuation(p[3])) {
        code = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) |
               (p[3] & 0x3Fu);
        length = 4;
    }
    *s = p + length;
    if (code >= 0x10000u) {
        code -= 0x10000u;
        *low = 0xDC00u | (code & 0x3FFu);
        return (int32_t)(0xD800u | (code >> 10));
    }
    return (int32_t)code;
}

int kasg_java_compare(const char *a, const char *b)
{
    SIM_ASSERT(a != NULL && b != NULL);
    const unsigned char *pa = (const unsigned char *)a;
    const unsigned char *pb = (const unsigned char *)b;
    uint32_t low_a = 0, low_b = 0;
    for (;;) {
        const int32_t ua = next_utf16_unit(&pa, &low_a);
        const int32_t ub = next_utf16_unit(&pb, &low_b);
        if (ua != ub) return ua < ub ? -1 : 1; /* the shorter string (-1) sorts first */
        if (ua < 0) return 0;
    }
}

int32_t kasg_java_hash(const char *s)
{
    SIM_ASSERT(s != NULL);
    const unsigned char *p = (const unsigned char *)s;
    uint32_t low = 0;
    uint32_t h = 0; /* Java int arithmetic: wraps modulo 2^32 */
    for (int32_t unit = next_utf16_unit(&p, &low); unit >= 0; unit = next_utf16_unit(&p, &low)) {
        h = 31u * h + (uint32_t)unit;
    }
    return (int32_t)h;
}

int32_t kasg__tp_hash(const kasg__ctx *c, uint32_t global)
{
    SIM_ASSERT(global < c->partition_count);
    const uint32_t topic = c->part_topic[global];
    const uint32_t partition = global - c->topic_base[topic];
    const uint32_t h = 31u * (31u + partition) + (uint32_t)c->topic_hash[topic];
    return (int32_t)h;
}

#define JAVA_TABLE_MIN     16u /* HashMap DEFAULT_INITIAL_CAPACITY */
#define JAVA_TREEIFY_BIN   8u  /* TREEIFY_THRESHOLD: a longer bin is treeified ... */
#define JAVA_TREEIFY_TABLE 64u /* MIN_TREEIFY_CAPACITY: ... or, in a smaller table, resized */

uint32_t kasg__java_map_capacity(const int32_t *hashes, uint32_t count)
{
    SIM_ASSERT(count == 0 || hashes != NULL);
    /* HashMap.putVal, key by key: a bin that already holds TREEIFY_THRESHOLD nodes makes
     * a small table double (treeifyBin); then the size passing 3/4 of the table makes it
     * double (resize). Keys are distinct, so every put adds a node. */
    uint32_t capacity = JAVA_TABLE_MIN;
    for (uint32_t i = 0; i < count; i++) {
        const uint32_t bucket = kasg__java_spread(hashes[i]) & (capacity - 1);
        uint32_t bin = 0;
        for (uint32_t j = 0; j < i; j++) {
            if ((kasg__java_spread(hashes[j]) & (capacity - 1)) == bucket) bin++;
        }
        if (bin >= JAVA_TREEIFY_BIN && capacity < JAVA_TREEIFY_TABLE) capacity *= 2;
        if (i + 1 > capacity / 4 * 3) capacity *= 2;
    }
    SIM_ASSERT(capacity >= JAVA_TABLE_MIN && (capacity & (capacity - 1)) == 0);
    return capacity;
}

void kasg__java_map_order(const int32_t *hashes, uint32_t count, uint32_t *order)
{
    SIM_ASSERT(count == 0 || (hashes != NULL && order != NULL));
    const uint32_t mask = kasg__java_map_capacity(hashes, count) - 1;
    /* Iteration walks the table by bucket; a bucket's nodes stay in insertion order
     * through every resize (resize splits a bin into two order-keeping lists). */
    for (uint32_t i = 0; i < count; i++) {
        const uint32_t bucket = kasg__java_spread(hashes[i]) & mask;
        uint32_t at = i;
        while (at > 0 && (kasg__java_spread(hashes[order[at - 1]]) & mask) > bucket) {
            order[at] = order[at - 1];
            at--;
        }
        order[at] = i;
    }
}

void kasg__sort(const kasg__ctx *c, uint32_t *items, uint32_t count, kasg__less_fn less)
{
    SIM_ASSERT(count == 0 || items != NULL);
    for (uint32_t i = 1; i < count; i++) {
        const uint32_t item = items[i];
        uint32_t at = i;
        while (at > 0 && less(c, item, items[at - 1])) {
            items[at] = items[at - 1];
            at--;
        }
        items[at] = item;
    }
}

/* =================================================================================
 * Input check
 * ================================================================================= */

typedef struct problem_sink {
    kasg_problem *items;
    uint32_t max, count;
} problem_sink;

static void report(problem_sink *sink, kasg_problem_kind kind, uint32_t member, uint32_t item,
                   uint32_t other)
{
    if (sink->count < sink->max) {
        sink->items[sink->count] = (kasg_problem){kind, member, item, other};
    }
    sink->count++;
}

static bool name_ok(const char *name)
{
    if (name == NULL) return false;
    const size_t bytes = strnlen(name, KASG_NAME_BYTES_MAX + 1);
    return bytes >= 1 && bytes <= KASG_NAME_BYTES_MAX;
}

/* Topics: names, uniqueness, the partition total. Returns false when members cannot be
 * checked against them. */
static bool check_topics(const kasg_input *in, problem_sink *sink)
{
    if (in->topic_count > KASG_TOPICS_MAX || (in->topic_count > 0 && in->topics == NULL)) {
        report(sink, KASG_PROBLEM_TOPICS_MAX, 0, 0, 0);
        return false;
    }
    const uint32_t before = sink->count;
    uint64_t total = 0;
    bool total_reported = false;
    for (uint32_t t = 0; t < in->topic_count; t++) {
        total += in->topics[t].partition_count;
        if (total > KASG_PARTITIONS_MAX && !total_reported) {
            report(sink, KASG_PROBLEM_PARTITIONS_MAX, 0, t, 0);
            total_reported = true;
        }
        if (!name_ok(in->topics[t].name)) {
            report(sink, KASG_PROBLEM_TOPIC_NAME, 0, t, 0);
            continue;
        }
        for (uint32_t u = 0; u < t; u++) {
            if (name_ok(in->topics[u].name) &&
                strcmp(in->topics[u].name, in->topics[t].name) == 0) {
                report(sink, KASG_PROBLEM_TOPIC_DUPLICATE, 0, t, u);
                break;
            }
        }
    }
    return sink->count == before;
}

static void check_member_ids(const kasg_input *in, uint32_t m, problem_sink *sink)
{
    const kasg_member *member = &in->members[m];
    if (!name_ok(member->member_id)) {
        report(sink, KASG_PROBLEM_MEMBER_ID, m, 0, 0);
    } else {
        for (uint32_t o = 0; o < m; o++) {
            if (name_ok(in->members[o].member_id) &&
                strcmp(in->members[o].member_id, member->member_id) == 0) {
                report(sink, KASG_PROBLEM_MEMBER_DUPLICATE, m, 0, o);
                break;
            }
        }
    }
    if (member->instance_id == NULL) return;
    if (!name_ok(member->instance_id)) {
        report(sink, KASG_PROBLEM_INSTANCE_ID, m, 0, 0);
        return;
    }
    for (uint32_t o = 0; o < m; o++) {
        if (name_ok(in->members[o].instance_id) &&
            strcmp(in->members[o].instance_id, member->instance_id) == 0) {
            report(sink, KASG_PROBLEM_INSTANCE_DUPLICATE, m, 0, o);
            break;
        }
    }
}

static void check_subscription(const kasg_input *in, uint32_t m, problem_sink *sink)
{
    const kasg_member *member = &in->members[m];
    for (uint32_t i = 0; i < member->topic_count; i++) {
        if (member->topics == NULL || member->topics[i] >= in->topic_count) {
            report(sink, KASG_PROBLEM_SUBSCRIPTION_TOPIC, m, i, 0);
            continue;
        }
        for (uint32_t j = 0; j < i; j++) {
            if (member->topics[j] == member->topics[i]) {
                report(sink, KASG_PROBLEM_SUBSCRIPTION_REPEAT, m, i, j);
                break;
            }
        }
    }
}

/* Owned partitions: topic and range; repeats among partitions of topics in the metadata
 * (repeats of partitions of topics without partitions are harmless: Kafka ignores
 * those partitions, and `revoked` is a set). `base` holds each topic's first global
 * index; `seen` is a bitmap over global indexes and `where` the first position. */
static void check_owned(const kasg_input *in, uint32_t m, const uint32_t *base, uint8_t *seen,
                        uint16_t *where, problem_sink *sink)
{
    const kasg_member *member = &in->members[m];
    if (member->owned_count > KASG_OWNED_MAX ||
        (member->owned_count > 0 && member->owned == NULL)) {
        report(sink, KASG_PROBLEM_OWNED_MAX, m, 0, 0);
        return;
    }
    memset(seen, 0, KASG_PARTITIONS_MAX / 8);
    for (uint32_t i = 0; i < member->owned_count; i++) {
        const kasg_tp tp = member->owned[i];
        if (tp.topic_index >= in->topic_count) {
            report(sink, KASG_PROBLEM_OWNED_TOPIC, m, i, 0);
            continue;
        }
        const uint32_t count = in->topics[tp.topic_index].partition_count;
        if (tp.partition < 0 || (count > 0 && (uint32_t)tp.partition >= count)) {
            report(sink, KASG_PROBLEM_OWNED_PARTITION, m, i, 0);
            continue;
        }
        if (count == 0) continue;
        const uint32_t g = base[tp.topic_index] + (uint32_t)tp.partition;
        SIM_ASSERT(g < KASG_PARTITIONS_MAX);
        if (seen[g / 8] & (1u << (g % 8))) {
            report(sink, KASG_PROBLEM_OWNED_REPEAT, m, i, where[g]);
            continue;
        }
        seen[g / 8] = (uint8_t)(seen[g / 8] | (1u << (g % 8)));
        where[g] = (uint16_t)i;
    }
}

static_assert(KASG_OWNED_MAX <= UINT16_MAX + 1u, "owned positions fit in 16 bits");

uint32_t kasg_input_check(const kasg_input *in, kasg_problem *problems, uint32_t problems_max)
{
    SIM_ASSERT(in != NULL);
    SIM_ASSERT(problems_max == 0 || problems != NULL);
    problem_sink sink = {problems, problems_max, 0};
    if ((uint32_t)in->strategy >= KASG_STRATEGY_COUNT)
        report(&sink, KASG_PROBLEM_STRATEGY, 0, 0, 0);
    if (in->leader_max_generation < -1) report(&sink, KASG_PROBLEM_LEADER_GENERATION, 0, 0, 0);
    if (!check_topics(in, &sink)) return sink.count;
    if (in->member_count == 0 || in->members == NULL) {
        report(&sink, KASG_PROBLEM_MEMBERS_NONE, 0, 0, 0);
        return sink.count;
    }
    if (in->member_count > KASG_MEMBERS_MAX) {
        report(&sink, KASG_PROBLEM_MEMBERS_MAX, 0, 0, 0);
        return sink.count;
    }
    uint32_t base[KASG_TOPICS_MAX + 1];
    base[0] = 0;
    for (uint32_t t = 0; t < in->topic_count; t++)
        base[t + 1] = base[t] + in->topics[t].partition_count;
    uint8_t seen[KASG_PARTITIONS_MAX / 8];
    uint16_t where[KASG_PARTITIONS_MAX];
    for (uint32_t m = 0; m < in->member_count; m++) {
        check_member_ids(in, m, &sink);
        check_subscription(in, m, &sink);
        check_owned(in, m, base, seen, where, &sink);
        if (in->members[m].generation < -1) report(&sink, KASG_PROBLEM_GENERATION, m, 0, 0);
    }
    return sink.count;
}

/* =================================================================================
 * Workspace and lists
 * ================================================================================= */

#define WS_ALIGN 16u

void *kasg__ws_take(kasg__ws *ws, size_t count, size_t size)
{
    SIM_ASSERT(size > 0 && count <= SIZE_MAX / size);
    const size_t bytes = (count * size + (WS_ALIGN - 1)) / WS_ALIGN * WS_ALIGN;
    if (ws->base == NULL) {
        ws->used += bytes;
        return NULL;
    }
    SIM_ASSERT(ws->used + bytes <= ws->size);
    void *p = ws->base + ws->used;
    ws->used += bytes;
    memset(p, 0, bytes);
    return p;
}

void kasg__lists_take(kasg__lists *l, kasg__ws *ws, uint32_t members, uint32_t partitions)
{
    l->member_count = members;
    l->partition_count = partitions;
    l->head = kasg__ws_take(ws, members + 1u, sizeof(uint32_t));
    l->tail = kasg__ws_take(ws, members + 1u, sizeof(uint32_t));
    l->count = kasg__ws_take(ws, members + 1u, sizeof(uint32_t));
    l->next = kasg__ws_take(ws, partitions + 1u, sizeof(uint32_t));
    l->prev = kasg__ws_take(ws, partitions + 1u, sizeof(uint32_t));
    l->owner = kasg__ws_take(ws, partitions + 1u, sizeof(uint32_t));
    if (ws->base != NULL) kasg__lists_clear(l);
}

void kasg__lists_clear(kasg__lists *l)
{
    SIM_ASSERT(l->head != NULL && l->owner != NULL);
    for (uint32_t m = 0; m < l->member_count; m++) {
        l->head[m] = l->tail[m] = KASG__NONE;
        l->count[m] = 0;
    }
    for (uint32_t g = 0; g < l->partition_count; g++) {
        l->next[g] = l->prev[g] = l->owner[g] = KASG__NONE;
    }
}

void kasg__lists_append(kasg__lists *l, uint32_t member, uint32_t partition)
{
    SIM_ASSERT(member < l->member_count && partition < l->partition_count);
    SIM_ASSERT(l->owner[partition] == KASG__NONE); /* at most one list per partition */
    l->owner[partition] = member;
    l->next[partition] = KASG__NONE;
    l->prev[partition] = l->tail[member];
    if (l->tail[member] == KASG__NONE) {
        l->head[member] = partition;
    } else {
        l->next[l->tail[member]] = partition;
    }
    l->tail[member] = partition;
    l->count[member]++;
}

void kasg__lists_remove(kasg__lists *l, uint32_t partition)
{
    SIM_ASSERT(partition < l->partition_count);
    const uint32_t member = l->owner[partition];
    SIM_ASSERT(member < l->member_count && l->count[member] > 0);
    const uint32_t prev = l->prev[partition], next = l->next[partition];
    if (prev == KASG__NONE) {
        l->head[member] = next;
    } else {
        l->next[prev] = next;
    }
    if (next == KASG__NONE) {
        l->tail[member] = prev;
    } else {
        l->prev[next] = prev;
    }
    l->next[partition] = l->prev[partition] = l->owner[partition] = KASG__NONE;
    l->count[member]--;
}

void kasg__lists_copy(kasg__lists *dst, const kasg__lists *src)
{
    SIM_ASSERT(dst->member_count == src->member_count);
    SIM_ASSERT(dst->partition_count == src->partition_count);
    const size_t m_bytes = (size_t)src->member_count * sizeof(uint32_t);
    const size_t p_bytes = (size_t)src->partition_count * sizeof(uint32_t);
    if (m_bytes > 0) {
        memcpy(dst->head, src->head, m_bytes);
        memcpy(dst->tail, src->tail, m_bytes);
        memcpy(dst->count, src->count, m_bytes);
    }
    if (p_bytes > 0) {
        memcpy(dst->next, src->next, p_bytes);
        memcpy(dst->prev, src->prev, p_bytes);
        memcpy(dst->owner, src->owner, p_bytes);
    }
}

/* =================================================================================
 * Orders every assignor needs
 * ================================================================================= */

static bool topic_name_less(const kasg__ctx *c, uint32_t a, uint32_t b)
{
    return kasg_java_compare(c->in->topics[a].name, c->in->topics[b].name) < 0;
}

static bool member_id_less(const kasg__ctx *c, uint32_t a, uint32_t b)
{
    return kasg_java_compare(c->in->members[a].member_id, c->in->members[b].member_id) < 0;
}

/* AbstractPartitionAssignor.MemberInfo.compareTo: static members (by instance id) before
 * dynamic ones (by member id). Ids are unique, so this is a total order. */
static bool member_info_less(const kasg__ctx *c, uint32_t a, uint32_t b)
{
    const kasg_member *ma = &c->in->members[a], *mb = &c->in->members[b];
    if (ma->instance_id != NULL && mb->instance_id != NULL) {
        return kasg_java_compare(ma->instance_id, mb->instance_id) < 0;
    }
    if (ma->instance_id != NULL) return true;
    if (mb->instance_id != NULL) return false;
    return c->member_rank[a] < c->member_rank[b];
}

/* Topic tables, Java name ranks, the leader's member order and partitionsPerTopic. */
static void build_context(kasg__ctx *c)
{
    const kasg_input *in = c->in;
    c->topic_base[0] = 0;
    for (uint32_t t = 0; t < c->topic_count; t++) {
        c->topic_base[t + 1] = c->topic_base[t] + in->topics[t].partition_count;
        for (uint32_t g = c->topic_base[t]; g < c->topic_base[t + 1]; g++) c->part_topic[g] = t;
        c->topic_hash[t] = kasg_java_hash(in->topics[t].name);
        c->topics_by_name[t] = t;
    }
    SIM_ASSERT(c->topic_base[c->topic_count] == c->partition_count);
    kasg__sort(c, c->topics_by_name, c->topic_count, topic_name_less);
    for (uint32_t i = 0; i < c->topic_count; i++) c->topic_rank[c->topics_by_name[i]] = i;

    uint32_t *by_id = c->scratch;
    for (uint32_t m = 0; m < c->member_count; m++) by_id[m] = m;
    kasg__sort(c, by_id, c->member_count, member_id_less);
    for (uint32_t i = 0; i < c->member_count; i++) c->member_rank[by_id[i]] = i;

    /* ConsumerCoordinator.onLeaderElected puts the members into a HashMap in JoinGroup
     * order; every "for each subscription" below walks that map. */
    int32_t *hashes = (int32_t *)c->scratch;
    for (uint32_t m = 0; m < c->member_count; m++) {
        hashes[m] = kasg_java_hash(in->members[m].member_id);
    }
    kasg__java_map_order(hashes, c->member_count, c->member_order);

    for (uint32_t m = 0; m < c->member_count; m++) {
        const kasg_member *member = &in->members[m];
        for (uint32_t i = 0; i < member->topic_count; i++) {
            const uint32_t t = member->topics[i];
            c->subscribed[(size_t)m * c->topic_count + t] = 1;
            if (in->topics[t].partition_count > 0) c->in_metadata[t] = 1;
        }
    }
    c->metadata_partition_count = 0;
    for (uint32_t t = 0; t < c->topic_count; t++) {
        if (c->in_metadata[t]) c->metadata_partition_count += in->topics[t].partition_count;
    }
}

/* The order in which the leader's partitionsPerTopic HashMap lists its topics
 * (AbstractPartitionAssignor.assign): the subscribed topics go into a HashSet while
 * the subscriptions map is walked, then the ones with partitions into a HashMap in
 * that set's order. Writes the topics to `out` and returns how many. */
static uint32_t metadata_topic_order(kasg__ctx *c, uint32_t *out)
{
    uint32_t *first_seen = c->scratch; /* topics in order of first appearance */
    uint32_t seen_count = 0;
    for (uint32_t i = 0; i < c->member_count; i++) {
        const kasg_member *member = &c->in->members[c->member_order[i]];
        for (uint32_t j = 0; j < member->topic_count; j++) {
            const uint32_t t = member->topics[j];
            bool seen = false;
            for (uint32_t k = 0; k < seen_count && !seen; k++) seen = first_seen[k] == t;
            if (!seen) first_seen[seen_count++] = t;
        }
    }
    int32_t hashes[KASG_TOPICS_MAX] = {0};
    uint32_t order[KASG_TOPICS_MAX] = {0};
    for (uint32_t k = 0; k < seen_count; k++) hashes[k] = c->topic_hash[first_seen[k]];
    kasg__java_map_order(hashes, seen_count, order); /* the HashSet's order */
    uint32_t count = 0;
    for (uint32_t k = 0; k < seen_count; k++) {
        const uint32_t t = first_seen[order[k]];
        if (c->in_metadata[t]) out[count++] = t;
    }
    for (uint32_t k = 0; k < count; k++) hashes[k] = c->topic_hash[out[k]];
    kasg__java_map_order(hashes, count, order); /* the HashMap's order */
    for (uint32_t k = 0; k < count; k++) first_seen[k] = out[order[k]];
    memcpy(out, first_seen, count * sizeof(uint32_t));
    return count;
}

/* =================================================================================
 * Range
 * ================================================================================= */

static void assign_range(kasg__ctx *c)
{
    uint32_t topics[KASG_TOPICS_MAX];
    const uint32_t topic_count = metadata_topic_order(c, topics);
    uint32_t members[KASG_MEMBERS_MAX];
    for (uint32_t k = 0; k < topic_count; k++) {
        const uint32_t t = topics[k];
        uint32_t member_count = 0;
        for (uint32_t m = 0; m < c->member_count; m++) {
            if (kasg__subscribes(c, m, t)) members[member_count++] = m;
        }
        SIM_ASSERT(member_count > 0); /* in the metadata only because someone subscribes */
        kasg__sort(c, members, member_count, member_info_less);
        /* RangeAssignor.assignRanges: the first n % m members take n / m + 1 partitions,
         * the rest n / m, each a consecutive range in partition order. */
        const uint32_t n = c->in->topics[t].partition_count;
        const uint32_t quota = n / member_count, extra = n % member_count;
        uint32_t next = 0;
        for (uint32_t i = 0; i < member_count; i++) {
            const uint32_t take = quota + (i < extra ? 1u : 0u);
            for (uint32_t p = next; p < next + take; p++) {
                kasg__lists_append(&c->result, members[i], kasg__global(c, t, (int32_t)p));
            }
            next += take;
        }
        SIM_ASSERT(next == n);
    }
}

/* =================================================================================
 * RoundRobin
 * ================================================================================= */

static void assign_roundrobin(kasg__ctx *c)
{
    uint32_t circle[KASG_MEMBERS_MAX];
    for (uint32_t m = 0; m < c->member_count; m++) circle[m] = m;
    kasg__sort(c, circle, c->member_count, member_info_less);
    uint32_t at = 0; /* CircularIterator: the member peek() returns */
    /* allPartitionsSorted: every subscribed topic with partitions, in name order. */
    for (uint32_t k = 0; k < c->topic_count; k++) {
        const uint32_t t = c->topics_by_name[k];
        if (!c->in_metadata[t]) continue;
        for (uint32_t p = 0; p < c->in->topics[t].partition_count; p++) {
            uint32_t skipped = 0;
            while (!kasg__subscribes(c, circle[at], t)) {
                at = (at + 1) % c->member_count;
                skipped++;
                SIM_ASSERT(skipped < c->member_count); /* someone subscribes */
            }
            kasg__lists_append(&c->result, circle[at], kasg__global(c, t, (int32_t)p));
            at = (at + 1) % c->member_count;
        }
    }
}

/* =================================================================================
 * Entry point
 * ================================================================================= */

/* Everything kasg_assign takes from the workspace, in one place so that
 * kasg_workspace_bytes measures exactly what kasg_assign uses. */
typedef struct layout {
    kasg__ctx ctx;
    kasg_member_result *results; /* [member_count] */
    kasg_tp *assigned;           /* [partition_count] */
    kasg_tp *revoked;            /* [total owned] */
    kasg__sticky *sticky;        /* sticky assignors only */
} layout;

static void take_layout(layout *l, kasg__ws *ws, const kasg_input *in)
{
    kasg__ctx *c = &l->ctx;
    c->in = in;
    c->member_count = in->member_count;
    c->topic_count = in->topic_count;
    c->partition_count = 0;
    for (uint32_t t = 0; t < in->topic_count; t++)
        c->partition_count += in->topics[t].partition_count;
    uint32_t owned_total = 0, owned_most = 0;
    for (uint32_t m = 0; m < in->member_count; m++) {
        owned_total += in->members[m].owned_count;
        if (in->members[m].owned_count > owned_most) owned_most = in->members[m].owned_count;
    }
    const uint32_t M = c->member_count, T = c->topic_count, P = c->partition_count;
    c->topic_base = kasg__ws_take(ws, T + 1u, sizeof(uint32_t));
    c->part_topic = kasg__ws_take(ws, P + 1u, sizeof(uint32_t));
    c->topic_hash = kasg__ws_take(ws, T + 1u, sizeof(int32_t));
    c->topic_rank = kasg__ws_take(ws, T + 1u, sizeof(uint32_t));
    c->topics_by_name = kasg__ws_take(ws, T + 1u, sizeof(uint32_t));
    c->member_rank = kasg__ws_take(ws, M + 1u, sizeof(uint32_t));
    c->member_order = kasg__ws_take(ws, M + 1u, sizeof(uint32_t));
    c->subscribed = kasg__ws_take(ws, (size_t)M * T + 1u, sizeof(uint8_t));
    c->in_metadata = kasg__ws_take(ws, T + 1u, sizeof(uint8_t));
    c->scratch_count = P;
    if (M > c->scratch_count) c->scratch_count = M;
    if (T > c->scratch_count) c->scratch_count = T;
    if (owned_most > c->scratch_count) c->scratch_count = owned_most;
    c->scratch = kasg__ws_take(ws, c->scratch_count + 1u, sizeof(uint32_t));
    kasg__lists_take(&c->result, ws, M, P);
    l->results = kasg__ws_take(ws, M + 1u, sizeof(kasg_member_result));
    l->assigned = kasg__ws_take(ws, P + 1u, sizeof(kasg_tp));
    l->revoked = kasg__ws_take(ws, owned_total + 1u, sizeof(kasg_tp));
    l->sticky = NULL;
    if (in->strategy == KASG_STRATEGY_STICKY || in->strategy == KASG_STRATEGY_COOPERATIVE_STICKY) {
        l->sticky = kasg__sticky_take(ws, c);
    }
}

size_t kasg_workspace_bytes(const kasg_input *in)
{
    SIM_ASSERT(in != NULL);
    SIM_ASSERT(kasg_input_check(in, NULL, 0) == 0);
    layout l;
    memset(&l, 0, sizeof l);
    kasg__ws ws = {NULL, 0, 0};
    take_layout(&l, &ws, in);
    return ws.used + WS_ALIGN; /* room to align the caller's pointer */
}

static bool revoked_less(const kasg__ctx *c, uint32_t a, uint32_t b)
{
    /* `a`, `b` index the owned list of member c->sort_member. */
    const kasg_tp *owned = c->in->members[c->sort_member].owned;
    const uint32_t ra = c->topic_rank[owned[a].topic_index];
    const uint32_t rb = c->topic_rank[owned[b].topic_index];
    if (ra != rb) return ra < rb;
    if (owned[a].partition != owned[b].partition) return owned[a].partition < owned[b].partition;
    return a < b;
}

/* ConsumerCoordinator.onJoinComplete: revoked = owned - assigned, in a TreeSet ordered
 * by topic name then partition. Returns the number written to `out`. */
static uint32_t revoked_of(kasg__ctx *c, uint32_t m, kasg_tp *out)
{
    const kasg_member *member = &c->in->members[m];
    uint32_t *idx = c->scratch;
    for (uint32_t i = 0; i < member->owned_count; i++) idx[i] = i;
    c->sort_member = m;
    kasg__sort(c, idx, member->owned_count, revoked_less);
    uint32_t count = 0;
    for (uint32_t i = 0; i < member->owned_count; i++) {
        const kasg_tp tp = member->owned[idx[i]];
        if (count > 0 && out[count - 1].topic_index == tp.topic_index &&
            out[count - 1].partition == tp.partition) {
            continue; /* a set: repeats of partitions without metadata collapse */
        }
        const bool exists = c->in->topics[tp.topic_index].partition_count > 0;
        if (exists && c->result.owner[kasg__global(c, tp.topic_index, tp.partition)] == m) continue;
        out[count++] = tp;
    }
    return count;
}

static void copy_out(layout *l, kasg_result *out)
{
    kasg__ctx *c = &l->ctx;
    const bool cooperative = c->in->strategy == KASG_STRATEGY_COOPERATIVE_STICKY;
    uint32_t assigned_used = 0, revoked_used = 0;
    for (uint32_t m = 0; m < c->member_count; m++) {
        kasg_member_result *r = &l->results[m];
        r->assigned = l->assigned + assigned_used;
        r->assigned_count = 0;
        for (uint32_t g = c->result.head[m]; g != KASG__NONE; g = c->result.next[g]) {
            const uint32_t t = c->part_topic[g];
            l->assigned[assigned_used++] = (kasg_tp){t, (int32_t)(g - c->topic_base[t])};
            r->assigned_count++;
        }
        SIM_ASSERT(r->assigned_count == c->result.count[m]);
        r->revoked = l->revoked + revoked_used;
        r->revoked_count = cooperative ? revoked_of(c, m, l->revoked + revoked_used) : 0;
        revoked_used += r->revoked_count;
    }
    SIM_ASSERT(assigned_used <= c->partition_count);
    out->members = l->results;
    out->member_count = c->member_count;
}

kasg_status kasg_assign(const kasg_input *in, void *workspace, size_t workspace_bytes,
                        kasg_result *out)
{
    SIM_ASSERT(in != NULL && workspace != NULL && out != NULL);
    SIM_ASSERT(kasg_input_check(in, NULL, 0) == 0); /* validated by the caller */
    const size_t need = kasg_workspace_bytes(in);
    SIM_ASSERT(workspace_bytes >= need);
    const uintptr_t raw = (uintptr_t)workspace;
    const size_t skip = (size_t)((WS_ALIGN - raw % WS_ALIGN) % WS_ALIGN);
    kasg__ws ws = {(unsigned char *)workspace + skip, 0, workspace_bytes - skip};
    layout l;
    memset(&l, 0, sizeof l);
    take_layout(&l, &ws, in);
    memset(out, 0, sizeof *out);
    build_context(&l.ctx);

    kasg_status status = KASG_OK;
    switch (in->strategy) {
    case KASG_STRATEGY_RANGE:
        assign_range(&l.ctx);
        break;
    case KASG_STRATEGY_ROUNDROBIN:
        assign_roundrobin(&l.ctx);
        break;
    case KASG_STRATEGY_STICKY:
    case KASG_STRATEGY_COOPERATIVE_STICKY:
        status = kasg__sticky_assign(l.sticky, &l.ctx, out);
        break;
    case KASG_STRATEGY_COUNT:
    default:
        SIM_UNREACHABLE();
    }
    out->status = status;
    if (status == KASG_OK) copy_out(&l, out);
    return status;
}
