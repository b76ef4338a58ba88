package io.smoothcast.transport.internal.failover;

import io.smoothcast.transport.ConnectionState;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.internal.client.ClientControl;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.netty.DatagramSender;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A client's connection state machine across nodes. It keeps one path (two in redundant mode)
 * joined: each path is a {@link ClientControl} conversation with one node plus a
 * {@link LinkSilenceDetector}. A path that goes silent, is refused or does not get accepted in
 * time is dropped, its node remembered as failed in the {@link NodeRoster}, and the next node
 * joined with the same session id and role request.
 *
 * <p>States: CONNECTING until the first node accepts; CONNECTED while at least one path is
 * accepted; RECONNECTING when the last one is lost; FAILED when no path has been accepted for the
 * give-up time (the supervisor keeps trying, at the roster's backoff, and returns to CONNECTED
 * when a node accepts). Each change comes with a reason in words.
 *
 * <p>Not thread-safe: the client's I/O thread only. Time comes from the caller.
 */
public final class ConnectionSupervisor {

    /** What the supervisor tells its client, on the I/O thread. */
    public interface Events {
        /** The state changed. */
        void onStateChanged(ConnectionState state, String reason);

        /**
         * A node accepted the role request.
         *
         * @param node the node
         * @param reply its PUBLISH_ACK or SUBSCRIBE_ACK
         * @param resumed true if the client had been connected before (a failover or a recovery)
         * @param nowNs the current time
         */
        void onNodeAccepted(InetSocketAddress node, ControlMessage reply, boolean resumed, long nowNs);

        /** An accepted node announced new tracks for the stream. */
        void onStreamInfo(InetSocketAddress node, ControlMessage.StreamInfo info, long nowNs);
    }

    /** A gap between ticks this long means the client's own thread stalled (ticks come every ~10 ms). */
    static final long CLIENT_STALL_NS = 50_000_000L;

    private final DatagramSender out;
    private final long sessionId;
    private final ControlMessage roleRequest;
    private final FailoverPolicy policy;
    private final NodeRoster roster;
    private final Events events;
    private final Path[] paths;
    private final InetSocketAddress[] connected;
    private final long heartbeatNs;
    private final long floorNs;
    private final long budgetNs;
    private final long joinTimeoutNs;
    private final long giveUpNs;
    /** Sent with the role request on every node this client joins; empty for none. */
    private byte[] token = new byte[0];
    /** The latest refusal not yet reported, or null. */
    private String lastRefusal;
    private int connectedCount;
    private int nextRequestId;
    private long lastTickNs;
    private boolean ticked;
    private ConnectionState state = ConnectionState.CONNECTING;
    private boolean everConnected;
    private long withoutNodeSinceNs;
    private long failovers;
    private long nodeFailures;

    /** One conversation with one node. */
    private final class Path implements ClientControl.Events {
        final InetSocketAddress node;
        final ClientControl control;
        final LinkSilenceDetector detector;
        final long joinStartedNs;
        boolean accepted;
        String failure;
        /** The node answered with an error (not silence). */
        boolean refused;

        Path(InetSocketAddress node, long nowNs) {
            this.node = node;
            this.joinStartedNs = nowNs;
            this.detector = new LinkSilenceDetector(heartbeatNs, floorNs, budgetNs, nowNs);
            int requestId = nextRequestId;
            nextRequestId += 1 << 16; // separate request id ranges for successive conversations
            this.control = new ClientControl(out, node, sessionId, roleRequest, requestId, this);
            control.capKeepaliveInterval(heartbeatNs);
            control.useToken(token);
        }

        @Override
        public void onAccepted(ControlMessage reply, long nowNs) {
            accepted = true;
            roster.succeeded(node);
            pathAccepted(this, reply, nowNs);
        }

        @Override
        public void onStreamInfo(ControlMessage.StreamInfo info, long nowNs) {
            events.onStreamInfo(node, info, nowNs);
        }

        @Override
        public void onFailed(String reason) {
            failure = reason; // acted on after the current call, in checkPaths
        }

        @Override
        public void onRefused(int code, String reason) {
            refused = true;
            failure = reason;
        }

        @Override
        public void onRttSample(long rttNs) {
            detector.onRttSample(rttNs);
        }
    }

    /**
     * Sets the token sent with the role request to every node joined from now on (failover and
     * redundant paths included); call before {@link #start}.
     *
     * @param token the token's ASCII bytes, empty for none
     */
    public void useToken(byte[] token) {
        this.token = token.clone();
    }

