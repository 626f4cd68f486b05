/*
 * kconfig.c — `cluster.config` and `topics[].config`: Kafka's own configuration names,
 * types and defaults.
 *
 * Role: validates the `cluster.config` object of a scenario and fills
 *   `scn_kraft_config` and `scn_kafka_config`; validates a topic's `config` and fills
 *   the topic's overrides. Every broker name is in one of three tables: modelled (read,
 *   checked, used), known but not modelled yet (a warning: ignored, never silently), and
 *   derived from the cluster layout (an error pointing at `cluster`); topic names are
 *   modelled or known. Anything else is an unknown name, with a "did you mean".
 * Model: Apache Kafka 4.0 names and defaults (shared/reference/kafka-semantics.md §1.3,
 *   §4.2, §4.5): KRaft's `controller.quorum.*` timers (QuorumConfig, KIP-595), broker
 *   heartbeats and sessions (KRaftConfigs), `metadata.max.idle.interval.ms` (0 turns
 *   the controller's no-op records off), replication (`min.insync.replicas`,
 *   `unclean.leader.election.enable`, `replica.lag.time.max.ms`,
 *   `replica.fetch.wait.max.ms`). Values keep Kafka's types (integers, booleans). A
 *   topic config takes LogConfig's topic-level names (`min.insync.replicas`, not a
 *   broker-only name such as `replica.lag.time.max.ms`, which Kafka rejects there).
 * Owns / borrows: static tables only.
 * Invariants: broker.heartbeat.interval.ms < broker.session.timeout.ms (otherwise every
 *   broker would be fenced between two heartbeats; Kafka itself does not check this);
 *   replica.fetch.wait.max.ms <= replica.lag.time.max.ms (KafkaConfig requires it).
 *   The replication timers are at least 1 ms: a follower fetching with a 0 ms wait would
 *   spin at one virtual instant over a 0-latency network.
 * Determinism: n/a.
 * Not modelled: the names in `later[]` and `topic_later[]` below; they are accepted with
 *   a warning and have no effect in this build.
 */
#include "scn_internal.h"

#include "../core/sim_assert.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MS_MAX         86400000 /* 24 h: no timer of the model is longer than a run */

/* Where a modelled value goes. */
typedef enum config_block { CB_KRAFT = 0, CB_KAFKA } config_block;

typedef struct modelled_config {
    const char *name;
    int64_t min, max;
    config_block block;
    size_t offset; /* of the uint32_t field in scn_kraft_config or scn_kafka_config */
} modelled_config;

#define KRAFT_FIELD(f) CB_KRAFT, offsetof(scn_kraft_config, f)
#define KAFKA_FIELD(f) CB_KAFKA, offsetof(scn_kafka_config, f)

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
    {"min.insync.replicas", 1, INT32_MAX, KAFKA_FIELD(min_insync_replicas)},
    {"replica.lag.time.max.ms", 1, MS_MAX, KAFKA_FIELD(replica_lag_time_max_ms)},
    {"replica.fetch.wait.max.ms", 1, MS_MAX, KAFKA_FIELD(replica_fetch_wait_max_ms)},
};

/* The one modelled boolean (broker default and topic override). */
#define UNCLEAN_NAME "unclean.leader.election.enable"

typedef enum kafka_type { KT_INT = 0, KT_LONG, KT_BOOL, KT_STRING, KT_LIST, KT_DOUBLE } kafka_type;

typedef struct later_config {
    const char *name;
    kafka_type type;
} later_config;

