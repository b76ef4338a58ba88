package io.smoothcast.samples.examples;

import io.smoothcast.transport.Broadcaster;
import io.smoothcast.transport.BroadcasterListener;
import java.net.InetSocketAddress;

/** README example: publish an encoder's frames and let the encoder follow the network. */
public final class BroadcasterExample {

    private BroadcasterExample() {
    }

    /**
     * Publishes {@code encoder}'s frames as stream "my-show" until the encoder ends.
     *
     * @param node the relay node
     * @param encoder the application's encoder
     * @throws InterruptedException if interrupted while waiting for a frame
     */
    public static void publish(InetSocketAddress node, VideoEncoder encoder) throws InterruptedException {
        // tag::broadcaster[]
        BroadcasterListener listener = new BroadcasterListener() {
            @Override
            public void onTargetBitrate(long bitrateBps) {
                encoder.setBitrate(bitrateBps * 95 / 100); // RTP headers; repairs are already taken off
            }

            @Override
            public void onKeyframeRequested() {
                encoder.requestKeyframe(); // a viewer joined or lost too much
            }
        };
        try (Broadcaster broadcaster = Broadcaster.builder()
                .node(node)
                .streamId("my-show")
                .bitrateLimits(150_000, 1_000_000, 4_000_000)
                .listener(listener)
                .build()) {
            broadcaster.start();
            VideoEncoder.EncodedFrame frame;
            while ((frame = encoder.next()) != null) {
                // false = not taken (queue full, or no node accepts the stream): drop this frame and go on
                broadcaster.sendVideo(frame.data(), 0, frame.data().length, frame.captureTimeNs(), frame.keyframe());
            }
        }
        // end::broadcaster[]
    }
}
