package io.coord.recipes.leader;

/**
 * Told when a {@link LeaderLatch} gains or loses leadership.
 *
 * <p><b>Threads.</b> {@link #isLeader()} runs on the latch's own thread. {@link #notLeader()} runs
 * on the latch's own thread when our node stops being the lowest; on the client's callback thread
 * when the connection drops, the session is lost or the client is closed (so the leader hears it
 * at once, before anyone else can lead); and on the thread calling {@link LeaderLatch#close()}.
 * {@link #suspended()} runs on the client's callback thread. On the client's callback thread a
 * listener must be quick and must not make blocking client or recipe calls (they throw
 * IllegalStateException there); since any of the three may run there, the safe rule is: flip a
 * flag, and hand longer work to your own executor.
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
