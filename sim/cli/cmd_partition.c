/*
 * cmd_partition.c — `kraftlab partition --partitions N [--json] [--hex] KEY...`: the
 *   partition Kafka's default partitioner picks for a record with each key.
 *
 * Role: a calculator over the model's partitioner (sim/kafka/partitioner.h): for each
 *   key, Kafka's murmur2 of its bytes and toPositive(murmur2) % N. No scenario, no run.
 * Model: keyed records only (BuiltInPartitioner.partitionForKey); null keys have no
 *   fixed partition (sticky and random), which --help and docs/partitioner.md explain.
 * Owns / borrows: the decoded key bytes (freed before returning); argv is only read.
 * Invariants: every argument is checked before anything is printed, so bad usage
 *   prints nothing on stdout and exits 2.
 * Determinism: a pure function of the arguments.
 * Not modelled: key serializers other than a string's UTF-8 bytes (use --hex to give
 *   the serialized bytes of any other key type).
 */
#include "cli.h"
#include "../core/sim_arena.h"
#include "../kafka/partitioner.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char partition_help[] =
    "usage: kraftlab partition --partitions N [--json] [--hex] [--] KEY...\n"
    "\n"
    "Prints the partition that Kafka's default partitioner (Apache Kafka 4.0, and every\n"
    "version before it) picks for a record with each KEY:\n"
    "  partition = toPositive(murmur2(key bytes)) % N\n"
    "where murmur2 is Kafka's Utils.murmur2 (a signed 32-bit value) and toPositive clears\n"
    "the sign bit (murmur2 & 0x7fffffff).\n"
    "\n"
    "  --partitions N  the topic's partition count, 1 to 2147483647: all partitions, since\n"
    "                  a key's partition does not depend on which ones have a leader\n"
    "  --json          print JSON instead of text (format below)\n"
    "  --hex           each KEY is the key's bytes in hexadecimal (e.g. 00ff2a), for keys\n"
    "                  that are not strings; without it a KEY is its UTF-8 bytes, as\n"
    "                  Kafka's StringSerializer sends it\n"
    "  --              every later argument is a KEY, even one starting with '-'\n"
    "\n"
    "Text output: one line per key, keys padded to one width (an empty key shows as \"\",\n"
    "control characters as \\n, \\t, \\r or \\xHH). For --partitions 4 foobar:\n"
    "  foobar  murmur2=-790332482  partition=2\n"
    "JSON output (indented; key_encoding is \"utf-8\" or \"hex\"; key is the KEY as typed):\n"
    "  {\"partitions\": 4, \"key_encoding\": \"utf-8\",\n"
    "   \"keys\": [{\"key\": \"foobar\", \"murmur2\": -790332482, \"partition\": 2}]}\n"
    "\n"
    "Records without a key have no fixed partition: the producer sticks to one partition\n"
    "for about batch.size bytes, then draws another at random (see docs/partitioner.md).\n"
    "\n"
    "Exit: 0 ok; 2 bad usage (nothing printed on stdout).\n";

#define CMD "partition"

/* One key after parsing: its bytes and what the partitioner makes of them. */
typedef struct partition_row {
    const char *arg;   /* the KEY as typed (borrowed from argv) */
    uint8_t *bytes;    /* owned: the serialized key */
    size_t byte_count; /* length of bytes */
    int32_t murmur2;   /* Utils.murmur2(bytes) */
    uint32_t partition;
} partition_row;

/* ======================================================================================
 * Key decoding
 * ==================================================================================== */

/* True when s is well-formed UTF-8 (no overlong forms, surrogates or code points above
 * U+10FFFF): only such bytes can come out of a Java String. */
