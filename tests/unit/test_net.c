/*
 * test_net.c — the network: latency bounds, FIFO per connection, loss, cuts, partitions,
 *   crashes, graceful close, pauses, loopback.
 *
 * Goal: every rule in net.h's Model section, as a receiver sees it.
 * Method: four endpoints on one engine; messages carry their send order; a receiver
 *   callback records arrivals; the test steps the engine and inspects the record.
 */
#include "../../sim/core/sim_assert.h"
#include "../../sim/net/net.h"

#include <criterion/criterion.h>
#include <string.h>

typedef struct arrival {
    int32_t from, to;
    uint32_t n;
    sim_time at, sent;
} arrival;

static sim_arena *arena;
static sim_engine eng;
static net nw;
static arrival got[20000];
static uint32_t got_count;

static void recv_cb(void *ctx, const net_msg *m)
{
    (void)ctx;
    uint32_t n;
    memcpy(&n, m->body, sizeof n);
    got[got_count++] = (arrival){m->from, m->to, n, eng.now, m->sent_at};
}

static void setup_with(uint32_t lo, uint32_t hi, uint32_t loss)
{
    arena = sim_arena_new(64 << 20);
    sim_engine_init(&eng, arena, 40000, 4);
    net_init(
        &nw, &eng, arena, 5, 4, NULL,
        (net_config){
            .latency_min_us = lo, .latency_max_us = hi, .loss_ppm = loss, .msg_capacity = 30000});
    net_set_receiver(&nw, recv_cb, NULL);
    got_count = 0;
}

static void setup(void)
{
    setup_with(1000, 3000, 0);
}

static void teardown(void)
{
    sim_arena_free(arena);
}

static void send_n(int32_t from, int32_t to, uint32_t n)
{
    net_send(&nw, from, to, NET_MSG_FETCH_REQ, &n, sizeof n);
}

static void run_all(void)
{
    while (sim_engine_step(&eng, SIM_TIME_NEVER)) {
    }
}

TestSuite(net, .init = setup, .fini = teardown);

Test(net, latency_in_bounds_and_fifo_per_connection)
{
    for (uint32_t i = 0; i < 500; i++) {
        send_n(0, 1, i);
        send_n(2, 1, i);
        eng.now += 10; /* sends 10 us apart: jitter would reorder them without FIFO */
    }
    eng.now = 0;
    run_all();
    cr_assert_eq(got_count, 1000);
    uint32_t next[4] = {0};
    for (uint32_t i = 0; i < got_count; i++) {
        const sim_time delay = got[i].at - got[i].sent;
        cr_assert(delay >= 1000, "delay %lu below min", (unsigned long)delay);
        cr_assert_eq(got[i].n, next[got[i].from]++, "FIFO per connection");
    }
}

Test(net, loss_is_close_to_the_configured_rate)
{
    teardown();
    setup_with(100, 100, 100000); /* 10% */
    for (uint32_t i = 0; i < 10000; i++) send_n(0, 1, i);
    run_all();
    cr_assert(got_count > 8800 && got_count < 9200, "delivered %u of 10000", got_count);
    cr_assert_eq(nw.dropped, 10000 - got_count);
}

Test(net, one_way_cut_drops_one_direction_only)
{
    net_cut(&nw, 0, 1);
    send_n(0, 1, 1);
    send_n(1, 0, 2);
    run_all();
    cr_assert_eq(got_count, 1);
    cr_assert_eq(got[0].from, 1);
    cr_assert_not(net_reachable(&nw, 0, 1));
    cr_assert(net_reachable(&nw, 1, 0));
}

Test(net, cut_while_in_flight_drops_on_arrival)
{
    send_n(0, 1, 1);
    net_cut(&nw, 0, 1);
    run_all();
    cr_assert_eq(got_count, 0);
    cr_assert_eq(nw.drops[0].reason, NET_DROP_CUT);
}

