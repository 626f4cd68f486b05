/*
 * placement.c — KRaft's StripedReplicaPlacer, the controller's topic-creation checks and
 *   AdminUtils.assignReplicasToBrokers, exact to Kafka 4.0.
 *
 * Role: see placement.h; this file is read top to bottom as: Java semantics (String hash
 *   and order, HashMap iteration order, Collections.shuffle), errors, the striped placer
 *   (BrokerList, Rack, RackList, StripedReplicaPlacer), topic creation
 *   (ReplicationControlManager), AdminUtils.
 * Model: placement.h lists the rules and their Kafka classes; each rule is named again at
 *   the line that implements it.
 * Owns / borrows: nothing beyond the caller's structures and buffers.
 * Invariants: placements hold distinct brokers, leader unfenced; loops bounded (asserted).
 * Determinism: randomness only through the caller's `kplace_random_cb`, called where and in
 *   the order Kafka calls Random.nextInt.
 * Not modelled: see placement.h.
 */
#include "placement.h"

#include "../core/sim_assert.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

uint32_t kplace_random_sim_rng_cb(void *ctx, uint32_t bound)
{
    SIM_ASSERT(ctx != NULL);
    SIM_ASSERT(bound >= 1);
    const uint64_t value = sim_rng_below((sim_rng *)ctx, bound);
    SIM_ASSERT(value < bound);
    return (uint32_t)value;
}

/* Every draw goes through here, so the bound check is in one place. */
static uint32_t draw(kplace_random_cb random_cb, void *ctx, uint32_t bound)
{
    SIM_ASSERT(random_cb != NULL);
    SIM_ASSERT(bound >= 1);
    const uint32_t value = random_cb(ctx, bound);
    SIM_ASSERT(value < bound);
    return value;
}

/* ======================================================================================
 * Java semantics
 * ==================================================================================== */

/* Walks a UTF-8 string as the UTF-16 code units a Java String holds. */
typedef struct utf16_reader {
    const unsigned char *p;
    uint16_t pending; /* low surrogate still to return, 0 if none */
} utf16_reader;

static bool is_continuation(unsigned char c)
{
    return (c & 0xC0u) == 0x80u;
}

/* The next code unit into *unit; false at the end of the string. A malformed byte counts as
 * one unit of its own value (the scenario loader only passes valid UTF-8). */
static bool utf16_next(utf16_reader *r, uint16_t *unit)
{
    if (r->pending != 0) {
        *unit = r->pending;
        r->pending = 0;
        return true;
    }
    const unsigned char *p = r->p;
    if (p[0] == 0) return false;
    uint32_t cp = p[0];
    uint32_t len = 1;
    if ((p[0] & 0xE0u) == 0xC0u && is_continuation(p[1])) {
        cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
        len = 2;
    } else if ((p[0] & 0xF0u) == 0xE0u && is_continuation(p[1]) && is_continuation(p[2])) {
        cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        len = 3;
    } else if ((p[0] & 0xF8u) == 0xF0u && is_continuation(p[1]) && is_continuation(p[2]) &&
               is_continuation(p[3])) {
        cp = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) |
             (p[3] & 0x3Fu);
        len = 4;
    }
    r->p = p + len;
    if (cp >= 0x10000u && cp <= 0x10FFFFu) {
        /* A supplementary character is two units in Java: a surrogate pair. */
        const uint32_t v = cp - 0x10000u;
        *unit = (uint16_t)(0xD800u + (v >> 10));
        r->pending = (uint16_t)(0xDC00u + (v & 0x3FFu));
        return true;
    }
    *unit = (uint16_t)cp;
    return true;
}

int32_t kplace_java_string_hash(const char *utf8)
{
    SIM_ASSERT(utf8 != NULL);
    /* String.hashCode: s[0]*31^(n-1) + ... + s[n-1] in wrapping 32-bit arithmetic. */
    utf16_reader r = {.p = (const unsigned char *)utf8, .pending = 0};
    uint32_t h = 0;
    uint16_t unit;
    while (utf16_next(&r, &unit)) h = 31u * h + unit;
    return (int32_t)h;
}

int kplace_java_string_compare(const char *a, const char *b)
{
    SIM_ASSERT(a != NULL);
    SIM_ASSERT(b != NULL);
    /* String.compareTo: the first differing code unit decides, else the shorter string is
     * smaller. (UTF-16 order differs from byte order only above U+FFFF.) */
    utf16_reader ra = {.p = (const unsigned char *)a, .pending = 0};
    utf16_reader rb = {.p = (const unsigned char *)b, .pending = 0};
    for (;;) {
        uint16_t ua = 0;
        uint16_t ub = 0;
        const bool more_a = utf16_next(&ra, &ua);
        const bool more_b = utf16_next(&rb, &ub);
        if (!more_a || !more_b) return (int)more_a - (int)more_b;
        if (ua != ub) return ua < ub ? -1 : 1;
    }
}

/* HashMap.hash(): the high half folded into the low half. */
static uint32_t java_spread(int32_t hash)
{
    const uint32_t h = (uint32_t)hash;
    return h ^ (h >> 16);
}

/* HashMap.tableSizeFor: the smallest power of two ≥ capacity (at least 1). */
static uint32_t java_table_size_for(uint32_t capacity)
{
    uint32_t size = 1;
    while (size < capacity) size <<= 1;
    return size;
}

/* The table length after inserting every key, replaying HashMap.putVal's growth. */
static uint32_t java_hashmap_final_length(const int32_t *hashes, uint32_t count,
                                          uint32_t initial_capacity)
{
    /* A new HashMap has no table; the first put allocates 16 buckets, or
     * tableSizeFor(initialCapacity) when one was given. Threshold = length * 0.75. */
    uint32_t length = initial_capacity == 0 ? 16u : java_table_size_for(initial_capacity);
    for (uint32_t i = 0; i < count; i++) {
        const uint32_t bucket = java_spread(hashes[i]) & (length - 1);
        uint32_t chain = 0;
        for (uint32_t j = 0; j < i; j++) {
            if ((java_spread(hashes[j]) & (length - 1)) == bucket) chain++;
        }
        /* putVal: appending the ninth key of a bucket calls treeifyBin, which below 64
         * buckets (MIN_TREEIFY_CAPACITY) resizes instead of building a tree. */
        if (chain >= 8 && length < 64) length <<= 1;
        /* putVal: ++size > threshold ⇒ resize; threshold = (int)(length * 0.75f). */
        if (i + 1 > length * 3 / 4) length <<= 1;
    }
    SIM_ASSERT(length >= 1);
    return length;
}

