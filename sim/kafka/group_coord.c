/*
 * group_coord.c — the group coordinator on the brokers (classic protocol) and the
 *   broker side of consumers' FindCoordinator, Metadata and Fetch.
 *
 * Role, model and what is not modelled: groups.h. This file holds what a broker does;
 *   consumer.c what a consumer does. Read in the order of a rebalance: join, the join
 *   phase ending, sync, heartbeats and sessions, leaving, then offsets and the coordinator
 *   moving to another broker.
 * Determinism: member ids come from the group's own stream; members in slot order.
 */
#include "group_internal.h"

#include "../core/sim_assert.h"

#include <stdio.h>
#include <string.h>

static_assert(sizeof(kg_join_resp) <= NET_BODY_BYTES, "JoinGroup response fits a message");
static_assert(sizeof(kg_sync_req) <= NET_BODY_BYTES, "SyncGroup request fits a message");
static_assert(sizeof(kg_offsets_msg) <= NET_BODY_BYTES, "OffsetCommit fits a message");
static_assert(sizeof(kg_fetch_msg) <= NET_BODY_BYTES, "Fetch fits a message");
static_assert(KG_MEMBERS_MAX < KG_NO_MEMBER, "member slots fit a byte");

static const struct {
    int32_t code;
    const char *name;
} errors[] = {
#define KG_ERR_ROW(id, code, name) {code, name},
    KG_ERRORS(KG_ERR_ROW)
#undef KG_ERR_ROW
};

int32_t kg_error_code(kg_error e)
{
    SIM_ASSERT(e < KG_ERR_COUNT);
    return errors[e].code;
}

const char *kg_error_name(kg_error e)
{
    SIM_ASSERT(e < KG_ERR_COUNT);
    return errors[e].name;
}

kg_error kg__error_of(int32_t code)
{
    for (uint32_t i = 0; i < KG_ERR_COUNT; i++)
        if (errors[i].code == code) return (kg_error)i;
    SIM_UNREACHABLE();
}

const char *kg_state_name(kg_state st)
{
    switch (st) {
    case KG_STATE_EMPTY:
        return "Empty";
    case KG_STATE_PREPARING_REBALANCE:
        return "PreparingRebalance";
    case KG_STATE_COMPLETING_REBALANCE:
        return "CompletingRebalance";
    case KG_STATE_STABLE:
        return "Stable";
    case KG_STATE_DEAD:
        return "Dead";
    default:
        SIM_UNREACHABLE();
    }
}

/* =================================================================================
 * Small helpers shared with consumer.c
 * ================================================================================= */

void kg__bm_set(kg_bitmap *b, uint32_t i)
{
    SIM_ASSERT(i < KG_PARTITIONS_MAX);
    b->w[i / 64] |= 1ull << (i % 64);
}

bool kg__bm_test(const kg_bitmap *b, uint32_t i)
{
    SIM_ASSERT(i < KG_PARTITIONS_MAX);
    return (b->w[i / 64] >> (i % 64)) & 1u;
}

uint32_t kg__bm_count(const kg_bitmap *b)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < KG_BITMAP_WORDS; i++) n += (uint32_t)__builtin_popcountll(b->w[i]);
    return n;
}

uint32_t kg__broker_slot(const kg_set *s, int32_t broker_id)
{
    for (uint32_t b = 0; b < s->broker_count; b++)
        if (s->broker_ids[b] == broker_id) return b;
    return UINT32_MAX;
}

uint32_t kg__broker_slot_of_endpoint(const kg_set *s, int32_t endpoint)
{
    for (uint32_t b = 0; b < s->broker_count; b++)
        if (s->broker_endpoints[b] == endpoint) return b;
    return UINT32_MAX;
}

kg_coord *kg__coord(kg_set *s, uint32_t b, uint32_t g)
{
    SIM_ASSERT(b < s->broker_count && g < s->group_count);
    return &s->coords[(size_t)b * s->group_count + g];
}

void kg__emit(kg_set *s, int32_t node, kg_event ev, const int64_t *fields)
{
    if (s->ops.event != NULL) s->ops.event(s->ops_ctx, node, ev, fields);
}

void kg__schedule(kg_set *s, sim_timer *t, sim_time at, int32_t endpoint, kg__timer kind,
                  uint32_t a, uint32_t g, uint32_t slot, uint32_t token)
{
    sim_engine_cancel(s->engine, t);
    const uint64_t arg = ((uint64_t)kind << 60) | ((uint64_t)(a & 0xFFu) << 52) |
                         ((uint64_t)(g & 0xFu) << 48) | ((uint64_t)(slot & 0xFFu) << 40) |
                         (uint64_t)token;
    *t = sim_engine_schedule(s->engine, at, s->timer_handler, endpoint, arg);
}

void kg_member_id(const kg_set *s, uint32_t group, uint32_t slot, uint32_t incarnation, char *buf,
                  size_t size)
{
    SIM_ASSERT(group < s->group_count && slot < KG_MEMBERS_MAX);
    /* Kafka: clientId "-" UUID for a dynamic member, with clientId
     * "consumer-<group>-<n>"; groupInstanceId "-" UUID for a static one (KIP-345). The
     * UUID is drawn from the member's (slot, incarnation) so every node prints the same. */
    uint64_t x = ((uint64_t)group << 48) ^ ((uint64_t)slot << 32) ^ incarnation ^ s->id_salt;
    const uint64_t a = sim_splitmix64(&x), b = sim_splitmix64(&x);
    char prefix[KG_MEMBER_ID_BYTES];
    if (s->groups[group].static_members) {
        snprintf(prefix, sizeof prefix, "%s-%u", s->groups[group].id, slot);
    } else {
        snprintf(prefix, sizeof prefix, "consumer-%s-%u", s->groups[group].id, slot + 1);
    }
    snprintf(buf, size, "%.60s-%08x-%04x-%04x-%04x-%012llx", prefix, (unsigned)(a >> 32),
             (unsigned)(a >> 16) & 0xFFFFu, 0x4000u | ((unsigned)a & 0x0FFFu),
             0x8000u | ((unsigned)(b >> 48) & 0x3FFFu),
             (unsigned long long)(b & 0xFFFFFFFFFFFFull));
}

