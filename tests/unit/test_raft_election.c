/*
 * test_raft_election.c — KRaft elections: the first election step by step, a split
 *   vote, pre-vote against an isolated node (and the same without pre-vote), observers.
 *
 * Goal: each election rule of KIP-595 / KIP-996 as a learner would watch it, with the
 *   exact virtual times the model makes exact (fixed 1 ms network latency).
 * Method: raft_fixture builds engine + network + cluster from C structs and checks
 *   safety after every event; each test narrates its steps and asserts the state (and
 *   the time) after each one.
 */
#include "raft_fixture.h"
#include "../../sim/raft/raft_internal.h" /* message bodies, to hand-craft a pre-vote */

#include <string.h>

#include <criterion/criterion.h>

#define MS(x) SIM_MS(x)

static raft_fixture f;

static void teardown(void)
{
    rf_deinit(&f);
}

/* The node whose state timer fires first, and the gap to the next one. */
static uint32_t first_timer(sim_time *due_out, sim_time *gap_out)
{
    uint32_t best = 0;
    sim_time first = SIM_TIME_NEVER, second = SIM_TIME_NEVER;
    for (uint32_t i = 0; i < f.cluster.node_count; i++) {
        const sim_time due = raft_timer_due(&f.cluster, rf_node(&f, i));
        if (due < first) {
            second = first;
            first = due;
            best = i;
        } else if (due < second) {
            second = due;
        }
    }
    *due_out = first;
    *gap_out = second - first;
    return best;
}

