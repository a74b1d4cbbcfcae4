package io.coord.recipes.cache;

/** Receives a cache's events, in order, on the cache's own thread. */
@FunctionalInterface
public interface CacheListener {
    void event(CacheEvent event);
}
