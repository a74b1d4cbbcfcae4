package io.coord.recipes.discovery;

import io.coord.client.CoordClient;
import io.coord.recipes.cache.CacheEvent;
import io.coord.recipes.cache.ChildData;
import io.coord.recipes.cache.TreeCache;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A watched local list of one service's instances (a depth-1 {@link TreeCache} under BASE/NAME). */
public final class ServiceCache implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceCache.class);
    private final TreeCache tree;
    private final InstanceCodec codec = new InstanceCodec();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    ServiceCache(CoordClient client, String servicePath) {
        tree = new TreeCache(client, servicePath, 1);
        tree.addListener(this::onEvent);
    }

    public ServiceCache start() {
        tree.start();
        return this;
    }

    public boolean awaitInitialized(long timeout, TimeUnit unit) throws InterruptedException {
        return tree.awaitInitialized(timeout, unit);
    }

    /** The instances now known, by id; nodes that are not valid instance JSON are skipped. */
    public List<ServiceInstance> instances() {
        List<ServiceInstance> out = new ArrayList<>();
        for (ChildData d : tree.children(tree.root()).values()) {
            try {
                out.add(codec.decode(d.data()));
            } catch (IllegalArgumentException e) {
                log.debug("skipping {}: {}", d.path(), e.getMessage());
            }
        }
        out.sort(Comparator.comparing(ServiceInstance::id));
        return out;
    }

    /**
     * Runs {@code listener} whenever the instance list changes, in order, on the cache's own thread
     * (not the client's callback thread): it may make blocking calls, but delays later changes.
     */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    private void onEvent(CacheEvent e) {
        switch (e.type()) {
            case NODE_ADDED, NODE_UPDATED, NODE_REMOVED -> {
                if (!e.path().equals(tree.root())) {
                    listeners.forEach(Runnable::run);
                }
            }
            default -> { }
        }
    }

    @Override
    public void close() {
        tree.close();
    }
}
