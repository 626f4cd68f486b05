/*
 * scn_internal.h — what the scenario loader's files share: the validation context,
 * diagnostics, the source locator, exact decimal parsing and the string pool.
 *
 * Role: private to sim/scenario/. `load.c` drives validation section by section
 *   (`kconfig.c`, `topics.c`, `producers.c`, `groups.c`, `timeline.c`, `expect.c`)
 *   through checked accessors that append diagnostics (`diag.c`) located in the raw
 *   buffer by `locate.c`; `override.c` applies `--set` before validation.
 * Model: the scenario format of shared/spec.md §2; diagnostics as in style C.6.
 * Owns / borrows: the context borrows the source buffer and the jansson tree for the
 *   length of one load; it owns the diagnostic text until handed to `scn_diags`.
 * Invariants: the path stack is balanced (every push has its pop) and never deeper
 *   than SCN__PATH_DEPTH_MAX; a diagnostic is rendered while the tree is alive, so
 *   borrowed key pointers in the path stack are valid.
 * Determinism: object keys are visited in file order (jansson keeps insertion
 *   order); known keys are checked in code order, so the diagnostics of a file are
 *   the same on every run.
 * Not modelled: n/a.
 */
#ifndef SCN_INTERNAL_H
#define SCN_INTERNAL_H

#include "scenario.h"

#include <jansson.h>
#include <stdarg.h>

#define SCN_FILE_BYTES_MAX  (4u * 1024u * 1024u) /* larger files are rejected unread */
#define SCN__PATH_DEPTH_MAX 16u                  /* deeper than any modelled key */
#define SCN__NAME_BYTES_MAX 64u                  /* scenario name, labels, racks */

#if defined(__GNUC__) || defined(__clang__)
#define SCN__PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define SCN__PRINTF(fmt, args)
#endif

/* ---------------------------------------------------------------------------------
 * Paths
 * ------------------------------------------------------------------------------- */

/* One JSON-pointer segment: an object key (borrowed, NUL-terminated) or an index. */
typedef struct scn__seg {
    const char *key; /* NULL for an index segment */
    uint32_t index;
} scn__seg;

/* Where a diagnostic points in the source. */
typedef enum scn__loc_mode {
    SCN__LOC_VALUE = 0, /* the first character of the value at the path */
    SCN__LOC_KEY,       /* the opening quote of the path's last key */
    SCN__LOC_PARENT,    /* the value of the path minus its last segment (missing keys) */
} scn__loc_mode;

/* A `--set` path, decoded (owned by the source). */
typedef struct scn__opath {
    char **segs;
    uint32_t depth;
    bool applied; /* false when the override itself failed */
} scn__opath;

typedef struct scn__source {
    const char *name; /* file name as given, used in messages */
    const char *buf;  /* raw bytes, not NUL-terminated */
    size_t len;
    const scn_override *overrides;
    uint32_t override_count;
    scn__opath *opaths; /* override_count entries, or NULL */
} scn__source;

/* ---------------------------------------------------------------------------------
 * Diagnostics and the validation context
 * ------------------------------------------------------------------------------- */

typedef enum scn__severity { SCN__ERROR = 0, SCN__WARNING, SCN__NOTE } scn__severity;

/* Where one shown diagnostic (with its notes) starts in the text, and its sort key. */
typedef struct scn__diag_entry {
    size_t start;       /* byte offset in the text; it ends where the next one starts */
    uint32_t line, col; /* 0, 0 for `--set` and file-level messages: they sort first */
    uint32_t seq;       /* emission order, the tie-break */
} scn__diag_entry;

typedef struct scn__diag_buf {
    char *text; /* owned, NUL-terminated once anything was written */
    size_t len, cap;
    scn__diag_entry *entries; /* owned; one per shown error or warning */
    uint32_t entry_count, entry_cap;
    uint32_t error_count, warning_count; /* all of them */
    uint32_t errors_shown, warnings_shown;
    bool last_shown; /* a note follows its diagnostic only when that was shown */
} scn__diag_buf;

