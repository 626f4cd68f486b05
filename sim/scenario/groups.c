/*
 * groups.c — the scenario's `consumer_groups`: which groups read which topics, how their
 * members process and commit, and Kafka's consumer configs.
 *
 * Role: validates `consumer_groups` into `scn_group`s (load.c calls it after `topics`,
 *   whose names they reference, after `producers`, and after `cluster` and the header,
 *   whose group configs and duration it checks against), and counts each group's
 *   add_consumer actions in the timeline so the world can size its members. Read only
 *   while `scn_groups_enabled` is true; otherwise `consumer_groups` is "not modelled yet".
 * Model: spec §2 `consumer_groups`: `group` (the group.id: 1 to SCN_GROUP_ID_MAX
 *   characters from [A-Za-z0-9._-], unique), `topics` (the subscription: topics of the
 *   scenario, no repeats), `members` (started at `start`; default 1), `processing` (time
 *   per record), `commit` ("auto", Kafka's auto commit, the default while
 *   enable.auto.commit is true; "after_processing" / "before_processing", a synchronous
 *   commit after or before each polled batch is processed, the default otherwise),
 *   `static` (static membership, KIP-345: member N's group.instance.id is "GROUP-N"),
 *   `poison` (a record whose processing fails, and the policy that follows) and `config`
 *   with Kafka 4.0's consumer config names and defaults (kafka-semantics.md §1.2; kconfig.c).
 *   Sessions outside the cluster's [group.min, group.max].session.timeout.ms and an
 *   offsets.topic.replication.factor above the broker count are accepted with a warning:
 *   they are lessons (INVALID_SESSION_TIMEOUT, COORDINATOR_NOT_AVAILABLE), not bad files.
 * Owns / borrows: writes cfg->groups (pool); borrows the root (its timeline and
 *   cluster.config) while counting and checking.
 * Invariants: at most SCN_GROUPS_MAX groups; per group at most SCN_GROUP_TOPICS_MAX
 *   topics holding at most SCN_GROUP_PARTITIONS_MAX partitions, and members_max (members
 *   plus the add_consumer actions naming the group) at most SCN_GROUP_MEMBERS_MAX, all
 *   checked before memory is taken; start <= the run's duration; the strategy list holds
 *   1 to 4 distinct assignors; heartbeat.interval.ms < session.timeout.ms; commit "auto"
 *   only with enable.auto.commit.
 * Determinism: file order.
 * Not modelled: group.protocol=consumer (KIP-848), regex subscriptions, manual
 *   assignment, custom assignors, transactions (isolation.level).
 */
#include "scn_internal.h"

#include "../core/sim_assert.h"
#include "../kafka/assignors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define FOUND_BYTES    192u
#define NAME_BYTES     96u

static_assert(SCN_GROUP_MEMBERS_MAX <= KASG_MEMBERS_MAX, "the assignors take every member");
static_assert(SCN_GROUP_TOPICS_MAX <= KASG_TOPICS_MAX, "the assignors take every topic");
static_assert(SCN_GROUP_PARTITIONS_MAX <= KASG_PARTITIONS_MAX, "and every partition");
static_assert(SCN_GROUP_ID_MAX + 11u <= KASG_NAME_BYTES_MAX, "instance ids GROUP-N fit");
static_assert(sizeof(((scn_group *)0)->strategies) / sizeof(uint32_t) == KASG_STRATEGY_COUNT,
              "room for every assignor once");

bool scn_groups_enabled = false;

void scn_set_groups_enabled(bool enabled)
{
    scn_groups_enabled = enabled;
}

static const char *const group_keys[] = {"group",  "topics", "members", "processing", "start",
                                         "commit", "static", "poison",  "config"};
static const char *const poison_keys[] = {"partition", "offset", "policy"};
static const char *const commit_names[] = {"auto", "after_processing", "before_processing"};
static const char *const policy_names[] = {"skip", "retry", "stop"};

static bool id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

/* A boolean at `key` of `obj`. */
static scn__get get_bool(scn__ctx *ctx, const json_t *obj, const char *key, bool *out)
{
    const json_t *v = json_object_get(obj, key);
    if (v == NULL) return SCN__ABSENT;
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return SCN__OK;
    }
    scn__push_key(ctx, key);
    scn__type_error(ctx, v, "true or false");
    scn__pop(ctx);
    return SCN__BAD;
}

