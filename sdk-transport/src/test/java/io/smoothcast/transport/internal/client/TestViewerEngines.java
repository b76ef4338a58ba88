package io.smoothcast.transport.internal.client;

import io.smoothcast.jitter.SpscJitterBuffer;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.List;

/** The viewer engine the single-node virtual-time tests drive. */
final class TestViewerEngines {

    private TestViewerEngines() {
    }

    /**
     * A viewer of stream "show" (top layer) on one node, with a fixed 100 ms playout delay and the
     * generic payload's completeness check. The tests let seconds pass without a word from the
     * node, so the heartbeat (5 s) and the latency budget (10 s) are long enough that it is not
     * taken for dead. Its state changes are ignored.
     */
    static ViewerEngine oneNode(RecordingSender out, InetSocketAddress node) {
        return new ViewerEngine(out, List.of(node), 1L, 0x7777, new ControlMessage.Subscribe("show", 2, 0),
                FailoverPolicy.builder().heartbeatIntervalMs(5000).latencyBudgetMs(10_000).build(),
                track -> SpscJitterBuffer.builder().clockRateHz(track.clockRateHz()).fixedDelayMs(100)
                        .completenessCheck(GenericPayload.COMPLETENESS).build(),
                (state, reason) -> {
                });
    }
}
