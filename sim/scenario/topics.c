/*
 * topics.c — the scenario's `topics`: the topics created when the cluster starts.
 *
 * Role: validates `topics` into `scn_topic`s (load.c calls it after `cluster`, so the
 *   brokers and the cluster's config defaults are known, and before `timeline`, whose
 *   "leader:TOPIC-P" targets name them). The world creates the topics from this table.
 * Model: spec §2 `topics`; Kafka's rules for CreateTopics (Topic.validate,
 *   ReplicationControlManager.createTopic): a name is 1 to 249 characters from
 *   [a-zA-Z0-9._-], not "." or ".."; two names that differ only in '.' versus '_'
 *   collide (metric names replace '.' by '_'), and Kafka refuses the second
 *   (INVALID_TOPIC_EXCEPTION); a replication factor above the number of brokers is
 *   INVALID_REPLICATION_FACTOR; a manual assignment has one non-empty replica list per
 *   partition, all of the same length, of distinct registered brokers
 *   (INVALID_REPLICA_ASSIGNMENT). `min.insync.replicas` above the replication factor is
 *   accepted by Kafka, but every acks=all produce then fails: a warning. Internal
 *   topics (__consumer_offsets, __transaction_state, __cluster_metadata) are reserved.
 *   Topic-level configs default to the cluster's (`cluster.config`).
 * Owns / borrows: writes `cfg->topics` and each topic's `assignment` (pool).
 * Invariants: at most SCN_TOPICS_MAX topics, SCN_TOPIC_PARTITIONS_MAX partitions per
 *   topic and SCN_PARTITIONS_MAX in all, replication factor 1..SCN_REPLICATION_FACTOR_MAX
 *   and at most the broker count; the counts are checked before the memory they bound
 *   is taken.
 * Determinism: topics keep file order; names are compared with earlier topics only.
 * Not modelled: topics created later (`create_topic`), `add_partitions`, rack-aware
 *   placement here (the world places replicas when there is no `assignment`).
 */
#include "scn_internal.h"

#include "../core/sim_assert.h"
#include "../kafka/partition_change.h"

#include <stdio.h>
#include <string.h>

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define FOUND_BYTES    192u
#define NAME_BYTES     96u

static_assert(SCN_REPLICATION_FACTOR_MAX <= KPC_REPLICAS_MAX,
              "a partition's replicas fit the model's replica arrays");
static_assert(SCN_TOPIC_PARTITIONS_MAX <= SCN_PARTITIONS_MAX, "a topic fits in the cluster");

static const char *const topic_keys[] = {"name", "partitions", "replication_factor", "assignment",
                                         "config"};
static const char *const reserved[] = {"__consumer_offsets", "__transaction_state",
                                       "__cluster_metadata"};

/* What the checks of one topic learned, for the checks that combine fields. */
typedef struct topic_facts {
    scn__get partitions, rf;         /* of the keys */
    int64_t partition_count, factor; /* when SCN__OK */
    bool name_ok;
} topic_facts;

/* =================================================================================
 * Names
 * ================================================================================= */

static bool legal_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

/* Kafka's Topic.hasCollision: equal once every '.' is read as '_'. */
static bool collides(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        const char x = *a == '.' ? '_' : *a, y = *b == '.' ? '_' : *b;
        if (x != y) return false;
    }
    return *a == *b;
}

