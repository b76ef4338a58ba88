package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WindowedMaxTest {

    private static final long W = 1_000;

    @Test
    void aPeak_staysAtLeastOneWindow_andIsGoneTwoWindowsLater() {
        WindowedMax max = new WindowedMax(W);
        max.add(5, 0);
        max.add(40, 900);
        max.add(10, 1_100);
        assertEquals(40, max.max(1_100));
        assertEquals(40, max.max(1_999));
        assertEquals(10, max.max(2_000));
        assertEquals(0, max.max(3_000));
    }

    @Test
    void aGapLongerThanTwoWindows_forgetsEverything_andRestartsTheWindows() {
        WindowedMax max = new WindowedMax(W);
        max.add(70, 0);
        max.add(3, 5_500);
        assertEquals(3, max.max(5_500));
        assertEquals(3, max.max(7_499));
        assertEquals(0, max.max(7_500));
    }
}
