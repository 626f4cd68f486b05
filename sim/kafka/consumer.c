/*
 * consumer.c — consumers of a group (KafkaConsumer with the classic protocol), the set's
 *   life (init, start, add, remove) and the group accounting.
 *
 * Role, model and what is not modelled: groups.h. A consumer's loop, as KafkaConsumer
 *   runs it: find the coordinator, join (MEMBER_ID_REQUIRED first), sync (the leader runs
 *   the assignor), then poll: fetch from partition leaders, process each record for the
 *   group's `processing` time, commit as the group's commit mode says; a heartbeat thread
 *   beside it. `c_run` is the one place that decides what to do next.
 * Determinism: member slots and partitions in index order; the leader's assignor gets
 *   members in slot order.
 */
#include "group_internal.h"

#include "../core/sim_assert.h"

#include <stdio.h>
#include <string.h>

static void c_run(kg_set *s, kg_consumer *c);
static void lose_partitions(kg_set *s, kg_consumer *c);

static const kg_group_spec *spec_of(const kg_set *s, const kg_consumer *c)
{
    return &s->groups[c->group];
}

static int32_t client_id(const kg_consumer *c)
{
    return c->trace_id;
}

/* =================================================================================
 * Requests to brokers
 * ================================================================================= */

static uint32_t endpoint_of_broker(const kg_set *s, int32_t broker_id)
{
    const uint32_t b = kg__broker_slot(s, broker_id);
    return b == UINT32_MAX ? UINT32_MAX : (uint32_t)s->broker_endpoints[b];
}

/* Sends a request to broker `broker_id`; false when refused (or unknown). */
static bool send_to(kg_set *s, kg_consumer *c, int32_t broker_id, kg_msg_kind kind, void *body,
                    uint32_t bytes)
{
    const uint32_t ep = endpoint_of_broker(s, broker_id);
    if (ep == UINT32_MAX) return false;
    kg_req *h = body;
    h->group = c->group;
    h->slot = c->slot;
    h->incarnation = c->incarnation;
    h->generation = c->generation;
    return s->ops.send(s->ops_ctx, c->endpoint, (int32_t)ep, kind, body, bytes);
}

static void wake_at(kg_set *s, kg_consumer *c, sim_time at)
{
    SIM_ASSERT(at >= s->engine->now);
    if (sim_engine_pending(s->engine, c->wake_timer) &&
        sim_engine_due(s->engine, c->wake_timer) <= at)
        return;
    kg__schedule(s, &c->wake_timer, at, c->endpoint, KG__T_WAKE, 0, c->group, c->slot,
                 c->process_incarnation);
}

/* The coordinator is lost (NOT_COORDINATOR, a refused or timed-out request): find it
 * again after the backoff (AbstractCoordinator.markCoordinatorUnknown). */
static void coordinator_lost(kg_set *s, kg_consumer *c)
{
    c->coordinator = -1;
    c->coord_request = KG__REQ_NONE;
    c->retry_at_us = s->engine->now + spec_of(s, c)->retry_backoff_us;
    wake_at(s, c, c->retry_at_us);
}

static bool send_coord(kg_set *s, kg_consumer *c, kg__req kind, kg_msg_kind msg, void *body,
                       uint32_t bytes)
{
    if (c->coord_request != KG__REQ_NONE || c->coordinator < 0) return false;
    kg_req *h = body;
    h->request = ++c->request;
    if (!send_to(s, c, c->coordinator, msg, body, bytes)) {
        coordinator_lost(s, c);
        return false;
    }
    c->coord_request = kind;
    c->coord_request_id = h->request;
    c->request_deadline_us = s->engine->now + spec_of(s, c)->request_timeout_us;
    /* A JoinGroup waits up to the rebalance timeout for the join phase to end. */
    if (kind == KG__REQ_JOIN) c->request_deadline_us += spec_of(s, c)->rebalance_timeout_us;
    wake_at(s, c, c->request_deadline_us);
    return true;
}

/* =================================================================================
 * Joining
 * ================================================================================= */

/* Eager protocol (ConsumerCoordinator.onJoinPrepare): everything is revoked before
 * joining; cooperative members keep what they own and report it. */
static void prepare_join(kg_set *s, kg_consumer *c)
{
    const kg_group_spec *sp = spec_of(s, c);
    if (kasg_protocol_select(sp->strategies, sp->strategy_count) == KASG_PROTOCOL_EAGER) {
        memset(&c->owned, 0, sizeof c->owned);
        for (uint32_t p = 0; p < sp->partition_count; p++)
            c->pos[p] = (kg_partition_pos){.position = -1};
    }
    c->state = KG_C_JOINING;
    c->rejoin_needed = false;
    c->join_committed = false;
}

static void send_join(kg_set *s, kg_consumer *c)
{
    kg_join_req r = {.owned_generation = c->owned_generation, .owned = c->owned};
    send_coord(s, c, KG__REQ_JOIN, KG_MSG_JOIN_GROUP, &r, sizeof r);
}

/* The leader runs the assignor (ConsumerCoordinator.onLeaderElected) over the members
 * the coordinator listed, in slot order, and sends the result with its SyncGroup. */
