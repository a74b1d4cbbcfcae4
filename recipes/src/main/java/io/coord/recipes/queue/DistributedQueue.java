package io.coord.recipes.queue;

import io.coord.client.CoordClient;
import io.coord.recipes.Deadline;
import io.coord.recipes.Nodes;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A distributed FIFO queue of byte arrays under one path. Items are persistent (they survive their
 * producer) and each is consumed exactly once, by whichever consumer's delete wins. Blocking
 * methods must not be called on the client's callback thread.
 */
public final class DistributedQueue {
    private final QueueCore core;

    /** Items may be as large as the client's {@link CoordClient#maxPacketBytes()} allows. */
    public DistributedQueue(CoordClient client, String path) {
        this(client, path, client.maxPacketBytes());
    }

    /** @param maxPacketBytes the packet limit items are sized against (at most the client's) */
    public DistributedQueue(CoordClient client, String path, int maxPacketBytes) {
        core = new QueueCore(client, path, maxPacketBytes, Comparator.comparingLong(Nodes::sequence));
    }

    /**
     * Appends an item; returns its node path.
     *
     * @throws IllegalArgumentException when the item is larger than {@link #maxItemBytes()}
     */
    public String put(byte[] item) {
        return core.put("item-", item);
    }

    /** The largest item {@link #put} accepts. */
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

    public byte[] take() throws InterruptedException {
        return core.take(Deadline.never()).orElseThrow();
    }

    public int size() {
        return core.size();
    }
}
