package io.coord.server.pipeline;

import io.coord.server.session.Clock;

/**
 * What runs the request pipeline's tasks one at a time: in production a {@link RequestThread}; the
 * deterministic simulation runs them itself, in its own event order, on its one thread. The
 * pipeline never assumes more than this: tasks run in submission order, never two at once, with
 * {@link Handler#onTick} between them when it asked to be woken and {@link Handler#afterBatch}
 * after each batch.
 */
public interface RequestLoop extends AutoCloseable {

    /** What the loop calls between tasks. */
    interface Handler {
        /** Periodic work; returns how long (ms) until it wants to run again. */
        long onTick(long nowMs);

        /** After a batch of tasks: flush what was written. */
        void afterBatch();
    }

    /** Makes the loop for a pipeline; {@code fatal} is called when a task or the periodic work fails. */
    @FunctionalInterface
    interface Factory {
        RequestLoop create(Handler handler, FatalHandler fatal);

        /** Production's: one {@link RequestThread} on the clock {@code clock}. */
        static Factory thread(Clock clock) {
            return (handler, onFailure) -> new RequestThread("coord-request", clock::nowMs, handler, onFailure);
        }
    }

    void start();

    /** Queues a task; never blocks. Tasks submitted after close are dropped. */
    void submit(Runnable task);

    /** Tasks waiting (tests, status). */
    int queued();

    /** What sources consult before handing over more work; see {@link Backlog}. */
    Backlog backlog();

    /** Runs what is already queued, then stops. */
    @Override
    void close();
}
