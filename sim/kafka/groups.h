/*
 * groups.h — consumer groups: the group coordinator on the brokers and the consumers
 *   (classic protocol), with committed offsets stored in __consumer_offsets.
 *
 * Role: the world creates one `kg_set` when the scenario has consumer groups. Every
 *   consumer is a client endpoint; every broker can host a group's coordinator, which is
 *   the leader of the group's __consumer_offsets partition (the world tells the module
 *   when a broker takes or loses that leadership). Messages leave through `kg_ops.send`
 *   and arrive through `kg_deliver`; commits and group metadata are appended to the
 *   offsets partition through `kg_ops.append` (the replication core, acks=all) and
 *   acknowledged with `kg_append_done`.
 * Model (kafka-semantics.md §5; Kafka 4.0 GroupMetadataManager/ClassicGroup on the
 *   broker, ConsumerCoordinator/AbstractCoordinator/KafkaConsumer on the client; the
 *   rule is cited again where it is implemented):
 *   - Coordinator (§5.1): partition abs(javaHash(group.id)) % offsets.topic.num.partitions
 *     of __consumer_offsets; its leader coordinates. FindCoordinator is answered from the
 *     asked broker's metadata image; without a leader (or before the topic exists, e.g.
 *     one broker and offsets.topic.replication.factor 3) COORDINATOR_NOT_AVAILABLE. A
 *     broker that does not coordinate the group answers NOT_COORDINATOR.
 *   - Classic protocol (§5.2): JoinGroup with MEMBER_ID_REQUIRED for a new dynamic
 *     member (KIP-394); a new member, a leader rejoining, or changed metadata starts
 *     PreparingRebalance; the join completes when every member has rejoined or after the
 *     rebalance timeout (max.poll.interval.ms), members that did not are dropped; an
 *     Empty group waits group.initial.rebalance.delay.ms, extended while members keep
 *     joining; the generation then increases, the protocol is the one every member
 *     supports with most votes (kasg_strategy_select), the leader is the previous one if
 *     it rejoined, else the first joined member; CompletingRebalance until the leader's
 *     SyncGroup, whose assignment is persisted (a group metadata record) before members
 *     get their partitions (Stable). Heartbeat answers REBALANCE_IN_PROGRESS while
 *     preparing, ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID when stale; a session that sees no
 *     heartbeat for session.timeout.ms expires and starts a rebalance. LeaveGroup
 *     (dynamic members only) removes the member at once.
 *   - Static membership (§5.4, KIP-345): a member with group.instance.id that rejoins
 *     with no member id gets a new id in place of the old (the old one is fenced:
 *     FENCED_INSTANCE_ID) and, if the group is Stable, its old assignment without a
 *     rebalance. Static members never send LeaveGroup.
 *   - Eager vs cooperative (§5.3): the rebalance protocol is the highest every
 *     configured assignor supports; eager members revoke everything (committing first
 *     when auto commit is on) before joining; cooperative members report their owned
 *     partitions, keep what the cooperative-sticky assignor leaves them, revoke what it
 *     takes away and rejoin at once so the follow-up rebalance hands it over.
 *   - Offsets (§5.5): OffsetCommit is validated against generation and member; it is
 *     answered once its records are replicated (acks=all on the offsets partition). A
 *     new coordinator loads the committed offsets and the last group metadata record from
 *     its replica of the log: the group stays Stable, its members' sessions restart, so a
 *     coordinator move alone causes no rebalance. auto.offset.reset when a partition has
 *     no committed offset: earliest = log start, latest = HW, none = the consumer fails.
 *   - Consumers: poll returns at most max.poll.records fetched records; each takes the
 *     group's `processing` time; fetches go to each partition's leader, reading only
 *     below the HW, long-polled for fetch.max.wait.ms; heartbeats every
 *     heartbeat.interval.ms from their own thread; a poll later than max.poll.interval.ms
 *     after the previous one makes the member leave (dynamic: LeaveGroup) and rejoin.
 *     Commit modes: auto (every auto.commit.interval.ms at poll, before revoking, on
 *     close), after_processing (commitSync after each batch), before_processing
 *     (commitSync of the batch's end, then process).
 * Owns / borrows: every table (arena); borrows engine and ops ctx.
 * Invariants (SIM_ASSERT): member slots < members_max; a coordinator answers only while
 *   active; committed offsets on a coordinator never decrease within a load (checked).
 * Determinism: member ids from one stream per group (SIM_STREAM_CONSUMER, group);
 *   members and partitions in index order.
 * Not modelled: KIP-848 (group.protocol=consumer); a fetch response carries at most
 *   KG_FETCH_RECORDS_MAX records per partition and one request at most
 *   KG_FETCH_PARTITIONS_MAX partitions; an OffsetCommit at most KG_COMMIT_PARTITIONS_MAX
 *   partitions (a member commits in several requests when it owns more); offsets
 *   retention and group expiry; rack-aware assignment; consumers read only from leaders.
 */
