package io.smoothcast.transport;

import io.smoothcast.time.NanoClock;
import io.smoothcast.transport.internal.client.TokenBytes;
import io.smoothcast.transport.internal.client.TokenExpiryWatch;
import io.smoothcast.transport.internal.control.StreamIds;
import io.smoothcast.transport.internal.netty.UdpTransport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings {@link Broadcaster.Builder} and {@link Viewer.Builder} have in common (nodes and
 * their probed round trips, failover policy, stream id, clock, local address, token, I/O
 * threads), with their defaults and their validation: both builders delegate here so that a
 * client is checked the same way whichever side it is. Not thread-safe: a builder's.
 */
final class ClientOptions {
    /** Default of the builders' {@code tokenExpiryWarning}. */
    static final Duration DEFAULT_TOKEN_EXPIRY_WARNING = Duration.ofNanos(TokenExpiryWatch.DEFAULT_LEAD_NS);
    /** Longest {@code tokenExpiryWarning}. */
    static final Duration MAX_TOKEN_EXPIRY_WARNING = Duration.ofHours(24);

    private List<InetSocketAddress> nodes;
    private Map<InetSocketAddress, Long> probedRttNs = Map.of();
    private FailoverPolicy failover = FailoverPolicy.defaults();
    private String streamId;
    private NanoClock clock = NanoClock.system();
    private InetSocketAddress localAddress = new InetSocketAddress(0);
    private boolean forceNio;
    private byte[] token = new byte[0];
    private long tokenExpiryWarningNs = DEFAULT_TOKEN_EXPIRY_WARNING.toNanos();
    private SharedIoThreads sharedIo;

    void node(InetSocketAddress node) {
        nodes(List.of(NodeLists.requireResolvedWithPort(node, "node")));
    }

    void nodes(List<InetSocketAddress> list) {
        this.nodes = NodeLists.require(list, "nodes");
        this.probedRttNs = Map.of();
    }

    void nodes(ProbeReport report) {
        nodes(Objects.requireNonNull(report, "report").rankedAddresses());
        this.probedRttNs = report.roundTripsNs();
    }

    void failover(FailoverPolicy policy) {
        this.failover = Objects.requireNonNull(policy, "policy");
    }

    void streamId(String id) {
        this.streamId = StreamIds.require(id, "streamId");
    }

    void clock(NanoClock nanoClock) {
        this.clock = Objects.requireNonNull(nanoClock, "clock");
    }

    void localAddress(InetSocketAddress address) {
        this.localAddress = Objects.requireNonNull(address, "localAddress");
    }

    void forceNio(boolean nio) {
        this.forceNio = nio;
    }

    void token(String text) {
        this.token = TokenBytes.of(text);
    }

    void tokenExpiryWarning(Duration lead) {
        Objects.requireNonNull(lead, "lead");
        if (lead.isNegative() || lead.compareTo(MAX_TOKEN_EXPIRY_WARNING) > 0) {
            throw new IllegalArgumentException("lead must be 0 to 24 hours: " + lead);
        }
        this.tokenExpiryWarningNs = lead.toNanos();
    }

    void sharedIoThreads(SharedIoThreads threads) {
        this.sharedIo = Objects.requireNonNull(threads, "threads");
    }

    /**
     * The settings as they stand, for a client being built.
     *
     * @return an immutable copy
     * @throws IllegalStateException if the node or the stream id is missing
     */
    Settled settle() {
        if (nodes == null) {
            throw new IllegalStateException("node or nodes is required");
        }
        if (streamId == null) {
            throw new IllegalStateException("streamId is required");
        }
        UdpTransport transport = sharedIo != null ? sharedIo.transport()
                : forceNio ? UdpTransport.nio() : UdpTransport.best();
        return new Settled(nodes, probedRttNs, failover, streamId, clock, localAddress, transport, sharedIo, token,
                tokenExpiryWarningNs);
    }

    /**
     * A built client's share of the settings.
     *
     * @param nodes the nodes, best first (unmodifiable)
     * @param probedRttNs round trips a node probe measured, by node, in ns (unmodifiable)
     * @param failover the failover policy
     * @param streamId the stream id
     * @param clock the client's clock
     * @param localAddress the address to bind
     * @param transport epoll or NIO; the shared pool's when there is one
     * @param sharedIo the shared pool the client runs on, or null when it owns its I/O thread
     * @param token the token's bytes, empty for none (never written)
     * @param tokenExpiryWarningNs how long before its token's expiry a client warns, in ns
     */
    record Settled(List<InetSocketAddress> nodes, Map<InetSocketAddress, Long> probedRttNs, FailoverPolicy failover,
            String streamId, NanoClock clock, InetSocketAddress localAddress, UdpTransport transport,
            SharedIoThreads sharedIo, byte[] token, long tokenExpiryWarningNs) {
    }
}
