/*
 * producer.c — Kafka producers: workload, partitioner, accumulator, sender, history.
 *
 * Role, model, invariants and what is not modelled: see producer.h. This file is read
 *   top to bottom in the order a record travels: it is generated (workload), placed on
 *   a partition (partitioner.h), appended to a batch (accumulator), drained to its
 *   leader (sender), answered (responses), retried or failed; metadata runs beside.
 * Determinism: SIM_STREAM(SIM_STREAM_PRODUCER, index) per producer; partitions, batches
 *   and brokers in index order.
 */
#include "producer.h"

#include "../core/sim_assert.h"

#include <stdio.h>
#include <string.h>

#define NONE_INDEX UINT32_MAX
/* A request id carries the batch index in its low bits, so an answer finds its batch. */
#define BATCH_BITS 11u
static_assert((1u << BATCH_BITS) == PROD_BATCHES_MAX, "batch index fits the request id");

static const struct {
    int32_t code;
    const char *name;
} error_table[] = {
#define PROD_ERR_ROW(id, code, name) {code, name},
    PROD_ERRORS(PROD_ERR_ROW)
#undef PROD_ERR_ROW
};
static_assert(sizeof error_table / sizeof error_table[0] == PROD_ERR_COUNT, "error table");

const char *prod_error_name(prod_error e)
{
    SIM_ASSERT(e < PROD_ERR_COUNT);
    return error_table[e].name;
}

prod_error prod_error_of_code(int32_t code)
{
    for (uint32_t i = 0; i < PROD_ERR_COUNT; i++)
        if (error_table[i].code == code) return (prod_error)i;
    return PROD_ERR_COUNT;
}

void prod_config_default(prod_config *cfg)
{
    *cfg = (prod_config){
        .acks = -1,
        .retries = 2147483647u,
        .delivery_timeout_us = SIM_MS(120000u),
        .request_timeout_us = SIM_MS(30000u),
        .linger_us = SIM_MS(5u),
        .retry_backoff_us = SIM_MS(100u),
        .retry_backoff_max_us = SIM_MS(1000u),
        .metadata_max_age_us = SIM_MS(300000u),
        .reconnect_backoff_us = SIM_MS(50u),
        .reconnect_backoff_max_us = SIM_MS(1000u),
        .batch_size = 16384u,
        .max_in_flight = 5u,
        .idempotence = true,
        .ignore_keys = false,
        .partitioner = PROD_PARTITIONER_BUILT_IN,
    };
}

/* The workload's rate at time t: a burst's while it lasts, else the base rate. */
static uint32_t rate_at(const prod_workload *wl, sim_time t)
{
    for (uint32_t i = 0; i < wl->burst_count; i++) {
        const prod_burst *b = &wl->bursts[i];
        if (t >= b->at_us && t - b->at_us < b->for_us) return b->rate;
    }
    return wl->rate;
}

uint64_t prod_workload_records(const prod_workload *wl)
{
    if (wl->stop_us <= wl->start_us) return 0;
    /* Upper bound: the base rate over the whole span plus every burst's extra rate. */
    const uint64_t span = wl->stop_us - wl->start_us;
    uint64_t n = span / 1000u * wl->rate / 1000u + 2u;
    for (uint32_t i = 0; i < wl->burst_count; i++)
        n += wl->bursts[i].for_us / 1000u * wl->bursts[i].rate / 1000u + 2u;
    return n;
}

/* =================================================================================
 * Setup
 * ================================================================================= */

static void gen_cb(void *ctx, int32_t endpoint, uint64_t arg);
static void wake_cb(void *ctx, int32_t endpoint, uint64_t arg);

static uint32_t history_capacity(const prod_spec *s)
{
    const uint64_t n = prod_workload_records(&s->wl);
    return n > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t)n;
}

size_t prod_arena_bytes(const prod_spec *specs, uint32_t count)
{
    size_t bytes = (size_t)count * sizeof(prod_client) + 64u;
    for (uint32_t i = 0; i < count; i++) {
        const size_t parts = specs[i].wl.partition_count;
        bytes += (size_t)PROD_BATCHES_MAX * sizeof(prod_batch) + 64u;
        bytes += parts * (4u * sizeof(int32_t) + 4u * sizeof(uint32_t) + sizeof(bool)) + 512u;
        bytes += (size_t)SIM_NODES_MAX * (2u * sizeof(uint32_t) + sizeof(sim_time)) + 192u;
        bytes += (size_t)history_capacity(&specs[i]) * sizeof(prod_rec) + 64u;
    }
    return bytes;
}