#ifndef KAFKA_GROUPS_H
#define KAFKA_GROUPS_H

#include "../core/sim_arena.h"
#include "../core/sim_engine.h"
#include "../core/sim_rng.h"
#include "assignors.h"

#define KG_GROUPS_MAX            8u
#define KG_MEMBERS_MAX           32u
#define KG_PARTITIONS_MAX        256u
#define KG_BITMAP_WORDS          (KG_PARTITIONS_MAX / 64u)
#define KG_FETCH_PARTITIONS_MAX  14u
#define KG_FETCH_RECORDS_MAX     100u
#define KG_COMMIT_PARTITIONS_MAX 24u
#define KG_NO_MEMBER             0xFFu
#define KG_MEMBER_ID_BYTES       96u

/* Kafka's error codes (Errors.java) the group protocol uses. */
#define KG_ERRORS(X)                                                                               \
    X(NONE, 0, "NONE")                                                                             \
    X(OFFSET_OUT_OF_RANGE, 1, "OFFSET_OUT_OF_RANGE")                                               \
    X(NOT_LEADER_OR_FOLLOWER, 6, "NOT_LEADER_OR_FOLLOWER")                                         \
    X(REQUEST_TIMED_OUT, 7, "REQUEST_TIMED_OUT")                                                   \
    X(COORDINATOR_LOAD_IN_PROGRESS, 14, "COORDINATOR_LOAD_IN_PROGRESS")                            \
    X(COORDINATOR_NOT_AVAILABLE, 15, "COORDINATOR_NOT_AVAILABLE")                                  \
    X(NOT_COORDINATOR, 16, "NOT_COORDINATOR")                                                      \
    X(ILLEGAL_GENERATION, 22, "ILLEGAL_GENERATION")                                                \
    X(UNKNOWN_MEMBER_ID, 25, "UNKNOWN_MEMBER_ID")                                                  \
    X(INVALID_SESSION_TIMEOUT, 26, "INVALID_SESSION_TIMEOUT")                                      \
    X(REBALANCE_IN_PROGRESS, 27, "REBALANCE_IN_PROGRESS")                                          \
    X(MEMBER_ID_REQUIRED, 79, "MEMBER_ID_REQUIRED")                                                \
    X(FENCED_INSTANCE_ID, 82, "FENCED_INSTANCE_ID")

typedef enum kg_error {
#define KG_ERR_ENUM(id, code, name) KG_ERR_##id,
    KG_ERRORS(KG_ERR_ENUM)
#undef KG_ERR_ENUM
        KG_ERR_COUNT
} kg_error;

int32_t kg_error_code(kg_error e);
const char *kg_error_name(kg_error e);

typedef enum kg_state {
    KG_STATE_EMPTY = 0,
    KG_STATE_PREPARING_REBALANCE,
    KG_STATE_COMPLETING_REBALANCE,
    KG_STATE_STABLE,
    KG_STATE_DEAD,
} kg_state;

const char *kg_state_name(kg_state s); /* "Empty", "PreparingRebalance", ... */

typedef enum kg_commit_mode {
    KG_COMMIT_AUTO = 0,
    KG_COMMIT_AFTER_PROCESSING,
    KG_COMMIT_BEFORE_PROCESSING,
} kg_commit_mode;

typedef enum kg_reset { KG_RESET_LATEST = 0, KG_RESET_EARLIEST, KG_RESET_NONE } kg_reset;
typedef enum kg_poison { KG_POISON_SKIP = 0, KG_POISON_RETRY, KG_POISON_STOP } kg_poison;

typedef struct kg_bitmap {
    uint64_t w[KG_BITMAP_WORDS];
} kg_bitmap;

/* One group as the scenario declares it. Group partitions are numbered 0..partition_count
 * in subscription order (topics in the group's order, partitions ascending). */
