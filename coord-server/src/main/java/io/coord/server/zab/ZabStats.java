package io.coord.server.zab;

/** Counters for tests and metrics; never read by the protocol. */
public final class ZabStats {
    long diffSyncs;
    long truncSyncs;
    long snapSyncs;
    long sessionRestarts;
    long rejectedSyncBases;
    long elections;
    long stepDowns;
    long leaderDisconnects;
    long leaderDisclaims;

    public long diffSyncs() {
        return diffSyncs;
    }

    public long truncSyncs() {
        return truncSyncs;
    }

    public long snapSyncs() {
        return snapSyncs;
    }

    /** Follower sessions restarted because of a detected gap or timeout. */
    public long sessionRestarts() {
        return sessionRestarts;
    }

    /** DIFF/TRUNC bundles a follower refused because the base was not in its history. */
    public long rejectedSyncBases() {
        return rejectedSyncBases;
    }

    public long elections() {
        return elections;
    }

    public long stepDowns() {
        return stepDowns;
    }

    /** Times a follower went LOOKING because its connection to the leader broke. */
    public long leaderDisconnects() {
        return leaderDisconnects;
    }

    /** Times a follower went LOOKING because the member it chose as leader backs another one. */
    public long leaderDisclaims() {
        return leaderDisclaims;
    }

    void countSync(SyncMode mode) {
        switch (mode) {
            case DIFF -> diffSyncs++;
            case TRUNC -> truncSyncs++;
            case SNAP -> snapSyncs++;
            default -> throw new IllegalArgumentException(String.valueOf(mode));
        }
    }
}
