#!/bin/sh
# update-bad-scenarios.sh — rewrite tests/bad_scenarios/*/expected.txt from the loader.
#
# Goal: after a deliberate change to a diagnostic, regenerate the golden texts; review the
# diff (git diff tests/bad_scenarios) before committing.
# Method: runs the golden test with KRAFTLAB_UPDATE_GOLDEN=1, from the repository root.
# Usage: update-bad-scenarios.sh [UNIT_TESTS_BINARY]   (default build/unit_tests)
unit_tests=${1:-build/unit_tests}
cd "$(dirname "$0")/../.." || exit 3
[ -x "$unit_tests" ] || { echo "update-bad-scenarios: $unit_tests not built (make all)" >&2; exit 3; }
KRAFTLAB_UPDATE_GOLDEN=1 "$unit_tests" --filter 'scenario_bad/*'
