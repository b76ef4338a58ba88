package io.smoothcast.transport.internal.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NativeCopyWriter} over a recording {@link DatagramBatch}: what each slot's iovec points
 * at when the batch is sent (the copy's bytes, with its own number), how many copies go per
 * call, and where the copies go that a full socket or the kernel refuses.
 */
class NativeCopyWriterTest {

    private static final int SLOTS = 8;
    private static final int OFFSET = 14;

    private ByteBuf region;

    @BeforeEach
    void region() {
        region = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(NativeCopyWriter.regionBytes(SLOTS)));
        assumeTrue(region.hasMemoryAddress(), "the writer needs native addresses");
    }

    @Test
    void copiesCarryTheirOwnNumbers_inOrder_inCallsOfAtMostTheSlotCount() {
        RecordingBatch batch = new RecordingBatch(Integer.MAX_VALUE);
        NativeCopyWriter writer = new NativeCopyWriter(batch, region);
        ByteBuf packet = packet(300, 1);
        int count = 20;
        int[] sequences = new int[count];
        InetSocketAddress[] recipients = new InetSocketAddress[count];
        for (int i = 0; i < count; i++) {
            sequences[i] = 0xFFF0 + i & 0xFFFF; // wraps past 65535
            recipients[i] = new InetSocketAddress("127.0.0.1", 10_000 + i);
        }
        RecordingSender overflow = new RecordingSender();

        int queued = writer.send(packet, OFFSET, sequences, recipients, count, overflow);

        assertEquals(0, queued);
        assertEquals(List.of(8, 8, 4), batch.callSizes);
        assertEquals(count, batch.sent.size());
        for (int i = 0; i < count; i++) {
            assertEquals(recipients[i], batch.sent.get(i).recipient(), "copy " + i);
            assertArrayEquals(expected(packet, sequences[i]), batch.sent.get(i).bytes(), "copy " + i);
        }
        assertEquals(0, overflow.sent.size());
        packet.release();
    }

    @Test
    void aPacketWithoutTransportNumbers_goesOutUnchanged() {
        RecordingBatch batch = new RecordingBatch(Integer.MAX_VALUE);
        NativeCopyWriter writer = new NativeCopyWriter(batch, region);
        ByteBuf packet = packet(97, 2);
        int[] sequences = {FanOutLanes.NO_SEQUENCE, FanOutLanes.NO_SEQUENCE};
        InetSocketAddress[] recipients = {new InetSocketAddress("127.0.0.1", 1), new InetSocketAddress("127.0.0.1", 2)};

        writer.send(packet, OFFSET, sequences, recipients, 2, new RecordingSender());

        byte[] original = new byte[packet.readableBytes()];
        packet.getBytes(packet.readerIndex(), original);
        assertArrayEquals(original, batch.sent.get(0).bytes());
        assertArrayEquals(original, batch.sent.get(1).bytes());
        packet.release();
    }

    @Test
    void aFullSocketBuffer_queuesTheRestThroughTheOrdinaryPath_withTheirNumbers_inOrder() {
        // The kernel takes 11 copies (8 in the first call, 3 in the second), then reports EAGAIN.
        RecordingBatch batch = new RecordingBatch(11);
        NativeCopyWriter writer = new NativeCopyWriter(batch, region);
        ByteBuf packet = packet(200, 3);
        int count = 30;
        int[] sequences = new int[count];
        InetSocketAddress[] recipients = new InetSocketAddress[count];
        for (int i = 0; i < count; i++) {
            sequences[i] = 100 + i;
            recipients[i] = new InetSocketAddress("127.0.0.1", 20_000 + i);
        }
        RecordingSender overflow = new RecordingSender();

        int queued = writer.send(packet, OFFSET, sequences, recipients, count, overflow);

        assertEquals(count - 11, queued);
        assertEquals(11, batch.sent.size());
        assertEquals(count - 11, overflow.sent.size());
        assertEquals(1, overflow.flushes, "the queued copies are flushed, so that later copies wait behind them");
        for (int i = 11; i < count; i++) {
            RecordingSender.Sent sent = overflow.sent.get(i - 11);
            assertEquals(recipients[i], sent.recipient(), "copy " + i);
            assertArrayEquals(expected(packet, sequences[i]), sent.bytes(), "copy " + i);
        }
        assertEquals(0, writer.refusedCopies());
        assertEquals(1, packet.refCnt(), "the shared packet is not released by the writer");
        packet.release();
    }

    @Test
    void aCopyTheKernelRefuses_isDroppedAndCounted_theRestGoOut() {
        // The recipient of every fifth copy is refused (like EACCES for a broadcast address).
        InetSocketAddress refused = new InetSocketAddress("255.255.255.255", 9);
        RecordingBatch batch = new RecordingBatch(Integer.MAX_VALUE);
        batch.refuse = refused;
        NativeCopyWriter writer = new NativeCopyWriter(batch, region);
        ByteBuf packet = packet(120, 4);
        int count = 20;
        int[] sequences = new int[count];
        InetSocketAddress[] recipients = new InetSocketAddress[count];
        for (int i = 0; i < count; i++) {
            sequences[i] = i;
            recipients[i] = i % 5 == 2 ? refused : new InetSocketAddress("127.0.0.1", 30_000 + i);
        }

        int queued = writer.send(packet, OFFSET, sequences, recipients, count, new RecordingSender());

        assertEquals(0, queued);
        assertEquals(4, writer.refusedCopies());
        assertEquals(16, batch.sent.size());
        int next = 0;
        for (int i = 0; i < count; i++) {
            if (recipients[i] != refused) {
                assertEquals(recipients[i], batch.sent.get(next).recipient(), "copy " + i);
                assertArrayEquals(expected(packet, i), batch.sent.get(next).bytes(), "copy " + i);
                next++;
            }
        }
        packet.release();
    }

    @Test
    void randomLengthsAndCounts_everyCopyIntact() {
        long seed = 0x5EED8L;
        SplittableRandom random = new SplittableRandom(seed);
        RecordingBatch batch = new RecordingBatch(Integer.MAX_VALUE);
        NativeCopyWriter writer = new NativeCopyWriter(batch, region);
        for (int round = 0; round < 200; round++) {
            ByteBuf packet = packet(OFFSET + 2 + random.nextInt(1500), random.nextInt());
            int count = 1 + random.nextInt(40);
            int[] sequences = new int[count];
            InetSocketAddress[] recipients = new InetSocketAddress[count];
            for (int i = 0; i < count; i++) {
                sequences[i] = random.nextInt(0x10000);
                // A handful of addresses, in a different order each round: slots change recipients.
                recipients[i] = new InetSocketAddress("127.0.0.1", 40_000 + random.nextInt(6));
            }
            batch.sent.clear();
            writer.send(packet, OFFSET, sequences, recipients, count, new RecordingSender());
            assertEquals(count, batch.sent.size(), "seed " + seed + " round " + round);
            for (int i = 0; i < count; i++) {
                assertEquals(recipients[i], batch.sent.get(i).recipient(), "seed " + seed + " round " + round);
                assertArrayEquals(expected(packet, sequences[i]), batch.sent.get(i).bytes(),
                        "seed " + seed + " round " + round + " copy " + i);
            }
            packet.release();
        }
    }

    @Test
    void aPacketLargerThanTheRegion_takesTheOrdinaryPath() {
        ByteBuf small = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(SLOTS * 16 + 256));
        RecordingBatch batch = new RecordingBatch(Integer.MAX_VALUE);
        NativeCopyWriter writer = new NativeCopyWriter(batch, small);
        ByteBuf packet = packet(400, 5);
        RecordingSender overflow = new RecordingSender();

        int queued = writer.send(packet, OFFSET, new int[] {7, 8}, new InetSocketAddress[] {
            new InetSocketAddress("127.0.0.1", 1), new InetSocketAddress("127.0.0.1", 2)}, 2, overflow);

        assertEquals(2, queued);
        assertTrue(batch.sent.isEmpty());
        assertArrayEquals(expected(packet, 8), overflow.sent.get(1).bytes());
        packet.release();
    }

    /** A packet of {@code length} bytes at a non-zero reader index, bytes from {@code seed}. */
    private static ByteBuf packet(int length, int seed) {
        ByteBuf packet = Unpooled.directBuffer(length + 5);
        packet.writeZero(5).readerIndex(5);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < length; i++) {
            packet.writeByte(random.nextInt(256));
        }
        return packet;
    }

    private static byte[] expected(ByteBuf packet, int sequence) {
        byte[] bytes = new byte[packet.readableBytes()];
        packet.getBytes(packet.readerIndex(), bytes);
        if (sequence != FanOutLanes.NO_SEQUENCE) {
            bytes[OFFSET] = (byte) (sequence >>> 8);
            bytes[OFFSET + 1] = (byte) sequence;
        }
        return bytes;
    }

    /**
     * Reads what each slot's iovec points at when sent, as the kernel would; takes at most
     * {@code room} datagrams in all (then reports a full buffer), and refuses a message to
     * {@link #refuse} when it is the first of a call, as sendmmsg reports errors.
     */
    private final class RecordingBatch implements DatagramBatch {
        final List<RecordingSender.Sent> sent = new ArrayList<>();
        final List<Integer> callSizes = new ArrayList<>();
        final InetSocketAddress[] recipients = new InetSocketAddress[SLOTS];
        int room;
        InetSocketAddress refuse;

        RecordingBatch(int room) {
            this.room = room;
        }

        @Override
        public int capacity() {
            return SLOTS;
        }

        @Override
        public void recipient(int slot, InetSocketAddress recipient) {
            recipients[slot] = recipient;
        }

        @Override
        public int send(int offset, int count) throws IOException {
            callSizes.add(count);
            int taken = 0;
            for (int slot = offset; slot < offset + count && room > 0; slot++) {
                if (recipients[slot] == refuse) {
                    if (taken == 0) {
                        throw new IOException("refused");
                    }
                    break;
                }
                long iov = NativeCopyWriter.iovAddress(region, slot) - region.memoryAddress();
                long base = region.getLongLE((int) iov);
                int length = (int) region.getLongLE((int) iov + 8);
                byte[] bytes = new byte[length];
                region.getBytes((int) (base - region.memoryAddress()), bytes);
                sent.add(new RecordingSender.Sent(bytes, recipients[slot]));
                taken++;
                room--;
            }
            return taken;
        }
    }
}
