/*
 * test_assignors.c — Kafka's consumer partition assignors, case by case against Kafka's
 *   own unit tests.
 *
 * Goal: `range`, `roundrobin`, `sticky` and `cooperative-sticky` give exactly what
 *   Kafka 4.0's RangeAssignorTest, RoundRobinAssignorTest, AbstractStickyAssignorTest,
 *   StickyAssignorTest and CooperativeStickyAssignorTest expect, in Kafka's list order
 *   where those tests compare lists (as sets or sorted strings where they do); sticky
 *   assignments stay sticky over rebalances; the cooperative first round leaves out
 *   partitions that another member must revoke first; the protocol-selection rules;
 *   Java's string order and hash order; the input checks.
 * Method: each test is named after the Kafka test method it comes from (Kafka's class
 *   first), builds the same group with the fixture below (no JSON) and compares the
 *   formatted lists. Rack-aware variants of Kafka's tests are left out (not modelled);
 *   their non-rack expectations are here.
 */
#include "../../sim/kafka/assignors.h"
#include "../../sim/kafka/assignors_internal.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* =================================================================================
 * Fixture: a group built from short strings.
 * ================================================================================= */

#define FX_TOPICS_MAX  40
#define FX_MEMBERS_MAX 40
#define FX_LIST_MAX    256
#define FX_NAME_BYTES  40
#define FX_TEXT_BYTES  4096

typedef struct fixture {
    kasg_topic topics[FX_TOPICS_MAX];
    char topic_names[FX_TOPICS_MAX][FX_NAME_BYTES];
    kasg_member members[FX_MEMBERS_MAX];
    char member_ids[FX_MEMBERS_MAX][FX_NAME_BYTES];
    char instance_ids[FX_MEMBERS_MAX][FX_NAME_BYTES];
    uint32_t subs[FX_MEMBERS_MAX][FX_TOPICS_MAX];
    kasg_tp owned[FX_MEMBERS_MAX][FX_LIST_MAX];
    kasg_input in;
    void *workspace;
    kasg_result result;
    char text[FX_TEXT_BYTES];
} fixture;

static fixture *fx_new(void)
{
    fixture *f = calloc(1, sizeof *f);
    cr_assert_not_null(f);
    f->in.topics = f->topics;
    f->in.members = f->members;
    f->in.leader_max_generation = -1;
    return f;
}

static void fx_free(fixture *f)
{
    free(f->workspace);
    free(f);
}

static void fx_topic(fixture *f, const char *name, uint32_t partitions)
{
    cr_assert_lt(f->in.topic_count, FX_TOPICS_MAX);
    const uint32_t t = f->in.topic_count++;
    snprintf(f->topic_names[t], FX_NAME_BYTES, "%s", name);
    f->topics[t] = (kasg_topic){f->topic_names[t], partitions};
}

static uint32_t fx_topic_index(const fixture *f, const char *name, size_t len)
{
    for (uint32_t t = 0; t < f->in.topic_count; t++) {
        if (strlen(f->topic_names[t]) == len && memcmp(f->topic_names[t], name, len) == 0) return t;
    }
    cr_assert_fail("unknown topic %.*s", (int)len, name);
    return 0;
}

static uint32_t fx_member_index(const fixture *f, const char *id)
{
    for (uint32_t m = 0; m < f->in.member_count; m++) {
        if (strcmp(f->member_ids[m], id) == 0) return m;
    }
    cr_assert_fail("unknown member %s", id);
    return 0;
}

/* Parses "topic1-0 topic2-3" (space or comma separated) into `out`. */
static uint32_t fx_parse_tps(const fixture *f, const char *text, kasg_tp *out)
{
    uint32_t n = 0;
    for (const char *p = text; p != NULL && *p != '\0';) {
        while (*p == ' ' || *p == ',') p++;
        if (*p == '\0') break;
        const char *end = p + strcspn(p, " ,");
        const char *dash = end - 1;
        while (dash > p && *dash != '-') dash--;
        cr_assert_lt(n, FX_LIST_MAX);
        out[n].topic_index = fx_topic_index(f, p, (size_t)(dash - p));
        out[n].partition = atoi(dash + 1);
        n++;
        p = end;
    }
    return n;
}

/* Adds a member: topics "t1 t2", owned "t1-0 t2-1" (NULL for none), generation (-1 none). */
static void fx_member(fixture *f, const char *id, const char *instance, const char *topics,
                      const char *owned, int32_t generation)
{
    cr_assert_lt(f->in.member_count, FX_MEMBERS_MAX);
    const uint32_t m = f->in.member_count++;
    kasg_member *member = &f->members[m];
    snprintf(f->member_ids[m], FX_NAME_BYTES, "%s", id);
    member->member_id = f->member_ids[m];
    if (instance != NULL) {
        snprintf(f->instance_ids[m], FX_NAME_BYTES, "%s", instance);
        member->instance_id = f->instance_ids[m];
    }
    member->topics = f->subs[m];
    for (const char *p = topics; p != NULL && *p != '\0';) {
        while (*p == ' ') p++;
        if (*p == '\0') break;
        const size_t len = strcspn(p, " ");
        f->subs[m][member->topic_count++] = fx_topic_index(f, p, len);
        p += len;
    }
    member->owned = f->owned[m];
    member->owned_count = fx_parse_tps(f, owned, f->owned[m]);
    member->generation = generation;
}

static kasg_status fx_run(fixture *f, kasg_strategy strategy)
{
    f->in.strategy = strategy;
    kasg_problem problems[4];
    const uint32_t problem_count = kasg_input_check(&f->in, problems, 4);
    cr_assert_eq(problem_count, 0, "input problem kind %d", problems[0].kind);
    free(f->workspace);
    const size_t bytes = kasg_workspace_bytes(&f->in);
    f->workspace = malloc(bytes);
    cr_assert_not_null(f->workspace);
    return kasg_assign(&f->in, f->workspace, bytes, &f->result);
}

static void fx_run_ok(fixture *f, kasg_strategy strategy)
{
    cr_assert_eq(fx_run(f, strategy), KASG_OK);
}

static const kasg_member_result *fx_result(fixture *f, const char *id)
{
    cr_assert_eq(f->result.status, KASG_OK);
    return &f->result.members[fx_member_index(f, id)];
}

static const char *fx_format(fixture *f, const kasg_tp *tps, uint32_t count)
{
    size_t o = 0;
    f->text[0] = '\0';
    for (uint32_t i = 0; i < count; i++) {
        o += (size_t)snprintf(f->text + o, sizeof f->text - o, "%s%s-%d", i > 0 ? ", " : "",
                              f->topic_names[tps[i].topic_index], tps[i].partition);
    }
    return f->text;
}

/* A member's list, in order: "topic1-0, topic1-1". */
static const char *fx_list(fixture *f, const char *id)
{
    const kasg_member_result *r = fx_result(f, id);
    return fx_format(f, r->assigned, r->assigned_count);
}

static const char *fx_revoked(fixture *f, const char *id)
{
    const kasg_member_result *r = fx_result(f, id);
    return fx_format(f, r->revoked, r->revoked_count);
}

static int compare_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Kafka's toSortedString / comparing as sets: the strings sorted as strings. */
static const char *fx_sorted(fixture *f, const char *id)
{
    const kasg_member_result *r = fx_result(f, id);
    static char items[FX_LIST_MAX][FX_NAME_BYTES + 12];
    const char *ptrs[FX_LIST_MAX];
    for (uint32_t i = 0; i < r->assigned_count; i++) {
        snprintf(items[i], sizeof items[i], "%s-%d", f->topic_names[r->assigned[i].topic_index],
                 r->assigned[i].partition);
        ptrs[i] = items[i];
    }
    qsort(ptrs, r->assigned_count, sizeof ptrs[0], compare_text);
    size_t o = 0;
    f->text[0] = '\0';
    for (uint32_t i = 0; i < r->assigned_count; i++) {
        o += (size_t)snprintf(f->text + o, sizeof f->text - o, "%s%s", i > 0 ? ", " : "", ptrs[i]);
    }
    return f->text;
}

static uint32_t fx_count(fixture *f, const char *id)
{
    return fx_result(f, id)->assigned_count;
}

#define EXPECT_LIST(f, id, expected)   cr_assert_str_eq(fx_list(f, id), expected, "member %s", id)
#define EXPECT_SORTED(f, id, expected) cr_assert_str_eq(fx_sorted(f, id), expected, "member %s", id)

/* The next round's group: same topics, members added with fx_member / fx_follow. */
static fixture *fx_next(const fixture *prev)
{
    fixture *f = fx_new();
    for (uint32_t t = 0; t < prev->in.topic_count; t++) {
        fx_topic(f, prev->topic_names[t], prev->topics[t].partition_count);
    }
    return f;
}

/* A member of the next round that owns what it was assigned in `prev`. */
static void fx_follow(fixture *f, fixture *prev, const char *id, const char *instance,
                      const char *topics, int32_t generation)
{
    char owned[FX_TEXT_BYTES];
    snprintf(owned, sizeof owned, "%s", fx_list(prev, id));
    fx_member(f, id, instance, topics, owned, generation);
}

/* Kafka's verifyValidityAndBalance: every partition goes to a subscriber, to one member
 * at most, and when two members differ by 2 or more, the larger has no partition of a
 * topic that the smaller was also given. Also: every subscribed partition is assigned
 * (unless `partial`, for a cooperative first round). */
static void fx_check_valid(fixture *f, bool partial)
{
    cr_assert_eq(f->result.status, KASG_OK);
    uint32_t holder[KASG_PARTITIONS_MAX];
    uint32_t base[FX_TOPICS_MAX + 1] = {0};
    for (uint32_t t = 0; t < f->in.topic_count; t++)
        base[t + 1] = base[t] + f->topics[t].partition_count;
    for (uint32_t g = 0; g < base[f->in.topic_count]; g++) holder[g] = KASG__NONE;
    for (uint32_t m = 0; m < f->in.member_count; m++) {
        const kasg_member_result *r = &f->result.members[m];
        for (uint32_t i = 0; i < r->assigned_count; i++) {
            const kasg_tp tp = r->assigned[i];
            bool subscribed = false;
            for (uint32_t k = 0; k < f->members[m].topic_count; k++) {
                subscribed = subscribed || f->members[m].topics[k] == tp.topic_index;
            }
            cr_assert(subscribed, "%s got %s-%d without subscribing", f->member_ids[m],
                      f->topic_names[tp.topic_index], tp.partition);
            const uint32_t g = base[tp.topic_index] + (uint32_t)tp.partition;
            cr_assert_eq(holder[g], KASG__NONE, "partition assigned twice");
            holder[g] = m;
        }
    }
    for (uint32_t a = 0; a < f->in.member_count; a++) {
        for (uint32_t b = 0; b < f->in.member_count; b++) {
            const kasg_member_result *ra = &f->result.members[a], *rb = &f->result.members[b];
            if (ra->assigned_count < rb->assigned_count + 2) continue;
            for (uint32_t i = 0; i < ra->assigned_count; i++) {
                for (uint32_t j = 0; j < rb->assigned_count; j++) {
                    cr_assert_neq(ra->assigned[i].topic_index, rb->assigned[j].topic_index,
                                  "%s could give %s a partition", f->member_ids[a],
                                  f->member_ids[b]);
                }
            }
        }
    }
    if (partial) return;
    for (uint32_t m = 0; m < f->in.member_count; m++) {
        for (uint32_t k = 0; k < f->members[m].topic_count; k++) {
            const uint32_t t = f->members[m].topics[k];
            for (uint32_t g = base[t]; g < base[t + 1]; g++) {
                cr_assert_neq(holder[g], KASG__NONE, "%s-%u unassigned", f->topic_names[t],
                              g - base[t]);
            }
        }
    }
}

