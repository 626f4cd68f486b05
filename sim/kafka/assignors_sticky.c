/*
 * assignors_sticky.c — Kafka's StickyAssignor and CooperativeStickyAssignor: the
 *   generation rules for owned partitions, the constrained and the general builders of
 *   AbstractStickyAssignor, and the cooperative first round.
 *
 * Role: called by kasg_assign (assignors.c) for `sticky` and `cooperative-sticky`.
 * Model (Apache Kafka 4.0, clients/.../consumer/internals/AbstractStickyAssignor.java,
 *   CooperativeStickyAssignor.java; KIP-54 sticky, KIP-429 cooperative, KIP-792
 *   generations in the subscription):
 *   1. Owned partitions (allSubscriptionsEqual): walking the subscriptions map, a
 *      partition is kept by its first claimant unless a later claimant has a higher
 *      generation (it takes it) or the same generation (nobody keeps it, and it is
 *      marked as claimed by several owners). Only topics the leader has partitions
 *      for count. The walk also decides whether all subscriptions are equal (note
 *      Kafka's quirk: the first non-empty subscription is the reference, so members
 *      with empty subscriptions seen before it do not make them unequal).
 *   2. Constrained builder (equal subscriptions): P partitions, N members,
 *      minQuota = P / N, maxQuota = ceil(P / N), P % N members may reach maxQuota.
 *      Each member (in map order) keeps its owned partitions sorted by partition then
 *      topic: all if fewer than minQuota; maxQuota if it has that many and max-quota
 *      slots remain; else minQuota. The rest are dealt in (topic, partition) order,
 *      round-robin over the members under minQuota (by member id), then one each to
 *      members at minQuota while max-quota slots remain. A partition that lands on a
 *      member other than the one that had to give it up is "transferring ownership".
 *   3. General builder (unequal subscriptions): keep valid owned partitions; topics
 *      sorted by number of potential consumers, then name; each unassigned partition
 *      goes to the least loaded subscribed member (size, then id); topics with fewer
 *      than two potential consumers and members that can take nothing else are set
 *      aside; then partitions move, one at a time, while the assignment is not
 *      balanced: back to the member of the previous generation when it has 2 fewer,
 *      else to the least loaded subscribed member when some subscriber has 2 fewer
 *      (PartitionMovements may instead move back a partition that earlier went the
 *      opposite way, to keep stickiness). If the moves did not lower the balance score
 *      (sum of pairwise size differences), the pre-move assignment is kept.
 *   4. Cooperative: partitions transferring ownership are left out of the new owner's
 *      list this round (general builder: those added to one member and revoked from
 *      another, as reported in ownedPartitions).
 * Owns / borrows: state in the caller's workspace (kasg__sticky_take).
 * Invariants: a partition is on at most one member's list; movement records always name
 *   the current owner as destination; sizes in the "sorted set" are current.
 * Determinism: Java's TreeSet of members is a scan for the least (size, id); Java's
 *   HashMap order of members and HashSet order of moved partitions are computed.
 * Not modelled: rack-aware steps (no racks); the `isSticky` self-check (tests only).
 */
#include "assignors_internal.h"

#include "../core/sim_assert.h"

#include <string.h>

#define DEFAULT_GENERATION (-1) /* AbstractStickyAssignor.DEFAULT_GENERATION */
#define SET_TABLE_MIN      16u  /* a new HashSet's table */

/* One HashSet<TopicPartition> of PartitionMovements: partitions of `topic` whose net
 * movement is src -> dst. Its members are the partitions whose record says so; the set
 * keeps only what Java's iteration order needs: the table size. */
typedef struct movement_set {
    uint32_t topic, src, dst;
    uint32_t capacity; /* table slots; grows like a HashMap's, never shrinks */
    uint32_t size;     /* 0 = removed (slot free) */
} movement_set;

struct kasg__sticky {
    /* Step 1: consumerToOwnedPartitions and what the walk found. */
    kasg__lists owned;
    uint32_t *claimant;    /* [P] allPreviousPartitionsToOwner */
    uint8_t *multi_owned;  /* [P] partitionsWithMultiplePreviousOwners */
    uint8_t *reference;    /* [T] the reference subscription (a set of topics) */
    uint32_t *owned_order; /* [M] consumerToOwnedPartitions' HashMap order */
    int32_t max_generation;
    bool all_equal;
    /* Constrained builder. */
    uint32_t *maybe_revoked; /* [P] member that had to give it up, or KASG__NONE */
    uint8_t *kept;           /* [P] in assignedPartitions */
    uint32_t *under_min;     /* [M] unfilledMembersWithUnderMinQuotaPartitions */
    uint32_t *at_min;        /* [M] unfilledMembersWithExactlyMinQuotaPartitions */
    uint32_t under_min_count, at_min_count;
    /* partitionsTransferringOwnership: partition -> new owner, or KASG__NONE. */
    uint32_t *transferring; /* [P] */
    /* General builder. */
    uint32_t *prev_owner;      /* [P] prevAssignment: member, or KASG__NONE */
    int32_t *prev_generation;  /* [P] */
    uint32_t *potential_count; /* [T] topic2AllPotentialConsumers sizes */
    uint32_t *max_size;        /* [M] getMaxAssignmentSize */
    uint8_t *fixed_member;     /* [M] set aside (fixedAssignments) */
    uint8_t *fixed_topic;      /* [T] fewer than two potential consumers */
    uint32_t *sorted_all;      /* [P] sortedAllPartitions */
    uint32_t sorted_all_count;
    uint32_t *unassigned; /* [P] */
    uint32_t unassigned_count;
    uint32_t *stamp; /* [P] scratch marks */
    kasg__lists pre_balance;
    bool revocation_required;
    /* PartitionMovements. */
    uint32_t *move_src, *move_dst; /* [P] KASG__NONE when the partition has not moved */
    uint32_t *move_seq;            /* [P] when it entered its set (insertion order) */
    uint32_t next_seq;
    movement_set *sets; /* [P] */
    uint32_t set_count;
    uint32_t moves, move_budget;
    /* Failure details (Kafka throws). */
    kasg_status status;
    uint32_t failed_partition, failed_member;
};

