package io.smoothcast.benchmarks.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtcpNackView;
import io.smoothcast.rtp.RtpHeaderExtensionIds;
import io.smoothcast.rtp.RtpPacketWriter;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.DatagramSender;
import io.smoothcast.transport.internal.relay.RelayConfig;
import io.smoothcast.transport.internal.relay.RelayCounter;
import io.smoothcast.transport.internal.relay.RelayCounters;
import io.smoothcast.transport.internal.relay.RelayEngine;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A relay behind a lossy ingest, in virtual time: one {@link RelayEngine} (1024-packet cache, two
 * subscribers, a tick every 20 ms) gets 580 packets/s of 1100-byte video payloads for 120 s from
 * a publisher whose originals and RTX are dropped at random (seed 7); the publisher answers every
 * number the relay NACKs with one RTX after a fixed delay (the repair time). Prints, per run, the
 * numbers the relay asked for per lost packet, the source RTX it received and those it already
 * held (BENCHMARKS.md, "Relay ingest NACK retries and lossy ingest"). The counts are exact for
 * a given build (same seed); the CPU and allocation figures are the harness thread's, harness
 * included, and not a relay measurement.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.smoothcast.benchmarks.transport.IngestLossHarness [rounds=3] [repairMs...]
 * </pre>
 *
 * Each round runs loss 0 and 15 % with repairs after each given time (default 5 and 400 ms). Not thread-safe: one thread.
 */
public final class IngestLossHarness {

    private static final Track VIDEO = new Track(0x1000, 0x1001, 96, 97, MediaKind.VIDEO, 0, 90_000, 5_000_000);
    private static final InetSocketAddress PUBLISHER = new InetSocketAddress("127.0.0.1", 5000);
    private static final int PACKETS_PER_SECOND = 580;
    private static final int SECONDS = 120;
    private static final long TICK_NS = 20_000_000L;

    private final RelayCounters counters = new RelayCounters();
    private final NackCollector out = new NackCollector();
    private final RelayEngine engine = new RelayEngine(new RelayConfig(1, 500, 5000, 1024, 200, 100, 100, null), out, counters);
    private final SplittableRandom random = new SplittableRandom(7);
    private final byte[] payload = new byte[1100];
    private final byte[] packet = new byte[1500];
    private int transportSequence;

