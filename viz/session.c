/*
 * session.c — the viewer's run: added actions, full runs, checkpoints, markers.
 *
 * Role / Model / Owns / Not modelled: see session.h.
 * Invariants: after viz_session_new and viz_session_act, the markers and full_hash
 *   describe the whole current timeline; ckpts[0].t == 0.
 * Determinism: a full run is the same run `kraftlab run` would make of the saved
 *   session (same config, seed and timeline), so full_hash is its trace_hash.
 */
#include "session.h"
#include "../sim/core/sim_assert.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------
 * Checkpoints: the world's bytes with runs of zero words squeezed out.
 * Format: repeated [u32 zero words][u32 literal words][literal words ...].
 * ------------------------------------------------------------------------------- */

static size_t compress(const uint64_t *in, size_t words, uint8_t *out)
{
    size_t o = 0, i = 0;
    while (i < words) {
        uint32_t zeros = 0, lits = 0;
        while (i + zeros < words && in[i + zeros] == 0 && zeros < UINT32_MAX) zeros++;
        size_t j = i + zeros;
        while (j + lits < words && lits < UINT32_MAX &&
               !(in[j + lits] == 0 && j + lits + 1 < words && in[j + lits + 1] == 0))
            lits++;
        memcpy(out + o, &zeros, 4);
        memcpy(out + o + 4, &lits, 4);
        o += 8;
        memcpy(out + o, in + j, (size_t)lits * 8);
        o += (size_t)lits * 8;
        i = j + lits;
    }
    return o;
}

static void decompress(const uint8_t *in, size_t bytes, uint64_t *out, size_t words)
{
    size_t i = 0, w = 0;
    while (i < bytes) {
        uint32_t zeros, lits;
        memcpy(&zeros, in + i, 4);
        memcpy(&lits, in + i + 4, 4);
        i += 8;
        SIM_ASSERT(w + zeros + lits <= words);
        memset(out + w, 0, (size_t)zeros * 8);
        w += zeros;
        memcpy(out + w, in + i, (size_t)lits * 8);
        w += lits;
        i += (size_t)lits * 8;
    }
    SIM_ASSERT(w == words);
}

static size_t scratch_words(const viz_session *s)
{
    return (s->scratch_bytes + 7) / 8;
}

static void checkpoint_take(viz_session *s)
{
    SIM_ASSERT(s->ckpt_count < VIZ_CHECKPOINTS_MAX);
    memset(s->scratch, 0, scratch_words(s) * 8);
    sim_world_checkpoint_save(s->world, s->scratch);
    /* Worst case: every word a literal, plus one header. */
    uint8_t *buf = sim_xmalloc(scratch_words(s) * 8 + 16);
    const size_t n = compress((const uint64_t *)s->scratch, scratch_words(s), buf);
    viz_checkpoint *c = &s->ckpts[s->ckpt_count++];
    c->t = sim_world_now(s->world);
    c->data = sim_xrealloc(buf, n ? n : 1);
    c->bytes = n;
}

static void checkpoint_restore(viz_session *s, const viz_checkpoint *c)
{
    decompress(c->data, c->bytes, (uint64_t *)s->scratch, scratch_words(s));
    sim_world_checkpoint_restore(s->world, s->scratch);
}

static void drop_checkpoints(viz_session *s)
{
    for (uint32_t i = 0; i < s->ckpt_count; i++) free(s->ckpts[i].data);
    s->ckpt_count = 0;
}

/* ---------------------------------------------------------------------------------
 * Full runs
 * ------------------------------------------------------------------------------- */

/* Builds the world for the current timeline and runs it whole, collecting markers and
 * checkpoints; leaves it at the end. */
static void rebuild(viz_session *s)
{
    drop_checkpoints(s);
    if (s->world != NULL) viz_markers_deinit(&s->markers);
    sim_world_free(s->world);
    const sim_world_options opts = {.extra_actions = s->extras,
                                    .extra_action_count = s->extra_count};
    s->world = sim_world_new_opts(s->cfg, s->seed, SIM_TIME_NEVER, &opts);
    /* Markers ignore records they have seen, so re-simulating from a checkpoint adds
     * nothing twice. */
    viz_markers_init(&s->markers, s->world);
    viz_markers_attach(&s->markers, s->world);
    s->scratch_bytes = sim_world_checkpoint_bytes(s->world);
    free(s->scratch);
    s->scratch = sim_xcalloc(scratch_words(s), 8);
    const sim_time end = s->world->end_us;
    s->ckpt_interval_us = end / (VIZ_CHECKPOINTS_MAX - 2) + 1;
    if (s->ckpt_interval_us < SIM_S(1)) s->ckpt_interval_us = SIM_S(1);
    checkpoint_take(s); /* t = 0, before the nodes boot */
    for (sim_time t = s->ckpt_interval_us; t < end; t += s->ckpt_interval_us) {
        sim_world_run_until(s->world, t);
        checkpoint_take(s);
    }
    sim_world_run(s->world);
    sim_trace_hash_hex(&s->world->engine.trace, s->full_hash);
    s->full_events = s->world->engine.events_run;
    s->rebuilds++;
}

