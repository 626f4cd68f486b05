/*
 * frame.c — one whole frame, the status bar and the note caption.
 *
 * Role: viz_draw_frame is what the window draws every frame and what `render` writes
 *   to PNG; it calls every panel in a fixed order, overlays last.
 * Model: none. The status bar always shows the scenario, the seed, the virtual time,
 *   the speed and whether the run plays, is paused or waits at a note; the caption
 *   shows the text of the latest `note` action at or before now (the scenario's
 *   description before the first note).
 * Owns / borrows: borrows everything for the call.
 * Invariants: every panel brackets its cairo changes with save/restore.
 * Determinism: a function of (world, layout, view).
 * Not modelled: n/a.
 */
#include "viz_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------------------------
 * Status bar
 * ------------------------------------------------------------------------------- */

/* "×1", "×10", "×1/10", "×0.3". */
static void format_speed(double speed, char *buf, size_t n)
{
    if (speed >= 1) {
        snprintf(buf, n, "\xc3\x97%.4g", speed);
        return;
    }
    const double d = speed > 0 ? 1.0 / speed : 0;
    if (d > 0 && fabs(d - round(d)) < 1e-6 * d) {
        snprintf(buf, n,
                 "\xc3\x97"
                 "1/%.0f",
                 round(d));
    } else {
        snprintf(buf, n, "\xc3\x97%.3g", speed);
    }
}

static const char *play_state(const viz_view *v)
{
    if (v->waiting_on_note) return "waiting: press Enter";
    return v->playing ? "\xe2\x96\xb6 playing" : "\xe2\x9d\x9a\xe2\x9d\x9a paused";
}

void viz_draw_status(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v)
{
    cairo_save(cr);
    const viz_rect r = l->status;
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    viz__set_hex(cr, 0x263238);
    cairo_fill(cr);
    char now[32], end[32], speed[32], right[192];
    viz__format_time(w->engine.now, now, sizeof now);
    viz__format_time(v->end_us, end, sizeof end);
    format_speed(v->speed, speed, sizeof speed);
    snprintf(right, sizeof right, "seed %" PRIu64 "    t = %s / %s    %s    %s    ? help", v->seed,
             now, end, speed, play_state(v));
    const double base = r.y + r.h / 2 + 5;
    viz__font(cr, 13, true);
    const double right_w = viz__text_width(cr, right);
    viz__set_hex(cr, v->waiting_on_note ? VIZ_C_YELLOW : 0xFFFFFF);
    viz__text(cr, r.x + r.w - 10 - right_w, base, right, VIZ_ALIGN_LEFT);
    /* The name and title, clipped to what is left. */
    cairo_rectangle(cr, r.x, r.y, fmax(0, r.w - right_w - 30), r.h);
    cairo_clip(cr);
    viz__set_hex(cr, 0xFFFFFF);
    double x = r.x + 10;
    x += viz__text(cr, x, base, "kraftlab", VIZ_ALIGN_LEFT) + 12;
    viz__font(cr, 13, false);
    x += viz__text(cr, x, base, v->scenario_name ? v->scenario_name : "", VIZ_ALIGN_LEFT);
    if (v->title != NULL) {
        viz__set_hex(cr, 0xB0BEC5);
        viz__text(cr, x, base, " \xe2\x80\x94 ", VIZ_ALIGN_LEFT);
        cairo_get_current_point(cr, &x, &(double){0});
        viz__text(cr, x, base, v->title, VIZ_ALIGN_LEFT);
    }
    cairo_restore(cr);
}

/* ---------------------------------------------------------------------------------
 * Caption
 * ------------------------------------------------------------------------------- */

/* The text of the latest note action at or before now, or NULL. */
static const char *current_note(const sim_world *w)
{
    const sim_time now = w->engine.now;
    const char *text = NULL;
    for (uint32_t i = 0; i < w->action_count && w->actions[i].at_us <= now; i++)
        if (w->actions[i].kind == SCN_ACT_NOTE) text = w->actions[i].text;
    for (uint32_t i = 0; i < w->command_count; i++)
        if (w->commands[i].kind == SCN_ACT_NOTE && w->commands[i].at_us <= now)
            text = w->commands[i].text; /* a note pushed by the viewer is newer */
    return text;
}

