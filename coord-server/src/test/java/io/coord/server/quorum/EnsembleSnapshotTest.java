package io.coord.server.quorum;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.CoordClient;
import io.coord.server.session.Clock;
import io.coord.server.storage.CorruptFileException;
import io.coord.server.storage.FlushPacer;
import io.coord.server.storage.MetaStore;
import io.coord.server.storage.SnapshotStore;
import io.coord.server.storage.TxnLog;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Periodic snapshots and purging in ensemble mode; the SNAP install is crash-safe. */
class EnsembleSnapshotTest {
    private static final int SNAP_COUNT = 100;
    private static final long SEGMENT_BYTES = 8 * 1024;

    @TempDir
    Path dir;

    private static void writeNodes(CoordClient c, int from, int count) throws Exception {
        CompletableFuture<?>[] all = new CompletableFuture<?>[count];
        for (int i = 0; i < count; i++) {
            all[i] = c.createAsync("/t/n" + (from + i), ("v" + (from + i)).getBytes(StandardCharsets.UTF_8),
                    Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        CompletableFuture.allOf(all).get();
    }

    private static boolean snapshotsAndLogPurged(Path data) throws Exception {
        List<Long> zxids = new SnapshotStore(data).listedZxids();
        long firstLogged = firstLoggedZxid(data);
        return zxids.size() >= 2 && zxids.size() <= 3 && (firstLogged & 0xffffffffL) > 1
                && firstLogged <= zxids.get(0) + 1;
    }

    @Test
    void membersSnapshotPurgeAndRestartFromARecentSnapshot() throws Exception {
        try (InProcessEnsemble e = new InProcessEnsemble(dir, 3, SNAP_COUNT, SEGMENT_BYTES)) {
            e.startAll();
            e.awaitServing(e.all());
            int writes = 1_200;
            int[] next = {writes};
            try (CoordClient c = InProcessEnsemble.client(e.connectString(1))) {
                c.create("/t", new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                writeNodes(c, 0, writes);
                for (int id = 1; id <= 3; id++) {
                    Path data = e.dataDir(id);
                    int member = id;
                    try {
                        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() -> {
                            // snapshots are taken (every 50..100 txns) and old ones are purged down to 3; the
                            // log is purged up to (and only up to) what the oldest retained snapshot covers
                            if (snapshotsAndLogPurged(data)) {
                                return true;
                            }
                            // A member snapshots only at a durable point between proposals: on a busy
                            // machine it may not have reached one yet, so give it more txns to do so.
                            writeNodes(c, next[0], 50);
                            next[0] += 50;
                            return false;
                        });
                    } catch (RuntimeException ex) {
                        throw new AssertionError("member " + member + ": snapshots " + new SnapshotStore(data).listedZxids()
                                + ", first logged zxid " + Long.toHexString(firstLoggedZxid(data)), ex);
                    }
                }
            }
            e.stop(2);
            Path data2 = e.dataDir(2);
            try (TxnLog log = TxnLog.open(data2, SEGMENT_BYTES)) {
                SnapshotStore snaps = new SnapshotStore(data2);
                MemberRecovery.Recovered r = MemberRecovery.recover(snaps, log, new MetaStore(data2), Clock.system(),
                        200, 2, new byte[32]);
                assertTrue(r.snapshotZxid() > 0, "recovers from a snapshot");
                assertTrue(r.zab().log().size() <= 2 * SNAP_COUNT + 10,
                        "a restart replays only the log after a recent snapshot, not " + r.zab().log().size());
            }
            e.start(2);
            e.awaitServing(e.all());
            assertEquals(e.dump(1, "/t"), e.dump(2, "/t"));
            assertEquals(next[0] + 1, e.dump(2, "/t").size());
        }
    }

    /** The first zxid of the oldest log segment (segment files are named log.[firstZxid hex]). */
    private static long firstLoggedZxid(Path data) throws Exception {
        try (var files = Files.walk(data)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("log."))
                    .mapToLong(n -> Long.parseUnsignedLong(n.substring(4), 16)).min().orElse(-1);
        }
    }

    @Test
    void aSnapInstallInterruptedAfterItsSnapshotIsFinishedAtStartUp() throws Exception {
        Path data = Files.createDirectories(dir.resolve("member"));
        MetaStore meta = new MetaStore(data);
        SnapshotStore snaps = new SnapshotStore(data);
        try (TxnLog log = TxnLog.open(data, SEGMENT_BYTES)) {
            oldHistory(snaps, log); // a log tail 6..9 the leader's state does not contain
            // Crash right after the leader's snapshot at 7 became durable, before the log reset.
            markInstall(meta, 7);
            snaps.write(7, java.util.Collections.emptyIterator(), new byte[0]);
            SnapInstall.finishInterrupted(meta, snaps, log);
            assertEquals(List.of(7L), snaps.listedZxids());
            assertEquals(0, countReplayed(log, 7), "the old tail after the installed snapshot is gone");
            assertEquals(0, meta.read(SnapInstall.MARKER).orElseThrow().length);
        }
    }

    /**
     * Regression (whole-member simulation, a bit flipped in a SNAP install's snapshot while a failed
     * write had left the install's marker set): start-up finished the install anyway, so the purge
     * dropped the damaged snapshot, kept the older one and the log was emptied: the member came back
     * at zxid 5 without the txns 6..9 its log held. Now it refuses, and the old state stays as it was.
     */
    @Test
    void aSnapInstallWhoseSnapshotIsDamagedIsRefusedAndTheOldStateKept() throws Exception {
        Path data = Files.createDirectories(dir.resolve("member"));
        MetaStore meta = new MetaStore(data);
        SnapshotStore snaps = new SnapshotStore(data);
        try (TxnLog log = TxnLog.open(data, SEGMENT_BYTES)) {
            oldHistory(snaps, log);
            markInstall(meta, 7);
            Path installed = snaps.write(7, java.util.Collections.emptyIterator(), new byte[0]);
            byte[] bytes = Files.readAllBytes(installed);
            bytes[bytes.length / 2] ^= 0x10;
            Files.write(installed, bytes);
            assertThrows(CorruptFileException.class, () -> SnapInstall.finishInterrupted(meta, snaps, log));
            assertEquals(List.of(5L, 7L), snaps.listedZxids());
            assertEquals(4, countReplayed(log, 5), "the log is kept");
            assertEquals(8, meta.read(SnapInstall.MARKER).orElseThrow().length, "the marker is kept");
        }
    }

    @Test
    void aSnapInstallInterruptedBeforeItsSnapshotLeavesTheOldStateAlone() throws Exception {
        Path data = Files.createDirectories(dir.resolve("member"));
        MetaStore meta = new MetaStore(data);
        SnapshotStore snaps = new SnapshotStore(data);
        try (TxnLog log = TxnLog.open(data, SEGMENT_BYTES)) {
            oldHistory(snaps, log);
            markInstall(meta, 8);
            SnapInstall.finishInterrupted(meta, snaps, log);
            assertEquals(List.of(5L), snaps.listedZxids());
            assertEquals(4, countReplayed(log, 5));
        }
    }

    @Test
    void aSnapInstallAtZxidZeroLeavesNoOlderSnapshot() throws Exception {
        Path data = dir.resolve("member");
        Files.createDirectories(data);
        MetaStore meta = new MetaStore(data);
        SnapshotStore snaps = new SnapshotStore(data);
        try (TxnLog log = TxnLog.open(data, SEGMENT_BYTES)) {
            snaps.write(5, java.util.Collections.emptyIterator(), new byte[0]);
            log.append(6, new byte[] {1});
            log.sync();
            List<Long> persisted = new java.util.concurrent.CopyOnWriteArrayList<>();
            QuorumStorage storage = new QuorumStorage(log, snaps, meta, 3, new FlushPacer(0), persisted::add);
            storage.start();
            try {
                storage.submit(List.of(new io.coord.server.zab.StorageOp.InstallSnapshot(1, 0,
                        io.coord.server.pipeline.MemberState.empty(Clock.system(), 200, 1, new byte[32]).encodeBlob(0))));
                await().atMost(Duration.ofSeconds(10)).until(() -> persisted.contains(1L));
            } finally {
                storage.close();
            }
            assertTrue(snaps.listedZxids().isEmpty(), "no snapshot of the old history survives");
            assertEquals(0, countReplayed(log, 0));
            assertFalse(snaps.loadNewestValid().isPresent());
        }
    }

    /** The marker a SNAP install of {@code zxid} writes first. */
    private static void markInstall(MetaStore meta, long zxid) throws Exception {
        SnapInstall.mark(meta, zxid);
    }

    /** A member's history before a SNAP install: a snapshot at 5 and the log tail 6..9. */
    private static void oldHistory(SnapshotStore snaps, TxnLog log) throws Exception {
        snaps.write(5, java.util.Collections.emptyIterator(), new byte[0]);
        for (long z = 6; z <= 9; z++) {
            log.append(z, new byte[] {1});
        }
        log.sync();
    }

    private static int countReplayed(TxnLog log, long after) throws Exception {
        int[] n = {0};
        log.replay(after, (z, b) -> n[0]++);
        return n[0];
    }
}