static bool fx_fully_balanced(fixture *f)
{
    uint32_t min = UINT32_MAX, max = 0;
    for (uint32_t m = 0; m < f->in.member_count; m++) {
        const uint32_t n = f->result.members[m].assigned_count;
        if (n < min) min = n;
        if (n > max) max = n;
    }
    return max <= min + 1;
}

/* CooperativeStickyAssignorTest.verifyValidityAndBalance: while members revoke
 * something, run the follow-up rebalance (members own their new lists); at most 4. */
static fixture *fx_settle_cooperative(fixture *f, int32_t generation)
{
    for (int rounds = 0;; rounds++) {
        bool revoking = false;
        for (uint32_t m = 0; m < f->in.member_count; m++) {
            revoking = revoking || f->result.members[m].revoked_count > 0;
        }
        fx_check_valid(f, revoking);
        if (!revoking) return f;
        cr_assert_leq(rounds, 4);
        fixture *next = fx_next(f);
        for (uint32_t m = 0; m < f->in.member_count; m++) {
            char topics[FX_TEXT_BYTES];
            size_t o = 0;
            topics[0] = '\0';
            for (uint32_t k = 0; k < f->members[m].topic_count; k++) {
                o += (size_t)snprintf(topics + o, sizeof topics - o, "%s ",
                                      f->topic_names[f->members[m].topics[k]]);
            }
            fx_follow(next, f, f->member_ids[m],
                      f->members[m].instance_id ? f->instance_ids[m] : NULL, topics, generation);
        }
        fx_free(f);
        f = next;
        fx_run_ok(f, KASG_STRATEGY_COOPERATIVE_STICKY);
    }
}

static const kasg_strategy sticky_kinds[2] = {KASG_STRATEGY_STICKY,
                                              KASG_STRATEGY_COOPERATIVE_STICKY};

/* =================================================================================
 * RangeAssignorTest
 * ================================================================================= */

Test(assignors, RangeAssignorTest_testOneConsumerNoTopic)
{
    fixture *f = fx_new();
    fx_member(f, "consumer1", NULL, "", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_RANGE);
    EXPECT_LIST(f, "consumer1", "");
    fx_free(f);
}

Test(assignors, RangeAssignorTest_testOneConsumerNonexistentTopic)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 0); /* subscribed, but the leader has no metadata for it */
    fx_member(f, "consumer1", NULL, "topic1", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_RANGE);
    EXPECT_LIST(f, "consumer1", "");
    fx_free(f);
}

Test(assignors, RangeAssignorTest_testOneConsumerOneTopic)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 3);
    fx_member(f, "consumer1", NULL, "topic1", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_RANGE);
    EXPECT_LIST(f, "consumer1", "topic1-0, topic1-1, topic1-2");
    fx_free(f);
}

Test(assignors, RangeAssignorTest_testOnlyAssignsPartitionsFromSubscribedTopics)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 3);
    fx_topic(f, "other", 3);
    fx_member(f, "consumer1", NULL, "topic1", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_RANGE);
    EXPECT_LIST(f, "consumer1", "topic1-0, topic1-1, topic1-2");
    fx_free(f);
}

Test(assignors, RangeAssignorTest_testOneConsumerMultipleTopics)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 1);
    fx_topic(f, "topic2", 2);
    fx_member(f, "consumer1", NULL, "topic1 topic2", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_RANGE);
    EXPECT_LIST(f, "consumer1", "topic1-0, topic2-0, topic2-1");
    fx_free(f);
}

Test(assignors, RangeAssignorTest_testTwoConsumersOneTopicOnePartition)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 1);
    fx_member(f, "consumer1", NULL, "topic1", NULL, -1);
    fx_member(f, "consumer2", NULL, "topic1", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_RANGE);
    EXPECT_LIST(f, "consumer1", "topic1-0");
    EXPECT_LIST(f, "consumer2", "");
    fx_free(f);
}

Test(assignors, RangeAssignorTest_testTwoConsumersOneTopicTwoPartitions)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 2);
    fx_member(f, "consumer1", NULL, "topic1", NULL, -1);
    fx_member(f, "consumer2", NULL, "topic1", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_RANGE);
    EXPECT_LIST(f, "consumer1", "topic1-0");
    EXPECT_LIST(f, "consumer2", "topic1-1");
    fx_free(f);
}

Test(assignors, RangeAssignorTest_testMultipleConsumersMixedTopics)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 3);
    fx_topic(f, "topic2", 2);
    fx_member(f, "consumer1", NULL, "topic1", NULL, -1);
    fx_member(f, "consumer2", NULL, "topic1 topic2", NULL, -1);
    fx_member(f, "consumer3", NULL, "topic1", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_RANGE);
    EXPECT_SORTED(f, "consumer1", "topic1-0");
    EXPECT_SORTED(f, "consumer2", "topic1-1, topic2-0, topic2-1");
    EXPECT_SORTED(f, "consumer3", "topic1-2");
    fx_free(f);
}

Test(assignors, RangeAssignorTest_testTwoConsumersTwoTopicsSixPartitions)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 3);
    fx_topic(f, "topic2", 3);
    fx_member(f, "consumer1", NULL, "topic1 topic2", NULL, -1);
    fx_member(f, "consumer2", NULL, "topic1 topic2", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_RANGE);
    EXPECT_LIST(f, "consumer1", "topic1-0, topic1-1, topic2-0, topic2-1");
    EXPECT_LIST(f, "consumer2", "topic1-2, topic2-2");
    fx_free(f);
}

Test(assignors, RangeAssignorTest_testTwoStaticConsumersTwoTopicsSixPartitions)
{
    /* consumer-a sorts before consumer-b, but instance ids decide. */
    fixture *f = fx_new();
    fx_topic(f, "topic1", 3);
    fx_topic(f, "topic2", 3);
    fx_member(f, "consumer-b", "instance1", "topic1 topic2", NULL, -1);
    fx_member(f, "consumer-a", "instance2", "topic1 topic2", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_RANGE);
    EXPECT_SORTED(f, "consumer-b", "topic1-0, topic1-1, topic2-0, topic2-1");
    EXPECT_SORTED(f, "consumer-a", "topic1-2, topic2-2");
    fx_free(f);
}

Test(assignors, RangeAssignorTest_testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 3);
    fx_topic(f, "topic2", 3);
    fx_member(f, "consumer-b", "instance1", "topic1 topic2", NULL, -1);
    fx_member(f, "consumer-a", NULL, "topic1 topic2", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_RANGE);
    EXPECT_SORTED(f, "consumer-b", "topic1-0, topic1-1, topic2-0, topic2-1");
    EXPECT_SORTED(f, "consumer-a", "topic1-2, topic2-2");
    fx_free(f);
}

Test(assignors, RangeAssignorTest_testStaticMemberRangeAssignmentPersistent)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 5);
    fx_topic(f, "topic2", 4);
    fx_member(f, "consumer1", "instance1", "topic1 topic2", NULL, -1);
    fx_member(f, "consumer2", "instance2", "topic1 topic2", NULL, -1);
    fx_member(f, "consumer3", "instance3", "topic1 topic2", NULL, -1);
    fx_member(f, "consumer4", NULL, "topic1 topic2", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_RANGE);
    EXPECT_LIST(f, "consumer1", "topic1-0, topic1-1, topic2-0");
    EXPECT_LIST(f, "consumer2", "topic1-2, topic2-1");
    EXPECT_LIST(f, "consumer3", "topic1-3, topic2-2");
    EXPECT_LIST(f, "consumer4", "topic1-4, topic2-3");
    /* Replace dynamic member 4 with a new dynamic member 5: the static ones keep theirs. */
    fixture *g = fx_next(f);
    fx_member(g, "consumer1", "instance1", "topic1 topic2", NULL, -1);
    fx_member(g, "consumer2", "instance2", "topic1 topic2", NULL, -1);
    fx_member(g, "consumer3", "instance3", "topic1 topic2", NULL, -1);
    fx_member(g, "consumer5", NULL, "topic1 topic2", NULL, -1);
    fx_run_ok(g, KASG_STRATEGY_RANGE);
    EXPECT_LIST(g, "consumer1", "topic1-0, topic1-1, topic2-0");
    EXPECT_LIST(g, "consumer2", "topic1-2, topic2-1");
    EXPECT_LIST(g, "consumer3", "topic1-3, topic2-2");
    EXPECT_LIST(g, "consumer5", "topic1-4, topic2-3");
    fx_free(f);
    fx_free(g);
}

Test(assignors, RangeAssignorTest_testStaticMemberRangeAssignmentPersistentAfterMemberIdChanges)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 5);
    fx_topic(f, "topic2", 5);
    fx_member(f, "consumer1", "instance1", "topic1 topic2", NULL, -1);
    fx_member(f, "consumer2", "instance2", "topic1 topic2", NULL, -1);
    fx_member(f, "consumer3", "instance3", "topic1 topic2", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_RANGE);
    EXPECT_SORTED(f, "consumer1", "topic1-0, topic1-1, topic2-0, topic2-1");
    EXPECT_SORTED(f, "consumer2", "topic1-2, topic1-3, topic2-2, topic2-3");
    EXPECT_SORTED(f, "consumer3", "topic1-4, topic2-4");
    /* New member ids (instance3 -> consumer4, instance2 -> consumer5): same per instance. */
    fixture *g = fx_next(f);
    fx_member(g, "consumer1", "instance1", "topic1 topic2", NULL, -1);
    fx_member(g, "consumer5", "instance2", "topic1 topic2", NULL, -1);
    fx_member(g, "consumer4", "instance3", "topic1 topic2", NULL, -1);
    fx_run_ok(g, KASG_STRATEGY_RANGE);
    EXPECT_SORTED(g, "consumer1", "topic1-0, topic1-1, topic2-0, topic2-1");
    EXPECT_SORTED(g, "consumer5", "topic1-2, topic1-3, topic2-2, topic2-3");
    EXPECT_SORTED(g, "consumer4", "topic1-4, topic2-4");
    fx_free(f);
    fx_free(g);
}

/* RangeAssignorTest's rack tests: the expectations where rack-aware logic is not used
 * (verifyNonRackAwareAssignment), members consumer0.. as in verifyRackAssignment. */
