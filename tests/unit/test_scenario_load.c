/*
 * test_scenario_load.c — good scenarios become the right structs.
 *
 * Goal: defaults (Kafka 4.0's and the spec's), the three node layouts, exact durations
 *   and probabilities, topics (counts, assignments, config defaults and overrides) and
 *   partition targets, the timeline's fields and its stable sort, `--set` overrides
 *   (new keys, array elements, appends, string fallback), warnings that do not fail a
 *   load, the file-level errors, and that no input crashes the loader.
 * Method: scenarios written inline and loaded with scn_load_buffer; each test checks
 *   the fields it is about. The last tests mutate a valid file deterministically and
 *   only require a clean SIM_OK or SIM_EINVALID (run them under ASan: make asan).
 */
#include "../../sim/scenario/scenario.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MINIMAL "{\"format\": 1, \"name\": \"m\", \"cluster\": {}}"

static scn_config *load_with(const char *json, const scn_override *ov, uint32_t n)
{
    scn_config *cfg = NULL;
    scn_diags d;
    const sim_err err = scn_load_buffer("inline.json", json, strlen(json), ov, n, &cfg, &d);
    cr_assert_eq(err, SIM_OK, "load failed:\n%s", d.text ? d.text : "(no diagnostics)");
    cr_assert_not_null(cfg);
    scn_diags_free(&d);
    return cfg;
}

static scn_config *load(const char *json)
{
    return load_with(json, NULL, 0);
}

/* Loads a bad scenario; returns the diagnostics text (caller frees). */
static char *load_bad(const char *json, const scn_override *ov, uint32_t n)
{
    scn_config *cfg = NULL;
    scn_diags d;
    const sim_err err = scn_load_buffer("inline.json", json, strlen(json), ov, n, &cfg, &d);
    cr_assert_eq(err, SIM_EINVALID, "expected SIM_EINVALID, got %s", sim_err_name(err));
    cr_assert_null(cfg);
    cr_assert_gt(d.error_count, 0);
    char *text = strdup(d.text);
    scn_diags_free(&d);
    return text;
}

/* =================================================================================
 * Defaults and layouts
 * ================================================================================= */

Test(scenario_load, defaults)
{
    scn_config *c = load(MINIMAL);
    cr_assert_str_eq(c->path, "inline.json");
    cr_assert_str_eq(c->name, "m");
    cr_assert_null(c->title);
    cr_assert_null(c->description);
    cr_assert_eq(c->seed, 1);
    cr_assert_eq(c->duration_us, SIM_S(60));
    cr_assert_eq(c->mode, SCN_MODE_COMBINED);
    cr_assert_eq(c->node_count, 3);
    cr_assert_eq(c->voter_count, 3);
    for (uint32_t i = 0; i < 3; i++) {
        cr_assert_eq(c->nodes[i].id, (int32_t)i + 1);
        cr_assert(c->nodes[i].controller && c->nodes[i].broker);
        cr_assert_null(c->nodes[i].rack);
    }
    cr_assert_eq(c->raft_variant, SCN_RAFT_KRAFT);
    cr_assert_eq(c->kraft.election_timeout_ms, 1000);
    cr_assert_eq(c->kraft.fetch_timeout_ms, 2000);
    cr_assert_eq(c->kraft.election_backoff_max_ms, 1000);
    cr_assert_eq(c->kraft.request_timeout_ms, 2000);
    cr_assert_eq(c->kraft.retry_backoff_ms, 20);
    cr_assert_eq(c->kraft.append_linger_ms, 25);
    cr_assert_eq(c->kraft.broker_heartbeat_interval_ms, 2000);
    cr_assert_eq(c->kraft.broker_session_timeout_ms, 9000);
    cr_assert_eq(c->kraft.metadata_max_idle_interval_ms, 500);
    cr_assert_eq(c->kafka.min_insync_replicas, 1);
    cr_assert(!c->kafka.unclean_leader_election_enable);
    cr_assert_eq(c->kafka.replica_lag_time_max_ms, 30000);
    cr_assert_eq(c->kafka.replica_fetch_wait_max_ms, 500);
    cr_assert_eq(c->topic_count, 0);
    cr_assert_null(c->topics);
    cr_assert_eq(c->classic.election_timeout_min_us, SIM_MS(150));
    cr_assert_eq(c->classic.election_timeout_max_us, SIM_MS(300));
    cr_assert_eq(c->classic.heartbeat_us, SIM_MS(75));
    cr_assert_eq(c->latency_min_us, 1000);
    cr_assert_eq(c->latency_max_us, 3000);
    cr_assert_eq(c->loss_ppm, 0);
    cr_assert_eq(c->action_count, 0);
    cr_assert_eq(c->expect_count, 0);
    cr_assert_eq(c->invariants_disabled_count, 0);
    scn_config_free(c);
}

Test(scenario_load, header_fields)
{
    scn_config *c = load("{\"$schema\": \"x\", \"format\": 1, \"name\": \"a.b_c-9\", \"title\": "
                         "\"T\", \"description\": \"D\", \"seed\": 9223372036854775807, "
                         "\"duration\": \"24h\", \"cluster\": {}}");
    cr_assert_str_eq(c->name, "a.b_c-9");
    cr_assert_str_eq(c->title, "T");
    cr_assert_str_eq(c->description, "D");
    cr_assert_eq(c->seed, UINT64_C(9223372036854775807));
    cr_assert_eq(c->duration_us, SIM_DURATION_MAX);
    scn_config_free(c);
}

