#!/bin/sh
# partition-cli.sh — end-to-end tests of `kraftlab partition`.
#
# Goal: the command prints Kafka's own murmur2 values (UtilsTest.testMurmur2) and the
# partitions toPositive(murmur2) % N, in text and in JSON; bad usage exits 2 and prints
# nothing on stdout; --help exits 0.
# Method: run the binary as a user would and compare its output with expected text.
# Usage: partition-cli.sh [KRAFTLAB]   (default build/kraftlab)
kraftlab=${1:-build/kraftlab}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect_out DESCRIPTION EXPECTED ARGS...: stdout is exactly EXPECTED and the exit is 0.
expect_out() {
    what=$1
    want=$2
    shift 2
    got=$("$kraftlab" partition "$@" 2>/dev/null)
    rc=$?
    if [ "$rc" != 0 ]; then
        bad "$what: exit $rc, expected 0"
    elif [ "$got" != "$want" ]; then
        bad "$what: got '$got', expected '$want'"
    else
        ok
    fi
}

# expect_usage DESCRIPTION MESSAGE ARGS...: exit 2, nothing on stdout, MESSAGE in stderr.
expect_usage() {
    what=$1
    message=$2
    shift 2
    out=$("$kraftlab" partition "$@" 2>"$errfile")
    rc=$?
    err=$(cat "$errfile")
    if [ "$rc" != 2 ]; then
        bad "$what: exit $rc, expected 2"
    elif [ -n "$out" ]; then
        bad "$what: printed '$out' on stdout"
    elif ! printf '%s\n' "$err" | grep -qF -- "$message"; then
        bad "$what: stderr '$err' lacks '$message'"
    else
        ok
    fi
}

errfile=$(mktemp)
trap 'rm -f "$errfile"' EXIT

if [ ! -x "$kraftlab" ]; then
    echo "FAIL: $kraftlab is not built"
    echo "partition: 0 passed, 1 failed"
    exit 1
fi

# 1. Kafka's UtilsTest.testMurmur2 vectors, one key at a time. With one partition every
#    key goes to 0; the murmur2 column is Kafka's value.
while read -r key hash; do
    expect_out "murmur2($key)" "$key  murmur2=$hash  partition=0" --partitions 1 "$key"
done <<'EOF'
21 -973932308
foobar -790332482
a-little-bit-long-string -985981536
a-little-bit-longer-string -1486304829
lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8 -58897971
abc 479470107
EOF

# 2. Partitions for several counts: toPositive(-790332482) = 1357151166.
expect_out "foobar over 4" "foobar  murmur2=-790332482  partition=2" --partitions 4 foobar
expect_out "foobar over 12" "foobar  murmur2=-790332482  partition=6" --partitions 12 foobar
expect_out "foobar over 50" "foobar  murmur2=-790332482  partition=16" --partitions 50 foobar
expect_out "21 over 7" "21  murmur2=-973932308  partition=3" --partitions 7 21
expect_out "largest count" "foobar  murmur2=-790332482  partition=1357151166" \
    --partitions 2147483647 foobar

# 3. Several keys: one line each, keys padded to the longest; the empty key shows as "".
expect_out "several keys" "$(printf '%s\n' \
    '21      murmur2=-973932308  partition=0' \
    'foobar  murmur2=-790332482  partition=0' \
    'abc     murmur2=479470107  partition=0' \
    '""      murmur2=275646681  partition=0')" --partitions 3 21 foobar abc ""

# 4. --hex gives the key's bytes: "abc" is 616263; bytes >= 0x80 are read unsigned.
expect_out "hex abc" "616263  murmur2=479470107  partition=3" --hex --partitions 4 616263
expect_out "hex high bytes" "8081FEFF7F  murmur2=-985178127  partition=5" \
    --hex --partitions 6 8081FEFF7F
# A UTF-8 key and its bytes in hex agree.
expect_out "utf-8 key" "$(printf '\303\251')  murmur2=186971271  partition=3" \
    --partitions 4 "$(printf '\303\251')"
expect_out "utf-8 as hex" "c3a9  murmur2=186971271  partition=3" --hex --partitions 4 c3a9
# Keys starting with '-' after --.
expect_out "dash key" "-x  murmur2=396880734  partition=2" --partitions 4 -- -x

# 5. JSON, the shape documented in --help.
expect_out "json" '{
  "partitions": 6,
  "key_encoding": "utf-8",
  "keys": [
    {
      "key": "foobar",
      "murmur2": -790332482,
      "partition": 0
    },
    {
      "key": "21",
      "murmur2": -973932308,
      "partition": 0
    }
  ]
}' --partitions 6 --json foobar 21
expect_out "json hex" '{
  "partitions": 7,
  "key_encoding": "hex",
  "keys": [
    {
      "key": "616263",
      "murmur2": 479470107,
      "partition": 4
    }
  ]
}' --json --hex --partitions 7 616263
if command -v python3 >/dev/null 2>&1; then
    if "$kraftlab" partition --partitions 3 --json 21 foobar "$(printf 'a\tb')" |
        python3 -c 'import json, sys; sys.exit(len(json.load(sys.stdin)["keys"]) != 3)' \
            2>/dev/null; then
        ok
    else
        bad "--json output does not parse as JSON with 3 keys"
    fi
fi

# 6. Usage errors: exit 2, nothing on stdout, a message naming the problem.
expect_usage "no arguments" "--partitions N is required"
expect_usage "no --partitions" "--partitions N is required" foobar
expect_usage "no keys" "at least one KEY" --partitions 3
expect_usage "zero partitions" "from 1 to 2147483647" --partitions 0 foobar
expect_usage "too many partitions" "from 1 to 2147483647" --partitions 2147483648 foobar
expect_usage "negative partitions" "from 1 to 2147483647" --partitions -3 foobar
expect_usage "non-numeric partitions" "got 'three'" --partitions three foobar
expect_usage "missing value" "--partitions needs a value" foobar --partitions
expect_usage "twice" "given twice" --partitions 3 --partitions 4 foobar
expect_usage "unknown flag" "unknown flag '--sticky'" --partitions 3 --sticky foobar
expect_usage "odd hex" "odd number of hex digits" --hex --partitions 3 abc
expect_usage "bad hex" "not a hex digit" --hex --partitions 3 zz
expect_usage "invalid utf-8" "not valid UTF-8" --partitions 3 ok "$(printf '\377')"

# 7. --help exits 0 and documents the formula and both output formats.
help=$("$kraftlab" partition --help)
rc=$?
if [ "$rc" != 0 ]; then
    bad "--help: exit $rc"
else
    for word in "--partitions N" "--json" "--hex" "murmur2" "toPositive" '"keys"' "Exit:"; do
        if printf '%s\n' "$help" | grep -qF -- "$word"; then ok; else bad "--help lacks '$word'"; fi
    done
fi

echo "partition: $pass passed, $fail failed"
[ "$fail" = 0 ]
