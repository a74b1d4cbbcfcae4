package io.coord.server.durability;

import io.coord.server.pipeline.SnapshotTrigger;
import io.coord.server.session.SessionTracker;
import io.coord.server.storage.SnapshotStore;
import io.coord.server.tree.DataTree;
import io.coord.server.tree.TreeSnapshot;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes snapshots in the background without stalling writes: the request thread only marks the
 * tree (copy-on-write of what changes afterwards) and serialises the small session table; the
 * snapshot thread writes the MapDB file, then purges old snapshots and the log they covered.
 */
public final class Snapshotter implements SnapshotTrigger, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Snapshotter.class);
    private final DataTree tree;
    private final SessionTracker sessions;
    private final SnapshotStore store;
    private final LongSupplier durableZxid;
    private final LongConsumer purgeLogBefore;
    private final int snapCount;
    private final int retainCount;
    private final RandomGenerator random;
    private final ExecutorService executor;
    private volatile boolean running;
    /** Zxid of the snapshot being written, or -1; and whether a rollback cancelled it. */
    private volatile long pendingZxid = -1;
    private volatile boolean cancelled;
    private long txnsSinceSnapshot;
    private long threshold;
    private long lastZxid;

    public Snapshotter(DataTree tree, SessionTracker sessions, SnapshotStore store, LongSupplier durableZxid,
                       LongConsumer purgeLogBefore, int snapCount, int retainCount, RandomGenerator random) {
        this.tree = tree;
        this.sessions = sessions;
        this.store = store;
        this.durableZxid = durableZxid;
        this.purgeLogBefore = purgeLogBefore;
        this.snapCount = snapCount;
        this.retainCount = retainCount;
        this.random = random;
        this.executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "coord-snapshot"));
        this.threshold = nextThreshold();
    }

    private long nextThreshold() {
        // Between snapCount/2 and snapCount, so ensemble members spread their snapshots out.
        return snapCount / 2 + random.nextLong(Math.max(1, snapCount / 2 + 1));
    }

    @Override
    public void txnLogged(long zxid) {
        txnsSinceSnapshot++;
        lastZxid = zxid;
    }

    @Override
    public void maybeStart() {
        if (txnsSinceSnapshot < threshold || running) {
            return;
        }
        running = true;
        long zxid = lastZxid;
        pendingZxid = zxid;
        cancelled = false;
        TreeSnapshot view = tree.beginSnapshot(zxid);
        byte[] sessionBytes = sessions.serialize();
        txnsSinceSnapshot = 0;
        threshold = nextThreshold();
        executor.execute(() -> write(zxid, view, sessionBytes));
    }

    private void write(long zxid, TreeSnapshot view, byte[] sessionBytes) {
        long started = System.nanoTime();
        try {
            // A snapshot must never hold a txn the log could still lose.
            while (durableZxid.getAsLong() < zxid && !cancelled) {
                Thread.sleep(1);
            }
            // Checked after the wait too: a rollback is always seen before the zxids it reuses are durable.
            if (cancelled) {
                view.close();
                LOG.warn("snapshot at zxid 0x{} abandoned: its txns were rolled back", Long.toHexString(zxid));
                return;
            }
            store.write(zxid, view.sortedNodes(), sessionBytes);
            view.close();
            long oldestKept = store.purge(retainCount);
            purgeLogBefore.accept(oldestKept);
            LOG.info("snapshot at zxid 0x{} written in {} ms", Long.toHexString(zxid),
                    (System.nanoTime() - started) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            view.close();
        } catch (Exception e) {
            view.close();
            LOG.error("snapshot at zxid 0x{} failed; the log still holds everything", Long.toHexString(zxid), e);
        } finally {
            pendingZxid = -1;
            running = false;
        }
    }

    @Override
    public void rolledBack(long durable) {
        // The wait loop above sees this before durable can pass the snapshot's zxid again: the
        // log accepts the reused zxids only after this call (the request thread resumes it later).
        if (pendingZxid > durable) {
            cancelled = true;
        }
        lastZxid = Math.min(lastZxid, durable);
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}
