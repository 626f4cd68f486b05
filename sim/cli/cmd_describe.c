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
    "usage: kraftlab describe SCENARIO --at DUR (topics|groups|quorum|brokers) [--seed N]\n"
    "                         [--members | --state] [--set PATH=VALUE]...\n"
    "\n"
    "Runs SCENARIO to virtual time DUR and prints the cluster's state there:\n"
    "  topics   as kafka-topics.sh --describe\n"
    "  groups   as kafka-consumer-groups.sh --describe --all-groups (offsets); with\n"
    "           --members or --state, that view instead\n"
    "  quorum   as kafka-metadata-quorum.sh describe --status, then --replication\n"
    "  brokers  one row per node: NodeId, Roles, State, BrokerEpoch, Rack, Partitions,\n"
    "           Leaders\n"
    "";

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
    ktd_config_entry entries[3];
    uint32_t entry_count = 0, scratch[3];
    if (strcmp(tp->name, "__consumer_offsets") == 0) {
        /* The group coordinator creates it with these (GroupCoordinatorService). */
        entries[entry_count++] = (ktd_config_entry){"compression.type", "producer"};
        entries[entry_count++] = (ktd_config_entry){"cleanup.policy", "compact"};
        entries[entry_count++] = (ktd_config_entry){"segment.bytes", "104857600"};
    } else if (tp->min_insync_replicas != 1)
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

/* ---------------------------------------------------------------------------------
 * groups: kafka-consumer-groups.sh --describe (ConsumerGroupCommand, Kafka 4.0)
 * ------------------------------------------------------------------------------- */

#define GROUP_ROWS_MAX (KG_PARTITIONS_MAX + 1)

typedef struct group_row {
    char topic[256], partition[16], current[24], end[24], lag[24], consumer[KG_MEMBER_ID_BYTES],
        host[32], client[96];
} group_row;

static void client_id_of(const kg_group_spec *sp, uint32_t slot, char *buf, size_t size)
{
    snprintf(buf, size, "consumer-%s-%" PRIu32, sp->id, slot + 1);
}

/* The HW of partition p (global) as its leader reports it (ListOffsets latest). */
static int64_t log_end_of(const sim_world *w, uint32_t p)
{
    const kpc_reg *reg = sim_world_partition(w, p);
    if (reg == NULL || reg->leader < 0) return -1;
    const uint32_t b = repl_broker_index(&w->repl, reg->leader);
    return repl_replica_get(&w->repl, b, p)->hw;
}

static void i64_or_dash(int64_t v, char *buf, size_t size)
{
    if (v < 0) {
        snprintf(buf, size, "-");
    } else {
        snprintf(buf, size, "%" PRId64, v);
    }
}

/* Whether the group's state says to print rows, with the tool's message on stderr. */
static bool group_state_line(const char *group, const kg_coord *c, uint32_t rows)
{
    if (c == NULL || c->state == KG_STATE_DEAD) {
        printf("\nError: Consumer group '%s' does not exist.\n", group); /* printError */
        return false;
    }
    if (c->state == KG_STATE_EMPTY)
        fprintf(stderr, "\nConsumer group '%s' has no active members.\n", group);
    if (c->state == KG_STATE_PREPARING_REBALANCE || c->state == KG_STATE_COMPLETING_REBALANCE)
        fprintf(stderr, "\nWarning: Consumer group '%s' is rebalancing.\n", group);
    return rows > 0;
}

static uint32_t member_partitions(const kg_cmember *m, const kg_group_spec *sp)
{
    uint32_t n = 0;
    for (uint32_t p = 0; p < sp->partition_count; p++)
        n += (m->assignment.w[p / 64] >> (p % 64)) & 1u;
    return n;
}