static bool check_name(scn__ctx *ctx, const char *name, uint32_t index)
{
    char found[FOUND_BYTES];
    const size_t n = strlen(name);
    bool legal = n >= 1 && n <= SCN_TOPIC_NAME_MAX;
    for (size_t i = 0; legal && i < n; i++) legal = legal_char(name[i]);
    scn__push_key(ctx, "name");
    if (!legal) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "topic names are 1 to %u characters from a-z, A-Z, 0-9, '.', '_' and '-' "
                   "(Kafka's rule), found %s",
                   SCN_TOPIC_NAME_MAX, scn__quote(name, n, found, sizeof found));
        scn__pop(ctx);
        return false;
    }
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        scn__error(ctx, SCN__LOC_VALUE, "a topic cannot be named \"%s\" (Kafka's rule)", name);
        scn__pop(ctx);
        return false;
    }
    for (size_t i = 0; i < ARRAY_COUNT(reserved); i++) {
        if (strcmp(name, reserved[i]) != 0) continue;
        scn__error(ctx, SCN__LOC_VALUE,
                   "'%s' is an internal topic of Kafka, created and owned by the cluster; "
                   "choose another name",
                   name);
        scn__pop(ctx);
        return false;
    }
    const scn_config *cfg = ctx->cfg;
    for (uint32_t j = 0; j < index; j++) {
        const char *other = cfg->topics[j].name;
        if (other == NULL || !collides(name, other)) continue;
        scn__quote(name, n, found, sizeof found);
        if (strcmp(name, other) == 0) {
            scn__error(ctx, SCN__LOC_VALUE, "topic %s is already declared by topics[%u]", found, j);
        } else {
            scn__error(ctx, SCN__LOC_VALUE,
                       "topic %s collides with topic '%s' of topics[%u]: Kafka reads '.' and '_' "
                       "as the same character in metric names and refuses to create the second "
                       "(INVALID_TOPIC_EXCEPTION)",
                       found, other, j);
        }
        scn__pop(ctx);
        const scn__seg first[] = {{"topics", 0}, {NULL, j}, {"name", 0}};
        scn__note_at(ctx, first, 3, "'%s' is declared here", other);
        return false;
    }
    scn__pop(ctx);
    return true;
}

/* =================================================================================
 * Counts
 * ================================================================================= */

static uint32_t broker_count(const scn_config *cfg)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < cfg->node_count; i++) n += cfg->nodes[i].broker;
    return n;
}

static const scn_node *find_node(const scn_config *cfg, int64_t id)
{
    for (uint32_t i = 0; i < cfg->node_count; i++) {
        if (cfg->nodes[i].id == id) return &cfg->nodes[i];
    }
    return NULL;
}

/* `partitions`: 1..SCN_TOPIC_PARTITIONS_MAX. */
static scn__get get_partitions(scn__ctx *ctx, const json_t *elem, int64_t *out)
{
    scn__get r = scn__get_int(ctx, elem, "partitions", 1, INT64_MAX, out);
    if (r == SCN__OK && *out > SCN_TOPIC_PARTITIONS_MAX) {
        scn__push_key(ctx, "partitions");
        scn__error(ctx, SCN__LOC_VALUE,
                   "'partitions' is %lld, above the limit of %u partitions per topic "
                   "(SCN_TOPIC_PARTITIONS_MAX)",
                   (long long)*out, SCN_TOPIC_PARTITIONS_MAX);
        scn__pop(ctx);
        r = SCN__BAD;
    }
    return r;
}

/* `replication_factor`: 1..brokers and 1..SCN_REPLICATION_FACTOR_MAX. */
static scn__get get_factor(scn__ctx *ctx, const json_t *elem, int64_t *out)
{
    scn__get r = scn__get_int(ctx, elem, "replication_factor", 1, INT64_MAX, out);
    if (r != SCN__OK) return r;
    const uint32_t brokers = ctx->nodes_valid ? broker_count(ctx->cfg) : UINT32_MAX;
    scn__push_key(ctx, "replication_factor");
    if (*out > brokers) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "replication factor %lld is larger than the number of brokers (%u): Kafka "
                   "refuses to create the topic (INVALID_REPLICATION_FACTOR)",
                   (long long)*out, brokers);
        r = SCN__BAD;
    } else if (*out > SCN_REPLICATION_FACTOR_MAX) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "'replication_factor' is %lld, above the limit of %u replicas "
                   "(SCN_REPLICATION_FACTOR_MAX)",
                   (long long)*out, SCN_REPLICATION_FACTOR_MAX);
        r = SCN__BAD;
    }
    scn__pop(ctx);
    return r;
}

/* =================================================================================
 * Assignment
 * ================================================================================= */

