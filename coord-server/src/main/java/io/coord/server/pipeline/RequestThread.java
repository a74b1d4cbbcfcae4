package io.coord.server.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single thread that owns the tree, the sessions and the watches. Everything that touches them
 * arrives here as a task on one bounded queue, so no locks are needed on them. Between tasks the
 * thread runs the periodic work (session expiry, container cleanup) and flushes the connections
 * that were written to, once per batch of tasks.
 *
 * <p>An exception escaping a task or the periodic work is fatal ({@link FatalHandler}): the thread
 * owns the tree (and in an ensemble the ZAB core), and a task that stopped half-way may have left
 * them inconsistent, so carrying on could serve or replicate wrong state.
 */
final class RequestThread implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestThread.class);
    /** Tasks waiting for the thread; producers block when it is full (back-pressure). */
    static final int QUEUE_CAPACITY = 65_536;
    private static final int MAX_BATCH = 4096;

    /** What the thread calls between tasks. */
    interface Handler {
        /** Periodic work; returns how long (ms) until it wants to run again. */
        long onTick(long nowMs);

        /** After a batch of tasks: flush what was written. */
        void afterBatch();
    }

    private final BlockingQueue<Runnable> tasks = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread thread;
    private final LongSupplier clockMs;
    private final Handler handler;
    private final FatalHandler fatal;
    private volatile boolean running = true;

    RequestThread(String name, LongSupplier clockMs, Handler handler, FatalHandler fatal) {
        this.clockMs = clockMs;
        this.handler = handler;
        this.fatal = fatal;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(false);
    }

    void start() {
        thread.start();
    }

    boolean onThread() {
        return Thread.currentThread() == thread;
    }

    /** Queues a task; blocks while the queue is full. Tasks submitted after close are dropped. */
    void submit(Runnable task) {
        if (!running) {
            return;
        }
        try {
            tasks.put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    int queued() {
        return tasks.size();
    }

    private void run() {
        long nextTickMs = 0;
        List<Runnable> drain = new ArrayList<>(MAX_BATCH);
        while (running) {
            try {
                long now = clockMs.getAsLong();
                if (now >= nextTickMs) {
                    nextTickMs = now + Math.max(1, handler.onTick(now));
                }
                Runnable first = tasks.poll(Math.max(1, nextTickMs - clockMs.getAsLong()), TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                first.run();
                drain.clear();
                tasks.drainTo(drain, MAX_BATCH);
                for (Runnable r : drain) {
                    r.run();
                }
                handler.afterBatch();
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (Throwable t) {
                failed(t);
                return;
            }
        }
        handler.afterBatch();
    }

    private void failed(Throwable t) {
        if (!running) {
            // Shutting down: what failed was being torn down anyway.
            LOG.warn("{}: failure while stopping: {}", thread.getName(), t.toString());
            return;
        }
        running = false;
        fatal.fatal(thread.getName() + " thread: unexpected " + t, t);
    }

    /** Runs what is already queued, then stops the thread. */
    @Override
    public void close() {
        if (running && thread.isAlive()) {
            CountDownLatch done = new CountDownLatch(1);
            submit(() -> {
                running = false;
                done.countDown();
            });
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
