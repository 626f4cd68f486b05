/*
 * sdl_window.c — the viewer window: SDL2 for the window, input and presentation; cairo
 *   (viz_draw_frame) for every pixel. The only file of the project that includes SDL.
 *
 * Role / Model / Determinism: see window.h. Keys and mouse:
 *   space play/pause · Enter continue after a note · . step one event ·
 *   ← → scrub 1 s (shift: 10 s) · Home End jump · + − speed · 0 speed ×1 ·
 *   click a node: its menu (crash, restart, shutdown, power off, pause, resume, isolate,
 *   heal, timeout) and the inspector · click a broker's card in the partitions panel:
 *   the inspector (hovering it highlights the node too) · click a producer's box, a
 *   consumer's box or a message: the inspector ·
 *   drag node → node: cut that direction (over a cut link: heal it) ·
 *   click or drag on the timeline: scrub · t force a timeout on the selected node ·
 *   s save the session · ? help · q / Esc quit (Esc first closes the menu or help).
 * Owns / borrows: owns the SDL window, renderer and streaming texture.
 * Invariants: the texture always has the renderer's output size in device pixels; each
 *   frame is drawn whole into it (a locked streaming texture's old content is undefined).
 * Not modelled: n/a.
 */
#include "window.h"

#include <SDL.h>
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double speeds[] = {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000};
#define SPEED_COUNT (sizeof speeds / sizeof speeds[0])

typedef struct win {
    const viz_window_config *cfg;
    viz_session *s;
    viz_view view;
    viz_layout layout;
    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Texture *texture;
    int pixel_w, pixel_h;     /* texture size, device pixels */
    int logical_w, logical_h; /* window size */
    uint32_t speed_index;
    bool quit;
    bool mouse_down;
    double down_x, down_y;
    int32_t down_node;
    bool scrubbing;
    uint64_t frame;
    uint64_t flash_until_frame;
    char flash[160];
} win;

/* ---------------------------------------------------------------------------------
 * Session actions
 * ------------------------------------------------------------------------------- */

static void say(win *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(win *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->flash, sizeof w->flash, fmt, ap);
    va_end(ap);
    w->flash_until_frame = w->frame + 180;
    w->view.flash = w->flash;
}

static void act(win *w, scn_action a)
{
    if (viz_session_act(w->s, &a) != SIM_OK) {
        say(w, "the timeline is full (%u actions)", SIM_TIMELINE_MAX);
        return;
    }
    /* The run was redone: markers moved. */
    viz_markers_to_view(&w->s->markers, &w->view);
}

static scn_target node_target(const win *w, int32_t endpoint)
{
    return (scn_target){.kind = SCN_TARGET_NODE, .node_id = w->s->world->node_ids[endpoint]};
}

static void act_on_node(win *w, scn_action_kind kind, int32_t endpoint)
{
    scn_action a = {.kind = kind, .node = node_target(w, endpoint)};
    act(w, a);
    say(w, "%s node %" PRId32 " at %.3f s", scn_action_name(kind), w->s->world->node_ids[endpoint],
        (double)viz_session_now(w->s) / 1e6);
}

/* Drag from one node to another: cut that direction, or heal the link if it is cut. */
static void act_on_link(win *w, int32_t from, int32_t to)
{
    const net *n = &w->s->world->net;
    const bool cut = !net_reachable(n, from, to) || !net_reachable(n, to, from);
    scn_action a = {.kind = cut ? SCN_ACT_HEAL : SCN_ACT_CUT,
                    .a = node_target(w, from),
                    .b = node_target(w, to)};
    act(w, a);
    say(w, "%s link %" PRId32 " %s %" PRId32, cut ? "healed" : "cut", w->s->world->node_ids[from],
        cut ? "<->" : "->", w->s->world->node_ids[to]);
}

/* ---------------------------------------------------------------------------------
 * Time
 * ------------------------------------------------------------------------------- */

static void seek(win *w, int64_t t)
{
    if (t < 0) t = 0;
    viz_session_seek(w->s, (sim_time)t);
    w->view.waiting_on_note = false;
}

