package io.smoothcast.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.transport.RelayNode;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class LoopbackNodePortsTest {

    @Test
    void startBelowEphemeralRange_listensOnLoopbackBelowTheEphemeralPorts_andRestartsThere() throws Exception {
        InetSocketAddress address;
        try (RelayNode node = LoopbackNodePorts.startBelowEphemeralRange(RelayNode.builder())) {
            address = node.localAddress();
        }
        assertTrue(address.getAddress().isLoopbackAddress(), address.toString());
        assertTrue(address.getPort() >= LoopbackNodePorts.FIRST_PORT && address.getPort() <= LoopbackNodePorts.LAST_PORT,
                address.toString());
        try (RelayNode again = LoopbackNodePorts.restart(address)) {
            assertEquals(address, again.localAddress());
        }
    }
}
