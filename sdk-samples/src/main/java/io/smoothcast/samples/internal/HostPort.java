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
     * @return the resolved address
     * @throws CommandLine.TypeConversionException if the text is not an address or its host does not resolve
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
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new CommandLine.TypeConversionException("'" + value + "': host '" + host
                    + "' did not resolve to an address (check the name and DNS)");
        }
        return address;
    }

    /**
     * Like {@link #parse}, for an address to send to (a node), where port 0 means nothing.
     *
     * @param value {@code host:port}, {@code [v6-address]:port} or {@code port}
     * @return the address
     * @throws CommandLine.TypeConversionException if the text is not an address or the port is 0
     */
    public static InetSocketAddress parseRemote(String value) {
        InetSocketAddress address = parse(value);
        if (address.getPort() == 0) {
            throw new CommandLine.TypeConversionException("'" + value + "': port must be 1-65535 (the node's port)");
        }
        return address;
    }

    /** Converts an address to send to ({@link #parseRemote}). Stateless; thread-safe. */
    public static final class Remote implements CommandLine.ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            return parseRemote(value);
        }
    }
}
