/*
 * sim_assert.c — sim_panic: print what failed and the one-line replay command.
 *
 * Role: the end of the road for our own bugs (style C.7).
 * Model: none.
 * Owns / borrows: a copy of the panic context.
 * Invariants: n/a.
 * Determinism: n/a (runs only on the way to abort).
 * Not modelled: n/a.
 */
#include "sim_assert.h"
#include "sim_version.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static sim_panic_context panic_ctx;
static bool panic_ctx_set;

void sim_panic_context_set(const sim_panic_context *ctx)
{
    if (ctx == NULL) {
        panic_ctx_set = false;
        return;
    }
    panic_ctx = *ctx;
    panic_ctx_set = true;
}

_Noreturn void sim_panic(const char *file, int line, const char *expr)
{
    fprintf(stderr, "kraftlab: internal error: %s:%d: assertion failed: %s\n", file, line, expr);
    fprintf(stderr, "  build: %s %s\n", SIM_VERSION, SIM_REVISION);
    if (panic_ctx_set) {
        if (panic_ctx.now != NULL)
            fprintf(stderr, "  virtual time: %" PRIu64 "us\n", *panic_ctx.now);
        if (panic_ctx.event_seq != NULL)
            fprintf(stderr, "  event: %" PRIu64 "\n", *panic_ctx.event_seq);
        if (panic_ctx.dump_recent != NULL) panic_ctx.dump_recent(panic_ctx.dump_ctx);
        if (panic_ctx.scenario_path != NULL) {
            fprintf(stderr, "  reproduce with: kraftlab run %s --seed %" PRIu64 "\n",
                    panic_ctx.scenario_path, panic_ctx.seed);
        }
    }
    fflush(stderr);
    abort();
}

const char *sim_strerror(sim_err err)
{
    static const char *const messages[] = {
#define SIM_ERR_MSG(name, msg) msg,
        SIM_ERR_MAP(SIM_ERR_MSG)
#undef SIM_ERR_MSG
    };
    static_assert(sizeof messages / sizeof messages[0] == SIM_ERR_COUNT, "error table");
    return (unsigned)err < SIM_ERR_COUNT ? messages[err] : "unknown error";
}

const char *sim_err_name(sim_err err)
{
    static const char *const names[] = {
#define SIM_ERR_NAME(name, msg) "SIM_" #name,
        SIM_ERR_MAP(SIM_ERR_NAME)
#undef SIM_ERR_NAME
    };
    static_assert(sizeof names / sizeof names[0] == SIM_ERR_COUNT, "error table");
    return (unsigned)err < SIM_ERR_COUNT ? names[err] : "SIM_UNKNOWN";
}
