/*
 * test_replication_faults.c — the data plane under faults: leader change with follower
 *   truncation (KIP-101/KIP-279), power-off versus crash, unclean election, idempotent
 *   producers across a leader change, retention, and the three deliberately broken
 *   variants of `repl_bugs` caught by the fixture's observations.
 *
 * Goal: what Kafka loses and keeps, at exact virtual times.
 * Method: repl_fixture (brokers 1..3, fixed 1 ms latency, stand-in controller that
 *   publishes at once); each test narrates its steps; observations are checked after
 *   every event and asserted at the end (clean, or caught for a broken variant).
 */
#include "repl_fixture.h"

#include <criterion/criterion.h>

#define MS(x) SIM_MS(x)

static repl_fixture f;

static void teardown(void)
{
    rpf_deinit(&f);
}

static void setup(uint32_t brokers, const repl_bugs *bugs, bool unclean)
{
    rpf_config cfg;
    rpf_config_default(&cfg, brokers, 1);
    if (bugs != NULL) cfg.bugs = *bugs;
    cfg.unclean_allowed = unclean;
    rpf_init(&f, &cfg);
}

static bool in_isr(const repl_replica *x, int32_t id)
{
    return kpc_contains(x->reg.isr, x->reg.isr_count, id);
}

static void produce_every_second(sim_time from, sim_time to, uint32_t value_base)
{
    for (sim_time t = from + SIM_S(1); t <= to; t += SIM_S(1)) {
        rpf_run_until(&f, t);
        rpf_produce(&f, 0, 1, 1, value_base + (uint32_t)(t / SIM_S(1)));
    }
}

/*
 * Leader 1 appends three acks=1 records and crashes in the same instant: the woken
 * Fetch responses die with it. The controller fences it: leader 2, leader epoch 1,
 * starting at offset 1. Leader 2 takes two new records. Broker 1 restarts at 3 s with
 * its page cache (a crash, not a power-off): its log still ends with the three
 * epoch-0 records. Its first Fetch (offset 4, last fetched epoch 0) arrives at
 * 3.001 s; leader 2's epoch 0 ends at 1, so it answers DivergingEpoch(0, 1); at 3.002 s
 * broker 1 truncates to 1 and then fetches leader 2's records.
 */
static void leader_change_scenario(const repl_bugs *bugs)
{
    setup(3, bugs, false);
    rpf_run_until(&f, MS(10));
    rpf_produce(&f, 0, -1, 1, 100);
    rpf_run_until(&f, SIM_S(1));
    rpf_produce(&f, 0, 1, 3, 901);
    cr_assert_eq(rpf_rep(&f, 1, 0)->leo, 4);
    rpf_crash(&f, 1);
    rpf_fence(&f, 1);
    const repl_replica *l2 = rpf_rep(&f, 2, 0);
    cr_assert_eq(l2->role, REPL_ROLE_LEADER);
    cr_assert_eq(l2->reg.leader_epoch, 1);
    cr_assert_eq(l2->epoch_start_offset, 1);
    rpf_produce(&f, 0, -1, 2, 201);
    rpf_run_until(&f, SIM_S(3));
    cr_assert_eq(rpf_rep(&f, 1, 0)->leo, 4, "the page cache survived the crash");
    rpf_restart(&f, 1);
    cr_assert_eq(rpf_rep(&f, 1, 0)->role, REPL_ROLE_FOLLOWER);
}

Test(replication_faults, leader_change_truncates_unreplicated_tail, .fini = teardown)
{
    leader_change_scenario(NULL);
    const repl_replica *x = rpf_rep(&f, 1, 0);
    RPF_STEP_UNTIL(&f, f.repl.truncations == 1, SIM_S(4));
    cr_assert_eq(rpf_now(&f), SIM_S(3) + MS(2));
    cr_assert_eq(x->leo, 1, "KIP-279: truncated to the end of epoch 0 on the leader");
    RPF_STEP_UNTIL(&f, x->leo == 3 && in_isr(rpf_rep(&f, 2, 0), 1), SIM_S(5));
    cr_assert_eq(repl_record_at(&f.repl, 0, 0, 1)->value_id, 201);
    cr_assert_eq(repl_record_at(&f.repl, 0, 0, 2)->value_id, 202);
    rpf_run_until(&f, SIM_S(5));
    rpf_check_clean(&f);
}

