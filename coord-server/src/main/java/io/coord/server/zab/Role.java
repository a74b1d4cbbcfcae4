package io.coord.server.zab;

/** The role of a member, as in ZooKeeper's peer states (observers are not modelled). */
public enum Role {
    LOOKING, FOLLOWING, LEADING
}
