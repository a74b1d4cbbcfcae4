package io.coord.server.durability;

import io.coord.server.pipeline.RecoveredState;
import io.coord.server.session.Clock;
import io.coord.server.session.SessionTracker;
import io.coord.server.storage.SnapshotStore;
import io.coord.server.storage.TxnLog;
import io.coord.server.tree.DataTree;
import io.coord.server.txn.Txn;
import io.coord.server.txn.TxnApplier;
import io.coord.server.txn.TxnCodec;
import io.coord.server.txn.TxnEntry;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up: the newest valid snapshot, then every logged txn after it, through the same apply code
 * as live requests. Sessions come back with their timeouts; each restarts its expiry clock at
 * start-up (as in ZooKeeper), since clients could not reach the server while it was down.
 */
public final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private Recovery() {
    }

    /** Where recovery gets the txn log once the snapshot is loaded (it may still be opening). */
    @FunctionalInterface
    public interface LogSource {
        TxnLog get() throws IOException;
    }

    public static RecoveredState recover(SnapshotStore snapshots, TxnLog log, Clock clock, int tickTimeMs,
                                         long serverId, byte[] secret) throws IOException {
        return recover(snapshots, () -> log, clock, tickTimeMs, serverId, secret);
    }

    /**
     * As above, but the log is asked for only after the snapshot is loaded, so that opening it (a
     * check of every segment) can run meanwhile on another thread.
     */
    public static RecoveredState recover(SnapshotStore snapshots, LogSource logSource, Clock clock, int tickTimeMs,
                                         long serverId, byte[] secret) throws IOException {
        long started = System.nanoTime();
        Optional<Loaded> snap = snapshots.loadNewestValid(s -> {
            DataTree t = DataTree.fromSnapshot(sink -> s.forEachNodeBytes(sink::accept), s.nodeCount());
            SessionTracker restored = SessionTracker.restore(s.sessions(), clock, tickTimeMs, serverId, secret);
            return new Loaded(t, restored, s.zxid(), s.file().getFileName().toString());
        });
        DataTree tree = snap.map(Loaded::tree).orElseGet(DataTree::new);
        SessionTracker sessions = snap.isPresent() ? snap.get().sessions()
                : new SessionTracker(clock, tickTimeMs, serverId, secret);
        long snapZxid = snap.map(Loaded::zxid).orElse(0L);
        snap.ifPresent(s -> LOG.info("loaded snapshot {} ({} nodes, zxid 0x{}; read, checked and built in {} ms)",
                s.fileName(), tree.nodeCount(), Long.toHexString(snapZxid), (System.nanoTime() - started) / 1_000_000));
        TxnLog log = logSource.get();
        if (log.firstZxid() > 0 && log.firstZxid() > snapZxid + 1) {
            throw new IOException("the txn log starts at zxid 0x" + Long.toHexString(log.firstZxid())
                    + " but the newest valid snapshot ends at 0x" + Long.toHexString(snapZxid)
                    + ": transactions in between are missing");
        }
        long replayStarted = System.nanoTime();
        long[] last = {snapZxid};
        int[] replayed = {0};
        log.replay(snapZxid, (zxid, bytes) -> {
            TxnEntry e = TxnCodec.decode(bytes);
            TxnApplier.apply(tree, e.header(), e.txn());
            trackSession(sessions, e);
            last[0] = zxid;
            replayed[0]++;
        });
        // Clients could not reach a stopped server: give every session its full timeout again, as
        // ZooKeeper does, rather than the remainder it had when the snapshot was taken.
        for (long id : sessions.sessionTimeouts().keySet()) {
            sessions.touch(id);
        }
        LOG.info("recovered {} nodes, {} sessions, zxid 0x{} ({} txns replayed in {} ms) in {} ms", tree.nodeCount(),
                sessions.size(), Long.toHexString(last[0]), replayed[0], (System.nanoTime() - replayStarted) / 1_000_000,
                (System.nanoTime() - started) / 1_000_000);
        return new RecoveredState(tree, sessions, last[0]);
    }

    private record Loaded(DataTree tree, SessionTracker sessions, long zxid, String fileName) {
    }

    private static void trackSession(SessionTracker sessions, TxnEntry e) {
        long id = e.header().sessionId();
        if (e.txn() instanceof Txn.CreateSessionTxn c) {
            sessions.addSession(id, c.timeoutMs());
        } else if (e.txn() instanceof Txn.CloseSessionTxn) {
            sessions.remove(id);
        }
    }
}
