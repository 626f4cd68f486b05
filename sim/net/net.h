/*
 * net.h — the simulated network: endpoints, directed links, messages in flight, faults.
 *
 * Role: model modules (raft, brokers, later producers and consumers) send messages
 *   between endpoints with `net_send`; the network decides when (latency) and whether
 *   (loss, cuts, crashed ends) each one arrives and hands it to the receiver callback.
 *   Timeline actions and viewer commands change link state through the fault API.
 * Model:
 *   - Latency is uniform in [min, max] microseconds per message, per directed link
 *     (network default, or the link's own after `link`).
 *   - Loss: each message is lost with probability loss_ppm / 1e6, decided at send.
 *   - FIFO per connection: a message is never delivered before an earlier one on the
 *     same directed link (its due time is at least the previous due time), as TCP.
 *   - A cut link (`cut`, `partition`, `isolate`) drops messages sent over it and those
 *     still in flight when they arrive.
 *   - A message from an endpoint to itself (loopback) arrives at once and is never lost.
 *   - A crash breaks connections: messages to or from a crashed (or since restarted)
 *     endpoint are dropped when they arrive; after a graceful shutdown what the
 *     process sent before it stopped still arrives. A paused endpoint receives nothing until it
 *     resumes (the engine holds the deliveries).
 * Owns / borrows: the message pool and the link matrix (arena memory); borrows the
 *   engine.
 * Invariants: a message is in flight from send to deliver/drop; pool slots are reused
 *   only after that; due_at >= sent_at.
 * Determinism: one RNG stream (SIM_STREAM_NET); draws happen in send order.
 * Not modelled: bandwidth and queueing (a later capacity model), packet reordering
 *   inside a connection, duplicate delivery, connection setup time.
 */
#ifndef NET_H
#define NET_H

#include "../core/sim_engine.h"
#include "../core/sim_rng.h"

#define NET_BODY_BYTES 512u

/* Every message kind of every model, with a family used for colour and filtering. */
#define NET_MSG_KINDS(X)                                                                           \
    X(VOTE_REQ, "Vote", "vote")                                                                    \
    X(VOTE_RESP, "VoteResponse", "vote")                                                           \
    X(BEGIN_EPOCH_REQ, "BeginQuorumEpoch", "vote")                                                 \
    X(BEGIN_EPOCH_RESP, "BeginQuorumEpochResponse", "vote")                                        \
    X(END_EPOCH_REQ, "EndQuorumEpoch", "vote")                                                     \
    X(END_EPOCH_RESP, "EndQuorumEpochResponse", "vote")                                            \
    X(FETCH_REQ, "Fetch", "fetch")                                                                 \
    X(FETCH_RESP, "FetchResponse", "fetch")                                                        \
    X(APPEND_REQ, "AppendEntries", "fetch")                                                        \
    X(APPEND_RESP, "AppendEntriesResponse", "fetch")                                               \
    X(REQUEST_VOTE_REQ, "RequestVote", "vote")                                                     \
    X(REQUEST_VOTE_RESP, "RequestVoteResponse", "vote")                                            \
    X(BROKER_REGISTER_REQ, "BrokerRegistration", "heartbeat")                                      \
    X(BROKER_REGISTER_RESP, "BrokerRegistrationResponse", "heartbeat")                             \
    X(BROKER_HEARTBEAT_REQ, "BrokerHeartbeat", "heartbeat")                                        \
    X(BROKER_HEARTBEAT_RESP, "BrokerHeartbeatResponse", "heartbeat")                               \
    X(REPLICA_FETCH_REQ, "Fetch", "fetch")                                                         \
    X(REPLICA_FETCH_RESP, "FetchResponse", "fetch")                                                \
    X(ALTER_PARTITION_REQ, "AlterPartition", "heartbeat")                                          \
    X(ALTER_PARTITION_RESP, "AlterPartitionResponse", "heartbeat")                                 \
    X(PRODUCE_REQ, "Produce", "produce")                                                           \
    X(PRODUCE_RESP, "ProduceResponse", "produce")                                                  \
    X(METADATA_REQ, "Metadata", "metadata")                                                        \
    X(METADATA_RESP, "MetadataResponse", "metadata")                                               \
    X(FIND_COORDINATOR_REQ, "FindCoordinator", "group")                                            \
    X(FIND_COORDINATOR_RESP, "FindCoordinatorResponse", "group")                                   \
    X(JOIN_GROUP_REQ, "JoinGroup", "group")                                                        \
    X(JOIN_GROUP_RESP, "JoinGroupResponse", "group")                                               \
    X(SYNC_GROUP_REQ, "SyncGroup", "group")                                                        \
    X(SYNC_GROUP_RESP, "SyncGroupResponse", "group")                                               \
    X(HEARTBEAT_REQ, "Heartbeat", "group")                                                         \
    X(HEARTBEAT_RESP, "HeartbeatResponse", "group")                                                \
    X(LEAVE_GROUP_REQ, "LeaveGroup", "group")                                                      \
    X(LEAVE_GROUP_RESP, "LeaveGroupResponse", "group")                                             \
    X(OFFSET_COMMIT_REQ, "OffsetCommit", "group")                                                  \
    X(OFFSET_COMMIT_RESP, "OffsetCommitResponse", "group")                                         \
    X(OFFSET_FETCH_REQ, "OffsetFetch", "group")                                                    \
    X(OFFSET_FETCH_RESP, "OffsetFetchResponse", "group")                                           \
    X(CONSUMER_FETCH_REQ, "Fetch", "consume")                                                      \
    X(CONSUMER_FETCH_RESP, "FetchResponse", "consume")                                             \
    X(CONSUMER_METADATA_REQ, "Metadata", "metadata")                                               \
    X(CONSUMER_METADATA_RESP, "MetadataResponse", "metadata")

