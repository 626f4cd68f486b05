/*
 * test_world.c — whole runs: broker registration, fencing and unfencing with Kafka's
 *   timers, controlled shutdown, the timeline's skip rules, pauses, availability.
 *
 * Goal: the broker lifecycle of kafka-semantics.md §4.5 and the timeline rules of spec §2
 *   hold in a running world, at the virtual times Kafka's configs imply.
 * Method: small scenarios written inline as JSON (loaded through the real loader), a
 *   fixed 1 ms network latency where exact times matter, stepping one event at a time
 *   with fx_step_until (each wait bounded in virtual time).
 */
#include "world_fixture.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define DEDICATED(timeline)                                                                        \
    "{\"format\": 1, \"name\": \"t\", \"duration\": \"60s\","                                      \
    " \"cluster\": {\"mode\": \"dedicated\", \"controllers\": 3, \"brokers\": 3},"                 \
    " \"network\": {\"latency\": {\"min\": \"1ms\", \"max\": \"1ms\"}},"                           \
    " \"timeline\": [" timeline "]}"

typedef struct reg_want {
    int32_t node;
    bool registered, fenced;
} reg_want;

static bool broker_is(const sim_world *w, const void *ctx)
{
    const reg_want *want = ctx;
    const kafka_broker_reg *r = fx_broker(w, want->node);
    return r->registered == want->registered && r->fenced == want->fenced;
}

