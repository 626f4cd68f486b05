/*
 * sim_trace.h — the run's event record: a 64-bit digest folded over every event,
 *   a ring of recent records, and an optional sink that writes them out.
 *
 * Role: every model module reports what happened through `sim_trace_emit`. The digest
 *   is the run's `trace_hash` (spec §3); the CLI attaches a sink to write the JSON
 *   Lines trace of spec §4 or a Perfetto file; the viewer attaches one for its event
 *   log.
 * Model: none. The list of event kinds and their field names (SIM_TRACE_EVENTS) is the
 *   documented trace vocabulary (docs/trace.md).
 * Owns / borrows: the ring (by value). Records keep `text` borrowed: it must live as
 *   long as the run (scenario strings, static strings).
 * Invariants: a record has at most SIM_TRACE_FIELDS_MAX integer fields; the field
 *   count of each kind is fixed by the table.
 * Determinism: the digest reads only integer fields and text bytes, never pointers;
 *   it is computed the same way whether or not a sink is attached.
 * Not modelled: n/a.
 */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include "sim_types.h"

#define SIM_TRACE_FIELDS_MAX 6
#define SIM_TRACE_RING_COUNT 32

/* X(ID, "name", "comma,separated,field,names", "text field name" or NULL).
 * Node-valued fields hold Kafka node ids (clients: SIM_TRACE_CLIENT_ID_BASE + index). */
#define SIM_TRACE_EVENTS(X)                                                                        \
    /* engine and scenario */                                                                      \
    X(NOTE, "note", "", "text")                                                                    \
    X(ACTION, "action", "index", "do")                                                             \
    X(ACTION_SKIPPED, "action_skipped", "index", "why")                                            \
    X(CHECK_VIOLATION, "check_violation", "checker", "what")                                       \
    /* nodes */                                                                                    \
    X(NODE_CRASH, "node_crash", "", NULL)                                                          \
    X(NODE_POWER_OFF, "node_power_off", "", NULL)                                                  \
    X(NODE_SHUTDOWN, "node_shutdown", "", NULL)                                                    \
    X(NODE_RESTART, "node_restart", "", NULL)                                                      \
    X(NODE_PAUSE, "node_pause", "", NULL)                                                          \
    X(NODE_RESUME, "node_resume", "", NULL)                                                        \
    /* network */                                                                                  \
    X(NET_SEND, "net_send", "msg,to,kind,due", NULL)                                               \
    X(NET_DELIVER, "net_deliver", "msg,from,kind", NULL)                                           \
    X(NET_DROP, "net_drop", "msg,from,to,kind,reason", NULL)                                       \
    X(NET_CUT, "net_cut", "from,to", NULL)                                                         \
    X(NET_ISOLATE, "net_isolate", "", NULL)                                                        \
    X(NET_PARTITION, "net_partition", "sides", NULL)                                               \
    X(NET_LINK, "net_link", "a,b,latency_min_us,latency_max_us,loss_ppm", NULL)                    \
    X(NET_HEAL, "net_heal", "a,b", NULL)                                                           \
    /* KRaft / Raft (sim/raft) */                                                                  \
    X(RAFT_BECOME_UNATTACHED, "raft_become_unattached", "epoch,voted_for", NULL)                   \
    X(RAFT_BECOME_PROSPECTIVE, "raft_become_prospective", "epoch", NULL)                           \
    X(RAFT_BECOME_CANDIDATE, "raft_become_candidate", "epoch", NULL)                               \
    X(RAFT_BECOME_LEADER, "raft_become_leader", "epoch", NULL)                                     \
    X(RAFT_BECOME_FOLLOWER, "raft_become_follower", "epoch,leader", NULL)                          \
    X(RAFT_BECOME_RESIGNED, "raft_become_resigned", "epoch", NULL)                                 \
    X(RAFT_VOTE, "raft_vote", "epoch,candidate,granted,pre_vote", NULL)                            \
    X(RAFT_TIMEOUT, "raft_timeout", "epoch,timer", NULL)                                           \
    X(RAFT_APPEND, "raft_append", "epoch,offset,record", NULL)                                     \
    X(RAFT_TRUNCATE, "raft_truncate", "epoch,offset", NULL)                                        \
    X(RAFT_HW, "raft_hw", "epoch,hw", NULL)                                                        \
    X(RAFT_RESIGN, "raft_resign", "epoch,reason", NULL)                                            \
    X(RAFT_BACKOFF, "raft_backoff", "epoch,backoff_us,retries", NULL)                              \
    X(RAFT_END_EPOCH_BACKOFF, "raft_end_epoch_backoff", "epoch,leader,position,backoff_us", NULL)  \
    /* brokers and the controller state machine (sim/kafka) */                                     \
    X(BROKER_REGISTER, "broker_register", "broker,broker_epoch", NULL)                             \
    X(BROKER_FENCE, "broker_fence", "broker,broker_epoch", NULL)                                   \
    X(BROKER_UNFENCE, "broker_unfence", "broker,broker_epoch", NULL)                               \
    X(BROKER_SHUTDOWN, "broker_shutdown", "broker", NULL)                                          \
    /* partition replicas (sim/kafka/replication.c, same order as REPL_EVENTS) */                  \
    X(REPL_ROLE, "repl_role", "partition,leader,leader_epoch,partition_epoch,isr_count", NULL)     \
    X(REPL_APPEND, "repl_append", "partition,leader_epoch,offset,count", NULL)                     \
    X(REPL_HW, "repl_hw", "partition,hw", NULL)                                                    \
    X(REPL_TRUNCATE, "repl_truncate", "partition,offset,removed,reason", NULL)                     \
    X(REPL_ISR_PROPOSE, "repl_isr_propose", "partition,partition_epoch,isr_count,change", NULL)    \
    X(REPL_PRODUCE_DONE, "repl_produce_done", "partition,acks,error,base_offset,count", NULL)      \
    X(REPL_SEGMENT_DELETE, "repl_segment_delete", "partition,base_offset,log_start", NULL)         \
    /* topics and partitions in the metadata log (sim/kafka/topics.c) */                           \
    X(TOPIC_CREATE, "topic_create", "topic,partitions,replication_factor", "name")                 \
    X(PARTITION_CHANGE, "partition_change", "partition,leader,isr_count,reason,unclean", NULL)     \
    /* producers (node = SIM_TRACE_CLIENT_ID_BASE + producer index) */                             \
    X(PRODUCER_SEND, "producer_send", "partition,broker,records,sequence,attempt", NULL)           \
    X(PRODUCER_RESPONSE, "producer_response", "partition,broker,error,base_offset,records", NULL)  \
    X(PRODUCER_RETRY, "producer_retry", "partition,error,attempt,backoff_us", NULL)                \
    X(PRODUCER_FAIL, "producer_fail", "partition,error,records", NULL)                             \
    X(PRODUCER_METADATA, "producer_metadata", "broker,leaders_known", NULL)                        \
    /* consumer groups (node: the coordinator's broker, or the consumer) */                        \
    X(GROUP_STATE, "group_state", "group,state,generation,members", NULL)                          \
    X(GROUP_JOIN, "group_join", "group,member,generation,error", NULL)                             \
    X(GROUP_ASSIGN, "group_assign", "group,member,generation,partitions,revoked", NULL)            \
    X(GROUP_COMMIT, "group_commit", "group,partition,offset,generation", NULL)                     \
    X(GROUP_MEMBER_EXPIRED, "group_member_expired", "group,member", NULL)                          \
    X(CONSUMER_POLL, "consumer_poll", "group,member,partition,offset,records", NULL)               \
    X(CONSUMER_OFFSET_RESET, "consumer_offset_reset", "group,member,partition,offset", NULL)

