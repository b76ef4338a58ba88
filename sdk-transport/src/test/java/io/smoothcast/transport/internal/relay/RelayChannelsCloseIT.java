package io.smoothcast.transport.internal.relay;

import static io.smoothcast.transport.ControlDatagrams.receive;
import static io.smoothcast.transport.ControlDatagrams.receiveAny;
import static io.smoothcast.transport.ControlDatagrams.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.smoothcast.transport.NettyLeaks;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.relay.RelayChannelsFixture.HeldOwner;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node that is closing stops reading before it forgets its sessions: a keepalive waiting in
 * its socket when the close begins is never answered NOT_JOINED (which would tell the client the
 * node restarted). Under load, FailoverIT's viewer got that answer from a node being closed and
 * counted one state change more than the test expected (session 9).
 */
class RelayChannelsCloseIT {

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(60)
    void keepaliveReadDuringTheClose_isNeverAnsweredNotJoined() throws Exception {
        RelayChannels channels = RelayChannelsFixture.start(1, new RelayCounters());
        Thread closer = new Thread(channels::close, "closer");
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(5000);
            InetSocketAddress node = channels.localAddress();
            send(client, node, 1, new ControlMessage.Hello(11, 500));
            long cookie = receive(client, ControlMessage.HelloAck.class).cookie();
            send(client, node, 2, new ControlMessage.Subscribe("close-show", 2, 0, cookie));
            receive(client, ControlMessage.SubscribeAck.class);
            send(client, node, 0, new ControlMessage.Keepalive(1));
            receive(client, ControlMessage.KeepaliveAck.class); // the session is known

            // The node's thread is held; the keepalive waits in the socket while close() queues
            // its work behind the held task.
            try (HeldOwner held = HeldOwner.take(channels)) {
                send(client, node, 0, new ControlMessage.Keepalive(2));
                closer.start();
                SingleThreadEventExecutor loop = (SingleThreadEventExecutor) channels.ownerLoop();
                RelayChannelsFixture.waitFor(loop::pendingTasks, "close() queued its work");
            }
            closer.join(TimeUnit.NANOSECONDS.toMillis(RelayChannelsFixture.DEADLINE_NS));
            assertFalse(closer.isAlive(), "close() returned");

            List<String> answers = new ArrayList<>();
            client.setSoTimeout(300);
            try {
                while (true) {
                    answers.add(String.valueOf(receiveAny(client).message()));
                }
            } catch (SocketTimeoutException quiet) {
                // nothing more from the node
            }
            assertEquals(List.of(), answers.stream().filter(a -> a.startsWith("Error")).toList(),
                    "answers after the close began: " + answers);
        } finally {
            closer.join(TimeUnit.NANOSECONDS.toMillis(RelayChannelsFixture.DEADLINE_NS));
        }
        NettyLeaks.assertNoLeaks();
    }
}
