/*
 * sim_assert.h — always-on assertions that print how to replay the run.
 *
 * Role: `SIM_ASSERT` guards our own invariants (heap order, id ranges, arena bounds)
 *   in every build; `NDEBUG` does not remove it (TigerBeetle, Redis). Protocol
 *   guarantees are not asserted here: they are observed by `sim/check/`.
 * Model: none.
 * Owns / borrows: a process-wide panic context (scenario path, seed, clock, last
 *   trace lines) set by the world; `sim_panic` reads it to print the replay line.
 * Invariants: n/a.
 * Determinism: the context is only read on the way to abort().
 * Not modelled: n/a.
 */
#ifndef SIM_ASSERT_H
#define SIM_ASSERT_H

#include "sim_types.h"

#define SIM_ASSERT(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) sim_panic(__FILE__, __LINE__, #cond);                                         \
    } while (0)

#ifdef SIM_SLOW_CHECKS
#define SIM_ASSERT_SLOW(cond) SIM_ASSERT(cond)
#else
#define SIM_ASSERT_SLOW(cond) ((void)0)
#endif

#define SIM_UNREACHABLE() sim_panic(__FILE__, __LINE__, "unreachable")

_Noreturn void sim_panic(const char *file, int line, const char *expr);

/* What sim_panic prints besides the failed expression. All borrowed pointers must
 * outlive the run; `now` and `event_seq` point into the engine. */
typedef struct sim_panic_context {
    const char *scenario_path; /* may be NULL (unit tests) */
    uint64_t seed;
    const sim_time *now;            /* may be NULL */
    const uint64_t *event_seq;      /* may be NULL */
    void (*dump_recent)(void *ctx); /* prints the last trace records to stderr */
    void *dump_ctx;
} sim_panic_context;

/* Keeps `ctx` (copied) until the next call. Pass NULL to clear. */
void sim_panic_context_set(const sim_panic_context *ctx);

#endif
