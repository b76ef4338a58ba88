package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.DatagramSender;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A stream's STREAM_INFO is encoded once per change, whatever the subscriber count and repeats. */
class StreamInfoEncodingTest {

    private static final Track AUDIO = new Track(0x3000, 0, 111, 0, MediaKind.AUDIO, 0, 48_000, 64_000);
    private static final Track VIDEO = new Track(0x3100, 0x3101, 96, 97, MediaKind.VIDEO, 0, 90_000, 1_000_000);
    private static final InetSocketAddress PUBLISHER = new InetSocketAddress("127.0.0.1", 5000);
    private static final List<InetSocketAddress> VIEWERS = List.of(new InetSocketAddress("127.0.0.1", 6001),
            new InetSocketAddress("127.0.0.1", 6002), new InetSocketAddress("127.0.0.1", 6003));

    /** Every buffer the engine allocated, to count them and to see each one freed. */
    private final List<ByteBuf> allocated = new ArrayList<>();
    private final ByteBufAllocator counting = new AbstractByteBufAllocator(false) {
        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf buf = Unpooled.buffer(initialCapacity, maxCapacity);
            allocated.add(buf);
            return buf;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf buf = Unpooled.directBuffer(initialCapacity, maxCapacity);
            allocated.add(buf);
            return buf;
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    };
    private final RecordingSender recorded = new RecordingSender();
    private final RelayEngine engine = new RelayEngine(new RelayConfig(7, 500, 5000, 64, 200, 100, 100, null),
            new DatagramSender() {
                @Override
                public ByteBufAllocator allocator() {
                    return counting;
                }

                @Override
                public void send(ByteBuf content, InetSocketAddress recipient) {
                    recorded.send(content, recipient);
                }

                @Override
                public void flush() {
                    recorded.flush();
                }
            }, new RelayCounters());
    private long nowNs = TimeUnit.SECONDS.toNanos(100);

    @AfterEach
    void close() {
        engine.close();
    }

    private void control(InetSocketAddress from, int requestId, ControlMessage message) {
        ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.buffer();
        buf.writeBytes(RecordingSender.controlDatagram(requestId, message));
        engine.onDatagram(buf, from, nowNs);
        buf.release();
    }

    @Test
    void aChangeTo3Subscribers_andItsRepeats_areOneEncoding_sentAsTheSameBytesTheOwnEncodingWouldBe() {
        control(PUBLISHER, 1, new ControlMessage.Hello(1, 500));
        control(PUBLISHER, 2, new ControlMessage.Publish("show", List.of(AUDIO)));
        for (InetSocketAddress viewer : VIEWERS) {
            control(viewer, 1, new ControlMessage.Hello(viewer.getPort(), 500));
            control(viewer, 2, new ControlMessage.Subscribe("show", 0, 0));
        }
        recorded.drain();
        allocated.clear();

        control(PUBLISHER, 3, new ControlMessage.Leave("show"));
        assertEquals(1, allocated.size(), "one encoding for the three subscribers");
        for (int tick = 0; tick < 100; tick++) {
            nowNs += TimeUnit.MILLISECONDS.toNanos(20);
            engine.onTick(nowNs);
        }
        assertEquals(1, allocated.size(), "none for the repeats");

        byte[] expected = RecordingSender.controlDatagram(0, new ControlMessage.StreamInfo("show", List.of()));
        for (InetSocketAddress viewer : VIEWERS) {
            List<RecordingSender.Sent> got = recorded.to(viewer);
            assertEquals(4, got.size(), "the announcement and its three repeats");
            for (RecordingSender.Sent sent : got) {
                assertArrayEquals(expected, sent.bytes(), "the bytes a per-subscriber encoding made");
            }
        }
        assertEquals(0, allocated.get(0).refCnt(), "freed after the last repeat");
    }

    @Test
    void aChangeWhileNoOneSubscribes_endsTheRepeatsOfTheOldTracks_soALaterSubscriberIsNotToldThem() {
        control(PUBLISHER, 1, new ControlMessage.Hello(1, 500));
        control(PUBLISHER, 2, new ControlMessage.Publish("show", List.of(AUDIO)));
        InetSocketAddress first = VIEWERS.get(0);
        control(first, 1, new ControlMessage.Hello(first.getPort(), 500));
        control(first, 2, new ControlMessage.Subscribe("show", 0, 0));
        control(PUBLISHER, 3, new ControlMessage.Publish("show", List.of(AUDIO, VIDEO))); // announced, repeats due
        control(first, 3, new ControlMessage.Leave("show"));
        control(PUBLISHER, 4, new ControlMessage.Publish("show", List.of(AUDIO))); // no one to tell
        InetSocketAddress later = VIEWERS.get(1);
        control(later, 1, new ControlMessage.Hello(later.getPort(), 500));
        control(later, 2, new ControlMessage.Subscribe("show", 0, 0)); // its SUBSCRIBE_ACK names AUDIO
        recorded.drain();

        for (int tick = 0; tick < 100; tick++) {
            nowNs += TimeUnit.MILLISECONDS.toNanos(20);
            engine.onTick(nowNs);
        }

        byte[] withVideo = RecordingSender.controlDatagram(0, new ControlMessage.StreamInfo("show", List.of(AUDIO, VIDEO)));
        for (RecordingSender.Sent sent : recorded.to(later)) {
            assertFalse(Arrays.equals(withVideo, sent.bytes()), "told the tracks of a change before it subscribed");
        }
        for (ByteBuf buf : allocated) {
            assertEquals(0, buf.refCnt(), "every encoding freed");
        }
    }
}
