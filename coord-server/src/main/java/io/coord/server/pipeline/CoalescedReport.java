package io.coord.server.pipeline;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A rising watermark (durable zxid, persisted seq) reported by a log thread to the request thread
 * without ever blocking the log thread: the highest value is kept in an atomic, and at most one
 * task that delivers it is queued at a time. The log thread therefore never waits for the request
 * thread, which itself may wait for the log thread's queue: the two never wait on each other in a
 * cycle, and reports cost one task per request-thread turn however many batches were forced.
 */
final class CoalescedReport {
    private final RequestLoop thread;
    private final LongConsumer deliver;
    private final AtomicLong latest = new AtomicLong(Long.MIN_VALUE);
    private final AtomicBoolean queued = new AtomicBoolean();
    /** Request thread only. */
    private long delivered = Long.MIN_VALUE;

    /** @param deliver runs on the request thread with each new highest value, in rising order */
    CoalescedReport(RequestLoop thread, LongConsumer deliver) {
        this.thread = thread;
        this.deliver = deliver;
    }

    /** Any thread; never blocks. */
    void report(long value) {
        latest.accumulateAndGet(value, Math::max);
        if (queued.compareAndSet(false, true)) {
            thread.submit(this::drain);
        }
    }

    private void drain() {
        // Cleared before reading: a report that lands after the read queues a new drain.
        queued.set(false);
        long value = latest.get();
        if (value > delivered) {
            delivered = value;
            deliver.accept(value);
        }
    }
}
