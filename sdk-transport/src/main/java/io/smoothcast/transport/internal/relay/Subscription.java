package io.smoothcast.transport.internal.relay;

import io.smoothcast.abr.LayerListener;
import io.smoothcast.abr.Rendition;
import io.smoothcast.abr.RenditionLadder;
import io.smoothcast.abr.RenditionSelector;
import io.smoothcast.abr.SimulcastLayerSelector;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.rtx.RetransmissionBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A session's subscription to one stream, and the simulcast layer it gets: the highest layer
 * not above the subscriber's cap that its downlink estimate carries (chosen by a
 * {@link SimulcastLayerSelector}, with its hysteresis), switched by a {@link LayerSwitcher} at
 * keyframes. Without an estimate (no transport-cc feedback yet, or fewer than two layers with
 * increasing bitrates) it gets the capped layer; once the estimate takes over, the selector
 * starts from the layer forwarded then. A probe of the downlink ({@link DownlinkProber}) can
 * move it up one layer at a time ({@link #climbOneLayer}). It also remembers where each layer
 * last started for it, so NACKs for packets it was never sent go unanswered
 * ({@link #predatesLayerStart}). I/O thread only.
 */
final class Subscription {

    /**
     * A layer's start is forgotten this many sequence numbers after it (a subscriber NACKs at
     * most a few hundred back), before 16-bit serial comparison with it could wrap.
     */
    private static final int FORGET_LAYER_START_AFTER = 16_384;

    /** How long a layer reached by a probe is kept while the downlink reports no loss. */
    static final long CLIMB_HOLD_NS = TimeUnit.SECONDS.toNanos(3);

    final RelaySession session;
    final RelayStream stream;
    int maxSimulcastLayer;
    /** The session's join ({@link RelaySession#joins}) in which this subscription's SUBSCRIBE last presented a valid token. */
    int grantedJoin;
    int maxBitrateBps;
    final LayerSwitcher switcher;
    /** The highest available video layer not above {@link #maxSimulcastLayer}. */
    private int capLayer;
    /** Chooses among the layers up to the cap by estimate; null when there is nothing to choose. */
    private SimulcastLayerSelector selector;
    /** The simulcast layer of each selector ladder index. */
    private int[] selectorLayers = new int[0];
    /** Whether the selector has been set to the layer forwarded when the estimate took over. */
    private boolean selectorSeeded;
    /** After a probe moved this subscription up: the layer's bitrate, held as the estimate's floor. */
    private long climbFloorBps;
    /** Until when {@link #climbFloorBps} holds, in ns. */
    private long climbFloorUntilNs;
    /** Per simulcast layer, the sequence number its latest switch started at, or -1. */
    private final int[] layerStartSequence = {-1, -1, -1, -1, -1, -1, -1, -1};

    Subscription(RelaySession session, RelayStream stream, int maxSimulcastLayer, int maxBitrateBps,
            long keyframeRequestIntervalNs) {
        this.session = session;
        this.stream = stream;
        this.maxSimulcastLayer = maxSimulcastLayer;
        this.maxBitrateBps = maxBitrateBps;
        this.switcher = new LayerSwitcher(keyframeRequestIntervalNs);
    }

    /**
     * Recomputes the cap and the selector after the stream's tracks or this subscription's limits
     * changed. The first layer (or one replacing a layer that is gone) starts at once, as the
     * viewer's jitter buffer waits for a keyframe anyway; later changes wait for a keyframe.
     */
    void selectLayer() {
        capLayer = stream.highestVideoLayerAtMost(maxSimulcastLayer);
        buildSelector();
        int forwarded = switcher.forwardedLayer();
        if (forwarded == LayerSwitcher.NONE || !stream.hasVideoLayer(forwarded)) {
            if (stream.hasVideoLayer(capLayer)) {
                switcher.startWith(capLayer); // else wait for the publisher's tracks
            }
        } else if (forwarded > capLayer || selector == null) {
            switcher.setTarget(capLayer);
        }
    }

    private void buildSelector() {
        List<RelayTrack> layers = new ArrayList<>(3);
        for (RelayTrack t : stream.tracks) {
            if (t.track.kind() == MediaKind.VIDEO && t.track.simulcastLayer() <= capLayer) {
                layers.add(t);
            }
        }
        layers.sort((a, b) -> Integer.compare(a.track.simulcastLayer(), b.track.simulcastLayer()));
        List<Rendition> renditions = new ArrayList<>(layers.size());
        for (int i = 0; i < layers.size(); i++) {
            long bitrateBps = layers.get(i).track.bitrateBps();
            if (bitrateBps <= 0 || (i > 0 && bitrateBps <= layers.get(i - 1).track.bitrateBps())) {
                renditions.clear();
                break; // no usable bitrates: keep the static cap
            }
            renditions.add(Rendition.video("layer" + layers.get(i).track.simulcastLayer(), bitrateBps,
                    16 << i, 9 << i));
        }
        if (renditions.size() < 2) {
            selector = null;
            selectorLayers = new int[0];
            return;
        }
        selector = new SimulcastLayerSelector(RenditionLadder.of(renditions), LayerListener.NONE);
        selectorSeeded = false;
        selectorLayers = new int[layers.size()];
        for (int i = 0; i < selectorLayers.length; i++) {
            selectorLayers[i] = layers.get(i).track.simulcastLayer();
        }
    }

    /**
     * Sets the target layer from this subscription's share of the session's downlink estimate
     * less the RTX the node sent the session over the last second (taken at most
     * {@link RetransmissionBudget#MAX_SHARE} of the estimate, the share its RTX may use), so
     * layer plus repairs stay within the estimate on a lossy downlink. Per tick, not per packet.
     *
     * @param downlink the session's downlink, or null
     * @param shareCount how many subscriptions share the downlink (at least 1)
     * @param nowNs the current time, in ns
     */
    void updateTarget(SubscriberDownlink downlink, int shareCount, long nowNs) {
        if (selector == null || downlink == null || !downlink.hasEstimate()) {
            switcher.setTarget(capLayer);
            return;
        }
        long estimateBps = mediaEstimateBps(session, downlink, nowNs) / Math.max(1, shareCount);
        if (nowNs - climbFloorUntilNs < 0 && downlink.lossFraction() <= DownlinkProber.MAX_LOSS_FRACTION) {
            estimateBps = Math.max(estimateBps, climbFloorBps);
        }
        if (maxBitrateBps > 0) {
            estimateBps = Math.min(estimateBps, maxBitrateBps);
        }
        if (!selectorSeeded) {
            seedSelector(nowNs);
        }
        int index = selector.update(estimateBps, nowNs);
        switcher.setTarget(index == SimulcastLayerSelector.NO_LAYER ? capLayer : selectorLayers[index]);
    }

    /**
     * What a session's downlink leaves to media: the estimate less the RTX the node sent the
     * session over the last second, that RTX taken at most {@link RetransmissionBudget#MAX_SHARE}
     * of the estimate. The one rule for the layer choice ({@link #updateTarget}) and the probe
     * for the layer above (whose needed rate adds what this takes off the estimate).
     *
     * @param downlink the session's downlink, with an estimate
     * @return in bps
     */
    static long mediaEstimateBps(RelaySession session, SubscriberDownlink downlink, long nowNs) {
        return session.retransmissions == null ? downlink.estimateBps()
                : session.retransmissions.mediaTargetBps(downlink.estimateBps(), nowNs);
    }

    /**
     * Starts the selector at the layer forwarded now rather than at its lowest layer, so a
     * subscriber whose estimate carries that layer keeps it.
     */
    private void seedSelector(long nowNs) {
        selectorSeeded = true;
        int start = selectorIndexOf(switcher.forwardedLayer());
        if (start > 0) {
            moveSelectorTo(start, nowNs);
        }
    }

    /**
     * Puts the selector on a ladder index: the only layer left active is that one, an update
     * moves the selector there at once (as it does when a forwarded layer is paused), then
     * every layer is active again.
     */
    private void moveSelectorTo(int index, long nowNs) {
        for (int i = 0; i < selectorLayers.length; i++) {
            selector.setLayerActive(i, i == index);
        }
        selector.update(0, nowNs);
        for (int i = 0; i < selectorLayers.length; i++) {
            selector.setLayerActive(i, true);
        }
    }

    private int selectorIndexOf(int layer) {
        for (int i = 0; i < selectorLayers.length; i++) {
            if (selectorLayers[i] == layer) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The estimate, in bps, this subscription alone needs before its selector would move it to
     * the layer above the one forwarded now (that layer's bitrate times the selector's up
     * margin); 0 when there is nothing to climb to: no selector or estimate yet, the top layer
     * of its cap, a switch still waiting for its keyframe, or a bitrate limit below that layer.
     */
    long neededForLayerAboveBps() {
        if (selector == null || !selectorSeeded || switcher.pendingLayer() != LayerSwitcher.NONE) {
            return 0;
        }
        int index = selectorIndexOf(switcher.forwardedLayer());
        if (index < 0 || index + 1 >= selectorLayers.length || selector.currentLayer() != index) {
            return 0;
        }
        RelayTrack above = stream.videoLayer(selectorLayers[index + 1]);
        if (above == null) {
            return 0;
        }
        long bitrateBps = above.track.bitrateBps();
        long neededBps = (long) Math.ceil(bitrateBps * RenditionSelector.DEFAULT_UP_SWITCH_MARGIN);
        return maxBitrateBps > 0 && neededBps > maxBitrateBps ? 0 : neededBps;
    }

    /**
     * The downlink estimate, in bps, a probe for the layer above must show, by the rule the
     * layer choice uses ({@link #mediaEstimateBps}): {@link #neededForLayerAboveBps} for each of
     * the session's subscriptions sharing the downlink, plus the session's recent RTX that the
     * layer choice takes off the estimate. Compared with the raw estimate alone, a downlink busy
     * with repairs would look wide enough, no probe would start, and the selector would not
     * climb either. 0 when there is nothing to climb to.
     *
     * @param downlink the session's downlink, with an estimate
     * @param shareCount how many subscriptions share the downlink (at least 1)
     */
    long probeNeededBps(SubscriberDownlink downlink, int shareCount, long nowNs) {
        long neededBps = neededForLayerAboveBps();
        return neededBps == 0 ? 0
                : neededBps * shareCount + downlink.estimateBps() - mediaEstimateBps(session, downlink, nowNs);
    }

    /**
     * Moves this subscription one layer up now, after a probe showed its downlink carries it:
     * the selector goes there at once and the switcher waits for that layer's keyframe. The new
     * layer is then held for {@link #CLIMB_HOLD_NS} unless the downlink reports loss: until its
     * keyframe arrives and its media is acknowledged, the controller's estimate can dip under it
     * (a delay blip after the probe burst), and moving straight back down would waste the probe
     * and two keyframes.
     *
     * @return false if there is no layer above any more
     */
    boolean climbOneLayer(long nowNs) {
        if (neededForLayerAboveBps() == 0) {
            return false;
        }
        int index = selectorIndexOf(switcher.forwardedLayer()) + 1;
        moveSelectorTo(index, nowNs);
        switcher.setTarget(selectorLayers[index]);
        climbFloorBps = stream.videoLayer(selectorLayers[index]).track.bitrateBps();
        climbFloorUntilNs = nowNs + CLIMB_HOLD_NS;
        return true;
    }

    /**
     * Whether a packet of a track goes to this subscriber: every non-video packet does; video
     * packets as the {@link LayerSwitcher} decides. A layer's first packet after a switch to it
     * is remembered ({@link #predatesLayerStart}).
     *
     * @param sequenceNumber the packet's RTP sequence number
     */
    boolean wants(RelayTrack track, int sequenceNumber, boolean keyframeStart, boolean marker) {
        if (track.track.kind() != MediaKind.VIDEO) {
            return true;
        }
        long switchesBefore = switcher.switchCount();
        boolean forward = switcher.forward(track.track.simulcastLayer(), keyframeStart, marker);
        int layer = track.track.simulcastLayer();
        if (layer >= 0 && layer < layerStartSequence.length) {
            if (switcher.switchCount() != switchesBefore) {
                layerStartSequence[layer] = sequenceNumber & 0xFFFF;
            } else if (layerStartSequence[layer] >= 0
                    && ((sequenceNumber - layerStartSequence[layer]) & 0xFFFF) > FORGET_LAYER_START_AFTER) {
                layerStartSequence[layer] = -1; // far past the start: keep serial comparison sound
            }
        }
        return forward;
    }

    /**
     * Whether a sequence number of a video track comes before this subscriber's latest switch
     * to that layer: a layer left and re-entered shows the subscriber a jump in its sequence
     * numbers, which its NACK logic takes for loss (up to 200 numbers), but those packets were
     * never meant for it. Retransmitting them would flood the very downlink that made it switch.
     */
    boolean predatesLayerStart(RelayTrack track, int sequenceNumber) {
        int layer = track.track.simulcastLayer();
        if (track.track.kind() != MediaKind.VIDEO || layer < 0 || layer >= layerStartSequence.length
                || layerStartSequence[layer] < 0) {
            return false;
        }
        return (((sequenceNumber & 0xFFFF) - layerStartSequence[layer]) & 0x8000) != 0;
    }
}
