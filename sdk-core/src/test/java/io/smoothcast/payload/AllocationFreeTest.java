package io.smoothcast.payload;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The per-packet paths allocate nothing: measured with the JVM's per-thread allocation counter
 * over many packets after a warm-up. One allocation per packet would show as at least 16 bytes
 * times the packet count; the bound allows only the counter's own noise.
 */
class AllocationFreeTest {

    private static final int ROUNDS = 2_000;
    private static final long NOISE_BYTES = 4096;

    private final com.sun.management.ThreadMXBean threads = threadBean();

    private static com.sun.management.ThreadMXBean threadBean() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        return bean instanceof com.sun.management.ThreadMXBean ? (com.sun.management.ThreadMXBean) bean : null;
    }

    private long allocatedBytes() {
        return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void h264AndH265PacketizeDepacketizeAndInspect_allocateNothingPerPacket() {
        assumeTrue(threads != null && threads.isThreadAllocatedMemorySupported(),
                "this JVM cannot count allocated bytes per thread");
        SplittableRandom random = new SplittableRandom(99);
        List<byte[]> nals264 = new ArrayList<>();
        List<byte[]> nals265 = new ArrayList<>();
        nals264.add(NalUnits.h264(7, 3, 20, random));
        nals264.add(NalUnits.h264(8, 3, 5, random));
        nals264.add(NalUnits.firstSlice(NalUnits.h264(5, 3, 5000, random), 1, true));
        nals265.add(NalUnits.h265(32, 20, random));
        nals265.add(NalUnits.h265(33, 30, random));
        nals265.add(NalUnits.h265(34, 6, random));
        nals265.add(NalUnits.firstSlice(NalUnits.h265(19, 5000, random), 2, true));
        byte[] au264 = NalUnits.annexB(nals264, true);
        byte[] au265 = NalUnits.annexB(nals265, true);
        byte[] opus = NalUnits.bytes((31 << 3) | 3, 0x80 | 3, 1, 2, 0xA, 0xB, 0xB, 0xC, 0xC, 0xC);
        Workload workload = new Workload(au264, au265, opus);

        workload.run(ROUNDS); // warm-up: class loading, lazy initialisation, JIT
        long before = allocatedBytes();
        long packets = workload.run(ROUNDS);
        long allocated = allocatedBytes() - before;

        assertTrue(packets > 10 * ROUNDS, "the workload ran: " + packets + " packets");
        assertTrue(allocated < NOISE_BYTES, allocated + " bytes allocated for " + packets + " packets");
    }

    /** Packetizes, depacketizes and inspects fixed access units; every buffer is allocated here, once. */
    private static final class Workload {
        final byte[] au264;
        final byte[] au265;
        final byte[] opus;
        final H264Packetizer packetizer264 = H264Packetizer.builder().maxPayloadBytes(1200).build();
        final H265Packetizer packetizer265 = H265Packetizer.builder().maxPayloadBytes(1200).build();
        final H264Depacketizer depacketizer264 = new H264Depacketizer(64 * 1024);
        final H265Depacketizer depacketizer265 = new H265Depacketizer(64 * 1024);
        final OpusPacketizer opusPacketizer = new OpusPacketizer();
        final OpusDepacketizer opusDepacketizer = new OpusDepacketizer();
        final byte[] packet = new byte[1200];
        final byte[] out = new byte[64 * 1024];
        int sequence;
        long sink;

        Workload(byte[] au264, byte[] au265, byte[] opus) {
            this.au264 = au264;
            this.au265 = au265;
            this.opus = opus;
        }

        long run(int rounds) {
            long packets = 0;
            for (int r = 0; r < rounds; r++) {
                packetizer264.setAccessUnit(au264, 0, au264.length);
                while (packetizer264.hasNext()) {
                    int n = packetizer264.next(packet, 0);
                    sink += H264Keyframes.classifyPayload(packet, 0, n).ordinal();
                    sink += depacketizer264.depacketize(sequence++, packet, 0, n, out, 0);
                    packets++;
                }
                packetizer265.setAccessUnit(au265, 0, au265.length);
                while (packetizer265.hasNext()) {
                    int n = packetizer265.next(packet, 0);
                    sink += depacketizer265.depacketize(sequence++, packet, 0, n, out, 0);
                    packets++;
                }
                sink += H264Keyframes.classifyAccessUnit(au264, 0, au264.length).ordinal();
                sink += H265Keyframes.classifyAccessUnit(au265, 0, au265.length).ordinal();
                sink += AccessUnitSplitter.forH264().findAccessUnitEnd(au264, 0, au264.length);
                sink += opusPacketizer.packetize(opus, 0, opus.length, packet, 0);
                sink += opusDepacketizer.depacketize(packet, 0, opus.length, out, 0);
                packets++;
            }
            return packets;
        }
    }
}
