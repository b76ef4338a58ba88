package io.smoothcast.transport.internal.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.NodeScorer;
import io.smoothcast.transport.internal.DatagramKind;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * HELLO and SUBSCRIBE retransmissions over paths of known round trip, in virtual time: a
 * scripted node answers each request one round trip after it left, unless told to lose the
 * answer.
 */
class RequestRetryOnPathRttTest {

    private static final long MS = 1_000_000L;
    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 7001);
    private static final long SESSION = 0x1234_5678_9ABCL;

    private final RecordingSender out = new RecordingSender();
    private final RecordingSupervisorEvents events = new RecordingSupervisorEvents();
    private final ConnectionSupervisor supervisor = new ConnectionSupervisor(out, List.of(A), SESSION,
            new ControlMessage.Subscribe("show", 2, 0), 7, FailoverPolicy.defaults(), events);
    private long nowNs = 1_000 * MS;
    private final long startNs = nowNs;
    /** The path's round trip. */
    private long rttNs;
    private int helloAnswersToLose;
    private int subscribeAnswersToLose;
    /** Each HELLO and SUBSCRIBE the node received: "HELLO@ms" with ms since the start. */
    private final List<String> requests = new ArrayList<>();
    /** Answers on their way: when each arrives, and its bytes. */
    private final List<Long> answerAtNs = new ArrayList<>();
    private final List<byte[]> answers = new ArrayList<>();

    /** Runs the client's 10 ms ticks and the path for {@code ms}. */
    private void run(long ms) {
        for (long t = 0; t < ms; t += 10) {
            nowNs += 10 * MS;
            for (int i = 0; i < answers.size(); i++) {
                if (nowNs - answerAtNs.get(i) >= 0) {
                    DecodeResult answer = ControlCodec.decode(Unpooled.wrappedBuffer(answers.remove(i)));
                    answerAtNs.remove(i--);
                    supervisor.slotOf(A, nowNs); // heard from the node, as the engines tell it
                    supervisor.onControl(A, answer, nowNs);
                }
            }
            supervisor.onTick(nowNs);
            node();
        }
    }

    /** The node takes what the client sent and queues its answers, one round trip after the request left. */
    private void node() {
        for (RecordingSender.Sent sent : out.drain()) {
            if (DatagramKind.classify(Unpooled.wrappedBuffer(sent.bytes())) != DatagramKind.CONTROL) {
                continue;
            }
            DecodeResult request = ControlCodec.decode(Unpooled.wrappedBuffer(sent.bytes()));
            ControlMessage message = request.message();
            ControlMessage answer = null;
            if (message instanceof ControlMessage.Hello) {
                requests.add("HELLO@" + (nowNs - startNs) / MS);
                answer = helloAnswersToLose-- > 0 ? null : new ControlMessage.HelloAck(SESSION, 500, 5000, 1);
            } else if (message instanceof ControlMessage.Subscribe) {
                requests.add("SUBSCRIBE@" + (nowNs - startNs) / MS);
                answer = subscribeAnswersToLose-- > 0 ? null : new ControlMessage.SubscribeAck("show", List.of());
            } else if (message instanceof ControlMessage.Keepalive k) {
                answer = new ControlMessage.KeepaliveAck(k.sequence());
            }
            if (answer != null) {
                answerAtNs.add(nowNs + rttNs);
                ByteBuf reply = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, request.requestId(), new byte[0],
                        answer);
                answers.add(ByteBufUtil.getBytes(reply));
                reply.release();
            }
        }
    }

    private void start() {
        supervisor.start(nowNs);
        node();
    }

    @Test
    void probedSlowPath_noRequestIsSentAgainBeforeTheAnswerCouldBeBack() {
        // Cross-continent: 500 ms round trip, measured by the node probe before the join. The
        // fixed schedule sent the HELLO again at 0.2 and 0.6 s, before its answer could come.
        rttNs = 500 * MS;
        supervisor.knowRtt(A, rttNs);
        start();
        run(3000);
        assertEquals(List.of("HELLO@0", "SUBSCRIBE@500"), requests, "each request once");
        assertEquals(List.of("7001 joined"), events.accepted);
    }

    @Test
    void probedSlowPath_lostHelloAnswer_sentAgainOnlyAfterTwiceTheRoundTrip_andTheJoinStillSucceeds() {
        rttNs = 500 * MS;
        supervisor.knowRtt(A, rttNs);
        helloAnswersToLose = 1;
        start();
        run(5000);
        // 2 x 500 ms + 20 ms after the first attempt; its answer at 1.52 s, the SUBSCRIBE's at 2.02 s.
        assertEquals(List.of("HELLO@0", "HELLO@1020", "SUBSCRIBE@1520"), requests);
        // The policy's 1.5 s join timeout is for paths of tens of ms: this join needs longer.
        assertEquals(List.of("7001 joined"), events.accepted);
        assertEquals(List.of("CONNECTED"), events.states);
    }

    @Test
    void absurdToldRoundTrip_waitsTheLongestDelay_withoutOverflowingIntoShortRetriesOrAShortJoinTimeout() {
        // A ProbeReport anyone can build: an infinite rttMs becomes Long.MAX_VALUE ns. Doubled,
        // it overflowed to the 50 ms floor, and first retry + 3 x RTT to a negative join timeout
        // (so the policy's 1.5 s): HELLOs every few tens of ms, the node failed at 1.5 s.
        supervisor.knowRtt(A, Long.MAX_VALUE);
        helloAnswersToLose = Integer.MAX_VALUE;
        start();
        run(4000);
        // Not failed and joined again at 1.5 s (a new HELLO after the backoff): the same HELLO
        // resent after the 3.2 s ceiling.
        assertEquals(List.of("HELLO@0", "HELLO@3200"), requests);
    }

    @Test
    void pathMeasuredByTheHello_subscribeNotSentAgainBeforeTwiceTheRoundTrip() {
        // No probe: the HELLO's answer to its only attempt measures the round trip (150 ms),
        // and the SUBSCRIBE's schedule follows it, not the fixed 200 ms (which would send it
        // again 50 ms before its answer could be back).
        rttNs = 150 * MS;
        subscribeAnswersToLose = 1;
        start();
        run(2000);
        assertEquals(List.of("HELLO@0", "SUBSCRIBE@150", "SUBSCRIBE@470"), requests,
                "SUBSCRIBE sent again after 2 x 150 + 20 ms");
        assertEquals(List.of("7001 joined"), events.accepted);
    }

    @Test
    void fastPath_lostSubscribeAnswer_isAskedAgainSoonerThanTheFixed200Ms() {
        // 4 ms round trip (measured by the HELLO): the fixed schedule waited 200 ms, fifty round trips.
        rttNs = 4 * MS;
        subscribeAnswersToLose = 1;
        start();
        run(1000);
        assertEquals(3, requests.size(), requests.toString());
        long firstMs = Long.parseLong(requests.get(1).substring("SUBSCRIBE@".length()));
        long againMs = Long.parseLong(requests.get(2).substring("SUBSCRIBE@".length()));
        assertTrue(againMs - firstMs < 200, "sent again after " + (againMs - firstMs) + " ms: " + requests);
        assertEquals(50, againMs - firstMs, "the 50 ms floor (2 x 4 + 20 ms is shorter)");
        assertEquals(List.of("7001 joined"), events.accepted);
    }

    @Test
    void probedRoundTrip_isReplacedByTheKeepalives_forALaterRenewal() {
        // The probe said 500 ms; the path turns out to be 10 ms: the renewed SUBSCRIBE's
        // retransmission follows the keepalives' figure.
        rttNs = 10 * MS;
        supervisor.knowRtt(A, 500 * MS);
        start();
        run(2000);
        int before = requests.size();
        subscribeAnswersToLose = 1;
        supervisor.onMediaForUnknownTrack(0, nowNs);
        node();
        run(500);
        List<String> renewal = requests.subList(before, requests.size());
        assertTrue(renewal.size() >= 2, renewal.toString());
        long firstMs = Long.parseLong(renewal.get(0).substring("SUBSCRIBE@".length()));
        long againMs = Long.parseLong(renewal.get(1).substring("SUBSCRIBE@".length()));
        assertEquals(50, againMs - firstMs, "2 x 10 + 20 ms, at the 50 ms floor: " + renewal);
    }

    @Test
    void theBackgroundProbersRoundTrip_isTheKnownRoundTripOfANodeBeingPinged() {
        AlternativeProber prober = new AlternativeProber(out, 100 * MS, NodeScorer.defaults());
        assertEquals(0, prober.rttNs(A), "not probed");
        prober.probe(List.of(A), nowNs);
        prober.onTick(nowNs);
        assertEquals(0, prober.rttNs(A), "no answer yet");
        ControlMessage.Probe ping = (ControlMessage.Probe) ControlCodec
                .decode(Unpooled.wrappedBuffer(out.drain().get(0).bytes())).message();
        prober.onReply(A, new ControlMessage.ProbeReply(ping.sequence(), ping.sendTimeNs(), 20), nowNs + 120 * MS);
        assertEquals(120 * MS, prober.rttNs(A));
    }
}
