#!/bin/sh
# run-default.sh — what `make run` shows: the default scenario's story and summary.
# Usage: run-default.sh KRAFTLAB SCENARIO
# The animated viewer and PNG export arrive with the renderer; until then the text
# story of elections and faults is the view.
kraftlab=$1
scenario=$2
"$kraftlab" run "$scenario"
status=$?
echo
echo "Next: '$kraftlab run $scenario --seed 8' for another run of the same story,"
echo "      '$kraftlab describe $scenario --at 12s quorum' for the quorum at 12 s,"
echo "      'ls scenarios/' for more, and docs/ for the guides."
exit $status
