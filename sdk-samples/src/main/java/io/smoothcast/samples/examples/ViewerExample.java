package io.smoothcast.samples.examples;

import io.smoothcast.transport.ConnectionState;
import io.smoothcast.transport.ReceivedFrame;
import io.smoothcast.transport.Viewer;
import io.smoothcast.transport.ViewerListener;
import io.smoothcast.transport.ViewerStats;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** README example: watch a stream and hand its frames to a decoder at their playout time. */
public final class ViewerExample {

    private ViewerExample() {
    }

    /**
     * Watches stream "my-show" for {@code seconds} seconds.
     *
     * @param node the relay node
     * @param decoder the application's decoder
     * @param seconds how long to watch
     * @return the viewer's counters at the end
     * @throws InterruptedException if interrupted while watching
     */
    public static ViewerStats watch(InetSocketAddress node, VideoDecoder decoder, long seconds)
            throws InterruptedException {
        // tag::viewer[]
        ViewerListener listener = new ViewerListener() {
            private byte[] buffer = new byte[256 * 1024];

            @Override
            public void onFrame(ReceivedFrame frame) { // playout thread, at the frame's playout time
                if (frame.length() > buffer.length) {
                    buffer = new byte[frame.length()];
                }
                int length = frame.copyTo(buffer, 0); // the view is only valid during this call
                decoder.decode(buffer, length, frame.keyframe());
            }

            @Override
            public void onStateChanged(ConnectionState state, String reason) {
                System.out.println("viewer " + state + ": " + reason);
            }
        };
        try (Viewer viewer = Viewer.builder()
                .node(node)
                .streamId("my-show")
                .listener(listener)
                .build()) {
            viewer.start();
            TimeUnit.SECONDS.sleep(seconds); // your app's lifetime
            return viewer.stats(); // frames, losses repaired, freezes, RTT
        }
        // end::viewer[]
    }
}
