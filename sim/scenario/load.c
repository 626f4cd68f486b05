/*
 * load.c — reads a scenario file into a complete `scn_config`, or explains why not.
 *
 * Role: the entry points of scenario.h. Reads the file (at most 4 MiB), parses it with
 *   jansson, applies `--set` overrides (override.c), validates the top level, `cluster`,
 *   `raft` and `network` here and hands `cluster.config` (kconfig.c), `topics`
 *   (topics.c), `producers` (producers.c), `consumer_groups` (groups.c), `timeline`
 *   (timeline.c), `expect` and `invariants` (expect.c) to their files. `topics` is read
 *   after `cluster` (brokers, config defaults) and before `producers` and
 *   `consumer_groups` (their topics), which come before `timeline` (its targets). The
 *   world is built only from a config this file returned.
 * Model: shared/spec.md §2 (scenario file, format 1) and §1 (`--set`); Kafka 4.0
 *   defaults (shared/reference/kafka-semantics.md §1.3). Node layouts:
 *   - combined (default): `brokers` nodes numbered from `first_id` (default 1); the
 *     first `controllers` of them are also controllers. `controllers` defaults to 3,
 *     or to `brokers` when that is smaller; `brokers` defaults to `controllers`.
 *   - dedicated: `controllers` controller-only nodes first (default 3), then `brokers`
 *     broker-only nodes (default 3; 0 is allowed for a quorum-only study).
 *   - explicit: `nodes: [{id, roles, rack}]`, any ids; exclusive with the keys above.
 *   `name` must be 1 to 64 characters from [a-z0-9._-] (it names trace and sweep
 *   output, so it stays file-name and shell safe).
 * Owns / borrows: the returned config owns everything it points to (one pool, freed by
 *   `scn_config_free`); the jansson tree and the file buffer are freed before return.
 * Invariants: on SIM_OK every field is inside the limits of sim_types.h and the
 *   invariants of scenario.h hold; on failure nothing is returned. Limits are checked
 *   before the config takes memory for what they bound.
 * Determinism: `json_object_seed(1)` before parsing; config tables follow array order
 *   or are sorted by id; nothing depends on object key order.
 * Not modelled: keys of later models (capacity) are rejected as "not modelled yet";
 *   so is `consumer_groups` while scn_groups_enabled is false (groups.c reads it
 *   otherwise, after `producers`).
 */
#include "scn_internal.h"

#include "../core/sim_arena.h"
#include "../core/sim_assert.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define NAME_BYTES     96u
#define FOUND_BYTES    192u

/* The last top key, consumer_groups, is allowed only while scn_groups_enabled; it is the
 * first later key otherwise. */
static const char *const top_keys[] = {"$schema",     "format",     "name",      "title",
                                       "description", "seed",       "duration",  "cluster",
                                       "topics",      "network",    "raft",      "timeline",
                                       "expect",      "invariants", "producers", "consumer_groups"};
static const char *const later_top_keys[] = {"consumer_groups", "capacity"};

/* =================================================================================
 * Defaults (scenario.h documents each)
 * ================================================================================= */

static void set_defaults(scn_config *cfg)
{
    cfg->seed = 1;
    cfg->duration_us = SIM_S(60u);
    cfg->mode = SCN_MODE_COMBINED;
    cfg->raft_variant = SCN_RAFT_KRAFT;
    cfg->kraft = (scn_kraft_config){
        .election_timeout_ms = 1000,
        .fetch_timeout_ms = 2000,
        .election_backoff_max_ms = 1000,
        .request_timeout_ms = 2000,
        .retry_backoff_ms = 20,
        .append_linger_ms = 25,
        .broker_heartbeat_interval_ms = 2000,
        .broker_session_timeout_ms = 9000,
        .metadata_max_idle_interval_ms = 500,
    };
    cfg->kafka = (scn_kafka_config){
        .min_insync_replicas = 1,
        .unclean_leader_election_enable = false,
        .replica_lag_time_max_ms = 30000,
        .replica_fetch_wait_max_ms = 500,
    };
    cfg->classic = (scn_classic_config){
        .election_timeout_min_us = SIM_MS(150u),
        .election_timeout_max_us = SIM_MS(300u),
        .heartbeat_us = SIM_MS(75u),
    };
    cfg->group_broker = (scn_group_broker_config){
        .initial_rebalance_delay_ms = 3000,
        .min_session_timeout_ms = 6000,
        .max_session_timeout_ms = 1800000,
        .offsets_partitions = 50,
        .offsets_replication_factor = 3,
    };
    cfg->latency_min_us = (uint32_t)SIM_MS(1u);
    cfg->latency_max_us = (uint32_t)SIM_MS(3u);
    cfg->loss_ppm = 0;
}

