/*
 * test_data_checkers.c — the data plane's checkers catch deliberately broken replication
 *   in a whole world with producers.
 *
 * Goal: each broken variant of repl_bugs (sim/kafka/replication.h) is reported by the
 *   checker that guards its rule, in a run with a real producer, and the correct model
 *   reports nothing on the same scenario and seeds.
 * Method: one scenario (3 combined nodes, RF 3, min.insync.replicas 2, an acks=all
 *   producer, a follower crash and restart in the middle); run it whole with and without
 *   a bug; read w->chk.results.
 */
#include "world_fixture.h"

#include <criterion/criterion.h>

static const char *const scenario =
    "{\"format\": 1, \"name\": \"checkers\", \"seed\": 3, \"duration\": \"30s\","
    " \"cluster\": {\"brokers\": 3, \"config\": {\"min.insync.replicas\": 2}},"
    " \"topics\": [{\"name\": \"orders\", \"partitions\": 2, \"replication_factor\": 3}],"
    " \"producers\": [{\"name\": \"p\", \"topic\": \"orders\", \"rate\": 200, \"keys\": 8,"
    "   \"start\": \"3s\", \"stop\": \"28s\", \"config\": {\"acks\": \"all\"}}],"
    " \"timeline\": [{\"at\": \"10s\", \"do\": \"crash\", \"node\": \"follower:orders-0\","
    "   \"label\": \"f\"}, {\"at\": \"18s\", \"do\": \"restart\", \"node\": \"@f\"}]}";

static uint64_t violations_with(const repl_bugs *bugs, uint64_t seed, chk_invariant inv)
{
    scn_config *cfg = fx_config(scenario);
    const sim_world_options opts = {.repl_bugs = bugs};
    sim_world *w = sim_world_new_opts(cfg, seed, SIM_TIME_NEVER, &opts);
    sim_world_run(w);
    const uint64_t n = w->chk.results[inv].violations;
    sim_records r;
    sim_world_records(w, &r, NULL, 0);
    cr_assert_gt(r.acked, 1000, "the producer worked (%llu acked)", (unsigned long long)r.acked);
    sim_world_free(w);
    scn_config_free(cfg);
    return n;
}

Test(data_checkers, correct_model_reports_nothing)
{
    for (uint64_t seed = 1; seed <= 4; seed++) {
        scn_config *cfg = fx_config(scenario);
        sim_world *w = sim_world_new(cfg, seed, SIM_TIME_NEVER);
        sim_world_run(w);
        for (uint32_t i = 0; i < CHK_COUNT; i++)
            cr_assert_eq(w->chk.results[i].violations, 0, "seed %llu: %s violated: %s",
                         (unsigned long long)seed, chk_invariant_name((chk_invariant)i),
                         w->chk.results[i].first);
        sim_world_free(w);
        scn_config_free(cfg);
    }
}

/* acks=all answered at append, as acks=1: the producer is told "replicated" while the
 * followers have not fetched the batch yet. */
Test(data_checkers, acks_all_at_append_is_caught)
{
    const repl_bugs bugs = {.acks_all_at_append = true};
    cr_assert_gt(violations_with(&bugs, 1, CHK_ACKS_ALL_REPLICATED), 0);
    const repl_bugs none = {0};
    cr_assert_eq(violations_with(&none, 1, CHK_ACKS_ALL_REPLICATED), 0);
}

/* The HW taken from every assigned replica, ISR or not: with a follower down for good
 * it can never pass that follower's LEO, so acks=all stops being answered although the
 * ISR (without the dead follower) has everything. The correct model acknowledges again
 * once the controller has removed the follower from the ISR. */
Test(data_checkers, hw_from_all_replicas_stalls_acks)
{
    static const char *const follower_dies =
        "{\"format\": 1, \"name\": \"stall\", \"seed\": 3, \"duration\": \"30s\","
        " \"cluster\": {\"brokers\": 3, \"config\": {\"min.insync.replicas\": 2}},"
        " \"topics\": [{\"name\": \"orders\", \"partitions\": 2, \"replication_factor\": 3}],"
        " \"producers\": [{\"name\": \"p\", \"topic\": \"orders\", \"rate\": 200,"
        "   \"start\": \"3s\", \"stop\": \"28s\", \"config\": {\"acks\": \"all\"}}],"
        " \"timeline\": [{\"at\": \"8s\", \"do\": \"crash\", \"node\": \"follower:orders-0\"}]}";
    scn_config *cfg = fx_config(follower_dies);
    const repl_bugs bugs = {.hw_from_all_replicas = true};
    const sim_world_options opts = {.repl_bugs = &bugs};
    sim_world *bad = sim_world_new_opts(cfg, 1, SIM_TIME_NEVER, &opts);
    sim_world *good = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    sim_world_run(bad);
    sim_world_run(good);
    sim_records rb, rg;
    sim_world_records(bad, &rb, NULL, 0);
    sim_world_records(good, &rg, NULL, 0);
    /* From 8 s on the broken HW cannot pass the dead follower's LEO. */
    cr_assert_lt(rb.acked + 2000, rg.acked, "broken %llu vs correct %llu acked",
                 (unsigned long long)rb.acked, (unsigned long long)rg.acked);
    sim_world_free(bad);
    sim_world_free(good);
    scn_config_free(cfg);
}

/* Followers that never truncate keep a divergent tail after a leader change: the ISR
 * members disagree below the HW. Needs a leader crash with unreplicated records, and the
 * old leader back only after the new one has written past its log end (else the fetch
 * is out of range and truncates anyway). */
Test(data_checkers, no_follower_truncation_is_caught)
{
    static const char *const crash_leader =
        "{\"format\": 1, \"name\": \"trunc\", \"seed\": 3, \"duration\": \"40s\","
        " \"cluster\": {\"brokers\": 3},"
        " \"topics\": [{\"name\": \"orders\", \"partitions\": 1, \"replication_factor\": 3}],"
        " \"producers\": [{\"name\": \"p\", \"topic\": \"orders\", \"rate\": 500,"
        "   \"start\": \"3s\", \"stop\": \"38s\", \"config\": {\"acks\": \"1\"}}],"
        " \"timeline\": [{\"at\": \"10.0045s\", \"do\": \"crash\", \"node\": \"leader:orders-0\","
        "   \"label\": \"l\"}, {\"at\": \"25s\", \"do\": \"restart\", \"node\": \"@l\"}]}";
    const repl_bugs bugs = {.no_follower_truncation = true};
    uint64_t caught = 0, clean = 0;
    /* 10.0045 s falls between the leader's acks=1 answer and its followers' fetch of the
     * last batch in seeds 1 and 8 (records.acked_lost is 3 there with the correct model). */
    for (uint64_t seed = 1; seed <= 8; seed++) {
        scn_config *cfg = fx_config(crash_leader);
        const sim_world_options opts = {.repl_bugs = &bugs};
        sim_world *w = sim_world_new_opts(cfg, seed, SIM_TIME_NEVER, &opts);
        sim_world_run(w);
        caught += w->chk.results[CHK_ISR_COMMITTED_AGREEMENT].violations > 0;
        sim_world *ok = sim_world_new(cfg, seed, SIM_TIME_NEVER);
        sim_world_run(ok);
        clean += ok->chk.results[CHK_ISR_COMMITTED_AGREEMENT].violations;
        sim_world_free(ok);
        sim_world_free(w);
        scn_config_free(cfg);
    }
    cr_assert_gt(caught, 0, "no seed of 1..8 showed the divergent tail");
    cr_assert_eq(clean, 0);
}
