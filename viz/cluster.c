/*
 * cluster.c — the cluster panel: nodes with their role, epoch, vote, leader and timer;
 *   links with their faults; messages in flight and lost ones fading.
 *
 * Role: viz_draw_cluster, called by viz_draw_frame every frame.
 * Model: none of its own; it pictures the state of raft.h, net.h and brokers.h:
 *   - Role by shape, ring, word and colour: leader = filled blue, thick double ring,
 *     "LEADER"; follower = pale blue, plain ring; candidate = yellow, dashed ring;
 *     prospective (KIP-996 pre-vote) = pale yellow, dotted ring; unattached = white;
 *     resigned = grey; an observer (dedicated broker) is a rounded square.
 *   - Under each node: "epoch N", its vote in that epoch, the leader it knows, and the
 *     process state when not running (crashed, paused, shutting down, isolated).
 *   - The state timer (election, fetch, check-quorum or backoff: raft_timer_due) as an
 *     arc that drains clockwise from the top over the timer's nominal length.
 *   - A crashed node is grey with a cross; a paused one carries a pause badge; a broker
 *     carries its registration as the cluster sees it: "broker", "fenced", "unreg".
 *   - Each link has one lane per direction; a cut direction is drawn red and dashed
 *     with a cross, a degraded one amber and dashed.
 *   - Messages: requests are filled dots, responses rings, lost ones crosses; coloured by
 *     family (vote purple, fetch sky blue, heartbeat green, a producer's Metadata yellow
 *     with a dark edge), with the kind's short name when few are in flight. Data-plane
 *     messages (replica Fetch in blue, "replication"; AlterPartition in the heartbeat
 *     green; a producer's Produce in orange) are diamonds, filled or hollow.
 *   - With producers, their boxes and lanes (clients.c): lanes under the nodes, boxes
 *     over them, messages over everything. With consumer groups, the consumers' boxes
 *     and lanes likewise (consumers.c); the group protocol's requests are wine squares
 *     (filled, hollow for an answer), a consumer's Fetch an olive diamond and its
 *     Metadata the clients' yellow dot.
 * Owns / borrows: borrows everything for the call.
 * Invariants: brackets its cairo changes with save/restore; no allocation.
 * Determinism: a function of (world, layout, view).
 * Not modelled: a client without a box (more consumers than the layout holds) has its
 *   messages not drawn (viz__endpoint_placed).
 */
#include "viz_internal.h"
#include "../sim/core/sim_assert.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define FEW_MESSAGES 14u  /* label messages with their kind when at most this many */
#define SMALL_NODE_R 14.0 /* below this radius a node shows only its id */

/* ---------------------------------------------------------------------------------
 * Links
 * ------------------------------------------------------------------------------- */

/* Voters talk to each other; an observer (dedicated broker) fetches from the leader and
 * heartbeats to it, so its lanes to other voters are drawn only when faulty. Observers
 * never talk to each other. */
static bool link_drawn(const sim_world *w, int32_t leader, uint32_t a, uint32_t b)
{
    if (w->is_voter[a] && w->is_voter[b]) return true;
    if (!w->is_voter[a] && !w->is_voter[b]) return false;
    const uint32_t voter = w->is_voter[a] ? a : b;
    if ((int32_t)voter == leader) return true;
    const net_link *ab = net_link_get(&w->net, (int32_t)a, (int32_t)b);
    const net_link *ba = net_link_get(&w->net, (int32_t)b, (int32_t)a);
    return ab->cut || ab->degraded || ba->cut || ba->degraded;
}

static void cross_at(cairo_t *cr, double x, double y, double s)
{
    cairo_move_to(cr, x - s, y - s);
    cairo_line_to(cr, x + s, y + s);
    cairo_move_to(cr, x + s, y - s);
    cairo_line_to(cr, x - s, y + s);
}

/* Each lane is stroked on its own: cairo strokes one path of many crossing lines far
 * more slowly than the same lines one by one (it resolves their intersections). */