static void range_non_rack(const char *const *topics, const uint32_t *counts, uint32_t topic_count,
                           const char *const *subscriptions, const char *const *expected,
                           uint32_t member_count)
{
    fixture *f = fx_new();
    for (uint32_t t = 0; t < topic_count; t++) fx_topic(f, topics[t], counts[t]);
    char id[32];
    for (uint32_t m = 0; m < member_count; m++) {
        snprintf(id, sizeof id, "consumer%u", m);
        fx_member(f, id, NULL, subscriptions[m], NULL, -1);
    }
    fx_run_ok(f, KASG_STRATEGY_RANGE);
    for (uint32_t m = 0; m < member_count; m++) {
        snprintf(id, sizeof id, "consumer%u", m);
        EXPECT_SORTED(f, id, expected[m]);
    }
    fx_free(f);
}

Test(assignors, RangeAssignorTest_testRackAwareAssignmentWithUniformSubscription)
{
    const char *topics[] = {"t1", "t2", "t3"};
    const uint32_t counts[] = {6, 7, 2};
    const char *subs[] = {"t1 t2 t3", "t1 t2 t3", "t1 t2 t3"};
    const char *expected[] = {"t1-0, t1-1, t2-0, t2-1, t2-2, t3-0", "t1-2, t1-3, t2-3, t2-4, t3-1",
                              "t1-4, t1-5, t2-5, t2-6"};
    range_non_rack(topics, counts, 3, subs, expected, 3);
}

Test(assignors, RangeAssignorTest_testRackAwareAssignmentWithNonEqualSubscription)
{
    const char *topics[] = {"t1", "t2", "t3"};
    const uint32_t counts[] = {6, 7, 2};
    const char *subs[] = {"t1 t2 t3", "t1 t2 t3", "t1 t3"};
    const char *expected[] = {"t1-0, t1-1, t2-0, t2-1, t2-2, t2-3, t3-0",
                              "t1-2, t1-3, t2-4, t2-5, t2-6, t3-1", "t1-4, t1-5"};
    range_non_rack(topics, counts, 3, subs, expected, 3);
}

Test(assignors, RangeAssignorTest_testRackAwareAssignmentWithUniformPartitions)
{
    const char *topics[] = {"t1", "t2", "t3"};
    const uint32_t counts[] = {5, 5, 5};
    const char *subs[] = {"t1 t2 t3", "t1 t2 t3", "t1 t2 t3"};
    const char *expected[] = {"t1-0, t1-1, t2-0, t2-1, t3-0, t3-1",
                              "t1-2, t1-3, t2-2, t2-3, t3-2, t3-3", "t1-4, t2-4, t3-4"};
    range_non_rack(topics, counts, 3, subs, expected, 3);
}

Test(assignors, RangeAssignorTest_testRackAwareAssignmentWithUniformPartitionsNonEqualSubscription)
{
    const char *topics[] = {"t1", "t2", "t3"};
    const uint32_t counts[] = {5, 5, 5};
    const char *subs[] = {"t1 t2 t3", "t1 t2 t3", "t1 t3"};
    const char *expected[] = {"t1-0, t1-1, t2-0, t2-1, t2-2, t3-0, t3-1",
                              "t1-2, t1-3, t2-3, t2-4, t3-2, t3-3", "t1-4, t3-4"};
    range_non_rack(topics, counts, 3, subs, expected, 3);
}

Test(assignors, RangeAssignorTest_testRackAwareAssignmentWithCoPartitioning)
{
    const char *topics[] = {"t1", "t2", "t3", "t4"};
    const uint32_t counts[] = {6, 6, 2, 2};
    const char *subs[] = {"t1 t2", "t1 t2", "t3 t4", "t3 t4"};
    const char *expected[] = {"t1-0, t1-1, t1-2, t2-0, t2-1, t2-2",
                              "t1-3, t1-4, t1-5, t2-3, t2-4, t2-5", "t3-0, t4-0", "t3-1, t4-1"};
    range_non_rack(topics, counts, 4, subs, expected, 4);
    const char *all[] = {"t1 t2 t3 t4", "t1 t2 t3 t4", "t1 t2 t3 t4", "t1 t2 t3 t4"};
    const char *expected_all[] = {"t1-0, t1-1, t2-0, t2-1, t3-0, t4-0",
                                  "t1-2, t1-3, t2-2, t2-3, t3-1, t4-1", "t1-4, t2-4", "t1-5, t2-5"};
    range_non_rack(topics, counts, 4, all, expected_all, 4);
}

Test(assignors, RangeAssignorTest_testCoPartitionedAssignmentWithSameSubscription)
{
    /* t7..t9 are subscribed but have no metadata. */
    const char *topics[] = {"t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"};
    const uint32_t counts[] = {6, 6, 2, 2, 4, 4, 0, 0, 0};
    const char *sub = "t1 t2 t3 t4 t5 t6 t7 t8 t9";
    const char *subs[] = {sub, sub, sub};
    const char *expected[] = {"t1-0, t1-1, t2-0, t2-1, t3-0, t4-0, t5-0, t5-1, t6-0, t6-1",
                              "t1-2, t1-3, t2-2, t2-3, t3-1, t4-1, t5-2, t6-2",
                              "t1-4, t1-5, t2-4, t2-5, t5-3, t6-3"};
    range_non_rack(topics, counts, 9, subs, expected, 3);
}

Test(assignors, range_lists_follow_the_leaders_topic_map_order)
{
    /* Kafka walks partitionsPerTopic, a HashMap: "topic" (bucket 9) comes after "topic1"
     * (bucket 0) and "topic2" (bucket 1), not in name order. */
    fixture *f = fx_new();
    fx_topic(f, "topic", 2);
    fx_topic(f, "topic1", 2);
    fx_topic(f, "topic2", 2);
    fx_member(f, "consumer1", NULL, "topic topic1 topic2", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_RANGE);
    EXPECT_LIST(f, "consumer1", "topic1-0, topic1-1, topic2-0, topic2-1, topic-0, topic-1");
    fx_free(f);
}

/* =================================================================================
 * RoundRobinAssignorTest (Kafka compares these lists in order)
 * ================================================================================= */

Test(assignors, RoundRobinAssignorTest_testOneConsumerNoTopic)
{
    fixture *f = fx_new();
    fx_member(f, "consumer", NULL, "", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_ROUNDROBIN);
    EXPECT_LIST(f, "consumer", "");
    fx_free(f);
}

Test(assignors, RoundRobinAssignorTest_testOneConsumerNonexistentTopic)
{
    fixture *f = fx_new();
    fx_topic(f, "topic", 0);
    fx_member(f, "consumer", NULL, "topic", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_ROUNDROBIN);
    EXPECT_LIST(f, "consumer", "");
    fx_free(f);
}

Test(assignors, RoundRobinAssignorTest_testOneConsumerOneTopic)
{
    fixture *f = fx_new();
    fx_topic(f, "topic", 3);
    fx_member(f, "consumer", NULL, "topic", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_ROUNDROBIN);
    EXPECT_LIST(f, "consumer", "topic-0, topic-1, topic-2");
    fx_free(f);
}

Test(assignors, RoundRobinAssignorTest_testOnlyAssignsPartitionsFromSubscribedTopics)
{
    fixture *f = fx_new();
    fx_topic(f, "topic", 3);
    fx_topic(f, "other", 3);
    fx_member(f, "consumer", NULL, "topic", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_ROUNDROBIN);
    EXPECT_LIST(f, "consumer", "topic-0, topic-1, topic-2");
    fx_free(f);
}

Test(assignors, RoundRobinAssignorTest_testOneConsumerMultipleTopics)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 1);
    fx_topic(f, "topic2", 2);
    fx_member(f, "consumer", NULL, "topic1 topic2", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_ROUNDROBIN);
    EXPECT_LIST(f, "consumer", "topic1-0, topic2-0, topic2-1");
    fx_free(f);
}

Test(assignors, RoundRobinAssignorTest_testTwoConsumersOneTopicOnePartition)
{
    fixture *f = fx_new();
    fx_topic(f, "topic", 1);
    fx_member(f, "consumer1", NULL, "topic", NULL, -1);
    fx_member(f, "consumer2", NULL, "topic", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_ROUNDROBIN);
    EXPECT_LIST(f, "consumer1", "topic-0");
    EXPECT_LIST(f, "consumer2", "");
    fx_free(f);
}

Test(assignors, RoundRobinAssignorTest_testTwoConsumersOneTopicTwoPartitions)
{
    fixture *f = fx_new();
    fx_topic(f, "topic", 2);
    fx_member(f, "consumer1", NULL, "topic", NULL, -1);
    fx_member(f, "consumer2", NULL, "topic", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_ROUNDROBIN);
    EXPECT_LIST(f, "consumer1", "topic-0");
    EXPECT_LIST(f, "consumer2", "topic-1");
    fx_free(f);
}

Test(assignors, RoundRobinAssignorTest_testMultipleConsumersMixedTopics)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 3);
    fx_topic(f, "topic2", 2);
    fx_member(f, "consumer1", NULL, "topic1", NULL, -1);
    fx_member(f, "consumer2", NULL, "topic1 topic2", NULL, -1);
    fx_member(f, "consumer3", NULL, "topic1", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_ROUNDROBIN);
    EXPECT_LIST(f, "consumer1", "topic1-0");
    EXPECT_LIST(f, "consumer2", "topic1-1, topic2-0, topic2-1");
    EXPECT_LIST(f, "consumer3", "topic1-2");
    fx_free(f);
}

Test(assignors, RoundRobinAssignorTest_testTwoDynamicConsumersTwoTopicsSixPartitions)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 3);
    fx_topic(f, "topic2", 3);
    fx_member(f, "consumer1", NULL, "topic1 topic2", NULL, -1);
    fx_member(f, "consumer2", NULL, "topic1 topic2", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_ROUNDROBIN);
    EXPECT_LIST(f, "consumer1", "topic1-0, topic1-2, topic2-1");
    EXPECT_LIST(f, "consumer2", "topic1-1, topic2-0, topic2-2");
    fx_free(f);
}

Test(assignors, RoundRobinAssignorTest_testTwoStaticConsumersTwoTopicsSixPartitions)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 3);
    fx_topic(f, "topic2", 3);
    fx_member(f, "consumer-b", "instance1", "topic1 topic2", NULL, -1);
    fx_member(f, "consumer-a", "instance2", "topic1 topic2", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_ROUNDROBIN);
    EXPECT_LIST(f, "consumer-b", "topic1-0, topic1-2, topic2-1");
    EXPECT_LIST(f, "consumer-a", "topic1-1, topic2-0, topic2-2");
    fx_free(f);
}

Test(assignors,
     RoundRobinAssignorTest_testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 3);
    fx_topic(f, "topic2", 3);
    fx_member(f, "consumer-b", "instance1", "topic1 topic2", NULL, -1);
    fx_member(f, "consumer-a", NULL, "topic1 topic2", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_ROUNDROBIN);
    EXPECT_LIST(f, "consumer-b", "topic1-0, topic1-2, topic2-1");
    EXPECT_LIST(f, "consumer-a", "topic1-1, topic2-0, topic2-2");
    fx_free(f);
}

