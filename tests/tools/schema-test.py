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
  `args` files (--set overrides) are the loader's concern and are ignored here.
Method: Debian's python3-jsonschema. Run from the repository root with /usr/bin/python3
  (a pyenv python3 on PATH may lack the module). Prints one line per failure, then
  "N passed, N failed"; exits 1 on any failure.
"""
import glob
import json
import os
import sys

try:
    from jsonschema import Draft202012Validator
except ImportError:
    sys.exit("schema-test: needs python3-jsonschema (apt-get install python3-jsonschema); "
             "run it with /usr/bin/python3")

SCHEMA = "docs/schema/scenario.schema.json"
BAD = "tests/bad_scenarios"


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

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
