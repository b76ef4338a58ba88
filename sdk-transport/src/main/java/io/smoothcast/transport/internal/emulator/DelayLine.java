package io.smoothcast.transport.internal.emulator;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.smoothcast.netsim.LinkModel;
import io.smoothcast.time.NanoClock;
import io.smoothcast.transport.internal.SingleWriterCounters;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * One direction of the emulator: asks the link model what happens to each datagram, holds the
 * survivors (a retained duplicate each) in arrival order and hands them to their destination when
 * their arrival time comes, using one event loop timer. How late each leaves against that time
 * goes into a shared {@link ForwardLateness}.
 *
 * <p>Not thread-safe: the emulator's event loop only. Buffer ownership: {@link #offer} takes its
 * own reference; the line releases it after delivery or in {@link #close()}.
 */
final class DelayLine {

    /** Where a held datagram goes when it arrives; takes ownership of {@code content}. */
    interface Destination {
        void deliver(ByteBuf content);
    }

    private record Delivery(long arrivalNs, long order, ByteBuf content, Destination destination) {
    }

    private final LinkModel link;
    private final EventLoop loop;
    private final NanoClock clock;
    private final SingleWriterCounters counters;
    private final int deliveredCounter;
    private final int lostCounter;
    private final int queueDropCounter;
    private final ForwardLateness lateness;
    private final PriorityQueue<Delivery> held = new PriorityQueue<>((a, b) -> {
        long d = a.arrivalNs - b.arrivalNs;
        return d != 0 ? (d < 0 ? -1 : 1) : Long.compare(a.order, b.order);
    });
    private final Runnable wake = this::deliverDue;
    private long nextOrder;
    private boolean wakeScheduled;
    private long wakeAtNs;
    private boolean closed;

    DelayLine(LinkModel link, EventLoop loop, NanoClock clock, SingleWriterCounters counters,
            int deliveredCounter, int lostCounter, int queueDropCounter, ForwardLateness lateness) {
        this.link = link;
        this.loop = loop;
        this.clock = clock;
        this.counters = counters;
        this.deliveredCounter = deliveredCounter;
        this.lostCounter = lostCounter;
        this.queueDropCounter = queueDropCounter;
        this.lateness = lateness;
    }

    /** Offers a datagram to the link; if it survives, holds it until its arrival time. */
    void offer(ByteBuf datagram, Destination destination, long nowNs) {
        int size = Math.max(1, Math.min(datagram.readableBytes(), LinkModel.MAX_PACKET_BYTES));
        int result = link.offer(size, nowNs);
        if (result == LinkModel.DROPPED_LOSS) {
            counters.increment(lostCounter);
            return;
        }
        if (result != LinkModel.DELIVERED) {
            counters.increment(queueDropCounter);
            return;
        }
        long arrivalNs = link.lastArrivalTimeNs();
        held.add(new Delivery(arrivalNs, nextOrder++, datagram.retainedDuplicate(), destination));
        schedule(arrivalNs, nowNs);
    }

    private void schedule(long arrivalNs, long nowNs) {
        if (closed || (wakeScheduled && wakeAtNs - arrivalNs <= 0)) {
            return; // a wake-up at or before this arrival is already pending
        }
        wakeScheduled = true;
        wakeAtNs = arrivalNs;
        loop.schedule(wake, Math.max(0, arrivalNs - nowNs), TimeUnit.NANOSECONDS);
    }

    private void deliverDue() {
        wakeScheduled = false;
        if (closed) {
            return;
        }
        long nowNs = clock.nanoTime();
        Delivery head;
        while ((head = held.peek()) != null && head.arrivalNs - nowNs <= 0) {
            held.poll();
            counters.increment(deliveredCounter);
            lateness.record(nowNs - head.arrivalNs);
            head.destination.deliver(head.content);
            nowNs = clock.nanoTime(); // sends take time: the next datagram's lateness starts here
        }
        if (head != null) {
            schedule(head.arrivalNs, nowNs);
        }
    }

    /** Releases every held datagram. */
    void close() {
        closed = true;
        Delivery d;
        while ((d = held.poll()) != null) {
            d.content.release();
        }
    }
}