/* Advances the run by dt of virtual time, stopping at a note on a guided tour. */
static void advance(win *w, sim_time dt)
{
    const sim_time now = viz_session_now(w->s), end = viz_session_end(w->s);
    sim_time target = end - now < dt ? end : now + dt;
    if (w->cfg->tour) {
        const sim_time note = viz_session_next_note(w->s, now, target);
        if (note != SIM_TIME_NEVER) {
            target = note;
            w->view.waiting_on_note = true;
        }
    }
    viz_session_advance(w->s, target);
    if (target >= end) w->view.playing = false;
}

static void set_speed(win *w, uint32_t index)
{
    w->speed_index = index < SPEED_COUNT ? index : SPEED_COUNT - 1;
    w->view.speed = speeds[w->speed_index];
}

/* ---------------------------------------------------------------------------------
 * Input
 * ------------------------------------------------------------------------------- */

static void key(win *w, SDL_Keycode k, uint16_t mod)
{
    viz_view *v = &w->view;
    const int64_t now = (int64_t)viz_session_now(w->s);
    const int64_t stride = (mod & KMOD_SHIFT) ? 10000000 : 1000000;
    switch (k) {
    case SDLK_SPACE:
        if (v->waiting_on_note) {
            v->waiting_on_note = false;
            v->playing = true;
        } else {
            v->playing = !v->playing;
        }
        break;
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
        v->waiting_on_note = false;
        v->playing = true;
        break;
    case SDLK_PERIOD:
        v->playing = false;
        viz_session_step(w->s);
        break;
    case SDLK_LEFT:
        seek(w, now - stride);
        break;
    case SDLK_RIGHT:
        seek(w, now + stride);
        break;
    case SDLK_HOME:
        seek(w, 0);
        break;
    case SDLK_END:
        seek(w, (int64_t)viz_session_end(w->s));
        break;
    case SDLK_PLUS:
    case SDLK_EQUALS:
    case SDLK_KP_PLUS:
        set_speed(w, w->speed_index + 1);
        break;
    case SDLK_MINUS:
    case SDLK_KP_MINUS:
        if (w->speed_index > 0) set_speed(w, w->speed_index - 1);
        break;
    case SDLK_0:
        set_speed(w, 6);
        break;
    case SDLK_t:
        if (v->selected_node >= 0) {
            act_on_node(w, SCN_ACT_TIMEOUT, v->selected_node);
        } else {
            say(w, "select a node first (click it), then t forces its timeout");
        }
        break;
    case SDLK_s:
        if (w->cfg->save != NULL) say(w, "%s", w->cfg->save(w->cfg->save_ctx, w->s));
        break;
    case SDLK_SLASH:
    case SDLK_QUESTION:
        v->show_help = !v->show_help;
        break;
    case SDLK_ESCAPE:
        if (v->menu.open || v->show_help) {
            v->menu.open = false;
            v->show_help = false;
        } else {
            w->quit = true;
        }
        break;
    case SDLK_q:
        w->quit = true;
        break;
    default:
        break;
    }
}

static void mouse_down(win *w, double x, double y)
{
    viz_view *v = &w->view;
    w->mouse_down = true;
    w->down_x = x;
    w->down_y = y;
    w->down_node = -1;
    if (v->menu.open) {
        const int32_t item = viz_hit_menu(&w->layout, v, x, y);
        const int32_t ep = v->menu.endpoint;
        v->menu.open = false;
        if (item >= 0) {
            act_on_node(w, v->menu.items[item], ep);
            w->mouse_down = false;
            return;
        }
    }
    sim_time t;
    if (viz_hit_timeline(&w->layout, v, x, y, &t)) {
        w->scrubbing = true;
        seek(w, (int64_t)t);
        return;
    }
    w->down_node = viz_hit_node(&w->layout, x, y);
}