static void lead_assignment(kg_set *s, kg_consumer *c, const kg_join_resp *r, kg_sync_req *out)
{
    const kg_group_spec *sp = spec_of(s, c);
    kasg_topic topics[8];
    for (uint32_t t = 0; t < sp->topic_count; t++)
        topics[t] =
            (kasg_topic){.name = sp->topic_names[t], .partition_count = sp->topic_partitions[t]};
    uint32_t subs[8];
    for (uint32_t t = 0; t < sp->topic_count; t++) subs[t] = t;
    kasg_member members[KG_MEMBERS_MAX];
    char ids[KG_MEMBERS_MAX][KG_MEMBER_ID_BYTES];
    char instances[KG_MEMBERS_MAX][KG_MEMBER_ID_BYTES];
    kasg_tp owned[KG_MEMBERS_MAX][KG_PARTITIONS_MAX];
    SIM_ASSERT(r->h.count >= 1 && r->h.count <= KG_MEMBERS_MAX);
    for (uint32_t k = 0; k < r->h.count; k++) {
        const uint32_t slot = r->members[k];
        kg_member_id(s, c->group, slot, kg__consumer(s, c->group, slot)->incarnation, ids[k],
                     sizeof ids[k]);
        snprintf(instances[k], sizeof instances[k], "%s-%u", sp->id, slot);
        uint32_t n = 0;
        for (uint32_t p = 0; p < sp->partition_count; p++)
            if (r->owner[p] == slot)
                owned[k][n++] =
                    (kasg_tp){.topic_index = sp->topic_of[p], .partition = sp->number_of[p]};
        members[k] = (kasg_member){.member_id = ids[k],
                                   .instance_id = sp->static_members ? instances[k] : NULL,
                                   .topics = subs,
                                   .topic_count = sp->topic_count,
                                   .owned = owned[k],
                                   .owned_count = n,
                                   .generation = n > 0 ? r->member_generation[k] : -1};
    }
    const kasg_input in = {.strategy = (kasg_strategy)r->h.protocol,
                           .topics = topics,
                           .topic_count = sp->topic_count,
                           .members = members,
                           .member_count = r->h.count,
                           .leader_max_generation = c->leader_max_generation};
    SIM_ASSERT(kasg_input_check(&in, NULL, 0) == 0);
    SIM_ASSERT(kasg_workspace_bytes(&in) <= s->workspace_bytes);
    kasg_result res;
    const kasg_status st = kasg_assign(&in, s->workspace, s->workspace_bytes, &res);
    memset(out->owner, KG_NO_MEMBER, sizeof out->owner);
    out->has_assignment = true;
    if (st != KASG_OK) return; /* Kafka's assignor throws: nobody gets anything */
    for (uint32_t k = 0; k < res.member_count; k++) {
        for (uint32_t j = 0; j < res.members[k].assigned_count; j++) {
            const kasg_tp tp = res.members[k].assigned[j];
            for (uint32_t p = 0; p < sp->partition_count; p++)
                if (sp->topic_of[p] == tp.topic_index && sp->number_of[p] == tp.partition)
                    out->owner[p] = r->members[k];
        }
    }
    if (r->h.generation > c->leader_max_generation) c->leader_max_generation = r->h.generation;
}

static void join_answered(kg_set *s, kg_consumer *c, const kg_join_resp *r)
{
    const kg_error e = kg__error_of(r->h.error);
    switch (e) {
    case KG_ERR_NONE:
        break;
    case KG_ERR_MEMBER_ID_REQUIRED:
        c->incarnation = r->h.incarnation; /* KIP-394: join again with the given id */
        c->state = KG_C_JOINING;
        return;
    case KG_ERR_UNKNOWN_MEMBER_ID:
        c->incarnation = 0;
        c->state = KG_C_JOINING;
        return;
    case KG_ERR_FENCED_INSTANCE_ID:
        c->state = KG_C_FAILED; /* a newer instance with our instance id took over */
        return;
    case KG_ERR_NOT_COORDINATOR:
    case KG_ERR_COORDINATOR_NOT_AVAILABLE:
    case KG_ERR_COORDINATOR_LOAD_IN_PROGRESS:
        coordinator_lost(s, c);
        c->state = KG_C_JOINING;
        return;
    default:
        c->state = KG_C_JOINING;
        c->retry_at_us = s->engine->now + spec_of(s, c)->retry_backoff_us;
        wake_at(s, c, c->retry_at_us);
        return;
    }
    c->incarnation = r->h.incarnation;
    c->generation = r->h.generation;
    c->is_leader = r->h.leader == c->slot;
    kg_sync_req q = {.has_assignment = false};
    if (c->is_leader && r->h.count > 0) lead_assignment(s, c, r, &q);
    c->state = KG_C_SYNCING;
    send_coord(s, c, KG__REQ_SYNC, KG_MSG_SYNC_GROUP, &q, sizeof q);
}

/* The assignment arrived (ConsumerCoordinator.onJoinComplete). Cooperative: partitions
 * no longer assigned are revoked, and a member that revoked any rejoins at once (the
 * follow-up rebalance of KIP-429). */
