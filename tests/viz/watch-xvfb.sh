#!/bin/sh
# watch-xvfb.sh — the viewer under Xvfb, in the deterministic test mode.
#
# Goal: a crash injected by a (synthesised) click becomes a timeline action; the saved
# session replays to the same trace_hash as the interactive run; the window survives
# scrubbing, stepping, speed changes, the help overlay, a link drag, and clicks on
# producers' and consumers' boxes (named producer:NAME and consumer:GROUP/N).
# Method: xvfb-run, --fixed-step and --input (tests/viz/*.input), then kraftlab run on
# the saved file.
# Usage: watch-xvfb.sh KRAFTLAB
kraftlab=$1
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "FAIL: xvfb-run is missing (make deps installs xvfb)"
    echo "viewer: 0 passed, 1 failed"
    exit 1
fi
hash_of() { "$kraftlab" run "$@" --json 2>/dev/null | sed -n 's/.*"trace_hash": "\([0-9a-f]*\)".*/\1/p'; }
d=$(mktemp -d)
xvfb_run() { xvfb-run -a -s "-screen 0 1600x1000x24" "$@"; }

# 1. Crash by click, save, replay.
xvfb_run "$kraftlab" watch scenarios/quickstart.json --no-tour --fixed-step 20ms \
    --input tests/viz/crash-click.input --save "$d/saved.json" >"$d/out" 2>"$d/err"
rc=$?
[ "$rc" = 0 ] && ok || bad "watch exited $rc: $(cat "$d/err")"
live=$(sed -n 's/^session trace_hash \([0-9a-f]*\)$/\1/p' "$d/out")
[ -n "$live" ] && ok || bad "watch printed no session trace_hash"
[ -f "$d/saved.json" ] && ok || bad "s did not save the session"
grep -q '"do": "crash"' "$d/saved.json" && grep -q '"at": "3020000us"' "$d/saved.json" && ok ||
    bad "the saved timeline lacks the clicked crash at 3 s"
replay=$(hash_of "$d/saved.json")
[ -n "$replay" ] && [ "$replay" = "$live" ] && ok ||
    bad "saved session replays to $replay, the interactive run was $live"
[ "$replay" != "$(hash_of scenarios/quickstart.json)" ] && ok ||
    bad "the click did not change the run"
"$kraftlab" check "$d/saved.json" >/dev/null 2>&1 && ok || bad "the saved session is not valid"

# 2. Everything else the window does, scripted; it must close cleanly.
cat >"$d/tour.input" <<'IN'
0 key space
5 key period
6 key period
10 key Right
11 key Left
12 key End
13 key Home
14 key plus
15 key minus
16 key 0
20 key question
25 key question
30 move 640 780
31 click timeline:12s
40 drag node:1 node:2
45 drag node:1 node:2
50 click node:3
51 key t
52 key Escape
60 click 5 5
70 quit
IN
xvfb_run "$kraftlab" watch scenarios/quickstart.json --fixed-step 16ms --input "$d/tour.input" \
    --save "$d/tour.json" >"$d/out2" 2>"$d/err2"
rc=$?
[ "$rc" = 0 ] && ok || bad "scripted tour exited $rc: $(cat "$d/err2")"
grep -q "^session trace_hash" "$d/out2" && ok || bad "the scripted tour printed no hash"

# 2b. A scenario with a producer: click its box (the inspector), a node, scrub over the
# crash and its error badge; the window closes cleanly.
cat >"$d/producer.input" <<'IN'
0 key space
20 click producer:checkout
25 key period
30 click timeline:10.001s
35 click producer:checkout
40 click timeline:22.5s
45 click node:1
46 key Escape
50 quit
IN
xvfb_run "$kraftlab" watch tests/viz/producers.json --no-tour --fixed-step 16ms \
    --input "$d/producer.input" >"$d/out5" 2>"$d/err5"
rc=$?
[ "$rc" = 0 ] && ok || bad "producer session exited $rc: $(cat "$d/err5")"
grep -q "names nothing" "$d/err5" && bad "producer:checkout named nothing: $(cat "$d/err5")" || ok

# 2c. A scenario with a consumer group: click each member's box (the inspector), scrub
# into the rebalance, step, click a node; the window closes cleanly.
cat >"$d/group.input" <<'IN'
0 key space
20 click consumer:billing/0
25 key period
30 click timeline:26.5s
35 click consumer:billing/1
40 click timeline:27.45s
41 key period
45 click node:1
46 key Escape
50 quit
IN
xvfb_run "$kraftlab" watch tests/viz/groups.json --no-tour --fixed-step 16ms \
    --input "$d/group.input" >"$d/out6" 2>"$d/err6"
rc=$?
[ "$rc" = 0 ] && ok || bad "group session exited $rc: $(cat "$d/err6")"
grep -q "names nothing" "$d/err6" && bad "consumer:billing/N named nothing: $(cat "$d/err6")" || ok

# 3. Bad input files are rejected with file:line and exit 2.
printf '5 click\n' >"$d/bad.input"
xvfb_run "$kraftlab" watch scenarios/quickstart.json --input "$d/bad.input" >/dev/null 2>"$d/err3"
rc=$?
[ "$rc" = 2 ] && grep -q "bad.input:1: error" "$d/err3" && ok || bad "a bad input file gave $rc"

# 4. No display: exit 3 with a message.
DISPLAY= WAYLAND_DISPLAY= SDL_VIDEODRIVER=x11 "$kraftlab" watch scenarios/quickstart.json \
    --frames 1 >/dev/null 2>"$d/err4"
rc=$?
[ "$rc" = 3 ] && ok || bad "without a display watch exited $rc"

rm -rf "$d"
echo "viewer: $pass passed, $fail failed"
[ "$fail" = 0 ]
