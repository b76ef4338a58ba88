#!/usr/bin/env python3
"""Upper bounds on QoE_lin for a Norway trace, by dynamic programming with perfect foresight.

Two bounds, both ignoring stalls (any stall only lowers QoE_lin):
  capacity: the encoder bitrate of each one-second segment may not exceed the trace's mean
            capacity in that segment (net of the 48 B of headers per 1200 B packet);
  target:   it may not exceed our controller's mean target in that segment, taken from a run
            (RunSeriesDump): what any ABR can reach without sending over the target.
A ladder encoder picks from the default ladder (48k audio, 400k, 900k, 1.8M, 3.5M); a
continuous one any bitrate from the 240k floor up to 3.5M (5 kbit/s grid). QoE_lin per segment
is bitrate - |change from the previous segment|, in Mbit/s, averaged over the segments.

usage (from the repo root, after building the benchmarks jar):
  benchmarks/scripts/abr_bounds.py [--offset-ms MS] LADDER|CONTINUOUS norway-car-2 [more scenario names]
--offset-ms starts the media flow that much later (one draw of TraceOffsetSweep; RunSeriesDump's
fourth argument); the one-second segments then start at the 100 ms bin nearest the flow's start
and the capacity segments are shifted by the offset.
"""
import bisect
import subprocess
import sys

MEDIA_SHARE = 1200 / 1248
LADDER = [0.048, 0.4, 0.9, 1.8, 3.5]
FLOOR = 0.24
JAR = 'benchmarks/target/benchmarks.jar'


def capacity_segments(name, segments, offset_s=0.0):
    rows = [l.split() for l in open('traces/norway/' + name.replace('-', '_'))
            if l.strip() and not l.startswith('#')]
    starts = [float(r[0]) for r in rows]
    mbps = [float(r[1]) for r in rows]
    length = starts[-1] + starts[-1] / (len(starts) - 1)
    out = []
    for s in range(segments):
        total = 0.0
        for k in range(100):
            t = (offset_s + s + (k + 0.5) / 100) % length
            total += mbps[bisect.bisect_right(starts, t) - 1]
        out.append(total / 100 * MEDIA_SHARE)
    return out


def target_segments(name, encoder, offset_ms=0.0):
    lines = subprocess.run(['java', '-cp', JAR, 'io.smoothcast.benchmarks.scenarios.RunSeriesDump',
                            name, 'smoothcast-gcc', encoder, str(offset_ms)], capture_output=True,
                           text=True, check=True).stdout.splitlines()
    first_bin = int(round(offset_ms / 100))
    targets = [float(l.split()[3]) / 1e6 * MEDIA_SHARE for l in lines if l.startswith('B ')]
    targets = targets[first_bin:]
    frames = sum(1 for l in lines if l.startswith('F '))
    segments = min((frames + 15) // 30, len(targets) // 10)
    return [sum(targets[s * 10:(s + 1) * 10]) / 10 for s in range(segments)]


def ladder_bound(limits):
    low = -1e18
    value = [r if r <= limits[0] or r == LADDER[0] else low for r in LADDER]
    for limit in limits[1:]:
        value = [max(value[j] - abs(r - LADDER[j]) for j in range(len(LADDER))) + r
                 if r <= limit or r == LADDER[0] else low for r in LADDER]
    return max(value) / len(limits)


def continuous_bound(limits, step=0.005):
    size = int(3.5 / step) + 1
    grid = [k * step for k in range(size)]
    low = -1e18
    value = [g if FLOOR <= g <= max(limits[0], FLOOR) else low for g in grid]
    for limit in limits[1:]:
        best = value[:]  # best[k] = max over j of value[j] - |grid[k] - grid[j]|
        for k in range(1, size):
            best[k] = max(best[k], best[k - 1] - step)
        for k in range(size - 2, -1, -1):
            best[k] = max(best[k], best[k + 1] - step)
        value = [best[k] + grid[k] if FLOOR <= grid[k] <= max(limit, FLOOR) else low
                 for k in range(size)]
    return max(value) / len(limits)


def main():
    args = sys.argv[1:]
    offset_ms = 0.0
    if args and args[0] == '--offset-ms':
        offset_ms = float(args[1])
        args = args[2:]
    encoder = args[0]
    bound = ladder_bound if encoder == 'LADDER' else continuous_bound
    print('| trace | encoder | bound over capacity | bound over our target | our mean target (media, Mbit/s) |')
    print('|---|---|---:|---:|---:|')
    for name in args[1:]:
        targets = target_segments(name, encoder, offset_ms)
        capacity = capacity_segments(name, len(targets), offset_ms / 1000)
        print('| %s | %s | %.3f | %.3f | %.3f |' % (name, encoder, bound(capacity), bound(targets),
                                                    sum(targets) / len(targets)))


if __name__ == '__main__':
    main()
