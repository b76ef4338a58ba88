package io.smoothcast.samples.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HostPortTest {

    @Test
    void parsesHostPortV6AndBarePort() {
        assertEquals(new InetSocketAddress("127.0.0.1", 7000), HostPort.parse("127.0.0.1:7000"));
        assertEquals(new InetSocketAddress("::1", 7001), HostPort.parse("[::1]:7001"));
        assertEquals(new InetSocketAddress("127.0.0.1", 7002), HostPort.parse("7002"));
    }

    @Test
    void rejectsWhatIsNotAnAddress() {
        for (String bad : new String[] {"host:", "host:abc", ":7000", "host:70000", "host:-1"}) {
            CommandLine.TypeConversionException e = assertThrows(CommandLine.TypeConversionException.class,
                    () -> HostPort.parse(bad), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }
}
