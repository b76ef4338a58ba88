package io.smoothcast.transport.internal.netty;

import io.netty.buffer.ByteBuf;
import io.smoothcast.time.NanoClock;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Spreads the copies of one packet over several sending threads ("lanes"), so that the kernel
 * work of a large fan-out (about 3.5 us per datagram on loopback, BENCHMARKS.md) runs on several
 * cores at once instead of one after the other. Lane 0 is the owning thread itself, which sends
 * its share through its own channel; every other lane is a channel bound to the same address
 * (SO_REUSEPORT) on its own event loop, so subscribers see one source address whichever lane
 * sends.
 *
 * <p>Per packet, the owner calls {@link #begin}, then {@link #add} once per copy meant for a
 * remote lane, then {@link #dispatch}: each lane with copies gets ONE task holding the shared
 * packet (retained once), the recipients and, when the packet carries the transport-wide
 * sequence number, each recipient's own number. The lane's thread sends the copies
 * ({@link DatagramSender#sendCopies}: on epoll one {@code sendmmsg} from a native region of its
 * own, else pooled copies written through Netty) and flushes once. The copies are allocated and freed on the
 * lane's thread, so its pooled-buffer cache serves them.
 *
 * <p>Each lane has a ring of {@link #BATCHES_PER_LANE} reusable batches: nothing is allocated
 * per packet once the batches have grown to the subscriber count. A lane that has fallen that
 * many packets behind refuses more ({@link #add} returns false) and those copies are dropped, as
 * a full socket send buffer would drop them: the hand-off stays bounded whatever the load, and
 * no subscriber's packets are reordered (had the owner sent the refused copy itself, it would
 * have left before the same subscriber's older copies still waiting in the lane).
 *
 * <p>Thread-safety: {@link #begin}, {@link #add}, {@link #dispatch}, {@link #holdsCopies} and
 * {@link #sendOwned} on the owning thread only;
 * the batches run on their lanes' threads and hand themselves back through a volatile flag.
 */
public final class FanOutLanes {

    /**
     * Packets a lane may be behind before further copies for it are dropped. 64 rides out a lane
     * thread kept off its core for about 128 ms at 500 packets/s in (16, the first value, dropped
     * copies in an idle-machine run of the fan-out harness, BENCHMARKS.md "Relay fan-out, session
     * 5"); each batch grows to the lane's share of the subscribers, so the ring costs about 64 x
     * 12 bytes per subscriber of the lane.
     */
    public static final int BATCHES_PER_LANE = 64;

    /** {@link #add}'s sequence argument for a packet without a transport-wide sequence number. */
    public static final int NO_SEQUENCE = -1;

    /** A batch's read stamp when it carries no datagram read (a {@link #sendOwned} packet): no residence. */
    private static final long NOT_READ = Long.MIN_VALUE;

    private final Lane[] remote;
    private final NanoClock clock;
    private final ResidenceRecorder residence;
    private ByteBuf packet;
    private int transportOffset;
    private long readStampNs;

    private FanOutLanes() {
        this.remote = new Lane[0];
        this.clock = null;
        this.residence = null;
    }

    /**
     * Creates lanes.
     *
     * @param senders the remote lanes' handlers (lane k is {@code senders.get(k - 1)}); each is
     *     used only by tasks run on its executor
     * @param executors the remote lanes' threads, one per sender (the event loop of its channel)
     * @param clock the clock for residence reports
     * @param residence reports each lane's flush of a packet's copies, or null for none
     */
    public FanOutLanes(List<DatagramHandler> senders, List<? extends Executor> executors, NanoClock clock,
            ResidenceRecorder residence) {
        if (senders.size() != executors.size()) {
            throw new IllegalArgumentException("one executor per sender: " + senders.size() + " senders, "
                    + executors.size() + " executors");
        }
        this.remote = new Lane[senders.size()];
        for (int i = 0; i < remote.length; i++) {
            remote[i] = new Lane(Objects.requireNonNull(senders.get(i), "sender"),
                    Objects.requireNonNull(executors.get(i), "executor"));
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.residence = residence;
    }

    /**
     * The owning thread alone: every copy is sent by the caller.
     *
     * @return new lanes with {@link #laneCount()} 1
     */
    public static FanOutLanes single() {
        return new FanOutLanes();
    }

    /**
     * Number of lanes, the owning thread's included.
     *
     * @return at least 1
     */
    public int laneCount() {
        return remote.length + 1;
    }

    /**
     * Starts the fan-out of one packet.
     *
     * @param packet the packet every copy is made of; not retained here (see {@link #dispatch})
     * @param transportOffset where its transport-wide sequence number sits, from the reader index
     *     (ignored for copies added with {@link #NO_SEQUENCE})
     * @param readStampNs when the datagram it came from was read, for residence reports
     */
    public void begin(ByteBuf packet, int transportOffset, long readStampNs) {
        this.packet = packet;
        this.transportOffset = transportOffset;
        this.readStampNs = readStampNs;
    }

    /**
     * Queues one copy of the current packet on a remote lane.
     *
     * @param lane 1 to {@code laneCount() - 1}
     * @param recipient where the copy goes
     * @param transportSequence the 16-bit number to write at the transport offset, or
     *     {@link #NO_SEQUENCE} to send the packet unchanged
     * @return false if that lane is {@link #BATCHES_PER_LANE} packets behind: the copy is not
     *     queued, and the caller drops it (sending it from another thread would overtake the
     *     recipient's older copies still waiting in that lane)
     */
    public boolean add(int lane, InetSocketAddress recipient, int transportSequence) {
        Lane l = remote[lane - 1];
        Batch batch = l.filling;
        if (batch == null) {
            Batch next = l.ring[l.next];
            if (next.busy) {
                return false;
            }
            l.filling = next;
            batch = next;
        }
        batch.append(recipient, transportSequence);
        return true;
    }

    /**
     * Hands each remote lane its batch of the current packet (one task per lane), retaining the
     * packet once per lane; the lane releases it. A lane whose event loop refuses the task (it is
     * shutting down) drops its batch here, reference included.
     *
     * @return copies added for this packet that were dropped because their lane's thread refused
     *     them (0 unless shutting down)
     */
    public int dispatch() {
        int refused = 0;
        for (Lane l : remote) {
            Batch batch = l.filling;
            if (batch == null) {
                continue;
            }
            l.filling = null;
            int copies = batch.size;
            if (!handOver(l, batch, packet.retain(), transportOffset, readStampNs)) {
                refused += copies;
            }
        }
        packet = null;
        return refused;
    }

    /**
     * Hands a batch, filled at the lane's next ring slot, to the lane's thread, with the packet
     * it sends (whose reference passes to the batch).
     *
     * @return false if the thread refused it (shutting down): the batch was discarded and the
     *     packet released
     */
    private static boolean handOver(Lane l, Batch batch, ByteBuf packet, int transportOffset, long readStampNs) {
        l.next = (l.next + 1) % BATCHES_PER_LANE;
        batch.packet = packet;
        batch.transportOffset = transportOffset;
        batch.readStampNs = readStampNs;
        batch.busy = true;
        try {
            l.executor.execute(batch);
            return true;
        } catch (RejectedExecutionException shuttingDown) {
            batch.discard();
            return false;
        }
    }

    /**
     * Whether a remote lane still holds copies handed to it: its thread has not finished the
     * newest batch (batches run in the order they were handed over, so then none is left), or
     * has finished it but some of its writes still wait in the lane channel's outbound buffer
     * because the socket was full (EAGAIN), to leave when it drains. A packet the owner sent
     * from its own socket meanwhile would overtake them. The answer can only turn false
     * meanwhile, as the owner alone hands batches over. Owning thread only; no allocation.
     *
     * @param lane 1 to {@code laneCount() - 1}
     */
    public boolean holdsCopies(int lane) {
        Lane l = remote[lane - 1];
        return l.ring[(l.next + BATCHES_PER_LANE - 1) % BATCHES_PER_LANE].busy || l.sender.hasQueuedWrites();
    }

    /**
     * Queues a packet the owner built for one recipient of a remote lane (an RTX: a NACK answer,
     * a tail loss probe, probe padding) behind the copies already queued on that lane, so that it
     * never overtakes the recipient's older packets: a tail probe sent from the owner's thread
     * while the lane is behind would reach the subscriber before the very packet it probes for,
     * which then arrives as a duplicate and shows its transport feedback a reordering. It takes
     * one batch of the lane's ring, as a packet's copies do: for a lane that
     * {@linkplain #holdsCopies holds no copies} the owner may as well send the packet itself. Not
     * between {@link #begin} and {@link #dispatch}. Owning thread only.
     *
     * @param lane 1 to {@code laneCount() - 1}
     * @param packet the packet, sent unchanged; ownership passes here (released if not queued)
     * @param recipient where it goes
     * @return false if the lane is {@link #BATCHES_PER_LANE} packets behind or its thread refused
     *     the task: the packet was dropped, as such a lane's copies are
     */
    public boolean sendOwned(int lane, ByteBuf packet, InetSocketAddress recipient) {
        Lane l = remote[lane - 1];
        if (l.filling != null) {
            packet.release();
            throw new IllegalStateException("sendOwned between begin and dispatch");
        }
        Batch batch = l.ring[l.next];
        if (batch.busy) {
            packet.release();
            return false;
        }
        batch.append(recipient, NO_SEQUENCE);
        return handOver(l, batch, packet, 0, NOT_READ);
    }

    /**
     * Sends one subscriber's copy of {@code packet} through Netty's ordinary path: the packet
     * itself (a retained duplicate) for {@link #NO_SEQUENCE}, else a pooled direct copy with
     * {@code transportSequence} written at {@code transportOffset}. The default of
     * {@link DatagramSender#sendCopies}, and where the native path's overflow goes.
     *
     * @param packet the shared packet; not released here
     */
    public static void sendCopy(DatagramSender out, ByteBuf packet, int transportOffset, int transportSequence,
            InetSocketAddress recipient) {
        if (transportSequence == NO_SEQUENCE) {
            out.send(packet.retainedDuplicate(), recipient);
            return;
        }
        int length = packet.readableBytes();
        ByteBuf copy = out.allocator().directBuffer(length);
        copy.writeBytes(packet, packet.readerIndex(), length);
        copy.setShort(copy.readerIndex() + transportOffset, transportSequence);
        out.send(copy, recipient);
    }

    private final class Lane {
        final DatagramHandler sender;
        final Executor executor;
        final Batch[] ring = new Batch[BATCHES_PER_LANE];
        /** The batch being filled for the current packet, or null. */
        Batch filling;
        int next;

        Lane(DatagramHandler sender, Executor executor) {
            this.sender = sender;
            this.executor = executor;
            for (int i = 0; i < ring.length; i++) {
                ring[i] = new Batch(this);
            }
        }
    }

    /** One packet's copies for one lane: filled by the owner, run (and freed) by the lane. */
    private final class Batch implements Runnable {
        final Lane lane;
        InetSocketAddress[] recipients = new InetSocketAddress[16];
        int[] sequences = new int[16];
        int size;
        ByteBuf packet;
        int transportOffset;
        long readStampNs;
        /** Set by the owner when handed to the lane, cleared by the lane when done. */
        volatile boolean busy;

        Batch(Lane lane) {
            this.lane = lane;
        }

        void append(InetSocketAddress recipient, int sequence) {
            if (size == recipients.length) {
                // Grows with the subscriber count, then stays: no allocation per packet.
                recipients = Arrays.copyOf(recipients, size * 2);
                sequences = Arrays.copyOf(sequences, size * 2);
            }
            recipients[size] = recipient;
            sequences[size] = sequence;
            size++;
        }

        /** Frees a batch no thread will run: gives its packet reference back, sends nothing. */
        void discard() {
            packet.release();
            packet = null;
            Arrays.fill(recipients, 0, size, null);
            size = 0;
            busy = false;
        }

        @Override
        public void run() {
            DatagramHandler out = lane.sender;
            ByteBuf shared = packet;
            try {
                out.sendCopies(shared, transportOffset, sequences, recipients, size);
            } finally {
                shared.release();
                packet = null;
                Arrays.fill(recipients, 0, size, null);
                size = 0;
                out.flush();
                if (residence != null && readStampNs != NOT_READ) {
                    residence.record(readStampNs, clock.nanoTime() - readStampNs, out.isOutboundDrained());
                }
                busy = false;
            }
        }
    }
}
