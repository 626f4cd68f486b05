/*
 * brokers.c — broker registration, heartbeats, fencing and the metadata image.
 *
 * Role / Model / Not modelled: see brokers.h.
 * Owns / borrows: as in brokers.h.
 * Invariants: a controller is active only on a node whose Raft role is leader; its view
 *   equals its log [0, leo) applied in order (rebuilt at activation, then kept in step
 *   by applying each record it proposes).
 * Determinism: iteration by index; timers by the engine.
 */
#include "brokers.h"
#include "../core/sim_assert.h"
#include "topics.h"

#include <string.h>

/* Kafka's error names (Errors.java) for the lifecycle RPCs. */
typedef enum kafka_lifecycle_error {
    ERR_NONE = 0,
    ERR_NOT_CONTROLLER = 41,
    ERR_STALE_BROKER_EPOCH = 77,
    ERR_DUPLICATE_BROKER_REGISTRATION = 101,
} kafka_lifecycle_error;

typedef struct reg_req {
    int32_t broker_id;
    int32_t incarnation;
} reg_req;

typedef struct reg_resp {
    int32_t error;
    int64_t broker_epoch;
} reg_resp;

typedef struct hb_req {
    int32_t broker_id;
    int64_t broker_epoch;
    int64_t metadata_offset; /* the broker's applied metadata offset */
    bool want_fence;
    bool want_shutdown;
} hb_req;

typedef struct hb_resp {
    int32_t error;
    bool is_caught_up;
    bool is_fenced;
    bool should_shutdown;
} hb_resp;

#define REGISTRATION_RESEND_US SIM_MS(1000) /* resend an unanswered registration */
#define STARTING_HEARTBEAT_US  SIM_MS(10)   /* BrokerLifecycleManager while catching up */
#define NO_CONTROLLER_RETRY_US SIM_MS(100)  /* no known controller yet: ask again soon */

const char *kafka_broker_phase_name(kafka_broker_phase phase)
{
    switch (phase) {
    case KAFKA_BROKER_DOWN:
        return "down";
    case KAFKA_BROKER_REGISTERING:
        return "registering";
    case KAFKA_BROKER_STARTING:
        return "starting";
    case KAFKA_BROKER_RECOVERY:
        return "recovery";
    case KAFKA_BROKER_RUNNING:
        return "running";
    case KAFKA_BROKER_SHUTTING_DOWN:
        return "shutting_down";
    default:
        SIM_UNREACHABLE();
    }
}

const char *kafka_record_name(uint16_t type)
{
    switch (type) {
    case KAFKA_RECORD_REGISTER_BROKER:
        return "RegisterBrokerRecord";
    case KAFKA_RECORD_FENCE_BROKER:
        return "FenceBrokerRecord";
    case KAFKA_RECORD_UNFENCE_BROKER:
        return "UnfenceBrokerRecord";
    case KAFKA_RECORD_TOPIC:
        return "TopicRecord";
    case KAFKA_RECORD_PARTITION:
        return "PartitionRecord";
    case KAFKA_RECORD_PARTITION_CHANGE:
        return "PartitionChangeRecord";
    default:
        return NULL;
    }
}

/* ---------------------------------------------------------------------------------
 * Lookups
 * ------------------------------------------------------------------------------- */

kafka_broker *brokers_by_endpoint(kafka_brokers *b, int32_t endpoint)
{
    SIM_ASSERT(endpoint >= 0 && (uint32_t)endpoint < b->node_count);
    const int32_t index = b->broker_of_endpoint[endpoint];
    return index >= 0 ? &b->brokers[index] : NULL;
}

static int32_t broker_index_of_id(const kafka_brokers *b, int32_t broker_id)
{
    for (uint32_t i = 0; i < b->broker_count; i++)
        if (b->brokers[i].node_id == broker_id) return (int32_t)i;
    return -1;
}

const kafka_broker_reg *brokers_image(const kafka_brokers *b, int32_t endpoint,
                                      uint32_t broker_index)
{
    SIM_ASSERT(endpoint >= 0 && (uint32_t)endpoint < b->node_count);
    SIM_ASSERT(broker_index < b->broker_count);
    return &b->images[(uint32_t)endpoint * b->broker_count + broker_index];
}

static kafka_broker_reg *image_at(kafka_brokers *b, int32_t endpoint, uint32_t broker_index)
{
    return (kafka_broker_reg *)brokers_image(b, endpoint, broker_index);
}

