package io.coord.recipes.leader;

import io.coord.client.ConnectionState;
import io.coord.client.CoordClient;
import io.coord.recipes.ClientClosedException;
import io.coord.recipes.lock.DistributedMutex;
import io.coord.recipes.lock.Lease;
import io.coord.recipes.lock.LeaseState;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election, selector style: participants queue on a mutex at the election path; the holder
 * runs {@link LeaderSelectorListener#takeLeadership} on the selector's thread and relinquishes
 * leadership when it returns. With {@link #autoRequeue} it then queues again. A SUSPENDED
 * connection is reported to the listener; a LOST session ends leadership at once (the leader's
 * thread is interrupted and {@link LeadershipContext#isLeader()} turns false).
 */
public final class LeaderSelector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaderSelector.class);
    private final DistributedMutex mutex;
    private final String participantId;
    private final LeaderSelectorListener listener;
    private final ExecutorService executor;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile boolean autoRequeue;
    private volatile boolean closed;
    private volatile Lease current;
    private volatile Thread leaderThread;

    public LeaderSelector(CoordClient client, String path, String participantId, LeaderSelectorListener listener) {
        this.mutex = new DistributedMutex(client, path, participantId.getBytes(StandardCharsets.UTF_8));
        this.participantId = participantId;
        this.listener = listener;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "leader-selector " + path);
            t.setDaemon(true);
            return t;
        });
        mutex.addListener(this::onLease);
    }

    /** After leadership ends, queue for it again (until closed). */
    public LeaderSelector autoRequeue() {
        autoRequeue = true;
        return this;
    }

    public void start() {
        requeue();
    }

    /** Queues for leadership once more; false if already queued or leading, or closed. */
    public boolean requeue() {
        if (closed || !queued.compareAndSet(false, true)) {
            return false;
        }
        executor.execute(this::run);
        return true;
    }

    public boolean hasLeadership() {
        Lease l = current;
        return l != null && l.isValid();
    }

    /** The current leader's participant id, read from the server. */
    public Optional<String> leaderId() {
        return mutex.holderData().map(b -> new String(b, StandardCharsets.UTF_8));
    }

    private void run() {
        try {
            while (!closed) {
                Lease lease = mutex.acquire();
                current = lease;
                leaderThread = Thread.currentThread();
                try {
                    listener.takeLeadership(context(lease));
                } catch (InterruptedException e) {
                    log.debug("leadership of {} interrupted", participantId);
                } catch (Exception e) {
                    log.warn("takeLeadership of {} failed", participantId, e);
                } finally {
                    leaderThread = null;
                    current = null;
                    Thread.interrupted(); // an interrupt aimed at the leadership must not end the next turn
                    lease.release();
                }
                if (!autoRequeue) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            log.debug("selector {} stopped waiting", participantId);
        } catch (ClientClosedException e) {
            log.debug("selector {} stopped: {}", participantId, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("selector {} could not contend", participantId, e);
        } finally {
            queued.set(false);
        }
    }

    private LeadershipContext context(Lease lease) {
        return new LeadershipContext() {
            @Override
            public boolean isLeader() {
                return lease.isValid() && !closed;
            }

            @Override
            public long fencingToken() {
                return lease.fencingToken();
            }

            @Override
            public String participantId() {
                return participantId;
            }
        };
    }

    private void onLease(Lease lease, LeaseState state) {
        if (lease != current && state != LeaseState.LOST) {
            return;
        }
        switch (state) {
            case SUSPENDED -> notifyState(ConnectionState.SUSPENDED);
            case HELD -> notifyState(ConnectionState.RECONNECTED);
            case LOST -> {
                // isLeader() is already false; tell the listener, then stop its work.
                notifyState(ConnectionState.LOST);
                Thread t = leaderThread;
                if (t != null) {
                    t.interrupt();
                }
            }
            default -> { }
        }
    }

    private void notifyState(ConnectionState state) {
        try {
            listener.stateChanged(state);
        } catch (RuntimeException e) {
            log.warn("selector listener failed on {}", state, e);
        }
    }

    /** Leaves the election; a running leadership is interrupted and relinquished. */
    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
