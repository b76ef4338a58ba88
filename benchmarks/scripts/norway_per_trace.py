#!/usr/bin/env python3
"""Per-trace comparison of the Norway runs in a Scenarios summary.json.

For each Norway trace: the trace's mean capacity over the run (read from traces/norway, with
the harness's rules: repeat after the end, run length clamped to 60-300 s), then for our
controller and each baseline the mean encoder bitrate, stall ratio, rendition switches and
QoE_lin split into its three terms (bitrate - 4.3 x stall - |change|), and ours / best baseline.

usage: benchmarks/scripts/norway_per_trace.py SUMMARY_JSON [TRACES_DIR]   (from the repo root)
"""
import bisect
import json
import sys
from pathlib import Path

OURS = 'smoothcast-gcc'
BASELINES = ['fixed-900k', 'loss-only', 'libjitsi-remb']


def trace_steps(path):
    rows = [line.split() for line in open(path) if line.strip() and not line.startswith('#')]
    starts = [float(r[0]) for r in rows]
    mbps = [float(r[1]) for r in rows]
    # The harness's length of a file without an end marker: the last start plus one mean step.
    length = starts[-1] + starts[-1] / (len(starts) - 1)
    return starts, mbps, length


def mean_capacity_mbps(path):
    starts, mbps, length = trace_steps(path)
    duration = max(60.0, min(300.0, length))
    bins = int(round(duration * 10))
    total = 0.0
    for b in range(bins):
        t = (b * 0.1 + 0.05) % length
        total += mbps[bisect.bisect_right(starts, t) - 1]
    return total / bins


def terms(run):
    bitrate = run['avgBitrateKbps'] / 1000
    rebuffer = 4.3 * run['stallRatio']
    return bitrate, rebuffer, bitrate - rebuffer - run['qoeLin']


def main():
    summary = json.load(open(sys.argv[1]))
    traces = Path(sys.argv[2] if len(sys.argv) > 2 else 'traces') / 'norway'
    runs = {}
    for r in summary:
        if r['scenario'].startswith('norway-'):
            runs.setdefault(r['scenario'], {})[r['controller']] = r
    print('| trace | mean capacity Mbit/s | controller | kbps | stall | switches | QoE_lin '
          '| = bitrate - rebuffer - change | ours / best baseline |')
    print('|---|---:|---|---:|---:|---:|---:|---|---:|')
    met = 0
    for name in sorted(runs):
        by = runs[name]
        capacity = mean_capacity_mbps(traces / name.replace('-', '_'))
        best = max(by[c]['qoeLin'] for c in BASELINES)
        ratio = by[OURS]['qoeLin'] / best
        met += ratio >= 1.15
        for c in [OURS] + BASELINES:
            r = by[c]
            b, reb, chg = terms(r)
            print('| %s | %s | %s | %.0f | %.4f | %d | %.3f | %.3f - %.3f - %.3f | %s |' % (
                name if c == OURS else '', '%.3f' % capacity if c == OURS else '', c,
                r['avgBitrateKbps'], r['stallRatio'], r['switches'], r['qoeLin'], b, reb, chg,
                '%.2f' % ratio if c == OURS else ('best' if r['qoeLin'] == best else '')))
    print()
    print('QoE_lin >= 1.15 x best baseline on %d of %d traces' % (met, len(runs)))


if __name__ == '__main__':
    main()
