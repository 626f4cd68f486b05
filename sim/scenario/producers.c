/*
 * producers.c — the scenario's `producers`: who writes what to which topic, and how.
 *
 * Role: validates `producers` into `scn_producer`s (load.c calls it after `topics`, whose
 *   names they reference, and after the header, whose `duration` bounds start and stop)
 *   and sizes the replicas' logs from the records the producers can write.
 * Model: spec §2 `producers`: `name` (1 to 64 characters from [A-Za-z0-9._-]; it names
 *   the client in traces, `expect` paths and timeline actions), `topic`, `rate` (records
 *   per second, evenly spaced), `keys` (a key space "key-0" .. "key-(N-1)", drawn
 *   uniformly; 0 or absent: null keys), `value_bytes`, `start`, `stop`, `bursts`
 *   ({at, for, rate}: another rate for a while), `partitioner` ("built-in", Kafka's
 *   current one, or "legacy-round-robin", the <= 2.3 one, for comparison), and `config`
 *   with Kafka's producer config names (kconfig.c).
 * Owns / borrows: writes cfg->producers (pool) and cfg->log_records_max.
 * Invariants: at most SCN_PRODUCERS_MAX producers; names unique; start < stop <= the
 *   run's duration; the records of all producers together at most SCN_RECORDS_MAX, and
 *   the logs they need at most SCN_LOG_BYTES_MAX, both checked before memory is taken.
 * Determinism: file order.
 * Not modelled: producers writing to more than one topic, explicit partitions on
 *   records, transactions.
 */
#include "scn_internal.h"

#include "../core/sim_assert.h"
#include "../kafka/replication.h"

#include <stdio.h>
#include <string.h>

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define NAME_MAX_CHARS 64u
#define FOUND_BYTES    192u

static const char *const producer_keys[] = {"name",        "topic", "rate", "keys",
                                            "value_bytes", "start", "stop", "bursts",
                                            "partitioner", "config"};
static const char *const burst_keys[] = {"at", "for", "rate"};
static const char *const partitioners[] = {"built-in", "legacy-round-robin"};

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

static void check_name(scn__ctx *ctx, const json_t *elem, scn_producer *p, uint32_t index)
{
    const char *name = NULL;
    scn__require(ctx, elem, "name");
    if (scn__get_string(ctx, elem, "name", &name) != SCN__OK) return;
    char found[FOUND_BYTES];
    const size_t n = strlen(name);
    bool legal = n >= 1 && n <= NAME_MAX_CHARS;
    for (size_t i = 0; legal && i < n; i++) legal = name_char(name[i]);
    scn__push_key(ctx, "name");
    if (!legal) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "producer names are 1 to %u characters from a-z, A-Z, 0-9, '.', '_' and '-', "
                   "found %s",
                   NAME_MAX_CHARS, scn__quote(name, n, found, sizeof found));
    } else {
        bool unique = true;
        for (uint32_t j = 0; j < index && unique; j++) {
            const char *other = ctx->cfg->producers[j].name;
            if (other == NULL || strcmp(other, name) != 0) continue;
            scn__error(ctx, SCN__LOC_VALUE, "producer '%s' is already declared by producers[%u]",
                       name, j);
            unique = false;
        }
        if (unique) p->name = scn__pool_strdup(ctx->cfg, name);
    }
    scn__pop(ctx);
}

static void check_topic(scn__ctx *ctx, const json_t *elem, scn_producer *p)
{
    const char *topic = NULL;
    scn__require(ctx, elem, "topic");
    if (scn__get_string(ctx, elem, "topic", &topic) != SCN__OK) return;
    const scn_config *cfg = ctx->cfg;
    for (uint32_t t = 0; t < cfg->topic_count; t++) {
        if (strcmp(cfg->topics[t].name, topic) != 0) continue;
        p->topic = t;
        return;
    }
    scn__push_key(ctx, "topic");
    const char *names[SCN_TOPICS_MAX];
    for (uint32_t t = 0; t < cfg->topic_count; t++) names[t] = cfg->topics[t].name;
    if (cfg->topic_count == 0) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "unknown topic '%s': the scenario declares no topics (add it to 'topics')",
                   topic);
    } else {
        scn__error_choice(ctx, "topic", topic, names, cfg->topic_count);
    }
    p->topic = UINT32_MAX;
    scn__pop(ctx);
}

