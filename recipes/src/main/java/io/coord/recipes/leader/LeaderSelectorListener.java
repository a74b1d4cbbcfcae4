package io.coord.recipes.leader;

import io.coord.client.ConnectionState;

/** The work a {@link LeaderSelector} does while it leads. */
public interface LeaderSelectorListener {
    /**
     * Called when this participant becomes leader; it stays leader until this returns. Check
     * {@link LeadershipContext#isLeader()} between steps and stop when it turns false; a LOST
     * session also interrupts this thread.
     */
    void takeLeadership(LeadershipContext context) throws Exception;

    /** SUSPENDED (may lose leadership soon), RECONNECTED or LOST, while leading. */
    default void stateChanged(ConnectionState state) {
    }
}
