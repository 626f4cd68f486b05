/*
 * sim_engine.h — virtual time and the one event queue every model runs on.
 *
 * Role: owns the clock (`now`, integer microseconds) and a priority queue of events
 *   ordered by (time, insertion sequence). Model modules register handlers and
 *   schedule events (timers, message deliveries, timeline actions); the world calls
 *   `sim_engine_step` and runs its checkers after each event.
 * Model: endpoints (nodes and clients) can be down (crashed: their pending events are
 *   dropped when they come due) or paused (stop-the-world: their events are held in
 *   arrival order and run at the resume instant). An endpoint's incarnation counts
 *   its crashes and restarts; an event stamped with an older incarnation is dropped.
 * Owns / borrows: the event slots and heap (arena memory), the trace.
 * Invariants: heap order; a slot is in exactly one of {free, heap, deferred}; `now`
 *   never decreases; every scheduled time >= now.
 * Determinism, same-time ordering rules (c-raft documents its tie-breaks; so do we):
 *   1. Events run in (time, seq) order; seq is a global insertion counter, so two
 *      events at the same microsecond run in the order they were scheduled.
 *   2. Cancelling removes the event at once; it never runs and does not hold a slot.
 *   3. On resume, held events are rescheduled at the resume time in the order they
 *      came due (each gets a new seq at that moment), after anything already queued
 *      for that instant.
 *   4. Handlers are numbered by registration order, which is program order.
 * Not modelled: n/a (no wall clock anywhere).
 */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include "sim_arena.h"
#include "sim_trace.h"
#include "sim_types.h"

#define SIM_HANDLERS_MAX  32u
#define SIM_ENDPOINT_NONE (-1)

/* A handle to a scheduled event. `gen == 0` means "no timer". Copy freely. */
typedef struct sim_timer {
    uint32_t slot;
    uint32_t gen;
} sim_timer;

#define SIM_TIMER_NONE ((sim_timer){0, 0})

typedef void (*sim_event_cb)(void *ctx, int32_t endpoint, uint64_t arg);
/* Called instead of the handler when the event is dropped because its endpoint went
 * down (so its owner can release what `arg` refers to). Must not schedule. */
typedef void (*sim_event_drop_cb)(void *ctx, int32_t endpoint, uint64_t arg);

typedef enum sim_slot_state {
    SIM_SLOT_FREE = 0,
    SIM_SLOT_QUEUED,
    SIM_SLOT_DEFERRED,
    SIM_SLOT_DEFERRED_CANCELLED,
} sim_slot_state;

typedef struct sim_event_slot {
    sim_time at;          /* when it runs, us */
    uint64_t seq;         /* insertion order, tie-break */
    uint64_t arg;         /* handler argument */
    uint32_t gen;         /* bumped on every free; handles compare it */
    uint32_t heap_index;  /* position in heap while QUEUED */
    uint32_t next;        /* free list / deferred list link; UINT32_MAX ends */
    int32_t endpoint;     /* target endpoint or SIM_ENDPOINT_NONE */
    uint32_t incarnation; /* endpoint incarnation when scheduled */
    uint16_t handler;
    uint8_t state; /* sim_slot_state */
} sim_event_slot;

typedef struct sim_endpoint_state {
    uint32_t incarnation; /* +1 on every down and up */
    bool down;
    bool paused;
    uint32_t deferred_head; /* held events, FIFO; UINT32_MAX when empty */
    uint32_t deferred_tail;
} sim_endpoint_state;

typedef struct sim_engine {
    sim_time now;
    uint64_t next_seq;   /* insertion counter */
    uint64_t events_run; /* handlers invoked so far */
    sim_event_slot *slots;
    uint32_t *heap;
    uint32_t heap_count;
    uint32_t slot_capacity;
    uint32_t free_head;
    uint32_t slots_used;
    uint32_t slots_used_max; /* high-water mark, for sizing reports */
    sim_event_cb handlers[SIM_HANDLERS_MAX];
    sim_event_drop_cb drop_handlers[SIM_HANDLERS_MAX];
    void *handler_ctx[SIM_HANDLERS_MAX];
    uint32_t handler_count;
    sim_endpoint_state *endpoints;
    uint32_t endpoint_count;
    sim_trace trace;
} sim_engine;

/* Takes slot and endpoint tables from `arena`. */
void sim_engine_init(sim_engine *e, sim_arena *arena, uint32_t slot_capacity,
                     uint32_t endpoint_count);

/* Registers a handler; returns its id for sim_engine_schedule. Keeps ctx. */
uint16_t sim_engine_register(sim_engine *e, sim_event_cb cb, void *ctx);
/* The same, with a callback for events dropped because their endpoint went down. */
uint16_t sim_engine_register_ex(sim_engine *e, sim_event_cb cb, sim_event_drop_cb drop_cb,
                                void *ctx);

/* Schedules handler `handler` at absolute time `at` (>= now) for `endpoint`
 * (SIM_ENDPOINT_NONE: global, never held or dropped). Asserts a slot is free: the
 * world sizes the pool so that this holds. */
sim_timer sim_engine_schedule(sim_engine *e, sim_time at, uint16_t handler, int32_t endpoint,
                              uint64_t arg);
sim_timer sim_engine_after(sim_engine *e, sim_time delay, uint16_t handler, int32_t endpoint,
                           uint64_t arg);

/* Cancels the event if still pending and sets *t to SIM_TIMER_NONE. Safe on NONE. */
void sim_engine_cancel(sim_engine *e, sim_timer *t);

bool sim_engine_pending(const sim_engine *e, sim_timer t);
/* Due time of a pending timer; SIM_TIME_NEVER if not pending (or held by a pause). */
sim_time sim_engine_due(const sim_engine *e, sim_timer t);

/* Time of the next queued event, SIM_TIME_NEVER when empty. */
sim_time sim_engine_next_time(const sim_engine *e);

/* Runs the next event if its time is <= until. Returns false (and leaves now
 * unchanged) when nothing is due by then. Dropped or held events count as a step. */
bool sim_engine_step(sim_engine *e, sim_time until);

/* Moves the clock forward to `t` (>= now) without running anything; for `--until`. */
void sim_engine_advance_to(sim_engine *e, sim_time t);

/* Endpoint life. down: pending and held events are dropped. up: a new incarnation.
 * pause: events due from now on are held. resume: held events run at now. */
void sim_engine_endpoint_down(sim_engine *e, int32_t endpoint);
void sim_engine_endpoint_up(sim_engine *e, int32_t endpoint);
void sim_engine_endpoint_pause(sim_engine *e, int32_t endpoint);
void sim_engine_endpoint_resume(sim_engine *e, int32_t endpoint);
bool sim_engine_endpoint_down_p(const sim_engine *e, int32_t endpoint);
bool sim_engine_endpoint_paused(const sim_engine *e, int32_t endpoint);
uint32_t sim_engine_endpoint_incarnation(const sim_engine *e, int32_t endpoint);

#endif