    private IngestLossHarness() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        long[] repairsMs = args.length > 1
                ? Arrays.stream(args, 1, args.length).mapToLong(Long::parseLong).toArray() : new long[] {5, 400};
        for (int round = 0; round < rounds; round++) {
            for (double loss : new double[] {0, 0.15}) {
                for (long repairMs : repairsMs) {
                    new IngestLossHarness().run(loss, repairMs);
                }
            }
        }
    }

    private void run(double loss, long repairMs) {
        long nowNs = 100_000_000_000L;
        control(PUBLISHER, 1, new ControlMessage.Hello(5000, 500), nowNs);
        control(PUBLISHER, 2, new ControlMessage.Publish("show", List.of(VIDEO)), nowNs);
        for (int v = 0; v < 2; v++) {
            InetSocketAddress viewer = new InetSocketAddress("127.0.0.1", 6000 + v);
            control(viewer, 1, new ControlMessage.Hello(6000 + v, 500), nowNs);
            control(viewer, 3, new ControlMessage.Subscribe("show", 2, 0), nowNs);
        }
        out.nacks.clear();
        long periodNs = 1_000_000_000L / PACKETS_PER_SECOND;
        int packets = PACKETS_PER_SECOND * SECONDS;
        long nextTickNs = nowNs;
        ArrayDeque<long[]> repairs = new ArrayDeque<>(); // {due time ns, sequence number}
        RtcpNackView nack = new RtcpNackView();
        int rtxSequence = 0;
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long threadId = Thread.currentThread().getId();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long alloc0 = threads.getThreadAllocatedBytes(threadId);
        long delivered = 0;
        for (int seq = 0; seq < packets; seq++) {
            nowNs += periodNs;
            while (!repairs.isEmpty() && repairs.peekFirst()[0] - nowNs <= 0) {
                long[] repair = repairs.pollFirst();
                if (random.nextDouble() >= loss) {
                    receive(rtx(rtxSequence++, (int) repair[1]), PUBLISHER, nowNs);
                    delivered++;
                }
            }
            if (nowNs - nextTickNs >= 0) {
                engine.onTick(nowNs);
                nextTickNs = nowNs + TICK_NS;
                for (byte[] sent : out.nacks) {
                    if (nack.wrap(sent, 0, sent.length) != ParseStatus.OK) {
                        continue;
                    }
                    for (int i = 0; i < nack.entryCount(); i++) {
                        for (int bit = -1; bit < 16; bit++) {
                            if (bit < 0 || (nack.lostBitmask(i) & (1 << bit)) != 0) {
                                repairs.addLast(new long[] {nowNs + repairMs * 1_000_000L, (nack.packetId(i) + bit + 1) & 0xFFFF});
                            }
                        }
                    }
                }
                out.nacks.clear();
            }
            if (random.nextDouble() >= loss) {
                receive(rtp(VIDEO.ssrc(), seq & 0xFFFF, 96, payload, payload.length), PUBLISHER, nowNs);
                delivered++;
            }
        }
        long cpuNs = threads.getCurrentThreadCpuTime() - cpu0;
        long allocated = threads.getThreadAllocatedBytes(threadId) - alloc0;
        long nacked = counters.get(RelayCounter.SOURCE_NACKED_PACKETS);
        System.out.printf("loss %.2f repair %d ms: %d ns cpu/datagram (harness included), %d B/datagram, "
                + "nackedPackets %d (%.2f per lost), rtxReceived %d alreadyHeld %d probesAlreadyHeld %d%n",
                loss, repairMs, cpuNs / delivered, allocated / delivered, nacked, nacked / Math.max(1.0, packets * loss),
                counters.get(RelayCounter.SOURCE_RTX_RECEIVED), counters.get(RelayCounter.SOURCE_RTX_ALREADY_HELD),
                counters.get(RelayCounter.SOURCE_PROBES_ALREADY_HELD));
        engine.close();
    }

    private void control(InetSocketAddress from, int requestId, ControlMessage message, long nowNs) {
        ByteBuf encoded = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, requestId, new byte[0], message);
        try {
            engine.onDatagram(encoded, from, nowNs);
        } finally {
            encoded.release();
        }
    }

    private void receive(byte[] datagram, InetSocketAddress from, long nowNs) {
        ByteBuf buf = Unpooled.wrappedBuffer(datagram);
        engine.onDatagram(buf, from, nowNs);
        buf.release();
    }

    private byte[] rtp(int ssrc, int seq, int payloadType, byte[] body, int bodyLength) {
        int length = new RtpPacketWriter().payloadType(payloadType).sequenceNumber(seq).timestamp(seq * 3000).ssrc(ssrc)
                .addTransportSequenceNumber(RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID, transportSequence++ & 0xFFFF)
                .write(packet, 0, packet.length, body, 0, bodyLength);
        return Arrays.copyOf(packet, length);
    }

    /** RFC 4588: the original sequence number in front of the original payload. */
    private byte[] rtx(int rtxSequenceNumber, int originalSequenceNumber) {
        byte[] body = new byte[payload.length + 2];
        body[0] = (byte) (originalSequenceNumber >>> 8);
        body[1] = (byte) originalSequenceNumber;
        System.arraycopy(payload, 0, body, 2, payload.length);
        return rtp(VIDEO.rtxSsrc(), rtxSequenceNumber & 0xFFFF, 97, body, body.length);
    }

    /** Keeps the NACKs the relay sends its publisher; drops everything else. */
    private static final class NackCollector implements DatagramSender {
        final List<byte[]> nacks = new ArrayList<>();

        @Override
        public ByteBufAllocator allocator() {
            return UnpooledByteBufAllocator.DEFAULT;
        }

        @Override
        public void send(ByteBuf content, InetSocketAddress recipient) {
            try {
                if (recipient.equals(PUBLISHER)) {
                    nacks.add(ByteBufUtil.getBytes(content));
                }
            } finally {
                content.release();
            }
        }

        @Override
        public void flush() {
        }
    }
}
