package io.coord.server.compat;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;

/** A watcher that keeps node events (not connection-state events) in arrival order. */
final class EventRecorder implements Watcher {

    static final long EVENT_WAIT_MS = 5_000;

    private final BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
    private final List<String> log;

    EventRecorder() {
        this(null);
    }

    /** Also appends "event:TYPE:path" to a shared, synchronised ordering log. */
    EventRecorder(List<String> log) {
        this.log = log;
    }

    @Override
    public void process(WatchedEvent event) {
        if (event.getType() == Event.EventType.None) {
            return;
        }
        if (log != null) {
            log.add("event:" + event.getType() + ":" + event.getPath());
        }
        events.add(event);
    }

    WatchedEvent next() throws InterruptedException {
        WatchedEvent event = events.poll(EVENT_WAIT_MS, TimeUnit.MILLISECONDS);
        assertNotNull(event, "expected a watch event");
        return event;
    }

    /** The next event, which must have this type and path. */
    WatchedEvent expect(Event.EventType type, String path) throws InterruptedException {
        WatchedEvent event = next();
        if (event.getType() != type || !path.equals(event.getPath())) {
            throw new AssertionError("expected " + type + " " + path + " but got " + event);
        }
        return event;
    }

    /**
     * No event has arrived so far. Call it after something ordered behind every event that could
     * have fired (see CompatTestBase.expectNoEvent), not after a pause.
     */
    void expectNoneQueued() {
        assertNull(events.poll(), "expected no watch event");
    }
}