static void sync_answered(kg_set *s, kg_consumer *c, const kg_sync_resp *r)
{
    const kg_error e = kg__error_of(r->h.error);
    if (e == KG_ERR_NOT_COORDINATOR || e == KG_ERR_COORDINATOR_NOT_AVAILABLE) {
        coordinator_lost(s, c);
        c->state = KG_C_JOINING;
        return;
    }
    if (e == KG_ERR_UNKNOWN_MEMBER_ID) c->incarnation = 0;
    if (e == KG_ERR_FENCED_INSTANCE_ID) {
        c->state = KG_C_FAILED;
        return;
    }
    if (e == KG_ERR_UNKNOWN_MEMBER_ID || e == KG_ERR_ILLEGAL_GENERATION) lose_partitions(s, c);
    if (e != KG_ERR_NONE) {
        c->state = KG_C_JOINING;
        return;
    }
    const kg_group_spec *sp = spec_of(s, c);
    uint32_t revoked = 0, added = 0;
    for (uint32_t p = 0; p < sp->partition_count; p++) {
        const bool had = kg__bm_test(&c->owned, p), gets = kg__bm_test(&r->assignment, p);
        if (had && !gets) {
            revoked++;
            c->pos[p] = (kg_partition_pos){.position = -1};
        }
        if (gets && !had) {
            added++;
            c->pos[p] = (kg_partition_pos){.position = -1};
        }
    }
    c->owned = r->assignment;
    c->owned_generation = r->h.generation;
    c->generation = r->h.generation;
    c->state = KG_C_STABLE;
    c->last_poll_us = s->engine->now;
    s->assigned_once[c->group] = true;
    kg__emit(s, client_id(c), KG_EV_ASSIGN,
             (const int64_t[]){c->group, c->slot, c->generation, kg__bm_count(&c->owned), revoked});
    if (revoked > 0 &&
        kasg_protocol_select(sp->strategies, sp->strategy_count) == KASG_PROTOCOL_COOPERATIVE)
        c->rejoin_needed = true;
    (void)added;
    kg__schedule(s, &c->heartbeat_timer, s->engine->now + sp->heartbeat_us, c->endpoint,
                 KG__T_HEARTBEAT, 0, c->group, c->slot, c->process_incarnation);
}

/* The member's generation is no longer the group's (ILLEGAL_GENERATION,
 * UNKNOWN_MEMBER_ID, a poll timeout): its partitions are lost, not revoked, under either
 * protocol (ConsumerCoordinator.onJoinPrepare → onPartitionsLost), so it neither keeps
 * consuming them nor reports them as owned when it rejoins. */
static void lose_partitions(kg_set *s, kg_consumer *c)
{
    memset(&c->owned, 0, sizeof c->owned);
    c->owned_generation = -1;
    c->generation = -1;
    for (uint32_t p = 0; p < s->groups[c->group].partition_count; p++)
        c->pos[p] = (kg_partition_pos){.position = -1};
}

static void heartbeat_answered(kg_set *s, kg_consumer *c, const kg_resp *r)
{
    switch (kg__error_of(r->error)) {
    case KG_ERR_NONE:
        return;
    case KG_ERR_REBALANCE_IN_PROGRESS:
        c->rejoin_needed = true;
        return;
    case KG_ERR_ILLEGAL_GENERATION:
        lose_partitions(s, c);
        c->rejoin_needed = true;
        return;
    case KG_ERR_UNKNOWN_MEMBER_ID:
        c->incarnation = 0;
        lose_partitions(s, c);
        c->rejoin_needed = true;
        return;
    case KG_ERR_FENCED_INSTANCE_ID:
        c->state = KG_C_FAILED;
        return;
    case KG_ERR_NOT_COORDINATOR:
    case KG_ERR_COORDINATOR_NOT_AVAILABLE:
        coordinator_lost(s, c);
        return;
    default:
        return;
    }
}

/* =================================================================================
 * Offsets: positions, commits
 * ================================================================================= */

/* Commits the positions of owned partitions that moved since the last commit. Returns
 * true when a commit was sent. */
static bool commit_positions(kg_set *s, kg_consumer *c)
{
    const kg_group_spec *sp = spec_of(s, c);
    kg_offsets_msg m = {0};
    for (uint32_t p = 0; p < sp->partition_count && m.h.count < KG_COMMIT_PARTITIONS_MAX; p++) {
        if (!kg__bm_test(&c->owned, p) || c->pos[p].position < 0) continue;
        if (c->pos[p].position == c->commit_pos[p]) continue;
        m.e[m.h.count++] = (kg_offset_entry){.partition = p, .offset = c->pos[p].position};
    }
    if (m.h.count == 0) return false;
    for (uint32_t k = 0; k < m.h.count; k++) c->sending_pos[m.e[k].partition] = m.e[k].offset;
    return send_coord(s, c, KG__REQ_COMMIT, KG_MSG_OFFSET_COMMIT, &m, sizeof m);
}