Test(assignors, RoundRobinAssignorTest_testStaticMemberRoundRobinAssignmentPersistent)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 3);
    fx_topic(f, "topic2", 3);
    fx_member(f, "consumer1", "instance1", "topic1 topic2", NULL, -1);
    fx_member(f, "consumer2", "instance2", "topic1 topic2", NULL, -1);
    fx_member(f, "consumer3", "instance3", "topic1 topic2", NULL, -1);
    fx_member(f, "consumer4", NULL, "topic1 topic2", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_ROUNDROBIN);
    EXPECT_LIST(f, "consumer1", "topic1-0, topic2-1");
    EXPECT_LIST(f, "consumer2", "topic1-1, topic2-2");
    EXPECT_LIST(f, "consumer3", "topic1-2");
    EXPECT_LIST(f, "consumer4", "topic2-0");
    fixture *g = fx_next(f);
    fx_member(g, "consumer1", "instance1", "topic1 topic2", NULL, -1);
    fx_member(g, "consumer2", "instance2", "topic1 topic2", NULL, -1);
    fx_member(g, "consumer3", "instance3", "topic1 topic2", NULL, -1);
    fx_member(g, "consumer5", NULL, "topic1 topic2", NULL, -1);
    fx_run_ok(g, KASG_STRATEGY_ROUNDROBIN);
    EXPECT_LIST(g, "consumer1", "topic1-0, topic2-1");
    EXPECT_LIST(g, "consumer2", "topic1-1, topic2-2");
    EXPECT_LIST(g, "consumer3", "topic1-2");
    EXPECT_LIST(g, "consumer5", "topic2-0");
    fx_free(f);
    fx_free(g);
}

Test(assignors,
     RoundRobinAssignorTest_testStaticMemberRoundRobinAssignmentPersistentAfterMemberIdChanges)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 5);
    fx_topic(f, "topic2", 5);
    fx_member(f, "consumer1", "instance1", "topic1 topic2", NULL, -1);
    fx_member(f, "consumer2", "instance2", "topic1 topic2", NULL, -1);
    fx_member(f, "consumer3", "instance3", "topic1 topic2", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_ROUNDROBIN);
    EXPECT_LIST(f, "consumer1", "topic1-0, topic1-3, topic2-1, topic2-4");
    EXPECT_LIST(f, "consumer2", "topic1-1, topic1-4, topic2-2");
    EXPECT_LIST(f, "consumer3", "topic1-2, topic2-0, topic2-3");
    fixture *g = fx_next(f);
    fx_member(g, "consumer1", "instance1", "topic1 topic2", NULL, -1);
    fx_member(g, "consumer5", "instance2", "topic1 topic2", NULL, -1);
    fx_member(g, "consumer4", "instance3", "topic1 topic2", NULL, -1);
    fx_run_ok(g, KASG_STRATEGY_ROUNDROBIN);
    EXPECT_LIST(g, "consumer1", "topic1-0, topic1-3, topic2-1, topic2-4");
    EXPECT_LIST(g, "consumer5", "topic1-1, topic1-4, topic2-2");
    EXPECT_LIST(g, "consumer4", "topic1-2, topic2-0, topic2-3");
    fx_free(f);
    fx_free(g);
}

/* =================================================================================
 * AbstractStickyAssignorTest (both sticky assignors; generationId = 1 as in Kafka)
 * ================================================================================= */

Test(assignors, AbstractStickyAssignorTest_testOneConsumerNoTopic)
{
    for (int k = 0; k < 2; k++) {
        fixture *f = fx_new();
        fx_member(f, "consumer", NULL, "", NULL, -1);
        fx_run_ok(f, sticky_kinds[k]);
        EXPECT_LIST(f, "consumer", "");
        cr_assert_eq(f->result.withheld_count, 0);
        fx_free(f);
    }
}

Test(assignors, AbstractStickyAssignorTest_testOneConsumerNonexistentTopic)
{
    for (int k = 0; k < 2; k++) {
        fixture *f = fx_new();
        fx_topic(f, "topic", 0);
        fx_member(f, "consumer", NULL, "topic", NULL, -1);
        fx_run_ok(f, sticky_kinds[k]);
        EXPECT_LIST(f, "consumer", "");
        fx_free(f);
    }
}

Test(assignors, AbstractStickyAssignorTest_testOneConsumerOneTopic)
{
    for (int k = 0; k < 2; k++) {
        fixture *f = fx_new();
        fx_topic(f, "topic", 3);
        fx_member(f, "consumer", NULL, "topic", NULL, -1);
        fx_run_ok(f, sticky_kinds[k]);
        EXPECT_LIST(f, "consumer", "topic-0, topic-1, topic-2");
        cr_assert_eq(f->result.path, KASG_PATH_CONSTRAINED);
        fx_free(f);
    }
}

Test(assignors, AbstractStickyAssignorTest_testOnlyAssignsPartitionsFromSubscribedTopics)
{
    for (int k = 0; k < 2; k++) {
        fixture *f = fx_new();
        fx_topic(f, "topic", 2);
        fx_topic(f, "other", 0); /* owned, but gone from the metadata */
        fx_member(f, "consumer", NULL, "topic", "topic-0 topic-1 other-0 other-1", 1);
        fx_run_ok(f, sticky_kinds[k]);
        EXPECT_LIST(f, "consumer", "topic-0, topic-1");
        cr_assert_eq(f->result.withheld_count, 0);
        if (sticky_kinds[k] == KASG_STRATEGY_COOPERATIVE_STICKY) {
            cr_assert_str_eq(fx_revoked(f, "consumer"), "other-0, other-1");
        }
        fx_free(f);
    }
}

Test(assignors, AbstractStickyAssignorTest_testOneConsumerMultipleTopics)
{
    for (int k = 0; k < 2; k++) {
        fixture *f = fx_new();
        fx_topic(f, "topic1", 1);
        fx_topic(f, "topic2", 2);
        fx_member(f, "consumer", NULL, "topic1 topic2", NULL, -1);
        fx_run_ok(f, sticky_kinds[k]);
        EXPECT_LIST(f, "consumer", "topic1-0, topic2-0, topic2-1");
        fx_free(f);
    }
}

Test(assignors, AbstractStickyAssignorTest_testTwoConsumersOneTopicTwoPartitions)
{
    for (int k = 0; k < 2; k++) {
        fixture *f = fx_new();
        fx_topic(f, "topic", 2);
        fx_member(f, "consumer1", NULL, "topic", NULL, -1);
        fx_member(f, "consumer2", NULL, "topic", NULL, -1);
        fx_run_ok(f, sticky_kinds[k]);
        EXPECT_LIST(f, "consumer1", "topic-0");
        EXPECT_LIST(f, "consumer2", "topic-1");
        fx_free(f);
    }
}

Test(assignors, AbstractStickyAssignorTest_testMultipleConsumersMixedTopicSubscriptions)
{
    for (int k = 0; k < 2; k++) {
        fixture *f = fx_new();
        fx_topic(f, "topic1", 3);
        fx_topic(f, "topic2", 2);
        fx_member(f, "consumer1", NULL, "topic1", NULL, -1);
        fx_member(f, "consumer2", NULL, "topic1 topic2", NULL, -1);
        fx_member(f, "consumer3", NULL, "topic1", NULL, -1);
        fx_run_ok(f, sticky_kinds[k]);
        cr_assert_eq(f->result.path, KASG_PATH_GENERAL);
        EXPECT_LIST(f, "consumer1", "topic1-0, topic1-2");
        EXPECT_LIST(f, "consumer2", "topic2-0, topic2-1");
        EXPECT_LIST(f, "consumer3", "topic1-1");
        fx_check_valid(f, false);
        fx_free(f);
    }
}

Test(assignors, AbstractStickyAssignorTest_testTwoConsumersTwoTopicsSixPartitions)
{
    for (int k = 0; k < 2; k++) {
        fixture *f = fx_new();
        fx_topic(f, "topic1", 3);
        fx_topic(f, "topic2", 3);
        fx_member(f, "consumer1", NULL, "topic1 topic2", NULL, -1);
        fx_member(f, "consumer2", NULL, "topic1 topic2", NULL, -1);
        fx_run_ok(f, sticky_kinds[k]);
        EXPECT_LIST(f, "consumer1", "topic1-0, topic1-2, topic2-1");
        EXPECT_LIST(f, "consumer2", "topic1-1, topic2-0, topic2-2");
        fx_free(f);
    }
}

Test(assignors, AbstractStickyAssignorTest_testConsumerOwningMinQuotaExpectedMaxQuota)
{
    for (int k = 0; k < 2; k++) {
        fixture *f = fx_new();
        fx_topic(f, "topic1", 2);
        fx_topic(f, "topic2", 3);
        fx_member(f, "consumer1", NULL, "topic1 topic2", "topic1-0 topic2-1", 1);
        fx_member(f, "consumer2", NULL, "topic1 topic2", "topic1-1 topic2-2", 1);
        fx_run_ok(f, sticky_kinds[k]);
        EXPECT_LIST(f, "consumer1", "topic1-0, topic2-1, topic2-0");
        EXPECT_LIST(f, "consumer2", "topic1-1, topic2-2");
        cr_assert_eq(f->result.withheld_count, 0);
        fx_free(f);
    }
}

Test(assignors,
     AbstractStickyAssignorTest_testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers)
{
    /* Which of consumer1 and consumer2 keeps 2 depends on Java's HashMap order of the
     * members: consumer2 (bucket 11) is visited before consumer1 (bucket 12). */
    fixture *f = fx_new();
    fx_topic(f, "topic1", 2);
    fx_topic(f, "topic2", 2);
    fx_member(f, "consumer1", NULL, "topic1 topic2", "topic1-0 topic2-0", 1);
    fx_member(f, "consumer2", NULL, "topic1 topic2", "topic1-1 topic2-1", 1);
    fx_member(f, "consumer3", NULL, "topic1 topic2", NULL, 1);
    fx_run_ok(f, KASG_STRATEGY_STICKY);
    EXPECT_LIST(f, "consumer1", "topic1-0");
    EXPECT_LIST(f, "consumer2", "topic1-1, topic2-1");
    EXPECT_LIST(f, "consumer3", "topic2-0");
    /* Cooperative: topic2-0 transfers from consumer1 to consumer3, so it waits a round. */
    fx_run_ok(f, KASG_STRATEGY_COOPERATIVE_STICKY);
    EXPECT_LIST(f, "consumer3", "");
    cr_assert_str_eq(fx_revoked(f, "consumer1"), "topic2-0");
    cr_assert_eq(f->result.withheld_count, 1);
    f = fx_settle_cooperative(f, 2);
    EXPECT_LIST(f, "consumer3", "topic2-0");
    fx_free(f);
}

