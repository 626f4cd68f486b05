/*
 * test_producer_config.c — scenario `producers` become the right structs: defaults, the
 *   workload fields, acks spellings, KIP-679's idempotence rules, KIP-91's
 *   delivery-timeout floor, the sizing of the logs, and every checker name in
 *   `invariants.disable`.
 *
 * Goal: the loader reads producers with Kafka's producer config names and defaults
 *   (kafka-semantics.md §1.1, Kafka 4.0 ProducerConfig): what Kafka changes silently is
 *   changed silently, what Kafka refuses is an error, and the values the world takes
 *   (scn_producer) are exactly Kafka's.
 * Method: scenarios written inline and loaded with scn_load_buffer, as in
 *   test_scenario_load.c; each test checks the fields it is about. Golden diagnostics of
 *   bad producers are in tests/bad_scenarios/producer-* (test_scenario_bad.c).
 */
#include "../../sim/check/check.h"
#include "../../sim/scenario/scenario.h"
#include "world_fixture.h"
#include "../../sim/world/world.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A cluster, topic `orders` (6 partitions) and one producer: `producer` is the body of
 * its object after the name and topic, `rest` more root keys. */
#define WITH_PRODUCER(duration, producer, rest)                                                    \
    "{\"format\": 1, \"name\": \"m\", \"duration\": \"" duration "\", \"cluster\": {},"            \
    " \"topics\": [{\"name\": \"orders\", \"partitions\": 6, \"replication_factor\": 3}],"         \
    " \"producers\": [{\"name\": \"app\", \"topic\": \"orders\"" producer "}]" rest "}"

/* One producer with `config` as its config object. */
static scn_producer config_of(const char *config)
{
    char json[1024];
    snprintf(json, sizeof json, WITH_PRODUCER("60s", ", \"config\": {%s}", ""), config);
    scn_config *c = fx_config_clean(json);
    cr_assert_eq(c->producer_count, 1);
    const scn_producer p = c->producers[0];
    scn_config_free(c);
    return p;
}

/* ==================================================================================
 * Defaults and workload
 * ================================================================================== */

Test(producer_config, defaults_are_kafka_4_0s)
{
    scn_config *c = fx_config_clean(WITH_PRODUCER("60s", "", ""));
    cr_assert_eq(c->producer_count, 1);
    const scn_producer *p = &c->producers[0];
    cr_assert_str_eq(p->name, "app");
    cr_assert_eq(p->topic, 0);
    cr_assert_eq(p->rate, 100);
    cr_assert_eq(p->keys, 0, "null keys");
    cr_assert_eq(p->value_bytes, 100);
    cr_assert_eq(p->start_us, 0);
    cr_assert_eq(p->stop_us, SIM_S(60), "until the end of the run");
    cr_assert_eq(p->burst_count, 0);
    cr_assert_eq(p->partitioner, SCN_PARTITIONER_BUILT_IN);
    cr_assert_eq(p->acks, -1, "acks=all since 3.0 (KIP-679)");
    cr_assert_eq(p->retries, 2147483647u);
    cr_assert_eq(p->delivery_timeout_ms, 120000);
    cr_assert_eq(p->request_timeout_ms, 30000);
    cr_assert_eq(p->linger_ms, 5, "linger.ms 5 since 4.0 (KIP-1030)");
    cr_assert_eq(p->batch_size, 16384);
    cr_assert_eq(p->max_in_flight, 5);
    cr_assert_eq(p->retry_backoff_ms, 100);
    cr_assert_eq(p->retry_backoff_max_ms, 1000);
    cr_assert_eq(p->metadata_max_age_ms, 300000);
    cr_assert(p->idempotence, "enable.idempotence=true since 3.0 (KIP-679)");
    cr_assert_not(p->ignore_keys);
    /* 100 records/s for 60 s, plus the producer model's rounding allowance. */
    cr_assert_eq(p->records_max, 6002);
    cr_assert_eq(c->log_records_max, 2 * 6002 + 64, "twice over, for non-idempotent retries");
    scn_config_free(c);
}

