package io.coord.server.pipeline;

import io.coord.server.tree.TreeSnapshot;
import io.coord.server.zab.StorageOp;
import java.util.List;

/**
 * The durable store under the ZAB core: executes ops strictly in seq order on its own thread and
 * reports progress through the callback given at construction (highest seq durable with all before).
 */
public interface ZabStorage {
    void submit(List<StorageOp> ops);

    /**
     * After the storage reported a full disk and the owner took back every append after the durable
     * zxid: ops submitted before this call are discarded, later ones are written once there is room.
     */
    default void resumeAfterDiskFull() {
    }

    /** Highest zxid whose append is durable (for metrics). */
    long durableZxid();

    /** True while a snapshot started by {@link #snapshot} is still being written. */
    boolean snapshotInProgress();

    /**
     * Writes {@code view} (committed state at {@code view.zxid()}) with the sessions blob as a snapshot
     * in the background, closes the view, then purges old snapshots and the log they covered. The
     * caller takes the view only where every storage op issued so far is durable (the core's contract).
     */
    void snapshot(TreeSnapshot view, byte[] sessions);

    /**
     * As {@link #snapshot(TreeSnapshot, byte[])}, then {@code done} gets null once the snapshot is
     * listed in the store, or the failure (on the snapshot thread: it must not block). The default,
     * for stores that write nothing, reports at once.
     */
    default void snapshot(TreeSnapshot view, byte[] sessions, java.util.function.Consumer<Throwable> done) {
        snapshot(view, sessions);
        done.accept(null);
    }

    /** Log forces so far, their total and their longest duration (srvr/mntr). */
    long fsyncCount();

    long fsyncTotalMicros();

    long fsyncMaxMicros();

    /** Group commit: log forces that made a batch of ops durable (coord_group_commit_*). */
    default long groupCommitBatches() {
        return 0;
    }

    /** Ops made durable by those forces, all batches together. */
    default long groupCommitOps() {
        return 0;
    }

    /** The largest batch so far, in ops. */
    default long groupCommitBatchMax() {
        return 0;
    }

    /**
     * ZooKeeper's summaries this store measures, by ZooKeeper's name (fsynctime, snapshottime,
     * sync_processor_batch_size); none where nobody measures them.
     */
    default java.util.Map<String, io.coord.server.admin.MetricSummary> summaries() {
        return java.util.Map.of();
    }
}
