// The cost of a sending socket being in an epoll set (BENCHMARKS.md, "Relay fan-out, session 10").
// One IPv4 socket bound to the wildcard sends PACKETS times one 1 120-byte datagram to 200 loopback
// sockets with one sendmmsg each (as multiudpsink and the relay do); with POLLED=1 the socket is
// first added to an epoll set (EPOLLIN | EPOLLET, as Netty registers it), which is never waited on.
// Prints the thread's CPU time per copy inside sendmmsg. Compare the two under perf:
//   gcc -O2 -o /tmp/epoll_send_wakeup benchmarks/scripts/epoll_send_wakeup.c
//   perf record -g -e cpu-clock -F 4000 -o P.data -- /tmp/epoll_send_wakeup POLLED 2000
//   perf report -i P.data --children --stdio -g none | grep -E ' (sock_wfree|__sys_sendmmsg)$'
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#define N 200
int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s POLLED(0|1) PACKETS\n", argv[0]); return 2; }
    int polled = atoi(argv[1]), packets = atoi(argv[2]);
    int rx[N]; struct sockaddr_in to[N];
    for (int i = 0; i < N; i++) {
        rx[i] = socket(AF_INET, SOCK_DGRAM, 0);
        int sz = 1 << 20; setsockopt(rx[i], SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        bind(rx[i], (void *)&a, sizeof a); socklen_t l = sizeof to[i]; getsockname(rx[i], (void *)&to[i], &l);
    }
    int tx = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in any = {.sin_family = AF_INET};
    bind(tx, (void *)&any, sizeof any);
    if (polled) {
        int ep = epoll_create1(0); struct epoll_event ev = {.events = EPOLLIN | EPOLLET};
        epoll_ctl(ep, EPOLL_CTL_ADD, tx, &ev);
    }
    static char buf[1120]; struct iovec iov = {buf, sizeof buf};
    struct mmsghdr m[N]; memset(m, 0, sizeof m);
    for (int i = 0; i < N; i++) { m[i].msg_hdr.msg_name = &to[i]; m[i].msg_hdr.msg_namelen = sizeof to[i];
        m[i].msg_hdr.msg_iov = &iov; m[i].msg_hdr.msg_iovlen = 1; }
    char drain[2048]; // each receiver is drained after every packet, so no receive queue fills
    struct timespec t0, t1; double sys = 0;
    for (int p = 0; p < packets; p++) {
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
        int s = sendmmsg(tx, m, N, 0);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
        if (s != N) { fprintf(stderr, "sent %d\n", s); return 1; }
        sys += (t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3;
        for (int i = 0; i < N; i++) while (recv(rx[i], drain, sizeof drain, MSG_DONTWAIT) > 0) {}
    }
    printf("polled=%d thread CPU time in sendmmsg %.3f us per copy\n", polled, sys / packets / N);
    return 0;
}