/* =================================================================================
 * cluster
 * ================================================================================= */

static void fill_layout(scn_config *cfg, scn_cluster_mode mode, uint32_t controllers,
                        uint32_t brokers, int32_t first_id)
{
    const uint32_t total = mode == SCN_MODE_COMBINED ? brokers : controllers + brokers;
    SIM_ASSERT(total >= 1 && total <= SIM_NODES_MAX);
    SIM_ASSERT(controllers >= 1 && controllers <= SIM_VOTERS_MAX);
    cfg->mode = mode;
    cfg->node_count = total;
    cfg->nodes = scn__pool_alloc(cfg, total, sizeof *cfg->nodes);
    for (uint32_t i = 0; i < total; i++) {
        scn_node *n = &cfg->nodes[i];
        n->id = first_id + (int32_t)i;
        n->controller = i < controllers;
        n->broker = mode == SCN_MODE_COMBINED || i >= controllers;
    }
    cfg->voter_count = controllers;
}

/* A count above a static limit: one error naming the limit. */
static bool check_limit(scn__ctx *ctx, const char *key, int64_t value, uint32_t limit,
                        const char *what)
{
    if (value <= (int64_t)limit) return true;
    scn__push_key(ctx, key);
    scn__error(ctx, SCN__LOC_VALUE, "'%s' is %lld, above the limit of %u %s", key, (long long)value,
               limit, what);
    scn__pop(ctx);
    return false;
}

static void validate_layout(scn__ctx *ctx, const json_t *cluster)
{
    static const char *const modes[] = {"combined", "dedicated"};
    scn_cluster_mode mode = SCN_MODE_COMBINED;
    bool ok = true;
    const char *mode_text = NULL;
    if (scn__get_string(ctx, cluster, "mode", &mode_text) == SCN__OK) {
        if (strcmp(mode_text, "dedicated") == 0) {
            mode = SCN_MODE_DEDICATED;
        } else if (strcmp(mode_text, "combined") != 0) {
            scn__push_key(ctx, "mode");
            scn__error_choice(ctx, "cluster mode", mode_text, modes, 2);
            scn__pop(ctx);
            ok = false;
        }
    } else if (json_object_get(cluster, "mode") != NULL) {
        ok = false;
    }
    int64_t controllers = 3, brokers = 3, first_id = 1;
    const scn__get rc = scn__get_int(ctx, cluster, "controllers", 1, INT64_MAX, &controllers);
    const scn__get rb = scn__get_int(ctx, cluster, "brokers", mode == SCN_MODE_DEDICATED ? 0 : 1,
                                     INT64_MAX, &brokers);
    const scn__get rf = scn__get_int(ctx, cluster, "first_id", 0, SIM_NODE_ID_MAX, &first_id);
    ok = ok && rc != SCN__BAD && rb != SCN__BAD && rf != SCN__BAD;
    if (rc == SCN__OK) {
        ok = check_limit(ctx, "controllers", controllers, SIM_VOTERS_MAX,
                         "controller voters (SIM_VOTERS_MAX)") &&
             ok;
    }
    if (rb == SCN__OK) {
        ok = check_limit(ctx, "brokers", brokers, SIM_NODES_MAX, "nodes (SIM_NODES_MAX)") && ok;
    }
    if (!ok) return;
    int64_t total = 0;
    if (mode == SCN_MODE_COMBINED) {
        if (rb == SCN__ABSENT) brokers = controllers;
        if (rc == SCN__ABSENT && brokers < controllers) controllers = brokers;
        if (controllers > brokers) {
            scn__push_key(ctx, "controllers");
            scn__error(ctx, SCN__LOC_VALUE,
                       "'controllers' is %lld but 'brokers' is %lld: in combined mode every "
                       "controller is also a broker, so controllers cannot exceed brokers",
                       (long long)controllers, (long long)brokers);
            scn__pop(ctx);
            return;
        }
        total = brokers;
    } else {
        total = controllers + brokers;
        if (total > SIM_NODES_MAX) {
            scn__error(ctx, SCN__LOC_VALUE,
                       "the cluster has %lld nodes (%lld controllers + %lld brokers), above "
                       "the limit of %u nodes (SIM_NODES_MAX)",
                       (long long)total, (long long)controllers, (long long)brokers, SIM_NODES_MAX);
            return;
        }
    }
    if (first_id + total - 1 > SIM_NODE_ID_MAX) {
        scn__push_key(ctx, "first_id");
        scn__error(ctx, SCN__LOC_VALUE,
                   "node ids would run from %lld to %lld, above the largest node id %d "
                   "(SIM_NODE_ID_MAX)",
                   (long long)first_id, (long long)(first_id + total - 1), SIM_NODE_ID_MAX);
        scn__pop(ctx);
        return;
    }
    fill_layout(ctx->cfg, mode, (uint32_t)controllers, (uint32_t)brokers, (int32_t)first_id);
}

