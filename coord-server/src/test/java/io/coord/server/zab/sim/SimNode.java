package io.coord.server.zab.sim;

import io.coord.server.zab.LogEntry;
import io.coord.server.zab.RecoveredState;
import io.coord.server.zab.StorageOp;
import io.coord.server.zab.ZabConfig;
import io.coord.server.zab.ZabCore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One simulated member: a core, its durable storage (only what was reported persisted survives a
 * crash), its pending storage queue and its state machine (the applied sequence).
 */
final class SimNode {
    final long id;
    final ZabConfig config;
    ZabCore core;
    boolean alive;
    /** While the tick counter is below this, the process is frozen. */
    long pausedUntilTick;
    int incarnation;

    // durable storage
    long durableAccepted;
    long durableCurrent;
    final List<LogEntry> durableLog = new ArrayList<>();
    long durableSnapZxid;
    List<LogEntry> durableSnapState = new ArrayList<>();

    /** Ops handed to storage but not durable yet, in seq order. */
    final ArrayDeque<StorageOp> pending = new ArrayDeque<>();
    long lastCompletionTime;

    /** The state machine: every committed txn applied, in order. */
    List<LogEntry> applied = new ArrayList<>();

    SimNode(long id, ZabConfig config) {
        this.id = id;
        this.config = config;
    }

    /** Builds a fresh core from durable storage (first start or restart after a crash). */
    void boot(SplittableRandom random) {
        List<LogEntry> after = new ArrayList<>();
        for (LogEntry e : durableLog) {
            if (e.zxid() > durableSnapZxid) {
                after.add(e);
            }
        }
        applied = new ArrayList<>(durableSnapState);
        pending.clear();
        RecoveredState rs = new RecoveredState(durableAccepted, durableCurrent, durableSnapZxid, after);
        core = new ZabCore(config, rs, this::snapshot, random.split());
        alive = true;
        pausedUntilTick = 0;
        incarnation++;
    }

    private byte[] snapshot(long appliedZxid) {
        long last = appliedZxid();
        if (last != appliedZxid) {
            throw new AssertionError("node " + id + " asked for snapshot at " + appliedZxid + " but state is at " + last);
        }
        return SimStateMachine.encode(applied);
    }

    void crash() {
        alive = false;
        pending.clear();
        core = null;
    }

    long appliedZxid() {
        return applied.isEmpty() ? 0L : applied.get(applied.size() - 1).zxid();
    }

    /** Makes durable every pending op with seq up to {@code seq}. */
    void persistThrough(long seq) {
        while (!pending.isEmpty() && pending.peekFirst().seq() <= seq) {
            StorageOp op = pending.pollFirst();
            if (op instanceof StorageOp.AppendTxn a) {
                durableLog.add(new LogEntry(a.zxid(), a.data()));
            } else if (op instanceof StorageOp.Truncate t) {
                durableLog.removeIf(e -> e.zxid() > t.afterZxid());
            } else if (op instanceof StorageOp.InstallSnapshot s) {
                durableSnapZxid = s.zxid();
                durableSnapState = SimStateMachine.decode(s.state());
                durableLog.clear();
            } else if (op instanceof StorageOp.PersistEpochs p) {
                durableAccepted = p.acceptedEpoch();
                durableCurrent = p.currentEpoch();
            }
        }
    }

    /** The adapter's own snapshot of applied state; only taken when storage is quiescent. */
    void takeSnapshot() {
        if (!pending.isEmpty()) {
            return;
        }
        durableSnapState = new ArrayList<>(applied);
        durableSnapZxid = appliedZxid();
    }
}
