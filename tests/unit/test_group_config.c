/*
 * test_group_config.c — scenario `consumer_groups` become the right structs: Kafka 4.0's
 *   consumer defaults, every consumer config the loader reads, the assignor list in all
 *   of Kafka's spellings, commit modes and their default, static membership, poison
 *   records, the sizing of members over the run, the broker's group configs, and the
 *   timeline's add_consumer / remove_consumer actions and coordinator / consumer targets.
 *
 * Goal: the loader reads groups with Kafka's consumer config names and defaults
 *   (kafka-semantics.md §1.2, Kafka 4.0 ConsumerConfig; §1.3 GroupCoordinatorConfig):
 *   what Kafka refuses is an error (in Kafka's words where it has them), what the
 *   coordinator would refuse at run time is a warning, and the values the world takes
 *   (scn_group, scn_group_broker_config, scn_action) are exactly Kafka's. While
 *   scn_groups_enabled is false (the default) all of it stays "not modelled yet".
 * Method: scenarios written inline and loaded with scn_load_buffer, as in
 *   test_producer_config.c; the suite turns scn_groups_enabled on in its init (criterion
 *   runs each test in its own process). Golden diagnostics of bad groups are in
 *   tests/bad_scenarios/group-* (test_scenario_bad.c, with a `groups` file).
 */
#include "../../sim/kafka/assignors.h"
#include "../../sim/scenario/scenario.h"
#include "world_fixture.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void enable_groups(void)
{
    scn_set_groups_enabled(true);
}

TestSuite(group_config, .init = enable_groups);

/* A cluster (3 combined nodes), topics `orders` (6 partitions) and `payments` (2), and
 * one group subscribed to `orders`: `group` is the body of its object after the id and
 * topics, `rest` more root keys. */
#define WITH_GROUP(group, rest)                                                                    \
    "{\"format\": 1, \"name\": \"g\", \"duration\": \"60s\", \"cluster\": {},"                     \
    " \"topics\": [{\"name\": \"orders\", \"partitions\": 6, \"replication_factor\": 3},"          \
    " {\"name\": \"payments\", \"partitions\": 2, \"replication_factor\": 3}],"                    \
    " \"consumer_groups\": [{\"group\": \"billing\", \"topics\": [\"orders\"]" group "}]" rest "}"

/* Loads a scenario that must load with warnings; returns their text (caller frees). */
static char *load_warnings(const char *json)
{
    scn_diags d;
    scn_config *cfg = fx_config_diags(json, &d);
    cr_assert_gt(d.warning_count, 0, "expected warnings");
    char *text = strdup(d.text);
    scn_diags_free(&d);
    scn_config_free(cfg);
    return text;
}

/* The group of WITH_GROUP with `config` as its config object. */
static scn_group config_of(const char *config)
{
    char json[2048];
    snprintf(json, sizeof json, WITH_GROUP(", \"config\": {%s}", ""), config);
    scn_config *c = fx_config_clean(json);
    cr_assert_eq(c->group_count, 1);
    const scn_group g = c->groups[0];
    scn_config_free(c);
    return g;
}

/* The error text of WITH_GROUP with `config` as its config object. */
static char *config_error(const char *config)
{
    char json[2048];
    snprintf(json, sizeof json, WITH_GROUP(", \"config\": {%s}", ""), config);
    return fx_config_bad(json);
}

/* ==================================================================================
 * Defaults
 * ================================================================================== */

Test(group_config, defaults_are_kafka_4_0s)
{
    scn_config *c = fx_config_clean(WITH_GROUP("", ""));
    cr_assert_eq(c->group_count, 1);
    const scn_group *g = &c->groups[0];
    cr_assert_str_eq(g->group, "billing");
    cr_assert_eq(g->topic_count, 1);
    cr_assert_eq(g->topics[0], 0);
    cr_assert_eq(g->members, 1);
    cr_assert_eq(g->members_max, 1);
    cr_assert_eq(g->processing_us, 0);
    cr_assert_eq(g->start_us, 0);
    cr_assert_eq(g->commit, SCN_COMMIT_AUTO, "enable.auto.commit is true by default");
    cr_assert_not(g->static_members);
    cr_assert_eq(g->strategy_count, 2, "[RangeAssignor, CooperativeStickyAssignor] since 3.0");
    cr_assert_eq(g->strategies[0], KASG_STRATEGY_RANGE);
    cr_assert_eq(g->strategies[1], KASG_STRATEGY_COOPERATIVE_STICKY);
    cr_assert_eq(g->session_timeout_ms, 45000, "45 s since 3.0 (KIP-735)");
    cr_assert_eq(g->heartbeat_interval_ms, 3000);
    cr_assert_eq(g->max_poll_interval_ms, 300000);
    cr_assert_eq(g->max_poll_records, 500);
    cr_assert_eq(g->fetch_min_bytes, 1);
    cr_assert_eq(g->fetch_max_wait_ms, 500);
    cr_assert_eq(g->auto_commit_interval_ms, 5000);
    cr_assert_eq(g->request_timeout_ms, 30000);
    cr_assert_eq(g->retry_backoff_ms, 100);
    cr_assert(g->enable_auto_commit);
    cr_assert_eq(g->offset_reset, SCN_RESET_LATEST);
    cr_assert_not(g->has_poison);
    cr_assert_eq(g->line, 1, "the inline file is one line");
    /* GroupCoordinatorConfig defaults. */
    cr_assert_eq(c->group_broker.initial_rebalance_delay_ms, 3000);
    cr_assert_eq(c->group_broker.min_session_timeout_ms, 6000);
    cr_assert_eq(c->group_broker.max_session_timeout_ms, 1800000);
    cr_assert_eq(c->group_broker.offsets_partitions, 50);
    cr_assert_eq(c->group_broker.offsets_replication_factor, 3);
    scn_config_free(c);
}

