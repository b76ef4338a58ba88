/**
 * Access tokens for streams: the application's server mints a token with a {@link
 * io.smoothcast.security.TokenIssuer}, the broadcaster or viewer presents it when it joins, and
 * the relay checks it with a {@link io.smoothcast.security.TokenVerifier} before any media flows.
 *
 * <p>A token is an HMAC-SHA256-signed statement "role R on stream S until T, optionally only in
 * region G / on node N", in compact text: {@code base64url(payload).base64url(mac)}, at most
 * {@link io.smoothcast.security.TokenVerifier#MAX_TOKEN_CHARS} characters. The payload names the
 * key id that signed it, so verifiers can hold several keys at once and operators can rotate
 * keys without a flag day. Verification never throws for bad input; it returns one of the
 * {@link io.smoothcast.security.TokenStatus} codes.
 *
 * <p>Tokens are signed, not encrypted, and are bearer credentials: carry them over an
 * encrypted channel and keep their lifetime short. Revocation before expiry is not supported;
 * retire a key to revoke every token it signed.
 *
 * <p>End-to-end frame encryption: SFrame (RFC 9605) with AES-GCM. A
 * {@link io.smoothcast.security.FrameKey} is the stream's base key, which the application gives
 * to the broadcaster and the viewers, never to relays; {@link io.smoothcast.security.SframeEncryptor}
 * seals frames and {@link io.smoothcast.security.SframeDecryptor} opens them, refusing bad ones
 * with an {@link io.smoothcast.security.SframeStatus} code. The transport uses them through
 * {@code Broadcaster.Builder.frameEncryption} and {@code Viewer.Builder.frameDecryptionKey}
 * (PROTOCOL.md section 4, SECURITY.md).
 */
package io.smoothcast.security;
