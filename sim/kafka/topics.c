/*
 * topics.c — topic and partition records, the controller's partition decisions and the
 *   per-node partition images; see topics.h.
 *
 * Role / Model / Not modelled: see topics.h.
 * Owns / borrows: see topics.h.
 * Invariants: see topics.h; a record's side-table entry always names the record's
 *   partition (asserted when applied).
 * Determinism: iteration by partition and broker index.
 */
#include "topics.h"
#include "../core/sim_assert.h"
#include "placement.h"

#include <string.h>

#define TOPICS_ERR_NOT_CONTROLLER 41 /* Errors.NOT_CONTROLLER */

/* ---------------------------------------------------------------------------------
 * Sizing and set-up
 * ------------------------------------------------------------------------------- */

size_t topics_arena_bytes(uint32_t node_count, uint32_t topic_count, uint32_t partition_count,
                          uint32_t entry_capacity)
{
    const size_t per_node =
        (size_t)partition_count * (2 * sizeof(kpc_reg) + 2 + sizeof(int64_t) + sizeof(uint32_t)) +
        topic_count + 64;
    return (size_t)entry_capacity * sizeof(topics_entry) + (size_t)node_count * per_node +
           (size_t)topic_count * sizeof(topics_topic) + partition_count * sizeof(uint32_t) + 256;
}

static void ctrl_reset(kafka_topics *t, topics_ctrl *c)
{
    memset(c->topic_created, 0, t->topic_count * sizeof c->topic_created[0]);
    for (uint32_t p = 0; p < t->partition_count; p++) {
        c->exists[p] = false;
        memset(&c->view[p], 0, sizeof c->view[p]);
        c->view[p].leader = KPC_NO_LEADER;
        c->reply_offset[p] = -1;
    }
}

void topics_init(kafka_topics *t, sim_engine *e, raft_cluster *raft, kafka_brokers *brokers,
                 repl *data_plane, sim_arena *arena, uint64_t seed, const topics_topic *topics,
                 uint32_t topic_count, const char **racks, uint32_t entry_capacity)
{
    SIM_ASSERT(topic_count >= 1 && topic_count <= TOPICS_MAX);
    SIM_ASSERT(entry_capacity > 0);
    memset(t, 0, sizeof *t);
    t->engine = e;
    t->raft = raft;
    t->brokers = brokers;
    t->repl = data_plane;
    t->racks = racks;
    t->node_count = brokers->node_count;
    t->topic_count = topic_count;
    t->topics = SIM_ARENA_NEW(arena, topics_topic, topic_count);
    memcpy(t->topics, topics, topic_count * sizeof topics[0]);
    for (uint32_t i = 0; i < topic_count; i++) {
        SIM_ASSERT(topics[i].first_partition == t->partition_count);
        SIM_ASSERT(topics[i].replication_factor >= 1);
        SIM_ASSERT(topics[i].replication_factor <= KPC_REPLICAS_MAX);
        t->partition_count += topics[i].partition_count;
    }
    const uint32_t n = t->partition_count;
    if (data_plane != NULL) SIM_ASSERT(data_plane->partition_count == n);
    t->topic_of = SIM_ARENA_NEW(arena, uint32_t, n);
    for (uint32_t i = 0; i < topic_count; i++)
        for (uint32_t k = 0; k < topics[i].partition_count; k++)
            t->topic_of[topics[i].first_partition + k] = i;
    t->entries = SIM_ARENA_NEW(arena, topics_entry, entry_capacity);
    t->entry_capacity = entry_capacity;
    t->images = SIM_ARENA_NEW(arena, kpc_reg, (size_t)t->node_count * n);
    t->image_exists = SIM_ARENA_NEW(arena, bool, (size_t)t->node_count *n);
    t->ctrls = SIM_ARENA_NEW(arena, topics_ctrl, t->node_count);
    for (uint32_t i = 0; i < t->node_count; i++) {
        topics_ctrl *c = &t->ctrls[i];
        c->topic_created = SIM_ARENA_NEW(arena, bool, topic_count);
        c->exists = SIM_ARENA_NEW(arena, bool, n);
        c->view = SIM_ARENA_NEW(arena, kpc_reg, n);
        c->reply_offset = SIM_ARENA_NEW(arena, int64_t, n);
        c->reply_broker = SIM_ARENA_NEW(arena, uint32_t, n);
        ctrl_reset(t, c);
        topics_node_reset_image(t, (int32_t)i);
    }
    sim_rng_init(&t->placement, seed, SIM_STREAM(SIM_STREAM_PLACEMENT, 0));
    brokers->topics = t;
}

