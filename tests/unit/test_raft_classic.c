/*
 * test_raft_classic.c — the textbook Raft variant: election, heartbeats, and a
 *   partitioned leader that keeps believing it leads in its old term.
 *
 * Goal: the Raft paper's §5.2 / §5.3 / §5.4.2 / §8 behaviour, side by side with what
 *   KRaft does on the same faults (see test_raft_replication.c).
 * Method: raft_fixture with variant CLASSIC (election timeout uniform [150, 300] ms,
 *   heartbeat 75 ms, fixed 1 ms latency); safety checks after every event.
 */
#include "raft_fixture.h"

#include <criterion/criterion.h>

#define MS(x) SIM_MS(x)

static raft_fixture f;

static void teardown(void)
{
    rf_deinit(&f);
}

static void classic_init(uint32_t nodes, uint32_t voters, uint64_t seed)
{
    rf_config cfg;
    rf_config_default(&cfg, nodes, voters, seed);
    cfg.raft.variant = RAFT_VARIANT_CLASSIC;
    rf_init(&f, &cfg);
}

Test(raft_classic, election_and_noop, .fini = teardown)
{
    classic_init(3, 3, 31);
    /* Boot: followers without a leader, election timers in [150, 300] ms (§5.2). */
    sim_time first = SIM_TIME_NEVER;
    uint32_t x = 0;
    for (uint32_t i = 0; i < 3; i++) {
        const raft_node *n = rf_node(&f, i);
        cr_assert_eq(n->role, RAFT_ROLE_FOLLOWER);
        cr_assert_eq(n->leader_id, -1);
        const sim_time due = raft_timer_due(&f.cluster, n);
        cr_assert(due >= MS(150) && due <= MS(300));
        if (due < first) {
            first = due;
            x = i;
        }
    }
    raft_node *c = rf_node(&f, x);

    /* The first timeout: candidate in term 1, RequestVote to the others (§5.2). No
     * pre-vote: the term is bumped at once. */
    RF_STEP_UNTIL(&f, c->role == RAFT_ROLE_CANDIDATE, first);
    cr_assert_eq(rf_now(&f), first);
    cr_assert_eq(c->raft_epoch, 1);

    /* One round trip later it has a majority and is leader; it appends a no-op of its
     * term (§8), sends AppendEntries at once, and commits the no-op when one follower
     * acknowledges it (§5.4.2). */
    RF_STEP_UNTIL(&f, c->role == RAFT_ROLE_LEADER, first + MS(2));
    cr_assert_eq(rf_now(&f), first + MS(2));
    cr_assert_eq(c->log[0].type, RAFT_RECORD_NO_OP);
    cr_assert_eq(c->log[0].epoch, 1);
    RF_STEP_UNTIL(&f, c->hw == 1, first + MS(4));
    cr_assert_eq(rf_now(&f), first + MS(4));

    /* The followers learn the commit index with the next heartbeat (75 ms later). */
    RF_STEP_UNTIL(&f, rf_node(&f, (x + 1) % 3)->hw == 1, first + MS(2) + MS(75) + MS(1));
    cr_assert_eq(rf_now(&f), first + MS(2) + MS(75) + MS(1));
}

/* Heartbeats every 75 ms keep resetting the followers' election timers: no election
 * for a minute, and every follower's timer stays within 300 ms of now. */
Test(raft_classic, heartbeats_hold_leadership, .fini = teardown)
{
    classic_init(3, 3, 32);
    rf_step_until(&f, rf_has_leader, NULL, MS(5000), "a leader");
    const raft_node *leader = raft_leader(&f.cluster);
    const int32_t term = leader->raft_epoch;
    for (uint32_t k = 0; k < 600; k++) {
        rf_run_until(&f, rf_now(&f) + MS(100));
        for (uint32_t i = 0; i < 3; i++) {
            const raft_node *n = rf_node(&f, i);
            if (n == leader) continue;
            cr_assert_leq(raft_timer_due(&f.cluster, n), rf_now(&f) + MS(300));
        }
    }
    cr_assert_eq(f.cluster.elections, 1);
    cr_assert_eq(leader->raft_epoch, term);
    int64_t off;
    cr_assert_eq(raft_propose(&f.cluster, (raft_node *)leader, RAFT_RECORD_APP_BASE, 7, 0, 0, &off),
                 SIM_OK);
    rf_step_until(&f, rf_all_caught_up, NULL, rf_now(&f) + MS(100), "replicated");
}

/*
 * Without check quorum, a partitioned classic leader keeps its role in the old term.
 * The majority elects a new leader in a higher term, so for a while two nodes believe
 * they lead (in different terms). The old one cannot commit; when the partition heals
 * it hears the higher term, steps down, and its uncommitted entries are overwritten.
 */
Test(raft_classic, partitioned_leader_stays_leader, .fini = teardown)
{
    classic_init(3, 3, 33);
    rf_step_until(&f, rf_all_caught_up, NULL, MS(5000), "a leader");
    raft_node *old = (raft_node *)raft_leader(&f.cluster);
    const uint32_t l = old->index;
    const int32_t term = old->raft_epoch;
    const int64_t hw = old->hw;

    rf_isolate(&f, l);
    cr_assert_eq(raft_propose(&f.cluster, old, RAFT_RECORD_APP_BASE, 901, 0, 0, NULL), SIM_OK);
    rf_run_until(&f, rf_now(&f) + MS(5000));

    /* Still leader in its term: nothing tells it otherwise (§5.2 has no check quorum). */
    cr_assert_eq(old->role, RAFT_ROLE_LEADER);
    cr_assert_eq(old->raft_epoch, term);
    cr_assert_eq(old->hw, hw, "but it cannot commit");
    /* The others elected a leader in a higher term: two leaders, two terms. */
    const raft_node *now = raft_leader(&f.cluster);
    cr_assert_neq(now, NULL);
    cr_assert_neq(now, old);
    cr_assert_gt(now->raft_epoch, term);
    cr_assert_eq(raft_timer_due(&f.cluster, old), SIM_TIME_NEVER);

    /* Heal: the first message from the new term deposes it (§5.1); AppendEntries then
     * overwrite its uncommitted entry (§5.3). */
    rf_heal(&f);
    RF_STEP_UNTIL(&f, old->role == RAFT_ROLE_FOLLOWER, rf_now(&f) + MS(200));
    cr_assert_eq(f.last_resign_reason[l], RAFT_RESIGN_HIGHER_EPOCH);
    rf_step_until(&f, rf_all_caught_up, NULL, rf_now(&f) + MS(1000), "one log again");
    for (int64_t i = 0; i < old->leo; i++) cr_assert_neq(old->log[i].a, 901);
    cr_assert_geq(rf_events(&f, SIM_EV_RAFT_TRUNCATE, l), 1);
}

/* Observers are non-voting members: they receive AppendEntries and never elect. */
Test(raft_classic, observers_follow, .fini = teardown)
{
    classic_init(4, 3, 34);
    rf_step_until(&f, rf_all_caught_up, NULL, MS(5000), "observer caught up");
    const raft_node *o = rf_node(&f, 3);
    cr_assert_eq(o->role, RAFT_ROLE_FOLLOWER);
    cr_assert_eq(raft_timer_due(&f.cluster, o), SIM_TIME_NEVER);
    cr_assert_eq(rf_events(&f, SIM_EV_RAFT_VOTE, 3), 0);
}
