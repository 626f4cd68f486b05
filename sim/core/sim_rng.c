/*
 * sim_rng.c — xoshiro256** with splitmix64 seeding; see sim_rng.h.
 *
 * Role / Model / Owns: as in the header.
 * Invariants: bound > 0, lo <= hi (asserted).
 * Determinism: pure integer arithmetic.
 * Not modelled: n/a.
 */
#include "sim_rng.h"
#include "sim_assert.h"

uint64_t sim_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void sim_rng_init(sim_rng *rng, uint64_t master_seed, uint64_t stream_id)
{
    /* Mix the stream id in through splitmix64 itself so neighbouring ids diverge. */
    uint64_t mix = master_seed;
    uint64_t stream_key = sim_splitmix64(&mix) ^ (stream_id * 0xd1342543de82ef95ull);
    for (int i = 0; i < 4; i++) rng->s[i] = sim_splitmix64(&stream_key);
    SIM_ASSERT((rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]) != 0);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t sim_rng_next(sim_rng *rng)
{
    uint64_t *s = rng->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t sim_rng_below(sim_rng *rng, uint64_t bound)
{
    SIM_ASSERT(bound > 0);
    /* Rejection sampling: discard the top partial range so every value is equally likely. */
    const uint64_t limit = UINT64_MAX - (UINT64_MAX % bound);
    uint64_t x;
    do {
        x = sim_rng_next(rng);
    } while (x >= limit);
    return x % bound;
}

uint64_t sim_rng_range(sim_rng *rng, uint64_t lo, uint64_t hi)
{
    SIM_ASSERT(lo <= hi);
    if (hi - lo == UINT64_MAX) return sim_rng_next(rng);
    return lo + sim_rng_below(rng, hi - lo + 1);
}

bool sim_rng_chance_ppm(sim_rng *rng, uint32_t ppm)
{
    SIM_ASSERT(ppm <= 1000000u);
    if (ppm == 0) return false;
    if (ppm == 1000000u) return true;
    return sim_rng_below(rng, 1000000u) < ppm;
}
