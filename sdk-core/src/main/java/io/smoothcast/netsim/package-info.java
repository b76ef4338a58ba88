/**
 * A deterministic network simulator in virtual time, and the link model it shares with the
 * real-time emulator of the transport.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link io.smoothcast.netsim.CapacitySchedule}: capacity over time (constant, steps, or a
 *       trace file {@code time_s<TAB>Mbps}); repeats or holds after its end.
 *   <li>{@link io.smoothcast.netsim.LinkModel}: one direction of a link, pure (no clock): capacity,
 *       propagation delay, jitter, random and Gilbert-Elliott loss, drop-tail queue in bytes or
 *       time, seeded. {@code offer(sizeBytes, nowNs)} says dropped or when it arrives.
 *   <li>{@link io.smoothcast.netsim.NetworkSimulator}: events in virtual time, a shared forward
 *       and a shared reverse link, flows of two {@link io.smoothcast.netsim.SimEndpoint}s, a
 *       {@link io.smoothcast.netsim.PacketObserver} for per-packet metrics.
 *   <li>Ready-made endpoints: {@link io.smoothcast.netsim.ArrivalFeedbackReceiver} (transport-wide
 *       feedback as {@link io.smoothcast.netsim.ArrivalReport}s), and competing Reno TCP traffic
 *       ({@link io.smoothcast.netsim.RenoTcpSender}, {@link io.smoothcast.netsim.RenoTcpReceiver}),
 *       and our controller as a sender: {@link io.smoothcast.netsim.PacedMediaSender} (a video
 *       source through {@link io.smoothcast.cc.Pacer} and {@link io.smoothcast.cc.CongestionController},
 *       with a hook for ABR between target and encoder).
 *   <li>{@link io.smoothcast.netsim.FlowRecorder}: an observer that answers per-flow throughput
 *       and queue-delay percentiles over any time range.
 * </ul>
 *
 * <h2>How a harness drives it</h2>
 * <ol>
 *   <li>Build the two links (forward: the bottleneck with its schedule and queue; reverse: the
 *       feedback path, which may be narrow or lossy too), each with its own seed.
 *   <li>Build the simulator with a {@link io.smoothcast.netsim.PacketObserver} that records
 *       send, arrival and drop of each packet (queue delay per packet is given on arrival).
 *   <li>Add flows: for each controller under test, a sender endpoint that wraps it (it sends
 *       media with transport-wide sequence numbers and sets its own timer for pacing and frame
 *       ticks) and an {@link io.smoothcast.netsim.ArrivalFeedbackReceiver}; for competing
 *       traffic, Reno senders and receivers (long: {@code UNLIMITED_BYTES}; short: a byte count
 *       and a start time). Per-flow extra delays give flows different RTTs.
 *   <li>Register {@code every(periodNs, callback)} to sample rates for charts, then
 *       {@code runUntil(endNs)}; the run is a pure function of the seeds and the endpoints.
 * </ol>
 *
 * <p>All types here are single-threaded unless their Javadoc says otherwise.
 */
package io.smoothcast.netsim;
