package io.smoothcast.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's count of UDP datagrams dropped because a socket's receive buffer was full
 * ({@code RcvbufErrors} in {@code /proc/net/snmp}). It is the whole network namespace's count, so
 * other processes' sockets add to it; a test reports the change over its run beside its own
 * counters, to tell whether datagrams were lost before any of its threads could read them.
 * Thread-safe (stateless).
 */
final class KernelUdpDrops {

    private static final Path SNMP = Path.of("/proc/net/snmp");

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
}
