package io.coord.server.quorum;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An ensemble member's log thread fails stop: a member that cannot fsync must not linger. */
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
}