static void draw_links(cairo_t *cr, const viz_layout *l, const sim_world *w)
{
    static const double dash[] = {6, 4};
    const uint32_t n = l->node_count;
    const raft_node *lead = sim_world_controller_leader(w);
    const int32_t leader = lead != NULL ? lead->endpoint : -1;
    for (uint32_t a = 0; a < n; a++) {
        for (uint32_t b = 0; b < n; b++) {
            if (a == b || !link_drawn(w, leader, a, b)) continue;
            const net_link *k = net_link_get(&w->net, (int32_t)a, (int32_t)b);
            viz__link_path(cr, l, (int32_t)a, (int32_t)b);
            if (k->cut || k->degraded) cairo_set_dash(cr, dash, 2, 0);
            cairo_set_line_width(cr, k->cut ? 2 : k->degraded ? 1.6 : 1);
            viz__set_hex(cr, k->cut ? VIZ_C_VERMILION : k->degraded ? VIZ_C_ORANGE : VIZ_C_LINK);
            cairo_stroke(cr);
            if (!k->cut) {
                if (k->degraded) cairo_set_dash(cr, NULL, 0, 0);
                continue;
            }
            /* A cross near the receiver, so a one-way cut reads. */
            cairo_set_dash(cr, NULL, 0, 0);
            double x, y;
            viz__msg_point(l, (int32_t)a, (int32_t)b, 0.72, &x, &y);
            cross_at(cr, x, y, 3.5);
            cairo_stroke(cr);
        }
    }
}

/* ---------------------------------------------------------------------------------
 * Messages
 * ------------------------------------------------------------------------------- */

/* Designated by kind, so a kind that another model adds to net.h before it gets a short
 * name here is drawn with its full name rather than breaking the build. */
static const char *short_kind(net_msg_kind kind)
{
    static const char *const names[NET_MSG_KIND_COUNT] = {
        [NET_MSG_VOTE_REQ] = "Vote",
        [NET_MSG_VOTE_RESP] = "VoteResp",
        [NET_MSG_BEGIN_EPOCH_REQ] = "BeginEpoch",
        [NET_MSG_BEGIN_EPOCH_RESP] = "BeginResp",
        [NET_MSG_END_EPOCH_REQ] = "EndEpoch",
        [NET_MSG_END_EPOCH_RESP] = "EndResp",
        [NET_MSG_FETCH_REQ] = "Fetch",
        [NET_MSG_FETCH_RESP] = "FetchResp",
        [NET_MSG_APPEND_REQ] = "Append",
        [NET_MSG_APPEND_RESP] = "AppendResp",
        [NET_MSG_REQUEST_VOTE_REQ] = "ReqVote",
        [NET_MSG_REQUEST_VOTE_RESP] = "ReqVoteResp",
        [NET_MSG_BROKER_REGISTER_REQ] = "Register",
        [NET_MSG_BROKER_REGISTER_RESP] = "RegisterResp",
        [NET_MSG_BROKER_HEARTBEAT_REQ] = "Heartbeat",
        [NET_MSG_BROKER_HEARTBEAT_RESP] = "HeartbeatResp",
        [NET_MSG_REPLICA_FETCH_REQ] = "RFetch",
        [NET_MSG_REPLICA_FETCH_RESP] = "RFetchResp",
        [NET_MSG_ALTER_PARTITION_REQ] = "AlterIsr",
        [NET_MSG_ALTER_PARTITION_RESP] = "AlterIsrResp",
        [NET_MSG_PRODUCE_REQ] = "Produce",
        [NET_MSG_PRODUCE_RESP] = "ProduceResp",
        [NET_MSG_METADATA_REQ] = "Metadata",
        [NET_MSG_METADATA_RESP] = "MetadataResp",
        [NET_MSG_FIND_COORDINATOR_REQ] = "FindCoord",
        [NET_MSG_FIND_COORDINATOR_RESP] = "FindCoordResp",
        [NET_MSG_JOIN_GROUP_REQ] = "JoinGroup",
        [NET_MSG_JOIN_GROUP_RESP] = "JoinResp",
        [NET_MSG_SYNC_GROUP_REQ] = "SyncGroup",
        [NET_MSG_SYNC_GROUP_RESP] = "SyncResp",
        [NET_MSG_HEARTBEAT_REQ] = "GroupHB",
        [NET_MSG_HEARTBEAT_RESP] = "GroupHBResp",
        [NET_MSG_LEAVE_GROUP_REQ] = "LeaveGroup",
        [NET_MSG_LEAVE_GROUP_RESP] = "LeaveResp",
        [NET_MSG_OFFSET_COMMIT_REQ] = "Commit",
        [NET_MSG_OFFSET_COMMIT_RESP] = "CommitResp",
        [NET_MSG_OFFSET_FETCH_REQ] = "OffsetFetch",
        [NET_MSG_OFFSET_FETCH_RESP] = "OffsetFetchResp",
        [NET_MSG_CONSUMER_FETCH_REQ] = "CFetch",
        [NET_MSG_CONSUMER_FETCH_RESP] = "CFetchResp",
        [NET_MSG_CONSUMER_METADATA_REQ] = "Metadata",
        [NET_MSG_CONSUMER_METADATA_RESP] = "MetadataResp",
    };
    const char *name = (unsigned)kind < NET_MSG_KIND_COUNT ? names[kind] : NULL;
    return name != NULL ? name : net_msg_kind_name(kind);
}

