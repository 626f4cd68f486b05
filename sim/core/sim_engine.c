/*
 * sim_engine.c — binary heap of event slots, endpoint down/pause handling.
 *
 * Role / Model / ordering rules: see sim_engine.h.
 * Owns / borrows: slot array and heap from the run arena; nothing is allocated here
 *   after sim_engine_init.
 * Invariants: heap order is checked on the slow path (SIM_ASSERT_SLOW); slot states are
 *   asserted on every transition.
 * Determinism: comparison is (at, seq), a total order since seq is unique.
 * Not modelled: n/a.
 */
#include "sim_engine.h"
#include "sim_assert.h"

#include <string.h>

#define NIL UINT32_MAX

void sim_engine_init(sim_engine *e, sim_arena *arena, uint32_t slot_capacity,
                     uint32_t endpoint_count)
{
    SIM_ASSERT(slot_capacity > 1);
    SIM_ASSERT(endpoint_count <= SIM_ENDPOINTS_MAX);
    memset(e, 0, sizeof *e);
    e->slots = SIM_ARENA_NEW(arena, sim_event_slot, slot_capacity);
    e->heap = SIM_ARENA_NEW(arena, uint32_t, slot_capacity);
    e->slot_capacity = slot_capacity;
    /* Slot 0 is never used, so a zeroed sim_timer is "none". */
    e->free_head = NIL;
    for (uint32_t i = slot_capacity - 1; i >= 1; i--) {
        e->slots[i].next = e->free_head;
        e->slots[i].gen = 1;
        e->free_head = i;
    }
    e->endpoints = SIM_ARENA_NEW(arena, sim_endpoint_state, endpoint_count ? endpoint_count : 1);
    e->endpoint_count = endpoint_count;
    for (uint32_t i = 0; i < endpoint_count; i++) {
        e->endpoints[i].deferred_head = NIL;
        e->endpoints[i].deferred_tail = NIL;
    }
    sim_trace_init(&e->trace, &e->now);
}

uint16_t sim_engine_register_ex(sim_engine *e, sim_event_cb cb, sim_event_drop_cb drop_cb,
                                void *ctx)
{
    SIM_ASSERT(e->handler_count < SIM_HANDLERS_MAX);
    SIM_ASSERT(cb != NULL);
    e->handlers[e->handler_count] = cb;
    e->drop_handlers[e->handler_count] = drop_cb;
    e->handler_ctx[e->handler_count] = ctx;
    return (uint16_t)e->handler_count++;
}

uint16_t sim_engine_register(sim_engine *e, sim_event_cb cb, void *ctx)
{
    return sim_engine_register_ex(e, cb, NULL, ctx);
}

/* Frees a slot whose event will never run, telling its owner first. */
static void slot_drop(sim_engine *e, uint32_t slot);

/* ---------------------------------------------------------------------------------
 * Heap
 * ------------------------------------------------------------------------------- */

static inline bool slot_before(const sim_engine *e, uint32_t a, uint32_t b)
{
    const sim_event_slot *sa = &e->slots[a], *sb = &e->slots[b];
    if (sa->at != sb->at) return sa->at < sb->at;
    return sa->seq < sb->seq;
}

static void heap_set(sim_engine *e, uint32_t pos, uint32_t slot)
{
    e->heap[pos] = slot;
    e->slots[slot].heap_index = pos;
}

static void sift_up(sim_engine *e, uint32_t pos)
{
    const uint32_t slot = e->heap[pos];
    while (pos > 0) {
        const uint32_t parent = (pos - 1) / 2;
        if (!slot_before(e, slot, e->heap[parent])) break;
        heap_set(e, pos, e->heap[parent]);
        pos = parent;
    }
    heap_set(e, pos, slot);
}

static void sift_down(sim_engine *e, uint32_t pos)
{
    const uint32_t slot = e->heap[pos];
    for (;;) {
        uint32_t child = 2 * pos + 1;
        if (child >= e->heap_count) break;
        if (child + 1 < e->heap_count && slot_before(e, e->heap[child + 1], e->heap[child]))
            child++;
        if (!slot_before(e, e->heap[child], slot)) break;
        heap_set(e, pos, e->heap[child]);
        pos = child;
    }
    heap_set(e, pos, slot);
}

static void heap_push(sim_engine *e, uint32_t slot)
{
    SIM_ASSERT(e->heap_count < e->slot_capacity);
    e->slots[slot].state = SIM_SLOT_QUEUED;
    heap_set(e, e->heap_count++, slot);
    sift_up(e, e->heap_count - 1);
}

