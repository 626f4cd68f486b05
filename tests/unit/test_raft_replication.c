/*
 * test_raft_replication.c — KRaft replication under faults: a partitioned leader that
 *   resigns by check quorum and cannot commit, a restarted node truncating its
 *   divergent tail, graceful shutdown with EndQuorumEpoch, catch-up in Fetch-sized
 *   batches, and raft_propose's errors.
 *
 * Goal: the Fetch / DivergingEpoch / HW rules of KIP-595 and check quorum
 *   (KAFKA-15489), as a learner watches them.
 * Method: raft_fixture (fixed 1 ms latency, safety checks after every event); each
 *   test narrates its steps and asserts states and, where the model fixes them, times.
 */
#include "raft_fixture.h"

#include <criterion/criterion.h>

#define MS(x) SIM_MS(x)

static raft_fixture f;

static void teardown(void)
{
    rf_deinit(&f);
}

static raft_node *elect(uint32_t nodes, uint32_t voters, uint64_t seed)
{
    rf_config cfg;
    rf_config_default(&cfg, nodes, voters, seed);
    rf_init(&f, &cfg);
    rf_step_until(&f, rf_all_caught_up, NULL, MS(10000), "an elected, caught-up quorum");
    return (raft_node *)raft_leader(&f.cluster);
}

static void propose(raft_node *leader, int32_t tag)
{
    cr_assert_eq(raft_propose(&f.cluster, leader, RAFT_RECORD_APP_BASE, tag, 0, 0, NULL), SIM_OK);
}

static bool log_has_tag(const raft_node *n, int32_t tag)
{
    for (int64_t i = 0; i < n->leo; i++)
        if (n->log[i].type == RAFT_RECORD_APP_BASE && n->log[i].a == tag) return true;
    return false;
}

static bool logs_equal(const raft_node *a, const raft_node *b)
{
    if (a->leo != b->leo) return false;
    for (int64_t i = 0; i < a->leo; i++) {
        if (a->log[i].epoch != b->log[i].epoch || a->log[i].type != b->log[i].type ||
            a->log[i].a != b->log[i].a)
            return false;
    }
    return true;
}

/*
 * A leader cut off from both followers keeps accepting appends but cannot commit them;
 * 1.5 x fetch.timeout after the last quorum of fetches it resigns (check quorum). The
 * majority elects a new leader; after the heal the old leader truncates the records it
 * never committed and takes the new leader's log.
 */
Test(raft_replication, partitioned_leader_resigns_and_is_truncated, .fini = teardown)
{
    raft_node *old = elect(3, 3, 21);
    const uint32_t l = old->index;
    const int32_t epoch = old->raft_epoch;
    propose(old, 100);
    rf_step_until(&f, rf_all_caught_up, NULL, rf_now(&f) + MS(1000), "record 100 committed");

    /* Isolate the leader. Its check-quorum deadline is 3 s after the last time a
     * majority had fetched from it, which was at most one round trip ago. */
    rf_isolate(&f, l);
    const sim_time isolated_at = rf_now(&f);
    const uint32_t candidacies = rf_events(&f, SIM_EV_RAFT_BECOME_CANDIDATE, l);
    const sim_time deadline = raft_timer_due(&f.cluster, old);
    cr_assert(deadline > isolated_at && deadline <= isolated_at + MS(3000));
    const int64_t hw = old->hw;

    /* It still appends, as any leader does, but nothing can commit. */
    propose(old, 901);
    propose(old, 902);
    const int64_t divergent_from = old->leo - 2;

    /* 2 s after their last fetch the followers' fetch timeouts fire: they pre-vote,
     * then hold a real election in a higher epoch among themselves. (With a fixed 1 ms
     * latency both fetched at the same instant, so they time out together and may
     * split their first vote; the backoff separates them.) Meanwhile the old leader
     * still believes it leads. */
    const uint32_t f1 = (l + 1) % 3;
    RF_STEP_UNTIL(&f, rf_node(&f, f1)->role != RAFT_ROLE_FOLLOWER, deadline);
    cr_assert_eq(old->role, RAFT_ROLE_LEADER, "the old leader does not know yet");

    /* At exactly the deadline the old leader resigns (KAFKA-15489). */
    RF_STEP_UNTIL(&f, old->role == RAFT_ROLE_RESIGNED, deadline);
    cr_assert_eq(rf_now(&f), deadline);
    cr_assert_eq(f.last_resign_reason[l], RAFT_RESIGN_CHECK_QUORUM);
    cr_assert_eq(old->hw, hw, "its own appends never committed");
    cr_assert_eq(old->raft_epoch, epoch);

    RF_STEP_UNTIL(&f, raft_leader(&f.cluster) != NULL, isolated_at + MS(10000));
    raft_node *leader = (raft_node *)raft_leader(&f.cluster);
    cr_assert_neq(leader, old);
    cr_assert_gt(leader->raft_epoch, epoch);

    /* The new leader commits new records meanwhile. */
    propose(leader, 200);
    rf_run_until(&f, rf_now(&f) + MS(10000));
    cr_assert_eq(old->raft_epoch, epoch + 1, "KIP-996: resigned -> unattached(epoch + 1)");
    cr_assert_eq(rf_events(&f, SIM_EV_RAFT_BECOME_CANDIDATE, l), candidacies,
                 "its pre-votes never reach anyone, so it never bumps the epoch");
    cr_assert_eq(old->hw, hw);

    /* Heal. The new leader's periodic BeginQuorumEpoch reaches it; its first Fetch gets
     * DivergingEpoch; it truncates the two records and fetches the new ones. */
    rf_heal(&f);
    RF_STEP_UNTIL(&f, logs_equal(old, leader) && old->hw > divergent_from, rf_now(&f) + MS(5000));
    cr_assert_eq(old->role, RAFT_ROLE_FOLLOWER);
    cr_assert_eq(old->leader_id, leader->node_id);
    cr_assert_geq(rf_events(&f, SIM_EV_RAFT_TRUNCATE, l), 1);
    cr_assert_eq(f.last_truncate_offset[l], divergent_from);
    cr_assert(!log_has_tag(old, 901) && !log_has_tag(old, 902));
    cr_assert(log_has_tag(old, 100) && log_has_tag(old, 200));
    cr_assert_eq(leader->role, RAFT_ROLE_LEADER, "the rejoining node disturbed nothing");
}

