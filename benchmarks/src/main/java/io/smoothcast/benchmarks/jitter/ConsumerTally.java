package io.smoothcast.benchmarks.jitter;

/** 128 bytes in front of {@link ConsumerTally}'s fields. */
abstract class ConsumerTallyPadding {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

/** The fields of {@link ConsumerTally}, between its leading and trailing padding. */
abstract class ConsumerTallyFields extends ConsumerTallyPadding {
    /** A sum over every delivered payload (first byte and length), so no read can be dropped. */
    public long checksum;
    /** Packets delivered by the poll in progress. */
    public int delivered;
    /** Borrowed payloads handed back so far. */
    public long released;
}

/**
 * What a benchmarked buffer's consumer thread counts, on cache lines of its own (128 bytes of
 * padding on each side). The harness's own bookkeeping then never stores into a line the producer
 * thread reads, which would charge every implementation a cache miss per poll that has nothing to
 * do with the buffer; every implementation in {@link JitterBufferBenchmark} keeps its tallies
 * here.
 *
 * <p>Thread-safety: written and read by the consumer thread only.
 */
public final class ConsumerTally extends ConsumerTallyFields {
    long q00, q01, q02, q03, q04, q05, q06, q07;
    long q08, q09, q0a, q0b, q0c, q0d, q0e, q0f;
}