static void heap_remove(sim_engine *e, uint32_t slot)
{
    SIM_ASSERT(e->slots[slot].state == SIM_SLOT_QUEUED);
    const uint32_t pos = e->slots[slot].heap_index;
    SIM_ASSERT(pos < e->heap_count && e->heap[pos] == slot);
    e->heap_count--;
    if (pos != e->heap_count) {
        const uint32_t moved = e->heap[e->heap_count];
        heap_set(e, pos, moved);
        sift_down(e, pos);
        sift_up(e, e->slots[moved].heap_index);
    }
}

/* ---------------------------------------------------------------------------------
 * Slots
 * ------------------------------------------------------------------------------- */

static uint32_t slot_take(sim_engine *e)
{
    SIM_ASSERT(e->free_head != NIL); /* the world sized the pool; running out is our bug */
    const uint32_t slot = e->free_head;
    e->free_head = e->slots[slot].next;
    e->slots[slot].next = NIL;
    e->slots_used++;
    if (e->slots_used > e->slots_used_max) e->slots_used_max = e->slots_used;
    return slot;
}

static void slot_free(sim_engine *e, uint32_t slot)
{
    sim_event_slot *s = &e->slots[slot];
    SIM_ASSERT(s->state != SIM_SLOT_FREE);
    s->state = SIM_SLOT_FREE;
    s->gen++;
    if (s->gen == 0) s->gen = 1;
    s->next = e->free_head;
    e->free_head = slot;
    e->slots_used--;
}

sim_timer sim_engine_schedule(sim_engine *e, sim_time at, uint16_t handler, int32_t endpoint,
                              uint64_t arg)
{
    SIM_ASSERT(at >= e->now);
    SIM_ASSERT(handler < e->handler_count);
    SIM_ASSERT(endpoint == SIM_ENDPOINT_NONE || (uint32_t)endpoint < e->endpoint_count);
    const uint32_t slot = slot_take(e);
    sim_event_slot *s = &e->slots[slot];
    s->at = at;
    s->seq = e->next_seq++;
    s->arg = arg;
    s->endpoint = endpoint;
    s->incarnation = endpoint >= 0 ? e->endpoints[endpoint].incarnation : 0;
    s->handler = handler;
    heap_push(e, slot);
    return (sim_timer){slot, s->gen};
}

sim_timer sim_engine_after(sim_engine *e, sim_time delay, uint16_t handler, int32_t endpoint,
                           uint64_t arg)
{
    SIM_ASSERT(delay <= SIM_TIME_NEVER - e->now);
    return sim_engine_schedule(e, e->now + delay, handler, endpoint, arg);
}

static bool handle_live(const sim_engine *e, sim_timer t)
{
    if (t.gen == 0 || t.slot == 0 || t.slot >= e->slot_capacity) return false;
    const sim_event_slot *s = &e->slots[t.slot];
    return s->gen == t.gen && (s->state == SIM_SLOT_QUEUED || s->state == SIM_SLOT_DEFERRED);
}

void sim_engine_cancel(sim_engine *e, sim_timer *t)
{
    if (handle_live(e, *t)) {
        sim_event_slot *s = &e->slots[t->slot];
        if (s->state == SIM_SLOT_QUEUED) {
            heap_remove(e, t->slot);
            slot_free(e, t->slot);
        } else {
            /* Held by a pause: it stays linked until resume or down, but never runs. */
            s->state = SIM_SLOT_DEFERRED_CANCELLED;
            s->gen++;
            if (s->gen == 0) s->gen = 1;
        }
    }
    *t = SIM_TIMER_NONE;
}

bool sim_engine_pending(const sim_engine *e, sim_timer t)
{
    return handle_live(e, t);
}

sim_time sim_engine_due(const sim_engine *e, sim_timer t)
{
    if (!handle_live(e, t)) return SIM_TIME_NEVER;
    const sim_event_slot *s = &e->slots[t.slot];
    return s->state == SIM_SLOT_QUEUED ? s->at : SIM_TIME_NEVER;
}

sim_time sim_engine_next_time(const sim_engine *e)
{
    return e->heap_count > 0 ? e->slots[e->heap[0]].at : SIM_TIME_NEVER;
}

/* ---------------------------------------------------------------------------------
 * Running
 * ------------------------------------------------------------------------------- */

static void defer(sim_engine *e, uint32_t slot)
{
    sim_event_slot *s = &e->slots[slot];
    sim_endpoint_state *ep = &e->endpoints[s->endpoint];
    s->state = SIM_SLOT_DEFERRED;
    s->next = NIL;
    if (ep->deferred_tail == NIL) {
        ep->deferred_head = slot;
    } else {
        e->slots[ep->deferred_tail].next = slot;
    }
    ep->deferred_tail = slot;
}

