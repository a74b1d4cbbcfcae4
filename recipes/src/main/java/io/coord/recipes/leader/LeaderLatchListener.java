package io.coord.recipes.leader;

/** Told when a {@link LeaderLatch} gains or loses leadership, on the latch thread (LOST: a connection thread). */
public interface LeaderLatchListener {
    void isLeader();

    void notLeader();

    /** The connection dropped while this latch leads: it may lose leadership soon. */
    default void suspended() {
    }
}
