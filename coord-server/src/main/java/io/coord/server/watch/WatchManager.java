package io.coord.server.watch;

import io.coord.wire.EventType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The watch registry: who watches which path, and who to notify when a change fires.
 *
 * <p>{@code W} is an opaque watcher key compared by {@code equals}/{@code hashCode} (the pipeline
 * uses its per-connection object). A watcher may hold several kinds of watch on one path; a
 * trigger sends it at most one notification however many of them match, and consumes every
 * matching one-shot watch. Exist watches fire exactly like data watches: in ZooKeeper both live in
 * the data table, so an exists-watch fires on NodeCreated, NodeDeleted and NodeDataChanged.
 *
 * <p>Threading: not thread-safe, by design. It belongs to the request thread like the tree. The
 * dump methods return immutable copies but must be called on the request thread too; an admin
 * thread submits a task there and formats the copy.
 */
public final class WatchManager<W> {

    // io.coord.wire has no WatcherType constants yet; these are the codes of
    // CheckWatchesRequest/RemoveWatchesRequest.type.
    private static final int WATCHER_TYPE_CHILDREN = 1;
    private static final int WATCHER_TYPE_DATA = 2;
    private static final int WATCHER_TYPE_ANY = 3;
    private static final int WATCHER_TYPE_PERSISTENT = 4;
    private static final int WATCHER_TYPE_PERSISTENT_RECURSIVE = 5;

    private static final int ALL_BITS = bits(WatchKind.values());
    private static final int ONE_SHOT_BITS = bits(WatchKind.DATA, WatchKind.EXIST, WatchKind.CHILD);
    private static final int DATA_LIKE_BITS = bits(WatchKind.DATA, WatchKind.EXIST,
            WatchKind.PERSISTENT, WatchKind.PERSISTENT_RECURSIVE);

    /** path -> watcher -> bit set of WatchKind; insertion-ordered so notification order is stable. */
    private final Map<String, Map<W, Integer>> byPath = new HashMap<>();
    /** watcher -> path -> the same bit set, so a closing connection is dropped without a scan. */
    private final Map<W, Map<String, Integer>> byWatcher = new HashMap<>();
    /** Number of recursive watches; when zero a trigger skips the walk over the ancestors. */
    private int recursiveWatchCount;
    private long watchCount;

    /** Adds a watch; false when the watcher already held this kind on this path. */
    public boolean add(String path, WatchKind kind, W watcher) {
        checkPath(path);
        Map<W, Integer> watchers = byPath.computeIfAbsent(path, p -> new LinkedHashMap<>());
        int old = watchers.getOrDefault(watcher, 0);
        if ((old & kind.bit) != 0) {
            return false;
        }
        watchers.put(watcher, old | kind.bit);
        byWatcher.computeIfAbsent(watcher, w -> new HashMap<>()).put(path, old | kind.bit);
        countAdded(kind.bit);
        return true;
    }

    public boolean addDataWatch(String path, W watcher) {
        return add(path, WatchKind.DATA, watcher);
    }

    public boolean addExistWatch(String path, W watcher) {
        return add(path, WatchKind.EXIST, watcher);
    }

    public boolean addChildWatch(String path, W watcher) {
        return add(path, WatchKind.CHILD, watcher);
    }

    /** addWatch: mode 0 persistent, 1 persistent recursive. */
    public boolean addWatch(String path, int addWatchMode, W watcher) {
        return add(path, WatchKind.forAddWatchMode(addWatchMode), watcher);
    }

    /**
     * Fires the watches an event on {@code path} triggers and returns one notification per watcher.
     * For NodeChildrenChanged pass the parent's path (the node whose children changed).
     *
     * @param eventType NodeCreated, NodeDeleted, NodeDataChanged or NodeChildrenChanged
     */
    public List<Notification<W>> trigger(String path, int eventType) {
        checkPath(path);
        int firing = firingBits(eventType);
        Set<W> notified = new LinkedHashSet<>();
        fireExactPath(path, firing, notified);
        if (recursiveWatchCount > 0 && eventType != EventType.NODE_CHILDREN_CHANGED) {
            fireRecursiveAncestors(path, notified);
        }
        List<Notification<W>> out = new ArrayList<>(notified.size());
        for (W w : notified) {
            out.add(new Notification<>(w, path, eventType));
        }
        return out;
    }

