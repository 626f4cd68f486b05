/*
 * world.h — one simulation run: the engine, the network, the KRaft quorum, the brokers,
 *   the checkers and the scenario's timeline, wired together.
 *
 * Role: the CLI (run, sweep, describe), the viewer and the lab grader create a world from
 *   a validated `scn_config` and a seed, step it, and read its state and statistics.
 *   Everything a run does happens inside `sim_world_step`; user input reaches the model
 *   only as commands (`sim_world_push_action`), the same actions as the timeline.
 * Model: timeline actions of spec §2 — crash, restart, shutdown (controlled), power_off,
 *   pause/resume, timeout, isolate, partition, cut, link, heal, note — resolved against
 *   the state at the instant they run; `leader:TOPIC-P` is the partition's leader and
 *   `follower:TOPIC-P` its lowest-id replica other than the leader, both in the committed
 *   metadata image of the active controller (else of the most caught-up running node). An action
 * that cannot apply (restart of a running node, `controller-leader` during an election, ...) is
 * skipped, traced and listed in `warnings`; it is never an error, because it can depend on the
 * seed. `controller.unavailable_ms` counts virtual time, after the first leader was elected, during
 * which no running, unpaused leader could reach a majority of voters (itself included) in both
 * directions over uncut links; crashed voters are not reachable, paused ones are (their links are
 * up). Owns / borrows: owns its arena and everything in it; borrows the config for its whole life
 * (the caller frees the config after the world). Invariants: created only from a complete config
 * (asserted: pair assertion with the loader); endpoint i is node i of cfg->nodes (sorted by id).
 * Determinism: one master seed; subsystems draw from their own streams (sim_rng.h).
 *   With topics, the world runs the data plane: `topics.h` (metadata records and the
 *   controller's partition decisions) and `replication.h` (replicas, fetch, ISR, HW),
 *   whose `repl_ops` this file implements (messages on sim/net with the net kinds
 *   REPLICA_FETCH_REQ .. ALTER_PARTITION_RESP; AlterPartition to the active controller;
 *   ISR eligibility from the leader's own metadata image; events into the trace).
 *   Replicas start, crash and lose their unflushed tail (power_off) with their node.
 *   Producers (`producer.h`) are client endpoints after the nodes; brokers answer their
 *   Produce requests through the replication core and their Metadata requests from the
 *   broker's own image, and refuse their connections while the broker's process is down
 *   or has not caught up with the metadata log since it started. A process crash resets
 *   the producers' connections at once; a power-off does not (they time out).
 * Not modelled: see each module's header; the metadata log has no snapshots, so its
 *   capacity is sized from the run's duration. A replica's log holds what the producers
 *   of its topic can write (the loader sizes it), at least REPL_LOG_RECORDS records.
 */
#ifndef SIM_WORLD_H
#define SIM_WORLD_H

#include "../check/check.h"
#include "../kafka/brokers.h"
#include "../kafka/groups.h"
#include "../kafka/producer.h"
#include "../kafka/replication.h"
#include "../kafka/topics.h"
#include "../net/net.h"
#include "../raft/raft.h"
#include "../scenario/scenario.h"

#define SIM_LEADER_HISTORY_MAX 4096u
#define SIM_WARNINGS_MAX       1024u
#define SIM_COMMANDS_MAX       4096u

typedef struct sim_leader_change {
    sim_time t;     /* when it became leader, us */
    int32_t leader; /* Kafka node id */
    int32_t raft_epoch;
} sim_leader_change;

#define SIM_LEADER_CHANGES_MAX 8192u

/* A broker became a partition's leader (kept for records.c's loss report). */
typedef struct sim_partition_leader_change {
    sim_time t;
    uint32_t partition;
    int32_t broker_id;
    int64_t leo; /* the new leader's log end offset then */
} sim_partition_leader_change;

typedef struct sim_warning {
    sim_time t;
    int32_t action; /* index of the action in the file's timeline; -1 for commands */
    char text[128];
} sim_warning;

