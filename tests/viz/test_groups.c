/*
 * test_groups.c — consumer groups in the viewer, headless: the consumer boxes, their
 *   messages, the groups panel, a rebalance step by step, the group markers, and
 *   pictures without groups unchanged.
 *
 * Goal: with consumer groups each member slot has a box in the cluster panel where
 *   viz_consumer_box_get says, in the colours it reports, and the groups panel stands
 *   between the metadata logs and the event log; a consumer's Fetch in flight is drawn
 *   as an olive diamond and its group requests as wine squares on their lanes; each
 *   partition row names the member the model says owns and reads the partition, before
 *   and after a rebalance, and a partition nobody reads is tinted; the group's state
 *   (its name and the fill of its disc) follows the coordinator's through the
 *   rebalance, and the rebalance's steps come in order: revoke, join, sync, assign,
 *   done; revoked and assigned partitions flash for VIZ_ALERT_US; the member's expiry
 *   and the new generation are group markers that say why, drawn on the timeline; a
 *   click on a box selects the member and the inspector draws it; without groups
 *   nothing of this is laid out or drawn: the frame is the frame drawn with the group
 *   layer disabled, pixel for pixel, and the event log keeps its place. Every check has
 *   a control that shows it can fail: the same sample on a frame drawn with the group
 *   layer disabled (view.hide_groups), or at an instant when the model differs.
 * Method: tests/viz/groups.json (3 combined nodes, "orders" with 4 partitions RF 3, a
 *   producer at 200 records/s, group billing of 2 members with session.timeout.ms 6 s
 *   and heartbeat.interval.ms 2 s; member 1 crashes at 20 s, its session expires about
 *   6 s after its last heartbeat, and member 0 takes its partitions). Consumer groups
 *   are enabled with scn_set_groups_enabled(true) in the suite's init, as the CLI does.
 *   Markers and group records come from a viz_markers sink attached before the first
 *   step, as `kraftlab render` does; frames are drawn by viz_render_png (what `render`
 *   calls) and read back, or by viz_draw_frame on an image surface. Expectations are
 *   read from the model (the consumers' owned partitions and states, the active
 *   coordinator), never hard-coded beyond what the scenario file fixes; waits step the
 *   world with a sim-time limit. Pixels are sampled at points the viz API reports clear
 *   of text. No golden images.
 */
#include "../../viz/markers.h"
#include "viz_fixture.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define GROUPS_JSON    "tests/viz/groups.json"
#define PRODUCERS_JSON "tests/viz/producers.json"
#define TOPICS_JSON    "tests/viz/topics.json"
#define TOL            (3 / 255.0)
#define WINE           0x882255 /* the group protocol, the consumers' marks */
#define OLIVE          0x999933 /* the consumers' Fetch */
#define GREEN          0x009E73 /* Stable */
#define ORANGE         0xE69F00 /* PreparingRebalance */
#define SKY            0x56B4E9 /* CompletingRebalance */
#define WHITE          0xFFFFFF
#define BACKGROUND     0xF4F4F1

static void enable_groups(void)
{
    scn_set_groups_enabled(true);
}

TestSuite(groups, .init = enable_groups);

/* ---------------------------------------------------------------------------------
 * Fixture
 * ------------------------------------------------------------------------------- */

static const kg_consumer *member(const sim_world *w, uint32_t g, uint32_t slot)
{
    cr_assert(w->has_groups && g < w->groups.group_count && slot < KG_MEMBERS_MAX);
    return &w->groups.consumers[(size_t)g * KG_MEMBERS_MAX + slot];
}

/* The model's answer: the Stable member that owns group partition p, or -1. (The test
 * scenario's assignors are Kafka's defaults, range first: the eager protocol, so a
 * member that owns a partition outside Stable never reads it.) */
static int32_t model_owner(const sim_world *w, uint32_t g, uint32_t p)
{
    for (uint32_t i = 0; i < w->groups.groups[g].members_max; i++) {
        const kg_consumer *c = member(w, g, i);
        if (c->state == KG_C_STABLE && ((c->owned.w[p / 64] >> (p % 64)) & 1u)) return (int32_t)i;
    }
    return -1;
}

static kg_state coordinator_state(const sim_world *w, int32_t *generation)
{
    const kg_coord *c = kg_active_coordinator(&w->groups, 0, NULL);
    cr_assert_not_null(c, "billing has a coordinator");
    if (generation != NULL) *generation = c->generation;
    return c->state;
}

/* ---------------------------------------------------------------------------------
 * (a) The boxes and the panel
 * ------------------------------------------------------------------------------- */

