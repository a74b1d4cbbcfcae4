package io.coord.server.zab;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/** Majority quorum arithmetic over a fixed voter set. */
public final class Quorum {
    private final Set<Long> voters;

    public Quorum(Set<Long> voters) {
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("no voters");
        }
        this.voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters)); // deterministic order
    }

    public Set<Long> voters() {
        return voters;
    }

    public int size() {
        return voters.size() / 2 + 1;
    }

    public boolean isVoter(long id) {
        return voters.contains(id);
    }

    /** True if the distinct voters among {@code ids} form a majority; non-voters are ignored. */
    public boolean isQuorum(Collection<Long> ids) {
        long n = ids.stream().distinct().filter(voters::contains).count();
        return n >= size();
    }

    /**
     * The largest value v such that a quorum of the given per-voter values is at least v, or -1 if
     * fewer than a quorum of values are given. With cumulative acks this is the commit point.
     */
    public long quorumFloor(long[] valuesOfDistinctVoters) {
        int q = size();
        if (valuesOfDistinctVoters.length < q) {
            return -1;
        }
        long[] sorted = valuesOfDistinctVoters.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length - q];
    }
}