static void commit_answered(kg_set *s, kg_consumer *c, const kg_offsets_msg *r)
{
    const kg_error e = kg__error_of(r->h.error);
    c->commit_waiting = false;
    if (e == KG_ERR_NONE) {
        for (uint32_t p = 0; p < spec_of(s, c)->partition_count; p++)
            if (c->sending_pos[p] >= 0) c->commit_pos[p] = c->sending_pos[p];
    } else if (e == KG_ERR_NOT_COORDINATOR || e == KG_ERR_COORDINATOR_NOT_AVAILABLE) {
        coordinator_lost(s, c);
    } else if (e == KG_ERR_REBALANCE_IN_PROGRESS) {
        c->rejoin_needed = true;
    } else if (e == KG_ERR_ILLEGAL_GENERATION || e == KG_ERR_UNKNOWN_MEMBER_ID) {
        /* CommitFailedException: the partitions moved on without this member. */
        if (e == KG_ERR_UNKNOWN_MEMBER_ID) c->incarnation = 0;
        lose_partitions(s, c);
        c->rejoin_needed = true;
    }
    for (uint32_t p = 0; p < KG_PARTITIONS_MAX; p++) c->sending_pos[p] = -1;
}

/* Positions of newly owned partitions: the committed offset (OffsetFetch), else
 * auto.offset.reset. */
static bool fetch_committed(kg_set *s, kg_consumer *c)
{
    const kg_group_spec *sp = spec_of(s, c);
    kg_offsets_msg m = {0};
    for (uint32_t p = 0; p < sp->partition_count && m.h.count < KG_COMMIT_PARTITIONS_MAX; p++) {
        if (!kg__bm_test(&c->owned, p) || c->pos[p].position >= 0 || c->pos[p].resetting) continue;
        m.e[m.h.count++] = (kg_offset_entry){.partition = p};
    }
    if (m.h.count == 0) return false;
    return send_coord(s, c, KG__REQ_OFFSETS, KG_MSG_OFFSET_FETCH, &m, sizeof m);
}

static void offsets_answered(kg_set *s, kg_consumer *c, const kg_offsets_msg *r)
{
    if (kg__error_of(r->h.error) != KG_ERR_NONE) {
        coordinator_lost(s, c);
        return;
    }
    const kg_group_spec *sp = spec_of(s, c);
    for (uint32_t k = 0; k < r->h.count; k++) {
        const uint32_t p = r->e[k].partition;
        if (!kg__bm_test(&c->owned, p) || c->pos[p].position >= 0) continue;
        if (r->e[k].offset >= 0) {
            c->pos[p].position = r->e[k].offset;
            c->commit_pos[p] = r->e[k].offset;
        } else if (sp->reset == KG_RESET_NONE) {
            c->state = KG_C_FAILED; /* NoOffsetForPartitionException */
            return;
        } else {
            c->pos[p].resetting = true; /* ListOffsets through the leader's Fetch */
        }
    }
}

/* =================================================================================
 * Fetching and processing
 * ================================================================================= */

static void fetch_answered(kg_set *s, kg_consumer *c, const kg_fetch_msg *r)
{
    const kg_group_spec *sp = spec_of(s, c);
    for (uint32_t k = 0; k < r->h.count; k++) {
        const kg_fetch_entry *e = &r->e[k];
        kg_partition_pos *pp = &c->pos[e->partition];
        pp->fetch_in_flight = false;
        if (!kg__bm_test(&c->owned, e->partition)) continue; /* revoked meanwhile */
        const kg_error err = e->error == 0 ? KG_ERR_NONE : kg__error_of(e->error);
        if (err == KG_ERR_NOT_LEADER_OR_FOLLOWER) {
            c->metadata_stale = true;
            continue;
        }
        if (err == KG_ERR_OFFSET_OUT_OF_RANGE) {
            if (sp->reset == KG_RESET_NONE) {
                c->state = KG_C_FAILED;
                return;
            }
            pp->position = -1;
            pp->resetting = true;
            continue;
        }
        pp->hw = e->hw;
        if (pp->resetting) {
            pp->resetting = false;
            pp->position = e->offset;
            kg__emit(s, client_id(c), KG_EV_RESET,
                     (const int64_t[]){c->group, c->slot, e->partition, e->offset});
            continue;
        }
        if (e->offset != pp->position || e->count == 0) continue;
        pp->fetched_from = e->offset;
        pp->fetched_to = e->offset + e->count;
        SIM_ASSERT(pp->fetched_to <= e->hw); /* consumers read below the HW only */
    }
    c->fetches_in_flight--;
}

static void send_fetches(kg_set *s, kg_consumer *c)
{
    const kg_group_spec *sp = spec_of(s, c);
    for (uint32_t b = 0; b < s->broker_count; b++) {
        const int32_t broker = s->broker_ids[b];
        kg_fetch_msg m = {0};
        for (uint32_t p = 0; p < sp->partition_count && m.h.count < KG_FETCH_PARTITIONS_MAX; p++) {
            kg_partition_pos *pp = &c->pos[p];
            if (!kg__bm_test(&c->owned, p) || pp->fetch_in_flight) continue;
            if (c->leaders[p] != broker) continue;
            if (pp->fetched_to > pp->fetched_from) continue; /* data still buffered */
            int64_t off = pp->position;
            if (pp->resetting)
                off = sp->reset == KG_RESET_EARLIEST ? KG_OFFSET_EARLIEST : KG_OFFSET_LATEST;
            else if (off < 0)
                continue;
            m.e[m.h.count++] = (kg_fetch_entry){.partition = (uint16_t)p, .offset = off};
        }
        if (m.h.count == 0) continue;
        m.h.request = ++c->request;
        if (!send_to(s, c, broker, KG_MSG_FETCH, &m, sizeof m)) {
            c->metadata_stale = true;
            continue;
        }
        for (uint32_t k = 0; k < m.h.count; k++) c->pos[m.e[k].partition].fetch_in_flight = true;
        c->fetches_in_flight++;
    }
}

