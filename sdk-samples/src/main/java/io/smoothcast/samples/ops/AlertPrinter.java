package io.smoothcast.samples.ops;

import io.smoothcast.alert.AlertEvent;
import io.smoothcast.alert.AlertListener;
import java.io.PrintWriter;

/**
 * Prints raised and cleared alerts, one line each ({@code ALERT P1 RAISED stall-rate-high #3
 * stream=... : cause}), for the relay and demo consoles. Register it with
 * {@link io.smoothcast.transport.OpsMonitor.Builder#alertListener}.
 *
 * <p>Thread-safe (each line is printed and flushed under the writer's lock).
 */
public final class AlertPrinter implements AlertListener {

    private final PrintWriter out;

    /**
     * @param out where to print; not null
     */
    public AlertPrinter(PrintWriter out) {
        if (out == null) {
            throw new IllegalArgumentException("out must not be null");
        }
        this.out = out;
    }

    @Override
    public void onRaised(AlertEvent event) {
        print(event);
    }

    @Override
    public void onCleared(AlertEvent event) {
        print(event);
    }

    private void print(AlertEvent event) {
        synchronized (out) {
            out.println("ALERT " + event.summary());
            out.flush();
        }
    }
}
