/*
 * test_topics.c — topics in a running world: creation through the metadata log, ISR
 *   shrink on fencing, ISR expansion after a restart, offline partitions, the lag-based
 *   ISR shrink, `describe topics`, and determinism.
 *
 * Goal: the data plane wired into the world behaves as Kafka's controller and replicas do
 *   (kafka-semantics.md §3, §4.6), at the virtual times Kafka's configs imply.
 * Method: scenarios written inline as JSON (loaded through the real loader), a fixed 1 ms
 *   network latency, stepping one event at a time with fx_step_until (each wait bounded in
 *   virtual time). `describe topics` is checked byte for byte by running the kraftlab
 *   binary ($KRAFTLAB, else build/kraftlab) on the same scenario written to a file.
 */
#include "world_fixture.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Three combined nodes; topic `orders`, one partition on replicas 1,2,3. */
#define ORDERS(extra_config, timeline)                                                             \
    "{\"format\": 1, \"name\": \"topics\", \"duration\": \"120s\","                                \
    " \"cluster\": {\"mode\": \"combined\", \"controllers\": 3, \"brokers\": 3" extra_config "},"  \
    " \"network\": {\"latency\": {\"min\": \"1ms\", \"max\": \"1ms\"}},"                           \
    " \"topics\": [{\"name\": \"orders\", \"partitions\": 1, \"replication_factor\": 3,"           \
    " \"assignment\": [[1, 2, 3]]}],"                                                              \
    " \"timeline\": [" timeline "]}"

static bool created(const sim_world *w, const void *ctx)
{
    (void)ctx;
    return sim_world_partition(w, 0) != NULL;
}

typedef struct isr_want {
    uint32_t isr_count;
    int32_t leader;
} isr_want;

static bool isr_is(const sim_world *w, const void *ctx)
{
    const isr_want *want = ctx;
    const kpc_reg *r = sim_world_partition(w, 0);
    return r != NULL && r->isr_count == want->isr_count && r->leader == want->leader;
}

static bool contains(const kpc_reg *r, int32_t id)
{
    return kpc_contains(r->isr, r->isr_count, id);
}

/* Runs `kraftlab describe FILE --at AT topics` on `json`; returns owned text. */
static char *describe_topics(const char *json, const char *at)
{
    char path[] = "/tmp/kraftlab-topics-XXXXXX";
    const int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(json, f);
    fclose(f);
    const char *bin = getenv("KRAFTLAB") ? getenv("KRAFTLAB") : "build/kraftlab";
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s describe %s --at %s topics", bin, path, at);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    static char out[4096];
    const size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    cr_assert_eq(pclose(p), 0, "%s failed", cmd);
    remove(path);
    return strdup(out);
}

Test(topics, created_with_every_replica_in_sync_and_the_first_replica_leading)
{
    scn_config *cfg = fx_config(ORDERS("", ""));
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    /* The controller writes TopicRecord + PartitionRecord once the three brokers have
     * registered and none is still starting; the broker images learn it at commit. */
    const sim_time t = fx_step_until(w, created, NULL, SIM_S(5), "partition created");
    const kpc_reg *r = sim_world_partition(w, 0);
    cr_assert_eq(r->isr_count, 3, "ISR = every replica (all unfenced at creation)");
    cr_assert_eq(r->leader, 1, "leader = the first replica");
    cr_assert_eq(r->leader_epoch, 0);
    cr_assert_eq(r->partition_epoch, 0);
    /* Within a few ms of commit every broker applied it: 1 leads, 2 and 3 follow. */
    sim_world_run_until(w, t + SIM_S(1)); /* followers learn the metadata HW by fetching */
    cr_assert_eq(repl_replica_get(&w->repl, 0, 0)->role, REPL_ROLE_LEADER);
    cr_assert_eq(repl_replica_get(&w->repl, 1, 0)->role, REPL_ROLE_FOLLOWER);
    cr_assert_eq(repl_replica_get(&w->repl, 2, 0)->role, REPL_ROLE_FOLLOWER);
    sim_partition_stats st;
    sim_world_partition_stats(w, &st);
    cr_assert_eq(st.total, 1);
    cr_assert_eq(st.under_replicated, 0);
    cr_assert(sim_world_ok(w));
    sim_world_free(w);
    scn_config_free(cfg);
}

