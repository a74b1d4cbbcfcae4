package io.coord.recipes.cache;

import io.coord.client.CoordClient;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A local copy of one node (typically a config node), kept current through a persistent watch;
 * listeners hear NODE_ADDED / NODE_UPDATED / NODE_REMOVED, INITIALIZED once, and connection
 * events, as for {@link TreeCache} (this is a tree cache of depth 0).
 */
public final class NodeCache implements AutoCloseable {
    private final TreeCache tree;

    public NodeCache(CoordClient client, String path) {
        tree = new TreeCache(client, path, 0);
    }

    public NodeCache start() {
        tree.start();
        return this;
    }

    public boolean awaitInitialized(long timeout, TimeUnit unit) throws InterruptedException {
        return tree.awaitInitialized(timeout, unit);
    }

    /** The node as last seen; empty when it does not exist. */
    public Optional<ChildData> current() {
        return tree.get(tree.root());
    }

    public void addListener(CacheListener listener) {
        tree.addListener(listener);
    }

    public void removeListener(CacheListener listener) {
        tree.removeListener(listener);
    }

    @Override
    public void close() {
        tree.close();
    }
}