int32_t brokers_known_controller(const kafka_brokers *b, int32_t endpoint)
{
    const raft_node *rn = raft_node_by_endpoint(b->raft, endpoint);
    if (rn == NULL || rn->leader_id < 0) return -1;
    for (uint32_t i = 0; i < b->raft->node_count; i++)
        if (b->raft->nodes[i].node_id == rn->leader_id) return b->raft->nodes[i].endpoint;
    return -1;
}

/* ---------------------------------------------------------------------------------
 * Applying records
 * ------------------------------------------------------------------------------- */

static void reg_apply(kafka_broker_reg *regs, int32_t index, const raft_record *rec)
{
    if (index < 0) return;
    kafka_broker_reg *r = &regs[index];
    switch (rec->type) {
    case KAFKA_RECORD_REGISTER_BROKER:
        r->registered = true;
        r->fenced = true; /* RegisterBrokerRecord: Fenced defaults to true */
        r->in_controlled_shutdown = false;
        r->broker_epoch = rec->offset; /* the broker epoch is the record's offset */
        r->incarnation = rec->b;
        break;
    case KAFKA_RECORD_FENCE_BROKER:
        r->fenced = true;
        r->in_controlled_shutdown = rec->b == KAFKA_FENCE_CONTROLLED_SHUTDOWN;
        break;
    case KAFKA_RECORD_UNFENCE_BROKER:
        r->fenced = false;
        r->in_controlled_shutdown = false;
        break;
    default:
        break;
    }
}

static void send_reg_resp(kafka_brokers *b, int32_t from, int32_t to, int32_t error,
                          int64_t broker_epoch)
{
    const reg_resp resp = {.error = error, .broker_epoch = broker_epoch};
    net_send(b->net, from, to, NET_MSG_BROKER_REGISTER_RESP, &resp, sizeof resp);
}

void brokers_apply(kafka_brokers *b, int32_t endpoint, const raft_record *rec)
{
    if (rec->type < KAFKA_RECORD_REGISTER_BROKER || rec->type > KAFKA_RECORD_UNFENCE_BROKER) return;
    const int32_t index = broker_index_of_id(b, rec->a);
    reg_apply(&b->images[(uint32_t)endpoint * b->broker_count], index, rec);
    /* The active controller answers a registration once its record is committed. */
    kafka_ctrl *c = &b->ctrls[endpoint];
    if (index >= 0 && c->active && rec->type == KAFKA_RECORD_REGISTER_BROKER &&
        c->reply_offset[index] == rec->offset) {
        c->reply_offset[index] = -1;
        send_reg_resp(b, endpoint, c->reply_to[index], ERR_NONE, rec->offset);
    }
}

void brokers_node_reset_image(kafka_brokers *b, int32_t endpoint)
{
    for (uint32_t i = 0; i < b->broker_count; i++) {
        kafka_broker_reg *r = image_at(b, endpoint, i);
        memset(r, 0, sizeof *r);
        r->broker_epoch = -1;
    }
}

/* Appends a lifecycle record on the active controller `ctrl_ep` and applies it to the
 * controller's view at once (Kafka's controller state runs ahead of the HW). */
static bool ctrl_propose(kafka_brokers *b, int32_t ctrl_ep, uint16_t type, int32_t broker_id,
                         int32_t arg_b, int64_t arg_c, int64_t *offset_out)
{
    raft_node *rn = raft_node_by_endpoint(b->raft, ctrl_ep);
    SIM_ASSERT(rn != NULL && b->ctrls[ctrl_ep].active);
    int64_t offset = -1;
    if (raft_propose(b->raft, rn, type, broker_id, arg_b, arg_c, &offset) != SIM_OK) return false;
    SIM_ASSERT(offset >= 0);
    const raft_record rec = {.offset = offset,
                             .epoch = rn->raft_epoch,
                             .type = type,
                             .a = broker_id,
                             .b = arg_b,
                             .c = arg_c};
    reg_apply(b->ctrls[ctrl_ep].view, broker_index_of_id(b, broker_id), &rec);
    if (offset_out != NULL) *offset_out = offset;
    return true;
}

/* ---------------------------------------------------------------------------------
 * Controller side
 * ------------------------------------------------------------------------------- */

