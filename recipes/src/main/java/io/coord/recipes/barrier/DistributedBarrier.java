package io.coord.recipes.barrier;

import io.coord.client.CoordClient;
import io.coord.client.CoordException.NoNodeException;
import io.coord.client.CoordException.NodeExistsException;
import io.coord.recipes.Blocking;
import io.coord.recipes.Deadline;
import io.coord.recipes.Nodes;
import io.coord.wire.CreateMode;
import java.util.concurrent.TimeUnit;

/**
 * A barrier: while its node exists, {@link #waitOnBarrier} blocks; removing the node releases
 * every waiter. The node is persistent, so the barrier stays up if whoever set it goes away.
 */
public final class DistributedBarrier {
    private final CoordClient client;
    private final Blocking blocking;
    private final String path;

    public DistributedBarrier(CoordClient client, String path) {
        this.client = client;
        this.path = Nodes.checkPath(path);
        this.blocking = new Blocking(client, "barrier " + path);
    }

    /** Raises the barrier (no-op if up). */
    public void setBarrier() {
        Nodes.ensurePath(client, Nodes.parent(path));
        try {
            client.create(path, new byte[0], Nodes.ACL, CreateMode.PERSISTENT);
        } catch (NodeExistsException e) {
            // Already up.
        }
    }

    /** Lowers the barrier, releasing every waiter (no-op if down). */
    public void removeBarrier() {
        try {
            client.delete(path, -1);
        } catch (NoNodeException e) {
            // Already down.
        }
    }

    public boolean isSet() {
        return client.exists(path) != null;
    }

    /**
     * Waits until the barrier is down; false when the time ran out first.
     *
     * @throws io.coord.recipes.ClientClosedException when the client is closed meanwhile
     */
    public boolean waitOnBarrier(long timeout, TimeUnit unit) throws InterruptedException {
        Deadline deadline = Deadline.after(Math.max(0, timeout), unit);
        while (true) {
            try (Blocking.Wait changed = blocking.open()) {
                if (blocking.call(() -> client.exists(path, ev -> changed.wake())) == null) {
                    return true;
                }
                if (!changed.await(deadline)) {
                    return false;
                }
            }
        }
    }
}