/* ---------------------------------------------------------------------------------
 * Applying records (the same code for the controller's view and the images)
 * ------------------------------------------------------------------------------- */

static bool is_topic_record(uint16_t type)
{
    return type == KAFKA_RECORD_TOPIC || type == KAFKA_RECORD_PARTITION ||
           type == KAFKA_RECORD_PARTITION_CHANGE;
}

/* Applies `rec` to one partition table; returns the partition it changed, or -1. */
static int64_t apply_to(const kafka_topics *t, kpc_reg *regs, bool *exists, bool *topic_created,
                        const raft_record *rec)
{
    switch (rec->type) {
    case KAFKA_RECORD_TOPIC:
        SIM_ASSERT(rec->a >= 0 && (uint32_t)rec->a < t->topic_count);
        if (topic_created != NULL) topic_created[rec->a] = true;
        return -1;
    case KAFKA_RECORD_PARTITION:
    case KAFKA_RECORD_PARTITION_CHANGE: {
        SIM_ASSERT(rec->c >= 0 && rec->c < (int64_t)t->entry_count);
        const topics_entry *en = &t->entries[rec->c];
        const uint32_t p = (uint32_t)rec->a;
        SIM_ASSERT(en->partition_index == p && p < t->partition_count);
        SIM_ASSERT(en->is_change == (rec->type == KAFKA_RECORD_PARTITION_CHANGE));
        if (!en->is_change) {
            regs[p] = en->reg;
            exists[p] = true;
        } else {
            SIM_ASSERT(exists[p]); /* a change follows its PartitionRecord in the log */
            kpc_apply(&regs[p], &en->change);
        }
        return p;
    }
    default:
        return -1;
    }
}

void topics_apply(kafka_topics *t, int32_t endpoint, const raft_record *rec)
{
    if (!is_topic_record(rec->type)) return;
    const size_t base = (size_t)endpoint * t->partition_count;
    const int64_t p = apply_to(t, &t->images[base], &t->image_exists[base], NULL, rec);
    if (p < 0) return;
    const kafka_broker *br = brokers_by_endpoint(t->brokers, endpoint);
    if (br != NULL && t->repl != NULL)
        repl_apply_partition(t->repl, br->index, (uint32_t)p, &t->images[base + (size_t)p]);
    /* The active controller answers an AlterPartition once its record is committed. */
    topics_ctrl *c = &t->ctrls[endpoint];
    if (c->active && c->reply_offset[p] == rec->offset) {
        c->reply_offset[p] = -1;
        if (t->repl != NULL)
            repl_alter_partition_reply(t->repl, endpoint, c->reply_broker[p], (uint32_t)p,
                                       KPC_ERR_NONE, &t->images[base + (size_t)p]);
    }
}

void topics_node_reset_image(kafka_topics *t, int32_t endpoint)
{
    const size_t base = (size_t)endpoint * t->partition_count;
    for (uint32_t p = 0; p < t->partition_count; p++) {
        memset(&t->images[base + p], 0, sizeof t->images[0]);
        t->images[base + p].leader = KPC_NO_LEADER;
        t->image_exists[base + p] = false;
    }
}

/* ---------------------------------------------------------------------------------
 * The active controller
 * ------------------------------------------------------------------------------- */

void topics_ctrl_activate(kafka_topics *t, int32_t ctrl_ep)
{
    topics_ctrl *c = &t->ctrls[ctrl_ep];
    const raft_node *rn = raft_node_by_endpoint(t->raft, ctrl_ep);
    SIM_ASSERT(rn != NULL);
    ctrl_reset(t, c);
    c->active = true;
    for (int64_t off = 0; off < rn->leo; off++)
        apply_to(t, c->view, c->exists, c->topic_created, &rn->log[off]);
}

void topics_ctrl_deactivate(kafka_topics *t, int32_t ctrl_ep)
{
    topics_ctrl *c = &t->ctrls[ctrl_ep];
    c->active = false;
    for (uint32_t p = 0; p < t->partition_count; p++) c->reply_offset[p] = -1; /* they retry */
}

/* Brokers that may lead or join an ISR in the controller's view (registered, unfenced,
 * not in controlled shutdown), except `excluded`; returns the count. */
static uint32_t acceptable(const kafka_topics *t, int32_t ctrl_ep, int32_t excluded, int32_t *out)
{
    const kafka_ctrl *kc = &t->brokers->ctrls[ctrl_ep];
    uint32_t n = 0;
    for (uint32_t i = 0; i < t->brokers->broker_count; i++) {
        const kafka_broker_reg *r = &kc->view[i];
        const int32_t id = t->brokers->brokers[i].node_id;
        if (r->registered && !r->fenced && !r->in_controlled_shutdown && id != excluded)
            out[n++] = id;
    }
    return n;
}

