/*
 * partitions.c — the partitions panel: every broker's partition replicas, one row each,
 *   with the replica's role, its ISR membership and a bar of its log.
 *
 * Role: viz_draw_partitions, called by viz_draw_frame (it draws nothing without topics);
 *   viz_replica_row_get for the tests and viz_hit_partitions for the window; the
 *   helpers the inspector (overlays.c) lists a broker's replicas with.
 * Model: none of its own; it pictures topics.h's committed partition registrations, in
 *   the image sim_world_partition reads (the active controller's, else the most
 *   caught-up running node's), and replication.h's replicas (LEO = log end offset, the
 *   offset the next record gets; HW = high watermark, below it records are committed):
 *   - one card per broker node (layout.c places them), its header the node id and, when
 *     not plainly running, its state: crashed, paused, stopping, fenced, unreg. A crashed
 *     broker's card is grey with a dashed border and every mark in it is grey;
 *   - one row per replica the registration puts on the broker, in partition order:
 *     the role mark, the ISR mark, "topic-p", the log bar;
 *   - role mark: "L" on the leader colour for the partition's leader, "F" on the
 *     follower colour for a follower, "!" on vermilion for every replica of a partition
 *     with no leader (offline: KPC_NO_LEADER). A leader whose broker is down gets a
 *     vermilion ring: the registration still names it until the controller fences the
 *     broker, and meanwhile the partition is unavailable;
 *   - ISR mark: a filled dot when the broker is in the ISR, a hollow dot struck through
 *     when it is not;
 *   - log bar: offsets 0 .. the largest LEO among the partition's replicas, the same
 *     scale for all of them, so a lagging follower has a shorter bar. [log_start, HW) is
 *     filled (committed), [HW, LEO) is a light tint with an outline (not committed
 *     yet), past the LEO is the empty track; a dark tick marks the HW. Wide cards add
 *     "HW n LEO n"; offline partitions say "offline" there;
 *   - a broker with more replicas than its card has rows: the last row says "+N more";
 *     more brokers than cards: the title line says how many are not shown;
 *   - for VIZ_ALERT_US after a data marker on the replica (its log truncated, or it was
 *     elected leader uncleanly: markers.h), its row is tinted pale red and a black
 *     triangle above the bar points at the offset the log now ends at;
 *   - with consumer groups, of __consumer_offsets (50 partitions by default) only the
 *     partitions a group's coordinator lives on have rows: the others hold nothing.
 * Owns / borrows: borrows everything for the call.
 * Invariants: brackets its cairo changes with save/restore; no allocation; draws nothing
 *   without topics; the rows drawn are exactly those viz_replica_row_get reports, at
 *   the places and in the colours it reports.
 * Determinism: a function of (world, layout, view).
 * Not modelled: the replica's own idea of its role (repl_replica.role, which lags the
 *   registration by a message) is in the inspector, not on the row. Producers and their
 *   requests are drawn in the cluster panel (clients.c), not here.
 */
#include "viz_internal.h"
#include "../sim/core/sim_assert.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define BADGE_PX      11.0
#define ISR_R         3.5
#define WIDE_W        215.0 /* cards at least this wide show "HW n LEO n" */
#define NUMS_PX       8.5   /* the numbers' monospace size */
#define MONO_EM       0.62  /* a monospace advance, in font sizes (0.6 in DejaVu, Liberation) */
#define BAR_H         7.0
#define CARD_ROWS_MAX 64u /* rows drawn per card (a very tall window shows "+N more") */

/* Colours of the rows, running / down (the crashed card is grey). */
#define C_CARD_DOWN      0xEDEDED
#define C_BORDER_DOWN    0x9A9A9A
#define C_FOLLOWER_DOWN  0xFFFFFF
#define C_LEADER_DOWN    0x8C8C8C
#define C_OFFLINE_DOWN   0xB4B4B4
#define C_ISR            0x303030
#define C_ISR_DOWN       0x8C8C8C
#define C_OUT_OF_ISR     0xFFFFFF
#define C_COMMITTED      0x3E7CB1
#define C_COMMITTED_DOWN 0xA6A6A6
#define C_TAIL           0xC6DDEE
#define C_TAIL_DOWN      0xD9D9D9
#define C_TRACK          0xF1F1EE
#define C_TRACK_DOWN     0xFAFAFA
#define C_HW             0x202020
#define C_FLAGGED        0xFCE1D5 /* a row whose log just lost its tail */

