package io.coord.server.tools;

import io.coord.server.pipeline.MemberState;
import io.coord.server.quorum.QuorumStorage;
import io.coord.server.session.Clock;
import io.coord.server.session.SessionTracker;
import io.coord.server.storage.ForeignDataCheck;
import io.coord.server.storage.MetaStore;
import io.coord.server.storage.SnapshotStore;
import io.coord.server.tree.DataTree;
import io.coord.server.tree.TreeSnapshot;
import io.coord.server.txn.Txn;
import io.coord.server.txn.TxnApplier;
import io.coord.server.txn.TxnHeader;
import io.coord.wire.WireFormatException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code coord-admin import-zookeeper}: reads a stopped ZooKeeper's newest snapshot and the txn
 * logs after it, applies the txns to the tree through Coord's own {@link TxnApplier}, and writes
 * the result as one Coord snapshot through {@link SnapshotStore} — exactly what the server writes
 * and reads — with the same zxid, every node's Stat and ACL, and the sessions (with the passwords
 * their clients hold), so clients reattach as after a restart.
 *
 * <p>Everything is read and checked before anything is written: a damaged input leaves the target
 * untouched. The snapshot is written in a staging directory inside the target and moved into place
 * ({@code version-1}) at the end.
 */
public final class ZooKeeperImport {
    /** ZooKeeper derives a session's password from its id and this public constant. */
    private static final long ZK_PASSWORD_SEED = 0xB3415C00L;
    private static final int SNAPSHOT_TICK_MS = 2000;

    /** What was imported. */
    public record Result(long zxid, int nodeCount, int sessionCount, int txnsApplied, int opsAlreadyInSnapshot,
                         Path snapshotRead, long digest) {
    }

    private final Path zkDataDir;
    private final Path zkLogDir;
    private final boolean allowTornTail;
    private final PrintStream progress;
    private boolean ensembleMember;
    private final Map<Long, Integer> sessions = new HashMap<>();
    private DataTree tree;
    private long lastZxid;
    private int txnsApplied;
    private int opsSkipped;

    public ZooKeeperImport(Path zkDataDir, Path zkLogDir, boolean allowTornTail, PrintStream progress) {
        this.zkDataDir = zkDataDir;
        this.zkLogDir = zkLogDir;
        this.allowTornTail = allowTornTail;
        this.progress = progress;
    }

    /**
     * Writes the target for an ensemble member instead of a standalone server: the ensemble's
     * sessions blob (the passwords travel there, see MemberState) and the member's epochs, both
     * taken from the last zxid's epoch. Import on every member, or on one and start the others
     * empty: they elect the one with the data and sync from it.
     */
    public ZooKeeperImport forEnsembleMember() {
        this.ensembleMember = true;
        return this;
    }

    /** The password ZooKeeper gave session {@code sessionId} (its clients hold it). */
    static byte[] zooKeeperPassword(long sessionId) {
        byte[] password = new byte[SessionTracker.PASSWORD_LENGTH];
        new Random(sessionId ^ ZK_PASSWORD_SEED).nextBytes(password);
        return password;
    }

    /** Reads and checks everything, then writes target/version-1. */
    public Result run(Path target) throws IOException {
        if (ForeignDataCheck.holdsCoordData(target)) {
            throw new IOException(target + " already holds Coord data (version-1); import into an empty directory");
        }
        Result result = load();
        write(target);
        return result;
    }

