package io.smoothcast.transport.internal.netty;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The receiver of a relay's extra fan-out socket: several sockets share the node's port
 * (SO_REUSEPORT while they bind) so that the copies of a packet can leave from several threads,
 * and the kernel may give an incoming datagram to any of them ({@link UdpTransport#bindGroup}:
 * on Linux 6.18 the owner's, bound first, reads nearly all). The protocol state has
 * one owner, so every datagram read here is handed, with its read stamp, to the owning
 * {@link DatagramHandler}'s thread ({@link DatagramHandler#deliver}).
 *
 * <p>Bounded: a ring of {@link #CAPACITY} reusable hand-offs, nothing allocated per datagram. A
 * datagram arriving while the owner is that many behind is dropped and counted
 * ({@link #dropped()}), as a full socket buffer would drop it. So is a datagram the owner's
 * event loop refuses because it is shutting down: its reference is given back at once, as no
 * one will run the hand-off.
 *
 * <p>Thread-safety: {@link #onDatagram} on the reading socket's event loop only; the hand-offs
 * run on the owner's; {@link #dropped()} from any thread.
 */
public final class InboundHandOff implements DatagramReceiver {

    /**
     * Datagrams that may wait for the owner at once: about 2 s of a 500 packets/s publisher, so
     * that an owner thread starved of CPU for a while loses no more than the socket's own buffer
     * would; each waiting datagram holds its pooled buffer (at most 2 kB).
     */
    public static final int CAPACITY = 1024;

    private final Executor ownerExecutor;
    private final DatagramHandler owner;
    private final HandOff[] ring = new HandOff[CAPACITY];
    private final AtomicLong dropped = new AtomicLong();
    private int next;

    /**
     * Creates a hand-off.
     *
     * @param ownerExecutor the owner's thread (the event loop of its channel)
     * @param owner the handler that owns the protocol state
     */
    public InboundHandOff(Executor ownerExecutor, DatagramHandler owner) {
        this.ownerExecutor = Objects.requireNonNull(ownerExecutor, "ownerExecutor");
        this.owner = Objects.requireNonNull(owner, "owner");
        for (int i = 0; i < ring.length; i++) {
            ring[i] = new HandOff();
        }
    }

    @Override
    public void onDatagram(ByteBuf datagram, InetSocketAddress sender, long nowNs) {
        HandOff handOff = ring[next];
        if (handOff.busy) {
            dropped.lazySet(dropped.get() + 1); // single writer: this socket's thread
            return;
        }
        next = (next + 1) % CAPACITY;
        handOff.content = datagram.retain();
        handOff.sender = sender;
        handOff.readStampNs = nowNs;
        handOff.busy = true;
        try {
            ownerExecutor.execute(handOff);
        } catch (RejectedExecutionException shuttingDown) {
            handOff.clear();
            dropped.lazySet(dropped.get() + 1);
        }
    }

    @Override
    public void onHandlerFailure(RuntimeException failure) {
        dropped.lazySet(dropped.get() + 1); // not handed over (the handler logs the failure)
    }

    /**
     * Datagrams dropped because the owner was {@link #CAPACITY} behind or its event loop was
     * shutting down (or, a defect, because handing one over failed).
     *
     * @return the count since creation
     */
    public long dropped() {
        return dropped.get();
    }

    private final class HandOff implements Runnable {
        ByteBuf content;
        InetSocketAddress sender;
        long readStampNs;
        /** Set by the reading thread when handed over, cleared by the owner when done. */
        volatile boolean busy;

        @Override
        public void run() {
            try {
                owner.deliver(content, sender, readStampNs);
            } finally {
                clear();
            }
        }

        /** Gives the datagram's reference back and frees the hand-off for the next one. */
        void clear() {
            content.release();
            content = null;
            sender = null;
            busy = false;
        }
    }
}
