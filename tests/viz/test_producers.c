/*
 * test_producers.c — producers in the viewer, headless: their boxes, their messages,
 *   their error badges, the data markers, and pictures without producers unchanged.
 *
 * Goal: with producers each has a box in the cluster panel where viz_client_box_get
 *   says, in the colours it reports; a Produce request the network has in flight from
 *   the producer to a partition leader is drawn on its lane between the box and that
 *   leader, in the produce colour; when the leader crashes with requests in flight the
 *   producer sees NETWORK_EXCEPTION at that instant and its box shows the red badge,
 *   which is gone VIZ_ALERT_US later; a log truncation, an unclean election and a
 *   failed batch become data markers naming the partition and the offset, drawn on the
 *   timeline and flagged on the replica's row for a moment; a click on a box selects
 *   the producer and the inspector draws it; without producers nothing of this is laid
 *   out or drawn: the frame is the frame drawn with the client layer disabled, pixel
 *   for pixel, and the nodes sit where they always did. Every check has a positive
 *   control that shows it can fail: the same sample taken on a frame drawn with the
 *   client layer disabled (view.hide_clients), or at an instant when the state differs.
 * Method: tests/viz/producers.json (3 combined nodes, "orders" with 3 partitions RF 3,
 *   producer checkout acks=all at 200 records/s from 2 s; messages take 20-40 ms, so
 *   Produce requests are always in flight; the leader of orders-0 crashes at 10 s and
 *   restarts at 25 s) and tests/viz/unclean.json (orders-0 on brokers 2 and 3 only,
 *   unclean election allowed: the leader crashes alone in the ISR at 25 s, the other
 *   replica is elected uncleanly, the producer's next batch fails, the old leader
 *   restarts at 45 s and truncates). Markers and
 *   producers' errors come from a viz_markers sink attached before the first step, as
 *   `kraftlab render` does; frames are drawn by viz_render_png (what `render` calls) and
 *   read back, or by viz_draw_frame on an image surface. Expectations are read from the
 *   model (net_next_in_flight, sim_world_partition, the markers), never hard-coded
 *   beyond what the scenario file fixes; waits step the world with a sim-time limit.
 *   Pixels are sampled at points the viz API reports clear of text. No golden images.
 */
#include "../../viz/markers.h"
#include "viz_fixture.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define PRODUCERS_JSON "tests/viz/producers.json"
#define UNCLEAN_JSON   "tests/viz/unclean.json"
#define TOL            (3 / 255.0)
#define ORANGE         0xE69F00 /* the produce family (Okabe-Ito orange) */
#define VERMILION      0xD55E00

/* ---------------------------------------------------------------------------------
 * Fixture
 * ------------------------------------------------------------------------------- */

static int32_t producer_endpoint(const sim_world *w, uint32_t i)
{
    cr_assert(w->has_producers && i < w->producers.count);
    return w->producers.clients[i].endpoint;
}

/* ---------------------------------------------------------------------------------
 * (a) The box
 * ------------------------------------------------------------------------------- */