Test(group_config, broker_group_defaults_are_set_without_groups_too)
{
    scn_set_groups_enabled(false);
    scn_config *c = fx_config_clean("{\"format\": 1, \"name\": \"g\", \"cluster\": {}}");
    cr_assert_eq(c->group_count, 0);
    cr_assert_null(c->groups);
    cr_assert_eq(c->group_broker.initial_rebalance_delay_ms, 3000);
    cr_assert_eq(c->group_broker.min_session_timeout_ms, 6000);
    cr_assert_eq(c->group_broker.max_session_timeout_ms, 1800000);
    cr_assert_eq(c->group_broker.offsets_partitions, 50);
    cr_assert_eq(c->group_broker.offsets_replication_factor, 3);
    scn_config_free(c);
}

Test(group_config, workload_fields)
{
    scn_config *c =
        fx_config_clean(WITH_GROUP(", \"members\": 3, \"processing\": \"2ms\", \"start\": \"5s\","
                                   " \"static\": true",
                                   ""));
    const scn_group *g = &c->groups[0];
    cr_assert_eq(g->members, 3);
    cr_assert_eq(g->members_max, 3);
    cr_assert_eq(g->processing_us, SIM_MS(2));
    cr_assert_eq(g->start_us, SIM_S(5));
    cr_assert(g->static_members);
    scn_config_free(c);
    /* Several topics keep file order; no members at the start is allowed. */
    c = fx_config_clean(
        "{\"format\": 1, \"name\": \"g\", \"cluster\": {},"
        " \"topics\": [{\"name\": \"orders\", \"partitions\": 6, \"replication_factor\": 3},"
        " {\"name\": \"payments\", \"partitions\": 2, \"replication_factor\": 3}],"
        " \"consumer_groups\": [{\"group\": \"a.b_C-9\", \"topics\": [\"payments\", \"orders\"],"
        " \"members\": 0}, {\"group\": \"other\", \"topics\": [\"orders\"]}]}");
    cr_assert_eq(c->group_count, 2);
    cr_assert_str_eq(c->groups[0].group, "a.b_C-9");
    cr_assert_eq(c->groups[0].topic_count, 2);
    cr_assert_eq(c->groups[0].topics[0], 1);
    cr_assert_eq(c->groups[0].topics[1], 0);
    cr_assert_eq(c->groups[0].members, 0);
    cr_assert_eq(c->groups[0].members_max, 0);
    cr_assert_str_eq(c->groups[1].group, "other");
    scn_config_free(c);
}

/* ==================================================================================
 * Consumer configs
 * ================================================================================== */

Test(group_config, every_modelled_consumer_config_is_read)
{
    const scn_group g = config_of("\"session.timeout.ms\": 10000, \"heartbeat.interval.ms\": 1000,"
                                  " \"max.poll.interval.ms\": 20000, \"max.poll.records\": 7,"
                                  " \"fetch.max.wait.ms\": 50,"
                                  " \"auto.commit.interval.ms\": 250, \"request.timeout.ms\": 900,"
                                  " \"retry.backoff.ms\": 0, \"enable.auto.commit\": false,"
                                  " \"auto.offset.reset\": \"earliest\","
                                  " \"group.protocol\": \"CLASSIC\"");
    cr_assert_eq(g.session_timeout_ms, 10000);
    cr_assert_eq(g.heartbeat_interval_ms, 1000);
    cr_assert_eq(g.max_poll_interval_ms, 20000);
    cr_assert_eq(g.max_poll_records, 7);
    cr_assert_eq(g.fetch_max_wait_ms, 50);
    cr_assert_eq(g.auto_commit_interval_ms, 250);
    cr_assert_eq(g.request_timeout_ms, 900);
    cr_assert_eq(g.retry_backoff_ms, 0);
    cr_assert_not(g.enable_auto_commit);
    cr_assert_eq(g.offset_reset, SCN_RESET_EARLIEST);
    cr_assert_eq(config_of("\"auto.offset.reset\": \"none\"").offset_reset, SCN_RESET_NONE);
    cr_assert_eq(config_of("\"auto.offset.reset\": \"latest\"").offset_reset, SCN_RESET_LATEST);
    cr_assert_eq(config_of("\"group.protocol\": \"classic\"").session_timeout_ms, 45000);
}

