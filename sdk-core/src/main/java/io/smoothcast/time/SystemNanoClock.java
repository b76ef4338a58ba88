package io.smoothcast.time;

/** {@link NanoClock} backed by {@link System#nanoTime()}. Stateless and thread-safe. */
final class SystemNanoClock implements NanoClock {

    static final SystemNanoClock INSTANCE = new SystemNanoClock();

    private SystemNanoClock() {
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public String toString() {
        return "NanoClock.system()";
    }
}
