/*
 * kconfig.c — `cluster.config`, `topics[].config`, `producers[].config` and
 * `consumer_groups[].config`: Kafka's own configuration names, types and defaults.
 *
 * Role: validates the `cluster.config` object of a scenario and fills
 *   `scn_kraft_config`, `scn_kafka_config` and `scn_group_broker_config`; validates a
 *   topic's `config` and fills the topic's overrides; validates a producer's and a
 *   consumer group's `config`. Every broker name is in one of three tables: modelled
 *   (read, checked, used), known but not modelled yet (a warning: ignored, never
 *   silently), and derived from the cluster layout (an error pointing at `cluster`);
 *   topic, producer and consumer names are modelled or known. Anything else is an
 *   unknown name, with a "did you mean".
 * Model: Apache Kafka 4.0 names and defaults (shared/reference/kafka-semantics.md §1.1
 *   to §1.3, §4.2, §4.5, §5): KRaft's `controller.quorum.*` timers (QuorumConfig,
 *   KIP-595), broker heartbeats and sessions (KRaftConfigs), `metadata.max.idle.interval.ms`
 *   (0 turns the controller's no-op records off), replication (`min.insync.replicas`,
 *   `unclean.leader.election.enable`, `replica.lag.time.max.ms`,
 *   `replica.fetch.wait.max.ms`), the group coordinator (GroupCoordinatorConfig:
 *   `group.initial.rebalance.delay.ms`, `group.{min,max}.session.timeout.ms`,
 *   `offsets.topic.*`; read only while scn_groups_enabled, "not modelled yet" warnings
 *   otherwise), ProducerConfig and ConsumerConfig (classic protocol only). Values keep
 *   Kafka's types (integers, booleans, LIST as a comma-separated string or an array). A
 *   topic config takes LogConfig's topic-level names (`min.insync.replicas`, not a
 *   broker-only name such as `replica.lag.time.max.ms`, which Kafka rejects there). What
 *   Kafka's clients refuse (ConfigException, IllegalArgumentException) is an error, in
 *   Kafka's words.
 * Owns / borrows: static tables only.
 * Invariants: broker.heartbeat.interval.ms < broker.session.timeout.ms (otherwise every
 *   broker would be fenced between two heartbeats; Kafka itself does not check this);
 *   replica.fetch.wait.max.ms <= replica.lag.time.max.ms (KafkaConfig requires it);
 *   a consumer's heartbeat.interval.ms < session.timeout.ms (Kafka's Heartbeat requires
 *   it). The replication timers and a consumer's fetch.max.wait.ms and
 *   request.timeout.ms are at least 1 ms: a fetch with a 0 ms wait would spin at one
 *   virtual instant over a 0-latency network. offsets.topic.num.partitions and
 *   offsets.topic.replication.factor are within SCN_OFFSETS_PARTITIONS_MAX and
 *   SCN_REPLICATION_FACTOR_MAX (named in the message).
 * Determinism: n/a.
 * Not modelled: the names in `later[]`, `topic_later[]`, `producer_later[]` and
 *   `consumer_later[]` below; they are accepted with a warning and have no effect in
 *   this build. group.protocol=consumer (KIP-848) and custom assignors are errors.
 */
#include "scn_internal.h"

#include "../core/sim_assert.h"
#include "../kafka/assignors.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MS_MAX         86400000 /* 24 h: no timer of the model is longer than a run */

/* Where a modelled value goes. */
typedef enum config_block { CB_KRAFT = 0, CB_KAFKA, CB_GROUP } config_block;

typedef struct modelled_config {
    const char *name;
    int64_t min, max;
    config_block block;
    size_t offset;          /* of the uint32_t field in scn_kraft_config, scn_kafka_config
                               or scn_group_broker_config */
    const char *limit_name; /* NULL, or the simulator limit that `max` is (named in the
                               message) */
} modelled_config;

