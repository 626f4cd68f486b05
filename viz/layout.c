/*
 * layout.c — where every panel and node goes for a window size, and the initial view.
 *
 * Role: viz_layout_compute runs when the window is created or resized (and once per
 *   headless frame); the drawing and hit-testing code only reads the result.
 * Model: none. The picture, top to bottom: a status bar; the current note; the cluster
 *   (left) beside the metadata logs and the event log (right); the timeline strip.
 *   Voters sit on a circle in node-id order (the lowest id at the top, then clockwise);
 *   observers (dedicated brokers) sit on rows beneath it, in node-id order. With topics,
 *   the partitions panel shares the left column with the cluster: one card per broker
 *   node in node-id order, each tall enough for the replicas the busiest broker is
 *   expected to hold (explicit assignments counted exactly, placed topics an even share
 *   plus one). When every card fits on one row (cards at least VIZ_CARD_W_MIN wide) the
 *   panel is a strip beneath the cluster (at most 45 % of the column's height);
 *   otherwise it stands beside the cluster, 40 % of the column's width, two cards
 *   abreast, so the circle of voters keeps its height. Without topics the picture is
 *   exactly what it was before the data plane existed. With producers, a column at the
 *   left of the cluster panel holds one box per producer (stacked, centred in its
 *   height; compact boxes when full ones do not fit) and the nodes take the rest of
 *   the panel; when the cluster panel is tall and narrow (the partitions panel beside it)
 *   the boxes sit in rows across its top instead, whichever leaves the nodes the
 *   squarer room. Without producers nothing of it is laid out. With consumer groups, a
 *   box per member slot of every group (members_max: the initial members and those the
 *   timeline adds) stands in a column at the right of the cluster panel, so that
 *   records flow left to right, producers to brokers to consumers; when the producers
 *   are in a band across the top, the consumers are in a band across the bottom. Slots
 *   beyond VIZ_CONSUMERS_MAX, or beyond what the column holds at the compact size, get no
 *   box (consumers_hidden). The groups panel takes the top of the event log's place, as
 *   tall as its groups' headers and partition rows, at most 70 % of it; rows that do not
 *   fit are shared out evenly among the groups. Without groups none of it is laid out.
 * Owns / borrows: nothing; the layout is a plain value.
 * Invariants: every rect lies inside [0, width) x [0, height); node_r > 0; cards lie
 *   inside the partitions panel and do not overlap; client boxes lie inside the clients'
 *   column and do not overlap, nor do consumer boxes inside theirs; group blocks lie
 *   inside the groups panel.
 * Determinism: a pure function of the node set, the topics', producers' and groups'
 *   configuration and the size (not of the instant: the panels do not move while a run
 *   plays).
 * Not modelled: n/a.
 */
#include "viz_internal.h"
#include "../sim/core/sim_assert.h"

#include <math.h>
#include <string.h>

#define MARGIN               8.0
#define STATUS_H             30.0
#define CAPTION_H            48.0
#define TIMELINE_H           78.0
#define LABEL_H              32.0 /* text lines under a node */
#define OBSERVER_SPACING_MIN 80.0 /* an observer's labels are about this wide */
/* Consumers have no error badge on their border: their boxes need smaller gaps than the
 * producers'. */
#define CONSUMER_GAP   4.0
#define CONSUMER_H_MIN 14.0 /* a compact box: its name line */

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* ---------------------------------------------------------------------------------
 * The partitions panel
 * ------------------------------------------------------------------------------- */

static uint32_t broker_nodes(const sim_world *w)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < w->node_count; i++) n += w->is_broker[i] ? 1 : 0;
    return n;
}

/* Replica rows a card should have room for: the most any broker is expected to hold.
 * Explicit assignments count exactly; a placed topic adds its even share plus one (the
 * striped placement's start and shift leave some brokers one replica over), at most one
 * replica per partition; __consumer_offsets one row per group (viz__partition_shown). */
