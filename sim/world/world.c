/*
 * world.c — creating a run, stepping it, applying timeline actions; see world.h.
 *
 * Role / Model / Not modelled: see world.h.
 * Owns / borrows: see world.h.
 * Invariants: after every event the checkers have run and `available` describes the
 *   state that holds until the next event.
 * Determinism: actions run as global events in (at, file order); a `for` pause's resume
 *   is an event scheduled when the pause runs.
 */
#include "world.h"
#include "../core/sim_assert.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSGS_PER_NODE   256u
#define TIMERS_PER_NODE 32u
/* Data-plane sizing while there are no producers: a replica's log ring and parked
 * produce requests per broker. */
#define REPL_LOG_RECORDS     64u
#define REPL_SEGMENTS        4u
#define REPL_PRODUCE_WAITING 4u
/* Messages per broker and partition the data plane can have in flight (fetches,
 * responses, AlterPartition), and timers per broker and partition. */
#define REPL_MSGS_PER_PARTITION 4u
/* A replica append made by a group coordinator, in repl_produce_req.request_id. */
#define GROUP_APPEND_BIT (1ull << 63)
/* The log of an offsets partition that hosts no group. */
#define OFFSETS_IDLE_RECORDS 16u

const char *sim_node_state_name(sim_node_state s)
{
    switch (s) {
    case SIM_NODE_RUNNING:
        return "running";
    case SIM_NODE_CRASHED:
        return "crashed";
    case SIM_NODE_PAUSED:
        return "paused";
    case SIM_NODE_STOPPING:
        return "stopping";
    default:
        SIM_UNREACHABLE();
    }
}

/* ---------------------------------------------------------------------------------
 * Queries
 * ------------------------------------------------------------------------------- */

sim_time sim_world_now(const sim_world *w)
{
    return w->engine.now;
}

int32_t sim_world_endpoint_of(const sim_world *w, int32_t node_id)
{
    for (uint32_t i = 0; i < w->node_count; i++)
        if (w->node_ids[i] == node_id) return (int32_t)i;
    const int64_t client = (int64_t)node_id - SIM_TRACE_CLIENT_ID_BASE;
    if (w->has_producers && client >= 0 && client < (int64_t)w->producers.count)
        return (int32_t)(w->node_count + (uint32_t)client);
    return -1;
}

/* The id an endpoint has in the trace and in labels: a node's Kafka id, a client's
 * SIM_TRACE_CLIENT_ID_BASE + index. */
static int32_t endpoint_id(const sim_world *w, int32_t ep)
{
    SIM_ASSERT(ep >= 0);
    if ((uint32_t)ep < w->node_count) return w->node_ids[ep];
    return (int32_t)(SIM_TRACE_CLIENT_ID_BASE + ((uint32_t)ep - w->node_count));
}

sim_node_state sim_world_node_state(const sim_world *w, int32_t endpoint)
{
    if (sim_engine_endpoint_down_p(&w->engine, endpoint)) return SIM_NODE_CRASHED;
    if (sim_engine_endpoint_paused(&w->engine, endpoint)) return SIM_NODE_PAUSED;
    if (w->stopping[endpoint]) return SIM_NODE_STOPPING;
    return SIM_NODE_RUNNING;
}

const raft_node *sim_world_controller_leader(const sim_world *w)
{
    const raft_node *best = NULL;
    for (uint32_t i = 0; i < w->raft.node_count; i++) {
        const raft_node *rn = &w->raft.nodes[i];
        if (rn->role != RAFT_ROLE_LEADER) continue;
        if (sim_engine_endpoint_down_p(&w->engine, rn->endpoint)) continue;
        if (best == NULL || rn->raft_epoch > best->raft_epoch) best = rn;
    }
    return best;
}

int32_t sim_world_max_epoch(const sim_world *w)
{
    int32_t max = 0;
    for (uint32_t i = 0; i < w->raft.node_count; i++)
        if (w->raft.nodes[i].raft_epoch > max) max = w->raft.nodes[i].raft_epoch;
    return max;
}

bool sim_world_ok(const sim_world *w)
{
    for (uint32_t i = 0; i < CHK_COUNT; i++)
        if (!w->chk_disabled[i] && w->chk.results[i].violations > 0) return false;
    return true;
}

/* The node whose committed metadata image queries read: the active controller, else the
 * most caught-up running node, else node 0. */
static int32_t image_endpoint(const sim_world *w)
{
    const raft_node *leader = sim_world_controller_leader(w);
    int32_t ep = leader != NULL ? leader->endpoint : -1;
    if (ep < 0) {
        int64_t best_hw = -1;
        for (uint32_t i = 0; i < w->raft.node_count; i++) {
            const raft_node *rn = &w->raft.nodes[i];
            if (sim_engine_endpoint_down_p(&w->engine, rn->endpoint)) continue;
            if (rn->hw > best_hw) {
                best_hw = rn->hw;
                ep = rn->endpoint;
            }
        }
    }
    if (ep < 0) ep = 0;
    return ep;
}

const kafka_broker_reg *sim_world_broker_reg(const sim_world *w, uint32_t broker_index)
{
    return brokers_image(&w->brokers, image_endpoint(w), broker_index);
}

uint32_t sim_world_partition_count(const sim_world *w)
{
    return w->has_topics ? w->topics.partition_count : 0;
}

const kpc_reg *sim_world_partition(const sim_world *w, uint32_t p)
{
    SIM_ASSERT(w->has_topics && p < w->topics.partition_count);
    return topics_image(&w->topics, image_endpoint(w), p);
}

void sim_world_partition_stats(const sim_world *w, sim_partition_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!w->has_topics) return;
    const int32_t ep = image_endpoint(w);
    for (uint32_t p = 0; p < w->topics.partition_count; p++) {
        const kpc_reg *reg = topics_image(&w->topics, ep, p);
        if (reg == NULL) continue;
        out->total++;
        if (reg->leader == KPC_NO_LEADER) out->offline++;
        if (reg->isr_count < reg->replica_count) out->under_replicated++;
    }
    const raft_node *rn = raft_node_by_endpoint((raft_cluster *)&w->raft, ep);
    if (rn != NULL)
        topics_count_elections(&w->topics, rn, &out->leader_elections, &out->unclean_elections);
}

void sim_world_broker_partitions(const sim_world *w, int32_t node_id, uint32_t *replicas,
                                 uint32_t *leaders)
{
    *replicas = 0;
    *leaders = 0;
    if (!w->has_topics) return;
    const int32_t ep = image_endpoint(w);
    for (uint32_t p = 0; p < w->topics.partition_count; p++) {
        const kpc_reg *reg = topics_image(&w->topics, ep, p);
        if (reg == NULL) continue;
        if (kpc_contains(reg->replicas, reg->replica_count, node_id)) (*replicas)++;
        if (reg->leader == node_id) (*leaders)++;
    }
}

/* ---------------------------------------------------------------------------------
 * Warnings (skipped actions)
 * ------------------------------------------------------------------------------- */

