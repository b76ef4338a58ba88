package io.smoothcast.transport.internal.client;

import io.smoothcast.security.internal.TokenFormat;
import java.nio.charset.StandardCharsets;

/**
 * Tells once per token when it is about to expire: a fixed lead before the expiry written in the
 * token's payload, which the client reads without checking the MAC (it cannot: the key is the
 * server's). A token it cannot read (none, or an application's own format) is never warned of.
 * The expiry is wall-clock time, so the engine's clock readings are mapped to it.
 *
 * <p>Not thread-safe: the client's I/O thread only. Time comes from the caller.
 */
public final class TokenExpiryWatch {

    /** Default lead of the warning before the expiry, in ns (30 s). */
    public static final long DEFAULT_LEAD_NS = 30_000_000_000L;

    private WallClockMapping wallClock = WallClockMapping.forClock(io.smoothcast.time.NanoClock.system());
    private long leadNs = DEFAULT_LEAD_NS;
    /** The current token's expiry in Unix seconds; 0 when it has none readable. */
    private long expiresAtEpochSeconds;
    private boolean warned;

    /**
     * Sets how engine time maps to wall-clock time and how long before the expiry to warn.
     *
     * @param mapping the mapping of the clock that drives the engine
     * @param warningLeadNs the lead, in ns, at least 0
     */
    public void configure(WallClockMapping mapping, long warningLeadNs) {
        if (warningLeadNs < 0) {
            throw new IllegalArgumentException("warningLeadNs must be >= 0: " + warningLeadNs);
        }
        this.wallClock = mapping;
        this.leadNs = warningLeadNs;
    }

    /**
     * Watches a new token (the first, or a renewal): its own warning is still to come.
     *
     * @param token the token's ASCII bytes, empty for none
     */
    public void watch(byte[] token) {
        TokenFormat.DecodedPayload payload = TokenFormat.readUnverified(new String(token, StandardCharsets.US_ASCII));
        expiresAtEpochSeconds = payload == null ? 0 : payload.expiresAtEpochSeconds();
        warned = false;
    }

    /**
     * The warning, if it is due: once per token, from {@code lead} before its expiry on (at once
     * for a token handed in with less than the lead left, even one already expired).
     *
     * @param nowNs the engine's current time
     * @return the token's expiry in Unix seconds to warn of now, or 0 for no warning
     */
    public long due(long nowNs) {
        if (warned || expiresAtEpochSeconds == 0) {
            return 0;
        }
        long warnFromNs = wallClock.unixNs(nowNs) + leadNs;
        // x >= expiry * 1e9 exactly when floor(x / 1e9) >= expiry: no overflow for any expiry.
        if (Math.floorDiv(warnFromNs, 1_000_000_000L) < expiresAtEpochSeconds) {
            return 0;
        }
        warned = true;
        return expiresAtEpochSeconds;
    }
}
