package io.coord.recipes.lock;

import io.coord.client.CoordClient;
import io.coord.client.CoordException.ConnectionLossException;
import io.coord.client.CoordException.SessionExpiredException;
import io.coord.client.CreateResult;
import io.coord.recipes.Blocking;
import io.coord.recipes.Deadline;
import io.coord.recipes.Nodes;
import io.coord.wire.CreateMode;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A counting semaphore: at most {@code maxLeases} leases are held at once, across all clients.
 * Each lease is an ephemeral-sequential node under {@code path/leases}; a holder that dies frees
 * its slot with its session. Acquirers take turns through a mutex at {@code path/lock}, so only
 * one of them at a time waits for a slot (no herd when a slot frees). Every client must use the
 * same {@code maxLeases}. Not reentrant: each acquire takes one more slot.
 */
public final class DistributedSemaphore {
    private final CoordClient client;
    private final String leasesPath;
    private final int maxLeases;
    private final DistributedMutex turnstile;
    private final LockCore core;
    private final List<LeaseListener> listeners = new CopyOnWriteArrayList<>();

    public DistributedSemaphore(CoordClient client, String path, int maxLeases) {
        if (maxLeases < 1) {
            throw new IllegalArgumentException("maxLeases must be >= 1, got " + maxLeases);
        }
        this.client = client;
        this.leasesPath = Nodes.join(Nodes.checkPath(path), "leases");
        this.maxLeases = maxLeases;
        this.turnstile = new DistributedMutex(client, Nodes.join(path, "lock"));
        this.core = new LockCore(client, leasesPath, List.of("-lease-"));
    }

    public int maxLeases() {
        return maxLeases;
    }

    public Lease acquire() throws InterruptedException {
        return acquire(Deadline.never()).orElseThrow();
    }

    /** Waits at most {@code timeout} for a slot; empty when the time ran out. */
    public Optional<Lease> tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
        return acquire(Deadline.after(Math.max(0, timeout), unit));
    }

    private Optional<Lease> acquire(Deadline deadline) throws InterruptedException {
        Optional<Lease> turn = turnstile.acquire(deadline);
        if (turn.isEmpty()) {
            return Optional.empty();
        }
        try {
            core.blocking().run(() -> Nodes.ensurePath(client, leasesPath));
            CreateResult created = core.interruptible(() -> client.createProtected(Nodes.join(leasesPath, "lease-"),
                    new byte[0], Nodes.ACL, CreateMode.EPHEMERAL_SEQUENTIAL));
            boolean ok = false;
            try {
                ok = waitForSlot(deadline);
            } finally {
                if (!ok) {
                    core.abandon(created.path());
                }
            }
            if (!ok) {
                return Optional.empty();
            }
            Holding holding = new Holding(client, created.path(), created.stat().czxid(), listeners, () -> { });
            return Optional.of(holding.newLease());
        } finally {
            turn.get().release();
        }
    }

    private boolean waitForSlot(Deadline deadline) throws InterruptedException {
        Blocking blocking = core.blocking();
        while (true) {
            try (Blocking.Wait changed = blocking.open()) {
                int held;
                try {
                    held = blocking.call(() -> core.sorted(
                            client.getChildren(leasesPath, ev -> changed.wake()).children()).size());
                } catch (ConnectionLossException | SessionExpiredException e) {
                    if (!blocking.pause(100, deadline)) {
                        return false;
                    }
                    continue;
                }
                if (held <= maxLeases) {
                    return true;
                }
                if (!changed.await(deadline)) {
                    return false;
                }
            }
        }
    }

    /**
     * Slots currently held. Acquirers take turns, so at most one of them has a lease node while it
     * waits for a slot, and its node is the newest: every node beyond {@code maxLeases} is a
     * waiting acquirer's, not a holder's.
     */
    public int leasesInUse() {
        return Math.min(core.contenders().size(), maxLeases);
    }

    /** Like {@link DistributedMutex#addListener}: on the client's callback thread, no blocking calls. */
    public void addListener(LeaseListener listener) {
        listeners.add(listener);
    }

    public void removeListener(LeaseListener listener) {
        listeners.remove(listener);
    }
}
