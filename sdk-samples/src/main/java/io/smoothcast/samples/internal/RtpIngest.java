package io.smoothcast.samples.internal;

import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtpPacketView;
import io.smoothcast.rtp.TimestampUnwrapper;
import io.smoothcast.transport.Broadcaster;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How a plain RTP sender (ffmpeg's {@code -f rtp}, GStreamer's {@code rtph264pay ! udpsink})
 * enters Smoothcast: a UDP port that takes RTP H.264 (RFC 6184) and Opus (RFC 7587), tells the
 * streams apart by payload type, rebuilds whole frames (H.264 access units through
 * {@link H264FrameAssembler}, one Opus packet per audio frame) and publishes them through a
 * {@link Broadcaster}, which then paces, repairs and adapts them like any other Smoothcast stream.
 * RTP timestamps become capture times on this machine's clock (the first frame of a stream is
 * "now"). RTCP and unknown payload types are counted and dropped; the sender gets no feedback.
 *
 * <p>Thread-safe: one reading thread per ingest; counters may be read from any thread.
 */
public final class RtpIngest implements AutoCloseable {

    private static final int H264_CLOCK_HZ = 90_000;
    private static final int OPUS_CLOCK_HZ = 48_000;

    private final DatagramSocket socket;
    private final Broadcaster broadcaster;
    private final int videoPayloadType;
    private final int audioPayloadType;
    private final H264FrameAssembler video;
    private final MediaClock videoClock = new MediaClock(H264_CLOCK_HZ);
    private final MediaClock audioClock = new MediaClock(OPUS_CLOCK_HZ);
    private final AtomicLong packets = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong otherPayloadTypes = new AtomicLong();
    private final AtomicLong videoFrames = new AtomicLong();
    private final AtomicLong audioFrames = new AtomicLong();
    private final AtomicLong framesRefused = new AtomicLong();
    private volatile boolean running;
    private Thread thread;

    /**
     * @param socket a bound socket; the ingest owns it from now on
     * @param broadcaster a started broadcaster (with audio enabled if Opus is expected)
     * @param videoPayloadType RTP payload type of H.264
     * @param audioPayloadType RTP payload type of Opus
     */
    public RtpIngest(DatagramSocket socket, Broadcaster broadcaster, int videoPayloadType, int audioPayloadType) {
        this.socket = socket;
        this.broadcaster = broadcaster;
        this.videoPayloadType = videoPayloadType;
        this.audioPayloadType = audioPayloadType;
        this.video = new H264FrameAssembler((au, length, rtpTimestamp, keyframe) -> {
            if (broadcaster.sendVideo(au, 0, length, videoClock.captureTimeNs(rtpTimestamp), keyframe)) {
                videoFrames.incrementAndGet();
            } else {
                framesRefused.incrementAndGet();
            }
        });
    }

    /** Starts the reading thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread = new Thread(this::receive, "rtp-ingest");
        thread.setDaemon(true);
        thread.start();
    }

    private void receive() {
        byte[] buffer = new byte[2048];
        DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
        RtpPacketView rtp = new RtpPacketView();
        while (running) {
            try {
                datagram.setLength(buffer.length);
                socket.receive(datagram);
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                malformed.incrementAndGet();
                continue;
            }
            packets.incrementAndGet();
            int length = datagram.getLength();
            // RTCP (RFC 5761: second byte 192-223) and anything that is not RTP version 2
            if (length < 2 || (buffer[1] & 0xFF) >= 192 && (buffer[1] & 0xFF) <= 223
                    || rtp.wrap(buffer, 0, length) != ParseStatus.OK) {
                malformed.incrementAndGet();
                continue;
            }
            int pt = rtp.payloadType();
            if (pt == videoPayloadType) {
                videoClock.onSsrc(rtp.ssrc());
                video.onPacket(rtp.sequenceNumber(), rtp.timestamp(), rtp.marker(), buffer, rtp.payloadOffset(),
                        rtp.payloadLength());
            } else if (pt == audioPayloadType && rtp.payloadLength() > 0) {
                audioClock.onSsrc(rtp.ssrc());
                if (broadcaster.sendAudio(buffer, rtp.payloadOffset(), rtp.payloadLength(),
                        audioClock.captureTimeNs(rtp.timestamp()))) {
                    audioFrames.incrementAndGet();
                } else {
                    framesRefused.incrementAndGet();
                }
            } else {
                otherPayloadTypes.incrementAndGet();
            }
        }
    }

    /** @return the UDP port senders send to */
    public int port() {
        return socket.getLocalPort();
    }

    /** @return datagrams received */
    public long packets() {
        return packets.get();
    }

    /** @return datagrams that were not RTP (RTCP included) */
    public long malformed() {
        return malformed.get();
    }

    /** @return RTP packets of neither payload type */
    public long otherPayloadTypes() {
        return otherPayloadTypes.get();
    }

    /** @return H.264 access units published */
    public long videoFrames() {
        return videoFrames.get();
    }

    /** @return Opus frames published */
    public long audioFrames() {
        return audioFrames.get();
    }

    /** @return frames the broadcaster did not take (not connected yet, or its queue was full) */
    public long framesRefused() {
        return framesRefused.get();
    }

    /** @return H.264 access units dropped because packets were missing or malformed */
    public long videoFramesSpoiled() {
        return video.spoiledAccessUnits() + video.skippedWaitingForKeyframe();
    }

    /** Stops reading and closes the socket (not the broadcaster). */
    @Override
    public synchronized void close() {
        running = false;
        socket.close();
        if (thread != null) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Maps one stream's RTP timestamps onto {@link System#nanoTime()}; restarts when the SSRC changes. */
    private static final class MediaClock {
        private final int clockRateHz;
        private final TimestampUnwrapper unwrapper = new TimestampUnwrapper();
        private boolean started;
        private int ssrc;
        private long firstTimestamp;
        private long baseNs;

        MediaClock(int clockRateHz) {
            this.clockRateHz = clockRateHz;
        }

        void onSsrc(int newSsrc) {
            if (started && newSsrc != ssrc) {
                started = false;
                unwrapper.reset();
            }
            ssrc = newSsrc;
        }

        long captureTimeNs(int rtpTimestamp) {
            long unwrapped = unwrapper.unwrap(rtpTimestamp);
            if (!started) {
                started = true;
                firstTimestamp = unwrapped;
                baseNs = System.nanoTime();
            }
            return baseNs + (unwrapped - firstTimestamp) * 1_000_000_000L / clockRateHz;
        }
    }
}
