package io.coord.recipes;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A point in time on the monotonic clock, or never. Recipes wait through {@link Blocking}, which
 * also ends a wait when the client closes.
 */
public final class Deadline {
    private final boolean never;
    private final long atNanos;

    private Deadline(boolean never, long atNanos) {
        this.never = never;
        this.atNanos = atNanos;
    }

    public static Deadline never() {
        return new Deadline(true, 0);
    }

    /** {@code timeout} from now; a negative timeout means never. */
    public static Deadline after(long timeout, TimeUnit unit) {
        return timeout < 0 ? never() : new Deadline(false, System.nanoTime() + unit.toNanos(timeout));
    }

    public boolean isNever() {
        return never;
    }

    public long remainingNanos() {
        return never ? Long.MAX_VALUE : Math.max(0, atNanos - System.nanoTime());
    }

    public long remainingMs() {
        return never ? Long.MAX_VALUE : TimeUnit.NANOSECONDS.toMillis(remainingNanos());
    }

    public boolean expired() {
        return !never && atNanos - System.nanoTime() <= 0;
    }

    /** Waits for the latch until the deadline; false when the time ran out first. */
    public boolean await(CountDownLatch latch) throws InterruptedException {
        if (never) {
            latch.await();
            return true;
        }
        return latch.await(remainingNanos(), TimeUnit.NANOSECONDS);
    }

}