static bool is_response(net_msg_kind kind)
{
    return strstr(net_msg_kind_name(kind), "Response") != NULL;
}

/* A square of half-side h centred on (x, y), as a new sub-path: the group protocol. */
static void square(cairo_t *cr, double x, double y, double h)
{
    cairo_new_sub_path(cr);
    cairo_rectangle(cr, x - h, y - h, 2 * h, 2 * h);
}

/* The message's shape as a path: a diamond (data plane), a square (group protocol) or a
 * dot, smaller for an answer. */
static void message_shape(cairo_t *cr, net_msg_kind kind, double x, double y, bool response)
{
    if (viz_msg_is_data_plane(kind)) {
        viz__diamond(cr, x, y, response ? 5.2 : 6.2);
    } else if (viz_msg_is_group(kind)) {
        square(cr, x, y, response ? 3.4 : 4.2);
    } else {
        viz__circle(cr, x, y, response ? 4.2 : 5);
    }
}

static void draw_message(cairo_t *cr, const viz_layout *l, const viz_msg *m, bool label)
{
    double x, y;
    viz__msg_point(l, m->from, m->to, m->progress, &x, &y);
    const uint32_t hex = viz__family_hex(m->kind);
    /* The clients' yellow needs a dark edge on white; its lines use the edge colour. */
    const bool pale = hex == VIZ_C_METADATA;
    const uint32_t line_hex = pale ? VIZ_C_METADATA_EDGE : hex;
    if (m->dropped) {
        cairo_set_line_width(cr, 2.2);
        viz__set_hex_alpha(cr, line_hex, m->fade);
        cross_at(cr, x, y, 4.5);
        cairo_stroke(cr);
    } else if (is_response(m->kind)) {
        message_shape(cr, m->kind, x, y, true);
        viz__set_hex(cr, VIZ_C_PANEL);
        cairo_fill_preserve(cr);
        cairo_set_line_width(cr, 2.2);
        viz__set_hex(cr, line_hex);
        cairo_stroke(cr);
    } else {
        message_shape(cr, m->kind, x, y, false);
        viz__set_hex(cr, hex);
        if (pale) {
            cairo_fill_preserve(cr);
            cairo_set_line_width(cr, 1);
            viz__set_hex(cr, line_hex);
            cairo_stroke(cr);
        } else {
            cairo_fill(cr);
        }
    }
    if (!label) return;
    viz__set_hex_alpha(cr, VIZ_C_TEXT_DIM, m->fade);
    viz__text(cr, x + 7, y - 5, short_kind(m->kind), VIZ_ALIGN_LEFT);
}

