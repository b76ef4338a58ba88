package io.smoothcast.samples.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.transport.ConnectionState;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The line {@code view} and {@code broadcast} print when they end without media: it used to say
 * "state CLOSED" (the state after close, whatever went wrong); now it says what the SDK last
 * reported and what to check.
 */
class ConnectionOutcomeTest {

    private static final InetSocketAddress NODE = new InetSocketAddress("127.0.0.1", 7999);
    private static final InetSocketAddress OTHER = new InetSocketAddress("127.0.0.1", 7998);

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
    void aRefusal_isReportedInTheNodesWords_namingTheNodeOnce() {
        ConnectionOutcome outcome = new ConnectionOutcome();
        outcome.onStateChanged(ConnectionState.CONNECTING, "start");
        // The SDK's wording (ConnectionSupervisor naming the node, ClientControl the refusal).
        outcome.onStateChanged(ConnectionState.FAILED,
                "node /127.0.0.1:7999 refused PUBLISH: code 10 UNAUTHORIZED token missing");

        String line = outcome.describe(NODE, "show", true);

        assertEquals("node 127.0.0.1:7999 refused to publish stream 'show' (PUBLISH: code 10 UNAUTHORIZED token"
                + " missing)", line);
    }

    @Test
    void aRefusalWordedOtherwise_keepsTheWholeReason() {
        ConnectionOutcome outcome = new ConnectionOutcome();
        outcome.onStateChanged(ConnectionState.FAILED, "node /127.0.0.9:7000 refused SUBSCRIBE: code 40 OVERLOADED full");

        String line = outcome.describe(NODE, "show", false);

        assertEquals("node 127.0.0.1:7999 refused to play stream 'show' (state FAILED: node /127.0.0.9:7000 refused"
                + " SUBSCRIBE: code 40 OVERLOADED full)", line);
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

    @Test
    void severalNodes_noneAnswered_namesEach() {
        ConnectionOutcome outcome = new ConnectionOutcome();
        outcome.onStateChanged(ConnectionState.FAILED,
                "no node for 10000 ms; still retrying [/127.0.0.1:7999, /127.0.0.1:7998]");

        String line = outcome.describe(List.of(NODE, OTHER), "show", false);

        assertTrue(line.startsWith("no relay answered at 127.0.0.1:7999, 127.0.0.1:7998 (state FAILED: no node for"),
                line);
    }

    @Test
    void severalNodes_aRefusal_namesTheNodeThatRefused() {
        ConnectionOutcome outcome = new ConnectionOutcome();
        outcome.onStateChanged(ConnectionState.FAILED,
                "node /127.0.0.1:7998 refused SUBSCRIBE: code 10 UNAUTHORIZED token missing");

        assertEquals("node 127.0.0.1:7998 refused to play stream 'show' (SUBSCRIBE: code 10 UNAUTHORIZED token"
                + " missing)", outcome.describe(List.of(NODE, OTHER), "show", false));
    }

    @Test
    void severalNodes_aRefusal_namesTheNodeThatRefused_notOneWhosePortIsAPrefixOfItsPort() {
        InetSocketAddress port700 = new InetSocketAddress("127.0.0.1", 700);
        InetSocketAddress port7001 = new InetSocketAddress("127.0.0.1", 7001);
        ConnectionOutcome outcome = new ConnectionOutcome();
        outcome.onStateChanged(ConnectionState.FAILED,
                "node /127.0.0.1:7001 refused SUBSCRIBE: code 10 UNAUTHORIZED token missing");

        assertEquals("node 127.0.0.1:7001 refused to play stream 'show' (SUBSCRIBE: code 10 UNAUTHORIZED token"
                + " missing)", outcome.describe(List.of(port700, port7001), "show", false));
    }
}
