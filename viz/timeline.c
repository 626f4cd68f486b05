/*
 * timeline.c — the strip at the bottom: the whole run, its faults, elections and notes,
 *   and where we are now.
 *
 * Role: viz_draw_timeline, called by viz_draw_frame; the bar's geometry is shared with
 *   hit testing (viz_hit_timeline) and the hover tooltip (overlays.c).
 * Model: none. The bar maps [0, end_us] left to right. Markers are ticks whose height
 *   and cap tell their kind as well as their colour: faults and violations full height
 *   (violations thicker), elections full height with a dot, broker events half height,
 *   raft events a third, notes a triangle on top, warnings two thirds, data markers
 *   (a log truncated, an unclean election, a producer's batch failed) four fifths in
 *   black with a flat cap, group markers (a rebalance's new generation, a member
 *   removed) in wine, 58 % high with a square on top. The legend names the data kind
 *   only when the run has producers or such a marker, the group kind only when it has
 *   consumer groups or such a marker, so older pictures are unchanged.
 * Owns / borrows: borrows the markers for the call.
 * Invariants: brackets its cairo changes with save/restore; no allocation; at most one
 *   tick per pixel column and kind is drawn, so a long chaos run costs no more than the
 *   strip is wide.
 * Determinism: a function of the markers, the clock and the layout.
 * Not modelled: n/a.
 */
#include "viz_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

viz_rect viz__timeline_bar(const viz_layout *l)
{
    const viz_rect t = l->timeline;
    return (viz_rect){t.x + 12, t.y + 26, t.w - 24, t.h - 46};
}

double viz__timeline_x(const viz_layout *l, sim_time end_us, sim_time t)
{
    const viz_rect b = viz__timeline_bar(l);
    if (end_us == 0) return b.x;
    if (t > end_us) t = end_us;
    return b.x + b.w * ((double)t / (double)end_us);
}

/* Tick extent as fractions of the bar height from the bottom. */
static double tick_height(viz_marker_kind kind)
{
    switch (kind) {
    case VIZ_MARK_FAULT:
    case VIZ_MARK_ELECTION:
    case VIZ_MARK_VIOLATION:
        return 1.0;
    case VIZ_MARK_DATA:
        return 0.8;
    case VIZ_MARK_GROUP:
        return 0.58;
    case VIZ_MARK_WARNING:
        return 0.66;
    case VIZ_MARK_BROKER:
        return 0.5;
    case VIZ_MARK_RAFT:
        return 0.33;
    case VIZ_MARK_NOTE:
    case VIZ_MARK_KIND_COUNT:
    default:
        return 0;
    }
}

static void draw_ticks(cairo_t *cr, const viz_layout *l, const viz_view *v, viz_marker_kind kind)
{
    const viz_rect b = viz__timeline_bar(l);
    const double h = tick_height(kind);
    double last_x = -1;
    bool any = false;
    for (uint32_t i = 0; i < v->marker_count; i++) {
        const viz_marker *m = &v->markers[i];
        if (m->kind != kind) continue;
        const double x = floor(viz__timeline_x(l, v->end_us, m->t)) + 0.5;
        if (x == last_x) continue;
        last_x = x;
        any = true;
        if (kind == VIZ_MARK_NOTE) {
            cairo_move_to(cr, x - 4, b.y - 1);
            cairo_line_to(cr, x + 4, b.y - 1);
            cairo_line_to(cr, x, b.y + 6);
            cairo_close_path(cr);
            continue;
        }
        cairo_move_to(cr, x, b.y + b.h);
        cairo_line_to(cr, x, b.y + b.h * (1 - h));
        if (kind == VIZ_MARK_ELECTION) {
            viz__circle(cr, x, b.y + 1, 2.5);
        }
        if (kind == VIZ_MARK_DATA) { /* a square cap: records gone */
            cairo_move_to(cr, x - 2.5, b.y + b.h * (1 - h));
            cairo_line_to(cr, x + 2.5, b.y + b.h * (1 - h));
            cairo_move_to(cr, x, b.y + b.h * (1 - h));
        }
        if (kind == VIZ_MARK_GROUP) { /* a small square on top: the group's requests */
            cairo_rectangle(cr, x - 2, b.y + b.h * (1 - h) - 4, 4, 4);
            cairo_move_to(cr, x, b.y + b.h * (1 - h));
        }
    }
    if (!any) return;
    viz__set_hex(cr, viz__marker_hex(kind));
    if (kind == VIZ_MARK_NOTE) {
        cairo_fill(cr);
        return;
    }
    cairo_set_line_width(cr, kind == VIZ_MARK_VIOLATION ? 3 : 1.5);
    cairo_stroke(cr);
}

/* Seconds between labelled ticks: 1, 2 or 5 times a power of ten, <= 10 labels. */
static double axis_step_s(double span_s, double width)
{
    const double max_labels = fmax(2, fmin(10, width / 70));
    double step = 0.001;
    for (int k = 0; k < 40; k++) {
        const double m = k % 3 == 0 ? 1 : k % 3 == 1 ? 2 : 5;
        step = m * pow(10, k / 3 - 3);
        if (span_s / step <= max_labels) break;
    }
    return step;
}