static void mouse_up(win *w, double x, double y)
{
    viz_view *v = &w->view;
    if (!w->mouse_down) return;
    w->mouse_down = false;
    v->dragging = false;
    if (w->scrubbing) {
        w->scrubbing = false;
        return;
    }
    const int32_t node = viz_hit_node(&w->layout, x, y);
    if (w->down_node >= 0 && node >= 0 && node != w->down_node) {
        act_on_link(w, w->down_node, node);
        return;
    }
    if (node >= 0) {
        v->selected_node = node;
        v->selected_msg = 0;
        v->selected_client = -1;
        v->selected_consumer = -1;
        viz_menu_open(&v->menu, &w->layout, w->s->world, node);
        return;
    }
    const int32_t card = viz_hit_partitions(&w->layout, x, y);
    if (card >= 0) { /* a broker's card in the partitions panel: inspect that node */
        v->selected_node = card;
        v->selected_msg = 0;
        v->selected_client = -1;
        v->selected_consumer = -1;
        return;
    }
    const uint64_t msg = viz_hit_message(&w->layout, w->s->world, x, y);
    const int32_t client = msg == 0 ? viz_hit_client(&w->layout, x, y) : -1;
    const int32_t consumer = msg == 0 ? viz_hit_consumer(&w->layout, x, y) : -1;
    v->selected_msg = msg;
    v->selected_node = -1;
    v->selected_client = client;     /* a producer's box: inspect it */
    v->selected_consumer = consumer; /* a consumer's box: inspect it */
}

static void mouse_move(win *w, double x, double y)
{
    viz_view *v = &w->view;
    sim_time t;
    v->hover_timeline = viz_hit_timeline(&w->layout, v, x, y, &t);
    if (v->hover_timeline) v->hover_t = t;
    v->hover_node = viz_hit_node(&w->layout, x, y);
    if (v->hover_node < 0) v->hover_node = viz_hit_partitions(&w->layout, x, y);
    v->hover_client = viz_hit_client(&w->layout, x, y);
    v->hover_consumer = viz_hit_consumer(&w->layout, x, y);
    if (w->mouse_down && w->scrubbing && v->hover_timeline) seek(w, (int64_t)t);
    if (w->mouse_down && w->down_node >= 0) {
        v->dragging = true;
        v->drag_from = w->down_node;
        v->drag_x = x;
        v->drag_y = y;
    }
}

static void handle(win *w, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT:
        w->quit = true;
        break;
    case SDL_KEYDOWN:
        key(w, e->key.keysym.sym, e->key.keysym.mod);
        break;
    case SDL_TEXTINPUT:
        if (strcmp(e->text.text, "?") == 0) w->view.show_help = !w->view.show_help;
        if (strcmp(e->text.text, "+") == 0) set_speed(w, w->speed_index + 1);
        break;
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.button == SDL_BUTTON_LEFT) mouse_down(w, e->button.x, e->button.y);
        break;
    case SDL_MOUSEBUTTONUP:
        if (e->button.button == SDL_BUTTON_LEFT) mouse_up(w, e->button.x, e->button.y);
        break;
    case SDL_MOUSEMOTION:
        mouse_move(w, e->motion.x, e->motion.y);
        break;
    default:
        break;
    }
}

/* ---------------------------------------------------------------------------------
 * Scripted input (deterministic test mode)
 * ------------------------------------------------------------------------------- */

/* Resolves a named target to logical coordinates; false if it names nothing now. */
static bool resolve_target(win *w, const char *target, double *x, double *y)
{
    int32_t id;
    char name[40];
    sim_time t;
    if (sscanf(target, "node:%" SCNd32, &id) == 1) {
        const int32_t ep = sim_world_endpoint_of(w->s->world, id);
        if (ep < 0) return false;
        *x = w->layout.node_x[ep];
        *y = w->layout.node_y[ep];
        return true;
    }
    if (sscanf(target, "producer:%39s", name) == 1) {
        const sim_world *sw = w->s->world;
        for (uint32_t i = 0; sw->has_producers && i < w->layout.client_count; i++) {
            if (strcmp(sw->producers.clients[i].name, name) != 0) continue;
            *x = w->layout.client[i].x + w->layout.client[i].w / 2;
            *y = w->layout.client[i].y + w->layout.client[i].h / 2;
            return true;
        }
        return false;
    }
    if (sscanf(target, "consumer:%39s", name) == 1) { /* GROUP/N, as the timeline names it */
        const sim_world *sw = w->s->world;
        for (uint32_t k = 0; sw->has_groups && k < w->layout.consumer_count; k++) {
            const uint32_t g = w->layout.consumer_group[k];
            char member[80];
            snprintf(member, sizeof member, "%s/%u", sw->groups.groups[g].id,
                     (unsigned)w->layout.consumer_slot[k]);
            if (strcmp(member, name) != 0) continue;
            *x = w->layout.consumer[k].x + w->layout.consumer[k].w / 2;
            *y = w->layout.consumer[k].y + w->layout.consumer[k].h / 2;
            return true;
        }
        return false;
    }
    if (sscanf(target, "menu:%39s", name) == 1) {
        const viz_menu *m = &w->view.menu;
        for (uint32_t i = 0; m->open && i < m->item_count; i++) {
            if (strcmp(scn_action_name(m->items[i]), name) != 0) continue;
            viz_menu_item_center(&w->layout, m, i, x, y);
            return true;
        }
        return false;
    }
    if (strncmp(target, "timeline:", 9) == 0 && scn_parse_duration(target + 9, &t)) {
        const viz_rect *r = &w->layout.timeline;
        const double frac = (double)t / (double)(w->view.end_us ? w->view.end_us : 1);
        *x = r->x + r->w * frac;
        *y = r->y + r->h / 2;
        return true;
    }
    return false;
}

