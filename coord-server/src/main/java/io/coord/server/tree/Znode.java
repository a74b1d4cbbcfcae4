package io.coord.server.tree;

import java.util.HashSet;
import java.util.Set;

/**
 * A live znode: its current immutable state (volatile, so the snapshot thread sees a complete
 * state) and its children's names (request thread only; snapshots never read them).
 */
final class Znode {
    volatile NodeState state;
    /** NodeHash of (path, state), so a change subtracts the old hash without rehashing data. */
    long hash;
    final Set<String> children = new HashSet<>(4);

    Znode(NodeState state) {
        this.state = state;
    }
}