static void ctrl_arm_fence_timer(kafka_brokers *b, int32_t ctrl_ep)
{
    kafka_ctrl *c = &b->ctrls[ctrl_ep];
    sim_engine_cancel(b->engine, &c->fence_timer);
    sim_time earliest = SIM_TIME_NEVER;
    for (uint32_t i = 0; i < b->broker_count; i++) {
        if (!c->view[i].registered || c->view[i].fenced) continue;
        const sim_time expiry = c->sessions[i].last_contact_us + b->session_timeout_us;
        if (expiry < earliest) earliest = expiry;
    }
    if (earliest == SIM_TIME_NEVER) return;
    if (earliest < b->engine->now) earliest = b->engine->now;
    c->fence_timer = sim_engine_schedule(b->engine, earliest, b->fence_handler, ctrl_ep, 0);
}

/* maybeFenceOneStaleBroker: fence the unfenced broker heard from least recently, if its
 * session has expired; at most one per check. */
static void fence_cb(void *ctx, int32_t ctrl_ep, uint64_t arg)
{
    (void)arg;
    kafka_brokers *b = ctx;
    kafka_ctrl *c = &b->ctrls[ctrl_ep];
    c->fence_timer = SIM_TIMER_NONE;
    if (!c->active) return;
    int32_t oldest = -1;
    for (uint32_t i = 0; i < b->broker_count; i++) {
        if (!c->view[i].registered || c->view[i].fenced) continue;
        if (oldest < 0 || c->sessions[i].last_contact_us < c->sessions[oldest].last_contact_us)
            oldest = (int32_t)i;
    }
    if (oldest >= 0 &&
        b->engine->now >= c->sessions[oldest].last_contact_us + b->session_timeout_us) {
        const kafka_broker *victim = &b->brokers[oldest];
        const int64_t epoch = c->view[oldest].broker_epoch;
        /* handleBrokerFenced: its partitions change first, then the fence record. */
        if (b->topics != NULL)
            topics_ctrl_broker_leaving(b->topics, ctrl_ep, victim->node_id, TOPICS_CHANGE_FENCED);
        if (ctrl_propose(b, ctrl_ep, KAFKA_RECORD_FENCE_BROKER, victim->node_id,
                         KAFKA_FENCE_SESSION_EXPIRED, epoch, NULL)) {
            b->fences++;
            SIM_TRACE(&b->engine->trace, SIM_EV_BROKER_FENCE,
                      raft_node_by_endpoint(b->raft, ctrl_ep)->node_id, victim->node_id, epoch);
        }
    }
    ctrl_arm_fence_timer(b, ctrl_ep);
}

static void ctrl_activate(kafka_brokers *b, int32_t ctrl_ep, const raft_node *rn)
{
    kafka_ctrl *c = &b->ctrls[ctrl_ep];
    c->active = true;
    c->raft_epoch = rn->raft_epoch;
    for (uint32_t i = 0; i < b->broker_count; i++) {
        memset(&c->view[i], 0, sizeof c->view[i]);
        c->view[i].broker_epoch = -1;
        /* On activation every broker counts as just heard from (BrokerHeartbeatManager). */
        c->sessions[i].last_contact_us = b->engine->now;
        c->reply_offset[i] = -1;
    }
    for (int64_t off = 0; off < rn->leo; off++) {
        const raft_record *rec = &rn->log[off];
        if (rec->type >= KAFKA_RECORD_REGISTER_BROKER && rec->type <= KAFKA_RECORD_UNFENCE_BROKER)
            reg_apply(c->view, broker_index_of_id(b, rec->a), rec);
    }
    if (b->topics != NULL) topics_ctrl_activate(b->topics, ctrl_ep);
    ctrl_arm_fence_timer(b, ctrl_ep);
}

static void ctrl_deactivate(kafka_brokers *b, int32_t ctrl_ep)
{
    kafka_ctrl *c = &b->ctrls[ctrl_ep];
    c->active = false;
    for (uint32_t i = 0; i < b->broker_count; i++) c->reply_offset[i] = -1; /* they resend */
    sim_engine_cancel(b->engine, &c->fence_timer);
    if (b->topics != NULL) topics_ctrl_deactivate(b->topics, ctrl_ep);
}