kasg__sticky *kasg__sticky_take(kasg__ws *ws, const kasg__ctx *c)
{
    const uint32_t M = c->member_count, T = c->topic_count, P = c->partition_count;
    kasg__sticky *s = kasg__ws_take(ws, 1, sizeof(kasg__sticky));
    kasg__sticky measure;
    kasg__sticky *t = s != NULL ? s : &measure; /* fields are only written when real */
    kasg__lists_take(&t->owned, ws, M, P);
    kasg__lists_take(&t->pre_balance, ws, M, P);
    t->claimant = kasg__ws_take(ws, P + 1u, sizeof(uint32_t));
    t->multi_owned = kasg__ws_take(ws, P + 1u, sizeof(uint8_t));
    t->reference = kasg__ws_take(ws, T + 1u, sizeof(uint8_t));
    t->owned_order = kasg__ws_take(ws, M + 1u, sizeof(uint32_t));
    t->maybe_revoked = kasg__ws_take(ws, P + 1u, sizeof(uint32_t));
    t->kept = kasg__ws_take(ws, P + 1u, sizeof(uint8_t));
    t->under_min = kasg__ws_take(ws, M + 1u, sizeof(uint32_t));
    t->at_min = kasg__ws_take(ws, M + 1u, sizeof(uint32_t));
    t->transferring = kasg__ws_take(ws, P + 1u, sizeof(uint32_t));
    t->prev_owner = kasg__ws_take(ws, P + 1u, sizeof(uint32_t));
    t->prev_generation = kasg__ws_take(ws, P + 1u, sizeof(int32_t));
    t->potential_count = kasg__ws_take(ws, T + 1u, sizeof(uint32_t));
    t->max_size = kasg__ws_take(ws, M + 1u, sizeof(uint32_t));
    t->fixed_member = kasg__ws_take(ws, M + 1u, sizeof(uint8_t));
    t->fixed_topic = kasg__ws_take(ws, T + 1u, sizeof(uint8_t));
    t->sorted_all = kasg__ws_take(ws, P + 1u, sizeof(uint32_t));
    t->unassigned = kasg__ws_take(ws, P + 1u, sizeof(uint32_t));
    t->stamp = kasg__ws_take(ws, P + 1u, sizeof(uint32_t));
    t->move_src = kasg__ws_take(ws, P + 1u, sizeof(uint32_t));
    t->move_dst = kasg__ws_take(ws, P + 1u, sizeof(uint32_t));
    t->move_seq = kasg__ws_take(ws, P + 1u, sizeof(uint32_t));
    t->sets = kasg__ws_take(ws, P + 1u, sizeof(movement_set));
    return s;
}

/* =================================================================================
 * Helpers
 * ================================================================================= */

static const kasg_member *member_of(const kasg__ctx *c, uint32_t m)
{
    SIM_ASSERT(m < c->member_count);
    return &c->in->members[m];
}

/* Kafka's orElse(DEFAULT_GENERATION): -1 already means "none" in the input. */
static int32_t generation_of(const kasg__ctx *c, uint32_t m)
{
    return member_of(c, m)->generation;
}

static bool owned_exists(const kasg__ctx *c, kasg_tp tp)
{
    return c->in->topics[tp.topic_index].partition_count > 0;
}

/* Members in the order of a HashMap filled by walking the leader's subscriptions map
 * (consumerToOwnedPartitions): composed from member_order. */
static void owned_map_order(kasg__sticky *s, const kasg__ctx *c)
{
    int32_t *hashes = (int32_t *)c->scratch;
    for (uint32_t i = 0; i < c->member_count; i++) {
        hashes[i] = kasg_java_hash(member_of(c, c->member_order[i])->member_id);
    }
    uint32_t order[KASG_MEMBERS_MAX];
    kasg__java_map_order(hashes, c->member_count, order);
    for (uint32_t i = 0; i < c->member_count; i++) s->owned_order[i] = c->member_order[order[i]];
}

/* =================================================================================
 * Step 1: owned partitions and the equal-subscriptions test (allSubscriptionsEqual)
 * ================================================================================= */

