/*
 * check.h — cluster-wide checkers: protocol guarantees observed after every event.
 *
 * Role: the world calls `chk_after_event` after each engine step. A checker that sees
 *   a guarantee broken records an observation (count, first time and description) and
 *   emits a `check_violation` trace event; it never aborts. Tests, `run` (exit 1) and
 *   lab graders decide what an observation means. Internal consistency of our own data
 *   structures stays with SIM_ASSERT (style C.7).
 * Model: the Raft safety properties as KRaft inherits them (Raft paper §5.2, §5.4;
 *   KIP-595):
 *   - single_leader_per_epoch: at most one node is leader in any raft epoch (Election
 *     Safety).
 *   - epoch_monotonic: a node's raft epoch never decreases, across restarts too (the
 *     epoch is durable quorum state).
 *   - committed_prefix_agreement: every node's log below its high watermark is the same
 *     sequence of records (State Machine Safety).
 *   - committed_never_lost: a leader of raft epoch E holds every record committed in an
 *     epoch before E (Leader Completeness). A record's commit epoch is the epoch of the
 *     leader whose high watermark first covered it. A leader of an older epoch that
 *     takes office late (its vote replies were held by a pause) need not hold what a
 *     later epoch committed: it cannot commit anything, and steps down on hearing of it.
 *   - leader_hw_monotonic: a leader's high watermark never decreases within its epoch.
 *   And the data plane's guarantees, once the world has partitions (chk_set_repl; Kafka's
 *   replication design, kafka-semantics.md §3):
 *   - replica_hw_le_leo: HW <= LEO on every replica (a replica never calls committed
 *     what it does not hold).
 *   - partition_leader_hw_monotonic: a partition leader's HW never decreases within
 *     its leader epoch, while the same process leads (a restarted broker's HW comes back
 *     from its checkpoint; it leads again only in a newer epoch).
 *   - single_partition_leader_per_epoch: at most one broker leads a partition in any
 *     leader epoch (the controller assigns each epoch to one leader).
 *   - isr_committed_agreement: the records below the leader's HW are the same (offset,
 *     leader epoch, producer, sequence, payload) on every ISR member, as far as each
 *     member's log reaches. An unclean election breaks it on purpose.
 *   - acks_all_replicated: when a leader answers an acks=all produce with NONE, every
 *     member of the ISR as that leader knows it holds the batch (§3.4: DelayedProduce
 *     completes once the HW has passed it). Checked when the answer leaves the broker
 *     (chk_produce_answered), not after every event.
 *   And the consumer groups' (kafka-semantics.md §5), observed by the group model and
 *   reported here (chk_report):
 *   - group_single_owner: no partition is owned by two members of a group that hold the
 *     same generation (Stable members, as their assignments say).
 *   - committed_offsets_monotonic: a coordinator's committed offset of a partition never
 *     moves back (no reset action exists in this build).
 *   - consumers_read_below_hw: a Fetch answer to a consumer never reaches past the HW.
 * Owns / borrows: the reference committed log and per-node bookkeeping (arena); borrows
 *   the Raft cluster and the trace.
 * Invariants: ref_len only grows; checked_upto[i] <= ref_len.
 * Determinism: pure functions of model state, iterated by index.
 * Not modelled: epochs beyond CHK_EPOCHS_MAX are not checked by
 *   single_leader_per_epoch (counted in `epochs_unchecked`), leader epochs beyond
 *   CHK_PARTITION_EPOCHS_MAX likewise by single_partition_leader_per_epoch.
 */
#ifndef CHECK_H
#define CHECK_H

#include "../kafka/replication.h"
#include "../raft/raft.h"

#define CHK_EPOCHS_MAX           65536u
#define CHK_PARTITION_EPOCHS_MAX 256u /* leader epochs per partition checked for one leader */

