/*
 * replication.c — partition replicas: logs, HW, ISR changes, produce, fetch sessions.
 *
 * Role: see replication.h; this file implements it top to bottom: the log (records,
 *   leader-epoch cache, segments, producer state), the leader (HW, ISR, produce
 *   purgatory), the fetch protocol (both ends), AlterPartition, and process faults.
 * Model: replication.h, with the Kafka class and rule named at each line that
 *   implements one.
 * Owns / borrows: the tables of `repl` (arena); message bodies are copied.
 * Invariants: log_start <= hw <= leo, flushed <= leo (asserted in check_replica after
 *   each change); a stored record's offset is its position.
 * Determinism: no randomness; iteration by index only.
 * Not modelled: see replication.h.
 */
#include "replication.h"

#include "../core/sim_assert.h"

#include <string.h>

/* =================================================================================
 * Small helpers
 * ================================================================================= */

enum timer_kind {
    T_ISR = 1,      /* a: broker — isr-expiration task */
    T_FLUSH,        /* a: broker — OS writeback */
    T_CHECKPOINT,   /* a: broker — HW checkpoint */
    T_RETENTION,    /* a: broker — log retention check */
    T_LONG_POLL,    /* a: leader, b: follower — a parked Fetch reached its max wait */
    T_FETCH,        /* a: follower, b: leader — request timeout or backoff end */
    T_PRODUCE_WAIT, /* a: broker, b: waiting slot — acks=all timeout */
};

static uint64_t targ(enum timer_kind k, uint32_t a, uint32_t b)
{
    return (uint64_t)k | ((uint64_t)a << 8) | ((uint64_t)b << 32);
}

static repl_replica *rep(repl *r, uint32_t b, uint32_t p)
{
    SIM_ASSERT(b < r->broker_count);
    SIM_ASSERT(p < r->partition_count);
    return &r->replicas[(size_t)b * r->partition_count + p];
}

static repl_record *slot_of(const repl *r, const repl_replica *x, int64_t offset)
{
    SIM_ASSERT(offset >= 0);
    (void)r;
    return &x->records[(uint64_t)offset % x->capacity];
}

static int32_t my_id(const repl *r, uint32_t b)
{
    return r->broker_ids[b];
}

static void trace(repl *r, repl_event ev, uint32_t b, const int64_t *fields)
{
    if (r->ops.event != NULL) r->ops.event(r->ops_ctx, my_id(r, b), ev, fields);
}

const char *repl_event_name(repl_event ev)
{
    static const char *const names[] = {
#define REPL_EVENT_NAME(id, name, fields) name,
        REPL_EVENTS(REPL_EVENT_NAME)
#undef REPL_EVENT_NAME
    };
    static_assert(sizeof names / sizeof names[0] == REPL_EV_COUNT, "event names");
    SIM_ASSERT((unsigned)ev < REPL_EV_COUNT);
    return names[ev];
}

const char *repl_event_fields(repl_event ev)
{
    static const char *const fields[] = {
#define REPL_EVENT_FIELDS(id, name, fields) fields,
        REPL_EVENTS(REPL_EVENT_FIELDS)
#undef REPL_EVENT_FIELDS
    };
    SIM_ASSERT((unsigned)ev < REPL_EV_COUNT);
    return fields[ev];
}

static void check_replica(const repl *r, const repl_replica *x)
{
    SIM_ASSERT(x->log_start <= x->hw);
    SIM_ASSERT(x->hw <= x->leo);
    SIM_ASSERT(x->flushed <= x->leo);
    SIM_ASSERT(x->leo - x->log_start <= (int64_t)x->capacity);
    SIM_ASSERT(x->seg_count >= 1 && x->seg_count <= r->cfg.segments_max);
}

static int32_t position_of(const kpc_reg *reg, int32_t broker_id)
{
    for (uint32_t i = 0; i < reg->replica_count; i++)
        if (reg->replicas[i] == broker_id) return (int32_t)i;
    return -1;
}

uint32_t repl_broker_index(const repl *r, int32_t broker_id)
{
    for (uint32_t i = 0; i < r->broker_count; i++)
        if (r->broker_ids[i] == broker_id) return i;
    return UINT32_MAX;
}

/* =================================================================================
 * Leader-epoch cache (LeaderEpochFileCache)
 * ================================================================================= */

static int32_t latest_epoch(const repl_replica *x)
{
    return x->epoch_count > 0 ? x->epochs[x->epoch_count - 1].leader_epoch : REPL_NO_EPOCH;
}

/* LeaderEpochFileCache.assign: a new epoch starts at `start`; older epochs are never
 * re-added. A full cache drops its oldest entry (Kafka's is unbounded). */
static void epoch_assign(repl_replica *x, int32_t leader_epoch, int64_t start)
{
    if (leader_epoch <= latest_epoch(x)) return;
    /* maybeTruncateNonMonotonicEntries: an epoch that starts where the new one starts
     * (it has no records) is superseded. */
    while (x->epoch_count > 0 && x->epochs[x->epoch_count - 1].start_offset >= start)
        x->epoch_count--;
    if (x->epoch_count == REPL_EPOCH_CACHE_MAX) {
        memmove(&x->epochs[0], &x->epochs[1], (REPL_EPOCH_CACHE_MAX - 1) * sizeof x->epochs[0]);
        x->epoch_count--;
    }
    x->epochs[x->epoch_count++] = (repl_epoch_entry){leader_epoch, start};
}

/* LeaderEpochFileCache.truncateFromEnd: forget epochs starting at or after `offset`. */
static void epoch_truncate_from_end(repl_replica *x, int64_t offset)
{
    while (x->epoch_count > 0 && x->epochs[x->epoch_count - 1].start_offset >= offset)
        x->epoch_count--;
}

/* LeaderEpochFileCache.truncateFromStart: the entry covering `offset` now starts there. */
static void epoch_truncate_from_start(repl_replica *x, int64_t offset)
{
    uint32_t keep_from = 0;
    for (uint32_t i = 0; i < x->epoch_count; i++)
        if (x->epochs[i].start_offset <= offset) keep_from = i;
    if (keep_from > 0) {
        memmove(&x->epochs[0], &x->epochs[keep_from],
                (x->epoch_count - keep_from) * sizeof x->epochs[0]);
        x->epoch_count -= keep_from;
    }
    if (x->epoch_count > 0 && x->epochs[0].start_offset < offset)
        x->epochs[0].start_offset = offset;
}

typedef struct epoch_end {
    int32_t leader_epoch;
    int64_t end_offset;
} epoch_end;

/* LeaderEpochFileCache.endOffsetFor (§3.5): the largest epoch <= requested and where it
 * ends (the next epoch's start, or the LEO for the latest epoch). */
static epoch_end end_offset_for(const repl_replica *x, int32_t requested)
{
    const epoch_end undefined = {REPL_NO_EPOCH, -1};
    if (requested == REPL_NO_EPOCH) return undefined;
    if (x->epoch_count > 0 && latest_epoch(x) == requested) return (epoch_end){requested, x->leo};
    int32_t higher = -1, floor = -1;
    for (uint32_t i = 0; i < x->epoch_count; i++) {
        if (x->epochs[i].leader_epoch > requested && higher < 0) higher = (int32_t)i;
        if (x->epochs[i].leader_epoch <= requested) floor = (int32_t)i;
    }
    if (higher < 0) return undefined;
    const int64_t end = x->epochs[higher].start_offset;
    if (floor < 0) return (epoch_end){requested, end};
    return (epoch_end){x->epochs[floor].leader_epoch, end};
}

/* =================================================================================
 * Producer state (ProducerStateManager)
 * ================================================================================= */

static repl_producer *producer_find(repl_replica *x, int64_t producer_id)
{
    for (uint32_t i = 0; i < x->producer_count; i++)
        if (x->producers[i].producer_id == producer_id) return &x->producers[i];
    return NULL;
}

/* Records a completed batch (ProducerStateEntry.addBatch keeps the last 5). A full
 * table forgets its first producer (Kafka expires idle ones by
 * transactional.id.expiration; ours is a fixed table). */
