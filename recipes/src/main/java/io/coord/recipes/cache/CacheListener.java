package io.coord.recipes.cache;

/**
 * Receives a cache's events, in order, on the cache's own thread (one per cache, not the client's
 * callback thread). A listener may therefore make blocking client and recipe calls; but while it
 * runs, the cache applies no further events, so long work belongs on your own executor.
 */
@FunctionalInterface
public interface CacheListener {
    void event(CacheEvent event);
}