/* Appends a record whose body is side-table entry `en` and applies it to the view. */
static bool propose_entry(kafka_topics *t, int32_t ctrl_ep, uint16_t type, int32_t reason,
                          const topics_entry *en, int64_t *offset_out)
{
    topics_ctrl *c = &t->ctrls[ctrl_ep];
    SIM_ASSERT(c->active);
    if (t->entry_count >= t->entry_capacity) return false; /* as a full metadata log */
    raft_node *rn = raft_node_by_endpoint(t->raft, ctrl_ep);
    const uint32_t index = t->entry_count;
    t->entries[index] = *en;
    /* Counted before proposing: with a single voter the record commits, and is applied
     * by every node's image, inside raft_propose. */
    t->entry_count++;
    int64_t offset = -1;
    if (raft_propose(t->raft, rn, type, (int32_t)en->partition_index, reason, (int64_t)index,
                     &offset) != SIM_OK) {
        t->entry_count--;
        return false;
    }
    const raft_record *rec = &rn->log[offset];
    apply_to(t, c->view, c->exists, c->topic_created, rec);
    if (offset_out != NULL) *offset_out = offset;
    return true;
}

static bool propose_change(kafka_topics *t, int32_t ctrl_ep, uint32_t p, const kpc_record *change,
                           topics_change_reason reason, int64_t *offset_out)
{
    const topics_entry en = {.partition_index = p, .is_change = true, .change = *change};
    if (!propose_entry(t, ctrl_ep, KAFKA_RECORD_PARTITION_CHANGE, (int32_t)reason, &en, offset_out))
        return false;
    t->changes_proposed++;
    const kpc_reg *now = &t->ctrls[ctrl_ep].view[p];
    SIM_TRACE(&t->engine->trace, SIM_EV_PARTITION_CHANGE,
              raft_node_by_endpoint(t->raft, ctrl_ep)->node_id, p, now->leader, now->isr_count,
              reason, change->unclean);
    return true;
}

void topics_ctrl_broker_leaving(kafka_topics *t, int32_t ctrl_ep, int32_t broker_id,
                                topics_change_reason reason)
{
    topics_ctrl *c = &t->ctrls[ctrl_ep];
    if (!c->active) return;
    int32_t ok[SIM_NODES_MAX];
    const uint32_t ok_count = acceptable(t, ctrl_ep, broker_id, ok);
    for (uint32_t p = 0; p < t->partition_count; p++) {
        if (!c->exists[p]) continue;
        const topics_topic *tp = &t->topics[t->topic_of[p]];
        kpc_record change;
        /* handleBrokerFenced: target ISR without the broker, ONLINE election. */
        if (kpc_remove_broker(&c->view[p], broker_id, tp->unclean_allowed, ok, ok_count, &change))
            propose_change(t, ctrl_ep, p, &change, reason, NULL);
    }
}

void topics_ctrl_broker_unfenced(kafka_topics *t, int32_t ctrl_ep, int32_t broker_id)
{
    topics_ctrl *c = &t->ctrls[ctrl_ep];
    if (!c->active) return;
    int32_t ok[SIM_NODES_MAX];
    const uint32_t ok_count = acceptable(t, ctrl_ep, -1, ok);
    SIM_ASSERT(kpc_contains(ok, ok_count, broker_id));
    for (uint32_t p = 0; p < t->partition_count; p++) {
        if (!c->exists[p] || c->view[p].leader != KPC_NO_LEADER) continue;
        const topics_topic *tp = &t->topics[t->topic_of[p]];
        /* handleBrokerUnfenced: ONLINE election for partitions without a leader. */
        const kpc_request req = {.election = KPC_ELECTION_ONLINE,
                                 .unclean_allowed = tp->unclean_allowed,
                                 .acceptable = ok,
                                 .acceptable_count = ok_count};
        kpc_record change;
        if (kpc_build(&c->view[p], &req, &change))
            propose_change(t, ctrl_ep, p, &change, TOPICS_CHANGE_UNFENCED, NULL);
    }
}

