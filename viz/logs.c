/*
 * logs.c — the metadata log panel: one row per node, its last records by offset, the
 *   committed part marked.
 *
 * Role: viz_draw_logs, called by viz_draw_frame.
 * Model: none of its own; it pictures raft.h's log[0..leo) and hw. Columns are offsets,
 *   the same for every row, so a lagging or diverging log shows as a shorter or
 *   differently coloured row. A record's colour is its raft epoch (the header names the
 *   epoch where it changes); below the high watermark (HW) a record is committed and
 *   drawn filled, above it outlined; a dark bar marks each node's HW. LeaderChange
 *   records carry a dark top edge, broker registration / fence / unfence records a dot.
 * Owns / borrows: borrows everything for the call.
 * Invariants: brackets its cairo changes with save/restore; no allocation.
 * Determinism: a function of the world and the layout.
 * Not modelled: n/a.
 */
#include "viz_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#define BOX_W     11.0
#define BOX_STEP  13.0
#define LABEL_W   92.0
#define NUMS_W    112.0
#define ROW_H_MIN 13.0

typedef struct log_cols {
    double x;       /* left edge of the first column */
    uint32_t count; /* columns shown */
    int64_t base;   /* offset of the first column */
} log_cols;

static const raft_node *longest_log(const sim_world *w)
{
    const raft_node *best = NULL;
    for (uint32_t i = 0; i < w->raft.node_count; i++) {
        const raft_node *rn = &w->raft.nodes[i];
        if (best == NULL || rn->leo > best->leo) best = rn;
    }
    return best;
}

static void epoch_header(cairo_t *cr, const log_cols *c, const raft_node *ref, double y)
{
    viz__font(cr, 9, true);
    double free_x = c->x;
    int32_t prev = -1;
    for (uint32_t k = 0; k < c->count && c->base + k < ref->leo; k++) {
        const int32_t epoch = ref->log[c->base + k].epoch;
        if (epoch == prev) continue;
        prev = epoch;
        const double x = c->x + k * BOX_STEP;
        if (x < free_x) continue;
        char text[24];
        snprintf(text, sizeof text, "e%" PRId32, epoch);
        viz__set_hex(cr, viz__epoch_hex(epoch));
        free_x = x + viz__text(cr, x, y, text, VIZ_ALIGN_LEFT) + 4;
    }
}

/* Draws records [k0, k1) of one row, all of one epoch and all committed or all not, as
 * one path: one fill (and one stroke) per run rather than per record. */
static void record_run(cairo_t *cr, const log_cols *c, const raft_node *rn, uint32_t k0,
                       uint32_t k1, double y, double h)
{
    const int64_t o0 = c->base + k0;
    const uint32_t hex = viz__epoch_hex(rn->log[o0].epoch);
    const bool committed = o0 < rn->hw;
    for (uint32_t k = k0; k < k1; k++)
        cairo_rectangle(cr, c->x + k * BOX_STEP + 0.5, y + 0.5, BOX_W - 1, h - 1);
    if (committed) {
        viz__set_hex(cr, hex);
        cairo_fill(cr);
    } else {
        viz__set_hex(cr, VIZ_C_PANEL);
        cairo_fill_preserve(cr);
        cairo_set_line_width(cr, 1.4);
        viz__set_hex(cr, hex);
        cairo_stroke(cr);
    }
    bool any = false; /* a dot on broker records */
    for (uint32_t k = k0; k < k1; k++) {
        if (rn->log[c->base + k].type < RAFT_RECORD_APP_BASE) continue;
        viz__circle(cr, c->x + k * BOX_STEP + BOX_W / 2, y + h / 2 + 1, 2);
        any = true;
    }
    if (any) {
        viz__set_hex(cr, committed ? VIZ_C_PANEL : hex);
        cairo_fill(cr);
    }
}

/* The records of one row, in runs of one epoch and one side of the HW; LeaderChange
 * records get a dark top edge. */
static void record_row(cairo_t *cr, const log_cols *c, const raft_node *rn, double y, double h)
{
    uint32_t end = 0;
    while (end < c->count && c->base + end < rn->leo) end++;
    uint32_t k0 = 0;
    for (uint32_t k = 1; k <= end; k++) {
        const int64_t a = c->base + k0, b = c->base + k;
        if (k < end && rn->log[b].epoch == rn->log[a].epoch && (b < rn->hw) == (a < rn->hw))
            continue;
        record_run(cr, c, rn, k0, k, y, h);
        k0 = k;
    }
    bool any = false;
    for (uint32_t k = 0; k < end; k++) {
        if (rn->log[c->base + k].type != RAFT_RECORD_LEADER_CHANGE) continue;
        cairo_rectangle(cr, c->x + k * BOX_STEP, y, BOX_W, 3);
        any = true;
    }
    if (any) {
        viz__set_hex(cr, 0x202020);
        cairo_fill(cr);
    }
}