static uint32_t replicas_per_broker(const sim_world *w, uint32_t brokers)
{
    uint32_t exact[SIM_NODES_MAX] = {0};
    uint32_t placed = 0;
    const kafka_topics *t = &w->topics;
    for (uint32_t k = 0; k < t->topic_count; k++) {
        const topics_topic *tt = &t->topics[k];
        const uint32_t n = tt->partition_count * tt->replication_factor;
        if (w->has_groups && w->offsets_partition_count > 0 &&
            tt->first_partition == w->offsets_first_partition) { /* only the groups' own */
            placed += w->groups.group_count < tt->partition_count ? w->groups.group_count
                                                                  : tt->partition_count;
            continue;
        }
        if (tt->assignment == NULL) {
            const uint32_t share = brokers > 0 ? (n + brokers - 1) / brokers + 1 : n;
            placed += share < tt->partition_count ? share : tt->partition_count;
            continue;
        }
        for (uint32_t i = 0; i < n; i++) {
            const int32_t ep = sim_world_endpoint_of(w, tt->assignment[i]);
            if (ep >= 0 && ep < (int32_t)SIM_NODES_MAX) exact[ep]++;
        }
    }
    uint32_t most = 0;
    for (uint32_t i = 0; i < w->node_count; i++) most = exact[i] > most ? exact[i] : most;
    return most + placed;
}

/* Columns of cards: as many as fit at VIZ_CARD_W_MIN, then spread evenly over the rows
 * they need (9 brokers in 5 columns: 5 + 4). */
static uint32_t card_columns(double inner_w, uint32_t brokers)
{
    uint32_t cols =
        (uint32_t)fmax(1, floor((inner_w + VIZ_CARD_GAP) / (VIZ_CARD_W_MIN + VIZ_CARD_GAP)));
    if (cols > brokers) cols = brokers > 0 ? brokers : 1;
    const uint32_t rows = (brokers + cols - 1) / cols;
    return rows > 0 ? (brokers + rows - 1) / rows : 1;
}

static double card_height(uint32_t rows)
{
    return VIZ_CARD_HEAD_H + rows * VIZ_CARD_ROW_H + VIZ_CARD_PAD;
}

/* The partitions panel, cut from the left column `*col`: beneath the cluster when every
 * card fits on one row of cards (a strip that leaves the circle tall), beside it
 * otherwise (two columns of cards on the right, so the circle keeps its height). */
static void place_partitions(viz_layout *l, const sim_world *w, viz_rect *col)
{
    const uint32_t brokers = broker_nodes(w);
    if (!w->has_topics || brokers == 0) return;
    const uint32_t rows_each = replicas_per_broker(w, brokers);
    const double side_w = fmax(2 * VIZ_CARD_W_MIN + VIZ_CARD_GAP + 16, col->w * 0.4);
    const uint32_t cols = card_columns(col->w - 16, brokers);
    if (cols >= brokers || side_w > col->w * 0.5) { /* beneath */
        const uint32_t card_rows = (brokers + cols - 1) / cols;
        viz_rect p = {col->x, 0, col->w, 0};
        const double want = viz__partitions_head_h(p) + card_rows * card_height(rows_each) +
                            (card_rows - 1) * VIZ_CARD_GAP + 6;
        p.h = fmin(want, col->h * 0.45);
        col->h = fmax(1, col->h - p.h - 6);
        p.y = col->y + col->h + 6;
        l->partitions = p;
        return;
    }
    l->partitions = (viz_rect){col->x + col->w - side_w, col->y, side_w, col->h};
    col->w = fmax(1, col->w - side_w - MARGIN);
}