#define KRAFT_FIELD(f) CB_KRAFT, offsetof(scn_kraft_config, f), NULL
#define KAFKA_FIELD(f) CB_KAFKA, offsetof(scn_kafka_config, f), NULL
#define GROUP_FIELD(f) CB_GROUP, offsetof(scn_group_broker_config, f)

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
    /* GroupCoordinatorConfig; read only while scn_groups_enabled (otherwise "not modelled
     * yet" warnings, as before groups existed). */
    {"group.initial.rebalance.delay.ms", 0, MS_MAX, GROUP_FIELD(initial_rebalance_delay_ms), NULL},
    {"group.min.session.timeout.ms", 0, INT32_MAX, GROUP_FIELD(min_session_timeout_ms), NULL},
    {"group.max.session.timeout.ms", 0, INT32_MAX, GROUP_FIELD(max_session_timeout_ms), NULL},
    {"offsets.topic.num.partitions", 1, SCN_OFFSETS_PARTITIONS_MAX, GROUP_FIELD(offsets_partitions),
     "SCN_OFFSETS_PARTITIONS_MAX"},
    {"offsets.topic.replication.factor", 1, SCN_REPLICATION_FACTOR_MAX,
     GROUP_FIELD(offsets_replication_factor), "SCN_REPLICATION_FACTOR_MAX"},
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
    {"group.consumer.heartbeat.interval.ms", KT_INT},
    {"group.consumer.session.timeout.ms", KT_INT},
    {"group.consumer.assignors", KT_LIST},
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

/* A known name that is not modelled, of type `type`: a type error or a warning. */
static void not_modelled(scn__ctx *ctx, kafka_type type, const char *key, const json_t *value)
{
    if (!type_ok(type, value)) {
        scn__type_error(ctx, value, type_expected(type));
    } else {
        scn__warning(ctx, SCN__LOC_KEY,
                     "'%s' is a known Kafka config, not modelled yet in this build: ignored", key);
    }
}

/* A known name of `table` that is not modelled: a type error or a warning. */
static bool check_later(scn__ctx *ctx, const later_config *table, size_t count, const char *key,
                        const json_t *value)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(key, table[i].name) != 0) continue;
        not_modelled(ctx, table[i].type, key, value);
        return true;
    }
    return false;
}