Test(group_config, known_consumer_configs_not_modelled_are_warnings)
{
    char json[1024];
    snprintf(json, sizeof json, WITH_GROUP(", \"config\": {%s}", ""),
             "\"client.id\": \"app\", \"isolation.level\": \"read_committed\","
             " \"fetch.max.bytes\": 1024, \"max.partition.fetch.bytes\": 1024,"
             " \"check.crcs\": false, \"allow.auto.create.topics\": false,"
             " \"exclude.internal.topics\": true, \"client.rack\": \"a\","
             " \"key.deserializer\": \"x\", \"value.deserializer\": \"y\","
             " \"bootstrap.servers\": \"localhost:9092\", \"fetch.min.bytes\": 1024");
    scn_diags d;
    scn_config *c = fx_config_diags(json, &d);
    cr_assert_eq(d.warning_count, 12, "one warning per name:\n%s", d.text);
    fx_assert_contains(d.text,
                       "warning: 'isolation.level' is a known Kafka config, not modelled yet "
                       "in this build: ignored [/consumer_groups/0/config/isolation.level]");
    scn_diags_free(&d);
    scn_config_free(c);
}

Test(group_config, refused_consumer_configs)
{
    char *text = config_error("\"group.instance.id\": \"billing-0\"");
    fx_assert_contains(text, "'group.instance.id' is set by the simulator from the group's "
                             "\"static\": true");
    free(text);
    text = config_error("\"group.protocol\": \"consumer\"");
    fx_assert_contains(text, "group.protocol \"consumer\" (KIP-848, the broker-driven protocol) is "
                             "not modelled yet");
    free(text);
    text = config_error("\"group.remote.assignor\": \"uniform\"");
    fx_assert_contains(text, "group.remote.assignor cannot be set when group.protocol=CLASSIC");
    free(text);
    text = config_error("\"group.id\": \"x\"");
    fx_assert_contains(text, "'group.id' is set by the simulator from the group's \"group\" key");
    free(text);
    text = config_error("\"sesion.timeout.ms\": 1000");
    fx_assert_contains(text, "unknown consumer config 'sesion.timeout.ms'; did you mean "
                             "'session.timeout.ms'?");
    free(text);
    text = config_error("\"offsets.topic.num.partitions\": 10");
    fx_assert_contains(text, "'offsets.topic.num.partitions' is a broker config, not a consumer "
                             "config; set it in cluster.config");
    free(text);
    text = config_error("\"max.poll.records\": 0");
    fx_assert_contains(text, "'max.poll.records' must be between 1 and 2147483647, found 0");
    free(text);
}

Test(group_config, heartbeat_must_be_below_the_session_timeout)
{
    /* Kafka's Heartbeat constructor: IllegalArgumentException("Heartbeat must be set lower
     * than the session timeout"). */
    char *text = config_error("\"heartbeat.interval.ms\": 45000");
    fx_assert_contains(text, "Kafka refuses this consumer config (IllegalArgumentException): "
                             "Heartbeat must be set lower than the session timeout "
                             "(heartbeat.interval.ms 45000, session.timeout.ms 45000) "
                             "[/consumer_groups/0/config/heartbeat.interval.ms]");
    free(text);
    text = config_error("\"session.timeout.ms\": 3000");
    fx_assert_contains(text, "[/consumer_groups/0/config/session.timeout.ms]");
    free(text);
    const scn_group g = config_of("\"session.timeout.ms\": 6000, \"heartbeat.interval.ms\": 5999");
    cr_assert_eq(g.heartbeat_interval_ms, 5999);
}

Test(group_config, session_outside_the_brokers_range_is_a_warning)
{
    /* The coordinator refuses the JoinGroup with INVALID_SESSION_TIMEOUT: a lesson. */
    char *text = load_warnings(WITH_GROUP(", \"config\": {\"session.timeout.ms\": 5000,"
                                          " \"heartbeat.interval.ms\": 1000}",
                                          ""));
    fx_assert_contains(text,
                       "warning: session.timeout.ms 5000 is outside the cluster's "
                       "group.min.session.timeout.ms (6000) .. group.max.session.timeout.ms "
                       "(1800000): the coordinator will refuse every join of this group with "
                       "INVALID_SESSION_TIMEOUT [/consumer_groups/0/config/session.timeout.ms]");
    free(text);
    char json[1024];
    snprintf(json, sizeof json,
             "{\"format\": 1, \"name\": \"g\","
             " \"cluster\": {\"config\": {\"group.max.session.timeout.ms\": 30000}},"
             " \"topics\": [{\"name\": \"orders\", \"partitions\": 1, \"replication_factor\": 1}],"
             " \"consumer_groups\": [{\"group\": \"g\", \"topics\": [\"orders\"]}]}");
    text = load_warnings(json);
    fx_assert_contains(text, "session.timeout.ms 45000 (the default) is outside the cluster's "
                             "group.min.session.timeout.ms (6000) .. group.max.session.timeout.ms "
                             "(30000)");
    fx_assert_contains(text, "[/consumer_groups/0]");
    free(text);
}

