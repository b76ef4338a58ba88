package io.smoothcast.benchmarks.payload;

import io.smoothcast.payload.H264Depacketizer;
import io.smoothcast.payload.H264Packetizer;
import io.smoothcast.payload.internal.AnnexB;
import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * H.264 packetization cost for one 30-frame group of pictures at MTU 1200: a 30 KB keyframe
 * (SPS, PPS, IDR) and 29 predicted frames of 3 KB, as Annex-B access units.
 *
 * <p>{@code copyFloor} is the baseline: it moves the same bytes in the same MTU-sized chunks
 * from the access unit into a packet buffer and from there into an output buffer, with no
 * parsing at all. Any packetizer plus depacketizer that copies (ours does, into the caller's
 * packet and output buffers) does at least this work, so the ratio
 * {@code roundTrip / copyFloor} is the price of start-code scanning, headers and checks.
 *
 * <p>{@code scanNaive} is the baseline for {@code scanWordAtATime}: the obvious position-by-position
 * search for {@code 00 00 01} against the scan the packetizer uses, both counting every start code
 * of the group.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class NalPayloadBenchmark {

    private static final int MTU = 1200;
    private static final int FRAMES = 30;

    private byte[][] accessUnits;
    private final H264Packetizer packetizer = H264Packetizer.builder().maxPayloadBytes(MTU).build();
    private final H264Depacketizer depacketizer = new H264Depacketizer();
    private final byte[] packet = new byte[MTU];
    private final byte[] out = new byte[64 * 1024];
    private int sequence;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        accessUnits = new byte[FRAMES][];
        accessUnits[0] = annexB(random, new int[] {0x67, 0x68, 0x65}, new int[] {20, 6, 30_000});
        for (int i = 1; i < FRAMES; i++) {
            accessUnits[i] = annexB(random, new int[] {0x41}, new int[] {3_000});
        }
    }

    /** Packetize every access unit of the group and depacketize every packet. */
    @Benchmark
    public long roundTrip() {
        long bytes = 0;
        for (byte[] au : accessUnits) {
            packetizer.setAccessUnit(au, 0, au.length);
            while (packetizer.hasNext()) {
                int n = packetizer.next(packet, 0);
                bytes += depacketizer.depacketize(sequence++, packet, 0, n, out, 0);
            }
        }
        return bytes;
    }

    /** Packetize only. */
    @Benchmark
    public long packetizeOnly() {
        long bytes = 0;
        for (byte[] au : accessUnits) {
            packetizer.setAccessUnit(au, 0, au.length);
            while (packetizer.hasNext()) {
                bytes += packetizer.next(packet, 0);
            }
        }
        return bytes;
    }

    /** Baseline: the same bytes copied in MTU-sized chunks into a packet and out again, no parsing. */
    @Benchmark
    public long copyFloor() {
        long bytes = 0;
        for (byte[] au : accessUnits) {
            for (int at = 0; at < au.length; at += MTU) {
                int n = Math.min(MTU, au.length - at);
                System.arraycopy(au, at, packet, 0, n);
                System.arraycopy(packet, 0, out, 0, n);
                bytes += n;
            }
        }
        return bytes;
    }

    /** Baseline: every start code of the group found position by position. */
    @Benchmark
    public int scanNaive() {
        int found = 0;
        for (byte[] au : accessUnits) {
            for (int i = 0; i + 3 <= au.length; i++) {
                if (au[i] == 0 && au[i + 1] == 0 && au[i + 2] == 1) {
                    found++;
                }
            }
        }
        return found;
    }

    /** Every start code of the group found with the packetizer's scan. */
    @Benchmark
    public int scanWordAtATime() {
        int found = 0;
        for (byte[] au : accessUnits) {
            int at = AnnexB.findStartCode(au, 0, au.length);
            while (at >= 0) {
                found++;
                at = AnnexB.findStartCode(au, at + 3, au.length);
            }
        }
        return found;
    }

    /** Annex-B access unit of NAL units with the given headers and sizes; bodies carry emulation prevention. */
    private static byte[] annexB(SplittableRandom random, int[] headers, int[] sizes) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int n = 0; n < headers.length; n++) {
            stream.writeBytes(new byte[] {0, 0, 0, 1, (byte) headers[n]});
            int zeros = 0;
            for (int i = 1; i < sizes[n]; i++) {
                int b = random.nextInt(256);
                if (zeros >= 2 && b <= 3) {
                    stream.write(3); // emulation_prevention_three_byte, as an encoder writes it
                    zeros = 0;
                }
                if (i == sizes[n] - 1 && b == 0) {
                    b = 0x80; // rbsp_stop_one_bit: a NAL unit never ends with a zero byte
                }
                stream.write(b);
                zeros = b == 0 ? zeros + 1 : 0;
            }
        }
        return stream.toByteArray();
    }
}