static void check_id(scn__ctx *ctx, const json_t *elem, scn_group *g, uint32_t index)
{
    const char *id = NULL;
    scn__require(ctx, elem, "group");
    if (scn__get_string(ctx, elem, "group", &id) != SCN__OK) return;
    char found[FOUND_BYTES];
    const size_t n = strlen(id);
    bool legal = n >= 1 && n <= SCN_GROUP_ID_MAX;
    for (size_t i = 0; legal && i < n; i++) legal = id_char(id[i]);
    scn__push_key(ctx, "group");
    if (!legal) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "group ids are 1 to %u characters from a-z, A-Z, 0-9, '.', '_' and '-', "
                   "found %s",
                   SCN_GROUP_ID_MAX, scn__quote(id, n, found, sizeof found));
    } else {
        bool unique = true;
        for (uint32_t j = 0; j < index && unique; j++) {
            const char *other = ctx->cfg->groups[j].group;
            if (other == NULL || strcmp(other, id) != 0) continue;
            scn__error(ctx, SCN__LOC_VALUE, "group '%s' is already declared by consumer_groups[%u]",
                       id, j);
            unique = false;
        }
        if (unique) g->group = scn__pool_strdup(ctx->cfg, id);
    }
    scn__pop(ctx);
}

/* One name of `topics`, at the current path: its index, or -1 (reported). */
static int topic_of(scn__ctx *ctx, const char *name)
{
    const scn_config *cfg = ctx->cfg;
    for (uint32_t t = 0; t < cfg->topic_count; t++) {
        if (strcmp(cfg->topics[t].name, name) == 0) return (int)t;
    }
    if (cfg->topic_count == 0) {
        char safe[NAME_BYTES];
        scn__error(ctx, SCN__LOC_VALUE,
                   "unknown topic '%s': the scenario declares no topics (add it to 'topics')",
                   scn__safe(name, safe, sizeof safe));
        return -1;
    }
    const char *names[SCN_TOPICS_MAX];
    for (uint32_t t = 0; t < cfg->topic_count; t++) names[t] = cfg->topics[t].name;
    scn__error_choice(ctx, "topic", name, names, cfg->topic_count);
    return -1;
}

static void check_topics(scn__ctx *ctx, const json_t *elem, scn_group *g)
{
    const json_t *list = NULL;
    scn__require(ctx, elem, "topics");
    const json_t *v = json_object_get(elem, "topics");
    if (v != NULL && json_is_string(v)) {
        char found[FOUND_BYTES], safe[NAME_BYTES];
        scn__push_key(ctx, "topics");
        scn__error(ctx, SCN__LOC_VALUE,
                   "expected an array of topic names for 'topics', found %s; write [\"%s\"]",
                   scn__describe(v, found, sizeof found),
                   scn__safe(json_string_value(v), safe, sizeof safe));
        scn__pop(ctx);
        return;
    }
    if (scn__get_array(ctx, elem, "topics", &list) != SCN__OK) return;
    const size_t n = json_array_size(list);
    scn__push_key(ctx, "topics");
    if (n == 0) {
        scn__error(ctx, SCN__LOC_VALUE, "'topics' is empty: a group subscribes to at least one");
        scn__pop(ctx);
        return;
    }
    if (n > SCN_GROUP_TOPICS_MAX) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "the group subscribes to %zu topics, above the limit of %u "
                   "(SCN_GROUP_TOPICS_MAX)",
                   n, SCN_GROUP_TOPICS_MAX);
        scn__pop(ctx);
        return;
    }
    const uint32_t errors_before = ctx->diags.error_count;
    uint64_t partitions = 0;
    for (uint32_t i = 0; i < n; i++) {
        const json_t *item = json_array_get(list, i);
        scn__push_index(ctx, i);
        if (!json_is_string(item)) {
            scn__type_error(ctx, item, "a topic name");
            scn__pop(ctx);
            continue;
        }
        const int t = topic_of(ctx, json_string_value(item));
        bool repeat = false;
        for (uint32_t k = 0; t >= 0 && k < g->topic_count && !repeat; k++)
            repeat = g->topics[k] == (uint32_t)t;
        if (repeat) {
            scn__error(ctx, SCN__LOC_VALUE, "topic '%s' is listed twice", ctx->cfg->topics[t].name);
        } else if (t >= 0) {
            g->topics[g->topic_count++] = (uint32_t)t;
            partitions += ctx->cfg->topics[t].partitions;
        }
        scn__pop(ctx);
    }
    if (ctx->diags.error_count == errors_before && partitions > SCN_GROUP_PARTITIONS_MAX) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "the group's topics have %llu partitions together, above the limit of %u "
                   "(SCN_GROUP_PARTITIONS_MAX)",
                   (unsigned long long)partitions, SCN_GROUP_PARTITIONS_MAX);
    }
    scn__pop(ctx);
}

