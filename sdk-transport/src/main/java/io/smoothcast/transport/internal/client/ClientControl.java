package io.smoothcast.transport.internal.client;

import io.netty.buffer.ByteBuf;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.control.ErrorCode;
import io.smoothcast.transport.internal.netty.DatagramSender;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A client's control conversation with one node (PROTOCOL.md section 3): HELLO, then the role
 * request (PUBLISH or SUBSCRIBE), each retransmitted until answered (each copy of the HELLO with
 * a request id of its own, the role request's copies with one id; the delay doubling; see
 * {@link #firstRetryNs} for the first delay, which follows the path's round trip once one is
 * known; given up after at least {@value #MAX_ATTEMPTS} attempts and {@value #GIVE_UP_MS} ms);
 * then a keepalive every keepalive interval, whose answer measures the round-trip time.
 *
 * <p>Not thread-safe: the client's I/O thread only. Time comes from the caller.
 */
public final class ClientControl {

    /** First retransmission delay of an unanswered request while no round trip is known, in milliseconds. */
    public static final int FIRST_RETRY_MS = 200;
    /**
     * Added to twice the known round trip for the first retransmission delay, in milliseconds:
     * the node's and this client's handling of the request and its answer, and their ticks.
     */
    public static final int RETRY_MARGIN_MS = 20;
    /** The shortest first retransmission delay, in milliseconds (a few of the client's 10 ms ticks). */
    public static final int MIN_RETRY_MS = 50;
    /**
     * The longest delay between two attempts, in milliseconds: the fixed schedule's last (the
     * wait after its fifth attempt); a slow path's doubling stops here.
     */
    public static final int MAX_RETRY_MS = 3200;
    /** Attempts before a request is given up (at the least: see {@link #GIVE_UP_MS}). */
    public static final int MAX_ATTEMPTS = 5;
    /**
     * The shortest time from a request's first attempt to its failure, in milliseconds: the fixed
     * schedule's (attempts at 0, 0.2, 0.6, 1.4 and 3 s, failure at 6.2 s). A fast path's short
     * retransmission delays send more attempts in that time rather than fail sooner: a renewed
     * SUBSCRIBE on a 4 ms path would otherwise fail the node after 1.55 s of a stalled host or a
     * lossy second, which the fixed schedule rode out.
     */
    public static final int GIVE_UP_MS = 6200;
    /**
     * Keepalives whose answers are awaited at once (a power of two): round trips up to this many
     * keepalive intervals are measured (800 ms at the default 100 ms heartbeat).
     */
    private static final int KEEPALIVES_TRACKED = 8;
    /**
     * Copies of the outstanding request whose request ids and send times are kept (a power of
     * two): more than a request ever has (at the {@value #MIN_RETRY_MS} ms floor, 7 leave before
     * it is given up).
     */
    private static final int COPIES_TRACKED = 8;

    private static final byte[] NO_TOKEN = new byte[0];

    /**
     * What the conversation reports to its client. Reasons are worded as a predicate of the
     * node ("refused SUBSCRIBE: code 11 TOKEN_EXPIRED token expired", "does not know the
     * session ...", "HELLO unanswered after 5 attempts"): the client that shows one names the
     * node in front of it, once (ConnectionSupervisor: "node /127.0.0.1:7000 refused ...").
     */
    public interface Events {
        /** The node accepted the role request (PUBLISH_ACK or SUBSCRIBE_ACK). */
        void onAccepted(ControlMessage reply, long nowNs);

        /** The node announced new tracks for the stream. */
        void onStreamInfo(ControlMessage.StreamInfo info, long nowNs);

        /** A request was refused or went unanswered; the conversation has stopped. */
        void onFailed(String reason);

        /**
         * The node answered the outstanding request with an error (for example a refused token);
         * the conversation has stopped. Unlike silence, asking the same node again would get the
         * same answer. Default: treated as {@link #onFailed}.
         *
         * @param code the error code (PROTOCOL.md)
         * @param reason a description naming the request and the code
         */
        default void onRefused(int code, String reason) {
            onFailed(reason);
        }

        /**
         * The node answered a keepalive with NOT_JOINED: it no longer knows the session (it
         * restarted or expired it), so every conversation of this session on it is gone. The
         * conversation has stopped; a fresh one (a new HELLO) joins again. Default: treated as
         * {@link #onFailed}.
         *
         * @param reason a description
         * @param nowNs the current time
         */
        default void onSessionLost(String reason, long nowNs) {
            onFailed(reason);
        }

        /**
         * A keepalive was answered: one round-trip time sample. Default: ignored.
         *
         * @param rttNs the sample, in nanoseconds
         */
        default void onRttSample(long rttNs) {
        }
    }

    /** Creates conversations that share a sender, a node and a session id. */
    @FunctionalInterface
    public interface Factory {
        /**
         * @param roleRequest the PUBLISH or SUBSCRIBE
         * @param events the callbacks
         * @return a new conversation, not started
         */
        ClientControl create(ControlMessage roleRequest, Events events);
    }

    private enum Phase { IDLE, JOINING, REQUESTING, ACTIVE, FAILED, LEFT }

    private final DatagramSender out;
    private final InetSocketAddress node;
    private final long sessionId;
    private ControlMessage roleRequest;
    /** The cookie of the node's latest HELLO_ACK (0 = none yet, or the node does not check): echoed in KEEPALIVE and LEAVE too. */
    private long cookie;
    private final Events events;
    private byte[] roleToken = NO_TOKEN;
    private Phase phase = Phase.IDLE;
    private int nextRequestId;
    private ControlMessage outstanding;
    /** Whether each copy of the outstanding request carries a request id of its own (the HELLO's). */
    private boolean idPerCopy;
    /**
     * The outstanding request's copies by attempt (slot {@code (attempt - 1) & mask}): the request
     * id each carried and when it left, so that an answer to a copy of its own id measures the
     * round trip from that copy.
     */
    private final int[] copyRequestIds = new int[COPIES_TRACKED];
    private final long[] copySentNs = new long[COPIES_TRACKED];
    private int attempts;
    private long nextRetryNs;
    private long retryIntervalNs;
    /** When the outstanding request was first sent (its give-up counts from there). */
    private long requestSentNs;
    /** The path's round trip the retransmission delays follow, in ns; 0 while unknown. */
    private long pathRttNs;
    private long keepaliveIntervalNs = TimeUnit.MILLISECONDS.toNanos(500);
    /** The client's own upper bound on the keepalive interval (failure detection needs a heartbeat). */
    private long keepaliveIntervalCapNs = Long.MAX_VALUE;
    private int keepaliveSequence;
    /**
     * The last {@link #KEEPALIVES_TRACKED} keepalives by sequence (slot {@code sequence & mask}):
     * the sequence, when it left (the newest slot, {@code keepaliveSequence}'s, holds when the
     * last one left), and whether its answer is still due. On a path whose round trip
     * exceeds the keepalive interval (100 ms by default) every answer arrives after the next
     * keepalive left; matching only the newest one took no RTT sample at all there (session 11:
     * none in 11 s through a 100 ms round-trip emulator).
     */
    private final int[] keepaliveSequences = new int[KEEPALIVES_TRACKED];
    private final long[] keepaliveSentAtNs = new long[KEEPALIVES_TRACKED];
    private final boolean[] keepaliveDue = new boolean[KEEPALIVES_TRACKED];
    /** Whether a keepalive left yet: before that, the send times above mean nothing (any clock origin). */
    private boolean keepaliveSent;
    private long smoothedRttNs;

    /**
     * @param out where datagrams go
     * @param node the node's address
     * @param sessionId the client's random session id
     * @param roleRequest the PUBLISH or SUBSCRIBE to send after joining
     * @param firstRequestId the first request id; random, so that several conversations from one
     *     address (a relay's upstream links) do not answer each other's requests
     * @param events the client's callbacks
     */
    public ClientControl(DatagramSender out, InetSocketAddress node, long sessionId, ControlMessage roleRequest,
            int firstRequestId, Events events) {
        this.nextRequestId = firstRequestId;
        this.keepaliveSequence = firstRequestId;
        this.out = out;
        this.node = node;
        this.sessionId = sessionId;
        this.roleRequest = roleRequest;
        this.events = events;
    }

    /**
     * Sends keepalives at least this often, whatever interval the node announces: the heartbeat
     * a failure detector listens for. Call before {@link #start}.
     *
     * @param intervalNs the longest interval between keepalives, in nanoseconds
     */
    public void capKeepaliveInterval(long intervalNs) {
        keepaliveIntervalCapNs = intervalNs;
        keepaliveIntervalNs = Math.min(keepaliveIntervalNs, intervalNs);
    }

    /**
     * Sets the path's round trip that the retransmission delays of requests follow (see
     * {@link #firstRetryNs}): a probe's measurement of the node before joining, or the
     * keepalives' path RTT later. A request already outstanding keeps its schedule. An answer
     * that tells which copy it answers (any copy of a HELLO, a role request sent once) measures
     * the round trip itself and replaces the figure.
     *
     * @param rttNs the round trip in ns; 0 or less for unknown (the fixed schedule)
     */
    public void useRttEstimate(long rttNs) {
        pathRttNs = Math.max(0, rttNs);
    }

    /**
     * The delay before an unanswered request's first retransmission: twice the path's round
     * trip plus {@value #RETRY_MARGIN_MS} ms, at least {@value #MIN_RETRY_MS} ms and at most
     * {@value #MAX_RETRY_MS} ms, or {@value #FIRST_RETRY_MS} ms while no round trip is known.
     * Twice the round trip: a retransmission sent before the answer could be back only brings
     * a duplicate answer, and one round trip leaves no room for the node's and this host's
     * variation; on a fast path, waiting the fixed 200 ms would only delay the join.
     *
     * @return the delay in ns
     */
    public long firstRetryNs() {
        if (pathRttNs == 0) {
            return TimeUnit.MILLISECONDS.toNanos(FIRST_RETRY_MS);
        }
        long maxNs = TimeUnit.MILLISECONDS.toNanos(MAX_RETRY_MS);
        // The round trip capped first: a caller's figure (a ProbeReport anyone can build) near
        // Long.MAX_VALUE would overflow the doubling and come out as the 50 ms floor.
        long retryNs = 2 * Math.min(pathRttNs, maxNs) + TimeUnit.MILLISECONDS.toNanos(RETRY_MARGIN_MS);
        return Math.min(maxNs, Math.max(TimeUnit.MILLISECONDS.toNanos(MIN_RETRY_MS), retryNs));
    }

    /**
     * Sets the token sent in the token section of the role request (PUBLISH or SUBSCRIBE);
     * other messages carry none. May be called at any time (a renewed token): every copy of the
     * role request sent from then on carries it, a renewed SUBSCRIBE's too.
     *
     * @param token the token's ASCII bytes, at most {@link ControlCodec#MAX_TOKEN_LENGTH}; empty for none
     */
    public void useToken(byte[] token) {
        if (token == null || token.length > ControlCodec.MAX_TOKEN_LENGTH) {
            throw new IllegalArgumentException("token must be 0-" + ControlCodec.MAX_TOKEN_LENGTH + " bytes");
        }
        this.roleToken = token.clone();
    }

    /**
     * Replaces the token (a renewal), as {@link #useToken}; a role request outstanding with the
     * old token is sent again at once with the new one, under a new request id. The node's
     * answers to the old copies then no longer answer this conversation ({@link #concerns}), so
     * a refusal that reaches {@link Events#onRefused} is always one of the new token: a client
     * must not take a refusal of its current token for one of the token it replaced.
     *
     * @param token the token's ASCII bytes, at most {@link ControlCodec#MAX_TOKEN_LENGTH}; empty for none
     * @param nowNs the current time
     */
    public void renewToken(byte[] token, long nowNs) {
        useToken(token);
        if (outstanding != null && outstanding == roleRequest) {
            request(roleRequest, nowNs);
        }
    }

    /**
     * Sends the HELLO. Once per conversation: a rejoin (to this node or another) is a new
     * conversation, so no request of it echoes the cookie of an earlier HELLO_ACK, which a node
     * that restarted meanwhile (a new secret) would not know.
     *
     * @throws IllegalStateException if this conversation was started before
     */
    public void start(long nowNs) {
        if (phase != Phase.IDLE) {
            throw new IllegalStateException("a conversation joins once: a rejoin is a new ClientControl");
        }
        phase = Phase.JOINING;
        request(new ControlMessage.Hello(sessionId, (int) TimeUnit.NANOSECONDS.toMillis(keepaliveIntervalNs)), nowNs);
    }

    /**
     * Whether a message from the node belongs to this conversation: the answer to its outstanding
     * request or keepalive, or stream info for its stream.
     *
     * @param result a decoded message from the node
     * @param streamId the stream this conversation subscribes to
     * @return true if {@link #onControl} should see it
     */
    public boolean concerns(DecodeResult result, String streamId) {
        ControlMessage message = result.message();
        if (message instanceof ControlMessage.StreamInfo info) {
            return info.streamId().equals(streamId);
        }
        if (message instanceof ControlMessage.KeepaliveAck ack) {
            return keepaliveDue(ack.sequence());
        }
        if (isSessionLost(message)) {
            return true; // the node forgot the whole session: any active conversation may take it
        }
        return answeredCopy(result.requestId()) >= 0;
    }

    /**
     * Which copy of the outstanding request an answer with {@code requestId} answers.
     *
     * @return its slot in {@link #copyRequestIds}, the first copy's for a request whose copies
     *     share their id; -1 if none (or nothing is outstanding)
     */
    private int answeredCopy(int requestId) {
        if (outstanding == null) {
            return -1;
        }
        for (int i = 0; i < Math.min(attempts, COPIES_TRACKED); i++) {
            if (copyRequestIds[i] == requestId) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the node accepted the role request and media may flow. */
    public boolean isActive() {
        return phase == Phase.ACTIVE;
    }

    /** Smoothed round-trip time to the node from keepalives, in ns; 0 until measured. */
    public long rttNs() {
        return smoothedRttNs;
    }

    /** Handles a decoded control message from the node. */
    public void onControl(DecodeResult result, long nowNs) {
        ControlMessage message = result.message();
        int copy = answeredCopy(result.requestId());
        boolean answersOutstanding = copy >= 0;
        if (answersOutstanding && (idPerCopy || attempts == 1)) {
            // An answer tells its round trip only if it tells which copy it answers (Karn): by
            // the copy's own request id, or as the answer to a request sent once.
            pathRttNs = Math.max(1, nowNs - copySentNs[copy]);
        }
        if (message instanceof ControlMessage.HelloAck ack && answersOutstanding && phase == Phase.JOINING) {
            keepaliveIntervalNs = Math.min(keepaliveIntervalCapNs, TimeUnit.MILLISECONDS.toNanos(ack.keepaliveIntervalMs()));
            phase = Phase.REQUESTING;
            // Echo the return-routability cookie: it proves to the node that we receive at our address.
            cookie = ack.cookie();
            if (roleRequest instanceof ControlMessage.Publish publish) {
                roleRequest = publish.withCookie(cookie);
            } else if (roleRequest instanceof ControlMessage.Subscribe subscribe) {
                roleRequest = subscribe.withCookie(cookie);
            }
            request(roleRequest, nowNs);
        } else if ((message instanceof ControlMessage.PublishAck || message instanceof ControlMessage.SubscribeAck)
                && answersOutstanding && phase == Phase.REQUESTING) {
            outstanding = null;
            phase = Phase.ACTIVE;
            events.onAccepted(message, nowNs);
        } else if (message instanceof ControlMessage.SubscribeAck ack && answersOutstanding && phase == Phase.ACTIVE) {
            // The answer to a renewed SUBSCRIBE (see renewSubscription): the stream's tracks now.
            outstanding = null;
            events.onStreamInfo(new ControlMessage.StreamInfo(ack.streamId(), ack.tracks()), nowNs);
        } else if (message instanceof ControlMessage.StreamInfo info && phase == Phase.ACTIVE) {
            events.onStreamInfo(info, nowNs);
        } else if (message instanceof ControlMessage.KeepaliveAck ack && keepaliveDue(ack.sequence())) {
            int slot = ack.sequence() & (KEEPALIVES_TRACKED - 1);
            long sampleNs = nowNs - keepaliveSentAtNs[slot];
            smoothedRttNs = smoothedRttNs == 0 ? sampleNs : (7 * smoothedRttNs + sampleNs) / 8;
            keepaliveDue[slot] = false;
            events.onRttSample(sampleNs);
        } else if (isSessionLost(message)) {
            phase = Phase.FAILED;
            outstanding = null;
            events.onSessionLost("does not know the session (restarted or expired it)", nowNs);
        } else if (message instanceof ControlMessage.Error error && answersOutstanding) {
            ErrorCode known = error.knownCode();
            String reason = "refused " + describe(outstanding) + ": code " + error.code()
                    + (known == null ? "" : " " + known.name()) + " " + error.reason();
            phase = Phase.FAILED;
            outstanding = null;
            events.onRefused(error.code(), reason);
        }
    }

    /** Whether {@code sequence} is one of the tracked keepalives, not answered yet. */
    private boolean keepaliveDue(int sequence) {
        int slot = sequence & (KEEPALIVES_TRACKED - 1);
        return keepaliveDue[slot] && keepaliveSequences[slot] == sequence;
    }

    /** A NOT_JOINED answer to a keepalive while this conversation is active. */
    private boolean isSessionLost(ControlMessage message) {
        return message instanceof ControlMessage.Error error && phase == Phase.ACTIVE
                && error.failedType() == ControlMessage.KEEPALIVE && error.code() == ErrorCode.NOT_JOINED.value();
    }

    /**
     * Sends the SUBSCRIBE again on an active subscriber conversation, to learn the stream's
     * current tracks: a node answers a repeated SUBSCRIBE of a session with a SUBSCRIBE_ACK
     * carrying them (it keeps one subscription per session and stream), and that answer reaches
     * {@link Events#onStreamInfo} as the stream info it stands for. The STREAM_INFO a node sends
     * when the publisher arrives or changes its tracks is sent once; when it is lost, media
     * arrives for tracks the client does not know. Retransmitted like any request. Does nothing
     * while a request is outstanding, before the conversation is active, or for a publisher.
     *
     * @param nowNs the current time
     */
    public void renewSubscription(long nowNs) {
        if (phase == Phase.ACTIVE && outstanding == null && roleRequest instanceof ControlMessage.Subscribe) {
            request(roleRequest, nowNs);
        }
    }

    /** Retransmits unanswered requests and sends keepalives; call every 10-50 ms. */
    public void onTick(long nowNs) {
        if (outstanding != null && nowNs - nextRetryNs >= 0) {
            if (attempts >= MAX_ATTEMPTS && nowNs - requestSentNs >= TimeUnit.MILLISECONDS.toNanos(GIVE_UP_MS)) {
                fail(describe(outstanding) + " unanswered after " + attempts + " attempts");
                return;
            }
            sendCopy(nowNs);
        }
        int newest = keepaliveSequence & (KEEPALIVES_TRACKED - 1);
        if (phase == Phase.ACTIVE && (!keepaliveSent || nowNs - keepaliveSentAtNs[newest] >= keepaliveIntervalNs)) {
            keepaliveSent = true;
            keepaliveSequence++;
            int slot = keepaliveSequence & (KEEPALIVES_TRACKED - 1);
            keepaliveSequences[slot] = keepaliveSequence;
            keepaliveSentAtNs[slot] = nowNs;
            keepaliveDue[slot] = true;
            send(0, new ControlMessage.Keepalive(keepaliveSequence, cookie), nowNs);
        }
    }

    /** Tells the node the client is going: ends the whole session (best effort, not retransmitted). */
    public void leave(long nowNs) {
        leave("", nowNs);
    }

    /**
     * Tells the node the client is going, in {@code copies} identical datagrams: over a path
     * known to lose packets, one lost goodbye would leave the node believing in the client until
     * its session timeout (a publisher's viewers there would wait that long to look elsewhere).
     * A second LEAVE for a session already gone is ignored by the node.
     *
     * @param nowNs the current time
     * @param copies datagrams to send, at least 1
     */
    public void leave(long nowNs, int copies) {
        boolean joined = phase != Phase.IDLE && phase != Phase.FAILED && phase != Phase.LEFT;
        leave("", nowNs);
        for (int i = 1; joined && i < copies; i++) {
            send(0, new ControlMessage.Leave("", cookie), nowNs);
        }
    }

    /**
     * Leaves one stream and stops this conversation, keeping the session (and any other
     * conversation of the same address) alive on the node. The LEAVE echoes the HELLO_ACK's
     * cookie like the role request: a node that checks cookies ignores one without it (a LEAVE
     * sent before any HELLO_ACK came, whose session the node then expires as if it were lost).
     *
     * @param streamId the stream to leave, or "" for the whole session
     * @param nowNs the current time
     */
    public void leave(String streamId, long nowNs) {
        if (phase != Phase.IDLE && phase != Phase.FAILED && phase != Phase.LEFT) {
            send(0, new ControlMessage.Leave(streamId, cookie), nowNs);
        }
        phase = Phase.LEFT;
        outstanding = null;
    }

    /**
     * Sends a request and schedules its retransmissions. A HELLO's copies each carry a new
     * request id: the HELLO_ACK then tells which copy it answers, so a join over a path whose
     * round trip exceeds the first retransmission delay (no round trip known yet: 200 ms) still
     * measures it, and the role request that follows waits for its answer that long rather than
     * go out twice. A node answers any HELLO of the session alike. The role request's copies
     * keep one id: a node counts the token checks of a request once, whatever its copies.
     */
    private void request(ControlMessage message, long nowNs) {
        outstanding = message;
        idPerCopy = message instanceof ControlMessage.Hello;
        attempts = 0;
        requestSentNs = nowNs;
        retryIntervalNs = firstRetryNs();
        sendCopy(nowNs);
    }

    /** Sends the outstanding request's next copy and schedules the one after. */
    private void sendCopy(long nowNs) {
        int slot = attempts & (COPIES_TRACKED - 1);
        copyRequestIds[slot] = attempts == 0 || idPerCopy ? newRequestId() : copyRequestIds[0];
        copySentNs[slot] = nowNs;
        attempts++;
        if (attempts > 1) {
            retryIntervalNs = Math.min(2 * retryIntervalNs, TimeUnit.MILLISECONDS.toNanos(MAX_RETRY_MS));
        }
        nextRetryNs = nowNs + retryIntervalNs;
        send(copyRequestIds[slot], outstanding, nowNs);
    }

    private int newRequestId() {
        int id = nextRequestId++;
        return id != 0 ? id : nextRequestId++; // 0 marks unsolicited messages
    }

    private void send(int requestId, ControlMessage message, long nowNs) {
        byte[] token = message == roleRequest ? roleToken : NO_TOKEN;
        ByteBuf datagram = ControlCodec.encode(out.allocator(), requestId, token, message);
        out.send(datagram, node);
        out.flush();
    }

    private void fail(String reason) {
        phase = Phase.FAILED;
        outstanding = null;
        events.onFailed(reason);
    }

    private static String describe(ControlMessage message) {
        return message.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT);
    }
}
