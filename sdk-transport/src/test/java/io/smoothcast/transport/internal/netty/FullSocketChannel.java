package io.smoothcast.transport.internal.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * An embedded channel whose "socket" can be made full: while it is, a flush leaves the flushed
 * writes in the channel's outbound buffer, as a real datagram channel does after EAGAIN until
 * the socket becomes writable again; {@link #drain()} then takes them, as that writability event
 * would.
 */
public final class FullSocketChannel extends EmbeddedChannel {

    private boolean full;

    /** @param handlers the pipeline */
    public FullSocketChannel(ChannelHandler... handlers) {
        super(handlers);
    }

    /** From now on, flushed writes stay queued. */
    public void fillSocket() {
        full = true;
    }

    /** The socket has room again: the queued writes go out (readable with {@link #readOutbound()}). */
    public void drain() {
        full = false;
        flush();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        if (!full) {
            super.doWrite(in);
        }
    }
}