void brokers_observe_leaders(kafka_brokers *b)
{
    for (uint32_t i = 0; i < b->raft->node_count; i++) {
        const raft_node *rn = &b->raft->nodes[i];
        const int32_t ep = rn->endpoint;
        kafka_ctrl *c = &b->ctrls[ep];
        const bool leads =
            rn->role == RAFT_ROLE_LEADER && !sim_engine_endpoint_down_p(b->engine, ep);
        if (leads && (!c->active || c->raft_epoch != rn->raft_epoch)) {
            ctrl_activate(b, ep, rn);
        } else if (!leads && c->active) {
            ctrl_deactivate(b, ep);
        }
    }
}

static void ctrl_on_register(kafka_brokers *b, const net_msg *msg, const reg_req *req)
{
    const int32_t ctrl_ep = msg->to;
    kafka_ctrl *c = &b->ctrls[ctrl_ep];
    const int32_t index = broker_index_of_id(b, req->broker_id);
    SIM_ASSERT(index >= 0);
    if (!c->active) {
        send_reg_resp(b, ctrl_ep, msg->from, ERR_NOT_CONTROLLER, -1);
        return;
    }
    kafka_broker_reg *r = &c->view[index];
    kafka_ctrl_session *s = &c->sessions[index];
    const raft_node *rn = raft_node_by_endpoint(b->raft, ctrl_ep);
    const bool session_valid =
        r->registered && !r->fenced && b->engine->now < s->last_contact_us + b->session_timeout_us;
    int64_t offset = -1;
    if (r->registered && r->incarnation == req->incarnation) {
        offset = r->broker_epoch; /* same incarnation: same epoch */
        s->last_contact_us = b->engine->now;
    } else if (session_valid) {
        send_reg_resp(b, ctrl_ep, msg->from, ERR_DUPLICATE_BROKER_REGISTRATION, -1);
        return;
    } else {
        /* A new incarnation replaces an unfenced registration (its session expired but
         * the fence check has not run yet): its partitions change first, as for a
         * fence (handleBrokerUncleanShutdown). */
        if (r->registered && !r->fenced && b->topics != NULL)
            topics_ctrl_broker_leaving(b->topics, ctrl_ep, req->broker_id,
                                       TOPICS_CHANGE_REREGISTERED);
        if (!ctrl_propose(b, ctrl_ep, KAFKA_RECORD_REGISTER_BROKER, req->broker_id,
                          req->incarnation, 0, &offset)) {
            send_reg_resp(b, ctrl_ep, msg->from, ERR_NOT_CONTROLLER, -1);
            return;
        }
        b->registrations++;
        s->last_contact_us = b->engine->now;
        SIM_TRACE(&b->engine->trace, SIM_EV_BROKER_REGISTER, rn->node_id, req->broker_id, offset);
    }
    ctrl_arm_fence_timer(b, ctrl_ep);
    if (offset < rn->hw) {
        send_reg_resp(b, ctrl_ep, msg->from, ERR_NONE, offset); /* already committed */
    } else {
        c->reply_offset[index] = offset; /* answered by brokers_apply at commit */
        c->reply_to[index] = msg->from;
    }
}

