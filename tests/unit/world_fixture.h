/*
 * world_fixture.h — helpers for tests that run a whole world: load a scenario from a
 *   JSON string, step until a condition with a virtual-time limit, find nodes.
 */
#ifndef WORLD_FIXTURE_H
#define WORLD_FIXTURE_H

#include "../../sim/scenario/scenario.h"
#include "../../sim/world/world.h"

/* Loads `json` (asserts it is valid); free with scn_config_free. */
scn_config *fx_config(const char *json);
/* Loads `json`, which must load (warnings allowed); `d` receives the diagnostics (free
 * them with scn_diags_free). */
scn_config *fx_config_diags(const char *json, scn_diags *d);
/* Loads `json`, which must load without a warning. */
scn_config *fx_config_clean(const char *json);
/* Loads `json`, which must be rejected; returns the diagnostics' text (caller frees). */
char *fx_config_bad(const char *json);
/* Asserts that `part` occurs in `text`. */
void fx_assert_contains(const char *text, const char *part);

/* Steps until pred(w, ctx) is true; fails the test if `limit_us` passes first. Returns the
 * virtual time at which it became true. */
typedef bool (*fx_pred)(const sim_world *w, const void *ctx);
sim_time fx_step_until(sim_world *w, fx_pred pred, const void *ctx, sim_time limit_us,
                       const char *what);

bool fx_has_leader(const sim_world *w, const void *ctx);
int32_t fx_leader_id(const sim_world *w);
/* The registration of broker `node_id` as the cluster sees it now. */
const kafka_broker_reg *fx_broker(const sim_world *w, int32_t node_id);

#endif