/* Broker and topic configs of Kafka 4.0 that a later model will read. */
static const later_config later[] = {
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

/* Topic-level configs of Kafka 4.0 (TopicConfig, LogConfig) that a later model will
 * read; min.insync.replicas and unclean.leader.election.enable are modelled. */
static const later_config topic_later[] = {
    {"cleanup.policy", KT_LIST},
    {"compression.type", KT_STRING},
    {"compression.gzip.level", KT_INT},
    {"compression.lz4.level", KT_INT},
    {"compression.zstd.level", KT_INT},
    {"delete.retention.ms", KT_LONG},
    {"file.delete.delay.ms", KT_LONG},
    {"flush.messages", KT_LONG},
    {"flush.ms", KT_LONG},
    {"follower.replication.throttled.replicas", KT_LIST},
    {"index.interval.bytes", KT_INT},
    {"leader.replication.throttled.replicas", KT_LIST},
    {"local.retention.bytes", KT_LONG},
    {"local.retention.ms", KT_LONG},
    {"max.compaction.lag.ms", KT_LONG},
    {"max.message.bytes", KT_INT},
    {"message.timestamp.after.max.ms", KT_LONG},
    {"message.timestamp.before.max.ms", KT_LONG},
    {"message.timestamp.type", KT_STRING},
    {"min.cleanable.dirty.ratio", KT_DOUBLE},
    {"min.compaction.lag.ms", KT_LONG},
    {"preallocate", KT_BOOL},
    {"remote.storage.enable", KT_BOOL},
    {"remote.log.copy.disable", KT_BOOL},
    {"remote.log.delete.on.disable", KT_BOOL},
    {"retention.bytes", KT_LONG},
    {"retention.ms", KT_LONG},
    {"segment.bytes", KT_INT},
    {"segment.index.bytes", KT_INT},
    {"segment.jitter.ms", KT_LONG},
    {"segment.ms", KT_LONG},
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
    const char *candidates[ARRAY_COUNT(modelled) + 1 + ARRAY_COUNT(later) + ARRAY_COUNT(derived)];
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_COUNT(modelled); i++) candidates[n++] = modelled[i].name;
    candidates[n++] = UNCLEAN_NAME;
    for (size_t i = 0; i < ARRAY_COUNT(later); i++) candidates[n++] = later[i].name;
    for (size_t i = 0; i < ARRAY_COUNT(derived); i++) candidates[n++] = derived[i];
    return scn__suggest(name, candidates, n);
}

/* A known name of `table` that is not modelled: a type error or a warning. */
static bool check_later(scn__ctx *ctx, const later_config *table, size_t count, const char *key,
                        const json_t *value)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(key, table[i].name) != 0) continue;
        if (!type_ok(table[i].type, value)) {
            scn__type_error(ctx, value, type_expected(table[i].type));
        } else {
            scn__warning(ctx, SCN__LOC_KEY,
                         "'%s' is a known Kafka config, not modelled yet in this build: ignored",
                         key);
        }
        return true;
    }
    return false;
}

/* A name that is not modelled: a warning, an error for derived names, or unknown. */
static void check_one(scn__ctx *ctx, const char *key, const json_t *value)
{
    char safe[96];
    if (check_later(ctx, later, ARRAY_COUNT(later), key, value)) return;
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

/* A boolean config at key `key` of `config`; false (reported) when not a boolean. */
static bool get_bool(scn__ctx *ctx, const json_t *config, const char *key, bool *out)
{
    const json_t *v = json_object_get(config, key);
    SIM_ASSERT(v != NULL);
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return true;
    }
    scn__push_key(ctx, key);
    scn__type_error(ctx, v, type_expected(KT_BOOL));
    scn__pop(ctx);
    return false;
}

