#!/usr/bin/env python3
"""QoE_lin of an ideal continuous encoder that follows a share k of a Norway trace's capacity.

Each one-second segment's (as many as the harness's run: the trace's length, at most 300) bitrate is k x the trace's mean capacity in that segment (net of the
48 B of headers per 1200 B packet, at least the 240 kbit/s floor): no lag, no stall, no sawtooth;
QoE_lin = mean bitrate - mean |change between segments| (Mbit/s), as the harness computes it.
Comparing a controller's QoE_lin with this line tells at which share of the capacity an ideal
follower scores the same, and NAME=NEEDED prints the share an ideal follower needs to score
NEEDED (e.g. 1.15 x the best baseline's mean over TraceOffsetSweep's draws).

usage (from the repo root): benchmarks/scripts/capacity_follower.py norway-car-2=0.759 norway-tram-10
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('abr_bounds', os.path.join(HERE, 'abr_bounds.py'))
abr_bounds = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(abr_bounds)

SHARES = [0.75, 0.8, 0.85, 0.9, 0.95, 1.0]
MAX_TRACE_S = 300  # the harness runs a trace for its own length, at most this long


def segments_of(name):
    """How many one-second segments the harness's run of this trace has."""
    rows = [l.split() for l in open('traces/norway/' + name.replace('-', '_'))
            if l.strip() and not l.startswith('#')]
    starts = [float(r[0]) for r in rows]
    length = starts[-1] + starts[-1] / (len(starts) - 1)
    return int(min(MAX_TRACE_S, length))


def qoe(bitrates):
    change = sum(abs(bitrates[i] - bitrates[i - 1]) for i in range(1, len(bitrates)))
    return (sum(bitrates) - change) / len(bitrates)


def follower(capacity, share):
    return qoe([max(abr_bounds.FLOOR, share * c) for c in capacity])


def share_needed(capacity, needed):
    low, high = 0.3, 1.5
    if follower(capacity, high) < needed:
        return float('nan')
    for _ in range(50):
        mid = (low + high) / 2
        if follower(capacity, mid) < needed:
            low = mid
        else:
            high = mid
    return high


def main(args):
    if not args:
        print(__doc__)
        return 2
    print('| trace | capacity mean (media, Mbit/s) | its change term | '
          + ' | '.join('k = %.2f' % k for k in SHARES) + ' | k needed |')
    print('|---|---:|---:|' + '---:|' * len(SHARES) + '---:|')
    for arg in args:
        name, _, needed = arg.partition('=')
        capacity = abr_bounds.capacity_segments(name, segments_of(name))
        change = sum(abs(capacity[i] - capacity[i - 1]) for i in range(1, len(capacity))) / len(capacity)
        cells = ' | '.join('%.3f' % follower(capacity, k) for k in SHARES)
        need = '%.3f for %s' % (share_needed(capacity, float(needed)), needed) if needed else '-'
        print('| %s | %.3f | %.3f | %s | %s |' % (name, sum(capacity) / len(capacity), change, cells, need))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