/* One modelled integer of `modelled[i]` into its block. Returns false when reported. */
static bool read_modelled(scn__ctx *ctx, const json_t *config, const modelled_config *m,
                          char *block)
{
    int64_t v = 0;
    const int64_t max = m->limit_name != NULL ? INT64_MAX : m->max;
    if (scn__get_int(ctx, config, m->name, m->min, max, &v) != SCN__OK) return false;
    if (v > m->max) {
        scn__push_key(ctx, m->name);
        scn__error(ctx, SCN__LOC_VALUE, "'%s' is %lld, above the limit of %lld (%s)", m->name,
                   (long long)v, (long long)m->max, m->limit_name);
        scn__pop(ctx);
        return false;
    }
    *(uint32_t *)(block + m->offset) = (uint32_t)v;
    return true;
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
    char *const blocks[] = {
        [CB_KRAFT] = (char *)k,
        [CB_KAFKA] = (char *)kafka,
        [CB_GROUP] = (char *)&ctx->cfg->group_broker,
    };
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
            is_modelled = true;
            if (modelled[i].block == CB_GROUP && !scn_groups_enabled) {
                scn__push_key(ctx, key);
                not_modelled(ctx, KT_INT, key, value);
                scn__pop(ctx);
                break;
            }
            const bool ok = read_modelled(ctx, config, &modelled[i], blocks[modelled[i].block]);
            if (!ok && strcmp(key, "replica.lag.time.max.ms") == 0) lag_ok = false;
            if (!ok && strcmp(key, "replica.fetch.wait.max.ms") == 0) wait_ok = false;
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

/* =================================================================================
 * Consumer configs (ConsumerConfig, Kafka 4.0)
 * ================================================================================= */

typedef struct consumer_int_config {
    const char *name;
    int64_t min, max;
    size_t offset; /* of the uint32_t field in scn_group */
} consumer_int_config;

#define CONSUMER_FIELD(f) offsetof(scn_group, f)

/* Kafka's validators, except the timers a consumer waits on between requests, which are
 * at least 1 ms (as replica.fetch.wait.max.ms above): a consumer fetching with a 0 ms wait,
 * or timing out every request at once, would spin at one virtual instant over a 0-latency
 * network. Timers are at most MS_MAX. */
static const consumer_int_config consumer_ints[] = {
    {"session.timeout.ms", 1, MS_MAX, CONSUMER_FIELD(session_timeout_ms)},
    {"heartbeat.interval.ms", 1, MS_MAX, CONSUMER_FIELD(heartbeat_interval_ms)},
    {"max.poll.interval.ms", 1, MS_MAX, CONSUMER_FIELD(max_poll_interval_ms)},
    {"max.poll.records", 1, INT32_MAX, CONSUMER_FIELD(max_poll_records)},
    {"fetch.max.wait.ms", 1, MS_MAX, CONSUMER_FIELD(fetch_max_wait_ms)},
    {"auto.commit.interval.ms", 0, MS_MAX, CONSUMER_FIELD(auto_commit_interval_ms)},
    {"request.timeout.ms", 1, MS_MAX, CONSUMER_FIELD(request_timeout_ms)},
    {"retry.backoff.ms", 0, MS_MAX, CONSUMER_FIELD(retry_backoff_ms)},
};

#define STRATEGY_NAME   "partition.assignment.strategy"
#define AUTO_COMMIT     "enable.auto.commit"
#define OFFSET_RESET    "auto.offset.reset"
#define GROUP_PROTOCOL  "group.protocol"
#define INSTANCE_ID     "group.instance.id"
#define REMOTE_ASSIGNOR "group.remote.assignor"

/* Consumer configs of Kafka 4.0 that this build does not model. */
static const later_config consumer_later[] = {
    {"fetch.min.bytes", KT_INT}, /* a fetch answers as soon as one record is there */
    {"client.id", KT_STRING},
    {"client.rack", KT_STRING},
    {"isolation.level", KT_STRING},
    {"fetch.max.bytes", KT_INT},
    {"max.partition.fetch.bytes", KT_INT},
    {"check.crcs", KT_BOOL},
    {"allow.auto.create.topics", KT_BOOL},
    {"exclude.internal.topics", KT_BOOL},
    {"key.deserializer", KT_STRING},
    {"value.deserializer", KT_STRING},
    {"bootstrap.servers", KT_LIST},
    {"default.api.timeout.ms", KT_INT},
    {"metadata.max.age.ms", KT_LONG},
    {"retry.backoff.max.ms", KT_LONG},
    {"reconnect.backoff.ms", KT_LONG},
    {"reconnect.backoff.max.ms", KT_LONG},
    {"connections.max.idle.ms", KT_LONG},
    {"socket.connection.setup.timeout.ms", KT_LONG},
    {"socket.connection.setup.timeout.max.ms", KT_LONG},
    {"send.buffer.bytes", KT_INT},
    {"receive.buffer.bytes", KT_INT},
    {"interceptor.classes", KT_LIST},
    {"enable.metrics.push", KT_BOOL},
};

/* Set from the group's own keys, never by a config. */
static const struct {
    const char *name, *instead;
} consumer_derived[] = {
    {"group.id", "the group's \"group\" key"},
    {INSTANCE_ID, "the group's \"static\": true (member N's group.instance.id is then "
                  "\"GROUP-N\")"},
};

static const char *suggest_consumer_config(const char *name)
{
    const char *candidates[ARRAY_COUNT(consumer_ints) + 6 + ARRAY_COUNT(consumer_later) +
                           ARRAY_COUNT(consumer_derived)];
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_COUNT(consumer_ints); i++) candidates[n++] = consumer_ints[i].name;
    candidates[n++] = STRATEGY_NAME;
    candidates[n++] = AUTO_COMMIT;
    candidates[n++] = OFFSET_RESET;
    candidates[n++] = GROUP_PROTOCOL;
    candidates[n++] = REMOTE_ASSIGNOR;
    candidates[n++] = "group.id";
    for (size_t i = 0; i < ARRAY_COUNT(consumer_later); i++)
        candidates[n++] = consumer_later[i].name;
    for (size_t i = 0; i < ARRAY_COUNT(consumer_derived); i++)
        if (strcmp(consumer_derived[i].name, "group.id") != 0)
            candidates[n++] = consumer_derived[i].name;
    SIM_ASSERT(n <= ARRAY_COUNT(candidates));
    return scn__suggest(name, candidates, n);
}

/* Kafka's class names of the built-in assignors, by kasg_strategy. */
static const char *const strategy_classes[] = {
    [KASG_STRATEGY_RANGE] = "org.apache.kafka.clients.consumer.RangeAssignor",
    [KASG_STRATEGY_ROUNDROBIN] = "org.apache.kafka.clients.consumer.RoundRobinAssignor",
    [KASG_STRATEGY_STICKY] = "org.apache.kafka.clients.consumer.StickyAssignor",
    [KASG_STRATEGY_COOPERATIVE_STICKY] =
        "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
};
static_assert(ARRAY_COUNT(strategy_classes) == KASG_STRATEGY_COUNT, "a class per assignor");

