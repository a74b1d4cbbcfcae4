package io.coord.server.quorum;

import io.coord.server.admin.MetricSummary;
import io.coord.server.admin.SummaryRecorder;
import io.coord.server.pipeline.FatalHandler;
import io.coord.server.pipeline.MemberState;
import io.coord.server.pipeline.ZabStorage;
import io.coord.server.storage.DiskFullException;
import io.coord.server.storage.FlushPacer;
import io.coord.server.storage.MetaStore;
import io.coord.server.storage.SnapshotStore;
import io.coord.server.storage.TxnLog;
import io.coord.server.tree.TreeSnapshot;
import io.coord.server.zab.StorageOp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable store under the ZAB core, on its own thread ("coord-zab-log"). Ops run strictly in
 * seq order; a batch is whatever is queued when the thread wakes up: appends are buffered, then
 * the log is forced once and the highest seq of the batch is reported (group commit; under load
 * the {@link FlushPacer} lets the batch grow a little first). Ops that
 * must not overtake earlier appends on disk (epoch writes, snapshot installs) force the log first,
 * so what is durable is always a prefix of the op sequence.
 *
 * <ul>
 *   <li>AppendTxn: {@link TxnLog#append}.</li>
 *   <li>Truncate: {@link TxnLog#truncateAfter}.</li>
 *   <li>InstallSnapshot: the steps of {@link SnapInstall} (marker, snapshot through
 *   {@link SnapshotStore}, none for zxid 0; every other snapshot forgotten, the whole log dropped:
 *   later appends continue after the snapshot's zxid; marker cleared), so that a crash anywhere in
 *   between is finished at start-up and the old log can never be replayed on top of the leader's state.</li>
 *   <li>PersistEpochs: {@link MetaStore} file {@value #EPOCHS_FILE} (acceptedEpoch, currentEpoch).</li>
 * </ul>
 * The queue is bounded in bytes ({@link #DEFAULT_QUEUE_LIMIT_BYTES}): {@link #submit} (the request
 * thread) waits for room, which only the log thread's progress makes. The log thread never waits
 * for the request thread ({@code onPersisted} must not block), so the two never wait on each other.
 * Periodic snapshots of committed state ({@link #snapshot}) are written on a separate thread
 * ("coord-snapshot"); old snapshots beyond snapRetainCount are deleted and the log thread then purges
 * the segments they covered. Snapshot writes and installs never overlap (one lock).
 * Any failure on the log thread is fatal ({@link FatalHandler}): the member stops (a supervisor
 * restarts it, and it rejoins from its disk and the leader), so the rest of the ensemble carries
 * on without a member that holds a connection or a leadership it can no longer back with fsyncs.
 * A full log disk is fatal the same way unless the owner rides it out ({@link #rideOutDiskFull},
 * a member that is the only voter: nobody else could carry on): then the log thread reports what
 * is durable ({@link DiskFullListener#onDiskFull}), discards every op queued until the owner's
 * {@link #resumeAfterDiskFull()} mark (the owner has taken back everything after the durable
 * zxid), waits until the log directory has space again and says so
 * ({@link DiskFullListener#onSpaceAvailable}).
 */
public final class QuorumStorage implements ZabStorage, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumStorage.class);
    public static final String EPOCHS_FILE = "epochs";
    /**
     * Bytes of ops that may wait for the log thread: about 0.6 s of writing at 100 MB/s, far more
     * than one group commit batch ({@value #MAX_BATCH} ops) takes, so a busy member's log thread
     * always finds a full batch, while a stalled disk holds up the request thread (and through its
     * backlog the clients and member links) before memory runs out.
     */
    public static final int DEFAULT_QUEUE_LIMIT_BYTES = 64 << 20;
    /** What an op costs in the queue besides its payload: bounds the count of small ops too. */
    private static final int OP_OVERHEAD_BYTES = 64;
    private static final int MAX_BATCH = 10_000;
    /** How often a log that ran out of space checks whether there is room again. */
    private static final long SPACE_CHECK_MS = 200;
    /** The owner's mark after a full disk: every op queued before it was taken back (compared by identity). */
    private static final StorageOp RESUME = new StorageOp.PersistEpochs(-1, -1, -1);

    /** An owner that survives a full log disk instead of stopping (log-thread callbacks; must not block). */
    public interface DiskFullListener {
        /**
         * The log ran out of space: every append up to {@code durableZxid} is durable, every later
         * one is gone, and ops are discarded until {@link #resumeAfterDiskFull()}.
         */
        void onDiskFull(long durableZxid, DiskFullException cause);

        /** After {@link #onDiskFull} and the owner's resume mark: the log directory has room again. */
        void onSpaceAvailable();
    }

    private final TxnLog log;
    private final SnapshotStore snapshots;
    private final MetaStore meta;
    private final int snapRetainCount;
    private final LongConsumer onPersisted;
    private final FlushPacer pacer;
    private final FatalHandler fatal;
    /** Bounded by {@link #room}. */
    private final BlockingQueue<StorageOp> queue = new LinkedBlockingQueue<>();
    /** Free bytes of the queue: taken by submit, given back as the log thread takes ops. */
    private final Semaphore room;
    private final int queueLimitBytes;
    private final LongSupplier nanos;
    private final Thread thread;
    private DiskFullListener diskFullListener;
    private BooleanSupplier spaceAvailable;
    private volatile boolean diskFull;
    private final AtomicLong diskFullEvents = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean failed;
    private volatile long durableZxid;
    private long lastAppendedZxid;
    private final Object snapshotLock = new Object();
    /** Null for a {@link #stepped} store, as is {@link #thread}. */
    private final ExecutorService snapshotThread;
    private final Executor snapshotRunner;
    /** The batch a {@link #stepped} store's turns reuse (the log thread has its own). */
    private final List<StorageOp> stepBatch = new ArrayList<>();
    private final AtomicBoolean snapshotRunning = new AtomicBoolean();
    private final AtomicLong purgeLogThrough = new AtomicLong(-1);
    private volatile long fsyncCount;
    private volatile long fsyncTotalNanos;
    private volatile long fsyncMaxNanos;
    /** Group commit figures (only the log thread writes them): batches forced, ops in them, largest batch. */
    private volatile long groupCommitBatches;
    private volatile long groupCommitOps;
    private volatile long groupCommitBatchMax;
    /**
     * ZooKeeper's summaries of the same events: fsynctime (ms per log force), sync_processor_batch_size
     * (ops per forced batch: ZooKeeper's SyncRequestProcessor group-commits as this log thread does)
     * and snapshottime (ms per snapshot written).
     */
    private final SummaryRecorder fsyncTimeMs = new SummaryRecorder(false);
    private final SummaryRecorder batchSizeOps = new SummaryRecorder(false);
    private final SummaryRecorder snapshotTimeMs = new SummaryRecorder(false);
    private volatile java.util.function.Supplier<Map<String, MetricSummary>> memberFigures = Map::of;
    /** ZooKeeper's sync processor figures of the queue to this log thread. */
    private final LogQueueFigures queueFigures = new LogQueueFigures();

    /** @param pacer how long the log thread may wait before a force under load (its thread only) */
    public QuorumStorage(TxnLog log, SnapshotStore snapshots, MetaStore meta, int snapRetainCount,
                         FlushPacer pacer, LongConsumer onPersisted) {
        this(log, snapshots, meta, snapRetainCount, pacer, onPersisted, FatalHandler.HALT);
    }

    /** @param fatal what the log thread does when a storage op fails */
    public QuorumStorage(TxnLog log, SnapshotStore snapshots, MetaStore meta, int snapRetainCount,
                         FlushPacer pacer, LongConsumer onPersisted, FatalHandler fatal) {
        this(log, snapshots, meta, snapRetainCount, pacer, onPersisted, fatal, System::nanoTime,
                DEFAULT_QUEUE_LIMIT_BYTES);
    }

    /**
     * @param onPersisted     called on the log thread with each durable seq; must never block
     * @param nanos           monotonic nanoseconds for fsync and snapshot timings
     * @param queueLimitBytes bytes of ops that may wait before {@link #submit} waits
     */
    public QuorumStorage(TxnLog log, SnapshotStore snapshots, MetaStore meta, int snapRetainCount,
                         FlushPacer pacer, LongConsumer onPersisted, FatalHandler fatal, LongSupplier nanos,
                         int queueLimitBytes) {
        this(log, snapshots, meta, snapRetainCount, pacer, onPersisted, fatal, nanos, queueLimitBytes, null);
    }

    /**
     * A store without threads of its own, for a deterministic simulation of the member: the owner
     * calls {@link #step()} wherever the log thread would take its next batch, and snapshots are
     * written by {@code snapshotRunner}. Everything else is as with the threads ({@link #start} must
     * not be called).
     */
    public static QuorumStorage stepped(TxnLog log, SnapshotStore snapshots, MetaStore meta, int snapRetainCount,
                                        LongConsumer onPersisted, FatalHandler fatal, LongSupplier nanos,
                                        Executor snapshotRunner) {
        return new QuorumStorage(log, snapshots, meta, snapRetainCount, new FlushPacer(0), onPersisted, fatal, nanos,
                DEFAULT_QUEUE_LIMIT_BYTES, snapshotRunner);
    }

    /** @param snapshotRunner null: the store's own log and snapshot threads; else {@link #stepped} */
    private QuorumStorage(TxnLog log, SnapshotStore snapshots, MetaStore meta, int snapRetainCount,
                          FlushPacer pacer, LongConsumer onPersisted, FatalHandler fatal, LongSupplier nanos,
                          int queueLimitBytes, Executor snapshotRunner) {
        if (queueLimitBytes < OP_OVERHEAD_BYTES) {
            throw new IllegalArgumentException("queueLimitBytes " + queueLimitBytes + " < " + OP_OVERHEAD_BYTES);
        }
        this.queueLimitBytes = queueLimitBytes;
        this.room = new Semaphore(queueLimitBytes);
        this.nanos = nanos;
        this.fatal = fatal;
        this.log = log;
        this.pacer = pacer;
        this.snapshots = snapshots;
        this.meta = meta;
        this.snapRetainCount = snapRetainCount;
        this.onPersisted = onPersisted;
        this.durableZxid = log.lastZxid();
        if (snapshotRunner == null) {
            this.thread = new Thread(this::run, "coord-zab-log");
            this.snapshotThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "coord-snapshot"));
            this.snapshotRunner = snapshotThread;
        } else {
            this.thread = null;
            this.snapshotThread = null;
            this.snapshotRunner = snapshotRunner;
        }
    }

    /**
     * Before {@link #start}: a full log disk is reported to {@code listener} instead of being fatal,
     * and writing resumes once {@code spaceAvailable} says there is room.
     */
    public void rideOutDiskFull(DiskFullListener listener, BooleanSupplier spaceAvailable) {
        this.diskFullListener = listener;
        this.spaceAvailable = spaceAvailable;
    }

    public void start() {
        if (thread == null) {
            throw new IllegalStateException("a stepped store has no log thread to start");
        }
        thread.start();
    }

    /**
     * After {@link DiskFullListener#onDiskFull}: the owner has taken back every append after the
     * durable zxid; ops queued before this mark are discarded, later ones wait until there is room.
     */
    @Override
    public void resumeAfterDiskFull() {
        queue.add(RESUME);
    }

    /** True while the log is out of space (srvr/mntr). */
    public boolean diskFull() {
        return diskFull;
    }

    /** Times the log ran out of space since start. */
    public long diskFullEvents() {
        return diskFullEvents.get();
    }

    /**
     * Queues ops in order, waiting while the queue is full. Once the log thread has failed, ops are
     * dropped instead (nothing will be reported durable again, and the member is going down).
     */
    @Override
    public void submit(List<StorageOp> ops) {
        for (StorageOp op : ops) {
            int cost = cost(op);
            try {
                while (!room.tryAcquire(cost, 100, TimeUnit.MILLISECONDS)) {
                    if (failed) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while queueing a storage op", e);
            }
            queueFigures.queued(op, nanos.getAsLong());
            queue.add(op);
        }
    }

    /** Queue bytes an op takes: its payload, capped so that one op larger than the queue still fits alone. */
    private int cost(StorageOp op) {
        long payload = 0;
        if (op instanceof StorageOp.AppendTxn a) {
            payload = a.data().length;
        } else if (op instanceof StorageOp.InstallSnapshot s) {
            payload = s.state().length;
        }
        return (int) Math.min(queueLimitBytes, OP_OVERHEAD_BYTES + payload);
    }

    /** Bytes of ops waiting for the log thread (tests, status). */
    public long queuedBytes() {
        return queueLimitBytes - room.availablePermits();
    }

    @Override
    public long durableZxid() {
        return durableZxid;
    }

    public boolean failed() {
        return failed;
    }

    @Override
    public boolean snapshotInProgress() {
        return snapshotRunning.get();
    }

    @Override
    public void snapshot(TreeSnapshot view, byte[] sessions) {
        snapshot(view, sessions, failure -> { });
    }

    @Override
    public void snapshot(TreeSnapshot view, byte[] sessions, java.util.function.Consumer<Throwable> done) {
        if (!snapshotRunning.compareAndSet(false, true)) {
            view.close();
            done.accept(new IllegalStateException("a snapshot is already being written"));
            return;
        }
        snapshotRunner.execute(() -> done.accept(writeSnapshot(view, sessions)));
    }

    /** Null when the snapshot was written and listed, else the failure. */
    private Throwable writeSnapshot(TreeSnapshot view, byte[] sessions) {
        Throwable failure = null;
        long started = nanos.getAsLong();
        try {
            long oldestKept;
            synchronized (snapshotLock) {
                snapshots.write(view.zxid(), view.sortedNodes(), sessions);
                view.close();
                oldestKept = snapshots.purge(snapRetainCount);
            }
            purgeLogThrough.accumulateAndGet(oldestKept, Math::max);
            long tookNanos = nanos.getAsLong() - started;
            snapshotTimeMs.record(tookNanos / 1e6);
            LOG.info("snapshot at zxid 0x{} written in {} ms", Long.toHexString(view.zxid()), tookNanos / 1_000_000);
        } catch (IOException | RuntimeException e) {
            LOG.error("snapshot at zxid 0x{} failed; the log still holds everything", Long.toHexString(view.zxid()), e);
            failure = e;
        } finally {
            view.close();
            snapshotRunning.set(false);
        }
        return failure;
    }

    @Override
    public long fsyncCount() {
        return fsyncCount;
    }

    @Override
    public long fsyncTotalMicros() {
        return fsyncTotalNanos / 1_000;
    }

    @Override
    public long fsyncMaxMicros() {
        return fsyncMaxNanos / 1_000;
    }

    @Override
    public long groupCommitBatches() {
        return groupCommitBatches;
    }

    @Override
    public long groupCommitOps() {
        return groupCommitOps;
    }

    @Override
    public long groupCommitBatchMax() {
        return groupCommitBatchMax;
    }

    private void countBatch(int ops) {
        groupCommitBatches++;
        groupCommitOps += ops;
        groupCommitBatchMax = Math.max(groupCommitBatchMax, ops);
        batchSizeOps.record(ops);
    }

    /**
     * The member's other summaries of its storage and threads, reported with this store's: the
     * start-up's load (MemberRecovery) and the JVM's pauses.
     */
    void reportAlso(java.util.function.Supplier<Map<String, MetricSummary>> figures) {
        this.memberFigures = figures;
    }

    @Override
    public Map<String, MetricSummary> summaries() {
        Map<String, MetricSummary> m = new java.util.HashMap<>(memberFigures.get());
        m.put("fsynctime", fsyncTimeMs.snapshot());
        m.put("sync_processor_batch_size", batchSizeOps.snapshot());
        m.put("snapshottime", snapshotTimeMs.snapshot());
        queueFigures.putSummaries(m);
        return m;
    }

    /** Forces the log, keeping fsync statistics (only this thread writes them); returns the nanoseconds it took. */
    private long force() throws IOException {
        long t0 = nanos.getAsLong();
        log.sync();
        long took = nanos.getAsLong() - t0;
        fsyncCount++;
        fsyncTotalNanos += took;
        fsyncMaxNanos = Math.max(fsyncMaxNanos, took);
        fsyncTimeMs.record(took / 1e6);
        return took;
    }

    private void run() {
        List<StorageOp> batch = new ArrayList<>();
        while (running && turn(batch, 100)) {
            // each turn takes one batch
        }
    }

    /**
     * For a {@link #stepped} store: one turn of the log thread without waiting (the pending purge,
     * then whatever is queued, as one group-committed batch). A failure goes to the fatal handler
     * as on the thread.
     */
    public void step() {
        if (thread != null) {
            throw new IllegalStateException("the store has its own log thread");
        }
        if (!failed) {
            turn(stepBatch, 0);
        }
    }

    /** One turn: waits up to {@code waitMs} for an op, writes the batch; false once the log failed for good. */
    private boolean turn(List<StorageOp> batch, long waitMs) {
        try {
            StorageOp first = waitMs > 0 ? queue.poll(waitMs, TimeUnit.MILLISECONDS) : queue.poll();
            if (failed) {
                return true;
            }
            long purge = purgeLogThrough.getAndSet(-1);
            if (purge > 0) {
                log.purgeBefore(purge);
            }
            if (first == null) {
                return true;
            }
            batch.clear();
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH);
            if (pacer.pause(batch.size())) {
                queue.drainTo(batch, MAX_BATCH - batch.size());
            }
            for (StorageOp op : batch) {
                room.release(cost(op));
            }
            queueFigures.taken(batch, queue.size(), nanos.getAsLong());
            try {
                for (StorageOp op : batch) {
                    long started = nanos.getAsLong();
                    execute(op);
                    queueFigures.processed(nanos.getAsLong() - started);
                }
                long forceNanos = force();
                pacer.forced(batch.size(), forceNanos);
                queueFigures.flushed(batch, forceNanos, nanos.getAsLong());
                countBatch(batch.size());
            } catch (DiskFullException e) {
                if (diskFullListener == null) {
                    throw e;
                }
                rideOut(e);
                return true;
            }
            durableZxid = lastAppendedZxid;
            onPersisted.accept(batch.get(batch.size() - 1).seq());
            return true;
        } catch (InterruptedException e) {
            return running;
        } catch (Throwable t) {
            failed = true;
            if (!running) {
                LOG.warn("the member's log failed while stopping: {}", t.toString());
                return false;
            }
            String what = DiskFullException.isDiskFull(t)
                    ? "the member's disk is out of space (" + t.getMessage() + ")"
                    : "the member's log failed (" + t + "); its writes cannot be made durable";
            fatal.fatal(what, t);
            return false;
        }
    }

    /**
     * The log is out of space and has cut itself back to its last durable record: report that,
     * discard ops until the owner's resume mark, then wait for room. Ops queued after the mark wait
     * in the queue meanwhile (the owner proposes nothing while the disk is full).
     */
    private void rideOut(DiskFullException e) throws InterruptedException {
        diskFull = true;
        diskFullEvents.incrementAndGet();
        lastAppendedZxid = log.lastZxid();
        durableZxid = lastAppendedZxid;
        LOG.error("the log is out of space ({}): appends after zxid 0x{} were dropped; writes are refused until "
                + "its directory has room again", e.getMessage(), Long.toHexString(durableZxid));
        diskFullListener.onDiskFull(durableZxid, e);
        StorageOp op;
        do {
            op = queue.poll(100, TimeUnit.MILLISECONDS);
            if (!running) {
                return;
            }
            if (op != null && op != RESUME) {
                room.release(cost(op));
            }
        } while (op != RESUME);
        while (!spaceAvailable.getAsBoolean()) {
            Thread.sleep(SPACE_CHECK_MS);
        }
        diskFull = false;
        LOG.info("the log's directory has room again; writes are accepted");
        diskFullListener.onSpaceAvailable();
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
            force();
            meta.write(EPOCHS_FILE, ByteBuffer.allocate(16).putLong(p.acceptedEpoch()).putLong(p.currentEpoch()).array());
        }
    }

    /**
     * The snapshot is made durable before the log is dropped (our log may hold acknowledged txns the
     * leader sends again after the snapshot). The marker makes the steps after it one unit: see
     * {@link SnapInstall}.
     */
    private void install(StorageOp.InstallSnapshot s) throws IOException {
        force();
        SnapInstall.mark(meta, s.zxid());
        synchronized (snapshotLock) {
            if (s.zxid() > 0) {
                MemberState.Blob blob = MemberState.decodeBlob(s.state());
                snapshots.write(s.zxid(), blob.nodes().iterator(), blob.sessions());
            }
            SnapInstall.complete(snapshots, log, s.zxid());
        }
        SnapInstall.clear(meta);
        lastAppendedZxid = s.zxid();
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
        if (thread == null) {
            running = false;
            return;
        }
        snapshotThread.shutdown();
        try {
            if (!snapshotThread.awaitTermination(60, TimeUnit.SECONDS)) {
                snapshotThread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            snapshotThread.shutdownNow();
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
