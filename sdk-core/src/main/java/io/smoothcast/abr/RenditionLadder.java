package io.smoothcast.abr;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The renditions a broadcaster can send, ordered by bitrate from lowest (index 0) to highest.
 *
 * <p>Rules, checked on construction: at least one video rendition; bitrates strictly increasing;
 * names unique; at most one audio-only rendition and, if present, it is the lowest entry (it is
 * the fallback target of {@link RenditionSelector}).
 *
 * <p>Thread-safety: immutable, safe to share between threads.
 */
public final class RenditionLadder {

    private final Rendition[] renditions;
    private final long[] bitratesBps;
    private final boolean hasAudioOnly;

    private RenditionLadder(Rendition[] renditions) {
        this.renditions = renditions;
        this.bitratesBps = new long[renditions.length];
        for (int i = 0; i < renditions.length; i++) {
            bitratesBps[i] = renditions[i].bitrateBps();
        }
        this.hasAudioOnly = renditions[0].isAudioOnly();
    }

    /**
     * Returns the default ladder: audio-only 48 kbps, 360p 400 kbps, 540p 900 kbps,
     * 720p 1.8 Mbps, 1080p 3.5 Mbps.
     *
     * @return the default ladder
     */
    public static RenditionLadder defaults() {
        return of(List.of(
                Rendition.audioOnly("audio", 48_000),
                Rendition.video("360p", 400_000, 640, 360),
                Rendition.video("540p", 900_000, 960, 540),
                Rendition.video("720p", 1_800_000, 1280, 720),
                Rendition.video("1080p", 3_500_000, 1920, 1080)));
    }

    /**
     * Creates a ladder from renditions given from lowest to highest bitrate.
     *
     * @param renditions the renditions, lowest bitrate first
     * @return the ladder
     * @throws IllegalArgumentException if the list breaks a rule of this class
     */
    public static RenditionLadder of(List<Rendition> renditions) {
        Objects.requireNonNull(renditions, "renditions");
        if (renditions.isEmpty()) {
            throw new IllegalArgumentException("renditions must not be empty");
        }
        Rendition[] copy = new Rendition[renditions.size()];
        Set<String> names = new HashSet<>();
        boolean anyVideo = false;
        for (int i = 0; i < copy.length; i++) {
            Rendition r = Objects.requireNonNull(renditions.get(i), "renditions[" + i + "]");
            if (!names.add(r.name())) {
                throw new IllegalArgumentException("renditions: duplicate name " + r.name());
            }
            if (i > 0 && r.bitrateBps() <= copy[i - 1].bitrateBps()) {
                throw new IllegalArgumentException("renditions: bitrates must increase strictly, "
                        + r.name() + " (" + r.bitrateBps() + " bps) follows " + copy[i - 1].name()
                        + " (" + copy[i - 1].bitrateBps() + " bps)");
            }
            if (r.isAudioOnly() && i > 0) {
                throw new IllegalArgumentException(
                        "renditions: an audio-only rendition must be the lowest entry: " + r.name());
            }
            anyVideo |= !r.isAudioOnly();
            copy[i] = r;
        }
        if (!anyVideo) {
            throw new IllegalArgumentException("renditions: at least one video rendition needed");
        }
        return new RenditionLadder(copy);
    }

    /** Returns the number of renditions. */
    public int size() {
        return renditions.length;
    }

    /**
     * Returns a rendition.
     *
     * @param index 0 for the lowest bitrate
     * @return the rendition
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code [0, size())}
     */
    public Rendition get(int index) {
        return renditions[index];
    }

    /**
     * Returns the bitrate of a rendition.
     *
     * @param index 0 for the lowest bitrate
     * @return its bitrate in bits per second
     */
    public long bitrateBps(int index) {
        return bitratesBps[index];
    }

    /** Returns whether the lowest entry is audio-only. */
    public boolean hasAudioOnly() {
        return hasAudioOnly;
    }

    /** Returns the index of the lowest video rendition (1 with an audio-only entry, else 0). */
    public int lowestVideoIndex() {
        return hasAudioOnly ? 1 : 0;
    }

    /** Returns the index of the highest rendition. */
    public int highestIndex() {
        return renditions.length - 1;
    }

    /**
     * Returns the highest video rendition whose bitrate is at most {@code bitrateBps}, or the
     * lowest video rendition if none is. Never returns the audio-only entry.
     *
     * @param bitrateBps a bitrate in bits per second
     * @return a rendition index
     */
    public int highestVideoIndexAtOrBelow(long bitrateBps) {
        int lowest = lowestVideoIndex();
        for (int i = renditions.length - 1; i > lowest; i--) {
            if (bitratesBps[i] <= bitrateBps) {
                return i;
            }
        }
        return lowest;
    }

    /** Returns the renditions, lowest first, as an unmodifiable list. */
    public List<Rendition> asList() {
        return List.of(renditions);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RenditionLadder[");
        for (int i = 0; i < renditions.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(renditions[i].name()).append('@').append(bitratesBps[i]).append("bps");
        }
        return sb.append(']').toString();
    }
}