#define STRATEGY_CHOICES                                                                           \
    "\"range\", \"roundrobin\", \"sticky\" or \"cooperative-sticky\" (or Kafka's class names, "    \
    "such as org.apache.kafka.clients.consumer.RangeAssignor)"

/* One assignor name (short or class), at the current path; appends it to g. */
static void strategy_one(scn__ctx *ctx, const char *name, size_t len, scn_group *g)
{
    char buf[160], safe[96];
    const bool fits = len < sizeof buf;
    if (fits) {
        memcpy(buf, name, len);
        buf[len] = '\0';
    } else {
        memcpy(buf, name, sizeof buf - 1);
        buf[sizeof buf - 1] = '\0';
    }
    scn__safe(buf, safe, sizeof safe);
    if (len == 0) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "an empty assignor name in " STRATEGY_NAME "; expected " STRATEGY_CHOICES);
        return;
    }
    kasg_strategy s = KASG_STRATEGY_COUNT;
    if (fits && !kasg_strategy_parse(buf, &s)) {
        for (uint32_t i = 0; i < KASG_STRATEGY_COUNT; i++) {
            if (strcmp(buf, strategy_classes[i]) == 0) s = (kasg_strategy)i;
        }
    }
    if (s == KASG_STRATEGY_COUNT) {
        const char *candidates[2 * KASG_STRATEGY_COUNT];
        for (uint32_t i = 0; i < KASG_STRATEGY_COUNT; i++) {
            candidates[i] = kasg_strategy_name((kasg_strategy)i);
            candidates[KASG_STRATEGY_COUNT + i] = strategy_classes[i];
        }
        const char *hint =
            scn__will_show(ctx) ? scn__suggest(buf, candidates, ARRAY_COUNT(candidates)) : NULL;
        if (hint != NULL) {
            scn__error(ctx, SCN__LOC_VALUE,
                       "unknown assignor '%s' in " STRATEGY_NAME "; did you mean '%s'?", safe,
                       hint);
        } else if (memchr(name, '.', len) != NULL) {
            scn__error(ctx, SCN__LOC_VALUE,
                       "custom assignor '%s' is not modelled: this build runs Kafka's built-in "
                       "assignors, " STRATEGY_CHOICES,
                       safe);
        } else {
            scn__error(ctx, SCN__LOC_VALUE,
                       "unknown assignor '%s' in " STRATEGY_NAME "; expected " STRATEGY_CHOICES,
                       safe);
        }
        return;
    }
    for (uint32_t i = 0; i < g->strategy_count; i++) {
        if (g->strategies[i] != (uint32_t)s) continue;
        if (strcmp(buf, kasg_strategy_name(s)) == 0) {
            scn__error(ctx, SCN__LOC_VALUE, "assignor '%s' is listed twice in " STRATEGY_NAME,
                       kasg_strategy_name(s));
        } else {
            scn__error(ctx, SCN__LOC_VALUE,
                       "assignor '%s' is listed twice in " STRATEGY_NAME " (again as '%s')",
                       kasg_strategy_name(s), safe);
        }
        return;
    }
    SIM_ASSERT(g->strategy_count < KASG_STRATEGY_COUNT);
    g->strategies[g->strategy_count++] = (uint32_t)s;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* partition.assignment.strategy: Kafka's LIST type, a comma-separated string (blanks
 * around the commas ignored, as ConfigDef does) or an array of names. */
