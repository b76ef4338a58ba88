package io.smoothcast.benchmarks.jitter.baseline;

/**
 * One buffered packet of a baseline jitter buffer: an object per packet, its payload either a copy
 * or the caller's (borrowed) array. Immutable.
 */
final class BaselinePacket {
    final long mediaTimeNs;
    final long arrivalNs;
    final boolean marker;
    final byte[] payload;
    final int offset;
    final int length;

    BaselinePacket(long mediaTimeNs, long arrivalNs, boolean marker, byte[] payload, int offset, int length) {
        this.mediaTimeNs = mediaTimeNs;
        this.arrivalNs = arrivalNs;
        this.marker = marker;
        this.payload = payload;
        this.offset = offset;
        this.length = length;
    }
}
