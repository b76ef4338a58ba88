#!/usr/bin/env python3
"""Per run of kernel_per_copy.sh: the sending thread's kernel time per copy, split into the send
itself and the loopback receive it runs (BENCHMARKS.md, "Relay fan-out, session 11").

Usage: send_side_per_run.py RUN.data ...

For each run, in ns per copy (inclusive samples, as kernel_per_copy.py counts them): all kernel
samples, __sys_sendmmsg, the loopback receive into the subscriber sockets that runs inside it
(__local_bh_enable_ip), their difference (the send side, which a real network would leave to the
sender alone) and sock_wfree.
"""
import collections
import sys

import kernel_per_copy

WANTED = ('__sys_sendmmsg', '__local_bh_enable_ip', 'sock_wfree')

for path in sys.argv[1:]:
    inclusive = collections.Counter()
    kernel = 0
    for chain in kernel_per_copy.chains(path):
        if chain[0] != '[user]':
            kernel += 1
        for function in set(chain) & set(WANTED):
            inclusive[function] += 1
    ns = kernel_per_copy.NS_PER_SAMPLE
    send = inclusive['__sys_sendmmsg'] - inclusive['__local_bh_enable_ip']
    print('%s kernel=%.0f sendmmsg=%.0f loopback_rx=%.0f send_side=%.0f sock_wfree=%.0f' % (
        path, kernel * ns, inclusive['__sys_sendmmsg'] * ns, inclusive['__local_bh_enable_ip'] * ns, send * ns,
        inclusive['sock_wfree'] * ns))