/* One replica list at the current path into `row`; its length, or 0 when invalid. */
static uint32_t parse_row(scn__ctx *ctx, const json_t *list, int32_t *row)
{
    if (!json_is_array(list)) {
        scn__type_error(ctx, list, "a replica list: an array of broker ids such as [1, 2, 3]");
        return 0;
    }
    const size_t n = json_array_size(list);
    if (n == 0) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "the replica list is empty: every partition needs at least one replica "
                   "(INVALID_REPLICA_ASSIGNMENT)");
        return 0;
    }
    if (n > SCN_REPLICATION_FACTOR_MAX) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "the replica list has %zu brokers, above the limit of %u replicas "
                   "(SCN_REPLICATION_FACTOR_MAX)",
                   n, SCN_REPLICATION_FACTOR_MAX);
        return 0;
    }
    bool ok = true;
    for (uint32_t i = 0; i < n; i++) {
        const json_t *v = json_array_get(list, i);
        scn__push_index(ctx, i);
        const json_int_t id = json_is_integer(v) ? json_integer_value(v) : -1;
        const scn_node *node = ctx->nodes_valid ? find_node(ctx->cfg, id) : NULL;
        if (!json_is_integer(v)) {
            scn__type_error(ctx, v, "a broker id");
            ok = false;
        } else if (id < 0 || id > SIM_NODE_ID_MAX) {
            scn__error(ctx, SCN__LOC_VALUE,
                       "node ids are between 0 and %d (SIM_NODE_ID_MAX), found %lld",
                       SIM_NODE_ID_MAX, (long long)id);
            ok = false;
        } else if (ctx->nodes_valid && node == NULL) {
            scn__error(ctx, SCN__LOC_VALUE,
                       "broker %lld does not exist in the cluster (INVALID_REPLICA_ASSIGNMENT)",
                       (long long)id);
            ok = false;
        } else if (node != NULL && !node->broker) {
            scn__error(ctx, SCN__LOC_VALUE,
                       "node %lld is a controller only: replicas live on brokers "
                       "(INVALID_REPLICA_ASSIGNMENT)",
                       (long long)id);
            ok = false;
        } else {
            row[i] = (int32_t)id;
            for (uint32_t j = 0; j < i; j++) {
                if (row[j] != row[i]) continue;
                scn__error(ctx, SCN__LOC_VALUE,
                           "broker %d is listed twice in this replica list: a partition has "
                           "one replica per broker (INVALID_REPLICA_ASSIGNMENT)",
                           row[i]);
                ok = false;
                break;
            }
        }
        scn__pop(ctx);
    }
    return ok ? (uint32_t)n : 0;
}

/* `assignment`, when present; fills t->partitions, t->replication_factor and
 * t->assignment when it and the counts agree. */
