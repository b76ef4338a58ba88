/**
 * Media encryption: SRTP and SRTCP with AEAD AES-GCM (RFC 7714; AEAD_AES_128_GCM and
 * AEAD_AES_256_GCM), session keys derived with the RFC 3711 AES-CM key derivation function,
 * the packet index and rollover counter of RFC 3711 section 3.3.1, and a bitmap replay window
 * per SSRC.
 *
 * <p><b>Not wired into the transport:</b> {@code Broadcaster}, {@code Viewer} and {@code RelayNode}
 * do not use this package (SECURITY.md, "SRTP library"); end-to-end encryption of the media is
 * SFrame ({@link io.smoothcast.security}). It is a building block for hop-by-hop encryption
 * once a key exchange exists.
 *
 * <p>{@link io.smoothcast.srtp.SrtpSender} protects what one side sends;
 * {@link io.smoothcast.srtp.SrtpReceiver} checks what it receives. Every packet gets a length or
 * a negative {@link io.smoothcast.srtp.SrtpStatus}; none causes an exception. Work happens in the
 * caller's {@code byte[]}, in place or into an output region.
 *
 * <h2>What is protected</h2>
 * <ul>
 *   <li>RTP: the payload (and RTP padding) is encrypted; the whole RTP header (fixed part,
 *       CSRCs, header extensions) is authenticated but readable. So sequence numbers,
 *       timestamps, SSRC, marker, payload type and header extensions such as the transport-wide
 *       sequence number and capture time travel in the clear, which is what lets congestion
 *       control and the relay work without decrypting them, and what a passive observer also
 *       sees. Packet sizes and timing are visible as well.</li>
 *   <li>RTCP: everything after the first 8 bytes (header and sender SSRC) is encrypted
 *       unless the sender turned RTCP encryption off; the whole packet is authenticated.</li>
 *   <li>Replays are dropped: an index already accepted, or one behind the window.</li>
 * </ul>
 *
 * <h2>What a relay would see: hop-by-hop keys</h2>
 * The design is per hop. Each leg (broadcaster to ingest node, node to node, node to
 * viewer) has its own keys, one master key per direction. A relay node
 * <em>decrypts</em> what it receives from its upstream, so it sees the media in the clear, can
 * serve NACKs from its cache, rewrite headers for each viewer, and pick simulcast layers; it
 * then <em>re-encrypts</em> for every downstream leg with that leg's keys. Consequences:
 * <ul>
 *   <li>Every relay operator can read (and could alter) the media. Relays must be run by the
 *       service or trusted parties; this is not end-to-end encryption.</li>
 *   <li>A compromised viewer key exposes only that viewer's leg, not the broadcaster's or other
 *       viewers' legs.</li>
 *   <li>End-to-end payload encryption that relays forward without decrypting is SFrame
 *       (RFC 9605), in {@link io.smoothcast.security}, used by the transport's frame
 *       encryption.</li>
 * </ul>
 *
 * <h2>Keys</h2>
 * The master key and salt of a leg must come from a key exchange (not part of this package; the
 * control protocol has none yet: DTLS-SRTP is kept free on the port, PROTOCOL.md section 7). Each direction must have its own master key: GCM under one key must never
 * see the same IV twice, and the sender refuses to protect an index twice
 * ({@link io.smoothcast.srtp.SrtpStatus#REPLAYED}); retransmit with RTX (own SSRC and sequence
 * numbers). Key derivation rate is 0 and MKIs are not used. A key protects at most 2^48 SRTP and
 * 2^31 SRTCP packets per SSRC ({@link io.smoothcast.srtp.SrtpStatus#INDEX_EXHAUSTED}).
 *
 * <h2>Allocation</h2>
 * {@code javax.crypto} ({@code AES/GCM/NoPadding}) sets a GCM IV only through
 * {@code Cipher.init}, which takes a new {@code GCMParameterSpec} (copying the 12-byte IV); the
 * JDK's GCM implementation also allocates small objects on each {@code init} and, when
 * decrypting, buffers the ciphertext until the tag checks out so unauthenticated plaintext is
 * never written out. A forged packet also costs the {@code AEADBadTagException} the JDK throws
 * (caught here and turned into a status). Everything else (stream tables, replay windows) is
 * allocated when the sender or receiver is built.
 */
package io.smoothcast.srtp;
