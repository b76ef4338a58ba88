package io.smoothcast.transport.internal.relay;

/**
 * Settings of a relay engine, validated by the public builder.
 *
 * @param nodeId this node's id, sent in HELLO_ACK and as the sender SSRC of its RTCP
 * @param keepaliveIntervalMs keepalive interval announced to clients, in milliseconds
 * @param sessionTimeoutMs silence after which a session is dropped, in milliseconds
 * @param retransmissionCachePackets packets kept per track for NACKs (power of two)
 * @param keyframeRequestIntervalMs smallest interval between PLIs forwarded per stream, in ms
 * @param maxSessions most sessions at once
 * @param maxSubscribersPerStream most subscribers of one stream
 * @param upstream the node asked for streams nobody publishes here (cascade), or null
 * @param members the cluster's member list served to MEMBERS_REQUEST (may be empty)
 */
public record RelayConfig(int nodeId, int keepaliveIntervalMs, int sessionTimeoutMs,
        int retransmissionCachePackets, int keyframeRequestIntervalMs, int maxSessions,
        int maxSubscribersPerStream, java.net.InetSocketAddress upstream,
        java.util.List<io.smoothcast.transport.NodeInfo> members) {

    /** Settings without a member list. */
    public RelayConfig(int nodeId, int keepaliveIntervalMs, int sessionTimeoutMs, int retransmissionCachePackets,
            int keyframeRequestIntervalMs, int maxSessions, int maxSubscribersPerStream,
            java.net.InetSocketAddress upstream) {
        this(nodeId, keepaliveIntervalMs, sessionTimeoutMs, retransmissionCachePackets, keyframeRequestIntervalMs,
                maxSessions, maxSubscribersPerStream, upstream, java.util.List.of());
    }
}