static void skip_action(sim_world *w, const scn_action *act, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void skip_action(sim_world *w, const scn_action *act, const char *fmt, ...)
{
    static const char overflow[] = "further skipped actions not stored";
    const bool from_file = act >= w->actions && act < w->actions + w->action_count;
    const int32_t index = from_file ? (int32_t)act->index : -1;
    w->warnings_total++;
    if (w->warning_count >= SIM_WARNINGS_MAX) {
        sim_trace_emit(&w->engine.trace, SIM_EV_ACTION_SKIPPED, -1, (const int64_t[]){index},
                       overflow);
        return;
    }
    sim_warning *warn = &w->warnings[w->warning_count++];
    warn->t = w->engine.now;
    warn->action = index;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(warn->text, sizeof warn->text, fmt, ap);
    va_end(ap);
    sim_trace_emit(&w->engine.trace, SIM_EV_ACTION_SKIPPED, -1, (const int64_t[]){index},
                   warn->text);
}

/* ---------------------------------------------------------------------------------
 * Targets
 * ------------------------------------------------------------------------------- */

/* `leader:TOPIC-P` or `follower:TOPIC-P` now: the partition's leader, or its lowest-id
 * replica other than the leader (spec §2), in the committed metadata image. */
static int32_t resolve_partition(sim_world *w, const scn_target *t, const char **why)
{
    const bool leader = t->kind == SCN_TARGET_PARTITION_LEADER;
    SIM_ASSERT(w->has_topics && t->topic < w->cfg->topic_count);
    const char *name = w->cfg->topics[t->topic].name;
    const char *sym = leader ? "leader" : "follower";
    const kpc_reg *reg =
        sim_world_partition(w, topics_partition_index(&w->topics, t->topic, t->partition));
    *why = w->why;
    if (reg == NULL) {
        snprintf(w->why, sizeof w->why, "%s:%s-%" PRIu32 ": the topic is not created yet", sym,
                 name, t->partition);
        return -1;
    }
    int32_t id = -1;
    if (leader) {
        id = reg->leader;
    } else {
        for (uint32_t i = 0; i < reg->replica_count; i++) {
            const int32_t r = reg->replicas[i];
            if (r != reg->leader && (id < 0 || r < id)) id = r;
        }
    }
    if (id < 0) {
        snprintf(w->why, sizeof w->why, "%s:%s-%" PRIu32 ": the partition has no %s now", sym, name,
                 t->partition, sym);
        return -1;
    }
    return sim_world_endpoint_of(w, id);
}

/* Resolves a node target at this instant; returns the endpoint or -1 (why in *why). */
static int32_t resolve(sim_world *w, const scn_action *act, const scn_target *t, const char **why)
{
    switch (t->kind) {
    case SCN_TARGET_NODE: {
        const int32_t ep = sim_world_endpoint_of(w, t->node_id);
        SIM_ASSERT(ep >= 0); /* the loader checked the id exists */
        return ep;
    }
    case SCN_TARGET_CONTROLLER_LEADER: {
        const raft_node *leader = sim_world_controller_leader(w);
        if (leader == NULL) {
            *why = "controller-leader: there is no controller leader now";
            return -1;
        }
        return leader->endpoint;
    }
    case SCN_TARGET_LABEL: {
        /* The most recent earlier action carrying this label. */
        const bool from_file = act >= w->actions && act < w->actions + w->action_count;
        const uint32_t upto = from_file ? (uint32_t)(act - w->actions) : w->action_count;
        for (uint32_t i = upto; i-- > 0;) {
            if (w->actions[i].label == NULL || strcmp(w->actions[i].label, t->label) != 0) continue;
            if (w->label_node[i] < 0) {
                *why = "the labelled action resolved to no node";
                return -1;
            }
            return sim_world_endpoint_of(w, w->label_node[i]);
        }
        *why = "the label is not defined yet";
        return -1;
    }
    case SCN_TARGET_PARTITION_LEADER:
    case SCN_TARGET_PARTITION_FOLLOWER:
        return resolve_partition(w, t, why);
    case SCN_TARGET_CLIENT:
        SIM_ASSERT(w->has_producers && t->client < w->producers.count);
        return w->producers.clients[t->client].endpoint;
    case SCN_TARGET_COORDINATOR: {
        SIM_ASSERT(w->has_groups && t->group < w->groups.group_count);
        int32_t broker = -1;
        if (kg_active_coordinator(&w->groups, t->group, &broker) == NULL) {
            snprintf(w->why, sizeof w->why, "coordinator:%s: the group has no coordinator now",
                     w->cfg->groups[t->group].group);
            *why = w->why;
            return -1;
        }
        return sim_world_endpoint_of(w, broker);
    }
    case SCN_TARGET_CONSUMER:
        SIM_ASSERT(w->has_groups && t->group < w->groups.group_count && t->member < KG_MEMBERS_MAX);
        return w->groups.consumers[t->group * KG_MEMBERS_MAX + t->member].endpoint;
    case SCN_TARGET_NONE:
        SIM_UNREACHABLE();
    default:
        SIM_UNREACHABLE();
    }
}

/* ---------------------------------------------------------------------------------
 * Node life
 * ------------------------------------------------------------------------------- */

static void node_down(sim_world *w, int32_t ep, sim_trace_ev ev, bool graceful)
{
    SIM_ASSERT(!sim_engine_endpoint_down_p(&w->engine, ep));
    if (graceful) net_close_gracefully(&w->net, ep);
    sim_engine_endpoint_down(&w->engine, ep);
    raft_node *rn = raft_node_by_endpoint(&w->raft, ep);
    if (rn != NULL) raft_crash(&w->raft, rn);
    brokers_stop(&w->brokers, ep);
    const kafka_broker *br = brokers_by_endpoint(&w->brokers, ep);
    if (w->has_topics && br != NULL) {
        if (ev == SIM_EV_NODE_POWER_OFF) {
            repl_broker_power_off(&w->repl, br->index); /* the unflushed tail is lost */
        } else {
            repl_broker_crash(&w->repl, br->index); /* the page cache keeps the logs */
        }
    }
    /* A process that dies resets its TCP connections, so clients learn at once; a
     * machine that loses power answers nothing, and clients wait for their timeouts. */
    if (w->has_producers && br != NULL && ev != SIM_EV_NODE_POWER_OFF)
        prod_connection_reset(&w->producers, ep);
    if (w->has_groups && br != NULL) {
        kg_broker_down(&w->groups, w->node_ids[ep]); /* its coordinators are gone */
        for (uint32_t i = 0; i < w->offsets_partition_count; i++)
            if (w->coordinator_of[i] == w->node_ids[ep]) w->coordinator_of[i] = -1;
        if (ev != SIM_EV_NODE_POWER_OFF) kg_connection_reset(&w->groups, w->node_ids[ep]);
    }
    w->stopping[ep] = false;
    w->raft_stopping[ep] = false;
    w->stop_token[ep]++;
    SIM_TRACE0(&w->engine.trace, ev, w->node_ids[ep]);
}

static void node_up(sim_world *w, int32_t ep)
{
    SIM_ASSERT(sim_engine_endpoint_down_p(&w->engine, ep));
    sim_engine_endpoint_up(&w->engine, ep);
    SIM_TRACE0(&w->engine.trace, SIM_EV_NODE_RESTART, w->node_ids[ep]);
    raft_node *rn = raft_node_by_endpoint(&w->raft, ep);
    brokers_node_reset_image(&w->brokers, ep);
    if (w->has_topics) topics_node_reset_image(&w->topics, ep);
    if (rn != NULL) raft_restart(&w->raft, rn);
    brokers_start(&w->brokers, ep);
    const kafka_broker *br = brokers_by_endpoint(&w->brokers, ep);
    if (w->has_topics && br != NULL) repl_broker_start(&w->repl, br->index);
}

/* Controlled shutdown, as a Kafka node does it: first the broker's controlled shutdown
 * (its controller fences it and answers shouldShutDown), then the Raft client's graceful
 * shutdown (a leader resigns with EndQuorumEpoch; the node stops once another voter
 * leads, raft_shutdown_done), then the process exits. Each phase has Kafka's deadline:
 * 5 minutes for the broker's controlled shutdown, 5 seconds for the Raft client. */
#define BROKER_SHUTDOWN_DEADLINE_US SIM_S(300)
#define RAFT_SHUTDOWN_DEADLINE_US   SIM_S(5)

static void arm_stop_deadline(sim_world *w, int32_t ep, sim_time after)
{
    w->stop_token[ep]++;
    const uint64_t arg = (uint64_t)(uint32_t)ep | ((uint64_t)w->stop_token[ep] << 32);
    sim_engine_after(&w->engine, after, w->stop_deadline_handler, SIM_ENDPOINT_NONE, arg);
}

static void begin_raft_shutdown(sim_world *w, int32_t ep)
{
    raft_node *rn = raft_node_by_endpoint(&w->raft, ep);
    w->raft_stopping[ep] = true;
    if (rn != NULL) raft_shutdown(&w->raft, rn); /* a leader resigns: EndQuorumEpoch */
    arm_stop_deadline(w, ep, RAFT_SHUTDOWN_DEADLINE_US);
}

/* The controller granted the broker's controlled shutdown. */
static void shutdown_granted_cb(void *ctx, int32_t ep)
{
    sim_world *w = ctx;
    if (sim_engine_endpoint_down_p(&w->engine, ep) || !w->stopping[ep]) return;
    begin_raft_shutdown(w, ep);
}

static void stop_deadline_cb(void *ctx, int32_t endpoint, uint64_t arg)
{
    (void)endpoint;
    sim_world *w = ctx;
    const int32_t ep = (int32_t)(arg & 0xffffffffu);
    if (w->stop_token[ep] != (uint32_t)(arg >> 32) || !w->stopping[ep]) return;
    if (sim_engine_endpoint_down_p(&w->engine, ep)) return;
    if (!w->raft_stopping[ep]) {
        begin_raft_shutdown(w, ep); /* the broker phase timed out */
    } else {
        node_down(w, ep, SIM_EV_NODE_SHUTDOWN, true);
    }
}

/* After each event: a node whose Raft client may stop now exits. */
static void finish_shutdowns(sim_world *w)
{
    for (uint32_t i = 0; i < w->node_count; i++) {
        if (!w->raft_stopping[i] || sim_engine_endpoint_down_p(&w->engine, (int32_t)i)) continue;
        const raft_node *rn = raft_node_by_endpoint(&w->raft, (int32_t)i);
        if (rn == NULL || raft_shutdown_done(&w->raft, rn))
            node_down(w, (int32_t)i, SIM_EV_NODE_SHUTDOWN, true);
    }
}

static void resume_cb(void *ctx, int32_t endpoint, uint64_t arg)
{
    (void)endpoint;
    sim_world *w = ctx;
    const int32_t ep = (int32_t)(arg & 0xffffffffu);
    const uint32_t token = (uint32_t)(arg >> 32);
    if (w->pause_token[ep] != token || !sim_engine_endpoint_paused(&w->engine, ep)) return;
    sim_engine_endpoint_resume(&w->engine, ep);
    SIM_TRACE0(&w->engine.trace, SIM_EV_NODE_RESUME, w->node_ids[ep]);
}

/* ---------------------------------------------------------------------------------
 * Actions
 * ------------------------------------------------------------------------------- */

static bool apply_node_action(sim_world *w, const scn_action *act, int32_t ep)
{
    const char *name = scn_action_name(act->kind);
    const int32_t id = w->node_ids[ep];
    const bool down = sim_engine_endpoint_down_p(&w->engine, ep);
    const bool paused = !down && sim_engine_endpoint_paused(&w->engine, ep);
    switch (act->kind) {
    case SCN_ACT_CRASH:
    case SCN_ACT_POWER_OFF:
        if (down) break;
        node_down(w, ep, act->kind == SCN_ACT_CRASH ? SIM_EV_NODE_CRASH : SIM_EV_NODE_POWER_OFF,
                  false);
        return true;
    case SCN_ACT_SHUTDOWN:
        if (down || paused || w->stopping[ep]) break;
        w->stopping[ep] = true;
        if (w->is_broker[ep]) {
            arm_stop_deadline(w, ep, BROKER_SHUTDOWN_DEADLINE_US);
            brokers_begin_shutdown(&w->brokers, ep); /* continues in shutdown_granted_cb */
        } else {
            begin_raft_shutdown(w, ep);
        }
        return true;
    case SCN_ACT_RESTART:
        if (!down) {
            skip_action(w, act, "restart: node %" PRId32 " is %s", id,
                        paused ? "paused" : "running");
            return false;
        }
        node_up(w, ep);
        return true;
    case SCN_ACT_PAUSE:
        if (down || paused) break;
        sim_engine_endpoint_pause(&w->engine, ep);
        SIM_TRACE0(&w->engine.trace, SIM_EV_NODE_PAUSE, id);
        w->pause_token[ep]++;
        if (act->for_us > 0) {
            const uint64_t arg = (uint64_t)(uint32_t)ep | ((uint64_t)w->pause_token[ep] << 32);
            sim_engine_after(&w->engine, act->for_us, w->resume_handler, SIM_ENDPOINT_NONE, arg);
        }
        return true;
    case SCN_ACT_RESUME:
        if (!paused) {
            skip_action(w, act, "resume: node %" PRId32 " is not paused", id);
            return false;
        }
        sim_engine_endpoint_resume(&w->engine, ep);
        SIM_TRACE0(&w->engine.trace, SIM_EV_NODE_RESUME, id);
        return true;
    case SCN_ACT_TIMEOUT: {
        raft_node *rn = raft_node_by_endpoint(&w->raft, ep);
        if (down || paused || rn == NULL) break;
        if (!raft_force_timeout(&w->raft, rn)) {
            skip_action(w, act,
                        "timeout: node %" PRId32 " has no election or fetch timer running"
                        " (%s)",
                        id, raft_role_name(rn->role));
            return false;
        }
        return true;
    }
    case SCN_ACT_ISOLATE:
        net_isolate(&w->net, ep);
        return true;
    case SCN_ACT_HEAL:
        net_heal_endpoint(&w->net, ep);
        return true;
    default:
        SIM_UNREACHABLE();
    }
    skip_action(w, act, "%s: node %" PRId32 " is %s", name, id,
                down     ? "not running"
                : paused ? "paused"
                         : "stopping");
    return false;
}

static bool apply_partition(sim_world *w, const scn_action *act)
{
    int32_t side_of[SIM_ENDPOINTS_MAX];
    for (uint32_t i = 0; i < w->net.endpoint_count; i++) side_of[i] = -1;
    for (uint32_t m = 0; m < act->member_count; m++) {
        const char *why = NULL;
        const int32_t ep = resolve(w, act, &act->members[m], &why);
        if (ep < 0) {
            skip_action(w, act, "partition: %s", why);
            return false;
        }
        side_of[ep] = (int32_t)act->side_index[m];
    }
    net_partition(&w->net, side_of, act->side_count);
    return true;
}

static bool apply_pair(sim_world *w, const scn_action *act)
{
    const char *why = NULL;
    const int32_t a = resolve(w, act, &act->a, &why);
    const int32_t b = a < 0 ? -1 : resolve(w, act, &act->b, &why);
    if (a < 0 || b < 0) {
        skip_action(w, act, "%s: %s", scn_action_name(act->kind), why);
        return false;
    }
    if (a == b) {
        if ((uint32_t)a < w->node_count) {
            skip_action(w, act, "%s: both ends are node %" PRId32, scn_action_name(act->kind),
                        w->node_ids[a]);
        } else {
            skip_action(w, act, "%s: both ends are producer %s", scn_action_name(act->kind),
                        w->producers.clients[(uint32_t)a - w->node_count].name);
        }
        return false;
    }
    switch (act->kind) {
    case SCN_ACT_CUT:
        net_cut(&w->net, a, b);
        break;
    case SCN_ACT_HEAL:
        net_heal_link(&w->net, a, b);
        break;
    case SCN_ACT_LINK: {
        const sim_time lo = act->has_latency ? act->latency_min_us : w->cfg->latency_min_us;
        const sim_time hi = act->has_latency ? act->latency_max_us : w->cfg->latency_max_us;
        const uint32_t loss = act->has_loss ? act->loss_ppm : w->cfg->loss_ppm;
        net_link_degrade(&w->net, a, b, (uint32_t)lo, (uint32_t)hi, loss);
        break;
    }
    default:
        SIM_UNREACHABLE();
    }
    return true;
}

/* Runs one action; returns the node id its `node` target resolved to, or -1. */
static int32_t apply_action(sim_world *w, const scn_action *act)
{
    const int64_t index =
        act >= w->actions && act < w->actions + w->action_count ? (int64_t)act->index : -1;
    sim_trace_emit(&w->engine.trace, SIM_EV_ACTION, -1, &index, scn_action_name(act->kind));
    switch (act->kind) {
    case SCN_ACT_NOTE:
        sim_trace_emit(&w->engine.trace, SIM_EV_NOTE, -1, NULL, act->text);
        return -1;
    case SCN_ACT_ADD_CONSUMER:
        SIM_ASSERT(w->has_groups && act->group < w->groups.group_count);
        if (!kg_add_consumer(&w->groups, act->group))
            skip_action(w, act, "add_consumer: group %s has no member left to add",
                        w->cfg->groups[act->group].group);
        return -1;
    case SCN_ACT_REMOVE_CONSUMER:
        SIM_ASSERT(w->has_groups && act->group < w->groups.group_count);
        if (!kg_remove_consumer(&w->groups, act->group, act->member, act->graceful))
            skip_action(w, act, "remove_consumer: group %s has no such running member",
                        w->cfg->groups[act->group].group);
        return -1;
    case SCN_ACT_START_PRODUCER:
    case SCN_ACT_STOP_PRODUCER: {
        SIM_ASSERT(w->has_producers && act->producer < w->producers.count);
        const bool start = act->kind == SCN_ACT_START_PRODUCER;
        const bool changed = start ? prod_start(&w->producers, act->producer)
                                   : prod_stop(&w->producers, act->producer);
        if (!changed)
            skip_action(w, act, "%s: producer %s is %s", scn_action_name(act->kind),
                        w->producers.clients[act->producer].name,
                        start ? "already producing" : "not producing");
        return -1;
    }
    case SCN_ACT_PARTITION:
        apply_partition(w, act);
        return -1;
    case SCN_ACT_CUT:
    case SCN_ACT_LINK:
        apply_pair(w, act);
        return -1;
    case SCN_ACT_HEAL:
        if (act->node.kind != SCN_TARGET_NONE) break;
        if (act->a.kind != SCN_TARGET_NONE) {
            apply_pair(w, act);
        } else {
            net_heal_all(&w->net);
        }
        return -1;
    default:
        break;
    }
    const char *why = NULL;
    const int32_t ep = resolve(w, act, &act->node, &why);
    if (ep < 0) {
        skip_action(w, act, "%s: %s", scn_action_name(act->kind), why);
        return -1;
    }
    if ((uint32_t)ep >= w->node_count) {
        /* A client: only network actions reach it (the loader checked). */
        SIM_ASSERT(act->kind == SCN_ACT_ISOLATE || act->kind == SCN_ACT_HEAL);
        if (act->kind == SCN_ACT_ISOLATE) {
            net_isolate(&w->net, ep);
        } else {
            net_heal_endpoint(&w->net, ep);
        }
        return endpoint_id(w, ep);
    }
    apply_node_action(w, act, ep);
    return w->node_ids[ep];
}

static void action_cb(void *ctx, int32_t endpoint, uint64_t arg)
{
    (void)endpoint;
    sim_world *w = ctx;
    if (arg & (1ull << 32)) {
        const uint32_t c = (uint32_t)(arg & 0xffffffffu);
        SIM_ASSERT(c < w->command_count);
        apply_action(w, &w->commands[c]);
        return;
    }
    SIM_ASSERT(arg < w->action_count);
    const scn_action *act = &w->actions[arg];
    const int32_t node_id = apply_action(w, act);
    if (act->label != NULL) w->label_node[arg] = node_id;
}

sim_err sim_world_push_action(sim_world *w, const scn_action *act)
{
    if (w->command_count >= SIM_COMMANDS_MAX) return SIM_ELIMIT;
    w->commands[w->command_count] = *act;
    w->commands[w->command_count].at_us = w->engine.now;
    sim_engine_schedule(&w->engine, w->engine.now, w->action_handler, SIM_ENDPOINT_NONE,
                        (1ull << 32) | w->command_count);
    w->command_count++;
    return SIM_OK;
}

/* ---------------------------------------------------------------------------------
 * Messages and Raft callbacks
 * ------------------------------------------------------------------------------- */

static void broker_produce(sim_world *w, const net_msg *msg);
static void broker_metadata(sim_world *w, const net_msg *msg);

static void recv_cb(void *ctx, const net_msg *msg)
{
    sim_world *w = ctx;
    if (raft_msg_kind_p(msg->kind)) {
        raft_recv(&w->raft, msg);
    } else if (brokers_msg_kind_p(msg->kind)) {
        brokers_recv(&w->brokers, msg);
    } else if (msg->kind >= NET_MSG_REPLICA_FETCH_REQ &&
               msg->kind <= NET_MSG_ALTER_PARTITION_RESP) {
        SIM_ASSERT(w->has_topics);
        repl_deliver(&w->repl, (repl_msg_kind)(msg->kind - NET_MSG_REPLICA_FETCH_REQ), msg->from,
                     msg->to, msg->body, msg->body_bytes);
    } else if (msg->kind == NET_MSG_PRODUCE_REQ) {
        broker_produce(w, msg);
    } else if (msg->kind == NET_MSG_METADATA_REQ) {
        broker_metadata(w, msg);
    } else if (msg->kind >= NET_MSG_FIND_COORDINATOR_REQ &&
               msg->kind <= NET_MSG_CONSUMER_METADATA_RESP) {
        SIM_ASSERT(w->has_groups);
        kg_deliver(&w->groups, (kg_msg_kind)(msg->kind - NET_MSG_FIND_COORDINATOR_REQ), msg->from,
                   msg->to, msg->body, msg->body_bytes);
    } else if (msg->kind == NET_MSG_PRODUCE_RESP || msg->kind == NET_MSG_METADATA_RESP) {
        SIM_ASSERT(w->has_producers);
        prod_deliver(&w->producers,
                     msg->kind == NET_MSG_PRODUCE_RESP ? PROD_MSG_PRODUCE_RESPONSE
                                                       : PROD_MSG_METADATA_RESPONSE,
                     msg->from, msg->to, msg->body, msg->body_bytes);
    } else {
        SIM_UNREACHABLE();
    }
}

static void apply_cb(void *ctx, raft_node *node, const raft_record *rec)
{
    sim_world *w = ctx;
    brokers_apply(&w->brokers, node->endpoint, rec);
    if (w->has_topics) topics_apply(&w->topics, node->endpoint, rec);
    if (w->has_topics &&
        (rec->type == KAFKA_RECORD_FENCE_BROKER || rec->type == KAFKA_RECORD_UNFENCE_BROKER ||
         rec->type == KAFKA_RECORD_REGISTER_BROKER)) {
        const kafka_broker *br = brokers_by_endpoint(&w->brokers, node->endpoint);
        if (br != NULL) repl_broker_metadata_changed(&w->repl, br->index);
    }
}

/* ---------------------------------------------------------------------------------
 * The data plane's callbacks (repl_ops)
 * ------------------------------------------------------------------------------- */

static_assert(NET_MSG_REPLICA_FETCH_RESP - NET_MSG_REPLICA_FETCH_REQ == REPL_MSG_FETCH_RESPONSE,
              "net kinds follow repl_msg_kind");
static_assert(NET_MSG_ALTER_PARTITION_REQ - NET_MSG_REPLICA_FETCH_REQ == REPL_MSG_ALTER_PARTITION,
              "net kinds follow repl_msg_kind");
static_assert(NET_MSG_ALTER_PARTITION_RESP - NET_MSG_REPLICA_FETCH_REQ ==
                  REPL_MSG_ALTER_PARTITION_RESPONSE,
              "net kinds follow repl_msg_kind");
static_assert(SIM_EV_REPL_SEGMENT_DELETE - SIM_EV_REPL_ROLE + 1 == REPL_EV_COUNT,
              "trace events follow repl_event");

static void repl_send_cb(void *ctx, int32_t from, int32_t to, repl_msg_kind kind, const void *body,
                         uint32_t bytes)
{
    sim_world *w = ctx;
    SIM_ASSERT(kind < REPL_MSG_KIND_COUNT);
    net_send(&w->net, from, to, (net_msg_kind)(NET_MSG_REPLICA_FETCH_REQ + kind), body, bytes);
}

static int32_t repl_controller_cb(void *ctx, uint32_t broker_index)
{
    sim_world *w = ctx;
    return brokers_known_controller(&w->brokers, w->repl.endpoints[broker_index]);
}

static void repl_alter_cb(void *ctx, int32_t controller_endpoint, uint32_t from_broker,
                          const repl_alter_req *req)
{
    sim_world *w = ctx;
    topics_ctrl_alter_partition(&w->topics, controller_endpoint, from_broker, req);
}

/* The leader's own metadata image: registered, unfenced, not in controlled shutdown. */
static bool repl_eligible_cb(void *ctx, uint32_t leader_broker, int32_t broker_id)
{
    sim_world *w = ctx;
    const uint32_t b = repl_broker_index(&w->repl, broker_id);
    if (b == UINT32_MAX) return false;
    const kafka_broker_reg *r = brokers_image(&w->brokers, w->repl.endpoints[leader_broker], b);
    return r->registered && !r->fenced && !r->in_controlled_shutdown;
}

static void repl_event_cb(void *ctx, int32_t broker_id, repl_event ev, const int64_t *fields)
{
    sim_world *w = ctx;
    SIM_ASSERT(ev < REPL_EV_COUNT);
    sim_trace_emit(&w->engine.trace, (sim_trace_ev)(SIM_EV_REPL_ROLE + ev), broker_id, fields,
                   NULL);
    /* A broker took a partition's leadership: remember its log end, to tell later when an
     * acknowledged record above it disappeared (records.c). */
    if (ev == REPL_EV_ROLE && fields[1] == broker_id &&
        w->leader_change_count < SIM_LEADER_CHANGES_MAX) {
        const uint32_t b = repl_broker_index(&w->repl, broker_id);
        const uint32_t p = (uint32_t)fields[0];
        w->leader_changes[w->leader_change_count++] =
            (sim_partition_leader_change){.t = w->engine.now,
                                          .partition = p,
                                          .broker_id = broker_id,
                                          .leo = repl_replica_get(&w->repl, b, p)->leo};
    }
}

/* A parked acks=all produce finished: the broker answers its producer. */
static void repl_produce_done_cb(void *ctx, uint32_t broker_index, const repl_produce_result *res)
{
    sim_world *w = ctx;
    if (res->request_id & GROUP_APPEND_BIT) {
        SIM_ASSERT(w->has_groups);
        kg_append_done(&w->groups, res->request_id & ~GROUP_APPEND_BIT, res->error);
        return;
    }
    SIM_ASSERT(w->has_producers);
    const uint32_t p = PROD_REQUEST_PRODUCER(res->request_id);
    SIM_ASSERT(p < w->producers.count);
    chk_produce_answered(&w->chk, broker_index, res);
    net_send(&w->net, w->repl.endpoints[broker_index], w->producers.clients[p].endpoint,
             NET_MSG_PRODUCE_RESP, res, sizeof *res);
}

/* ---------------------------------------------------------------------------------
 * Clients: the brokers' side of Produce and Metadata, and the producers' callbacks
 * ------------------------------------------------------------------------------- */

/* A Produce request reached a broker (ReplicaManager.appendRecords): the replica
 * answers now (acks 0 and 1, errors) or parks it (acks=all). acks=0 gets no answer. */
static void broker_produce(sim_world *w, const net_msg *msg)
{
    SIM_ASSERT(w->has_producers && msg->body_bytes == sizeof(repl_produce_req));
    repl_produce_req req;
    memcpy(&req, msg->body, sizeof req);
    const kafka_broker *br = brokers_by_endpoint(&w->brokers, msg->to);
    SIM_ASSERT(br != NULL); /* producers send only to brokers */
    repl_produce_result res;
    if (!repl_produce(&w->repl, br->index, &req, &res)) return; /* parked */
    if (req.acks == 0) return;
    chk_produce_answered(&w->chk, br->index, &res);
    net_send(&w->net, msg->to, msg->from, NET_MSG_PRODUCE_RESP, &res, sizeof res);
}

/* A Metadata request: the broker answers from its own metadata image (a broker that
 * missed records answers with old leaders, as in Kafka). */
static void broker_metadata(sim_world *w, const net_msg *msg)
{
    SIM_ASSERT(w->has_producers && msg->body_bytes == sizeof(prod_metadata_req));
    prod_metadata_req req;
    memcpy(&req, msg->body, sizeof req);
    SIM_ASSERT(req.producer < w->producers.count);
    const prod_client *c = &w->producers.clients[req.producer];
    int32_t leader[SCN_TOPIC_PARTITIONS_MAX], epoch[SCN_TOPIC_PARTITIONS_MAX];
    SIM_ASSERT(c->wl.partition_count <= SCN_TOPIC_PARTITIONS_MAX);
    for (uint32_t p = 0; p < c->wl.partition_count; p++) {
        const kpc_reg *reg = topics_image(&w->topics, msg->to, c->wl.first_partition + p);
        leader[p] = reg != NULL ? reg->leader : PROD_NO_LEADER;
        epoch[p] = reg != NULL ? reg->leader_epoch : -1;
    }
    prod_stage_metadata(&w->producers, req.producer, req.request_id, w->node_ids[msg->to], leader,
                        epoch);
    const prod_metadata_resp resp = {
        .producer = req.producer, .request_id = req.request_id, .broker_id = w->node_ids[msg->to]};
    net_send(&w->net, msg->to, msg->from, NET_MSG_METADATA_RESP, &resp, sizeof resp);
}

static_assert(SIM_EV_PRODUCER_METADATA - SIM_EV_PRODUCER_SEND + 1 == PROD_EV_COUNT,
              "trace events follow prod_event");

static bool prod_send_cb(void *ctx, int32_t from, int32_t to, prod_msg_kind kind, const void *body,
                         uint32_t bytes)
{
    sim_world *w = ctx;
    SIM_ASSERT(kind == PROD_MSG_PRODUCE || kind == PROD_MSG_METADATA);
    /* A broker accepts client connections only once it has caught up with the metadata
     * log after starting (BrokerServer enables request processing after the lifecycle
     * manager's initial catch-up): before that, and while its process is down, the
     * connection is refused. */
    const kafka_broker *br = brokers_by_endpoint(&w->brokers, to);
    SIM_ASSERT(br != NULL);
    if (sim_engine_endpoint_down_p(&w->engine, to) || br->phase == KAFKA_BROKER_DOWN ||
        br->phase == KAFKA_BROKER_REGISTERING || br->phase == KAFKA_BROKER_STARTING)
        return false;
    net_send(&w->net, from, to,
             kind == PROD_MSG_PRODUCE ? NET_MSG_PRODUCE_REQ : NET_MSG_METADATA_REQ, body, bytes);
    return true;
}

static void prod_event_cb(void *ctx, uint32_t producer, prod_event ev, const int64_t *fields)
{
    sim_world *w = ctx;
    SIM_ASSERT(ev < PROD_EV_COUNT);
    sim_trace_emit(&w->engine.trace, (sim_trace_ev)(SIM_EV_PRODUCER_SEND + ev),
                   (int32_t)(SIM_TRACE_CLIENT_ID_BASE + producer), fields, NULL);
}

/* ---------------------------------------------------------------------------------
 * Observations after each event
 * ------------------------------------------------------------------------------- */

/* Can a running, unpaused leader reach a majority of voters both ways? */
static bool quorum_available(const sim_world *w)
{
    for (uint32_t i = 0; i < w->raft.node_count; i++) {
        const raft_node *rn = &w->raft.nodes[i];
        const int32_t ep = rn->endpoint;
        if (rn->role != RAFT_ROLE_LEADER) continue;
        if (sim_engine_endpoint_down_p(&w->engine, ep) ||
            sim_engine_endpoint_paused(&w->engine, ep))
            continue;
        uint32_t reach = 0;
        for (uint32_t v = 0; v < w->node_count; v++) {
            if (!w->is_voter[v]) continue;
            if ((int32_t)v == ep) {
                reach++;
                continue;
            }
            if (sim_engine_endpoint_down_p(&w->engine, (int32_t)v)) continue;
            if (net_reachable(&w->net, ep, (int32_t)v) && net_reachable(&w->net, (int32_t)v, ep))
                reach++;
        }
        if (reach * 2 > w->raft.voter_count) return true;
    }
    return false;
}

static void reconcile_coordinators(sim_world *w);

/* The group model counts what its checks see; a new count is a checker violation. */
static void observe_groups(sim_world *w)
{
    reconcile_coordinators(w);
    kg_observe(&w->groups);
    const kg_set *s = &w->groups;
    if (s->owner_violations > w->seen_owner_violations)
        chk_report(&w->chk, CHK_GROUP_SINGLE_OWNER, -1,
                   "two members of one generation own the same partition");
    if (s->commit_violations > w->seen_commit_violations)
        chk_report(&w->chk, CHK_COMMITTED_OFFSETS_MONOTONIC, -1, "a committed offset moved back");
    if (s->read_violations > w->seen_read_violations)
        chk_report(&w->chk, CHK_CONSUMERS_READ_BELOW_HW, -1,
                   "a consumer was sent records above the HW");
    w->seen_owner_violations = s->owner_violations;
    w->seen_commit_violations = s->commit_violations;
    w->seen_read_violations = s->read_violations;
}

static void observe(sim_world *w)
{
    for (uint32_t i = 0; i < w->raft.node_count; i++) {
        const raft_node *rn = &w->raft.nodes[i];
        if (rn->role != RAFT_ROLE_LEADER || w->seen_leader_epoch[i] == rn->raft_epoch) continue;
        w->seen_leader_epoch[i] = rn->raft_epoch;
        w->elections++;
        w->had_leader = true;
        if (w->leader_count < SIM_LEADER_HISTORY_MAX) {
            w->leaders[w->leader_count++] =
                (sim_leader_change){w->engine.now, rn->node_id, rn->raft_epoch};
        }
    }
    finish_shutdowns(w);
    brokers_observe_leaders(&w->brokers);
    if (w->has_topics) topics_observe(&w->topics);
    if (w->has_groups) observe_groups(w);
    chk_after_event(&w->chk);
    w->available = quorum_available(w);
}

/* Boots every node at time 0: Raft replicas, then broker processes. */
static void start(sim_world *w)
{
    w->started = true;
    raft_start(&w->raft);
    for (uint32_t i = 0; i < w->node_count; i++) brokers_start(&w->brokers, (int32_t)i);
    if (w->has_topics)
        for (uint32_t b = 0; b < w->repl.broker_count; b++) repl_broker_start(&w->repl, b);
    if (w->has_producers) prod_start_all(&w->producers);
    if (w->has_groups) kg_start_all(&w->groups);
    observe(w);
}

bool sim_world_step(sim_world *w)
{
    if (!w->started) start(w);
    if (w->finished) return false;
    const sim_time before = w->engine.now;
    const bool was_available = w->available || !w->had_leader;
    if (!sim_engine_step(&w->engine, w->end_us)) {
        if (!was_available) w->unavailable_us += w->end_us - before;
        sim_engine_advance_to(&w->engine, w->end_us);
        w->finished = true;
        return false;
    }
    if (!was_available) w->unavailable_us += w->engine.now - before;
    observe(w);
    return true;
}

void sim_world_run_until(sim_world *w, sim_time t)
{
    if (!w->started) start(w);
    if (t > w->end_us) t = w->end_us;
    while (!w->finished && sim_engine_next_time(&w->engine) <= t) sim_world_step(w);
    if (!w->finished && w->engine.now < t) {
        if (w->had_leader && !w->available) w->unavailable_us += t - w->engine.now;
        sim_engine_advance_to(&w->engine, t);
    }
}

void sim_world_run(sim_world *w)
{
    while (sim_world_step(w)) {
    }
}

/* ---------------------------------------------------------------------------------
 * Consumer groups: the callbacks of groups.h
 * ------------------------------------------------------------------------------- */

static_assert(NET_MSG_CONSUMER_METADATA_RESP - NET_MSG_FIND_COORDINATOR_REQ + 1 ==
                  KG_MSG_KIND_COUNT,
              "net kinds follow kg_msg_kind");
static_assert(SIM_EV_CONSUMER_OFFSET_RESET - SIM_EV_GROUP_STATE + 1 == KG_EV_COUNT,
              "trace events follow kg_event");

/* Whether `to` accepts a client's connection now (see prod_send_cb). */
static bool accepts_clients(const sim_world *w, int32_t to)
{
    const kafka_broker *br = brokers_by_endpoint((kafka_brokers *)&w->brokers, to);
    if (sim_engine_endpoint_down_p(&w->engine, to)) return false;
    if (br == NULL) return true; /* a client endpoint */
    return br->phase != KAFKA_BROKER_DOWN && br->phase != KAFKA_BROKER_REGISTERING &&
           br->phase != KAFKA_BROKER_STARTING;
}

static bool kg_send_cb(void *ctx, int32_t from, int32_t to, kg_msg_kind kind, const void *body,
                       uint32_t bytes)
{
    sim_world *w = ctx;
    SIM_ASSERT(kind < KG_MSG_KIND_COUNT);
    if (kind % 2 == 0 && !accepts_clients(w, to)) return false; /* requests connect */
    net_send(&w->net, from, to, (net_msg_kind)(NET_MSG_FIND_COORDINATOR_REQ + kind), body, bytes);
    return true;
}

static kg_partition_view kg_view_cb(void *ctx, int32_t broker_id, uint32_t p)
{
    sim_world *w = ctx;
    const int32_t ep = sim_world_endpoint_of(w, broker_id);
    SIM_ASSERT(ep >= 0);
    const kpc_reg *reg = topics_image(&w->topics, ep, p);
    kg_partition_view v = {.leader = reg != NULL ? reg->leader : -1};
    const uint32_t b = repl_broker_index(&w->repl, broker_id);
    if (b != UINT32_MAX) {
        const repl_replica *x = repl_replica_get(&w->repl, b, p);
        v.is_leader = x->role == REPL_ROLE_LEADER;
        v.hw = x->hw;
        v.leo = x->leo;
        v.log_start = x->log_start;
    }
    return v;
}

/* An append that finished at once is reported on the next event, so the coordinator
 * never hears about it before it has noted what it waits for. */
static void kg_append_now_cb(void *ctx, int32_t endpoint, uint64_t arg)
{
    (void)endpoint;
    sim_world *w = ctx;
    const int32_t error = (int32_t)((arg >> 32) & 0xFFu) - 1;
    kg_append_done(&w->groups, arg & ~(0xFFull << 32), error);
}

static bool kg_append_cb(void *ctx, int32_t broker_id, uint32_t p, uint32_t first_value,
                         uint32_t count, uint64_t tag)
{
    sim_world *w = ctx;
    const uint32_t b = repl_broker_index(&w->repl, broker_id);
    SIM_ASSERT(b != UINT32_MAX && count >= 1 && count <= REPL_BATCH_RECORDS_MAX);
    SIM_ASSERT((tag & GROUP_APPEND_BIT) == 0 && ((tag >> 32) & 0xFFu) == 0);
    /* The coordinator's own write: acks=all, as GroupMetadataManager appends. */
    const repl_produce_req req = {.partition_index = p,
                                  .acks = -1,
                                  .record_count = count,
                                  .record_bytes = 64,
                                  .first_value_id = first_value,
                                  .producer_id = -1,
                                  .first_sequence = -1,
                                  .timeout_us = SIM_S(5),
                                  .request_id = tag | GROUP_APPEND_BIT};
    repl_produce_result res;
    if (!repl_produce(&w->repl, b, &req, &res)) return true; /* parked until replicated */
    if (res.error != REPL_ERR_NONE && res.base_offset < 0) return false;
    const uint64_t arg = tag | ((uint64_t)(((uint32_t)res.error + 1u) & 0xFFu) << 32);
    sim_engine_schedule(&w->engine, w->engine.now, w->kg_append_handler, SIM_ENDPOINT_NONE, arg);
    return true;
}

static void kg_event_cb(void *ctx, int32_t node, kg_event ev, const int64_t *fields)
{
    sim_world *w = ctx;
    SIM_ASSERT(ev < KG_EV_COUNT);
    sim_trace_emit(&w->engine.trace, (sim_trace_ev)(SIM_EV_GROUP_STATE + ev), node, fields, NULL);
}

static int64_t offsets_read_cb(void *ctx, int32_t broker_id, uint32_t p, int64_t offset)
{
    sim_world *w = ctx;
    const uint32_t b = repl_broker_index(&w->repl, broker_id);
    const repl_record *r = repl_record_at(&w->repl, b, p, offset);
    return r != NULL ? (int64_t)r->value_id : -1;
}

/* The coordinator of each group is the broker that leads its offsets partition and
 * serves clients (it has caught up with the metadata log since it started: a restarted
 * broker replaying old records may believe it leads, as Kafka's would before its first
 * image is published). Checked after every event; a change loads or drops the groups. */
static void reconcile_coordinators(sim_world *w)
{
    for (uint32_t g = 0; g < w->groups.group_count; g++) {
        const uint32_t p = w->groups.groups[g].offsets_partition;
        const uint32_t i = p - w->offsets_first_partition;
        int32_t want = -1, want_epoch = -1;
        for (uint32_t b = 0; b < w->repl.broker_count; b++) {
            const repl_replica *x = repl_replica_get(&w->repl, b, p);
            const int32_t id = w->repl.broker_ids[b];
            if (x->role != REPL_ROLE_LEADER || x->reg.leader != id) continue;
            if (!accepts_clients(w, w->repl.endpoints[b])) continue;
            if (x->reg.leader_epoch > want_epoch) {
                want = id;
                want_epoch = x->reg.leader_epoch;
            }
        }
        if (want == w->coordinator_of[i]) continue;
        if (w->coordinator_of[i] >= 0) kg_coordinator_resigned(&w->groups, w->coordinator_of[i], p);
        w->coordinator_of[i] = want;
        if (want >= 0) {
            const repl_replica *x =
                repl_replica_get(&w->repl, repl_broker_index(&w->repl, want), p);
            kg_coordinator_elected(&w->groups, want, p, x->log_start, x->leo, offsets_read_cb, w);
        }
    }
}

/* ---------------------------------------------------------------------------------
 * Creation
 * ------------------------------------------------------------------------------- */

static raft_config raft_config_from(const scn_config *cfg, uint32_t log_capacity)
{
    raft_config rc;
    raft_config_default(&rc);
    rc.variant = cfg->raft_variant == SCN_RAFT_CLASSIC ? RAFT_VARIANT_CLASSIC : RAFT_VARIANT_KRAFT;
    rc.election_timeout_us = SIM_MS(cfg->kraft.election_timeout_ms);
    rc.fetch_timeout_us = SIM_MS(cfg->kraft.fetch_timeout_ms);
    rc.election_backoff_max_us = SIM_MS(cfg->kraft.election_backoff_max_ms);
    rc.request_timeout_us = SIM_MS(cfg->kraft.request_timeout_ms);
    rc.retry_backoff_us = SIM_MS(cfg->kraft.retry_backoff_ms);
    rc.append_linger_us = SIM_MS(cfg->kraft.append_linger_ms);
    rc.idle_interval_us = SIM_MS(cfg->kraft.metadata_max_idle_interval_ms);
    rc.classic_election_min_us = cfg->classic.election_timeout_min_us;
    rc.classic_election_max_us = cfg->classic.election_timeout_max_us;
    rc.classic_heartbeat_us = cfg->classic.heartbeat_us;
    rc.log_capacity = log_capacity;
    return rc;
}

/* Records the metadata log can need: idle no-ops (or classic no-ops) over the run,
 * leader changes, and broker lifecycle records, with a wide margin. */
static uint32_t log_capacity_for(const scn_config *cfg, sim_time end_us)
{
    const sim_time idle = SIM_MS(cfg->kraft.metadata_max_idle_interval_ms);
    const sim_time step = idle > 0 ? idle : SIM_MS(500);
    uint64_t n = end_us / step + 1;
    n += (uint64_t)cfg->node_count * 64u + (uint64_t)cfg->action_count * 16u + 4096u;
    n += end_us / SIM_MS(100); /* elections and re-registrations under heavy chaos */
    SIM_ASSERT(n < UINT32_MAX / 2);
    return (uint32_t)n;
}

/* ---------------------------------------------------------------------------------
 * The data plane (only when the scenario has topics)
 * ------------------------------------------------------------------------------- */

static uint32_t broker_count_of(const scn_config *cfg)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < cfg->node_count; i++) n += cfg->nodes[i].broker;
    return n;
}

