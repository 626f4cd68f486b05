/*
 * test_partitions.c — the partitions panel, headless: replica rows, their marks and
 *   log bars, the crashed style, the leader moving, data-plane message colours, and
 *   the layout of crowded clusters.
 *
 * Goal: without topics nothing of the panel is laid out or drawn; with topics every
 *   replica the committed registration places on a broker has a row on that broker's
 *   card, whose role mark is the leader's exactly on the partition leader and whose ISR
 *   mark is filled exactly for ISR members; a crashed broker's rows and card are grey
 *   and its stale leadership is flagged; after the controller fences it the leader mark
 *   is on another broker; a log bar is tinted above the HW, filled below it and empty
 *   past the LEO, on one scale per partition, so a crashed follower's lag shows;
 *   replica fetches are drawn in their own colour, the quorum's fetches in theirs; at
 *   1280x800 nine brokers with 12 partitions x RF 3 show all 36 rows, and a broker with
 *   more replicas than rows ends its card with "+N more".
 * Method: tests/viz/topics.json (3 combined nodes, "orders" with 3 partitions RF 3, the
 *   leader of orders-0 crashes at 20 s and restarts at 40 s) and inline scenarios.
 *   Expected roles, ISRs and leaders are read from the model (sim_world_partition,
 *   repl_replica_get), never hard-coded; waits step the world with a sim-time limit.
 *   Frames are drawn by viz_render_png (what `kraftlab render` calls) and read back, or
 *   by viz_draw_frame on an image surface; pixels are sampled at the points
 *   viz_replica_row_get reports (never where text is) and compared with the colours it
 *   reports, and those colours are checked to differ between the states compared. No
 *   golden images. Records are appended with repl_produce (acks=1) on the partition
 *   leader rather than by a producer, so the test knows exactly which records exist;
 *   the data plane replicates them as it would a producer's.
 */
#include "viz_fixture.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define TOPICS_JSON "tests/viz/topics.json"
#define TOL         (3 / 255.0)

/* ---------------------------------------------------------------------------------
 * Fixture
 * ------------------------------------------------------------------------------- */

static bool grey(viz_rgb c) /* no hue: the crashed style */
{
    return fabs(c.r - c.g) < 0.03 && fabs(c.g - c.b) < 0.03;
}

static int32_t ep_of(const sim_world *w, int32_t node_id)
{
    const int32_t ep = sim_world_endpoint_of(w, node_id);
    cr_assert_geq(ep, 0, "node %d", node_id);
    return ep;
}

static const kpc_reg *partition(const sim_world *w, uint32_t p)
{
    const kpc_reg *reg = sim_world_partition(w, p);
    cr_assert_not_null(reg, "partition %u exists", p);
    return reg;
}

static viz_replica_row row_of(const viz_layout *l, const sim_world *w, int32_t node_id, uint32_t p)
{
    viz_replica_row r;
    cr_assert(viz_replica_row_get(l, w, ep_of(w, node_id), p, &r), "row of partition %u on %d", p,
              node_id);
    return r;
}

/* The role mark and the ISR mark of row r are drawn in the colours the row reports. */
static void assert_marks_drawn(cairo_surface_t *s, const viz_replica_row *r, const char *what)
{
    const viz_rgb badge = vf_pixel(s, r->badge_x, r->badge_y);
    cr_assert(vf_near(badge, r->badge_fill, TOL),
              "%s: role mark %.3f %.3f %.3f, want %.3f %.3f %.3f", what, badge.r, badge.g, badge.b,
              r->badge_fill.r, r->badge_fill.g, r->badge_fill.b);
    const viz_rgb isr = vf_pixel(s, r->isr_x, r->isr_y);
    cr_assert(vf_near(isr, r->isr_fill, 0.1), "%s: ISR mark %.3f %.3f %.3f, want %.3f %.3f %.3f",
              what, isr.r, isr.g, isr.b, r->isr_fill.r, r->isr_fill.g, r->isr_fill.b);
}

