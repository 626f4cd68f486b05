/*
 * test_raft_bugs.c — the deliberately broken variants (raft_bugs) really break what
 *   they claim to, so the checkers' own tests can rely on them; and determinism.
 *
 * Goal: vote_twice yields two leaders in one epoch on some seeds;
 *   leader_counts_self_twice lets a lone node elect itself and commit alone;
 *   hw_ignores_epoch_start commits before a record of the leader's epoch. The same seed
 *   gives the same trace digest, different seeds different ones.
 * Method: raft_fixture with its safety checks off (it still records whether two
 *   leaders shared an epoch); several seeds where the outcome depends on timing.
 */
#include "raft_fixture.h"

#include <criterion/criterion.h>

#define MS(x) SIM_MS(x)

static raft_fixture f;

/* Two nodes time out together at t = 0 and both win their pre-votes. Each other voter
 * hears one candidate first and votes for it; with vote_twice it then votes for the
 * other too, so both reach a majority in epoch 1. */
static bool two_leaders_run(uint64_t seed, bool bug)
{
    rf_config cfg;
    rf_config_default(&cfg, 5, 5, seed);
    cfg.latency_min_us = 500;
    cfg.latency_max_us = 3000;
    cfg.bugs.vote_twice = bug;
    cfg.check_safety = !bug;
    rf_init(&f, &cfg);
    raft_force_timeout(&f.cluster, rf_node(&f, 0));
    raft_force_timeout(&f.cluster, rf_node(&f, 1));
    rf_run_until(&f, MS(3000));
    const bool seen = f.chk.results[CHK_SINGLE_LEADER_PER_EPOCH].violations > 0;
    rf_deinit(&f);
    return seen;
}

Test(raft_bugs, vote_twice_two_leaders_in_one_epoch)
{
    uint32_t with_bug = 0, without_bug = 0;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        if (two_leaders_run(seed, true)) with_bug++;
        if (two_leaders_run(seed, false)) without_bug++;
    }
    cr_assert_geq(with_bug, 5, "vote_twice produced two leaders on %u of 20 seeds", with_bug);
    cr_assert_eq(without_bug, 0);
}

/* leader_counts_self_twice: an isolated voter counts its own (pre-)vote twice, becomes
 * leader of a higher epoch alone, and commits its own records alone. */
Test(raft_bugs, leader_counts_self_twice_commits_alone)
{
    rf_config cfg;
    rf_config_default(&cfg, 3, 3, 41);
    cfg.bugs.leader_counts_self_twice = true;
    cfg.check_safety = false;
    rf_init(&f, &cfg);
    rf_step_until(&f, rf_all_caught_up, NULL, MS(10000), "a leader, followed");
    const raft_node *first = raft_leader(&f.cluster);
    const uint32_t iso = (first->index + 1) % 3;
    rf_isolate(&f, iso);
    raft_node *n = rf_node(&f, iso);
    RF_STEP_UNTIL(&f, n->role == RAFT_ROLE_LEADER, rf_now(&f) + MS(10000));
    cr_assert_gt(n->raft_epoch, first->raft_epoch);
    const int64_t hw = n->hw;
    cr_assert_eq(raft_propose(&f.cluster, n, RAFT_RECORD_APP_BASE, 1, 0, 0, NULL), SIM_OK);
    cr_assert_eq(n->hw, n->leo, "committed with nobody else");
    cr_assert_gt(n->hw, hw);
    rf_deinit(&f);
}

/*
 * hw_ignores_epoch_start: record r of epoch e reaches both followers, but the leader is
 * cut off before it hears so. A follower wins epoch e + 1 with r in its log. A correct
 * new leader does not commit r until its own LeaderChange record is on a majority
 * (KIP-595; Raft §5.4.2 and its Figure 8); with the bug it commits r as soon as a
 * majority holds it: one round trip earlier, with HW == the epoch start offset.
 */