/* =================================================================================
 * Answers
 * ================================================================================= */

static void answer(kg_set *s, uint32_t b, uint32_t g, uint32_t slot, kg_msg_kind kind, kg_resp *h,
                   const void *body, uint32_t bytes)
{
    h->group = g;
    h->slot = slot;
    const kg_consumer *c = kg__consumer(s, g, slot);
    s->ops.send(s->ops_ctx, s->broker_endpoints[b], c->endpoint, kind, body, bytes);
}

static void answer_error(kg_set *s, uint32_t b, const kg_req *r, kg_msg_kind kind, kg_error e)
{
    kg_resp h = {.request = r->request, .error = kg_error_code(e), .generation = -1};
    answer(s, b, r->group, r->slot, kind, &h, &h, sizeof h);
}

static void emit_state(kg_set *s, uint32_t b, uint32_t g)
{
    const kg_coord *c = kg__coord(s, b, g);
    uint32_t n = 0;
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) n += c->members[i].present;
    kg__emit(s, s->broker_ids[b], KG_EV_STATE, (const int64_t[]){g, c->state, c->generation, n});
}

static uint32_t member_count(const kg_coord *c)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) n += c->members[i].present;
    return n;
}

/* =================================================================================
 * Sessions
 * ================================================================================= */

static void arm_session_timer(kg_set *s, uint32_t b, uint32_t g)
{
    kg_coord *c = kg__coord(s, b, g);
    sim_time first = SIM_TIME_NEVER;
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) {
        const kg_cmember *m = &c->members[i];
        /* A member waiting for the join phase to end is timed by the join, not its
         * session (ClassicGroup: awaiting-join members are not expired by heartbeats). */
        if (!m->present || (c->state == KG_STATE_PREPARING_REBALANCE && m->joined)) continue;
        if (m->session_deadline_us < first) first = m->session_deadline_us;
    }
    if (first == SIM_TIME_NEVER) {
        sim_engine_cancel(s->engine, &c->session_timer);
        return;
    }
    if (first < s->engine->now) first = s->engine->now;
    kg__schedule(s, &c->session_timer, first, s->broker_endpoints[b], KG__T_SESSION, b, g, 0,
                 c->load_token);
}

static void touch(kg_set *s, uint32_t b, uint32_t g, uint32_t slot)
{
    kg_coord *c = kg__coord(s, b, g);
    c->members[slot].session_deadline_us = s->engine->now + s->groups[g].session_timeout_us;
    arm_session_timer(s, b, g);
}

/* =================================================================================
 * Rebalance: the join phase
 * ================================================================================= */

static void complete_join(kg_set *s, uint32_t b, uint32_t g);

/* Starts PreparingRebalance (ClassicGroup.prepareRebalance). From Empty the join phase
 * waits group.initial.rebalance.delay.ms first, extended while members keep joining. */
void kg__prepare_rebalance(kg_set *s, uint32_t b, uint32_t g)
{
    kg_coord *c = kg__coord(s, b, g);
    const kg_group_spec *sp = &s->groups[g];
    if (c->state == KG_STATE_PREPARING_REBALANCE) return;
    /* Syncs parked in CompletingRebalance learn that the round was abandoned. */
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) {
        kg_cmember *m = &c->members[i];
        if (!m->sync_waiting) continue;
        m->sync_waiting = false;
        const kg_req r = {.group = g, .slot = i, .request = m->sync_request};
        answer_error(s, b, &r, KG_MSG_SYNC_GROUP_RESPONSE, KG_ERR_REBALANCE_IN_PROGRESS);
    }
    const bool from_empty = c->state == KG_STATE_EMPTY;
    c->state = KG_STATE_PREPARING_REBALANCE;
    c->sync_done_pending = false;
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) c->members[i].joined = false;
    sim_time wait = sp->rebalance_timeout_us;
    c->initial_delay = from_empty && sp->initial_delay_us > 0;
    if (c->initial_delay) {
        wait = sp->initial_delay_us < sp->rebalance_timeout_us ? sp->initial_delay_us
                                                               : sp->rebalance_timeout_us;
        c->delay_remaining_us = sp->rebalance_timeout_us - wait;
        c->joined_in_delay = false;
    }
    kg__schedule(s, &c->join_timer, s->engine->now + wait, s->broker_endpoints[b], KG__T_JOIN, b, g,
                 0, c->load_token);
    emit_state(s, b, g);
}

static void check_join_complete(kg_set *s, uint32_t b, uint32_t g)
{
    kg_coord *c = kg__coord(s, b, g);
    if (c->state != KG_STATE_PREPARING_REBALANCE || c->initial_delay) return;
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++)
        if (c->members[i].present && !c->members[i].joined) return;
    sim_engine_cancel(s->engine, &c->join_timer);
    complete_join(s, b, g);
}

