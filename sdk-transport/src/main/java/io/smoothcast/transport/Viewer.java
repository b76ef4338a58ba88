package io.smoothcast.transport;

import io.smoothcast.jitter.FrameHandler;
import io.smoothcast.jitter.SpscJitterBuffer;
import io.smoothcast.security.FrameKey;
import io.smoothcast.security.SframeDecryptor;
import io.smoothcast.security.SframeStatus;
import io.smoothcast.stats.NodeSwitchCounts;
import io.smoothcast.time.NanoClock;
import io.smoothcast.transport.internal.client.FrameOpener;
import io.smoothcast.transport.internal.client.GenericPayload;
import io.smoothcast.transport.internal.client.ReceiveTrack;
import io.smoothcast.transport.internal.client.ViewerEngine;
import io.smoothcast.transport.internal.client.ViewerMediaTotals;
import io.smoothcast.transport.internal.client.CaptureAnchor;
import io.smoothcast.transport.internal.client.LatencyTotals;
import io.smoothcast.transport.internal.client.LayerGate;
import io.smoothcast.transport.internal.client.LayerPlayout;
import io.smoothcast.transport.internal.client.SharedPlayoutTimeline;
import io.smoothcast.transport.internal.client.WallClockMapping;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.DatagramHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a live stream through a relay node: subscribes, puts the arriving RTP through one
 * jitter buffer per track, asks for retransmissions (NACK) and keyframes (PLI) as the buffers
 * need them, and hands complete frames, in order and at their playout time, to a
 * {@link ViewerListener}.
 *
 * <pre>{@code
 * try (Viewer viewer = Viewer.builder()
 *         .node(new InetSocketAddress("relay.example", 7000))
 *         .streamId("my-show")
 *         .listener(new ViewerListener() {
 *             @Override
 *             public void onFrame(ReceivedFrame frame) {
 *                 decoder.decode(frame.toByteArray());
 *             }
 *         })
 *         .build()) {
 *     viewer.start();
 *     ...
 * }
 * }</pre>
 *
 * <h2>Failover</h2>
 * Give it several nodes ({@link Builder#nodes}): it watches through the first that accepts, and
 * when that node goes silent or forgets it, it moves to the next by itself (state
 * {@link ConnectionState#RECONNECTING}, then {@link ConnectionState#CONNECTED} again); its jitter
 * buffers bridge the gap and it asks for a keyframe. In redundant mode it stays subscribed on two
 * nodes and merges both copies. See {@link FailoverPolicy}.
 *
 * <h2>Simulcast</h2>
 * When the node moves the viewer to another simulcast layer, the listener gets one layer at a
 * time and never a frame captured before one it already got. All layers of the stream play on
 * one timeline with one playout delay (measured on every layer's packets), so a switch plays the
 * old layer up to the switch instant and goes on with the new layer's keyframe at the next
 * instant, without a gap; the old layer's copy of an instant the new layer already showed is
 * skipped.
 *
 * <h2>Threads</h2>
 * Datagrams are handled on the viewer's I/O thread, the only producer of each jitter buffer;
 * frames are delivered on the viewer's playout thread, their only consumer (lock-free SPSC
 * hand-off). The playout thread wakes every {@value #PLAYOUT_TICK_MS} ms.
 * {@link #start()}, {@link #close()} and {@link #stats()} are thread-safe; the readers
 * ({@link #stats()}, {@link #state()}, {@link #carryingNodes()}, {@link #failoverCount()}, the other
 * counters) never block, not even while another thread's {@link #close()} waits for the I/O thread.
 */
public final class Viewer implements AutoCloseable {

    /** How often the playout thread looks for due frames, in milliseconds. */
    public static final int PLAYOUT_TICK_MS = 1;

    private static final Logger LOG = LoggerFactory.getLogger(Viewer.class);

    /** Nodes, stream id, failover policy, token and the other settings every client has. */
    private final ClientOptions.Settled settings;
    private final NanoClock clock;
    /** Maps the clock to wall-clock time, to compare with the broadcaster's capture times. */
    private final WallClockMapping wallClock;
    private final ViewerListener listener;
    private final int maxSimulcastLayer;
    private final int fixedPlayoutDelayMs;
    /** The stream's end-to-end keys (empty: frames are delivered as received). */
    private final List<FrameKey> frameKeys;
    private volatile FrameOpener opener;
    private final Object lifecycleLock = new Object();
    private final Lifecycle lifecycle = new Lifecycle("viewer");
    /** Moves between nodes, for {@link OpsMonitor}'s event log without a listener of the application. */
    final NodeSwitchLog switchLog = new NodeSwitchLog();
    /** Socket, I/O thread and tick; guarded by {@link #lifecycleLock}, like {@link #lifecycle}. */
    private final ClientIo io;
    private volatile ConnectionState state = ConnectionState.NEW;
    private volatile boolean playing;
    /**
     * Set once, by the start (under {@link #lifecycleLock}); volatile so that the readers of
     * counters ({@link #stats()}, {@link #carryingNodes()}, ...) take no lock: a close holds the
     * lock while it waits for the I/O thread, and a listener callback on that thread reading the
     * stats would otherwise hold the close (and its goodbye) up until the wait ran out.
     */
    private volatile ViewerEngine engine;
    /** Hands the engine from the I/O thread to a closing thread that could not wait for it. */
    private final EngineTurns turns = new EngineTurns();
    /** Tokens handed to {@link #renewToken}, for the start or the I/O thread's next tick. */
    private final TokenRenewal tokenRenewal = new TokenRenewal();
    /** Runs every callback but onStateChanged: none after CLOSED, a throw logged. */
    private final ListenerCalls callbacks = new ListenerCalls(() -> state == ConnectionState.CLOSED);
    private Thread playoutThread;
    /** Frames handed to the listener (only the playout thread writes them): all, then those decoded. */
    private volatile long framesDelivered;
    private volatile long framesDecoded;
    /** The playout thread's layer gate, set at start (its skip count is readable from any thread). */
    private volatile LayerGate layerGate;

    private Viewer(Builder builder) {
        this.settings = builder.options.settle();
        this.clock = settings.clock();
        this.wallClock = WallClockMapping.forClock(clock);
        this.listener = builder.listener;
        this.io = new ClientIo(settings, "viewer");
        this.maxSimulcastLayer = builder.maxSimulcastLayer;
        this.fixedPlayoutDelayMs = builder.fixedPlayoutDelayMs;
        this.frameKeys = List.copyOf(builder.frameKeys);
    }

    /**
     * Starts building a viewer.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds a local UDP socket, starts the playout thread and starts subscribing. Returns at
     * once; the connection is reported through {@link ViewerListener#onStateChanged}.
     * A listener may close it in the {@code onStateChanged(CONNECTING)} that runs inside this
     * call: the start then ends there, {@link ConnectionState#CLOSED}, having sent nothing.
     *
     * @return this viewer
     * @throws IllegalStateException if already started or closed, if the I/O thread did not
     *     bind the socket within 5 s (a shared I/O thread held by other work, or by a listener
     *     callback of another client that waits for this one, such as its {@link #close()}), or
     *     if its {@link SharedIoThreads} is closed (also at once when the pool closes while the
     *     start waits for its bind)
     * @throws java.io.UncheckedIOException if the local address cannot be bound. After this or any
     *     other failure of the start the viewer is closed ({@link ConnectionState#CLOSED}, told to
     *     the listener) with nothing left open; build a new one to try again. Called in a callback
     *     on a thread of the client's {@code SharedIoThreads}, binds on another thread of the pool,
     *     and fails at once on a pool of one thread (that thread cannot bind while it waits)
     */
    public Viewer start() {
        synchronized (lifecycleLock) {
            lifecycle.start();
            try {
                io.open(() -> close(SharedIoThreads.CLOSED_REASON));
                ControlMessage.Subscribe subscribe = new ControlMessage.Subscribe(settings.streamId(),
                        maxSimulcastLayer, 0);
                ThreadLocalRandom random = ThreadLocalRandom.current();
                DatagramHandler handler = new DatagramHandler(sender -> {
                    engine = new ViewerEngine(sender, settings.nodes(), random.nextLong(), random.nextInt(), subscribe,
                            settings.failover(), this::newJitterBuffer, new EngineListener());
                    return turns.guard(engine);
                }, clock);
                engine.useToken(tokenRenewal.takeOr(settings.token()));
                engine.supervisor().watchTokenExpiry(wallClock, settings.tokenExpiryWarningNs());
                settings.probedRttNs().forEach(engine.supervisor()::knowRtt);
                if (!frameKeys.isEmpty()) {
                    SframeDecryptor decryptor = new SframeDecryptor(frameKeys.get(0).suite(),
                            SframeDecryptor.DEFAULT_REPLAY_WINDOW_FRAMES);
                    for (FrameKey key : frameKeys) {
                        decryptor.addKey(key.keyId(), key.baseKey());
                    }
                    opener = new FrameOpener(decryptor);
                }
                engine.useWallClock(wallClock);
                engine.useTimeline(fixedPlayoutDelayMs >= 0 ? SharedPlayoutTimeline.fixed(fixedPlayoutDelayMs)
                        : SharedPlayoutTimeline.adaptive());
                // Bound only now, with the engine made and configured: the I/O thread can read
                // no datagram before (the engine's start, the SUBSCRIBE's HELLO, follows the bind).
                io.bind(handler);
                playing = true;
                playoutThread = new Thread(new PlayoutLoop(engine, opener), "smoothcast-playout");
                playoutThread.setDaemon(true);
                playoutThread.start();
                setState(ConnectionState.CONNECTING, "start");
                if (state == ConnectionState.CLOSED) {
                    // The listener closed the viewer in that callback: its I/O thread, if its own,
                    // has stopped, and a shared one must not be left ticking for it.
                    return this;
                }
                Runnable tick = () -> {
                    long nowNs = clock.nanoTime();
                    tokenRenewal.deliverTo(engine.supervisor(), nowNs);
                    engine.onTick(nowNs);
                };
                io.run(() -> turns.run(() -> engine.start(clock.nanoTime())), () -> turns.run(tick));
            } catch (RuntimeException e) {
                close(); // releases whatever the start had made (the channel may not exist)
                throw e;
            }
            return this;
        }
    }

    private SpscJitterBuffer newJitterBuffer(Track track) {
        SpscJitterBuffer.Builder builder = SpscJitterBuffer.builder()
                .clockRateHz(track.clockRateHz())
                .completenessCheck(GenericPayload.COMPLETENESS);
        if (fixedPlayoutDelayMs >= 0) {
            builder.fixedDelayMs(fixedPlayoutDelayMs);
        } else {
            builder.adaptive();
        }
        return builder.build();
    }

    /**
     * How many times this client lost every node and resumed on another (or the same, returned)
     * node by itself. Any thread.
     *
     * @return the count; 0 before start
     */
    public long failoverCount() {
        ViewerEngine e = engine;
        return e == null ? 0 : e.counters().get(ViewerEngine.FAILOVERS);
    }

    /**
     * How many times this viewer's I/O thread was off the CPU for over 40 ms (a GC pause, a busy
     * host), seen as a gap between its 10 ms ticks and reads. The packets read after such a
     * stall are reported to the node as read late, so that it does not move the viewer down a
     * layer for it; frequent stalls still delay playout and point at an overloaded machine. Any
     * thread.
     *
     * @return the count; 0 before start
     */
    public long readerStallCount() {
        ViewerEngine e = engine;
        return e == null ? 0 : e.counters().get(ViewerEngine.READER_STALLS);
    }

    /**
     * The current connection state. Any thread.
     *
     * @return the state, never null: {@link ConnectionState#NEW} before {@link #start()},
     *     {@link ConnectionState#CLOSED} after {@link #close()} (also when closed without a start)
     */
    public ConnectionState state() {
        return state;
    }

    /**
     * A snapshot of the counters, summed over the tracks.
     *
     * @return the snapshot (zeros before start)
     */
    public ViewerStats stats() {
        ViewerEngine e = engine;
        if (e == null) {
            return new ViewerStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NodeSwitchCounts.NONE, 0, 0);
        }
        ViewerMediaTotals media = new ViewerMediaTotals();
        media.read(e);
        var c = e.counters();
        long[] receipt = new long[LatencyTotals.SIZE];
        long[] playout = new long[LatencyTotals.SIZE];
        e.latency().readReceipt(receipt);
        e.latency().readPlayout(playout);
        return new ViewerStats(framesDelivered, c.get(ViewerEngine.PACKETS_RECEIVED), c.get(ViewerEngine.RTX_RECEIVED),
                media.packetsLost(), media.framesDropped(), c.get(ViewerEngine.NACKS_SENT), c.get(ViewerEngine.PLIS_SENT),
                media.freezeCount(), media.totalFreezesDurationNs(), c.get(ViewerEngine.MALFORMED_DROPPED),
                media.playoutDelayNs(), c.get(ViewerEngine.RTT_NS),
                c.get(ViewerEngine.FAILOVERS), playout[LatencyTotals.TOTAL_NS], playout[LatencyTotals.COUNT],
                receipt[LatencyTotals.TOTAL_NS], receipt[LatencyTotals.COUNT], c.get(ViewerEngine.STALE_CONTROL_IGNORED),
                c.get(ViewerEngine.UNKNOWN_TRACK_RECOVERED), c.get(ViewerEngine.UNKNOWN_TRACK_DROPPED),
                NodeSwitchReason.read(c, ViewerEngine.NODE_SWITCHES), c.get(ViewerEngine.TOKEN_REFUSALS),
                framesDecoded);
    }

    /**
     * Counters of end-to-end decryption ({@link Builder#frameDecryptionKey}): frames decrypted,
     * and frames refused per reason (altered or wrong key, replayed, too old, unknown key id,
     * malformed). Any thread.
     *
     * @return the snapshot (zeros without keys or before start)
     */
    public FrameEncryptionStats encryptionStats() {
        FrameOpener o = opener;
        if (o == null) {
            return FrameEncryptionStats.NONE;
        }
        var c = o.counters();
        return new FrameEncryptionStats(0, 0, c.get(FrameOpener.FRAMES_OPENED),
                c.get(-SframeStatus.AUTHENTICATION_FAILED), c.get(-SframeStatus.REPLAYED),
                c.get(-SframeStatus.TOO_OLD), c.get(-SframeStatus.UNKNOWN_KEY), c.get(-SframeStatus.MALFORMED));
    }

    /**
     * @return video frames of a simulcast layer not played that were skipped (the old layer's
     *     copy of an instant the new layer showed, a second layer flowing at once); any thread
     */
    long layerFramesSkipped() {
        LayerGate gate = layerGate;
        return gate == null ? 0 : gate.framesSkipped();
    }

    /**
     * The nodes that accepted this viewer and carry its stream now, primary first: one, or two in
     * redundant mode while both legs are up; empty while reconnecting, before start and after
     * close. Any thread; a snapshot renewed by the I/O thread at least every 10 ms.
     *
     * @return the nodes, as given to the builder (an unmodifiable list)
     */
    public List<InetSocketAddress> carryingNodes() {
        ViewerEngine e = engine;
        // After a close none carries it, even when the closing thread took the engine over
        // without the I/O thread's goodbye (close()).
        return e == null || state == ConnectionState.CLOSED ? List.of() : e.carryingNodes();
    }

    /** @return the engine while running (null before start), for {@link OpsMonitor}'s reads */
    ViewerEngine engineForStats() {
        return engine;
    }

    /**
     * The local UDP address.
     *
     * @return the bound address
     * @throws IllegalStateException if not started
     */
    public InetSocketAddress localAddress() {
        return io.localAddress(); // no lock, like the stats: a close may hold it for its wait
    }

    /**
     * Replaces the subscribe token (see {@link Builder#token}), for example one about to expire
     * ({@link ViewerListener#onTokenExpiring}) or one a node refused ({@link ViewerListener#onTokenRefused}).
     * Every SUBSCRIBE sent from now on carries the new one: the next node after a failover, a
     * redundant path, a join again after a node forgot the session. A SUBSCRIBE the viewer sends
     * again to a node that already carries it (to ask for the stream's tracks when their
     * announcement was lost, or a copy whose answer was lost) is accepted there even with an
     * expired token (PROTOCOL.md section 7). A node whose last
     * answer was a refusal of the old token is asked again at once, not after its retry backoff,
     * so a viewer that is {@link ConnectionState#FAILED} for its token reconnects within a tick
     * and a round trip. Nodes that carry the viewer now are sent nothing: a node checks a token
     * only when it receives a SUBSCRIBE, never while the client merely stays, so a token that expires
     * during a show matters for the next SUBSCRIBE only. Before {@link #start()} this replaces the
     * builder's token; after {@link #close()} it does nothing. Its own expiry warning comes in
     * turn.
     *
     * <p>Thread-safe and non-blocking: may be called from any thread, a listener callback
     * included; takes effect on the I/O thread at its next 10 ms tick (several calls in between:
     * the last one).
     *
     * @param token the new token text (base64url and one dot, at most 512 characters), or null for none
     * @throws IllegalArgumentException if the token is longer than 512 characters or not printable ASCII
     *     (the builder's checks); the current token is then kept
     */
    public void renewToken(String token) {
        tokenRenewal.offer(token);
    }

    /**
     * Tells the node goodbye, closes the socket and stops the playout thread and the viewer's own
     * I/O thread. Idempotent; the state is {@link ConnectionState#CLOSED} when it returns.
     *
     * <p>May be called from any thread, a listener callback included (closing on a state change
     * or in {@link ViewerListener#onFrame} is fine): on the I/O thread this returns at once, and
     * the goodbye and the socket's close run right after the callback returns; on the playout
     * thread this waits for the I/O thread only, and that thread stops once the callback returns.
     *
     * <p>From any other thread it waits for the I/O thread and the playout thread at most 5 s in
     * all. If the I/O thread does not run the close by then (held by other work on a shared
     * thread), this thread takes the viewer over without the goodbye: that thread handles none of
     * its datagrams afterwards and closes the socket whenever it is free; if the I/O thread is
     * held inside the viewer (a listener callback that blocks), the goodbye follows when that
     * callback returns. The goodbye always leaves before the socket closes.
     *
     * <p>Waits holding the viewer's lifecycle lock, as {@link #start()} waits for its bind: a
     * {@code start()} or {@code close()} of this viewer on another thread meanwhile waits for it,
     * and so does a {@code close()} from a callback on the I/O thread while another thread's close
     * waits for that thread: it returns, {@link ConnectionState#CLOSED}, once that wait ends (at
     * most 5 s), and the goodbye follows the callback. The readers take no lock.
     */
    @Override
    public void close() {
        close("close");
    }

    /** @param reason for the listener's {@code onStateChanged(CLOSED)} */
    private void close(String reason) {
        synchronized (lifecycleLock) {
            if (!lifecycle.close()) {
                return;
            }
            if (io.opened()) {
                playing = false;
                if (playoutThread != null) {
                    LockSupport.unpark(playoutThread);
                }
                long deadlineNs = System.nanoTime() + io.closeWaitNs();
                // Called on the I/O or the playout thread (a callback): waits for neither; the
                // playout thread stops on its own once its callback returns.
                boolean mayWait = !io.onIoThread() && playoutThread != Thread.currentThread();
                if (!io.close(() -> turns.close(() -> engine.close(clock.nanoTime())))) {
                    // Held elsewhere past the wait: no call of the I/O thread runs on the engine
                    // again (unless one runs now: the close queued behind it follows it).
                    turns.take();
                }
                if (playoutThread != null && mayWait) {
                    try {
                        TimeUnit.NANOSECONDS.timedJoin(playoutThread, Math.max(0, deadlineNs - System.nanoTime()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            setState(ConnectionState.CLOSED, reason);
        }
    }

    /**
     * Test hook: how long {@link #close()} waits for the I/O and playout threads (default 5 s),
     * and {@link #start()} for the bind, so that tests of a held I/O thread wait less.
     *
     * @param wait the wait, > 0
     * @return this viewer
     */
    Viewer closeWait(Duration wait) {
        synchronized (lifecycleLock) {
            io.closeWait(wait.toNanos());
            return this;
        }
    }

    private void setState(ConnectionState next, String reason) {
        state = next;
        try {
            listener.onStateChanged(next, reason);
        } catch (RuntimeException e) {
            LOG.warn("ViewerListener.onStateChanged threw", e);
        }
    }

    /** The playout thread: polls every track's jitter buffer for due frames. */
    private final class PlayoutLoop implements Runnable, FrameHandler, LayerPlayout.Sink {
        private final ViewerEngine source;
        /** Decrypts frames before delivery, or null without keys. */
        private final FrameOpener frameOpener;
        private final ReceivedFrame view = new ReceivedFrame();
        /** The listener's onFrame, bound once: no lambda per frame. */
        private final Consumer<ReceivedFrame> deliver = listener::onFrame;
        /** The simulcast layers: one timeline, one layer at a time, in capture order. */
        private final LayerPlayout layers;
        private ReceiveTrack current;
        /** When the frames now being handed over were taken from the buffers. */
        private long handOffNs;

        PlayoutLoop(ViewerEngine source, FrameOpener frameOpener) {
            this.source = source;
            this.frameOpener = frameOpener;
            LayerGate gate = new LayerGate();
            layerGate = gate;
            this.layers = new LayerPlayout(source.timeline(), wallClock, gate, source.videoFreezes());
        }

        @Override
        public void run() {
            long tickNs = TimeUnit.MILLISECONDS.toNanos(PLAYOUT_TICK_MS);
            while (playing) {
                long nowNs = clock.nanoTime();
                handOffNs = nowNs;
                ReceiveTrack[] tracks = source.playoutTracks();
                for (ReceiveTrack t : tracks) {
                    if (t.track().kind() != MediaKind.VIDEO) {
                        current = t;
                        t.buffer().poll(nowNs, this);
                    }
                }
                layers.poll(tracks, nowNs, this);
                LockSupport.parkNanos(tickNs);
            }
        }

        @Override
        public void onFrame(io.smoothcast.jitter.JitterFrame frame) {
            onFrame(current, frame);
        }

        @Override
        public void onFrame(ReceiveTrack track, io.smoothcast.jitter.JitterFrame frame) {
            if (!callbacks.open()) {
                // Closed during this pass (from a callback, or by the I/O thread): the frames
                // still due are neither handed out nor counted as delivered.
                return;
            }
            current = track;
            ReceivedFrame delivered = view.bind(frame, current.track().kind(), current.track().ssrc());
            if (frameOpener != null) {
                int length = frameOpener.open(frame);
                if (length < 0) { // refused and counted: never handed out as media
                    frameOpener.noteRefusal(current.track().ssrc());
                    int ssrc = current.track().ssrc();
                    callbacks.call("ViewerListener.onFrameRejected",
                            () -> listener.onFrameRejected(ssrc, SframeStatus.name(length)));
                    return;
                }
                delivered.useDecrypted(frameOpener.plaintext(), length,
                        frameOpener.takeRefusalBefore(current.track().ssrc()));
            }
            framesDelivered++; // only this thread writes
            if (ViewerMediaTotals.countsAsDecoded(current)) {
                framesDecoded++;
            }
            long captureUnixNs = current.captureAnchor().captureUnixNs(frame.rtpTimestamp());
            if (captureUnixNs != CaptureAnchor.UNKNOWN && current.captureAnchor().latencyCounted()) {
                source.latency().onPlayout(wallClock.unixNs(handOffNs) - captureUnixNs);
            }
            callbacks.call("ViewerListener.onFrame", deliver, delivered);
        }
    }

    /** Bridges engine events to the public listener, on the I/O thread. */
    private final class EngineListener implements ViewerEngine.Listener {
        @Override
        public void onStateChanged(ConnectionState next, String reason) {
            if (callbacks.open()) {
                setState(next, reason + " (stream " + settings.streamId() + ")");
            }
        }

        @Override
        public void onNodeSwitched(InetSocketAddress from, InetSocketAddress to, NodeSwitchReason reason,
                String detail) {
            if (!callbacks.open()) {
                return; // nor in the event log after CLOSED
            }
            switchLog.append(from, to, reason, detail);
            callbacks.call("ViewerListener.onNodeSwitched", () -> listener.onNodeSwitched(from, to, reason, detail));
        }

        @Override
        public void onTokenRefused(InetSocketAddress node, TokenRefusal refusal) {
            callbacks.call("ViewerListener.onTokenRefused", () -> listener.onTokenRefused(node, refusal));
        }

        @Override
        public void onTokenExpiring(long expiresAtEpochSeconds) {
            callbacks.call("ViewerListener.onTokenExpiring", () -> listener.onTokenExpiring(expiresAtEpochSeconds));
        }
    }

    /** Builds a {@link Viewer}. Not thread-safe; build on one thread. */
    public static final class Builder {
        /** The settings every client has, validated there. */
        private final ClientOptions options = new ClientOptions();
        private ViewerListener listener = ViewerListener.NONE;
        private int maxSimulcastLayer = Track.MAX_SIMULCAST_LAYER;
        private int fixedPlayoutDelayMs = -1;
        private final List<FrameKey> frameKeys = new ArrayList<>();

        private Builder() {
        }

        /**
         * The node to watch through; same as {@code nodes(List.of(node))}. This or
         * {@link #nodes} is required.
         *
         * @param node the node's UDP address
         * @return this builder
         */
        public Builder node(InetSocketAddress node) {
            options.node(node);
            return this;
        }

        /**
         * The nodes that carry the stream, best first (for instance a probe's ranking): the
         * viewer watches through the first that accepts and moves to the next by itself when
         * its node dies.
         *
         * @param nodes 1-16 distinct UDP addresses
         * @return this builder
         */
        public Builder nodes(List<InetSocketAddress> nodes) {
            options.nodes(nodes);
            return this;
        }

        /**
         * The nodes a {@link NodeProbe} ranked, as {@code nodes(report.rankedAddresses())}; the
         * round trip the probe measured to each node that answered also sets how long the
         * viewer waits for that node's answers before sending a request again (about twice
         * the round trip, PROTOCOL.md section 5), from its first request on. Without it the first
         * requests to a node follow a fixed schedule (0.2 s, doubling) until answered.
         *
         * @param report a probe of 1-16 nodes
         * @return this builder
         */
        public Builder nodes(ProbeReport report) {
            options.nodes(report);
            return this;
        }

        /**
         * Failure detection, failover and redundancy settings. Default:
         * {@link FailoverPolicy#defaults()}.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder failover(FailoverPolicy policy) {
            options.failover(policy);
            return this;
        }

        /**
         * The stream to watch. Required.
         *
         * @param streamId 1-64 characters from {@code A-Z a-z 0-9 . _ ~ -}
         * @return this builder
         */
        public Builder streamId(String streamId) {
            options.streamId(streamId);
            return this;
        }

        /**
         * The clock for arrival and playout times. Default: the system clock.
         *
         * @param clock a monotonic clock
         * @return this builder
         */
        public Builder clock(NanoClock clock) {
            options.clock(clock);
            return this;
        }

        /**
         * Receives frames and state changes. Default: {@link ViewerListener#NONE}.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(ViewerListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The local address to bind. Default: any address, a free port.
         *
         * @param localAddress the local address
         * @return this builder
         */
        public Builder localAddress(InetSocketAddress localAddress) {
            options.localAddress(localAddress);
            return this;
        }

        /**
         * The highest simulcast layer to receive. Default 2 (the best available).
         *
         * @param layer 0-2
         * @return this builder
         */
        public Builder maxSimulcastLayer(int layer) {
            if (layer < 0 || layer > Track.MAX_SIMULCAST_LAYER) {
                throw new IllegalArgumentException("layer must be 0-" + Track.MAX_SIMULCAST_LAYER + ": " + layer);
            }
            this.maxSimulcastLayer = layer;
            return this;
        }

        /**
         * Plays every frame a fixed time after its arrival timeline instead of adapting the delay
         * to the measured jitter. Default: adaptive.
         *
         * @param delayMs the playout delay, 0-10000 ms
         * @return this builder
         */
        public Builder fixedPlayoutDelayMs(int delayMs) {
            if (delayMs < 0 || delayMs > 10_000) {
                throw new IllegalArgumentException("delayMs must be 0-10000: " + delayMs);
            }
            this.fixedPlayoutDelayMs = delayMs;
            return this;
        }

        /**
         * Runs on a shared pool of I/O threads instead of a thread of its own (then
         * {@link #forceNio} is ignored: the pool decides). Default: own thread.
         *
         * @param threads the pool; should outlive this client. If it is closed first, it closes
         *     the viewer as {@link Viewer#close()} would (the goodbye, then
         *     {@code onStateChanged(CLOSED, "shared I/O threads closed")}). A start on a closed
         *     pool fails. The pool closes all its clients at once (see {@link SharedIoThreads#close()})
         * @return this builder
         */
        public Builder sharedIoThreads(SharedIoThreads threads) {
            options.sharedIoThreads(threads);
            return this;
        }

        /**
         * The subscribe token for this stream (issued by the application's server with
         * {@code io.smoothcast.security.TokenIssuer}), sent with the SUBSCRIBE request to nodes
         * that require tokens. A node that refuses it makes this viewer {@code FAILED} with a
         * reason naming the error code ({@code UNAUTHORIZED}, {@code TOKEN_EXPIRED} or
         * {@code FORBIDDEN}) and calls {@link ViewerListener#onTokenRefused}; {@link Viewer#renewToken}
         * replaces the token at any time, and {@link ViewerListener#onTokenExpiring} warns before it
         * expires. Default: no token.
         *
         * @param token the token text (base64url and one dot, at most 512 characters), or null for none
         * @return this builder
         * @throws IllegalArgumentException if the token is longer than 512 characters or not printable ASCII
         */
        public Builder token(String token) {
            options.token(token);
            return this;
        }

        /**
         * How long before its token's expiry the viewer calls
         * {@link ViewerListener#onTokenExpiring}: time for the application to fetch a new token
         * from its server and hand it to {@link Viewer#renewToken}. The expiry is read from the
         * token itself (without checking its signature, which only nodes can); a token the
         * viewer cannot read (not issued by {@code io.smoothcast.security.TokenIssuer})
         * gets no warning. Default: 30 s.
         *
         * @param lead the time before the expiry, 0 to 24 hours ({@link Duration#ZERO}: at the expiry)
         * @return this builder
         * @throws IllegalArgumentException if {@code lead} is negative or longer than 24 hours
         * @throws NullPointerException if {@code lead} is null
         */
        public Builder tokenExpiryWarning(Duration lead) {
            options.tokenExpiryWarning(lead);
            return this;
        }

        /**
         * Decrypts frames sealed end to end by a broadcaster with this key
         * ({@code Broadcaster.Builder.frameEncryption}). Call again to hold up to
         * {@value SframeDecryptor#MAX_KEYS} keys at once (for a rotation; each frame names its
         * key id); all must use the same cipher suite. With a key, only frames that authenticate
         * and are fresh (not replayed) reach {@link ViewerListener#onFrame}; the others are
         * counted in {@link Viewer#encryptionStats()} and reported to
         * {@link ViewerListener#onFrameRejected}. Default: no key, frames delivered as received.
         *
         * @param key a key of the stream
         * @return this builder
         * @throws IllegalArgumentException if {@code key} is null, uses another suite than the
         *     keys before it, or is one key too many
         */
        public Builder frameDecryptionKey(FrameKey key) {
            if (key == null) {
                throw new IllegalArgumentException("key must not be null");
            }
            if (!frameKeys.isEmpty() && frameKeys.get(0).suite() != key.suite()) {
                throw new IllegalArgumentException("key must use " + frameKeys.get(0).suite() + " like the others: " + key);
            }
            if (frameKeys.size() == SframeDecryptor.MAX_KEYS) {
                throw new IllegalArgumentException("key is one too many: at most " + SframeDecryptor.MAX_KEYS);
            }
            frameKeys.add(key);
            return this;
        }

        /**
         * Uses NIO even where epoll is available. Default false.
         *
         * @param forceNio true for NIO
         * @return this builder
         */
        public Builder forceNio(boolean forceNio) {
            options.forceNio(forceNio);
            return this;
        }

        /**
         * Builds the viewer (not started).
         *
         * @return a new viewer
         * @throws IllegalStateException if the node or the stream id is missing
         */
        public Viewer build() {
            return new Viewer(this);
        }
    }
}
