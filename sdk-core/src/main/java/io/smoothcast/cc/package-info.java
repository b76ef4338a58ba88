/**
 * Send-side congestion control and pacing.
 *
 * <ul>
 *   <li>{@link io.smoothcast.cc.CongestionController}: GCC-class estimator (delay gradient with
 *       trendline and adaptive threshold, AIMD bounded by the acknowledged bitrate, loss-based
 *       limit, probing, feedback timeout). Fed with {@link io.smoothcast.cc.TransportFeedback}
 *       batches, which the transport fills from transport-cc feedback packets.
 *   <li>{@link io.smoothcast.cc.Pacer}: when and which packet goes next, by
 *       {@link io.smoothcast.cc.PacketPriority} class, at a multiple of the target, with probe
 *       clusters ({@link io.smoothcast.cc.ProbeClusterRequest}).
 * </ul>
 *
 * <p>A sending loop, on one thread, with {@code nowNs} read once per turn:
 * <pre>{@code
 * pacer.enqueue(PacketPriority.VIDEO, handle, sizeBytes, nowNs);      // as media is packetized
 * for (long h; (h = pacer.poll(nowNs)) != Pacer.NO_PACKET; ) {
 *     long seq = nextTransportSequence++;                             // transport-wide seq
 *     send(h == Pacer.PADDING ? padding(pacer.lastSizeBytes()) : packet(h), seq);
 *     controller.onPacketSent(seq, pacer.lastSizeBytes(), nowNs, pacer.lastProbeClusterId());
 * }
 * // on each transport-cc feedback: fill a TransportFeedback, then
 * controller.onFeedback(feedback, nowNs);
 * controller.onTick(nowNs);                                           // every 25-100 ms
 * pacer.setTargetBitrateBps(controller.targetBitrateBps());
 * while (controller.pollProbeCluster(probe)) pacer.startProbeCluster(probe, nowNs);
 * // sleep until min(pacer.nextSendTimeNs(nowNs), next tick, next frame)
 * }</pre>
 * {@link io.smoothcast.netsim.PacedMediaSender} is this loop in the simulator.
 *
 * <p>Nothing here reads a clock or allocates per packet; nothing is thread-safe.
 */
package io.smoothcast.cc;