/* Broken: followers never send their last fetched epoch (pre-KIP-101 without the HW
 * truncation), so broker 1 keeps 901 and 902 at offsets 1 and 2 where leader 2 has 201
 * and 202; only OFFSET_OUT_OF_RANGE trims the third. The committed prefixes diverge. */
Test(replication_faults, broken_no_follower_truncation_is_caught, .fini = teardown)
{
    const repl_bugs bugs = {.no_follower_truncation = true};
    leader_change_scenario(&bugs);
    rpf_run_until(&f, SIM_S(5));
    cr_assert_eq(repl_record_at(&f.repl, 0, 0, 1)->value_id, 901, "the stale record stayed");
    cr_assert_gt(f.prefix_diverged, 0, "prefix_diverged must catch it");
}

/*
 * Power-off versus crash on a single broker (replication factor 1, so every append is
 * committed at once). Five records at 100 ms are written back to disk by the 5 s flush;
 * five more at 6 s are only in the page cache. A crash at 7 s keeps all ten; a power-off
 * loses the five unflushed ones, and the HW comes back from the 5 s checkpoint.
 */
Test(replication_faults, crash_keeps_page_cache, .fini = teardown)
{
    setup(1, NULL, false);
    rpf_run_until(&f, MS(100));
    rpf_produce(&f, 0, 1, 5, 1);
    rpf_run_until(&f, SIM_S(6));
    cr_assert_eq(rpf_rep(&f, 1, 0)->flushed, 5);
    rpf_produce(&f, 0, 1, 5, 6);
    rpf_run_until(&f, SIM_S(7));
    rpf_crash(&f, 1);
    rpf_restart(&f, 1);
    const repl_replica *x = rpf_rep(&f, 1, 0);
    cr_assert_eq(x->leo, 10);
    cr_assert_eq(x->hw, 10, "leader again: RF 1, so HW = LEO");
    rpf_check_clean(&f);
}

Test(replication_faults, power_off_loses_unflushed_tail, .fini = teardown)
{
    setup(1, NULL, false);
    rpf_run_until(&f, MS(100));
    rpf_produce(&f, 0, 1, 5, 1);
    rpf_run_until(&f, SIM_S(6));
    rpf_produce(&f, 0, 1, 5, 6);
    rpf_run_until(&f, SIM_S(7));
    rpf_power_off(&f, 1);
    const repl_replica *x = rpf_rep(&f, 1, 0);
    cr_assert_eq(x->leo, 5, "only what the 5 s writeback flushed survives");
    cr_assert_eq(x->hw, 5);
    rpf_restart(&f, 1);
    cr_assert_eq(x->leo, 5);
    /* New records reuse offsets 5..: the committed records 6..10 are gone for good. */
    rpf_produce(&f, 0, 1, 1, 99);
    rpf_run_until(&f, SIM_S(8));
    cr_assert_gt(f.committed_lost, 0, "acknowledged data lost: RF 1 cannot survive it");
}

/*
 * Follower 3 falls out of the ISR (cut off, shrink at 45.001 s). A record committed on
 * ISR [1,2] at 46 s, then brokers 1 and 2 crash and are fenced. Without unclean
 * election the partition goes offline: leader none, ISR keeps its last member [2].
 * With it, broker 3 leads with ISR [3], and the committed record is lost.
 */