void kg__join_timer(kg_set *s, uint32_t b, uint32_t g)
{
    kg_coord *c = kg__coord(s, b, g);
    c->join_timer = SIM_TIMER_NONE;
    SIM_ASSERT(c->active && c->state == KG_STATE_PREPARING_REBALANCE);
    const kg_group_spec *sp = &s->groups[g];
    if (c->initial_delay && c->joined_in_delay && c->delay_remaining_us > 0) {
        /* New members came during the delay: wait again (InitialDelayedJoin). */
        const sim_time d = sp->initial_delay_us < c->delay_remaining_us ? sp->initial_delay_us
                                                                        : c->delay_remaining_us;
        c->delay_remaining_us -= d;
        c->joined_in_delay = false;
        kg__schedule(s, &c->join_timer, s->engine->now + d, s->broker_endpoints[b], KG__T_JOIN, b,
                     g, 0, c->load_token);
        return;
    }
    c->initial_delay = false;
    complete_join(s, b, g);
}

/* The join phase ends (ClassicGroup: onCompleteJoin): members that did not rejoin are
 * dropped, the generation increases, the protocol and leader are chosen, and every
 * joined member gets its JoinGroup answer; the leader gets the members' subscriptions. */
static void complete_join(kg_set *s, uint32_t b, uint32_t g)
{
    kg_coord *c = kg__coord(s, b, g);
    const kg_group_spec *sp = &s->groups[g];
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) {
        kg_cmember *m = &c->members[i];
        if (m->present && !m->joined) {
            m->present = false;
            kg__emit(s, s->broker_ids[b], KG_EV_EXPIRE, (const int64_t[]){g, i});
        }
    }
    c->generation++;
    kg__note_generation(s, g, c->generation);
    if (member_count(c) == 0) {
        c->state = KG_STATE_EMPTY;
        c->leader = KG_NO_MEMBER;
        emit_state(s, b, g);
        arm_session_timer(s, b, g);
        return;
    }
    /* Every member of a scenario group lists the same assignors, so the vote is the
     * first of them that all support: kasg_strategy_select with equal lists. */
    kasg_strategy chosen = sp->strategies[0];
    const kasg_strategy_list one = {.items = sp->strategies, .count = sp->strategy_count};
    SIM_ASSERT(kasg_strategy_select(&one, 1, &chosen));
    c->protocol = (int32_t)chosen;
    if (c->leader == KG_NO_MEMBER || !c->members[c->leader].present) {
        c->leader = KG_NO_MEMBER;
        for (uint32_t i = 0; i < KG_MEMBERS_MAX && c->leader == KG_NO_MEMBER; i++)
            if (c->members[i].present) c->leader = i;
    }
    c->state = KG_STATE_COMPLETING_REBALANCE;
    emit_state(s, b, g);
    kg_join_resp lead = {
        .h = {
            .generation = c->generation, .leader = c->leader, .protocol = c->protocol, .error = 0}};
    memset(lead.owner, KG_NO_MEMBER, sizeof lead.owner);
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) {
        const kg_cmember *m = &c->members[i];
        if (!m->present) continue;
        lead.members[lead.h.count] = (uint8_t)i;
        lead.member_generation[lead.h.count++] = m->owned_generation;
        for (uint32_t p = 0; p < sp->partition_count; p++)
            if (kg__bm_test(&m->owned, p) && lead.owner[p] == KG_NO_MEMBER)
                lead.owner[p] = (uint8_t)i;
    }
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) {
        kg_cmember *m = &c->members[i];
        if (!m->present) continue;
        touch(s, b, g, i);
        kg_join_resp r = i == c->leader ? lead : (kg_join_resp){.h = lead.h};
        if (i != c->leader) r.h.count = 0;
        r.h.request = m->join_request;
        r.h.incarnation = m->incarnation;
        answer(s, b, g, i, KG_MSG_JOIN_GROUP_RESPONSE, &r.h, &r, sizeof r);
        kg__emit(s, s->broker_ids[b], KG_EV_JOIN, (const int64_t[]){g, i, c->generation, 0});
    }
}

/* =================================================================================
 * JoinGroup, SyncGroup, Heartbeat, LeaveGroup
 * ================================================================================= */

static bool metadata_changed(const kg_cmember *m, const kg_join_req *r)
{
    return memcmp(&m->owned, &r->owned, sizeof m->owned) != 0;
}

static void park_join(kg_set *s, uint32_t b, uint32_t g, uint32_t slot, const kg_join_req *r)
{
    kg_coord *c = kg__coord(s, b, g);
    kg_cmember *m = &c->members[slot];
    m->joined = true;
    m->join_request = r->h.request;
    m->owned = r->owned;
    m->owned_generation = r->owned_generation;
    /* InitialDelayedJoin waits again only when a member joins after the one whose join
     * started the delay (a lone member waits one delay). */
    uint32_t joined = 0;
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++)
        joined += c->members[i].present && c->members[i].joined;
    if (c->initial_delay && joined > 1) c->joined_in_delay = true;
    check_join_complete(s, b, g);
}

/* Answers a rejoining member with the current generation (no rebalance). */
static void answer_current(kg_set *s, uint32_t b, uint32_t g, uint32_t slot, uint32_t request)
{
    const kg_coord *c = kg__coord(s, b, g);
    kg_join_resp r = {.h = {.request = request,
                            .generation = c->generation,
                            .incarnation = c->members[slot].incarnation,
                            .leader = c->leader,
                            .protocol = c->protocol}};
    answer(s, b, g, slot, KG_MSG_JOIN_GROUP_RESPONSE, &r.h, &r, sizeof r);
}

