package io.coord.server.zab;

/** The leader's record of one follower session. */
final class LearnerHandler {
    enum Phase { INFO, EPOCH_SENT, EPOCH_ACKED, SYNC_SENT, SYNCED, SERVING }

    final long sid;
    final long session;
    /** An observer: sent only committed txns (INFORM), never counted toward a quorum. */
    final boolean observer;
    Phase phase = Phase.INFO;
    long followerCurrentEpoch = -1;
    long followerLastZxid = -1;
    boolean counted;
    boolean needSnap;
    /** Last zxid of the sync bundle: an ack at or beyond it acknowledges NEWLEADER. */
    long syncLastZxid = -1;
    /** Highest zxid this follower has durably logged (valid from SYNCED on). */
    long ackedZxid = -1;
    /** Highest zxid sent to this follower in this session. */
    long sentLastZxid = -1;
    long lastHeardTick;
    long lastRound;

    LearnerHandler(long sid, long session, boolean observer, long now) {
        this.sid = sid;
        this.session = session;
        this.observer = observer;
        this.lastHeardTick = now;
    }

    boolean atLeast(Phase p) {
        return phase.compareTo(p) >= 0;
    }
}
