package io.smoothcast.transport;

/**
 * An endpoint's start-once, close-once rule ({@link Broadcaster}, {@link Viewer},
 * {@link RelayNode}, {@link NetworkEmulator}): one start, no start after close, close
 * idempotent. Not thread-safe: used under the endpoint's lifecycle lock.
 */
final class Lifecycle {
    /** What the endpoint is called in messages ("viewer", "node", ...). */
    private final String name;
    private boolean started;
    private boolean closed;

    Lifecycle(String name) {
        this.name = name;
    }

    /**
     * Marks the endpoint started.
     *
     * @throws IllegalStateException if it was started or closed before
     */
    void start() {
        if (started || closed) {
            throw new IllegalStateException(closed ? name + " is closed and cannot start again: build a new one"
                    : name + " already started");
        }
        started = true;
    }

    /**
     * Marks the endpoint closed.
     *
     * @return true the first time, false when it was closed already (nothing left to do)
     */
    boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    /** @return whether {@link #close()} was called */
    boolean closed() {
        return closed;
    }
}
