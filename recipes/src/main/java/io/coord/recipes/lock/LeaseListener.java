package io.coord.recipes.lock;

/**
 * Told when a lease's state changes: SUSPENDED (may have lost it), HELD again after a reconnect in
 * the same session, or LOST (has lost it; also when the client is closed).
 *
 * <p><b>Thread.</b> Runs on the client's callback executor — by default the client's single
 * callback thread, which also delivers every watch event and reply of that client. There it must
 * be quick and must not block: blocking client calls and blocking recipe calls (acquire, take,
 * await...) on that thread throw IllegalStateException, because they would wait for the thread
 * itself. Flip a flag or hand the work to your own executor.
 */
@FunctionalInterface
public interface LeaseListener {
    void leaseStateChanged(Lease lease, LeaseState state);
}
