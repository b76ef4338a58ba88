package io.smoothcast.jitter;

import static io.smoothcast.jitter.Packets.MS;
import static io.smoothcast.jitter.Packets.TICKS_PER_FRAME;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link SpscJitterBuffer#playoutTimeNs(int)}: when the buffer plays a frame of a given RTP
 * timestamp, and that polling with a shifted time moves its whole timeline. Virtual time.
 */
class PlayoutTimeTest {

    @Test
    void emptyBuffer_hasNoPlayoutTime() {
        SpscJitterBuffer buffer = Packets.fixed(100).build();
        assertEquals(SpscJitterBuffer.NO_PLAYOUT_TIME, buffer.playoutTimeNs(0));
    }

    @Test
    void fixedDelay_heldFrame_playsAtArrivalPlusDelay_laterTimestampsLaterByTheirTicks() {
        SpscJitterBuffer buffer = Packets.fixed(100).build();
        long arrivalNs = 5_000 * MS;
        Packets.offer(buffer, 7, 90_000, true, arrivalNs);

        assertEquals(arrivalNs + 100 * MS, buffer.playoutTimeNs(90_000));
        assertEquals(arrivalNs + 100 * MS + 1_000 * MS, buffer.playoutTimeNs(180_000), "90,000 ticks = 1 s later");
        assertEquals(arrivalNs + 100 * MS - 500 * MS, buffer.playoutTimeNs(45_000), "earlier timestamps too");
    }

    @Test
    void timestampsAcrossTheWrap_areOneTimeline() {
        SpscJitterBuffer buffer = Packets.fixed(50).build();
        Packets.offer(buffer, 1, 0xFFFF_FF00, true, 0);
        assertEquals(50 * MS + 512L * 1_000_000_000L / 90_000, buffer.playoutTimeNs(0x0000_0100));
    }

    @Test
    void pollingWithAShift_playsEachFrameThatMuchLater_andTheNextHeldFrameTellsTheTime() {
        SpscJitterBuffer buffer = Packets.fixed(100).build();
        for (int i = 0; i < 3; i++) {
            Packets.offer(buffer, i, i * TICKS_PER_FRAME, true, i * 33 * MS);
        }
        long secondNs = buffer.playoutTimeNs(TICKS_PER_FRAME);
        long shiftNs = 40 * MS;
        RecordingHandler handler = new RecordingHandler();
        // the app's clock runs shiftNs ahead of the time the buffer is polled with
        buffer.poll(secondNs, handler);
        assertEquals(2, handler.frames.size(), "unshifted, the second frame is due at its own time");
        buffer = Packets.fixed(100).build();
        for (int i = 0; i < 3; i++) {
            Packets.offer(buffer, i, i * TICKS_PER_FRAME, true, i * 33 * MS);
        }
        handler.frames.clear();
        long appNs = secondNs + shiftNs - 1;
        buffer.poll(appNs - shiftNs, handler);
        assertEquals(1, handler.frames.size(), "shifted, the second frame is not due 1 ns before its time + shift");
        assertEquals(secondNs, buffer.playoutTimeNs(TICKS_PER_FRAME), "still held: same answer");
        appNs++;
        buffer.poll(appNs - shiftNs, handler);
        assertEquals(2, handler.frames.size());
        assertEquals(secondNs + 33_333_333L, buffer.playoutTimeNs(2 * TICKS_PER_FRAME),
                "from the third frame, the one now held");
        buffer.poll(appNs + 1_000 * MS, handler);
        assertEquals(3, handler.frames.size());
        assertEquals(SpscJitterBuffer.NO_PLAYOUT_TIME, buffer.playoutTimeNs(0), "all played: nothing held");
    }
}
