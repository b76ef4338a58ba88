package io.smoothcast.samples.internal;

import io.smoothcast.transport.ConnectionState;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Remembers how a client's connection went, for the one line a command prints when it ends
 * without having done its job. The client's state after {@code close()} is always
 * {@code CLOSED}, which says nothing; what helps is the last state before it (with the SDK's
 * reason) and whether any node ever accepted the client.
 *
 * <p>Thread-safe: the client's threads report, the command's thread reads.
 */
public final class ConnectionOutcome {

    private volatile ConnectionState lastState = ConnectionState.NEW;
    private volatile String lastReason = "";
    private volatile boolean everConnected;

    /**
     * Records a state change (from the client's listener); {@code CLOSED} is ignored.
     *
     * @param state the new state
     * @param reason the SDK's reason
     */
    public void onStateChanged(ConnectionState state, String reason) {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        if (state == ConnectionState.CONNECTED) {
            everConnected = true;
        }
        lastReason = reason == null ? "" : reason;
        lastState = state;
    }

    /** @return whether a node accepted the client at least once */
    public boolean everConnected() {
        return everConnected;
    }

    /**
     * What went wrong for a client given several nodes: as {@link #describe(InetSocketAddress,
     * String, boolean)} for the node the SDK's last reason names (the one that refused, accepted or
     * was lost; the first if none), or, when no node answered at all, naming every node.
     *
     * @param nodes the nodes the client was given, best first; not empty
     * @param streamId the stream
     * @param publishing true for a broadcaster, false for a viewer
     * @return the line
     */
    public String describe(List<InetSocketAddress> nodes, String streamId, boolean publishing) {
        if (nodes.size() > 1 && !everConnected && !refused()) {
            String addresses = nodes.stream().map(Format::address).collect(Collectors.joining(", "));
            return "no relay answered at " + addresses + " (" + last() + "); is a relay running at each of them"
                    + " (smoothcast relay --port PORT) and is its UDP port reachable from here?";
        }
        for (InetSocketAddress node : nodes) {
            if (names(lastReason, node)) {
                return describe(node, streamId, publishing);
            }
        }
        return describe(nodes.get(0), streamId, publishing);
    }

    /**
     * Whether {@code reason} names {@code node}: its address not followed by another digit, so
     * that port 700 is not taken for port 7001.
     */
    private static boolean names(String reason, InetSocketAddress node) {
        String address = node.toString();
        for (int i = reason.indexOf(address); i >= 0; i = reason.indexOf(address, i + 1)) {
            int end = i + address.length();
            if (end == reason.length() || !Character.isDigit(reason.charAt(end))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the client ended refused by a node (its words say why), not after the give-up time. */
    private boolean refused() {
        // FAILED after the give-up time starts "no node for" (the SDK's ConnectionSupervisor words
        // it so); that case is "no relay answered".
        return lastState == ConnectionState.FAILED && !lastReason.startsWith("no node for");
    }

    private String last() {
        return "state " + lastState + (lastReason.isEmpty() ? "" : ": " + lastReason);
    }

    /**
     * What went wrong, in words, with what to check next.
     *
     * @param node the node the client was given
     * @param streamId the stream
     * @param publishing true for a broadcaster, false for a viewer
     * @return e.g. {@code "no relay answered at 127.0.0.1:7999 (state FAILED: ...); is a relay
     *     running there ...?"}
     */
    public String describe(InetSocketAddress node, String streamId, boolean publishing) {
        String address = Format.address(node);
        String last = last();
        if (everConnected) {
            return publishing
                    ? "node " + address + " accepted stream '" + streamId + "' but the stream did not stay up (" + last + ")"
                    : "node " + address + " accepted the viewer but sent no video for stream '" + streamId + "' ("
                            + last + "); is a broadcaster publishing '" + streamId + "' to this node or one it"
                            + " cascades from (relay --upstream)?";
        }
        if (refused()) {
            // The node answered with a refusal (a bad token, too many clients): its words say why.
            // The SDK's reason for this node's refusal starts "node <address> refused ", which
            // this line has said already: only the request and the code follow.
            String sdkPrefix = "node " + node + " refused ";
            String detail = lastReason.startsWith(sdkPrefix) ? lastReason.substring(sdkPrefix.length()) : last;
            return "node " + address + " refused " + (publishing ? "to publish" : "to play") + " stream '" + streamId
                    + "' (" + detail + ")";
        }
        return "no relay answered at " + address + " (" + last + "); is a relay running there (smoothcast relay"
                + " --port " + node.getPort() + ") and is UDP port " + node.getPort() + " reachable from here?";
    }
}
