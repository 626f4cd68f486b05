/*
 * consumers.c — the consumers in the cluster panel: one box per member slot of every
 *   group, and the links to their coordinator and to the leaders they fetch from.
 *
 * Role: viz__draw_consumer_lanes and viz__draw_consumers, called by viz_draw_cluster
 *   (lanes under the nodes, boxes over them and under the messages, so that a Fetch or a
 *   JoinGroup leaving a box is seen); viz_consumer_box_get for the tests; hit.c tests the
 *   same boxes (viz_hit_consumer).
 * Model: none of its own; it pictures groups.h's consumers (the classic protocol):
 *   - a box where layout.c puts it (a column at the right of the panel, or a band across
 *     its bottom): a wine "C" mark, the member's name GROUP/N (N its slot, as the
 *     timeline names it), and its state in a word: "finding" (looking for the
 *     coordinator), "joining" (JoinGroup sent or about to be), "syncing" (SyncGroup
 *     sent), "stable" (an assignment in hand), "down" (crashed or closed), "failed"
 *     (stopped for good), "not started" (a slot the timeline has not added yet). A
 *     rebalancing member's border is dashed, a stopped one's box grey;
 *   - on a full box, the partitions it owns as a strip of cells, one per partition of
 *     the group in subscription order (filled: owned; "owns n of m" when the cells would
 *     be too narrow), its generation, the records it has processed, and a dot that is
 *     filled while a polled batch is being processed and hollow while it waits for
 *     records (no dot when it does not consume);
 *   - a link to its coordinator (pale wine) and to every broker its metadata names the
 *     leader of a partition it owns (pale grey), as the producers' links: both lanes,
 *     red or amber, when a direction is cut or degraded. Its Fetch requests (olive
 *     diamonds) and group requests (wine squares) run on them.
 * Owns / borrows: borrows everything for the call.
 * Invariants: brackets its cairo changes with save/restore; no allocation; draws nothing
 *   without groups or with view->hide_groups; what it draws is where and in the colours
 *   viz_consumer_box_get reports.
 * Determinism: a function of (world, layout, view).
 * Not modelled: a consumer's fetch positions and commits are in the groups panel and
 *   the inspector, not on its box; its connection state per broker is not drawn.
 */
#include "viz_internal.h"
#include "../sim/core/sim_assert.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define GLYPH_PX      14.0
#define CELL_W_MAX    10.0
#define CELL_W_MIN    3.0
#define C_BOX         0xF5E9F0 /* a pale tint of the group colour */
#define C_BOX_HOVER   0xEDD5E3
#define C_BOX_EDGE    0x6E1B45
#define C_BOX_DOWN    0xEDEDED
#define C_EDGE_DOWN   0x9A9A9A
#define C_BOX_FAILED  0xFBE0D6
#define C_GLYPH_DOWN  0xA8A8A8
#define C_LANE_COORD  0xE6CCDA /* to the coordinator: a pale wine */
#define C_WORD_STABLE 0x00765A /* the green of the Stable state, darker for text */
#define C_WORD_MOVING 0x8F5F00 /* joining, syncing, finding: a dark orange */

/* ---------------------------------------------------------------------------------
 * The model, in words
 * ------------------------------------------------------------------------------- */

const kg_consumer *viz__consumer(const sim_world *w, uint32_t g, uint32_t slot)
{
    SIM_ASSERT(w->has_groups && g < w->groups.group_count && slot < KG_MEMBERS_MAX);
    return &w->groups.consumers[(size_t)g * KG_MEMBERS_MAX + slot];
}

const char *viz__consumer_state_word(const sim_world *w, const kg_consumer *c)
{
    switch (c->state) {
    case KG_C_FIND:
        return "finding";
    case KG_C_JOINING:
        return "joining";
    case KG_C_SYNCING:
        return "syncing";
    case KG_C_STABLE:
        return "stable";
    case KG_C_FAILED:
        return "failed";
    case KG_C_DOWN:
    default:
        return c->slot < w->groups.started[c->group] ? "down" : "not started";
    }
}

static uint32_t owned_count(const kg_consumer *c, uint32_t parts)
{
    uint32_t n = 0;
    for (uint32_t p = 0; p < parts; p++) n += (c->owned.w[p / 64] >> (p % 64)) & 1u;
    return n;
}

bool viz__consuming(const sim_world *w, const kg_consumer *c)
{
    if (c->state == KG_C_STABLE) return true;
    if (c->state != KG_C_JOINING && c->state != KG_C_SYNCING) return false;
    const kg_group_spec *sp = &w->groups.groups[c->group];
    return kasg_protocol_select(sp->strategies, sp->strategy_count) == KASG_PROTOCOL_COOPERATIVE &&
           owned_count(c, sp->partition_count) > 0;
}

