package io.coord.server.quorum;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.coord.server.storage.FlushPacer;
import io.coord.server.storage.HeldForceLogIo;
import io.coord.server.storage.MetaStore;
import io.coord.server.storage.SnapshotStore;
import io.coord.server.storage.TxnLog;
import io.coord.server.zab.StorageOp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log thread counts its group commit batches: how many, the ops in them, the largest. */
class QuorumStorageGroupCommitTest {

    @TempDir
    Path dir;

    @Test
    void batchesOfKnownSizesGiveTheirCountMeanAndMaximum() throws Exception {
        // A disk whose force can be held, so that ops queue up behind it and form one batch.
        HeldForceLogIo io = new HeldForceLogIo(10);
        List<Long> persisted = new CopyOnWriteArrayList<>();
        try (TxnLog log = TxnLog.open(dir, TxnLog.DEFAULT_SEGMENT_TARGET_BYTES, io)) {
            QuorumStorage storage = new QuorumStorage(log, new SnapshotStore(dir), new MetaStore(dir), 3,
                    new FlushPacer(0), persisted::add, (what, cause) -> { });
            storage.start();
            try {
                assertEquals(0, storage.groupCommitBatches());
                assertEquals(0, storage.groupCommitBatchMax());
                storage.submit(List.of(append(1)));
                await().atMost(Duration.ofSeconds(10)).until(() -> persisted.contains(1L));
                CountDownLatch release = new CountDownLatch(1);
                io.hold.set(release);
                storage.submit(List.of(append(2)));
                // The log thread is now forcing a batch of one; five more ops queue behind it.
                assertEquals(true, io.entered.await(10, TimeUnit.SECONDS));
                List<StorageOp> five = new ArrayList<>();
                for (long zxid = 3; zxid <= 7; zxid++) {
                    five.add(append(zxid));
                }
                storage.submit(five);
                io.hold.set(null);
                release.countDown();
                await().atMost(Duration.ofSeconds(10)).until(() -> persisted.contains(7L));
                await().atMost(Duration.ofSeconds(10)).until(() -> storage.groupCommitBatches() == 3);
                assertEquals(7, storage.groupCommitOps(), "1 + 1 + 5 ops");
                assertEquals(5, storage.groupCommitBatchMax());
                assertEquals(storage.fsyncCount(), storage.groupCommitBatches(), "one force per batch");
            } finally {
                storage.close();
            }
        }
    }

    private static StorageOp append(long zxid) {
        return new StorageOp.AppendTxn(zxid, zxid, new byte[] {(byte) zxid});
    }
}
