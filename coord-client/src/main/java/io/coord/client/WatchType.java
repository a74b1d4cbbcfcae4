package io.coord.client;

/** Which watches {@link CoordClient#removeWatches} removes. */
public enum WatchType {
    CHILDREN(io.coord.wire.WatcherType.CHILDREN),
    /** Data watches, including exists watches on a missing node. */
    DATA(io.coord.wire.WatcherType.DATA),
    ANY(io.coord.wire.WatcherType.ANY),
    PERSISTENT(io.coord.wire.WatcherType.PERSISTENT),
    PERSISTENT_RECURSIVE(io.coord.wire.WatcherType.PERSISTENT_RECURSIVE);

    private final int code;

    WatchType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
