/*
 * hit.c — what is under the mouse: a node, a producer's or a consumer's box, the
 *   timeline, a menu item; and the node menu.
 *
 * Role: the window (sdl_window.c) and the deterministic test mode turn clicks into
 *   actions with these; viz_hit_message lives with the message geometry (messages.c).
 * Model: the node menu offers the timeline actions of spec §2 that apply to the node
 *   now: a crashed node can only restart; a running one can crash, shut down, lose
 *   power, pause, be isolated, have its links healed and have its election or fetch
 *   timer fired (`timeout`, not on a leader); a paused one can resume or crash.
 * Owns / borrows: borrows everything for the call; the menu is the caller's value.
 * Invariants: hit tests use the same geometry as drawing (layout, viz__timeline_bar,
 *   the menu constants, the producers' and consumers' boxes).
 * Determinism: ties go to the lowest index.
 * Not modelled: n/a.
 */
#include "viz_internal.h"
#include "../sim/core/sim_assert.h"

#include <math.h>
#include <string.h>

int32_t viz_hit_node(const viz_layout *l, double x, double y)
{
    const double reach = (l->node_r + 4) * (l->node_r + 4);
    int32_t best = -1;
    double best_d2 = reach;
    for (uint32_t i = 0; i < l->node_count; i++) {
        const double dx = l->node_x[i] - x, dy = l->node_y[i] - y;
        const double d2 = dx * dx + dy * dy;
        if (d2 <= best_d2 && (best < 0 || d2 < best_d2)) {
            best = (int32_t)i;
            best_d2 = d2;
        }
    }
    return best;
}

int32_t viz_hit_client(const viz_layout *l, double x, double y)
{
    for (uint32_t i = 0; i < l->client_count; i++)
        if (viz__rect_contains(l->client[i], x, y)) return (int32_t)i;
    return -1;
}

int32_t viz_hit_consumer(const viz_layout *l, double x, double y)
{
    for (uint32_t k = 0; k < l->consumer_count; k++)
        if (viz__rect_contains(l->consumer[k], x, y))
            return (int32_t)(l->consumer_group[k] * KG_MEMBERS_MAX + l->consumer_slot[k]);
    return -1;
}

bool viz_hit_timeline(const viz_layout *l, const viz_view *v, double x, double y, sim_time *t_out)
{
    const viz_rect b = viz__timeline_bar(l);
    const viz_rect zone = {b.x - 4, b.y - 10, b.w + 8, b.h + 24}; /* ticks, cursor, labels */
    if (!viz__rect_contains(zone, x, y) || b.w <= 0) return false;
    double f = (x - b.x) / b.w;
    f = f < 0 ? 0 : f > 1 ? 1 : f;
    if (t_out != NULL) *t_out = (sim_time)llround(f * (double)v->end_us);
    return true;
}

const char *viz__menu_label(scn_action_kind kind)
{
    switch (kind) {
    case SCN_ACT_CRASH:
        return "crash";
    case SCN_ACT_RESTART:
        return "restart";
    case SCN_ACT_SHUTDOWN:
        return "shut down (controlled)";
    case SCN_ACT_POWER_OFF:
        return "power off";
    case SCN_ACT_PAUSE:
        return "pause (stop the world)";
    case SCN_ACT_RESUME:
        return "resume";
    case SCN_ACT_ISOLATE:
        return "isolate from network";
    case SCN_ACT_HEAL:
        return "heal its links";
    case SCN_ACT_TIMEOUT:
        return "fire its timer (timeout)";
    default:
        return scn_action_name(kind);
    }
}

static void menu_add(viz_menu *m, scn_action_kind kind)
{
    SIM_ASSERT(m->item_count < VIZ_MENU_ITEMS_MAX);
    m->items[m->item_count++] = kind;
}

void viz_menu_open(viz_menu *m, const viz_layout *l, const sim_world *w, int32_t endpoint)
{
    SIM_ASSERT(endpoint >= 0 && (uint32_t)endpoint < w->node_count);
    memset(m, 0, sizeof *m);
    m->open = true;
    m->endpoint = endpoint;
    const sim_node_state st = sim_world_node_state(w, endpoint);
    const raft_node *rn = viz__raft(w, endpoint);
    if (st == SIM_NODE_CRASHED) {
        menu_add(m, SCN_ACT_RESTART);
    } else {
        menu_add(m, SCN_ACT_CRASH);
        if (st == SIM_NODE_RUNNING) menu_add(m, SCN_ACT_SHUTDOWN);
        menu_add(m, SCN_ACT_POWER_OFF);
        if (st == SIM_NODE_RUNNING) menu_add(m, SCN_ACT_PAUSE);
        if (st == SIM_NODE_PAUSED) menu_add(m, SCN_ACT_RESUME);
        const bool timer = rn != NULL && rn->role != RAFT_ROLE_LEADER && !rn->shutting_down &&
                           raft_timer_due(&w->raft, rn) != SIM_TIME_NEVER;
        if (st == SIM_NODE_RUNNING && timer) menu_add(m, SCN_ACT_TIMEOUT);
    }
    if (!viz__node_isolated(w, endpoint)) menu_add(m, SCN_ACT_ISOLATE);
    if (viz__node_has_net_fault(w, endpoint)) menu_add(m, SCN_ACT_HEAL);
    /* Beside the node, kept inside the window. */
    const double h = VIZ_MENU_TITLE_H + m->item_count * VIZ_MENU_ITEM_H;
    const double nx = l->node_x[endpoint], ny = l->node_y[endpoint], r = l->node_r;
    m->x = nx + r + 14;
    if (m->x + VIZ_MENU_W > l->width - 4) m->x = nx - r - 14 - VIZ_MENU_W;
    m->y = ny - r;
    if (m->y + h > l->height - 4) m->y = l->height - 4 - h;
    if (m->y < 4) m->y = 4;
    if (m->x < 4) m->x = 4;
}

void viz_menu_item_center(const viz_layout *l, const viz_menu *m, uint32_t i, double *x, double *y)
{
    (void)l;
    SIM_ASSERT(i < m->item_count);
    *x = m->x + VIZ_MENU_W / 2;
    *y = m->y + VIZ_MENU_TITLE_H + (i + 0.5) * VIZ_MENU_ITEM_H;
}

int32_t viz_hit_menu(const viz_layout *l, const viz_view *v, double x, double y)
{
    (void)l;
    const viz_menu *m = &v->menu;
    if (!m->open) return -1;
    if (x < m->x || x >= m->x + VIZ_MENU_W) return -1;
    const double top = m->y + VIZ_MENU_TITLE_H;
    if (y < top) return -1;
    const double k = floor((y - top) / VIZ_MENU_ITEM_H);
    return k < m->item_count ? (int32_t)k : -1;
}
