/*
 * test_render.c — the viewer's drawing, headless: PNG output, node styles, messages,
 *   hit testing, the plot and the markers.
 *
 * Goal: rendering the same instant twice gives identical bytes; a PNG has the size
 *   asked for; after the first election the leader's node is filled with the leader
 *   colour and a follower's with the follower colour; while a node is crashed none of
 *   its messages is listed or drawn; every message listed lies on its link with
 *   progress and fade in range; hit tests return what is drawn where they point; the
 *   plot is written at its size; the markers explain elections and faults.
 * Method: worlds from inline JSON; frames drawn to PNG files (read back with cairo) or
 *   to image surfaces; pixels sampled at the layout's own coordinates and compared with
 *   colours the viz API reports, with a small tolerance. No golden images: fonts differ
 *   between machines, so no test samples a pixel that text may cover.
 */
#include "../../viz/markers.h"
#include "viz_fixture.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VIZ_MSGS_CHECK_MAX 1024u

/* ---------------------------------------------------------------------------------
 * Fixture
 * ------------------------------------------------------------------------------- */

/* Three combined nodes; the leader crashes at 5 s and restarts at 12 s. */
static const char three[] =
    "{\"format\": 1, \"name\": \"three\", \"seed\": 7, \"duration\": \"20s\","
    " \"cluster\": {\"mode\": \"combined\", \"controllers\": 3, \"brokers\": 3},"
    " \"timeline\": [{\"at\": \"5s\", \"do\": \"crash\", \"node\": \"controller-leader\","
    "                 \"label\": \"victim\"},"
    "                {\"at\": \"5s\", \"do\": \"note\", \"text\": \"The leader crashed.\"},"
    "                {\"at\": \"12s\", \"do\": \"restart\", \"node\": \"@victim\"}]}";

static void temp_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "/tmp/kraftlab-test-render-%ld-%s", (long)getpid(), name);
}

/* Reads a PNG back; the caller destroys the surface. */
static cairo_surface_t *read_png(const char *path)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS, "%s: %s", path,
                 cairo_status_to_string(cairo_surface_status(s)));
    return s;
}

static bool same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    cr_assert(fa != NULL && fb != NULL);
    bool same = true;
    int ca, cb;
    do {
        ca = fgetc(fa);
        cb = fgetc(fb);
        if (ca != cb) same = false;
    } while (same && ca != EOF);
    fclose(fa);
    fclose(fb);
    return same;
}

