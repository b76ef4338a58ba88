package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The start-once, close-once rule all four endpoints share. */
class LifecycleTest {

    @Test
    void startsOnce_closesOnce_andNeverStartsAfterClose() {
        Lifecycle lifecycle = new Lifecycle("node");
        lifecycle.start();
        assertEquals("node already started",
                assertThrows(IllegalStateException.class, lifecycle::start).getMessage());
        assertFalse(lifecycle.closed());
        assertTrue(lifecycle.close());
        assertFalse(lifecycle.close(), "a second close has nothing left to do");
        assertTrue(lifecycle.closed());
        assertEquals("node is closed and cannot start again: build a new one",
                assertThrows(IllegalStateException.class, lifecycle::start).getMessage());
    }

    @Test
    void closedBeforeStart_cannotStart() {
        Lifecycle lifecycle = new Lifecycle("viewer");
        assertTrue(lifecycle.close());
        assertEquals("viewer is closed and cannot start again: build a new one",
                assertThrows(IllegalStateException.class, lifecycle::start).getMessage());
    }
}
