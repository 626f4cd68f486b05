/*
 * repl_fixture.c — see repl_fixture.h.
 */
#include "repl_fixture.h"
#include "../../sim/core/sim_assert.h"

#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONTROLLER_ID 1000

void rpf_config_default(rpf_config *cfg, uint32_t broker_count, uint32_t partition_count)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->broker_count = broker_count;
    cfg->partition_count = partition_count;
    cfg->replica_count = broker_count < 3 ? broker_count : 3;
    for (uint32_t p = 0; p < partition_count; p++)
        for (uint32_t i = 0; i < cfg->replica_count; i++)
            cfg->replicas[p][i] = (int32_t)((p + i) % broker_count) + 1;
    repl_config_default(&cfg->repl);
    cfg->repl.log_capacity = 512;
}

static uint32_t bidx(const repl_fixture *f, int32_t id)
{
    cr_assert(id >= 1 && (uint32_t)id <= f->cfg.broker_count, "no broker %d", id);
    return (uint32_t)(id - 1);
}

/* ---- stand-in controller ---------------------------------------------------------- */

static uint32_t acceptable(const repl_fixture *f, int32_t *out)
{
    uint32_t n = 0;
    for (uint32_t b = 0; b < f->cfg.broker_count; b++)
        if (!f->fenced[b]) out[n++] = (int32_t)b + 1;
    return n;
}

static void publish_now(repl_fixture *f, uint32_t p)
{
    for (uint32_t b = 0; b < f->cfg.broker_count; b++)
        if (f->repl.brokers[b].alive) repl_apply_partition(&f->repl, b, p, &f->regs[p]);
}

static void publish_cb(void *ctx, int32_t endpoint, uint64_t arg)
{
    (void)endpoint;
    publish_now(ctx, (uint32_t)arg);
}

static void publish(repl_fixture *f, uint32_t p)
{
    if (f->cfg.metadata_delay_us == 0) {
        publish_now(f, p);
    } else {
        sim_engine_after(&f->engine, f->cfg.metadata_delay_us, f->publish_handler,
                         SIM_ENDPOINT_NONE, p);
    }
}

static void write_record(repl_fixture *f, uint32_t p, const kpc_record *rec)
{
    kpc_apply(&f->regs[p], rec);
    publish(f, p);
}

static int32_t ctrl_endpoint_cb(void *ctx, uint32_t broker_index)
{
    (void)broker_index;
    return ((repl_fixture *)ctx)->controller_endpoint;
}

static void alter_cb(void *ctx, int32_t controller_endpoint, uint32_t from,
                     const repl_alter_req *req)
{
    repl_fixture *f = ctx;
    f->alter_requests++;
    const uint32_t p = req->partition_index;
    int32_t ok[RPF_BROKERS_MAX];
    const uint32_t ok_count = acceptable(f, ok);
    kpc_record rec;
    bool has_record = false;
    const int32_t err =
        kpc_alter_partition(&f->regs[p], req->leader_id, req->leader_epoch, req->partition_epoch,
                            req->new_isr, req->new_isr_count, ok, ok_count, &rec, &has_record);
    if (err != KPC_ERR_NONE) f->alter_rejected++;
    if (err == KPC_ERR_NONE && has_record) write_record(f, p, &rec);
    repl_alter_partition_reply(&f->repl, controller_endpoint, from, p, err, &f->regs[p]);
}

static bool eligible_cb(void *ctx, uint32_t leader_broker, int32_t broker_id)
{
    repl_fixture *f = ctx;
    (void)leader_broker;
    return !f->fenced[bidx(f, broker_id)];
}

static void record_result(repl_fixture *f, uint32_t slot, const repl_produce_result *res);

static void produce_done_cb(void *ctx, uint32_t broker_index, const repl_produce_result *res)
{
    (void)broker_index;
    record_result(ctx, (uint32_t)res->request_id, res);
}

/* The fixture carries the module's messages over sim/net, wrapped: an 8-byte header
 * holding the repl kind, in a net message of a kind no other model runs here. */
#define WRAP_KIND NET_MSG_APPEND_REQ

static void send_cb(void *ctx, int32_t from, int32_t to, repl_msg_kind kind, const void *body,
                    uint32_t bytes)
{
    repl_fixture *f = ctx;
    _Alignas(8) uint8_t buf[NET_BODY_BYTES];
    const uint32_t head[2] = {(uint32_t)kind, bytes};
    memcpy(buf, head, sizeof head);
    memcpy(buf + sizeof head, body, bytes);
    net_send(&f->net, from, to, WRAP_KIND, buf, bytes + (uint32_t)sizeof head);
}

