package io.coord.recipes.leader;

/** What a leader can ask while in {@link LeaderSelectorListener#takeLeadership}. */
public interface LeadershipContext {
    /** False once leadership is lost (or the connection is suspended); stop working then. */
    boolean isLeader();

    /** Strictly increases from one leader to the next; pass it to what the leader writes to. */
    long fencingToken();

    String participantId();
}
