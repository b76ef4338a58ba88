package io.smoothcast.samples.load;

import io.smoothcast.samples.internal.WallClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Many lightweight viewers on one thread: each is a plain UDP socket that joins a node with
 * HELLO and SUBSCRIBE (PROTOCOL.md), keeps its session alive, and counts what arrives: RTP
 * packets and bytes, sequence gaps per SSRC (losses; these viewers never ask for
 * retransmissions, so a loss is a loss at the node or on the way), the latency of each frame
 * from its capture (the synthetic frame header, {@code SyntheticFrames}, carries the capture time
 * on the sender's wall clock, so this is meaningful only when the publisher runs on the same
 * machine; datagrams are read in batches every millisecond, which adds up to 1 ms), freezes (no new frame for the freeze threshold) and errors. They start one after
 * another over the ramp-up time. A node that forgets one (restart) gets a new HELLO.
 *
 * <p>Far cheaper than a {@link io.smoothcast.transport.Viewer} (no jitter buffer, no playout
 * thread), so a thousand fit in one process; the cost is that they measure the node, not the
 * viewing experience after repair.
 *
 * <p>Thread-safety: {@link #start()}, {@link #close()} and {@link #snapshot()} may be called from
 * any thread; the sockets are served by one thread of their own.
 */
public final class LoadSubscribers implements AutoCloseable {

    private static final long REQUEST_RETRY_NS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int REQUEST_ATTEMPTS = 5;
    private static final long REJOIN_BACKOFF_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long KEEPALIVE_NS = TimeUnit.MILLISECONDS.toNanos(1000);
    private static final int KEEPALIVE_MS = 1000;
    private static final int MAX_SSRCS = 4;
    private static final long BATCH_NS = TimeUnit.MICROSECONDS.toNanos(1000);
    private static final long TICK_NS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final int FRAME_MAGIC = 0x534D4346; // SyntheticFrames' "SMCF"
    private static final long MAX_LATENCY_US = TimeUnit.SECONDS.toMicros(60);

    private final InetSocketAddress node;
    private final List<byte[]> streams;
    private final int count;
    private final long rampUpNs;
    private final long freezeNs;
    private final Selector selector;
    private final List<Subscriber> subscribers = new ArrayList<>();
    private final ByteBuffer in = ByteBuffer.allocateDirect(2048);
    /** Room for the largest SUBSCRIBE: header, a 512-byte token, a 64-byte stream id, the cookie. */
    private final ByteBuffer out = ByteBuffer.allocate(1024);
    private final Recorder latencyUs = new Recorder(MAX_LATENCY_US, 3);
    private final Histogram latencyTotalUs = new Histogram(MAX_LATENCY_US, 3);
    private final AtomicLong packets = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong rtcpPackets = new AtomicLong();
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong freezes = new AtomicLong();
    private final AtomicLong errorReplies = new AtomicLong();
    private final AtomicLong joinFailures = new AtomicLong();
    private final AtomicLong rejoins = new AtomicLong();
    private final AtomicLong ioErrors = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong subscribed = new AtomicLong();
    private final AtomicLong receiving = new AtomicLong();
    private volatile boolean running;
    private Thread thread;
    private long startNs;

    /** Where one viewer is in its join. */
    private enum Phase { WAITING, HELLO_SENT, SUBSCRIBE_SENT, SUBSCRIBED }

    /** One viewer's socket and state; touched only by the serving thread. */
    private final class Subscriber {
        final DatagramChannel channel;
        final byte[] stream;
        /** The SUBSCRIBE token for the stream, empty for none. */
        final byte[] token;
        final long sessionId;
        final long startAtNs;
        Phase phase = Phase.WAITING;
        long cookie;
        int requestId;
        int attempts;
        long nextActionNs;
        int keepaliveSequence;
        long lastFrameNs;
        boolean frozen;
        boolean gotMedia;
        final int[] ssrcs = new int[MAX_SSRCS];
        final long[] firstSequence = new long[MAX_SSRCS];
        final long[] highestSequence = new long[MAX_SSRCS];
        final long[] received = new long[MAX_SSRCS];
        int ssrcCount;

        Subscriber(DatagramChannel channel, byte[] stream, byte[] token, long sessionId, long startAtNs) {
            this.channel = channel;
            this.stream = stream;
            this.token = token;
            this.sessionId = sessionId;
            this.startAtNs = startAtNs;
        }

        long lost() {
            long sum = 0;
            for (int i = 0; i < ssrcCount; i++) {
                sum += Math.max(0, highestSequence[i] - firstSequence[i] + 1 - received[i]);
            }
            return sum;
        }
    }

    /**
     * Opens the sockets (nothing is sent before {@link #start()}); the viewers send no tokens.
     *
     * @param node the node to subscribe at
     * @param streamIds the streams; viewer {@code i} watches {@code streamIds[i % size]}
     * @param count number of viewers, 1-20,000
     * @param rampUpMs the viewers start evenly spread over this time, ms, >= 0
     * @param freezeMs no new frame for this long counts as one freeze, ms, >= 1
     * @param seed seed of the session ids
     * @throws IllegalArgumentException naming the bad argument
     * @throws UncheckedIOException if the sockets cannot be opened
     */
    public LoadSubscribers(InetSocketAddress node, List<String> streamIds, int count, long rampUpMs, long freezeMs,
            long seed) {
        this(node, streamIds, null, count, rampUpMs, freezeMs, seed);
    }

    /**
     * Opens the sockets (nothing is sent before {@link #start()}).
     *
     * @param node the node to subscribe at
     * @param streamIds the streams; viewer {@code i} watches {@code streamIds[i % size]}
     * @param tokens the SUBSCRIBE token of each stream (same order as {@code streamIds}, ASCII,
     *     at most 512 characters each), or null to send none
     * @param count number of viewers, 1-20,000
     * @param rampUpMs the viewers start evenly spread over this time, ms, >= 0
     * @param freezeMs no new frame for this long counts as one freeze, ms, >= 1
     * @param seed seed of the session ids
     * @throws IllegalArgumentException naming the bad argument
     * @throws UncheckedIOException if the sockets cannot be opened
     */
    public LoadSubscribers(InetSocketAddress node, List<String> streamIds, List<String> tokens, int count,
            long rampUpMs, long freezeMs, long seed) {
        if (node == null || node.isUnresolved()) {
            throw new IllegalArgumentException("node must be a resolved address: " + node);
        }
        if (streamIds == null || streamIds.isEmpty()) {
            throw new IllegalArgumentException("streamIds must not be empty");
        }
        if (tokens != null && tokens.size() != streamIds.size()) {
            throw new IllegalArgumentException("tokens must have one token per stream: " + tokens.size() + " for "
                    + streamIds.size());
        }
        if (count < 1 || count > 20_000) {
            throw new IllegalArgumentException("count must be 1-20000: " + count);
        }
        if (rampUpMs < 0) {
            throw new IllegalArgumentException("rampUpMs must be >= 0: " + rampUpMs);
        }
        if (freezeMs < 1) {
            throw new IllegalArgumentException("freezeMs must be >= 1: " + freezeMs);
        }
        List<byte[]> tokenBytes = new ArrayList<>();
        for (int i = 0; i < streamIds.size(); i++) {
            byte[] token = tokens == null ? ControlPackets.NO_TOKEN : tokens.get(i).getBytes(StandardCharsets.US_ASCII);
            if (token.length > ControlPackets.MAX_TOKEN_BYTES) {
                throw new IllegalArgumentException("tokens must be at most " + ControlPackets.MAX_TOKEN_BYTES
                        + " characters: " + token.length);
            }
            tokenBytes.add(token);
        }
        this.node = node;
        this.streams = new ArrayList<>();
        for (String id : streamIds) {
            streams.add(ControlPackets.streamId(id, "streamIds"));
        }
        this.count = count;
        this.rampUpNs = TimeUnit.MILLISECONDS.toNanos(rampUpMs);
        this.freezeNs = TimeUnit.MILLISECONDS.toNanos(freezeMs);
        SplittableRandom random = new SplittableRandom(seed);
        try {
            selector = Selector.open();
            // A loopback node gets loopback sources; any other node, the wildcard address.
            InetSocketAddress local = node.getAddress().isLoopbackAddress() ? new InetSocketAddress(node.getAddress(), 0)
                    : null;
            for (int i = 0; i < count; i++) {
                DatagramChannel channel = DatagramChannel.open(node.getAddress() instanceof java.net.Inet6Address
                        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
                channel.configureBlocking(false);
                channel.bind(local);
                channel.connect(node);
                Subscriber s = new Subscriber(channel, streams.get(i % streams.size()),
                        tokenBytes.get(i % streams.size()), random.nextLong() | 1, 0);
                channel.register(selector, SelectionKey.OP_READ, s);
                subscribers.add(s);
            }
        } catch (IOException e) {
            closeQuietly();
            throw new UncheckedIOException("cannot open " + count + " UDP sockets", e);
        }
    }

    /** Starts the serving thread; the viewers join over the ramp-up time from now. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        startNs = System.nanoTime();
        for (int i = 0; i < subscribers.size(); i++) {
            subscribers.get(i).nextActionNs = startNs + (count == 1 ? 0 : rampUpNs * i / (count - 1));
        }
        thread = new Thread(this::serve, "load-subscribers");
        thread.setDaemon(true);
        thread.start();
    }

    private void serve() {
        long lostRefreshNs = System.nanoTime();
        long nextTickNs = lostRefreshNs;
        while (running) {
            try {
                int ready = selector.select(5);
                for (SelectionKey key : selector.selectedKeys()) {
                    readAll((Subscriber) key.attachment());
                }
                selector.selectedKeys().clear();
                if (ready > 0) {
                    // Let datagrams gather for a moment: one select per many sockets, not per
                    // datagram, or the generator would starve the node it measures of CPU.
                    LockSupport.parkNanos(BATCH_NS);
                }
            } catch (IOException e) {
                ioErrors.incrementAndGet();
            }
            long nowNs = System.nanoTime();
            if (nowNs - nextTickNs < 0) {
                continue; // timers every 5 ms, not on every datagram: reading must keep up
            }
            nextTickNs = nowNs + TICK_NS;
            for (Subscriber s : subscribers) {
                tick(s, nowNs);
            }
            if (nowNs - lostRefreshNs > TimeUnit.MILLISECONDS.toNanos(200)) {
                lostRefreshNs = nowNs;
                long sum = 0;
                for (Subscriber s : subscribers) {
                    sum += s.lost();
                }
                lost.set(sum);
            }
        }
        long sum = 0;
        for (Subscriber s : subscribers) {
            sum += s.lost();
        }
        lost.set(sum);
    }

    private void readAll(Subscriber s) {
        try {
            while (true) {
                in.clear();
                if (s.channel.receive(in) == null) {
                    return;
                }
                in.flip();
                onDatagram(s, in, System.nanoTime());
            }
        } catch (IOException e) {
            ioErrors.incrementAndGet(); // ICMP port unreachable while the node is down, among others
        }
    }

    private void onDatagram(Subscriber s, ByteBuffer d, long nowNs) {
        int length = d.remaining();
        if (length == 0) {
            malformed.incrementAndGet();
            return;
        }
        int first = d.get(0) & 0xFF;
        if (first == ControlPackets.MARKER) {
            onControl(s, d, nowNs);
        } else if (first >= 128 && first <= 191 && length >= 12) {
            int payloadType = d.get(1) & 0x7F;
            if (payloadType >= 64 && payloadType <= 95) {
                rtcpPackets.incrementAndGet(); // RTCP (RFC 5761): PT 192-223
            } else {
                onRtp(s, d, nowNs);
            }
        } else {
            malformed.incrementAndGet();
        }
    }

    private void onControl(Subscriber s, ByteBuffer d, long nowNs) {
        int type = ControlPackets.type(d);
        if (type < 0) {
            malformed.incrementAndGet();
            return;
        }
        switch (type) {
            case ControlPackets.HELLO_ACK -> {
                Long cookie = ControlPackets.helloAckCookie(d, s.sessionId);
                if (s.phase == Phase.HELLO_SENT && cookie != null && ControlPackets.requestId(d) == s.requestId) {
                    s.cookie = cookie;
                    s.phase = Phase.SUBSCRIBE_SENT;
                    s.requestId++;
                    s.attempts = 0;
                    send(s, nowNs);
                }
            }
            case ControlPackets.SUBSCRIBE_ACK -> {
                if (s.phase == Phase.SUBSCRIBE_SENT && ControlPackets.requestId(d) == s.requestId) {
                    s.phase = Phase.SUBSCRIBED;
                    s.nextActionNs = nowNs + KEEPALIVE_NS;
                    s.lastFrameNs = nowNs;
                    subscribed.incrementAndGet();
                }
            }
            case ControlPackets.ERROR -> {
                errorReplies.incrementAndGet();
                if (ControlPackets.errorCode(d) == ControlPackets.NOT_JOINED) {
                    rejoin(s, nowNs); // the node restarted or forgot us
                    rejoins.incrementAndGet();
                } else if (s.phase != Phase.SUBSCRIBED) {
                    rejoin(s, nowNs + REJOIN_BACKOFF_NS); // refused: try again later
                }
            }
            default -> {
                // KEEPALIVE_ACK, STREAM_INFO, LOAD_REPORT...: heard, nothing to do
            }
        }
    }

    private void onRtp(Subscriber s, ByteBuffer d, long nowNs) {
        packets.incrementAndGet();
        if (!s.gotMedia) {
            s.gotMedia = true;
            receiving.incrementAndGet();
        }
        bytes.addAndGet(d.remaining());
        int length = d.remaining();
        int b0 = d.get(0) & 0xFF;
        int offset = 12 + 4 * (b0 & 0x0F);
        if ((b0 & 0x10) != 0) {
            if (offset + 4 > length) {
                malformed.incrementAndGet();
                return;
            }
            offset += 4 + 4 * (d.getShort(offset + 2) & 0xFFFF);
        }
        if (offset >= length) {
            return; // padding only, or malformed: nothing to learn
        }
        track(s, d.getInt(8), d.getShort(2) & 0xFFFF);
        boolean frameStart = (d.get(offset) & 0x80) != 0;
        if (!frameStart) {
            return;
        }
        frames.incrementAndGet();
        s.lastFrameNs = nowNs;
        s.frozen = false;
        int header = offset + 1;
        if (header + 20 <= length && d.getInt(header) == FRAME_MAGIC) {
            long latencyNs = WallClock.epochNs() - d.getLong(header + 12);
            latencyUs.recordValue(Math.max(0, Math.min(MAX_LATENCY_US, latencyNs / 1000)));
        }
    }

    /** RFC 3550 A.1 in short: extends the 16-bit sequence number and counts what came. */
    private static void track(Subscriber s, int ssrc, int sequence) {
        int i = 0;
        while (i < s.ssrcCount && s.ssrcs[i] != ssrc) {
            i++;
        }
        if (i == s.ssrcCount) {
            if (i == MAX_SSRCS) {
                return;
            }
            s.ssrcs[i] = ssrc;
            s.firstSequence[i] = sequence;
            s.highestSequence[i] = sequence;
            s.received[i] = 1;
            s.ssrcCount++;
            return;
        }
        long highest = s.highestSequence[i];
        int delta = (short) (sequence - (int) (highest & 0xFFFF));
        long extended = highest + delta;
        if (extended > highest) {
            s.highestSequence[i] = extended;
        }
        if (extended >= s.firstSequence[i]) {
            s.received[i]++;
        }
    }

    private void tick(Subscriber s, long nowNs) {
        if (s.phase == Phase.SUBSCRIBED) {
            if (!s.frozen && nowNs - s.lastFrameNs > freezeNs) {
                s.frozen = true;
                freezes.incrementAndGet();
            }
            if (nowNs - s.nextActionNs >= 0) {
                s.nextActionNs = nowNs + KEEPALIVE_NS;
                ControlPackets.keepalive(out, ++s.requestId, s.keepaliveSequence++);
                write(s);
            }
            return;
        }
        if (nowNs - s.nextActionNs < 0) {
            return;
        }
        if (s.phase == Phase.WAITING) {
            s.phase = Phase.HELLO_SENT;
            s.requestId++;
            s.attempts = 0;
            send(s, nowNs);
        } else if (s.attempts >= REQUEST_ATTEMPTS) {
            joinFailures.incrementAndGet();
            rejoin(s, nowNs + REJOIN_BACKOFF_NS);
        } else {
            send(s, nowNs); // retransmission, same request id
        }
    }

    private void rejoin(Subscriber s, long atNs) {
        if (s.phase == Phase.SUBSCRIBED) {
            subscribed.decrementAndGet();
        }
        s.phase = Phase.WAITING;
        s.nextActionNs = atNs;
        s.frozen = false;
    }

    /** Sends the current join request and schedules its retransmission (200 ms, doubling). */
    private void send(Subscriber s, long nowNs) {
        if (s.phase == Phase.HELLO_SENT) {
            ControlPackets.hello(out, s.requestId, s.sessionId, KEEPALIVE_MS);
        } else {
            ControlPackets.subscribe(out, s.requestId, s.token, s.stream, 2, s.cookie);
        }
        write(s);
        s.nextActionNs = nowNs + (REQUEST_RETRY_NS << s.attempts);
        s.attempts++;
    }

    private void write(Subscriber s) {
        try {
            s.channel.write(out);
        } catch (IOException e) {
            ioErrors.incrementAndGet();
        }
    }

    /**
     * What the viewers saw so far.
     *
     * @return a snapshot; the latency histogram covers everything since start
     */
    public synchronized LoadReport.Viewers snapshot() {
        latencyTotalUs.add(latencyUs.getIntervalHistogram());
        return new LoadReport.Viewers(count, subscribed.get(), receiving.get(), packets.get(), bytes.get(), rtcpPackets.get(),
                lost.get(), frames.get(), freezes.get(), errorReplies.get(), joinFailures.get(), rejoins.get(),
                ioErrors.get(), malformed.get(), latencyTotalUs.copy());
    }

    /** Sends LEAVE from every viewer, stops the thread and closes the sockets. Idempotent. */
    @Override
    public synchronized void close() {
        running = false;
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (Subscriber s : subscribers) {
                if (s.phase == Phase.SUBSCRIBED) {
                    ControlPackets.leave(out, ++s.requestId);
                    write(s);
                }
            }
            thread = null;
        }
        closeQuietly();
    }

    private void closeQuietly() {
        for (Subscriber s : subscribers) {
            try {
                s.channel.close();
            } catch (IOException e) {
                ioErrors.incrementAndGet();
            }
        }
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException e) {
                ioErrors.incrementAndGet();
            }
        }
    }
}
