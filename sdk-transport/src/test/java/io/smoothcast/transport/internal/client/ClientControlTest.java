package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.control.ErrorCode;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ClientControlTest {

    private static final InetSocketAddress NODE = new InetSocketAddress("127.0.0.1", 7000);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final RecordingSender out = new RecordingSender();
    private final List<String> events = new ArrayList<>();
    private final ClientControl control = new ClientControl(out, NODE, 42L,
            new ControlMessage.Subscribe("show", 2, 0), 1000, new ClientControl.Events() {
                @Override
                public void onAccepted(ControlMessage reply, long nowNs) {
                    events.add("accepted " + reply.getClass().getSimpleName());
                }

                @Override
                public void onStreamInfo(ControlMessage.StreamInfo info, long nowNs) {
                    events.add("info " + info.tracks().size());
                }

                @Override
                public void onFailed(String reason) {
                    events.add("failed " + reason);
                }
            });
    /**
     * Where the virtual clock starts. The engines must work whatever the origin of {@code System.nanoTime()};
     * subclasses run every test again from another origin.
     */
    long originNs() {
        return 0;
    }

    private long nowNs = originNs() + 5_000 * MS;

    private static DecodeResult decode(byte[] bytes) {
        return ControlCodec.decode(Unpooled.wrappedBuffer(bytes));
    }

    private DecodeResult lastSent() {
        return decode(out.sent.get(out.sent.size() - 1).bytes());
    }

    private static DecodeResult reply(int requestId, ControlMessage message) {
        ByteBuf buf = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, requestId, new byte[0], message);
        DecodeResult result = ControlCodec.decode(buf);
        buf.release();
        return result;
    }

    @Test
    void unansweredHello_isResentEachCopyWithItsOwnRequestId_doubling_thenGivenUp() {
        control.start(nowNs);
        Set<Integer> requestIds = new HashSet<>(Set.of(lastSent().requestId()));
        List<Long> sendTimesMs = new ArrayList<>(List.of(0L));
        for (long t = 0; t <= 7_000; t += 10) {
            int before = out.sent.size();
            control.onTick(nowNs + t * MS);
            if (out.sent.size() > before) {
                assertInstanceOf(ControlMessage.Hello.class, lastSent().message());
                assertTrue(requestIds.add(lastSent().requestId()), "a new request id per copy");
                sendTimesMs.add(t);
            }
        }
        assertEquals(List.of(0L, 200L, 600L, 1400L, 3000L), sendTimesMs);
        assertEquals(ClientControl.MAX_ATTEMPTS, sendTimesMs.size());
        assertEquals(1, events.size(), "given up 6.2 s after the first attempt");
        assertTrue(events.get(0).startsWith("failed HELLO unanswered"), events.toString());
    }

    @Test
    void fastPath_unansweredRequest_isResentSooner_butGivenUpNoSoonerThanTheFixedSchedule() {
        control.start(nowNs);
        DecodeResult hello = lastSent();
        // The HELLO's answer 4 ms later measures the path: retries start at 50 ms.
        control.onControl(reply(hello.requestId(), new ControlMessage.HelloAck(42, 500, 5000, 1)), nowNs + 4 * MS);
        int subscribeId = lastSent().requestId();
        List<Long> sendTimesMs = new ArrayList<>(List.of(4L));
        for (long t = 10; t <= 7_000; t += 10) {
            int before = out.sent.size();
            control.onTick(nowNs + t * MS);
            if (out.sent.size() > before) {
                assertEquals(subscribeId, lastSent().requestId());
                sendTimesMs.add(t);
            }
            if (t == 1_600) {
                assertEquals(List.of(), events, "still asking after 1.6 s");
            }
        }
        // Retries after 50, 100, 200, 400, 800, 1600 ms; given up at 6.36 s, the first wait past 6.2 s.
        assertEquals(List.of(4L, 60L, 160L, 360L, 760L, 1560L, 3160L), sendTimesMs);
        assertEquals(1, events.size(), events.toString());
        assertTrue(events.get(0).startsWith("failed SUBSCRIBE unanswered"), events.toString());
    }

    /**
     * A 300 ms path and no round trip known before the join: the HELLO goes out again at 200 ms,
     * before its answer could be back. The answer to the first copy (its request id tells which)
     * still measures the path, so the SUBSCRIBE waits 2 x 300 + 20 ms for its answer instead of
     * the unknown path's 200 ms and goes out once. With one request id for all copies (Karn's
     * rule: no sample) the SUBSCRIBE went out twice, and the node handled it twice.
     */
    @Test
    void longPath_helloSentTwice_stillMeasuresTheRoundTrip_andTheRoleRequestGoesOutOnce() {
        long roundTripNs = 300 * MS;
        List<long[]> answersDue = new ArrayList<>(); // {when the answer arrives, index in out.sent}
        int scheduled = 0;
        control.start(nowNs);
        for (long t = 0; t <= 2_000 * MS; t += 10 * MS) {
            long now = nowNs + t;
            for (long[] due : answersDue) {
                DecodeResult request = decode(out.sent.get((int) due[1]).bytes());
                ControlMessage answer = request.message() instanceof ControlMessage.Hello
                        ? new ControlMessage.HelloAck(42, 500, 5000, 1)
                        : new ControlMessage.SubscribeAck("show", List.of());
                if (due[0] == now && request.requestId() != 0
                        && control.concerns(reply(request.requestId(), answer), "show")) {
                    control.onControl(reply(request.requestId(), answer), now);
                }
            }
            control.onTick(now);
            for (; scheduled < out.sent.size(); scheduled++) {
                answersDue.add(new long[] {now + roundTripNs, scheduled});
            }
        }
        List<String> kinds = new ArrayList<>();
        for (var datagram : out.sent) {
            kinds.add(decode(datagram.bytes()).message().getClass().getSimpleName());
        }
        assertEquals(List.of("Hello", "Hello", "Subscribe"), kinds.subList(0, 3));
        assertEquals(1, kinds.stream().filter("Subscribe"::equals).count(), kinds.toString());
        assertEquals(List.of("accepted SubscribeAck"), events);
        assertEquals(620 * MS, control.firstRetryNs(), "the HELLO's first copy measured 300 ms");
    }

    @Test
    void firstRetry_followsTheRoundTrip_withinItsBounds_evenForAnAbsurdFigure() {
        assertEquals(200 * MS, control.firstRetryNs(), "no round trip known");
        control.useRttEstimate(100 * MS);
        assertEquals(220 * MS, control.firstRetryNs());
        control.useRttEstimate(4 * MS);
        assertEquals(50 * MS, control.firstRetryNs(), "floor");
        control.useRttEstimate(Long.MAX_VALUE / 2); // doubled, it overflowed to the floor
        assertEquals(3_200 * MS, control.firstRetryNs(), "ceiling");
    }

    @Test
    void helloAck_leadsToTheRoleRequest_andItsAckToAccepted() {
        control.start(nowNs);
        DecodeResult hello = lastSent();
        assertInstanceOf(ControlMessage.Hello.class, hello.message());
        control.onControl(reply(hello.requestId() + 1, new ControlMessage.HelloAck(42, 500, 5000, 1)), nowNs);
        assertEquals(1, out.sent.size(), "an answer to another request id is ignored");
        control.onControl(reply(hello.requestId(), new ControlMessage.HelloAck(42, 500, 5000, 1)), nowNs);
        DecodeResult subscribe = lastSent();
        assertEquals(new ControlMessage.Subscribe("show", 2, 0), subscribe.message());
        assertFalse(control.isActive());
        control.onControl(reply(subscribe.requestId(), new ControlMessage.SubscribeAck("show", List.of())), nowNs);
        assertTrue(control.isActive());
        assertEquals(List.of("accepted SubscribeAck"), events);
        control.onControl(reply(0, new ControlMessage.StreamInfo("show", List.of())), nowNs);
        assertEquals("info 0", events.get(1));
    }

    @Test
    void renewedSubscription_resendsTheSubscribe_andItsAckIsTheStreamInfo() {
        control.renewSubscription(nowNs);
        assertEquals(0, out.sent.size(), "not joined yet: nothing to renew");
        control.start(nowNs);
        control.onControl(reply(lastSent().requestId(), new ControlMessage.HelloAck(42, 500, 5000, 1)), nowNs);
        control.onControl(reply(lastSent().requestId(), new ControlMessage.SubscribeAck("show", List.of())), nowNs);
        int sent = out.sent.size();
        control.renewSubscription(nowNs);
        DecodeResult renewed = lastSent();
        assertEquals(sent + 1, out.sent.size());
        assertEquals(new ControlMessage.Subscribe("show", 2, 0), renewed.message());
        control.renewSubscription(nowNs);
        assertEquals(sent + 1, out.sent.size(), "one request at a time");
        control.onTick(nowNs + 200 * MS);
        long copies = out.sent.stream().filter(d -> decode(d.bytes()).requestId() == renewed.requestId()).count();
        assertEquals(2, copies, "retransmitted while unanswered");
        Track video = new Track(0x1000, 0x1001, 96, 97, io.smoothcast.transport.MediaKind.VIDEO, 0, 90_000, 1_000_000);
        control.onControl(reply(renewed.requestId(), new ControlMessage.SubscribeAck("show", List.of(video))), nowNs);
        assertEquals(List.of("accepted SubscribeAck", "info 1"), events);
        assertTrue(control.isActive());
    }

    @Test
    void errorForTheOutstandingRequest_fails_withTheCode() {
        control.start(nowNs);
        DecodeResult hello = lastSent();
        control.onControl(reply(hello.requestId(), new ControlMessage.HelloAck(42, 500, 5000, 1)), nowNs);
        DecodeResult subscribe = lastSent();
        control.onControl(reply(subscribe.requestId(),
                new ControlMessage.Error(ErrorCode.OVERLOADED, ControlMessage.SUBSCRIBE, "full")), nowNs);
        assertEquals(List.of("failed refused SUBSCRIBE: code 40 OVERLOADED full"), events);
        int sent = out.sent.size();
        control.onTick(nowNs + 10_000 * MS);
        assertEquals(sent, out.sent.size(), "a failed conversation sends nothing more");
    }

    @Test
    void keepalives_goEveryInterval_andTheirAnswersMeasureTheRoundTrip() {
        control.start(nowNs);
        control.onControl(reply(lastSent().requestId(), new ControlMessage.HelloAck(42, 300, 5000, 1)), nowNs);
        control.onControl(reply(lastSent().requestId(), new ControlMessage.SubscribeAck("show", List.of())), nowNs);
        out.drain();
        control.onTick(nowNs + 300 * MS);
        ControlMessage.Keepalive keepalive = (ControlMessage.Keepalive) lastSent().message();
        control.onControl(reply(0, new ControlMessage.KeepaliveAck(keepalive.sequence())), nowNs + 340 * MS);
        assertEquals(40 * MS, control.rttNs());
        control.onTick(nowNs + 500 * MS);
        assertEquals(1, out.sent.size(), "next keepalive only after a full interval");
        control.onTick(nowNs + 600 * MS);
        assertEquals(2, out.sent.size());
    }

    @Test
    void roundTripLongerThanTheKeepaliveInterval_isMeasured() {
        control.capKeepaliveInterval(100 * MS);
        control.start(nowNs);
        control.onControl(reply(lastSent().requestId(), new ControlMessage.HelloAck(42, 300, 5000, 1)), nowNs);
        control.onControl(reply(lastSent().requestId(), new ControlMessage.SubscribeAck("show", List.of())), nowNs);
        out.drain();
        // A 150 ms path: each keepalive's answer comes after the next keepalive left.
        List<Integer> sequences = new ArrayList<>();
        for (long t = 100; t <= 400; t += 100) {
            control.onTick(nowNs + t * MS);
            sequences.add(((ControlMessage.Keepalive) lastSent().message()).sequence());
            if (sequences.size() >= 2) { // the previous keepalive (sent at t - 100) is answered at t + 50
                DecodeResult ack = reply(0, new ControlMessage.KeepaliveAck(sequences.get(sequences.size() - 2)));
                assertTrue(control.concerns(ack, "show"), "an answer to the previous keepalive is ours");
                control.onControl(ack, nowNs + (t + 50) * MS);
            }
        }
        assertEquals(150 * MS, control.rttNs());
        DecodeResult again = reply(0, new ControlMessage.KeepaliveAck(sequences.get(0)));
        assertFalse(control.concerns(again, "show"), "an answer already taken is not sampled twice");
    }

    @Test
    void leavingOneStream_sendsLeaveForThatStreamOnly() {
        control.start(nowNs);
        control.leave("show", nowNs);
        assertEquals(new ControlMessage.Leave("show"), lastSent().message());
        int sent = out.sent.size();
        control.onTick(nowNs + 1000 * MS);
        assertEquals(sent, out.sent.size());
    }

    @Test
    void leave_echoesTheCookieOfTheHelloAck_likeTheRoleRequest() {
        control.start(nowNs);
        control.onControl(reply(lastSent().requestId(), new ControlMessage.HelloAck(42, 500, 5000, 1, 0x5eed)), nowNs);
        control.onControl(reply(lastSent().requestId(), new ControlMessage.SubscribeAck("show", List.of())), nowNs);
        control.leave(nowNs, 2);
        List<RecordingSender.Sent> sent = out.drain();
        for (RecordingSender.Sent leave : sent.subList(sent.size() - 2, sent.size())) {
            assertEquals(new ControlMessage.Leave("", 0x5eed), decode(leave.bytes()).message());
        }
    }

    @Test
    void keepalives_echoTheCookieOfTheHelloAck() {
        control.start(nowNs);
        control.onControl(reply(lastSent().requestId(), new ControlMessage.HelloAck(42, 300, 5000, 1, 0x5eed)), nowNs);
        control.onControl(reply(lastSent().requestId(), new ControlMessage.SubscribeAck("show", List.of())), nowNs);
        control.onTick(nowNs + 300 * MS);
        assertEquals(0x5eed, ((ControlMessage.Keepalive) lastSent().message()).cookie());
    }

    @Test
    void aConversationJoinsOnce_soNoRejoinEchoesAnEarlierHelloAcksCookie() {
        control.start(nowNs);
        control.onControl(reply(lastSent().requestId(), new ControlMessage.HelloAck(42, 500, 5000, 1, 0x5eed)), nowNs);
        assertThrows(IllegalStateException.class, () -> control.start(nowNs));
    }
}