Test(assignors, AbstractStickyAssignorTest_testAllConsumersAreUnderMinQuota)
{
    for (int k = 0; k < 2; k++) {
        fixture *f = fx_new();
        fx_topic(f, "topic1", 2);
        fx_topic(f, "topic2", 3);
        fx_member(f, "consumer1", NULL, "topic1 topic2", "topic1-0", 1);
        fx_member(f, "consumer2", NULL, "topic1 topic2", "topic1-1", 1);
        fx_member(f, "consumer3", NULL, "topic1 topic2", NULL, 1);
        fx_run_ok(f, sticky_kinds[k]);
        EXPECT_LIST(f, "consumer1", "topic1-0, topic2-1");
        EXPECT_LIST(f, "consumer2", "topic1-1, topic2-2");
        EXPECT_LIST(f, "consumer3", "topic2-0");
        cr_assert_eq(f->result.withheld_count, 0);
        fx_free(f);
    }
}

Test(assignors, AbstractStickyAssignorTest_testAddRemoveConsumerOneTopic)
{
    fixture *f = fx_new();
    fx_topic(f, "topic", 3);
    fx_member(f, "consumer1", NULL, "topic", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_STICKY);
    EXPECT_LIST(f, "consumer1", "topic-0, topic-1, topic-2");
    fixture *g = fx_next(f);
    fx_follow(g, f, "consumer1", NULL, "topic", 1);
    fx_member(g, "consumer2", NULL, "topic", NULL, 1);
    fx_run_ok(g, KASG_STRATEGY_STICKY);
    EXPECT_LIST(g, "consumer1", "topic-0, topic-1");
    EXPECT_LIST(g, "consumer2", "topic-2");
    fixture *h = fx_next(g);
    fx_follow(h, g, "consumer2", NULL, "topic", 1);
    fx_run_ok(h, KASG_STRATEGY_STICKY);
    EXPECT_SORTED(h, "consumer2", "topic-0, topic-1, topic-2");
    EXPECT_LIST(h, "consumer2", "topic-2, topic-0, topic-1"); /* owned first */
    fx_free(f);
    fx_free(g);
    fx_free(h);
}

Test(assignors, AbstractStickyAssignorTest_testTopicBalanceAfterReassignment)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 12);
    fx_topic(f, "topic2", 12);
    fx_member(f, "consumer1", NULL, "topic1 topic2", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_STICKY);
    cr_assert_eq(fx_count(f, "consumer1"), 24);
    fixture *g = fx_next(f);
    fx_follow(g, f, "consumer1", NULL, "topic1 topic2", 1);
    fx_member(g, "consumer2", NULL, "topic1 topic2", NULL, 1);
    fx_run_ok(g, KASG_STRATEGY_STICKY);
    /* Kafka checks 6 partitions of each topic per member. */
    EXPECT_SORTED(g, "consumer1",
                  "topic1-0, topic1-1, topic1-2, topic1-3, topic1-4, topic1-5, topic2-0, "
                  "topic2-1, topic2-2, topic2-3, topic2-4, topic2-5");
    EXPECT_SORTED(g, "consumer2",
                  "topic1-10, topic1-11, topic1-6, topic1-7, topic1-8, topic1-9, topic2-10, "
                  "topic2-11, topic2-6, topic2-7, topic2-8, topic2-9");
    fx_check_valid(g, false);
    fx_free(f);
    fx_free(g);
}

Test(assignors, AbstractStickyAssignorTest_testAddRemoveTwoConsumersTwoTopics)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 3);
    fx_topic(f, "topic2", 4);
    fx_member(f, "consumer1", NULL, "topic1 topic2", NULL, -1);
    fx_member(f, "consumer2", NULL, "topic1 topic2", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_STICKY);
    EXPECT_LIST(f, "consumer1", "topic1-0, topic1-2, topic2-1, topic2-3");
    EXPECT_LIST(f, "consumer2", "topic1-1, topic2-0, topic2-2");
    /* Add two consumers: topic1-2, topic2-3 (to consumer3) and topic2-2 (to consumer4)
     * transfer ownership. */
    fixture *g = fx_next(f);
    fx_follow(g, f, "consumer1", NULL, "topic1 topic2", 1);
    fx_follow(g, f, "consumer2", NULL, "topic1 topic2", 1);
    fx_member(g, "consumer3", NULL, "topic1 topic2", NULL, 1);
    fx_member(g, "consumer4", NULL, "topic1 topic2", NULL, 1);
    fx_run_ok(g, KASG_STRATEGY_STICKY);
    EXPECT_LIST(g, "consumer1", "topic1-0, topic2-1");
    EXPECT_LIST(g, "consumer2", "topic2-0, topic1-1");
    EXPECT_LIST(g, "consumer3", "topic1-2, topic2-3");
    EXPECT_LIST(g, "consumer4", "topic2-2");
    fx_run_ok(g, KASG_STRATEGY_COOPERATIVE_STICKY);
    cr_assert_eq(g->result.withheld_count, 3);
    EXPECT_LIST(g, "consumer3", "");
    EXPECT_LIST(g, "consumer4", "");
    cr_assert_str_eq(fx_revoked(g, "consumer1"), "topic1-2, topic2-3");
    cr_assert_str_eq(fx_revoked(g, "consumer2"), "topic2-2");
    /* Remove two consumers (from the sticky round). */
    fx_run_ok(g, KASG_STRATEGY_STICKY);
    fixture *h = fx_next(g);
    fx_follow(h, g, "consumer3", NULL, "topic1 topic2", 1);
    fx_follow(h, g, "consumer4", NULL, "topic1 topic2", 1);
    fx_run_ok(h, KASG_STRATEGY_STICKY);
    EXPECT_LIST(h, "consumer3", "topic1-2, topic2-3, topic1-0, topic2-1");
    EXPECT_LIST(h, "consumer4", "topic2-2, topic1-1, topic2-0");
    fx_free(f);
    fx_free(g);
    fx_free(h);
}

Test(assignors, AbstractStickyAssignorTest_testPoorRoundRobinAssignmentScenario)
{
    for (int k = 0; k < 2; k++) {
        fixture *f = fx_new();
        for (uint32_t i = 1; i <= 5; i++) {
            char name[16];
            snprintf(name, sizeof name, "topic%u", i);
            fx_topic(f, name, (i % 2) + 1);
        }
        fx_member(f, "consumer1", NULL, "topic1 topic2 topic3 topic4 topic5", NULL, -1);
        fx_member(f, "consumer2", NULL, "topic1 topic3 topic5", NULL, -1);
        fx_member(f, "consumer3", NULL, "topic1 topic3 topic5", NULL, -1);
        fx_member(f, "consumer4", NULL, "topic1 topic2 topic3 topic4 topic5", NULL, -1);
        fx_run_ok(f, sticky_kinds[k]);
        fx_check_valid(f, false);
        cr_assert(fx_fully_balanced(f));
        fx_free(f);
    }
}

Test(assignors, AbstractStickyAssignorTest_testAddRemoveTopicTwoConsumers)
{
    fixture *f = fx_new();
    fx_topic(f, "topic", 3);
    fx_topic(f, "topic2", 3);
    fx_member(f, "consumer1", NULL, "topic", NULL, -1);
    fx_member(f, "consumer2", NULL, "topic", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_STICKY);
    const uint32_t c1 = fx_count(f, "consumer1"), c2 = fx_count(f, "consumer2");
    cr_assert((c1 == 1 && c2 == 2) || (c1 == 2 && c2 == 1));
    char first1[256], first2[256];
    snprintf(first1, sizeof first1, "%s", fx_list(f, "consumer1"));
    snprintf(first2, sizeof first2, "%s", fx_list(f, "consumer2"));
    /* Add topic2: each keeps what it had and gets 3 in all. */
    fixture *g = fx_next(f);
    fx_follow(g, f, "consumer1", NULL, "topic topic2", 1);
    fx_follow(g, f, "consumer2", NULL, "topic topic2", 1);
    fx_run_ok(g, KASG_STRATEGY_STICKY);
    cr_assert_eq(fx_count(g, "consumer1"), 3);
    cr_assert_eq(fx_count(g, "consumer2"), 3);
    cr_assert(strncmp(fx_list(g, "consumer1"), first1, strlen(first1)) == 0);
    cr_assert(strncmp(fx_list(g, "consumer2"), first2, strlen(first2)) == 0);
    /* Remove topic: what is left is a subset of what each had. */
    fixture *h = fx_new();
    fx_topic(h, "topic", 0);
    fx_topic(h, "topic2", 3);
    char owned1[256], owned2[256];
    snprintf(owned1, sizeof owned1, "%s", fx_list(g, "consumer1"));
    snprintf(owned2, sizeof owned2, "%s", fx_list(g, "consumer2"));
    fx_member(h, "consumer1", NULL, "topic2", owned1, 1);
    fx_member(h, "consumer2", NULL, "topic2", owned2, 1);
    fx_run_ok(h, KASG_STRATEGY_STICKY);
    fx_check_valid(h, false);
    for (uint32_t m = 0; m < 2; m++) {
        const kasg_member_result *r = &h->result.members[m];
        for (uint32_t i = 0; i < r->assigned_count; i++) {
            char item[32];
            snprintf(item, sizeof item, "topic2-%d", r->assigned[i].partition);
            cr_assert_not_null(strstr(m == 0 ? owned1 : owned2, item));
        }
    }
    fx_free(f);
    fx_free(g);
    fx_free(h);
}

/* getTopicName / getConsumerName: "t" or "c" and a zero-padded number. */
static void canonical(char *out, size_t size, const char *prefix, uint32_t i, uint32_t max)
{
    int width = 1;
    for (uint32_t v = max; v >= 10; v /= 10) width++;
    const int n = snprintf(out, size, "%s%0*u", prefix, width, i);
    cr_assert(n > 0 && (size_t)n < size);
}

Test(assignors, AbstractStickyAssignorTest_testReassignmentAfterOneConsumerLeaves)
{
    fixture *f = fx_new();
    char name[16], subs[20][256];
    for (uint32_t i = 1; i < 20; i++) {
        canonical(name, sizeof name, "t", i, 20);
        fx_topic(f, name, i);
    }
    for (uint32_t i = 1; i < 20; i++) {
        subs[i][0] = '\0';
        for (uint32_t j = 1; j <= i; j++) {
            canonical(name, sizeof name, "t", j, 20);
            strcat(subs[i], name);
            strcat(subs[i], " ");
        }
        canonical(name, sizeof name, "c", i, 20);
        fx_member(f, name, NULL, subs[i], NULL, -1);
    }
    fx_run_ok(f, KASG_STRATEGY_STICKY);
    fx_check_valid(f, false);
    fixture *g = fx_next(f);
    for (uint32_t i = 1; i < 20; i++) {
        canonical(name, sizeof name, "c", i, 20);
        if (i != 10) fx_follow(g, f, name, NULL, subs[i], 1); /* consumer10 leaves */
    }
    fx_run_ok(g, KASG_STRATEGY_STICKY);
    fx_check_valid(g, false);
    /* Stickiness: nobody lost a partition it had (only c10's partitions moved). */
    for (uint32_t m = 0; m < g->in.member_count; m++) {
        const kasg_member *member = &g->members[m];
        const kasg_member_result *r = &g->result.members[m];
        for (uint32_t i = 0; i < member->owned_count; i++) {
            bool kept = false;
            for (uint32_t j = 0; j < r->assigned_count && !kept; j++) {
                kept = r->assigned[j].topic_index == member->owned[i].topic_index &&
                       r->assigned[j].partition == member->owned[i].partition;
            }
            cr_assert(kept, "%s lost a partition", g->member_ids[m]);
        }
    }
    fx_free(f);
    fx_free(g);
}

