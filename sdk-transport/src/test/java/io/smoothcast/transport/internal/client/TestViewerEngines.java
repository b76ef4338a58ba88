package io.smoothcast.transport.internal.client;

import io.smoothcast.jitter.SpscJitterBuffer;
import io.smoothcast.transport.ConnectionState;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.NodeSwitchReason;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;

/** The viewer engines the virtual-time tests drive (here and in the relay's tests). */
public final class TestViewerEngines {

    private TestViewerEngines() {
    }

    /**
     * A viewer of stream "show" (top layer) on one node, with a fixed 100 ms playout delay and the
     * generic payload's completeness check. The tests let seconds pass without a word from the
     * node, so the heartbeat (5 s) and the latency budget (10 s) are long enough that it is not
     * taken for dead. Its state changes are ignored.
     */
    static ViewerEngine oneNode(RecordingSender out, InetSocketAddress node) {
        return onNodes(out, List.of(node),
                FailoverPolicy.builder().heartbeatIntervalMs(5000).latencyBudgetMs(10_000).build(),
                (state, reason) -> {
                });
    }

    /**
     * A viewer of stream "show" (top layer) on {@code nodes}, best first, with a fixed 100 ms
     * playout delay and the generic payload's completeness check.
     *
     * @param out where its datagrams go
     * @param nodes the nodes it may watch from
     * @param policy its failover policy
     * @param listener its events
     * @return the engine, not started
     */
    public static ViewerEngine onNodes(RecordingSender out, List<InetSocketAddress> nodes, FailoverPolicy policy,
            ViewerEngine.Listener listener) {
        return new ViewerEngine(out, nodes, 1L, 0x7777, new ControlMessage.Subscribe("show", 2, 0), policy,
                track -> SpscJitterBuffer.builder().clockRateHz(track.clockRateHz()).fixedDelayMs(100)
                        .completenessCheck(GenericPayload.COMPLETENESS).build(),
                listener);
    }

    /**
     * A listener that writes each state change as its name ("CONNECTED") and each node switch as
     * reason and ports ("DEAD_NODE 7001->7002"), followed by {@code switchSuffix}'s text.
     *
     * @param events where the lines go
     * @param switchSuffix read at each switch (for instance the time), "" for nothing
     * @return the listener
     */
    public static ViewerEngine.Listener recording(List<String> events, Supplier<String> switchSuffix) {
        return new ViewerEngine.Listener() {
            @Override
            public void onStateChanged(ConnectionState state, String reason) {
                events.add(state.name());
            }

            @Override
            public void onNodeSwitched(InetSocketAddress from, InetSocketAddress to, NodeSwitchReason reason,
                    String detail) {
                events.add(reason + " " + from.getPort() + "->" + to.getPort() + switchSuffix.get());
            }
        };
    }
}
