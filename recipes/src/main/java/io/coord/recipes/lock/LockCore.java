package io.coord.recipes.lock;

import io.coord.client.ConnectionState;
import io.coord.client.CoordClient;
import io.coord.client.CoordException.ConnectionLossException;
import io.coord.client.CoordException.SessionExpiredException;
import io.coord.client.CreateResult;
import io.coord.recipes.Blocking;
import io.coord.recipes.Deadline;
import io.coord.recipes.Nodes;
import io.coord.wire.CreateMode;
import io.coord.wire.Stat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The shared lock algorithm: an ephemeral-sequential contender node under the lock path, created
 * with the client's protected create (a create lost to a connection drop is found again, never
 * orphaned); the contender then watches only the node it waits for, so a release wakes one waiter.
 * Waits go through {@link Blocking}, so closing the client ends them with ClientClosedException.
 */
final class LockCore {
    private static final long RETRY_PAUSE_MS = 100;
    /** A new session means our node is gone: look again at once. */
    private static final Set<ConnectionState> WAKE_ON = EnumSet.of(ConnectionState.LOST, ConnectionState.CONNECTED);
    private final CoordClient client;
    private final Blocking blocking;
    private final String basePath;
    private final List<String> markers;
    private volatile boolean pathReady;

    /** @param markers name fragments (like "-lock-") that make a child a contender */
    LockCore(CoordClient client, String basePath, List<String> markers) {
        this.client = client;
        this.basePath = Nodes.checkPath(basePath);
        this.markers = List.copyOf(markers);
        this.blocking = new Blocking(client, "lock " + basePath);
    }

    Blocking blocking() {
        return blocking;
    }

    CoordClient client() {
        return client;
    }

    String basePath() {
        return basePath;
    }

    /** The contender node names, in sequence order. */
    List<String> contenders() {
        if (client.exists(basePath) == null) {
            return List.of();
        }
        return sorted(client.getChildren(basePath).children());
    }

    List<String> sorted(List<String> children) {
        List<String> out = new ArrayList<>();
        for (String n : children) {
            if (Nodes.sequence(n) >= 0 && markers.stream().anyMatch(n::contains)) {
                out.add(n);
            }
        }
        out.sort(Comparator.comparingLong(Nodes::sequence));
        return out;
    }

    /**
     * Creates a contender node named {@code prefix} + sequence and waits until {@code policy} says
     * it holds the lock.
     *
     * @param deadline when to give up
     * @return the held node, or null when the time ran out (the node is then deleted)
     */
    Node acquire(String prefix, LockPolicy policy, Deadline deadline, byte[] data) throws InterruptedException {
        Node node = null;
        try {
            while (true) {
                if (node == null) {
                    node = create(prefix, data);
                }
                Boolean held = waitTurn(node, policy, deadline);
                if (held == null) {
                    node = null; // our node vanished with an expired session: contend again
                } else if (held) {
                    Node result = node;
                    node = null;
                    return result;
                } else {
                    return null;
                }
            }
        } catch (SessionExpiredException | ConnectionLossException e) {
            throw new IllegalStateException("lock " + basePath + " could not be acquired: " + e.getMessage(), e);
        } finally {
            if (node != null) {
                abandon(node.path());
            }
        }
    }

    private Node create(String prefix, byte[] data) throws InterruptedException {
        if (!pathReady) {
            interruptible(() -> {
                Nodes.ensurePath(client, basePath);
                return null;
            });
            pathReady = true;
        }
        CreateResult r = interruptible(() -> client.createProtected(Nodes.join(basePath, prefix), data, Nodes.ACL,
                CreateMode.EPHEMERAL_SEQUENTIAL));
        return new Node(r.path(), r.stat().czxid());
    }

    /** True when held, false on timeout, null when our node is gone (session expired). */
    private Boolean waitTurn(Node node, LockPolicy policy, Deadline deadline) throws InterruptedException {
        String ourName = Nodes.name(node.path());
        while (true) {
            List<String> sorted;
            try {
                sorted = interruptible(() -> sorted(client.getChildren(basePath).children()));
            } catch (SessionExpiredException e) {
                return null;
            } catch (ConnectionLossException e) {
                if (!blocking.pause(RETRY_PAUSE_MS, deadline)) {
                    return false;
                }
                continue;
            }
            if (!sorted.contains(ourName)) {
                return null;
            }
            String blocker = policy.blocker(sorted, ourName);
            if (blocker == null) {
                return true;
            }
            try (Blocking.Wait wake = blocking.open(WAKE_ON)) {
                Stat stat = interruptible(() -> client.exists(Nodes.join(basePath, blocker), ev -> wake.wake()));
                if (stat == null) {
                    continue;
                }
                if (!wake.await(deadline)) {
                    return false;
                }
            } catch (SessionExpiredException e) {
                return null;
            } catch (ConnectionLossException e) {
                if (!blocking.pause(RETRY_PAUSE_MS, deadline)) {
                    return false;
                }
            }
        }
    }

    /** Deletes a node we no longer want, even if this thread was interrupted. */
    void abandon(String path) {
        boolean interrupted = Thread.interrupted();
        try {
            Nodes.deleteSafely(client, path, 0);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs a blocking client call: interrupted → InterruptedException, client closed → ClientClosedException. */
    <T> T interruptible(Supplier<T> call) throws InterruptedException {
        return blocking.call(call);
    }

    /** A held contender node and its fencing token (the zxid that created it). */
    record Node(String path, long czxid) {
    }
}
