package io.coord.server.quorum;

import io.coord.server.storage.CorruptFileException;
import io.coord.server.storage.MetaStore;
import io.coord.server.storage.SnapshotStore;
import io.coord.server.storage.TxnLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The crash-safe steps of installing a snapshot as a member's whole durable state: a SNAP from the
 * leader ({@link QuorumStorage}'s log thread) or the AdminServer's restore on a stopped member. The
 * {@link MetaStore} marker {@value #MARKER} names the zxid first; then the snapshot is written
 * (none for zxid 0), every other snapshot is forgotten, the whole log is dropped and the marker is
 * cleared. A crash anywhere in between is finished or forgotten at start-up
 * ({@link #finishInterrupted}), so the old log is never replayed on top of the installed state.
 */
final class SnapInstall {
    private static final Logger LOG = LoggerFactory.getLogger(SnapInstall.class);
    /** MetaStore file: the zxid of a SNAP install in progress (8 bytes), empty when none is. */
    static final String MARKER = "snap-install";

    private SnapInstall() {
    }

    /** The first step: from here on a crash is finished or forgotten at start-up. */
    static void mark(MetaStore meta, long zxid) throws IOException {
        meta.write(MARKER, ByteBuffer.allocate(8).putLong(zxid).array());
    }

    /** The last step: the install is whole. */
    static void clear(MetaStore meta) throws IOException {
        meta.write(MARKER, new byte[0]);
    }

    /** The steps of an install after its snapshot is durable; repeating them is harmless. */
    static void complete(SnapshotStore snapshots, TxnLog log, long zxid) throws IOException {
        if (zxid > 0) {
            // Only the newest survives: the installed one, or a newer one of our own committed state,
            // which the leader's history extends just as well.
            snapshots.purge(1);
        } else {
            snapshots.deleteAll();
        }
        log.truncateAfter(0);
    }

    /**
     * Installs a snapshot as the whole durable state of a <em>stopped</em> member (the AdminServer's
     * restore), with the marker and steps of a SNAP install, so that a crash part-way is finished or
     * forgotten at start-up ({@link #finishInterrupted}). {@code zxid} must be above every
     * zxid the store and the log hold, so the new snapshot is the newest and no old log record is
     * ever replayed on top of it. A failure while the snapshot is written (damage found in
     * {@code nodes}) leaves the old state as it was.
     */
    static void installStopped(MetaStore meta, SnapshotStore snapshots, TxnLog log, long zxid,
                               Iterator<Map.Entry<String, byte[]>> nodes, byte[] sessions) throws IOException {
        log.sync();
        mark(meta, zxid);
        try {
            snapshots.write(zxid, nodes, sessions);
        } catch (IOException | RuntimeException e) {
            clear(meta);
            throw e;
        }
        complete(snapshots, log, zxid);
        clear(meta);
        LOG.info("installed a restored snapshot at zxid 0x{} and reset the log", Long.toHexString(zxid));
    }

    /**
     * Start-up: if a SNAP install was interrupted after its snapshot became durable (or it installed
     * zxid 0), finish it, so that the old log is not replayed after the leader's snapshot; if it was
     * interrupted before, forget it (the old snapshot and log are intact).
     *
     * @throws CorruptFileException if the installed snapshot is listed but damaged: finishing would
     *     drop the log for a snapshot that cannot be read, and start from an older one without the
     *     txns (acknowledged ones among them) that the log held after it
     */
    static void finishInterrupted(MetaStore meta, SnapshotStore snapshots, TxnLog log) throws IOException {
        Optional<byte[]> marker = meta.read(MARKER);
        if (marker.isEmpty() || marker.get().length != 8) {
            return;
        }
        long zxid = ByteBuffer.wrap(marker.get()).getLong();
        boolean listed = zxid != 0 && snapshots.listedZxids().contains(zxid);
        if (listed) {
            String problem = snapshots.checkListed(zxid);
            if (problem != null) {
                throw new CorruptFileException(snapshots.directory(), -1, "the SNAP install at zxid 0x"
                        + Long.toHexString(zxid) + " that a crash interrupted cannot be finished: its snapshot "
                        + problem + " (the log it would replace is kept)");
            }
        }
        if (zxid == 0 || listed) {
            LOG.warn("finishing the SNAP install at zxid 0x{} that a crash interrupted", Long.toHexString(zxid));
            complete(snapshots, log, zxid);
        } else {
            LOG.warn("a SNAP install at zxid 0x{} was interrupted before its snapshot was durable; ignoring it",
                    Long.toHexString(zxid));
        }
        clear(meta);
    }
}
