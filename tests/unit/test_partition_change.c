/*
 * test_partition_change.c — PartitionChangeBuilder vectors: ONLINE and PREFERRED
 *   elections, fencing the last ISR member, unclean election, AlterPartition checks,
 *   and the epoch bumps of applying a record.
 *
 * Goal: the controller's election rules of kafka-semantics.md §3.6, §3.7 and §4.6.
 * Method: pure calls on hand-written registrations (broker ids 1..4); each vector
 *   states the input, the expected record (or none) and why.
 */
#include "../../sim/kafka/partition_change.h"

#include <criterion/criterion.h>
#include <string.h>

static kpc_reg reg3(int32_t leader, const int32_t *isr, uint32_t isr_count)
{
    kpc_reg r;
    memset(&r, 0, sizeof r);
    const int32_t replicas[] = {1, 2, 3};
    memcpy(r.replicas, replicas, sizeof replicas);
    r.replica_count = 3;
    memcpy(r.isr, isr, isr_count * sizeof isr[0]);
    r.isr_count = isr_count;
    r.leader = leader;
    r.leader_epoch = 5;
    r.partition_epoch = 9;
    return r;
}

static const int32_t ALL[] = {1, 2, 3, 4};

/* Fencing the leader: the first replica in replica order in the new ISR leads. */
Test(partition_change, fencing_the_leader_elects_first_isr_replica)
{
    const kpc_reg cur = reg3(1, (const int32_t[]){1, 2, 3}, 3);
    const int32_t ok[] = {2, 3};
    kpc_record rec;
    cr_assert(kpc_remove_broker(&cur, 1, false, ok, 2, &rec));
    cr_assert(rec.sets_leader && rec.sets_isr);
    cr_assert_eq(rec.leader, 2);
    cr_assert_eq(rec.isr_count, 2);
    cr_assert_eq(rec.isr[0], 2);
    cr_assert_eq(rec.isr[1], 3);
    kpc_reg next = cur;
    kpc_apply(&next, &rec);
    cr_assert_eq(next.leader_epoch, 6, "the leader field was set: leader epoch + 1");
    cr_assert_eq(next.partition_epoch, 10, "every record: partition epoch + 1");
}

/* Fencing a follower: ISR shrinks, the leader stays, no leader-epoch bump. */
Test(partition_change, fencing_a_follower_keeps_leader_epoch)
{
    const kpc_reg cur = reg3(1, (const int32_t[]){1, 2, 3}, 3);
    const int32_t ok[] = {1, 2};
    kpc_record rec;
    cr_assert(kpc_remove_broker(&cur, 3, false, ok, 2, &rec));
    cr_assert_not(rec.sets_leader);
    kpc_reg next = cur;
    kpc_apply(&next, &rec);
    cr_assert_eq(next.leader, 1);
    cr_assert_eq(next.leader_epoch, 5);
    cr_assert_eq(next.partition_epoch, 10);
    cr_assert_eq(next.isr_count, 2);
}

/* The last ISR member fenced: leader -1 and the ISR keeps it (no ELR, §4.6). */
Test(partition_change, fenced_last_isr_member_stays_with_leader_none)
{
    const kpc_reg cur = reg3(2, (const int32_t[]){2}, 1);
    const int32_t ok[] = {1, 3};
    kpc_record rec;
    cr_assert(kpc_remove_broker(&cur, 2, false, ok, 2, &rec));
    cr_assert(rec.sets_leader);
    cr_assert_eq(rec.leader, KPC_NO_LEADER);
    cr_assert_not(rec.sets_isr, "the ISR is not written empty");
    kpc_reg next = cur;
    kpc_apply(&next, &rec);
    cr_assert_eq(next.isr_count, 1);
    cr_assert_eq(next.isr[0], 2);
    cr_assert_eq(next.leader_epoch, 6);
}

/* The same with unclean election: the first acceptable replica leads, ISR [it]. */
Test(partition_change, unclean_election_picks_first_acceptable_replica)
{
    const kpc_reg cur = reg3(2, (const int32_t[]){2}, 1);
    const int32_t ok[] = {3, 1};
    kpc_record rec;
    cr_assert(kpc_remove_broker(&cur, 2, true, ok, 2, &rec));
    cr_assert_eq(rec.leader, 1, "replica order, not the order of the acceptable list");
    cr_assert(rec.unclean);
    cr_assert_eq(rec.isr_count, 1);
    cr_assert_eq(rec.isr[0], 1);
    kpc_reg next = cur;
    kpc_apply(&next, &rec);
    cr_assert(next.leader_recovering, "LeaderRecoveryState.RECOVERING");
}