static void check_bursts(scn__ctx *ctx, const json_t *list, scn_producer *p)
{
    const size_t n = json_array_size(list);
    scn__push_key(ctx, "bursts");
    if (n > SCN_BURSTS_MAX) {
        scn__error(ctx, SCN__LOC_VALUE, "%zu bursts, above the limit of %u (SCN_BURSTS_MAX)", n,
                   SCN_BURSTS_MAX);
        scn__pop(ctx);
        return;
    }
    const sim_time limit = ctx->duration_valid ? ctx->cfg->duration_us : SIM_DURATION_MAX;
    for (uint32_t i = 0; i < n; i++) {
        const json_t *b = json_array_get(list, i);
        scn__push_index(ctx, i);
        if (!json_is_object(b)) {
            scn__type_error(ctx, b,
                            "a burst such as {\"at\": \"10s\", \"for\": \"2s\", \"rate\": 1000}");
            scn__pop(ctx);
            continue;
        }
        scn__check_keys(ctx, b, burst_keys, ARRAY_COUNT(burst_keys), NULL, 0);
        scn_burst *out = &p->bursts[p->burst_count];
        int64_t rate = 0;
        scn__require(ctx, b, "at");
        scn__require(ctx, b, "for");
        scn__require(ctx, b, "rate");
        /* Every field is checked, so one burst reports all its problems at once. */
        const bool ok_at =
            scn__get_duration(ctx, b, "at", 0, limit, "the run's duration", &out->at_us) == SCN__OK;
        const bool ok_for = scn__get_duration(ctx, b, "for", 1, limit, "the run's duration",
                                              &out->for_us) == SCN__OK;
        const bool ok_rate =
            scn__get_int(ctx, b, "rate", 1, SCN_PRODUCER_RATE_MAX, &rate) == SCN__OK;
        if (ok_at && ok_for && ok_rate) {
            out->rate = (uint32_t)rate;
            p->burst_count++;
        }
        scn__pop(ctx);
    }
    scn__pop(ctx);
}

static void check_workload(scn__ctx *ctx, const json_t *elem, scn_producer *p)
{
    int64_t v = 0;
    if (scn__get_int(ctx, elem, "rate", 1, SCN_PRODUCER_RATE_MAX, &v) == SCN__OK)
        p->rate = (uint32_t)v;
    if (scn__get_int(ctx, elem, "keys", 0, SCN_PRODUCER_KEYS_MAX, &v) == SCN__OK)
        p->keys = (uint32_t)v;
    if (scn__get_int(ctx, elem, "value_bytes", 1, SCN_VALUE_BYTES_MAX, &v) == SCN__OK)
        p->value_bytes = (uint32_t)v;
    const sim_time limit = ctx->duration_valid ? ctx->cfg->duration_us : SIM_DURATION_MAX;
    const scn__get rs =
        scn__get_duration(ctx, elem, "start", 0, limit, "the run's duration", &p->start_us);
    const scn__get rt =
        scn__get_duration(ctx, elem, "stop", 0, limit, "the run's duration", &p->stop_us);
    if (rs != SCN__BAD && rt != SCN__BAD && p->stop_us <= p->start_us) {
        char a[32], b[32];
        scn__push_key(ctx, rt == SCN__OK ? "stop" : "start");
        scn__error(ctx, SCN__LOC_VALUE, "the producer stops at %s, not after it starts at %s",
                   scn__format_duration(p->stop_us, a, sizeof a),
                   scn__format_duration(p->start_us, b, sizeof b));
        scn__pop(ctx);
    }
    const json_t *bursts = NULL;
    if (scn__get_array(ctx, elem, "bursts", &bursts) == SCN__OK) check_bursts(ctx, bursts, p);
    const char *part = NULL;
    if (scn__get_string(ctx, elem, "partitioner", &part) == SCN__OK) {
        if (strcmp(part, partitioners[0]) == 0) {
            p->partitioner = SCN_PARTITIONER_BUILT_IN;
        } else if (strcmp(part, partitioners[1]) == 0) {
            p->partitioner = SCN_PARTITIONER_LEGACY_ROUND_ROBIN;
        } else {
            scn__push_key(ctx, "partitioner");
            scn__error_choice(ctx, "partitioner", part, partitioners, ARRAY_COUNT(partitioners));
            scn__pop(ctx);
        }
    }
}

static void set_defaults(scn_producer *p, sim_time duration_us)
{
    *p = (scn_producer){
        .rate = 100,
        .value_bytes = 100,
        .stop_us = duration_us,
        .acks = -1,
        .retries = 2147483647u,
        .delivery_timeout_ms = 120000,
        .request_timeout_ms = 30000,
        .linger_ms = 5,
        .batch_size = 16384,
        .max_in_flight = 5,
        .retry_backoff_ms = 100,
        .retry_backoff_max_ms = 1000,
        .metadata_max_age_ms = 300000,
        .reconnect_backoff_ms = 50,
        .reconnect_backoff_max_ms = 1000,
        .idempotence = true,
        .topic = UINT32_MAX,
    };
}

/* The most records a producer writes: its rate over its span plus its bursts, with the
 * producer model's own rounding (see prod_workload_records). */
static uint64_t records_of(const scn_producer *p)
{
    if (p->stop_us <= p->start_us) return 0;
    uint64_t n = (p->stop_us - p->start_us) / 1000u * p->rate / 1000u + 2u;
    for (uint32_t i = 0; i < p->burst_count; i++)
        n += p->bursts[i].for_us / 1000u * p->bursts[i].rate / 1000u + 2u;
    return n;
}

