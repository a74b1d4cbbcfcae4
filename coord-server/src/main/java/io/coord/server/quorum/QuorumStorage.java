package io.coord.server.quorum;

import io.coord.server.pipeline.MemberState;
import io.coord.server.pipeline.ZabStorage;
import io.coord.server.storage.MetaStore;
import io.coord.server.storage.SnapshotStore;
import io.coord.server.storage.TxnLog;
import io.coord.server.zab.StorageOp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable store under the ZAB core, on its own thread ("coord-zab-log"). Ops run strictly in
 * seq order; a batch is whatever is queued when the thread wakes up: appends are buffered, then
 * the log is forced once and the highest seq of the batch is reported (group commit). Ops that
 * must not overtake earlier appends on disk (epoch writes, snapshot installs) force the log first,
 * so what is durable is always a prefix of the op sequence.
 *
 * <ul>
 *   <li>AppendTxn: {@link TxnLog#append}.</li>
 *   <li>Truncate: {@link TxnLog#truncateAfter}.</li>
 *   <li>InstallSnapshot: written as a snapshot through {@link SnapshotStore}; then the whole log is
 *   dropped (later appends continue after the snapshot's zxid).</li>
 *   <li>PersistEpochs: {@link MetaStore} file {@value #EPOCHS_FILE} (acceptedEpoch, currentEpoch).</li>
 * </ul>
 * After an I/O failure nothing more is reported durable: the member stops acknowledging and the
 * ensemble carries on without it until an operator restarts it.
 */
public final class QuorumStorage implements ZabStorage, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumStorage.class);
    public static final String EPOCHS_FILE = "epochs";
    private static final int QUEUE_CAPACITY = 1 << 20;
    private static final int MAX_BATCH = 10_000;

    private final TxnLog log;
    private final SnapshotStore snapshots;
    private final MetaStore meta;
    private final int snapRetainCount;
    private final LongConsumer onPersisted;
    private final BlockingQueue<StorageOp> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean failed;
    private volatile long durableZxid;
    private long lastAppendedZxid;

    public QuorumStorage(TxnLog log, SnapshotStore snapshots, MetaStore meta, int snapRetainCount,
                         LongConsumer onPersisted) {
        this.log = log;
        this.snapshots = snapshots;
        this.meta = meta;
        this.snapRetainCount = snapRetainCount;
        this.onPersisted = onPersisted;
        this.durableZxid = log.lastZxid();
        this.thread = new Thread(this::run, "coord-zab-log");
    }

    public void start() {
        thread.start();
    }

    @Override
    public void submit(List<StorageOp> ops) {
        for (StorageOp op : ops) {
            try {
                queue.put(op);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while queueing a storage op", e);
            }
        }
    }

    @Override
    public long durableZxid() {
        return durableZxid;
    }

    public boolean failed() {
        return failed;
    }

    private void run() {
        List<StorageOp> batch = new ArrayList<>();
        while (running) {
            try {
                StorageOp first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null || failed) {
                    continue;
                }
                batch.clear();
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH);
                for (StorageOp op : batch) {
                    execute(op);
                }
                log.sync();
                durableZxid = lastAppendedZxid;
                onPersisted.accept(batch.get(batch.size() - 1).seq());
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (IOException | RuntimeException e) {
                failed = true;
                LOG.error("the member's log failed: it acknowledges nothing any more; stop it and check the disk", e);
            }
        }
    }

    private void execute(StorageOp op) throws IOException {
        if (op instanceof StorageOp.AppendTxn a) {
            log.append(a.zxid(), a.data());
            lastAppendedZxid = a.zxid();
        } else if (op instanceof StorageOp.Truncate t) {
            log.truncateAfter(t.afterZxid());
            lastAppendedZxid = Math.min(lastAppendedZxid, t.afterZxid());
        } else if (op instanceof StorageOp.InstallSnapshot s) {
            install(s);
        } else if (op instanceof StorageOp.PersistEpochs p) {
            log.sync();
            meta.write(EPOCHS_FILE, ByteBuffer.allocate(16).putLong(p.acceptedEpoch()).putLong(p.currentEpoch()).array());
        }
    }

    /**
     * The snapshot is made durable before the log is dropped, so a crash in between leaves the new
     * snapshot plus an old log whose entries up to its zxid are skipped at recovery.
     */
    private void install(StorageOp.InstallSnapshot s) throws IOException {
        log.sync();
        if (s.zxid() > 0) {
            MemberState.Blob blob = MemberState.decodeBlob(s.state());
            snapshots.write(s.zxid(), blob.nodes().iterator(), blob.sessions());
        }
        log.truncateAfter(0);
        lastAppendedZxid = s.zxid();
        if (s.zxid() > 0) {
            snapshots.purge(snapRetainCount);
        }
        LOG.info("installed the leader's snapshot at zxid 0x{} and reset the log", Long.toHexString(s.zxid()));
    }

    /** Reads the durable epochs: {acceptedEpoch, currentEpoch}, {0, 0} for a fresh member. */
    public static long[] readEpochs(MetaStore meta) throws IOException {
        var bytes = meta.read(EPOCHS_FILE);
        if (bytes.isEmpty()) {
            return new long[] {0, 0};
        }
        ByteBuffer b = ByteBuffer.wrap(bytes.get());
        return new long[] {b.getLong(), b.getLong()};
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