/* The cards inside l->partitions; those that do not fit are counted in cards_hidden. */
static void place_cards(viz_layout *l, const sim_world *w)
{
    const uint32_t brokers = broker_nodes(w);
    const viz_rect p = l->partitions;
    const double head = viz__partitions_head_h(p);
    const double x0 = p.x + 8, y0 = p.y + head;
    const double inner_w = p.w - 16, inner_h = p.h - head - 6;
    l->cards_hidden = brokers;
    if (brokers == 0 || inner_w < 1 || inner_h < card_height(0)) return;
    const uint32_t cols = card_columns(inner_w, brokers);
    const uint32_t rows_needed = (brokers + cols - 1) / cols;
    const uint32_t rows_fit =
        (uint32_t)floor((inner_h + VIZ_CARD_GAP) / (card_height(1) + VIZ_CARD_GAP));
    const uint32_t rows = rows_needed < rows_fit ? rows_needed : rows_fit > 0 ? rows_fit : 1;
    const double card_w = (inner_w - (cols - 1) * VIZ_CARD_GAP) / cols;
    const double card_h = (inner_h + VIZ_CARD_GAP) / rows - VIZ_CARD_GAP; /* all there is */
    l->card_row_count = (uint32_t)fmax(0, floor((card_h - card_height(0)) / VIZ_CARD_ROW_H));
    for (uint32_t i = 0; i < w->node_count && l->card_count < rows * cols; i++) {
        if (!w->is_broker[i]) continue;
        const uint32_t k = l->card_count++;
        l->card_endpoint[k] = (int32_t)i;
        l->card[k] = (viz_rect){x0 + (k % cols) * (card_w + VIZ_CARD_GAP),
                                y0 + (k / cols) * (card_h + VIZ_CARD_GAP), card_w, card_h};
        SIM_ASSERT(l->card[k].x + card_w <= p.x + p.w + 1e-6);
        SIM_ASSERT(l->card[k].y + card_h <= p.y + p.h + 1e-6);
    }
    SIM_ASSERT(l->card_count <= brokers);
    l->cards_hidden = brokers - l->card_count;
}

/* ---------------------------------------------------------------------------------
 * The consumer groups panel
 * ------------------------------------------------------------------------------- */

/* Rows for each group: as many as it has partitions, or, when the panel is short, an
 * even share of what fits (one row at a time, group by group, so no group is starved). */
static void share_rows(viz_layout *l, const sim_world *w, uint32_t rows)
{
    bool more = true;
    while (rows > 0 && more) {
        more = false;
        for (uint32_t g = 0; g < l->group_count && rows > 0; g++) {
            if (l->group_rows[g] >= w->groups.groups[g].partition_count) continue;
            l->group_rows[g]++;
            rows--;
            more = true;
        }
    }
}

/* The blocks inside l->groups: every group whose header fits, with its share of rows. */
static void place_group_blocks(viz_layout *l, const sim_world *w)
{
    const viz_rect p = l->groups;
    const double top = p.y + VIZ_GROUPS_TITLE_H, inner = p.y + p.h - 4 - top;
    const uint32_t n =
        w->groups.group_count < KG_GROUPS_MAX ? w->groups.group_count : KG_GROUPS_MAX;
    const double head = VIZ_GROUP_HEAD_H + VIZ_GROUP_GAP;
    const uint32_t fit = inner > 0 ? (uint32_t)floor(inner / head) : 0;
    l->group_count = n < fit ? n : fit;
    const double left = inner - l->group_count * head;
    share_rows(l, w, left > 0 ? (uint32_t)floor(left / VIZ_GROUP_ROW_H) : 0);
    double y = top;
    for (uint32_t g = 0; g < l->group_count; g++) {
        const double h = VIZ_GROUP_HEAD_H + l->group_rows[g] * VIZ_GROUP_ROW_H;
        l->group_block[g] = (viz_rect){p.x + 8, y, fmax(1, p.w - 16), h};
        SIM_ASSERT(y + h <= p.y + p.h + 1e-6);
        y += h + VIZ_GROUP_GAP;
    }
}

/* The groups panel, cut from the top of the event log's place: the height its groups
 * want, at most 70 % of that place. */
