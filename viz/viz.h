/*
 * viz.h — drawing a run with cairo: the layout, the view state, the panels, hit testing,
 *   and headless PNG export. Used by the SDL window (sdl_window.c, the only SDL file)
 *   and by `kraftlab render` / `run --plot`, which need no display.
 *
 * Role: viz reads the model through `const sim_world *` and never changes it; user
 *   input reaches the model only as actions pushed by the session (session.h). Every
 *   frame is drawn whole from (world, view): animation state is derived, e.g. a message
 *   in flight sits at (now - sent) / (due - sent) along its link (style C.9).
 * Model: none. Pictures of: the quorum's nodes (role by shape, label and colour, so it
 *   reads without colour), raft epoch, vote, the election/fetch timer as a draining
 *   arc, each node's metadata log with its committed part, messages in flight coloured
 *   by family, lost messages fading where they were lost, crashed / paused / isolated
 *   nodes and cut links, broker fencing, a timeline strip with faults and elections, an
 *   event log, the current note, the seed and the virtual time; with topics, every
 *   broker's partition replicas (role, ISR membership, log end offset and high
 *   watermark) and markers where records went (truncations, unclean elections, failed
 *   batches); with producers, a box per producer with its counters, its Produce and
 *   Metadata requests in flight, and a badge naming the errors it sees; with consumer
 *   groups, a box per consumer (its state, the partitions it owns, whether it is
 *   processing), its Fetch and group requests in flight, and a panel per group with its
 *   state, generation, coordinator, the phases of a rebalance step by step, and for each
 *   partition its owner, committed offset, high watermark and lag.
 * Owns / borrows: drawing functions borrow everything for the call. The view's markers
 *   are borrowed from the session.
 * Invariants: every viz_draw_* brackets its changes with cairo_save/cairo_restore; the
 *   caller checks cairo_status once per frame.
 * Determinism: no randomness, no wall clock: the same (world, view, size) gives the same
 *   pixels on the same machine (fonts differ between machines, so tests compare
 *   regions and colours, not golden images).
 * Not modelled: n/a.
 */
#ifndef VIZ_H
#define VIZ_H

#include "../sim/world/world.h"

#include <cairo.h>

/* ---------------------------------------------------------------------------------
 * Markers: what happened when, for the timeline strip, the event log and tooltips.
 * The session collects them from the trace of a full run (session.c).
 * ------------------------------------------------------------------------------- */

typedef enum viz_marker_kind {
    VIZ_MARK_FAULT = 0, /* crash, restart, pause, partition, cut, heal, ... */
    VIZ_MARK_ELECTION,  /* a leader elected */
    VIZ_MARK_RAFT,      /* prospective, candidate, resigned, timeouts, votes */
    VIZ_MARK_BROKER,    /* registration, fencing, unfencing */
    VIZ_MARK_NOTE,      /* a scenario note */
    VIZ_MARK_WARNING,   /* a skipped action */
    VIZ_MARK_VIOLATION, /* a checker saw a guarantee broken */
    VIZ_MARK_DATA,      /* records gone: a log truncated, an unclean election, a failed batch */
    VIZ_MARK_GROUP,     /* a consumer group rebalanced (a new generation), a member expired */
    VIZ_MARK_KIND_COUNT
} viz_marker_kind;

typedef struct viz_marker {
    sim_time t; /* virtual time, us */
    viz_marker_kind kind;
    int32_t node;      /* Kafka node id (a producer: SIM_TRACE_CLIENT_ID_BASE + index), -1
                          for cluster-wide */
    int32_t partition; /* global partition index of a data marker, -1 for none */
    int64_t offset;    /* the log offset a data marker is about, -1 for none */
    char text[320];    /* one line for people: what happened (notes in full) */
    char why[120];     /* the rule that fired and its cause, "" when obvious */
} viz_marker;

/* An error a producer saw (a Produce answer with an error, a broken connection, a batch
 * that failed for good), from the trace: the producer boxes flash these. */
typedef struct viz_client_err {
    sim_time t;        /* virtual time, us */
    uint32_t producer; /* index in the world's producers */
    int32_t code;      /* Kafka error code (prod_error_of_code names it) */
    int32_t partition; /* global partition index */
    int32_t broker;    /* Kafka id of the broker that answered, -1 for a failed batch */
    bool fatal;        /* producer_fail: the batch failed for good */
} viz_client_err;

