/*
 * partition_change.h — the controller's PartitionChangeBuilder as pure functions: from a
 *   partition registration and a requested change, the PartitionChangeRecord to write,
 *   or none.
 *
 * Role: the active controller (sim/kafka, wired by the world) calls `kpc_build` when a
 *   broker is fenced or shuts down (target ISR without it), when a broker is unfenced
 *   (elect leaders for leaderless partitions), for PREFERRED elections, and
 *   `kpc_alter_partition` for an AlterPartition request from a partition leader
 *   (sim/kafka/replication.c). The record it returns is written to the metadata log;
 *   every broker applies it with `kpc_apply` and hands the result to the data plane.
 * Model (kafka-semantics.md §3.6, §3.7, §4.6; Kafka 4.0 PartitionChangeBuilder,
 *   ReplicationControlManager):
 *   - ONLINE election: keep the current leader if it is in the target ISR and
 *     acceptable; else the first replica in replica order that is in the target ISR and
 *     acceptable; else, with unclean election allowed, the first acceptable replica in
 *     replica order (ISR forced to [leader], leader recovery state RECOVERING); else no
 *     leader (-1).
 *   - PREFERRED election: replicas[0] if it is in the target ISR and acceptable; else as
 *     ONLINE without unclean.
 *   - Without ELR the ISR is never written empty: if the target ISR is empty (the last
 *     member was fenced) and nobody is elected, the ISR keeps its current members and
 *     the leader becomes -1 (an offline partition, `Leader: none`).
 *   - Applying a record bumps the partition epoch by one, and the leader epoch by one
 *     whenever the record sets the leader field (metadata.version >= 3.6: an ISR-only
 *     change does not bump the leader epoch).
 *   - A build that changes nothing yields no record (ELECTION_NOT_NEEDED for elections).
 *   - AlterPartition (KIP-497, AlterPartitionManager): rejected with FENCED_LEADER_EPOCH
 *     if the request's leader epoch is not current, INVALID_UPDATE_VERSION if its
 *     partition epoch is not current, INELIGIBLE_REPLICA if a new ISR member is not
 *     acceptable (KIP-903's broker-epoch check is reduced to acceptability), NOT_LEADER_
 *     OR_FOLLOWER if the sender is not the leader; otherwise the target ISR is the
 *     requested one and the election is ONLINE.
 * Owns / borrows: nothing; every argument is borrowed for the call.
 * Invariants: a record's ISR is a non-empty subset of the replicas in replica order; a
 *   leader, when set, is a replica; epochs only grow.
 * Determinism: pure; iterates in replica order.
 * Not modelled: Eligible Leader Replicas (KIP-966; off by default in 4.0), reassignment
 *   (adding/removing replicas), directory ids, leader recovery completion (the
 *   RECOVERING flag is recorded, never cleared here).
 */
#ifndef KAFKA_PARTITION_CHANGE_H
#define KAFKA_PARTITION_CHANGE_H

#include "../core/sim_types.h"

#define KPC_REPLICAS_MAX 8u
#define KPC_NO_LEADER    (-1)

/* Kafka error codes used here (Errors.java). */
#define KPC_ERR_NONE                   0
#define KPC_ERR_NOT_LEADER_OR_FOLLOWER 6
#define KPC_ERR_FENCED_LEADER_EPOCH    74
#define KPC_ERR_ELECTION_NOT_NEEDED    84
#define KPC_ERR_INELIGIBLE_REPLICA     107
#define KPC_ERR_INVALID_UPDATE_VERSION 95

/* A PartitionRegistration as every broker's metadata image holds it. */
typedef struct kpc_reg {
    int32_t replicas[KPC_REPLICAS_MAX]; /* broker ids, replica order */
    uint32_t replica_count;             /* 1..KPC_REPLICAS_MAX */
    int32_t isr[KPC_REPLICAS_MAX];      /* broker ids, in replica order */
    uint32_t isr_count;                 /* >= 1 (no ELR) */
    int32_t leader;                     /* broker id or KPC_NO_LEADER */
    int32_t leader_epoch;               /* >= 0 */
    int32_t partition_epoch;            /* >= 0 */
    bool leader_recovering;             /* LeaderRecoveryState.RECOVERING (unclean) */
} kpc_reg;

typedef enum kpc_election {
    KPC_ELECTION_ONLINE = 0,
    KPC_ELECTION_PREFERRED,
} kpc_election;

/* A PartitionChangeRecord: fields that are absent leave the registration as it is. */
typedef struct kpc_record {
    bool sets_isr;
    int32_t isr[KPC_REPLICAS_MAX];
    uint32_t isr_count;
    bool sets_leader; /* bumps the leader epoch when applied */
    int32_t leader;   /* broker id or KPC_NO_LEADER */
    bool unclean;     /* this record elected an out-of-sync replica (RECOVERING) */
} kpc_record;

/* What the controller asks for. `acceptable` lists the broker ids that may lead or join
 * an ISR (registered, unfenced, not in controlled shutdown). */
typedef struct kpc_request {
    kpc_election election;
    bool unclean_allowed; /* unclean.leader.election.enable for the topic */
    bool sets_target_isr; /* else the target ISR is the current ISR */
    int32_t target_isr[KPC_REPLICAS_MAX];
    uint32_t target_isr_count; /* may be 0: the last member left */
    const int32_t *acceptable;
    uint32_t acceptable_count;
} kpc_request;

/* Builds the change for `cur` (borrowed). Returns true and fills *out when a record is
 * needed; false when nothing would change. */
bool kpc_build(const kpc_reg *cur, const kpc_request *req, kpc_record *out);

/* The controller's handling of a broker leaving (fenced or controlled shutdown): target
 * ISR = ISR without `broker_id`, ONLINE election. False when the partition is unaffected. */
bool kpc_remove_broker(const kpc_reg *cur, int32_t broker_id, bool unclean_allowed,
                       const int32_t *acceptable, uint32_t acceptable_count, kpc_record *out);

/* AlterPartition from `sender` (the leader it believes it is) with its leader and
 * partition epochs and the proposed ISR. Returns a KPC_ERR_* code; on KPC_ERR_NONE,
 * *has_record says whether *out must be written (false: ISR already as proposed). */
int32_t kpc_alter_partition(const kpc_reg *cur, int32_t sender, int32_t leader_epoch,
                            int32_t partition_epoch, const int32_t *new_isr, uint32_t new_isr_count,
                            const int32_t *acceptable, uint32_t acceptable_count, kpc_record *out,
                            bool *has_record);

/* Applies a record: partition epoch + 1, leader epoch + 1 when the leader is set. */
void kpc_apply(kpc_reg *reg, const kpc_record *rec);

/* Small helpers. */
bool kpc_contains(const int32_t *ids, uint32_t count, int32_t id);
/* The new registration of a topic's partition (ReplicationControlManager.createTopic):
 * ISR = acceptable replicas in replica order, leader ISR[0], epochs 0. Returns false if
 * no replica is acceptable (INVALID_REPLICATION_FACTOR). */
bool kpc_create(kpc_reg *out, const int32_t *replicas, uint32_t replica_count,
                const int32_t *acceptable, uint32_t acceptable_count);

#endif
