/*
 * test_engine.c — the event queue: ordering, cancellation, crashed and paused endpoints.
 *
 * Goal: the engine's documented rules (sim_engine.h) hold: (time, seq) order with FIFO
 *   ties, cancellation removes at once, a down endpoint's events are dropped (and their
 *   owner told), a paused endpoint's events are held and run at the resume instant in
 *   order.
 * Method: schedule small events that append to a log, step, compare the log; a random
 *   stress test against a sorted reference.
 */
#include "../../sim/core/sim_assert.h"
#include "../../sim/core/sim_engine.h"
#include "../../sim/core/sim_rng.h"

#include <criterion/criterion.h>
#include <stdlib.h>

typedef struct log {
    uint64_t args[4096];
    sim_time at[4096];
    uint32_t count;
    uint32_t drops;
    sim_engine *e;
} log;

static void record_cb(void *ctx, int32_t endpoint, uint64_t arg)
{
    (void)endpoint;
    log *l = ctx;
    l->args[l->count] = arg;
    l->at[l->count] = l->e->now;
    l->count++;
}

static void drop_cb(void *ctx, int32_t endpoint, uint64_t arg)
{
    (void)endpoint;
    (void)arg;
    log *l = ctx;
    l->drops++;
}

static sim_arena *arena;
static sim_engine eng;
static log lg;
static uint16_t h;

static void setup(void)
{
    arena = sim_arena_new(1 << 20);
    sim_engine_init(&eng, arena, 8192, 4);
    memset(&lg, 0, sizeof lg);
    lg.e = &eng;
    h = sim_engine_register_ex(&eng, record_cb, drop_cb, &lg);
}

static void teardown(void)
{
    sim_arena_free(arena);
}

static void run_all(void)
{
    while (sim_engine_step(&eng, SIM_TIME_NEVER)) {
    }
}

TestSuite(engine, .init = setup, .fini = teardown);

Test(engine, runs_in_time_then_insertion_order)
{
    sim_engine_schedule(&eng, 30, h, SIM_ENDPOINT_NONE, 1);
    sim_engine_schedule(&eng, 10, h, SIM_ENDPOINT_NONE, 2);
    sim_engine_schedule(&eng, 30, h, SIM_ENDPOINT_NONE, 3); /* same time: after 1 */
    sim_engine_schedule(&eng, 20, h, SIM_ENDPOINT_NONE, 4);
    run_all();
    cr_assert_eq(lg.count, 4);
    const uint64_t want[] = {2, 4, 1, 3};
    for (int i = 0; i < 4; i++) cr_assert_eq(lg.args[i], want[i], "position %d", i);
    cr_assert_eq(eng.now, 30);
}

Test(engine, step_respects_until_and_leaves_clock)
{
    sim_engine_schedule(&eng, 100, h, SIM_ENDPOINT_NONE, 1);
    cr_assert_not(sim_engine_step(&eng, 99));
    cr_assert_eq(eng.now, 0);
    cr_assert(sim_engine_step(&eng, 100));
    cr_assert_eq(eng.now, 100);
}

Test(engine, cancel_removes_at_once)
{
    sim_timer a = sim_engine_schedule(&eng, 10, h, SIM_ENDPOINT_NONE, 1);
    sim_timer b = sim_engine_schedule(&eng, 20, h, SIM_ENDPOINT_NONE, 2);
    cr_assert(sim_engine_pending(&eng, a));
    cr_assert_eq(sim_engine_due(&eng, b), 20);
    sim_engine_cancel(&eng, &a);
    cr_assert_eq(a.gen, 0);
    cr_assert_eq(eng.slots_used, 1, "a cancelled event holds no slot");
    sim_engine_cancel(&eng, &a); /* safe twice */
    run_all();
    cr_assert_eq(lg.count, 1);
    cr_assert_eq(lg.args[0], 2);
    cr_assert_not(sim_engine_pending(&eng, b), "a run event is no longer pending");
}

