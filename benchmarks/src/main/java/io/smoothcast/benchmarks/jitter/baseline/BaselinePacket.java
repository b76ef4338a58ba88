package io.smoothcast.benchmarks.jitter.baseline;

/** One buffered packet of a baseline jitter buffer: an object per packet, payload copied. Immutable. */
final class BaselinePacket {
    final long mediaTimeNs;
    final long arrivalNs;
    final boolean marker;
    final byte[] payload;

    BaselinePacket(long mediaTimeNs, long arrivalNs, boolean marker, byte[] payload) {
        this.mediaTimeNs = mediaTimeNs;
        this.arrivalNs = arrivalNs;
        this.marker = marker;
        this.payload = payload;
    }
}
