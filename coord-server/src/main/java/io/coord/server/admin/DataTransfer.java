package io.coord.server.admin;

import io.coord.server.storage.SnapshotStore;
import io.coord.wire.Acl;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the AdminServer's {@code snapshot} and {@code restore} commands need from a running server.
 * Reads of the tree go through its request thread; a snapshot is taken as the periodic ones are.
 */
public interface DataTransfer {

    /** The ACL of {@code path} as the request thread sees it; null when the node does not exist. */
    CompletableFuture<List<Acl>> aclOf(String path);

    /** Takes a snapshot of the committed state (now or a little later); completes with its zxid once listed. */
    CompletableFuture<Long> takeSnapshot();

    /** Opens the listed snapshot of {@code zxid} for streaming. */
    SnapshotStore.OpenedSnapshot openSnapshot(long zxid) throws IOException;

    /** Where an uploaded snapshot is staged before it is verified (on the data directory's file system). */
    Path stagingDirectory();

    /**
     * Verifies {@code file} entirely, then makes the server serve it (blocking; not on an event loop).
     *
     * @param expectedCrc32c the whole-file CRC32C the uploader announced, or null
     * @throws io.coord.server.storage.CorruptFileException when the file does not verify (nothing was touched)
     * @throws UnsupportedOperationException when this server cannot restore (a member of an ensemble)
     */
    Restored restore(Path file, Integer expectedCrc32c) throws IOException;

    /** What a restore installed: the zxid the server now serves from, and the restored snapshot's own figures. */
    record Restored(long zxid, long snapshotZxid, long nodeCount, int sessionCount) {
    }
}