Test(raft_election, clean_first_election, .fini = teardown)
{
    rf_config cfg;
    rf_config_default(&cfg, 3, 3, 7);
    rf_init(&f, &cfg);

    /* Boot: every voter is Unattached in epoch 0 with an election timer drawn from
     * [T, 2T) = [1 s, 2 s) (KIP-595 randomized election timeout). */
    for (uint32_t i = 0; i < 3; i++) {
        const raft_node *n = rf_node(&f, i);
        cr_assert_eq(n->role, RAFT_ROLE_UNATTACHED);
        cr_assert_eq(n->raft_epoch, 0);
        const sim_time due = raft_timer_due(&f.cluster, n);
        cr_assert(due >= MS(1000) && due < MS(2000), "due %llu", (unsigned long long)due);
    }
    sim_time t0, gap;
    const uint32_t x = first_timer(&t0, &gap);
    cr_assert_gt(gap, MS(10), "pick a seed whose first two timers are apart");
    raft_node *leader = rf_node(&f, x);
    raft_node *y = rf_node(&f, (x + 1) % 3), *z = rf_node(&f, (x + 2) % 3);

    /* t0: X's election timer fires. KIP-996: it becomes Prospective without touching
     * its epoch and asks for pre-votes. */
    RF_STEP_UNTIL(&f, leader->role == RAFT_ROLE_PROSPECTIVE, t0);
    cr_assert_eq(rf_now(&f), t0);
    cr_assert_eq(leader->raft_epoch, 0);
    cr_assert_eq(rf_events(&f, SIM_EV_RAFT_TIMEOUT, x), 1);

    /* t0 + 2 ms: the first pre-vote answer completes a majority (itself + one). It
     * becomes Candidate in epoch 1 and votes for itself, durably. */
    RF_STEP_UNTIL(&f, leader->role == RAFT_ROLE_CANDIDATE, t0 + MS(2));
    cr_assert_eq(rf_now(&f), t0 + MS(2));
    cr_assert_eq(leader->raft_epoch, 1);
    cr_assert_eq(leader->voted_for, leader->node_id);
    /* Granting a pre-vote changed nothing on the voters. */
    cr_assert_eq(y->raft_epoch, 0);
    cr_assert_eq(y->voted_for, -1);
    cr_assert_eq(y->role, RAFT_ROLE_UNATTACHED);

    /* t0 + 4 ms: the Vote round trip. The voters moved to epoch 1 and voted for X at
     * t0 + 3 ms; X is leader and opens its epoch with a LeaderChange record. */
    RF_STEP_UNTIL(&f, leader->role == RAFT_ROLE_LEADER, t0 + MS(4));
    cr_assert_eq(rf_now(&f), t0 + MS(4));
    cr_assert_eq(f.cluster.elections, 1);
    cr_assert_eq(leader->leo, 1);
    cr_assert_eq(leader->log[0].type, RAFT_RECORD_LEADER_CHANGE);
    cr_assert_eq(leader->log[0].epoch, 1);
    cr_assert_eq(leader->hw, 0, "nothing is committed until a majority has it");
    cr_assert_eq(y->raft_epoch, 1);
    cr_assert_eq(y->voted_for, leader->node_id);
    cr_assert_eq(y->role, RAFT_ROLE_UNATTACHED, "a voter learns the winner later");
    /* Check quorum armed: 1.5 x fetch timeout. */
    cr_assert_eq(raft_timer_due(&f.cluster, leader), t0 + MS(4) + MS(3000));

    /* t0 + 5 ms: BeginQuorumEpoch arrives; the voters follow X and fetch at once. */
    RF_STEP_UNTIL(&f, y->role == RAFT_ROLE_FOLLOWER && z->role == RAFT_ROLE_FOLLOWER, t0 + MS(5));
    cr_assert_eq(rf_now(&f), t0 + MS(5));
    cr_assert_eq(y->leader_id, leader->node_id);
    cr_assert_eq(raft_timer_due(&f.cluster, y), t0 + MS(5) + MS(2000), "fetch timeout");

    /* t0 + 7 ms: the Fetch (offset 0) round trip brings the LeaderChange record. */
    RF_STEP_UNTIL(&f, y->leo == 1 && z->leo == 1, t0 + MS(7));
    cr_assert_eq(rf_now(&f), t0 + MS(7));
    cr_assert_eq(y->hw, 0);
    cr_assert(y->has_fetched_from_leader);

    /* t0 + 8 ms: the next Fetch (offset 1) tells X that a majority holds offset 0, a
     * record of its own epoch: the HW moves to 1 (KIP-595). Those Fetches then wait at
     * the leader (long poll) since there is nothing new. */
    RF_STEP_UNTIL(&f, leader->hw == 1, t0 + MS(8));
    cr_assert_eq(rf_now(&f), t0 + MS(8));
    rf_run_until(&f, t0 + MS(8));
    cr_assert(leader->peers[y->index].parked && leader->peers[z->index].parked);

    /* t0 + 505 ms: the idle NoOp (metadata.max.idle.interval.ms = 500 ms after the
     * election) completes the parked Fetches; the followers learn HW 1 with it. */
    RF_STEP_UNTIL(&f, y->hw == 1 && z->hw == 1, t0 + MS(505));
    cr_assert_eq(rf_now(&f), t0 + MS(505));
    cr_assert_eq(y->leo, 2);
    cr_assert_eq(y->log[1].type, RAFT_RECORD_NO_OP);
    cr_assert_eq(f.applied[y->index], 1, "the LeaderChange record was applied");

    /* t0 + 506 ms: and the leader commits the NoOp on their next Fetch. */
    RF_STEP_UNTIL(&f, leader->hw == 2, t0 + MS(506));
    cr_assert_eq(rf_now(&f), t0 + MS(506));

    /* A quiet cluster stays quiet: no further election for a minute. */
    rf_run_until(&f, MS(60000));
    cr_assert_eq(f.cluster.elections, 1);
    cr_assert_eq(leader->role, RAFT_ROLE_LEADER);
    cr_assert_eq(leader->raft_epoch, 1);
    cr_assert_eq(rf_events(&f, SIM_EV_RAFT_TIMEOUT, y->index), 0);
}

/*
 * Split vote: four voters A, B, C, D. A and B time out at the same instant. Links A-D
 * and B-C are slower (2 ms), so C hears A first and D hears B first: each candidate
 * gets two of the three votes it needs and the election is lost by both. Being rejected
 * by a majority is the one case where Kafka 4.0 backs a candidate off
 * (KafkaRaftClient.maybeHandleElectionLoss); the randomized backoff then separates them.
 */