/* ---------------------------------------------------------------------------------
 * Which replicas, and how they look
 * ------------------------------------------------------------------------------- */

void viz__partition_name(const sim_world *w, uint32_t partition_index, char *buf, size_t buf_bytes)
{
    SIM_ASSERT(w->has_topics);
    SIM_ASSERT(partition_index < w->topics.partition_count);
    const uint32_t t = w->topics.topic_of[partition_index];
    SIM_ASSERT(t < w->topics.topic_count);
    const topics_topic *tt = &w->topics.topics[t];
    char number[16];
    const int digits =
        snprintf(number, sizeof number, "-%" PRIu32, partition_index - tt->first_partition);
    const int room = (int)buf_bytes - 1 - digits; /* for the topic's name */
    const int len = (int)strlen(tt->name);
    if (len <= room) {
        snprintf(buf, buf_bytes, "%s%s", tt->name, number);
    } else { /* cut the name, never the number: "payments-au…-3" */
        snprintf(buf, buf_bytes, "%.*s\xe2\x80\xa6%s", room > 3 ? room - 3 : 0, tt->name, number);
    }
}

bool viz__partition_shown(const sim_world *w, uint32_t p)
{
    if (!w->has_groups || w->offsets_partition_count == 0) return true;
    if (p < w->offsets_first_partition ||
        p - w->offsets_first_partition >= w->offsets_partition_count)
        return true;
    for (uint32_t g = 0; g < w->groups.group_count; g++)
        if (w->groups.groups[g].offsets_partition == p) return true;
    return false;
}

static bool holds(const sim_world *w, uint32_t p, int32_t node_id)
{
    const kpc_reg *reg = sim_world_partition(w, p);
    return reg != NULL && kpc_contains(reg->replicas, reg->replica_count, node_id) &&
           viz__partition_shown(w, p);
}

uint32_t viz__broker_replicas(const sim_world *w, int32_t node_id, uint32_t *out, uint32_t max)
{
    uint32_t n = 0;
    const uint32_t parts = sim_world_partition_count(w);
    for (uint32_t p = 0; p < parts; p++) {
        if (!holds(w, p, node_id)) continue;
        if (n < max) out[n] = p;
        n++;
    }
    return n;
}

/* The replica of partition p on broker `node_id`, or NULL (not a data-plane broker). */
static const repl_replica *replica_of(const sim_world *w, int32_t node_id, uint32_t p)
{
    const uint32_t b = repl_broker_index(&w->repl, node_id);
    return b == UINT32_MAX ? NULL : repl_replica_get(&w->repl, b, p);
}

/* The bar's scale: the largest LEO among the partition's replicas, at least 1. */
static int64_t scale_leo(const sim_world *w, const kpc_reg *reg, uint32_t p)
{
    int64_t most = 1;
    for (uint32_t i = 0; i < reg->replica_count; i++) {
        const repl_replica *x = replica_of(w, reg->replicas[i], p);
        if (x != NULL && x->leo > most) most = x->leo;
    }
    return most;
}

/* Everything about a row but where it is. */
static void row_look(const sim_world *w, int32_t ep, uint32_t p, const kpc_reg *reg,
                     viz_replica_row *r)
{
    const int32_t id = w->node_ids[ep];
    r->leader = reg->leader == id;
    r->in_isr = kpc_contains(reg->isr, reg->isr_count, id);
    r->offline = reg->leader == KPC_NO_LEADER;
    r->down = viz__node_down(w, ep);
    const repl_replica *x = replica_of(w, id, p);
    r->log_start = x != NULL ? x->log_start : 0;
    r->leo = x != NULL ? x->leo : 0;
    r->hw = x != NULL ? x->hw : 0;
    r->scale_leo = scale_leo(w, reg, p);
    SIM_ASSERT(r->scale_leo >= r->leo);
    const bool down = r->down;
    uint32_t badge = down ? C_FOLLOWER_DOWN : VIZ_FILL_FOLLOWER;
    if (r->offline) {
        badge = down ? C_OFFLINE_DOWN : VIZ_C_VERMILION;
    } else if (r->leader) {
        badge = down ? C_LEADER_DOWN : VIZ_FILL_LEADER;
    }
    r->badge_fill = VIZ_RGB(badge);
    r->isr_fill = VIZ_RGB(!r->in_isr ? C_OUT_OF_ISR : down ? C_ISR_DOWN : C_ISR);
    r->committed = VIZ_RGB(down ? C_COMMITTED_DOWN : C_COMMITTED);
    r->uncommitted = VIZ_RGB(down ? C_TAIL_DOWN : C_TAIL);
    r->empty = VIZ_RGB(down ? C_TRACK_DOWN : C_TRACK);
}

