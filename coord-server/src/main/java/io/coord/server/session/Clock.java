package io.coord.server.session;

/**
 * Time source for session expiry, injected so tests can drive it by hand.
 *
 * <p>{@link #nowMs()} must never go backwards: expiry is measured on it, and a wall clock that an
 * operator winds back would keep sessions alive (or kill them) for the wrong reasons.
 * {@link #wallMs()} only seeds session ids, where a value unique across restarts matters more than
 * monotonicity.
 */
@FunctionalInterface
public interface Clock {

    /** Monotonic milliseconds with an arbitrary origin. */
    long nowMs();

    /** Monotonic nanoseconds with an arbitrary origin, for latency figures; fakes may scale nowMs. */
    default long nowNanos() {
        return nowMs() * 1_000_000L;
    }

    /** Wall-clock milliseconds since the epoch, used to seed session ids; fakes may reuse nowMs. */
    default long wallMs() {
        return nowMs();
    }

    /** The production clock: monotonic nanoTime for expiry, the system wall clock for id seeds. */
    static Clock system() {
        return new Clock() {
            @Override
            public long nowMs() {
                return System.nanoTime() / 1_000_000L;
            }

            @Override
            public long nowNanos() {
                return System.nanoTime();
            }

            @Override
            public long wallMs() {
                return System.currentTimeMillis();
            }
        };
    }
}
