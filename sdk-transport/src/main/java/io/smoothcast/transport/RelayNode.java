package io.smoothcast.transport;

import io.smoothcast.time.NanoClock;
import io.smoothcast.transport.internal.netty.UdpTransport;
import io.smoothcast.security.TokenIssuer;
import io.smoothcast.security.TokenVerifier;
import io.smoothcast.transport.internal.relay.CascadeCredentials;
import io.smoothcast.transport.internal.relay.PeerRateLimits;
import io.smoothcast.transport.internal.relay.RelayAuthenticator;
import io.smoothcast.transport.internal.relay.RelayChannels;
import io.smoothcast.transport.internal.relay.RelayConfig;
import io.smoothcast.transport.internal.relay.RelayCounters;
import io.smoothcast.transport.internal.relay.RelaySecurity;
import io.smoothcast.transport.internal.relay.ReturnRoutability;
import io.smoothcast.transport.internal.relay.SourceRateLimiter;
import java.security.SecureRandom;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A relay node: accepts publishers and subscribers of streams on one UDP port, forwards each
 * publisher's RTP and RTCP to the stream's subscribers unchanged (SSRCs, sequence numbers and
 * timestamps preserved), answers subscribers' NACKs with RTX from a per-track retransmission
 * cache, relays their keyframe requests to the publisher at a limited rate, and reports its load
 * to anyone who asks. With an {@linkplain Builder#upstream upstream node} it cascades: streams
 * not published locally are fetched from there. Malformed datagrams are dropped and counted (see {@link #stats()}).
 * The protocol is described in {@code PROTOCOL.md}.
 *
 * <pre>{@code
 * try (RelayNode node = RelayNode.builder().bindAddress(new InetSocketAddress("0.0.0.0", 7000)).build()) {
 *     node.start();
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safety: {@link #start()}, {@link #close()}, {@link #localAddress()} and
 * {@link #stats()} may be called from any thread. All protocol work runs on the node's one
 * owning I/O thread (epoll when available, NIO otherwise); with epoll, the copies of each
 * forwarded packet can be written by {@linkplain Builder#fanOutThreads several threads} at once.
 */
public final class RelayNode implements AutoCloseable {

    private static final int TRACKED_SOURCES_PER_HALF_OPEN_SESSION = 4;

    private final InetSocketAddress bindAddress;
    private final NanoClock clock;
    private final RelayConfig config;
    private final Builder securityOptions;
    private final UdpTransport transport;
    private final RelayCounters counters = new RelayCounters();
    private final Object lifecycleLock = new Object();
    private final Lifecycle lifecycle = new Lifecycle("node");
    private final int fanOutThreads;
    private final boolean nativeFanOut;
    /** Set under {@link #lifecycleLock}; volatile for {@link #stats()}, which takes no lock. */
    private volatile RelayChannels channels;

    private RelayNode(Builder builder) {
        this.bindAddress = builder.bindAddress;
        this.clock = builder.clock;
        this.transport = builder.forceNio ? UdpTransport.nio() : UdpTransport.best();
        this.config = new RelayConfig(builder.nodeId, builder.keepaliveIntervalMs, builder.sessionTimeoutMs,
                builder.retransmissionCachePackets, builder.keyframeRequestIntervalMs, builder.maxSessions,
                builder.maxSubscribersPerStream, builder.upstream, builder.members, builder.videoPayloadFormats);
        this.securityOptions = builder;
        this.fanOutThreads = builder.fanOutThreads;
        this.nativeFanOut = builder.nativeFanOut;
    }

    /** Lifetime of the tokens this node mints for its upstream subscriptions (one per subscription). */
    private static final long UPSTREAM_TOKEN_TTL_SECONDS = 3600;

    /** The engine's defences, made fresh for each start (a new cookie secret, empty rate state). */
    private RelaySecurity newSecurity() {
        Builder b = securityOptions;
        RelayAuthenticator authenticator = b.tokenVerifier == null ? null
                : new RelayAuthenticator(b.tokenVerifier, () -> System.currentTimeMillis() / 1000);
        ReturnRoutability routability = b.returnRoutabilityCheck ? new ReturnRoutability(new SecureRandom()) : null;
        SourceRateLimiter limiter = new SourceRateLimiter(b.controlPerSecond, b.controlBurst,
                TRACKED_SOURCES_PER_HALF_OPEN_SESSION * b.maxHalfOpenSessions);
        CascadeCredentials cascade = b.upstreamTokenIssuer == null ? null
                : new CascadeCredentials(b.upstreamTokenIssuer, () -> System.currentTimeMillis() / 1000,
                        UPSTREAM_TOKEN_TTL_SECONDS);
        return new RelaySecurity(authenticator, routability, limiter, b.maxHalfOpenSessions, b.peerLimits, cascade);
    }

    /**
     * Starts building a node.
     *
     * @return a builder with the defaults documented on its setters
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the socket and starts serving. Returns once the socket is bound.
     *
     * @return this node
     * @throws IllegalStateException if the node was already started or closed
     * @throws java.io.UncheckedIOException if the socket cannot be bound (the address is taken):
     *     the node's threads are stopped again; {@code close()} may still be called
     */
    public RelayNode start() {
        synchronized (lifecycleLock) {
            lifecycle.start();
            channels = RelayChannels.start(transport, bindAddress, fanOutThreads, clock, config, counters,
                    newSecurity(), null, nativeFanOut);
            return this;
        }
    }

    /**
     * The address the node listens on (with the port chosen when bound to port 0).
     *
     * @return the bound address
     * @throws IllegalStateException if the node is not started
     */
    public InetSocketAddress localAddress() {
        synchronized (lifecycleLock) {
            if (channels == null) {
                throw new IllegalStateException("relay node not started: call start() first");
            }
            return channels.localAddress();
        }
    }

    /**
     * A snapshot of the node's counters and load.
     *
     * @return the snapshot; never null (all zero before start)
     */
    public RelayStats stats() {
        RelayChannels running = channels;
        return running == null ? RelayStats.of(counters, 0, 0)
                : RelayStats.of(counters, running.handOffDropped(), running.nativeCopiesRefused());
    }

    /**
     * Viewers (subscriptions) per stream, read on the node's I/O thread so the media path takes no
     * lock; for {@link OpsMonitor}. Completes with an empty map when the node is not running.
     *
     * @return the counts per stream id, completed on the I/O thread
     */
    CompletableFuture<Map<String, Integer>> viewersByStream() {
        CompletableFuture<Map<String, Integer>> result = new CompletableFuture<>();
        synchronized (lifecycleLock) {
            if (channels == null || lifecycle.closed()) {
                result.complete(Map.of());
                return result;
            }
            RelayChannels running = channels;
            running.ownerLoop().execute(() -> result.complete(running.engine().subscribersByStream()));
        }
        return result;
    }

    /**
     * Runs a task on the node's I/O thread (its engine's), after the work already queued there;
     * for tests that stall that thread as a GC pause or a starved host would. Does nothing when
     * the node is not running.
     *
     * @param task what to run
     */
    void executeOnIoThread(Runnable task) {
        synchronized (lifecycleLock) {
            if (channels != null && !lifecycle.closed()) {
                channels.ownerLoop().execute(task);
            }
        }
    }

    /**
     * The threads that send the copies of forwarded packets ({@link Builder#fanOutThreads}).
     *
     * @return after {@link #start()}, the number in use (1 on NIO whatever was asked); before,
     *     the number asked for
     */
    public int fanOutThreads() {
        synchronized (lifecycleLock) {
            return channels == null ? fanOutThreads : channels.fanOutThreads();
        }
    }

    /**
     * The node id announced to clients and used as the SSRC of the node's own RTCP.
     *
     * @return the 32-bit node id
     */
    public int nodeId() {
        return config.nodeId();
    }

    /**
     * Stops the node: closes the socket, releases every cached packet and stops the I/O thread.
     * Clients are not told (they notice the silence). Idempotent.
     */
    @Override
    public void close() {
        synchronized (lifecycleLock) {
            if (!lifecycle.close()) {
                return;
            }
            if (channels != null) {
                channels.close();
            }
        }
    }

    @Override
    public String toString() {
        return "RelayNode[" + (channels == null ? bindAddress : channels.localAddress()) + ", " + transport
                + (channels == null ? "" : ", " + channels.fanOutThreads() + " fan-out threads") + "]";
    }

    /**
     * Builds a {@link RelayNode}. Not thread-safe; build on one thread.
     */
    public static final class Builder {
        private InetSocketAddress bindAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private NanoClock clock = NanoClock.system();
        private int nodeId = ThreadLocalRandom.current().nextInt();
        private TokenVerifier tokenVerifier;
        private TokenIssuer upstreamTokenIssuer;
        private PeerRateLimits peerLimits = PeerRateLimits.DEFAULTS;
        private boolean returnRoutabilityCheck = true;
        private int maxHalfOpenSessions = 1024;
        private int controlPerSecond = 100;
        private int controlBurst = 100; // a NodeProbe packet train (up to 64 PROBEs) fits
        private int keepaliveIntervalMs = 500;
        private int sessionTimeoutMs = 5000;
        private int retransmissionCachePackets = 1024;
        private int keyframeRequestIntervalMs = 200;
        private int maxSessions = 10_000;
        private int maxSubscribersPerStream = 5_000;
        private boolean forceNio;
        private int fanOutThreads = Runtime.getRuntime().availableProcessors() >= 4 ? 2 : 1;
        private boolean nativeFanOut = RelayChannels.nativeFanOutByDefault();
        private InetSocketAddress upstream;
        private java.util.List<NodeInfo> members = java.util.List.of();
        private final java.util.Map<Integer, VideoPayloadFormat> videoPayloadFormats = new java.util.HashMap<>();

        private Builder() {
        }

        /**
         * The payload format of the video tracks published with an RTP payload type, which tells
         * the node where their keyframes start: a subscriber is moved to another simulcast layer
         * only at a keyframe of that layer. Default: {@link VideoPayloadFormat#GENERIC} for every
         * payload type (what {@link Broadcaster} sends).
         *
         * @param payloadType the RTP payload type, 0-127
         * @param format its format
         * @return this builder
         */
        public Builder videoPayloadFormat(int payloadType, VideoPayloadFormat format) {
            if (payloadType < 0 || payloadType > 127) {
                throw new IllegalArgumentException("payloadType must be 0-127: " + payloadType);
            }
            videoPayloadFormats.put(payloadType, Objects.requireNonNull(format, "format"));
            return this;
        }

        /**
         * The cluster's member list this node serves to anyone who asks (PROTOCOL.md,
         * MEMBERS_REQUEST), so clients configured with one node find the others. Include this
         * node itself if clients should see it. Default: empty.
         *
         * @param members at most 64 nodes
         * @return this builder
         */
        public Builder members(java.util.List<NodeInfo> members) {
            Objects.requireNonNull(members, "members");
            if (members.size() > 64) {
                throw new IllegalArgumentException("members must hold at most 64 nodes: " + members.size());
            }
            this.members = java.util.List.copyOf(members);
            return this;
        }

        /**
         * Cascade: the node to subscribe to when a viewer asks for a stream nobody publishes
         * here (for example the origin node of another region). This node then subscribes to the
         * stream there over the same protocol and port, fans it out to its own viewers and
         * answers their NACKs from its own cache; it leaves the upstream stream when its last
         * viewer leaves. Default: none (unknown streams wait for a local publisher).
         *
         * @param upstream the upstream node's address
         * @return this builder
         */
        public Builder upstream(InetSocketAddress upstream) {
            this.upstream = Objects.requireNonNull(upstream, "upstream");
            return this;
        }

        /**
         * Where to listen. Default: the loopback address, a free port.
         *
         * @param bindAddress the local address; port 0 picks a free port
         * @return this builder
         */
        public Builder bindAddress(InetSocketAddress bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        /**
         * The clock for session timeouts, rate limits and load windows. Default: the system clock.
         *
         * @param clock a monotonic clock
         * @return this builder
         */
        public Builder clock(NanoClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The node's 32-bit id. Default: random.
         *
         * @param nodeId any value
         * @return this builder
         */
        public Builder nodeId(int nodeId) {
            this.nodeId = nodeId;
            return this;
        }

        /**
         * Keepalive interval announced to clients. Default 500 ms. At most half the
         * {@linkplain #sessionTimeoutMs session timeout} ({@link #build()} refuses more).
         *
         * @param keepaliveIntervalMs 1-65535 ms
         * @return this builder
         */
        public Builder keepaliveIntervalMs(int keepaliveIntervalMs) {
            this.keepaliveIntervalMs = requireRange(keepaliveIntervalMs, 1, 65_535, "keepaliveIntervalMs");
            return this;
        }

        /**
         * Silence after which a client's session, publications and subscriptions are dropped.
         * Default 5000 ms.
         *
         * @param sessionTimeoutMs 1-65535 ms
         * @return this builder
         */
        public Builder sessionTimeoutMs(int sessionTimeoutMs) {
            this.sessionTimeoutMs = requireRange(sessionTimeoutMs, 1, 65_535, "sessionTimeoutMs");
            return this;
        }

        /**
         * Packets kept per track to answer NACKs. Default 1024 (about 3 s of 3 Mbps video).
         *
         * @param packets a power of two, 16-32768
         * @return this builder
         */
        public Builder retransmissionCachePackets(int packets) {
            requireRange(packets, 16, 32_768, "retransmissionCachePackets");
            if (Integer.bitCount(packets) != 1) {
                throw new IllegalArgumentException("retransmissionCachePackets must be a power of two: " + packets);
            }
            this.retransmissionCachePackets = packets;
            return this;
        }

        /**
         * Smallest interval between keyframe requests forwarded to a stream's publisher.
         * Default 200 ms.
         *
         * @param intervalMs 0-60000 ms; 0 forwards every request
         * @return this builder
         */
        public Builder keyframeRequestIntervalMs(int intervalMs) {
            this.keyframeRequestIntervalMs = requireRange(intervalMs, 0, 60_000, "keyframeRequestIntervalMs");
            return this;
        }

        /**
         * Most sessions at once; HELLOs beyond get an OVERLOADED error. Default 10000.
         *
         * @param maxSessions >= 1
         * @return this builder
         */
        public Builder maxSessions(int maxSessions) {
            this.maxSessions = requireRange(maxSessions, 1, Integer.MAX_VALUE, "maxSessions");
            return this;
        }

        /**
         * Most subscribers of one stream. Default 5000.
         *
         * @param maxSubscribers >= 1
         * @return this builder
         */
        public Builder maxSubscribersPerStream(int maxSubscribers) {
            this.maxSubscribersPerStream = requireRange(maxSubscribers, 1, Integer.MAX_VALUE, "maxSubscribersPerStream");
            return this;
        }

        /**
         * Requires a token (SECURITY.md) in every PUBLISH and SUBSCRIBE, checked by this verifier
         * against the wall clock. A request without a valid token for its stream and role is
         * refused with {@code UNAUTHORIZED}, {@code TOKEN_EXPIRED} or {@code FORBIDDEN} and gets
         * no media. Default: none (tokens are not checked). To rotate keys, give the verifier the
         * old and the new key. For nodes downstream of this one, include the cluster key they
         * sign with ({@link #upstreamTokenIssuer}).
         *
         * @param verifier the verifier, or null to accept requests without tokens
         * @return this builder
         */
        public Builder tokenVerifier(TokenVerifier verifier) {
            this.tokenVerifier = verifier;
            return this;
        }

        /**
         * The cluster key this node signs with when it subscribes to a stream on its
         * {@linkplain #upstream upstream node}: each upstream SUBSCRIBE carries a subscribe token
         * for that stream, minted on the spot and valid for an hour, which an upstream node that
         * requires tokens checks like a viewer's (its verifier must hold this key). Default: none
         * (upstream SUBSCRIBEs carry no token, so the upstream node must not require one).
         *
         * @param clusterIssuer signs with the cluster key, or null for no token
         * @return this builder
         */
        public Builder upstreamTokenIssuer(TokenIssuer clusterIssuer) {
            this.upstreamTokenIssuer = clusterIssuer;
            return this;
        }

        /**
         * Caps on each publisher's media: RTP packets per second and bits per second (UDP
         * payload, retransmissions included), each allowed to run {@code burstMs} ahead. Packets
         * over a cap are dropped and counted ({@link RelayStats#publisherRateLimited()}).
         * Default 10,000 packets/s, 50 Mbps, 250 ms: far above what one broadcaster sends.
         *
         * @param packetsPerSecond 1-1,000,000,000
         * @param bitsPerSecond at least 1
         * @param burstMs at least 1
         * @return this builder
         */
        public Builder publisherRateLimit(long packetsPerSecond, long bitsPerSecond, int burstMs) {
            this.peerLimits = new PeerRateLimits(packetsPerSecond, bitsPerSecond, burstMs,
                    peerLimits.controlPerSecond(), peerLimits.controlBurst());
            return this;
        }

        /**
         * Cap on RTCP and control messages (NACKs, PLIs, reports, transport-cc feedback,
         * keepalives) from each session with an accepted PUBLISH or SUBSCRIBE. Messages over it
         * are dropped and counted ({@link RelayStats#peerControlRateLimited()}). Default 1,000 per
         * second with bursts of 500 (a viewer sends at most a few hundred).
         *
         * @param perSecond 1-1,000,000,000
         * @param burst at least 1
         * @return this builder
         */
        public Builder peerControlRate(int perSecond, int burst) {
            this.peerLimits = new PeerRateLimits(peerLimits.publisherPacketsPerSecond(),
                    peerLimits.publisherBitsPerSecond(), peerLimits.publisherBurstMs(), perSecond, burst);
            return this;
        }

        /**
         * Whether PUBLISH and SUBSCRIBE must echo the cookie of this node's HELLO_ACK, proving the
         * requester receives packets at its source address (PROTOCOL.md section 6), so that a
         * spoofed HELLO + SUBSCRIBE cannot aim media at a victim. Default true; clients of this
         * SDK echo it automatically.
         *
         * @param required false only for tests of older clients
         * @return this builder
         */
        public Builder returnRoutabilityCheck(boolean required) {
            this.returnRoutabilityCheck = required;
            return this;
        }

        /**
         * Most half-open sessions (a HELLO, but no accepted PUBLISH or SUBSCRIBE yet) at once; a
         * new one evicts the oldest, so a HELLO flood cannot fill the node's session table or push
         * out authenticated sessions. The per-source rate state is bounded to 4 times this.
         * Default 1024.
         *
         * @param maxHalfOpenSessions 1-1,000,000
         * @return this builder
         */
        public Builder maxHalfOpenSessions(int maxHalfOpenSessions) {
            this.maxHalfOpenSessions = requireRange(maxHalfOpenSessions, 1, 1_000_000, "maxHalfOpenSessions");
            return this;
        }

        /**
         * Rate limit on datagrams of any kind (control, RTP, RTCP) from each source address (IP
         * and port) that has no accepted PUBLISH or SUBSCRIBE, checked before anything else is
         * done with them; datagrams over it are dropped and counted
         * ({@link RelayStats#rateLimitedDropped()}). Default 100 per second with bursts of 100
         * (room for a probe's packet train).
         *
         * @param perSecond sustained datagrams per second, 1-1,000,000
         * @param burst datagrams at once, 1-100,000
         * @return this builder
         */
        public Builder unauthenticatedControlRate(int perSecond, int burst) {
            this.controlPerSecond = requireRange(perSecond, 1, 1_000_000, "unauthenticatedControlRate perSecond");
            this.controlBurst = requireRange(burst, 1, 100_000, "unauthenticatedControlRate burst");
            return this;
        }

        /**
         * Uses the NIO transport even where epoll is available (for comparisons and tests).
         * Default false.
         *
         * @param forceNio true to use NIO
         * @return this builder
         */
        public Builder forceNio(boolean forceNio) {
            this.forceNio = forceNio;
            return this;
        }

        /**
         * How many threads send the copies of each packet. A packet's copies leave one after the
         * other from one thread, about 3.5 us of kernel time each on loopback, so a 200-way
         * fan-out keeps one thread busy for about 1 ms per packet: with more threads, each
         * subscriber (chosen at its first subscription, the least loaded thread) gets its copies
         * from one of several sockets sharing the node's port (SO_REUSEPORT), and the copies of
         * a packet leave in parallel. Subscribers see the same source address and port whichever
         * thread sends. The port is still the node's alone: a port any socket holds fails the
         * start ("Address already in use"), and once started no other socket can bind it, with
         * or without SO_REUSEPORT (only during the start, while the node's own sockets join, can
         * a socket of the same user that sets SO_REUSEPORT still slip in). All protocol state
         * stays on the first thread; datagrams the kernel gives the other sockets are handed to
         * it. Needs the epoll transport: with NIO the node uses
         * one thread whatever is set here. More threads help only when they get a core each when
         * a packet arrives: on a 2-core machine also busy with other work, the second thread
         * waited for a core often enough to make the copies leave later, not sooner
         * (BENCHMARKS.md, "Relay fan-out, session 4"). When no core is idle, Linux tends to
         * wake a fan-out thread on the CPU of the owning thread that handed it the packet, where it
         * waits until the owner has sent its own share; pinning the node's threads to cores of
         * their own (for example with {@code taskset}) rules that out (BENCHMARKS.md, "Relay
         * fan-out, session 5"). A thread 64 packets behind drops copies
         * ({@link RelayStats#fanOutLaneDropped()}), and the first thread 1,024 handed-over
         * datagrams behind drops those ({@link RelayStats#handOffDropped()}). Default: 2 with at
         * least 4 available processors, else 1.
         *
         * @param threads 1-64
         * @return this builder
         */
        public Builder fanOutThreads(int threads) {
            this.fanOutThreads = requireRange(threads, 1, 64, "fanOutThreads");
            return this;
        }

        /**
         * Whether each fan-out thread sends a packet's copies the way GStreamer's multiudpsink
         * does: all laid out in one native memory region of the thread's own and handed to the
         * kernel in one {@code sendmmsg} call, with no Netty buffer or message per copy. Used
         * only on the epoll transport and when this Netty version's internals it relies on are
         * reachable (Netty on the class path); otherwise, or when off, each copy is a pooled
         * buffer written through Netty. When a socket's send buffer is full, the copies the
         * kernel did not take are queued the ordinary way, none dropped. Default: on, unless
         * the system property {@code smoothcast.relay.nativeFanOut} is {@code false}.
         *
         * @param enabled false to write every copy through Netty
         * @return this builder
         */
        public Builder nativeFanOut(boolean enabled) {
            this.nativeFanOut = enabled;
            return this;
        }

        /**
         * Builds the node (not started).
         *
         * @return a new node
         * @throws IllegalArgumentException if the keepalive interval is more than half the session timeout
         */
        public RelayNode build() {
            // A session with cookies is kept alive only by the messages that echo its cookie, its
            // keepalives chief among them: fewer than two per timeout and one lost keepalive
            // would expire a live client.
            if (2L * keepaliveIntervalMs > sessionTimeoutMs) {
                throw new IllegalArgumentException("keepaliveIntervalMs must be at most half the sessionTimeoutMs: "
                        + keepaliveIntervalMs + " ms, " + sessionTimeoutMs + " ms");
            }
            return new RelayNode(this);
        }

        private static int requireRange(int value, int min, int max, String name) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be " + min + "-" + max + ": " + value);
            }
            return value;
        }
    }
}
