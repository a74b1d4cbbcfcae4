package io.coord.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A snapshot opened read-only for recovery. Nodes are streamed from the file once, in key order
 * ({@link String#compareTo}); nothing is materialised. A snapshot in the streaming format is
 * checked while it is read: damage surfaces from the node iterator as
 * {@link SnapshotFile.CorruptSnapshotException}, at the latest before it reports its end. Close
 * it when loading is done.
 */
public final class LoadedSnapshot implements AutoCloseable {

    private final Path file;
    private final long zxid;
    private final long nodeCount;
    private final byte[] sessions;
    private final Iterator<Map.Entry<String, byte[]>> nodes;
    private final AutoCloseable resource;
    private boolean nodesTaken;

    /** Receives one node; {@code bytes[offset, offset + length)} is valid only during the call. */
    @FunctionalInterface
    public interface NodeBytesConsumer {
        void accept(String key, byte[] bytes, int offset, int length);
    }

    LoadedSnapshot(Path file, long zxid, long nodeCount, byte[] sessions,
                   Iterator<Map.Entry<String, byte[]>> nodes, AutoCloseable resource) {
        this.file = file;
        this.zxid = zxid;
        this.nodeCount = nodeCount;
        this.sessions = sessions;
        this.nodes = nodes;
        this.resource = resource;
    }

    /** The zxid of the last txn reflected in this snapshot. */
    public long zxid() {
        return zxid;
    }

    /** The opaque sessions blob given to {@link SnapshotStore#write}. */
    public byte[] sessions() {
        return sessions.clone();
    }

    public long nodeCount() {
        return nodeCount;
    }

    public Path file() {
        return file;
    }

    /**
     * Every node in ascending key order, streamed from the file; valid until {@link #close()}.
     * May be called once: the file is read in a single pass.
     */
    public Iterator<Map.Entry<String, byte[]>> nodes() {
        if (nodesTaken) {
            throw new IllegalStateException("the nodes of " + file.getFileName() + " can be read once");
        }
        nodesTaken = true;
        return nodes;
    }

    /** Streams every node to action in ascending key order. */
    public void forEachNode(BiConsumer<String, byte[]> action) {
        var it = nodes();
        while (it.hasNext()) {
            Map.Entry<String, byte[]> e = it.next();
            action.accept(e.getKey(), e.getValue());
        }
    }

    /**
     * Streams every node to action in ascending key order without a copy of its bytes where the
     * format allows (the range may be part of a reused buffer). Like {@link #nodes()}, once only.
     */
    public void forEachNodeBytes(NodeBytesConsumer action) {
        Iterator<Map.Entry<String, byte[]>> it = nodes();
        if (it instanceof SnapshotFile.Reader r) {
            r.forEachRemaining(action);
            return;
        }
        while (it.hasNext()) {
            Map.Entry<String, byte[]> e = it.next();
            action.accept(e.getKey(), e.getValue(), 0, e.getValue().length);
        }
    }

    /** Reads whatever the loader left unread, so every check of the file has run. */
    void finishVerification() {
        nodesTaken = true;
        while (nodes.hasNext()) {
            nodes.next();
        }
    }

    @Override
    public void close() {
        try {
            resource.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("closing " + file, e);
        }
    }
}