    /** Reads the newest snapshot and the logs after it into the tree and session table. */
    Result load() throws IOException {
        TreeMap<Long, Path> snapshots = ZkSnapshotReader.list(zkDataDir);
        TreeMap<Long, Path> logs = ZkFiles.byZxid(zkLogDir, "log.");
        if (snapshots.isEmpty() && logs.isEmpty()) {
            throw new IOException("no ZooKeeper snapshot or txn log in " + ZkFiles.versionDir(zkDataDir)
                    + (zkLogDir.equals(zkDataDir) ? "" : " or " + ZkFiles.versionDir(zkLogDir)));
        }
        Path snapshotFile = null;
        if (snapshots.isEmpty()) {
            tree = new DataTree();
        } else {
            Map.Entry<Long, Path> newest = snapshots.lastEntry();
            snapshotFile = newest.getValue();
            loadSnapshot(newest.getValue(), newest.getKey());
        }
        progress.printf("snapshot %s: %d nodes, %d sessions, zxid 0x%x%n",
                snapshotFile == null ? "(none)" : snapshotFile, tree.nodeCount(), sessions.size(), lastZxid);
        for (Path log : logsAfter(logs, lastZxid)) {
            replay(log);
        }
        progress.printf("replayed %d txns; last zxid 0x%x; %d nodes, %d sessions%s%n", txnsApplied, lastZxid,
                tree.nodeCount(), sessions.size(), opsSkipped == 0 ? ""
                        : "; " + opsSkipped + " ops were already in the (fuzzy) snapshot");
        for (long owner : tree.sessionsWithEphemerals()) {
            if (!sessions.containsKey(owner)) {
                progress.printf("warning: ephemerals of session 0x%x, which ZooKeeper's files do not list as open: %s%n",
                        owner, tree.ephemerals(owner));
            }
        }
        return new Result(lastZxid, tree.nodeCount(), sessions.size(), txnsApplied, opsSkipped, snapshotFile,
                tree.digest());
    }

    private void loadSnapshot(Path file, long zxid) throws IOException {
        ZkSnapshotReader.ZkSnapshot snap = ZkSnapshotReader.read(file, zxid);
        try {
            tree = DataTree.fromSnapshot(snap.nodes().iterator(), snap.nodes().size());
        } catch (IllegalArgumentException | WireFormatException e) {
            throw new ZkFormatException(file, -1, "the tree it holds is not valid: " + e.getMessage());
        }
        sessions.putAll(snap.sessionTimeoutsMs());
        lastZxid = zxid;
    }

    /** As ZooKeeper picks them: every log starting after the snapshot, and the last one starting at or before it. */
    private static List<Path> logsAfter(TreeMap<Long, Path> logs, long snapZxid) {
        List<Path> picked = new ArrayList<>();
        Long floor = logs.floorKey(snapZxid);
        if (floor != null) {
            picked.add(logs.get(floor));
        }
        picked.addAll(logs.tailMap(snapZxid, false).values());
        return picked;
    }

    private void replay(Path file) throws IOException {
        try (ZkTxnLogReader reader = new ZkTxnLogReader(file)) {
            for (ZkTxnLogReader.Record r = reader.next(); r != null; r = reader.next()) {
                ZkTxnDecoder.Decoded d = ZkTxnDecoder.decode(file, r.offset(), r.bytes());
                long zxid = d.header().zxid();
                if (zxid <= lastZxid) {
                    continue; // already in the snapshot (or an earlier log)
                }
                checkFollows(file, r.offset(), zxid);
                apply(file, r.offset(), d.header(), d.txn());
                lastZxid = zxid;
                txnsApplied++;
            }
            if (reader.tornAt() >= 0) {
                if (!allowTornTail) {
                    throw new ZkFormatException(file, reader.tornAt(), "the last record is cut short (ZooKeeper "
                            + "stopped while writing it). ZooKeeper drops such a record at start-up; pass "
                            + "--allow-torn-tail to do the same");
                }
                progress.printf("dropped the torn record at the end of %s (offset %d)%n", file, reader.tornAt());
            }
        }
    }

    /** Within an epoch zxids follow one another; a new epoch starts its counter again. */
    private void checkFollows(Path file, long offset, long zxid) throws ZkFormatException {
        boolean sameEpoch = (zxid >>> 32) == (lastZxid >>> 32);
        if (sameEpoch ? zxid != lastZxid + 1 : (zxid >>> 32) < (lastZxid >>> 32)) {
            throw new ZkFormatException(file, offset, "txn 0x" + Long.toHexString(zxid) + " does not follow 0x"
                    + Long.toHexString(lastZxid) + ": transactions in between are missing");
        }
    }

