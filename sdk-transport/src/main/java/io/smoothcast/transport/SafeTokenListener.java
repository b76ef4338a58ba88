package io.smoothcast.transport;

import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a client's token events to the application's listener as the listeners' contract says:
 * nothing once the client is closed, and an exception the listener throws is logged, not passed
 * on. Called on the client's I/O thread only.
 */
final class SafeTokenListener implements TokenListener {
    private static final Logger LOG = LoggerFactory.getLogger(SafeTokenListener.class);

    private final TokenListener listener;
    /** The listener's interface, in log messages. */
    private final String name;
    private final BooleanSupplier closed;

    SafeTokenListener(TokenListener listener, String name, BooleanSupplier closed) {
        this.listener = listener;
        this.name = name;
        this.closed = closed;
    }

    @Override
    public void onTokenRefused(InetSocketAddress node, TokenRefusal refusal) {
        if (closed.getAsBoolean()) {
            return;
        }
        try {
            listener.onTokenRefused(node, refusal);
        } catch (RuntimeException e) {
            LOG.warn("{}.onTokenRefused threw", name, e);
        }
    }

    @Override
    public void onTokenExpiring(long expiresAtEpochSeconds) {
        if (closed.getAsBoolean()) {
            return;
        }
        try {
            listener.onTokenExpiring(expiresAtEpochSeconds);
        } catch (RuntimeException e) {
            LOG.warn("{}.onTokenExpiring threw", name, e);
        }
    }
}
