/*
 * test_checkers.c — the safety checkers hold on correct runs and catch broken ones.
 *
 * Goal: a checker that cannot fail is a defect. Each deliberately broken Raft variant
 *   (raft_bugs) must be reported by the checkers on some seed of a chaotic scenario, and
 *   the correct Raft must never be reported on the same seeds.
 * Method: a five-voter scenario with crashes, partitions and loss, run over a range of
 *   seeds with and without each bug; count the seeds with violations per invariant.
 */
#include "world_fixture.h"

#include <criterion/criterion.h>
#include <string.h>

static const char chaos[] =
    "{\"format\": 1, \"name\": \"chaos\", \"duration\": \"40s\","
    " \"cluster\": {\"controllers\": 5, \"brokers\": 5},"
    " \"network\": {\"latency\": {\"min\": \"1ms\", \"max\": \"20ms\"}, \"loss\": 0.05},"
    " \"timeline\": ["
    "  {\"at\": \"3s\", \"do\": \"crash\", \"node\": \"controller-leader\", \"label\": \"a\"},"
    "  {\"at\": \"5s\", \"do\": \"partition\", \"sides\": [[1, 2], [3, 4, 5]]},"
    "  {\"at\": \"8s\", \"do\": \"restart\", \"node\": \"@a\"},"
    "  {\"at\": \"10s\", \"do\": \"heal\"},"
    "  {\"at\": \"12s\", \"do\": \"isolate\", \"node\": \"controller-leader\", \"label\": \"b\"},"
    "  {\"at\": \"13s\", \"do\": \"partition\", \"sides\": [[1, 3], [2, 4, 5]]},"
    "  {\"at\": \"16s\", \"do\": \"heal\"},"
    "  {\"at\": \"18s\", \"do\": \"timeout\", \"node\": 2},"
    "  {\"at\": \"18s\", \"do\": \"timeout\", \"node\": 4},"
    "  {\"at\": \"20s\", \"do\": \"crash\", \"node\": \"controller-leader\", \"label\": \"c\"},"
    "  {\"at\": \"21s\", \"do\": \"partition\", \"sides\": [[1, 2, 3], [4, 5]]},"
    "  {\"at\": \"25s\", \"do\": \"restart\", \"node\": \"@c\"},"
    "  {\"at\": \"26s\", \"do\": \"heal\"},"
    "  {\"at\": \"28s\", \"do\": \"timeout\", \"node\": 1},"
    "  {\"at\": \"28s\", \"do\": \"timeout\", \"node\": 3},"
    "  {\"at\": \"28s\", \"do\": \"timeout\", \"node\": 5}"
    " ]}";

#define SEEDS 30

/* Seeds (of SEEDS) on which each invariant was violated. */
static void sweep(const raft_bugs *bugs, uint32_t seeds_violating[CHK_COUNT])
{
    scn_config *cfg = fx_config(chaos);
    for (uint32_t i = 0; i < CHK_COUNT; i++) seeds_violating[i] = 0;
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        sim_world *w =
            sim_world_new_opts(cfg, seed, SIM_TIME_NEVER, &(sim_world_options){.bugs = bugs});
        sim_world_run(w);
        for (uint32_t i = 0; i < CHK_COUNT; i++)
            if (w->chk.results[i].violations > 0) seeds_violating[i]++;
        sim_world_free(w);
    }
    scn_config_free(cfg);
}

Test(checkers, correct_raft_is_never_reported, .timeout = 120)
{
    uint32_t v[CHK_COUNT];
    sweep(NULL, v);
    for (uint32_t i = 0; i < CHK_COUNT; i++)
        cr_assert_eq(v[i], 0, "%s violated on %u seeds of a correct run",
                     chk_invariant_name((chk_invariant)i), v[i]);
}

