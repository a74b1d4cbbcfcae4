package io.coord.recipes;

import io.coord.client.ConnectionState;
import io.coord.client.ConnectionStateListener;
import io.coord.client.CoordClient;
import io.coord.client.CoordException.RequestRejectedException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one way recipes block on a client. A recipe call waits either inside a blocking client call
 * or for an event (a watch, a state change) that a closed client will never deliver; both end
 * with {@link ClientClosedException} once the client is closed, and with
 * {@link InterruptedException} when the waiting thread is interrupted.
 *
 * <p>An event wait is a {@link Wait}: opened before the call that arms the watch (so an event
 * between the two is not missed), woken by the watch, by CLOSED, and by the connection states
 * the caller names; closed afterwards.
 */
public final class Blocking {
    private final CoordClient client;
    private final String what;

    /** @param what names the recipe in exception messages, e.g. "lock /locks/a" */
    public Blocking(CoordClient client, String what) {
        this.client = client;
        this.what = what;
    }

    public CoordClient client() {
        return client;
    }

    /** Throws ClientClosedException when the client is closed. */
    public void checkOpen() {
        if (client.isClosed()) {
            throw new ClientClosedException(what);
        }
    }

    /**
     * Runs a blocking client call. The client's rejection of a call is turned into
     * InterruptedException when this thread was interrupted, into ClientClosedException when the
     * client is closed, and rethrown otherwise (a request too large, too many queued).
     */
    public <T> T call(Supplier<T> call) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        checkOpen();
        try {
            return call.get();
        } catch (RequestRejectedException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (client.isClosed()) {
                throw new ClientClosedException(what, e);
            }
            throw e;
        }
    }

    /** Like {@link #call(Supplier)} for calls without a result. */
    public void run(Runnable call) throws InterruptedException {
        call(() -> {
            call.run();
            return null;
        });
    }

    /** Opens a wait that wakes on CLOSED only (and on {@link Wait#wake()}). */
    public Wait open() {
        return open(EnumSet.noneOf(ConnectionState.class));
    }

    /** Opens a wait that also wakes on the given connection states. */
    public Wait open(Set<ConnectionState> alsoWakeOn) {
        return new Wait(alsoWakeOn);
    }

    /**
     * Waits until {@code event} completes (in any way); false when the deadline passed first.
     * ClientClosedException when the client closes before the event.
     */
    public boolean await(CompletableFuture<?> event, Deadline deadline) throws InterruptedException {
        if (event.isDone()) {
            return true;
        }
        try (Wait w = open()) {
            event.whenComplete((v, e) -> w.wake());
            w.latchAwait(deadline);
        }
        if (event.isDone()) {
            return true;
        }
        checkOpen();
        return false;
    }

    /** Sleeps {@code ms} or until the deadline; false when the deadline had passed. Wakes on close. */
    public boolean pause(long ms, Deadline deadline) throws InterruptedException {
        if (deadline.expired()) {
            return false;
        }
        try (Wait w = open()) {
            w.await(Deadline.after(Math.min(ms, Math.max(1, deadline.remainingMs())), TimeUnit.MILLISECONDS));
        }
        return true;
    }

    /**
     * Waits on {@code monitor}, which the caller holds, until {@code done} holds or the deadline
     * passes; whoever makes {@code done} true must notifyAll on the monitor. Wakes on close.
     *
     * @return {@code done}'s last answer
     */
    public boolean awaitOn(Object monitor, BooleanSupplier done, Deadline deadline) throws InterruptedException {
        ConnectionStateListener onClose = s -> {
            if (s == ConnectionState.CLOSED) {
                synchronized (monitor) {
                    monitor.notifyAll();
                }
            }
        };
        client.addConnectionStateListener(onClose);
        try {
            while (!done.getAsBoolean()) {
                checkOpen();
                if (deadline.expired()) {
                    return false;
                }
                if (deadline.isNever()) {
                    monitor.wait();
                } else {
                    TimeUnit.NANOSECONDS.timedWait(monitor, deadline.remainingNanos());
                }
            }
            return true;
        } finally {
            client.removeConnectionStateListener(onClose);
        }
    }

    /** One wait for an event; see {@link Blocking}. Close it (try-with-resources) when done. */
    public final class Wait implements AutoCloseable {
        private final CountDownLatch latch = new CountDownLatch(1);
        private final ConnectionStateListener listener;

        private Wait(Set<ConnectionState> alsoWakeOn) {
            Set<ConnectionState> states = EnumSet.copyOf(alsoWakeOn.isEmpty()
                    ? EnumSet.of(ConnectionState.CLOSED) : alsoWakeOn);
            states.add(ConnectionState.CLOSED);
            listener = s -> {
                if (states.contains(s)) {
                    latch.countDown();
                }
            };
            client.addConnectionStateListener(listener);
            // Added after a close: CLOSED will not come, but the flag is already up.
            if (client.isClosed()) {
                client.removeConnectionStateListener(listener);
                throw new ClientClosedException(what);
            }
        }

        /** Wakes the waiter (give it to the watch this wait is for). */
        public void wake() {
            latch.countDown();
        }

        /** Waits until woken; false when the deadline passed first. ClientClosedException on close. */
        public boolean await(Deadline deadline) throws InterruptedException {
            boolean woken = latchAwait(deadline);
            checkOpen();
            return woken;
        }

        private boolean latchAwait(Deadline deadline) throws InterruptedException {
            return deadline.await(latch);
        }

        @Override
        public void close() {
            client.removeConnectionStateListener(listener);
        }
    }
}