static void lose_the_isr(bool unclean)
{
    setup(3, NULL, unclean);
    rpf_run_until(&f, MS(10));
    rpf_produce(&f, 0, -1, 1, 1);
    rpf_run_until(&f, SIM_S(1));
    rpf_cut(&f, 1, 3);
    produce_every_second(SIM_S(1), SIM_S(45), 1000);
    RPF_STEP_UNTIL(&f, !in_isr(rpf_rep(&f, 1, 0), 3), SIM_S(46));
    rpf_run_until(&f, SIM_S(46));
    const uint32_t c = rpf_produce(&f, 0, -1, 1, 777);
    RPF_STEP_UNTIL(&f, rpf_answered(&f, c), SIM_S(47));
    cr_assert_eq(f.results[c].error, REPL_ERR_NONE);
    rpf_crash(&f, 1);
    rpf_crash(&f, 2);
    rpf_fence(&f, 1);
    rpf_fence(&f, 2);
}

Test(replication_faults, offline_partition_without_unclean_election, .fini = teardown)
{
    lose_the_isr(false);
    cr_assert_eq(f.regs[0].leader, KPC_NO_LEADER, "Leader: none");
    cr_assert_eq(f.regs[0].isr_count, 1);
    cr_assert_eq(f.regs[0].isr[0], 2, "the last ISR member stays in the ISR");
    cr_assert_eq(rpf_rep(&f, 3, 0)->role, REPL_ROLE_FOLLOWER);
    rpf_run_until(&f, SIM_S(50));
    rpf_check_clean(&f);
}

Test(replication_faults, unclean_election_loses_committed_data, .fini = teardown)
{
    lose_the_isr(true);
    cr_assert_eq(f.regs[0].leader, 3);
    cr_assert_eq(f.regs[0].isr_count, 1);
    cr_assert(f.regs[0].leader_recovering);
    cr_assert_eq(rpf_rep(&f, 3, 0)->role, REPL_ROLE_LEADER);
    rpf_step_before(&f, SIM_S(50));
    cr_assert_gt(f.committed_lost, 0, "the out-of-sync leader lacks committed records");
}

/* Broken: acks=all answered at append; the followers have not fetched it yet. */
Test(replication_faults, broken_acks_all_at_append_is_caught, .fini = teardown)
{
    const repl_bugs bugs = {.acks_all_at_append = true};
    setup(3, &bugs, false);
    rpf_run_until(&f, MS(10));
    const uint32_t a = rpf_produce(&f, 0, -1, 1, 1);
    cr_assert(rpf_answered(&f, a));
    cr_assert_eq(f.result_at[a], MS(10), "answered at append");
    cr_assert_gt(f.acks_all_early, 0, "acks_all_early must catch it");
}

/*
 * HW computed over every assigned replica instead of the ISR. Follower 3 crashes and is
 * fenced (ISR [1,2]). An acks=all produce must then complete within one Fetch round
 * trip (2 ms); the broken leader waits for the dead replica and times out at 30 s.
 */
static sim_time acks_all_with_dead_follower(const repl_bugs *bugs)
{
    setup(3, bugs, false);
    rpf_run_until(&f, SIM_S(1));
    rpf_crash(&f, 3);
    rpf_fence(&f, 3);
    cr_assert_eq(f.regs[0].isr_count, 2);
    rpf_run_until(&f, SIM_S(2));
    const uint32_t a = rpf_produce(&f, 0, -1, 1, 1);
    RPF_STEP_UNTIL(&f, rpf_answered(&f, a), SIM_S(40));
    return f.result_at[a] - SIM_S(2);
}

Test(replication_faults, hw_over_isr_survives_a_dead_follower, .fini = teardown)
{
    cr_assert_eq(acks_all_with_dead_follower(NULL), MS(2));
    rpf_check_clean(&f);
}

Test(replication_faults, broken_hw_from_all_replicas_is_caught, .fini = teardown)
{
    const repl_bugs bugs = {.hw_from_all_replicas = true};
    const sim_time took = acks_all_with_dead_follower(&bugs);
    cr_assert_gt(took, MS(2), "the in-test check: one round trip with a healthy ISR");
    cr_assert_eq(took, SIM_S(30));
}