/* "TOPIC-P" of `poison.partition`, at the current path: a partition of a subscribed topic. */
static bool poison_partition(scn__ctx *ctx, const char *spec, scn_group *g)
{
    const scn_config *cfg = ctx->cfg;
    char safe[NAME_BYTES];
    scn__safe(spec, safe, sizeof safe);
    const char *dash = strrchr(spec, '-');
    bool digits = dash != NULL && dash != spec && dash[1] != '\0' && strlen(dash + 1) <= 9;
    for (const char *p = dash ? dash + 1 : ""; digits && *p != '\0'; p++)
        digits = *p >= '0' && *p <= '9';
    if (!digits) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "'%s' is not a partition of the form \"TOPIC-P\" (a topic, '-', a partition "
                   "number, such as \"orders-0\")",
                   safe);
        return false;
    }
    const size_t len = (size_t)(dash - spec);
    const char *names[SCN_GROUP_TOPICS_MAX];
    char list[256];
    size_t o = 0;
    list[0] = '\0';
    for (uint32_t k = 0; k < g->topic_count; k++) {
        const scn_topic *t = &cfg->topics[g->topics[k]];
        names[k] = t->name;
        if (o + 64 < sizeof list)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%.48s", k ? ", " : "", t->name);
        if (strlen(t->name) != len || memcmp(t->name, spec, len) != 0) continue;
        const unsigned long p = strtoul(dash + 1, NULL, 10);
        if (p >= t->partitions) {
            scn__error(ctx, SCN__LOC_VALUE,
                       "'%s' names partition %lu, but topic '%s' has %u partition%s (0 to %u)",
                       safe, p, t->name, t->partitions, t->partitions == 1 ? "" : "s",
                       t->partitions - 1);
            return false;
        }
        g->poison_topic = g->topics[k];
        g->poison_partition = (uint32_t)p;
        return true;
    }
    char topic[NAME_BYTES];
    scn__safe(spec, topic, sizeof topic);
    if (len < sizeof topic) topic[len] = '\0';
    const char *hint = scn__will_show(ctx) ? scn__suggest(topic, names, g->topic_count) : NULL;
    if (hint != NULL) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "'%s' is not a partition of the group's topics; did you mean topic '%s'?", safe,
                   hint);
    } else {
        scn__error(ctx, SCN__LOC_VALUE,
                   "'%s' is in topic '%s', which the group does not subscribe to (its topics: %s)",
                   safe, topic, list);
    }
    return false;
}

static void check_poison(scn__ctx *ctx, const json_t *elem, scn_group *g, bool topics_ok)
{
    const json_t *poison = NULL;
    if (scn__get_object(ctx, elem, "poison", &poison) != SCN__OK) return;
    scn__push_key(ctx, "poison");
    scn__check_keys(ctx, poison, poison_keys, ARRAY_COUNT(poison_keys), NULL, 0);
    const uint32_t errors_before = ctx->diags.error_count;
    const char *partition = NULL, *policy = NULL;
    int64_t offset = 0;
    scn__require(ctx, poison, "partition");
    scn__require(ctx, poison, "offset");
    scn__require(ctx, poison, "policy");
    if (scn__get_string(ctx, poison, "partition", &partition) == SCN__OK && topics_ok) {
        scn__push_key(ctx, "partition");
        poison_partition(ctx, partition, g);
        scn__pop(ctx);
    }
    if (scn__get_int(ctx, poison, "offset", 0, INT64_MAX, &offset) == SCN__OK) {
        g->poison_offset = offset;
    }
    if (scn__get_string(ctx, poison, "policy", &policy) == SCN__OK) {
        size_t i = 0;
        while (i < ARRAY_COUNT(policy_names) && strcmp(policy, policy_names[i]) != 0) i++;
        if (i < ARRAY_COUNT(policy_names)) {
            static const scn_poison_policy values[] = {SCN_POISON_SKIP, SCN_POISON_RETRY,
                                                       SCN_POISON_STOP};
            g->poison_policy = values[i];
        } else {
            scn__push_key(ctx, "policy");
            scn__error_choice(ctx, "poison policy", policy, policy_names,
                              ARRAY_COUNT(policy_names));
            scn__pop(ctx);
        }
    }
    g->has_poison = ctx->diags.error_count == errors_before && topics_ok;
    scn__pop(ctx);
}