/* Whether member m's subscription equals the reference set (same size, all in it). */
static bool equals_reference(const kasg__sticky *s, const kasg__ctx *c, uint32_t m,
                             uint32_t reference_size)
{
    const kasg_member *member = member_of(c, m);
    if (member->topic_count != reference_size) return false;
    for (uint32_t i = 0; i < member->topic_count; i++) {
        if (!s->reference[member->topics[i]]) return false;
    }
    return true;
}

/* One claim of partition g by member m (allSubscriptionsEqual's inner loop). */
static void claim(kasg__sticky *s, const kasg__ctx *c, uint32_t m, uint32_t g)
{
    const uint32_t other = s->claimant[g];
    if (other == KASG__NONE) {
        kasg__lists_append(&s->owned, m, g);
        s->claimant[g] = m;
        return;
    }
    SIM_ASSERT(other != m); /* no repeats in one member's list (kasg_input_check) */
    SIM_ASSERT(s->owned.owner[g] == other || s->owned.owner[g] == KASG__NONE);
    const int32_t mine = generation_of(c, m), theirs = generation_of(c, other);
    if (mine == theirs) {
        /* Two members of one generation claim it: revoke it from both. */
        s->multi_owned[g] = 1;
        if (s->owned.owner[g] == other) kasg__lists_remove(&s->owned, g);
        s->claimant[g] = m;
    } else if (mine > theirs) {
        /* KIP-792: the member of the higher generation keeps it. */
        if (s->owned.owner[g] == other) kasg__lists_remove(&s->owned, g);
        kasg__lists_append(&s->owned, m, g);
        s->claimant[g] = m;
    }
}

static void collect_owned(kasg__sticky *s, const kasg__ctx *c)
{
    kasg__lists_clear(&s->owned);
    for (uint32_t g = 0; g < c->partition_count; g++) {
        s->claimant[g] = KASG__NONE;
        s->multi_owned[g] = 0;
    }
    memset(s->reference, 0, c->topic_count);
    uint32_t reference_size = 0;
    s->all_equal = true;
    s->max_generation = c->in->leader_max_generation; /* a field of the assignor object */
    for (uint32_t i = 0; i < c->member_count; i++) {
        const uint32_t m = c->member_order[i];
        const kasg_member *member = member_of(c, m);
        if (reference_size == 0) {
            /* Kafka: "initialize the subscribed topics set if this is the first
             * subscription" - tested by emptiness, so an empty one never sets it. */
            for (uint32_t k = 0; k < member->topic_count; k++) s->reference[member->topics[k]] = 1;
            reference_size = member->topic_count;
        } else if (s->all_equal && !equals_reference(s, c, m, reference_size)) {
            s->all_equal = false;
        }
        if (member->generation > s->max_generation) s->max_generation = member->generation;
        for (uint32_t k = 0; k < member->owned_count; k++) {
            const kasg_tp tp = member->owned[k];
            if (!owned_exists(c, tp) || !c->in_metadata[tp.topic_index]) continue;
            claim(s, c, m, kasg__global(c, tp.topic_index, tp.partition));
        }
    }
}

/* =================================================================================
 * Step 2: the constrained builder (ConstrainedAssignmentBuilder)
 * ================================================================================= */

typedef struct quotas {
    uint32_t min, max;
    uint32_t expected_over_min; /* members that end with maxQuota (0 when min == max) */
    uint32_t current_over_min;
} quotas;

static bool owned_sort_less(const kasg__ctx *c, uint32_t a, uint32_t b)
{
    /* Comparator.comparing(partition).thenComparing(topic). */
    const uint32_t ta = c->part_topic[a], tb = c->part_topic[b];
    const uint32_t pa = a - c->topic_base[ta], pb = b - c->topic_base[tb];
    if (pa != pb) return pa < pb;
    return c->topic_rank[ta] < c->topic_rank[tb];
}

static bool member_rank_less(const kasg__ctx *c, uint32_t a, uint32_t b)
{
    return c->member_rank[a] < c->member_rank[b];
}

/* Keeps the first `keep` of the sorted owned partitions; the rest may be revoked. */
static void keep_owned(kasg__sticky *s, kasg__ctx *c, uint32_t m, const uint32_t *sorted,
                       uint32_t count, uint32_t keep)
{
    SIM_ASSERT(keep <= count);
    for (uint32_t i = 0; i < count; i++) {
        if (i < keep) {
            kasg__lists_append(&c->result, m, sorted[i]);
            s->kept[sorted[i]] = 1;
        } else {
            s->maybe_revoked[sorted[i]] = m;
        }
    }
}

