/*
 * cmd_watch.c — `kraftlab watch`: the animated viewer on a scenario.
 *
 * Role: loads the scenario, makes a session (viz/session.h) and opens the window
 *   (viz/window.h). Saving (`s`) writes the scenario with the learner's actions appended
 *   to its timeline and the session's seed, so `kraftlab watch FILE` or `kraftlab run
 *   FILE` replays the session exactly; on exit the session's trace_hash is printed.
 * Model: none beyond the session's.
 * Owns / borrows: config, session, input script; all freed before returning.
 * Invariants: exit 0 after a normal close; 2 bad usage or input; 3 no display or an
 *   unwritable file.
 * Determinism: --fixed-step and --input make a window run independent of wall-clock
 *   frame timing (tests use them under Xvfb).
 * Not modelled: n/a.
 */
#include "cli.h"
#include "../../viz/window.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char watch_help[] =
    "usage: kraftlab watch SCENARIO [--seed N] [--speed X] [--set PATH=VALUE]...\n"
    "                      [--size WxH] [--save FILE] [--no-tour]\n"
    "                      [--fixed-step DUR] [--input FILE] [--frames N]\n"
    "\n"
    "Opens the animated viewer: the controller quorum's nodes, their roles, epochs, votes\n"
    "and timers, every message in flight, the metadata logs, the timeline and the event\n"
    "log. Scenarios with notes are guided tours: the viewer stops at each note until you\n"
    "press Enter (--no-tour plays straight through).\n"
    "\n"
    "keys and mouse:\n"
    "  space           play / pause\n"
    "  Enter           continue after a note\n"
    "  .               step to the next event\n"
    "  Left / Right    scrub back / forward 1 s (with shift: 10 s)\n"
    "  Home / End      jump to the start / the end\n"
    "  + / -           faster / slower (x1/1000 .. x1000 of real time); 0: x1\n"
    "  click a node    its menu (crash, restart, shutdown, power_off, pause, resume,\n"
    "                  isolate, heal, timeout) and its fields in the inspector\n"
    "  click a message its fields in the inspector\n"
    "  click a producer's or consumer's box  that client in the inspector\n"
    "  drag node->node cut that direction of the link; over a cut link: heal it\n"
    "  click/drag the timeline   scrub; hover it to see what happened there and why\n"
    "  t               force a timeout on the selected node\n"
    "  s               save the session as a scenario (replays exactly)\n"
    "  ?               help overlay\n"
    "  q / Esc         quit (Esc first closes the menu or the help)\n"
    "\n"
    "  --speed X       start at X times real time (default 1)\n"
    "  --size WxH      window size in logical pixels (default 1280x800)\n"
    "  --save FILE     where s saves (default NAME-session.json here)\n"
    "  --fixed-step D  test mode: every frame advances exactly D of virtual time\n"
    "  --input FILE    test mode: scripted input, one event a line:\n"
    "                  FRAME key NAME | click node:ID | click producer:NAME |\n"
    "                  click consumer:GROUP/N | click menu:ACTION |\n"
    "                  click timeline:DUR | click X Y | drag node:A node:B | quit\n"
    "  --frames N      close after N frames\n"
    "\n"
    "On exit prints the session's trace_hash (the hash `kraftlab run` gives the saved\n"
    "file). Exit: 0 ok; 2 bad input; 3 no display or a file that cannot be written.\n";

typedef struct save_ctx {
    const scn_config *cfg;
    const char *path;
    char message[512];
} save_ctx;

static json_t *target_json(const scn_target *t)
{
    switch (t->kind) {
    case SCN_TARGET_NODE:
        return json_integer(t->node_id);
    case SCN_TARGET_CONTROLLER_LEADER:
        return json_string("controller-leader");
    case SCN_TARGET_LABEL: {
        char buf[80];
        snprintf(buf, sizeof buf, "@%s", t->label);
        return json_string(buf);
    }
    default:
        return json_null();
    }
}

/* One added action as the timeline entry the loader reads back to the same action. */
static json_t *action_json(const scn_action *a)
{
    json_t *o = json_object();
    char at[32];
    snprintf(at, sizeof at, "%" PRIu64 "us", a->at_us);
    json_object_set_new(o, "at", json_string(at));
    json_object_set_new(o, "do", json_string(scn_action_name(a->kind)));
    if (a->node.kind != SCN_TARGET_NONE) json_object_set_new(o, "node", target_json(&a->node));
    if (a->kind == SCN_ACT_CUT) {
        json_object_set_new(o, "from", target_json(&a->a));
        json_object_set_new(o, "to", target_json(&a->b));
    } else if (a->a.kind != SCN_TARGET_NONE) {
        json_object_set_new(o, "a", target_json(&a->a));
        json_object_set_new(o, "b", target_json(&a->b));
    }
    if (a->kind == SCN_ACT_NOTE && a->text != NULL)
        json_object_set_new(o, "text", json_string(a->text));
    if (a->label != NULL) json_object_set_new(o, "label", json_string(a->label));
    return o;
}