static void producer_add_batch(repl_replica *x, int64_t producer_id, repl_batch_meta meta)
{
    repl_producer *pr = producer_find(x, producer_id);
    if (pr == NULL) {
        if (x->producer_count == REPL_PRODUCERS_MAX) {
            memmove(&x->producers[0], &x->producers[1],
                    (REPL_PRODUCERS_MAX - 1) * sizeof x->producers[0]);
            x->producer_count--;
        }
        pr = &x->producers[x->producer_count++];
        memset(pr, 0, sizeof *pr);
        pr->producer_id = producer_id;
    }
    if (pr->batch_count == REPL_PRODUCER_BATCHES) {
        memmove(&pr->batches[0], &pr->batches[1],
                (REPL_PRODUCER_BATCHES - 1) * sizeof pr->batches[0]);
        pr->batch_count--;
    }
    pr->batches[pr->batch_count++] = meta;
}

/* After a truncation the producer state is rebuilt from the log, as Kafka reloads it
 * from snapshots and the log (UnifiedLog.rebuildProducerState). */
static void producers_rebuild(const repl *r, repl_replica *x)
{
    x->producer_count = 0;
    for (int64_t o = x->log_start; o < x->leo; o++) {
        const repl_record *rec = slot_of(r, x, o);
        if (rec->producer_id < 0 || rec->batch_index + 1u != rec->batch_records) continue;
        const repl_batch_meta meta = {rec->sequence - rec->batch_index, rec->sequence,
                                      o - rec->batch_index, o};
        producer_add_batch(x, rec->producer_id, meta);
    }
}

/* =================================================================================
 * The log: append, truncate, segments
 * ================================================================================= */

static repl_segment *active_segment(const repl *r, repl_replica *x)
{
    return &x->segments[(x->seg_head + x->seg_count - 1) % r->cfg.segments_max];
}

static repl_segment *segment_at(const repl *r, repl_replica *x, uint32_t i)
{
    SIM_ASSERT(i < x->seg_count);
    return &x->segments[(x->seg_head + i) % r->cfg.segments_max];
}

static void log_reset(const repl *r, repl_replica *x, int64_t start)
{
    x->log_start = x->leo = x->hw = x->flushed = x->hw_checkpoint = start;
    x->epoch_count = 0;
    x->seg_head = 0;
    x->seg_count = 1;
    x->segments[0] = (repl_segment){start, 0, 0};
    x->log_bytes = 0;
    x->producer_count = 0;
    check_replica(r, x);
}

/* Would a batch of `count` records of `bytes` each fit? (Capacity models a full disk.) */
static bool batch_fits(const repl *r, repl_replica *x, uint32_t count, int64_t bytes)
{
    if (x->leo + count - x->log_start > (int64_t)x->capacity) return false;
    const repl_segment *s = active_segment(r, x);
    const bool rolls = s->bytes > 0 && s->bytes + bytes > r->cfg.segment_bytes;
    return !rolls || x->seg_count < r->cfg.segments_max;
}

/* Appends one record at the LEO (leader and follower alike). The first record of a
 * batch rolls the segment if the batch would overflow it (LogSegment.shouldRoll), and
 * Kafka flushes the rolled segment (UnifiedLog.roll → flushUptoOffsetExclusive). */
static void append_record(const repl *r, repl_replica *x, const repl_record *rec,
                          int64_t batch_bytes)
{
    SIM_ASSERT(rec->offset == x->leo);
    SIM_ASSERT(rec->leader_epoch >= latest_epoch(x));
    SIM_ASSERT(x->leo + 1 - x->log_start <= (int64_t)x->capacity);
    repl_segment *s = active_segment(r, x);
    if (rec->batch_index == 0 && s->bytes > 0 && s->bytes + batch_bytes > r->cfg.segment_bytes) {
        SIM_ASSERT(x->seg_count < r->cfg.segments_max);
        x->seg_count++;
        s = active_segment(r, x);
        *s = (repl_segment){x->leo, 0, 0};
        if (x->flushed < x->leo) x->flushed = x->leo;
    }
    epoch_assign(x, rec->leader_epoch, rec->offset); /* maybeAssignEpochStartOffset */
    *slot_of(r, x, x->leo) = *rec;
    x->leo++;
    s->bytes += rec->size_bytes;
    x->log_bytes += rec->size_bytes;
    if (rec->timestamp_us > s->max_timestamp_us) s->max_timestamp_us = rec->timestamp_us;
    if (rec->producer_id >= 0 && rec->batch_index + 1u == rec->batch_records) {
        const repl_batch_meta meta = {rec->sequence - rec->batch_index, rec->sequence,
                                      rec->offset - rec->batch_index, rec->offset};
        producer_add_batch(x, rec->producer_id, meta);
    }
}

/* UnifiedLog.truncateTo: drop [offset, leo). HW and flushed offset follow down. */
static void log_truncate(repl *r, uint32_t b, uint32_t p, int64_t offset,
                         repl_truncate_reason reason)
{
    repl_replica *x = rep(r, b, p);
    SIM_ASSERT(offset >= x->log_start);
    if (offset >= x->leo) return;
    const int64_t removed = x->leo - offset;
    for (int64_t o = offset; o < x->leo; o++) x->log_bytes -= slot_of(r, x, o)->size_bytes;
    while (x->seg_count > 1 && active_segment(r, x)->base_offset >= offset) x->seg_count--;
    repl_segment *s = active_segment(r, x);
    if (s->base_offset > offset) s->base_offset = offset; /* only segment left */
    s->bytes = 0;
    for (int64_t o = s->base_offset; o < offset; o++) s->bytes += slot_of(r, x, o)->size_bytes;
    x->leo = offset;
    if (x->hw > offset) x->hw = offset;
    if (x->flushed > offset) x->flushed = offset;
    if (x->hw_checkpoint > offset) x->hw_checkpoint = offset;
    epoch_truncate_from_end(x, offset);
    producers_rebuild(r, x);
    r->truncations++;
    trace(r, REPL_EV_TRUNCATE, b, (const int64_t[]){p, offset, removed, reason});
    check_replica(r, x);
}

/* Fetch offset below the leader's log start: truncateFullyAndStartAt. */
static void log_restart_at(repl *r, uint32_t b, uint32_t p, int64_t offset)
{
    repl_replica *x = rep(r, b, p);
    const int64_t removed = x->leo - x->log_start;
    log_reset(r, x, offset);
    r->truncations++;
    trace(r, REPL_EV_TRUNCATE, b, (const int64_t[]){p, offset, removed, REPL_TRUNCATE_LOG_START});
}

/* UnifiedLog.deleteOldSegments: retention by time and size, never past the HW. */
static void log_retention(repl *r, uint32_t b, uint32_t p)
{
    repl_replica *x = rep(r, b, p);
    const sim_time now = r->engine->now;
    while (x->seg_count > 1) {
        const repl_segment *s = segment_at(r, x, 0);
        const int64_t next_base = segment_at(r, x, 1)->base_offset;
        if (next_base > x->hw) break; /* deletable only below the HW */
        const bool too_old = r->cfg.retention_us != SIM_TIME_NEVER && now >= s->max_timestamp_us &&
                             now - s->max_timestamp_us > r->cfg.retention_us;
        const bool too_big =
            r->cfg.retention_bytes >= 0 && x->log_bytes - s->bytes >= r->cfg.retention_bytes;
        if (!too_old && !too_big) break;
        const int64_t base = s->base_offset;
        x->log_bytes -= s->bytes;
        x->seg_head = (x->seg_head + 1) % r->cfg.segments_max;
        x->seg_count--;
        x->log_start = next_base;
        epoch_truncate_from_start(x, next_base);
        trace(r, REPL_EV_SEGMENT_DELETE, b, (const int64_t[]){p, base, next_base});
    }
    check_replica(r, x);
}

/* =================================================================================
 * Leader: HW, ISR, produce purgatory
 * ================================================================================= */

/* The topic's min.insync.replicas for replica `x` (its partition's). */
static uint32_t min_isr_of(const repl *r, const repl_replica *x)
{
    const size_t i = (size_t)(x - r->replicas);
    SIM_ASSERT(i < (size_t)r->broker_count * r->partition_count);
    return r->min_isr[i % r->partition_count];
}

static uint32_t effective_min_isr(const repl *r, const repl_replica *x)
{
    /* Partition.effectiveMinIsr = min(min.insync.replicas, replication factor). */
    const uint32_t m = min_isr_of(r, x);
    return m < x->reg.replica_count ? m : x->reg.replica_count;
}

/* Maximal ISR (KIP-497): the committed ISR plus a member a pending expansion adds. */
static bool in_maximal_isr(const repl_replica *x, int32_t id)
{
    if (kpc_contains(x->reg.isr, x->reg.isr_count, id)) return true;
    return x->alter_in_flight && kpc_contains(x->pending_isr, x->pending_isr_count, id);
}

