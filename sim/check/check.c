/*
 * check.c — the Raft and partition safety checkers; see check.h.
 *
 * Role / Model / Not modelled: see check.h.
 * Owns / borrows: see check.h.
 * Invariants: each checker is O(nodes) per event, plus O(records) amortised for the
 *   committed-log comparison and O(committed) once per new leadership.
 * Determinism: model state only.
 */
#include "check.h"
#include "../core/sim_assert.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const names[] = {
#define CHK_NAME(id, name) name,
    CHK_INVARIANTS(CHK_NAME)
#undef CHK_NAME
};
static_assert(sizeof names / sizeof names[0] == CHK_COUNT, "invariant table");

const char *chk_invariant_name(chk_invariant inv)
{
    SIM_ASSERT((unsigned)inv < CHK_COUNT);
    return names[inv];
}

chk_invariant chk_invariant_by_name(const char *name)
{
    for (uint32_t i = 0; i < CHK_COUNT; i++)
        if (strcmp(names[i], name) == 0) return (chk_invariant)i;
    return CHK_COUNT;
}

void chk_init(chk_state *c, sim_arena *arena, sim_engine *engine, const raft_cluster *raft,
              int64_t log_capacity)
{
    SIM_ASSERT(log_capacity > 0);
    memset(c, 0, sizeof *c);
    c->raft = raft;
    c->engine = engine;
    const uint32_t n = raft->node_count;
    c->epoch_leader = SIM_ARENA_NEW(arena, int32_t, CHK_EPOCHS_MAX);
    for (uint32_t i = 0; i < CHK_EPOCHS_MAX; i++) c->epoch_leader[i] = -1;
    c->last_epoch = SIM_ARENA_NEW(arena, int32_t, n);
    c->led_epoch = SIM_ARENA_NEW(arena, int32_t, n);
    c->led_hw = SIM_ARENA_NEW(arena, int64_t, n);
    c->checked_upto = SIM_ARENA_NEW(arena, int64_t, n);
    for (uint32_t i = 0; i < n; i++) c->led_epoch[i] = -1;
    c->ref = SIM_ARENA_NEW(arena, raft_record, (size_t)log_capacity);
    c->ref_commit_epoch = SIM_ARENA_NEW(arena, int32_t, (size_t)log_capacity);
    c->ref_capacity = log_capacity;
}

static void violation(chk_state *c, chk_invariant inv, int32_t node_id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void violation(chk_state *c, chk_invariant inv, int32_t node_id, const char *fmt, ...)
{
    chk_result *r = &c->results[inv];
    r->violations++;
    if (!r->has_first) {
        r->has_first = true;
        r->first_t = c->engine->now;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->first, sizeof r->first, fmt, ap);
        va_end(ap);
    }
    sim_trace_emit(&c->engine->trace, SIM_EV_CHECK_VIOLATION, node_id,
                   (const int64_t[]){(int64_t)inv}, names[inv]);
}

static bool same_record(const raft_record *a, const raft_record *b)
{
    return a->offset == b->offset && a->epoch == b->epoch && a->type == b->type && a->a == b->a &&
           a->b == b->b && a->c == b->c;
}

/* Election Safety: one leader per epoch. */
static void check_single_leader(chk_state *c, const raft_node *rn)
{
    if (rn->raft_epoch < 0) return;
    if ((uint32_t)rn->raft_epoch >= CHK_EPOCHS_MAX) {
        c->epochs_unchecked++;
        return;
    }
    int32_t *slot = &c->epoch_leader[rn->raft_epoch];
    if (*slot == -1) {
        *slot = rn->node_id;
    } else if (*slot >= 0 && *slot != rn->node_id) {
        violation(c, CHK_SINGLE_LEADER_PER_EPOCH, rn->node_id,
                  "nodes %" PRId32 " and %" PRId32 " both leader in raft epoch %" PRId32, *slot,
                  rn->node_id, rn->raft_epoch);
        *slot = -2; /* report each epoch once */
    }
}

/* Leader Completeness (Raft §5.4): a leader of epoch E holds every record committed in
 * an epoch before E. Commit epochs never decrease along the log, so the check stops at
 * the first record committed in E or later. */
