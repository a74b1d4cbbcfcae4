package io.coord.server.watch;

import static io.coord.wire.EventType.NODE_CHILDREN_CHANGED;
import static io.coord.wire.EventType.NODE_CREATED;
import static io.coord.wire.EventType.NODE_DATA_CHANGED;
import static io.coord.wire.EventType.NODE_DELETED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class WatchManagerTest {
    // WatcherType codes of checkWatches/removeWatches.
    private static final int CHILDREN = 1;
    private static final int DATA = 2;
    private static final int ANY = 3;
    private static final int PERSISTENT = 4;
    private static final int PERSISTENT_RECURSIVE = 5;

    private final WatchManager<String> watches = new WatchManager<>();

    private List<String> fire(String path, int eventType) {
        return watches.trigger(path, eventType).stream().map(Notification::watcher).toList();
    }

    @Test
    void dataWatchFiresOnceOnDataChange() {
        watches.addDataWatch("/a", "c1");
        List<Notification<String>> fired = watches.trigger("/a", NODE_DATA_CHANGED);
        assertEquals(List.of(new Notification<>("c1", "/a", NODE_DATA_CHANGED)), fired);
        assertEquals(List.of(), fire("/a", NODE_DATA_CHANGED), "one-shot watch is consumed");
        assertEquals(new WatchCounts(0, 0, 0), watches.counts());
    }

    @Test
    void dataWatchFiresOnDeleteAndCreate() {
        watches.addDataWatch("/a", "c1");
        assertEquals(List.of("c1"), fire("/a", NODE_DELETED));
        watches.addDataWatch("/b", "c1");
        assertEquals(List.of("c1"), fire("/b", NODE_CREATED));
    }

    @Test
    void dataWatchIgnoresChildrenChanged() {
        watches.addDataWatch("/a", "c1");
        assertEquals(List.of(), fire("/a", NODE_CHILDREN_CHANGED));
        assertTrue(watches.hasWatch("/a", DATA, "c1"), "not consumed by an event it did not match");
    }

    @Test
    void existWatchFiresOnCreate() {
        watches.addExistWatch("/missing", "c1");
        assertEquals(List.of(), fire("/missing/child", NODE_CREATED), "a child is another path");
        assertEquals(List.of("c1"), fire("/missing", NODE_CREATED));
        assertEquals(List.of(), fire("/missing", NODE_DELETED));
    }

    @Test
    void childWatchFiresOnChildrenChangedAndOnDelete() {
        watches.addChildWatch("/p", "c1");
        assertEquals(List.of(), fire("/p", NODE_DATA_CHANGED));
        assertEquals(List.of(), fire("/p", NODE_CREATED));
        assertEquals(List.of("c1"), fire("/p", NODE_CHILDREN_CHANGED));
        assertEquals(List.of(), fire("/p", NODE_CHILDREN_CHANGED));
        watches.addChildWatch("/p", "c1");
        assertEquals(List.of("c1"), fire("/p", NODE_DELETED));
        assertFalse(watches.hasWatch("/p", CHILDREN, "c1"));
    }

    @Test
    void watcherGetsOneNotificationWhenSeveralWatchesMatch() {
        watches.addDataWatch("/a", "c1");
        watches.addChildWatch("/a", "c1");
        watches.addWatch("/a", 0, "c1");
        watches.addWatch("/", 1, "c1");
        watches.addDataWatch("/a", "c2");
        List<Notification<String>> fired = watches.trigger("/a", NODE_DELETED);
        assertEquals(List.of("c1", "c2"), fired.stream().map(Notification::watcher).toList());
        assertTrue(fired.stream().allMatch(n -> n.path().equals("/a") && n.eventType() == NODE_DELETED));
        assertEquals(Set.of(WatchKind.PERSISTENT), watches.kinds("/a", "c1"),
                "both one-shot watches are consumed, the persistent one stays");
    }

    @Test
    void persistentWatchFiresEveryEventOnExactPathAndStays() {
        watches.addWatch("/a", 0, "c1");
        for (int event : new int[] {NODE_CREATED, NODE_DATA_CHANGED, NODE_CHILDREN_CHANGED, NODE_DELETED,
                NODE_CREATED}) {
            assertEquals(List.of("c1"), fire("/a", event), "event " + event);
        }
        assertEquals(List.of(), fire("/a/b", NODE_CREATED), "not for descendants");
        assertEquals(List.of(), fire("/", NODE_CHILDREN_CHANGED), "not for the parent");
        assertTrue(watches.hasWatch("/a", PERSISTENT, "c1"));
    }

    @Test
    void recursiveWatchCoversPathAndDescendantsButNotChildrenChanged() {
        watches.addWatch("/a", 1, "c1");
        assertEquals(List.of("c1"), fire("/a", NODE_CREATED));
        assertEquals(List.of("c1"), fire("/a", NODE_DATA_CHANGED));
        assertEquals(List.of("c1"), fire("/a/b", NODE_CREATED));
        assertEquals(List.of("c1"), fire("/a/b/c/d", NODE_DATA_CHANGED));
        assertEquals(List.of("c1"), fire("/a/b", NODE_DELETED));
        assertEquals(List.of(), fire("/a", NODE_CHILDREN_CHANGED));
        assertEquals(List.of(), fire("/a/b", NODE_CHILDREN_CHANGED));
        assertTrue(watches.hasWatch("/a", PERSISTENT_RECURSIVE, "c1"), "persistent: never consumed");
    }

    @Test
    void recursiveWatchDoesNotCoverSiblingsWithCommonPrefix() {
        watches.addWatch("/a", 1, "c1");
        assertEquals(List.of(), fire("/ab", NODE_CREATED));
        assertEquals(List.of(), fire("/ab/c", NODE_DATA_CHANGED));
        assertEquals(List.of(), fire("/", NODE_DATA_CHANGED), "not for the ancestor");
    }

    @Test
    void recursiveWatchOnRootSeesEverything() {
        watches.addWatch("/", 1, "c1");
        assertEquals(List.of("c1"), fire("/", NODE_DATA_CHANGED));
        assertEquals(List.of("c1"), fire("/x/y", NODE_CREATED));
    }

    @Test
    void recursiveAndPersistentOnSamePathCoexist() {
        watches.addWatch("/a", 0, "c1");
        watches.addWatch("/a", 1, "c1");
        assertEquals(List.of("c1"), fire("/a", NODE_CHILDREN_CHANGED), "via the persistent watch");
        assertEquals(List.of("c1"), fire("/a/b", NODE_CREATED), "via the recursive watch");
        assertTrue(watches.removeWatches("/a", PERSISTENT, "c1"));
        assertEquals(List.of(), fire("/a", NODE_CHILDREN_CHANGED));
        assertEquals(List.of("c1"), fire("/a/b", NODE_DELETED));
    }

    @Test
    void oneShotOnTopOfPersistentIsConsumedAloneAndPersistentKeepsFiring() {
        watches.addWatch("/a", 0, "c1");
        watches.addDataWatch("/a", "c1");
        assertEquals(List.of("c1"), fire("/a", NODE_DATA_CHANGED));
        assertFalse(watches.hasWatch("/a", DATA, "c1"));
        assertEquals(List.of("c1"), fire("/a", NODE_DATA_CHANGED));
    }

    @Test
    void removeWatcherDropsEverything() {
        watches.addDataWatch("/a", "c1");
        watches.addChildWatch("/b", "c1");
        watches.addWatch("/c", 1, "c1");
        watches.addDataWatch("/a", "c2");
        assertEquals(3, watches.removeWatcher("c1"));
        assertEquals(0, watches.removeWatcher("c1"));
        assertEquals(new WatchCounts(1, 1, 1), watches.counts());
        assertEquals(List.of(), fire("/c/x", NODE_CREATED));
        assertEquals(List.of(), fire("/b", NODE_CHILDREN_CHANGED));
        assertEquals(List.of("c2"), fire("/a", NODE_DATA_CHANGED));
    }

    @Test
    void removeWatchesPerType() {
        watches.addDataWatch("/a", "c1");
        watches.addExistWatch("/b", "c1");
        watches.addChildWatch("/a", "c1");
        watches.addWatch("/a", 0, "c1");
        watches.addWatch("/a", 1, "c1");

        assertTrue(watches.removeWatches("/a", CHILDREN, "c1"));
        assertFalse(watches.removeWatches("/a", CHILDREN, "c1"), "NOWATCHER the second time");
        assertTrue(watches.removeWatches("/a", DATA, "c1"));
        assertTrue(watches.removeWatches("/b", DATA, "c1"), "DATA covers exist watches");
        assertTrue(watches.removeWatches("/a", PERSISTENT_RECURSIVE, "c1"));
        assertEquals(Set.of(WatchKind.PERSISTENT), watches.kinds("/a", "c1"));
        assertFalse(watches.removeWatches("/a", DATA, "c2"), "other watcher holds nothing");
        assertTrue(watches.removeWatches("/a", PERSISTENT, "c1"));
        assertEquals(new WatchCounts(0, 0, 0), watches.counts());
        assertThrows(IllegalArgumentException.class, () -> watches.removeWatches("/a", 9, "c1"));
    }

    @Test
    void removeWatchesAnyDropsAllKindsOnThatPathOnly() {
        watches.addDataWatch("/a", "c1");
        watches.addChildWatch("/a", "c1");
        watches.addWatch("/a", 1, "c1");
        watches.addDataWatch("/b", "c1");
        assertTrue(watches.hasWatch("/a", ANY, "c1"));
        assertTrue(watches.removeWatches("/a", ANY, "c1"));
        assertFalse(watches.hasWatch("/a", ANY, "c1"));
        assertFalse(watches.removeWatches("/a", ANY, "c1"));
        assertEquals(List.of(), fire("/a/x", NODE_CREATED), "recursive count kept right");
        assertTrue(watches.hasWatch("/b", DATA, "c1"));
    }

    @Test
    void hasWatchMapsTypes() {
        watches.addExistWatch("/e", "c1");
        watches.addWatch("/p", 0, "c1");
        assertTrue(watches.hasWatch("/e", DATA, "c1"));
        assertFalse(watches.hasWatch("/e", CHILDREN, "c1"));
        assertTrue(watches.hasWatch("/p", PERSISTENT, "c1"));
        assertFalse(watches.hasWatch("/p", PERSISTENT_RECURSIVE, "c1"));
        assertFalse(watches.hasWatch("/p", DATA, "c1"), "a persistent watch is not a data watch");
        assertFalse(watches.hasWatch("/nothing", ANY, "c1"));
    }

    @Test
    void addingSameWatchTwiceIsOneWatch() {
        assertTrue(watches.addDataWatch("/a", "c1"));
        assertFalse(watches.addDataWatch("/a", "c1"));
        assertEquals(new WatchCounts(1, 1, 1), watches.counts());
    }

    @Test
    void dumpsForFourLetterWords() {
        watches.addDataWatch("/a", "c1");
        watches.addChildWatch("/a", "c1");
        watches.addDataWatch("/b", "c1");
        watches.addWatch("/a", 1, "c2");
        assertEquals(new WatchCounts(2, 2, 4), watches.counts());
        assertEquals(Map.of("c1", new TreeSet<>(List.of("/a", "/b")), "c2", new TreeSet<>(List.of("/a"))),
                watches.pathsByWatcher());
        assertEquals(Map.of("/a", new TreeSet<>(List.of("c1", "c2")), "/b", new TreeSet<>(List.of("c1"))),
                watches.watchersByPath());
        Map<String, SortedSet<String>> named = watches.watchersByPath(w -> "0x" + w);
        assertEquals(new TreeSet<>(List.of("0xc1", "0xc2")), named.get("/a"));
        assertThrows(UnsupportedOperationException.class, () -> named.get("/a").add("x"));
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> watches.trigger("/a", 5));
        assertThrows(IllegalArgumentException.class, () -> watches.addWatch("/a", 2, "c1"));
        assertThrows(IllegalArgumentException.class, () -> watches.addDataWatch("a", "c1"));
    }

    @Test
    void manyWatchersOnePathAllNotifiedAndConsumed() {
        for (int i = 0; i < 100; i++) {
            watches.addDataWatch("/hot", "c" + i);
        }
        assertEquals(100, watches.trigger("/hot", NODE_DATA_CHANGED).size());
        assertEquals(new WatchCounts(0, 0, 0), watches.counts());
    }
}