static void finish_batch(kg_set *s, kg_consumer *c)
{
    const kg_group_spec *sp = spec_of(s, c);
    c->processing = false;
    if (sp->commit == KG_COMMIT_AFTER_PROCESSING) c->commit_waiting = true;
    c_run(s, c);
}

/* One record of the batch is processed (the application's work); the accounting counts
 * what the group processed, and a poison record follows the group's policy. */
static void process_next(kg_set *s, kg_consumer *c)
{
    const kg_group_spec *sp = spec_of(s, c);
    while (c->processing && c->batch_next < c->batch_end) {
        const uint32_t p = c->batch_partition;
        const int64_t o = c->batch_next;
        if (sp->has_poison && p == sp->poison_partition && o == sp->poison_offset) {
            if (sp->poison_policy == KG_POISON_RETRY) {
                kg__schedule(s, &c->process_timer,
                             s->engine->now + (sp->processing_us ? sp->processing_us : SIM_MS(100)),
                             c->endpoint, KG__T_PROCESS, 0, c->group, c->slot,
                             c->process_incarnation);
                return; /* retried forever: the partition is stuck here */
            }
            if (sp->poison_policy == KG_POISON_STOP) {
                kg_remove_consumer(s, c->group, (int32_t)c->slot, true);
                return;
            }
            c->batch_next++; /* skip: logged and passed over, never processed */
            c->pos[p].position = c->batch_next;
            continue;
        }
        if (sp->processing_us > 0 && !c->record_started) {
            c->record_started = true;
            kg__schedule(s, &c->process_timer, s->engine->now + sp->processing_us, c->endpoint,
                         KG__T_PROCESS, 0, c->group, c->slot, c->process_incarnation);
            return;
        }
        c->record_started = false;
        kg__count_processed(s, c->group, p, o);
        c->processed++;
        c->batch_next++;
        /* The position moves as the application consumes (KafkaConsumer's position is the
         * batch end once poll returns; committing mid-batch would commit it). */
        if (kg__bm_test(&c->owned, p) && c->pos[p].position < c->batch_next)
            c->pos[p].position = c->batch_next;
    }
    if (c->processing) finish_batch(s, c);
}

/* poll(): at most max.poll.records buffered records of one partition (round robin). */
static bool poll_batch(kg_set *s, kg_consumer *c)
{
    const kg_group_spec *sp = spec_of(s, c);
    for (uint32_t k = 0; k < sp->partition_count; k++) {
        const uint32_t p = (c->poll_cursor + k) % sp->partition_count;
        kg_partition_pos *pp = &c->pos[p];
        if (!kg__bm_test(&c->owned, p) || pp->fetched_to <= pp->fetched_from) continue;
        if (pp->fetched_from != pp->position) { /* stale buffer (position moved) */
            pp->fetched_from = pp->fetched_to = 0;
            continue;
        }
        int64_t n = pp->fetched_to - pp->fetched_from;
        if (n > sp->max_poll_records) n = sp->max_poll_records;
        c->poll_cursor = p + 1;
        c->batch_partition = p;
        c->batch_next = pp->fetched_from;
        c->batch_end = pp->fetched_from + n;
        pp->fetched_from += n;
        kg__emit(s, client_id(c), KG_EV_CONSUME,
                 (const int64_t[]){c->group, c->slot, p, c->batch_next, n});
        return true;
    }
    return false;
}

/* =================================================================================
 * The loop
 * ================================================================================= */

static bool coordinator_needed(kg_set *s, kg_consumer *c)
{
    if (c->coordinator >= 0) return false;
    if (c->coord_request != KG__REQ_NONE) return true;
    if (s->engine->now < c->retry_at_us) {
        wake_at(s, c, c->retry_at_us); /* an earlier wake may have used the timer */
        return true;
    }
    /* FindCoordinator to the next broker that accepts a connection. */
    for (uint32_t k = 0; k < s->broker_count; k++) {
        const int32_t broker = s->broker_ids[c->find_cursor++ % s->broker_count];
        kg_req r = {.request = ++c->request};
        if (!send_to(s, c, broker, KG_MSG_FIND_COORDINATOR, &r, sizeof r)) continue;
        c->coord_request = KG__REQ_FIND;
        c->coord_request_id = r.request;
        c->request_deadline_us = s->engine->now + spec_of(s, c)->request_timeout_us;
        wake_at(s, c, c->request_deadline_us);
        return true;
    }
    c->retry_at_us = s->engine->now + spec_of(s, c)->retry_backoff_us;
    wake_at(s, c, c->retry_at_us);
    return true;
}

