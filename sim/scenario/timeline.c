/*
 * timeline.c — the scenario's `timeline`: faults and notes at virtual times.
 *
 * Role: validates `timeline` into `scn_action`s (load.c calls it after `cluster` and
 *   `duration`, so node ids and the end of the run are known), resolves what can be
 *   resolved statically (node ids exist, labels are defined before use) and sorts the
 *   actions by time. The world schedules them; symbols (`controller-leader`, `@LABEL`)
 *   are resolved when an action runs.
 * Model: spec §2 "timeline actions" and "node targets". An action is
 *   `{"at": DURATION, "do": KIND, ...}`, optionally with `"label"`; a node target is a
 *   node id, "controller-leader", "leader:TOPIC-P" / "follower:TOPIC-P" (that
 *   partition's leader, its lowest-id follower; TOPIC a topic of the scenario, P below
 *   its partition count; the topic is the text before the last '-') or "@LABEL" (the
 *   node an earlier labelled action resolved to). "Earlier" is the order actions run
 *   in: by `at`, then file order.
 * Owns / borrows: writes `cfg->actions` (pool); label bookkeeping is temporary heap.
 * Invariants: at most SIM_TIMELINE_MAX actions, checked before any per-action memory;
 *   a partition has ≥ 2 non-empty, disjoint sides with at most SIM_NODES_MAX targets in
 *   all; `at` ≤ the scenario's duration.
 * Determinism: actions are sorted by (at, file index), a total order, so equal times
 *   keep file order whatever qsort does.
 *   While `scn_groups_enabled`, "coordinator:GROUP" (the group's coordinator when the
 *   action runs) and "GROUP/N" (member N of a group: a client endpoint, for network
 *   actions only) are targets too, `add_consumer` ({"group"}: the next member number, in
 *   the order actions run) and `remove_consumer` ({"group", "member" (default -1: the
 *   highest alive), "graceful" (default true)}) are actions.
 * Not modelled: actions of later models (topic creation, reassignment, configs,
 *   describe, questions) are rejected as "not modelled yet"; so are consumer groups'
 *   targets and actions while `scn_groups_enabled` is false.
 */
#include "scn_internal.h"

#include "../core/sim_arena.h"
#include "../core/sim_assert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define NAME_BYTES     96u
#define TARGET_EXPECTED                                                                            \
    "a node target (a node id, \"controller-leader\", \"leader:TOPIC-P\", "                        \
    "\"follower:TOPIC-P\" or \"@LABEL\")"

static const char *const action_names[] = {
    "crash",
    "restart",
    "shutdown",
    "power_off",
    "pause",
    "resume",
    "timeout",
    "isolate",
    "partition",
    "cut",
    "link",
    "heal",
    "note",
    "start_producer",
    "stop_producer",
    "add_consumer",
    "remove_consumer",
};
static_assert(ARRAY_COUNT(action_names) == SCN_ACT_COUNT, "one name per action kind");

static const char *const later_actions[] = {
    "create_topic", "add_partitions", "reassign", "elect_preferred",
    "alter_config", "describe",       "question",
};

const char *scn_action_name(scn_action_kind kind)
{
    SIM_ASSERT((unsigned)kind < SCN_ACT_COUNT);
    return action_names[kind];
}

/* Keys each kind accepts. */
static const char *const keys_node[] = {"at", "do", "label", "node"};
static const char *const keys_pause[] = {"at", "do", "label", "node", "for"};
static const char *const keys_partition[] = {"at", "do", "label", "sides"};
static const char *const keys_cut[] = {"at", "do", "label", "from", "to"};
static const char *const keys_link[] = {"at", "do", "label", "a", "b", "latency", "loss"};
static const char *const keys_heal[] = {"at", "do", "label", "node", "a", "b"};
static const char *const keys_note[] = {"at", "do", "label", "text"};
static const char *const keys_producer[] = {"at", "do", "label", "name"};
static const char *const keys_consumer[] = {"at", "do", "label", "group", "member", "graceful"};
/* While scn_groups_enabled: `member` of add_consumer is reported by parse_add_consumer. */
static const char *const keys_add_consumer[] = {"at", "do", "label", "group", "member"};

static const struct {
    const char *const *keys;
    size_t count;
} kind_keys[] = {
    [SCN_ACT_CRASH] = {keys_node, ARRAY_COUNT(keys_node)},
    [SCN_ACT_RESTART] = {keys_node, ARRAY_COUNT(keys_node)},
    [SCN_ACT_SHUTDOWN] = {keys_node, ARRAY_COUNT(keys_node)},
    [SCN_ACT_POWER_OFF] = {keys_node, ARRAY_COUNT(keys_node)},
    [SCN_ACT_PAUSE] = {keys_pause, ARRAY_COUNT(keys_pause)},
    [SCN_ACT_RESUME] = {keys_node, ARRAY_COUNT(keys_node)},
    [SCN_ACT_TIMEOUT] = {keys_node, ARRAY_COUNT(keys_node)},
    [SCN_ACT_ISOLATE] = {keys_node, ARRAY_COUNT(keys_node)},
    [SCN_ACT_PARTITION] = {keys_partition, ARRAY_COUNT(keys_partition)},
    [SCN_ACT_CUT] = {keys_cut, ARRAY_COUNT(keys_cut)},
    [SCN_ACT_LINK] = {keys_link, ARRAY_COUNT(keys_link)},
    [SCN_ACT_HEAL] = {keys_heal, ARRAY_COUNT(keys_heal)},
    [SCN_ACT_NOTE] = {keys_note, ARRAY_COUNT(keys_note)},
    [SCN_ACT_START_PRODUCER] = {keys_producer, ARRAY_COUNT(keys_producer)},
    [SCN_ACT_STOP_PRODUCER] = {keys_producer, ARRAY_COUNT(keys_producer)},
    [SCN_ACT_ADD_CONSUMER] = {keys_consumer, ARRAY_COUNT(keys_consumer)},
    [SCN_ACT_REMOVE_CONSUMER] = {keys_consumer, ARRAY_COUNT(keys_consumer)},
};
static_assert(ARRAY_COUNT(kind_keys) == SCN_ACT_COUNT, "keys for every action kind");

/* =================================================================================
 * Label bookkeeping (temporary, for the checks after all actions are read)
 * ================================================================================= */

