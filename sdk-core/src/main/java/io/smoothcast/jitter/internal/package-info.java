/**
 * Building blocks of the jitter buffer; not part of the public API and may change without notice.
 * The slot ring shared by producer and consumer, the playout-delay estimator, the delay
 * histogram, the NACK list, the freeze detector and the sequence-locked statistics block.
 */
package io.smoothcast.jitter.internal;
