package io.smoothcast.abr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RenditionLadderTest {

    @Test
    void defaults_holdTheIssueLadderLowestFirst() {
        RenditionLadder ladder = RenditionLadder.defaults();
        assertEquals(5, ladder.size());
        assertTrue(ladder.hasAudioOnly());
        assertEquals(1, ladder.lowestVideoIndex());
        assertEquals(48_000, ladder.bitrateBps(0));
        assertEquals(400_000, ladder.bitrateBps(1));
        assertEquals(900_000, ladder.bitrateBps(2));
        assertEquals(1_800_000, ladder.bitrateBps(3));
        assertEquals(3_500_000, ladder.bitrateBps(4));
        assertEquals("1080p", ladder.get(ladder.highestIndex()).name());
    }

    @Test
    void highestVideoIndexAtOrBelow_neverReturnsAudioOnly() {
        RenditionLadder ladder = RenditionLadder.defaults();
        assertEquals(1, ladder.highestVideoIndexAtOrBelow(0));
        assertEquals(1, ladder.highestVideoIndexAtOrBelow(899_999));
        assertEquals(2, ladder.highestVideoIndexAtOrBelow(900_000));
        assertEquals(4, ladder.highestVideoIndexAtOrBelow(Long.MAX_VALUE));
    }

    @Test
    void of_rejectsUnorderedDuplicateMisplacedAudioAndVideoLessLadders() {
        Rendition a = Rendition.audioOnly("audio", 48_000);
        Rendition lo = Rendition.video("360p", 400_000, 640, 360);
        Rendition hi = Rendition.video("720p", 1_800_000, 1280, 720);
        assertThrows(IllegalArgumentException.class, () -> RenditionLadder.of(List.of()));
        assertThrows(IllegalArgumentException.class, () -> RenditionLadder.of(List.of(hi, lo)));
        assertThrows(IllegalArgumentException.class, () -> RenditionLadder.of(List.of(lo, lo)));
        assertThrows(IllegalArgumentException.class, () -> RenditionLadder.of(List.of(a)));
        assertThrows(IllegalArgumentException.class, () -> RenditionLadder.of(
                List.of(lo, Rendition.audioOnly("late-audio", 500_000))));
        RenditionLadder videoOnly = RenditionLadder.of(List.of(lo, hi));
        assertFalse(videoOnly.hasAudioOnly());
        assertEquals(0, videoOnly.lowestVideoIndex());
    }

    @Test
    void rendition_rejectsBadComponentsNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Rendition.video("x", 0, 10, 10));
        assertTrue(e.getMessage().contains("bitrateBps"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Rendition("x", 1, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new Rendition(" ", 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Rendition.video("x", 1, 0, 0));
    }
}