viz_session *viz_session_new(const scn_config *cfg, uint64_t seed)
{
    viz_session *s = sim_xcalloc(1, sizeof *s);
    s->cfg = cfg;
    s->seed = seed;
    rebuild(s);
    viz_session_seek(s, 0);
    return s;
}

void viz_session_free(viz_session *s)
{
    if (s == NULL) return;
    drop_checkpoints(s);
    viz_markers_deinit(&s->markers);
    sim_world_free(s->world);
    for (uint32_t i = 0; i < s->extra_count; i++) {
        free((char *)s->extras[i].text);
        free((char *)s->extras[i].label);
    }
    free(s->extras);
    free(s->scratch);
    free(s);
}

sim_time viz_session_now(const viz_session *s)
{
    return sim_world_now(s->world);
}

sim_time viz_session_end(const viz_session *s)
{
    return s->world->end_us;
}

void viz_session_seek(viz_session *s, sim_time t)
{
    if (t > s->world->end_us) t = s->world->end_us;
    const sim_time now = sim_world_now(s->world);
    /* The latest checkpoint at or before t. */
    uint32_t k = 0;
    while (k + 1 < s->ckpt_count && s->ckpts[k + 1].t <= t) k++;
    if (t < now || s->world->finished || s->ckpts[k].t > now) checkpoint_restore(s, &s->ckpts[k]);
    sim_world_run_until(s->world, t);
    SIM_ASSERT(sim_world_now(s->world) == t);
}

void viz_session_advance(viz_session *s, sim_time t)
{
    SIM_ASSERT(t >= sim_world_now(s->world));
    sim_world_run_until(s->world, t);
}

bool viz_session_step(viz_session *s)
{
    return sim_world_step(s->world);
}

static char *dup_or_null(const char *p)
{
    return p != NULL ? sim_xstrdup(p) : NULL;
}

sim_err viz_session_act(viz_session *s, const scn_action *act)
{
    const sim_time now = sim_world_now(s->world);
    /* The future is rewritten: added actions after now are gone. */
    uint32_t keep = 0;
    for (uint32_t i = 0; i < s->extra_count; i++) {
        if (s->extras[i].at_us <= now) {
            s->extras[keep++] = s->extras[i];
        } else {
            free((char *)s->extras[i].text);
            free((char *)s->extras[i].label);
        }
    }
    s->extra_count = keep;
    if (s->cfg->action_count + s->extra_count + 1 > SIM_TIMELINE_MAX) return SIM_ELIMIT;
    if (s->extra_count == s->extra_cap) {
        s->extra_cap = s->extra_cap ? s->extra_cap * 2 : 16;
        s->extras = sim_xrealloc(s->extras, s->extra_cap * sizeof *s->extras);
    }
    scn_action a = *act;
    a.at_us = now;
    a.text = dup_or_null(act->text);
    a.label = dup_or_null(act->label);
    a.member_count = 0; /* the viewer adds no partitions */
    a.members = NULL;
    a.side_index = NULL;
    s->extras[s->extra_count++] = a;
    rebuild(s);
    viz_session_seek(s, now);
    return SIM_OK;
}

const char *viz_session_caption(const viz_session *s)
{
    const sim_world *w = s->world;
    const char *text = NULL;
    for (uint32_t i = 0; i < w->action_count && w->actions[i].at_us <= w->engine.now; i++)
        if (w->actions[i].kind == SCN_ACT_NOTE) text = w->actions[i].text;
    return text;
}

sim_time viz_session_next_note(const viz_session *s, sim_time after, sim_time upto)
{
    const sim_world *w = s->world;
    for (uint32_t i = 0; i < w->action_count; i++) {
        const sim_time t = w->actions[i].at_us;
        if (w->actions[i].kind == SCN_ACT_NOTE && t > after && t <= upto) return t;
    }
    return SIM_TIME_NEVER;
}