static bool utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        const unsigned char c = s[i];
        size_t extra;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            extra = 1, cp = c & 0x1fu;
        } else if (c >= 0xe0 && c <= 0xef) {
            extra = 2, cp = c & 0x0fu;
        } else if (c >= 0xf0 && c <= 0xf4) {
            extra = 3, cp = c & 0x07u;
        } else {
            return false;
        }
        if (len - i <= extra) return false;
        for (size_t k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xc0u) != 0x80u) return false;
            cp = cp << 6 | (s[i + k] & 0x3fu);
        }
        if (extra == 2 && (cp < 0x800u || (cp >= 0xd800u && cp <= 0xdfffu))) return false;
        if (extra == 3 && (cp < 0x10000u || cp > 0x10ffffu)) return false;
        i += extra + 1;
    }
    return true;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Fills row->bytes from row->arg, the key_number-th KEY (from 1). Returns false (after printing a
 * usage error) when the KEY cannot be a serialized key. */
static bool decode_key(partition_row *row, size_t key_number, bool hex)
{
    const size_t len = strlen(row->arg);
    if (!hex) {
        if (!utf8_valid((const unsigned char *)row->arg, len)) {
            /* Not echoed: its bytes could garble the terminal. */
            cli_usage_error(CMD, "key number %zu is not valid UTF-8 (use --hex for raw bytes)",
                            key_number);
            return false;
        }
        row->byte_count = len;
        row->bytes = sim_xmalloc(len + 1);
        memcpy(row->bytes, row->arg, len);
        return true;
    }
    if (len % 2 != 0) {
        cli_usage_error(CMD, "--hex key '%s' has an odd number of hex digits", row->arg);
        return false;
    }
    row->byte_count = len / 2;
    row->bytes = sim_xmalloc(row->byte_count + 1);
    for (size_t i = 0; i < row->byte_count; i++) {
        const int hi = hex_digit(row->arg[2 * i]);
        const int lo = hex_digit(row->arg[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            cli_usage_error(CMD, "--hex key '%s' has a character that is not a hex digit",
                            row->arg);
            return false;
        }
        row->bytes[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* ======================================================================================
 * Output
 * ==================================================================================== */

/* Columns the key takes in text output: one per UTF-8 character, more for escapes. */
static size_t key_width(const char *key)
{
    if (key[0] == '\0') return 2; /* "" */
    size_t width = 0;
    for (const unsigned char *p = (const unsigned char *)key; *p != '\0'; p++) {
        if (*p == '\n' || *p == '\t' || *p == '\r') {
            width += 2;
        } else if (*p < 0x20 || *p == 0x7f) {
            width += 4;
        } else if ((*p & 0xc0u) != 0x80u) {
            width += 1; /* not a UTF-8 continuation byte */
        }
    }
    return width;
}

/* Prints the key so that one key stays on one line; key_width counts what this prints. */
static void print_key(FILE *out, const char *key)
{
    if (key[0] == '\0') {
        fputs("\"\"", out);
        return;
    }
    for (const unsigned char *p = (const unsigned char *)key; *p != '\0'; p++) {
        if (*p == '\n') {
            fputs("\\n", out);
        } else if (*p == '\t') {
            fputs("\\t", out);
        } else if (*p == '\r') {
            fputs("\\r", out);
        } else if (*p < 0x20 || *p == 0x7f) {
            fprintf(out, "\\x%02x", *p);
        } else {
            fputc(*p, out);
        }
    }
}

static void print_text(const partition_row *rows, size_t row_count)
{
    size_t width_max = 0;
    for (size_t i = 0; i < row_count; i++) {
        const size_t width = key_width(rows[i].arg);
        if (width > width_max) width_max = width;
    }
    for (size_t i = 0; i < row_count; i++) {
        print_key(stdout, rows[i].arg);
        for (size_t pad = key_width(rows[i].arg); pad < width_max; pad++) putchar(' ');
        printf("  murmur2=%" PRId32 "  partition=%" PRIu32 "\n", rows[i].murmur2,
               rows[i].partition);
    }
}

static void print_json(const partition_row *rows, size_t row_count, uint32_t partition_count,
                       bool hex)
{
    json_t *keys = json_array();
    for (size_t i = 0; i < row_count; i++) {
        json_t *entry = json_object();
        /* Keys are valid UTF-8 (checked) or hex digits, so json_string cannot fail. */
        json_object_set_new(entry, "key", json_string(rows[i].arg));
        json_object_set_new(entry, "murmur2", json_integer(rows[i].murmur2));
        json_object_set_new(entry, "partition", json_integer(rows[i].partition));
        json_array_append_new(keys, entry);
    }
    json_t *doc = json_object();
    json_object_set_new(doc, "partitions", json_integer(partition_count));
    json_object_set_new(doc, "key_encoding", json_string(hex ? "hex" : "utf-8"));
    json_object_set_new(doc, "keys", keys);
    json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    putchar('\n');
    json_decref(doc);
}

/* ======================================================================================
 * The command
 * ==================================================================================== */

typedef struct partition_args {
    bool has_partitions;
    uint32_t partition_count;
    bool json;
    bool hex;
    bool help;
    int key_count; /* KEYs found; their argv indexes are in parse_args's key_index */
} partition_args;

/* Parses flags and collects KEY positions into `key_index` (argc entries). Returns
 * CLI_EXIT_OK or the exit code of a usage error (printed). */
static int parse_args(int argc, char **argv, partition_args *a, int *key_index)
{
    bool keys_only = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (keys_only || arg[0] != '-' || arg[1] == '\0') {
            key_index[a->key_count++] = i;
        } else if (strcmp(arg, "--") == 0) {
            keys_only = true;
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            a->help = true;
        } else if (strcmp(arg, "--json") == 0) {
            a->json = true;
        } else if (strcmp(arg, "--hex") == 0) {
            a->hex = true;
        } else if (strcmp(arg, "--partitions") == 0) {
            if (a->has_partitions) return cli_usage_error(CMD, "--partitions given twice");
            if (i + 1 >= argc) return cli_usage_error(CMD, "--partitions needs a value");
            const char *v = argv[++i];
            uint64_t n = 0;
            if (!cli_parse_u64(v, &n) || n < 1 || n > KPART_PARTITIONS_MAX) {
                return cli_usage_error(CMD,
                                       "--partitions wants an integer from 1 to %" PRIu32
                                       " (Kafka counts partitions in a Java int), got '%s'",
                                       KPART_PARTITIONS_MAX, v);
            }
            a->partition_count = (uint32_t)n;
            a->has_partitions = true;
        } else {
            return cli_usage_error(CMD, "unknown flag '%s' (a KEY starting with '-' goes after --)",
                                   arg);
        }
    }
    return CLI_EXIT_OK;
}

int cmd_partition(int argc, char **argv)
{
    partition_args a = {0};
    int *key_index = sim_xmalloc(sizeof *key_index * (size_t)(argc > 0 ? argc : 1));
    int rc = parse_args(argc, argv, &a, key_index);
    if (rc == CLI_EXIT_OK && a.help) {
        fputs(partition_help, stdout);
        free(key_index);
        return CLI_EXIT_OK;
    }
    if (rc == CLI_EXIT_OK && !a.has_partitions)
        rc = cli_usage_error(CMD, "--partitions N is required (the topic's partition count)");
    if (rc == CLI_EXIT_OK && a.key_count == 0)
        rc = cli_usage_error(CMD, "which keys? give at least one KEY");
    if (rc != CLI_EXIT_OK) {
        free(key_index);
        return rc;
    }

    const size_t row_count = (size_t)a.key_count;
    partition_row *rows = sim_xmalloc(sizeof *rows * row_count);
    memset(rows, 0, sizeof *rows * row_count);
    for (size_t i = 0; i < row_count; i++) {
        rows[i].arg = argv[key_index[i]];
        if (!decode_key(&rows[i], i + 1, a.hex)) {
            rc = CLI_EXIT_USAGE;
            break;
        }
        rows[i].murmur2 = kpart_murmur2(rows[i].bytes, rows[i].byte_count);
        rows[i].partition = kpart_for_key(rows[i].bytes, rows[i].byte_count, a.partition_count);
    }
    if (rc == CLI_EXIT_OK) {
        if (a.json) {
            print_json(rows, row_count, a.partition_count, a.hex);
        } else {
            print_text(rows, row_count);
        }
    }
    for (size_t i = 0; i < row_count; i++) free(rows[i].bytes);
    free(rows);
    free(key_index);
    return rc;
}
