/*
 * test_producer_sweep.c — acks=all with min.insync.replicas=2 loses nothing when one
 *   broker at a time fails; acks=1 under the same faults does lose acknowledged records.
 *
 * Goal: the durability contract of kafka-semantics.md §3.4 holds in the whole model over
 *   many seeds: with RF 3, min.insync.replicas 2 and unclean election off, a record
 *   acknowledged to an acks=all producer survives any single-broker fault, while
 *   acks=1 acknowledges records only the leader has, which a failover then drops.
 * Method: VOPR-like, but small enough for the unit suite: one scenario (three combined
 *   nodes, `orders` with three partitions, one keyed producer at 200 records/s) with a
 *   crash/restart, a second crash/restart, a pause/resume and an isolate/heal, each on
 *   one broker while the others are up, at instants a few ms past a batch boundary (3.5 ms: inside
 * the window between a leader's acks=1 answer and its followers' fetch for some seeds) so that some
 * batches are between append and replication. Each seed of 1..SEEDS runs with sim_world_new +
 * sim_world_run, and sim_world_records is read at the end. The same seeds run with acks=all and
 * with acks=1.
 */
#include "world_fixture.h"

#include <criterion/criterion.h>
#include <stdio.h>

#define SEEDS 40u

static const char *const SCENARIO =
    "{\"format\": 1, \"name\": \"sweep\", \"duration\": \"80s\","
    " \"cluster\": {\"mode\": \"combined\", \"controllers\": 3, \"brokers\": 3},"
    " \"topics\": [{\"name\": \"orders\", \"partitions\": 3, \"replication_factor\": 3,"
    "   \"config\": {\"min.insync.replicas\": 2, \"unclean.leader.election.enable\": false}}],"
    " \"producers\": [{\"name\": \"app\", \"topic\": \"orders\", \"rate\": 200, \"keys\": 16,"
    "   \"start\": \"3s\", \"stop\": \"70s\", \"config\": {\"acks\": %s}}],"
    " \"timeline\": ["
    "  {\"at\": \"10003.5ms\", \"do\": \"crash\", \"node\": \"leader:orders-0\", \"label\": \"a\"},"
    "  {\"at\": \"20s\", \"do\": \"restart\", \"node\": \"@a\"},"
    "  {\"at\": \"25003.5ms\", \"do\": \"crash\", \"node\": \"leader:orders-1\", \"label\": \"b\"},"
    "  {\"at\": \"33s\", \"do\": \"restart\", \"node\": \"@b\"},"
    "  {\"at\": \"40003ms\", \"do\": \"pause\", \"node\": \"leader:orders-2\", \"label\": \"c\"},"
    "  {\"at\": \"46s\", \"do\": \"resume\", \"node\": \"@c\"},"
    "  {\"at\": \"52004ms\", \"do\": \"isolate\", \"node\": \"leader:orders-0\", \"label\": \"d\"},"
    "  {\"at\": \"60s\", \"do\": \"heal\", \"node\": \"@d\"}]}";

typedef struct sweep_result {
    uint32_t seeds_with_loss;
    uint64_t lost, acked;
} sweep_result;

static sweep_result sweep(const char *acks)
{
    char json[2048];
    snprintf(json, sizeof json, SCENARIO, acks);
    scn_config *cfg = fx_config(json);
    sweep_result out = {0};
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        sim_world *w = sim_world_new(cfg, seed, SIM_TIME_NEVER);
        sim_world_run(w);
        cr_assert_eq(w->warning_count, 0, "seed %lu: a fault was skipped: %s", (unsigned long)seed,
                     w->warning_count ? w->warnings[0].text : "");
        cr_assert(sim_world_ok(w), "seed %lu: an invariant was violated", (unsigned long)seed);
        sim_partition_stats st;
        sim_world_partition_stats(w, &st);
        cr_assert_eq(st.unclean_elections, 0, "seed %lu", (unsigned long)seed);
        cr_assert_geq(st.leader_elections, 2, "seed %lu: the faults moved leaders",
                      (unsigned long)seed);
        sim_records rs;
        sim_world_records(w, &rs, NULL, 0);
        cr_assert_eq(rs.acked + rs.failed + rs.unconfirmed + rs.pending, rs.sent);
        cr_assert_gt(rs.acked, rs.sent / 2, "seed %lu: most records acked", (unsigned long)seed);
        out.acked += rs.acked;
        out.lost += rs.acked_lost;
        out.seeds_with_loss += rs.acked_lost > 0;
        sim_world_free(w);
    }
    scn_config_free(cfg);
    return out;
}

Test(producer_sweep, acks_all_with_min_insync_2_loses_no_acknowledged_record, .timeout = 60)
{
    const sweep_result r = sweep("\"all\"");
    cr_assert_eq(r.lost, 0, "%u of %u seeds lost %lu acknowledged records", r.seeds_with_loss,
                 SEEDS, (unsigned long)r.lost);
}

Test(producer_sweep, acks_1_loses_acknowledged_records_under_the_same_faults, .timeout = 60)
{
    /* The leader acks on append; a crash before its followers fetched the batch elects a
     * follower without it, and the old leader truncates it when it returns. */
    const sweep_result r = sweep("1");
    cr_assert_geq(r.seeds_with_loss, 1, "no seed of 1..%u lost a record with acks=1", SEEDS);
    cr_assert_lt(r.lost, r.acked / 100, "losses are the few records of a crash window");
}
