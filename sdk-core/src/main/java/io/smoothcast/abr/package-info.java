/**
 * Adaptive bitrate: which rendition a broadcaster sends and which simulcast layer a relay
 * forwards to each viewer, decided from a congestion controller's target or a bandwidth
 * estimate.
 *
 * <ul>
 *   <li>{@link io.smoothcast.abr.RenditionLadder}: the renditions, lowest first (default:
 *       audio-only 48 kbps, 360p 400 kbps, 540p 900 kbps, 720p 1.8 Mbps, 1080p 3.5 Mbps).</li>
 *   <li>{@link io.smoothcast.abr.RenditionSelector}: down at once, up after a hold, audio-only
 *       fallback under a floor with automatic recovery ({@link io.smoothcast.abr.AbrListener}),
 *       the encoder bitrate ({@link io.smoothcast.abr.EncoderMode}: continuous or per rendition)
 *       and the padding that lets the congestion controller see room for more.</li>
 *   <li>{@link io.smoothcast.abr.SimulcastLayerSelector}: the per-viewer layer choice on a
 *       relay.</li>
 * </ul>
 *
 * <p>All classes are single-threaded plain objects that take {@code nowNs} from the caller and
 * never read a clock, so they run the same in real time and in the network simulator.
 */
package io.smoothcast.abr;