    /** Drops every watch of the watcher (connection closed, session gone); returns how many. */
    public int removeWatcher(W watcher) {
        Map<String, Integer> paths = byWatcher.remove(watcher);
        if (paths == null) {
            return 0;
        }
        int removed = 0;
        for (Map.Entry<String, Integer> e : paths.entrySet()) {
            Map<W, Integer> watchers = byPath.get(e.getKey());
            watchers.remove(watcher);
            if (watchers.isEmpty()) {
                byPath.remove(e.getKey());
            }
            removed += Integer.bitCount(e.getValue());
            countRemoved(e.getValue());
        }
        return removed;
    }

    /**
     * removeWatches: drops the watcher's watches of {@code watcherType} on the path. DATA covers
     * data and exist watches, ANY every kind. False when there was none (the reply is NOWATCHER).
     *
     * @param watcherType WatcherType code: CHILDREN 1, DATA 2, ANY 3, PERSISTENT 4, PERSISTENT_RECURSIVE 5
     * @throws IllegalArgumentException for any other code
     */
    public boolean removeWatches(String path, int watcherType, W watcher) {
        return clearBits(path, watcher, watcherTypeBits(watcherType)) != 0;
    }

    /** checkWatches: whether the watcher holds a watch of {@code watcherType} on the path. */
    public boolean hasWatch(String path, int watcherType, W watcher) {
        int mask = watcherTypeBits(watcherType);
        Map<W, Integer> watchers = byPath.get(path);
        return watchers != null && (watchers.getOrDefault(watcher, 0) & mask) != 0;
    }

    /** The kinds the watcher holds on the path (empty when none). */
    public Set<WatchKind> kinds(String path, W watcher) {
        Map<W, Integer> watchers = byPath.get(path);
        int bits = watchers == null ? 0 : watchers.getOrDefault(watcher, 0);
        Set<WatchKind> kinds = new LinkedHashSet<>();
        for (WatchKind k : WatchKind.values()) {
            if ((bits & k.bit) != 0) {
                kinds.add(k);
            }
        }
        return Collections.unmodifiableSet(kinds);
    }

    /** For {@code wchs}. */
    public WatchCounts counts() {
        return new WatchCounts(byWatcher.size(), byPath.size(), watchCount);
    }

    /** For {@code wchc}: watcher name to the sorted paths it watches; names from {@code describe}. */
    public SortedMap<String, SortedSet<String>> pathsByWatcher(Function<? super W, String> describe) {
        TreeMap<String, SortedSet<String>> out = new TreeMap<>();
        byWatcher.forEach((w, paths) ->
                out.computeIfAbsent(describe.apply(w), n -> new TreeSet<>()).addAll(paths.keySet()));
        return freeze(out);
    }

    /** {@link #pathsByWatcher(Function)} naming watchers by {@code toString}. */
    public SortedMap<String, SortedSet<String>> pathsByWatcher() {
        return pathsByWatcher(String::valueOf);
    }

    /** For {@code wchp}: path to the sorted names of its watchers; names from {@code describe}. */
    public SortedMap<String, SortedSet<String>> watchersByPath(Function<? super W, String> describe) {
        TreeMap<String, SortedSet<String>> out = new TreeMap<>();
        byPath.forEach((path, watchers) -> {
            SortedSet<String> names = new TreeSet<>();
            watchers.keySet().forEach(w -> names.add(describe.apply(w)));
            out.put(path, names);
        });
        return freeze(out);
    }

    /** {@link #watchersByPath(Function)} naming watchers by {@code toString}. */
    public SortedMap<String, SortedSet<String>> watchersByPath() {
        return watchersByPath(String::valueOf);
    }

