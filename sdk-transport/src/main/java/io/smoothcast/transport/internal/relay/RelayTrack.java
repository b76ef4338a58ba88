package io.smoothcast.transport.internal.relay;

import io.smoothcast.transport.internal.control.Track;

/** A published track with its retransmission cache and RTX sequence counter. I/O thread only. */
final class RelayTrack {

    final Track track;
    final RetransmissionCache cache;
    /** Next sequence number of the RTX stream this node generates for the track. */
    int nextRtxSequence;

    RelayTrack(Track track, int cachePackets, int firstRtxSequence) {
        this.track = track;
        this.cache = new RetransmissionCache(cachePackets);
        this.nextRtxSequence = firstRtxSequence & 0xFFFF;
    }
}
