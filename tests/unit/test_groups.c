/*
 * test_groups.c — consumer groups in a running world: two members joining a new group,
 *   a crashed member expired after its session, a member leaving at once, static members
 *   restarting without a rebalance, the cooperative two-round rebalance, the coordinator
 *   moving to another broker, one broker without __consumer_offsets, and cooperative vs
 *   eager pauses.
 *
 * Goal: the group model of sim/kafka/groups.h, wired into the world, does what Kafka's
 *   classic group protocol does (kafka-semantics.md §5, Kafka 4.0 GroupMetadataManager /
 *   ClassicGroup and the Java consumer), at the virtual times Kafka's configs imply:
 *   group.initial.rebalance.delay.ms, session.timeout.ms, heartbeat.interval.ms.
 * Method: small scenarios written inline as JSON (loaded through the real loader with
 *   scn_groups_enabled on, as test_group_config.c does), a fixed 1 ms network latency so
 *   every step is deterministic, stepping one event at a time with fx_step_until (each
 *   wait bounded in virtual time). A trace sink keeps the group and consumer events, the
 *   group protocol's messages (net_send / net_deliver of FindCoordinator .. OffsetFetch
 *   and consumer Fetch requests), crashes, partition changes and replica appends/HW moves,
 *   so a test can say exactly when something happened; the coordinator's and consumers'
 *   tables (w->groups) are read between steps. Four tests (every_started_member_joins,
 *   one_broker_consumers_keep_asking_for_a_coordinator, the two cooperative rebalance
 *   tests under load) were written against model bugs and guard their fixes.
 */
#include "world_fixture.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void enable_groups(void)
{
    scn_set_groups_enabled(true);
}

TestSuite(groups, .init = enable_groups);

/* Three combined nodes, 1 ms links, topic `orders` (RF 3) with `partitions` partitions,
 * and `groups` (consumer_groups entries). */
#define WORLD(duration, cluster_config, partitions, producers, groups, timeline)                   \
    "{\"format\": 1, \"name\": \"groups\", \"duration\": \"" duration "\","                        \
    " \"cluster\": {\"mode\": \"combined\", \"controllers\": 3, \"brokers\": 3,"                   \
    " \"config\": {" cluster_config "}},"                                                          \
    " \"network\": {\"latency\": {\"min\": \"1ms\", \"max\": \"1ms\"}},"                           \
    " \"topics\": [{\"name\": \"orders\", \"partitions\": " partitions                             \
    ", \"replication_factor\": 3}],"                                                               \
    " \"producers\": [" producers "],"                                                             \
    " \"consumer_groups\": [" groups "],"                                                          \
    " \"timeline\": [" timeline "]}"

/* A keyed producer writing every partition from 1 s. */
#define PRODUCER(rate)                                                                             \
    "{\"name\": \"app\", \"topic\": \"orders\", \"rate\": " rate                                   \
    ", \"keys\": 40, \"start\": \"1s\"}"

/* Trace id of member m of group 0 (docs/trace.md: 100001000 + 100 G + N). */
#define MEMBER(m) ((int64_t)SIM_TRACE_CLIENT_ID_BASE + 1000 + (m))

/* ==================================================================================
 * Event log
 * ================================================================================== */

#define LOG_MAX 400000u

typedef struct ev_log {
    sim_trace_rec *recs;
    uint32_t count;
    uint64_t dropped;
} ev_log;

static ev_log g_log; /* each test runs in its own process */

static bool group_kind(int64_t kind)
{
    return (kind >= NET_MSG_FIND_COORDINATOR_REQ && kind <= NET_MSG_OFFSET_FETCH_RESP);
}

static bool kept(const sim_trace_rec *r)
{
    if (r->ev >= SIM_EV_GROUP_STATE && r->ev <= SIM_EV_CONSUMER_OFFSET_RESET) return true;
    switch (r->ev) {
    case SIM_EV_NODE_CRASH:
    case SIM_EV_NODE_RESTART:
    case SIM_EV_ACTION:
    case SIM_EV_CHECK_VIOLATION:
    case SIM_EV_PARTITION_CHANGE:
    case SIM_EV_REPL_APPEND:
    case SIM_EV_REPL_HW:
        return true;
    case SIM_EV_NET_SEND:
        return group_kind(r->f[2]);
    case SIM_EV_NET_DELIVER:
        return group_kind(r->f[2]) || r->f[2] == NET_MSG_CONSUMER_FETCH_REQ;
    default:
        return false;
    }
}

static void log_sink(void *ctx, const sim_trace_rec *rec)
{
    ev_log *l = ctx;
    if (!kept(rec)) return;
    if (l->count == LOG_MAX) {
        l->dropped++;
        return;
    }
    l->recs[l->count] = *rec;
    l->recs[l->count].text = NULL; /* borrowed: not kept */
    l->count++;
}

static void log_attach(sim_world *w)
{
    if (g_log.recs == NULL) g_log.recs = malloc(LOG_MAX * sizeof *g_log.recs);
    cr_assert_not_null(g_log.recs);
    g_log.count = 0;
    g_log.dropped = 0;
    sim_trace_add_sink(&w->engine.trace, log_sink, &g_log);
}

#define ANY INT64_MIN

static bool rec_matches(const sim_trace_rec *r, sim_trace_ev ev, sim_time from, sim_time to,
                        int64_t node, const int64_t *want, uint32_t n)
{
    if (r->ev != ev || r->t < from || r->t > to || (node != ANY && r->node != node)) return false;
    for (uint32_t k = 0; k < n; k++)
        if (want[k] != ANY && r->f[k] != want[k]) return false;
    return true;
}

/* The first kept event of kind `ev` in [from, to] on `node` (ANY: any) whose field k
 * equals want[k] for each k < n (ANY: any value); NULL if none. */
static const sim_trace_rec *log_first(sim_trace_ev ev, sim_time from, sim_time to, int64_t node,
                                      const int64_t *want, uint32_t n)
{
    cr_assert_eq(g_log.dropped, 0, "the event log overflowed");
    for (uint32_t i = 0; i < g_log.count; i++)
        if (rec_matches(&g_log.recs[i], ev, from, to, node, want, n)) return &g_log.recs[i];
    return NULL;
}

/* The last such event; NULL if none. */
static const sim_trace_rec *log_last(sim_trace_ev ev, sim_time from, sim_time to, int64_t node,
                                     const int64_t *want, uint32_t n)
{
    cr_assert_eq(g_log.dropped, 0, "the event log overflowed");
    for (uint32_t i = g_log.count; i-- > 0;)
        if (rec_matches(&g_log.recs[i], ev, from, to, node, want, n)) return &g_log.recs[i];
    return NULL;
}

static uint32_t log_count(sim_trace_ev ev, sim_time from, sim_time to, int64_t node,
                          const int64_t *want, uint32_t n)
{
    cr_assert_eq(g_log.dropped, 0, "the event log overflowed");
    uint32_t count = 0;
    for (uint32_t i = 0; i < g_log.count; i++)
        count += rec_matches(&g_log.recs[i], ev, from, to, node, want, n);
    return count;
}

#define FIELDS(...) ((const int64_t[]){__VA_ARGS__})
#define NF(...)     (sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t))
/* Shorthands: first / last / count of `ev` in [from, to] on `node` with fields ... */
#define FIRST(ev, from, to, node, ...)                                                             \
    log_first((ev), (from), (to), (node), FIELDS(__VA_ARGS__), NF(__VA_ARGS__))
#define LAST(ev, from, to, node, ...)                                                              \
    log_last((ev), (from), (to), (node), FIELDS(__VA_ARGS__), NF(__VA_ARGS__))
#define COUNT(ev, from, to, node, ...)                                                             \
    log_count((ev), (from), (to), (node), FIELDS(__VA_ARGS__), NF(__VA_ARGS__))
#define T_END SIM_TIME_NEVER

typedef struct want {
    sim_trace_ev ev;
    sim_time from;
    int64_t node;
    int64_t f[8];
    uint32_t n;
} want;

