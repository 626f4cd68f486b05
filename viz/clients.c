/*
 * clients.c — the producers in the cluster panel: one box each, the links to the brokers
 *   they send to, and a badge when they see an error. (Consumers: consumers.c.)
 *
 * Role: viz__draw_client_lanes and viz__draw_clients, called by viz_draw_cluster (links
 *   under the nodes, boxes over them and under the messages, so that a Produce leaving
 *   a box is seen); viz_client_box_get for the tests; hit.c tests the same boxes.
 * Model: none of its own; it pictures producer.h's clients:
 *   - a box (a rounded rectangle, unlike any node) where layout.c puts it, in a column
 *     at the left of the panel or a band across its top: an orange "P" mark, the
 *     producer's name, its acks setting, and its record counters, sent / acked
 *     (unconfirmed with acks=0) / failed. Compact boxes (many producers in a short
 *     panel) show the mark, the name and acks only;
 *   - a link to every broker its metadata names the leader of one of its topic's
 *     partitions, so a producer that still believes a crashed broker leads points at it
 *     until a Metadata answer says otherwise. A healthy link is one line, paler than
 *     the quorum's lanes (a producer may talk to every broker), between the two lanes
 *     its messages run on; when a direction is cut (red, dashed) or degraded (amber,
 *     dashed) both lanes are drawn, as between nodes. Messages run on the lanes (a
 *     Metadata request to another broker runs where its lane would be): Produce an
 *     orange diamond, its answer a hollow one; Metadata a yellow dot, its answer a ring;
 *   - an error badge on the box's top edge, in vermilion with the Kafka error's name
 *     (and "x N" when several), for VIZ_ALERT_US of virtual time after an error answer
 *     or a broken connection; a batch that failed for good says "failed:" on a darker
 *     red. The box's border turns red meanwhile. The errors come from the view's
 *     client_errs (the trace), never from state stored for the animation (style C.9).
 * Owns / borrows: borrows everything for the call.
 * Invariants: brackets its cairo changes with save/restore; no allocation; draws nothing
 *   without producers or with view->hide_clients; what it draws is where and in the
 *   colours viz_client_box_get reports.
 * Determinism: a function of (world, layout, view).
 * Not modelled: a producer's connection state per broker
 *   (refused, reconnect backoff) is not drawn: its batches in flight and waiting are in
 *   the inspector.
 */
#include "viz_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define GLYPH_PX      14.0
#define BADGE_H       13.0
#define BADGE_FONT_PX 8.5
#define MONO_EM       0.62     /* a monospace advance, in font sizes (0.6 in DejaVu, Liberation) */
#define C_BOX         0xFDF1DC /* a pale tint of the produce family's orange */
#define C_BOX_HOVER   0xF8E2BC
#define C_BOX_EDGE    0x8A5A00
#define C_BADGE_FATAL 0x7A1F00 /* a batch failed for good: darker than the vermilion */

/* ---------------------------------------------------------------------------------
 * Names and errors
 * ------------------------------------------------------------------------------- */

void viz__endpoint_name(const sim_world *w, int32_t endpoint, char *buf, size_t buf_bytes)
{
    if (endpoint >= 0 && (uint32_t)endpoint < w->node_count) {
        snprintf(buf, buf_bytes, "node %" PRId32, w->node_ids[endpoint]);
        return;
    }
    const int64_t i = (int64_t)endpoint - w->node_count;
    if (w->has_producers && i >= 0 && i < (int64_t)w->producers.count) {
        snprintf(buf, buf_bytes, "producer %s", w->producers.clients[i].name);
        return;
    }
    for (uint32_t g = 0; w->has_groups && g < w->groups.group_count; g++) {
        for (uint32_t k = 0; k < w->groups.groups[g].members_max; k++) {
            if (viz__consumer(w, g, k)->endpoint != endpoint) continue;
            snprintf(buf, buf_bytes, "consumer %s/%" PRIu32, w->groups.groups[g].id, k);
            return;
        }
    }
    snprintf(buf, buf_bytes, "endpoint %" PRId32, endpoint);
}