typedef enum sim_trace_ev {
#define SIM_TRACE_ENUM(id, name, fields, text) SIM_EV_##id,
    SIM_TRACE_EVENTS(SIM_TRACE_ENUM)
#undef SIM_TRACE_ENUM
        SIM_EV_COUNT
} sim_trace_ev;

#define SIM_TRACE_CLIENT_ID_BASE 100000000

typedef struct sim_trace_rec {
    sim_time t;   /* virtual time of the event, us */
    uint64_t seq; /* index of this record in the run, from 0 */
    sim_trace_ev ev;
    int32_t node;                    /* Kafka node id the event happened on; -1 for none */
    int64_t f[SIM_TRACE_FIELDS_MAX]; /* integer fields, in table order */
    const char *text;                /* borrowed; NULL when the kind has no text field */
} sim_trace_rec;

typedef void (*sim_trace_sink_cb)(void *ctx, const sim_trace_rec *rec);

typedef struct sim_trace {
    uint64_t digest;
    uint64_t count;
    const sim_time *now; /* engine clock, borrowed */
    sim_trace_rec ring[SIM_TRACE_RING_COUNT];
    sim_trace_sink_cb sinks[4];
    void *sink_ctx[4];
    uint32_t sink_count;
} sim_trace;

void sim_trace_init(sim_trace *tr, const sim_time *now);

/* Keeps ctx until the run ends. At most 4 sinks. */
void sim_trace_add_sink(sim_trace *tr, sim_trace_sink_cb cb, void *ctx);

/* Records one event at the current virtual time. `fields` holds as many values as the
 * kind's table entry names (the rest are ignored); `text` may be NULL. */
void sim_trace_emit(sim_trace *tr, sim_trace_ev ev, int32_t node, const int64_t *fields,
                    const char *text);

/* Convenience forms. */
#define SIM_TRACE0(tr, ev, node) sim_trace_emit((tr), (ev), (node), NULL, NULL)
#define SIM_TRACE(tr, ev, node, ...)                                                               \
    sim_trace_emit((tr), (ev), (node), (const int64_t[]){__VA_ARGS__}, NULL)

const char *sim_trace_ev_name(sim_trace_ev ev);
/* Number of integer fields of `ev` and the name of field `i`. */
uint32_t sim_trace_ev_field_count(sim_trace_ev ev);
const char *sim_trace_ev_field_name(sim_trace_ev ev, uint32_t i);
const char *sim_trace_ev_text_name(sim_trace_ev ev); /* NULL when none */

/* Writes the canonical JSON line of `rec` (no newline) into buf; returns its length
 * (truncated output is NUL-terminated when it does not fit). */
size_t sim_trace_format(const sim_trace_rec *rec, char *buf, size_t buf_bytes);

/* The digest as 16 lowercase hex digits + NUL. */
void sim_trace_hash_hex(const sim_trace *tr, char out[17]);

/* Prints the ring's records, oldest first, to stderr (for sim_panic). */
void sim_trace_dump_recent(void *tr);

#endif