static void place_groups(viz_layout *l, const sim_world *w)
{
    if (!w->has_groups || w->groups.group_count == 0) return;
    viz_rect *e = &l->events;
    double want = VIZ_GROUPS_TITLE_H + 4;
    for (uint32_t g = 0; g < w->groups.group_count && g < KG_GROUPS_MAX; g++)
        want += VIZ_GROUP_HEAD_H + w->groups.groups[g].partition_count * VIZ_GROUP_ROW_H +
                VIZ_GROUP_GAP;
    const double h = fmin(want, e->h * 0.7);
    l->groups = (viz_rect){e->x, e->y, e->w, h};
    e->y += h + 6;
    e->h = fmax(1, e->h - h - 6);
    place_group_blocks(l, w);
}

/* ---------------------------------------------------------------------------------
 * Panels and nodes
 * ------------------------------------------------------------------------------- */

/* Right column: metadata logs above, event log below. Left column: the cluster, and
 * beneath it the partitions when there are topics. */
static void place_panels(viz_layout *l, const sim_world *w)
{
    const uint32_t node_count = w->node_count;
    const double width = l->width, height = l->height;
    l->status = (viz_rect){0, 0, width, STATUS_H};
    l->caption = (viz_rect){MARGIN, STATUS_H + 4, width - 2 * MARGIN, CAPTION_H};
    l->timeline = (viz_rect){MARGIN, height - MARGIN - TIMELINE_H, width - 2 * MARGIN, TIMELINE_H};
    const double top = l->caption.y + l->caption.h + 6;
    const double bottom = l->timeline.y - 6;
    const double mid_h = bottom > top ? bottom - top : 1;
    const double right_w = clampd(width * 0.38, width < 700 ? width * 0.4 : 260, 540);
    const double cluster_w = width - 3 * MARGIN - right_w;
    l->cluster = (viz_rect){MARGIN, top, cluster_w > 1 ? cluster_w : 1, mid_h};
    const double logs_want = 50.0 + node_count * 20.0;
    const double logs_h = clampd(logs_want, mid_h * 0.3, mid_h * 0.6);
    l->logs = (viz_rect){l->cluster.x + l->cluster.w + MARGIN, top, right_w, logs_h};
    l->events = (viz_rect){l->logs.x, top + logs_h + 6, right_w, mid_h - logs_h - 6};
    place_groups(l, w);                  /* takes the top of the event log's place */
    place_partitions(l, w, &l->cluster); /* takes its part of the left column */
}

/* Observers on rows at the bottom of the cluster panel, as many per row as their labels
 * allow, the rows taking at most half the panel. Returns the rows' total height and
 * narrows *r to fit. */
static double observer_rows(double aw, double ah, uint32_t observers, double *r, uint32_t *per_row,
                            double *row_h)
{
    *per_row = (uint32_t)fmax(1, floor(aw / OBSERVER_SPACING_MIN));
    if (*per_row > observers) *per_row = observers;
    const uint32_t rows = (observers + *per_row - 1) / *per_row;
    *r = fmin(*r, aw / *per_row * 0.3);
    *row_h = 2 * *r + LABEL_H + 12;
    if (rows * *row_h > ah * 0.5) { /* crowded: smaller nodes, labels may be dropped */
        *row_h = ah * 0.5 / rows;
        *r = fmax(4, fmin(*r, fmax((*row_h - LABEL_H - 12) / 2, *row_h * 0.3)));
    }
    return rows * *row_h;
}

/* ---------------------------------------------------------------------------------
 * Clients
 * ------------------------------------------------------------------------------- */

/* The producers' column at the left of the cluster panel, under its title: one box per
 * producer, stacked and centred in the column's height, full boxes (name, acks and the
 * counters) when they fit with room for a badge above each, compact ones (name only)
 * otherwise. */