/* Whether message m is drawn: both ends have places, and a client's end is not hidden
 * (a consumer's with hide_groups, a producer's with hide_clients). */
static bool message_drawn(const viz_layout *l, const viz_view *v, const viz_msg *m)
{
    if (!viz__endpoint_placed(l, m->from) || !viz__endpoint_placed(l, m->to)) return false;
    const bool client = (uint32_t)m->from >= l->node_count || (uint32_t)m->to >= l->node_count;
    if (!client || v == NULL) return true;
    const bool consumer =
        viz__consumer_box_of(l, m->from) >= 0 || viz__consumer_box_of(l, m->to) >= 0;
    return consumer ? !v->hide_groups : !v->hide_clients;
}

static void draw_messages(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v)
{
    viz_msg msgs[VIZ_MSGS_MAX];
    const uint32_t n = viz_visible_messages(w, msgs, VIZ_MSGS_MAX);
    const bool label = n <= FEW_MESSAGES;
    if (label) viz__font(cr, 9, false);
    for (uint32_t i = 0; i < n; i++) {
        if (message_drawn(l, v, &msgs[i])) draw_message(cr, l, &msgs[i], label);
    }
}

/* ---------------------------------------------------------------------------------
 * Nodes
 * ------------------------------------------------------------------------------- */

static void node_shape(cairo_t *cr, const sim_world *w, uint32_t i, double x, double y, double r)
{
    if (w->is_voter[i]) {
        viz__circle(cr, x, y, r);
    } else {
        const double h = r * 0.92;
        viz__rounded_rect(cr, x - h, y - h, 2 * h, 2 * h, r * 0.3);
    }
}

static const char *role_word(const sim_world *w, uint32_t i, const raft_node *rn)
{
    if (viz__node_down(w, (int32_t)i)) return "CRASHED";
    if (rn == NULL) return "";
    if (!rn->voter) return "observer";
    switch (rn->role) {
    case RAFT_ROLE_LEADER:
        return "LEADER";
    case RAFT_ROLE_FOLLOWER:
        return "follower";
    case RAFT_ROLE_CANDIDATE:
        return "CANDIDATE";
    case RAFT_ROLE_PROSPECTIVE:
        return "prospective";
    case RAFT_ROLE_RESIGNED:
        return "resigned";
    case RAFT_ROLE_UNATTACHED:
    case RAFT_ROLE_COUNT:
    default:
        return "unattached";
    }
}

/* The ring tells the role without colour: double for the leader, dashed for a candidate,
 * dotted for a prospective voter. */
static void node_ring(cairo_t *cr, const sim_world *w, uint32_t i, const raft_node *rn, double x,
                      double y, double r)
{
    static const double dashed[] = {7, 4}, dotted[] = {0.1, 5}, crashed[] = {3, 3};
    const bool down = viz__node_down(w, (int32_t)i);
    const raft_role role = rn != NULL ? rn->role : RAFT_ROLE_UNATTACHED;
    double width = 1.6;
    uint32_t hex = 0x505050;
    if (down) {
        cairo_set_dash(cr, crashed, 2, 0);
        hex = 0x9A9A9A;
    } else if (role == RAFT_ROLE_LEADER) {
        width = 3.2;
        hex = 0x003A5C;
    } else if (role == RAFT_ROLE_CANDIDATE) {
        cairo_set_dash(cr, dashed, 2, 0);
        width = 2.6;
        hex = 0x3A3A3A;
    } else if (role == RAFT_ROLE_PROSPECTIVE) {
        cairo_set_dash(cr, dotted, 2, 0);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        width = 2.8;
        hex = 0x3A3A3A;
    } else if (role == RAFT_ROLE_UNATTACHED) {
        hex = 0x8A8A8A;
    }
    node_shape(cr, w, i, x, y, r);
    cairo_set_line_width(cr, width);
    viz__set_hex(cr, hex);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    if (!down && role == RAFT_ROLE_LEADER) { /* the double ring */
        node_shape(cr, w, i, x, y, r + 4.5);
        cairo_set_line_width(cr, 1.6);
        cairo_stroke(cr);
    }
}