/* What a consumer group did, from the trace (markers.c): the groups panel derives the
 * phases of a rebalance and the partitions to flash from these. */
typedef enum viz_group_ev_kind {
    VIZ_GEV_STATE = 0, /* the coordinator changed the group's state: value = kg_state */
    VIZ_GEV_JOIN_SENT, /* member sent JoinGroup (having revoked, with the eager protocol) */
    VIZ_GEV_JOINED,    /* the coordinator answered member's JoinGroup: the join phase ended */
    VIZ_GEV_ASSIGNED,  /* member got its assignment: value = partitions it owns */
    VIZ_GEV_EXPIRED,   /* the coordinator removed member (no heartbeat or rejoin in time) */
    VIZ_GEV_REVOKE,    /* member gave up group partition `value` */
    VIZ_GEV_ASSIGN,    /* member got group partition `value` */
} viz_group_ev_kind;

typedef struct viz_group_ev {
    sim_time t;         /* virtual time, us */
    uint8_t kind;       /* viz_group_ev_kind */
    uint8_t group;      /* index in the world's groups */
    int16_t member;     /* member slot, -1 for the group as a whole */
    int32_t generation; /* the generation the record names, -1 none */
    int32_t value;      /* see the kind */
    int32_t count;      /* VIZ_GEV_STATE: members; VIZ_GEV_ASSIGNED: partitions revoked */
} viz_group_ev;

/* ---------------------------------------------------------------------------------
 * Geometry
 * ------------------------------------------------------------------------------- */

#define VIZ_CONSUMERS_MAX 32u /* consumer boxes laid out; more are counted as hidden */

typedef struct viz_rect {
    double x, y, w, h;
} viz_rect;

typedef struct viz_layout {
    double width, height; /* logical pixels (the surface may be scale x larger) */
    double scale;         /* device pixels per logical pixel (HiDPI), >= 1 */
    viz_rect status;      /* top bar: scenario, seed, virtual time, speed, state */
    viz_rect caption;     /* the current note */
    viz_rect cluster;     /* nodes, links, messages */
    viz_rect partitions;  /* every broker's replicas; w = h = 0 without topics */
    viz_rect logs;        /* one metadata-log row per node */
    viz_rect events;      /* the event log */
    viz_rect timeline;    /* the strip at the bottom */
    uint32_t node_count;
    double node_x[SIM_NODES_MAX], node_y[SIM_NODES_MAX]; /* centres, by endpoint */
    double node_r;                                       /* node radius */
    /* The partitions panel: one card per broker node, in node-id order, as many as fit. */
    uint32_t card_count;                  /* cards laid out (0 without topics) */
    uint32_t cards_hidden;                /* broker nodes without room for a card */
    int32_t card_endpoint[SIM_NODES_MAX]; /* [card]: the broker node's endpoint */
    viz_rect card[SIM_NODES_MAX];         /* [card]: its rectangle inside `partitions` */
    uint32_t card_row_count;              /* replica rows that fit in every card */
    /* Clients: one box per producer in a column at the left of the cluster panel (or a
     * band across its top), in producer order; producer i is endpoint node_count + i. */
    viz_rect clients;                  /* the column or band; w = h = 0 without producers */
    uint32_t client_count;             /* boxes laid out (0 without producers) */
    viz_rect client[PROD_CLIENTS_MAX]; /* [producer]: its box inside `clients` */
    bool client_compact;               /* boxes too short for the counters: name only */
    bool client_band;                  /* boxes in rows across the top, not a column */
    /* Consumers: one box per member slot of every group (group by group, slot order) in
     * a column at the right of the cluster panel (or a band across its bottom when the
     * producers' boxes are in a band). Consumer k is endpoint consumer_first_endpoint + k
     * (the world numbers them so). */
    viz_rect consumers;                        /* the column or band; w = h = 0 without groups */
    uint32_t consumer_count;                   /* boxes laid out (0 without groups) */
    uint32_t consumers_hidden;                 /* member slots without room for a box */
    int32_t consumer_first_endpoint;           /* endpoint of box 0 */
    viz_rect consumer[VIZ_CONSUMERS_MAX];      /* [k]: its box inside `consumers` */
    uint8_t consumer_group[VIZ_CONSUMERS_MAX]; /* [k]: its group */
    uint8_t consumer_slot[VIZ_CONSUMERS_MAX];  /* [k]: its member slot */
    bool consumer_compact;                     /* boxes too short for the details: name only */
    bool consumer_band;                        /* boxes in rows across the bottom */
    /* The consumer groups panel, between the metadata logs and the event log: per group a
     * two-line header and a row per partition, as many as fit. */
    viz_rect groups;                     /* w = h = 0 without groups */
    uint32_t group_count;                /* groups with a block laid out */
    viz_rect group_block[KG_GROUPS_MAX]; /* [g]: the header and its rows */
    uint32_t group_rows[KG_GROUPS_MAX];  /* [g]: partition rows with room (the last says
                                            "+N more" when fewer than the partitions) */
} viz_layout;

