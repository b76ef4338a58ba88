package io.smoothcast.transport.internal.control;

import java.util.List;
import java.util.Objects;

/**
 * The messages of the control protocol, one record per message type. Records validate their
 * fields when built (so an encoder can never write what a decoder would reject); the decoder
 * checks every field before building one, so hostile bytes never reach these constructors.
 *
 * <p>All records are immutable and thread-safe.
 */
public sealed interface ControlMessage {

    /** Type byte of {@link Hello}. */
    int HELLO = 0x01;
    /** Type byte of {@link Publish}. */
    int PUBLISH = 0x02;
    /** Type byte of {@link Subscribe}. */
    int SUBSCRIBE = 0x03;
    /** Type byte of {@link Keepalive}. */
    int KEEPALIVE = 0x04;
    /** Type byte of {@link Probe}. */
    int PROBE = 0x05;
    /** Type byte of {@link Leave}. */
    int LEAVE = 0x06;
    /** Type byte of {@link Error}. */
    int ERROR = 0x07;
    /** Type byte of {@link LoadRequest}. */
    int LOAD_REQUEST = 0x08;
    /** Type byte of {@link StreamInfo}. */
    int STREAM_INFO = 0x09;
    /** Type byte of {@link HelloAck}. */
    int HELLO_ACK = 0x81;
    /** Type byte of {@link PublishAck}. */
    int PUBLISH_ACK = 0x82;
    /** Type byte of {@link SubscribeAck}. */
    int SUBSCRIBE_ACK = 0x83;
    /** Type byte of {@link KeepaliveAck}. */
    int KEEPALIVE_ACK = 0x84;
    /** Type byte of {@link ProbeReply}. */
    int PROBE_REPLY = 0x85;
    /** Type byte of {@link LoadReport}. */
    int LOAD_REPORT = 0x88;
    /** Type byte of {@link MembersRequest} (revision 2). */
    int MEMBERS_REQUEST = 0x0A;
    /** Type byte of {@link MembersReport} (revision 2). */
    int MEMBERS_REPORT = 0x8A;

    /** Most tracks one stream may announce. */
    int MAX_TRACKS = 8;

    /** Longest error reason, in UTF-8 bytes; longer reasons are cut when encoded. */
    int MAX_REASON_LENGTH = 200;

    /**
     * The type byte of this message.
     *
     * @return one of the type constants of this interface
     */
    int type();

    /**
     * Opens a session. Body padded to 24 bytes so the {@link HelloAck}, cookie included, is never larger.
     *
     * @param sessionId random 64-bit id chosen by the client; kept across failover
     * @param keepaliveIntervalMs the keepalive interval the client intends to use, 1-65535 ms
     */
    record Hello(long sessionId, int keepaliveIntervalMs) implements ControlMessage {
        /** Validates the interval. */
        public Hello {
            requireU16Positive(keepaliveIntervalMs, "keepaliveIntervalMs");
        }

        @Override
        public int type() {
            return HELLO;
        }
    }

    /**
     * Accepts a session.
     *
     * @param sessionId the client's session id, echoed
     * @param keepaliveIntervalMs interval at which the client must send something, 1-65535 ms
     * @param sessionTimeoutMs silence after which the node forgets the client, 1-65535 ms
     * @param nodeId the node's 32-bit id, stable for the node's lifetime
     * @param cookie the return-routability cookie the client echoes in PUBLISH or SUBSCRIBE
     *     (PROTOCOL.md section 6); 0 = none (not encoded)
     */
    record HelloAck(long sessionId, int keepaliveIntervalMs, int sessionTimeoutMs, int nodeId, long cookie)
            implements ControlMessage {
        /** Validates the intervals. */
        public HelloAck {
            requireU16Positive(keepaliveIntervalMs, "keepaliveIntervalMs");
            requireU16Positive(sessionTimeoutMs, "sessionTimeoutMs");
        }

        /** An acknowledgement without a cookie. */
        public HelloAck(long sessionId, int keepaliveIntervalMs, int sessionTimeoutMs, int nodeId) {
            this(sessionId, keepaliveIntervalMs, sessionTimeoutMs, nodeId, 0);
        }

        @Override
        public int type() {
            return HELLO_ACK;
        }
    }

