package io.coord.server.tree;

import java.util.Iterator;
import java.util.Map;

/**
 * Where {@link DataTree#fromSnapshot(SnapshotSource, long)} reads a tree from: every node as its
 * path and {@link NodeCodec} bytes, pushed to a sink. The bytes may be a range of a buffer the
 * source reuses, valid only during the call, so a snapshot file is decoded without a copy per node.
 */
@FunctionalInterface
public interface SnapshotSource {

    /** Receives one node; {@code bytes[offset, offset + length)} is valid only during the call. */
    @FunctionalInterface
    interface NodeSink {
        void accept(String path, byte[] bytes, int offset, int length);
    }

    /** Pushes every node, in the source's order, to sink (on the calling thread). */
    void forEachNode(NodeSink sink);

    /** A source over (path, bytes) entries. */
    static SnapshotSource of(Iterator<? extends Map.Entry<String, byte[]>> entries) {
        return sink -> {
            while (entries.hasNext()) {
                Map.Entry<String, byte[]> e = entries.next();
                byte[] bytes = e.getValue();
                sink.accept(e.getKey(), bytes, 0, bytes.length);
            }
        };
    }
}