static bool input_point(win *w, const char *target, bool has_xy, double px, double py, double *x,
                        double *y, const viz_input *in)
{
    if (has_xy) {
        *x = px;
        *y = py;
        return true;
    }
    if (resolve_target(w, target, x, y)) return true;
    fprintf(stderr, "input line %u: '%s' names nothing at frame %" PRIu64 "\n", in->line, target,
            w->frame);
    return false;
}

static void apply_input(win *w, const viz_input *in)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    double x, y, x2, y2;
    switch (in->kind) {
    case VIZ_INPUT_QUIT:
        w->quit = true;
        return;
    case VIZ_INPUT_KEY: {
        /* Names that are awkward in a whitespace-separated file. */
        static const struct {
            const char *alias;
            SDL_Keycode code;
        } aliases[] = {{"space", SDLK_SPACE}, {"period", SDLK_PERIOD},     {"plus", SDLK_PLUS},
                       {"minus", SDLK_MINUS}, {"question", SDLK_QUESTION}, {"?", SDLK_QUESTION},
                       {"enter", SDLK_RETURN}};
        e.type = SDL_KEYDOWN;
        e.key.keysym.sym = SDL_GetKeyFromName(in->key);
        for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
            if (SDL_strcasecmp(in->key, aliases[i].alias) == 0) e.key.keysym.sym = aliases[i].code;
        if (e.key.keysym.sym == SDLK_UNKNOWN)
            fprintf(stderr, "input line %u: unknown key '%s'\n", in->line, in->key);
        handle(w, &e);
        return;
    }
    case VIZ_INPUT_MOVE:
        e.type = SDL_MOUSEMOTION;
        e.motion.x = (int)in->x;
        e.motion.y = (int)in->y;
        handle(w, &e);
        return;
    case VIZ_INPUT_CLICK:
    case VIZ_INPUT_DRAG:
        if (!input_point(w, in->target, in->has_xy, in->x, in->y, &x, &y, in)) return;
        x2 = x;
        y2 = y;
        if (in->kind == VIZ_INPUT_DRAG &&
            !input_point(w, in->target2, in->has_xy2, in->x2, in->y2, &x2, &y2, in))
            return;
        e.type = SDL_MOUSEMOTION;
        e.motion.x = (int)x;
        e.motion.y = (int)y;
        handle(w, &e);
        e.type = SDL_MOUSEBUTTONDOWN;
        e.button.button = SDL_BUTTON_LEFT;
        e.button.x = (int)x;
        e.button.y = (int)y;
        handle(w, &e);
        if (in->kind == VIZ_INPUT_DRAG) {
            e.type = SDL_MOUSEMOTION;
            e.motion.x = (int)x2;
            e.motion.y = (int)y2;
            handle(w, &e);
        }
        e.type = SDL_MOUSEBUTTONUP;
        e.button.button = SDL_BUTTON_LEFT;
        e.button.x = (int)x2;
        e.button.y = (int)y2;
        handle(w, &e);
        return;
    default:
        return;
    }
}

