/*
 * cmd_render.c — `kraftlab render`: the viewer's picture of a run at an instant, or
 *   numbered frames of an interval, as PNG files, with no window and no display.
 *
 * Role: loads and validates the scenario (exit 2 on bad input), runs it once whole to
 *   collect the markers of the timeline strip, then runs it again to each requested
 *   instant and draws the frame with the viewer's own drawing code (viz_render_png).
 * Model: none; stepping with sim_world_run_until never changes the run.
 * Owns / borrows: the config, both worlds and the markers, freed before returning.
 * Invariants: frame k (from 1) shows virtual time from + (k - 1) * 1 s / fps.
 * Determinism: the same scenario, seed, instant and size give the same PNG bytes on the
 *   same machine (fonts differ between machines).
 * Not modelled: n/a.
 */
#include "cli.h"
#include "../../viz/markers.h"
#include "../../viz/viz.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char render_help[] =
    "usage: kraftlab render SCENARIO --out PATH [--at DUR | --from DUR --to DUR [--fps N]]\n"
    "                       [--size WxH] [--seed N] [--until DUR] [--set PATH=VALUE]...\n"
    "\n"
    "Draws the viewer's picture of the run (the same drawing as 'kraftlab watch') to PNG\n"
    "files. Needs no window and no display.\n"
    "\n"
    "  --out PATH        where to write. One picture: PATH as given. Frames: PATH may hold\n"
    "                    one printf-style number, %d or %04d (e.g. frames/f-%04d.png);\n"
    "                    otherwise frames go to PATH-0001.png, PATH-0002.png, ... (a\n"
    "                    trailing .png of PATH is moved after the number). Frames count\n"
    "                    from 1.\n"
    "  --at DUR          the instant to draw (default: the end of the run), e.g. 8.5s\n"
    "  --from DUR        first frame of an interval ...\n"
    "  --to DUR          ... and the last (inclusive)\n"
    "  --fps N           frames per second of VIRTUAL time (default 25; 1..100000): with\n"
    "                    --fps 1000 each frame is 1 ms later, enough to see messages move\n"
    "  --size WxH        picture size in pixels (default 1280x800; 64..8192 each)\n"
    "  --seed N          master seed (overrides the scenario's \"seed\")\n"
    "  --until DUR       end the run here instead of at \"duration\" (the timeline's length)\n"
    "  --set PATH=VALUE  override one scenario value, as for 'kraftlab run'\n"
    "\n"
    "Exit: 0 ok; 2 bad usage or bad scenario; 3 a file could not be read or written.\n";

#define FRAMES_MAX 100000u

typedef struct render_opts {
    const char *out;
    bool has_at, has_from, has_to, has_fps;
    sim_time at_us, from_us, to_us;
    uint64_t fps;
    int width, height;
} render_opts;

static bool parse_size(const char *s, int *w, int *h)
{
    char *end = NULL;
    const long a = strtol(s, &end, 10);
    if (end == s || (*end != 'x' && *end != 'X')) return false;
    const char *rest = end + 1;
    const long b = strtol(rest, &end, 10);
    if (end == rest || *end != '\0') return false;
    if (a < 64 || a > 8192 || b < 64 || b > 8192) return false;
    *w = (int)a;
    *h = (int)b;
    return true;
}

/* Checks that `pattern` holds exactly one %d or %0Nd (N < 10) and no other conversion
 * but %%. Returns false when it holds none; sets *bad when it holds a wrong one. */
static bool frame_pattern(const char *pattern, bool *bad)
{
    uint32_t numbers = 0;
    *bad = false;
    for (const char *p = pattern; *p != '\0'; p++) {
        if (*p != '%') continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        const char *q = p + 1;
        if (*q == '0' && q[1] >= '1' && q[1] <= '9') q += 2;
        if (*q != 'd') {
            *bad = true;
            return false;
        }
        numbers++;
        p = q;
    }
    if (numbers > 1) *bad = true;
    return numbers == 1;
}

static void frame_path(const char *out, bool pattern, uint32_t k, char *buf, size_t n)
{
    if (pattern) {
        snprintf(buf, n, out, (int)k);
        return;
    }
    const size_t len = strlen(out);
    const bool png = len >= 4 && strcmp(out + len - 4, ".png") == 0;
    snprintf(buf, n, "%.*s-%04" PRIu32 ".png", (int)(png ? len - 4 : len), out, k);
}

/* Parses one flag of render's own; returns 1 consumed, 0 not ours, -1 usage error. */
static int render_flag(render_opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    const bool at = strcmp(a, "--at") == 0, from = strcmp(a, "--from") == 0;
    const bool to = strcmp(a, "--to") == 0;
    if (!at && !from && !to && strcmp(a, "--out") != 0 && strcmp(a, "--fps") != 0 &&
        strcmp(a, "--size") != 0)
        return 0;
    if (*i + 1 >= argc) {
        cli_usage_error("render", "%s needs a value", a);
        return -1;
    }
    const char *v = argv[++*i];
    if (at || from || to) {
        sim_time t;
        if (!scn_parse_duration(v, &t)) {
            cli_usage_error("render", "%s wants a duration such as 8s or 1500ms, got '%s'", a, v);
            return -1;
        }
        bool *has = at ? &o->has_at : from ? &o->has_from : &o->has_to;
        sim_time *dst = at ? &o->at_us : from ? &o->from_us : &o->to_us;
        *has = true;
        *dst = t;
    } else if (strcmp(a, "--out") == 0) {
        o->out = v;
    } else if (strcmp(a, "--fps") == 0) {
        if (!cli_parse_u64(v, &o->fps) || o->fps < 1 || o->fps > 100000) {
            cli_usage_error("render", "--fps wants an integer from 1 to 100000, got '%s'", v);
            return -1;
        }
        o->has_fps = true;
    } else if (!parse_size(v, &o->width, &o->height)) {
        cli_usage_error("render", "--size wants WxH, each 64..8192, got '%s'", v);
        return -1;
    }
    return 1;
}

