package io.smoothcast.transport.internal.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.smoothcast.netsim.LinkModel;
import io.smoothcast.time.ManualNanoClock;
import io.smoothcast.transport.internal.SingleWriterCounters;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The delay line in virtual time: an {@link EmbeddedChannel}'s event loop with frozen time,
 * advanced in step with a manual clock.
 */
class DelayLineTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final ManualNanoClock clock = new ManualNanoClock();
    private final SingleWriterCounters counters = new SingleWriterCounters(3);
    private final ForwardLateness lateness = new ForwardLateness();
    private final List<String> delivered = new ArrayList<>();
    private final DelayLine.Destination destination = content -> {
        delivered.add(content.toString(java.nio.charset.StandardCharsets.US_ASCII) + "@" + clock.nanoTime() / MS);
        content.release();
    };

    DelayLineTest() {
        channel.freezeTime();
    }

    @AfterEach
    void finish() {
        assertFalse(channel.finish());
    }

    private DelayLine line(LinkModel.Builder link) {
        return new DelayLine(link.build(), channel.eventLoop(), clock, counters, 0, 1, 2, lateness);
    }

    private void advance(long ns) {
        clock.advanceNs(ns);
        channel.advanceTimeBy(ns, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
    }

    private void offer(DelayLine line, String text) {
        ByteBuf buf = Unpooled.copiedBuffer(text, java.nio.charset.StandardCharsets.US_ASCII);
        line.offer(buf, destination, clock.nanoTime());
        buf.release(); // the caller's reference; a held datagram lives on through the line's own

    }

    @Test
    void datagrams_arriveAfterTheDelay_inOrder() {
        DelayLine line = line(LinkModel.builder().constantCapacityBps(1_000_000_000L).propagationDelayNs(50 * MS));
        offer(line, "a");
        advance(10 * MS);
        offer(line, "b");
        advance(39 * MS); // 49 ms: a is due at 50 ms plus 8 ns of serialization
        assertEquals(List.of(), delivered);
        advance(2 * MS);
        assertEquals(List.of("a@51"), delivered);
        advance(10 * MS);
        assertEquals(List.of("a@51", "b@61"), delivered);
        assertEquals(2, counters.get(0));
        // Each was sent within 1 ms of its time: the test's 1 ms steps, not lateness to report.
        assertEquals(0, lateness.lateCount());
        assertTrue(lateness.maxNs() < MS);
    }

    @Test
    void aWakeUpThatComesLate_isRecordedAsLatenessOfEveryDatagramItSends() {
        DelayLine line = line(LinkModel.builder().constantCapacityBps(1_000_000_000L).propagationDelayNs(50 * MS));
        offer(line, "a");
        advance(5 * MS);
        offer(line, "b");
        // A starved forwarding thread: the timer set for 50 ms runs at 90 ms.
        advance(90 * MS);
        assertEquals(List.of("a@95", "b@95"), delivered);
        assertEquals(2, lateness.count());
        assertEquals(2, lateness.lateCount());
        assertEquals(45 * MS, lateness.maxNs(), 1_000); // a: due at 50 ms (+8 ns), sent at 95 ms
        assertEquals(42_500 * 1_000L, lateness.meanNs(), 1_000); // (45 + 40) / 2 ms
    }

    @Test
    void capacity_spacesDatagramsOut() {
        // 8 kbit/s: a 10-byte datagram takes 10 ms to serialize.
        DelayLine line = line(LinkModel.builder().constantCapacityBps(8_000L));
        offer(line, "0123456789");
        offer(line, "abcdefghij");
        advance(10 * MS);
        assertEquals(List.of("0123456789@10"), delivered);
        advance(10 * MS);
        assertEquals(List.of("0123456789@10", "abcdefghij@20"), delivered);
    }

    @Test
    void lossAndQueueDrops_areCounted_andHeldDatagramsAreReleasedOnClose() {
        DelayLine lossy = line(LinkModel.builder().constantCapacityBps(1_000_000_000L).randomLoss(1.0));
        offer(lossy, "x");
        assertEquals(1, counters.get(1));
        DelayLine slow = line(LinkModel.builder().constantCapacityBps(8_000L).queueLimitNs(15 * MS)
                .propagationDelayNs(100 * MS));
        offer(slow, "0123456789");
        offer(slow, "0123456789");
        offer(slow, "0123456789"); // would wait 20 ms > 15 ms
        assertEquals(1, counters.get(2));
        slow.close(); // two datagrams held: released here, never delivered
        advance(200 * MS);
        assertEquals(List.of(), delivered);
    }
}