static bool stopped(kg_cstate s)
{
    return s == KG_C_DOWN || s == KG_C_FAILED;
}

/* ---------------------------------------------------------------------------------
 * Geometry
 * ------------------------------------------------------------------------------- */

bool viz_consumer_box_get(const viz_layout *l, const sim_world *w, const viz_view *v, uint32_t k,
                          viz_consumer_box *out)
{
    if (v != NULL && v->hide_groups) return false;
    if (!w->has_groups || k >= l->consumer_count) return false;
    memset(out, 0, sizeof *out);
    out->group = l->consumer_group[k];
    out->slot = l->consumer_slot[k];
    const kg_consumer *c = viz__consumer(w, out->group, out->slot);
    const uint32_t parts = w->groups.groups[out->group].partition_count;
    out->endpoint = c->endpoint;
    out->state = c->state;
    out->started = c->slot < w->groups.started[c->group];
    out->state_word = viz__consumer_state_word(w, c);
    out->owned = owned_count(c, parts);
    out->processing = c->processing && !stopped(c->state);
    const viz_rect b = l->consumer[k];
    out->box = b;
    out->fill_x = floor(b.x) + 3;
    out->fill_y = floor(b.y + b.h / 2);
    const double gy = floor(b.y + fmin(5, fmax(0, (b.h - GLYPH_PX) / 2)));
    out->glyph = (viz_rect){floor(b.x + 6), gy, GLYPH_PX, fmin(GLYPH_PX, b.h)};
    out->glyph_x = out->glyph.x + 2;
    out->glyph_y = out->glyph.y + 2;
    const bool hover =
        v != NULL && v->hover_consumer == (int32_t)(out->group * KG_MEMBERS_MAX + out->slot);
    uint32_t fill = hover ? C_BOX_HOVER : C_BOX;
    if (c->state == KG_C_FAILED) fill = C_BOX_FAILED;
    if (c->state == KG_C_DOWN) fill = C_BOX_DOWN;
    out->fill = VIZ_RGB(fill);
    out->glyph_fill = VIZ_RGB(stopped(c->state) ? C_GLYPH_DOWN : VIZ_C_GROUP);
    if (!l->consumer_compact && parts > 0) {
        const double x0 = b.x + 32, avail = b.x + b.w - 6 - x0;
        const double cell = fmin(CELL_W_MAX, floor(avail / parts));
        if (cell >= CELL_W_MIN)
            out->cells = (viz_rect){floor(x0), floor(b.y + 24), cell * parts, 7};
    }
    return true;
}

/* ---------------------------------------------------------------------------------
 * Lanes
 * ------------------------------------------------------------------------------- */

/* A running member's links: to its coordinator, and to the leaders (in its metadata) of
 * the partitions it owns; one link per broker, the coordinator's colour winning. */
static void member_lanes(cairo_t *cr, const viz_layout *l, const sim_world *w, const kg_consumer *c)
{
    const uint32_t parts = w->groups.groups[c->group].partition_count;
    bool done[SIM_NODES_MAX] = {false};
    const int32_t coord = c->coordinator >= 0 ? sim_world_endpoint_of(w, c->coordinator) : -1;
    if (coord >= 0 && coord < (int32_t)SIM_NODES_MAX) {
        done[coord] = true;
        viz__client_link(cr, l, w, c->endpoint, coord, C_LANE_COORD);
    }
    for (uint32_t p = 0; c->leaders != NULL && p < parts; p++) {
        if (!((c->owned.w[p / 64] >> (p % 64)) & 1u) || c->leaders[p] < 0) continue;
        const int32_t ep = sim_world_endpoint_of(w, c->leaders[p]);
        if (ep < 0 || ep >= (int32_t)SIM_NODES_MAX || done[ep]) continue;
        done[ep] = true;
        viz__client_link(cr, l, w, c->endpoint, ep, VIZ_C_CLIENT_LANE);
    }
}

void viz__draw_consumer_lanes(cairo_t *cr, const viz_layout *l, const sim_world *w,
                              const viz_view *v)
{
    if (!w->has_groups || l->consumer_count == 0 || (v != NULL && v->hide_groups)) return;
    cairo_save(cr);
    for (uint32_t k = 0; k < l->consumer_count; k++) {
        const kg_consumer *c = viz__consumer(w, l->consumer_group[k], l->consumer_slot[k]);
        if (!stopped(c->state)) member_lanes(cr, l, w, c);
    }
    cairo_restore(cr);
}

/* ---------------------------------------------------------------------------------
 * Boxes
 * ------------------------------------------------------------------------------- */