Test(groups, the_boxes_and_the_panel_are_drawn_where_they_are_reported)
{
    scn_config *cfg = vf_load_file(GROUPS_JSON);
    viz_markers mk;
    sim_world *w = vf_world_at(cfg, &mk, SIM_S(15));
    cr_assert(w->has_groups && w->groups.group_count == 1);
    viz_view v;
    vf_view_of(w, &mk, &v);
    viz_layout l;
    cairo_surface_t *s = vf_render(w, &v, &l, 1280, 800);
    cr_assert_eq(l.consumer_count, 2, "one box per member slot");
    cr_assert(vf_inside(l.cluster, l.consumers) && !vf_overlap(l.consumers, l.clients));
    for (uint32_t k = 0; k < 2; k++) {
        viz_consumer_box b;
        cr_assert(viz_consumer_box_get(&l, w, &v, k, &b));
        cr_assert(b.group == 0 && b.slot == k && b.endpoint == member(w, 0, k)->endpoint);
        cr_assert(vf_inside(l.consumers, b.box));
        cr_assert_eq(b.state, KG_C_STABLE, "both members are Stable at 15 s");
        cr_assert_str_eq(b.state_word, "stable");
        cr_assert(vf_near(vf_pixel(s, b.glyph_x, b.glyph_y), vf_hex(WINE), TOL), "the C mark");
        cr_assert(vf_near(vf_pixel(s, b.fill_x, b.fill_y), b.fill, TOL), "the box's body");
        cr_assert(!vf_near(b.fill, vf_hex(WHITE), TOL), "the box is told apart from the panel");
        cr_assert_gt(b.cells.w, 0, "a full box shows its partitions");
    }
    /* The panel: in the right column, between the logs and the events. */
    cr_assert(l.groups.w > 0 && l.group_count == 1 && l.group_rows[0] == 4);
    cr_assert(l.groups.x == l.logs.x && l.groups.y > l.logs.y + l.logs.h);
    cr_assert(l.events.y > l.groups.y + l.groups.h);
    cr_assert(vf_inside(l.groups, l.group_block[0]));
    viz_group_head h;
    cr_assert(viz_group_head_get(&l, w, &v, 0, &h));
    cr_assert(vf_near(vf_pixel(s, h.shape_x, h.shape_y), h.shape_fill, TOL), "the state's disc");
    const viz_rect p = l.groups;
    const double px = p.x + 4, py = p.y + p.h - 3; /* a corner of the panel, clear of text */
    cr_assert(vf_near(vf_pixel(s, px, py), vf_hex(WHITE), TOL), "the panel's body");
    viz_group_row r;
    cr_assert(viz_group_row_get(&l, w, &v, 0, 0, &r));
    cr_assert(vf_near(vf_pixel(s, r.chip_x, r.chip_y), vf_hex(WINE), TOL), "orders-0's owner chip");
    /* Control: with the group layer off the same pixels are the panels' and the
     * background's, and nothing is reported. */
    v.hide_groups = true;
    viz_consumer_box b0;
    cr_assert(!viz_consumer_box_get(&l, w, &v, 0, &b0) && !viz_group_head_get(&l, w, &v, 0, &h));
    cairo_surface_t *off = vf_render(w, &v, &l, 1280, 800);
    v.hide_groups = false;
    cr_assert(viz_consumer_box_get(&l, w, &v, 0, &b0));
    cr_assert(vf_near(vf_pixel(off, b0.glyph_x, b0.glyph_y), vf_hex(WHITE), TOL));
    cr_assert(vf_near(vf_pixel(off, px, py), vf_hex(BACKGROUND), TOL), "no groups panel");
    cr_assert(vf_near(vf_pixel(off, r.chip_x, r.chip_y), vf_hex(BACKGROUND), TOL));
    cairo_surface_destroy(off);
    cairo_surface_destroy(s);
    viz_markers_deinit(&mk);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * (b) Messages: a consumer's Fetch and its group requests
 * ------------------------------------------------------------------------------- */

/* A message of `kind` from a consumer of billing, in the middle of its link; NULL when
 * none now. */
static const net_msg *consumer_msg(const sim_world *w, net_msg_kind kind)
{
    uint32_t cursor = 0;
    const net_msg *m;
    const int32_t first = member(w, 0, 0)->endpoint;
    while ((m = net_next_in_flight(&w->net, &cursor)) != NULL) {
        if (m->kind != kind || m->from < first || m->from > first + 1 || m->doomed) continue;
        const double p = (double)(w->engine.now - m->sent_at) / (double)(m->due_at - m->sent_at);
        if (p > 0.35 && p < 0.65) return m;
    }
    return NULL;
}

/* Steps w (0.1 ms at a time, until `limit`) to an instant with such a message. */
static const net_msg *wait_for(sim_world *w, net_msg_kind kind, sim_time limit)
{
    const net_msg *m = NULL;
    for (sim_time t = w->engine.now; t < limit && (m = consumer_msg(w, kind)) == NULL;) {
        t += 100;
        sim_world_run_until(w, t);
    }
    return m;
}

/* Draws the frame and checks that message m is drawn in colour h at its place, and is
 * not there with the group layer off. */
static void check_drawn(const sim_world *w, viz_view *v, const net_msg *m, uint32_t h,
                        const char *what)
{
    viz_layout l;
    cairo_surface_t *s = vf_draw(w, v, &l, 1280, 800);
    viz_msg msgs[1024];
    const uint32_t n = viz_visible_messages(w, msgs, 1024);
    const viz_msg *vm = NULL;
    for (uint32_t i = 0; i < n; i++)
        if (msgs[i].id == m->id) vm = &msgs[i];
    cr_assert_not_null(vm, "the viewer lists the %s", what);
    double x, y;
    viz_msg_position(&l, vm, &x, &y);
    cr_assert(vf_inside(l.cluster, (viz_rect){x, y, 0, 0}));
    const viz_rgb at = vf_pixel(s, x, y);
    cr_assert(vf_near(at, vf_hex(h), TOL), "a %s: (%f %f %f)", what, at.r, at.g, at.b);
    v->hide_groups = true;
    cairo_surface_t *off = vf_draw(w, v, &l, 1280, 800);
    v->hide_groups = false;
    cr_assert(!vf_near(vf_pixel(off, x, y), vf_hex(h), 0.1), "no %s with the group layer off",
              what);
    cairo_surface_destroy(off);
    cairo_surface_destroy(s);
}

Test(groups, a_consumer_fetch_and_a_group_request_are_drawn_on_their_lanes)
{
    scn_config *cfg = vf_load_file(GROUPS_JSON);
    viz_markers mk;
    sim_world *w = vf_world_at(cfg, &mk, SIM_S(10));
    cr_assert(viz_msg_is_data_plane(NET_MSG_CONSUMER_FETCH_REQ));
    cr_assert(viz_msg_is_group(NET_MSG_HEARTBEAT_REQ) && !viz_msg_is_group(NET_MSG_FETCH_REQ));
    const net_msg *m = wait_for(w, NET_MSG_CONSUMER_FETCH_REQ, SIM_S(12));
    cr_assert_not_null(m, "a consumer's Fetch in flight between 10 s and 12 s");
    viz_view v;
    vf_view_of(w, &mk, &v);
    check_drawn(w, &v, m, OLIVE, "consumer Fetch (olive diamond)");
    m = wait_for(w, NET_MSG_HEARTBEAT_REQ, SIM_S(16));
    cr_assert_not_null(m, "a member's Heartbeat in flight between 12 s and 16 s");
    vf_view_of(w, &mk, &v);
    check_drawn(w, &v, m, WINE, "group Heartbeat (wine square)");
    viz_markers_deinit(&mk);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * (c) Owners, before, during and after the rebalance
 * ------------------------------------------------------------------------------- */

/* Checks every row of billing against the model now and returns the owners shown. */
static void check_owners(const sim_world *w, const viz_markers *mk, int32_t owners[4])
{
    viz_view v;
    vf_view_of(w, mk, &v);
    viz_layout l;
    cairo_surface_t *s = vf_draw(w, &v, &l, 1280, 800);
    cr_assert_eq(w->groups.groups[0].partition_count, 4);
    for (uint32_t p = 0; p < 4; p++) {
        viz_group_row r;
        cr_assert(viz_group_row_get(&l, w, &v, 0, p, &r));
        owners[p] = r.owner;
        cr_assert_eq(r.owner, model_owner(w, 0, p), "orders-%u at %.3f s", p,
                     (double)w->engine.now / 1e6);
        cr_assert_eq(r.partition, w->groups.groups[0].partitions[p]);
        /* The chip: wine for a reader, white inside its outline for a member that does
         * not read it, the row's own colour (a dash beside the point) for nobody. */
        const viz_rgb want = r.owner >= 0      ? vf_hex(WINE)
                             : r.assigned >= 0 ? vf_hex(WHITE)
                                               : r.row_fill;
        cr_assert(vf_near(vf_pixel(s, r.chip_x, r.chip_y), want, TOL), "orders-%u's chip", p);
        /* The row's last pixels hold no text: its tint. */
        const viz_rgb tint = vf_pixel(s, floor(r.row.x + r.row.w) - 2, floor(r.row.y) + 2);
        cr_assert(vf_near(tint, r.row_fill, TOL), "orders-%u's row", p);
        cr_assert_eq(r.paused, r.owner < 0, "paused exactly when nobody reads it");
    }
    cairo_surface_destroy(s);
}

Test(groups, the_owner_shown_is_the_models_before_during_and_after_the_rebalance)
{
    scn_config *cfg = vf_load_file(GROUPS_JSON);
    viz_markers mk;
    sim_world *w = vf_world_at(cfg, &mk, SIM_S(15));
    int32_t before[4], during[4], after[4];
    check_owners(w, &mk, before);
    bool both = false;
    for (uint32_t p = 1; p < 4; p++) both |= before[p] != before[0];
    cr_assert(both && before[0] >= 0, "two members share the partitions at 15 s");
    /* Member 1 crashed at 20 s: its partitions are read by nobody, the coordinator still
     * names it until its session expires. */
    sim_world_run_until(w, SIM_S(23));
    check_owners(w, &mk, during);
    uint32_t paused = 0;
    viz_view v;
    vf_view_of(w, &mk, &v);
    viz_layout l;
    viz_layout_compute(&l, w, 1280, 800, 1.0);
    for (uint32_t p = 0; p < 4; p++) {
        viz_group_row r;
        cr_assert(viz_group_row_get(&l, w, &v, 0, p, &r));
        if (before[p] != 1) continue;
        paused++;
        cr_assert(r.paused && r.owner == -1 && r.assigned == 1, "orders-%u waits for member 1", p);
        cr_assert(!vf_near(r.row_fill, vf_hex(WHITE), TOL), "a paused row is tinted");
    }
    cr_assert_gt(paused, 0);
    /* After the rebalance member 0 reads everything. */
    sim_world_run_until(w, SIM_S(35));
    int32_t generation = 0;
    cr_assert_eq(coordinator_state(w, &generation), KG_STATE_STABLE);
    cr_assert_eq(generation, 2);
    check_owners(w, &mk, after);
    for (uint32_t p = 0; p < 4; p++) cr_assert_eq(after[p], 0, "orders-%u is member 0's", p);
    cr_assert(memcmp(before, after, sizeof before) != 0, "the rebalance moved partitions");
    viz_markers_deinit(&mk);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * (d) The state and the steps of the rebalance
 * ------------------------------------------------------------------------------- */

/* Samples the header now: its state text and the fill at its two sample points. */
static void sample_head(const sim_world *w, const viz_markers *mk, viz_group_head *h,
                        viz_rgb *lower_left, viz_rgb *upper_right, viz_rgb *step)
{
    viz_view v;
    vf_view_of(w, mk, &v);
    viz_layout l;
    cairo_surface_t *s = vf_draw(w, &v, &l, 1280, 800);
    cr_assert(viz_group_head_get(&l, w, &v, 0, h));
    *lower_left = vf_pixel(s, h->shape_x, h->shape_y);
    *upper_right = vf_pixel(s, h->shape_x2, h->shape_y2);
    const int k = h->reb.phase < VIZ_PHASE_DONE ? (int)h->reb.phase : 3;
    *step = vf_pixel(s, h->step[k].x + h->step[k].w - 3, h->step[k].y + 2); /* right of its text */
    cairo_surface_destroy(s);
}

Test(groups, the_state_and_the_steps_follow_the_rebalance)
{
    scn_config *cfg = vf_load_file(GROUPS_JSON);
    viz_markers mk;
    sim_world *w = vf_world_at(cfg, &mk, SIM_S(24));
    viz_group_head h;
    viz_rgb ll, ur, step;
    sample_head(w, &mk, &h, &ll, &ur, &step);
    cr_assert_eq(h.state, KG_STATE_STABLE);
    cr_assert_str_eq(h.state_text, "Stable");
    cr_assert(h.generation == 1 && h.coordinator_known && h.members == 2);
    cr_assert(vf_near(ll, vf_hex(GREEN), TOL) && vf_near(ur, vf_hex(GREEN), TOL),
              "Stable: a full disc");
    cr_assert(!h.steps_shown, "the first rebalance ended long ago");
    /* Step event by event through the rebalance: the phases come in order, each once,
     * and the header shows the coordinator's state at every step. */
    viz_view v;
    bool seen[VIZ_PHASE_DONE + 1] = {false};
    int last = -1;
    bool sampled_prepare = false, sampled_complete = false;
    while (w->engine.now < SIM_S(30) && !seen[VIZ_PHASE_DONE]) {
        cr_assert(sim_world_step(w));
        vf_view_of(w, &mk, &v);
        viz_rebalance r;
        viz_group_rebalance(w, &v, 0, &r);
        int32_t gen = 0;
        const kg_state st = coordinator_state(w, &gen);
        if (!r.any || r.at[VIZ_PHASE_REVOKE] < SIM_S(24)) continue; /* the first one */
        cr_assert_geq((int)r.phase, last, "phases only move forward (%d after %d)", r.phase, last);
        last = (int)r.phase;
        seen[r.phase] = true;
        if (st == KG_STATE_PREPARING_REBALANCE)
            cr_assert(r.phase == VIZ_PHASE_REVOKE || r.phase == VIZ_PHASE_JOIN);
        if (st == KG_STATE_COMPLETING_REBALANCE) cr_assert_eq(r.phase, VIZ_PHASE_SYNC);
        if (st == KG_STATE_PREPARING_REBALANCE && !sampled_prepare) {
            sampled_prepare = true;
            sample_head(w, &mk, &h, &ll, &ur, &step);
            cr_assert_str_eq(h.state_text, "PreparingRebalance");
            cr_assert(vf_near(ll, vf_hex(ORANGE), TOL),
                      "PreparingRebalance: the left half, orange");
            cr_assert(vf_near(ur, vf_hex(WHITE), TOL), "... and not the upper right");
            cr_assert(h.steps_shown && h.reb.phase == VIZ_PHASE_REVOKE);
            cr_assert(vf_near(step, vf_hex(WINE), TOL), "the current step is wine");
        }
        if (st == KG_STATE_COMPLETING_REBALANCE && !sampled_complete) {
            sampled_complete = true;
            sample_head(w, &mk, &h, &ll, &ur, &step);
            cr_assert_str_eq(h.state_text, "CompletingRebalance");
            cr_assert(vf_near(ll, vf_hex(SKY), TOL) && vf_near(ur, vf_hex(WHITE), TOL));
            cr_assert(h.generation == 2 && h.reb.generation == 2 && h.reb.members == 1);
        }
    }
    for (int k = 0; k <= VIZ_PHASE_DONE; k++) cr_assert(seen[k], "phase %d was shown", k);
    cr_assert(sampled_prepare && sampled_complete);
    /* Done: Stable in generation 2, the steps stay a while with how long each took. */
    sample_head(w, &mk, &h, &ll, &ur, &step);
    cr_assert(h.state == KG_STATE_STABLE && h.generation == 2);
    cr_assert(vf_near(ll, vf_hex(GREEN), TOL) && vf_near(ur, vf_hex(GREEN), TOL));
    cr_assert(h.steps_shown && h.reb.phase == VIZ_PHASE_DONE);
    for (int k = 0; k < VIZ_PHASE_DONE; k++)
        cr_assert(h.reb.at[k] <= h.reb.at[k + 1], "step %d ends after it began", k);
    cr_assert(!vf_near(step, vf_hex(WINE), TOL), "no step is current any more");
    sim_world_run_until(w, w->engine.now + VIZ_REBALANCE_SHOW_US + SIM_MS(1));
    sample_head(w, &mk, &h, &ll, &ur, &step);
    cr_assert(!h.steps_shown, "the steps are gone %d s later", 5);
    viz_markers_deinit(&mk);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * (e) Revoked and assigned partitions flash
 * ------------------------------------------------------------------------------- */

/* The first group record of `kind` at or after `from`, or NULL. */
static const viz_group_ev *first_record(const viz_markers *mk, viz_group_ev_kind kind,
                                        sim_time from)
{
    for (uint32_t i = 0; i < mk->gev_count; i++)
        if (mk->gevs[i].kind == kind && mk->gevs[i].t >= from) return &mk->gevs[i];
    return NULL;
}

Test(groups, revoked_and_assigned_partitions_flash_for_a_moment)
{
    scn_config *cfg = vf_load_file(GROUPS_JSON);
    viz_markers mk;
    sim_world *w = vf_world_at(cfg, &mk, SIM_S(40));
    /* The sink saw member 0 revoke its partitions (eager: with its JoinGroup) and then
     * get all four, after member 1 expired. */
    const viz_group_ev *revoke = first_record(&mk, VIZ_GEV_REVOKE, SIM_S(24));
    const viz_group_ev *assign = first_record(&mk, VIZ_GEV_ASSIGN, SIM_S(24));
    cr_assert(revoke != NULL && assign != NULL && revoke->t < assign->t);
    cr_assert(revoke->member == 0 && assign->member == 0);
    const viz_group_ev *sent = first_record(&mk, VIZ_GEV_JOIN_SENT, SIM_S(24));
    cr_assert(sent != NULL && sent->t == revoke->t, "revoked as it sent JoinGroup");
    uint32_t revoked = 0, assigned = 0;
    for (uint32_t i = 0; i < mk.gev_count; i++) {
        revoked += mk.gevs[i].t == revoke->t && mk.gevs[i].kind == VIZ_GEV_REVOKE;
        assigned += mk.gevs[i].t == assign->t && mk.gevs[i].kind == VIZ_GEV_ASSIGN;
    }
    cr_assert(revoked >= 1 && revoked + assigned == 4 + revoked, "all four assigned");
    const sim_time revoke_t = revoke->t, assign_t = assign->t;
    const uint32_t p = (uint32_t)revoke->value;
    sim_world_free(w);
    viz_markers_deinit(&mk);
    /* Drawn: between the revoke and the assignment the revoked rows are red... */
    w = vf_world_at(cfg, &mk, revoke_t);
    viz_view v;
    vf_view_of(w, &mk, &v);
    viz_layout l;
    cairo_surface_t *s = vf_draw(w, &v, &l, 1280, 800);
    viz_group_row r;
    cr_assert(viz_group_row_get(&l, w, &v, 0, p, &r));
    cr_assert(r.flash == VIZ_FLASH_REVOKED && r.flash_member == 0);
    cr_assert(vf_near(vf_pixel(s, r.row.x + 1, r.row.y + 5), vf_hex(0xD55E00), TOL),
              "the red stripe");
    cairo_surface_destroy(s);
    /* ... then every row is green, and a second later none is. */
    sim_world_run_until(w, assign_t + SIM_MS(1));
    vf_view_of(w, &mk, &v);
    s = vf_draw(w, &v, &l, 1280, 800);
    for (uint32_t q = 0; q < 4; q++) {
        cr_assert(viz_group_row_get(&l, w, &v, 0, q, &r));
        cr_assert_eq(r.flash, VIZ_FLASH_ASSIGNED, "orders-%u", q);
        cr_assert(vf_near(vf_pixel(s, r.row.x + 1, r.row.y + 5), vf_hex(GREEN), TOL),
                  "the green stripe");
    }
    cairo_surface_destroy(s);
    sim_world_run_until(w, assign_t + VIZ_ALERT_US + SIM_MS(1));
    vf_view_of(w, &mk, &v);
    s = vf_draw(w, &v, &l, 1280, 800);
    for (uint32_t q = 0; q < 4; q++) {
        cr_assert(viz_group_row_get(&l, w, &v, 0, q, &r));
        cr_assert_eq(r.flash, VIZ_FLASH_NONE);
        cr_assert(vf_near(vf_pixel(s, r.row.x + 1, r.row.y + 5), vf_hex(WHITE), TOL), "no stripe");
    }
    cairo_surface_destroy(s);
    viz_markers_deinit(&mk);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * (f) Markers: the expiry and the new generation, with why
 * ------------------------------------------------------------------------------- */

static const viz_marker *find_marker(const viz_markers *mk, const char *needle)
{
    for (uint32_t i = 0; i < mk->count; i++)
        if (mk->items[i].kind == VIZ_MARK_GROUP && strstr(mk->items[i].text, needle) != NULL)
            return &mk->items[i];
    return NULL;
}

Test(groups, the_expiry_and_the_rebalance_are_markers_that_say_why)
{
    scn_config *cfg = vf_load_file(GROUPS_JSON);
    viz_markers mk;
    sim_world *w = vf_world_at(cfg, &mk, SIM_S(40));
    const viz_marker *first = find_marker(&mk, "rebalances to generation 1 (2 members");
    const viz_marker *expiry = find_marker(&mk, "removes member 1 (billing/1)");
    const viz_marker *second = find_marker(&mk, "rebalances to generation 2 (1 member;");
    cr_assert(first != NULL && expiry != NULL && second != NULL);
    cr_assert(strstr(first->why, "joined an Empty group") != NULL, "%s", first->why);
    cr_assert(expiry->t > SIM_S(25) && expiry->t < SIM_S(27), "about 6 s after 19.x s");
    cr_assert(strstr(expiry->why, "no heartbeat for session.timeout.ms (6000 ms)") != NULL, "%s",
              expiry->why);
    cr_assert(strstr(second->why, "member 1's session expired") != NULL, "%s", second->why);
    cr_assert(second->t > expiry->t);
    uint32_t groups = 0;
    for (uint32_t i = 0; i < mk.count; i++) groups += mk.items[i].kind == VIZ_MARK_GROUP;
    cr_assert_eq(groups, 3, "two rebalances and one expiry");
    /* Drawn on the timeline, in wine; nothing there with no group marker. */
    viz_view v;
    vf_view_of(w, &mk, &v);
    viz_layout l;
    cairo_surface_t *s = vf_draw(w, &v, &l, 1280, 800);
    const viz_rect bar = {l.timeline.x + 12, l.timeline.y + 26, l.timeline.w - 24,
                          l.timeline.h - 46}; /* viz__timeline_bar */
    const double tx = floor(bar.x + bar.w * ((double)expiry->t / (double)v.end_us));
    cr_assert(vf_near(vf_pixel(s, tx, bar.y + bar.h - 3), vf_hex(WINE), TOL), "the expiry's tick");
    const double empty_x = floor(bar.x + bar.w * (SIM_S(15) / (double)v.end_us));
    cr_assert(!vf_near(vf_pixel(s, empty_x, bar.y + bar.h - 3), vf_hex(WINE), 0.1),
              "no tick at 15 s");
    cairo_surface_destroy(s);
    viz_markers_deinit(&mk);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * (g) A click on a box: the inspector
 * ------------------------------------------------------------------------------- */

Test(groups, a_click_on_a_box_selects_the_member_and_the_inspector_draws)
{
    scn_config *cfg = vf_load_file(GROUPS_JSON);
    viz_markers mk;
    sim_world *w = vf_world_at(cfg, &mk, SIM_S(15));
    viz_view v;
    vf_view_of(w, &mk, &v);
    viz_layout l;
    viz_layout_compute(&l, w, 1280, 800, 1.0);
    const viz_rect b = l.consumer[1];
    cr_assert_eq(viz_hit_consumer(&l, b.x + b.w / 2, b.y + b.h / 2), (int32_t)(0 * 32 + 1));
    cr_assert_eq(viz_hit_consumer(&l, b.x - 3, b.y + b.h / 2), -1);
    cr_assert_eq(viz_hit_client(&l, b.x + b.w / 2, b.y + b.h / 2), -1);
    cr_assert_eq(viz_hit_node(&l, b.x + b.w / 2, b.y + b.h / 2), -1);
    cairo_surface_t *plain = vf_draw(w, &v, &l, 1280, 800);
    v.selected_consumer = 1;
    v.hover_consumer = 1;
    cairo_surface_t *inspected = vf_draw(w, &v, &l, 1280, 800);
    cr_assert(!vf_same_pixels(plain, inspected), "the inspector is drawn");
    cairo_surface_destroy(plain);
    cairo_surface_destroy(inspected);
    /* A crashed member's inspector, and a group request's (its ends name the consumer). */
    sim_world_run_until(w, SIM_S(21));
    cairo_surface_destroy(vf_draw(w, &v, &l, 640, 400));
    const net_msg *m = wait_for(w, NET_MSG_HEARTBEAT_REQ, SIM_S(24));
    cr_assert_not_null(m);
    v.selected_consumer = -1;
    v.selected_msg = m->id;
    cairo_surface_destroy(vf_draw(w, &v, &l, 640, 400));
    viz_markers_deinit(&mk);
    sim_world_free(w);
    scn_config_free(cfg);
}

/* ---------------------------------------------------------------------------------
 * (h) Crowded layouts
 * ------------------------------------------------------------------------------- */

/* Three groups of eight members (24 boxes), each group on its own topic. */
static scn_config *crowded(bool nine)
{
    char json[4096];
    int n =
        snprintf(json, sizeof json,
                 "{\"format\": 1, \"name\": \"crowded\", \"seed\": 3, \"duration\": \"4s\","
                 " \"cluster\": {\"mode\": \"combined\", \"controllers\": %d, \"brokers\": %d},"
                 " \"topics\": [{\"name\": \"t\", \"partitions\": 12, \"replication_factor\": 3}],"
                 " \"producers\": [{\"name\": \"p\", \"topic\": \"t\", \"rate\": 50}],"
                 " \"consumer_groups\": [",
                 nine ? 9 : 3, nine ? 9 : 3);
    for (int g = 0; g < 3; g++)
        n += snprintf(json + n, sizeof json - (size_t)n,
                      "%s{\"group\": \"a-group-with-a-long-name-%d\", \"topics\": [\"t\"],"
                      " \"members\": 8}",
                      g ? ", " : "", g);
    snprintf(json + n, sizeof json - (size_t)n, "]}");
    return vf_load("groups.json", json);
}

Test(groups, crowded_groups_fit_their_places_at_every_size)
{
    for (int nine = 0; nine < 2; nine++) {
        scn_config *cfg = crowded(nine);
        viz_markers mk;
        sim_world *w = vf_world_at(cfg, &mk, SIM_MS(3500));
        viz_view v;
        vf_view_of(w, &mk, &v);
        v.selected_consumer = 2 * 32 + 7;
        const int sizes[][2] = {{1280, 800}, {1000, 640}, {640, 400}, {64, 64}};
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            viz_layout l;
            cairo_surface_destroy(vf_render(w, &v, &l, sizes[k][0], sizes[k][1]));
            cr_assert_eq(l.consumer_count + l.consumers_hidden, 24);
            for (uint32_t i = 0; i < l.consumer_count; i++) {
                cr_assert(vf_inside(l.consumers, l.consumer[i]), "box %u at %dx%d", i, sizes[k][0],
                          sizes[k][1]);
                for (uint32_t j = 0; j < i; j++)
                    cr_assert(!vf_overlap(l.consumer[i], l.consumer[j]), "boxes %u and %u at %dx%d",
                              i, j, sizes[k][0], sizes[k][1]);
                cr_assert(!vf_overlap(l.consumer[i], l.clients), "box %u and the producers", i);
            }
            for (uint32_t g = 0; g < l.group_count; g++)
                cr_assert(vf_inside(l.groups, l.group_block[g]), "group %u at %dx%d", g,
                          sizes[k][0], sizes[k][1]);
            if (sizes[k][0] >= 1000) cr_assert_gt(l.consumer_count, 0);
            if (sizes[k][0] >= 1000) cr_assert_gt(l.group_count, 0);
        }
        viz_markers_deinit(&mk);
        sim_world_free(w);
        scn_config_free(cfg);
    }
}

/* ---------------------------------------------------------------------------------
 * (i) Without groups, the picture is what it was
 * ------------------------------------------------------------------------------- */

/* Three combined nodes, no topics; the leader crashes at 5 s (test_render.c's). */
static const char three[] =
    "{\"format\": 1, \"name\": \"three\", \"seed\": 7, \"duration\": \"20s\","
    " \"cluster\": {\"mode\": \"combined\", \"controllers\": 3, \"brokers\": 3},"
    " \"timeline\": [{\"at\": \"5s\", \"do\": \"crash\", \"node\": \"controller-leader\","
    "                 \"label\": \"victim\"},"
    "                {\"at\": \"12s\", \"do\": \"restart\", \"node\": \"@victim\"}]}";

/* Whether the frame of (w, v) is the same with the group layer drawn and disabled. */
static bool groups_change_nothing(const sim_world *w, viz_view *v, int width, int height)
{
    viz_layout l;
    v->hide_groups = false;
    cairo_surface_t *a = vf_draw(w, v, &l, width, height);
    v->hide_groups = true;
    cairo_surface_t *b = vf_draw(w, v, &l, width, height);
    v->hide_groups = false;
    const bool same = vf_same_pixels(a, b);
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
    return same;
}

/* The layout's right column as it always was: the event log right under the logs, down
 * to the timeline; no consumer or group place. */
static void check_classic_layout(const sim_world *w, int width, int height)
{
    viz_layout l;
    viz_layout_compute(&l, w, width, height, 1.0);
    cr_assert(l.consumer_count == 0 && l.consumers.w == 0 && l.consumers.h == 0);
    cr_assert(l.group_count == 0 && l.groups.w == 0 && l.groups.h == 0);
    cr_assert_float_eq(l.events.y, l.logs.y + l.logs.h + 6, 1e-9);
    cr_assert_float_eq(l.events.y + l.events.h, l.timeline.y - 6, 1e-9);
    cr_assert_eq(viz_hit_consumer(&l, l.cluster.x + l.cluster.w - 40, l.cluster.y + 100), -1);
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
 * line: the group family is wine, the consume family olive) and the timeline's marker
 * kinds (right half of its title line: the group kind is wine). */
static void legend_colours(const sim_world *w, const viz_view *v, bool *families, bool *kind)
{
    viz_layout l;
    cairo_surface_t *s = vf_draw(w, v, &l, 1280, 800);
    const viz_rect c = l.cluster, t = l.timeline;
    const viz_rect line = {c.x + c.w / 2, c.y + 10, c.w / 2 - 10, 10};
    *families = has_colour(s, line, WINE, 0.03) && has_colour(s, line, OLIVE, 0.03);
    *kind = has_colour(s, (viz_rect){t.x + t.w / 2, t.y + 11, t.w / 2 - 10, 6}, WINE, 0.03);
    cairo_surface_destroy(s);
}

Test(groups, without_groups_nothing_is_laid_out_or_drawn)
{
    const char *files[] = {NULL, TOPICS_JSON, PRODUCERS_JSON};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        scn_config *cfg = files[f] ? vf_load_file(files[f]) : vf_load("groups.json", three);
        viz_markers mk;
        sim_world *w = vf_world_at(cfg, &mk, SIM_MS(10500));
        cr_assert(!w->has_groups);
        viz_view v;
        vf_view_of(w, &mk, &v);
        check_classic_layout(w, 1280, 800);
        check_classic_layout(w, 1000, 640);
        for (uint32_t i = 0; i < mk.count; i++) cr_assert_neq(mk.items[i].kind, VIZ_MARK_GROUP);
        cr_assert_eq(mk.gev_count, 0);
        cr_assert(groups_change_nothing(w, &v, 1280, 800), "%s", files[f] ? files[f] : "three");
        cr_assert(groups_change_nothing(w, &v, 1000, 640));
        bool families = true, kind = true;
        legend_colours(w, &v, &families, &kind);
        cr_assert(!families && !kind, "no group family or kind in the legends");
        /* The partitions panel lists every partition: no __consumer_offsets to leave out. */
        if (w->has_topics) {
            viz_layout l;
            viz_layout_compute(&l, w, 1280, 800, 1.0);
            viz_replica_row r;
            for (uint32_t p = 0; p < sim_world_partition_count(w); p++) {
                const kpc_reg *reg = sim_world_partition(w, p);
                cr_assert(
                    viz_replica_row_get(&l, w, sim_world_endpoint_of(w, reg->replicas[0]), p, &r));
            }
        }
        viz_markers_deinit(&mk);
        sim_world_free(w);
        scn_config_free(cfg);
    }
    /* Control: with a group the same comparison sees the group layer, and the event log
     * makes room for the groups panel. */
    scn_config *cfg = vf_load_file(GROUPS_JSON);
    viz_markers mk;
    sim_world *w = vf_world_at(cfg, &mk, SIM_S(15));
    viz_view v;
    vf_view_of(w, &mk, &v);
    cr_assert(!groups_change_nothing(w, &v, 1280, 800));
    bool families = false, kind = false;
    legend_colours(w, &v, &families, &kind);
    cr_assert(families && kind, "with groups both legends name them");
    viz_layout l;
    viz_layout_compute(&l, w, 1280, 800, 1.0);
    cr_assert_gt(l.events.y, l.logs.y + l.logs.h + 6 + 1);
    /* Of __consumer_offsets the partitions panel keeps only billing's own partition. */
    uint32_t offsets_rows = 0;
    for (uint32_t p = w->offsets_first_partition;
         p < w->offsets_first_partition + w->offsets_partition_count; p++) {
        const kpc_reg *reg = sim_world_partition(w, p);
        viz_replica_row r;
        for (uint32_t i = 0; reg != NULL && i < reg->replica_count; i++) {
            if (!viz_replica_row_get(&l, w, sim_world_endpoint_of(w, reg->replicas[i]), p, &r))
                continue;
            offsets_rows++;
            cr_assert_eq(p, w->groups.groups[0].offsets_partition);
        }
    }
    cr_assert_eq(offsets_rows, 3, "billing's offsets partition, on its three replicas");
    viz_markers_deinit(&mk);
    sim_world_free(w);
    scn_config_free(cfg);
}
