/*
 * net.c — message pool, latency and loss draws, link faults; see net.h.
 *
 * Role / Model / Not modelled: see net.h.
 * Owns / borrows: as in net.h.
 * Invariants: free_count + in-flight count == capacity (asserted on take and release).
 * Determinism: the latency draw, then the loss draw, for every send that reaches the
 *   wire, in send order, from SIM_STREAM_NET.
 */
#include "net.h"
#include "../core/sim_assert.h"

#include <string.h>

static const char *const kind_names[] = {
#define NET_KIND_NAME(id, name, family) name,
    NET_MSG_KINDS(NET_KIND_NAME)
#undef NET_KIND_NAME
};
static const char *const kind_families[] = {
#define NET_KIND_FAMILY(id, name, family) family,
    NET_MSG_KINDS(NET_KIND_FAMILY)
#undef NET_KIND_FAMILY
};
static_assert(sizeof kind_names / sizeof kind_names[0] == NET_MSG_KIND_COUNT, "kind table");

const char *net_msg_kind_name(net_msg_kind kind)
{
    SIM_ASSERT((unsigned)kind < NET_MSG_KIND_COUNT);
    return kind_names[kind];
}

const char *net_msg_kind_family(net_msg_kind kind)
{
    SIM_ASSERT((unsigned)kind < NET_MSG_KIND_COUNT);
    return kind_families[kind];
}

static net_link *link_at(net *n, int32_t from, int32_t to)
{
    SIM_ASSERT(from >= 0 && (uint32_t)from < n->endpoint_count);
    SIM_ASSERT(to >= 0 && (uint32_t)to < n->endpoint_count);
    return &n->links[(uint32_t)from * n->endpoint_count + (uint32_t)to];
}

const net_link *net_link_get(const net *n, int32_t from, int32_t to)
{
    return link_at((net *)n, from, to);
}

bool net_reachable(const net *n, int32_t from, int32_t to)
{
    return !net_link_get(n, from, to)->cut;
}

static int64_t trace_id(const net *n, int32_t endpoint)
{
    return n->trace_ids != NULL ? n->trace_ids[endpoint] : endpoint;
}

/* ---------------------------------------------------------------------------------
 * Pool
 * ------------------------------------------------------------------------------- */

static void note_drop(net *n, const net_msg *m, net_drop_reason reason)
{
    net_drop_note *d = &n->drops[n->drop_count % NET_DROP_RING_COUNT];
    d->msg_id = m->id;
    d->from = m->from;
    d->to = m->to;
    d->kind = m->kind;
    d->sent_at = m->sent_at;
    d->due_at = m->due_at;
    d->dropped_at = n->engine->now;
    d->reason = reason;
    n->drop_count++;
    n->dropped++;
    SIM_TRACE(&n->engine->trace, SIM_EV_NET_DROP, (int32_t)trace_id(n, m->to), (int64_t)m->id,
              trace_id(n, m->from), trace_id(n, m->to), (int64_t)m->kind, (int64_t)reason);
}

static void release(net *n, uint32_t index)
{
    net_msg *m = &n->msgs[index];
    SIM_ASSERT(m->in_flight);
    SIM_ASSERT(n->free_count < n->config.msg_capacity);
    m->in_flight = false;
    n->free_stack[n->free_count++] = index;
}

static void deliver_cb(void *ctx, int32_t endpoint, uint64_t arg)
{
    net *n = ctx;
    const uint32_t index = (uint32_t)arg;
    net_msg *m = &n->msgs[index];
    SIM_ASSERT(m->in_flight && m->to == endpoint);
    const sim_engine *e = n->engine;
    net_drop_reason reason = 0;
    if (m->doomed) {
        reason = NET_DROP_LOSS;
    } else if (link_at(n, m->from, m->to)->cut) {
        reason = NET_DROP_CUT;
    } else if ((sim_engine_endpoint_down_p(e, m->from) ||
                sim_engine_endpoint_incarnation(e, m->from) != m->from_incarnation) &&
               n->closed_incarnation[m->from] != m->from_incarnation + 1) {
        reason = NET_DROP_SRC_DOWN;
    }
    if (reason != 0) {
        note_drop(n, m, reason);
        release(n, index);
        return;
    }
    n->delivered++;
    SIM_TRACE(&n->engine->trace, SIM_EV_NET_DELIVER, (int32_t)trace_id(n, m->to), (int64_t)m->id,
              trace_id(n, m->from), (int64_t)m->kind);
    if (n->recv != NULL) n->recv(n->recv_ctx, m);
    release(n, index);
}

