package io.smoothcast.samples.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.transport.ConnectionState;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * The line {@code view} and {@code broadcast} print when they end without media: it used to say
 * "state CLOSED" (the state after close, whatever went wrong); now it says what the SDK last
 * reported and what to check.
 */
class ConnectionOutcomeTest {

    private static final InetSocketAddress NODE = new InetSocketAddress("127.0.0.1", 7999);

    @Test
    void noNodeAnswered_namesTheAddress_theLastStateAndReason_andWhatToCheck() {
        ConnectionOutcome outcome = new ConnectionOutcome();
        outcome.onStateChanged(ConnectionState.CONNECTING, "start");
        outcome.onStateChanged(ConnectionState.FAILED, "no node for 10000 ms; still retrying [/127.0.0.1:7999]");
        outcome.onStateChanged(ConnectionState.CLOSED, "close");

        String line = outcome.describe(NODE, "show", false);

        assertFalse(outcome.everConnected());
        assertTrue(line.startsWith("no relay answered at 127.0.0.1:7999 (state FAILED: no node for 10000 ms"), line);
        assertTrue(line.contains("smoothcast relay --port 7999"), line);
        assertFalse(line.contains("CLOSED"), line);
    }

    @Test
    void aRefusal_isReportedInTheNodesWords() {
        ConnectionOutcome outcome = new ConnectionOutcome();
        outcome.onStateChanged(ConnectionState.CONNECTING, "start");
        outcome.onStateChanged(ConnectionState.FAILED, "node /127.0.0.1:7999 refused: UNAUTHORIZED token missing");

        String line = outcome.describe(NODE, "show", true);

        assertTrue(line.startsWith("node 127.0.0.1:7999 refused to publish stream 'show'"), line);
        assertTrue(line.contains("UNAUTHORIZED token missing"), line);
    }

    @Test
    void acceptedWithoutVideo_pointsAtTheMissingBroadcaster() {
        ConnectionOutcome outcome = new ConnectionOutcome();
        outcome.onStateChanged(ConnectionState.CONNECTING, "start");
        outcome.onStateChanged(ConnectionState.CONNECTED, "accepted by /127.0.0.1:7999");
        outcome.onStateChanged(ConnectionState.CLOSED, "close");

        String line = outcome.describe(NODE, "show", false);

        assertTrue(outcome.everConnected());
        assertTrue(line.contains("accepted the viewer but sent no video for stream 'show'"), line);
        assertTrue(line.contains("is a broadcaster publishing 'show'"), line);
    }
}