static void describe_group_offsets(const sim_world *w, uint32_t g)
{
    const kg_group_spec *sp = &w->groups.groups[g];
    int32_t coordinator = -1;
    const kg_coord *c = kg_active_coordinator(&w->groups, g, &coordinator);
    static group_row rows[GROUP_ROWS_MAX];
    uint32_t n = 0;
    bool listed[KG_PARTITIONS_MAX] = {false};
    /* Members with partitions, most partitions first (ties: slot order); each member's
     * partitions by partition number. */
    uint32_t order[KG_MEMBERS_MAX], count = 0;
    for (uint32_t i = 0; c != NULL && i < KG_MEMBERS_MAX; i++)
        if (c->members[i].present && member_partitions(&c->members[i], sp) > 0) order[count++] = i;
    for (uint32_t i = 1; i < count; i++)
        for (uint32_t j = i; j > 0 && member_partitions(&c->members[order[j]], sp) >
                                          member_partitions(&c->members[order[j - 1]], sp);
             j--) {
            const uint32_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (uint32_t k = 0; k < count; k++) {
        const uint32_t slot = order[k];
        const kg_cmember *m = &c->members[slot];
        uint32_t idx[KG_PARTITIONS_MAX], ni = 0;
        for (uint32_t p = 0; p < sp->partition_count; p++)
            if ((m->assignment.w[p / 64] >> (p % 64)) & 1u) idx[ni++] = p;
        for (uint32_t i = 1; i < ni; i++) /* by partition number only (stable) */
            for (uint32_t j = i; j > 0 && sp->number_of[idx[j]] < sp->number_of[idx[j - 1]]; j--) {
                const uint32_t t = idx[j];
                idx[j] = idx[j - 1];
                idx[j - 1] = t;
            }
        for (uint32_t i = 0; i < ni; i++) {
            const uint32_t p = idx[i];
            group_row *r = &rows[n++];
            listed[p] = true;
            snprintf(r->topic, sizeof r->topic, "%s", sp->topic_names[sp->topic_of[p]]);
            snprintf(r->partition, sizeof r->partition, "%" PRId32, sp->number_of[p]);
            const int64_t end = log_end_of(w, sp->partitions[p]), cur = c->committed[p];
            i64_or_dash(cur, r->current, sizeof r->current);
            i64_or_dash(end, r->end, sizeof r->end);
            i64_or_dash(cur >= 0 && end >= 0 ? end - cur : -1, r->lag, sizeof r->lag);
            kg_member_id(&w->groups, g, slot, m->incarnation, r->consumer, sizeof r->consumer);
            snprintf(r->host, sizeof r->host, "/127.0.0.1");
            client_id_of(sp, slot, r->client, sizeof r->client);
        }
    }
    /* Partitions with a committed offset and no owner. */
    for (uint32_t p = 0; c != NULL && p < sp->partition_count; p++) {
        if (listed[p] || c->committed[p] < 0) continue;
        group_row *r = &rows[n++];
        snprintf(r->topic, sizeof r->topic, "%s", sp->topic_names[sp->topic_of[p]]);
        snprintf(r->partition, sizeof r->partition, "%" PRId32, sp->number_of[p]);
        const int64_t end = log_end_of(w, sp->partitions[p]);
        i64_or_dash(c->committed[p], r->current, sizeof r->current);
        i64_or_dash(end, r->end, sizeof r->end);
        i64_or_dash(end >= 0 ? end - c->committed[p] : -1, r->lag, sizeof r->lag);
        snprintf(r->consumer, sizeof r->consumer, "-");
        snprintf(r->host, sizeof r->host, "-");
        snprintf(r->client, sizeof r->client, "-");
    }
    if (!group_state_line(sp->id, c, n)) return;
    int gw = 15, tw = 15, cw = 15, hw = 15;
    const int glen = (int)strlen(sp->id);
    if (glen > gw) gw = glen;
    for (uint32_t i = 0; i < n; i++) {
        if ((int)strlen(rows[i].topic) > tw) tw = (int)strlen(rows[i].topic);
        if ((int)strlen(rows[i].consumer) > cw) cw = (int)strlen(rows[i].consumer);
        if ((int)strlen(rows[i].host) > hw) hw = (int)strlen(rows[i].host);
    }
    printf("\n%-*s %-*s %-10s %-15s %-15s %-15s %-*s %-*s %s", gw, "GROUP", tw, "TOPIC",
           "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", cw, "CONSUMER-ID", hw, "HOST",
           "CLIENT-ID");
    for (uint32_t i = 0; i < n; i++) {
        const group_row *r = &rows[i];
        printf("\n%-*s %-*s %-10s %-15s %-15s %-15s %-*s %-*s %s", gw, sp->id, tw, r->topic,
               r->partition, r->current, r->end, r->lag, cw, r->consumer, hw, r->host, r->client);
    }
    printf("\n");
}

static void describe_group_members(const sim_world *w, uint32_t g)
{
    const kg_group_spec *sp = &w->groups.groups[g];
    const kg_coord *c = kg_active_coordinator(&w->groups, g, NULL);
    uint32_t count = 0;
    for (uint32_t i = 0; c != NULL && i < KG_MEMBERS_MAX; i++) count += c->members[i].present;
    if (!group_state_line(sp->id, c, count)) return;
    int gw = 15, cw = 15, iw = 17, hw = 15, lw = 15;
    if ((int)strlen(sp->id) > gw) gw = (int)strlen(sp->id);
    char ids[KG_MEMBERS_MAX][KG_MEMBER_ID_BYTES], clients[KG_MEMBERS_MAX][96],
        inst[KG_MEMBERS_MAX][96];
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) {
        if (!c->members[i].present) continue;
        kg_member_id(&w->groups, g, i, c->members[i].incarnation, ids[i], sizeof ids[i]);
        client_id_of(sp, i, clients[i], sizeof clients[i]);
        snprintf(inst[i], sizeof inst[i], "%s-%" PRIu32, sp->id, i);
        if ((int)strlen(ids[i]) > cw) cw = (int)strlen(ids[i]);
        if ((int)strlen(clients[i]) > lw) lw = (int)strlen(clients[i]);
        if ((int)strlen(inst[i]) > iw) iw = (int)strlen(inst[i]);
    }
    const bool with_instance = sp->static_members;
    if (with_instance) {
        printf("\n%-*s %-*s %-*s %-*s %-*s %-15s \n", gw, "GROUP", cw, "CONSUMER-ID", iw,
               "GROUP-INSTANCE-ID", hw, "HOST", lw, "CLIENT-ID", "#PARTITIONS");
    } else {
        printf("\n%-*s %-*s %-*s %-*s %-15s \n", gw, "GROUP", cw, "CONSUMER-ID", hw, "HOST", lw,
               "CLIENT-ID", "#PARTITIONS");
    }
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) {
        if (!c->members[i].present) continue;
        char parts[16];
        snprintf(parts, sizeof parts, "%" PRIu32, member_partitions(&c->members[i], sp));
        if (with_instance) {
            printf("%-*s %-*s %-*s %-*s %-*s %-15s \n", gw, sp->id, cw, ids[i], iw, inst[i], hw,
                   "/127.0.0.1", lw, clients[i], parts);
        } else {
            printf("%-*s %-*s %-*s %-*s %-15s \n", gw, sp->id, cw, ids[i], hw, "/127.0.0.1", lw,
                   clients[i], parts);
        }
    }
}

