/*
 * cmd_describe.c — `kraftlab describe SCENARIO --at DUR WHAT`: the cluster's state at a
 *   virtual time, printed as Kafka's own tools print it (spec §6).
 *
 * Role: runs the scenario to --at and prints one view:
 *   - quorum: `kafka-metadata-quorum.sh describe --status`, then the `--replication`
 *     table (NodeId, DirectoryId, LogEndOffset, Lag, LastFetchTimestamp,
 *     LastCaughtUpTimestamp, Status), timestamps in virtual milliseconds;
 *   - brokers: kraftlab's own table (NodeId, Roles, State, BrokerEpoch, Rack,
 *     Partitions, Leaders).
 *   Tables use the layout of Kafka's ToolsUtils.prettyPrintTable: every cell padded to
 *   its column's width and followed by a tab.
 * Model: a voter's DirectoryId is Kafka's zero Uuid (directories are not modelled);
 *   ClusterId is derived from the scenario name so it is stable across runs.
 * Owns / borrows: config and world, freed before returning.
 * Invariants: with no controller leader the status shows LeaderId -1, as the quorum
 *   state does, and the replication table lists no leader row.
 * Determinism: a function of scenario, seed and --at.
 * Not modelled: `topics` and `groups` arrive with the data plane and consumer groups.
 */
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char describe_help[] =
    "usage: kraftlab describe SCENARIO --at DUR (quorum|brokers) [--seed N]\n"
    "                         [--set PATH=VALUE]...\n"
    "\n"
    "Runs SCENARIO to virtual time DUR and prints the cluster's state there:\n"
    "  quorum   as kafka-metadata-quorum.sh describe --status, then --replication\n"
    "  brokers  one row per node: NodeId, Roles, State, BrokerEpoch, Rack, Partitions,\n"
    "           Leaders\n"
    "(topics and groups arrive with the data plane and consumer groups.)\n";

#define TABLE_COLS_MAX 8
#define TABLE_ROWS_MAX (SIM_NODES_MAX + 1)

typedef struct table {
    uint32_t cols, rows;
    char cell[TABLE_ROWS_MAX][TABLE_COLS_MAX][64];
} table;

static void table_row(table *t, const char *const *cells)
{
    for (uint32_t c = 0; c < t->cols; c++)
        snprintf(t->cell[t->rows][c], sizeof t->cell[0][0], "%s", cells[c]);
    t->rows++;
}

/* ToolsUtils.prettyPrintTable: pad each cell to the column width, then a tab. */
static void table_print(const table *t)
{
    size_t width[TABLE_COLS_MAX] = {0};
    for (uint32_t r = 0; r < t->rows; r++)
        for (uint32_t c = 0; c < t->cols; c++)
            if (strlen(t->cell[r][c]) > width[c]) width[c] = strlen(t->cell[r][c]);
    for (uint32_t r = 0; r < t->rows; r++) {
        for (uint32_t c = 0; c < t->cols; c++) printf("%-*s\t", (int)width[c], t->cell[r][c]);
        printf("\n");
    }
}

/* 22 characters of URL-safe base64 from a hash of the name, like a Kafka cluster id. */
static void cluster_id(const char *name, char out[23])
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint64_t h = 1469598103934665603ull;
    for (const char *p = name; *p; p++) h = (h ^ (uint8_t)*p) * 1099511628211ull;
    for (int i = 0; i < 22; i++) {
        h ^= h >> 29;
        h *= 0xbf58476d1ce4e5b9ull;
        out[i] = b64[(h >> 58) & 63];
    }
    out[22] = '\0';
}

static void print_node_list(const sim_world *w, bool voters)
{
    printf("[");
    bool first = true;
    for (uint32_t i = 0; i < w->node_count; i++) {
        if (w->is_voter[i] != voters) continue;
        if (voters) {
            printf("%s{\"id\": %" PRId32 ", \"endpoints\": [\"CONTROLLER://node%" PRId32
                   ":9093\"]}",
                   first ? "" : ", ", w->node_ids[i], w->node_ids[i]);
        } else {
            printf("%s{\"id\": %" PRId32 "}", first ? "" : ", ", w->node_ids[i]);
        }
        first = false;
    }
    printf("]");
}