    /**
     * @param out where datagrams go
     * @param nodes the nodes, best first
     * @param sessionId the client's session id, kept on every node
     * @param roleRequest the PUBLISH or SUBSCRIBE sent to each node
     * @param firstRequestId the first request id (random)
     * @param policy detection, backoff and give-up settings
     * @param events the client's callbacks
     */
    public ConnectionSupervisor(DatagramSender out, List<InetSocketAddress> nodes, long sessionId,
            ControlMessage roleRequest, int firstRequestId, FailoverPolicy policy, Events events) {
        this.out = out;
        this.sessionId = sessionId;
        this.roleRequest = roleRequest;
        this.policy = policy;
        this.events = events;
        this.nextRequestId = firstRequestId;
        this.roster = new NodeRoster(nodes, TimeUnit.MILLISECONDS.toNanos(policy.backoffBaseMs()),
                TimeUnit.MILLISECONDS.toNanos(policy.backoffMaxMs()));
        int pathCount = policy.redundant() && nodes.size() > 1 ? 2 : 1;
        this.paths = new Path[pathCount];
        this.connected = new InetSocketAddress[pathCount];
        this.heartbeatNs = TimeUnit.MILLISECONDS.toNanos(policy.heartbeatIntervalMs());
        this.floorNs = TimeUnit.MILLISECONDS.toNanos(policy.silenceFloorMs());
        this.budgetNs = TimeUnit.MILLISECONDS.toNanos(policy.latencyBudgetMs());
        this.joinTimeoutNs = TimeUnit.MILLISECONDS.toNanos(policy.joinTimeoutMs());
        this.giveUpNs = TimeUnit.MILLISECONDS.toNanos(policy.giveUpMs());
    }

    /** Joins the first node(s). */
    public void start(long nowNs) {
        withoutNodeSinceNs = nowNs;
        fill(nowNs);
    }

    /**
     * Whether a datagram from {@code sender} belongs to a current path; if so the node counts as
     * heard.
     */
    public boolean accepts(InetSocketAddress sender, long nowNs) {
        for (Path p : paths) {
            if (p != null && p.node.equals(sender)) {
                p.detector.onHeard(nowNs);
                return true;
            }
        }
        return false;
    }

    /** Hands a decoded control message from {@code sender} to that node's conversation. */
    public void onControl(InetSocketAddress sender, DecodeResult result, long nowNs) {
        for (Path p : paths) {
            if (p != null && p.node.equals(sender)) {
                p.control.onControl(result, nowNs);
            }
        }
        checkFailures(nowNs);
        fill(nowNs); // a refusal moves on at once
        reportRefusalIfStuck();
    }

    /** Retransmissions, keepalives, silence and join timeouts, failover, give-up. Every 10 ms or so. */
    public void onTick(long nowNs) {
        if (ticked && nowNs - lastTickNs > CLIENT_STALL_NS) {
            // This client itself was not scheduled for a while: the datagrams its nodes sent
            // meanwhile are still unread, so their silence proves nothing yet. Restart the watch.
            for (Path p : paths) {
                if (p != null) {
                    p.detector.onHeard(nowNs);
                }
            }
        }
        ticked = true;
        lastTickNs = nowNs;
        for (int i = 0; i < paths.length; i++) {
            Path p = paths[i];
            if (p == null) {
                continue;
            }
            p.control.onTick(nowNs);
            if (p.failure == null && p.accepted && p.detector.isSilent(nowNs)) {
                p.failure = "silent for " + TimeUnit.NANOSECONDS.toMillis(p.detector.silenceNs(nowNs)) + " ms (timeout "
                        + TimeUnit.NANOSECONDS.toMillis(p.detector.timeoutNs()) + " ms)";
            } else if (p.failure == null && !p.accepted && nowNs - p.joinStartedNs > joinTimeoutNs) {
                p.failure = "not accepted within " + policy.joinTimeoutMs() + " ms";
            }
        }
        checkFailures(nowNs);
        fill(nowNs);
        reportRefusalIfStuck();
        if (connectedCount == 0 && state != ConnectionState.FAILED && nowNs - withoutNodeSinceNs >= giveUpNs) {
            setState(ConnectionState.FAILED, "no node for " + policy.giveUpMs() + " ms; still retrying "
                    + roster.nodes());
        }
    }

