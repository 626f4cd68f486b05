/*
 * summary.c — the run summary of spec §3, expectations, and its human form.
 *
 * Role: turns a finished world into the summary JSON that `run --json`, `sweep`,
 *   `expect` and (later) the lab grader read. Every required field of spec §3 is present;
 *   models not in this build report zeros.
 * Model: definitions of spec §3 (controller.elections counts leaders elected, the first
 *   included; unavailable_ms as in world.h).
 * Owns / borrows: returns owned json_t; borrows the world.
 * Invariants: key order is fixed (JSON_PRESERVE_ORDER when printed).
 * Determinism: every field but wall_ms and speedup is a function of scenario and seed.
 *   `partitions` and brokers' `partitions`/`leaders` come from the committed metadata
 *   image (sim_world_partition_stats).
 * Not modelled: producers, records and consumers are zeros until their models exist.
 */
#include "cli.h"
#include "../core/sim_version.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static json_t *ms_of(sim_time us)
{
    return json_integer((json_int_t)(us / 1000u));
}

static json_t *controller_json(const sim_world *w)
{
    json_t *c = json_object();
    json_object_set_new(c, "elections", json_integer((json_int_t)w->elections));
    const raft_node *leader = sim_world_controller_leader(w);
    json_object_set_new(c, "leader", leader ? json_integer(leader->node_id) : json_null());
    json_object_set_new(c, "epoch", json_integer(sim_world_max_epoch(w)));
    json_object_set_new(c, "unavailable_ms", ms_of(w->unavailable_us));
    json_t *leaders = json_array();
    for (uint32_t i = 0; i < w->leader_count; i++) {
        json_t *l = json_object();
        json_object_set_new(l, "t_ms", ms_of(w->leaders[i].t));
        json_object_set_new(l, "leader", json_integer(w->leaders[i].leader));
        json_object_set_new(l, "epoch", json_integer(w->leaders[i].raft_epoch));
        json_array_append_new(leaders, l);
    }
    json_object_set_new(c, "leaders", leaders);
    json_object_set_new(c, "metadata_hw", json_integer(leader ? leader->hw : 0));
    return c;
}

