/*
 * groups.c — the consumer groups panel: per group its state, generation, coordinator
 *   and members, the steps of its latest rebalance, and a row per partition with its
 *   owner, committed offset, high watermark and lag.
 *
 * Role: viz_draw_groups, called by viz_draw_frame (it draws nothing without groups);
 *   viz_group_rebalance, viz_group_head_get and viz_group_row_get for the tests.
 * Model: none of its own; it pictures groups.h (the classic protocol, Kafka 4.0's
 *   ClassicGroup and ConsumerCoordinator) as `kafka-consumer-groups.sh --describe` would,
 *   plus what moves:
 *   - the header: a disc that fills as the group's state advances (Empty: a ring;
 *     PreparingRebalance: its left half, orange; CompletingRebalance: three quarters,
 *     sky blue; Stable: whole, green; without a coordinator: a red ring crossed), the
 *     group id, the state's name, then "gen N", the coordinator broker and the members
 *     its coordinator lists. State, generation and members are the coordinator's
 *     (kg_active_coordinator); a group whose offsets partition has no loaded leader says
 *     "no coordinator";
 *   - the steps of its latest rebalance, derived from the trace (the view's group
 *     records, viz_group_ev) and shown while it runs and VIZ_REBALANCE_SHOW_US after:
 *     revoke (from PreparingRebalance until every member has sent its JoinGroup; with
 *     the eager protocol a member revokes all its partitions just before, committing
 *     first with auto commit), join (until the coordinator ends the join phase: the
 *     last JoinGroup's trip, or the rest of group.initial.rebalance.delay.ms for a group
 *     that was Empty), sync (CompletingRebalance: the leader runs the assignor and sends
 *     SyncGroup; the coordinator stores the assignment in __consumer_offsets), assign
 *     (Stable: until every member of the new generation got its assignment). Each step
 *     says how long it took, the current one how long it has run. While the group
 *     prepares, "every member" is the members its coordinator lists now;
 *   - a row per partition of the group, in subscription order: "topic-p"; its owner, a
 *     wine chip with the member's slot when a member owns it and reads it now; an
 *     outlined chip when the coordinator's assignment names a member that does not read
 *     it (crashed, or revoked and rejoining); a dash when nobody has it; the committed
 *     offset (the coordinator's); the high watermark (the leader's replica); the lag
 *     (HW - committed, Kafka's LAG) as a bar scaled to the group's largest lag, and its
 *     number. A partition nobody reads (after the group's first assignment: paused) is
 *     tinted orange and says "paused"; one its owner gave up within VIZ_ALERT_US is
 *     tinted red with a "revoked" tag, one a member got, green with "assigned".
 * Owns / borrows: borrows everything for the call.
 * Invariants: brackets its cairo changes with save/restore; no allocation; draws nothing
 *   without groups or with view->hide_groups; the headers and rows drawn are exactly
 *   those the _get functions report, at the places and in the colours they report.
 * Determinism: a function of (world, layout, view).
 * Not modelled: the consumers' own positions (how far each has processed) are in the
 *   inspector; the lag here is the committed offset's, as Kafka's tools report it.
 */
#include "viz_internal.h"
#include "../sim/core/sim_assert.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define SHAPE_R      5.5
#define CHIP_W       18.0
#define CHIP_H       9.0
#define NUMS_PX      8.5
#define STEP_H       13.0
#define STEP_GAP     4.0
#define LAG_SCALE    100 /* a bar's full length is at least this many records */
#define C_PAUSED     0xFCE8CC
#define C_REVOKED    0xF9D9CC
#define C_ASSIGNED   0xD3EEE3
#define C_STEP_DONE  0xEBD5E1
#define C_STEP_EDGE  0xD8C5CF
#define C_TRACK      0xF1F1EE
#define C_CHIP_EMPTY 0xFFFFFF

/* ---------------------------------------------------------------------------------
 * The latest rebalance, from the view's group records
 * ------------------------------------------------------------------------------- */

