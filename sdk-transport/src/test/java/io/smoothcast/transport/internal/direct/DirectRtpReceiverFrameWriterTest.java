package io.smoothcast.transport.internal.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smoothcast.jitter.BorrowedFrames;
import io.smoothcast.payload.H264Depacketizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** {@link DirectRtpReceiver#writeFrame} on a frame whose packets were borrowed, each in its own array. */
class DirectRtpReceiverFrameWriterTest {

    private static final int FU_A_INDICATOR = 0x60 | 28;

    @Test
    void aFrameOfBorrowedPackets_isDepacketizedFromEachPacketsOwnArray() throws IOException {
        byte[][] payloads = {
            {0x67, 0x42, (byte) 0xC0, 0x1E}, // SPS
            {0x68, (byte) 0xCE, 0x3C, (byte) 0x80}, // PPS
            {FU_A_INDICATOR, (byte) (0x80 | 5), (byte) 0x88, (byte) 0x84}, // IDR slice, first fragment
            {FU_A_INDICATOR, 0x40 | 5, 0x21, 0x43}, // and last
        };
        // what the same payloads depacketize to, read straight from their arrays
        H264Depacketizer reference = new H264Depacketizer();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        byte[] unit = new byte[256];
        for (int i = 0; i < payloads.length; i++) {
            expected.write(unit, 0, reference.depacketize(100 + i, payloads[i], 0, payloads[i].length, unit, 0));
        }
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (DirectRtpReceiver receiver = new DirectRtpReceiver(new InetSocketAddress(loopback, 0),
                new InetSocketAddress(loopback, 9), 96, 97, 0x0BAD_CAFE, 50, written)) {
            BorrowedFrames.play(frame -> {
                try {
                    receiver.writeFrame(frame);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, payloads);
            assertEquals(1, receiver.stats().framesWritten());
            assertEquals(0, receiver.stats().depacketizeErrors());
        }
        assertArrayEquals(expected.toByteArray(), written.toByteArray());
    }
}
