/*
 * assignors.h — Kafka's client-side consumer partition assignors (`range`, `roundrobin`,
 *   `sticky`, `cooperative-sticky`) and the rules that choose one for a group.
 *
 * Role: in the classic group protocol the group leader (a consumer) runs the assignor
 *   on every member's subscription and sends the result back through SyncGroup. This
 *   module is that computation, as a pure function of plain C structs: the group
 *   coordinator model calls it for the leader, `kraftlab assign` (sim/cli/cmd_assign.c)
 *   calls it on a JSON file. No JSON, no allocation: the caller hands in one workspace
 *   block of `kasg_workspace_bytes()` bytes and reads the result from it.
 * Model (Apache Kafka 4.0 client, clients/.../consumer/; kafka-semantics.md §5.3, §5.6):
 *   - Range (RangeAssignor): per topic, the subscribed members in MemberInfo order
 *     (static members by group.instance.id first, then dynamic ones by member id);
 *     with n partitions and m members the first n % m members get n / m + 1
 *     consecutive partitions, the others n / m.
 *   - RoundRobin (RoundRobinAssignor): all members in MemberInfo order on a circle; all
 *     partitions, topics by name; each partition goes to the next member on the circle
 *     that subscribes to its topic.
 *   - Sticky and CooperativeSticky (AbstractStickyAssignor): members report what they
 *     own and their generation. A partition claimed by two members of the same
 *     generation is owned by neither; with different generations the higher one wins.
 *     Equal subscriptions take the constrained path (keep owned partitions up to the
 *     quota, deal the rest round-robin); others take the general path (keep what is
 *     valid, give each new partition to the least loaded member, then move partitions
 *     while a member has 2 more than another that could take them, preferring to give
 *     a partition back to its owner of the previous generation).
 *   - CooperativeSticky (KIP-429): the first round leaves out every partition that
 *     moves from one member to another; its owner revokes it and rejoins, and the next
 *     rebalance hands it over. `revoked` lists what each member must give up.
 *   - Protocol selection: a consumer's rebalance protocol is the highest one that every
 *     assignor in its `partition.assignment.strategy` supports (ConsumerCoordinator);
 *     the coordinator picks the assignor every member supports that gets the most
 *     first-choice votes (ClassicGroup.selectProtocol).
 * Owns / borrows: borrows the input during the call; the result is a view into the
 *   caller's workspace, valid until the workspace is reused or freed.
 * Invariants: the input satisfies `kasg_input_check` (asserted on entry: validated at
 *   the edge, asserted at the core); every partition is assigned to at most one member.
 * Determinism: no randomness, no hash tables. Where Kafka's result depends on the
 *   iteration order of a Java HashMap or HashSet (the leader's map of subscriptions,
 *   the topic map Range walks, the sets of partition movements), that order is
 *   computed exactly as Java does: String.hashCode and TopicPartition.hashCode, spread
 *   by HashMap.hash, bucket order under the table size the map would have, insertion
 *   order within a bucket. Member order is the JoinGroup order, i.e. the input order.
 * Not modelled: rack-aware assignment (KIP-881; no racks are given, so Kafka would not
 *   use it either); subscription user data versions (owned partitions and generation
 *   arrive as in ConsumerProtocolSubscription v2+); the order of a Java HashMap bucket
 *   that became a tree (9+ keys in one bucket of a table of 64+ slots: it would need
 *   25+ members or partitions that collide unusually); custom assignors.
 */
#ifndef KAFKA_ASSIGNORS_H
#define KAFKA_ASSIGNORS_H

#include "../core/sim_types.h"

/* Limits (qualifier last), checked by `kasg_input_check`. */
#define KASG_TOPICS_MAX     256u  /* topics named in one input */
#define KASG_MEMBERS_MAX    256u  /* group members */
#define KASG_PARTITIONS_MAX 4096u /* partitions of all topics together */
#define KASG_OWNED_MAX      4096u /* owned partitions reported by one member */
#define KASG_NAME_BYTES_MAX 255u  /* topic names, member and instance ids, without the NUL */
#define KASG_GENERATION_MAX INT32_MAX

/* The assignors, in the order Kafka's documentation lists them. */
typedef enum kasg_strategy {
    KASG_STRATEGY_RANGE = 0,          /* "range" */
    KASG_STRATEGY_ROUNDROBIN,         /* "roundrobin" */
    KASG_STRATEGY_STICKY,             /* "sticky" */
    KASG_STRATEGY_COOPERATIVE_STICKY, /* "cooperative-sticky" */
    KASG_STRATEGY_COUNT
} kasg_strategy;

