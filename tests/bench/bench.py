#!/usr/bin/python3
"""bench.py — speed and memory of whole runs, measured, never asserted.

Runs each case of CASES with `kraftlab run --json`, takes the median wall time of
REPEAT runs, the events and virtual time from the summary, and the peak resident memory
of the process; prints a table and writes build/bench.json. The figures are recorded in
docs/performance.md by hand when an issue asks for them.
Usage: bench.py KRAFTLAB
"""
import json
import os
import shutil
import subprocess
import tempfile
import sys
import time

REPEAT = 5
CASES = [
    ("quickstart (3 nodes, 30 s)", ["scenarios/quickstart.json"]),
    ("chaos-quorum (5 voters, lossy, 60 s)", ["scenarios/chaos-quorum.json"]),
    ("9 voters, 10 min idle", ["scenarios/quickstart.json", "--set", "duration=10m",
                               "--set", "cluster/controllers=9", "--set", "cluster/brokers=9"]),
    ("dedicated 3+3, 10 min", ["scenarios/dedicated-fencing.json", "--set", "duration=10m"]),
]


def run(kraftlab, args):
    """One run: wall time, the summary, and this process's own peak RSS (wait4)."""
    with tempfile.TemporaryFile() as out:
        t0 = time.monotonic()
        proc = subprocess.Popen([kraftlab, "run", *args, "--json"], stdout=out,
                                stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = (time.monotonic() - t0) * 1000.0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):
            sys.exit(f"bench: kraftlab run {' '.join(args)} exited {proc.returncode}")
        out.seek(0)
        return wall, json.loads(out.read()), usage.ru_maxrss


def window_fps(kraftlab):
    """Frames per second the real window loop sustains (0 when Xvfb is missing): the
    time of 600 frames minus the time of 1 frame (window and Xvfb start-up)."""
    if shutil.which("xvfb-run") is None:
        return 0
    def timed(frames):
        t0 = time.monotonic()
        subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", kraftlab, "watch",
                        "scenarios/quickstart.json", "--no-tour", "--frames", str(frames)],
                       capture_output=True, check=True)
        return time.monotonic() - t0
    base = min(timed(1) for _ in range(3))
    full = min(timed(601) for _ in range(3))
    return 600 / max(full - base, 1e-6)


def main():
    kraftlab = sys.argv[1]
    rows = []
    for name, args in CASES:
        walls, summary, peak = [], None, 0
        for _ in range(REPEAT):
            wall, summary, peak = run(kraftlab, args)
            walls.append(wall)
        walls.sort()
        wall = walls[len(walls) // 2]
        events = summary["events"]
        rows.append({
            "case": name,
            "virtual_ms": summary["virtual_ms"],
            "events": events,
            "wall_ms": round(wall, 1),
            "events_per_s": round(events / (wall / 1000.0)),
            "speedup": round(summary["virtual_ms"] / wall, 1),
            "peak_rss_kib": peak,
        })
    print(f"{'case':40} {'virtual':>9} {'events':>9} {'wall ms':>9} {'events/s':>11} "
          f"{'speedup':>9} {'peak RSS':>10}")
    for r in rows:
        print(f"{r['case']:40} {r['virtual_ms'] / 1000:8.0f}s {r['events']:9d} "
              f"{r['wall_ms']:9.1f} {r['events_per_s']:11d} {r['speedup']:8.0f}x "
              f"{r['peak_rss_kib'] / 1024:8.1f}MiB")
    viz = json.loads(subprocess.run([os.path.join(os.path.dirname(kraftlab), "bench_viz")],
                                    capture_output=True, text=True, check=True).stdout)
    print(f"viewer: one frame of 9 nodes at 1280x800: {viz['frame_9_nodes_ms_mean']:.2f} ms mean,"
          f" {viz['frame_9_nodes_ms_max']:.2f} ms max (up to {viz['frame_messages_max']} messages"
          f" drawn); scrub back 5 min in a 10 min run: {viz['scrub_back_5min_ms']:.1f} ms"
          f" ({viz['checkpoints']} checkpoints, {viz['checkpoint_bytes'] / 1024:.0f} KiB)")
    viz["window_fps"] = window_fps(kraftlab)
    if viz["window_fps"]:
        print(f"viewer window under Xvfb (software rendering, no vsync): "
              f"{viz['window_fps']:.0f} frames per second at x1 on quickstart")
    with open("build/bench.json", "w") as f:
        json.dump({"repeat": REPEAT, "cases": rows, "viewer": viz}, f, indent=2)
        f.write("\n")
    print("wrote build/bench.json (median wall time of %d runs; peak RSS of the process)"
          % REPEAT)


if __name__ == "__main__":
    main()