static void describe_group_state(const sim_world *w, uint32_t g)
{
    const kg_group_spec *sp = &w->groups.groups[g];
    int32_t coordinator = -1;
    const kg_coord *c = kg_active_coordinator(&w->groups, g, &coordinator);
    if (!group_state_line(sp->id, c, 1)) return;
    uint32_t members = 0;
    for (uint32_t i = 0; i < KG_MEMBERS_MAX; i++) members += c->members[i].present;
    char coord[64];
    snprintf(coord, sizeof coord, "kafka-%" PRId32 ":9092  (%" PRId32 ")", coordinator,
             coordinator);
    const int cw = (int)strlen(coord) > 25 ? (int)strlen(coord) : 25;
    const int gw = (int)strlen(sp->id) > 15 ? (int)strlen(sp->id) : 15;
    const char *strategy = c->protocol >= 0 && c->state == KG_STATE_STABLE
                               ? kasg_strategy_name((kasg_strategy)c->protocol)
                               : "-";
    char count[16];
    snprintf(count, sizeof count, "%" PRIu32, members);
    printf("\n%-*s %-*s %-20s %-20s %s", gw, "GROUP", cw, "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY",
           "STATE", "#MEMBERS");
    printf("\n%-*s %-*s %-20s %-20s %s", gw, sp->id, cw, coord, strategy, kg_state_name(c->state),
           count);
    printf("\n");
}

typedef enum group_view { GROUP_OFFSETS = 0, GROUP_MEMBERS, GROUP_STATE } group_view;

/* Every group, in group-id order (--all-groups lists them sorted). */
static void describe_groups(const sim_world *w, group_view view)
{
    if (!w->has_groups) return;
    uint32_t order[KG_GROUPS_MAX];
    const uint32_t n = w->groups.group_count;
    for (uint32_t i = 0; i < n; i++) order[i] = i;
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = i;
             j > 0 && strcmp(w->groups.groups[order[j]].id, w->groups.groups[order[j - 1]].id) < 0;
             j--) {
            const uint32_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    fflush(stdout);
    for (uint32_t i = 0; i < n; i++) {
        if (view == GROUP_MEMBERS) {
            describe_group_members(w, order[i]);
        } else if (view == GROUP_STATE) {
            describe_group_state(w, order[i]);
        } else {
            describe_group_offsets(w, order[i]);
        }
        fflush(stdout);
    }
}

int cmd_describe(int argc, char **argv)
{
    cli_common c = {0};
    const char *what = NULL;
    bool has_at = false;
    sim_time at = 0;
    group_view view = GROUP_OFFSETS;
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
        } else if (strcmp(a, "--members") == 0 || strcmp(a, "--state") == 0) {
            if (view != GROUP_OFFSETS)
                return cli_usage_error("describe", "--members and --state exclude each other");
            view = strcmp(a, "--members") == 0 ? GROUP_MEMBERS : GROUP_STATE;
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
    if (strcmp(what, "quorum") != 0 && strcmp(what, "brokers") != 0 &&
        strcmp(what, "topics") != 0 && strcmp(what, "groups") != 0)
        return cli_usage_error("describe", "WHAT is topics, groups, quorum or brokers, not '%s'",
                               what);
    if (view != GROUP_OFFSETS && strcmp(what, "groups") != 0)
        return cli_usage_error("describe", "--members and --state go with groups");
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
    } else if (strcmp(what, "groups") == 0) {
        describe_groups(w, view);
    } else {
        describe_brokers(w);
    }
    cli_world_free(w);
    scn_config_free(cfg);
    return CLI_EXIT_OK;
}
