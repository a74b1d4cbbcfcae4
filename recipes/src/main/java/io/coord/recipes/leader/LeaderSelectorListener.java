package io.coord.recipes.leader;

import io.coord.client.ConnectionState;

/** The work a {@link LeaderSelector} does while it leads. */
public interface LeaderSelectorListener {
    /**
     * Called when this participant becomes leader; it stays leader until this returns. Check
     * {@link LeadershipContext#isLeader()} between steps and stop when it turns false; a LOST
     * session also interrupts this thread. Runs on the selector's own thread, so it may block and
     * make blocking client and recipe calls.
     */
    void takeLeadership(LeadershipContext context) throws Exception;

    /**
     * SUSPENDED (may lose leadership soon), RECONNECTED or LOST, while leading. Runs on the
     * client's callback thread: be quick, and make no blocking client or recipe calls there (they
     * throw IllegalStateException); hand longer work to your own executor.
     */
    default void stateChanged(ConnectionState state) {
    }
}