/* First group record with t > now (records sorted by t). */
static uint32_t records_upto(const viz_view *v, sim_time now)
{
    uint32_t lo = 0, hi = v->group_ev_count;
    while (lo < hi) {
        const uint32_t mid = lo + (hi - lo) / 2;
        if (v->group_evs[mid].t <= now) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* What a scan of the records after the rebalance's start found. */
typedef struct scan {
    sim_time join_sent[KG_MEMBERS_MAX]; /* each member's last JoinGroup since the start */
    bool member[KG_MEMBERS_MAX];        /* in the new generation (a join answer) */
    bool assigned[KG_MEMBERS_MAX];      /* got its assignment in the new generation */
} scan;

static bool reached(const viz_rebalance *r, viz_phase p)
{
    return r->at[p] != SIM_TIME_NEVER;
}

/* One record of group g after the start: the ends of the join phase, of the sync, of
 * the assignments. */
static void scan_record(const viz_group_ev *e, viz_rebalance *r, scan *sc)
{
    const bool member = e->member >= 0 && e->member < (int32_t)KG_MEMBERS_MAX;
    switch ((viz_group_ev_kind)e->kind) {
    case VIZ_GEV_JOIN_SENT:
        if (member) sc->join_sent[e->member] = e->t;
        return;
    case VIZ_GEV_STATE:
        if (reached(r, VIZ_PHASE_DONE)) return;
        if (!reached(r, VIZ_PHASE_SYNC) &&
            (e->value == KG_STATE_COMPLETING_REBALANCE || e->value == KG_STATE_EMPTY)) {
            r->at[VIZ_PHASE_SYNC] = e->t; /* the join phase ended: a new generation */
            r->generation = e->generation;
            if (e->value == KG_STATE_EMPTY) r->at[VIZ_PHASE_DONE] = e->t; /* nobody rejoined */
        } else if (!reached(r, VIZ_PHASE_SYNC) && e->value == KG_STATE_STABLE) {
            r->abandoned = true; /* a new coordinator loaded the group as it was */
            r->at[VIZ_PHASE_DONE] = e->t;
        } else if (reached(r, VIZ_PHASE_SYNC) && e->value == KG_STATE_STABLE) {
            r->at[VIZ_PHASE_ASSIGN] = e->t;
        }
        return;
    case VIZ_GEV_JOINED:
        if (member && e->generation == r->generation && !sc->member[e->member]) {
            sc->member[e->member] = true;
            r->members++;
        }
        return;
    case VIZ_GEV_ASSIGNED:
        if (!member || !reached(r, VIZ_PHASE_ASSIGN) || reached(r, VIZ_PHASE_DONE)) return;
        if (e->generation != r->generation || !sc->member[e->member]) return;
        if (sc->assigned[e->member]) return;
        sc->assigned[e->member] = true;
        uint32_t n = 0;
        for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) n += sc->assigned[i] ? 1 : 0;
        if (n == r->members) r->at[VIZ_PHASE_DONE] = e->t;
        return;
    default:
        return;
    }
}

/* When the join phase began: the last JoinGroup sent since the start by a member of the
 * new generation, or, while the group prepares, by every member its coordinator lists
 * (a member whose JoinGroup came before the start, and set it off, counts from the
 * start); NEVER while one of those has not rejoined. */
static sim_time join_began(const sim_world *w, uint32_t g, const viz_rebalance *r, const scan *sc)
{
    sim_time at = r->at[VIZ_PHASE_REVOKE];
    if (reached(r, VIZ_PHASE_SYNC)) {
        for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++)
            if (sc->member[i] && sc->join_sent[i] != SIM_TIME_NEVER && sc->join_sent[i] > at)
                at = sc->join_sent[i];
        return at < r->at[VIZ_PHASE_SYNC] ? at : r->at[VIZ_PHASE_SYNC];
    }
    const kg_coord *c = kg_active_coordinator(&w->groups, g, NULL);
    if (c == NULL) return SIM_TIME_NEVER;
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) {
        if (!c->members[i].present) continue;
        if (sc->join_sent[i] == SIM_TIME_NEVER && !c->members[i].joined) return SIM_TIME_NEVER;
        if (sc->join_sent[i] != SIM_TIME_NEVER && sc->join_sent[i] > at) at = sc->join_sent[i];
    }
    return at;
}

void viz_group_rebalance(const sim_world *w, const viz_view *v, uint32_t g, viz_rebalance *out)
{
    memset(out, 0, sizeof *out);
    out->generation = -1;
    for (int k = 0; k <= VIZ_PHASE_DONE; k++) out->at[k] = SIM_TIME_NEVER;
    if (v == NULL || v->group_evs == NULL || !w->has_groups) return;
    const uint32_t end = records_upto(v, w->engine.now);
    uint32_t start = end;
    for (uint32_t k = end; k > 0 && start == end; k--) {
        const viz_group_ev *e = &v->group_evs[k - 1];
        if (e->group == g && e->kind == VIZ_GEV_STATE && e->value == KG_STATE_PREPARING_REBALANCE)
            start = k - 1;
    }
    if (start == end) return;
    out->any = true;
    out->at[VIZ_PHASE_REVOKE] = v->group_evs[start].t;
    scan sc;
    memset(&sc, 0, sizeof sc);
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) sc.join_sent[i] = SIM_TIME_NEVER;
    for (uint32_t k = start + 1; k < end; k++)
        if (v->group_evs[k].group == g) scan_record(&v->group_evs[k], out, &sc);
    if (!out->abandoned) out->at[VIZ_PHASE_JOIN] = join_began(w, g, out, &sc);
    out->phase = VIZ_PHASE_REVOKE;
    for (int k = VIZ_PHASE_DONE; k > VIZ_PHASE_REVOKE && out->phase == VIZ_PHASE_REVOKE; k--)
        if (reached(out, (viz_phase)k)) out->phase = (viz_phase)k;
}