typedef enum target_field { TF_NODE = 0, TF_FROM, TF_TO, TF_A, TF_B, TF_SIDES } target_field;

static const char *const field_names[] = {"node", "from", "to", "a", "b", "sides"};

typedef struct label_def {
    const char *label; /* pool */
    uint32_t index;    /* action's file index */
    bool names_node;   /* the action has a `node` for the label to name */
} label_def;

typedef struct label_ref {
    const char *label; /* pool, without '@' */
    uint32_t index;    /* action's file index */
    target_field field;
    uint32_t side, member; /* TF_SIDES only */
} label_ref;

typedef struct timeline_state {
    bool *at_valid; /* per action: at_us holds the file's valid time */
    label_def *defs;
    uint32_t def_count;
    label_ref *refs;
    uint32_t ref_count, ref_cap;
} timeline_state;

static uint32_t ref_path(const label_ref *r, scn__seg *segs)
{
    segs[0] = (scn__seg){"timeline", 0};
    segs[1] = (scn__seg){NULL, r->index};
    segs[2] = (scn__seg){field_names[r->field], 0};
    if (r->field != TF_SIDES) return 3;
    segs[3] = (scn__seg){NULL, r->side};
    segs[4] = (scn__seg){NULL, r->member};
    return 5;
}

static bool valid_label(const char *s)
{
    const size_t n = strlen(s);
    if (n == 0 || n > SCN__NAME_BYTES_MAX) return false;
    for (size_t i = 0; i < n; i++) {
        const char c = s[i];
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

/* =================================================================================
 * Node targets
 * ================================================================================= */

static bool node_exists(const scn_config *cfg, int64_t id)
{
    for (uint32_t i = 0; i < cfg->node_count; i++) {
        if (cfg->nodes[i].id == id) return true;
    }
    return false;
}

/* "1..3", "0, 2, 5..7": the cluster's ids for messages (nodes are sorted by id). */
static const char *node_ids_text(const scn_config *cfg, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < cfg->node_count && o + 32 < size; i++) {
        uint32_t j = i;
        while (j + 1 < cfg->node_count && cfg->nodes[j + 1].id == cfg->nodes[j].id + 1) j++;
        if (j == i) {
            o += (size_t)snprintf(buf + o, size - o, "%s%d", i ? ", " : "", cfg->nodes[i].id);
        } else {
            o += (size_t)snprintf(buf + o, size - o, "%s%d..%d", i ? ", " : "", cfg->nodes[i].id,
                                  cfg->nodes[j].id);
        }
        i = j;
    }
    return buf;
}

static bool all_digits(const char *s)
{
    if (*s == '\0') return false;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9') return false;
    }
    return true;
}

/* The index of the topic named by the `len` bytes at `name`, or -1. */
static int find_topic(const scn_config *cfg, const char *name, size_t len)
{
    for (uint32_t i = 0; i < cfg->topic_count; i++) {
        const char *t = cfg->topics[i].name;
        if (t != NULL && strlen(t) == len && memcmp(t, name, len) == 0) return (int)i;
    }
    return -1;
}

/* "TOPIC-P", the rest of "leader:TOPIC-P" or "follower:TOPIC-P" (`whole`), at the
 * current path. The topic is what comes before the last '-' (topic names may hold '-'). */
static bool parse_partition_target(scn__ctx *ctx, const char *spec, const char *whole,
                                   scn_target_kind kind, scn_target *out)
{
    const scn_config *cfg = ctx->cfg;
    const char *prefix = kind == SCN_TARGET_PARTITION_LEADER ? "leader" : "follower";
    char safe[NAME_BYTES], topic[NAME_BYTES];
    scn__safe(whole, safe, sizeof safe);
    const char *dash = strrchr(spec, '-');
    if (dash == NULL || dash == spec || !all_digits(dash + 1) || strlen(dash + 1) > 9) {
        const int whole_topic = find_topic(cfg, spec, strlen(spec));
        if (whole_topic >= 0) {
            scn__error(ctx, SCN__LOC_VALUE,
                       "node target '%s' needs a partition number: write \"%s:%s-0\" for "
                       "partition 0",
                       safe, prefix, cfg->topics[whole_topic].name);
        } else {
            scn__error(ctx, SCN__LOC_VALUE,
                       "node target '%s' is not of the form \"%s:TOPIC-P\" (a topic, '-', a "
                       "partition number)",
                       safe, prefix);
        }
        return false;
    }
    const size_t name_len = (size_t)(dash - spec);
    const unsigned long partition = strtoul(dash + 1, NULL, 10);
    const int index = find_topic(cfg, spec, name_len);
    if (index < 0) {
        if (!ctx->topics_valid) return false; /* `topics` has errors, reported there */
        scn__safe(spec, topic, sizeof topic);
        if (name_len < sizeof topic) topic[name_len] = '\0';
        if (cfg->topic_count == 0) {
            scn__error(ctx, SCN__LOC_VALUE,
                       "node target '%s' names topic '%s', but the scenario has no topics "
                       "(declare it in \"topics\")",
                       safe, topic);
            return false;
        }
        const char *hint = NULL;
        if (scn__will_show(ctx)) {
            const char *names[SCN_TOPICS_MAX];
            for (uint32_t i = 0; i < cfg->topic_count; i++) names[i] = cfg->topics[i].name;
            hint = scn__suggest(topic, names, cfg->topic_count);
        }
        if (hint != NULL) {
            scn__error(ctx, SCN__LOC_VALUE,
                       "node target '%s' names unknown topic '%s'; did you mean '%s'?", safe, topic,
                       hint);
        } else {
            scn__error(ctx, SCN__LOC_VALUE,
                       "node target '%s' names unknown topic '%s' (not in \"topics\")", safe,
                       topic);
        }
        return false;
    }
    const scn_topic *t = &cfg->topics[index];
    if (t->partitions == 0) return false; /* the topic has errors, reported there */
    if (partition >= t->partitions && t->partitions == 1) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "node target '%s' names partition %lu, but topic '%s' has 1 partition "
                   "(partition 0)",
                   safe, partition, t->name);
        return false;
    }
    if (partition >= t->partitions) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "node target '%s' names partition %lu, but topic '%s' has %u partitions "
                   "(0 to %u)",
                   safe, partition, t->name, t->partitions, t->partitions - 1);
        return false;
    }
    out->kind = kind;
    out->topic = (uint32_t)index;
    out->partition = (uint32_t)partition;
    return true;
}

