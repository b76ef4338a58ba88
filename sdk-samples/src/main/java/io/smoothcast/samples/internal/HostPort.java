package io.smoothcast.samples.internal;

import java.net.InetSocketAddress;
import picocli.CommandLine;

/**
 * Parses {@code host:port} (or {@code [v6]:port}, or just {@code port} for loopback) into an
 * address. picocli puts the option name in front of the message, so a bad value names the
 * argument it came from.
 *
 * <p>Stateless; thread-safe.
 */
public final class HostPort implements CommandLine.ITypeConverter<InetSocketAddress> {

    @Override
    public InetSocketAddress convert(String value) {
        return parse(value);
    }

    /**
     * @param value {@code host:port}, {@code [v6-address]:port} or {@code port}
     * @return the unresolved-if-needed address
     * @throws CommandLine.TypeConversionException if the text is not an address
     */
    public static InetSocketAddress parse(String value) {
        String host;
        String portText;
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            host = "127.0.0.1";
            portText = value;
        } else {
            host = value.substring(0, colon);
            portText = value.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty()) {
                throw new CommandLine.TypeConversionException("'" + value + "' has no host before ':'");
            }
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not host:port (port '" + portText
                    + "' is not a number)");
        }
        if (port < 0 || port > 65_535) {
            throw new CommandLine.TypeConversionException("'" + value + "': port must be 0-65535");
        }
        return new InetSocketAddress(host, port);
    }
}
