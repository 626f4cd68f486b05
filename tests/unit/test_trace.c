/*
 * test_trace.c — trace records: the canonical JSON line and the digest.
 *
 * Goal: the text form is exactly spec §4's (fixed key order, integers, escaped text) and
 *   the digest depends on every field and on order, and on nothing else.
 * Method: emit records into fresh traces and compare lines and digests.
 */
#include "../../sim/core/sim_trace.h"

#include <criterion/criterion.h>
#include <string.h>

static char last_line[512];

static void sink(void *ctx, const sim_trace_rec *rec)
{
    (void)ctx;
    sim_trace_format(rec, last_line, sizeof last_line);
}

Test(trace, canonical_line)
{
    sim_time now = 1012345;
    sim_trace tr;
    sim_trace_init(&tr, &now);
    sim_trace_add_sink(&tr, sink, NULL);
    SIM_TRACE(&tr, SIM_EV_RAFT_BECOME_LEADER, 2, 1);
    cr_assert_str_eq(last_line,
                     "{\"t\": 1012345, \"seq\": 0, \"ev\": \"raft_become_leader\", \"node\": 2, "
                     "\"epoch\": 1}");
    sim_trace_emit(&tr, SIM_EV_NOTE, -1, NULL, "say \"hi\"\n");
    cr_assert_str_eq(last_line, "{\"t\": 1012345, \"seq\": 1, \"ev\": \"note\", "
                                "\"text\": \"say \\\"hi\\\"\\n\"}");
}

static uint64_t digest_of(int64_t epoch, const char *text, sim_time t)
{
    sim_trace tr;
    sim_trace_init(&tr, &t);
    SIM_TRACE(&tr, SIM_EV_RAFT_BECOME_LEADER, 2, epoch);
    sim_trace_emit(&tr, SIM_EV_NOTE, -1, NULL, text);
    return tr.digest;
}

Test(trace, digest_depends_on_every_field)
{
    const uint64_t base = digest_of(1, "abc", 5);
    cr_assert_eq(base, digest_of(1, "abc", 5), "same input, same digest");
    cr_assert_neq(base, digest_of(2, "abc", 5), "field");
    cr_assert_neq(base, digest_of(1, "abd", 5), "text");
    cr_assert_neq(base, digest_of(1, "abc", 6), "time");
}

Test(trace, every_event_kind_has_a_name_and_fields_that_fit)
{
    for (uint32_t e = 0; e < SIM_EV_COUNT; e++) {
        cr_assert(strlen(sim_trace_ev_name((sim_trace_ev)e)) > 0);
        cr_assert(sim_trace_ev_field_count((sim_trace_ev)e) <= SIM_TRACE_FIELDS_MAX);
    }
}