/* Places every panel and node for a window of width x height logical pixels. Voters on
 * an arc of a circle, observers (dedicated brokers) on rows beneath, in node-id order.
 * With topics, the partitions panel takes the bottom of the left column. */
void viz_layout_compute(viz_layout *l, const sim_world *w, double width, double height,
                        double scale);

/* ---------------------------------------------------------------------------------
 * The view: everything drawn that is not model state.
 * ------------------------------------------------------------------------------- */

#define VIZ_MENU_ITEMS_MAX 10

typedef struct viz_menu {
    bool open;
    int32_t endpoint; /* the node it is for */
    double x, y;      /* top-left, logical pixels */
    uint32_t item_count;
    scn_action_kind items[VIZ_MENU_ITEMS_MAX]; /* crash, restart, shutdown, power_off,
                                                  pause, resume, isolate, heal, timeout */
} viz_menu;

typedef struct viz_view {
    const char *scenario_name;
    const char *title; /* may be NULL */
    uint64_t seed;
    sim_time end_us; /* the run's end, for the timeline strip */
    double speed;    /* virtual seconds per wall second: 0.001 .. 1000 */
    bool playing;
    bool waiting_on_note; /* guided tour: paused at a note until the learner continues */
    bool show_help;
    /* Selection and hover (endpoint indexes; -1 none). */
    int32_t selected_node;
    uint64_t selected_msg;   /* net message id; 0 none */
    int32_t selected_client; /* producer index; -1 none */
    int32_t hover_node;
    int32_t hover_client; /* producer index; -1 none */
    /* Consumers: group * KG_MEMBERS_MAX + member slot; -1 none. */
    int32_t selected_consumer;
    int32_t hover_consumer;
    /* Draw without the client layer (producer boxes, their lanes and messages, their
     * legend entries): the picture as it was before clients were drawn. Tests compare
     * against it; the laid-out column stays empty. */
    bool hide_clients;
    /* Likewise without the consumer groups (consumer boxes, their lanes and messages, the
     * groups panel, their legend entries); the laid-out places stay empty. */
    bool hide_groups;
    bool hover_timeline;
    sim_time hover_t; /* the instant under the mouse on the strip */
    /* Dragging from a node to another to cut (or heal) their link. */
    bool dragging;
    int32_t drag_from;
    double drag_x, drag_y;
    viz_menu menu;
    /* From the session (borrowed). Markers are sorted by time and cover the whole run
     * as far as it has been simulated. */
    const viz_marker *markers;
    uint32_t marker_count;
    /* Producers' errors, sorted by t, from the same session or render (borrowed). */
    const viz_client_err *client_errs;
    uint32_t client_err_count;
    /* Consumer groups' records, sorted by t, from the same session or render (borrowed). */
    const viz_group_ev *group_evs;
    uint32_t group_ev_count;
    const char *flash; /* a transient status line ("saved to x.json"), may be NULL */
} viz_view;

void viz_view_init(viz_view *v, const sim_world *w);

/* ---------------------------------------------------------------------------------
 * Drawing
 * ------------------------------------------------------------------------------- */

/* Draws the whole frame (background, every panel, overlays). The cairo context's user
 * space is logical pixels (the caller applied the HiDPI scale). */
void viz_draw_frame(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v);

/* The panels, for tests and for callers that compose their own frame. */
void viz_draw_status(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v);
void viz_draw_caption(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v);
void viz_draw_cluster(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v);
void viz_draw_logs(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v);
/* Draws nothing without topics. */
void viz_draw_partitions(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v);
void viz_draw_events(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v);
/* Draws nothing without consumer groups. */
void viz_draw_groups(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v);
void viz_draw_timeline(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v);
void viz_draw_overlays(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v);