/* Partitions of the scenario's topics (global indexes 0..), without __consumer_offsets. */
static uint32_t user_partitions_of(const scn_config *cfg)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < cfg->topic_count; i++) n += cfg->topics[i].partitions;
    return n;
}

/* Every partition of the data plane: the scenario's, then __consumer_offsets' when the
 * scenario has consumer groups. */
static uint32_t partition_count_of(const scn_config *cfg)
{
    const uint32_t offsets = cfg->group_count > 0 ? cfg->group_broker.offsets_partitions : 0;
    return user_partitions_of(cfg) + offsets;
}

/* The __consumer_offsets partition of group `g` (kafka-semantics.md §5.1:
 * Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions), as a global index. */
static uint32_t offsets_partition_of(const scn_config *cfg, uint32_t g)
{
    const int32_t h = kasg_java_hash(cfg->groups[g].group);
    const uint32_t a = h == INT32_MIN ? 0u : (uint32_t)(h < 0 ? -h : h);
    return user_partitions_of(cfg) + a % cfg->group_broker.offsets_partitions;
}

/* Records an offsets partition can need: each commit is one record per partition, at
 * most one per processed batch or auto-commit interval, and one metadata record per
 * rebalance. A full log makes commits fail (KAFKA_STORAGE_ERROR), never the run. */