void scn__validate_cluster_config(scn__ctx *ctx, const json_t *config)
{
    SIM_ASSERT(json_is_object(config));
    SIM_ASSERT(ctx->depth == 2); /* /cluster/config */
    scn_kraft_config *k = &ctx->cfg->kraft;
    scn_kafka_config *kafka = &ctx->cfg->kafka;
    bool lag_ok = true, wait_ok = true;
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)config, key, value)
    {
        if (strcmp(key, UNCLEAN_NAME) == 0) {
            get_bool(ctx, config, key, &kafka->unclean_leader_election_enable);
            continue;
        }
        bool is_modelled = false;
        for (size_t i = 0; i < ARRAY_COUNT(modelled); i++) {
            if (strcmp(key, modelled[i].name) != 0) continue;
            int64_t v = 0;
            if (scn__get_int(ctx, config, key, modelled[i].min, modelled[i].max, &v) == SCN__OK) {
                char *block = modelled[i].block == CB_KRAFT ? (char *)k : (char *)kafka;
                uint32_t *field = (uint32_t *)(block + modelled[i].offset);
                *field = (uint32_t)v;
            } else if (strcmp(key, "replica.lag.time.max.ms") == 0) {
                lag_ok = false;
            } else if (strcmp(key, "replica.fetch.wait.max.ms") == 0) {
                wait_ok = false;
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
    if (lag_ok && wait_ok && kafka->replica_fetch_wait_max_ms > kafka->replica_lag_time_max_ms) {
        const bool wait_given = json_object_get(config, "replica.fetch.wait.max.ms");
        scn__push_key(ctx, wait_given ? "replica.fetch.wait.max.ms" : "replica.lag.time.max.ms");
        scn__error(ctx, SCN__LOC_VALUE,
                   "replica.fetch.wait.max.ms (%u) must be at most replica.lag.time.max.ms (%u), "
                   "as Kafka requires: a follower waiting longer than the lag time for each fetch "
                   "would keep dropping out of the ISR",
                   kafka->replica_fetch_wait_max_ms, kafka->replica_lag_time_max_ms);
        scn__pop(ctx);
    }
}

/* The closest topic config name, for an unknown one. */
static const char *suggest_topic_config(const char *name)
{
    const char *candidates[2 + ARRAY_COUNT(topic_later)];
    size_t n = 0;
    candidates[n++] = "min.insync.replicas";
    candidates[n++] = UNCLEAN_NAME;
    for (size_t i = 0; i < ARRAY_COUNT(topic_later); i++) candidates[n++] = topic_later[i].name;
    return scn__suggest(name, candidates, n);
}

/* Whether `name` is a broker-level name of the tables above (not a topic config). */
static bool is_broker_config(const char *name)
{
    for (size_t i = 0; i < ARRAY_COUNT(modelled); i++) {
        if (strcmp(name, modelled[i].name) == 0) return true;
    }
    for (size_t i = 0; i < ARRAY_COUNT(later); i++) {
        if (strcmp(name, later[i].name) == 0) return true;
    }
    for (size_t i = 0; i < ARRAY_COUNT(derived); i++) {
        if (strcmp(name, derived[i]) == 0) return true;
    }
    return false;
}

void scn__validate_topic_config(scn__ctx *ctx, const json_t *config, scn_topic *topic,
                                bool *min_isr_given)
{
    SIM_ASSERT(json_is_object(config));
    SIM_ASSERT(ctx->depth == 3); /* /topics/N/config */
    *min_isr_given = false;
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)config, key, value)
    {
        if (strcmp(key, UNCLEAN_NAME) == 0) {
            get_bool(ctx, config, key, &topic->unclean_leader_election_enable);
            continue;
        }
        if (strcmp(key, "min.insync.replicas") == 0) {
            int64_t v = 0;
            if (scn__get_int(ctx, config, key, 1, INT32_MAX, &v) == SCN__OK) {
                topic->min_insync_replicas = (uint32_t)v;
                *min_isr_given = true;
            }
            continue;
        }
        scn__push_key(ctx, key);
        if (!check_later(ctx, topic_later, ARRAY_COUNT(topic_later), key, value)) {
            char safe[96];
            scn__safe(key, safe, sizeof safe);
            const char *hint = scn__will_show(ctx) ? suggest_topic_config(key) : NULL;
            if (is_broker_config(key)) {
                scn__error(ctx, SCN__LOC_KEY,
                           "'%s' is a broker config, not a topic config (Kafka rejects it "
                           "here); set it in cluster.config",
                           safe);
            } else if (hint != NULL) {
                scn__error(ctx, SCN__LOC_KEY, "unknown topic config '%s'; did you mean '%s'?", safe,
                           hint);
            } else {
                scn__error(ctx, SCN__LOC_KEY,
                           "unknown topic config '%s' (the configs this build knows are listed "
                           "in docs/scenarios.md)",
                           safe);
            }
        }
        scn__pop(ctx);
    }
}

/* =================================================================================
 * Producer configs (ProducerConfig, Kafka 4.0)
 * ================================================================================= */

typedef struct producer_int_config {
    const char *name;
    int64_t min, max;
    size_t offset; /* of the uint32_t field in scn_producer */
} producer_int_config;

#define PRODUCER_FIELD(f) offsetof(scn_producer, f)