/*
 * A node restarted after a crash comes back from its durable state. A former leader
 * comes back Resigned in its old epoch (KIP-595), learns the new epoch from the
 * answers it gets, and truncates the tail it had written alone.
 */
Test(raft_replication, restarted_leader_truncates_divergent_tail, .fini = teardown)
{
    raft_node *old = elect(3, 3, 22);
    const uint32_t l = old->index;
    const int32_t epoch = old->raft_epoch;

    /* Cut it off, let it append three records nobody sees, crash it. */
    rf_isolate(&f, l);
    propose(old, 901);
    propose(old, 902);
    propose(old, 903);
    const int64_t old_leo = old->leo;
    rf_crash(&f, l);
    rf_heal(&f);

    /* The others elect a leader in epoch + 1 and commit a record. */
    RF_STEP_UNTIL(&f, raft_leader(&f.cluster) != NULL, rf_now(&f) + MS(10000));
    raft_node *leader = (raft_node *)raft_leader(&f.cluster);
    cr_assert_gt(leader->raft_epoch, epoch);
    propose(leader, 200);
    rf_run_until(&f, rf_now(&f) + MS(1000));

    /* Restart: durable epoch, vote and log are back; the HW is not. */
    rf_restart(&f, l);
    cr_assert_eq(old->role, RAFT_ROLE_RESIGNED);
    cr_assert_eq(old->raft_epoch, epoch);
    cr_assert_eq(old->leo, old_leo);
    cr_assert_eq(old->hw, 0);

    /* Its EndQuorumEpoch is fenced by the voters' higher epoch; it follows the new
     * leader, is told where the logs diverge, truncates and catches up. */
    RF_STEP_UNTIL(&f, logs_equal(old, leader), rf_now(&f) + MS(5000));
    cr_assert_eq(old->role, RAFT_ROLE_FOLLOWER);
    cr_assert_eq(old->raft_epoch, leader->raft_epoch);
    cr_assert(!log_has_tag(old, 901) && !log_has_tag(old, 903));
    cr_assert(log_has_tag(old, 200));
    cr_assert_geq(rf_events(&f, SIM_EV_RAFT_TRUNCATE, l), 1);
    cr_assert_lt(f.last_truncate_offset[l], old_leo);
    /* The re-learned HW replays every committed record to the apply callback. */
    RF_STEP_UNTIL(&f, old->hw >= leader->hw - 1 && old->hw > 0, rf_now(&f) + MS(2000));
    cr_assert_eq(f.next_apply[l], old->hw);
}

/*
 * Graceful shutdown of the leader: it resigns and sends EndQuorumEpoch listing its
 * successors by descending fetch offset. The first successor's fetch timeout drops to
 * zero: it asks for pre-votes at once. The other follower refuses (it has fetched from
 * its leader in this epoch), but the resigned leader grants, which makes a majority of
 * three (KAFKA-20895 describes this 4.x behaviour). The election takes a few
 * milliseconds instead of the seconds a crash costs.
 */