typedef enum sim_node_state {
    SIM_NODE_RUNNING = 0,
    SIM_NODE_CRASHED, /* crash, power_off, or after a controlled shutdown */
    SIM_NODE_PAUSED,
    SIM_NODE_STOPPING, /* controlled shutdown in progress */
} sim_node_state;

const char *sim_node_state_name(sim_node_state s);

typedef struct sim_world {
    const scn_config *cfg;
    uint64_t seed;
    sim_time end_us; /* the run stops after events at this time */
    sim_arena *arena;
    sim_engine engine;
    net net;
    raft_cluster raft;
    kafka_brokers brokers;
    chk_state chk;
    bool chk_disabled[CHK_COUNT];
    bool has_topics; /* the scenario has topics: `topics` and `repl` are in use */
    kafka_topics topics;
    repl repl;
    bool has_producers; /* `producers` is in use; producer i is endpoint node_count + i */
    prod_set producers;
    bool has_groups; /* consumer groups run: `groups`, and __consumer_offsets exists */
    kg_set groups;
    uint32_t offsets_first_partition; /* global index of __consumer_offsets-0 */
    uint32_t offsets_partition_count;
    int32_t *coordinator_of; /* [offsets partition]: broker whose coordinator loaded it */
    uint16_t kg_append_handler;
    uint64_t seen_owner_violations, seen_commit_violations, seen_read_violations;
    sim_partition_leader_change *leader_changes; /* [SIM_LEADER_CHANGES_MAX], with topics */
    uint32_t leader_change_count;
    char why[160]; /* scratch for a skipped action's reason */

    uint32_t node_count;
    int32_t *node_ids; /* [node]: Kafka id; endpoint = node index */
    bool *is_voter;
    bool *is_broker;
    bool *stopping;        /* [node]: controlled shutdown in progress */
    bool *raft_stopping;   /* [node]: past the broker's shutdown, Raft resigning */
    uint32_t *stop_token;  /* [node]: matches a scheduled shutdown deadline */
    uint32_t *pause_token; /* [node]: matches a scheduled `for` resume */

    scn_action *actions; /* the timeline: the scenario's plus extra actions, sorted
                            by (at, file index) as the loader sorts */
    uint32_t action_count;
    uint16_t action_handler;
    uint16_t resume_handler;
    uint16_t stop_deadline_handler;
    int32_t *label_node;  /* [action]: node id its label resolved to; -1 */
    scn_action *commands; /* [SIM_COMMANDS_MAX]: pushed at run time */
    uint32_t command_count;

    /* Observations for the summary. */
    sim_leader_change *leaders;
    uint32_t leader_count;      /* stored (<= SIM_LEADER_HISTORY_MAX) */
    uint64_t elections;         /* leaders elected, first included */
    int32_t *seen_leader_epoch; /* [node]: epoch last recorded as leader; -1 */
    bool had_leader;
    bool available;
    sim_time unavailable_us;
    sim_warning *warnings;
    uint32_t warning_count; /* stored */
    uint64_t warnings_total;
    bool started; /* raft_start and brokers_start have run */
    bool finished;
} sim_world;

/* Creates a world for `cfg` (borrowed until sim_world_free) with master seed `seed`,
 * running until `until_us` (SIM_TIME_NEVER: the scenario's duration). Returns owned. */
sim_world *sim_world_new(const scn_config *cfg, uint64_t seed, sim_time until_us);

typedef struct sim_world_options {
    /* Deliberately broken Raft behaviour, for the tests that prove the checkers catch
     * it (borrowed). NULL: correct Raft. */
    const raft_bugs *bugs;
    /* Deliberately broken replication (borrowed), likewise; NULL: correct. Needs topics. */
    const repl_bugs *repl_bugs;
    /* Actions appended to the scenario's timeline, as if written after its last entry
     * (the viewer's session): they take file indexes action_count, action_count + 1, ...
     * and run in the same order the loader would give them. Borrowed, strings too, for
     * the world's life. */
    const scn_action *extra_actions;
    uint32_t extra_action_count;
} sim_world_options;

sim_world *sim_world_new_opts(const scn_config *cfg, uint64_t seed, sim_time until_us,
                              const sim_world_options *opts);
