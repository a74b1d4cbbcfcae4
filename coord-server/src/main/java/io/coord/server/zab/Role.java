package io.coord.server.zab;

/**
 * The role of a member, as in ZooKeeper's peer states. An observer is FOLLOWING while it observes:
 * it learns from the leader as a follower does; {@link ZabCore#observing()} tells the two apart.
 */
public enum Role {
    LOOKING, FOLLOWING, LEADING
}
