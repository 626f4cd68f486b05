#!/bin/sh
# assign-cli.sh — end-to-end tests of `kraftlab assign` against golden files.
#
# Goal: each tests/assign/NAME.json prints exactly tests/assign/NAME.expected.json and
# exits 0; each tests/assign/bad/NAME.json exits 2 with exactly NAME.expected.txt on
# stderr and nothing on stdout; each tests/assign/throws/NAME.json (Kafka's assignor
# throws) exits 1 with NAME.expected.txt on stderr; stdin (-) works; --help exits 0;
# bad usage exits 2; an unreadable file exits 3.
# Method: run the binary as a user would, from the repository root, and compare bytes.
# Usage: assign-cli.sh KRAFTLAB [--update]   (--update rewrites the expected files)
kraftlab=${1:-build/kraftlab}
update=${2:-}
dir=tests/assign
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

# compare NAME FILE EXPECTED: byte-for-byte, or rewrite EXPECTED with --update.
compare() {
    if [ "$update" = "--update" ]; then
        cp "$2" "$3"
        echo "updated $3"
    elif cmp -s "$2" "$3"; then
        ok
    else
        bad "$1 differs from $3:"
        diff -u "$3" "$2" | head -20
    fi
}

# 1. Golden assignments.
for f in "$dir"/*.json; do
    case "$f" in *.expected.json) continue ;; esac
    name=${f%.json}
    "$kraftlab" assign "$f" >"$out" 2>"$err"
    rc=$?
    [ "$rc" = 0 ] && ok || bad "$f exited $rc: $(head -3 "$err")"
    [ -s "$err" ] && bad "$f wrote to stderr: $(head -3 "$err")"
    compare "$f" "$out" "$name.expected.json"
done

# 2. Bad inputs: exit 2, the exact diagnostics, nothing on stdout.
for f in "$dir"/bad/*.json; do
    name=${f%.json}
    "$kraftlab" assign "$f" >"$out" 2>"$err"
    rc=$?
    [ "$rc" = 2 ] && ok || bad "$f exited $rc, not 2"
    [ -s "$out" ] && bad "$f printed to stdout"
    compare "$f" "$err" "$name.expected.txt"
done

# 3. Inputs on which Kafka's own assignor throws: exit 1, the explanation.
for f in "$dir"/throws/*.json; do
    name=${f%.json}
    "$kraftlab" assign "$f" >"$out" 2>"$err"
    rc=$?
    [ "$rc" = 1 ] && ok || bad "$f exited $rc, not 1"
    [ -s "$out" ] && bad "$f printed to stdout"
    compare "$f" "$err" "$name.expected.txt"
done

# 4. Standard input gives the same bytes as the file.
"$kraftlab" assign - <"$dir/range-javadoc.json" >"$out" 2>"$err"
if [ $? = 0 ] && cmp -s "$out" "$dir/range-javadoc.expected.json"; then ok; else bad "assign - (stdin)"; fi

# 5. Help, usage errors, an unreadable file.
if "$kraftlab" assign --help >"$out" 2>&1 && grep -q "usage: kraftlab assign" "$out"; then
    ok
else
    bad "--help"
fi
"$kraftlab" assign >/dev/null 2>&1
[ $? = 2 ] && ok || bad "no argument should exit 2"
"$kraftlab" assign "$dir/range-javadoc.json" "$dir/range-javadoc.json" >/dev/null 2>&1
[ $? = 2 ] && ok || bad "two inputs should exit 2"
"$kraftlab" assign --no-such-flag >/dev/null 2>&1
[ $? = 2 ] && ok || bad "an unknown flag should exit 2"
"$kraftlab" assign "$dir/no-such-file.json" >/dev/null 2>&1
[ $? = 3 ] && ok || bad "a missing file should exit 3"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
