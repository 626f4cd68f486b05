/*
 * test_replication.c — the data plane, narrated: replication and the HW, acks and
 *   min.insync.replicas, ISR shrink and expand, leader change with follower truncation.
 *
 * Goal: Kafka's replication rules (kafka-semantics.md §3) as a learner watches them,
 *   with the exact virtual times the model produces.
 * Method: repl_fixture (3 brokers, ids 1..3, one partition on [1,2,3], leader 1, fixed
 *   1 ms latency, a stand-in controller that publishes changes at once); every test
 *   narrates its steps and checks the fixture's observations after every event.
 */
#include "repl_fixture.h"

#include <criterion/criterion.h>

#define MS(x) SIM_MS(x)

static repl_fixture f;

static void teardown(void)
{
    rpf_deinit(&f);
}

static void setup3(uint32_t min_isr)
{
    rpf_config cfg;
    rpf_config_default(&cfg, 3, 1);
    cfg.repl.min_insync_replicas = min_isr;
    rpf_init(&f, &cfg);
}

/*
 * The followers' first Fetch (sent at 0 when they learn the leader) finds nothing and
 * is long-polled. A produce at 10 ms completes both parked Fetches at once; the
 * followers have the record at 11 ms and their next Fetch, arriving at 12 ms, tells the
 * leader their LEO: the HW moves to 1 and the acks=all produce is answered then. The
 * followers learn the new HW only with the next response: that Fetch has no data, so it
 * waits replica.fetch.wait.max.ms (500 ms) and the HW reaches them at 513 ms.
 */
Test(replication, replication_and_hw_advance, .fini = teardown)
{
    setup3(1);
    cr_assert_eq(rpf_rep(&f, 1, 0)->role, REPL_ROLE_LEADER);
    cr_assert_eq(rpf_rep(&f, 2, 0)->role, REPL_ROLE_FOLLOWER);
    rpf_run_until(&f, MS(10));
    const uint32_t a = rpf_produce(&f, 0, -1, 1, 100);
    cr_assert_not(rpf_answered(&f, a), "acks=all waits for the ISR");
    cr_assert_eq(rpf_rep(&f, 1, 0)->leo, 1);
    cr_assert_eq(rpf_rep(&f, 1, 0)->hw, 0);

    RPF_STEP_UNTIL(&f, rpf_rep(&f, 2, 0)->leo == 1 && rpf_rep(&f, 3, 0)->leo == 1, MS(100));
    cr_assert_eq(rpf_now(&f), MS(11), "woken long polls deliver the record in one hop");
    cr_assert_eq(rpf_rep(&f, 2, 0)->hw, 0, "the response carried HW 0");

    RPF_STEP_UNTIL(&f, rpf_rep(&f, 1, 0)->hw == 1, MS(100));
    cr_assert_eq(rpf_now(&f), MS(12), "the next Fetch (offset 1) moves the leader HW");
    RPF_STEP_UNTIL(&f, rpf_answered(&f, a), MS(100));
    cr_assert_eq(f.result_at[a], MS(12));
    cr_assert_eq(f.results[a].error, REPL_ERR_NONE);
    cr_assert_eq(f.results[a].base_offset, 0);

    RPF_STEP_UNTIL(&f, rpf_rep(&f, 2, 0)->hw == 1, MS(1000));
    cr_assert_eq(rpf_now(&f), MS(513), "the HW reaches followers after the long poll");
    rpf_check_clean(&f);
}

static int32_t pos_of(const repl_replica *x, int32_t id)
{
    for (uint32_t i = 0; i < x->reg.replica_count; i++)
        if (x->reg.replicas[i] == id) return (int32_t)i;
    return -1;
}

static bool in_isr(const repl_replica *x, int32_t id)
{
    return kpc_contains(x->reg.isr, x->reg.isr_count, id);
}

/* Produces one acks=1 record on partition 0 at every whole second in (from, to]. */
static void produce_every_second(sim_time from, sim_time to, uint32_t value_base)
{
    for (sim_time t = from + SIM_S(1); t <= to; t += SIM_S(1)) {
        rpf_run_until(&f, t);
        rpf_produce(&f, 0, 1, 1, value_base + (uint32_t)(t / SIM_S(1)));
    }
}

/*
 * A follower that stops fetching (its link to the leader is cut; its heartbeats to the
 * controller still flow, so it is not fenced) is last caught up at its last Fetch that
 * reached the leader's LEO: 514 ms. The isr-expiration task runs every
 * replica.lag.time.max.ms / 2 = 15 s from the broker's start. At 30 s the follower is
 * 29.486 s behind (≤ 30 s: still in sync); at 45 s it is 44.486 s behind, so the leader
 * proposes ISR [1,2]; the controller commits it at 45.001 s. The leader keeps producing
 * (one record a second), so the follower's LEO never equals the leader's.
 * After the heal the follower's stuck Fetch times out (replica.socket.timeout.ms),
 * backs off (replica.fetch.backoff.ms) and fetches again; once its LEO reaches the HW
 * the leader proposes adding it back.
 */
