package io.coord.recipes.barrier;

import io.coord.client.CoordClient;
import io.coord.client.CoordException.NoNodeException;
import io.coord.client.CoordException.NodeExistsException;
import io.coord.recipes.Blocking;
import io.coord.recipes.Deadline;
import io.coord.recipes.Nodes;
import io.coord.wire.CreateMode;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A double barrier: {@link #enter} returns once {@code memberCount} members have entered, and
 * {@link #leave} once all of them have left. Each member is an ephemeral node under the barrier
 * path (a member that dies leaves with its session); the last to arrive creates {@code ready},
 * which releases those waiting to enter.
 */
public final class DistributedDoubleBarrier {
    private static final String READY = "ready";
    private final CoordClient client;
    private final Blocking blocking;
    private final String path;
    private final int memberCount;
    private final String memberPath;

    public DistributedDoubleBarrier(CoordClient client, String path, int memberCount) {
        if (memberCount < 1) {
            throw new IllegalArgumentException("memberCount must be >= 1, got " + memberCount);
        }
        this.client = client;
        this.path = Nodes.checkPath(path);
        this.blocking = new Blocking(client, "double barrier " + path);
        this.memberCount = memberCount;
        this.memberPath = Nodes.join(path, "member-" + UUID.randomUUID());
    }

    /**
     * Enters; true once all members are in, false when the time ran out (this member then leaves).
     *
     * @throws io.coord.recipes.ClientClosedException when the client is closed meanwhile
     */
    public boolean enter(long timeout, TimeUnit unit) throws InterruptedException {
        Deadline deadline = Deadline.after(Math.max(0, timeout), unit);
        blocking.run(() -> Nodes.ensurePath(client, path));
        String readyPath = Nodes.join(path, READY);
        try (Blocking.Wait ready = blocking.open()) {
            boolean readyNow = blocking.call(() -> client.exists(readyPath, ev -> ready.wake())) != null;
            try {
                blocking.run(() -> client.create(memberPath, new byte[0], Nodes.ACL, CreateMode.EPHEMERAL));
            } catch (NodeExistsException e) {
                // Entered before (a retried call): still a member.
            }
            if (readyNow) {
                return true;
            }
            if (blocking.call(this::members).size() >= memberCount) {
                try {
                    blocking.run(() -> client.create(readyPath, new byte[0], Nodes.ACL, CreateMode.PERSISTENT));
                } catch (NodeExistsException e) {
                    // Another member saw the count first.
                }
                return true;
            }
            if (ready.await(deadline)) {
                return true;
            }
        }
        Nodes.deleteSafely(client, memberPath, 0);
        return false;
    }

    /**
     * Leaves; true once every member has left, false when the time ran out.
     *
     * @throws io.coord.recipes.ClientClosedException when the client is closed meanwhile
     */
    public boolean leave(long timeout, TimeUnit unit) throws InterruptedException {
        Deadline deadline = Deadline.after(Math.max(0, timeout), unit);
        blocking.checkOpen();
        Nodes.deleteSafely(client, memberPath, 0);
        while (true) {
            try (Blocking.Wait changed = blocking.open()) {
                List<String> left;
                try {
                    left = memberNames(blocking.call(() -> client.getChildren(path, ev -> changed.wake())).children());
                } catch (NoNodeException e) {
                    return true;
                }
                if (left.isEmpty()) {
                    // Everyone is out: take the ready flag down for the next round.
                    Nodes.deleteSafely(client, Nodes.join(path, READY), -1);
                    return true;
                }
                if (!changed.await(deadline)) {
                    return false;
                }
            }
        }
    }

    /** Members currently inside. */
    public List<String> members() {
        return memberNames(client.getChildren(path).children());
    }

    private static List<String> memberNames(List<String> children) {
        return children.stream().filter(c -> c.startsWith("member-")).toList();
    }
}
