package io.smoothcast.alert;

import io.smoothcast.alert.internal.ConditionTracker;
import io.smoothcast.stats.NodeStats;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;
import io.smoothcast.stats.StatsTimes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks {@link AlertRule}s against statistics snapshots and tells an {@link AlertListener} when
 * alerts are raised and cleared.
 *
 * <p>Feed it every snapshot ({@link #onStats(ReceiveStreamStats)} and its overloads, or
 * {@link #onSample} for custom metrics) and call {@link #tick(long)} once per sampling interval;
 * it never reads a clock: times come from the snapshots' {@code timestampNs} and from the
 * {@code nowNs} given to {@code tick}. On each snapshot, every rule whose condition looks at that
 * source reads its metric; a NaN value is no sample. {@code tick} raises {@link NoMediaRule}
 * alerts for streams that went silent and expires subjects that stopped reporting for
 * {@link Builder#subjectTimeoutNs(long)}: their alerts clear and they leave their groups.
 *
 * <p>Raised and cleared events always pair up (see {@link AlertEvent}); {@link #activeAlerts()}
 * lists the RAISED events not yet cleared. Memory is bounded: beyond
 * {@link Builder#maxSubjects(int)} subjects (or as many streams watched for media), samples from
 * new subjects are dropped and counted in {@link #droppedSamples()}.
 *
 * <p>Not thread-safe: one thread (the statistics thread, off the media path) calls every method;
 * listener callbacks run on it, synchronously.
 */
public final class AlertEvaluator {

    /** Default time after which a subject that stopped reporting is forgotten: 10 s. */
    public static final long DEFAULT_SUBJECT_TIMEOUT_NS = 10_000_000_000L;
    /** Default bound on tracked subjects (and on streams watched for media). */
    public static final int DEFAULT_MAX_SUBJECTS = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(AlertEvaluator.class);

    private final List<AlertRule> rules;
    private final AlertListener listener;
    private final long subjectTimeoutNs;
    private final int maxSubjects;

    private final Map<String, SubjectEntry> subjects = new HashMap<>();
    /** Per rule index: group states of a GroupRule, keyed by group key (null for other rules). */
    private final List<Map<String, GroupState>> groups = new ArrayList<>();
    /** Per rule index: media states of a NoMediaRule, keyed by stream id (null for other rules). */
    private final List<Map<String, MediaState>> media = new ArrayList<>();
    private final Map<String, AlertEvent> active = new LinkedHashMap<>();
    private long nextIncidentId = 1;
    private long droppedSamples;
    private long outOfOrderSamples;
    private long listenerFailures;

    private AlertEvaluator(Builder b) {
        this.rules = List.copyOf(b.rules);
        this.listener = b.listener;
        this.subjectTimeoutNs = b.subjectTimeoutNs;
        this.maxSubjects = b.maxSubjects;
        for (AlertRule rule : rules) {
            groups.add(rule instanceof GroupRule ? new HashMap<>() : null);
            media.add(rule instanceof NoMediaRule ? new HashMap<>() : null);
        }
    }

    /** @return a builder with no rules, {@link AlertListener#NONE} and the default bounds */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the rules checked, in the order given */
    public List<AlertRule> rules() {
        return rules;
    }

    /**
     * Checks a receive snapshot (viewer, or ingest node) against every rule, including the
     * no-media rules.
     *
     * @param stats the snapshot; not null
     */
    public void onStats(ReceiveStreamStats stats) {
        requireStats(stats);
        Subject subject = new Subject(stats.streamId(), stats.endpointId(), stats.nodeId(), stats.region());
        SubjectEntry entry = entry(SampleSource.RECEIVE, subject, stats.timestampNs());
        for (int i = 0; i < rules.size(); i++) {
            AlertRule rule = rules.get(i);
            if (rule instanceof NoMediaRule noMedia) {
                onMedia(i, noMedia, subject, stats.lastPacketReceivedNs(), stats.timestampNs());
            } else if (entry != null) {
                AlertCondition c = condition(rule);
                if (c.sources().contains(SampleSource.RECEIVE)) {
                    onValue(i, entry, c.metric().read(stats), stats.timestampNs());
                }
            }
        }
    }

    /**
     * Checks a send snapshot (broadcaster, or a relay's leg to a subscriber).
     *
     * @param stats the snapshot; not null
     */
    public void onStats(SendStreamStats stats) {
        requireStats(stats);
        Subject subject = new Subject(stats.streamId(), stats.endpointId(), stats.nodeId(), stats.region());
        SubjectEntry entry = entry(SampleSource.SEND, subject, stats.timestampNs());
        if (entry == null) {
            return;
        }
        for (int i = 0; i < rules.size(); i++) {
            AlertCondition c = condition(rules.get(i));
            if (c != null && c.sources().contains(SampleSource.SEND)) {
                onValue(i, entry, c.metric().read(stats), stats.timestampNs());
            }
        }
    }

    /**
     * Checks a node snapshot.
     *
     * @param stats the snapshot; not null
     */
    public void onStats(NodeStats stats) {
        requireStats(stats);
        Subject subject = new Subject("", "", stats.nodeId(), stats.region());
        SubjectEntry entry = entry(SampleSource.NODE, subject, stats.timestampNs());
        if (entry == null) {
            return;
        }
        for (int i = 0; i < rules.size(); i++) {
            AlertCondition c = condition(rules.get(i));
            if (c != null && c.sources().contains(SampleSource.NODE)) {
                onValue(i, entry, c.metric().read(stats), stats.timestampNs());
            }
        }
    }

    /**
     * Checks one value of a metric, for rules whose condition uses that metric and accepts
     * {@link SampleSource#CUSTOM} samples.
     *
     * @param metric the metric; not null
     * @param value its value (NaN is ignored)
     * @param subject what the value describes; not null
     * @param timeNs when it was measured, monotonic nanoseconds
     */
    public void onSample(Metric metric, double value, Subject subject, long timeNs) {
        if (metric == null) {
            throw new IllegalArgumentException("metric must not be null");
        }
        if (subject == null) {
            throw new IllegalArgumentException("subject must not be null");
        }
        SubjectEntry entry = entry(SampleSource.CUSTOM, subject, timeNs);
        if (entry == null) {
            return;
        }
        for (int i = 0; i < rules.size(); i++) {
            AlertCondition c = condition(rules.get(i));
            if (c != null && c.metric().equals(metric) && c.sources().contains(SampleSource.CUSTOM)) {
                onValue(i, entry, value, timeNs);
            }
        }
    }

    /**
     * The periodic check: raises no-media alerts for silent streams and expires subjects that
     * have not reported for the subject timeout. Call it once per sampling interval.
     *
     * @param nowNs the current instant, monotonic nanoseconds
     */
    public void tick(long nowNs) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i) instanceof NoMediaRule noMedia) {
                for (MediaState state : media.get(i).values()) {
                    checkMedia(noMedia, state, nowNs);
                }
            }
        }
        List<SubjectEntry> expired = new ArrayList<>();
        for (SubjectEntry e : subjects.values()) {
            if (nowNs - e.lastSampleNs >= subjectTimeoutNs) {
                expired.add(e);
            }
        }
        for (SubjectEntry e : expired) {
            forget(e, nowNs, "no samples for " + (nowNs - e.lastSampleNs) / 1_000_000 + " ms");
        }
    }

    /**
     * Forgets a stream that ended: its no-media watch stops and the subjects reporting it are
     * forgotten; their open alerts clear.
     *
     * @param streamId the stream; not empty
     * @param nowNs the current instant, monotonic nanoseconds
     */
    public void removeStream(String streamId, long nowNs) {
        if (streamId == null || streamId.isEmpty()) {
            throw new IllegalArgumentException("streamId must not be empty: " + streamId);
        }
        for (int i = 0; i < rules.size(); i++) {
            Map<String, MediaState> states = media.get(i);
            if (states == null) {
                continue;
            }
            MediaState state = states.remove(streamId);
            if (state != null && state.active) {
                clear(rules.get(i), mediaScope(rules.get(i), streamId), "media_age_ms", Double.NaN,
                        Double.NaN, nowNs, 0, 1, "stream removed");
            }
        }
        List<SubjectEntry> ended = new ArrayList<>();
        for (SubjectEntry e : subjects.values()) {
            if (e.subject.streamId().equals(streamId)) {
                ended.add(e);
            }
        }
        for (SubjectEntry e : ended) {
            forget(e, nowNs, "stream removed");
        }
    }

    /** @return the RAISED events of alerts not yet cleared, oldest first */
    public List<AlertEvent> activeAlerts() {
        return new ArrayList<>(active.values());
    }

    /** @return subjects currently tracked */
    public int subjectCount() {
        return subjects.size();
    }

    /** @return samples dropped because the subject bound was reached */
    public long droppedSamples() {
        return droppedSamples;
    }

    /** @return samples ignored because they were older than a subject's newest sample */
    public long outOfOrderSamples() {
        return outOfOrderSamples;
    }

    /** @return listener callbacks that threw */
    public long listenerFailures() {
        return listenerFailures;
    }

    // ---------------------------------------------------------------- samples

    private static void requireStats(Object stats) {
        if (stats == null) {
            throw new IllegalArgumentException("stats must not be null");
        }
    }

    private static AlertCondition condition(AlertRule rule) {
        if (rule instanceof ThresholdRule t) {
            return t.condition();
        }
        if (rule instanceof GroupRule g) {
            return g.condition();
        }
        return null;
    }

    private SubjectEntry entry(SampleSource source, Subject subject, long timeNs) {
        String key = source == SampleSource.NODE
                ? source + "|" + subject.nodeId()
                : source + "|" + subject.streamId() + "|" + subject.endpointId()
                        + (source == SampleSource.CUSTOM ? "|" + subject.nodeId() : "");
        SubjectEntry e = subjects.get(key);
        if (e == null) {
            if (subjects.size() >= maxSubjects) {
                droppedSamples++;
                return null;
            }
            e = new SubjectEntry(key, rules.size());
            subjects.put(key, e);
        } else if (timeNs - e.lastSampleNs < 0) {
            outOfOrderSamples++;
            return null;
        }
        e.subject = subject;
        e.lastSampleNs = timeNs;
        return e;
    }

    private void onValue(int ruleIndex, SubjectEntry e, double value, long timeNs) {
        if (Double.isNaN(value)) {
            return;
        }
        AlertRule rule = rules.get(ruleIndex);
        AlertCondition c = condition(rule);
        ConditionTracker tracker = e.trackers[ruleIndex];
        if (tracker == null) {
            tracker = new ConditionTracker(c.raiseCount(), c.windowSamples(), c.clearCount(), c.windowNs());
            e.trackers[ruleIndex] = tracker;
        }
        if (rule instanceof GroupRule group) {
            onGroupValue(ruleIndex, group, e, tracker, value, timeNs);
            return;
        }
        int result = tracker.add(c.breaches(value), c.clears(value), timeNs);
        String scope = rule.id() + "|" + e.key;
        if (result == ConditionTracker.RAISED) {
            raise(rule, scope, c.metric().name(), value, c.threshold(), e.subject, timeNs, 1, 1,
                    c.metric().name() + " " + value + " " + c.comparison().symbol() + " " + c.threshold()
                            + " in " + c.raiseCount() + " of the last " + c.windowSamples() + " samples");
        } else if (result == ConditionTracker.CLEARED) {
            clear(rule, scope, c.metric().name(), value, c.clearThreshold(), timeNs, 0, 1,
                    c.metric().name() + " " + value + " back within " + c.clearThreshold() + " for "
                            + c.clearCount() + " samples");
        } else if (result == ConditionTracker.OUT_OF_ORDER) {
            outOfOrderSamples++;
        }
    }

    // ---------------------------------------------------------------- groups

    private void onGroupValue(int ruleIndex, GroupRule rule, SubjectEntry e, ConditionTracker tracker,
            double value, long timeNs) {
        Map<String, GroupState> states = groups.get(ruleIndex);
        String key = rule.groupBy().keyOf(e.subject);
        boolean wasDegraded = tracker.isRaised();
        String previousKey = e.groupKeys[ruleIndex];
        if (!key.equals(previousKey)) {
            if (previousKey != null) {
                GroupState old = states.get(previousKey);
                old.members--;
                if (wasDegraded) {
                    old.degraded--;
                }
                evaluateGroup(rule, states, old, timeNs, "member moved");
            }
            GroupState joined = states.computeIfAbsent(key, GroupState::new);
            joined.members++;
            if (wasDegraded) {
                joined.degraded++;
            }
            e.groupKeys[ruleIndex] = key;
        }
        GroupState g = states.get(key);
        g.example = e.subject;
        int result = tracker.add(rule.condition().breaches(value), rule.condition().clears(value), timeNs);
        if (result == ConditionTracker.RAISED) {
            g.degraded++;
        } else if (result == ConditionTracker.CLEARED) {
            g.degraded--;
        } else if (result == ConditionTracker.OUT_OF_ORDER) {
            outOfOrderSamples++;
        }
        evaluateGroup(rule, states, g, timeNs, null);
    }

    private void leaveGroups(SubjectEntry e, long nowNs, String reason) {
        for (int i = 0; i < rules.size(); i++) {
            String key = e.groupKeys[i];
            if (key == null) {
                continue;
            }
            Map<String, GroupState> states = groups.get(i);
            GroupState g = states.get(key);
            g.members--;
            if (e.trackers[i].isRaised()) {
                g.degraded--;
            }
            e.groupKeys[i] = null;
            evaluateGroup((GroupRule) rules.get(i), states, g, nowNs, reason);
        }
    }

    private void evaluateGroup(GroupRule rule, Map<String, GroupState> states, GroupState g, long timeNs,
            String reason) {
        String scope = rule.id() + "|" + g.key;
        double fraction = g.members == 0 ? 0.0 : (double) g.degraded / g.members;
        AlertCondition c = rule.condition();
        String what = g.degraded + " of " + g.members + " members of " + rule.groupBy().name().toLowerCase()
                + " '" + g.key + "' with " + c.metric().name() + " " + c.comparison().symbol() + " " + c.threshold();
        if (!g.active && rule.shouldRaise(g.members, g.degraded)) {
            g.active = true;
            raise(rule, scope, "degraded_fraction", fraction, rule.raiseFraction(),
                    rule.groupBy().groupSubject(g.key, g.example), timeNs, g.degraded, g.members, what);
        } else if (g.active && rule.shouldClear(g.members, g.degraded)) {
            g.active = false;
            clear(rule, scope, "degraded_fraction", fraction, rule.clearFraction(), timeNs, g.degraded, g.members,
                    reason == null ? what : what + " (" + reason + ")");
        }
        if (g.members == 0 && !g.active) {
            states.remove(g.key);
        }
    }

    // ---------------------------------------------------------------- no media

    private void onMedia(int ruleIndex, NoMediaRule rule, Subject subject, long lastPacketNs, long timeNs) {
        Map<String, MediaState> states = media.get(ruleIndex);
        MediaState state = states.get(subject.streamId());
        if (state == null) {
            if (states.size() >= maxSubjects) {
                droppedSamples++;
                return;
            }
            state = new MediaState(subject.streamId(), timeNs);
            states.put(subject.streamId(), state);
        }
        if (lastPacketNs != StatsTimes.NEVER
                && (state.lastMediaNs == StatsTimes.NEVER || lastPacketNs - state.lastMediaNs > 0)) {
            state.lastMediaNs = lastPacketNs;
            state.nodeId = subject.nodeId();
            state.region = subject.region();
        } else if (state.nodeId.isEmpty()) {
            state.nodeId = subject.nodeId();
            state.region = subject.region();
        }
        checkMedia(rule, state, timeNs);
    }

    private void checkMedia(NoMediaRule rule, MediaState state, long nowNs) {
        long sinceNs = state.lastMediaNs == StatsTimes.NEVER ? state.firstSeenNs : state.lastMediaNs;
        long silentNs = nowNs - sinceNs;
        double silentMs = silentNs / 1e6;
        double thresholdMs = rule.noMediaNs() / 1e6;
        String scope = mediaScope(rule, state.streamId);
        if (!state.active && silentNs >= rule.noMediaNs()) {
            state.active = true;
            String detail = state.lastMediaNs == StatsTimes.NEVER
                    ? "no media since the stream was first seen " + (long) silentMs + " ms ago"
                    : "no media for " + (long) silentMs + " ms";
            raise(rule, scope, "media_age_ms", silentMs, thresholdMs,
                    new Subject(state.streamId, "", state.nodeId, state.region), nowNs, 1, 1, detail);
        } else if (state.active && silentNs < rule.noMediaNs()) {
            state.active = false;
            clear(rule, scope, "media_age_ms", silentMs, thresholdMs, nowNs, 0, 1, "media flowing again");
        }
    }

    private static String mediaScope(AlertRule rule, String streamId) {
        return rule.id() + "|" + streamId;
    }

    // ---------------------------------------------------------------- events

    private void forget(SubjectEntry e, long nowNs, String reason) {
        subjects.remove(e.key);
        for (int i = 0; i < rules.size(); i++) {
            AlertRule rule = rules.get(i);
            if (rule instanceof ThresholdRule t && e.trackers[i] != null && e.trackers[i].isRaised()) {
                clear(rule, rule.id() + "|" + e.key, t.condition().metric().name(), Double.NaN,
                        t.condition().clearThreshold(), nowNs, 0, 1, reason);
            }
        }
        leaveGroups(e, nowNs, reason);
    }

    private void raise(AlertRule rule, String scope, String metric, double value, double threshold,
            Subject subject, long timeNs, int affected, int members, String detail) {
        AlertEvent event = new AlertEvent(AlertEvent.Type.RAISED, nextIncidentId++, rule.id(), rule.severity(),
                metric, value, threshold, subject.streamId(), subject.endpointId(), subject.nodeId(),
                subject.region(), timeNs, timeNs, affected, members, detail);
        active.put(scope, event);
        try {
            listener.onRaised(event);
        } catch (RuntimeException ex) {
            listenerFailures++;
            LOG.warn("alert listener failed on {}", event.summary(), ex);
        }
    }

    private void clear(AlertRule rule, String scope, String metric, double value, double threshold, long timeNs,
            int affected, int members, String detail) {
        AlertEvent raised = active.remove(scope);
        if (raised == null) {
            return;
        }
        AlertEvent event = new AlertEvent(AlertEvent.Type.CLEARED, raised.incidentId(), rule.id(), rule.severity(),
                metric, value, threshold, raised.streamId(), raised.endpointId(), raised.nodeId(), raised.region(),
                timeNs, raised.timeNs(), affected, members, detail);
        try {
            listener.onCleared(event);
        } catch (RuntimeException ex) {
            listenerFailures++;
            LOG.warn("alert listener failed on {}", event.summary(), ex);
        }
    }

    // ---------------------------------------------------------------- state

    /** One reporting subject and its per-rule state. */
    private static final class SubjectEntry {
        final String key;
        final ConditionTracker[] trackers;
        final String[] groupKeys;
        Subject subject;
        long lastSampleNs;

        SubjectEntry(String key, int ruleCount) {
            this.key = key;
            this.trackers = new ConditionTracker[ruleCount];
            this.groupKeys = new String[ruleCount];
        }
    }

    /** Members and degraded members of one group of one group rule. */
    private static final class GroupState {
        final String key;
        int members;
        int degraded;
        boolean active;
        Subject example = new Subject("", "", "", "");

        GroupState(String key) {
            this.key = key;
        }
    }

    /** When one stream last had media, for one no-media rule. */
    private static final class MediaState {
        final String streamId;
        final long firstSeenNs;
        long lastMediaNs = StatsTimes.NEVER;
        String nodeId = "";
        String region = "";
        boolean active;

        MediaState(String streamId, long firstSeenNs) {
            this.streamId = streamId;
            this.firstSeenNs = firstSeenNs;
        }
    }

    /** Collects an evaluator's rules and bounds. Not thread-safe. */
    public static final class Builder {
        private final List<AlertRule> rules = new ArrayList<>();
        private final Set<String> ids = new HashSet<>();
        private AlertListener listener = AlertListener.NONE;
        private long subjectTimeoutNs = DEFAULT_SUBJECT_TIMEOUT_NS;
        private int maxSubjects = DEFAULT_MAX_SUBJECTS;

        private Builder() {
        }

        /**
         * @param rule a rule to check; its id must be unique
         * @return this builder
         */
        public Builder rule(AlertRule rule) {
            if (rule == null) {
                throw new IllegalArgumentException("rule must not be null");
            }
            if (!ids.add(rule.id())) {
                throw new IllegalArgumentException("rule id must be unique: " + rule.id());
            }
            rules.add(rule);
            return this;
        }

        /**
         * @param all rules to check (for example {@link DefaultAlertRules#create()})
         * @return this builder
         */
        public Builder rules(Iterable<? extends AlertRule> all) {
            if (all == null) {
                throw new IllegalArgumentException("rules must not be null");
            }
            for (AlertRule r : all) {
                rule(r);
            }
            return this;
        }

        /**
         * @param v told of raised and cleared alerts; not null
         * @return this builder
         */
        public Builder listener(AlertListener v) {
            if (v == null) {
                throw new IllegalArgumentException("listener must not be null (use AlertListener.NONE)");
            }
            listener = v;
            return this;
        }

        /**
         * @param v time without samples after which a subject is forgotten, ns; > 0
         * @return this builder
         */
        public Builder subjectTimeoutNs(long v) {
            if (v <= 0) {
                throw new IllegalArgumentException("subjectTimeoutNs must be > 0: " + v);
            }
            subjectTimeoutNs = v;
            return this;
        }

        /**
         * @param v most subjects (and streams watched for media) tracked; >= 1
         * @return this builder
         */
        public Builder maxSubjects(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("maxSubjects must be >= 1: " + v);
            }
            maxSubjects = v;
            return this;
        }

        /** @return the evaluator */
        public AlertEvaluator build() {
            return new AlertEvaluator(this);
        }
    }
}
