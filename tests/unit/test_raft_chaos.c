/*
 * test_raft_chaos.c — many seeds of random faults against the raft fixture's safety
 *   checks, for both variants, with and without pre-vote.
 *
 * Goal: no SIM_ASSERT fires and no safety check fails (one leader per epoch, committed
 *   prefixes agree, HW monotonic, apply order) whatever the faults; and the cluster
 *   recovers (a leader, everything committed) once the faults stop.
 * Method: a per-seed fault schedule drawn from the test's own RNG stream: crashes,
 *   restarts, isolations, partitions, heals, pauses, forced timeouts, graceful
 *   shutdowns and proposals, every 50-500 ms, over a lossy network with jitter. Set
 *   RAFT_CHAOS_SEEDS in the environment for a longer sweep (RAFT_CHAOS_VERBOSE=1 prints
 *   a line per seed).
 */
#include "raft_fixture.h"
#include "../../sim/core/sim_rng.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#define MS(x) SIM_MS(x)

static raft_fixture f;

static void chaos_action(sim_rng *rng, bool *down, bool *paused)
{
    const uint32_t n = f.cluster.node_count;
    const uint32_t i = (uint32_t)sim_rng_below(rng, n);
    raft_node *node = rf_node(&f, i);
    /* Weights: crash 1, restart 2, isolate 1, partition 1, heal 2, pause/resume 1,
     * timeout 1, shutdown 1, propose 3. */
    static const uint8_t kinds[13] = {0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 8, 8, 8};
    switch (kinds[sim_rng_below(rng, 13)]) {
    case 0:
        if (!down[i] && !paused[i]) {
            rf_crash(&f, i);
            down[i] = true;
        }
        break;
    case 1:
        if (down[i]) {
            rf_restart(&f, i);
            down[i] = false;
        }
        break;
    case 2:
        rf_isolate(&f, i);
        break;
    case 3: {
        int32_t side[RF_NODES_MAX];
        for (uint32_t k = 0; k < n; k++) side[k] = (int32_t)sim_rng_below(rng, 2);
        net_partition(&f.net, side, 2);
        break;
    }
    case 4:
        rf_heal(&f);
        break;
    case 5:
        if (!down[i]) {
            if (paused[i]) {
                sim_engine_endpoint_resume(&f.engine, node->endpoint);
            } else {
                sim_engine_endpoint_pause(&f.engine, node->endpoint);
            }
            paused[i] = !paused[i];
        }
        break;
    case 6:
        if (!down[i] && !paused[i]) raft_force_timeout(&f.cluster, node);
        break;
    case 7:
        if (!down[i] && !paused[i] && node->role == RAFT_ROLE_LEADER && !node->shutting_down)
            raft_shutdown(&f.cluster, node);
        break;
    case 8:
    default: {
        const raft_node *leader = raft_leader(&f.cluster);
        if (leader != NULL && !paused[leader->index]) {
            (void)raft_propose(&f.cluster, (raft_node *)leader, RAFT_RECORD_APP_BASE,
                               (int32_t)sim_rng_below(rng, 1000), 0, 0, NULL);
        }
        break;
    }
    }
}

static void chaos_run(uint64_t seed, raft_variant variant, bool pre_vote)
{
    /* Odd seeds: five voters and an observer on a lossy, jittery network. Even seeds:
     * three voters and four observers in lockstep (fixed 1 ms, no loss). */
    const bool odd = seed % 2u == 1u;
    rf_config cfg;
    rf_config_default(&cfg, odd ? 6 : 7, odd ? 5 : 3, seed);
    cfg.raft.variant = variant;
    cfg.raft.pre_vote = pre_vote;
    cfg.raft.log_capacity = 4096;
    if (odd) {
        cfg.latency_min_us = 1000;
        cfg.latency_max_us = 20000;
        cfg.loss_ppm = 30000;
    }
    rf_init(&f, &cfg);
    sim_rng rng;
    sim_rng_init(&rng, seed, SIM_STREAM(SIM_STREAM_SCENARIO, 99));
    bool down[RF_NODES_MAX] = {false}, paused[RF_NODES_MAX] = {false};
    sim_time t = 0;
    while (t < MS(30000)) {
        t += MS(50) + sim_rng_below(&rng, MS(450));
        rf_run_until(&f, t);
        /* A node that finished its graceful shutdown goes down, as the world does. */
        for (uint32_t i = 0; i < f.cluster.node_count; i++) {
            raft_node *n = rf_node(&f, i);
            if (!down[i] && !paused[i] && n->shutting_down && raft_shutdown_done(&f.cluster, n)) {
                rf_crash(&f, i);
                down[i] = true;
            }
        }
        chaos_action(&rng, down, paused);
    }
    /* Faults stop: everything comes back and the cluster must recover. */
    rf_heal(&f);
    for (uint32_t i = 0; i < f.cluster.node_count; i++) {
        if (paused[i]) sim_engine_endpoint_resume(&f.engine, rf_node(&f, i)->endpoint);
        if (down[i]) rf_restart(&f, i);
    }
    for (uint32_t i = 0; i < f.cluster.node_count; i++) {
        raft_node *n = rf_node(&f, i);
        if (n->shutting_down) { /* still waiting for a successor: finish it */
            rf_crash(&f, i);
            rf_restart(&f, i);
        }
    }
    rf_step_until(&f, rf_all_caught_up, NULL, rf_now(&f) + MS(60000), "recovery after chaos");
    if (getenv("RAFT_CHAOS_VERBOSE") != NULL) {
        fprintf(stderr, "seed %llu: %llu events, %llu elections\n", (unsigned long long)seed,
                (unsigned long long)f.steps, (unsigned long long)f.cluster.elections);
    }
    rf_deinit(&f);
}

static uint64_t seeds(void)
{
    const char *s = getenv("RAFT_CHAOS_SEEDS");
    return s != NULL ? strtoull(s, NULL, 10) : 8;
}

Test(raft_chaos, kraft_pre_vote, .timeout = 300)
{
    for (uint64_t seed = 1; seed <= seeds(); seed++) chaos_run(seed, RAFT_VARIANT_KRAFT, true);
}

Test(raft_chaos, kraft_without_pre_vote, .timeout = 300)
{
    for (uint64_t seed = 1; seed <= seeds(); seed++) chaos_run(seed, RAFT_VARIANT_KRAFT, false);
}

Test(raft_chaos, classic, .timeout = 300)
{
    for (uint64_t seed = 1; seed <= seeds(); seed++) chaos_run(seed, RAFT_VARIANT_CLASSIC, false);
}
