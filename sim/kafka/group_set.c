/*
 * group_set.c — the consumer-group set's life: init, start, add and remove members,
 *   message and append routing, and the per-event observation (parked fetches, paused
 *   partitions, the ownership checker) and accounting of spec §3 `consumers.groups`.
 *
 * Role, model and what is not modelled: groups.h.
 * Determinism: groups, members and partitions in index order.
 */
#include "group_internal.h"

#include "../core/sim_assert.h"

#include <string.h>

void kg_init(kg_set *s, sim_engine *e, sim_arena *arena, uint64_t seed, const kg_group_spec *groups,
             uint32_t group_count, uint32_t broker_count, const int32_t *broker_ids,
             const int32_t *broker_endpoints, const int32_t *consumer_endpoints,
             uint32_t store_capacity, uint32_t records_cap, const kg_ops *ops, void *ops_ctx)
{
    SIM_ASSERT(group_count >= 1 && group_count <= KG_GROUPS_MAX);
    SIM_ASSERT(broker_count >= 1 && broker_count <= 64);
    memset(s, 0, sizeof *s);
    s->engine = e;
    s->ops = *ops;
    s->ops_ctx = ops_ctx;
    s->group_count = group_count;
    s->groups = SIM_ARENA_NEW(arena, kg_group_spec, group_count);
    memcpy(s->groups, groups, group_count * sizeof *groups);
    s->broker_count = broker_count;
    memcpy(s->broker_ids, broker_ids, broker_count * sizeof *broker_ids);
    memcpy(s->broker_endpoints, broker_endpoints, broker_count * sizeof *broker_endpoints);
    uint64_t x = seed ^ 0x6b67726f75707321ull;
    s->id_salt = sim_splitmix64(&x);
    s->coords = SIM_ARENA_NEW(arena, kg_coord, (size_t)broker_count * group_count);
    for (uint32_t b = 0; b < broker_count; b++) {
        for (uint32_t g = 0; g < group_count; g++) {
            kg_coord *c = kg__coord(s, b, g);
            c->state = KG_STATE_DEAD;
            c->leader = KG_NO_MEMBER;
            c->protocol = -1;
            for (uint32_t p = 0; p < KG_PARTITIONS_MAX; p++) c->committed[p] = -1;
        }
    }
    const size_t nc = (size_t)group_count * KG_MEMBERS_MAX;
    s->consumers = SIM_ARENA_NEW(arena, kg_consumer, nc);
    s->staged = SIM_ARENA_NEW(arena, int32_t, nc * KG_PARTITIONS_MAX);
    s->staged_request = SIM_ARENA_NEW(arena, uint32_t, nc);
    for (uint32_t g = 0; g < group_count; g++) {
        SIM_ASSERT(groups[g].partition_count >= 1 &&
                   groups[g].partition_count <= KG_PARTITIONS_MAX);
        SIM_ASSERT(groups[g].members_max <= KG_MEMBERS_MAX);
        for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) {
            kg_consumer *c = kg__consumer(s, g, i);
            c->group = g;
            c->slot = i;
            c->endpoint = consumer_endpoints[g * KG_MEMBERS_MAX + i];
            c->trace_id = c->endpoint;
            c->state = KG_C_DOWN;
            c->coordinator = -1;
            c->leader_max_generation = -1;
            c->leaders = SIM_ARENA_NEW(arena, int32_t, groups[g].partition_count);
        }
    }
    s->store_capacity = store_capacity;
    s->store = SIM_ARENA_NEW(arena, kg_store_entry, store_capacity);
    s->parked_capacity = broker_count * group_count * KG_MEMBERS_MAX;
    s->parked = SIM_ARENA_NEW(arena, kg_parked_fetch, s->parked_capacity);
    s->workspace_bytes = kg__workspace_bound(groups, group_count);
    s->workspace = sim_arena_alloc(arena, s->workspace_bytes, 1);
    s->records_cap = records_cap;
    s->processed = SIM_ARENA_NEW(arena, uint8_t *, group_count);
    for (uint32_t g = 0; g < group_count; g++)
        s->processed[g] =
            SIM_ARENA_NEW(arena, uint8_t, (size_t)groups[g].partition_count * records_cap);
    s->consumed = SIM_ARENA_NEW(arena, uint64_t, group_count);
    s->redelivered = SIM_ARENA_NEW(arena, uint64_t, group_count);
    s->rebalances = SIM_ARENA_NEW(arena, uint64_t, group_count);
    s->generation = SIM_ARENA_NEW(arena, int32_t, group_count);
    s->paused_partition_us = SIM_ARENA_NEW(arena, uint64_t, group_count);
    s->assigned_once = SIM_ARENA_NEW(arena, bool, group_count);
    s->timer_handler = sim_engine_register(e, kg__timer_cb, s);
}

void kg__set_trace_ids(kg_set *s, const int32_t *trace_ids)
{
    for (uint32_t g = 0; g < s->group_count; g++)
        for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++)
            kg__consumer(s, g, i)->trace_id = trace_ids[g * KG_MEMBERS_MAX + i];
}

