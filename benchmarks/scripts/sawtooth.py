#!/usr/bin/env python3
"""The controller's sawtooth in one run, from RunSeriesDump's output.

Reads the B lines (100 ms bins: index, capacity bit/s, first media flow's target bit/s, queue
ms) and prints, for the target series: decreases per minute (a fall of more than 5 % from one
bin to the next, as in BENCHMARKS.md "Session 4: Norway per trace"), their mean depth, the mean
queue in the bin before a decrease, the mean target, and the target's own change term: the mean
|difference| between consecutive one-second means in Mbit/s, which is what QoE_lin charges a
CONTINUOUS encoder that follows the target exactly. In a steady sawtooth the falls add up to the
rises, so this term is set by how fast the target rises, not by how deep each fall is.

usage: java -cp benchmarks/target/benchmarks.jar io.smoothcast.benchmarks.scenarios.RunSeriesDump \\
           norway-car-2 smoothcast-gcc CONTINUOUS | benchmarks/scripts/sawtooth.py
"""
import sys


def main():
    bins = []
    for line in sys.stdin:
        parts = line.split()
        if parts and parts[0] == 'B':
            bins.append((float(parts[2]), float(parts[3]), float(parts[4])))
    targets = [b[1] for b in bins]
    while targets and targets[-1] == 0:
        targets.pop()
    if len(targets) < 20:
        print('too few bins with a target')
        return 1
    depths = []
    queues = []
    for i in range(1, len(targets)):
        before, after = targets[i - 1], targets[i]
        if before > 0 and after < 0.95 * before:
            depths.append(1 - after / before)
            queues.append(bins[i - 1][2])
    minutes = len(targets) / 600.0
    seconds = [sum(targets[s:s + 10]) / 10 for s in range(0, len(targets) - 9, 10)]
    change = sum(abs(seconds[k] - seconds[k - 1]) for k in range(1, len(seconds))) / max(1, len(seconds) - 1)
    print('decreases/min %.1f  mean depth %.1f %%  mean queue before %.0f ms  mean target %.0f kbit/s  '
          'target change term %.3f Mbit/s' % (
              len(depths) / minutes, 100 * sum(depths) / max(1, len(depths)),
              sum(queues) / max(1, len(queues)), sum(targets) / len(targets) / 1000, change / 1e6))
    return 0


if __name__ == '__main__':
    sys.exit(main())