/*
 * Idempotent producer (ProducerStateManager): a retried batch is answered with its
 * original offsets and not appended again; a gap in sequences is OUT_OF_ORDER; the
 * followers keep the same state, so after a leader change the new leader also
 * recognises the retry.
 */
Test(replication_faults, idempotent_producer_across_leader_change, .fini = teardown)
{
    setup(3, NULL, false);
    rpf_run_until(&f, MS(10));
    const uint32_t a = rpf_produce_idem(&f, 0, -1, 2, 7, 0, 1);
    RPF_STEP_UNTIL(&f, rpf_answered(&f, a), MS(100));
    cr_assert_eq(f.results[a].base_offset, 0);
    const uint32_t dup = rpf_produce_idem(&f, 0, -1, 2, 7, 0, 1);
    RPF_STEP_UNTIL(&f, rpf_answered(&f, dup), MS(100));
    cr_assert(f.results[dup].duplicate);
    cr_assert_eq(f.results[dup].error, REPL_ERR_NONE);
    cr_assert_eq(f.results[dup].base_offset, 0);
    cr_assert_eq(rpf_rep(&f, 1, 0)->leo, 2, "not appended twice");
    const uint32_t gap = rpf_produce_idem(&f, 0, -1, 1, 7, 5, 3);
    cr_assert_eq(f.results[gap].error, REPL_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER);
    const uint32_t next = rpf_produce_idem(&f, 0, -1, 1, 7, 2, 3);
    RPF_STEP_UNTIL(&f, rpf_answered(&f, next), MS(200));
    cr_assert_eq(f.results[next].base_offset, 2);
    rpf_run_until(&f, SIM_S(1));
    rpf_crash(&f, 1);
    rpf_fence(&f, 1);
    const uint32_t retry = rpf_produce_idem(&f, 0, -1, 1, 7, 2, 3);
    RPF_STEP_UNTIL(&f, rpf_answered(&f, retry), SIM_S(2));
    cr_assert(f.results[retry].duplicate, "leader 2 built the same producer state");
    cr_assert_eq(f.results[retry].base_offset, 2);
    rpf_check_clean(&f);
}

/*
 * Retention by size with 1000-byte segments (10 records of 100 bytes) and
 * retention.bytes 3000, checked every second: ten records a second for a minute stay
 * within a 64-record log on every replica, and old segments go (log start advances).
 */
Test(replication_faults, retention_keeps_memory_bounded, .fini = teardown)
{
    rpf_config cfg;
    rpf_config_default(&cfg, 3, 1);
    cfg.repl.segment_bytes = 1000;
    cfg.repl.retention_bytes = 3000;
    cfg.repl.retention_check_interval_us = SIM_S(1);
    cfg.repl.log_capacity = 64;
    cfg.repl.segments_max = 8;
    rpf_init(&f, &cfg);
    uint32_t errors = 0;
    for (uint32_t i = 1; i <= 600; i++) {
        rpf_run_until(&f, MS(100) * i);
        const uint32_t s = rpf_produce(&f, 0, 1, 1, i);
        errors += f.results[s].error != REPL_ERR_NONE;
    }
    rpf_run_until(&f, SIM_S(62));
    cr_assert_eq(errors, 0);
    for (int32_t id = 1; id <= 3; id++) {
        const repl_replica *x = rpf_rep(&f, id, 0);
        cr_assert_eq(x->leo, 600);
        cr_assert_gt(x->log_start, 500, "broker %d log start %lld", id, (long long)x->log_start);
        cr_assert_leq(x->leo - x->log_start, 64);
        cr_assert_geq(x->log_bytes, 3000, "retention keeps at least retention.bytes");
    }
    rpf_check_clean(&f);
}
