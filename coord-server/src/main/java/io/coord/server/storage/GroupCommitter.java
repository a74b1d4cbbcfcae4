package io.coord.server.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log thread: takes whatever records are queued, appends them to the {@link TxnLog}, forces
 * once, then reports the highest durable zxid (under load the {@link FlushPacer} lets the batch
 * grow a little before the force). The queue is bounded, so a slow disk pushes back on
 * submitters instead of growing memory.
 *
 * <p>Records must be submitted in zxid order (the request thread assigns zxids and submits, so
 * this holds naturally). A full disk is survived: the batch that did not fit is dropped, the
 * owner is told ({@link DurableListener#onDiskFull}), queued records are discarded until it has
 * undone them ({@link #resume()}), and once the space check passes it is told it may write again.
 * Any other error on the log thread is fatal: it is reported once through
 * {@link DurableListener#onFailure} and nothing is ever reported durable again. The committer
 * does not close the log; its owner does, after {@link #close()}.
 */
public final class GroupCommitter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);
    private static final Entry STOP = new Entry(-1, new byte[0]);
    /** The owner's mark after a full disk: everything queued before it was refused. */
    private static final Entry RESUME = new Entry(-2, new byte[0]);
    /** Free space the log's file system needs before writes resume after it filled up. */
    public static final long DEFAULT_RESUME_FREE_BYTES = 16L << 20;
    /** How often a full log checks for free space. */
    private static final long SPACE_CHECK_MS = 200;
    private static final long OFFER_RECHECK_MS = 50;
    /** How long an idle log thread waits before looking for purge requests again. */
    private static final long PURGE_CHECK_MS = 100;

    private record Entry(long zxid, byte[] txn) {
    }

    private final TxnLog log;
    private final BlockingQueue<Entry> queue;
    private final int maxBatchRecords;
    private final DurableListener listener;
    private final FlushPacer pacer;
    private final BooleanSupplier spaceAvailable;
    private final LongSupplier nanos;
    private final Thread thread;
    private volatile boolean diskFull;
    private final AtomicLong diskFullEvents = new AtomicLong();
    private volatile boolean closing;
    private volatile boolean stopped;
    private volatile boolean failed;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong syncNanos = new AtomicLong();
    private final AtomicLong maxSyncNanos = new AtomicLong();
    private final AtomicLong purgeRequest = new AtomicLong();
    private volatile long highestDurableZxid;

    /**
     * @param queueCapacity   records that may wait for the log thread before submit blocks
     * @param maxBatchRecords most records written per fsync
     * @param pacer           how long the log thread may wait before a force under load
     */
    public GroupCommitter(TxnLog log, int queueCapacity, int maxBatchRecords, FlushPacer pacer,
                          DurableListener listener) {
        this(log, queueCapacity, maxBatchRecords, pacer, listener,
                freeBytesAtLeast(log.directory(), DEFAULT_RESUME_FREE_BYTES));
    }

    /** @param spaceAvailable after the disk filled up: whether there is room to write again */
    public GroupCommitter(TxnLog log, int queueCapacity, int maxBatchRecords, FlushPacer pacer,
                          DurableListener listener, BooleanSupplier spaceAvailable) {
        this(log, queueCapacity, maxBatchRecords, pacer, listener, spaceAvailable, System::nanoTime);
    }

    /**
     * @param listener told on the log thread; must never block (the request thread may be waiting
     *                 for room in this committer's queue)
     * @param nanos    monotonic nanoseconds for fsync timings (and so for the pacer)
     */
    public GroupCommitter(TxnLog log, int queueCapacity, int maxBatchRecords, FlushPacer pacer,
                          DurableListener listener, BooleanSupplier spaceAvailable, LongSupplier nanos) {
        if (queueCapacity < 1 || maxBatchRecords < 1) {
            throw new IllegalArgumentException("queueCapacity and maxBatchRecords must be >= 1");
        }
        this.log = log;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.maxBatchRecords = maxBatchRecords;
        this.listener = listener;
        this.pacer = pacer;
        this.spaceAvailable = spaceAvailable;
        this.nanos = nanos;
        this.thread = new Thread(this::run, "coord-log");
    }

    public void start() {
        thread.start();
    }

    /** True when the usable space of dir's file system is at least {@code bytes}. */
    public static BooleanSupplier freeBytesAtLeast(Path dir, long bytes) {
        return () -> {
            try {
                return Files.getFileStore(dir).getUsableSpace() >= bytes;
            } catch (IOException e) {
                return false;
            }
        };
    }

    /**
     * Queues a record for the log, blocking while the queue is full.
     *
     * @throws IllegalStateException if the committer is closing, closed or has failed
     */
    public void submit(long zxid, byte[] txn) throws InterruptedException {
        Entry entry = new Entry(zxid, txn);
        while (true) {
            if (closing || stopped || failed) {
                throw new IllegalStateException(failed ? "txn log failed" : "group committer is closed");
            }
            if (queue.offer(entry, OFFER_RECHECK_MS, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    /**
     * Asks the log thread (which owns the log) to delete segments wholly covered by a snapshot at
     * {@code zxid}. Safe from any thread; the newest request wins.
     */
    public void requestPurge(long zxid) {
        purgeRequest.accumulateAndGet(zxid, Math::max);
    }

    /**
     * After {@link DurableListener#onDiskFull}: the owner has undone every record it submitted
     * after the durable zxid; queued records up to this call are discarded, and the owner is told
     * {@link DurableListener#onSpaceAvailable()} once there is room again.
     */
    public void resume() throws InterruptedException {
        while (!stopped && !queue.offer(RESUME, OFFER_RECHECK_MS, TimeUnit.MILLISECONDS)) {
            // the log thread is discarding; retry until the mark fits
        }
    }

    private void purgeIfRequested() throws IOException {
        long zxid = purgeRequest.getAndSet(0);
        if (zxid > 0) {
            log.purgeBefore(zxid);
        }
    }

    private void run() {
        List<Entry> batch = new ArrayList<>();
        try {
            boolean stop = false;
            while (!stop) {
                Entry first = queue.poll(PURGE_CHECK_MS, TimeUnit.MILLISECONDS);
                purgeIfRequested();
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatchRecords - 1);
                if (batch.get(batch.size() - 1) != STOP && pacer.pause(batch.size())) {
                    queue.drainTo(batch, maxBatchRecords - batch.size());
                }
                try {
                    stop = writeBatch(batch);
                } catch (DiskFullException e) {
                    boolean closing = batch.contains(STOP);
                    batch.clear();
                    stop = closing || rideOutDiskFull(e);
                    continue; // what was queued meanwhile was refused: nothing to drain
                }
                if (stop) {
                    // submits that raced with close() still get written before the final sync
                    while (queue.drainTo(batch, maxBatchRecords) > 0) {
                        writeBatch(batch);
                    }
                }
            }
        } catch (Throwable t) {
            failed = true;
            queue.clear();
            LOG.error("Txn log failed; no further writes will be acknowledged", t);
            listener.onFailure(t);
        } finally {
            stopped = true;
        }
    }

    /**
     * The disk filled up: report what is durable and the refusal, discard records until the
     * owner's RESUME mark, then wait for space. Returns whether close() came meanwhile.
     */
    private boolean rideOutDiskFull(DiskFullException e) throws InterruptedException, IOException {
        diskFull = true;
        diskFullEvents.incrementAndGet();
        long durable = log.lastZxid();
        if (durable > highestDurableZxid) {
            highestDurableZxid = durable;
            listener.onDurable(durable);
        }
        LOG.error("Txn log is out of space ({}): records after zxid 0x{} were dropped; writes are refused "
                + "until space is free again", e.getMessage(), Long.toHexString(durable));
        listener.onDiskFull(durable);
        Entry next;
        do {
            next = queue.poll(PURGE_CHECK_MS, TimeUnit.MILLISECONDS);
            purgeIfRequested();
            if (next == STOP) {
                return true;
            }
        } while (next != RESUME);
        while (!spaceAvailable.getAsBoolean()) {
            next = queue.poll(SPACE_CHECK_MS, TimeUnit.MILLISECONDS);
            purgeIfRequested();
            if (next == STOP) {
                return true;
            }
            if (next != null) {
                throw new IllegalStateException("record 0x" + Long.toHexString(next.zxid)
                        + " submitted while the disk is full");
            }
        }
        diskFull = false;
        LOG.info("Txn log: space is free again; writes are accepted");
        listener.onSpaceAvailable();
        return false;
    }

    /** Appends and syncs one batch, reports it durable; returns whether STOP was in it. */
    private boolean writeBatch(List<Entry> batch) throws Exception {
        boolean stop = false;
        int written = 0;
        long highest = 0;
        for (Entry e : batch) {
            if (e == STOP) {
                stop = true;
                continue;
            }
            log.append(e.zxid, e.txn);
            highest = e.zxid;
            written++;
        }
        batch.clear();
        if (written > 0) {
            long start = nanos.getAsLong();
            log.sync();
            long took = nanos.getAsLong() - start;
            pacer.forced(written, took);
            syncNanos.addAndGet(took);
            maxSyncNanos.accumulateAndGet(took, Math::max);
            batches.incrementAndGet();
            records.addAndGet(written);
            highestDurableZxid = highest;
            listener.onDurable(highest);
        }
        return stop;
    }

    /** Writes and syncs everything submitted so far, then stops the log thread. */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        if (thread.getState() == Thread.State.NEW) {
            thread.start(); // so records queued before start are still written
        }
        while (!stopped && !queue.offer(STOP, OFFER_RECHECK_MS, TimeUnit.MILLISECONDS)) {
            // the log thread is draining; retry until STOP fits or the thread has died
        }
        thread.join();
    }

    /** Batches written, each with exactly one sync. */
    public long batches() {
        return batches.get();
    }

    public long records() {
        return records.get();
    }

    /** Time spent in {@link TxnLog#sync} (write of the batch plus the force), in nanoseconds. */
    public long totalSyncNanos() {
        return syncNanos.get();
    }

    public long maxSyncNanos() {
        return maxSyncNanos.get();
    }

    public long highestDurableZxid() {
        return highestDurableZxid;
    }

    public boolean failed() {
        return failed;
    }

    /** True from a full disk until space is free again (writes are refused meanwhile). */
    public boolean diskFull() {
        return diskFull;
    }

    /** Times the log ran out of space since start. */
    public long diskFullEvents() {
        return diskFullEvents.get();
    }
}
