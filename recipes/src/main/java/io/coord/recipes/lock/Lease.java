package io.coord.recipes.lock;

/**
 * Proof of holding a lock, a semaphore slot or several locks. Pass {@link #fencingToken()} to
 * the resource the lock guards and have it reject tokens lower than the highest it has seen:
 * a holder that was paused past its session and lost the lock is then refused.
 */
public interface Lease extends AutoCloseable {
    /**
     * A number that strictly increases from one holder of the same lock to the next: the zxid
     * that created this holder's lock node.
     */
    long fencingToken();

    LeaseState state();

    /** True while HELD: not released, not lost, and the connection is up. */
    default boolean isValid() {
        return state() == LeaseState.HELD;
    }

    /**
     * Gives the lease back. Idempotent. Safe after a connection loss: the delete is retried and,
     * if the connection is still down, done once it returns.
     */
    void release();

    @Override
    default void close() {
        release();
    }
}
