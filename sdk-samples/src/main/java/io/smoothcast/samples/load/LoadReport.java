package io.smoothcast.samples.load;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The figures of a load test, and their JSON form.
 *
 * <p>Immutable records; thread-safe (the histogram is a private copy, read only).
 */
public final class LoadReport {

    private LoadReport() {
    }

    /**
     * What the synthetic viewers saw, totals since start.
     *
     * @param viewers viewers started
     * @param subscribed viewers subscribed right now
     * @param receiving viewers that got at least one RTP packet so far
     * @param packets RTP packets received
     * @param bytes RTP bytes received (UDP payload)
     * @param rtcpPackets RTCP packets received
     * @param lost RTP packets missing from the sequence numbers
     * @param frames frame starts received
     * @param freezes times a subscribed viewer got no new frame for the freeze threshold
     * @param errorReplies ERROR messages from the node
     * @param joinFailures joins that got no answer after all retransmissions
     * @param rejoins sessions the node forgot (NOT_JOINED) and that joined again
     * @param ioErrors socket errors (ICMP unreachable while the node is down, ...)
     * @param malformed datagrams that were neither control, RTP nor RTCP
     * @param latencyUs capture-to-arrival latency of frame starts, microseconds
     */
    public record Viewers(int viewers, long subscribed, long receiving, long packets, long bytes, long rtcpPackets, long lost,
            long frames, long freezes, long errorReplies, long joinFailures, long rejoins, long ioErrors,
            long malformed, Histogram latencyUs) {

        /** @return lost / (received + lost), 0 when nothing was expected */
        public double lossRatio() {
            long expected = packets + lost;
            return expected == 0 ? 0 : (double) lost / expected;
        }
    }

    /**
     * What the synthetic publishers did, totals since start.
     *
     * @param publishers publishers started
     * @param connected publishers connected right now
     * @param framesSent frames that left the broadcasters ({@link io.smoothcast.transport.BroadcasterStats#framesSent})
     * @param framesRefused frames refused (queue full or not connected)
     * @param packetsSent RTP packets sent, retransmissions included
     * @param bytesSent bytes sent
     */
    public record Publishers(int publishers, int connected, long framesSent, long framesRefused, long packetsSent,
            long bytesSent) {
    }

    /**
     * The summary of a run as a JSON-ready map: who took part, then two clearly separate
     * sections. {@code window} holds only what happened in the measurement window after the
     * ramp-up (rates, counts, loss, latency percentiles of the frames that arrived in it):
     * the figures that describe what the node held. {@code sinceStartIncludingRampUp} holds the
     * totals from the first publisher's start, ramp-up included (joins, early losses).
     *
     * @param node the node tested, as given
     * @param measuredSeconds the measurement window, seconds (after the ramp-up)
     * @param viewers the viewers' totals at the window's end
     * @param viewersAtStart the viewers' totals at the window's start
     * @param publishers the publishers' totals at the end
     * @param publishersAtStart the publishers' totals at the window's start
     * @return field name to value, in reading order
     */
    public static Map<String, Object> summary(String node, double measuredSeconds, Viewers viewers,
            Viewers viewersAtStart, Publishers publishers, Publishers publishersAtStart) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", node);
        m.put("publishers", publishers.publishers());
        m.put("publishersConnected", publishers.connected());
        m.put("viewers", viewers.viewers());
        m.put("viewersSubscribed", viewers.subscribed());
        m.put("viewersReceiving", viewers.receiving());

        double seconds = Math.max(measuredSeconds, 1e-3);
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("seconds", round(measuredSeconds));
        long packets = viewers.packets() - viewersAtStart.packets();
        long lost = viewers.lost() - viewersAtStart.lost();
        w.put("receivedPacketsPerSecond", round(packets / seconds));
        w.put("receivedBitsPerSecond", round(8.0 * (viewers.bytes() - viewersAtStart.bytes()) / seconds));
        w.put("sentFramesPerSecond", round((publishers.framesSent() - publishersAtStart.framesSent()) / seconds));
        w.put("sentPacketsPerSecond", round((publishers.packetsSent() - publishersAtStart.packetsSent()) / seconds));
        w.put("receivedPackets", packets);
        w.put("lostPackets", lost);
        w.put("lossPercent", round(packets + lost <= 0 ? 0 : 100.0 * lost / (packets + lost)));
        w.put("refusedFrames", publishers.framesRefused() - publishersAtStart.framesRefused());
        Histogram h = viewers.latencyUs().copy();
        h.subtract(viewersAtStart.latencyUs());
        putLatency(w, h);
        w.put("frames", viewers.frames() - viewersAtStart.frames());
        w.put("freezes", viewers.freezes() - viewersAtStart.freezes());
        w.put("errorReplies", viewers.errorReplies() - viewersAtStart.errorReplies());
        w.put("joinFailures", viewers.joinFailures() - viewersAtStart.joinFailures());
        w.put("rejoins", viewers.rejoins() - viewersAtStart.rejoins());
        w.put("socketErrors", viewers.ioErrors() - viewersAtStart.ioErrors());
        w.put("malformed", viewers.malformed() - viewersAtStart.malformed());
        m.put("window", w);

        Map<String, Object> t = new LinkedHashMap<>();
        t.put("sentFrames", publishers.framesSent());
        t.put("refusedFrames", publishers.framesRefused());
        t.put("sentPackets", publishers.packetsSent());
        t.put("receivedPackets", viewers.packets());
        t.put("lostPackets", viewers.lost());
        t.put("lossPercent", round(100 * viewers.lossRatio()));
        putLatency(t, viewers.latencyUs());
        t.put("frames", viewers.frames());
        t.put("freezes", viewers.freezes());
        t.put("errorReplies", viewers.errorReplies());
        t.put("joinFailures", viewers.joinFailures());
        t.put("rejoins", viewers.rejoins());
        t.put("socketErrors", viewers.ioErrors());
        t.put("malformed", viewers.malformed());
        m.put("sinceStartIncludingRampUp", t);
        return m;
    }

    private static void putLatency(Map<String, Object> m, Histogram h) {
        m.put("latencySamples", h.getTotalCount());
        m.put("latencyMsP50", latencyMs(h, 50));
        m.put("latencyMsP90", latencyMs(h, 90));
        m.put("latencyMsP99", latencyMs(h, 99));
        m.put("latencyMsMax", h.getTotalCount() == 0 ? null : round(h.getMaxValue() / 1000.0));
    }

    private static Double latencyMs(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? null : round(h.getValueAtPercentile(percentile) / 1000.0);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
