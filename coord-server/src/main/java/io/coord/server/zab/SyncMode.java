package io.coord.server.zab;

/** How a leader brings a follower's history in line with its own. */
public enum SyncMode {
    /** Follower's history is a prefix of the leader's: send the missing entries. */
    DIFF,
    /** Follower has entries the leader lacks: cut them, then send what the leader has after the cut. */
    TRUNC,
    /** Follower is too far behind (or its history is unknown): ship the leader's state, then entries. */
    SNAP
}
