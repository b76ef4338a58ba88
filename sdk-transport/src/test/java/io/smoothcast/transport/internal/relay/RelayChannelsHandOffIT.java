package io.smoothcast.transport.internal.relay;

import static io.smoothcast.transport.internal.relay.RelayChannelsFixture.waitFor;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.smoothcast.transport.NettyLeaks;
import io.smoothcast.transport.internal.netty.InboundHandOff;
import io.smoothcast.transport.internal.relay.RelayChannelsFixture.HeldOwner;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A relay's second socket on the node's port (SO_REUSEPORT) reading while the owning thread is
 * stuck: it hands the owner at most {@link InboundHandOff#CAPACITY} datagrams, drops and counts
 * the rest, and every buffer is released once the owner catches up.
 */
class RelayChannelsHandOffIT {

    /**
     * Source addresses: with SO_REUSEPORT set again on the owner's socket (see the test) the
     * kernel picks a socket per source address, so with this many about half of them land on
     * the second socket, and its share ({@code SOURCES / 2 * DATAGRAMS_PER_SOURCE}, about 2,560)
     * is well over the hand-off's capacity (it is under it only if 102 or more of the 128 hash
     * to the owner's socket).
     */
    private static final int SOURCES = 128;
    private static final int DATAGRAMS_PER_SOURCE = 40;

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(60)
    void anOwnerFarBehind_theOtherSocketDropsBeyondTheHandOff_countsIt_andLeaksNothing() throws Exception {
        assumeTrue(Epoll.isAvailable(), "sockets sharing a port need the epoll transport");
        RelayCounters counters = new RelayCounters();
        RelayChannels channels = RelayChannelsFixture.start(2, counters);
        // A started node's port is closed to further sockets (SO_REUSEPORT cleared on all), and
        // Linux then gives nearly every datagram to the first socket in its lookup, the owner's:
        // set on the owner's socket again, the option makes the kernel spread datagrams over
        // the node's sockets by source address, so that the second socket reads its share.
        channels.ownerChannel().config().setOption(EpollChannelOption.SO_REUSEPORT, true);
        try (HeldOwner held = HeldOwner.take(channels)) {
            List<DatagramSocket> sources = new ArrayList<>();
            try {
                for (int i = 0; i < SOURCES; i++) {
                    sources.add(new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)));
                }
                byte[] garbage = new byte[] {(byte) 0xFF, 1, 2, 3};
                DatagramPacket datagram = new DatagramPacket(garbage, garbage.length, channels.localAddress());
                for (int round = 0; round < DATAGRAMS_PER_SOURCE; round++) {
                    for (DatagramSocket source : sources) {
                        source.send(datagram);
                    }
                }
            } finally {
                sources.forEach(DatagramSocket::close);
            }
            waitFor(channels::handOffDropped, "datagrams dropped by the second socket");
        }
        // The owner now works through the hand-offs it was given (and what its own socket kept).
        waitFor(() -> counters.get(RelayCounter.DATAGRAMS_RECEIVED) >= InboundHandOff.CAPACITY ? 1 : 0,
                "the owner handled the handed-over datagrams");
        channels.close();
        NettyLeaks.assertNoLeaks();
    }
}