Test(producers, the_box_is_drawn_where_it_is_reported)
{
    scn_config *cfg = vf_load_file(PRODUCERS_JSON);
    viz_markers mk;
    sim_world *w = vf_world_at(cfg, &mk, SIM_S(5));
    cr_assert_eq(w->producers.count, 1);
    cr_assert_eq(producer_endpoint(w, 0), (int32_t)w->node_count, "producer 0 follows the nodes");
    viz_view v;
    vf_view_of(w, &mk, &v);
    viz_layout l;
    cairo_surface_t *s = vf_render(w, &v, &l, 1280, 800);
    cr_assert_eq(l.client_count, 1);
    viz_client_box b;
    cr_assert(viz_client_box_get(&l, w, &v, 0, &b));
    cr_assert(vf_inside(l.clients, b.box) && vf_inside(l.cluster, l.clients));
    cr_assert(!b.alert, "no error in the second before 5 s");
    cr_assert(!vf_near(b.fill, vf_hex(0xFFFFFF), TOL), "the box is told apart from the panel");
    cr_assert(vf_near(vf_pixel(s, b.glyph_x, b.glyph_y), b.glyph_fill, TOL), "the P mark");
    cr_assert(vf_near(vf_pixel(s, b.fill_x, b.fill_y), b.fill, TOL), "the box's body");
    /* Positive control: with the client layer off the same pixels are the panel's. */
    v.hide_clients = true;
    cr_assert(!viz_client_box_get(&l, w, &v, 0, &b), "a hidden box is not reported");
    cairo_surface_t *off = vf_render(w, &v, &l, 1280, 800);
    viz_client_box shown;
    v.hide_clients = false;
    cr_assert(viz_client_box_get(&l, w, &v, 0, &shown));
    cr_assert(vf_near(vf_pixel(off, shown.glyph_x, shown.glyph_y), vf_hex(0xFFFFFF), TOL));
    cr_assert(vf_near(vf_pixel(off, shown.fill_x, shown.fill_y), vf_hex(0xFFFFFF), TOL));
    cairo_surface_destroy(off);
    cairo_surface_destroy(s);
    viz_markers_deinit(&mk);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * (b) A Produce in flight
 * ------------------------------------------------------------------------------- */

/* A Produce request from producer 0 to its partition's leader (in the committed
 * registration), well inside its link; NULL when none now. */
static const net_msg *produce_in_flight(const sim_world *w)
{
    const int32_t from = producer_endpoint(w, 0);
    uint32_t cursor = 0;
    const net_msg *m;
    while ((m = net_next_in_flight(&w->net, &cursor)) != NULL) {
        if (m->kind != NET_MSG_PRODUCE_REQ || m->from != from || m->doomed) continue;
        repl_produce_req req;
        memcpy(&req, m->body, sizeof req);
        const kpc_reg *reg = sim_world_partition(w, req.partition_index);
        if (reg == NULL || sim_world_endpoint_of(w, reg->leader) != m->to) continue;
        const double p = (double)(w->engine.now - m->sent_at) / (double)(m->due_at - m->sent_at);
        if (p > 0.3 && p < 0.7) return m;
    }
    return NULL;
}

Test(producers, a_produce_in_flight_is_drawn_between_the_producer_and_the_leader)
{
    scn_config *cfg = vf_load_file(PRODUCERS_JSON);
    viz_markers mk;
    sim_world *w = vf_world_at(cfg, &mk, SIM_S(5));
    const net_msg *m = NULL;
    for (sim_time t = SIM_S(5); t < SIM_S(6) && (m = produce_in_flight(w)) == NULL;) {
        t += 100; /* 0.1 ms steps */
        sim_world_run_until(w, t);
    }
    cr_assert_not_null(m, "a Produce in flight to a leader between 5 s and 6 s");
    const uint64_t id = m->id;
    const int32_t leader = m->to;
    viz_view v;
    vf_view_of(w, &mk, &v);
    viz_layout l;
    cairo_surface_t *s = vf_render(w, &v, &l, 1280, 800);
    viz_msg msgs[1024];
    const uint32_t n = viz_visible_messages(w, msgs, 1024);
    const viz_msg *vm = NULL;
    for (uint32_t i = 0; i < n; i++)
        if (msgs[i].id == id) vm = &msgs[i];
    cr_assert_not_null(vm, "the viewer lists the Produce");
    double x, y;
    viz_msg_position(&l, vm, &x, &y);
    /* On the way: past the box, short of the leader, near the line between them. */
    viz_client_box b;
    cr_assert(viz_client_box_get(&l, w, &v, 0, &b));
    const double ax = b.box.x + b.box.w / 2, ay = b.box.y + b.box.h / 2;
    const double bx = l.node_x[leader], by = l.node_y[leader];
    const double dx = bx - ax, dy = by - ay, len = hypot(dx, dy);
    const double along = ((x - ax) * dx + (y - ay) * dy) / (len * len);
    const double off = fabs((x - ax) * dy - (y - ay) * dx) / len;
    cr_assert(along > 0.1 && along < 0.9, "along the link: %f", along);
    cr_assert_lt(off, 0.45 * len, "beside the line by %f of %f", off, len);
    cr_assert(!(x >= b.box.x && x < b.box.x + b.box.w && y >= b.box.y && y < b.box.y + b.box.h));
    const viz_rgb at = vf_pixel(s, x, y);
    cr_assert(vf_near(at, vf_hex(ORANGE), TOL), "a Produce is an orange diamond: (%f %f %f)", at.r,
              at.g, at.b);
    /* Positive control: with the client layer off nothing orange is there. */
    v.hide_clients = true;
    cairo_surface_t *off_s = vf_render(w, &v, &l, 1280, 800);
    cr_assert(!vf_near(vf_pixel(off_s, x, y), vf_hex(ORANGE), 0.1));
    cairo_surface_destroy(off_s);
    cairo_surface_destroy(s);
    viz_markers_deinit(&mk);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * (c) The error badge
 * ------------------------------------------------------------------------------- */

/* Errors of producer 0 in (t - VIZ_ALERT_US, t]. */
static uint32_t errors_before(const viz_markers *mk, sim_time t)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < mk->err_count; i++) {
        const viz_client_err *e = &mk->errs[i];
        if (e->producer == 0 && e->t <= t && e->t + VIZ_ALERT_US > t) n++;
    }
    return n;
}