void prod_init(prod_set *ps, sim_engine *e, sim_arena *arena, uint64_t seed, const prod_spec *specs,
               uint32_t count, uint32_t broker_count, const int32_t *broker_ids,
               const int32_t *broker_endpoints, const prod_ops *ops, void *ops_ctx)
{
    SIM_ASSERT(count >= 1 && count <= PROD_CLIENTS_MAX);
    SIM_ASSERT(broker_count >= 1 && broker_count <= SIM_NODES_MAX);
    memset(ps, 0, sizeof *ps);
    ps->engine = e;
    ps->ops = *ops;
    ps->ops_ctx = ops_ctx;
    ps->count = count;
    ps->broker_count = broker_count;
    memcpy(ps->broker_ids, broker_ids, broker_count * sizeof *broker_ids);
    memcpy(ps->broker_endpoints, broker_endpoints, broker_count * sizeof *broker_endpoints);
    ps->clients = SIM_ARENA_NEW(arena, prod_client, count);
    ps->gen_handler = sim_engine_register(e, gen_cb, ps);
    ps->wake_handler = sim_engine_register(e, wake_cb, ps);
    for (uint32_t i = 0; i < count; i++) {
        prod_client *c = &ps->clients[i];
        const prod_spec *s = &specs[i];
        const uint32_t parts = s->wl.partition_count;
        SIM_ASSERT(parts >= 1);
        SIM_ASSERT(s->cfg.batch_size >= 1 && s->cfg.max_in_flight >= 1);
        SIM_ASSERT(s->cfg.max_in_flight <= PROD_IN_FLIGHT_MAX);
        SIM_ASSERT(s->wl.rate >= 1 && s->wl.value_bytes >= 1);
        memset(c, 0, sizeof *c);
        c->index = i;
        c->endpoint = s->endpoint;
        c->name = s->name;
        c->cfg = s->cfg;
        c->wl = s->wl;
        sim_rng_init(&c->rng, seed, SIM_STREAM(SIM_STREAM_PRODUCER, i));
        c->producer_id = c->cfg.idempotence ? (int64_t)(1u + i) : -1;
        c->leader = SIM_ARENA_NEW(arena, int32_t, parts);
        c->leader_epoch = SIM_ARENA_NEW(arena, int32_t, parts);
        c->staged_leader = SIM_ARENA_NEW(arena, int32_t, parts);
        c->staged_epoch = SIM_ARENA_NEW(arena, int32_t, parts);
        c->available = SIM_ARENA_NEW(arena, bool, parts);
        c->q_head = SIM_ARENA_NEW(arena, uint32_t, parts);
        c->q_tail = SIM_ARENA_NEW(arena, uint32_t, parts);
        c->q_len = SIM_ARENA_NEW(arena, uint32_t, parts);
        c->next_pseq = SIM_ARENA_NEW(arena, uint32_t, parts);
        c->seq_base = SIM_ARENA_NEW(arena, uint32_t, parts);
        for (uint32_t p = 0; p < parts; p++) {
            c->leader[p] = PROD_NO_LEADER;
            c->leader_epoch[p] = -1;
            c->q_head[p] = c->q_tail[p] = NONE_INDEX;
        }
        c->in_flight = SIM_ARENA_NEW(arena, uint32_t, broker_count);
        c->reconnect_at = SIM_ARENA_NEW(arena, sim_time, broker_count);
        c->refusals = SIM_ARENA_NEW(arena, uint32_t, broker_count);
        c->batches = SIM_ARENA_NEW(arena, prod_batch, PROD_BATCHES_MAX);
        c->rec_capacity = history_capacity(s);
        c->recs = SIM_ARENA_NEW(arena, prod_rec, c->rec_capacity + 1u);
        kpart_sticky_init(&c->sticky, &c->rng, c->cfg.batch_size);
        kpart_round_robin_init(&c->round_robin, &c->rng);
        c->metadata_broker = (uint32_t)sim_rng_below(&c->rng, broker_count);
        c->gen_timer = SIM_TIMER_NONE;
        c->wake_timer = SIM_TIMER_NONE;
    }
}

uint32_t prod_by_endpoint(const prod_set *ps, int32_t endpoint)
{
    for (uint32_t i = 0; i < ps->count; i++)
        if (ps->clients[i].endpoint == endpoint) return i;
    return NONE_INDEX;
}

static void emit(prod_set *ps, const prod_client *c, prod_event ev, const int64_t *fields)
{
    if (ps->ops.event != NULL) ps->ops.event(ps->ops_ctx, c->index, ev, fields);
}

static uint32_t broker_slot(const prod_set *ps, int32_t broker_id)
{
    for (uint32_t b = 0; b < ps->broker_count; b++)
        if (ps->broker_ids[b] == broker_id) return b;
    return NONE_INDEX;
}

static void run(prod_set *ps, prod_client *c);

/* =================================================================================
 * Workload: records at the scenario's rate
 * ================================================================================= */

static void schedule_next_record(prod_set *ps, prod_client *c)
{
    const sim_time now = ps->engine->now;
    const uint32_t rate = rate_at(&c->wl, now);
    /* Evenly spaced: the remainder carries over, so the average rate is exact. */
    c->gen_acc += 1000000u;
    sim_time gap = c->gen_acc / rate;
    c->gen_acc -= gap * rate;
    if (gap == 0) gap = 1;
    if (now + gap >= c->wl.stop_us) return;
    c->gen_timer =
        sim_engine_schedule(ps->engine, now + gap, ps->gen_handler, c->endpoint, c->index);
}

