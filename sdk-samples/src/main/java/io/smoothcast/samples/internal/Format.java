package io.smoothcast.samples.internal;

import io.smoothcast.stats.NodeSwitchCounts;
import io.smoothcast.transport.NodeSwitchReason;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Formats numbers for the terminal.
 *
 * <p>Stateless; thread-safe.
 */
public final class Format {

    private Format() {
    }

    /**
     * @param bitrateBps bits per second
     * @return for example {@code "1.25 Mbps"} or {@code "640 kbps"}
     */
    public static String bitrate(long bitrateBps) {
        if (bitrateBps >= 1_000_000) {
            return String.format(Locale.ROOT, "%.2f Mbps", bitrateBps / 1e6);
        }
        return String.format(Locale.ROOT, "%d kbps", bitrateBps / 1000);
    }

    /**
     * @param ms milliseconds, negative for unknown
     * @return for example {@code "312 ms"}, or {@code "-"} when unknown
     */
    public static String millis(double ms) {
        return ms < 0 ? "-" : String.format(Locale.ROOT, "%.0f ms", ms);
    }

    /**
     * @param address a socket address
     * @return {@code host:port} without the resolver's leading slash
     */
    public static String address(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    /**
     * @param switches moves to another node while the node still answered, per reason
     * @return the reasons that occurred with their counts, for example
     *     {@code "degraded_path 1, no_publisher 2"}, or {@code "0"} without any move
     */
    public static String nodeSwitches(NodeSwitchCounts switches) {
        StringBuilder sb = new StringBuilder();
        for (NodeSwitchReason reason : NodeSwitchReason.values()) {
            long n = reason.countIn(switches);
            if (n > 0) {
                sb.append(sb.length() == 0 ? "" : ", ").append(reason.label()).append(' ').append(n);
            }
        }
        return sb.length() == 0 ? "0" : sb.toString();
    }

    /**
     * @param nodes the nodes carrying a client now, primary first
     * @return for example {@code "127.0.0.1:7001"}, both legs joined by {@code "+"} in redundant
     *     mode, or {@code "-"} while no node carries the client
     */
    public static String nodes(List<InetSocketAddress> nodes) {
        return nodes.isEmpty() ? "-" : nodes.stream().map(Format::address).collect(Collectors.joining("+"));
    }

    /**
     * The end of a client's status line: how often it left its node, and how often a node refused
     * its token (beside the failovers: a refused client is without a node until it renews).
     *
     * @param failovers resumes on another node after losing the node
     * @param switches moves while the node still answered, per reason
     * @param tokenRefusals refusals of the client's current token by a node
     * @return for example {@code "failovers 1  moves no_publisher 2  token refusals 0"} or
     *     {@code "failovers 0  moves 0  token refusals 0"}
     */
    public static String moves(long failovers, NodeSwitchCounts switches, long tokenRefusals) {
        return "failovers " + failovers + "  moves " + nodeSwitches(switches) + "  token refusals " + tokenRefusals;
    }

    /**
     * A part of a status line shown only while something is wrong, so that a healthy line stays
     * short and a bad one stands out.
     *
     * @param label the part's name, in capitals
     * @param names the counts' names
     * @param counts the counts, one per name
     * @return {@code ""} while every count is 0, else for example
     *     {@code ", ABUSE routability failures 3, half-open evicted 0"}
     */
    public static String whenAnyNonZero(String label, List<String> names, long... counts) {
        if (names.size() != counts.length) {
            throw new IllegalArgumentException(names.size() + " names for " + counts.length + " counts");
        }
        if (Arrays.stream(counts).allMatch(n -> n == 0)) {
            return "";
        }
        StringBuilder sb = new StringBuilder(", ").append(label);
        for (int i = 0; i < counts.length; i++) {
            sb.append(i == 0 ? " " : ", ").append(names.get(i)).append(' ').append(counts[i]);
        }
        return sb.toString();
    }
}