/* Cross-flag rules; the times are checked against the run's end later. */
static int check_opts(const render_opts *o, const cli_common *c)
{
    if (c->scenario_path == NULL) return cli_usage_error("render", "which scenario?");
    if (o->out == NULL) return cli_usage_error("render", "--out PATH is required");
    const bool interval = o->has_from || o->has_to || o->has_fps;
    if (o->has_at && interval)
        return cli_usage_error("render", "--at draws one instant; --from/--to/--fps draw frames "
                                         "of an interval: use one or the other");
    if (interval && !(o->has_from && o->has_to))
        return cli_usage_error("render", "frames need both --from and --to");
    if (interval && o->from_us > o->to_us) return cli_usage_error("render", "--from is after --to");
    bool bad = false;
    const bool pattern = frame_pattern(o->out, &bad);
    if (bad || (pattern && !interval))
        return cli_usage_error("render",
                               "--out '%s': only one %%d or %%0Nd, and only with "
                               "--from/--to",
                               o->out);
    return CLI_EXIT_OK;
}

/* Runs the whole scenario once, collecting the markers of the timeline strip. */
static void collect_markers(const scn_config *cfg, uint64_t seed, sim_time until, viz_markers *m,
                            sim_world **world_out)
{
    sim_world *w = sim_world_new(cfg, seed, until);
    viz_markers_init(m, w);
    viz_markers_attach(m, w);
    sim_world_run(w);
    *world_out = w;
}

static int draw_frames(const render_opts *o, sim_world *w, const viz_view *base)
{
    bool bad = false;
    const bool pattern = frame_pattern(o->out, &bad);
    const bool interval = o->has_from;
    const sim_time from = interval ? o->from_us : o->has_at ? o->at_us : w->end_us;
    const uint64_t fps = o->has_fps ? o->fps : 25;
    const uint64_t count = interval ? (o->to_us - from) * fps / 1000000u + 1 : 1;
    if (count > FRAMES_MAX)
        return cli_usage_error("render", "%" PRIu64 " frames; at most %u (lower --fps?)", count,
                               FRAMES_MAX);
    char path[4096];
    for (uint64_t k = 0; k < count; k++) {
        const sim_time t = from + k * 1000000u / fps;
        sim_world_run_until(w, t);
        viz_view v = *base;
        if (interval) {
            frame_path(o->out, pattern, (uint32_t)(k + 1), path, sizeof path);
        } else {
            snprintf(path, sizeof path, "%s", o->out);
        }
        const sim_err err = viz_render_png(w, &v, o->width, o->height, path);
        if (err != SIM_OK) return CLI_EXIT_ENV;
    }
    if (interval) {
        char first[4096];
        frame_path(o->out, pattern, 1, first, sizeof first);
        printf("render: %" PRIu64 " frames %s .. %s (%dx%d)\n", count, first, path, o->width,
               o->height);
    } else {
        char t[32];
        snprintf(t, sizeof t, "%" PRIu64 ".%03" PRIu64 " s", w->engine.now / 1000000u,
                 (w->engine.now / 1000u) % 1000u);
        printf("render: %s at t = %s (%dx%d)\n", path, t, o->width, o->height);
    }
    return CLI_EXIT_OK;
}

int cmd_render(int argc, char **argv)
{
    cli_common c = {0};
    render_opts o = {.width = 1280, .height = 800};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r = cli_common_flag(&c, argc, argv, &i, "render");
        if (r == 0) r = render_flag(&o, argc, argv, &i);
        if (r < 0) return CLI_EXIT_USAGE;
        if (r > 0) continue;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(render_help, stdout);
            return CLI_EXIT_OK;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("render", "unknown flag '%s'", a);
        } else if (c.scenario_path == NULL) {
            c.scenario_path = a;
        } else {
            return cli_usage_error("render", "one scenario at a time ('%s' is extra)", a);
        }
    }
    int rc = check_opts(&o, &c);
    if (rc != CLI_EXIT_OK) return rc;
    scn_config *cfg = NULL;
    rc = cli_load(&c, &cfg);
    if (rc != CLI_EXIT_OK) return rc;
    const uint64_t seed = cli_seed(&c, cfg);
    sim_world *full = NULL;
    viz_markers markers;
    collect_markers(cfg, seed, cli_until(&c), &markers, &full);
    const sim_time end = full->end_us;
    const sim_time last = o.has_at ? o.at_us : o.has_to ? o.to_us : end;
    if (last > end) {
        rc = cli_usage_error("render", "%s is after the end of the run (%" PRIu64 " ms)",
                             o.has_at ? "--at" : "--to", end / 1000u);
    } else {
        sim_world *w = cli_world_new(cfg, seed, cli_until(&c));
        viz_view v;
        viz_view_init(&v, w);
        viz_markers_to_view(&markers, &v);
        rc = draw_frames(&o, w, &v);
        cli_world_free(w);
    }
    viz_markers_deinit(&markers);
    sim_world_free(full);
    scn_config_free(cfg);
    return rc;
}
