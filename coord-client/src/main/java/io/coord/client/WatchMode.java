package io.coord.client;

/** The kind of subscription {@link CoordClient#addWatch} makes. */
public enum WatchMode {
    /** Fires for every change of the node and of its child list, until removed. */
    PERSISTENT(io.coord.wire.AddWatchMode.PERSISTENT),
    /** Fires for every change of the node and every descendant (never NODE_CHILDREN_CHANGED). */
    PERSISTENT_RECURSIVE(io.coord.wire.AddWatchMode.PERSISTENT_RECURSIVE);

    private final int code;

    WatchMode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
