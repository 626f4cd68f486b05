/*
 * assignors_internal.h — what assignors.c and assignors_sticky.c share: the workspace
 *   bump allocator, ordered member lists, the per-call context and Java's hash order.
 *
 * Role: private to the assignors module. `kasg_assign` lays out one workspace block
 *   (the same layout code measures it in `kasg_workspace_bytes`), builds the context
 *   (topic and member ranks, the leader's HashMap order) and calls one assignor.
 * Model: see assignors.h.
 * Owns / borrows: everything here lives in the caller's workspace; the input is borrowed.
 * Invariants: every global partition index is < partition_count; a partition is on at
 *   most one member's list of a `kasg__lists`.
 * Determinism: only array order and Java's hash order (computed, never a C hash table).
 * Not modelled: see assignors.h.
 */
#ifndef KAFKA_ASSIGNORS_INTERNAL_H
#define KAFKA_ASSIGNORS_INTERNAL_H

#include "assignors.h"

#define KASG__NONE UINT32_MAX /* "no member", "no partition" */

/* ---------------------------------------------------------------------------------
 * Workspace: a bump allocator that only measures when `base` is NULL.
 * ------------------------------------------------------------------------------- */

typedef struct kasg__ws {
    unsigned char *base; /* NULL: measuring */
    size_t used;         /* bytes taken so far */
    size_t size;         /* bytes available (ignored when measuring) */
} kasg__ws;

/* `count` zeroed elements of `size` bytes, aligned for any type; NULL when measuring. */
void *kasg__ws_take(kasg__ws *ws, size_t count, size_t size);

/* ---------------------------------------------------------------------------------
 * Ordered member lists: Java's ArrayList<TopicPartition> per member, where every
 * partition is on at most one list (append, remove by value, order kept).
 * ------------------------------------------------------------------------------- */

typedef struct kasg__lists {
    uint32_t member_count, partition_count;
    uint32_t *head, *tail, *count; /* [member_count]; KASG__NONE when empty */
    uint32_t *next, *prev;         /* [partition_count]; links within a list */
    uint32_t *owner;               /* [partition_count]; KASG__NONE when on no list */
} kasg__lists;

void kasg__lists_take(kasg__lists *l, kasg__ws *ws, uint32_t members, uint32_t partitions);
void kasg__lists_clear(kasg__lists *l);
void kasg__lists_append(kasg__lists *l, uint32_t member, uint32_t partition);
void kasg__lists_remove(kasg__lists *l, uint32_t partition);
/* dst = src (same dimensions): Kafka's deepCopy of an assignment map. */
void kasg__lists_copy(kasg__lists *dst, const kasg__lists *src);

/* ---------------------------------------------------------------------------------
 * The per-call context.
 * ------------------------------------------------------------------------------- */

typedef struct kasg__ctx {
    const kasg_input *in;
    uint32_t member_count, topic_count;
    uint32_t partition_count; /* partitions of topics with partition_count > 0 */
    uint32_t *topic_base;     /* [topic_count + 1]: global index of (t, 0) */
    uint32_t *part_topic;     /* [partition_count]: topic of each global partition */
    int32_t *topic_hash;      /* [topic_count]: String.hashCode of the name */
    uint32_t *topic_rank;     /* [topic_count]: position of the name in Java order */
    uint32_t *topics_by_name; /* [topic_count]: topic indexes in Java name order */
    uint32_t *member_rank;    /* [member_count]: position of the id in Java order */
    uint32_t *member_order;   /* [member_count]: the leader's HashMap<memberId, ...> order */
    uint8_t *subscribed;      /* [member_count * topic_count]: 1 if the member lists it */
    uint8_t *in_metadata;     /* [topic_count]: in partitionsPerTopic (has partitions and a
                                 subscriber) */
    uint32_t metadata_partition_count; /* partitions of the in_metadata topics */
    uint32_t *scratch;                 /* [scratch_count]: index array for one helper at a time */
    uint32_t scratch_count;
    const uint32_t *sort_key; /* extra key a comparator may read, set by its caller */
    uint32_t sort_member;     /* the member a comparator's indexes refer to */
    kasg__lists result;       /* the assignment the chosen assignor returns */
} kasg__ctx;

static inline uint32_t kasg__global(const kasg__ctx *c, uint32_t topic, int32_t partition)
{
    return c->topic_base[topic] + (uint32_t)partition;
}

static inline bool kasg__subscribes(const kasg__ctx *c, uint32_t member, uint32_t topic)
{
    return c->subscribed[(size_t)member * c->topic_count + topic] != 0;
}

/* TopicPartition.hashCode: 31 * (31 + partition) + topic.hashCode(), int arithmetic. */
int32_t kasg__tp_hash(const kasg__ctx *c, uint32_t global);

/* HashMap.hash(): the key's hashCode with its high half folded into the low half. */
static inline uint32_t kasg__java_spread(int32_t hash)
{
    const uint32_t h = (uint32_t)hash;
    return h ^ (h >> 16);
}

/* The order in which a java.util.HashMap (or HashSet) made with the default constructor
 * iterates `count` distinct keys put in index order: by bucket under the table size the
 * map ends with, then by insertion. `hashes[i]` is key i's hashCode. Writes a
 * permutation of 0..count-1 to `order`. */
void kasg__java_map_order(const int32_t *hashes, uint32_t count, uint32_t *order);

/* Table size of such a map after `count` distinct puts of `hashes` (16 at least). */
uint32_t kasg__java_map_capacity(const int32_t *hashes, uint32_t count);

/* Stable insertion sort of `items` by `less` (a strict weak order over the items). */
typedef bool (*kasg__less_fn)(const kasg__ctx *c, uint32_t a, uint32_t b);
void kasg__sort(const kasg__ctx *c, uint32_t *items, uint32_t count, kasg__less_fn less);

/* ---------------------------------------------------------------------------------
 * The sticky assignors (assignors_sticky.c).
 * ------------------------------------------------------------------------------- */

typedef struct kasg__sticky kasg__sticky;

/* Takes the sticky state from `ws` (measuring when ws->base is NULL). */
kasg__sticky *kasg__sticky_take(kasg__ws *ws, const kasg__ctx *c);
/* Runs AbstractStickyAssignor (and the cooperative adjustment) into c->result. */
kasg_status kasg__sticky_assign(kasg__sticky *s, kasg__ctx *c, kasg_result *out);

#endif
