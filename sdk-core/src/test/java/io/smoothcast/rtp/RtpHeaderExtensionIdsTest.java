package io.smoothcast.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RtpHeaderExtensionIdsTest {

    @Test
    void defaults_areDocumentedValues() {
        RtpHeaderExtensionIds ids = RtpHeaderExtensionIds.defaults();
        assertEquals(RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID, ids.transportSequenceNumberId());
        assertEquals(RtpHeaderExtensionIds.DEFAULT_ABSOLUTE_CAPTURE_TIME_ID, ids.absoluteCaptureTimeId());
        assertEquals(ids, RtpHeaderExtensionIds.builder().build());
    }

    @Test
    void builder_setsIdsAndRejectsBadOnes() {
        RtpHeaderExtensionIds ids = RtpHeaderExtensionIds.builder().transportSequenceNumberId(3).absoluteCaptureTimeId(200).build();
        assertEquals(3, ids.transportSequenceNumberId());
        assertEquals(200, ids.absoluteCaptureTimeId());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
            () -> RtpHeaderExtensionIds.builder().transportSequenceNumberId(0));
        assertTrue(zero.getMessage().contains("transportSequenceNumberId"), zero.getMessage());
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
            () -> RtpHeaderExtensionIds.builder().transportSequenceNumberId(6).absoluteCaptureTimeId(6).build());
        assertTrue(same.getMessage().contains("differ"), same.getMessage());
    }
}