void kplace_java_hashmap_order(const int32_t *hashes, uint32_t count, uint32_t initial_capacity,
                               uint32_t *out_order)
{
    SIM_ASSERT(hashes != NULL || count == 0);
    SIM_ASSERT(out_order != NULL || count == 0);
    const uint32_t mask = java_hashmap_final_length(hashes, count, initial_capacity) - 1;
    /* Iteration goes bucket by bucket; a resize splits a bucket's list keeping its order,
     * so within a bucket keys stay in insertion order: a stable sort by bucket. */
    for (uint32_t i = 0; i < count; i++) {
        const uint32_t bucket = java_spread(hashes[i]) & mask;
        uint32_t k = i;
        while (k > 0 && (java_spread(hashes[out_order[k - 1]]) & mask) > bucket) {
            out_order[k] = out_order[k - 1];
            k--;
        }
        out_order[k] = i;
    }
}

/* Collections.shuffle(list, random): for i from size down to 2, swap(i - 1, nextInt(i)). */
static void java_shuffle_i32(int32_t *items, uint32_t count, kplace_random_cb random_cb, void *ctx)
{
    for (uint32_t i = count; i > 1; i--) {
        const uint32_t j = draw(random_cb, ctx, i);
        const int32_t tmp = items[i - 1];
        items[i - 1] = items[j];
        items[j] = tmp;
    }
}

static void java_shuffle_u32(uint32_t *items, uint32_t count, kplace_random_cb random_cb, void *ctx)
{
    for (uint32_t i = count; i > 1; i--) {
        const uint32_t j = draw(random_cb, ctx, i);
        const uint32_t tmp = items[i - 1];
        items[i - 1] = items[j];
        items[j] = tmp;
    }
}

static void sort_i32(int32_t *items, uint32_t count)
{
    for (uint32_t i = 1; i < count; i++) {
        const int32_t v = items[i];
        uint32_t k = i;
        while (k > 0 && items[k - 1] > v) {
            items[k] = items[k - 1];
            k--;
        }
        items[k] = v;
    }
}

/* ======================================================================================
 * Errors
 * ==================================================================================== */

const char *kplace_status_name(kplace_status status)
{
    switch (status) {
    case KPLACE_NONE:
        return "NONE";
    case KPLACE_INVALID_PARTITIONS:
        return "INVALID_PARTITIONS";
    case KPLACE_INVALID_REPLICATION_FACTOR:
        return "INVALID_REPLICATION_FACTOR";
    case KPLACE_INVALID_REPLICA_ASSIGNMENT:
        return "INVALID_REPLICA_ASSIGNMENT";
    case KPLACE_INVALID_REQUEST:
        return "INVALID_REQUEST";
    case KPLACE_ADMIN_OPERATION_FAILED:
        return "AdminOperationException";
    case KPLACE_STATUS_COUNT:
    default:
        SIM_UNREACHABLE();
    }
}

int16_t kplace_status_code(kplace_status status)
{
    SIM_ASSERT(status < KPLACE_STATUS_COUNT);
    static const int16_t codes[] = {
#define KPLACE_STATUS_CODE(name, code) code,
        KPLACE_STATUS_MAP(KPLACE_STATUS_CODE)
#undef KPLACE_STATUS_CODE
    };
    static_assert(sizeof codes / sizeof codes[0] == KPLACE_STATUS_COUNT, "status table");
    return codes[status];
}

static void clear_error(kplace_error *err)
{
    SIM_ASSERT(err != NULL);
    err->status = KPLACE_NONE;
    err->message[0] = '\0';
}

/* Records Kafka's rejection and returns SIM_EINVALID. */
__attribute__((format(printf, 3, 4))) static sim_err reject(kplace_error *err, kplace_status status,
                                                            const char *fmt, ...)
{
    SIM_ASSERT(err != NULL);
    SIM_ASSERT(status != KPLACE_NONE && status < KPLACE_STATUS_COUNT);
    err->status = status;
    va_list args;
    va_start(args, fmt);
    const int n = vsnprintf(err->message, sizeof err->message, fmt, args);
    va_end(args);
    SIM_ASSERT(n >= 0 && (size_t)n < sizeof err->message); /* our messages fit */
    return SIM_EINVALID;
}

/* ======================================================================================
 * StripedReplicaPlacer
 * ==================================================================================== */

int32_t kplace_broker_list_next(kplace_broker_list *bl, const int32_t *pool, int32_t epoch)
{
    SIM_ASSERT(bl != NULL);
    SIM_ASSERT(pool != NULL || bl->size == 0);
    if (bl->size == 0) return -1;
    if (bl->iteration_epoch != epoch) {
        bl->iteration_epoch = epoch;
        bl->index = 0;
        bl->offset = (bl->offset + 1) % bl->size;
    }
    if (bl->index >= bl->size) return -1;
    const int32_t broker = pool[bl->first + (bl->index + bl->offset) % bl->size];
    bl->index++;
    SIM_ASSERT(broker >= 0);
    return broker;
}

/* BrokerList.initialize: sort the ids, draw the start offset (no draw for an empty list). */
static void broker_list_initialize(kplace_broker_list *bl, int32_t *pool,
                                   kplace_random_cb random_cb, void *ctx)
{
    if (bl->size == 0) return;
    sort_i32(pool + bl->first, bl->size);
    bl->offset = draw(random_cb, ctx, bl->size);
}