/* Where row k of card c is. The marks sit on whole pixels, so that they are crisp and
 * the sample points (whole pixel indexes) fall clear of borders, strikes and letters. */
static void row_place(viz_rect c, uint32_t k, double nums_w, viz_replica_row *r)
{
    r->row =
        (viz_rect){c.x + 1, c.y + VIZ_CARD_HEAD_H + k * VIZ_CARD_ROW_H, c.w - 2, VIZ_CARD_ROW_H};
    const double bx = floor(c.x + 6), by = floor(r->row.y + (VIZ_CARD_ROW_H - BADGE_PX) / 2 + 0.5);
    r->badge = (viz_rect){bx, by, BADGE_PX, BADGE_PX};
    r->badge_x = bx + 1; /* inside the border, left of the centred letter */
    r->badge_y = by + 5;
    /* The ISR mark's centre is (bx + 18.5, by + 5.5); the pixel up and left of it is
     * off the strike line, which runs from bottom-left to top-right. */
    r->isr_x = bx + 17;
    r->isr_y = by + 4;
    const double name_x = bx + BADGE_PX + 16;
    const double name_w = fmin(100, fmax(42, c.w * 0.24));
    const double bar_x = floor(name_x + name_w + 4);
    r->bar = (viz_rect){bar_x, by + 2, fmax(0, c.x + c.w - 6 - nums_w - bar_x), BAR_H};
}

/* The width of card c's "HW n LEO n" column: room for the longest of its rows (from the
 * character count: the font is monospace, so no cairo context is needed and the tests'
 * geometry is the drawing's), or 0 when the card is too narrow to keep a useful bar. */
static double numbers_width(const sim_world *w, viz_rect c, int32_t node_id)
{
    if (c.w < WIDE_W) return 0;
    int chars = 7; /* "offline" */
    for (uint32_t p = 0; p < sim_world_partition_count(w); p++) {
        if (!holds(w, p, node_id)) continue;
        const repl_replica *x = replica_of(w, node_id, p);
        if (x == NULL) continue;
        const int n = snprintf(NULL, 0, "HW %" PRId64 " LEO %" PRId64, x->hw, x->leo);
        if (n > chars) chars = n;
    }
    const double width = chars * MONO_EM * NUMS_PX + 6;
    const double rest = c.w - width - (6 + BADGE_PX + 16 + 42 + 4) - 6; /* the bar's */
    return rest >= 40 ? width : 0;
}

/* Where a row's name starts: after the ISR mark. */
static double name_left(const viz_replica_row *r)
{
    return r->badge.x + BADGE_PX + 16;
}

double viz_replica_bar_x(const viz_replica_row *r, int64_t offset)
{
    SIM_ASSERT(r->scale_leo >= 1);
    return r->bar.x + r->bar.w * (double)offset / (double)r->scale_leo;
}

/* Rows a card shows for `count` replicas: all of them, or one fewer than fit (at most
 * CARD_ROWS_MAX) and the "+N more" line. */
static uint32_t rows_shown(const viz_layout *l, uint32_t count)
{
    const uint32_t fit = l->card_row_count < CARD_ROWS_MAX ? l->card_row_count : CARD_ROWS_MAX;
    if (count <= fit) return count;
    return fit > 0 ? fit - 1 : 0;
}