/* Kafka's name of an assignor (the `partition.assignment.strategy` short name). */
const char *kasg_strategy_name(kasg_strategy strategy);
/* The assignor named `name` (exact, case-sensitive). Returns false for other names. */
bool kasg_strategy_parse(const char *name, kasg_strategy *out);

/* RebalanceProtocol, ordered as Kafka orders it (EAGER < COOPERATIVE). */
typedef enum kasg_protocol {
    KASG_PROTOCOL_EAGER = 0,
    KASG_PROTOCOL_COOPERATIVE = 1,
} kasg_protocol;

const char *kasg_protocol_name(kasg_protocol protocol); /* "eager", "cooperative" */

/* ConsumerCoordinator's rule for one consumer: the highest protocol supported by every
 * assignor of its `partition.assignment.strategy` list (count >= 1). Range, RoundRobin
 * and Sticky support EAGER only; CooperativeSticky supports both, so the protocol is
 * COOPERATIVE only when every listed assignor is cooperative-sticky. */
kasg_protocol kasg_protocol_select(const kasg_strategy *list, uint32_t count);

/* One member's `partition.assignment.strategy`, in its order of preference. */
typedef struct kasg_strategy_list {
    const kasg_strategy *items; /* borrowed; count >= 1, no repeats */
    uint32_t count;
} kasg_strategy_list;

/* The coordinator's choice of assignor for a group (ClassicGroup.selectProtocol): the
 * candidates are the assignors every member lists; each member votes for the first
 * candidate in its own list; the most votes win, and a tie goes to the name Java's
 * HashMap iterates first (sticky, range, roundrobin, cooperative-sticky). Returns false
 * when no assignor is common to all members (the coordinator rejects such a join with
 * INCONSISTENT_GROUP_PROTOCOL). member_count >= 1. */
bool kasg_strategy_select(const kasg_strategy_list *members, uint32_t member_count,
                          kasg_strategy *out);

/* ---------------------------------------------------------------------------------
 * Input
 * ------------------------------------------------------------------------------- */

/* A topic-partition: an index into kasg_input.topics and a partition number. */
typedef struct kasg_tp {
    uint32_t topic_index;
    int32_t partition; /* >= 0 */
} kasg_tp;

typedef struct kasg_topic {
    const char *name;         /* borrowed; UTF-8, 1..KASG_NAME_BYTES_MAX bytes, unique */
    uint32_t partition_count; /* 0 = not in the leader's metadata (deleted or never made):
                                 subscriptions to it and owned partitions of it are ignored */
} kasg_topic;

/* One member's subscription, as the leader reads it from the JoinGroup response. */
typedef struct kasg_member {
    const char *member_id;   /* borrowed; 1..KASG_NAME_BYTES_MAX bytes, unique */
    const char *instance_id; /* group.instance.id; NULL for a dynamic member; unique */
    const uint32_t *topics;  /* subscribed topics (indexes), in the member's order */
    uint32_t topic_count;    /* no repeats */
    const kasg_tp *owned;    /* sticky: the previous assignment from its user data;
                                cooperative-sticky: ownedPartitions; others: ignored */
    uint32_t owned_count;    /* <= KASG_OWNED_MAX, no repeats */
    int32_t generation;      /* generation of `owned`; -1 = none */
} kasg_member;

typedef struct kasg_input {
    kasg_strategy strategy;
    const kasg_topic *topics; /* the leader's metadata for every topic named below */
    uint32_t topic_count;
    const kasg_member *members; /* in JoinGroup order */
    uint32_t member_count;      /* 1..KASG_MEMBERS_MAX */
    /* The highest generation this leader's assignor object saw in earlier rebalances
     * (Kafka's AbstractStickyAssignor keeps it in a field); -1 for a fresh leader. */
    int32_t leader_max_generation;
} kasg_input;

