/*
 * viz_fixture.h — helpers the headless viewer tests share: load a scenario, run a world
 *   to an instant with a marker sink attached, draw or render its frame, and read and
 *   compare pixels and rectangles.
 */
#ifndef VIZ_FIXTURE_H
#define VIZ_FIXTURE_H

#include "../../viz/markers.h"
#include "../../viz/viz.h"

#include <cairo.h>
#include <stdbool.h>
#include <stdint.h>

/* Loads the scenario at `path` (run from the repository root) or the JSON text `json`,
 * named `name` in diagnostics; asserts it is valid. Free with scn_config_free. */
scn_config *vf_load_file(const char *path);
scn_config *vf_load(const char *name, const char *json);

/* A world run to `t`; with `mk` (may be NULL) a marker sink is attached before its first
 * step. Free with sim_world_free. */
sim_world *vf_world_at(const scn_config *cfg, viz_markers *mk, sim_time t);

/* The view the viewer starts with, carrying the markers of `mk`. */
void vf_view_of(const sim_world *w, const viz_markers *mk, viz_view *v);

/* The frame `kraftlab render` would write for (w, v) now, read back from the PNG; with
 * v NULL, the starting view. `l` receives the layout of that frame. */
cairo_surface_t *vf_render(const sim_world *w, const viz_view *v, viz_layout *l, int width,
                           int height);
/* The frame of (w, v) drawn into a new image surface; `l` receives its layout. */
cairo_surface_t *vf_draw(const sim_world *w, const viz_view *v, viz_layout *l, int width,
                         int height);

viz_rgb vf_pixel(cairo_surface_t *s, double x, double y);
viz_rgb vf_hex(uint32_t rgb);
bool vf_near(viz_rgb a, viz_rgb b, double tol);
bool vf_same_pixels(cairo_surface_t *a, cairo_surface_t *b);
bool vf_inside(viz_rect outer, viz_rect r);
bool vf_overlap(viz_rect a, viz_rect b);

#endif