static void check_new_leader_log(chk_state *c, const raft_node *rn)
{
    for (int64_t off = 0; off < c->ref_len && c->ref_commit_epoch[off] < rn->raft_epoch; off++) {
        if (off >= rn->leo || !same_record(&rn->log[off], &c->ref[off])) {
            violation(c, CHK_COMMITTED_NEVER_LOST, rn->node_id,
                      "node %" PRId32 " became leader in raft epoch %" PRId32
                      " without committed record at offset %" PRId64,
                      rn->node_id, rn->raft_epoch, off);
            return;
        }
    }
}

/* State Machine Safety: every log agrees below its high watermark. */
static void check_committed_prefix(chk_state *c, uint32_t i, const raft_node *rn)
{
    int64_t *upto = &c->checked_upto[i];
    if (*upto > rn->hw) *upto = rn->hw; /* restarted: the HW is re-learned */
    const int64_t hw = rn->hw < rn->leo ? rn->hw : rn->leo;
    for (int64_t off = *upto; off < hw; off++) {
        if (off < c->ref_len) {
            if (!same_record(&rn->log[off], &c->ref[off])) {
                violation(c, CHK_COMMITTED_PREFIX_AGREEMENT, rn->node_id,
                          "node %" PRId32 " committed offset %" PRId64 " as epoch %" PRId32
                          " record, others as epoch %" PRId32,
                          rn->node_id, off, rn->log[off].epoch, c->ref[off].epoch);
                *upto = hw;
                return;
            }
        } else if (off == c->ref_len) {
            SIM_ASSERT(off < c->ref_capacity);
            /* The first node seen with its HW past `off` is the leader that committed it
             * (followers only copy a leader's HW), so its epoch is the commit epoch. */
            c->ref_commit_epoch[off] = rn->raft_epoch;
            c->ref[c->ref_len++] = rn->log[off];
        } else {
            break; /* past a disagreement reported earlier: nothing to compare with */
        }
    }
    *upto = hw;
}

/* ---------------------------------------------------------------------------------
 * Partitions
 * ------------------------------------------------------------------------------- */

size_t chk_partition_bytes(uint32_t broker_count, uint32_t partition_count)
{
    return (size_t)partition_count *
               (CHK_PARTITION_EPOCHS_MAX * sizeof(int32_t) + 2 * sizeof(int32_t) +
                2 * sizeof(int64_t) + (size_t)broker_count * sizeof(int64_t)) +
           128;
}

void chk_set_repl(chk_state *c, sim_arena *arena, const repl *r)
{
    SIM_ASSERT(c->repl == NULL && r != NULL);
    const uint32_t np = r->partition_count;
    c->repl = r;
    c->part_epoch_leader = SIM_ARENA_NEW(arena, int32_t, (size_t)np * CHK_PARTITION_EPOCHS_MAX);
    for (size_t i = 0; i < (size_t)np * CHK_PARTITION_EPOCHS_MAX; i++) c->part_epoch_leader[i] = -1;
    c->hw_broker = SIM_ARENA_NEW(arena, int32_t, np);
    c->hw_epoch = SIM_ARENA_NEW(arena, int32_t, np);
    c->hw_value = SIM_ARENA_NEW(arena, int64_t, np);
    c->agree_key = SIM_ARENA_NEW(arena, int64_t, np);
    c->agree_upto = SIM_ARENA_NEW(arena, int64_t, (size_t)np * r->broker_count);
    for (uint32_t p = 0; p < np; p++) {
        c->hw_broker[p] = -1;
        c->agree_key[p] = -1;
    }
}

static bool same_repl_record(const repl_record *a, const repl_record *b)
{
    return a->offset == b->offset && a->leader_epoch == b->leader_epoch &&
           a->producer_id == b->producer_id && a->sequence == b->sequence &&
           a->value_id == b->value_id && a->size_bytes == b->size_bytes;
}

