package io.smoothcast.srtp;

import io.smoothcast.srtp.internal.Bytes;
import io.smoothcast.srtp.internal.SessionKeys;
import io.smoothcast.srtp.internal.SrtpPackets;
import io.smoothcast.srtp.internal.StreamState;
import io.smoothcast.srtp.internal.StreamTable;

/**
 * Protects outgoing RTP and RTCP of one direction of one leg with SRTP AEAD AES-GCM (RFC 7714).
 *
 * <pre>{@code
 * SrtpSender sender = SrtpSender.builder(SrtpProfile.AEAD_AES_128_GCM, masterKey, masterSalt).build();
 * int protectedLength = sender.protectRtp(buf, 0, rtpLength);   // in place; buf has 16 spare bytes
 * if (protectedLength < 0) { drops[-protectedLength]++; return; }
 * }</pre>
 *
 * <p>The sender tracks each SSRC's rollover counter from its sequence numbers and refuses to
 * protect an index it has already protected ({@link SrtpStatus#REPLAYED}): with GCM a repeated
 * IV under one key would expose the authentication key. Retransmit with RTX (RFC 4588, its own
 * SSRC and sequence numbers), not by sending the same sequence number again. Each direction
 * needs its own master key (as DTLS-SRTP gives): two senders with one key and one SSRC would
 * repeat IVs.
 *
 * <p>Buffers: {@code dst} may be {@code src} at the same offset (in place) or a region that does
 * not overlap it. RTP grows by {@value SrtpProfile#TAG_BYTES} bytes, RTCP by 20. Allocation per
 * packet: only what {@code javax.crypto} needs (see the package documentation).
 *
 * <p>Not thread-safe: one instance per sending thread.
 */
public final class SrtpSender {

    /** Largest SRTCP index (31 bits). */
    private static final long MAX_SRTCP_INDEX = 0x7FFF_FFFFL;

    private final SessionKeys keys;
    private final StreamTable rtpStreams;
    private final StreamTable rtcpStreams;
    private final boolean encryptRtcp;