static bool seen(const sim_world *w, const void *ctx)
{
    (void)w;
    const want *q = ctx;
    return log_first(q->ev, q->from, T_END, q->node, q->f, q->n) != NULL;
}

/* Steps until the event `q` describes is in the log (by `limit_us`); returns it. */
static const sim_trace_rec *wait_for(sim_world *w, want q, sim_time limit_us, const char *what)
{
    fx_step_until(w, seen, &q, limit_us, what);
    return log_first(q.ev, q.from, T_END, q.node, q.f, q.n);
}

#define WANT(ev, from, node, ...) ((want){(ev), (from), (node), {__VA_ARGS__}, NF(__VA_ARGS__)})

/* ==================================================================================
 * Helpers
 * ================================================================================== */

static scn_config *load(const char *json)
{
    return fx_config(json);
}

static kg_consumer *member(sim_world *w, uint32_t slot)
{
    cr_assert(w->has_groups);
    return &w->groups.consumers[slot]; /* group 0 */
}

/* The group's coordinator now (asserts there is one). */
static const kg_coord *coordinator(const sim_world *w, int32_t *broker)
{
    const kg_coord *c = kg_active_coordinator(&w->groups, 0, broker);
    cr_assert_not_null(c, "group 0 has no coordinator");
    return c;
}

static uint32_t offsets_partition(const sim_world *w)
{
    return w->groups.groups[0].offsets_partition;
}

static bool owns(const kg_consumer *c, uint32_t p)
{
    return (c->owned.w[p / 64] >> (p % 64)) & 1u;
}

static uint32_t owned_count(const kg_consumer *c)
{
    uint32_t n = 0;
    for (uint32_t p = 0; p < KG_PARTITIONS_MAX; p++) n += owns(c, p);
    return n;
}

static bool bitmap_test(const kg_bitmap *b, uint32_t p)
{
    return (b->w[p / 64] >> (p % 64)) & 1u;
}

static void check_no_violations(const sim_world *w)
{
    const chk_invariant group_checks[] = {CHK_GROUP_SINGLE_OWNER, CHK_COMMITTED_OFFSETS_MONOTONIC,
                                          CHK_CONSUMERS_READ_BELOW_HW};
    for (uint32_t i = 0; i < 3; i++) {
        const chk_result *r = &w->chk.results[group_checks[i]];
        cr_assert_eq(r->violations, 0, "%s fired: %s", chk_invariant_name(group_checks[i]),
                     r->first);
    }
}

/* Times processed of record `o` of group partition `p`. */
static uint8_t processed(const sim_world *w, uint32_t p, int64_t o)
{
    cr_assert_lt((uint64_t)o, w->groups.records_cap);
    return w->groups.processed[0][(size_t)p * w->groups.records_cap + (size_t)o];
}

/* ==================================================================================
 * 1. Join: two members of a new group
 * ================================================================================== */

/* Member 0 starts with the run; member 1 is added at 2.5 s, inside the first delay. */
#define JOIN_WORLD(reset)                                                                          \
    WORLD("12s", "", "4", PRODUCER("100"),                                                         \
          "{\"group\": \"billing\", \"topics\": [\"orders\"], \"members\": 1,"                     \
          " \"config\": {\"auto.offset.reset\": \"" reset "\"}}",                                  \
          "{\"at\": \"2500ms\", \"do\": \"add_consumer\", \"group\": \"billing\"}")

typedef struct joined {
    int64_t coord;       /* the coordinator's node id */
    sim_time prepare_us; /* PreparingRebalance */
    sim_time assign_us;  /* both members got their partitions */
} joined;

/* Narrates a new group's first rebalance (kafka-semantics §5.1, §5.2) up to both
 * members' assignments. */