Test(assignors, AbstractStickyAssignorTest_testStickiness)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 3);
    fx_member(f, "consumer1", NULL, "topic1", NULL, -1);
    fx_member(f, "consumer2", NULL, "topic1", NULL, -1);
    fx_member(f, "consumer3", NULL, "topic1", NULL, -1);
    fx_member(f, "consumer4", NULL, "topic1", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_STICKY);
    for (uint32_t m = 0; m < 4; m++) cr_assert_leq(f->result.members[m].assigned_count, 1);
    /* Remove the potential group leader: the others keep their partition. */
    fixture *g = fx_next(f);
    fx_follow(g, f, "consumer2", NULL, "topic1", 1);
    fx_follow(g, f, "consumer3", NULL, "topic1", 1);
    fx_follow(g, f, "consumer4", NULL, "topic1", 1);
    fx_run_ok(g, KASG_STRATEGY_STICKY);
    const char *ids[] = {"consumer2", "consumer3", "consumer4"};
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(fx_count(g, ids[i]), 1);
        char before[64];
        snprintf(before, sizeof before, "%s", fx_list(f, ids[i]));
        if (before[0] != '\0') cr_assert_str_eq(fx_list(g, ids[i]), before);
    }
    fx_free(f);
    fx_free(g);
}

Test(assignors, AbstractStickyAssignorTest_testAssignmentUpdatedForDeletedTopic)
{
    for (int k = 0; k < 2; k++) {
        fixture *f = fx_new();
        fx_topic(f, "topic1", 1);
        fx_topic(f, "topic2", 0);
        fx_topic(f, "topic3", 100);
        fx_member(f, "consumer", NULL, "topic1 topic2 topic3", NULL, -1);
        fx_run_ok(f, sticky_kinds[k]);
        cr_assert_eq(fx_count(f, "consumer"), 101);
        fx_free(f);
    }
}

Test(assignors, AbstractStickyAssignorTest_testNoExceptionThrownWhenOnlySubscribedTopicDeleted)
{
    for (int k = 0; k < 2; k++) {
        fixture *f = fx_new();
        fx_topic(f, "topic", 0);
        fx_member(f, "consumer", NULL, "topic", "topic-0 topic-1 topic-2", 1);
        fx_run_ok(f, sticky_kinds[k]);
        EXPECT_LIST(f, "consumer", "");
        fx_free(f);
    }
}

Test(assignors, AbstractStickyAssignorTest_testAllConsumersReachExpectedQuotaAndAreConsideredFilled)
{
    for (int k = 0; k < 2; k++) {
        fixture *f = fx_new();
        fx_topic(f, "topic", 4);
        fx_member(f, "consumer1", NULL, "topic", "topic-0 topic-1", 1);
        fx_member(f, "consumer2", NULL, "topic", "topic-2", 1);
        fx_member(f, "consumer3", NULL, "topic", NULL, 1);
        fx_run_ok(f, sticky_kinds[k]);
        EXPECT_LIST(f, "consumer1", "topic-0, topic-1");
        EXPECT_LIST(f, "consumer2", "topic-2");
        EXPECT_LIST(f, "consumer3", "topic-3");
        cr_assert_eq(f->result.withheld_count, 0);
        fx_free(f);
    }
}

static void stale_owner_case(int32_t second_generation)
{
    for (int k = 0; k < 2; k++) {
        fixture *f = fx_new();
        fx_topic(f, "topic", 3);
        fx_topic(f, "topic2", 3);
        fx_member(f, "consumer1", NULL, "topic topic2", "topic-0 topic-2 topic2-1", 10);
        fx_member(f, "consumer2", NULL, "topic topic2", "topic-0 topic-2 topic2-1",
                  second_generation);
        fx_run_ok(f, sticky_kinds[k]);
        EXPECT_SORTED(f, "consumer1", "topic-0, topic-2, topic2-1");
        EXPECT_SORTED(f, "consumer2", "topic-1, topic2-0, topic2-2");
        cr_assert_eq(f->result.withheld_count, 0);
        fx_free(f);
    }
}

Test(assignors,
     AbstractStickyAssignorTest_testOwnedPartitionsAreInvalidatedForConsumerWithStaleGeneration)
{
    stale_owner_case(9);
}

Test(assignors,
     AbstractStickyAssignorTest_testOwnedPartitionsAreInvalidatedForConsumerWithNoGeneration)
{
    stale_owner_case(-1);
}

Test(
    assignors,
    AbstractStickyAssignorTest_testPartitionsTransferringOwnershipIncludeThePartitionClaimedByMultipleConsumersInSameGeneration)
{
    fixture *f = fx_new();
    fx_topic(f, "topic", 3);
    fx_member(f, "consumer1", NULL, "topic", "topic-0 topic-1", 1);
    fx_member(f, "consumer2", NULL, "topic", "topic-0 topic-2", 1);
    fx_member(f, "consumer3", NULL, "topic", NULL, 1);
    fx_run_ok(f, KASG_STRATEGY_STICKY);
    EXPECT_LIST(f, "consumer1", "topic-1");
    EXPECT_LIST(f, "consumer2", "topic-2");
    EXPECT_LIST(f, "consumer3", "topic-0");
    fx_free(f);
}

Test(assignors, AbstractStickyAssignorTest_testEnsurePartitionsAssignedToHighestGeneration)
{
    for (int k = 0; k < 2; k++) {
        fixture *f = fx_new();
        fx_topic(f, "topic", 3);
        fx_topic(f, "topic2", 3);
        fx_topic(f, "topic3", 3);
        const char *all = "topic topic2 topic3";
        fx_member(f, "consumer1", NULL, all, "topic-0 topic2-0 topic3-0", 10);
        fx_member(f, "consumer2", NULL, all, "topic-1 topic2-1 topic3-1", 9);
        fx_member(f, "consumer3", NULL, all, "topic2-1 topic3-0 topic3-2", 8);
        fx_run_ok(f, sticky_kinds[k]);
        EXPECT_SORTED(f, "consumer1", "topic-0, topic2-0, topic3-0");
        EXPECT_SORTED(f, "consumer2", "topic-1, topic2-1, topic3-1");
        EXPECT_SORTED(f, "consumer3", "topic-2, topic2-2, topic3-2");
        cr_assert_eq(f->result.withheld_count, 0);
        fx_free(f);
    }
}

Test(assignors, AbstractStickyAssignorTest_testNoReassignmentOnCurrentMembers)
{
    for (int k = 0; k < 2; k++) {
        fixture *f = fx_new();
        fx_topic(f, "topic", 3);
        fx_topic(f, "topic1", 3);
        fx_topic(f, "topic2", 3);
        fx_topic(f, "topic3", 3);
        const char *all = "topic topic2 topic3 topic1";
        fx_member(f, "consumer1", NULL, all, NULL, -1);
        fx_member(f, "consumer2", NULL, all, "topic-0 topic2-0 topic1-0", 9);
        fx_member(f, "consumer3", NULL, all, "topic3-2 topic2-2 topic1-1", 8);
        fx_member(f, "consumer4", NULL, all, "topic3-1 topic-1 topic-2", 7);
        fx_run_ok(f, sticky_kinds[k]);
        EXPECT_SORTED(f, "consumer1", "topic1-2, topic2-1, topic3-0");
        cr_assert_eq(f->result.withheld_count, 0);
        fx_check_valid(f, false);
        fx_free(f);
    }
}

Test(assignors,
     AbstractStickyAssignorTest_testOwnedPartitionsAreInvalidatedForConsumerWithMultipleGeneration)
{
    for (int k = 0; k < 2; k++) {
        fixture *f = fx_new();
        fx_topic(f, "topic", 3);
        fx_topic(f, "topic2", 3);
        fx_member(f, "consumer1", NULL, "topic topic2", "topic-0 topic2-1 topic-1", 10);
        fx_member(f, "consumer2", NULL, "topic topic2", "topic-0 topic2-1 topic2-2", 8);
        fx_run_ok(f, sticky_kinds[k]);
        EXPECT_SORTED(f, "consumer1", "topic-0, topic-1, topic2-1");
        EXPECT_SORTED(f, "consumer2", "topic-2, topic2-0, topic2-2");
        cr_assert_eq(f->result.withheld_count, 0);
        fx_free(f);
    }
}

Test(assignors, AbstractStickyAssignorTest_testRackAwareAssignmentWithUniformSubscription)
{
    /* The expectation without rack awareness, fresh and then with owned = the result. */
    for (int k = 0; k < 2; k++) {
        const char *expected[] = {"t1-0, t1-3, t2-0, t2-3, t2-6", "t1-1, t1-4, t2-1, t2-4, t3-0",
                                  "t1-2, t1-5, t2-2, t2-5, t3-1"};
        for (int round = 0; round < 2; round++) {
            fixture *f = fx_new();
            fx_topic(f, "t1", 6);
            fx_topic(f, "t2", 7);
            fx_topic(f, "t3", 2);
            fx_member(f, "consumer0", NULL, "t1 t2 t3", round ? expected[0] : NULL, -1);
            fx_member(f, "consumer1", NULL, "t1 t2 t3", round ? expected[1] : NULL, -1);
            fx_member(f, "consumer2", NULL, "t1 t2 t3", round ? expected[2] : NULL, -1);
            fx_run_ok(f, sticky_kinds[k]);
            EXPECT_SORTED(f, "consumer0", expected[0]);
            EXPECT_SORTED(f, "consumer1", expected[1]);
            EXPECT_SORTED(f, "consumer2", expected[2]);
            fx_free(f);
        }
    }
}

