/*
 * kconfig.c — `cluster.config`: Kafka's own configuration names, types and defaults.
 *
 * Role: validates the `cluster.config` object of a scenario and fills
 *   `scn_kraft_config`. Every name is in one of three tables: modelled (read, checked,
 *   used), known but not modelled yet (a warning: ignored, never silently), and derived
 *   from the cluster layout (an error pointing at `cluster`). Anything else is an
 *   unknown name, with a "did you mean".
 * Model: Apache Kafka 4.0 names and defaults (shared/reference/kafka-semantics.md §1.3,
 *   §4.2, §4.5): KRaft's `controller.quorum.*` timers (QuorumConfig, KIP-595), broker
 *   heartbeats and sessions (KRaftConfigs), `metadata.max.idle.interval.ms` (0 turns
 *   the controller's no-op records off). Values keep Kafka's types (integers).
 * Owns / borrows: static tables only.
 * Invariants: broker.heartbeat.interval.ms < broker.session.timeout.ms (otherwise every
 *   broker would be fenced between two heartbeats; Kafka itself does not check this).
 * Determinism: n/a.
 * Not modelled: the names in `later[]` below; they are accepted with a warning and
 *   have no effect in this build.
 */
#include "scn_internal.h"

#include "../core/sim_assert.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MS_MAX         86400000 /* 24 h: no timer of the model is longer than a run */

typedef struct modelled_config {
    const char *name;
    int64_t min, max;
    size_t offset; /* of the uint32_t field in scn_kraft_config */
} modelled_config;

#define KRAFT_FIELD(f) offsetof(scn_kraft_config, f)

static const modelled_config modelled[] = {
    {"controller.quorum.election.timeout.ms", 1, MS_MAX, KRAFT_FIELD(election_timeout_ms)},
    {"controller.quorum.fetch.timeout.ms", 1, MS_MAX, KRAFT_FIELD(fetch_timeout_ms)},
    {"controller.quorum.election.backoff.max.ms", 0, MS_MAX, KRAFT_FIELD(election_backoff_max_ms)},
    {"controller.quorum.request.timeout.ms", 1, MS_MAX, KRAFT_FIELD(request_timeout_ms)},
    {"controller.quorum.retry.backoff.ms", 0, MS_MAX, KRAFT_FIELD(retry_backoff_ms)},
    {"controller.quorum.append.linger.ms", 0, MS_MAX, KRAFT_FIELD(append_linger_ms)},
    {"broker.heartbeat.interval.ms", 1, MS_MAX, KRAFT_FIELD(broker_heartbeat_interval_ms)},
    {"broker.session.timeout.ms", 1, MS_MAX, KRAFT_FIELD(broker_session_timeout_ms)},
    {"metadata.max.idle.interval.ms", 0, MS_MAX, KRAFT_FIELD(metadata_max_idle_interval_ms)},
};

typedef enum kafka_type { KT_INT = 0, KT_LONG, KT_BOOL, KT_STRING, KT_LIST, KT_DOUBLE } kafka_type;

typedef struct later_config {
    const char *name;
    kafka_type type;
} later_config;

/* Broker and topic configs of Kafka 4.0 that a later model will read. */
static const later_config later[] = {
    {"min.insync.replicas", KT_INT},
    {"unclean.leader.election.enable", KT_BOOL},
    {"replica.lag.time.max.ms", KT_LONG},
    {"replica.fetch.wait.max.ms", KT_INT},
    {"replica.fetch.max.bytes", KT_INT},
    {"num.replica.fetchers", KT_INT},
    {"group.initial.rebalance.delay.ms", KT_INT},
    {"group.min.session.timeout.ms", KT_INT},
    {"group.max.session.timeout.ms", KT_INT},
    {"group.consumer.heartbeat.interval.ms", KT_INT},
    {"group.consumer.session.timeout.ms", KT_INT},
    {"group.consumer.assignors", KT_LIST},
    {"offsets.topic.num.partitions", KT_INT},
    {"offsets.topic.replication.factor", KT_INT},
    {"offsets.retention.minutes", KT_INT},
    {"default.replication.factor", KT_INT},
    {"num.partitions", KT_INT},
    {"auto.create.topics.enable", KT_BOOL},
    {"log.retention.hours", KT_INT},
    {"log.retention.ms", KT_LONG},
    {"log.retention.bytes", KT_LONG},
    {"log.segment.bytes", KT_INT},
    {"log.flush.interval.messages", KT_LONG},
    {"log.flush.interval.ms", KT_LONG},
    {"message.max.bytes", KT_INT},
    {"compression.type", KT_STRING},
    {"auto.leader.rebalance.enable", KT_BOOL},
    {"leader.imbalance.check.interval.seconds", KT_LONG},
    {"leader.imbalance.per.broker.percentage", KT_INT},
    {"unclean.leader.election.interval.ms", KT_LONG},
    {"eligible.leader.replicas.enable", KT_BOOL},
    {"transaction.state.log.replication.factor", KT_INT},
    {"transaction.state.log.min.isr", KT_INT},
};