bool sim_engine_step(sim_engine *e, sim_time until)
{
    if (e->heap_count == 0) return false;
    const uint32_t slot = e->heap[0];
    sim_event_slot *s = &e->slots[slot];
    if (s->at > until) return false;
    SIM_ASSERT(s->at >= e->now);
    heap_remove(e, slot);
    e->now = s->at;

    if (s->endpoint >= 0) {
        const sim_endpoint_state *ep = &e->endpoints[s->endpoint];
        if (ep->down || ep->incarnation != s->incarnation) {
            slot_drop(e, slot); /* the process it was meant for is gone */
            return true;
        }
        if (ep->paused) {
            defer(e, slot);
            return true;
        }
    }
    const uint16_t handler = s->handler;
    const int32_t endpoint = s->endpoint;
    const uint64_t arg = s->arg;
    slot_free(e, slot); /* freed first, so the handler may reschedule into it */
    e->events_run++;
    e->handlers[handler](e->handler_ctx[handler], endpoint, arg);
    return true;
}

void sim_engine_advance_to(sim_engine *e, sim_time t)
{
    SIM_ASSERT(t >= e->now);
    SIM_ASSERT(e->heap_count == 0 || sim_engine_next_time(e) >= t);
    e->now = t;
}

static void slot_drop(sim_engine *e, uint32_t slot)
{
    const sim_event_slot *s = &e->slots[slot];
    const sim_event_drop_cb drop = e->drop_handlers[s->handler];
    const bool cancelled = s->state == SIM_SLOT_DEFERRED_CANCELLED;
    const int32_t endpoint = s->endpoint;
    const uint64_t arg = s->arg;
    const uint16_t handler = s->handler;
    slot_free(e, slot);
    if (drop != NULL && !cancelled) drop(e->handler_ctx[handler], endpoint, arg);
}

static void drop_deferred(sim_engine *e, sim_endpoint_state *ep)
{
    uint32_t slot = ep->deferred_head;
    while (slot != NIL) {
        const uint32_t next = e->slots[slot].next;
        slot_drop(e, slot);
        slot = next;
    }
    ep->deferred_head = ep->deferred_tail = NIL;
}

static sim_endpoint_state *endpoint_at(sim_engine *e, int32_t endpoint)
{
    SIM_ASSERT(endpoint >= 0 && (uint32_t)endpoint < e->endpoint_count);
    return &e->endpoints[endpoint];
}

void sim_engine_endpoint_down(sim_engine *e, int32_t endpoint)
{
    sim_endpoint_state *ep = endpoint_at(e, endpoint);
    SIM_ASSERT(!ep->down);
    ep->down = true;
    ep->paused = false;
    ep->incarnation++;
    drop_deferred(e, ep);
    /* Queued events of the old incarnation are dropped lazily when they come due. */
}

void sim_engine_endpoint_up(sim_engine *e, int32_t endpoint)
{
    sim_endpoint_state *ep = endpoint_at(e, endpoint);
    SIM_ASSERT(ep->down);
    ep->down = false;
    ep->incarnation++;
}

void sim_engine_endpoint_pause(sim_engine *e, int32_t endpoint)
{
    sim_endpoint_state *ep = endpoint_at(e, endpoint);
    SIM_ASSERT(!ep->down && !ep->paused);
    ep->paused = true;
}

void sim_engine_endpoint_resume(sim_engine *e, int32_t endpoint)
{
    sim_endpoint_state *ep = endpoint_at(e, endpoint);
    SIM_ASSERT(ep->paused);
    ep->paused = false;
    uint32_t slot = ep->deferred_head;
    ep->deferred_head = ep->deferred_tail = NIL;
    while (slot != NIL) {
        sim_event_slot *s = &e->slots[slot];
        const uint32_t next = s->next;
        if (s->state == SIM_SLOT_DEFERRED_CANCELLED) {
            slot_free(e, slot);
        } else {
            SIM_ASSERT(s->state == SIM_SLOT_DEFERRED);
            s->at = e->now; /* rule 3: held events run at the resume instant */
            s->seq = e->next_seq++;
            s->next = NIL;
            heap_push(e, slot);
        }
        slot = next;
    }
}

bool sim_engine_endpoint_down_p(const sim_engine *e, int32_t endpoint)
{
    SIM_ASSERT(endpoint >= 0 && (uint32_t)endpoint < e->endpoint_count);
    return e->endpoints[endpoint].down;
}

bool sim_engine_endpoint_paused(const sim_engine *e, int32_t endpoint)
{
    SIM_ASSERT(endpoint >= 0 && (uint32_t)endpoint < e->endpoint_count);
    return e->endpoints[endpoint].paused;
}

uint32_t sim_engine_endpoint_incarnation(const sim_engine *e, int32_t endpoint)
{
    SIM_ASSERT(endpoint >= 0 && (uint32_t)endpoint < e->endpoint_count);
    return e->endpoints[endpoint].incarnation;
}