static uint32_t maximal_isr_count(const repl_replica *x)
{
    uint32_t n = x->reg.isr_count;
    if (!x->alter_in_flight) return n;
    for (uint32_t i = 0; i < x->pending_isr_count; i++)
        if (!kpc_contains(x->reg.isr, x->reg.isr_count, x->pending_isr[i])) n++;
    return n;
}

static bool isr_eligible(repl *r, uint32_t b, int32_t id)
{
    return r->ops.isr_eligible == NULL || r->ops.isr_eligible(r->ops_ctx, b, id);
}

/* ReplicaState.isCaughtUp (§3.3). */
static bool caught_up(const repl *r, const repl_remote *rm, int64_t leader_leo, sim_time now)
{
    if (rm->leo == leader_leo) return true;
    return rm->last_caught_up_us != SIM_TIME_NEVER &&
           now - rm->last_caught_up_us <= r->cfg.replica_lag_time_max_us;
}

static void complete_waiting(repl *r, uint32_t b, uint32_t p);

/* Partition.maybeIncrementLeaderHW (§3.2). */
static bool maybe_increment_hw(repl *r, uint32_t b, uint32_t p)
{
    repl_replica *x = rep(r, b, p);
    SIM_ASSERT(x->role == REPL_ROLE_LEADER);
    /* KAFKA-15583: no HW movement while the ISR is below the effective min ISR. */
    if (x->reg.isr_count < effective_min_isr(r, x)) return false;
    const sim_time now = r->engine->now;
    int64_t hw = x->leo;
    for (uint32_t i = 0; i < x->reg.replica_count; i++) {
        const int32_t id = x->reg.replicas[i];
        if (id == my_id(r, b)) continue;
        const repl_remote *rm = &x->remote[i];
        bool counts =
            in_maximal_isr(x, id) || (caught_up(r, rm, x->leo, now) && isr_eligible(r, b, id));
        if (r->bugs.hw_from_all_replicas) counts = true; /* BROKEN on purpose */
        if (rm->leo < hw && counts) hw = rm->leo;
    }
    if (hw <= x->hw) return false; /* the HW only moves forward */
    x->hw = hw;
    trace(r, REPL_EV_HW, b, (const int64_t[]){p, hw});
    check_replica(r, x);
    complete_waiting(r, b, p);
    return true;
}

static void produce_answer(repl *r, uint32_t b, const repl_produce_result *res)
{
    trace(r, REPL_EV_PRODUCE_DONE, b,
          (const int64_t[]){res->partition_index, res->acks, res->error, res->base_offset,
                            res->last_offset >= 0 ? res->last_offset - res->base_offset + 1 : 0});
}

static void waiting_finish(repl *r, uint32_t b, repl_waiting *w, int32_t error)
{
    const repl_produce_result res = {.request_id = w->req.request_id,
                                     .partition_index = w->req.partition_index,
                                     .acks = w->req.acks,
                                     .error = error,
                                     .base_offset = w->base_offset,
                                     .last_offset = w->last_offset};
    sim_engine_cancel(r->engine, &w->timer);
    w->used = false;
    produce_answer(r, b, &res);
    if (r->ops.produce_done != NULL) r->ops.produce_done(r->ops_ctx, b, &res);
}

/* DelayedProduce.tryComplete → Partition.checkEnoughReplicasReachOffset (§3.4). */
static void complete_waiting(repl *r, uint32_t b, uint32_t p)
{
    repl_replica *x = rep(r, b, p);
    repl_waiting *ws = r->brokers[b].waiting;
    for (uint32_t i = 0; i < r->cfg.produce_waiting_max; i++) {
        repl_waiting *w = &ws[i];
        if (!w->used || w->req.partition_index != p) continue;
        if (x->role != REPL_ROLE_LEADER || x->reg.leader_epoch != w->leader_epoch) {
            waiting_finish(r, b, w, REPL_ERR_NOT_LEADER_OR_FOLLOWER);
        } else if (x->hw > w->last_offset) {
            const bool enough = maximal_isr_count(x) >= min_isr_of(r, x);
            waiting_finish(r, b, w,
                           enough ? REPL_ERR_NONE : REPL_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND);
        }
    }
}

/* Sends an AlterPartition with `isr` (AlterPartitionManager.submit). */
static void propose_isr(repl *r, uint32_t b, uint32_t p, const int32_t *isr, uint32_t count,
                        int32_t change)
{
    repl_replica *x = rep(r, b, p);
    SIM_ASSERT(x->role == REPL_ROLE_LEADER && !x->alter_in_flight);
    SIM_ASSERT(count >= 1 && count <= x->reg.replica_count);
    const int32_t ctrl =
        r->ops.controller_endpoint != NULL ? r->ops.controller_endpoint(r->ops_ctx, b) : -1;
    if (ctrl < 0) return; /* no controller known: the next trigger proposes again */
    repl_alter_req req = {.partition_index = p,
                          .leader_id = my_id(r, b),
                          .leader_epoch = x->reg.leader_epoch,
                          .partition_epoch = x->reg.partition_epoch,
                          .new_isr_count = count};
    memcpy(req.new_isr, isr, count * sizeof isr[0]);
    x->alter_in_flight = true;
    memcpy(x->pending_isr, isr, count * sizeof isr[0]);
    x->pending_isr_count = count;
    r->isr_proposals++;
    trace(r, REPL_EV_ISR_PROPOSE, b, (const int64_t[]){p, x->reg.partition_epoch, count, change});
    r->ops.send(r->ops_ctx, r->endpoints[b], ctrl, REPL_MSG_ALTER_PARTITION, &req, sizeof req);
}

/* Partition.maybeExpandIsr / isFollowerInSync (§3.3). */
static void maybe_expand_isr(repl *r, uint32_t b, uint32_t p, uint32_t pos)
{
    repl_replica *x = rep(r, b, p);
    const int32_t id = x->reg.replicas[pos];
    if (x->alter_in_flight || kpc_contains(x->reg.isr, x->reg.isr_count, id)) return;
    const repl_remote *rm = &x->remote[pos];
    if (rm->leo < x->hw || rm->leo < x->epoch_start_offset) return;
    if (!isr_eligible(r, b, id)) return;
    int32_t isr[REPL_REPLICAS_MAX];
    uint32_t n = 0;
    for (uint32_t i = 0; i < x->reg.replica_count; i++) {
        const int32_t rid = x->reg.replicas[i];
        if (rid == id || kpc_contains(x->reg.isr, x->reg.isr_count, rid)) isr[n++] = rid;
    }
    propose_isr(r, b, p, isr, n, +1);
}

/* Partition.maybeShrinkIsr / getOutOfSyncReplicas, from the isr-expiration task. */
static void maybe_shrink_isr(repl *r, uint32_t b, uint32_t p)
{
    repl_replica *x = rep(r, b, p);
    if (x->role != REPL_ROLE_LEADER || x->alter_in_flight) return;
    const sim_time now = r->engine->now;
    int32_t isr[REPL_REPLICAS_MAX];
    uint32_t n = 0;
    for (uint32_t i = 0; i < x->reg.isr_count; i++) {
        const int32_t id = x->reg.isr[i];
        const int32_t pos = position_of(&x->reg, id);
        SIM_ASSERT(pos >= 0);
        const bool out = id != my_id(r, b) && !caught_up(r, &x->remote[pos], x->leo, now);
        if (!out) isr[n++] = id;
    }
    if (n < x->reg.isr_count) propose_isr(r, b, p, isr, n, -(int32_t)(x->reg.isr_count - n));
}

static void wake_sessions(repl *r, uint32_t leader, uint32_t p);

