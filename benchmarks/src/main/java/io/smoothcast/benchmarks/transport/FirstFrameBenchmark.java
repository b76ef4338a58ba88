package io.smoothcast.benchmarks.transport;

import io.smoothcast.transport.Broadcaster;
import io.smoothcast.transport.BroadcasterListener;
import io.smoothcast.transport.ConnectionState;
import io.smoothcast.transport.RelayNode;
import io.smoothcast.transport.Viewer;
import io.smoothcast.transport.ViewerListener;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time from {@code Viewer.start()} to the first frame handed to the viewer's listener, on
 * loopback, join included: HELLO, SUBSCRIBE, the node's keyframe request to the broadcaster, the
 * broadcaster's next frame (a synthetic 30 fps encoder that makes a keyframe when asked), and
 * the jitter buffer's initial playout delay (adaptive mode, 100 ms to start). One viewer per
 * measured shot; the broadcaster streams throughout.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, batchSize = 1)
@Measurement(iterations = 30, batchSize = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class FirstFrameBenchmark {

    private RelayNode relay;
    private Broadcaster broadcaster;
    private ScheduledExecutorService encoder;
    private Viewer viewer;
    private CountDownLatch firstFrame;

    @Setup(Level.Trial)
    public void startStream() throws InterruptedException {
        relay = RelayNode.builder().build().start();
        AtomicBoolean keyframeWanted = new AtomicBoolean(true);
        CountDownLatch connected = new CountDownLatch(1);
        broadcaster = Broadcaster.builder().node(relay.localAddress()).streamId("first-frame")
                .bitrateLimits(500_000, 3_000_000, 8_000_000)
                .listener(new BroadcasterListener() {
                    @Override
                    public void onStateChanged(ConnectionState state, String reason) {
                        if (state == ConnectionState.CONNECTED) {
                            connected.countDown();
                        }
                    }

                    @Override
                    public void onKeyframeRequested() {
                        keyframeWanted.set(true);
                    }
                }).build().start();
        if (!connected.await(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("broadcaster did not connect");
        }
        byte[] frame = new byte[8000];
        encoder = Executors.newSingleThreadScheduledExecutor();
        encoder.scheduleAtFixedRate(() -> broadcaster.sendVideo(frame, 0, frame.length, System.nanoTime(),
                keyframeWanted.getAndSet(false)), 0, 33, TimeUnit.MILLISECONDS);
    }

    @Setup(Level.Invocation)
    public void newViewer() {
        firstFrame = new CountDownLatch(1);
        CountDownLatch latch = firstFrame;
        viewer = Viewer.builder().node(relay.localAddress()).streamId("first-frame")
                .listener(new ViewerListener() {
                    @Override
                    public void onFrame(io.smoothcast.transport.ReceivedFrame frame) {
                        latch.countDown();
                    }
                }).build();
    }

    @Benchmark
    public boolean startToFirstFrame() throws InterruptedException {
        viewer.start();
        return firstFrame.await(5, TimeUnit.SECONDS);
    }

    @TearDown(Level.Invocation)
    public void closeViewer() {
        viewer.close();
    }

    @TearDown(Level.Trial)
    public void stopStream() {
        encoder.shutdownNow();
        broadcaster.close();
        relay.close();
    }
}