void prod_start_all(prod_set *ps)
{
    for (uint32_t i = 0; i < ps->count; i++) {
        prod_client *c = &ps->clients[i];
        c->metadata_wanted = true; /* a producer asks for metadata when it starts */
        if (c->wl.start_us < c->wl.stop_us) {
            c->running = true;
            c->gen_timer = sim_engine_schedule(ps->engine, c->wl.start_us, ps->gen_handler,
                                               c->endpoint, c->index);
        }
        run(ps, c);
    }
}

bool prod_start(prod_set *ps, uint32_t producer)
{
    SIM_ASSERT(producer < ps->count);
    prod_client *c = &ps->clients[producer];
    const sim_time now = ps->engine->now;
    if (c->running) return false;
    c->running = true;
    if (c->wl.stop_us <= now) c->wl.stop_us = SIM_TIME_NEVER;
    c->gen_timer = sim_engine_schedule(ps->engine, now, ps->gen_handler, c->endpoint, c->index);
    return true;
}

bool prod_stop(prod_set *ps, uint32_t producer)
{
    SIM_ASSERT(producer < ps->count);
    prod_client *c = &ps->clients[producer];
    if (!c->running) return false;
    c->running = false;
    sim_engine_cancel(ps->engine, &c->gen_timer);
    return true;
}

/* =================================================================================
 * Accumulator
 * ================================================================================= */

static kpart_topic_view topic_view(const prod_client *c)
{
    return (kpart_topic_view){.partition_count = c->wl.partition_count, .available = c->available};
}

static uint32_t key_bytes_of(uint32_t key, char *buf, size_t size)
{
    const int n = snprintf(buf, size, "key-%u", key);
    SIM_ASSERT(n > 0 && (size_t)n < size);
    return (uint32_t)n;
}

/* May one more record of `bytes` join batch `b`? Until it is drained, a batch takes
 * records while they fit batch.size (RecordAccumulator.tryAppend). */
static bool appendable(const prod_client *c, const prod_batch *b, uint32_t bytes)
{
    if (b->ever_sent || b->in_flight) return false;
    if (b->count >= PROD_BATCH_RECORDS_MAX) return false;
    return b->count == 0 || b->bytes + bytes <= c->cfg.batch_size;
}

static uint32_t batch_alloc(prod_client *c, uint32_t p)
{
    if (c->batch_used == PROD_BATCHES_MAX) return NONE_INDEX;
    for (uint32_t i = 0; i < PROD_BATCHES_MAX; i++) {
        prod_batch *b = &c->batches[i];
        if (b->used) continue;
        memset(b, 0, sizeof *b);
        b->used = true;
        b->partition = p;
        b->next = NONE_INDEX;
        b->broker_id = PROD_NO_LEADER;
        c->batch_used++;
        if (i + 1 > c->batch_top) c->batch_top = i + 1;
        if (c->q_tail[p] == NONE_INDEX) {
            c->q_head[p] = i;
        } else {
            c->batches[c->q_tail[p]].next = i;
        }
        c->q_tail[p] = i;
        c->q_len[p]++;
        return i;
    }
    SIM_UNREACHABLE();
}

/* Takes batch `bi` out of its partition's queue and frees its slot. */
static void batch_release(prod_client *c, uint32_t bi)
{
    prod_batch *b = &c->batches[bi];
    const uint32_t p = b->partition;
    SIM_ASSERT(b->used && !b->in_flight);
    uint32_t prev = NONE_INDEX;
    for (uint32_t i = c->q_head[p]; i != bi; i = c->batches[i].next) {
        SIM_ASSERT(i != NONE_INDEX);
        prev = i;
    }
    if (prev == NONE_INDEX) {
        c->q_head[p] = b->next;
    } else {
        c->batches[prev].next = b->next;
    }
    if (c->q_tail[p] == bi) c->q_tail[p] = prev;
    SIM_ASSERT(c->q_len[p] > 0 && c->batch_used > 0);
    c->q_len[p]--;
    c->batch_used--;
    b->used = false;
    while (c->batch_top > 0 && !c->batches[c->batch_top - 1].used) c->batch_top--;
}

