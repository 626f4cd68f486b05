/*
 * events.c — the event log panel: what happened so far, newest last.
 *
 * Role: viz_draw_events, called by viz_draw_frame.
 * Model: none; it lists the view's markers (from the session or the `render` command)
 *   with t <= now, as many as fit, the newest at the bottom.
 * Owns / borrows: borrows the markers for the call.
 * Invariants: brackets its cairo changes with save/restore; no allocation; text beyond
 *   the panel's width is clipped, not measured.
 * Determinism: a function of the markers, the clock and the layout.
 * Not modelled: n/a.
 */
#include "viz_internal.h"

#include <inttypes.h>
#include <stdio.h>

#define LINE_H 16.0

void viz_draw_events(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v)
{
    cairo_save(cr);
    const viz_rect r = l->events;
    const double top = viz__panel(cr, r, "Events");
    cairo_rectangle(cr, r.x, r.y, r.w - 4, r.h);
    cairo_clip(cr);
    const uint32_t upto = v->markers != NULL ? viz__markers_upto(v, w->engine.now) : 0;
    const double avail = r.y + r.h - 6 - top;
    const uint32_t fit = avail > LINE_H ? (uint32_t)(avail / LINE_H) : 0;
    if (upto == 0) {
        viz__font(cr, 11, false);
        viz__set_hex(cr, VIZ_C_TEXT_DIM);
        viz__text(cr, r.x + 10, top + 12, "nothing has happened yet", VIZ_ALIGN_LEFT);
    }
    const uint32_t first = upto > fit ? upto - fit : 0;
    for (uint32_t k = first; k < upto; k++) {
        const viz_marker *m = &v->markers[k];
        const double y = top + 12 + (k - first) * LINE_H;
        char t[24];
        snprintf(t, sizeof t, "%" PRIu64 ".%03" PRIu64, m->t / 1000000u, (m->t / 1000u) % 1000u);
        viz__font_mono(cr, 10);
        viz__set_hex(cr, VIZ_C_TEXT_DIM);
        viz__text(cr, r.x + 10, y, t, VIZ_ALIGN_LEFT);
        cairo_rectangle(cr, r.x + 70, y - 8, 7, 8);
        viz__set_hex(cr, viz__marker_hex(m->kind));
        cairo_fill(cr);
        viz__font(cr, 11, m->kind == VIZ_MARK_ELECTION || m->kind == VIZ_MARK_VIOLATION);
        viz__set_hex(cr, VIZ_C_TEXT);
        viz__text(cr, r.x + 84, y, m->text, VIZ_ALIGN_LEFT);
    }
    cairo_restore(cr);
}