static void join_known(kg_set *s, uint32_t b, uint32_t g, uint32_t slot, const kg_join_req *r)
{
    kg_coord *c = kg__coord(s, b, g);
    kg_cmember *m = &c->members[slot];
    touch(s, b, g, slot);
    switch (c->state) {
    case KG_STATE_PREPARING_REBALANCE:
        park_join(s, b, g, slot, r);
        return;
    case KG_STATE_COMPLETING_REBALANCE:
    case KG_STATE_STABLE:
        /* ClassicGroup.classicGroupJoinExistingMember: the leader rejoining, or changed
         * metadata, means a new rebalance; a follower with the same metadata gets the
         * current generation back. */
        if (slot == c->leader || metadata_changed(m, r) || c->state == KG_STATE_STABLE) {
            if (slot != c->leader && !metadata_changed(m, r) &&
                c->state == KG_STATE_COMPLETING_REBALANCE) {
                answer_current(s, b, g, slot, r->h.request);
                return;
            }
            kg__prepare_rebalance(s, b, g);
            park_join(s, b, g, slot, r);
            return;
        }
        answer_current(s, b, g, slot, r->h.request);
        return;
    case KG_STATE_EMPTY:
    case KG_STATE_DEAD:
    default:
        kg__prepare_rebalance(s, b, g);
        park_join(s, b, g, slot, r);
        return;
    }
}

static void handle_join(kg_set *s, uint32_t b, const kg_join_req *r)
{
    const uint32_t g = r->h.group, slot = r->h.slot;
    kg_coord *c = kg__coord(s, b, g);
    const kg_group_spec *sp = &s->groups[g];
    if (!c->active) {
        answer_error(s, b, &r->h, KG_MSG_JOIN_GROUP_RESPONSE, KG_ERR_NOT_COORDINATOR);
        return;
    }
    if (sp->session_timeout_us < sp->min_session_us ||
        sp->session_timeout_us > sp->max_session_us) {
        answer_error(s, b, &r->h, KG_MSG_JOIN_GROUP_RESPONSE, KG_ERR_INVALID_SESSION_TIMEOUT);
        return;
    }
    kg_cmember *m = &c->members[slot];
    if (r->h.incarnation == 0) {
        const uint32_t id = ++s->next_incarnation[g];
        if (!sp->static_members) {
            /* KIP-394: a dynamic member first gets its id, then joins with it. */
            kg_resp h = {.request = r->h.request,
                         .error = kg_error_code(KG_ERR_MEMBER_ID_REQUIRED),
                         .generation = -1,
                         .incarnation = id};
            answer(s, b, g, slot, KG_MSG_JOIN_GROUP_RESPONSE, &h, &h, sizeof h);
            return;
        }
        /* KIP-345: a static member's instance id is known: the new member id replaces the
         * old one, and a Stable group hands back the old assignment without a rebalance. */
        if (m->present && c->state == KG_STATE_STABLE) {
            m->incarnation = id;
            touch(s, b, g, slot);
            answer_current(s, b, g, slot, r->h.request);
            return;
        }
        const bool known = m->present;
        m->incarnation = id;
        m->present = true;
        m->is_static = true;
        if (!known) memset(&m->assignment, 0, sizeof m->assignment);
        touch(s, b, g, slot);
        if (c->state == KG_STATE_PREPARING_REBALANCE) {
            park_join(s, b, g, slot, r);
        } else {
            kg__prepare_rebalance(s, b, g);
            park_join(s, b, g, slot, r);
        }
        return;
    }
    if (!m->present || m->incarnation != r->h.incarnation) {
        if (m->present && m->is_static) {
            answer_error(s, b, &r->h, KG_MSG_JOIN_GROUP_RESPONSE, KG_ERR_FENCED_INSTANCE_ID);
            return;
        }
        if (m->present) {
            answer_error(s, b, &r->h, KG_MSG_JOIN_GROUP_RESPONSE, KG_ERR_UNKNOWN_MEMBER_ID);
            return;
        }
        /* The id it was given with MEMBER_ID_REQUIRED: a new member joins. */
        memset(m, 0, sizeof *m);
        m->present = true;
        m->incarnation = r->h.incarnation;
        m->is_static = sp->static_members;
        m->owned_generation = -1;
        touch(s, b, g, slot);
        kg__prepare_rebalance(s, b, g);
        park_join(s, b, g, slot, r);
        return;
    }
    join_known(s, b, g, slot, r);
}

/* A member's identity as the coordinator checks it for Sync, Heartbeat, Commit, Leave. */
static kg_error check_member(const kg_coord *c, const kg_req *r)
{
    if (!c->active) return KG_ERR_NOT_COORDINATOR;
    const kg_cmember *m = &c->members[r->slot];
    if (!m->present) return KG_ERR_UNKNOWN_MEMBER_ID;
    if (m->incarnation != r->incarnation)
        return m->is_static ? KG_ERR_FENCED_INSTANCE_ID : KG_ERR_UNKNOWN_MEMBER_ID;
    return KG_ERR_NONE;
}

static void send_assignment(kg_set *s, uint32_t b, uint32_t g, uint32_t slot, uint32_t request)
{
    const kg_coord *c = kg__coord(s, b, g);
    kg_sync_resp r = {.h = {.request = request, .generation = c->generation},
                      .assignment = c->members[slot].assignment};
    answer(s, b, g, slot, KG_MSG_SYNC_GROUP_RESPONSE, &r.h, &r, sizeof r);
}

