/*
 * group_internal.h — what group_coord.c (brokers) and consumer.c (clients) share.
 */
#ifndef KAFKA_GROUP_INTERNAL_H
#define KAFKA_GROUP_INTERNAL_H

#include "../net/net.h" /* NET_BODY_BYTES */
#include "groups.h"

/* Fetch offsets that ask for a reset (ListOffsets): the log start or the HW. */
#define KG_OFFSET_EARLIEST (-1)
#define KG_OFFSET_LATEST   (-2)

typedef enum kg__timer {
    KG__T_JOIN = 1,  /* coordinator: the join phase's end */
    KG__T_SESSION,   /* coordinator: the earliest session deadline */
    KG__T_HEARTBEAT, /* consumer: next heartbeat */
    KG__T_PROCESS,   /* consumer: the record being processed is done */
    KG__T_WAKE,      /* consumer: a deadline (request timeout, backoff, start, poll) */
} kg__timer;

typedef enum kg__append {
    KG__APPEND_SYNC = 1,
    KG__APPEND_COMMIT = 2,
} kg__append;

/* Append tags: kind, broker slot, group, member slot, request (or generation). */
static inline uint64_t kg__tag(kg__append kind, uint32_t b, uint32_t g, uint32_t slot,
                               uint32_t request)
{
    return ((uint64_t)kind << 60) | ((uint64_t)(b & 0xFFu) << 52) | ((uint64_t)(g & 0xFu) << 48) |
           ((uint64_t)(slot & 0xFFu) << 40) | (uint64_t)(request & 0xFFFFFFFFu);
}

static inline kg_consumer *kg__consumer(kg_set *s, uint32_t g, uint32_t slot)
{
    return &s->consumers[(size_t)g * KG_MEMBERS_MAX + slot];
}

void kg__bm_set(kg_bitmap *b, uint32_t i);
bool kg__bm_test(const kg_bitmap *b, uint32_t i);
uint32_t kg__bm_count(const kg_bitmap *b);
uint32_t kg__broker_slot(const kg_set *s, int32_t broker_id);
uint32_t kg__broker_slot_of_endpoint(const kg_set *s, int32_t endpoint);
kg_coord *kg__coord(kg_set *s, uint32_t b, uint32_t g);
kg_error kg__error_of(int32_t code);
void kg__emit(kg_set *s, int32_t node, kg_event ev, const int64_t *fields);
void kg__schedule(kg_set *s, sim_timer *t, sim_time at, int32_t endpoint, kg__timer kind,
                  uint32_t a, uint32_t g, uint32_t slot, uint32_t token);

/* Coordinator (group_coord.c). */
void kg__prepare_rebalance(kg_set *s, uint32_t b, uint32_t g);
void kg__join_timer(kg_set *s, uint32_t b, uint32_t g);
void kg__session_timer(kg_set *s, uint32_t b, uint32_t g);
bool kg__append_metadata(kg_set *s, uint32_t b, uint32_t g);
void kg__sync_persisted(kg_set *s, uint32_t b, uint32_t g, int32_t generation, bool ok);
void kg__commit_persisted(kg_set *s, uint32_t b, uint32_t g, uint32_t slot, uint32_t request,
                          bool ok);
void kg__check_parked(kg_set *s);
void kg__broker_deliver(kg_set *s, kg_msg_kind kind, int32_t from, int32_t to, const void *body,
                        uint32_t bytes);
/* A coordinator completed a join phase with `generation` (accounting). */
void kg__note_generation(kg_set *s, uint32_t g, int32_t generation);

/* The set (group_set.c). */
void kg__count_processed(kg_set *s, uint32_t g, uint32_t partition, int64_t offset);
size_t kg__workspace_bound(const kg_group_spec *groups, uint32_t group_count);

/* Consumer (consumer.c). */
void kg__consumer_deliver(kg_set *s, kg_msg_kind kind, int32_t from, int32_t to, const void *body,
                          uint32_t bytes);
void kg__timer_cb(void *ctx, int32_t endpoint, uint64_t arg);
bool kg__consuming(const kg_set *s, const kg_consumer *c);
/* close(): the last auto commit (its answer is not awaited). */
void kg__commit_on_close(kg_set *s, kg_consumer *c);
void kg__consumer_timer(kg_set *s, kg__timer kind, uint32_t g, uint32_t slot, uint32_t token);

#endif
