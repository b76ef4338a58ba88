package io.smoothcast.transport;

import io.smoothcast.transport.internal.client.TokenBytes;
import io.smoothcast.transport.internal.failover.ConnectionSupervisor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A token handed to a client's {@code renewToken}, on its way to the I/O thread: taken by the
 * start, or by the I/O thread at its next tick (every 10 ms). Lock-free, so that a listener
 * callback on the I/O thread may renew while another thread holds the client's lifecycle lock
 * (a {@code close()} waiting for that very thread). Thread-safe.
 */
final class TokenRenewal {
    private final AtomicReference<byte[]> pending = new AtomicReference<>();

    /**
     * @param token the new token text, or null for none
     * @throws IllegalArgumentException if the builder's {@code token} would refuse it
     */
    void offer(String token) {
        pending.set(TokenBytes.of(token));
    }

    /**
     * At the start: the latest token offered before it, else the builder's.
     *
     * @param builderToken the builder's token bytes
     * @return the token the client starts with
     */
    byte[] takeOr(byte[] builderToken) {
        byte[] renewed = pending.getAndSet(null);
        return renewed != null ? renewed : builderToken;
    }

    /**
     * On the I/O thread's tick: hands the latest token offered since the last call, if any, to
     * the client's supervisor.
     *
     * @param supervisor the running client's supervisor
     * @param nowNs the current time
     */
    void deliverTo(ConnectionSupervisor supervisor, long nowNs) {
        byte[] renewed = pending.getAndSet(null);
        if (renewed != null) {
            supervisor.renewToken(renewed, nowNs);
        }
    }
}