bool repl_produce(repl *r, uint32_t b, const repl_produce_req *req, repl_produce_result *out)
{
    SIM_ASSERT(r->brokers[b].alive);
    SIM_ASSERT(req->record_count >= 1 && req->record_count <= REPL_BATCH_RECORDS_MAX);
    SIM_ASSERT(req->record_bytes > 0);
    SIM_ASSERT(req->acks == 0 || req->acks == 1 || req->acks == -1);
    const uint32_t p = req->partition_index;
    repl_replica *x = rep(r, b, p);
    *out = (repl_produce_result){.request_id = req->request_id,
                                 .partition_index = p,
                                 .acks = req->acks,
                                 .base_offset = -1,
                                 .last_offset = -1};
    if (x->role != REPL_ROLE_LEADER) {
        out->error = REPL_ERR_NOT_LEADER_OR_FOLLOWER;
    } else if (req->acks == -1 && x->reg.isr_count < effective_min_isr(r, x)) {
        /* Partition.appendRecordsToLeader: refused before appending (§3.4). */
        out->error = REPL_ERR_NOT_ENOUGH_REPLICAS;
    } else {
        /* ProducerStateManager: duplicates and sequence order (last 5 batches). */
        repl_producer *pr = req->producer_id >= 0 ? producer_find(x, req->producer_id) : NULL;
        const int32_t last_seq = req->first_sequence + (int32_t)req->record_count - 1;
        for (uint32_t i = 0; pr != NULL && i < pr->batch_count; i++) {
            if (pr->batches[i].first_seq == req->first_sequence &&
                pr->batches[i].last_seq == last_seq) {
                out->duplicate = true;
                out->base_offset = pr->batches[i].first_offset;
                out->last_offset = pr->batches[i].last_offset;
            }
        }
        if (!out->duplicate && pr != NULL && pr->batch_count > 0) {
            const int32_t prev = pr->batches[pr->batch_count - 1].last_seq;
            const int32_t expect = prev == INT32_MAX ? 0 : prev + 1; /* sequences wrap */
            if (req->first_sequence != expect) out->error = REPL_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER;
        }
        const int64_t bytes = (int64_t)req->record_count * req->record_bytes;
        if (out->error == REPL_ERR_NONE && !out->duplicate &&
            !batch_fits(r, x, req->record_count, bytes))
            out->error = REPL_ERR_KAFKA_STORAGE_ERROR; /* a full disk, as sized */
        if (out->error == REPL_ERR_NONE && !out->duplicate) {
            out->base_offset = x->leo;
            for (uint32_t i = 0; i < req->record_count; i++) {
                const repl_record rec = {
                    .offset = x->leo,
                    .producer_id = req->producer_id,
                    .timestamp_us = r->engine->now,
                    .leader_epoch = x->reg.leader_epoch,
                    .sequence = req->producer_id >= 0 ? req->first_sequence + (int32_t)i : -1,
                    .size_bytes = req->record_bytes,
                    .value_id = req->first_value_id + i,
                    .batch_records = (uint16_t)req->record_count,
                    .batch_index = (uint16_t)i};
                append_record(r, x, &rec, bytes);
            }
            out->last_offset = x->leo - 1;
            r->records_appended += req->record_count;
            trace(r, REPL_EV_APPEND, b,
                  (const int64_t[]){p, x->reg.leader_epoch, out->base_offset, req->record_count});
            check_replica(r, x);
            maybe_increment_hw(r, b, p);
            wake_sessions(r, b, p);
        }
    }
    const bool wait = out->error == REPL_ERR_NONE && req->acks == -1 && x->hw <= out->last_offset &&
                      !r->bugs.acks_all_at_append; /* the bug answers at append */
    if (!wait) {
        if (out->error == REPL_ERR_NONE && req->acks == -1 &&
            maximal_isr_count(x) < min_isr_of(r, x))
            out->error = REPL_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND;
        produce_answer(r, b, out);
        return true;
    }
    repl_waiting *ws = r->brokers[b].waiting;
    uint32_t slot = 0;
    while (slot < r->cfg.produce_waiting_max && ws[slot].used) slot++;
    if (slot == r->cfg.produce_waiting_max) {
        /* The purgatory is bounded here (not in Kafka): a request beyond it is answered
         * as if its produce timeout had passed. The world sizes it for every client's
         * in-flight requests several times over, so only a pathological run gets here. */
        out->error = REPL_ERR_REQUEST_TIMED_OUT;
        produce_answer(r, b, out);
        return true;
    }
    repl_waiting *w = &ws[slot];
    *w = (repl_waiting){.used = true,
                        .req = *req,
                        .base_offset = out->base_offset,
                        .last_offset = out->last_offset,
                        .leader_epoch = x->reg.leader_epoch};
    w->timer = sim_engine_after(r->engine, req->timeout_us, r->timer_handler, r->endpoints[b],
                                targ(T_PRODUCE_WAIT, b, slot));
    return false;
}

/* =================================================================================
 * Becoming leader or follower (metadata)
 * ================================================================================= */

static void kick_fetcher(repl *r, uint32_t follower, uint32_t leader);

/* Partition.makeLeader: a new leader epoch starts at the LEO; remote states reset
 * (ISR members count as caught up now, others never). */
static void make_leader(repl *r, uint32_t b, uint32_t p)
{
    repl_replica *x = rep(r, b, p);
    const sim_time now = r->engine->now;
    x->role = REPL_ROLE_LEADER;
    epoch_assign(x, x->reg.leader_epoch, x->leo);
    x->epoch_start_offset = x->leo;
    x->alter_in_flight = false;
    for (uint32_t i = 0; i < x->reg.replica_count; i++) {
        const bool in_isr = kpc_contains(x->reg.isr, x->reg.isr_count, x->reg.replicas[i]);
        x->remote[i] = (repl_remote){.leo = -1,
                                     .last_fetch_us = 0,
                                     .last_fetch_leader_leo = -1,
                                     .last_caught_up_us = in_isr ? now : SIM_TIME_NEVER};
    }
}

void repl_apply_partition(repl *r, uint32_t b, uint32_t p, const kpc_reg *reg)
{
    repl_replica *x = rep(r, b, p);
    if (!r->brokers[b].alive) return;
    if (x->assigned && reg->partition_epoch <= x->reg.partition_epoch && x->role != REPL_ROLE_NONE)
        return; /* stale or already known */
    const repl_role prev_role = x->role;
    const int32_t prev_leader_epoch = x->reg.leader_epoch;
    const int32_t prev_leader = x->reg.leader;
    x->reg = *reg;
    x->assigned = position_of(reg, my_id(r, b)) >= 0;
    if (!x->assigned) {
        x->role = REPL_ROLE_NONE;
    } else if (reg->leader == my_id(r, b)) {
        if (prev_role != REPL_ROLE_LEADER || prev_leader_epoch != reg->leader_epoch) {
            make_leader(r, b, p);
        } else {
            x->alter_in_flight = false; /* newer metadata supersedes a pending change */
        }
        maybe_increment_hw(r, b, p);
    } else {
        x->role = REPL_ROLE_FOLLOWER;
        x->alter_in_flight = false;
    }
    complete_waiting(r, b, p); /* leadership lost → NOT_LEADER_OR_FOLLOWER */
    if (prev_role == REPL_ROLE_LEADER && x->role != REPL_ROLE_LEADER) wake_sessions(r, b, p);
    trace(
        r, REPL_EV_ROLE, b,
        (const int64_t[]){p, reg->leader, reg->leader_epoch, reg->partition_epoch, reg->isr_count});
    if (x->role == REPL_ROLE_FOLLOWER && reg->leader != KPC_NO_LEADER) {
        const uint32_t l = repl_broker_index(r, reg->leader);
        if (l != UINT32_MAX) kick_fetcher(r, b, l);
    }
    (void)prev_leader;
}

/* =================================================================================
 * Fetch protocol. Wire format of a response: resp_head, then per partition a
 * resp_part followed by its records (repl_record, copied).
 * ================================================================================= */

typedef struct resp_head {
    uint32_t request_id;
    uint32_t part_count;
} resp_head;

typedef struct resp_part {
    int64_t hw;
    int64_t log_start;
    int64_t leader_leo;
    int64_t fetch_offset; /* echoed */
    int64_t diverging_end_offset;
    uint32_t partition_index;
    int32_t error;
    int32_t diverging_epoch; /* REPL_NO_EPOCH: none */
    int32_t leader_epoch;
    uint32_t record_count; /* records in the wire batches that follow */
    uint32_t batch_count;  /* wire batches that follow */
} resp_part;

/* Records travel in their producer batches, as Kafka's RecordBatch does: a follower
 * receives a batch whole or not at all, so no log ever holds part of a batch (a new
 * leader holding half a batch would append the producer's retry of it a second time). A
 * wire batch is the run of records of one batch from `first_index` on. */
typedef struct wire_batch {
    int64_t producer_id;
    sim_time timestamp_us;
    int32_t leader_epoch;
    int32_t first_sequence; /* of the first record sent; -1 none */
    uint32_t size_bytes;
    uint32_t first_value_id;
    uint16_t batch_records;
    uint16_t first_index;
    uint16_t count;
    uint16_t pad;
} wire_batch;

static bool follows(const repl *r, const repl_replica *x, uint32_t leader)
{
    return x->role == REPL_ROLE_FOLLOWER && x->reg.leader == r->broker_ids[leader];
}

