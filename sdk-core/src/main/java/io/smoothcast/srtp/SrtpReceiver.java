package io.smoothcast.srtp;

import io.smoothcast.srtp.internal.Bytes;
import io.smoothcast.srtp.internal.SessionKeys;
import io.smoothcast.srtp.internal.SrtpPackets;
import io.smoothcast.srtp.internal.StreamState;
import io.smoothcast.srtp.internal.StreamTable;

/**
 * Authenticates and decrypts incoming SRTP and SRTCP of one direction of one leg (RFC 7714
 * AEAD AES-GCM), with a replay window per SSRC and counted drop reasons.
 *
 * <pre>{@code
 * SrtpReceiver receiver = SrtpReceiver.builder(SrtpProfile.AEAD_AES_128_GCM, masterKey, masterSalt).build();
 * int rtpLength = receiver.unprotectRtp(datagram, 0, datagramLength);   // in place
 * if (rtpLength < 0) { return; }                   // counted in receiver.dropCount(rtpLength)
 * }</pre>
 *
 * <p>Order of checks, cheapest first, so forged or replayed packets cost as little as possible:
 * structure ({@link SrtpStatus#MALFORMED}), stream table room for a new SSRC
 * ({@link SrtpStatus#TOO_MANY_STREAMS}), replay window ({@link SrtpStatus#REPLAYED},
 * {@link SrtpStatus#TOO_OLD}), then the AEAD tag ({@link SrtpStatus#AUTHENTICATION_FAILED}).
 * State (a new SSRC, the replay window, the rollover counter) changes only after a packet
 * authenticated, so unauthenticated packets cannot create streams or move the window.
 *
 * <p>Rollover counter: estimated per RFC 3711 section 3.3.1 from the highest authenticated
 * sequence number; a new SSRC starts at ROC 0 with its first authenticated packet, as both ends
 * of a fresh leg do.
 *
 * <p>Buffers: {@code dst} may be {@code src} at the same offset (in place) or a region that does
 * not overlap it. On any failure {@code dst} is left untouched. Allocation per packet: only what
 * {@code javax.crypto} needs (see the package documentation); a forged packet additionally costs
 * the {@code AEADBadTagException} the JDK throws internally (caught here).
 *
 * <p>Not thread-safe: one instance per receiving thread.
 */
public final class SrtpReceiver {

    private static final int MIN_SRTCP = SrtpPackets.RTCP_HEADER + SrtpProfile.TAG_BYTES + SrtpProfile.SRTCP_TRAILER_BYTES;

    private final SessionKeys keys;
    private final StreamTable rtpStreams;
    private final StreamTable rtcpStreams;
    private final long[] drops = new long[SrtpStatus.COUNT];
    private long acceptedRtp;
    private long acceptedRtcp;

    private SrtpReceiver(Builder builder) {
        this.keys = builder.keying.deriveOnce();
        this.rtpStreams = builder.keying.newStreamTable();
        this.rtcpStreams = builder.keying.newStreamTable();
    }

    /**
     * @param profile the protection profile
     * @param masterKey master key of {@code profile.keyBytes()} bytes; copied
     * @param masterSalt master salt of {@value SrtpProfile#SALT_BYTES} bytes; copied
     * @return a builder
     * @throws IllegalArgumentException if an argument is null or of the wrong length
     */
    public static Builder builder(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        return new Builder(profile, masterKey, masterSalt);
    }

    /**
     * Unprotects an SRTP packet in place.
     *
     * @param buf the packet
     * @param off its offset
     * @param len its length, tag included
     * @return the RTP packet's length ({@code len - 16}) or a negative {@link SrtpStatus}
     * @throws IllegalArgumentException if {@code buf} is null or the region lies outside it
     */
    public int unprotectRtp(byte[] buf, int off, int len) {
        return unprotectRtp(buf, off, len, buf, off);
    }

    /**
     * Unprotects an SRTP packet into {@code dst}.
     *
     * @param src the protected packet
     * @param srcOff its offset
     * @param len its length, tag included
     * @param dst the output array
     * @param dstOff where the RTP packet starts
     * @return the RTP packet's length ({@code len - 16}) or a negative {@link SrtpStatus}:
     *     {@link SrtpStatus#MALFORMED}, {@link SrtpStatus#BUFFER_TOO_SMALL},
     *     {@link SrtpStatus#TOO_MANY_STREAMS}, {@link SrtpStatus#REPLAYED}, {@link SrtpStatus#TOO_OLD},
     *     {@link SrtpStatus#AUTHENTICATION_FAILED} or {@link SrtpStatus#CRYPTO_FAILURE}
     * @throws IllegalArgumentException if an array is null or the source region lies outside it
     */
    public int unprotectRtp(byte[] src, int srcOff, int len, byte[] dst, int dstOff) {
        SrtpArguments.check(src, srcOff, len, dst, dstOff);
        int headerLen = SrtpPackets.rtpHeaderLength(src, srcOff, len - SrtpProfile.TAG_BYTES);
        if (headerLen < 0) {
            return drop(SrtpStatus.MALFORMED);
        }
        if (dst.length - dstOff < len - SrtpProfile.TAG_BYTES) {
            return drop(SrtpStatus.BUFFER_TOO_SMALL);
        }
        int seq = Bytes.u16(src, srcOff + 2);
        int ssrc = Bytes.i32(src, srcOff + 8);
        StreamState state = rtpStreams.find(ssrc);
        long index;
        if (state == null) {
            if (rtpStreams.isFull()) {
                return drop(SrtpStatus.TOO_MANY_STREAMS);
            }
            index = seq;
        } else {
            index = SrtpArguments.knownStreamIndex(state, seq);
            if (index < 0) {
                return drop((int) index);
            }
        }
        int result = keys.rtp.openRtp(src, srcOff, len, headerLen, ssrc, index >>> 16, seq, dst, dstOff);
        if (result < 0) {
            return drop(result);
        }
        if (state == null) {
            state = rtpStreams.add(ssrc);
        }
        SrtpArguments.advance(state, index, seq);
        acceptedRtp++;
        return result;
    }

