/*
 * messages.c — which messages are drawn now and where: in flight along their link,
 *   lost ones fading where they were lost; and hit testing on them.
 *
 * Role: the cluster panel draws what viz_visible_messages returns; the window's click
 *   handler asks viz_hit_message which message is under the mouse.
 * Model: none of its own; it pictures net.h's rules. A message sits at
 *   (now - sent_at) / (due_at - sent_at) along its link (derived, never stored: style
 *   C.9). A message the network has already decided to lose (`doomed`: lost on a lossy
 *   link) travels to the middle of its link and fades out there by its due time; the
 *   drop note then finishes the fade. Other drops fade where they happened: at the
 *   sender for a cut at send or a full pool, at the receiver for a cut or a crashed end
 *   found at arrival. A crashed node's messages are not drawn: a crash resets its
 *   connections, so what it sent or was sent will never arrive (net.h). What a node sent
 *   before a graceful shutdown still arrives and is drawn. A paused receiver holds its
 *   deliveries: those messages wait at the end of their link.
 * Owns / borrows: returns views into the network's pool (valid until the next step).
 * Invariants: 0 <= progress <= 1, 0 < fade <= 1 for every message returned.
 * Determinism: pool order, then drop notes newest first; no clock, no randomness.
 * Not modelled: loopback messages (a combined node's broker to its own controller) are
 *   not drawn: they have no link. Clients' messages (a producer's Produce and Metadata, a
 *   consumer's Fetch, Metadata and group requests, and their answers) run between the
 *   client's box and the broker like any other message; a client without a box (more
 *   consumers than the layout holds) has its messages listed but not drawn
 *   (viz__endpoint_placed).
 */
#include "viz_internal.h"
#include "../sim/core/sim_assert.h"

#include <math.h>
#include <string.h>

#define LOSS_POINT   0.5  /* where on its link a lost message disappears */
#define BOW_MAX      0.45 /* the most a link bows out, times its length */
#define CLEARANCE_PX 10.0 /* a link passes at least this far from other nodes' edges */

sim_time viz__fade_us(const sim_world *w)
{
    const sim_time base = 3u * (sim_time)w->net.config.latency_max_us;
    return base > SIM_MS(3) ? base : SIM_MS(3);
}

/* How far (and which way) the link between a and b must bow so that it passes clear of
 * the nearest node lying on the straight line between them; 0 when none does. The same
 * for both directions: computed from the lower endpoint to the higher. */
static double link_bow(const viz_layout *l, int32_t a, int32_t b, double *nx, double *ny)
{
    const int32_t lo = a < b ? a : b, hi = a < b ? b : a;
    double ax, ay, hx, hy;
    viz__endpoint_center(l, lo, &ax, &ay);
    viz__endpoint_center(l, hi, &hx, &hy);
    const double dx = hx - ax, dy = hy - ay;
    const double len2 = dx * dx + dy * dy, len = sqrt(len2);
    const double clear = l->node_r + CLEARANCE_PX;
    double best = clear, side = 0, best_t = 0.5;
    for (uint32_t k = 0; k < l->node_count; k++) {
        if ((int32_t)k == a || (int32_t)k == b || len2 < 1e-6) continue;
        const double px = l->node_x[k] - ax, py = l->node_y[k] - ay;
        const double t = (px * dx + py * dy) / len2;
        if (t <= 0.05 || t >= 0.95) continue;
        const double dist = (px * -dy + py * dx) / len; /* signed, along (-dy, dx) */
        if (fabs(dist) < best) {
            best = fabs(dist);
            side = dist;
            best_t = t;
        }
    }
    if (best >= clear || len < 1e-6) return 0;
    const double away = side > 0 ? -1 : 1;
    *nx = away * -dy / len;
    *ny = away * dx / len;
    const double h = (clear + 2 - best) / (2 * best_t * (1 - best_t));
    return h < BOW_MAX * len ? h : BOW_MAX * len;
}

