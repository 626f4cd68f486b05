/*
 * markers.h — turns the trace of a run into viz_markers: what happened, when, and why.
 *
 * Role: a trace sink (sim_trace_add_sink). The session (session.c) and `render` attach
 *   one to a world before its first step; the timeline strip, the event log and the
 *   timeline tooltip draw the markers it collects; `run --plot` marks faults and
 *   elections with them.
 * Model: none of its own; each marker's `why` names the rule that fired and what caused
 *   it, from the records just before it on the same node: the timer that expired
 *   (KIP-595 election / fetch timeout, KAFKA-15489 check quorum, the election backoff),
 *   the pre-vote (KIP-996) or vote majority counted from `raft_vote` records, the
 *   resign reason, the timeline action (by index in the file) or viewer command behind
 *   a fault, the broker session timeout or controlled shutdown behind a fence. Data
 *   markers (VIZ_MARK_DATA) say where records went: a replica's log truncated (the
 *   reason: a diverging epoch, an offset out of range, a power loss, the leader's log
 *   start), an unclean election (the new leader's log end and the highest HW it
 *   lacks), a producer's batch failed for good (the error and the rule behind it).
 *   Producers' errors (error answers, broken connections, failed batches) are also
 *   kept apart as viz_client_errs, which the producer boxes flash; they are too many
 *   to be markers. Consumer groups: a rebalance is a group marker where the generation
 *   increases (the end of the join phase), its `why` the cause of the rebalance (a
 *   member's session expired, a member left with LeaveGroup, a member joined or rejoined
 *   with different owned partitions, members joined an Empty group); a member removed
 *   by its coordinator is one too. Their records (state changes, JoinGroup sent, join
 *   answers, assignments, expiries) are kept as viz_group_evs, with one VIZ_GEV_REVOKE
 *   per partition a member gave up and one VIZ_GEV_ASSIGN per partition it got: the
 *   sink compares the member's owned partitions, read from the world, with those it saw
 *   last, when the member sends JoinGroup (the eager protocol revokes everything just
 *   before) or LeaveGroup (it gives up everything) and when it gets its assignment. A
 *   member that crashed (its process incarnation changed) lost its partitions without
 *   revoking them: that is not a revoke.
 * Owns / borrows: owns its marker array (heap, grown by doubling up to a limit); borrows
 *   the world (keeps it until viz_markers_deinit) for node ids and config values.
 * Invariants: markers, client errors and group records are in trace order, hence sorted
 *   by time; a record is turned into at most one marker, one client error, and one
 *   group record plus one per partition revoked or assigned; records with a seq
 *   below `next_seq` were seen already and are ignored, so re-running a restored
 *   checkpoint adds nothing twice.
 * Determinism: a function of the trace records, and for an unclean election of the
 *   replicas' logs at that record (the same in every run of the same scenario).
 * Not modelled: followers and unattached transitions, votes, appends and HW moves are
 *   not markers (they are too many to read); they show in the cluster and log panels.
 */
#ifndef VIZ_MARKERS_H
#define VIZ_MARKERS_H

#include "viz.h"

#define VIZ_MARKERS_LIMIT 200000u /* markers kept; later ones are counted in `lost` */

typedef struct viz_markers {
    viz_marker *items; /* [count], owned, sorted by t */
    uint64_t *seqs;    /* [count]: trace seq of the record each marker came from */
    uint32_t count;
    uint32_t capacity;
    uint64_t lost;        /* markers not kept because VIZ_MARKERS_LIMIT was reached */
    viz_client_err *errs; /* [err_count], owned, sorted by t */
    uint64_t *err_seqs;   /* [err_count]: trace seq of the record each error came from */
    uint32_t err_count;
    uint32_t err_capacity;
    uint64_t errs_lost; /* client errors not kept because VIZ_MARKERS_LIMIT was reached */
    viz_group_ev *gevs; /* [gev_count], owned, sorted by t */
    uint64_t *gev_seqs; /* [gev_count]: trace seq of the record each came from */
    uint32_t gev_count;
    uint32_t gev_capacity;
    uint64_t gevs_lost; /* group records not kept because VIZ_MARKERS_LIMIT was reached */
    uint64_t next_seq;  /* the next trace seq not seen yet */
    const sim_world *w; /* borrowed */
    /* What explains the next marker (by endpoint). */
    int8_t last_timer[SIM_NODES_MAX];      /* raft_timer_kind of the last RAFT_TIMEOUT; -1 */
    sim_time last_timer_at[SIM_NODES_MAX]; /* when it fired, us */
    uint8_t last_role[SIM_NODES_MAX];      /* raft_role from the last RAFT_BECOME_* */
    int32_t votes_epoch[SIM_NODES_MAX];    /* epoch of the votes counted in votes[] */
    uint32_t votes[SIM_NODES_MAX];         /* Votes granted to this candidate (self excluded) */
    uint32_t pre_votes[SIM_NODES_MAX];     /* pre-votes granted in votes_epoch */
    int64_t action_index; /* the last ACTION record: file index, -1 = viewer command */
    const char *action_do;
    sim_time action_at;
    bool has_action;
    /* Consumer groups: what the sink saw last ([group * KG_MEMBERS_MAX + slot]). */
    kg_bitmap seen_owned[KG_GROUPS_MAX * KG_MEMBERS_MAX];  /* partitions it owned */
    uint32_t seen_process[KG_GROUPS_MAX * KG_MEMBERS_MAX]; /* its process incarnation */
    int32_t group_generation[KG_GROUPS_MAX];               /* highest generation; -1 */
    int8_t group_state[KG_GROUPS_MAX];                     /* last kg_state; -1 none */
    sim_time rebalance_at[KG_GROUPS_MAX];                  /* when the last one started */
    char rebalance_why[KG_GROUPS_MAX][120];                /* and why */
    /* The last member expired / leaving / joining at a coordinator, per group. */
    sim_time expired_at[KG_GROUPS_MAX], left_at[KG_GROUPS_MAX], joined_at[KG_GROUPS_MAX];
    int32_t expired_member[KG_GROUPS_MAX], left_member[KG_GROUPS_MAX], joined_member[KG_GROUPS_MAX];
} viz_markers;

/* Prepares an empty list for the world `w` (kept until deinit). */
void viz_markers_init(viz_markers *m, const sim_world *w);
void viz_markers_deinit(viz_markers *m);

/* Adds the sink to w's trace (w must be the world given to init). Attach before the
 * first sim_world_step so the boot records are seen. */
void viz_markers_attach(viz_markers *m, sim_world *w);

/* The sink itself (ctx = viz_markers *), for callers that chain their own. */
void viz_markers_sink(void *ctx, const sim_trace_rec *rec);

/* Forgets the markers made from records with seq >= `seq`, and accepts those records
 * again: for the session when the run is re-simulated differently from that record on
 * (a command was pushed after restoring a checkpoint). */
void viz_markers_truncate(viz_markers *m, uint64_t seq);

/* Points the view at the markers, the client errors and the group records (borrowed:
 * valid until the next add or truncate). */
void viz_markers_to_view(const viz_markers *m, viz_view *v);

#endif
