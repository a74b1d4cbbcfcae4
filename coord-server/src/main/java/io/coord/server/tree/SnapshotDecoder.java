package io.coord.server.tree;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Streams snapshot entries through the per-node work that needs no tree state (path validation,
 * decoding, hashing) on a second thread, so on a multi-core machine it overlaps with the map
 * inserts of the loading thread. Batches keep the hand-off cost per node small; the bounded queue
 * keeps at most a few batches in memory. Entries come out in input order, and a failure (bad path,
 * bad bytes, an iterator error) is rethrown by {@link #next()} at the position it happened, so the
 * loader sees exactly what a sequential decode would.
 */
final class SnapshotDecoder implements AutoCloseable {
    /** One decoded node: its path, state and {@link NodeHash}. */
    record Decoded(String path, NodeState state, long hash) {
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

    SnapshotDecoder(Iterator<? extends Map.Entry<String, byte[]>> entries) {
        this.thread = new Thread(() -> produce(entries), "coord-snapshot-decode");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    static Decoded decode(String path, byte[] bytes, NodeCodec.AclCache acls) {
        PathRules.validate(path, false);
        NodeState s = NodeCodec.decode(bytes, acls);
        // Strings cache their hash: computing it here takes it off the loading thread's map inserts.
        path.hashCode();
        return new Decoded(path, s, NodeHash.of(path, s));
    }

    private void produce(Iterator<? extends Map.Entry<String, byte[]>> entries) {
        List<Decoded> batch = new ArrayList<>(BATCH);
        NodeCodec.AclCache acls = new NodeCodec.AclCache();
        try {
            while (entries.hasNext() && !closed) {
                Map.Entry<String, byte[]> e = entries.next();
                batch.add(decode(e.getKey(), e.getValue(), acls));
                if (batch.size() == BATCH) {
                    put(new Batch(batch, null, false));
                    batch = new ArrayList<>(BATCH);
                }
            }
            put(new Batch(batch, null, true));
        } catch (RuntimeException | Error e) {
            putQuietly(new Batch(batch, e, true));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