/* The colour a node's body is filled with for its current state (tests sample it). */
typedef struct viz_rgb {
    double r, g, b;
} viz_rgb;
viz_rgb viz_node_fill(const sim_world *w, int32_t endpoint);

/* Messages drawn now: in flight between running endpoints, plus recent drops still
 * fading. Fills out[] (views valid until the next step) and returns how many. A crashed
 * node's messages are never drawn: they are gone with its connections. */
typedef struct viz_msg {
    uint64_t id;
    int32_t from, to; /* endpoints */
    net_msg_kind kind;
    double progress; /* 0 at the sender .. 1 at the receiver */
    double fade;     /* 1 opaque .. 0 gone (drops fade out where they were lost) */
    bool dropped;
    const net_msg *msg; /* NULL for a drop note */
} viz_msg;
uint32_t viz_visible_messages(const sim_world *w, viz_msg *out, uint32_t max);
/* Data-plane messages (replica Fetch, AlterPartition, Produce, a consumer's Fetch) are
 * drawn as diamonds, the group protocol's (FindCoordinator, JoinGroup, SyncGroup,
 * Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch) as squares, the controller quorum's,
 * the brokers' heartbeats and the clients' Metadata as dots. */
bool viz_msg_is_data_plane(net_msg_kind kind);
bool viz_msg_is_group(net_msg_kind kind);
/* Where message m is drawn, in logical pixels (on its direction's lane of the link). */
void viz_msg_position(const viz_layout *l, const viz_msg *m, double *x, double *y);

/* One replica's row in the partitions panel, where and how it is drawn (for the tests,
 * which sample pixels at these points, and for hit testing). */
typedef struct viz_replica_row {
    viz_rect row;               /* the whole row */
    viz_rect badge;             /* the role mark: "L" leader, "F" follower, "!" offline */
    double badge_x, badge_y;    /* a pixel (whole indexes) of the mark that neither its
                                   border nor its letter covers */
    double isr_x, isr_y;        /* a pixel of the ISR mark off its border and strike line:
                                   filled (dark) in the ISR, white out of it */
    viz_rect bar;               /* the log bar: offsets 0 .. scale_leo, left to right */
    int64_t scale_leo;          /* the largest LEO of the partition's replicas, >= 1 */
    int64_t log_start, leo, hw; /* the replica's own log, as its broker holds it */
    bool leader;                /* the committed registration names this broker leader */
    bool in_isr;                /* this broker is in the committed ISR */
    bool offline;               /* the partition has no leader */
    bool down;                  /* the broker's process is not running */
    viz_rgb badge_fill, isr_fill;
    viz_rgb committed, uncommitted, empty; /* the bar below HW, HW..LEO, beyond LEO */
} viz_replica_row;

/* The row of partition `partition_index` on the broker at `endpoint`, if the panel shows
 * it now (topics exist, the broker holds a replica in the committed registration, and
 * its card has room for the row). Reads only. */
bool viz_replica_row_get(const viz_layout *l, const sim_world *w, int32_t endpoint,
                         uint32_t partition_index, viz_replica_row *out);
/* The x of offset `offset` on a row's bar. */
double viz_replica_bar_x(const viz_replica_row *r, int64_t offset);

/* How long (virtual us) a producer's box shows an error, and a replica's row a
 * truncation, after it happened. */
#define VIZ_ALERT_US SIM_S(1)

/* A producer's box in the cluster panel, where and how it is drawn now (for the tests,
 * which sample pixels at these points, and for hit testing). */
typedef struct viz_client_box {
    viz_rect box;            /* the whole box */
    double fill_x, fill_y;   /* a pixel (whole indexes) of the body that no text covers */
    viz_rect glyph;          /* the "P" mark */
    double glyph_x, glyph_y; /* a pixel of the mark off its letter */
    bool alert;              /* the producer saw an error within the last VIZ_ALERT_US */
    viz_rect badge;          /* the badge with the error's name (when alert) */
    double badge_x, badge_y; /* a pixel of the badge off its text */
    int32_t error_code;      /* the latest error's Kafka code (when alert), else 0 */
    uint32_t error_count;    /* errors within the window */
    bool fatal;              /* the latest error failed a batch for good */
    viz_rgb fill, glyph_fill, badge_fill;
} viz_client_box;

/* The box of producer `producer` if the layout placed it and the view does not hide
 * clients. The alert comes from the view's client_errs (those with t in
 * (now - VIZ_ALERT_US, now]). Reads only. */
