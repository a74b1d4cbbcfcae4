package io.coord.server.zab;

/**
 * A role transition. {@code serving} is false while discovery/synchronisation is in progress and
 * becomes true once the leader has a quorum of NEWLEADER acks (leader) or the follower got UPTODATE.
 * {@code epoch} is -1 while not yet known; {@code leaderId} is -1 while LOOKING.
 */
public record RoleChange(Role role, long leaderId, long epoch, boolean serving) {
}