Test(assignors, AbstractStickyAssignorTest_testRackAwareAssignmentWithNonEqualSubscription)
{
    const char *expected[] = {"t1-5, t2-0, t2-2, t2-4, t2-6", "t1-3, t2-1, t2-3, t2-5, t3-0",
                              "t1-0, t1-1, t1-2, t1-4, t3-1"};
    const char *subs[] = {"t1 t2 t3", "t1 t2 t3", "t1 t3"};
    for (int k = 0; k < 2; k++) {
        for (int round = 0; round < 2; round++) {
            fixture *f = fx_new();
            fx_topic(f, "t1", 6);
            fx_topic(f, "t2", 7);
            fx_topic(f, "t3", 2);
            for (int m = 0; m < 3; m++) {
                char id[32];
                snprintf(id, sizeof id, "consumer%d", m);
                fx_member(f, id, NULL, subs[m], round ? expected[m] : NULL, -1);
            }
            fx_run_ok(f, sticky_kinds[k]);
            EXPECT_SORTED(f, "consumer0", expected[0]);
            EXPECT_SORTED(f, "consumer1", expected[1]);
            EXPECT_SORTED(f, "consumer2", expected[2]);
            fx_free(f);
        }
    }
    /* CooperativeSticky with misplaced owned partitions (all racks matching, so no rack
     * logic): a first round, then the follow-up. */
    const char *owned[] = {"t1-0, t1-1, t1-2, t1-3, t1-4", "t1-5, t2-0, t2-1, t2-2, t2-3",
                           "t2-4, t2-5, t2-6, t3-0, t3-1"};
    const char *intermediate[] = {"t1-2, t1-3, t1-4", "t2-0, t2-1, t2-2, t2-3", "t3-0, t3-1"};
    const char *final[] = {"t1-2, t1-3, t1-4, t2-4, t2-5", "t2-0, t2-1, t2-2, t2-3, t2-6",
                           "t1-0, t1-1, t1-5, t3-0, t3-1"};
    for (int round = 0; round < 2; round++) {
        fixture *f = fx_new();
        fx_topic(f, "t1", 6);
        fx_topic(f, "t2", 7);
        fx_topic(f, "t3", 2);
        for (int m = 0; m < 3; m++) {
            char id[32];
            snprintf(id, sizeof id, "consumer%d", m);
            fx_member(f, id, NULL, subs[m], round ? intermediate[m] : owned[m], -1);
        }
        fx_run_ok(f, KASG_STRATEGY_COOPERATIVE_STICKY);
        for (int m = 0; m < 3; m++) {
            char id[32];
            snprintf(id, sizeof id, "consumer%d", m);
            EXPECT_SORTED(f, id, round ? final[m] : intermediate[m]);
        }
        fx_free(f);
    }
}

/* =================================================================================
 * StickyAssignorTest and CooperativeStickyAssignorTest
 * ================================================================================= */

static fixture *claimed_twice(uint32_t partitions, kasg_strategy strategy)
{
    fixture *f = fx_new();
    fx_topic(f, "topic", partitions);
    fx_member(f, "consumer1", NULL, "topic", "topic-0 topic-1", 1);
    fx_member(f, "consumer2", NULL, "topic", "topic-0 topic-2", 1);
    fx_member(f, "consumer3", NULL, "topic", NULL, 1);
    fx_run_ok(f, strategy);
    return f;
}

Test(
    assignors,
    StickyAssignorTest_testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithEqualPartitionsPerConsumer)
{
    fixture *f = claimed_twice(3, KASG_STRATEGY_STICKY);
    EXPECT_LIST(f, "consumer1", "topic-1");
    EXPECT_LIST(f, "consumer2", "topic-2");
    EXPECT_LIST(f, "consumer3", "topic-0");
    fx_free(f);
}

Test(
    assignors,
    StickyAssignorTest_testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithUnequalPartitionsPerConsumer)
{
    fixture *f = claimed_twice(4, KASG_STRATEGY_STICKY);
    EXPECT_LIST(f, "consumer1", "topic-1, topic-3");
    EXPECT_LIST(f, "consumer2", "topic-2");
    EXPECT_LIST(f, "consumer3", "topic-0");
    fx_free(f);
}

Test(
    assignors,
    CooperativeStickyAssignorTest_testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithEqualPartitionsPerConsumer)
{
    /* topic-0 counts as owned: it cannot go to consumer3 before both revoked it. */
    fixture *f = claimed_twice(3, KASG_STRATEGY_COOPERATIVE_STICKY);
    EXPECT_LIST(f, "consumer1", "topic-1");
    EXPECT_LIST(f, "consumer2", "topic-2");
    EXPECT_LIST(f, "consumer3", "");
    cr_assert_str_eq(fx_revoked(f, "consumer1"), "topic-0");
    cr_assert_str_eq(fx_revoked(f, "consumer2"), "topic-0");
    f = fx_settle_cooperative(f, 2);
    EXPECT_LIST(f, "consumer3", "topic-0");
    fx_free(f);
}

Test(
    assignors,
    CooperativeStickyAssignorTest_testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithUnequalPartitionsPerConsumer)
{
    fixture *f = claimed_twice(4, KASG_STRATEGY_COOPERATIVE_STICKY);
    EXPECT_LIST(f, "consumer1", "topic-1, topic-3");
    EXPECT_LIST(f, "consumer2", "topic-2");
    EXPECT_LIST(f, "consumer3", "");
    f = fx_settle_cooperative(f, 2);
    cr_assert(fx_fully_balanced(f));
    fx_free(f);
}

Test(assignors, CooperativeStickyAssignorTest_testAssignorWithOldVersionSubscriptions)
{
    fixture *f = fx_new();
    fx_topic(f, "topic1", 3);
    fx_member(f, "consumer1", NULL, "topic1", "topic1-0", 1);
    fx_member(f, "consumer2", NULL, "topic1", "topic1-1", 1);
    fx_member(f, "consumer3", NULL, "topic1", NULL, 1);
    fx_run_ok(f, KASG_STRATEGY_COOPERATIVE_STICKY);
    EXPECT_LIST(f, "consumer1", "topic1-0");
    EXPECT_LIST(f, "consumer2", "topic1-1");
    EXPECT_LIST(f, "consumer3", "topic1-2");
    fx_free(f);
}

/* StickyAssignorTest.testAssignmentWithMultipleGenerations1, equal and unequal. */
static void multiple_generations_1(bool equal)
{
    const char *c2_topics = equal ? "topic topic2" : "topic";
    fixture *f = fx_new();
    fx_topic(f, "topic", 6);
    fx_topic(f, "topic2", 6);
    fx_member(f, "consumer1", NULL, "topic topic2", NULL, -1);
    fx_member(f, "consumer2", NULL, c2_topics, NULL, -1);
    fx_member(f, "consumer3", NULL, "topic topic2", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_STICKY);
    for (int m = 0; m < 3; m++) cr_assert_eq(f->result.members[m].assigned_count, 4);
    fixture *g = fx_next(f);
    fx_follow(g, f, "consumer1", NULL, "topic topic2", 1);
    fx_follow(g, f, "consumer2", NULL, c2_topics, 1);
    fx_run_ok(g, KASG_STRATEGY_STICKY);
    cr_assert_eq(fx_count(g, "consumer1"), 6);
    cr_assert_eq(fx_count(g, "consumer2"), 6);
    fx_check_valid(g, false);
    /* consumer3 comes back with its generation-1 partitions; consumer2 has generation 2. */
    fixture *h = fx_next(g);
    fx_follow(h, g, "consumer2", NULL, c2_topics, 2);
    fx_follow(h, f, "consumer3", NULL, "topic topic2", 1);
    fx_run_ok(h, KASG_STRATEGY_STICKY);
    cr_assert_eq(fx_count(h, "consumer2"), 6);
    cr_assert_eq(fx_count(h, "consumer3"), 6);
    fx_check_valid(h, false);
    fx_free(f);
    fx_free(g);
    fx_free(h);
}

Test(assignors, StickyAssignorTest_testAssignmentWithMultipleGenerations1)
{
    multiple_generations_1(true);
    multiple_generations_1(false);
}

static void conflicting_generations(bool equal, kasg_strategy strategy)
{
    fixture *f = fx_new();
    fx_topic(f, "topic", 4);
    fx_topic(f, "topic2", 4);
    fx_topic(f, "topic3", 4);
    const char *all = "topic topic2 topic3";
    fx_member(f, "consumer1", NULL, equal ? all : "topic",
              equal ? "topic-0 topic-1 topic-2 topic2-2 topic2-3 topic3-0"
                    : "topic-0 topic-1 topic-2 topic-3",
              1);
    fx_member(f, "consumer2", NULL, equal ? all : "topic topic2",
              "topic-0 topic-1 topic2-0 topic2-1 topic2-2 topic2-3", 2);
    fx_member(f, "consumer3", NULL, all, "topic-2 topic-3 topic3-0 topic3-1 topic3-2 topic3-3", 2);
    fx_run_ok(f, strategy);
    if (strategy == KASG_STRATEGY_COOPERATIVE_STICKY) f = fx_settle_cooperative(f, 3);
    for (int m = 0; m < 3; m++) cr_assert_eq(f->result.members[m].assigned_count, 4);
    fx_check_valid(f, false);
    fx_free(f);
}

Test(assignors, StickyAssignorTest_testAssignmentWithConflictingPreviousGenerations)
{
    conflicting_generations(true, KASG_STRATEGY_STICKY);
    conflicting_generations(false, KASG_STRATEGY_STICKY);
    conflicting_generations(true, KASG_STRATEGY_COOPERATIVE_STICKY);
    conflicting_generations(false, KASG_STRATEGY_COOPERATIVE_STICKY);
}

/* =================================================================================
 * Behaviour a learner should see
 * ================================================================================= */

Test(assignors, five_consumers_four_partitions_leave_one_idle)
{
    for (uint32_t s = 0; s < KASG_STRATEGY_COUNT; s++) {
        fixture *f = fx_new();
        fx_topic(f, "orders", 4);
        const char *ids[] = {"c1", "c2", "c3", "c4", "c5"};
        for (int m = 0; m < 5; m++) fx_member(f, ids[m], NULL, "orders", NULL, -1);
        fx_run_ok(f, (kasg_strategy)s);
        uint32_t idle = 0;
        for (int m = 0; m < 5; m++) idle += f->result.members[m].assigned_count == 0;
        cr_assert_eq(idle, 1, "strategy %s", kasg_strategy_name((kasg_strategy)s));
        fx_free(f);
    }
}

Test(assignors, cooperative_rounds_move_only_what_must_move)
{
    /* Three members own 4+4+4 of 12; a fourth joins. Round one: each owner revokes one
     * partition and the newcomer gets nothing; round two hands the three over. */
    fixture *f = fx_new();
    fx_topic(f, "orders", 12);
    fx_member(f, "c1", NULL, "orders", "orders-0 orders-1 orders-2 orders-3", 5);
    fx_member(f, "c2", NULL, "orders", "orders-4 orders-5 orders-6 orders-7", 5);
    fx_member(f, "c3", NULL, "orders", "orders-8 orders-9 orders-10 orders-11", 5);
    fx_member(f, "c4", NULL, "orders", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_COOPERATIVE_STICKY);
    EXPECT_LIST(f, "c1", "orders-0, orders-1, orders-2");
    EXPECT_LIST(f, "c2", "orders-4, orders-5, orders-6");
    EXPECT_LIST(f, "c3", "orders-8, orders-9, orders-10");
    EXPECT_LIST(f, "c4", "");
    cr_assert_str_eq(fx_revoked(f, "c1"), "orders-3");
    cr_assert_str_eq(fx_revoked(f, "c2"), "orders-7");
    cr_assert_str_eq(fx_revoked(f, "c3"), "orders-11");
    cr_assert_eq(f->result.withheld_count, 3);
    f = fx_settle_cooperative(f, 6);
    EXPECT_LIST(f, "c1", "orders-0, orders-1, orders-2");
    EXPECT_LIST(f, "c4", "orders-3, orders-7, orders-11");
    fx_free(f);
}