void topics_ctrl_alter_partition(kafka_topics *t, int32_t ctrl_ep, uint32_t from_broker,
                                 const repl_alter_req *req)
{
    topics_ctrl *c = &t->ctrls[ctrl_ep];
    const uint32_t p = req->partition_index;
    SIM_ASSERT(p < t->partition_count && t->repl != NULL);
    t->alter_requests++;
    if (!c->active || !c->exists[p]) {
        /* NOT_CONTROLLER: the leader forgets it and retries at the next ISR check. */
        repl_alter_partition_reply(t->repl, ctrl_ep, from_broker, p, TOPICS_ERR_NOT_CONTROLLER,
                                   NULL);
        return;
    }
    int32_t ok[SIM_NODES_MAX];
    const uint32_t ok_count = acceptable(t, ctrl_ep, -1, ok);
    kpc_record change;
    bool has_record = false;
    const int32_t err =
        kpc_alter_partition(&c->view[p], req->leader_id, req->leader_epoch, req->partition_epoch,
                            req->new_isr, req->new_isr_count, ok, ok_count, &change, &has_record);
    int64_t offset = -1;
    if (err != KPC_ERR_NONE || !has_record) {
        repl_alter_partition_reply(t->repl, ctrl_ep, from_broker, p, err, &c->view[p]);
    } else if (propose_change(t, ctrl_ep, p, &change, TOPICS_CHANGE_ALTER_PARTITION, &offset)) {
        c->reply_offset[p] = offset; /* answered by topics_apply at commit */
        c->reply_broker[p] = from_broker;
    } else {
        repl_alter_partition_reply(t->repl, ctrl_ep, from_broker, p, TOPICS_ERR_NOT_CONTROLLER,
                                   NULL);
    }
}

/* ---------------------------------------------------------------------------------
 * Topic creation
 * ------------------------------------------------------------------------------- */

/* May the admin client's CreateTopics for a topic of replication factor `rf` go now?
 * Kafka's rule (rf <= registered brokers, fenced included), and the client waits while a
 * broker that is up (live session) is still starting (fenced). */
static bool may_create(const kafka_topics *t, int32_t ctrl_ep, uint32_t rf)
{
    const kafka_brokers *b = t->brokers;
    const kafka_ctrl *kc = &b->ctrls[ctrl_ep];
    uint32_t registered = 0, unfenced = 0;
    for (uint32_t i = 0; i < b->broker_count; i++) {
        const kafka_broker_reg *r = &kc->view[i];
        if (!r->registered) continue;
        registered++;
        const bool live = t->engine->now < kc->sessions[i].last_contact_us + b->session_timeout_us;
        if (!r->fenced) {
            unfenced++;
        } else if (live && !r->in_controlled_shutdown) {
            return false; /* still starting */
        }
    }
    return registered >= rf && unfenced >= 1;
}

static uint32_t placement_cb(void *ctx, uint32_t bound)
{
    return (uint32_t)sim_rng_below(ctx, bound);
}