void sim_world_free(sim_world *w);

/* Checkpoints: the whole state of a run is the world struct and its arena, so a
 * checkpoint is a copy of both, and restoring one (into the same world) resumes the run
 * exactly where it was. The viewer scrubs back in time with them. */
size_t sim_world_checkpoint_bytes(const sim_world *w);
void sim_world_checkpoint_save(const sim_world *w, void *buf);
void sim_world_checkpoint_restore(sim_world *w, const void *buf);

/* Runs one event; the first call boots the nodes (at virtual time 0), so trace sinks
 * attached between sim_world_new and the first step see every event. Returns false when
 * the run is over (then the clock is at end_us). */
bool sim_world_step(sim_world *w);
/* Runs events up to and including time t (capped at end_us); the clock ends at t. */
void sim_world_run_until(sim_world *w, sim_time t);
void sim_world_run(sim_world *w);

/* Queues an action to run now (viewer commands); validated by the caller like a
 * timeline action. Returns SIM_ELIMIT when the command table is full. */
sim_err sim_world_push_action(sim_world *w, const scn_action *act);

/* Queries. */
sim_time sim_world_now(const sim_world *w);
int32_t sim_world_endpoint_of(const sim_world *w, int32_t node_id); /* -1 if none */
sim_node_state sim_world_node_state(const sim_world *w, int32_t endpoint);
const raft_node *sim_world_controller_leader(const sim_world *w); /* NULL if none */
int32_t sim_world_max_epoch(const sim_world *w);
bool sim_world_ok(const sim_world *w); /* no enabled invariant violated */
/* The committed broker registrations as the active controller (else the most
 * caught-up running node) sees them. */
const kafka_broker_reg *sim_world_broker_reg(const sim_world *w, uint32_t broker_index);
/* Partitions (global index: a topic's partitions follow the previous topic's). 0 without
 * topics. */
uint32_t sim_world_partition_count(const sim_world *w);
/* Partition `p`'s committed registration in the same image as sim_world_broker_reg; NULL
 * while that node does not know the partition (the topic is not created yet). Returns
 * view (valid until the next step). */
const kpc_reg *sim_world_partition(const sim_world *w, uint32_t p);

/* Spec §3 `partitions`, from the same image: partitions that exist, those without a
 * leader, those whose ISR is smaller than their replica list; leader elections and unclean
 * ones are PartitionChangeRecords in that node's committed log that set a leader. */
typedef struct sim_partition_stats {
    uint32_t total, offline, under_replicated;
    uint64_t leader_elections, unclean_elections;
} sim_partition_stats;
void sim_world_partition_stats(const sim_world *w, sim_partition_stats *out);
/* Partitions with a replica on broker `node_id`, and those it leads (same image). */
void sim_world_broker_partitions(const sim_world *w, int32_t node_id, uint32_t *replicas,
                                 uint32_t *leaders);

/* Spec §3 `records`: every producer's history against the final logs. An acknowledged
 * record is lost when the final leader's log does not hold it (at its offset or, when a
 * retry appended it twice, anywhere) and retention did not delete it; with no leader at
 * the end it is unavailable, not lost. Duplicates: records present more than once in a
 * final leader's log. */
typedef struct sim_lost_record {
    uint32_t producer;
    uint32_t partition; /* global index */
    int64_t offset;
    sim_time acked_us;
    sim_time lost_us; /* when the leader's log stopped holding it: the first leadership
                         change after the ack to a leader whose log ended at or below
                         the offset (or, failing that, the first one after the ack) */
} sim_lost_record;

typedef struct sim_records {
    uint64_t sent, acked, failed, unconfirmed, pending;
    uint64_t acked_lost, unavailable, duplicates;
    uint64_t lost_stored; /* entries written to the caller's array */
} sim_records;

/* Computes the accounting at the current instant (normally the end of the run). Writes
 * up to lost_max losses to `lost` (may be NULL). Takes a scratch buffer from the heap
 * and frees it (outside any step). */
void sim_world_records(const sim_world *w, sim_records *out, sim_lost_record *lost,
                       uint32_t lost_max);

#endif
