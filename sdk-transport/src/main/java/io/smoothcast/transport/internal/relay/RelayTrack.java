package io.smoothcast.transport.internal.relay;

import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.VideoPayloadFormat;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.rtx.MissingPacketTracker;
import io.smoothcast.transport.internal.rtx.RetransmissionCache;
import io.smoothcast.transport.internal.rtx.TailLossProbe;

/**
 * A published track with its retransmission cache, RTX sequence counter, the gaps still to be
 * asked of its source, its tail loss probe and (video) its keyframe starts. I/O thread only.
 */
final class RelayTrack {

    final Track track;
    final RetransmissionCache cache;
    /** Next sequence number of the RTX stream this node generates for the track. */
    int nextRtxSequence;
    /** Sequence number of the newest packet put in {@link #cache}; valid if {@link #cached}. */
    int newestCachedSequence;
    boolean cached;
    /** Packets the source's stream skipped, to NACK (20 ms reorder wait, every 120 ms, 5 times). */
    final MissingPacketTracker missing = new MissingPacketTracker(20_000_000L, 120_000_000L, 5);
    /**
     * When to resend the newest packet forwarded to the subscribers, the track having gone quiet:
     * once per quiet period, as the node cannot tell which subscriber has the packet.
     */
    final TailLossProbe tailProbe = new TailLossProbe(1);

    /** Where this video track's keyframes start; null for audio and data tracks. */
    final KeyframeStartDetector keyframes;

    RelayTrack(Track track, int cachePackets, int firstRtxSequence, VideoPayloadFormat payloadFormat) {
        this.track = track;
        this.keyframes = track.kind() == MediaKind.VIDEO ? new KeyframeStartDetector(payloadFormat) : null;
        this.cache = new RetransmissionCache(cachePackets);
        this.nextRtxSequence = firstRtxSequence & 0xFFFF;
    }
}
