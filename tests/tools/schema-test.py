#!/usr/bin/python3
"""schema-test.py — the JSON Schema of scenario files stays in step with the loader.

Goal: editors that validate with docs/schema/scenario.schema.json agree with kraftlab:
  1. the schema is a valid draft 2020-12 schema;
  2. every shipped scenario (scenarios/*.json) is valid against it;
  3. every bad case (tests/bad_scenarios/<case>/input.json) is rejected by it, except the
     cases marked with a `schema-valid` file: those are bad only in ways a schema cannot
     express (an unknown node id, a label used before it is defined, min > max, ...), and
     for them the test asserts the schema accepts input.json, so the markers stay true.
     A file that is not JSON (parse errors, duplicate keys) counts as rejected.
  4. the loader rejects what the schema rejects: single-value mutations of a shipped
     scenario with producers (every producer key, every producer config of the schema:
     below its minimum, above its maximum, of the wrong type, not in its enum; unknown
     keys; KIP-679 conflicts; unknown actions, metrics and checkers) must be rejected by
     the schema and by `kraftlab check` (exit 2); the same keys set to their documented
     bounds must be accepted by both (exit 0). The same for a shipped scenario with consumer
     groups: every group key, every consumer config, poison records, the commit modes, the
     group broker configs, add_consumer / remove_consumer, the coordinator:GROUP and
     GROUP/N targets, group metrics and checkers.
  `args` files (--set overrides) are the loader's concern and are ignored here.
Method: Debian's python3-jsonschema. Run from the repository root with /usr/bin/python3
  (a pyenv python3 on PATH may lack the module), after `make` (part 4 runs
  $KRAFTLAB, default build/kraftlab, or the first argument). Prints one line per
  failure, then "N passed, N failed"; exits 1 on any failure.
"""
import copy
import glob
import json
import os
import subprocess
import sys
import tempfile

try:
    from jsonschema import Draft202012Validator
except ImportError:
    sys.exit("schema-test: needs python3-jsonschema (apt-get install python3-jsonschema); "
             "run it with /usr/bin/python3")

SCHEMA = "docs/schema/scenario.schema.json"
BAD = "tests/bad_scenarios"
KRAFTLAB = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("KRAFTLAB", "build/kraftlab")


class NotJson(Exception):
    pass


def reject_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise NotJson("duplicate key")
    return dict(pairs)


def reject_constant(name):
    raise NotJson("not JSON: " + name)