static void handle_sync(kg_set *s, uint32_t b, const kg_sync_req *r)
{
    const uint32_t g = r->h.group, slot = r->h.slot;
    kg_coord *c = kg__coord(s, b, g);
    kg_error e = check_member(c, &r->h);
    if (e == KG_ERR_NONE && r->h.generation != c->generation) e = KG_ERR_ILLEGAL_GENERATION;
    if (e == KG_ERR_NONE && c->state == KG_STATE_PREPARING_REBALANCE)
        e = KG_ERR_REBALANCE_IN_PROGRESS;
    if (e != KG_ERR_NONE) {
        answer_error(s, b, &r->h, KG_MSG_SYNC_GROUP_RESPONSE, e);
        return;
    }
    touch(s, b, g, slot);
    if (c->state == KG_STATE_STABLE) {
        send_assignment(s, b, g, slot, r->h.request);
        return;
    }
    SIM_ASSERT(c->state == KG_STATE_COMPLETING_REBALANCE);
    kg_cmember *m = &c->members[slot];
    m->sync_waiting = true;
    m->sync_request = r->h.request;
    if (slot != c->leader || !r->has_assignment || c->sync_done_pending) return;
    /* The leader's assignment: persisted as the group's metadata record, then Stable
     * (GroupMetadataManager.storeGroup before the SyncGroup answers). */
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++)
        memset(&c->members[i].assignment, 0, sizeof(kg_bitmap));
    for (uint32_t p = 0; p < s->groups[g].partition_count; p++) {
        const uint32_t o = r->owner[p];
        if (o < KG_MEMBERS_MAX && c->members[o].present) kg__bm_set(&c->members[o].assignment, p);
    }
    if (!kg__append_metadata(s, b, g)) {
        kg__prepare_rebalance(s, b, g);
        return;
    }
    c->sync_done_pending = true;
}

/* The group metadata record is replicated: Stable, and every waiting member gets its
 * partitions. */
void kg__sync_persisted(kg_set *s, uint32_t b, uint32_t g, int32_t generation, bool ok)
{
    kg_coord *c = kg__coord(s, b, g);
    if (!c->active || c->generation != generation || !c->sync_done_pending) return;
    c->sync_done_pending = false;
    if (!ok) {
        kg__prepare_rebalance(s, b, g);
        return;
    }
    c->state = KG_STATE_STABLE;
    emit_state(s, b, g);
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) {
        kg_cmember *m = &c->members[i];
        if (!m->present || !m->sync_waiting) continue;
        m->sync_waiting = false;
        send_assignment(s, b, g, i, m->sync_request);
    }
}

static void handle_heartbeat(kg_set *s, uint32_t b, const kg_req *r)
{
    kg_coord *c = kg__coord(s, b, r->group);
    kg_error e = check_member(c, r);
    if (e == KG_ERR_NONE) {
        touch(s, b, r->group, r->slot);
        if (c->state == KG_STATE_PREPARING_REBALANCE) {
            e = KG_ERR_REBALANCE_IN_PROGRESS;
        } else if (r->generation != c->generation) {
            e = KG_ERR_ILLEGAL_GENERATION;
        }
    }
    answer_error(s, b, r, KG_MSG_HEARTBEAT_RESPONSE, e);
}

/* A member is gone (LeaveGroup or session expiry): a rebalance, or Empty. */
static void remove_member(kg_set *s, uint32_t b, uint32_t g, uint32_t slot)
{
    kg_coord *c = kg__coord(s, b, g);
    kg_cmember *m = &c->members[slot];
    if (m->sync_waiting) {
        const kg_req r = {.group = g, .slot = slot, .request = m->sync_request};
        answer_error(s, b, &r, KG_MSG_SYNC_GROUP_RESPONSE, KG_ERR_UNKNOWN_MEMBER_ID);
    }
    memset(m, 0, sizeof *m);
    if (c->leader == slot) c->leader = KG_NO_MEMBER;
    if (c->state == KG_STATE_PREPARING_REBALANCE) {
        check_join_complete(s, b, g);
    } else if (c->state == KG_STATE_STABLE || c->state == KG_STATE_COMPLETING_REBALANCE) {
        kg__prepare_rebalance(s, b, g);
        check_join_complete(s, b, g);
    }
    arm_session_timer(s, b, g);
}

void kg__session_timer(kg_set *s, uint32_t b, uint32_t g)
{
    kg_coord *c = kg__coord(s, b, g);
    c->session_timer = SIM_TIMER_NONE;
    const sim_time now = s->engine->now;
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) {
        const kg_cmember *m = &c->members[i];
        if (!m->present || m->session_deadline_us > now) continue;
        if (c->state == KG_STATE_PREPARING_REBALANCE && m->joined) continue;
        kg__emit(s, s->broker_ids[b], KG_EV_EXPIRE, (const int64_t[]){g, i});
        remove_member(s, b, g, i);
    }
    arm_session_timer(s, b, g);
}

static void handle_leave(kg_set *s, uint32_t b, const kg_req *r)
{
    kg_coord *c = kg__coord(s, b, r->group);
    const kg_error e = check_member(c, r);
    answer_error(s, b, r, KG_MSG_LEAVE_GROUP_RESPONSE, e);
    if (e == KG_ERR_NONE) remove_member(s, b, r->group, r->slot);
}

/* =================================================================================
 * Offsets: commits are records of __consumer_offsets, answered once replicated
 * ================================================================================= */

static uint32_t store_add(kg_set *s, const kg_store_entry *e)
{
    if (s->store_count == s->store_capacity) return UINT32_MAX;
    s->store[s->store_count] = *e;
    return s->store_count++;
}