/* The consumer group named by the `len` bytes at `name`, or -1: reported at the current
 * path. `target` is the node target that names it, or NULL for an action's `group`. */
static int find_group(scn__ctx *ctx, const char *name, size_t len, const char *target)
{
    const scn_config *cfg = ctx->cfg;
    if (!ctx->groups_valid) return -1; /* `consumer_groups` has errors, reported there */
    for (uint32_t i = 0; i < cfg->group_count; i++) {
        const char *g = cfg->groups[i].group;
        if (strlen(g) == len && memcmp(g, name, len) == 0) return (int)i;
    }
    char lead[2 * NAME_BYTES], safe[NAME_BYTES], group[NAME_BYTES];
    scn__safe(name, group, sizeof group);
    if (len < sizeof group) group[len] = '\0';
    if (target != NULL) {
        snprintf(lead, sizeof lead, "node target '%s' names ",
                 scn__safe(target, safe, sizeof safe));
    } else {
        lead[0] = '\0';
    }
    if (cfg->group_count == 0) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "%sunknown consumer group '%s': the scenario declares no consumer groups "
                   "(add it to \"consumer_groups\")",
                   lead, group);
        return -1;
    }
    const char *hint = NULL;
    if (scn__will_show(ctx)) {
        const char *names[SCN_GROUPS_MAX];
        for (uint32_t i = 0; i < cfg->group_count; i++) names[i] = cfg->groups[i].group;
        hint = scn__suggest(group, names, cfg->group_count);
    }
    if (hint != NULL) {
        scn__error(ctx, SCN__LOC_VALUE, "%sunknown consumer group '%s'; did you mean '%s'?", lead,
                   group, hint);
    } else {
        scn__error(ctx, SCN__LOC_VALUE,
                   "%sunknown consumer group '%s' (not in \"consumer_groups\")", lead, group);
    }
    return -1;
}

/* Whether member `member` of group `g` can exist (a number below members_max); reported
 * at the current path otherwise, after `lead` ("node target 'billing/5' names member 5"). */
static bool check_member(scn__ctx *ctx, uint32_t g, int64_t member, const char *lead)
{
    const scn_group *grp = &ctx->cfg->groups[g];
    if (member < (int64_t)grp->members_max) return true;
    if (grp->members_max == 0) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "%s, but group '%s' has no members over the run (\"members\" is 0 and no "
                   "add_consumer action adds one)",
                   lead, grp->group);
    } else {
        scn__error(ctx, SCN__LOC_VALUE,
                   "%s, but group '%s' has at most %u member%s over the run (%u to start with, "
                   "plus one per add_consumer action), numbered 0 to %u",
                   lead, grp->group, grp->members_max, grp->members_max == 1 ? "" : "s",
                   grp->members, grp->members_max - 1);
    }
    return false;
}

/* "coordinator:GROUP": the broker coordinating the group when the action runs. */
static bool parse_coordinator_target(scn__ctx *ctx, const char *s, scn_target *out)
{
    const char *name = s + 12;
    if (*name == '\0') {
        scn__error(ctx, SCN__LOC_VALUE,
                   "node target 'coordinator:' needs a group: write \"coordinator:GROUP\"");
        return false;
    }
    const int g = find_group(ctx, name, strlen(name), s);
    if (g < 0) return false;
    out->kind = SCN_TARGET_COORDINATOR;
    out->group = (uint32_t)g;
    return true;
}

/* "GROUP/N": member N of a consumer group, a client endpoint. */
static bool parse_consumer_target(scn__ctx *ctx, const char *s, scn_target *out)
{
    const char *slash = strrchr(s, '/');
    SIM_ASSERT(slash != NULL);
    if (slash == s || !all_digits(slash + 1) || strlen(slash + 1) > 9) {
        char safe[NAME_BYTES];
        scn__error(ctx, SCN__LOC_VALUE,
                   "node target '%s' is not of the form \"GROUP/N\" (a consumer group, '/', a "
                   "member number, such as \"billing/0\")",
                   scn__safe(s, safe, sizeof safe));
        return false;
    }
    const int g = find_group(ctx, s, (size_t)(slash - s), s);
    if (g < 0) return false;
    const unsigned long member = strtoul(slash + 1, NULL, 10);
    char lead[2 * NAME_BYTES], safe[NAME_BYTES];
    snprintf(lead, sizeof lead, "node target '%s' names member %lu",
             scn__safe(s, safe, sizeof safe), member);
    if (!check_member(ctx, (uint32_t)g, (int64_t)member, lead)) return false;
    out->kind = SCN_TARGET_CONSUMER;
    out->group = (uint32_t)g;
    out->member = (uint32_t)member;
    return true;
}

static void add_ref(timeline_state *st, const char *label, uint32_t index, target_field field,
                    uint32_t side, uint32_t member)
{
    if (st->ref_count == st->ref_cap) {
        st->ref_cap = st->ref_cap ? st->ref_cap * 2 : 16;
        st->refs = sim_xrealloc(st->refs, st->ref_cap * sizeof *st->refs);
    }
    st->refs[st->ref_count++] = (label_ref){label, index, field, side, member};
}

