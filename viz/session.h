/*
 * session.h — one viewer session: a scenario, a seed, the actions the learner added,
 *   the run they give, checkpoints to scrub through it, and the markers of what
 *   happened.
 *
 * Role: `kraftlab watch` (and its tests) drive the run only through a session. The
 *   learner's clicks become actions appended to the scenario's timeline at the current
 *   virtual time (sim_world_options.extra_actions), so the session *is* a scenario: the
 *   file `s` saves replays to the same trace_hash by construction.
 * Model: after every change the session runs the whole timeline once (a run takes
 *   milliseconds), collecting markers from the trace and a checkpoint every interval;
 *   seeking to any instant restores the latest checkpoint at or before it and runs
 *   forward. Checkpoints are compressed (runs of zero words), since most of an arena is
 *   capacity not yet used.
 * Owns / borrows: owns its world, checkpoints, markers and the added actions (with
 *   their strings); borrows the config for its life.
 * Invariants: checkpoint times ascend; the first is at 0, taken before the first step.
 * Determinism: everything shown is a function of (scenario, seed, added actions, t).
 * Not modelled: n/a.
 */
#ifndef VIZ_SESSION_H
#define VIZ_SESSION_H

#include "markers.h"
#include "viz.h"

#define VIZ_CHECKPOINTS_MAX 64u

typedef struct viz_checkpoint {
    sim_time t;
    uint8_t *data; /* compressed world bytes, owned */
    size_t bytes;
} viz_checkpoint;

typedef struct viz_session {
    const scn_config *cfg;
    uint64_t seed;
    scn_action *extras; /* added actions, in the order they were made */
    uint32_t extra_count, extra_cap;
    sim_world *world; /* the run shown, at some instant */
    viz_checkpoint ckpts[VIZ_CHECKPOINTS_MAX];
    uint32_t ckpt_count;
    sim_time ckpt_interval_us;
    uint8_t *scratch; /* one uncompressed checkpoint */
    size_t scratch_bytes;
    viz_markers markers; /* the whole run's, sorted by time (viz/markers.h) */
    char full_hash[17];  /* trace_hash of the whole session run */
    uint64_t full_events;
    uint64_t rebuilds;
} viz_session;

/* Returns owned (viz_session_free); runs the whole scenario once. */
viz_session *viz_session_new(const scn_config *cfg, uint64_t seed);
void viz_session_free(viz_session *s);

sim_time viz_session_now(const viz_session *s);
sim_time viz_session_end(const viz_session *s);

/* Shows the run at virtual time t (clamped to [0, end]), backwards or forwards. */
void viz_session_seek(viz_session *s, sim_time t);
/* Runs forward to t (>= now), as playback does. */
void viz_session_advance(viz_session *s, sim_time t);
/* Runs exactly one event; false at the end of the run. */
bool viz_session_step(viz_session *s);

/* Adds `act` (targets resolved or not, as in a timeline) at the current instant: any
 * added action later than now is dropped (the future is rewritten), the whole run is
 * redone with the new timeline and shown at the same instant. The action's strings are
 * copied. SIM_ELIMIT when the timeline would exceed SIM_TIMELINE_MAX. */
sim_err viz_session_act(viz_session *s, const scn_action *act);

/* The latest note at or before now, or NULL. */
const char *viz_session_caption(const viz_session *s);
/* The first note strictly after `after` and at or before `upto`: its time, or
 * SIM_TIME_NEVER (guided tours stop there). */
sim_time viz_session_next_note(const viz_session *s, sim_time after, sim_time upto);

#endif