static int cmp_time(const void *a, const void *b)
{
    const sim_time x = *(const sim_time *)a, y = *(const sim_time *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted latencies, in ms. */
static double pct_ms(const sim_time *v, size_t n, unsigned pct)
{
    if (n == 0) return 0.0;
    size_t rank = (n * pct + 99) / 100;
    if (rank == 0) rank = 1;
    return (double)v[rank - 1] / 1000.0;
}

/* Statistics of one producer (or all, producer = UINT32_MAX). */
static json_t *producer_stats(const sim_world *w, uint32_t producer)
{
    const prod_set *ps = &w->producers;
    uint64_t sent = 0, acked = 0, failed = 0, bytes = 0;
    uint64_t errors[PROD_ERR_COUNT] = {0};
    size_t cap = 0;
    sim_time span_us = 0;
    const sim_time now = sim_world_now(w);
    for (uint32_t i = 0; w->has_producers && i < ps->count; i++) {
        if (producer != UINT32_MAX && i != producer) continue;
        const prod_client *c = &ps->clients[i];
        sent += c->sent;
        acked += c->acked;
        failed += c->failed;
        bytes += c->bytes_acked;
        cap += c->rec_count;
        for (uint32_t e = 0; e < PROD_ERR_COUNT; e++) errors[e] += c->errors[e];
        const sim_time stop = c->wl.stop_us < now ? c->wl.stop_us : now;
        if (stop > c->wl.start_us && stop - c->wl.start_us > span_us)
            span_us = stop - c->wl.start_us;
    }
    sim_time *lat = cap > 0 ? malloc(cap * sizeof *lat) : NULL;
    if (cap > 0 && lat == NULL) abort();
    size_t n = 0;
    for (uint32_t i = 0; w->has_producers && i < ps->count; i++) {
        if (producer != UINT32_MAX && i != producer) continue;
        const prod_client *c = &ps->clients[i];
        for (uint32_t k = 0; k < c->rec_count; k++) {
            const prod_rec *r = &c->recs[k];
            if (r->state == PROD_REC_ACKED) lat[n++] = r->done_us - r->created_us;
        }
    }
    if (n > 0) qsort(lat, n, sizeof *lat, cmp_time);
    json_t *p = json_object();
    json_object_set_new(p, "sent", json_integer((json_int_t)sent));
    json_object_set_new(p, "acked", json_integer((json_int_t)acked));
    json_object_set_new(p, "failed", json_integer((json_int_t)failed));
    json_t *errs = json_object();
    for (uint32_t e = 1; e < PROD_ERR_COUNT; e++)
        json_object_set_new(errs, prod_error_name((prod_error)e),
                            json_integer((json_int_t)errors[e]));
    json_object_set_new(p, "errors", errs);
    json_t *l = json_object();
    json_object_set_new(l, "p50", json_real(pct_ms(lat, n, 50)));
    json_object_set_new(l, "p99", json_real(pct_ms(lat, n, 99)));
    json_object_set_new(l, "max", json_real(n > 0 ? (double)lat[n - 1] / 1000.0 : 0.0));
    json_object_set_new(p, "latency_ms", l);
    free(lat);
    const double secs = (double)span_us / 1e6;
    json_object_set_new(p, "records_per_s", json_real(secs > 0 ? (double)acked / secs : 0.0));
    json_object_set_new(p, "bytes_per_s", json_real(secs > 0 ? (double)bytes / secs : 0.0));
    return p;
}

static json_t *producers_json(const sim_world *w)
{
    json_t *p = producer_stats(w, UINT32_MAX);
    json_t *by = json_object();
    for (uint32_t i = 0; w->has_producers && i < w->producers.count; i++) {
        const prod_client *c = &w->producers.clients[i];
        json_t *one = producer_stats(w, i);
        json_object_set_new(one, "acks", json_integer(c->cfg.acks));
        json_object_set_new(one, "idempotence", json_boolean(c->cfg.idempotence));
        json_object_set_new(one, "unconfirmed", json_integer((json_int_t)c->unconfirmed));
        json_object_set_new(one, "blocked", json_integer((json_int_t)c->blocked));
        json_object_set_new(by, c->name, one);
    }
    json_object_set_new(p, "by_name", by);
    return p;
}

/* Spec §3 consumers.groups: one entry per group, in file order. */
static json_t *groups_json(const sim_world *w)
{
    json_t *arr = json_array();
    for (uint32_t g = 0; w->has_groups && g < w->groups.group_count; g++) {
        const kg_set *s = &w->groups;
        const kg_group_spec *sp = &s->groups[g];
        int32_t coordinator = -1;
        const kg_coord *c = kg_active_coordinator(s, g, &coordinator);
        uint64_t redelivered = 0, skipped = 0;
        kg_group_accounting(s, g, &redelivered, &skipped);
        /* lag: HW minus the committed offset over the group's partitions (a partition
         * with no commit counts from its log start). */
        int64_t lag = 0;
        for (uint32_t p = 0; p < sp->partition_count; p++) {
            const kpc_reg *reg = sim_world_partition(w, sp->partitions[p]);
            if (reg == NULL || reg->leader < 0) continue;
            const repl_replica *x = repl_replica_get(
                &w->repl, repl_broker_index(&w->repl, reg->leader), sp->partitions[p]);
            const int64_t from = c != NULL && c->committed[p] >= 0 ? c->committed[p] : x->log_start;
            if (x->hw > from) lag += x->hw - from;
        }
        uint32_t members = 0;
        for (uint32_t i = 0; c != NULL && i < KG_MEMBERS_MAX; i++) members += c->members[i].present;
        const sim_time now = sim_world_now(w);
        const double span = now > sp->start_us ? (double)(now - sp->start_us) / 1e6 : 0.0;
        json_t *o = json_object();
        json_object_set_new(o, "group", json_string(sp->id));
        json_object_set_new(o, "state", json_string(c != NULL ? kg_state_name(c->state) : "Dead"));
        json_object_set_new(o, "coordinator",
                            coordinator >= 0 ? json_integer(coordinator) : json_null());
        json_object_set_new(o, "members", json_integer(members));
        json_object_set_new(o, "generation", json_integer(s->generation[g]));
        json_object_set_new(o, "rebalances", json_integer((json_int_t)s->rebalances[g]));
        json_object_set_new(o, "lag", json_integer(lag));
        json_object_set_new(o, "consumed", json_integer((json_int_t)s->consumed[g]));
        json_object_set_new(o, "redelivered", json_integer((json_int_t)redelivered));
        json_object_set_new(o, "skipped", json_integer((json_int_t)skipped));
        json_object_set_new(o, "paused_ms",
                            json_integer((json_int_t)(s->paused_partition_us[g] / 1000u)));
        json_object_set_new(o, "records_per_s",
                            json_real(span > 0 ? (double)s->consumed[g] / span : 0.0));
        json_array_append_new(arr, o);
    }
    return arr;
}

#define LOST_SHOWN_MAX 32u

static json_t *records_json(const sim_world *w)
{
    sim_records r;
    sim_lost_record lost[LOST_SHOWN_MAX];
    sim_world_records(w, &r, lost, LOST_SHOWN_MAX);
    json_t *o = json_object();
    json_object_set_new(o, "acked", json_integer((json_int_t)r.acked));
    json_object_set_new(o, "acked_lost", json_integer((json_int_t)r.acked_lost));
    json_object_set_new(o, "duplicates", json_integer((json_int_t)r.duplicates));
    uint64_t consumed = 0;
    for (uint32_t g = 0; w->has_groups && g < w->groups.group_count; g++)
        consumed += w->groups.consumed[g];
    json_object_set_new(o, "consumed", json_integer((json_int_t)consumed));
    json_object_set_new(o, "unconfirmed", json_integer((json_int_t)r.unconfirmed));
    json_object_set_new(o, "unavailable", json_integer((json_int_t)r.unavailable));
    json_object_set_new(o, "failed", json_integer((json_int_t)r.failed));
    json_object_set_new(o, "pending", json_integer((json_int_t)r.pending));
    json_t *arr = json_array();
    for (uint64_t i = 0; i < r.lost_stored; i++) {
        const sim_lost_record *x = &lost[i];
        json_t *e = json_object();
        json_object_set_new(e, "producer", json_string(w->producers.clients[x->producer].name));
        char tp[300];
        cli_partition_name(w, x->partition, tp, sizeof tp);
        json_object_set_new(e, "partition", json_string(tp));
        json_object_set_new(e, "offset", json_integer((json_int_t)x->offset));
        json_object_set_new(e, "acked_ms", json_real((double)x->acked_us / 1000.0));
        json_object_set_new(e, "lost_ms", json_real((double)x->lost_us / 1000.0));
        json_array_append_new(arr, e);
    }
    json_object_set_new(o, "lost", arr);
    return o;
}

static json_t *brokers_json(const sim_world *w)
{
    json_t *arr = json_array();
    for (uint32_t i = 0; i < w->node_count; i++) {
        json_t *b = json_object();
        json_object_set_new(b, "id", json_integer(w->node_ids[i]));
        json_t *roles = json_array();
        if (w->is_voter[i]) json_array_append_new(roles, json_string("controller"));
        if (w->is_broker[i]) json_array_append_new(roles, json_string("broker"));
        json_object_set_new(b, "roles", roles);
        json_object_set_new(b, "state",
                            json_string(sim_node_state_name(sim_world_node_state(w, (int32_t)i))));
        const kafka_broker *br = brokers_by_endpoint((kafka_brokers *)&w->brokers, (int32_t)i);
        if (br != NULL) {
            const kafka_broker_reg *reg = sim_world_broker_reg(w, br->index);
            json_object_set_new(b, "broker_epoch", json_integer(reg->broker_epoch));
            json_object_set_new(b, "fenced", json_boolean(!reg->registered || reg->fenced));
        }
        uint32_t replicas = 0, leads = 0;
        sim_world_broker_partitions(w, w->node_ids[i], &replicas, &leads);
        json_object_set_new(b, "partitions", json_integer(replicas));
        json_object_set_new(b, "leaders", json_integer(leads));
        json_array_append_new(arr, b);
    }
    return arr;
}

static json_t *invariants_json(const sim_world *w)
{
    json_t *arr = json_array();
    for (uint32_t i = 0; i < CHK_COUNT; i++) {
        const chk_result *r = &w->chk.results[i];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(chk_invariant_name((chk_invariant)i)));
        json_object_set_new(o, "ok", json_boolean(r->violations == 0));
        json_object_set_new(o, "violations", json_integer((json_int_t)r->violations));
        if (r->has_first) {
            json_t *first = json_object();
            json_object_set_new(first, "t_ms", ms_of(r->first_t));
            json_object_set_new(first, "text", json_string(r->first));
            json_object_set_new(o, "first", first);
        } else {
            json_object_set_new(o, "first", json_null());
        }
        if (w->chk_disabled[i]) json_object_set_new(o, "disabled", json_true());
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *warnings_json(const sim_world *w)
{
    json_t *arr = json_array();
    for (uint32_t i = 0; i < w->warning_count; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "t_ms", ms_of(w->warnings[i].t));
        json_object_set_new(o, "action",
                            w->warnings[i].action >= 0 ? json_integer(w->warnings[i].action)
                                                       : json_null());
        json_object_set_new(o, "text", json_string(w->warnings[i].text));
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *partitions_json(const sim_world *w)
{
    sim_partition_stats st;
    sim_world_partition_stats(w, &st);
    json_t *p = json_object();
    json_object_set_new(p, "total", json_integer(st.total));
    json_object_set_new(p, "offline", json_integer(st.offline));
    json_object_set_new(p, "under_replicated", json_integer(st.under_replicated));
    json_object_set_new(p, "leader_elections", json_integer((json_int_t)st.leader_elections));
    json_object_set_new(p, "unclean_elections", json_integer((json_int_t)st.unclean_elections));
    return p;
}

json_t *cli_summary(const sim_world *w, double wall_ms)
{
    json_t *s = json_object();
    json_object_set_new(s, "scenario", json_string(w->cfg->name));
    json_object_set_new(s, "seed", json_integer((json_int_t)w->seed));
    json_object_set_new(s, "version", json_string(SIM_VERSION));
    const sim_time now = sim_world_now(w);
    json_object_set_new(s, "virtual_ms", ms_of(now));
    json_object_set_new(s, "events", json_integer((json_int_t)w->engine.events_run));
    json_object_set_new(s, "wall_ms", json_real(wall_ms));
    const double speedup = wall_ms > 0 ? ((double)now / 1000.0) / wall_ms : 0.0;
    json_object_set_new(s, "speedup", json_real(speedup));
    char hash[17];
    sim_trace_hash_hex(&w->engine.trace, hash);
    json_object_set_new(s, "trace_hash", json_string(hash));
    json_object_set_new(s, "controller", controller_json(w));
    json_object_set_new(s, "partitions", partitions_json(w));
    json_object_set_new(s, "producers", producers_json(w));
    json_object_set_new(s, "records", records_json(w));
    json_t *consumers = json_object();
    json_object_set_new(consumers, "groups", groups_json(w));
    json_object_set_new(s, "consumers", consumers);
    json_object_set_new(s, "brokers", brokers_json(w));
    json_object_set_new(s, "invariants", invariants_json(w));
    json_object_set_new(s, "expectations", json_array());
    json_object_set_new(s, "warnings", warnings_json(w));
    json_object_set_new(s, "ok", json_true());
    return s;
}

/* ---------------------------------------------------------------------------------
 * Metric paths and expectations
 * ------------------------------------------------------------------------------- */

static json_t *array_member(json_t *arr, const char *key)
{
    uint64_t index;
    if (cli_parse_u64(key, &index)) return json_array_get(arr, (size_t)index);
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item)
    {
        static const char *const names[] = {"group", "name", "id"};
        for (size_t k = 0; k < 3; k++) {
            json_t *v = json_object_get(item, names[k]);
            if (json_is_string(v) && strcmp(json_string_value(v), key) == 0) return item;
        }
    }
    return NULL;
}

json_t *cli_summary_get(json_t *summary, const char *path)
{
    char buf[256];
    if (strlen(path) >= sizeof buf) return NULL;
    strcpy(buf, path);
    json_t *cur = summary;
    for (char *save = NULL, *part = strtok_r(buf, ".", &save); part != NULL && cur != NULL;
         part = strtok_r(NULL, ".", &save)) {
        if (json_is_object(cur)) {
            cur = json_object_get(cur, part);
        } else if (json_is_array(cur)) {
            cur = array_member(cur, part);
        } else {
            return NULL;
        }
    }
    return cur;
}

static bool compare(double actual, scn_op op, double value)
{
    switch (op) {
    case SCN_OP_EQ:
        return actual == value;
    case SCN_OP_NE:
        return actual != value;
    case SCN_OP_LT:
        return actual < value;
    case SCN_OP_LTE:
        return actual <= value;
    case SCN_OP_GT:
        return actual > value;
    case SCN_OP_GTE:
        return actual >= value;
    default:
        abort();
    }
}

bool cli_summary_finish(json_t *summary, const scn_config *cfg, const sim_world *w)
{
    bool ok = sim_world_ok(w);
    json_t *list = json_object_get(summary, "expectations");
    for (uint32_t i = 0; i < cfg->expect_count; i++) {
        const scn_expect *e = &cfg->expects[i];
        json_t *o = json_object();
        json_object_set_new(o, "metric", json_string(e->metric));
        json_object_set_new(o, "op", json_string(scn_op_name(e->op)));
        json_object_set_new(o, "value", json_real(e->value));
        json_t *actual = cli_summary_get(summary, e->metric);
        bool pass = false;
        if (json_is_number(actual)) {
            pass = compare(json_number_value(actual), e->op, e->value);
            json_object_set(o, "actual", actual);
        } else if (json_is_boolean(actual)) {
            pass = compare(json_is_true(actual) ? 1.0 : 0.0, e->op, e->value);
            json_object_set(o, "actual", actual);
        } else {
            json_object_set_new(o, "actual", json_null()); /* e.g. no leader at the end */
        }
        json_object_set_new(o, "ok", json_boolean(pass));
        json_array_append_new(list, o);
        ok = ok && pass;
    }
    json_object_set_new(summary, "ok", json_boolean(ok));
    return ok;
}

/* ---------------------------------------------------------------------------------
 * Human form
 * ------------------------------------------------------------------------------- */

static json_int_t get_int(json_t *s, const char *path)
{
    return json_integer_value(cli_summary_get(s, path));
}

static double get_real(json_t *s, const char *path)
{
    json_t *v = cli_summary_get(s, path);
    return json_is_number(v) ? json_number_value(v) : 0.0;
}

/* The partitions, producers, records and groups lines, when the scenario has them. */
static void print_data_plane(FILE *out, json_t *s, const sim_world *w)
{
    if (w->has_topics)
        fprintf(
            out,
            "partitions: %" JSON_INTEGER_FORMAT " (%" JSON_INTEGER_FORMAT
            " offline, %" JSON_INTEGER_FORMAT " under-replicated at the end); %" JSON_INTEGER_FORMAT
            " leader election(s), %" JSON_INTEGER_FORMAT " unclean\n",
            get_int(s, "partitions.total"), get_int(s, "partitions.offline"),
            get_int(s, "partitions.under_replicated"), get_int(s, "partitions.leader_elections"),
            get_int(s, "partitions.unclean_elections"));
    if (w->has_producers) {
        fprintf(out,
                "producers: %" JSON_INTEGER_FORMAT " sent, %" JSON_INTEGER_FORMAT
                " acked, %" JSON_INTEGER_FORMAT
                " failed; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
                get_int(s, "producers.sent"), get_int(s, "producers.acked"),
                get_int(s, "producers.failed"), get_real(s, "producers.latency_ms.p50"),
                get_real(s, "producers.latency_ms.p99"), get_real(s, "producers.latency_ms.max"));
        json_t *errs = json_object_get(json_object_get(s, "producers"), "errors");
        const char *key;
        json_t *v;
        bool any = false;
        json_object_foreach(errs, key, v)
        {
            if (json_integer_value(v) == 0) continue;
            fprintf(out, "%s %s %" JSON_INTEGER_FORMAT, any ? "," : "  errors:", key,
                    json_integer_value(v));
            any = true;
        }
        if (any) fprintf(out, "\n");
        fprintf(out,
                "records: %" JSON_INTEGER_FORMAT " acked, %" JSON_INTEGER_FORMAT
                " acked and lost, %" JSON_INTEGER_FORMAT " duplicated, %" JSON_INTEGER_FORMAT
                " unconfirmed (acks=0), %" JSON_INTEGER_FORMAT " unavailable\n",
                get_int(s, "records.acked"), get_int(s, "records.acked_lost"),
                get_int(s, "records.duplicates"), get_int(s, "records.unconfirmed"),
                get_int(s, "records.unavailable"));
        size_t i;
        json_t *l;
        json_array_foreach(cli_summary_get(s, "records.lost"), i, l)
        {
            if (i == 3) {
                fprintf(out, "  ... (records.lost in --json lists up to 32)\n");
                break;
            }
            fprintf(out,
                    "  lost: %s offset %" JSON_INTEGER_FORMAT
                    " from %s, acked at %.3f s, gone at %.3f s\n",
                    json_string_value(json_object_get(l, "partition")), get_int(l, "offset"),
                    json_string_value(json_object_get(l, "producer")),
                    get_real(l, "acked_ms") / 1000.0, get_real(l, "lost_ms") / 1000.0);
        }
    }
    size_t i;
    json_t *g;
    json_array_foreach(cli_summary_get(s, "consumers.groups"), i, g)
    {
        fprintf(out,
                "group %s: %s, generation %" JSON_INTEGER_FORMAT ", %" JSON_INTEGER_FORMAT
                " rebalance(s); consumed %" JSON_INTEGER_FORMAT
                ", redelivered %" JSON_INTEGER_FORMAT ", skipped %" JSON_INTEGER_FORMAT
                ", lag %" JSON_INTEGER_FORMAT ", paused %" JSON_INTEGER_FORMAT " partition-ms\n",
                json_string_value(json_object_get(g, "group")),
                json_string_value(json_object_get(g, "state")), get_int(g, "generation"),
                get_int(g, "rebalances"), get_int(g, "consumed"), get_int(g, "redelivered"),
                get_int(g, "skipped"), get_int(g, "lag"), get_int(g, "paused_ms"));
    }
}

void cli_summary_print_human(FILE *out, json_t *s, const sim_world *w)
{
    const double virtual_s = (double)get_int(s, "virtual_ms") / 1000.0;
    fprintf(out,
            "scenario %s, seed %" PRIu64 ": %.3f s of virtual time, %" JSON_INTEGER_FORMAT
            " events, %.0f ms wall (%.0fx)\n",
            w->cfg->name, w->seed, virtual_s, get_int(s, "events"),
            json_real_value(json_object_get(s, "wall_ms")),
            json_real_value(json_object_get(s, "speedup")));
    json_t *leader = cli_summary_get(s, "controller.leader");
    fprintf(out, "controller: %" JSON_INTEGER_FORMAT " election(s); ",
            get_int(s, "controller.elections"));
    if (json_is_integer(leader)) {
        fprintf(out, "leader at the end: node %" JSON_INTEGER_FORMAT, json_integer_value(leader));
    } else {
        fprintf(out, "no leader at the end");
    }
    fprintf(out, ", raft epoch %" JSON_INTEGER_FORMAT "; unavailable %" JSON_INTEGER_FORMAT " ms\n",
            get_int(s, "controller.epoch"), get_int(s, "controller.unavailable_ms"));
    fprintf(out, "nodes:");
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(s, "brokers"), i, b)
    {
        json_t *fenced = json_object_get(b, "fenced");
        fprintf(out, " %" JSON_INTEGER_FORMAT "=%s%s", json_integer_value(json_object_get(b, "id")),
                json_string_value(json_object_get(b, "state")),
                json_is_true(fenced) ? ",fenced" : "");
    }
    fprintf(out, "\n");
    print_data_plane(out, s, w);
    uint32_t failed = 0;
    json_t *inv;
    json_array_foreach(json_object_get(s, "invariants"), i, inv)
    {
        if (json_is_true(json_object_get(inv, "ok"))) continue;
        failed++;
        fprintf(out,
                "invariant %s VIOLATED %" JSON_INTEGER_FORMAT
                " time(s); first at %" JSON_INTEGER_FORMAT " ms: %s\n",
                json_string_value(json_object_get(inv, "name")),
                json_integer_value(json_object_get(inv, "violations")), get_int(inv, "first.t_ms"),
                json_string_value(cli_summary_get(inv, "first.text")));
    }
    if (failed == 0) fprintf(out, "invariants: all %u held\n", (unsigned)CHK_COUNT);
    json_t *e;
    json_array_foreach(json_object_get(s, "expectations"), i, e)
    {
        json_t *actual = json_object_get(e, "actual");
        char actual_text[64] = "none";
        if (json_is_number(actual))
            snprintf(actual_text, sizeof actual_text, "%g", json_number_value(actual));
        fprintf(out, "expect %s %s %g: %s (actual %s)\n",
                json_string_value(json_object_get(e, "metric")),
                json_string_value(json_object_get(e, "op")),
                json_real_value(json_object_get(e, "value")),
                json_is_true(json_object_get(e, "ok")) ? "ok" : "FAILED", actual_text);
    }
    json_array_foreach(json_object_get(s, "warnings"), i, e)
    {
        fprintf(out, "warning at %" JSON_INTEGER_FORMAT " ms: %s\n", get_int(e, "t_ms"),
                json_string_value(json_object_get(e, "text")));
    }
    fprintf(out, "trace_hash %s  %s\n", json_string_value(json_object_get(s, "trace_hash")),
            json_is_true(json_object_get(s, "ok")) ? "ok" : "FAILED");
}