    /**
     * Announces a stream and its tracks; the sender becomes its publisher on this node.
     *
     * @param streamId the stream id (see {@link StreamIds})
     * @param tracks 1 to {@value #MAX_TRACKS} tracks with distinct SSRCs
     * @param cookie the cookie of the node's HELLO_ACK, echoed; 0 = none (not encoded)
     */
    record Publish(String streamId, List<Track> tracks, long cookie) implements ControlMessage {
        /** Validates the id and copies the track list. */
        public Publish {
            StreamIds.require(streamId, "streamId");
            tracks = requireTracks(tracks, 1);
        }

        /** A publish request without a cookie. */
        public Publish(String streamId, List<Track> tracks) {
            this(streamId, tracks, 0);
        }

        /**
         * @param echoed the cookie from the node's HELLO_ACK
         * @return this request carrying the cookie
         */
        public Publish withCookie(long echoed) {
            return new Publish(streamId, tracks, echoed);
        }

        @Override
        public int type() {
            return PUBLISH;
        }
    }

    /**
     * Confirms a {@link Publish}.
     *
     * @param streamId the published stream
     */
    record PublishAck(String streamId) implements ControlMessage {
        /** Validates the id. */
        public PublishAck {
            StreamIds.require(streamId, "streamId");
        }

        @Override
        public int type() {
            return PUBLISH_ACK;
        }
    }

    /**
     * Asks for a stream's media.
     *
     * @param streamId the stream id
     * @param maxSimulcastLayer highest simulcast layer wanted, 0-2
     * @param maxBitrateBps a cap on what the node sends, in bits per second; 0 means no cap
     * @param cookie the cookie of the node's HELLO_ACK, echoed; 0 = none (not encoded)
     */
    record Subscribe(String streamId, int maxSimulcastLayer, int maxBitrateBps, long cookie)
            implements ControlMessage {

        /** A subscribe request without a cookie. */
        public Subscribe(String streamId, int maxSimulcastLayer, int maxBitrateBps) {
            this(streamId, maxSimulcastLayer, maxBitrateBps, 0);
        }

        /**
         * @param echoed the cookie from the node's HELLO_ACK
         * @return this request carrying the cookie
         */
        public Subscribe withCookie(long echoed) {
            return new Subscribe(streamId, maxSimulcastLayer, maxBitrateBps, echoed);
        }

        /** Validates the fields. */
        public Subscribe {
            StreamIds.require(streamId, "streamId");
            if (maxSimulcastLayer < 0 || maxSimulcastLayer > Track.MAX_SIMULCAST_LAYER) {
                throw new IllegalArgumentException("maxSimulcastLayer must be 0-2: " + maxSimulcastLayer);
            }
            if (maxBitrateBps < 0) {
                throw new IllegalArgumentException("maxBitrateBps must be >= 0: " + maxBitrateBps);
            }
        }

        @Override
        public int type() {
            return SUBSCRIBE;
        }
    }

    /**
     * Confirms a {@link Subscribe}, with the tracks known so far (possibly none: the publisher
     * may not have arrived yet; a {@link StreamInfo} follows when it does).
     *
     * @param streamId the stream id
     * @param tracks 0 to {@value #MAX_TRACKS} tracks
     */
    record SubscribeAck(String streamId, List<Track> tracks) implements ControlMessage {
        /** Validates the id and copies the track list. */
        public SubscribeAck {
            StreamIds.require(streamId, "streamId");
            tracks = requireTracks(tracks, 0);
        }

        @Override
        public int type() {
            return SUBSCRIBE_ACK;
        }
    }

    /**
     * Pushed by a node to a stream's subscribers when its tracks change (publisher arrived,
     * left, or re-published); an empty list means the stream has no publisher now.
     *
     * @param streamId the stream id
     * @param tracks 0 to {@value #MAX_TRACKS} tracks
     */
    record StreamInfo(String streamId, List<Track> tracks) implements ControlMessage {
        /** Validates the id and copies the track list. */
        public StreamInfo {
            StreamIds.require(streamId, "streamId");
            tracks = requireTracks(tracks, 0);
        }

        @Override
        public int type() {
            return STREAM_INFO;
        }
    }