Test(world, brokers_register_fenced_then_are_unfenced)
{
    scn_config *cfg = fx_config(DEDICATED(""));
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    /* Step 1: a controller leader is elected within the first election timeouts. */
    const sim_time elected = fx_step_until(w, fx_has_leader, NULL, SIM_S(5), "a leader");
    /* Step 2: each broker registers (a RegisterBrokerRecord, fenced) and, once its
     * metadata offset reaches that record, asks to be unfenced in a heartbeat. */
    for (int32_t id = 4; id <= 6; id++) {
        const reg_want want = {id, true, false};
        fx_step_until(w, broker_is, &want, elected + SIM_S(3), "broker unfenced");
        const kafka_broker_reg *r = fx_broker(w, id);
        cr_assert_gt(r->broker_epoch, 0, "the broker epoch is the record's offset");
    }
    cr_assert_eq(w->brokers.registrations, 3);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(world, a_silent_broker_is_fenced_after_the_session_timeout)
{
    scn_config *cfg = fx_config(DEDICATED("{\"at\": \"10s\", \"do\": \"crash\", \"node\": 5}"));
    sim_world *w = sim_world_new(cfg, 2, SIM_TIME_NEVER);
    sim_world_run_until(w, SIM_S(10));
    cr_assert_not(fx_broker(w, 5)->fenced, "registered and unfenced before the crash");
    /* Its last heartbeat was at most broker.heartbeat.interval.ms (2 s) before the crash,
     * so the controller cannot fence it before 10 - 2 + 9 = 17 s ... */
    sim_world_run_until(w, SIM_S(17) - 1);
    cr_assert_not(fx_broker(w, 5)->fenced, "fenced before broker.session.timeout.ms");
    /* ... and must have by 10 + 9 s, plus the time to commit the fence record. */
    const reg_want fenced = {5, true, true};
    const sim_time t = fx_step_until(w, broker_is, &fenced, SIM_S(19) + SIM_MS(100), "fenced");
    cr_assert_geq(t, SIM_S(17));
    cr_assert_not(fx_broker(w, 4)->fenced, "the others keep heartbeating");
    cr_assert_eq(w->brokers.fences, 1);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(world, a_restart_inside_the_session_waits_for_the_old_session_to_expire)
{
    /* Broker 5 restarts 1 s after crashing: a new incarnation while the old registration's
     * session is still valid gets DUPLICATE_BROKER_REGISTRATION until it expires. */
    scn_config *cfg = fx_config(DEDICATED("{\"at\": \"10s\", \"do\": \"crash\", \"node\": 5},"
                                          "{\"at\": \"11s\", \"do\": \"restart\", \"node\": 5}"));
    sim_world *w = sim_world_new(cfg, 3, SIM_TIME_NEVER);
    sim_world_run_until(w, SIM_S(10));
    const int64_t old_epoch = fx_broker(w, 5)->broker_epoch;
    sim_world_run_until(w, SIM_S(17) - 1);
    cr_assert_eq(fx_broker(w, 5)->broker_epoch, old_epoch, "no new registration yet");
    sim_world_run_until(w, SIM_S(25));
    const kafka_broker_reg *r = fx_broker(w, 5);
    cr_assert_gt(r->broker_epoch, old_epoch, "registered again with a new broker epoch");
    cr_assert_not(r->fenced, "and unfenced once caught up");
    cr_assert_eq(w->brokers.registrations, 4);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(world, controlled_shutdown_fences_at_once_and_stops_the_node)
{
    scn_config *cfg = fx_config(DEDICATED("{\"at\": \"10s\", \"do\": \"shutdown\", \"node\": 6}"));
    sim_world *w = sim_world_new(cfg, 4, SIM_TIME_NEVER);
    sim_world_run_until(w, SIM_S(10) + SIM_MS(200));
    cr_assert(fx_broker(w, 6)->fenced, "fenced within one round trip, not after 9 s");
    cr_assert_eq(sim_world_node_state(w, sim_world_endpoint_of(w, 6)), SIM_NODE_CRASHED,
                 "the process has exited");
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(world, shutting_down_the_leader_hands_over_faster_than_a_crash)
{
    const char *fmt = "{\"format\": 1, \"name\": \"t\", \"duration\": \"30s\","
                      " \"cluster\": {\"controllers\": 3, \"brokers\": 3},"
                      " \"timeline\": [{\"at\": \"8s\", \"do\": \"%s\","
                      " \"node\": \"controller-leader\"}]}";
    sim_time gap[2];
    for (int k = 0; k < 2; k++) {
        char json[512];
        snprintf(json, sizeof json, fmt, k == 0 ? "shutdown" : "crash");
        scn_config *cfg = fx_config(json);
        sim_world *w = sim_world_new(cfg, 5, SIM_TIME_NEVER);
        sim_world_run_until(w, SIM_S(8) - 1);
        const int32_t old = fx_leader_id(w);
        cr_assert_geq(old, 1);
        /* Wait for a leader other than the old one. */
        while (fx_leader_id(w) == old || fx_leader_id(w) < 0) cr_assert(sim_world_step(w));
        gap[k] = sim_world_now(w) - SIM_S(8);
        sim_world_free(w);
        scn_config_free(cfg);
    }
    /* EndQuorumEpoch lets the first successor stand at once; a crash waits for the
     * followers' fetch timeout (2 s). */
    cr_assert_lt(gap[0], SIM_MS(1000), "graceful handover took %lu us", (unsigned long)gap[0]);
    cr_assert_geq(gap[1], SIM_S(2), "crash handover took %lu us", (unsigned long)gap[1]);
}

Test(world, actions_that_cannot_apply_are_skipped_with_a_warning)
{
    scn_config *cfg = fx_config(
        "{\"format\": 1, \"name\": \"t\", \"duration\": \"20s\","
        " \"cluster\": {\"controllers\": 3, \"brokers\": 3},"
        " \"timeline\": ["
        "  {\"at\": \"0s\", \"do\": \"crash\", \"node\": \"controller-leader\", \"label\": \"x\"},"
        "  {\"at\": \"1ms\", \"do\": \"restart\", \"node\": \"@x\"},"
        "  {\"at\": \"5s\", \"do\": \"restart\", \"node\": 2},"
        "  {\"at\": \"6s\", \"do\": \"resume\", \"node\": 3},"
        "  {\"at\": \"7s\", \"do\": \"crash\", \"node\": 1},"
        "  {\"at\": \"8s\", \"do\": \"crash\", \"node\": 1}"
        " ]}");
    sim_world *w = sim_world_new(cfg, 6, SIM_TIME_NEVER);
    sim_world_run(w);
    cr_assert_eq(w->warning_count, 5);
    cr_assert_str_eq(w->warnings[0].text,
                     "crash: controller-leader: there is no controller leader now");
    cr_assert_eq(w->warnings[0].action, 0);
    cr_assert_str_eq(w->warnings[1].text, "restart: the labelled action resolved to no node");
    cr_assert_str_eq(w->warnings[2].text, "restart: node 2 is running");
    cr_assert_str_eq(w->warnings[3].text, "resume: node 3 is not paused");
    cr_assert_str_eq(w->warnings[4].text, "crash: node 1 is not running");
    cr_assert_eq(w->warnings[4].t, SIM_S(8));
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(world, a_pause_with_for_resumes_by_itself)
{
    scn_config *cfg = fx_config(
        "{\"format\": 1, \"name\": \"t\", \"duration\": \"20s\","
        " \"cluster\": {\"controllers\": 3, \"brokers\": 3},"
        " \"timeline\": [{\"at\": \"5s\", \"do\": \"pause\", \"node\": 2, \"for\": \"3s\"}]}");
    sim_world *w = sim_world_new(cfg, 7, SIM_TIME_NEVER);
    sim_world_run_until(w, SIM_S(5) + 1);
    cr_assert_eq(sim_world_node_state(w, 1), SIM_NODE_PAUSED);
    sim_world_run_until(w, SIM_S(8) + 1);
    cr_assert_eq(sim_world_node_state(w, 1), SIM_NODE_RUNNING);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(world, an_isolated_leader_makes_the_quorum_unavailable_until_a_new_election)
{
    scn_config *cfg = fx_config(
        "{\"format\": 1, \"name\": \"t\", \"duration\": \"20s\","
        " \"cluster\": {\"controllers\": 3, \"brokers\": 3},"
        " \"timeline\": [{\"at\": \"6s\", \"do\": \"isolate\", \"node\": \"controller-leader\"}]}");
    sim_world *w = sim_world_new(cfg, 8, SIM_TIME_NEVER);
    sim_world_run(w);
    /* Unavailable from 6 s until the majority elects: at least the fetch timeout (2 s),
     * at most fetch timeout + two election rounds. */
    cr_assert_geq(w->unavailable_us, SIM_S(2), "%lu", (unsigned long)w->unavailable_us);
    cr_assert_lt(w->unavailable_us, SIM_S(6), "%lu", (unsigned long)w->unavailable_us);
    cr_assert_geq(w->elections, 2);
    cr_assert(sim_world_ok(w));
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(world, same_seed_same_digest_other_seed_other_digest)
{
    scn_config *cfg = fx_config(DEDICATED("{\"at\": \"10s\", \"do\": \"crash\", \"node\": 1}"));
    uint64_t d[3];
    const uint64_t seeds[3] = {11, 11, 12};
    for (int i = 0; i < 3; i++) {
        sim_world *w = sim_world_new(cfg, seeds[i], SIM_TIME_NEVER);
        sim_world_run(w);
        d[i] = w->engine.trace.digest;
        sim_world_free(w);
    }
    cr_assert_eq(d[0], d[1]);
    cr_assert_neq(d[0], d[2]);
    scn_config_free(cfg);
}

Test(world, a_pushed_command_runs_now_like_a_timeline_action)
{
    /* The viewer's clicks reach the model as commands: the same actions as the timeline,
     * run at the current virtual time, traced and skipped by the same rules. */
    scn_config *cfg = fx_config("{\"format\": 1, \"name\": \"t\", \"duration\": \"20s\","
                                " \"cluster\": {\"controllers\": 3, \"brokers\": 3}}");
    sim_world *w = sim_world_new(cfg, 9, SIM_TIME_NEVER);
    sim_world_run_until(w, SIM_S(5));
    const int32_t leader = fx_leader_id(w);
    cr_assert_geq(leader, 1);
    scn_action crash = {.kind = SCN_ACT_CRASH, .node = {.kind = SCN_TARGET_CONTROLLER_LEADER}};
    cr_assert_eq(sim_world_push_action(w, &crash), SIM_OK);
    sim_world_run_until(w, SIM_S(5));
    cr_assert_eq(sim_world_node_state(w, sim_world_endpoint_of(w, leader)), SIM_NODE_CRASHED);
    scn_action restart = {.kind = SCN_ACT_RESTART,
                          .node = {.kind = SCN_TARGET_NODE, .node_id = leader == 1 ? 2 : 1}};
    cr_assert_eq(sim_world_push_action(w, &restart), SIM_OK);
    sim_world_run_until(w, SIM_S(6));
    cr_assert_eq(w->warning_count, 1, "restarting a running node is skipped");
    cr_assert_eq(w->warnings[0].action, -1, "commands carry no timeline index");
    cr_assert_eq(w->commands[0].at_us, SIM_S(5), "a command is stamped with its instant");
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(world, a_restored_checkpoint_resumes_the_run_exactly)
{
    scn_config *cfg = fx_config(DEDICATED("{\"at\": \"12s\", \"do\": \"crash\", \"node\": 1},"
                                          "{\"at\": \"20s\", \"do\": \"restart\", \"node\": 1}"));
    sim_world *w = sim_world_new(cfg, 13, SIM_TIME_NEVER);
    sim_world_run_until(w, SIM_S(10));
    void *ckpt = malloc(sim_world_checkpoint_bytes(w));
    sim_world_checkpoint_save(w, ckpt);
    sim_world_run(w);
    const uint64_t straight = w->engine.trace.digest;
    const uint64_t events = w->engine.events_run;
    sim_world_checkpoint_restore(w, ckpt);
    cr_assert_eq(sim_world_now(w), SIM_S(10));
    sim_world_run(w);
    cr_assert_eq(w->engine.trace.digest, straight, "the same run after a restore");
    cr_assert_eq(w->engine.events_run, events);
    free(ckpt);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(world, extra_actions_run_as_if_appended_to_the_file)
{
    /* The viewer's session: actions added at run time must give the run that the saved
     * scenario (the file with those actions appended) gives. */
    scn_config *base = fx_config(DEDICATED("{\"at\": \"9s\", \"do\": \"crash\", \"node\": 5}"));
    scn_config *saved = fx_config(DEDICATED("{\"at\": \"9s\", \"do\": \"crash\", \"node\": 5},"
                                            "{\"at\": \"9s\", \"do\": \"isolate\", \"node\": 1},"
                                            "{\"at\": \"4s\", \"do\": \"crash\", \"node\": 6}"));
    const scn_action extra[2] = {
        {.at_us = SIM_S(9), .kind = SCN_ACT_ISOLATE, .node = {SCN_TARGET_NODE, 1, NULL}},
        {.at_us = SIM_S(4), .kind = SCN_ACT_CRASH, .node = {SCN_TARGET_NODE, 6, NULL}},
    };
    sim_world *a =
        sim_world_new_opts(base, 3, SIM_TIME_NEVER,
                           &(sim_world_options){.extra_actions = extra, .extra_action_count = 2});
    sim_world *b = sim_world_new(saved, 3, SIM_TIME_NEVER);
    sim_world_run(a);
    sim_world_run(b);
    cr_assert_eq(a->engine.trace.digest, b->engine.trace.digest);
    cr_assert_eq(a->actions[0].index, 2, "the 4 s crash runs first; it is the third in the file");
    sim_world_free(a);
    sim_world_free(b);
    scn_config_free(base);
    scn_config_free(saved);
}