    private void apply(Path file, long offset, TxnHeader h, Txn txn) throws ZkFormatException {
        try {
            if (txn instanceof Txn.MultiTxn m) {
                if (!m.failed()) {
                    m.txns().forEach(sub -> applyOne(h, sub));
                }
            } else if (txn instanceof Txn.CreateSessionTxn c) {
                sessions.put(h.sessionId(), c.timeoutMs());
            } else if (txn instanceof Txn.CloseSessionTxn) {
                List<String> ephemerals = new ArrayList<>(tree.ephemerals(h.sessionId()));
                ephemerals.sort(Comparator.naturalOrder());
                TxnApplier.apply(tree, h, new Txn.CloseSessionTxn(ephemerals));
                sessions.remove(h.sessionId());
            } else {
                applyOne(h, txn);
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new ZkFormatException(file, offset, "txn 0x" + Long.toHexString(h.zxid())
                    + " does not apply to the tree: " + e.getMessage());
        }
    }

    /**
     * Applies one change, skipping it when the snapshot already shows it: ZooKeeper's snapshots are
     * fuzzy (taken while txns apply), so the first txns after one may be in it already, and
     * ZooKeeper skips them the same way.
     */
    private void applyOne(TxnHeader h, Txn txn) {
        boolean fits;
        if (txn instanceof Txn.CreateTxn c) {
            fits = !tree.exists(c.path());
        } else if (txn instanceof Txn.DeleteTxn d) {
            fits = tree.exists(d.path()) && tree.childCount(d.path()) == 0;
        } else if (txn instanceof Txn.SetDataTxn s) {
            fits = tree.exists(s.path());
        } else if (txn instanceof Txn.SetACLTxn s) {
            fits = tree.exists(s.path());
        } else {
            return; // check, error: no change
        }
        if (fits && txn instanceof Txn.CreateTxn c) {
            // ZooKeeper's parentCVersion counts creations only (see ZkSnapshotReader); the tree
            // keeps the cversion clients see, which every create or delete moves up by one.
            int parentCVersion = tree.node(io.coord.server.tree.PathRules.parent(c.path())).cversion() + 1;
            TxnApplier.apply(tree, h, new Txn.CreateTxn(c.path(), c.data(), c.acl(), c.ephemeralOwner(), parentCVersion));
        } else if (fits) {
            TxnApplier.apply(tree, h, txn);
        } else {
            opsSkipped++;
        }
    }

    private void write(Path target) throws IOException {
        Files.createDirectories(target);
        Path stage = Files.createTempDirectory(target, ".coord-import-");
        try {
            SnapshotStore store = new SnapshotStore(stage);
            if (lastZxid > 0) {
                try (TreeSnapshot view = tree.beginSnapshot(lastZxid)) {
                    store.write(lastZxid, view.sortedNodes(), sessionsBlob());
                }
            } else {
                store.deleteAll(); // an empty manifest: Coord data with no txns, as a fresh ZooKeeper
            }
            if (ensembleMember) {
                long epoch = lastZxid >>> 32;
                new MetaStore(stage).write(QuorumStorage.EPOCHS_FILE,
                        ByteBuffer.allocate(16).putLong(epoch).putLong(epoch).array());
                Files.move(stage.resolve(QuorumStorage.EPOCHS_FILE), target.resolve(QuorumStorage.EPOCHS_FILE),
                        StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            Path finalDir = target.resolve(store.directory().getFileName());
            if (Files.isDirectory(finalDir)) {
                Files.delete(finalDir); // empty (it holds no Coord data, checked first); fails otherwise
            }
            Files.move(store.directory(), finalDir, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel dir = FileChannel.open(target, StandardOpenOption.READ)) {
                dir.force(true); // the rename is durable once the directory is
            }
            progress.printf("wrote %s (snapshot at zxid 0x%x)%n", finalDir, lastZxid);
        } finally {
            deleteRecursively(stage);
        }
    }

    /** The sessions with the passwords their clients hold, in the target's form. */
    private byte[] sessionsBlob() {
        SessionTracker tracker = new SessionTracker(Clock.system(), SNAPSHOT_TICK_MS, 0,
                SessionTracker.newSecret(new SecureRandom()));
        TreeMap<Long, Integer> sorted = new TreeMap<>(sessions);
        if (!ensembleMember) {
            sorted.forEach((id, timeoutMs) -> tracker.addSession(id, timeoutMs, zooKeeperPassword(id)));
            return tracker.serialize();
        }
        Map<Long, byte[]> passwords = new HashMap<>();
        sorted.forEach((id, timeoutMs) -> {
            tracker.addSession(id, timeoutMs);
            passwords.put(id, zooKeeperPassword(id));
        });
        return new MemberState(tree, tracker, passwords).encodeSessions();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    DataTree tree() {
        return tree;
    }

    Map<Long, Integer> sessions() {
        return sessions;
    }
}
