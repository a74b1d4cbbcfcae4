package io.coord.server.tree;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A consistent view of a {@link DataTree} as it was at {@link DataTree#beginSnapshot(long)}, read
 * by one snapshot thread while the request thread keeps mutating the tree; several views may be open
 * at once, each recording its own pre-images. From begin until
 * {@link #close()} the tree records, before the first change of each path, that path's pre-image
 * (or a tombstone when the path did not exist). The reader prefers pre-images, reads the live
 * state otherwise, and re-checks for a pre-image afterwards: because the pre-image is published
 * before the live change, a live read that saw a post-begin state always finds the pre-image on
 * the re-check.
 */
public final class TreeSnapshot implements AutoCloseable {
    /** Marks "did not exist at begin"; compared by identity. */
    private static final NodeState TOMBSTONE =
            new NodeState(null, List.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0);

    private final DataTree tree;
    private final long zxid;
    private final ConcurrentHashMap<String, NodeState> preImages = new ConcurrentHashMap<>();
    private volatile boolean closed;

    TreeSnapshot(DataTree tree, long zxid) {
        this.tree = tree;
        this.zxid = zxid;
    }

    /** The zxid of the last txn applied when the snapshot began. */
    public long zxid() {
        return zxid;
    }

    /** Request thread: called before the first change of {@code path}; null = did not exist. */
    void recordPreImage(String path, NodeState before) {
        if (!preImages.containsKey(path)) {
            preImages.put(path, before == null ? TOMBSTONE : before);
        }
    }

    /** Number of paths changed since begin (how much extra memory the snapshot holds). */
    public int preImageCount() {
        return preImages.size();
    }

    /** The node states at begin, sorted by path (String order); safe to call from any one thread. */
    public Iterator<Map.Entry<String, NodeState>> sortedStates() {
        ensureOpen();
        // Live keys first, pre-image keys after: a path deleted while the live keys were being
        // listed has its pre-image published before the delete, so one of the two lists has it.
        List<String> paths = new ArrayList<>(tree.liveKeys());
        paths.addAll(preImages.keySet());
        Collections.sort(paths);
        return new StateIterator(paths);
    }

    /** The node bytes ({@link NodeCodec}) at begin, sorted by path. */
    public Iterator<Map.Entry<String, byte[]>> sortedNodes() {
        Iterator<Map.Entry<String, NodeState>> states = sortedStates();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return states.hasNext();
            }

            @Override
            public Map.Entry<String, byte[]> next() {
                Map.Entry<String, NodeState> e = states.next();
                return new AbstractMap.SimpleImmutableEntry<>(e.getKey(), NodeCodec.encode(e.getValue()));
            }
        };
    }

    /** The state of {@code path} at begin, or null when it did not exist. */
    private NodeState stateAtBegin(String path) {
        NodeState pre = preImages.get(path);
        if (pre == null) {
            NodeState live = tree.liveState(path);
            pre = preImages.get(path);
            if (pre == null) {
                return live;
            }
        }
        return pre == TOMBSTONE ? null : pre;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("snapshot at zxid 0x" + Long.toHexString(zxid) + " is closed");
        }
    }

    /** Ends recording of pre-images; may be called from the snapshot thread. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            tree.endSnapshot(this);
            preImages.clear();
        }
    }

    private final class StateIterator implements Iterator<Map.Entry<String, NodeState>> {
        private final List<String> paths;
        private int index;
        private Map.Entry<String, NodeState> next;

        StateIterator(List<String> paths) {
            this.paths = paths;
        }

        @Override
        public boolean hasNext() {
            while (next == null && index < paths.size()) {
                ensureOpen();
                String p = paths.get(index++);
                if (index > 1 && p.equals(paths.get(index - 2))) {
                    continue; // listed both live and as a pre-image
                }
                NodeState s = stateAtBegin(p);
                if (s != null) {
                    next = new AbstractMap.SimpleImmutableEntry<>(p, s);
                }
            }
            return next != null;
        }

        @Override
        public Map.Entry<String, NodeState> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Map.Entry<String, NodeState> e = next;
            next = null;
            return e;
        }
    }
}
