/*
 * partition_change.c — PartitionChangeBuilder (see partition_change.h for the model).
 *
 * Role: pure election and ISR-change logic for the controller.
 * Model: Kafka 4.0 metadata/.../PartitionChangeBuilder.java (tryElection,
 *   electLeader, build) and ReplicationControlManager (handleBrokerFenced →
 *   generateLeaderAndIsrUpdates, alterPartition), without ELR.
 * Owns / borrows: nothing.
 * Invariants: asserted on every record built and applied (ISR non-empty, members are
 *   replicas, leader is a replica or -1).
 * Determinism: pure; replica order decides every tie.
 * Not modelled: see partition_change.h.
 */
#include "partition_change.h"

#include "../core/sim_assert.h"

#include <string.h>

bool kpc_contains(const int32_t *ids, uint32_t count, int32_t id)
{
    for (uint32_t i = 0; i < count; i++)
        if (ids[i] == id) return true;
    return false;
}

static void assert_reg(const kpc_reg *reg)
{
    SIM_ASSERT(reg->replica_count >= 1 && reg->replica_count <= KPC_REPLICAS_MAX);
    SIM_ASSERT(reg->isr_count >= 1 && reg->isr_count <= reg->replica_count);
    for (uint32_t i = 0; i < reg->isr_count; i++)
        SIM_ASSERT(kpc_contains(reg->replicas, reg->replica_count, reg->isr[i]));
    if (reg->leader != KPC_NO_LEADER)
        SIM_ASSERT(kpc_contains(reg->replicas, reg->replica_count, reg->leader));
}

/* Copies `ids` restricted to the replicas, in replica order (Kafka keeps the ISR in the
 * order the leader proposed it; replica order makes our output canonical). */
static uint32_t in_replica_order(const kpc_reg *cur, const int32_t *ids, uint32_t count,
                                 int32_t *out)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < cur->replica_count; i++)
        if (kpc_contains(ids, count, cur->replicas[i])) out[n++] = cur->replicas[i];
    return n;
}

typedef struct election_result {
    int32_t leader;
    bool unclean;
} election_result;

/* PartitionChangeBuilder.electLeader: the leader for target ISR `isr`. */
static election_result elect(const kpc_reg *cur, const kpc_request *req, const int32_t *isr,
                             uint32_t isr_count)
{
    const int32_t *ok = req->acceptable;
    const uint32_t ok_count = req->acceptable_count;
#define VALID(id) (kpc_contains(isr, isr_count, (id)) && kpc_contains(ok, ok_count, (id)))
    /* PREFERRED: replicas[0] first (§3.7). */
    if (req->election == KPC_ELECTION_PREFERRED && VALID(cur->replicas[0]))
        return (election_result){cur->replicas[0], false};
    /* Keep the current leader while it is still valid (no needless leader change). */
    if (cur->leader != KPC_NO_LEADER && VALID(cur->leader))
        return (election_result){cur->leader, false};
    /* Clean: first replica in replica order in the ISR and acceptable. */
    for (uint32_t i = 0; i < cur->replica_count; i++)
        if (VALID(cur->replicas[i])) return (election_result){cur->replicas[i], false};
#undef VALID
    /* Unclean (§3.6): first acceptable replica, ISR or not. PREFERRED never goes unclean. */
    if (req->unclean_allowed && req->election == KPC_ELECTION_ONLINE) {
        for (uint32_t i = 0; i < cur->replica_count; i++)
            if (kpc_contains(ok, ok_count, cur->replicas[i]))
                return (election_result){cur->replicas[i], true};
    }
    return (election_result){KPC_NO_LEADER, false};
}

bool kpc_build(const kpc_reg *cur, const kpc_request *req, kpc_record *out)
{
    assert_reg(cur);
    SIM_ASSERT(req->target_isr_count <= KPC_REPLICAS_MAX);
    memset(out, 0, sizeof *out);
    int32_t isr[KPC_REPLICAS_MAX];
    uint32_t isr_count;
    if (req->sets_target_isr) {
        isr_count = in_replica_order(cur, req->target_isr, req->target_isr_count, isr);
    } else {
        isr_count = in_replica_order(cur, cur->isr, cur->isr_count, isr);
    }
    const election_result e = elect(cur, req, isr, isr_count);
    if (e.unclean) { /* tryElection: ISR forced to [leader], RECOVERING. */
        isr[0] = e.leader;
        isr_count = 1;
    }
    /* Without ELR the ISR is never written empty: the last member stays (§4.6). */
    if (isr_count == 0) isr_count = in_replica_order(cur, cur->isr, cur->isr_count, isr);
    SIM_ASSERT(isr_count >= 1);
    const bool isr_changed =
        isr_count != cur->isr_count || memcmp(isr, cur->isr, isr_count * sizeof isr[0]) != 0;
    const bool leader_changed = e.leader != cur->leader;
    if (!isr_changed && !leader_changed) return false;
    out->sets_isr = isr_changed;
    memcpy(out->isr, isr, sizeof isr);
    out->isr_count = isr_count;
    out->sets_leader = leader_changed;
    out->leader = e.leader;
    out->unclean = e.unclean;
    if (e.leader != KPC_NO_LEADER && !e.unclean) SIM_ASSERT(kpc_contains(isr, isr_count, e.leader));
    return true;
}