/* Per-load pool: every allocation a config owns, freed by scn_config_free. */
typedef struct scn__pool {
    void **ptrs;
    uint32_t count, cap;
} scn__pool;

typedef struct scn__ctx {
    scn__source *src;
    scn__diag_buf diags;
    scn__seg path[SCN__PATH_DEPTH_MAX];
    uint32_t depth;
    scn_config *cfg;
    bool nodes_valid;     /* cfg->nodes can be used for cross references */
    bool duration_valid;  /* cfg->duration_us is the file's valid duration */
    bool topics_valid;    /* cfg->topics can be used for cross references */
    bool producers_valid; /* cfg->producers can be used for cross references */
    bool groups_valid;    /* cfg->groups can be used for cross references */
} scn__ctx;

void scn__push_key(scn__ctx *ctx, const char *key);
void scn__push_index(scn__ctx *ctx, uint32_t index);
void scn__pop(scn__ctx *ctx);

/* Appends a diagnostic at the current path. Errors make the load fail. */
void scn__error(scn__ctx *ctx, scn__loc_mode mode, const char *fmt, ...) SCN__PRINTF(3, 4);
void scn__warning(scn__ctx *ctx, scn__loc_mode mode, const char *fmt, ...) SCN__PRINTF(3, 4);
/* A `note:` at another path (borrowed), shown only when the previous diagnostic was. */
void scn__note_at(scn__ctx *ctx, const scn__seg *segs, uint32_t depth, const char *fmt, ...)
    SCN__PRINTF(4, 5);
/* `name: error: msg` with no position (file-level problems). */
void scn__error_file(scn__ctx *ctx, const char *fmt, ...) SCN__PRINTF(2, 3);
/* An error at a known line and column (jansson's parse errors). */
void scn__error_at(scn__ctx *ctx, int line, int column, const char *msg);
/* An error about `--set` number `override_index`, with an optional path (may be 0 deep). */
void scn__error_override(scn__ctx *ctx, uint32_t override_index, const scn__seg *segs,
                         uint32_t depth, const char *fmt, ...) SCN__PRINTF(5, 6);
/* Appends the "N more errors not shown" lines; moves the text into `out`. */
void scn__diags_finish(scn__ctx *ctx, scn_diags *out);

/* The last path segment as a readable name: "seed", "timeline[3]", "sides[0][1]". */
const char *scn__name(const scn__ctx *ctx, char *buf, size_t size);
/* A key or name made printable for messages (control bytes become '?'), cut short. */
const char *scn__safe(const char *s, char *buf, size_t size);
/* Whether the next error will be shown (so costly hints are computed only then). */
bool scn__will_show(const scn__ctx *ctx);
/* What a JSON value is, for "found ..." messages: `string "abc"`, `integer 3`. */
const char *scn__describe(const json_t *value, char *buf, size_t size);
/* A string made safe to print: JSON escapes, truncated to about 48 characters. */
const char *scn__quote(const char *s, size_t len, char *buf, size_t size);
/* Formats a duration the way files write them: "24h", "1.5s", "250us". */
const char *scn__format_duration(sim_time us, char *buf, size_t size);

/* The closest candidate within a small edit distance, or NULL. */
const char *scn__suggest(const char *word, const char *const *candidates, size_t count);
/* Optimal-string-alignment distance, or `limit + 1` when it exceeds `limit`. */
size_t scn__edit_distance(const char *a, size_t a_len, const char *b, size_t b_len, size_t limit);
/* Whether `distance` between `word` and `candidate` is close enough to suggest. */
bool scn__close_enough(size_t word_len, size_t candidate_len, size_t distance);

/* ---------------------------------------------------------------------------------
 * Locator (locate.c): positions in the raw buffer, on the error path only.
 * ------------------------------------------------------------------------------- */

/* Finds the deepest prefix of `segs` present in `buf`. Returns how many segments
 * matched; *value_pos is the value of that prefix, *key_pos the key of its last
 * segment (the element's value for an index, 0 for the root). */