static void recv_cb(void *ctx, const net_msg *msg)
{
    repl_fixture *f = ctx;
    cr_assert_eq(msg->kind, WRAP_KIND);
    uint32_t head[2];
    memcpy(head, msg->body, sizeof head);
    repl_deliver(&f->repl, (repl_msg_kind)head[0], msg->from, msg->to, msg->body + sizeof head,
                 head[1]);
}

static void trace_sink(void *ctx, const sim_trace_rec *rec)
{
    repl_fixture *f = ctx;
    if (!f->print_trace) return;
    char line[512];
    sim_trace_format(rec, line, sizeof line);
    fprintf(stderr, "%s\n", line);
}

static void event_cb(void *ctx, int32_t broker_id, repl_event ev, const int64_t *fields)
{
    repl_fixture *f = ctx;
    f->events[ev]++;
    if (!f->print_trace) return;
    fprintf(stderr, "{\"t\":%" PRIu64 ",\"ev\":\"%s\",\"node\":%d,\"%s\":[", rpf_now(f),
            repl_event_name(ev), broker_id, repl_event_fields(ev));
    const char *names = repl_event_fields(ev);
    uint32_t n = 1;
    for (const char *c = names; *c != '\0'; c++) n += *c == ',';
    for (uint32_t i = 0; i < n; i++) fprintf(stderr, "%s%" PRId64, i ? "," : "", fields[i]);
    fprintf(stderr, "]}\n");
}

void rpf_init(repl_fixture *f, const rpf_config *cfg)
{
    cr_assert(cfg->broker_count >= 1 && cfg->broker_count <= RPF_BROKERS_MAX);
    cr_assert(cfg->partition_count >= 1 && cfg->partition_count <= RPF_PARTITIONS_MAX);
    memset(f, 0, sizeof *f);
    f->cfg = *cfg;
    const uint32_t n = cfg->broker_count;
    for (uint32_t b = 0; b < n; b++) {
        f->ids[b] = (int32_t)b + 1;
        f->endpoints[b] = (int32_t)b;
    }
    f->ids[n] = CONTROLLER_ID;
    f->endpoints[n] = (int32_t)n;
    f->controller_endpoint = (int32_t)n;
    f->first_violation_at = SIM_TIME_NEVER;
    f->print_trace = getenv("RPF_TRACE") != NULL;
    f->arena =
        sim_arena_new(repl_arena_bytes(&cfg->repl, n, cfg->partition_count) + ((size_t)16 << 20));
    sim_engine_init(&f->engine, f->arena, 8192, n + 1);
    sim_trace_add_sink(&f->engine.trace, trace_sink, f);
    const net_config nc = {.latency_min_us = 1000, .latency_max_us = 1000, .msg_capacity = 4096};
    net_init(&f->net, &f->engine, f->arena, 1, n + 1, f->ids, nc);
    net_set_receiver(&f->net, recv_cb, f);
    const repl_ops ops = {.send = send_cb,
                          .controller_endpoint = ctrl_endpoint_cb,
                          .alter_partition = alter_cb,
                          .isr_eligible = eligible_cb,
                          .event = event_cb,
                          .produce_done = produce_done_cb};
    repl_init(&f->repl, &f->engine, f->arena, &cfg->repl, n, f->ids, f->endpoints,
              cfg->partition_count, &ops, f);
    f->repl.bugs = cfg->bugs;
    f->publish_handler = sim_engine_register(&f->engine, publish_cb, f);
    for (uint32_t b = 0; b < n; b++) repl_broker_start(&f->repl, b);
    int32_t ok[RPF_BROKERS_MAX];
    const uint32_t ok_count = acceptable(f, ok);
    for (uint32_t p = 0; p < cfg->partition_count; p++) {
        cr_assert(kpc_create(&f->regs[p], cfg->replicas[p], cfg->replica_count, ok, ok_count));
        publish_now(f, p);
    }
}

void rpf_deinit(repl_fixture *f)
{
    sim_arena_free(f->arena);
    f->arena = NULL;
}

sim_time rpf_now(const repl_fixture *f)
{
    return f->engine.now;
}

const repl_replica *rpf_rep(const repl_fixture *f, int32_t id, uint32_t p)
{
    return repl_replica_get(&f->repl, bidx(f, id), p);
}

/* ---- observations ----------------------------------------------------------------- */

