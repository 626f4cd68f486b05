/*
 * raft_fixture.h — a small deterministic harness for the raft tests: one engine, one
 *   network and one raft cluster built from C structs (no JSON), stepped one event at a
 *   time with safety checks after every event (canonical/raft's fixture idea).
 *
 * Nodes are endpoints 0..node_count-1 with Kafka ids first_node_id + index; the first
 * voter_count nodes are voters, the rest observers. The network latency defaults to a
 * fixed 1 ms so narrated tests can assert exact virtual times.
 *
 * Checks after every event (when `check_safety`): HW <= LEO; only voters leave
 * {Unattached, Follower}; at most one leader per epoch; every node's log agrees with
 * every other below its HW (committed prefix); a node's HW never decreases within an
 * incarnation; records reach the apply callback once each, in offset order. A trace
 * sink counts every raft event per node (and prints it when RF_TRACE is set in the
 * environment).
 */
#ifndef RAFT_FIXTURE_H
#define RAFT_FIXTURE_H

#include "../../sim/check/check.h"
#include "../../sim/raft/raft.h"

#define RF_NODES_MAX 16u

typedef struct rf_config {
    uint32_t node_count;   /* 1..RF_NODES_MAX */
    uint32_t voter_count;  /* the first voter_count nodes vote */
    int32_t first_node_id; /* Kafka id of node 0 [1] */
    uint64_t seed;
    raft_config raft; /* raft_config_default, then edit */
    raft_bugs bugs;
    uint32_t latency_min_us; /* [1000] */
    uint32_t latency_max_us; /* [1000] */
    uint32_t loss_ppm;       /* [0] */
    bool check_safety;       /* [true]; off for raft_bugs tests */
} rf_config;

typedef struct raft_fixture {
    sim_arena *arena;
    sim_engine engine;
    net net;
    raft_cluster cluster;
    rf_config cfg;
    int32_t node_ids[RF_NODES_MAX];
    int32_t endpoints[RF_NODES_MAX];
    bool voter[RF_NODES_MAX];
    /* Observations. */
    uint64_t steps;
    uint64_t applied[RF_NODES_MAX];     /* apply callbacks, all incarnations */
    int64_t next_apply[RF_NODES_MAX];   /* expected next applied offset */
    uint32_t incarnation[RF_NODES_MAX]; /* incarnation seen by the checks */
    int64_t last_hw[RF_NODES_MAX];
    uint32_t ev_count[SIM_EV_COUNT][RF_NODES_MAX]; /* raft trace events per node */
    int64_t last_resign_reason[RF_NODES_MAX];
    sim_time last_truncate_at[RF_NODES_MAX];
    int64_t last_truncate_offset[RF_NODES_MAX];
    chk_state chk; /* the project's safety checkers, run after every step */
    bool print_trace;
} raft_fixture;

/* Defaults: KRaft defaults, fixed 1 ms latency, safety checks on, node ids from 1. */
void rf_config_default(rf_config *cfg, uint32_t node_count, uint32_t voter_count, uint64_t seed);

/* Builds engine, network and cluster, installs the checks, and calls raft_start. */
void rf_init(raft_fixture *f, const rf_config *cfg);
void rf_deinit(raft_fixture *f);

sim_time rf_now(const raft_fixture *f);
raft_node *rf_node(raft_fixture *f, uint32_t index);

/* Runs the next event if it is due at or before `limit`; false (nothing run) if not. */
bool rf_step_before(raft_fixture *f, sim_time limit);

/* Runs every event due at or before `t`, then moves the clock to `t`. */
void rf_run_until(raft_fixture *f, sim_time t);

/* Steps until pred(f, arg); fails the test (naming `what`) if virtual time would pass
 * `limit` first. Returns the time at which pred became true. */
typedef bool (*rf_pred)(raft_fixture *f, const void *arg);
sim_time rf_step_until(raft_fixture *f, rf_pred pred, const void *arg, sim_time limit,
                       const char *what);

/* The same with an expression. */
#define RF_STEP_UNTIL(f, cond, limit)                                                              \
    do {                                                                                           \
        while (!(cond)) {                                                                          \
            cr_assert(rf_step_before((f), (limit)), "timed out at %llu us waiting for %s",         \
                      (unsigned long long)rf_now(f), #cond);                                       \
        }                                                                                          \
    } while (0)

/* Predicates. */
bool rf_has_leader(raft_fixture *f, const void *arg); /* arg unused */
/* There is a leader, everything it has is committed (HW == LEO), and every alive node
 * has its whole log (LEO == leader LEO). Followers may still lag on the HW itself: in
 * KRaft they learn it with the next data or the long-poll expiry. arg unused. */
bool rf_all_caught_up(raft_fixture *f, const void *arg);

/* Faults (traced by the network / here). */
void rf_crash(raft_fixture *f, uint32_t index);
void rf_restart(raft_fixture *f, uint32_t index);
void rf_isolate(raft_fixture *f, uint32_t index);
void rf_heal(raft_fixture *f);

/* Index of the unique alive leader with the highest epoch, or -1. */
int32_t rf_leader_index(raft_fixture *f);

/* Raft events of `ev` seen on node `index` so far. */
uint32_t rf_events(const raft_fixture *f, sim_trace_ev ev, uint32_t index);

#endif
