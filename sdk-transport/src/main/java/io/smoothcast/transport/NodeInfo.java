package io.smoothcast.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A relay node of the cluster: where it listens and the region it serves. Nodes serve the list of
 * their cluster's members (see {@link NodeProbe#fetchMembers}); clients rank them with a
 * {@link NodeProbe}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param address the node's UDP address (resolved: an IP address and a port)
 * @param region a label such as {@code eu-west}: 0-{@value #MAX_REGION_LENGTH} characters from
 *     {@code A-Z a-z 0-9 . _ -}; empty when unknown
 */
public record NodeInfo(InetSocketAddress address, String region) {

    /** Longest region label, in characters. */
    public static final int MAX_REGION_LENGTH = 32;

    /** Validates the fields. */
    public NodeInfo {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(region, "region");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("address must be resolved: " + address);
        }
        if (!isValidRegion(region)) {
            throw new IllegalArgumentException("region must be 0-" + MAX_REGION_LENGTH
                    + " characters from A-Z a-z 0-9 . _ -: " + region);
        }
    }

    /**
     * Whether {@code region} is an acceptable label.
     *
     * @param region the label
     * @return true if it may be used
     */
    public static boolean isValidRegion(String region) {
        if (region.length() > MAX_REGION_LENGTH) {
            return false;
        }
        for (int i = 0; i < region.length(); i++) {
            char c = region.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