bool viz_client_box_get(const viz_layout *l, const sim_world *w, const viz_view *v,
                        uint32_t producer, viz_client_box *out);

/* A consumer's box in the cluster panel, where and how it is drawn now (for the tests
 * and hit testing). */
typedef struct viz_consumer_box {
    viz_rect box;            /* the whole box */
    double fill_x, fill_y;   /* a pixel (whole indexes) of the body that no text covers */
    viz_rect glyph;          /* the "C" mark */
    double glyph_x, glyph_y; /* a pixel of the mark off its letter */
    uint32_t group, slot;    /* the member */
    int32_t endpoint;
    kg_cstate state;        /* the consumer's own state */
    bool started;           /* the slot has been started (else "not started") */
    const char *state_word; /* "stable", "joining", "syncing", "finding", "down", ... */
    uint32_t owned;         /* partitions it owns (and may read) now */
    bool processing;        /* a polled batch is being processed */
    viz_rect cells;         /* the owned-partitions strip (w = 0 in a compact box) */
    viz_rgb fill, glyph_fill;
} viz_consumer_box;

/* The box of layout consumer k if the layout placed it and the view does not hide
 * groups. Reads only. */
bool viz_consumer_box_get(const viz_layout *l, const sim_world *w, const viz_view *v, uint32_t k,
                          viz_consumer_box *out);

/* The phases of a rebalance, in order; DONE once every member got its assignment. */
typedef enum viz_phase {
    VIZ_PHASE_REVOKE = 0, /* PreparingRebalance: members revoke and rejoin */
    VIZ_PHASE_JOIN,       /* every member rejoined: the join phase ends at the coordinator */
    VIZ_PHASE_SYNC,       /* CompletingRebalance: the leader assigns, the coordinator stores */
    VIZ_PHASE_ASSIGN,     /* Stable: members receive their assignments */
    VIZ_PHASE_DONE,
} viz_phase;

/* The latest rebalance of a group that started at or before now, derived from the view's
 * group records (and, while it prepares, from the coordinator's members now). */
typedef struct viz_rebalance {
    bool any;           /* one started at or before now */
    viz_phase phase;    /* where it is now */
    sim_time at[5];     /* at[k]: when phase k began (at[VIZ_PHASE_DONE]: when it ended);
                           SIM_TIME_NEVER for phases not reached (or skipped) */
    int32_t generation; /* the generation it makes, -1 until the join phase ended */
    uint32_t members;   /* members of that generation */
    bool abandoned;     /* a new coordinator loaded the group before the join phase ended */
} viz_rebalance;

void viz_group_rebalance(const sim_world *w, const viz_view *v, uint32_t group, viz_rebalance *out);

/* How long (virtual us) a group's header keeps the steps of a rebalance after it ended. */
#define VIZ_REBALANCE_SHOW_US SIM_S(5)

/* A group's header in the groups panel, where and how it is drawn now. */
typedef struct viz_group_head {
    viz_rect head;             /* its two lines */
    bool coordinator_known;    /* a broker has loaded the group (else "no coordinator") */
    int32_t coordinator;       /* that broker's id, -1 none */
    kg_state state;            /* the coordinator's (KG_STATE_DEAD without one) */
    const char *state_text;    /* "Stable", "PreparingRebalance", ..., "no coordinator" */
    int32_t generation;        /* -1 without a coordinator */
    uint32_t members;          /* present members at the coordinator */
    viz_rect shape;            /* the state's shape: a disc filled by how far the state is */
    double shape_x, shape_y;   /* a pixel of its lower-left quarter: filled unless Empty/Dead */
    double shape_x2, shape_y2; /* a pixel of its upper-right quarter: filled only when Stable */
    viz_rgb shape_fill;        /* the state's colour */
    viz_rebalance reb;         /* the latest rebalance */
    bool steps_shown;          /* the step strip is drawn (in progress, or ended recently) */
    viz_rect step[4];          /* revoke, join, sync, assign */
} viz_group_head;

bool viz_group_head_get(const viz_layout *l, const sim_world *w, const viz_view *v, uint32_t group,
                        viz_group_head *out);

/* Why a partition row is flashing. */
typedef enum viz_row_flash {
    VIZ_FLASH_NONE = 0,
    VIZ_FLASH_REVOKED,  /* its owner gave it up within the last VIZ_ALERT_US */
    VIZ_FLASH_ASSIGNED, /* a member got it within the last VIZ_ALERT_US */
} viz_row_flash;