static void maybe_metadata(kg_set *s, kg_consumer *c)
{
    if (!c->metadata_stale || c->metadata_in_flight) return;
    for (uint32_t k = 0; k < s->broker_count; k++) {
        const int32_t broker = s->broker_ids[c->find_cursor++ % s->broker_count];
        kg_req r = {.request = ++c->metadata_request};
        if (!send_to(s, c, broker, KG_MSG_METADATA, &r, sizeof r)) continue;
        c->metadata_in_flight = true;
        c->metadata_deadline_us = s->engine->now + spec_of(s, c)->request_timeout_us;
        wake_at(s, c, c->metadata_deadline_us);
        return;
    }
}

static void leave_group(kg_set *s, kg_consumer *c)
{
    /* Dynamic members say goodbye; static members never do (KIP-345). */
    if (spec_of(s, c)->static_members || c->coordinator < 0 || c->incarnation == 0) return;
    kg_req r = {.request = ++c->request};
    send_to(s, c, c->coordinator, KG_MSG_LEAVE_GROUP, &r, sizeof r);
}

/* What the member asks its coordinator next (one request at a time). */
static void coordinator_step(kg_set *s, kg_consumer *c)
{
    const kg_group_spec *sp = spec_of(s, c);
    const sim_time now = s->engine->now;
    if (coordinator_needed(s, c)) return;
    if (c->coord_request != KG__REQ_NONE) return;
    if (c->commit_waiting) {
        if (commit_positions(s, c)) return;
        if (c->coordinator < 0) return; /* refused: find the coordinator first */
        c->commit_waiting = false;
    }
    const bool eager =
        kasg_protocol_select(sp->strategies, sp->strategy_count) == KASG_PROTOCOL_EAGER;
    /* Eager members revoke at their next poll, after the batch in hand. */
    if (c->state == KG_C_STABLE && c->rejoin_needed && !(eager && c->processing)) {
        /* One auto commit before a rebalance (ConsumerCoordinator.onJoinPrepare:
         * maybeAutoCommitOffsetsSync), then the JoinGroup. */
        if (sp->commit == KG_COMMIT_AUTO && !c->join_committed) {
            c->join_committed = true;
            if (commit_positions(s, c)) return;
        }
        if (c->coordinator < 0) return;
        prepare_join(s, c);
    }
    if (c->state == KG_C_JOINING) {
        send_join(s, c);
        return;
    }
    if (c->state != KG_C_STABLE) return;
    if (fetch_committed(s, c)) return;
    if (sp->commit == KG_COMMIT_AUTO && now >= c->next_auto_commit_us) {
        c->next_auto_commit_us = now + sp->auto_commit_interval_us;
        commit_positions(s, c);
    }
}

/* Whether the member fetches and processes now: Stable, or keeping its partitions
 * through a cooperative rebalance (KIP-429: retained partitions are consumed while the
 * group rebalances). A lost coordinator does not stop consumption. */
bool kg__consuming(const kg_set *s, const kg_consumer *c)
{
    if (c->state == KG_C_STABLE) return true;
    if (c->state != KG_C_JOINING && c->state != KG_C_SYNCING) return false;
    const kg_group_spec *sp = &s->groups[c->group];
    return kasg_protocol_select(sp->strategies, sp->strategy_count) == KASG_PROTOCOL_COOPERATIVE &&
           kg__bm_count(&c->owned) > 0;
}

/* The application's poll loop: a batch of buffered records, else fetches. */
static void consume_step(kg_set *s, kg_consumer *c)
{
    const kg_group_spec *sp = spec_of(s, c);
    const sim_time now = s->engine->now;
    /* A commitSync during a cooperative rebalance fails at once
     * (RebalanceInProgressException: no stable generation); the member keeps polling. */
    if (c->commit_waiting && (c->state == KG_C_JOINING || c->state == KG_C_SYNCING))
        c->commit_waiting = false;
    if (c->processing || c->commit_waiting) return;
    /* An eager member due to rejoin does that in this poll, not another batch. */
    if (c->rejoin_needed &&
        kasg_protocol_select(sp->strategies, sp->strategy_count) == KASG_PROTOCOL_EAGER)
        return;
    c->last_poll_us = now;
    if (sp->commit == KG_COMMIT_BEFORE_PROCESSING && c->coord_request != KG__REQ_NONE) return;
    if (poll_batch(s, c)) {
        c->processing = true;
        c->record_started = false;
        if (sp->commit == KG_COMMIT_BEFORE_PROCESSING && c->coordinator >= 0) {
            const int64_t keep = c->pos[c->batch_partition].position;
            c->pos[c->batch_partition].position = c->batch_end; /* commit the batch's end */
            commit_positions(s, c);
            c->pos[c->batch_partition].position = keep;
        }
        process_next(s, c);
        return;
    }
    send_fetches(s, c);
    if (sp->commit == KG_COMMIT_AUTO && c->next_auto_commit_us > now)
        wake_at(s, c, c->next_auto_commit_us);
}

static void c_run(kg_set *s, kg_consumer *c)
{
    const sim_time now = s->engine->now;
    if (c->state == KG_C_DOWN || c->state == KG_C_FAILED) return;
    if (c->coord_request != KG__REQ_NONE && now >= c->request_deadline_us) {
        coordinator_lost(s, c); /* no answer in request.timeout.ms */
        if (c->state == KG_C_SYNCING) c->state = KG_C_JOINING;
        c->commit_waiting = false;
    }
    if (c->metadata_in_flight && now >= c->metadata_deadline_us) c->metadata_in_flight = false;
    maybe_metadata(s, c);
    coordinator_step(s, c);
    if (c->state != KG_C_DOWN && c->state != KG_C_FAILED && kg__consuming(s, c)) consume_step(s, c);
}