static bool parse_assignment(scn__ctx *ctx, const json_t *list, const topic_facts *f, scn_topic *t)
{
    const size_t rows = json_array_size(list);
    scn__push_key(ctx, "assignment");
    if (rows == 0) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "'assignment' is empty: give one replica list per partition");
        scn__pop(ctx);
        return false;
    }
    if (rows > SCN_TOPIC_PARTITIONS_MAX) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "'assignment' has %zu replica lists, above the limit of %u partitions per "
                   "topic (SCN_TOPIC_PARTITIONS_MAX)",
                   rows, SCN_TOPIC_PARTITIONS_MAX);
        scn__pop(ctx);
        return false;
    }
    bool ok = true;
    if (f->partitions == SCN__OK && (int64_t)rows != f->partition_count) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "'assignment' has %zu replica lists but 'partitions' is %lld: give one "
                   "replica list per partition",
                   rows, (long long)f->partition_count);
        ok = false;
    }
    /* The length every row must have: replication_factor, else the first valid row's. */
    uint32_t width = f->rf == SCN__OK ? (uint32_t)f->factor : 0;
    const bool width_from_factor = width != 0;
    int32_t cells[SCN_TOPIC_PARTITIONS_MAX * SCN_REPLICATION_FACTOR_MAX];
    for (uint32_t p = 0; p < rows; p++) {
        int32_t row[SCN_REPLICATION_FACTOR_MAX];
        scn__push_index(ctx, p);
        const uint32_t n = parse_row(ctx, json_array_get(list, p), row);
        if (n == 0) {
            ok = false;
        } else if (width == 0) {
            width = n;
        } else if (n != width) {
            if (width_from_factor) {
                scn__error(ctx, SCN__LOC_VALUE,
                           "the replica list of partition %u has %u broker%s but "
                           "'replication_factor' is %u",
                           p, n, n == 1 ? "" : "s", width);
            } else {
                scn__error(ctx, SCN__LOC_VALUE,
                           "the replica list of partition %u has %u broker%s but the first has "
                           "%u: all partitions must have the same number of replicas "
                           "(INVALID_REPLICA_ASSIGNMENT)",
                           p, n, n == 1 ? "" : "s", width);
            }
            ok = false;
        }
        if (ok) memcpy(cells + (size_t)p * width, row, n * sizeof *row);
        scn__pop(ctx);
    }
    scn__pop(ctx);
    if (!ok || f->partitions == SCN__BAD || f->rf == SCN__BAD) return false;
    t->partitions = (uint32_t)rows;
    t->replication_factor = width;
    t->assignment = scn__pool_alloc(ctx->cfg, rows * width, sizeof *t->assignment);
    memcpy(t->assignment, cells, rows * width * sizeof *cells);
    return true;
}

/* =================================================================================
 * One topic
 * ================================================================================= */

/* Warns when acks=all can never succeed on the topic. */
static void check_min_isr(scn__ctx *ctx, const json_t *elem, const scn_topic *t, bool given)
{
    if (t->min_insync_replicas <= t->replication_factor) return;
    if (given) {
        scn__push_key(ctx, "config");
        scn__push_key(ctx, "min.insync.replicas");
        scn__warning(ctx, SCN__LOC_VALUE,
                     "min.insync.replicas (%u) is above the replication factor (%u): Kafka "
                     "accepts it, but every acks=all produce to this topic fails with "
                     "NOT_ENOUGH_REPLICAS",
                     t->min_insync_replicas, t->replication_factor);
        scn__pop(ctx);
    } else {
        scn__push_key(ctx, json_object_get(elem, "replication_factor") ? "replication_factor"
                                                                       : "assignment");
        scn__warning(ctx, SCN__LOC_VALUE,
                     "the cluster's min.insync.replicas (%u) is above this topic's replication "
                     "factor (%u): Kafka accepts it, but every acks=all produce to this topic "
                     "fails with NOT_ENOUGH_REPLICAS",
                     t->min_insync_replicas, t->replication_factor);
    }
    scn__pop(ctx);
}