Test(engine, stale_handle_cannot_cancel_a_reused_slot)
{
    sim_timer a = sim_engine_schedule(&eng, 10, h, SIM_ENDPOINT_NONE, 1);
    sim_timer stale = a;
    sim_engine_cancel(&eng, &a);
    sim_timer b = sim_engine_schedule(&eng, 10, h, SIM_ENDPOINT_NONE, 2);
    cr_assert_eq(b.slot, stale.slot, "the slot is reused");
    sim_engine_cancel(&eng, &stale);
    run_all();
    cr_assert_eq(lg.count, 1, "the new event still runs");
}

Test(engine, down_endpoint_drops_its_events_and_tells_the_owner)
{
    sim_engine_schedule(&eng, 10, h, 1, 1);
    sim_engine_schedule(&eng, 10, h, 2, 2);
    sim_engine_endpoint_down(&eng, 1);
    run_all();
    cr_assert_eq(lg.count, 1);
    cr_assert_eq(lg.args[0], 2);
    cr_assert_eq(lg.drops, 1);
}

Test(engine, restart_does_not_revive_old_incarnation_events)
{
    sim_engine_schedule(&eng, 50, h, 1, 1);
    sim_engine_endpoint_down(&eng, 1);
    sim_engine_endpoint_up(&eng, 1);
    sim_engine_schedule(&eng, 60, h, 1, 2);
    run_all();
    cr_assert_eq(lg.count, 1);
    cr_assert_eq(lg.args[0], 2, "only the new incarnation's event runs");
}

Test(engine, pause_holds_events_and_resume_runs_them_in_order)
{
    sim_engine_schedule(&eng, 10, h, 1, 1);
    sim_engine_schedule(&eng, 20, h, 1, 2);
    sim_timer c = sim_engine_schedule(&eng, 25, h, 1, 3);
    sim_engine_schedule(&eng, 30, h, 2, 4);
    sim_engine_endpoint_pause(&eng, 1);
    while (sim_engine_step(&eng, 40)) {
    }
    cr_assert_eq(lg.count, 1, "only the unpaused endpoint ran");
    cr_assert_eq(lg.args[0], 4);
    sim_engine_cancel(&eng, &c); /* cancelled while held: never runs */
    sim_engine_advance_to(&eng, 100);
    sim_engine_endpoint_resume(&eng, 1);
    run_all();
    cr_assert_eq(lg.count, 3);
    cr_assert_eq(lg.args[1], 1);
    cr_assert_eq(lg.args[2], 2);
    cr_assert_eq(lg.at[1], 100, "held events run at the resume instant");
    cr_assert_eq(lg.at[2], 100);
    cr_assert_eq(eng.slots_used, 0);
}

Test(engine, down_while_paused_drops_held_events)
{
    sim_engine_schedule(&eng, 10, h, 1, 1);
    sim_engine_endpoint_pause(&eng, 1);
    run_all();
    sim_engine_endpoint_down(&eng, 1);
    cr_assert_eq(lg.drops, 1);
    cr_assert_eq(eng.slots_used, 0);
}

Test(engine, random_schedule_and_cancel_match_a_sorted_reference)
{
    sim_rng rng;
    sim_rng_init(&rng, 99, 1);
    static sim_timer timers[3000];
    static sim_time when[3000];
    static bool cancelled[3000];
    for (uint32_t i = 0; i < 3000; i++) {
        when[i] = sim_rng_below(&rng, 500);
        timers[i] = sim_engine_schedule(&eng, when[i], h, SIM_ENDPOINT_NONE, i);
    }
    for (uint32_t i = 0; i < 3000; i += 1 + (uint32_t)sim_rng_below(&rng, 5)) {
        sim_engine_cancel(&eng, &timers[i]);
        cancelled[i] = true;
    }
    run_all();
    /* Reference: uncancelled ids sorted by (time, id) — ids were inserted in order. */
    uint32_t k = 0;
    for (sim_time t = 0; t < 500; t++)
        for (uint32_t i = 0; i < 3000; i++)
            if (!cancelled[i] && when[i] == t) {
                cr_assert_eq(lg.args[k], i, "event %u", k);
                k++;
            }
    cr_assert_eq(lg.count, k);
}