static uint32_t group_records_of(const scn_config *cfg, uint32_t g)
{
    const scn_group *gr = &cfg->groups[g];
    uint64_t parts = 0;
    for (uint32_t t = 0; t < gr->topic_count; t++) parts += cfg->topics[gr->topics[t]].partitions;
    const uint64_t interval = gr->auto_commit_interval_ms > 0 ? gr->auto_commit_interval_ms : 1;
    uint64_t n = parts * (cfg->duration_us / 1000u / interval + 4u) + 256u * gr->members_max;
    if (gr->commit != SCN_COMMIT_AUTO) n += 2u * (uint64_t)cfg->log_records_max + 1024u;
    return n > 4000000u ? 4000000u : (uint32_t)n;
}

/* Kafka's configs for the data plane; a zero from the config is Kafka's default. */
static repl_config repl_config_from(const scn_config *cfg)
{
    repl_config rc;
    repl_config_default(&rc);
    if (cfg->kafka.replica_lag_time_max_ms > 0)
        rc.replica_lag_time_max_us = SIM_MS(cfg->kafka.replica_lag_time_max_ms);
    if (cfg->kafka.replica_fetch_wait_max_ms > 0)
        rc.replica_fetch_wait_max_us = SIM_MS(cfg->kafka.replica_fetch_wait_max_ms);
    if (cfg->kafka.min_insync_replicas > 0) rc.min_insync_replicas = cfg->kafka.min_insync_replicas;
    rc.log_capacity =
        cfg->log_records_max > REPL_LOG_RECORDS ? cfg->log_records_max : REPL_LOG_RECORDS;
    rc.segments_max = REPL_SEGMENTS;
    /* A broker parks at most what every producer can have in flight to it. */
    rc.produce_waiting_max = REPL_PRODUCE_WAITING;
    /* A client that gave up on a request (timeout, broken connection) sends new ones while
     * the broker still holds the old until their timeout: room for several rounds. */
    for (uint32_t i = 0; i < cfg->producer_count; i++)
        rc.produce_waiting_max += 4u * cfg->producers[i].max_in_flight;
    for (uint32_t g = 0; g < cfg->group_count; g++)
        rc.produce_waiting_max += 4u * cfg->groups[g].members_max + 8u; /* commits, metadata */
    return rc;
}

