package io.smoothcast.samples.chaos;

import java.util.List;
import java.util.Map;

/**
 * What one chaos run found. Counts are summed over all viewers; a "recovery" is one viewer
 * getting, within {@value ChaosRun#RECOVERY_GIVE_UP_MS} ms, a frame sent after one fault began.
 *
 * @param mode "failover" or "redundant"
 * @param seed the plan's seed
 * @param durationMs the run's planned length, ms
 * @param viewers number of viewers
 * @param nodes number of relay nodes
 * @param framesSent frames the broadcaster accepted
 * @param faults faults injected
 * @param recoveries viewer recoveries (at most faults x viewers)
 * @param unrecovered viewer-fault pairs without a recovery
 * @param framesLost frames never delivered, counted from each viewer's first frame to the last sent
 * @param framesCorrupted frames whose checksum did not verify
 * @param framesDuplicated frames delivered twice
 * @param framesOutOfOrder frames delivered after a later one
 * @param viewersNeverPlaying viewers that got no frame at all
 * @param worstInterruptionMs longest time between two deliveries at any viewer, ms
 * @param worstRecoveryMs longest fault start to recovery at any viewer, ms
 * @param viewerFailovers failovers the viewers reported in total
 * @param viewerSwitches moves of the viewers between nodes that still answered, in total, by
 *     reason ({@code DEGRADED_PATH}, {@code NO_PUBLISHER}, {@code MEDIA_SILENCE})
 * @param faultLog one entry per fault (kind, time, node, duration, publishers per node when it
 *     began, effect)
 * @param viewersBehind viewers that had not played the last frame sent when the run ended: index,
 *     connection state, failovers, highest sequence number played
 * @param viewersLosing viewers that missed frames: index, frames lost, the first missing
 *     sequence numbers, the viewer's own packet loss, frames dropped, keyframe requests,
 *     failovers, NACKs and retransmissions, the nodes carrying it at each fault's start and end,
 *     and its connection events with their times (to tell where the frames went)
 * @param nodesAtEnd each node's publishers and subscribers when the run ended (a viewer left
 *     behind on a node without the publisher shows here)
 * @param schedulingStalls times this JVM's threads were kept off the CPU for 100 ms or more
 *     (count, longest, the first 50 with their start): a viewer held back longer than its
 *     playout delay loses frames whatever the network did, so a loss during a stall points at
 *     the machine
 */
public record ChaosSummary(String mode, long seed, long durationMs, int viewers, int nodes, long framesSent,
        int faults, long recoveries, long unrecovered, long framesLost, long framesCorrupted, long framesDuplicated,
        long framesOutOfOrder, long viewersNeverPlaying, long worstInterruptionMs, long worstRecoveryMs,
        long viewerFailovers, Map<String, Long> viewerSwitches, List<Map<String, Object>> faultLog,
        List<Map<String, Object>> viewersBehind, List<Map<String, Object>> viewersLosing,
        List<Map<String, Object>> nodesAtEnd, Map<String, Object> schedulingStalls) {

    /**
     * Whether the run kept its promises: every viewer played and recovered from every fault, no
     * frame came corrupted, twice or out of order, and in redundant mode none was lost.
     *
     * @return true if all invariants hold
     */
    public boolean invariantsHold() {
        return unrecovered == 0 && viewersNeverPlaying == 0 && framesCorrupted == 0 && framesDuplicated == 0
                && framesOutOfOrder == 0 && (!"redundant".equals(mode) || framesLost == 0);
    }
}