/* One element of `nodes`; false if it is not a valid node. */
static bool parse_node(scn__ctx *ctx, const json_t *elem, scn_node *out)
{
    static const char *const keys[] = {"id", "roles", "rack"};
    static const char *const roles[] = {"controller", "broker"};
    if (!json_is_object(elem)) {
        scn__type_error(ctx, elem,
                        "a node object such as {\"id\": 1, \"roles\": [\"controller\", "
                        "\"broker\"]}");
        return false;
    }
    const uint32_t errors_before = ctx->diags.error_count;
    scn__check_keys(ctx, elem, keys, ARRAY_COUNT(keys), NULL, 0);
    int64_t id = 0;
    scn__require(ctx, elem, "id");
    scn__require(ctx, elem, "roles");
    if (scn__get_int(ctx, elem, "id", 0, SIM_NODE_ID_MAX, &id) == SCN__OK) out->id = (int32_t)id;
    const json_t *list = NULL;
    if (scn__get_array(ctx, elem, "roles", &list) == SCN__OK) {
        scn__push_key(ctx, "roles");
        if (json_array_size(list) == 0) {
            scn__error(ctx, SCN__LOC_VALUE,
                       "'roles' is empty: give \"controller\", \"broker\" or both");
        }
        for (size_t i = 0; i < json_array_size(list); i++) {
            const json_t *r = json_array_get(list, i);
            scn__push_index(ctx, (uint32_t)i);
            const char *text = json_string_value(r);
            bool *flag = NULL;
            if (text != NULL && strcmp(text, "controller") == 0) flag = &out->controller;
            if (text != NULL && strcmp(text, "broker") == 0) flag = &out->broker;
            if (text == NULL) {
                scn__type_error(ctx, r, "\"controller\" or \"broker\"");
            } else if (flag == NULL) {
                scn__error_choice(ctx, "role", text, roles, 2);
            } else if (*flag) {
                scn__error(ctx, SCN__LOC_VALUE, "role '%s' is listed twice", text);
            } else {
                *flag = true;
            }
            scn__pop(ctx);
        }
        scn__pop(ctx);
    }
    const char *rack = NULL;
    if (scn__get_string(ctx, elem, "rack", &rack) == SCN__OK) {
        const size_t n = strlen(rack);
        if (n == 0 || n > SCN__NAME_BYTES_MAX) {
            scn__push_key(ctx, "rack");
            scn__error(ctx, SCN__LOC_VALUE, "'rack' must be 1 to %u bytes long, found %zu",
                       SCN__NAME_BYTES_MAX, n);
            scn__pop(ctx);
        }
        out->rack = rack; /* borrowed from the tree; copied when the table is built */
    }
    return ctx->diags.error_count == errors_before;
}

static int compare_nodes(const void *a, const void *b)
{
    const scn_node *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id); /* ids are unique: a total order */
}