/* assignOwnedPartitions: each member keeps what the quotas allow. */
static void constrained_keep_owned(kasg__sticky *s, kasg__ctx *c, quotas *q)
{
    uint32_t *sorted = c->scratch;
    for (uint32_t i = 0; i < c->member_count; i++) {
        const uint32_t m = s->owned_order[i];
        uint32_t count = 0;
        for (uint32_t g = s->owned.head[m]; g != KASG__NONE; g = s->owned.next[g]) {
            if (!s->multi_owned[g]) sorted[count++] = g; /* doubly claimed: dropped */
        }
        kasg__sort(c, sorted, count, owned_sort_less);
        if (count < q->min) {
            keep_owned(s, c, m, sorted, count, count);
            s->under_min[s->under_min_count++] = m;
        } else if (count >= q->max && q->current_over_min < q->expected_over_min) {
            q->current_over_min++;
            if (q->current_over_min == q->expected_over_min) s->at_min_count = 0;
            keep_owned(s, c, m, sorted, count, q->max);
        } else {
            keep_owned(s, c, m, sorted, count, q->min);
            if (q->current_over_min < q->expected_over_min) s->at_min[s->at_min_count++] = m;
        }
    }
}

/* assignNewPartition: returns the member's new size. */
static uint32_t give_new(kasg__sticky *s, kasg__ctx *c, uint32_t g, uint32_t m)
{
    kasg__lists_append(&c->result, m, g);
    const uint32_t was = s->maybe_revoked[g];
    if ((was != KASG__NONE && was != m) || s->multi_owned[g]) s->transferring[g] = m;
    return c->result.count[m];
}

static void remove_at(uint32_t *items, uint32_t *count, uint32_t index)
{
    SIM_ASSERT(index < *count);
    memmove(items + index, items + index + 1, (*count - index - 1) * sizeof(uint32_t));
    (*count)--;
}

/* assignRoundRobin over the unassigned partitions (already in topic, partition order).
 * Returns false where Kafka throws IllegalStateException (no unfilled member left). */
static bool constrained_deal(kasg__sticky *s, kasg__ctx *c, quotas *q, const uint32_t *unassigned,
                             uint32_t unassigned_count)
{
    uint32_t cursor = 0; /* an iterator over under_min */
    for (uint32_t k = 0; k < unassigned_count; k++) {
        const uint32_t g = unassigned[k];
        uint32_t m;
        bool from_iterator = true;
        if (cursor < s->under_min_count) {
            m = s->under_min[cursor++];
        } else if (s->under_min_count == 0 && s->at_min_count == 0) {
            s->failed_partition = g;
            return false; /* "No more unfilled consumers to be assigned." */
        } else if (s->under_min_count == 0) {
            m = s->at_min[0]; /* LinkedList.poll */
            remove_at(s->at_min, &s->at_min_count, 0);
            from_iterator = false;
        } else {
            cursor = 0;
            m = s->under_min[cursor++];
        }
        const uint32_t size = give_new(s, c, g, m);
        if (size == q->min) {
            SIM_ASSERT(from_iterator); /* a polled member already had minQuota */
            remove_at(s->under_min, &s->under_min_count, --cursor);
            s->at_min[s->at_min_count++] = m;
        } else if (size == q->max) {
            q->current_over_min++;
        }
    }
    return true;
}

/* verifyUnfilledMembers: false where Kafka throws IllegalStateException. */
static bool constrained_verify(kasg__sticky *s, const kasg__ctx *c, const quotas *q)
{
    if (s->under_min_count == 0) return true;
    if (q->current_over_min != q->expected_over_min) return false;
    for (uint32_t i = 0; i < s->under_min_count; i++) {
        if (c->result.count[s->under_min[i]] != q->min) return false;
    }
    return true;
}

static bool constrained_build(kasg__sticky *s, kasg__ctx *c)
{
    const uint32_t total = c->metadata_partition_count, n = c->member_count;
    quotas q = {total / n, (total + n - 1) / n, total % n, 0};
    SIM_ASSERT(q.max - q.min == (q.expected_over_min > 0 ? 1u : 0u));
    for (uint32_t g = 0; g < c->partition_count; g++) {
        s->maybe_revoked[g] = KASG__NONE;
        s->kept[g] = 0;
        s->transferring[g] = KASG__NONE;
    }
    s->under_min_count = s->at_min_count = 0;
    constrained_keep_owned(s, c, &q);
    /* getUnassignedPartitions: every partition not kept, topics by name. */
    s->unassigned_count = 0;
    for (uint32_t k = 0; k < c->topic_count; k++) {
        const uint32_t t = c->topics_by_name[k];
        if (!c->in_metadata[t]) continue;
        for (uint32_t g = c->topic_base[t]; g < c->topic_base[t + 1]; g++) {
            if (!s->kept[g]) s->unassigned[s->unassigned_count++] = g;
        }
    }
    kasg__sort(c, s->under_min, s->under_min_count, member_rank_less);
    kasg__sort(c, s->at_min, s->at_min_count, member_rank_less);
    if (!constrained_deal(s, c, &q, s->unassigned, s->unassigned_count)) return false;
    if (!constrained_verify(s, c, &q)) {
        s->failed_partition = KASG__NONE;
        return false;
    }
    return true;
}

/* =================================================================================
 * Step 3: the general builder (GeneralAssignmentBuilder)
 * ================================================================================= */

static uint32_t size_of(const kasg__ctx *c, uint32_t m)
{
    return c->result.count[m];
}

/* The TreeSet<String> sortedCurrentSubscriptions orders members by (size, member id). */
static bool lighter(const kasg__ctx *c, uint32_t a, uint32_t b)
{
    if (size_of(c, a) != size_of(c, b)) return size_of(c, a) < size_of(c, b);
    return c->member_rank[a] < c->member_rank[b];
}

