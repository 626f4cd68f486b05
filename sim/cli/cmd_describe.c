/*
 * cmd_describe.c — `kraftlab describe SCENARIO --at DUR WHAT`: the cluster's state at a
 *   virtual time, printed as Kafka's own tools print it (spec §6).
 *
 * Role: runs the scenario to --at and prints one view:
 *   - topics: `kafka-topics.sh --describe` for every topic that exists (ktd_format_topic),
 *     in the admin client's order, from the committed metadata image;
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
 *   A topic's TopicId is ktd_topic_id(seed, name, 0); its Configs are the topic configs
 *   that differ from Kafka's defaults (min.insync.replicas, unclean.leader.election.enable;
 *   a broker-level setting equal to the default is not listed, although Kafka would).
 *   ELR is disabled (Kafka 4.0's default), so `Elr:` and `LastKnownElr:` are empty.
 * Not modelled: `groups` arrives with consumer groups.
 */
#include "cli.h"
#include "../kafka/topic_describe.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char describe_help[] =
    "usage: kraftlab describe SCENARIO --at DUR (topics|quorum|brokers) [--seed N]\n"
    "                         [--set PATH=VALUE]...\n"
    "\n"
    "Runs SCENARIO to virtual time DUR and prints the cluster's state there:\n"
    "  topics   as kafka-topics.sh --describe\n"
    "  quorum   as kafka-metadata-quorum.sh describe --status, then --replication\n"
    "  brokers  one row per node: NodeId, Roles, State, BrokerEpoch, Rack, Partitions,\n"
    "           Leaders\n"
    "(groups arrive with consumer groups.)\n";

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
        uint32_t replicas = 0, leads = 0;
        sim_world_broker_partitions(w, w->node_ids[i], &replicas, &leads);
        char parts[16], leaders[16];
        snprintf(parts, sizeof parts, "%" PRIu32, replicas);
        snprintf(leaders, sizeof leaders, "%" PRIu32, leads);
        table_row(&t, (const char *const[]){nid, roles, state, epoch, rack, parts, leaders});
    }
    table_print(&t);
}

/* One topic's describe text, or nothing while the topic does not exist. */
static void describe_topic(const sim_world *w, uint32_t topic)
{
    const topics_topic *tp = &w->topics.topics[topic];
    static ktd_partition parts[TOPICS_PARTITIONS_MAX];
    uint32_t count = 0;
    for (uint32_t k = 0; k < tp->partition_count; k++) {
        const kpc_reg *reg = sim_world_partition(w, tp->first_partition + k);
        if (reg == NULL) return;
        parts[count++] = (ktd_partition){.partition_index = (int32_t)k,
                                         .leader = reg->leader,
                                         .replicas = reg->replicas,
                                         .replica_count = reg->replica_count,
                                         .isr = reg->isr,
                                         .isr_count = reg->isr_count};
    }
    char id[KTD_TOPIC_ID_BYTES], min_isr[16], configs[256];
    ktd_topic_id(w->seed, tp->name, 0, id);
    snprintf(min_isr, sizeof min_isr, "%" PRIu32, tp->min_insync_replicas);
    ktd_config_entry entries[2];
    uint32_t entry_count = 0, scratch[2];
    if (tp->min_insync_replicas != 1)
        entries[entry_count++] = (ktd_config_entry){"min.insync.replicas", min_isr};
    if (tp->unclean_allowed)
        entries[entry_count++] = (ktd_config_entry){"unclean.leader.election.enable", "true"};
    ktd_configs_join(entries, entry_count, scratch, configs, sizeof configs);
    const ktd_topic t = {.name = tp->name,
                         .topic_id = id,
                         .configs = entry_count > 0 ? configs : NULL,
                         .partitions = parts,
                         .partition_count = count};
    char probe[1];
    const size_t need = ktd_format_topic(&t, probe, sizeof probe) + 1;
    char *buf = sim_xcalloc(need, 1);
    ktd_format_topic(&t, buf, need);
    fputs(buf, stdout);
    free(buf);
}

static void describe_topics(const sim_world *w)
{
    if (!w->has_topics) return;
    const uint32_t n = w->topics.topic_count;
    const char *names[TOPICS_MAX];
    uint32_t scratch[2 * TOPICS_MAX], order[TOPICS_MAX];
    for (uint32_t i = 0; i < n; i++) names[i] = w->topics.topics[i].name;
    ktd_topics_order(names, n, scratch, order);
    for (uint32_t i = 0; i < n; i++) describe_topic(w, order[i]);
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
    if (strcmp(what, "groups") == 0)
        return cli_usage_error("describe", "'%s' is not modelled in this build yet", what);
    if (strcmp(what, "quorum") != 0 && strcmp(what, "brokers") != 0 && strcmp(what, "topics") != 0)
        return cli_usage_error("describe", "WHAT is topics, quorum or brokers, not '%s'", what);
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
    } else if (strcmp(what, "topics") == 0) {
        describe_topics(w);
    } else {
        describe_brokers(w);
    }
    cli_world_free(w);
    scn_config_free(cfg);
    return CLI_EXIT_OK;
}