static void box_frame(cairo_t *cr, const viz_view *v, const viz_consumer_box *b)
{
    static const double dash[] = {4, 3}, moving[] = {5, 2.5};
    const viz_rect r = b->box;
    if (v != NULL && v->selected_consumer == (int32_t)(b->group * KG_MEMBERS_MAX + b->slot)) {
        viz__rounded_rect(cr, r.x - 4.5, r.y - 4.5, r.w + 9, r.h + 9, 8);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_set_line_width(cr, 1.5);
        viz__set_hex(cr, VIZ_C_TEXT);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
    viz__rounded_rect(cr, r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1, 6);
    viz__set_rgb(cr, b->fill);
    cairo_fill_preserve(cr);
    const bool rebalancing =
        b->state == KG_C_FIND || b->state == KG_C_JOINING || b->state == KG_C_SYNCING;
    uint32_t edge = C_BOX_EDGE;
    double width = 1.2;
    if (b->state == KG_C_DOWN) {
        cairo_set_dash(cr, dash, 2, 0);
        edge = C_EDGE_DOWN;
    } else if (b->state == KG_C_FAILED) {
        edge = VIZ_C_VERMILION;
        width = 2;
    } else if (rebalancing) {
        cairo_set_dash(cr, moving, 2, 0);
        edge = VIZ_C_GROUP;
        width = 1.6;
    }
    cairo_set_line_width(cr, width);
    viz__set_hex(cr, edge);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    const viz_rect g = b->glyph; /* the "C" mark; glyph_letter writes it */
    viz__rounded_rect(cr, g.x, g.y, g.w, g.h, 3);
    viz__set_rgb(cr, b->glyph_fill);
    cairo_fill(cr);
}

static uint32_t word_hex(kg_cstate s)
{
    switch (s) {
    case KG_C_STABLE:
        return C_WORD_STABLE;
    case KG_C_FAILED:
        return VIZ_C_VERMILION;
    case KG_C_DOWN:
        return VIZ_C_TEXT_DIM;
    default:
        return C_WORD_MOVING;
    }
}

/* The state's word on the right of the first line, bold while the member is not settled
 * (`bold` selects which boxes this pass writes); returns its width. The caller selected
 * the font (9 px). */
static double state_word(cairo_t *cr, const viz_consumer_box *b)
{
    const viz_rect r = b->box;
    viz__set_hex(cr, word_hex(b->state));
    return viz__text(cr, r.x + r.w - 6, b->glyph.y + b->glyph.h / 2 + 3.5, b->state_word,
                     VIZ_ALIGN_RIGHT);
}

static bool word_bold(const viz_consumer_box *b)
{
    return b->state != KG_C_STABLE && b->state != KG_C_DOWN;
}

/* "GROUP/N" in at most `width` pixels of the current font: a long group id is cut, with
 * an ellipsis, before the member's number is. */
static void fit_member_name(cairo_t *cr, const char *id, uint32_t slot, double width, char *buf,
                            size_t buf_bytes)
{
    snprintf(buf, buf_bytes, "%s/%" PRIu32, id, slot);
    if (viz__text_width(cr, buf) <= width) return;
    for (int keep = (int)strnlen(id, 64) - 1; keep >= 1; keep--) {
        snprintf(buf, buf_bytes, "%.*s\xe2\x80\xa6/%" PRIu32, keep, id, slot);
        if (viz__text_width(cr, buf) <= width) return;
    }
}

/* GROUP/N on the left of the first line, left of the state's word (word_w wide); the
 * caller selected the font (10.5 px bold). */
static void member_name(cairo_t *cr, const sim_world *w, const viz_consumer_box *b, double word_w)
{
    const viz_rect r = b->box;
    const double x = b->glyph.x + b->glyph.w + 5, room = r.x + r.w - 10 - word_w - x;
    char name[96];
    fit_member_name(cr, w->groups.groups[b->group].id, b->slot, room, name, sizeof name);
    viz__set_hex(cr, stopped(b->state) ? VIZ_C_TEXT_DIM : VIZ_C_TEXT);
    viz__text(cr, x, b->glyph.y + b->glyph.h / 2 + 3.5, name, VIZ_ALIGN_LEFT);
}

/* The owned partitions' cells, one per partition of the group (filled: owned), and the
 * processing dot: filled while a batch is processed, hollow while the member waits for
 * records, none when it does not consume. */
static void box_marks(cairo_t *cr, const sim_world *w, const viz_consumer_box *b)
{
    const kg_consumer *c = viz__consumer(w, b->group, b->slot);
    const uint32_t parts = w->groups.groups[b->group].partition_count;
    const viz_rect r = b->box, cells = b->cells;
    const double cw = cells.w > 0 ? cells.w / parts : 0;
    for (uint32_t p = 0; cw > 0 && p < parts; p++) {
        const bool owned = (c->owned.w[p / 64] >> (p % 64)) & 1u;
        cairo_rectangle(cr, cells.x + p * cw + 0.5, cells.y + 0.5, fmax(1, cw - 2), cells.h - 1);
        if (owned) {
            viz__set_hex(cr, stopped(c->state) ? C_GLYPH_DOWN : VIZ_C_GROUP);
            cairo_fill(cr);
            continue;
        }
        viz__set_hex(cr, VIZ_C_PANEL);
        cairo_fill_preserve(cr);
        cairo_set_line_width(cr, 1);
        viz__set_hex(cr, 0xC8B4BF);
        cairo_stroke(cr);
    }
    if (!viz__consuming(w, c)) return;
    viz__circle(cr, r.x + r.w - 11, r.y + r.h - 8, 3.5);
    viz__set_hex(cr, VIZ_C_CONSUME);
    if (b->processing) {
        cairo_fill(cr);
        return;
    }
    cairo_set_line_width(cr, 1.4);
    cairo_stroke(cr);
}

/* "gen 2", the records processed, and "n of m" when the cells do not fit; the caller
 * selected the font (9 px monospace). */
static void box_numbers(cairo_t *cr, const sim_world *w, const viz_consumer_box *b)
{
    const kg_consumer *c = viz__consumer(w, b->group, b->slot);
    const viz_rect r = b->box;
    const double base = r.y + r.h - 5;
    char text[48];
    viz__set_hex(cr, VIZ_C_TEXT);
    if (b->cells.w <= 0) {
        snprintf(text, sizeof text, "%" PRIu32 " of %" PRIu32, b->owned,
                 w->groups.groups[b->group].partition_count);
        viz__text(cr, r.x + 32, r.y + 31, text, VIZ_ALIGN_LEFT);
    }
    if (c->generation > 0) {
        snprintf(text, sizeof text, "gen %" PRId32, c->generation);
    } else {
        snprintf(text, sizeof text, "gen -");
    }
    viz__text(cr, r.x + 6, base, text, VIZ_ALIGN_LEFT);
    snprintf(text, sizeof text, "%" PRIu64 " done", c->processed);
    viz__text(cr, r.x + r.w - 20, base, text, VIZ_ALIGN_RIGHT);
}

/* The boxes in passes (shapes, then each font's texts), so that each font is selected
 * once per frame. */
static void draw_boxes(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v,
                       const viz_consumer_box *b, uint32_t n)
{
    double word_w[VIZ_CONSUMERS_MAX];
    for (uint32_t i = 0; i < n; i++) {
        box_frame(cr, v, &b[i]);
        if (!l->consumer_compact) box_marks(cr, w, &b[i]);
    }
    viz__font(cr, 10, true);
    viz__set_hex(cr, VIZ_C_PANEL);
    for (uint32_t i = 0; i < n; i++) {
        const viz_rect g = b[i].glyph;
        viz__text(cr, g.x + g.w / 2, g.y + g.h / 2 + 3.6, "C", VIZ_ALIGN_CENTER);
    }
    for (int bold = 0; bold < 2; bold++) {
        viz__font(cr, 9, bold);
        for (uint32_t i = 0; i < n; i++)
            if (word_bold(&b[i]) == (bold != 0)) word_w[i] = state_word(cr, &b[i]);
    }
    viz__font(cr, 10.5, true);
    for (uint32_t i = 0; i < n; i++) member_name(cr, w, &b[i], word_w[i]);
    if (l->consumer_compact) return;
    viz__font(cr, 8, false);
    viz__set_hex(cr, VIZ_C_TEXT_DIM);
    for (uint32_t i = 0; i < n; i++)
        viz__text(cr, b[i].box.x + 6, b[i].box.y + 31, "owns", VIZ_ALIGN_LEFT);
    viz__font_mono(cr, 9);
    for (uint32_t i = 0; i < n; i++) box_numbers(cr, w, &b[i]);
}

void viz__draw_consumers(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v)
{
    if (!w->has_groups || l->consumer_count == 0 || (v != NULL && v->hide_groups)) return;
    cairo_save(cr);
    char caption[48] = "Consumers";
    if (l->consumers_hidden > 0)
        snprintf(caption, sizeof caption, "Consumers  (+%" PRIu32 " not shown)",
                 l->consumers_hidden);
    viz__font(cr, 10, true);
    viz__set_hex(cr, VIZ_C_TEXT_DIM);
    const double tw = viz__text_width(cr, caption); /* kept inside the panel: ends at the right */
    viz__text(cr, l->consumers.x + fmin(0, l->consumers.w - tw),
              fmax(l->consumers.y + 10, l->consumer[0].y - 6), caption, VIZ_ALIGN_LEFT);
    viz_consumer_box boxes[VIZ_CONSUMERS_MAX];
    uint32_t n = 0;
    for (uint32_t k = 0; k < l->consumer_count; k++)
        if (viz_consumer_box_get(l, w, v, k, &boxes[n])) n++;
    draw_boxes(cr, l, w, v, boxes, n);
    cairo_restore(cr);
}