    private SrtpSender(Builder builder) {
        this.keys = builder.keying.deriveOnce();
        this.rtpStreams = builder.keying.newStreamTable();
        this.rtcpStreams = builder.keying.newStreamTable();
        this.encryptRtcp = builder.encryptRtcp;
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
     * Protects an RTP packet in place.
     *
     * @param buf the packet; must have {@value SrtpProfile#TAG_BYTES} bytes of room after it
     * @param off its offset
     * @param len its length
     * @return the protected length ({@code len + 16}) or a negative {@link SrtpStatus}
     * @throws IllegalArgumentException if {@code buf} is null or the region lies outside it
     */
    public int protectRtp(byte[] buf, int off, int len) {
        return protectRtp(buf, off, len, buf, off);
    }

    /**
     * Protects an RTP packet into {@code dst}.
     *
     * @param src the plaintext packet
     * @param srcOff its offset
     * @param len its length
     * @param dst the output array
     * @param dstOff where the protected packet starts
     * @return the protected length ({@code len + 16}) or a negative {@link SrtpStatus}:
     *     {@link SrtpStatus#MALFORMED}, {@link SrtpStatus#BUFFER_TOO_SMALL},
     *     {@link SrtpStatus#REPLAYED}, {@link SrtpStatus#TOO_OLD}, {@link SrtpStatus#TOO_MANY_STREAMS},
     *     {@link SrtpStatus#INDEX_EXHAUSTED} or {@link SrtpStatus#CRYPTO_FAILURE}
     * @throws IllegalArgumentException if an array is null or the source region lies outside it
     */
    public int protectRtp(byte[] src, int srcOff, int len, byte[] dst, int dstOff) {
        SrtpArguments.check(src, srcOff, len, dst, dstOff);
        int headerLen = SrtpPackets.rtpHeaderLength(src, srcOff, len);
        if (headerLen < 0) {
            return SrtpStatus.MALFORMED;
        }
        if (dst.length - dstOff < len + SrtpProfile.TAG_BYTES) {
            return SrtpStatus.BUFFER_TOO_SMALL;
        }
        int seq = Bytes.u16(src, srcOff + 2);
        int ssrc = Bytes.i32(src, srcOff + 8);
        StreamState state = rtpStreams.find(ssrc);
        long index;
        if (state == null) {
            state = rtpStreams.add(ssrc);
            if (state == null) {
                return SrtpStatus.TOO_MANY_STREAMS;
            }
            state.highestSeq = seq;
            index = seq;
        } else {
            index = SrtpArguments.knownStreamIndex(state, seq);
            if (index < 0) {
                return (int) index;
            }
        }
        int result = keys.rtp.sealRtp(src, srcOff, len, headerLen, ssrc, index >>> 16, seq, dst, dstOff);
        if (result >= 0) {
            SrtpArguments.advance(state, index, seq);
        }
        return result;
    }

    /**
     * Protects an RTCP compound packet in place.
     *
     * @param buf the packet; must have 20 bytes of room after it
     * @param off its offset
     * @param len its length, at least 8
     * @return the protected length ({@code len + 20}) or a negative {@link SrtpStatus}
     * @throws IllegalArgumentException if {@code buf} is null or the region lies outside it
     */
    public int protectRtcp(byte[] buf, int off, int len) {
        return protectRtcp(buf, off, len, buf, off);
    }

    /**
     * Protects an RTCP compound packet into {@code dst}: encrypted unless the builder turned RTCP
     * encryption off, then tag, E flag and SRTCP index appended. Indices count up from 0 per
     * sender SSRC.
     *
     * @param src the plaintext compound packet
     * @param srcOff its offset
     * @param len its length
     * @param dst the output array
     * @param dstOff where the protected packet starts
     * @return the protected length ({@code len + 20}) or a negative {@link SrtpStatus}:
     *     {@link SrtpStatus#MALFORMED}, {@link SrtpStatus#BUFFER_TOO_SMALL},
     *     {@link SrtpStatus#TOO_MANY_STREAMS}, {@link SrtpStatus#INDEX_EXHAUSTED} or
     *     {@link SrtpStatus#CRYPTO_FAILURE}
     * @throws IllegalArgumentException if an array is null or the source region lies outside it
     */
    public int protectRtcp(byte[] src, int srcOff, int len, byte[] dst, int dstOff) {
        SrtpArguments.check(src, srcOff, len, dst, dstOff);
        if (len < SrtpPackets.RTCP_HEADER || !SrtpPackets.isRtcpVersion2(src, srcOff)) {
            return SrtpStatus.MALFORMED;
        }
        if (dst.length - dstOff < len + SrtpProfile.TAG_BYTES + SrtpProfile.SRTCP_TRAILER_BYTES) {
            return SrtpStatus.BUFFER_TOO_SMALL;
        }
        int ssrc = Bytes.i32(src, srcOff + 4);
        StreamState state = rtcpStreams.find(ssrc);
        if (state == null) {
            state = rtcpStreams.add(ssrc);
            if (state == null) {
                return SrtpStatus.TOO_MANY_STREAMS;
            }
        }
        if (state.nextSrtcpIndex > MAX_SRTCP_INDEX) {
            return SrtpStatus.INDEX_EXHAUSTED;
        }
        int result = keys.rtcp.sealRtcp(src, srcOff, len, (int) state.nextSrtcpIndex, encryptRtcp, dst, dstOff);
        if (result >= 0) {
            state.nextSrtcpIndex++;
        }
        return result;
    }

    /** Builder for {@link SrtpSender}. Not thread-safe. */
    public static final class Builder {
        private final SrtpKeying keying;
        private boolean encryptRtcp = true;

        private Builder(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
            this.keying = new SrtpKeying(profile, masterKey, masterSalt);
        }

        /**
         * @param maxStreams most SSRCs this sender protects, 1 to 256 (default 16)
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxStreams(int maxStreams) {
            keying.maxStreams = SrtpArguments.checkMaxStreams(maxStreams);
            return this;
        }

        /**
         * @param packets how far back (in packets per SSRC) the sender remembers what it
         *     protected, a power of two from 64 to 32768 (default 128)
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder indexWindowPackets(int packets) {
            keying.windowPackets = SrtpArguments.checkWindow(packets);
            return this;
        }

        /**
         * @param encrypt whether SRTCP payloads are encrypted (default true); false only
         *     authenticates them (E flag 0), for peers that must read RTCP in the clear
         * @return this builder
         */
        public Builder encryptRtcp(boolean encrypt) {
            this.encryptRtcp = encrypt;
            return this;
        }

        /**
         * Builds once: afterwards the builder's copy of the master key is wiped.
         *
         * @return the sender
         * @throws IllegalStateException if called a second time
         */
        public SrtpSender build() {
            return new SrtpSender(this);
        }
    }
}