static void validate_node_list(scn__ctx *ctx, const json_t *cluster, const json_t *list)
{
    static const char *const excluded[] = {"mode", "controllers", "brokers", "first_id"};
    for (size_t i = 0; i < ARRAY_COUNT(excluded); i++) {
        if (json_object_get(cluster, excluded[i]) == NULL) continue;
        scn__push_key(ctx, excluded[i]);
        scn__error(ctx, SCN__LOC_KEY,
                   "'%s' cannot be used with 'nodes': the list gives each node's id and roles",
                   excluded[i]);
        scn__pop(ctx);
    }
    if (scn__get_array(ctx, cluster, "nodes", &list) != SCN__OK) return;
    scn__push_key(ctx, "nodes");
    const size_t count = json_array_size(list);
    if (count == 0 || count > SIM_NODES_MAX) {
        if (count == 0) {
            scn__error(ctx, SCN__LOC_VALUE, "'nodes' is empty: a cluster needs at least one node");
        } else {
            scn__error(ctx, SCN__LOC_VALUE,
                       "'nodes' lists %zu nodes, above the limit of %u nodes (SIM_NODES_MAX)",
                       count, SIM_NODES_MAX);
        }
        scn__pop(ctx);
        return;
    }
    scn_node tmp[SIM_NODES_MAX];
    bool valid[SIM_NODES_MAX];
    bool all_valid = true;
    uint32_t voters = 0;
    memset(tmp, 0, sizeof tmp);
    for (uint32_t i = 0; i < count; i++) {
        scn__push_index(ctx, i);
        valid[i] = parse_node(ctx, json_array_get(list, i), &tmp[i]);
        for (uint32_t j = 0; valid[i] && j < i; j++) {
            if (!valid[j] || tmp[j].id != tmp[i].id) continue;
            scn__push_key(ctx, "id");
            scn__error(ctx, SCN__LOC_VALUE, "node id %d is used twice", tmp[i].id);
            scn__pop(ctx);
            const scn__seg first[] = {{"cluster", 0}, {"nodes", 0}, {NULL, j}, {"id", 0}};
            scn__note_at(ctx, first, 4, "node id %d is first used here", tmp[i].id);
            valid[i] = false;
            break;
        }
        all_valid = all_valid && valid[i];
        voters += valid[i] && tmp[i].controller;
        scn__pop(ctx);
    }
    if (all_valid && voters == 0) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "no node has the role \"controller\": a KRaft cluster needs at least one");
        all_valid = false;
    }
    if (all_valid && voters > SIM_VOTERS_MAX) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "%u nodes have the role \"controller\", above the limit of %u controller "
                   "voters (SIM_VOTERS_MAX)",
                   voters, SIM_VOTERS_MAX);
        all_valid = false;
    }
    scn__pop(ctx);
    if (!all_valid) return;
    scn_config *cfg = ctx->cfg;
    cfg->mode = SCN_MODE_EXPLICIT;
    cfg->node_count = (uint32_t)count;
    cfg->voter_count = voters;
    cfg->nodes = scn__pool_alloc(cfg, count, sizeof *cfg->nodes);
    for (uint32_t i = 0; i < count; i++) {
        cfg->nodes[i] = tmp[i];
        if (tmp[i].rack != NULL) cfg->nodes[i].rack = scn__pool_strdup(cfg, tmp[i].rack);
    }
    qsort(cfg->nodes, count, sizeof *cfg->nodes, compare_nodes);
}

static void validate_cluster(scn__ctx *ctx, const json_t *cluster)
{
    static const char *const keys[] = {"mode",     "controllers", "brokers",
                                       "first_id", "nodes",       "config"};
    SIM_ASSERT(json_is_object(cluster));
    SIM_ASSERT(ctx->depth == 0);
    scn__push_key(ctx, "cluster");
    scn__check_keys(ctx, cluster, keys, ARRAY_COUNT(keys), NULL, 0);
    const uint32_t errors_before = ctx->diags.error_count;
    const json_t *nodes = json_object_get(cluster, "nodes");
    if (nodes != NULL) {
        validate_node_list(ctx, cluster, nodes);
    } else {
        validate_layout(ctx, cluster);
    }
    ctx->nodes_valid = ctx->diags.error_count == errors_before && ctx->cfg->node_count > 0;
    const json_t *config = NULL;
    if (scn__get_object(ctx, cluster, "config", &config) == SCN__OK) {
        scn__push_key(ctx, "config");
        scn__validate_cluster_config(ctx, config);
        scn__pop(ctx);
    }
    scn__pop(ctx);
}

/* =================================================================================
 * raft, network
 * ================================================================================= */