/* ---------------------------------------------------------------------------------
 * Geometry
 * ------------------------------------------------------------------------------- */

/* The rows' columns, the same in every group of the panel. */
typedef struct columns {
    double name_x, name_w; /* the partition's name */
    double owner_x;        /* the owner's chip */
    double committed_r;    /* right edges of the numbers */
    double hw_r;
    double bar_x, bar_w; /* the lag bar (w = 0: no room) */
    double lag_r;
} columns;

static columns columns_of(viz_rect panel)
{
    columns c;
    c.name_x = panel.x + 12;
    c.name_w = fmin(110, fmax(56, panel.w * 0.22));
    c.owner_x = floor(c.name_x + c.name_w);
    c.lag_r = panel.x + panel.w - 12;
    const double num_w = fmin(56, fmax(34, (c.lag_r - c.owner_x - CHIP_W - 8 - 40) / 2));
    c.committed_r = c.owner_x + CHIP_W + 8 + num_w;
    c.hw_r = c.committed_r + num_w;
    c.bar_x = floor(c.hw_r + 10);
    c.bar_w = c.lag_r - 42 - c.bar_x;
    if (c.bar_w < 24) c.bar_w = 0;
    return c;
}

static bool groups_shown(const viz_layout *l, const sim_world *w, const viz_view *v, uint32_t g)
{
    if (v != NULL && v->hide_groups) return false;
    return w->has_groups && g < l->group_count && g < w->groups.group_count;
}

static uint32_t present_members(const kg_coord *c)
{
    uint32_t n = 0;
    for (uint32_t i = 0; c != NULL && i < KG_MEMBERS_MAX; i++) n += c->members[i].present;
    return n;
}

bool viz_group_head_get(const viz_layout *l, const sim_world *w, const viz_view *v, uint32_t g,
                        viz_group_head *out)
{
    if (!groups_shown(l, w, v, g)) return false;
    memset(out, 0, sizeof *out);
    const viz_rect b = l->group_block[g];
    out->head = (viz_rect){b.x, b.y, b.w, VIZ_GROUP_HEAD_H};
    int32_t broker = -1;
    const kg_coord *c = kg_active_coordinator(&w->groups, g, &broker);
    out->coordinator_known = c != NULL;
    out->coordinator = c != NULL ? broker : -1;
    out->state = c != NULL ? c->state : KG_STATE_DEAD;
    out->state_text = c != NULL ? kg_state_name(c->state) : "no coordinator";
    out->generation = c != NULL ? c->generation : -1;
    out->members = present_members(c);
    const double cx = floor(b.x + 4) + SHAPE_R, cy = floor(b.y + 2) + 6;
    out->shape = (viz_rect){cx - SHAPE_R, cy - SHAPE_R, 2 * SHAPE_R, 2 * SHAPE_R};
    out->shape_x = floor(cx - 3); /* lower-left quarter, clear of the ring */
    out->shape_y = cy + 1;
    out->shape_x2 = floor(cx + 2); /* upper-right quarter */
    out->shape_y2 = cy - 3;
    out->shape_fill = VIZ_RGB(viz__group_state_hex(out->state));
    viz_group_rebalance(w, v, g, &out->reb);
    const viz_rebalance *r = &out->reb;
    out->steps_shown = r->any && !r->abandoned &&
                       (r->phase != VIZ_PHASE_DONE ||
                        w->engine.now - r->at[VIZ_PHASE_DONE] < VIZ_REBALANCE_SHOW_US);
    const columns cols = columns_of(l->groups);
    const double x0 = cols.name_x, width = cols.lag_r - x0;
    const double step_w = (width - 3 * STEP_GAP) / 4;
    for (int k = 0; k < 4; k++)
        out->step[k] =
            (viz_rect){floor(x0 + k * (step_w + STEP_GAP)), floor(b.y + 18), floor(step_w), STEP_H};
    return true;
}

