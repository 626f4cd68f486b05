/*
 * viz_internal.h — what the viz panels share and nobody else needs: the palette, text
 *   helpers, node and message geometry.
 *
 * Role: included by the drawing files of viz/ only; callers use viz.h.
 * Model: none. The palette is Okabe & Ito's colour-blind-safe set ("Color Universal
 *   Design", 2008) on a light background; every state that colour shows is also shown by
 *   a shape or a word, so the picture reads in grey scale too.
 * Owns / borrows: nothing; every helper borrows its arguments for the call.
 * Invariants: helpers that change the cairo state restore it before returning.
 * Determinism: pure functions of their arguments.
 * Not modelled: n/a.
 */
#ifndef VIZ_INTERNAL_H
#define VIZ_INTERNAL_H

#include "viz.h"

#define VIZ_PI 3.14159265358979323846

/* ---------------------------------------------------------------------------------
 * Palette
 * ------------------------------------------------------------------------------- */

#define VIZ_RGB(hex)                                                                               \
    ((viz_rgb){((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex)&0xff) / 255.0})

/* Okabe–Ito. */
#define VIZ_C_ORANGE    0xE69F00
#define VIZ_C_SKY       0x56B4E9
#define VIZ_C_GREEN     0x009E73
#define VIZ_C_YELLOW    0xF0E442
#define VIZ_C_BLUE      0x0072B2
#define VIZ_C_VERMILION 0xD55E00
#define VIZ_C_PURPLE    0xCC79A7
/* Neutrals of the light theme. */
#define VIZ_C_BG       0xF4F4F1
#define VIZ_C_PANEL    0xFFFFFF
#define VIZ_C_BORDER   0xD4D4D0
#define VIZ_C_TEXT     0x202020
#define VIZ_C_TEXT_DIM 0x6A6A6A
#define VIZ_C_LINK     0xC4C4C4
#define VIZ_C_CRASHED  0xDCDCDC

/* Node fills, one per state (viz_node_fill picks among them). */
#define VIZ_FILL_LEADER      VIZ_C_BLUE
#define VIZ_FILL_FOLLOWER    0xD3E8F6
#define VIZ_FILL_CANDIDATE   VIZ_C_YELLOW
#define VIZ_FILL_PROSPECTIVE 0xF8F2B8
#define VIZ_FILL_UNATTACHED  0xFFFFFF
#define VIZ_FILL_RESIGNED    0xB4B4B4
#define VIZ_FILL_OBSERVER    0xCDEBDF /* an observer (dedicated broker) following */

void viz__set_rgb(cairo_t *cr, viz_rgb c);
void viz__set_hex(cairo_t *cr, uint32_t hex);
void viz__set_hex_alpha(cairo_t *cr, uint32_t hex, double alpha);
/* The colour of a message family ("vote", "fetch", "heartbeat", ...); the data plane's
 * replica fetches get their own ("replication"), apart from the quorum's Fetch. */
#define VIZ_C_REPLICATION VIZ_C_BLUE
/* Clients' Metadata requests: Okabe–Ito's yellow, drawn with a dark edge so that it reads
 * on white. */
#define VIZ_C_METADATA      VIZ_C_YELLOW
#define VIZ_C_METADATA_EDGE 0x8F8500
/* Data markers (records gone) on the timeline and in the event log. */
#define VIZ_C_DATA 0x000000
/* Consumer groups: the group protocol's requests, the consumers' marks and the group
 * markers in Paul Tol's wine; the consumers' Fetch in his olive, apart from the brokers'
 * replica fetches (Okabe-Ito has no eighth colour). Shapes tell them apart too: group
 * requests are squares, fetches diamonds. */
#define VIZ_C_GROUP   0x882255
#define VIZ_C_CONSUME 0x999933
/* A group's state: its colour (and, in groups.c, how much of its disc is filled). */
uint32_t viz__group_state_hex(kg_state s);
uint32_t viz__family_hex(net_msg_kind kind);
/* The colour of raft epoch `epoch` in the log panel (cycles through six). */
uint32_t viz__epoch_hex(int32_t epoch);
uint32_t viz__marker_hex(viz_marker_kind kind);
const char *viz__marker_kind_name(viz_marker_kind kind);

/* ---------------------------------------------------------------------------------
 * Text (cairo's toy API; fonts differ between machines, sizes do not)
 * ------------------------------------------------------------------------------- */

typedef enum viz__align {
    VIZ_ALIGN_LEFT = 0,
    VIZ_ALIGN_CENTER,
    VIZ_ALIGN_RIGHT,
} viz__align;