/* Set by the simulator from `cluster`, never by a config. */
static const char *const derived[] = {
    "node.id",       "broker.id",
    "process.roles", "controller.quorum.voters",
    "broker.rack",   "controller.quorum.bootstrap.servers",
};

static const char *type_expected(kafka_type t)
{
    switch (t) {
    case KT_INT:
    case KT_LONG:
        return "an integer";
    case KT_BOOL:
        return "true or false";
    case KT_STRING:
        return "a string";
    case KT_LIST:
        return "a list (a comma-separated string or an array of strings)";
    case KT_DOUBLE:
        return "a number";
    default:
        SIM_UNREACHABLE();
    }
}

static bool type_ok(kafka_type t, const json_t *v)
{
    switch (t) {
    case KT_INT:
    case KT_LONG:
        return json_is_integer(v);
    case KT_BOOL:
        return json_is_boolean(v);
    case KT_STRING:
        return json_is_string(v);
    case KT_LIST:
        return json_is_string(v) || json_is_array(v);
    case KT_DOUBLE:
        return json_is_number(v);
    default:
        SIM_UNREACHABLE();
    }
}

/* The closest name of all three tables, for an unknown one. */
static const char *suggest_config(const char *name)
{
    const char *candidates[ARRAY_COUNT(modelled) + ARRAY_COUNT(later) + ARRAY_COUNT(derived)];
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_COUNT(modelled); i++) candidates[n++] = modelled[i].name;
    for (size_t i = 0; i < ARRAY_COUNT(later); i++) candidates[n++] = later[i].name;
    for (size_t i = 0; i < ARRAY_COUNT(derived); i++) candidates[n++] = derived[i];
    return scn__suggest(name, candidates, n);
}

/* A name that is not modelled: a warning, an error for derived names, or unknown. */
static void check_one(scn__ctx *ctx, const char *key, const json_t *value)
{
    char safe[96];
    for (size_t i = 0; i < ARRAY_COUNT(later); i++) {
        if (strcmp(key, later[i].name) != 0) continue;
        if (!type_ok(later[i].type, value)) {
            scn__type_error(ctx, value, type_expected(later[i].type));
        } else {
            scn__warning(ctx, SCN__LOC_KEY,
                         "'%s' is a known Kafka config, not modelled yet in this build: ignored",
                         key);
        }
        return;
    }
    for (size_t i = 0; i < ARRAY_COUNT(derived); i++) {
        if (strcmp(key, derived[i]) != 0) continue;
        scn__error(ctx, SCN__LOC_KEY,
                   "'%s' is set by the simulator from the cluster layout; use cluster.mode, "
                   "controllers, brokers or nodes instead",
                   key);
        return;
    }
    const char *hint = scn__will_show(ctx) ? suggest_config(key) : NULL;
    scn__safe(key, safe, sizeof safe);
    if (hint != NULL) {
        scn__error(ctx, SCN__LOC_KEY, "unknown Kafka config '%s'; did you mean '%s'?", safe, hint);
    } else {
        scn__error(ctx, SCN__LOC_KEY,
                   "unknown Kafka config '%s' (the configs this build knows are listed in "
                   "docs/scenarios.md)",
                   safe);
    }
}

void scn__validate_cluster_config(scn__ctx *ctx, const json_t *config)
{
    SIM_ASSERT(json_is_object(config));
    SIM_ASSERT(ctx->depth == 2); /* /cluster/config */
    scn_kraft_config *k = &ctx->cfg->kraft;
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)config, key, value)
    {
        bool is_modelled = false;
        for (size_t i = 0; i < ARRAY_COUNT(modelled); i++) {
            if (strcmp(key, modelled[i].name) != 0) continue;
            int64_t v = 0;
            if (scn__get_int(ctx, config, key, modelled[i].min, modelled[i].max, &v) == SCN__OK) {
                uint32_t *field = (uint32_t *)((char *)k + modelled[i].offset);
                *field = (uint32_t)v;
            }
            is_modelled = true;
            break;
        }
        if (is_modelled) continue;
        scn__push_key(ctx, key);
        check_one(ctx, key, value);
        scn__pop(ctx);
    }
    if (k->broker_heartbeat_interval_ms >= k->broker_session_timeout_ms) {
        const bool interval_given = json_object_get(config, "broker.heartbeat.interval.ms");
        scn__push_key(ctx, interval_given ? "broker.heartbeat.interval.ms"
                                          : "broker.session.timeout.ms");
        scn__error(ctx, SCN__LOC_VALUE,
                   "broker.heartbeat.interval.ms (%u) must be less than "
                   "broker.session.timeout.ms (%u), or every broker would be fenced between "
                   "two heartbeats",
                   k->broker_heartbeat_interval_ms, k->broker_session_timeout_ms);
        scn__pop(ctx);
    }
}