/* ==================================================================================
 * partition.assignment.strategy
 * ================================================================================== */

static void assert_strategies(const char *value, const kasg_strategy *want, uint32_t count)
{
    char config[512];
    snprintf(config, sizeof config, "\"partition.assignment.strategy\": %s", value);
    const scn_group g = config_of(config);
    cr_assert_eq(g.strategy_count, count, "%s: %u strategies", value, g.strategy_count);
    for (uint32_t i = 0; i < count; i++)
        cr_assert_eq(g.strategies[i], (uint32_t)want[i], "%s: item %u", value, i);
}

Test(group_config, strategies_in_every_spelling)
{
    const kasg_strategy range[] = {KASG_STRATEGY_RANGE};
    const kasg_strategy coop[] = {KASG_STRATEGY_COOPERATIVE_STICKY};
    const kasg_strategy rr_sticky[] = {KASG_STRATEGY_ROUNDROBIN, KASG_STRATEGY_STICKY};
    const kasg_strategy all[] = {KASG_STRATEGY_COOPERATIVE_STICKY, KASG_STRATEGY_STICKY,
                                 KASG_STRATEGY_ROUNDROBIN, KASG_STRATEGY_RANGE};
    assert_strategies("\"range\"", range, 1);
    assert_strategies("\"cooperative-sticky\"", coop, 1);
    assert_strategies("\"org.apache.kafka.clients.consumer.RangeAssignor\"", range, 1);
    assert_strategies("\"org.apache.kafka.clients.consumer.CooperativeStickyAssignor\"", coop, 1);
    /* A comma-separated string, blanks around the commas ignored (ConfigDef's LIST). */
    assert_strategies("\"roundrobin,sticky\"", rr_sticky, 2);
    assert_strategies("\"  roundrobin ,  org.apache.kafka.clients.consumer.StickyAssignor \"",
                      rr_sticky, 2);
    /* An array of names, short and class names mixed. */
    assert_strategies("[\"roundrobin\", \"sticky\"]", rr_sticky, 2);
    assert_strategies("[\"org.apache.kafka.clients.consumer.RoundRobinAssignor\", \"sticky\"]",
                      rr_sticky, 2);
    assert_strategies("[\"cooperative-sticky\", \"sticky\", \"roundrobin\", \"range\"]", all, 4);
    assert_strategies("\"cooperative-sticky,sticky,roundrobin,range\"", all, 4);
}

Test(group_config, strategy_errors)
{
    char *text = config_error("\"partition.assignment.strategy\": \"rnage\"");
    fx_assert_contains(text, "unknown assignor 'rnage' in partition.assignment.strategy; did you "
                             "mean 'range'?");
    free(text);
    text = config_error("\"partition.assignment.strategy\": [\"range\", \"range\"]");
    fx_assert_contains(text, "assignor 'range' is listed twice in partition.assignment.strategy "
                             "[/consumer_groups/0/config/partition.assignment.strategy/1]");
    free(text);
    text = config_error("\"partition.assignment.strategy\": "
                        "\"sticky,org.apache.kafka.clients.consumer.StickyAssignor\"");
    fx_assert_contains(text, "assignor 'sticky' is listed twice in partition.assignment.strategy "
                             "(again as 'org.apache.kafka.clients.consumer.StickyAssignor')");
    free(text);
    text = config_error("\"partition.assignment.strategy\": \"\"");
    fx_assert_contains(text, "partition.assignment.strategy is empty");
    free(text);
    text = config_error("\"partition.assignment.strategy\": []");
    fx_assert_contains(text, "partition.assignment.strategy is empty");
    free(text);
    text = config_error("\"partition.assignment.strategy\": "
                        "[\"range\", \"roundrobin\", \"sticky\", \"cooperative-sticky\", \"x\"]");
    fx_assert_contains(text,
                       "partition.assignment.strategy lists 5 assignors; there are 4 built-in "
                       "ones, each listed at most once");
    free(text);
    text = config_error("\"partition.assignment.strategy\": \"com.example.Custom\"");
    fx_assert_contains(text, "custom assignor 'com.example.Custom' is not modelled");
    free(text);
    text = config_error("\"partition.assignment.strategy\": 3");
    fx_assert_contains(text,
                       "expected a list (a comma-separated string or an array of strings) for "
                       "'partition.assignment.strategy', found an integer (3)");
    free(text);
    text = config_error("\"partition.assignment.strategy\": \"range,\"");
    fx_assert_contains(text, "an empty assignor name in partition.assignment.strategy");
    free(text);
}

/* ==================================================================================
 * commit, static, poison
 * ================================================================================== */

