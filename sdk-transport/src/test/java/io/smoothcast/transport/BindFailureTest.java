package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.stream.Collectors;
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
            Set<Thread> before = threadsNamed("smoothcast-relay"); // other tests' nodes, if any still run

            UncheckedIOException e = assertThrows(UncheckedIOException.class, node::start);

            assertTrue(e.getMessage().contains(String.valueOf(busy.getPort())), e.getMessage());
            assertEquals(Set.of(), startedAndStillAlive("smoothcast-relay", before), "the node's I/O threads were stopped");
            node.close();
        }
    }

    @Test
    void networkEmulator_onATakenAddress_throwsUnchecked_andCloseIsHarmless() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress busy = new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort());
            NetworkEmulator emulator = NetworkEmulator.builder()
                    .target(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)).bindAddress(busy).build();
            Set<Thread> before = threadsNamed("smoothcast-emulator");

            assertThrows(UncheckedIOException.class, emulator::start);

            assertEquals(Set.of(), startedAndStillAlive("smoothcast-emulator", before),
                    "the emulator's I/O thread was stopped");
            emulator.close(); // used to throw a NullPointerException: no channel was ever bound
        }
    }

    private static Set<Thread> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).collect(Collectors.toSet());
    }

    /**
     * The threads with this prefix that were not there before and are still alive. A thread
     * whose event loop has terminated may still be finishing its run() when the shutdown's future
     * completes: each is joined (at most 5 s, which only a leaked thread would use up).
     */
    private static Set<Thread> startedAndStillAlive(String prefix, Set<Thread> before) throws InterruptedException {
        Set<Thread> started = threadsNamed(prefix);
        started.removeAll(before);
        for (Thread t : started) {
            t.join(5_000);
        }
        started.removeIf(t -> !t.isAlive());
        return started;
    }
}