static void send_fetch(repl *r, uint32_t f, uint32_t l)
{
    repl_fetcher *ft = &r->fetchers[(size_t)f * r->broker_count + l];
    SIM_ASSERT(!ft->in_flight && !ft->backing_off);
    repl_fetch_req req = {.request_id = ++r->next_request_id, .follower = f};
    for (uint32_t k = 0; k < r->partition_count && req.entry_count < REPL_FETCH_ENTRIES_MAX; k++) {
        const uint32_t p = (ft->cursor + k) % r->partition_count;
        const repl_replica *x = rep(r, f, p);
        if (!follows(r, x, l)) continue;
        /* KAFKA-10554: the last fetched epoch lets the leader detect divergence. */
        const int32_t last_epoch = r->bugs.no_follower_truncation ? REPL_NO_EPOCH : latest_epoch(x);
        req.entries[req.entry_count++] =
            (repl_fetch_entry){.fetch_offset = x->leo,
                               .follower_hw = x->hw,
                               .partition_index = p,
                               .last_fetched_epoch = last_epoch,
                               .current_leader_epoch = x->reg.leader_epoch};
    }
    if (req.entry_count == 0) return; /* nothing to fetch from this leader any more */
    ft->cursor = (ft->cursor + 1) % r->partition_count;
    ft->in_flight = true;
    ft->request_id = req.request_id;
    sim_engine_cancel(r->engine, &ft->timer);
    ft->timer = sim_engine_after(r->engine, r->cfg.replica_request_timeout_us, r->timer_handler,
                                 r->endpoints[f], targ(T_FETCH, f, l));
    r->fetches++;
    const uint32_t bytes =
        (uint32_t)(offsetof(repl_fetch_req, entries) + req.entry_count * sizeof(repl_fetch_entry));
    r->ops.send(r->ops_ctx, r->endpoints[f], r->endpoints[l], REPL_MSG_FETCH, &req, bytes);
}

static void kick_fetcher(repl *r, uint32_t f, uint32_t l)
{
    const repl_fetcher *ft = &r->fetchers[(size_t)f * r->broker_count + l];
    if (!ft->in_flight && !ft->backing_off && r->brokers[f].alive) send_fetch(r, f, l);
}

/* Reads one partition for a Fetch on the leader (Partition.fetchRecords →
 * readFromLocalLog). Returns the bytes written to buf, 0 if it did not fit. */
static uint32_t read_partition(repl *r, uint32_t l, const repl_fetch_entry *e, uint8_t *buf,
                               uint32_t room, bool *has_data, bool *noteworthy)
{
    const uint32_t p = e->partition_index;
    const repl_replica *x = rep(r, l, p);
    resp_part part = {.hw = x->hw,
                      .log_start = x->log_start,
                      .leader_leo = x->leo,
                      .fetch_offset = e->fetch_offset,
                      .diverging_end_offset = -1,
                      .partition_index = p,
                      .diverging_epoch = REPL_NO_EPOCH,
                      .leader_epoch = x->reg.leader_epoch};
    if (room < sizeof part) return 0;
    if (x->role != REPL_ROLE_LEADER) {
        part.error = REPL_ERR_NOT_LEADER_OR_FOLLOWER;
    } else if (e->current_leader_epoch < x->reg.leader_epoch) {
        part.error = REPL_ERR_FENCED_LEADER_EPOCH;
    } else if (e->current_leader_epoch > x->reg.leader_epoch) {
        part.error = REPL_ERR_UNKNOWN_LEADER_EPOCH;
    } else if (e->last_fetched_epoch != REPL_NO_EPOCH &&
               (end_offset_for(x, e->last_fetched_epoch).leader_epoch < e->last_fetched_epoch ||
                end_offset_for(x, e->last_fetched_epoch).end_offset < e->fetch_offset)) {
        /* KAFKA-10554: DivergingEpoch instead of data. */
        const epoch_end ee = end_offset_for(x, e->last_fetched_epoch);
        part.diverging_epoch = ee.leader_epoch;
        part.diverging_end_offset = ee.end_offset;
    } else if (e->fetch_offset > x->leo || e->fetch_offset < x->log_start) {
        part.error = REPL_ERR_OFFSET_OUT_OF_RANGE;
    } else {
        /* Whole batches from the fetch offset, as many as fit. */
        uint32_t fit = (room - (uint32_t)sizeof part) / (uint32_t)sizeof(wire_batch);
        for (int64_t o = e->fetch_offset; o < x->leo && fit > 0; fit--) {
            const repl_record *rec = slot_of(r, x, o);
            const uint32_t n = (uint32_t)(rec->batch_records - rec->batch_index);
            part.batch_count++;
            part.record_count += n;
            o += n;
        }
    }
    const bool news = part.error != REPL_ERR_NONE || part.diverging_epoch != REPL_NO_EPOCH ||
                      part.record_count > 0;
    *has_data = *has_data || news;
    /* KIP-227 incremental session: leave out partitions with nothing new. */
    const int64_t hw_for_follower = part.hw < e->fetch_offset ? part.hw : e->fetch_offset;
    if (!news && hw_for_follower == e->follower_hw) return 0;
    *noteworthy = true;
    memcpy(buf, &part, sizeof part);
    uint32_t used = (uint32_t)sizeof part;
    int64_t o = e->fetch_offset;
    for (uint32_t i = 0; i < part.batch_count; i++) {
        const repl_record *rec = slot_of(r, x, o);
        const wire_batch wb = {.producer_id = rec->producer_id,
                               .timestamp_us = rec->timestamp_us,
                               .leader_epoch = rec->leader_epoch,
                               .first_sequence = rec->sequence,
                               .size_bytes = rec->size_bytes,
                               .first_value_id = rec->value_id,
                               .batch_records = rec->batch_records,
                               .first_index = rec->batch_index,
                               .count = (uint16_t)(rec->batch_records - rec->batch_index)};
        SIM_ASSERT(o + wb.count <= x->leo); /* logs hold whole batches */
        memcpy(buf + used, &wb, sizeof wb);
        used += (uint32_t)sizeof wb;
        o += wb.count;
    }
    SIM_ASSERT(o == e->fetch_offset + part.record_count);
    return used;
}

/* Whether another partition of the (follower, leader) session has records the follower
 * lacks. A Kafka fetch session covers every partition the follower replicates from the
 * leader; ours names at most REPL_FETCH_ENTRIES_MAX per request, rotating, so a request
 * whose partitions are idle must not be parked while the rest of the session has data
 * (the follower then asks for the next partitions at once). */
static bool session_has_other_data(const repl *r, uint32_t l, const repl_fetch_req *req)
{
    const uint32_t f = req->follower;
    for (uint32_t p = 0; p < r->partition_count; p++) {
        const repl_replica *x = &r->replicas[(size_t)l * r->partition_count + p];
        if (x->role != REPL_ROLE_LEADER) continue;
        bool named = false;
        for (uint32_t k = 0; k < req->entry_count && !named; k++)
            named = req->entries[k].partition_index == p;
        if (named) continue; /* the request itself said what it has */
        const int32_t i = position_of(&x->reg, r->broker_ids[f]);
        if (i < 0) continue;
        if (x->remote[i].leo >= 0 && x->remote[i].leo < x->leo) return true;
    }
    return false;
}

/* Builds and sends the response to a session's Fetch; returns false (nothing sent) if
 * `may_park` and there is no data (DelayedFetch). */
static bool respond_fetch(repl *r, uint32_t l, const repl_fetch_req *req, bool may_park)
{
    _Alignas(8) uint8_t buf[REPL_MSG_BYTES_MAX];
    resp_head head = {.request_id = req->request_id};
    uint32_t used = (uint32_t)sizeof head;
    bool has_data = false;
    for (uint32_t i = 0; i < req->entry_count; i++) {
        bool noteworthy = false;
        const uint32_t n = read_partition(r, l, &req->entries[i], buf + used,
                                          REPL_MSG_BYTES_MAX - used, &has_data, &noteworthy);
        if (n > 0) {
            used += n;
            head.part_count++;
        }
    }
    if (may_park && !has_data && !session_has_other_data(r, l, req)) return false;
    memcpy(buf, &head, sizeof head);
    r->fetch_responses++;
    r->ops.send(r->ops_ctx, r->endpoints[l], r->endpoints[req->follower], REPL_MSG_FETCH_RESPONSE,
                buf, used);
    return true;
}