Test(group_config, commit_default_follows_enable_auto_commit)
{
    cr_assert_eq(config_of("\"enable.auto.commit\": true").commit, SCN_COMMIT_AUTO);
    cr_assert_eq(config_of("\"enable.auto.commit\": false").commit, SCN_COMMIT_AFTER_PROCESSING);
    scn_config *c = fx_config_clean(WITH_GROUP(", \"commit\": \"before_processing\","
                                               " \"config\": {\"enable.auto.commit\": false}",
                                               ""));
    cr_assert_eq(c->groups[0].commit, SCN_COMMIT_BEFORE_PROCESSING);
    scn_config_free(c);
    /* Manual commits on top of Kafka's auto commit are what Kafka would do: accepted. */
    c = fx_config_clean(WITH_GROUP(", \"commit\": \"after_processing\"", ""));
    cr_assert_eq(c->groups[0].commit, SCN_COMMIT_AFTER_PROCESSING);
    cr_assert(c->groups[0].enable_auto_commit);
    scn_config_free(c);
    c = fx_config_clean(WITH_GROUP(", \"commit\": \"auto\"", ""));
    cr_assert_eq(c->groups[0].commit, SCN_COMMIT_AUTO);
    scn_config_free(c);
}

Test(group_config, commit_auto_without_enable_auto_commit_is_an_error)
{
    char *text = fx_config_bad(
        WITH_GROUP(", \"commit\": \"auto\", \"config\": {\"enable.auto.commit\": false}", ""));
    fx_assert_contains(text, "\"commit\": \"auto\" is Kafka's auto commit, but the group's config "
                             "sets enable.auto.commit to false; use \"after_processing\" or "
                             "\"before_processing\", or drop enable.auto.commit "
                             "[/consumer_groups/0/commit]");
    free(text);
    text = fx_config_bad(WITH_GROUP(", \"commit\": \"after-processing\"", ""));
    fx_assert_contains(text, "unknown commit mode 'after-processing'; did you mean "
                             "'after_processing'?");
    free(text);
}

Test(group_config, poison_record)
{
    scn_config *c =
        fx_config_clean("{\"format\": 1, \"name\": \"g\", \"cluster\": {},"
                        " \"topics\": [{\"name\": \"orders\", \"partitions\": 6,"
                        " \"replication_factor\": 3}, {\"name\": \"my-topic\", \"partitions\": 4,"
                        " \"replication_factor\": 3}],"
                        " \"consumer_groups\": ["
                        " {\"group\": \"a\", \"topics\": [\"orders\", \"my-topic\"],"
                        " \"poison\": {\"partition\": \"my-topic-3\", \"offset\": 10,"
                        " \"policy\": \"retry\"}},"
                        " {\"group\": \"b\", \"topics\": [\"orders\"],"
                        " \"poison\": {\"partition\": \"orders-0\", \"offset\": 0,"
                        " \"policy\": \"skip\"}},"
                        " {\"group\": \"c\", \"topics\": [\"orders\"],"
                        " \"poison\": {\"partition\": \"orders-5\", \"offset\": 123456789012,"
                        " \"policy\": \"stop\"}}]}");
    const scn_group *a = &c->groups[0], *b = &c->groups[1], *g = &c->groups[2];
    cr_assert(a->has_poison);
    cr_assert_eq(a->poison_topic, 1, "the topic before the last '-'");
    cr_assert_eq(a->poison_partition, 3);
    cr_assert_eq(a->poison_offset, 10);
    cr_assert_eq(a->poison_policy, SCN_POISON_RETRY);
    cr_assert(b->has_poison);
    cr_assert_eq(b->poison_topic, 0);
    cr_assert_eq(b->poison_partition, 0);
    cr_assert_eq(b->poison_offset, 0);
    cr_assert_eq(b->poison_policy, SCN_POISON_SKIP);
    cr_assert_eq(g->poison_partition, 5);
    cr_assert_eq(g->poison_offset, 123456789012LL);
    cr_assert_eq(g->poison_policy, SCN_POISON_STOP);
    scn_config_free(c);
    char *text =
        fx_config_bad(WITH_GROUP(", \"poison\": {\"partition\": \"payments-0\", \"offset\": 1,"
                                 " \"policy\": \"skip\"}",
                                 ""));
    fx_assert_contains(text, "'payments-0' is in topic 'payments', which the group does not "
                             "subscribe to (its topics: orders)");
    free(text);
}

/* ==================================================================================
 * Limits and sizing
 * ================================================================================== */