bool kg__append_metadata(kg_set *s, uint32_t b, uint32_t g)
{
    const kg_coord *c = kg__coord(s, b, g);
    kg_store_entry e = {.is_metadata = true,
                        .group = g,
                        .generation = c->generation,
                        .protocol = c->protocol,
                        .leader = c->leader};
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) {
        if (!c->members[i].present) continue;
        e.incarnation[i] = c->members[i].incarnation;
        e.assignment[i] = c->members[i].assignment;
    }
    const uint32_t v = store_add(s, &e);
    if (v == UINT32_MAX) return false;
    const uint64_t tag = kg__tag(KG__APPEND_SYNC, b, g, 0, (uint32_t)c->generation);
    return s->ops.append(s->ops_ctx, s->broker_ids[b], s->groups[g].offsets_partition, v, 1, tag);
}

static void handle_commit(kg_set *s, uint32_t b, const kg_offsets_msg *r)
{
    const uint32_t g = r->h.group, slot = r->h.slot;
    kg_coord *c = kg__coord(s, b, g);
    const kg_req h = {.group = g,
                      .slot = slot,
                      .request = r->h.request,
                      .incarnation = r->h.incarnation,
                      .generation = r->h.generation};
    kg_error e = check_member(c, &h);
    if (e == KG_ERR_NONE && r->h.generation != c->generation) e = KG_ERR_ILLEGAL_GENERATION;
    if (e == KG_ERR_NONE && c->state == KG_STATE_COMPLETING_REBALANCE)
        e = KG_ERR_REBALANCE_IN_PROGRESS;
    if (e == KG_ERR_NONE && c->commit_pending[slot]) e = KG_ERR_REBALANCE_IN_PROGRESS;
    uint32_t first = UINT32_MAX;
    if (e == KG_ERR_NONE) {
        SIM_ASSERT(r->h.count >= 1 && r->h.count <= KG_COMMIT_PARTITIONS_MAX);
        if (s->store_count + r->h.count > s->store_capacity) e = KG_ERR_COORDINATOR_NOT_AVAILABLE;
    }
    if (e == KG_ERR_NONE) {
        first = s->store_count;
        for (uint32_t k = 0; k < r->h.count; k++) {
            const kg_store_entry en = {.group = g,
                                       .partition = r->e[k].partition,
                                       .offset = r->e[k].offset,
                                       .generation = c->generation};
            store_add(s, &en);
        }
        const uint64_t tag = kg__tag(KG__APPEND_COMMIT, b, g, slot, r->h.request);
        if (!s->ops.append(s->ops_ctx, s->broker_ids[b], s->groups[g].offsets_partition, first,
                           r->h.count, tag))
            e = KG_ERR_NOT_COORDINATOR;
    }
    if (e != KG_ERR_NONE) {
        answer_error(s, b, &h, KG_MSG_OFFSET_COMMIT_RESPONSE, e);
        return;
    }
    c->commit_pending[slot] = true;
    c->commit_first[slot] = first;
    c->commit_count[slot] = r->h.count;
    touch(s, b, g, slot);
}

/* Applies committed entries to the coordinator's offsets (commit order). */
static void apply_commit(kg_set *s, uint32_t b, const kg_store_entry *en)
{
    kg_coord *c = kg__coord(s, b, en->group);
    SIM_ASSERT(en->partition < s->groups[en->group].partition_count);
    if (en->offset < c->committed[en->partition]) s->commit_violations++;
    c->committed[en->partition] = en->offset;
    kg__emit(s, s->broker_ids[b], KG_EV_COMMIT,
             (const int64_t[]){en->group, en->partition, en->offset, en->generation});
}

void kg__commit_persisted(kg_set *s, uint32_t b, uint32_t g, uint32_t slot, uint32_t request,
                          bool ok)
{
    kg_coord *c = kg__coord(s, b, g);
    if (!c->active || !c->commit_pending[slot]) return;
    c->commit_pending[slot] = false;
    if (ok)
        for (uint32_t k = 0; k < c->commit_count[slot]; k++)
            apply_commit(s, b, &s->store[c->commit_first[slot] + k]);
    const kg_req h = {.group = g, .slot = slot, .request = request};
    answer_error(s, b, &h, KG_MSG_OFFSET_COMMIT_RESPONSE,
                 ok ? KG_ERR_NONE : KG_ERR_REQUEST_TIMED_OUT);
}

static void handle_offset_fetch(kg_set *s, uint32_t b, const kg_offsets_msg *r)
{
    const uint32_t g = r->h.group;
    const kg_coord *c = kg__coord(s, b, g);
    kg_offsets_msg out = {.h = {.request = r->h.request, .count = r->h.count}};
    if (!c->active) {
        out.h.error = kg_error_code(KG_ERR_NOT_COORDINATOR);
        out.h.count = 0;
    }
    for (uint32_t k = 0; c->active && k < r->h.count; k++) {
        const uint32_t p = r->e[k].partition;
        SIM_ASSERT(p < s->groups[g].partition_count);
        out.e[k] = (kg_offset_entry){.partition = p, .offset = c->committed[p]};
    }
    answer(s, b, g, r->h.slot, KG_MSG_OFFSET_FETCH_RESPONSE, &out.h, &out, sizeof out);
}

/* =================================================================================
 * The coordinator moving: load from the log, drop on resignation
 * ================================================================================= */

