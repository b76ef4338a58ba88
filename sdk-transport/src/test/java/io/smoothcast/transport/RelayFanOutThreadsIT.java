package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A relay sending each packet's copies from several threads and sockets sharing its port: every
 * viewer gets every frame, in order, intact, from the node's one address (a viewer drops
 * datagrams from any other source), while the kernel spreads the clients' datagrams (media,
 * feedback, keepalives) over all the sockets; and NIO falls back to one thread.
 */
class RelayFanOutThreadsIT {

    private static final int FRAMES = 200;

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(60)
    void threeFanOutThreads_sixViewers_receiveEveryFrame_inOrder_intact() throws Exception {
        assumeTrue(Epoll.isAvailable(), "sockets sharing a port need the epoll transport");
        try (SharedIoThreads ioThreads = SharedIoThreads.create(2);
                RelayNode relay = RelayNode.builder().fanOutThreads(3).build().start()) {
            assertEquals(3, relay.fanOutThreads());
            watchSixViewers(relay, ioThreads);
        }
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(60)
    void nio_usesOneThread_whateverIsAsked() throws Exception {
        try (SharedIoThreads ioThreads = SharedIoThreads.create(2);
                RelayNode relay = RelayNode.builder().forceNio(true).fanOutThreads(4).build()) {
            assertEquals(4, relay.fanOutThreads(), "as asked, before start");
            relay.start();
            assertEquals(1, relay.fanOutThreads());
            watchSixViewers(relay, ioThreads);
        }
        NettyLeaks.assertNoLeaks();
    }

    private static void watchSixViewers(RelayNode relay, SharedIoThreads ioThreads) throws Exception {
        List<FrameCollector> collectors = new ArrayList<>();
        List<Viewer> viewers = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                FrameCollector collector = new FrameCollector(FRAMES - 1);
                collectors.add(collector);
                viewers.add(Viewer.builder().node(relay.localAddress()).streamId("it-show")
                        .sharedIoThreads(ioThreads).listener(collector).build().start());
            }
            for (FrameCollector c : collectors) {
                FrameCollector.await(c.connected, 5, "viewer connected");
            }
            try (Broadcaster broadcaster = BroadcastThroughRelayIT.connectedBroadcaster(relay, new AtomicInteger())) {
                BroadcastThroughRelayIT.sendFrames(broadcaster, FRAMES, null);
                for (FrameCollector c : collectors) {
                    FrameCollector.await(c.lastFrame, 10, "last frame at viewer");
                }
                List<Integer> expected = IntStream.range(0, FRAMES).boxed().toList();
                for (FrameCollector c : collectors) {
                    assertEquals(0, c.corrupted(), "corrupted frames");
                    assertEquals(expected, c.indices(), "every frame, in order, once");
                }
                RelayStats stats = relay.stats();
                assertEquals(broadcaster.stats().packetsSent(), stats.rtpReceived(), stats.toString());
                assertEquals(0, stats.handlerFailures(), stats.toString());
                assertEquals(0, stats.fanOutLaneBehind(), stats.toString());
            }
        } finally {
            viewers.forEach(Viewer::close);
        }
    }
}
