package io.coord.bench.phase;

import io.coord.bench.LatencyRecorder;
import io.coord.bench.PhaseOutcome;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;

/**
 * Closed-loop load with the stock client's async API: every session keeps {@code inflightPerSession}
 * requests outstanding and issues the next one from the completion callback, until the phase's op
 * count is claimed. Latency is issue-to-callback per op.
 *
 * <p>Each session's callbacks run on that session's single event thread, so each session records
 * into its own {@link LatencyRecorder}; they are merged after the completion latch.
 */
public final class AsyncDriver {

    /** Issues one async request for op {@code opIndex}; must call {@code callback} exactly once on completion. */
    @FunctionalInterface
    public interface OpIssuer {
        void issue(ZooKeeper zk, long opIndex, OpCallback callback);
    }

    /** Completion of one op with its ZooKeeper result code ({@code 0} is OK). */
    @FunctionalInterface
    public interface OpCallback {
        void done(int resultCode);
    }

    private final List<ZooKeeper> sessions;
    private final int inflightPerSession;
    private final long progressIntervalNanos;
    private final long stallTimeoutNanos;
    private final PrintStream progressOut;

    public AsyncDriver(List<ZooKeeper> sessions, int inflightPerSession, long progressIntervalMs,
                       long stallTimeoutMs, PrintStream progressOut) {
        if (sessions.isEmpty() || inflightPerSession < 1) {
            throw new IllegalArgumentException("need at least one session and one request in flight");
        }
        this.sessions = List.copyOf(sessions);
        this.inflightPerSession = inflightPerSession;
        this.progressIntervalNanos = TimeUnit.MILLISECONDS.toNanos(progressIntervalMs);
        this.stallTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(stallTimeoutMs);
        this.progressOut = progressOut;
    }

    /** Runs {@code totalOps} ops (indices 0..totalOps-1) and waits for all of them to complete. */
    public PhaseOutcome drive(String label, long totalOps, OpIssuer issuer) throws InterruptedException {
        Run run = new Run(totalOps, issuer);
        if (totalOps <= 0) {
            return new PhaseOutcome(0, 0, "", 0, new LatencyRecorder());
        }
        int perLaneCapacity = (int) Math.min(totalOps / sessions.size() + 16, 1 << 24);
        List<Lane> lanes = new ArrayList<>();
        for (ZooKeeper zk : sessions) {
            lanes.add(new Lane(zk, new LatencyRecorder(perLaneCapacity)));
        }
        run.startNanos = System.nanoTime();
        for (int slot = 0; slot < inflightPerSession; slot++) {
            for (Lane lane : lanes) {
                run.issueNext(lane);
            }
        }
        awaitCompletion(label, run);
        LatencyRecorder merged = new LatencyRecorder((int) Math.min(totalOps, Integer.MAX_VALUE - 8));
        for (Lane lane : lanes) {
            merged.addAll(lane.latencies);
        }
        String firstError = run.firstError.get();
        return new PhaseOutcome(run.completed.get(), run.errors.get(), firstError == null ? "" : firstError,
                run.endNanos - run.startNanos, merged);
    }

    private void awaitCompletion(String label, Run run) throws InterruptedException {
        long lastProgressPrint = run.startNanos;
        long lastCompleted = -1;
        long lastChange = run.startNanos;
        while (!run.done.await(200, TimeUnit.MILLISECONDS)) {
            long now = System.nanoTime();
            long completed = run.completed.get();
            if (completed != lastCompleted) {
                lastCompleted = completed;
                lastChange = now;
            } else if (now - lastChange > stallTimeoutNanos) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "%s stalled: %d of %d ops completed, none in the last %d s", label, completed,
                        run.totalOps, TimeUnit.NANOSECONDS.toSeconds(stallTimeoutNanos)));
            }
            if (progressOut != null && now - lastProgressPrint >= progressIntervalNanos) {
                lastProgressPrint = now;
                double seconds = (now - run.startNanos) / 1e9;
                progressOut.printf(Locale.ROOT, "  ... %s: %d/%d ops in %.1f s (%.0f ops/s), %d errors%n",
                        label, completed, run.totalOps, seconds, completed / seconds, run.errors.get());
            }
        }
    }

    private record Lane(ZooKeeper zk, LatencyRecorder latencies) {
    }

    /** Shared state of one drive() call. */
    private static final class Run {
        final long totalOps;
        final OpIssuer issuer;
        final AtomicLong nextIndex = new AtomicLong();
        final AtomicLong completed = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();
        final CountDownLatch done = new CountDownLatch(1);
        volatile long startNanos;
        volatile long endNanos;

        Run(long totalOps, OpIssuer issuer) {
            this.totalOps = totalOps;
            this.issuer = issuer;
        }

        /** Claims the next op index and issues it; a synchronous failure counts as an error and moves on. */
        void issueNext(Lane lane) {
            while (true) {
                long index = nextIndex.getAndIncrement();
                if (index >= totalOps) {
                    return;
                }
                long issuedAt = System.nanoTime();
                try {
                    issuer.issue(lane.zk(), index, rc -> complete(lane, issuedAt, rc));
                    return;
                } catch (RuntimeException e) {
                    noteError("op " + index + " failed to issue: " + e);
                    finishOne();
                }
            }
        }

        private void complete(Lane lane, long issuedAt, int resultCode) {
            lane.latencies().record(System.nanoTime() - issuedAt);
            if (resultCode != 0) {
                noteError(KeeperException.Code.get(resultCode) + " (rc " + resultCode + ")");
            }
            finishOne();
            issueNext(lane);
        }

        private void noteError(String description) {
            errors.incrementAndGet();
            firstError.compareAndSet(null, description);
        }

        private void finishOne() {
            if (completed.incrementAndGet() == totalOps) {
                endNanos = System.nanoTime();
                done.countDown();
            }
        }
    }
}
