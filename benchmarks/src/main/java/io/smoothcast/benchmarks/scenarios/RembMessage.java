package io.smoothcast.benchmarks.scenarios;

/**
 * A receiver-estimated maximum bitrate (REMB) feedback message.
 *
 * @param bitrateBps the receiver's estimate, in bits per second
 */
record RembMessage(long bitrateBps) {
}