typedef struct kg_group_spec {
    const char *id;
    uint32_t partition_count;               /* 1..KG_PARTITIONS_MAX */
    uint32_t partitions[KG_PARTITIONS_MAX]; /* global partition indexes */
    uint32_t topic_of[KG_PARTITIONS_MAX];   /* kasg topic index (0..topic_count) */
    int32_t number_of[KG_PARTITIONS_MAX];   /* partition number within its topic */
    const char *topic_names[8];
    uint32_t topic_partitions[8];
    uint32_t topic_count;
    uint32_t offsets_partition; /* global index in __consumer_offsets */
    kasg_strategy strategies[4];
    uint32_t strategy_count;
    sim_time session_timeout_us, heartbeat_us, rebalance_timeout_us;
    sim_time fetch_max_wait_us, auto_commit_interval_us, request_timeout_us, retry_backoff_us;
    sim_time processing_us, start_us;
    uint32_t max_poll_records;
    uint32_t members, members_max;
    kg_commit_mode commit;
    kg_reset reset;
    bool static_members;
    bool has_poison;
    uint32_t poison_partition; /* group partition */
    int64_t poison_offset;
    kg_poison poison_policy;
    sim_time initial_delay_us;               /* group.initial.rebalance.delay.ms */
    sim_time min_session_us, max_session_us; /* group.{min,max}.session.timeout.ms */
} kg_group_spec;

/* ---- Coordinator side (one per broker and group) ------------------------------------ */

typedef struct kg_cmember {
    bool present;
    bool joined;       /* rejoined in the current join phase */
    bool sync_waiting; /* a SyncGroup is parked */
    bool is_static;
    uint32_t incarnation; /* the member id's version; 0 = none yet */
    uint32_t join_request, sync_request;
    int32_t owned_generation;
    kg_bitmap owned;      /* cooperative: reported owned partitions */
    kg_bitmap assignment; /* from the last SyncGroup */
    sim_time session_deadline_us;
    sim_time rebalance_timeout_us;
} kg_cmember;

typedef struct kg_coord {
    bool active; /* this broker leads the group's offsets partition and loaded it */
    kg_state state;
    int32_t generation;
    uint32_t leader;  /* member slot or KG_NO_MEMBER */
    int32_t protocol; /* kasg_strategy, -1 none */
    kg_cmember members[KG_MEMBERS_MAX];
    sim_timer join_timer, session_timer;
    bool initial_delay;                   /* the join phase started from Empty */
    sim_time delay_remaining_us;          /* of the rebalance timeout, for the initial delay */
    int64_t committed[KG_PARTITIONS_MAX]; /* -1 none */
    bool sync_done_pending;               /* the group metadata record is being replicated */
    bool joined_in_delay;                 /* a member joined during the initial delay */
    uint32_t load_token;                  /* +1 per (de)activation: stale timers are ignored */
    bool commit_pending[KG_MEMBERS_MAX];  /* an OffsetCommit being replicated */
    uint32_t commit_first[KG_MEMBERS_MAX], commit_count[KG_MEMBERS_MAX];
} kg_coord;

/* ---- Consumer side ------------------------------------------------------------------ */

typedef enum kg_cstate {
    KG_C_DOWN = 0, /* not started, removed or crashed */
    KG_C_FIND,     /* looking for the coordinator */
    KG_C_JOINING,  /* JoinGroup sent (or about to be) */
    KG_C_SYNCING,  /* SyncGroup sent */
    KG_C_STABLE,   /* has an assignment, fetching and processing */
    KG_C_FAILED,   /* stopped for good (auto.offset.reset=none, poison stop) */
} kg_cstate;

typedef struct kg_partition_pos {
    int64_t position; /* next offset to process; -1 unknown (needs committed/reset) */
    int64_t fetched_from, fetched_to; /* buffered records [from, to) not yet polled */
    int64_t hw;                       /* last HW a fetch saw */
    bool fetch_in_flight;
    bool resetting; /* no committed offset: auto.offset.reset through the leader */
} kg_partition_pos;

/* The one coordinator request a consumer may have outstanding. */
typedef enum kg__req {
    KG__REQ_NONE = 0,
    KG__REQ_FIND,
    KG__REQ_JOIN,
    KG__REQ_SYNC,
    KG__REQ_COMMIT,
    KG__REQ_OFFSETS,
} kg__req;