/* The nominal length of the timer raft_timer_due reports, for the draining arc. */
static sim_time timer_nominal_us(const raft_cluster *c, const raft_node *rn)
{
    const raft_config *cfg = &c->cfg;
    switch (rn->state_timer_kind) {
    case RAFT_TIMER_FETCH:
        return cfg->fetch_timeout_us;
    case RAFT_TIMER_CHECK_QUORUM:
        return cfg->fetch_timeout_us * 3 / 2; /* KAFKA-15489: 1.5 x fetch timeout */
    case RAFT_TIMER_BACKOFF:
        return cfg->election_backoff_max_us;
    case RAFT_TIMER_ELECTION:
    default:
        if (cfg->variant == RAFT_VARIANT_CLASSIC) return cfg->classic_election_max_us;
        return 2 * cfg->election_timeout_us; /* KIP-595: T + uniform[0, T) */
    }
}

static void timer_arc(cairo_t *cr, const sim_world *w, const raft_node *rn, double x, double y,
                      double r)
{
    if (rn == NULL || !rn->alive) return;
    const sim_time due = raft_timer_due(&w->raft, rn);
    const sim_time now = w->engine.now;
    if (due == SIM_TIME_NEVER || due < now) return;
    const sim_time nominal = timer_nominal_us(&w->raft, rn);
    if (nominal == 0) return;
    double frac = (double)(due - now) / (double)nominal;
    if (frac > 1) frac = 1;
    const double ring = r + (rn->role == RAFT_ROLE_LEADER ? 9 : 6);
    /* The part left, dark, then the part gone, light: one circle's length in all. */
    const double top = -VIZ_PI / 2, split = top + 2 * VIZ_PI * frac;
    cairo_set_line_width(cr, 2.6);
    if (frac > 0) {
        cairo_new_sub_path(cr);
        cairo_arc(cr, x, y, ring, top, split);
        viz__set_hex(cr, 0x404040);
        cairo_stroke(cr);
    }
    if (frac < 1) {
        cairo_new_sub_path(cr);
        cairo_arc(cr, x, y, ring, split, top + 2 * VIZ_PI);
        viz__set_hex(cr, 0xE2E2E2);
        cairo_stroke(cr);
    }
}

static void badge(cairo_t *cr, double x, double y, const char *text, uint32_t fill)
{
    viz__font(cr, 9, true);
    const double tw = viz__text_width(cr, text);
    viz__rounded_rect(cr, x - 3, y - 9, tw + 6, 12, 4);
    viz__set_hex(cr, fill);
    cairo_fill(cr);
    viz__set_hex(cr, VIZ_C_PANEL);
    viz__text(cr, x, y, text, VIZ_ALIGN_LEFT);
}

static void broker_badge(cairo_t *cr, const sim_world *w, uint32_t i, double x, double y, double r)
{
    if (!w->is_broker[i]) return;
    const int32_t b = w->brokers.broker_of_endpoint[i];
    if (b < 0) return;
    const kafka_broker_reg *reg = sim_world_broker_reg(w, (uint32_t)b);
    const char *text = "broker";
    uint32_t fill = VIZ_C_GREEN;
    if (reg == NULL || !reg->registered) {
        text = "unreg";
        fill = 0x8A8A8A;
    } else if (reg->fenced) {
        text = "fenced";
        fill = VIZ_C_VERMILION;
    }
    badge(cr, x + r * 0.55, y - r * 0.82, text, fill);
}