viz_input *viz_input_load(const char *path, uint32_t *count_out)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "%s: error: cannot read: %s\n", path, strerror(errno));
        return NULL;
    }
    viz_input *items = NULL;
    uint32_t count = 0, cap = 0, line_no = 0;
    bool ok = true;
    char line[256];
    while (fgets(line, sizeof line, f) != NULL) {
        line_no++;
        char *hash = strchr(line, '#');
        if (hash != NULL) *hash = '\0';
        char verb[16], a[48], b[48], c[48], d[48];
        unsigned long long frame;
        const int n = sscanf(line, "%llu %15s %47s %47s %47s %47s", &frame, verb, a, b, c, d);
        if (n <= 0) continue; /* blank */
        viz_input in;
        memset(&in, 0, sizeof in);
        in.frame = frame;
        in.line = line_no;
        bool good = n >= 2;
        if (good && strcmp(verb, "quit") == 0) {
            in.kind = VIZ_INPUT_QUIT;
        } else if (good && strcmp(verb, "key") == 0 && n == 3) {
            in.kind = VIZ_INPUT_KEY;
            snprintf(in.key, sizeof in.key, "%s", a);
        } else if (good && (strcmp(verb, "click") == 0 || strcmp(verb, "move") == 0)) {
            in.kind = strcmp(verb, "click") == 0 ? VIZ_INPUT_CLICK : VIZ_INPUT_MOVE;
            if (n == 4) {
                in.x = strtod(a, NULL);
                in.y = strtod(b, NULL);
                in.has_xy = true;
            } else if (n == 3 && in.kind == VIZ_INPUT_CLICK) {
                snprintf(in.target, sizeof in.target, "%s", a);
            } else {
                good = false;
            }
        } else if (good && strcmp(verb, "drag") == 0) {
            in.kind = VIZ_INPUT_DRAG;
            if (n == 6) {
                in.x = strtod(a, NULL), in.y = strtod(b, NULL), in.has_xy = true;
                in.x2 = strtod(c, NULL), in.y2 = strtod(d, NULL), in.has_xy2 = true;
            } else if (n == 4) {
                snprintf(in.target, sizeof in.target, "%s", a);
                snprintf(in.target2, sizeof in.target2, "%s", b);
            } else {
                good = false;
            }
        } else {
            good = false;
        }
        if (!good || (count > 0 && in.frame < items[count - 1].frame)) {
            fprintf(stderr, "%s:%u: error: %s\n", path, line_no,
                    good ? "frames must not go backwards"
                         : "expected FRAME key NAME | click TARGET | click X Y | drag A B | "
                           "drag X Y X2 Y2 | move X Y | quit");
            ok = false;
            continue;
        }
        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            items = realloc(items, cap * sizeof *items);
            if (items == NULL) abort();
        }
        items[count++] = in;
    }
    fclose(f);
    if (!ok) {
        free(items);
        return NULL;
    }
    *count_out = count;
    return items;
}

/* ---------------------------------------------------------------------------------
 * Window and frames
 * ------------------------------------------------------------------------------- */

static bool resize(win *w)
{
    SDL_GetWindowSize(w->window, &w->logical_w, &w->logical_h);
    int pw, ph;
    if (SDL_GetRendererOutputSize(w->renderer, &pw, &ph) != 0) {
        fprintf(stderr, "kraftlab watch: %s\n", SDL_GetError());
        return false;
    }
    if (pw == w->pixel_w && ph == w->pixel_h && w->texture != NULL) return true;
    if (w->texture != NULL) SDL_DestroyTexture(w->texture);
    w->pixel_w = pw;
    w->pixel_h = ph;
    w->texture = SDL_CreateTexture(w->renderer, SDL_PIXELFORMAT_ARGB8888,
                                   SDL_TEXTUREACCESS_STREAMING, pw, ph);
    if (w->texture == NULL) {
        fprintf(stderr, "kraftlab watch: %s\n", SDL_GetError());
        return false;
    }
    const double scale = w->logical_w > 0 ? (double)pw / w->logical_w : 1.0;
    viz_layout_compute(&w->layout, w->s->world, w->logical_w, w->logical_h, scale);
    return true;
}

/* Draws straight into the locked streaming texture: cairo's ARGB32 is SDL's ARGB8888 on
 * every little- and big-endian host (both are native-endian 32-bit words). */
