/**
 * Smoothcast's public transport API: {@link io.smoothcast.transport.RelayNode} (a relay that
 * fans a broadcast out to its viewers), {@link io.smoothcast.transport.NetworkEmulator} (a UDP
 * proxy that imposes delay, loss and capacity limits on loopback), and the clients that send and
 * watch a broadcast. Clients take a list of nodes and fail over between them by themselves
 * ({@link io.smoothcast.transport.FailoverPolicy}, optionally redundant over two nodes at once);
 * {@link io.smoothcast.transport.NodeProbe} fetches a cluster's member list and ranks its nodes
 * (the last-mile test). Everything under {@code io.smoothcast.transport.internal} is private to the
 * SDK. The wire protocol is described in {@code PROTOCOL.md}.
 *
 * <p>Operability: {@link io.smoothcast.transport.OpsMonitor} samples broadcasters, viewers and
 * relay nodes into statistics snapshots, quality levels and P0-P3 alerts
 * ({@link io.smoothcast.transport.OpsSnapshot}); {@code io.smoothcast.transport.metrics} exports
 * them to Prometheus and Micrometer.
 */
package io.smoothcast.transport;