    private void fireExactPath(String path, int firing, Set<W> notified) {
        Map<W, Integer> watchers = byPath.get(path);
        if (watchers == null) {
            return;
        }
        Iterator<Map.Entry<W, Integer>> it = watchers.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<W, Integer> e = it.next();
            int hit = e.getValue() & firing;
            if (hit == 0) {
                continue;
            }
            notified.add(e.getKey());
            int consumed = hit & ONE_SHOT_BITS;
            if (consumed == 0) {
                continue;
            }
            int left = e.getValue() & ~consumed;
            countRemoved(consumed);
            if (left == 0) {
                it.remove();
                removeFromWatcher(e.getKey(), path);
            } else {
                e.setValue(left);
                byWatcher.get(e.getKey()).put(path, left);
            }
        }
        if (watchers.isEmpty()) {
            byPath.remove(path);
        }
    }

    /** Recursive watches on the path itself fired in fireExactPath; here only strict ancestors. */
    private void fireRecursiveAncestors(String path, Set<W> notified) {
        String ancestor = path;
        while (!ancestor.equals("/")) {
            int slash = ancestor.lastIndexOf('/');
            ancestor = slash == 0 ? "/" : ancestor.substring(0, slash);
            Map<W, Integer> watchers = byPath.get(ancestor);
            if (watchers == null) {
                continue;
            }
            watchers.forEach((w, bits) -> {
                if ((bits & WatchKind.PERSISTENT_RECURSIVE.bit) != 0) {
                    notified.add(w);
                }
            });
        }
    }

    /** Clears {@code mask} from the watcher's bits on the path; returns the bits actually cleared. */
    private int clearBits(String path, W watcher, int mask) {
        Map<W, Integer> watchers = byPath.get(path);
        if (watchers == null) {
            return 0;
        }
        int old = watchers.getOrDefault(watcher, 0);
        int cleared = old & mask;
        if (cleared == 0) {
            return 0;
        }
        int left = old & ~cleared;
        countRemoved(cleared);
        if (left == 0) {
            watchers.remove(watcher);
            if (watchers.isEmpty()) {
                byPath.remove(path);
            }
            removeFromWatcher(watcher, path);
        } else {
            watchers.put(watcher, left);
            byWatcher.get(watcher).put(path, left);
        }
        return cleared;
    }

    private void removeFromWatcher(W watcher, String path) {
        Map<String, Integer> paths = byWatcher.get(watcher);
        paths.remove(path);
        if (paths.isEmpty()) {
            byWatcher.remove(watcher);
        }
    }

    private void countAdded(int bits) {
        watchCount += Integer.bitCount(bits);
        if ((bits & WatchKind.PERSISTENT_RECURSIVE.bit) != 0) {
            recursiveWatchCount++;
        }
    }

    private void countRemoved(int bits) {
        watchCount -= Integer.bitCount(bits);
        if ((bits & WatchKind.PERSISTENT_RECURSIVE.bit) != 0) {
            recursiveWatchCount--;
        }
    }

    /** Which kinds held on the event's own path fire for this event type. */
    private static int firingBits(int eventType) {
        return switch (eventType) {
            case EventType.NODE_CREATED, EventType.NODE_DATA_CHANGED -> DATA_LIKE_BITS;
            case EventType.NODE_DELETED -> DATA_LIKE_BITS | WatchKind.CHILD.bit;
            case EventType.NODE_CHILDREN_CHANGED -> WatchKind.CHILD.bit | WatchKind.PERSISTENT.bit;
            default -> throw new IllegalArgumentException("not a triggering event type: " + eventType);
        };
    }

    private static int watcherTypeBits(int watcherType) {
        return switch (watcherType) {
            case WATCHER_TYPE_CHILDREN -> WatchKind.CHILD.bit;
            case WATCHER_TYPE_DATA -> WatchKind.DATA.bit | WatchKind.EXIST.bit;
            case WATCHER_TYPE_ANY -> ALL_BITS;
            case WATCHER_TYPE_PERSISTENT -> WatchKind.PERSISTENT.bit;
            case WATCHER_TYPE_PERSISTENT_RECURSIVE -> WatchKind.PERSISTENT_RECURSIVE.bit;
            default -> throw new IllegalArgumentException("unknown watcher type " + watcherType);
        };
    }

    private static int bits(WatchKind... kinds) {
        int bits = 0;
        for (WatchKind k : kinds) {
            bits |= k.bit;
        }
        return bits;
    }

    private static void checkPath(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            throw new IllegalArgumentException("not an absolute path: " + path);
        }
    }

    private static SortedMap<String, SortedSet<String>> freeze(TreeMap<String, SortedSet<String>> map) {
        map.replaceAll((k, v) -> Collections.unmodifiableSortedSet(v));
        return Collections.unmodifiableSortedMap(map);
    }
}