bool kpc_remove_broker(const kpc_reg *cur, int32_t broker_id, bool unclean_allowed,
                       const int32_t *acceptable, uint32_t acceptable_count, kpc_record *out)
{
    const bool in_isr = kpc_contains(cur->isr, cur->isr_count, broker_id);
    if (!in_isr && cur->leader != broker_id && cur->leader != KPC_NO_LEADER) return false;
    kpc_request req = {.election = KPC_ELECTION_ONLINE,
                       .unclean_allowed = unclean_allowed,
                       .sets_target_isr = true,
                       .acceptable = acceptable,
                       .acceptable_count = acceptable_count};
    for (uint32_t i = 0; i < cur->isr_count; i++)
        if (cur->isr[i] != broker_id) req.target_isr[req.target_isr_count++] = cur->isr[i];
    return kpc_build(cur, &req, out);
}

int32_t kpc_alter_partition(const kpc_reg *cur, int32_t sender, int32_t leader_epoch,
                            int32_t partition_epoch, const int32_t *new_isr, uint32_t new_isr_count,
                            const int32_t *acceptable, uint32_t acceptable_count, kpc_record *out,
                            bool *has_record)
{
    *has_record = false;
    if (sender != cur->leader) return KPC_ERR_NOT_LEADER_OR_FOLLOWER;
    if (leader_epoch != cur->leader_epoch) return KPC_ERR_FENCED_LEADER_EPOCH;
    if (partition_epoch != cur->partition_epoch) return KPC_ERR_INVALID_UPDATE_VERSION;
    if (new_isr_count == 0 || new_isr_count > cur->replica_count) return KPC_ERR_INELIGIBLE_REPLICA;
    for (uint32_t i = 0; i < new_isr_count; i++) {
        if (!kpc_contains(cur->replicas, cur->replica_count, new_isr[i]))
            return KPC_ERR_INELIGIBLE_REPLICA;
        /* KIP-903 / ReplicationControlManager: a new member must be an active broker. */
        if (!kpc_contains(cur->isr, cur->isr_count, new_isr[i]) &&
            !kpc_contains(acceptable, acceptable_count, new_isr[i]))
            return KPC_ERR_INELIGIBLE_REPLICA;
    }
    kpc_request req = {.election = KPC_ELECTION_ONLINE,
                       .sets_target_isr = true,
                       .target_isr_count = new_isr_count,
                       .acceptable = acceptable,
                       .acceptable_count = acceptable_count};
    memcpy(req.target_isr, new_isr, new_isr_count * sizeof new_isr[0]);
    *has_record = kpc_build(cur, &req, out);
    return KPC_ERR_NONE;
}

void kpc_apply(kpc_reg *reg, const kpc_record *rec)
{
    assert_reg(reg);
    const int32_t partition_epoch = reg->partition_epoch;
    if (rec->sets_isr) {
        SIM_ASSERT(rec->isr_count >= 1 && rec->isr_count <= reg->replica_count);
        memcpy(reg->isr, rec->isr, sizeof reg->isr);
        reg->isr_count = rec->isr_count;
    }
    if (rec->sets_leader) {
        reg->leader = rec->leader;
        reg->leader_epoch++;
        reg->leader_recovering = rec->unclean;
    }
    reg->partition_epoch++;
    assert_reg(reg);
    SIM_ASSERT(reg->partition_epoch == partition_epoch + 1);
}

bool kpc_create(kpc_reg *out, const int32_t *replicas, uint32_t replica_count,
                const int32_t *acceptable, uint32_t acceptable_count)
{
    SIM_ASSERT(replica_count >= 1 && replica_count <= KPC_REPLICAS_MAX);
    memset(out, 0, sizeof *out);
    memcpy(out->replicas, replicas, replica_count * sizeof replicas[0]);
    out->replica_count = replica_count;
    for (uint32_t i = 0; i < replica_count; i++)
        if (kpc_contains(acceptable, acceptable_count, replicas[i]))
            out->isr[out->isr_count++] = replicas[i];
    if (out->isr_count == 0) return false;
    out->leader = out->isr[0];
    assert_reg(out);
    return true;
}