    /**
     * Unprotects an SRTCP packet in place.
     *
     * @param buf the packet
     * @param off its offset
     * @param len its length, tag and trailer included
     * @return the RTCP compound packet's length ({@code len - 20}) or a negative {@link SrtpStatus}
     * @throws IllegalArgumentException if {@code buf} is null or the region lies outside it
     */
    public int unprotectRtcp(byte[] buf, int off, int len) {
        return unprotectRtcp(buf, off, len, buf, off);
    }

    /**
     * Unprotects an SRTCP packet into {@code dst}; both encrypted (E = 1) and
     * authenticated-only (E = 0) packets are accepted. The replay window runs over the SRTCP
     * index per sender SSRC.
     *
     * @param src the protected packet
     * @param srcOff its offset
     * @param len its length, tag and trailer included
     * @param dst the output array
     * @param dstOff where the RTCP compound packet starts
     * @return the RTCP length ({@code len - 20}) or a negative {@link SrtpStatus}, as for
     *     {@link #unprotectRtp(byte[], int, int, byte[], int)}
     * @throws IllegalArgumentException if an array is null or the source region lies outside it
     */
    public int unprotectRtcp(byte[] src, int srcOff, int len, byte[] dst, int dstOff) {
        SrtpArguments.check(src, srcOff, len, dst, dstOff);
        if (len < MIN_SRTCP || !SrtpPackets.isRtcpVersion2(src, srcOff)) {
            return drop(SrtpStatus.MALFORMED);
        }
        int plainLen = len - SrtpProfile.TAG_BYTES - SrtpProfile.SRTCP_TRAILER_BYTES;
        if (dst.length - dstOff < plainLen) {
            return drop(SrtpStatus.BUFFER_TOO_SMALL);
        }
        int ssrc = Bytes.i32(src, srcOff + 4);
        long index = Bytes.i32(src, srcOff + len - SrtpProfile.SRTCP_TRAILER_BYTES) & 0x7FFF_FFFFL;
        StreamState state = rtcpStreams.find(ssrc);
        if (state == null) {
            if (rtcpStreams.isFull()) {
                return drop(SrtpStatus.TOO_MANY_STREAMS);
            }
        } else {
            int seen = state.window.check(index);
            if (seen != 0) {
                return drop(seen);
            }
        }
        int result = keys.rtcp.openRtcp(src, srcOff, len, dst, dstOff);
        if (result < 0) {
            return drop(result);
        }
        if (state == null) {
            state = rtcpStreams.add(ssrc);
        }
        state.window.accept(index);
        acceptedRtcp++;
        return result;
    }

    private int drop(int status) {
        drops[-status]++;
        return status;
    }

    /**
     * @param status a negative {@link SrtpStatus} code
     * @return how many packets were dropped for that reason
     * @throws IllegalArgumentException if {@code status} is not a drop code
     */
    public long dropCount(int status) {
        if (status >= 0 || -status >= SrtpStatus.COUNT) {
            throw new IllegalArgumentException("status must be a negative SrtpStatus code: " + status);
        }
        return drops[-status];
    }

    /** @return packets dropped for any reason */
    public long totalDrops() {
        long total = 0;
        for (long d : drops) {
            total += d;
        }
        return total;
    }

    /** @return SRTP packets accepted */
    public long acceptedRtpPackets() {
        return acceptedRtp;
    }

    /** @return SRTCP packets accepted */
    public long acceptedRtcpPackets() {
        return acceptedRtcp;
    }

    /** @return SSRCs with state (RTP and RTCP counted separately, summed) */
    public int streamCount() {
        return rtpStreams.size() + rtcpStreams.size();
    }

    /** Builder for {@link SrtpReceiver}. Not thread-safe. */
    public static final class Builder {
        private final SrtpKeying keying;

        private Builder(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
            this.keying = new SrtpKeying(profile, masterKey, masterSalt);
        }

        /**
         * @param maxStreams most SSRCs (RTP, and separately RTCP senders) this receiver keeps
         *     state for, 1 to 256 (default 16); packets of further SSRCs are dropped
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxStreams(int maxStreams) {
            keying.maxStreams = SrtpArguments.checkMaxStreams(maxStreams);
            return this;
        }

        /**
         * @param packets replay window per SSRC, a power of two from 64 to 32768 (default 128)
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder replayWindowPackets(int packets) {
            keying.windowPackets = SrtpArguments.checkWindow(packets);
            return this;
        }

        /**
         * Builds once: afterwards the builder's copy of the master key is wiped.
         *
         * @return the receiver
         * @throws IllegalStateException if called a second time
         */
        public SrtpReceiver build() {
            return new SrtpReceiver(this);
        }
    }
}
