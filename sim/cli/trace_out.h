/*
 * trace_out.h — writers attached to the trace: JSON Lines (spec §4) and Perfetto (Chrome
 *   trace-event JSON). The human story printed by `run` is the viewer's markers.
 *
 * Role: sinks for sim_trace; they format records, they never change the run.
 * Model: none.
 * Owns / borrows: each writer borrows its FILE until *_end.
 * Invariants: the JSON Lines file is header, one line per record, end line.
 * Determinism: output is a function of the records only.
 * Not modelled: n/a.
 */
#ifndef TRACE_OUT_H
#define TRACE_OUT_H

#include "../core/sim_trace.h"
#include "../world/world.h"

#include <stdio.h>

typedef struct trace_jsonl {
    FILE *out;
} trace_jsonl;

void trace_jsonl_begin(trace_jsonl *t, FILE *out, const char *scenario, uint64_t seed);
void trace_jsonl_sink(void *ctx, const sim_trace_rec *rec);
void trace_jsonl_end(trace_jsonl *t, const sim_trace *tr);

typedef struct trace_perfetto {
    FILE *out;
    bool first;
} trace_perfetto;

void trace_perfetto_begin(trace_perfetto *p, FILE *out, const sim_world *w);
void trace_perfetto_sink(void *ctx, const sim_trace_rec *rec);
void trace_perfetto_end(trace_perfetto *p);

#endif