static void deactivate(kg_set *s, uint32_t b, uint32_t g)
{
    kg_coord *c = kg__coord(s, b, g);
    sim_engine_cancel(s->engine, &c->join_timer);
    sim_engine_cancel(s->engine, &c->session_timer);
    const uint32_t token = c->load_token;
    memset(c, 0, sizeof *c);
    c->load_token = token + 1;
    c->leader = KG_NO_MEMBER;
    c->protocol = -1;
    c->state = KG_STATE_DEAD;
    for (uint32_t p = 0; p < KG_PARTITIONS_MAX; p++) c->committed[p] = -1;
}

void kg_coordinator_elected(kg_set *s, int32_t broker_id, uint32_t p, int64_t log_start,
                            int64_t log_end, kg_read_cb read, void *read_ctx)
{
    const uint32_t b = kg__broker_slot(s, broker_id);
    SIM_ASSERT(b != UINT32_MAX);
    for (uint32_t g = 0; g < s->group_count; g++) {
        if (s->groups[g].offsets_partition != p) continue;
        deactivate(s, b, g);
        kg_coord *c = kg__coord(s, b, g);
        c->active = true;
        c->state = KG_STATE_EMPTY;
        /* GroupMetadataManager.loadGroupsAndOffsets: replay the partition's log. */
        for (int64_t o = log_start; o < log_end; o++) {
            const int64_t v = read(read_ctx, broker_id, p, o);
            if (v < 0 || (uint64_t)v >= s->store_count) continue;
            const kg_store_entry *en = &s->store[v];
            if (en->group != g) continue;
            if (!en->is_metadata) {
                c->committed[en->partition] = en->offset;
                continue;
            }
            c->generation = en->generation;
            c->protocol = en->protocol;
            c->leader = en->leader;
            for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) {
                kg_cmember *m = &c->members[i];
                memset(m, 0, sizeof *m);
                if (en->incarnation[i] == 0) continue;
                m->present = true;
                m->incarnation = en->incarnation[i];
                m->is_static = s->groups[g].static_members;
                m->assignment = en->assignment[i];
                m->owned = en->assignment[i];
                m->owned_generation = en->generation;
            }
        }
        if (c->generation > 0) kg__note_generation(s, g, c->generation);
        c->state = member_count(c) > 0 ? KG_STATE_STABLE : KG_STATE_EMPTY;
        /* Loaded members get fresh sessions (the new coordinator heard nobody yet). */
        for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++)
            if (c->members[i].present) touch(s, b, g, i);
        emit_state(s, b, g);
    }
}

void kg_coordinator_resigned(kg_set *s, int32_t broker_id, uint32_t p)
{
    const uint32_t b = kg__broker_slot(s, broker_id);
    SIM_ASSERT(b != UINT32_MAX);
    for (uint32_t g = 0; g < s->group_count; g++)
        if (s->groups[g].offsets_partition == p && kg__coord(s, b, g)->active) deactivate(s, b, g);
}

void kg_broker_down(kg_set *s, int32_t broker_id)
{
    const uint32_t b = kg__broker_slot(s, broker_id);
    if (b == UINT32_MAX) return;
    for (uint32_t g = 0; g < s->group_count; g++) deactivate(s, b, g);
    for (uint32_t i = 0; i < s->parked_capacity; i++)
        if (s->parked[i].used && s->parked[i].broker_id == broker_id) s->parked[i].used = false;
}

const kg_coord *kg_active_coordinator(const kg_set *s, uint32_t group, int32_t *broker_id)
{
    for (uint32_t b = 0; b < s->broker_count; b++) {
        const kg_coord *c = &s->coords[(size_t)b * s->group_count + group];
        if (!c->active) continue;
        if (broker_id != NULL) *broker_id = s->broker_ids[b];
        return c;
    }
    return NULL;
}

/* =================================================================================
 * The broker side of FindCoordinator, Metadata and Fetch
 * ================================================================================= */

static void handle_find(kg_set *s, uint32_t b, const kg_req *r)
{
    const kg_partition_view v =
        s->ops.view(s->ops_ctx, s->broker_ids[b], s->groups[r->group].offsets_partition);
    kg_resp h = {.request = r->request, .coordinator = v.leader, .generation = -1};
    if (v.leader < 0) h.error = kg_error_code(KG_ERR_COORDINATOR_NOT_AVAILABLE);
    answer(s, b, r->group, r->slot, KG_MSG_FIND_COORDINATOR_RESPONSE, &h, &h, sizeof h);
}

static void handle_metadata(kg_set *s, uint32_t b, const kg_req *r)
{
    const kg_group_spec *sp = &s->groups[r->group];
    int32_t leaders[KG_PARTITIONS_MAX];
    for (uint32_t p = 0; p < sp->partition_count; p++)
        leaders[p] = s->ops.view(s->ops_ctx, s->broker_ids[b], sp->partitions[p]).leader;
    kg_stage_metadata(s, r->group, r->slot, r->request, leaders);
    kg_resp h = {.request = r->request, .coordinator = s->broker_ids[b], .generation = -1};
    answer(s, b, r->group, r->slot, KG_MSG_METADATA_RESPONSE, &h, &h, sizeof h);
}

/* Fills the answer to a consumer Fetch from the leader replicas on broker b; returns the
 * records it carries. Reads stop at the HW: consumers see only committed records. */
