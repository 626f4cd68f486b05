/*
 * raft_log.c — the replicated metadata log: append, truncate, epoch lookups, the high
 *   watermark and the apply callback. Shared by both variants.
 *
 * Role: raft_kraft.c and raft_classic.c call these helpers; nothing else touches a
 *   node's log, leo or hw.
 * Model:
 *   - A log is an array of records stored at their own offset; epochs never decrease
 *     along it (Raft §5.3 Log Matching; KIP-595 leader epochs).
 *   - endOffsetForEpoch (Kafka LeaderEpochFileCache / KIP-595 Fetch validation): the
 *     largest epoch <= the asked one that the log holds, and the offset after its last
 *     record.
 *   - Up to date (KIP-595 OffsetAndEpoch.compareTo, Raft §5.4.1): compare the last
 *     record's epoch first, then the log end offset.
 *   - Leader HW (KIP-595 LeaderState.maybeUpdateHighWatermark; Raft §5.4.2): sort the
 *     voters' end offsets (the leader's own = its LEO) descending and take index
 *     voters / 2: the largest offset a majority holds. Observers never count. The
 *     callers add the "record of the leader's own epoch" condition.
 *   - The HW never decreases (KIP-595); records below it are applied in order.
 *   - Replica progress for DescribeQuorum (Kafka ReplicaState.updateFollowerState):
 *     a replica is caught up when it fetches at or past the leader's LEO, or past the
 *     LEO the leader had at its previous fetch (then as of that previous fetch).
 * Owns / borrows: works on the node's arena log; the apply callback borrows records.
 * Invariants: rec.offset == leo on append; hw <= leo; applied_end <= hw except briefly
 *   inside a truncation caused by raft_bugs.
 * Determinism: pure functions of the logs; ties in the HW sort need no tie-break (equal
 *   values).
 * Not modelled: see raft.h.
 */
#include "raft_internal.h"
#include "../core/sim_assert.h"

#include <string.h>

void raft__log_append(raft_cluster *c, raft_node *n, const raft_record *rec)
{
    SIM_ASSERT(rec->offset == n->leo);
    SIM_ASSERT(n->leo < (int64_t)c->cfg.log_capacity);
    SIM_ASSERT(rec->epoch >= 1);
    /* Raft §5.3 / KIP-595: epochs along a log never decrease. A deliberately broken
     * variant (two leaders in one epoch) can break this; the checkers report it. */
    if (n->leo > 0 && !raft__any_bug(c)) SIM_ASSERT(n->log[n->leo - 1].epoch <= rec->epoch);
    raft_record *slot = &n->log[n->leo];
    *slot = *rec;
    slot->pad = 0;
    n->leo++;
    SIM_TRACE(&c->engine->trace, SIM_EV_RAFT_APPEND, n->node_id, (int64_t)rec->epoch, rec->offset,
              (int64_t)rec->type);
}

void raft__log_truncate(raft_cluster *c, raft_node *n, int64_t new_leo)
{
    SIM_ASSERT(new_leo >= 0);
    SIM_ASSERT(new_leo <= n->leo);
    if (new_leo == n->leo) return;
    memset(&n->log[new_leo], 0, (size_t)(n->leo - new_leo) * sizeof(raft_record));
    n->leo = new_leo;
    SIM_TRACE(&c->engine->trace, SIM_EV_RAFT_TRUNCATE, n->node_id, (int64_t)n->raft_epoch, new_leo);
    if (n->hw > new_leo) {
        /* Only reachable with raft_bugs: a committed record is being removed. The
         * checkers observe it; the node's HW follows its log down. */
        n->hw = new_leo;
        SIM_TRACE(&c->engine->trace, SIM_EV_RAFT_HW, n->node_id, (int64_t)n->raft_epoch, n->hw);
    }
    if (n->applied_end > new_leo) n->applied_end = new_leo;
    SIM_ASSERT(n->hw <= n->leo);
}

