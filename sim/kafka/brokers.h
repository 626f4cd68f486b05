/*
 * brokers.h — broker lifecycle in KRaft: registration, heartbeats, fencing, controlled
 *   shutdown, and the metadata image every node builds from the committed log.
 *
 * Role: each broker process registers with the active controller (the Raft leader) and
 *   heartbeats to it; the active controller writes registration, fence and unfence
 *   records into the metadata log through `raft_propose`; every node applies committed
 *   records (`brokers_apply`, called from Raft's apply callback) to its own image. The
 *   world drives it: boot, crash, restart, shutdown, and leadership changes.
 * Model (kafka-semantics.md §4.5; Kafka's ClusterControlManager, BrokerHeartbeatManager,
 *   BrokerLifecycleManager):
 *   - BrokerRegistration → a RegisterBrokerRecord, fenced; the broker epoch is the
 *     metadata-log offset of that record.
 *   - Same incarnation re-registering keeps its epoch; a new incarnation while the old
 *     registration's session is still valid gets DUPLICATE_BROKER_REGISTRATION and
 *     retries until the session expires.
 *   - After registering, a broker is STARTING: it heartbeats every 10 ms with wantFence
 *     until the controller answers isCaughtUp (its metadata offset has reached its
 *     registration record); then RECOVERY: heartbeats without wantFence, and the
 *     controller unfences it (an UnfenceBrokerRecord); then RUNNING: a heartbeat every
 *     broker.heartbeat.interval.ms.
 *   - A broker with no heartbeat for broker.session.timeout.ms is fenced by the active
 *     controller, the oldest first, at most one per check (maybeFenceOneStaleBroker).
 *   - On becoming active a controller treats every registered broker as just heard
 *     from, so sessions restart at a failover.
 *   - Controlled shutdown: heartbeats carry wantShutDown; the controller fences the
 *     broker and answers shouldShutDown, then the process stops.
 * Owns / borrows: broker processes and per-node images (arena); borrows the engine, the
 *   network and the Raft cluster.
 * Invariants: a broker epoch is the offset of a RegisterBrokerRecord in the log; the
 *   controller's view is rebuilt from its whole log when it becomes active.
 * Determinism: no randomness; retries on fixed intervals.
 *   - A registration is answered once its record is committed (QuorumController
 *     completes a write's response only then), so a broker never holds a broker epoch
 *     whose record a later leader truncated.
 * Not modelled: listeners, features and log directories in registrations; heartbeat
 *   answers are sent at once (an unfence record lost to a leader change is simply
 *   proposed again on the next heartbeat); controlled shutdown moves leaderships and ISR
 *   memberships in one step (topics.h) and is granted with the fence record, without
 *   waiting for the partition leaders to act on it.
 */
#ifndef KAFKA_BROKERS_H
#define KAFKA_BROKERS_H

#include "../net/net.h"
#include "../raft/raft.h"

/* Application record types in the metadata log (raft_record.type). */
enum {
    KAFKA_RECORD_REGISTER_BROKER = RAFT_RECORD_APP_BASE, /* a: broker id, b: incarnation */
    KAFKA_RECORD_FENCE_BROKER,   /* a: broker id, b: kafka_fence_reason, c: broker epoch */
    KAFKA_RECORD_UNFENCE_BROKER, /* a: broker id, c: broker epoch */
    /* Topics and partitions (topics.h: the bodies live in a side table, index in c). */
    KAFKA_RECORD_TOPIC,            /* a: topic index, b: partition count */
    KAFKA_RECORD_PARTITION,        /* a: partition index, c: side-table entry */
    KAFKA_RECORD_PARTITION_CHANGE, /* a: partition index, b: reason, c: side-table entry */
};

typedef enum kafka_fence_reason {
    KAFKA_FENCE_SESSION_EXPIRED = 0,
    KAFKA_FENCE_CONTROLLED_SHUTDOWN = 1,
} kafka_fence_reason;

const char *kafka_record_name(uint16_t type);

/* What one node believes about one broker, from committed (or, on the active
 * controller, appended) records. */
typedef struct kafka_broker_reg {
    bool registered;
    bool fenced;
    bool in_controlled_shutdown;
    int64_t broker_epoch; /* offset of its RegisterBrokerRecord; -1 if none */
    int32_t incarnation;
} kafka_broker_reg;

/* Kafka's BrokerLifecycleManager states (BrokerState), as far as this build needs. */
typedef enum kafka_broker_phase {
    KAFKA_BROKER_DOWN = 0,      /* process not running */
    KAFKA_BROKER_REGISTERING,   /* sending BrokerRegistration until answered */
    KAFKA_BROKER_STARTING,      /* registered; heartbeats every 10 ms with wantFence until
                                   the controller says it has caught up */
    KAFKA_BROKER_RECOVERY,      /* caught up; heartbeats without wantFence until unfenced */
    KAFKA_BROKER_RUNNING,       /* unfenced, heartbeating every interval */
    KAFKA_BROKER_SHUTTING_DOWN, /* heartbeats carry wantShutDown */
} kafka_broker_phase;

