package io.smoothcast.transport.internal.probe;

import io.netty.buffer.ByteBuf;
import io.smoothcast.transport.NodeInfo;
import io.smoothcast.transport.internal.DatagramKind;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.netty.DatagramReceiver;
import io.smoothcast.transport.internal.netty.DatagramSender;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures many nodes at once from one socket (PROTOCOL.md: PROBE, LOAD_REQUEST,
 * MEMBERS_REQUEST). Per node: a train of large probes sent back to back at the start (the spread
 * of their replies' arrivals gives the bottleneck bandwidth, as packet-train probing does), a
 * load request, and small pings at a fixed interval (round-trip time, jitter, loss).
 *
 * <p>Not thread-safe: the I/O thread only; results are read after {@link #isDone} turned true on
 * that thread.
 */
public final class ProbeEngine implements DatagramReceiver {

    /** Sequence numbers from here on mark train probes; below, pings. */
    static final int TRAIN_SEQUENCE_BASE = 1 << 20;
    private static final byte[] NO_TOKEN = new byte[0];

    /** What was measured for one node. */
    public static final class Measurement {
        /** Round-trip time of each ping, in ns; -1 if unanswered. */
        public final long[] pingRttNs;
        /** Train replies received. */
        public int trainReplies;
        /** Arrival of the first and last train reply, in ns. */
        public long firstTrainReplyNs;
        /** Arrival of the last train reply, in ns. */
        public long lastTrainReplyNs;
        /** The node's load report, or null. */
        public ControlMessage.LoadReport load;
        /** The node's member list, or null. */
        public List<NodeInfo> members;

        Measurement(int pings) {
            pingRttNs = new long[pings];
            Arrays.fill(pingRttNs, -1);
        }
    }

    private final DatagramSender out;
    private final List<InetSocketAddress> nodes;
    private final Map<InetSocketAddress, Measurement> byNode = new HashMap<>();
    private final List<Measurement> measurements = new ArrayList<>();
    private final int pings;
    private final long pingIntervalNs;
    private final int trainPackets;
    private final int trainPacketBytes;
    private final long replyWaitNs;
    private final boolean askMembers;
    private int pingsSent;
    private long startNs;
    private long nextPingNs;
    private boolean done;
    private long malformed;

    /**
     * @param out where datagrams go
     * @param nodes the nodes to measure
     * @param pings pings per node
     * @param pingIntervalNs time between pings, in ns
     * @param trainPackets probes in each node's train (0 = no bandwidth estimate)
     * @param trainPacketBytes size of each train probe datagram, in bytes
     * @param replyWaitNs how long to wait for replies after the last ping, in ns
     * @param askMembers whether to send each node a MEMBERS_REQUEST too
     */
    public ProbeEngine(DatagramSender out, List<InetSocketAddress> nodes, int pings, long pingIntervalNs,
            int trainPackets, int trainPacketBytes, long replyWaitNs, boolean askMembers) {
        this.out = out;
        this.nodes = List.copyOf(nodes);
        this.pings = pings;
        this.pingIntervalNs = pingIntervalNs;
        this.trainPackets = trainPackets;
        this.trainPacketBytes = trainPacketBytes;
        this.replyWaitNs = replyWaitNs;
        this.askMembers = askMembers;
        for (InetSocketAddress node : nodes) {
            Measurement m = new Measurement(pings);
            measurements.add(m);
            byNode.put(node, m);
        }
    }

    /** Sends the trains, load requests and first pings. */
    public void start(long nowNs) {
        startNs = nowNs;
        int padding = Math.max(ControlMessage.Probe.MIN_PADDING, trainPacketBytes - ControlCodec.HEADER_LENGTH - 12);
        for (InetSocketAddress node : nodes) {
            send(new ControlMessage.LoadRequest(), node);
            if (askMembers) {
                send(new ControlMessage.MembersRequest(ControlCodec.MAX_BODY_LENGTH), node);
            }
            for (int k = 0; k < trainPackets; k++) {
                send(new ControlMessage.Probe(TRAIN_SEQUENCE_BASE + k, nowNs, padding), node);
            }
        }
        out.flush();
        nextPingNs = nowNs;
        onTick(nowNs);
    }

    /** Sends due pings; decides when the probe is over. Call every few ms. */
    public void onTick(long nowNs) {
        if (done) {
            return;
        }
        if (pingsSent < pings && nowNs - nextPingNs >= 0) {
            for (InetSocketAddress node : nodes) {
                send(new ControlMessage.Probe(pingsSent, nowNs, ControlMessage.Probe.MIN_PADDING), node);
            }
            out.flush();
            pingsSent++;
            nextPingNs += pingIntervalNs;
        }
        long lastPingNs = startNs + (long) (pings - 1) * pingIntervalNs;
        if ((pingsSent == pings && nowNs - lastPingNs >= replyWaitNs) || allAnswered()) {
            done = true;
        }
    }

    private boolean allAnswered() {
        if (pingsSent < pings) {
            return false;
        }
        for (Measurement m : measurements) {
            if (m.trainReplies < trainPackets || m.load == null || (askMembers && m.members == null)) {
                return false;
            }
            for (long rtt : m.pingRttNs) {
                if (rtt < 0) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public void onDatagram(ByteBuf datagram, InetSocketAddress sender, long nowNs) {
        Measurement m = byNode.get(sender);
        if (m == null || DatagramKind.classify(datagram) != DatagramKind.CONTROL) {
            malformed++;
            return;
        }
        DecodeResult result = ControlCodec.decode(datagram);
        if (!result.ok()) {
            malformed++;
            return;
        }
        ControlMessage message = result.message();
        if (message instanceof ControlMessage.ProbeReply reply) {
            int sequence = reply.sequence();
            if (sequence >= TRAIN_SEQUENCE_BASE && sequence < TRAIN_SEQUENCE_BASE + trainPackets) {
                if (m.trainReplies == 0) {
                    m.firstTrainReplyNs = nowNs;
                }
                m.trainReplies++;
                m.lastTrainReplyNs = nowNs;
            } else if (sequence >= 0 && sequence < pings && m.pingRttNs[sequence] < 0) {
                long rttNs = nowNs - reply.echoedSendTimeNs();
                if (rttNs >= 0) {
                    m.pingRttNs[sequence] = rttNs;
                }
            } else {
                malformed++;
            }
        } else if (message instanceof ControlMessage.LoadReport load) {
            m.load = load;
        } else if (message instanceof ControlMessage.MembersReport report) {
            m.members = report.members();
        } else {
            malformed++;
        }
    }

    @Override
    public void onHandlerFailure(RuntimeException failure) {
        malformed++;
    }

    private void send(ControlMessage message, InetSocketAddress node) {
        out.send(ControlCodec.encode(out.allocator(), 0, NO_TOKEN, message), node);
    }

    /** Whether every reply came or the wait is over. */
    public boolean isDone() {
        return done;
    }

    /** The measurement of the i-th node, in the order given. */
    public Measurement measurement(int i) {
        return measurements.get(i);
    }

    /** Datagrams that were not expected replies. */
    public long malformed() {
        return malformed;
    }
}