Test(scenario_load, combined_layout)
{
    scn_config *c = load("{\"format\": 1, \"name\": \"m\", \"cluster\": {\"controllers\": 3, "
                         "\"brokers\": 5, \"first_id\": 10}}");
    cr_assert_eq(c->node_count, 5);
    cr_assert_eq(c->voter_count, 3);
    for (uint32_t i = 0; i < 5; i++) {
        cr_assert_eq(c->nodes[i].id, 10 + (int32_t)i);
        cr_assert_eq(c->nodes[i].controller, i < 3);
        cr_assert(c->nodes[i].broker);
    }
    scn_config_free(c);
    /* brokers alone: as many controllers as brokers, up to 3. */
    c = load("{\"format\": 1, \"name\": \"m\", \"cluster\": {\"brokers\": 1}}");
    cr_assert_eq(c->node_count, 1);
    cr_assert_eq(c->voter_count, 1);
    scn_config_free(c);
    c = load("{\"format\": 1, \"name\": \"m\", \"cluster\": {\"brokers\": 7}}");
    cr_assert_eq(c->node_count, 7);
    cr_assert_eq(c->voter_count, 3);
    scn_config_free(c);
    /* controllers alone: as many brokers. */
    c = load("{\"format\": 1, \"name\": \"m\", \"cluster\": {\"controllers\": 5}}");
    cr_assert_eq(c->node_count, 5);
    cr_assert_eq(c->voter_count, 5);
    scn_config_free(c);
}

Test(scenario_load, dedicated_layout)
{
    scn_config *c = load("{\"format\": 1, \"name\": \"m\", \"cluster\": {\"mode\": \"dedicated\", "
                         "\"controllers\": 3, \"brokers\": 2, \"first_id\": 0}}");
    cr_assert_eq(c->mode, SCN_MODE_DEDICATED);
    cr_assert_eq(c->node_count, 5);
    cr_assert_eq(c->voter_count, 3);
    for (uint32_t i = 0; i < 5; i++) {
        cr_assert_eq(c->nodes[i].id, (int32_t)i);
        cr_assert_eq(c->nodes[i].controller, i < 3);
        cr_assert_eq(c->nodes[i].broker, i >= 3);
    }
    scn_config_free(c);
    c = load("{\"format\": 1, \"name\": \"m\", \"cluster\": {\"mode\": \"dedicated\"}}");
    cr_assert_eq(c->node_count, 6);
    cr_assert_eq(c->voter_count, 3);
    scn_config_free(c);
    c = load("{\"format\": 1, \"name\": \"m\", \"cluster\": {\"mode\": \"dedicated\", "
             "\"controllers\": 1, \"brokers\": 0}}");
    cr_assert_eq(c->node_count, 1);
    cr_assert(c->nodes[0].controller && !c->nodes[0].broker);
    scn_config_free(c);
}

Test(scenario_load, explicit_nodes_sorted_by_id)
{
    scn_config *c = load("{\"format\": 1, \"name\": \"m\", \"cluster\": {\"nodes\": ["
                         "{\"id\": 7, \"roles\": [\"broker\"], \"rack\": \"b\"},"
                         "{\"id\": 0, \"roles\": [\"controller\", \"broker\"], \"rack\": \"a\"},"
                         "{\"id\": 3, \"roles\": [\"controller\"]}]}}");
    cr_assert_eq(c->mode, SCN_MODE_EXPLICIT);
    cr_assert_eq(c->node_count, 3);
    cr_assert_eq(c->voter_count, 2);
    cr_assert_eq(c->nodes[0].id, 0);
    cr_assert(c->nodes[0].controller && c->nodes[0].broker);
    cr_assert_str_eq(c->nodes[0].rack, "a");
    cr_assert_eq(c->nodes[1].id, 3);
    cr_assert(c->nodes[1].controller && !c->nodes[1].broker);
    cr_assert_null(c->nodes[1].rack);
    cr_assert_eq(c->nodes[2].id, 7);
    cr_assert(!c->nodes[2].controller && c->nodes[2].broker);
    cr_assert_str_eq(c->nodes[2].rack, "b");
    scn_config_free(c);
}

Test(scenario_load, kraft_configs_and_classic_raft)
{
    scn_config *c =
        load("{\"format\": 1, \"name\": \"m\", \"cluster\": {\"config\": {"
             "\"controller.quorum.election.timeout.ms\": 1500,"
             "\"controller.quorum.fetch.timeout.ms\": 3000,"
             "\"controller.quorum.election.backoff.max.ms\": 0,"
             "\"controller.quorum.request.timeout.ms\": 4000,"
             "\"controller.quorum.retry.backoff.ms\": 50,"
             "\"controller.quorum.append.linger.ms\": 0,"
             "\"broker.heartbeat.interval.ms\": 1000,"
             "\"broker.session.timeout.ms\": 6000,"
             "\"metadata.max.idle.interval.ms\": 0}},"
             "\"raft\": {\"variant\": \"classic\", \"election_timeout\": {\"min\": \"100ms\", "
             "\"max\": \"0.2s\"}, \"heartbeat\": 20}}");
    cr_assert_eq(c->kraft.election_timeout_ms, 1500);
    cr_assert_eq(c->kraft.fetch_timeout_ms, 3000);
    cr_assert_eq(c->kraft.election_backoff_max_ms, 0);
    cr_assert_eq(c->kraft.request_timeout_ms, 4000);
    cr_assert_eq(c->kraft.retry_backoff_ms, 50);
    cr_assert_eq(c->kraft.append_linger_ms, 0);
    cr_assert_eq(c->kraft.broker_heartbeat_interval_ms, 1000);
    cr_assert_eq(c->kraft.broker_session_timeout_ms, 6000);
    cr_assert_eq(c->kraft.metadata_max_idle_interval_ms, 0);
    cr_assert_eq(c->raft_variant, SCN_RAFT_CLASSIC);
    cr_assert_eq(c->classic.election_timeout_min_us, SIM_MS(100));
    cr_assert_eq(c->classic.election_timeout_max_us, SIM_MS(200));
    cr_assert_eq(c->classic.heartbeat_us, SIM_MS(20));
    scn_config_free(c);
}