static joined run_join(sim_world *w)
{
    const uint32_t op = offsets_partition(w);
    /* Step 1: the coordinator is the leader of the group's __consumer_offsets partition;
     * it loads the (empty) group once it leads it: Empty, generation 0. */
    const sim_trace_rec *empty =
        wait_for(w, WANT(SIM_EV_GROUP_STATE, 0, ANY, 0, KG_STATE_EMPTY, 0, 0), SIM_S(3),
                 "the coordinator loads the group");
    const int64_t coord = empty->node;
    cr_assert_eq(sim_world_partition(w, op)->leader, coord, "the offsets partition's leader");
    /* Step 2: member 0 asks a broker for the coordinator (brokers refuse clients until
     * they caught up with the metadata log, so this is the first answered attempt). */
    const sim_trace_rec *find =
        wait_for(w, WANT(SIM_EV_NET_SEND, 0, MEMBER(0), ANY, ANY, NET_MSG_FIND_COORDINATOR_REQ),
                 SIM_S(3), "member 0's FindCoordinator");
    const sim_time t0 = find->t;
    /* Step 3: the answer names the coordinator 2 ms later; its first JoinGroup carries no
     * member id and is answered MEMBER_ID_REQUIRED (KIP-394): the member is told its id
     * but is not in the group yet. */
    const sim_trace_rec *j1 =
        wait_for(w, WANT(SIM_EV_NET_SEND, 0, MEMBER(0), ANY, coord, NET_MSG_JOIN_GROUP_REQ),
                 t0 + SIM_MS(2), "the first JoinGroup");
    cr_assert_eq(j1->t, t0 + SIM_MS(2));
    wait_for(w, WANT(SIM_EV_NET_DELIVER, t0, MEMBER(0), ANY, coord, NET_MSG_JOIN_GROUP_RESP),
             t0 + SIM_MS(4), "MEMBER_ID_REQUIRED");
    cr_assert_eq(sim_world_now(w), t0 + SIM_MS(4));
    cr_assert_neq(member(w, 0)->incarnation, 0, "the answer carried a member id");
    int32_t broker = -1;
    const kg_coord *c = coordinator(w, &broker);
    cr_assert_eq(broker, coord);
    cr_assert_eq(c->state, KG_STATE_EMPTY, "MEMBER_ID_REQUIRED adds nobody");
    cr_assert_not(c->members[0].present);
    /* Step 4: it joins again with the id at once; the coordinator adds it and, the group
     * being Empty, starts the join phase with group.initial.rebalance.delay.ms (3 s). */
    const sim_trace_rec *prep =
        wait_for(w, WANT(SIM_EV_GROUP_STATE, 0, coord, 0, KG_STATE_PREPARING_REBALANCE, 0, 1),
                 t0 + SIM_MS(5), "PreparingRebalance");
    cr_assert_eq(prep->t, t0 + SIM_MS(5));
    const sim_time p = prep->t;
    cr_assert_eq(COUNT(SIM_EV_NET_SEND, 0, T_END, MEMBER(0), ANY, coord, NET_MSG_JOIN_GROUP_REQ), 2,
                 "two JoinGroups: without and with the member id");
    /* Step 5: member 1 starts at 2.5 s and is added 5 ms later, during the delay: Kafka
     * (newMemberAdded) waits another min(3 s, remaining) when the delay ends. */
    const sim_trace_rec *j2 = wait_for(
        w, WANT(SIM_EV_NET_DELIVER, SIM_MS(2500), coord, ANY, MEMBER(1), NET_MSG_JOIN_GROUP_REQ),
        SIM_S(3), "member 1's first JoinGroup");
    const sim_trace_rec *j2b = wait_for(
        w, WANT(SIM_EV_NET_DELIVER, j2->t + 1, coord, ANY, MEMBER(1), NET_MSG_JOIN_GROUP_REQ),
        SIM_S(3), "member 1 joins with its id");
    cr_assert_eq(j2b->t, SIM_MS(2505));
    cr_assert_lt(j2b->t, p + SIM_S(3), "inside the first delay");
    cr_assert(coordinator(w, NULL)->members[1].present);
    /* Step 6: nothing happens when the first delay ends (p + 3 s); the join completes at
     * p + 6 s: generation 1, CompletingRebalance, both members answered. */
    const sim_trace_rec *done =
        wait_for(w, WANT(SIM_EV_GROUP_STATE, p, coord, 0, KG_STATE_COMPLETING_REBALANCE),
                 p + SIM_S(7), "the join phase ends");
    cr_assert_eq(done->t, p + SIM_S(6), "3 s, extended once by 3 s");
    cr_assert_eq(done->f[2], 1, "generation 1");
    cr_assert_eq(done->f[3], 2, "two members");
    cr_assert_eq(COUNT(SIM_EV_GROUP_STATE, p + 1, done->t - 1, coord, ANY), 0);
    cr_assert_eq(
        COUNT(SIM_EV_NET_SEND, p, done->t - 1, coord, ANY, MEMBER(0), NET_MSG_JOIN_GROUP_RESP), 0,
        "member 0's JoinGroup is parked until the join phase ends");
    cr_assert_eq(
        COUNT(SIM_EV_NET_SEND, j2b->t, done->t - 1, coord, ANY, MEMBER(1), NET_MSG_JOIN_GROUP_RESP),
        0, "so is member 1's");
    for (int64_t m = 0; m < 2; m++)
        cr_assert_not_null(FIRST(SIM_EV_GROUP_JOIN, done->t, done->t, coord, 0, m, 1, 0));
    /* Step 7: the answers arrive 1 ms later. The leader is the first member added
     * (member 0); it alone gets the members' subscriptions, runs the assignor and sends
     * the assignment with its SyncGroup; the follower's SyncGroup is empty. */
    wait_for(w, WANT(SIM_EV_NET_DELIVER, done->t, MEMBER(1), ANY, coord, NET_MSG_JOIN_GROUP_RESP),
             done->t + SIM_MS(1), "the JoinGroup answers");
    cr_assert_eq(coordinator(w, NULL)->leader, 0);
    cr_assert(member(w, 0)->is_leader);
    cr_assert_not(member(w, 1)->is_leader);
    cr_assert_eq(member(w, 0)->generation, 1);
    cr_assert_eq(member(w, 1)->generation, 1);
    /* Step 8: both SyncGroups reach the coordinator at p + 6.002 s. It writes the group's
     * metadata record (the leader's assignment) to the offsets partition and answers
     * nobody until that record is replicated. */
    const sim_time sync_at = done->t + SIM_MS(2);
    const sim_trace_rec *sync0 = wait_for(
        w, WANT(SIM_EV_NET_DELIVER, done->t, coord, ANY, MEMBER(0), NET_MSG_SYNC_GROUP_REQ),
        sync_at, "the leader's SyncGroup");
    wait_for(w, WANT(SIM_EV_NET_DELIVER, done->t, coord, ANY, MEMBER(1), NET_MSG_SYNC_GROUP_REQ),
             sync_at, "the follower's SyncGroup");
    cr_assert_eq(sync0->t, sync_at);
    const sim_trace_rec *md = FIRST(SIM_EV_REPL_APPEND, sync_at, sync_at, coord, op);
    cr_assert_not_null(md, "the group metadata record is appended on the SyncGroup");
    const int64_t md_offset = md->f[2];
    c = coordinator(w, NULL);
    cr_assert_eq(c->state, KG_STATE_COMPLETING_REBALANCE);
    /* The leader's assignment (range: 2 partitions each, consecutive). */
    for (uint32_t q = 0; q < 4; q++) {
        cr_assert_eq(bitmap_test(&c->members[0].assignment, q), q < 2, "partition %u", q);
        cr_assert_eq(bitmap_test(&c->members[1].assignment, q), q >= 2, "partition %u", q);
    }
    /* Step 9: Stable when the offsets partition's HW passes the record (the followers'
     * fetch round trip: 2 ms), and only then the SyncGroup answers leave. */
    const sim_trace_rec *stable =
        wait_for(w, WANT(SIM_EV_GROUP_STATE, sync_at, coord, 0, KG_STATE_STABLE, 1, 2),
                 sync_at + SIM_MS(5), "Stable");
    const sim_trace_rec *hw = FIRST(SIM_EV_REPL_HW, sync_at, T_END, coord, op, md_offset + 1);
    cr_assert_not_null(hw);
    cr_assert_eq(stable->t, hw->t, "Stable once the metadata record is replicated");
    cr_assert_eq(stable->t, sync_at + SIM_MS(2));
    const sim_trace_rec *answer =
        FIRST(SIM_EV_NET_SEND, sync_at, T_END, coord, ANY, ANY, NET_MSG_SYNC_GROUP_RESP);
    cr_assert_not_null(answer);
    cr_assert_eq(answer->t, stable->t, "no SyncGroup answer before the record is replicated");
    /* Step 10: each member gets its two partitions 1 ms later. */
    const sim_trace_rec *a1 = wait_for(w, WANT(SIM_EV_GROUP_ASSIGN, 0, MEMBER(1), 0, 1, 1),
                                       stable->t + SIM_MS(1), "member 1's assignment");
    const sim_trace_rec *a0 = FIRST(SIM_EV_GROUP_ASSIGN, 0, T_END, MEMBER(0), 0, 0, 1);
    cr_assert_not_null(a0);
    cr_assert_eq(a0->t, stable->t + SIM_MS(1));
    cr_assert_eq(a1->t, stable->t + SIM_MS(1));
    cr_assert_eq(a0->f[3], 2);
    cr_assert_eq(a1->f[3], 2);
    cr_assert_eq(a0->f[4], 0, "nothing revoked");
    cr_assert(owns(member(w, 0), 0) && owns(member(w, 0), 1));
    cr_assert(owns(member(w, 1), 2) && owns(member(w, 1), 3));
    return (joined){.coord = coord, .prepare_us = p, .assign_us = a0->t};
}

