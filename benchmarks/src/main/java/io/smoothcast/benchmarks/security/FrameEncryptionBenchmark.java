package io.smoothcast.benchmarks.security;

import io.smoothcast.security.SframeCipherSuite;
import io.smoothcast.security.SframeDecryptor;
import io.smoothcast.security.SframeEncryptor;
import io.smoothcast.srtp.SrtpProfile;
import io.smoothcast.srtp.SrtpReceiver;
import io.smoothcast.srtp.SrtpSender;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of end-to-end frame encryption as the clients do it: SFrame (RFC 9605, AES-128-GCM) seal
 * at the broadcaster plus open at the viewer (header, replay window, HKDF-derived key) for one
 * frame of {@code packets} RTP packets of 1,100 payload bytes. The baseline, measured in the same
 * run, is what hop-by-hop SRTP (RFC 7714, AES-128-GCM) costs for the same bytes on one leg:
 * protect plus unprotect of every packet. Divide a score by {@code packets} for ns per packet.
 * Run with {@code -prof gc} for allocation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameEncryptionBenchmark {

    private static final int PACKET_PAYLOAD_BYTES = 1100;
    private static final int RTP_HEADER_BYTES = 12;

    /** Packets per frame: 1 (audio, small video deltas) or 10 (an 11 KB video frame). */
    @Param({"1", "10"})
    public int packets;

    private SframeEncryptor encryptor;
    private SframeDecryptor decryptor;
    private byte[] frame;
    private byte[] sealed;
    private byte[] opened;

    private SrtpSender srtpSender;
    private SrtpReceiver srtpReceiver;
    private byte[] rtpTemplate;
    private byte[] rtpBuffer;
    private int sequenceNumber;

    @Setup
    public void setUp() {
        byte[] baseKey = new byte[16];
        for (int i = 0; i < baseKey.length; i++) {
            baseKey[i] = (byte) (i * 7 + 1);
        }
        encryptor = new SframeEncryptor(SframeCipherSuite.AES_128_GCM_SHA256_128, 1, baseKey,
                SframeEncryptor.wallClockFirstCounter(1_800_000_000_000L));
        decryptor = new SframeDecryptor(SframeCipherSuite.AES_128_GCM_SHA256_128,
                SframeDecryptor.DEFAULT_REPLAY_WINDOW_FRAMES);
        decryptor.addKey(1, baseKey);
        frame = new byte[packets * PACKET_PAYLOAD_BYTES];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) i;
        }
        sealed = new byte[frame.length + SframeEncryptor.MAX_OVERHEAD_BYTES];
        opened = new byte[sealed.length];

        byte[] masterKey = new byte[16];
        byte[] masterSalt = new byte[12];
        masterKey[0] = 1;
        srtpSender = SrtpSender.builder(SrtpProfile.AEAD_AES_128_GCM, masterKey, masterSalt).build();
        srtpReceiver = SrtpReceiver.builder(SrtpProfile.AEAD_AES_128_GCM, masterKey, masterSalt).build();
        rtpTemplate = new byte[RTP_HEADER_BYTES + PACKET_PAYLOAD_BYTES];
        rtpTemplate[0] = (byte) 0x80;
        rtpTemplate[1] = 96;
        rtpTemplate[11] = 1;
        rtpBuffer = new byte[rtpTemplate.length + 16];
    }

    /** SFrame: seal the whole frame once, open it once (every packet's share of it). */
    @Benchmark
    public int sframeSealOpen() {
        int n = encryptor.encrypt(frame, 0, frame.length, null, sealed, 0, sealed.length);
        return decryptor.decrypt(sealed, 0, n, null, opened, 0, opened.length);
    }

    /** Baseline: SRTP protect and unprotect of each of the frame's packets (one leg). */
    @Benchmark
    public int srtpPerPacket() {
        int total = 0;
        for (int p = 0; p < packets; p++) {
            System.arraycopy(rtpTemplate, 0, rtpBuffer, 0, rtpTemplate.length);
            System.arraycopy(frame, p * PACKET_PAYLOAD_BYTES, rtpBuffer, RTP_HEADER_BYTES, PACKET_PAYLOAD_BYTES);
            int seq = sequenceNumber++ & 0xFFFF;
            rtpBuffer[2] = (byte) (seq >>> 8);
            rtpBuffer[3] = (byte) seq;
            int n = srtpSender.protectRtp(rtpBuffer, 0, rtpTemplate.length);
            total += srtpReceiver.unprotectRtp(rtpBuffer, 0, n);
        }
        return total;
    }
}