    private void checkFailures(long nowNs) {
        for (int i = 0; i < paths.length; i++) {
            Path p = paths[i];
            if (p != null && p.failure != null) {
                drop(i, nowNs);
            }
        }
    }

    /**
     * Called after {@link #fill}: a refusal (a bad token, an unknown stream) is an answer, not an
     * outage, so when no other node is being tried the app hears it now rather than after the
     * give-up time. Nodes are still retried with backoff; one that accepts moves the state back
     * to CONNECTED.
     */
    private void reportRefusalIfStuck() {
        String refusal = lastRefusal;
        lastRefusal = null;
        if (refusal == null || connectedCount > 0 || state == ConnectionState.FAILED) {
            return;
        }
        for (Path p : paths) {
            if (p != null) {
                return;
            }
        }
        setState(ConnectionState.FAILED, refusal);
    }

    private void drop(int slot, long nowNs) {
        Path p = paths[slot];
        paths[slot] = null;
        p.control.leave(nowNs); // best effort: a live node that refused or was slow forgets us sooner
        roster.failed(p.node, nowNs);
        nodeFailures++;
        if (p.accepted) {
            recountConnected();
            if (connectedCount == 0) {
                withoutNodeSinceNs = nowNs;
                setState(ConnectionState.RECONNECTING, "node " + p.node + " " + p.failure);
            }
        }
        if (p.refused) {
            lastRefusal = "node " + p.node + " " + p.failure;
        }
    }

    /** Joins nodes into empty slots, as the roster allows. */
    private void fill(long nowNs) {
        for (int i = 0; i < paths.length; i++) {
            if (paths[i] != null) {
                continue;
            }
            InetSocketAddress node = roster.pick(nowNs, inUse());
            if (node == null) {
                return;
            }
            Path p = new Path(node, nowNs);
            paths[i] = p;
            p.control.start(nowNs);
        }
    }

    private List<InetSocketAddress> inUse() {
        List<InetSocketAddress> used = new ArrayList<>(paths.length);
        for (Path p : paths) {
            if (p != null) {
                used.add(p.node);
            }
        }
        return used;
    }

    private void pathAccepted(Path path, ControlMessage reply, long nowNs) {
        recountConnected();
        boolean resumed = everConnected;
        everConnected = true;
        if (resumed && connectedCount == 1) {
            failovers++;
        }
        events.onNodeAccepted(path.node, reply, resumed, nowNs);
        if (state != ConnectionState.CONNECTED) {
            setState(ConnectionState.CONNECTED, (resumed ? "resumed on " : "joined ") + path.node);
        }
    }

    private void recountConnected() {
        int n = 0;
        for (Path p : paths) {
            if (p != null && p.accepted) {
                connected[n++] = p.node;
            }
        }
        for (int i = n; i < connected.length; i++) {
            connected[i] = null;
        }
        connectedCount = n;
    }

    private void setState(ConnectionState next, String reason) {
        state = next;
        events.onStateChanged(next, reason);
    }

    /** Number of nodes that accepted the client and carry it now (0-2). */
    public int connectedCount() {
        return connectedCount;
    }

    /** The i-th node carrying the client, {@code 0 <= i < connectedCount()}; index 0 is the primary. */
    public InetSocketAddress connected(int i) {
        return connected[i];
    }

    /** Whether at least one node carries the client. */
    public boolean isConnected() {
        return connectedCount > 0;
    }

    /** Whether {@code node} is the primary (the first carrying node). */
    public boolean isPrimary(InetSocketAddress node) {
        return connectedCount > 0 && connected[0].equals(node);
    }

    /** Smoothed RTT to the primary node in ns; 0 until measured or while no node carries the client. */
    public long rttNs() {
        for (Path p : paths) {
            if (p != null && p.accepted) {
                return p.control.rttNs();
            }
        }
        return 0;
    }

    /** The current state. */
    public ConnectionState state() {
        return state;
    }

    /** Times the client resumed on a node after losing every node. */
    public long failovers() {
        return failovers;
    }

    /** Paths dropped (silent, refused or not accepted in time). */
    public long nodeFailures() {
        return nodeFailures;
    }

    /** The roster (for ranking after a probe). */
    public NodeRoster roster() {
        return roster;
    }

    /** Says goodbye to every node. */
    public void leave(long nowNs) {
        for (int i = 0; i < paths.length; i++) {
            if (paths[i] != null) {
                paths[i].control.leave(nowNs);
                paths[i] = null;
            }
        }
        recountConnected();
    }
}