/* The value at the current path as a node target. */
static bool parse_target(scn__ctx *ctx, timeline_state *st, const json_t *v, scn_target *out,
                         uint32_t index, target_field field, uint32_t side, uint32_t member)
{
    char safe[NAME_BYTES], ids[160];
    if (json_is_integer(v)) {
        const json_int_t id = json_integer_value(v);
        if (id < 0 || id > SIM_NODE_ID_MAX) {
            scn__error(ctx, SCN__LOC_VALUE,
                       "node ids are between 0 and %d (SIM_NODE_ID_MAX), found %lld",
                       SIM_NODE_ID_MAX, (long long)id);
            return false;
        }
        if (ctx->nodes_valid && !node_exists(ctx->cfg, id)) {
            scn__error(ctx, SCN__LOC_VALUE, "node %lld does not exist; the cluster's nodes are %s",
                       (long long)id, node_ids_text(ctx->cfg, ids, sizeof ids));
            return false;
        }
        out->kind = SCN_TARGET_NODE;
        out->node_id = (int32_t)id;
        return true;
    }
    if (!json_is_string(v)) {
        scn__type_error(ctx, v, TARGET_EXPECTED);
        return false;
    }
    const char *s = json_string_value(v);
    scn__safe(s, safe, sizeof safe);
    if (strcmp(s, "controller-leader") == 0) {
        out->kind = SCN_TARGET_CONTROLLER_LEADER;
        return true;
    }
    if (s[0] == '@') {
        if (!valid_label(s + 1)) {
            scn__error(ctx, SCN__LOC_VALUE,
                       "'%s' is not a label reference: '@' must be followed by 1 to %u "
                       "characters from A-Z, a-z, 0-9, '.', '_' and '-'",
                       safe, SCN__NAME_BYTES_MAX);
            return false;
        }
        out->kind = SCN_TARGET_LABEL;
        out->label = scn__pool_strdup(ctx->cfg, s + 1);
        add_ref(st, out->label, index, field, side, member);
        return true;
    }
    if (strncmp(s, "leader:", 7) == 0) {
        return parse_partition_target(ctx, s + 7, s, SCN_TARGET_PARTITION_LEADER, out);
    }
    if (strncmp(s, "follower:", 9) == 0) {
        return parse_partition_target(ctx, s + 9, s, SCN_TARGET_PARTITION_FOLLOWER, out);
    }
    if (strncmp(s, "coordinator:", 12) == 0 && scn_groups_enabled) {
        return parse_coordinator_target(ctx, s, out);
    }
    if (strncmp(s, "coordinator:", 12) == 0) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "node target '%s' needs consumer groups, which are not modelled yet in this "
                   "build (see docs/scenarios.md)",
                   safe);
        return false;
    }
    if (strchr(s, '/') != NULL && scn_groups_enabled) return parse_consumer_target(ctx, s, out);
    if (all_digits(s)) {
        scn__error(ctx, SCN__LOC_VALUE, "node ids are integers: write %s without quotes", safe);
        return false;
    }
    /* Spec §2: clients are endpoints too; a producer is named by its name. */
    for (uint32_t i = 0; ctx->producers_valid && i < ctx->cfg->producer_count; i++) {
        if (strcmp(s, ctx->cfg->producers[i].name) != 0) continue;
        out->kind = SCN_TARGET_CLIENT;
        out->client = i;
        return true;
    }
    if (!ctx->producers_valid) return false; /* it may name a producer reported above */
    static const char *const symbols[] = {"controller-leader"};
    if (scn__suggest(s, symbols, 1) != NULL) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "unknown node target '%s'; did you mean 'controller-leader'?", safe);
    } else if (scn_groups_enabled) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "unknown node target '%s': expected a node id, \"controller-leader\", "
                   "\"leader:TOPIC-P\", \"follower:TOPIC-P\", \"coordinator:GROUP\", \"@LABEL\", "
                   "a producer's name or a consumer \"GROUP/N\"",
                   safe);
    } else {
        scn__error(ctx, SCN__LOC_VALUE,
                   "unknown node target '%s': expected a node id, \"controller-leader\", "
                   "\"leader:TOPIC-P\", \"follower:TOPIC-P\", \"@LABEL\" or a producer's name",
                   safe);
    }
    return false;
}

/* A required target at key `key` of action `a`. */
static bool get_target(scn__ctx *ctx, timeline_state *st, const json_t *a, const char *key,
                       target_field field, uint32_t index, scn_target *out)
{
    const json_t *v = scn__require(ctx, a, key);
    if (v == NULL) return false;
    scn__push_key(ctx, key);
    const bool ok = parse_target(ctx, st, v, out, index, field, 0, 0);
    scn__pop(ctx);
    return ok;
}

static bool same_target(const scn_target *x, const scn_target *y)
{
    if (x->kind != y->kind) return false;
    switch (x->kind) {
    case SCN_TARGET_NONE:
    case SCN_TARGET_CONTROLLER_LEADER:
        return true;
    case SCN_TARGET_NODE:
        return x->node_id == y->node_id;
    case SCN_TARGET_LABEL:
        return strcmp(x->label, y->label) == 0;
    case SCN_TARGET_PARTITION_LEADER:
    case SCN_TARGET_PARTITION_FOLLOWER:
        return x->topic == y->topic && x->partition == y->partition;
    case SCN_TARGET_CLIENT:
        return x->client == y->client;
    case SCN_TARGET_COORDINATOR:
        return x->group == y->group;
    case SCN_TARGET_CONSUMER:
        return x->group == y->group && x->member == y->member;
    default:
        SIM_UNREACHABLE();
    }
}

static const char *target_text(const scn_config *cfg, const scn_target *t, char *buf, size_t size)
{
    switch (t->kind) {
    case SCN_TARGET_NODE:
        snprintf(buf, size, "node %d", t->node_id);
        break;
    case SCN_TARGET_CONTROLLER_LEADER:
        snprintf(buf, size, "\"controller-leader\"");
        break;
    case SCN_TARGET_LABEL:
        snprintf(buf, size, "\"@%s\"", t->label);
        break;
    case SCN_TARGET_PARTITION_LEADER:
    case SCN_TARGET_PARTITION_FOLLOWER:
        /* The topic's name is at most SCN_TOPIC_NAME_MAX characters: cut for messages. */
        snprintf(buf, size, "\"%s:%.40s%s-%u\"",
                 t->kind == SCN_TARGET_PARTITION_LEADER ? "leader" : "follower",
                 cfg->topics[t->topic].name, strlen(cfg->topics[t->topic].name) > 40 ? "..." : "",
                 t->partition);
        break;
    case SCN_TARGET_CLIENT:
        snprintf(buf, size, "producer \"%s\"", cfg->producers[t->client].name);
        break;
    case SCN_TARGET_COORDINATOR:
        snprintf(buf, size, "\"coordinator:%s\"", cfg->groups[t->group].group);
        break;
    case SCN_TARGET_CONSUMER:
        snprintf(buf, size, "consumer \"%s/%u\"", cfg->groups[t->group].group, t->member);
        break;
    case SCN_TARGET_NONE:
    default:
        SIM_UNREACHABLE();
    }
    return buf;
}

