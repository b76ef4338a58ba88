package io.smoothcast.benchmarks.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.rtp.RtpPacketWriter;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.rtp.RtpHeaderExtensionIds;
import io.smoothcast.time.NanoClock;
import io.smoothcast.transport.internal.netty.ResidenceRecorder;
import io.smoothcast.transport.internal.netty.UdpTransport;
import io.smoothcast.transport.internal.relay.RelayChannels;
import io.smoothcast.transport.internal.relay.RelayConfig;
import io.smoothcast.transport.internal.relay.RelayCounter;
import io.smoothcast.transport.internal.relay.RelayCounters;
import io.smoothcast.transport.internal.relay.RelaySecurity;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.control.Track;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Real-socket fan-out of one relay on 127.0.0.1: one publisher sends RTP at a fixed rate to a
 * {@link io.smoothcast.transport.RelayNode} engine, which forwards every packet to N subscriber sockets drained by one reader
 * thread. Reports the packets forwarded per second of the relay's I/O thread CPU time (the
 * "per core" rate, robust to other load on the machine because it counts only the time the
 * relay ran), and the one-way latency publisher → relay → subscriber (the publisher's send time
 * travels in the payload).
 *
 * <p>With a fourth argument {@code gstreamer}, the same publisher and subscribers run against
 * the outside baseline instead: {@code gst-launch-1.0 udpsrc ! multiudpsink clients=...}, the
 * same fan-out without any protocol (no sessions, no cache, no feedback), measured by the CPU
 * time of the whole gst-launch process.
 *
 * <p>The relay's packets carry the transport-wide sequence number extension, as the SDK's
 * broadcaster sends them (the relay then renumbers them per subscriber); mode {@code relay-noext}
 * sends plain RTP instead. The relay's handler also times each datagram's residence: read stamp
 * to the end of the flush that wrote its copies.
 *
 * <pre>
 * java [-Dharness.sink=ifb[:A.B.C.D/N]] [-Dharness.readerNice=N] [other -Dharness options below] \
 *     -cp benchmarks/target/benchmarks.jar io.smoothcast.benchmarks.transport.RelayFanOutHarness \
 *     [subscribers=200] [packetsPerSecondIn=500] [seconds=10] [relay|relay-noext|gstreamer] [fanOutThreads]
 * </pre>
 *
 * <p>With {@code -Dharness.readerNice=N} (Linux, default 0: unchanged) the harness's reader
 * thread, which stands in for the 200 subscribers on their own machines, runs at nice {@code N}
 * so that on a 2-core machine it does not take a core from the relay's threads in the middle of
 * a fan-out. It applies to every mode alike (GStreamer's too); the relay's residence and CPU
 * figures are what it protects, the reader's own end-to-end latency figures get worse.
 *
 * <p>With {@code -Dharness.pinRelayThreads=true} (Linux) each relay thread is pinned to its own
 * CPU before the warm-up ({@link RelayThreadPinning}), so that a second fan-out thread is not
 * queued behind the first on one CPU; the reader and the publisher stay unpinned.
 *
 * <p>With {@code -Dharness.readerIdle=true} (Linux) the reader runs under {@code SCHED_IDLE}
 * instead ({@link ReaderPriority}): it gets only the CPU time nothing else wants, as remote
 * subscribers take none from the relay. It applies to the GStreamer mode alike. On a machine
 * busy with other work the reader then loses copies, which the output reports.
 *
 * <p>With {@code -Dharness.relayFifo=N} (Linux, root) the relay's threads run under
 * {@code SCHED_FIFO} priority N ({@link RelayRealtimePriority}), as an operator would give them.
 *
 * <p>With {@code -Dharness.relayBind=0.0.0.0} the relay binds the wildcard address instead of
 * 127.0.0.1 (still reached at 127.0.0.1), as a production relay and GStreamer's multiudpsink
 * socket are bound: a socket bound to one address makes the kernel check, per datagram sent,
 * that the source address is local ({@code __ip_dev_find} in the route lookup; BENCHMARKS.md,
 * "Relay fan-out, session 10").
 *
 * <p>With {@code -Dharness.sink=ifb} (or {@code ifb:A.B.C.D/N}, default subnet 10.213.0.0/24;
 * Linux, root) the copies go to a network device that drops them ({@link SinkDevice}) instead of
 * the subscriber sockets: the subscribers join from the subnet's second address, which is then
 * removed from the machine, and the relay (bound to the subnet's first address unless
 * {@code harness.relayBind} says otherwise) sends every copy through the transmit path it would take towards a
 * network card, without the loopback receive that otherwise runs on the sender's CPU for each
 * copy. The harness has no reader then and measures no latency (the copies never arrive); it
 * counts the datagrams the device dropped. GStreamer's mode sends to the same device. The
 * device is deleted at the end of the run, also when it fails.
 *
 * <p>{@code fanOutThreads} is the relay's number of sending threads, as
 * {@link io.smoothcast.transport.RelayNode.Builder#fanOutThreads} (default 1 here); "per
 * CPU second" then divides by the CPU time of all of them, and the residence of a datagram is
 * the time until the last of its copies on any thread was flushed.
 */
public final class RelayFanOutHarness {

    static {
        // Before any other static field: initialising TRACK loads the control codec and with it
        // Netty's ByteBuf classes, whose leak detector reads this property once. Set in main (as
        // before), it came too late and the relay ran with the default SIMPLE detector: a touch
        // per write and a tracked buffer per hundred, counted as relay CPU.
        System.setProperty("io.netty.leakDetection.level", "disabled");
    }

    private static final int PAYLOAD_BYTES = 1100;
    /**
     * The subscribers send no keepalives, and joining 200 of them takes seconds on a loaded
     * machine: a short timeout would expire the first ones before the media starts (the wire field is 16 bits).
     */
    private static final int SESSION_TIMEOUT_MS = 60_000;
    /** Media sent before the measurement, not counted (see {@link #warmUp}). */
    private static final int WARMUP_SECONDS = 2;
    /** How long the measurement waits at most for the relay to forward the warm-up's copies. */
    private static final long WARM_UP_DRAIN_MS = 5_000;
    /**
     * {@code -Dharness.residenceDump=FILE}: after a relay run, writes one line per datagram,
     * "read stamp ns (System.nanoTime, CLOCK_MONOTONIC), residence ns", so that the slowest
     * fan-outs can be matched against a {@code perf sched} trace recorded with
     * {@code -k CLOCK_MONOTONIC} ({@code benchmarks/scripts/sched_slowest_fanouts.py}).
     */
    static final String RESIDENCE_DUMP_PROPERTY = "harness.residenceDump";
    /** 127.0.0.1 (not {@code getLoopbackAddress()}, which is ::1 with java.net.preferIPv6Addresses). */
    private static final InetAddress LOOPBACK = ipv4Loopback();
    /** How long {@link #request} waits for an answer before sending the request again. */
    private static final int REQUEST_TIMEOUT_MS = 1_000;
    /** How many times {@link #request} sends a request before the run fails. */
    private static final int REQUEST_ATTEMPTS = 3;
    /** Control requests sent again for want of an answer, in this run. */
    private static final AtomicInteger REQUESTS_RESENT = new AtomicInteger();
    private static final Track TRACK = new Track(0x1000, 0x1001, 96, 97, MediaKind.VIDEO, 0, 90_000, 8_000_000);

    private RelayFanOutHarness() {
    }

    public static void main(String[] args) throws Exception {
        int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int rateIn = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        if (args.length > 3 && args[3].equals("gstreamer")) {
            runGStreamer(subscribers, rateIn, seconds);
            return;
        }
        boolean transportSequence = !(args.length > 3 && args[3].equals("relay-noext"));
        int fanOutThreads = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        runRelay(subscribers, rateIn, seconds, transportSequence, fanOutThreads);
    }

    /**
     * The relay: the same {@link RelayChannels} (engine, handlers, sockets and fan-out threads)
     * {@link io.smoothcast.transport.RelayNode} starts, with a recorder timing each datagram's
     * residence.
     */
    private static void runRelay(int subscribers, int rateIn, int seconds, boolean transportSequence,
            int fanOutThreads) throws Exception {
        RelayCounters counters = new RelayCounters();
        ResidenceLog residenceLog = new ResidenceLog(1 << 20);
        UdpTransport transport = UdpTransport.best();
        RelayConfig config = new RelayConfig(1, 500, SESSION_TIMEOUT_MS, 1024, 200, 100_000, 100_000, null);
        SinkDevice sink = SinkDevice.createIfAsked();
        // Towards the sink the copies leave from the device's address: a socket bound to 127.0.0.1
        // cannot send off loopback (the route lookup refuses a loopback source). Bound to that one
        // address, as a host's relay bound to its own address, the relay sends from its send-only
        // socket (README, "Relay fan-out"); the wildcard is allowed too.
        String bind = System.getProperty("harness.relayBind",
                sink == null ? "127.0.0.1" : sink.nodeAddress().getHostAddress());
        if (sink != null && InetAddress.getByName(bind).isLoopbackAddress()) {
            sink.close();
            throw new IllegalArgumentException("-D" + SinkDevice.PROPERTY + " needs the relay bound to the wildcard"
                    + " or the sink's address, not " + bind);
        }
        RelayChannels relay = null;
        try (SinkDevice closedAtEnd = sink) {
            relay = RelayChannels.start(transport, new InetSocketAddress(bind, 0), fanOutThreads,
                    NanoClock.system(), config, counters, RelaySecurity.NONE, residenceLog);
            int port = relay.localAddress().getPort();
            InetAddress bound = relay.localAddress().getAddress();
            InetSocketAddress node = new InetSocketAddress(bound.isAnyLocalAddress() ? LOOPBACK : bound, port);
            DatagramChannel publisher = open(LOOPBACK);
            request(publisher, node, new ControlMessage.Hello(1, 500));
            request(publisher, node, new ControlMessage.Publish("harness", List.of(TRACK)));
            InetSocketAddress nodeForSubscribers = sink == null ? node : new InetSocketAddress(sink.nodeAddress(), port);
            DatagramChannel[] sockets = new DatagramChannel[subscribers];
            Selector selector = Selector.open();
            for (int i = 0; i < subscribers; i++) {
                sockets[i] = open(sink == null ? LOOPBACK : sink.subscriberAddress());
                request(sockets[i], nodeForSubscribers, new ControlMessage.Hello(100 + i, 500));
                request(sockets[i], nodeForSubscribers, new ControlMessage.Subscribe("harness", 2, 0));
                sockets[i].configureBlocking(false);
                if (sink == null) {
                    sockets[i].register(selector, SelectionKey.OP_READ);
                }
            }
            if (sink != null) {
                sink.detachSubscribers();
            }
            RelayThreadPinning.pinIfAsked(); // every relay thread has started by now (the joins ran on them)
            RelayRealtimePriority.applyIfAsked();
            long firstTimed = warmUp(selector, publisher, node, rateIn, transportSequence, counters, subscribers);
            long warmUpForwarded = counters.get(RelayCounter.PACKETS_FORWARDED);
            long totalOut = (long) rateIn * seconds * subscribers;
            long[] latencyNs = new long[(int) Math.min(totalOut, 2_000_000)];
            long[] received = new long[1];
            AtomicBoolean reading = new AtomicBoolean(true);
            Thread reader = startReader(sink == null, selector, latencyNs, received, reading);

            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            // Setup traffic (joins) and the warm-up are not timed: start the residence record now.
            residenceLog.clear();
            long relayCpuBefore = relayCpuNs(mx);
            long relayUserBefore = relayUserNs(mx);
            long forwardedBefore = counters.get(RelayCounter.PACKETS_FORWARDED);
            long rtpBefore = counters.get(RelayCounter.RTP_RECEIVED);
            long droppedBefore = sink == null ? 0 : sink.dropped();
            double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            send(publisher, node, rateIn, seconds, firstTimed, transportSequence);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while ((sink == null ? received[0] : counters.get(RelayCounter.PACKETS_FORWARDED) - forwardedBefore)
                    < totalOut && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // drain what is in flight
            }
            stopReader(reader, selector, reading);
            long sinkDropped = sink == null ? 0 : sink.dropped() - droppedBefore;
            long relayCpuNs = relayCpuNs(mx) - relayCpuBefore;
            long relayUserNs = relayUserNs(mx) - relayUserBefore;
            double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            long forwarded = counters.get(RelayCounter.PACKETS_FORWARDED) - forwardedBefore;
            long rtpIn = counters.get(RelayCounter.RTP_RECEIVED) - rtpBefore;
            int samples = (int) Math.min(received[0], latencyNs.length);
            long[] sorted = Arrays.copyOf(latencyNs, samples);
            Arrays.sort(sorted);
            long[] residence = residenceLog.perDatagram();
            Arrays.sort(residence);
            String dump = System.getProperty(RESIDENCE_DUMP_PROPERTY);
            if (dump != null) {
                residenceLog.writePerDatagram(java.nio.file.Path.of(dump));
            }
            System.out.printf("relay subscribers=%d rateIn=%d pps seconds=%d transportSequence=%b transport=%s"
                    + " fanOutThreads=%d%n", subscribers, rateIn, seconds, transportSequence, transport,
                    relay.fanOutThreads());
            System.out.printf("load average before=%.2f after=%.2f; Netty leak detection %s%n", loadBefore, loadAfter,
                    io.netty.util.ResourceLeakDetector.getLevel());
            System.out.printf("warm-up: %d copies forwarded of %d before the measurement started;"
                    + " measured: %d RTP packets read by the relay of %d sent (%d copies offered)%n",
                    warmUpForwarded, firstTimed * subscribers, rtpIn, (long) rateIn * seconds, rtpIn * subscribers);
            if (REQUESTS_RESENT.get() > 0) {
                System.out.printf("control requests sent again for want of an answer: %d%n", REQUESTS_RESENT.get());
            }
            if (sink == null) {
                System.out.printf("forwarded=%d of %d offered, received=%d (%.2f %% lost on the host)%n", forwarded,
                        totalOut, received[0], 100.0 * (forwarded - received[0]) / Math.max(1, forwarded));
            } else {
                System.out.printf("forwarded=%d of %d offered, to %s (bound %s); datagrams dropped by %s=%d%n",
                        forwarded, totalOut, sink.subscriberAddress().getHostAddress(), bind, SinkDevice.DEVICE,
                        sinkDropped);
            }
            System.out.printf("relay I/O threads CPU=%.2f s -> %.0f packets forwarded per CPU second"
                    + " (%.2f us of relay CPU per packet out)%n",
                    relayCpuNs / 1e9, forwarded / (relayCpuNs / 1e9), relayCpuNs / 1e3 / Math.max(1, forwarded));
            System.out.printf("of which in user space=%.2f us per packet out, in the kernel (%s)=%.2f us%n",
                    relayUserNs / 1e3 / Math.max(1, forwarded),
                    sink == null ? "the sendmmsg and loopback delivery" : "the sendmmsg to " + SinkDevice.DEVICE,
                    (relayCpuNs - relayUserNs) / 1e3 / Math.max(1, forwarded));
            System.out.printf("forwarded per wall second=%.0f%n", forwarded / (double) seconds);
            if (residence.length > 0) {
                System.out.printf("relay residence (read stamp -> end of the last flush of its copies on any"
                        + " thread), %d datagrams: p50=%.3f ms p99=%.3f ms p99.9=%.3f ms max=%.3f ms;"
                        + " flushes left queued: %d; hand-offs dropped: %d; copies dropped for a lane"
                        + " behind: %d%n",
                        residence.length, residence[residence.length / 2] / 1e6,
                        residence[(int) (residence.length * 0.99)] / 1e6,
                        residence[(int) (residence.length * 0.999)] / 1e6, residence[residence.length - 1] / 1e6,
                        residenceLog.undrained(), relay.handOffDropped(),
                        counters.get(RelayCounter.FAN_OUT_LANE_BEHIND));
            }
            printLatency(sink != null, sorted);
            for (DatagramChannel s : sockets) {
                s.close();
            }
            publisher.close();
            selector.close();
        } finally {
            if (relay != null) {
                relay.close();
            }
        }
    }

    /**
     * Starts the measured reader, or none towards the sink device (nothing arrives there).
     *
     * @return the reader, or {@code null}
     */
    private static Thread startReader(boolean subscribersReceive, Selector selector, long[] latencyNs,
            long[] received, AtomicBoolean reading) {
        if (!subscribersReceive) {
            return null;
        }
        Thread reader = new Thread(() -> {
            ReaderPriority.lowerCurrentThread();
            read(selector, latencyNs, received, reading);
        }, "harness-reader");
        reader.setDaemon(true); // never keeps the JVM alive after a failed run
        reader.start();
        return reader;
    }

    private static void stopReader(Thread reader, Selector selector, AtomicBoolean reading)
            throws InterruptedException {
        if (reader != null) {
            reading.set(false);
            selector.wakeup();
            reader.join();
        }
    }

    private static void printLatency(boolean toSink, long[] sorted) {
        int samples = sorted.length;
        if (toSink) {
            System.out.println("latency: not measured towards " + SinkDevice.DEVICE + " (the copies never arrive;"
                    + " the loopback mode measures it)");
        } else if (samples > 0) {
            System.out.printf("latency publisher->subscriber p50=%.3f ms p99=%.3f ms max=%.3f ms%n",
                    sorted[samples / 2] / 1e6, sorted[(int) (samples * 0.99)] / 1e6, sorted[samples - 1] / 1e6);
        }
    }

    /** The baseline: GStreamer's multiudpsink fans the same packets out. */
    private static void runGStreamer(int subscribers, int rateIn, int seconds) throws Exception {
        try (SinkDevice sink = SinkDevice.createIfAsked()) {
            runGStreamer(subscribers, rateIn, seconds, sink);
        }
    }

    /**
     * The baseline towards the subscriber sockets ({@code sink == null}) or towards the sink
     * device: the subscribers' addresses and ports are the same either way, only the sink's are
     * no longer local when gst-launch starts.
     */
    private static void runGStreamer(int subscribers, int rateIn, int seconds, SinkDevice sink) throws Exception {
        DatagramChannel probe = open(LOOPBACK);
        int port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        probe.close();
        InetSocketAddress node = new InetSocketAddress("127.0.0.1", port);
        DatagramChannel[] sockets = new DatagramChannel[subscribers];
        StringBuilder clients = new StringBuilder();
        Selector selector = Selector.open();
        InetAddress subscriberAddress = sink == null ? LOOPBACK : sink.subscriberAddress();
        for (int i = 0; i < subscribers; i++) {
            sockets[i] = open(subscriberAddress);
            sockets[i].configureBlocking(false);
            if (sink == null) {
                sockets[i].register(selector, SelectionKey.OP_READ);
            }
            clients.append(i == 0 ? "" : ",").append(subscriberAddress.getHostAddress()).append(':')
                    .append(((InetSocketAddress) sockets[i].getLocalAddress()).getPort());
        }
        if (sink != null) {
            sink.detachSubscribers();
        }
        Process gst = new ProcessBuilder("timeout", "-s", "KILL", String.valueOf(seconds + 30), "gst-launch-1.0", "-q",
                "udpsrc", "address=127.0.0.1", "port=" + port, "buffer-size=4194304", "!",
                "multiudpsink", "clients=" + clients, "sync=false", "async=false")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            DatagramChannel publisher = open(LOOPBACK);
            // Wait (at most 10 s) until the pipeline forwards: send probes until one arrives.
            ByteBuffer probeIn = ByteBuffer.allocate(2048);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean ready = false;
            long droppedBeforeProbes = sink == null ? 0 : sink.dropped();
            while (!ready && System.nanoTime() - deadline < 0) {
                publisher.send(ByteBuffer.wrap(new byte[] {0}), node);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                probeIn.clear();
                ready = sink == null ? sockets[0].receive(probeIn) != null : sink.dropped() > droppedBeforeProbes;
            }
            if (!ready) {
                throw new IllegalStateException("gst-launch-1.0 did not start forwarding");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            for (DatagramChannel s : sockets) {
                while (true) {
                    probeIn.clear();
                    if (s.receive(probeIn) == null) {
                        break;
                    }
                }
            }
            ProcessHandle gstLaunch = gst.toHandle().descendants().findFirst().orElse(gst.toHandle());
            long firstTimed = warmUp(selector, publisher, node, rateIn, false, null, 0); // no relay counters
            long totalOut = (long) rateIn * seconds * subscribers;
            long[] latencyNs = new long[(int) Math.min(totalOut, 2_000_000)];
            long[] received = new long[1];
            AtomicBoolean reading = new AtomicBoolean(true);
            Thread reader = startReader(sink == null, selector, latencyNs, received, reading);
            long cpuBefore = processCpuNs(gstLaunch.pid());
            long droppedBefore = sink == null ? 0 : sink.dropped();
            send(publisher, node, rateIn, seconds, firstTimed, false);
            long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while ((sink == null ? received[0] : sink.dropped() - droppedBefore) < totalOut
                    && System.nanoTime() - drainUntil < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            long cpuNs = processCpuNs(gstLaunch.pid()) - cpuBefore;
            long delivered = sink == null ? received[0] : sink.dropped() - droppedBefore;
            stopReader(reader, selector, reading);
            int samples = (int) Math.min(received[0], latencyNs.length);
            long[] sorted = Arrays.copyOf(latencyNs, samples);
            Arrays.sort(sorted);
            System.out.printf("baseline gstreamer multiudpsink: subscribers=%d rateIn=%d pps seconds=%d%n",
                    subscribers, rateIn, seconds);
            if (sink == null) {
                System.out.printf("received=%d of %d offered%n", received[0], totalOut);
            } else {
                System.out.printf("sent to %s, dropped by %s=%d of %d offered%n",
                        sink.subscriberAddress().getHostAddress(), SinkDevice.DEVICE, delivered, totalOut);
            }
            System.out.printf("gst-launch CPU=%.2f s -> %.0f packets %s per CPU second%n",
                    cpuNs / 1e9, delivered / (cpuNs / 1e9), sink == null ? "delivered" : "sent");
            printLatency(sink != null, sorted);
            publisher.close();
        } finally {
            gst.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            gst.destroyForcibly();
            for (DatagramChannel s : sockets) {
                s.close();
            }
            selector.close();
        }
    }

    /** utime + stime of a process from /proc, in ns (Linux clock ticks are 10 ms). */
    private static long processCpuNs(long pid) throws IOException {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * 10_000_000L;
    }

    private static DatagramChannel open(InetAddress address) throws IOException {
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
        channel.bind(new InetSocketAddress(address, 0));
        return channel;
    }

    private static InetAddress ipv4Loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // not thrown for a 4-byte address
        }
    }

    /**
     * Sends a request and waits for the answer with the same id, sending it again after
     * {@link #REQUEST_TIMEOUT_MS} without one, {@link #REQUEST_ATTEMPTS} times in all. Each resend
     * is counted ({@link #REQUESTS_RESENT}) and printed with the run's figures: a control exchange
     * on loopback should not lose a datagram, and a run that needed one says so. (Until session 19
     * this waited in a blocking {@code receive}, which the socket's SO_TIMEOUT does not bound for
     * a {@link DatagramChannel}: one lost answer hung the run.)
     */
    private static void request(DatagramChannel channel, InetSocketAddress node, ControlMessage message)
            throws IOException {
        boolean blocking = channel.isBlocking();
        channel.configureBlocking(false);
        try {
            ByteBuffer in = ByteBuffer.allocate(2048);
            for (int attempt = 1; attempt <= REQUEST_ATTEMPTS; attempt++) {
                if (attempt > 1) {
                    REQUESTS_RESENT.incrementAndGet();
                    System.err.printf("no answer to %s from %s in %d ms: sending it again%n", message, node,
                            REQUEST_TIMEOUT_MS);
                }
                ByteBuf encoded = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, 7, new byte[0], message);
                channel.send(encoded.nioBuffer(), node);
                encoded.release();
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REQUEST_TIMEOUT_MS);
                while (System.nanoTime() - deadline < 0) {
                    in.clear();
                    if (channel.receive(in) == null) {
                        LockSupport.parkNanos(50_000); // set-up only: a short poll is simpler than a selector
                        continue;
                    }
                    in.flip();
                    DecodeResult result = ControlCodec.decode(Unpooled.wrappedBuffer(in));
                    if (result.ok() && result.requestId() == 7) {
                        if (result.message() instanceof ControlMessage.Error error) {
                            throw new IOException("node refused: " + error);
                        }
                        return;
                    }
                }
            }
            throw new IOException("no answer to " + message + " from " + node + " after " + REQUEST_ATTEMPTS
                    + " attempts of " + REQUEST_TIMEOUT_MS + " ms");
        } finally {
            channel.configureBlocking(blocking);
        }
    }

    /**
     * Sends {@link #WARMUP_SECONDS} of media that is not measured (its copies are read and
     * dropped), so that every relay thread runs compiled code when the measurement starts: cold,
     * the first packets of a run take the interpreter's time and queue up hundreds of ms of
     * residence, more with more threads to warm. The baseline gets the same warm-up.
     *
     * @param counters the relay's counters, to wait for its warm-up copies
     *     ({@link #awaitForwarded}), or null (GStreamer: only the fixed 300 ms)
     * @param subscribers how many subscribers each warm-up packet goes to
     * @return the packet index the measured media starts at
     */
    private static long warmUp(Selector selector, DatagramChannel publisher, InetSocketAddress node, int rate,
            boolean transportSequence, RelayCounters counters, int subscribers) throws Exception {
        long[] ignoredLatency = new long[1];
        long[] ignoredCount = new long[1];
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = new Thread(() -> read(selector, ignoredLatency, ignoredCount, reading), "harness-warm-up");
        reader.start();
        send(publisher, node, rate, WARMUP_SECONDS, 0, transportSequence);
        if (counters != null) {
            awaitForwarded(counters, (long) rate * WARMUP_SECONDS * subscribers);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300)); // let the last copies arrive
        reading.set(false);
        selector.wakeup();
        reader.join();
        return (long) rate * WARMUP_SECONDS;
    }

    /**
     * Waits (at most {@link #WARM_UP_DRAIN_MS}) until the relay has forwarded, or dropped for a lane
     * behind, the warm-up's copies, so that none of them is counted in the measured run (neither
     * by the relay's counter nor by the measured reader, which starts only after the warm-up's
     * reader has read them): on a
     * busy machine the relay can still be hundreds of ms behind when the warm-up's last packet is
     * sent. A run once reported forwarded=1 045 200 of 1 000 000 offered: this publisher sends
     * no RTCP and no RTX, and the relay counts each copy once when it hands it over
     * ({@link RelayCounter#PACKETS_FORWARDED}), so the 226 extra packets to each of 200
     * subscribers can only be warm-up packets the relay forwarded after the measurement began.
     * Copies the kernel dropped before the relay read them never count, so on such a run it
     * returns at the deadline.
     */
    private static void awaitForwarded(RelayCounters counters, long copies) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WARM_UP_DRAIN_MS);
        while (counters.get(RelayCounter.PACKETS_FORWARDED) + counters.get(RelayCounter.FAN_OUT_LANE_BEHIND) < copies
                && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private static void send(DatagramChannel publisher, InetSocketAddress node, int rate, int seconds,
            long firstIndex, boolean transportSequence) throws IOException {
        byte[] packet = new byte[1500];
        byte[] payload = new byte[PAYLOAD_BYTES];
        RtpPacketWriter writer = new RtpPacketWriter();
        ByteBuffer out = ByteBuffer.wrap(packet);
        long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        long end = firstIndex + (long) rate * seconds;
        for (long i = firstIndex; i < end; i++) {
            long due = start + (i - firstIndex) * intervalNs;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            ByteBuffer.wrap(payload).putLong(System.nanoTime());
            writer.reset().payloadType(96).ssrc(TRACK.ssrc()).sequenceNumber((int) i & 0xFFFF)
                    .timestamp((int) (i * 3000));
            if (transportSequence) {
                writer.addTransportSequenceNumber(RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID,
                        (int) i & 0xFFFF);
            }
            int length = writer.write(packet, 0, packet.length, payload, 0, payload.length);
            out.clear().limit(length);
            publisher.send(out, node);
        }
    }

    private static void read(Selector selector, long[] latencyNs, long[] received, AtomicBoolean reading) {
        ByteBuffer in = ByteBuffer.allocateDirect(2048);
        try {
            while (reading.get()) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    DatagramChannel channel = (DatagramChannel) key.channel();
                    while (true) {
                        in.clear();
                        if (channel.receive(in) == null) {
                            break;
                        }
                        long now = System.nanoTime();
                        int payloadOffset = payloadOffset(in);
                        if (payloadOffset > 0 && in.position() >= payloadOffset + 8 && (in.get(1) & 0x7F) == 96) {
                            long sent = in.getLong(payloadOffset);
                            if (received[0] < latencyNs.length) {
                                latencyNs[(int) received[0]] = now - sent;
                            }
                            received[0]++;
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the RTP payload starts (after CSRCs and the header extension), or -1. */
    private static int payloadOffset(ByteBuffer packet) {
        int length = packet.position();
        if (length < 12) {
            return -1;
        }
        int offset = 12 + 4 * (packet.get(0) & 0x0F);
        if ((packet.get(0) & 0x10) != 0) {
            if (offset + 4 > length) {
                return -1;
            }
            offset += 4 + 4 * (packet.getShort(offset + 2) & 0xFFFF);
        }
        return offset <= length ? offset : -1;
    }

    /**
     * Residence reports from every relay thread (several per datagram with several fan-out
     * threads), merged per datagram after the run: its residence is the largest report for its
     * read stamp.
     */
    private static final class ResidenceLog implements ResidenceRecorder {
        private final long[] stampsNs;
        private final long[] residencesNs;
        private int size;
        private long undrained;

        ResidenceLog(int capacity) {
            stampsNs = new long[capacity];
            residencesNs = new long[capacity];
        }

        @Override
        public synchronized void record(long readStampNs, long residenceNs, boolean drained) {
            if (size < stampsNs.length) {
                stampsNs[size] = readStampNs;
                residencesNs[size] = residenceNs;
                size++;
            }
            if (!drained) {
                undrained++;
            }
        }

        synchronized void clear() {
            size = 0;
            undrained = 0;
        }

        synchronized long undrained() {
            return undrained;
        }

        synchronized long[] perDatagram() {
            java.util.Map<Long, Long> largest = largestPerStamp();
            long[] result = new long[largest.size()];
            int i = 0;
            for (long residence : largest.values()) {
                result[i++] = residence;
            }
            return result;
        }

        /** Writes "read stamp ns, residence ns" per datagram, in read order. */
        synchronized void writePerDatagram(java.nio.file.Path file) throws IOException {
            java.util.Map<Long, Long> largest = new java.util.TreeMap<>(largestPerStamp());
            StringBuilder lines = new StringBuilder();
            largest.forEach((stamp, residence) -> lines.append(stamp).append(',').append(residence).append('\n'));
            java.nio.file.Files.writeString(file, lines);
        }

        private java.util.Map<Long, Long> largestPerStamp() {
            java.util.Map<Long, Long> largest = new java.util.HashMap<>();
            for (int i = 0; i < size; i++) {
                largest.merge(stampsNs[i], residencesNs[i], Math::max);
            }
            return largest;
        }
    }

    /** User-space CPU time of the relay's I/O threads, in ns (the rest of their CPU time is the kernel's). */
    private static long relayUserNs(ThreadMXBean mx) {
        return sumOverRelayThreads(mx::getThreadUserTime);
    }

    /** CPU time (user and kernel) of the relay's I/O threads, in ns. */
    private static long relayCpuNs(ThreadMXBean mx) {
        return sumOverRelayThreads(mx::getThreadCpuTime);
    }

    private static long sumOverRelayThreads(java.util.function.LongUnaryOperator timeOfThreadId) {
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("smoothcast-relay")) {
                total += Math.max(0, timeOfThreadId.applyAsLong(t.getId()));
            }
        }
        return total;
    }
}