/* One record of the workload: place it, append it, and let the sender look. */
static void produce_one(prod_set *ps, prod_client *c)
{
    const sim_time now = ps->engine->now;
    const bool keyed = c->wl.keys > 0 && !c->cfg.ignore_keys;
    char key[24];
    uint32_t key_len = 0, p;
    if (c->wl.keys > 0)
        key_len = key_bytes_of((uint32_t)sim_rng_below(&c->rng, c->wl.keys), key, sizeof key);
    if (keyed) {
        p = kpart_for_key((const uint8_t *)key, key_len, c->wl.partition_count);
    } else if (c->cfg.partitioner == PROD_PARTITIONER_LEGACY_ROUND_ROBIN) {
        p = kpart_round_robin_partition(&c->round_robin, topic_view(c));
    } else {
        p = kpart_sticky_partition(&c->sticky, topic_view(c));
    }
    const uint32_t bytes = c->wl.value_bytes + key_len;
    uint32_t bi = c->q_tail[p];
    if (bi == NONE_INDEX || !appendable(c, &c->batches[bi], bytes)) bi = batch_alloc(c, p);
    if (bi == NONE_INDEX || c->rec_count == c->rec_capacity) {
        c->blocked++; /* buffer.memory is full: the application blocks, the record waits */
        return;
    }
    prod_batch *b = &c->batches[bi];
    if (b->count == 0) {
        b->created_us = now;
        b->first_pseq = c->next_pseq[p];
    }
    SIM_ASSERT(b->first_pseq + b->count == c->next_pseq[p]); /* consecutive sequences */
    const uint32_t r = c->rec_count++;
    c->recs[r] = (prod_rec){.created_us = now,
                            .offset = -1,
                            .partition = c->wl.first_partition + p,
                            .pseq = c->next_pseq[p]++,
                            .state = PROD_REC_PENDING};
    b->recs[b->count++] = r;
    b->bytes += bytes;
    c->sent++;
    if (!keyed && c->cfg.partitioner == PROD_PARTITIONER_BUILT_IN) {
        /* KIP-794: switch once batch.size bytes went to this partition and its last
         * batch is full (allBatchesFull). */
        const bool full = !appendable(c, b, bytes);
        kpart_sticky_update(&c->sticky, bytes, full, topic_view(c));
    }
}

static void gen_cb(void *ctx, int32_t endpoint, uint64_t arg)
{
    prod_set *ps = ctx;
    SIM_ASSERT(arg < ps->count);
    prod_client *c = &ps->clients[arg];
    SIM_ASSERT(c->endpoint == endpoint);
    c->gen_timer = SIM_TIMER_NONE;
    if (!c->running) return;
    if (ps->engine->now >= c->wl.stop_us) {
        c->running = false;
        return;
    }
    produce_one(ps, c);
    schedule_next_record(ps, c);
    run(ps, c);
}

/* =================================================================================
 * Outcomes
 * ================================================================================= */

static void count_error(prod_client *c, prod_error e)
{
    if (e != PROD_ERR_NONE && e < PROD_ERR_COUNT) c->errors[e]++;
}

static void complete(prod_set *ps, prod_client *c, uint32_t bi, int64_t base_offset)
{
    prod_batch *b = &c->batches[bi];
    const sim_time now = ps->engine->now;
    for (uint32_t k = 0; k < b->count; k++) {
        prod_rec *r = &c->recs[b->recs[k]];
        SIM_ASSERT(r->state == PROD_REC_PENDING);
        r->done_us = now;
        if (c->cfg.acks == 0) {
            r->state = PROD_REC_UNCONFIRMED;
            c->unconfirmed++;
        } else {
            r->state = PROD_REC_ACKED;
            r->offset = base_offset + k;
            c->acked++;
            c->bytes_acked += c->wl.value_bytes;
        }
    }
    batch_release(c, bi);
}

static void fail(prod_set *ps, prod_client *c, uint32_t bi, prod_error e)
{
    prod_batch *b = &c->batches[bi];
    const sim_time now = ps->engine->now;
    for (uint32_t k = 0; k < b->count; k++) {
        prod_rec *r = &c->recs[b->recs[k]];
        SIM_ASSERT(r->state == PROD_REC_PENDING);
        r->state = PROD_REC_FAILED;
        r->error = (uint8_t)e;
        r->done_us = now;
    }
    c->failed += b->count;
    emit(ps, c, PROD_EV_FAIL,
         (const int64_t[]){c->wl.first_partition + b->partition, error_table[e].code, b->count});
    /* KIP-360: after a failed batch the idempotent producer bumps its epoch and restarts
     * sequences, so later batches are not refused as out of order. The bump waits until
     * nothing is in flight. */
    if (c->cfg.idempotence && b->ever_sent) c->bump_pending = true;
    batch_release(c, bi);
}

static bool retriable(prod_error e)
{
    switch (e) {
    case PROD_ERR_REQUEST_TIMED_OUT:
    case PROD_ERR_NOT_LEADER_OR_FOLLOWER:
    case PROD_ERR_NETWORK_EXCEPTION:
    case PROD_ERR_NOT_ENOUGH_REPLICAS:
    case PROD_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case PROD_ERR_KAFKA_STORAGE_ERROR:
    case PROD_ERR_FENCED_LEADER_EPOCH:
    case PROD_ERR_UNKNOWN_LEADER_EPOCH:
        return true;
    case PROD_ERR_NONE:
    case PROD_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER:
    case PROD_ERR_COUNT:
        return false;
    default:
        SIM_UNREACHABLE();
    }
}