#define CHK_INVARIANTS(X)                                                                          \
    X(SINGLE_LEADER_PER_EPOCH, "single_leader_per_epoch")                                          \
    X(EPOCH_MONOTONIC, "epoch_monotonic")                                                          \
    X(COMMITTED_PREFIX_AGREEMENT, "committed_prefix_agreement")                                    \
    X(COMMITTED_NEVER_LOST, "committed_never_lost")                                                \
    X(LEADER_HW_MONOTONIC, "leader_hw_monotonic")                                                  \
    X(REPLICA_HW_LE_LEO, "replica_hw_le_leo")                                                      \
    X(PARTITION_LEADER_HW_MONOTONIC, "partition_leader_hw_monotonic")                              \
    X(SINGLE_PARTITION_LEADER_PER_EPOCH, "single_partition_leader_per_epoch")                      \
    X(ISR_COMMITTED_AGREEMENT, "isr_committed_agreement")                                          \
    X(ACKS_ALL_REPLICATED, "acks_all_replicated")                                                  \
    X(GROUP_SINGLE_OWNER, "group_single_owner")                                                    \
    X(COMMITTED_OFFSETS_MONOTONIC, "committed_offsets_monotonic")                                  \
    X(CONSUMERS_READ_BELOW_HW, "consumers_read_below_hw")

typedef enum chk_invariant {
#define CHK_ENUM(id, name) CHK_##id,
    CHK_INVARIANTS(CHK_ENUM)
#undef CHK_ENUM
        CHK_COUNT
} chk_invariant;

const char *chk_invariant_name(chk_invariant inv);
/* Returns CHK_COUNT when the name is unknown. */
chk_invariant chk_invariant_by_name(const char *name);

typedef struct chk_result {
    uint64_t violations;
    bool has_first;
    sim_time first_t; /* us */
    char first[192];  /* what was seen, first time */
} chk_result;

typedef struct chk_state {
    const raft_cluster *raft;
    sim_engine *engine;
    int32_t *epoch_leader;     /* [CHK_EPOCHS_MAX]: node id, -1 none, -2 reported */
    int32_t *last_epoch;       /* [node]: highest raft epoch seen */
    int32_t *led_epoch;        /* [node]: epoch in which it was last seen leading; -1 */
    int64_t *led_hw;           /* [node]: its hw then */
    int64_t *checked_upto;     /* [node]: offsets below verified against ref */
    raft_record *ref;          /* the committed log as first seen */
    int32_t *ref_commit_epoch; /* [offset]: epoch of the leader that committed it */
    int64_t ref_len;
    int64_t ref_capacity;
    uint64_t epochs_unchecked;
    /* Partitions (NULL repl: none). */
    const repl *repl;
    int32_t *part_epoch_leader; /* [p * CHK_PARTITION_EPOCHS_MAX + epoch]: broker id, -1
                                   none, -2 reported */
    int32_t *hw_broker;         /* [p]: broker index whose leadership is tracked; -1 */
    int32_t *hw_epoch;          /* [p]: its leader epoch */
    int64_t *hw_value;          /* [p]: its HW last seen */
    int64_t *agree_key;         /* [p]: (leader broker index, leader epoch) compared under */
    int64_t *agree_upto;        /* [p * brokers + b]: offsets below verified */
    uint64_t partition_epochs_unchecked;
    chk_result results[CHK_COUNT];
} chk_state;

void chk_init(chk_state *c, sim_arena *arena, sim_engine *engine, const raft_cluster *raft,
              int64_t log_capacity);
void chk_after_event(chk_state *c);

/* A violation observed outside this module (the group model's counters). */
void chk_report(chk_state *c, chk_invariant inv, int32_t node_id, const char *text);

/* A broker answered a produce (acks=all answers are checked; others ignored). */
void chk_produce_answered(chk_state *c, uint32_t broker_index, const repl_produce_result *res);

/* Bytes chk_set_repl takes from the arena. */
size_t chk_partition_bytes(uint32_t broker_count, uint32_t partition_count);
/* Adds the partition checkers over `r` (kept for the run). */
void chk_set_repl(chk_state *c, sim_arena *arena, const repl *r);

#endif