/* What `kasg_input_check` found wrong; indexes say where. */
typedef enum kasg_problem_kind {
    KASG_PROBLEM_STRATEGY = 0,        /* strategy out of range */
    KASG_PROBLEM_TOPICS_MAX,          /* more than KASG_TOPICS_MAX topics */
    KASG_PROBLEM_PARTITIONS_MAX,      /* topic `item`: the total passes KASG_PARTITIONS_MAX */
    KASG_PROBLEM_TOPIC_NAME,          /* topic `item`: name empty or too long */
    KASG_PROBLEM_TOPIC_DUPLICATE,     /* topic `item` has the name of topic `other` */
    KASG_PROBLEM_MEMBERS_NONE,        /* no members */
    KASG_PROBLEM_MEMBERS_MAX,         /* more than KASG_MEMBERS_MAX members */
    KASG_PROBLEM_MEMBER_ID,           /* member id empty or too long */
    KASG_PROBLEM_MEMBER_DUPLICATE,    /* member id equal to that of member `other` */
    KASG_PROBLEM_INSTANCE_ID,         /* instance id empty or too long */
    KASG_PROBLEM_INSTANCE_DUPLICATE,  /* instance id equal to that of member `other` */
    KASG_PROBLEM_SUBSCRIPTION_TOPIC,  /* topics[item] is not a topic index */
    KASG_PROBLEM_SUBSCRIPTION_REPEAT, /* topics[item] repeats topics[other] */
    KASG_PROBLEM_OWNED_MAX,           /* more than KASG_OWNED_MAX owned partitions */
    KASG_PROBLEM_OWNED_TOPIC,         /* owned[item].topic_index is not a topic index */
    KASG_PROBLEM_OWNED_PARTITION,     /* owned[item].partition < 0 or >= partition_count */
    KASG_PROBLEM_OWNED_REPEAT,        /* owned[item] repeats owned[other] */
    KASG_PROBLEM_GENERATION,          /* generation < -1 */
    KASG_PROBLEM_LEADER_GENERATION,   /* leader_max_generation < -1 */
    KASG_PROBLEM_KIND_COUNT
} kasg_problem_kind;

typedef struct kasg_problem {
    kasg_problem_kind kind;
    uint32_t member_index; /* for member problems */
    uint32_t item_index;   /* topic, subscription or owned index, as the kind says */
    uint32_t other_index;  /* the earlier equal item, for the *_DUPLICATE and *_REPEAT kinds */
} kasg_problem;

/* Checks every precondition of `kasg_assign`; writes up to `problems_max` problems in
 * input order and returns how many there are in all (0 = valid). Member checks are
 * skipped when the topic table itself is invalid. Never asserts on the input. */
uint32_t kasg_input_check(const kasg_input *in, kasg_problem *problems, uint32_t problems_max);

/* ---------------------------------------------------------------------------------
 * Assignment
 * ------------------------------------------------------------------------------- */

typedef enum kasg_status {
    KASG_OK = 0,
    /* Kafka's general sticky path throws a NullPointerException: a partition that a
     * member of an older generation owned has that member as its previous owner, and
     * the member was set aside as unable to take part in reassignment
     * (AbstractStickyAssignor.performReassignments). The leader's assignment fails. */
    KASG_KAFKA_THROWS,
    /* The general sticky path kept moving partitions past a generous budget without
     * settling. Not observed; kept so that no input can make the model loop forever. */
    KASG_NO_PROGRESS,
} kasg_status;

/* Which of AbstractStickyAssignor's two builders ran. */
typedef enum kasg_sticky_path {
    KASG_PATH_NONE = 0,    /* range or roundrobin */
    KASG_PATH_CONSTRAINED, /* all subscriptions equal */
    KASG_PATH_GENERAL,
} kasg_sticky_path;

typedef struct kasg_member_result {
    const kasg_tp *assigned; /* in the order Kafka's assignor lists them */
    uint32_t assigned_count;
    const kasg_tp *revoked; /* cooperative-sticky: owned, not assigned, sorted by topic
                               name then partition (ConsumerCoordinator's TreeSet) */
    uint32_t revoked_count;
} kasg_member_result;

typedef struct kasg_result {
    kasg_status status;                /* the rest is meaningful only for KASG_OK */
    kasg_sticky_path path;             /* sticky assignors: which builder ran */
    const kasg_member_result *members; /* [member_count], in input order */
    uint32_t member_count;
    uint32_t withheld_count;      /* cooperative-sticky: partitions left out of this round */
    kasg_tp failed_partition;     /* KASG_KAFKA_THROWS: the partition being examined */
    uint32_t failed_member_index; /* KASG_KAFKA_THROWS: its set-aside previous owner */
} kasg_result;

/* Bytes of workspace `kasg_assign` needs for `in` (which must pass kasg_input_check). */
size_t kasg_workspace_bytes(const kasg_input *in);

/* Runs the input's assignor. `workspace` (borrowed, any alignment is fixed up inside)
 * must hold at least kasg_workspace_bytes(in) bytes; *out then views into it. Asserts
 * that the input passes kasg_input_check. Returns the status also stored in out. */
kasg_status kasg_assign(const kasg_input *in, void *workspace, size_t workspace_bytes,
                        kasg_result *out);

/* Java's String.compareTo on two UTF-8 strings (UTF-16 code unit order): <0, 0, >0. */
int kasg_java_compare(const char *a, const char *b);
/* Java's String.hashCode of a UTF-8 string. */
int32_t kasg_java_hash(const char *s);

#endif