static int64_t first_new_epoch_hw(bool bug, int64_t *epoch_start)
{
    rf_config cfg;
    rf_config_default(&cfg, 3, 3, 43);
    cfg.raft.idle_interval_us = 0;
    cfg.bugs.hw_ignores_epoch_start = bug;
    cfg.check_safety = !bug;
    rf_init(&f, &cfg);
    rf_step_until(&f, rf_all_caught_up, NULL, MS(10000), "a leader, followed");
    rf_run_until(&f, rf_now(&f) + MS(10)); /* the followers' Fetches are parked */
    raft_node *a = (raft_node *)raft_leader(&f.cluster);
    cr_assert_eq(raft_propose(&f.cluster, a, RAFT_RECORD_APP_BASE, 1, 0, 0, NULL), SIM_OK);
    rf_run_until(&f, rf_now(&f) + 1500); /* r reached both followers at +1 ms */
    rf_isolate(&f, a->index);
    RF_STEP_UNTIL(&f, raft_leader(&f.cluster) != NULL && raft_leader(&f.cluster) != a,
                  rf_now(&f) + MS(10000));
    raft_node *b = (raft_node *)raft_leader(&f.cluster);
    const int64_t hw = b->hw;
    *epoch_start = b->epoch_start_offset;
    RF_STEP_UNTIL(&f, b->hw != hw, rf_now(&f) + MS(1000));
    const int64_t first = b->hw;
    rf_deinit(&f);
    return first;
}

Test(raft_bugs, hw_ignores_epoch_start_commits_before_own_epoch)
{
    int64_t start_ok, start_bug;
    const int64_t ok = first_new_epoch_hw(false, &start_ok);
    const int64_t bug = first_new_epoch_hw(true, &start_bug);
    cr_assert_gt(ok, start_ok, "correct: first HW is past the LeaderChange record");
    cr_assert_eq(bug, start_bug, "buggy: r committed before any record of the new epoch");
}

/*
 * The Raft paper's Figure 8, scripted on five KRaft voters S1..S5 (no pre-vote, no
 * idle NoOps, fixed 1 ms latency), with hw_ignores_epoch_start on or off:
 *   (a) S1 leads epoch 1; record r reaches only S2.
 *   (b) S1 crashes; S5 leads epoch 2 with S3 and S4, writes y alone, crashes.
 *   (c) S1 restarts; S1 or S2 leads epoch 3 with S3 and replicates r to S3.
 *       Buggy: r is on a majority, so it is committed at once.
 *       Correct: r commits only with the leader's epoch-3 record, also on S3.
 *   (d) S1 and S2 crash; S5 restarts and stands. Buggy: the majority's last epoch is
 *       1 < 2, so S5 wins and truncates the committed r. Correct: S3's last epoch is 3,
 *       so S5 cannot win, and r survives.
 * Returns true when r was committed and later lost; *observed gets the number of
 * committed-log violations the project's checkers (sim/check) reported.
 */