Test(producer_config, workload_fields)
{
    scn_config *c = fx_config_clean(
        WITH_PRODUCER("60s",
                      ", \"rate\": 250, \"keys\": 16, \"value_bytes\": 512, \"start\": \"5s\","
                      " \"stop\": \"45s\", \"partitioner\": \"legacy-round-robin\","
                      " \"bursts\": [{\"at\": \"10s\", \"for\": \"2s\", \"rate\": 5000}]",
                      ""));
    const scn_producer *p = &c->producers[0];
    cr_assert_eq(p->rate, 250);
    cr_assert_eq(p->keys, 16);
    cr_assert_eq(p->value_bytes, 512);
    cr_assert_eq(p->start_us, SIM_S(5));
    cr_assert_eq(p->stop_us, SIM_S(45));
    cr_assert_eq(p->partitioner, SCN_PARTITIONER_LEGACY_ROUND_ROBIN);
    cr_assert_eq(p->burst_count, 1);
    cr_assert_eq(p->bursts[0].at_us, SIM_S(10));
    cr_assert_eq(p->bursts[0].for_us, SIM_S(2));
    cr_assert_eq(p->bursts[0].rate, 5000);
    /* 40 s at 250/s, plus the burst's 2 s at 5000/s, each with its allowance. */
    cr_assert_eq(p->records_max, 40u * 250u + 2u + 2u * 5000u + 2u);
    scn_config_free(c);
}