Test(raft_election, split_vote_resolved_by_backoff, .fini = teardown)
{
    rf_config cfg;
    rf_config_default(&cfg, 4, 4, 11);
    rf_init(&f, &cfg);
    raft_node *a = rf_node(&f, 0), *b = rf_node(&f, 1);
    net_link_degrade(&f.net, 0, 3, 2000, 2000, 0);
    net_link_degrade(&f.net, 1, 2, 2000, 2000, 0);

    /* t = 0: both election timers fire now (scenario action `timeout`). */
    cr_assert(raft_force_timeout(&f.cluster, a));
    cr_assert(raft_force_timeout(&f.cluster, b));
    cr_assert_eq(a->role, RAFT_ROLE_PROSPECTIVE);
    cr_assert_eq(b->role, RAFT_ROLE_PROSPECTIVE);

    /* t = 2 ms: every pre-vote is granted (all logs are empty), so both become
     * candidates in the same epoch 1. */
    RF_STEP_UNTIL(&f, a->role == RAFT_ROLE_CANDIDATE && b->role == RAFT_ROLE_CANDIDATE, MS(2));
    cr_assert_eq(a->raft_epoch, 1);
    cr_assert_eq(b->raft_epoch, 1);

    /* t = 3 ms: C votes for A and D for B (one vote per epoch, KIP-595); A and B refuse
     * each other (candidates reject votes in their own epoch). */
    rf_run_until(&f, MS(3));
    cr_assert_eq(rf_node(&f, 2)->voted_for, a->node_id);
    cr_assert_eq(rf_node(&f, 3)->voted_for, b->node_id);

    /* t = 6 ms: the last refusal (over a slow link) makes the majority unreachable: both
     * lose and back off at once (KafkaRaftClient.maybeHandleElectionLoss, with
     * binaryExponentialElectionBackoffMs). */
    RF_STEP_UNTIL(&f, a->backing_off && b->backing_off, MS(6));
    cr_assert_eq(rf_now(&f), MS(6));
    cr_assert_eq(f.cluster.elections, 0);
    cr_assert_eq(rf_events(&f, SIM_EV_RAFT_BACKOFF, 0), 1);
    cr_assert_eq(rf_events(&f, SIM_EV_RAFT_BACKOFF, 1), 1);
    /* The first backoff (retries = 1) is 100 ms x uniform{0, 1}. */
    const sim_time due_a = raft_timer_due(&f.cluster, a);
    const sim_time due_b = raft_timer_due(&f.cluster, b);
    cr_assert(due_a == MS(6) || due_a == MS(106), "backoff due %llu", (unsigned long long)due_a);
    cr_assert(due_b == MS(6) || due_b == MS(106), "backoff due %llu", (unsigned long long)due_b);

    /* First backoff over: that candidate does not stand again directly; it becomes
     * Prospective in its epoch 1 and asks for pre-votes (KafkaRaftClient.pollCandidate,
     * 4.0: backoff complete -> transitionToProspective). */
    const sim_time first_due = due_a < due_b ? due_a : due_b;
    RF_STEP_UNTIL(&f, a->role == RAFT_ROLE_PROSPECTIVE || b->role == RAFT_ROLE_PROSPECTIVE,
                  first_due);
    cr_assert_eq(rf_now(&f), first_due);
    const raft_node *p = a->role == RAFT_ROLE_PROSPECTIVE ? a : b;
    cr_assert_eq(p->raft_epoch, 1, "pre-vote first: the epoch is bumped only as candidate");
    cr_assert_eq(p->retries, 2, "the lost election still counts for the next backoff");

    /* Afterwards: one leader, in a later epoch; nobody ever led epoch 1. */
    rf_step_until(&f, rf_has_leader, NULL, MS(30000), "a leader after the split vote");
    const raft_node *leader = raft_leader(&f.cluster);
    cr_assert_geq(leader->raft_epoch, 2);
    cr_assert_eq(f.chk.epoch_leader[1], -1);
    cr_assert_eq(f.cluster.elections, 1);
}

/*
 * A candidate whose election times out goes straight back to Prospective, in the epoch
 * it already bumped, without a backoff (Kafka 4.0, KafkaRaftClient.pollCandidate). Here
 * voter X wins its pre-vote and is then isolated, so its Vote requests are lost.
 */
