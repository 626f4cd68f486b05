/*
 * metrics.c — the numeric fields of the run summary that `expect` may name, and the
 * checker (invariant) names that `invariants.disable` may name.
 *
 * Role: one table, read by the loader to validate `expect[].metric` (with a "did you
 *   mean") and available to the CLI and labs through `scn_metric_known`.
 * Model: spec §3 (run summary): dotted paths; per-entity entries addressed by name:
 *   `consumers.groups.<group or index>.<field>`, `producers.by_name.<name>.<field>`,
 *   `producers.errors.<KAFKA_ERROR>`, `invariants.<checker or index>.violations`.
 * Owns / borrows: static tables only.
 * Invariants: every path here is a number in the summary. `wall_ms` and `speedup` are
 *   left out on purpose: they measure the host, so an expectation on them would make
 *   the exit code depend on the machine.
 * Determinism: n/a.
 * Not modelled: the summary of later models (producers, records, consumers) is named
 *   here already so scenarios can be written against the contract; those fields read
 *   0 until their model exists.
 */
#include "scn_internal.h"

#include "../check/check.h"

#include <stdio.h>
#include <string.h>

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *const scn__invariant_names[] = {
    "single_leader_per_epoch",
    "epoch_monotonic",
    "committed_prefix_agreement",
    "committed_never_lost",
    "leader_hw_monotonic",
    "replica_hw_le_leo",
    "partition_leader_hw_monotonic",
    "single_partition_leader_per_epoch",
    "isr_committed_agreement",
    "acks_all_replicated",
    "group_single_owner",
    "committed_offsets_monotonic",
    "consumers_read_below_hw",
};
const size_t scn__invariant_count = ARRAY_COUNT(scn__invariant_names);
static_assert(ARRAY_COUNT(scn__invariant_names) == CHK_COUNT, "one name per checker");

static const char *const fixed[] = {
    "virtual_ms",
    "events",
    "controller.elections",
    "controller.leader",
    "controller.epoch",
    "controller.unavailable_ms",
    "partitions.total",
    "partitions.offline",
    "partitions.under_replicated",
    "partitions.leader_elections",
    "partitions.unclean_elections",
    "producers.sent",
    "producers.acked",
    "producers.failed",
    "producers.latency_ms.p50",
    "producers.latency_ms.p99",
    "producers.latency_ms.max",
    "producers.records_per_s",
    "producers.bytes_per_s",
    "records.acked",
    "records.acked_lost",
    "records.duplicates",
    "records.consumed",
    "records.unconfirmed",
    "records.unavailable",
    "records.failed",
    "records.pending",
};

static const char *const producer_fields[] = {
    "sent",           "acked",         "failed",      "latency_ms.p50", "latency_ms.p99",
    "latency_ms.max", "records_per_s", "bytes_per_s", "unconfirmed",    "blocked",
};

static const char *const group_fields[] = {
    "generation",  "rebalances", "lag",       "consumed",
    "redelivered", "skipped",    "paused_ms", "records_per_s",
};

static const char *const invariant_fields[] = {"violations"};

/* `prefix` <entity> `.` <field>: the entity may itself contain dots. */
static const struct pattern {
    const char *prefix;
    uint32_t prefix_segments;
    const char *const *fields;
    size_t field_count;
} patterns[] = {
    {"producers.by_name.", 2, producer_fields, ARRAY_COUNT(producer_fields)},
    {"consumers.groups.", 2, group_fields, ARRAY_COUNT(group_fields)},
    {"invariants.", 1, invariant_fields, ARRAY_COUNT(invariant_fields)},
};

static bool ends_with_field(const char *rest, const char *field)
{
    const size_t n = strlen(rest), f = strlen(field);
    return n > f + 1 && rest[n - f - 1] == '.' && strcmp(rest + n - f, field) == 0;
}

static bool is_kafka_error_name(const char *s)
{
    if (*s == '\0') return false;
    for (; *s != '\0'; s++) {
        if (!((*s >= 'A' && *s <= 'Z') || *s == '_')) return false;
    }
    return true;
}

bool scn_metric_known(const char *path)
{
    if (path == NULL) return false;
    for (size_t i = 0; i < ARRAY_COUNT(fixed); i++) {
        if (strcmp(path, fixed[i]) == 0) return true;
    }
    static const char errors[] = "producers.errors.";
    if (strncmp(path, errors, sizeof errors - 1) == 0) {
        return is_kafka_error_name(path + sizeof errors - 1);
    }
    for (size_t p = 0; p < ARRAY_COUNT(patterns); p++) {
        const struct pattern *pt = &patterns[p];
        if (strncmp(path, pt->prefix, strlen(pt->prefix)) != 0) continue;
        const char *rest = path + strlen(pt->prefix);
        for (size_t f = 0; f < pt->field_count; f++) {
            if (!ends_with_field(rest, pt->fields[f])) continue;
            if (pt->fields != invariant_fields) return true;
            /* Checkers are a fixed set: by name or by index. */
            const size_t n = strlen(rest) - strlen(pt->fields[f]) - 1;
            bool digits = n > 0;
            for (size_t k = 0; k < n; k++) digits = digits && rest[k] >= '0' && rest[k] <= '9';
            if (digits) return true;
            for (size_t k = 0; k < scn__invariant_count; k++) {
                const char *name = scn__invariant_names[k];
                if (strlen(name) == n && strncmp(rest, name, n) == 0) return true;
            }
        }
    }
    return false;
}

typedef struct best {
    char *buf;
    size_t size;
    size_t distance;
    bool found;
} best;

static void consider(best *b, const char *path, const char *candidate)
{
    const size_t pl = strlen(path), cl = strlen(candidate);
    const size_t d = scn__edit_distance(path, pl, candidate, cl, 5);
    if (!scn__close_enough(pl, cl, d) || (b->found && d >= b->distance)) return;
    if (cl + 1 > b->size) return;
    memcpy(b->buf, candidate, cl + 1);
    b->distance = d;
    b->found = true;
}

const char *scn__metric_suggest(const char *path, char *buf, size_t size)
{
    best b = {buf, size, 0, false};
    const size_t len = strlen(path);
    if (len > 120) return NULL;
    for (size_t i = 0; i < ARRAY_COUNT(fixed); i++) consider(&b, path, fixed[i]);
    char candidate[256];
    for (size_t p = 0; p < ARRAY_COUNT(patterns); p++) {
        const struct pattern *pt = &patterns[p];
        /* Skip the path's first prefix_segments segments; try each split of the rest
         * into <entity>.<field>, with the pattern's own prefix and fields. */
        const char *rest = path;
        for (uint32_t s = 0; s < pt->prefix_segments && rest != NULL; s++) {
            rest = strchr(rest, '.');
            if (rest != NULL) rest++;
        }
        if (rest == NULL) continue;
        for (const char *dot = strchr(rest, '.'); dot != NULL; dot = strchr(dot + 1, '.')) {
            const int entity_len = (int)(dot - rest);
            if (entity_len == 0) continue;
            for (size_t f = 0; f < pt->field_count; f++) {
                snprintf(candidate, sizeof candidate, "%s%.*s.%s", pt->prefix, entity_len, rest,
                         pt->fields[f]);
                consider(&b, path, candidate);
            }
        }
    }
    return b.found ? buf : NULL;
}
