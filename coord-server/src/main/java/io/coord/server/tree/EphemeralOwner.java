package io.coord.server.tree;

/**
 * Meaning of {@code Stat.ephemeralOwner}, as ZooKeeper's extended types: 0 = persistent; exactly
 * 0x8000000000000000 = container; high byte 0xFF with the next two bytes 0 = TTL node whose TTL in
 * milliseconds is the low 40 bits; anything else = the id of the owning session. Session ids must
 * therefore never be {@link #CONTAINER} nor start with byte 0xFF.
 */
public final class EphemeralOwner {
    public static final long CONTAINER = Long.MIN_VALUE;
    public static final long MAX_TTL_MS = 0x000000FFFFFFFFFFL;
    private static final long EXTENDED_MASK = 0xFF00000000000000L;
    private static final long RESERVED_MASK = 0x00FFFF0000000000L;

    private EphemeralOwner() {
    }

    /** The owner value of a TTL node; throws IllegalArgumentException unless 0 < ttl <= MAX_TTL_MS. */
    public static long ttl(long ttlMs) {
        if (ttlMs <= 0 || ttlMs > MAX_TTL_MS) {
            throw new IllegalArgumentException("ttl must be in 1.." + MAX_TTL_MS + " ms, got " + ttlMs);
        }
        return EXTENDED_MASK | ttlMs;
    }

    public static boolean isContainer(long owner) {
        return owner == CONTAINER;
    }

    public static boolean isTtl(long owner) {
        return (owner & EXTENDED_MASK) == EXTENDED_MASK && (owner & RESERVED_MASK) == 0;
    }

    /** The TTL in ms of a TTL node's owner value, else 0. */
    public static long ttlMs(long owner) {
        return isTtl(owner) ? owner & MAX_TTL_MS : 0;
    }

    /** True when the owner is a session, i.e. the node is a plain ephemeral. */
    public static boolean isSession(long owner) {
        return owner != 0 && !isContainer(owner) && !isTtl(owner);
    }
}
