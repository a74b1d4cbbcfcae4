package io.coord.recipes.queue;

import io.coord.recipes.Deadline;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The consumer side shared by {@link DistributedQueue} and {@link DistributedPriorityQueue}: items
 * are persistent sequential znodes under one path, taken in the order the subclass's comparator
 * gives, each by whichever consumer's delete wins. Subclasses add their own {@code put}. Blocking
 * methods must not be called on the client's callback thread.
 */
public abstract sealed class ZnodeQueue permits DistributedQueue, DistributedPriorityQueue {
    final QueueCore core;

    ZnodeQueue(QueueCore core) {
        this.core = core;
    }

    /** The largest item {@code put} accepts. */
    public int maxItemBytes() {
        return core.maxItemBytes();
    }

    /** Takes the head item if there is one, without waiting. */
    public Optional<byte[]> poll() throws InterruptedException {
        return core.take(Deadline.after(0, TimeUnit.MILLISECONDS));
    }

    /** Takes the head item, waiting at most {@code timeout} for one. */
    public Optional<byte[]> take(long timeout, TimeUnit unit) throws InterruptedException {
        return core.take(Deadline.after(Math.max(0, timeout), unit));
    }

    /** Takes the head item, waiting as long as it takes. */
    public byte[] take() throws InterruptedException {
        return core.take(Deadline.never()).orElseThrow();
    }

    /** Items currently queued. */
    public int size() {
        return core.size();
    }
}
