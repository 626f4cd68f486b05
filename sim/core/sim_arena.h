/*
 * sim_arena.h — one bump allocator per run; nothing inside is freed on its own.
 *
 * Role: the world sizes one arena from the validated scenario and carves every model
 *   table out of it at creation. No allocation happens inside a step (style C.5).
 * Model: none.
 * Owns / borrows: owns its block (heap `sim_arena_new` / `sim_arena_free`).
 * Invariants: used <= capacity; every allocation is 16-byte aligned and zeroed.
 * Determinism: allocation order is program order; addresses never reach the trace.
 * Not modelled: n/a.
 */
#ifndef SIM_ARENA_H
#define SIM_ARENA_H

#include "sim_types.h"

typedef struct sim_arena {
    uint8_t *base;
    size_t used_bytes;
    size_t capacity_bytes;
} sim_arena;

/* Returns owned; free with sim_arena_free. Aborts (xmalloc) if memory is exhausted. */
sim_arena *sim_arena_new(size_t capacity_bytes);
void sim_arena_free(sim_arena *arena);

/* Returns zeroed memory for `count` objects of `size` bytes; asserts it fits (sizing is
 * the world's job, done before the run starts). */
void *sim_arena_alloc(sim_arena *arena, size_t count, size_t size);

#define SIM_ARENA_NEW(arena, type, count) ((type *)sim_arena_alloc((arena), (count), sizeof(type)))

/* Aborting allocation for the few objects outside the arena (files, configs). */
void *sim_xmalloc(size_t size);
void *sim_xcalloc(size_t count, size_t size);
void *sim_xrealloc(void *ptr, size_t size);
char *sim_xstrdup(const char *s);

#endif