/* The member that owns group partition p and reads it now, or -1. */
static int32_t reader_of(const sim_world *w, uint32_t g, uint32_t p)
{
    for (uint32_t i = 0; i < w->groups.groups[g].members_max; i++) {
        const kg_consumer *c = viz__consumer(w, g, i);
        if (((c->owned.w[p / 64] >> (p % 64)) & 1u) && viz__consuming(w, c)) return (int32_t)i;
    }
    return -1;
}

/* The member the coordinator's last assignment gives group partition p, or -1. */
static int32_t assignee_of(const kg_coord *c, uint32_t p)
{
    for (uint32_t i = 0; c != NULL && i < KG_MEMBERS_MAX; i++) {
        const kg_cmember *m = &c->members[i];
        if (m->present && ((m->assignment.w[p / 64] >> (p % 64)) & 1u)) return (int32_t)i;
    }
    return -1;
}

/* The high watermark of global partition p on its leader's replica, -1 without one. */
static int64_t leader_hw(const sim_world *w, uint32_t p)
{
    const kpc_reg *reg = sim_world_partition(w, p);
    if (reg == NULL || reg->leader < 0) return -1;
    const uint32_t b = repl_broker_index(&w->repl, reg->leader);
    const repl_replica *x = b == UINT32_MAX ? NULL : repl_replica_get(&w->repl, b, p);
    return x != NULL ? x->hw : -1;
}

/* The latest revoke or assignment of group partition p within the alert window. */
static viz_row_flash recent_flash(const viz_view *v, sim_time now, uint32_t g, uint32_t p,
                                  int32_t *member)
{
    if (v == NULL || v->group_evs == NULL) return VIZ_FLASH_NONE;
    for (uint32_t k = records_upto(v, now); k > 0; k--) { /* newest first */
        const viz_group_ev *e = &v->group_evs[k - 1];
        if (e->t + VIZ_ALERT_US <= now) break;
        if (e->group != g || e->value != (int32_t)p) continue;
        if (e->kind != VIZ_GEV_REVOKE && e->kind != VIZ_GEV_ASSIGN) continue;
        *member = e->member;
        return e->kind == VIZ_GEV_REVOKE ? VIZ_FLASH_REVOKED : VIZ_FLASH_ASSIGNED;
    }
    return VIZ_FLASH_NONE;
}

/* Whether row `index` of group g is a partition row (not past the rows, not the
 * "+N more" line). */
static bool row_shown(const viz_layout *l, const sim_world *w, uint32_t g, uint32_t index)
{
    const uint32_t parts = w->groups.groups[g].partition_count, rows = l->group_rows[g];
    if (index >= parts || index >= rows) return false;
    return rows >= parts || index + 1 < rows;
}

bool viz_group_row_get(const viz_layout *l, const sim_world *w, const viz_view *v, uint32_t g,
                       uint32_t index, viz_group_row *out)
{
    if (!groups_shown(l, w, v, g) || !row_shown(l, w, g, index)) return false;
    memset(out, 0, sizeof *out);
    const kg_group_spec *sp = &w->groups.groups[g];
    const viz_rect b = l->group_block[g];
    out->row =
        (viz_rect){b.x, b.y + VIZ_GROUP_HEAD_H + index * VIZ_GROUP_ROW_H, b.w, VIZ_GROUP_ROW_H};
    out->partition = sp->partitions[index];
    const kg_coord *c = kg_active_coordinator(&w->groups, g, NULL);
    out->owner = reader_of(w, g, index);
    out->assigned = assignee_of(c, index);
    out->committed = c != NULL ? c->committed[index] : -1;
    out->hw = leader_hw(w, out->partition);
    out->lag = out->hw >= 0 && out->committed >= 0 ? out->hw - out->committed : -1;
    out->paused = out->owner < 0 && w->groups.assigned_once[g];
    out->flash_member = -1;
    out->flash = recent_flash(v, w->engine.now, g, index, &out->flash_member);
    const columns cols = columns_of(l->groups);
    out->chip = (viz_rect){cols.owner_x, floor(out->row.y + 2), CHIP_W, CHIP_H};
    out->chip_x = out->chip.x + 2;
    out->chip_y = out->chip.y + 2;
    out->chip_fill = VIZ_RGB(out->owner >= 0 ? VIZ_C_GROUP : C_CHIP_EMPTY);
    uint32_t fill = out->paused ? C_PAUSED : VIZ_C_PANEL;
    if (out->flash == VIZ_FLASH_REVOKED) fill = C_REVOKED;
    if (out->flash == VIZ_FLASH_ASSIGNED) fill = C_ASSIGNED;
    out->row_fill = VIZ_RGB(fill);
    return true;
}

