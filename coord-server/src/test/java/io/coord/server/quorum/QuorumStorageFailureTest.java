package io.coord.server.quorum;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.storage.DiskFullException;
import io.coord.server.storage.FaultyLogIo;
import io.coord.server.storage.FlushPacer;
import io.coord.server.storage.MetaStore;
import io.coord.server.storage.SnapshotStore;
import io.coord.server.storage.TxnLog;
import io.coord.server.zab.StorageOp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ensemble member's log thread fails stop: a member that cannot fsync must not linger. Only an
 * owner that rides out a full disk (the only voter) is told of it instead.
 */
class QuorumStorageFailureTest {

    @TempDir
    Path dir;

    @Test
    void failedFsyncIsFatal() throws Exception {
        FaultyLogIo io = new FaultyLogIo();
        List<Long> persisted = new CopyOnWriteArrayList<>();
        List<String> fatal = new CopyOnWriteArrayList<>();
        try (TxnLog log = TxnLog.open(dir, TxnLog.DEFAULT_SEGMENT_TARGET_BYTES, io)) {
            QuorumStorage storage = new QuorumStorage(log, new SnapshotStore(dir), new MetaStore(dir), 3,
                    new FlushPacer(0), persisted::add, (what, cause) -> fatal.add(what));
            storage.start();
            try {
                storage.submit(List.of(new StorageOp.AppendTxn(1, 1, new byte[] {1})));
                await().atMost(Duration.ofSeconds(10)).until(() -> persisted.contains(1L));
                io.forceFails.set(true);
                storage.submit(List.of(new StorageOp.AppendTxn(2, 2, new byte[] {2})));
                await().atMost(Duration.ofSeconds(10)).until(() -> !fatal.isEmpty());
            } finally {
                storage.close();
            }
        }
        assertEquals(1, fatal.size(), fatal.toString());
        assertEquals(List.of(1L), persisted, "the op whose fsync failed was never reported persisted");
    }

    @Test
    void fullDiskIsFatalForAMember() throws Exception {
        FaultyLogIo io = new FaultyLogIo();
        List<Long> persisted = new CopyOnWriteArrayList<>();
        List<String> fatal = new CopyOnWriteArrayList<>();
        try (TxnLog log = TxnLog.open(dir, TxnLog.DEFAULT_SEGMENT_TARGET_BYTES, io)) {
            QuorumStorage storage = new QuorumStorage(log, new SnapshotStore(dir), new MetaStore(dir), 3,
                    new FlushPacer(0), persisted::add, (what, cause) -> fatal.add(what));
            storage.start();
            try {
                io.full.set(true);
                storage.submit(List.of(new StorageOp.AppendTxn(1, 1, new byte[] {1})));
                await().atMost(Duration.ofSeconds(10)).until(() -> !fatal.isEmpty());
            } finally {
                storage.close();
            }
        }
        assertEquals(1, fatal.size());
        assertTrue(fatal.get(0).contains("out of space"), fatal.get(0));
        assertTrue(persisted.isEmpty());
    }

    @Test
    void aFullDiskIsReportedToAnOwnerThatRidesItOutAndWritingResumesAfterItsMark() throws Exception {
        FaultyLogIo io = new FaultyLogIo();
        List<Long> persisted = new CopyOnWriteArrayList<>();
        List<String> fatal = new CopyOnWriteArrayList<>();
        List<Long> fullAt = new CopyOnWriteArrayList<>();
        AtomicInteger roomAgain = new AtomicInteger();
        AtomicBoolean space = new AtomicBoolean();
        try (TxnLog log = TxnLog.open(dir, TxnLog.DEFAULT_SEGMENT_TARGET_BYTES, io)) {
            QuorumStorage storage = new QuorumStorage(log, new SnapshotStore(dir), new MetaStore(dir), 3,
                    new FlushPacer(0), persisted::add, (what, cause) -> fatal.add(what));
            storage.rideOutDiskFull(new QuorumStorage.DiskFullListener() {
                @Override
                public void onDiskFull(long durableZxid, DiskFullException cause) {
                    fullAt.add(durableZxid);
                }

                @Override
                public void onSpaceAvailable() {
                    roomAgain.incrementAndGet();
                }
            }, space::get);
            storage.start();
            try {
                storage.submit(List.of(new StorageOp.AppendTxn(1, 1, new byte[] {1})));
                await().atMost(Duration.ofSeconds(10)).until(() -> persisted.contains(1L));
                io.full.set(true);
                storage.submit(List.of(new StorageOp.AppendTxn(2, 2, new byte[] {2})));
                await().atMost(Duration.ofSeconds(10)).until(() -> !fullAt.isEmpty());
                assertEquals(List.of(1L), fullAt, "what is durable");
                assertTrue(storage.diskFull());
                // Queued before the owner's mark: taken back by the owner, so discarded.
                storage.submit(List.of(new StorageOp.AppendTxn(3, 3, new byte[] {3})));
                storage.resumeAfterDiskFull();
                // After the mark: waits until there is room, then is written.
                storage.submit(List.of(new StorageOp.AppendTxn(4, 2, new byte[] {4})));
                io.full.set(false);
                space.set(true);
                await().atMost(Duration.ofSeconds(10)).until(() -> persisted.contains(4L));
                assertEquals(1, roomAgain.get());
                assertEquals(1, storage.diskFullEvents());
                assertTrue(!storage.diskFull());
            } finally {
                storage.close();
            }
            List<Long> logged = new java.util.ArrayList<>();
            log.replay(0, (zxid, bytes) -> logged.add(zxid * 10 + bytes[0]));
            assertEquals(List.of(11L, 24L), logged, "zxid 1, then zxid 2 again with the new txn; nothing lost was written");
        }
        assertTrue(fatal.isEmpty(), fatal.toString());
        assertEquals(List.of(1L, 4L), persisted);
    }
}