static int32_t card_of(const viz_layout *l, int32_t endpoint)
{
    for (uint32_t k = 0; k < l->card_count; k++)
        if (l->card_endpoint[k] == endpoint) return (int32_t)k;
    return -1;
}

bool viz_replica_row_get(const viz_layout *l, const sim_world *w, int32_t endpoint,
                         uint32_t partition_index, viz_replica_row *out)
{
    if (!w->has_topics || partition_index >= sim_world_partition_count(w)) return false;
    const int32_t k = card_of(l, endpoint);
    if (k < 0) return false;
    const int32_t id = w->node_ids[endpoint];
    const kpc_reg *reg = sim_world_partition(w, partition_index);
    if (!holds(w, partition_index, id)) return false;
    uint32_t index = 0, count = 0;
    for (uint32_t p = 0; p < sim_world_partition_count(w); p++) {
        if (!holds(w, p, id)) continue;
        if (p < partition_index) index++;
        count++;
    }
    if (index >= rows_shown(l, count)) return false;
    row_place(l->card[k], index, numbers_width(w, l->card[k], id), out);
    row_look(w, endpoint, partition_index, reg, out);
    return true;
}

int32_t viz_hit_partitions(const viz_layout *l, double x, double y)
{
    for (uint32_t k = 0; k < l->card_count; k++)
        if (viz__rect_contains(l->card[k], x, y)) return l->card_endpoint[k];
    return -1;
}

/* ---------------------------------------------------------------------------------
 * Drawing a row
 * ------------------------------------------------------------------------------- */

/* The role mark without its letter (role_letter draws it, so that a card selects the
 * letters' font once). */
static void role_mark(cairo_t *cr, const viz_replica_row *r)
{
    const viz_rect b = r->badge;
    cairo_rectangle(cr, b.x + 0.5, b.y + 0.5, b.w - 1, b.h - 1);
    viz__set_rgb(cr, r->badge_fill);
    cairo_fill_preserve(cr);
    cairo_set_line_width(cr, 1);
    uint32_t edge = r->leader ? 0x003A5C : 0x5A7A90;
    if (r->offline) edge = 0x8A3A00;
    viz__set_hex(cr, r->down ? C_BORDER_DOWN : edge);
    cairo_stroke(cr);
    if (r->leader && r->down && !r->offline) { /* the leader is gone: flag it */
        cairo_rectangle(cr, b.x - 1.5, b.y - 1.5, b.w + 3, b.h + 3);
        cairo_set_line_width(cr, 1.6);
        viz__set_hex(cr, VIZ_C_VERMILION);
        cairo_stroke(cr);
    }
}

/* "L", "F" or "!" in the role mark; the caller selected the font (8 px bold). */
static void role_letter(cairo_t *cr, const viz_replica_row *r)
{
    const viz_rect b = r->badge;
    const char *letter = r->offline ? "!" : r->leader ? "L" : "F";
    const bool on_dark = (r->offline && !r->down) || r->leader;
    viz__set_hex(cr, on_dark ? VIZ_C_PANEL : r->down ? 0x7A7A7A : VIZ_C_TEXT);
    viz__text(cr, b.x + b.w / 2, b.y + b.h - 2.3, letter, VIZ_ALIGN_CENTER);
}

static void isr_mark(cairo_t *cr, const viz_replica_row *r)
{
    const double cx = r->isr_x + 1.5, cy = r->isr_y + 1.5; /* see row_place */
    viz__circle(cr, cx, cy, ISR_R);
    viz__set_rgb(cr, r->isr_fill);
    if (r->in_isr) {
        cairo_fill(cr);
        return;
    }
    cairo_fill_preserve(cr);
    cairo_set_line_width(cr, 1.1);
    viz__set_hex(cr, r->down ? C_ISR_DOWN : C_ISR);
    cairo_stroke(cr);
    cairo_move_to(cr, cx - ISR_R - 1, cy + ISR_R + 1); /* struck out */
    cairo_line_to(cr, cx + ISR_R + 1, cy - ISR_R - 1);
    cairo_stroke(cr);
}

