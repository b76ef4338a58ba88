#!/usr/bin/env python3
"""Explains the slowest fan-outs of a RelayFanOutHarness run from a perf sched trace.

Usage (as root; see BENCHMARKS.md, "Relay fan-out, session 6"):

    java -Dharness.residenceDump=run.res ... RelayFanOutHarness 200 500 8 relay 1 &
    perf sched record -k CLOCK_MONOTONIC -o run.data -- sleep 3      # while it measures
    perf sched timehist -i run.data --state > run.timehist
    python3 sched_slowest_fanouts.py run.res run.timehist [top fraction, default 0.01]

``run.res`` has one line per datagram, "read stamp ns,residence ns" (System.nanoTime, which is
CLOCK_MONOTONIC, the clock the trace was recorded with). ``timehist`` gives one line per time
a task left a CPU: the end of its run, its CPU, how long it ran, how long it had waited while
runnable before (sch delay) and its state when it left (R: preempted while runnable).

For the datagrams of the trace's window whose residence is in the top fraction, the script
splits each residence into the relay threads' time on a CPU, their time runnable but waiting
(and which tasks ran on that CPU meanwhile), and the rest (off the CPU and not runnable: the
thread was asleep, which for a fan-out in progress should not happen); with several relay
threads it sums their times instead, which overlap. It does the same for
all datagrams, and prints the relay threads' wake-up delays (the time between the datagram's
arrival waking the thread and its read, which residence does not include).
"""
import collections
import re
import sys

LINE = re.compile(r'^\s*(\d+\.\d+)\s+\[(\d+)\]\s+(.+?)(?:\[(\d+)(?:/(\d+))?\])?\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\S+)')
RELAY = 'smoothcast-rela'


def load_runs(path):
    """Per task: list of (run start, run end, runnable since, cpu, state); per cpu: runs."""
    by_task = collections.defaultdict(list)
    by_cpu = collections.defaultdict(list)
    names = {}
    pids = {}
    with open(path) as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            end = float(m.group(1))
            cpu = int(m.group(2))
            name = m.group(3).strip()
            tid = int(m.group(4) or 0)  # 0: <idle>
            delay = float(m.group(7)) / 1e3
            run = float(m.group(8)) / 1e3
            state = m.group(9)
            start = end - run
            names[tid] = name
            pids[tid] = int(m.group(5) or m.group(4) or 0)
            by_task[tid].append((start, end, start - delay, cpu, state))
            by_cpu[cpu].append((start, end, tid))
    # A task that left its CPU still runnable (preempted, R, or being moved to another CPU, W)
    # waited from that moment: timehist's sch delay counts only from a wake-up.
    for tid, runs in by_task.items():
        runs.sort()
        for i in range(1, len(runs)):
            start, end, runnable, cpu, state = runs[i]
            if runs[i - 1][4] in ('R', 'R+', 'W'):
                runs[i] = (start, end, min(runnable, runs[i - 1][1]), cpu, state)
    return by_task, by_cpu, names, pids


def overlap(a0, a1, b0, b1):
    return max(0.0, min(a1, b1) - max(a0, b0))


def split(window, relay_runs, by_cpu, kinds, relay_tids):
    """(on cpu, runnable waiting, who ran while waiting: Counter name -> s, and what the other
    CPUs did meanwhile) within window."""
    w0, w1 = window
    on = waiting = 0.0
    others = collections.Counter()
    elsewhere = collections.Counter()
    for start, end, runnable, cpu, _ in relay_runs:
        if end < w0 or runnable > w1:
            continue
        on += overlap(w0, w1, start, end)
        wait = overlap(w0, w1, runnable, start)
        if wait > 0:
            waiting += wait
            lo, hi = max(w0, runnable), min(w1, start)
            for s, e, tid in by_cpu[cpu]:
                if e < lo or s > hi or tid in relay_tids:
                    continue
                others[kinds[tid]] += overlap(lo, hi, s, e)
            for other_cpu, runs in by_cpu.items():
                if other_cpu == cpu:
                    continue
                for s, e, tid in runs:
                    if e >= lo and s <= hi:
                        elsewhere[kinds[tid]] += overlap(lo, hi, s, e)
    return on, waiting, others, elsewhere


