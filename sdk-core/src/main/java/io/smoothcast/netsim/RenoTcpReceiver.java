package io.smoothcast.netsim;

/**
 * The receiving end of a {@link RenoTcpSender}: acknowledges every data packet at once with a
 * 40-byte reverse packet carrying the data packet's sequence number (a selective ack; the sender
 * infers losses from gaps).
 *
 * <p>Thread-safety: not thread-safe; used on the simulator's thread.
 */
public final class RenoTcpReceiver implements SimEndpoint {

    /** Size of an ack on the wire, in bytes (IP + TCP headers). */
    public static final int ACK_BYTES = 40;

    private FlowContext context;
    private long receivedBytes;

    @Override
    public void onStart(FlowContext context, long nowNs) {
        this.context = context;
    }

    @Override
    public void onPacket(SimPacket packet, long nowNs) {
        receivedBytes += packet.sizeBytes();
        context.send(packet.sequence(), ACK_BYTES, null);
    }

    /** @return data bytes received so far */
    public long receivedBytes() {
        return receivedBytes;
    }
}
