package io.smoothcast.transport.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.Socket;
import io.netty.util.ReferenceCountUtil;
import io.smoothcast.time.NanoClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only handler of a UDP channel: hands each datagram with the time it was read to a
 * {@link DatagramReceiver} and releases it in {@code finally}, and is the {@link DatagramSender}
 * the receiver answers through. Writes are flushed once per read batch
 * ({@code channelReadComplete}) or on {@link #flush()}.
 *
 * <p>Not {@code @Sharable}: one instance per channel. All methods run on the channel's event loop
 * (callers on other threads must go through {@code channel.eventLoop().execute}).
 */
public final class DatagramHandler extends ChannelInboundHandlerAdapter implements DatagramSender {

    /** Most datagrams of one read batch whose residence is timed. */
    public static final int MAX_TIMED_BATCH = 256;

    private static final Logger LOG = LoggerFactory.getLogger(DatagramHandler.class);

    private final DatagramReceiver receiver;
    private final NanoClock clock;
    private final ResidenceRecorder residence;
    /** Receive stamps of the current read batch, for {@link #residence}; null when it is unset. */
    private final long[] batchStampsNs;
    private int batchSize;
    private Channel channel;
    private boolean writesPending;
    /** Whether {@link #sendCopies} may use {@link NativeCopyWriter} (set by the relay). */
    private boolean nativeCopies;
    /**
     * Made when the channel becomes active (or at the first {@link #sendCopies}) when
     * {@link #nativeCopies}; null until then or if impossible. Volatile for
     * {@link #nativeCopiesRefused()} (one read per packet, not per copy).
     */
    private volatile NativeCopyWriter copyWriter;

    /**
     * Creates a handler.
     *
     * @param receiverFactory builds the protocol logic, given this handler as its sender
     * @param clock the clock that stamps each datagram's arrival
     */
    public DatagramHandler(Function<DatagramSender, DatagramReceiver> receiverFactory, NanoClock clock) {
        this(receiverFactory, clock, null);
    }

    /**
     * Creates a handler that reports each datagram's residence time (for measurement harnesses).
     *
     * @param receiverFactory builds the protocol logic, given this handler as its sender
     * @param clock the clock that stamps each datagram's arrival and the end of each flush
     * @param residence gets one call per datagram read (at most {@link #MAX_TIMED_BATCH} per
     *     read batch, the rest are not timed), or null for none
     */
    public DatagramHandler(Function<DatagramSender, DatagramReceiver> receiverFactory, NanoClock clock,
            ResidenceRecorder residence) {
        this.receiver = receiverFactory.apply(this);
        this.clock = clock;
        this.residence = residence;
        this.batchStampsNs = residence == null ? null : new long[MAX_TIMED_BATCH];
    }

    /**
     * The protocol logic this handler feeds.
     *
     * @return the receiver built at construction
     */
    public DatagramReceiver receiver() {
        return receiver;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    /**
     * With {@link #useNativeCopies()}, makes the native writer (and with it the channel's
     * {@link SendOnlySocket}) as soon as the channel is bound, rather than at the first copies,
     * while a relay has no session yet.
     */
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        copyWriter();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof DatagramPacket packet) {
                long nowNs = clock.nanoTime();
                if (batchStampsNs != null && batchSize < batchStampsNs.length) {
                    batchStampsNs[batchSize++] = nowNs;
                }
                handle(packet.content(), packet.sender(), nowNs);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void handle(ByteBuf content, InetSocketAddress sender, long nowNs) {
        try {
            receiver.onDatagram(content, sender, nowNs);
        } catch (RuntimeException e) {
            // A bug in the logic must not kill the channel; the datagram is dropped and the
            // receiver counts it.
            receiver.onHandlerFailure(e);
            LOG.warn("datagram handling failed", e);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flush();
        if (batchSize > 0) {
            long flushedNs = clock.nanoTime();
            boolean drained = isOutboundDrained();
            for (int i = 0; i < batchSize; i++) {
                residence.record(batchStampsNs[i], flushedNs - batchStampsNs[i], drained);
            }
            batchSize = 0;
        }
    }

    /**
     * Handles a datagram another channel's thread read and handed to this handler's event loop
     * (a relay's fan-out sockets share one port, and the kernel spreads what arrives over all of
     * them; {@link InboundHandOff}). Works like a read batch of one: the receiver gets it, what
     * it sent is flushed and the datagram's residence recorded. Event loop only.
     *
     * @param content the datagram; not released here
     * @param sender where it came from
     * @param readStampNs when the other thread read it, in nanoseconds of the handler's clock
     */
    public void deliver(ByteBuf content, InetSocketAddress sender, long readStampNs) {
        handle(content, sender, readStampNs);
        flush();
        recordResidence(readStampNs);
    }

    private void recordResidence(long readStampNs) {
        if (residence != null) {
            residence.record(readStampNs, clock.nanoTime() - readStampNs, isOutboundDrained());
        }
    }

    /**
     * Whether everything written to the channel has gone to the kernel (false: some writes wait
     * for the socket to become writable). Event loop only.
     *
     * @return true if nothing is queued
     */
    public boolean isOutboundDrained() {
        io.netty.channel.ChannelOutboundBuffer queued = channel == null ? null : channel.unsafe().outboundBuffer();
        return queued == null || queued.isEmpty();
    }

    /**
     * Whether writes wait in the channel's outbound buffer, written or flushed but not yet taken
     * by the kernel (the socket was full). Unlike {@link #isOutboundDrained()}, any thread: it
     * reads the buffer's pending byte count, which Netty publishes (volatile) for writability
     * checks; each write counts its content's bytes plus Netty's per-entry overhead, so even an
     * empty datagram shows. The channel reference itself is a plain field: a thread that has
     * seen, through a volatile read, something this channel's event loop did after registering
     * it (a finished {@link FanOutLanes} batch) sees it too; before that nothing can be queued.
     *
     * @return true while some are queued; false before the channel is registered or once closed
     */
    public boolean hasQueuedWrites() {
        Channel c = channel;
        io.netty.channel.ChannelOutboundBuffer queued = c == null ? null : c.unsafe().outboundBuffer();
        return queued != null && queued.totalPendingWriteBytes() > 0;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // UDP channels report ICMP port unreachable and similar as exceptions; keep running.
        LOG.debug("UDP channel exception", cause);
    }

    @Override
    public ByteBufAllocator allocator() {
        return channel.alloc();
    }

    @Override
    public void send(ByteBuf content, InetSocketAddress recipient) {
        if (channel == null || !channel.isActive()) {
            content.release();
            return;
        }
        channel.write(new DatagramPacket(content, recipient), channel.voidPromise());
        writesPending = true;
    }

    /**
     * Lets {@link #sendCopies} hand a packet's copies to the kernel in one {@code sendmmsg} from
     * a native region of this handler's own ({@link NativeCopyWriter}) when the channel is epoll
     * and Netty's internals link; otherwise (NIO, another Netty) it keeps the ordinary path.
     * Call before the channel is registered.
     */
    public void useNativeCopies() {
        nativeCopies = true;
    }

    /**
     * {@inheritDoc}
     *
     * <p>With {@link #useNativeCopies()} on an epoll channel, the copies go out at once, in one
     * {@code sendmmsg} per 1,024 copies (or per {@link NativeCopyWriter#DATA_BYTES}), with no
     * Netty object per copy. While earlier writes still wait in the channel's outbound buffer
     * (the socket was full), the copies take the ordinary path behind them, so that none
     * overtakes an older copy to the same subscriber.
     */
    @Override
    public void sendCopies(ByteBuf packet, int transportOffset, int[] transportSequences,
            InetSocketAddress[] recipients, int count) {
        NativeCopyWriter writer = copyWriter();
        if (writer == null || !channel.isActive() || !isOutboundDrained()) {
            DatagramSender.super.sendCopies(packet, transportOffset, transportSequences, recipients, count);
            return;
        }
        writer.send(packet, transportOffset, transportSequences, recipients, count, this);
    }

    private NativeCopyWriter copyWriter() {
        NativeCopyWriter writer = copyWriter;
        if (nativeCopies && writer == null && channel != null) {
            nativeCopies = false;
            writer = NativeCopyWriter.forChannel(channel);
            copyWriter = writer;
            if (writer == null) {
                LOG.info("relay copies take Netty's ordinary write path on {} ({})", channel,
                        NativeCopyWriter.unavailableReason() == null ? "not an epoll channel"
                                : NativeCopyWriter.unavailableReason().toString());
            }
        }
        return writer;
    }

    /**
     * Whether {@link #sendCopies} sends through {@link NativeCopyWriter} (known after its first
     * call). Event loop only.
     *
     * @return true once a native writer was made for this channel
     */
    public boolean sendsNativeCopies() {
        return copyWriter != null;
    }

    /**
     * Whether the native path sends through the channel's {@link SendOnlySocket} (a socket on
     * the channel's address and port that no epoll watches). Event loop only.
     *
     * @return true once a native writer sending through one was made
     */
    boolean sendsFromSendOnlySocket() {
        return sendOnlySocket() != null;
    }

    private LinuxSocket sendOnlySocket() {
        NativeCopyWriter writer = copyWriter;
        return writer == null ? null : writer.sendOnlySocket();
    }

    /**
     * Sets or clears SO_REUSEPORT on the channel's socket and on its {@link SendOnlySocket}: set,
     * further sockets of this user may join the port; cleared on every socket of the port, none
     * may ({@link UdpTransport#bindGroup}). Event loop only, once the channel is active (its
     * send-only socket, if any, is made then).
     *
     * @param shared whether the port is open to further sockets
     * @throws IOException if the kernel refused the option
     */
    void setPortShared(boolean shared) throws IOException {
        if (!(channel instanceof EpollDatagramChannel epoll) || !(epoll.fd() instanceof Socket socket)) {
            throw new IOException("a shared port needs an epoll channel: " + channel);
        }
        socket.setReusePort(shared);
        LinuxSocket sendOnly = sendOnlySocket();
        if (sendOnly != null) {
            sendOnly.setReusePort(shared);
        }
    }

    /**
     * Copies the kernel refused on the native path for a reason other than a full buffer
     * (dropped, as Netty drops a failed datagram write). Any thread: the count is written by
     * the event loop only, and may be a few copies behind when read elsewhere.
     *
     * @return the count since the channel was bound
     */
    public long nativeCopiesRefused() {
        return copyWriter == null ? 0 : copyWriter.refusedCopies();
    }

    @Override
    public void flush() {
        if (writesPending) {
            writesPending = false;
            channel.flush();
        }
    }

    /**
     * The channel this handler serves.
     *
     * @return the channel, or null before it is registered
     */
    public Channel channel() {
        return channel;
    }
}