/* Reports `second` naming the same endpoint as `first` (a link needs two ends). */
static void check_distinct(scn__ctx *ctx, const scn_target *x, const scn_target *y,
                           const char *first, const char *second)
{
    if (!same_target(x, y)) return;
    char text[NAME_BYTES];
    scn__push_key(ctx, second);
    scn__error(ctx, SCN__LOC_VALUE, "'%s' and '%s' are both %s: a link joins two endpoints", first,
               second, target_text(ctx->cfg, y, text, sizeof text));
    scn__pop(ctx);
}

/* =================================================================================
 * Actions
 * ================================================================================= */

/* The `do` of an action: its kind, or -1 (reported) when missing, unknown or later. */
static int parse_kind(scn__ctx *ctx, const json_t *a)
{
    const json_t *d = scn__require(ctx, a, "do");
    if (d == NULL) return -1;
    scn__push_key(ctx, "do");
    int kind = -1;
    const char *s = json_string_value(d);
    char safe[NAME_BYTES];
    if (s == NULL) {
        scn__type_error(ctx, d, "an action name such as \"crash\"");
        scn__pop(ctx);
        return -1;
    }
    for (size_t i = 0; i < ARRAY_COUNT(action_names); i++) {
        if (strcmp(s, action_names[i]) == 0) kind = (int)i;
    }
    bool later = false;
    for (size_t i = 0; i < ARRAY_COUNT(later_actions); i++)
        later |= strcmp(s, later_actions[i]) == 0;
    scn__safe(s, safe, sizeof safe);
    if (later) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "action '%s' is not modelled yet in this build (see docs/scenarios.md)", safe);
    } else if (kind < 0) {
        const bool show = scn__will_show(ctx);
        const char *hint = show ? scn__suggest(s, action_names, ARRAY_COUNT(action_names)) : NULL;
        if (hint == NULL && show) {
            hint = scn__suggest(s, later_actions, ARRAY_COUNT(later_actions));
        }
        if (hint != NULL) {
            scn__error(ctx, SCN__LOC_VALUE, "unknown action '%s'; did you mean '%s'?", safe, hint);
        } else {
            scn__error(ctx, SCN__LOC_VALUE,
                       "unknown action '%s' (this build models: crash, restart, shutdown, "
                       "power_off, pause, resume, timeout, isolate, partition, cut, link, heal, "
                       "note)",
                       safe);
        }
    }
    scn__pop(ctx);
    return kind;
}

static void parse_partition(scn__ctx *ctx, timeline_state *st, const json_t *a, scn_action *act)
{
    const json_t *sides = scn__require(ctx, a, "sides");
    if (sides == NULL) return;
    scn__push_key(ctx, "sides");
    const size_t side_count = json_array_size(sides);
    size_t total = 0;
    for (size_t i = 0; i < side_count; i++) total += json_array_size(json_array_get(sides, i));
    if (!json_is_array(sides)) {
        scn__type_error(ctx, sides,
                        "an array of sides, each an array of node targets, such as "
                        "[[1], [2, 3]]");
    } else if (side_count < 2) {
        scn__error(ctx, SCN__LOC_VALUE, "a partition needs at least 2 sides, found %zu",
                   side_count);
    } else if (side_count > SIM_NODES_MAX || total > SIM_NODES_MAX) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "the sides name %zu node targets, above the limit of %u nodes "
                   "(SIM_NODES_MAX)",
                   total > side_count ? total : side_count, SIM_NODES_MAX);
    } else {
        act->side_count = (uint32_t)side_count;
        act->members = scn__pool_alloc(ctx->cfg, total ? total : 1, sizeof *act->members);
        act->side_index = scn__pool_alloc(ctx->cfg, total ? total : 1, sizeof *act->side_index);
        for (uint32_t i = 0; i < side_count; i++) {
            const json_t *side = json_array_get(sides, i);
            scn__push_index(ctx, i);
            if (!json_is_array(side)) {
                scn__type_error(ctx, side, "an array of node targets");
            } else if (json_array_size(side) == 0) {
                scn__error(ctx, SCN__LOC_VALUE, "side %u of the partition is empty", i);
            }
            for (uint32_t j = 0; j < json_array_size(side); j++) {
                scn__push_index(ctx, j);
                scn_target t = {.kind = SCN_TARGET_NONE};
                if (parse_target(ctx, st, json_array_get(side, j), &t, act->index, TF_SIDES, i,
                                 j)) {
                    uint32_t k = 0;
                    while (k < act->member_count && !same_target(&act->members[k], &t)) k++;
                    char text[NAME_BYTES];
                    if (k < act->member_count) {
                        scn__error(ctx, SCN__LOC_VALUE,
                                   "%s is already on side %u: the sides must not overlap",
                                   target_text(ctx->cfg, &t, text, sizeof text),
                                   act->side_index[k]);
                    } else {
                        act->members[act->member_count] = t;
                        act->side_index[act->member_count++] = i;
                    }
                }
                scn__pop(ctx);
            }
            scn__pop(ctx);
        }
    }
    scn__pop(ctx);
}

static void parse_link(scn__ctx *ctx, timeline_state *st, const json_t *a, scn_action *act)
{
    const bool ok_a = get_target(ctx, st, a, "a", TF_A, act->index, &act->a);
    const bool ok_b = get_target(ctx, st, a, "b", TF_B, act->index, &act->b);
    if (ok_a && ok_b) check_distinct(ctx, &act->a, &act->b, "a", "b");
    sim_time lo = 0, hi = 0;
    const scn__get rl = scn__get_latency(ctx, a, "latency", 0, SIM_S(60u), &lo, &hi);
    act->has_latency = rl == SCN__OK;
    act->latency_min_us = lo;
    act->latency_max_us = hi;
    const scn__get rp = scn__get_ppm(ctx, a, "loss", &act->loss_ppm);
    act->has_loss = rp == SCN__OK;
    if (rl == SCN__ABSENT && rp == SCN__ABSENT) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "a 'link' action needs 'latency', 'loss' or both (to cut a link, use 'cut')");
    }
}