/* Rack.next: an unfenced broker while any is left in this epoch, then a fenced one. */
static int32_t rack_next(kplace_rack *rack, const int32_t *pool, int32_t epoch)
{
    const int32_t broker = kplace_broker_list_next(&rack->unfenced, pool, epoch);
    if (broker >= 0) return broker;
    return kplace_broker_list_next(&rack->fenced, pool, epoch);
}

static bool same_rack(const char *a, const char *b)
{
    if (a == NULL || b == NULL) return a == b;
    return strcmp(a, b) == 0;
}

/* OptionalStringComparator: no rack first, then String order. */
static int compare_rack_names(const char *a, const char *b)
{
    if (a == NULL) return b == NULL ? 0 : -1;
    if (b == NULL) return 1;
    return kplace_java_string_compare(a, b);
}

/* Groups the brokers by rack (racks in order of first appearance) and lays each rack's
 * unfenced, then fenced, ids out in the pool, in input order. */
static void rack_list_group(kplace_rack_list *rl, const kplace_usable_broker *brokers,
                            uint32_t broker_count)
{
    uint32_t rack_of[KPLACE_BROKERS_MAX];
    for (uint32_t i = 0; i < broker_count; i++) {
        SIM_ASSERT(brokers[i].id >= 0);
        for (uint32_t j = 0; j < i; j++) SIM_ASSERT(brokers[j].id != brokers[i].id);
        uint32_t r = 0;
        while (r < rl->rack_count && !same_rack(rl->racks[r].name, brokers[i].rack)) r++;
        if (r == rl->rack_count) {
            rl->racks[r].name = brokers[i].rack;
            rl->rack_count++;
        }
        rack_of[i] = r;
        kplace_rack *rack = &rl->racks[r];
        if (brokers[i].fenced) {
            rack->fenced.size++;
        } else {
            rack->unfenced.size++;
            rl->unfenced_count++;
        }
        rl->total_count++;
    }
    uint32_t position = 0;
    for (uint32_t r = 0; r < rl->rack_count; r++) {
        kplace_rack *rack = &rl->racks[r];
        rack->unfenced.first = position;
        position += rack->unfenced.size;
        rack->fenced.first = position;
        position += rack->fenced.size;
        rack->unfenced.size = 0; /* refilled below */
        rack->fenced.size = 0;
    }
    SIM_ASSERT(position == broker_count);
    for (uint32_t i = 0; i < broker_count; i++) {
        kplace_rack *rack = &rl->racks[rack_of[i]];
        kplace_broker_list *bl = brokers[i].fenced ? &rack->fenced : &rack->unfenced;
        rl->pool[bl->first + bl->size] = brokers[i].id;
        bl->size++;
    }
}

void kplace_rack_list_init(kplace_rack_list *out, const kplace_usable_broker *brokers,
                           uint32_t broker_count, kplace_random_cb random_cb, void *ctx)
{
    SIM_ASSERT(out != NULL);
    SIM_ASSERT(broker_count <= KPLACE_BROKERS_MAX);
    SIM_ASSERT(brokers != NULL || broker_count == 0);
    memset(out, 0, sizeof *out);
    rack_list_group(out, brokers, broker_count);

    /* RackList(): `for (Rack rack : racks.values()) rack.initialize(random)` — the racks in
     * the iteration order of a HashMap<Optional<String>, Rack> (an empty Optional hashes to
     * 0, a present one to its String's hashCode); Rack.initialize does fenced, then
     * unfenced. */
    int32_t hashes[KPLACE_RACKS_MAX];
    for (uint32_t r = 0; r < out->rack_count; r++) {
        const char *name = out->racks[r].name;
        hashes[r] = name == NULL ? 0 : kplace_java_string_hash(name);
    }
    kplace_java_hashmap_order(hashes, out->rack_count, 0, out->map_order);
    for (uint32_t k = 0; k < out->rack_count; k++) {
        kplace_rack *rack = &out->racks[out->map_order[k]];
        broker_list_initialize(&rack->fenced, out->pool, random_cb, ctx);
        broker_list_initialize(&rack->unfenced, out->pool, random_cb, ctx);
    }

    /* rackNames.sort(OptionalStringComparator.INSTANCE), then the random rack offset. */
    for (uint32_t r = 0; r < out->rack_count; r++) {
        uint32_t k = r;
        while (k > 0 && compare_rack_names(out->racks[out->rack_order[k - 1]].name,
                                           out->racks[r].name) > 0) {
            out->rack_order[k] = out->rack_order[k - 1];
            k--;
        }
        out->rack_order[k] = r;
    }
    out->offset = out->rack_count == 0 ? 0 : draw(random_cb, ctx, out->rack_count);
    SIM_ASSERT(out->total_count == broker_count);
    SIM_ASSERT(out->unfenced_count <= out->total_count);
}

/* RackList.shuffle: the rack order, then per rack (HashMap order) fenced and unfenced. */
static void rack_list_shuffle(kplace_rack_list *rl, kplace_random_cb random_cb, void *ctx)
{
    java_shuffle_u32(rl->rack_order, rl->rack_count, random_cb, ctx);
    for (uint32_t k = 0; k < rl->rack_count; k++) {
        kplace_rack *rack = &rl->racks[rl->map_order[k]];
        java_shuffle_i32(rl->pool + rack->fenced.first, rack->fenced.size, random_cb, ctx);
        java_shuffle_i32(rl->pool + rack->unfenced.first, rack->unfenced.size, random_cb, ctx);
    }
}

/* The three InvalidReplicationFactorException messages of StripedReplicaPlacer. */
static sim_err reject_non_positive(kplace_error *err, int32_t replication_factor)
{
    return reject(err, KPLACE_INVALID_REPLICATION_FACTOR,
                  "Invalid replication factor %d: the replication factor must be positive.",
                  replication_factor);
}

static sim_err reject_all_fenced(kplace_error *err)
{
    return reject(err, KPLACE_INVALID_REPLICATION_FACTOR, "All brokers are currently fenced.");
}

static sim_err reject_too_few(kplace_error *err, int32_t replication_factor, uint32_t total)
{
    return reject(err, KPLACE_INVALID_REPLICATION_FACTOR,
                  "The target replication factor of %d cannot be reached because only %u "
                  "broker(s) are registered.",
                  replication_factor, total);
}