static bool stale_metadata(prod_error e)
{
    return e == PROD_ERR_NOT_LEADER_OR_FOLLOWER || e == PROD_ERR_NETWORK_EXCEPTION ||
           e == PROD_ERR_FENCED_LEADER_EPOCH || e == PROD_ERR_UNKNOWN_LEADER_EPOCH ||
           e == PROD_ERR_KAFKA_STORAGE_ERROR;
}

/* Kafka's ExponentialBackoff (KIP-580, KIP-601): `base` doubling per earlier failure up
 * to `max`, then +-20% jitter. */
static sim_time exp_backoff(prod_client *c, sim_time base, sim_time max, uint32_t failures)
{
    sim_time d = base;
    for (uint32_t i = 1; i < failures && d < max; i++) d *= 2;
    if (d > max) d = max;
    const sim_time jitter = d / 5;
    if (jitter > 0) d = d - jitter + sim_rng_below(&c->rng, 2 * jitter + 1);
    return d;
}

/* KIP-580: retry.backoff.ms doubling per attempt up to retry.backoff.max.ms. */
static sim_time backoff(prod_client *c, uint32_t attempts)
{
    return exp_backoff(c, c->cfg.retry_backoff_us, c->cfg.retry_backoff_max_us, attempts);
}

/* An attempt of batch `bi` ended with `e` (not NONE): retry it or fail it. */
static void attempt_failed(prod_set *ps, prod_client *c, uint32_t bi, prod_error e)
{
    prod_batch *b = &c->batches[bi];
    const sim_time now = ps->engine->now;
    SIM_ASSERT(!b->in_flight);
    count_error(c, e);
    if (stale_metadata(e)) c->metadata_wanted = true;
    bool retry = retriable(e);
    /* An out-of-order answer while an earlier batch of the partition is unfinished is
     * that batch's fault: retry behind it (Sender.canRetry). */
    if (e == PROD_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER && c->q_head[b->partition] != bi) retry = true;
    if (retry && b->attempts > c->cfg.retries) retry = false;
    if (retry && now - b->created_us >= c->cfg.delivery_timeout_us) {
        retry = false;
        e = PROD_ERR_REQUEST_TIMED_OUT; /* KIP-91: the delivery timeout ends it */
    }
    if (!retry) {
        fail(ps, c, bi, e);
        return;
    }
    const sim_time wait = backoff(c, b->attempts);
    b->retry_at_us = now + wait;
    emit(ps, c, PROD_EV_RETRY,
         (const int64_t[]){c->wl.first_partition + b->partition, error_table[e].code, b->attempts,
                           (int64_t)wait});
}

/* =================================================================================
 * Sender
 * ================================================================================= */

static bool batch_full(const prod_client *c, const prod_batch *b)
{
    return b->count >= PROD_BATCH_RECORDS_MAX || b->bytes + c->wl.value_bytes > c->cfg.batch_size;
}

/* Is batch `bi` (the first of its queue not in flight) ready to go now? */
static bool ready(const prod_set *ps, const prod_client *c, uint32_t bi)
{
    const prod_batch *b = &c->batches[bi];
    const sim_time now = ps->engine->now;
    if (b->retry_at_us > now) return false;
    if (b->ever_sent) return true;
    /* A batch with another behind it is closed; stopping flushes (linger no longer). */
    if (b->next != NONE_INDEX || batch_full(c, b) || !c->running) return true;
    return now - b->created_us >= c->cfg.linger_us;
}

/* Sends batch `bi` to the broker in `slot`. Returns false when the connection was
 * refused: then nothing was sent, the batch keeps its attempts, and the node waits out
 * its reconnect backoff (NetworkClient.initiateConnect failing). */
static bool send_batch(prod_set *ps, prod_client *c, uint32_t bi, uint32_t slot)
{
    prod_batch *b = &c->batches[bi];
    const uint32_t p = b->partition;
    const sim_time now = ps->engine->now;
    const uint32_t n = c->next_request & ((1u << (32u - BATCH_BITS)) - 1u);
    const uint32_t request = (n << BATCH_BITS) | bi;
    const repl_produce_req req = {
        .partition_index = c->wl.first_partition + p,
        .acks = c->cfg.acks,
        .record_count = b->count,
        .record_bytes = c->wl.value_bytes,
        .first_value_id = ((uint32_t)c->index << 24) | b->first_pseq,
        .producer_id = c->producer_id,
        .first_sequence = c->cfg.idempotence ? (int32_t)(b->first_pseq - c->seq_base[p]) : -1,
        .timeout_us = c->cfg.request_timeout_us,
        .request_id = PROD_REQUEST_ID(c->index, request),
    };
    if (!ps->ops.send(ps->ops_ctx, c->endpoint, ps->broker_endpoints[slot], PROD_MSG_PRODUCE, &req,
                      sizeof req)) {
        c->refusals[slot]++;
        c->reconnect_at[slot] =
            now + exp_backoff(c, c->cfg.reconnect_backoff_us, c->cfg.reconnect_backoff_max_us,
                              c->refusals[slot]);
        if (!c->metadata_in_flight) c->metadata_wanted = true;
        return false;
    }
    c->refusals[slot] = 0;
    c->next_request++;
    b->attempts++;
    b->ever_sent = true;
    const int32_t broker = c->leader[p];
    emit(ps, c, PROD_EV_SEND,
         (const int64_t[]){req.partition_index, broker, b->count, req.first_sequence, b->attempts});
    if (c->cfg.acks == 0) {
        complete(ps, c, bi, -1); /* acks=0: done once it is written to the socket */
        return true;
    }
    b->in_flight = true;
    b->broker_id = broker;
    b->request_id = request;
    b->deadline_us = now + c->cfg.request_timeout_us;
    c->in_flight[slot]++;
    return true;
}