/* ReplicationControlManager.createTopic: placement, then the records. */
static void create_topic(kafka_topics *t, int32_t ctrl_ep, uint32_t topic)
{
    const topics_topic *tp = &t->topics[topic];
    const kafka_brokers *b = t->brokers;
    const kafka_ctrl *kc = &b->ctrls[ctrl_ep];
    kplace_registered_broker regs[SIM_NODES_MAX];
    uint32_t reg_count = 0;
    for (uint32_t i = 0; i < b->broker_count; i++) {
        const kafka_broker_reg *r = &kc->view[i];
        if (!r->registered) continue;
        regs[reg_count++] =
            (kplace_registered_broker){.id = b->brokers[i].node_id,
                                       .rack = t->racks[i],
                                       .fenced = r->fenced,
                                       .in_controlled_shutdown = r->in_controlled_shutdown,
                                       .heartbeat_shutting_down = r->in_controlled_shutdown};
    }
    const kplace_cluster cluster = {.brokers = regs,
                                    .broker_count = reg_count,
                                    .default_partition_count = 1,
                                    .default_replication_factor = 1};
    /* Scratch for one call (the model is single-threaded; nothing survives the call). */
    static kplace_manual_partition manual[TOPICS_PARTITIONS_MAX];
    static int32_t replicas[TOPICS_PARTITIONS_MAX * KPC_REPLICAS_MAX];
    static int32_t isr[TOPICS_PARTITIONS_MAX * KPC_REPLICAS_MAX];
    static uint32_t isr_counts[TOPICS_PARTITIONS_MAX];
    SIM_ASSERT(tp->partition_count <= TOPICS_PARTITIONS_MAX);
    const bool has_manual = tp->assignment != NULL;
    if (has_manual) {
        for (uint32_t p = 0; p < tp->partition_count; p++)
            manual[p] = (kplace_manual_partition){
                .partition_index = (int32_t)p,
                .replicas = &tp->assignment[(size_t)p * tp->replication_factor],
                .replica_count = tp->replication_factor};
    }
    const kplace_topic_request req = {
        .partition_count = has_manual ? -1 : (int32_t)tp->partition_count,
        .replication_factor = has_manual ? -1 : (int32_t)tp->replication_factor,
        .assignments = has_manual ? manual : NULL,
        .assignment_count = has_manual ? tp->partition_count : 0};
    kplace_topic_layout layout = {.replicas = replicas,
                                  .isr = isr,
                                  .isr_counts = isr_counts,
                                  .replica_slots = sizeof replicas / sizeof replicas[0],
                                  .partition_slots = TOPICS_PARTITIONS_MAX};
    kplace_error err;
    sim_rng draws = t->placement; /* committed to the stream only on success */
    if (kplace_create_topic(&cluster, &req, &layout, &err, placement_cb, &draws) != SIM_OK)
        return; /* rejected (e.g. every replica fenced): the client retries */
    SIM_ASSERT(layout.partition_count == tp->partition_count);
    SIM_ASSERT(layout.replication_factor == tp->replication_factor);
    int64_t unused = -1;
    raft_node *rn = raft_node_by_endpoint(t->raft, ctrl_ep);
    if (raft_propose(t->raft, rn, KAFKA_RECORD_TOPIC, (int32_t)topic, (int32_t)tp->partition_count,
                     0, &unused) != SIM_OK)
        return;
    t->placement = draws;
    apply_to(t, t->ctrls[ctrl_ep].view, t->ctrls[ctrl_ep].exists, t->ctrls[ctrl_ep].topic_created,
             &rn->log[unused]);
    const uint32_t rf = layout.replication_factor;
    for (uint32_t k = 0; k < layout.partition_count; k++) {
        topics_entry en = {.partition_index = tp->first_partition + k, .is_change = false};
        memcpy(en.reg.replicas, &replicas[(size_t)k * rf], rf * sizeof(int32_t));
        en.reg.replica_count = rf;
        memcpy(en.reg.isr, &isr[(size_t)k * rf], isr_counts[k] * sizeof(int32_t));
        en.reg.isr_count = isr_counts[k];
        SIM_ASSERT(en.reg.isr_count >= 1);
        en.reg.leader = en.reg.isr[0]; /* PartitionRegistration at creation: ISR[0] leads */
        if (!propose_entry(t, ctrl_ep, KAFKA_RECORD_PARTITION, 0, &en, NULL)) return;
    }
    t->topics_created++;
    sim_trace_emit(&t->engine->trace, SIM_EV_TOPIC_CREATE, rn->node_id,
                   (const int64_t[]){topic, tp->partition_count, rf}, tp->name);
}

void topics_observe(kafka_topics *t)
{
    for (uint32_t ep = 0; ep < t->node_count; ep++) {
        topics_ctrl *c = &t->ctrls[ep];
        if (!c->active) continue;
        for (uint32_t i = 0; i < t->topic_count; i++) {
            if (c->topic_created[i]) continue;
            if (may_create(t, (int32_t)ep, t->topics[i].replication_factor))
                create_topic(t, (int32_t)ep, i);
        }
    }
}

/* ---------------------------------------------------------------------------------
 * Queries
 * ------------------------------------------------------------------------------- */

const kpc_reg *topics_image(const kafka_topics *t, int32_t endpoint, uint32_t p)
{
    SIM_ASSERT(endpoint >= 0 && (uint32_t)endpoint < t->node_count && p < t->partition_count);
    const size_t at = (size_t)endpoint * t->partition_count + p;
    return t->image_exists[at] ? &t->images[at] : NULL;
}

uint32_t topics_partition_index(const kafka_topics *t, uint32_t topic, uint32_t partition)
{
    SIM_ASSERT(topic < t->topic_count && partition < t->topics[topic].partition_count);
    return t->topics[topic].first_partition + partition;
}

void topics_count_elections(const kafka_topics *t, const raft_node *rn, uint64_t *elections,
                            uint64_t *unclean)
{
    *elections = 0;
    *unclean = 0;
    const int64_t end = rn->hw < rn->leo ? rn->hw : rn->leo;
    for (int64_t off = 0; off < end; off++) {
        const raft_record *rec = &rn->log[off];
        if (rec->type != KAFKA_RECORD_PARTITION_CHANGE) continue;
        const topics_entry *en = &t->entries[rec->c];
        if (!en->change.sets_leader || en->change.leader == KPC_NO_LEADER) continue;
        (*elections)++;
        if (en->change.unclean) (*unclean)++;
    }
}
