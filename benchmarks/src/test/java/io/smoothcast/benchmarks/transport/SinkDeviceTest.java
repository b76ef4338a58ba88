package io.smoothcast.benchmarks.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SinkDeviceTest {

    @Test
    void ifb_usesTheDefaultSubnetsFirstTwoAddresses() throws Exception {
        SinkDevice sink = SinkDevice.parse("ifb");
        assertEquals("10.213.0.1", sink.nodeAddress().getHostAddress());
        assertEquals("10.213.0.2", sink.subscriberAddress().getHostAddress());
    }

    @Test
    void aGivenSubnet_isMaskedToItsNetworkFirst() throws Exception {
        SinkDevice sink = SinkDevice.parse("ifb:192.168.77.200/16");
        assertEquals("192.168.0.1", sink.nodeAddress().getHostAddress());
        assertEquals("192.168.0.2", sink.subscriberAddress().getHostAddress());
    }

    @Test
    void otherDevicesLoopbackAndPrefixesWithoutRoomForTwoAddresses_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> SinkDevice.parse("dummy"));
        assertThrows(IllegalArgumentException.class, () -> SinkDevice.parse("ifb:10.0.0.0"));
        assertThrows(IllegalArgumentException.class, () -> SinkDevice.parse("ifb:10.0.0.0/31"));
        assertThrows(IllegalArgumentException.class, () -> SinkDevice.parse("ifb:127.0.0.0/8"));
        assertThrows(IllegalArgumentException.class, () -> SinkDevice.parse("ifb:::1/64"));
    }
}