/* RackList.place, first replica: the next unfenced broker, starting at the offset rack and
 * moving on while a rack has none left. Returns the rack index it came from. */
static uint32_t place_leader(kplace_rack_list *rl, int32_t *out_leader)
{
    uint32_t rack_index = rl->offset;
    for (uint32_t scanned = 0;; scanned++) {
        SIM_ASSERT(scanned < rl->rack_count); /* some rack has an unfenced broker */
        kplace_rack *rack = &rl->racks[rl->rack_order[rack_index]];
        const int32_t broker =
            kplace_broker_list_next(&rack->unfenced, rl->pool, rl->iteration_epoch);
        if (broker >= 0) {
            *out_leader = broker;
            return rack_index;
        }
        rack_index++;
        if (rack_index == rl->rack_count) rack_index = 0;
    }
}

/* RackList.place, followers: rack by rack from the offset rack, the leader's rack skipped
 * the first time it comes round, each rack giving its next broker of this epoch. */
static void place_followers(kplace_rack_list *rl, int32_t replication_factor,
                            int64_t first_rack_index, int32_t *out_replicas)
{
    uint32_t rack_index = rl->offset;
    for (int32_t replica = 1; replica < replication_factor; replica++) {
        int32_t broker = -1;
        uint32_t steps = 0;
        do {
            if ((int64_t)rack_index == first_rack_index) {
                first_rack_index = -1;
            } else {
                kplace_rack *rack = &rl->racks[rl->rack_order[rack_index]];
                broker = rack_next(rack, rl->pool, rl->iteration_epoch);
            }
            rack_index++;
            if (rack_index == rl->rack_count) rack_index = 0;
            steps++;
            /* Kafka's loop has no bound; two passes over the racks always sufficed. */
            SIM_ASSERT(steps <= 2 * rl->rack_count + 1);
        } while (broker < 0);
        out_replicas[replica] = broker;
    }
}

sim_err kplace_rack_list_place(kplace_rack_list *rl, int32_t replication_factor,
                               int32_t *out_replicas, kplace_error *err, kplace_random_cb random_cb,
                               void *ctx)
{
    SIM_ASSERT(rl != NULL);
    SIM_ASSERT(out_replicas != NULL);
    clear_error(err);
    /* RackList.place checks: non-positive, too few registered brokers, all fenced. */
    if (replication_factor <= 0) return reject_non_positive(err, replication_factor);
    if ((uint32_t)replication_factor > rl->total_count) {
        return reject_too_few(err, replication_factor, rl->total_count);
    }
    if (rl->unfenced_count == 0) return reject_all_fenced(err);
    if (rl->replication_factor == 0) rl->replication_factor = replication_factor;
    SIM_ASSERT(rl->replication_factor == replication_factor);

    /* After as many partitions as unfenced brokers, shuffle racks and broker lists so the
     * same replica sets do not repeat; never with a single unfenced broker (Kafka would
     * loop forever). */
    if (rl->iteration_epoch == (int32_t)rl->unfenced_count && rl->unfenced_count > 1) {
        rack_list_shuffle(rl, random_cb, ctx);
        rl->iteration_epoch = 0;
    }
    if (rl->offset == rl->rack_count) rl->offset = 0;

    const uint32_t leader_rack = place_leader(rl, &out_replicas[0]);
    place_followers(rl, replication_factor, (int64_t)leader_rack, out_replicas);
    rl->iteration_epoch++;
    rl->offset++;

    for (int32_t i = 0; i < replication_factor; i++) {
        for (int32_t j = 0; j < i; j++) SIM_ASSERT(out_replicas[i] != out_replicas[j]);
    }
    return SIM_OK;
}

sim_err kplace_striped_place(const kplace_usable_broker *brokers, uint32_t broker_count,
                             int32_t partition_count, int32_t replication_factor,
                             int32_t *out_replicas, kplace_error *err, kplace_random_cb random_cb,
                             void *ctx)
{
    SIM_ASSERT(partition_count >= 0);
    clear_error(err);
    kplace_rack_list rl;
    kplace_rack_list_init(&rl, brokers, broker_count, random_cb, ctx);
    /* StripedReplicaPlacer.place checks: non-positive, all fenced, too few (this order). */
    if (replication_factor <= 0) return reject_non_positive(err, replication_factor);
    if (rl.unfenced_count == 0) return reject_all_fenced(err);
    if ((uint32_t)replication_factor > rl.total_count) {
        return reject_too_few(err, replication_factor, rl.total_count);
    }
    SIM_ASSERT(out_replicas != NULL || partition_count == 0);
    for (int32_t p = 0; p < partition_count; p++) {
        int32_t *row = out_replicas + (size_t)p * (size_t)replication_factor;
        const sim_err e = kplace_rack_list_place(&rl, replication_factor, row, err, random_cb, ctx);
        SIM_ASSERT(e == SIM_OK); /* the checks above are the only failures */
    }
    return SIM_OK;
}

/* ======================================================================================
 * Topic creation (ReplicationControlManager)
 * ==================================================================================== */

/* createTopic's prefix for a placement failure. Split after "time" so that `make lint`,
 * which greps the model for calls to time(), does not mistake Kafka's "time(s)" for one. */
#define UNABLE_TO_REPLICATE                                                                        \
    "Unable to replicate the partition %d time"                                                    \
    "(s): "

static const kplace_registered_broker *find_registered(const kplace_cluster *cluster, int32_t id)
{
    for (uint32_t i = 0; i < cluster->broker_count; i++) {
        if (cluster->brokers[i].id == id) return &cluster->brokers[i];
    }
    return NULL;
}

/* ClusterControlManager.isActive: registered, unfenced, not in controlled shutdown. */
static bool is_active(const kplace_cluster *cluster, int32_t id)
{
    const kplace_registered_broker *b = find_registered(cluster, id);
    return b != NULL && !b->fenced && !b->in_controlled_shutdown;
}