static void parse_heal(scn__ctx *ctx, timeline_state *st, const json_t *a, scn_action *act)
{
    const bool has_node = json_object_get(a, "node") != NULL;
    const bool has_a = json_object_get(a, "a") != NULL;
    const bool has_b = json_object_get(a, "b") != NULL;
    if (has_node && (has_a || has_b)) {
        scn__push_key(ctx, has_a ? "a" : "b");
        scn__error(ctx, SCN__LOC_KEY,
                   "'heal' takes 'node' (that node's faults) or 'a' and 'b' (one link), not both");
        scn__pop(ctx);
        return;
    }
    if (has_node) {
        get_target(ctx, st, a, "node", TF_NODE, act->index, &act->node);
    } else if (has_a || has_b) {
        const bool ok_a = get_target(ctx, st, a, "a", TF_A, act->index, &act->a);
        const bool ok_b = get_target(ctx, st, a, "b", TF_B, act->index, &act->b);
        if (ok_a && ok_b) check_distinct(ctx, &act->a, &act->b, "a", "b");
    }
}

/* Process actions name nodes only: a producer or a consumer is a client, not a Kafka
 * process. */
static void reject_client(scn__ctx *ctx, const scn_action *act)
{
    if (act->node.kind == SCN_TARGET_CONSUMER) {
        const scn_group *g = &ctx->cfg->groups[act->node.group];
        scn__push_key(ctx, "node");
        scn__error(ctx, SCN__LOC_VALUE,
                   "'%s' names consumer '%s/%u', but %s applies to Kafka nodes only (consumers "
                   "take network actions: isolate, heal, partition, cut, link; remove_consumer "
                   "stops one, and with \"graceful\": false crashes it)",
                   scn_action_name(act->kind), g->group, act->node.member,
                   scn_action_name(act->kind));
        scn__pop(ctx);
        return;
    }
    if (act->node.kind != SCN_TARGET_CLIENT) return;
    scn__push_key(ctx, "node");
    scn__error(ctx, SCN__LOC_VALUE,
               "'%s' names producer '%s', but %s applies to Kafka nodes only (producers take "
               "network actions: isolate, heal, partition, cut, link; and start_producer, "
               "stop_producer)",
               scn_action_name(act->kind), ctx->cfg->producers[act->node.client].name,
               scn_action_name(act->kind));
    scn__pop(ctx);
}

/* `name` of start_producer / stop_producer: a producer of `producers`. */
static void parse_producer_name(scn__ctx *ctx, const json_t *a, scn_action *act)
{
    const char *name = NULL;
    scn__require(ctx, a, "name");
    if (scn__get_string(ctx, a, "name", &name) != SCN__OK || !ctx->producers_valid) return;
    const scn_config *cfg = ctx->cfg;
    const char *names[SCN_PRODUCERS_MAX];
    for (uint32_t i = 0; i < cfg->producer_count; i++) {
        if (strcmp(cfg->producers[i].name, name) == 0) {
            act->producer = i;
            return;
        }
        names[i] = cfg->producers[i].name;
    }
    scn__push_key(ctx, "name");
    if (cfg->producer_count == 0) {
        scn__error(ctx, SCN__LOC_VALUE, "unknown producer '%s': the scenario declares no producers",
                   name);
    } else {
        scn__error_choice(ctx, "producer", name, names, cfg->producer_count);
    }
    scn__pop(ctx);
}

/* `group` of add_consumer / remove_consumer: a group of `consumer_groups`. */
static bool parse_action_group(scn__ctx *ctx, const json_t *a, scn_action *act)
{
    const char *name = NULL;
    act->group = UINT32_MAX;
    scn__require(ctx, a, "group");
    if (scn__get_string(ctx, a, "group", &name) != SCN__OK) return false;
    scn__push_key(ctx, "group");
    const int g = find_group(ctx, name, strlen(name), NULL);
    scn__pop(ctx);
    if (g < 0) return false;
    act->group = (uint32_t)g;
    return true;
}

/* add_consumer: the member number is the next one, given after sorting (number_adds). */
static void parse_add_consumer(scn__ctx *ctx, const json_t *a, scn_action *act)
{
    parse_action_group(ctx, a, act);
    act->member = -1;
    if (json_object_get(a, "member") == NULL) return;
    scn__push_key(ctx, "member");
    scn__error(ctx, SCN__LOC_KEY,
               "add_consumer takes no 'member': the new member gets the group's next number "
               "(its \"members\", then one more per add_consumer, in the order they run)");
    scn__pop(ctx);
}

static void parse_remove_consumer(scn__ctx *ctx, const json_t *a, scn_action *act)
{
    const bool group_ok = parse_action_group(ctx, a, act);
    act->member = -1;
    act->graceful = true;
    int64_t member = 0;
    if (scn__get_int(ctx, a, "member", 0, INT32_MAX, &member) == SCN__OK) {
        scn__push_key(ctx, "member");
        char lead[64];
        snprintf(lead, sizeof lead, "remove_consumer names member %lld", (long long)member);
        if (!group_ok || check_member(ctx, act->group, member, lead)) act->member = (int32_t)member;
        scn__pop(ctx);
    }
    const json_t *graceful = json_object_get(a, "graceful");
    if (graceful != NULL && json_is_boolean(graceful)) {
        act->graceful = json_is_true(graceful);
    } else if (graceful != NULL) {
        scn__push_key(ctx, "graceful");
        scn__type_error(ctx, graceful, "true or false");
        scn__pop(ctx);
    }
}

