/**
 * Netty UDP plumbing shared by the relay node, the clients and the network emulator.
 *
 * <h2>ByteBuf ownership</h2>
 * <ul>
 *   <li>An inbound {@code DatagramPacket} belongs to the handler that receives it for the
 *       duration of {@code channelRead}; {@link io.smoothcast.transport.internal.netty.DatagramHandler}
 *       releases it in a {@code finally} block. Code that needs the bytes later (forwarding,
 *       the retransmission cache) takes its own reference with {@code retainedDuplicate()} or
 *       {@code retainedSlice()} and releases that reference itself.</li>
 *   <li>A buffer handed to {@link io.smoothcast.transport.internal.netty.DatagramSender#send}
 *       belongs to the sender from then on: Netty releases it after writing, or the sender
 *       releases it when the channel is closed.</li>
 *   <li>Buffers come from the channel's pooled allocator; nothing is copied between the socket
 *       and its consumer unless a parser needs a {@code byte[]}, in which case only the bytes it
 *       reads are copied into a reused scratch array.</li>
 * </ul>
 */
package io.smoothcast.transport.internal.netty;