/* The new partition's ISR: its active replicas in replica order. Returns their count. */
static uint32_t build_isr(const kplace_cluster *cluster, const int32_t *replicas,
                          uint32_t replica_count, int32_t *out_isr)
{
    uint32_t isr_count = 0;
    for (uint32_t i = 0; i < replica_count; i++) {
        if (is_active(cluster, replicas[i])) {
            if (out_isr != NULL) out_isr[isr_count] = replicas[i];
            isr_count++;
        }
    }
    return isr_count;
}

/* validateManualPartitionAssignment: the replica list is not empty; in ascending id order
 * each broker is registered and not repeated; all partitions have the same count.
 * expected_count < 0: no earlier partition. */
static sim_err validate_manual(const kplace_cluster *cluster, const int32_t *replicas,
                               uint32_t replica_count, int64_t expected_count, kplace_error *err)
{
    if (replica_count == 0) {
        return reject(err, KPLACE_INVALID_REPLICA_ASSIGNMENT,
                      "The manual partition assignment includes an empty replica list.");
    }
    SIM_ASSERT(replica_count <= KPLACE_BROKERS_MAX); /* callers check */
    int32_t sorted[KPLACE_BROKERS_MAX];
    memcpy(sorted, replicas, replica_count * sizeof sorted[0]);
    sort_i32(sorted, replica_count);
    for (uint32_t i = 0; i < replica_count; i++) {
        if (find_registered(cluster, sorted[i]) == NULL) {
            return reject(err, KPLACE_INVALID_REPLICA_ASSIGNMENT,
                          "The manual partition assignment includes broker %d, but no such "
                          "broker is registered.",
                          sorted[i]);
        }
        if (i > 0 && sorted[i] == sorted[i - 1]) {
            return reject(err, KPLACE_INVALID_REPLICA_ASSIGNMENT,
                          "The manual partition assignment includes the broker %d more than "
                          "once.",
                          sorted[i]);
        }
    }
    if (expected_count >= 0 && (int64_t)replica_count != expected_count) {
        return reject(err, KPLACE_INVALID_REPLICA_ASSIGNMENT,
                      "The manual partition assignment includes a partition with %u "
                      "replica(s), but this is not consistent with previous partitions, "
                      "which have %d replica(s).",
                      replica_count, (int32_t)expected_count);
    }
    return SIM_OK;
}

static bool layout_fits(const kplace_topic_layout *layout, uint32_t partition_count,
                        uint32_t replication_factor)
{
    SIM_ASSERT(layout->replicas != NULL || layout->replica_slots == 0);
    SIM_ASSERT(layout->isr != NULL || layout->replica_slots == 0);
    SIM_ASSERT(layout->isr_counts != NULL || layout->partition_slots == 0);
    return partition_count <= layout->partition_slots &&
           (uint64_t)partition_count * replication_factor <= layout->replica_slots;
}

/* createTopic with a manual assignment: every check of Kafka's loop, then the rows. */
static sim_err create_manual(const kplace_cluster *cluster, const kplace_topic_request *request,
                             kplace_topic_layout *layout, kplace_error *err)
{
    if (request->replication_factor != -1) {
        return reject(err, KPLACE_INVALID_REQUEST,
                      "A manual partition assignment was specified, but replication factor "
                      "was not set to -1.");
    }
    if (request->partition_count != -1) {
        return reject(err, KPLACE_INVALID_REQUEST,
                      "A manual partition assignment was specified, but numPartitions was not "
                      "set to -1.");
    }
    const kplace_manual_partition *parts = request->assignments;
    const uint32_t count = request->assignment_count;
    int64_t expected_count = -1;
    for (uint32_t i = 0; i < count; i++) {
        for (uint32_t j = 0; j < i; j++) {
            if (parts[j].partition_index == parts[i].partition_index) {
                return reject(err, KPLACE_INVALID_REPLICA_ASSIGNMENT,
                              "Found multiple manual partition assignments for partition %d",
                              parts[i].partition_index);
            }
        }
        const sim_err e = validate_manual(cluster, parts[i].replicas, parts[i].replica_count,
                                          expected_count, err);
        if (e != SIM_OK) return e;
        expected_count = parts[i].replica_count;
        if (build_isr(cluster, parts[i].replicas, parts[i].replica_count, NULL) == 0) {
            return reject(err, KPLACE_INVALID_REPLICA_ASSIGNMENT,
                          "All brokers specified in the manual partition assignment for "
                          "partition %d are fenced or in controlled shutdown.",
                          parts[i].partition_index);
        }
    }
    /* Distinct indexes; all of 0..count-1 present ⇔ none outside that range. */
    for (uint32_t i = 0; i < count; i++) {
        if (parts[i].partition_index < 0 || (uint32_t)parts[i].partition_index >= count) {
            return reject(err, KPLACE_INVALID_REPLICA_ASSIGNMENT,
                          "partitions should be a consecutive 0-based integer sequence");
        }
    }
    const uint32_t rf = (uint32_t)expected_count;
    if (!layout_fits(layout, count, rf)) return SIM_ELIMIT;
    for (uint32_t i = 0; i < count; i++) {
        const size_t row = (size_t)parts[i].partition_index * rf;
        memcpy(layout->replicas + row, parts[i].replicas, rf * sizeof(int32_t));
        layout->isr_counts[parts[i].partition_index] =
            build_isr(cluster, parts[i].replicas, rf, layout->isr + row);
    }
    layout->partition_count = count;
    layout->replication_factor = rf;
    return SIM_OK;
}

/* The usable brokers (BrokerHeartbeatManager.usableBrokers): not shutting down. */
static uint32_t usable_brokers(const kplace_cluster *cluster, kplace_usable_broker *out)
{
    SIM_ASSERT(cluster->broker_count <= KPLACE_BROKERS_MAX);
    uint32_t count = 0;
    for (uint32_t i = 0; i < cluster->broker_count; i++) {
        const kplace_registered_broker *b = &cluster->brokers[i];
        if (b->heartbeat_shutting_down) continue;
        out[count++] = (kplace_usable_broker){.id = b->id, .rack = b->rack, .fenced = b->fenced};
    }
    return count;
}

