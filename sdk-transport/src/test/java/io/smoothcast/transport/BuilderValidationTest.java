package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.abr.AbrListener;
import io.smoothcast.abr.RenditionLadder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad builder values a new user meets first are refused at once, with the option's name. */
class BuilderValidationTest {

    private static final InetSocketAddress UNRESOLVED = InetSocketAddress.createUnresolved("relay.example", 7000);
    private static final InetSocketAddress PORT_ZERO = new InetSocketAddress("127.0.0.1", 0);

    @Test
    void clients_refuseAnUnresolvedNode_insteadOfStayingConnectingSilently() {
        assertMessage("node: host 'relay.example' did not resolve", () -> Viewer.builder().node(UNRESOLVED));
        assertMessage("node: host 'relay.example' did not resolve", () -> Broadcaster.builder().node(UNRESOLVED));
        assertMessage("nodes: host 'relay.example' did not resolve",
                () -> Viewer.builder().nodes(List.of(new InetSocketAddress("127.0.0.1", 7000), UNRESOLVED)));
        assertMessage("nodes: host 'relay.example' did not resolve",
                () -> Broadcaster.builder().nodes(List.of(UNRESOLVED)));
    }

    @Test
    void clients_refuseANodeWithoutAPort() {
        assertMessage("node: port must be 1-65535", () -> Viewer.builder().node(PORT_ZERO));
        assertMessage("nodes: port must be 1-65535", () -> Broadcaster.builder().nodes(List.of(PORT_ZERO)));
    }

    @Test
    void broadcaster_namesBitrateLimits() {
        assertMessage("bitrateLimits must satisfy 0 < minBps <= startBps <= maxBps: 200000, 100000, 300000",
                () -> Broadcaster.builder().bitrateLimits(200_000, 100_000, 300_000));
    }

    @Test
    void broadcaster_namesTheSendDelayLimit_zeroTurnsItOff() {
        assertMessage("maxSendDelay must be 100 ms to 60 s, or Duration.ZERO for no limit: PT0.05S",
                () -> Broadcaster.builder().maxSendDelay(Duration.ofMillis(50)));
        assertMessage("maxSendDelay must be 100 ms to 60 s", () -> Broadcaster.builder().maxSendDelay(Duration.ofMillis(-1)));
        assertMessage("maxSendDelay must be 100 ms to 60 s", () -> Broadcaster.builder().maxSendDelay(Duration.ofSeconds(61)));
        assertTrue(assertThrows(NullPointerException.class, () -> Broadcaster.builder().maxSendDelay(null))
                .getMessage().contains("maxSendDelay"));
        Broadcaster.builder().maxSendDelay(Broadcaster.NO_SEND_DELAY_LIMIT).maxSendDelay(Duration.ofMillis(100))
                .maxSendDelay(Duration.ofSeconds(60));
    }

    @Test
    void relayNode_namesTheOptionInRangeErrors() {
        assertMessage("fanOutThreads must be 1-64", () -> RelayNode.builder().fanOutThreads(0));
        assertMessage("unauthenticatedControlRate perSecond must be 1-1000000",
                () -> RelayNode.builder().unauthenticatedControlRate(0, 10));
        assertMessage("unauthenticatedControlRate burst must be 1-100000",
                () -> RelayNode.builder().unauthenticatedControlRate(10, 0));
        assertMessage("keepaliveIntervalMs must be at most half the sessionTimeoutMs: 3000 ms, 5000 ms",
                () -> RelayNode.builder().keepaliveIntervalMs(3000).build());
        assertMessage("keepaliveIntervalMs must be at most half the sessionTimeoutMs: 500 ms, 900 ms",
                () -> RelayNode.builder().sessionTimeoutMs(900).build());
    }

    @Test
    void aClosedClient_saysItCannotStartAgain() {
        InetSocketAddress node = new InetSocketAddress("127.0.0.1", 7000);
        Viewer viewer = Viewer.builder().node(node).streamId("show").build();
        viewer.close();
        Broadcaster broadcaster = Broadcaster.builder().node(node).streamId("show").build();
        broadcaster.close();

        IllegalStateException v = assertThrows(IllegalStateException.class, viewer::start);
        IllegalStateException b = assertThrows(IllegalStateException.class, broadcaster::start);

        assertTrue(v.getMessage().endsWith("build a new one"), v.getMessage());
        assertTrue(b.getMessage().endsWith("build a new one"), b.getMessage());
        assertTrue(assertThrows(IllegalStateException.class, Viewer.builder().node(node).streamId("show").build()::localAddress)
                .getMessage().contains("call start() first"));
    }

    @Test
    void everyEndpoint_beforeStart_saysToCallStartFirst() {
        InetSocketAddress node = new InetSocketAddress("127.0.0.1", 7000);
        List<Executable> calls = List.of(Viewer.builder().node(node).streamId("show").build()::localAddress,
                Broadcaster.builder().node(node).streamId("show").build()::localAddress,
                RelayNode.builder().build()::localAddress, NetworkEmulator.builder().target(node).build()::localAddress);
        List<String> expected = List.of("viewer", "broadcaster", "relay node", "network emulator");
        for (int i = 0; i < calls.size(); i++) {
            assertEquals(expected.get(i) + " not started: call start() first",
                    assertThrows(IllegalStateException.class, calls.get(i)).getMessage());
        }
    }

    @Test
    void broadcaster_withoutVideo_needsAnotherTrack_andRefusesVideoFrames() {
        InetSocketAddress node = new InetSocketAddress("127.0.0.1", 7000);
        assertStateMessage("video(false) needs audio(true) or messages(true)",
                () -> Broadcaster.builder().node(node).streamId("show").video(false).build());
        assertStateMessage("video(false) takes no simulcast layers: 2",
                () -> Broadcaster.builder().node(node).streamId("show").video(false).audio(true).simulcastLayers(2).build());
        assertStateMessage("video(false) takes no renditions", () -> Broadcaster.builder().node(node).streamId("show")
                .video(false).audio(true).renditions(RenditionLadder.defaults(),
                        AbrListener.NONE).build());
        Broadcaster.builder().node(node).streamId("show").video(false).messages(true).build().close();
        Broadcaster broadcaster = Broadcaster.builder().node(node).streamId("show").video(false).audio(true).build();
        byte[] frame = new byte[10];
        assertStateMessage("built without video", () -> broadcaster.sendVideo(frame, 0, 10, 0, true));
        assertStateMessage("built without video", () -> broadcaster.sendVideoLayer(0, frame, 0, 10, 0, true));
        broadcaster.close();
    }

    private static void assertStateMessage(String start, Executable call) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    private static void assertMessage(String start, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