static void validate_raft(scn__ctx *ctx, const json_t *raft)
{
    static const char *const keys[] = {"variant", "election_timeout", "heartbeat"};
    static const char *const variants[] = {"kraft", "classic"};
    static const char *const classic_only[] = {"election_timeout", "heartbeat"};
    SIM_ASSERT(json_is_object(raft));
    scn_config *cfg = ctx->cfg;
    scn__push_key(ctx, "raft");
    scn__check_keys(ctx, raft, keys, ARRAY_COUNT(keys), NULL, 0);
    const char *variant = NULL;
    bool known = true;
    if (scn__get_string(ctx, raft, "variant", &variant) == SCN__OK) {
        if (strcmp(variant, "classic") == 0) {
            cfg->raft_variant = SCN_RAFT_CLASSIC;
        } else if (strcmp(variant, "kraft") != 0) {
            scn__push_key(ctx, "variant");
            scn__error_choice(ctx, "raft variant", variant, variants, 2);
            scn__pop(ctx);
            known = false;
        }
    }
    if (cfg->raft_variant == SCN_RAFT_KRAFT) {
        for (size_t i = 0; known && i < ARRAY_COUNT(classic_only); i++) {
            if (json_object_get(raft, classic_only[i]) == NULL) continue;
            scn__push_key(ctx, classic_only[i]);
            scn__error(ctx, SCN__LOC_KEY,
                       "'%s' applies only to {\"variant\": \"classic\"}; KRaft's timers are the "
                       "controller.quorum.* configs in cluster.config",
                       classic_only[i]);
            scn__pop(ctx);
        }
        scn__pop(ctx);
        return;
    }
    scn_classic_config *c = &cfg->classic;
    const scn__get re = scn__get_latency(ctx, raft, "election_timeout", 1, SIM_S(60u),
                                         &c->election_timeout_min_us, &c->election_timeout_max_us);
    const scn__get rh =
        scn__get_duration(ctx, raft, "heartbeat", 1, SIM_S(60u), NULL, &c->heartbeat_us);
    if (re != SCN__BAD && rh != SCN__BAD && c->heartbeat_us >= c->election_timeout_min_us) {
        char a[32], b[32];
        scn__push_key(ctx, rh == SCN__OK ? "heartbeat" : "election_timeout");
        scn__error(ctx, SCN__LOC_VALUE,
                   "the heartbeat (%s) must be shorter than the election timeout's min (%s), "
                   "or followers would start elections under a healthy leader",
                   scn__format_duration(c->heartbeat_us, a, sizeof a),
                   scn__format_duration(c->election_timeout_min_us, b, sizeof b));
        scn__pop(ctx);
    }
    scn__pop(ctx);
}

static void validate_network(scn__ctx *ctx, const json_t *network)
{
    static const char *const keys[] = {"latency", "loss"};
    SIM_ASSERT(json_is_object(network));
    scn_config *cfg = ctx->cfg;
    scn__push_key(ctx, "network");
    scn__check_keys(ctx, network, keys, ARRAY_COUNT(keys), NULL, 0);
    sim_time lo = 0, hi = 0;
    if (scn__get_latency(ctx, network, "latency", 0, SIM_S(60u), &lo, &hi) == SCN__OK) {
        static_assert(SIM_S(60u) <= UINT32_MAX, "latency fits in 32 bits of microseconds");
        cfg->latency_min_us = (uint32_t)lo;
        cfg->latency_max_us = (uint32_t)hi;
    }
    scn__get_ppm(ctx, network, "loss", &cfg->loss_ppm);
    scn__pop(ctx);
}

/* =================================================================================
 * The top level
 * ================================================================================= */

