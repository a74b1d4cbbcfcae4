package io.coord.server.quorum;

import io.coord.server.pipeline.MemberState;
import io.coord.server.session.Clock;
import io.coord.server.storage.CorruptFileException;
import io.coord.server.storage.LogIo;
import io.coord.server.storage.MetaStore;
import io.coord.server.storage.SnapshotStore;
import io.coord.server.storage.TxnLog;
import io.coord.server.tree.DataTree;
import io.coord.wire.WireFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A snapshot file that comes from outside the data directory (an online backup taken through the
 * AdminServer, uploaded for a restore): checked whole before anything uses it, and installed as a
 * stopped member's entire state.
 */
public final class SnapshotRestore {
    /** Sessions are decoded only to be checked: any tick and secret will do. */
    private static final int ANY_TICK_MS = 2000;
    private static final byte[] ANY_SECRET = new byte[32];

    private SnapshotRestore() {
    }

    /** A snapshot file that verified: its zxid, node and session counts, and the tree digest. */
    public record Verified(long zxid, long nodeCount, int sessionCount, long digest) {
    }

    /**
     * Reads all of {@code file}: the whole-file CRC32C (equal to {@code expectedCrc32c} unless null),
     * every block CRC, the end block and node count, then the structure: every node decodes, every
     * parent exists, the root is there (the tree is built), and the sessions blob decodes.
     *
     * @throws CorruptFileException naming the file (and offset where known) when any check fails
     */
    public static Verified verify(Path file, Integer expectedCrc32c, Clock clock) throws IOException {
        return SnapshotStore.loadFile(file, expectedCrc32c, s -> {
            try {
                DataTree tree = DataTree.fromSnapshot(sink -> s.forEachNodeBytes(sink::accept), s.nodeCount());
                MemberState state = MemberState.restore(tree, s.sessions(), clock, ANY_TICK_MS, 0, ANY_SECRET);
                return new Verified(s.zxid(), tree.nodeCount(), state.tracker.size(), tree.digest());
            } catch (IllegalArgumentException | WireFormatException e) {
                throw new CorruptFileException(file, "not a valid tree: " + e.getMessage(), e);
            }
        });
    }

    /**
     * Makes the data directories of a <em>stopped</em> member hold {@code file} (verified just
     * before) as their entire state, crash-safely (see {@link SnapInstall#installStopped}). The
     * snapshot is installed at a zxid above everything the directories hold (its own zxid when that
     * is higher already), so clients that saw the old state can reconnect and the old log is never
     * replayed on top. The file is read (and its checks run) once more while it is written.
     *
     * @return the zxid the member starts from
     */
    public static long install(Path dataDir, Path dataLogDir, Path file, Verified verified) throws IOException {
        MetaStore meta = new MetaStore(dataDir);
        SnapshotStore snapshots = new SnapshotStore(dataDir);
        try (TxnLog log = TxnLog.open(dataLogDir, TxnLog.DEFAULT_SEGMENT_TARGET_BYTES, LogIo.REAL)) {
            SnapInstall.finishInterrupted(meta, snapshots, log);
            List<Long> listed = snapshots.listedZxids();
            long held = Math.max(log.lastZxid(), listed.isEmpty() ? 0 : listed.get(listed.size() - 1));
            long zxid = Math.max(verified.zxid(), held + 1);
            SnapshotStore.loadFile(file, null, s -> {
                SnapInstall.installStopped(meta, snapshots, log, zxid, s.nodes(), s.sessions());
                return zxid;
            });
            return zxid;
        }
    }
}