/* Replica.updateFetchStateOrThrow (§3.3), then ISR expansion and the HW. */
static void update_follower_state(repl *r, uint32_t l, uint32_t f, const repl_fetch_entry *e)
{
    const uint32_t p = e->partition_index;
    repl_replica *x = rep(r, l, p);
    if (x->role != REPL_ROLE_LEADER || e->current_leader_epoch != x->reg.leader_epoch) return;
    if (e->fetch_offset > x->leo || e->fetch_offset < x->log_start) return;
    if (e->last_fetched_epoch != REPL_NO_EPOCH) {
        const epoch_end ee = end_offset_for(x, e->last_fetched_epoch);
        if (ee.leader_epoch < e->last_fetched_epoch || ee.end_offset < e->fetch_offset) return;
    }
    const int32_t pos = position_of(&x->reg, r->broker_ids[f]);
    if (pos < 0) return;
    repl_remote *rm = &x->remote[pos];
    const sim_time now = r->engine->now;
    if (e->fetch_offset >= x->leo) {
        if (rm->last_caught_up_us == SIM_TIME_NEVER || rm->last_caught_up_us < now)
            rm->last_caught_up_us = now;
    } else if (rm->last_fetch_leader_leo >= 0 && e->fetch_offset >= rm->last_fetch_leader_leo) {
        if (rm->last_caught_up_us == SIM_TIME_NEVER || rm->last_caught_up_us < rm->last_fetch_us)
            rm->last_caught_up_us = rm->last_fetch_us;
    }
    rm->leo = e->fetch_offset;
    rm->last_fetch_leader_leo = x->leo;
    rm->last_fetch_us = now;
    maybe_expand_isr(r, l, p, (uint32_t)pos);
    maybe_increment_hw(r, l, p);
}

static void on_fetch_request(repl *r, uint32_t l, const repl_fetch_req *req)
{
    if (!r->brokers[l].alive) return;
    SIM_ASSERT(req->follower < r->broker_count && req->entry_count <= REPL_FETCH_ENTRIES_MAX);
    repl_session *s = &r->sessions[(size_t)l * r->broker_count + req->follower];
    if (s->parked) { /* a newer Fetch replaces a parked one (the old one is abandoned) */
        sim_engine_cancel(r->engine, &s->timer);
        s->parked = false;
    }
    /* The response is read before the fetch state moves the HW (readFromLocalLog, then
     * updateFollowerFetchState), so it carries the HW as it was. */
    _Alignas(8) repl_fetch_req copy = *req;
    const bool answered = respond_fetch(r, l, &copy, true);
    for (uint32_t i = 0; i < req->entry_count; i++)
        update_follower_state(r, l, req->follower, &req->entries[i]);
    if (answered) return;
    s->parked = true;
    s->req = copy;
    s->timer = sim_engine_after(r->engine, r->cfg.replica_fetch_wait_max_us, r->timer_handler,
                                r->endpoints[l], targ(T_LONG_POLL, l, req->follower));
}

/* New records (or a role change) on `p` at leader `l`: complete parked Fetches whose
 * session covers it (DelayedFetch.tryComplete). */
static void wake_sessions(repl *r, uint32_t l, uint32_t p)
{
    for (uint32_t f = 0; f < r->broker_count; f++) {
        repl_session *s = &r->sessions[(size_t)l * r->broker_count + f];
        if (!s->parked) continue;
        /* The session covers every partition f replicates from l (see
         * session_has_other_data), not only those named in the parked request. */
        bool covers = position_of(&rep(r, l, p)->reg, r->broker_ids[f]) >= 0 &&
                      rep(r, l, p)->role == REPL_ROLE_LEADER;
        for (uint32_t i = 0; i < s->req.entry_count; i++)
            covers = covers || s->req.entries[i].partition_index == p;
        if (!covers) continue;
        if (respond_fetch(r, l, &s->req, true)) {
            sim_engine_cancel(r->engine, &s->timer);
            s->parked = false;
        }
    }
}

/* AbstractFetcherThread.getOffsetTruncationState (KIP-279, §3.5). */
static int64_t truncation_offset(const repl_replica *x, int32_t leader_epoch, int64_t leader_end)
{
    if (leader_end < 0) return x->hw;
    if (leader_epoch == REPL_NO_EPOCH) return leader_end < x->leo ? leader_end : x->leo;
    const epoch_end mine = end_offset_for(x, leader_epoch);
    if (mine.leader_epoch == REPL_NO_EPOCH) return leader_end < x->leo ? leader_end : x->leo;
    int64_t to = mine.end_offset < x->leo ? mine.end_offset : x->leo;
    if (mine.leader_epoch == leader_epoch && leader_end < to) to = leader_end;
    return to;
}

static bool on_fetch_part(repl *r, uint32_t f, uint32_t l, const resp_part *part,
                          const wire_batch *batches)
{
    const uint32_t p = part->partition_index;
    SIM_ASSERT(p < r->partition_count);
    repl_replica *x = rep(r, f, p);
    if (!follows(r, x, l) || part->leader_epoch != x->reg.leader_epoch ||
        part->fetch_offset != x->leo)
        return true; /* stale: the partition moved on meanwhile */
    if (part->error == REPL_ERR_OFFSET_OUT_OF_RANGE) {
        if (part->leader_leo < x->leo) {
            log_truncate(r, f, p, part->leader_leo < x->log_start ? x->log_start : part->leader_leo,
                         REPL_TRUNCATE_OUT_OF_RANGE);
        } else {
            log_restart_at(r, f, p, part->log_start);
        }
        return true;
    }
    if (part->error != REPL_ERR_NONE) return false;
    if (part->diverging_epoch != REPL_NO_EPOCH || part->diverging_end_offset >= 0) {
        int64_t to = truncation_offset(x, part->diverging_epoch, part->diverging_end_offset);
        if (to < x->log_start) to = x->log_start;
        log_truncate(r, f, p, to, REPL_TRUNCATE_DIVERGING);
        /* Truncating to the LEO still drops epochs that start there (truncateFromEnd). */
        epoch_truncate_from_end(x, to);
        return true;
    }
    for (uint32_t i = 0; i < part->batch_count; i++) {
        const wire_batch *wb = &batches[i];
        const int64_t batch_bytes = (int64_t)wb->size_bytes * wb->batch_records;
        if (!batch_fits(r, x, wb->count, batch_bytes)) break; /* full disk: lag */
        for (uint32_t k = 0; k < wb->count; k++) {
            const repl_record rec = {
                .offset = x->leo,
                .producer_id = wb->producer_id,
                .timestamp_us = wb->timestamp_us,
                .leader_epoch = wb->leader_epoch,
                .sequence = wb->first_sequence < 0 ? -1 : wb->first_sequence + (int32_t)k,
                .size_bytes = wb->size_bytes,
                .value_id = wb->first_value_id + k,
                .batch_records = wb->batch_records,
                .batch_index = (uint16_t)(wb->first_index + k),
            };
            append_record(r, x, &rec, batch_bytes);
            r->records_appended++;
        }
    }
    /* Followers keep HW = min(leader HW, own LEO) (§3.1). */
    const int64_t hw = part->hw < x->leo ? part->hw : x->leo;
    if (hw != x->hw && hw >= x->log_start) {
        x->hw = hw;
        trace(r, REPL_EV_HW, f, (const int64_t[]){p, hw});
    }
    check_replica(r, x);
    return true;
}

static void on_fetch_response(repl *r, uint32_t f, uint32_t l, const uint8_t *body, uint32_t bytes)
{
    repl_fetcher *ft = &r->fetchers[(size_t)f * r->broker_count + l];
    resp_head head;
    SIM_ASSERT(bytes >= sizeof head);
    memcpy(&head, body, sizeof head);
    if (!r->brokers[f].alive || !ft->in_flight || head.request_id != ft->request_id) return;
    ft->in_flight = false;
    sim_engine_cancel(r->engine, &ft->timer);
    uint32_t at = (uint32_t)sizeof head;
    bool any_ok = head.part_count == 0;
    for (uint32_t i = 0; i < head.part_count; i++) {
        resp_part part;
        SIM_ASSERT(at + sizeof part <= bytes);
        memcpy(&part, body + at, sizeof part);
        at += (uint32_t)sizeof part;
        _Alignas(8) wire_batch batches[REPL_MSG_BYTES_MAX / sizeof(wire_batch)];
        SIM_ASSERT(part.batch_count <= sizeof batches / sizeof batches[0]);
        SIM_ASSERT(at + part.batch_count * sizeof(wire_batch) <= bytes);
        memcpy(batches, body + at, part.batch_count * sizeof(wire_batch));
        at += part.batch_count * (uint32_t)sizeof(wire_batch);
        if (on_fetch_part(r, f, l, &part, batches)) any_ok = true;
    }
    if (!any_ok) { /* every partition failed: replica.fetch.backoff.ms */
        ft->backing_off = true;
        ft->timer = sim_engine_after(r->engine, r->cfg.replica_fetch_backoff_us, r->timer_handler,
                                     r->endpoints[f], targ(T_FETCH, f, l));
        return;
    }
    send_fetch(r, f, l);
}

