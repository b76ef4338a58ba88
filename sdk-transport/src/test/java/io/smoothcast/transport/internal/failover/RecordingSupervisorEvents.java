package io.smoothcast.transport.internal.failover;

import io.smoothcast.transport.ConnectionState;
import io.smoothcast.transport.NodeSwitchReason;
import io.smoothcast.transport.TokenRefusal;
import io.smoothcast.transport.internal.control.ControlMessage;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A supervisor's events as the failover tests read them: one line of text each, in order. */
final class RecordingSupervisorEvents implements ConnectionSupervisor.Events {

    /** Each state entered, by name. */
    final List<String> states = new ArrayList<>();
    /** The reason given with each state entered, in the same order as {@link #states}. */
    final List<String> reasons = new ArrayList<>();
    /** Each node that accepted the client: "port joined" or "port resumed". */
    final List<String> accepted = new ArrayList<>();
    /** Each node switch: "REASON fromPort -> toPort". */
    final List<String> switches = new ArrayList<>();
    /** Each token refusal: "port CODE". */
    final List<String> tokenRefusals = new ArrayList<>();
    /** Each expiry warning: the expiry in Unix seconds. */
    final List<Long> tokenExpiring = new ArrayList<>();

    @Override
    public void onStateChanged(ConnectionState state, String reason) {
        states.add(state.name());
        reasons.add(reason);
    }

    @Override
    public void onNodeAccepted(InetSocketAddress node, ControlMessage reply, boolean resumed, long nowNs) {
        accepted.add(node.getPort() + (resumed ? " resumed" : " joined"));
    }

    @Override
    public void onStreamInfo(InetSocketAddress node, ControlMessage.StreamInfo info, long nowNs) {
    }

    @Override
    public void onSwitched(InetSocketAddress from, InetSocketAddress to, NodeSwitchReason reason, String detail) {
        switches.add(reason + " " + from.getPort() + " -> " + to.getPort());
    }

    @Override
    public void onTokenRefused(InetSocketAddress node, TokenRefusal refusal) {
        tokenRefusals.add(node.getPort() + " " + refusal);
    }

    @Override
    public void onTokenExpiring(long expiresAtEpochSeconds) {
        tokenExpiring.add(expiresAtEpochSeconds);
    }
}