Test(group_config, members_max_counts_the_add_consumer_actions)
{
    scn_config *c = fx_config_clean(WITH_GROUP(
        ", \"members\": 2", ", \"timeline\": ["
                            "{\"at\": \"5s\", \"do\": \"add_consumer\", \"group\": \"billing\"},"
                            "{\"at\": \"1s\", \"do\": \"add_consumer\", \"group\": \"billing\"},"
                            "{\"at\": \"3s\", \"do\": \"add_consumer\", \"group\": \"billing\","
                            " \"label\": \"third\"},"
                            "{\"at\": \"1s\", \"do\": \"note\", \"text\": \"hi\"}]"));
    cr_assert_eq(c->groups[0].members, 2);
    cr_assert_eq(c->groups[0].members_max, 5);
    cr_assert_eq(c->action_count, 4);
    /* Member numbers follow the order the actions run in, not file order. */
    int32_t seen[3];
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->action_count; i++) {
        const scn_action *a = &c->actions[i];
        if (a->kind != SCN_ACT_ADD_CONSUMER) continue;
        cr_assert_eq(a->group, 0);
        seen[n++] = a->member;
    }
    cr_assert_eq(n, 3);
    cr_assert_eq(seen[0], 2, "at 1s: the first added member");
    cr_assert_eq(seen[1], 3, "at 3s");
    cr_assert_eq(seen[2], 4, "at 5s");
    scn_config_free(c);
}

Test(group_config, limits_are_named)
{
    char *text = fx_config_bad(WITH_GROUP(", \"members\": 33", ""));
    fx_assert_contains(text, "above the limit of 32 members of one group (SCN_GROUP_MEMBERS_MAX)");
    free(text);
    char timeline[4096] = ", \"timeline\": [";
    for (int i = 0; i < 3; i++) {
        strcat(timeline, i ? ", " : "");
        strcat(timeline, "{\"at\": \"1s\", \"do\": \"add_consumer\", \"group\": \"billing\"}");
    }
    strcat(timeline, "]");
    char json[8192];
    snprintf(json, sizeof json, WITH_GROUP(", \"members\": 30", "%s"), timeline);
    text = fx_config_bad(json);
    fx_assert_contains(text, "group 'billing' would have up to 33 members over the run (30 at the "
                             "start and 3 add_consumer actions), above the limit of 32 members of "
                             "one group (SCN_GROUP_MEMBERS_MAX)");
    free(text);
    text = fx_config_bad("{\"format\": 1, \"name\": \"g\", \"cluster\": {\"brokers\": 1},"
                         " \"topics\": [{\"name\": \"big\", \"partitions\": 257,"
                         " \"replication_factor\": 1}],"
                         " \"consumer_groups\": [{\"group\": \"g\", \"topics\": [\"big\"]}]}");
    fx_assert_contains(text, "the group's topics have 257 partitions together, above the limit of "
                             "256 (SCN_GROUP_PARTITIONS_MAX)");
    free(text);
}

/* ==================================================================================
 * Broker group configs
 * ================================================================================== */

Test(group_config, broker_group_configs_are_read)
{
    scn_config *c = fx_config_clean("{\"format\": 1, \"name\": \"g\", \"cluster\": {\"brokers\": 3,"
                                    " \"config\": {\"group.initial.rebalance.delay.ms\": 0,"
                                    " \"group.min.session.timeout.ms\": 1000,"
                                    " \"group.max.session.timeout.ms\": 60000,"
                                    " \"offsets.topic.num.partitions\": 3,"
                                    " \"offsets.topic.replication.factor\": 2}}}");
    cr_assert_eq(c->group_broker.initial_rebalance_delay_ms, 0);
    cr_assert_eq(c->group_broker.min_session_timeout_ms, 1000);
    cr_assert_eq(c->group_broker.max_session_timeout_ms, 60000);
    cr_assert_eq(c->group_broker.offsets_partitions, 3);
    cr_assert_eq(c->group_broker.offsets_replication_factor, 2);
    scn_config_free(c);
    char *text = fx_config_bad("{\"format\": 1, \"name\": \"g\", \"cluster\": {"
                               " \"config\": {\"offsets.topic.replication.factor\": 9}}}");
    fx_assert_contains(text, "'offsets.topic.replication.factor' is 9, above the limit of 8 "
                             "(SCN_REPLICATION_FACTOR_MAX)");
    free(text);
}

Test(group_config, broker_group_configs_stay_not_modelled_while_groups_are_off)
{
    scn_set_groups_enabled(false);
    scn_diags d;
    scn_config *c = fx_config_diags("{\"format\": 1, \"name\": \"g\", \"cluster\": {"
                                    " \"config\": {\"group.initial.rebalance.delay.ms\": 0,"
                                    " \"offsets.topic.num.partitions\": 3}}}",
                                    &d);
    cr_assert_eq(d.warning_count, 2);
    fx_assert_contains(d.text,
                       "warning: 'group.initial.rebalance.delay.ms' is a known Kafka config, "
                       "not modelled yet in this build: ignored");
    cr_assert_eq(c->group_broker.initial_rebalance_delay_ms, 3000, "ignored");
    cr_assert_eq(c->group_broker.offsets_partitions, 50, "ignored");
    scn_diags_free(&d);
    scn_config_free(c);
}

