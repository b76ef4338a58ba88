package io.smoothcast.benchmarks.rtp;

import io.smoothcast.rtp.NtpTime;
import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtcpCompoundReader;
import io.smoothcast.rtp.RtcpPacketType;
import io.smoothcast.rtp.RtcpReportWriter;
import io.smoothcast.rtp.RtpHeaderExtensionIds;
import io.smoothcast.rtp.RtpPacketView;
import io.smoothcast.rtp.RtpPacketWriter;
import io.smoothcast.rtp.RtcpWriter;
import io.smoothcast.rtp.TransportCcFeedbackView;
import io.smoothcast.rtp.TransportCcFeedbackWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
 * The wire-format hot paths: parse and serialise an RTP packet carrying the two Smoothcast header
 * extensions (transport-wide sequence number and abs-capture-time), and iterate a compound RTCP
 * packet (RR, SDES, transport-cc feedback of 100 packets) walking every status and delta.
 *
 * <p>Baselines, measured in the same run: {@link ObjectRtpCodec}, the same codec written the
 * common Java way ({@link ByteBuffer}, one object per parsed packet, a map of extensions).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar RtpCodecBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RtpCodecBenchmark {

    private static final int TWCC_ID = RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID;
    private static final int CAPTURE_ID = RtpHeaderExtensionIds.DEFAULT_ABSOLUTE_CAPTURE_TIME_ID;

    /** Payload size: an audio frame (160 B) or a full video packet (1200 B). */
    @Param({"160", "1200"})
    public int payloadBytes;

    private final RtpPacketView view = new RtpPacketView();
    private final RtpPacketWriter writer = new RtpPacketWriter();
    private final RtcpCompoundReader rtcpReader = new RtcpCompoundReader();
    private final TransportCcFeedbackView feedbackView = new TransportCcFeedbackView();

    private byte[] payload;
    private byte[] packet;
    private int packetLength;
    private byte[] out;
    private ByteBuffer outBuffer;
    private byte[] compound;
    private int compoundLength;
    private int sequenceNumber;
    private long captureTimeNtp;

    @Setup
    public void setUp() {
        payload = new byte[payloadBytes];
        packet = new byte[1500];
        out = new byte[1500];
        outBuffer = ByteBuffer.wrap(out);
        captureTimeNtp = NtpTime.fromUnixNanos(1_700_000_000_000_000_000L);
        packetLength = writer.reset().payloadType(96).marker(true).sequenceNumber(4711).timestamp(90_000).ssrc(0x11223344)
            .addTransportSequenceNumber(TWCC_ID, 1234).addAbsoluteCaptureTime(CAPTURE_ID, captureTimeNtp)
            .write(packet, 0, packet.length, payload, 0, payload.length);

        compound = new byte[1500];
        int p = new RtcpReportWriter().startReceiverReport(0x55667788)
            .addReportBlock(0x11223344, 3, 10, 70_000, 42, 0x12345678, 0x8000).write(compound, 0, compound.length);
        byte[] cname = "viewer@smoothcast".getBytes(StandardCharsets.UTF_8);
        p += RtcpWriter.writeSdesCname(compound, p, compound.length - p, 0x55667788, cname, 0, cname.length);
        TransportCcFeedbackWriter feedback = new TransportCcFeedbackWriter(100);
        feedback.reset(0x55667788, 0x11223344, 65500, 9);
        long arrivalUs = 10_000_000;
        for (int i = 0; i < 100; i++) {
            if (i % 17 == 5) {
                feedback.addLost();
            } else {
                arrivalUs += i % 23 == 0 ? 90_000 : 1_000 + (i % 7) * 300; // mostly small, some large deltas
                feedback.addReceived(arrivalUs);
            }
        }
        p += feedback.write(compound, p, compound.length - p);
        compoundLength = p;
        if (rtcpReader.wrap(compound, 0, compoundLength) != ParseStatus.OK) {
            throw new IllegalStateException("benchmark compound is malformed");
        }
    }

    /** Parse: validate the packet and read the fields a receiver needs, both extensions included. */
    @Benchmark
    public long parseRtp() {
        if (view.wrap(packet, 0, packetLength) != ParseStatus.OK) {
            return -1;
        }
        return view.sequenceNumber() + view.timestamp() + view.ssrc() + view.payloadLength()
            + view.transportSequenceNumber(TWCC_ID) + view.absoluteCaptureTimeNtp(CAPTURE_ID);
    }

    /** Baseline parse: the same reads through {@link ObjectRtpCodec}. */
    @Benchmark
    public long parseRtpBaseline() {
        ObjectRtpCodec.Packet parsed = ObjectRtpCodec.parse(packet, 0, packetLength);
        if (parsed == null) {
            return -1;
        }
        byte[] tw = parsed.extensions.get(TWCC_ID);
        byte[] capture = parsed.extensions.get(CAPTURE_ID);
        return parsed.sequenceNumber + parsed.timestamp + parsed.ssrc + parsed.payloadLength
            + (((tw[0] & 0xFF) << 8) | (tw[1] & 0xFF)) + ByteBuffer.wrap(capture).getLong();
    }

    /** Serialise: header, both extensions and payload, as a sender does per packet. */
    @Benchmark
    public int serializeRtp() {
        int seq = sequenceNumber = (sequenceNumber + 1) & 0xFFFF;
        return writer.reset().payloadType(96).marker(false).sequenceNumber(seq).timestamp(seq * 3000).ssrc(0x11223344)
            .addTransportSequenceNumber(TWCC_ID, seq).addAbsoluteCaptureTime(CAPTURE_ID, captureTimeNtp + seq)
            .write(out, 0, out.length, payload, 0, payload.length);
    }

    /** Baseline serialise: the same packet through a {@link ByteBuffer}. */
    @Benchmark
    public int serializeRtpBaseline() {
        int seq = sequenceNumber = (sequenceNumber + 1) & 0xFFFF;
        return ObjectRtpCodec.write(outBuffer, false, 96, seq, seq * 3000, 0x11223344, TWCC_ID, seq,
            CAPTURE_ID, captureTimeNtp + seq, payload, 0, payload.length);
    }

    /** Iterate the compound RTCP packet and walk every status and delta of its 100-packet transport-cc feedback. */
    @Benchmark
    public long iterateRtcpWithTransportCc() {
        long sum = 0;
        rtcpReader.wrap(compound, 0, compoundLength);
        while (rtcpReader.next()) {
            if (rtcpReader.packetType() == RtcpPacketType.TRANSPORT_FEEDBACK
                && rtcpReader.format() == RtcpPacketType.FMT_TRANSPORT_CC
                && feedbackView.wrap(rtcpReader.buffer(), rtcpReader.packetOffset(), rtcpReader.packetLength()) == ParseStatus.OK) {
                while (feedbackView.nextPacket()) {
                    sum += feedbackView.packetReceived() ? feedbackView.packetArrivalTimeUs() : feedbackView.packetSequenceNumber();
                }
            } else {
                sum += rtcpReader.packetLength();
            }
        }
        return sum;
    }
}