/* Fills the ISR of rows 0..partition_count-1; false when one would be empty. */
static bool fill_isrs(const kplace_cluster *cluster, kplace_topic_layout *layout,
                      uint32_t partition_count, uint32_t rf)
{
    for (uint32_t p = 0; p < partition_count; p++) {
        const size_t row = (size_t)p * rf;
        layout->isr_counts[p] = build_isr(cluster, layout->replicas + row, rf, layout->isr + row);
        if (layout->isr_counts[p] == 0) return false;
    }
    return true;
}

/* The placer over the usable brokers into the layout. When the placer is going to reject
 * the request it runs first (it writes nothing then), so a Kafka error is never hidden by
 * SIM_ELIMIT; otherwise the buffers are checked before it writes. */
static sim_err place_auto(const kplace_cluster *cluster, int32_t partitions, int32_t rf,
                          kplace_topic_layout *layout, kplace_error *err,
                          kplace_random_cb random_cb, void *ctx)
{
    SIM_ASSERT(partitions >= 1 && rf >= 1);
    kplace_usable_broker usable[KPLACE_BROKERS_MAX];
    const uint32_t usable_count = usable_brokers(cluster, usable);
    bool any_unfenced = false;
    for (uint32_t i = 0; i < usable_count; i++) any_unfenced = any_unfenced || !usable[i].fenced;
    const bool will_place = any_unfenced && (uint32_t)rf <= usable_count;
    if (will_place && !layout_fits(layout, (uint32_t)partitions, (uint32_t)rf)) {
        return SIM_ELIMIT;
    }
    return kplace_striped_place(usable, usable_count, partitions, rf, layout->replicas, err,
                                random_cb, ctx);
}

sim_err kplace_create_topic(const kplace_cluster *cluster, const kplace_topic_request *request,
                            kplace_topic_layout *layout, kplace_error *err,
                            kplace_random_cb random_cb, void *ctx)
{
    SIM_ASSERT(cluster != NULL && request != NULL && layout != NULL);
    SIM_ASSERT(cluster->default_partition_count >= 1);
    SIM_ASSERT(cluster->default_replication_factor >= 1);
    clear_error(err);
    layout->partition_count = 0;
    layout->replication_factor = 0;
    if (request->assignment_count > 0) return create_manual(cluster, request, layout, err);
    if (request->replication_factor < -1 || request->replication_factor == 0) {
        return reject(err, KPLACE_INVALID_REPLICATION_FACTOR,
                      "Replication factor must be larger than 0, or -1 to use the default "
                      "value.");
    }
    if (request->partition_count < -1 || request->partition_count == 0) {
        return reject(err, KPLACE_INVALID_PARTITIONS,
                      "Number of partitions was set to an invalid non-positive value.");
    }
    const int32_t partitions = request->partition_count == -1 ? cluster->default_partition_count
                                                              : request->partition_count;
    const int32_t rf = request->replication_factor == -1 ? cluster->default_replication_factor
                                                         : request->replication_factor;
    const sim_err e = place_auto(cluster, partitions, rf, layout, err, random_cb, ctx);
    if (e == SIM_ELIMIT) return e;
    if (e != SIM_OK) {
        /* createTopic catches the placer's exception and prefixes its message. */
        char inner[KPLACE_MESSAGE_BYTES_MAX];
        memcpy(inner, err->message, sizeof inner);
        return reject(err, KPLACE_INVALID_REPLICATION_FACTOR, UNABLE_TO_REPLICATE "%s", rf, inner);
    }
    /* An empty ISR cannot follow from the placer (its leader is active), but createTopic
     * checks for it, so we do too. */
    if (!fill_isrs(cluster, layout, (uint32_t)partitions, (uint32_t)rf)) {
        return reject(err, KPLACE_INVALID_REPLICATION_FACTOR,
                      UNABLE_TO_REPLICATE "All brokers are currently "
                                          "fenced or in controlled shutdown.",
                      rf);
    }
    layout->partition_count = (uint32_t)partitions;
    layout->replication_factor = (uint32_t)rf;
    return SIM_OK;
}

/* createPartitions with manual assignments: each validated against the topic's replication
 * factor and given an active replica. */
static sim_err check_added_manual(const kplace_cluster *cluster, int32_t start_partition,
                                  int32_t replication_factor,
                                  const kplace_manual_partition *assignments, uint32_t count,
                                  kplace_error *err)
{
    for (uint32_t i = 0; i < count; i++) {
        const kplace_manual_partition *a = &assignments[i];
        const sim_err e =
            validate_manual(cluster, a->replicas, a->replica_count, replication_factor, err);
        if (e != SIM_OK) return e;
        if (build_isr(cluster, a->replicas, a->replica_count, NULL) == 0) {
            return reject(err, KPLACE_INVALID_REPLICA_ASSIGNMENT,
                          "All brokers specified in the manual partition assignment for "
                          "partition %d are fenced or in controlled shutdown.",
                          start_partition + (int32_t)i);
        }
    }
    return SIM_OK;
}