Test(scenario_load, network_latency_and_loss_ppm)
{
    static const struct {
        const char *network;
        uint32_t min_us, max_us, loss_ppm;
    } cases[] = {
        {"{\"latency\": {\"min\": \"1.5ms\", \"max\": 4}, \"loss\": 0.001}", 1500, 4000, 1000},
        {"{\"latency\": \"250us\", \"loss\": 0.5}", 250, 250, 500000},
        {"{\"latency\": {\"min\": 0, \"max\": \"60s\"}, \"loss\": 1}", 0, 60000000, 1000000},
        {"{\"loss\": 0}", 1000, 3000, 0},
        {"{\"loss\": 0.123456}", 1000, 3000, 123456},
        {"{\"loss\": 1e-6}", 1000, 3000, 1},
        {"{\"loss\": 0.1}", 1000, 3000, 100000},
        {"{\"loss\": 0.3}", 1000, 3000, 300000},
        {"{\"loss\": 1.0}", 1000, 3000, 1000000},
        {"{\"loss\": 0.0000010}", 1000, 3000, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char json[512];
        snprintf(json, sizeof json,
                 "{\"format\": 1, \"name\": \"m\", \"cluster\": {}, \"network\": %s}",
                 cases[i].network);
        scn_config *c = load(json);
        cr_assert_eq(c->latency_min_us, cases[i].min_us, "%s", cases[i].network);
        cr_assert_eq(c->latency_max_us, cases[i].max_us, "%s", cases[i].network);
        cr_assert_eq(c->loss_ppm, cases[i].loss_ppm, "%s: %u", cases[i].network, c->loss_ppm);
        scn_config_free(c);
    }
}

/* =================================================================================
 * Timeline
 * ================================================================================= */

static const char *const TIMELINE =
    "{\"format\": 1, \"name\": \"m\", \"cluster\": {\"brokers\": 5},\n"
    " \"timeline\": [\n"
    "  {\"at\": \"20s\", \"do\": \"restart\", \"node\": \"@victim\"},\n"
    "  {\"at\": \"10s\", \"do\": \"crash\", \"node\": \"controller-leader\", \"label\": "
    "\"victim\"},\n"
    "  {\"at\": \"25s\", \"do\": \"partition\", \"sides\": [[1], [2, \"@victim\"], [5]]},\n"
    "  {\"at\": 25000, \"do\": \"note\", \"text\": \"same time, file order\"},\n"
    "  {\"at\": \"25s\", \"do\": \"cut\", \"from\": 1, \"to\": 2},\n"
    "  {\"at\": \"30s\", \"do\": \"link\", \"a\": 1, \"b\": 3, \"latency\": {\"min\": \"5ms\", "
    "\"max\": \"9ms\"}},\n"
    "  {\"at\": \"31s\", \"do\": \"link\", \"a\": 1, \"b\": 3, \"loss\": 0.25},\n"
    "  {\"at\": \"1.5ms\", \"do\": \"pause\", \"node\": 4, \"for\": \"2s\"},\n"
    "  {\"at\": \"40s\", \"do\": \"heal\"},\n"
    "  {\"at\": \"41s\", \"do\": \"heal\", \"node\": 4},\n"
    "  {\"at\": \"42s\", \"do\": \"heal\", \"a\": 1, \"b\": 3},\n"
    "  {\"at\": \"43s\", \"do\": \"timeout\", \"node\": 2},\n"
    "  {\"at\": \"44s\", \"do\": \"isolate\", \"node\": 3},\n"
    "  {\"at\": \"45s\", \"do\": \"shutdown\", \"node\": 3},\n"
    "  {\"at\": \"46s\", \"do\": \"power_off\", \"node\": 5},\n"
    "  {\"at\": \"47s\", \"do\": \"resume\", \"node\": 4}\n"
    " ]}";

Test(scenario_load, timeline_sorted_stably)
{
    scn_config *c = load(TIMELINE);
    cr_assert_eq(c->action_count, 16);
    /* File indexes in run order: 7 (1.5ms), 1 (10s), 0 (20s), 2, 3, 4 (25s, file order). */
    static const uint32_t order[] = {7, 1, 0, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    for (uint32_t i = 0; i < c->action_count; i++) {
        cr_assert_eq(c->actions[i].index, order[i], "position %u", i);
        cr_assert_eq(c->actions[i].line, 3 + order[i], "line of action %u", order[i]);
        if (i > 0) cr_assert_leq(c->actions[i - 1].at_us, c->actions[i].at_us);
    }
    cr_assert_eq(c->actions[0].at_us, 1500);
    cr_assert_eq(c->actions[3].at_us, SIM_S(25));
    cr_assert_eq(c->actions[4].at_us, SIM_S(25));
    cr_assert_eq(c->actions[5].at_us, SIM_S(25));
    scn_config_free(c);
}

Test(scenario_load, timeline_fields)
{
    scn_config *c = load(TIMELINE);
    const scn_action *a = c->actions; /* sorted; see the order above */
    cr_assert_eq(a[0].kind, SCN_ACT_PAUSE);
    cr_assert_eq(a[0].node.kind, SCN_TARGET_NODE);
    cr_assert_eq(a[0].node.node_id, 4);
    cr_assert_eq(a[0].for_us, SIM_S(2));
    cr_assert_eq(a[1].kind, SCN_ACT_CRASH);
    cr_assert_eq(a[1].node.kind, SCN_TARGET_CONTROLLER_LEADER);
    cr_assert_str_eq(a[1].label, "victim");
    cr_assert_eq(a[2].kind, SCN_ACT_RESTART);
    cr_assert_eq(a[2].node.kind, SCN_TARGET_LABEL);
    cr_assert_str_eq(a[2].node.label, "victim");
    cr_assert_null(a[2].label);
    const scn_action *p = &a[3];
    cr_assert_eq(p->kind, SCN_ACT_PARTITION);
    cr_assert_eq(p->side_count, 3);
    cr_assert_eq(p->member_count, 4);
    cr_assert_eq(p->members[0].node_id, 1);
    cr_assert_eq(p->side_index[0], 0);
    cr_assert_eq(p->members[1].node_id, 2);
    cr_assert_eq(p->side_index[1], 1);
    cr_assert_eq(p->members[2].kind, SCN_TARGET_LABEL);
    cr_assert_str_eq(p->members[2].label, "victim");
    cr_assert_eq(p->side_index[2], 1);
    cr_assert_eq(p->members[3].node_id, 5);
    cr_assert_eq(p->side_index[3], 2);
    cr_assert_eq(a[4].kind, SCN_ACT_NOTE);
    cr_assert_str_eq(a[4].text, "same time, file order");
    cr_assert_eq(a[5].kind, SCN_ACT_CUT);
    cr_assert_eq(a[5].a.node_id, 1);
    cr_assert_eq(a[5].b.node_id, 2);
    cr_assert_eq(a[6].kind, SCN_ACT_LINK);
    cr_assert(a[6].has_latency && !a[6].has_loss);
    cr_assert_eq(a[6].latency_min_us, SIM_MS(5));
    cr_assert_eq(a[6].latency_max_us, SIM_MS(9));
    cr_assert_eq(a[7].kind, SCN_ACT_LINK);
    cr_assert(!a[7].has_latency && a[7].has_loss);
    cr_assert_eq(a[7].loss_ppm, 250000);
    cr_assert_eq(a[8].kind, SCN_ACT_HEAL);
    cr_assert_eq(a[8].node.kind, SCN_TARGET_NONE);
    cr_assert_eq(a[8].a.kind, SCN_TARGET_NONE);
    cr_assert_eq(a[9].node.node_id, 4);
    cr_assert_eq(a[10].a.node_id, 1);
    cr_assert_eq(a[10].b.node_id, 3);
    cr_assert_eq(a[11].kind, SCN_ACT_TIMEOUT);
    cr_assert_eq(a[12].kind, SCN_ACT_ISOLATE);
    cr_assert_eq(a[13].kind, SCN_ACT_SHUTDOWN);
    cr_assert_eq(a[14].kind, SCN_ACT_POWER_OFF);
    cr_assert_eq(a[15].kind, SCN_ACT_RESUME);
    scn_config_free(c);
}

Test(scenario_load, action_and_op_names)
{
    static const char *const names[] = {
        "crash",   "restart",        "shutdown",      "power_off",    "pause",          "resume",
        "timeout", "isolate",        "partition",     "cut",          "link",           "heal",
        "note",    "start_producer", "stop_producer", "add_consumer", "remove_consumer"};
    for (int k = 0; k < SCN_ACT_COUNT; k++) {
        cr_assert_str_eq(scn_action_name((scn_action_kind)k), names[k]);
    }
    cr_assert_str_eq(scn_op_name(SCN_OP_EQ), "eq");
    cr_assert_str_eq(scn_op_name(SCN_OP_GTE), "gte");
}

/* =================================================================================
 * expect, invariants, metrics
 * ================================================================================= */

Test(scenario_load, expect_and_invariants)
{
    scn_config *c = load("{\"format\": 1, \"name\": \"m\", \"cluster\": {},\n"
                         "\"expect\": [\n"
                         " {\"metric\": \"controller.elections\", \"gte\": 1},\n"
                         " {\"lt\": 5000.5, \"metric\": \"controller.unavailable_ms\"},\n"
                         " {\"metric\": \"consumers.groups.billing.v2.lag\", \"eq\": 0}],\n"
                         "\"invariants\": {\"disable\": [\"epoch_monotonic\", "
                         "\"committed_never_lost\"]}}");
    cr_assert_eq(c->expect_count, 3);
    cr_assert_str_eq(c->expects[0].metric, "controller.elections");
    cr_assert_eq(c->expects[0].op, SCN_OP_GTE);
    cr_assert_float_eq(c->expects[0].value, 1.0, 0.0);
    cr_assert_eq(c->expects[0].line, 3);
    cr_assert_eq(c->expects[1].op, SCN_OP_LT);
    cr_assert_float_eq(c->expects[1].value, 5000.5, 0.0);
    cr_assert_eq(c->expects[1].line, 4);
    cr_assert_eq(c->expects[2].op, SCN_OP_EQ);
    cr_assert_eq(c->invariants_disabled_count, 2);
    cr_assert_str_eq(c->invariants_disabled[0], "epoch_monotonic");
    cr_assert_str_eq(c->invariants_disabled[1], "committed_never_lost");
    scn_config_free(c);
}

Test(scenario_load, metric_names)
{
    static const char *const known[] = {"controller.elections",
                                        "controller.unavailable_ms",
                                        "records.acked_lost",
                                        "partitions.total",
                                        "partitions.offline",
                                        "partitions.under_replicated",
                                        "partitions.leader_elections",
                                        "partitions.unclean_elections",
                                        "producers.latency_ms.p99",
                                        "consumers.groups.billing.lag",
                                        "consumers.groups.0.rebalances",
                                        "consumers.groups.a.b.paused_ms",
                                        "producers.by_name.checkout.latency_ms.max",
                                        "producers.errors.NOT_ENOUGH_REPLICAS",
                                        "invariants.single_leader_per_epoch.violations",
                                        "invariants.0.violations",
                                        "virtual_ms",
                                        "events"};
    static const char *const unknown[] = {"",
                                          "controller",
                                          "controller.election",
                                          "wall_ms",
                                          "speedup",
                                          "seed",
                                          "consumers.groups.lag",
                                          "consumers.groups..lag",
                                          "producers.errors.bad name",
                                          "producers.errors.",
                                          "invariants.nope.violations",
                                          "invariants.0.ok",
                                          "producers.by_name.x.lag"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        cr_assert(scn_metric_known(known[i]), "%s should be known", known[i]);
    }
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        cr_assert(!scn_metric_known(unknown[i]), "%s should be unknown", unknown[i]);
    }
    cr_assert(!scn_metric_known(NULL));
}

/* =================================================================================
 * Topics and partition targets
 * ================================================================================= */

Test(scenario_load, replication_configs_and_topic_defaults)
{
    scn_config *c =
        load("{\"format\": 1, \"name\": \"m\",\n"
             " \"cluster\": {\"brokers\": 4, \"config\": {\"min.insync.replicas\": 2,"
             " \"unclean.leader.election.enable\": true,"
             " \"replica.lag.time.max.ms\": 10000, \"replica.fetch.wait.max.ms\": 100}},\n"
             " \"topics\": [\n"
             "  {\"name\": \"orders\", \"partitions\": 6, \"replication_factor\": 3,"
             "   \"config\": {\"min.insync.replicas\": 3,"
             " \"unclean.leader.election.enable\": false}},\n"
             "  {\"name\": \"Logs.v2_x-y\", \"partitions\": 1, \"replication_factor\": 4}\n"
             " ]}");
    cr_assert_eq(c->kafka.min_insync_replicas, 2);
    cr_assert(c->kafka.unclean_leader_election_enable);
    cr_assert_eq(c->kafka.replica_lag_time_max_ms, 10000);
    cr_assert_eq(c->kafka.replica_fetch_wait_max_ms, 100);
    cr_assert_eq(c->topic_count, 2);
    const scn_topic *t = &c->topics[0];
    cr_assert_str_eq(t->name, "orders");
    cr_assert_eq(t->partitions, 6);
    cr_assert_eq(t->replication_factor, 3);
    cr_assert_null(t->assignment, "the world places replicas when there is no assignment");
    cr_assert_eq(t->min_insync_replicas, 3);
    cr_assert(!t->unclean_leader_election_enable);
    cr_assert_eq(t->line, 4);
    t = &c->topics[1];
    cr_assert_str_eq(t->name, "Logs.v2_x-y");
    cr_assert_eq(t->partitions, 1);
    cr_assert_eq(t->replication_factor, 4);
    cr_assert_eq(t->min_insync_replicas, 2, "the cluster's value");
    cr_assert(t->unclean_leader_election_enable, "the cluster's value");
    cr_assert_eq(t->line, 5);
    scn_config_free(c);
}

Test(scenario_load, topic_assignment)
{
    scn_config *c = load("{\"format\": 1, \"name\": \"m\", \"cluster\": {\"nodes\": ["
                         "{\"id\": 0, \"roles\": [\"controller\"]},"
                         "{\"id\": 5, \"roles\": [\"broker\"]},"
                         "{\"id\": 7, \"roles\": [\"broker\"]},"
                         "{\"id\": 9, \"roles\": [\"broker\", \"controller\"]}]},"
                         " \"topics\": ["
                         "{\"name\": \"a\", \"assignment\": [[9, 5], [5, 7], [7, 9]]},"
                         "{\"name\": \"b\", \"partitions\": 2, \"replication_factor\": 1,"
                         " \"assignment\": [[7], [7]]}]}");
    cr_assert_eq(c->topic_count, 2);
    const scn_topic *a = &c->topics[0];
    cr_assert_eq(a->partitions, 3, "from the assignment");
    cr_assert_eq(a->replication_factor, 2, "from the assignment");
    const int32_t want_a[] = {9, 5, 5, 7, 7, 9};
    cr_assert_not_null(a->assignment);
    for (size_t i = 0; i < 6; i++) cr_assert_eq(a->assignment[i], want_a[i], "cell %zu", i);
    const scn_topic *b = &c->topics[1];
    cr_assert_eq(b->partitions, 2);
    cr_assert_eq(b->replication_factor, 1);
    cr_assert_eq(b->assignment[0], 7);
    cr_assert_eq(b->assignment[1], 7, "one broker may hold replicas of several partitions");
    scn_config_free(c);
}

Test(scenario_load, topic_errors)
{
    char *text = load_bad("{\"format\": 1, \"name\": \"m\", \"cluster\": {},"
                          " \"topics\": [{\"name\": \"t\", \"partitions\": 1,"
                          " \"replication_factor\": 4}]}",
                          NULL, 0);
    cr_assert(strstr(text, "replication factor 4 is larger than the number of brokers (3): Kafka "
                           "refuses to create the topic (INVALID_REPLICATION_FACTOR)"),
              "%s", text);
    free(text);
    text =
        load_bad("{\"format\": 1, \"name\": \"m\", \"cluster\": {},"
                 " \"topics\": [{\"name\": \"a.b\", \"partitions\": 1, \"replication_factor\": 1},"
                 " {\"name\": \"a_b\", \"partitions\": 1, \"replication_factor\": 1}]}",
                 NULL, 0);
    cr_assert(strstr(text, "collides with topic 'a.b'"), "%s", text);
    free(text);
    text = load_bad("{\"format\": 1, \"name\": \"m\", \"cluster\": {\"config\":"
                    " {\"replica.fetch.wait.max.ms\": 40000}}}",
                    NULL, 0);
    cr_assert(strstr(text, "replica.fetch.wait.max.ms (40000) must be at most "
                           "replica.lag.time.max.ms (30000)"),
              "%s", text);
    free(text);
}

Test(scenario_load, min_isr_above_replication_factor_is_a_warning)
{
    const char *json =
        "{\"format\": 1, \"name\": \"m\", \"cluster\": {},"
        " \"topics\": [{\"name\": \"t\", \"partitions\": 1, \"replication_factor\": 2,"
        " \"config\": {\"min.insync.replicas\": 3}}]}";
    scn_config *cfg = NULL;
    scn_diags d;
    cr_assert_eq(scn_load_buffer("w.json", json, strlen(json), NULL, 0, &cfg, &d), SIM_OK);
    cr_assert_eq(d.warning_count, 1);
    cr_assert(strstr(d.text, "every acks=all produce to this topic fails with NOT_ENOUGH_REPLICAS"),
              "%s", d.text);
    cr_assert_eq(cfg->topics[0].min_insync_replicas, 3, "kept as given, as Kafka does");
    scn_diags_free(&d);
    scn_config_free(cfg);
}

Test(scenario_load, partition_targets)
{
    scn_config *c =
        load("{\"format\": 1, \"name\": \"m\", \"cluster\": {},"
             " \"topics\": [{\"name\": \"orders\", \"partitions\": 6,"
             " \"replication_factor\": 3},"
             " {\"name\": \"my-topic-2\", \"partitions\": 1, \"replication_factor\": 1}],"
             " \"timeline\": ["
             "{\"at\": \"1s\", \"do\": \"crash\", \"node\": \"leader:orders-5\","
             " \"label\": \"victim\"},"
             "{\"at\": \"2s\", \"do\": \"restart\", \"node\": \"@victim\"},"
             "{\"at\": \"3s\", \"do\": \"isolate\", \"node\": \"follower:my-topic-2-0\"},"
             "{\"at\": \"4s\", \"do\": \"partition\", \"sides\":"
             " [[\"leader:orders-0\"], [\"follower:orders-0\", 1]]},"
             "{\"at\": \"5s\", \"do\": \"cut\", \"from\": \"leader:orders-1\","
             " \"to\": \"leader:orders-2\"}]}");
    cr_assert_eq(c->action_count, 5);
    const scn_target *n = &c->actions[0].node;
    cr_assert_eq(n->kind, SCN_TARGET_PARTITION_LEADER);
    cr_assert_eq(n->topic, 0);
    cr_assert_eq(n->partition, 5);
    cr_assert_str_eq(c->actions[0].label, "victim");
    cr_assert_eq(c->actions[1].node.kind, SCN_TARGET_LABEL);
    n = &c->actions[2].node;
    cr_assert_eq(n->kind, SCN_TARGET_PARTITION_FOLLOWER);
    cr_assert_eq(n->topic, 1, "the topic is the text before the last '-'");
    cr_assert_eq(n->partition, 0);
    const scn_action *p = &c->actions[3];
    cr_assert_eq(p->member_count, 3);
    cr_assert_eq(p->members[0].kind, SCN_TARGET_PARTITION_LEADER);
    cr_assert_eq(p->members[1].kind, SCN_TARGET_PARTITION_FOLLOWER);
    cr_assert_eq(p->members[1].partition, 0);
    cr_assert_eq(p->members[2].kind, SCN_TARGET_NODE);
    cr_assert_eq(c->actions[4].a.partition, 1);
    cr_assert_eq(c->actions[4].b.partition, 2);
    scn_config_free(c);
}

Test(scenario_load, topic_limits_are_checked_before_allocation)
{
    /* 65 topics that would each be an error: only the limit is reported. */
    size_t cap = 64 + 65 * 8, o = 0;
    char *json = malloc(cap);
    o += (size_t)snprintf(json + o, cap - o,
                          "{\"format\":1,\"name\":\"m\",\"cluster\":{},\"topics\":[");
    for (int i = 0; i < 65; i++) o += (size_t)snprintf(json + o, cap - o, "%s{}", i ? "," : "");
    snprintf(json + o, cap - o, "]}");
    char *text = load_bad(json, NULL, 0);
    cr_assert(strstr(text, "'topics' lists 65 topics, above the limit of 64 topics "
                           "(SCN_TOPICS_MAX)"),
              "%s", text);
    cr_assert_null(strstr(text, "missing required key"), "%s", text);
    free(text);
    free(json);
}

/* =================================================================================
 * --set overrides
 * ================================================================================= */

Test(scenario_load, overrides)
{
    const scn_override ov[] = {
        {"network/loss", "0.25"},
        {"timeline/0/at", "5s"},                               /* re-sorts: now before 10s */
        {"cluster/config/broker.session.timeout.ms", "12000"}, /* a new key in a new object */
        {"timeline/2", "{\"at\": \"1s\", \"do\": \"note\", \"text\": \"appended\"}"},
        {"title", "hello world"},    /* not JSON: taken as a string */
        {"/seed", "7"},              /* a leading slash is tolerated */
        {"raft/variant", "classic"}, /* creates the raft object */
        {"timeline/1/node", "2"},
        {"expect/0/metric", "controller.epoch"}, /* creates the array and object */
        {"expect/0/gte", "1"},
    };
    scn_config *c =
        load_with("{\"format\": 1, \"name\": \"m\", \"title\": \"old\", \"cluster\": {},"
                  " \"timeline\": [{\"at\": \"10s\", \"do\": \"crash\", \"node\": 1},"
                  " {\"at\": \"10s\", \"do\": \"restart\", \"node\": 1}]}",
                  ov, sizeof ov / sizeof ov[0]);
    cr_assert_eq(c->loss_ppm, 250000);
    cr_assert_eq(c->kraft.broker_session_timeout_ms, 12000);
    cr_assert_str_eq(c->title, "hello world");
    cr_assert_eq(c->seed, 7);
    cr_assert_eq(c->raft_variant, SCN_RAFT_CLASSIC);
    cr_assert_eq(c->action_count, 3);
    cr_assert_eq(c->actions[0].index, 2);
    cr_assert_str_eq(c->actions[0].text, "appended");
    cr_assert_eq(c->actions[0].line, 0, "an appended action has no line in the file");
    cr_assert_eq(c->actions[1].index, 0);
    cr_assert_eq(c->actions[1].at_us, SIM_S(5));
    cr_assert_eq(c->actions[2].index, 1);
    cr_assert_eq(c->actions[2].node.node_id, 2);
    cr_assert_eq(c->expect_count, 1);
    cr_assert_str_eq(c->expects[0].metric, "controller.epoch");
    cr_assert_eq(c->expects[0].op, SCN_OP_GTE);
    scn_config_free(c);
}

Test(scenario_load, override_escapes_and_errors)
{
    const scn_override ok[] = {{"cluster/config/a~1b", "1"}};
    char *text = load_bad(MINIMAL, ok, 1);
    cr_assert(strstr(text, "<--set cluster/config/a~1b=1>: error: unknown Kafka config 'a/b'"),
              "%s", text);
    free(text);
    const scn_override bad[] = {{"name/x", "1"}};
    text = load_bad(MINIMAL, bad, 1);
    cr_assert(strstr(text, "<--set name/x=1>: error: cannot set 'x' inside a string"), "%s", text);
    free(text);
    const scn_override invalid_utf8[] = {{"title", "\xff\xfe"}};
    text = load_bad(MINIMAL, invalid_utf8, 1);
    cr_assert(strstr(text, "the value is not valid UTF-8"), "%s", text);
    free(text);
}

/* =================================================================================
 * Warnings, file-level errors, determinism
 * ================================================================================= */

Test(scenario_load, warning_does_not_fail)
{
    const char *json = "{\"format\": 1, \"name\": \"m\",\n"
                       " \"cluster\": {\"config\": {\"num.partitions\": 2}}}\n";
    scn_config *cfg = NULL;
    scn_diags d;
    cr_assert_eq(scn_load_buffer("w.json", json, strlen(json), NULL, 0, &cfg, &d), SIM_OK);
    cr_assert_not_null(cfg);
    cr_assert_eq(d.error_count, 0);
    cr_assert_eq(d.warning_count, 1);
    cr_assert_str_eq(d.text, "w.json:2:25: warning: 'num.partitions' is a known Kafka "
                             "config, not modelled yet in this build: ignored "
                             "[/cluster/config/num.partitions]\n"
                             "    2 |  \"cluster\": {\"config\": {\"num.partitions\": "
                             "2}}}\n"
                             "      |                         ^\n");
    cr_assert_eq(d.text_bytes, strlen(d.text));
    scn_diags_free(&d);
    scn_config_free(cfg);
}

Test(scenario_load, file_too_large)
{
    const size_t len = 4u * 1024u * 1024u + 1u;
    char *buf = malloc(len);
    memset(buf, ' ', len);
    scn_config *cfg = NULL;
    scn_diags d;
    cr_assert_eq(scn_load_buffer("big.json", buf, len, NULL, 0, &cfg, &d), SIM_EINVALID);
    cr_assert_str_eq(d.text, "big.json: error: the file is 4194305 bytes, above the limit of "
                             "4194304 bytes (4 MiB)\n");
    scn_diags_free(&d);
    free(buf);
}

Test(scenario_load, missing_file_is_an_environment_error)
{
    scn_config *cfg = NULL;
    scn_diags d;
    cr_assert_eq(scn_load_file("/nonexistent/x.json", NULL, 0, &cfg, &d), SIM_EIO);
    cr_assert_null(cfg);
    cr_assert_eq(d.error_count, 1);
    cr_assert(strncmp(d.text, "/nonexistent/x.json: error: cannot open the file: ", 50) == 0, "%s",
              d.text);
    scn_diags_free(&d);
}

Test(scenario_load, timeline_limit_is_checked_before_allocation)
{
    /* 4097 actions of a kind that would each be an error: only the limit is reported. */
    size_t cap = 64 + 4097 * 8, o = 0;
    char *json = malloc(cap);
    o += (size_t)snprintf(json + o, cap - o,
                          "{\"format\":1,\"name\":\"m\",\"cluster\":{},"
                          "\"timeline\":[");
    for (int i = 0; i < 4097; i++) o += (size_t)snprintf(json + o, cap - o, "%s{}", i ? "," : "");
    snprintf(json + o, cap - o, "]}");
    char *text = load_bad(json, NULL, 0);
    cr_assert(strstr(text, "the timeline has 4097 actions, above the limit of 4096 actions "
                           "(SIM_TIMELINE_MAX)"),
              "%s", text);
    cr_assert_null(strstr(text, "missing required key"), "%s", text);
    free(text);
    free(json);
}

Test(scenario_load, same_input_same_diagnostics)
{
    const char *json = "{\"format\": 1, \"name\": \"B A D\", \"cluster\": {\"controlers\": 3},"
                       " \"zz\": 1, \"timeline\": [{\"at\": \"1x\", \"do\": \"crsh\"}]}";
    char *a = load_bad(json, NULL, 0);
    char *b = load_bad(json, NULL, 0);
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
}

/* =================================================================================
 * Durations
 * ================================================================================= */

Test(scenario_load, parse_duration_table)
{
    static const struct {
        const char *text;
        bool ok;
        sim_time us;
    } cases[] = {
        {"250us", true, 250},
        {"1.5ms", true, 1500},
        {"10s", true, SIM_S(10)},
        {"2m", true, SIM_S(120)},
        {"1h", true, SIM_S(3600)},
        {"1500", true, SIM_MS(1500)},
        {"0", true, 0},
        {"0s", true, 0},
        {"0.000001s", true, 1},
        {"1.000000000000s", true, SIM_S(1)},
        {"0.5h", true, SIM_S(1800)},
        {"0.0001h", true, 360000},
        {"1.25m", true, SIM_S(75)},
        {"007ms", true, 7000},
        {"18446744073709551615us", true, UINT64_MAX},
        {"18446744073709551616us", false, 0},
        {"99999999999999999999h", false, 0},
        {"0.5us", false, 0},
        {"1.0005ms", false, 0},
        {"0.0000001s", false, 0},
        {"1.5", false, 0},
        {"", false, 0},
        {"ms", false, 0},
        {".5s", false, 0},
        {"5.s", false, 0},
        {"-1s", false, 0},
        {"+1s", false, 0},
        {"1 s", false, 0},
        {" 1s", false, 0},
        {"1s ", false, 0},
        {"1e3ms", false, 0},
        {"1sec", false, 0},
        {"1S", false, 0},
        {"1d", false, 0},
        {"1ns", false, 0},
        {"1µs", false, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sim_time us = 12345;
        const bool ok = scn_parse_duration(cases[i].text, &us);
        cr_assert_eq(ok, cases[i].ok, "\"%s\"", cases[i].text);
        if (ok) {
            cr_assert_eq(us, cases[i].us, "\"%s\": %llu", cases[i].text, (unsigned long long)us);
        } else {
            cr_assert_eq(us, 12345, "\"%s\": *out changed on failure", cases[i].text);
        }
    }
    sim_time us = 0;
    cr_assert(!scn_parse_duration(NULL, &us));
}

/* =================================================================================
 * Robustness: mutated files never crash and are either valid or reported
 * ================================================================================= */

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

Test(scenario_load, mutations_never_crash, .timeout = 120)
{
    static const char tokens[][24] = {"{",
                                      "}",
                                      "[",
                                      "]",
                                      ",",
                                      ":",
                                      "\"",
                                      "0",
                                      "-1",
                                      "1e999",
                                      "null",
                                      "true",
                                      "@",
                                      "\"@x\"",
                                      "\"1s\"",
                                      "\"at\"",
                                      "\xc3\xa9",
                                      "\\u0000",
                                      "9999999999999999999999",
                                      "\"node\"",
                                      "\"sides\"",
                                      "[[1],[2]]"};
    const size_t base_len = strlen(TIMELINE);
    char *buf = malloc(base_len + 64);
    uint64_t seed = 0x9E3779B97F4A7C15u;
    uint32_t ok = 0, invalid = 0;
    for (int round = 0; round < 3000; round++) {
        memcpy(buf, TIMELINE, base_len);
        size_t len = base_len;
        const int edits = 1 + (int)(next_random(&seed) % 3);
        for (int e = 0; e < edits; e++) {
            const size_t pos = next_random(&seed) % len;
            const uint64_t r = next_random(&seed);
            if (r % 3 == 0) { /* delete a few bytes */
                const size_t n = 1 + r / 3 % 4 < len - pos ? 1 + r / 3 % 4 : len - pos;
                memmove(buf + pos, buf + pos + n, len - pos - n);
                len -= n;
            } else if (r % 3 == 1) { /* flip a byte */
                buf[pos] = (char)(r >> 8);
            } else { /* insert a token */
                const char *t = tokens[r / 3 % (sizeof tokens / sizeof tokens[0])];
                const size_t n = strlen(t);
                if (len + n > base_len + 48) continue;
                memmove(buf + pos + n, buf + pos, len - pos);
                memcpy(buf + pos, t, n);
                len += n;
            }
        }
        scn_config *cfg = NULL;
        scn_diags d;
        const sim_err err = scn_load_buffer("m.json", buf, len, NULL, 0, &cfg, &d);
        cr_assert(err == SIM_OK || err == SIM_EINVALID);
        cr_assert_eq(err == SIM_OK, cfg != NULL);
        cr_assert_eq(err == SIM_OK, d.error_count == 0);
        if (err == SIM_OK) {
            ok++;
        } else {
            invalid++;
            cr_assert_not_null(d.text);
        }
        scn_config_free(cfg);
        scn_diags_free(&d);
    }
    cr_assert_gt(ok, 0);
    cr_assert_gt(invalid, 0);
    free(buf);
}
