package io.coord.recipes;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread running a recipe's tasks in order, off the client's callback thread (so the
 * tasks may use the client's blocking calls). The queue is bounded: {@link #submit} returns false
 * when it is full, and the caller must then fall back to a full resynchronisation.
 */
public final class SerialWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SerialWorker.class);
    private final ThreadPoolExecutor executor;
    private volatile Thread thread;

    public SerialWorker(String name, int maxQueued) {
        executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(maxQueued), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            thread = t;
            return t;
        });
    }

    /** Queues {@code task}; false when the worker is closed or its queue is full. */
    public boolean submit(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.warn("recipe task failed", e);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    public boolean inWorker() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs what is queued, accepts nothing more, and waits up to {@code waitMs} for it to finish
     * (not when called from the worker itself).
     */
    public void closeWhenDone(long waitMs) {
        executor.shutdown();
        if (!inWorker()) {
            try {
                executor.awaitTermination(waitMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Interrupts the running task, drops queued ones and waits briefly for the thread to end. */
    @Override
    public void close() {
        executor.shutdownNow();
        if (!inWorker()) {
            try {
                executor.awaitTermination(3, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
