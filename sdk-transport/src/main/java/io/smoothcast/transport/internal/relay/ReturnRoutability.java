package io.smoothcast.transport.internal.relay;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Return-routability cookies (PROTOCOL.md section 6): the node puts a cookie in HELLO_ACK, and
 * accepts PUBLISH, SUBSCRIBE or LEAVE only when it echoes that cookie. The cookie is the first 8
 * bytes of HMAC-SHA256 over the client's address, port and session id under a secret drawn at
 * node start, so the node keeps no state for it, and only someone who receives packets at that
 * address can know it: a spoofed HELLO + SUBSCRIBE cannot aim media at a victim.
 *
 * <p>Not thread-safe (one {@link Mac}): the relay's I/O thread only. Allocates a little per
 * call; it runs once per HELLO and role request, never per media packet.
 */
public final class ReturnRoutability {

    private final Mac mac;

    /**
     * @param random the source of the node's cookie secret
     */
    public ReturnRoutability(SecureRandom random) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java SE platform", e);
        }
    }

    /**
     * The cookie for one client address and session; never 0 (0 means "no cookie" on the wire).
     *
     * @param address the client's address as seen by the node
     * @param sessionId the session id of its HELLO
     * @return the cookie
     */
    public long cookie(InetSocketAddress address, long sessionId) {
        byte[] ip = address.getAddress().getAddress();
        ByteBuffer input = ByteBuffer.allocate(ip.length + 2 + 8);
        input.put(ip).putShort((short) address.getPort()).putLong(sessionId);
        long cookie = ByteBuffer.wrap(mac.doFinal(input.array())).getLong();
        return cookie == 0 ? 1 : cookie;
    }

    /**
     * Whether an echoed cookie is the one this node gave the address and session.
     *
     * @param address the requester's address
     * @param sessionId the session id the node holds for that address
     * @param echoed the cookie in the request (0 if none)
     * @return true if it matches
     */
    public boolean verify(InetSocketAddress address, long sessionId, long echoed) {
        return echoed != 0 && echoed == cookie(address, sessionId);
    }
}
