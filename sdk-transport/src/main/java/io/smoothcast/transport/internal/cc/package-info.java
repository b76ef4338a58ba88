/**
 * Transport-wide congestion control on the wire: the receiving side that records arrivals and
 * sends transport-cc feedback (relay for its publishers, viewer for its node), and the sending
 * side's conversion of that feedback for the sdk-core congestion controller (broadcaster for its
 * uplink, relay for each subscriber's downlink). Internal: not part of the public API.
 */
package io.smoothcast.transport.internal.cc;