static uint32_t fill_fetch(kg_set *s, uint32_t b, const kg_fetch_msg *r, kg_fetch_msg *out)
{
    const kg_group_spec *sp = &s->groups[r->h.group];
    uint32_t records = 0;
    *out = (kg_fetch_msg){.h = {.request = r->h.request, .count = r->h.count}};
    for (uint32_t k = 0; k < r->h.count; k++) {
        const kg_fetch_entry *q = &r->e[k];
        SIM_ASSERT(q->partition < sp->partition_count);
        const kg_partition_view v =
            s->ops.view(s->ops_ctx, s->broker_ids[b], sp->partitions[q->partition]);
        kg_fetch_entry *a = &out->e[k];
        *a = (kg_fetch_entry){.partition = q->partition, .hw = v.hw, .log_start = v.log_start};
        if (!v.is_leader) {
            a->error = (int16_t)kg_error_code(KG_ERR_NOT_LEADER_OR_FOLLOWER);
            continue;
        }
        int64_t from = q->offset;
        if (from == KG_OFFSET_EARLIEST) from = v.log_start;
        if (from == KG_OFFSET_LATEST) from = v.hw;
        if (q->offset < 0) { /* a reset (ListOffsets): the offset, no records */
            a->offset = from;
            a->count = 0;
            continue;
        }
        /* Out of range is judged against the log end (UnifiedLog.read); a consumer reads
         * only below the HW, so a new leader whose HW lags answers nothing yet. */
        if (from < v.log_start || from > v.leo) {
            a->error = (int16_t)kg_error_code(KG_ERR_OFFSET_OUT_OF_RANGE);
            continue;
        }
        const int64_t n = v.hw > from ? v.hw - from : 0;
        a->offset = from;
        a->count = (uint32_t)(n < KG_FETCH_RECORDS_MAX ? n : KG_FETCH_RECORDS_MAX);
        if (a->count > 0 && from + a->count > v.hw) s->read_violations++;
        records += a->count;
    }
    return records;
}

static bool fetch_has_news(const kg_fetch_msg *req, const kg_fetch_msg *out)
{
    for (uint32_t k = 0; k < out->h.count; k++)
        if (out->e[k].error != 0 || req->e[k].offset < 0) return true;
    return false;
}

static void handle_fetch(kg_set *s, uint32_t b, int32_t from, const kg_fetch_msg *r)
{
    kg_fetch_msg out;
    const uint32_t n = fill_fetch(s, b, r, &out);
    if (n > 0 || fetch_has_news(r, &out)) {
        answer(s, b, r->h.group, r->h.slot, KG_MSG_FETCH_RESPONSE, &out.h, &out, sizeof out);
        return;
    }
    /* Nothing to read: park it until data arrives or fetch.max.wait.ms (DelayedFetch). */
    for (uint32_t i = 0; i < s->parked_capacity; i++) {
        kg_parked_fetch *pf = &s->parked[i];
        if (pf->used) continue;
        *pf = (kg_parked_fetch){.used = true,
                                .broker_id = s->broker_ids[b],
                                .from = from,
                                .req = *r,
                                .deadline_us =
                                    s->engine->now + s->groups[r->h.group].fetch_max_wait_us};
        return;
    }
    answer(s, b, r->h.group, r->h.slot, KG_MSG_FETCH_RESPONSE, &out.h, &out, sizeof out);
}

/* Parked fetches whose data arrived or whose wait ended are answered. */
void kg__check_parked(kg_set *s)
{
    for (uint32_t i = 0; i < s->parked_capacity; i++) {
        kg_parked_fetch *pf = &s->parked[i];
        if (!pf->used) continue;
        const uint32_t b = kg__broker_slot(s, pf->broker_id);
        kg_fetch_msg out;
        const uint32_t n = fill_fetch(s, b, &pf->req, &out);
        if (n == 0 && !fetch_has_news(&pf->req, &out) && s->engine->now < pf->deadline_us) continue;
        pf->used = false;
        answer(s, b, pf->req.h.group, pf->req.h.slot, KG_MSG_FETCH_RESPONSE, &out.h, &out,
               sizeof out);
    }
}

void kg__broker_deliver(kg_set *s, kg_msg_kind kind, int32_t from, int32_t to, const void *body,
                        uint32_t bytes)
{
    const uint32_t b = kg__broker_slot_of_endpoint(s, to);
    SIM_ASSERT(b != UINT32_MAX);
    switch (kind) {
    case KG_MSG_FIND_COORDINATOR:
        SIM_ASSERT(bytes == sizeof(kg_req));
        handle_find(s, b, body);
        break;
    case KG_MSG_METADATA:
        SIM_ASSERT(bytes == sizeof(kg_req));
        handle_metadata(s, b, body);
        break;
    case KG_MSG_JOIN_GROUP:
        SIM_ASSERT(bytes == sizeof(kg_join_req));
        handle_join(s, b, body);
        break;
    case KG_MSG_SYNC_GROUP:
        SIM_ASSERT(bytes == sizeof(kg_sync_req));
        handle_sync(s, b, body);
        break;
    case KG_MSG_HEARTBEAT:
        SIM_ASSERT(bytes == sizeof(kg_req));
        handle_heartbeat(s, b, body);
        break;
    case KG_MSG_LEAVE_GROUP:
        SIM_ASSERT(bytes == sizeof(kg_req));
        handle_leave(s, b, body);
        break;
    case KG_MSG_OFFSET_COMMIT:
        SIM_ASSERT(bytes == sizeof(kg_offsets_msg));
        handle_commit(s, b, body);
        break;
    case KG_MSG_OFFSET_FETCH:
        SIM_ASSERT(bytes == sizeof(kg_offsets_msg));
        handle_offset_fetch(s, b, body);
        break;
    case KG_MSG_FETCH:
        SIM_ASSERT(bytes == sizeof(kg_fetch_msg));
        handle_fetch(s, b, from, body);
        break;
    default:
        SIM_UNREACHABLE();
    }
}
