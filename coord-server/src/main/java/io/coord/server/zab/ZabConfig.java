package io.coord.server.zab;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Static configuration of one member's core. All durations are in ticks.
 *
 * @param myId             this member's id: a voter, an observer, or neither (a member a reconfig removed
 *                         keeps its last configuration and follows without a vote, as ZooKeeper's do)
 * @param voters           ids of all voting members
 * @param observers        ids of the non-voting members (ZooKeeper's observers): they learn every
 *                         committed txn and serve clients, but never vote in an election nor count
 *                         toward any quorum
 * @param initLimit        ticks allowed for discovery + synchronisation before giving up
 * @param syncLimit        ticks of silence after which leader/follower give up on each other
 * @param voteResendTicks  while LOOKING, notifications are re-broadcast this often
 * @param maxHistory       committed entries kept in memory beyond the applied point for DIFF syncs
 */
public record ZabConfig(long myId, Set<Long> voters, Set<Long> observers, int initLimit, int syncLimit,
                        int voteResendTicks, int maxHistory) {
    public ZabConfig {
        // A sorted set: iteration order (hence message order) must not depend on the JVM's hash salt.
        voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
        observers = Collections.unmodifiableSortedSet(new TreeSet<>(observers));
        for (long id : observers) {
            if (voters.contains(id)) {
                throw new IllegalArgumentException("member " + id + " is both a voter and an observer");
            }
        }
        if (initLimit < 1 || syncLimit < 1 || voteResendTicks < 1 || maxHistory < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** An ensemble without observers. */
    public ZabConfig(long myId, Set<Long> voters, int initLimit, int syncLimit, int voteResendTicks, int maxHistory) {
        this(myId, voters, Set.of(), initLimit, syncLimit, voteResendTicks, maxHistory);
    }

    /** True when this member is an observer (it never votes). */
    public boolean observing() {
        return observers.contains(myId);
    }

    /** True when {@code id} is a member of the ensemble: a voter or an observer. */
    public boolean isMember(long id) {
        return voters.contains(id) || observers.contains(id);
    }

    /** ZooKeeper-like defaults: initLimit 10, syncLimit 5, resend every tick, 1000 entries of history. */
    public static ZabConfig of(long myId, Set<Long> voters) {
        return new ZabConfig(myId, voters, 10, 5, 1, 1000);
    }

    /** As {@link #of(long, Set)}, with observers. */
    public static ZabConfig of(long myId, Set<Long> voters, Set<Long> observers) {
        return new ZabConfig(myId, voters, observers, 10, 5, 1, 1000);
    }
}