static void deliver_drop_cb(void *ctx, int32_t endpoint, uint64_t arg)
{
    net *n = ctx;
    const uint32_t index = (uint32_t)arg;
    SIM_ASSERT(n->msgs[index].to == endpoint);
    note_drop(n, &n->msgs[index], NET_DROP_DST_DOWN);
    release(n, index);
}

void net_init(net *n, sim_engine *engine, sim_arena *arena, uint64_t seed, uint32_t endpoint_count,
              const int32_t *trace_ids, net_config config)
{
    SIM_ASSERT(config.latency_min_us <= config.latency_max_us);
    SIM_ASSERT(config.loss_ppm <= 1000000u);
    SIM_ASSERT(config.msg_capacity > 0);
    memset(n, 0, sizeof *n);
    n->engine = engine;
    sim_rng_init(&n->rng, seed, SIM_STREAM(SIM_STREAM_NET, 0));
    n->config = config;
    n->endpoint_count = endpoint_count;
    n->trace_ids = trace_ids;
    n->links = SIM_ARENA_NEW(arena, net_link, (size_t)endpoint_count * endpoint_count);
    n->closed_incarnation = SIM_ARENA_NEW(arena, uint32_t, endpoint_count ? endpoint_count : 1);
    n->msgs = SIM_ARENA_NEW(arena, net_msg, config.msg_capacity);
    n->free_stack = SIM_ARENA_NEW(arena, uint32_t, config.msg_capacity);
    for (uint32_t i = 0; i < config.msg_capacity; i++)
        n->free_stack[i] = config.msg_capacity - 1 - i; /* pop order 0, 1, 2, ... */
    n->free_count = config.msg_capacity;
    n->deliver_handler = sim_engine_register_ex(engine, deliver_cb, deliver_drop_cb, n);
    n->next_id = 1;
}

void net_set_receiver(net *n, net_recv_cb cb, void *ctx)
{
    n->recv = cb;
    n->recv_ctx = ctx;
}

uint64_t net_send(net *n, int32_t from, int32_t to, net_msg_kind kind, const void *body,
                  uint32_t body_bytes)
{
    SIM_ASSERT(body_bytes <= NET_BODY_BYTES);
    SIM_ASSERT((unsigned)kind < NET_MSG_KIND_COUNT);
    sim_engine *e = n->engine;
    net_link *link = link_at(n, from, to);
    net_msg tmp = {.id = n->next_id++,
                   .sent_at = e->now,
                   .due_at = e->now,
                   .from = from,
                   .to = to,
                   .kind = kind};
    n->sent++;
    if (link->cut) {
        note_drop(n, &tmp, NET_DROP_CUT);
        return 0;
    }
    if (n->free_count == 0) {
        note_drop(n, &tmp, NET_DROP_OVERLOAD);
        return 0;
    }
    sim_time due = e->now;
    bool lost = false;
    if (from != to) { /* loopback (a combined node's broker to its own controller) is free */
        const uint32_t lo = link->degraded ? link->latency_min_us : n->config.latency_min_us;
        const uint32_t hi = link->degraded ? link->latency_max_us : n->config.latency_max_us;
        const uint32_t loss = link->degraded ? link->loss_ppm : n->config.loss_ppm;
        due += sim_rng_range(&n->rng, lo, hi);
        lost = sim_rng_chance_ppm(&n->rng, loss);
    }
    if (due < link->last_due) due = link->last_due; /* FIFO per connection */
    link->last_due = due;

    const uint32_t index = n->free_stack[--n->free_count];
    net_msg *m = &n->msgs[index];
    *m = tmp;
    m->due_at = due;
    m->from_incarnation = sim_engine_endpoint_incarnation(e, from);
    m->to_incarnation = sim_engine_endpoint_incarnation(e, to);
    m->body_bytes = body_bytes;
    m->in_flight = true;
    m->doomed = lost;
    if (body_bytes > 0) memcpy(m->body, body, body_bytes);
    SIM_TRACE(&e->trace, SIM_EV_NET_SEND, (int32_t)trace_id(n, from), (int64_t)m->id,
              trace_id(n, to), (int64_t)kind, (int64_t)due);
    sim_engine_schedule(e, due, n->deliver_handler, to, index);
    return m->id;
}