void viz__font(cairo_t *cr, double size, bool bold);
void viz__font_mono(cairo_t *cr, double size);
/* Shows `s` with its baseline at y; returns the advance width. LEFT needs no measuring. */
double viz__text(cairo_t *cr, double x, double y, const char *s, viz__align align);
double viz__text_width(cairo_t *cr, const char *s);
/* "12.345 s" style: whole seconds and milliseconds of a virtual time. */
void viz__format_time(sim_time t, char *buf, size_t buf_bytes);

/* ---------------------------------------------------------------------------------
 * Shapes
 * ------------------------------------------------------------------------------- */

/* A full circle as a new sub-path (never joined to the current point, which text
 * leaves set). */
void viz__circle(cairo_t *cr, double x, double y, double r);
void viz__rounded_rect(cairo_t *cr, double x, double y, double w, double h, double r);
/* A square standing on its corner, centre (x, y), centre to corner r, as a new sub-path. */
void viz__diamond(cairo_t *cr, double x, double y, double r);
/* A panel: white rounded rectangle with a border, and a title in its top-left corner.
 * Returns the y of the first line below the title. */
double viz__panel(cairo_t *cr, viz_rect r, const char *title);
bool viz__rect_contains(viz_rect r, double x, double y);

/* ---------------------------------------------------------------------------------
 * Geometry shared by drawing and hit testing
 * ------------------------------------------------------------------------------- */

/* Whether an endpoint has a place in the picture: nodes always; a producer (endpoint
 * node_count + i) or a consumer when the layout placed its box. */
bool viz__endpoint_placed(const viz_layout *l, int32_t endpoint);
/* The centre of a placed endpoint's shape (a node's circle, a producer's box). */
void viz__endpoint_center(const viz_layout *l, int32_t endpoint, double *x, double *y);
/* How far from its centre, towards (dx, dy) (not necessarily a unit vector), a link
 * leaves a placed endpoint: a little outside its circle or box. */
double viz__endpoint_edge(const viz_layout *l, int32_t endpoint, double dx, double dy);
/* "node 3", "producer checkout", "consumer billing/1": an endpoint for people. */
void viz__endpoint_name(const sim_world *w, int32_t endpoint, char *buf, size_t buf_bytes);
/* Two lanes per link, one per direction, this far from the centre line. */
#define VIZ_LANE_PX 4.0
/* How long (virtual us) a dropped message takes to fade out. */
sim_time viz__fade_us(const sim_world *w);
/* Where message progress p (0..1) from `from` to `to` sits, in logical pixels. */
void viz__msg_point(const viz_layout *l, int32_t from, int32_t to, double p, double *x, double *y);
/* The whole lane from `from` to `to` as a path (a straight line or a bowed curve). */
void viz__link_path(cairo_t *cr, const viz_layout *l, int32_t from, int32_t to);
/* The line between a's and b's lanes as a path: one stroke for a link whose two
 * directions look the same. */
void viz__link_center_path(cairo_t *cr, const viz_layout *l, int32_t a, int32_t b);
/* The messages drawn now, with positions (up to max). */
#define VIZ_MSGS_MAX 1024u

/* Timeline strip geometry: the bar inside l->timeline that maps [0, end_us]. */
viz_rect viz__timeline_bar(const viz_layout *l);
double viz__timeline_x(const viz_layout *l, sim_time end_us, sim_time t);

/* Partitions panel geometry (layout.c places the cards, partitions.c fills them). */
#define VIZ_PARTS_TITLE_H  26.0  /* the panel's title line */
#define VIZ_CARD_HEAD_H    17.0  /* a card's header line: the node and its state */
#define VIZ_CARD_ROW_H     14.0  /* one replica row */
#define VIZ_CARD_PAD       5.0   /* under a card's last row */
#define VIZ_CARD_GAP       6.0   /* between cards */
#define VIZ_CARD_W_MIN     140.0 /* narrower cards would crush the log bars */
#define VIZ_PARTS_LEGEND_W 500.0 /* a panel this wide has the legend on its title line */
/* The panel's title and legend: one line on a wide panel, three on a narrow one (one
 * on a short narrow one, which has no room for the legend). */
double viz__partitions_head_h(viz_rect panel);
/* Whether the partitions panel and the inspector list partition p: every partition of
 * the scenario's topics; of __consumer_offsets only those a group's coordinator lives on
 * (a group's offsets partition). */
bool viz__partition_shown(const sim_world *w, uint32_t p);
/* Partitions with a replica on broker `node_id` in the committed registration (those
 * viz__partition_shown lists), in partition order: fills out[0 .. min(count, max)) and
 * returns the count. */
