package io.coord.recipes.queue;

import io.coord.client.CoordClient;
import io.coord.recipes.Nodes;
import java.util.Comparator;

/**
 * A distributed priority queue: lower priority numbers are taken first, equal priorities in FIFO
 * order. The priority is part of the node name ({@code item-p<10 digits>-<sequence>}, the int
 * shifted by 2^31 so names sort as numbers), so consumers need no extra reads to order items.
 */
public final class DistributedPriorityQueue extends ZnodeQueue {
    private static final String MARK = "-item-p";

    /** Items may be as large as the client's {@link CoordClient#maxPacketBytes()} allows. */
    public DistributedPriorityQueue(CoordClient client, String path) {
        this(client, path, client.maxPacketBytes());
    }

    public DistributedPriorityQueue(CoordClient client, String path, int maxPacketBytes) {
        super(new QueueCore(client, path, maxPacketBytes,
                Comparator.comparingLong(DistributedPriorityQueue::priorityOf).thenComparingLong(Nodes::sequence)));
    }

    /** Adds an item with {@code priority} (lower is taken first). */
    public String put(byte[] item, int priority) {
        return core.put(String.format("item-p%010d-", (long) priority - Integer.MIN_VALUE), item);
    }

    static long priorityOf(String name) {
        int i = name.indexOf(MARK);
        if (i < 0 || name.length() < i + MARK.length() + 10) {
            return Long.MAX_VALUE;
        }
        return Long.parseLong(name.substring(i + MARK.length(), i + MARK.length() + 10));
    }
}