static void parse_kind_keys(scn__ctx *ctx, timeline_state *st, const json_t *a, scn_action *act)
{
    switch (act->kind) {
    case SCN_ACT_CRASH:
    case SCN_ACT_RESTART:
    case SCN_ACT_SHUTDOWN:
    case SCN_ACT_POWER_OFF:
    case SCN_ACT_RESUME:
    case SCN_ACT_TIMEOUT:
        if (get_target(ctx, st, a, "node", TF_NODE, act->index, &act->node))
            reject_client(ctx, act);
        break;
    case SCN_ACT_ISOLATE:
        get_target(ctx, st, a, "node", TF_NODE, act->index, &act->node);
        break;
    case SCN_ACT_PAUSE:
        if (get_target(ctx, st, a, "node", TF_NODE, act->index, &act->node))
            reject_client(ctx, act);
        scn__get_duration(ctx, a, "for", 1, SIM_DURATION_MAX, "SIM_DURATION_MAX", &act->for_us);
        break;
    case SCN_ACT_PARTITION:
        parse_partition(ctx, st, a, act);
        break;
    case SCN_ACT_CUT: {
        const bool ok_a = get_target(ctx, st, a, "from", TF_FROM, act->index, &act->a);
        const bool ok_b = get_target(ctx, st, a, "to", TF_TO, act->index, &act->b);
        if (ok_a && ok_b) check_distinct(ctx, &act->a, &act->b, "from", "to");
        break;
    }
    case SCN_ACT_LINK:
        parse_link(ctx, st, a, act);
        break;
    case SCN_ACT_HEAL:
        parse_heal(ctx, st, a, act);
        break;
    case SCN_ACT_NOTE: {
        const char *text = NULL;
        scn__require(ctx, a, "text");
        if (scn__get_string(ctx, a, "text", &text) == SCN__OK) {
            if (text[0] == '\0') {
                scn__push_key(ctx, "text");
                scn__error(ctx, SCN__LOC_VALUE, "'text' is empty");
                scn__pop(ctx);
            }
            act->text = scn__pool_strdup(ctx->cfg, text);
        }
        break;
    }
    case SCN_ACT_START_PRODUCER:
    case SCN_ACT_STOP_PRODUCER:
        parse_producer_name(ctx, a, act);
        break;
    case SCN_ACT_ADD_CONSUMER:
    case SCN_ACT_REMOVE_CONSUMER:
        if (scn_groups_enabled) {
            if (act->kind == SCN_ACT_ADD_CONSUMER) {
                parse_add_consumer(ctx, a, act);
            } else {
                parse_remove_consumer(ctx, a, act);
            }
            break;
        }
        scn__push_key(ctx, "do");
        scn__error(ctx, SCN__LOC_VALUE,
                   "action '%s' is not modelled yet in this build (see docs/scenarios.md)",
                   scn_action_name(act->kind));
        scn__pop(ctx);
        break;
    case SCN_ACT_COUNT:
    default:
        SIM_UNREACHABLE();
    }
}

static void parse_action(scn__ctx *ctx, timeline_state *st, const json_t *a, uint32_t index)
{
    scn_config *cfg = ctx->cfg;
    SIM_ASSERT(index < cfg->action_count);
    scn_action *act = &cfg->actions[index];
    act->index = index;
    scn__push_index(ctx, index);
    if (!json_is_object(a)) {
        scn__type_error(ctx, a,
                        "an action object such as {\"at\": \"10s\", \"do\": \"crash\", \"node\": "
                        "1}");
        scn__pop(ctx);
        return;
    }
    const int kind = parse_kind(ctx, a);
    scn__require(ctx, a, "at");
    st->at_valid[index] = scn__get_duration(ctx, a, "at", 0, SIM_DURATION_MAX, "SIM_DURATION_MAX",
                                            &act->at_us) == SCN__OK;
    if (st->at_valid[index] && ctx->duration_valid && act->at_us > cfg->duration_us) {
        char x[32], y[32];
        scn__push_key(ctx, "at");
        scn__error(ctx, SCN__LOC_VALUE, "'at' is %s, after the end of the run (duration %s)",
                   scn__format_duration(act->at_us, x, sizeof x),
                   scn__format_duration(cfg->duration_us, y, sizeof y));
        scn__pop(ctx);
    }
    const char *label = NULL;
    if (scn__get_string(ctx, a, "label", &label) == SCN__OK) {
        if (valid_label(label)) {
            act->label = scn__pool_strdup(cfg, label);
        } else {
            char safe[NAME_BYTES];
            scn__push_key(ctx, "label");
            scn__error(ctx, SCN__LOC_VALUE,
                       "label '%s' must be 1 to %u characters from A-Z, a-z, 0-9, '.', '_' "
                       "and '-'",
                       scn__safe(label, safe, sizeof safe), SCN__NAME_BYTES_MAX);
            scn__pop(ctx);
        }
    }
    if (kind >= 0) {
        act->kind = (scn_action_kind)kind;
        if (kind == SCN_ACT_ADD_CONSUMER && scn_groups_enabled) {
            scn__check_keys(ctx, a, keys_add_consumer, ARRAY_COUNT(keys_add_consumer), NULL, 0);
        } else {
            scn__check_keys(ctx, a, kind_keys[kind].keys, kind_keys[kind].count, NULL, 0);
        }
        parse_kind_keys(ctx, st, a, act);
    }
    if (act->label != NULL) {
        /* An action whose kind is unknown was reported already: assume it names a node. */
        const bool names_node =
            kind < 0 ||
            (json_object_get(a, "node") != NULL &&
             (act->kind != SCN_ACT_PARTITION && act->kind != SCN_ACT_CUT &&
              act->kind != SCN_ACT_LINK && act->kind != SCN_ACT_NOTE &&
              act->kind != SCN_ACT_START_PRODUCER && act->kind != SCN_ACT_STOP_PRODUCER));
        st->defs[st->def_count++] = (label_def){act->label, index, names_node};
    }
    scn__pop(ctx);
}

/* =================================================================================
 * Labels, after every action is read
 * ================================================================================= */

static int compare_defs(const void *x, const void *y)
{
    const label_def *a = x, *b = y;
    const int c = strcmp(a->label, b->label);
    if (c != 0) return c;
    return (a->index > b->index) - (a->index < b->index);
}

