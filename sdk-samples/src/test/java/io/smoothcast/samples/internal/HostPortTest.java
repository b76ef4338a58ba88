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
    void rejectsAHostThatDoesNotResolve_namingIt() {
        CommandLine.TypeConversionException e = assertThrows(CommandLine.TypeConversionException.class,
                () -> HostPort.parse("no-such-host.invalid:7000"));
        assertTrue(e.getMessage().contains("host 'no-such-host.invalid' did not resolve"), e.getMessage());
    }

    @Test
    void remoteAddress_needsAPort() {
        CommandLine.TypeConversionException e = assertThrows(CommandLine.TypeConversionException.class,
                () -> new HostPort.Remote().convert("127.0.0.1:0"));
        assertTrue(e.getMessage().contains("port must be 1-65535"), e.getMessage());
        assertEquals(new InetSocketAddress("127.0.0.1", 7000), new HostPort.Remote().convert("127.0.0.1:7000"));
        assertEquals(new InetSocketAddress("127.0.0.1", 0), HostPort.parse("0")); // a local port to bind may be 0
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