sim_err kplace_create_partitions(const kplace_cluster *cluster, const char *topic_name,
                                 int32_t current_partition_count, int32_t replication_factor,
                                 int32_t new_partition_count,
                                 const kplace_manual_partition *assignments,
                                 uint32_t assignment_count, kplace_topic_layout *layout,
                                 kplace_error *err, kplace_random_cb random_cb, void *ctx)
{
    SIM_ASSERT(cluster != NULL && topic_name != NULL && layout != NULL);
    SIM_ASSERT(strlen(topic_name) <= 249); /* Kafka's topic name limit */
    SIM_ASSERT(current_partition_count >= 1);
    SIM_ASSERT(replication_factor >= 1);
    clear_error(err);
    layout->partition_count = 0;
    layout->replication_factor = 0;
    if (new_partition_count == current_partition_count) {
        return reject(err, KPLACE_INVALID_PARTITIONS, "Topic already has %d partition(s).",
                      current_partition_count);
    }
    if (new_partition_count < current_partition_count) {
        return reject(err, KPLACE_INVALID_PARTITIONS,
                      "The topic %s currently has %d partition(s); %d would not be an "
                      "increase.",
                      topic_name, current_partition_count, new_partition_count);
    }
    const int32_t additional = new_partition_count - current_partition_count;
    if (assignments != NULL && assignment_count != (uint32_t)additional) {
        return reject(err, KPLACE_INVALID_REPLICA_ASSIGNMENT,
                      "Attempted to add %d additional partition(s), but only %u assignment(s) "
                      "were specified.",
                      additional, assignment_count);
    }
    if (assignments != NULL) {
        const sim_err e = check_added_manual(cluster, current_partition_count, replication_factor,
                                             assignments, assignment_count, err);
        if (e != SIM_OK) return e;
        if (!layout_fits(layout, (uint32_t)additional, (uint32_t)replication_factor)) {
            return SIM_ELIMIT;
        }
        for (uint32_t i = 0; i < assignment_count; i++) {
            memcpy(layout->replicas + (size_t)i * (size_t)replication_factor,
                   assignments[i].replicas, assignments[i].replica_count * sizeof(int32_t));
        }
    } else {
        /* The placer's exception is not caught here: its message reaches the client as is. */
        const sim_err e =
            place_auto(cluster, additional, replication_factor, layout, err, random_cb, ctx);
        if (e != SIM_OK) return e;
    }
    if (!fill_isrs(cluster, layout, (uint32_t)additional, (uint32_t)replication_factor)) {
        return reject(err, KPLACE_INVALID_REPLICATION_FACTOR,
                      UNABLE_TO_REPLICATE "All brokers are currently "
                                          "fenced or in controlled shutdown.",
                      replication_factor);
    }
    layout->partition_count = (uint32_t)additional;
    layout->replication_factor = (uint32_t)replication_factor;
    return SIM_OK;
}

/* ======================================================================================
 * AdminUtils.assignReplicasToBrokers
 * ==================================================================================== */

/* AdminUtils.replicaIndex: the broker `1 + (shift + j) % (n - 1)` places after the first. */
static uint32_t admin_replica_index(uint32_t first_index, int64_t shift, int64_t replica_index,
                                    uint32_t n)
{
    SIM_ASSERT(n >= 2);
    SIM_ASSERT(shift >= 0 && replica_index >= 0);
    const int64_t step = 1 + (shift + replica_index) % (int64_t)(n - 1);
    return (uint32_t)(((int64_t)first_index + step) % (int64_t)n);
}

/* The distinct racks in String order; rack_of[i] = index of broker i's rack in it. */
static uint32_t admin_racks(const kplace_admin_broker *brokers, uint32_t broker_count,
                            const char **out_racks, uint32_t *out_rack_of)
{
    uint32_t rack_count = 0;
    for (uint32_t i = 0; i < broker_count; i++) {
        SIM_ASSERT(brokers[i].rack != NULL);
        uint32_t r = 0;
        while (r < rack_count && strcmp(out_racks[r], brokers[i].rack) != 0) r++;
        if (r < rack_count) continue;
        /* Insert in Arrays.sort order (String.compareTo). */
        uint32_t k = rack_count++;
        while (k > 0 && kplace_java_string_compare(out_racks[k - 1], brokers[i].rack) > 0) {
            out_racks[k] = out_racks[k - 1];
            k--;
        }
        out_racks[k] = brokers[i].rack;
    }
    for (uint32_t i = 0; i < broker_count; i++) {
        uint32_t r = 0;
        while (strcmp(out_racks[r], brokers[i].rack) != 0) r++;
        out_rack_of[i] = r;
    }
    return rack_count;
}

void kplace_admin_rack_alternated(const kplace_admin_broker *brokers, uint32_t broker_count,
                                  int32_t *out_ids)
{
    SIM_ASSERT(broker_count <= KPLACE_BROKERS_MAX);
    SIM_ASSERT(out_ids != NULL || broker_count == 0);
    const char *racks[KPLACE_BROKERS_MAX];
    uint32_t rack_of[KPLACE_BROKERS_MAX];
    const uint32_t rack_count = admin_racks(brokers, broker_count, racks, rack_of);
    /* Each rack's brokers, ascending (getInverseMap sorts them). */
    int32_t by_rack[KPLACE_BROKERS_MAX];
    uint32_t rack_first[KPLACE_BROKERS_MAX + 1];
    uint32_t taken[KPLACE_BROKERS_MAX];
    uint32_t position = 0;
    for (uint32_t r = 0; r < rack_count; r++) {
        rack_first[r] = position;
        for (uint32_t i = 0; i < broker_count; i++) {
            if (rack_of[i] == r) by_rack[position++] = brokers[i].id;
        }
        sort_i32(by_rack + rack_first[r], position - rack_first[r]);
        taken[r] = 0;
    }
    rack_first[rack_count] = position;
    /* One broker from each rack in turn, skipping racks already used up. */
    uint32_t out_count = 0;
    for (uint32_t r = 0; out_count < broker_count; r = (r + 1) % rack_count) {
        if (rack_first[r] + taken[r] < rack_first[r + 1]) {
            out_ids[out_count++] = by_rack[rack_first[r] + taken[r]];
            taken[r]++;
        }
    }
    for (uint32_t i = 0; i < broker_count; i++) {
        for (uint32_t j = 0; j < i; j++) SIM_ASSERT(out_ids[i] != out_ids[j]);
    }
}

/* The two random draws of AdminUtils (start index, then shift) or the fixed start index. */
typedef struct admin_start {
    int64_t start_index;
    int64_t shift;
    int64_t partition_id;
} admin_start;

static admin_start admin_draw_start(uint32_t n, int32_t fixed_start_index,
                                    int32_t start_partition_id, kplace_random_cb random_cb,
                                    void *ctx)
{
    admin_start s;
    s.start_index =
        fixed_start_index >= 0 ? (int64_t)fixed_start_index : (int64_t)draw(random_cb, ctx, n);
    s.partition_id = start_partition_id > 0 ? start_partition_id : 0;
    s.shift =
        fixed_start_index >= 0 ? (int64_t)fixed_start_index : (int64_t)draw(random_cb, ctx, n);
    return s;
}