/* One leader per leader epoch of partition p. */
static void check_partition_leader(chk_state *c, uint32_t p, uint32_t b, const repl_replica *x)
{
    const int32_t epoch = x->reg.leader_epoch;
    const int32_t id = c->repl->broker_ids[b];
    if (epoch < 0 || (uint32_t)epoch >= CHK_PARTITION_EPOCHS_MAX) {
        c->partition_epochs_unchecked++;
        return;
    }
    int32_t *slot = &c->part_epoch_leader[(size_t)p * CHK_PARTITION_EPOCHS_MAX + (uint32_t)epoch];
    if (*slot == -1) {
        *slot = id;
    } else if (*slot >= 0 && *slot != id) {
        violation(c, CHK_SINGLE_PARTITION_LEADER_PER_EPOCH, id,
                  "brokers %" PRId32 " and %" PRId32 " both lead partition %" PRIu32
                  " in leader epoch %" PRId32,
                  *slot, id, p, epoch);
        *slot = -2;
    }
}

/* The leader's HW within one leadership (same broker process, same leader epoch). */
static void check_partition_hw(chk_state *c, uint32_t p, int32_t b, const repl_replica *x)
{
    if (b < 0) {
        c->hw_broker[p] = -1; /* nobody leads: the next leadership starts afresh */
        return;
    }
    if (c->hw_broker[p] == b && c->hw_epoch[p] == x->reg.leader_epoch && x->hw < c->hw_value[p]) {
        violation(c, CHK_PARTITION_LEADER_HW_MONOTONIC, c->repl->broker_ids[b],
                  "leader %" PRId32 " of partition %" PRIu32 " moved its HW from %" PRId64
                  " to %" PRId64 " in leader epoch %" PRId32,
                  c->repl->broker_ids[b], p, c->hw_value[p], x->hw, x->reg.leader_epoch);
    }
    c->hw_broker[p] = b;
    c->hw_epoch[p] = x->reg.leader_epoch;
    c->hw_value[p] = x->hw;
}

/* Records below the leader's HW agree on every ISR member (incrementally: each member's
 * prefix is compared once per leadership). */
static void check_isr_agreement(chk_state *c, uint32_t p, uint32_t lb, const repl_replica *ld)
{
    const repl *r = c->repl;
    const int64_t key = ((int64_t)lb << 32) | (uint32_t)ld->reg.leader_epoch;
    int64_t *upto = &c->agree_upto[(size_t)p * r->broker_count];
    if (c->agree_key[p] != key) {
        c->agree_key[p] = key;
        for (uint32_t b = 0; b < r->broker_count; b++) upto[b] = 0;
    }
    for (uint32_t i = 0; i < ld->reg.isr_count; i++) {
        const uint32_t mb = repl_broker_index(r, ld->reg.isr[i]);
        if (mb == UINT32_MAX || mb == lb) continue;
        const repl_replica *y = repl_replica_get(r, mb, p);
        int64_t end = ld->hw < y->leo ? ld->hw : y->leo;
        if (end > ld->leo) end = ld->leo;
        int64_t off = upto[mb];
        if (off < ld->log_start) off = ld->log_start;
        if (off < y->log_start) off = y->log_start;
        for (; off < end; off++) {
            const repl_record *a = repl_record_at(r, lb, p, off);
            const repl_record *m = repl_record_at(r, mb, p, off);
            SIM_ASSERT(a != NULL && m != NULL);
            if (!same_repl_record(a, m)) {
                violation(c, CHK_ISR_COMMITTED_AGREEMENT, r->broker_ids[mb],
                          "partition %" PRIu32 " offset %" PRId64 " below HW %" PRId64
                          ": leader %" PRId32 " has epoch %" PRId32 ", ISR member %" PRId32
                          " epoch %" PRId32,
                          p, off, ld->hw, r->broker_ids[lb], a->leader_epoch, r->broker_ids[mb],
                          m->leader_epoch);
                off = end;
                break;
            }
        }
        upto[mb] = end > upto[mb] ? end : upto[mb];
        if (upto[mb] > y->leo) upto[mb] = y->leo; /* truncated since: compare again */
    }
}

