package io.coord.server.sim;

import io.coord.server.pipeline.MemberState;
import io.coord.server.pipeline.ZabStorage;
import io.coord.server.tree.TreeSnapshot;
import io.coord.server.zab.StorageOp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * The storage adapter of a simulated member over its {@link SimDisk}, doing what QuorumStorage does
 * on its log thread, but as simulation events: the ops queued since the last batch are written as
 * one group, the log forced once, and the highest seq reported; epoch writes and snapshot installs
 * force what precedes them first. A failed write or force is fatal to the member (fail-stop), as a
 * log failure is in production for a member of a larger ensemble. Periodic snapshots are written a
 * little later, while the tree moves on, as the background snapshot thread does.
 */
final class SimStorage implements ZabStorage {
    /** What the storage needs from the simulation. */
    interface Host {
        /** Runs {@code work} after {@code delayMs} if this incarnation of the member still lives. */
        void later(long delayMs, Runnable work);

        long persistDelayMs();

        void fatal(String what, Throwable cause);

        void count(String what);
    }

    private final SimDisk disk;
    private final Host host;
    private LongConsumer onPersisted;
    private final List<StorageOp> queued = new ArrayList<>();
    private boolean batchScheduled;
    private boolean snapshotRunning;
    private boolean failed;
    private long durableZxid;
    private long lastAppendedZxid;
    long batches;
    long snapshotsWritten;

    SimStorage(SimDisk disk, Host host) {
        this.disk = disk;
        this.host = host;
    }

    void onPersisted(LongConsumer callback) {
        this.onPersisted = callback;
    }

    @Override
    public void submit(List<StorageOp> ops) {
        if (failed) {
            return;
        }
        for (StorageOp op : ops) {
            if (op instanceof StorageOp.InstallSnapshot) {
                host.count("SNAP installs");
            }
        }
        queued.addAll(ops);
        if (!batchScheduled) {
            batchScheduled = true;
            host.later(host.persistDelayMs(), this::writeBatch);
        }
    }

    private void writeBatch() {
        batchScheduled = false;
        if (failed || queued.isEmpty()) {
            return;
        }
        List<StorageOp> batch = new ArrayList<>(queued);
        queued.clear();
        try {
            for (StorageOp op : batch) {
                execute(op);
            }
            disk.force();
        } catch (IOException | RuntimeException e) {
            failed = true;
            host.fatal("the member's log failed (" + e + "); its writes cannot be made durable", e);
            return;
        }
        batches++;
        durableZxid = lastAppendedZxid;
        onPersisted.accept(batch.get(batch.size() - 1).seq());
    }

    private void execute(StorageOp op) throws IOException {
        if (op instanceof StorageOp.AppendTxn a) {
            disk.append(a.zxid(), a.data());
            lastAppendedZxid = a.zxid();
        } else if (op instanceof StorageOp.Truncate t) {
            disk.truncateAfter(t.afterZxid());
            lastAppendedZxid = Math.min(lastAppendedZxid, t.afterZxid());
        } else if (op instanceof StorageOp.InstallSnapshot s) {
            disk.force();
            if (s.zxid() > 0) {
                MemberState.Blob blob = MemberState.decodeBlob(s.state());
                disk.snapshotZxid = s.zxid();
                disk.snapshotSessions = blob.sessions();
                disk.snapshotNodes = blob.nodes();
            } else {
                disk.snapshotZxid = 0;
                disk.snapshotNodes = null;
            }
            disk.truncateAfter(0);
            lastAppendedZxid = s.zxid();
        } else if (op instanceof StorageOp.PersistEpochs p) {
            disk.force();
            disk.acceptedEpoch = p.acceptedEpoch();
            disk.currentEpoch = p.currentEpoch();
        }
    }

    @Override
    public long durableZxid() {
        return durableZxid;
    }

    @Override
    public boolean snapshotInProgress() {
        return snapshotRunning;
    }

    @Override
    public void snapshot(TreeSnapshot view, byte[] sessions) {
        if (snapshotRunning) {
            view.close();
            return;
        }
        snapshotRunning = true;
        host.later(1 + host.persistDelayMs() * 2, () -> {
            List<Map.Entry<String, byte[]>> nodes = new ArrayList<>();
            Iterator<Map.Entry<String, byte[]>> it = view.sortedNodes();
            while (it.hasNext()) {
                Map.Entry<String, byte[]> e = it.next();
                nodes.add(Map.entry(e.getKey(), e.getValue().clone()));
            }
            view.close();
            if (view.zxid() > disk.snapshotZxid) {
                disk.snapshotZxid = view.zxid();
                disk.snapshotSessions = sessions;
                disk.snapshotNodes = nodes;
            }
            snapshotsWritten++;
            host.count("snapshots written");
            snapshotRunning = false;
        });
    }

    @Override
    public long fsyncCount() {
        return batches;
    }

    @Override
    public long fsyncTotalMicros() {
        return 0;
    }

    @Override
    public long fsyncMaxMicros() {
        return 0;
    }
}
