package io.coord.wire;

/** The {@code mode} of addWatch (106). */
public final class AddWatchMode {
    public static final int PERSISTENT = 0;
    /** Fires for the node and every descendant; never fires NodeChildrenChanged. */
    public static final int PERSISTENT_RECURSIVE = 1;

    private AddWatchMode() {
    }
}