static void clients_column(viz_layout *l, uint32_t n)
{
    const viz_rect c = l->cluster;
    const double col_w = fmin(VIZ_CLIENT_W, c.w * 0.3);
    const double pad_top = fmin(30, c.h * 0.3), pad_bottom = fmin(8, c.h * 0.1); /* title */
    l->clients =
        (viz_rect){c.x + fmin(10, c.w * 0.05), c.y + pad_top, col_w, c.h - pad_top - pad_bottom};
    const double head = fmin(VIZ_CLIENTS_HEAD_H, l->clients.h / 2);
    const double top = l->clients.y + head;
    const double avail = l->clients.h - head;
    const double slot = avail / n;
    double h = VIZ_CLIENT_H;
    l->client_compact = slot < VIZ_CLIENT_H + VIZ_CLIENT_GAP_MIN;
    if (l->client_compact) /* never taller than its share, so boxes never overlap */
        h = fmin(slot, clampd(slot - VIZ_CLIENT_GAP_MIN, 6, VIZ_CLIENT_H_COMPACT));
    const double gap = fmin(fmax(0, slot - h), 2 * VIZ_CLIENT_GAP_MIN);
    const double total = n * h + (n - 1) * gap;
    const double y0 = top + fmax(0, (avail - total) / 2);
    for (uint32_t i = 0; i < n; i++)
        l->client[i] = (viz_rect){l->clients.x, y0 + i * (h + gap), col_w, h};
}

/* The producers in a band across the top of the cluster panel, under its title: rows of
 * as many boxes as fit at VIZ_CLIENT_W_MIN, centred; compact boxes when full rows would
 * take more than a third of the panel's height. */
static void clients_band(viz_layout *l, uint32_t n)
{
    const viz_rect c = l->cluster;
    const double pad_x = fmin(10, c.w * 0.05), pad_top = fmin(30, c.h * 0.3);
    const double avail_w = c.w - 2 * pad_x, gap = VIZ_CLIENT_GAP_MIN;
    uint32_t cols = (uint32_t)fmax(1, floor((avail_w + gap) / (VIZ_CLIENT_W_MIN + gap)));
    if (cols > n) cols = n;
    const uint32_t rows = (n + cols - 1) / cols;
    const double box_w = fmax(1, fmin(VIZ_CLIENT_W, (avail_w - (cols - 1) * gap) / cols));
    const double head = fmin(VIZ_CLIENTS_BAND_HEAD_H, c.h * 0.05);
    double h = VIZ_CLIENT_H;
    l->client_compact = head + rows * (h + gap) > c.h / 3;
    if (l->client_compact) h = fmax(1, fmin(VIZ_CLIENT_H_COMPACT, (c.h / 3 - head) / rows - gap));
    l->clients = (viz_rect){c.x + pad_x, c.y + pad_top, avail_w, head + rows * (h + gap)};
    const double row_w = cols * box_w + (cols - 1) * gap;
    const double x0 = l->clients.x + fmax(0, (avail_w - row_w) / 2);
    for (uint32_t i = 0; i < n; i++)
        l->client[i] = (viz_rect){x0 + (i % cols) * (box_w + gap),
                                  l->clients.y + head + (i / cols) * (h + gap), box_w, h};
    l->client_band = true;
}

/* Member slots of every group, group by group, in endpoint order. */
static uint32_t consumer_slots(const sim_world *w)
{
    if (!w->has_groups) return 0;
    uint32_t n = 0;
    for (uint32_t g = 0; g < w->groups.group_count; g++) n += w->groups.groups[g].members_max;
    return n;
}

/* Records which member box k is (group by group, slot order) and checks that the world
 * numbers the consumers' endpoints the same way. */
