package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The state getters of clients that were built but never started (no socket is opened): never
 * null, {@link ConnectionState#NEW} until {@code close()}, then {@link ConnectionState#CLOSED};
 * the listener never hears NEW.
 */
class ClientStateBeforeStartTest {

    private static final InetSocketAddress NODE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);

    /** Records every state a viewer's listener hears. */
    private static final class HeardByViewer implements ViewerListener {
        final List<ConnectionState> states = new ArrayList<>();

        @Override
        public void onStateChanged(ConnectionState state, String reason) {
            states.add(state);
        }
    }

    /** Records every state a broadcaster's listener hears. */
    private static final class HeardByBroadcaster implements BroadcasterListener {
        final List<ConnectionState> states = new ArrayList<>();

        @Override
        public void onStateChanged(ConnectionState state, String reason) {
            states.add(state);
        }
    }

    @Test
    void builtViewer_isNew_thenClosedAfterClose_andTheListenerHearsOnlyClosed() {
        HeardByViewer heard = new HeardByViewer();
        Viewer viewer = Viewer.builder().node(NODE).streamId("s").listener(heard).build();

        assertEquals(ConnectionState.NEW, viewer.state());
        viewer.close();

        assertEquals(ConnectionState.CLOSED, viewer.state());
        assertEquals(List.of(ConnectionState.CLOSED), heard.states);
        assertThrows(IllegalStateException.class, viewer::start);
        assertEquals(ConnectionState.CLOSED, viewer.state());
    }

    @Test
    void builtBroadcaster_isNew_refusesFrames_thenClosedAfterClose_andTheListenerHearsOnlyClosed() {
        HeardByBroadcaster heard = new HeardByBroadcaster();
        Broadcaster broadcaster = Broadcaster.builder().node(NODE).streamId("s").listener(heard).build();

        assertEquals(ConnectionState.NEW, broadcaster.state());
        assertFalse(broadcaster.sendVideo(new byte[] {1, 2, 3}, 0, 3, 0, true), "not started: refused");
        assertEquals(ConnectionState.NEW, broadcaster.state());
        broadcaster.close();

        assertEquals(ConnectionState.CLOSED, broadcaster.state());
        assertEquals(List.of(ConnectionState.CLOSED), heard.states);
        assertThrows(IllegalStateException.class, broadcaster::start);
    }

    @Test
    void aSwitchOverEveryState_coversNew() {
        // What an application's status line does with the getter: it must not meet a null.
        Viewer viewer = Viewer.builder().node(NODE).streamId("s").build();
        String line = switch (viewer.state()) {
            case NEW -> "not started";
            case CONNECTING, RECONNECTING -> "connecting";
            case CONNECTED -> "playing";
            case FAILED -> "failed";
            case CLOSED -> "closed";
        };
        assertEquals("not started", line);
    }

    @Test
    void aStartThatCannotBind_leavesTheClientsClosed_andCloseIsHarmless() throws Exception {
        // The local address is taken by another socket: binding fails inside start().
        try (java.net.DatagramSocket taken = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress busy = new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort());
            HeardByViewer heardByViewer = new HeardByViewer();
            Viewer viewer = Viewer.builder().node(NODE).streamId("s").localAddress(busy).listener(heardByViewer)
                    .build();
            HeardByBroadcaster heardByBroadcaster = new HeardByBroadcaster();
            Broadcaster broadcaster = Broadcaster.builder().node(NODE).streamId("s").localAddress(busy)
                    .listener(heardByBroadcaster).build();

            assertThrows(java.io.UncheckedIOException.class, viewer::start);
            assertThrows(java.io.UncheckedIOException.class, broadcaster::start);

            assertEquals(ConnectionState.CLOSED, viewer.state());
            assertEquals(ConnectionState.CLOSED, broadcaster.state());
            assertEquals(List.of(ConnectionState.CLOSED), heardByViewer.states);
            assertEquals(List.of(ConnectionState.CLOSED), heardByBroadcaster.states);
            assertFalse(broadcaster.sendVideo(new byte[] {1, 2, 3}, 0, 3, 0, true), "closed: refused");
            viewer.close(); // used to throw a NullPointerException: no channel was ever bound
            broadcaster.close();
            assertThrows(IllegalStateException.class, viewer::start);
            assertThrows(IllegalStateException.class, broadcaster::start);
        }
    }
}
