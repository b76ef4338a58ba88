package io.smoothcast.benchmarks.transport;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A network device that drops every datagram routed to it, for {@code -Dharness.sink=ifb} in
 * {@link RelayFanOutHarness}: the sender's copies then take the transmit path they would take
 * towards a network card (route lookup, neighbour output, the device's queueing discipline, the
 * driver's transmit, the skb freed with {@code sock_wfree}) and no loopback receive runs on the
 * sender's CPU for them.
 *
 * <p>The device is an {@code ifb} (the kernel of the benchmark machine has no {@code dummy}
 * driver): an ifb device frees at once, in its transmit function, any skb that tc did not
 * redirect to it, and counts it as dropped. It is {@code NOARP}, so no neighbour resolution
 * waits. It gets the kernel's default queueing discipline ({@code pfifo_fast} here, bypassed
 * while empty), as a network card would.
 *
 * <p>How the subscribers join: the relay learns a subscriber's address from its SUBSCRIBE, so
 * real sockets must send one. They are bound to a second address of the subnet, added to the
 * device as a {@code /32} while they join; a local address is delivered through loopback, so
 * after the joins {@link #detachSubscribers()} removes it. The sockets stay open (Linux keeps a
 * UDP socket bound to an address that went away) and every later datagram to that address
 * follows the subnet's route to the device.
 *
 * <p>Needs root. {@link #close()} deletes the device (with it its addresses and route); a
 * shutdown hook does the same if the JVM ends another way (an exception, SIGINT, SIGTERM).
 * Only SIGKILL leaves it: the next run then refuses to start and says how to delete it. Not
 * thread-safe: one harness thread uses it.
 */
final class SinkDevice implements AutoCloseable {

    static final String PROPERTY = "harness.sink";
    static final String DEVICE = "sc-sink0";
    private static final String DEFAULT_SUBNET = "10.213.0.0/24";
    /**
     * Held while the device is set up and while it is deleted: a SIGTERM in the middle of the
     * set-up runs the shutdown hook, which then waits for the device to exist before deleting it.
     */
    private static final Object SETUP = new Object();

    private final Inet4Address nodeAddress;
    private final Inet4Address subscriberAddress;
    private final int prefixLength;
    private final Thread deleteAtExit = new Thread(SinkDevice::deleteDevice, "harness-sink-cleanup");
    private boolean closed;

    private SinkDevice(Inet4Address nodeAddress, Inet4Address subscriberAddress, int prefixLength) {
        this.nodeAddress = nodeAddress;
        this.subscriberAddress = subscriberAddress;
        this.prefixLength = prefixLength;
    }

    /**
     * Creates the device if {@code -Dharness.sink} asks for it.
     *
     * @return the device, or {@code null} without the option
     * @throws IllegalStateException if not root, if the device already exists, or if a command fails
     *         (then nothing is left behind)
     */
    static SinkDevice createIfAsked() throws IOException, InterruptedException {
        String spec = System.getProperty(PROPERTY);
        if (spec == null) {
            return null;
        }
        SinkDevice sink = parse(spec);
        if (!isRoot()) {
            throw new IllegalStateException("-D" + PROPERTY + "=" + spec + " needs root: it creates the network device "
                    + DEVICE + " and routes the subscribers' subnet to it. Run as root, or leave the option out"
                    + " (the loopback mode)");
        }
        if (Files.exists(Path.of("/sys/class/net", DEVICE))) {
            throw new IllegalStateException("network device " + DEVICE + " already exists: another harness runs in"
                    + " sink mode, or one was killed with SIGKILL. If none runs: ip link del " + DEVICE);
        }
        Runtime.getRuntime().addShutdownHook(sink.deleteAtExit);
        try {
            synchronized (SETUP) {
                ip("link", "add", DEVICE, "type", "ifb");
                // No IPv6 on it: router solicitations and MLD reports would be counted as copies.
                Files.writeString(Path.of("/proc/sys/net/ipv6/conf", DEVICE, "disable_ipv6"), "1");
                ip("link", "set", DEVICE, "up");
                ip("addr", "add", sink.nodeAddress.getHostAddress() + "/" + sink.prefixLength, "dev", DEVICE);
                ip("addr", "add", sink.subscriberAddress.getHostAddress() + "/32", "dev", DEVICE);
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            sink.close();
            throw e;
        }
        return sink;
    }

    /**
     * Parses {@code ifb} (subnet {@value #DEFAULT_SUBNET}) or {@code ifb:A.B.C.D/N}: the node's
     * address is the subnet's first, the subscribers' the second. Creates nothing.
     */
    static SinkDevice parse(String spec) throws UnknownHostException {
        String subnet;
        if (spec.equals("ifb")) {
            subnet = DEFAULT_SUBNET;
        } else if (spec.startsWith("ifb:")) {
            subnet = spec.substring(4);
        } else {
            throw new IllegalArgumentException("-D" + PROPERTY + " takes ifb or ifb:A.B.C.D/N, not " + spec);
        }
        int slash = subnet.indexOf('/');
        int prefix = slash < 0 ? -1 : Integer.parseInt(subnet.substring(slash + 1));
        if (prefix < 8 || prefix > 30) {
            throw new IllegalArgumentException("-D" + PROPERTY + ": the subnet needs a prefix length of 8 to 30: "
                    + subnet);
        }
        InetAddress base = InetAddress.getByName(subnet.substring(0, slash));
        if (!(base instanceof Inet4Address) || base.isLoopbackAddress()) {
            throw new IllegalArgumentException("-D" + PROPERTY + ": an IPv4 subnet outside 127/8 is needed: " + subnet);
        }
        byte[] bytes = base.getAddress();
        int network = ((bytes[0] & 0xFF) << 24 | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | (bytes[3] & 0xFF))
                & (-1 << (32 - prefix));
        return new SinkDevice(ipv4(network + 1), ipv4(network + 2), prefix);
    }

    /** The address the relay (or GStreamer) is reached at by the subscribers, and sends its copies from. */
    Inet4Address nodeAddress() {
        return nodeAddress;
    }

    /** The address the subscriber sockets bind to; local until {@link #detachSubscribers()}. */
    Inet4Address subscriberAddress() {
        return subscriberAddress;
    }

    /**
     * Removes the subscribers' address from the machine, so that datagrams to it go to the
     * device, and checks with {@code ip route get} that they do.
     *
     * @throws IllegalStateException if the route does not lead to the device
     */
    void detachSubscribers() throws IOException, InterruptedException {
        ip("addr", "del", subscriberAddress.getHostAddress() + "/32", "dev", DEVICE);
        String route = ip("route", "get", subscriberAddress.getHostAddress());
        if (route.startsWith("local") || !route.contains("dev " + DEVICE + " ")) {
            throw new IllegalStateException("datagrams to " + subscriberAddress.getHostAddress() + " do not go to "
                    + DEVICE + ": " + route);
        }
    }

    /**
     * Datagrams the device dropped so far: every datagram routed to it (an ifb device counts
     * what it is sent and frees among its received-and-dropped packets).
     */
    long dropped() throws IOException {
        Path counter = Path.of("/sys/class/net", DEVICE, "statistics", "rx_dropped");
        if (!Files.exists(counter)) {
            throw new IllegalStateException(DEVICE + " was deleted during the run (by another process?)");
        }
        return Long.parseLong(Files.readString(counter).trim());
    }

    /** Deletes the device, its addresses and its route. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        deleteDevice();
        try {
            Runtime.getRuntime().removeShutdownHook(deleteAtExit);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook runs (or ran) anyway; deleting twice is harmless.
        }
    }

    private static void deleteDevice() {
        synchronized (SETUP) {
            if (!Files.exists(Path.of("/sys/class/net", DEVICE))) {
                return;
            }
            try {
                ip("link", "del", DEVICE);
            } catch (IOException | RuntimeException e) {
                System.err.printf("could not delete %s (delete it with: ip link del %s): %s%n", DEVICE, DEVICE, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                System.err.printf("interrupted deleting %s (delete it with: ip link del %s)%n", DEVICE, DEVICE);
            }
        }
    }

    private static boolean isRoot() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return line.split("\\s+")[2].equals("0"); // real, effective, saved, filesystem: the effective one
            }
        }
        return false;
    }

    /** Runs {@code ip ARGS...}; returns its output, or throws with it if the command fails. */
    private static String ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    private static Inet4Address ipv4(int address) throws UnknownHostException {
        return (Inet4Address) InetAddress.getByAddress(new byte[] {
            (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address});
    }
}
