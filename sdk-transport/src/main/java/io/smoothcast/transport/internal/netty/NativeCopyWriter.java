package io.smoothcast.transport.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a packet's per-subscriber copies the way GStreamer's multiudpsink does: every copy
 * (the packet with that subscriber's transport-wide number written in) is laid out in one
 * reusable native memory region owned by the channel's thread, and the whole batch goes to the
 * kernel in one {@code sendmmsg(2)} ({@link EpollSendmmsg}), through a socket on the channel's
 * address and port that no epoll watches ({@link SendOnlySocket}) when the channel is bound to one
 * IPv4 address, else through the channel's own socket. No
 * Netty object is made per copy: no pooled buffer, no {@code DatagramPacket}, no outbound-buffer
 * entry, no free after the write.
 *
 * <p>The region holds {@link EpollSendmmsg#MAX_MESSAGES} iovecs and {@link #DATA_BYTES} of
 * copies, each at a 64-byte aligned offset; more copies than fit go out in several calls.
 *
 * <p>When the socket's send buffer fills (EAGAIN), the copies the kernel did not take are handed
 * to Netty's ordinary path ({@link FanOutLanes#sendCopy} on the channel's {@link DatagramSender}),
 * which queues them and writes them when the socket is writable again, as it does for every
 * write today: none is lost or counted as dropped for it, and until that queue has drained the
 * caller ({@link DatagramHandler#sendCopies}) sends every copy the ordinary way, so that no
 * subscriber's newer copy overtakes an older one. (With a send-only socket, its buffer is the one
 * that filled; the overflow goes through the channel's own socket, behind the copies already
 * handed to the kernel.) A copy the kernel refuses for another reason
 * (an unreachable recipient) is dropped, as Netty's path drops a failed datagram write, and
 * counted in {@link #refusedCopies()}.
 *
 * <p>Thread-safety: confined to the channel's event loop.
 */
final class NativeCopyWriter {

    /** Bytes of copies per {@code sendmmsg} call at most (about 400 copies of 1,200 bytes). */
    static final int DATA_BYTES = 512 * 1024;

    private static final int IOV_BYTES = 16;
    private static final int ALIGNMENT = 64;
    private static final Logger LOG = LoggerFactory.getLogger(NativeCopyWriter.class);

    private final DatagramBatch messages;
    /** iovecs first, then the copies; kept reachable here, freed by the GC with this writer. */
    private final ByteBuf region;
    private final long regionAddress;
    private final int dataStart;
    private final int dataBytes;
    /** Written by the event loop only; volatile for {@link #refusedCopies()} from other threads. */
    private volatile long refusedCopies;

    /**
     * A writer over {@code messages}, whose slot {@code i} sends the iovec at byte
     * {@code 16 * i} of {@code region}; the copies go after the last iovec.
     *
     * @param region native memory ({@link ByteBuf#hasMemoryAddress()}) of at least
     *     {@link #regionBytes}{@code (messages.capacity())} bytes
     */
    NativeCopyWriter(DatagramBatch messages, ByteBuf region) {
        this.messages = messages;
        this.region = region;
        this.regionAddress = region.memoryAddress();
        this.dataStart = messages.capacity() * IOV_BYTES;
        this.dataBytes = Math.min(DATA_BYTES, region.capacity() - dataStart);
    }

    /**
     * Size of a writer's region.
     *
     * @param slots datagrams per call
     * @return its iovecs and {@link #DATA_BYTES} of copies
     */
    static int regionBytes(int slots) {
        return slots * IOV_BYTES + DATA_BYTES;
    }

    /**
     * The address of slot {@code slot}'s iovec in a region.
     *
     * @param region the region
     * @param slot 0 and up
     * @return the native address
     */
    static long iovAddress(ByteBuf region, int slot) {
        return region.memoryAddress() + (long) slot * IOV_BYTES;
    }

    /**
     * A writer for an epoll channel (its {@link SendOnlySocket} when it can have one, else its
     * own socket), made on the channel's event loop.
     *
     * @param channel the channel whose socket sends
     * @return the writer, or null when the channel is not epoll, Netty's internals did not link,
     *     or this platform is not a 64-bit little-endian one (the iovec layout written here)
     */
    static NativeCopyWriter forChannel(Channel channel) {
        if (!EpollSendmmsg.isAvailable() || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN
                || PlatformDependent.addressSize() != 8) {
            return null;
        }
        int slots = EpollSendmmsg.MAX_MESSAGES;
        // Wrapped, not allocated through Netty: a region that lives as long as its channel's
        // handler, freed by the GC, and outside the leak detector's accounting of buffers.
        ByteBuf region = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(regionBytes(slots)));
        if (!region.hasMemoryAddress()) {
            return null;
        }
        long[] iovAddresses = new long[slots];
        for (int i = 0; i < slots; i++) {
            iovAddresses[i] = iovAddress(region, i);
        }
        EpollSendmmsg messages = EpollSendmmsg.forChannel(channel, iovAddresses);
        return messages == null ? null : new NativeCopyWriter(messages, region);
    }

    /**
     * The channel's {@link SendOnlySocket} the copies go out through, if any.
     *
     * @return the socket, or null when they go out through the channel's own socket
     */
    LinuxSocket sendOnlySocket() {
        return messages instanceof EpollSendmmsg epoll ? epoll.sendOnlySocket() : null;
    }

    /**
     * Why a writer cannot be made on any channel, for a log line.
     *
     * @return the failure to link Netty's internals, or null when they linked
     */
    static Throwable unavailableReason() {
        return EpollSendmmsg.unavailableReason();
    }

    /**
     * Sends {@code count} copies of {@code packet}: copy {@code i} to {@code recipients[i]},
     * carrying {@code transportSequences[i]} at {@code transportOffset} (unchanged for
     * {@link FanOutLanes#NO_SEQUENCE}).
     *
     * @param packet the shared packet; not released here
     * @param overflow the channel's ordinary path, for the copies a full socket buffer refuses
     * @return copies handed to {@code overflow} (0 unless the socket's buffer filled)
     */
    int send(ByteBuf packet, int transportOffset, int[] transportSequences, InetSocketAddress[] recipients, int count,
            DatagramSender overflow) {
        int length = packet.readableBytes();
        int stride = (length + ALIGNMENT - 1) & -ALIGNMENT;
        int perCall = Math.min(messages.capacity(), dataBytes / Math.max(stride, ALIGNMENT));
        if (perCall == 0) {
            // Larger than the region (not a UDP datagram size with the production region).
            return overflow(packet, transportOffset, transportSequences, recipients, 0, count, overflow);
        }
        int done = 0;
        while (done < count) {
            int batch = Math.min(perCall, count - done);
            fill(packet, length, stride, transportOffset, transportSequences, recipients, done, batch);
            int taken = sendAll(batch);
            if (taken < batch) {
                return overflow(packet, transportOffset, transportSequences, recipients, done + taken, count,
                        overflow);
            }
            done += batch;
        }
        return 0;
    }

    /** Copies {@code [from, count)} through the ordinary path, flushed (queued behind a full socket). */
    private static int overflow(ByteBuf packet, int transportOffset, int[] transportSequences,
            InetSocketAddress[] recipients, int from, int count, DatagramSender overflow) {
        for (int i = from; i < count; i++) {
            FanOutLanes.sendCopy(overflow, packet, transportOffset, transportSequences[i], recipients[i]);
        }
        overflow.flush();
        return count - from;
    }

    private void fill(ByteBuf packet, int length, int stride, int transportOffset, int[] transportSequences,
            InetSocketAddress[] recipients, int from, int batch) {
        int source = packet.readerIndex();
        for (int i = 0; i < batch; i++) {
            int at = dataStart + i * stride;
            region.setBytes(at, packet, source, length);
            int sequence = transportSequences[from + i];
            if (sequence != FanOutLanes.NO_SEQUENCE) {
                region.setShort(at + transportOffset, sequence);
            }
            int iov = i * IOV_BYTES;
            region.setLongLE(iov, regionAddress + at);
            region.setLongLE(iov + 8, length);
            messages.recipient(i, recipients[from + i]);
        }
    }

    /**
     * Hands messages {@code [0, batch)} to the kernel, skipping any it refuses one by one.
     *
     * @return {@code batch}, or the index of the first message not taken because the socket's
     *     send buffer is full
     */
    private int sendAll(int batch) {
        int offset = 0;
        while (offset < batch) {
            try {
                int taken = messages.send(offset, batch - offset);
                if (taken <= 0) {
                    return offset;
                }
                offset += taken;
            } catch (IOException refused) {
                // Only the first message of the call failed (sendmmsg reports an error only when
                // it sent nothing): drop that one copy and go on with the rest.
                refusedCopies = refusedCopies + 1; // one writer: no lost update
                LOG.debug("copy refused by the kernel", refused);
                offset++;
            }
        }
        return batch;
    }

    /**
     * Copies the kernel refused for a reason other than a full buffer, dropped. Any thread.
     *
     * @return the count since creation
     */
    long refusedCopies() {
        return refusedCopies;
    }
}
