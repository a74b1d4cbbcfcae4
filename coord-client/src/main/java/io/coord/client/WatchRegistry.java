package io.coord.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The client's record of its watches, by client path: which listeners to call when a notification
 * arrives, and what to re-register after a reconnect. Confined to the client's event loop.
 *
 * <p>One-shot kinds follow the server's rules: NodeCreated and NodeDataChanged consume data and
 * exists watches, NodeDeleted consumes data, exists and child watches, NodeChildrenChanged
 * consumes child watches. Persistent watches on the path and recursive watches on the path or an
 * ancestor stay; recursive ones never see NodeChildrenChanged.
 */
final class WatchRegistry {
    enum Kind { DATA, EXIST, CHILD, PERSISTENT, RECURSIVE }

    private final Map<Kind, Map<String, Set<WatchListener>>> byKind = new HashMap<>();

    WatchRegistry() {
        for (Kind k : Kind.values()) {
            byKind.put(k, new HashMap<>());
        }
    }

    void add(Kind kind, String path, WatchListener listener) {
        byKind.get(kind).computeIfAbsent(path, p -> new LinkedHashSet<>()).add(listener);
    }

    /** The listeners a notification reaches, removing the one-shot ones it consumes. */
    Collection<WatchListener> trigger(WatchEventType type, String path) {
        Set<WatchListener> out = new LinkedHashSet<>();
        switch (type) {
            case NODE_CREATED, NODE_DATA_CHANGED -> {
                take(Kind.DATA, path, out);
                take(Kind.EXIST, path, out);
            }
            case NODE_DELETED -> {
                take(Kind.DATA, path, out);
                take(Kind.EXIST, path, out);
                take(Kind.CHILD, path, out);
            }
            case NODE_CHILDREN_CHANGED -> take(Kind.CHILD, path, out);
            default -> {
                return out;
            }
        }
        Set<WatchListener> persistent = byKind.get(Kind.PERSISTENT).get(path);
        if (persistent != null) {
            out.addAll(persistent);
        }
        if (type != WatchEventType.NODE_CHILDREN_CHANGED) {
            Map<String, Set<WatchListener>> recursive = byKind.get(Kind.RECURSIVE);
            for (String p = path; ; p = Paths.parent(p)) {
                Set<WatchListener> r = recursive.get(p);
                if (r != null) {
                    out.addAll(r);
                }
                if (p.equals("/")) {
                    break;
                }
            }
        }
        return out;
    }

    private void take(Kind kind, String path, Set<WatchListener> out) {
        Set<WatchListener> s = byKind.get(kind).remove(path);
        if (s != null) {
            out.addAll(s);
        }
    }

    /**
     * Removes {@code listener} (or every listener when null) from the given kinds at {@code path}.
     *
     * @return the removed listeners, per kind, in kind order
     */
    Map<Kind, Set<WatchListener>> remove(String path, List<Kind> kinds, WatchListener listener) {
        Map<Kind, Set<WatchListener>> removed = new HashMap<>();
        for (Kind k : kinds) {
            Map<String, Set<WatchListener>> m = byKind.get(k);
            Set<WatchListener> s = m.get(path);
            if (s == null) {
                continue;
            }
            if (listener == null) {
                removed.put(k, m.remove(path));
            } else if (s.remove(listener)) {
                removed.put(k, Set.of(listener));
                if (s.isEmpty()) {
                    m.remove(path);
                }
            }
        }
        return removed;
    }

    boolean has(Kind kind, String path) {
        return byKind.get(kind).containsKey(path);
    }

    /** Paths with watches of a kind, for SetWatches2 after a reconnect. */
    List<String> paths(Kind kind) {
        return new ArrayList<>(byKind.get(kind).keySet());
    }

    boolean isEmpty() {
        return byKind.values().stream().allMatch(Map::isEmpty);
    }

    void clear() {
        byKind.values().forEach(Map::clear);
    }
}