/* A link is a quadratic Bézier curve S-Q-E from edge to edge, moved sideways onto its
 * direction's lane: straight (Q on the chord) unless a node lies in the way (voters on a
 * circle never do; observers on rows beneath and links from producers' boxes may), then
 * bowed around it. */
static void link_curve(const viz_layout *l, int32_t from, int32_t to, double s[2], double q[2],
                       double e[2])
{
    double ax, ay, bx, by;
    viz__endpoint_center(l, from, &ax, &ay);
    viz__endpoint_center(l, to, &bx, &by);
    const double dx = bx - ax, dy = by - ay;
    const double len = sqrt(dx * dx + dy * dy);
    if (len < 1e-6) {
        s[0] = q[0] = e[0] = ax;
        s[1] = q[1] = e[1] = ay;
        return;
    }
    const double ux = dx / len, uy = dy / len;
    const double lane_x = -uy * VIZ_LANE_PX, lane_y = ux * VIZ_LANE_PX; /* this direction's */
    double qx = (ax + bx) / 2, qy = (ay + by) / 2, nx = 0, ny = 0;
    const double h = link_bow(l, from, to, &nx, &ny);
    qx += nx * h;
    qy += ny * h;
    const double out_a = viz__endpoint_edge(l, from, qx - ax, qy - ay);
    const double out_b = viz__endpoint_edge(l, to, qx - bx, qy - by);
    const double edge_a = out_a < len / 2 ? out_a : len / 2;
    const double edge_b = out_b < len / 2 ? out_b : len / 2;
    const double sq = hypot(qx - ax, qy - ay), eq = hypot(qx - bx, qy - by);
    s[0] = ax + (qx - ax) / sq * edge_a + lane_x;
    s[1] = ay + (qy - ay) / sq * edge_a + lane_y;
    e[0] = bx + (qx - bx) / eq * edge_b + lane_x;
    e[1] = by + (qy - by) / eq * edge_b + lane_y;
    q[0] = qx + lane_x;
    q[1] = qy + lane_y;
}

void viz__msg_point(const viz_layout *l, int32_t from, int32_t to, double p, double *x, double *y)
{
    double s[2], q[2], e[2];
    link_curve(l, from, to, s, q, e);
    const double a = (1 - p) * (1 - p), b = 2 * (1 - p) * p, c = p * p;
    *x = a * s[0] + b * q[0] + c * e[0];
    *y = a * s[1] + b * q[1] + c * e[1];
}

void viz__link_path(cairo_t *cr, const viz_layout *l, int32_t from, int32_t to)
{
    double s[2], q[2], e[2];
    link_curve(l, from, to, s, q, e);
    cairo_move_to(cr, s[0], s[1]);
    cairo_curve_to(cr, s[0] + 2.0 / 3 * (q[0] - s[0]), s[1] + 2.0 / 3 * (q[1] - s[1]),
                   e[0] + 2.0 / 3 * (q[0] - e[0]), e[1] + 2.0 / 3 * (q[1] - e[1]), e[0], e[1]);
}

void viz__link_center_path(cairo_t *cr, const viz_layout *l, int32_t a, int32_t b)
{
    double s1[2], q1[2], e1[2], s2[2], q2[2], e2[2];
    link_curve(l, a, b, s1, q1, e1);
    link_curve(l, b, a, s2, q2, e2); /* the same curve, reversed, on the other side */
    const double s[2] = {(s1[0] + e2[0]) / 2, (s1[1] + e2[1]) / 2};
    const double q[2] = {(q1[0] + q2[0]) / 2, (q1[1] + q2[1]) / 2};
    const double e[2] = {(e1[0] + s2[0]) / 2, (e1[1] + s2[1]) / 2};
    cairo_move_to(cr, s[0], s[1]);
    cairo_curve_to(cr, s[0] + 2.0 / 3 * (q[0] - s[0]), s[1] + 2.0 / 3 * (q[1] - s[1]),
                   e[0] + 2.0 / 3 * (q[0] - e[0]), e[1] + 2.0 / 3 * (q[1] - e[1]), e[0], e[1]);
}

