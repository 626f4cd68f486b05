#!/bin/sh
# scenario-tests.sh — end-to-end tests of the kraftlab command on the shipped scenarios.
#
# Goal: every shipped scenario is valid, runs to its expectations, is deterministic (same
# seed twice = same trace_hash; another seed = another hash) and matches its recorded
# golden hash; the Kafka-format outputs match golden files; bad usage exits 2; a small
# chaos sweep finds no violation.
# Method: run build/kraftlab as a user would and compare outputs.
# Usage: scenario-tests.sh KRAFTLAB [--update]   (--update rewrites the golden files)
kraftlab=$1
update=${2:-}
golden=tests/golden
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
hash_of() { "$kraftlab" run "$@" --json 2>/dev/null | sed -n 's/.*"trace_hash": "\([0-9a-f]*\)".*/\1/p'; }

# 1. Every shipped scenario validates, and its notes fit the viewer's caption (viz.h keeps
# 320 bytes of text, "note: " included).
for f in scenarios/*.json; do
    if "$kraftlab" check "$f" >/dev/null 2>&1; then ok; else bad "check $f"; fi
    /usr/bin/python3 -c '
import json, sys
long = [a["at"] for a in json.load(open(sys.argv[1])).get("timeline", [])
        if a.get("do") == "note" and len(a.get("text", "").encode()) > 300]
sys.exit("notes longer than 300 bytes at " + ", ".join(long) if long else 0)
' "$f" && ok || bad "$f: a note is too long for the viewer"
done

# 2. Each runs to its expectations, twice to the same hash, and to the golden hash.
tmp=$(mktemp)
for f in scenarios/*.json; do
    name=$(basename "$f" .json)
    h1=$(hash_of "$f")
    "$kraftlab" run "$f" --quiet >/dev/null 2>&1
    rc=$?
    [ "$rc" = 0 ] && ok || bad "run $f exited $rc"
    h2=$(hash_of "$f")
    [ -n "$h1" ] && [ "$h1" = "$h2" ] && ok || bad "$f: same seed, hashes $h1 / $h2"
    h3=$(hash_of "$f" --seed 424242)
    [ -n "$h3" ] && [ "$h1" != "$h3" ] && ok || bad "$f: another seed gave the same hash"
    echo "$name $h1" >>"$tmp"
done
if [ "$update" = "--update" ]; then
    cp "$tmp" "$golden/trace-hashes.txt"
    echo "updated $golden/trace-hashes.txt"
elif diff -u "$golden/trace-hashes.txt" "$tmp" >/dev/null 2>&1; then
    ok
else
    bad "trace hashes differ from $golden/trace-hashes.txt (make update-golden after review):"
    diff -u "$golden/trace-hashes.txt" "$tmp"
fi
rm -f "$tmp"

# 3. Kafka-format outputs against golden files.
describe_case() { # NAME ARGS...
    name=$1
    shift
    out=$("$kraftlab" describe "$@" 2>&1)
    if [ "$update" = "--update" ]; then
        printf '%s\n' "$out" >"$golden/$name.txt"
    elif [ "$(printf '%s\n' "$out")" = "$(cat "$golden/$name.txt" 2>/dev/null)" ]; then
        ok
    else
        bad "describe $name differs from $golden/$name.txt:"
        printf '%s\n' "$out" | diff -u "$golden/$name.txt" - | head -20
    fi
}
describe_case describe-quorum-quickstart scenarios/quickstart.json --at 12s quorum
describe_case describe-brokers-quickstart scenarios/quickstart.json --at 12s brokers
describe_case describe-brokers-fenced scenarios/dedicated-fencing.json --at 19s brokers
describe_case describe-quorum-dedicated scenarios/dedicated-fencing.json --at 30s quorum
# kafka-topics.sh --describe before a broker stops, while it is fenced, after it rejoined.
describe_case describe-topics-before-crash scenarios/isr-shrink-and-grow.json --at 5s topics
describe_case describe-topics-after-crash scenarios/isr-shrink-and-grow.json --at 20s topics
describe_case describe-topics-rejoined scenarios/isr-shrink-and-grow.json --at 35s topics
# kafka-consumer-groups.sh --describe (offsets, --members, --state); the state messages
# go to stderr, which describe_case captures. A Stable group whose fifth member has no
# partition (#PARTITIONS 0):
G=scenarios/five-consumers-four-partitions.json
describe_case describe-groups-stable "$G" --at 15s groups
describe_case describe-groups-stable-members "$G" --at 15s groups --members
describe_case describe-groups-stable-state "$G" --at 15s groups --state
# One second after a member of each group left: audit (LeaveGroup) is rebalancing,
# billing (crashed member) still lists it until its session expires.
G=scenarios/consumer-crash-vs-leave.json
describe_case describe-groups-member-left "$G" --at 21s groups
describe_case describe-groups-member-left-members "$G" --at 21s groups --members
describe_case describe-groups-member-left-state "$G" --at 21s groups --state
# An Empty group (has no active members: committed offsets only, '-' for the owner) and
# static members (the GROUP-INSTANCE-ID column).
describe_case describe-groups-empty scenarios/poison-pill.json --at 20s groups
describe_case describe-groups-static-members scenarios/static-membership-session-timeout.json \
    --at 10s groups --members

# 4. The trace file: header, events, end line with the same hash as the summary.
tf=$(mktemp)
"$kraftlab" run scenarios/quickstart.json --trace "$tf" --quiet >/dev/null 2>&1
head -1 "$tf" | grep -q '"kraftlab_trace": 1' && ok || bad "trace header"
th=$(tail -1 "$tf" | sed -n 's/.*"trace_hash": "\([0-9a-f]*\)".*/\1/p')
[ "$th" = "$(hash_of scenarios/quickstart.json)" ] && ok || bad "trace end line hash"
grep -q '"ev": "raft_become_leader"' "$tf" && ok || bad "trace has no election"
"$kraftlab" run scenarios/quickstart.json --perfetto "$tf" --quiet >/dev/null 2>&1
/usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['traceEvents']" \
    "$tf" 2>/dev/null && ok || bad "perfetto output is not trace-event JSON"