#define WRAP_WORDS_MAX 160

/* Shows `text` word-wrapped into at most `max_lines` lines of width `width`, the last
 * ending in an ellipsis when the text does not fit. Words are measured once each. */
static void wrapped(cairo_t *cr, double x, double y, double width, double line_h,
                    uint32_t max_lines, const char *text)
{
    char buf[640];
    snprintf(buf, sizeof buf, "%s", text);
    const char *words[WRAP_WORDS_MAX];
    double widths[WRAP_WORDS_MAX];
    uint32_t n = 0;
    char *save = NULL;
    for (char *p = strtok_r(buf, " ", &save); p != NULL && n < WRAP_WORDS_MAX;
         p = strtok_r(NULL, " ", &save)) {
        words[n] = p;
        widths[n++] = viz__text_width(cr, p);
    }
    const double space = viz__text_width(cr, " ");
    uint32_t k = 0;
    for (uint32_t line = 0; line < max_lines && k < n; line++) {
        double used = 0;
        uint32_t first = k;
        while (k < n && (k == first || used + space + widths[k] <= width)) {
            used += (k == first ? 0 : space) + widths[k];
            k++;
        }
        const bool last = line + 1 == max_lines && k < n;
        cairo_move_to(cr, x, y + line * line_h);
        for (uint32_t j = first; j < k; j++) {
            if (j > first) cairo_show_text(cr, " ");
            cairo_show_text(cr, words[j]);
        }
        if (last) cairo_show_text(cr, " \xe2\x80\xa6");
    }
}

void viz_draw_caption(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v)
{
    cairo_save(cr);
    const viz_rect r = l->caption;
    viz__panel(cr, r, NULL);
    if (v->waiting_on_note) {
        viz__rounded_rect(cr, r.x + 1, r.y + 1, r.w - 2, r.h - 2, 6);
        cairo_set_line_width(cr, 2.5);
        viz__set_hex(cr, VIZ_C_BLUE);
        cairo_stroke(cr);
    }
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    cairo_clip(cr);
    const char *note = current_note(w);
    double text_w = r.w - 24;
    if (v->waiting_on_note) {
        viz__font(cr, 12, true);
        viz__set_hex(cr, VIZ_C_BLUE);
        text_w -= 12 + viz__text(cr, r.x + r.w - 12, r.y + r.h - 10, "Enter \xe2\x86\xb5 continue",
                                 VIZ_ALIGN_RIGHT);
    }
    if (note != NULL) {
        viz__font(cr, 13, false);
        viz__set_hex(cr, VIZ_C_TEXT);
        wrapped(cr, r.x + 12, r.y + 19, text_w, 17, 2, note);
    } else if (w->cfg->description != NULL) {
        viz__font(cr, 13, false);
        viz__set_hex(cr, VIZ_C_TEXT_DIM);
        wrapped(cr, r.x + 12, r.y + 19, text_w, 17, 2, w->cfg->description);
    }
    cairo_restore(cr);
}

/* ---------------------------------------------------------------------------------
 * The frame
 * ------------------------------------------------------------------------------- */

void viz_draw_frame(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v)
{
    cairo_save(cr);
    cairo_rectangle(cr, 0, 0, l->width, l->height);
    viz__set_hex(cr, VIZ_C_BG);
    cairo_fill(cr);
    cairo_restore(cr);
    viz_draw_status(cr, l, w, v);
    viz_draw_caption(cr, l, w, v);
    viz_draw_cluster(cr, l, w, v);
    viz_draw_partitions(cr, l, w, v);
    viz_draw_logs(cr, l, w, v);
    viz_draw_groups(cr, l, w, v);
    viz_draw_events(cr, l, w, v);
    viz_draw_timeline(cr, l, w, v);
    viz_draw_overlays(cr, l, w, v);
}