/* ---------------------------------------------------------------------------------
 * Drawing a header
 * ------------------------------------------------------------------------------- */

/* The state's disc: filled as far as the state has come, ringed, crossed when Dead. */
static void state_shape(cairo_t *cr, const viz_group_head *h)
{
    const double cx = h->shape.x + SHAPE_R, cy = h->shape.y + SHAPE_R;
    const uint32_t hex = viz__group_state_hex(h->state);
    viz__circle(cr, cx, cy, SHAPE_R);
    viz__set_hex(cr, VIZ_C_PANEL);
    cairo_fill(cr);
    cairo_new_sub_path(cr);
    switch (h->state) {
    case KG_STATE_PREPARING_REBALANCE: /* the left half */
        cairo_move_to(cr, cx, cy);
        cairo_arc(cr, cx, cy, SHAPE_R, VIZ_PI / 2, 3 * VIZ_PI / 2);
        cairo_close_path(cr);
        break;
    case KG_STATE_COMPLETING_REBALANCE: /* all but the upper-right quarter */
        cairo_move_to(cr, cx, cy);
        cairo_arc(cr, cx, cy, SHAPE_R, 0, 3 * VIZ_PI / 2);
        cairo_close_path(cr);
        break;
    case KG_STATE_STABLE:
        viz__circle(cr, cx, cy, SHAPE_R);
        break;
    default:
        break;
    }
    viz__set_hex(cr, hex);
    cairo_fill(cr);
    viz__circle(cr, cx, cy, SHAPE_R);
    cairo_set_line_width(cr, 1.2);
    cairo_stroke(cr);
    if (h->state != KG_STATE_DEAD) return;
    const double d = SHAPE_R * 0.6;
    cairo_move_to(cr, cx - d, cy - d);
    cairo_line_to(cr, cx + d, cy + d);
    cairo_move_to(cr, cx + d, cy - d);
    cairo_line_to(cr, cx - d, cy + d);
    cairo_stroke(cr);
}

/* "1.2 s", "35 ms", "<1 ms". */
static void format_span(sim_time us, char *buf, size_t n)
{
    if (us < SIM_MS(1)) {
        snprintf(buf, n, "<1 ms");
    } else if (us < SIM_S(1)) {
        snprintf(buf, n, "%" PRIu64 " ms", (uint64_t)(us / 1000));
    } else {
        snprintf(buf, n, "%.1f s", (double)us / 1e6);
    }
}

/* The first line: the disc, the id, the state's name; "gen N · coordinator B · M
 * members" on the right when it fits. */
static void head_line(cairo_t *cr, const sim_world *w, const viz_group_head *h, uint32_t g)
{
    const double base = h->head.y + 12;
    char right[96];
    if (h->coordinator_known) {
        snprintf(right, sizeof right,
                 "gen %" PRId32 " \xc2\xb7 coordinator %" PRId32 " \xc2\xb7 %" PRIu32 " member%s",
                 h->generation, h->coordinator, h->members, h->members == 1 ? "" : "s");
    } else {
        snprintf(right, sizeof right, "no broker has loaded it");
    }
    viz__font(cr, 9, false);
    const double right_w = viz__text_width(cr, right);
    const double x = h->shape.x + 2 * SHAPE_R + 5, end = h->head.x + h->head.w - 4;
    viz__font(cr, 10.5, true);
    viz__set_hex(cr, VIZ_C_TEXT);
    const double id_w = viz__text(cr, x, base, w->groups.groups[g].id, VIZ_ALIGN_LEFT);
    viz__font(cr, 10, true);
    viz__set_hex(cr, h->state == KG_STATE_STABLE  ? 0x00765A
                     : h->state == KG_STATE_DEAD  ? VIZ_C_VERMILION
                     : h->state == KG_STATE_EMPTY ? VIZ_C_TEXT_DIM
                                                  : 0x8F5F00);
    const double state_w = viz__text(cr, x + id_w + 6, base, h->state_text, VIZ_ALIGN_LEFT);
    if (x + id_w + 6 + state_w + 10 + right_w > end) return;
    viz__font(cr, 9, false);
    viz__set_hex(cr, VIZ_C_TEXT_DIM);
    viz__text(cr, end, base, right, VIZ_ALIGN_RIGHT);
}

/* One step of the strip: done (tinted, with how long it took), now (wine, bold, how
 * long so far), to come (outlined), or skipped (a dash). */
