/**
 * Quality levels: a 0-6 grade per stream and direction (the scale Agora and TRTC expose), from a
 * documented formula over loss, round-trip time, jitter, stalls and the age of the last media.
 *
 * <p>{@link io.smoothcast.quality.QualityGrader} is the pure formula with tunable
 * {@link io.smoothcast.quality.QualityThresholds}; {@link io.smoothcast.quality.QualityMonitor}
 * keeps the current level per stream, endpoint and direction, updated by the caller every 2 s,
 * and reports changes to a {@link io.smoothcast.quality.QualityListener}.
 */
package io.smoothcast.quality;