static const producer_int_config producer_ints[] = {
    {"retries", 0, INT32_MAX, PRODUCER_FIELD(retries)},
    {"delivery.timeout.ms", 1, MS_MAX, PRODUCER_FIELD(delivery_timeout_ms)},
    {"request.timeout.ms", 1, MS_MAX, PRODUCER_FIELD(request_timeout_ms)},
    {"linger.ms", 0, MS_MAX, PRODUCER_FIELD(linger_ms)},
    {"batch.size", 1, INT32_MAX, PRODUCER_FIELD(batch_size)},
    {"max.in.flight.requests.per.connection", 1, 32, PRODUCER_FIELD(max_in_flight)},
    {"retry.backoff.ms", 0, MS_MAX, PRODUCER_FIELD(retry_backoff_ms)},
    {"retry.backoff.max.ms", 0, MS_MAX, PRODUCER_FIELD(retry_backoff_max_ms)},
    {"metadata.max.age.ms", 0, MS_MAX, PRODUCER_FIELD(metadata_max_age_ms)},
    {"reconnect.backoff.ms", 0, MS_MAX, PRODUCER_FIELD(reconnect_backoff_ms)},
    {"reconnect.backoff.max.ms", 0, MS_MAX, PRODUCER_FIELD(reconnect_backoff_max_ms)},
};

/* Producer configs of Kafka 4.0 that this build does not model. */
static const later_config producer_later[] = {
    {"buffer.memory", KT_LONG},
    {"max.block.ms", KT_LONG},
    {"max.request.size", KT_INT},
    {"compression.type", KT_STRING},
    {"compression.gzip.level", KT_INT},
    {"compression.lz4.level", KT_INT},
    {"compression.zstd.level", KT_INT},
    {"client.id", KT_STRING},
    {"transactional.id", KT_STRING},
    {"transaction.timeout.ms", KT_INT},
    {"partitioner.class", KT_STRING},
    {"partitioner.adaptive.partitioning.enable", KT_BOOL},
    {"partitioner.availability.timeout.ms", KT_LONG},
    {"send.buffer.bytes", KT_INT},
    {"receive.buffer.bytes", KT_INT},
    {"socket.connection.setup.timeout.ms", KT_LONG},
    {"socket.connection.setup.timeout.max.ms", KT_LONG},
    {"metadata.max.idle.ms", KT_LONG},
    {"connections.max.idle.ms", KT_LONG},
    {"key.serializer", KT_STRING},
    {"value.serializer", KT_STRING},
    {"bootstrap.servers", KT_LIST},
};

static const char *suggest_producer_config(const char *name)
{
    const char *candidates[ARRAY_COUNT(producer_ints) + 3 + ARRAY_COUNT(producer_later)];
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_COUNT(producer_ints); i++) candidates[n++] = producer_ints[i].name;
    candidates[n++] = "acks";
    candidates[n++] = "enable.idempotence";
    candidates[n++] = "partitioner.ignore.keys";
    for (size_t i = 0; i < ARRAY_COUNT(producer_later); i++)
        candidates[n++] = producer_later[i].name;
    return scn__suggest(name, candidates, n);
}

/* acks: "all", "-1", "0", "1" (Kafka's ValidString) or the integers -1, 0, 1. */
static void get_acks(scn__ctx *ctx, const json_t *v, scn_producer *p)
{
    static const char *const names[] = {"all", "-1", "0", "1"};
    static const int32_t values[] = {-1, -1, 0, 1};
    scn__push_key(ctx, "acks");
    if (json_is_integer(v) && json_integer_value(v) >= -1 && json_integer_value(v) <= 1) {
        p->acks = (int32_t)json_integer_value(v);
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t i = 0;
        while (i < ARRAY_COUNT(names) && strcmp(s, names[i]) != 0) i++;
        if (i < ARRAY_COUNT(names)) {
            p->acks = values[i];
        } else {
            scn__error_choice(ctx, "acks", s, names, ARRAY_COUNT(names));
        }
    } else {
        scn__type_error(ctx, v, "\"all\", \"-1\", \"0\" or \"1\"");
    }
    scn__pop(ctx);
}

/* KIP-679 and Kafka 4.0's ProducerConfig.postProcessAndValidateIdempotenceConfigs:
 * idempotence is on by default; retries = 0 or acks != all turn it off silently when the
 * user did not ask for it, and are a ConfigException (with these words) when they did;
 * since 4.0 (KAFKA-17927) more than 5 requests in flight are refused whenever
 * idempotence is on, asked for or by default. The checks run in Kafka's order. */