static double clamp01(double v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* A message will never arrive when an end crashed after it was sent (net.h). */
static bool msg_alive(const sim_world *w, const net_msg *m)
{
    const sim_engine *e = &w->engine;
    if (sim_engine_endpoint_down_p(e, m->to) || sim_engine_endpoint_down_p(e, m->from))
        return false;
    if (sim_engine_endpoint_incarnation(e, m->to) != m->to_incarnation) return false;
    const bool graceful = w->net.closed_incarnation[m->from] == m->from_incarnation + 1;
    return graceful || sim_engine_endpoint_incarnation(e, m->from) == m->from_incarnation;
}

static uint32_t in_flight(const sim_world *w, viz_msg *out, uint32_t max)
{
    const sim_time now = w->engine.now;
    uint32_t n = 0, cursor = 0;
    const net_msg *m;
    while (n < max && (m = net_next_in_flight(&w->net, &cursor)) != NULL) {
        if (m->from == m->to || !msg_alive(w, m)) continue;
        const double span = (double)(m->due_at - m->sent_at);
        const double p = span > 0 ? clamp01((double)(now - m->sent_at) / span) : 1.0;
        viz_msg *v = &out[n++];
        *v = (viz_msg){.id = m->id,
                       .from = m->from,
                       .to = m->to,
                       .kind = m->kind,
                       .progress = p,
                       .fade = 1.0,
                       .dropped = false,
                       .msg = m};
        if (m->doomed && p > LOSS_POINT) { /* lost halfway: fade to half by due time */
            v->progress = LOSS_POINT;
            v->fade = 1.0 - (p - LOSS_POINT);
            v->dropped = true;
        }
    }
    return n;
}

static uint32_t drop_notes(const sim_world *w, viz_msg *out, uint32_t max)
{
    const sim_time now = w->engine.now, fade_us = viz__fade_us(w);
    const net *nt = &w->net;
    const uint64_t kept =
        nt->drop_count < NET_DROP_RING_COUNT ? nt->drop_count : NET_DROP_RING_COUNT;
    uint32_t n = 0;
    for (uint64_t k = 0; k < kept && n < max; k++) { /* newest first */
        const net_drop_note *d = &nt->drops[(nt->drop_count - 1 - k) % NET_DROP_RING_COUNT];
        if (d->dropped_at > now) continue;
        const sim_time age = now - d->dropped_at;
        if (age >= fade_us) break; /* the ring is in time order: the rest are older */
        if (d->from == d->to || viz__node_down(w, d->from) || viz__node_down(w, d->to)) continue;
        const double left = 1.0 - (double)age / (double)fade_us;
        double p = LOSS_POINT, fade = LOSS_POINT * left;
        if (d->reason != NET_DROP_LOSS) {
            const double span = (double)(d->due_at - d->sent_at);
            p = span > 0 ? clamp01((double)(d->dropped_at - d->sent_at) / span) : 0.0;
            fade = left;
        }
        out[n++] = (viz_msg){.id = d->msg_id,
                             .from = d->from,
                             .to = d->to,
                             .kind = d->kind,
                             .progress = p,
                             .fade = fade,
                             .dropped = true,
                             .msg = NULL};
    }
    return n;
}

int32_t viz__consumer_box_of(const viz_layout *l, int32_t endpoint)
{
    if (l->consumer_count == 0 || endpoint < l->consumer_first_endpoint) return -1;
    const uint32_t k = (uint32_t)(endpoint - l->consumer_first_endpoint);
    return k < l->consumer_count ? (int32_t)k : -1;
}

/* The box a client endpoint is drawn as; false for a node or an endpoint without one. */
static bool client_box(const viz_layout *l, int32_t endpoint, viz_rect *out)
{
    if (endpoint < 0 || (uint32_t)endpoint < l->node_count) return false;
    const uint32_t producer = (uint32_t)endpoint - l->node_count;
    if (producer < l->client_count) { /* a producer's box */
        *out = l->client[producer];
        return true;
    }
    const int32_t k = viz__consumer_box_of(l, endpoint);
    if (k < 0) return false;
    *out = l->consumer[k];
    return true;
}

bool viz__endpoint_placed(const viz_layout *l, int32_t endpoint)
{
    if (endpoint < 0) return false;
    if ((uint32_t)endpoint < l->node_count) return true;
    viz_rect b;
    return client_box(l, endpoint, &b);
}

void viz__endpoint_center(const viz_layout *l, int32_t endpoint, double *x, double *y)
{
    SIM_ASSERT(viz__endpoint_placed(l, endpoint));
    if ((uint32_t)endpoint < l->node_count) {
        *x = l->node_x[endpoint];
        *y = l->node_y[endpoint];
        return;
    }
    viz_rect b;
    const bool boxed = client_box(l, endpoint, &b);
    SIM_ASSERT(boxed);
    *x = b.x + b.w / 2;
    *y = b.y + b.h / 2;
}

double viz__endpoint_edge(const viz_layout *l, int32_t endpoint, double dx, double dy)
{
    SIM_ASSERT(viz__endpoint_placed(l, endpoint));
    if ((uint32_t)endpoint < l->node_count) return l->node_r + 3;
    viz_rect b;
    const bool boxed = client_box(l, endpoint, &b);
    SIM_ASSERT(boxed);
    const double len = hypot(dx, dy);
    if (len < 1e-9) return 3;
    /* Where the ray from the centre leaves the box: the nearer of its two sides. */
    const double tx = fabs(dx) > 1e-9 ? b.w / 2 / fabs(dx) : INFINITY;
    const double ty = fabs(dy) > 1e-9 ? b.h / 2 / fabs(dy) : INFINITY;
    return fmin(tx, ty) * len + 3;
}

bool viz_msg_is_data_plane(net_msg_kind kind)
{
    if (kind == NET_MSG_REPLICA_FETCH_REQ || kind == NET_MSG_REPLICA_FETCH_RESP) return true;
    if (kind == NET_MSG_ALTER_PARTITION_REQ || kind == NET_MSG_ALTER_PARTITION_RESP) return true;
    const char *family = net_msg_kind_family(kind);
    /* Clients' produce requests, and consumers' fetches. */
    return strcmp(family, "produce") == 0 || strcmp(family, "consume") == 0;
}

bool viz_msg_is_group(net_msg_kind kind)
{
    return strcmp(net_msg_kind_family(kind), "group") == 0;
}

uint32_t viz_visible_messages(const sim_world *w, viz_msg *out, uint32_t max)
{
    uint32_t n = in_flight(w, out, max);
    n += drop_notes(w, out + n, max - n);
    SIM_ASSERT(n <= max);
    for (uint32_t i = 0; i < n; i++) {
        SIM_ASSERT(out[i].progress >= 0);
        SIM_ASSERT(out[i].progress <= 1);
        SIM_ASSERT(out[i].fade > 0);
        SIM_ASSERT(out[i].fade <= 1);
        if (!out[i].dropped) SIM_ASSERT(out[i].msg != NULL);
    }
    return n;
}

void viz_msg_position(const viz_layout *l, const viz_msg *m, double *x, double *y)
{
    viz__msg_point(l, m->from, m->to, m->progress, x, y);
}

uint64_t viz_hit_message(const viz_layout *l, const sim_world *w, double x, double y)
{
    viz_msg msgs[VIZ_MSGS_MAX];
    const uint32_t n = viz_visible_messages(w, msgs, VIZ_MSGS_MAX);
    uint64_t best = 0;
    double best_d2 = 8.0 * 8.0;
    for (uint32_t i = 0; i < n; i++) {
        if (!viz__endpoint_placed(l, msgs[i].from) || !viz__endpoint_placed(l, msgs[i].to))
            continue;
        double mx, my;
        viz__msg_point(l, msgs[i].from, msgs[i].to, msgs[i].progress, &mx, &my);
        const double d2 = (mx - x) * (mx - x) + (my - y) * (my - y);
        if (d2 < best_d2 || (d2 == best_d2 && best != 0 && msgs[i].id < best)) {
            best_d2 = d2;
            best = msgs[i].id;
        }
    }
    return best;
}
