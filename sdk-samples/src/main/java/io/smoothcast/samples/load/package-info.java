/**
 * The {@code loadtest} command's machinery: lightweight subscribers that speak the control
 * protocol of {@code PROTOCOL.md} over plain UDP sockets, many on one thread
 * ({@link io.smoothcast.samples.load.LoadSubscribers}), synthetic publishers built on the public
 * {@link io.smoothcast.transport.Broadcaster} ({@link io.smoothcast.samples.load.LoadPublishers}),
 * and the figures a run produces ({@link io.smoothcast.samples.load.LoadReport}).
 */
package io.smoothcast.samples.load;
