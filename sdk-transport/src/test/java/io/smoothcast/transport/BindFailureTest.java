package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * A relay node or emulator whose address is taken: {@code start()} throws an unchecked exception
 * naming the address (Netty's bind rethrows a checked IOException undeclared, which used to slip
 * past the start's clean-up), stops the threads it had started, and {@code close()} still works.
 */
class BindFailureTest {

    @Test
    void relayNode_onATakenAddress_throwsUnchecked_andLeavesNoIoThread() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress busy = new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort());
            RelayNode node = RelayNode.builder().bindAddress(busy).build();
            long before = threadsNamed("smoothcast-relay"); // other tests' nodes, if any still run

            UncheckedIOException e = assertThrows(UncheckedIOException.class, node::start);

            assertTrue(e.getMessage().contains(String.valueOf(busy.getPort())), e.getMessage());
            assertEquals(before, threadsNamed("smoothcast-relay"), "the node's I/O threads were stopped");
            node.close();
        }
    }

    @Test
    void networkEmulator_onATakenAddress_throwsUnchecked_andCloseIsHarmless() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress busy = new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort());
            NetworkEmulator emulator = NetworkEmulator.builder()
                    .target(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)).bindAddress(busy).build();
            long before = threadsNamed("smoothcast-emulator");

            assertThrows(UncheckedIOException.class, emulator::start);

            assertEquals(before, threadsNamed("smoothcast-emulator"), "the emulator's I/O thread was stopped");
            emulator.close(); // used to throw a NullPointerException: no channel was ever bound
        }
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }
}
