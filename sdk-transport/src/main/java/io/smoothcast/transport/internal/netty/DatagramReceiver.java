package io.smoothcast.transport.internal.netty;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/** Protocol logic fed by a {@link DatagramHandler}; called only on the channel's event loop. */
public interface DatagramReceiver {

    /**
     * Handles one datagram. The buffer is valid only during the call and is released by the
     * caller afterwards: take {@code retainedDuplicate()} to keep it.
     *
     * @param datagram the UDP payload (readable bytes)
     * @param sender where it came from
     * @param nowNs arrival time, in nanoseconds of the injected clock
     */
    void onDatagram(ByteBuf datagram, InetSocketAddress sender, long nowNs);

    /**
     * Called when {@link #onDatagram} threw: a defect, counted so tests can assert there are none.
     *
     * @param failure what was thrown
     */
    void onHandlerFailure(RuntimeException failure);
}