/* One partition's row in a group's block. */
typedef struct viz_group_row {
    viz_rect row;
    uint32_t partition;    /* global partition index */
    int32_t owner;         /* member slot that owns it and reads it now, -1 none */
    int32_t assigned;      /* member slot the coordinator's assignment names, -1 none */
    int64_t committed;     /* the coordinator's committed offset, -1 none */
    int64_t hw;            /* the partition leader's high watermark, -1 no leader */
    int64_t lag;           /* hw - committed, -1 unknown */
    bool paused;           /* nobody reads it (since the group's first assignment) */
    viz_row_flash flash;   /* the latest revoke or assignment within VIZ_ALERT_US */
    int32_t flash_member;  /* who gave it up or got it */
    viz_rect chip;         /* the owner's mark */
    double chip_x, chip_y; /* a pixel of it off its number */
    viz_rgb chip_fill;     /* the group colour for an owner; white (outlined) otherwise */
    viz_rgb row_fill;      /* white; paused, revoked and assigned rows are tinted */
} viz_group_row;

/* The row of the group's partition `index` (0 .. its partition count) if the panel has
 * room for it. Reads only. */
bool viz_group_row_get(const viz_layout *l, const sim_world *w, const viz_view *v, uint32_t group,
                       uint32_t index, viz_group_row *out);

/* ---------------------------------------------------------------------------------
 * Hit testing (logical pixels)
 * ------------------------------------------------------------------------------- */

int32_t viz_hit_node(const viz_layout *l, double x, double y); /* endpoint or -1 */
/* The broker node whose card in the partitions panel is at (x, y): endpoint or -1. */
int32_t viz_hit_partitions(const viz_layout *l, double x, double y);
/* The producer whose box is at (x, y): its index or -1. */
int32_t viz_hit_client(const viz_layout *l, double x, double y);
/* The consumer whose box is at (x, y): group * KG_MEMBERS_MAX + slot, or -1. */
int32_t viz_hit_consumer(const viz_layout *l, double x, double y);
uint64_t viz_hit_message(const viz_layout *l, const sim_world *w, double x, double y); /* 0 */
bool viz_hit_timeline(const viz_layout *l, const viz_view *v, double x, double y, sim_time *t_out);
int32_t viz_hit_menu(const viz_layout *l, const viz_view *v, double x, double y); /* item */
/* Fills a node's menu with the actions that apply to it now, placed beside it. */
void viz_menu_open(viz_menu *m, const viz_layout *l, const sim_world *w, int32_t endpoint);
/* Centre of menu item i, for synthesised clicks in the deterministic test mode. */
void viz_menu_item_center(const viz_layout *l, const viz_menu *m, uint32_t i, double *x, double *y);

/* ---------------------------------------------------------------------------------
 * Headless output
 * ------------------------------------------------------------------------------- */

/* Draws one frame of width x height pixels and writes it as PNG. SIM_EIO when the file
 * cannot be written (message on stderr). */
sim_err viz_render_png(const sim_world *w, const viz_view *v, int width, int height,
                       const char *path);

/* A chart over virtual time for `run --plot`: one sample per step of the run. */
typedef struct viz_sample {
    sim_time t;
    int32_t max_epoch;   /* highest raft epoch on any node */
    int32_t leader;      /* Kafka id of the controller leader, -1 none */
    int64_t metadata_hw; /* the leader's metadata high watermark (or -1) */
    bool available;      /* a leader could reach a majority */
    uint32_t fenced_brokers;
    uint32_t in_flight; /* messages in flight */
    bool has_producers; /* the next two are meaningful */
    uint64_t acked;     /* records acknowledged so far, all producers */
    sim_time oldest_us; /* age of the oldest record not yet acknowledged or failed, 0 none */
    bool has_groups;    /* group_lag is meaningful */
    int64_t group_lag;  /* every group's lag: HW minus committed offset, summed */
} viz_sample;

/* Fills *out with the world's state now (for `run --plot`, between sim_world_run_until
 * calls; reads only). */
void viz_sample_world(const sim_world *w, viz_sample *out);

sim_err viz_plot_png(const viz_sample *samples, uint32_t sample_count, const viz_marker *markers,
                     uint32_t marker_count, const char *title, int width, int height,
                     const char *path);

#endif
