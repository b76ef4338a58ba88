package io.smoothcast.samples.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.transport.RelayNode;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class NodePortsTest {

    @Test
    void startBelowEphemeralRange_listensOnLoopbackBelowTheEphemeralPorts_andRestartsThere() throws Exception {
        InetSocketAddress address;
        try (RelayNode node = NodePorts.startBelowEphemeralRange(RelayNode.builder())) {
            address = node.localAddress();
        }
        assertTrue(address.getAddress().isLoopbackAddress(), address.toString());
        assertTrue(address.getPort() >= NodePorts.FIRST_PORT && address.getPort() <= NodePorts.LAST_PORT,
                address.toString());
        try (RelayNode again = NodePorts.restart(address)) {
            assertEquals(address, again.localAddress());
        }
    }
}
