package io.smoothcast.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.smoothcast.abr.AbrListener;
import io.smoothcast.abr.Rendition;
import io.smoothcast.abr.RenditionLadder;
import io.smoothcast.abr.RenditionSelector;
import io.smoothcast.cc.CongestionController;
import io.smoothcast.cc.Pacer;
import io.smoothcast.jitter.SpscJitterBuffer;
import io.smoothcast.rtp.NtpTime;
import io.smoothcast.security.FrameKey;
import io.smoothcast.stats.NodeSwitchCounts;
import io.smoothcast.time.NanoClock;
import io.smoothcast.transport.internal.client.BroadcasterEngine;
import io.smoothcast.transport.internal.client.FrameSealer;
import io.smoothcast.transport.internal.client.OutgoingFrame;
import io.smoothcast.transport.internal.client.WallClockMapping;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.DatagramHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a live stream to a relay node: takes encoded frames from the application, cuts them
 * into RTP packets and sends them to the node, which fans them out to viewers.
 *
 * <pre>{@code
 * try (Broadcaster broadcaster = Broadcaster.builder()
 *         .node(new InetSocketAddress("relay.example", 7000))
 *         .streamId("my-show")
 *         .listener(myListener)
 *         .build()) {
 *     broadcaster.start();
 *     broadcaster.sendVideo(encodedFrame, 0, encodedFrame.length, captureTimeNs, isKeyframe);
 * }
 * }</pre>
 *
 * <h2>Failover</h2>
 * Give it several ingest nodes ({@link Builder#nodes}): when its node goes silent or forgets it,
 * it publishes to the next by itself, keeping SSRCs and sequence numbers, and asks the
 * application for a keyframe ({@link BroadcasterListener#onKeyframeRequested}). Frames handed
 * over while no node carries it are dropped and counted. In redundant mode it publishes to two
 * nodes at once. See {@link FailoverPolicy}.
 *
 * <h2>Threads</h2>
 * {@link #sendVideo} and {@link #sendAudio} may be called from any number of application
 * threads at once: they copy the frame into a pooled buffer and put it on a bounded lock-free
 * multi-producer queue (JCTools {@code MpscArrayQueue}) that the broadcaster's I/O thread drains.
 * <b>When the queue is full</b> the call returns {@code false} and the frame is not taken (the
 * application decides: drop it, or ask its encoder for a lower bitrate); it is counted in
 * {@link BroadcasterStats#framesRejected()}. Frames sent before the node accepted the stream are
 * dropped and counted; after an outage that dropped frames a video track resumes at a keyframe.
 * {@link #start()}, {@link #close()} and {@link #stats()} are thread-safe; the readers
 * ({@link #stats()}, {@link #state()}, {@link #carryingNodes()}, {@link #failoverCount()}, the other
 * counters) never block, not even while another thread's {@link #close()} waits for the I/O thread.
 * Listener callbacks run on the I/O thread, but for the state changes that start() and close()
 * report (see {@link BroadcasterListener}).
 *
 * <h2>Rate</h2>
 * Packets leave through a pacer (audio before video) at the rate set by a send-side congestion
 * controller (sdk-core, GCC family) fed with the node's transport-wide feedback. Retransmissions
 * (answers to the node's NACKs, tail loss probes) may use at most half of its target over any
 * second; what they used over the last second is taken off the target before it is reported
 * through {@link BroadcasterListener#onTargetBitrate} (and used to pick a rendition), so media
 * plus retransmissions stay within the target: set the encoder so all tracks together stay
 * under the reported rate. Frames larger than the path allows wait in the pacer, which keeps its
 * pace (2.5 x the target): the send-delay limit below drops what waits too long, so the path is
 * not sent more than it was measured to carry. With the limit off the pacer speeds up instead once
 * its queue would wait more than about 2 s. Frames are dropped and counted when its queue is full.
 *
 * <h2>Send delay limit</h2>
 * A frame that is still waiting {@link Builder#maxSendDelay} after its {@code send...()} call
 * (default {@link #DEFAULT_MAX_SEND_DELAY}) is dropped whole instead of sent late: when the
 * application hands in more than the path carries, or the I/O thread is starved of CPU, viewers
 * get the newest frames, not seconds-old ones. A frame is never cut: the check is made when it
 * leaves the send queue and when its first packet is to leave the pacer. After a video frame is
 * dropped, the later frames of its track (simulcast layer) are dropped too until a keyframe,
 * which the broadcaster asks for through {@link BroadcasterListener#onKeyframeRequested} (at most
 * once per 200 ms, and again every second while the track still waits and no keyframe was handed
 * in since; a viewer's request or a resume's counts as the last request, and nothing is asked
 * while not connected). A frame the pacer has no room for is dropped whole the same way. Audio frames are
 * dropped alone; messages ({@link #sendMessage}) never. RTP
 * sequence numbers stay contiguous, so viewers do not ask for what was never sent. Counted in
 * {@link BroadcasterStats#framesDroppedStale()}, {@link BroadcasterStats#framesDroppedPacerFull()} and
 * {@link BroadcasterStats#videoFramesSkippedToKeyframe()}.
 */
public final class Broadcaster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Broadcaster.class);
    private static final int VIDEO_TRACK = 0;

    /**
     * Default of {@link Builder#maxSendDelay}: 1 s, the viewer's default largest playout delay
     * ({@link io.smoothcast.jitter.SpscJitterBuffer#DEFAULT_MAX_DELAY_MS}). A viewer with default
     * settings absorbs a delay step of up to that much by raising its own delay; a frame held
     * back longer than that has missed its playout at every such viewer before it leaves, and
     * each frame behind it too. It is well inside the relay's retransmission cache (about 3 s of
     * 3 Mbps video by default), so the frames sent still get repaired.
     */
    public static final Duration DEFAULT_MAX_SEND_DELAY = Duration.ofMillis(SpscJitterBuffer.DEFAULT_MAX_DELAY_MS);
    /** {@link Builder#maxSendDelay} that turns the limit off: every frame is sent, however late. */
    public static final Duration NO_SEND_DELAY_LIMIT = Duration.ZERO;
    /** Smallest limit {@link Builder#maxSendDelay} takes: below it, a keyframe's burst alone would be dropped. */
    private static final Duration MIN_SEND_DELAY_LIMIT = Duration.ofMillis(100);
    /** Largest limit {@link Builder#maxSendDelay} takes. */
    private static final Duration MAX_SEND_DELAY_LIMIT = Duration.ofSeconds(60);

    /** Longest message {@link #sendMessage} takes, in bytes (one packet). */
    public static final int MAX_MESSAGE_BYTES = 1000;

    /** Nodes, stream id, failover policy, token and the other settings every client has. */
    private final ClientOptions.Settled settings;
    private final NanoClock clock;
    /** Maps capture times to wall-clock time for the abs-capture-time stamps. */
    private final WallClockMapping wallClock;
    private final BroadcasterListener listener;
    private final List<Track> tracks;
    private final int audioTrackIndex;
    private final int videoLayers;
    private final int messageTrackIndex;
    private final long startBitrateBps;
    private final long minBitrateBps;
    private final long maxBitrateBps;
    private final RenditionLadder ladder;
    private final AbrListener abrListener;
    /** {@link Builder#maxSendDelay} in ns, 0 for none. */
    private final long maxSendDelayNs;
    private final MpscArrayQueue<OutgoingFrame> frames;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final LongAdder framesRejected = new LongAdder();
    private final AtomicInteger sendersInside = new AtomicInteger();
    private volatile boolean closing;
    private final Runnable drainTask;
    private final Runnable paceTask;
    /** The stream's end-to-end key, or null to send frames unencrypted. */
    private final FrameKey frameKey;
    private volatile FrameSealer sealer;
    private final Object lifecycleLock = new Object();
    /** Every track's first RTP timestamp, or null for random ones; guarded by {@link #lifecycleLock}. */
    private Integer firstRtpTimestamp;
    private final Lifecycle lifecycle = new Lifecycle("broadcaster");
    /** Moves between nodes, for {@link OpsMonitor}'s event log without a listener of the application. */
    final NodeSwitchLog switchLog = new NodeSwitchLog();
    /** Socket, I/O thread and tick; guarded by {@link #lifecycleLock}, like {@link #lifecycle}. */
    private final ClientIo io;
    private volatile ConnectionState state = ConnectionState.NEW;
    /**
     * Set once, by the start (under {@link #lifecycleLock}); volatile so that the readers of
     * counters ({@link #stats()}, {@link #carryingNodes()}, ...) take no lock: a close holds the
     * lock while it waits for the I/O thread, and a listener callback on that thread reading the
     * stats would otherwise hold the close (and its goodbye) up until the wait ran out.
     */
    private volatile BroadcasterEngine engine;
    /** Hands the engine from the I/O thread to a closing thread that could not wait for it. */
    private final EngineTurns turns = new EngineTurns();
    /** Tokens handed to {@link #renewToken}, for the start or the I/O thread's next tick. */
    private final TokenRenewal tokenRenewal = new TokenRenewal();
    /** Runs every callback but onStateChanged: none after CLOSED, a throw logged. */
    private final ListenerCalls callbacks = new ListenerCalls(() -> state == ConnectionState.CLOSED);

    private Broadcaster(Builder builder) {
        this.settings = builder.options.settle();
        this.clock = settings.clock();
        this.wallClock = WallClockMapping.forClock(clock);
        this.listener = builder.listener;
        this.io = new ClientIo(settings, "broadcaster");
        this.frames = new MpscArrayQueue<>(builder.sendQueueFrames);
        this.maxSendDelayNs = builder.maxSendDelay.toNanos();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<Track> list = new ArrayList<>(5);
        java.util.Set<Integer> usedSsrcs = new java.util.HashSet<>();
        java.util.function.IntSupplier newSsrc = () -> {
            int ssrc;
            do {
                ssrc = random.nextInt();
            } while (ssrc == 0 || !usedSsrcs.add(ssrc)); // 0 means "no RTX" in a track
            return ssrc;
        };
        this.videoLayers = builder.video ? builder.simulcastLayers : 0;
        for (int layer = 0; layer < videoLayers; layer++) {
            // Simulcast layers share the payload types; the SSRC tells them apart. Each lower layer
            // announces a quarter of the bitrate of the one above it.
            long bitrate = builder.videoBitrateBps >> (2 * (videoLayers - 1 - layer));
            list.add(new Track(newSsrc.getAsInt(), newSsrc.getAsInt(), 96, 97, MediaKind.VIDEO, layer, 90_000,
                    (int) bitrate));
        }
        if (builder.audio) {
            // Audio gets RTX too (payload type 112; since session 16): a lost 20 ms packet is a click
            // or a concealed gap, and the viewer's audio buffer already waits a round trip for
            // repairs, as video's does, so the repair costs no added delay.
            list.add(new Track(newSsrc.getAsInt(), newSsrc.getAsInt(), 111, 112, MediaKind.AUDIO, 0, 48_000, 64_000));
        }
        if (builder.messages) {
            // Messages get RTX so a lost chat line is repaired like video; a 1 kHz clock keeps
            // them on the stream's timeline (viewers get them at playout time, in step with video).
            list.add(new Track(newSsrc.getAsInt(), newSsrc.getAsInt(), 98, 99, MediaKind.DATA, 0, 1000, 16_000));
        }
        this.tracks = List.copyOf(list);
        this.audioTrackIndex = builder.audio ? videoLayers : -1;
        this.messageTrackIndex = builder.messages ? list.size() - 1 : -1;
        this.startBitrateBps = builder.startBitrateBps;
        this.minBitrateBps = builder.minBitrateBps;
        this.maxBitrateBps = builder.maxBitrateBps;
        this.ladder = builder.ladder;
        this.abrListener = builder.abrListener;
        this.frameKey = builder.frameKey;
        Runnable wake = () -> engine.onWake(clock.nanoTime());
        this.paceTask = () -> turns.run(wake);
        Runnable drain = () -> engine.drain(clock.nanoTime());
        this.drainTask = () -> {
            drainScheduled.set(false);
            turns.run(drain);
        };
    }

    /**
     * Starts building a broadcaster.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds a local UDP socket and starts joining the node. Returns at once; the connection
     * completes in the background and is reported through
     * {@link BroadcasterListener#onStateChanged}.
     * A listener may close it in the {@code onStateChanged(CONNECTING)} that runs inside this
     * call: the start then ends there, {@link ConnectionState#CLOSED}, having sent nothing.
     *
     * @return this broadcaster
     * @throws IllegalStateException if already started or closed, if the I/O thread did not
     *     bind the socket within 5 s (a shared I/O thread held by other work, or by a listener
     *     callback of another client that waits for this one, such as its {@link #close()}), or
     *     if its {@link SharedIoThreads} is closed (also at once when the pool closes while the
     *     start waits for its bind)
     * @throws java.io.UncheckedIOException if the local address cannot be bound. After this or any
     *     other failure of the start the broadcaster is closed ({@link ConnectionState#CLOSED}, told to
     *     the listener) with nothing left open; build a new one to try again. Called in a callback
     *     on a thread of the client's {@code SharedIoThreads}, binds on another thread of the pool,
     *     and fails at once on a pool of one thread (that thread cannot bind while it waits)
     */
    public Broadcaster start() {
        synchronized (lifecycleLock) {
            lifecycle.start();
            try {
                io.open(() -> close(SharedIoThreads.CLOSED_REASON));
                ControlMessage.Publish publish = new ControlMessage.Publish(settings.streamId(), tracks);
                CongestionController controller = CongestionController.builder()
                        .startBitrateBps(startBitrateBps).minBitrateBps(minBitrateBps).maxBitrateBps(maxBitrateBps)
                        .initialProbing(false).build();
                Pacer pacer = Pacer.builder().initialTargetBitrateBps(startBitrateBps).build();
                RenditionSelector renditions = ladder == null ? null
                        : RenditionSelector.builder(ladder).listener(new SafeAbrListener(abrListener)).build();
                DatagramHandler handler = new DatagramHandler(sender -> {
                    engine = new BroadcasterEngine(sender, settings.nodes(), ThreadLocalRandom.current().nextLong(),
                            publish, settings.failover(), frames, new EngineListener(),
                            ThreadLocalRandom.current().nextLong(), controller, pacer, renditions);
                    return turns.guard(engine);
                }, clock);
                engine.useToken(tokenRenewal.takeOr(settings.token()));
                engine.supervisor().watchTokenExpiry(wallClock, settings.tokenExpiryWarningNs());
                engine.limitSendDelay(maxSendDelayNs);
                if (firstRtpTimestamp != null) {
                    engine.firstRtpTimestamp(firstRtpTimestamp);
                }
                settings.probedRttNs().forEach(engine.supervisor()::knowRtt);
                if (frameKey != null) {
                    // A fresh counter start per session (wall clock): a restart never reuses a nonce.
                    sealer = new FrameSealer(frameKey.newEncryptor(System.currentTimeMillis()));
                    engine.useEncryption(sealer);
                }
                // Bound only now, with the engine made and configured: the I/O thread can read
                // no datagram before (the engine's start, the PUBLISH's HELLO, follows the bind).
                io.bind(handler);
                // Set after the channel exists (a sender who sees the state also sees the channel)
                // and before the HELLO leaves (the answer finds the state CONNECTING).
                setState(ConnectionState.CONNECTING, "start");
                if (state == ConnectionState.CLOSED) {
                    // The listener closed the broadcaster in that callback: its I/O thread, if its own,
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

    /**
     * Replaces the publish token (see {@link Builder#token}), for example one about to expire
     * ({@link BroadcasterListener#onTokenExpiring}) or one a node refused ({@link BroadcasterListener#onTokenRefused}).
     * Every PUBLISH sent from now on carries the new one: the next node after a failover, a
     * redundant path, a join again after a node forgot the session. A node whose last
     * answer was a refusal of the old token is asked again at once, not after its retry backoff,
     * so a broadcaster that is {@link ConnectionState#FAILED} for its token reconnects within a tick
     * and a round trip. Nodes that carry the broadcaster now are sent nothing: a node checks a token
     * only when it receives a PUBLISH, never while the client merely stays, so a token that expires
     * during a show matters for the next PUBLISH only. Before {@link #start()} this replaces the
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
     * Queues an encoded video frame (of the lowest layer when the stream has several).
     *
     * @param frame array holding the frame; copied before this method returns
     * @param offset index of the frame's first byte
     * @param length the frame's length in bytes, >= 1
     * @param captureTimeNs when the frame was captured, in nanoseconds of this broadcaster's clock
     *     (spacing between frames becomes the RTP timestamp spacing)
     * @param keyframe whether the frame is decodable on its own
     * @return true if queued; false if the queue is full, or before {@link #start()}, after
     *     {@link #close()} or while {@link ConnectionState#FAILED} (no node accepts the stream)
     * @throws IllegalArgumentException if {@code frame} is null or the range lies outside it
     * @throws IllegalStateException if the broadcaster was built without video ({@link Builder#video})
     */
    public boolean sendVideo(byte[] frame, int offset, int length, long captureTimeNs, boolean keyframe) {
        requireVideo();
        return enqueue(VIDEO_TRACK, frame, offset, length, captureTimeNs, keyframe);
    }

    /**
     * Queues an encoded video frame of one simulcast layer (see
     * {@link Builder#simulcastLayers(int)}); each node forwards to each viewer the highest layer
     * the viewer accepts. Encode every layer from the same capture with the same
     * {@code captureTimeNs}.
     *
     * @param layer 0 (lowest) to {@code simulcastLayers - 1}
     * @param frame array holding the frame; copied before this method returns
     * @param offset index of the frame's first byte
     * @param length the frame's length in bytes, >= 1
     * @param captureTimeNs when the frame was captured, in nanoseconds of this broadcaster's clock
     * @param keyframe whether the frame is decodable on its own
     * @return true if queued; false if the queue is full, or before {@link #start()}, after
     *     {@link #close()} or while {@link ConnectionState#FAILED} (no node accepts the stream)
     * @throws IllegalArgumentException if the layer or the range is bad
     * @throws IllegalStateException if the broadcaster was built without video ({@link Builder#video})
     */
    public boolean sendVideoLayer(int layer, byte[] frame, int offset, int length, long captureTimeNs,
            boolean keyframe) {
        requireVideo();
        if (layer < 0 || layer >= videoLayers) {
            throw new IllegalArgumentException("layer must be 0-" + (videoLayers - 1) + ": " + layer);
        }
        return enqueue(VIDEO_TRACK + layer, frame, offset, length, captureTimeNs, keyframe);
    }

    private void requireVideo() {
        if (videoLayers == 0) {
            throw new IllegalStateException("built without video: Builder.video(false) announced no video track");
        }
    }

    /**
     * Queues an encoded audio frame (one packet per frame; keep frames under about 1 KB).
     *
     * @param frame array holding the frame; copied before this method returns
     * @param offset index of the frame's first byte
     * @param length the frame's length in bytes, >= 1
     * @param captureTimeNs when the frame was captured, in nanoseconds of this broadcaster's clock
     * @return true if queued; false if the queue is full, or before {@link #start()}, after
     *     {@link #close()} or while {@link ConnectionState#FAILED} (no node accepts the stream)
     * @throws IllegalArgumentException if the range is bad
     * @throws IllegalStateException if the broadcaster was built without audio
     */
    public boolean sendAudio(byte[] frame, int offset, int length, long captureTimeNs) {
        if (audioTrackIndex < 0) {
            throw new IllegalStateException("built without audio: call Builder.audio(true)");
        }
        return enqueue(audioTrackIndex, frame, offset, length, captureTimeNs, true);
    }

    /**
     * Queues a small interactive message (chat, reactions). It travels as its own track at a
     * higher priority than video (below audio), is repaired by retransmission like video, and
     * reaches viewers at the stream's playout time, in step with the frames around it, through
     * {@link ViewerListener#onFrame} with {@link MediaKind#DATA}.
     *
     * @param message array holding the message; copied before this method returns
     * @param offset index of the first byte
     * @param length 1 to {@value #MAX_MESSAGE_BYTES} bytes
     * @param sendTimeNs when it was sent, in nanoseconds of this broadcaster's clock
     * @return true if queued; false if the queue is full, or before {@link #start()}, after
     *     {@link #close()} or while {@link ConnectionState#FAILED} (no node accepts the stream)
     * @throws IllegalArgumentException if the range is bad or the message too long
     * @throws IllegalStateException if the broadcaster was built without messages
     */
    public boolean sendMessage(byte[] message, int offset, int length, long sendTimeNs) {
        if (messageTrackIndex < 0) {
            throw new IllegalStateException("built without messages: call Builder.messages(true)");
        }
        if (length > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("length must be at most " + MAX_MESSAGE_BYTES + ": " + length);
        }
        return enqueue(messageTrackIndex, message, offset, length, sendTimeNs, true);
    }

    /** The capture time as wall-clock NTP (see {@link WallClockMapping}), unknown before 1970. */
    private long captureTimeNtp(long captureTimeNs) {
        long unixNs = wallClock.unixNs(captureTimeNs);
        return unixNs < 0 ? NtpTime.UNKNOWN : NtpTime.fromUnixNanos(unixNs);
    }

    private boolean enqueue(int trackIndex, byte[] frame, int offset, int length, long captureTimeNs, boolean keyframe) {
        if (frame == null) {
            throw new IllegalArgumentException("frame must not be null");
        }
        if (offset < 0 || length < 1 || offset > frame.length - length) {
            throw new IllegalArgumentException("offset " + offset + " and length " + length
                    + " must lie inside frame of " + frame.length + " bytes, length >= 1");
        }
        // Counted in so that close() can wait for senders already past the state check: a frame
        // offered after close() drained the queue would never be released.
        sendersInside.incrementAndGet();
        try {
            ConnectionState current = state;
            if (closing || current == ConnectionState.NEW || current == ConnectionState.FAILED) {
                return false;
            }
            ByteBuf copy = PooledByteBufAllocator.DEFAULT.directBuffer(length);
            copy.writeBytes(frame, offset, length);
            if (!frames.offer(new OutgoingFrame(trackIndex, copy, captureTimeNs, captureTimeNtp(captureTimeNs),
                    keyframe, clock.nanoTime()))) {
                copy.release();
                framesRejected.increment();
                return false;
            }
            if (drainScheduled.compareAndSet(false, true)) {
                try {
                    io.channel().eventLoop().execute(drainTask);
                } catch (RejectedExecutionException e) {
                    // The I/O thread stopped under a sender past its state check. A shared pool
                    // closes its clients before it stops, and a close waits for the senders
                    // inside, so this is a guard only: the frame stays queued (drainScheduled
                    // stays set) and close() counts it in framesDroppedNotConnected.
                }
            }
            return true;
        } finally {
            sendersInside.decrementAndGet();
        }
    }

    /**
     * How many times this client lost every node and resumed on another (or the same, returned)
     * node by itself. Any thread.
     *
     * @return the count; 0 before start
     */
    public long failoverCount() {
        BroadcasterEngine e = engine;
        return e == null ? 0 : e.counters().get(BroadcasterEngine.FAILOVERS);
    }

    /**
     * The nodes that accepted this broadcaster and carry its stream now, primary first: one, or two
     * in redundant mode while both paths are up; empty while reconnecting, before start and after
     * close. Any thread; a snapshot renewed by the I/O thread at least every 10 ms.
     *
     * @return the nodes, as given to the builder (an unmodifiable list)
     */
    public List<InetSocketAddress> carryingNodes() {
        BroadcasterEngine e = engine;
        // After a close none carries it, even when the closing thread took the engine over
        // without the I/O thread's goodbye (close()).
        return e == null || state == ConnectionState.CLOSED ? List.of() : e.carryingNodes();
    }

    /**
     * How many times the node reported that its I/O thread had stalled (GC, a busy host) and that
     * it read some of this broadcaster's packets late ({@code SCUT}, PROTOCOL.md section 4,
     * "Receiver stalls"). Those arrivals are left out of the congestion controller's delay-based
     * estimate, so that the node's stall does not cut the bitrate; a count that keeps rising
     * points at an overloaded node. Any thread.
     *
     * @return the count; 0 before start
     */
    public long nodeStallReportCount() {
        BroadcasterEngine e = engine;
        return e == null ? 0 : e.counters().get(BroadcasterEngine.NODE_STALL_REPORTS);
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
     * A snapshot of the counters.
     *
     * @return the snapshot (zeros before start)
     */
    public BroadcasterStats stats() {
        BroadcasterEngine e = engine;
        if (e == null) {
            return new BroadcasterStats(0, framesRejected.sum(), 0, 0, 0, 0, 0, 0, startBitrateBps, 0, 0, 0, 0,
                    startBitrateBps, 0, 0, 0, 0, 0, NodeSwitchCounts.NONE, 0, 0);
        }
        var c = e.counters();
        return new BroadcasterStats(c.get(BroadcasterEngine.FRAMES_SENT), framesRejected.sum(),
                c.get(BroadcasterEngine.FRAMES_DROPPED_NOT_CONNECTED), c.get(BroadcasterEngine.PACKETS_SENT),
                c.get(BroadcasterEngine.BYTES_SENT), c.get(BroadcasterEngine.KEYFRAME_REQUESTS),
                c.get(BroadcasterEngine.MALFORMED_DROPPED), c.get(BroadcasterEngine.RTT_NS),
                Math.max(c.get(BroadcasterEngine.TARGET_BITRATE_BPS), 0), c.get(BroadcasterEngine.PACER_DROPPED),
                c.get(BroadcasterEngine.RTX_SENT), c.get(BroadcasterEngine.TAIL_PROBES_SENT),
                c.get(BroadcasterEngine.STALE_CONTROL_IGNORED),
                Math.max(c.get(BroadcasterEngine.MEDIA_TARGET_BITRATE_BPS), 0),
                c.get(BroadcasterEngine.RTX_OVER_BUDGET),
                TimeUnit.NANOSECONDS.toMillis(c.get(BroadcasterEngine.SEND_DELAY_MAX_NS)),
                c.get(BroadcasterEngine.FRAMES_DROPPED_STALE), c.get(BroadcasterEngine.VIDEO_FRAMES_SKIPPED_TO_KEYFRAME),
                c.get(BroadcasterEngine.FRAMES_DROPPED_PACER_FULL),
                NodeSwitchReason.read(c, BroadcasterEngine.NODE_SWITCHES), c.get(BroadcasterEngine.TOKEN_REFUSALS),
                c.get(BroadcasterEngine.KEYFRAME_REQUESTS_IGNORED));
    }

    /**
     * Counters of end-to-end encryption ({@link Builder#frameEncryption}): frames sealed, and
     * frames that could not be sealed. Any thread.
     *
     * @return the snapshot (zeros without encryption or before start)
     */
    public FrameEncryptionStats encryptionStats() {
        FrameSealer s = sealer;
        if (s == null) {
            return FrameEncryptionStats.NONE;
        }
        return new FrameEncryptionStats(s.counters().get(FrameSealer.FRAMES_SEALED),
                s.counters().get(FrameSealer.SEAL_FAILED), 0, 0, 0, 0, 0, 0);
    }

    /**
     * Test hook: every track's first RTP timestamp instead of a random one (a stream started just
     * before the 32-bit wrap crosses it within seconds); call before {@link #start}.
     *
     * @param timestamp the first frame's RTP timestamp (unsigned, in an int)
     * @return this broadcaster
     */
    Broadcaster firstRtpTimestamp(int timestamp) {
        synchronized (lifecycleLock) {
            firstRtpTimestamp = timestamp;
            return this;
        }
    }

    /** @return the engine while running (null before start), for {@link OpsMonitor}'s reads */
    BroadcasterEngine engineForStats() {
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
     * Tells the node goodbye, closes the socket, stops the broadcaster's own I/O thread and
     * releases queued frames, counted in {@link BroadcasterStats#framesDroppedNotConnected()}.
     * Idempotent; the state is {@link ConnectionState#CLOSED} when it returns, and no frame is
     * taken after it.
     *
     * <p>May be called from any thread, a listener callback on the I/O thread included (closing
     * on a state change is fine): the goodbye, the socket's close and the drop of queued frames
     * then run right after the callback returns, and this returns at once.
     *
     * <p>From any other thread it waits for the I/O thread at most 5 s in all. If that does not
     * run the close by then (held by other work on a shared thread), this thread drops and counts
     * the queued frames itself, without the goodbye, and the I/O thread closes the socket
     * whenever it is free; if the I/O thread is held inside the broadcaster (a listener callback
     * that blocks), the goodbye and the drop follow when that callback returns. The goodbye
     * always leaves before the socket closes.
     *
     * <p>Waits holding the broadcaster's lifecycle lock, as {@link #start()} waits for its bind: a
     * {@code start()} or {@code close()} of this broadcaster on another thread meanwhile waits for it,
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
            closing = true;
            while (sendersInside.get() != 0) {
                Thread.onSpinWait(); // a sender is between its state check and its offer: a few ns
            }
            if (io.opened() && !io.close(() -> turns.close(() -> engine.close(clock.nanoTime())))
                    && turns.take()) {
                // The I/O thread did not run the engine's close within the wait (held elsewhere):
                // take the engine over, so that no call of that thread runs on it again, and drop
                // and count what is still queued from here (no goodbye: the socket is the I/O
                // thread's). If a call of the engine is running, the close queued behind it does
                // that when it returns.
                engine.dropQueued();
            }
            setState(ConnectionState.CLOSED, reason);
        }
    }

    /**
     * Test hook: how long {@link #close()} waits for the I/O thread (default 5 s), and
     * {@link #start()} for the bind, so that tests of a held I/O thread wait less.
     *
     * @param wait the wait, > 0
     * @return this broadcaster
     */
    Broadcaster closeWait(Duration wait) {
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
            LOG.warn("BroadcasterListener.onStateChanged threw", e);
        }
    }

    /** Bridges engine events to the public listener, on the I/O thread. */
    private final class EngineListener implements BroadcasterEngine.Listener {
        @Override
        public void onStateChanged(ConnectionState next, String reason) {
            if (callbacks.open()) {
                setState(next, reason + " (stream " + settings.streamId() + ")");
            }
        }

        @Override
        public void onKeyframeRequested() {
            callbacks.call("BroadcasterListener.onKeyframeRequested", listener::onKeyframeRequested);
        }

        @Override
        public void onTargetBitrate(long bitrateBps) {
            callbacks.call("BroadcasterListener.onTargetBitrate", () -> listener.onTargetBitrate(bitrateBps));
        }

        @Override
        public void onNodeSwitched(java.net.InetSocketAddress from, java.net.InetSocketAddress to,
                NodeSwitchReason reason, String detail) {
            if (!callbacks.open()) {
                return; // nor in the event log after CLOSED, as the viewer's
            }
            switchLog.append(from, to, reason, detail);
            callbacks.call("BroadcasterListener.onNodeSwitched", () -> listener.onNodeSwitched(from, to, reason, detail));
        }

        @Override
        public void onTokenRefused(InetSocketAddress node, TokenRefusal refusal) {
            callbacks.call("BroadcasterListener.onTokenRefused", () -> listener.onTokenRefused(node, refusal));
        }

        @Override
        public void onTokenExpiring(long expiresAtEpochSeconds) {
            callbacks.call("BroadcasterListener.onTokenExpiring", () -> listener.onTokenExpiring(expiresAtEpochSeconds));
        }

        @Override
        public void wakeIn(long delayNs) {
            // Only engine calls on the I/O thread pace, and Netty queues a schedule from its own
            // thread without checking for a shutdown: this never throws RejectedExecutionException.
            io.channel().eventLoop().schedule(paceTask, delayNs, TimeUnit.NANOSECONDS);
        }
    }

    /** Hands the rendition selector's events to the application's ABR listener through {@link #callbacks}. */
    private final class SafeAbrListener implements AbrListener {
        private final AbrListener delegate;

        SafeAbrListener(AbrListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onRenditionChanged(Rendition previous, Rendition current, long targetBitrateBps, long nowNs) {
            callbacks.call("AbrListener.onRenditionChanged",
                    () -> delegate.onRenditionChanged(previous, current, targetBitrateBps, nowNs));
        }

        @Override
        public void onAudioOnlyFallback(long targetBitrateBps, long nowNs) {
            callbacks.call("AbrListener.onAudioOnlyFallback", () -> delegate.onAudioOnlyFallback(targetBitrateBps, nowNs));
        }

        @Override
        public void onAudioOnlyRecovered(Rendition resumed, long targetBitrateBps, long nowNs) {
            callbacks.call("AbrListener.onAudioOnlyRecovered",
                    () -> delegate.onAudioOnlyRecovered(resumed, targetBitrateBps, nowNs));
        }
    }

    /** Builds a {@link Broadcaster}. Not thread-safe; build on one thread. */
    public static final class Builder {
        /** The settings every client has, validated there. */
        private final ClientOptions options = new ClientOptions();
        private BroadcasterListener listener = BroadcasterListener.NONE;
        private int videoBitrateBps = 2_500_000;
        private boolean video = true;
        private boolean audio;
        private boolean messages;
        private int simulcastLayers = 1;
        private int sendQueueFrames = 256;
        private Duration maxSendDelay = DEFAULT_MAX_SEND_DELAY;
        private FrameKey frameKey;
        private long startBitrateBps = 1_000_000L;
        private long minBitrateBps = 100_000L;
        private long maxBitrateBps = 8_000_000L;
        private RenditionLadder ladder;
        private AbrListener abrListener = AbrListener.NONE;

        private Builder() {
        }

        /**
         * The congestion controller's limits: it starts at {@code startBps}, then follows what the
         * path to the node carries (from the node's transport-wide feedback), never below
         * {@code minBps} nor above {@code maxBps}. Defaults: min 100 kbps, start 1 Mbps, max 8 Mbps.
         *
         * @param minBps lowest target, bits per second, > 0
         * @param startBps first target, bits per second, between min and max
         * @param maxBps highest target, bits per second
         * @return this builder
         */
        public Builder bitrateLimits(long minBps, long startBps, long maxBps) {
            if (minBps <= 0 || startBps < minBps || maxBps < startBps) {
                throw new IllegalArgumentException("bitrateLimits must satisfy 0 < minBps <= startBps <= maxBps: "
                        + minBps + ", " + startBps + ", " + maxBps);
            }
            this.minBitrateBps = minBps;
            this.startBitrateBps = startBps;
            this.maxBitrateBps = maxBps;
            return this;
        }

        /**
         * The node to publish to; same as {@code nodes(List.of(node))}. This or {@link #nodes}
         * is required.
         *
         * @param node the node's UDP address
         * @return this builder
         */
        public Builder node(InetSocketAddress node) {
            options.node(node);
            return this;
        }

        /**
         * The ingest nodes, best first: the broadcaster publishes to the first that accepts and
         * moves to the next by itself when its node dies, keeping SSRCs and sequence numbers.
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
         * broadcaster waits for that node's answers before sending a request again (about twice
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
         * The stream id viewers subscribe to. Required.
         *
         * @param streamId 1-64 characters from {@code A-Z a-z 0-9 . _ ~ -}
         * @return this builder
         */
        public Builder streamId(String streamId) {
            options.streamId(streamId);
            return this;
        }

        /**
         * The clock for capture times and timers. Default: the system clock. The first packet of
         * each frame carries the capture time in wall-clock time (abs-capture-time), from which
         * viewers measure end-to-end latency: the clock is paired once with the system UTC clock
         * (for the system clock, once per process), so machines should keep UTC in sync (NTP).
         *
         * @param clock a monotonic clock
         * @return this builder
         */
        public Builder clock(NanoClock clock) {
            options.clock(clock);
            return this;
        }

        /**
         * Receives state changes and keyframe requests. Default: {@link BroadcasterListener#NONE}.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(BroadcasterListener listener) {
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
         * The video bitrate announced to the node. Default 2.5 Mbps.
         *
         * @param bitrateBps bits per second, >= 0
         * @return this builder
         */
        public Builder videoBitrateBps(int bitrateBps) {
            if (bitrateBps < 0) {
                throw new IllegalArgumentException("bitrateBps must be >= 0: " + bitrateBps);
            }
            this.videoBitrateBps = bitrateBps;
            return this;
        }

        /**
         * Whether the stream has video tracks ({@link #simulcastLayers} of them). Default true.
         * False makes an audio-only stream (radio, podcasts, voice rooms): no video track is
         * announced, so relays and viewers wait for no keyframe, ask for none, and count the
         * end-to-end latency and playout delay of the audio; {@link Broadcaster#sendVideo} and
         * {@link Broadcaster#sendVideoLayer} then throw. Such a stream needs {@link #audio(boolean)
         * audio(true)} or {@link #messages(boolean) messages(true)}, takes no {@link #renditions}
         * (there is no video bitrate to adapt) and no more than one simulcast layer. (Announcing
         * video and never sending it is not the same: viewers then count latency for the video
         * that never comes.)
         *
         * @param video false for a stream without video
         * @return this builder
         */
        public Builder video(boolean video) {
            this.video = video;
            return this;
        }

        /**
         * Whether the stream has an audio track (48 kHz clock). Default false.
         *
         * @param audio true to add an audio track
         * @return this builder
         */
        public Builder audio(boolean audio) {
            this.audio = audio;
            return this;
        }

        /**
         * Adaptive bitrate: the renditions the application's encoder can produce. Each new
         * congestion-control target goes through a {@link RenditionSelector} (down at once, up
         * after a hold, audio-only fallback if the ladder has an audio-only entry), whose events
         * reach {@code listener} on the broadcaster's I/O thread: reconfigure the encoder from
         * there (quickly, or hand it to another thread). Default: no ladder (only
         * {@link BroadcasterListener#onTargetBitrate} is reported). Padding to probe for a higher
         * rendition is not sent yet.
         *
         * @param ladder the renditions, lowest first
         * @param listener receives rendition changes and audio-only fallback events
         * @return this builder
         */
        public Builder renditions(RenditionLadder ladder, AbrListener listener) {
            this.ladder = Objects.requireNonNull(ladder, "ladder");
            this.abrListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Simulcast: the number of video layers the application encodes (the same pictures at
         * different sizes and bitrates), sent with {@link Broadcaster#sendVideoLayer}. Default 1.
         *
         * @param layers 1-3
         * @return this builder
         */
        public Builder simulcastLayers(int layers) {
            if (layers < 1 || layers > Track.MAX_SIMULCAST_LAYER + 1) {
                throw new IllegalArgumentException("layers must be 1-" + (Track.MAX_SIMULCAST_LAYER + 1) + ": " + layers);
            }
            this.simulcastLayers = layers;
            return this;
        }

        /**
         * Whether the stream carries interactive messages ({@link Broadcaster#sendMessage}).
         * Default false.
         *
         * @param messages true to add a message track
         * @return this builder
         */
        public Builder messages(boolean messages) {
            this.messages = messages;
            return this;
        }

        /**
         * Capacity of the queue from application threads to the I/O thread. Default 256 frames.
         *
         * @param frames 2-65536
         * @return this builder
         */
        public Builder sendQueueFrames(int frames) {
            if (frames < 2 || frames > 65_536) {
                throw new IllegalArgumentException("sendQueueFrames must be 2-65536: " + frames);
            }
            this.sendQueueFrames = frames;
            return this;
        }

        /**
         * How long a frame may wait in the broadcaster (its send queue and pacer) before it is
         * dropped whole rather than sent late; see "Send delay limit" in the class description.
         * Default {@link #DEFAULT_MAX_SEND_DELAY} (1 s).
         *
         * @param maxDelay 100 ms to 60 s, or {@link #NO_SEND_DELAY_LIMIT} ({@link Duration#ZERO})
         *     to send every frame however late (the pacer then speeds up past its pace to drain
         *     a queue that would wait more than about 2 s)
         * @return this builder
         */
        public Builder maxSendDelay(Duration maxDelay) {
            Objects.requireNonNull(maxDelay, "maxSendDelay");
            if (!maxDelay.isZero()
                    && (maxDelay.compareTo(MIN_SEND_DELAY_LIMIT) < 0 || maxDelay.compareTo(MAX_SEND_DELAY_LIMIT) > 0)) {
                throw new IllegalArgumentException(
                        "maxSendDelay must be 100 ms to 60 s, or Duration.ZERO for no limit: " + maxDelay);
            }
            this.maxSendDelay = maxDelay;
            return this;
        }

        /**
         * Runs on a shared pool of I/O threads instead of a thread of its own (then
         * {@link #forceNio} is ignored: the pool decides). Default: own thread.
         *
         * @param threads the pool; should outlive this client. If it is closed first, it closes
         *     the broadcaster as {@link Broadcaster#close()} would (the goodbye, queued frames
         *     counted in {@link BroadcasterStats#framesDroppedNotConnected()}, then
         *     {@code onStateChanged(CLOSED, "shared I/O threads closed")}); {@code send...()} calls
         *     return false from then on. A start on a closed pool fails. The pool closes all its
         *     clients at once (see {@link SharedIoThreads#close()})
         * @return this builder
         */
        public Builder sharedIoThreads(SharedIoThreads threads) {
            options.sharedIoThreads(threads);
            return this;
        }

        /**
         * The publish token for this stream (issued by the application's server with
         * {@code io.smoothcast.security.TokenIssuer}), sent with the PUBLISH request to nodes
         * that require tokens. A node that refuses it makes this broadcaster {@code FAILED} with a
         * reason naming the error code ({@code UNAUTHORIZED}, {@code TOKEN_EXPIRED} or
         * {@code FORBIDDEN}) and calls {@link BroadcasterListener#onTokenRefused}; {@link Broadcaster#renewToken}
         * replaces the token at any time, and {@link BroadcasterListener#onTokenExpiring} warns before it
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
         * How long before its token's expiry the broadcaster calls
         * {@link BroadcasterListener#onTokenExpiring}: time for the application to fetch a new token
         * from its server and hand it to {@link Broadcaster#renewToken}. The expiry is read from the
         * token itself (without checking its signature, which only nodes can); a token the
         * broadcaster cannot read (not issued by {@code io.smoothcast.security.TokenIssuer})
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
         * Encrypts every frame end to end with SFrame (RFC 9605) before it is packetized: nodes
         * forward ciphertext they cannot read (RTP headers and the one-byte payload header with
         * the start and keyframe bits stay in clear for them). Viewers need the same key
         * ({@code Viewer.Builder.frameDecryptionKey}). The key comes from the application's
         * server, per stream. Each start seals from a counter taken from the wall clock, so a
         * restarted broadcaster never repeats a nonce under the same key. Default: no encryption.
         *
         * @param key the stream's key
         * @return this builder
         * @throws IllegalArgumentException if {@code key} is null
         */
        public Builder frameEncryption(FrameKey key) {
            if (key == null) {
                throw new IllegalArgumentException("key must not be null");
            }
            this.frameKey = key;
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
         * Builds the broadcaster (not started).
         *
         * @return a new broadcaster
         * @throws IllegalStateException if the node or the stream id is missing, or if
         *     {@link #video video(false)} leaves the stream without any track (neither audio nor
         *     messages) or comes with {@link #renditions} or more than one simulcast layer
         */
        public Broadcaster build() {
            if (!video) {
                if (!audio && !messages) {
                    throw new IllegalStateException("video(false) needs audio(true) or messages(true): a stream needs a track");
                }
                if (ladder != null) {
                    throw new IllegalStateException("video(false) takes no renditions: they adapt the video's bitrate");
                }
                if (simulcastLayers != 1) {
                    throw new IllegalStateException("video(false) takes no simulcast layers: " + simulcastLayers);
                }
            }
            return new Broadcaster(this);
        }
    }
}