static void get_strategies(scn__ctx *ctx, const json_t *v, scn_group *g)
{
    scn__push_key(ctx, STRATEGY_NAME);
    const uint32_t errors_before = ctx->diags.error_count;
    g->strategy_count = 0;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t start = 0, end = strlen(s), items = 1;
        while (start < end && is_space(s[start])) start++;
        while (end > start && is_space(s[end - 1])) end--;
        for (size_t i = start; i < end; i++) items += s[i] == ',';
        if (start == end) {
            items = 0;
        } else if (items > KASG_STRATEGY_COUNT) {
            scn__error(ctx, SCN__LOC_VALUE,
                       "partition.assignment.strategy lists %zu assignors; there are %u "
                       "built-in ones, each listed at most once",
                       items, KASG_STRATEGY_COUNT);
            scn__pop(ctx);
            return;
        }
        for (size_t i = start; items > 0 && i <= end;) {
            size_t j = i;
            while (j < end && s[j] != ',') j++;
            size_t a = i, b = j;
            while (a < b && is_space(s[a])) a++;
            while (b > a && is_space(s[b - 1])) b--;
            strategy_one(ctx, s + a, b - a, g);
            i = j + 1;
        }
        if (items == 0) {
            scn__error(ctx, SCN__LOC_VALUE,
                       "partition.assignment.strategy is empty: a consumer needs at least one "
                       "assignor, such as \"range\"");
        }
    } else if (json_is_array(v)) {
        const size_t n = json_array_size(v);
        if (n == 0) {
            scn__error(ctx, SCN__LOC_VALUE,
                       "partition.assignment.strategy is empty: a consumer needs at least one "
                       "assignor, such as \"range\"");
        } else if (n > KASG_STRATEGY_COUNT) {
            scn__error(ctx, SCN__LOC_VALUE,
                       "partition.assignment.strategy lists %zu assignors; there are %u "
                       "built-in ones, each listed at most once",
                       n, KASG_STRATEGY_COUNT);
        } else {
            for (uint32_t i = 0; i < n; i++) {
                const json_t *item = json_array_get(v, i);
                scn__push_index(ctx, i);
                if (!json_is_string(item)) {
                    scn__type_error(ctx, item, "an assignor name such as \"range\"");
                } else {
                    strategy_one(ctx, json_string_value(item), json_string_length(item), g);
                }
                scn__pop(ctx);
            }
        }
    } else {
        scn__type_error(ctx, v, type_expected(KT_LIST));
    }
    if (ctx->diags.error_count != errors_before) {
        /* Keep the default, so later checks see a whole list. */
        g->strategies[0] = KASG_STRATEGY_RANGE;
        g->strategies[1] = KASG_STRATEGY_COOPERATIVE_STICKY;
        g->strategy_count = 2;
    }
    scn__pop(ctx);
}

static void get_offset_reset(scn__ctx *ctx, const json_t *v, scn_group *g)
{
    static const char *const names[] = {"latest", "earliest", "none"};
    static const scn_offset_reset values[] = {SCN_RESET_LATEST, SCN_RESET_EARLIEST, SCN_RESET_NONE};
    scn__push_key(ctx, OFFSET_RESET);
    if (!json_is_string(v)) {
        scn__type_error(ctx, v, "\"latest\", \"earliest\" or \"none\"");
    } else {
        const char *s = json_string_value(v);
        size_t i = 0;
        while (i < ARRAY_COUNT(names) && strcmp(s, names[i]) != 0) i++;
        if (i < ARRAY_COUNT(names)) {
            g->offset_reset = values[i];
        } else {
            scn__error_choice(ctx, OFFSET_RESET, s, names, ARRAY_COUNT(names));
        }
    }
    scn__pop(ctx);
}

/* group.protocol: "classic" (Kafka compares case-insensitively); "consumer" is KIP-848. */
static void get_group_protocol(scn__ctx *ctx, const json_t *v)
{
    static const char *const names[] = {"classic", "consumer"};
    scn__push_key(ctx, GROUP_PROTOCOL);
    if (!json_is_string(v)) {
        scn__type_error(ctx, v, "\"classic\"");
    } else if (strcasecmp(json_string_value(v), "consumer") == 0) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "group.protocol \"consumer\" (KIP-848, the broker-driven protocol) is not "
                   "modelled yet in this build; use \"classic\" (the default)");
    } else if (strcasecmp(json_string_value(v), "classic") != 0) {
        scn__error_choice(ctx, GROUP_PROTOCOL, json_string_value(v), names, ARRAY_COUNT(names));
    }
    scn__pop(ctx);
}

/* group.remote.assignor belongs to KIP-848; with group.protocol=classic Kafka 4.0 refuses
 * it (ConsumerConfig.checkGroupRemoteAssignor). An empty string is "not set". */
static void check_remote_assignor(scn__ctx *ctx, const json_t *v)
{
    scn__push_key(ctx, REMOTE_ASSIGNOR);
    if (!json_is_string(v)) {
        scn__type_error(ctx, v, type_expected(KT_STRING));
    } else if (json_string_length(v) > 0) {
        scn__error(ctx, SCN__LOC_KEY,
                   "Kafka refuses this consumer config (ConfigException): group.remote.assignor "
                   "cannot be set when group.protocol=CLASSIC (assignors of the classic protocol "
                   "are set with " STRATEGY_NAME ")");
    }
    scn__pop(ctx);
}

