package io.coord.server.zab.sim;

import io.coord.server.zab.LogEntry;
import io.coord.server.zab.Membership;
import io.coord.server.zab.TestConfigs;
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
    /**
     * Runs with reconfigs: the last committed configuration this member took (what Coord's adapter
     * writes to its dynamic configuration file; durable at once here). Null without reconfigs.
     */
    Membership durableConfig;
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
        if (durableConfig == null) {
            core = new ZabCore(config, rs, this::snapshot, random.split());
        } else {
            Membership start = startingConfig();
            ZabConfig zc = new ZabConfig(id, start.voters(), start.observers(), config.initLimit(), config.syncLimit(),
                    config.voteResendTicks(), config.maxHistory());
            core = new ZabCore(zc, rs, this::snapshot, random.split(), TestConfigs.CODEC, start);
        }
        alive = true;
        pausedUntilTick = 0;
        incarnation++;
    }

    /**
     * A member starts from its last committed configuration, also one that does not name it (it then
     * follows without a vote). One that never had any but the first starts as an operator starts a
     * joiner: the configuration's voters plus itself, version 0 (so that nobody takes this configuration
     * from its votes, while it takes the real one from theirs).
     */
    private Membership startingConfig() {
        if (durableConfig.isMember(id) || durableConfig.version() > 0) {
            // A member never forgets a committed configuration, also one that removed it: starting
            // from an older one, it could take a stale member's configuration for the current one
            // (ZAB simulation with reconfigs, seed 184: two leaders of one epoch in disjoint configurations).
            return durableConfig;
        }
        java.util.Set<Long> voters = new java.util.TreeSet<>(durableConfig.voters());
        voters.add(id);
        return TestConfigs.config(0, voters, durableConfig.observers());
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