/* The connection to `slot` broke (timeout or reset): every request on it fails with
 * NETWORK_EXCEPTION (NetworkClient disconnect handling). */
static void connection_broken(prod_set *ps, prod_client *c, uint32_t slot)
{
    const int32_t id = ps->broker_ids[slot];
    for (uint32_t i = 0; i < c->batch_top; i++) {
        prod_batch *b = &c->batches[i];
        if (!b->used || !b->in_flight || b->broker_id != id) continue;
        b->in_flight = false;
        SIM_ASSERT(c->in_flight[slot] > 0);
        c->in_flight[slot]--;
        emit(ps, c, PROD_EV_RESPONSE,
             (const int64_t[]){c->wl.first_partition + b->partition, id,
                               error_table[PROD_ERR_NETWORK_EXCEPTION].code, -1, b->count});
        attempt_failed(ps, c, i, PROD_ERR_NETWORK_EXCEPTION);
    }
    SIM_ASSERT(c->in_flight[slot] == 0);
}

static void expire_and_time_out(prod_set *ps, prod_client *c)
{
    const sim_time now = ps->engine->now;
    for (uint32_t slot = 0; slot < ps->broker_count; slot++) {
        if (c->in_flight[slot] == 0) continue;
        bool late = false;
        for (uint32_t i = 0; i < c->batch_top && !late; i++) {
            const prod_batch *b = &c->batches[i];
            late = b->used && b->in_flight && b->broker_id == ps->broker_ids[slot] &&
                   b->deadline_us <= now;
        }
        if (late) connection_broken(ps, c, slot);
    }
    /* KIP-91: a batch past delivery.timeout.ms expires, waiting in the accumulator or in
     * flight (Sender.getExpiredInflightBatches; a late answer is then ignored). */
    for (uint32_t i = 0; i < c->batch_top; i++) {
        prod_batch *b = &c->batches[i];
        if (!b->used || b->count == 0) continue;
        if (now - b->created_us < c->cfg.delivery_timeout_us) continue;
        if (b->in_flight) {
            const uint32_t slot = broker_slot(ps, b->broker_id);
            SIM_ASSERT(slot != NONE_INDEX && c->in_flight[slot] > 0);
            c->in_flight[slot]--;
            b->in_flight = false;
        }
        count_error(c, PROD_ERR_REQUEST_TIMED_OUT);
        fail(ps, c, i, PROD_ERR_REQUEST_TIMED_OUT);
    }
}

static uint32_t total_in_flight(const prod_set *ps, const prod_client *c)
{
    uint32_t n = 0;
    for (uint32_t s = 0; s < ps->broker_count; s++) n += c->in_flight[s];
    return n;
}

/* KIP-360: a new producer id (standing for a bumped epoch) and sequences from 0 again,
 * counted from each partition's first unfinished record. */
static void bump_epoch(prod_client *c)
{
    c->bump_pending = false;
    c->producer_id += PROD_CLIENTS_MAX;
    for (uint32_t p = 0; p < c->wl.partition_count; p++) {
        const uint32_t h = c->q_head[p];
        c->seq_base[p] = h == NONE_INDEX ? c->next_pseq[p] : c->batches[h].first_pseq;
    }
}

static void drain(prod_set *ps, prod_client *c)
{
    if (c->bump_pending) {
        if (total_in_flight(ps, c) > 0) return;
        bump_epoch(c);
    }
    const uint32_t parts = c->wl.partition_count;
    for (uint32_t k = 0; k < parts; k++) {
        const uint32_t p = (c->drain_cursor + k) % parts;
        if (c->leader[p] == PROD_NO_LEADER) {
            /* Data for a partition without a known leader: ask (Sender.sendProducerData). */
            if (c->q_head[p] != NONE_INDEX && !c->metadata_in_flight) c->metadata_wanted = true;
            continue;
        }
        const uint32_t slot = broker_slot(ps, c->leader[p]);
        if (slot == NONE_INDEX || c->reconnect_at[slot] > ps->engine->now) continue;
        bool earlier_in_flight = false;
        for (uint32_t bi = c->q_head[p]; bi != NONE_INDEX;) {
            const uint32_t next = c->batches[bi].next;
            if (c->batches[bi].in_flight) {
                earlier_in_flight = true;
                bi = next;
                continue;
            }
            if (c->in_flight[slot] >= c->cfg.max_in_flight || !ready(ps, c, bi)) break;
            /* An idempotent retry goes only when it is the first in flight again, so the
             * broker sees its sequences in order (RecordAccumulator.shouldStopDrainBatches). */
            if (c->cfg.idempotence && c->batches[bi].ever_sent && earlier_in_flight) break;
            if (!send_batch(ps, c, bi, slot)) break;
            earlier_in_flight = c->cfg.acks != 0;
            bi = next;
        }
    }
    c->drain_cursor = (c->drain_cursor + 1) % parts;
}

