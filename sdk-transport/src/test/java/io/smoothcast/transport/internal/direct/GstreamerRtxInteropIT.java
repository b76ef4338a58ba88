package io.smoothcast.transport.internal.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop case 3: GStreamer sends H.264 over RTP through {@code rtprtxsend} and {@code rtpbin};
 * a forwarder drops every {@value #DROP_EVERY}th media packet on its way to our
 * {@link DirectRtpReceiver}, whose jitter buffer NACKs the gaps. GStreamer's rtpbin must turn
 * those NACKs into retransmission requests that {@code rtprtxsend} answers with RFC 4588 RTX,
 * the gaps must close, and what the receiver writes must decode in ffprobe.
 */
@Tag("interop")
class GstreamerRtxInteropIT {

    private static final int FRAMES = 90;
    private static final int DROP_EVERY = 40;
    private static final int PT = 96;
    private static final int RTX_PT = 97;
    private static final int SSRC = 0x2222_0001;
    private static final int RTX_SSRC = 0x2222_0002;

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void ourNacks_makeRtprtxsendRetransmit_andTheGapsClose() throws Exception {
        assumeTrue(InteropProcess.available("gst-launch-1.0", "ffprobe", "timeout"),
                "GStreamer (gst-launch-1.0), ffprobe and timeout are needed (see shared INTEROP.md)");
        InetAddress loopback = InetAddress.getLoopbackAddress();
        int gstRtcpPort = InteropProcess.freeUdpPort();
        Path received = dir.resolve("received.h264");
        long forwarded;
        long dropped;
        String gst;
        DirectRtpReceiverStats stats;
        try (DroppingForwarder forwarder = new DroppingForwarder(PT, DROP_EVERY);
                OutputStream file = new BufferedOutputStream(Files.newOutputStream(received));
                DirectRtpReceiver receiver = new DirectRtpReceiver(new InetSocketAddress(loopback, 0),
                        new InetSocketAddress(loopback, gstRtcpPort), PT, RTX_PT, 0x3333_0001, 300, file)) {
            String ssrcMap = "application/x-rtp-ssrc-map," + Integer.toUnsignedString(SSRC) + "=(uint)"
                    + Integer.toUnsignedString(RTX_SSRC);
            List<String> senderCommand = List.of("timeout", "30", "gst-launch-1.0", "-e",
                    "rtpbin", "name=b", "rtp-profile=avpf",
                    "videotestsrc", "is-live=true", "num-buffers=" + FRAMES, "!",
                    "video/x-raw,width=320,height=240,framerate=30/1", "!", "openh264enc", "gop-size=30",
                    "bitrate=600000", "!", "h264parse", "!", "rtph264pay", "pt=" + PT, "ssrc=" + Integer.toUnsignedString(SSRC),
                    "config-interval=-1", "mtu=1100", "!",
                    "rtprtxsend", "payload-type-map=application/x-rtp-pt-map," + PT + "=(uint)" + RTX_PT,
                    "ssrc-map=" + ssrcMap, "max-size-time=2000", "!", "b.send_rtp_sink_0",
                    "b.send_rtp_src_0", "!", "udpsink", "host=127.0.0.1",
                    "port=" + forwarder.localAddress().getPort(), "sync=false", "async=false",
                    "udpsrc", "address=127.0.0.1", "port=" + gstRtcpPort, "!", "b.recv_rtcp_sink_0",
                    "b.send_rtcp_src_0", "!", "fakesink", "sync=false", "async=false");
            try (InteropProcess sender = InteropProcess.start(dir.resolve("gst-sender.log"), Map.of(), senderCommand)) {
                InetSocketAddress target = receiver.localAddress();
                // Until the sender has exited (timeout ends it after 30 s at most): only then can
                // no retransmission come any more. (Waiting for 1.5 s without a datagram instead
                // gave up on a sender starved of CPU while it still had NACKs to answer.)
                long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(35);
                boolean senderRunning = true;
                while (senderRunning && System.nanoTime() - deadlineNs < 0) {
                    senderRunning = sender.isRunning();
                    long nowNs = System.nanoTime();
                    forwarder.pump(target); // after the exit check: all the sender ever sent
                    receiver.poll(nowNs);
                    LockSupport.parkNanos(1_000_000); // a 1 ms tick: real-time media, not waiting for a condition
                }
                assertTrue(!senderRunning, "the sender did not end within 35 s");
                long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
                while (System.nanoTime() - endNs < 0) {
                    receiver.poll(System.nanoTime()); // play out what the jitter buffer still holds
                    LockSupport.parkNanos(1_000_000);
                }
                stats = receiver.stats();
                forwarded = forwarder.forwarded();
                dropped = forwarder.dropped();
                gst = sender.log();
            }
        }
        String summary = stats + " forwarded=" + forwarded + " dropped=" + dropped;
        System.out.println("interop case 3: " + summary);
        assertTrue(dropped > 0, "the forwarder dropped nothing: " + summary + "\n" + gst);
        assertTrue(stats.nacksSent() > 0, "no NACK was sent: " + summary);
        assertTrue(stats.rtxReceived() >= dropped - 1, "gaps stayed open (RTX < drops): " + summary + "\n" + gst);
        assertEquals(0, stats.malformed(), summary);

        InteropProcess.DecodedVideo video = InteropProcess.ffprobe(dir, received);
        assertEquals("h264", video.codec(), video.probeOutput());
        int decoded = video.frames();
        System.out.println("interop case 3: ffprobe decoded " + decoded + " of " + FRAMES + " frames");
        assertTrue(decoded >= FRAMES - 5, "decoded " + decoded + " of " + FRAMES + ": " + summary);
    }
}
