package io.coord.server.sim;

import io.coord.server.pipeline.MemberState;
import io.coord.server.tree.DataTree;
import io.coord.server.zab.Role;
import io.coord.wire.Stat;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The invariants of the whole-member simulation, checked after every event of a member: members
 * that applied the same zxid hold trees with the same digest (and so does one member before and
 * after a restart, which is what makes it count standalone, where it is the only one); a serving leader holds every write
 * acknowledged to a client (at or below what it applied); the ephemerals of an ended session are
 * gone from every member that applied past the end. Client-side invariants live in
 * {@link SimClient}.
 */
final class MemberChecker {
    private final MemberSimulation sim;
    /** zxid -> tree digest of the first member seen resting there. */
    private final Map<Long, Long> digestAt = new HashMap<>();
    /** Acknowledged creates: path -> zxid of the create. */
    private final Map<String, Long> ackedCreates = new LinkedHashMap<>();
    /** Acknowledged setData per path: highest mzxid a client was told. */
    private final Map<String, Long> ackedSets = new HashMap<>();
    /** Ended sessions: id -> the highest zxid any member had applied when the client saw the end. */
    private final Map<Long, Long> endedSessions = new HashMap<>();
    private final long[] checkedZxid;
    long acks;
    long digestChecks;
    /** Digest checks that met an earlier digest at the same zxid (another member's, or an earlier incarnation's). */
    long digestComparisons;
    long leaderChecks;

    MemberChecker(MemberSimulation sim, int members) {
        this.sim = sim;
        this.checkedZxid = new long[members];
    }

    void fail(String what) {
        throw new AssertionError(sim.failureText(what));
    }

    void acked(String path, long zxid, SimClient c) {
        acks++;
        ackedCreates.putIfAbsent(path, zxid);
    }

    void ackedSet(String path, long mzxid) {
        acks++;
        ackedSets.merge(path, mzxid, Math::max);
    }

    long ackedMzxid(String path) {
        return ackedSets.getOrDefault(path, 0L);
    }

    void sessionEnded(long sessionId, String how) {
        sim.log("session 0x" + Long.toHexString(sessionId) + " ended (" + how + ")");
        if (sessionId != 0) {
            endedSessions.put(sessionId, sim.highestApplied());
        }
    }

    /** Member {@code m} started again: its restored tree is checked at its next event, whatever its zxid. */
    void booted(SimMember m) {
        checkedZxid[m.index] = -1;
    }

    /** After an event of member {@code m}: the checks that need its tree, when it applied something new. */
    void afterEvent(SimMember m) {
        if (!m.alive || m.core == null || m.storage.snapshotInProgress()) {
            return; // (the tree's one snapshot view is taken; it is looked at next time)
        }
        long zxid = m.core.appliedZxid();
        boolean leading = m.core.role() == Role.LEADING && m.core.isServing();
        if (zxid == checkedZxid[m.index]) {
            return;
        }
        checkedZxid[m.index] = zxid;
        DataTree tree = treeOf(m);
        digestChecks++;
        Long other = digestAt.putIfAbsent(zxid, tree.digest());
        digestComparisons += other != null ? 1 : 0;
        if (other != null && other != tree.digest()) {
            fail("member " + m.id + " has tree digest " + Long.toHexString(tree.digest()) + " at zxid 0x"
                    + Long.toHexString(zxid) + ", another member had " + Long.toHexString(other));
        }
        if (leading) {
            leaderChecks++;
            checkHolds(m, tree, zxid);
        }
    }

    /** Every acknowledged write at or below {@code zxid} is in {@code tree}. */
    private void checkHolds(SimMember m, DataTree tree, long zxid) {
        for (Map.Entry<String, Long> e : ackedCreates.entrySet()) {
            if (e.getValue() <= zxid && !tree.exists(e.getKey()) && !mayBeGone(e.getKey())) {
                fail("leader " + m.id + " at zxid 0x" + Long.toHexString(zxid) + " lacks " + e.getKey()
                        + ", acknowledged at zxid 0x" + Long.toHexString(e.getValue()));
            }
        }
        for (Map.Entry<String, Long> e : ackedSets.entrySet()) {
            Stat st = tree.stat(e.getKey());
            if (e.getValue() <= zxid && (st == null || st.mzxid() < e.getValue())) {
                fail("member " + m.id + " at zxid 0x" + Long.toHexString(zxid) + " lacks the write to " + e.getKey()
                        + " acknowledged at mzxid 0x" + Long.toHexString(e.getValue()));
            }
        }
    }

    /** Ephemerals go with their session; nothing else is ever deleted by the workload. */
    private boolean mayBeGone(String path) {
        return path.startsWith("/e");
    }

    /**
     * True once no live member holds an ephemeral of an ended session. A session a client was told
     * had expired can live on for a while (a new leader restarts the clocks of sessions whose close
     * had not committed), until it expires again: so this is waited for, not asserted at once.
     */
    boolean endedSessionsGone(Iterable<SimMember> members) {
        for (SimMember m : members) {
            if (m.alive) {
                DataTree tree = treeOf(m);
                for (long id : endedSessions.keySet()) {
                    if (!tree.ephemerals(id).isEmpty()) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** At the end: every live member holds every acknowledged write and no ephemeral of an ended session. */
    void finalCheck(Iterable<SimMember> members) {
        for (SimMember m : members) {
            if (!m.alive) {
                continue;
            }
            DataTree tree = treeOf(m);
            checkHolds(m, tree, Long.MAX_VALUE);
            for (long id : endedSessions.keySet()) {
                if (!tree.ephemerals(id).isEmpty()) {
                    String path = tree.ephemerals(id).iterator().next();
                    fail("member " + m.id + " still holds ephemerals " + tree.ephemerals(id) + " of ended session 0x"
                            + Long.toHexString(id) + " (" + path + " created at zxid 0x"
                            + Long.toHexString(tree.stat(path).czxid()) + ")");
                }
            }
        }
    }

    /** The member's committed tree, through the same blob a SNAP ships (no access to its internals). */
    static DataTree treeOf(SimMember m) {
        MemberState.Blob blob = MemberState.decodeBlob(m.state.snapshot(m.core.appliedZxid()));
        return DataTree.fromSnapshot(blob.nodes().iterator());
    }
}
