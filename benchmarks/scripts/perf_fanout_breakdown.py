#!/usr/bin/env python3
"""Splits the perf samples of one kind of thread by where its kernel time goes in a UDP fan-out.

Usage (as root, while the fan-out harness runs; see BENCHMARKS.md, "Relay fan-out, session 5"):

    perf record -e cpu-clock -g -p <pid> -o fanout.data -- sleep 5
    perf script -i fanout.data -F comm,ip,sym,dso | python3 perf_fanout_breakdown.py smoothcast-rela

The argument is the start of the threads' name as the kernel keeps it (15 characters):
``smoothcast-rela`` for the relay's I/O threads, ``udpsrc0`` for GStreamer's udpsrc thread.

Each sample is put in one bucket by the kernel functions on its call chain (the first rule that
matches wins): user space; the loopback receive that the sending thread runs itself in softirq
(split into waking the receiving socket's reader and the rest); the send path (route lookup,
freeing sent buffers, building the skb and copying the payload from user memory, IP output and
the loopback device); epoll_wait; recv. On a real network the loopback receive and the wake-ups
happen on the subscribers' machines; the NIC driver's transmit work takes their place.
"""
import collections
import sys

WAKE = {'try_to_wake_up', 'ep_poll_callback', '__wake_up_common', '__wake_up_sync_key', 'sock_def_readable',
        'ttwu_do_activate', 'native_send_call_func_single_ipi', '__smp_call_single_queue'}
LOOPBACK_RECEIVE = {'__netif_receive_skb_one_core', 'process_backlog', 'net_rx_action',
                    '__netif_receive_skb_core.constprop.0', 'ip_local_deliver_finish', 'udp_unicast_rcv_skb'}
SEND = {'__sys_sendmmsg', '__x64_sys_sendmmsg', 'udp_sendmsg', '__sys_sendmsg', '___sys_sendmsg'}
ROUTE = {'ip_route_output_flow', 'ip_route_output_key_hash', 'ip_route_output_key_hash_rcu', 'fib_table_lookup',
         '__ip_dev_find'}
FREE = {'skb_defer_free_flush', 'sock_wfree', 'consume_skb', 'kfree_skb', 'skb_release_data', 'kfree_skbmem'}
BUILD = {'__ip_make_skb', 'ip_make_skb', '__ip_append_data', '_copy_from_iter', '__alloc_skb', 'ip_generic_getfrag'}
OUTPUT = {'__dev_queue_xmit', 'ip_finish_output2', 'loopback_xmit', 'ip_output', 'ip_send_skb', 'udp_send_skb'}
EPOLL = {'do_epoll_wait', '__x64_sys_epoll_wait', 'ep_poll', '__x64_sys_epoll_pwait'}
RECV = {'__x64_sys_recvmmsg', '__sys_recvmmsg', '__x64_sys_recvmsg', '__sys_recvmsg', 'udp_recvmsg',
        '__x64_sys_recvfrom'}


def bucket(chain):
    """chain: [(is_kernel, symbol)], leaf first."""
    if not chain or not chain[0][0]:
        return 'user space (JIT code, JVM, native libraries)'
    kernel = {name for is_kernel, name in chain if is_kernel}
    if kernel & LOOPBACK_RECEIVE:
        if kernel & WAKE:
            return 'kernel: loopback receive, waking the reader (sock_def_readable, ep_poll_callback, ttwu)'
        return 'kernel: loopback receive, the rest (ip_rcv, socket lookup, enqueue)'
    if kernel & SEND:
        if kernel & ROUTE:
            return 'kernel: send, route lookup'
        if kernel & FREE:
            return 'kernel: send, freeing sent skbs'
        if kernel & BUILD:
            return 'kernel: send, skb build and copy from user'
        if kernel & OUTPUT:
            return 'kernel: send, IP output and loopback device'
        return 'kernel: send, syscall entry and message headers'
    if kernel & EPOLL:
        return 'kernel: epoll_wait'
    if kernel & RECV:
        return 'kernel: recv'
    return 'kernel: other'


def samples(lines, prefix):
    comm, chain = None, []
    for line in lines:
        if not line.strip():
            if comm is not None and comm.startswith(prefix):
                yield chain
            comm, chain = None, []
        elif not line[0].isspace():
            comm, chain = line.split()[0], []
        else:
            parts = line.strip().split(None, 1)
            if len(parts) == 2:
                symbol = parts[1]
                name = symbol.split(' (')[0].split('+')[0]
                chain.append(('kernel.kallsyms' in symbol, name))
    if comm is not None and comm.startswith(prefix):
        yield chain


def main():
    prefix = sys.argv[1]
    counts = collections.Counter(bucket(chain) for chain in samples(sys.stdin, prefix))
    total = sum(counts.values())
    if total == 0:
        sys.exit(f'no samples of threads named {prefix}*')
    for name, count in counts.most_common():
        print(f'{100.0 * count / total:6.1f} %  {name}')
    print(f'{total} samples')


if __name__ == '__main__':
    main()
