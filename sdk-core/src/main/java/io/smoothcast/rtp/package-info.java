/**
 * The standard wire format: RTP (RFC 3550) with RFC 8285 header extensions, and RTCP compound
 * packets (RFC 3550 SR, RR, SDES, BYE, APP; RFC 4585 generic NACK and PLI; RFC 5104 FIR;
 * transport-wide congestion control feedback, draft-holmer-rmcat-transport-wide-cc-extensions-01).
 *
 * <p>Reading: reusable flyweight views over a caller's {@code (byte[] buffer, int offset, int
 * length)}, which never allocate and never throw for hostile bytes; {@code wrap} returns
 * {@link io.smoothcast.rtp.ParseStatus#OK} or a named error code.
 * {@link io.smoothcast.rtp.RtpPacketView} reads RTP; {@link io.smoothcast.rtp.RtcpCompoundReader}
 * walks the packets of a compound, each handed to its typed view ({@link io.smoothcast.rtp.RtcpReportView},
 * {@link io.smoothcast.rtp.RtcpSdesView}, {@link io.smoothcast.rtp.RtcpByeView},
 * {@link io.smoothcast.rtp.RtcpAppView}, {@link io.smoothcast.rtp.RtcpNackView},
 * {@link io.smoothcast.rtp.RtcpPliView}, {@link io.smoothcast.rtp.RtcpFirView},
 * {@link io.smoothcast.rtp.TransportCcFeedbackView}).
 *
 * <p>Writing: into a caller-supplied {@code byte[]}, returning the length written or a negative
 * {@code DOES_NOT_FIT}: {@link io.smoothcast.rtp.RtpPacketWriter},
 * {@link io.smoothcast.rtp.RtcpReportWriter}, {@link io.smoothcast.rtp.RtcpWriter},
 * {@link io.smoothcast.rtp.NackWriter}, {@link io.smoothcast.rtp.TransportCcFeedbackWriter}.
 *
 * <p>Also here: the negotiated extension ids ({@link io.smoothcast.rtp.RtpHeaderExtensionIds}),
 * NTP conversions ({@link io.smoothcast.rtp.NtpTime}), and sequence arithmetic
 * ({@link io.smoothcast.rtp.SequenceNumbers}, {@link io.smoothcast.rtp.SequenceUnwrapper},
 * {@link io.smoothcast.rtp.TimestampUnwrapper}).
 *
 * <p>Views and writers are not thread-safe: one instance per thread. Stateless helpers are.
 */
package io.smoothcast.rtp;