static void name_consumer_boxes(viz_layout *l, const sim_world *w)
{
    uint32_t k = 0;
    for (uint32_t g = 0; g < w->groups.group_count && k < l->consumer_count; g++) {
        const uint32_t slots = w->groups.groups[g].members_max;
        for (uint32_t i = 0; i < slots && k < l->consumer_count; i++, k++) {
            const kg_consumer *c = &w->groups.consumers[(size_t)g * KG_MEMBERS_MAX + i];
            if (k == 0) l->consumer_first_endpoint = c->endpoint;
            SIM_ASSERT(c->endpoint == l->consumer_first_endpoint + (int32_t)k);
            l->consumer_group[k] = (uint8_t)g;
            l->consumer_slot[k] = (uint8_t)i;
        }
    }
}

/* Consumer boxes a column of height h holds at the compact size. */
static uint32_t column_holds(double h)
{
    const double avail = h - VIZ_CONSUMERS_HEAD_H;
    return avail > 0 ? (uint32_t)floor(avail / (CONSUMER_H_MIN + CONSUMER_GAP)) : 0;
}

/* Stacks n consumer boxes in column `col` under its caption, centred in its height:
 * full boxes when they fit, compact ones (a name line) otherwise. Returns whether they
 * are compact. */
static bool stack_consumers(viz_rect col, uint32_t n, viz_rect *out)
{
    const double head = fmin(VIZ_CONSUMERS_HEAD_H, col.h / 2);
    const double avail = col.h - head, slot = avail / n;
    const bool compact = slot < VIZ_CLIENT_H + CONSUMER_GAP;
    const double h =
        compact ? fmax(1, fmin(VIZ_CLIENT_H_COMPACT, slot - CONSUMER_GAP)) : VIZ_CLIENT_H;
    const double gap = fmin(fmax(0, slot - h), 3 * CONSUMER_GAP);
    const double total = n * h + (n - 1) * gap;
    const double y0 = col.y + head + fmax(0, (avail - total) / 2);
    for (uint32_t i = 0; i < n; i++) out[i] = (viz_rect){col.x, y0 + i * (h + gap), col.w, h};
    return compact;
}

/* The consumers' column at the right of the cluster panel, like the producers' on the
 * left; as many boxes as fit at the compact size. */
static void consumers_column(viz_layout *l, uint32_t n)
{
    const viz_rect c = l->cluster;
    const double col_w = fmin(VIZ_CLIENT_W, c.w * 0.3);
    const double pad_x = fmin(10, c.w * 0.05);
    const double pad_top = fmin(30, c.h * 0.3), pad_bottom = fmin(8, c.h * 0.1);
    l->consumers =
        (viz_rect){c.x + c.w - pad_x - col_w, c.y + pad_top, col_w, c.h - pad_top - pad_bottom};
    const uint32_t fit = column_holds(l->consumers.h);
    l->consumer_count = n < fit ? n : fit;
    if (l->consumer_count == 0) return;
    l->consumer_compact = stack_consumers(l->consumers, l->consumer_count, l->consumer);
}

/* The consumers in a band across the bottom of the cluster panel, rows of as many boxes
 * as fit at VIZ_CLIENT_W_MIN; compact boxes when full rows would take more than 30 % of
 * the panel's height, and no more rows than fit in it then. */