Test(producer_config, acks_takes_kafkas_spellings)
{
    static const struct {
        const char *text;
        int32_t acks;
    } cases[] = {{"\"all\"", -1}, {"\"-1\"", -1}, {"-1", -1}, {"\"0\"", 0},
                 {"0", 0},        {"\"1\"", 1},   {"1", 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char config[64];
        snprintf(config, sizeof config, "\"acks\": %s", cases[i].text);
        cr_assert_eq(config_of(config).acks, cases[i].acks, "acks %s", cases[i].text);
    }
}

/* ==================================================================================
 * KIP-679: idempotence
 * ================================================================================== */

Test(producer_config, idempotence_is_silently_off_when_the_user_did_not_ask_for_it)
{
    /* ProducerConfig.postProcessAndValidateIdempotenceConfigs: enable.idempotence left
     * at its default is turned off, without an error or a warning, by acks != all or
     * retries = 0. */
    cr_assert_not(config_of("\"acks\": 1").idempotence);
    cr_assert_not(config_of("\"acks\": \"0\"").idempotence);
    cr_assert_not(config_of("\"retries\": 0").idempotence);
    /* The other configs stay as given. */
    const scn_producer p = config_of("\"acks\": 1, \"retries\": 3");
    cr_assert_eq(p.acks, 1);
    cr_assert_eq(p.retries, 3);
    /* What does not conflict keeps it on; an explicit false is simply off. */
    cr_assert(config_of("\"acks\": \"all\", \"retries\": 1").idempotence);
    cr_assert(config_of("\"enable.idempotence\": true, \"acks\": -1").idempotence);
    cr_assert_not(config_of("\"enable.idempotence\": false").idempotence);
    cr_assert_not(config_of("\"enable.idempotence\": false, \"acks\": 1").idempotence);
}

Test(producer_config, idempotence_asked_for_explicitly_with_a_conflict_is_refused)
{
    char *text = fx_config_bad(
        WITH_PRODUCER("60s", ", \"config\": {\"enable.idempotence\": true, \"acks\": \"1\"}", ""));
    fx_assert_contains(text, "Kafka refuses this producer config (ConfigException): Must set acks "
                             "to all in order to use the idempotent producer. Otherwise we cannot "
                             "guarantee idempotence.");
    fx_assert_contains(text, "[/producers/0/config/acks]");
    free(text);
    text = fx_config_bad(
        WITH_PRODUCER("60s", ", \"config\": {\"retries\": 0, \"enable.idempotence\": true}", ""));
    fx_assert_contains(text, "Must set retries to non-zero when using the idempotent producer.");
    fx_assert_contains(text, "[/producers/0/config/retries]");
    free(text);
}

Test(producer_config, max_in_flight_above_5_with_default_idempotence_is_refused_in_kafka_4_0)
{
    /* KAFKA-17927 (Kafka 4.0, apache/kafka#17717): with enable.idempotence true, whether
     * by default or explicitly, max.in.flight.requests.per.connection > 5 is a
     * ConfigException "To use the idempotent producer,
     * max.in.flight.requests.per.connection must be set to at most 5. Current value is
     * 6." (checked after retries and acks). kconfig.c post_process_idempotence follows
     * 3.x instead: silently off when not explicit, and with 3.x's words when explicit. */
    char *text = fx_config_bad(
        WITH_PRODUCER("60s", ", \"config\": {\"max.in.flight.requests.per.connection\": 6}", ""));
    fx_assert_contains(text,
                       "To use the idempotent producer, max.in.flight.requests.per.connection "
                       "must be set to at most 5. Current value is 6.");
    free(text);
    cr_assert_not(config_of("\"enable.idempotence\": false,"
                            " \"max.in.flight.requests.per.connection\": 6")
                      .idempotence);
}

/* ==================================================================================
 * KIP-91: delivery.timeout.ms >= linger.ms + request.timeout.ms
 * ================================================================================== */

Test(producer_config, a_default_delivery_timeout_is_raised_to_linger_plus_request_timeout)
{
    /* KafkaProducer.configureDeliveryTimeout: a default below the floor is raised to it
     * (with a warning in Kafka's log, none here), not refused. */
    scn_producer p = config_of("\"request.timeout.ms\": 200000, \"linger.ms\": 10");
    cr_assert_eq(p.delivery_timeout_ms, 200010);
    /* At or above the floor a default stays. */
    p = config_of("\"request.timeout.ms\": 119995");
    cr_assert_eq(p.delivery_timeout_ms, 120000);
    p = config_of("\"request.timeout.ms\": 119996");
    cr_assert_eq(p.delivery_timeout_ms, 120001);
    /* A value the user set exactly at the floor is accepted. */
    p = config_of("\"delivery.timeout.ms\": 1005, \"request.timeout.ms\": 1000");
    cr_assert_eq(p.delivery_timeout_ms, 1005);
}

Test(producer_config, an_explicit_delivery_timeout_below_the_floor_is_refused)
{
    char *text = fx_config_bad(WITH_PRODUCER(
        "60s", ", \"config\": {\"delivery.timeout.ms\": 1004, \"request.timeout.ms\": 1000}", ""));
    fx_assert_contains(text, "delivery.timeout.ms (1004) should be equal to or larger than "
                             "linger.ms + request.timeout.ms (1005)");
    fx_assert_contains(text, "[/producers/0/config/delivery.timeout.ms]");
    free(text);
}

/* ==================================================================================
 * Sizing
 * ================================================================================== */

Test(producer_config, the_logs_hold_twice_the_busiest_topics_records)
{
    scn_config *c = fx_config_clean(
        "{\"format\": 1, \"name\": \"m\", \"duration\": \"10s\", \"cluster\": {},"
        " \"topics\": [{\"name\": \"a\", \"partitions\": 1, \"replication_factor\": 1},"
        "   {\"name\": \"b\", \"partitions\": 1, \"replication_factor\": 1}],"
        " \"producers\": [{\"name\": \"p1\", \"topic\": \"a\", \"rate\": 100},"
        "   {\"name\": \"p2\", \"topic\": \"a\", \"rate\": 300},"
        "   {\"name\": \"p3\", \"topic\": \"b\", \"rate\": 1000}]}");
    cr_assert_eq(c->producer_count, 3);
    cr_assert_eq(c->producers[0].records_max, 1002);
    cr_assert_eq(c->producers[1].records_max, 3002);
    cr_assert_eq(c->producers[2].records_max, 10002);
    /* Topic a: 4004 records, b: 10002: the larger sizes every replica. */
    cr_assert_eq(c->log_records_max, 2 * 10002 + 64);
    scn_config_free(c);
}

Test(producer_config, producers_up_to_the_limit)
{
    char json[4096];
    int n = snprintf(json, sizeof json,
                     "{\"format\": 1, \"name\": \"m\", \"cluster\": {},"
                     " \"topics\": [{\"name\": \"orders\", \"partitions\": 1,"
                     " \"replication_factor\": 1}], \"producers\": [");
    for (uint32_t i = 0; i < SCN_PRODUCERS_MAX; i++)
        n += snprintf(json + n, sizeof json - (size_t)n,
                      "%s{\"name\": \"p%u\", \"topic\": \"orders\"}", i ? ", " : "", i);
    snprintf(json + n, sizeof json - (size_t)n, "]}");
    scn_config *c = fx_config_clean(json);
    cr_assert_eq(c->producer_count, SCN_PRODUCERS_MAX);
    cr_assert_eq(SCN_PRODUCERS_MAX, PROD_CLIENTS_MAX, "the world takes as many as the loader");
    for (uint32_t i = 0; i < SCN_PRODUCERS_MAX; i++) {
        char name[8];
        snprintf(name, sizeof name, "p%u", i);
        cr_assert_str_eq(c->producers[i].name, name, "file order");
        cr_assert_eq(c->producers[i].line, 1);
    }
    /* And the world starts them all. */
    sim_world *w = sim_world_new(c, 1, SIM_S(2));
    sim_world_run(w);
    cr_assert_eq(w->producers.count, SCN_PRODUCERS_MAX);
    for (uint32_t i = 0; i < SCN_PRODUCERS_MAX; i++) {
        cr_assert_str_eq(w->producers.clients[i].name, c->producers[i].name);
        cr_assert_eq(w->producers.clients[i].endpoint, (int32_t)(c->node_count + i));
    }
    sim_world_free(w);
    scn_config_free(c);
}

/* ==================================================================================
 * invariants.disable: every checker of sim/check/check.h
 * ================================================================================== */

Test(producer_config, every_checker_name_may_be_disabled)
{
    /* metrics.c keeps its own list of checker names for the loader; it must name every
     * checker of check.h, including the partition checkers, or a scenario could not
     * disable them (and `invariants.<name>.violations` would not be an expect path). */
    char all[2048];
    int n = snprintf(all, sizeof all, "[");
    for (uint32_t i = 0; i < CHK_COUNT; i++) {
        const char *name = chk_invariant_name((chk_invariant)i);
        cr_assert_not_null(name);
        cr_assert_eq(chk_invariant_by_name(name), (chk_invariant)i);
        char json[512];
        snprintf(json, sizeof json,
                 "{\"format\": 1, \"name\": \"m\", \"cluster\": {},"
                 " \"invariants\": {\"disable\": [\"%s\"]},"
                 " \"expect\": [{\"metric\": \"invariants.%s.violations\", \"eq\": 0}]}",
                 name, name);
        scn_config *c = fx_config_clean(json);
        cr_assert_eq(c->invariants_disabled_count, 1, "%s", name);
        cr_assert_str_eq(c->invariants_disabled[0], name);
        char metric[128];
        snprintf(metric, sizeof metric, "invariants.%s.violations", name);
        cr_assert(scn_metric_known(metric), "%s", metric);
        /* The world maps the name back to that checker. */
        sim_world *w = sim_world_new(c, 1, SIM_MS(1));
        for (uint32_t k = 0; k < CHK_COUNT; k++) cr_assert_eq(w->chk_disabled[k], k == i);
        sim_world_free(w);
        scn_config_free(c);
        n += snprintf(all + n, sizeof all - (size_t)n, "%s\"%s\"", i ? ", " : "", name);
    }
    snprintf(all + n, sizeof all - (size_t)n, "]");
    char json[4096];
    snprintf(json, sizeof json,
             "{\"format\": 1, \"name\": \"m\", \"cluster\": {}, \"invariants\": {\"disable\": %s}}",
             all);
    scn_config *c = fx_config_clean(json);
    cr_assert_eq(c->invariants_disabled_count, CHK_COUNT);
    scn_config_free(c);
    /* And a name that is not a checker is refused. */
    char *text = fx_config_bad("{\"format\": 1, \"name\": \"m\", \"cluster\": {},"
                               " \"invariants\": {\"disable\": [\"isr_commited_agreement\"]}}");
    fx_assert_contains(text, "isr_committed_agreement");
    free(text);
}
