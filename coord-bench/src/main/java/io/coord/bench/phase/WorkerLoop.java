package io.coord.bench.phase;

import io.coord.bench.LatencyRecorder;
import io.coord.bench.PhaseOutcome;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Blocking counterpart of {@link AsyncDriver} for recipes with a synchronous API (locks): one
 * thread per worker, each claiming op indices from a shared counter until the phase's op count is
 * claimed. Each worker records into its own {@link LatencyRecorder}; they are merged after join.
 */
final class WorkerLoop {

    /** One op of one worker; returns the latency to record in nanoseconds, or throws to count an error. */
    @FunctionalInterface
    interface BlockingOp {
        long run(long opIndex) throws Exception;
    }

    private final int workers;
    private final long progressIntervalNanos;
    private final long stallTimeoutNanos;
    private final PrintStream progressOut;

    WorkerLoop(int workers, long progressIntervalMs, long stallTimeoutMs, PrintStream progressOut) {
        if (workers < 1) {
            throw new IllegalArgumentException("need at least one worker");
        }
        this.workers = workers;
        this.progressIntervalNanos = TimeUnit.MILLISECONDS.toNanos(progressIntervalMs);
        this.stallTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(stallTimeoutMs);
        this.progressOut = progressOut;
    }

    /** Runs ops 0..totalOps-1 over the workers; {@code ops.get(w)} is worker w's op. */
    PhaseOutcome run(String label, long totalOps, List<BlockingOp> ops) throws InterruptedException {
        if (ops.size() != workers) {
            throw new IllegalArgumentException("need one op per worker");
        }
        AtomicLong next = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<LatencyRecorder> recorders = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long startNanos = System.nanoTime();
        for (int w = 0; w < workers; w++) {
            LatencyRecorder recorder = new LatencyRecorder((int) Math.min(totalOps / workers + 16, 1 << 24));
            recorders.add(recorder);
            BlockingOp op = ops.get(w);
            Thread t = new Thread(() -> {
                long index;
                while (!Thread.currentThread().isInterrupted() && (index = next.getAndIncrement()) < totalOps) {
                    try {
                        recorder.record(op.run(index));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, "op " + index + " interrupted");
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, "op " + index + ": " + e);
                    }
                    completed.incrementAndGet();
                }
            }, "coord-bench-" + label + "-" + w);
            threads.add(t);
            t.start();
        }
        try {
            awaitWorkers(label, threads, completed, errors, totalOps, startNanos);
        } finally {
            for (Thread t : threads) {
                t.interrupt();
            }
            for (Thread t : threads) {
                t.join();
            }
        }
        long elapsed = System.nanoTime() - startNanos;
        LatencyRecorder merged = new LatencyRecorder((int) Math.min(totalOps, 1 << 24));
        recorders.forEach(merged::addAll);
        String first = firstError.get();
        return new PhaseOutcome(completed.get(), errors.get(), first == null ? "" : first, elapsed, merged);
    }

    private void awaitWorkers(String label, List<Thread> threads, AtomicLong completed, AtomicLong errors,
                              long totalOps, long startNanos) throws InterruptedException {
        long lastProgressPrint = startNanos;
        long lastCompleted = -1;
        long lastChange = startNanos;
        for (Thread t : threads) {
            while (true) {
                t.join(200);
                if (!t.isAlive()) {
                    break;
                }
                long now = System.nanoTime();
                long done = completed.get();
                if (done != lastCompleted) {
                    lastCompleted = done;
                    lastChange = now;
                } else if (now - lastChange > stallTimeoutNanos) {
                    throw new IllegalStateException(String.format(Locale.ROOT,
                            "%s stalled: %d of %d ops completed, none in the last %d s", label, done, totalOps,
                            TimeUnit.NANOSECONDS.toSeconds(stallTimeoutNanos)));
                }
                if (progressOut != null && now - lastProgressPrint >= progressIntervalNanos) {
                    lastProgressPrint = now;
                    double seconds = (now - startNanos) / 1e9;
                    progressOut.printf(Locale.ROOT, "  ... %s: %d/%d ops in %.1f s (%.0f ops/s), %d errors%n",
                            label, done, totalOps, seconds, done / seconds, errors.get());
                }
            }
        }
    }
}
