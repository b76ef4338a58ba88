package io.smoothcast.rtp;

import java.util.Objects;

/**
 * The RFC 8285 local identifiers under which Smoothcast sends and reads its two header
 * extensions:
 * <ul>
 *   <li>the transport-wide sequence number ({@link #TRANSPORT_SEQUENCE_NUMBER_URI}), which
 *       transport-cc feedback refers to; default {@value #DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID};</li>
 *   <li>the absolute capture time ({@link #ABSOLUTE_CAPTURE_TIME_URI}), a 64-bit NTP timestamp
 *       of when the frame was captured, used to measure end-to-end latency; default
 *       {@value #DEFAULT_ABSOLUTE_CAPTURE_TIME_ID}.</li>
 * </ul>
 * The ids must match what both ends agreed (an SDP {@code a=extmap} line, or the caps
 * {@code extmap-N=URI} of a GStreamer peer). Ids 1 to 14 fit the compact one-byte header form;
 * 15 to 255 force the two-byte form.
 *
 * <pre>{@code
 * RtpHeaderExtensionIds ids = RtpHeaderExtensionIds.builder().transportSequenceNumberId(3).build();
 * }</pre>
 *
 * <p>Immutable; thread-safe.
 */
public final class RtpHeaderExtensionIds {

    /** URI of the transport-wide sequence number extension. */
    public static final String TRANSPORT_SEQUENCE_NUMBER_URI =
        "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    /** URI of the absolute capture time extension. */
    public static final String ABSOLUTE_CAPTURE_TIME_URI =
        "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time";
    /** Default id of the transport-wide sequence number (the id used in the project's GStreamer interop setup). */
    public static final int DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID = 5;
    /** Default id of the absolute capture time. */
    public static final int DEFAULT_ABSOLUTE_CAPTURE_TIME_ID = 6;

    private static final RtpHeaderExtensionIds DEFAULTS = builder().build();

    private final int transportSequenceNumberId;
    private final int absoluteCaptureTimeId;

    private RtpHeaderExtensionIds(Builder builder) {
        this.transportSequenceNumberId = builder.transportSequenceNumberId;
        this.absoluteCaptureTimeId = builder.absoluteCaptureTimeId;
    }

    /** @return the ids with their documented defaults */
    public static RtpHeaderExtensionIds defaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the id of the transport-wide sequence number element, 1 to 255 */
    public int transportSequenceNumberId() {
        return transportSequenceNumberId;
    }

    /** @return the id of the absolute capture time element, 1 to 255 */
    public int absoluteCaptureTimeId() {
        return absoluteCaptureTimeId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RtpHeaderExtensionIds
            && ((RtpHeaderExtensionIds) o).transportSequenceNumberId == transportSequenceNumberId
            && ((RtpHeaderExtensionIds) o).absoluteCaptureTimeId == absoluteCaptureTimeId;
    }

    @Override
    public int hashCode() {
        return Objects.hash(transportSequenceNumberId, absoluteCaptureTimeId);
    }

    @Override
    public String toString() {
        return "RtpHeaderExtensionIds{transportSequenceNumberId=" + transportSequenceNumberId
            + ", absoluteCaptureTimeId=" + absoluteCaptureTimeId + '}';
    }

    /** Builds {@link RtpHeaderExtensionIds}. Not thread-safe. */
    public static final class Builder {
        private int transportSequenceNumberId = DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID;
        private int absoluteCaptureTimeId = DEFAULT_ABSOLUTE_CAPTURE_TIME_ID;

        private Builder() {
        }

        /**
         * @param id 1 to 255
         * @return this builder
         */
        public Builder transportSequenceNumberId(int id) {
            this.transportSequenceNumberId = checkId("transportSequenceNumberId", id);
            return this;
        }

        /**
         * @param id 1 to 255
         * @return this builder
         */
        public Builder absoluteCaptureTimeId(int id) {
            this.absoluteCaptureTimeId = checkId("absoluteCaptureTimeId", id);
            return this;
        }

        /**
         * @return the immutable ids
         * @throws IllegalArgumentException if both extensions were given the same id
         */
        public RtpHeaderExtensionIds build() {
            if (transportSequenceNumberId == absoluteCaptureTimeId) {
                throw new IllegalArgumentException("transportSequenceNumberId and absoluteCaptureTimeId must differ: both "
                    + transportSequenceNumberId);
            }
            return new RtpHeaderExtensionIds(this);
        }

        private static int checkId(String name, int id) {
            if (id < 1 || id > 255) {
                throw new IllegalArgumentException(name + " must be in [1, 255]: " + id);
            }
            return id;
        }
    }
}
