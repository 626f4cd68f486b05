/*
 * export.c — headless output: one frame to a PNG file.
 *
 * Role: `kraftlab render` writes its pictures with viz_render_png; tests read them back.
 *   The window uses the same viz_draw_frame on the surface it uploads to its texture.
 * Model: none.
 * Owns / borrows: the cairo surface and context live for the call only.
 * Invariants: cairo's status is checked once, after drawing (its errors are sticky).
 * Determinism: the same (world, view, size) gives the same bytes on the same machine;
 *   the PNG writer adds no time stamp.
 * Not modelled: n/a.
 */
#include "viz_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

sim_err viz_render_png(const sim_world *w, const viz_view *v, int width, int height,
                       const char *path)
{
    if (width <= 0 || height <= 0) {
        fprintf(stderr, "kraftlab: cannot draw a %dx%d picture\n", width, height);
        return SIM_EINVALID;
    }
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    cairo_status_t st = cairo_surface_status(surface);
    if (st != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "kraftlab: cannot make a %dx%d picture: %s\n", width, height,
                cairo_status_to_string(st));
        cairo_surface_destroy(surface);
        return SIM_EIO;
    }
    cairo_t *cr = cairo_create(surface);
    viz_layout l;
    viz_layout_compute(&l, w, width, height, 1.0);
    viz_draw_frame(cr, &l, w, v);
    st = cairo_status(cr);
    cairo_destroy(cr);
    if (st == CAIRO_STATUS_SUCCESS) {
        errno = 0;
        st = cairo_surface_write_to_png(surface, path);
        if (st != CAIRO_STATUS_SUCCESS) {
            fprintf(stderr, "kraftlab: cannot write %s: %s\n", path,
                    errno != 0 ? strerror(errno) : cairo_status_to_string(st));
        }
    } else {
        fprintf(stderr, "kraftlab: drawing failed: %s\n", cairo_status_to_string(st));
    }
    cairo_surface_destroy(surface);
    return st == CAIRO_STATUS_SUCCESS ? SIM_OK : SIM_EIO;
}
