/**
 * Implementation of {@link io.smoothcast.payload}: Annex-B scanning, the H.264/H.265 differences
 * ({@link io.smoothcast.payload.internal.NalFormat}) and the shared packetizer, depacketizer and
 * payload checks. Not API: may change without notice.
 */
package io.smoothcast.payload.internal;
