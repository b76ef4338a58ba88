package io.smoothcast.samples.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The frame clock of the synthetic sources. No timing is asserted: only that frames come, where, and stop. */
class FramePacerTest {

    @Test
    void rejectsBadArguments_namingThem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new FramePacer("", 30, () -> { }))
                .getMessage().contains("threadName"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new FramePacer("p", 0, () -> { }))
                .getMessage().contains("framesPerSecond"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new FramePacer("p", 121, () -> { }))
                .getMessage().contains("framesPerSecond"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new FramePacer("p", 30, null))
                .getMessage().contains("frameDue"));
    }

    @Test
    void runsTheTaskOnItsOwnNamedThread_untilClosed() throws InterruptedException {
        CountDownLatch fiveFrames = new CountDownLatch(5);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        FramePacer pacer = new FramePacer("pacer-under-test", 120, () -> {
            threads.add(Thread.currentThread().getName());
            fiveFrames.countDown();
        });
        pacer.start();
        assertTrue(fiveFrames.await(30, TimeUnit.SECONDS), "five frames were due within 30 s");
        pacer.close();
        assertEquals(Set.of("pacer-under-test"), threads);
        assertThrows(IllegalStateException.class, pacer::start);
        assertDoesNotThrow(pacer::close, "close is idempotent");
    }

    @Test
    void closeBeforeStart_isHarmless() {
        FramePacer pacer = new FramePacer("never-started", 30, () -> { });
        assertDoesNotThrow(pacer::close);
    }
}
