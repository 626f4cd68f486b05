/*
 * test_plot.c — `run --plot`'s data-plane series: throughput, the oldest unacknowledged
 *   record and consumer lag.
 *
 * Goal: the samples the plot draws follow the run (records acknowledged grow while the
 *   producer runs, a crashed consumer's lag climbs until the group takes its partitions
 *   back, commits lower it, a held-up produce shows as an old unacknowledged record), the chart
 * gains the three charts only when the run has producers and groups, and a run without them draws
 * exactly the picture it drew before. Method: a shipped scenario sampled every 250 ms of virtual
 * time, as cmd_run does; the PNG is drawn to a temporary file and compared by size and by bytes.
 */
#include "../../sim/scenario/scenario.h"
#include "../../sim/world/world.h"
#include "viz_fixture.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SAMPLES_MAX 400u

static void enable_groups(void)
{
    scn_set_groups_enabled(true);
}

TestSuite(plot, .init = enable_groups);

/* Samples every `step` until `until`; returns the count. */
static uint32_t sample_run(const scn_config *cfg, sim_time until, sim_time step, viz_sample *out)
{
    sim_world *w = sim_world_new(cfg, cfg->seed, until);
    uint32_t n = 0;
    for (sim_time t = step; t <= until && n < SAMPLES_MAX; t += step) {
        sim_world_run_until(w, t);
        viz_sample_world(w, &out[n++]);
    }
    sim_world_free(w);
    return n;
}

static long png_bytes(const viz_sample *s, uint32_t n, const char *tag)
{
    char path[128];
    snprintf(path, sizeof path, "/tmp/kraftlab-test-plot-%s-%ld.png", tag, (long)getpid());
    cr_assert_eq(viz_plot_png(s, n, NULL, 0, "t", 900, 600, path), SIM_OK);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    const long size = ftell(f);
    fclose(f);
    remove(path);
    return size;
}

/* auto-commit-redelivery: a producer from 1 s, a group of three, member 2 crashes at 16 s
 * with a 10 s session, so its partitions wait unread until the coordinator expires it. */
Test(plot, producer_and_group_series_follow_the_run)
{
    scn_config *cfg = vf_load_file("scenarios/auto-commit-redelivery.json");
    static viz_sample s[SAMPLES_MAX];
    const uint32_t n = sample_run(cfg, SIM_S(30), SIM_MS(250), s);
    cr_assert_geq(n, 100);
    cr_assert(s[n - 1].has_producers && s[n - 1].has_groups);
    /* Acknowledged records only grow, and grow while the producer runs. */
    for (uint32_t i = 1; i < n; i++) cr_assert_geq(s[i].acked, s[i - 1].acked);
    cr_assert_gt(s[n - 1].acked, s[n / 2].acked);
    /* The oldest waiting record is young once the cluster serves (linger + a round trip)
     * and older before the topic has a leader. */
    sim_time oldest_late = 0, oldest_early = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (s[i].t >= SIM_S(5) && s[i].oldest_us > oldest_late) oldest_late = s[i].oldest_us;
        if (s[i].t < SIM_S(5) && s[i].oldest_us > oldest_early) oldest_early = s[i].oldest_us;
    }
    cr_assert_lt(oldest_late, SIM_MS(200), "records wait %llu us", (unsigned long long)oldest_late);
    cr_assert_gt(oldest_early, oldest_late);
    /* Auto commits every 5 s make the lag drop; the crashed member's partitions (16 s,
     * taken over at 25.5 s) make it climb higher than before the crash. */
    bool dropped = false;
    int64_t lag_before = 0, lag_unread = 0;
    for (uint32_t i = 1; i < n; i++) {
        dropped = dropped || s[i].group_lag + 100 < s[i - 1].group_lag;
        if (s[i].t > SIM_S(13) && s[i].t < SIM_S(16) && s[i].group_lag > lag_before)
            lag_before = s[i].group_lag;
        if (s[i].t > SIM_S(16) && s[i].t < SIM_S(25) && s[i].group_lag > lag_unread)
            lag_unread = s[i].group_lag;
    }
    cr_assert(dropped, "a commit lowers the lag");
    cr_assert_gt(lag_unread, lag_before, "lag %lld before the crash, %lld after",
                 (long long)lag_before, (long long)lag_unread);
    /* The three charts are drawn: the picture differs from one without them. */
    static viz_sample bare[SAMPLES_MAX];
    memcpy(bare, s, n * sizeof *s);
    for (uint32_t i = 0; i < n; i++) bare[i].has_producers = bare[i].has_groups = false;
    cr_assert_neq(png_bytes(s, n, "full"), png_bytes(bare, n, "bare"));
    scn_config_free(cfg);
}

Test(plot, a_run_without_clients_has_no_client_series)
{
    scn_config *cfg = vf_load_file("scenarios/quickstart.json");
    static viz_sample s[SAMPLES_MAX];
    const uint32_t n = sample_run(cfg, SIM_S(20), SIM_MS(250), s);
    for (uint32_t i = 0; i < n; i++) {
        cr_assert_not(s[i].has_producers);
        cr_assert_not(s[i].has_groups);
        cr_assert_eq(s[i].acked, 0);
        cr_assert_eq(s[i].group_lag, 0);
    }
    scn_config_free(cfg);
}
