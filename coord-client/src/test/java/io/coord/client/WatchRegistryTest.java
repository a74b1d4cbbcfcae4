package io.coord.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.WatchRegistry.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchRegistryTest {
    private final WatchListener data = e -> { };
    private final WatchListener exist = e -> { };
    private final WatchListener child = e -> { };
    private final WatchListener persistent = e -> { };
    private final WatchListener recursive = e -> { };

    @Test
    void oneShotWatchesAreConsumedByTheRightEvents() {
        WatchRegistry r = new WatchRegistry();
        r.add(Kind.DATA, "/a", data);
        r.add(Kind.CHILD, "/a", child);
        assertEquals(List.of(data), List.copyOf(r.trigger(WatchEventType.NODE_DATA_CHANGED, "/a")));
        assertEquals(List.of(), List.copyOf(r.trigger(WatchEventType.NODE_DATA_CHANGED, "/a")));
        r.add(Kind.EXIST, "/a", exist);
        assertEquals(List.of(exist, child), List.copyOf(r.trigger(WatchEventType.NODE_DELETED, "/a")));
        assertTrue(r.isEmpty());
    }

    @Test
    void persistentStayAndRecursiveSkipChildEvents() {
        WatchRegistry r = new WatchRegistry();
        r.add(Kind.PERSISTENT, "/a", persistent);
        r.add(Kind.RECURSIVE, "/", recursive);
        assertEquals(List.of(persistent), List.copyOf(r.trigger(WatchEventType.NODE_CHILDREN_CHANGED, "/a")));
        assertEquals(List.of(persistent, recursive), List.copyOf(r.trigger(WatchEventType.NODE_DATA_CHANGED, "/a")));
        assertEquals(List.of(recursive), List.copyOf(r.trigger(WatchEventType.NODE_CREATED, "/a/b/c")));
        assertEquals(List.of("/a"), r.paths(Kind.PERSISTENT));
        assertEquals(List.of("/"), r.paths(Kind.RECURSIVE));
    }

    @Test
    void theSameListenerOnTwoKindsIsCalledOnce() {
        WatchRegistry r = new WatchRegistry();
        r.add(Kind.DATA, "/a", data);
        r.add(Kind.PERSISTENT, "/a", data);
        assertEquals(List.of(data), List.copyOf(r.trigger(WatchEventType.NODE_DATA_CHANGED, "/a")));
    }

    @Test
    void removeOneListenerOrAll() {
        WatchRegistry r = new WatchRegistry();
        r.add(Kind.DATA, "/a", data);
        r.add(Kind.DATA, "/a", exist);
        assertEquals(1, r.remove("/a", List.of(Kind.DATA, Kind.EXIST), data).size());
        assertTrue(r.has(Kind.DATA, "/a"));
        assertEquals(0, r.remove("/a", List.of(Kind.CHILD), null).size());
        r.remove("/a", List.of(Kind.DATA), null);
        assertTrue(r.isEmpty());
    }
}
