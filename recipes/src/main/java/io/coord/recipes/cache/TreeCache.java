package io.coord.recipes.cache;

import io.coord.client.ConnectionState;
import io.coord.client.CoordClient;
import io.coord.client.CoordException;
import io.coord.client.CoordException.NoNodeException;
import io.coord.client.DataResult;
import io.coord.client.WatchEvent;
import io.coord.client.WatchListener;
import io.coord.client.WatchMode;
import io.coord.client.WatchType;
import io.coord.recipes.Blocking;
import io.coord.recipes.Deadline;
import io.coord.recipes.Nodes;
import io.coord.recipes.SerialWorker;
import io.coord.recipes.SessionGuard;
import io.coord.recipes.cache.CacheEvent.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local copy of a subtree (the root and descendants up to {@code maxDepth} below it), kept
 * current through one persistent recursive watch. Each event is answered by reading the node
 * again, so the copy converges on the server's state (fast successive changes may be reported as
 * one). After a reconnect, or a new session, the whole subtree is read again and the differences
 * are reported as events. Listeners run on the cache's own thread, in order.
 */
public class TreeCache implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TreeCache.class);
    private static final long RETRY_MS = 200;
    private static final int MAX_QUEUED_EVENTS = 10_000;
    private final CoordClient client;
    private final String root;
    private final int maxDepth;
    private final ConcurrentSkipListMap<String, ChildData> nodes = new ConcurrentSkipListMap<>();
    private final List<CacheListener> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> initialized = new CompletableFuture<>();
    private final Blocking blocking;
    private final AtomicBoolean overflowed = new AtomicBoolean();
    private final SerialWorker worker;
    private final WatchListener watcher = this::onWatch;
    private SessionGuard guard;
    private volatile boolean closed;

    public TreeCache(CoordClient client, String root) {
        this(client, root, Integer.MAX_VALUE);
    }

    /** @param maxDepth how deep below the root to cache (0: the root only) */
    public TreeCache(CoordClient client, String root, int maxDepth) {
        if (maxDepth < 0) {
            throw new IllegalArgumentException("maxDepth must be >= 0");
        }
        this.client = client;
        this.root = Nodes.checkPath(root);
        this.maxDepth = maxDepth;
        this.worker = new SerialWorker("tree-cache " + root, MAX_QUEUED_EVENTS);
        this.blocking = new Blocking(client, "cache " + root);
    }

    public String root() {
        return root;
    }

    public void addListener(CacheListener listener) {
        listeners.add(listener);
    }

    public void removeListener(CacheListener listener) {
        listeners.remove(listener);
    }

    /** Starts watching and loading in the background; see {@link #awaitInitialized}. */
    public synchronized TreeCache start() {
        if (guard != null || closed) {
            throw new IllegalStateException("already started or closed");
        }
        guard = new SessionGuard(client, this::onSession);
        worker.submit(this::installAndLoad);
        return this;
    }

    /**
     * Waits for the initial load; false when the time ran out.
     *
     * @throws io.coord.recipes.ClientClosedException when the client is closed before the load is done
     */
    public boolean awaitInitialized(long timeout, TimeUnit unit) throws InterruptedException {
        return blocking.await(initialized, Deadline.after(Math.max(0, timeout), unit));
    }

    /** The cached node at {@code path}, if present. */
    public Optional<ChildData> get(String path) {
        return Optional.ofNullable(nodes.get(path));
    }

    /** The cached direct children of {@code path}, by name. */
    public Map<String, ChildData> children(String path) {
        Map<String, ChildData> out = new TreeMap<>();
        String prefix = path.equals("/") ? "/" : path + "/";
        for (Map.Entry<String, ChildData> e : nodes.tailMap(prefix, false).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            String rest = e.getKey().substring(prefix.length());
            if (!rest.isEmpty() && rest.indexOf('/') < 0) {
                out.put(rest, e.getValue());
            }
        }
        return out;
    }

    /** A copy of everything cached, by path. */
    public NavigableMap<String, ChildData> snapshot() {
        return new TreeMap<>(nodes);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (guard != null) {
            guard.close();
        }
        worker.close();
        WatchType type = maxDepth == 0 ? WatchType.PERSISTENT : WatchType.PERSISTENT_RECURSIVE;
        client.removeWatchesAsync(root, type, watcher).exceptionally(e -> null);
    }

    // ---- worker side ----

    private void installAndLoad() {
        if (closed) {
            return;
        }
        try {
            client.addWatch(root, maxDepth == 0 ? WatchMode.PERSISTENT : WatchMode.PERSISTENT_RECURSIVE, watcher);
            fullSync();
            if (!initialized.isDone()) {
                // Listeners hear INITIALIZED before awaitInitialized returns, so one added after it never does.
                fire(new CacheEvent(Type.INITIALIZED, null, null));
                initialized.complete(null);
            }
        } catch (CoordException e) {
            retryLater(this::installAndLoad, e);
        }
    }

    private void retryLater(Runnable task, CoordException e) {
        log.debug("cache {} step failed ({}); retrying", root, e.getMessage());
        CompletableFuture.delayedExecutor(RETRY_MS, TimeUnit.MILLISECONDS).execute(() -> {
            if (!closed && !client.isClosed()) { // a closed client rejects every call: stop trying
                worker.submit(task);
            }
        });
    }

    private void onWatch(WatchEvent ev) {
        if (!worker.submit(() -> handle(ev))) {
            // Too many queued: remember to re-read everything once the backlog drains.
            overflowed.set(true);
            retryLater(this::resyncIfOverflowed, new CoordException.ConnectionLossException(root, "event backlog"));
        }
    }

    private void resyncIfOverflowed() {
        if (overflowed.getAndSet(false)) {
            try {
                fullSync();
            } catch (CoordException e) {
                overflowed.set(true);
                retryLater(this::resyncIfOverflowed, e);
            }
        }
    }

    private void handle(WatchEvent ev) {
        if (closed || depth(ev.path()) > maxDepth) {
            return;
        }
        try {
            switch (ev.type()) {
                case NODE_CREATED, NODE_DATA_CHANGED -> refresh(ev.path());
                case NODE_DELETED -> removeSubtree(ev.path());
                default -> { }
            }
        } catch (CoordException e) {
            retryLater(this::fullSyncQuietly, e);
        }
    }

    private void refresh(String path) {
        try {
            DataResult d = client.getData(path);
            put(new ChildData(path, d.data(), d.stat()));
        } catch (NoNodeException e) {
            removeSubtree(path);
        }
    }

    private void put(ChildData now) {
        ChildData old = nodes.put(now.path(), now);
        if (old == null) {
            fire(new CacheEvent(Type.NODE_ADDED, now, null));
        } else if (now.differsFrom(old)) {
            fire(new CacheEvent(Type.NODE_UPDATED, now, old));
        }
    }

    private void removeSubtree(String path) {
        List<String> doomed = new ArrayList<>();
        String prefix = path.equals("/") ? "/" : path + "/";
        for (String p : nodes.tailMap(path, true).keySet()) {
            if (!p.equals(path) && !p.startsWith(prefix)) {
                break;
            }
            doomed.add(p);
        }
        doomed.sort(Comparator.reverseOrder()); // children before their parent
        for (String p : doomed) {
            ChildData old = nodes.remove(p);
            if (old != null) {
                fire(new CacheEvent(Type.NODE_REMOVED, null, old));
            }
        }
    }

    private void fullSyncQuietly() {
        try {
            fullSync();
        } catch (CoordException e) {
            retryLater(this::fullSyncQuietly, e);
        }
    }

    /** Reads the whole subtree and reports how it differs from the copy. */
    private void fullSync() {
        TreeMap<String, ChildData> fresh = new TreeMap<>();
        walk(root, 0, fresh);
        for (String p : new ArrayList<>(nodes.descendingKeySet())) {
            if (!fresh.containsKey(p)) {
                ChildData old = nodes.remove(p);
                if (old != null) {
                    fire(new CacheEvent(Type.NODE_REMOVED, null, old));
                }
            }
        }
        for (ChildData d : fresh.values()) {
            put(d);
        }
    }

    private void walk(String path, int depth, Map<String, ChildData> into) {
        try {
            DataResult d = client.getData(path);
            into.put(path, new ChildData(path, d.data(), d.stat()));
            if (depth < maxDepth && d.stat().numChildren() > 0) {
                for (String child : client.getChildren(path).children()) {
                    walk(Nodes.join(path, child), depth + 1, into);
                }
            }
        } catch (NoNodeException e) {
            // Deleted while we walked: absent, as the server now says.
        }
    }

    private int depth(String path) {
        if (path.equals(root)) {
            return 0;
        }
        String rest = path.substring(root.equals("/") ? 1 : root.length() + 1);
        int d = 1;
        for (int i = 0; i < rest.length(); i++) {
            if (rest.charAt(i) == '/') {
                d++;
            }
        }
        return d;
    }

    private void onSession(ConnectionState state) {
        switch (state) {
            case SUSPENDED -> worker.submit(() -> fire(new CacheEvent(Type.CONNECTION_SUSPENDED, null, null)));
            case RECONNECTED -> worker.submit(() -> {
                fire(new CacheEvent(Type.CONNECTION_RECONNECTED, null, null));
                fullSyncQuietly();
            });
            case LOST -> worker.submit(() -> fire(new CacheEvent(Type.CONNECTION_LOST, null, null)));
            // A new session has no watches: subscribe again and re-read.
            case CONNECTED -> worker.submit(this::installAndLoad);
            default -> { }
        }
    }

    private void fire(CacheEvent event) {
        for (CacheListener l : listeners) {
            try {
                l.event(event);
            } catch (RuntimeException e) {
                log.warn("cache listener failed on {}", event.type(), e);
            }
        }
    }
}
