package io.coord.recipes.queue;

import io.coord.client.CoordClient;
import io.coord.recipes.Nodes;
import java.util.Comparator;

/**
 * A distributed FIFO queue of byte arrays under one path. Items are persistent (they survive their
 * producer) and each is consumed exactly once, by whichever consumer's delete wins. Blocking
 * methods must not be called on the client's callback thread.
 */
public final class DistributedQueue extends ZnodeQueue {
    /** Items may be as large as the client's {@link CoordClient#maxPacketBytes()} allows. */
    public DistributedQueue(CoordClient client, String path) {
        this(client, path, client.maxPacketBytes());
    }

    /** @param maxPacketBytes the packet limit items are sized against (at most the client's) */
    public DistributedQueue(CoordClient client, String path, int maxPacketBytes) {
        super(new QueueCore(client, path, maxPacketBytes, Comparator.comparingLong(Nodes::sequence)));
    }

    /**
     * Appends an item; returns its node path.
     *
     * @throws IllegalArgumentException when the item is larger than {@link #maxItemBytes()}
     */
    public String put(byte[] item) {
        return core.put("item-", item);
    }
}
