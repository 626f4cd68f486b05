#!/bin/sh
# run-default.sh — what `make run` shows: the viewer when a display exists, else the
# story and summary of the run and a PNG of its last instant.
# Usage: run-default.sh KRAFTLAB SCENARIO
kraftlab=$1
scenario=$2
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "Opening the viewer on $scenario (press ? for help, q to quit)."
    "$kraftlab" watch "$scenario" && exit 0
    echo "(the window could not open; showing the text summary instead)"
fi
"$kraftlab" run "$scenario"
status=$?
png=build/$(basename "$scenario" .json).png
if "$kraftlab" render "$scenario" --at 14s --out "$png" >/dev/null; then
    echo
    echo "A picture of the cluster at 14 s (the new leader, the crashed node): $png"
fi
echo
echo "Next: '$kraftlab run $scenario --seed 8' for another run of the same story,"
echo "      '$kraftlab describe $scenario --at 12s quorum' for the quorum at 12 s,"
echo "      '$kraftlab watch $scenario' on a machine with a display,"
echo "      'ls scenarios/' for more, and docs/ for the guides."
exit $status