static const char *save_session(void *ctx, const viz_session *s)
{
    save_ctx *sc = ctx;
    json_error_t err;
    json_t *root = json_loads(sc->cfg->effective_json, 0, &err);
    if (root == NULL) {
        snprintf(sc->message, sizeof sc->message, "could not save: %s", err.text);
        return sc->message;
    }
    json_t *timeline = json_object_get(root, "timeline");
    if (!json_is_array(timeline)) {
        timeline = json_array();
        json_object_set_new(root, "timeline", timeline);
    }
    for (uint32_t i = 0; i < s->extra_count; i++)
        json_array_append_new(timeline, action_json(&s->extras[i]));
    json_object_set_new(root, "seed", json_integer((json_int_t)s->seed));
    if (json_dump_file(root, sc->path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
        snprintf(sc->message, sizeof sc->message, "could not write %s: %s", sc->path,
                 strerror(errno));
    } else {
        snprintf(sc->message, sizeof sc->message,
                 "saved to %s (%u action(s) of yours); replay: kraftlab watch %s", sc->path,
                 s->extra_count, sc->path);
    }
    json_decref(root);
    return sc->message;
}

static bool parse_size(const char *s, int *w, int *h)
{
    char x;
    return sscanf(s, "%d%c%d", w, &x, h) == 3 && (x == 'x' || x == 'X') && *w >= 320 && *h >= 240 &&
           *w <= 8192 && *h <= 8192;
}

int cmd_watch(int argc, char **argv)
{
    cli_common c = {0};
    viz_window_config wc = {.width = 1280, .height = 800, .speed = 1.0, .tour = true};
    const char *save_path = NULL, *input_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const int r = cli_common_flag(&c, argc, argv, &i, "watch");
        if (r < 0) return CLI_EXIT_USAGE;
        if (r > 0) continue;
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(watch_help, stdout);
            return CLI_EXIT_OK;
        } else if (strcmp(a, "--no-tour") == 0) {
            wc.tour = false;
        } else if (strcmp(a, "--speed") == 0) {
            char *end = NULL;
            wc.speed = v ? strtod(v, &end) : 0;
            if (v == NULL || *end != '\0' || !(wc.speed >= 0.001 && wc.speed <= 1000))
                return cli_usage_error("watch", "--speed wants a number from 0.001 to 1000");
            i++;
        } else if (strcmp(a, "--size") == 0) {
            if (v == NULL || !parse_size(v, &wc.width, &wc.height))
                return cli_usage_error("watch", "--size wants WxH, e.g. 1280x800");
            i++;
        } else if (strcmp(a, "--fixed-step") == 0) {
            if (v == NULL || !scn_parse_duration(v, &wc.fixed_step_us) || wc.fixed_step_us == 0)
                return cli_usage_error("watch", "--fixed-step wants a duration such as 16ms");
            i++;
        } else if (strcmp(a, "--frames") == 0) {
            if (v == NULL || !cli_parse_u64(v, &wc.max_frames))
                return cli_usage_error("watch", "--frames wants a whole number");
            i++;
        } else if (strcmp(a, "--save") == 0 || strcmp(a, "--input") == 0) {
            if (v == NULL) return cli_usage_error("watch", "%s needs a file name", a);
            *(a[2] == 's' ? &save_path : &input_path) = v;
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("watch", "unknown flag '%s'", a);
        } else if (c.scenario_path == NULL) {
            c.scenario_path = a;
        } else {
            return cli_usage_error("watch", "one scenario at a time ('%s' is extra)", a);
        }
    }
    if (c.scenario_path == NULL) return cli_usage_error("watch", "which scenario?");
    if (c.has_until) return cli_usage_error("watch", "--until is for run; use End to jump");
    viz_input *inputs = NULL;
    if (input_path != NULL) {
        inputs = viz_input_load(input_path, &wc.input_count);
        if (inputs == NULL) return CLI_EXIT_USAGE;
        wc.inputs = inputs;
    }
    scn_config *cfg = NULL;
    int rc = cli_load(&c, &cfg);
    if (rc != CLI_EXIT_OK) {
        free(inputs);
        return rc;
    }
    char default_save[160];
    snprintf(default_save, sizeof default_save, "%s-session.json", cfg->name);
    save_ctx sc = {.cfg = cfg, .path = save_path ? save_path : default_save};
    wc.save = save_session;
    wc.save_ctx = &sc;
    viz_session *s = viz_session_new(cfg, cli_seed(&c, cfg));
    rc = viz_window_run(&wc, s);
    if (rc == 0) printf("session trace_hash %s\n", s->full_hash);
    viz_session_free(s);
    scn_config_free(cfg);
    free(inputs);
    return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_ENV;
}