static void log_bar(cairo_t *cr, const viz_replica_row *r)
{
    const viz_rect b = r->bar;
    if (b.w < 4) return;
    cairo_rectangle(cr, b.x, b.y, b.w, b.h);
    viz__set_rgb(cr, r->empty);
    cairo_fill_preserve(cr);
    cairo_set_line_width(cr, 1);
    viz__set_hex(cr, r->down ? 0xC8C8C8 : 0xCFCFCA);
    cairo_stroke(cr);
    const int64_t hw = r->hw < r->leo ? r->hw : r->leo;
    const double xs = viz_replica_bar_x(r, r->log_start), xh = viz_replica_bar_x(r, hw);
    const double xl = viz_replica_bar_x(r, r->leo);
    if (xh > xs) {
        cairo_rectangle(cr, xs, b.y, xh - xs, b.h);
        viz__set_rgb(cr, r->committed);
        cairo_fill(cr);
    }
    if (xl > xh) { /* not committed yet: a tint with its outline */
        cairo_rectangle(cr, fmax(xh, xs) + 0.5, b.y + 0.5, xl - fmax(xh, xs) - 1, b.h - 1);
        viz__set_rgb(cr, r->uncommitted);
        cairo_fill_preserve(cr);
        viz__set_rgb(cr, r->committed);
        cairo_stroke(cr);
    }
    cairo_rectangle(cr, viz_replica_bar_x(r, r->hw) - 1, b.y - 2.5, 2, b.h + 5); /* the HW */
    viz__set_hex(cr, r->down ? 0x707070 : C_HW);
    cairo_fill(cr);
}

/* "topic-p" in at most `width` pixels of the current font: a long topic name is cut,
 * with an ellipsis, before the partition number is. */
static void fit_name(cairo_t *cr, const sim_world *w, uint32_t p, double width, char *buf,
                     size_t buf_bytes)
{
    viz__partition_name(w, p, buf, buf_bytes);
    if (viz__text_width(cr, buf) <= width) return;
    const topics_topic *tt = &w->topics.topics[w->topics.topic_of[p]];
    const int len = (int)strnlen(tt->name, 64);
    for (int keep = len - 1; keep >= 1; keep--) {
        snprintf(buf, buf_bytes, "%.*s\xe2\x80\xa6-%" PRIu32, keep, tt->name,
                 p - tt->first_partition);
        if (viz__text_width(cr, buf) <= width) return;
    }
}

/* The partition's name; the caller selected the font (9.5 px). */
static void row_name(cairo_t *cr, const sim_world *w, uint32_t p, const viz_replica_row *r)
{
    char text[80];
    const double name_x = name_left(r);
    if (r->offline) viz__font(cr, 9.5, true);
    viz__set_hex(cr, r->down ? VIZ_C_TEXT_DIM : r->offline ? VIZ_C_VERMILION : VIZ_C_TEXT);
    fit_name(cr, w, p, r->bar.x - 3 - name_x, text, sizeof text);
    viz__text(cr, name_x, r->row.y + VIZ_CARD_ROW_H / 2 + 3.5, text, VIZ_ALIGN_LEFT);
    if (r->offline) viz__font(cr, 9.5, false);
}

/* "HW n LEO n" at x on a wide card ("offline" for a partition with no leader); the
 * caller selected the font (NUMS_PX monospace). */
static void row_numbers(cairo_t *cr, const viz_replica_row *r, double x)
{
    char text[64];
    const double base = r->row.y + VIZ_CARD_ROW_H / 2 + 3.5;
    if (r->offline) {
        viz__set_hex(cr, r->down ? VIZ_C_TEXT_DIM : VIZ_C_VERMILION);
        viz__text(cr, x, base, "offline", VIZ_ALIGN_LEFT);
        return;
    }
    snprintf(text, sizeof text, "HW %" PRId64 " LEO %" PRId64, r->hw, r->leo);
    viz__set_hex(cr, r->down ? VIZ_C_TEXT_DIM : VIZ_C_TEXT);
    viz__text(cr, x, base, text, VIZ_ALIGN_LEFT);
}

/* ---------------------------------------------------------------------------------
 * Cards and the panel
 * ------------------------------------------------------------------------------- */

/* "crashed", "fenced", ...: what a card's header says about its broker, "" when it is
 * running and unfenced. Sets *alarm for states that stop the broker serving. */