static void step_cell(cairo_t *cr, const sim_world *w, const viz_rebalance *r, int k, viz_rect c)
{
    static const char *const names[] = {"revoke", "join", "sync", "assign"};
    const bool now = r->phase == (viz_phase)k, done = r->phase > (viz_phase)k;
    const bool skipped = done && r->at[k] == SIM_TIME_NEVER;
    viz__rounded_rect(cr, c.x + 0.5, c.y + 0.5, c.w - 1, c.h - 1, 3);
    viz__set_hex(cr, now ? VIZ_C_GROUP : done && !skipped ? C_STEP_DONE : VIZ_C_PANEL);
    cairo_fill_preserve(cr);
    cairo_set_line_width(cr, 1);
    viz__set_hex(cr, now ? VIZ_C_GROUP : C_STEP_EDGE);
    cairo_stroke(cr);
    char text[48], span[24] = "";
    if (now) format_span(w->engine.now - r->at[k], span, sizeof span);
    if (done && !skipped) {
        int next = k + 1;
        while (next < VIZ_PHASE_DONE && r->at[next] == SIM_TIME_NEVER) next++;
        format_span(r->at[next] - r->at[k], span, sizeof span);
    }
    snprintf(text, sizeof text, "%s%s%s", skipped ? "\xe2\x80\x94" : names[k], span[0] ? " " : "",
             span);
    cairo_save(cr);
    cairo_rectangle(cr, c.x, c.y, c.w, c.h);
    cairo_clip(cr);
    viz__font(cr, 8.5, now);
    viz__set_hex(cr, now ? VIZ_C_PANEL : done ? VIZ_C_TEXT : VIZ_C_TEXT_DIM);
    viz__text(cr, c.x + 4, c.y + c.h - 3.5, text, VIZ_ALIGN_LEFT);
    cairo_restore(cr);
}

/* The second line: the step strip, or what the last rebalance was. */
static void steps_line(cairo_t *cr, const sim_world *w, const viz_group_head *h)
{
    const viz_rebalance *r = &h->reb;
    if (h->steps_shown) {
        for (int k = 0; k < 4; k++) step_cell(cr, w, r, k, h->step[k]);
        return;
    }
    char text[128], a[32], span[24];
    if (!r->any) {
        snprintf(text, sizeof text, "no rebalance yet");
    } else if (r->abandoned) {
        viz__format_time(r->at[VIZ_PHASE_REVOKE], a, sizeof a);
        snprintf(text, sizeof text, "the rebalance of %s stopped: a new coordinator loaded it", a);
    } else if (r->phase == VIZ_PHASE_DONE) {
        viz__format_time(r->at[VIZ_PHASE_REVOKE], a, sizeof a);
        format_span(r->at[VIZ_PHASE_DONE] - r->at[VIZ_PHASE_REVOKE], span, sizeof span);
        snprintf(text, sizeof text, "last rebalance at %s took %s (generation %" PRId32 ")", a,
                 span, r->generation);
    } else {
        text[0] = '\0';
    }
    viz__font(cr, 9, false);
    viz__set_hex(cr, VIZ_C_TEXT_DIM);
    viz__text(cr, h->step[0].x, h->step[0].y + STEP_H - 3.5, text, VIZ_ALIGN_LEFT);
}

/* ---------------------------------------------------------------------------------
 * Drawing a row
 * ------------------------------------------------------------------------------- */

static void row_back(cairo_t *cr, const viz_group_row *r)
{
    const viz_rect b = r->row;
    if (r->flash == VIZ_FLASH_NONE && !r->paused) return;
    cairo_rectangle(cr, b.x, b.y, b.w, b.h);
    viz__set_rgb(cr, r->row_fill);
    cairo_fill(cr);
    if (r->flash == VIZ_FLASH_NONE) return;
    cairo_rectangle(cr, b.x, b.y, 3, b.h); /* a stripe on the left edge */
    viz__set_hex(cr, r->flash == VIZ_FLASH_REVOKED ? VIZ_C_VERMILION : VIZ_C_GREEN);
    cairo_fill(cr);
}

/* The owner's chip without its number (chip_number draws it): filled (the member reads
 * the partition), outlined and dashed (the coordinator names a member that does not
 * read it), or nothing (chip_number draws a dash). */
static void owner_chip(cairo_t *cr, const viz_group_row *r)
{
    static const double dash[] = {2, 1.5};
    const viz_rect c = r->chip;
    if (r->owner < 0 && r->assigned < 0) return;
    viz__rounded_rect(cr, c.x + 0.5, c.y + 0.5, c.w - 1, c.h - 1, 2.5);
    viz__set_rgb(cr, r->chip_fill);
    if (r->owner >= 0) {
        cairo_fill(cr);
        return;
    }
    cairo_fill_preserve(cr);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_line_width(cr, 1);
    viz__set_hex(cr, VIZ_C_GROUP);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
}