Test(replication, isr_shrink_of_slow_follower_then_expand, .fini = teardown)
{
    setup3(1);
    rpf_run_until(&f, MS(10));
    rpf_produce(&f, 0, 1, 1, 1);
    rpf_run_until(&f, SIM_S(1));
    const repl_replica *leader = rpf_rep(&f, 1, 0);
    rpf_cut(&f, 1, 3);
    const sim_time caught_up = leader->remote[pos_of(leader, 3)].last_caught_up_us;
    cr_assert_eq(caught_up, MS(514), "last caught up at %llu", (unsigned long long)caught_up);

    produce_every_second(SIM_S(1), SIM_S(30), 1000);
    cr_assert(in_isr(leader, 3), "at 30 s the follower is within replica.lag.time.max.ms");
    RPF_STEP_UNTIL(&f, !in_isr(leader, 3), SIM_S(46));
    const sim_time shrunk = rpf_now(&f);
    cr_assert_gt(shrunk, caught_up + SIM_S(30));
    cr_assert_leq(shrunk, caught_up + SIM_S(45) + MS(2), "within 1.5 x lag + a round trip");
    cr_assert_eq(shrunk, SIM_S(45) + MS(1));
    cr_assert_eq(leader->reg.isr_count, 2);
    cr_assert_eq(leader->reg.partition_epoch, 1, "one PartitionChangeRecord");
    cr_assert_eq(leader->reg.leader_epoch, 0, "an ISR-only change keeps the leader epoch");
    cr_assert_not(in_isr(rpf_rep(&f, 3, 0), 3), "it learns it from the metadata log");

    /* Heal and keep producing: the follower returns, catches up and rejoins. */
    produce_every_second(SIM_S(45), SIM_S(50), 2000);
    rpf_heal(&f);
    RPF_STEP_UNTIL(&f, in_isr(leader, 3), SIM_S(70));
    const repl_replica *y = rpf_rep(&f, 3, 0);
    cr_assert_geq(y->leo, leader->hw, "it rejoined once its LEO reached the HW");
    cr_assert_eq(leader->reg.partition_epoch, 2);
    /* Its Fetch sent at 513 ms was lost to the cut; it timed out at 30.513 s, the retry
     * after the 1 s backoff was dropped at send, timed out at 61.513 s; the retry at
     * 62.513 s catches up 9 records per round trip and the ISR is expanded at 62.523 s. */
    cr_assert_eq(rpf_now(&f), SIM_S(62) + MS(523));
    rpf_check_clean(&f);
}

/*
 * min.insync.replicas = 2 with both followers cut off. An acks=all produce at 2 s waits
 * for an ISR that cannot answer and times out after its 30 s. At 45.001 s the ISR is
 * [1]: below min ISR, so acks=all is refused before appending (NOT_ENOUGH_REPLICAS),
 * acks=1 still succeeds, and the HW no longer moves even though the ISR is the leader
 * alone (KAFKA-15583).
 */
Test(replication, acks_all_and_min_insync_replicas, .fini = teardown)
{
    setup3(2);
    rpf_run_until(&f, MS(10));
    const uint32_t ok = rpf_produce(&f, 0, -1, 1, 1);
    RPF_STEP_UNTIL(&f, rpf_answered(&f, ok), MS(100));
    cr_assert_eq(f.results[ok].error, REPL_ERR_NONE);
    cr_assert_eq(f.result_at[ok], MS(12));

    rpf_run_until(&f, SIM_S(1));
    rpf_cut(&f, 1, 2);
    rpf_cut(&f, 1, 3);
    rpf_run_until(&f, SIM_S(2));
    const uint32_t waits = rpf_produce(&f, 0, -1, 1, 2);
    cr_assert_not(rpf_answered(&f, waits));
    const repl_replica *leader = rpf_rep(&f, 1, 0);
    const int64_t hw = leader->hw;
    produce_every_second(SIM_S(2), SIM_S(31), 100);
    RPF_STEP_UNTIL(&f, rpf_answered(&f, waits), SIM_S(33));
    cr_assert_eq(f.results[waits].error, REPL_ERR_REQUEST_TIMED_OUT);
    cr_assert_eq(f.result_at[waits], SIM_S(32));

    RPF_STEP_UNTIL(&f, leader->reg.isr_count == 1, SIM_S(46));
    cr_assert_eq(rpf_now(&f), SIM_S(45) + MS(1));
    const int64_t leo = leader->leo;
    const uint32_t refused = rpf_produce(&f, 0, -1, 1, 3);
    cr_assert_eq(f.results[refused].error, REPL_ERR_NOT_ENOUGH_REPLICAS);
    cr_assert_eq(leader->leo, leo, "nothing appended");
    const uint32_t one = rpf_produce(&f, 0, 1, 1, 4);
    cr_assert_eq(f.results[one].error, REPL_ERR_NONE, "acks=1 ignores min ISR");
    rpf_run_until(&f, SIM_S(50));
    cr_assert_eq(leader->hw, hw, "no HW movement under min ISR");
    rpf_check_clean(&f);
}

/* Determinism: the same run twice gives the same trace digest and the same logs. */
static uint64_t mixed_run(int64_t *leo_out)
{
    rpf_config cfg;
    rpf_config_default(&cfg, 3, 4);
    cfg.metadata_delay_us = MS(3);
    rpf_init(&f, &cfg);
    for (uint32_t i = 1; i <= 200; i++) {
        rpf_run_until(&f, MS(50) * i);
        rpf_produce(&f, i % 4, i % 3 == 0 ? -1 : 1, 1 + i % 5, i);
        if (i == 60) rpf_cut(&f, 1, 2);
        if (i == 120) rpf_heal(&f);
    }
    rpf_run_until(&f, SIM_S(60));
    *leo_out = rpf_rep(&f, 2, 0)->leo;
    const uint64_t digest = f.engine.trace.digest;
    rpf_check_clean(&f);
    rpf_deinit(&f);
    return digest;
}

Test(replication, same_run_same_digest)
{
    int64_t leo1, leo2;
    const uint64_t d1 = mixed_run(&leo1);
    const uint64_t d2 = mixed_run(&leo2);
    cr_assert_eq(d1, d2);
    cr_assert_eq(leo1, leo2);
    cr_assert_gt(leo1, 0);
}
