package io.coord.server.zab;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The configurations a member's quorums are counted in (ZooKeeper's quorum verifier and last seen
 * quorum verifier): the last committed one, and the one a reconfig entry in the log proposes while
 * that entry's commit is unknown. While one is pending, every quorum of the leader (epoch, NEWLEADER,
 * commit, sync, liveness) must be a quorum of both, so that the old configuration cannot decide
 * anything the new one does not know and vice versa.
 *
 * <p>Why a pending entry becomes committed: when it is applied (its commit is known); when a later
 * reconfig entry follows it in the log (a leader proposes a change only once the last one committed);
 * or when a member learns a committed configuration of a higher version from a vote or a sync bundle.
 */
final class MembershipState {
    private final MembershipCodec codec;
    private Membership committed;
    private Membership pending;
    private boolean changed;

    MembershipState(MembershipCodec codec, Membership committed) {
        this.codec = codec;
        this.committed = committed;
    }

    Membership committed() {
        return committed;
    }

    /** The configuration a reconfig entry in the log proposes, not known to be committed; or null. */
    Membership pending() {
        return pending;
    }

    MembershipCodec codec() {
        return codec;
    }

    /** True when {@code ids} hold a quorum of voters of the committed configuration and of the pending one. */
    boolean isQuorum(Collection<Long> ids) {
        return committed.isQuorum(ids) && (pending == null || pending.isQuorum(ids));
    }

    /**
     * True when {@code ids} hold a quorum of the committed configuration's voters, whatever is pending:
     * the election's quorums (see {@link FastLeaderElection}; it decides nothing for safety).
     */
    boolean isCommittedQuorum(Collection<Long> ids) {
        return committed.isQuorum(ids);
    }

    /**
     * The highest zxid that a quorum of each configuration has logged, given each member's highest
     * logged zxid; -1 when some configuration has no quorum among them.
     */
    long quorumFloor(Map<Long, Long> loggedBySid) {
        long floor = quorumFloorOf(committed, loggedBySid);
        return pending == null ? floor : Math.min(floor, quorumFloorOf(pending, loggedBySid));
    }

    private static long quorumFloorOf(Membership m, Map<Long, Long> loggedBySid) {
        List<Long> values = new ArrayList<>();
        for (long id : m.voters()) {
            Long v = loggedBySid.get(id);
            if (v != null) {
                values.add(v);
            }
        }
        int q = m.quorumSize();
        if (values.size() < q) {
            return -1;
        }
        values.sort(null);
        return values.get(values.size() - q);
    }

    /** True when {@code id} votes in the committed or the pending configuration. */
    boolean isVoterInAny(long id) {
        return committed.isVoter(id) || (pending != null && pending.isVoter(id));
    }

    /** Voters of the committed and the pending configuration, in id order (election notifications go to them). */
    SortedSet<Long> allVoters() {
        SortedSet<Long> all = new TreeSet<>(committed.voters());
        if (pending != null) {
            all.addAll(pending.voters());
        }
        return all;
    }

    /** True when the committed configuration makes {@code id} an observer. */
    boolean observing(long id) {
        return committed.observers().contains(id);
    }

    /** True when {@code id} is the only voter of every configuration in force (it decides alone). */
    boolean soleVoter(long id) {
        return committed.voters().equals(java.util.Set.of(id))
                && (pending == null || pending.voters().equals(java.util.Set.of(id)));
    }

    /** A txn was appended to the log. */
    void onAppended(long zxid, byte[] txn, Actions.Builder out) {
        Membership m = codec.configIn(zxid, txn);
        if (m == null) {
            return;
        }
        if (m.version() != zxid) {
            throw new IllegalStateException("reconfig entry " + Zxid.format(zxid) + " carries version "
                    + Zxid.format(m.version()));
        }
        if (pending != null) {
            commit(pending, out); // a change is proposed only once the previous one committed
        }
        pending = m.version() > committed.version() ? m : null;
    }

    /** Entries through {@code zxid} were applied (committed). */
    void onApplied(long zxid, Actions.Builder out) {
        if (pending != null && pending.version() <= zxid) {
            Membership m = pending;
            pending = null;
            commit(m, out);
        }
    }

    /** The log lost every entry after {@code zxid} (TRUNC sync, or a full disk). */
    void onTruncated(long zxid) {
        if (pending != null && pending.version() > zxid) {
            pending = null;
        }
    }

    /** The log was replaced by a snapshot: what it held is gone, the sync bundle's configuration tells the rest. */
    void onSnapshotInstalled() {
        pending = null;
    }

    /**
     * A configuration committed elsewhere (a vote's or a sync bundle's): taken when it is newer than
     * ours. Returns true when it was taken.
     */
    boolean adopt(Membership m, Actions.Builder out) {
        if (m == null || m.version() <= committed.version()) {
            return false;
        }
        if (pending != null && pending.version() <= m.version()) {
            pending = null;
        }
        commit(m, out);
        return true;
    }

    private void commit(Membership m, Actions.Builder out) {
        if (m.version() <= committed.version()) {
            return;
        }
        committed = m;
        changed = true;
        out.configChanged(m);
    }

    /** True once after each change of the committed configuration (the core then re-checks its role). */
    boolean takeChanged() {
        boolean c = changed;
        changed = false;
        return c;
    }
}
