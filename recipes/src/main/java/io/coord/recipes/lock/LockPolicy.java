package io.coord.recipes.lock;

import java.util.List;

/** Decides whether a contender may hold the lock now, and if not whom it waits for. */
@FunctionalInterface
interface LockPolicy {
    /**
     * @param sorted  the lock's contender nodes in sequence order
     * @param ourName this contender's node name (in {@code sorted})
     * @return null when this contender holds the lock, else the name of the node to wait for
     */
    String blocker(List<String> sorted, String ourName);

    /** Plain mutual exclusion: only the first contender holds it; each waits for its predecessor. */
    LockPolicy EXCLUSIVE = (sorted, ourName) -> {
        int i = sorted.indexOf(ourName);
        return i <= 0 ? null : sorted.get(i - 1);
    };
}
