package io.coord.recipes.lock;

/**
 * Told when a lease's state changes: SUSPENDED (may have lost it), HELD again after a reconnect in
 * the same session, or LOST (has lost it). Called on a client or timer thread; keep it quick.
 */
@FunctionalInterface
public interface LeaseListener {
    void leaseStateChanged(Lease lease, LeaseState state);
}