/* The first member of the sorted set (fixed ones are not in it) subscribed to `topic`. */
static uint32_t least_loaded_subscriber(const kasg__sticky *s, const kasg__ctx *c, uint32_t topic)
{
    uint32_t best = KASG__NONE;
    for (uint32_t m = 0; m < c->member_count; m++) {
        if (s->fixed_member[m] || !kasg__subscribes(c, m, topic)) continue;
        if (best == KASG__NONE || lighter(c, m, best)) best = m;
    }
    return best;
}

static bool topic_potential_less(const kasg__ctx *c, uint32_t a, uint32_t b)
{
    /* TopicComparator: number of potential consumers (c->sort_key), then name. */
    const uint32_t *counts = c->sort_key;
    if (counts[a] != counts[b]) return counts[a] < counts[b];
    return c->topic_rank[a] < c->topic_rank[b];
}

/* prepopulateCurrentAssignments: the latest previous owner of each partition among the
 * members of an older generation than the newest. */
static void general_previous(kasg__sticky *s, const kasg__ctx *c)
{
    for (uint32_t g = 0; g < c->partition_count; g++) {
        s->prev_owner[g] = KASG__NONE;
        s->prev_generation[g] = DEFAULT_GENERATION;
    }
    for (uint32_t i = 0; i < c->member_count; i++) {
        const uint32_t m = c->member_order[i];
        const kasg_member *member = member_of(c, m);
        int32_t generation;
        if (member->generation != DEFAULT_GENERATION && member->generation < s->max_generation) {
            generation = member->generation;
        } else if (member->generation == DEFAULT_GENERATION &&
                   s->max_generation > DEFAULT_GENERATION) {
            generation = DEFAULT_GENERATION;
        } else {
            continue;
        }
        for (uint32_t k = 0; k < member->owned_count; k++) {
            const kasg_tp tp = member->owned[k];
            if (!owned_exists(c, tp)) continue; /* never looked up */
            const uint32_t g = kasg__global(c, tp.topic_index, tp.partition);
            if (s->prev_owner[g] == KASG__NONE || generation > s->prev_generation[g]) {
                s->prev_owner[g] = m;
                s->prev_generation[g] = generation;
            }
        }
    }
}

/* The constructor and assignOwnedPartitions: potential consumers, sortedAllPartitions,
 * owned partitions still subscribed (the current assignment), and the unassigned. */
static void general_prepare(kasg__sticky *s, kasg__ctx *c)
{
    uint32_t *topics = c->scratch; /* [topic_count] */
    SIM_ASSERT(c->scratch_count >= c->topic_count);
    uint32_t topic_count = 0;
    for (uint32_t t = 0; t < c->topic_count; t++) {
        s->potential_count[t] = 0;
        for (uint32_t m = 0; m < c->member_count; m++) {
            if (c->in_metadata[t] && kasg__subscribes(c, m, t)) s->potential_count[t]++;
        }
        if (c->in_metadata[t]) topics[topic_count++] = t;
    }
    c->sort_key = s->potential_count;
    kasg__sort(c, topics, topic_count, topic_potential_less);
    s->sorted_all_count = 0;
    for (uint32_t k = 0; k < topic_count; k++) {
        for (uint32_t g = c->topic_base[topics[k]]; g < c->topic_base[topics[k] + 1]; g++) {
            s->sorted_all[s->sorted_all_count++] = g;
        }
    }
    /* The owned lists become the current assignment; a partition of a topic its member
     * no longer subscribes to is dropped, and then something must be revoked. */
    kasg__lists_copy(&c->result, &s->owned);
    s->revocation_required = false;
    for (uint32_t m = 0; m < c->member_count; m++) {
        uint32_t g = c->result.head[m];
        while (g != KASG__NONE) {
            const uint32_t next = c->result.next[g];
            if (!kasg__subscribes(c, m, c->part_topic[g])) {
                kasg__lists_remove(&c->result, g);
                s->revocation_required = true;
            }
            g = next;
        }
    }
    s->unassigned_count = 0;
    for (uint32_t k = 0; k < s->sorted_all_count; k++) {
        const uint32_t g = s->sorted_all[k];
        if (c->result.owner[g] == KASG__NONE) s->unassigned[s->unassigned_count++] = g;
    }
    for (uint32_t m = 0; m < c->member_count; m++) {
        s->fixed_member[m] = 0;
        s->max_size[m] = 0;
        const kasg_member *member = member_of(c, m);
        for (uint32_t k = 0; k < member->topic_count; k++) {
            const uint32_t t = member->topics[k];
            if (c->in_metadata[t]) s->max_size[m] += c->in->topics[t].partition_count;
        }
    }
}

/* canConsumerParticipateInReassignment. */
static bool can_participate(const kasg__sticky *s, const kasg__ctx *c, uint32_t m)
{
    if (size_of(c, m) < s->max_size[m]) return true;
    for (uint32_t g = c->result.head[m]; g != KASG__NONE; g = c->result.next[g]) {
        if (s->potential_count[c->part_topic[g]] >= 2) return true;
    }
    return false;
}