uint32_t viz__broker_replicas(const sim_world *w, int32_t node_id, uint32_t *out, uint32_t max);
/* "orders-3": the topic's name and the partition's number within it; a name too long
 * for the buffer is cut with an ellipsis, the number never is. */
void viz__partition_name(const sim_world *w, uint32_t partition_index, char *buf, size_t buf_bytes);

/* Clients' geometry (layout.c places the boxes, clients.c draws them). */
#define VIZ_CLIENT_W            136.0 /* a producer's box */
#define VIZ_CLIENT_H            46.0  /* a full box: name and acks, counters' names, counters */
#define VIZ_CLIENT_H_COMPACT    22.0  /* a compact box: its name only */
#define VIZ_CLIENT_GAP_MIN      12.0  /* between boxes: room for an error badge on the border */
#define VIZ_CLIENTS_HEAD_H      16.0  /* the column's caption */
#define VIZ_CLIENTS_BAND_HEAD_H 22.0  /* the band's caption, clear of the first row's badges */
#define VIZ_CLIENT_W_MIN        110.0 /* narrower boxes in a band would crush the counters */
/* A client's link to a broker: one pale line of colour `hex` while both directions are
 * healthy (a client may talk to every broker), else each lane in its fault's style. */
#define VIZ_C_CLIENT_LANE 0xE0E0DC /* paler than the quorum's lanes: many clients, many lanes */
void viz__client_link(cairo_t *cr, const viz_layout *l, const sim_world *w, int32_t a, int32_t b,
                      uint32_t hex);
/* The lanes from producers to the brokers their metadata names leaders, under the
 * nodes; the boxes, over the nodes and under the messages (cluster.c calls both). */
void viz__draw_client_lanes(cairo_t *cr, const viz_layout *l, const sim_world *w,
                            const viz_view *v);
void viz__draw_clients(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v);
/* Consumers' boxes (layout.c places them with the producers' geometry, consumers.c
 * draws them); their lanes run to their coordinator and their partitions' leaders. */
#define VIZ_CONSUMERS_HEAD_H 16.0 /* the column's caption */
void viz__draw_consumer_lanes(cairo_t *cr, const viz_layout *l, const sim_world *w,
                              const viz_view *v);
void viz__draw_consumers(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v);
/* Layout box of consumer endpoint `endpoint`, or -1. */
int32_t viz__consumer_box_of(const viz_layout *l, int32_t endpoint);
/* The consumer of group g, member slot `slot`. */
const kg_consumer *viz__consumer(const sim_world *w, uint32_t g, uint32_t slot);
/* Whether a consumer fetches and processes now: Stable, or keeping its partitions through
 * a cooperative rebalance (KIP-429); the model's own rule (kg__consuming). */
bool viz__consuming(const sim_world *w, const kg_consumer *c);
/* "stable", "joining", ...: a consumer's state in a word ("not started" for a slot never
 * started). */
const char *viz__consumer_state_word(const sim_world *w, const kg_consumer *c);

/* Groups panel geometry (layout.c places the blocks, groups.c fills them). */
#define VIZ_GROUPS_TITLE_H 24.0 /* the panel's title line, with the columns' captions */
#define VIZ_GROUP_HEAD_H   34.0 /* a group's header: its state line and its step strip */
#define VIZ_GROUP_ROW_H    13.0 /* one partition row */
#define VIZ_GROUP_GAP      6.0  /* under a group's last row */

/* Whether the view has a data marker (VIZ_MARK_DATA) on node `node_id`'s replica of
 * partition `partition` with t in (now - VIZ_ALERT_US, now]; *offset is the latest's. */
bool viz__recent_data_mark(const viz_view *v, sim_time now, int32_t node_id, uint32_t partition,
                           int64_t *offset);

/* Menu geometry. */
#define VIZ_MENU_W       190.0
#define VIZ_MENU_TITLE_H 24.0
#define VIZ_MENU_ITEM_H  26.0
const char *viz__menu_label(scn_action_kind kind);

/* First index of markers with t > now (markers sorted by t). */
uint32_t viz__markers_upto(const viz_view *v, sim_time now);

/* Endpoint state helpers. */
const raft_node *viz__raft(const sim_world *w, int32_t endpoint); /* NULL: no metadata log */
bool viz__node_down(const sim_world *w, int32_t endpoint);
/* True when every link from and to every other node is cut. */
bool viz__node_isolated(const sim_world *w, int32_t endpoint);
/* True when any link from or to the endpoint is cut or degraded. */
bool viz__node_has_net_fault(const sim_world *w, int32_t endpoint);

#endif