uint32_t scn__locate(const char *buf, size_t len, const scn__seg *segs, uint32_t depth,
                     size_t *value_pos, size_t *key_pos);
/* Line and column (1-based, UTF-8 characters as jansson counts them) of `pos`. */
void scn__line_col(const char *buf, size_t len, size_t pos, uint32_t *line, uint32_t *col);
/* Lines of the first `count` elements of the array at `segs`; 0 where absent. */
void scn__element_lines(const char *buf, size_t len, const scn__seg *segs, uint32_t depth,
                        uint32_t *lines, uint32_t count);

/* ---------------------------------------------------------------------------------
 * Numbers and durations (duration.c)
 * ------------------------------------------------------------------------------- */

typedef enum scn__dur_status {
    SCN__DUR_OK = 0,
    SCN__DUR_SYNTAX,   /* not "<number><unit>" nor an integer */
    SCN__DUR_FRACTION, /* not a whole number of microseconds */
    SCN__DUR_OVERFLOW, /* does not fit in 64 bits of microseconds */
} scn__dur_status;

scn__dur_status scn__parse_duration(const char *text, size_t len, sim_time *out);

/* The shortest decimal text that reads back as `value` ("0.1", "1e-07"). */
const char *scn__real_text(double value, char *buf, size_t size);

/* A JSON number as an exact fixed-point value: value × 10^scale_digits, when that is a
 * whole number in [0, max]. Returns false for negatives, excess precision or range. */
typedef enum scn__fixed_status {
    SCN__FIXED_OK = 0,
    SCN__FIXED_PRECISION,
    SCN__FIXED_RANGE,
} scn__fixed_status;

scn__fixed_status scn__number_fixed(const json_t *number, uint32_t scale_digits, uint64_t max,
                                    uint64_t *out);

/* ---------------------------------------------------------------------------------
 * Overrides (override.c), sections (load.c, kconfig.c, topics.c, timeline.c, expect.c)
 * ------------------------------------------------------------------------------- */

/* Applies every `--set` to `root` (an object); failures are diagnostics. */
void scn__apply_overrides(scn__ctx *ctx, json_t *root);
void scn__free_opaths(scn__source *src);
/* Whether the value at `segs` was replaced or created by an override; its index. */
bool scn__override_covers(const scn__source *src, const scn__seg *segs, uint32_t depth,
                          uint32_t *override_index);
/* Whether an override created or replaced something below `segs`; its index. */
bool scn__override_below(const scn__source *src, const scn__seg *segs, uint32_t depth,
                         uint32_t *override_index);
/* Whether an override wrote to the element `index` of the array at the top-level `key`
 * (or replaced the whole array), so the file's line for it would be wrong. */
bool scn__override_hides_element(const scn__source *src, const char *key, uint32_t index);

void scn__validate_cluster_config(scn__ctx *ctx, const json_t *config);
/* `topics` (topics.c), after `cluster`: fills cfg->topics, sets ctx->topics_valid. */
void scn__validate_topics(scn__ctx *ctx, const json_t *topics);
/* A topic's `config` object (kconfig.c), at the current path: fills the topic's
 * min.insync.replicas and unclean.leader.election.enable (already set to the cluster's).
 * *min_isr_given tells whether the topic set min.insync.replicas itself. */
void scn__validate_topic_config(scn__ctx *ctx, const json_t *config, scn_topic *topic,
                                bool *min_isr_given);
/* `producers` (producers.c), after `topics`: fills cfg->producers and the log sizing. */
void scn__validate_producers(scn__ctx *ctx, const json_t *producers);
/* A producer's `config` object (kconfig.c), at the current path. *idempotence_given
 * tells whether enable.idempotence was set. */
void scn__validate_producer_config(scn__ctx *ctx, const json_t *config, scn_producer *p,
                                   bool *idempotence_given, bool *delivery_given);