typedef struct kg_consumer {
    uint32_t group, slot;
    int32_t endpoint;
    int32_t trace_id;
    kg_cstate state;
    uint32_t incarnation;         /* known member id version; 0 none */
    uint32_t process_incarnation; /* +1 per start, so stale timers are dropped */
    int32_t generation;
    int32_t coordinator; /* broker id, -1 unknown */
    bool is_leader;
    int32_t leader_max_generation; /* the sticky assignors' memory, as leader */
    kg_bitmap owned;               /* assigned and not revoked */
    int32_t owned_generation;
    bool rejoin_needed;
    bool join_committed; /* the auto commit before this rejoin was sent */
    uint32_t request;    /* numbering of requests */
    kg__req coord_request;
    uint32_t coord_request_id;
    sim_time request_deadline_us;
    sim_time retry_at_us;
    uint32_t find_cursor;
    sim_time last_poll_us;
    sim_time next_auto_commit_us;
    kg_partition_pos pos[KG_PARTITIONS_MAX];
    int64_t commit_pos[KG_PARTITIONS_MAX];  /* last committed position, -1 none */
    int64_t sending_pos[KG_PARTITIONS_MAX]; /* in the commit in flight, -1 none */
    bool commit_waiting;                    /* after_processing: commit before polling */
    int32_t *leaders;                       /* [partition_count] broker id, metadata view */
    bool metadata_in_flight, metadata_stale;
    uint32_t metadata_request;
    sim_time metadata_deadline_us;
    uint32_t fetches_in_flight;
    uint32_t poll_cursor;
    /* Processing: the current polled batch. */
    bool processing, record_started;
    uint32_t batch_partition;
    int64_t batch_next, batch_end;
    sim_timer process_timer, heartbeat_timer, wake_timer;
    uint64_t processed;
} kg_consumer;

typedef enum kg_msg_kind {
    KG_MSG_FIND_COORDINATOR = 0,
    KG_MSG_FIND_COORDINATOR_RESPONSE,
    KG_MSG_JOIN_GROUP,
    KG_MSG_JOIN_GROUP_RESPONSE,
    KG_MSG_SYNC_GROUP,
    KG_MSG_SYNC_GROUP_RESPONSE,
    KG_MSG_HEARTBEAT,
    KG_MSG_HEARTBEAT_RESPONSE,
    KG_MSG_LEAVE_GROUP,
    KG_MSG_LEAVE_GROUP_RESPONSE,
    KG_MSG_OFFSET_COMMIT,
    KG_MSG_OFFSET_COMMIT_RESPONSE,
    KG_MSG_OFFSET_FETCH,
    KG_MSG_OFFSET_FETCH_RESPONSE,
    KG_MSG_FETCH,
    KG_MSG_FETCH_RESPONSE,
    KG_MSG_METADATA,
    KG_MSG_METADATA_RESPONSE,
    KG_MSG_KIND_COUNT
} kg_msg_kind;

#define KG_EVENTS(X)                                                                               \
    X(STATE, "group_state", "group,state,generation,members")                                      \
    X(JOIN, "group_join", "group,member,generation,error")                                         \
    X(ASSIGN, "group_assign", "group,member,generation,partitions,revoked")                        \
    X(COMMIT, "group_commit", "group,partition,offset,generation")                                 \
    X(EXPIRE, "group_member_expired", "group,member")                                              \
    X(CONSUME, "consumer_poll", "group,member,partition,offset,records")                           \
    X(RESET, "consumer_offset_reset", "group,member,partition,offset")

typedef enum kg_event {
#define KG_EVENT_ENUM(id, name, fields) KG_EV_##id,
    KG_EVENTS(KG_EVENT_ENUM)
#undef KG_EVENT_ENUM
        KG_EV_COUNT
} kg_event;

/* What a partition looks like from a broker, for FindCoordinator, Metadata and Fetch. */
typedef struct kg_partition_view {
    int32_t leader; /* broker id, -1 none */
    bool is_leader; /* the asked broker leads it now (its replica) */
    int64_t log_start, hw, leo;
} kg_partition_view;

typedef struct kg_ops {
    /* Sends a body (copied) between endpoints. Returns false when the connection is
     * refused (the receiver's process is down). */
    bool (*send)(void *ctx, int32_t from, int32_t to, kg_msg_kind kind, const void *body,
                 uint32_t bytes);
    /* Partition `p` (global) as broker `broker_id` sees it now. */
    kg_partition_view (*view)(void *ctx, int32_t broker_id, uint32_t p);
    /* The coordinator on `broker_id` appends `count` records to offsets partition `p`
     * (acks=all), numbered value ids first_value .. first_value+count-1 in the caller's
     * side table; kg_append_done reports the outcome with `tag`. Returns false if the
     * broker cannot append now (not leader, full log): the caller answers an error. */
    bool (*append)(void *ctx, int32_t broker_id, uint32_t p, uint32_t first_value, uint32_t count,
                   uint64_t tag);
    /* Something worth tracing. `node` is the broker or client id. */
    void (*event)(void *ctx, int32_t node, kg_event ev, const int64_t *fields);
} kg_ops;

