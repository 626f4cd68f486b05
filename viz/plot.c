/*
 * plot.c — `run --plot`: a chart of a run over virtual time, as a PNG.
 *
 * Role: cmd_run samples the world at a fixed step of virtual time while it runs and
 *   hands the samples and the markers here.
 * Model: none. Stacked charts sharing one time axis: the highest raft epoch, the
 *   controller leader (a band coloured and labelled by node id), the leader's metadata
 *   high watermark, the fenced brokers and the messages in flight. Spans where no
 *   leader could reach a majority (after the first election) are shaded across every
 *   chart; faults are dashed vertical lines, elections triangles on the epoch chart,
 *   violations thick lines.
 * Owns / borrows: the surface lives for the call; samples and markers are borrowed.
 * Invariants: samples are in time order (asserted); cairo's status is checked once.
 * Determinism: a function of the samples, markers and size.
 *   With producers: acknowledged records per second (over each sample step) and the age
 *   of the oldest record still waiting for its acknowledgement (how long produces are
 *   held up); with consumer groups: their total lag. Charts without data are left out.
 * Not modelled: n/a.
 */
#include "viz_internal.h"
#include "../sim/core/sim_assert.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define LEFT   64.0
#define RIGHT  20.0
#define TOP    50.0
#define BOTTOM 54.0
#define GAP    12.0
#define BAND_H 20.0

typedef struct plot {
    cairo_t *cr;
    double x0, x1; /* chart columns */
    sim_time end;  /* time at x1 */
    const viz_sample *s;
    uint32_t n;
} plot;

typedef enum series {
    SERIES_EPOCH = 0,
    SERIES_HW,
    SERIES_FENCED,
    SERIES_IN_FLIGHT,
    SERIES_ACKED_RATE,
    SERIES_OLDEST,
    SERIES_LAG,
} series;

static double px(const plot *p, sim_time t)
{
    return p->end == 0 ? p->x0 : p->x0 + (p->x1 - p->x0) * ((double)t / (double)p->end);
}

/* The value of a series at sample s (s[-1] is read for rates, from the second sample
 * on); NAN where it has none (no leader, no HW, no producers). */
static double value(const viz_sample *s, series k)
{
    switch (k) {
    case SERIES_ACKED_RATE:
        if (!s->has_producers || s[-1].t >= s->t) return NAN;
        return (double)(s->acked - s[-1].acked) / ((double)(s->t - s[-1].t) / 1e6);
    case SERIES_OLDEST:
        return s->has_producers ? (double)s->oldest_us / 1000.0 : NAN;
    case SERIES_LAG:
        return s->has_groups ? (double)s->group_lag : NAN;
    case SERIES_EPOCH:
        return s->max_epoch;
    case SERIES_HW:
        return s->metadata_hw >= 0 ? (double)s->metadata_hw : NAN;
    case SERIES_FENCED:
        return s->fenced_brokers;
    case SERIES_IN_FLIGHT:
    default:
        return s->in_flight;
    }
}

/* 1, 2 or 5 times a power of ten, >= v. */
static double nice_ceiling(double v)
{
    if (v <= 1) return 1;
    const double e = pow(10, floor(log10(v)));
    const double m = v / e;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * e;
}

static void chart(plot *p, series k, const char *name, bool step, double y, double h)
{
    cairo_t *cr = p->cr;
    double max = 0;
    const uint32_t first = k == SERIES_ACKED_RATE ? 1u : 0u; /* a rate needs two samples */
    for (uint32_t i = first; i < p->n; i++) {
        const double v = value(&p->s[i], k);
        if (!isnan(v) && v > max) max = v;
    }
    max = nice_ceiling(max);
    cairo_rectangle(cr, p->x0, y, p->x1 - p->x0, h);
    viz__set_hex(cr, VIZ_C_BORDER);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
    viz__font(cr, 10, false);
    viz__set_hex(cr, VIZ_C_TEXT_DIM);
    for (int g = 0; g <= 2; g++) {
        const double gy = y + h - h * g / 2.0;
        char text[32];
        snprintf(text, sizeof text, "%g", max * g / 2.0);
        viz__text(cr, p->x0 - 6, gy + 4, text, VIZ_ALIGN_RIGHT);
    }
    viz__font(cr, 11, true);
    viz__set_hex(cr, VIZ_C_TEXT);
    viz__text(cr, p->x0 + 6, y + 14, name, VIZ_ALIGN_LEFT);
    bool pen = false;
    double last_y = 0;
    for (uint32_t i = first; i < p->n; i++) {
        const double v = value(&p->s[i], k);
        const double x = px(p, p->s[i].t);
        if (isnan(v)) {
            pen = false;
            continue;
        }
        const double vy = y + h - h * (v / max);
        if (!pen) {
            cairo_move_to(cr, x, vy);
        } else {
            if (step) cairo_line_to(cr, x, last_y);
            cairo_line_to(cr, x, vy);
        }
        pen = true;
        last_y = vy;
    }
    cairo_set_line_width(cr, 1.8);
    viz__set_hex(cr, k == SERIES_FENCED ? VIZ_C_VERMILION : VIZ_C_BLUE);
    cairo_stroke(cr);
}

