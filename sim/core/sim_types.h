/*
 * sim_types.h — the shared vocabulary of the model: virtual time, errors, limits.
 *
 * Role: included by every model module. Defines `sim_time` (virtual time in integer
 *   microseconds), the `sim_err` X-macro table, and the static limits that the
 *   scenario validator checks before any memory is taken.
 * Model: none; this is plumbing.
 * Owns / borrows: nothing.
 * Invariants: `static_assert`s below keep the limit ordering and the error table
 *   consistent.
 * Determinism: no floating point, no pointers in anything hashed.
 * Not modelled: n/a.
 */
#ifndef SIM_TYPES_H
#define SIM_TYPES_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Virtual time in microseconds since the start of the run. */
typedef uint64_t sim_time;

#define SIM_US(x)      ((sim_time)(x))
#define SIM_MS(x)      ((sim_time)(x)*1000u)
#define SIM_S(x)       ((sim_time)(x)*1000000u)
#define SIM_TIME_NEVER UINT64_MAX

/* Limits (qualifier last). The scenario loader rejects anything beyond them, with the
 * limit named, before the world takes any memory. */
#define SIM_NODES_MAX     64u  /* Kafka nodes (brokers + controllers). */
#define SIM_ENDPOINTS_MAX 256u /* nodes + clients */
#define SIM_VOTERS_MAX    9u   /* controller quorum voters */
#define SIM_DURATION_MAX  SIM_S(24u * 3600u)
#define SIM_TIMELINE_MAX  4096u /* actions in one scenario */
#define SIM_EXPECT_MAX    256u
#define SIM_NODE_ID_MAX   1000000 /* largest Kafka node id accepted */

static_assert(SIM_VOTERS_MAX <= SIM_NODES_MAX, "voters are nodes");
static_assert(SIM_NODES_MAX <= SIM_ENDPOINTS_MAX, "nodes are endpoints");

/* One table for every error: name, message (libuv UV_ERRNO_MAP, c-raft err.h). */
#define SIM_ERR_MAP(X)                                                                             \
    X(OK, "success")                                                                               \
    X(EINVALID, "invalid input")                                                                   \
    X(ENOENT, "no such file or entity")                                                            \
    X(EIO, "input/output error")                                                                   \
    X(ELIMIT, "a limit was reached")                                                               \
    X(ESTATE, "not possible in the current state")                                                 \
    X(ENODISPLAY, "no display available")

typedef enum sim_err {
#define SIM_ERR_ENUM(name, msg) SIM_##name,
    SIM_ERR_MAP(SIM_ERR_ENUM)
#undef SIM_ERR_ENUM
        SIM_ERR_COUNT
} sim_err;

const char *sim_strerror(sim_err err);
const char *sim_err_name(sim_err err);

#endif