static void consumer_config_one(scn__ctx *ctx, const json_t *config, const char *key,
                                const json_t *value, scn_group *g)
{
    for (size_t i = 0; i < ARRAY_COUNT(consumer_ints); i++) {
        if (strcmp(key, consumer_ints[i].name) != 0) continue;
        int64_t v = 0;
        if (scn__get_int(ctx, config, key, consumer_ints[i].min, consumer_ints[i].max, &v) ==
            SCN__OK)
            *(uint32_t *)((char *)g + consumer_ints[i].offset) = (uint32_t)v;
        return;
    }
    scn__push_key(ctx, key);
    for (size_t i = 0; i < ARRAY_COUNT(consumer_derived); i++) {
        if (strcmp(key, consumer_derived[i].name) != 0) continue;
        scn__error(ctx, SCN__LOC_KEY, "'%s' is set by the simulator from %s", key,
                   consumer_derived[i].instead);
        scn__pop(ctx);
        return;
    }
    if (!check_later(ctx, consumer_later, ARRAY_COUNT(consumer_later), key, value)) {
        char safe[96];
        scn__safe(key, safe, sizeof safe);
        const char *hint = scn__will_show(ctx) ? suggest_consumer_config(key) : NULL;
        if (is_broker_config(key)) {
            scn__error(ctx, SCN__LOC_KEY,
                       "'%s' is a broker config, not a consumer config; set it in "
                       "cluster.config",
                       safe);
        } else if (hint != NULL) {
            scn__error(ctx, SCN__LOC_KEY, "unknown consumer config '%s'; did you mean '%s'?", safe,
                       hint);
        } else {
            scn__error(ctx, SCN__LOC_KEY,
                       "unknown consumer config '%s' (the configs this build knows are listed "
                       "in docs/scenarios.md)",
                       safe);
        }
    }
    scn__pop(ctx);
}

/* Kafka's Heartbeat (clients/.../consumer/internals/Heartbeat.java) refuses an interval
 * that is not below the session timeout, in these words. (The coordinator's range for the
 * session timeout is checked in groups.c: a warning, not an error.) */
static void check_heartbeat(scn__ctx *ctx, const json_t *config, const scn_group *g)
{
    if (g->heartbeat_interval_ms < g->session_timeout_ms) return;
    const bool interval_given = json_object_get(config, "heartbeat.interval.ms") != NULL;
    scn__push_key(ctx, interval_given ? "heartbeat.interval.ms" : "session.timeout.ms");
    scn__error(ctx, SCN__LOC_VALUE,
               "Kafka refuses this consumer config (IllegalArgumentException): Heartbeat must be "
               "set lower than the session timeout (heartbeat.interval.ms %u, session.timeout.ms "
               "%u)",
               g->heartbeat_interval_ms, g->session_timeout_ms);
    scn__pop(ctx);
}

void scn__validate_consumer_config(scn__ctx *ctx, const json_t *config, scn_group *g,
                                   bool *auto_commit_given)
{
    SIM_ASSERT(json_is_object(config));
    SIM_ASSERT(ctx->depth == 3); /* /consumer_groups/N/config */
    *auto_commit_given = false;
    const uint32_t errors_before = ctx->diags.error_count;
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)config, key, value)
    {
        if (strcmp(key, STRATEGY_NAME) == 0) {
            get_strategies(ctx, value, g);
        } else if (strcmp(key, AUTO_COMMIT) == 0) {
            *auto_commit_given = get_bool(ctx, config, key, &g->enable_auto_commit);
        } else if (strcmp(key, OFFSET_RESET) == 0) {
            get_offset_reset(ctx, value, g);
        } else if (strcmp(key, GROUP_PROTOCOL) == 0) {
            get_group_protocol(ctx, value);
        } else if (strcmp(key, REMOTE_ASSIGNOR) == 0) {
            check_remote_assignor(ctx, value);
        } else {
            consumer_config_one(ctx, config, key, value, g);
        }
    }
    if (ctx->diags.error_count != errors_before) return;
    check_heartbeat(ctx, config, g);
}