static void leader_band(plot *p, double y)
{
    cairo_t *cr = p->cr;
    viz__font(cr, 10, false);
    viz__set_hex(cr, VIZ_C_TEXT_DIM);
    viz__text(cr, p->x0 - 6, y + 14, "leader", VIZ_ALIGN_RIGHT);
    uint32_t i = 0;
    while (i < p->n) {
        uint32_t j = i;
        while (j + 1 < p->n && p->s[j + 1].leader == p->s[i].leader) j++;
        const double xa = px(p, i == 0 ? 0 : p->s[i - 1].t), xb = px(p, p->s[j].t);
        const int32_t leader = p->s[i].leader;
        cairo_rectangle(cr, xa, y, xb - xa, BAND_H);
        viz__set_hex(cr, leader >= 0 ? viz__epoch_hex(leader + 1) : 0xF2F2F2);
        cairo_fill(cr);
        if (xb - xa > 16) {
            char text[16] = "none";
            if (leader >= 0) snprintf(text, sizeof text, "%" PRId32, leader);
            viz__font(cr, 10, true);
            viz__set_hex(cr, leader >= 0 ? 0xFFFFFF : VIZ_C_TEXT_DIM);
            viz__text(cr, (xa + xb) / 2, y + 14, text, VIZ_ALIGN_CENTER);
        }
        i = j + 1;
    }
    cairo_rectangle(cr, p->x0, y, p->x1 - p->x0, BAND_H);
    viz__set_hex(cr, VIZ_C_BORDER);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
}

/* Unavailable spans: after the first leader, samples with no leader reaching a majority. */
static void shade_unavailable(plot *p, double y0, double y1)
{
    cairo_t *cr = p->cr;
    bool had_leader = false;
    for (uint32_t i = 0; i < p->n; i++) {
        had_leader = had_leader || p->s[i].leader >= 0;
        if (!had_leader || p->s[i].available) continue;
        const double xa = px(p, i == 0 ? 0 : p->s[i - 1].t), xb = px(p, p->s[i].t);
        cairo_rectangle(cr, xa, y0, xb - xa, y1 - y0);
    }
    viz__set_hex_alpha(cr, VIZ_C_VERMILION, 0.16);
    cairo_fill(cr);
}

static void draw_markers(plot *p, const viz_marker *mk, uint32_t n, double y0, double y1,
                         double epoch_y)
{
    cairo_t *cr = p->cr;
    static const double dash[] = {4, 3};
    double free_x = p->x0;
    viz__font(cr, 9, false);
    for (uint32_t i = 0; i < n; i++) {
        const double x = floor(px(p, mk[i].t)) + 0.5;
        if (mk[i].kind == VIZ_MARK_FAULT || mk[i].kind == VIZ_MARK_VIOLATION) {
            const bool violation = mk[i].kind == VIZ_MARK_VIOLATION;
            cairo_set_dash(cr, dash, violation ? 0 : 2, 0);
            cairo_move_to(cr, x, y0);
            cairo_line_to(cr, x, y1);
            cairo_set_line_width(cr, violation ? 3 : 1.2);
            viz__set_hex(cr, violation ? VIZ_C_PURPLE : VIZ_C_VERMILION);
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
            if (x >= free_x) { /* a label above the charts where there is room */
                viz__set_hex(cr, violation ? VIZ_C_PURPLE : VIZ_C_VERMILION);
                free_x = x + viz__text(cr, x + 2, y0 - 4, mk[i].text, VIZ_ALIGN_LEFT) + 8;
            }
        } else if (mk[i].kind == VIZ_MARK_ELECTION) {
            cairo_move_to(cr, x - 4, epoch_y);
            cairo_line_to(cr, x + 4, epoch_y);
            cairo_line_to(cr, x, epoch_y + 7);
            cairo_close_path(cr);
            viz__set_hex(cr, VIZ_C_BLUE);
            cairo_fill(cr);
        }
    }
}