/* A producer of the scenario as the producer model takes it. */
static prod_spec prod_spec_from(const scn_config *cfg, uint32_t i, int32_t endpoint)
{
    const scn_producer *sp = &cfg->producers[i];
    SIM_ASSERT(sp->topic < cfg->topic_count);
    uint32_t first = 0;
    for (uint32_t t = 0; t < sp->topic; t++) first += cfg->topics[t].partitions;
    prod_spec s = {.name = sp->name, .endpoint = endpoint};
    prod_config_default(&s.cfg);
    s.cfg.acks = sp->acks;
    s.cfg.retries = sp->retries;
    s.cfg.delivery_timeout_us = SIM_MS(sp->delivery_timeout_ms);
    s.cfg.request_timeout_us = SIM_MS(sp->request_timeout_ms);
    s.cfg.linger_us = SIM_MS(sp->linger_ms);
    s.cfg.retry_backoff_us = SIM_MS(sp->retry_backoff_ms);
    s.cfg.retry_backoff_max_us = SIM_MS(sp->retry_backoff_max_ms);
    s.cfg.metadata_max_age_us = SIM_MS(sp->metadata_max_age_ms);
    s.cfg.reconnect_backoff_us = SIM_MS(sp->reconnect_backoff_ms);
    s.cfg.reconnect_backoff_max_us = SIM_MS(sp->reconnect_backoff_max_ms);
    s.cfg.batch_size = sp->batch_size;
    s.cfg.max_in_flight = sp->max_in_flight;
    s.cfg.idempotence = sp->idempotence;
    s.cfg.ignore_keys = sp->ignore_keys;
    s.cfg.partitioner = sp->partitioner == SCN_PARTITIONER_LEGACY_ROUND_ROBIN
                            ? PROD_PARTITIONER_LEGACY_ROUND_ROBIN
                            : PROD_PARTITIONER_BUILT_IN;
    s.wl = (prod_workload){.first_partition = first,
                           .partition_count = cfg->topics[sp->topic].partitions,
                           .rate = sp->rate,
                           .keys = sp->keys,
                           .value_bytes = sp->value_bytes,
                           .start_us = sp->start_us,
                           .stop_us = sp->stop_us,
                           .burst_count = sp->burst_count};
    SIM_ASSERT(sp->burst_count <= PROD_BURSTS_MAX);
    for (uint32_t b = 0; b < sp->burst_count; b++)
        s.wl.bursts[b] = (prod_burst){.at_us = sp->bursts[b].at_us,
                                      .for_us = sp->bursts[b].for_us,
                                      .rate = sp->bursts[b].rate};
    return s;
}

