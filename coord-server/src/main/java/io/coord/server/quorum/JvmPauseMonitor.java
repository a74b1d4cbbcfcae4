package io.coord.server.quorum;

import io.coord.server.admin.MetricSummary;
import io.coord.server.admin.SummaryRecorder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper's JVM pause monitor: a daemon thread sleeps {@value #SLEEP_MS} ms at a time and
 * records how much longer each sleep took (jvm_pause_time_ms, ms): a collector's stop-the-world
 * pause or a stalled host stops it as it stops the request and log threads. Pauses over 1 s are
 * logged at INFO, over 10 s at WARN, as ZooKeeper's thresholds are by default. ZooKeeper runs it
 * only with jvm.pause.monitor=true; Coord always does (one thread, awake twice a second).
 */
final class JvmPauseMonitor implements AutoCloseable {
    static final long SLEEP_MS = 500;
    private static final Logger LOG = LoggerFactory.getLogger(JvmPauseMonitor.class);
    private static final long INFO_THRESHOLD_MS = 1_000;
    private static final long WARN_THRESHOLD_MS = 10_000;
    private final SummaryRecorder pausesMs = new SummaryRecorder(true);
    private final LongSupplier nanos;
    private final Thread thread;
    private volatile boolean running = true;

    /** @param nanos monotonic nanoseconds */
    JvmPauseMonitor(LongSupplier nanos) {
        this.nanos = nanos;
        this.thread = new Thread(this::run, "coord-jvm-pause");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            long started = nanos.getAsLong();
            try {
                Thread.sleep(SLEEP_MS);
            } catch (InterruptedException e) {
                return;
            }
            double extraMs = (nanos.getAsLong() - started) / 1e6 - SLEEP_MS;
            if (extraMs >= 0) {
                pausesMs.record(extraMs);
            }
            if (extraMs > WARN_THRESHOLD_MS) {
                LOG.warn("the JVM or the host paused for about {} ms", Math.round(extraMs));
            } else if (extraMs > INFO_THRESHOLD_MS) {
                LOG.info("the JVM or the host paused for about {} ms", Math.round(extraMs));
            }
        }
    }

    MetricSummary summary() {
        return pausesMs.snapshot();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