Test(groups, two_members_join_a_new_group_and_start_at_earliest)
{
    scn_config *cfg = load(JOIN_WORLD("earliest"));
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    log_attach(w);
    const joined j = run_join(w);
    /* Step 11: no committed offsets yet: each member asks the coordinator (OffsetFetch:
     * none), then auto.offset.reset=earliest places it at the log start, 0, and its first
     * poll of each partition starts there. */
    sim_world_run_until(w, j.assign_us + SIM_S(1));
    for (int64_t m = 0; m < 2; m++) {
        const sim_trace_rec *of = FIRST(SIM_EV_NET_SEND, j.assign_us, T_END, MEMBER(m), ANY,
                                        j.coord, NET_MSG_OFFSET_FETCH_REQ);
        cr_assert_not_null(of, "member %ld asks for committed offsets", (long)m);
        cr_assert_eq(of->t, j.assign_us);
    }
    for (int64_t q = 0; q < 4; q++) {
        const int64_t m = q < 2 ? 0 : 1;
        const sim_trace_rec *r = FIRST(SIM_EV_CONSUMER_OFFSET_RESET, 0, T_END, MEMBER(m), 0, m, q);
        cr_assert_not_null(r, "partition %ld reset", (long)q);
        cr_assert_eq(r->f[3], 0, "earliest: the log start");
        cr_assert_gt(r->t, j.assign_us);
        const sim_trace_rec *poll = FIRST(SIM_EV_CONSUMER_POLL, 0, T_END, ANY, 0, ANY, q);
        cr_assert_not_null(poll, "partition %ld consumed", (long)q);
        cr_assert_eq(poll->node, MEMBER(m), "by its owner");
        cr_assert_eq(poll->f[3], 0, "from offset 0");
        cr_assert_gt(poll->t, r->t);
    }
    cr_assert_eq(log_count(SIM_EV_CONSUMER_POLL, 0, j.assign_us, ANY, NULL, 0), 0,
                 "nothing consumed before the assignment");
    sim_world_run(w);
    check_no_violations(w);
    cr_assert_eq(w->groups.rebalances[0], 1);
    cr_assert_eq(w->groups.redelivered[0], 0);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(groups, auto_offset_reset_latest_starts_at_the_high_watermark)
{
    scn_config *cfg = load(JOIN_WORLD("latest"));
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    log_attach(w);
    const joined j = run_join(w);
    sim_world_run_until(w, j.assign_us + SIM_S(1));
    /* latest = the partition's HW when the leader answered the member's reset (a Fetch
     * that arrived 1 ms before the reset event): the records before it, produced since
     * 1 s, are never processed by the group. */
    for (uint32_t q = 0; q < 4; q++) {
        const int64_t m = q < 2 ? 0 : 1;
        const sim_trace_rec *r = FIRST(SIM_EV_CONSUMER_OFFSET_RESET, 0, T_END, MEMBER(m), 0, m, q);
        cr_assert_not_null(r);
        const int64_t leader = sim_world_partition(w, q)->leader;
        const sim_trace_rec *fetch = LAST(SIM_EV_NET_DELIVER, r->t - SIM_MS(1), r->t - SIM_MS(1),
                                          leader, ANY, MEMBER(m), NET_MSG_CONSUMER_FETCH_REQ);
        cr_assert_not_null(fetch, "the reset Fetch reached partition %u's leader", q);
        int64_t hw = 0;
        for (uint32_t i = 0; i < g_log.count && g_log.recs[i].seq < fetch->seq; i++) {
            const sim_trace_rec *e = &g_log.recs[i];
            if (e->ev == SIM_EV_REPL_HW && e->node == leader && e->f[0] == q) hw = e->f[1];
        }
        cr_assert_gt(hw, 0, "partition %u had records before the group started", q);
        cr_assert_eq(r->f[3], hw, "partition %u: reset to the HW", q);
        const sim_trace_rec *poll = FIRST(SIM_EV_CONSUMER_POLL, 0, T_END, ANY, 0, ANY, q);
        cr_assert_not_null(poll);
        cr_assert_eq(poll->f[3], hw, "the first poll starts at the HW");
        for (int64_t o = 0; o < hw; o++)
            cr_assert_eq(processed(w, q, o), 0, "partition %u offset %ld: before latest", q,
                         (long)o);
    }
    sim_world_run(w);
    check_no_violations(w);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(groups, a_lone_first_member_waits_the_initial_delay_once)
{
    scn_config *cfg =
        load(WORLD("12s", "", "4", "", "{\"group\": \"billing\", \"topics\": [\"orders\"]}", ""));
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    log_attach(w);
    /* Kafka sets newMemberAdded only for a member added while the group prepares its
     * first rebalance (GroupMetadataManager.addMemberThenRebalanceOrCompleteJoin), not
     * for the one whose join started it: a lone member waits one delay. */
    const sim_trace_rec *prep =
        wait_for(w, WANT(SIM_EV_GROUP_STATE, 0, ANY, 0, KG_STATE_PREPARING_REBALANCE), SIM_S(3),
                 "PreparingRebalance");
    const sim_time p = prep->t;
    const sim_trace_rec *done =
        wait_for(w, WANT(SIM_EV_GROUP_STATE, p, ANY, 0, KG_STATE_COMPLETING_REBALANCE),
                 p + SIM_S(7), "the join phase ends");
    cr_assert_eq(done->t, p + SIM_S(3), "nobody joined during the delay: no extension");
    cr_assert_eq(done->f[2], 1);
    cr_assert_eq(done->f[3], 1);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ==================================================================================
 * 2-3. A member crashes (expired after its session) or leaves (removed at once)
 * ================================================================================== */

/* Two members, no records, session 10 s, heartbeats every 3 s; member 1 is removed at
 * 12 s (graceful: close(), else a crash). */
#define REMOVE_WORLD(graceful, static_members)                                                     \
    WORLD("40s", "", "4", "",                                                                      \
          "{\"group\": \"billing\", \"topics\": [\"orders\"], \"members\": 2," static_members      \
          " \"commit\": \"after_processing\", \"config\": {\"enable.auto.commit\": false,"         \
          " \"session.timeout.ms\": 10000, \"heartbeat.interval.ms\": 3000}}",                     \
          "{\"at\": \"12s\", \"do\": \"remove_consumer\", \"group\": \"billing\", \"member\": 1,"  \
          " \"graceful\": " graceful "}")

/* Steps to generation 1 with both members assigned; returns the coordinator's node. */
static int64_t run_to_generation_1(sim_world *w)
{
    const sim_trace_rec *a1 = wait_for(w, WANT(SIM_EV_GROUP_ASSIGN, 0, MEMBER(1), 0, 1, 1),
                                       SIM_S(10), "member 1's first assignment");
    wait_for(w, WANT(SIM_EV_GROUP_ASSIGN, 0, MEMBER(0), 0, 0, 1), a1->t, "member 0's");
    int32_t broker = -1;
    coordinator(w, &broker);
    return broker;
}

/* Member 1, gone at 12 s without a LeaveGroup, is expired by the coordinator exactly
 * session.timeout.ms (10 s) after the last heartbeat the coordinator received from it. */
static const sim_trace_rec *member_1_expires(sim_world *w, int64_t coord)
{
    const sim_trace_rec *exp =
        wait_for(w, WANT(SIM_EV_GROUP_MEMBER_EXPIRED, SIM_S(12), coord, 0, 1), SIM_S(23),
                 "the session expires");
    const sim_trace_rec *last =
        LAST(SIM_EV_NET_DELIVER, 0, SIM_S(12), coord, ANY, MEMBER(1), NET_MSG_HEARTBEAT_REQ);
    cr_assert_not_null(last);
    cr_assert_eq(exp->t, last->t + SIM_S(10));
    return exp;
}

/* After the rebalance member 1's removal caused at `removed_us` (the coordinator going
 * PreparingRebalance): member 0 learns it at its next heartbeat (REBALANCE_IN_PROGRESS),
 * rejoins at once, and owns all four partitions in generation 2. Returns that time. */
static sim_time survivor_takes_over(sim_world *w, int64_t coord, sim_time removed_us)
{
    const sim_trace_rec *hb =
        wait_for(w, WANT(SIM_EV_NET_SEND, removed_us, MEMBER(0), ANY, coord, NET_MSG_HEARTBEAT_REQ),
                 removed_us + SIM_S(3), "the survivor's next heartbeat");
    const sim_trace_rec *join = wait_for(
        w, WANT(SIM_EV_NET_SEND, removed_us, MEMBER(0), ANY, coord, NET_MSG_JOIN_GROUP_REQ),
        hb->t + SIM_MS(2), "the survivor rejoins");
    cr_assert_eq(join->t, hb->t + SIM_MS(2), "on the heartbeat's answer");
    /* Every member the coordinator knows has rejoined: the join completes at once. */
    const sim_trace_rec *done = wait_for(
        w, WANT(SIM_EV_GROUP_STATE, removed_us, coord, 0, KG_STATE_COMPLETING_REBALANCE, 2, 1),
        join->t + SIM_MS(1), "generation 2");
    cr_assert_eq(done->t, join->t + SIM_MS(1));
    const sim_trace_rec *a = wait_for(w, WANT(SIM_EV_GROUP_ASSIGN, removed_us, MEMBER(0), 0, 0, 2),
                                      done->t + SIM_MS(10), "the survivor's assignment");
    cr_assert_eq(a->f[3], 4, "all four partitions");
    cr_assert_eq(owned_count(member(w, 0)), 4);
    return a->t;
}

Test(groups, a_crashed_member_expires_a_session_after_its_last_heartbeat)
{
    scn_config *cfg = load(REMOVE_WORLD("false", ""));
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    log_attach(w);
    const int64_t coord = run_to_generation_1(w);
    /* Step 1: member 1 crashes at 12 s: no LeaveGroup, it just stops heartbeating. */
    wait_for(w, WANT(SIM_EV_ACTION, SIM_S(12), ANY, 0), SIM_S(12), "the crash");
    const sim_time crash = sim_world_now(w);
    cr_assert_eq(crash, SIM_S(12));
    /* Its last message to the coordinator was a heartbeat (every 3 s since its
     * assignment), delivered at h. */
    const sim_trace_rec *last = LAST(SIM_EV_NET_DELIVER, 0, crash, coord, ANY, MEMBER(1), ANY);
    cr_assert_not_null(last);
    cr_assert_eq(last->f[2], NET_MSG_HEARTBEAT_REQ);
    const sim_time h = last->t;
    /* Step 2: the group stays Stable until the session expires, 10 s after h (not after the
     * crash): the member is removed and the group rebalances. */
    const sim_trace_rec *exp = wait_for(w, WANT(SIM_EV_GROUP_MEMBER_EXPIRED, crash, coord, 0, 1),
                                        crash + SIM_S(11), "the session expires");
    cr_assert_eq(exp->t, h + SIM_S(10), "session.timeout.ms after the last heartbeat");
    cr_assert_lt(exp->t, crash + SIM_S(10));
    cr_assert_eq(COUNT(SIM_EV_GROUP_STATE, crash, exp->t - 1, coord, ANY), 0, "Stable till then");
    const sim_trace_rec *prep =
        FIRST(SIM_EV_GROUP_STATE, exp->t, exp->t, coord, 0, KG_STATE_PREPARING_REBALANCE, 1, 1);
    cr_assert_not_null(prep, "a rebalance starts with one member left");
    /* Step 3: the survivor learns at its next heartbeat and gets everything in gen 2. */
    survivor_takes_over(w, coord, exp->t);
    cr_assert_eq(COUNT(SIM_EV_GROUP_ASSIGN, crash, T_END, MEMBER(1), ANY), 0);
    sim_world_run(w);
    check_no_violations(w);
    cr_assert_eq(w->groups.rebalances[0], 2);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(groups, a_leaving_member_is_removed_at_once)
{
    scn_config *cfg = load(REMOVE_WORLD("true", ""));
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    log_attach(w);
    const int64_t coord = run_to_generation_1(w);
    /* Step 1: close() at 12 s sends LeaveGroup (a dynamic member); it arrives 1 ms later
     * and the coordinator removes the member at once: no session wait, no expiry. */
    const sim_trace_rec *leave = wait_for(
        w, WANT(SIM_EV_NET_SEND, SIM_S(12), MEMBER(1), ANY, coord, NET_MSG_LEAVE_GROUP_REQ),
        SIM_S(12), "LeaveGroup");
    cr_assert_eq(leave->t, SIM_S(12));
    const sim_trace_rec *prep = wait_for(
        w, WANT(SIM_EV_GROUP_STATE, SIM_S(12), coord, 0, KG_STATE_PREPARING_REBALANCE, 1, 1),
        SIM_S(12) + SIM_MS(1), "the member is removed");
    cr_assert_eq(prep->t, SIM_S(12) + SIM_MS(1));
    /* Step 2: the survivor takes over at its next heartbeat, long before a session
     * timeout would have passed. */
    const sim_time done = survivor_takes_over(w, coord, prep->t);
    cr_assert_lt(done, SIM_S(12) + SIM_S(4), "within one heartbeat interval");
    sim_world_run(w);
    cr_assert_eq(COUNT(SIM_EV_GROUP_MEMBER_EXPIRED, 0, T_END, ANY, ANY), 0, "nobody expired");
    cr_assert_eq(w->groups.rebalances[0], 2);
    check_no_violations(w);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ==================================================================================
 * 4. Static membership (KIP-345)
 * ================================================================================== */

Test(groups, a_static_member_restarting_within_its_session_causes_no_rebalance)
{
    scn_config *cfg = load(REMOVE_WORLD("false", " \"static\": true,"));
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    log_attach(w);
    const int64_t coord = run_to_generation_1(w);
    const kg_bitmap before = coordinator(w, NULL)->members[1].assignment;
    const uint32_t old_id = coordinator(w, NULL)->members[1].incarnation;
    cr_assert_eq(COUNT(SIM_EV_NET_SEND, 0, T_END, MEMBER(0), ANY, ANY, NET_MSG_JOIN_GROUP_REQ), 1,
                 "static members join without MEMBER_ID_REQUIRED");
    /* Step 1: member 1 crashes at 12 s; no timeline action restarts a consumer, so the
     * test restarts its process at 15 s, inside the 10 s session, with the same
     * group.instance.id (billing-1). */
    sim_world_run_until(w, SIM_S(15));
    cr_assert_eq(member(w, 1)->state, KG_C_DOWN);
    cr_assert(kg_restart_consumer(&w->groups, 0, 1));
    /* Step 2: it finds the coordinator and joins with no member id; the coordinator knows
     * its instance id and the group is Stable: it swaps in a new member id and answers
     * with the current generation. No rebalance. */
    const sim_trace_rec *a = wait_for(w, WANT(SIM_EV_GROUP_ASSIGN, SIM_S(15), MEMBER(1), 0, 1),
                                      SIM_S(15) + SIM_MS(20), "the restarted member's assignment");
    cr_assert_eq(a->f[2], 1, "generation unchanged");
    cr_assert_eq(a->f[3], 2);
    cr_assert_eq(
        COUNT(SIM_EV_NET_DELIVER, SIM_S(15), T_END, coord, ANY, MEMBER(1), NET_MSG_JOIN_GROUP_REQ),
        1, "one JoinGroup, with the instance id and no member id");
    for (uint32_t q = 0; q < 4; q++)
        cr_assert_eq(owns(member(w, 1), q), bitmap_test(&before, q), "partition %u: the same", q);
    const uint32_t new_id = coordinator(w, NULL)->members[1].incarnation;
    cr_assert_neq(new_id, old_id, "a new member id replaced the old one");
    cr_assert_eq(member(w, 1)->incarnation, new_id);
    /* Step 3: nothing else happens: the group stays Stable in generation 1 to the end. */
    sim_world_run(w);
    cr_assert_eq(COUNT(SIM_EV_GROUP_STATE, SIM_S(12), T_END, ANY, ANY), 0);
    cr_assert_eq(COUNT(SIM_EV_GROUP_MEMBER_EXPIRED, 0, T_END, ANY, ANY), 0);
    cr_assert_eq(
        COUNT(SIM_EV_NET_SEND, SIM_S(12), T_END, MEMBER(0), ANY, ANY, NET_MSG_JOIN_GROUP_REQ), 0,
        "the other member never rejoined");
    cr_assert_eq(w->groups.rebalances[0], 1);
    cr_assert_eq(coordinator(w, NULL)->generation, 1);
    check_no_violations(w);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(groups, a_static_member_back_after_its_session_rebalances_twice)
{
    scn_config *cfg = load(REMOVE_WORLD("false", " \"static\": true,"));
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    log_attach(w);
    const int64_t coord = run_to_generation_1(w);
    /* Step 1: member 1 crashes at 12 s and stays away past its session: it is expired
     * 10 s after its last heartbeat and member 0 gets everything (generation 2). */
    const sim_trace_rec *exp = member_1_expires(w, coord);
    survivor_takes_over(w, coord, exp->t);
    /* Step 2: restarted at 25 s, it is a member the group no longer has: a rebalance to
     * generation 3, two partitions each. */
    sim_world_run_until(w, SIM_S(25));
    cr_assert(kg_restart_consumer(&w->groups, 0, 1));
    const sim_trace_rec *prep = wait_for(
        w, WANT(SIM_EV_GROUP_STATE, SIM_S(25), coord, 0, KG_STATE_PREPARING_REBALANCE, 2, 2),
        SIM_S(26), "a rebalance for the returning member");
    const sim_trace_rec *a1 = wait_for(w, WANT(SIM_EV_GROUP_ASSIGN, prep->t, MEMBER(1), 0, 1, 3),
                                       prep->t + SIM_S(4), "generation 3");
    const sim_trace_rec *a0 = wait_for(w, WANT(SIM_EV_GROUP_ASSIGN, prep->t, MEMBER(0), 0, 0, 3),
                                       a1->t, "generation 3 for member 0");
    cr_assert_eq(a0->f[3], 2);
    cr_assert_eq(a1->f[3], 2);
    sim_world_run(w);
    cr_assert_eq(w->groups.rebalances[0], 3);
    check_no_violations(w);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(groups, a_static_member_closing_sends_no_leave_group)
{
    scn_config *cfg = load(REMOVE_WORLD("true", " \"static\": true,"));
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    log_attach(w);
    const int64_t coord = run_to_generation_1(w);
    /* close() of a static member sends no LeaveGroup (KIP-345): the coordinator learns
     * only when the session expires, 10 s after the last heartbeat. */
    const sim_trace_rec *exp = member_1_expires(w, coord);
    cr_assert_eq(COUNT(SIM_EV_NET_SEND, 0, T_END, MEMBER(1), ANY, ANY, NET_MSG_LEAVE_GROUP_REQ), 0);
    cr_assert_eq(COUNT(SIM_EV_GROUP_STATE, SIM_S(12), exp->t - 1, coord, ANY), 0);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ==================================================================================
 * 5. Cooperative rebalancing (KIP-429): two rounds, retained partitions keep flowing
 * ================================================================================== */

/* Two members on six partitions, a third added at 12 s; auto commit, light load. */
#define ADD_WORLD(strategy)                                                                        \
    WORLD("22s", "", "6", PRODUCER("300"),                                                         \
          "{\"group\": \"billing\", \"topics\": [\"orders\"], \"members\": 2,"                     \
          " \"processing\": \"1ms\", \"config\": {\"partition.assignment.strategy\": \"" strategy  \
          "\", \"auto.offset.reset\": \"earliest\", \"session.timeout.ms\": 10000}}",              \
          "{\"at\": \"12s\", \"do\": \"add_consumer\", \"group\": \"billing\"}")

Test(groups, cooperative_sticky_hands_partitions_over_in_two_rounds)
{
    scn_config *cfg = load(ADD_WORLD("cooperative-sticky"));
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    log_attach(w);
    wait_for(w, WANT(SIM_EV_GROUP_ASSIGN, 0, MEMBER(1), 0, 1, 1, 3), SIM_S(10), "generation 1");
    wait_for(w, WANT(SIM_EV_GROUP_ASSIGN, 0, MEMBER(0), 0, 0, 1, 3), SIM_S(10), "generation 1");
    /* Round 1 (generation 2): the sticky assignor keeps two partitions on each old member
     * and takes one from each; the cooperative protocol gives the new member nothing yet,
     * since those partitions are still owned. */
    const sim_trace_rec *r1[3];
    for (int64_t m = 0; m < 3; m++)
        r1[m] = wait_for(w, WANT(SIM_EV_GROUP_ASSIGN, SIM_S(12), MEMBER(m), 0, m, 2), SIM_S(17),
                         "round 1");
    kg_bitmap kept_by[2], revoked = {0};
    for (int64_t m = 0; m < 2; m++) {
        cr_assert_eq(r1[m]->f[3], 2, "member %ld keeps two", (long)m);
        cr_assert_eq(r1[m]->f[4], 1, "member %ld revokes one", (long)m);
        kept_by[m] = member(w, (uint32_t)m)->owned;
    }
    cr_assert_eq(r1[2]->f[3], 0, "the new member gets nothing in round 1");
    for (uint32_t q = 0; q < 6; q++)
        if (!bitmap_test(&kept_by[0], q) && !bitmap_test(&kept_by[1], q)) revoked.w[0] |= 1ull << q;
    /* The members that revoked rejoin at once: round 2 (generation 3) hands the revoked
     * partitions to the new member; the others keep theirs. */
    const sim_time round1 = r1[2]->t;
    const sim_trace_rec *r2[3];
    for (int64_t m = 0; m < 3; m++)
        r2[m] = wait_for(w, WANT(SIM_EV_GROUP_ASSIGN, round1, MEMBER(m), 0, m, 3), SIM_S(20),
                         "round 2");
    cr_assert_eq(r2[2]->f[3], 2, "the new member gets the two revoked partitions");
    for (uint32_t q = 0; q < 6; q++)
        cr_assert_eq(owns(member(w, 2), q), bitmap_test(&revoked, q), "partition %u", q);
    for (int64_t m = 0; m < 2; m++) {
        cr_assert_eq(r2[m]->f[3], 2);
        cr_assert_eq(r2[m]->f[4], 0, "nothing revoked in round 2");
        for (uint32_t q = 0; q < 6; q++)
            cr_assert_eq(owns(member(w, (uint32_t)m), q), bitmap_test(&kept_by[m], q),
                         "member %ld, partition %u: sticky", (long)m, q);
    }
    const sim_time round2 = r2[0]->t;
    /* Between the rounds the retained partitions keep being consumed; the revoked ones
     * are consumed by nobody. */
    for (int64_t m = 0; m < 2; m++)
        for (uint32_t q = 0; q < 6; q++) {
            if (!bitmap_test(&kept_by[m], q)) continue;
            cr_assert_gt(COUNT(SIM_EV_CONSUMER_POLL, round1, round2, MEMBER(m), 0, m, q), 0,
                         "member %ld keeps consuming partition %u during the rebalance", (long)m,
                         q);
        }
    for (uint32_t q = 0; q < 6; q++)
        if (bitmap_test(&revoked, q))
            cr_assert_eq(COUNT(SIM_EV_CONSUMER_POLL, round1, round2 - 1, ANY, 0, ANY, q), 0,
                         "revoked partition %u is owned by nobody between the rounds", q);
    sim_world_run(w);
    cr_assert_eq(w->groups.rebalances[0], 3, "generation + 2 for one new member");
    check_no_violations(w);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(groups, eager_range_revokes_everything_for_one_round)
{
    scn_config *cfg = load(ADD_WORLD("range"));
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    log_attach(w);
    /* Eager: every member gives up all its partitions before rejoining, so the whole
     * group stops until the single round's assignment. */
    const sim_trace_rec *prep =
        wait_for(w, WANT(SIM_EV_GROUP_STATE, SIM_S(12), ANY, 0, KG_STATE_PREPARING_REBALANCE, 1),
                 SIM_S(13), "the rebalance");
    const sim_trace_rec *rejoin =
        wait_for(w, WANT(SIM_EV_NET_SEND, prep->t, MEMBER(0), ANY, ANY, NET_MSG_JOIN_GROUP_REQ),
                 SIM_S(16), "member 0 rejoins");
    cr_assert_eq(owned_count(member(w, 0)), 0, "revoked all before JoinGroup");
    const sim_trace_rec *a[3];
    for (int64_t m = 0; m < 3; m++)
        a[m] = wait_for(w, WANT(SIM_EV_GROUP_ASSIGN, prep->t, MEMBER(m), 0, m, 2), SIM_S(17),
                        "generation 2");
    for (int64_t m = 0; m < 3; m++) cr_assert_eq(a[m]->f[3], 2);
    cr_assert_eq(COUNT(SIM_EV_CONSUMER_POLL, rejoin->t, a[0]->t - 1, MEMBER(0), ANY), 0);
    sim_world_run(w);
    cr_assert_eq(w->groups.rebalances[0], 2, "one round");
    check_no_violations(w);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(groups, cooperative_members_committing_after_processing_keep_consuming_in_a_rebalance)
{
    scn_config *cfg =
        load(WORLD("22s", "", "6", PRODUCER("300"),
                   "{\"group\": \"billing\", \"topics\": [\"orders\"], \"members\": 2,"
                   " \"processing\": \"1ms\", \"commit\": \"after_processing\","
                   " \"config\": {\"partition.assignment.strategy\":"
                   " \"cooperative-sticky\", \"enable.auto.commit\": false,"
                   " \"auto.offset.reset\": \"earliest\", \"session.timeout.ms\": 10000}}",
                   "{\"at\": \"12s\", \"do\": \"add_consumer\", \"group\": \"billing\"}"));
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    log_attach(w);
    const sim_trace_rec *r1 =
        wait_for(w, WANT(SIM_EV_GROUP_ASSIGN, SIM_S(12), MEMBER(2), 0, 2, 2), SIM_S(17), "round 1");
    const sim_trace_rec *r2 =
        wait_for(w, WANT(SIM_EV_GROUP_ASSIGN, r1->t, MEMBER(2), 0, 2, 3), SIM_S(20), "round 2");
    cr_assert_gt(r2->t - r1->t, SIM_S(1), "the new member learns of round 2 at a heartbeat");
    /* 300 records/s over 6 partitions: each retained partition gets about 50 records a
     * second; over the > 1 s between the rounds each owner polls many times. */
    for (int64_t m = 0; m < 2; m++)
        cr_assert_geq(COUNT(SIM_EV_CONSUMER_POLL, r1->t, r2->t, MEMBER(m), 0, m), 20,
                      "member %ld keeps consuming", (long)m);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(groups, a_cooperative_auto_committing_member_rejoins_under_load)
{
    scn_config *cfg =
        load(WORLD("20s", "", "6", PRODUCER("3000"),
                   "{\"group\": \"billing\", \"topics\": [\"orders\"], \"members\": 2,"
                   " \"processing\": \"1ms\", \"config\": {\"partition.assignment.strategy\":"
                   " \"cooperative-sticky\", \"auto.offset.reset\": \"earliest\","
                   " \"session.timeout.ms\": 10000}}",
                   "{\"at\": \"12s\", \"do\": \"add_consumer\", \"group\": \"billing\"}"));
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    log_attach(w);
    /* Round 1 needs the old members' heartbeats (3 s), round 2 the new member's (3 s). */
    wait_for(w, WANT(SIM_EV_GROUP_ASSIGN, SIM_S(12), MEMBER(2), 0, 2, 3), SIM_S(19), "round 2");
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ==================================================================================
 * 6. The coordinator's broker crashes: the group moves without a rebalance
 * ================================================================================== */

Test(groups, a_new_coordinator_loads_the_group_and_its_offsets)
{
    scn_config *cfg =
        load(WORLD("45s", "", "4", PRODUCER("200"),
                   "{\"group\": \"billing\", \"topics\": [\"orders\"], \"members\": 2, "
                   "\"processing\": \"1ms\","
                   " \"commit\": \"after_processing\", \"config\": {\"enable.auto.commit\": false,"
                   " \"auto.offset.reset\": \"earliest\", \"session.timeout.ms\": 10000}}",
                   "{\"at\": \"15s\", \"do\": \"crash\", \"node\": \"coordinator:billing\"}"));
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    log_attach(w);
    const uint32_t op = offsets_partition(w);
    /* Step 1: generation 1, both members consuming and committing after each batch. */
    sim_world_run_until(w, SIM_S(15) - 1);
    int32_t old = -1;
    const kg_coord *c = coordinator(w, &old);
    cr_assert_eq(c->state, KG_STATE_STABLE);
    cr_assert_eq(c->generation, 1);
    int64_t committed[4];
    for (uint32_t q = 0; q < 4; q++) {
        const sim_trace_rec *last = LAST(SIM_EV_GROUP_COMMIT, 0, T_END, old, 0, q);
        cr_assert_not_null(last, "partition %u committed before the crash", q);
        committed[q] = last->f[2];
        cr_assert_eq(c->committed[q], committed[q]);
        cr_assert_gt(committed[q], 0);
    }
    /* Step 2: its broker crashes at 15 s; the consumers' connections reset, so they look
     * for the coordinator again (FindCoordinator). */
    const sim_trace_rec *crash =
        wait_for(w, WANT(SIM_EV_NODE_CRASH, SIM_S(15), old, ANY), SIM_S(15), "the crash");
    for (int64_t m = 0; m < 2; m++)
        wait_for(w,
                 WANT(SIM_EV_NET_SEND, crash->t, MEMBER(m), ANY, ANY, NET_MSG_FIND_COORDINATOR_REQ),
                 SIM_S(16), "FindCoordinator after the reset");
    /* Step 3: once the controller moves the offsets partition's leadership, the new
     * leader's coordinator replays the partition: the group is Stable in the same
     * generation with both members, and every offset committed before the crash is
     * there. */
    const sim_trace_rec *moved = wait_for(w, WANT(SIM_EV_GROUP_STATE, crash->t, ANY, 0), SIM_S(40),
                                          "the group on a new coordinator");
    const int64_t now_coord = moved->node;
    cr_assert_neq(now_coord, old);
    cr_assert_eq(moved->f[1], KG_STATE_STABLE, "loaded Stable: no rebalance");
    cr_assert_eq(moved->f[2], 1, "the same generation");
    cr_assert_eq(moved->f[3], 2);
    const sim_trace_rec *change =
        LAST(SIM_EV_PARTITION_CHANGE, crash->t, moved->t, ANY, op, now_coord);
    cr_assert_not_null(change, "the controller made it the offsets partition's leader first");
    int32_t broker = -1;
    c = coordinator(w, &broker);
    cr_assert_eq(broker, now_coord);
    for (uint32_t q = 0; q < 4; q++)
        cr_assert_geq(c->committed[q], committed[q], "partition %u: committed offset kept", q);
    /* Step 4: the consumers find it and carry on: they commit there in generation 1 and
     * keep consuming; nobody rejoins. */
    for (int64_t m = 0; m < 2; m++) {
        const sim_trace_rec *commit =
            wait_for(w,
                     WANT(SIM_EV_NET_DELIVER, moved->t, now_coord, ANY, MEMBER(m),
                          NET_MSG_OFFSET_COMMIT_REQ),
                     moved->t + SIM_S(4), "a commit to the new coordinator");
        wait_for(w, WANT(SIM_EV_CONSUMER_POLL, commit->t, MEMBER(m), 0, m), commit->t + SIM_S(2),
                 "consumption goes on");
    }
    sim_world_run(w);
    cr_assert_eq(COUNT(SIM_EV_NET_SEND, crash->t, T_END, ANY, ANY, ANY, NET_MSG_JOIN_GROUP_REQ), 0,
                 "nobody rejoined");
    cr_assert_eq(COUNT(SIM_EV_GROUP_STATE, moved->t + 1, T_END, ANY, ANY), 0);
    cr_assert_gt(COUNT(SIM_EV_GROUP_COMMIT, moved->t, T_END, now_coord, 0, ANY, ANY, 1), 0);
    for (uint32_t q = 0; q < 4; q++) {
        const sim_trace_rec *first = FIRST(SIM_EV_GROUP_COMMIT, moved->t, T_END, now_coord, 0, q);
        cr_assert_not_null(first);
        cr_assert_geq(first->f[2], committed[q], "partition %u", q);
    }
    cr_assert_eq(w->groups.rebalances[0], 1);
    uint64_t redelivered = 0, skipped = 0;
    kg_group_accounting(&w->groups, 0, &redelivered, &skipped);
    cr_assert_eq(skipped, 0, "commit after processing skips nothing");
    cr_assert_eq(redelivered, 0, "without a rebalance nothing is read twice");
    check_no_violations(w);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ==================================================================================
 * 7. One broker: __consumer_offsets needs offsets.topic.replication.factor brokers
 * ================================================================================== */

/* One broker: a single combined node (node 1), or three dedicated controllers and one
 * broker (node 4). */
#define ONE_BROKER(layout, cluster_config)                                                         \
    "{\"format\": 1, \"name\": \"one\", \"duration\": \"20s\","                                    \
    " \"cluster\": {" layout ", \"config\": {" cluster_config "}},"                                \
    " \"network\": {\"latency\": {\"min\": \"1ms\", \"max\": \"1ms\"}},"                           \
    " \"topics\": [{\"name\": \"orders\", \"partitions\": 2, \"replication_factor\": 1}],"         \
    " \"producers\": [{\"name\": \"app\", \"topic\": \"orders\", \"rate\": 100, \"keys\": 8,"      \
    " \"start\": \"1s\", \"stop\": \"15s\"}],"                                                     \
    " \"consumer_groups\": [{\"group\": \"billing\", \"topics\": [\"orders\"], \"members\": 2,"    \
    " \"config\": {\"auto.offset.reset\": \"earliest\"}}]}"
#define COMBINED  "\"mode\": \"combined\", \"controllers\": 1, \"brokers\": 1"
#define DEDICATED "\"mode\": \"dedicated\", \"controllers\": 3, \"brokers\": 1"

static void check_no_coordinator(const char *json, bool keeps_asking)
{
    /* Kafka cannot create __consumer_offsets with RF 3 on one broker: FindCoordinator
     * answers COORDINATOR_NOT_AVAILABLE, nobody joins, nothing is consumed. */
    scn_config *cfg = load(json);
    cr_assert_eq(cfg->group_broker.offsets_replication_factor, 3, "Kafka's default");
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    log_attach(w);
    sim_world_run(w);
    cr_assert_null(sim_world_partition(w, offsets_partition(w)), "__consumer_offsets never exists");
    cr_assert_null(kg_active_coordinator(&w->groups, 0, NULL),
                   "no coordinator: the summary says Dead");
    cr_assert_eq(COUNT(SIM_EV_GROUP_STATE, 0, T_END, ANY, ANY), 0);
    for (uint32_t m = 0; m < 2; m++) {
        cr_assert_geq(
            COUNT(SIM_EV_NET_SEND, 0, T_END, MEMBER(m), ANY, ANY, NET_MSG_FIND_COORDINATOR_REQ),
            keeps_asking ? 150 : 1, "member %u asks (every retry.backoff.ms, 100 ms)", m);
        if (keeps_asking)
            cr_assert_not_null(FIRST(SIM_EV_NET_SEND, SIM_S(19), T_END, MEMBER(m), ANY, ANY,
                                     NET_MSG_FIND_COORDINATOR_REQ),
                               "member %u still asks at the end", m);
        cr_assert_eq(COUNT(SIM_EV_NET_SEND, 0, T_END, MEMBER(m), ANY, ANY, NET_MSG_JOIN_GROUP_REQ),
                     0);
        cr_assert_eq(member(w, m)->coordinator, -1);
        cr_assert_neq(member(w, m)->state, KG_C_STABLE);
    }
    cr_assert_eq(w->groups.consumed[0], 0);
    cr_assert_eq(w->groups.generation[0], 0);
    cr_assert_eq(w->groups.rebalances[0], 0);
    sim_records rs;
    sim_world_records(w, &rs, NULL, 0);
    cr_assert_gt(rs.acked, 1000, "the data plane works: only groups are stuck");
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(groups, one_broker_with_offsets_rf_3_has_no_coordinator)
{
    check_no_coordinator(ONE_BROKER(COMBINED, ""), true);
    /* Here the consumers stop asking early: one_broker_consumers_keep_asking_for_a_coordinator. */
    check_no_coordinator(ONE_BROKER(DEDICATED, ""), false);
}

static void check_one_broker_works(const char *json, int32_t broker_id)
{
    scn_config *cfg = load(json);
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    log_attach(w);
    sim_world_run(w);
    int32_t broker = -1;
    const kg_coord *c = coordinator(w, &broker);
    cr_assert_eq(broker, broker_id, "the only broker");
    cr_assert_eq(c->state, KG_STATE_STABLE);
    cr_assert_eq(c->generation, 1);
    sim_records rs;
    sim_world_records(w, &rs, NULL, 0);
    cr_assert_gt(rs.acked, 1000);
    cr_assert_eq(w->groups.consumed[0], rs.acked, "every record consumed once");
    check_no_violations(w);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(groups, one_broker_with_offsets_rf_1_works)
{
    check_one_broker_works(ONE_BROKER(COMBINED, "\"offsets.topic.replication.factor\": 1"), 1);
    check_one_broker_works(ONE_BROKER(DEDICATED, "\"offsets.topic.replication.factor\": 1"), 4);
}

/* ==================================================================================
 * Consumers that cannot reach a coordinator yet keep retrying
 * ================================================================================== */

Test(groups, every_started_member_joins)
{
    scn_config *cfg =
        load("{\"format\": 1, \"name\": \"stuck\", \"duration\": \"30s\","
             " \"cluster\": {\"mode\": \"combined\", \"controllers\": 3, \"brokers\": 3,"
             " \"config\": {\"offsets.topic.num.partitions\": 3}},"
             " \"topics\": [{\"name\": \"orders\", \"partitions\": 6, \"replication_factor\": 3}],"
             " \"consumer_groups\": [{\"group\": \"billing\", \"topics\": [\"orders\"],"
             " \"members\": 3}]}");
    for (uint64_t seed = 1; seed <= 8; seed++) {
        sim_world *w = sim_world_new(cfg, seed, SIM_TIME_NEVER);
        sim_world_run(w);
        const kg_coord *c = coordinator(w, NULL);
        uint32_t members = 0;
        for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) members += c->members[i].present;
        cr_assert_eq(members, 3, "seed %lu: %u of 3 members in the group", (unsigned long)seed,
                     members);
        sim_world_free(w);
    }
    scn_config_free(cfg);
}

Test(groups, one_broker_consumers_keep_asking_for_a_coordinator)
{
    scn_config *cfg = load(ONE_BROKER(DEDICATED, ""));
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    log_attach(w);
    sim_world_run(w);
    for (uint32_t m = 0; m < 2; m++) {
        /* 100 ms backoff plus a 2 ms round trip over about 18.7 s. */
        cr_assert_geq(
            COUNT(SIM_EV_NET_SEND, 0, T_END, MEMBER(m), ANY, ANY, NET_MSG_FIND_COORDINATOR_REQ),
            150, "member %u keeps asking", m);
        cr_assert_not_null(FIRST(SIM_EV_NET_SEND, SIM_S(19), T_END, MEMBER(m), ANY, ANY,
                                 NET_MSG_FIND_COORDINATOR_REQ),
                           "member %u still asks at the end", m);
    }
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ==================================================================================
 * 9. Eager vs cooperative: the partitions paused by one member's crash
 * ================================================================================== */

#define CRASH_WORLD(strategy)                                                                      \
    WORLD("40s", "", "6", PRODUCER("300"),                                                         \
          "{\"group\": \"billing\", \"topics\": [\"orders\"], \"members\": 3,"                     \
          " \"processing\": \"20ms\", \"commit\": \"after_processing\","                           \
          " \"config\": {\"partition.assignment.strategy\": \"" strategy "\","                     \
          " \"enable.auto.commit\": false, \"auto.offset.reset\": \"earliest\","                   \
          " \"session.timeout.ms\": 10000, \"max.poll.records\": 50}}",                            \
          "{\"at\": \"15s\", \"do\": \"remove_consumer\", \"group\": \"billing\", \"member\": 2,"  \
          " \"graceful\": false}")

static uint64_t paused_us(const scn_config *cfg, uint64_t seed, uint64_t *rebalances)
{
    sim_world *w = sim_world_new(cfg, seed, SIM_TIME_NEVER);
    sim_world_run(w);
    check_no_violations(w);
    const uint64_t paused = w->groups.paused_partition_us[0];
    *rebalances = w->groups.rebalances[0];
    sim_world_free(w);
    return paused;
}

Test(groups, cooperative_pauses_less_than_eager_when_a_member_crashes)
{
    /* A member of three crashes: its two partitions wait for its session to expire
     * under either protocol (about 2 x 10 s). Eager survivors then give up their four
     * partitions too, each after the batch in hand (up to 50 x 20 ms), and get them back
     * only when the slower one has rejoined; cooperative survivors keep theirs. */
    scn_config *eager = load(CRASH_WORLD("range"));
    scn_config *coop = load(CRASH_WORLD("cooperative-sticky"));
    for (uint64_t seed = 1; seed <= 3; seed++) {
        uint64_t re = 0, rc = 0;
        const uint64_t pe = paused_us(eager, seed, &re);
        const uint64_t pc = paused_us(coop, seed, &rc);
        cr_assert_eq(re, 2, "seed %lu: eager: one rebalance after the crash", (unsigned long)seed);
        cr_assert_eq(rc, 2, "seed %lu: cooperative: one round (nothing to revoke)",
                     (unsigned long)seed);
        cr_assert_geq(pc, 2 * SIM_S(9), "seed %lu: the crashed member's two partitions",
                      (unsigned long)seed);
        cr_assert_lt(pc, pe, "seed %lu: cooperative paused %lu us, eager %lu us",
                     (unsigned long)seed, (unsigned long)pc, (unsigned long)pe);
        cr_assert_geq(pe - pc, SIM_MS(100), "seed %lu: cooperative paused %lu us, eager %lu us",
                      (unsigned long)seed, (unsigned long)pc, (unsigned long)pe);
    }
    scn_config_free(eager);
    scn_config_free(coop);
}
