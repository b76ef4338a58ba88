/**
 * JMH benchmarks of the RTP/RTCP wire format ({@link io.smoothcast.benchmarks.rtp.RtpCodecBenchmark})
 * and their baseline, the same codec written the common way with {@link java.nio.ByteBuffer} and
 * per-packet objects.
 */
package io.smoothcast.benchmarks.rtp;