/* A member's process starts: a fresh consumer with no member id (or its instance id). */
static void start_member(kg_set *s, uint32_t g, uint32_t slot, sim_time at)
{
    kg_consumer *c = kg__consumer(s, g, slot);
    SIM_ASSERT(c->endpoint >= 0);
    const uint32_t inc = c->process_incarnation + 1;
    int32_t *leaders = c->leaders;
    const int32_t endpoint = c->endpoint, trace = c->trace_id;
    memset(c, 0, sizeof *c);
    c->group = g;
    c->slot = slot;
    c->endpoint = endpoint;
    c->trace_id = trace;
    c->leaders = leaders;
    c->process_incarnation = inc;
    c->state = KG_C_FIND;
    c->coordinator = -1;
    c->generation = -1;
    c->owned_generation = -1;
    c->leader_max_generation = -1;
    c->metadata_stale = true;
    c->find_cursor = slot;
    c->heartbeat_timer = c->process_timer = c->wake_timer = SIM_TIMER_NONE;
    for (uint32_t p = 0; p < KG_PARTITIONS_MAX; p++) {
        c->pos[p].position = -1;
        c->commit_pos[p] = -1;
        c->sending_pos[p] = -1;
    }
    for (uint32_t p = 0; p < s->groups[g].partition_count; p++) c->leaders[p] = -1;
    c->next_auto_commit_us = at + s->groups[g].auto_commit_interval_us;
    kg__schedule(s, &c->wake_timer, at, c->endpoint, KG__T_WAKE, 0, g, slot, inc);
    c->state = KG_C_JOINING;
}

void kg_start_all(kg_set *s)
{
    for (uint32_t g = 0; g < s->group_count; g++) {
        for (uint32_t i = 0; i < s->groups[g].members; i++)
            start_member(s, g, i, s->groups[g].start_us);
        s->started[g] = s->groups[g].members;
    }
}

bool kg_add_consumer(kg_set *s, uint32_t g)
{
    SIM_ASSERT(g < s->group_count);
    if (s->started[g] >= s->groups[g].members_max) return false;
    start_member(s, g, s->started[g]++, s->engine->now);
    return true;
}

bool kg_remove_consumer(kg_set *s, uint32_t g, int32_t slot, bool graceful)
{
    SIM_ASSERT(g < s->group_count);
    if (slot < 0) {
        for (int32_t i = (int32_t)s->started[g] - 1; i >= 0 && slot < 0; i--) {
            const kg_cstate st = kg__consumer(s, g, (uint32_t)i)->state;
            if (st != KG_C_DOWN && st != KG_C_FAILED) slot = i;
        }
        if (slot < 0) return false;
    }
    if ((uint32_t)slot >= KG_MEMBERS_MAX) return false;
    kg_consumer *c = kg__consumer(s, g, (uint32_t)slot);
    if (c->state == KG_C_DOWN) return false;
    if (graceful && c->state != KG_C_FAILED) {
        /* close(): with auto commit, a last commit of the consumed positions
         * (maybeAutoCommitOffsetsSync), then LeaveGroup for a dynamic member; a static
         * member just stops heartbeating (KIP-345). Both requests go out on the same
         * connection, so the coordinator sees the commit first. */
        const kg_group_spec *sp = &s->groups[g];
        if (sp->commit == KG_COMMIT_AUTO && c->coordinator >= 0 && c->incarnation != 0 &&
            c->coord_request == KG__REQ_NONE)
            kg__commit_on_close(s, c);
        if (!sp->static_members && c->coordinator >= 0 && c->incarnation != 0) {
            kg_req r = {.group = g,
                        .slot = (uint32_t)slot,
                        .request = ++c->request,
                        .incarnation = c->incarnation,
                        .generation = c->generation};
            const uint32_t b = kg__broker_slot(s, c->coordinator);
            if (b != UINT32_MAX)
                s->ops.send(s->ops_ctx, c->endpoint, s->broker_endpoints[b], KG_MSG_LEAVE_GROUP, &r,
                            sizeof r);
        }
    }
    sim_engine_cancel(s->engine, &c->heartbeat_timer);
    sim_engine_cancel(s->engine, &c->process_timer);
    sim_engine_cancel(s->engine, &c->wake_timer);
    c->state = KG_C_DOWN;
    c->process_incarnation++;
    memset(&c->owned, 0, sizeof c->owned);
    return true;
}

bool kg_restart_consumer(kg_set *s, uint32_t g, uint32_t slot)
{
    SIM_ASSERT(g < s->group_count && slot < KG_MEMBERS_MAX);
    if (slot >= s->started[g] || kg__consumer(s, g, slot)->state != KG_C_DOWN) return false;
    const uint32_t keep = kg__consumer(s, g, slot)->incarnation;
    start_member(s, g, slot, s->engine->now);
    /* A static member comes back without a member id; its instance id finds its place. */
    (void)keep;
    return true;
}