/* Drops the partitions of fixed topics from a list, keeping its order. */
static void drop_fixed(const kasg__sticky *s, const kasg__ctx *c, uint32_t *items, uint32_t *count)
{
    uint32_t kept = 0;
    for (uint32_t i = 0; i < *count; i++) {
        if (!s->fixed_topic[c->part_topic[items[i]]]) items[kept++] = items[i];
    }
    *count = kept;
}

/* isBalanced. */
static bool balanced(const kasg__sticky *s, const kasg__ctx *c)
{
    uint32_t min = UINT32_MAX, max = 0;
    for (uint32_t m = 0; m < c->member_count; m++) {
        if (s->fixed_member[m]) continue;
        if (size_of(c, m) < min) min = size_of(c, m);
        if (size_of(c, m) > max) max = size_of(c, m);
    }
    if (min == UINT32_MAX || min + 1 >= max) return true;
    for (uint32_t m = 0; m < c->member_count; m++) {
        if (s->fixed_member[m] || size_of(c, m) == s->max_size[m]) continue;
        const kasg_member *member = member_of(c, m);
        for (uint32_t k = 0; k < member->topic_count; k++) {
            const uint32_t t = member->topics[k];
            if (!c->in_metadata[t]) continue;
            for (uint32_t g = c->topic_base[t]; g < c->topic_base[t + 1]; g++) {
                const uint32_t other = c->result.owner[g];
                if (other == m) continue;
                SIM_ASSERT(other != KASG__NONE && !s->fixed_member[other]);
                if (size_of(c, m) + 1 < size_of(c, other)) return false;
            }
        }
    }
    return true;
}

/* getBalanceScore over the members taking part. */
static uint64_t balance_score(const kasg__sticky *s, const kasg__lists *l, uint32_t member_count)
{
    uint64_t score = 0;
    for (uint32_t a = 0; a < member_count; a++) {
        if (s->fixed_member[a]) continue;
        for (uint32_t b = a + 1; b < member_count; b++) {
            if (s->fixed_member[b]) continue;
            score +=
                l->count[a] > l->count[b] ? l->count[a] - l->count[b] : l->count[b] - l->count[a];
        }
    }
    return score;
}

/* ---- PartitionMovements ---------------------------------------------------------- */

static uint32_t find_set(const kasg__sticky *s, uint32_t topic, uint32_t src, uint32_t dst)
{
    for (uint32_t i = 0; i < s->set_count; i++) {
        const movement_set *set = &s->sets[i];
        if (set->size > 0 && set->topic == topic && set->src == src && set->dst == dst) return i;
    }
    return KASG__NONE;
}

static uint32_t set_bucket(const kasg__ctx *c, uint32_t g, uint32_t capacity)
{
    return kasg__java_spread(kasg__tp_hash(c, g)) & (capacity - 1);
}

/* addPartitionMovementRecord: puts g into the set for (topic, src, dst), growing the
 * set's table as HashMap.putVal does. */
static void record_movement(kasg__sticky *s, const kasg__ctx *c, uint32_t g, uint32_t src,
                            uint32_t dst)
{
    SIM_ASSERT(s->move_src[g] == KASG__NONE && src != dst);
    const uint32_t topic = c->part_topic[g];
    uint32_t i = find_set(s, topic, src, dst);
    if (i == KASG__NONE) {
        for (i = 0; i < s->set_count && s->sets[i].size > 0; i++) continue;
        if (i == s->set_count) s->set_count++;
        SIM_ASSERT(s->set_count <= c->partition_count);
        s->sets[i] = (movement_set){topic, src, dst, SET_TABLE_MIN, 0};
    }
    movement_set *set = &s->sets[i];
    const uint32_t bucket = set_bucket(c, g, set->capacity);
    uint32_t bin = 0;
    for (uint32_t h = c->topic_base[topic]; h < c->topic_base[topic + 1]; h++) {
        if (s->move_src[h] == src && s->move_dst[h] == dst &&
            set_bucket(c, h, set->capacity) == bucket) {
            bin++;
        }
    }
    if (bin >= 8 && set->capacity < 64) set->capacity *= 2; /* treeifyBin resizes */
    set->size++;
    if (set->size > set->capacity / 4 * 3) set->capacity *= 2;
    s->move_src[g] = src;
    s->move_dst[g] = dst;
    s->move_seq[g] = s->next_seq++;
}

/* removeMovementRecordOfPartition. */
static void forget_movement(kasg__sticky *s, const kasg__ctx *c, uint32_t g)
{
    const uint32_t i = find_set(s, c->part_topic[g], s->move_src[g], s->move_dst[g]);
    SIM_ASSERT(i != KASG__NONE && s->sets[i].size > 0);
    s->sets[i].size--; /* an emptied set is removed from its map */
    s->move_src[g] = s->move_dst[g] = KASG__NONE;
}