typedef enum net_msg_kind {
#define NET_KIND_ENUM(id, name, family) NET_MSG_##id,
    NET_MSG_KINDS(NET_KIND_ENUM)
#undef NET_KIND_ENUM
        NET_MSG_KIND_COUNT
} net_msg_kind;

const char *net_msg_kind_name(net_msg_kind kind);   /* Kafka's RPC name */
const char *net_msg_kind_family(net_msg_kind kind); /* "vote", "fetch", "heartbeat", ... */

typedef enum net_drop_reason {
    NET_DROP_LOSS = 1,     /* lost on a lossy link */
    NET_DROP_CUT = 2,      /* the link was cut at send or at arrival */
    NET_DROP_DST_DOWN = 3, /* the receiver crashed (or restarted) */
    NET_DROP_SRC_DOWN = 4, /* the sender crashed (or restarted): connection reset */
    NET_DROP_OVERLOAD = 5, /* the message pool was full */
} net_drop_reason;

typedef struct net_msg {
    uint64_t id;      /* run-wide message number, from 1 */
    sim_time sent_at; /* us */
    sim_time due_at;  /* us, >= sent_at */
    int32_t from, to; /* endpoint indexes */
    uint32_t from_incarnation, to_incarnation;
    net_msg_kind kind;
    uint32_t body_bytes;
    bool in_flight;
    bool doomed; /* will be dropped on arrival (lost or cut) */
    _Alignas(8) uint8_t body[NET_BODY_BYTES];
} net_msg;

/* Borrowed msg, valid during the call. */
typedef void (*net_recv_cb)(void *ctx, const net_msg *msg);

typedef struct net_link {
    uint32_t latency_min_us;
    uint32_t latency_max_us;
    uint32_t loss_ppm;
    bool degraded; /* latency/loss above are this link's own */
    bool cut;
    sim_time last_due; /* FIFO floor for the next message */
} net_link;

/* A recently dropped message, kept for the viewer to fade out. */
typedef struct net_drop_note {
    uint64_t msg_id;
    int32_t from, to;
    net_msg_kind kind;
    sim_time sent_at, due_at, dropped_at;
    net_drop_reason reason;
} net_drop_note;

#define NET_DROP_RING_COUNT 64u

typedef struct net_config {
    uint32_t latency_min_us;
    uint32_t latency_max_us;
    uint32_t loss_ppm;
    uint32_t msg_capacity; /* messages in flight at once */
} net_config;

typedef struct net {
    sim_engine *engine;
    sim_rng rng;
    net_config config;
    uint32_t endpoint_count;
    const int32_t *trace_ids;     /* endpoint index -> id printed in the trace; borrowed */
    net_link *links;              /* [from * endpoint_count + to] */
    uint32_t *closed_incarnation; /* [endpoint]: incarnation that ended gracefully, +1 */
    net_msg *msgs;
    uint32_t *free_stack;
    uint32_t free_count;
    uint16_t deliver_handler;
    net_recv_cb recv;
    void *recv_ctx;
    uint64_t next_id;
    uint64_t sent, delivered, dropped;
    net_drop_note drops[NET_DROP_RING_COUNT];
    uint64_t drop_count;
} net;

/* Takes tables from the arena; keeps engine and trace_ids for the run. */
void net_init(net *n, sim_engine *engine, sim_arena *arena, uint64_t seed, uint32_t endpoint_count,
              const int32_t *trace_ids, net_config config);
void net_set_receiver(net *n, net_recv_cb cb, void *ctx);

/* Sends body (copied, <= NET_BODY_BYTES) from -> to. Returns the message id, or 0 when
 * dropped at once (the drop is traced). */
uint64_t net_send(net *n, int32_t from, int32_t to, net_msg_kind kind, const void *body,
                  uint32_t body_bytes);

/* The endpoint's process is about to stop gracefully: what it already sent is flushed
 * and still arrives (a crash, by contrast, resets its connections). Call before
 * sim_engine_endpoint_down. */
void net_close_gracefully(net *n, int32_t endpoint);

/* Faults. All are idempotent and traced. */
void net_cut(net *n, int32_t from, int32_t to); /* one direction */
void net_isolate(net *n, int32_t endpoint);     /* both directions, all peers */
/* side_of[i] is the side of endpoint i, or -1 for "not listed: keeps its links". */
void net_partition(net *n, const int32_t *side_of, uint32_t side_count);
void net_link_degrade(net *n, int32_t a, int32_t b, uint32_t latency_min_us,
                      uint32_t latency_max_us, uint32_t loss_ppm); /* both directions */
void net_heal_all(net *n);
void net_heal_endpoint(net *n, int32_t endpoint);
void net_heal_link(net *n, int32_t a, int32_t b); /* both directions */

/* Queries (viz, checkers). */
const net_link *net_link_get(const net *n, int32_t from, int32_t to);
bool net_reachable(const net *n, int32_t from, int32_t to); /* link not cut */
/* Iterates the pool: returns the next in-flight message with pool index >= *cursor and
 * advances the cursor past it; NULL at the end. Returns view (until the next step). */
const net_msg *net_next_in_flight(const net *n, uint32_t *cursor);

#endif