Test(raft_election, candidate_timeout_returns_to_prospective, .fini = teardown)
{
    rf_config cfg;
    rf_config_default(&cfg, 3, 3, 7);
    rf_init(&f, &cfg);
    raft_node *x = rf_node(&f, 0);

    /* t = 0: X's election timer fires now (scenario action `timeout`): Prospective in
     * epoch 0 (KafkaRaftClient.pollUnattached). */
    cr_assert(raft_force_timeout(&f.cluster, x));
    cr_assert_eq(x->role, RAFT_ROLE_PROSPECTIVE);
    cr_assert_eq(x->retries, 1);

    /* t = 2 ms: the first granted pre-vote makes a majority: Candidate in epoch 1, with a
     * fresh election timer drawn from [1 s, 2 s). It sends its Vote requests, and is cut
     * off from everyone at that instant: the requests are lost in flight. */
    RF_STEP_UNTIL(&f, x->role == RAFT_ROLE_CANDIDATE, MS(2));
    cr_assert_eq(rf_now(&f), MS(2));
    cr_assert_eq(x->raft_epoch, 1);
    rf_isolate(&f, 0);
    const sim_time due = raft_timer_due(&f.cluster, x);
    cr_assert(due >= MS(1002) && due < MS(2002), "election due %llu", (unsigned long long)due);

    /* Election timeout, no answer: X becomes Prospective at once, still in epoch 1, with
     * no RAFT_BACKOFF in between; the retry count goes on (QuorumState
     * .transitionToProspective). Its new pre-votes are lost too. */
    RF_STEP_UNTIL(&f, x->role == RAFT_ROLE_PROSPECTIVE, due);
    cr_assert_eq(rf_now(&f), due);
    cr_assert_eq(x->raft_epoch, 1);
    cr_assert_eq(x->voted_for, x->node_id, "its vote in epoch 1 is kept");
    cr_assert_eq(x->retries, 2);
    cr_assert_eq(rf_events(&f, SIM_EV_RAFT_BACKOFF, 0), 0);
    cr_assert_eq(rf_events(&f, SIM_EV_RAFT_BECOME_PROSPECTIVE, 0), 2);
    const sim_time pre_due = raft_timer_due(&f.cluster, x);
    cr_assert(pre_due >= due + MS(1000) && pre_due < due + MS(2000));

    /* Its pre-vote election times out in turn: no leader known, so Unattached in epoch 1
     * (KafkaRaftClient.prospectiveTransitionAfterElectionLoss), keeping the spent election
     * timer, which at once makes it Prospective again (pollUnattached). No epoch bump. */
    RF_STEP_UNTIL(&f, rf_events(&f, SIM_EV_RAFT_BECOME_PROSPECTIVE, 0) == 3, pre_due);
    cr_assert_eq(rf_now(&f), pre_due);
    cr_assert_eq(rf_events(&f, SIM_EV_RAFT_BECOME_UNATTACHED, 0), 2, "boot, then this one");
    cr_assert_eq(x->raft_epoch, 1);
    cr_assert_eq(x->retries, 1, "a new pre-vote round after Unattached counts from 1");

    /* Isolated for 20 s, X never stands again: pre-vote holds its epoch at 1. */
    rf_run_until(&f, MS(20000));
    cr_assert_eq(x->raft_epoch, 1);
    cr_assert_eq(rf_events(&f, SIM_EV_RAFT_BECOME_CANDIDATE, 0), 1);
    cr_assert_eq(rf_events(&f, SIM_EV_RAFT_BACKOFF, 0), 0);
}

/*
 * A pre-vote from a higher epoch moves its receiver to that epoch first, as a Vote does
 * (KafkaRaftClient.handleVoteRequest, KAFKA-17641, Kafka 4.0); it then answers in the
 * asker's epoch, here granting since its log is no longer than the asker's. A pre-vote in
 * the receiver's own epoch changes nothing.
 */
