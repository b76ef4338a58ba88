package io.smoothcast.transport;

import io.smoothcast.alert.AlertEvaluator;
import io.smoothcast.alert.AlertEvent;
import io.smoothcast.alert.AlertListener;
import io.smoothcast.alert.AlertRule;
import io.smoothcast.alert.DefaultAlertRules;
import io.smoothcast.alert.Subject;
import io.smoothcast.history.BackgroundHistoryWriter;
import io.smoothcast.quality.QualityGrader;
import io.smoothcast.quality.QualityListener;
import io.smoothcast.quality.QualityMonitor;
import io.smoothcast.stats.Direction;
import io.smoothcast.stats.NodeStats;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;
import io.smoothcast.time.NanoClock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operability for viewers, broadcasters and relay nodes of one process: samples their counters at
 * a fixed interval into immutable statistics snapshots, grades quality every 2 s, evaluates the
 * P0-P3 alert rules, logs the watched clients' moves between nodes ({@link NodeSwitchEvent}: read
 * from the clients themselves, no listener of the application needed), optionally appends the
 * statistics and alerts to a history, and publishes an
 * {@link OpsSnapshot} that exporters (Prometheus, Micrometer, a dashboard) read.
 *
 * <p>Sampling reads only counters the media threads already publish for other threads, plus one
 * small task per relay node per sample on that node's I/O thread (to copy its viewer counts), so
 * the media path takes no lock and allocates nothing more.
 *
 * <pre>{@code
 * try (OpsMonitor ops = OpsMonitor.builder().alertListener(printer).build()) {
 *     ops.watch(relay, "fra-1", "eu-central");
 *     ops.watch(viewer, new Subject("match-42", "viewer-1", "fra-1", "eu-central"));
 *     ops.start();                      // samples every second on the "smoothcast-ops" thread
 *     OpsSnapshot now = ops.latest();   // any thread
 * }
 * }</pre>
 *
 * <p>Thread-safety: {@code watch}, {@code unwatch}, {@link #latest()} and {@link #close()} may be
 * called from any thread. {@link #sample(long)} (the duty cycle) runs on the monitor's own thread
 * once started, or on the caller's thread in tests; never on both. Alert, quality and snapshot
 * listeners are called on the sampling thread; they must be quick and must not throw.
 */
public final class OpsMonitor implements AutoCloseable {

    /** Default sampling interval of the statistics: 1 s (the dashboard's refresh). */
    public static final long DEFAULT_STATS_INTERVAL_NS = 1_000_000_000L;
    /** Interval of quality grading and alert evaluation: 2 s, what the default rules expect. */
    public static final long QUALITY_INTERVAL_NS = 2_000_000_000L;
    /** Default number of recent alert events kept in the snapshot. */
    public static final int DEFAULT_RECENT_EVENTS = 200;

    private static final Logger LOG = LoggerFactory.getLogger(OpsMonitor.class);

    private final NanoClock clock;
    private final LongSupplier wallClockMs;
    private final long statsIntervalNs;
    private final int recentEventCapacity;
    private final AlertEvaluator alerts;
    private final QualityMonitor quality;
    private final BackgroundHistoryWriter history;
    private final List<Consumer<OpsSnapshot>> snapshotListeners = new CopyOnWriteArrayList<>();
    private final List<AlertListener> alertListeners = new CopyOnWriteArrayList<>();
    private final List<ViewerStatsSource> viewers = new CopyOnWriteArrayList<>();
    private final List<BroadcasterStatsSource> broadcasters = new CopyOnWriteArrayList<>();
    private final List<RelayStatsSource> relays = new CopyOnWriteArrayList<>();
    /** Written and read on the sampling thread only. */
    private final ArrayDeque<AlertEvent> recentEvents = new ArrayDeque<>();
    /** Written and read on the sampling thread only. */
    private final ArrayDeque<NodeSwitchEvent> recentSwitches = new ArrayDeque<>();
    private final Object lifecycleLock = new Object();
    private ScheduledExecutorService executor;
    private boolean closed;
    private boolean qualityDue = true;
    private long lastQualityNs;
    private volatile OpsSnapshot latest = OpsSnapshot.EMPTY;

    private OpsMonitor(Builder b) {
        this.clock = b.clock;
        this.wallClockMs = b.wallClockMs;
        this.statsIntervalNs = b.statsIntervalNs;
        this.recentEventCapacity = b.recentEvents;
        this.history = b.history;
        this.alertListeners.addAll(b.alertListeners);
        this.snapshotListeners.addAll(b.snapshotListeners);
        this.alerts = AlertEvaluator.builder().rules(b.rules).listener(new Fanout()).build();
        this.quality = new QualityMonitor(b.grader, b.qualityListener);
    }

    /** @return a builder with the documented defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Watches a viewer. Its moves between nodes are logged from now on (earlier ones are not:
     * an event's time is when the monitor saw the move).
     *
     * @param viewer the viewer; not null
     * @param subject its stream, endpoint, serving node and region; not null, stream not empty
     */
    public void watch(Viewer viewer, Subject subject) {
        requireNonNull(viewer, "viewer");
        requireStream(subject);
        viewers.add(new ViewerStatsSource(viewer, subject, statsIntervalNs));
    }

    /**
     * Watches a broadcaster. Its moves between nodes are logged from now on (earlier ones are not:
     * an event's time is when the monitor saw the move).
     *
     * @param broadcaster the broadcaster; not null
     * @param subject its stream, endpoint, ingest node and region; not null, stream not empty
     */
    public void watch(Broadcaster broadcaster, Subject subject) {
        requireNonNull(broadcaster, "broadcaster");
        requireStream(subject);
        broadcasters.add(new BroadcasterStatsSource(broadcaster, subject, statsIntervalNs));
    }

    /**
     * Watches a relay node: its audience per stream and its traffic.
     *
     * @param node the node; not null
     * @param nodeId the name it is reported under; not empty
     * @param region its region; "" when unknown
     */
    public void watch(RelayNode node, String nodeId, String region) {
        requireNonNull(node, "node");
        if (nodeId == null || nodeId.isEmpty()) {
            throw new IllegalArgumentException("nodeId must not be empty");
        }
        requireNonNull(region, "region");
        relays.add(new RelayStatsSource(node, nodeId, region));
    }

    /**
     * Stops watching a viewer, broadcaster or relay node (for example once closed). Its alerts
     * clear through the evaluator's subject timeout.
     *
     * @param watched the object given to {@code watch}
     */
    public void unwatch(Object watched) {
        viewers.removeIf(s -> s.viewer == watched);
        broadcasters.removeIf(s -> s.broadcaster == watched);
        relays.removeIf(s -> s.node == watched);
    }

    /**
     * Adds an alert listener (for example one that prints); called on the sampling thread.
     *
     * @param listener the listener; not null
     */
    public void addAlertListener(AlertListener listener) {
        alertListeners.add(requireNonNull(listener, "listener"));
    }

    /**
     * Adds a listener told of every new snapshot; called on the sampling thread.
     *
     * @param listener the listener; not null
     */
    public void addSnapshotListener(Consumer<OpsSnapshot> listener) {
        snapshotListeners.add(requireNonNull(listener, "listener"));
    }

    /** @return the sampling interval of the statistics, nanoseconds */
    public long statsIntervalNs() {
        return statsIntervalNs;
    }

    /** @return the latest snapshot ({@link OpsSnapshot#EMPTY} before the first sample); any thread */
    public OpsSnapshot latest() {
        return latest;
    }

    /**
     * Starts sampling every {@link Builder#statsIntervalNs} on a daemon thread named
     * {@code smoothcast-ops}.
     *
     * @return this monitor
     * @throws IllegalStateException if already started or closed
     */
    public OpsMonitor start() {
        synchronized (lifecycleLock) {
            if (closed || executor != null) {
                throw new IllegalStateException(closed ? "monitor is closed" : "monitor already started");
            }
            executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "smoothcast-ops");
                t.setDaemon(true);
                return t;
            });
            executor.scheduleAtFixedRate(this::sampleSafely, 0, statsIntervalNs, TimeUnit.NANOSECONDS);
            return this;
        }
    }

    private void sampleSafely() {
        try {
            sample(clock.nanoTime());
        } catch (RuntimeException e) {
            LOG.warn("statistics sample failed", e);
        }
    }

    /**
     * One duty cycle: samples every watched object, grades quality and evaluates alerts when 2 s
     * have passed since the last grading, offers everything to the history, and publishes the
     * snapshot. Called by the monitor's thread once started; tests call it directly with virtual
     * time.
     *
     * @param nowNs the current instant, monotonic nanoseconds of the monitor's clock
     * @return the new snapshot
     */
    public OpsSnapshot sample(long nowNs) {
        List<ReceiveStreamStats> receive = new ArrayList<>(viewers.size());
        for (ViewerStatsSource s : viewers) {
            receive.add(s.sample(nowNs));
            s.switches(nowNs, this::recordSwitch);
        }
        List<SendStreamStats> send = new ArrayList<>(broadcasters.size());
        for (BroadcasterStatsSource s : broadcasters) {
            send.add(s.sample(nowNs));
            s.switches(nowNs, this::recordSwitch);
        }
        List<NodeStats> nodes = new ArrayList<>(relays.size());
        for (RelayStatsSource s : relays) {
            nodes.add(s.sample(nowNs));
        }
        if (qualityDue || nowNs - lastQualityNs >= QUALITY_INTERVAL_NS) {
            qualityDue = false;
            lastQualityNs = nowNs;
            for (ReceiveStreamStats r : receive) {
                quality.update(r);
                alerts.onStats(r);
            }
            for (SendStreamStats s : send) {
                quality.update(s);
                alerts.onStats(s);
            }
            for (NodeStats n : nodes) {
                alerts.onStats(n);
            }
            alerts.tick(nowNs);
        }
        if (history != null) {
            receive.forEach(history::offer);
            send.forEach(history::offer);
            nodes.forEach(history::offer);
        }
        List<OpsSnapshot.StreamQuality> levels = new ArrayList<>(receive.size() + send.size());
        for (ReceiveStreamStats r : receive) {
            levels.add(new OpsSnapshot.StreamQuality(r.streamId(), r.endpointId(), Direction.RECEIVE,
                    quality.level(r.streamId(), r.endpointId(), Direction.RECEIVE)));
        }
        for (SendStreamStats s : send) {
            levels.add(new OpsSnapshot.StreamQuality(s.streamId(), s.endpointId(), Direction.SEND,
                    quality.level(s.streamId(), s.endpointId(), Direction.SEND)));
        }
        OpsSnapshot snapshot = new OpsSnapshot(nowNs, wallClockMs.getAsLong(), receive, send, nodes, levels,
                alerts.activeAlerts(), new ArrayList<>(recentEvents), new ArrayList<>(recentSwitches));
        latest = snapshot;
        for (Consumer<OpsSnapshot> l : snapshotListeners) {
            try {
                l.accept(snapshot);
            } catch (RuntimeException e) {
                LOG.warn("snapshot listener threw", e);
            }
        }
        return snapshot;
    }

    private void recordSwitch(NodeSwitchEvent event) {
        keepRecent(recentSwitches, event);
    }

    private <T> void keepRecent(ArrayDeque<T> recent, T event) {
        recent.addLast(event);
        while (recent.size() > recentEventCapacity) {
            recent.removeFirst();
        }
    }

    /** Stops the sampling thread and closes the history (if one was given). Idempotent. */
    @Override
    public void close() {
        ScheduledExecutorService toStop;
        synchronized (lifecycleLock) {
            if (closed) {
                return;
            }
            closed = true;
            toStop = executor;
        }
        if (toStop != null) {
            toStop.shutdownNow();
            try {
                toStop.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (history != null) {
            try {
                history.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static <T> T requireNonNull(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    private static void requireStream(Subject subject) {
        requireNonNull(subject, "subject");
        if (subject.streamId().isEmpty()) {
            throw new IllegalArgumentException("subject.streamId must not be empty");
        }
    }

    /** Keeps the recent events, writes them to the history and tells every listener. */
    private final class Fanout implements AlertListener {
        @Override
        public void onRaised(AlertEvent event) {
            record(event);
            for (AlertListener l : alertListeners) {
                try {
                    l.onRaised(event);
                } catch (RuntimeException e) {
                    LOG.warn("alert listener threw", e);
                }
            }
        }

        @Override
        public void onCleared(AlertEvent event) {
            record(event);
            for (AlertListener l : alertListeners) {
                try {
                    l.onCleared(event);
                } catch (RuntimeException e) {
                    LOG.warn("alert listener threw", e);
                }
            }
        }

        private void record(AlertEvent event) {
            keepRecent(recentEvents, event);
            if (history != null) {
                history.offer(event);
            }
        }
    }

    /**
     * Options of an {@link OpsMonitor}. Not thread-safe.
     */
    public static final class Builder {
        private NanoClock clock = NanoClock.system();
        private LongSupplier wallClockMs = System::currentTimeMillis;
        private long statsIntervalNs = DEFAULT_STATS_INTERVAL_NS;
        private int recentEvents = DEFAULT_RECENT_EVENTS;
        private List<AlertRule> rules = DefaultAlertRules.create();
        private QualityGrader grader = QualityGrader.defaults();
        private QualityListener qualityListener = QualityListener.NONE;
        private BackgroundHistoryWriter history;
        private final List<AlertListener> alertListeners = new ArrayList<>();
        private final List<Consumer<OpsSnapshot>> snapshotListeners = new ArrayList<>();

        private Builder() {
        }

        /**
         * @param v the monotonic clock sampled by the monitor's thread; default the system clock
         * @return this builder
         */
        public Builder clock(NanoClock v) {
            clock = requireNonNull(v, "clock");
            return this;
        }

        /**
         * @param v wall clock for snapshot times, ms since the epoch; default {@code System::currentTimeMillis}
         * @return this builder
         */
        public Builder wallClockMs(LongSupplier v) {
            wallClockMs = requireNonNull(v, "wallClockMs");
            return this;
        }

        /**
         * @param v statistics sampling interval, nanoseconds, between 10 ms and 60 s; default 1 s
         * @return this builder
         */
        public Builder statsIntervalNs(long v) {
            if (v < 10_000_000L || v > 60_000_000_000L) {
                throw new IllegalArgumentException("statsIntervalNs must be in [10 ms, 60 s]: " + v);
            }
            statsIntervalNs = v;
            return this;
        }

        /**
         * @param v alert rules; not null; default {@link DefaultAlertRules#create()}
         * @return this builder
         */
        public Builder rules(List<AlertRule> v) {
            rules = List.copyOf(requireNonNull(v, "rules"));
            return this;
        }

        /**
         * @param v the quality formula; default {@link QualityGrader#defaults()}
         * @return this builder
         */
        public Builder qualityGrader(QualityGrader v) {
            grader = requireNonNull(v, "qualityGrader");
            return this;
        }

        /**
         * @param v told when a stream's quality level changes; default none
         * @return this builder
         */
        public Builder qualityListener(QualityListener v) {
            qualityListener = requireNonNull(v, "qualityListener");
            return this;
        }

        /**
         * @param v an alert listener, called on the sampling thread (may be called several times to
         *     add more); default none
         * @return this builder
         */
        public Builder alertListener(AlertListener v) {
            alertListeners.add(requireNonNull(v, "alertListener"));
            return this;
        }

        /**
         * @param v a snapshot listener, called on the sampling thread after each sample (may be called
         *     several times to add more); default none
         * @return this builder
         */
        public Builder snapshotListener(Consumer<OpsSnapshot> v) {
            snapshotListeners.add(requireNonNull(v, "snapshotListener"));
            return this;
        }

        /**
         * @param v where statistics and alert events are appended; owned (closed) by the monitor; default none
         * @return this builder
         */
        public Builder history(BackgroundHistoryWriter v) {
            history = requireNonNull(v, "history");
            return this;
        }

        /**
         * @param v alert events kept in snapshots, >= 1, and as many moves between nodes
         *     ({@link OpsSnapshot#recentNodeSwitches()}); default {@link OpsMonitor#DEFAULT_RECENT_EVENTS}
         * @return this builder
         */
        public Builder recentEvents(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("recentEvents must be >= 1: " + v);
            }
            recentEvents = v;
            return this;
        }

        /** @return the monitor (not started) */
        public OpsMonitor build() {
            return new OpsMonitor(this);
        }
    }
}