/* The practice: stop kafka-2, describe, start it again, describe. */
#define STOP_START                                                                                 \
    ORDERS("", "{\"at\": \"10s\", \"do\": \"crash\", \"node\": \"follower:orders-0\"},"            \
               " {\"at\": \"40s\", \"do\": \"restart\", \"node\": 2}")

Test(topics, a_crashed_follower_leaves_the_isr_when_fenced_and_returns_after_restart)
{
    scn_config *cfg = fx_config(STOP_START);
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    /* Step 1: at 10 s follower:orders-0 resolves to node 2 (lowest-id non-leader). */
    sim_world_run_until(w, SIM_S(10));
    cr_assert_eq(sim_world_node_state(w, sim_world_endpoint_of(w, 2)), SIM_NODE_CRASHED);
    cr_assert(contains(sim_world_partition(w, 0), 2), "still in the ISR right after the crash");
    /* Step 2: its last heartbeat was at most 2 s before; broker.session.timeout.ms (9 s)
     * later the controller fences it and, in the same step, writes a
     * PartitionChangeRecord removing it from the ISR (leader 1 stays). */
    const isr_want two = {2, 1};
    const sim_time shrunk = fx_step_until(w, isr_is, &two, SIM_S(21), "ISR without 2");
    cr_assert_geq(shrunk, SIM_S(17), "not before the session timeout (9 s after >= 8 s)");
    /* The change precedes the fence record in the log (handleBrokerFenced). */
    sim_world_run_until(w, shrunk + SIM_MS(10));
    cr_assert(fx_broker(w, 2)->fenced);
    cr_assert_eq(sim_world_partition(w, 0)->leader_epoch, 0, "an ISR-only change");
    /* Step 3: restarted at 40 s, it registers, catches up, is unfenced, fetches from the
     * leader and the leader's AlterPartition adds it back. */
    sim_world_run_until(w, SIM_S(40));
    const isr_want three = {3, 1};
    const sim_time grown = fx_step_until(w, isr_is, &three, SIM_S(45), "ISR with 2 again");
    cr_assert_gt(grown, SIM_S(40));
    cr_assert(sim_world_ok(w));
    sim_world_free(w);
    scn_config_free(cfg);

    char *at20 = describe_topics(STOP_START, "20s");
    cr_assert_str_eq(at20, "Topic: orders\tTopicId: ZV1LyqbWRcm14diRcUyRtw\tPartitionCount: 1\t"
                           "ReplicationFactor: 3\tConfigs: \n"
                           "\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\t"
                           "Isr: 1,3\tElr: \tLastKnownElr: \n");
    free(at20);
    char *at50 = describe_topics(STOP_START, "50s");
    cr_assert_str_eq(at50, "Topic: orders\tTopicId: ZV1LyqbWRcm14diRcUyRtw\tPartitionCount: 1\t"
                           "ReplicationFactor: 3\tConfigs: \n"
                           "\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\t"
                           "Isr: 1,2,3\tElr: \tLastKnownElr: \n");
    free(at50);
}

