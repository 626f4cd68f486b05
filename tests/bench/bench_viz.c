/*
 * bench_viz.c — the viewer's figures for `make bench`: the time to draw one frame of a
 *   nine-node cluster at 1280x800, and the time to scrub back five minutes in a
 *   ten-minute scenario (restore a checkpoint, re-simulate, draw). Prints JSON for
 *   bench.py; measures, never asserts.
 * Usage: bench_viz (from the repository root)
 */
#include "../../viz/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static scn_config *load(const char *path, const scn_override *ov, uint32_t n)
{
    scn_config *cfg = NULL;
    scn_diags d = {0};
    if (scn_load_file(path, ov, n, &cfg, &d) != SIM_OK) {
        fprintf(stderr, "%s", d.text ? d.text : "cannot load\n");
        exit(1);
    }
    scn_diags_free(&d);
    return cfg;
}

static double draw_ms(cairo_surface_t *surf, const viz_layout *l, const sim_world *w,
                      const viz_view *v)
{
    const double t0 = now_ms();
    cairo_t *cr = cairo_create(surf);
    viz_draw_frame(cr, l, w, v);
    cairo_destroy(cr);
    cairo_surface_flush(surf);
    return now_ms() - t0;
}

int main(void)
{
    /* 1. Frames of a nine-voter cluster, a frame every 16 ms of virtual time. */
    const scn_override nine[] = {{"cluster/controllers", "9"},
                                 {"cluster/brokers", "9"},
                                 {"network/latency/max", "\"20ms\""}};
    scn_config *cfg = load("scenarios/chaos-quorum.json", nine, 3);
    viz_session *s = viz_session_new(cfg, 1);
    viz_view v;
    viz_view_init(&v, s->world);
    viz_markers_to_view(&s->markers, &v);
    viz_layout l;
    viz_layout_compute(&l, s->world, 1280, 800, 1.0);
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1280, 800);
    viz_session_seek(s, 5000000);
    draw_ms(surf, &l, s->world, &v); /* warm-up: the first frame loads the fonts */
    const int frames = 300;
    double total = 0, worst = 0;
    uint32_t msgs_max = 0;
    for (int i = 0; i < frames; i++) {
        viz_session_advance(s, viz_session_now(s) + 16000);
        viz_msg tmp[512];
        const uint32_t m = viz_visible_messages(s->world, tmp, 512);
        if (m > msgs_max) msgs_max = m;
        const double ms = draw_ms(surf, &l, s->world, &v);
        total += ms;
        if (ms > worst) worst = ms;
    }
    viz_session_free(s);
    scn_config_free(cfg);

    /* 2. Scrub back five minutes in a ten-minute scenario. */
    const scn_override ten[] = {{"duration", "\"10m\""}};
    cfg = load("scenarios/quickstart.json", ten, 1);
    double t0 = now_ms();
    s = viz_session_new(cfg, 7);
    const double session_ms = now_ms() - t0;
    viz_session_seek(s, 600000000);
    viz_view_init(&v, s->world);
    viz_markers_to_view(&s->markers, &v);
    viz_layout_compute(&l, s->world, 1280, 800, 1.0);
    t0 = now_ms();
    viz_session_seek(s, 300000000);
    const double scrub_sim_ms = now_ms() - t0;
    const double scrub_total_ms = scrub_sim_ms + draw_ms(surf, &l, s->world, &v);
    size_t ckpt_bytes = 0;
    for (uint32_t i = 0; i < s->ckpt_count; i++) ckpt_bytes += s->ckpts[i].bytes;
    printf("{\"frame_9_nodes_ms_mean\": %.3f, \"frame_9_nodes_ms_max\": %.3f,"
           " \"frame_messages_max\": %u, \"frames\": %d,"
           " \"session_10min_build_ms\": %.2f, \"scrub_back_5min_ms\": %.2f,"
           " \"scrub_back_5min_sim_ms\": %.2f, \"checkpoints\": %u, \"checkpoint_bytes\": %zu}\n",
           total / frames, worst, msgs_max, frames, session_ms, scrub_total_ms, scrub_sim_ms,
           s->ckpt_count, ckpt_bytes);
    viz_session_free(s);
    scn_config_free(cfg);
    cairo_surface_destroy(surf);
    return 0;
}