Test(group_config, offsets_replication_above_the_brokers_is_a_warning)
{
    /* A one-broker cluster keeps Kafka's default RF 3: __consumer_offsets cannot be
     * created, every group fails with COORDINATOR_NOT_AVAILABLE. A lesson, not an error. */
    const char *one_broker =
        "{\"format\": 1, \"name\": \"g\", \"cluster\": {\"brokers\": 1%s},"
        " \"topics\": [{\"name\": \"orders\", \"partitions\": 1, \"replication_factor\": 1}],"
        " \"consumer_groups\": [{\"group\": \"g\", \"topics\": [\"orders\"]}]}";
    char json[1024];
    snprintf(json, sizeof json, one_broker, "");
    char *text = load_warnings(json);
    fx_assert_contains(text, "warning: offsets.topic.replication.factor is 3 (Kafka's default) but "
                             "the cluster has 1 broker: Kafka cannot create __consumer_offsets, so "
                             "every group will fail to find its coordinator "
                             "(COORDINATOR_NOT_AVAILABLE) [/consumer_groups]");
    free(text);
    snprintf(json, sizeof json, one_broker,
             ", \"config\": {\"offsets.topic.replication.factor\": 2}");
    text = load_warnings(json);
    fx_assert_contains(text, "offsets.topic.replication.factor is 2 but the cluster has 1 broker: "
                             "Kafka cannot create __consumer_offsets, so every group will fail to "
                             "find its coordinator (COORDINATOR_NOT_AVAILABLE) "
                             "[/cluster/config/offsets.topic.replication.factor]");
    free(text);
    /* Without groups nothing needs the offsets topic: no warning. */
    scn_config *c =
        fx_config_clean("{\"format\": 1, \"name\": \"g\", \"cluster\": {\"brokers\": 1}}");
    scn_config_free(c);
    snprintf(json, sizeof json, one_broker,
             ", \"config\": {\"offsets.topic.replication.factor\": 1}");
    c = fx_config_clean(json);
    scn_config_free(c);
}

/* ==================================================================================
 * Timeline: actions and targets
 * ================================================================================== */

/* WITH_GROUP with 3 members, producer `checkout`, a second group `audit`, and `timeline`. */
#define WITH_TIMELINE(timeline)                                                                    \
    "{\"format\": 1, \"name\": \"g\", \"duration\": \"60s\", \"cluster\": {},"                     \
    " \"topics\": [{\"name\": \"orders\", \"partitions\": 6, \"replication_factor\": 3}],"         \
    " \"producers\": [{\"name\": \"checkout\", \"topic\": \"orders\"}],"                           \
    " \"consumer_groups\": [{\"group\": \"audit\", \"topics\": [\"orders\"]},"                     \
    " {\"group\": \"billing\", \"topics\": [\"orders\"], \"members\": 3}],"                        \
    " \"timeline\": [" timeline "]}"

Test(group_config, consumer_actions_are_parsed)
{
    scn_config *c = fx_config_clean(
        WITH_TIMELINE("{\"at\": \"1s\", \"do\": \"remove_consumer\", \"group\": \"billing\"},"
                      "{\"at\": \"2s\", \"do\": \"remove_consumer\", \"group\": \"billing\","
                      " \"member\": 1, \"graceful\": false},"
                      "{\"at\": \"3s\", \"do\": \"add_consumer\", \"group\": \"audit\"},"
                      "{\"at\": \"4s\", \"do\": \"remove_consumer\", \"group\": \"audit\","
                      " \"member\": 1, \"graceful\": true}"));
    cr_assert_eq(c->action_count, 4);
    const scn_action *a = c->actions;
    cr_assert_eq(a[0].kind, SCN_ACT_REMOVE_CONSUMER);
    cr_assert_eq(a[0].group, 1);
    cr_assert_eq(a[0].member, -1, "the highest alive");
    cr_assert(a[0].graceful, "graceful by default");
    cr_assert_eq(a[1].member, 1);
    cr_assert_not(a[1].graceful);
    cr_assert_eq(a[2].kind, SCN_ACT_ADD_CONSUMER);
    cr_assert_eq(a[2].group, 0);
    cr_assert_eq(a[2].member, 1, "audit starts with member 0");
    cr_assert_eq(a[3].member, 1, "the added member can be removed");
    cr_assert(a[3].graceful);
    cr_assert_eq(c->groups[0].members_max, 2);
    cr_assert_eq(c->groups[1].members_max, 3);
    scn_config_free(c);
}