static void consumers_band(viz_layout *l, uint32_t n)
{
    const viz_rect c = l->cluster;
    const double pad_x = fmin(10, c.w * 0.05), pad_bottom = fmin(8, c.h * 0.1);
    const double avail_w = c.w - 2 * pad_x, gap = VIZ_CLIENT_GAP_MIN, vgap = 2 * CONSUMER_GAP;
    uint32_t cols = (uint32_t)fmax(1, floor((avail_w + gap) / (VIZ_CLIENT_W_MIN + gap)));
    if (cols > n) cols = n;
    const double box_w = fmax(1, fmin(VIZ_CLIENT_W, (avail_w - (cols - 1) * gap) / cols));
    const double head = fmin(VIZ_CLIENTS_BAND_HEAD_H, c.h * 0.05), room = c.h * 0.3;
    uint32_t rows = (n + cols - 1) / cols;
    double h = VIZ_CLIENT_H;
    l->consumer_compact = head + rows * (h + vgap) > room;
    if (l->consumer_compact) {
        const uint32_t fit = (uint32_t)fmax(1, floor((room - head) / (CONSUMER_H_MIN + vgap)));
        rows = rows < fit ? rows : fit;
        h = fmax(1, fmin(VIZ_CLIENT_H_COMPACT, (room - head) / rows - vgap));
    }
    l->consumer_count = n < rows * cols ? n : rows * cols;
    const double band_h = head + rows * (h + vgap);
    l->consumers = (viz_rect){c.x + pad_x, c.y + c.h - pad_bottom - band_h, avail_w, band_h};
    const double row_w = cols * box_w + (cols - 1) * gap;
    const double x0 = l->consumers.x + fmax(0, (avail_w - row_w) / 2);
    for (uint32_t i = 0; i < l->consumer_count; i++)
        l->consumer[i] = (viz_rect){x0 + (i % cols) * (box_w + gap),
                                    l->consumers.y + head + (i / cols) * (h + vgap), box_w, h};
    l->consumer_band = true;
}

/* A band's height for n boxes across width w (its caption, full rows). */
static double band_rows_h(uint32_t n, double w)
{
    return VIZ_CLIENTS_BAND_HEAD_H +
           (VIZ_CLIENT_H + VIZ_CLIENT_GAP_MIN) * ceil(n * (VIZ_CLIENT_W_MIN + 12) / w);
}

/* The arrangement that leaves the nodes the squarer room: columns at the sides of a
 * landscape panel (the usual picture; producers left, consumers right), bands across
 * the top and bottom of a tall narrow one (the partitions panel beside the cluster). */
static void place_clients(viz_layout *l, const sim_world *w)
{
    const uint32_t n = !w->has_producers                       ? 0
                       : w->producers.count < PROD_CLIENTS_MAX ? w->producers.count
                                                               : PROD_CLIENTS_MAX;
    const uint32_t slots = consumer_slots(w);
    const uint32_t nc = slots < VIZ_CONSUMERS_MAX ? slots : VIZ_CONSUMERS_MAX;
    if (n == 0 && nc == 0) return;
    const viz_rect c = l->cluster;
    bool band;
    if (nc == 0) { /* producers only: the arrangement they always had */
        const double as_column = fmin(c.w - VIZ_CLIENT_W - 10, c.h);
        const double as_band = fmin(c.w, c.h - band_rows_h(n, c.w));
        band = as_band > as_column;
    } else {
        const double cols_w = (n > 0 ? 2 : 1) * (VIZ_CLIENT_W + 10);
        const double rows_h = (n > 0 ? band_rows_h(n, c.w) : 0) + band_rows_h(nc, c.w);
        band = fmin(c.w, c.h - rows_h) > fmin(c.w - cols_w, c.h);
    }
    if (n > 0) {
        if (band) {
            clients_band(l, n);
        } else {
            clients_column(l, n);
        }
        l->client_count = n;
    }
    if (nc == 0) return;
    if (band) {
        consumers_band(l, nc);
    } else {
        consumers_column(l, nc);
    }
    l->consumers_hidden = slots - l->consumer_count;
    name_consumer_boxes(l, w);
}

/* Voters on a circle, observers on rows beneath; right of the clients' column or below
 * their band. */