static bool figure8(bool bug, uint64_t *observed)
{
    rf_config cfg;
    rf_config_default(&cfg, 5, 5, 44);
    cfg.raft.pre_vote = false;
    cfg.raft.idle_interval_us = 0;
    cfg.bugs.hw_ignores_epoch_start = bug;
    cfg.check_safety = false;
    rf_init(&f, &cfg);
    raft_node *s[5];
    for (uint32_t i = 0; i < 5; i++) s[i] = rf_node(&f, i);
    /* S1 leads epoch 1; x is committed everywhere. */
    raft_force_timeout(&f.cluster, s[0]);
    RF_STEP_UNTIL(&f, s[0]->role == RAFT_ROLE_LEADER, MS(10));
    cr_assert_eq(raft_propose(&f.cluster, s[0], RAFT_RECORD_APP_BASE, 1, 0, 0, NULL), SIM_OK);
    rf_run_until(&f, MS(100));
    /* (a) r reaches S2 only. */
    for (int32_t i = 2; i < 5; i++) {
        net_cut(&f.net, 0, i);
        net_cut(&f.net, i, 0);
    }
    cr_assert_eq(raft_propose(&f.cluster, s[0], RAFT_RECORD_APP_BASE, 2, 0, 0, NULL), SIM_OK);
    const int64_t r_off = s[0]->leo - 1;
    RF_STEP_UNTIL(&f, s[1]->leo == s[0]->leo, MS(200));
    /* (b) S5 leads epoch 2 with S3 and S4, writes y alone, crashes. */
    rf_crash(&f, 0);
    rf_isolate(&f, 1);
    raft_force_timeout(&f.cluster, s[4]);
    RF_STEP_UNTIL(&f, s[4]->role == RAFT_ROLE_LEADER, MS(300));
    rf_isolate(&f, 4); /* before anyone fetches its epoch-2 records */
    cr_assert_eq(raft_propose(&f.cluster, s[4], RAFT_RECORD_APP_BASE, 3, 0, 0, NULL), SIM_OK);
    rf_crash(&f, 4);
    /* (c) S1 restarts; with S4 away, S1 or S2 leads epoch 3 and r reaches S3. */
    rf_heal(&f);
    rf_isolate(&f, 3);
    rf_restart(&f, 0);
    RF_STEP_UNTIL(&f, raft_leader(&f.cluster) != NULL && raft_leader(&f.cluster)->raft_epoch >= 3,
                  rf_now(&f) + MS(10000));
    raft_node *l3 = (raft_node *)raft_leader(&f.cluster);
    RF_STEP_UNTIL(&f, l3->hw > r_off, rf_now(&f) + MS(1000));
    cr_assert_eq(l3->log[r_off].a, 2, "r is committed at offset %lld", (long long)r_off);
    cr_assert_eq(s[2]->log[r_off].a, 2, "and S3 has it");
    /* (d) S1 and S2 crash; S5 comes back and stands. */
    rf_crash(&f, 0);
    rf_crash(&f, 1);
    rf_heal(&f);
    rf_restart(&f, 4);
    raft_force_timeout(&f.cluster, s[4]);
    rf_run_until(&f, rf_now(&f) + MS(20000));
    const raft_node *l4 = raft_leader(&f.cluster);
    cr_assert_not_null(l4);
    const bool lost = s[2]->leo <= r_off || s[2]->log[r_off].a != 2;
    *observed = f.chk.results[CHK_COMMITTED_PREFIX_AGREEMENT].violations +
                f.chk.results[CHK_COMMITTED_NEVER_LOST].violations;
    rf_deinit(&f);
    return lost;
}

Test(raft_bugs, hw_ignores_epoch_start_loses_committed_record_figure8)
{
    uint64_t observed_bug = 0, observed_ok = 0;
    cr_assert(figure8(true, &observed_bug), "the buggy commit rule lost a committed record");
    cr_assert_gt(observed_bug, 0, "and the checkers saw the committed log change");
    cr_assert_not(figure8(false, &observed_ok), "the correct rule keeps it");
    cr_assert_eq(observed_ok, 0, "and the checkers stay silent");
}

static uint64_t digest_of(uint64_t seed, raft_variant variant)
{
    rf_config cfg;
    rf_config_default(&cfg, 5, 3, seed);
    cfg.raft.variant = variant;
    cfg.latency_min_us = 500;
    cfg.latency_max_us = 5000;
    cfg.loss_ppm = 20000;
    rf_init(&f, &cfg);
    rf_run_until(&f, MS(4000));
    rf_isolate(&f, (uint32_t)(rf_leader_index(&f) >= 0 ? rf_leader_index(&f) : 0));
    rf_run_until(&f, MS(9000));
    rf_heal(&f);
    rf_crash(&f, 1);
    rf_run_until(&f, MS(12000));
    rf_restart(&f, 1);
    rf_run_until(&f, MS(20000));
    const uint64_t d = f.engine.trace.digest;
    rf_deinit(&f);
    return d;
}

Test(raft_bugs, determinism)
{
    for (int v = 0; v < 2; v++) {
        const raft_variant variant = v == 0 ? RAFT_VARIANT_KRAFT : RAFT_VARIANT_CLASSIC;
        const uint64_t a = digest_of(5, variant);
        cr_assert_eq(a, digest_of(5, variant), "same seed, same trace");
        cr_assert_neq(a, digest_of(6, variant), "different seeds, different traces");
    }
}
