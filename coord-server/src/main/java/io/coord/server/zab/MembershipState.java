package io.coord.server.zab;

import java.util.Collection;
import java.util.function.LongUnaryOperator;
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
    /** What {@link #quorumFloor}'s operator answers for a member that has logged nothing it told. */
    static final long NOT_LOGGED = Long.MIN_VALUE;
    private VoterIds committedIds = new VoterIds(null);
    private VoterIds pendingIds = new VoterIds(null);
    private long[] scratch = new long[0];

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
     * logged zxid ({@link #NOT_LOGGED} for a member that has told none); -1 when some configuration
     * has no quorum among them. The leader asks on every ack: nothing is allocated (voter ids and
     * values in arrays kept here, sorted in place).
     */
    long quorumFloor(LongUnaryOperator loggedBySid) {
        if (committedIds.of != committed) {
            committedIds = new VoterIds(committed);
        }
        long floor = quorumFloorOf(committedIds, loggedBySid);
        if (pending == null) {
            return floor;
        }
        if (pendingIds.of != pending) {
            pendingIds = new VoterIds(pending);
        }
        return Math.min(floor, quorumFloorOf(pendingIds, loggedBySid));
    }

    private long quorumFloorOf(VoterIds voters, LongUnaryOperator loggedBySid) {
        long[] ids = voters.ids;
        if (scratch.length < ids.length) {
            scratch = new long[ids.length];
        }
        int n = 0;
        for (long id : ids) {
            long v = loggedBySid.applyAsLong(id);
            if (v != NOT_LOGGED) {
                int i = n++;
                for (; i > 0 && scratch[i - 1] > v; i--) { // insertion sort: a handful of voters
                    scratch[i] = scratch[i - 1];
                }
                scratch[i] = v;
            }
        }
        int q = voters.of.quorumSize();
        return n < q ? -1 : scratch[n - q];
    }

    /** A configuration's voter ids as an array, made once per configuration. */
    private static final class VoterIds {
        final Membership of;
        final long[] ids;

        VoterIds(Membership m) {
            of = m;
            ids = m == null ? new long[0] : m.voters().stream().mapToLong(Long::longValue).toArray();
        }
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