static void time_axis(plot *p, double y)
{
    cairo_t *cr = p->cr;
    const double span_s = (double)p->end / 1e6;
    if (span_s <= 0) return;
    double step = 0.001;
    for (int k = 0; k < 40 && span_s / step > 10; k++)
        step = (k % 3 == 0 ? 2 : k % 3 == 1 ? 5 : 10) * pow(10, k / 3 - 3);
    viz__font(cr, 10, false);
    viz__set_hex(cr, VIZ_C_TEXT_DIM);
    for (int k = 0; k * step <= span_s + 1e-9 && k < 1000; k++) {
        char text[24];
        snprintf(text, sizeof text, step < 1 ? "%.3gs" : "%.0fs", k * step);
        viz__text(cr, p->x0 + (p->x1 - p->x0) * (k * step / span_s), y, text, VIZ_ALIGN_CENTER);
    }
}

static void legend(cairo_t *cr, double x, double y)
{
    viz__font(cr, 10, false);
    cairo_rectangle(cr, x, y - 9, 14, 10);
    viz__set_hex_alpha(cr, VIZ_C_VERMILION, 0.16);
    cairo_fill(cr);
    viz__set_hex(cr, VIZ_C_TEXT_DIM);
    x += 20 + viz__text(cr, x + 18, y, "no leader with a majority", VIZ_ALIGN_LEFT);
    cairo_move_to(cr, x + 10.5, y - 10);
    cairo_line_to(cr, x + 10.5, y + 1);
    viz__set_hex(cr, VIZ_C_VERMILION);
    cairo_stroke(cr);
    viz__set_hex(cr, VIZ_C_TEXT_DIM);
    x += 24 + viz__text(cr, x + 16, y, "fault", VIZ_ALIGN_LEFT);
    cairo_move_to(cr, x + 6, y - 9);
    cairo_line_to(cr, x + 14, y - 9);
    cairo_line_to(cr, x + 10, y - 2);
    cairo_close_path(cr);
    viz__set_hex(cr, VIZ_C_BLUE);
    cairo_fill(cr);
    viz__set_hex(cr, VIZ_C_TEXT_DIM);
    viz__text(cr, x + 18, y, "leader elected", VIZ_ALIGN_LEFT);
}

static void draw_plot(cairo_t *cr, const viz_sample *s, uint32_t n, const viz_marker *mk,
                      uint32_t mk_count, const char *title, double width, double height)
{
    cairo_rectangle(cr, 0, 0, width, height);
    viz__set_hex(cr, VIZ_C_PANEL);
    cairo_fill(cr);
    viz__font(cr, 14, true);
    viz__set_hex(cr, VIZ_C_TEXT);
    viz__text(cr, LEFT, 22, title != NULL ? title : "", VIZ_ALIGN_LEFT);
    plot p = {.cr = cr, .x0 = LEFT, .x1 = width - RIGHT, .s = s, .n = n};
    p.end = n > 0 ? s[n - 1].t : 0;
    for (uint32_t i = 0; i < mk_count; i++)
        if (mk[i].t > p.end) p.end = mk[i].t;
    const double y0 = TOP, y1 = height - BOTTOM;
    const bool producers = n > 0 && s[n - 1].has_producers, groups = n > 0 && s[n - 1].has_groups;
    const int charts = 4 + (producers ? 2 : 0) + (groups ? 1 : 0);
    const double chart_h = fmax(20, (y1 - y0 - BAND_H - charts * GAP) / charts);
    shade_unavailable(&p, y0, y1);
    double y = y0;
    chart(&p, SERIES_EPOCH, "highest raft epoch", true, y, chart_h);
    const double epoch_y = y;
    y += chart_h + GAP;
    leader_band(&p, y);
    y += BAND_H + GAP;
    chart(&p, SERIES_HW, "leader's metadata HW", false, y, chart_h);
    y += chart_h + GAP;
    chart(&p, SERIES_FENCED, "fenced brokers", true, y, chart_h);
    y += chart_h + GAP;
    chart(&p, SERIES_IN_FLIGHT, "messages in flight", false, y, chart_h);
    if (producers) {
        y += chart_h + GAP;
        chart(&p, SERIES_ACKED_RATE, "records acknowledged per second", false, y, chart_h);
        y += chart_h + GAP;
        chart(&p, SERIES_OLDEST, "oldest unacknowledged record (ms)", false, y, chart_h);
    }
    if (groups) {
        y += chart_h + GAP;
        chart(&p, SERIES_LAG, "consumer lag (records)", false, y, chart_h);
    }
    y += chart_h;
    draw_markers(&p, mk, mk_count, y0, y, epoch_y);
    time_axis(&p, y + 14);
    legend(cr, LEFT, height - 12);
}