/* `commit`, after `config` (its default follows enable.auto.commit). */
static void check_commit(scn__ctx *ctx, const json_t *elem, scn_group *g, bool auto_commit_given)
{
    const char *commit = NULL;
    const scn__get r = scn__get_string(ctx, elem, "commit", &commit);
    if (r == SCN__ABSENT) {
        g->commit = g->enable_auto_commit ? SCN_COMMIT_AUTO : SCN_COMMIT_AFTER_PROCESSING;
        return;
    }
    if (r != SCN__OK) return;
    static const scn_commit_mode values[] = {SCN_COMMIT_AUTO, SCN_COMMIT_AFTER_PROCESSING,
                                             SCN_COMMIT_BEFORE_PROCESSING};
    size_t i = 0;
    while (i < ARRAY_COUNT(commit_names) && strcmp(commit, commit_names[i]) != 0) i++;
    scn__push_key(ctx, "commit");
    if (i == ARRAY_COUNT(commit_names)) {
        scn__error_choice(ctx, "commit mode", commit, commit_names, ARRAY_COUNT(commit_names));
    } else if (values[i] == SCN_COMMIT_AUTO && !g->enable_auto_commit) {
        SIM_ASSERT(auto_commit_given); /* the default is true */
        scn__error(ctx, SCN__LOC_VALUE,
                   "\"commit\": \"auto\" is Kafka's auto commit, but the group's config sets "
                   "enable.auto.commit to false; use \"after_processing\" or "
                   "\"before_processing\", or drop enable.auto.commit");
    } else {
        g->commit = values[i];
    }
    scn__pop(ctx);
}

/* The coordinator refuses a session timeout outside [group.min, group.max]: a warning at
 * the group's session.timeout.ms, or at the group when it keeps Kafka's default. At the
 * group's path. */
static void check_session_range(scn__ctx *ctx, const json_t *elem, const scn_group *g)
{
    const scn_group_broker_config *b = &ctx->cfg->group_broker;
    if (g->session_timeout_ms >= b->min_session_timeout_ms &&
        g->session_timeout_ms <= b->max_session_timeout_ms)
        return;
    const json_t *config = json_object_get(elem, "config");
    const bool given = json_object_get(config, "session.timeout.ms") != NULL;
    if (given) {
        scn__push_key(ctx, "config");
        scn__push_key(ctx, "session.timeout.ms");
    }
    scn__warning(ctx, SCN__LOC_VALUE,
                 "session.timeout.ms %u%s is outside the cluster's group.min.session.timeout.ms "
                 "(%u) .. group.max.session.timeout.ms (%u): the coordinator will refuse every "
                 "join of this group with INVALID_SESSION_TIMEOUT",
                 g->session_timeout_ms, given ? "" : " (the default)", b->min_session_timeout_ms,
                 b->max_session_timeout_ms);
    if (given) {
        scn__pop(ctx);
        scn__pop(ctx);
    }
}

static void set_defaults(scn_group *g)
{
    *g = (scn_group){
        .members = 1,
        .strategies = {KASG_STRATEGY_RANGE, KASG_STRATEGY_COOPERATIVE_STICKY},
        .strategy_count = 2,
        .session_timeout_ms = 45000,
        .heartbeat_interval_ms = 3000,
        .max_poll_interval_ms = 300000,
        .max_poll_records = 500,
        .fetch_min_bytes = 1,
        .fetch_max_wait_ms = 500,
        .auto_commit_interval_ms = 5000,
        .request_timeout_ms = 30000,
        .retry_backoff_ms = 100,
        .enable_auto_commit = true,
        .offset_reset = SCN_RESET_LATEST,
        .commit = SCN_COMMIT_AUTO,
    };
}