static const char *broker_state(const sim_world *w, int32_t ep, bool *alarm)
{
    *alarm = false;
    const sim_node_state st = sim_world_node_state(w, ep);
    if (st != SIM_NODE_RUNNING) return sim_node_state_name(st);
    const int32_t b = w->brokers.broker_of_endpoint[ep];
    const kafka_broker_reg *reg = b >= 0 ? sim_world_broker_reg(w, (uint32_t)b) : NULL;
    *alarm = true;
    if (reg == NULL || !reg->registered) return "unreg";
    if (reg->fenced) return "fenced";
    *alarm = false;
    return "";
}

static void card_frame(cairo_t *cr, const viz_view *v, viz_rect c, int32_t ep, bool down)
{
    static const double dashed[] = {4, 3};
    viz__rounded_rect(cr, c.x + 0.5, c.y + 0.5, c.w - 1, c.h - 1, 5);
    const bool hover = v != NULL && v->hover_node == ep;
    viz__set_hex(cr, down ? C_CARD_DOWN : hover ? 0xF0F5F9 : VIZ_C_PANEL);
    cairo_fill_preserve(cr);
    const bool selected = v != NULL && v->selected_node == ep;
    if (down) cairo_set_dash(cr, dashed, 2, 0);
    cairo_set_line_width(cr, selected ? 2 : 1);
    viz__set_hex(cr, selected ? VIZ_C_TEXT : down ? C_BORDER_DOWN : VIZ_C_BORDER);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
}

static void card_header(cairo_t *cr, const sim_world *w, viz_rect c, int32_t ep, uint32_t count,
                        uint32_t leads)
{
    char text[48];
    const double base = c.y + 12.5;
    const bool down = viz__node_down(w, ep);
    snprintf(text, sizeof text, "node %" PRId32, w->node_ids[ep]);
    viz__font(cr, 10, true);
    viz__set_hex(cr, down ? VIZ_C_TEXT_DIM : VIZ_C_TEXT);
    viz__text(cr, c.x + 6, base, text, VIZ_ALIGN_LEFT);
    bool alarm = false;
    const char *state = broker_state(w, ep, &alarm);
    if (state[0] != '\0') {
        viz__font(cr, 9, true);
        viz__set_hex(cr, alarm ? VIZ_C_VERMILION : VIZ_C_TEXT_DIM);
        viz__text(cr, c.x + c.w - 6, base, state, VIZ_ALIGN_RIGHT);
        return;
    }
    snprintf(text, sizeof text, "leads %" PRIu32 " of %" PRIu32, leads, count);
    viz__font(cr, 9, false);
    viz__set_hex(cr, VIZ_C_TEXT_DIM);
    viz__text(cr, c.x + c.w - 6, base, text, VIZ_ALIGN_RIGHT);
}

bool viz__recent_data_mark(const viz_view *v, sim_time now, int32_t node_id, uint32_t partition,
                           int64_t *offset)
{
    if (v == NULL || v->markers == NULL) return false;
    for (uint32_t k = viz__markers_upto(v, now); k > 0; k--) { /* newest first */
        const viz_marker *m = &v->markers[k - 1];
        if (m->t + VIZ_ALERT_US <= now) return false;
        if (m->kind != VIZ_MARK_DATA || m->node != node_id) continue;
        if (m->partition != (int32_t)partition || m->offset < 0) continue;
        *offset = m->offset;
        return true;
    }
    return false;
}

/* A replica's log that just lost its tail (truncated, or the log of a leader elected
 * uncleanly): the row is tinted and a black triangle points at the offset on the bar. */
static void flag_row(cairo_t *cr, const viz_replica_row *r, int64_t offset, bool tint)
{
    if (tint) {
        cairo_rectangle(cr, r->row.x, r->row.y, r->row.w, r->row.h);
        viz__set_hex(cr, C_FLAGGED);
        cairo_fill(cr);
        return;
    }
    if (r->bar.w < 4) return;
    const int64_t at = offset < r->scale_leo ? offset : r->scale_leo;
    const double x = viz_replica_bar_x(r, at);
    cairo_move_to(cr, x - 3.5, r->bar.y - 4);
    cairo_line_to(cr, x + 3.5, r->bar.y - 4);
    cairo_line_to(cr, x, r->bar.y + 1.5);
    cairo_close_path(cr);
    viz__set_hex(cr, VIZ_C_DATA);
    cairo_fill(cr);
}