const char *kafka_broker_phase_name(kafka_broker_phase phase);

typedef struct kafka_broker {
    int32_t node_id;
    int32_t endpoint;
    uint32_t index; /* broker index, 0..broker_count-1 */
    kafka_broker_phase phase;
    int32_t incarnation;  /* +1 at every process start */
    int64_t broker_epoch; /* from the registration response; -1 before */
    sim_timer timer;      /* next registration attempt or heartbeat */
    bool shutdown_granted;
} kafka_broker;

/* Per-broker state kept only by an active controller (lost when it stops leading). */
typedef struct kafka_ctrl_session {
    sim_time last_contact_us; /* last registration or heartbeat heard */
} kafka_ctrl_session;

/* The controller half of one node: active while its Raft replica leads. */
typedef struct kafka_ctrl {
    bool active;
    int32_t raft_epoch;           /* the epoch it leads in */
    kafka_broker_reg *view;       /* [broker_count]: every appended record applied */
    kafka_ctrl_session *sessions; /* [broker_count] */
    int64_t *reply_offset;        /* [broker_count]: registration answered when this offset
                                     commits; -1 none */
    int32_t *reply_to;            /* [broker_count]: the endpoint to answer */
    sim_timer fence_timer;
} kafka_ctrl;

struct kafka_topics;

typedef void (*brokers_shutdown_cb)(void *ctx, int32_t endpoint); /* shutdown granted */

typedef struct kafka_brokers {
    sim_engine *engine;
    net *net;
    raft_cluster *raft;
    uint32_t node_count; /* all nodes (endpoints 0..node_count-1) */
    uint32_t broker_count;
    kafka_broker *brokers;       /* [broker_count] */
    int32_t *broker_of_endpoint; /* endpoint -> broker index or -1 */
    kafka_broker_reg *images;    /* [node_count * broker_count], committed view per node */
    kafka_ctrl *ctrls;           /* [node_count] */
    sim_time heartbeat_interval_us;
    sim_time session_timeout_us;
    sim_time retry_us; /* registration retry */
    uint16_t broker_timer_handler;
    uint16_t fence_handler;
    brokers_shutdown_cb on_shutdown;
    void *on_shutdown_ctx;
    uint64_t fences, unfences, registrations;
    struct kafka_topics *topics; /* partition decisions on the controller; NULL: no topics */
} kafka_brokers;

typedef struct kafka_brokers_config {
    sim_time heartbeat_interval_us; /* broker.heartbeat.interval.ms */
    sim_time session_timeout_us;    /* broker.session.timeout.ms */
} kafka_brokers_config;

/* is_broker[endpoint] says which nodes run a broker. */
void brokers_init(kafka_brokers *b, sim_engine *e, net *n, raft_cluster *raft, sim_arena *arena,
                  uint32_t node_count, const bool *is_broker, const int32_t *node_ids,
                  const kafka_brokers_config *cfg);
void brokers_set_shutdown_cb(kafka_brokers *b, brokers_shutdown_cb cb, void *ctx);

bool brokers_msg_kind_p(net_msg_kind kind);
void brokers_recv(kafka_brokers *b, const net_msg *msg);

/* Raft's apply callback forwards here: a record became committed on `endpoint`. */
void brokers_apply(kafka_brokers *b, int32_t endpoint, const raft_record *rec);
/* A node restarted: its committed image is rebuilt as records are re-applied. */
void brokers_node_reset_image(kafka_brokers *b, int32_t endpoint);

/* Process life of the broker on `endpoint` (no-ops for controller-only nodes). */
void brokers_start(kafka_brokers *b, int32_t endpoint);
void brokers_stop(kafka_brokers *b, int32_t endpoint);
void brokers_begin_shutdown(kafka_brokers *b, int32_t endpoint);

/* Called by the world after every event: activates the controller of a node whose Raft
 * replica became leader, deactivates those that stopped leading. */
void brokers_observe_leaders(kafka_brokers *b);

/* Queries. */
kafka_broker *brokers_by_endpoint(kafka_brokers *b, int32_t endpoint);
const kafka_broker_reg *brokers_image(const kafka_brokers *b, int32_t endpoint,
                                      uint32_t broker_index);
/* The endpoint of the controller the node on `endpoint` believes active (its Raft
 * leader), or -1. */
int32_t brokers_known_controller(const kafka_brokers *b, int32_t endpoint);

#endif
