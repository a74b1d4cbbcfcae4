package io.coord.server.zab.sim;

import io.coord.server.zab.LogEntry;
import io.coord.server.zab.Membership;
import io.coord.server.zab.TestConfigs;
import io.coord.server.zab.Role;
import io.coord.server.zab.RoleChange;
import io.coord.server.zab.ZabCore;
import io.coord.server.zab.ZabMessage;
import io.coord.server.zab.ZabStats;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Invariants of a simulated run, checked as effects happen:
 * at most one established leader per epoch; every member's applied sequence is a prefix of one
 * global sequence (so committed prefixes agree) with strictly increasing zxids; a linearizable sync
 * completes only once the member applied every write acknowledged before it; and after healing the
 * ensemble converges to one leader and identical state holding every acknowledged write.
 * With observers: each txn, when first committed, is durable on a majority of the voters alone (an
 * observer's ack never counts); only voters lead; an observer is sent no proposal, and an INFORM
 * only of a txn already committed, as committed; and observers converge to the same state.
 */
final class SimChecker {
    private final Simulation sim;
    private final List<LogEntry> oracle = new ArrayList<>();
    private final Map<Long, Long> leaderOfEpoch = new HashMap<>();
    /** Runs with reconfigs: the configuration each committed reconfig installed, by zxid (0: the first one). */
    private final java.util.TreeMap<Long, Membership> configsCommitted = new java.util.TreeMap<>();
    private long configsChecked;
    /** Acknowledged client writes: payload -> index in the global sequence. */
    private final Map<Long, Integer> acked = new HashMap<>();
    private int ackedPrefix;
    private long leadersEstablished;
    private long syncsChecked;
    private long snapshotRegressions;
    private long probePayload = -1;
    private long probeEpoch = -1;
    private boolean probeAcked;
    private boolean converged;

    SimChecker(Simulation sim) {
        this.sim = sim;
        configsCommitted.put(0L, TestConfigs.config(0, java.util.Set.of(1L, 2L, 3L), java.util.Set.of()));
    }

    private boolean reconfigs() {
        return sim.reconfigRate > 0;
    }

    void fail(String what) {
        throw new AssertionError(sim.failureText(what));
    }

    int ackedCount() {
        return ackedPrefix;
    }

    void onBoot(int i) {
        checkPrefix(i, sim.nodes[i].applied, "recovered snapshot");
    }

    private void checkPrefix(int i, List<LogEntry> seq, String what) {
        long prev = -1;
        for (int k = 0; k < seq.size(); k++) {
            LogEntry e = seq.get(k);
            if (e.zxid() <= prev) {
                fail("n" + (i + 1) + " " + what + ": zxids not increasing at " + k);
            }
            prev = e.zxid();
            if (k >= oracle.size() || !oracle.get(k).equals(e)) {
                fail("n" + (i + 1) + " " + what + " is not a prefix of the committed sequence at index " + k
                        + ": " + e + " vs " + (k < oracle.size() ? oracle.get(k) : "nothing"));
            }
        }
    }

    void onInstallSnapshot(int i, List<LogEntry> state) {
        checkPrefix(i, state, "installed snapshot");
        if (state.size() < sim.nodes[i].applied.size()) {
            snapshotRegressions++;
        }
        sim.nodes[i].applied = new ArrayList<>(state);
    }

    void onApply(int i, LogEntry e, Map<Long, Long> proposedHere) {
        List<LogEntry> applied = sim.nodes[i].applied;
        if (!applied.isEmpty() && e.zxid() <= applied.get(applied.size() - 1).zxid()) {
            fail("n" + (i + 1) + " applied " + e + " after " + applied.get(applied.size() - 1));
        }
        int idx = applied.size();
        if (idx < oracle.size()) {
            if (!oracle.get(idx).equals(e)) {
                fail("n" + (i + 1) + " applied " + e + " at index " + idx + " where others applied " + oracle.get(idx));
            }
        } else {
            checkVoterQuorumHolds(i, e);
            oracle.add(e);
        }
        applied.add(e);
        Long payload = proposedHere.get(e.zxid());
        if (payload != null) {
            long got = ByteBuffer.wrap(e.data()).getLong();
            if (got != payload) {
                fail("n" + (i + 1) + " proposed payload " + payload + " as " + e + " but applied payload " + got);
            }
            acked.put(payload, idx);
            ackedPrefix = Math.max(ackedPrefix, idx + 1);
            if (payload == probePayload) {
                probeAcked = true;
            }
        }
    }

    /** A txn committed for the first time is durable on a majority of the voters, observers aside. */
    private void checkVoterQuorumHolds(int i, LogEntry e) {
        if (reconfigs()) {
            checkConfigQuorumsHold(i, e);
            return;
        }
        int holding = 0;
        for (int j = 0; j < sim.voters; j++) {
            SimNode v = sim.nodes[j];
            if (holds(v.durableLog, e) || holds(v.durableSnapState, e)) {
                holding++;
            }
        }
        if (holding < sim.voters / 2 + 1) {
            fail("n" + (i + 1) + " committed " + e + " durable on only " + holding + " of " + sim.voters + " voters");
        }
    }

    private void checkConfigQuorumsHold(int i, LogEntry e) {
        Membership before = configsCommitted.floorEntry(e.zxid()).getValue();
        checkDurableOnMajority(i, e, before, "the configuration before it");
        Membership change = TestConfigs.CODEC.configIn(e.zxid(), e.data());
        if (change != null) {
            checkDurableOnMajority(i, e, change, "the configuration it installs");
            configsCommitted.put(e.zxid(), change);
            configsChecked++;
        }
    }

    private void checkDurableOnMajority(int i, LogEntry e, Membership m, String which) {
        int holding = 0;
        for (long id : m.voters()) {
            SimNode v = sim.nodes[(int) id - 1];
            if (holds(v.durableLog, e) || holds(v.durableSnapState, e)) {
                holding++;
            }
        }
        if (holding < m.voters().size() / 2 + 1) {
            fail("n" + (i + 1) + " committed " + e + " durable on only " + holding + " of the voters " + m.voters()
                    + " of " + which + " " + m);
        }
    }

    long configsChecked() {
        return configsChecked;
    }

    private static boolean holds(List<LogEntry> sortedByZxid, LogEntry e) {
        int k = java.util.Collections.binarySearch(sortedByZxid, e, (a, b) -> Long.compare(a.zxid(), b.zxid()));
        return k >= 0 && sortedByZxid.get(k).equals(e);
    }

    boolean isObserver(int i) {
        return i >= sim.voters;
    }

    /** What a member sends an observer: never a proposal; an INFORM only of what is committed. */
    void onSend(int from, int to, ZabMessage msg) {
        if (reconfigs() || !isObserver(to)) {
            return;
        }
        if (msg instanceof ZabMessage.Propose p) {
            fail("n" + (from + 1) + " sent observer n" + (to + 1) + " a proposal: " + p);
        }
        if (msg instanceof ZabMessage.Inform m) {
            LogEntry e = new LogEntry(m.zxid(), m.data());
            if (!holds(oracle, e)) {
                fail("n" + (from + 1) + " informed observer n" + (to + 1) + " of " + e + ", which is not committed");
            }
        }
        if (msg instanceof ZabMessage.NewLeader m) {
            for (LogEntry e : m.entries()) {
                if (!holds(oracle, e) && !holds(sim.nodes[to].durableLog, e)) {
                    fail("n" + (from + 1) + " synced observer n" + (to + 1) + " with uncommitted " + e);
                }
            }
        }
    }

    /**
     * {@code committedBefore}: with reconfigs, the member's committed configuration before the input
     * whose effects these are (a leader established by an input that also commits a change removing
     * it, steps down at once, as it must).
     */
    void onRole(int i, RoleChange rc, Membership committedBefore) {
        if (reconfigs()) {
            ZabCore c = sim.nodes[i].core;
            Membership pending = c.pendingConfig();
            if (rc.role() == Role.LEADING && rc.serving() && !committedBefore.isVoter(i + 1L)
                    && !c.committedConfig().isVoter(i + 1L) && (pending == null || !pending.isVoter(i + 1L))) {
                fail("n" + (i + 1) + " leads but votes in neither " + committedBefore + ", " + c.committedConfig()
                        + " nor " + pending);
            }
        } else if (rc.role() == Role.LEADING && (isObserver(i) || rc.leaderId() > sim.voters)) {
            fail("observer n" + (i + 1) + " leads: " + rc);
        }
        if (!rc.serving()) {
            return;
        }
        Long known = leaderOfEpoch.get(rc.epoch());
        if (rc.role() == Role.LEADING) {
            leadersEstablished++;
            if (known != null && known != rc.leaderId()) {
                fail("two leaders established epoch " + rc.epoch() + ": n" + known + " and n" + rc.leaderId());
            }
            leaderOfEpoch.put(rc.epoch(), rc.leaderId());
        } else if (known != null && known != rc.leaderId()) {
            fail("n" + (i + 1) + " serves epoch " + rc.epoch() + " under n" + rc.leaderId() + " but its leader is n" + known);
        }
    }

    void onSyncCompleted(int i, long requiredPrefix) {
        syncsChecked++;
        if (sim.nodes[i].applied.size() < requiredPrefix) {
            fail("n" + (i + 1) + " completed a sync with " + sim.nodes[i].applied.size()
                    + " applied, but " + requiredPrefix + " were acknowledged before the sync");
        }
    }

    void afterTick() {
        if (sim.healed() && !converged) {
            converged = checkConverged();
        }
    }

    boolean converged() {
        return converged;
    }

    /** After healing: keep one probe write in flight at the current leader until it commits. */
    void probe() {
        int leader = servingLeader();
        if (leader < 0 || probeAcked) {
            return;
        }
        long epoch = sim.nodes[leader].core.epoch();
        if (epoch != probeEpoch) {
            long payload = -1_000_000 - epoch;
            if (sim.propose(leader, payload) >= 0) {
                probePayload = payload;
                probeEpoch = epoch;
            }
        }
    }

    private int servingLeader() {
        int found = -1;
        for (int i = 0; i < sim.n; i++) {
            if (sim.isLeaderServing(i)) {
                if (found >= 0) {
                    return -1;
                }
                found = i;
            }
        }
        return found;
    }

    private boolean checkConverged() {
        int leader = servingLeader();
        if (leader < 0 || !probeAcked) {
            return false;
        }
        ZabCore lc = sim.nodes[leader].core;
        if (lc.leaderCommitZxid().orElse(-1L) != lc.lastZxid()) {
            return false;
        }
        List<LogEntry> reference = sim.nodes[leader].applied;
        Membership last = lc.committedConfig();
        for (SimNode node : sim.nodes) {
            if (reconfigs() && !last.isMember(node.id)) {
                continue; // a member the final configuration does not name need not follow
            }
            if (!node.alive || !node.core.isServing() || node.core.leaderId() != leader + 1
                    || node.core.epoch() != lc.epoch() || node.applied.size() != reference.size()) {
                return false;
            }
        }
        long digest = SimStateMachine.digest(reference);
        for (SimNode node : sim.nodes) {
            if (reconfigs() && !last.isMember(node.id)) {
                continue;
            }
            if (SimStateMachine.digest(node.applied) != digest || !node.applied.equals(reference)) {
                fail("n" + node.id + " converged to a different state than leader n" + (leader + 1));
            }
        }
        for (Map.Entry<Long, Integer> a : acked.entrySet()) {
            int idx = a.getValue();
            if (idx >= reference.size() || ByteBuffer.wrap(reference.get(idx).data()).getLong() != a.getKey()) {
                fail("acknowledged write " + a.getKey() + " (index " + idx + ") lost from the final state");
            }
        }
        return true;
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        for (SimNode node : sim.nodes) {
            sb.append("\n    n").append(node.id).append(node.id > sim.voters ? " (observer)" : "");
            if (!node.alive) {
                sb.append(" dead");
                continue;
            }
            ZabCore c = node.core;
            sb.append(' ').append(c.role()).append(" leader=").append(c.leaderId()).append(" epoch=").append(c.epoch())
                    .append(" serving=").append(c.isServing()).append(" acc/cur=").append(c.acceptedEpoch()).append('/')
                    .append(c.currentEpoch()).append(" last=").append(Long.toHexString(c.lastZxid()))
                    .append(" applied=").append(node.applied.size()).append(" commit=").append(c.leaderCommitZxid());
            if (reconfigs()) {
                sb.append(" config=").append(c.committedConfig()).append(" pending=").append(c.pendingConfig());
            }
        }
        sb.append("\n    probeAcked=").append(probeAcked).append(" acked=").append(acked.size());
        return sb.toString();
    }

    SimResult result() {
        long diff = 0;
        long trunc = 0;
        long snap = 0;
        long restarts = 0;
        long rejected = 0;
        long elections = 0;
        for (SimNode node : sim.nodes) {
            ZabStats s = node.core.stats();
            diff += s.diffSyncs();
            trunc += s.truncSyncs();
            snap += s.snapSyncs();
            restarts += s.sessionRestarts();
            rejected += s.rejectedSyncBases();
            elections += s.elections();
        }
        return new SimResult(acked.size(), oracle.size(), leadersEstablished, syncsChecked, snapshotRegressions,
                diff, trunc, snap, restarts, rejected, elections);
    }
}
