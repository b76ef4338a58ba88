/**
 * The last-mile probe's protocol logic: pings, packet trains, load and member-list requests to
 * many nodes at once, on one I/O thread ({@link io.smoothcast.transport.internal.probe.ProbeEngine}).
 */
package io.smoothcast.transport.internal.probe;