/* What the coordinator appends to __consumer_offsets: an offset commit or the group's
 * metadata after a SyncGroup. Records carry the entry's index as their value id. */
typedef struct kg_store_entry {
    bool is_metadata;
    uint32_t group;
    uint32_t partition; /* commit: group partition */
    int64_t offset;     /* commit */
    int32_t generation;
    int32_t protocol;                     /* metadata */
    uint32_t leader;                      /* metadata: member slot */
    uint32_t incarnation[KG_MEMBERS_MAX]; /* metadata: 0 = not a member */
    kg_bitmap assignment[KG_MEMBERS_MAX]; /* metadata */
} kg_store_entry;

/* Message bodies (each fits a net message). */
/* One header for every request and answer, so each body starts the same way. */
typedef struct kg_req {
    uint32_t group, slot, request, incarnation;
    int32_t generation;
    uint32_t count;
    int32_t error;       /* answers: Kafka code */
    int32_t coordinator; /* FindCoordinator answer; Metadata answer: the broker */
    uint32_t leader;     /* JoinGroup answer: leader slot */
    int32_t protocol;    /* JoinGroup answer */
} kg_req;

typedef kg_req kg_resp;

typedef struct kg_join_req {
    kg_req h;
    int32_t owned_generation;
    kg_bitmap owned;
} kg_join_req;

typedef struct kg_join_resp {
    kg_resp h;
    uint8_t members[KG_MEMBERS_MAX]; /* leader only: member slots, h.count of them */
    int32_t member_generation[KG_MEMBERS_MAX];
    uint8_t owner[KG_PARTITIONS_MAX]; /* leader only: owner slot per partition (owned) */
} kg_join_resp;

typedef struct kg_sync_req {
    kg_req h;
    bool has_assignment;
    uint8_t owner[KG_PARTITIONS_MAX]; /* leader: the new owner per partition */
} kg_sync_req;

typedef struct kg_sync_resp {
    kg_resp h;
    kg_bitmap assignment;
} kg_sync_resp;

typedef struct kg_offset_entry {
    uint32_t partition; /* group partition */
    int32_t error;
    int64_t offset;
} kg_offset_entry;

typedef struct kg_offsets_msg { /* OffsetCommit, OffsetFetch and their responses */
    kg_resp h;
    kg_offset_entry e[KG_COMMIT_PARTITIONS_MAX];
} kg_offsets_msg;

typedef struct kg_fetch_entry {
    uint16_t partition; /* group partition */
    int16_t error;
    uint32_t count;
    int64_t offset; /* request: fetch offset; response: first record */
    int64_t hw, log_start;
} kg_fetch_entry;

typedef struct kg_fetch_msg {
    kg_resp h;
    kg_fetch_entry e[KG_FETCH_PARTITIONS_MAX];
} kg_fetch_msg;

/* A long-polled consumer Fetch parked on a broker. */
typedef struct kg_parked_fetch {
    bool used;
    int32_t broker_id;
    int32_t from; /* consumer endpoint */
    kg_fetch_msg req;
    sim_time deadline_us;
} kg_parked_fetch;

