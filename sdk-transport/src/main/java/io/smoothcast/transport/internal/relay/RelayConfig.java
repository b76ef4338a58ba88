package io.smoothcast.transport.internal.relay;

import io.smoothcast.transport.VideoPayloadFormat;
import java.util.Map;

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
 * @param videoPayloadFormats the payload format of video tracks by RTP payload type; a payload
 *     type not in the map is {@link VideoPayloadFormat#GENERIC}
 */
public record RelayConfig(int nodeId, int keepaliveIntervalMs, int sessionTimeoutMs,
        int retransmissionCachePackets, int keyframeRequestIntervalMs, int maxSessions,
        int maxSubscribersPerStream, java.net.InetSocketAddress upstream,
        java.util.List<io.smoothcast.transport.NodeInfo> members, Map<Integer, VideoPayloadFormat> videoPayloadFormats) {

    /** Copies the map. */
    public RelayConfig {
        videoPayloadFormats = Map.copyOf(videoPayloadFormats);
    }

    /** Settings where every video track uses the generic payload format. */
    public RelayConfig(int nodeId, int keepaliveIntervalMs, int sessionTimeoutMs, int retransmissionCachePackets,
            int keyframeRequestIntervalMs, int maxSessions, int maxSubscribersPerStream,
            java.net.InetSocketAddress upstream, java.util.List<io.smoothcast.transport.NodeInfo> members) {
        this(nodeId, keepaliveIntervalMs, sessionTimeoutMs, retransmissionCachePackets, keyframeRequestIntervalMs,
                maxSessions, maxSubscribersPerStream, upstream, members, Map.of());
    }

    /** Settings without a member list. */
    public RelayConfig(int nodeId, int keepaliveIntervalMs, int sessionTimeoutMs, int retransmissionCachePackets,
            int keyframeRequestIntervalMs, int maxSessions, int maxSubscribersPerStream,
            java.net.InetSocketAddress upstream) {
        this(nodeId, keepaliveIntervalMs, sessionTimeoutMs, retransmissionCachePackets, keyframeRequestIntervalMs,
                maxSessions, maxSubscribersPerStream, upstream, java.util.List.of());
    }

    /**
     * The payload format of a video payload type.
     *
     * @param payloadType the RTP payload type
     * @return its configured format, else {@link VideoPayloadFormat#GENERIC}
     */
    public VideoPayloadFormat videoPayloadFormat(int payloadType) {
        return videoPayloadFormats.getOrDefault(payloadType, VideoPayloadFormat.GENERIC);
    }
}
