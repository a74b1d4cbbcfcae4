package io.coord.server.tree;

import io.coord.wire.Acl;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Streams snapshot entries through the per-node work that needs no tree bookkeeping (path
 * validation, decoding, the node object and its insert into the tree's concurrent node map) on a
 * second thread, so on a multi-core machine it overlaps with the loading thread's accounting and
 * child linking; each node is then handled by the thread that created it while it is still in
 * that core's cache. The tree is not yet published, so no other thread reads the map meanwhile. Batches keep the hand-off cost per node small; the bounded queue
 * keeps at most a few batches in memory. The source is read on that thread too. Entries come out in
 * input order, and a failure (bad path, bad bytes, an error of the source) is rethrown by
 * {@link #next()} at the position it happened, so the loader sees exactly what a sequential decode
 * would.
 */
final class SnapshotDecoder implements AutoCloseable {
    /**
     * One decoded node, already in the node map, with what the loader needs from it so it touches
     * only this record: its ACL list, path length + data length, ephemeral owner, and whether its
     * parent is the previous node's parent.
     */
    record Decoded(String path, Znode node, List<Acl> acl, int accountedBytes, long owner, boolean sameParent) {
    }

    private static final int BATCH = 1024;
    private static final int QUEUED_BATCHES = 8;

    /** A batch of nodes, or the failure that ended the stream (then {@code nodes} may be partial). */
    private record Batch(List<Decoded> nodes, Throwable failure, boolean last) {
    }

    private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
    private final Thread thread;
    private volatile boolean closed;
    private Batch current;
    private int index;

    private final ConcurrentHashMap<String, Znode> nodes;
    private String previousPath = "";

    SnapshotDecoder(SnapshotSource source, ConcurrentHashMap<String, Znode> nodes) {
        this.nodes = nodes;
        this.thread = new Thread(() -> produce(source), "coord-snapshot-decode");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private Decoded decode(String path, byte[] bytes, int offset, int length, NodeCodec.AclCache acls) {
        PathRules.validate(path, false);
        NodeState s = NodeCodec.decode(bytes, offset, length, acls);
        Znode z = new Znode(s);
        if (nodes.putIfAbsent(path, z) != null) {
            throw new IllegalArgumentException("duplicate path in snapshot: " + path);
        }
        int slash = path.lastIndexOf('/');
        boolean sameParent = slash > 0 && previousPath.length() > slash && previousPath.charAt(slash) == '/'
                && previousPath.regionMatches(0, path, 0, slash) && previousPath.indexOf('/', slash + 1) < 0;
        previousPath = path;
        return new Decoded(path, z, s.acl(), path.length() + s.dataLength(), s.ephemeralOwner(), sameParent);
    }

    /** Thrown inside the source's loop to stop it once the loader has gone away. */
    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super(null, null, false, false);
        }
    }

    private void produce(SnapshotSource source) {
        NodeCodec.AclCache acls = new NodeCodec.AclCache();
        List<List<Decoded>> batch = new ArrayList<>(1);
        batch.add(new ArrayList<>(BATCH));
        try {
            source.forEachNode((path, bytes, offset, length) -> {
                batch.get(0).add(decode(path, bytes, offset, length, acls));
                if (batch.get(0).size() == BATCH) {
                    putOrStop(new Batch(batch.get(0), null, false));
                    batch.set(0, new ArrayList<>(BATCH));
                }
            });
            put(new Batch(batch.get(0), null, true));
        } catch (Stopped e) {
            // the loader closed the decoder: nobody reads any more
        } catch (RuntimeException | Error e) {
            putQuietly(new Batch(batch.get(0), e, true));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void putOrStop(Batch b) {
        try {
            put(b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
        if (closed) {
            throw new Stopped();
        }
    }

    private void putQuietly(Batch b) {
        try {
            put(b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void put(Batch b) throws InterruptedException {
        while (!closed) {
            if (queue.offer(b, 50, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    /** The next node in input order, or null at the end; rethrows the decode thread's failure. */
    Decoded next() {
        while (true) {
            if (current != null && index < current.nodes().size()) {
                return current.nodes().get(index++);
            }
            if (current != null && current.last()) {
                if (current.failure() instanceof RuntimeException r) {
                    throw r;
                }
                if (current.failure() instanceof Error e) {
                    throw e;
                }
                return null;
            }
            try {
                current = queue.take();
                index = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while loading a snapshot", e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        queue.clear();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