/* The errors producer `p` saw in (now - VIZ_ALERT_US, now]: how many, and the latest's
 * code and kind. The view's list is sorted by time: search back from now. */
static uint32_t recent_errors(const viz_view *v, sim_time now, uint32_t p, int32_t *code,
                              bool *fatal)
{
    if (v == NULL || v->client_errs == NULL) return 0;
    uint32_t lo = 0, hi = v->client_err_count;
    while (lo < hi) { /* first error with t > now */
        const uint32_t mid = lo + (hi - lo) / 2;
        if (v->client_errs[mid].t <= now) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    uint32_t n = 0;
    for (uint32_t k = lo; k > 0; k--) {
        const viz_client_err *e = &v->client_errs[k - 1];
        if (e->t + VIZ_ALERT_US <= now) break;
        if (e->producer != p) continue;
        if (n == 0) {
            *code = e->code;
            *fatal = e->fatal;
        }
        n++;
    }
    return n;
}

/* The badge's words: "NETWORK_EXCEPTION", "NETWORK_EXCEPTION x3", "failed: ...". */
static void badge_text(const viz_client_box *b, char *buf, size_t buf_bytes)
{
    const prod_error e = prod_error_of_code(b->error_code);
    char name[48];
    if (e < PROD_ERR_COUNT) {
        snprintf(name, sizeof name, "%s", prod_error_name(e));
    } else {
        snprintf(name, sizeof name, "error %" PRId32, b->error_code);
    }
    const int len = snprintf(buf, buf_bytes, "%s%s", b->fatal ? "failed: " : "", name);
    if (b->error_count > 1 && len > 0 && (size_t)len < buf_bytes)
        snprintf(buf + len, buf_bytes - (size_t)len, " \xc3\x97%" PRIu32, b->error_count);
}

/* ---------------------------------------------------------------------------------
 * Geometry
 * ------------------------------------------------------------------------------- */

/* The badge's width for its text, from the character count: the badge's font is
 * monospace, so no cairo context is needed and the tests' geometry is the drawing's. */
static double badge_width(const char *text)
{
    uint32_t chars = 0;
    for (const unsigned char *c = (const unsigned char *)text; *c != '\0'; c++)
        chars += (*c & 0xC0) != 0x80 ? 1 : 0; /* UTF-8: count lead bytes only */
    return ceil(chars * MONO_EM * BADGE_FONT_PX) + 10;
}

bool viz_client_box_get(const viz_layout *l, const sim_world *w, const viz_view *v,
                        uint32_t producer, viz_client_box *out)
{
    if (v != NULL && v->hide_clients) return false;
    if (!w->has_producers || producer >= l->client_count || producer >= w->producers.count)
        return false;
    memset(out, 0, sizeof *out);
    const viz_rect b = l->client[producer];
    out->box = b;
    out->fill_x = floor(b.x) + 3;
    out->fill_y = floor(b.y + b.h / 2);
    const double gy = floor(b.y + fmin(5, fmax(0, (b.h - GLYPH_PX) / 2)));
    out->glyph = (viz_rect){floor(b.x + 6), gy, GLYPH_PX, fmin(GLYPH_PX, b.h)};
    out->glyph_x = out->glyph.x + 2;
    out->glyph_y = out->glyph.y + 2;
    const bool hover = v != NULL && v->hover_client == (int32_t)producer;
    out->fill = VIZ_RGB(hover ? C_BOX_HOVER : C_BOX);
    out->glyph_fill = VIZ_RGB(VIZ_C_ORANGE);
    out->error_count = recent_errors(v, w->engine.now, producer, &out->error_code, &out->fatal);
    out->alert = out->error_count > 0;
    if (!out->alert) return true;
    char text[96];
    badge_text(out, text, sizeof text);
    const double bw = badge_width(text);
    const double bx = bw <= b.w - 8 ? b.x + b.w - 4 - bw : b.x + 4; /* may stick out right */
    out->badge = (viz_rect){floor(bx), floor(b.y - BADGE_H / 2), bw, BADGE_H};
    out->badge_x = out->badge.x + 2;
    out->badge_y = out->badge.y + 6;
    out->badge_fill = VIZ_RGB(out->fatal ? C_BADGE_FATAL : VIZ_C_VERMILION);
    return true;
}

/* ---------------------------------------------------------------------------------
 * Lanes
 * ------------------------------------------------------------------------------- */

static void lane(cairo_t *cr, const viz_layout *l, const sim_world *w, int32_t from, int32_t to)
{
    static const double dash[] = {6, 4};
    const net_link *k = net_link_get(&w->net, from, to);
    viz__link_path(cr, l, from, to);
    if (k->cut || k->degraded) cairo_set_dash(cr, dash, 2, 0);
    cairo_set_line_width(cr, k->cut ? 2 : k->degraded ? 1.6 : 1);
    viz__set_hex(cr, k->cut ? VIZ_C_VERMILION : k->degraded ? VIZ_C_ORANGE : VIZ_C_CLIENT_LANE);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
}

void viz__client_link(cairo_t *cr, const viz_layout *l, const sim_world *w, int32_t a, int32_t b,
                      uint32_t hex)
{
    const net_link *ab = net_link_get(&w->net, a, b), *ba = net_link_get(&w->net, b, a);
    if (ab->cut || ab->degraded || ba->cut || ba->degraded) {
        lane(cr, l, w, a, b);
        lane(cr, l, w, b, a);
        return;
    }
    viz__link_center_path(cr, l, a, b);
    cairo_set_line_width(cr, 1);
    viz__set_hex(cr, hex);
    cairo_stroke(cr);
}

void viz__draw_client_lanes(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v)
{
    if (!w->has_producers || l->client_count == 0 || (v != NULL && v->hide_clients)) return;
    cairo_save(cr);
    for (uint32_t i = 0; i < l->client_count && i < w->producers.count; i++) {
        const prod_client *c = &w->producers.clients[i];
        bool done[SIM_NODES_MAX] = {false};
        for (uint32_t p = 0; p < c->wl.partition_count; p++) {
            if (c->leader[p] == PROD_NO_LEADER) continue;
            const int32_t ep = sim_world_endpoint_of(w, c->leader[p]);
            if (ep < 0 || ep >= (int32_t)SIM_NODES_MAX || done[ep]) continue;
            done[ep] = true;
            viz__client_link(cr, l, w, c->endpoint, ep, VIZ_C_CLIENT_LANE);
        }
    }
    cairo_restore(cr);
}

/* ---------------------------------------------------------------------------------
 * Boxes
 * ------------------------------------------------------------------------------- */

static const char *acks_word(const prod_client *c)
{
    return c->cfg.acks == 0 ? "acks=0" : c->cfg.acks == 1 ? "acks=1" : "acks=all";
}

static void box_frame(cairo_t *cr, const viz_view *v, const viz_client_box *b, uint32_t i)
{
    const viz_rect r = b->box;
    if (v != NULL && v->selected_client == (int32_t)i) {
        static const double dash[] = {4, 3};
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
    cairo_set_line_width(cr, b->alert ? 2 : 1.2);
    viz__set_hex(cr, b->alert ? VIZ_C_VERMILION : C_BOX_EDGE);
    cairo_stroke(cr);
    const viz_rect g = b->glyph; /* the "P" mark */
    viz__rounded_rect(cr, g.x, g.y, g.w, g.h, 3);
    viz__set_rgb(cr, b->glyph_fill);
    cairo_fill(cr);
    viz__font(cr, 10, true);
    viz__set_hex(cr, VIZ_C_PANEL);
    viz__text(cr, g.x + g.w / 2, g.y + g.h / 2 + 3.6, "P", VIZ_ALIGN_CENTER);
}

/* The name on the left of the first line, acks on its right. */
static void box_title(cairo_t *cr, const prod_client *c, const viz_client_box *b)
{
    const viz_rect r = b->box;
    const double base = b->glyph.y + b->glyph.h / 2 + 3.5;
    viz__font(cr, 9, false);
    viz__set_hex(cr, VIZ_C_TEXT_DIM);
    const double acks_w = viz__text(cr, r.x + r.w - 6, base, acks_word(c), VIZ_ALIGN_RIGHT);
    cairo_save(cr);
    cairo_rectangle(cr, r.x, r.y, fmax(0, r.w - 10 - acks_w), r.h);
    cairo_clip(cr);
    viz__font(cr, 10.5, true);
    viz__set_hex(cr, VIZ_C_TEXT);
    viz__text(cr, b->glyph.x + b->glyph.w + 5, base, c->name, VIZ_ALIGN_LEFT);
    cairo_restore(cr);
}

/* Three columns: records sent, acked (unconfirmed with acks=0), failed. */
static void box_counters(cairo_t *cr, const prod_client *c, viz_rect r)
{
    const double col = (r.w - 12) / 3, cap_y = r.y + 30, num_y = r.y + r.h - 5;
    const char *caps[3] = {"sent", c->cfg.acks == 0 ? "unconf." : "acked", "failed"};
    const uint64_t nums[3] = {c->sent, c->cfg.acks == 0 ? c->unconfirmed : c->acked, c->failed};
    viz__font(cr, 8, false);
    viz__set_hex(cr, VIZ_C_TEXT_DIM);
    for (int k = 0; k < 3; k++) viz__text(cr, r.x + 6 + k * col, cap_y, caps[k], VIZ_ALIGN_LEFT);
    viz__font_mono(cr, 9);
    for (int k = 0; k < 3; k++) {
        char text[24];
        snprintf(text, sizeof text, "%" PRIu64, nums[k]);
        viz__set_hex(cr, k == 2 && nums[k] > 0 ? VIZ_C_VERMILION : VIZ_C_TEXT);
        viz__text(cr, r.x + 6 + k * col, num_y, text, VIZ_ALIGN_LEFT);
    }
}

static void draw_badge(cairo_t *cr, const viz_client_box *b)
{
    char text[96];
    badge_text(b, text, sizeof text);
    const viz_rect r = b->badge;
    viz__rounded_rect(cr, r.x, r.y, r.w, r.h, 4);
    viz__set_rgb(cr, b->badge_fill);
    cairo_fill(cr);
    cairo_select_font_face(cr, "monospace", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, BADGE_FONT_PX);
    viz__set_hex(cr, VIZ_C_PANEL);
    viz__text(cr, r.x + 5, r.y + r.h - 3.5, text, VIZ_ALIGN_LEFT);
}

void viz__draw_clients(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v)
{
    if (!w->has_producers || l->client_count == 0 || (v != NULL && v->hide_clients)) return;
    cairo_save(cr);
    viz__font(cr, 10, true); /* the caption, over the stack of boxes and its badges */
    viz__set_hex(cr, VIZ_C_TEXT_DIM);
    viz__text(cr, l->clients.x, fmax(l->clients.y + 10, l->client[0].y - 12), "Producers",
              VIZ_ALIGN_LEFT);
    for (uint32_t i = 0; i < l->client_count; i++) {
        viz_client_box b;
        if (!viz_client_box_get(l, w, v, i, &b)) continue;
        const prod_client *c = &w->producers.clients[i];
        box_frame(cr, v, &b, i);
        cairo_save(cr);
        cairo_rectangle(cr, b.box.x, b.box.y, b.box.w, b.box.h);
        cairo_clip(cr);
        box_title(cr, c, &b);
        if (!l->client_compact) box_counters(cr, c, b.box);
        cairo_restore(cr);
    }
    for (uint32_t i = 0; i < l->client_count; i++) { /* over every box: they may stick out */
        viz_client_box b;
        if (viz_client_box_get(l, w, v, i, &b) && b.alert) draw_badge(cr, &b);
    }
    cairo_restore(cr);
}
