package io.coord.server.admin.console;

import io.coord.client.WatchEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The console's live events: the last {@link #CAPACITY} changes its watch on {@code /} saw, each
 * numbered, so a page polling with the last number it has gets only what is new (and learns,
 * through {@link Page#missed()}, that older ones fell out of the ring).
 */
final class ConsoleEvents {
    static final int CAPACITY = 256;

    private final int capacity;
    private final LongSupplier nowMs;
    private final ArrayDeque<Event> ring = new ArrayDeque<>();
    private long lastSeq;

    ConsoleEvents(int capacity, LongSupplier nowMs) {
        this.capacity = capacity;
        this.nowMs = nowMs;
    }

    /** Called on the client's callback thread. */
    synchronized void add(WatchEvent e) {
        ring.addLast(new Event(++lastSeq, nowMs.getAsLong(), e.type().name(), e.path(), e.zxid()));
        if (ring.size() > capacity) {
            ring.removeFirst();
        }
    }

    synchronized Page after(long seq) {
        List<Event> out = new ArrayList<>();
        for (Event e : ring) {
            if (e.seq() > seq) {
                out.add(e);
            }
        }
        boolean missed = !ring.isEmpty() && ring.peekFirst().seq() > seq + 1;
        return new Page(lastSeq, missed, out);
    }

    /** One change: its number, when the console saw it (ms since the epoch), ZooKeeper's event type, path and zxid. */
    record Event(long seq, long timeMs, String type, String path, long zxid) {
    }

    /** The events after a number; {@code last} is the number to ask after next time. */
    record Page(long last, boolean missed, List<Event> events) {
    }
}
