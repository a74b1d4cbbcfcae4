package io.coord.recipes.lock;

/** Where a {@link Lease} stands. */
public enum LeaseState {
    /** Held, and the session is connected. */
    HELD,
    /** The connection dropped: the lease may have been lost. Stop writing to what it guards. */
    SUSPENDED,
    /** The lease is gone (session expired or suspended for a whole session timeout). */
    LOST,
    /** Released by its holder. */
    RELEASED
}