rm -f "$tf"

# 5. Usage and input errors exit 2; --help exits 0.
expect_exit() { # CODE ARGS...
    code=$1
    shift
    "$kraftlab" "$@" >/dev/null 2>&1
    rc=$?
    [ "$rc" = "$code" ] && ok || bad "kraftlab $* exited $rc, expected $code"
}
expect_exit 2 run
expect_exit 2 run scenarios/quickstart.json --seed -1
expect_exit 2 run scenarios/quickstart.json --until 5parsecs
expect_exit 2 run scenarios/quickstart.json --bogus
expect_exit 2 run scenarios/quickstart.json --set network/loss=7
expect_exit 3 run /nonexistent/scenario.json
expect_exit 2 nosuchcommand
expect_exit 2 sweep scenarios/quickstart.json --seeds 5..1
expect_exit 2 describe scenarios/quickstart.json quorum
expect_exit 2 describe scenarios/quickstart.json --at 1s partitions
expect_exit 0 describe scenarios/quickstart.json --at 1s topics
for c in run check sweep describe version; do expect_exit 0 "$c" --help; done
expect_exit 0 --help
expect_exit 1 run scenarios/quickstart.json --set 'expect/0/gte=99'

# 6. A small chaos sweep: no checker violation, and -j does not change the result.
s1=$("$kraftlab" sweep scenarios/chaos-quorum.json --seeds 1..1000 -j 2 --json 2>/dev/null)
rc=$?
[ "$rc" = 0 ] && ok || bad "chaos sweep 1..1000 exited $rc: $(echo "$s1" | grep -A3 failing_seeds | head -8)"
s2=$("$kraftlab" sweep scenarios/chaos-quorum.json --seeds 1..1000 -j 1 --json 2>/dev/null)
strip() { grep -v '"wall_ms"'; }
[ "$(echo "$s1" | strip)" = "$(echo "$s2" | strip)" ] && ok || bad "sweep output depends on -j"
# Shards merge to the unsharded document.
d=$(mktemp -d)
"$kraftlab" sweep scenarios/chaos-quorum.json --seeds 1..1000 --shard 1/2 --json >"$d/a" 2>/dev/null
"$kraftlab" sweep scenarios/chaos-quorum.json --seeds 1..1000 --shard 2/2 --json >"$d/b" 2>/dev/null
m=$("$kraftlab" sweep --merge "$d/a" "$d/b" --json 2>/dev/null)
[ "$(echo "$m" | strip)" = "$(echo "$s1" | strip)" ] && ok || bad "merged shards differ"
rm -rf "$d"

# 7. The summary has every field spec §3 requires.
"$kraftlab" run scenarios/quickstart.json --json 2>/dev/null | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)
need = ["scenario", "seed", "version", "virtual_ms", "events", "wall_ms", "speedup",
        "trace_hash", "controller.elections", "controller.leader", "controller.epoch",
        "controller.unavailable_ms", "controller.leaders", "partitions.total",
        "partitions.offline", "partitions.under_replicated", "partitions.leader_elections",
        "partitions.unclean_elections", "producers.sent", "producers.acked",
        "producers.failed", "producers.errors", "producers.latency_ms.p50",
        "producers.latency_ms.p99", "producers.latency_ms.max", "producers.records_per_s",
        "producers.bytes_per_s", "producers.by_name", "records.acked", "records.acked_lost",
        "records.duplicates", "records.consumed", "consumers.groups", "brokers",
        "invariants", "expectations", "warnings", "ok"]
missing = []
for path in need:
    cur = s
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            missing.append(path)
            break
        cur = cur[part]
sys.exit("missing: " + ", ".join(missing) if missing else 0)
' && ok || bad "the run summary lacks fields of spec 3"

# 8. The data plane's numbers that docs/durability.md quotes: the ISR is short at 20 s
# (the scenario's own expectations check the end), and records.lost says which and when.
"$kraftlab" run scenarios/isr-shrink-and-grow.json --until 20s --json 2>/dev/null |
    /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)
sys.exit(0 if s["partitions"]["under_replicated"] == 3 else "under_replicated %s" % s["partitions"])
' && ok || bad "isr-shrink-and-grow: 3 partitions should be under-replicated at 20 s"
"$kraftlab" run scenarios/acks-leader-crash-acks1.json --json 2>/dev/null | /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)["records"]
keys = {"producer", "partition", "offset", "acked_ms", "lost_ms"}
ok = r["acked_lost"] > 0 and len(r["lost"]) == min(r["acked_lost"], 32)
ok = ok and all(set(e) == keys and e["lost_ms"] >= e["acked_ms"] for e in r["lost"])
sys.exit(0 if ok else "records: %s" % r)
' && ok || bad "acks-leader-crash-acks1: records.lost does not list the lost records"

# 9. Docs stay true: every trace event is documented, every command has --help.
for ev in $(sed -n 's/^ *X([A-Z_]*, "\([a-z_]*\)".*/\1/p' sim/core/sim_trace.h); do
    grep -q "\`$ev\`" docs/trace.md && ok || bad "trace event $ev is not in docs/trace.md"
done

echo "scenarios: $pass passed, $fail failed"
[ "$fail" = 0 ]