static void post_process_idempotence(scn__ctx *ctx, const json_t *config, scn_producer *p,
                                     bool given)
{
    if (!p->idempotence) return;
    const char *why = NULL, *key = NULL;
    char buf[160];
    bool disable = false;
    if (p->retries == 0) {
        if (given) {
            why = "Must set retries to non-zero when using the idempotent producer.";
            key = "retries";
        }
        disable = true;
    }
    if (why == NULL && p->acks != -1) {
        if (given) {
            why = "Must set acks to all in order to use the idempotent producer. Otherwise we "
                  "cannot guarantee idempotence.";
            key = "acks";
        }
        disable = true;
    }
    if (why == NULL && p->max_in_flight > 5) {
        snprintf(buf, sizeof buf,
                 "To use the idempotent producer, max.in.flight.requests.per.connection must be "
                 "set to at most 5. Current value is %u.",
                 p->max_in_flight);
        why = buf;
        key = "max.in.flight.requests.per.connection";
    }
    if (why == NULL) {
        if (disable) p->idempotence = false;
        return;
    }
    scn__push_key(ctx, json_object_get(config, key) != NULL ? key : "enable.idempotence");
    scn__error(ctx, SCN__LOC_VALUE, "Kafka refuses this producer config (ConfigException): %s",
               why);
    scn__pop(ctx);
}

/* KIP-91 (KafkaProducer.configureDeliveryTimeout): delivery.timeout.ms must cover
 * linger.ms + request.timeout.ms; a default is raised to it, a value the user set is a
 * ConfigException. */
static void check_delivery_timeout(scn__ctx *ctx, scn_producer *p, bool given)
{
    const uint64_t floor = (uint64_t)p->linger_ms + p->request_timeout_ms;
    if (p->delivery_timeout_ms >= floor) return;
    if (!given) {
        p->delivery_timeout_ms = (uint32_t)floor;
        return;
    }
    scn__push_key(ctx, "delivery.timeout.ms");
    scn__error(ctx, SCN__LOC_VALUE,
               "delivery.timeout.ms (%u) should be equal to or larger than linger.ms + "
               "request.timeout.ms (%llu), as Kafka requires (ConfigException)",
               p->delivery_timeout_ms, (unsigned long long)floor);
    scn__pop(ctx);
}

static void producer_config_one(scn__ctx *ctx, const json_t *config, const char *key,
                                const json_t *value, scn_producer *p)
{
    for (size_t i = 0; i < ARRAY_COUNT(producer_ints); i++) {
        if (strcmp(key, producer_ints[i].name) != 0) continue;
        int64_t v = 0;
        if (scn__get_int(ctx, config, key, producer_ints[i].min, producer_ints[i].max, &v) ==
            SCN__OK)
            *(uint32_t *)((char *)p + producer_ints[i].offset) = (uint32_t)v;
        return;
    }
    scn__push_key(ctx, key);
    if (!check_later(ctx, producer_later, ARRAY_COUNT(producer_later), key, value)) {
        char safe[96];
        scn__safe(key, safe, sizeof safe);
        const char *hint = scn__will_show(ctx) ? suggest_producer_config(key) : NULL;
        if (hint != NULL) {
            scn__error(ctx, SCN__LOC_KEY, "unknown producer config '%s'; did you mean '%s'?", safe,
                       hint);
        } else {
            scn__error(ctx, SCN__LOC_KEY,
                       "unknown producer config '%s' (the configs this build knows are listed "
                       "in docs/scenarios.md)",
                       safe);
        }
    }
    scn__pop(ctx);
}

void scn__validate_producer_config(scn__ctx *ctx, const json_t *config, scn_producer *p,
                                   bool *idempotence_given, bool *delivery_given)
{
    SIM_ASSERT(json_is_object(config));
    SIM_ASSERT(ctx->depth == 3); /* /producers/N/config */
    *idempotence_given = false;
    *delivery_given = false;
    const uint32_t errors_before = ctx->diags.error_count;
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)config, key, value)
    {
        if (strcmp(key, "acks") == 0) {
            get_acks(ctx, value, p);
        } else if (strcmp(key, "enable.idempotence") == 0) {
            *idempotence_given = get_bool(ctx, config, key, &p->idempotence);
        } else if (strcmp(key, "partitioner.ignore.keys") == 0) {
            get_bool(ctx, config, key, &p->ignore_keys);
        } else {
            if (strcmp(key, "delivery.timeout.ms") == 0) *delivery_given = true;
            producer_config_one(ctx, config, key, value, p);
        }
    }
    if (ctx->diags.error_count != errors_before) return;
    post_process_idempotence(ctx, config, p, *idempotence_given);
    check_delivery_timeout(ctx, p, *delivery_given);
}