Test(raft_election, pre_vote_from_higher_epoch_moves_receiver, .fini = teardown)
{
    rf_config cfg;
    rf_config_default(&cfg, 3, 3, 3);
    rf_init(&f, &cfg);
    rf_step_until(&f, rf_all_caught_up, NULL, MS(10000), "an elected, caught-up quorum");
    const uint32_t l = (uint32_t)rf_leader_index(&f);
    raft_node *asker = rf_node(&f, (l + 1) % 3), *z = rf_node(&f, (l + 2) % 3);
    const int32_t epoch = z->raft_epoch;
    cr_assert_eq(z->role, RAFT_ROLE_FOLLOWER);

    /* A pre-vote as the asker's, in Z's own epoch: Z has fetched from its leader, so it
     * refuses (KIP-996) and stays a follower in its epoch. */
    net_msg msg;
    memset(&msg, 0, sizeof msg);
    msg.from = asker->endpoint;
    msg.to = z->endpoint;
    msg.kind = NET_MSG_VOTE_REQ;
    raft_vote_req req = {.epoch = epoch,
                         .candidate_id = asker->node_id,
                         .last_epoch = raft_last_epoch(asker),
                         .pre_vote = 1,
                         .last_offset = asker->leo};
    msg.body_bytes = sizeof req;
    memcpy(msg.body, &req, sizeof req);
    raft_recv(&f.cluster, &msg);
    cr_assert_eq(z->role, RAFT_ROLE_FOLLOWER);
    cr_assert_eq(z->raft_epoch, epoch);

    /* The same pre-vote one epoch higher: Z first moves to Unattached in that epoch,
     * forgetting its leader and casting no vote, then grants the pre-vote. */
    req.epoch = epoch + 1;
    memcpy(msg.body, &req, sizeof req);
    const uint32_t unattached = rf_events(&f, SIM_EV_RAFT_BECOME_UNATTACHED, z->index);
    raft_recv(&f.cluster, &msg);
    cr_assert_eq(z->role, RAFT_ROLE_UNATTACHED);
    cr_assert_eq(z->raft_epoch, epoch + 1);
    cr_assert_eq(z->leader_id, -1);
    cr_assert_eq(z->voted_for, -1, "a pre-vote is never recorded as a vote");
    cr_assert_eq(rf_events(&f, SIM_EV_RAFT_BECOME_UNATTACHED, z->index), unattached + 1);
}

/*
 * Pre-vote (KIP-996) keeps an isolated voter from inflating the epoch: it cycles
 * Follower -> Prospective -> Follower in its old epoch, and when it comes back the
 * leader is undisturbed.
 */
Test(raft_election, pre_vote_isolated_voter_keeps_epoch, .fini = teardown)
{
    rf_config cfg;
    rf_config_default(&cfg, 3, 3, 3);
    rf_init(&f, &cfg);
    rf_step_until(&f, rf_all_caught_up, NULL, MS(10000), "an elected, caught-up quorum");
    const uint32_t l = (uint32_t)rf_leader_index(&f);
    const uint32_t iso = (l + 1) % 3;
    raft_node *leader = rf_node(&f, l), *n = rf_node(&f, iso);
    const int32_t epoch = leader->raft_epoch;

    /* Isolate a follower for 20 s. Its fetch timeout (2 s) makes it Prospective; its
     * pre-votes are lost; it returns to Follower and tries again, in the same epoch. */
    rf_isolate(&f, iso);
    rf_run_until(&f, rf_now(&f) + MS(20000));
    cr_assert_eq(n->raft_epoch, epoch, "pre-vote does not bump the epoch");
    cr_assert_geq(rf_events(&f, SIM_EV_RAFT_BECOME_PROSPECTIVE, iso), 5);
    cr_assert_eq(rf_events(&f, SIM_EV_RAFT_BECOME_CANDIDATE, iso), 0);
    cr_assert_eq(leader->role, RAFT_ROLE_LEADER);

    /* Heal: it fetches again from the same leader; nothing else happened. */
    rf_heal(&f);
    rf_run_until(&f, rf_now(&f) + MS(5000));
    cr_assert_eq(leader->role, RAFT_ROLE_LEADER);
    cr_assert_eq(leader->raft_epoch, epoch);
    cr_assert_eq(n->role, RAFT_ROLE_FOLLOWER);
    cr_assert_eq(n->leader_id, leader->node_id);
    cr_assert_eq(f.cluster.elections, 1);
}

/* The same without pre-vote (Kafka before 4.0): the isolated voter becomes candidate
 * again and again, each time in a higher epoch; when it comes back, its Vote requests
 * force everyone into its epoch and the healthy leader is deposed. */