/* =================================================================================
 * AlterPartition messages
 * ================================================================================= */

typedef struct alter_resp {
    uint32_t partition_index;
    int32_t error;
    kpc_reg reg;
} alter_resp;

void repl_alter_partition_reply(repl *r, int32_t controller_endpoint, uint32_t to_broker,
                                uint32_t partition_index, int32_t error, const kpc_reg *reg)
{
    SIM_ASSERT(to_broker < r->broker_count && partition_index < r->partition_count);
    alter_resp resp = {.partition_index = partition_index, .error = error};
    if (reg != NULL) resp.reg = *reg;
    r->ops.send(r->ops_ctx, controller_endpoint, r->endpoints[to_broker],
                REPL_MSG_ALTER_PARTITION_RESPONSE, &resp, sizeof resp);
}

/* Partition.handleAlterPartitionUpdate: the committed ISR takes effect at the leader. */
static void on_alter_response(repl *r, uint32_t b, const alter_resp *resp)
{
    const uint32_t p = resp->partition_index;
    repl_replica *x = rep(r, b, p);
    if (!r->brokers[b].alive || x->role != REPL_ROLE_LEADER || !x->alter_in_flight) return;
    x->alter_in_flight = false;
    if (resp->error != KPC_ERR_NONE) return; /* wait for metadata; a later check retries */
    if (resp->reg.partition_epoch <= x->reg.partition_epoch ||
        resp->reg.leader_epoch != x->reg.leader_epoch)
        return;
    x->reg = resp->reg;
    maybe_increment_hw(r, b, p);
    complete_waiting(r, b, p);
}

const char *repl_msg_kind_name(repl_msg_kind kind)
{
    static const char *const names[] = {
#define REPL_MSG_NAME(id, name) name,
        REPL_MSG_KINDS(REPL_MSG_NAME)
#undef REPL_MSG_NAME
    };
    static_assert(sizeof names / sizeof names[0] == REPL_MSG_KIND_COUNT, "kind names");
    SIM_ASSERT((unsigned)kind < REPL_MSG_KIND_COUNT);
    return names[kind];
}

static uint32_t broker_of_endpoint(const repl *r, int32_t endpoint)
{
    for (uint32_t i = 0; i < r->broker_count; i++)
        if (r->endpoints[i] == endpoint) return i;
    return UINT32_MAX;
}

void repl_deliver(repl *r, repl_msg_kind kind, int32_t from, int32_t to, const void *body,
                  uint32_t bytes)
{
    SIM_ASSERT(bytes <= REPL_MSG_BYTES_MAX);
    switch (kind) {
    case REPL_MSG_FETCH: {
        _Alignas(8) repl_fetch_req req;
        memset(&req, 0, sizeof req);
        SIM_ASSERT(bytes <= sizeof req);
        memcpy(&req, body, bytes);
        const uint32_t l = broker_of_endpoint(r, to);
        SIM_ASSERT(l != UINT32_MAX);
        on_fetch_request(r, l, &req);
        break;
    }
    case REPL_MSG_FETCH_RESPONSE: {
        const uint32_t f = broker_of_endpoint(r, to);
        const uint32_t l = broker_of_endpoint(r, from);
        SIM_ASSERT(f != UINT32_MAX && l != UINT32_MAX);
        on_fetch_response(r, f, l, body, bytes);
        break;
    }
    case REPL_MSG_ALTER_PARTITION: {
        repl_alter_req req;
        SIM_ASSERT(bytes == sizeof req);
        memcpy(&req, body, sizeof req);
        const uint32_t from_broker = broker_of_endpoint(r, from);
        SIM_ASSERT(from_broker != UINT32_MAX);
        if (r->ops.alter_partition != NULL)
            r->ops.alter_partition(r->ops_ctx, to, from_broker, &req);
        break;
    }
    case REPL_MSG_ALTER_PARTITION_RESPONSE: {
        alter_resp resp;
        SIM_ASSERT(bytes == sizeof resp);
        memcpy(&resp, body, sizeof resp);
        const uint32_t b = broker_of_endpoint(r, to);
        SIM_ASSERT(b != UINT32_MAX);
        on_alter_response(r, b, &resp);
        break;
    }
    case REPL_MSG_KIND_COUNT:
    default:
        SIM_UNREACHABLE();
    }
}

/* =================================================================================
 * Timers and process life
 * ================================================================================= */

static void arm(repl *r, sim_timer *t, sim_time delay, enum timer_kind k, uint32_t b)
{
    sim_engine_cancel(r->engine, t);
    if (delay == SIM_TIME_NEVER) return;
    *t = sim_engine_after(r->engine, delay, r->timer_handler, r->endpoints[b], targ(k, b, 0));
}

static void on_timer(void *ctx, int32_t endpoint, uint64_t arg)
{
    repl *r = ctx;
    (void)endpoint;
    const enum timer_kind k = (enum timer_kind)(arg & 0xffu);
    const uint32_t a = (uint32_t)((arg >> 8) & 0xffffffu);
    const uint32_t bb = (uint32_t)(arg >> 32);
    SIM_ASSERT(a < r->broker_count);
    repl_broker *br = &r->brokers[a];
    if (!br->alive) return;
    switch (k) {
    case T_ISR: /* ReplicaManager "isr-expiration", every replica.lag.time.max.ms / 2 */
        for (uint32_t p = 0; p < r->partition_count; p++) maybe_shrink_isr(r, a, p);
        arm(r, &br->isr_timer, r->cfg.replica_lag_time_max_us / 2, T_ISR, a);
        break;
    case T_FLUSH:
        for (uint32_t p = 0; p < r->partition_count; p++) rep(r, a, p)->flushed = rep(r, a, p)->leo;
        arm(r, &br->flush_timer, r->cfg.flush_interval_us, T_FLUSH, a);
        break;
    case T_CHECKPOINT:
        for (uint32_t p = 0; p < r->partition_count; p++)
            rep(r, a, p)->hw_checkpoint = rep(r, a, p)->hw;
        arm(r, &br->checkpoint_timer, r->cfg.hw_checkpoint_interval_us, T_CHECKPOINT, a);
        break;
    case T_RETENTION:
        for (uint32_t p = 0; p < r->partition_count; p++) log_retention(r, a, p);
        arm(r, &br->retention_timer, r->cfg.retention_check_interval_us, T_RETENTION, a);
        break;
    case T_LONG_POLL: {
        repl_session *s = &r->sessions[(size_t)a * r->broker_count + bb];
        s->timer = SIM_TIMER_NONE;
        if (!s->parked) break;
        s->parked = false;
        respond_fetch(r, a, &s->req, false);
        break;
    }
    case T_FETCH: {
        repl_fetcher *ft = &r->fetchers[(size_t)a * r->broker_count + bb];
        ft->timer = SIM_TIMER_NONE;
        if (ft->in_flight) { /* request timed out: back off, then fetch again */
            ft->in_flight = false;
            ft->backing_off = true;
            ft->timer = sim_engine_after(r->engine, r->cfg.replica_fetch_backoff_us,
                                         r->timer_handler, r->endpoints[a], targ(T_FETCH, a, bb));
        } else if (ft->backing_off) {
            ft->backing_off = false;
            send_fetch(r, a, bb);
        }
        break;
    }
    case T_PRODUCE_WAIT: {
        SIM_ASSERT(bb < r->cfg.produce_waiting_max);
        repl_waiting *w = &br->waiting[bb];
        w->timer = SIM_TIMER_NONE;
        if (w->used) waiting_finish(r, a, w, REPL_ERR_REQUEST_TIMED_OUT);
        break;
    }
    default:
        SIM_UNREACHABLE();
    }
}