/* The chip's number, or a dash for nobody; the caller selected the font (8 px bold). */
static void chip_number(cairo_t *cr, const viz_group_row *r)
{
    const viz_rect c = r->chip;
    const int32_t who = r->owner >= 0 ? r->owner : r->assigned;
    char text[16] = "\xe2\x80\x94";
    if (who >= 0) snprintf(text, sizeof text, "%" PRId32, who);
    viz__set_hex(cr, r->owner >= 0 ? VIZ_C_PANEL : who >= 0 ? VIZ_C_TEXT : VIZ_C_TEXT_DIM);
    viz__text(cr, c.x + c.w / 2, c.y + c.h - 1.5, text, VIZ_ALIGN_CENTER);
}

static void number(cairo_t *cr, double right, double base, int64_t v)
{
    char text[24];
    if (v < 0) {
        snprintf(text, sizeof text, "-");
    } else {
        snprintf(text, sizeof text, "%" PRId64, v);
    }
    viz__text(cr, right, base, text, VIZ_ALIGN_RIGHT);
}

/* The word on a row's lag bar: the flash's, or "paused"; NULL for none. */
static const char *row_tag(const viz_group_row *r)
{
    if (r->flash == VIZ_FLASH_REVOKED) return "revoked";
    if (r->flash == VIZ_FLASH_ASSIGNED) return "assigned";
    return r->paused ? "paused" : NULL;
}

/* The lag bar on the group's scale (red when paused). */
static void lag_bar(cairo_t *cr, const columns *cols, const viz_group_row *r, int64_t scale)
{
    if (cols->bar_w <= 0) return;
    const double y = r->row.y + 3.5;
    cairo_rectangle(cr, cols->bar_x, y, cols->bar_w, 6);
    viz__set_hex(cr, C_TRACK);
    cairo_fill(cr);
    if (r->lag > 0) {
        const double f = fmin(1, (double)r->lag / (double)scale);
        cairo_rectangle(cr, cols->bar_x, y, fmax(1, cols->bar_w * f), 6);
        viz__set_hex(cr, r->paused ? VIZ_C_VERMILION : VIZ_C_CONSUME);
        cairo_fill(cr);
    }
}

/* The row's tag over the left of its lag bar; the caller selected the font (8 px bold). */
static void lag_tag(cairo_t *cr, const columns *cols, const viz_group_row *r)
{
    const char *tag = row_tag(r);
    if (tag == NULL || cols->bar_w <= 0) return;
    const double tw = viz__text_width(cr, tag);
    viz__rounded_rect(cr, cols->bar_x, r->row.y + 1.5, tw + 8, VIZ_GROUP_ROW_H - 3, 3);
    viz__set_hex(cr, r->flash == VIZ_FLASH_ASSIGNED ? VIZ_C_GREEN : VIZ_C_VERMILION);
    cairo_fill(cr);
    viz__set_hex(cr, VIZ_C_PANEL);
    viz__text(cr, cols->bar_x + 4, r->row.y + VIZ_GROUP_ROW_H - 4, tag, VIZ_ALIGN_LEFT);
}

/* The partition's name, clipped to its column when it may not fit (a 9.5 px character
 * is at most about 7 px wide); the caller selected the font (9.5 px). */
static void row_name(cairo_t *cr, const sim_world *w, const columns *cols, const viz_group_row *r)
{
    char name[80];
    viz__partition_name(w, r->partition, name, sizeof name);
    const double base = r->row.y + VIZ_GROUP_ROW_H - 3.5;
    if (strlen(name) * 7.0 <= cols->name_w - 4) {
        viz__text(cr, cols->name_x, base, name, VIZ_ALIGN_LEFT);
        return;
    }
    cairo_save(cr);
    cairo_rectangle(cr, cols->name_x, r->row.y, cols->name_w - 4, r->row.h);
    cairo_clip(cr);
    viz__text(cr, cols->name_x, base, name, VIZ_ALIGN_LEFT);
    cairo_restore(cr);
}

/* Committed, HW and lag; the caller selected the font (NUMS_PX monospace). */
static void row_numbers(cairo_t *cr, const columns *cols, const viz_group_row *r)
{
    const double base = r->row.y + VIZ_GROUP_ROW_H - 3.5;
    viz__set_hex(cr, VIZ_C_TEXT);
    number(cr, cols->committed_r, base, r->committed);
    number(cr, cols->hw_r, base, r->hw);
    viz__set_hex(cr, r->paused && r->lag > 0 ? VIZ_C_VERMILION : VIZ_C_TEXT);
    number(cr, cols->lag_r, base, r->lag);
}