static void pause_badge(cairo_t *cr, double x, double y)
{
    viz__circle(cr, x, y, 8.5);
    viz__set_hex(cr, 0x303030);
    cairo_fill(cr);
    viz__set_hex(cr, VIZ_C_PANEL);
    cairo_rectangle(cr, x - 4, y - 4.5, 2.6, 9);
    cairo_rectangle(cr, x + 1.4, y - 4.5, 2.6, 9);
    cairo_fill(cr);
}

/* A cross over a crashed node that leaves its centre clear for the id. */
static void crash_cross(cairo_t *cr, double x, double y, double r)
{
    const double in = r * 0.42 * 0.7071, out = r * 1.18 * 0.7071;
    for (int sx = -1; sx <= 1; sx += 2) {
        for (int sy = -1; sy <= 1; sy += 2) {
            cairo_move_to(cr, x + sx * in, y + sy * in);
            cairo_line_to(cr, x + sx * out, y + sy * out);
        }
    }
    cairo_set_line_width(cr, 3);
    viz__set_hex(cr, 0x505050);
    cairo_stroke(cr);
}

/* The id above the centre and the role word below it: the centre itself stays the fill
 * colour, which is where tests sample it. */
static void node_words(cairo_t *cr, const sim_world *w, uint32_t i, const raft_node *rn, double x,
                       double y, double r)
{
    const bool on_dark =
        !viz__node_down(w, (int32_t)i) && rn != NULL && rn->voter && rn->role == RAFT_ROLE_LEADER;
    char id[16];
    snprintf(id, sizeof id, "%" PRId32, w->node_ids[i]);
    viz__font(cr, fmax(9, r * 0.5), true);
    viz__set_hex(cr, on_dark ? VIZ_C_PANEL : VIZ_C_TEXT);
    viz__text(cr, x, y - 3, id, VIZ_ALIGN_CENTER);
    if (r < SMALL_NODE_R) return;
    const char *word = role_word(w, i, rn);
    double size = fmin(10, fmax(7, r * 0.27));
    viz__font(cr, size, on_dark);
    const double tw = viz__text_width(cr, word);
    if (tw > 1.75 * r) {
        size *= 1.75 * r / tw;
        cairo_set_font_size(cr, size);
    }
    viz__text(cr, x, y + 5 + size * 0.75, word, VIZ_ALIGN_CENTER);
}

/* A centred line on a light backing, so links passing under it do not cross the text. */
static void label_line(cairo_t *cr, double x, double y, const char *text, uint32_t hex)
{
    const double tw = viz__text_width(cr, text);
    cairo_rectangle(cr, x - tw / 2 - 2, y - 10, tw + 4, 13);
    viz__set_hex_alpha(cr, VIZ_C_PANEL, 0.85);
    cairo_fill(cr);
    viz__set_hex(cr, hex);
    cairo_move_to(cr, x - tw / 2, y);
    cairo_show_text(cr, text);
}

static void node_labels(cairo_t *cr, const sim_world *w, uint32_t i, const raft_node *rn, double x,
                        double y, double r)
{
    if (rn == NULL) return;
    char line[64];
    const bool down = viz__node_down(w, (int32_t)i);
    const uint32_t hex = down ? VIZ_C_TEXT_DIM : VIZ_C_TEXT;
    viz__font(cr, 11, false);
    if (rn->voted_for >= 0) {
        snprintf(line, sizeof line, "epoch %" PRId32 " \xc2\xb7 voted %" PRId32, rn->raft_epoch,
                 rn->voted_for);
    } else {
        snprintf(line, sizeof line, "epoch %" PRId32 " \xc2\xb7 no vote", rn->raft_epoch);
    }
    const double below = y + r + (rn->role == RAFT_ROLE_LEADER && !down ? 20 : 15);
    label_line(cr, x, below, line, hex);
    const sim_node_state st = sim_world_node_state(w, (int32_t)i);
    const char *state = st == SIM_NODE_RUNNING ? "" : sim_node_state_name(st);
    if (!down && viz__node_isolated(w, (int32_t)i)) state = "isolated";
    int len = rn->leader_id >= 0 ? snprintf(line, sizeof line, "leader %" PRId32, rn->leader_id)
                                 : snprintf(line, sizeof line, "no leader");
    if (state[0] != '\0' && len > 0 && (size_t)len < sizeof line)
        snprintf(line + len, sizeof line - (size_t)len, " \xc2\xb7 %s", state);
    if (state[0] != '\0') viz__font(cr, 11, true);
    label_line(cr, x, below + 13, line, hex);
}