/* movePartition. */
static void note_move(kasg__sticky *s, const kasg__ctx *c, uint32_t g, uint32_t from, uint32_t to)
{
    if (s->move_src[g] == KASG__NONE) {
        record_movement(s, c, g, from, to);
        return;
    }
    SIM_ASSERT(s->move_dst[g] == from); /* a record names the current owner */
    const uint32_t origin = s->move_src[g];
    forget_movement(s, c, g);
    if (origin != to) record_movement(s, c, g, origin, to); /* not moving back home */
}

/* getTheActualPartitionToBeMoved: if partitions of this topic went the opposite way
 * before, move the first of them (in HashSet order) back instead. */
static uint32_t partition_to_move(const kasg__sticky *s, const kasg__ctx *c, uint32_t g,
                                  uint32_t from, uint32_t to)
{
    const uint32_t topic = c->part_topic[g];
    if (s->move_src[g] != KASG__NONE) {
        SIM_ASSERT(s->move_dst[g] == from);
        from = s->move_src[g];
    }
    const uint32_t i = find_set(s, topic, to, from);
    if (i == KASG__NONE) return g;
    const uint32_t capacity = s->sets[i].capacity;
    uint32_t best = KASG__NONE, best_bucket = 0;
    for (uint32_t h = c->topic_base[topic]; h < c->topic_base[topic + 1]; h++) {
        if (s->move_src[h] != to || s->move_dst[h] != from) continue;
        const uint32_t bucket = set_bucket(c, h, capacity);
        if (best == KASG__NONE || bucket < best_bucket ||
            (bucket == best_bucket && s->move_seq[h] < s->move_seq[best])) {
            best = h;
            best_bucket = bucket;
        }
    }
    SIM_ASSERT(best != KASG__NONE);
    return best;
}

/* reassignPartition(partition, newConsumer) and processPartitionMovement. */
static void reassign(kasg__sticky *s, kasg__ctx *c, uint32_t g, uint32_t to)
{
    const uint32_t owner = c->result.owner[g];
    const uint32_t moved = partition_to_move(s, c, g, owner, to);
    const uint32_t from = c->result.owner[moved];
    SIM_ASSERT(from != KASG__NONE && from != to);
    note_move(s, c, moved, from, to);
    kasg__lists_remove(&c->result, moved);
    kasg__lists_append(&c->result, to, moved);
    s->moves++;
}

/* One pass of performReassignments' inner loop over `items`. Returns 1 if something
 * moved, 0 if not, -1 if Kafka throws or the move budget ran out. */
static int reassign_pass(kasg__sticky *s, kasg__ctx *c, const uint32_t *items, uint32_t count)
{
    int moved = 0;
    for (uint32_t k = 0; k < count && !balanced(s, c); k++) {
        const uint32_t g = items[k], t = c->part_topic[g];
        const uint32_t owner = c->result.owner[g];
        SIM_ASSERT(owner != KASG__NONE && !s->fixed_member[owner]);
        if (s->moves >= s->move_budget) {
            s->status = KASG_NO_PROGRESS;
            return -1;
        }
        const uint32_t prev = s->prev_owner[g];
        if (prev != KASG__NONE && s->fixed_member[prev]) {
            /* currentAssignment.get(previous owner) is null: NullPointerException. */
            s->status = KASG_KAFKA_THROWS;
            s->failed_partition = g;
            s->failed_member = prev;
            return -1;
        }
        if (prev != KASG__NONE && size_of(c, owner) > size_of(c, prev) + 1) {
            reassign(s, c, g, prev); /* back to its owner of the previous generation */
            moved = 1;
            continue;
        }
        for (uint32_t m = 0; m < c->member_count; m++) {
            if (s->fixed_member[m] || !kasg__subscribes(c, m, t)) continue;
            if (size_of(c, owner) > size_of(c, m) + 1) {
                reassign(s, c, g, least_loaded_subscriber(s, c, t));
                moved = 1;
                break;
            }
        }
    }
    return moved;
}

/* performReassignments: passes until one moves nothing. Returns 1 if anything moved. */
static int reassign_all(kasg__sticky *s, kasg__ctx *c, const uint32_t *items, uint32_t count)
{
    int performed = 0;
    for (;;) {
        const int moved = reassign_pass(s, c, items, count);
        if (moved < 0) return -1;
        if (moved == 0) return performed;
        performed = 1;
    }
}

/* balance(). Returns false when Kafka throws or the budget ran out. */
static bool general_balance(kasg__sticky *s, kasg__ctx *c)
{
    bool initializing = true;
    for (uint32_t m = 0; m < c->member_count && initializing; m++)
        initializing = size_of(c, m) == 0;
    for (uint32_t k = 0; k < s->unassigned_count; k++) {
        const uint32_t g = s->unassigned[k], t = c->part_topic[g];
        if (s->potential_count[t] == 0) continue;
        kasg__lists_append(&c->result, least_loaded_subscriber(s, c, t), g);
    }
    for (uint32_t t = 0; t < c->topic_count; t++) s->fixed_topic[t] = s->potential_count[t] < 2;
    drop_fixed(s, c, s->sorted_all, &s->sorted_all_count);
    drop_fixed(s, c, s->unassigned, &s->unassigned_count);
    for (uint32_t m = 0; m < c->member_count; m++) s->fixed_member[m] = !can_participate(s, c, m);
    kasg__lists_copy(&s->pre_balance, &c->result);

    if (!s->revocation_required) {
        /* First try to balance by moving only the newly assigned partitions. */
        if (reassign_all(s, c, s->unassigned, s->unassigned_count) < 0) return false;
    }
    const int performed = reassign_all(s, c, s->sorted_all, s->sorted_all_count);
    if (performed < 0) return false;
    if (!initializing && performed &&
        balance_score(s, &c->result, c->member_count) >=
            balance_score(s, &s->pre_balance, c->member_count)) {
        kasg__lists_copy(&c->result, &s->pre_balance); /* not better: keep the old one */
    }
    return true;
}

