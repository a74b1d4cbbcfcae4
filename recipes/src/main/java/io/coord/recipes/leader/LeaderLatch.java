package io.coord.recipes.leader;

import io.coord.client.ConnectionState;
import io.coord.client.CoordClient;
import io.coord.client.CoordException;
import io.coord.client.CoordException.NoNodeException;
import io.coord.recipes.Blocking;
import io.coord.recipes.Deadline;
import io.coord.recipes.Nodes;
import io.coord.recipes.SerialWorker;
import io.coord.recipes.SessionGuard;
import io.coord.wire.CreateMode;
import io.coord.wire.Stat;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election, latch style: every participant keeps an ephemeral-sequential node under the
 * election path; the lowest is the leader, and each other one watches only its predecessor.
 *
 * <p>Leadership follows the connection, as in Curator: when it drops (SUSPENDED) a leader is told
 * {@code suspended()} then {@code notLeader()} and {@link #hasLeadership()} turns false at once,
 * before any other participant can lead (this session must expire first). When the connection comes back in the
 * same session (RECONNECTED) and our node is still the lowest, the latch is told
 * {@code isLeader()} again. When the session is LOST (really, or because the connection stayed
 * down for a whole session timeout) the latch takes part again with a new node in the next
 * session. Closing the latch or its client ends leadership ({@code notLeader()}). Listeners run
 * on the latch's own event thread, in the order of the changes (see {@link LeaderLatchListener}).
 */
public final class LeaderLatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaderLatch.class);
    private static final long RETRY_MS = 200;
    private static final long EVENTS_DRAIN_MS = 3000;
    private final CoordClient client;
    private final String path;
    private final String participantId;
    private final List<LeaderLatchListener> listeners = new CopyOnWriteArrayList<>();
    private final SerialWorker worker;
    /** Runs the listeners, one event at a time, in the order of the changes. */
    private final SerialWorker events;
    private final Blocking blocking;
    private SessionGuard guard;
    private String ourPath;
    private boolean leader;
    /** Between SUSPENDED and RECONNECTED (or a new session): we may not lead then. */
    private boolean suspended;
    private boolean started;
    private boolean closed;

    public LeaderLatch(CoordClient client, String path, String participantId) {
        this.client = client;
        this.path = Nodes.checkPath(path);
        this.participantId = participantId;
        this.worker = new SerialWorker("leader-latch " + path, 1000);
        this.events = new SerialWorker("leader-latch-events " + path, 1000);
        this.blocking = new Blocking(client, "leader latch " + path);
    }

    public String participantId() {
        return participantId;
    }

    /** Its methods run on the latch's own event thread, in order; see {@link LeaderLatchListener}. */
    public void addListener(LeaderLatchListener listener) {
        listeners.add(listener);
    }

    /** Joins the election (in the background). */
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException("already started or closed");
        }
        started = true;
        guard = new SessionGuard(client, this::onSession);
        worker.submit(this::reset);
    }

    public synchronized boolean hasLeadership() {
        return leader;
    }

    /**
     * Waits until this latch leads; false when the time ran out or the latch was closed.
     *
     * @throws io.coord.recipes.ClientClosedException when the client is (or gets) closed first
     */
    public synchronized boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        Deadline deadline = Deadline.after(Math.max(0, timeout), unit);
        blocking.awaitOn(this, () -> leader || closed, deadline);
        return leader;
    }

    /** The current leader's participant id, read from the server. */
    public Optional<String> leaderId() {
        for (String name : Nodes.sortedBySequence(client.getChildren(path).children(), "-latch-")) {
            try {
                return Optional.of(client.getData(Nodes.join(path, name)).text());
            } catch (NoNodeException e) {
                // Gone meanwhile; the next one leads.
            }
        }
        return Optional.empty();
    }

    /** Leaves the election; a leader is told notLeader. */
    @Override
    public void close() {
        String node;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            node = ourPath;
            ourPath = null;
            notifyAll();
        }
        if (guard != null) {
            guard.close();
        }
        worker.close();
        setLeader(false);
        if (node != null) {
            Nodes.deleteSafely(client, node, 0);
        }
        events.closeWhenDone(EVENTS_DRAIN_MS); // the last notLeader still reaches the listeners
    }

    private void onSession(ConnectionState state) {
        switch (state) {
            case SUSPENDED -> {
                synchronized (this) {
                    suspended = true;
                    if (leader) {
                        tell(LeaderLatchListener::suspended);
                        setLeader(false); // until RECONNECTED shows our node is still the lowest
                    }
                }
            }
            case LOST -> {
                String stale;
                synchronized (this) {
                    stale = ourPath;
                    ourPath = null;
                }
                setLeader(false);
                if (stale != null) {
                    Nodes.deleteWhenReconnected(client, stale, 0);
                }
            }
            case CONNECTED -> {
                setSuspended(false);
                worker.submit(this::reset);
            }
            case RECONNECTED -> {
                setSuspended(false);
                worker.submit(this::check);
            }
            case CLOSED -> setLeader(false); // the session and our node are gone with the client
        }
    }

    /** (Re)joins with a fresh node. Runs on the worker. */
    private void reset() {
        try {
            String old;
            synchronized (this) {
                if (closed) {
                    return;
                }
                old = ourPath;
                ourPath = null;
            }
            if (old != null) {
                setLeader(false);
                Nodes.deleteSafely(client, old, 0);
            }
            Nodes.ensurePath(client, path);
            String created = client.createProtected(Nodes.join(path, "latch-"),
                    participantId.getBytes(StandardCharsets.UTF_8), Nodes.ACL, CreateMode.EPHEMERAL_SEQUENTIAL).path();
            boolean keep;
            synchronized (this) {
                keep = !closed;
                if (keep) {
                    ourPath = created;
                }
            }
            if (!keep) {
                Nodes.deleteSafely(client, created, 0);
                return;
            }
            check();
        } catch (CoordException e) {
            retryLater(this::reset, e);
        }
    }

    /** Leads if first, else watches the predecessor. Runs on the worker. */
    private void check() {
        String node;
        synchronized (this) {
            node = ourPath;
        }
        if (node == null) {
            return;
        }
        try {
            List<String> sorted = Nodes.sortedBySequence(client.getChildren(path).children(), "-latch-");
            int i = sorted.indexOf(Nodes.name(node));
            if (i < 0) {
                reset();
            } else if (i == 0) {
                setLeader(true); // not while suspended: RECONNECTED runs this check again
            } else {
                setLeader(false);
                Stat pred = client.exists(Nodes.join(path, sorted.get(i - 1)), ev -> worker.submit(this::check));
                if (pred == null) {
                    check();
                }
            }
        } catch (CoordException e) {
            retryLater(this::check, e);
        }
    }

    private void retryLater(Runnable task, CoordException e) {
        log.debug("election step on {} failed ({}); retrying", path, e.getMessage());
        CompletableFuture.delayedExecutor(RETRY_MS, TimeUnit.MILLISECONDS).execute(() -> {
            if (!client.isClosed()) { // a closed client rejects every call: stop trying
                worker.submit(task);
            }
        });
    }

    private synchronized void setSuspended(boolean now) {
        suspended = now;
    }

    private synchronized void setLeader(boolean now) {
        if (leader == now || (now && (closed || suspended || !guard.isHealthy()))) {
            return;
        }
        leader = now;
        notifyAll();
        tell(now ? LeaderLatchListener::isLeader : LeaderLatchListener::notLeader);
    }

    /** Queues a listener call; called under the latch's lock, so events keep the order of the changes. */
    private void tell(java.util.function.Consumer<LeaderLatchListener> call) {
        boolean queued = events.submit(() -> {
            for (LeaderLatchListener l : listeners) {
                try {
                    call.accept(l);
                } catch (RuntimeException e) {
                    log.warn("leader latch listener failed", e);
                }
            }
        });
        if (!queued) {
            log.warn("leader latch {}: listener event dropped (closed, or 1000 events queued)", path);
        }
    }
}
