/**
 * Failure detection and node failover for the clients: the adaptive silence timeout
 * ({@link io.smoothcast.transport.internal.failover.LinkSilenceDetector}), the ordered node list
 * with its memory of failed nodes ({@link io.smoothcast.transport.internal.failover.NodeRoster}),
 * and the connection state machine that moves a client from node to node
 * ({@link io.smoothcast.transport.internal.failover.ConnectionSupervisor}); for moving while the
 * node still answers, the path's loss ({@link io.smoothcast.transport.internal.failover.TransportLossMeter}),
 * background pings of the alternatives ({@link io.smoothcast.transport.internal.failover.AlternativeProber})
 * and the switching rule ({@link io.smoothcast.transport.internal.failover.PathSwitchDecider}). Single-threaded plain
 * objects driven by the client's I/O thread; time always comes from the caller.
 */
package io.smoothcast.transport.internal.failover;
