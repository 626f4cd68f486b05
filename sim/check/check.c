/*
 * check.c — the Raft safety checkers; see check.h.
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

void chk_after_event(chk_state *c)
{
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
