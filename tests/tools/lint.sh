#!/bin/sh
# lint.sh — the model's rules, checked by grep (style C.2, C.8).
# Usage: lint.sh MODEL_DIR...
# 1. No wall clock, libc randomness or environment in the model.
# 2. No JSON, SDL or cairo include in the model layers.
status=0
for d in "$@"; do
    [ -d "$d" ] || continue
    # String literals are blanked first, so a message such as "time(s)" is not a call.
    hits=$(for f in "$d"/*.c "$d"/*.h; do
        [ -f "$f" ] || continue
        sed 's/"\([^"\\]\|\\.\)*"/""/g' "$f" |
            grep -nE '\b(time|clock_gettime|gettimeofday|rand|srand|getenv|random|drand48)\(' |
            grep -vE '^[0-9]+:\s*(\*|/\*|//)' | sed "s|^|$f:|"
    done)
    if [ -n "$hits" ]; then
        echo "lint: forbidden call in the model (use sim_now / sim_rng):"; echo "$hits"; status=1
    fi
    hits=$(grep -nE '#\s*include\s*[<"](jansson|SDL|cairo)' "$d"/*.c "$d"/*.h 2>/dev/null)
    if [ -n "$hits" ]; then
        echo "lint: the model layers must not include jansson, SDL or cairo:"; echo "$hits"
        status=1
    fi
done
[ $status = 0 ] && echo "lint: model rules ok"
exit $status
