package io.smoothcast.transport;

import static io.smoothcast.transport.ControlDatagrams.receiveAny;
import static io.smoothcast.transport.ControlDatagrams.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.stats.NodeStats;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.control.ErrorCode;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Abuse before authentication, over real UDP sockets on 127.0.0.1: a SUBSCRIBE without the
 * HELLO_ACK cookie (what a spoofer who never sees the node's answers can send) gets no media;
 * a flood of HELLOs and garbage from many source ports keeps the node's half-open state within
 * its cap, is rate-limited per source, and does not disturb a running stream.
 */
class AbuseIT {

    private static final long SEED = 20261127L;

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(60)
    void subscribeWithoutTheHelloAckCookie_isRefused_andNoMediaReachesTheAddress() throws Exception {
        try (RelayNode relay = RelayNode.builder().build().start();
                DatagramSocket victim = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                Broadcaster broadcaster = BroadcastThroughRelayIT.connectedBroadcaster(relay, new AtomicInteger())) {
            victim.setSoTimeout(5000);
            InetSocketAddress node = relay.localAddress();
            // The spoofer's HELLO reaches the node "from" the victim; the HELLO_ACK goes to the
            // victim, so the spoofer must guess the cookie.
            send(victim, node, 1, new ControlMessage.Hello(7, 500));
            long realCookie = ((ControlMessage.HelloAck) receiveAny(victim).message()).cookie();
            SplittableRandom random = new SplittableRandom(SEED);
            long[] guesses = {0, random.nextLong(), realCookie ^ 1};
            int requestId = 2;
            for (long guess : guesses) {
                send(victim, node, requestId, new ControlMessage.Subscribe("it-show", 2, 0, guess));
                DecodeResult answer = receiveAny(victim);
                assertEquals(ErrorCode.NOT_JOINED, ((ControlMessage.Error) answer.message()).knownCode(),
                        "guess " + guess);
                requestId++;
            }
            BroadcastThroughRelayIT.sendFrames(broadcaster, 30, null);
            assertEquals(0, rtpPacketsUntilQuiet(victim), "media reached an address that never proved it");
            RelayStats stats = relay.stats();
            assertEquals(guesses.length, stats.routabilityFailures(), stats.toString());
            NodeStats seen = operatorsView(relay);
            assertEquals(guesses.length, seen.routabilityFailures(), "what operators see: " + seen);
            assertEquals(0, stats.subscribers(), stats.toString());

            // The same address with the cookie it really received does get the media: the check
            // above would have seen it.
            send(victim, node, requestId, new ControlMessage.Subscribe("it-show", 2, 0, realCookie));
            assertEquals(ControlMessage.SubscribeAck.class, receiveAny(victim).message().getClass());
            BroadcastThroughRelayIT.sendFrames(broadcaster, 30, null);
            assertTrue(rtpPacketsUntilQuiet(victim) > 0, "subscriber with the right cookie got no media");
        }
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(90)
    void helloAndGarbageFlood_fromManyPorts_staysWithinTheCaps_andTheStreamCarriesOn() throws Exception {
        int halfOpenCap = 32;
        int attackers = 200;
        int frames = 150;
        List<DatagramSocket> sockets = new ArrayList<>();
        try (HostStallMonitor stalls = HostStallMonitor.start();
                RelayNode relay = RelayNode.builder().maxHalfOpenSessions(halfOpenCap)
                .unauthenticatedControlRate(50, 10).build().start()) {
            long startNs = System.nanoTime();
            long kernelDropsBefore = KernelUdpDrops.receiveBufferErrors();
            for (int i = 0; i < attackers; i++) {
                sockets.add(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
            }
            FrameCollector collector = new FrameCollector(frames - 1);
            // A stalled test thread once made a client take the node for dead (168 ms of silence
            // against 160), re-join, and lose its new half-open session to the flood: the
            // clients allow 1 s (StallTolerantFailover).
            try (Viewer viewer = Viewer.builder().node(relay.localAddress()).streamId("it-show")
                    .failover(StallTolerantFailover.tolerantPolicy().build()).listener(collector).build().start()) {
                FrameCollector.await(collector.connected, 5, "viewer connected");
                try (Broadcaster broadcaster = BroadcastThroughRelayIT.connectedBroadcaster(relay, new AtomicInteger(),
                        StallTolerantFailover.tolerantPolicy().build())) {
                    SplittableRandom random = new SplittableRandom(SEED);
                    long[] maxHalfOpen = new long[1];
                    long[] maxSessions = new long[1];
                    // The relay's socket receive queue, sampled every 10 frames: under a flood the
                    // host cannot keep up with it holds seconds of datagrams, and when it is full
                    // the kernel drops whatever comes, the stream's packets too.
                    InetSocketAddress node = relay.localAddress();
                    int relayPort = node.getPort();
                    long[] maxRelayQueueBytes = new long[1];
                    BroadcastThroughRelayIT.sendFrames(broadcaster, frames, frameIndex -> {
                        // Each frame interval: HELLOs from 20 fresh ports, garbage from 20 more,
                        // and a burst of 30 HELLOs from one port.
                        for (int k = 0; k < 20; k++) {
                            DatagramSocket socket = sockets.get(random.nextInt(attackers));
                            send(socket, node, frameIndex, new ControlMessage.Hello(random.nextLong(), 500));
                            byte[] garbage = new byte[random.nextInt(1, 200)];
                            random.nextBytes(garbage);
                            sendRaw(sockets.get(random.nextInt(attackers)), garbage, node);
                        }
                        DatagramSocket blaster = sockets.get(0);
                        for (int k = 0; k < 30; k++) {
                            send(blaster, node, k + 1, new ControlMessage.Hello(1, 500));
                        }
                        RelayStats now = relay.stats();
                        maxHalfOpen[0] = Math.max(maxHalfOpen[0], now.halfOpenSessions());
                        maxSessions[0] = Math.max(maxSessions[0], now.sessions());
                        if (frameIndex % 10 == 0) { // the table read costs this (flooding) thread time
                            maxRelayQueueBytes[0] = Math.max(maxRelayQueueBytes[0], KernelUdpDrops.ofPort(relayPort)[0]);
                        }
                    });
                    boolean last = collector.lastFrame.await(15, TimeUnit.SECONDS);
                    String detail = viewer.stats() + "; " + broadcaster.stats() + "; " + relay.stats() + "; "
                            + stalls.describe(startNs) + "; " + KernelUdpDrops.describeSince(kernelDropsBefore)
                            + "; relay socket: receive queue peaked at " + maxRelayQueueBytes[0] / 1024
                            + " kB (sampled every 10 frames), datagrams dropped by the kernel "
                            + KernelUdpDrops.ofPort(relayPort)[1] + "; viewer " + viewer.state() + ", broadcaster "
                            + broadcaster.state() + "; delivered " + collector.indices();
                    System.out.println("AbuseIT flood: " + detail);
                    assertTrue(last, "timed out after 15 s waiting for the last frame at the viewer: " + detail);
                    assertEquals(IntStream.range(0, frames).boxed().toList(), collector.indices(), detail);
                    assertEquals(0, collector.corrupted());
                    RelayStats stats = relay.stats();
                    assertTrue(maxHalfOpen[0] <= halfOpenCap, "half-open sessions " + maxHalfOpen[0]);
                    assertTrue(maxSessions[0] <= halfOpenCap + 2, "sessions " + maxSessions[0]);
                    assertTrue(stats.halfOpenEvicted() >= attackers - halfOpenCap, stats.toString());
                    assertTrue(stats.rateLimitedDropped() > 0, stats.toString());
                    NodeStats seen = operatorsView(relay);
                    assertTrue(seen.halfOpenEvicted() >= attackers - halfOpenCap, "what operators see: " + seen);
                    assertTrue(seen.rateLimitedDropped() > 0, "what operators see: " + seen);
                    assertEquals(0, stats.handlerFailures(), stats.toString());
                    assertEquals(2, stats.sessions() - stats.halfOpenSessions(), "both real clients kept: " + stats);
                }
            }
        } finally {
            sockets.forEach(DatagramSocket::close);
        }
        NettyLeaks.assertNoLeaks();
    }

    /** The node's counts as an ops monitor watching it exports them. */
    private static NodeStats operatorsView(RelayNode relay) {
        try (OpsMonitor ops = OpsMonitor.builder().build()) {
            ops.watch(relay, "abuse-it", "eu");
            return ops.sample(0).nodes().get(0);
        }
    }

    /** Counts RTP/RTCP datagrams arriving until none came for 300 ms. */
    private static int rtpPacketsUntilQuiet(DatagramSocket socket) throws IOException {
        int previousTimeout = socket.getSoTimeout();
        socket.setSoTimeout(300);
        int media = 0;
        try {
            while (true) {
                DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
                socket.receive(packet);
                if ((packet.getData()[0] & 0xC0) == 0x80) {
                    media++;
                }
            }
        } catch (SocketTimeoutException quiet) {
            return media;
        } finally {
            socket.setSoTimeout(previousTimeout);
        }
    }

    private static void sendRaw(DatagramSocket socket, byte[] bytes, InetSocketAddress to) {
        try {
            socket.send(new DatagramPacket(bytes, bytes.length, to));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