/* =================================================================================
 * Metadata
 * ================================================================================= */

static void maybe_request_metadata(prod_set *ps, prod_client *c)
{
    const sim_time now = ps->engine->now;
    if (now - c->metadata_refreshed_us >= c->cfg.metadata_max_age_us) c->metadata_wanted = true;
    if (!c->metadata_wanted || c->metadata_in_flight || now < c->metadata_next_us) return;
    /* The next broker that accepts a connection (NetworkClient.leastLoadedNode, here in
     * rotation); if none does, try again after the backoff. */
    for (uint32_t k = 0; k < ps->broker_count; k++) {
        const uint32_t slot = c->metadata_broker++ % ps->broker_count;
        const prod_metadata_req req = {.producer = c->index, .request_id = c->metadata_request + 1};
        if (!ps->ops.send(ps->ops_ctx, c->endpoint, ps->broker_endpoints[slot], PROD_MSG_METADATA,
                          &req, sizeof req))
            continue;
        c->metadata_request++;
        c->metadata_in_flight = true;
        c->metadata_wanted = false;
        c->metadata_deadline_us = now + c->cfg.request_timeout_us;
        return;
    }
    c->metadata_next_us = now + c->cfg.retry_backoff_us;
}

void prod_stage_metadata(prod_set *ps, uint32_t producer, uint32_t request_id, int32_t broker_id,
                         const int32_t *leader, const int32_t *epoch)
{
    SIM_ASSERT(producer < ps->count);
    prod_client *c = &ps->clients[producer];
    (void)broker_id;
    memcpy(c->staged_leader, leader, c->wl.partition_count * sizeof *leader);
    memcpy(c->staged_epoch, epoch, c->wl.partition_count * sizeof *epoch);
    c->staged_request = request_id;
}

static void metadata_arrived(prod_set *ps, prod_client *c, const prod_metadata_resp *m)
{
    if (!c->metadata_in_flight || m->request_id != c->metadata_request) return; /* stale */
    if (c->staged_request != m->request_id) return; /* answered by a newer image */
    const sim_time now = ps->engine->now;
    c->metadata_in_flight = false;
    c->metadata_refreshed_us = now;
    uint32_t known = 0;
    bool missing = false;
    for (uint32_t p = 0; p < c->wl.partition_count; p++) {
        /* Metadata.updateLatestMetadata: an older leader epoch than we know is ignored. */
        if (c->staged_epoch[p] >= c->leader_epoch[p] || c->staged_leader[p] == PROD_NO_LEADER) {
            c->leader[p] = c->staged_leader[p];
            c->leader_epoch[p] = c->staged_epoch[p];
        }
        c->available[p] = c->leader[p] != PROD_NO_LEADER;
        known += c->available[p];
        if (!c->available[p] && c->q_head[p] != NONE_INDEX) missing = true;
    }
    emit(ps, c, PROD_EV_METADATA, (const int64_t[]){m->broker_id, known});
    if (missing) {
        /* A partition with data and no leader: ask again after the backoff. */
        c->metadata_wanted = true;
        c->metadata_next_us = now + c->cfg.retry_backoff_us;
    }
}

/* =================================================================================
 * The poll loop: what the producer's I/O thread does whenever anything happened
 * ================================================================================= */

/* The next instant something is due: a deadline that has passed was just handled, and
 * a ready batch that cannot go (no leader, too many in flight) waits for an answer or
 * for metadata, which run the loop themselves. */
static void schedule_wake(prod_set *ps, prod_client *c)
{
    const sim_time now = ps->engine->now;
    sim_time t = SIM_TIME_NEVER;
#define CONSIDER(x)                                                                                \
    do {                                                                                           \
        const sim_time x_ = (x);                                                                   \
        if (x_ > now && x_ < t) t = x_;                                                            \
    } while (0)
    if (c->metadata_in_flight) CONSIDER(c->metadata_deadline_us);
    if (c->metadata_wanted && !c->metadata_in_flight) CONSIDER(c->metadata_next_us);
    CONSIDER(c->metadata_refreshed_us + c->cfg.metadata_max_age_us);
    for (uint32_t i = 0; i < c->batch_top; i++) {
        const prod_batch *b = &c->batches[i];
        if (!b->used || b->count == 0) continue;
        CONSIDER(b->created_us + c->cfg.delivery_timeout_us);
        if (b->in_flight) {
            CONSIDER(b->deadline_us);
            continue;
        }
        CONSIDER(b->retry_at_us);
        if (!b->ever_sent) CONSIDER(b->created_us + c->cfg.linger_us);
    }
    for (uint32_t slot = 0; slot < ps->broker_count; slot++) CONSIDER(c->reconnect_at[slot]);
#undef CONSIDER
    if (sim_engine_pending(ps->engine, c->wake_timer)) {
        if (sim_engine_due(ps->engine, c->wake_timer) == t) return;
        sim_engine_cancel(ps->engine, &c->wake_timer);
    }
    if (t != SIM_TIME_NEVER)
        c->wake_timer = sim_engine_schedule(ps->engine, t, ps->wake_handler, c->endpoint, c->index);
}