static void describe_quorum(const sim_world *w)
{
    char id[23];
    cluster_id(w->cfg->name, id);
    const raft_node *leader = sim_world_controller_leader(w);
    int64_t max_lag = 0, max_lag_time = 0;
    if (leader != NULL) {
        for (uint32_t i = 0; i < w->raft.node_count; i++) {
            const raft_node *rn = &w->raft.nodes[i];
            if (!rn->voter || rn == leader) continue;
            raft_replica_state st;
            raft_replica_describe(&w->raft, leader, rn, &st);
            const int64_t lag = leader->leo - st.log_end_offset;
            if (lag > max_lag) {
                max_lag = lag;
                max_lag_time = st.last_caught_up_ms >= 0
                                   ? (int64_t)(sim_world_now(w) / 1000u) - st.last_caught_up_ms
                                   : -1;
            }
        }
    }
    printf("ClusterId:              %s\n", id);
    printf("LeaderId:               %" PRId32 "\n", leader ? leader->node_id : -1);
    printf("LeaderEpoch:            %" PRId32 "\n",
           leader ? leader->raft_epoch : sim_world_max_epoch(w));
    printf("HighWatermark:          %" PRId64 "\n", leader ? leader->hw : -1);
    printf("MaxFollowerLag:         %" PRId64 "\n", max_lag);
    printf("MaxFollowerLagTimeMs:   %" PRId64 "\n", max_lag_time);
    printf("CurrentVoters:          ");
    print_node_list(w, true);
    printf("\nCurrentObservers:       ");
    print_node_list(w, false);
    printf("\n\n");

    static table t;
    memset(&t, 0, sizeof t);
    t.cols = 7;
    table_row(&t, (const char *const[]){"NodeId", "DirectoryId", "LogEndOffset", "Lag",
                                        "LastFetchTimestamp", "LastCaughtUpTimestamp", "Status"});
    if (leader == NULL) {
        table_print(&t);
        return;
    }
    /* Leader first, then followers (voters), then observers, as Kafka lists them. */
    for (int pass = 0; pass < 3; pass++) {
        for (uint32_t i = 0; i < w->raft.node_count; i++) {
            const raft_node *rn = &w->raft.nodes[i];
            const int kind = rn == leader ? 0 : rn->voter ? 1 : 2;
            if (kind != pass) continue;
            raft_replica_state st;
            raft_replica_describe(&w->raft, leader, rn, &st);
            char nid[16], leo[24], lag[24], fetch[24], caught[24];
            snprintf(nid, sizeof nid, "%" PRId32, rn->node_id);
            snprintf(leo, sizeof leo, "%" PRId64, st.log_end_offset);
            snprintf(lag, sizeof lag, "%" PRId64, leader->leo - st.log_end_offset);
            snprintf(fetch, sizeof fetch, "%" PRId64, st.last_fetch_ms);
            snprintf(caught, sizeof caught, "%" PRId64, st.last_caught_up_ms);
            static const char *const status[] = {"Leader", "Follower", "Observer"};
            table_row(&t, (const char *const[]){nid, "AAAAAAAAAAAAAAAAAAAAAA", leo, lag, fetch,
                                                caught, status[kind]});
        }
    }
    table_print(&t);
}

static void describe_brokers(const sim_world *w)
{
    static table t;
    memset(&t, 0, sizeof t);
    t.cols = 7;
    table_row(&t, (const char *const[]){"NodeId", "Roles", "State", "BrokerEpoch", "Rack",
                                        "Partitions", "Leaders"});
    for (uint32_t i = 0; i < w->node_count; i++) {
        char nid[16], epoch[24] = "-";
        snprintf(nid, sizeof nid, "%" PRId32, w->node_ids[i]);
        const char *roles = w->is_voter[i] && w->is_broker[i] ? "controller,broker"
                            : w->is_voter[i]                  ? "controller"
                                                              : "broker";
        const sim_node_state ns = sim_world_node_state(w, (int32_t)i);
        const char *state = sim_node_state_name(ns);
        const kafka_broker *br = brokers_by_endpoint((kafka_brokers *)&w->brokers, (int32_t)i);
        if (br != NULL) {
            const kafka_broker_reg *reg = sim_world_broker_reg(w, br->index);
            if (reg->registered) snprintf(epoch, sizeof epoch, "%" PRId64, reg->broker_epoch);
            if (ns == SIM_NODE_RUNNING && (!reg->registered || reg->fenced)) state = "fenced";
        }
        const char *rack = w->cfg->nodes[i].rack ? w->cfg->nodes[i].rack : "-";
        table_row(&t, (const char *const[]){nid, roles, state, epoch, rack, "0", "0"});
    }
    table_print(&t);
}

int cmd_describe(int argc, char **argv)
{
    cli_common c = {0};
    const char *what = NULL;
    bool has_at = false;
    sim_time at = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const int r = cli_common_flag(&c, argc, argv, &i, "describe");
        if (r < 0) return CLI_EXIT_USAGE;
        if (r > 0) continue;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(describe_help, stdout);
            return CLI_EXIT_OK;
        } else if (strcmp(a, "--at") == 0) {
            if (i + 1 >= argc || !scn_parse_duration(argv[i + 1], &at))
                return cli_usage_error("describe", "--at wants a duration such as 12s");
            has_at = true;
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("describe", "unknown flag '%s'", a);
        } else if (c.scenario_path == NULL) {
            c.scenario_path = a;
        } else if (what == NULL) {
            what = a;
        } else {
            return cli_usage_error("describe", "unexpected argument '%s'", a);
        }
    }
    if (c.scenario_path == NULL || what == NULL)
        return cli_usage_error("describe", "usage: describe SCENARIO --at DUR WHAT");
    if (!has_at) return cli_usage_error("describe", "--at DUR is required");
    if (strcmp(what, "topics") == 0 || strcmp(what, "groups") == 0)
        return cli_usage_error("describe", "'%s' is not modelled in this build yet", what);
    if (strcmp(what, "quorum") != 0 && strcmp(what, "brokers") != 0)
        return cli_usage_error("describe", "WHAT is quorum or brokers, not '%s'", what);
    scn_config *cfg = NULL;
    const int rc = cli_load(&c, &cfg);
    if (rc != CLI_EXIT_OK) return rc;
    if (at > cfg->duration_us) {
        scn_config_free(cfg);
        return cli_usage_error("describe", "--at is after the scenario's duration");
    }
    sim_world *w = cli_world_new(cfg, cli_seed(&c, cfg), at);
    sim_world_run_until(w, at);
    if (strcmp(what, "quorum") == 0) {
        describe_quorum(w);
    } else {
        describe_brokers(w);
    }
    cli_world_free(w);
    scn_config_free(cfg);
    return CLI_EXIT_OK;
}