    /**
     * Keeps a session (and the NAT binding) alive.
     *
     * @param sequence a counter chosen by the sender, echoed in the {@link KeepaliveAck}
     * @param cookie the cookie of the node's HELLO_ACK, echoed; 0 = none (not encoded). Once a
     *        session's keepalives echo it, a node that checks cookies keeps the session alive
     *        only for those that do: anyone can put a joined client's address on a datagram.
     */
    record Keepalive(int sequence, long cookie) implements ControlMessage {
        /** A keepalive without a cookie. */
        public Keepalive(int sequence) {
            this(sequence, 0);
        }

        @Override
        public int type() {
            return KEEPALIVE;
        }
    }

    /**
     * Answers a {@link Keepalive}.
     *
     * @param sequence the keepalive's sequence, echoed
     */
    record KeepaliveAck(int sequence) implements ControlMessage {
        @Override
        public int type() {
            return KEEPALIVE_ACK;
        }
    }

    /**
     * Measures a path (RTT, loss, and with trains of probes, capacity). Allowed before a hello.
     *
     * @param sequence the probe's number within its train
     * @param sendTimeNs the sender's clock when sent, echoed unchanged
     * @param paddingLength zero bytes appended to the body (so a probe can be as large as a
     *     media packet); the body is at least 16 bytes, so the reply is never larger
     */
    record Probe(int sequence, long sendTimeNs, int paddingLength) implements ControlMessage {
        /** Smallest padding, so the body (12 bytes + padding) is at least 16 bytes. */
        public static final int MIN_PADDING = 4;

        /** Validates the padding. */
        public Probe {
            if (paddingLength < MIN_PADDING || paddingLength > ControlCodec.MAX_BODY_LENGTH - 12) {
                throw new IllegalArgumentException("paddingLength must be " + MIN_PADDING + "-"
                        + (ControlCodec.MAX_BODY_LENGTH - 12) + ": " + paddingLength);
            }
        }

        @Override
        public int type() {
            return PROBE;
        }
    }

    /**
     * Answers a {@link Probe}.
     *
     * @param sequence the probe's sequence, echoed
     * @param echoedSendTimeNs the probe's send time, echoed
     * @param probeLength the probe's size as received, in bytes (whole datagram)
     */
    record ProbeReply(int sequence, long echoedSendTimeNs, int probeLength) implements ControlMessage {
        @Override
        public int type() {
            return PROBE_REPLY;
        }
    }

    /**
     * Stops publishing or subscribing.
     *
     * @param streamId the stream to leave, or the empty string to end the whole session
     * @param cookie the cookie of the node's HELLO_ACK, echoed; 0 = none (not encoded). A node
     *        that checks cookies ignores a LEAVE without the right one: anyone can put a joined
     *        client's address on a datagram.
     */
    record Leave(String streamId, long cookie) implements ControlMessage {
        /** Validates the id (empty allowed). */
        public Leave {
            if (streamId == null || (!streamId.isEmpty() && !StreamIds.isValid(streamId))) {
                throw new IllegalArgumentException("streamId must be empty or a valid stream id: " + streamId);
            }
        }

        /** A leave without a cookie. */
        public Leave(String streamId) {
            this(streamId, 0);
        }

        @Override
        public int type() {
            return LEAVE;
        }
    }

    /**
     * Reports that a request failed; the header's request id names the request.
     *
     * @param code the 16-bit error code; values not in {@link ErrorCode} are kept as they are
     * @param failedType the type byte of the request that failed
     * @param reason human-readable detail, at most {@value #MAX_REASON_LENGTH} UTF-8 bytes on
     *     the wire
     */
    record Error(int code, int failedType, String reason) implements ControlMessage {
        /** Validates the fields. */
        public Error {
            if (code < 0 || code > 0xFFFF) {
                throw new IllegalArgumentException("code must be 0-65535: " + code);
            }
            if (failedType < 0 || failedType > 0xFF) {
                throw new IllegalArgumentException("failedType must be 0-255: " + failedType);
            }
            Objects.requireNonNull(reason, "reason");
        }

        /**
         * Convenience constructor from a known code.
         *
         * @param code the error
         * @param failedType the type byte of the failed request
         * @param reason detail text
         */
        public Error(ErrorCode code, int failedType, String reason) {
            this(code.value(), failedType, reason);
        }

        /**
         * The code as a known enum value.
         *
         * @return the code, or null if this peer does not know it
         */
        public ErrorCode knownCode() {
            return ErrorCode.fromValue(code);
        }

        @Override
        public int type() {
            return ERROR;
        }
    }