static const label_def *find_def(const timeline_state *st, const char *label)
{
    size_t lo = 0, hi = st->def_count; /* first def with label >= `label` */
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (strcmp(st->defs[mid].label, label) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < st->def_count && strcmp(st->defs[lo].label, label) == 0 ? &st->defs[lo] : NULL;
}

/* Whether action `d` runs before action `r` (sorted order: at, then file index). */
static bool runs_before(const scn_config *cfg, uint32_t d, uint32_t r)
{
    const sim_time td = cfg->actions[d].at_us, tr = cfg->actions[r].at_us;
    return td < tr || (td == tr && d < r);
}

static void check_label_defs(scn__ctx *ctx, const timeline_state *st)
{
    for (uint32_t i = 1; i < st->def_count; i++) {
        const label_def *first = &st->defs[i - 1], *again = &st->defs[i];
        if (strcmp(first->label, again->label) != 0) continue;
        while (first > st->defs && strcmp(first[-1].label, again->label) == 0) first--;
        scn__push_key(ctx, "timeline");
        scn__push_index(ctx, again->index);
        scn__push_key(ctx, "label");
        scn__error(ctx, SCN__LOC_VALUE, "label '%s' is already defined by timeline[%u]",
                   again->label, first->index);
        scn__pop(ctx);
        scn__pop(ctx);
        scn__pop(ctx);
        const scn__seg where[] = {{"timeline", 0}, {NULL, first->index}, {"label", 0}};
        scn__note_at(ctx, where, 3, "'%s' is first defined here", again->label);
    }
}

static void check_label_ref(scn__ctx *ctx, const timeline_state *st, const label_ref *r)
{
    const scn_config *cfg = ctx->cfg;
    scn__seg segs[5];
    const uint32_t depth = ref_path(r, segs);
    const label_def *d = find_def(st, r->label);
    for (uint32_t i = 0; i < depth; i++) {
        if (segs[i].key) {
            scn__push_key(ctx, segs[i].key);
        } else {
            scn__push_index(ctx, segs[i].index);
        }
    }
    if (d == NULL) {
        const char *hint = NULL;
        if (scn__will_show(ctx) && st->def_count > 0) {
            const char **names = sim_xmalloc(st->def_count * sizeof *names);
            for (uint32_t i = 0; i < st->def_count; i++) names[i] = st->defs[i].label;
            hint = scn__suggest(r->label, names, st->def_count);
            scn__error(ctx, SCN__LOC_VALUE, "undefined label '%s'%s%s%s", r->label,
                       hint ? "; did you mean '@" : "", hint ? hint : "", hint ? "'?" : "");
            free(names);
        } else {
            scn__error(ctx, SCN__LOC_VALUE,
                       "undefined label '%s': no action carries \"label\": \"%s\"", r->label,
                       r->label);
        }
    } else if (!d->names_node) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "label '%s' is on an action without a 'node', so it names no node", r->label);
    } else if (d->index == r->index) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "'@%s' names this action's own label; it can only name a node that an "
                   "earlier action resolved to",
                   r->label);
    } else if (st->at_valid[d->index] && st->at_valid[r->index] &&
               !runs_before(cfg, d->index, r->index)) {
        char x[32], y[32];
        scn__error(ctx, SCN__LOC_VALUE,
                   "'@%s' is defined by timeline[%u] (at %s), which does not run before this "
                   "action (at %s); a label must be defined by an earlier action",
                   r->label, d->index,
                   scn__format_duration(cfg->actions[d->index].at_us, x, sizeof x),
                   scn__format_duration(cfg->actions[r->index].at_us, y, sizeof y));
        const scn__seg where[] = {{"timeline", 0}, {NULL, d->index}, {"label", 0}};
        scn__note_at(ctx, where, 3, "'%s' is defined here", r->label);
    }
    for (uint32_t i = 0; i < depth; i++) scn__pop(ctx);
}

/* =================================================================================
 * Entry
 * ================================================================================= */

static int compare_actions(const void *x, const void *y)
{
    const scn_action *a = x, *b = y;
    if (a->at_us != b->at_us) return a->at_us < b->at_us ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index); /* file order: a total order */
}

/* Each add_consumer gets its group's next member number, in the order the actions run
 * (cfg->actions sorted): after the group's `members`, one more per add_consumer. groups.c
 * counted the same actions into members_max. */
static void number_adds(scn_config *cfg)
{
    uint32_t next[SCN_GROUPS_MAX];
    SIM_ASSERT(cfg->group_count <= SCN_GROUPS_MAX);
    for (uint32_t g = 0; g < cfg->group_count; g++) next[g] = cfg->groups[g].members;
    for (uint32_t i = 0; i < cfg->action_count; i++) {
        scn_action *a = &cfg->actions[i];
        if (a->kind != SCN_ACT_ADD_CONSUMER || a->group >= cfg->group_count) continue;
        a->member = (int32_t)next[a->group]++;
        SIM_ASSERT(next[a->group] <= cfg->groups[a->group].members_max);
    }
}

static void set_lines(scn__ctx *ctx, uint32_t count)
{
    const scn__seg path[] = {{"timeline", 0}};
    uint32_t *lines = sim_xmalloc(count * sizeof *lines);
    scn__element_lines(ctx->src->buf, ctx->src->len, path, 1, lines, count);
    for (uint32_t i = 0; i < count; i++) {
        const bool hidden = scn__override_hides_element(ctx->src, "timeline", i);
        ctx->cfg->actions[i].line = hidden ? 0 : lines[i];
    }
    free(lines);
}

void scn__validate_timeline(scn__ctx *ctx, const json_t *timeline)
{
    SIM_ASSERT(json_is_array(timeline));
    SIM_ASSERT(ctx->depth == 0);
    scn_config *cfg = ctx->cfg;
    const size_t count = json_array_size(timeline);
    scn__push_key(ctx, "timeline");
    if (count > SIM_TIMELINE_MAX) {
        scn__error(ctx, SCN__LOC_VALUE,
                   "the timeline has %zu actions, above the limit of %u actions "
                   "(SIM_TIMELINE_MAX)",
                   count, SIM_TIMELINE_MAX);
        scn__pop(ctx);
        return;
    }
    scn__pop(ctx);
    if (count == 0) return;
    cfg->action_count = (uint32_t)count;
    cfg->actions = scn__pool_alloc(cfg, count, sizeof *cfg->actions);
    timeline_state st = {0};
    st.at_valid = sim_xcalloc(count, sizeof *st.at_valid);
    st.defs = sim_xcalloc(count, sizeof *st.defs);
    scn__push_key(ctx, "timeline");
    for (uint32_t i = 0; i < count; i++) parse_action(ctx, &st, json_array_get(timeline, i), i);
    scn__pop(ctx);
    qsort(st.defs, st.def_count, sizeof *st.defs, compare_defs);
    check_label_defs(ctx, &st);
    for (uint32_t i = 0; i < st.ref_count; i++) check_label_ref(ctx, &st, &st.refs[i]);
    set_lines(ctx, (uint32_t)count);
    qsort(cfg->actions, count, sizeof *cfg->actions, compare_actions);
    if (scn_groups_enabled && ctx->groups_valid) number_adds(cfg);
    SIM_ASSERT(ctx->depth == 0);
    SIM_ASSERT(st.def_count <= count);
    free(st.refs);
    free(st.defs);
    free(st.at_valid);
}