Test(raft_replication, graceful_shutdown_fast_successor, .fini = teardown)
{
    raft_node *old = elect(3, 3, 23);
    const uint32_t l = old->index;
    const int32_t epoch = old->raft_epoch;
    const sim_time t = rf_now(&f);

    raft_shutdown(&f.cluster, old);
    cr_assert_eq(old->role, RAFT_ROLE_RESIGNED);
    cr_assert_eq(f.last_resign_reason[l], RAFT_RESIGN_SHUTDOWN);
    cr_assert_eq(old->successor_count, 2);
    cr_assert(!raft_shutdown_done(&f.cluster, old));

    /* 1 ms: EndQuorumEpoch arrives; successor 0 times out at once (traced backoff 0),
     * successor 1 waits (max >> (n - 1)) << 0 = 500 ms. */
    raft_node *s0 = raft_node_by_id(&f.cluster, old->successors[0]);
    raft_node *s1 = raft_node_by_id(&f.cluster, old->successors[1]);
    RF_STEP_UNTIL(&f, s0->role == RAFT_ROLE_PROSPECTIVE, t + MS(1));
    cr_assert_eq(rf_now(&f), t + MS(1));
    cr_assert_eq(raft_timer_due(&f.cluster, s1), t + MS(1) + MS(500));

    /* 5 ms: pre-vote (2 ms) and vote (2 ms) round trips later, s0 leads epoch + 1. */
    RF_STEP_UNTIL(&f, s0->role == RAFT_ROLE_LEADER, t + MS(5));
    cr_assert_eq(rf_now(&f), t + MS(5));
    cr_assert_eq(s0->raft_epoch, epoch + 1);

    /* 6 ms: its BeginQuorumEpoch reaches the old leader, which now follows it: Kafka's
     * graceful shutdown is complete and the world may take the node down. */
    RF_STEP_UNTIL(&f, raft_shutdown_done(&f.cluster, old), t + MS(6));
    cr_assert_eq(old->leader_id, s0->node_id);
    sim_engine_endpoint_down(&f.engine, old->endpoint);
    raft_crash(&f.cluster, old);
    rf_run_until(&f, rf_now(&f) + MS(5000));
    cr_assert_eq(s0->role, RAFT_ROLE_LEADER);
    cr_assert_eq(s1->leader_id, s0->node_id);
    cr_assert_eq(f.cluster.elections, 2);
}

/* For contrast: a crashed leader is replaced only after a follower's fetch timeout. */
Test(raft_replication, crashed_leader_slow_successor, .fini = teardown)
{
    raft_node *old = elect(3, 3, 23);
    const sim_time t = rf_now(&f);
    rf_crash(&f, old->index);
    rf_step_until(&f, rf_has_leader, NULL, t + MS(10000), "a new leader");
    cr_assert_geq(rf_now(&f) - t, MS(1000), "at least most of a fetch timeout");
}

/* A follower that was away catches up in Fetch-sized batches (at most 14 records each),
 * one round trip (2 ms) per batch, without waiting for the long poll. */
Test(raft_replication, catch_up_in_batches, .fini = teardown)
{
    raft_node *leader = elect(3, 3, 24);
    const uint32_t lag = (leader->index + 1) % 3;
    raft_node *n = rf_node(&f, lag);
    rf_isolate(&f, lag);
    for (int32_t i = 0; i < 60; i++) propose(leader, 1000 + i);
    rf_run_until(&f, rf_now(&f) + MS(100));
    cr_assert_eq(leader->hw, leader->leo, "the other follower makes the majority");
    const int64_t missing = leader->leo - n->leo;
    const int64_t batches = (missing + 13) / 14;
    cr_assert_geq(batches, 5);
    rf_heal(&f);
    /* Its Fetches failed while it was cut off; the next one goes out after the request
     * timeout and the retry backoff, at the latest. */
    const int64_t before = n->leo;
    RF_STEP_UNTIL(&f, n->leo > before, rf_now(&f) + MS(2100));
    cr_assert_eq(n->leo - before, 14, "a full batch");
    const sim_time first = rf_now(&f);
    RF_STEP_UNTIL(&f, n->leo == leader->leo, first + MS(100));
    cr_assert_eq(rf_now(&f) - first, (sim_time)(batches - 1) * MS(2));
    cr_assert(logs_equal(n, leader));
}

/* raft_propose refuses anything but an alive leader, and reports a full log. */
Test(raft_replication, propose_errors, .fini = teardown)
{
    rf_config cfg;
    rf_config_default(&cfg, 3, 3, 25);
    cfg.raft.log_capacity = 8;
    cfg.raft.idle_interval_us = 0; /* no NoOps: we fill the log ourselves */
    rf_init(&f, &cfg);
    rf_step_until(&f, rf_has_leader, NULL, MS(10000), "a leader");
    raft_node *leader = (raft_node *)raft_leader(&f.cluster);
    raft_node *follower = rf_node(&f, (leader->index + 1) % 3);
    int64_t off = -1;
    cr_assert_eq(raft_propose(&f.cluster, follower, RAFT_RECORD_APP_BASE, 0, 0, 0, &off),
                 SIM_ESTATE);
    cr_assert_eq(off, -1);
    for (int64_t i = leader->leo; i < 8; i++) {
        cr_assert_eq(raft_propose(&f.cluster, leader, RAFT_RECORD_APP_BASE, 0, 0, 0, &off), SIM_OK);
        cr_assert_eq(off, i);
    }
    cr_assert_eq(raft_propose(&f.cluster, leader, RAFT_RECORD_APP_BASE, 0, 0, 0, &off), SIM_ELIMIT);
    rf_step_until(&f, rf_all_caught_up, NULL, rf_now(&f) + MS(1000), "a full, committed log");
    cr_assert_eq(leader->hw, 8);
}
