package io.coord.recipes;

import io.coord.client.ConnectionState;
import io.coord.client.ConnectionStateListener;
import io.coord.client.CoordClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Watches a client's connection for one recipe and tells it, in order, SUSPENDED, RECONNECTED,
 * LOST, CONNECTED and CLOSED. The client only learns that its session expired once it reaches a
 * server again; a holder cut off from every server would never hear LOST. So this guard declares
 * LOST itself when a suspension lasts the whole negotiated session timeout: by then the server
 * may have expired the session and given the lock to someone else. If the connection comes back
 * in the same session after such a local LOST, the recipe is told CONNECTED (start over), not
 * RECONNECTED: whatever it held was already given up.
 */
public final class SessionGuard implements AutoCloseable {
    private final CoordClient client;
    private final ConnectionStateListener downstream;
    private final BiFunction<Long, TimeUnit, Executor> delayedExecutor;
    private final ConnectionStateListener upstream = this::onClientState;
    private long suspendGeneration;
    private boolean suspended;
    private boolean lostLocally;
    private boolean closed;

    public SessionGuard(CoordClient client, ConnectionStateListener downstream) {
        this(client, downstream, CompletableFuture::delayedExecutor);
    }

    /** @param delayedExecutor runs the local-LOST timer (tests may inject a faster one) */
    public SessionGuard(CoordClient client, ConnectionStateListener downstream,
                        BiFunction<Long, TimeUnit, Executor> delayedExecutor) {
        this.client = client;
        this.downstream = downstream;
        this.delayedExecutor = delayedExecutor;
        client.addConnectionStateListener(upstream);
    }

    private void onClientState(ConnectionState state) {
        ConnectionState toDeliver;
        synchronized (this) {
            if (closed) {
                return;
            }
            toDeliver = translate(state);
        }
        if (toDeliver != null) {
            deliver(toDeliver);
        }
    }

    private ConnectionState translate(ConnectionState state) {
        switch (state) {
            case SUSPENDED -> {
                suspended = true;
                long generation = ++suspendGeneration;
                long timeoutMs = Math.max(1, client.negotiatedSessionTimeoutMs());
                delayedExecutor.apply(timeoutMs, TimeUnit.MILLISECONDS).execute(() -> localTimeout(generation));
                return ConnectionState.SUSPENDED;
            }
            case RECONNECTED -> {
                suspended = false;
                suspendGeneration++;
                if (lostLocally) {
                    lostLocally = false;
                    return ConnectionState.CONNECTED;
                }
                return ConnectionState.RECONNECTED;
            }
            case LOST -> {
                suspended = false;
                suspendGeneration++;
                if (lostLocally) {
                    return null;
                }
                lostLocally = true;
                return ConnectionState.LOST;
            }
            case CONNECTED -> {
                suspended = false;
                lostLocally = false;
                suspendGeneration++;
                return ConnectionState.CONNECTED;
            }
            default -> {
                return state;
            }
        }
    }

    private void localTimeout(long generation) {
        synchronized (this) {
            if (closed || !suspended || generation != suspendGeneration || lostLocally) {
                return;
            }
            lostLocally = true;
        }
        deliver(ConnectionState.LOST);
    }

    /** Serialises delivery: client callbacks and the timer thread never overlap in the recipe. */
    private void deliver(ConnectionState state) {
        synchronized (downstream) {
            downstream.stateChanged(state);
        }
    }

    /** True while the connection is up and the session is not (locally) lost. */
    public synchronized boolean isHealthy() {
        return !suspended && !lostLocally && client.isConnected();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        client.removeConnectionStateListener(upstream);
    }
}
