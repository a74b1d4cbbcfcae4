package io.coord.server.storage;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Group-commit pacing for a log thread. Plain group commit forces as soon as the thread finds
 * work, so the force rate is set by the disk's force latency, not by the load: on a busy member
 * about a thousand forces a second, each costing kernel time in the log thread and one ack and one
 * commit message more on the quorum links. Under load the pacer makes the thread wait a little
 * before it forces, so that each force covers more records.
 *
 * <p>It waits only when the previous force covered at least {@link #BUSY_BATCH_RECORDS} records
 * (a lone writer, or a quiet server, never waits), and then no longer than the previous force
 * took, capped by {@code maxWaitMicros}: waiting at most one force time at most halves the force
 * rate and adds at most one force time to a write's latency, on any disk. A batch already holding
 * {@link #FULL_BATCH_RECORDS} records is forced at once. {@code maxWaitMicros} 0 turns pacing off.
 * One log thread only.
 */
public final class FlushPacer {
    /** A previous force covering this many records means writes are arriving faster than forces. */
    static final int BUSY_BATCH_RECORDS = 8;
    /** A batch this large gains little from waiting. */
    static final int FULL_BATCH_RECORDS = 512;

    private final long maxWaitNanos;
    private final LongConsumer sleeper;
    private int lastBatchRecords;
    private long lastForceNanos;

    public FlushPacer(long maxWaitMicros) {
        this(maxWaitMicros, LockSupport::parkNanos);
    }

    /** @param sleeper waits for the given nanoseconds (tests pass a recorder) */
    FlushPacer(long maxWaitMicros, LongConsumer sleeper) {
        if (maxWaitMicros < 0) {
            throw new IllegalArgumentException("maxWaitMicros must be >= 0, was " + maxWaitMicros);
        }
        this.maxWaitNanos = maxWaitMicros * 1_000;
        this.sleeper = sleeper;
    }

    /** How long to wait before forcing a batch that holds {@code records} so far; 0 = force now. */
    long waitNanos(int records) {
        if (maxWaitNanos == 0 || lastBatchRecords < BUSY_BATCH_RECORDS || records >= FULL_BATCH_RECORDS) {
            return 0;
        }
        return Math.min(maxWaitNanos, lastForceNanos);
    }

    /** Waits as {@link #waitNanos} says; returns whether it waited (the caller then drains again). */
    public boolean pause(int records) {
        long wait = waitNanos(records);
        if (wait <= 0) {
            return false;
        }
        sleeper.accept(wait);
        return true;
    }

    /** Reports a force: how many records it covered and how long it took. */
    public void forced(int records, long forceNanos) {
        lastBatchRecords = records;
        lastForceNanos = Math.max(0, forceNanos);
    }
}
