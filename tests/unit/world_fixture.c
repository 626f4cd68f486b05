/*
 * world_fixture.c — see world_fixture.h.
 */
#include "world_fixture.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

scn_config *fx_config(const char *json)
{
    scn_config *cfg = NULL;
    scn_diags d = {0};
    const sim_err err = scn_load_buffer("fixture.json", json, strlen(json), NULL, 0, &cfg, &d);
    cr_assert_eq(err, SIM_OK, "fixture scenario invalid:\n%s", d.text ? d.text : "");
    scn_diags_free(&d);
    return cfg;
}

scn_config *fx_config_diags(const char *json, scn_diags *d)
{
    scn_config *cfg = NULL;
    const sim_err err = scn_load_buffer("inline.json", json, strlen(json), NULL, 0, &cfg, d);
    cr_assert_eq(err, SIM_OK, "load failed:\n%s", d->text ? d->text : "(no diagnostics)");
    cr_assert_not_null(cfg);
    return cfg;
}

scn_config *fx_config_clean(const char *json)
{
    scn_diags d;
    scn_config *cfg = fx_config_diags(json, &d);
    cr_assert_eq(d.warning_count, 0, "unexpected warnings:\n%s", d.text ? d.text : "");
    scn_diags_free(&d);
    return cfg;
}

char *fx_config_bad(const char *json)
{
    scn_config *cfg = NULL;
    scn_diags d;
    const sim_err err = scn_load_buffer("inline.json", json, strlen(json), NULL, 0, &cfg, &d);
    cr_assert_eq(err, SIM_EINVALID, "expected SIM_EINVALID, got %s", sim_err_name(err));
    cr_assert_null(cfg);
    cr_assert_gt(d.error_count, 0);
    char *text = strdup(d.text);
    scn_diags_free(&d);
    return text;
}

void fx_assert_contains(const char *text, const char *part)
{
    cr_assert_not_null(strstr(text, part), "expected \"%s\" in:\n%s", part, text);
}

sim_time fx_step_until(sim_world *w, fx_pred pred, const void *ctx, sim_time limit_us,
                       const char *what)
{
    while (!pred(w, ctx)) {
        cr_assert(sim_world_step(w), "the run ended waiting for: %s", what);
        cr_assert(sim_world_now(w) <= limit_us, "timed out at %lu us waiting for: %s",
                  (unsigned long)limit_us, what);
    }
    return sim_world_now(w);
}

bool fx_has_leader(const sim_world *w, const void *ctx)
{
    (void)ctx;
    return sim_world_controller_leader(w) != NULL;
}

int32_t fx_leader_id(const sim_world *w)
{
    const raft_node *l = sim_world_controller_leader(w);
    return l ? l->node_id : -1;
}

const kafka_broker_reg *fx_broker(const sim_world *w, int32_t node_id)
{
    const int32_t ep = sim_world_endpoint_of(w, node_id);
    const kafka_broker *b = brokers_by_endpoint((kafka_brokers *)&w->brokers, ep);
    cr_assert_not_null(b, "node %d runs no broker", node_id);
    return sim_world_broker_reg(w, b->index);
}
