package io.smoothcast.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's count of UDP datagrams dropped because a socket's receive buffer was full
 * ({@code RcvbufErrors} in {@code /proc/net/snmp}). It is the whole network namespace's count, so
 * other processes' sockets add to it; a test reports the change over its run beside its own
 * counters, to tell whether datagrams were lost before any of its threads could read them. Also
 * the same for the sockets bound to one local port ({@link #ofPort}): the datagrams waiting in
 * their receive queues and the ones they dropped, from the kernel's socket tables.
 * Thread-safe (stateless).
 */
final class KernelUdpDrops {

    private static final Path SNMP = Path.of("/proc/net/snmp");
    /** The kernel's socket tables: one line per socket, IPv4 and IPv6 (dual-stack sockets are here). */
    private static final List<Path> SOCKET_TABLES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));

    private KernelUdpDrops() {
    }

    /** @return the namespace's {@code Udp RcvbufErrors} count, or -1 where it cannot be read */
    static long receiveBufferErrors() {
        try {
            List<String> lines = Files.readAllLines(SNMP);
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("Udp: ") && lines.get(i + 1).startsWith("Udp: ")) {
                    List<String> names = List.of(lines.get(i).trim().split("\\s+"));
                    String[] values = lines.get(i + 1).trim().split("\\s+");
                    int column = names.indexOf("RcvbufErrors");
                    return column > 0 && column < values.length ? Long.parseLong(values[column]) : -1;
                }
            }
            return -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /**
     * For failure messages.
     *
     * @param before a {@link #receiveBufferErrors()} reading taken at the test's start
     * @return the change since, named
     */
    static String describeSince(long before) {
        long now = receiveBufferErrors();
        return before < 0 || now < 0 ? "kernel UDP receive-buffer drops unknown"
                : "kernel UDP receive-buffer drops (whole machine) " + (now - before);
    }

    /**
     * The receive queues of the sockets bound to a local port (all of them: a relay's fan-out
     * sockets share its port), summed.
     *
     * @param localPort the port
     * @return {@code {bytes waiting, datagrams dropped since the sockets were opened}}, or
     *     {@code {-1, -1}} where the tables cannot be read
     */
    static long[] ofPort(int localPort) {
        long queued = 0;
        long dropped = 0;
        try {
            for (Path table : SOCKET_TABLES) {
                if (!Files.exists(table)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(table);
                for (int i = 1; i < lines.size(); i++) {
                    // sl local_address rem_address st tx_queue:rx_queue tr tm->when retrnsmt uid timeout inode ref pointer drops
                    String[] fields = lines.get(i).trim().split("\\s+");
                    if (fields.length < 13) {
                        continue;
                    }
                    String local = fields[1];
                    if (Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16) != localPort) {
                        continue;
                    }
                    String queues = fields[4];
                    queued += Long.parseLong(queues.substring(queues.indexOf(':') + 1), 16);
                    dropped += Long.parseLong(fields[12]);
                }
            }
            return new long[] {queued, dropped};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }
}
