package io.switchboard.tools.bench;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/** One progress line on stderr per second while a scenario runs. */
final class Progress {
    private final String scenario;
    private final boolean terminal = System.console() != null;
    private long lastConnectReport;

    Progress(String scenario) {
        this.scenario = scenario;
    }

    void phase(String what) {
        System.err.printf(Locale.ROOT, "[%s] %s%n", scenario, what);
    }

    void connecting(long ready, long total) {
        long now = System.nanoTime();
        if (now - lastConnectReport > TimeUnit.SECONDS.toNanos(1)) {
            lastConnectReport = now;
            line(String.format(Locale.ROOT, "[%s] %d/%d connections ready", scenario, ready, total));
        }
    }

    /** Waits until the next report is due, a second later. */
    void sleepTick() {
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
    }

    void report(long elapsedNanos, long published, long delivered, Histogram lastSecond, long errors, boolean measuring) {
        line(String.format(Locale.ROOT, "[%s] %5.1fs %s published %d, delivered %d, last second p99 %.2f ms, errors %d",
                scenario, elapsedNanos / 1e9, measuring ? "measuring" : "warm-up  ", published, delivered,
                lastSecond.getTotalCount() == 0 ? 0.0 : lastSecond.getValueAtPercentile(99) / 1000.0, errors));
    }

    void done() {
        if (terminal) {
            System.err.println();
        }
    }

    private void line(String text) {
        if (terminal) {
            System.err.print("\r" + text);
        } else {
            System.err.println(text);
        }
    }
}