/* A card: its frame and header, then its rows in passes (shapes, letters, names,
 * numbers) so that each font is selected once per card. */
static void draw_card(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v,
                      uint32_t k)
{
    SIM_ASSERT(k < l->card_count);
    const viz_rect c = l->card[k];
    const int32_t ep = l->card_endpoint[k];
    SIM_ASSERT(ep >= 0);
    SIM_ASSERT((uint32_t)ep < w->node_count);
    SIM_ASSERT(w->is_broker[ep]);
    const int32_t id = w->node_ids[ep];
    card_frame(cr, v, c, ep, viz__node_down(w, ep));
    cairo_save(cr);
    cairo_rectangle(cr, c.x, c.y, c.w, c.h);
    cairo_clip(cr);
    const uint32_t parts = sim_world_partition_count(w);
    const uint32_t room = CARD_ROWS_MAX;
    viz_replica_row rows[CARD_ROWS_MAX];
    uint32_t part_of[CARD_ROWS_MAX];
    const double nums_w = numbers_width(w, c, id);
    uint32_t count = 0, leads = 0;
    for (uint32_t p = 0; p < parts; p++) {
        const kpc_reg *reg = sim_world_partition(w, p);
        if (!holds(w, p, id)) continue;
        leads += reg->leader == id ? 1 : 0;
        if (count < room) {
            row_place(c, count, nums_w, &rows[count]);
            row_look(w, ep, p, reg, &rows[count]);
            part_of[count] = p;
        }
        count++;
    }
    card_header(cr, w, c, ep, count, leads);
    const uint32_t shown = rows_shown(l, count);
    SIM_ASSERT(shown <= count);
    SIM_ASSERT(shown <= room);
    int64_t flag_at[CARD_ROWS_MAX];
    bool flagged[CARD_ROWS_MAX];
    for (uint32_t i = 0; i < shown; i++) {
        flagged[i] = viz__recent_data_mark(v, w->engine.now, id, part_of[i], &flag_at[i]);
        if (flagged[i]) flag_row(cr, &rows[i], flag_at[i], true);
    }
    for (uint32_t i = 0; i < shown; i++) {
        role_mark(cr, &rows[i]);
        isr_mark(cr, &rows[i]);
        log_bar(cr, &rows[i]);
        if (flagged[i]) flag_row(cr, &rows[i], flag_at[i], false);
    }
    viz__font(cr, 8, true);
    for (uint32_t i = 0; i < shown; i++) role_letter(cr, &rows[i]);
    viz__font(cr, 9.5, false);
    for (uint32_t i = 0; i < shown; i++) row_name(cr, w, part_of[i], &rows[i]);
    if (nums_w > 0) {
        viz__font_mono(cr, NUMS_PX);
        for (uint32_t i = 0; i < shown; i++) row_numbers(cr, &rows[i], c.x + c.w - nums_w);
    }
    const double line_y = c.y + VIZ_CARD_HEAD_H + shown * VIZ_CARD_ROW_H + VIZ_CARD_ROW_H / 2 + 3.5;
    viz__font(cr, 9.5, false);
    viz__set_hex(cr, VIZ_C_TEXT_DIM);
    if (count > shown) {
        char more[40];
        snprintf(more, sizeof more, "+%" PRIu32 " more", count - shown);
        viz__text(cr, c.x + 6, line_y, more, VIZ_ALIGN_LEFT);
    } else if (count == 0 && l->card_row_count > 0) {
        const bool created = parts > 0 && sim_world_partition(w, 0) != NULL;
        viz__text(cr, c.x + 6, line_y, created ? "no replicas" : "topics not created yet",
                  VIZ_ALIGN_LEFT);
    }
    cairo_restore(cr);
}