/* `consumer_groups` (groups.c), after `producers`, only while scn_groups_enabled: fills
 * cfg->groups, sets ctx->groups_valid. Of `root` it reads `timeline` (to count each
 * group's add_consumer actions: members_max) and `cluster.config` (to place warnings). */
void scn__validate_groups(scn__ctx *ctx, const json_t *groups, const json_t *root);
/* A group's `config` object (kconfig.c), at the current path: Kafka's consumer configs.
 * *auto_commit_given tells whether enable.auto.commit was set. */
void scn__validate_consumer_config(scn__ctx *ctx, const json_t *config, scn_group *g,
                                   bool *auto_commit_given);
void scn__validate_timeline(scn__ctx *ctx, const json_t *timeline);
void scn__validate_expect(scn__ctx *ctx, const json_t *expect);
void scn__validate_invariants(scn__ctx *ctx, const json_t *invariants);

/* Checker names for `invariants.disable` (metrics.c). */
extern const char *const scn__invariant_names[];
extern const size_t scn__invariant_count;

/* Metric names (metrics.c): a suggestion for an unknown metric, or NULL. */
const char *scn__metric_suggest(const char *path, char *buf, size_t size);

/* ---------------------------------------------------------------------------------
 * Checked accessors (load.c). Each pushes the key, checks, reports, pops.
 * ------------------------------------------------------------------------------- */

typedef enum scn__get {
    SCN__ABSENT = 0,
    SCN__OK,
    SCN__BAD, /* present but invalid; a diagnostic was appended */
} scn__get;

/* Reports every key of `obj` not in `allowed`; keys in `later` are "not modelled yet". */
void scn__check_keys(scn__ctx *ctx, const json_t *obj, const char *const *allowed,
                     size_t allowed_count, const char *const *later, size_t later_count);
/* "unknown WHAT 'value'; did you mean 'x'?" or "...; expected "a" or "b"", at the
 * current path. */
void scn__error_choice(scn__ctx *ctx, const char *what, const char *value,
                       const char *const *choices, size_t count);
/* Reports a missing required key at the enclosing object. Returns the value or NULL. */
const json_t *scn__require(scn__ctx *ctx, const json_t *obj, const char *key);

scn__get scn__get_int(scn__ctx *ctx, const json_t *obj, const char *key, int64_t min, int64_t max,
                      int64_t *out);
scn__get scn__get_string(scn__ctx *ctx, const json_t *obj, const char *key, const char **out);
scn__get scn__get_object(scn__ctx *ctx, const json_t *obj, const char *key, const json_t **out);
scn__get scn__get_array(scn__ctx *ctx, const json_t *obj, const char *key, const json_t **out);
/* A duration in [min_us, max_us]; `what_max` names the limit in the message. */
scn__get scn__get_duration(scn__ctx *ctx, const json_t *obj, const char *key, sim_time min_us,
                           sim_time max_us, const char *what_max, sim_time *out);
/* The current path's value as a duration (used by the accessors above). */
scn__get scn__check_duration(scn__ctx *ctx, const json_t *value, sim_time min_us, sim_time max_us,
                             const char *what_max, sim_time *out);
/* A probability in [0, 1] as parts per million. */
scn__get scn__get_ppm(scn__ctx *ctx, const json_t *obj, const char *key, uint32_t *out);
/* {"min": D, "max": D} or a single duration D (min = max); least ≤ min ≤ max ≤ max_us. */
scn__get scn__get_latency(scn__ctx *ctx, const json_t *obj, const char *key, sim_time least_us,
                          sim_time max_us, sim_time *min_out, sim_time *max_out);
/* "expected EXPECTED for 'NAME', found WHAT" at the current path. */
void scn__type_error(scn__ctx *ctx, const json_t *v, const char *expected);

/* A string copied into the config's pool. */
char *scn__pool_strdup(scn_config *cfg, const char *s);
void *scn__pool_alloc(scn_config *cfg, size_t count, size_t size);

#endif