def load(path):
    """Parses like jansson with JSON_REJECT_DUPLICATES: strict UTF-8, no NaN."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        text = data.decode("utf-8")
        return json.loads(text, object_pairs_hook=reject_duplicates,
                          parse_constant=reject_constant)
    except (UnicodeDecodeError, ValueError, NotJson) as e:
        raise NotJson(str(e)) from e


def first_error(validator, doc):
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if not errors:
        return None
    e = errors[0]
    return "/" + "/".join(str(p) for p in e.absolute_path) + ": " + e.message[:160]


DELETE = object()  # set_path: remove the key


def set_path(doc, path, value):
    """A copy of doc with path (a list of keys and indexes) set to value; value DELETE
    removes the key."""
    out = copy.deepcopy(doc)
    cur = out
    for part in path[:-1]:
        cur = cur[part]
    if value is DELETE:
        del cur[path[-1]]
    else:
        cur[path[-1]] = value
    return out


def bad_values(prop):
    """Values a schema property (one of ours: integer ranges, booleans, strings, enums)
    must refuse."""
    out = []
    types = prop.get("type")
    types = types if isinstance(types, list) else [types]
    if "enum" in prop:
        out += ["no-such-value", [], {}]
    if "integer" in types:
        if "minimum" in prop:
            out.append(prop["minimum"] - 1)
        if "maximum" in prop:
            out.append(prop["maximum"] + 1)
        out += ["12", 1.5]
    if "boolean" in types:
        out += ["yes", 1]
    if types == ["string"]:
        out += [5, ["x"]]
    if types == ["string", "array"]:
        out += [5, True]
    return out


def good_values(prop):
    """Boundary values the schema documents as valid."""
    if "enum" in prop:
        return list(prop["enum"])
    types = prop.get("type")
    out = []
    if types == "integer":
        out += [prop[k] for k in ("minimum", "maximum") if k in prop]
    if types == "boolean":
        out += [True, False]
    return out


def mutations(schema, base, base_name):
    """(description, document, the schema should accept it) for part 4."""
    defs = schema["$defs"]
    prod = ["producers", 0]
    found = []

    def add(path, value, valid):
        shown = "(deleted)" if value is DELETE else json.dumps(value)
        found.append(("%s: %s = %s" % (base_name, "/".join(map(str, path)), shown),
                      set_path(base, path, value), valid))

    for key, prop in defs["producer_config"]["properties"].items():
        path = prod + ["config", key]
        for v in bad_values(prop):
            add(path, v, False)
        if key in ("enable.idempotence", "acks", "retries",
                   "max.in.flight.requests.per.connection", "delivery.timeout.ms"):
            continue  # bound to other configs (KIP-679, KIP-91): below
        for v in good_values(prop):
            add(path, v, True)
    for key in ("acks", "retries", "max.in.flight.requests.per.connection"):
        for v in good_values(defs["producer_config"]["properties"][key]):
            doc_ok = set_path(base, prod + ["config"], {key: v, "enable.idempotence": False})
            found.append(("%s: config {%s: %s, enable.idempotence: false}" %
                          (base_name, key, json.dumps(v)), doc_ok, True))
    floor = {"delivery.timeout.ms": 1, "linger.ms": 0, "request.timeout.ms": 1}
    found.append(("%s: config %s (KIP-91 floor met)" % (base_name, json.dumps(floor)),
                  set_path(base, prod + ["config"], floor), True))
    for conflict in ({"acks": "1"}, {"acks": 0}, {"retries": 0},
                     {"max.in.flight.requests.per.connection": 6}):
        cfg = dict(conflict, **{"enable.idempotence": True})
        found.append(("%s: config %s (KIP-679 conflict)" % (base_name, json.dumps(cfg)),
                      set_path(base, prod + ["config"], cfg), False))
    # Not set: retries=0 or acks != all turn idempotence off silently, but more than 5
    # requests in flight are refused whenever it is on (Kafka 4.0, KAFKA-17927).
    for cfg, valid in (({"acks": "1"}, True), ({"retries": 0}, True),
                       ({"max.in.flight.requests.per.connection": 6}, False),
                       ({"acks": "1", "max.in.flight.requests.per.connection": 6}, False)):
        found.append(("%s: config %s (idempotence by default)" % (base_name, json.dumps(cfg)),
                      set_path(base, prod + ["config"], cfg), valid))
    add(prod + ["config", "linger.m"], 5, False)
    add(prod + ["config"], [], False)
    for key, prop in defs["producer"]["properties"].items():
        if "$ref" in prop:
            continue
        for v in bad_values(prop):
            add(prod + [key], v, False)
    for key in ("keys", "value_bytes", "partitioner"):
        for v in good_values(defs["producer"]["properties"][key]):
            add(prod + [key], v, True)
    for v in ("", "has space", "x" * 65):
        add(prod + ["name"], v, False)
    add(prod + ["topic"], DELETE, False)
    add(prod + ["name"], DELETE, False)
    add(prod + ["acks"], "all", False)
    add(prod + ["start"], "5 parsecs", False)
    add(prod + ["bursts"], {}, False)
    add(prod + ["bursts"], [{"at": "3s"}], False)
    add(prod + ["bursts"], [{"at": "3s", "for": "0s", "rate": 10}], False)
    add(prod + ["bursts"], [{"at": "3s", "for": "1s", "rate": 10, "every": "5s"}], False)
    add(prod + ["bursts"], [{"at": "3s", "for": "1s", "rate": 10}] * 17, False)
    add(prod + ["bursts"], [{"at": "3s", "for": "1s", "rate": 10}], True)
    add(["producers"], [dict(base["producers"][0], name="p%d" % i) for i in range(9)], False)
    add(["producers"], "checkout", False)
    add(["timeline"], [{"at": "1s", "do": "stop_producer"}], False)
    name = base["producers"][0]["name"]
    add(["timeline"], [{"at": "1s", "do": "stop_producer", "name": name, "node": 1}], False)
    add(["timeline"], [{"at": "1s", "do": "stop_producer", "name": name}], True)
    add(["timeline"], [{"at": "1s", "do": "describe", "what": "topics"}], False)
    add(["expect"], [{"metric": "records.ackd_lost", "eq": 0}], False)
    add(["expect"], [{"metric": "producers.by_name.x.blocked", "eq": 0}], True)
    add(["invariants"], {"disable": ["acks_all_replicate"]}, False)
    add(["invariants"], {"disable": ["acks_all_replicated"]}, True)
    return found


def group_mutations(schema, base, base_name):
    """(description, document, the schema should accept it) for part 4, on a scenario with
    consumer groups. The timeline is dropped first so member numbers stay free to change."""
    defs = schema["$defs"]
    base = copy.deepcopy(base)
    base["timeline"] = []
    base["cluster"].setdefault("config", {})
    grp = ["consumer_groups", 0]
    name = base["consumer_groups"][0]["group"]
    topic = base["consumer_groups"][0]["topics"][0]
    found = []

    def add(path, value, valid):
        shown = "(deleted)" if value is DELETE else json.dumps(value)
        found.append(("%s: %s = %s" % (base_name, "/".join(map(str, path)), shown),
                      set_path(base, path, value), valid))

    # Consumer configs: every one refuses what its type and range refuse; the modelled ones
    # take their bounds (heartbeat and session are bound to each other: below).
    for key, prop in defs["consumer_config"]["properties"].items():
        path = grp + ["config", key]
        for v in bad_values(prop):
            add(path, v, False)
        if key in ("heartbeat.interval.ms", "session.timeout.ms"):
            continue
        if "description" in prop and "not model yet" in prop["description"]:
            continue
        for v in good_values(prop):
            add(path, v, True)
    cfg = grp + ["config"]
    found.append(("%s: heartbeat.interval.ms 9999 < session.timeout.ms 10000" % base_name,
                  set_path(base, cfg, {"session.timeout.ms": 10000,
                                       "heartbeat.interval.ms": 9999}), True))
    for v in ("range", "cooperative-sticky, range", " sticky ,roundrobin ", ["sticky"],
              "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
              ["range", "org.apache.kafka.clients.consumer.StickyAssignor"]):
        add(cfg + ["partition.assignment.strategy"], v, True)
    for v in ("rangee", "", "range,", [], ["range", "range"], ["range", 5], 5,
              "com.example.MyAssignor"):
        add(cfg + ["partition.assignment.strategy"], v, False)
    add(cfg + ["group.protocol"], "CLASSIC", True)
    add(cfg + ["group.protocol"], "consumer", False)
    add(cfg + ["group.remote.assignor"], "", True)
    add(cfg + ["group.remote.assignor"], "uniform", False)
    for key in ("group.id", "group.instance.id", "session.timeout", "linger.ms",
                "min.insync.replicas"):
        add(cfg + [key], "x" if key.startswith("group.") else 5, False)
    add(cfg, [], False)
    # Commit modes: "auto" needs enable.auto.commit.
    for mode in ("auto", "after_processing", "before_processing"):
        add(grp + ["commit"], mode, True)
    for mode in ("after_processing", "before_processing"):
        doc = set_path(base, grp + ["commit"], mode)
        doc = set_path(doc, cfg, {"enable.auto.commit": False})
        found.append(("%s: commit %s with enable.auto.commit false" % (base_name, mode), doc,
                      True))
    doc = set_path(set_path(base, grp + ["commit"], "auto"), cfg, {"enable.auto.commit": False})
    found.append(("%s: commit auto with enable.auto.commit false" % base_name, doc, False))
    add(grp + ["commit"], "sometimes", False)
    # The group's own keys.
    for key, prop in defs["consumer_group"]["properties"].items():
        if "$ref" in prop:
            continue
        for v in bad_values(prop):
            add(grp + [key], v, False)
    for key in ("members", "static"):
        for v in good_values(defs["consumer_group"]["properties"][key]):
            add(grp + [key], v, True)
    for v in ("", "has space", "x" * 65, "a/b"):
        add(grp + ["group"], v, False)
    add(grp + ["group"], "x" * 64, True)
    add(grp + ["group"], DELETE, False)
    add(grp + ["topics"], DELETE, False)
    for v in ([], topic, [topic, topic], [5]):
        add(grp + ["topics"], v, False)
    for key in ("processing", "start"):
        add(grp + [key], "5 parsecs", False)
        add(grp + [key], "2ms", True)
    add(grp + ["member"], 1, False)
    good_poison = {"partition": topic + "-0", "offset": 5, "policy": "skip"}
    for policy in ("skip", "retry", "stop"):
        add(grp + ["poison"], dict(good_poison, policy=policy), True)
    for bad in (dict(good_poison, policy="drop"), dict(good_poison, offset=-1),
                dict(good_poison, partition=topic), dict(good_poison, every="1s"),
                {"partition": topic + "-0", "policy": "skip"}, [good_poison]):
        add(grp + ["poison"], bad, False)
    add(["consumer_groups"], [dict(base["consumer_groups"][0], group="g%d" % i)
                              for i in range(9)], False)
    add(["consumer_groups"], name, False)
    # Group broker configs in cluster.config.
    for key in ("group.initial.rebalance.delay.ms", "group.min.session.timeout.ms",
                "group.max.session.timeout.ms", "offsets.topic.num.partitions",
                "offsets.topic.replication.factor"):
        prop = defs["kafka_config"]["properties"][key]
        for v in bad_values(prop):
            add(["cluster", "config", key], v, False)
        for v in good_values(prop):
            add(["cluster", "config", key], v, True)
    # Consumer actions and targets.
    tl = ["timeline"]
    add(tl, [{"at": "1s", "do": "add_consumer", "group": name}], True)
    add(tl, [{"at": "1s", "do": "add_consumer", "group": name, "member": 0}], False)
    add(tl, [{"at": "1s", "do": "add_consumer"}], False)
    add(tl, [{"at": "1s", "do": "remove_consumer", "group": name}], True)
    add(tl, [{"at": "1s", "do": "remove_consumer", "group": name, "member": 0,
              "graceful": False, "label": "gone"}], True)
    add(tl, [{"at": "1s", "do": "remove_consumer", "group": name, "graceful": "no"}], False)
    add(tl, [{"at": "1s", "do": "remove_consumer", "group": name, "member": -1}], False)
    add(tl, [{"at": "1s", "do": "remove_consumer", "group": name, "node": 1}], False)
    add(tl, [{"at": "1s", "do": "crash", "node": "coordinator:" + name}], True)
    add(tl, [{"at": "1s", "do": "crash", "node": name + "/0"}], False)
    add(tl, [{"at": "1s", "do": "isolate", "node": name + "/0"}], True)
    add(tl, [{"at": "1s", "do": "cut", "from": name + "/0", "to": "coordinator:" + name}], True)
    add(tl, [{"at": "1s", "do": "partition", "sides": [[name + "/0"], [1, 2]]}], True)
    add(["expect"], [{"metric": "consumers.groups.%s.paused_ms" % name, "lt": 1}], True)
    add(["expect"], [{"metric": "consumers.groups.0.redelivered", "eq": 0}], True)
    add(["expect"], [{"metric": "consumers.groups.%s.paused" % name, "lt": 1}], False)
    for checker in ("group_single_owner", "committed_offsets_monotonic",
                    "consumers_read_below_hw"):
        add(["invariants"], {"disable": [checker]}, True)
        add(["expect"], [{"metric": "invariants.%s.violations" % checker, "eq": 0}], True)
    add(["invariants"], {"disable": ["group_single_ownr"]}, False)
    return found


def loader_verdict(doc):
    """kraftlab check's exit code on doc (written to a temporary file)."""
    fd, path = tempfile.mkstemp(suffix=".json", prefix="schema-test-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1)
        return subprocess.run([KRAFTLAB, "check", path], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, check=False).returncode
    finally:
        os.unlink(path)


def main():
    passed = failed = 0

    def ok():
        nonlocal passed
        passed += 1

    def fail(msg):
        nonlocal failed
        failed += 1
        print("FAIL: " + msg)

    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    try:
        Draft202012Validator.check_schema(schema)
        ok()
    except Exception as e:  # jsonschema.SchemaError
        fail("%s is not a valid draft 2020-12 schema: %s" % (SCHEMA, e))
        print("%d passed, %d failed" % (passed, failed))
        return 1
    validator = Draft202012Validator(schema)

    for path in sorted(glob.glob("scenarios/*.json")):
        try:
            err = first_error(validator, load(path))
        except NotJson as e:
            err = "not JSON: %s" % e
        if err is None:
            ok()
        else:
            fail("%s is a shipped scenario but the schema rejects it: %s" % (path, err))

    cases = sorted(d for d in os.listdir(BAD)
                   if os.path.isfile(os.path.join(BAD, d, "input.json")))
    for case in cases:
        path = os.path.join(BAD, case, "input.json")
        schema_valid = os.path.exists(os.path.join(BAD, case, "schema-valid"))
        try:
            err = first_error(validator, load(path))
        except NotJson as e:
            err = "not JSON: %s" % e
        if schema_valid and err is not None:
            fail("%s is marked schema-valid but the schema rejects it: %s" % (path, err))
        elif not schema_valid and err is None:
            fail("%s: the schema accepts it (tighten the schema, or mark the case with a "
                 "schema-valid file if no schema can tell)" % path)
        else:
            ok()

    # 4. The loader rejects what the schema rejects.
    bases = []
    for path in sorted(glob.glob("scenarios/*.json")):
        try:
            doc = load(path)
        except NotJson:
            continue
        if isinstance(doc, dict) and doc.get("producers"):
            bases.append((path, doc))
    group_bases = [(p, d) for p, d in bases if d.get("consumer_groups")]
    if not bases:
        fail("no shipped scenario has producers: part 4 has nothing to mutate")
    elif not os.access(KRAFTLAB, os.X_OK):
        fail("%s is not an executable: build it first (make) or pass its path" % KRAFTLAB)
    else:
        path, base = bases[0]
        cases = mutations(schema, base, os.path.basename(path))
        if group_bases:
            gpath, gbase = group_bases[0]
            cases += group_mutations(schema, gbase, os.path.basename(gpath))
        else:
            fail("no shipped scenario has consumer groups: part 4 cannot mutate one")
        for desc, doc, valid in cases:
            schema_ok = first_error(validator, doc) is None
            rc = loader_verdict(doc)
            want_rc = 0 if valid else 2
            if schema_ok != valid:
                fail("%s: the schema %s it" % (desc, "accepts" if schema_ok else "rejects"))
            elif rc != want_rc:
                fail("%s: the schema %s it but kraftlab check exits %d" %
                     (desc, "accepts" if schema_ok else "rejects", rc))
            else:
                ok()

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
