package io.coord.server.admin;

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
 * @param learners         followers connected to this member while it leads, else 0
 * @param syncedFollowers  of those, the ones that completed their sync
 * @param pendingSyncs     client syncs waiting for a quorum while it leads, else 0
 */
public record QuorumStatus(long myId, long leaderId, String zabState, long lastLoggedZxid, int voters,
                           int learners, int syncedFollowers, int pendingSyncs) {

    public boolean leading() {
        return leaderId == myId && "broadcast".equals(zabState);
    }
}