static size_t producers_bytes(const scn_config *cfg)
{
    if (cfg->producer_count == 0) return 0;
    prod_spec specs[PROD_CLIENTS_MAX];
    SIM_ASSERT(cfg->producer_count <= PROD_CLIENTS_MAX);
    for (uint32_t i = 0; i < cfg->producer_count; i++)
        specs[i] = prod_spec_from(cfg, i, (int32_t)(cfg->node_count + i));
    return prod_arena_bytes(specs, cfg->producer_count);
}

static void setup_producers(sim_world *w, const scn_config *cfg, uint64_t seed)
{
    SIM_ASSERT(w->has_topics && cfg->producer_count <= PROD_CLIENTS_MAX);
    prod_spec specs[PROD_CLIENTS_MAX];
    for (uint32_t i = 0; i < cfg->producer_count; i++)
        specs[i] = prod_spec_from(cfg, i, (int32_t)(w->node_count + i));
    const prod_ops ops = {.send = prod_send_cb, .event = prod_event_cb};
    prod_init(&w->producers, &w->engine, w->arena, seed, specs, cfg->producer_count,
              w->repl.broker_count, w->repl.broker_ids, w->repl.endpoints, &ops, w);
    w->has_producers = true;
}

static size_t groups_bytes(const scn_config *cfg);

static size_t data_plane_bytes(const scn_config *cfg, uint32_t entry_capacity)
{
    if (cfg->topic_count == 0) return 0;
    repl_config rc = repl_config_from(cfg);
    const uint32_t parts = partition_count_of(cfg);
    uint32_t *caps = NULL;
    if (cfg->group_count > 0) {
        caps = sim_xcalloc(parts, sizeof *caps);
        const uint32_t user = user_partitions_of(cfg);
        for (uint32_t p = 0; p < parts; p++)
            caps[p] = p < user ? rc.log_capacity : OFFSETS_IDLE_RECORDS;
        for (uint32_t g = 0; g < cfg->group_count; g++)
            caps[offsets_partition_of(cfg, g)] += group_records_of(cfg, g);
        rc.partition_log_capacity = caps;
    }
    const size_t repl_bytes = repl_arena_bytes(&rc, broker_count_of(cfg), parts);
    free(caps);
    return repl_bytes +
           topics_arena_bytes(cfg->node_count, cfg->topic_count + 1u, parts, entry_capacity) +
           chk_partition_bytes(broker_count_of(cfg), parts) + producers_bytes(cfg) +
           groups_bytes(cfg) + (size_t)parts * sizeof(uint32_t) + 4096u;
}

