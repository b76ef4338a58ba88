package io.smoothcast.benchmarks.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.rtp.RtpHeaderExtensionIds;
import io.smoothcast.rtp.RtpPacketWriter;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.DatagramSender;
import io.smoothcast.transport.internal.relay.RelayConfig;
import io.smoothcast.transport.internal.relay.RelayCounters;
import io.smoothcast.transport.internal.relay.RelayEngine;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The relay's per-packet work for one incoming RTP packet fanned out to N subscribers, without
 * the sockets: classification, publisher and track lookup, transport-cc arrival recording, the
 * retransmission cache, and one {@code retainedDuplicate()} per subscriber handed to a sender
 * that releases it at once (where Netty would write it).
 *
 * <p>Baseline, same run: {@code bareFanOut}, the least any Netty relay does per packet (one
 * retained duplicate per subscriber to the same sender, no parsing, no lookup, no cache). The
 * ratio of the two is the cost of the relay logic on top of Netty's reference counting.
 *
 * <p>With {@code transportSequence} (the packet carries the transport-wide sequence number, as
 * the SDK's broadcaster sends it), the relay gives each subscriber its own header with its own
 * number in front of the shared payload and records the packet in that subscriber's congestion
 * controller; the fair baseline for that is {@code bareGatherFanOut} (a pooled header copy with a
 * 2-byte rewrite, a retained payload slice and a composite per subscriber, nothing else), and
 * {@code bareCopyFanOut} shows what copying the whole packet instead costs (one pooled copy per
 * subscriber with the rewrite). Without it the relay forwards duplicates, as {@code bareFanOut} does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// The leak detector is off: the benchmark is about the relay, not Netty's tracking.
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class RelayFanOutBenchmark {

    @Param({"200"})
    public int subscribers;

    @Param({"true", "false"})
    public boolean transportSequence;

    /** RTP header with the one-byte extension carrying the transport-wide sequence number. */
    private static final int HEADER_BYTES = 12 + 4 + 4;
    private static final InetSocketAddress PUBLISHER = new InetSocketAddress("127.0.0.1", 5000);
    private static final Track VIDEO = new Track(0x1000, 0x1001, 96, 97, MediaKind.VIDEO, 0, 90_000, 2_000_000);

    private RelayEngine engine;
    private ReleasingSender sender;
    private InetSocketAddress[] subscriberAddresses;
    private ByteBuf packet;
    private int sequenceNumber;
    private long nowNs = 1_000_000_000L;

    /** Releases what it is given, as Netty does after writing. */
    static final class ReleasingSender implements DatagramSender {
        long sent;

        @Override
        public ByteBufAllocator allocator() {
            return PooledByteBufAllocator.DEFAULT;
        }

        @Override
        public void send(ByteBuf content, InetSocketAddress recipient) {
            sent++;
            content.release();
        }

        @Override
        public void flush() {
        }
    }

    @Setup
    public void setUp() {
        sender = new ReleasingSender();
        engine = new RelayEngine(new RelayConfig(1, 500, 5000, 1024, 200, 100_000, 100_000, null),
                sender, new RelayCounters());
        control(PUBLISHER, new ControlMessage.Hello(1, 500));
        control(PUBLISHER, new ControlMessage.Publish("bench", List.of(VIDEO)));
        subscriberAddresses = new InetSocketAddress[subscribers];
        for (int i = 0; i < subscribers; i++) {
            subscriberAddresses[i] = new InetSocketAddress("127.0.0.1", 10_000 + i);
            control(subscriberAddresses[i], new ControlMessage.Hello(i, 500));
            control(subscriberAddresses[i], new ControlMessage.Subscribe("bench", 2, 0));
        }
        byte[] bytes = new byte[1300];
        RtpPacketWriter writer = new RtpPacketWriter().payloadType(96).ssrc(VIDEO.ssrc()).sequenceNumber(0)
                .timestamp(0);
        if (transportSequence) {
            writer.addTransportSequenceNumber(RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID, 0);
        }
        int length = writer.write(bytes, 0, bytes.length, new byte[1180], 0, 1180);
        packet = PooledByteBufAllocator.DEFAULT.directBuffer(length);
        packet.writeBytes(bytes, 0, length);
    }

    private void control(InetSocketAddress from, ControlMessage message) {
        ByteBuf buf = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, 1, new byte[0], message);
        engine.onDatagram(buf, from, nowNs);
        buf.release();
    }

    @TearDown
    public void tearDown() {
        engine.close();
        packet.release();
    }

    @Benchmark
    public long relayEngine() {
        sequenceNumber = (sequenceNumber + 1) & 0xFFFF;
        packet.setShort(2, sequenceNumber);
        if (transportSequence) {
            packet.setShort(17, sequenceNumber); // transport-wide sequence number
        }
        nowNs += 100_000;
        engine.onDatagram(packet, PUBLISHER, nowNs);
        return sender.sent;
    }

    @Benchmark
    public long bareFanOut() {
        InetSocketAddress[] to = subscriberAddresses;
        for (int i = 0; i < to.length; i++) {
            sender.send(packet.retainedDuplicate(), to[i]);
        }
        return sender.sent;
    }

    @Benchmark
    public long bareCopyFanOut() {
        InetSocketAddress[] to = subscriberAddresses;
        int length = packet.readableBytes();
        for (int i = 0; i < to.length; i++) {
            ByteBuf copy = sender.allocator().buffer(length);
            copy.writeBytes(packet, packet.readerIndex(), length);
            copy.setShort(17, i);
            sender.send(copy, to[i]);
        }
        return sender.sent;
    }

    /**
     * The least a gather-writing relay does per subscriber: a pooled copy of the RTP header with
     * a 2-byte rewrite, a retained slice of the shared payload, and a two-part composite.
     */
    @Benchmark
    public long bareGatherFanOut() {
        InetSocketAddress[] to = subscriberAddresses;
        int base = packet.readerIndex();
        int length = packet.readableBytes();
        int headerLength = HEADER_BYTES;
        ByteBufAllocator allocator = sender.allocator();
        for (int i = 0; i < to.length; i++) {
            ByteBuf header = allocator.directBuffer(headerLength);
            header.writeBytes(packet, base, headerLength);
            header.setShort(17, i);
            CompositeByteBuf datagram = allocator.compositeDirectBuffer(2);
            datagram.addComponents(true, header, packet.retainedSlice(base + headerLength, length - headerLength));
            sender.send(datagram, to[i]);
        }
        return sender.sent;
    }
}