void net_close_gracefully(net *n, int32_t endpoint)
{
    SIM_ASSERT(endpoint >= 0 && (uint32_t)endpoint < n->endpoint_count);
    n->closed_incarnation[endpoint] = sim_engine_endpoint_incarnation(n->engine, endpoint) + 1;
}

/* ---------------------------------------------------------------------------------
 * Faults
 * ------------------------------------------------------------------------------- */

void net_cut(net *n, int32_t from, int32_t to)
{
    if (from == to) return; /* a process always reaches itself */
    link_at(n, from, to)->cut = true;
    SIM_TRACE(&n->engine->trace, SIM_EV_NET_CUT, -1, trace_id(n, from), trace_id(n, to));
}

void net_isolate(net *n, int32_t endpoint)
{
    for (uint32_t i = 0; i < n->endpoint_count; i++) {
        if ((int32_t)i == endpoint) continue;
        link_at(n, endpoint, (int32_t)i)->cut = true;
        link_at(n, (int32_t)i, endpoint)->cut = true;
    }
    SIM_TRACE0(&n->engine->trace, SIM_EV_NET_ISOLATE, (int32_t)trace_id(n, endpoint));
}

void net_partition(net *n, const int32_t *side_of, uint32_t side_count)
{
    for (uint32_t a = 0; a < n->endpoint_count; a++) {
        for (uint32_t b = 0; b < n->endpoint_count; b++) {
            if (a == b || side_of[a] < 0 || side_of[b] < 0) continue;
            if (side_of[a] != side_of[b]) link_at(n, (int32_t)a, (int32_t)b)->cut = true;
        }
    }
    SIM_TRACE(&n->engine->trace, SIM_EV_NET_PARTITION, -1, (int64_t)side_count);
}

void net_link_degrade(net *n, int32_t a, int32_t b, uint32_t latency_min_us,
                      uint32_t latency_max_us, uint32_t loss_ppm)
{
    SIM_ASSERT(latency_min_us <= latency_max_us);
    SIM_ASSERT(loss_ppm <= 1000000u);
    for (int dir = 0; dir < 2; dir++) {
        net_link *l = dir == 0 ? link_at(n, a, b) : link_at(n, b, a);
        l->degraded = true;
        l->latency_min_us = latency_min_us;
        l->latency_max_us = latency_max_us;
        l->loss_ppm = loss_ppm;
    }
    SIM_TRACE(&n->engine->trace, SIM_EV_NET_LINK, -1, trace_id(n, a), trace_id(n, b),
              (int64_t)latency_min_us, (int64_t)latency_max_us, (int64_t)loss_ppm);
}

static void heal(net_link *l)
{
    l->cut = false;
    l->degraded = false;
}

void net_heal_all(net *n)
{
    for (uint32_t i = 0; i < n->endpoint_count * n->endpoint_count; i++) heal(&n->links[i]);
    SIM_TRACE(&n->engine->trace, SIM_EV_NET_HEAL, -1, -1, -1);
}

void net_heal_endpoint(net *n, int32_t endpoint)
{
    for (uint32_t i = 0; i < n->endpoint_count; i++) {
        heal(link_at(n, endpoint, (int32_t)i));
        heal(link_at(n, (int32_t)i, endpoint));
    }
    SIM_TRACE(&n->engine->trace, SIM_EV_NET_HEAL, -1, trace_id(n, endpoint), -1);
}

void net_heal_link(net *n, int32_t a, int32_t b)
{
    heal(link_at(n, a, b));
    heal(link_at(n, b, a));
    SIM_TRACE(&n->engine->trace, SIM_EV_NET_HEAL, -1, trace_id(n, a), trace_id(n, b));
}

const net_msg *net_next_in_flight(const net *n, uint32_t *cursor)
{
    for (uint32_t i = *cursor; i < n->config.msg_capacity; i++) {
        if (n->msgs[i].in_flight) {
            *cursor = i + 1;
            return &n->msgs[i];
        }
    }
    *cursor = n->config.msg_capacity;
    return NULL;
}