static void check_partitions(chk_state *c)
{
    const repl *r = c->repl;
    for (uint32_t p = 0; p < r->partition_count; p++) {
        int32_t lead = -1; /* the alive leader with the newest leader epoch */
        for (uint32_t b = 0; b < r->broker_count; b++) {
            const repl_replica *x = repl_replica_get(r, b, p);
            if (x->hw > x->leo) {
                violation(c, CHK_REPLICA_HW_LE_LEO, r->broker_ids[b],
                          "broker %" PRId32 " partition %" PRIu32 ": HW %" PRId64
                          " above LEO %" PRId64,
                          r->broker_ids[b], p, x->hw, x->leo);
            }
            if (!r->brokers[b].alive || x->role != REPL_ROLE_LEADER) continue;
            check_partition_leader(c, p, b, x);
            if (lead < 0 ||
                x->reg.leader_epoch > repl_replica_get(r, (uint32_t)lead, p)->reg.leader_epoch)
                lead = (int32_t)b;
        }
        const repl_replica *ld = lead >= 0 ? repl_replica_get(r, (uint32_t)lead, p) : NULL;
        check_partition_hw(c, p, lead, ld);
        if (ld != NULL) check_isr_agreement(c, p, (uint32_t)lead, ld);
    }
}

void chk_after_event(chk_state *c)
{
    if (c->repl != NULL) check_partitions(c);
    const raft_cluster *raft = c->raft;
    for (uint32_t i = 0; i < raft->node_count; i++) {
        const raft_node *rn = &raft->nodes[i];
        if (rn->raft_epoch < c->last_epoch[i]) {
            violation(c, CHK_EPOCH_MONOTONIC, rn->node_id,
                      "node %" PRId32 " went from raft epoch %" PRId32 " back to %" PRId32,
                      rn->node_id, c->last_epoch[i], rn->raft_epoch);
        }
        c->last_epoch[i] = rn->raft_epoch;
        check_committed_prefix(c, i, rn);
        if (rn->role != RAFT_ROLE_LEADER || sim_engine_endpoint_down_p(c->engine, rn->endpoint))
            continue;
        check_single_leader(c, rn);
        if (c->led_epoch[i] != rn->raft_epoch) {
            c->led_epoch[i] = rn->raft_epoch;
            c->led_hw[i] = rn->hw;
            check_new_leader_log(c, rn);
        } else if (rn->hw < c->led_hw[i]) {
            violation(c, CHK_LEADER_HW_MONOTONIC, rn->node_id,
                      "leader %" PRId32 " high watermark went from %" PRId64 " to %" PRId64
                      " in raft epoch %" PRId32,
                      rn->node_id, c->led_hw[i], rn->hw, rn->raft_epoch);
            c->led_hw[i] = rn->hw;
        } else {
            c->led_hw[i] = rn->hw;
        }
    }
}

void chk_produce_answered(chk_state *c, uint32_t broker_index, const repl_produce_result *res)
{
    SIM_ASSERT(c->repl != NULL && broker_index < c->repl->broker_count);
    if (res->acks != -1 || res->error != REPL_ERR_NONE) return;
    const repl *r = c->repl;
    const repl_replica *x = repl_replica_get(r, broker_index, res->partition_index);
    SIM_ASSERT(res->last_offset >= res->base_offset);
    for (uint32_t i = 0; i < x->reg.isr_count; i++) {
        const uint32_t m = repl_broker_index(r, x->reg.isr[i]);
        if (m == UINT32_MAX) continue;
        const repl_replica *y = repl_replica_get(r, m, res->partition_index);
        if (y->leo > res->last_offset) continue;
        violation(c, CHK_ACKS_ALL_REPLICATED, r->broker_ids[broker_index],
                  "broker %" PRId32 " acknowledged offsets %" PRId64 "..%" PRId64
                  " of partition %" PRIu32 " with acks=all while ISR member %" PRId32
                  " ended at %" PRId64,
                  r->broker_ids[broker_index], res->base_offset, res->last_offset,
                  res->partition_index, x->reg.isr[i], y->leo);
        return;
    }
}

void chk_report(chk_state *c, chk_invariant inv, int32_t node_id, const char *text)
{
    SIM_ASSERT(inv < CHK_COUNT && text != NULL);
    violation(c, inv, node_id, "%s", text);
}