static bool rect_inside(viz_rect r, double x, double y)
{
    return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

static int32_t leader_endpoint(const sim_world *w)
{
    const raft_node *l = sim_world_controller_leader(w);
    return l != NULL ? l->endpoint : -1;
}

/* ---------------------------------------------------------------------------------
 * PNG output
 * ------------------------------------------------------------------------------- */

Test(render, the_same_instant_twice_gives_identical_bytes)
{
    scn_config *cfg = vf_load("render.json", three);
    char a[256], b[256];
    temp_path(a, sizeof a, "a.png");
    temp_path(b, sizeof b, "b.png");
    for (int k = 0; k < 2; k++) { /* two separate worlds, as two runs of `render` */
        sim_world *w = sim_world_new(cfg, 7, SIM_TIME_NEVER);
        sim_world_run_until(w, SIM_MS(5500));
        viz_view v;
        viz_view_init(&v, w);
        cr_assert_eq(viz_render_png(w, &v, 1000, 640, k == 0 ? a : b), SIM_OK);
        sim_world_free(w);
    }
    cr_assert(same_file(a, b), "two renders of t = 5.5 s differ");
    remove(a);
    remove(b);
    scn_config_free(cfg);
}

Test(render, the_png_has_the_requested_size)
{
    scn_config *cfg = vf_load("render.json", three);
    sim_world *w = sim_world_new(cfg, 7, SIM_TIME_NEVER);
    sim_world_run_until(w, SIM_S(3));
    viz_view v;
    viz_view_init(&v, w);
    const int sizes[][2] = {{1280, 800}, {1000, 640}, {640, 400}, {333, 777}};
    char path[256];
    temp_path(path, sizeof path, "size.png");
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        cr_assert_eq(viz_render_png(w, &v, sizes[i][0], sizes[i][1], path), SIM_OK);
        cairo_surface_t *s = read_png(path);
        cr_assert_eq(cairo_image_surface_get_width(s), sizes[i][0]);
        cr_assert_eq(cairo_image_surface_get_height(s), sizes[i][1]);
        cairo_surface_destroy(s);
    }
    remove(path);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(render, an_unwritable_path_is_an_io_error)
{
    scn_config *cfg = vf_load("render.json", three);
    sim_world *w = sim_world_new(cfg, 7, SIM_TIME_NEVER);
    viz_view v;
    viz_view_init(&v, w);
    cr_assert_eq(viz_render_png(w, &v, 200, 200, "/nonexistent-dir/x/y.png"), SIM_EIO);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * Node styles
 * ------------------------------------------------------------------------------- */

Test(render, after_the_first_election_the_leader_is_drawn_in_the_leader_style)
{
    scn_config *cfg = vf_load("render.json", three);
    sim_world *w = sim_world_new(cfg, 7, SIM_TIME_NEVER);
    /* Before any election every node is unattached: all share one fill. */
    sim_world_run_until(w, SIM_MS(100));
    cr_assert_eq(leader_endpoint(w), -1);
    const viz_rgb before = viz_node_fill(w, 0);
    for (int32_t i = 1; i < 3; i++) cr_assert(vf_near(viz_node_fill(w, i), before, 0));
    while (leader_endpoint(w) < 0) {
        cr_assert(sim_world_step(w));
        cr_assert_lt(sim_world_now(w), SIM_S(5), "no leader within 5 s");
    }
    sim_world_run_until(w, sim_world_now(w) + SIM_MS(300)); /* followers have heard */
    const int32_t leader = leader_endpoint(w);
    const viz_rgb lead = viz_node_fill(w, leader);
    cr_assert(!vf_near(lead, before, 0.1), "the leader's fill differs from an unattached one");
    viz_view v;
    viz_view_init(&v, w);
    char path[256];
    temp_path(path, sizeof path, "leader.png");
    cr_assert_eq(viz_render_png(w, &v, 1280, 800, path), SIM_OK);
    cairo_surface_t *s = read_png(path);
    viz_layout l;
    viz_layout_compute(&l, w, 1280, 800, 1.0);
    for (int32_t i = 0; i < 3; i++) {
        const viz_rgb got = vf_pixel(s, l.node_x[i], l.node_y[i]);
        const viz_rgb want = viz_node_fill(w, i);
        cr_assert(vf_near(got, want, 3 / 255.0), "node at endpoint %d: pixel %.3f %.3f %.3f", i,
                  got.r, got.g, got.b);
        if (i != leader) {
            cr_assert_eq(w->raft.nodes[i].role, RAFT_ROLE_FOLLOWER);
            cr_assert(!vf_near(got, lead, 0.1), "a follower is not drawn like the leader");
        }
    }
    cairo_surface_destroy(s);
    remove(path);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(render, a_crashed_node_is_grey_and_a_restarted_one_is_not)
{
    scn_config *cfg = vf_load("render.json", three);
    sim_world *w = sim_world_new(cfg, 7, SIM_TIME_NEVER);
    sim_world_run_until(w, SIM_MS(4999));
    const int32_t victim = leader_endpoint(w);
    cr_assert_geq(victim, 0);
    sim_world_run_until(w, SIM_MS(6000));
    cr_assert_eq(sim_world_node_state(w, victim), SIM_NODE_CRASHED);
    viz_view v;
    viz_view_init(&v, w);
    viz_layout l;
    cairo_surface_t *s = vf_draw(w, &v, &l, 1280, 800);
    const viz_rgb crashed = vf_pixel(s, l.node_x[victim], l.node_y[victim]);
    cr_assert(vf_near(crashed, viz_node_fill(w, victim), 3 / 255.0));
    cairo_surface_destroy(s);
    sim_world_run_until(w, SIM_S(14));
    cr_assert_eq(sim_world_node_state(w, victim), SIM_NODE_RUNNING);
    s = vf_draw(w, &v, &l, 1280, 800);
    const viz_rgb back = vf_pixel(s, l.node_x[victim], l.node_y[victim]);
    cr_assert(!vf_near(back, crashed, 0.05), "the restarted node is no longer drawn crashed");
    cr_assert(vf_near(back, viz_node_fill(w, victim), 3 / 255.0));
    cairo_surface_destroy(s);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * Messages
 * ------------------------------------------------------------------------------- */

static bool message_coloured(viz_rgb c)
{
    /* The family colours as drawn at full opacity (Okabe–Ito purple, sky blue, green). */
    static const viz_rgb fam[] = {{0xCC / 255.0, 0x79 / 255.0, 0xA7 / 255.0},
                                  {0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0},
                                  {0x00 / 255.0, 0x9E / 255.0, 0x73 / 255.0}};
    for (size_t k = 0; k < sizeof fam / sizeof fam[0]; k++)
        if (vf_near(c, fam[k], 24 / 255.0)) return true;
    return false;
}

static bool touches(const viz_msg *m, int32_t ep)
{
    return m->from == ep || m->to == ep;
}

Test(render, a_crashed_nodes_messages_are_neither_listed_nor_drawn)
{
    scn_config *cfg = vf_load("render.json", three);
    sim_world *w = sim_world_new(cfg, 7, SIM_TIME_NEVER);
    sim_world_run_until(w, SIM_MS(4999));
    const int32_t victim = leader_endpoint(w);
    cr_assert_geq(victim, 0);
    /* Step until messages to or from the crashed node are still in the network. */
    sim_world_run_until(w, SIM_S(5));
    cr_assert_eq(sim_world_node_state(w, victim), SIM_NODE_CRASHED);
    uint32_t hidden = 0, checked = 0;
    viz_msg msgs[VIZ_MSGS_CHECK_MAX];
    viz_view v;
    viz_view_init(&v, w);
    while (sim_world_now(w) < SIM_S(11) && checked < 40) {
        cr_assert(sim_world_step(w));
        uint32_t cursor = 0, pending = 0;
        const net_msg *m;
        while ((m = net_next_in_flight(&w->net, &cursor)) != NULL)
            if (m->from == victim || m->to == victim) pending++;
        if (pending == 0) continue;
        hidden += pending;
        checked++;
        const uint32_t n = viz_visible_messages(w, msgs, VIZ_MSGS_CHECK_MAX);
        for (uint32_t i = 0; i < n; i++)
            cr_assert(!touches(&msgs[i], victim), "message %lu of crashed endpoint %d listed",
                      (unsigned long)msgs[i].id, victim);
        viz_layout l;
        cairo_surface_t *s = vf_draw(w, &v, &l, 1280, 800);
        for (int32_t other = 0; other < 3; other++) {
            if (other == victim) continue;
            for (int dir = 0; dir < 2; dir++) {
                viz_msg lane = {.from = dir ? victim : other, .to = dir ? other : victim};
                /* The lane's ends, next to the nodes' badges, are left out. */
                for (double p = 0.1; p <= 0.9001; p += 0.02) {
                    lane.progress = p;
                    double x, y;
                    viz_msg_position(&l, &lane, &x, &y);
                    cr_assert(!message_coloured(vf_pixel(s, x, y)),
                              "a message colour at (%.0f, %.0f) on the crashed node's link", x, y);
                }
            }
        }
        cairo_surface_destroy(s);
    }
    cr_assert_gt(hidden, 0, "the run had messages of the crashed node in flight");
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(render, a_message_in_flight_is_drawn_on_its_link_in_its_colour)
{
    /* The positive control for the test above: the sampling does see messages. */
    scn_config *cfg = vf_load("render.json", three);
    sim_world *w = sim_world_new(cfg, 7, SIM_TIME_NEVER);
    viz_view v;
    viz_view_init(&v, w);
    viz_msg msgs[VIZ_MSGS_CHECK_MAX];
    bool seen = false;
    while (!seen && sim_world_now(w) < SIM_S(4)) {
        sim_world_run_until(w, sim_world_now(w) + 250); /* 0.25 ms frames */
        const uint32_t n = viz_visible_messages(w, msgs, VIZ_MSGS_CHECK_MAX);
        if (n != 1 || msgs[0].dropped) continue; /* one message: no overlap to confuse */
        viz_layout l;
        cairo_surface_t *s = vf_draw(w, &v, &l, 1280, 800);
        double x, y;
        viz_msg_position(&l, &msgs[0], &x, &y);
        if (strstr(net_msg_kind_name(msgs[0].kind), "Response") == NULL) { /* a filled dot */
            cr_assert(message_coloured(vf_pixel(s, x, y)), "%s at (%.0f, %.0f)",
                      net_msg_kind_name(msgs[0].kind), x, y);
            seen = true;
        }
        cr_assert_eq(viz_hit_message(&l, w, x, y), msgs[0].id, "clicking a message finds it");
        cairo_surface_destroy(s);
    }
    cr_assert(seen, "no lone request in flight in the first 4 s");
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(render, listed_messages_stay_on_their_link_and_fade_in_range)
{
    /* A lossy network: lost messages fade out where they were lost. */
    scn_config *cfg =
        vf_load("render.json", "{\"format\": 1, \"name\": \"lossy\", \"duration\": \"6s\","
                               " \"cluster\": {\"controllers\": 3, \"brokers\": 3},"
                               " \"network\": {\"loss\": 0.3}}");
    sim_world *w = sim_world_new(cfg, 3, SIM_TIME_NEVER);
    viz_msg msgs[VIZ_MSGS_CHECK_MAX];
    uint32_t dropped = 0, moving = 0;
    while (sim_world_step(w)) {
        const uint32_t n = viz_visible_messages(w, msgs, VIZ_MSGS_CHECK_MAX);
        for (uint32_t i = 0; i < n; i++) {
            cr_assert(msgs[i].progress >= 0 && msgs[i].progress <= 1);
            cr_assert(msgs[i].fade > 0 && msgs[i].fade <= 1);
            cr_assert_neq(msgs[i].from, msgs[i].to, "loopback messages are not drawn");
            if (msgs[i].dropped) {
                dropped++;
                cr_assert_lt(msgs[i].fade, 1.0001);
            } else {
                moving++;
                cr_assert_not_null(msgs[i].msg);
                cr_assert_eq(msgs[i].msg->id, msgs[i].id);
            }
        }
    }
    cr_assert_gt(dropped, 0, "30%% loss shows lost messages fading");
    cr_assert_gt(moving, 0);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * Hit testing
 * ------------------------------------------------------------------------------- */

Test(render, hit_tests_round_trip)
{
    scn_config *cfg = vf_load("render.json", three);
    sim_world *w = sim_world_new(cfg, 7, SIM_TIME_NEVER);
    sim_world_run_until(w, SIM_S(3));
    viz_view v;
    viz_view_init(&v, w);
    viz_layout l;
    viz_layout_compute(&l, w, 1280, 800, 1.0);
    for (int32_t i = 0; i < 3; i++) {
        cr_assert_eq(viz_hit_node(&l, l.node_x[i], l.node_y[i]), i);
        cr_assert_eq(viz_hit_node(&l, l.node_x[i] + l.node_r * 0.7, l.node_y[i]), i);
        viz_menu_open(&v.menu, &l, w, i);
        cr_assert(v.menu.open);
        cr_assert_eq(v.menu.endpoint, i);
        cr_assert_gt(v.menu.item_count, 0);
        for (uint32_t k = 0; k < v.menu.item_count; k++) {
            double x, y;
            viz_menu_item_center(&l, &v.menu, k, &x, &y);
            cr_assert_eq(viz_hit_menu(&l, &v, x, y), (int32_t)k);
            cr_assert(x >= 0 && x < l.width && y >= 0 && y < l.height, "item inside the window");
        }
        cr_assert_eq(viz_hit_menu(&l, &v, v.menu.x - 5, v.menu.y + 30), -1);
    }
    cr_assert_eq(viz_hit_node(&l, 2, 2), -1);
    /* A running node offers crash and no restart; a crashed one only restart (+ network). */
    viz_menu_open(&v.menu, &l, w, 0);
    bool crash = false, restart = false;
    for (uint32_t k = 0; k < v.menu.item_count; k++) {
        crash |= v.menu.items[k] == SCN_ACT_CRASH;
        restart |= v.menu.items[k] == SCN_ACT_RESTART;
    }
    cr_assert(crash && !restart);
    /* The timeline: its middle is the middle of the run, and far above it is not it. */
    sim_time t = 0;
    const viz_rect tl = l.timeline;
    cr_assert(viz_hit_timeline(&l, &v, tl.x + tl.w / 2, tl.y + tl.h / 2, &t));
    cr_assert(llabs((long long)t - (long long)v.end_us / 2) < (long long)v.end_us / 50, "t = %lu",
              (unsigned long)t);
    cr_assert(!viz_hit_timeline(&l, &v, tl.x + tl.w / 2, l.cluster.y + 5, &t));
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(render, overlays_draw_without_cairo_errors)
{
    scn_config *cfg = vf_load("render.json", three);
    sim_world *w = sim_world_new(cfg, 7, SIM_TIME_NEVER);
    viz_markers mk;
    viz_markers_init(&mk, w);
    viz_markers_attach(&mk, w);
    sim_world_run_until(w, SIM_MS(5200));
    viz_view v;
    viz_view_init(&v, w);
    viz_markers_to_view(&mk, &v);
    viz_layout l;
    viz_layout_compute(&l, w, 1280, 800, 1.0);
    v.selected_node = 0;
    v.hover_node = 1;
    v.show_help = true;
    v.flash = "saved to x.json";
    v.hover_timeline = true;
    v.hover_t = SIM_S(5);
    v.dragging = true;
    v.drag_from = 1;
    v.drag_x = 300;
    v.drag_y = 300;
    v.waiting_on_note = true;
    viz_menu_open(&v.menu, &l, w, 2);
    cairo_surface_t *s = vf_draw(w, &v, &l, 1280, 800);
    cairo_surface_destroy(s);
    v.selected_msg = 1; /* long delivered: the inspector says so */
    s = vf_draw(w, &v, &l, 640, 400);
    cairo_surface_destroy(s);
    viz_markers_deinit(&mk);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(render, the_largest_cluster_is_laid_out_and_drawn)
{
    /* 9 voters and 55 observers: SIM_VOTERS_MAX and SIM_NODES_MAX. */
    scn_config *cfg =
        vf_load("render.json", "{\"format\": 1, \"name\": \"big\", \"duration\": \"3s\","
                               " \"cluster\": {\"mode\": \"dedicated\", \"controllers\": 9,"
                               " \"brokers\": 55}}");
    sim_world *w = sim_world_new(cfg, 1, SIM_TIME_NEVER);
    sim_world_run_until(w, SIM_S(2));
    viz_view v;
    viz_view_init(&v, w);
    const int sizes[][2] = {{1280, 800}, {640, 400}, {64, 64}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        viz_layout l;
        cairo_surface_t *s = vf_draw(w, &v, &l, sizes[k][0], sizes[k][1]);
        cairo_surface_destroy(s);
        cr_assert_gt(l.node_r, 0);
        for (int32_t i = 0; i < (int32_t)w->node_count && k == 0; i++) {
            cr_assert_eq(viz_hit_node(&l, l.node_x[i], l.node_y[i]), i, "node %d", i);
            cr_assert(rect_inside(l.cluster, l.node_x[i], l.node_y[i]), "node %d inside", i);
        }
    }
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * Markers and the plot
 * ------------------------------------------------------------------------------- */

Test(render, markers_explain_elections_and_faults)
{
    scn_config *cfg = vf_load("render.json", three);
    sim_world *w = sim_world_new(cfg, 7, SIM_TIME_NEVER);
    viz_markers mk;
    viz_markers_init(&mk, w);
    viz_markers_attach(&mk, w);
    sim_world_run(w);
    uint32_t elections = 0, crashes = 0, notes = 0;
    for (uint32_t i = 0; i < mk.count; i++) {
        const viz_marker *m = &mk.items[i];
        if (i > 0) cr_assert_geq(m->t, mk.items[i - 1].t, "sorted by time");
        if (m->kind == VIZ_MARK_ELECTION) {
            elections++;
            cr_assert(strstr(m->why, "KIP-595") != NULL, "why: %s", m->why);
        }
        if (m->kind == VIZ_MARK_FAULT && strstr(m->text, "crashes") != NULL) {
            crashes++;
            cr_assert_eq(m->t, SIM_S(5));
            cr_assert(strstr(m->why, "timeline action #0") != NULL, "why: %s", m->why);
        }
        if (m->kind == VIZ_MARK_NOTE) notes++;
    }
    cr_assert_eq(elections, w->elections);
    cr_assert_eq(crashes, 1);
    cr_assert_eq(notes, 1);
    /* Records seen again after a checkpoint restore add nothing twice. */
    const uint32_t count = mk.count;
    viz_markers_truncate(&mk, mk.seqs[count / 2]);
    cr_assert_eq(mk.count, count / 2);
    viz_markers_deinit(&mk);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(render, the_plot_has_the_requested_size)
{
    scn_config *cfg = vf_load("render.json", three);
    sim_world *w = sim_world_new(cfg, 7, SIM_TIME_NEVER);
    viz_markers mk;
    viz_markers_init(&mk, w);
    viz_markers_attach(&mk, w);
    viz_sample samples[101];
    uint32_t n = 0;
    for (sim_time t = 0; t <= SIM_S(20); t += SIM_MS(200)) {
        sim_world_run_until(w, t);
        viz_sample_world(w, &samples[n++]);
    }
    cr_assert_eq(n, 101);
    cr_assert_eq(samples[0].leader, -1);
    cr_assert_gt(samples[20].max_epoch, 0, "a leader by 4 s");
    char path[256];
    temp_path(path, sizeof path, "plot.png");
    cr_assert_eq(viz_plot_png(samples, n, mk.items, mk.count, "three", 900, 500, path), SIM_OK);
    cairo_surface_t *s = read_png(path);
    cr_assert_eq(cairo_image_surface_get_width(s), 900);
    cr_assert_eq(cairo_image_surface_get_height(s), 500);
    cairo_surface_destroy(s);
    remove(path);
    cr_assert_eq(viz_plot_png(samples, 0, NULL, 0, NULL, 300, 200, path), SIM_OK,
                 "an empty plot is still a picture");
    remove(path);
    viz_markers_deinit(&mk);
    sim_world_free(w);
    scn_config_free(cfg);
}