static bool parse_topic(scn__ctx *ctx, const json_t *elem, uint32_t index)
{
    scn_topic *t = &ctx->cfg->topics[index];
    if (!json_is_object(elem)) {
        scn__type_error(ctx, elem,
                        "a topic object such as {\"name\": \"orders\", \"partitions\": 3, "
                        "\"replication_factor\": 3}");
        return false;
    }
    const uint32_t errors_before = ctx->diags.error_count;
    scn__check_keys(ctx, elem, topic_keys, ARRAY_COUNT(topic_keys), NULL, 0);
    topic_facts f = {SCN__ABSENT, SCN__ABSENT, 0, 0, false};
    const char *name = NULL;
    scn__require(ctx, elem, "name");
    if (scn__get_string(ctx, elem, "name", &name) == SCN__OK && check_name(ctx, name, index)) {
        t->name = scn__pool_strdup(ctx->cfg, name);
        f.name_ok = true;
    }
    const json_t *assignment = NULL;
    const scn__get ra = scn__get_array(ctx, elem, "assignment", &assignment);
    static const char *const counts[] = {"partitions", "replication_factor"};
    for (size_t i = 0; ra == SCN__ABSENT && i < ARRAY_COUNT(counts); i++) {
        if (json_object_get(elem, counts[i]) != NULL) continue;
        scn__push_key(ctx, counts[i]);
        scn__error(ctx, SCN__LOC_PARENT,
                   "missing required key '%s' (or give an 'assignment', one replica list per "
                   "partition)",
                   counts[i]);
        scn__pop(ctx);
    }
    f.partitions = get_partitions(ctx, elem, &f.partition_count);
    f.rf = get_factor(ctx, elem, &f.factor);
    if (ra == SCN__OK) {
        parse_assignment(ctx, assignment, &f, t);
    } else if (f.partitions == SCN__OK && f.rf == SCN__OK) {
        t->partitions = (uint32_t)f.partition_count;
        t->replication_factor = (uint32_t)f.factor;
    }
    t->min_insync_replicas = ctx->cfg->kafka.min_insync_replicas;
    t->unclean_leader_election_enable = ctx->cfg->kafka.unclean_leader_election_enable;
    const json_t *config = NULL;
    bool min_isr_given = false;
    if (scn__get_object(ctx, elem, "config", &config) == SCN__OK) {
        scn__push_key(ctx, "config");
        scn__validate_topic_config(ctx, config, t, &min_isr_given);
        scn__pop(ctx);
    }
    /* An invalid topic value was reported; the cluster's would only add noise. */
    const bool min_isr_bad = !min_isr_given && json_object_get(config, "min.insync.replicas");
    if (t->replication_factor > 0 && !min_isr_bad) check_min_isr(ctx, elem, t, min_isr_given);
    return ctx->diags.error_count == errors_before;
}

/* =================================================================================
 * Entry
 * ================================================================================= */

/* The partitions a topic declares, for the cluster limit: `partitions` when it is a
 * positive integer, else the length of `assignment`; 0 when neither tells. */
static uint64_t declared_partitions(const json_t *elem)
{
    const json_t *p = json_object_get(elem, "partitions");
    if (json_is_integer(p) && json_integer_value(p) > 0) return (uint64_t)json_integer_value(p);
    return json_array_size(json_object_get(elem, "assignment"));
}

void scn__validate_topics(scn__ctx *ctx, const json_t *topics)
{
    SIM_ASSERT(json_is_array(topics));
    SIM_ASSERT(ctx->depth == 0);
    scn_config *cfg = ctx->cfg;
    const size_t count = json_array_size(topics);
    ctx->topics_valid = false;
    scn__push_key(ctx, "topics");
    if (count > SCN_TOPICS_MAX) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "'topics' lists %zu topics, above the limit of %u topics (SCN_TOPICS_MAX)",
                   count, SCN_TOPICS_MAX);
        scn__pop(ctx);
        return;
    }
    uint64_t total = 0;
    for (size_t i = 0; i < count; i++) total += declared_partitions(json_array_get(topics, i));
    if (total > SCN_PARTITIONS_MAX) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "the topics have %llu partitions in all, above the limit of %u partitions "
                   "in the cluster (SCN_PARTITIONS_MAX)",
                   (unsigned long long)total, SCN_PARTITIONS_MAX);
        scn__pop(ctx);
        return;
    }
    const uint32_t errors_before = ctx->diags.error_count;
    if (count > 0) {
        cfg->topic_count = (uint32_t)count;
        cfg->topics = scn__pool_alloc(cfg, count, sizeof *cfg->topics);
    }
    for (uint32_t i = 0; i < count; i++) {
        scn__push_index(ctx, i);
        parse_topic(ctx, json_array_get(topics, i), i);
        scn__pop(ctx);
    }
    scn__pop(ctx);
    if (count > 0) {
        const scn__seg path[] = {{"topics", 0}};
        uint32_t lines[SCN_TOPICS_MAX];
        scn__element_lines(ctx->src->buf, ctx->src->len, path, 1, lines, (uint32_t)count);
        for (uint32_t i = 0; i < count; i++) {
            const bool hidden = scn__override_hides_element(ctx->src, "topics", i);
            cfg->topics[i].line = hidden ? 0 : lines[i];
        }
    }
    ctx->topics_valid = ctx->diags.error_count == errors_before;
    SIM_ASSERT(ctx->depth == 0);
}
