package io.smoothcast.quality;

import io.smoothcast.stats.Direction;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;
import io.smoothcast.stats.StatsTimes;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps the current {@link QualityLevel} of each stream per endpoint and direction. The caller
 * feeds it every snapshot, every 2 s (the interval of
 * {@link io.smoothcast.stats.ReceiveStatsSampler#DEFAULT_INTERVAL_NS}); each update grades the
 * snapshot with a {@link QualityGrader} and tells the {@link QualityListener} when the level
 * changed.
 *
 * <p>A stream that has never received media (or, on the send side, feedback) is graded from the
 * time it was first seen: it turns DOWN once that is {@link QualityThresholds#downAfterNs()} ago.
 *
 * <p>Not thread-safe: use from the one thread that samples statistics. Entries stay until
 * {@link #remove} is called for a stream that ended.
 */
public final class QualityMonitor {

    private final QualityGrader grader;
    private final QualityListener listener;
    private final Map<Key, Entry> entries = new HashMap<>();

    /**
     * @param grader the formula; not null
     * @param listener told of changes; not null (use {@link QualityListener#NONE})
     */
    public QualityMonitor(QualityGrader grader, QualityListener listener) {
        if (grader == null) {
            throw new IllegalArgumentException("grader must not be null");
        }
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        this.grader = grader;
        this.listener = listener;
    }

    /**
     * Grades a receive snapshot.
     *
     * @param stats the snapshot; not null
     * @return the stream's new level in the receive direction
     */
    public QualityLevel update(ReceiveStreamStats stats) {
        if (stats == null) {
            throw new IllegalArgumentException("stats must not be null");
        }
        return update(new Key(stats.streamId(), stats.endpointId(), Direction.RECEIVE),
                QualitySample.of(stats), stats.lastPacketReceivedNs(), stats.timestampNs());
    }

    /**
     * Grades a send snapshot.
     *
     * @param stats the snapshot; not null
     * @return the stream's new level in the send direction
     */
    public QualityLevel update(SendStreamStats stats) {
        if (stats == null) {
            throw new IllegalArgumentException("stats must not be null");
        }
        return update(new Key(stats.streamId(), stats.endpointId(), Direction.SEND),
                QualitySample.of(stats), stats.lastFeedbackReceivedNs(), stats.timestampNs());
    }

    private QualityLevel update(Key key, QualitySample sample, long lastMediaNs, long nowNs) {
        Entry entry = entries.computeIfAbsent(key, k -> new Entry(nowNs));
        if (lastMediaNs == StatsTimes.NEVER) {
            sample = new QualitySample(sample.lossFraction(), sample.roundTripTimeMs(), sample.jitterMs(),
                    sample.stallRate(), StatsTimes.ageNs(entry.firstSeenNs, nowNs));
        }
        QualityLevel level = grader.grade(sample);
        QualityLevel previous = entry.level;
        entry.level = level;
        if (level != previous) {
            listener.onQualityChanged(key.streamId, key.endpointId, key.direction, previous, level, nowNs);
        }
        return level;
    }

    /**
     * @param streamId the stream
     * @param endpointId the measuring endpoint ("" if there is only one)
     * @param direction send or receive
     * @return the latest level, UNKNOWN if the stream was never graded (or was removed)
     */
    public QualityLevel level(String streamId, String endpointId, Direction direction) {
        Entry entry = entries.get(new Key(streamId, endpointId, direction));
        return entry == null ? QualityLevel.UNKNOWN : entry.level;
    }

    /**
     * Forgets a stream that ended at an endpoint, in one direction.
     *
     * @param streamId the stream
     * @param endpointId the measuring endpoint
     * @param direction send or receive
     */
    public void remove(String streamId, String endpointId, Direction direction) {
        entries.remove(new Key(streamId, endpointId, direction));
    }

    /** @return the number of stream/endpoint/direction entries tracked */
    public int size() {
        return entries.size();
    }

    private record Key(String streamId, String endpointId, Direction direction) {
    }

    private static final class Entry {
        final long firstSeenNs;
        QualityLevel level = QualityLevel.UNKNOWN;

        Entry(long firstSeenNs) {
            this.firstSeenNs = firstSeenNs;
        }
    }
}
