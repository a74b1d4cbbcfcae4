package io.coord.server.quorum;

import io.coord.server.admin.MetricSummary;
import io.coord.server.admin.SummaryRecorder;
import io.coord.server.durability.SessionSecret;
import io.coord.server.pipeline.MemberState;
import io.coord.server.session.Clock;
import io.coord.server.storage.ForeignDataCheck;
import io.coord.server.storage.LogIo;
import io.coord.server.storage.MetaStore;
import io.coord.server.storage.SnapshotStore;
import io.coord.server.storage.StorageFiles;
import io.coord.server.storage.TxnLog;
import io.coord.server.tree.DataTree;
import io.coord.server.zab.LogEntry;
import io.coord.server.zab.RecoveredState;
import io.coord.server.zab.Zxid;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up of an ensemble member. Unlike standalone recovery, the log is <em>not</em> replayed into
 * the tree: whether its entries were committed is unknown until a leader says so, so the tree is
 * restored to the newest valid snapshot (committed state) and the durable log entries after it go
 * to the ZAB core, which applies them once they are known committed.
 */
public final class MemberRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(MemberRecovery.class);

    /**
     * The restored state machine, the zxid it reflects, what the core starts from, and how the
     * load went ({@code startup}: ZooKeeper's start-up summaries, one value each).
     */
    public record Recovered(MemberState state, long snapshotZxid, RecoveredState zab, Map<String, MetricSummary> startup) {
    }

    /** A member's stores as a start opens them, and what they held. */
    public record Opened(MetaStore meta, byte[] secret, SnapshotStore snapshots, TxnLog log, Recovered recovered) {
    }

    private MemberRecovery() {
    }

    /**
     * The storage part of a member's start: refuses a ZooKeeper data directory, creates the
     * directories (durably: their parents are fsynced), loads (or makes) the session secret, opens the snapshot store and the log (a torn
     * tail is cut, other damage refused) and recovers from them. The paths may be of any file system
     * (the whole-member simulation passes an in-memory one). The log is closed again on failure.
     */
    public static Opened open(Path dataDir, Path dataLogDir, long logSegmentBytes, LogIo logIo, Clock clock,
                              int tickTimeMs, long myId, RandomGenerator random) throws IOException {
        ForeignDataCheck.refuseZooKeeperData(dataDir, dataLogDir);
        StorageFiles.createDirectories(dataDir);
        StorageFiles.createDirectories(dataLogDir);
        MetaStore meta = new MetaStore(dataDir);
        byte[] secret = SessionSecret.loadOrCreate(meta, random);
        SnapshotStore snapshots = new SnapshotStore(dataDir);
        TxnLog log = TxnLog.open(dataLogDir, logSegmentBytes, logIo);
        try {
            return new Opened(meta, secret, snapshots, log, recover(snapshots, log, meta, clock, tickTimeMs, myId, secret));
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
    }

    public static Recovered recover(SnapshotStore snapshots, TxnLog log, MetaStore meta, Clock clock,
                                    int tickTimeMs, long myId, byte[] secret) throws IOException {
        SnapInstall.finishInterrupted(meta, snapshots, log);
        long startNanos = clock.nowNanos();
        long[] zxidOfSnapshot = {0};
        MemberState state = snapshots.loadNewestValid(s -> {
            zxidOfSnapshot[0] = s.zxid();
            return MemberState.restore(DataTree.fromSnapshot(sink -> s.forEachNodeBytes(sink::accept), s.nodeCount()), s.sessions(), clock,
                    tickTimeMs, myId, secret);
        }).orElseGet(() -> MemberState.empty(clock, tickTimeMs, myId, secret));
        long snapZxid = zxidOfSnapshot[0];
        long snapLoadedNanos = clock.nowNanos();
        List<LogEntry> entries = new ArrayList<>();
        log.replay(snapZxid, (zxid, bytes) -> entries.add(new LogEntry(zxid, bytes)));
        long doneNanos = clock.nowNanos();
        long[] epochs = atLeastEpochOf(QuorumStorage.readEpochs(meta),
                entries.isEmpty() ? snapZxid : entries.get(entries.size() - 1).zxid());
        LOG.info("member {}: snapshot at zxid 0x{} ({} nodes, {} sessions), {} log entries after it, "
                        + "acceptedEpoch {}, currentEpoch {}", myId, Long.toHexString(snapZxid),
                state.tree.nodeCount(), state.tracker.size(), entries.size(), epochs[0], epochs[1]);
        return new Recovered(state, snapZxid, new RecoveredState(epochs[0], epochs[1], snapZxid, entries),
                startup(snapLoadedNanos - startNanos, entries.size(), doneNanos - snapLoadedNanos, doneNanos - startNanos));
    }

    /**
     * ZooKeeper's start-up summaries (ms, txns): the snapshot's load, the log's txns after it read
     * (a member holds them for the core, which applies them once known committed; ZooKeeper's
     * standalone server replays them into its tree) and the two together, ZooKeeper's dbinittime.
     */
    private static Map<String, MetricSummary> startup(long snapNanos, long txns, long txnsNanos, long totalNanos) {
        Map<String, MetricSummary> m = new LinkedHashMap<>();
        m.put("startup_snap_load_time", once(snapNanos / 1e6));
        m.put("startup_txns_loaded", once(txns));
        m.put("startup_txns_load_time", once(txnsNanos / 1e6));
        m.put("dbinittime", once(totalNanos / 1e6));
        return m;
    }

    private static MetricSummary once(double value) {
        SummaryRecorder r = new SummaryRecorder(false);
        r.record(value);
        return r.snapshot();
    }

    /**
     * The epochs, raised to the epoch of the last zxid held. A member's own storage never needs it
     * (it accepts a txn of epoch e only once e is its current epoch), but a data directory written
     * without the epochs file does: by an older standalone version (epoch 0, unchanged) or by
     * {@code coord-admin import-zookeeper} for a standalone target, whose zxids carry the epoch of
     * the ZooKeeper ensemble they came from. Read as 0, the member would lead epoch 1 and propose
     * zxids below the ones it holds.
     */
    static long[] atLeastEpochOf(long[] epochs, long lastZxid) {
        long floor = Zxid.epochOf(lastZxid);
        if (epochs[0] >= floor && epochs[1] >= floor) {
            return epochs;
        }
        LOG.info("epochs ({}, {}) below the epoch {} of the last zxid held, 0x{}: raised to it", epochs[0], epochs[1],
                floor, Long.toHexString(lastZxid));
        return new long[] {Math.max(epochs[0], floor), Math.max(epochs[1], floor)};
    }
}