static void violation(repl_fixture *f, uint64_t *counter, const char *what, int32_t id, uint32_t p)
{
    if (*counter == 0 && f->print_trace)
        fprintf(stderr, "observed %s on broker %d partition %u at %" PRIu64 " us\n", what, id, p,
                rpf_now(f));
    (*counter)++;
    if (f->first_violation_at == SIM_TIME_NEVER) f->first_violation_at = rpf_now(f);
}

static bool same_as_ref(const repl_fixture *f, uint32_t p, const repl_record *rec, int64_t o)
{
    return rec != NULL && rec->value_id == f->ref[p][o].value_id &&
           rec->leader_epoch == f->ref[p][o].leader_epoch;
}

static void observe_partition(repl_fixture *f, uint32_t p)
{
    for (uint32_t b = 0; b < f->cfg.broker_count; b++) {
        const repl_replica *x = repl_replica_get(&f->repl, b, p);
        if (!f->repl.brokers[b].alive || x->role != REPL_ROLE_LEADER) continue;
        /* Extend the committed reference with what this leader's HW covers. */
        for (int64_t o = f->ref_len[p]; o < x->hw && o < RPF_REF_MAX; o++) {
            const repl_record *rec = repl_record_at(&f->repl, b, p, o);
            cr_assert_not_null(rec);
            f->ref[p][o] = (rpf_ref_entry){rec->value_id, rec->leader_epoch};
            f->ref_len[p] = o + 1;
        }
        /* hw_above_isr: HW <= min LEO over the ISR the leader knows. */
        for (uint32_t i = 0; i < x->reg.isr_count; i++) {
            const uint32_t m = bidx(f, x->reg.isr[i]);
            const repl_replica *y = repl_replica_get(&f->repl, m, p);
            if (y->leo < x->hw) violation(f, &f->hw_above_isr, "hw_above_isr", (int32_t)b + 1, p);
        }
        /* committed_lost: a leader holds every committed record. */
        for (int64_t o = 0; o < f->ref_len[p]; o++) {
            if (o < x->log_start) continue;
            if (!same_as_ref(f, p, repl_record_at(&f->repl, b, p, o), o)) {
                violation(f, &f->committed_lost, "committed_lost", (int32_t)b + 1, p);
                break;
            }
        }
    }
    for (uint32_t b = 0; b < f->cfg.broker_count; b++) {
        const repl_replica *x = repl_replica_get(&f->repl, b, p);
        const int64_t upto = x->hw < f->ref_len[p] ? x->hw : f->ref_len[p];
        for (int64_t o = x->log_start; o < upto; o++) {
            if (!same_as_ref(f, p, repl_record_at(&f->repl, b, p, o), o)) {
                violation(f, &f->prefix_diverged, "prefix_diverged", (int32_t)b + 1, p);
                break;
            }
        }
    }
}

static void observe_all(repl_fixture *f)
{
    for (uint32_t p = 0; p < f->cfg.partition_count; p++) observe_partition(f, p);
}

bool rpf_step_before(repl_fixture *f, sim_time limit)
{
    if (!sim_engine_step(&f->engine, limit)) return false;
    f->steps++;
    observe_all(f);
    return true;
}

void rpf_run_until(repl_fixture *f, sim_time t)
{
    cr_assert_geq(t, rpf_now(f));
    while (rpf_step_before(f, t)) {
    }
    sim_engine_advance_to(&f->engine, t);
}

void rpf_check_clean(const repl_fixture *f)
{
    cr_assert_eq(f->hw_above_isr, 0, "hw_above_isr observed");
    cr_assert_eq(f->committed_lost, 0, "committed_lost observed");
    cr_assert_eq(f->prefix_diverged, 0, "prefix_diverged observed");
    cr_assert_eq(f->acks_all_early, 0, "acks_all_early observed");
}

/* ---- produce ---------------------------------------------------------------------- */

static void record_result(repl_fixture *f, uint32_t slot, const repl_produce_result *res)
{
    cr_assert_lt(slot, f->result_count);
    f->results[slot] = *res;
    f->result_at[slot] = rpf_now(f);
    /* acks_all_early: every ISR member (controller's view) must hold the batch. */
    if (res->acks == -1 && res->error == REPL_ERR_NONE) {
        const kpc_reg *reg = &f->regs[res->partition_index];
        for (uint32_t i = 0; i < reg->isr_count; i++) {
            const repl_replica *y = rpf_rep(f, reg->isr[i], res->partition_index);
            if (y->leo <= res->last_offset)
                violation(f, &f->acks_all_early, "acks_all_early", reg->isr[i],
                          res->partition_index);
        }
    }
}

