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
 */
public record QuorumStatus(long myId, long leaderId, String zabState, long lastLoggedZxid, int voters,
                           int learners, int syncedFollowers, int pendingSyncs, List<Long> syncedObservers,
                           boolean observing) {

    public QuorumStatus {
        syncedObservers = List.copyOf(syncedObservers);
    }

    public boolean leading() {
        return leaderId == myId && "broadcast".equals(zabState);
    }
}
