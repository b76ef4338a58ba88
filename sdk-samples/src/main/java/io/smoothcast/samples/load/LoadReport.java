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
     * @param framesSent frames the broadcasters accepted
     * @param framesRefused frames refused (queue full or not connected)
     * @param packetsSent RTP packets sent, retransmissions included
     * @param bytesSent bytes sent
     */
    public record Publishers(int publishers, int connected, long framesSent, long framesRefused, long packetsSent,
            long bytesSent) {
    }

    /**
     * The summary of a run as a JSON-ready map.
     *
     * @param node the node tested, as given
     * @param measuredSeconds the measurement window, seconds (after the ramp-up)
     * @param viewers the viewers' totals at the window's end
     * @param viewersAtStart the viewers' totals at the window's start
     * @param publishers the publishers' totals at the end
     * @return field name to value, in reading order
     */
    public static Map<String, Object> summary(String node, double measuredSeconds, Viewers viewers,
            Viewers viewersAtStart, Publishers publishers) {
        Map<String, Object> m = new LinkedHashMap<>();
        double seconds = Math.max(measuredSeconds, 1e-3);
        m.put("node", node);
        m.put("measuredSeconds", round(measuredSeconds));
        m.put("publishers", publishers.publishers());
        m.put("publishersConnected", publishers.connected());
        m.put("viewers", viewers.viewers());
        m.put("viewersSubscribed", viewers.subscribed());
        m.put("viewersReceiving", viewers.receiving());
        m.put("receivedPacketsPerSecond", round((viewers.packets() - viewersAtStart.packets()) / seconds));
        m.put("receivedBitsPerSecond", round(8.0 * (viewers.bytes() - viewersAtStart.bytes()) / seconds));
        m.put("sentFrames", publishers.framesSent());
        m.put("refusedFrames", publishers.framesRefused());
        m.put("sentPackets", publishers.packetsSent());
        m.put("receivedPackets", viewers.packets());
        m.put("lostPackets", viewers.lost());
        m.put("lossPercent", round(100 * viewers.lossRatio()));
        Histogram h = viewers.latencyUs();
        m.put("latencySamples", h.getTotalCount());
        m.put("latencyMsP50", latencyMs(h, 50));
        m.put("latencyMsP90", latencyMs(h, 90));
        m.put("latencyMsP99", latencyMs(h, 99));
        m.put("latencyMsMax", h.getTotalCount() == 0 ? null : round(h.getMaxValue() / 1000.0));
        m.put("frames", viewers.frames());
        m.put("freezes", viewers.freezes());
        m.put("errorReplies", viewers.errorReplies());
        m.put("joinFailures", viewers.joinFailures());
        m.put("rejoins", viewers.rejoins());
        m.put("socketErrors", viewers.ioErrors());
        m.put("malformed", viewers.malformed());
        return m;
    }

    private static Double latencyMs(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? null : round(h.getValueAtPercentile(percentile) / 1000.0);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
