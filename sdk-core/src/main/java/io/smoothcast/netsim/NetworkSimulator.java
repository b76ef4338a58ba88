package io.smoothcast.netsim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * A deterministic discrete-event network simulator in virtual time: flows share one forward
 * (bottleneck) {@link LinkModel} and one reverse {@link LinkModel}, so feedback can be congested
 * too. Each flow has a sender and a receiver {@link SimEndpoint} and may add its own constant
 * one-way delays after each shared link (for RTT-fairness cases). Events run in time order, ties
 * in the order they were scheduled, so the same seed and the same endpoints give the same run.
 *
 * <p>Typical use by a harness:
 * <pre>{@code
 * NetworkSimulator sim = NetworkSimulator.builder()
 *         .forwardLink(LinkModel.builder().capacity(schedule).propagationDelayNs(50_000_000L)
 *                 .queueLimitNs(300_000_000L).seed(1).build())
 *         .reverseLink(LinkModel.builder().constantCapacityBps(10_000_000L)
 *                 .propagationDelayNs(50_000_000L).seed(2).build())
 *         .observer(metrics)               // per-packet sent / delivered / dropped
 *         .seed(42)
 *         .build();
 * int ours = sim.addFlow("ours", mySender, new ArrivalFeedbackReceiver(50_000_000L), 0L);
 * sim.addFlow("tcp", new RenoTcpSender(RenoTcpSender.UNLIMITED_BYTES), new RenoTcpReceiver(), 10_000_000_000L);
 * sim.every(100_000_000L, nowNs -> chart.sample(nowNs, sim.forwardLink().capacityBpsAt(nowNs)));
 * sim.runUntil(120_000_000_000L);
 * }</pre>
 * A sender implementation wraps the controller under test: it sends media packets with
 * {@link FlowContext#send} (the sequence number is the transport-wide sequence number), wakes
 * itself with {@link FlowContext#setTimerNs} (pacing, frame timing), and reads feedback from the
 * {@link SimPacket#payload()} of reverse packets ({@link ArrivalReport} when the receiver is an
 * {@link ArrivalFeedbackReceiver}). Everything takes the simulator's virtual {@code nowNs}.
 *
 * <p>Thread-safety: not thread-safe; build and run it on one thread.
 */
public final class NetworkSimulator {

    private static final int EVENT_START = 0;
    private static final int EVENT_DELIVER = 1;
    private static final int EVENT_TIMER = 2;
    private static final int EVENT_CALLBACK = 3;

    private final LinkModel forwardLink;
    private final LinkModel reverseLink;
    private final PacketObserver observer;
    private final SplittableRandom seedSource;
    private final PriorityQueue<Event> events = new PriorityQueue<>(NetworkSimulator::compare);
    private final ArrayDeque<Event> freeEvents = new ArrayDeque<>();
    private final List<Flow> flows = new ArrayList<>();
    private final SimPacket packet = new SimPacket();
    private long nowNs;
    private long nextOrder;
    private boolean running;

    private NetworkSimulator(Builder builder) {
        this.forwardLink = builder.forwardLink;
        this.reverseLink = builder.reverseLink;
        this.observer = builder.observer;
        this.seedSource = new SplittableRandom(builder.seed);
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds a flow whose extra delays are zero.
     *
     * @see #addFlow(String, SimEndpoint, SimEndpoint, long, long, long)
     */
    public int addFlow(String name, SimEndpoint sender, SimEndpoint receiver, long startNs) {
        return addFlow(name, sender, receiver, startNs, 0L, 0L);
    }

    /**
     * Adds a flow. Both endpoints get {@link SimEndpoint#onStart} at {@code startNs}, the
     * receiver first.
     *
     * @param name a label for reports
     * @param sender the sending endpoint (its packets use the forward link)
     * @param receiver the receiving endpoint (its packets use the reverse link)
     * @param startNs when the flow starts, in virtual ns (not before the current time)
     * @param extraForwardDelayNs one-way delay added after the forward link for this flow, &gt;= 0
     * @param extraReverseDelayNs one-way delay added after the reverse link for this flow, &gt;= 0
     * @return the flow id (0, 1, 2, ... in order of adding)
     */
    public int addFlow(String name, SimEndpoint sender, SimEndpoint receiver, long startNs,
            long extraForwardDelayNs, long extraReverseDelayNs) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(receiver, "receiver");
        if (startNs - nowNs < 0) {
            throw new IllegalArgumentException("startNs must not be in the past: " + startNs);
        }
        if (extraForwardDelayNs < 0 || extraReverseDelayNs < 0) {
            throw new IllegalArgumentException("extra delays must be >= 0: " + extraForwardDelayNs + ", "
                    + extraReverseDelayNs);
        }
        int id = flows.size();
        Flow flow = new Flow(id, name, extraForwardDelayNs, extraReverseDelayNs);
        flow.senderSide = new Side(flow, Direction.FORWARD, sender, seedSource.split());
        flow.receiverSide = new Side(flow, Direction.REVERSE, receiver, seedSource.split());
        flows.add(flow);
        Event start = newEvent(startNs, EVENT_START);
        start.side = flow.receiverSide;
        Event startSender = newEvent(startNs, EVENT_START);
        startSender.side = flow.senderSide;
        events.add(start);
        events.add(startSender);
        return id;
    }

    /**
     * Calls {@code callback} with the virtual time every {@code periodNs}, starting one period from
     * now (for sampling metrics).
     *
     * @param periodNs the period in ns, &gt; 0
     * @param callback what to call; must not throw
     */
    public void every(long periodNs, LongConsumer callback) {
        if (periodNs <= 0) {
            throw new IllegalArgumentException("periodNs must be > 0: " + periodNs);
        }
        Objects.requireNonNull(callback, "callback");
        Event event = newEvent(nowNs + periodNs, EVENT_CALLBACK);
        event.callback = callback;
        event.periodNs = periodNs;
        events.add(event);
    }

    /**
     * Runs every event due up to and including {@code endNs}, then sets the clock to
     * {@code endNs}. May be called again to continue.
     *
     * @param endNs the virtual time to run to, not before the current time
     */
    public void runUntil(long endNs) {
        if (endNs - nowNs < 0) {
            throw new IllegalArgumentException("endNs must not be in the past: " + endNs);
        }
        if (running) {
            throw new IllegalStateException("runUntil called from inside the simulation");
        }
        running = true;
        try {
            while (!events.isEmpty() && events.peek().timeNs - endNs <= 0) {
                Event event = events.poll();
                nowNs = event.timeNs;
                dispatch(event);
            }
            nowNs = endNs;
        } finally {
            running = false;
        }
    }

    private void dispatch(Event event) {
        Side side = event.side;
        switch (event.type) {
            case EVENT_START:
                release(event);
                side.started = true;
                side.endpoint.onStart(side, nowNs);
                break;
            case EVENT_TIMER:
                if (event.timerGeneration == side.timerGeneration && side.timerArmed) {
                    side.timerArmed = false;
                    release(event);
                    side.endpoint.onTimer(nowNs);
                } else {
                    release(event);
                }
                break;
            case EVENT_DELIVER:
                packet.flowId = side.flow.id;
                packet.direction = event.direction;
                packet.sequence = event.sequence;
                packet.sizeBytes = event.sizeBytes;
                packet.sendTimeNs = event.sendTimeNs;
                packet.arrivalTimeNs = nowNs;
                packet.queueDelayNs = event.queueDelayNs;
                packet.payload = event.payload;
                observer.onDelivered(side.flow.id, event.direction, event.sequence, event.sizeBytes, event.sendTimeNs,
                        nowNs, event.queueDelayNs);
                release(event);
                side.endpoint.onPacket(packet, nowNs);
                packet.payload = null;
                break;
            case EVENT_CALLBACK:
                event.callback.accept(nowNs);
                event.timeNs = nowNs + event.periodNs;
                event.order = nextOrder++;
                events.add(event);
                break;
            default:
                throw new IllegalStateException("unknown event type " + event.type);
        }
    }

    /** @return the current virtual time in ns */
    public long nowNs() {
        return nowNs;
    }

    /** @return the shared forward link */
    public LinkModel forwardLink() {
        return forwardLink;
    }

    /** @return the shared reverse link */
    public LinkModel reverseLink() {
        return reverseLink;
    }

    /** @return the number of flows added */
    public int flowCount() {
        return flows.size();
    }

    /**
     * @param flowId a flow id
     * @return the name it was added with
     */
    public String flowName(int flowId) {
        return flows.get(flowId).name;
    }

    private Event newEvent(long timeNs, int type) {
        Event event = freeEvents.poll();
        if (event == null) {
            event = new Event();
        }
        event.timeNs = timeNs;
        event.order = nextOrder++;
        event.type = type;
        return event;
    }

    private void release(Event event) {
        event.payload = null;
        event.side = null;
        event.callback = null;
        freeEvents.push(event);
    }

    private static int compare(Event a, Event b) {
        long byTime = a.timeNs - b.timeNs;
        if (byTime != 0) {
            return byTime < 0 ? -1 : 1;
        }
        return Long.compare(a.order, b.order);
    }

    private static final class Event {
        long timeNs;
        long order;
        int type;
        Side side;
        Direction direction;
        long sequence;
        int sizeBytes;
        long sendTimeNs;
        long queueDelayNs;
        Object payload;
        long timerGeneration;
        long periodNs;
        LongConsumer callback;
    }

    private static final class Flow {
        final int id;
        final String name;
        final long extraForwardDelayNs;
        final long extraReverseDelayNs;
        Side senderSide;
        Side receiverSide;

        Flow(int id, String name, long extraForwardDelayNs, long extraReverseDelayNs) {
            this.id = id;
            this.name = name;
            this.extraForwardDelayNs = extraForwardDelayNs;
            this.extraReverseDelayNs = extraReverseDelayNs;
        }
    }

    /** One endpoint's view of the simulator; {@code direction} is the way its packets go. */
    private final class Side implements FlowContext {
        final Flow flow;
        final Direction direction;
        final SimEndpoint endpoint;
        final SplittableRandom random;
        boolean started;
        long timerGeneration;
        boolean timerArmed;

        Side(Flow flow, Direction direction, SimEndpoint endpoint, SplittableRandom random) {
            this.flow = flow;
            this.direction = direction;
            this.endpoint = endpoint;
            this.random = random;
        }

        @Override
        public int flowId() {
            return flow.id;
        }

        @Override
        public long nowNs() {
            return nowNs;
        }

        @Override
        public boolean send(long sequence, int sizeBytes, Object payload) {
            if (!started) {
                throw new IllegalStateException("send before onStart");
            }
            if (sizeBytes <= 0 || sizeBytes > LinkModel.MAX_PACKET_BYTES) {
                throw new IllegalArgumentException("sizeBytes must be in [1, " + LinkModel.MAX_PACKET_BYTES + "]: "
                        + sizeBytes);
            }
            boolean forward = direction == Direction.FORWARD;
            LinkModel link = forward ? forwardLink : reverseLink;
            observer.onSent(flow.id, direction, sequence, sizeBytes, nowNs);
            int result = link.offer(sizeBytes, nowNs);
            if (result != LinkModel.DELIVERED) {
                observer.onDropped(flow.id, direction, sequence, sizeBytes, nowNs, result);
                return false;
            }
            long extraNs = forward ? flow.extraForwardDelayNs : flow.extraReverseDelayNs;
            Event event = newEvent(link.lastArrivalTimeNs() + extraNs, EVENT_DELIVER);
            event.side = forward ? flow.receiverSide : flow.senderSide;
            event.direction = direction;
            event.sequence = sequence;
            event.sizeBytes = sizeBytes;
            event.sendTimeNs = nowNs;
            event.queueDelayNs = link.lastQueueDelayNs();
            event.payload = payload;
            events.add(event);
            return true;
        }

        @Override
        public void setTimerNs(long timeNs) {
            timerGeneration++;
            timerArmed = true;
            Event event = newEvent(timeNs - nowNs < 0 ? nowNs : timeNs, EVENT_TIMER);
            event.side = this;
            event.timerGeneration = timerGeneration;
            events.add(event);
        }

        @Override
        public void cancelTimer() {
            timerGeneration++;
            timerArmed = false;
        }

        @Override
        public SplittableRandom random() {
            return random;
        }
    }

    /** Builds a {@link NetworkSimulator}. Both links are required. Not thread-safe. */
    public static final class Builder {
        private LinkModel forwardLink;
        private LinkModel reverseLink;
        private PacketObserver observer = PacketObserver.NONE;
        private long seed = 1;

        private Builder() {
        }

        /**
         * @param link the shared sender-to-receiver link; its schedule origin should be 0
         * @return this builder
         */
        public Builder forwardLink(LinkModel link) {
            this.forwardLink = Objects.requireNonNull(link, "link");
            return this;
        }

        /**
         * @param link the shared receiver-to-sender link (feedback, acks)
         * @return this builder
         */
        public Builder reverseLink(LinkModel link) {
            this.reverseLink = Objects.requireNonNull(link, "link");
            return this;
        }

        /**
         * @param observer sees every packet; default {@link PacketObserver#NONE}
         * @return this builder
         */
        public Builder observer(PacketObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer");
            return this;
        }

        /**
         * @param seed seed from which every endpoint's random source is split
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @return the simulator, at virtual time 0 */
        public NetworkSimulator build() {
            if (forwardLink == null || reverseLink == null) {
                throw new IllegalStateException("forwardLink and reverseLink are required");
            }
            if (forwardLink == reverseLink) {
                throw new IllegalArgumentException("forwardLink and reverseLink must be different LinkModel instances");
            }
            return new NetworkSimulator(this);
        }
    }
}
