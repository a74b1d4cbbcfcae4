package io.coord.recipes.atomic;

import io.coord.client.CoordClient;
import io.coord.client.CoordException.NodeExistsException;
import io.coord.client.DataResult;
import io.coord.recipes.Nodes;
import io.coord.recipes.cache.CacheEvent;
import io.coord.recipes.cache.ChildData;
import io.coord.recipes.cache.NodeCache;
import io.coord.wire.CreateMode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A byte value shared by every client: a persistent node (created with a seed value), a local
 * copy kept by a {@link NodeCache}, and versioned updates. {@link #trySetValue} succeeds only if
 * nobody changed the value since it was read.
 */
public final class SharedValue implements AutoCloseable {
    private static final long INIT_TIMEOUT_MS = 15_000;
    private final CoordClient client;
    private final String path;
    private final byte[] seed;
    private final NodeCache cache;
    private final List<SharedValueListener> listeners = new CopyOnWriteArrayList<>();
    private final MarkedWrite writer;
    /** Fences of lost writes at the version being written (see MarkedWrite); guarded by this. */
    private final List<String> fences = new ArrayList<>();

    public SharedValue(CoordClient client, String path, byte[] seed) {
        this.client = client;
        this.path = Nodes.checkPath(path);
        this.seed = seed.clone();
        this.cache = new NodeCache(client, path);
        this.writer = new MarkedWrite(client, this.path);
        cache.addListener(this::onCache);
    }

    /** Creates the node with the seed if missing and loads it; blocks until loaded. */
    public SharedValue start() throws InterruptedException {
        Nodes.ensurePath(client, Nodes.parent(path));
        try {
            client.create(path, seed, Nodes.ACL, CreateMode.PERSISTENT);
        } catch (NodeExistsException e) {
            // Someone seeded it already.
        }
        cache.start();
        if (!cache.awaitInitialized(INIT_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("shared value " + path + " did not load in " + INIT_TIMEOUT_MS + " ms");
        }
        return this;
    }

    /** The value as last seen locally (the seed at version -1 if the node is gone). */
    public VersionedValue getValue() {
        return cache.current().map(d -> new VersionedValue(d.data(), d.stat().version()))
                .orElse(new VersionedValue(seed.clone(), -1));
    }

    /** Reads the value from the server, bypassing the local copy. */
    public VersionedValue readValue() {
        DataResult d = client.getData(path);
        return new VersionedValue(d.data(), d.stat().version());
    }

    /**
     * Sets the value if it is still at {@code previous.version()}; false when someone else changed
     * it first (read again and retry). True exactly when this call wrote it, even when its reply
     * was lost and others wrote since: the write is a {@link MarkedWrite}. A write that was lost
     * and fenced off is made again while the version is still {@code previous.version()}.
     */
    public synchronized boolean trySetValue(VersionedValue previous, byte[] newValue) {
        while (true) {
            switch (writer.write(newValue, previous.version(), fences)) {
                case APPLIED -> {
                    return true;
                }
                case CONFLICT -> {
                    // The version moved past the one our fences (if any) were made at.
                    writer.dropFences(fences);
                    return false;
                }
                case NOT_APPLIED -> { } // try again: the next write deletes the fence, or conflicts
            }
        }
    }

    /** Sets the value whatever it is now. */
    public void setValue(byte[] newValue) {
        client.setData(path, newValue, -1);
    }

    public void addListener(SharedValueListener listener) {
        listeners.add(listener);
    }

    private void onCache(CacheEvent e) {
        ChildData d = e.data();
        if (d != null && (e.type() == CacheEvent.Type.NODE_UPDATED || e.type() == CacheEvent.Type.NODE_ADDED)) {
            VersionedValue v = new VersionedValue(d.data(), d.stat().version());
            listeners.forEach(l -> l.valueChanged(v));
        }
    }

    @Override
    public void close() {
        cache.close();
    }
}
