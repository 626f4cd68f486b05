/*
 * sim_arena.c — bump allocation and the aborting xmalloc family; see sim_arena.h.
 *
 * Role / Model / Owns: as in the header.
 * Invariants: used_bytes <= capacity_bytes after every call (asserted).
 * Determinism: n/a.
 * Not modelled: n/a.
 */
#include "sim_arena.h"
#include "sim_assert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void out_of_memory(size_t size)
{
    fprintf(stderr, "kraftlab: out of memory (asked for %zu bytes)\n", size);
    exit(3);
}

void *sim_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p == NULL) out_of_memory(size);
    return p;
}

void *sim_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p == NULL) out_of_memory(count * size);
    return p;
}

void *sim_xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (p == NULL) out_of_memory(size);
    return p;
}

char *sim_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = sim_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

sim_arena *sim_arena_new(size_t capacity_bytes)
{
    sim_arena *arena = sim_xmalloc(sizeof *arena);
    arena->base = sim_xcalloc(1, capacity_bytes);
    arena->used_bytes = 0;
    arena->capacity_bytes = capacity_bytes;
    return arena;
}

void sim_arena_free(sim_arena *arena)
{
    if (arena == NULL) return;
    free(arena->base);
    free(arena);
}

void *sim_arena_alloc(sim_arena *arena, size_t count, size_t size)
{
    SIM_ASSERT(size == 0 || count <= SIZE_MAX / size);
    size_t bytes = count * size;
    size_t start = (arena->used_bytes + 15u) & ~(size_t)15u;
    SIM_ASSERT(start <= arena->capacity_bytes);
    SIM_ASSERT(bytes <= arena->capacity_bytes - start);
    arena->used_bytes = start + bytes;
    return arena->base + start; /* zeroed by calloc; never reused */
}
