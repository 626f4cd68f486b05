/*
 * records.c — what became of every record the producers sent (spec §3 `records`).
 *
 * Role: at the end of a run the CLI asks `sim_world_records` for the accounting; it reads
 *   each producer's history (producer.h) and the final partition logs (replication.h).
 * Model: spec §3: `records.acked` counts records whose produce was acknowledged (acks 1
 *   or all); `acked_lost` those absent from the log of their partition's leader at the
 *   end (records below the log start were deleted by retention, not lost); a partition
 *   with no leader at the end makes its acknowledged records `unavailable`;
 *   `duplicates` counts records present more than once in a final leader's log (a
 *   producer without idempotence that retried a batch the broker had in fact appended).
 *   A record is identified in a log by its value id: the producer's index and the
 *   record's number among that producer's records to the partition.
 * Owns / borrows: borrows the world; a scratch array from the heap for the duration of
 *   the call (this runs after the last step, never inside one).
 * Invariants: acked + failed + unconfirmed + pending = sent.
 * Determinism: producers, records and partitions in index order; qsort with a total
 *   order (value ids are unique per copy only up to duplicates, which compare equal and
 *   are counted, not ordered).
 * Not modelled: consumers (records.consumed stays 0 until consumer groups exist).
 */
#include "world.h"

#include "../core/sim_assert.h"

#include <stdlib.h>
#include <string.h>

static uint32_t value_id_of(uint32_t producer, uint32_t pseq)
{
    return (producer << 24) | pseq;
}

/* The final leader's replica of partition p, or NULL without a leader. */
static const repl_replica *final_leader(const sim_world *w, uint32_t p, uint32_t *broker)
{
    const kpc_reg *reg = sim_world_partition(w, p);
    if (reg == NULL || reg->leader == KPC_NO_LEADER) return NULL;
    const uint32_t b = repl_broker_index(&w->repl, reg->leader);
    if (b == UINT32_MAX) return NULL;
    const repl_replica *x = repl_replica_get(&w->repl, b, p);
    if (x->role != REPL_ROLE_LEADER) return NULL; /* elected, not yet taken up */
    *broker = b;
    return x;
}

/* Whether the leader's log holds value id `v` anywhere (the slow path for a record not
 * found at its acknowledged offset). */
static bool log_holds(const sim_world *w, uint32_t b, uint32_t p, const repl_replica *x, uint32_t v)
{
    for (int64_t o = x->log_start; o < x->leo; o++) {
        const repl_record *r = repl_record_at(&w->repl, b, p, o);
        if (r != NULL && r->value_id == v) return true;
    }
    return false;
}

static sim_time lost_at(const sim_world *w, uint32_t p, int64_t offset, sim_time acked)
{
    sim_time first = SIM_TIME_NEVER;
    for (uint32_t i = 0; i < w->leader_change_count; i++) {
        const sim_partition_leader_change *c = &w->leader_changes[i];
        if (c->partition != p || c->t < acked) continue;
        if (c->leo <= offset) return c->t;
        if (first == SIM_TIME_NEVER) first = c->t;
    }
    return first != SIM_TIME_NEVER ? first : w->engine.now;
}

static void check_acked(const sim_world *w, uint32_t i, const prod_rec *r, sim_records *out,
                        sim_lost_record *lost, uint32_t lost_max)
{
    uint32_t b = 0;
    const repl_replica *x = final_leader(w, r->partition, &b);
    if (x == NULL) {
        out->unavailable++;
        return;
    }
    if (r->offset < x->log_start) return; /* deleted by retention: not lost */
    const uint32_t v = value_id_of(i, r->pseq);
    const repl_record *at = repl_record_at(&w->repl, b, r->partition, r->offset);
    if (at != NULL && at->value_id == v) return;
    if (log_holds(w, b, r->partition, x, v)) return;
    if (lost != NULL && out->lost_stored < lost_max) {
        lost[out->lost_stored++] = (sim_lost_record){
            .producer = i,
            .partition = r->partition,
            .offset = r->offset,
            .acked_us = r->done_us,
            .lost_us = lost_at(w, r->partition, r->offset, r->done_us),
        };
    }
    out->acked_lost++;
}

static int cmp_u32(const void *a, const void *b)
{
    const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Records present more than once in each final leader's log. */
static uint64_t duplicates(const sim_world *w)
{
    uint64_t dups = 0;
    uint32_t *ids = NULL;
    size_t cap = 0;
    for (uint32_t p = 0; p < sim_world_partition_count(w); p++) {
        uint32_t b = 0;
        const repl_replica *x = final_leader(w, p, &b);
        if (x == NULL || x->leo <= x->log_start) continue;
        const size_t n = (size_t)(x->leo - x->log_start);
        if (n > cap) {
            ids = sim_xrealloc(ids, n * sizeof *ids);
            cap = n;
        }
        size_t k = 0;
        for (int64_t o = x->log_start; o < x->leo; o++) {
            const repl_record *r = repl_record_at(&w->repl, b, p, o);
            if (r != NULL) ids[k++] = r->value_id;
        }
        qsort(ids, k, sizeof *ids, cmp_u32);
        for (size_t j = 1; j < k; j++) dups += ids[j] == ids[j - 1];
    }
    free(ids);
    return dups;
}

void sim_world_records(const sim_world *w, sim_records *out, sim_lost_record *lost,
                       uint32_t lost_max)
{
    memset(out, 0, sizeof *out);
    if (!w->has_producers) return;
    for (uint32_t i = 0; i < w->producers.count; i++) {
        const prod_client *c = &w->producers.clients[i];
        for (uint32_t k = 0; k < c->rec_count; k++) {
            const prod_rec *r = &c->recs[k];
            out->sent++;
            switch ((prod_rec_state)r->state) {
            case PROD_REC_PENDING:
                out->pending++;
                break;
            case PROD_REC_ACKED:
                out->acked++;
                check_acked(w, i, r, out, lost, lost_max);
                break;
            case PROD_REC_FAILED:
                out->failed++;
                break;
            case PROD_REC_UNCONFIRMED:
                out->unconfirmed++;
                break;
            default:
                SIM_UNREACHABLE();
            }
        }
    }
    SIM_ASSERT(out->acked + out->failed + out->unconfirmed + out->pending == out->sent);
    out->duplicates = duplicates(w);
}
