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
     bounds must be accepted by both (exit 0).
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
    if not bases:
        fail("no shipped scenario has producers: part 4 has nothing to mutate")
    elif not os.access(KRAFTLAB, os.X_OK):
        fail("%s is not an executable: build it first (make) or pass its path" % KRAFTLAB)
    else:
        path, base = bases[0]
        for desc, doc, valid in mutations(schema, base, os.path.basename(path)):
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
