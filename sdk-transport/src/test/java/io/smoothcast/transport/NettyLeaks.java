package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Turns Netty's ByteBuf leak reports (the detector runs at paranoid level in surefire and
 * failsafe) into test failures: {@link #install()} registers a listener on the detector that
 * tracks every ByteBuf; {@link #assertNoLeaks()} collects garbage, makes the detector look at its
 * queue, and fails with the leak records if any buffer was garbage collected without release.
 * Shared with the samples' tests through this module's test jar.
 */
public final class NettyLeaks {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static boolean installed;

    private NettyLeaks() {
    }

    public static synchronized void install() {
        if (installed) {
            return;
        }
        try {
            Field field = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
            field.setAccessible(true);
            ResourceLeakDetector<?> detector = (ResourceLeakDetector<?>) field.get(null);
            detector.setLeakListener((resourceType, records) -> LEAKS.add(resourceType + ": " + records));
            installed = true;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot hook Netty's leak detector", e);
        }
    }

    public static void assertNoLeaks() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            System.runFinalization();
            // The detector reports collected-but-unreleased buffers when it tracks new ones.
            for (int i = 0; i < 200; i++) {
                ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                buf.release();
            }
        }
        assertEquals(List.of(), LEAKS, "Netty ByteBuf leaks");
    }
}