static void run(prod_set *ps, prod_client *c)
{
    const sim_time now = ps->engine->now;
    if (c->metadata_in_flight && now >= c->metadata_deadline_us) {
        c->metadata_in_flight = false; /* no answer: ask the next broker */
        c->metadata_wanted = true;
    }
    expire_and_time_out(ps, c);
    drain(ps, c);
    maybe_request_metadata(ps, c);
    schedule_wake(ps, c);
}

static void wake_cb(void *ctx, int32_t endpoint, uint64_t arg)
{
    prod_set *ps = ctx;
    SIM_ASSERT(arg < ps->count);
    prod_client *c = &ps->clients[arg];
    SIM_ASSERT(c->endpoint == endpoint);
    c->wake_timer = SIM_TIMER_NONE;
    run(ps, c);
}

/* =================================================================================
 * Answers
 * ================================================================================= */

static void produce_answered(prod_set *ps, prod_client *c, int32_t from_broker,
                             const repl_produce_result *res)
{
    const uint32_t request = (uint32_t)res->request_id;
    const uint32_t bi = request & (PROD_BATCHES_MAX - 1u);
    prod_batch *b = &c->batches[bi];
    if (!b->used || !b->in_flight || b->request_id != request) return; /* given up on */
    const uint32_t slot = broker_slot(ps, b->broker_id);
    SIM_ASSERT(slot != NONE_INDEX && c->in_flight[slot] > 0);
    SIM_ASSERT(b->broker_id == from_broker);
    c->in_flight[slot]--;
    b->in_flight = false;
    prod_error e = prod_error_of_code(res->error);
    SIM_ASSERT(e < PROD_ERR_COUNT); /* the broker answers only errors listed */
    emit(ps, c, PROD_EV_RESPONSE,
         (const int64_t[]){res->partition_index, from_broker, res->error, res->base_offset,
                           b->count});
    if (e == PROD_ERR_NONE) {
        SIM_ASSERT(res->base_offset >= 0);
        complete(ps, c, bi, res->base_offset);
    } else {
        attempt_failed(ps, c, bi, e);
    }
}

void prod_deliver(prod_set *ps, prod_msg_kind kind, int32_t from, int32_t to, const void *body,
                  uint32_t bytes)
{
    const uint32_t i = prod_by_endpoint(ps, to);
    SIM_ASSERT(i != NONE_INDEX);
    prod_client *c = &ps->clients[i];
    uint32_t slot = NONE_INDEX;
    for (uint32_t s = 0; s < ps->broker_count; s++)
        if (ps->broker_endpoints[s] == from) slot = s;
    SIM_ASSERT(slot != NONE_INDEX);
    switch (kind) {
    case PROD_MSG_PRODUCE_RESPONSE: {
        SIM_ASSERT(bytes == sizeof(repl_produce_result));
        repl_produce_result res;
        memcpy(&res, body, sizeof res);
        SIM_ASSERT(PROD_REQUEST_PRODUCER(res.request_id) == i);
        produce_answered(ps, c, ps->broker_ids[slot], &res);
        break;
    }
    case PROD_MSG_METADATA_RESPONSE: {
        SIM_ASSERT(bytes == sizeof(prod_metadata_resp));
        prod_metadata_resp m;
        memcpy(&m, body, sizeof m);
        metadata_arrived(ps, c, &m);
        break;
    }
    case PROD_MSG_PRODUCE:
    case PROD_MSG_METADATA:
    case PROD_MSG_KIND_COUNT:
        SIM_UNREACHABLE();
    default:
        SIM_UNREACHABLE();
    }
    run(ps, c);
}

void prod_connection_reset(prod_set *ps, int32_t broker_endpoint)
{
    uint32_t slot = NONE_INDEX;
    for (uint32_t s = 0; s < ps->broker_count; s++)
        if (ps->broker_endpoints[s] == broker_endpoint) slot = s;
    if (slot == NONE_INDEX) return;
    for (uint32_t i = 0; i < ps->count; i++) {
        prod_client *c = &ps->clients[i];
        if (c->in_flight[slot] == 0) continue;
        connection_broken(ps, c, slot);
        run(ps, c);
    }
}