static void log_row(cairo_t *cr, const viz_rect *r, const log_cols *c, const sim_world *w,
                    const raft_node *rn, double y, double row_h)
{
    const bool down = viz__node_down(w, rn->endpoint);
    char text[64];
    viz__font(cr, 11, true);
    viz__set_hex(cr, down ? VIZ_C_TEXT_DIM : VIZ_C_TEXT);
    const double base_y = y + row_h / 2 + 4;
    snprintf(text, sizeof text, "%" PRId32, rn->node_id);
    const double x = r->x + 10 + viz__text(cr, r->x + 10, base_y, text, VIZ_ALIGN_LEFT);
    viz__font(cr, 10, false);
    const char *role = down ? "crashed" : !rn->voter ? "observer" : raft_role_name(rn->role);
    viz__text(cr, x + 5, base_y, role, VIZ_ALIGN_LEFT);
    const double box_h = fmin(14, row_h - 6), box_y = y + (row_h - box_h) / 2;
    record_row(cr, c, rn, box_y, box_h);
    if (rn->leo < c->base) { /* its log ends left of the columns shown */
        viz__font(cr, 10, false);
        viz__set_hex(cr, VIZ_C_TEXT_DIM);
        snprintf(text, sizeof text, "\xe2\x97\x82 %" PRId64 " records behind", c->base - rn->leo);
        viz__text(cr, c->x, base_y, text, VIZ_ALIGN_LEFT);
    }
    if (rn->hw >= c->base && rn->hw <= c->base + c->count) { /* the HW bar */
        cairo_rectangle(cr, c->x + (double)(rn->hw - c->base) * BOX_STEP - 2, box_y - 2, 2,
                        box_h + 4);
        viz__set_hex(cr, 0x202020);
        cairo_fill(cr);
    }
    viz__font_mono(cr, 10);
    viz__set_hex(cr, down ? VIZ_C_TEXT_DIM : VIZ_C_TEXT);
    snprintf(text, sizeof text, "LEO %" PRId64 " HW %" PRId64, rn->leo, rn->hw);
    viz__text(cr, r->x + r->w - NUMS_W, base_y, text, VIZ_ALIGN_LEFT);
}

void viz_draw_logs(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v)
{
    (void)v;
    cairo_save(cr);
    const viz_rect r = l->logs;
    const double top =
        viz__panel(cr, r, "Metadata log  \xe2\x80\x94  filled: committed (below HW)");
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    cairo_clip(cr);
    const raft_node *ref = longest_log(w);
    if (ref != NULL) {
        log_cols c = {.x = r.x + LABEL_W};
        const double area = r.w - LABEL_W - NUMS_W - 8;
        c.count = area > BOX_STEP ? (uint32_t)(area / BOX_STEP) : 0;
        c.base = ref->leo > (int64_t)c.count ? ref->leo - (int64_t)c.count : 0;
        epoch_header(cr, &c, ref, top + 8);
        const double rows_top = top + 14;
        const uint32_t n = w->raft.node_count;
        const double avail = r.y + r.h - 6 - rows_top;
        const double row_h = fmax(ROW_H_MIN, fmin(22, avail / (n > 0 ? n : 1)));
        uint32_t fit = (uint32_t)fmax(0, floor(avail / row_h));
        if (fit < n && fit > 0) fit--; /* room for the "more" line */
        for (uint32_t i = 0; i < n && i < fit; i++)
            log_row(cr, &r, &c, w, &w->raft.nodes[i], rows_top + i * row_h, row_h);
        if (fit < n) {
            char more[48];
            snprintf(more, sizeof more, "\xe2\x80\xa6 %" PRIu32 " more nodes (resize the window)",
                     n - fit);
            viz__font(cr, 10, false);
            viz__set_hex(cr, VIZ_C_TEXT_DIM);
            viz__text(cr, r.x + 10, rows_top + fit * row_h + row_h / 2 + 4, more, VIZ_ALIGN_LEFT);
        }
    }
    cairo_restore(cr);
}
