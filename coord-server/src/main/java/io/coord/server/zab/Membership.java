package io.coord.server.zab;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One configuration of the ensemble, as ZooKeeper's QuorumVerifier: who votes, who observes, and
 * its version (the zxid of the log entry that installed it; 0 for a configuration read from zoo.cfg
 * that no reconfig has changed yet). {@code encoded} is the adapter's own form of it (Coord's: the
 * text of {@code /zookeeper/config}, with addresses): the core never reads it, only carries it in
 * votes and sync bundles, so that members that missed a change learn it from others.
 */
public record Membership(long version, SortedSet<Long> voters, SortedSet<Long> observers, byte[] encoded) {
    public Membership {
        voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
        observers = Collections.unmodifiableSortedSet(new TreeSet<>(observers));
        encoded = encoded == null ? new byte[0] : encoded;
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("a configuration needs at least one voter");
        }
        for (long id : observers) {
            if (voters.contains(id)) {
                throw new IllegalArgumentException("member " + id + " is both a voter and an observer");
            }
        }
    }

    public static Membership of(long version, Set<Long> voters, Set<Long> observers, byte[] encoded) {
        return new Membership(version, new TreeSet<>(voters), new TreeSet<>(observers), encoded);
    }

    public boolean isVoter(long id) {
        return voters.contains(id);
    }

    public boolean isMember(long id) {
        return voters.contains(id) || observers.contains(id);
    }

    /** Voters that make a majority of this configuration. */
    public int quorumSize() {
        return voters.size() / 2 + 1;
    }

    /** True when the distinct voters among {@code ids} are a majority of this configuration's. */
    public boolean isQuorum(java.util.Collection<Long> ids) {
        int found = 0;
        for (Long voter : voters) { // a loop, not a stream: the leader asks on every tick and sync
            if (ids.contains(voter)) {
                found++;
            }
        }
        return found >= quorumSize();
    }

    /** Same voters and observers (the version and encoding aside). */
    public boolean sameMembers(Membership o) {
        return voters.equals(o.voters) && observers.equals(o.observers);
    }

    @Override
    public String toString() {
        return "Membership[v" + Long.toHexString(version) + " voters=" + voters + " observers=" + observers + "]";
    }
}
