package io.coord.recipes.leader;

/**
 * Told when a {@link LeaderLatch} gains or loses leadership.
 *
 * <p><b>Thread.</b> Every method runs on the latch's own event thread, one call at a time, in the
 * order the changes happened (never on the client's callback thread). A listener may therefore
 * make blocking client and recipe calls; but while it runs, later events wait, so long work
 * belongs on your own executor. {@link LeaderLatch#hasLeadership()} changes when the event is
 * queued, so it may already have moved on when a listener runs: trust it over the last event.
 */
public interface LeaderLatchListener {
    /** This latch leads now: at start, after the previous leader left, or again after RECONNECTED. */
    void isLeader();

    /** This latch no longer leads (or may not: the connection dropped). */
    void notLeader();

    /**
     * The connection dropped while this latch led: it may lose leadership soon. {@link #notLeader()}
     * follows at once; {@link #isLeader()} comes again if the latch reconnects in the same session
     * and still leads.
     */
    default void suspended() {
    }
}
