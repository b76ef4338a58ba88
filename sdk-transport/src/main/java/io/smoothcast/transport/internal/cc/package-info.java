/**
 * Transport-wide congestion control on the wire: the receiving side that records arrivals and
 * writes transport-cc feedback, and the sending side that paces packets and feeds the sdk-core
 * congestion controller. Internal: not part of the public API.
 */
package io.smoothcast.transport.internal.cc;