static bool parse_producer(scn__ctx *ctx, const json_t *elem, uint32_t index)
{
    scn_producer *p = &ctx->cfg->producers[index];
    set_defaults(p, ctx->cfg->duration_us);
    if (!json_is_object(elem)) {
        scn__type_error(ctx, elem,
                        "a producer object such as {\"name\": \"checkout\", \"topic\": \"orders\", "
                        "\"rate\": 200}");
        return false;
    }
    const uint32_t errors_before = ctx->diags.error_count;
    scn__check_keys(ctx, elem, producer_keys, ARRAY_COUNT(producer_keys), NULL, 0);
    check_name(ctx, elem, p, index);
    check_topic(ctx, elem, p);
    check_workload(ctx, elem, p);
    const json_t *config = NULL;
    if (scn__get_object(ctx, elem, "config", &config) == SCN__OK) {
        bool idem_given = false, delivery_given = false;
        scn__push_key(ctx, "config");
        scn__validate_producer_config(ctx, config, p, &idem_given, &delivery_given);
        scn__pop(ctx);
    }
    p->records_max = records_of(p);
    return ctx->diags.error_count == errors_before;
}

/* Every replica's log holds what its topic's producers can write, twice over (retries
 * of a producer without idempotence can append a batch again). Checked against
 * SCN_LOG_BYTES_MAX before anything is taken. */
static void size_logs(scn__ctx *ctx)
{
    scn_config *cfg = ctx->cfg;
    uint64_t per_topic[SCN_TOPICS_MAX] = {0}, total = 0, most = 0;
    for (uint32_t i = 0; i < cfg->producer_count; i++) {
        per_topic[cfg->producers[i].topic] += cfg->producers[i].records_max;
        total += cfg->producers[i].records_max;
    }
    scn__push_key(ctx, "producers");
    if (total > SCN_RECORDS_MAX) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "the producers would write up to %llu records, above the limit of %llu "
                   "records in one run (SCN_RECORDS_MAX): lower a rate or shorten the run",
                   (unsigned long long)total, (unsigned long long)SCN_RECORDS_MAX);
        scn__pop(ctx);
        return;
    }
    uint64_t replicas = 0;
    for (uint32_t t = 0; t < cfg->topic_count; t++) {
        if (per_topic[t] > most) most = per_topic[t];
        replicas += (uint64_t)cfg->topics[t].partitions * cfg->topics[t].replication_factor;
    }
    const uint64_t slots = 2u * most + 64u;
    const uint64_t bytes = replicas * slots * sizeof(repl_record);
    if (bytes > SCN_LOG_BYTES_MAX) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "the partition logs would need %llu MiB (%llu replicas holding up to %llu "
                   "records each), above the limit of %llu MiB (SCN_LOG_BYTES_MAX): lower a rate, "
                   "shorten the run or use fewer partitions",
                   (unsigned long long)(bytes >> 20), (unsigned long long)replicas,
                   (unsigned long long)slots, (unsigned long long)(SCN_LOG_BYTES_MAX >> 20));
    } else {
        cfg->log_records_max = (uint32_t)slots;
    }
    scn__pop(ctx);
}

void scn__validate_producers(scn__ctx *ctx, const json_t *producers)
{
    SIM_ASSERT(json_is_array(producers));
    SIM_ASSERT(ctx->depth == 0 && ctx->topics_valid);
    scn_config *cfg = ctx->cfg;
    const size_t count = json_array_size(producers);
    ctx->producers_valid = false;
    if (count > SCN_PRODUCERS_MAX) {
        scn__push_key(ctx, "producers");
        scn__error(ctx, SCN__LOC_VALUE,
                   "'producers' lists %zu producers, above the limit of %u (SCN_PRODUCERS_MAX)",
                   count, SCN_PRODUCERS_MAX);
        scn__pop(ctx);
        return;
    }
    const uint32_t errors_before = ctx->diags.error_count;
    if (count > 0) {
        cfg->producers = scn__pool_alloc(cfg, count, sizeof *cfg->producers);
        cfg->producer_count = (uint32_t)count;
    }
    scn__push_key(ctx, "producers");
    for (uint32_t i = 0; i < count; i++) {
        scn__push_index(ctx, i);
        parse_producer(ctx, json_array_get(producers, i), i);
        scn__pop(ctx);
    }
    scn__pop(ctx);
    if (ctx->diags.error_count != errors_before) return;
    size_logs(ctx);
    if (count > 0) {
        const scn__seg path[] = {{"producers", 0}};
        uint32_t lines[SCN_PRODUCERS_MAX];
        scn__element_lines(ctx->src->buf, ctx->src->len, path, 1, lines, (uint32_t)count);
        for (uint32_t i = 0; i < count; i++) {
            const bool hidden = scn__override_hides_element(ctx->src, "producers", i);
            cfg->producers[i].line = hidden ? 0 : lines[i];
        }
    }
    ctx->producers_valid = ctx->diags.error_count == errors_before;
}