Test(producers, the_error_badge_appears_at_the_crash_and_is_gone_later)
{
    scn_config *cfg = vf_load_file(PRODUCERS_JSON);
    viz_markers mk;
    sim_world *w = vf_world_at(cfg, &mk, SIM_S(10) + SIM_MS(1));
    /* The model: the crash broke the connection of requests in flight at 10 s. */
    uint32_t at_crash = 0;
    for (uint32_t i = 0; i < mk.err_count; i++)
        if (mk.errs[i].t == SIM_S(10) && mk.errs[i].code == 13 && !mk.errs[i].fatal) at_crash++;
    cr_assert_gt(at_crash, 0, "NETWORK_EXCEPTION at 10 s (requests were in flight)");
    viz_view v;
    vf_view_of(w, &mk, &v);
    viz_layout l;
    cairo_surface_t *s = vf_render(w, &v, &l, 1280, 800);
    viz_client_box b;
    cr_assert(viz_client_box_get(&l, w, &v, 0, &b));
    cr_assert(b.alert, "the box flags the error");
    cr_assert_eq(b.error_code, 13);
    cr_assert_geq(b.error_count, at_crash);
    cr_assert(vf_near(b.badge_fill, vf_hex(VERMILION), TOL));
    cr_assert(b.badge.w > 0 && b.badge.x >= l.cluster.x && b.badge.y >= l.cluster.y);
    const double px = b.badge_x, py = b.badge_y;
    cr_assert(vf_near(vf_pixel(s, px, py), b.badge_fill, TOL), "the badge is drawn");
    cairo_surface_destroy(s);
    /* Later, with no error in the window before it: no badge, no red there. */
    const sim_time later = SIM_S(10) + VIZ_ALERT_US + SIM_MS(500);
    sim_world_run_until(w, later);
    cr_assert_eq(errors_before(&mk, later), 0, "the scenario has no error in (%lu - 1 s]",
                 (unsigned long)later);
    vf_view_of(w, &mk, &v);
    s = vf_render(w, &v, &l, 1280, 800);
    cr_assert(viz_client_box_get(&l, w, &v, 0, &b));
    cr_assert(!b.alert && b.error_code == 0);
    cr_assert(!vf_near(vf_pixel(s, px, py), vf_hex(VERMILION), 0.1), "the badge is gone");
    cairo_surface_destroy(s);
    viz_markers_deinit(&mk);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * (d) Without producers, the picture is what it was
 * ------------------------------------------------------------------------------- */

/* Three combined nodes, no topics; the leader crashes at 5 s (test_render.c's). */
static const char three[] =
    "{\"format\": 1, \"name\": \"three\", \"seed\": 7, \"duration\": \"20s\","
    " \"cluster\": {\"mode\": \"combined\", \"controllers\": 3, \"brokers\": 3},"
    " \"timeline\": [{\"at\": \"5s\", \"do\": \"crash\", \"node\": \"controller-leader\","
    "                 \"label\": \"victim\"},"
    "                {\"at\": \"12s\", \"do\": \"restart\", \"node\": \"@victim\"}]}";

/* Whether the frame of (w, v) is the same with the client layer drawn and disabled. */
static bool clients_change_nothing(const sim_world *w, viz_view *v, int width, int height)
{
    viz_layout l;
    v->hide_clients = false;
    cairo_surface_t *a = vf_draw(w, v, &l, width, height);
    v->hide_clients = true;
    cairo_surface_t *b = vf_draw(w, v, &l, width, height);
    v->hide_clients = false;
    const bool same = vf_same_pixels(a, b);
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
    return same;
}

/* Whether any pixel of region r is within tol of colour h. */
static bool has_colour(cairo_surface_t *s, viz_rect r, uint32_t h, double tol)
{
    for (double y = floor(r.y); y < r.y + r.h; y++)
        for (double x = floor(r.x); x < r.x + r.w; x++)
            if (vf_near(vf_pixel(s, x, y), vf_hex(h), tol)) return true;
    return false;
}

/* The legends' lines: the cluster panel's message families (right half of its title
 * line) and the timeline's marker kinds (right half of its title line, above the
 * cursor's triangle). The produce family is orange; the data kind is the only black. */
static void legend_colours(const sim_world *w, const viz_view *v, bool *produce, bool *data)
{
    viz_layout l;
    cairo_surface_t *s = vf_draw(w, v, &l, 1280, 800);
    const viz_rect c = l.cluster, t = l.timeline;
    *produce = has_colour(s, (viz_rect){c.x + c.w / 2, c.y + 10, c.w / 2 - 10, 10}, ORANGE, 0.03);
    *data = has_colour(s, (viz_rect){t.x + t.w / 2, t.y + 11, t.w / 2 - 10, 6}, 0x000000, 0.06);
    cairo_surface_destroy(s);
}

Test(producers, without_producers_nothing_is_laid_out_or_drawn)
{
    scn_config *cfg = vf_load("producers.json", three);
    viz_markers mk;
    sim_world *w = vf_world_at(cfg, &mk, SIM_MS(5500));
    viz_view v;
    vf_view_of(w, &mk, &v);
    viz_layout l;
    viz_layout_compute(&l, w, 1280, 800, 1.0);
    cr_assert(l.client_count == 0 && l.clients.w == 0 && l.clients.h == 0);
    /* The circle is centred in the panel, as before clients: node 1 is on top. */
    cr_assert_float_eq(l.node_x[0], l.cluster.x + l.cluster.w / 2, 1e-6);
    cr_assert_eq(viz_hit_client(&l, l.cluster.x + 40, l.cluster.y + l.cluster.h / 2), -1);
    for (uint32_t i = 0; i < mk.count; i++) cr_assert_neq(mk.items[i].kind, VIZ_MARK_DATA);
    cr_assert(clients_change_nothing(w, &v, 1280, 800));
    cr_assert(clients_change_nothing(w, &v, 1000, 640));
    bool produce = true, data = true;
    legend_colours(w, &v, &produce, &data);
    cr_assert(!produce && !data, "no produce family, no data kind in the legends");
    viz_markers_deinit(&mk);
    sim_world_free(w);
    scn_config_free(cfg);
    /* Positive control: with a producer the same comparison sees the client layer, and
     * the circle moves right of the producers' column. */
    cfg = vf_load_file(PRODUCERS_JSON);
    w = vf_world_at(cfg, &mk, SIM_S(5));
    vf_view_of(w, &mk, &v);
    viz_layout_compute(&l, w, 1280, 800, 1.0);
    cr_assert_gt(l.node_x[0], l.cluster.x + l.cluster.w / 2 + 10);
    cr_assert(!clients_change_nothing(w, &v, 1280, 800));
    legend_colours(w, &v, &produce, &data);
    cr_assert(produce && data, "with producers both legends name them");
    viz_markers_deinit(&mk);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * Data markers: truncations, unclean elections, failed batches
 * ------------------------------------------------------------------------------- */

static const viz_marker *find_marker(const viz_markers *mk, const char *needle)
{
    for (uint32_t i = 0; i < mk->count; i++)
        if (mk->items[i].kind == VIZ_MARK_DATA && strstr(mk->items[i].text, needle) != NULL)
            return &mk->items[i];
    return NULL;
}

/* The leader of orders-0 in the committed registration now. */
static int32_t leader_of_0(const sim_world *w)
{
    const kpc_reg *reg = sim_world_partition(w, 0);
    cr_assert_not_null(reg);
    return reg->leader;
}

Test(producers, data_markers_name_the_partition_and_the_offset)
{
    scn_config *cfg = vf_load_file(UNCLEAN_JSON);
    viz_markers mk;
    sim_world *w = vf_world_at(cfg, &mk, SIM_S(20));
    const int32_t old = leader_of_0(w); /* crashes at 25 s */
    sim_world_run_until(w, SIM_S(40));
    const int32_t unclean = leader_of_0(w);
    cr_assert(old >= 0 && unclean >= 0 && unclean != old);
    sim_world_run_until(w, SIM_S(46));
    /* The unclean election: the new leader leads orders-0 from where its log ends. */
    const viz_marker *u = find_marker(&mk, "unclean election");
    cr_assert_not_null(u);
    cr_assert_eq(u->partition, 0);
    cr_assert_eq(u->node, unclean, "%s", u->text);
    cr_assert_gt(u->offset, 0);
    char want[96];
    snprintf(want, sizeof want, "orders-0: unclean election, node %d leads from offset %ld",
             (int)unclean, (long)u->offset);
    cr_assert(strstr(u->text, want) != NULL, "%s", u->text);
    cr_assert(strstr(u->text, "committed records lost") != NULL, "%s", u->text);
    /* The old leader returns and truncates to that offset: records removed. */
    const viz_marker *t = find_marker(&mk, "truncates orders-0");
    cr_assert_not_null(t);
    cr_assert_eq(t->node, old);
    cr_assert_eq(t->offset, u->offset, "truncated to the new leader's log end");
    cr_assert(strstr(t->text, "records removed") != NULL && t->why[0] != '\0', "%s", t->text);
    /* The producer's next batch failed for good. */
    const viz_marker *f = find_marker(&mk, "producer checkout");
    cr_assert_not_null(f);
    cr_assert(strstr(f->text, "orders-0") && strstr(f->text, "OUT_OF_ORDER_SEQUENCE_NUMBER"), "%s",
              f->text);
    cr_assert(f->t > u->t && f->t < t->t);
    bool fatal = false;
    for (uint32_t i = 0; i < mk.err_count; i++) fatal |= mk.errs[i].fatal && mk.errs[i].t == f->t;
    cr_assert(fatal, "the failed batch is also a producer's error");
    /* Drawn: a black tick on the timeline at the truncation, and the truncated replica's
     * row flagged for a moment (its tinted right end), not later. */
    sim_world_run_until(w, t->t + SIM_MS(300));
    viz_view v;
    vf_view_of(w, &mk, &v);
    viz_layout l;
    cairo_surface_t *s = vf_render(w, &v, &l, 1280, 800);
    const viz_rect bar = {l.timeline.x + 12, l.timeline.y + 26, l.timeline.w - 24,
                          l.timeline.h - 46}; /* viz__timeline_bar */
    const double tx = floor(bar.x + bar.w * ((double)t->t / (double)v.end_us));
    cr_assert(vf_near(vf_pixel(s, tx, bar.y + bar.h - 3), vf_hex(0x000000), 0.1), "the data tick");
    viz_replica_row row;
    cr_assert(viz_replica_row_get(&l, w, sim_world_endpoint_of(w, old), 0, &row));
    const double rx = floor(row.row.x + row.row.w) - 2, ry = floor(row.row.y) + 1;
    const viz_rgb tint = vf_pixel(s, rx, ry);
    cr_assert(!vf_near(tint, vf_hex(0xFFFFFF), TOL), "the row is flagged");
    cairo_surface_destroy(s);
    sim_world_run_until(w, t->t + VIZ_ALERT_US + SIM_MS(300));
    s = vf_render(w, &v, &l, 1280, 800);
    cr_assert(viz_replica_row_get(&l, w, sim_world_endpoint_of(w, old), 0, &row));
    cr_assert(vf_near(vf_pixel(s, rx, ry), vf_hex(0xFFFFFF), TOL), "the flag is gone");
    cairo_surface_destroy(s);
    viz_markers_deinit(&mk);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * Selection, the inspector, crowded layouts
 * ------------------------------------------------------------------------------- */

Test(producers, a_click_on_a_box_selects_it_and_the_inspector_draws)
{
    scn_config *cfg = vf_load_file(PRODUCERS_JSON);
    viz_markers mk;
    sim_world *w = vf_world_at(cfg, &mk, SIM_MS(10200));
    viz_view v;
    vf_view_of(w, &mk, &v);
    viz_layout l;
    viz_layout_compute(&l, w, 1280, 800, 1.0);
    const viz_rect b = l.client[0];
    cr_assert_eq(viz_hit_client(&l, b.x + b.w / 2, b.y + b.h / 2), 0);
    cr_assert_eq(viz_hit_client(&l, b.x + b.w + 2, b.y + b.h / 2), -1);
    cr_assert_eq(viz_hit_node(&l, b.x + b.w / 2, b.y + b.h / 2), -1);
    cairo_surface_t *plain = vf_draw(w, &v, &l, 1280, 800);
    v.selected_client = 0;
    v.hover_client = 0;
    cairo_surface_t *inspected = vf_draw(w, &v, &l, 1280, 800);
    cr_assert(!vf_same_pixels(plain, inspected), "the inspector is drawn");
    cairo_surface_destroy(plain);
    cairo_surface_destroy(inspected);
    /* A Produce's inspector names the producer (no node id out of range). */
    uint32_t cursor = 0;
    const net_msg *m;
    while ((m = net_next_in_flight(&w->net, &cursor)) != NULL)
        if (m->from >= (int32_t)w->node_count || m->to >= (int32_t)w->node_count) break;
    if (m != NULL) {
        v.selected_client = -1;
        v.selected_msg = m->id;
        cairo_surface_destroy(vf_draw(w, &v, &l, 640, 400));
    }
    viz_markers_deinit(&mk);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(producers, eight_producers_fit_their_column_at_every_size)
{
    char json[4096];
    int n =
        snprintf(json, sizeof json,
                 "{\"format\": 1, \"name\": \"eight\", \"seed\": 3, \"duration\": \"4s\","
                 " \"cluster\": {\"mode\": \"combined\", \"controllers\": 3, \"brokers\": 3},"
                 " \"topics\": [{\"name\": \"t\", \"partitions\": 6, \"replication_factor\": 3}],"
                 " \"producers\": [");
    for (int i = 0; i < 8; i++)
        n += snprintf(json + n, sizeof json - (size_t)n,
                      "%s{\"name\": \"p%d-with-a-long-name\", \"topic\": \"t\", \"rate\": 50,"
                      " \"start\": \"2s\"}",
                      i ? ", " : "", i);
    snprintf(json + n, sizeof json - (size_t)n, "]}");
    scn_config *cfg = vf_load("producers.json", json);
    viz_markers mk;
    sim_world *w = vf_world_at(cfg, &mk, SIM_MS(3500));
    viz_view v;
    vf_view_of(w, &mk, &v);
    v.selected_client = 7;
    const int sizes[][2] = {{1280, 800}, {1000, 640}, {640, 400}, {64, 64}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        viz_layout l;
        cairo_surface_t *s = vf_render(w, &v, &l, sizes[k][0], sizes[k][1]);
        cairo_surface_destroy(s);
        cr_assert_eq(l.client_count, 8);
        for (uint32_t i = 0; i < 8; i++) {
            cr_assert(vf_inside(l.clients, l.client[i]), "box %u inside its column at %dx%d", i,
                      sizes[k][0], sizes[k][1]);
            for (uint32_t j = 0; j < i; j++)
                cr_assert(!vf_overlap(l.client[i], l.client[j]), "boxes %u and %u at %dx%d", i, j,
                          sizes[k][0], sizes[k][1]);
        }
    }
    viz_markers_deinit(&mk);
    sim_world_free(w);
    scn_config_free(cfg);
}
