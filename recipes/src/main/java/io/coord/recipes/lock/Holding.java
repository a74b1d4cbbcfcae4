package io.coord.recipes.lock;

import io.coord.client.ConnectionState;
import io.coord.client.CoordClient;
import io.coord.recipes.Nodes;
import io.coord.recipes.SessionGuard;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One held contender node, shared by the leases a reentrant holder took on it. Follows the
 * session: SUSPENDED and back to HELD, or LOST (the node is then deleted as soon as possible, in
 * case the session in fact survived).
 */
final class Holding {
    private final CoordClient client;
    private final String path;
    private final long token;
    private final List<LeaseListener> listeners;
    private final Runnable onEnd;
    private final SessionGuard guard;
    private Lease primary;
    private int count;
    private LeaseState state = LeaseState.HELD;

    /** @param onEnd run once when the holding ends (released or lost), to forget it */
    Holding(CoordClient client, String path, long token, List<LeaseListener> listeners, Runnable onEnd) {
        this.client = client;
        this.path = path;
        this.token = token;
        this.listeners = listeners;
        this.onEnd = onEnd;
        this.guard = new SessionGuard(client, this::onSession);
    }

    String path() {
        return path;
    }

    long token() {
        return token;
    }

    synchronized LeaseState state() {
        return state;
    }

    /** A new lease on this holding (reentrant acquisition). */
    synchronized Lease newLease() {
        count++;
        Lease lease = new SingleLease(this);
        if (primary == null) {
            primary = lease;
        }
        return lease;
    }

    void releaseOne() {
        synchronized (this) {
            if (state == LeaseState.LOST || state == LeaseState.RELEASED || --count > 0) {
                return;
            }
            state = LeaseState.RELEASED;
        }
        end();
        Nodes.deleteSafely(client, path, 0);
    }

    private void onSession(ConnectionState s) {
        LeaseState next;
        Lease lease;
        synchronized (this) {
            if (state == LeaseState.LOST || state == LeaseState.RELEASED) {
                return;
            }
            next = switch (s) {
                case SUSPENDED -> LeaseState.SUSPENDED;
                case RECONNECTED -> LeaseState.HELD;
                case LOST, CONNECTED, CLOSED -> LeaseState.LOST;
            };
            if (next == state) {
                return;
            }
            state = next;
            lease = primary;
        }
        if (next == LeaseState.LOST) {
            end();
            // If the session in fact lives on (a local LOST), the node must still go.
            Nodes.deleteWhenReconnected(client, path, 0);
        }
        for (LeaseListener l : listeners) {
            l.leaseStateChanged(lease, next);
        }
    }

    private void end() {
        guard.close();
        onEnd.run();
    }

    /** One acquisition's view of a holding; releasing it twice is harmless. */
    private static final class SingleLease implements Lease {
        private final Holding holding;
        private final AtomicBoolean released = new AtomicBoolean();

        SingleLease(Holding holding) {
            this.holding = holding;
        }

        @Override
        public long fencingToken() {
            return holding.token();
        }

        @Override
        public LeaseState state() {
            return released.get() ? LeaseState.RELEASED : holding.state();
        }

        @Override
        public void release() {
            if (released.compareAndSet(false, true)) {
                holding.releaseOne();
            }
        }

        @Override
        public String toString() {
            return "Lease[" + holding.path() + ", token=" + fencingToken() + ", " + state() + "]";
        }
    }
}
