/*
 * raft_fixture.c — see raft_fixture.h.
 */
#include "raft_fixture.h"
#include "../../sim/core/sim_assert.h"

#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rf_config_default(rf_config *cfg, uint32_t node_count, uint32_t voter_count, uint64_t seed)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->node_count = node_count;
    cfg->voter_count = voter_count;
    cfg->first_node_id = 1;
    cfg->seed = seed;
    raft_config_default(&cfg->raft);
    cfg->raft.log_capacity = 2048;
    cfg->latency_min_us = 1000;
    cfg->latency_max_us = 1000;
    cfg->check_safety = true;
}

static uint32_t index_of_id(const raft_fixture *f, int64_t node_id)
{
    const int64_t i = node_id - f->cfg.first_node_id;
    return i >= 0 && i < (int64_t)f->cfg.node_count ? (uint32_t)i : UINT32_MAX;
}

static void trace_sink(void *ctx, const sim_trace_rec *rec)
{
    raft_fixture *f = ctx;
    if (f->print_trace) {
        char line[512];
        sim_trace_format(rec, line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
    const uint32_t i = index_of_id(f, rec->node);
    if (i == UINT32_MAX) return;
    f->ev_count[rec->ev][i]++;
    if (rec->ev == SIM_EV_RAFT_RESIGN) f->last_resign_reason[i] = rec->f[1];
    if (rec->ev == SIM_EV_RAFT_TRUNCATE) {
        f->last_truncate_at[i] = rec->t;
        f->last_truncate_offset[i] = rec->f[1];
    }
}

static void apply_cb(void *ctx, raft_node *node, const raft_record *rec)
{
    raft_fixture *f = ctx;
    const uint32_t i = node->index;
    /* Exactly once per record per incarnation, in offset order (raft.h contract). */
    if (f->incarnation[i] != node->incarnation) {
        f->incarnation[i] = node->incarnation;
        f->next_apply[i] = 0;
        f->last_hw[i] = 0;
    }
    if (f->cfg.check_safety) {
        cr_assert_eq(rec->offset, f->next_apply[i],
                     "node %d applied offset %" PRId64 " out of order (expected %" PRId64 ")",
                     node->node_id, rec->offset, f->next_apply[i]);
        cr_assert_lt(rec->offset, node->hw, "applied an uncommitted record");
    }
    f->next_apply[i] = rec->offset + 1;
    f->applied[i]++;
}

static void recv_cb(void *ctx, const net_msg *msg)
{
    raft_fixture *f = ctx;
    cr_assert(raft_msg_kind_p(msg->kind));
    raft_recv(&f->cluster, msg);
}

void rf_init(raft_fixture *f, const rf_config *cfg)
{
    cr_assert(cfg->node_count >= 1 && cfg->node_count <= RF_NODES_MAX);
    cr_assert(cfg->voter_count >= 1 && cfg->voter_count <= cfg->node_count);
    memset(f, 0, sizeof *f);
    f->cfg = *cfg;
    const uint32_t n = cfg->node_count;
    for (uint32_t i = 0; i < n; i++) {
        f->node_ids[i] = cfg->first_node_id + (int32_t)i;
        f->endpoints[i] = (int32_t)i;
        f->voter[i] = i < cfg->voter_count;
        f->last_truncate_offset[i] = -1;
        f->last_truncate_at[i] = SIM_TIME_NEVER;
    }
    f->print_trace = getenv("RF_TRACE") != NULL;
    f->arena = sim_arena_new((size_t)48 << 20);
    sim_engine_init(&f->engine, f->arena, 20000, n);
    sim_trace_add_sink(&f->engine.trace, trace_sink, f);
    const net_config nc = {.latency_min_us = cfg->latency_min_us,
                           .latency_max_us = cfg->latency_max_us,
                           .loss_ppm = cfg->loss_ppm,
                           .msg_capacity = 16000};
    net_init(&f->net, &f->engine, f->arena, cfg->seed, n, f->node_ids, nc);
    net_set_receiver(&f->net, recv_cb, f);
    raft_cluster_init(&f->cluster, &f->engine, &f->net, f->arena, cfg->seed, &cfg->raft, n,
                      f->endpoints, f->node_ids, f->voter);
    f->cluster.bugs = cfg->bugs;
    raft_set_apply(&f->cluster, apply_cb, f);
    chk_init(&f->chk, f->arena, &f->engine, &f->cluster, (int64_t)cfg->raft.log_capacity);
    raft_start(&f->cluster);
}

void rf_deinit(raft_fixture *f)
{
    sim_arena_free(f->arena);
    f->arena = NULL;
}

sim_time rf_now(const raft_fixture *f)
{
    return f->engine.now;
}

raft_node *rf_node(raft_fixture *f, uint32_t index)
{
    cr_assert_lt(index, f->cluster.node_count);
    return &f->cluster.nodes[index];
}

static void check_node(raft_fixture *f, uint32_t i)
{
    const raft_node *n = &f->cluster.nodes[i];
    if (f->incarnation[i] != n->incarnation) { /* a restart re-learns its HW */
        f->incarnation[i] = n->incarnation;
        f->next_apply[i] = 0;
        f->last_hw[i] = 0;
    }
    if (!f->cfg.check_safety) return;
    cr_assert_leq(n->hw, n->leo, "node %d: hw %" PRId64 " > leo %" PRId64, n->node_id, n->hw,
                  n->leo);
    cr_assert_geq(n->hw, f->last_hw[i], "node %d: hw went down", n->node_id);
    f->last_hw[i] = n->hw;
    if (!n->voter) {
        cr_assert(n->role == RAFT_ROLE_UNATTACHED || n->role == RAFT_ROLE_FOLLOWER,
                  "observer %d is %s", n->node_id, raft_role_name(n->role));
    }
}

/* The fixture's own checks, then the project's checkers (sim/check): with check_safety
 * any observed violation fails the test. */
static void check_all(raft_fixture *f)
{
    for (uint32_t i = 0; i < f->cluster.node_count; i++) check_node(f, i);
    chk_after_event(&f->chk);
    if (!f->cfg.check_safety) return;
    for (uint32_t k = 0; k < CHK_COUNT; k++) {
        const chk_result *r = &f->chk.results[k];
        if (r->violations > 0)
            cr_assert_fail("%s violated at %llu us: %s", chk_invariant_name((chk_invariant)k),
                           (unsigned long long)r->first_t, r->first);
    }
}

bool rf_step_before(raft_fixture *f, sim_time limit)
{
    if (!sim_engine_step(&f->engine, limit)) return false;
    f->steps++;
    check_all(f);
    return true;
}

void rf_run_until(raft_fixture *f, sim_time t)
{
    cr_assert_geq(t, rf_now(f));
    while (rf_step_before(f, t)) {
    }
    sim_engine_advance_to(&f->engine, t);
}

sim_time rf_step_until(raft_fixture *f, rf_pred pred, const void *arg, sim_time limit,
                       const char *what)
{
    while (!pred(f, arg)) {
        cr_assert(rf_step_before(f, limit), "timed out at %" PRIu64 " us waiting for %s", rf_now(f),
                  what);
    }
    return rf_now(f);
}

int32_t rf_leader_index(raft_fixture *f)
{
    const raft_node *leader = raft_leader(&f->cluster);
    return leader != NULL ? (int32_t)leader->index : -1;
}

bool rf_has_leader(raft_fixture *f, const void *arg)
{
    (void)arg;
    return raft_leader(&f->cluster) != NULL;
}

bool rf_all_caught_up(raft_fixture *f, const void *arg)
{
    (void)arg;
    const raft_node *leader = raft_leader(&f->cluster);
    if (leader == NULL || leader->hw != leader->leo) return false;
    for (uint32_t i = 0; i < f->cluster.node_count; i++) {
        const raft_node *n = &f->cluster.nodes[i];
        if (!n->alive) continue;
        /* Same length and same last epoch: the same log (Log Matching, Raft §5.3). */
        if (n->leo != leader->leo || raft_last_epoch(n) != raft_last_epoch(leader)) return false;
    }
    return true;
}

void rf_crash(raft_fixture *f, uint32_t index)
{
    raft_node *n = rf_node(f, index);
    sim_engine_endpoint_down(&f->engine, n->endpoint);
    raft_crash(&f->cluster, n);
    SIM_TRACE0(&f->engine.trace, SIM_EV_NODE_CRASH, n->node_id);
}

void rf_restart(raft_fixture *f, uint32_t index)
{
    raft_node *n = rf_node(f, index);
    sim_engine_endpoint_up(&f->engine, n->endpoint);
    SIM_TRACE0(&f->engine.trace, SIM_EV_NODE_RESTART, n->node_id);
    raft_restart(&f->cluster, n);
}

void rf_isolate(raft_fixture *f, uint32_t index)
{
    net_isolate(&f->net, rf_node(f, index)->endpoint);
}

void rf_heal(raft_fixture *f)
{
    net_heal_all(&f->net);
}

uint32_t rf_events(const raft_fixture *f, sim_trace_ev ev, uint32_t index)
{
    cr_assert_lt((unsigned)ev, (unsigned)SIM_EV_COUNT);
    cr_assert_lt(index, f->cfg.node_count);
    return f->ev_count[ev][index];
}