/* assignReplicasToBrokersRackUnaware over the brokers in the order given. */
static void admin_rack_unaware(const kplace_admin_broker *brokers, uint32_t n,
                               int32_t partition_count, int32_t rf, admin_start s,
                               int32_t *out_replicas)
{
    for (int32_t i = 0; i < partition_count; i++) {
        /* After every n partitions the followers move one further from the leader. */
        if (s.partition_id > 0 && s.partition_id % n == 0) s.shift++;
        const uint32_t first = (uint32_t)((s.partition_id + s.start_index) % n);
        int32_t *row = out_replicas + (size_t)i * (size_t)rf;
        row[0] = brokers[first].id;
        for (int32_t j = 0; j < rf - 1; j++) {
            row[j + 1] = brokers[admin_replica_index(first, s.shift, j, n)].id;
        }
        s.partition_id++;
    }
}

/* assignReplicasToBrokersRackAware: the same walk over the rack-alternated list with the
 * shift times the number of racks, skipping brokers whose rack (or themselves) already
 * hold a replica while some rack (broker) holds none. */
static void admin_rack_aware(const kplace_admin_broker *brokers, uint32_t n,
                             int32_t partition_count, int32_t rf, admin_start s,
                             const int32_t *arranged, int32_t *out_replicas)
{
    const char *racks[KPLACE_BROKERS_MAX];
    uint32_t rack_of_input[KPLACE_BROKERS_MAX];
    const uint32_t rack_count = admin_racks(brokers, n, racks, rack_of_input);
    uint32_t rack_of[KPLACE_BROKERS_MAX]; /* by position in `arranged` */
    for (uint32_t a = 0; a < n; a++) {
        uint32_t i = 0;
        while (brokers[i].id != arranged[a]) i++;
        rack_of[a] = rack_of_input[i];
    }
    for (int32_t p = 0; p < partition_count; p++) {
        if (s.partition_id > 0 && s.partition_id % n == 0) s.shift++;
        const uint32_t first = (uint32_t)((s.partition_id + s.start_index) % n);
        int32_t *row = out_replicas + (size_t)p * (size_t)rf;
        bool rack_used[KPLACE_BROKERS_MAX] = {false};
        bool broker_used[KPLACE_BROKERS_MAX] = {false};
        row[0] = arranged[first];
        rack_used[rack_of[first]] = broker_used[first] = true;
        uint32_t racks_used = 1;
        uint32_t brokers_used = 1;
        int64_t k = 0;
        for (int32_t j = 0; j < rf - 1; j++) {
            for (;;) {
                SIM_ASSERT(k <= (int64_t)rf * 2 * n); /* a candidate always comes round */
                const uint32_t a = admin_replica_index(first, s.shift * rack_count, k, n);
                k++;
                if ((!rack_used[rack_of[a]] || racks_used == rack_count) &&
                    (!broker_used[a] || brokers_used == n)) {
                    row[j + 1] = arranged[a];
                    racks_used += rack_used[rack_of[a]] ? 0 : 1;
                    rack_used[rack_of[a]] = true;
                    brokers_used += broker_used[a] ? 0 : 1;
                    broker_used[a] = true;
                    break;
                }
            }
        }
        s.partition_id++;
    }
}

sim_err kplace_admin_assign(const kplace_admin_broker *brokers, uint32_t broker_count,
                            int32_t partition_count, int32_t replication_factor,
                            int32_t fixed_start_index, int32_t start_partition_id,
                            int32_t *out_replicas, kplace_error *err, kplace_random_cb random_cb,
                            void *ctx)
{
    SIM_ASSERT(broker_count <= KPLACE_BROKERS_MAX);
    SIM_ASSERT(brokers != NULL || broker_count == 0);
    SIM_ASSERT(fixed_start_index <= KPLACE_START_INDEX_MAX);
    SIM_ASSERT(start_partition_id <= KPLACE_START_INDEX_MAX);
    clear_error(err);
    if (partition_count <= 0) {
        return reject(err, KPLACE_INVALID_PARTITIONS,
                      "Number of partitions must be larger than 0.");
    }
    SIM_ASSERT(partition_count <= INT32_MAX - KPLACE_START_INDEX_MAX);
    SIM_ASSERT(out_replicas != NULL);
    if (replication_factor <= 0) {
        return reject(err, KPLACE_INVALID_REPLICATION_FACTOR,
                      "Replication factor must be larger than 0.");
    }
    if ((uint32_t)replication_factor > broker_count) {
        return reject(err, KPLACE_INVALID_REPLICATION_FACTOR,
                      "Replication factor: %d larger than available brokers: %u.",
                      replication_factor, broker_count);
    }
    bool any_rack = false;
    bool all_racks = true;
    for (uint32_t i = 0; i < broker_count; i++) {
        for (uint32_t j = 0; j < i; j++) SIM_ASSERT(brokers[i].id != brokers[j].id);
        any_rack = any_rack || brokers[i].rack != NULL;
        all_racks = all_racks && brokers[i].rack != NULL;
    }
    if (!any_rack) {
        const admin_start s =
            admin_draw_start(broker_count, fixed_start_index, start_partition_id, random_cb, ctx);
        admin_rack_unaware(brokers, broker_count, partition_count, replication_factor, s,
                           out_replicas);
        return SIM_OK;
    }
    if (!all_racks) {
        return reject(err, KPLACE_ADMIN_OPERATION_FAILED,
                      "Not all brokers have rack information for replica rack aware "
                      "assignment.");
    }
    int32_t arranged[KPLACE_BROKERS_MAX];
    kplace_admin_rack_alternated(brokers, broker_count, arranged);
    const admin_start s =
        admin_draw_start(broker_count, fixed_start_index, start_partition_id, random_cb, ctx);
    admin_rack_aware(brokers, broker_count, partition_count, replication_factor, s, arranged,
                     out_replicas);
    return SIM_OK;
}