static void place_nodes(viz_layout *l, const sim_world *w)
{
    uint32_t voters = 0, observers = 0;
    for (uint32_t i = 0; i < w->node_count; i++) {
        if (w->is_voter[i]) {
            voters++;
        } else {
            observers++;
        }
    }
    viz_rect c = l->cluster;
    if (l->client_count > 0 && l->client_band) { /* the clients' band takes the top */
        const double cut = l->clients.y + l->clients.h - (c.y + 30);
        c.y += cut;
        c.h = fmax(1, c.h - cut);
    } else if (l->client_count > 0) { /* the clients' column takes the left */
        const double cut = l->clients.x + l->clients.w - c.x;
        c.x += cut;
        c.w = fmax(1, c.w - cut);
    }
    if (l->consumer_count > 0 && l->consumer_band) { /* the consumers' band takes the bottom */
        c.h = fmax(1, l->consumers.y - c.y + 6);
    } else if (l->consumer_count > 0) { /* the consumers' column takes the right */
        c.w = fmax(1, l->consumers.x - c.x);
    }
    /* A window too small for the panels still gets positive sizes (things overlap). */
    const double ax = c.x + 12, ay = c.y + 30, aw = fmax(40, c.w - 24), ah = fmax(40, c.h - 36);
    double r = clampd(fmin(aw, ah) * 0.085, 12, 38);
    uint32_t per_row = 1;
    double row_h = 0;
    const double rows_h =
        observers > 0 ? observer_rows(aw, ah, observers, &r, &per_row, &row_h) : 0;
    const double circle_h = ah - rows_h;
    const double cx = ax + aw / 2;
    const double cy = ay + (circle_h - LABEL_H) / 2 + 4;
    double big_r = fmin(aw / 2 - r - 44, (circle_h - LABEL_H) / 2 - r - 8);
    if (big_r < r) big_r = r;
    if (voters >= 2) {
        const double chord = 2 * big_r * sin(VIZ_PI / voters);
        if (chord < 2.8 * r) r = fmax(4, chord / 2.8);
    }
    /* Odd counts start at the top; even counts start half a step later, so that two
     * nodes sit side by side and four make a square. */
    const double start = -VIZ_PI / 2 + (voters % 2 == 0 ? VIZ_PI / voters : 0);
    const double spacing = aw / per_row, rows_top = ay + ah - rows_h;
    uint32_t v = 0, o = 0;
    for (uint32_t i = 0; i < w->node_count && i < SIM_NODES_MAX; i++) {
        if (w->is_voter[i]) {
            const double a = start + 2 * VIZ_PI * v / voters;
            l->node_x[i] = voters == 1 ? cx : cx + big_r * cos(a);
            l->node_y[i] = voters == 1 ? cy : cy + big_r * sin(a);
            v++;
            continue;
        }
        const uint32_t row = o / per_row, col = o % per_row;
        const uint32_t in_row =
            observers - row * per_row < per_row ? observers - row * per_row : per_row;
        const double indent = (per_row - in_row) * spacing / 2; /* centre a short last row */
        l->node_x[i] = ax + indent + spacing * (col + 0.5);
        l->node_y[i] = rows_top + row * row_h + r + 6;
        o++;
    }
    l->node_r = fmax(4, r);
}

void viz_layout_compute(viz_layout *l, const sim_world *w, double width, double height,
                        double scale)
{
    SIM_ASSERT(w->node_count <= SIM_NODES_MAX);
    memset(l, 0, sizeof *l);
    l->width = width > 64 ? width : 64;
    l->height = height > 64 ? height : 64;
    l->scale = scale >= 1 ? scale : 1;
    l->node_count = w->node_count;
    place_panels(l, w);
    place_clients(l, w);
    place_nodes(l, w);
    if (l->partitions.h > 0) place_cards(l, w);
    SIM_ASSERT(l->node_r > 0);
}

void viz_view_init(viz_view *v, const sim_world *w)
{
    memset(v, 0, sizeof *v);
    v->scenario_name = w->cfg->name;
    v->title = w->cfg->title;
    v->seed = w->seed;
    v->end_us = w->end_us;
    v->speed = 1.0;
    v->playing = false;
    v->selected_node = -1;
    v->selected_msg = 0;
    v->selected_client = -1;
    v->hover_node = -1;
    v->hover_client = -1;
    v->selected_consumer = -1;
    v->hover_consumer = -1;
    v->drag_from = -1;
    v->menu.endpoint = -1;
}