static bool valid_name(const char *s)
{
    const size_t n = strlen(s);
    if (n == 0 || n > SCN__NAME_BYTES_MAX) return false;
    for (size_t i = 0; i < n; i++) {
        const char c = s[i];
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

static void validate_header(scn__ctx *ctx, const json_t *root)
{
    scn_config *cfg = ctx->cfg;
    const char *text = NULL;
    scn__get_string(ctx, root, "$schema", &text); /* for editors; otherwise ignored */
    const json_t *format = scn__require(ctx, root, "format");
    if (format != NULL) {
        scn__push_key(ctx, "format");
        if (!json_is_integer(format)) {
            scn__type_error(ctx, format, "the integer 1");
        } else if (json_integer_value(format) != 1) {
            scn__error(ctx, SCN__LOC_VALUE,
                       "unsupported format %" JSON_INTEGER_FORMAT ": this build reads format 1",
                       json_integer_value(format));
        }
        scn__pop(ctx);
    }
    scn__require(ctx, root, "name");
    if (scn__get_string(ctx, root, "name", &text) == SCN__OK) {
        if (valid_name(text)) {
            cfg->name = scn__pool_strdup(cfg, text);
        } else {
            char found[FOUND_BYTES];
            scn__push_key(ctx, "name");
            scn__error(ctx, SCN__LOC_VALUE,
                       "'name' must be 1 to %u characters from a-z, 0-9, '.', '_' and '-', "
                       "found %s",
                       SCN__NAME_BYTES_MAX, scn__quote(text, strlen(text), found, sizeof found));
            scn__pop(ctx);
        }
    }
    if (scn__get_string(ctx, root, "title", &text) == SCN__OK) {
        cfg->title = scn__pool_strdup(cfg, text);
    }
    if (scn__get_string(ctx, root, "description", &text) == SCN__OK) {
        cfg->description = scn__pool_strdup(cfg, text);
    }
    int64_t seed = 0;
    if (scn__get_int(ctx, root, "seed", 0, INT64_MAX, &seed) == SCN__OK) {
        cfg->seed = (uint64_t)seed;
    }
    const scn__get rd = scn__get_duration(ctx, root, "duration", 1, SIM_DURATION_MAX,
                                          "SIM_DURATION_MAX", &cfg->duration_us);
    ctx->duration_valid = rd != SCN__BAD;
}

static void validate_root(scn__ctx *ctx, const json_t *root)
{
    if (!json_is_object(root)) {
        char found[FOUND_BYTES];
        scn__error(ctx, SCN__LOC_VALUE, "a scenario is a JSON object ({...}), found %s",
                   scn__describe(root, found, sizeof found));
        return;
    }
    const size_t groups_key = scn_groups_enabled ? 1u : 0u;
    scn__check_keys(ctx, root, top_keys, ARRAY_COUNT(top_keys) - 1u + groups_key,
                    later_top_keys + groups_key, ARRAY_COUNT(later_top_keys) - groups_key);
    validate_header(ctx, root);
    const json_t *section = NULL;
    scn__require(ctx, root, "cluster");
    if (scn__get_object(ctx, root, "cluster", &section) == SCN__OK) {
        validate_cluster(ctx, section);
    }
    ctx->topics_valid = true; /* no topics: every topic a target names is unknown */
    if (scn__get_array(ctx, root, "topics", &section) == SCN__OK) {
        scn__validate_topics(ctx, section);
    } else if (json_object_get(root, "topics") != NULL) {
        ctx->topics_valid = false;
    }
    ctx->producers_valid = true;
    if (scn__get_array(ctx, root, "producers", &section) == SCN__OK) {
        if (ctx->topics_valid) {
            scn__validate_producers(ctx, section);
        } else {
            ctx->producers_valid = false; /* their topics are in doubt: said above */
        }
    } else if (json_object_get(root, "producers") != NULL) {
        ctx->producers_valid = false;
    }
    ctx->groups_valid = true;
    if (!scn_groups_enabled) {
        /* consumer_groups was reported as not modelled yet */
    } else if (scn__get_array(ctx, root, "consumer_groups", &section) == SCN__OK) {
        if (ctx->topics_valid) {
            scn__validate_groups(ctx, section, root);
        } else {
            ctx->groups_valid = false; /* their topics are in doubt: said above */
        }
    } else if (json_object_get(root, "consumer_groups") != NULL) {
        ctx->groups_valid = false;
    }
    if (scn__get_object(ctx, root, "raft", &section) == SCN__OK) validate_raft(ctx, section);
    if (scn__get_object(ctx, root, "network", &section) == SCN__OK) {
        validate_network(ctx, section);
    }
    if (scn__get_array(ctx, root, "timeline", &section) == SCN__OK) {
        scn__validate_timeline(ctx, section);
    }
    if (scn__get_array(ctx, root, "expect", &section) == SCN__OK) {
        scn__validate_expect(ctx, section);
    }
    if (scn__get_object(ctx, root, "invariants", &section) == SCN__OK) {
        scn__validate_invariants(ctx, section);
    }
}

/* =================================================================================
 * Entry points
 * ================================================================================= */

/* jansson's parse message, made printable (it quotes raw input near the error). */
static void parse_error(scn__ctx *ctx, const json_error_t *jerr)
{
    char msg[sizeof jerr->text];
    size_t o = 0;
    for (size_t i = 0; i < sizeof jerr->text - 1 && jerr->text[i] != '\0'; i++) {
        const unsigned char c = (unsigned char)jerr->text[i];
        msg[o++] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
    }
    msg[o] = '\0';
    scn__error_at(ctx, jerr->line, jerr->column, msg);
}

sim_err scn_load_buffer(const char *name, const char *buf, size_t len,
                        const scn_override *overrides, uint32_t override_count, scn_config **out,
                        scn_diags *diags)
{
    SIM_ASSERT(name != NULL && out != NULL && diags != NULL);
    SIM_ASSERT(buf != NULL || len == 0);
    SIM_ASSERT(overrides != NULL || override_count == 0);
    *out = NULL;
    memset(diags, 0, sizeof *diags);
    scn__source src = {name, buf ? buf : "", len, overrides, override_count, NULL};
    scn__ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.src = &src;
    if (len > SCN_FILE_BYTES_MAX) {
        scn__error_file(&ctx, "the file is %zu bytes, above the limit of %u bytes (4 MiB)", len,
                        SCN_FILE_BYTES_MAX);
        scn__diags_finish(&ctx, diags);
        return SIM_EINVALID;
    }
    json_object_seed(1);
    json_error_t jerr;
    json_t *root = json_loadb(src.buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        parse_error(&ctx, &jerr);
        scn__diags_finish(&ctx, diags);
        return SIM_EINVALID;
    }
    scn_config *cfg = sim_xcalloc(1, sizeof *cfg);
    cfg->owned_ = sim_xcalloc(1, sizeof(scn__pool));
    ctx.cfg = cfg;
    set_defaults(cfg);
    cfg->path = scn__pool_strdup(cfg, name);
    scn__apply_overrides(&ctx, root);
    validate_root(&ctx, root);
    SIM_ASSERT(ctx.depth == 0); /* every push had its pop */
    if (ctx.diags.error_count == 0) {
        /* The document as validated (overrides applied), for the viewer's saved session. */
        char *text = json_dumps(root, JSON_PRESERVE_ORDER | JSON_INDENT(2));
        if (text != NULL) {
            cfg->effective_json = scn__pool_strdup(cfg, text);
            free(text);
        }
    }
    json_decref(root);
    scn__free_opaths(&src);
    const bool ok = ctx.diags.error_count == 0;
    scn__diags_finish(&ctx, diags);
    if (!ok) {
        scn_config_free(cfg);
        return SIM_EINVALID;
    }
    /* Pair assertions for the world (style C.6 item 6): what validation guaranteed. */
    SIM_ASSERT(cfg->name != NULL);
    SIM_ASSERT(cfg->node_count >= 1 && cfg->node_count <= SIM_NODES_MAX);
    SIM_ASSERT(cfg->voter_count >= 1 && cfg->voter_count <= SIM_VOTERS_MAX);
    for (uint32_t i = 1; i < cfg->node_count; i++) {
        SIM_ASSERT(cfg->nodes[i - 1].id < cfg->nodes[i].id);
    }
    for (uint32_t i = 1; i < cfg->action_count; i++) {
        SIM_ASSERT(cfg->actions[i - 1].at_us <= cfg->actions[i].at_us);
    }
    SIM_ASSERT(cfg->topic_count <= SCN_TOPICS_MAX);
    for (uint32_t i = 0; i < cfg->topic_count; i++) {
        const scn_topic *t = &cfg->topics[i];
        SIM_ASSERT(t->name != NULL);
        SIM_ASSERT(t->partitions >= 1 && t->partitions <= SCN_TOPIC_PARTITIONS_MAX);
        SIM_ASSERT(t->replication_factor >= 1 &&
                   t->replication_factor <= SCN_REPLICATION_FACTOR_MAX);
        SIM_ASSERT(t->min_insync_replicas >= 1);
    }
    SIM_ASSERT(cfg->kafka.replica_fetch_wait_max_ms <= cfg->kafka.replica_lag_time_max_ms);
    SIM_ASSERT(cfg->group_count <= SCN_GROUPS_MAX);
    if (cfg->group_count > 0) SIM_ASSERT(scn_groups_enabled);
    for (uint32_t i = 0; i < cfg->group_count; i++) {
        const scn_group *g = &cfg->groups[i];
        SIM_ASSERT(g->group != NULL);
        SIM_ASSERT(g->topic_count >= 1 && g->topic_count <= SCN_GROUP_TOPICS_MAX);
        SIM_ASSERT(g->members <= g->members_max && g->members_max <= SCN_GROUP_MEMBERS_MAX);
        SIM_ASSERT(g->strategy_count >= 1 && g->strategy_count <= 4);
        SIM_ASSERT(g->heartbeat_interval_ms < g->session_timeout_ms);
        if (g->commit == SCN_COMMIT_AUTO) SIM_ASSERT(g->enable_auto_commit);
        if (g->has_poison) SIM_ASSERT(g->poison_topic < cfg->topic_count);
    }
    for (uint32_t i = 0; i < cfg->action_count; i++) {
        const scn_action *a = &cfg->actions[i];
        if (a->kind != SCN_ACT_ADD_CONSUMER && a->kind != SCN_ACT_REMOVE_CONSUMER) continue;
        SIM_ASSERT(a->group < cfg->group_count);
        SIM_ASSERT(a->member < (int32_t)cfg->groups[a->group].members_max);
    }
    SIM_ASSERT(cfg->latency_min_us <= cfg->latency_max_us);
    SIM_ASSERT(cfg->loss_ppm <= 1000000u);
    *out = cfg;
    return SIM_OK;
}

/* Reads at most SCN_FILE_BYTES_MAX + 1 bytes, so a larger file is known without
 * reading it all. */
static sim_err read_file(FILE *f, char **buf_out, size_t *len_out)
{
    size_t cap = 64u * 1024u, len = 0;
    char *buf = sim_xmalloc(cap);
    for (;;) {
        if (len == cap) {
            cap = cap * 2 > SCN_FILE_BYTES_MAX + 1u ? SCN_FILE_BYTES_MAX + 1u : cap * 2;
            buf = sim_xrealloc(buf, cap);
        }
        const size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0 || len > SCN_FILE_BYTES_MAX) break;
    }
    if (ferror(f)) {
        free(buf);
        return SIM_EIO;
    }
    *buf_out = buf;
    *len_out = len;
    return SIM_OK;
}

sim_err scn_load_file(const char *path, const scn_override *overrides, uint32_t override_count,
                      scn_config **out, scn_diags *diags)
{
    SIM_ASSERT(path != NULL && out != NULL && diags != NULL);
    *out = NULL;
    memset(diags, 0, sizeof *diags);
    scn__source src = {path, "", 0, NULL, 0, NULL};
    scn__ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.src = &src;
    errno = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        scn__error_file(&ctx, "cannot open the file: %s", strerror(errno));
        scn__diags_finish(&ctx, diags);
        return SIM_EIO;
    }
    char *buf = NULL;
    size_t len = 0;
    errno = 0;
    const sim_err read = read_file(f, &buf, &len);
    const int read_errno = errno;
    fclose(f);
    if (read != SIM_OK) {
        scn__error_file(&ctx, "cannot read the file: %s", strerror(read_errno));
        scn__diags_finish(&ctx, diags);
        return SIM_EIO;
    }
    if (len > SCN_FILE_BYTES_MAX) {
        free(buf);
        scn__error_file(&ctx, "the file is larger than the limit of %u bytes (4 MiB)",
                        SCN_FILE_BYTES_MAX);
        scn__diags_finish(&ctx, diags);
        return SIM_EINVALID;
    }
    const sim_err r = scn_load_buffer(path, buf, len, overrides, override_count, out, diags);
    free(buf);
    return r;
}

void scn_config_free(scn_config *config)
{
    if (config == NULL) return;
    scn__pool *pool = config->owned_;
    if (pool != NULL) {
        for (uint32_t i = 0; i < pool->count; i++) free(pool->ptrs[i]);
        free(pool->ptrs);
        free(pool);
    }
    free(config);
}