static void draw_axis(cairo_t *cr, const viz_layout *l, const viz_view *v)
{
    const viz_rect b = viz__timeline_bar(l);
    const double span_s = (double)v->end_us / 1e6;
    if (span_s <= 0) return;
    const double step = axis_step_s(span_s, b.w);
    viz__font(cr, 10, false);
    viz__set_hex(cr, VIZ_C_TEXT_DIM);
    cairo_set_line_width(cr, 1);
    for (int k = 0; k * step <= span_s + 1e-9 && k < 1000; k++) {
        const double s = k * step;
        const double x = floor(b.x + b.w * (s / span_s)) + 0.5;
        cairo_move_to(cr, x, b.y + b.h);
        cairo_line_to(cr, x, b.y + b.h + 3);
        char text[24];
        snprintf(text, sizeof text, step < 1 ? "%.3gs" : "%.0fs", s);
        viz__text(cr, x, b.y + b.h + 14, text, k == 0 ? VIZ_ALIGN_LEFT : VIZ_ALIGN_CENTER);
    }
    cairo_stroke(cr);
}

/* The data kind (records gone) is in the legend when the run can have such markers,
 * with producers, or has one; the group kind likewise with consumer groups: a run
 * without either looks as it did before the kind. */
static bool legend_has(const sim_world *w, const viz_view *v, viz_marker_kind kind)
{
    if (kind == VIZ_MARK_DATA && w->has_producers) return true;
    if (kind == VIZ_MARK_GROUP && w->has_groups && !v->hide_groups) return true;
    if (kind != VIZ_MARK_DATA && kind != VIZ_MARK_GROUP) return true;
    for (uint32_t i = 0; v->markers != NULL && i < v->marker_count; i++)
        if (v->markers[i].kind == kind) return true;
    return false;
}

static void draw_legend(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v)
{
    const viz_rect t = l->timeline;
    viz__font(cr, 10, false);
    double width = 0;
    for (int k = 0; k < VIZ_MARK_KIND_COUNT; k++) {
        if (!legend_has(w, v, (viz_marker_kind)k)) continue;
        width += 14 + viz__text_width(cr, viz__marker_kind_name((viz_marker_kind)k));
    }
    double x = t.x + t.w - 10 - width;
    const double y = t.y + 18;
    for (int k = 0; k < VIZ_MARK_KIND_COUNT; k++) {
        if (!legend_has(w, v, (viz_marker_kind)k)) continue;
        cairo_rectangle(cr, x, y - 8, 3, 9);
        viz__set_hex(cr, viz__marker_hex((viz_marker_kind)k));
        cairo_fill(cr);
        viz__set_hex(cr, VIZ_C_TEXT_DIM);
        x +=
            14 + viz__text(cr, x + 6, y, viz__marker_kind_name((viz_marker_kind)k), VIZ_ALIGN_LEFT);
    }
}

void viz_draw_timeline(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v)
{
    cairo_save(cr);
    viz__panel(cr, l->timeline, "Timeline");
    draw_legend(cr, l, w, v);
    const viz_rect b = viz__timeline_bar(l);
    cairo_rectangle(cr, b.x, b.y, b.w, b.h);
    viz__set_hex(cr, 0xEFEFEB);
    cairo_fill(cr);
    const double now_x = viz__timeline_x(l, v->end_us, w->engine.now);
    cairo_rectangle(cr, b.x, b.y, now_x - b.x, b.h);
    viz__set_hex(cr, 0xDCE6EE);
    cairo_fill(cr);
    if (v->markers != NULL) {
        for (int k = 0; k < VIZ_MARK_KIND_COUNT; k++) draw_ticks(cr, l, v, (viz_marker_kind)k);
    }
    draw_axis(cr, l, v);
    if (v->hover_timeline) {
        const double hx = floor(viz__timeline_x(l, v->end_us, v->hover_t)) + 0.5;
        cairo_move_to(cr, hx, b.y - 3);
        cairo_line_to(cr, hx, b.y + b.h + 3);
        cairo_set_line_width(cr, 1);
        viz__set_hex_alpha(cr, 0x000000, 0.45);
        cairo_stroke(cr);
    }
    /* The cursor: now. */
    cairo_move_to(cr, now_x, b.y - 4);
    cairo_line_to(cr, now_x, b.y + b.h + 4);
    cairo_set_line_width(cr, 2);
    viz__set_hex(cr, VIZ_C_TEXT);
    cairo_stroke(cr);
    cairo_move_to(cr, now_x - 5, b.y - 8);
    cairo_line_to(cr, now_x + 5, b.y - 8);
    cairo_line_to(cr, now_x, b.y - 2);
    cairo_close_path(cr);
    cairo_fill(cr);
    cairo_restore(cr);
}