static void parse_group(scn__ctx *ctx, const json_t *elem, uint32_t index)
{
    scn_group *g = &ctx->cfg->groups[index];
    set_defaults(g);
    if (!json_is_object(elem)) {
        scn__type_error(ctx, elem,
                        "a consumer group object such as {\"group\": \"billing\", \"topics\": "
                        "[\"orders\"], \"members\": 3}");
        return;
    }
    scn__check_keys(ctx, elem, group_keys, ARRAY_COUNT(group_keys), NULL, 0);
    check_id(ctx, elem, g, index);
    const uint32_t errors_before_topics = ctx->diags.error_count;
    check_topics(ctx, elem, g);
    const bool topics_ok = ctx->diags.error_count == errors_before_topics && g->topic_count > 0;
    int64_t members = 0;
    if (scn__get_int(ctx, elem, "members", 0, INT64_MAX, &members) == SCN__OK) {
        if (members > SCN_GROUP_MEMBERS_MAX) {
            scn__push_key(ctx, "members");
            scn__error(ctx, SCN__LOC_VALUE,
                       "'members' is %lld, above the limit of %u members of one group "
                       "(SCN_GROUP_MEMBERS_MAX)",
                       (long long)members, SCN_GROUP_MEMBERS_MAX);
            scn__pop(ctx);
        } else {
            g->members = (uint32_t)members;
        }
    }
    const sim_time limit = ctx->duration_valid ? ctx->cfg->duration_us : SIM_DURATION_MAX;
    scn__get_duration(ctx, elem, "processing", 0, limit, "the run's duration", &g->processing_us);
    scn__get_duration(ctx, elem, "start", 0, limit, "the run's duration", &g->start_us);
    get_bool(ctx, elem, "static", &g->static_members);
    const json_t *config = NULL;
    bool auto_commit_given = false;
    const uint32_t errors_before_config = ctx->diags.error_count;
    if (scn__get_object(ctx, elem, "config", &config) == SCN__OK) {
        scn__push_key(ctx, "config");
        scn__validate_consumer_config(ctx, config, g, &auto_commit_given);
        scn__pop(ctx);
    }
    if (ctx->diags.error_count == errors_before_config) check_session_range(ctx, elem, g);
    check_commit(ctx, elem, g, auto_commit_given);
    check_poison(ctx, elem, g, topics_ok);
}

/* The add_consumer actions of `timeline` (the root's value, any type) naming `group`. */
static uint32_t count_adds(const json_t *timeline, const char *group)
{
    if (!json_is_array(timeline) || json_array_size(timeline) > SIM_TIMELINE_MAX) return 0;
    uint32_t n = 0;
    for (size_t i = 0; i < json_array_size(timeline); i++) {
        const json_t *a = json_array_get(timeline, i);
        const char *d = json_string_value(json_object_get(a, "do"));
        const char *g = json_string_value(json_object_get(a, "group"));
        n += d != NULL && g != NULL && strcmp(d, "add_consumer") == 0 && strcmp(g, group) == 0;
    }
    return n;
}

/* members_max = members + the add_consumer actions naming the group (the world's sizing),
 * within SCN_GROUP_MEMBERS_MAX. */
static void size_members(scn__ctx *ctx, const json_t *groups, const json_t *timeline, uint32_t i)
{
    scn_group *g = &ctx->cfg->groups[i];
    const uint32_t adds = count_adds(timeline, g->group);
    const uint64_t total = (uint64_t)g->members + adds;
    if (total <= SCN_GROUP_MEMBERS_MAX) {
        g->members_max = (uint32_t)total;
        return;
    }
    const bool given = json_object_get(json_array_get(groups, i), "members") != NULL;
    scn__push_key(ctx, "consumer_groups");
    scn__push_index(ctx, i);
    if (given) scn__push_key(ctx, "members");
    scn__error(ctx, SCN__LOC_VALUE,
               "group '%s' would have up to %llu members over the run (%u at the start and %u "
               "add_consumer actions), above the limit of %u members of one group "
               "(SCN_GROUP_MEMBERS_MAX)",
               g->group, (unsigned long long)total, g->members, adds, SCN_GROUP_MEMBERS_MAX);
    if (given) scn__pop(ctx);
    scn__pop(ctx);
    scn__pop(ctx);
}