/* The heartbeat thread's poll-timeout check (max.poll.interval.ms): a member whose
 * application has not polled for that long leaves the group (LeaveGroup when dynamic)
 * and rejoins at its next poll. */
static void check_poll_interval(kg_set *s, kg_consumer *c)
{
    const kg_group_spec *sp = spec_of(s, c);
    if (c->state != KG_C_STABLE || !c->processing) return;
    if (s->engine->now - c->last_poll_us <= sp->rebalance_timeout_us) return;
    leave_group(s, c);
    if (!sp->static_members) c->incarnation = 0;
    lose_partitions(s, c);
    c->rejoin_needed = true;
    c->last_poll_us = s->engine->now;
}

/* =================================================================================
 * Messages and timers
 * ================================================================================= */

static bool coord_answer_matches(kg_consumer *c, kg__req kind, uint32_t request)
{
    if (c->coord_request != kind || c->coord_request_id != request) return false;
    c->coord_request = KG__REQ_NONE;
    return true;
}

void kg__consumer_deliver(kg_set *s, kg_msg_kind kind, int32_t from, int32_t to, const void *body,
                          uint32_t bytes)
{
    (void)from;
    const kg_resp *h = body;
    SIM_ASSERT(bytes >= sizeof *h && h->group < s->group_count && h->slot < KG_MEMBERS_MAX);
    kg_consumer *c = kg__consumer(s, h->group, h->slot);
    SIM_ASSERT(c->endpoint == to);
    if (c->state == KG_C_DOWN || c->state == KG_C_FAILED) return;
    switch (kind) {
    case KG_MSG_FIND_COORDINATOR_RESPONSE:
        if (!coord_answer_matches(c, KG__REQ_FIND, h->request)) break;
        if (h->error != 0) {
            c->retry_at_us = s->engine->now + spec_of(s, c)->retry_backoff_us;
            wake_at(s, c, c->retry_at_us);
        } else {
            c->coordinator = h->coordinator;
        }
        break;
    case KG_MSG_JOIN_GROUP_RESPONSE:
        if (coord_answer_matches(c, KG__REQ_JOIN, h->request)) join_answered(s, c, body);
        break;
    case KG_MSG_SYNC_GROUP_RESPONSE:
        if (coord_answer_matches(c, KG__REQ_SYNC, h->request)) sync_answered(s, c, body);
        break;
    case KG_MSG_HEARTBEAT_RESPONSE:
        heartbeat_answered(s, c, h);
        break;
    case KG_MSG_LEAVE_GROUP_RESPONSE:
        break;
    case KG_MSG_OFFSET_COMMIT_RESPONSE:
        if (coord_answer_matches(c, KG__REQ_COMMIT, h->request)) commit_answered(s, c, body);
        break;
    case KG_MSG_OFFSET_FETCH_RESPONSE:
        if (coord_answer_matches(c, KG__REQ_OFFSETS, h->request)) offsets_answered(s, c, body);
        break;
    case KG_MSG_FETCH_RESPONSE:
        fetch_answered(s, c, body);
        break;
    case KG_MSG_METADATA_RESPONSE:
        if (c->metadata_in_flight && h->request == c->metadata_request &&
            s->staged_request[h->group * KG_MEMBERS_MAX + h->slot] == h->request) {
            memcpy(c->leaders,
                   s->staged + ((size_t)h->group * KG_MEMBERS_MAX + h->slot) * KG_PARTITIONS_MAX,
                   spec_of(s, c)->partition_count * sizeof(int32_t));
            c->metadata_in_flight = false;
            c->metadata_stale = false;
            for (uint32_t p = 0; p < spec_of(s, c)->partition_count; p++)
                if (c->leaders[p] < 0) c->metadata_stale = true;
            if (c->metadata_stale) wake_at(s, c, s->engine->now + spec_of(s, c)->retry_backoff_us);
        }
        break;
    default:
        SIM_UNREACHABLE();
    }
    c_run(s, c);
}

void kg_stage_metadata(kg_set *s, uint32_t group, uint32_t slot, uint32_t request,
                       const int32_t *leaders)
{
    SIM_ASSERT(group < s->group_count && slot < KG_MEMBERS_MAX);
    memcpy(s->staged + ((size_t)group * KG_MEMBERS_MAX + slot) * KG_PARTITIONS_MAX, leaders,
           s->groups[group].partition_count * sizeof *leaders);
    s->staged_request[group * KG_MEMBERS_MAX + slot] = request;
}

