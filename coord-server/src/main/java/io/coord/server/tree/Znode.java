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
    /** Null while the node has no children: most znodes are leaves, and an empty set costs ~64 bytes. */
    private Set<String> children;

    Znode(NodeState state) {
        this.state = state;
    }

    int childCount() {
        return children == null ? 0 : children.size();
    }

    boolean hasChildren() {
        return children != null && !children.isEmpty();
    }

    void addChild(String name) {
        if (children == null) {
            children = new HashSet<>(4);
        }
        children.add(name);
    }

    void removeChild(String name) {
        if (children != null) {
            children.remove(name);
            if (children.isEmpty()) {
                children = null;
            }
        }
    }

    /** The children's names; a live view, empty when there are none. Request thread only. */
    Set<String> childNames() {
        return children == null ? Set.of() : children;
    }
}
