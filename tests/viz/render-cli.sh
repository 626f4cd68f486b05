#!/bin/sh
# render-cli.sh — end-to-end tests of `kraftlab render` and `kraftlab run --plot`.
#
# Goal: render writes PNGs of the requested size at an instant or as numbered frames,
# byte-identical when repeated, with and without topics, producers and consumer groups; bad usage exits 2, an unreadable scenario or an
# unwritable file exits 3; --plot writes its chart and leaves the run unchanged (same
# trace_hash and summary as without it).
# Method: run the command as a user would; read PNG sizes from the IHDR chunk.
# Usage: render-cli.sh [KRAFTLAB]   (default build/kraftlab); run from the repository root.
kraftlab=${1:-build/kraftlab}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
q=scenarios/quickstart.json

# The width and height of a PNG, "WxH", from its IHDR chunk (bytes 16..23, big-endian).
png_size() {
    od -An -tu1 -j16 -N8 "$1" 2>/dev/null |
        awk '{ printf "%dx%d", (($1*256+$2)*256+$3)*256+$4, (($5*256+$6)*256+$7)*256+$8 }'
}
expect_exit() { # CODE WHAT COMMAND...
    want=$1
    what=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" = "$want" ]; then ok; else bad "$what: exit $rc, wanted $want: $(head -c 300 "$tmp/err")"; fi
}
hash_of() { "$kraftlab" run "$@" --json 2>/dev/null | sed -n 's/.*"trace_hash": "\([0-9a-f]*\)".*/\1/p'; }

# 1. Help lists every flag.
expect_exit 0 "render --help" "$kraftlab" render --help
for flag in --out --at --from --to --fps --size --seed --set --until; do
    if grep -q -- "$flag" "$tmp/out"; then ok; else bad "render --help does not mention $flag"; fi
done

# 2. One picture: default size, a given size, and the same bytes twice.
expect_exit 0 "render --at" "$kraftlab" render $q --out "$tmp/a.png" --at 9s
[ "$(png_size "$tmp/a.png")" = "1280x800" ] && ok || bad "default size is $(png_size "$tmp/a.png")"
expect_exit 0 "render --size" "$kraftlab" render $q --out "$tmp/b.png" --at 9s --size 640x400
[ "$(png_size "$tmp/b.png")" = "640x400" ] && ok || bad "--size 640x400 gave $(png_size "$tmp/b.png")"
expect_exit 0 "render tiny" "$kraftlab" render $q --out "$tmp/t.png" --at 9s --size 64x64
[ "$(png_size "$tmp/t.png")" = "64x64" ] && ok || bad "--size 64x64 gave $(png_size "$tmp/t.png")"
expect_exit 0 "render again" "$kraftlab" render $q --out "$tmp/c.png" --at 9s
cmp -s "$tmp/a.png" "$tmp/c.png" && ok || bad "two renders of the same instant differ"
expect_exit 0 "render at the end" "$kraftlab" render $q --out "$tmp/end.png"
expect_exit 0 "render at the end explicitly" "$kraftlab" render $q --out "$tmp/end2.png" --at 30s
cmp -s "$tmp/end.png" "$tmp/end2.png" && ok || bad "the default instant is not the end"
cmp -s "$tmp/a.png" "$tmp/end.png" && bad "different instants gave the same picture" || ok
expect_exit 0 "render --seed" "$kraftlab" render $q --out "$tmp/s.png" --at 9s --seed 99
cmp -s "$tmp/a.png" "$tmp/s.png" && bad "--seed changed nothing" || ok

# 2b. A scenario with topics: the partitions panel draws; the same bytes twice; the picture
# changes when the leader of orders-0 moves (crash at 20 s, fenced about 9 s later).
tv=tests/viz/topics.json
expect_exit 0 "check $tv" "$kraftlab" check $tv
expect_exit 0 "render topics" "$kraftlab" render $tv --out "$tmp/p1.png" --at 30s
[ "$(png_size "$tmp/p1.png")" = "1280x800" ] && ok || bad "topics: size $(png_size "$tmp/p1.png")"
expect_exit 0 "render topics again" "$kraftlab" render $tv --out "$tmp/p2.png" --at 30s
cmp -s "$tmp/p1.png" "$tmp/p2.png" && ok || bad "two renders of topics at 30 s differ"
expect_exit 0 "render topics before the crash" "$kraftlab" render $tv --out "$tmp/p0.png" --at 19s
cmp -s "$tmp/p0.png" "$tmp/p1.png" && bad "topics: 19 s and 30 s look the same" || ok
expect_exit 0 "render topics small" "$kraftlab" render $tv --out "$tmp/p3.png" --at 30s --size 320x200