static void ctrl_on_heartbeat(kafka_brokers *b, const net_msg *msg, const hb_req *req)
{
    const int32_t ctrl_ep = msg->to;
    kafka_ctrl *c = &b->ctrls[ctrl_ep];
    hb_resp resp = {.error = ERR_NONE};
    const int32_t index = broker_index_of_id(b, req->broker_id);
    SIM_ASSERT(index >= 0);
    const int32_t ctrl_id = raft_node_by_endpoint(b->raft, ctrl_ep)->node_id;
    if (!c->active) {
        resp.error = ERR_NOT_CONTROLLER;
    } else if (!c->view[index].registered || c->view[index].broker_epoch != req->broker_epoch) {
        resp.error = ERR_STALE_BROKER_EPOCH;
    } else {
        kafka_broker_reg *r = &c->view[index];
        c->sessions[index].last_contact_us = b->engine->now;
        if (req->want_shutdown) {
            /* Controlled shutdown: move its leaderships and ISR memberships away
             * (handleBrokerInControlledShutdown), then fence it and let it go. */
            if (!r->fenced || !r->in_controlled_shutdown) {
                if (b->topics != NULL)
                    topics_ctrl_broker_leaving(b->topics, ctrl_ep, req->broker_id,
                                               TOPICS_CHANGE_CONTROLLED_SHUTDOWN);
                if (ctrl_propose(b, ctrl_ep, KAFKA_RECORD_FENCE_BROKER, req->broker_id,
                                 KAFKA_FENCE_CONTROLLED_SHUTDOWN, r->broker_epoch, NULL)) {
                    b->fences++;
                    SIM_TRACE(&b->engine->trace, SIM_EV_BROKER_SHUTDOWN, ctrl_id, req->broker_id);
                }
            }
            resp.should_shutdown = r->fenced;
        } else if (r->fenced && !req->want_fence && req->metadata_offset >= r->broker_epoch) {
            /* Unfence a broker that no longer wants fencing and has caught up to its own
             * registration record. */
            if (ctrl_propose(b, ctrl_ep, KAFKA_RECORD_UNFENCE_BROKER, req->broker_id, 0,
                             r->broker_epoch, NULL)) {
                b->unfences++;
                SIM_TRACE(&b->engine->trace, SIM_EV_BROKER_UNFENCE, ctrl_id, req->broker_id,
                          r->broker_epoch);
                /* handleBrokerUnfenced: elect leaders for leaderless partitions. */
                if (b->topics != NULL)
                    topics_ctrl_broker_unfenced(b->topics, ctrl_ep, req->broker_id);
            }
        }
        resp.is_caught_up = req->metadata_offset >= r->broker_epoch;
        resp.is_fenced = r->fenced;
        ctrl_arm_fence_timer(b, ctrl_ep);
    }
    net_send(b->net, ctrl_ep, msg->from, NET_MSG_BROKER_HEARTBEAT_RESP, &resp, sizeof resp);
}

/* ---------------------------------------------------------------------------------
 * Broker side
 * ------------------------------------------------------------------------------- */

static void broker_send_registration(kafka_brokers *b, kafka_broker *br)
{
    const int32_t ctrl = brokers_known_controller(b, br->endpoint);
    sim_engine_cancel(b->engine, &br->timer);
    if (ctrl < 0) {
        br->timer = sim_engine_after(b->engine, NO_CONTROLLER_RETRY_US, b->broker_timer_handler,
                                     br->endpoint, 0);
        return;
    }
    const reg_req req = {.broker_id = br->node_id, .incarnation = br->incarnation};
    net_send(b->net, br->endpoint, ctrl, NET_MSG_BROKER_REGISTER_REQ, &req, sizeof req);
    br->timer = sim_engine_after(b->engine, REGISTRATION_RESEND_US, b->broker_timer_handler,
                                 br->endpoint, 0);
}

static void broker_send_heartbeat(kafka_brokers *b, kafka_broker *br)
{
    const int32_t ctrl = brokers_known_controller(b, br->endpoint);
    sim_engine_cancel(b->engine, &br->timer);
    if (ctrl < 0) {
        br->timer = sim_engine_after(b->engine, NO_CONTROLLER_RETRY_US, b->broker_timer_handler,
                                     br->endpoint, 0);
        return;
    }
    const raft_node *rn = raft_node_by_endpoint(b->raft, br->endpoint);
    const hb_req req = {.broker_id = br->node_id,
                        .broker_epoch = br->broker_epoch,
                        .metadata_offset = rn != NULL ? rn->hw : 0,
                        .want_fence = br->phase == KAFKA_BROKER_STARTING,
                        .want_shutdown = br->phase == KAFKA_BROKER_SHUTTING_DOWN};
    net_send(b->net, br->endpoint, ctrl, NET_MSG_BROKER_HEARTBEAT_REQ, &req, sizeof req);
    /* The next heartbeat goes after the interval; a faster one is scheduled when the
     * answer says so (catching up). */
    br->timer = sim_engine_after(b->engine, b->heartbeat_interval_us, b->broker_timer_handler,
                                 br->endpoint, 0);
}

static void broker_timer_cb(void *ctx, int32_t endpoint, uint64_t arg)
{
    (void)arg;
    kafka_brokers *b = ctx;
    kafka_broker *br = brokers_by_endpoint(b, endpoint);
    SIM_ASSERT(br != NULL);
    br->timer = SIM_TIMER_NONE;
    switch (br->phase) {
    case KAFKA_BROKER_REGISTERING:
        broker_send_registration(b, br);
        break;
    case KAFKA_BROKER_STARTING:
    case KAFKA_BROKER_RECOVERY:
    case KAFKA_BROKER_RUNNING:
    case KAFKA_BROKER_SHUTTING_DOWN:
        broker_send_heartbeat(b, br);
        break;
    case KAFKA_BROKER_DOWN:
        SIM_UNREACHABLE();
    default:
        SIM_UNREACHABLE();
    }
}