static void setup_data_plane(sim_world *w, const scn_config *cfg, uint64_t seed,
                             uint32_t entry_capacity)
{
    const uint32_t brokers = w->brokers.broker_count;
    SIM_ASSERT(brokers >= 1 && cfg->topic_count <= TOPICS_MAX); /* the loader checked */
    w->has_topics = true;
    int32_t ids[REPL_BROKERS_MAX], eps[REPL_BROKERS_MAX];
    const char **racks = SIM_ARENA_NEW(w->arena, const char *, brokers);
    for (uint32_t b = 0; b < brokers; b++) {
        ids[b] = w->brokers.brokers[b].node_id;
        eps[b] = w->brokers.brokers[b].endpoint;
        racks[b] = cfg->nodes[eps[b]].rack;
    }
    const uint32_t internal = cfg->group_count > 0 ? 1u : 0u;
    topics_topic *tt = SIM_ARENA_NEW(w->arena, topics_topic, cfg->topic_count + internal);
    uint32_t first = 0;
    for (uint32_t i = 0; i < cfg->topic_count; i++) {
        const scn_topic *st = &cfg->topics[i];
        SIM_ASSERT(st->partitions >= 1 && st->replication_factor >= 1);
        SIM_ASSERT(st->replication_factor <= brokers && st->replication_factor <= KPC_REPLICAS_MAX);
        tt[i] = (topics_topic){.name = st->name,
                               .first_partition = first,
                               .partition_count = st->partitions,
                               .replication_factor = st->replication_factor,
                               .assignment = st->assignment,
                               .min_insync_replicas =
                                   st->min_insync_replicas > 0 ? st->min_insync_replicas : 1,
                               .unclean_allowed = st->unclean_leader_election_enable};
        first += st->partitions;
    }
    repl_config rc = repl_config_from(cfg);
    uint32_t *caps = NULL;
    if (internal) {
        /* __consumer_offsets, created by the controller like any topic (Kafka creates it
         * at the first FindCoordinator; with fewer brokers than its replication factor it
         * never exists, and groups get COORDINATOR_NOT_AVAILABLE). */
        tt[cfg->topic_count] = (topics_topic){
            .name = "__consumer_offsets",
            .first_partition = first,
            .partition_count = cfg->group_broker.offsets_partitions,
            .replication_factor = cfg->group_broker.offsets_replication_factor,
            .min_insync_replicas = 1,
        };
        w->offsets_first_partition = first;
        w->offsets_partition_count = cfg->group_broker.offsets_partitions;
        first += cfg->group_broker.offsets_partitions;
        caps = SIM_ARENA_NEW(w->arena, uint32_t, first);
        for (uint32_t p = 0; p < first; p++)
            caps[p] = p < w->offsets_first_partition ? rc.log_capacity : OFFSETS_IDLE_RECORDS;
        for (uint32_t g = 0; g < cfg->group_count; g++)
            caps[offsets_partition_of(cfg, g)] += group_records_of(cfg, g);
        rc.partition_log_capacity = caps;
        w->coordinator_of = SIM_ARENA_NEW(w->arena, int32_t, w->offsets_partition_count);
        for (uint32_t i = 0; i < w->offsets_partition_count; i++) w->coordinator_of[i] = -1;
    }
    const repl_ops ops = {.send = repl_send_cb,
                          .controller_endpoint = repl_controller_cb,
                          .alter_partition = repl_alter_cb,
                          .isr_eligible = repl_eligible_cb,
                          .event = repl_event_cb,
                          .produce_done = repl_produce_done_cb};
    repl_init(&w->repl, &w->engine, w->arena, &rc, brokers, ids, eps, first, &ops, w);
    for (uint32_t i = 0; i < cfg->topic_count + internal; i++)
        for (uint32_t p = 0; p < tt[i].partition_count; p++)
            repl_set_min_insync(&w->repl, tt[i].first_partition + p, tt[i].min_insync_replicas);
    topics_init(&w->topics, &w->engine, &w->raft, &w->brokers, &w->repl, w->arena, seed, tt,
                cfg->topic_count + internal, racks, entry_capacity);
    chk_set_repl(&w->chk, w->arena, &w->repl);
}

/* ---------------------------------------------------------------------------------
 * Consumer groups (only when the scenario has some)
 * ------------------------------------------------------------------------------- */

/* A group of the scenario as the group model takes it. */
static void group_spec_from(const scn_config *cfg, uint32_t g, kg_group_spec *out)
{
    const scn_group *gr = &cfg->groups[g];
    memset(out, 0, sizeof *out);
    out->id = gr->group;
    SIM_ASSERT(gr->topic_count >= 1 && gr->topic_count <= 8);
    for (uint32_t t = 0; t < gr->topic_count; t++) {
        const uint32_t ti = gr->topics[t];
        uint32_t first = 0;
        for (uint32_t k = 0; k < ti; k++) first += cfg->topics[k].partitions;
        out->topic_names[t] = cfg->topics[ti].name;
        out->topic_partitions[t] = cfg->topics[ti].partitions;
        for (uint32_t n = 0; n < cfg->topics[ti].partitions; n++) {
            SIM_ASSERT(out->partition_count < KG_PARTITIONS_MAX);
            if (gr->has_poison && gr->poison_topic == ti && gr->poison_partition == n)
                out->poison_partition = out->partition_count;
            out->partitions[out->partition_count] = first + n;
            out->topic_of[out->partition_count] = t;
            out->number_of[out->partition_count++] = (int32_t)n;
        }
    }
    out->topic_count = gr->topic_count;
    out->offsets_partition = offsets_partition_of(cfg, g);
    for (uint32_t k = 0; k < gr->strategy_count; k++)
        out->strategies[k] = (kasg_strategy)gr->strategies[k];
    out->strategy_count = gr->strategy_count;
    out->session_timeout_us = SIM_MS(gr->session_timeout_ms);
    out->heartbeat_us = SIM_MS(gr->heartbeat_interval_ms);
    out->rebalance_timeout_us = SIM_MS(gr->max_poll_interval_ms);
    out->fetch_max_wait_us = SIM_MS(gr->fetch_max_wait_ms);
    out->auto_commit_interval_us = SIM_MS(gr->auto_commit_interval_ms);
    out->request_timeout_us = SIM_MS(gr->request_timeout_ms);
    out->retry_backoff_us = SIM_MS(gr->retry_backoff_ms);
    out->processing_us = gr->processing_us;
    out->start_us = gr->start_us;
    out->max_poll_records = gr->max_poll_records;
    out->members = gr->members;
    out->members_max = gr->members_max;
    out->commit = gr->commit == SCN_COMMIT_AUTO               ? KG_COMMIT_AUTO
                  : gr->commit == SCN_COMMIT_AFTER_PROCESSING ? KG_COMMIT_AFTER_PROCESSING
                                                              : KG_COMMIT_BEFORE_PROCESSING;
    out->reset = gr->offset_reset == SCN_RESET_EARLIEST ? KG_RESET_EARLIEST
                 : gr->offset_reset == SCN_RESET_NONE   ? KG_RESET_NONE
                                                        : KG_RESET_LATEST;
    out->static_members = gr->static_members;
    out->has_poison = gr->has_poison;
    out->poison_offset = gr->poison_offset;
    out->poison_policy = gr->poison_policy == SCN_POISON_RETRY  ? KG_POISON_RETRY
                         : gr->poison_policy == SCN_POISON_STOP ? KG_POISON_STOP
                                                                : KG_POISON_SKIP;
    out->initial_delay_us = SIM_MS(cfg->group_broker.initial_rebalance_delay_ms);
    out->min_session_us = SIM_MS(cfg->group_broker.min_session_timeout_ms);
    out->max_session_us = SIM_MS(cfg->group_broker.max_session_timeout_ms);
}

static uint32_t group_store_capacity(const scn_config *cfg)
{
    uint64_t n = 64;
    for (uint32_t g = 0; g < cfg->group_count; g++) n += group_records_of(cfg, g);
    return n > 8000000u ? 8000000u : (uint32_t)n;
}

static uint32_t group_records_cap(const scn_config *cfg)
{
    return cfg->log_records_max > 64u ? cfg->log_records_max : 64u;
}

static uint32_t consumer_endpoints_of(const scn_config *cfg)
{
    uint32_t n = 0;
    for (uint32_t g = 0; g < cfg->group_count; g++) n += cfg->groups[g].members_max;
    return n;
}

static size_t groups_bytes(const scn_config *cfg)
{
    if (cfg->group_count == 0) return 0;
    kg_group_spec *specs = sim_xcalloc(cfg->group_count, sizeof *specs);
    for (uint32_t g = 0; g < cfg->group_count; g++) group_spec_from(cfg, g, &specs[g]);
    const size_t n = kg_arena_bytes(specs, cfg->group_count, broker_count_of(cfg),
                                    group_store_capacity(cfg), group_records_cap(cfg));
    free(specs);
    return n;
}

/* Consumers are endpoints after the producers; their trace ids are
 * SIM_TRACE_CLIENT_ID_BASE + 1000 + 100 x group + member. */
static void setup_groups(sim_world *w, const scn_config *cfg, uint64_t seed, int32_t *trace_ids,
                         uint32_t first_endpoint)
{
    SIM_ASSERT(w->has_topics && cfg->group_count <= KG_GROUPS_MAX);
    kg_group_spec *specs = SIM_ARENA_NEW(w->arena, kg_group_spec, cfg->group_count);
    int32_t eps[KG_GROUPS_MAX * KG_MEMBERS_MAX], ids[KG_GROUPS_MAX * KG_MEMBERS_MAX];
    uint32_t next = first_endpoint;
    for (uint32_t g = 0; g < cfg->group_count; g++) {
        group_spec_from(cfg, g, &specs[g]);
        for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) {
            const bool used = i < cfg->groups[g].members_max;
            eps[g * KG_MEMBERS_MAX + i] = used ? (int32_t)next : -1;
            ids[g * KG_MEMBERS_MAX + i] =
                (int32_t)(SIM_TRACE_CLIENT_ID_BASE + 1000u + 100u * g + i);
            if (used) trace_ids[next++] = ids[g * KG_MEMBERS_MAX + i];
        }
    }
    const kg_ops ops = {
        .send = kg_send_cb, .view = kg_view_cb, .append = kg_append_cb, .event = kg_event_cb};
    kg_init(&w->groups, &w->engine, w->arena, seed, specs, cfg->group_count, w->repl.broker_count,
            w->repl.broker_ids, w->repl.endpoints, eps, group_store_capacity(cfg),
            group_records_cap(cfg), &ops, w);
    kg__set_trace_ids(&w->groups, ids);
    w->kg_append_handler = sim_engine_register(&w->engine, kg_append_now_cb, w);
    w->has_groups = true;
}

sim_world *sim_world_new(const scn_config *cfg, uint64_t seed, sim_time until_us)
{
    return sim_world_new_opts(cfg, seed, until_us, NULL);
}

/* The timeline as the loader would sort the file with the extra actions appended:
 * stable by `at`, the scenario's own actions first on equal times. */