/* Kafka creates __consumer_offsets when a group first needs it, and only with
 * offsets.topic.replication.factor brokers: with fewer, every group fails with
 * COORDINATOR_NOT_AVAILABLE. A lesson (a one-broker cluster), so a warning. */
static void check_offsets_rf(scn__ctx *ctx, const json_t *cluster_config)
{
    if (!ctx->nodes_valid) return;
    const scn_config *cfg = ctx->cfg;
    uint32_t brokers = 0;
    for (uint32_t i = 0; i < cfg->node_count; i++) brokers += cfg->nodes[i].broker;
    const uint32_t rf = cfg->group_broker.offsets_replication_factor;
    if (rf <= brokers) return;
    const json_t *value = json_object_get(cluster_config, "offsets.topic.replication.factor");
    const bool given = value != NULL;
    if (given && (!json_is_integer(value) || json_integer_value(value) != (json_int_t)rf))
        return; /* the value was refused: reported at cluster.config */
    if (given) {
        scn__push_key(ctx, "cluster");
        scn__push_key(ctx, "config");
        scn__push_key(ctx, "offsets.topic.replication.factor");
    } else {
        scn__push_key(ctx, "consumer_groups");
    }
    scn__warning(ctx, SCN__LOC_VALUE,
                 "offsets.topic.replication.factor is %u%s but the cluster has %u broker%s: Kafka "
                 "cannot create __consumer_offsets, so every group will fail to find its "
                 "coordinator (COORDINATOR_NOT_AVAILABLE)",
                 rf, given ? "" : " (Kafka's default)", brokers, brokers == 1 ? "" : "s");
    for (uint32_t i = 0; i < (given ? 3u : 1u); i++) scn__pop(ctx);
}

void scn__validate_groups(scn__ctx *ctx, const json_t *groups, const json_t *root)
{
    const json_t *timeline = json_object_get(root, "timeline");
    SIM_ASSERT(scn_groups_enabled);
    SIM_ASSERT(json_is_array(groups));
    SIM_ASSERT(ctx->depth == 0 && ctx->topics_valid);
    scn_config *cfg = ctx->cfg;
    const size_t count = json_array_size(groups);
    ctx->groups_valid = false;
    if (count > SCN_GROUPS_MAX) {
        scn__push_key(ctx, "consumer_groups");
        scn__error(ctx, SCN__LOC_VALUE,
                   "'consumer_groups' lists %zu groups, above the limit of %u (SCN_GROUPS_MAX)",
                   count, SCN_GROUPS_MAX);
        scn__pop(ctx);
        return;
    }
    const uint32_t errors_before = ctx->diags.error_count;
    if (count > 0) {
        cfg->groups = scn__pool_alloc(cfg, count, sizeof *cfg->groups);
        cfg->group_count = (uint32_t)count;
    }
    scn__push_key(ctx, "consumer_groups");
    for (uint32_t i = 0; i < count; i++) {
        scn__push_index(ctx, i);
        parse_group(ctx, json_array_get(groups, i), i);
        scn__pop(ctx);
    }
    scn__pop(ctx);
    if (count > 0) {
        check_offsets_rf(ctx, json_object_get(json_object_get(root, "cluster"), "config"));
    }
    if (ctx->diags.error_count != errors_before) return;
    for (uint32_t i = 0; i < count; i++) size_members(ctx, groups, timeline, i);
    if (ctx->diags.error_count != errors_before) return;
    if (count > 0) {
        const scn__seg path[] = {{"consumer_groups", 0}};
        uint32_t lines[SCN_GROUPS_MAX];
        scn__element_lines(ctx->src->buf, ctx->src->len, path, 1, lines, (uint32_t)count);
        for (uint32_t i = 0; i < count; i++) {
            const bool hidden = scn__override_hides_element(ctx->src, "consumer_groups", i);
            cfg->groups[i].line = hidden ? 0 : lines[i];
        }
    }
    ctx->groups_valid = ctx->diags.error_count == errors_before;
}