/* Rows in passes (shapes, names, chips' numbers and tags, numbers), so that each font is
 * selected once per group. */
static void draw_rows(cairo_t *cr, const sim_world *w, const columns *cols,
                      const viz_group_row *rows, uint32_t n, int64_t scale)
{
    for (uint32_t i = 0; i < n; i++) {
        row_back(cr, &rows[i]);
        owner_chip(cr, &rows[i]);
        lag_bar(cr, cols, &rows[i], scale);
    }
    viz__font(cr, 9.5, false);
    viz__set_hex(cr, VIZ_C_TEXT);
    for (uint32_t i = 0; i < n; i++) row_name(cr, w, cols, &rows[i]);
    viz__font(cr, 8, true);
    for (uint32_t i = 0; i < n; i++) {
        chip_number(cr, &rows[i]);
        lag_tag(cr, cols, &rows[i]);
    }
    viz__font_mono(cr, NUMS_PX);
    for (uint32_t i = 0; i < n; i++) row_numbers(cr, cols, &rows[i]);
}

/* ---------------------------------------------------------------------------------
 * The panel
 * ------------------------------------------------------------------------------- */

static void draw_group(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v,
                       uint32_t g)
{
    viz_group_head h;
    if (!viz_group_head_get(l, w, v, g, &h)) return;
    state_shape(cr, &h);
    head_line(cr, w, &h, g);
    steps_line(cr, w, &h);
    const kg_group_spec *sp = &w->groups.groups[g];
    const columns cols = columns_of(l->groups);
    viz_group_row rows[KG_PARTITIONS_MAX];
    uint32_t n = 0;
    int64_t scale = LAG_SCALE;
    for (uint32_t i = 0; i < sp->partition_count && i < l->group_rows[g]; i++) {
        if (!viz_group_row_get(l, w, v, g, i, &rows[n])) break;
        if (rows[n].lag > scale) scale = rows[n].lag;
        n++;
    }
    draw_rows(cr, w, &cols, rows, n, scale);
    if (n < sp->partition_count && l->group_rows[g] > 0) { /* the "+N more" line */
        char more[40];
        snprintf(more, sizeof more, "+%" PRIu32 " more", sp->partition_count - n);
        viz__font(cr, 9.5, false);
        viz__set_hex(cr, VIZ_C_TEXT_DIM);
        viz__text(cr, cols.name_x, h.head.y + VIZ_GROUP_HEAD_H + (n + 1) * VIZ_GROUP_ROW_H - 3.5,
                  more, VIZ_ALIGN_LEFT);
    }
}

/* The columns' names on the title line, when the title leaves room. */
static void captions(cairo_t *cr, const columns *cols, double y, double title_end)
{
    if (cols->owner_x < title_end + 8) return;
    viz__font(cr, 9, false);
    viz__set_hex(cr, VIZ_C_TEXT_DIM);
    viz__text(cr, cols->owner_x, y, "owner", VIZ_ALIGN_LEFT);
    viz__text(cr, cols->committed_r, y, "committed", VIZ_ALIGN_RIGHT);
    viz__text(cr, cols->hw_r, y, "HW", VIZ_ALIGN_RIGHT);
    if (cols->bar_w > 0) viz__text(cr, cols->bar_x, y, "lag", VIZ_ALIGN_LEFT);
    viz__text(cr, cols->lag_r, y, cols->bar_w > 0 ? "" : "lag", VIZ_ALIGN_RIGHT);
}

void viz_draw_groups(cairo_t *cr, const viz_layout *l, const sim_world *w, const viz_view *v)
{
    if (!w->has_groups || l->groups.w <= 0 || l->groups.h <= 0) return;
    if (v != NULL && v->hide_groups) return;
    cairo_save(cr);
    const viz_rect p = l->groups;
    char title[64] = "Consumer groups";
    const uint32_t hidden = w->groups.group_count - l->group_count;
    if (hidden > 0)
        snprintf(title, sizeof title, "Consumer groups  (%" PRIu32 " not shown)", hidden);
    viz__panel(cr, p, title);
    const double title_end = p.x + 10 + viz__text_width(cr, title); /* the title's font */
    cairo_rectangle(cr, p.x, p.y, p.w, p.h);
    cairo_clip(cr);
    const columns cols = columns_of(p);
    captions(cr, &cols, p.y + 17, title_end);
    for (uint32_t g = 0; g < l->group_count; g++) draw_group(cr, l, w, v, g);
    cairo_restore(cr);
}
