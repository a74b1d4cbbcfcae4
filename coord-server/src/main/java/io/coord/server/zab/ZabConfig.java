package io.coord.server.zab;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Static configuration of one member's core. All durations are in ticks.
 *
 * @param myId             this member's id (must be a voter)
 * @param voters           ids of all voting members
 * @param initLimit        ticks allowed for discovery + synchronisation before giving up
 * @param syncLimit        ticks of silence after which leader/follower give up on each other
 * @param voteResendTicks  while LOOKING, notifications are re-broadcast this often
 * @param maxHistory       committed entries kept in memory beyond the applied point for DIFF syncs
 */
public record ZabConfig(long myId, Set<Long> voters, int initLimit, int syncLimit,
                        int voteResendTicks, int maxHistory) {
    public ZabConfig {
        // A sorted set: iteration order (hence message order) must not depend on the JVM's hash salt.
        voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
        if (!voters.contains(myId)) {
            throw new IllegalArgumentException("myId " + myId + " is not a voter " + voters);
        }
        if (initLimit < 1 || syncLimit < 1 || voteResendTicks < 1 || maxHistory < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** ZooKeeper-like defaults: initLimit 10, syncLimit 5, resend every tick, 1000 entries of history. */
    public static ZabConfig of(long myId, Set<Long> voters) {
        return new ZabConfig(myId, voters, 10, 5, 1, 1000);
    }
}