static void draw_node(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v,
                      uint32_t i)
{
    const double x = l->node_x[i], y = l->node_y[i], r = l->node_r;
    const raft_node *rn = viz__raft(w, (int32_t)i);
    const bool down = viz__node_down(w, (int32_t)i);
    if (v != NULL && v->hover_node == (int32_t)i) {
        viz__circle(cr, x, y, r + 14);
        viz__set_hex_alpha(cr, 0x000000, 0.07);
        cairo_fill(cr);
    }
    if (v != NULL && v->selected_node == (int32_t)i) {
        static const double dash[] = {4, 3};
        cairo_set_dash(cr, dash, 2, 0);
        viz__circle(cr, x, y, r + 15);
        cairo_set_line_width(cr, 1.5);
        viz__set_hex(cr, VIZ_C_TEXT);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
    if (!down) timer_arc(cr, w, rn, x, y, r);
    node_shape(cr, w, i, x, y, r);
    viz__set_rgb(cr, viz_node_fill(w, (int32_t)i));
    cairo_fill(cr);
    node_ring(cr, w, i, rn, x, y, r);
    if (down) crash_cross(cr, x, y, r);
    node_words(cr, w, i, rn, x, y, r);
    if (r >= SMALL_NODE_R) { /* crowded clusters: the inspector has the details */
        node_labels(cr, w, i, rn, x, y, r);
        broker_badge(cr, w, i, x, y, r);
    }
    if (sim_world_node_state(w, (int32_t)i) == SIM_NODE_PAUSED)
        pause_badge(cr, x - r * 0.8, y - r * 0.8);
}

/* ---------------------------------------------------------------------------------
 * The panel
 * ------------------------------------------------------------------------------- */

/* The message families of the legend, in order: the data plane's replica fetches with
 * topics only, the producers' Produce with producers only, the clients' Metadata with
 * producers or consumers, the group protocol and the consumers' Fetch with consumers
 * only. */
typedef enum legend_shape { SHAPE_DOT = 0, SHAPE_DIAMOND, SHAPE_SQUARE } legend_shape;

static const struct {
    const char *name;
    uint32_t hex;
    legend_shape shape;
} legend_fams[] = {
    {"vote", VIZ_C_PURPLE, SHAPE_DOT},        {"fetch", VIZ_C_SKY, SHAPE_DOT},
    {"heartbeat", VIZ_C_GREEN, SHAPE_DOT},    {"replication", VIZ_C_REPLICATION, SHAPE_DIAMOND},
    {"produce", VIZ_C_ORANGE, SHAPE_DIAMOND}, {"metadata", VIZ_C_METADATA, SHAPE_DOT},
    {"group", VIZ_C_GROUP, SHAPE_SQUARE},     {"consume", VIZ_C_CONSUME, SHAPE_DIAMOND},
};

#define LEGEND_FAMS (sizeof legend_fams / sizeof legend_fams[0])

/* The legend's width with families fams[0 .. count) and the shapes' text. */
static double legend_width(cairo_t *cr, const size_t *fams, size_t count, double shapes_w)
{
    double width = shapes_w;
    for (size_t k = 0; k < count; k++) width += 21 + viz__text_width(cr, legend_fams[fams[k]].name);
    return width;
}

static void legend_swatch(cairo_t *cr, size_t k, double x, double y)
{
    if (legend_fams[k].shape == SHAPE_DIAMOND) {
        viz__diamond(cr, x + 4, y - 3.5, 5);
    } else if (legend_fams[k].shape == SHAPE_SQUARE) {
        square(cr, x + 4, y - 3.5, 3.6);
    } else {
        viz__circle(cr, x + 4, y - 3.5, 4);
    }
    viz__set_hex(cr, legend_fams[k].hex);
    if (legend_fams[k].hex != VIZ_C_METADATA) {
        cairo_fill(cr);
        return;
    }
    cairo_fill_preserve(cr); /* the clients' yellow, with its dark edge */
    cairo_set_line_width(cr, 1);
    viz__set_hex(cr, VIZ_C_METADATA_EDGE);
    cairo_stroke(cr);
}

/* The families the legend names for this picture, in order; returns how many, of which
 * the first *base are the quorum's and the brokers' (kept when the panel is narrow). */
static size_t legend_families(const viz_layout *l, const sim_world *w, const viz_view *v,
                              size_t *fams, size_t *base)
{
    const bool producers = l->client_count > 0 && (v == NULL || !v->hide_clients);
    const bool consumers = l->consumer_count > 0 && (v == NULL || !v->hide_groups);
    *base = w->has_topics ? 4 : 3;
    size_t n = 0;
    for (size_t k = 0; k < *base; k++) fams[n++] = k;
    if (producers) fams[n++] = 4;
    if (producers || consumers) fams[n++] = 5;
    if (consumers) {
        fams[n++] = 6;
        fams[n++] = 7;
    }
    SIM_ASSERT(n <= LEGEND_FAMS);
    return n;
}

/* The message legend, right-aligned on the panel's title line. A panel too narrow for
 * all of it (`title_end`: where the title stops) loses the shapes, then the clients'
 * families, then the whole legend. */
static void legend(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v,
                   double title_end)
{
    static const char shapes[] = "\xe2\x97\x8f request  \xe2\x97\x8b response  \xc3\x97 lost";
    size_t fams[LEGEND_FAMS], base;
    size_t fam_count = legend_families(l, w, v, fams, &base);
    viz__font(cr, 10, false);
    const double shapes_w = viz__text_width(cr, shapes);
    const double right = l->cluster.x + l->cluster.w - 10;
    double x = right - legend_width(cr, fams, fam_count, shapes_w);
    const bool with_shapes = x >= title_end + 12;
    if (!with_shapes) x += shapes_w;
    if (x < title_end + 12 && fam_count > base) {
        fam_count = base;
        x = right - legend_width(cr, fams, fam_count, shapes_w) + shapes_w;
    }
    if (x < title_end + 12) return;
    const double y = l->cluster.y + 18;
    for (size_t k = 0; k < fam_count; k++) {
        legend_swatch(cr, fams[k], x, y);
        viz__set_hex(cr, VIZ_C_TEXT_DIM);
        x += 11 + viz__text(cr, x + 11, y, legend_fams[fams[k]].name, VIZ_ALIGN_LEFT) + 10;
    }
    if (with_shapes) viz__text(cr, x, y, shapes, VIZ_ALIGN_LEFT);
}

void viz_draw_cluster(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v)
{
    static const char title[] = "Controller quorum";
    cairo_save(cr);
    viz__panel(cr, l->cluster, title);
    const double title_end = l->cluster.x + 10 + viz__text_width(cr, title); /* its font */
    cairo_rectangle(cr, l->cluster.x, l->cluster.y, l->cluster.w, l->cluster.h);
    cairo_clip(cr);
    cairo_set_tolerance(cr, 0.25); /* half cairo's default: as smooth, strokes cost half */
    draw_links(cr, l, w);
    viz__draw_client_lanes(cr, l, w, v);
    viz__draw_consumer_lanes(cr, l, w, v);
    for (uint32_t i = 0; i < l->node_count && i < w->node_count; i++) draw_node(cr, l, w, v, i);
    viz__draw_clients(cr, l, w, v);
    viz__draw_consumers(cr, l, w, v);
    draw_messages(cr, l, w, v); /* over the labels and boxes: they are what moves */
    legend(cr, l, w, v, title_end);
    cairo_restore(cr);
}
