#!/usr/bin/env python3
"""Kernel functions' time per copy, inclusive (the function and what it calls) and self, for groups
of runs of kernel_per_copy.sh, side by side (BENCHMARKS.md, "Relay fan-out, session 10").

Usage: kernel_per_copy.py A1.data,A2.data B1.data,B2.data ...

With -Dharness.sink=ifb the copies end in ifb_xmit (freed there) instead of loopback_xmit and the
loopback receive (net_rx_action); BENCHMARKS.md, "Relay fan-out towards a dropping device".

Each group's figure is the mean over its runs, in nanoseconds per copy: a sample is 1/4000 s and a
run's 4 s window holds 400 000 copies, so one sample per run is 0.625 ns per copy.
"""
import collections
import subprocess
import sys

NS_PER_SAMPLE = 1e9 / 4000 / 400000
INCLUSIVE = [
    '__sys_sendmmsg', 'udpv6_sendmsg', 'udp_sendmsg', 'copy_msghdr_from_user', 'move_addr_to_kernel',
    'ip_route_output_flow', '__ip_dev_find', 'ip_make_skb', '__alloc_skb', 'allocate_slab', '_copy_from_iter',
    'udp_send_skb', 'ip_finish_output2', '__dev_queue_xmit', 'sch_direct_xmit', 'ifb_xmit', 'loopback_xmit',
    'sock_wfree', '__local_bh_enable_ip', 'net_rx_action', 'process_backlog',
    'skb_defer_free_flush', '__udp_enqueue_schedule_skb', 'sock_def_readable', 'do_epoll_wait', 'schedule']


def chains(path):
    out = subprocess.run(['perf', 'script', '-i', path, '-F', 'ip,sym'], capture_output=True, text=True).stdout
    chain = []
    for line in out.splitlines() + ['']:
        parts = line.split(None, 1)
        if not parts:
            if chain:
                yield chain
            chain = []
        elif parts[0].startswith('ffff'):
            chain.append(parts[1].split('+')[0] if len(parts) > 1 else '?')
        else:
            chain.append('[user]')


def group(paths):
    inclusive, own = collections.Counter(), collections.Counter()
    for path in paths:
        for chain in chains(path):
            inclusive['all'] += 1
            own[chain[0]] += 1
            for name in set(chain) & set(INCLUSIVE):
                inclusive[name] += 1
    scale = NS_PER_SAMPLE / len(paths)
    return ({k: v * scale for k, v in inclusive.items()}, {k: v * scale for k, v in own.items()})


def main():
    groups = [group(arg.split(',')) for arg in sys.argv[1:]]
    header = '%-42s' % 'ns per copy' + ''.join('%10s' % ('group %d' % i) for i in range(len(groups)))
    print(header + '   (inclusive)')
    rows = [('all samples', lambda g: g[0].get('all', 0)),
            ('kernel', lambda g: g[0].get('all', 0) - g[1].get('[user]', 0)),
            ('user', lambda g: g[1].get('[user]', 0))]
    rows += [(name, lambda g, n=name: g[0].get(n, 0)) for name in INCLUSIVE]
    for name, value in rows:
        print('%-42s' % name + ''.join('%10.0f' % value(g) for g in groups))
    print(header + '   (self, kernel, top 30)')
    names = collections.Counter()
    for _, own in groups:
        for k, v in own.items():
            if k != '[user]':
                names[k] = max(names[k], v)
    for name, _ in names.most_common(30):
        print('%-42s' % name[:42] + ''.join('%10.0f' % g[1].get(name, 0) for g in groups))


if __name__ == '__main__':
    main()
