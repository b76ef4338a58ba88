package io.smoothcast.transport.internal.relay;

import io.smoothcast.transport.internal.client.ClientControl;
import io.smoothcast.transport.internal.control.ControlMessage;

/**
 * Cascade: this node's subscription to a stream on its upstream node, made because a local
 * viewer asked for a stream nobody publishes here. To the upstream node this node is an
 * ordinary subscriber (same protocol, same port); the media it receives is fanned out to the
 * local subscribers as if a local publisher sent it. I/O thread only.
 */
final class UpstreamLink implements ClientControl.Events {

    final RelayStream stream;
    final ClientControl control;
    private final RelayEngine engine;
    /**
     * Set when the conversation stopped on a refusal or no answer ({@link #onFailed}, which
     * carries no time): the engine handles it right after the call that stopped it, with that
     * call's time.
     */
    boolean failed;

    UpstreamLink(RelayEngine engine, RelayStream stream, ClientControl.Factory controls) {
        this.engine = engine;
        this.stream = stream;
        this.control = controls.create(new ControlMessage.Subscribe(stream.streamId, 2, 0), this);
    }

    @Override
    public void onAccepted(ControlMessage reply, long nowNs) {
        if (reply instanceof ControlMessage.SubscribeAck ack) {
            engine.upstreamTracks(this, ack.tracks(), nowNs);
        }
    }

    @Override
    public void onStreamInfo(ControlMessage.StreamInfo info, long nowNs) {
        engine.upstreamTracks(this, info.tracks(), nowNs);
    }

    @Override
    public void onFailed(String reason) {
        failed = true;
    }

    @Override
    public void onSessionLost(String reason, long nowNs) {
        engine.upstreamSessionLost(nowNs);
    }
}