/* Mark i of the legend, its left edge at x. */
static void legend_mark(cairo_t *cr, size_t i, double x, double cy)
{
    viz_replica_row r = {.badge = {x, cy - BADGE_PX / 2, BADGE_PX, BADGE_PX},
                         .isr_x = x + ISR_R - 1.5,
                         .isr_y = cy - 1.5,
                         .leader = i == 0,
                         .in_isr = i == 2,
                         .badge_fill = VIZ_RGB(i == 0 ? VIZ_FILL_LEADER : VIZ_FILL_FOLLOWER),
                         .isr_fill = VIZ_RGB(i == 2 ? C_ISR : C_OUT_OF_ISR)};
    if (i < 2) {
        role_mark(cr, &r);
        viz__font(cr, 8, true);
        role_letter(cr, &r);
    } else if (i < 4) {
        isr_mark(cr, &r);
    } else if (i < 6) {
        cairo_rectangle(cr, x + 0.5, cy - BAR_H / 2 + 0.5, 9, BAR_H - 1);
        viz__set_hex(cr, i == 4 ? C_COMMITTED : C_TAIL);
        cairo_fill_preserve(cr);
        viz__set_hex(cr, C_COMMITTED);
        cairo_set_line_width(cr, 1);
        cairo_stroke(cr);
    } else {
        cairo_rectangle(cr, x + 4, cy - 6, 2, 12);
        viz__set_hex(cr, C_HW);
        cairo_fill(cr);
    }
}

double viz__partitions_head_h(viz_rect panel)
{
    if (panel.w >= VIZ_PARTS_LEGEND_W || panel.h < 200) return VIZ_PARTS_TITLE_H;
    return VIZ_PARTS_TITLE_H + 30; /* two legend lines; a short panel keeps its rows */
}

/* The marks explained: right-aligned on the title line of a wide panel; on a narrow one
 * flowing over the two lines under the title, when it is tall enough to have them. */
static void legend(cairo_t *cr, const viz_layout *l, double title_end)
{
    static const char *const words[] = {"leader",    "follower", "in ISR", "out of ISR",
                                        "committed", "not yet",  "HW"};
    const size_t n = sizeof words / sizeof words[0];
    const viz_rect p = l->partitions;
    const bool wide = p.w >= VIZ_PARTS_LEGEND_W;
    viz__font(cr, 10, false);
    double item_w[sizeof words / sizeof words[0]], width = 0;
    for (size_t i = 0; i < n; i++) {
        item_w[i] = 14 + viz__text_width(cr, words[i]) + 10;
        width += item_w[i];
    }
    if (!wide && viz__partitions_head_h(p) == VIZ_PARTS_TITLE_H) return;
    double x = wide ? p.x + p.w - 10 - width : p.x + 10;
    double y = wide ? p.y + 18 : p.y + VIZ_PARTS_TITLE_H + 8;
    if (wide && x < title_end + 16) return;
    for (size_t i = 0; i < n; i++) {
        if (!wide && x + item_w[i] - 10 > p.x + p.w - 10) { /* next line */
            x = p.x + 10;
            y += 15;
        }
        legend_mark(cr, i, x, y - 3.5);
        viz__font(cr, 10, false);
        viz__set_hex(cr, VIZ_C_TEXT_DIM);
        viz__text(cr, x + 14, y, words[i], VIZ_ALIGN_LEFT);
        x += item_w[i];
    }
}

void viz_draw_partitions(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v)
{
    if (!w->has_topics || l->partitions.w <= 0 || l->partitions.h <= 0) return;
    cairo_save(cr);
    const viz_rect p = l->partitions;
    char title[64] = "Partitions";
    if (l->cards_hidden > 0)
        snprintf(title, sizeof title, "Partitions  (%" PRIu32 " broker%s not shown)",
                 l->cards_hidden, l->cards_hidden == 1 ? "" : "s");
    viz__panel(cr, p, title);
    cairo_rectangle(cr, p.x, p.y, p.w, p.h);
    cairo_clip(cr);
    viz__font(cr, 12, true);
    legend(cr, l, p.x + 10 + viz__text_width(cr, title));
    for (uint32_t k = 0; k < l->card_count; k++) draw_card(cr, l, w, v, k);
    cairo_restore(cr);
}