# 2c. A scenario with a producer: its box, messages and error badge draw; the same bytes
# twice; the badge right after the crash (10 s) makes that frame differ from one a second
# earlier and from one drawn after the badge's second.
pv=tests/viz/producers.json
expect_exit 0 "check $pv" "$kraftlab" check $pv
expect_exit 0 "render producers" "$kraftlab" render $pv --out "$tmp/r1.png" --at 10.001s
[ "$(png_size "$tmp/r1.png")" = "1280x800" ] && ok || bad "producers: size $(png_size "$tmp/r1.png")"
expect_exit 0 "render producers again" "$kraftlab" render $pv --out "$tmp/r2.png" --at 10.001s
cmp -s "$tmp/r1.png" "$tmp/r2.png" && ok || bad "two renders of producers at 10.001 s differ"
expect_exit 0 "render producers small" "$kraftlab" render $pv --out "$tmp/r3.png" --at 10.001s --size 320x200
expect_exit 0 "render producer frames" "$kraftlab" render $pv --out "$tmp/rf.png" --from 9.999s --to 10.003s --fps 1000
n=$(ls "$tmp" | grep -c '^rf-[0-9][0-9][0-9][0-9]\.png$')
[ "$n" = 5 ] && ok || bad "producer frames: $n, wanted 5"

# 2d. A scenario with a consumer group: its boxes and panel draw; the same bytes twice;
# the rebalance after member 1's session expires (about 25.4 s to 27.5 s) changes the
# picture: during it the frame differs from one before it and from one after it.
gv=tests/viz/groups.json
expect_exit 0 "check $gv" "$kraftlab" check $gv
expect_exit 0 "render groups" "$kraftlab" render $gv --out "$tmp/g1.png" --at 26.5s
[ "$(png_size "$tmp/g1.png")" = "1280x800" ] && ok || bad "groups: size $(png_size "$tmp/g1.png")"
expect_exit 0 "render groups again" "$kraftlab" render $gv --out "$tmp/g2.png" --at 26.5s
cmp -s "$tmp/g1.png" "$tmp/g2.png" && ok || bad "two renders of groups at 26.5 s differ"
expect_exit 0 "render groups before" "$kraftlab" render $gv --out "$tmp/g0.png" --at 24s
expect_exit 0 "render groups after" "$kraftlab" render $gv --out "$tmp/g3.png" --at 35s
cmp -s "$tmp/g0.png" "$tmp/g1.png" && bad "groups: 24 s and 26.5 s look the same" || ok
cmp -s "$tmp/g1.png" "$tmp/g3.png" && bad "groups: 26.5 s and 35 s look the same" || ok
expect_exit 0 "render groups small" "$kraftlab" render $gv --out "$tmp/g4.png" --at 27.45s --size 320x200
expect_exit 0 "render groups frames" "$kraftlab" render $gv --out "$tmp/gf.png" --from 27.44s --to 27.46s --fps 500
n=$(ls "$tmp" | grep -c '^gf-[0-9][0-9][0-9][0-9]\.png$')
[ "$n" = 11 ] && ok || bad "group frames: $n, wanted 11"

# 3. Frames: numbered PATH-0001.png ..., or a printf pattern.
expect_exit 0 "frames" "$kraftlab" render $q --out "$tmp/f.png" --from 1s --to 1.1s --fps 100
n=$(ls "$tmp" | grep -c '^f-[0-9][0-9][0-9][0-9]\.png$')
[ "$n" = 11 ] && ok || bad "--from 1s --to 1.1s --fps 100 wrote $n frames, wanted 11"
[ -f "$tmp/f-0001.png" ] && [ -f "$tmp/f-0011.png" ] && [ ! -f "$tmp/f-0012.png" ] && ok ||
    bad "frames are not numbered 0001..0011"