static void broker_on_register_resp(kafka_brokers *b, kafka_broker *br, const reg_resp *resp)
{
    if (br->phase != KAFKA_BROKER_REGISTERING) return; /* a late duplicate answer */
    if (resp->error != ERR_NONE) return;               /* the resend timer tries again */
    br->broker_epoch = resp->broker_epoch;
    br->phase = KAFKA_BROKER_STARTING;
    broker_send_heartbeat(b, br);
}

static void heartbeat_soon(kafka_brokers *b, kafka_broker *br)
{
    sim_engine_cancel(b->engine, &br->timer);
    br->timer = sim_engine_after(b->engine, STARTING_HEARTBEAT_US, b->broker_timer_handler,
                                 br->endpoint, 0);
}

static void broker_on_heartbeat_resp(kafka_brokers *b, kafka_broker *br, const hb_resp *resp)
{
    if (br->phase == KAFKA_BROKER_DOWN || br->phase == KAFKA_BROKER_REGISTERING) return;
    if (resp->error == ERR_STALE_BROKER_EPOCH) {
        br->phase = KAFKA_BROKER_REGISTERING; /* the controller lost us: register again */
        br->broker_epoch = -1;
        broker_send_registration(b, br);
        return;
    }
    if (resp->error != ERR_NONE) return; /* NOT_CONTROLLER: the next heartbeat finds it */
    switch (br->phase) {
    case KAFKA_BROKER_STARTING:
        /* BrokerLifecycleManager: STARTING -> RECOVERY once caught up; heartbeat again
         * after 10 ms either way, so start-up is quick. */
        if (resp->is_caught_up) br->phase = KAFKA_BROKER_RECOVERY;
        heartbeat_soon(b, br);
        return;
    case KAFKA_BROKER_RECOVERY:
        if (!resp->is_fenced) br->phase = KAFKA_BROKER_RUNNING; /* unfenced */
        return;
    default:
        break;
    }
    if (resp->should_shutdown && br->phase == KAFKA_BROKER_SHUTTING_DOWN && !br->shutdown_granted) {
        br->shutdown_granted = true;
        if (b->on_shutdown != NULL) b->on_shutdown(b->on_shutdown_ctx, br->endpoint);
    }
}

/* ---------------------------------------------------------------------------------
 * Messages and life
 * ------------------------------------------------------------------------------- */

bool brokers_msg_kind_p(net_msg_kind kind)
{
    return kind == NET_MSG_BROKER_REGISTER_REQ || kind == NET_MSG_BROKER_REGISTER_RESP ||
           kind == NET_MSG_BROKER_HEARTBEAT_REQ || kind == NET_MSG_BROKER_HEARTBEAT_RESP;
}

void brokers_recv(kafka_brokers *b, const net_msg *msg)
{
    SIM_ASSERT(brokers_msg_kind_p(msg->kind));
    switch (msg->kind) {
    case NET_MSG_BROKER_REGISTER_REQ: {
        reg_req req;
        memcpy(&req, msg->body, sizeof req);
        ctrl_on_register(b, msg, &req);
        break;
    }
    case NET_MSG_BROKER_HEARTBEAT_REQ: {
        hb_req req;
        memcpy(&req, msg->body, sizeof req);
        ctrl_on_heartbeat(b, msg, &req);
        break;
    }
    case NET_MSG_BROKER_REGISTER_RESP: {
        reg_resp resp;
        memcpy(&resp, msg->body, sizeof resp);
        kafka_broker *br = brokers_by_endpoint(b, msg->to);
        if (br != NULL) broker_on_register_resp(b, br, &resp);
        break;
    }
    case NET_MSG_BROKER_HEARTBEAT_RESP: {
        hb_resp resp;
        memcpy(&resp, msg->body, sizeof resp);
        kafka_broker *br = brokers_by_endpoint(b, msg->to);
        if (br != NULL) broker_on_heartbeat_resp(b, br, &resp);
        break;
    }
    default:
        SIM_UNREACHABLE();
    }
}

