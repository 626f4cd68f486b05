#!/bin/sh
# determinism.sh — the same scenario and seed give the same trace_hash whatever the
# compiler and optimisation level: gcc -O0, gcc -O2 and clang -O2 builds are compared
# on every shipped scenario (long ones cut with --until to keep CI fast).
pass=0
fail=0
builds="gcc:-O0 gcc:-O2 clang:-O2"
for b in $builds; do
    cc=${b%%:*}
    opt=${b#*:}
    dir=build/det-$cc$opt
    if ! command -v "$cc" >/dev/null 2>&1; then
        echo "FAIL: $cc is not installed (make deps installs it)"
        fail=$((fail + 1))
        continue
    fi
    make --no-print-directory -s BUILD="$dir" CC="$cc" OPT="$opt" "$dir/kraftlab" >/dev/null ||
        { echo "FAIL: build with $cc $opt"; fail=$((fail + 1)); }
done
for f in scenarios/*.json; do
    ref=""
    for b in $builds; do
        cc=${b%%:*}
        opt=${b#*:}
        k=build/det-$cc$opt/kraftlab
        [ -x "$k" ] || continue
        for seed in 1 2; do
            h=$("$k" run "$f" --seed $seed --until 20s --json 2>/dev/null |
                sed -n 's/.*"trace_hash": "\([0-9a-f]*\)".*/\1/p')
            eval "prev=\$ref_$seed"
            if [ -z "$h" ]; then
                echo "FAIL: $f seed $seed with $cc $opt printed no trace_hash"
                fail=$((fail + 1))
            elif [ -z "$prev" ]; then
                eval "ref_$seed=$h"
                pass=$((pass + 1))
            elif [ "$prev" = "$h" ]; then
                pass=$((pass + 1))
            else
                echo "FAIL: $f seed $seed: $cc $opt gives $h, the first build $prev"
                fail=$((fail + 1))
            fi
        done
    done
    unset ref_1 ref_2
done
echo "determinism: $pass passed, $fail failed"
[ "$fail" = 0 ]
