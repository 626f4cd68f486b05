/*
 * repl_fixture.h — a deterministic harness for the data-plane tests: one engine, one
 *   network, N brokers running sim/kafka/replication and a tiny stand-in controller,
 *   all built from C structs and stepped one event at a time with checks after every
 *   event.
 *
 * Brokers are endpoints 0..N-1 with ids 1..N; the controller is endpoint N (id 1000).
 * The network has a fixed 1 ms latency, so narrated tests can assert exact times.
 *
 * The stand-in controller holds each partition's registration (kpc_reg). It answers
 * AlterPartition with kpc_alter_partition, fences and unfences brokers on request with
 * kpc_remove_broker / kpc_build, and publishes every change to every live broker
 * `metadata_delay_us` later (0: at once), as brokers would learn it from the metadata
 * log. Its reply to AlterPartition travels the network (1 ms).
 *
 * Observations after every event and after every fixture call that changes the model
 * directly (produce, faults, controller actions), never aborting, so broken variants
 * can be studied:
 *   - hw_above_isr: a leader's HW above the smallest LEO in its committed ISR;
 *   - committed_lost: the current leader lacks a record once committed (the reference
 *     committed log is what leaders' HWs have covered);
 *   - prefix_diverged: a replica's records below its HW differ from the committed log;
 *   - acks_all_early: an acks=all produce answered NONE while an ISR member lacked it.
 * `rpf_check_clean` fails the test if any was seen.
 */
#ifndef REPL_FIXTURE_H
#define REPL_FIXTURE_H

#include "../../sim/kafka/replication.h"

#define RPF_BROKERS_MAX    8u
#define RPF_PARTITIONS_MAX 8u
#define RPF_RESULTS_MAX    1024u
#define RPF_REF_MAX        4096u

typedef struct rpf_config {
    uint32_t broker_count;
    uint32_t partition_count;
    int32_t replicas[RPF_PARTITIONS_MAX][REPL_REPLICAS_MAX]; /* broker ids; [0] leads */
    uint32_t replica_count;                                  /* same for all partitions */
    repl_config repl;
    repl_bugs bugs;
    bool unclean_allowed;
    sim_time metadata_delay_us; /* controller → brokers [0] */
} rpf_config;

typedef struct rpf_ref_entry {
    uint32_t value_id;
    int32_t leader_epoch;
} rpf_ref_entry;

typedef struct repl_fixture {
    sim_arena *arena;
    sim_engine engine;
    net net;
    repl repl;
    rpf_config cfg;
    int32_t ids[RPF_BROKERS_MAX + 1];
    int32_t endpoints[RPF_BROKERS_MAX + 1];
    int32_t controller_endpoint;
    /* Stand-in controller. */
    kpc_reg regs[RPF_PARTITIONS_MAX];
    bool fenced[RPF_BROKERS_MAX];
    uint16_t publish_handler;
    uint32_t alter_requests, alter_rejected;
    /* Produce answers (immediate and parked). */
    repl_produce_result results[RPF_RESULTS_MAX];
    sim_time result_at[RPF_RESULTS_MAX];
    uint32_t result_count;
    /* Observations. */
    rpf_ref_entry ref[RPF_PARTITIONS_MAX][RPF_REF_MAX];
    int64_t ref_len[RPF_PARTITIONS_MAX];
    uint64_t hw_above_isr, committed_lost, prefix_diverged, acks_all_early;
    sim_time first_violation_at;
    uint64_t steps;
    uint64_t events[REPL_EV_COUNT]; /* repl_ops.event reports, by kind */
    bool print_trace;               /* RPF_TRACE set: print trace records and events */
} repl_fixture;

/* Defaults: 3 brokers, 1 partition on [1,2,3], Kafka defaults, no bugs. */
void rpf_config_default(rpf_config *cfg, uint32_t broker_count, uint32_t partition_count);

/* Builds everything, creates the partitions (leader = first replica), starts every
 * broker and publishes the registrations at time 0. */
void rpf_init(repl_fixture *f, const rpf_config *cfg);
void rpf_deinit(repl_fixture *f);

sim_time rpf_now(const repl_fixture *f);
bool rpf_step_before(repl_fixture *f, sim_time limit);
void rpf_run_until(repl_fixture *f, sim_time t);

#define RPF_STEP_UNTIL(f, cond, limit)                                                             \
    do {                                                                                           \
        while (!(cond)) {                                                                          \
            cr_assert(rpf_step_before((f), (limit)), "timed out at %llu us waiting for %s",        \
                      (unsigned long long)rpf_now(f), #cond);                                      \
        }                                                                                          \
    } while (0)

/* Replica of broker `id` (1-based Kafka id) for partition p. */
const repl_replica *rpf_rep(const repl_fixture *f, int32_t id, uint32_t p);

/* Produce `count` records of 100 bytes to the leader of p (whoever the controller says).
 * Returns the index of the result slot that will hold the answer. */
uint32_t rpf_produce(repl_fixture *f, uint32_t p, int32_t acks, uint32_t count, uint32_t value_id);
uint32_t rpf_produce_idem(repl_fixture *f, uint32_t p, int32_t acks, uint32_t count,
                          int64_t producer_id, int32_t first_sequence, uint32_t value_id);
bool rpf_answered(const repl_fixture *f, uint32_t slot);

/* Faults and controller actions. */
void rpf_crash(repl_fixture *f, int32_t id);
void rpf_power_off(repl_fixture *f, int32_t id);
void rpf_restart(repl_fixture *f, int32_t id);       /* restarts, replays metadata, unfences */
void rpf_fence(repl_fixture *f, int32_t id);         /* session expired: out of ISRs, leaders */
void rpf_cut(repl_fixture *f, int32_t a, int32_t b); /* both directions between brokers */
void rpf_heal(repl_fixture *f);

/* Fails the test if any observation was recorded. */
void rpf_check_clean(const repl_fixture *f);

#endif