Test(net, partition_cuts_between_sides_and_spares_unlisted)
{
    const int32_t side_of[4] = {0, 0, 1, -1};
    net_partition(&nw, side_of, 2);
    cr_assert(net_reachable(&nw, 0, 1));
    cr_assert_not(net_reachable(&nw, 0, 2));
    cr_assert_not(net_reachable(&nw, 2, 1));
    cr_assert(net_reachable(&nw, 3, 0), "unlisted endpoints keep their links");
    cr_assert(net_reachable(&nw, 2, 3));
    net_heal_all(&nw);
    cr_assert(net_reachable(&nw, 0, 2));
}

Test(net, isolate_and_heal_one_endpoint)
{
    net_isolate(&nw, 2);
    net_cut(&nw, 0, 1);
    for (int32_t i = 0; i < 4; i++) {
        if (i == 2) continue;
        cr_assert_not(net_reachable(&nw, i, 2));
        cr_assert_not(net_reachable(&nw, 2, i));
    }
    net_heal_endpoint(&nw, 2);
    cr_assert(net_reachable(&nw, 0, 2));
    cr_assert_not(net_reachable(&nw, 0, 1), "healing one endpoint leaves other cuts");
}

Test(net, crash_drops_messages_to_and_from_the_crashed_endpoint)
{
    send_n(0, 1, 1); /* to the one that crashes */
    send_n(1, 2, 2); /* from it */
    send_n(3, 2, 3); /* unrelated */
    sim_engine_endpoint_down(&eng, 1);
    run_all();
    cr_assert_eq(got_count, 1);
    cr_assert_eq(got[0].n, 3);
    cr_assert_eq(nw.free_count, nw.config.msg_capacity, "dropped messages are released");
}

Test(net, graceful_close_flushes_what_was_sent)
{
    send_n(1, 2, 7);
    net_close_gracefully(&nw, 1);
    sim_engine_endpoint_down(&eng, 1);
    run_all();
    cr_assert_eq(got_count, 1);
    cr_assert_eq(got[0].n, 7);
}

Test(net, paused_receiver_gets_messages_at_resume)
{
    sim_engine_endpoint_pause(&eng, 1);
    send_n(0, 1, 1);
    send_n(0, 1, 2);
    while (sim_engine_step(&eng, 50000)) {
    }
    cr_assert_eq(got_count, 0);
    sim_engine_advance_to(&eng, 50000);
    sim_engine_endpoint_resume(&eng, 1);
    run_all();
    cr_assert_eq(got_count, 2);
    cr_assert_eq(got[0].n, 1);
    cr_assert_eq(got[1].at, 50000);
}

Test(net, degraded_link_uses_its_own_latency_and_loss)
{
    net_link_degrade(&nw, 0, 1, 50000, 50000, 0);
    send_n(0, 1, 1);
    send_n(1, 0, 2);
    send_n(0, 2, 3);
    run_all();
    for (uint32_t i = 0; i < got_count; i++) {
        const sim_time d = got[i].at - got[i].sent;
        if (got[i].n <= 2)
            cr_assert_eq(d, 50000);
        else
            cr_assert(d <= 3000);
    }
    net_heal_link(&nw, 1, 0);
    cr_assert_not(net_link_get(&nw, 0, 1)->degraded);
}

Test(net, loopback_is_immediate_and_never_cut)
{
    net_isolate(&nw, 1);
    send_n(1, 1, 9);
    run_all();
    cr_assert_eq(got_count, 1);
    cr_assert_eq(got[0].at, 0);
}

Test(net, same_seed_same_delivery_times)
{
    sim_time first[100];
    for (uint32_t i = 0; i < 100; i++) send_n(0, (int32_t)(1 + i % 3), i);
    run_all();
    for (uint32_t i = 0; i < 100; i++) first[i] = got[i].at;
    teardown();
    setup();
    for (uint32_t i = 0; i < 100; i++) send_n(0, (int32_t)(1 + i % 3), i);
    run_all();
    for (uint32_t i = 0; i < 100; i++) cr_assert_eq(got[i].at, first[i]);
}
