/**
 * Time sources. Algorithms take {@code nowNs} from their caller; a {@link io.smoothcast.time.NanoClock}
 * is injected at the edges (event loops, duty cycles), and tests use
 * {@link io.smoothcast.time.ManualNanoClock}.
 */
package io.smoothcast.time;