    /**
     * Asks a node for its load. Body padded to {@value #BODY_LENGTH} bytes so the
     * {@link LoadReport} is never larger. Allowed before a hello.
     */
    record LoadRequest() implements ControlMessage {
        /** Body size on the wire, in bytes (all zero). */
        public static final int BODY_LENGTH = 24;

        @Override
        public int type() {
            return LOAD_REQUEST;
        }
    }

    /**
     * A node's load, averaged over its last report interval.
     *
     * @param publishers publishers connected now
     * @param subscribers subscribers connected now
     * @param streams streams with at least one publisher or subscriber
     * @param packetsPerSecond RTP and RTCP packets forwarded per second
     * @param bitsPerSecond bits forwarded per second
     */
    record LoadReport(int publishers, int subscribers, int streams, int packetsPerSecond,
            long bitsPerSecond) implements ControlMessage {
        /** Validates the counts. */
        public LoadReport {
            if (publishers < 0 || subscribers < 0 || streams < 0 || packetsPerSecond < 0 || bitsPerSecond < 0) {
                throw new IllegalArgumentException("load figures must be >= 0");
            }
        }

        @Override
        public int type() {
            return LOAD_REPORT;
        }
    }

    /**
     * Asks a node for its cluster's member list (revision 2). The body is zero padding: the node
     * answers with as many members as fit in a reply no larger than this request, so the
     * requester pads it to the reply size it can use (at least {@value #MIN_BODY_LENGTH} bytes).
     * Allowed before a hello.
     *
     * @param paddingLength the body length, {@value #MIN_BODY_LENGTH}-1200 bytes
     */
    record MembersRequest(int paddingLength) implements ControlMessage {
        /** Smallest body. */
        public static final int MIN_BODY_LENGTH = 16;

        /** Validates the padding. */
        public MembersRequest {
            if (paddingLength < MIN_BODY_LENGTH || paddingLength > ControlCodec.MAX_BODY_LENGTH) {
                throw new IllegalArgumentException("paddingLength must be " + MIN_BODY_LENGTH + "-"
                        + ControlCodec.MAX_BODY_LENGTH + ": " + paddingLength);
            }
        }

        @Override
        public int type() {
            return MEMBERS_REQUEST;
        }
    }

    /**
     * A node's cluster members (revision 2): a count (1 byte) and per member an address family
     * (1 byte: 4 or 6), the IP address (4 or 16 bytes), the port (2) and the region label (1-byte
     * length, 0-32 ASCII characters).
     *
     * @param members the members, at most {@value #MAX_MEMBERS}
     */
    record MembersReport(java.util.List<io.smoothcast.transport.NodeInfo> members) implements ControlMessage {
        /** Most members in one report. */
        public static final int MAX_MEMBERS = 64;

        /** Validates and copies the list. */
        public MembersReport {
            Objects.requireNonNull(members, "members");
            if (members.size() > MAX_MEMBERS) {
                throw new IllegalArgumentException("at most " + MAX_MEMBERS + " members: " + members.size());
            }
            members = List.copyOf(members);
        }

        /** Encoded size of one member, in bytes. */
        public static int encodedLength(io.smoothcast.transport.NodeInfo member) {
            return 1 + member.address().getAddress().getAddress().length + 2 + 1 + member.region().length();
        }

        @Override
        public int type() {
            return MEMBERS_REPORT;
        }
    }

    private static void requireU16Positive(int value, String name) {
        if (value < 1 || value > 0xFFFF) {
            throw new IllegalArgumentException(name + " must be 1-65535: " + value);
        }
    }

    private static List<Track> requireTracks(List<Track> tracks, int min) {
        Objects.requireNonNull(tracks, "tracks");
        if (tracks.size() < min || tracks.size() > MAX_TRACKS) {
            throw new IllegalArgumentException("tracks must hold " + min + " to " + MAX_TRACKS + " tracks: " + tracks.size());
        }
        List<Track> copy = List.copyOf(tracks);
        for (int i = 0; i < copy.size(); i++) {
            for (int j = i + 1; j < copy.size(); j++) {
                if (copy.get(i).ssrc() == copy.get(j).ssrc()) {
                    throw new IllegalArgumentException("tracks must have distinct SSRCs: " + copy.get(i).ssrc());
                }
            }
        }
        return copy;
    }
}