def kind(name, own_process):
    if name == '<idle>':
        return 'nothing (idle)'
    if name.startswith(('ksoftirqd', 'kworker', 'migration', 'rcu', 'perf')):
        return 'kernel threads, perf'
    if not own_process:
        return 'other processes'
    if name.startswith('harness-reader'):
        return 'harness reader'
    if name == 'java':
        return 'harness main thread (publisher)'
    if name.startswith(('C2 Compiler', 'C1 Compiler', 'GC ', 'G1 ', 'VM ')):
        return 'own JVM (JIT, GC, VM)'
    return 'own JVM, other threads'


def main():
    res_path, hist_path = sys.argv[1], sys.argv[2]
    top = float(sys.argv[3]) if len(sys.argv) > 3 else 0.01
    by_task, by_cpu, names, pids = load_runs(hist_path)
    # Other JVMs on the machine may run relays too (integration tests): keep the process whose
    # relay threads ran most often, the harness.
    runs_per_pid = collections.Counter()
    for t, n in names.items():
        if n.startswith(RELAY):
            runs_per_pid[pids[t]] += len(by_task[t])
    harness_pid = runs_per_pid.most_common(1)[0][0]
    relay_tids = {t for t, n in names.items() if n.startswith(RELAY) and pids[t] == harness_pid}
    kinds = {t: kind(n, pids[t] == harness_pid) for t, n in names.items()}
    relay_runs = sorted(r for t in relay_tids for r in by_task[t])
    t0 = min(r[0] for r in relay_runs)
    t1 = max(r[1] for r in relay_runs)
    datagrams = []
    with open(res_path) as f:
        for line in f:
            stamp, residence = line.strip().split(',')
            s = int(stamp) / 1e9
            r = int(residence) / 1e9
            if s >= t0 and s + r <= t1:
                datagrams.append((r, s))
    datagrams.sort(reverse=True)
    n_top = max(1, int(len(datagrams) * top))
    for label, chosen in (('slowest %d of %d datagrams in the trace window' % (n_top, len(datagrams)),
                           datagrams[:n_top]), ('all %d datagrams in the trace window' % len(datagrams), datagrams)):
        total = on = waiting = 0.0
        others = collections.Counter()
        elsewhere = collections.Counter()
        for r, s in chosen:
            o, w, who, other_cpus = split((s, s + r), relay_runs, by_cpu, kinds, relay_tids)
            total += r
            on += o
            waiting += w
            others.update(who)
            elsewhere.update(other_cpus)
        k = len(chosen)
        if len(relay_tids) == 1:
            print('%s: mean residence %.3f ms = on a CPU %.3f + runnable, waiting %.3f + neither %.3f' % (
                label, total / k * 1e3, on / k * 1e3, waiting / k * 1e3, (total - on - waiting) / k * 1e3))
        else:  # the threads overlap in time: their sums are not parts of the residence
            print('%s: mean residence %.3f ms; summed over the %d relay threads: on a CPU %.3f,'
                  ' runnable, waiting %.3f' % (label, total / k * 1e3, len(relay_tids), on / k * 1e3,
                                               waiting / k * 1e3))
        for name, t in others.most_common():
            print('    while waiting, on its CPU: %-32s %.3f ms per datagram' % (name, t / k * 1e3))
        for name, t in elsewhere.most_common():
            print('    while waiting, other CPUs: %-32s %.3f ms per datagram' % (name, t / k * 1e3))
    delays = sorted(r[0] - r[2] for r in relay_runs)
    preempted = sum(1 for r in relay_runs if r[4] in ('R', 'R+', 'W'))
    q = lambda p: delays[min(len(delays) - 1, int(len(delays) * p))] * 1e3
    print('relay threads: %d runs, %d left their CPU runnable (state R or W); delay before a run'
          ' p50 %.3f / p90 %.3f / p99 %.3f / max %.3f ms' % (len(relay_runs), preempted, q(0.5), q(0.9), q(0.99),
                                                          delays[-1] * 1e3))


if __name__ == '__main__':
    main()
