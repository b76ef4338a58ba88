package io.smoothcast.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A viewer listener for tests: verifies each video frame's checksum, records the indices in
 * delivery order, and opens latches on connection and on the last expected frame.
 */
final class FrameCollector implements ViewerListener {

    final CountDownLatch connected = new CountDownLatch(1);
    /** Opens when a frame with the last expected index (or a later one) is delivered. */
    final CountDownLatch lastFrame = new CountDownLatch(1);
    /** Guarded by this. */
    private int lastIndex;
    private final List<Integer> indices = new ArrayList<>();
    private final List<Long> arrivalNs = new ArrayList<>();
    /** Indices of the delivered frames marked as keyframes, and of those that followed a loss. */
    private final java.util.Set<Integer> keyframes = new java.util.HashSet<>();
    private final java.util.Set<Integer> afterLoss = new java.util.HashSet<>();
    private int corrupted;
    private final List<String> messages = new ArrayList<>();
    private final long createdNs = System.nanoTime();
    /** State changes after the first, as "STATE (reason) at N ms"; a reconnect explains a gap. */
    private final List<String> stateChanges = new ArrayList<>();

    /** Opens when the expected number of messages has arrived. */
    final CountDownLatch allMessages;

    FrameCollector(int lastIndex) {
        this(lastIndex, 0);
    }

    FrameCollector(int lastIndex, int expectedMessages) {
        this.lastIndex = lastIndex;
        this.allMessages = new CountDownLatch(expectedMessages);
    }

    @Override
    public void onStateChanged(ConnectionState state, String reason) {
        if (state == ConnectionState.CONNECTED) {
            connected.countDown();
        }
        synchronized (this) {
            stateChanges.add(state + " (" + reason + ") at " + (System.nanoTime() - createdNs) / 1_000_000 + " ms");
        }
    }

    @Override
    public void onFrame(ReceivedFrame frame) {
        if (frame.kind() == MediaKind.DATA) {
            synchronized (this) {
                messages.add(new String(frame.toByteArray(), java.nio.charset.StandardCharsets.UTF_8));
            }
            allMessages.countDown();
            return;
        }
        if (frame.kind() != MediaKind.VIDEO) {
            return;
        }
        int index = SyntheticFrames.verify(frame.toByteArray());
        boolean last;
        synchronized (this) {
            if (index < 0) {
                corrupted++;
                return;
            }
            indices.add(index);
            arrivalNs.add(System.nanoTime());
            if (frame.keyframe()) {
                keyframes.add(index);
            }
            if (frame.followsLoss()) {
                afterLoss.add(index);
            }
            last = index >= lastIndex;
        }
        if (last) {
            lastFrame.countDown();
        }
    }

    /**
     * Sets the last expected index once it is known (a test that sends until a time); opens
     * {@link #lastFrame} at once if that frame was already delivered.
     */
    void expectLast(int index) {
        boolean delivered;
        synchronized (this) {
            lastIndex = index;
            delivered = indices.stream().anyMatch(i -> i >= index);
        }
        if (delivered) {
            lastFrame.countDown();
        }
    }

    synchronized List<Integer> indices() {
        return List.copyOf(indices);
    }

    /** @return whether frame {@code index} was delivered marked as a keyframe */
    synchronized boolean deliveredAsKeyframe(int index) {
        return keyframes.contains(index);
    }

    /** @return whether frame {@code index} was delivered flagged {@link ReceivedFrame#followsLoss()} */
    synchronized boolean deliveredAfterLoss(int index) {
        return afterLoss.contains(index);
    }

    synchronized List<Long> deliveryTimesNs() {
        return List.copyOf(arrivalNs);
    }

    synchronized List<String> messages() {
        return List.copyOf(messages);
    }

    synchronized int corrupted() {
        return corrupted;
    }

    /**
     * What went wrong in a delivery that should have been frames {@code 0..frames-1} in order,
     * for failure messages: the missing ranges, duplicates and frames out of order, the longest
     * pause between two deliveries (ms, and the frames around it), and the viewer's state changes.
     */
    synchronized String deliverySummary(int frames) {
        boolean[] seen = new boolean[frames];
        int duplicates = 0;
        int outOfOrder = 0;
        int previous = -1;
        for (int index : indices) {
            if (index >= 0 && index < frames) {
                if (seen[index]) {
                    duplicates++;
                }
                seen[index] = true;
            }
            if (index < previous) {
                outOfOrder++;
            }
            previous = index;
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            if (!seen[i]) {
                missing.add(i);
            }
        }
        long longestGapNs = 0;
        int gapAfter = -1;
        for (int i = 1; i < arrivalNs.size(); i++) {
            long gap = arrivalNs.get(i) - arrivalNs.get(i - 1);
            if (gap > longestGapNs) {
                longestGapNs = gap;
                gapAfter = i - 1;
            }
        }
        String gap = gapAfter < 0 ? "none"
                : longestGapNs / 1_000_000 + " ms between frames " + indices.get(gapAfter) + " and "
                        + indices.get(gapAfter + 1);
        return "delivered " + indices.size() + " of " + frames + ", missing " + ranges(missing) + ", duplicates "
                + duplicates                + ", out of order " + outOfOrder + ", corrupted " + corrupted + ", longest pause " + gap
                + ", states " + stateChanges;
    }

    /** Ascending frame indices as runs, for failure messages: {@code [3, 7-9]}. */
    static String ranges(List<Integer> ascending) {
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < ascending.size(); i++) {
            int start = ascending.get(i);
            while (i + 1 < ascending.size() && ascending.get(i + 1) == ascending.get(i) + 1) {
                i++;
            }
            int end = ascending.get(i);
            runs.add(start == end ? Integer.toString(start) : start + "-" + end);
        }
        return runs.toString();
    }

    /**
     * How long, in s, an IT waits for a client to connect when connecting is its set-up, not its
     * subject. Failover is off the table here: the clients' policies allow a join seconds (the
     * default policy re-joins after 1.5 s), and a nice-19 JVM on a host at load 10-15 waited more
     * than 5-10 s for its first join in session 11 (ViewerReaderStallIT, WiresharkInteropIT) while
     * every later assertion passed. The test's own timeout still bounds the whole run.
     */
    static final long CONNECT_WAIT_S = 30;

    static void await(CountDownLatch latch, long seconds, String what) throws InterruptedException {
        await(latch, seconds, what, () -> "");
    }

    /** As above, with {@code detail} (for example counters) appended to the message on a timeout. */
    static void await(CountDownLatch latch, long seconds, String what, java.util.function.Supplier<String> detail)
            throws InterruptedException {
        if (!latch.await(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("timed out after " + seconds + " s waiting for " + what + detail.get());
        }
    }
}
