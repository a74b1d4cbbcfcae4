package io.coord.server.admin;

import java.util.List;

/**
 * An ensemble member's view of the quorum, read on its request thread together with
 * {@link ServerStatus} (null there for a standalone server).
 *
 * @param myId             this member's id
 * @param leaderId         the leader this member leads or follows; -1 while looking
 * @param zabState         ZooKeeper's ZabState names: {@code election} while looking,
 *                         {@code synchronization} while joining a leader (Coord does not tell
 *                         discovery from synchronization apart), {@code broadcast} while serving
 * @param lastLoggedZxid   the highest zxid in this member's log
 * @param voters           voting members in the configuration (mntr's zk_quorum_size)
 * @param learners         followers and observers connected to this member while it leads, else 0
 * @param syncedFollowers  of those, the voting followers that completed their sync
 * @param syncedObservers  of those, the observers that completed their sync (ids); empty unless leading
 * @param pendingSyncs     client syncs waiting for a quorum while it leads, else 0
 * @param observing        this member is an observer (it never votes)
 * @param followerLags     while it leads and serves, each synced voting follower's lag; else empty
 * @param membership       the configuration this member goes by now (its last committed one, after
 *                         any reconfig), in ZooKeeper's dynamic-file text: what the AdminServer and
 *                         JMX show as member addresses ({@link MemberAddresses})
 */
public record QuorumStatus(long myId, long leaderId, String zabState, long lastLoggedZxid, int voters,
                           int learners, int syncedFollowers, int pendingSyncs, List<Long> syncedObservers,
                           boolean observing, List<FollowerLag> followerLags, int syncedNonVotingFollowers,
                           String membership) {

    public QuorumStatus {
        syncedObservers = List.copyOf(syncedObservers);
        followerLags = List.copyOf(followerLags);
    }

    /**
     * How far a synced voting follower is behind the leader's log: txns it has not acked, and how
     * long ago (leader's clock) the oldest of them was proposed; both 0 when it acked everything.
     */
    public record FollowerLag(long followerId, long lagZxids, long lagMs) {
    }

    public boolean leading() {
        return leaderId == myId && "broadcast".equals(zabState);
    }
}
