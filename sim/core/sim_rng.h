/*
 * sim_rng.h — seeded pseudo-random streams: xoshiro256** seeded through splitmix64.
 *
 * Role: every random choice of the model (latency, loss, election timeouts, backoff)
 *   draws from a `sim_rng` stream. Each subsystem and each entity has its own stream,
 *   derived from the master seed and a fixed stream id, so adding a producer does not
 *   change the network's sequence (TigerBeetle sub-seeds).
 * Model: xoshiro256** 1.0 (Blackman & Vigna); splitmix64 expands a 64-bit seed.
 * Owns / borrows: the 256-bit state, by value.
 * Invariants: state never all-zero (splitmix64 output guarantees it in practice; asserted).
 * Determinism: integer only; `sim_rng_below` uses rejection so it is unbiased and
 *   identical on every platform.
 * Not modelled: n/a.
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include "sim_types.h"

typedef struct sim_rng {
    uint64_t s[4];
} sim_rng;

/* Stream ids: a subsystem tag in the high 32 bits, an entity index in the low 32. */
#define SIM_STREAM(subsystem, entity) (((uint64_t)(subsystem) << 32) | (uint64_t)(uint32_t)(entity))
enum sim_stream_subsystem {
    SIM_STREAM_NET = 1,
    SIM_STREAM_RAFT = 2,   /* entity: node index */
    SIM_STREAM_BROKER = 3, /* entity: node index */
    SIM_STREAM_PLACEMENT = 4,
    SIM_STREAM_PRODUCER = 5,
    SIM_STREAM_CONSUMER = 6,
    SIM_STREAM_SCENARIO = 7,
};

uint64_t sim_splitmix64(uint64_t *state);

/* Initialises `rng` as the stream `stream_id` of `master_seed`. */
void sim_rng_init(sim_rng *rng, uint64_t master_seed, uint64_t stream_id);

uint64_t sim_rng_next(sim_rng *rng);

/* Uniform in [0, bound); bound > 0. */
uint64_t sim_rng_below(sim_rng *rng, uint64_t bound);

/* Uniform in [lo, hi] inclusive; lo <= hi. */
uint64_t sim_rng_range(sim_rng *rng, uint64_t lo, uint64_t hi);

/* True with probability ppm / 1e6. */
bool sim_rng_chance_ppm(sim_rng *rng, uint32_t ppm);

#endif
