package io.coord.server.storage;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;
import org.mapdb.BTreeMap;
import org.mapdb.DB;

/**
 * A snapshot opened read-only for recovery. Nodes are streamed from the file in key order
 * ({@link String#compareTo}); nothing is materialised. Close it when loading is done.
 */
public final class LoadedSnapshot implements AutoCloseable {

    private final Path file;
    private final DB db;
    private final BTreeMap<String, byte[]> nodes;
    private final long zxid;
    private final long nodeCount;
    private final byte[] sessions;

    LoadedSnapshot(Path file, DB db, BTreeMap<String, byte[]> nodes, long zxid, long nodeCount, byte[] sessions) {
        this.file = file;
        this.db = db;
        this.nodes = nodes;
        this.zxid = zxid;
        this.nodeCount = nodeCount;
        this.sessions = sessions;
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

    /** Every node in ascending key order, streamed from the file; valid until {@link #close()}. */
    public Iterator<Map.Entry<String, byte[]>> nodes() {
        return nodes.entryIterator();
    }

    /** Streams every node to action in ascending key order. */
    public void forEachNode(BiConsumer<String, byte[]> action) {
        var it = nodes.entryIterator();
        while (it.hasNext()) {
            Map.Entry<String, byte[]> e = it.next();
            action.accept(e.getKey(), e.getValue());
        }
    }

    @Override
    public void close() {
        if (!db.isClosed()) {
            db.close();
        }
    }
}