/* The ISR mark reads without colour: dark when filled (in the ISR), white when hollow. */
static bool isr_mark_filled(cairo_surface_t *s, const viz_replica_row *r)
{
    const viz_rgb c = vf_pixel(s, r->isr_x, r->isr_y);
    cr_assert(c.r + c.g + c.b < 2.0 || c.r + c.g + c.b > 2.7, "ISR mark neither filled nor hollow");
    return c.r + c.g + c.b < 2.0;
}

/* The colour of the bar of row r at offset o (between two records' edges). */
static viz_rgb bar_at(cairo_surface_t *s, const viz_replica_row *r, double o)
{
    const double x = r->bar.x + r->bar.w * o / (double)r->scale_leo;
    return vf_pixel(s, x, r->bar.y + r->bar.h / 2);
}

/* The leader of orders-0 before the crash at 20 s, as a Kafka node id. */
static int32_t victim_of(const scn_config *cfg)
{
    sim_world *w = vf_world_at(cfg, NULL, SIM_MS(19900));
    const int32_t id = partition(w, 0)->leader;
    cr_assert_neq(id, KPC_NO_LEADER);
    sim_world_free(w);
    return id;
}

/* Steps w until partition p's leader is neither `old` nor none, at most until `limit`. */
static void step_until_new_leader(sim_world *w, uint32_t p, int32_t old, sim_time limit)
{
    for (;;) {
        const kpc_reg *reg = sim_world_partition(w, p);
        if (reg != NULL && reg->leader != old && reg->leader != KPC_NO_LEADER) return;
        cr_assert(sim_world_step(w));
        cr_assert_leq(sim_world_now(w), limit, "no new leader for partition %u by %.3f s", p,
                      (double)limit / 1e6);
    }
}

/* ---------------------------------------------------------------------------------
 * Nothing without topics
 * ------------------------------------------------------------------------------- */

static const char three[] =
    "{\"format\": 1, \"name\": \"three\", \"seed\": 7, \"duration\": \"20s\","
    " \"cluster\": {\"mode\": \"combined\", \"controllers\": 3, \"brokers\": 3}}";

Test(partitions, without_topics_nothing_is_laid_out_or_drawn)
{
    scn_config *cfg = vf_load("partitions.json", three);
    sim_world *w = vf_world_at(cfg, NULL, SIM_S(5));
    viz_layout l;
    viz_layout_compute(&l, w, 1280, 800, 1.0);
    cr_assert(l.partitions.w == 0 && l.partitions.h == 0 && l.card_count == 0);
    /* The cluster keeps the whole left column: down to the event log's bottom. */
    cr_assert_float_eq(l.cluster.y + l.cluster.h, l.events.y + l.events.h, 1e-9);
    cr_assert_float_eq(l.cluster.x + l.cluster.w + 8, l.logs.x, 1e-9);
    viz_replica_row r;
    cr_assert(!viz_replica_row_get(&l, w, 0, 0, &r));
    cr_assert_eq(viz_hit_partitions(&l, l.cluster.x + 20, l.cluster.y + l.cluster.h - 20), -1);
    /* Drawing the panel over a frame changes no pixel. */
    viz_view v;
    viz_view_init(&v, w);
    cairo_surface_t *a = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1280, 800);
    cairo_surface_t *b = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1280, 800);
    cairo_t *ca = cairo_create(a), *cb = cairo_create(b);
    viz_draw_frame(ca, &l, w, &v);
    viz_draw_frame(cb, &l, w, &v);
    viz_draw_partitions(cb, &l, w, &v);
    cr_assert_eq(cairo_status(cb), CAIRO_STATUS_SUCCESS);
    cr_assert(vf_same_pixels(a, b), "viz_draw_partitions drew on a topic-less frame");
    cairo_destroy(ca);
    cairo_destroy(cb);
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(partitions, with_topics_the_panel_draws_inside_itself_only)
{
    /* The positive control of the test above: the same call does draw with topics, and
     * only inside its panel. */
    scn_config *cfg = vf_load_file(TOPICS_JSON);
    sim_world *w = vf_world_at(cfg, NULL, SIM_S(10));
    viz_layout l;
    viz_layout_compute(&l, w, 1280, 800, 1.0);
    cr_assert_gt(l.partitions.w, 0);
    cr_assert_gt(l.partitions.h, 0);
    cr_assert_eq(l.card_count, 3);
    cr_assert(!vf_overlap(l.partitions, l.cluster), "the panel does not cover the cluster");
    viz_view v;
    viz_view_init(&v, w);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1280, 800);
    cairo_t *cr = cairo_create(s);
    viz_draw_partitions(cr, &l, w, &v);
    cr_assert_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    const int stride = cairo_image_surface_get_stride(s);
    uint32_t drawn_in = 0, drawn_out = 0;
    const viz_rect p = l.partitions; /* widened to whole pixels: its edges are antialiased */
    const viz_rect area = {floor(p.x), floor(p.y), ceil(p.x + p.w) - floor(p.x),
                           ceil(p.y + p.h) - floor(p.y)};
    for (int y = 0; y < 800; y++) {
        for (int x = 0; x < 1280; x++) {
            uint32_t px;
            memcpy(&px, data + (size_t)y * stride + 4 * x, 4);
            if ((px & 0xffffff) == 0) continue; /* untouched (black) */
            if (vf_inside(area, (viz_rect){x, y, 1, 1})) {
                drawn_in++;
            } else {
                drawn_out++;
            }
        }
    }
    cr_assert_gt(drawn_in, (uint32_t)(l.partitions.w * l.partitions.h / 2));
    cr_assert_eq(drawn_out, 0, "%u pixels drawn outside the panel", drawn_out);
    cairo_surface_destroy(s);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * Rows, roles, ISR
 * ------------------------------------------------------------------------------- */