/* An offline partition whose ISR member comes back: ONLINE election elects it. */
Test(partition_change, online_election_when_isr_member_returns)
{
    kpc_reg cur = reg3(KPC_NO_LEADER, (const int32_t[]){2}, 1);
    const kpc_request req = {
        .election = KPC_ELECTION_ONLINE, .acceptable = ALL, .acceptable_count = 4};
    kpc_record rec;
    cr_assert(kpc_build(&cur, &req, &rec));
    cr_assert_eq(rec.leader, 2);
    cr_assert_not(rec.unclean);
    /* Nothing acceptable in the ISR and no unclean: no record at all. */
    const int32_t ok[] = {1, 3};
    const kpc_request none = {
        .election = KPC_ELECTION_ONLINE, .acceptable = ok, .acceptable_count = 2};
    cr_assert_not(kpc_build(&cur, &none, &rec));
}

/* PREFERRED: replicas[0] if in the ISR and acceptable; otherwise keep the leader; if the
 * preferred one already leads, nothing to do (ELECTION_NOT_NEEDED). */
Test(partition_change, preferred_election)
{
    const kpc_reg cur = reg3(2, (const int32_t[]){1, 2, 3}, 3);
    const kpc_request pref = {
        .election = KPC_ELECTION_PREFERRED, .acceptable = ALL, .acceptable_count = 4};
    kpc_record rec;
    cr_assert(kpc_build(&cur, &pref, &rec));
    cr_assert_eq(rec.leader, 1);
    cr_assert_not(rec.sets_isr);

    const kpc_reg not_in_isr = reg3(2, (const int32_t[]){2, 3}, 2);
    cr_assert_not(kpc_build(&not_in_isr, &pref, &rec), "preferred not in ISR: keep leader 2");

    const kpc_reg already = reg3(1, (const int32_t[]){1, 2, 3}, 3);
    cr_assert_not(kpc_build(&already, &pref, &rec), "ELECTION_NOT_NEEDED");

    /* ONLINE keeps a valid leader even when it is not replicas[0]. */
    const kpc_request online = {
        .election = KPC_ELECTION_ONLINE, .acceptable = ALL, .acceptable_count = 4};
    cr_assert_not(kpc_build(&cur, &online, &rec));
}

/* AlterPartition: epochs must be current, new members acceptable. */
Test(partition_change, alter_partition_checks)
{
    const kpc_reg cur = reg3(1, (const int32_t[]){1, 2}, 2);
    const int32_t grow[] = {1, 2, 3};
    const int32_t ok[] = {1, 2};
    kpc_record rec;
    bool has = true;
    cr_assert_eq(kpc_alter_partition(&cur, 2, 5, 9, grow, 3, ALL, 4, &rec, &has),
                 KPC_ERR_NOT_LEADER_OR_FOLLOWER);
    cr_assert_eq(kpc_alter_partition(&cur, 1, 4, 9, grow, 3, ALL, 4, &rec, &has),
                 KPC_ERR_FENCED_LEADER_EPOCH);
    cr_assert_eq(kpc_alter_partition(&cur, 1, 5, 8, grow, 3, ALL, 4, &rec, &has),
                 KPC_ERR_INVALID_UPDATE_VERSION);
    cr_assert_eq(kpc_alter_partition(&cur, 1, 5, 9, grow, 3, ok, 2, &rec, &has),
                 KPC_ERR_INELIGIBLE_REPLICA, "broker 3 is fenced");
    cr_assert_eq(kpc_alter_partition(&cur, 1, 5, 9, grow, 3, ALL, 4, &rec, &has), KPC_ERR_NONE);
    cr_assert(has);
    cr_assert(rec.sets_isr);
    cr_assert_not(rec.sets_leader, "an ISR change alone does not bump the leader epoch");
    cr_assert_eq(rec.isr_count, 3);
}

/* Topic creation: ISR = acceptable replicas in order, leader ISR[0], epochs 0. */
Test(partition_change, create)
{
    kpc_reg r;
    const int32_t replicas[] = {3, 1, 2};
    const int32_t ok[] = {1, 2};
    cr_assert(kpc_create(&r, replicas, 3, ok, 2));
    cr_assert_eq(r.leader, 1);
    cr_assert_eq(r.isr_count, 2);
    cr_assert_eq(r.leader_epoch, 0);
    cr_assert_eq(r.partition_epoch, 0);
    const int32_t none[] = {4};
    cr_assert_not(kpc_create(&r, replicas, 3, none, 1), "INVALID_REPLICATION_FACTOR");
}