void brokers_start(kafka_brokers *b, int32_t endpoint)
{
    kafka_broker *br = brokers_by_endpoint(b, endpoint);
    if (br == NULL) return;
    SIM_ASSERT(br->phase == KAFKA_BROKER_DOWN);
    br->incarnation++;
    br->phase = KAFKA_BROKER_REGISTERING;
    br->broker_epoch = -1;
    br->shutdown_granted = false;
    br->timer = SIM_TIMER_NONE;
    broker_send_registration(b, br);
}

void brokers_stop(kafka_brokers *b, int32_t endpoint)
{
    kafka_ctrl *c = &b->ctrls[endpoint];
    if (c->active) ctrl_deactivate(b, endpoint);
    kafka_broker *br = brokers_by_endpoint(b, endpoint);
    if (br == NULL) return;
    br->phase = KAFKA_BROKER_DOWN;
    br->timer = SIM_TIMER_NONE; /* its pending events die with the process */
}

void brokers_begin_shutdown(kafka_brokers *b, int32_t endpoint)
{
    kafka_broker *br = brokers_by_endpoint(b, endpoint);
    if (br == NULL || br->phase == KAFKA_BROKER_DOWN) return;
    if (br->phase == KAFKA_BROKER_REGISTERING) {
        /* Not registered yet: nothing to hand over, it may stop at once. */
        br->shutdown_granted = true;
        if (b->on_shutdown != NULL) b->on_shutdown(b->on_shutdown_ctx, br->endpoint);
        return;
    }
    br->phase = KAFKA_BROKER_SHUTTING_DOWN;
    broker_send_heartbeat(b, br);
}

void brokers_set_shutdown_cb(kafka_brokers *b, brokers_shutdown_cb cb, void *ctx)
{
    b->on_shutdown = cb;
    b->on_shutdown_ctx = ctx;
}

void brokers_init(kafka_brokers *b, sim_engine *e, net *n, raft_cluster *raft, sim_arena *arena,
                  uint32_t node_count, const bool *is_broker, const int32_t *node_ids,
                  const kafka_brokers_config *cfg)
{
    SIM_ASSERT(cfg->heartbeat_interval_us > 0);
    SIM_ASSERT(cfg->heartbeat_interval_us < cfg->session_timeout_us);
    memset(b, 0, sizeof *b);
    b->engine = e;
    b->net = n;
    b->raft = raft;
    b->node_count = node_count;
    b->heartbeat_interval_us = cfg->heartbeat_interval_us;
    b->session_timeout_us = cfg->session_timeout_us;
    for (uint32_t i = 0; i < node_count; i++)
        if (is_broker[i]) b->broker_count++;
    const uint32_t bc = b->broker_count ? b->broker_count : 1;
    b->brokers = SIM_ARENA_NEW(arena, kafka_broker, bc);
    b->broker_of_endpoint = SIM_ARENA_NEW(arena, int32_t, node_count);
    b->images = SIM_ARENA_NEW(arena, kafka_broker_reg, (size_t)node_count * bc);
    b->ctrls = SIM_ARENA_NEW(arena, kafka_ctrl, node_count);
    uint32_t k = 0;
    for (uint32_t i = 0; i < node_count; i++) {
        b->broker_of_endpoint[i] = -1;
        b->ctrls[i].view = SIM_ARENA_NEW(arena, kafka_broker_reg, bc);
        b->ctrls[i].reply_offset = SIM_ARENA_NEW(arena, int64_t, bc);
        b->ctrls[i].reply_to = SIM_ARENA_NEW(arena, int32_t, bc);
        for (uint32_t j = 0; j < bc; j++) b->ctrls[i].reply_offset[j] = -1;
        b->ctrls[i].sessions = SIM_ARENA_NEW(arena, kafka_ctrl_session, bc);
        if (!is_broker[i]) continue;
        kafka_broker *br = &b->brokers[k];
        br->node_id = node_ids[i];
        br->endpoint = (int32_t)i;
        br->index = k;
        br->broker_epoch = -1;
        b->broker_of_endpoint[i] = (int32_t)k;
        k++;
    }
    for (uint32_t i = 0; i < node_count; i++) brokers_node_reset_image(b, (int32_t)i);
    b->broker_timer_handler = sim_engine_register(e, broker_timer_cb, b);
    b->fence_handler = sim_engine_register(e, fence_cb, b);
}
