package io.coord.recipes.cache;

/**
 * A change a cache saw. For node events {@code data} is the new state (null for REMOVED) and
 * {@code oldData} the previous one (null for ADDED); connection events carry neither.
 */
public record CacheEvent(Type type, ChildData data, ChildData oldData) {
    public enum Type {
        NODE_ADDED,
        NODE_UPDATED,
        NODE_REMOVED,
        /** The initial load finished: the cache now mirrors the server (sent once). */
        INITIALIZED,
        CONNECTION_SUSPENDED,
        /** Back in the same session; the cache re-reads and reports what changed meanwhile. */
        CONNECTION_RECONNECTED,
        /** The session was lost; the cache re-reads in the new session and reports the differences. */
        CONNECTION_LOST
    }

    /** The path of the node concerned, or null for INITIALIZED and connection events. */
    public String path() {
        return data != null ? data.path() : oldData != null ? oldData.path() : null;
    }
}