Test(group_config, coordinator_and_consumer_targets_are_parsed)
{
    scn_config *c = fx_config_clean(WITH_TIMELINE(
        "{\"at\": \"1s\", \"do\": \"crash\", \"node\": \"coordinator:billing\", \"label\": \"co\"},"
        "{\"at\": \"2s\", \"do\": \"isolate\", \"node\": \"billing/2\"},"
        "{\"at\": \"3s\", \"do\": \"partition\","
        " \"sides\": [[\"billing/0\", \"checkout\"], [\"coordinator:audit\", 1]]},"
        "{\"at\": \"4s\", \"do\": \"cut\", \"from\": \"audit/0\", \"to\": \"coordinator:audit\"},"
        "{\"at\": \"5s\", \"do\": \"link\", \"a\": \"billing/1\", \"b\": 2, \"loss\": 0.5},"
        "{\"at\": \"6s\", \"do\": \"heal\", \"node\": \"billing/1\"},"
        "{\"at\": \"7s\", \"do\": \"restart\", \"node\": \"@co\"}"));
    const scn_action *a = c->actions;
    cr_assert_eq(a[0].node.kind, SCN_TARGET_COORDINATOR);
    cr_assert_eq(a[0].node.group, 1);
    cr_assert_eq(a[1].node.kind, SCN_TARGET_CONSUMER);
    cr_assert_eq(a[1].node.group, 1);
    cr_assert_eq(a[1].node.member, 2);
    cr_assert_eq(a[2].member_count, 4);
    cr_assert_eq(a[2].members[0].kind, SCN_TARGET_CONSUMER);
    cr_assert_eq(a[2].members[0].member, 0);
    cr_assert_eq(a[2].members[1].kind, SCN_TARGET_CLIENT);
    cr_assert_eq(a[2].members[2].kind, SCN_TARGET_COORDINATOR);
    cr_assert_eq(a[2].members[2].group, 0);
    cr_assert_eq(a[2].side_index[2], 1);
    cr_assert_eq(a[3].a.kind, SCN_TARGET_CONSUMER);
    cr_assert_eq(a[3].a.group, 0);
    cr_assert_eq(a[3].b.kind, SCN_TARGET_COORDINATOR);
    cr_assert_eq(a[4].a.kind, SCN_TARGET_CONSUMER);
    cr_assert_eq(a[4].a.member, 1);
    cr_assert_eq(a[5].node.kind, SCN_TARGET_CONSUMER);
    scn_config_free(c);
}

Test(group_config, consumer_target_errors)
{
    char *text = fx_config_bad(
        WITH_TIMELINE("{\"at\": \"1s\", \"do\": \"crash\", \"node\": \"billing/0\"}"));
    fx_assert_contains(text, "'crash' names consumer 'billing/0', but crash applies to Kafka nodes "
                             "only");
    free(text);
    text = fx_config_bad(
        WITH_TIMELINE("{\"at\": \"1s\", \"do\": \"isolate\", \"node\": \"billing/3\"}"));
    fx_assert_contains(text, "node target 'billing/3' names member 3, but group 'billing' has at "
                             "most 3 members over the run (3 to start with, plus one per "
                             "add_consumer action), numbered 0 to 2");
    free(text);
    text = fx_config_bad(
        WITH_TIMELINE("{\"at\": \"1s\", \"do\": \"isolate\", \"node\": \"coordinator:biling\"}"));
    fx_assert_contains(text, "node target 'coordinator:biling' names unknown consumer group "
                             "'biling'; did you mean 'billing'?");
    free(text);
    text = fx_config_bad(
        WITH_TIMELINE("{\"at\": \"1s\", \"do\": \"add_consumer\", \"group\": \"biling\"}"));
    fx_assert_contains(text, "unknown consumer group 'biling'; did you mean 'billing'? "
                             "[/timeline/0/group]");
    free(text);
    text = fx_config_bad(WITH_TIMELINE(
        "{\"at\": \"1s\", \"do\": \"add_consumer\", \"group\": \"audit\", \"member\": 1}"));
    fx_assert_contains(text, "add_consumer takes no 'member'");
    free(text);
    text = fx_config_bad(WITH_TIMELINE(
        "{\"at\": \"1s\", \"do\": \"remove_consumer\", \"group\": \"audit\", \"member\": 1}"));
    fx_assert_contains(text,
                       "remove_consumer names member 1, but group 'audit' has at most 1 member "
                       "over the run");
    free(text);
}

/* ==================================================================================
 * While groups are off (the default), all of it is "not modelled yet"
 * ================================================================================== */

Test(group_config, everything_is_not_modelled_while_groups_are_off)
{
    scn_set_groups_enabled(false);
    char *text = fx_config_bad(WITH_GROUP("", ""));
    fx_assert_contains(text, "'consumer_groups' is not modelled yet in this build");
    free(text);
    text = fx_config_bad("{\"format\": 1, \"name\": \"g\", \"cluster\": {}, \"timeline\": ["
                         "{\"at\": \"1s\", \"do\": \"remove_consumer\", \"group\": \"billing\"},"
                         "{\"at\": \"2s\", \"do\": \"isolate\", \"node\": \"coordinator:billing\"},"
                         "{\"at\": \"3s\", \"do\": \"isolate\", \"node\": \"billing/0\"}]}");
    fx_assert_contains(text, "action 'remove_consumer' is not modelled yet in this build");
    fx_assert_contains(text,
                       "node target 'coordinator:billing' needs consumer groups, which are not "
                       "modelled yet");
    fx_assert_contains(text, "unknown node target 'billing/0': expected a node id, "
                             "\"controller-leader\", \"leader:TOPIC-P\", \"follower:TOPIC-P\", "
                             "\"@LABEL\" or a producer's name");
    free(text);
}