mkdir "$tmp/frames"
expect_exit 0 "frames with a pattern" \
    "$kraftlab" render $q --out "$tmp/frames/x%03d.png" --from 8s --to 8.002s --fps 1000 --size 320x200
[ -f "$tmp/frames/x001.png" ] && [ -f "$tmp/frames/x003.png" ] && [ ! -f "$tmp/frames/x004.png" ] &&
    ok || bad "pattern frames: $(ls "$tmp/frames" | tr '\n' ' ')"
[ "$(png_size "$tmp/frames/x002.png")" = "320x200" ] && ok || bad "frame size"

# 4. Bad usage exits 2 and draws nothing; environment problems exit 3.
expect_exit 2 "no --out" "$kraftlab" render $q
expect_exit 2 "no scenario" "$kraftlab" render --out "$tmp/x.png"
expect_exit 2 "--at with --from" "$kraftlab" render $q --out "$tmp/x.png" --at 1s --from 1s --to 2s
expect_exit 2 "--from without --to" "$kraftlab" render $q --out "$tmp/x.png" --from 1s
expect_exit 2 "--from after --to" "$kraftlab" render $q --out "$tmp/x.png" --from 2s --to 1s
expect_exit 2 "bad --size" "$kraftlab" render $q --out "$tmp/x.png" --size 12x12
expect_exit 2 "bad --size form" "$kraftlab" render $q --out "$tmp/x.png" --size big
expect_exit 2 "bad --at" "$kraftlab" render $q --out "$tmp/x.png" --at soon
expect_exit 2 "--at after the end" "$kraftlab" render $q --out "$tmp/x.png" --at 31s
expect_exit 2 "bad --fps" "$kraftlab" render $q --out "$tmp/x.png" --from 1s --to 2s --fps 0
expect_exit 2 "bad pattern" "$kraftlab" render $q --out "$tmp/%s.png" --from 1s --to 2s
expect_exit 2 "pattern without frames" "$kraftlab" render $q --out "$tmp/%d.png"
expect_exit 2 "unknown flag" "$kraftlab" render $q --out "$tmp/x.png" --colour red
[ ! -f "$tmp/x.png" ] && ok || bad "a usage error still wrote a picture"
printf '{"format": 1, "name": "broken", "cluster": {"controllers": 4, "brokers": 3}}\n' \
    >"$tmp/broken.json"
expect_exit 2 "invalid scenario" "$kraftlab" render "$tmp/broken.json" --out "$tmp/x.png"
expect_exit 3 "missing scenario" "$kraftlab" render "$tmp/nothing.json" --out "$tmp/x.png"
expect_exit 3 "unwritable --out" "$kraftlab" render $q --out "$tmp/no/such/dir/x.png"

# 5. run --plot: the chart, and the run is the same as without it.
for s in quickstart majority-split dedicated-fencing; do
    expect_exit 0 "run --plot $s" "$kraftlab" run scenarios/$s.json --quiet --plot "$tmp/$s-plot.png"
    [ "$(png_size "$tmp/$s-plot.png")" = "1200x720" ] && ok ||
        bad "$s plot size $(png_size "$tmp/$s-plot.png")"
    h1=$(hash_of scenarios/$s.json)
    h2=$(hash_of scenarios/$s.json --plot "$tmp/p.png")
    [ -n "$h1" ] && [ "$h1" = "$h2" ] && ok || bad "$s: --plot changed trace_hash ($h1 / $h2)"
    "$kraftlab" run scenarios/$s.json --json | grep -v -e wall_ms -e speedup >"$tmp/j1"
    "$kraftlab" run scenarios/$s.json --json --plot "$tmp/p.png" | grep -v -e wall_ms -e speedup \
        >"$tmp/j2"
    cmp -s "$tmp/j1" "$tmp/j2" && ok || bad "$s: --plot changed the summary"
done
expect_exit 3 "unwritable --plot" "$kraftlab" run $q --quiet --plot "$tmp/no/such/dir/p.png"
expect_exit 2 "--plot without a file" "$kraftlab" run $q --plot

echo "render-cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
