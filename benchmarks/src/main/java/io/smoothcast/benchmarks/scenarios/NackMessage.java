package io.smoothcast.benchmarks.scenarios;

/**
 * A negative acknowledgement (RTCP generic NACK, RFC 4585) from a media receiver: the sequence
 * numbers it found missing. Immutable.
 *
 * @param sequences the missing sequence numbers, oldest first
 */
record NackMessage(long[] sequences) {
}
