package io.coord.server.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single thread that owns the tree, the sessions and the watches. Everything that touches them
 * arrives here as a task on one queue, so no locks are needed on them. Between tasks the thread
 * runs the periodic work (session expiry, container cleanup) and flushes the connections that were
 * written to, once per batch of tasks.
 *
 * <p>{@link #submit} never blocks: its callers are Netty event loops (which must never wait) and
 * the log threads (which the request thread itself may wait for, so a blocking hand-off back would
 * be a cycle). The queue is bounded by its sources instead ({@link Backlog}): past
 * {@code highWater} tasks, client channels and member links that deliver another task stop reading
 * their sockets until the thread has worked the queue down under {@code lowWater}; the log threads
 * report through {@link CoalescedReport} (one queued task at most); the rest (disconnects, a
 * four-letter word per connection, ticks) is bounded by the number of connections.
 *
 * <p>An exception escaping a task or the periodic work is fatal ({@link FatalHandler}): the thread
 * owns the tree (and in an ensemble the ZAB core), and a task that stopped half-way may have left
 * them inconsistent, so carrying on could serve or replicate wrong state.
 */
final class RequestThread implements RequestLoop {
    private static final Logger LOG = LoggerFactory.getLogger(RequestThread.class);
    /**
     * Queued tasks past which sources stop reading. Four full batches: the thread never runs dry
     * while sources resume; more would only add waiting (a deeper queue adds latency, not
     * throughput). With requests of up to jute.maxbuffer this still allows gigabytes in the worst
     * case: the bound is on tasks, not bytes.
     */
    static final int DEFAULT_HIGH_WATER = 16_384;
    /** Sources resume under half the high-water mark: each pause and resume costs a syscall per channel. */
    static final int DEFAULT_LOW_WATER = DEFAULT_HIGH_WATER / 2;
    private static final int MAX_BATCH = 4096;

    /** What the thread calls between tasks (the loop's handler, by its older name). */
    interface Handler extends RequestLoop.Handler {
    }

    /** Unbounded by type; bounded by the sources' pauses (see the class comment). */
    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    /** Sources paused at the high-water mark, resumed under the low-water mark. */
    private final ConcurrentLinkedQueue<Runnable> resumeBelowLowWater = new ConcurrentLinkedQueue<>();
    private final int highWater;
    private final int lowWater;
    private final Thread thread;
    private final LongSupplier clockMs;
    private final RequestLoop.Handler handler;
    private final FatalHandler fatal;
    private volatile boolean running = true;

    RequestThread(String name, LongSupplier clockMs, RequestLoop.Handler handler, FatalHandler fatal) {
        this(name, clockMs, handler, fatal, DEFAULT_HIGH_WATER, DEFAULT_LOW_WATER);
    }

    /** @param highWater queued tasks past which sources pause; {@code lowWater} where they resume */
    RequestThread(String name, LongSupplier clockMs, RequestLoop.Handler handler, FatalHandler fatal, int highWater,
                  int lowWater) {
        if (lowWater < 0 || lowWater >= highWater) {
            throw new IllegalArgumentException("need 0 <= lowWater < highWater, got " + lowWater + ", " + highWater);
        }
        this.highWater = highWater;
        this.lowWater = lowWater;
        this.clockMs = clockMs;
        this.handler = handler;
        this.fatal = fatal;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(false);
    }

    @Override
    public void start() {
        thread.start();
    }

    boolean onThread() {
        return Thread.currentThread() == thread;
    }

    /** Queues a task; never blocks. Tasks submitted after close are dropped. */
    @Override
    public void submit(Runnable task) {
        if (running) {
            tasks.add(task);
        }
    }

    @Override
    public int queued() {
        return tasks.size();
    }

    /** What sources consult; see {@link Backlog}. */
    @Override
    public Backlog backlog() {
        return backlog;
    }

    private final Backlog backlog = new Backlog() {
        @Override
        public boolean overHighWater() {
            return tasks.size() > highWater;
        }

        @Override
        public void whenBelowLowWater(Runnable resume) {
            resumeBelowLowWater.add(resume);
            submit(() -> { }); // wakes an idle thread, which then checks the mark
        }
    };

    /** After each batch: resumes the paused sources once the queue is short enough. */
    private void resumeSources() {
        if (resumeBelowLowWater.isEmpty() || tasks.size() > lowWater) {
            return;
        }
        Runnable r;
        while ((r = resumeBelowLowWater.poll()) != null) {
            r.run();
        }
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
                resumeSources();
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
