/*
 * window.h — the interactive viewer window (implemented in sdl_window.c, the only file
 *   that includes SDL).
 *
 * Role: `kraftlab watch` opens a window on a session and runs the frame loop: poll
 *   input → turn it into session actions and view changes → advance the session to
 *   now + speed × wall time (or by a fixed step in the deterministic test mode) → draw
 *   with cairo into an image uploaded to an SDL texture → present.
 * Model: none; input reaches the model only through viz_session_act.
 * Owns / borrows: borrows the session, the view and the config for the call.
 * Invariants: every SDL call's result is checked; SDL_GetError is read only after a
 *   failure.
 * Determinism: with fixed_step_us > 0 a frame advances the run by exactly that much
 *   virtual time and scripted input arrives at given frame numbers, so a test does not
 *   depend on wall-clock frame timing.
 * Not modelled: n/a.
 */
#ifndef VIZ_WINDOW_H
#define VIZ_WINDOW_H

#include "session.h"

/* A scripted input event for the deterministic test mode (--input FILE). */
typedef enum viz_input_kind {
    VIZ_INPUT_KEY = 0, /* key: an SDL key name ("space", "s", "Right", "?") */
    VIZ_INPUT_CLICK,   /* click at (x, y), or at a named target */
    VIZ_INPUT_DRAG,    /* drag from (x, y) to (x2, y2), or between named targets */
    VIZ_INPUT_MOVE,    /* move the mouse to (x, y) */
    VIZ_INPUT_QUIT,
} viz_input_kind;

typedef struct viz_input {
    uint64_t frame; /* applied at the start of this frame (from 0) */
    viz_input_kind kind;
    char key[48];
    /* Targets: "node:ID", "menu:ACTION" (an item of the open menu), "timeline:DUR", or
     * coordinates in logical pixels. */
    char target[48], target2[48];
    double x, y, x2, y2;
    bool has_xy, has_xy2;
    uint32_t line; /* in the input file, for messages */
} viz_input;

typedef struct viz_window_config {
    int width, height;       /* initial logical size */
    double speed;            /* initial speed */
    bool tour;               /* stop at each note until Enter */
    sim_time fixed_step_us;  /* 0: real time */
    const viz_input *inputs; /* sorted by frame; may be NULL */
    uint32_t input_count;
    uint64_t max_frames; /* 0: until the window is closed */
    /* Saves the session; returns a line for the status bar (static or owned by ctx). */
    const char *(*save)(void *ctx, const viz_session *s);
    void *save_ctx;
} viz_window_config;

/* Runs the window until it is closed (or max_frames, or a scripted quit). Returns 0, or 3
 * when no window could be opened (the message is printed). */
int viz_window_run(const viz_window_config *cfg, viz_session *s);

/* Parses an input script: one event per line, `FRAME key NAME`, `FRAME click TARGET`,
 * `FRAME click X Y`, `FRAME drag TARGET TARGET`, `FRAME drag X Y X2 Y2`,
 * `FRAME move X Y`, `FRAME quit`; `#` starts a comment. Returns owned (free) or NULL
 * with `file:line: error:` messages on stderr. */
viz_input *viz_input_load(const char *path, uint32_t *count_out);

#endif