static bool general_build(kasg__sticky *s, kasg__ctx *c)
{
    general_previous(s, c);
    general_prepare(s, c);
    for (uint32_t g = 0; g < c->partition_count; g++) {
        s->move_src[g] = s->move_dst[g] = KASG__NONE;
        s->move_seq[g] = 0;
        s->transferring[g] = KASG__NONE;
    }
    s->set_count = 0;
    s->next_seq = 0;
    s->moves = 0;
    /* Not Kafka's: a bound so that no input can loop forever (see KASG_NO_PROGRESS). */
    s->move_budget = 64u * (c->partition_count + c->member_count) + 1024u;
    return general_balance(s, c);
}

/* =================================================================================
 * Step 4: the cooperative first round (CooperativeStickyAssignor)
 * ================================================================================= */

/* computePartitionsTransferringOwnership (general builder): partitions added to one
 * member that another reported as owned and no longer gets. */
static void transferring_from_owned(kasg__sticky *s, const kasg__ctx *c)
{
    uint32_t *revoked = s->stamp; /* 1 = some member revokes it */
    for (uint32_t g = 0; g < c->partition_count; g++) revoked[g] = 0;
    for (uint32_t m = 0; m < c->member_count; m++) {
        const kasg_member *member = member_of(c, m);
        for (uint32_t k = 0; k < member->owned_count; k++) {
            if (!owned_exists(c, member->owned[k])) continue;
            const uint32_t g =
                kasg__global(c, member->owned[k].topic_index, member->owned[k].partition);
            if (c->result.owner[g] != m) revoked[g] = 1;
        }
    }
    for (uint32_t m = 0; m < c->member_count; m++) {
        const kasg_member *member = member_of(c, m);
        /* Partitions m reported as owned: marked in the high bit of the stamp. */
        for (uint32_t k = 0; k < member->owned_count; k++) {
            if (!owned_exists(c, member->owned[k])) continue;
            revoked[kasg__global(c, member->owned[k].topic_index, member->owned[k].partition)] |=
                2u;
        }
        for (uint32_t g = c->result.head[m]; g != KASG__NONE; g = c->result.next[g]) {
            if (!(revoked[g] & 2u) && (revoked[g] & 1u)) s->transferring[g] = m;
        }
        for (uint32_t k = 0; k < member->owned_count; k++) {
            if (!owned_exists(c, member->owned[k])) continue;
            revoked[kasg__global(c, member->owned[k].topic_index, member->owned[k].partition)] &=
                1u;
        }
    }
}

/* adjustAssignment: the new owner does not get a transferring partition this round. */
static uint32_t withhold_transferring(kasg__sticky *s, kasg__ctx *c)
{
    uint32_t withheld = 0;
    for (uint32_t g = 0; g < c->partition_count; g++) {
        const uint32_t m = s->transferring[g];
        if (m == KASG__NONE || c->result.owner[g] != m) continue;
        kasg__lists_remove(&c->result, g);
        withheld++;
    }
    return withheld;
}

/* =================================================================================
 * Entry
 * ================================================================================= */

kasg_status kasg__sticky_assign(kasg__sticky *s, kasg__ctx *c, kasg_result *out)
{
    SIM_ASSERT(s != NULL && c != NULL && out != NULL);
    SIM_ASSERT(c->member_count >= 1);
    s->status = KASG_OK;
    s->failed_partition = s->failed_member = KASG__NONE;
    kasg__lists_clear(&c->result);
    owned_map_order(s, c);
    collect_owned(s, c);
    bool ok;
    if (s->all_equal) {
        out->path = KASG_PATH_CONSTRAINED;
        ok = constrained_build(s, c);
        if (!ok) s->status = KASG_KAFKA_THROWS;
    } else {
        out->path = KASG_PATH_GENERAL;
        ok = general_build(s, c);
    }
    if (!ok) {
        SIM_ASSERT(s->status != KASG_OK);
        if (s->failed_partition != KASG__NONE) {
            const uint32_t t = c->part_topic[s->failed_partition];
            out->failed_partition = (kasg_tp){t, (int32_t)(s->failed_partition - c->topic_base[t])};
        }
        out->failed_member_index = s->failed_member;
        return s->status;
    }
    if (c->in->strategy == KASG_STRATEGY_COOPERATIVE_STICKY) {
        if (!s->all_equal) transferring_from_owned(s, c);
        out->withheld_count = withhold_transferring(s, c);
    }
    return KASG_OK;
}
