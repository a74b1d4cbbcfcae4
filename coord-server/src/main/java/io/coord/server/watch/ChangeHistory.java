package io.coord.server.watch;

import java.util.function.Consumer;

/**
 * The most recent tree events (zxid, path, type, and what the read check needs), so that a client
 * that reconnects with persistent watches is sent what they would have fired while it was away:
 * ZooKeeper re-adds persistent watches without that, and the events in between are lost.
 *
 * <p>Bounded: a ring of {@code capacity} events. It covers a client whose last seen zxid is at or
 * after {@link #coveredAfterZxid()}: every event with a higher zxid is still here. Events are
 * recorded in zxid order (the apply order); evicting the oldest moves the covered point up to its
 * zxid. Before {@link #startAt} nothing is covered. Request-thread only, like the watches.
 *
 * @param <A> what the read check of a replayed event needs (the node's ACL when it fired)
 */
public final class ChangeHistory<A> {
    /** Events kept by default: about 5 MB of references at most, minutes of a busy ensemble's writes. */
    public static final int DEFAULT_CAPACITY = 100_000;

    /** One event as it fired; for NodeChildrenChanged {@code path} is the parent. */
    public record Change<A>(long zxid, String path, int eventType, A acl) {
    }

    private final Change<A>[] ring;
    private int oldest;
    private int size;
    private long coveredAfterZxid = Long.MAX_VALUE;
    /** An event was evicted since {@link #startAt}: the covered point is the ring's, not the state's start. */
    private boolean overflowed;

    @SuppressWarnings("unchecked")
    public ChangeHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.ring = (Change<A>[]) new Change<?>[capacity];
    }

    /** Starts covering: the tree is at {@code zxid} and every later event will be recorded. */
    public void startAt(long zxid) {
        oldest = 0;
        size = 0;
        java.util.Arrays.fill(ring, null);
        coveredAfterZxid = zxid;
        overflowed = false;
    }

    /** Records an applied event (zxids never decrease between calls). */
    public void record(long zxid, String path, int eventType, A acl) {
        if (coveredAfterZxid == Long.MAX_VALUE) {
            return;
        }
        if (size == ring.length) {
            coveredAfterZxid = Math.max(coveredAfterZxid, ring[oldest].zxid());
            overflowed = true;
            ring[oldest] = null;
            oldest = (oldest + 1) % ring.length;
            size--;
        }
        ring[(oldest + size) % ring.length] = new Change<>(zxid, path, eventType, acl);
        size++;
    }

    /** Every event with a zxid above this is still here; Long.MAX_VALUE before {@link #startAt}. */
    public long coveredAfterZxid() {
        return coveredAfterZxid;
    }

    /**
     * Whether the covered point was moved up by evicting events (the ring is full), rather than
     * being where the state was built or installed. Every member keeps the same number of events
     * of the same txns, so then no member covers more; before that, one with an older state may.
     */
    public boolean overflowed() {
        return overflowed;
    }

    /** Whether every event after {@code lastSeenZxid} is here. */
    public boolean covers(long lastSeenZxid) {
        return lastSeenZxid >= coveredAfterZxid;
    }

    /** The events with a zxid above {@code zxid}, oldest first. */
    public void forEachAfter(long zxid, Consumer<Change<A>> action) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (at(mid).zxid() <= zxid) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (int i = lo; i < size; i++) {
            action.accept(at(i));
        }
    }

    public int size() {
        return size;
    }

    private Change<A> at(int index) {
        return ring[(oldest + index) % ring.length];
    }
}