typedef struct kg_set {
    sim_engine *engine;
    kg_ops ops;
    void *ops_ctx;
    uint32_t group_count;
    kg_group_spec *groups; /* [group_count] */
    sim_rng *rngs;         /* [group_count] member ids */
    uint32_t broker_count;
    int32_t broker_ids[64];
    int32_t broker_endpoints[64];
    kg_coord *coords;         /* [broker * group_count + group] */
    kg_consumer *consumers;   /* [group * KG_MEMBERS_MAX + slot] */
    int32_t *leaders;         /* [group * KG_MEMBERS_MAX + slot][partition]: metadata */
    int32_t *staged;          /* same shape: a Metadata answer waiting to arrive */
    uint32_t *staged_request; /* [group * KG_MEMBERS_MAX + slot] */
    kg_store_entry *store;
    uint32_t store_count, store_capacity;
    kg_parked_fetch *parked; /* [parked_capacity] */
    uint32_t parked_capacity;
    uint16_t timer_handler;
    uint32_t next_incarnation[KG_GROUPS_MAX]; /* member ids handed out, per group */
    uint64_t id_salt;                         /* from the seed: member ids differ per run */
    void *workspace;                          /* the leader's assignor workspace */
    size_t workspace_bytes;
    /* Accounting (spec §3 consumers.groups). */
    uint8_t **processed;           /* [group][partition * records_cap + offset]: times processed */
    uint32_t records_cap;          /* offsets tracked per partition */
    uint64_t *consumed;            /* [group] */
    uint64_t *rebalances;          /* [group]: generation bumps seen on any coordinator */
    int32_t *generation;           /* [group]: last generation */
    uint64_t *paused_partition_us; /* [group] */
    bool *assigned_once;           /* [group] */
    sim_time last_observe_us;
    uint64_t owner_violations, commit_violations, read_violations;
    uint64_t *redelivered;           /* [group]: records processed a second time */
    uint32_t started[KG_GROUPS_MAX]; /* member slots started so far, per group */
} kg_set;

size_t kg_arena_bytes(const kg_group_spec *groups, uint32_t group_count, uint32_t broker_count,
                      uint32_t store_capacity, uint32_t records_cap);
void kg_init(kg_set *s, sim_engine *e, sim_arena *arena, uint64_t seed, const kg_group_spec *groups,
             uint32_t group_count, uint32_t broker_count, const int32_t *broker_ids,
             const int32_t *broker_endpoints, const int32_t *consumer_endpoints,
             uint32_t store_capacity, uint32_t records_cap, const kg_ops *ops, void *ops_ctx);
/* Starts each group's initial members at their start time. */
void kg_start_all(kg_set *s);
/* Timeline: a new member of `group` (the next slot); returns false when none is left. */
bool kg_add_consumer(kg_set *s, uint32_t group);
/* Starts member `slot` again after a crash (the same slot: for static members the same
 * group.instance.id). Returns false if it is running or was never started. */
bool kg_restart_consumer(kg_set *s, uint32_t group, uint32_t slot);
/* Trace ids of the consumers ([group * KG_MEMBERS_MAX + slot]), copied. */
void kg__set_trace_ids(kg_set *s, const int32_t *trace_ids);
/* Removes member `slot` (-1: the highest running): graceful = close() (commit when auto
 * commit is on, LeaveGroup when dynamic), else a crash. Returns false if none runs. */
bool kg_remove_consumer(kg_set *s, uint32_t group, int32_t slot, bool graceful);

/* Broker `broker_id` took (or lost) the leadership of offsets partition `p`: its
 * coordinator loads the groups mapped there from its log (read_value gives each record's
 * value id, -1 past the end), or drops them. */
typedef int64_t (*kg_read_cb)(void *ctx, int32_t broker_id, uint32_t p, int64_t offset);
void kg_coordinator_elected(kg_set *s, int32_t broker_id, uint32_t p, int64_t log_start,
                            int64_t log_end, kg_read_cb read, void *read_ctx);
void kg_coordinator_resigned(kg_set *s, int32_t broker_id, uint32_t p);
/* A broker's process went down: its coordinators and parked fetches are gone. */
void kg_broker_down(kg_set *s, int32_t broker_id);
/* A broker's process crashed: consumers' connections to it reset. */
void kg_connection_reset(kg_set *s, int32_t broker_id);
/* An append requested through ops.append finished (error 0 = replicated). */
void kg_append_done(kg_set *s, uint64_t tag, int32_t error);
/* A message arrived (borrows body). */
void kg_deliver(kg_set *s, kg_msg_kind kind, int32_t from, int32_t to, const void *body,
                uint32_t bytes);
/* A Metadata request reached `broker_id`: the leaders it knows, staged for the answer. */
void kg_stage_metadata(kg_set *s, uint32_t group, uint32_t slot, uint32_t request,
                       const int32_t *leaders);
/* After every event: parked fetches whose data arrived, paused time, the checkers. */
void kg_observe(kg_set *s);

/* Queries for the summary and describe. */
const kg_coord *kg_active_coordinator(const kg_set *s, uint32_t group, int32_t *broker_id);
void kg_member_id(const kg_set *s, uint32_t group, uint32_t slot, uint32_t incarnation, char *buf,
                  size_t size);
/* Records of the group processed more than once; below the committed offset and never
 * processed. */
void kg_group_accounting(const kg_set *s, uint32_t group, uint64_t *redelivered, uint64_t *skipped);

#endif
