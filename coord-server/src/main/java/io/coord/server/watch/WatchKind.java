package io.coord.server.watch;

/** The kinds of watch a watcher can hold on one path; several may coexist on the same path. */
public enum WatchKind {
    /** One-shot, set by getData (or exists on an existing node). */
    DATA(1, true),
    /** One-shot, set by exists on a missing node; waits for NodeCreated. */
    EXIST(2, true),
    /** One-shot, set by getChildren. */
    CHILD(4, true),
    /** addWatch mode 0: every event on exactly this path, until removed. */
    PERSISTENT(8, false),
    /** addWatch mode 1: created/deleted/data-changed on this path and below, until removed. */
    PERSISTENT_RECURSIVE(16, false);

    final int bit;
    final boolean oneShot;

    WatchKind(int bit, boolean oneShot) {
        this.bit = bit;
        this.oneShot = oneShot;
    }

    public boolean isOneShot() {
        return oneShot;
    }

    /** The kind for an addWatch request's mode: 0 persistent, 1 persistent recursive. */
    public static WatchKind forAddWatchMode(int mode) {
        return switch (mode) {
            case 0 -> PERSISTENT;
            case 1 -> PERSISTENT_RECURSIVE;
            default -> throw new IllegalArgumentException("unknown addWatch mode " + mode);
        };
    }
}