Test(raft_election, no_pre_vote_isolated_voter_bumps_epoch, .fini = teardown)
{
    rf_config cfg;
    rf_config_default(&cfg, 3, 3, 3);
    cfg.raft.pre_vote = false;
    rf_init(&f, &cfg);
    rf_step_until(&f, rf_all_caught_up, NULL, MS(10000), "an elected, caught-up quorum");
    const uint32_t l = (uint32_t)rf_leader_index(&f);
    const uint32_t iso = (l + 1) % 3;
    raft_node *n = rf_node(&f, iso);
    const int32_t epoch = rf_node(&f, l)->raft_epoch;

    rf_isolate(&f, iso);
    rf_run_until(&f, rf_now(&f) + MS(20000));
    cr_assert_gt(n->raft_epoch, epoch + 3, "epoch %d", n->raft_epoch);
    cr_assert_eq(rf_events(&f, SIM_EV_RAFT_BECOME_PROSPECTIVE, iso), 0);
    cr_assert_geq(rf_events(&f, SIM_EV_RAFT_BACKOFF, iso), 3);
    cr_assert_eq(rf_node(&f, l)->raft_epoch, epoch, "the majority was undisturbed");

    rf_heal(&f);
    rf_step_until(&f, rf_all_caught_up, NULL, rf_now(&f) + MS(20000), "a quorum again");
    const raft_node *leader = raft_leader(&f.cluster);
    cr_assert_gt(leader->raft_epoch, epoch, "the old leader was deposed");
    cr_assert_neq(leader->index, iso, "a node with a stale log cannot win");
    cr_assert_geq(f.cluster.elections, 2);
}

/* Observers (dedicated brokers) replicate the metadata log but never vote and never
 * count for the high watermark. */
Test(raft_election, observers_replicate_but_do_not_vote, .fini = teardown)
{
    rf_config cfg;
    rf_config_default(&cfg, 5, 3, 5);
    rf_init(&f, &cfg);
    rf_step_until(&f, rf_all_caught_up, NULL, MS(10000), "leader and caught-up observers");
    raft_node *leader = (raft_node *)raft_leader(&f.cluster);
    for (uint32_t i = 3; i < 5; i++) {
        const raft_node *o = rf_node(&f, i);
        cr_assert_eq(o->role, RAFT_ROLE_FOLLOWER);
        cr_assert_eq(o->leader_id, leader->node_id);
        cr_assert_eq(rf_events(&f, SIM_EV_RAFT_VOTE, i), 0, "observers never vote");
        cr_assert_eq(rf_events(&f, SIM_EV_RAFT_BECOME_PROSPECTIVE, i), 0);
    }

    /* Cut the leader off from both other voters: the observers still fetch, but they do
     * not make a majority, so new records are not committed. */
    for (uint32_t v = 0; v < 3; v++) {
        if (v == leader->index) continue;
        net_cut(&f.net, (int32_t)leader->index, (int32_t)v);
        net_cut(&f.net, (int32_t)v, (int32_t)leader->index);
    }
    const int64_t hw = leader->hw;
    int64_t off;
    cr_assert_eq(raft_propose(&f.cluster, leader, RAFT_RECORD_APP_BASE, 1, 2, 3, &off), SIM_OK);
    rf_run_until(&f, rf_now(&f) + MS(1000));
    cr_assert_eq(rf_node(&f, 3)->leo, leader->leo, "the observer has the record");
    cr_assert_eq(leader->hw, hw, "but it is not committed");
}

/* A single voter elects itself at its first timeout and commits alone. */
Test(raft_election, single_voter, .fini = teardown)
{
    rf_config cfg;
    rf_config_default(&cfg, 2, 1, 9);
    rf_init(&f, &cfg);
    raft_node *v = rf_node(&f, 0);
    const sim_time due = raft_timer_due(&f.cluster, v);
    RF_STEP_UNTIL(&f, v->role == RAFT_ROLE_LEADER, due);
    cr_assert_eq(rf_now(&f), due, "prospective, candidate and leader in one instant");
    cr_assert_eq(v->raft_epoch, 1);
    cr_assert_eq(v->hw, 1);
    cr_assert_eq(raft_timer_due(&f.cluster, v), SIM_TIME_NEVER, "no check quorum");
    rf_step_until(&f, rf_all_caught_up, NULL, MS(5000), "the observer caught up");
}
