/*
 * theme.c — the palette, text and shape helpers every panel uses, and viz_node_fill.
 *
 * Role: leaf helpers for the drawing files of viz/ (viz_internal.h); viz_node_fill is
 *   public because tests sample node colours with it.
 * Model: none. Colours are Okabe–Ito's colour-blind-safe set on a light background, and
 *   two of Paul Tol's muted set (wine, olive) for the consumer groups, which need colours
 *   of their own.
 * Owns / borrows: nothing.
 * Invariants: helpers that change cairo state other than the current point and path
 *   say so (viz__font* set the font; callers bracket with cairo_save/restore).
 * Determinism: no randomness, no clock.
 * Not modelled: n/a.
 */
#include "viz_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------------------------
 * Colours
 * ------------------------------------------------------------------------------- */

void viz__set_rgb(cairo_t *cr, viz_rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

void viz__set_hex(cairo_t *cr, uint32_t hex)
{
    viz__set_rgb(cr, VIZ_RGB(hex));
}

void viz__set_hex_alpha(cairo_t *cr, uint32_t hex, double alpha)
{
    const viz_rgb c = VIZ_RGB(hex);
    cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

uint32_t viz__family_hex(net_msg_kind kind)
{
    if (kind == NET_MSG_REPLICA_FETCH_REQ || kind == NET_MSG_REPLICA_FETCH_RESP)
        return VIZ_C_REPLICATION; /* net.h files them under "fetch", as Kafka's RPC name */
    const char *family = net_msg_kind_family(kind);
    if (strcmp(family, "vote") == 0) return VIZ_C_PURPLE;
    if (strcmp(family, "fetch") == 0) return VIZ_C_SKY;
    if (strcmp(family, "heartbeat") == 0) return VIZ_C_GREEN;
    if (strcmp(family, "produce") == 0) return VIZ_C_ORANGE;
    if (strcmp(family, "metadata") == 0) return VIZ_C_METADATA; /* clients' Metadata */
    if (strcmp(family, "group") == 0) return VIZ_C_GROUP;       /* the group protocol */
    if (strcmp(family, "consume") == 0) return VIZ_C_CONSUME;   /* consumers' Fetch */
    return 0x777777; /* families of later models until they get a colour */
}

uint32_t viz__epoch_hex(int32_t epoch)
{
    static const uint32_t cycle[] = {VIZ_C_BLUE,   VIZ_C_ORANGE, VIZ_C_GREEN,
                                     VIZ_C_PURPLE, VIZ_C_SKY,    VIZ_C_VERMILION};
    if (epoch <= 0) return 0x999999;
    return cycle[(uint32_t)(epoch - 1) % (sizeof cycle / sizeof cycle[0])];
}

uint32_t viz__marker_hex(viz_marker_kind kind)
{
    switch (kind) {
    case VIZ_MARK_FAULT:
        return VIZ_C_VERMILION;
    case VIZ_MARK_ELECTION:
        return VIZ_C_BLUE;
    case VIZ_MARK_RAFT:
        return VIZ_C_SKY;
    case VIZ_MARK_BROKER:
        return VIZ_C_GREEN;
    case VIZ_MARK_NOTE:
        return 0x555555;
    case VIZ_MARK_WARNING:
        return VIZ_C_ORANGE;
    case VIZ_MARK_VIOLATION:
        return VIZ_C_PURPLE;
    case VIZ_MARK_DATA:
        return VIZ_C_DATA;
    case VIZ_MARK_GROUP:
        return VIZ_C_GROUP;
    case VIZ_MARK_KIND_COUNT:
    default:
        return 0x000000;
    }
}

const char *viz__marker_kind_name(viz_marker_kind kind)
{
    static const char *const names[] = {"fault",   "election",  "raft", "broker", "note",
                                        "warning", "violation", "data", "group"};
    static_assert(sizeof names / sizeof names[0] == VIZ_MARK_KIND_COUNT, "marker names");
    return (unsigned)kind < VIZ_MARK_KIND_COUNT ? names[kind] : "?";
}

uint32_t viz__group_state_hex(kg_state s)
{
    switch (s) {
    case KG_STATE_STABLE:
        return VIZ_C_GREEN;
    case KG_STATE_PREPARING_REBALANCE:
        return VIZ_C_ORANGE;
    case KG_STATE_COMPLETING_REBALANCE:
        return VIZ_C_SKY;
    case KG_STATE_DEAD:
        return VIZ_C_VERMILION;
    case KG_STATE_EMPTY:
    default:
        return 0x9A9A9A;
    }
}

/* ---------------------------------------------------------------------------------
 * Node state
 * ------------------------------------------------------------------------------- */

const raft_node *viz__raft(const sim_world *w, int32_t endpoint)
{
    if (endpoint < 0 || (uint32_t)endpoint >= w->engine.endpoint_count) return NULL;
    const int32_t i = w->raft.node_of_endpoint[endpoint];
    return i < 0 ? NULL : &w->raft.nodes[i];
}

bool viz__node_down(const sim_world *w, int32_t endpoint)
{
    return sim_engine_endpoint_down_p(&w->engine, endpoint);
}

bool viz__node_isolated(const sim_world *w, int32_t endpoint)
{
    if (w->node_count < 2) return false;
    for (uint32_t i = 0; i < w->node_count; i++) {
        if ((int32_t)i == endpoint) continue;
        if (!net_link_get(&w->net, endpoint, (int32_t)i)->cut) return false;
        if (!net_link_get(&w->net, (int32_t)i, endpoint)->cut) return false;
    }
    return true;
}

bool viz__node_has_net_fault(const sim_world *w, int32_t endpoint)
{
    for (uint32_t i = 0; i < w->node_count; i++) {
        if ((int32_t)i == endpoint) continue;
        const net_link *out = net_link_get(&w->net, endpoint, (int32_t)i);
        const net_link *in = net_link_get(&w->net, (int32_t)i, endpoint);
        if (out->cut || in->cut || out->degraded || in->degraded) return true;
    }
    return false;
}

viz_rgb viz_node_fill(const sim_world *w, int32_t endpoint)
{
    if (viz__node_down(w, endpoint)) return VIZ_RGB(VIZ_C_CRASHED);
    const raft_node *rn = viz__raft(w, endpoint);
    if (rn == NULL) return VIZ_RGB(VIZ_FILL_UNATTACHED);
    if (!rn->voter) {
        return VIZ_RGB(rn->role == RAFT_ROLE_FOLLOWER ? VIZ_FILL_OBSERVER : VIZ_FILL_UNATTACHED);
    }
    switch (rn->role) {
    case RAFT_ROLE_LEADER:
        return VIZ_RGB(VIZ_FILL_LEADER);
    case RAFT_ROLE_FOLLOWER:
        return VIZ_RGB(VIZ_FILL_FOLLOWER);
    case RAFT_ROLE_CANDIDATE:
        return VIZ_RGB(VIZ_FILL_CANDIDATE);
    case RAFT_ROLE_PROSPECTIVE:
        return VIZ_RGB(VIZ_FILL_PROSPECTIVE);
    case RAFT_ROLE_RESIGNED:
        return VIZ_RGB(VIZ_FILL_RESIGNED);
    case RAFT_ROLE_UNATTACHED:
    case RAFT_ROLE_COUNT:
    default:
        return VIZ_RGB(VIZ_FILL_UNATTACHED);
    }
}

/* ---------------------------------------------------------------------------------
 * Text
 * ------------------------------------------------------------------------------- */

void viz__font(cairo_t *cr, double size, bool bold)
{
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

void viz__font_mono(cairo_t *cr, double size)
{
    cairo_select_font_face(cr, "monospace", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double viz__text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t te;
    cairo_text_extents(cr, s, &te);
    return te.x_advance;
}

double viz__text(cairo_t *cr, double x, double y, const char *s, viz__align align)
{
    double width = 0;
    if (align != VIZ_ALIGN_LEFT) {
        width = viz__text_width(cr, s);
        x -= align == VIZ_ALIGN_CENTER ? width / 2 : width;
    }
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s);
    if (align == VIZ_ALIGN_LEFT) {
        double cx, cy;
        cairo_get_current_point(cr, &cx, &cy);
        width = cx - x;
    }
    return width;
}

void viz__format_time(sim_time t, char *buf, size_t buf_bytes)
{
    snprintf(buf, buf_bytes, "%" PRIu64 ".%03" PRIu64 " s", t / 1000000u, (t / 1000u) % 1000u);
}

/* ---------------------------------------------------------------------------------
 * Shapes
 * ------------------------------------------------------------------------------- */

void viz__circle(cairo_t *cr, double x, double y, double r)
{
    cairo_new_sub_path(cr);
    cairo_arc(cr, x, y, r, 0, 2 * VIZ_PI);
}

void viz__rounded_rect(cairo_t *cr, double x, double y, double w, double h, double r)
{
    if (r > w / 2) r = w / 2;
    if (r > h / 2) r = h / 2;
    cairo_new_sub_path(cr);
    cairo_arc(cr, x + w - r, y + r, r, -VIZ_PI / 2, 0);
    cairo_arc(cr, x + w - r, y + h - r, r, 0, VIZ_PI / 2);
    cairo_arc(cr, x + r, y + h - r, r, VIZ_PI / 2, VIZ_PI);
    cairo_arc(cr, x + r, y + r, r, VIZ_PI, 3 * VIZ_PI / 2);
    cairo_close_path(cr);
}

void viz__diamond(cairo_t *cr, double x, double y, double r)
{
    cairo_new_sub_path(cr);
    cairo_move_to(cr, x, y - r);
    cairo_line_to(cr, x + r, y);
    cairo_line_to(cr, x, y + r);
    cairo_line_to(cr, x - r, y);
    cairo_close_path(cr);
}

double viz__panel(cairo_t *cr, viz_rect r, const char *title)
{
    viz__rounded_rect(cr, r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1, 6);
    viz__set_hex(cr, VIZ_C_PANEL);
    cairo_fill_preserve(cr);
    viz__set_hex(cr, VIZ_C_BORDER);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
    if (title == NULL) return r.y + 8;
    viz__font(cr, 12, true);
    viz__set_hex(cr, VIZ_C_TEXT_DIM);
    viz__text(cr, r.x + 10, r.y + 18, title, VIZ_ALIGN_LEFT);
    return r.y + 26;
}

bool viz__rect_contains(viz_rect r, double x, double y)
{
    return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

uint32_t viz__markers_upto(const viz_view *v, sim_time now)
{
    uint32_t lo = 0, hi = v->marker_count;
    while (lo < hi) { /* first marker with t > now */
        const uint32_t mid = lo + (hi - lo) / 2;
        if (v->markers[mid].t <= now) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}