Test(checkers, a_voter_that_votes_twice_breaks_election_safety, .timeout = 120)
{
    const raft_bugs bugs = {.vote_twice = true};
    uint32_t v[CHK_COUNT];
    sweep(&bugs, v);
    cr_assert_gt(v[CHK_SINGLE_LEADER_PER_EPOCH], 0, "two leaders in one epoch were never observed");
}

Test(checkers, a_leader_that_counts_itself_twice_is_caught, .timeout = 120)
{
    const raft_bugs bugs = {.leader_counts_self_twice = true};
    uint32_t v[CHK_COUNT];
    sweep(&bugs, v);
    uint32_t total = 0;
    for (uint32_t i = 0; i < CHK_COUNT; i++) total += v[i];
    cr_assert_gt(total, 0, "no checker noticed a leader counting itself twice");
}

/* The third broken variant, a leader committing without a record of its own epoch,
 * loses data only through the Raft paper's Figure 8 sequence, which random chaos almost
 * never produces: test_raft_bugs.c scripts it and asserts these checkers report it. */

Test(checkers, names_round_trip)
{
    for (uint32_t i = 0; i < CHK_COUNT; i++)
        cr_assert_eq(chk_invariant_by_name(chk_invariant_name((chk_invariant)i)), i);
    cr_assert_eq(chk_invariant_by_name("no_such_invariant"), CHK_COUNT);
}

/* Leader Completeness is about epochs: a leader of epoch E must hold what was committed
 * before E. Hand-built states, checked one "event" at a time. */
Test(checkers, leader_completeness_counts_commit_epochs)
{
    sim_arena *arena = sim_arena_new(1 << 20);
    sim_engine eng;
    sim_engine_init(&eng, arena, 64, 3);
    raft_node nodes[3];
    raft_record logs[3][8];
    memset(nodes, 0, sizeof nodes);
    memset(logs, 0, sizeof logs);
    raft_cluster rc = {.engine = &eng, .node_count = 3, .nodes = nodes, .voter_count = 3};
    for (int i = 0; i < 3; i++) {
        nodes[i] = (raft_node){.endpoint = i,
                               .node_id = i + 1,
                               .index = (uint32_t)i,
                               .voter = true,
                               .role = RAFT_ROLE_FOLLOWER,
                               .log = logs[i],
                               .leader_id = -1,
                               .voted_for = -1};
    }
    chk_state c;
    chk_init(&c, arena, &eng, &rc, 8);
    const raft_record r0 = {.offset = 0, .epoch = 1, .type = RAFT_RECORD_NO_OP};
    const raft_record r1 = {.offset = 1, .epoch = 3, .type = RAFT_RECORD_LEADER_CHANGE};
    /* Node 1 leads epoch 3 and commits r0 and r1 there. */
    nodes[0].role = RAFT_ROLE_LEADER;
    nodes[0].raft_epoch = 3;
    logs[0][0] = r0;
    logs[0][1] = r1;
    nodes[0].leo = 2;
    nodes[0].hw = 2;
    chk_after_event(&c);
    cr_assert_eq(c.ref_len, 2);
    cr_assert_eq(c.ref_commit_epoch[0], 3);
    /* Node 2 takes office late as leader of epoch 2 (its vote replies were held by a
     * pause): it lacks r1, committed in epoch 3, which Raft allows. */
    nodes[1].role = RAFT_ROLE_LEADER;
    nodes[1].raft_epoch = 2;
    logs[1][0] = r0;
    nodes[1].leo = 1;
    chk_after_event(&c);
    cr_assert_eq(c.results[CHK_COMMITTED_NEVER_LOST].violations, 0);
    /* Node 3 leads epoch 4 without r1: that breaks Leader Completeness. */
    nodes[2].role = RAFT_ROLE_LEADER;
    nodes[2].raft_epoch = 4;
    logs[2][0] = r0;
    nodes[2].leo = 1;
    chk_after_event(&c);
    cr_assert_eq(c.results[CHK_COMMITTED_NEVER_LOST].violations, 1);
    sim_arena_free(arena);
}
