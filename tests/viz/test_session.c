/*
 * test_session.c — the viewer's session: scrubbing by checkpoints, added actions.
 *
 * Goal: seeking anywhere shows exactly the state a straight run has at that instant;
 *   an added action makes the session's run the same as the scenario with that action
 *   appended to its timeline; actions added later than a scrubbed-back instant are
 *   dropped.
 * Method: compare trace digests and event counts with fresh worlds run straight.
 */
#include "../../viz/session.h"

#include <criterion/criterion.h>
#include <string.h>

static scn_config *load(const char *json)
{
    scn_config *cfg = NULL;
    scn_diags d = {0};
    cr_assert_eq(scn_load_buffer("t.json", json, strlen(json), NULL, 0, &cfg, &d), SIM_OK, "%s",
                 d.text ? d.text : "");
    scn_diags_free(&d);
    return cfg;
}

static const char base[] = "{\"format\": 1, \"name\": \"t\", \"duration\": \"10m\","
                           " \"cluster\": {\"controllers\": 3, \"brokers\": 3},"
                           " \"timeline\": [{\"at\": \"20s\", \"do\": \"crash\","
                           " \"node\": \"controller-leader\"}]}";

/* The digest a straight run has at t. */
static uint64_t straight_digest(const scn_config *cfg, uint64_t seed, sim_time t)
{
    sim_world *w = sim_world_new(cfg, seed, SIM_TIME_NEVER);
    sim_world_run_until(w, t);
    const uint64_t d = w->engine.trace.digest;
    sim_world_free(w);
    return d;
}

Test(session, seeking_back_and_forth_shows_the_straight_run)
{
    scn_config *cfg = load(base);
    viz_session *s = viz_session_new(cfg, 4);
    cr_assert_gt(s->ckpt_count, 10, "a 10-minute run keeps checkpoints");
    const sim_time points[] = {SIM_S(590), SIM_S(300), SIM_S(301), SIM_MS(12345), 0, SIM_S(600)};
    for (size_t i = 0; i < sizeof points / sizeof points[0]; i++) {
        viz_session_seek(s, points[i]);
        cr_assert_eq(viz_session_now(s), points[i]);
        cr_assert_eq(s->world->engine.trace.digest, straight_digest(cfg, 4, points[i]), "at %lu us",
                     (unsigned long)points[i]);
    }
    viz_session_free(s);
    scn_config_free(cfg);
}

Test(session, markers_cover_the_run_with_reasons)
{
    scn_config *cfg = load(base);
    viz_session *s = viz_session_new(cfg, 4);
    uint32_t elections = 0, faults = 0;
    const viz_marker *mk = s->markers.items;
    for (uint32_t i = 0; i < s->markers.count; i++) {
        if (i > 0) cr_assert_geq(mk[i].t, mk[i - 1].t, "sorted");
        if (mk[i].kind == VIZ_MARK_ELECTION) {
            elections++;
            cr_assert(strlen(mk[i].why) > 0, "an election says why");
        }
        if (mk[i].kind == VIZ_MARK_FAULT) faults++;
    }
    cr_assert_geq(elections, 2, "the first leader and the one after the crash");
    cr_assert_eq(faults, 1, "the crash");
    viz_session_free(s);
    scn_config_free(cfg);
}

Test(session, an_added_action_is_the_file_with_it_appended)
{
    scn_config *cfg = load(base);
    scn_config *appended = load(
        "{\"format\": 1, \"name\": \"t\", \"duration\": \"10m\","
        " \"cluster\": {\"controllers\": 3, \"brokers\": 3},"
        " \"timeline\": [{\"at\": \"20s\", \"do\": \"crash\", \"node\": \"controller-leader\"},"
        " {\"at\": \"7s\", \"do\": \"isolate\", \"node\": 2}]}");
    viz_session *s = viz_session_new(cfg, 4);
    viz_session_seek(s, SIM_S(30));
    /* An action at 30 s, then scrub back to 7 s and act there: the 30 s one is dropped. */
    const scn_action pause = {.kind = SCN_ACT_PAUSE, .node = {SCN_TARGET_NODE, 1, NULL}};
    cr_assert_eq(viz_session_act(s, &pause), SIM_OK);
    cr_assert_eq(s->extra_count, 1);
    viz_session_seek(s, SIM_S(7));
    const scn_action isolate = {.kind = SCN_ACT_ISOLATE, .node = {SCN_TARGET_NODE, 2, NULL}};
    cr_assert_eq(viz_session_act(s, &isolate), SIM_OK);
    cr_assert_eq(s->extra_count, 1, "the future was rewritten");
    cr_assert_eq(viz_session_now(s), SIM_S(7), "the view stays at the same instant");
    sim_world *w = sim_world_new(appended, 4, SIM_TIME_NEVER);
    sim_world_run(w);
    char hash[17];
    sim_trace_hash_hex(&w->engine.trace, hash);
    cr_assert_str_eq(s->full_hash, hash);
    sim_world_free(w);
    viz_session_free(s);
    scn_config_free(cfg);
    scn_config_free(appended);
}

Test(session, captions_and_tour_stops_follow_the_notes)
{
    scn_config *cfg = load("{\"format\": 1, \"name\": \"t\", \"duration\": \"20s\","
                           " \"cluster\": {\"controllers\": 3, \"brokers\": 3},"
                           " \"timeline\": [{\"at\": \"2s\", \"do\": \"note\", \"text\": \"one\"},"
                           " {\"at\": \"5s\", \"do\": \"note\", \"text\": \"two\"}]}");
    viz_session *s = viz_session_new(cfg, 1);
    cr_assert_null(viz_session_caption(s));
    cr_assert_eq(viz_session_next_note(s, 0, SIM_S(20)), SIM_S(2));
    viz_session_seek(s, SIM_S(3));
    cr_assert_str_eq(viz_session_caption(s), "one");
    cr_assert_eq(viz_session_next_note(s, SIM_S(2), SIM_S(4)), SIM_TIME_NEVER);
    viz_session_seek(s, SIM_S(5));
    cr_assert_str_eq(viz_session_caption(s), "two");
    viz_session_free(s);
    scn_config_free(cfg);
}
