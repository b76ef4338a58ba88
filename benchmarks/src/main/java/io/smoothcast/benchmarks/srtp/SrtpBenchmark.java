package io.smoothcast.benchmarks.srtp;

import io.smoothcast.srtp.SrtpProfile;
import io.smoothcast.srtp.SrtpReceiver;
import io.smoothcast.srtp.SrtpSender;

import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

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
 * Cost of SRTP AES-128-GCM protect + unprotect of one RTP packet, against the floor of doing the
 * same AES-GCM seal and open directly with {@code javax.crypto} (fresh IV, header as AAD, same
 * sizes) without any SRTP bookkeeping. The ratio is the overhead of header parsing, index
 * estimation, replay windows and stream tables. Run with {@code -prof gc} for allocation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SrtpBenchmark {

    private static final int HEADER_BYTES = 12;

    @Param({"160", "1200"})
    public int payloadBytes;

    private final byte[] key = new byte[16];
    private final byte[] salt = new byte[12];
    private SrtpSender sender;
    private SrtpReceiver receiver;
    private byte[] template;
    private byte[] buffer;
    private int sequenceNumber;

    private Cipher sealCipher;
    private Cipher openCipher;
    private SecretKeySpec keySpec;
    private final byte[] iv = new byte[12];
    private long ivCounter;

    @Setup
    public void setUp() throws GeneralSecurityException {
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i + 1);
        }
        sender = SrtpSender.builder(SrtpProfile.AEAD_AES_128_GCM, key, salt).build();
        receiver = SrtpReceiver.builder(SrtpProfile.AEAD_AES_128_GCM, key, salt).build();
        template = new byte[HEADER_BYTES + payloadBytes];
        template[0] = (byte) 0x80;
        template[1] = 96;
        template[11] = 1;
        for (int i = HEADER_BYTES; i < template.length; i++) {
            template[i] = (byte) i;
        }
        buffer = new byte[template.length + 16];
        sealCipher = Cipher.getInstance("AES/GCM/NoPadding");
        openCipher = Cipher.getInstance("AES/GCM/NoPadding");
        keySpec = new SecretKeySpec(key, "AES");
    }

    /** SrtpSender.protectRtp then SrtpReceiver.unprotectRtp, in place, a new sequence number each time. */
    @Benchmark
    public int srtpProtectUnprotect() {
        System.arraycopy(template, 0, buffer, 0, template.length);
        int seq = sequenceNumber++ & 0xFFFF;
        buffer[2] = (byte) (seq >>> 8);
        buffer[3] = (byte) seq;
        int n = sender.protectRtp(buffer, 0, template.length);
        return receiver.unprotectRtp(buffer, 0, n);
    }

    /** The floor: the same copy, then AES-GCM seal and open through javax.crypto with a fresh IV. */
    @Benchmark
    public int jdkGcmSealOpen() throws GeneralSecurityException {
        System.arraycopy(template, 0, buffer, 0, template.length);
        long counter = ivCounter++;
        for (int i = 0; i < 8; i++) {
            iv[4 + i] = (byte) (counter >>> (56 - 8 * i));
        }
        sealCipher.init(Cipher.ENCRYPT_MODE, keySpec, new GCMParameterSpec(128, iv));
        sealCipher.updateAAD(buffer, 0, HEADER_BYTES);
        int sealed = HEADER_BYTES + sealCipher.doFinal(buffer, HEADER_BYTES, payloadBytes, buffer, HEADER_BYTES);
        openCipher.init(Cipher.DECRYPT_MODE, keySpec, new GCMParameterSpec(128, iv));
        openCipher.updateAAD(buffer, 0, HEADER_BYTES);
        return HEADER_BYTES + openCipher.doFinal(buffer, HEADER_BYTES, sealed - HEADER_BYTES, buffer, HEADER_BYTES);
    }
}