uint32_t rpf_produce_idem(repl_fixture *f, uint32_t p, int32_t acks, uint32_t count,
                          int64_t producer_id, int32_t first_sequence, uint32_t value_id)
{
    cr_assert_lt(f->result_count, RPF_RESULTS_MAX);
    const uint32_t slot = f->result_count++;
    f->results[slot] = (repl_produce_result){.error = -1};
    f->result_at[slot] = SIM_TIME_NEVER;
    const int32_t leader = f->regs[p].leader;
    cr_assert_neq(leader, KPC_NO_LEADER, "partition %u has no leader", p);
    const repl_produce_req req = {.partition_index = p,
                                  .acks = acks,
                                  .record_count = count,
                                  .record_bytes = 100,
                                  .first_value_id = value_id,
                                  .producer_id = producer_id,
                                  .first_sequence = first_sequence,
                                  .timeout_us = SIM_MS(30000),
                                  .request_id = slot};
    repl_produce_result res;
    if (repl_produce(&f->repl, bidx(f, leader), &req, &res)) record_result(f, slot, &res);
    observe_all(f);
    return slot;
}

uint32_t rpf_produce(repl_fixture *f, uint32_t p, int32_t acks, uint32_t count, uint32_t value_id)
{
    return rpf_produce_idem(f, p, acks, count, -1, -1, value_id);
}

bool rpf_answered(const repl_fixture *f, uint32_t slot)
{
    return f->result_at[slot] != SIM_TIME_NEVER;
}

/* ---- faults ----------------------------------------------------------------------- */

void rpf_crash(repl_fixture *f, int32_t id)
{
    const uint32_t b = bidx(f, id);
    sim_engine_endpoint_down(&f->engine, f->endpoints[b]);
    repl_broker_crash(&f->repl, b);
    SIM_TRACE0(&f->engine.trace, SIM_EV_NODE_CRASH, id);
    observe_all(f);
}

void rpf_power_off(repl_fixture *f, int32_t id)
{
    const uint32_t b = bidx(f, id);
    sim_engine_endpoint_down(&f->engine, f->endpoints[b]);
    SIM_TRACE0(&f->engine.trace, SIM_EV_NODE_POWER_OFF, id);
    repl_broker_power_off(&f->repl, b);
    observe_all(f);
}

void rpf_fence(repl_fixture *f, int32_t id)
{
    f->fenced[bidx(f, id)] = true;
    int32_t ok[RPF_BROKERS_MAX];
    const uint32_t ok_count = acceptable(f, ok);
    for (uint32_t p = 0; p < f->cfg.partition_count; p++) {
        kpc_record rec;
        if (kpc_remove_broker(&f->regs[p], id, f->cfg.unclean_allowed, ok, ok_count, &rec))
            write_record(f, p, &rec);
    }
    observe_all(f);
}

void rpf_restart(repl_fixture *f, int32_t id)
{
    const uint32_t b = bidx(f, id);
    sim_engine_endpoint_up(&f->engine, f->endpoints[b]);
    SIM_TRACE0(&f->engine.trace, SIM_EV_NODE_RESTART, id);
    repl_broker_start(&f->repl, b);
    /* The broker replays the metadata log, then the controller unfences it and elects
     * leaders for leaderless partitions (ONLINE, unclean if allowed). */
    for (uint32_t p = 0; p < f->cfg.partition_count; p++)
        repl_apply_partition(&f->repl, b, p, &f->regs[p]);
    f->fenced[b] = false;
    int32_t ok[RPF_BROKERS_MAX];
    const uint32_t ok_count = acceptable(f, ok);
    for (uint32_t p = 0; p < f->cfg.partition_count; p++) {
        if (f->regs[p].leader != KPC_NO_LEADER) continue;
        const kpc_request req = {.election = KPC_ELECTION_ONLINE,
                                 .unclean_allowed = f->cfg.unclean_allowed,
                                 .acceptable = ok,
                                 .acceptable_count = ok_count};
        kpc_record rec;
        if (kpc_build(&f->regs[p], &req, &rec)) write_record(f, p, &rec);
    }
    observe_all(f);
}

void rpf_cut(repl_fixture *f, int32_t a, int32_t b)
{
    net_cut(&f->net, f->endpoints[bidx(f, a)], f->endpoints[bidx(f, b)]);
    net_cut(&f->net, f->endpoints[bidx(f, b)], f->endpoints[bidx(f, a)]);
}

void rpf_heal(repl_fixture *f)
{
    net_heal_all(&f->net);
}