void kg__consumer_timer(kg_set *s, kg__timer kind, uint32_t g, uint32_t slot, uint32_t token)
{
    kg_consumer *c = kg__consumer(s, g, slot);
    if (token != c->process_incarnation || c->state == KG_C_DOWN || c->state == KG_C_FAILED) return;
    switch (kind) {
    case KG__T_HEARTBEAT:
        c->heartbeat_timer = SIM_TIMER_NONE;
        check_poll_interval(s, c);
        if (c->state == KG_C_STABLE && c->coordinator >= 0) {
            kg_req r = {.request = ++c->request};
            if (!send_to(s, c, c->coordinator, KG_MSG_HEARTBEAT, &r, sizeof r))
                coordinator_lost(s, c);
        }
        if (c->state == KG_C_STABLE)
            kg__schedule(s, &c->heartbeat_timer, s->engine->now + spec_of(s, c)->heartbeat_us,
                         c->endpoint, KG__T_HEARTBEAT, 0, g, slot, c->process_incarnation);
        c_run(s, c);
        return;
    case KG__T_PROCESS:
        c->process_timer = SIM_TIMER_NONE;
        process_next(s, c);
        return;
    case KG__T_WAKE:
        c->wake_timer = SIM_TIMER_NONE;
        if (c->state == KG_C_DOWN) return;
        c_run(s, c);
        return;
    case KG__T_JOIN:
    case KG__T_SESSION:
    default:
        SIM_UNREACHABLE();
    }
}

/* =================================================================================
 * Life: init, start, add, remove
 * ================================================================================= */

void kg__timer_cb(void *ctx, int32_t endpoint, uint64_t arg)
{
    (void)endpoint;
    kg_set *s = ctx;
    const kg__timer kind = (kg__timer)(arg >> 60);
    const uint32_t a = (uint32_t)(arg >> 52) & 0xFFu, g = (uint32_t)(arg >> 48) & 0xFu,
                   slot = (uint32_t)(arg >> 40) & 0xFFu, token = (uint32_t)arg;
    switch (kind) {
    case KG__T_JOIN:
        if (kg__coord(s, a, g)->load_token == token) kg__join_timer(s, a, g);
        return;
    case KG__T_SESSION:
        if (kg__coord(s, a, g)->load_token == token) kg__session_timer(s, a, g);
        return;
    case KG__T_HEARTBEAT:
    case KG__T_PROCESS:
    case KG__T_WAKE:
        kg__consumer_timer(s, kind, g, slot, token);
        return;
    default:
        SIM_UNREACHABLE();
    }
}

size_t kg_arena_bytes(const kg_group_spec *groups, uint32_t group_count, uint32_t broker_count,
                      uint32_t store_capacity, uint32_t records_cap)
{
    size_t bytes = (size_t)broker_count * group_count * sizeof(kg_coord) +
                   (size_t)group_count * KG_MEMBERS_MAX *
                       (sizeof(kg_consumer) + 2u * KG_PARTITIONS_MAX * sizeof(int32_t) + 8u) +
                   (size_t)store_capacity * sizeof(kg_store_entry) +
                   (size_t)group_count * (sizeof(kg_group_spec) + sizeof(sim_rng) + 64u) +
                   (size_t)broker_count * group_count * KG_MEMBERS_MAX * sizeof(kg_parked_fetch) +
                   (size_t)group_count * (sizeof(uint8_t *) + 64u) + 4096u;
    for (uint32_t g = 0; g < group_count; g++)
        bytes += (size_t)groups[g].partition_count * records_cap + 64u;
    return bytes + kg__workspace_bound(groups, group_count) + 64u;
}

/* The leader's workspace: the assignor's need for a full group of this scenario. */
size_t kg__workspace_bound(const kg_group_spec *groups, uint32_t group_count)
{
    size_t most = 0;
    for (uint32_t g = 0; g < group_count; g++) {
        const kg_group_spec *sp = &groups[g];
        kasg_topic topics[8];
        uint32_t subs[8];
        for (uint32_t t = 0; t < sp->topic_count; t++) {
            topics[t] = (kasg_topic){.name = sp->topic_names[t],
                                     .partition_count = sp->topic_partitions[t]};
            subs[t] = t;
        }
        static char ids[KG_MEMBERS_MAX][8];
        kasg_member members[KG_MEMBERS_MAX];
        static kasg_tp owned[KG_PARTITIONS_MAX];
        for (uint32_t p = 0; p < sp->partition_count; p++)
            owned[p] = (kasg_tp){.topic_index = sp->topic_of[p], .partition = sp->number_of[p]};
        for (uint32_t k = 0; k < KG_MEMBERS_MAX; k++) {
            snprintf(ids[k], sizeof ids[k], "m%u", k);
            members[k] = (kasg_member){.member_id = ids[k],
                                       .topics = subs,
                                       .topic_count = sp->topic_count,
                                       .owned = k == 0 ? owned : NULL,
                                       .owned_count = k == 0 ? sp->partition_count : 0,
                                       .generation = k == 0 ? 1 : -1};
        }
        for (uint32_t st = 0; st < KASG_STRATEGY_COUNT; st++) {
            const kasg_input in = {.strategy = (kasg_strategy)st,
                                   .topics = topics,
                                   .topic_count = sp->topic_count,
                                   .members = members,
                                   .member_count = KG_MEMBERS_MAX,
                                   .leader_max_generation = -1};
            const size_t n = kasg_workspace_bytes(&in);
            if (n > most) most = n;
        }
    }
    return most * 2u + 4096u;
}

void kg__commit_on_close(kg_set *s, kg_consumer *c)
{
    commit_positions(s, c);
}
