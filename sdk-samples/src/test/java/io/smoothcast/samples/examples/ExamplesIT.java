package io.smoothcast.samples.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.transport.RelayNode;
import io.smoothcast.transport.ViewerStats;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README examples do what README says: the viewer example plays what the broadcaster example sends. */
class ExamplesIT {

    /** Three seconds of 30 fps frames, a keyframe every second, each frame's first byte its number. */
    private static final class CountingEncoder implements VideoEncoder {
        private int next;
        private volatile long bitrateBps;

        @Override
        public EncodedFrame next() {
            if (next == 150) {
                return null;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(33)); // a camera's frame rate
            byte[] data = new byte[2000];
            data[0] = (byte) next;
            return new EncodedFrame(data, System.nanoTime(), next++ % 30 == 0);
        }

        @Override
        public void setBitrate(long bitrateBps) {
            this.bitrateBps = bitrateBps;
        }

        @Override
        public void requestKeyframe() {
        }
    }

    @Test
    @Timeout(60)
    void viewerExample_playsWhatBroadcasterExampleSends() throws Exception {
        try (RelayNode relay = RelayNode.builder().build().start()) {
            AtomicInteger decoded = new AtomicInteger();
            AtomicInteger badLength = new AtomicInteger();
            CompletableFuture<ViewerStats> viewer = CompletableFuture.supplyAsync(() -> {
                try {
                    return ViewerExample.watch(relay.localAddress(), (data, length, keyframe) -> {
                        decoded.incrementAndGet();
                        if (length != 2000) {
                            badLength.incrementAndGet();
                        }
                    }, 7);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            CountingEncoder encoder = new CountingEncoder();
            BroadcasterExample.publish(relay.localAddress(), encoder);
            ViewerStats stats = viewer.get(30, TimeUnit.SECONDS);
            assertTrue(decoded.get() >= 60, "decoded " + decoded.get() + " frames; " + stats);
            assertEquals(0, badLength.get());
            assertTrue(encoder.bitrateBps > 0, "the listener should have set the encoder's bitrate");
        }
    }
}
