package io.coord.server.tree;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A live znode: its current immutable state (volatile, so the snapshot thread sees a complete
 * state) and its children's paths (request thread only; snapshots never read them).
 */
final class Znode {
    volatile NodeState state;
    /**
     * NodeHash of (path, state) while the tree tracks its digest, so a change subtracts the old
     * hash without rehashing data; 0 before that.
     */
    long hash;
    /** Null while the node has no children: most znodes are leaves. */
    private ChildPaths children;

    Znode(NodeState state) {
        this.state = state;
    }

    int childCount() {
        return children == null ? 0 : children.size();
    }

    boolean hasChildren() {
        return children != null && children.size() > 0;
    }

    /** Adds a child by its full path (share the node map's key: no copy is made). */
    void addChild(String childPath) {
        if (children == null) {
            children = new ChildPaths(0);
        }
        children.add(childPath);
    }

    void removeChild(String childPath) {
        if (children != null) {
            children.remove(childPath);
            if (children.size() == 0) {
                children = null;
            }
        }
    }

    /** A fresh list of the children's names, given this node's own path. Request thread only. */
    List<String> childNames(String ownPath) {
        return children == null ? new ArrayList<>() : children.names(ownPath);
    }

    /** Calls action with each child's full path. Request thread only. */
    void forEachChildPath(Consumer<String> action) {
        if (children != null) {
            children.forEach(action);
        }
    }
}