Test(partitions, every_replica_has_a_row_with_its_role_and_isr_marks)
{
    scn_config *cfg = vf_load_file(TOPICS_JSON);
    sim_world *w = vf_world_at(cfg, NULL, SIM_S(10));
    viz_layout l;
    cairo_surface_t *s = vf_render(w, NULL, &l, 1280, 800);
    cr_assert_eq(sim_world_partition_count(w), 3);
    uint32_t rows = 0, leaders = 0;
    viz_rect seen[16];
    viz_rgb lead_px = {0}, follow_px = {0};
    for (uint32_t p = 0; p < 3; p++) {
        const kpc_reg *reg = partition(w, p);
        cr_assert_eq(reg->replica_count, 3);
        for (uint32_t i = 0; i < reg->replica_count; i++) {
            const int32_t id = reg->replicas[i];
            const viz_replica_row r = row_of(&l, w, id, p);
            cr_assert_eq(r.leader, reg->leader == id, "partition %u on %d: leader mark", p, id);
            cr_assert_eq(r.in_isr, kpc_contains(reg->isr, reg->isr_count, id));
            cr_assert(!r.down && !r.offline);
            char what[48];
            snprintf(what, sizeof what, "partition %u on node %d", p, id);
            assert_marks_drawn(s, &r, what);
            cr_assert(isr_mark_filled(s, &r), "%s: in the ISR, a filled mark", what);
            if (r.leader) {
                lead_px = vf_pixel(s, r.badge_x, r.badge_y);
                leaders++;
            } else {
                follow_px = vf_pixel(s, r.badge_x, r.badge_y);
            }
            /* The row lies in its broker's card, inside the panel, apart from the others. */
            const int32_t card = viz_hit_partitions(&l, r.row.x + 2, r.row.y + 2);
            cr_assert_eq(card, ep_of(w, id), "the row is on its broker's card");
            cr_assert(vf_inside(l.partitions, r.row));
            for (uint32_t k = 0; k < rows; k++) cr_assert(!vf_overlap(seen[k], r.row));
            seen[rows++] = r.row;
        }
        /* A broker that holds no replica of p has no row for it. */
        for (uint32_t e = 0; e < w->node_count; e++) {
            if (kpc_contains(reg->replicas, reg->replica_count, w->node_ids[e])) continue;
            viz_replica_row r;
            cr_assert(!viz_replica_row_get(&l, w, (int32_t)e, p, &r));
        }
    }
    cr_assert_eq(rows, 9);
    cr_assert_eq(leaders, 3, "one leader mark per partition");
    cr_assert(!vf_near(lead_px, follow_px, 0.15), "leader and follower marks differ on screen");
    cairo_surface_destroy(s);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * A crash: the grey card, the stale leader, the leader moving
 * ------------------------------------------------------------------------------- */

/* A point of card k's bottom padding, where no row is drawn. */
static viz_rgb card_background(cairo_surface_t *s, const viz_layout *l, int32_t ep)
{
    for (uint32_t k = 0; k < l->card_count; k++) {
        if (l->card_endpoint[k] != ep) continue;
        const viz_rect c = l->card[k];
        return vf_pixel(s, c.x + c.w / 2, c.y + c.h - 2.5);
    }
    cr_assert_fail("no card for endpoint %d", ep);
    return (viz_rgb){0};
}

Test(partitions, a_crashed_brokers_replicas_are_drawn_crashed)
{
    scn_config *cfg = vf_load_file(TOPICS_JSON);
    const int32_t victim = victim_of(cfg);
    sim_world *w = vf_world_at(cfg, NULL, SIM_S(25));
    const int32_t vep = ep_of(w, victim);
    cr_assert_eq(sim_world_node_state(w, vep), SIM_NODE_CRASHED);
    cr_assert_eq(partition(w, 0)->leader, victim, "not fenced yet: still the registered leader");
    viz_layout l;
    cairo_surface_t *s = vf_render(w, NULL, &l, 1280, 800);
    for (uint32_t p = 0; p < 3; p++) {
        const viz_replica_row r = row_of(&l, w, victim, p);
        cr_assert(r.down);
        assert_marks_drawn(s, &r, "crashed broker");
        cr_assert(grey(vf_pixel(s, r.badge_x, r.badge_y)), "partition %u: a grey role mark", p);
        cr_assert(r.in_isr && isr_mark_filled(s, &r), "not fenced yet: still in the ISR");
        cr_assert(grey(r.committed) && grey(r.uncommitted) && grey(r.empty));
    }
    /* Its stale leadership of orders-0: drawn as a leader, but grey, and ringed in red. */
    const viz_replica_row stale = row_of(&l, w, victim, 0);
    cr_assert(stale.leader);
    const viz_rgb stale_px = vf_pixel(s, stale.badge_x, stale.badge_y);
    const int32_t live =
        partition(w, 1)->leader != victim ? partition(w, 1)->leader : partition(w, 2)->leader;
    const uint32_t live_p = partition(w, 1)->leader == live ? 1 : 2;
    const viz_replica_row alive = row_of(&l, w, live, live_p);
    cr_assert(alive.leader && !alive.down);
    cr_assert(!vf_near(stale_px, vf_pixel(s, alive.badge_x, alive.badge_y), 0.2),
              "a down leader is not drawn like a running one");
    const viz_rgb ring = vf_pixel(s, stale.badge.x - 1.5, stale.badge.y + stale.badge.h / 2);
    cr_assert_gt(ring.r - ring.b, 0.25, "the down leader's mark is ringed in vermilion");
    /* The card itself is grey; the others are not. */
    const viz_rgb down_bg = card_background(s, &l, vep);
    const viz_rgb up_bg = card_background(s, &l, ep_of(w, live));
    cr_assert(!vf_near(down_bg, up_bg, 0.03), "the crashed card's background differs");
    cr_assert_lt(down_bg.r, up_bg.r);
    cairo_surface_destroy(s);
    /* Restarted and back in every ISR: the card and marks are no longer grey. */
    sim_world_run_until(w, SIM_S(55));
    cr_assert_eq(sim_world_node_state(w, vep), SIM_NODE_RUNNING);
    s = vf_render(w, NULL, &l, 1280, 800);
    cr_assert(vf_near(card_background(s, &l, vep), up_bg, TOL));
    for (uint32_t p = 0; p < 3; p++) {
        const viz_replica_row r = row_of(&l, w, victim, p);
        cr_assert(!r.down);
        cr_assert(r.in_isr, "partition %u: the restarted broker rejoined the ISR", p);
        assert_marks_drawn(s, &r, "restarted broker");
        cr_assert(!grey(vf_pixel(s, r.badge_x, r.badge_y)));
    }
    cairo_surface_destroy(s);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(partitions, the_leader_mark_moves_when_the_leader_crashes)
{
    scn_config *cfg = vf_load_file(TOPICS_JSON);
    const int32_t victim = victim_of(cfg);
    sim_world *w = vf_world_at(cfg, NULL, SIM_MS(19900));
    viz_layout l;
    cairo_surface_t *s = vf_render(w, NULL, &l, 1280, 800);
    const viz_replica_row before = row_of(&l, w, victim, 0);
    cr_assert(before.leader && before.in_isr);
    assert_marks_drawn(s, &before, "leader before the crash");
    const viz_rgb lead_px = vf_pixel(s, before.badge_x, before.badge_y);
    cr_assert_gt(lead_px.b - lead_px.r, 0.3, "the leader's mark is the leader blue");
    cairo_surface_destroy(s);
    /* The controller fences the crashed broker after broker.session.timeout.ms and
     * elects another ISR member. */
    step_until_new_leader(w, 0, victim, SIM_S(39));
    sim_world_run_until(w, sim_world_now(w) + SIM_MS(100));
    const kpc_reg *reg = partition(w, 0);
    const int32_t leader = reg->leader;
    cr_assert_neq(leader, victim);
    cr_assert(!kpc_contains(reg->isr, reg->isr_count, victim));
    s = vf_render(w, NULL, &l, 1280, 800);
    const viz_replica_row now_lead = row_of(&l, w, leader, 0);
    cr_assert(now_lead.leader);
    assert_marks_drawn(s, &now_lead, "new leader");
    cr_assert(vf_near(vf_pixel(s, now_lead.badge_x, now_lead.badge_y), lead_px, TOL),
              "the new leader's mark looks as the old one's did");
    const viz_replica_row old = row_of(&l, w, victim, 0);
    cr_assert(!old.leader && !old.in_isr && old.down);
    assert_marks_drawn(s, &old, "old leader");
    cr_assert(!vf_near(vf_pixel(s, old.badge_x, old.badge_y), lead_px, 0.2), "no leader mark left");
    cr_assert(!isr_mark_filled(s, &old), "out of the ISR: a hollow mark");
    cr_assert(isr_mark_filled(s, &now_lead), "the new leader is in the ISR: a filled mark");
    /* Every other broker's row of orders-0 is a follower now, none a leader. */
    for (uint32_t i = 0; i < reg->replica_count; i++) {
        if (reg->replicas[i] == leader) continue;
        cr_assert(!row_of(&l, w, reg->replicas[i], 0).leader);
    }
    cairo_surface_destroy(s);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * Log bars
 * ------------------------------------------------------------------------------- */

/* Appends `count` records to partition p on its leader `leader_id` (acks=1). */
static void append(sim_world *w, uint32_t p, int32_t leader_id, uint32_t count)
{
    const uint32_t b = repl_broker_index(&w->repl, leader_id);
    cr_assert_neq(b, UINT32_MAX);
    const repl_produce_req req = {.partition_index = p,
                                  .acks = 1,
                                  .record_count = count,
                                  .record_bytes = 100,
                                  .producer_id = -1,
                                  .first_sequence = -1,
                                  .timeout_us = SIM_S(30),
                                  .request_id = 1};
    repl_produce_result res;
    cr_assert(repl_produce(&w->repl, b, &req, &res), "acks=1 is answered at append");
    cr_assert_eq(res.error, REPL_ERR_NONE);
}

Test(partitions, log_bars_show_the_committed_part_and_a_crashed_followers_lag)
{
    scn_config *cfg = vf_load_file(TOPICS_JSON);
    const int32_t victim = victim_of(cfg);
    sim_world *w = vf_world_at(cfg, NULL, SIM_S(25));
    /* A partition whose leader is running; the crashed broker is still in its ISR (not
     * fenced yet), so its HW cannot pass the crashed replica's LEO of 0. */
    uint32_t p = 1;
    if (partition(w, p)->leader == victim) p = 2;
    const kpc_reg *reg = partition(w, p);
    const int32_t leader = reg->leader;
    cr_assert_neq(leader, victim);
    cr_assert(kpc_contains(reg->isr, reg->isr_count, victim));
    int32_t follower = -1;
    for (uint32_t i = 0; i < reg->replica_count; i++)
        if (reg->replicas[i] != leader && reg->replicas[i] != victim) follower = reg->replicas[i];
    append(w, p, leader, 12);
    sim_world_run_until(w, SIM_MS(25600)); /* the live follower fetched them */
    viz_layout l;
    cairo_surface_t *s = vf_render(w, NULL, &l, 1280, 800);
    const viz_replica_row lead = row_of(&l, w, leader, p);
    const viz_replica_row fol = row_of(&l, w, follower, p);
    const viz_replica_row lag = row_of(&l, w, victim, p);
    cr_assert_eq(lead.leo, 12);
    cr_assert_eq(fol.leo, 12, "the running follower caught up");
    cr_assert_eq(lag.leo, 0);
    cr_assert_eq(lead.hw, 0, "the crashed ISR member holds the HW back");
    cr_assert_eq(lead.scale_leo, 12);
    cr_assert_eq(lag.scale_leo, 12, "one scale for every replica of the partition");
    cr_assert(!vf_near(lead.committed, lead.uncommitted, 0.1));
    cr_assert(!vf_near(lead.uncommitted, lead.empty, 0.1));
    cr_assert(vf_near(bar_at(s, &lead, 7.5), lead.uncommitted, TOL), "leader: a tinted tail");
    cr_assert(vf_near(bar_at(s, &fol, 7.5), fol.uncommitted, TOL), "follower: a tinted tail");
    cr_assert(vf_near(bar_at(s, &lag, 7.5), lag.empty, TOL), "crashed follower: an empty bar");
    cairo_surface_destroy(s);
    /* Once the controller fences the crashed broker the ISR shrinks and the HW moves to
     * the LEO: the bars fill; the crashed replica's stays empty, its lag in plain view. */
    step_until_new_leader(w, 0, victim, SIM_S(39));
    sim_world_run_until(w, sim_world_now(w) + SIM_S(1));
    s = vf_render(w, NULL, &l, 1280, 800);
    const viz_replica_row lead2 = row_of(&l, w, leader, p);
    const viz_replica_row lag2 = row_of(&l, w, victim, p);
    cr_assert_eq(lead2.hw, 12);
    cr_assert(vf_near(bar_at(s, &lead2, 7.5), lead2.committed, TOL), "leader: committed");
    cr_assert(vf_near(bar_at(s, &lag2, 7.5), lag2.empty, TOL), "crashed follower: still empty");
    cr_assert(!vf_near(bar_at(s, &lead2, 7.5), bar_at(s, &lag2, 7.5), 0.1));
    /* The HW tick sits at the HW: dark, where the tinted tail was before. */
    const viz_rgb tick = vf_pixel(s, viz_replica_bar_x(&lead2, lead2.hw), lead2.bar.y - 1.5);
    cr_assert_lt(tick.r + tick.g + tick.b, 0.9, "the HW tick at the bar's end");
    cairo_surface_destroy(s);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * Messages of the data plane
 * ------------------------------------------------------------------------------- */

static bool lone_request_of(const sim_world *w, net_msg_kind kind, viz_msg *out)
{
    viz_msg msgs[64];
    const uint32_t n = viz_visible_messages(w, msgs, 64);
    if (n != 1 || msgs[0].dropped || msgs[0].kind != kind) return false;
    *out = msgs[0];
    return true;
}

Test(partitions, replica_fetches_have_their_own_colour)
{
    static const viz_rgb blue = {0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0};
    static const viz_rgb sky = {0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0};
    cr_assert(viz_msg_is_data_plane(NET_MSG_REPLICA_FETCH_REQ));
    cr_assert(viz_msg_is_data_plane(NET_MSG_ALTER_PARTITION_RESP));
    cr_assert(!viz_msg_is_data_plane(NET_MSG_FETCH_REQ));
    cr_assert(!viz_msg_is_data_plane(NET_MSG_BROKER_HEARTBEAT_REQ));
    scn_config *cfg = vf_load_file(TOPICS_JSON);
    sim_world *w = vf_world_at(cfg, NULL, SIM_S(3));
    viz_view v;
    viz_view_init(&v, w);
    bool replica = false, quorum = false;
    while ((!replica || !quorum) && sim_world_now(w) < SIM_S(12)) {
        sim_world_run_until(w, sim_world_now(w) + 250); /* 0.25 ms frames */
        viz_msg m;
        const bool r = !replica && lone_request_of(w, NET_MSG_REPLICA_FETCH_REQ, &m);
        const bool q = !quorum && !r && lone_request_of(w, NET_MSG_FETCH_REQ, &m);
        if (!r && !q) continue;
        viz_layout l;
        cairo_surface_t *s = vf_render(w, NULL, &l, 1280, 800);
        double x, y;
        viz_msg_position(&l, &m, &x, &y);
        const viz_rgb got = vf_pixel(s, x, y);
        cr_assert(vf_near(got, r ? blue : sky, 24 / 255.0), "%s at (%.0f, %.0f): %.3f %.3f %.3f",
                  r ? "a replica Fetch" : "a quorum Fetch", x, y, got.r, got.g, got.b);
        cr_assert(!vf_near(got, r ? sky : blue, 24 / 255.0));
        replica |= r;
        quorum |= q;
        cairo_surface_destroy(s);
    }
    cr_assert(replica, "no lone replica Fetch in flight between 3 s and 12 s");
    cr_assert(quorum, "no lone quorum Fetch in flight between 3 s and 12 s");
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * Crowded clusters
 * ------------------------------------------------------------------------------- */

Test(partitions, nine_brokers_with_36_replicas_show_every_row_at_1280x800)
{
    scn_config *cfg =
        vf_load("partitions.json", "{\"format\": 1, \"name\": \"nine\", \"duration\": \"10s\","
                                   " \"cluster\": {\"controllers\": 9, \"brokers\": 9},"
                                   " \"topics\": [{\"name\": \"orders\", \"partitions\": 12,"
                                   "              \"replication_factor\": 3}]}");
    sim_world *w = vf_world_at(cfg, NULL, SIM_S(5));
    viz_layout l;
    cairo_surface_t *s = vf_render(w, NULL, &l, 1280, 800);
    cr_assert_eq(l.card_count, 9);
    cr_assert_eq(l.cards_hidden, 0);
    cr_assert(!vf_overlap(l.partitions, l.cluster));
    for (uint32_t i = 0; i < w->node_count; i++) {
        const viz_rect node = {l.node_x[i] - l.node_r, l.node_y[i] - l.node_r, 2 * l.node_r,
                               2 * l.node_r};
        cr_assert(vf_inside(l.cluster, node), "node %u inside the cluster panel", i);
    }
    for (uint32_t a = 0; a < l.card_count; a++) {
        cr_assert(vf_inside(l.partitions, l.card[a]));
        for (uint32_t b = a + 1; b < l.card_count; b++)
            cr_assert(!vf_overlap(l.card[a], l.card[b]));
    }
    uint32_t rows = 0;
    for (uint32_t p = 0; p < 12; p++) {
        const kpc_reg *reg = partition(w, p);
        for (uint32_t i = 0; i < reg->replica_count; i++) {
            const viz_replica_row r = row_of(&l, w, reg->replicas[i], p);
            cr_assert(vf_inside(l.partitions, r.row));
            cr_assert_gt(r.bar.w, 20, "a bar long enough to read");
            assert_marks_drawn(s, &r, "nine brokers");
            rows++;
        }
    }
    cr_assert_eq(rows, 36);
    cairo_surface_destroy(s);
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(partitions, a_broker_with_more_replicas_than_rows_shows_what_fits)
{
    scn_config *cfg =
        vf_load("partitions.json", "{\"format\": 1, \"name\": \"many\", \"duration\": \"10s\","
                                   " \"cluster\": {\"controllers\": 3, \"brokers\": 3},"
                                   " \"topics\": [{\"name\": \"orders\", \"partitions\": 64,"
                                   "              \"replication_factor\": 3}]}");
    sim_world *w = vf_world_at(cfg, NULL, SIM_S(5));
    const int sizes[][2] = {{1280, 800}, {640, 400}, {64, 64}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        viz_layout l;
        cairo_surface_t *s = vf_render(w, NULL, &l, sizes[k][0], sizes[k][1]);
        cairo_surface_destroy(s);
        if (k == 2) continue; /* a 64x64 picture only has to draw without errors */
        cr_assert_eq(l.card_count + l.cards_hidden, 3);
        if (k == 0) { /* 640x400 has room for two cards of one row each */
            cr_assert_eq(l.card_count, 3);
            cr_assert_gt(l.card_row_count, 1);
        }
        cr_assert_lt(l.card_row_count, 64);
        for (uint32_t c = 0; c < l.card_count; c++) {
            uint32_t shown = 0;
            for (uint32_t p = 0; p < 64; p++) {
                viz_replica_row r;
                if (!viz_replica_row_get(&l, w, l.card_endpoint[c], p, &r)) continue;
                cr_assert(vf_inside(l.card[c], r.row), "row %u inside card %u", p, c);
                shown++;
            }
            cr_assert_eq(shown, l.card_row_count > 0 ? l.card_row_count - 1 : 0,
                         "one row left for \"+N more\"");
        }
    }
    sim_world_free(w);
    scn_config_free(cfg);
}

Test(partitions, the_inspector_and_the_largest_cluster_draw_without_errors)
{
    scn_config *cfg = vf_load_file(TOPICS_JSON);
    const int32_t victim = victim_of(cfg);
    sim_world *w = vf_world_at(cfg, NULL, SIM_S(25));
    viz_view v;
    viz_view_init(&v, w);
    viz_layout l;
    viz_layout_compute(&l, w, 1280, 800, 1.0);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1280, 800);
    for (uint32_t e = 0; e < w->node_count; e++) {
        v.selected_node = (int32_t)e;
        v.hover_node = ep_of(w, victim);
        cairo_t *cr = cairo_create(s);
        viz_draw_frame(cr, &l, w, &v);
        cr_assert_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
        cairo_destroy(cr);
    }
    cairo_surface_destroy(s);
    sim_world_free(w);
    scn_config_free(cfg);
    /* 9 controllers and 55 brokers with topics: cards for what fits, at every size. */
    cfg = vf_load(
        "partitions.json",
        "{\"format\": 1, \"name\": \"big\", \"duration\": \"3s\","
        " \"cluster\": {\"mode\": \"dedicated\", \"controllers\": 9, \"brokers\": 55},"
        " \"topics\": [{\"name\": \"t\", \"partitions\": 100, \"replication_factor\": 3}]}");
    w = vf_world_at(cfg, NULL, SIM_S(2));
    const int sizes[][2] = {{1280, 800}, {640, 400}, {64, 64}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        s = vf_render(w, NULL, &l, sizes[k][0], sizes[k][1]);
        cairo_surface_destroy(s);
        cr_assert_eq(l.card_count + l.cards_hidden, 55);
        for (uint32_t a = 0; a < l.card_count; a++) cr_assert(vf_inside(l.partitions, l.card[a]));
    }
    sim_world_free(w);
    scn_config_free(cfg);
}