Test(assignors, eager_range_moves_more_than_sticky)
{
    /* Adding a member to range reshuffles ranges; sticky only moves the surplus. */
    fixture *f = fx_new();
    fx_topic(f, "orders", 6);
    fx_member(f, "c1", NULL, "orders", "orders-0 orders-1 orders-2", 1);
    fx_member(f, "c2", NULL, "orders", "orders-3 orders-4 orders-5", 1);
    fx_member(f, "c3", NULL, "orders", NULL, -1);
    fx_run_ok(f, KASG_STRATEGY_RANGE);
    EXPECT_LIST(f, "c1", "orders-0, orders-1");
    EXPECT_LIST(f, "c2", "orders-2, orders-3");
    EXPECT_LIST(f, "c3", "orders-4, orders-5");
    fx_run_ok(f, KASG_STRATEGY_STICKY);
    EXPECT_LIST(f, "c1", "orders-0, orders-1");
    EXPECT_LIST(f, "c2", "orders-3, orders-4");
    EXPECT_LIST(f, "c3", "orders-2, orders-5");
    fx_free(f);
}

Test(assignors, kafka_npe_on_a_set_aside_previous_owner)
{
    /* F (generation 1) once owned B-0 but now subscribes only to A; it holds A-0 and can
     * take nothing else, so Kafka sets it aside, then looks up its assignment as B-0's
     * previous owner and throws. */
    fixture *f = fx_new();
    fx_topic(f, "A", 1);
    fx_topic(f, "B", 2);
    fx_member(f, "F", NULL, "A", "B-0", 1);
    fx_member(f, "X", NULL, "B", "B-0 B-1", 2);
    fx_member(f, "Y", NULL, "B", NULL, 2);
    cr_assert_eq(fx_run(f, KASG_STRATEGY_STICKY), KASG_KAFKA_THROWS);
    cr_assert_eq(f->result.failed_member_index, 0);
    cr_assert_eq(f->result.failed_partition.topic_index, 1);
    cr_assert_eq(f->result.failed_partition.partition, 0);
    fx_free(f);
}

Test(assignors, leader_max_generation_is_remembered)
{
    /* The assignor object keeps the highest generation it has seen. Remembering 10 makes
     * every member "older", so their owned partitions become previous owners and t3-0
     * goes back to Zed. (Found by comparing with Kafka's classes; the non-ASCII id also
     * checks String.hashCode over UTF-16.) */
    fixture *f = fx_new();
    fx_topic(f, "t3", 5);
    fx_member(f, "a", NULL, "t3", "t3-2 t3-1 t3-3 t3-0", 2);
    fx_member(f, "m\xF0\x9F\x98\x80", NULL, "", "t3-1", 2);
    fx_member(f, "Zed", NULL, "t3", NULL, 1);
    fx_member(f, "m", NULL, "t3", "t3-0 t3-1", -1);
    fx_run_ok(f, KASG_STRATEGY_STICKY);
    EXPECT_LIST(f, "a", "t3-2, t3-3");
    EXPECT_LIST(f, "Zed", "t3-1");
    EXPECT_LIST(f, "m", "t3-4, t3-0");
    f->in.leader_max_generation = 10;
    fx_run_ok(f, KASG_STRATEGY_STICKY);
    EXPECT_LIST(f, "a", "t3-2, t3-3");
    EXPECT_LIST(f, "Zed", "t3-1, t3-0");
    EXPECT_LIST(f, "m", "t3-4");
    fx_free(f);
}

/* =================================================================================
 * Protocol selection (ConsumerCoordinator, ClassicGroup.selectProtocol)
 * ================================================================================= */

Test(assignors, rebalance_protocol_is_the_highest_all_assignors_support)
{
    const kasg_strategy coop[] = {KASG_STRATEGY_COOPERATIVE_STICKY};
    const kasg_strategy upgrade[] = {KASG_STRATEGY_COOPERATIVE_STICKY, KASG_STRATEGY_RANGE};
    const kasg_strategy downgrade[] = {KASG_STRATEGY_RANGE, KASG_STRATEGY_COOPERATIVE_STICKY};
    const kasg_strategy eager[] = {KASG_STRATEGY_STICKY};
    cr_assert_eq(kasg_protocol_select(coop, 1), KASG_PROTOCOL_COOPERATIVE);
    cr_assert_eq(kasg_protocol_select(upgrade, 2), KASG_PROTOCOL_EAGER);
    cr_assert_eq(kasg_protocol_select(downgrade, 2), KASG_PROTOCOL_EAGER);
    cr_assert_eq(kasg_protocol_select(eager, 1), KASG_PROTOCOL_EAGER);
    cr_assert_str_eq(kasg_protocol_name(KASG_PROTOCOL_COOPERATIVE), "cooperative");
}

Test(assignors, coordinator_selects_the_most_voted_common_assignor)
{
    const kasg_strategy coop_range[] = {KASG_STRATEGY_COOPERATIVE_STICKY, KASG_STRATEGY_RANGE};
    const kasg_strategy range[] = {KASG_STRATEGY_RANGE};
    const kasg_strategy range_coop[] = {KASG_STRATEGY_RANGE, KASG_STRATEGY_COOPERATIVE_STICKY};
    const kasg_strategy rr[] = {KASG_STRATEGY_ROUNDROBIN};
    kasg_strategy chosen;
    /* Rolling upgrade, first bounce: old members list only range, so range it is. */
    kasg_strategy_list a[] = {{coop_range, 2}, {range, 1}, {range, 1}};
    cr_assert(kasg_strategy_select(a, 3, &chosen));
    cr_assert_eq(chosen, KASG_STRATEGY_RANGE);
    /* Everyone upgraded: every member votes cooperative-sticky. */
    kasg_strategy_list b[] = {{coop_range, 2}, {coop_range, 2}};
    cr_assert(kasg_strategy_select(b, 2, &chosen));
    cr_assert_eq(chosen, KASG_STRATEGY_COOPERATIVE_STICKY);
    /* One vote each: the tie goes to the name Java's HashMap iterates first (range). */
    kasg_strategy_list c[] = {{coop_range, 2}, {range_coop, 2}};
    cr_assert(kasg_strategy_select(c, 2, &chosen));
    cr_assert_eq(chosen, KASG_STRATEGY_RANGE);
    /* Nothing in common: the join is rejected. */
    kasg_strategy_list d[] = {{range, 1}, {rr, 1}};
    cr_assert_not(kasg_strategy_select(d, 2, &chosen));
}

/* =================================================================================
 * Java's strings and hash order; input checks
 * ================================================================================= */

Test(assignors, java_string_hash_and_order)
{
    cr_assert_eq(kasg_java_hash("consumer1"), (int32_t)3873962747u);
    cr_assert_eq(kasg_java_hash(""), 0);
    cr_assert_eq(kasg_java_hash("range"), 108280125);
    /* U+1F600 is a surrogate pair in Java (0xD83D...) and sorts before U+E000, although
     * its UTF-8 bytes sort after. */
    cr_assert_lt(kasg_java_compare("\xF0\x9F\x98\x80", "\xEE\x80\x80"), 0);
    cr_assert_lt(strcmp("\xEE\x80\x80", "\xF0\x9F\x98\x80"), 0);
    cr_assert_lt(kasg_java_compare("topic", "topic1"), 0);
    cr_assert_gt(kasg_java_compare("b", "a"), 0);
    cr_assert_eq(kasg_java_compare("same", "same"), 0);
}

Test(assignors, java_hashmap_iterates_consumer1_to_4_backwards)
{
    int32_t hashes[4];
    const char *ids[] = {"consumer1", "consumer2", "consumer3", "consumer4"};
    for (int i = 0; i < 4; i++) hashes[i] = kasg_java_hash(ids[i]);
    uint32_t order[4];
    kasg__java_map_order(hashes, 4, order);
    cr_assert_eq(order[0], 3);
    cr_assert_eq(order[1], 2);
    cr_assert_eq(order[2], 1);
    cr_assert_eq(order[3], 0);
    /* 13 keys make a 16-slot table grow to 32; 9 keys in one bin of a small table too. */
    int32_t many[13];
    for (int i = 0; i < 13; i++) many[i] = i;
    cr_assert_eq(kasg__java_map_capacity(many, 12), 16);
    cr_assert_eq(kasg__java_map_capacity(many, 13), 32);
    int32_t same_bin[9];
    for (int i = 0; i < 9; i++) same_bin[i] = i * 64;
    cr_assert_eq(kasg__java_map_capacity(same_bin, 8), 16);
    cr_assert_eq(kasg__java_map_capacity(same_bin, 9), 32);
}

Test(assignors, input_check_reports_each_problem)
{
    fixture *f = fx_new();
    fx_topic(f, "t", 2);
    fx_topic(f, "t", 1);
    kasg_problem p[8];
    cr_assert_eq(kasg_input_check(&f->in, p, 8), 1); /* members are not checked then */
    cr_assert_eq(p[0].kind, KASG_PROBLEM_TOPIC_DUPLICATE);
    cr_assert_eq(p[0].item_index, 1);
    fx_free(f);

    f = fx_new();
    fx_topic(f, "t", 2);
    fx_member(f, "m", "i", "t", "t-0 t-0", 1);
    fx_member(f, "m", "i", "t t", "t-5", -2);
    f->owned[1][0].partition = 5;
    cr_assert_eq(kasg_input_check(&f->in, p, 8), 6);
    cr_assert_eq(p[0].kind, KASG_PROBLEM_OWNED_REPEAT);
    cr_assert_eq(p[0].other_index, 0);
    cr_assert_eq(p[1].kind, KASG_PROBLEM_MEMBER_DUPLICATE);
    cr_assert_eq(p[2].kind, KASG_PROBLEM_INSTANCE_DUPLICATE);
    cr_assert_eq(p[3].kind, KASG_PROBLEM_SUBSCRIPTION_REPEAT);
    cr_assert_eq(p[4].kind, KASG_PROBLEM_OWNED_PARTITION);
    cr_assert_eq(p[5].kind, KASG_PROBLEM_GENERATION);
    fx_free(f);
}

Test(assignors, results_do_not_depend_on_topic_table_order)
{
    const char *orders[2][3] = {{"x", "y", "z"}, {"z", "x", "y"}};
    char first[512] = "";
    for (int k = 0; k < 2; k++) {
        fixture *f = fx_new();
        for (int t = 0; t < 3; t++) fx_topic(f, orders[k][t], 3);
        fx_member(f, "c1", NULL, "x y z", "x-0 y-1", 2);
        fx_member(f, "c2", NULL, "x z", "z-2", 2);
        fx_member(f, "c3", NULL, "y", NULL, -1);
        char all[512] = "";
        for (uint32_t s = 0; s < KASG_STRATEGY_COUNT; s++) {
            fx_run_ok(f, (kasg_strategy)s);
            strcat(all, fx_list(f, "c1"));
            strcat(all, "|");
            strcat(all, fx_list(f, "c2"));
            strcat(all, "|");
        }
        if (k == 0) {
            snprintf(first, sizeof first, "%s", all);
        } else {
            cr_assert_str_eq(all, first);
        }
        fx_free(f);
    }
}
