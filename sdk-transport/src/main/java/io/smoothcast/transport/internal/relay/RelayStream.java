package io.smoothcast.transport.internal.relay;

import io.netty.buffer.ByteBuf;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.Track;
import java.util.ArrayList;
import java.util.List;

/** A stream id known to the node: its publisher (if any), tracks and subscribers. I/O thread only. */
final class RelayStream {

    private static final RelayTrack[] NO_TRACKS = new RelayTrack[0];

    final String streamId;
    RelaySession publisher;
    /** Set when the stream is fed by the upstream node instead of a local publisher. */
    UpstreamLink upstream;
    /** Tracks as an array, searched linearly by SSRC (at most 8): no boxing on the media path. */
    RelayTrack[] tracks = NO_TRACKS;
    final List<Subscription> subscribers = new ArrayList<>();
    /** When the last PLI went to the publisher; valid only if {@link #pliForwarded}. */
    long lastPliForwardNs;
    boolean pliForwarded;
    /**
     * When the node last announced the stream's tracks (STREAM_INFO), and how many of that
     * announcement's repeats it has sent ({@link RelayEngine}); valid while
     * {@link #announcementRepeating}.
     */
    long announcedNs;
    int announcementRepeats;
    boolean announcementRepeating;
    /**
     * That announcement's STREAM_INFO datagram, encoded once and sent to every subscriber, each
     * time, as a retained duplicate; held (one reference) while {@link #announcementRepeating}.
     */
    ByteBuf announcement;

    RelayStream(String streamId) {
        this.streamId = streamId;
    }

    /** Adds a subscriber at the end of {@link #subscribers}. */
    void addSubscriber(Subscription subscription) {
        forgetSubscribersFrom(subscribers.size());
        subscribers.add(subscription);
    }

    /** Removes a subscriber from {@link #subscribers}; the ones after it move up. */
    void removeSubscriber(Subscription subscription) {
        int index = subscribers.indexOf(subscription);
        if (index >= 0) {
            subscribers.remove(index);
            forgetSubscribersFrom(index);
        }
    }

    /** The tracks' numbers kept by subscriber index are stale from an index on. */
    private void forgetSubscribersFrom(int index) {
        for (RelayTrack t : tracks) {
            t.forgetSubscribersFrom(index);
        }
    }

    RelayTrack trackBySsrc(int ssrc) {
        RelayTrack[] t = tracks;
        for (int i = 0; i < t.length; i++) {
            if (t[i].track.ssrc() == ssrc) {
                return t[i];
            }
        }
        return null;
    }

    RelayTrack trackByRtxSsrc(int ssrc) {
        RelayTrack[] t = tracks;
        for (int i = 0; i < t.length; i++) {
            if (t[i].track.hasRtx() && t[i].track.rtxSsrc() == ssrc) {
                return t[i];
            }
        }
        return null;
    }

    boolean usesSsrc(int ssrc) {
        for (RelayTrack t : tracks) {
            if (t.track.ssrc() == ssrc || (t.track.hasRtx() && t.track.rtxSsrc() == ssrc)) {
                return true;
            }
        }
        return false;
    }

    List<Track> trackList() {
        List<Track> list = new ArrayList<>(tracks.length);
        for (RelayTrack t : tracks) {
            list.add(t.track);
        }
        return list;
    }

    int highestVideoLayerAtMost(int maxLayer) {
        int best = -1;
        int lowest = Integer.MAX_VALUE;
        for (RelayTrack t : tracks) {
            if (t.track.kind() == MediaKind.VIDEO) {
                int layer = t.track.simulcastLayer();
                lowest = Math.min(lowest, layer);
                if (layer <= maxLayer && layer > best) {
                    best = layer;
                }
            }
        }
        // If every layer is above the cap, the lowest one is still better than no video.
        return best >= 0 ? best : (lowest == Integer.MAX_VALUE ? 0 : lowest);
    }

    boolean hasVideoLayer(int layer) {
        return videoLayer(layer) != null;
    }

    /** The track of a video layer, or null. */
    RelayTrack videoLayer(int layer) {
        for (RelayTrack t : tracks) {
            if (t.track.kind() == MediaKind.VIDEO && t.track.simulcastLayer() == layer) {
                return t;
            }
        }
        return null;
    }

    /** The highest bitrate, in bps, any video track announces; 0 if none does. */
    long highestVideoBitrateBps() {
        long best = 0;
        for (RelayTrack t : tracks) {
            if (t.track.kind() == MediaKind.VIDEO) {
                best = Math.max(best, t.track.bitrateBps());
            }
        }
        return best;
    }

    boolean isIdle() {
        return publisher == null && upstream == null && subscribers.isEmpty();
    }
}