void repl_config_default(repl_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->replica_lag_time_max_us = SIM_MS(30000);
    cfg->replica_fetch_wait_max_us = SIM_MS(500);
    cfg->replica_fetch_backoff_us = SIM_MS(1000);
    cfg->replica_request_timeout_us = SIM_MS(30000);
    cfg->flush_interval_us = SIM_MS(5000);
    cfg->hw_checkpoint_interval_us = SIM_MS(5000);
    cfg->retention_check_interval_us = SIM_MS(300000);
    cfg->retention_us = SIM_S(7u * 24u * 3600u);
    cfg->retention_bytes = -1;
    cfg->segment_bytes = (int64_t)1 << 30;
    cfg->min_insync_replicas = 1;
    cfg->log_capacity = 1024;
    cfg->segments_max = 16;
    cfg->produce_waiting_max = 64;
}

size_t repl_arena_bytes(const repl_config *cfg, uint32_t broker_count, uint32_t partition_count)
{
    const size_t pairs = (size_t)broker_count * broker_count;
    const size_t reps = (size_t)broker_count * partition_count;
    size_t records = 0;
    for (uint32_t p = 0; p < partition_count; p++)
        records += cfg->partition_log_capacity != NULL ? cfg->partition_log_capacity[p]
                                                       : cfg->log_capacity;
    return reps * (sizeof(repl_replica) + cfg->segments_max * sizeof(repl_segment) + 48) +
           (size_t)broker_count * records * sizeof(repl_record) +
           pairs * (sizeof(repl_session) + sizeof(repl_fetcher) + 32) +
           broker_count * (cfg->produce_waiting_max * sizeof(repl_waiting) + 16) +
           partition_count * sizeof(uint32_t) + 64;
}

void repl_init(repl *r, sim_engine *e, sim_arena *arena, const repl_config *cfg,
               uint32_t broker_count, const int32_t *broker_ids, const int32_t *endpoints,
               uint32_t partition_count, const repl_ops *ops, void *ops_ctx)
{
    SIM_ASSERT(broker_count >= 1 && broker_count <= REPL_BROKERS_MAX);
    SIM_ASSERT(partition_count >= 1);
    SIM_ASSERT(cfg->log_capacity > 0 && cfg->segments_max > 1 && cfg->produce_waiting_max > 0);
    SIM_ASSERT(cfg->replica_lag_time_max_us >= 2 && cfg->min_insync_replicas >= 1);
    SIM_ASSERT(cfg->segment_bytes > 0);
    memset(r, 0, sizeof *r);
    SIM_ASSERT(ops != NULL && ops->send != NULL);
    r->engine = e;
    r->cfg = *cfg;
    r->cfg.partition_log_capacity = NULL; /* read here only; not kept */
    r->ops = *ops;
    r->ops_ctx = ops_ctx;
    r->broker_count = broker_count;
    r->partition_count = partition_count;
    memcpy(r->broker_ids, broker_ids, broker_count * sizeof broker_ids[0]);
    memcpy(r->endpoints, endpoints, broker_count * sizeof endpoints[0]);
    const size_t reps = (size_t)broker_count * partition_count;
    r->replicas = SIM_ARENA_NEW(arena, repl_replica, reps);
    for (size_t i = 0; i < reps; i++) {
        repl_replica *x = &r->replicas[i];
        const uint32_t p = (uint32_t)(i % partition_count);
        x->capacity = cfg->partition_log_capacity != NULL ? cfg->partition_log_capacity[p]
                                                          : cfg->log_capacity;
        SIM_ASSERT(x->capacity > 0);
        x->records = SIM_ARENA_NEW(arena, repl_record, x->capacity);
        x->segments = SIM_ARENA_NEW(arena, repl_segment, cfg->segments_max);
        x->reg.leader = KPC_NO_LEADER;
        log_reset(r, x, 0);
    }
    r->min_isr = SIM_ARENA_NEW(arena, uint32_t, partition_count);
    for (uint32_t p = 0; p < partition_count; p++) r->min_isr[p] = cfg->min_insync_replicas;
    r->sessions = SIM_ARENA_NEW(arena, repl_session, (size_t)broker_count * broker_count);
    r->fetchers = SIM_ARENA_NEW(arena, repl_fetcher, (size_t)broker_count * broker_count);
    for (uint32_t b = 0; b < broker_count; b++)
        r->brokers[b].waiting = SIM_ARENA_NEW(arena, repl_waiting, cfg->produce_waiting_max);
    r->timer_handler = sim_engine_register(e, on_timer, r);
}

/* Forgets everything a process keeps in memory (roles, sessions, purgatory). */
static void forget_process_state(repl *r, uint32_t b)
{
    repl_broker *br = &r->brokers[b];
    sim_engine_cancel(r->engine, &br->isr_timer);
    sim_engine_cancel(r->engine, &br->flush_timer);
    sim_engine_cancel(r->engine, &br->checkpoint_timer);
    sim_engine_cancel(r->engine, &br->retention_timer);
    for (uint32_t i = 0; i < r->cfg.produce_waiting_max; i++) {
        sim_engine_cancel(r->engine, &br->waiting[i].timer);
        br->waiting[i].used = false; /* the client's connection broke */
    }
    for (uint32_t o = 0; o < r->broker_count; o++) {
        repl_session *s = &r->sessions[(size_t)b * r->broker_count + o];
        sim_engine_cancel(r->engine, &s->timer);
        s->parked = false;
        repl_fetcher *ft = &r->fetchers[(size_t)b * r->broker_count + o];
        sim_engine_cancel(r->engine, &ft->timer);
        ft->in_flight = false;
        ft->backing_off = false;
    }
    for (uint32_t p = 0; p < r->partition_count; p++) {
        repl_replica *x = rep(r, b, p);
        x->role = REPL_ROLE_NONE;
        x->alter_in_flight = false;
    }
}

void repl_broker_start(repl *r, uint32_t b)
{
    SIM_ASSERT(b < r->broker_count);
    repl_broker *br = &r->brokers[b];
    forget_process_state(r, b);
    br->alive = true;
    for (uint32_t p = 0; p < r->partition_count; p++) {
        repl_replica *x = rep(r, b, p);
        /* The HW comes back from replication-offset-checkpoint. */
        x->hw = x->hw_checkpoint < x->leo ? x->hw_checkpoint : x->leo;
        if (x->hw < x->log_start) x->hw = x->log_start;
        x->assigned = false;
        check_replica(r, x);
    }
    arm(r, &br->isr_timer, r->cfg.replica_lag_time_max_us / 2, T_ISR, b);
    arm(r, &br->flush_timer, r->cfg.flush_interval_us, T_FLUSH, b);
    arm(r, &br->checkpoint_timer, r->cfg.hw_checkpoint_interval_us, T_CHECKPOINT, b);
    arm(r, &br->retention_timer, r->cfg.retention_check_interval_us, T_RETENTION, b);
}

void repl_broker_crash(repl *r, uint32_t b)
{
    SIM_ASSERT(b < r->broker_count);
    forget_process_state(r, b);
    r->brokers[b].alive = false; /* the page cache keeps every log whole */
}

void repl_broker_power_off(repl *r, uint32_t b)
{
    repl_broker_crash(r, b);
    for (uint32_t p = 0; p < r->partition_count; p++) {
        repl_replica *x = rep(r, b, p);
        if (x->flushed < x->leo) log_truncate(r, b, p, x->flushed, REPL_TRUNCATE_POWER_LOSS);
    }
}

const repl_replica *repl_replica_get(const repl *r, uint32_t b, uint32_t p)
{
    return rep((repl *)r, b, p);
}

const repl_record *repl_record_at(const repl *r, uint32_t b, uint32_t p, int64_t offset)
{
    const repl_replica *x = repl_replica_get(r, b, p);
    if (offset < x->log_start || offset >= x->leo) return NULL;
    const repl_record *rec = slot_of(r, x, offset);
    SIM_ASSERT(rec->offset == offset);
    return rec;
}

void repl_set_min_insync(repl *r, uint32_t partition_index, uint32_t min_insync_replicas)
{
    SIM_ASSERT(partition_index < r->partition_count);
    SIM_ASSERT(min_insync_replicas >= 1);
    r->min_isr[partition_index] = min_insync_replicas;
}

void repl_broker_metadata_changed(repl *r, uint32_t b)
{
    SIM_ASSERT(b < r->broker_count);
    if (!r->brokers[b].alive) return;
    /* Kafka applies a metadata delta as a whole; here the fence record of a follower can
     * arrive after the PartitionChangeRecord that removed it from the ISR, and the HW
     * that the fenced follower held back must be looked at again then. */
    for (uint32_t p = 0; p < r->partition_count; p++)
        if (rep(r, b, p)->role == REPL_ROLE_LEADER) maybe_increment_hw(r, b, p);
}