void raft__end_offset_for_epoch(const raft_node *n, int32_t epoch, int32_t *epoch_out,
                                int64_t *offset_out)
{
    SIM_ASSERT(epoch >= 0);
    SIM_ASSERT(epoch_out != NULL && offset_out != NULL);
    for (int64_t i = n->leo - 1; i >= 0; i--) {
        if (n->log[i].epoch <= epoch) {
            *epoch_out = n->log[i].epoch;
            *offset_out = i + 1;
            return;
        }
    }
    *epoch_out = 0;
    *offset_out = 0;
}

bool raft__log_up_to_date(const raft_node *n, int32_t last_epoch, int64_t last_offset)
{
    SIM_ASSERT(last_epoch >= 0 && last_offset >= 0);
    const int32_t mine = raft_last_epoch(n);
    if (last_epoch != mine) return last_epoch > mine;
    return last_offset >= n->leo;
}

void raft__apply_committed(raft_cluster *c, raft_node *n)
{
    if (n->applying) return; /* the outer loop picks up what a nested propose commits */
    n->applying = true;
    while (n->alive && n->applied_end < n->hw) {
        const raft_record *rec = &n->log[n->applied_end];
        SIM_ASSERT(rec->offset == n->applied_end);
        n->applied_end++;
        if (c->apply != NULL) c->apply(c->apply_ctx, n, rec);
    }
    n->applying = false;
    SIM_ASSERT(n->applied_end <= n->leo);
}

void raft__set_hw(raft_cluster *c, raft_node *n, int64_t hw)
{
    SIM_ASSERT(hw <= n->leo);
    SIM_ASSERT(hw >= n->hw); /* KIP-595: the high watermark never decreases */
    if (hw == n->hw) return;
    n->hw = hw;
    SIM_TRACE(&c->engine->trace, SIM_EV_RAFT_HW, n->node_id, (int64_t)n->raft_epoch, hw);
    raft__apply_committed(c, n);
}

int64_t raft__majority_end_offset(const raft_cluster *c, const raft_node *leader)
{
    SIM_ASSERT(leader->role == RAFT_ROLE_LEADER);
    int64_t ends[SIM_VOTERS_MAX + 1];
    uint32_t count = 0;
    for (uint32_t v = 0; v < c->voter_count; v++) {
        const uint32_t idx = c->voter_index[v];
        ends[count++] = idx == leader->index ? leader->leo : leader->peers[idx].end_offset;
    }
    /* raft_bugs.leader_counts_self_twice: the leader's LEO enters the vote twice. */
    if (c->bugs.leader_counts_self_twice) ends[count++] = leader->leo;
    SIM_ASSERT(count >= 1 && count <= SIM_VOTERS_MAX + 1);
    for (uint32_t i = 1; i < count; i++) { /* insertion sort, descending */
        const int64_t v = ends[i];
        uint32_t j = i;
        while (j > 0 && ends[j - 1] < v) {
            ends[j] = ends[j - 1];
            j--;
        }
        ends[j] = v;
    }
    const int64_t end = ends[c->voter_count / 2u];
    SIM_ASSERT(end <= leader->leo);
    return end;
}

static sim_time later(sim_time a, sim_time b)
{
    if (a == SIM_TIME_NEVER) return b;
    if (b == SIM_TIME_NEVER) return a;
    return a > b ? a : b;
}

void raft__record_fetch(raft_cluster *c, raft_node *leader, uint32_t peer_index,
                        int64_t fetch_offset)
{
    SIM_ASSERT(peer_index < c->node_count && peer_index != leader->index);
    SIM_ASSERT(fetch_offset >= 0 && fetch_offset <= leader->leo);
    raft_peer *p = &leader->peers[peer_index];
    const sim_time now = c->engine->now;
    if (fetch_offset >= leader->leo) {
        p->last_caught_up_at = later(p->last_caught_up_at, now);
    } else if (p->last_fetch_leader_leo > 0 && fetch_offset >= p->last_fetch_leader_leo) {
        p->last_caught_up_at = later(p->last_caught_up_at, p->last_fetch_at);
    }
    p->last_fetch_leader_leo = leader->leo;
    p->last_fetch_at = now;
    p->end_offset = fetch_offset;
}