void viz_sample_world(const sim_world *w, viz_sample *out)
{
    const raft_node *leader = sim_world_controller_leader(w);
    uint32_t fenced = 0;
    for (uint32_t b = 0; b < w->brokers.broker_count; b++) {
        const kafka_broker_reg *reg = sim_world_broker_reg(w, b);
        if (reg != NULL && reg->registered && reg->fenced) fenced++;
    }
    const net *n = &w->net;
    SIM_ASSERT(n->delivered + n->dropped <= n->sent);
    *out = (viz_sample){.t = w->engine.now,
                        .max_epoch = sim_world_max_epoch(w),
                        .leader = leader != NULL ? leader->node_id : -1,
                        .metadata_hw = leader != NULL ? leader->hw : -1,
                        .available = w->available,
                        .fenced_brokers = fenced,
                        .in_flight = (uint32_t)(n->sent - n->delivered - n->dropped)};
    if (w->has_producers) {
        out->has_producers = true;
        for (uint32_t i = 0; i < w->producers.count; i++) {
            const prod_client *c = &w->producers.clients[i];
            out->acked += c->acked;
            for (uint32_t b = 0; b < c->batch_top; b++) { /* pending records are in batches */
                const prod_batch *pb = &c->batches[b];
                if (!pb->used || pb->count == 0) continue;
                const sim_time age = w->engine.now - pb->created_us;
                if (age > out->oldest_us) out->oldest_us = age;
            }
        }
    }
    if (w->has_groups) {
        out->has_groups = true;
        for (uint32_t g = 0; g < w->groups.group_count; g++) {
            const kg_group_spec *sp = &w->groups.groups[g];
            const kg_coord *c = kg_active_coordinator(&w->groups, g, NULL);
            for (uint32_t i = 0; i < sp->partition_count; i++) {
                const kpc_reg *reg = sim_world_partition(w, sp->partitions[i]);
                if (reg == NULL || reg->leader < 0) continue;
                const repl_replica *x = repl_replica_get(
                    &w->repl, repl_broker_index(&w->repl, reg->leader), sp->partitions[i]);
                const int64_t from =
                    c != NULL && c->committed[i] >= 0 ? c->committed[i] : x->log_start;
                if (x->hw > from) out->group_lag += x->hw - from;
            }
        }
    }
}

sim_err viz_plot_png(const viz_sample *samples, uint32_t sample_count, const viz_marker *markers,
                     uint32_t marker_count, const char *title, int width, int height,
                     const char *path)
{
    for (uint32_t i = 1; i < sample_count; i++) SIM_ASSERT(samples[i - 1].t <= samples[i].t);
    if (width < 200 || height < 200) {
        fprintf(stderr, "kraftlab: a plot needs at least 200x200 pixels, not %dx%d\n", width,
                height);
        return SIM_EINVALID;
    }
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    cairo_t *cr = cairo_create(surface);
    draw_plot(cr, samples, sample_count, markers, marker_count, title, width, height);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    if (st == CAIRO_STATUS_SUCCESS) {
        errno = 0;
        st = cairo_surface_write_to_png(surface, path);
        if (st != CAIRO_STATUS_SUCCESS)
            fprintf(stderr, "kraftlab: cannot write %s: %s\n", path,
                    errno != 0 ? strerror(errno) : cairo_status_to_string(st));
    } else {
        fprintf(stderr, "kraftlab: plotting failed: %s\n", cairo_status_to_string(st));
    }
    cairo_surface_destroy(surface);
    return st == CAIRO_STATUS_SUCCESS ? SIM_OK : SIM_EIO;
}