static bool draw(win *w)
{
    void *pixels = NULL;
    int pitch = 0;
    if (SDL_LockTexture(w->texture, NULL, &pixels, &pitch) != 0) {
        fprintf(stderr, "kraftlab watch: %s\n", SDL_GetError());
        return false;
    }
    cairo_surface_t *surf = cairo_image_surface_create_for_data(pixels, CAIRO_FORMAT_ARGB32,
                                                                w->pixel_w, w->pixel_h, pitch);
    cairo_t *cr = cairo_create(surf);
    cairo_scale(cr, w->layout.scale, w->layout.scale);
    viz_draw_frame(cr, &w->layout, w->s->world, &w->view);
    const cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_flush(surf);
    cairo_surface_destroy(surf);
    SDL_UnlockTexture(w->texture);
    if (st != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "kraftlab watch: drawing failed: %s\n", cairo_status_to_string(st));
        return false;
    }
    if (SDL_RenderClear(w->renderer) != 0 ||
        SDL_RenderCopy(w->renderer, w->texture, NULL, NULL) != 0) {
        fprintf(stderr, "kraftlab watch: %s\n", SDL_GetError());
        return false;
    }
    SDL_RenderPresent(w->renderer);
    return true;
}

static int open_window(win *w)
{
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "kraftlab watch: no display: %s\n", SDL_GetError());
        return 3;
    }
    char title[160];
    snprintf(title, sizeof title, "kraftlab — %s (seed %" PRIu64 ")", w->s->cfg->name, w->s->seed);
    w->window =
        SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w->cfg->width,
                         w->cfg->height, SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (w->window == NULL) {
        fprintf(stderr, "kraftlab watch: cannot open a window: %s\n", SDL_GetError());
        return 3;
    }
    const uint32_t flags = w->cfg->fixed_step_us > 0
                               ? SDL_RENDERER_SOFTWARE
                               : SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC;
    w->renderer = SDL_CreateRenderer(w->window, -1, flags);
    if (w->renderer == NULL) w->renderer = SDL_CreateRenderer(w->window, -1, SDL_RENDERER_SOFTWARE);
    if (w->renderer == NULL) {
        fprintf(stderr, "kraftlab watch: cannot draw in the window: %s\n", SDL_GetError());
        return 3;
    }
    return resize(w) ? 0 : 3;
}

static void close_window(win *w)
{
    if (w->texture != NULL) SDL_DestroyTexture(w->texture);
    if (w->renderer != NULL) SDL_DestroyRenderer(w->renderer);
    if (w->window != NULL) SDL_DestroyWindow(w->window);
    SDL_Quit();
}

int viz_window_run(const viz_window_config *cfg, viz_session *s)
{
    win w;
    memset(&w, 0, sizeof w);
    w.cfg = cfg;
    w.s = s;
    viz_view_init(&w.view, s->world);
    viz_markers_to_view(&s->markers, &w.view);
    w.view.seed = s->seed;
    set_speed(&w, 6);
    for (uint32_t i = 0; i < SPEED_COUNT; i++)
        if (speeds[i] <= cfg->speed) w.speed_index = i;
    set_speed(&w, w.speed_index);
    w.view.playing = true;
    if (cfg->tour && viz_session_caption(s) != NULL) w.view.waiting_on_note = true;
    const int rc = open_window(&w);
    if (rc != 0) {
        close_window(&w);
        return rc;
    }
    uint32_t next_input = 0;
    uint64_t last_ticks = SDL_GetTicks64();
    while (!w.quit && (cfg->max_frames == 0 || w.frame < cfg->max_frames)) {
        SDL_Event e;
        while (SDL_PollEvent(&e)) {
            if (e.type == SDL_WINDOWEVENT && (e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
                                              e.window.event == SDL_WINDOWEVENT_RESIZED)) {
                if (!resize(&w)) w.quit = true;
            } else if (cfg->inputs == NULL) {
                handle(&w, &e); /* scripted runs ignore the real mouse and keyboard */
            } else if (e.type == SDL_QUIT) {
                w.quit = true;
            }
        }
        while (next_input < cfg->input_count && cfg->inputs[next_input].frame <= w.frame)
            apply_input(&w, &cfg->inputs[next_input++]);
        const uint64_t ticks = SDL_GetTicks64();
        if (w.view.playing && !w.view.waiting_on_note) {
            const sim_time dt =
                cfg->fixed_step_us > 0
                    ? cfg->fixed_step_us
                    : (sim_time)((double)(ticks - last_ticks) * 1000.0 * w.view.speed);
            advance(&w, dt);
        }
        last_ticks = ticks;
        if (w.frame >= w.flash_until_frame) w.view.flash = NULL;
        if (!draw(&w)) break;
        w.frame++;
    }
    close_window(&w);
    return 0;
}
