/*
 * viz_fixture.c — see viz_fixture.h.
 */
#include "viz_fixture.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

scn_config *vf_load_file(const char *path)
{
    scn_config *cfg = NULL;
    scn_diags d = {0};
    cr_assert_eq(scn_load_file(path, NULL, 0, &cfg, &d), SIM_OK,
                 "%s (run from the repository root)", d.text ? d.text : path);
    scn_diags_free(&d);
    return cfg;
}

scn_config *vf_load(const char *name, const char *json)
{
    scn_config *cfg = NULL;
    scn_diags d = {0};
    cr_assert_eq(scn_load_buffer(name, json, strlen(json), NULL, 0, &cfg, &d), SIM_OK, "%s",
                 d.text ? d.text : "");
    scn_diags_free(&d);
    return cfg;
}

sim_world *vf_world_at(const scn_config *cfg, viz_markers *mk, sim_time t)
{
    sim_world *w = sim_world_new(cfg, cfg->seed, SIM_TIME_NEVER);
    if (mk != NULL) {
        viz_markers_init(mk, w);
        viz_markers_attach(mk, w);
    }
    sim_world_run_until(w, t);
    return w;
}

void vf_view_of(const sim_world *w, const viz_markers *mk, viz_view *v)
{
    viz_view_init(v, w);
    viz_markers_to_view(mk, v);
}

cairo_surface_t *vf_render(const sim_world *w, const viz_view *v, viz_layout *l, int width,
                           int height)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/kraftlab-viz-test-%ld.png", (long)getpid());
    viz_view start;
    if (v == NULL) {
        viz_view_init(&start, w);
        v = &start;
    }
    cr_assert_eq(viz_render_png(w, v, width, height, path), SIM_OK);
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    remove(path);
    viz_layout_compute(l, w, width, height, 1.0);
    return s;
}

cairo_surface_t *vf_draw(const sim_world *w, const viz_view *v, viz_layout *l, int width,
                         int height)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    cairo_t *cr = cairo_create(s);
    viz_layout_compute(l, w, width, height, 1.0);
    viz_draw_frame(cr, l, w, v);
    cr_assert_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    return s;
}

viz_rgb vf_pixel(cairo_surface_t *s, double x, double y)
{
    cairo_surface_flush(s);
    const int ix = (int)lround(x), iy = (int)lround(y);
    cr_assert(ix >= 0 && iy >= 0 && ix < cairo_image_surface_get_width(s) &&
              iy < cairo_image_surface_get_height(s));
    const unsigned char *row =
        cairo_image_surface_get_data(s) + (size_t)iy * cairo_image_surface_get_stride(s);
    uint32_t p;
    memcpy(&p, row + 4 * ix, 4);
    return vf_hex(p & 0xffffff);
}

viz_rgb vf_hex(uint32_t rgb)
{
    return (viz_rgb){(rgb >> 16 & 0xff) / 255.0, (rgb >> 8 & 0xff) / 255.0, (rgb & 0xff) / 255.0};
}

bool vf_near(viz_rgb a, viz_rgb b, double tol)
{
    return fabs(a.r - b.r) <= tol && fabs(a.g - b.g) <= tol && fabs(a.b - b.b) <= tol;
}

bool vf_same_pixels(cairo_surface_t *a, cairo_surface_t *b)
{
    cairo_surface_flush(a);
    cairo_surface_flush(b);
    const int h = cairo_image_surface_get_height(a), stride = cairo_image_surface_get_stride(a);
    return memcmp(cairo_image_surface_get_data(a), cairo_image_surface_get_data(b),
                  (size_t)h * (size_t)stride) == 0;
}

bool vf_inside(viz_rect outer, viz_rect r)
{
    return r.x >= outer.x - 1e-9 && r.y >= outer.y - 1e-9 &&
           r.x + r.w <= outer.x + outer.w + 1e-9 && r.y + r.h <= outer.y + outer.h + 1e-9;
}

bool vf_overlap(viz_rect a, viz_rect b)
{
    return a.x < b.x + b.w - 1e-9 && b.x < a.x + a.w - 1e-9 && a.y < b.y + b.h - 1e-9 &&
           b.y < a.y + a.h - 1e-9;
}