static void merge_actions(sim_world *w, const scn_config *cfg, const scn_action *extra,
                          uint32_t extra_count)
{
    const uint32_t n = cfg->action_count + extra_count;
    w->actions = SIM_ARENA_NEW(w->arena, scn_action, n + 1);
    w->action_count = n;
    scn_action *tail = w->actions + cfg->action_count; /* extras, sorted in place */
    for (uint32_t k = 0; k < extra_count; k++) {
        scn_action a = extra[k];
        a.index = cfg->action_count + k;
        uint32_t j = k;
        while (j > 0 && tail[j - 1].at_us > a.at_us) { /* insertion sort: stable */
            tail[j] = tail[j - 1];
            j--;
        }
        tail[j] = a;
    }
    scn_action *merged = SIM_ARENA_NEW(w->arena, scn_action, n + 1);
    uint32_t i = 0, k = 0;
    for (uint32_t m = 0; m < n; m++) {
        const bool take_own =
            k >= extra_count || (i < cfg->action_count && cfg->actions[i].at_us <= tail[k].at_us);
        merged[m] = take_own ? cfg->actions[i++] : tail[k++];
    }
    w->actions = merged;
    for (uint32_t m = 1; m < n; m++) SIM_ASSERT(merged[m - 1].at_us <= merged[m].at_us);
}

sim_world *sim_world_new_opts(const scn_config *cfg, uint64_t seed, sim_time until_us,
                              const sim_world_options *opts)
{
    static const sim_world_options none = {0};
    if (opts == NULL) opts = &none;
    const raft_bugs *bugs = opts->bugs;
    SIM_ASSERT(cfg->action_count + opts->extra_action_count <= SIM_TIMELINE_MAX);
    SIM_ASSERT(cfg->node_count > 0 && cfg->node_count <= SIM_NODES_MAX);
    SIM_ASSERT(cfg->voter_count > 0 && cfg->voter_count <= SIM_VOTERS_MAX);
    sim_world *w = sim_xcalloc(1, sizeof *w);
    w->cfg = cfg;
    w->seed = seed;
    w->end_us = until_us < cfg->duration_us ? until_us : cfg->duration_us;
    const uint32_t n = cfg->node_count;
    const uint32_t log_cap = log_capacity_for(cfg, w->end_us);
    const uint32_t parts = partition_count_of(cfg);
    const uint32_t nb = broker_count_of(cfg);
    const uint32_t pc = cfg->producer_count;
    const uint32_t endpoint_count = n + pc + consumer_endpoints_of(cfg);
    uint32_t in_flight = 0; /* produce requests every producer may have out, with answers */
    for (uint32_t i = 0; i < pc; i++) in_flight += cfg->producers[i].max_in_flight * nb + 2u;
    /* A consumer has a fetch per broker, a coordinator request, a heartbeat, a leave and
     * a metadata request out, each with its answer, and three timers. */
    in_flight += consumer_endpoints_of(cfg) * (nb + 8u);
    const uint32_t repl_msgs = parts > 0 ? 4u * nb * nb + REPL_MSGS_PER_PARTITION * parts : 0;
    const uint32_t msg_cap = n * MSGS_PER_NODE + 1024u + repl_msgs + 2u * in_flight;
    const uint32_t repl_timers = parts > 0 ? 2u * nb * nb + 8u * nb + 2u * parts + nb * in_flight +
                                                 4u * pc + 4u * consumer_endpoints_of(cfg) +
                                                 4u * nb * KG_GROUPS_MAX + 256u
                                           : 0;
    const uint32_t slots =
        msg_cap + n * TIMERS_PER_NODE + SIM_COMMANDS_MAX + 2 * SIM_TIMELINE_MAX + 64u + repl_timers;
    const uint32_t entry_capacity = 2u * log_cap;
    size_t bytes = (size_t)4 << 20;
    bytes += (size_t)msg_cap * (sizeof(net_msg) + 8);
    bytes += (size_t)slots * (sizeof(sim_event_slot) + 8);
    bytes += (size_t)n * n * sizeof(net_link);
    bytes += (size_t)(n + 1) * log_cap * sizeof(raft_record) * 2; /* logs + checker ref */
    bytes += (size_t)n * 65536u + CHK_EPOCHS_MAX * sizeof(int32_t);
    bytes += (size_t)(SIM_COMMANDS_MAX + 2 * SIM_TIMELINE_MAX + 2) * sizeof(scn_action);
    bytes += (size_t)SIM_LEADER_HISTORY_MAX * sizeof(sim_leader_change);
    bytes += (size_t)SIM_WARNINGS_MAX * sizeof(sim_warning);
    bytes += data_plane_bytes(cfg, entry_capacity);
    bytes += SIM_LEADER_CHANGES_MAX * sizeof(sim_partition_leader_change) + 64u;
    bytes += (size_t)endpoint_count * endpoint_count * sizeof(net_link) + 1024u;
    w->arena = sim_arena_new(bytes);

    w->node_count = n;
    w->node_ids = SIM_ARENA_NEW(w->arena, int32_t, n);
    w->is_voter = SIM_ARENA_NEW(w->arena, bool, n);
    w->is_broker = SIM_ARENA_NEW(w->arena, bool, n);
    w->stopping = SIM_ARENA_NEW(w->arena, bool, n);
    w->raft_stopping = SIM_ARENA_NEW(w->arena, bool, n);
    w->stop_token = SIM_ARENA_NEW(w->arena, uint32_t, n);
    w->pause_token = SIM_ARENA_NEW(w->arena, uint32_t, n);
    w->seen_leader_epoch = SIM_ARENA_NEW(w->arena, int32_t, n);
    int32_t *endpoints = SIM_ARENA_NEW(w->arena, int32_t, n);
    /* Trace ids of every endpoint: nodes by Kafka id, clients after them. */
    int32_t *trace_ids = SIM_ARENA_NEW(w->arena, int32_t, endpoint_count);
    for (uint32_t i = 0; i < pc; i++) trace_ids[n + i] = (int32_t)(SIM_TRACE_CLIENT_ID_BASE + i);
    for (uint32_t i = 0; i < n; i++) {
        w->node_ids[i] = cfg->nodes[i].id;
        w->is_voter[i] = cfg->nodes[i].controller;
        w->is_broker[i] = cfg->nodes[i].broker;
        w->seen_leader_epoch[i] = -1;
        endpoints[i] = (int32_t)i;
        trace_ids[i] = cfg->nodes[i].id;
        if (i > 0) SIM_ASSERT(cfg->nodes[i - 1].id < cfg->nodes[i].id);
    }
    merge_actions(w, cfg, opts->extra_actions, opts->extra_action_count);
    w->label_node = SIM_ARENA_NEW(w->arena, int32_t, w->action_count + 1);
    for (uint32_t i = 0; i < w->action_count; i++) w->label_node[i] = -1;
    w->commands = SIM_ARENA_NEW(w->arena, scn_action, SIM_COMMANDS_MAX);
    w->leaders = SIM_ARENA_NEW(w->arena, sim_leader_change, SIM_LEADER_HISTORY_MAX);
    w->warnings = SIM_ARENA_NEW(w->arena, sim_warning, SIM_WARNINGS_MAX);
    if (cfg->topic_count > 0)
        w->leader_changes =
            SIM_ARENA_NEW(w->arena, sim_partition_leader_change, SIM_LEADER_CHANGES_MAX);

    sim_engine_init(&w->engine, w->arena, slots, endpoint_count);
    const net_config nc = {.latency_min_us = cfg->latency_min_us,
                           .latency_max_us = cfg->latency_max_us,
                           .loss_ppm = cfg->loss_ppm,
                           .msg_capacity = msg_cap};
    net_init(&w->net, &w->engine, w->arena, seed, endpoint_count, trace_ids, nc);
    net_set_receiver(&w->net, recv_cb, w);

    const raft_config rc = raft_config_from(cfg, log_cap);
    raft_cluster_init(&w->raft, &w->engine, &w->net, w->arena, seed, &rc, n, endpoints, w->node_ids,
                      w->is_voter);
    raft_set_apply(&w->raft, apply_cb, w);
    if (bugs != NULL) w->raft.bugs = *bugs;
    const kafka_brokers_config bc = {
        .heartbeat_interval_us = SIM_MS(cfg->kraft.broker_heartbeat_interval_ms),
        .session_timeout_us = SIM_MS(cfg->kraft.broker_session_timeout_ms)};
    brokers_init(&w->brokers, &w->engine, &w->net, &w->raft, w->arena, n, w->is_broker, w->node_ids,
                 &bc);
    brokers_set_shutdown_cb(&w->brokers, shutdown_granted_cb, w);
    chk_init(&w->chk, w->arena, &w->engine, &w->raft, log_cap);
    if (cfg->topic_count > 0) setup_data_plane(w, cfg, seed, entry_capacity);
    if (opts->repl_bugs != NULL) {
        SIM_ASSERT(w->has_topics);
        w->repl.bugs = *opts->repl_bugs;
    }
    if (pc > 0) setup_producers(w, cfg, seed);
    if (cfg->group_count > 0) setup_groups(w, cfg, seed, trace_ids, n + pc);
    for (uint32_t i = 0; i < cfg->invariants_disabled_count; i++) {
        const chk_invariant inv = chk_invariant_by_name(cfg->invariants_disabled[i]);
        SIM_ASSERT(inv < CHK_COUNT); /* the loader checked the names */
        w->chk_disabled[inv] = true;
    }

    w->action_handler = sim_engine_register(&w->engine, action_cb, w);
    w->resume_handler = sim_engine_register(&w->engine, resume_cb, w);
    w->stop_deadline_handler = sim_engine_register(&w->engine, stop_deadline_cb, w);
    for (uint32_t i = 0; i < w->action_count; i++) {
        if (w->actions[i].at_us > w->end_us) break;
        sim_engine_schedule(&w->engine, w->actions[i].at_us, w->action_handler, SIM_ENDPOINT_NONE,
                            i);
    }
    return w; /* booted by the first step */
}

/* ---------------------------------------------------------------------------------
 * Checkpoints
 * ------------------------------------------------------------------------------- */

size_t sim_world_checkpoint_bytes(const sim_world *w)
{
    return sizeof *w + w->arena->used_bytes;
}

void sim_world_checkpoint_save(const sim_world *w, void *buf)
{
    memcpy(buf, w, sizeof *w);
    memcpy((uint8_t *)buf + sizeof *w, w->arena->base, w->arena->used_bytes);
}

void sim_world_checkpoint_restore(sim_world *w, const void *buf)
{
    const sim_world *saved = buf;
    /* Same world: every pointer inside the saved bytes points into this arena. */
    SIM_ASSERT(saved->arena == w->arena);
    SIM_ASSERT(saved->cfg == w->cfg);
    memcpy(w, buf, sizeof *w);
    memcpy(w->arena->base, (const uint8_t *)buf + sizeof *w, w->arena->used_bytes);
}

void sim_world_free(sim_world *w)
{
    if (w == NULL) return;
    sim_arena_free(w->arena);
    free(w);
}