Test(topics, losing_the_last_isr_member_without_unclean_election_leaves_no_leader)
{
    /* Crash 2 and 3 (10 s), then the leader 1 (30 s); 3 restarts at 60 s. Dedicated
     * controllers keep the quorum alive throughout. */
    const char *json =
        "{\"format\": 1, \"name\": \"offline\", \"duration\": \"120s\","
        " \"cluster\": {\"mode\": \"dedicated\", \"controllers\": 3, \"brokers\": 3},"
        " \"network\": {\"latency\": {\"min\": \"1ms\", \"max\": \"1ms\"}},"
        " \"topics\": [{\"name\": \"orders\", \"partitions\": 1, \"replication_factor\": 3,"
        " \"assignment\": [[4, 5, 6]]}],"
        " \"timeline\": [{\"at\": \"10s\", \"do\": \"crash\", \"node\": 5},"
        " {\"at\": \"10s\", \"do\": \"crash\", \"node\": 6},"
        " {\"at\": \"30s\", \"do\": \"crash\", \"node\": \"leader:orders-0\"},"
        " {\"at\": \"60s\", \"do\": \"restart\", \"node\": 6}]}";
    scn_config *cfg = fx_config(json);
    sim_world *w = sim_world_new(cfg, 3, SIM_TIME_NEVER);
    sim_world_run_until(w, SIM_S(29));
    const kpc_reg *r = sim_world_partition(w, 0);
    cr_assert_eq(r->isr_count, 1, "5 and 6 were fenced and removed");
    cr_assert_eq(r->leader, 4);
    /* The last ISR member is fenced ~9 s after 30 s: no acceptable ISR replica, unclean
     * election off → Leader: none, and the ISR keeps [4] (no ELR, never empty). */
    const isr_want none = {1, KPC_NO_LEADER};
    fx_step_until(w, isr_is, &none, SIM_S(41), "offline");
    cr_assert(contains(sim_world_partition(w, 0), 4));
    sim_partition_stats st;
    sim_world_partition_stats(w, &st);
    cr_assert_eq(st.offline, 1);
    /* 6 comes back at 60 s: unfenced, but not in the ISR, so still no leader. */
    sim_world_run_until(w, SIM_S(70));
    cr_assert_not(fx_broker(w, 6)->fenced);
    cr_assert_eq(sim_world_partition(w, 0)->leader, KPC_NO_LEADER);
    sim_world_partition_stats(w, &st);
    cr_assert_eq(st.unclean_elections, 0);
    sim_world_free(w);
    scn_config_free(cfg);
}

static bool isr_without_3(const sim_world *w, const void *ctx)
{
    (void)ctx;
    const kpc_reg *r = sim_world_partition(w, 0);
    return r != NULL && !contains(r, 3);
}

Test(topics, a_paused_follower_leaves_the_isr_between_lag_time_and_one_and_a_half)
{
    /* replica.lag.time.max.ms = 10 s; node 3 pauses at 20 s (its session keeps running
     * out too, but broker.session.timeout.ms is raised to 60 s so only the lag rule acts). */
    scn_config *cfg = fx_config(ORDERS(", \"config\": {\"replica.lag.time.max.ms\": 10000,"
                                       " \"broker.session.timeout.ms\": 60000}",
                                       "{\"at\": \"20s\", \"do\": \"pause\", \"node\": 3}"));
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    sim_world_run_until(w, SIM_S(21));
    cr_assert(contains(sim_world_partition(w, 0), 3));
    /* An idle partition never shrinks (a follower at the leader's LEO is caught up), so
     * the test appends one batch on the leader (broker index 0) at 21 s, acks=1. */
    const repl_produce_req req = {.partition_index = 0,
                                  .acks = 1,
                                  .record_count = 1,
                                  .record_bytes = 100,
                                  .producer_id = -1,
                                  .first_sequence = -1,
                                  .timeout_us = SIM_S(30)};
    repl_produce_result res;
    cr_assert(repl_produce(&w->repl, 0, &req, &res));
    cr_assert_eq(res.error, REPL_ERR_NONE);
    /* Node 3 was last caught up at its last fetch before the pause (at most one long
     * poll, 500 ms, before 20 s); the leader's isr-expiration check runs every 5 s, so the
     * shrink is proposed between 10 s and 15 s after that, and committed a few ms later. */
    const sim_time left = fx_step_until(w, isr_without_3, NULL, SIM_S(36), "ISR without 3");
    cr_assert_geq(left, SIM_S(20) - SIM_MS(500) + SIM_S(10));
    cr_assert_leq(left, SIM_S(20) + SIM_S(15) + SIM_MS(100));
    cr_assert_not(fx_broker(w, 3)->fenced, "the lag rule, not fencing");
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(topics, same_seed_same_digest)
{
    scn_config *cfg = fx_config(STOP_START);
    uint64_t digest[2];
    for (int i = 0; i < 2; i++) {
        sim_world *w = sim_world_new(cfg, 7, SIM_TIME_NEVER);
        sim_world_run(w);
        digest[i] = w->engine.trace.digest;
        sim_world_free(w);
    }
    cr_assert_eq(digest[0], digest[1]);
    sim_world *w = sim_world_new(cfg, 8, SIM_TIME_NEVER);
    sim_world_run(w);
    cr_assert_neq(w->engine.trace.digest, digest[0], "another seed, another run");
    sim_world_free(w);
    scn_config_free(cfg);
}