void kg_connection_reset(kg_set *s, int32_t broker_id)
{
    for (uint32_t g = 0; g < s->group_count; g++) {
        for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) {
            kg_consumer *c = kg__consumer(s, g, i);
            if (c->state == KG_C_DOWN || c->state == KG_C_FAILED) continue;
            bool touched = false;
            if (c->coordinator == broker_id) {
                c->coordinator = -1;
                if (c->coord_request != KG__REQ_NONE && c->coord_request != KG__REQ_FIND) {
                    if (c->state == KG_C_SYNCING) c->state = KG_C_JOINING;
                    c->coord_request = KG__REQ_NONE;
                    c->commit_waiting = c->commit_waiting;
                }
                touched = true;
            }
            for (uint32_t p = 0; p < s->groups[g].partition_count; p++) {
                if (c->leaders[p] != broker_id || !c->pos[p].fetch_in_flight) continue;
                c->pos[p].fetch_in_flight = false;
                c->metadata_stale = true;
                touched = true;
            }
            if (touched)
                kg__schedule(s, &c->wake_timer, s->engine->now + s->groups[g].retry_backoff_us,
                             c->endpoint, KG__T_WAKE, 0, g, i, c->process_incarnation);
        }
    }
}

void kg_append_done(kg_set *s, uint64_t tag, int32_t error)
{
    const kg__append kind = (kg__append)(tag >> 60);
    const uint32_t b = (uint32_t)(tag >> 52) & 0xFFu, g = (uint32_t)(tag >> 48) & 0xFu,
                   slot = (uint32_t)(tag >> 40) & 0xFFu, low = (uint32_t)tag;
    switch (kind) {
    case KG__APPEND_SYNC:
        kg__sync_persisted(s, b, g, (int32_t)low, error == 0);
        return;
    case KG__APPEND_COMMIT:
        kg__commit_persisted(s, b, g, slot, low, error == 0);
        return;
    default:
        SIM_UNREACHABLE();
    }
}

void kg_deliver(kg_set *s, kg_msg_kind kind, int32_t from, int32_t to, const void *body,
                uint32_t bytes)
{
    SIM_ASSERT(kind < KG_MSG_KIND_COUNT);
    if (kind % 2 == 0) {
        kg__broker_deliver(s, kind, from, to, body, bytes); /* requests go to brokers */
    } else {
        kg__consumer_deliver(s, kind, from, to, body, bytes);
    }
}

/* =================================================================================
 * Accounting and checks
 * ================================================================================= */

void kg__note_generation(kg_set *s, uint32_t g, int32_t generation)
{
    if (generation > s->generation[g]) {
        s->rebalances[g] += (uint64_t)(generation - s->generation[g]);
        s->generation[g] = generation;
    }
}

void kg__count_processed(kg_set *s, uint32_t g, uint32_t partition, int64_t offset)
{
    s->consumed[g]++;
    if (offset < 0 || (uint64_t)offset >= s->records_cap) return;
    uint8_t *n = &s->processed[g][(size_t)partition * s->records_cap + (size_t)offset];
    if (*n == 1) s->redelivered[g]++;
    if (*n < UINT8_MAX) (*n)++;
}

void kg_group_accounting(const kg_set *s, uint32_t g, uint64_t *redelivered, uint64_t *skipped)
{
    *redelivered = s->redelivered[g];
    *skipped = 0;
    int32_t broker = -1;
    const kg_coord *c = kg_active_coordinator(s, g, &broker);
    if (c == NULL) return;
    for (uint32_t p = 0; p < s->groups[g].partition_count; p++) {
        const int64_t upto = c->committed[p];
        for (int64_t o = 0; o < upto && (uint64_t)o < s->records_cap; o++)
            *skipped += s->processed[g][(size_t)p * s->records_cap + (size_t)o] == 0;
    }
}

/* A member that fetches partition p now: running, Stable, owning it. */
static bool owner_alive(const kg_set *s, uint32_t g, uint32_t p)
{
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) {
        const kg_consumer *c = &s->consumers[(size_t)g * KG_MEMBERS_MAX + i];
        if (kg__consuming(s, c) && kg__bm_test(&c->owned, p)) return true;
    }
    return false;
}

void kg_observe(kg_set *s)
{
    const sim_time now = s->engine->now;
    const sim_time dt = now - s->last_observe_us;
    s->last_observe_us = now;
    kg__check_parked(s);
    for (uint32_t g = 0; g < s->group_count; g++) {
        const kg_group_spec *sp = &s->groups[g];
        uint32_t paused = 0;
        for (uint32_t p = 0; p < sp->partition_count; p++) {
            /* No two Stable members of one generation own the same partition. */
            for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) {
                const kg_consumer *a = &s->consumers[(size_t)g * KG_MEMBERS_MAX + i];
                if (a->state != KG_C_STABLE || !kg__bm_test(&a->owned, p)) continue;
                for (uint32_t j = i + 1; j < KG_MEMBERS_MAX; j++) {
                    const kg_consumer *b = &s->consumers[(size_t)g * KG_MEMBERS_MAX + j];
                    if (b->state == KG_C_STABLE && kg__bm_test(&b->owned, p) &&
                        b->owned_generation == a->owned_generation)
                        s->owner_violations++;
                }
            }
            if (s->assigned_once[g] && !owner_alive(s, g, p)) paused++;
        }
        s->paused_partition_us[g] += (uint64_t)paused * dt;
    }
}
