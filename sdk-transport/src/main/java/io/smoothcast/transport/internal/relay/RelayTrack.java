package io.smoothcast.transport.internal.relay;

import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.rtx.MissingPacketTracker;
import io.smoothcast.transport.internal.rtx.RetransmissionCache;

/**
 * A published track with its retransmission cache, RTX sequence counter and the gaps still to
 * be asked of its source. I/O thread only.
 */
final class RelayTrack {

    final Track track;
    final RetransmissionCache cache;
    /** Next sequence number of the RTX stream this node generates for the track. */
    int nextRtxSequence;
    /** Packets the source's stream skipped, to NACK (20 ms reorder wait, every 120 ms, 5 times). */
    final MissingPacketTracker missing = new MissingPacketTracker(20_000_000L, 120_000_000L, 5);

    RelayTrack(Track track, int cachePackets, int firstRtxSequence) {
        this.track = track;
        this.cache = new RetransmissionCache(cachePackets);
        this.nextRtxSequence = firstRtxSequence & 0xFFFF;
    }
}
