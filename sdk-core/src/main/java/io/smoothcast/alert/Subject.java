package io.smoothcast.alert;

/**
 * What a sample describes: a stream as measured at one endpoint, served by a node in a region.
 * For node samples {@code streamId} and {@code endpointId} are "". Unknown fields are "".
 *
 * <p>Immutable record; thread-safe.
 *
 * @param streamId the stream; "" for node samples
 * @param endpointId the measuring endpoint; "" if there is only one
 * @param nodeId the serving node; "" when unknown
 * @param region the serving node's region; "" when unknown
 */
public record Subject(String streamId, String endpointId, String nodeId, String region) {

    /**
     * Rejects null fields (use "" for unknown).
     *
     * @param streamId the stream; "" for node samples
     * @param endpointId the measuring endpoint; "" if there is only one
     * @param nodeId the serving node; "" when unknown
     * @param region the serving node's region; "" when unknown
     */
    public Subject {
        if (streamId == null || endpointId == null || nodeId == null || region == null) {
            throw new IllegalArgumentException("Subject fields must not be null (use \"\"): streamId="
                    + streamId + ", endpointId=" + endpointId + ", nodeId=" + nodeId + ", region=" + region);
        }
    }
}
