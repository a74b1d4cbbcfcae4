package io.coord.recipes;

import io.coord.client.ConnectionState;
import io.coord.client.ConnectionStateListener;
import io.coord.client.CoordClient;

/**
 * Watches a client's connection for one recipe and tells it, in order, SUSPENDED, RECONNECTED,
 * LOST, CONNECTED and CLOSED, until the guard is closed. A holder cut off from every server still
 * hears LOST in time: the client declares it itself once no server has been reached for a whole
 * negotiated session timeout (by then the server may have expired the session and given the lock
 * to someone else), and it never reattaches a session it declared LOST — the next one is new
 * (CONNECTED: start over).
 */
public final class SessionGuard implements AutoCloseable {
    private final CoordClient client;
    private final ConnectionStateListener downstream;
    private final ConnectionStateListener upstream = this::onClientState;
    private boolean suspended;
    private boolean lost;
    private boolean closed;

    public SessionGuard(CoordClient client, ConnectionStateListener downstream) {
        this.client = client;
        this.downstream = downstream;
        client.addConnectionStateListener(upstream);
    }

    private void onClientState(ConnectionState state) {
        synchronized (this) {
            if (closed) {
                return;
            }
            switch (state) {
                case SUSPENDED -> suspended = true;
                case RECONNECTED -> suspended = false;
                case LOST -> {
                    suspended = false;
                    lost = true;
                }
                case CONNECTED -> {
                    suspended = false;
                    lost = false;
                }
                case CLOSED -> { }
            }
        }
        deliver(state);
    }

    /** Serialises delivery, should the client's callback executor run callbacks concurrently. */
    private void deliver(ConnectionState state) {
        synchronized (downstream) {
            downstream.stateChanged(state);
        }
    }

    /** True while the connection is up and the session is not lost. */
    public synchronized boolean isHealthy() {
        return !suspended && !lost && client.isConnected();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        client.removeConnectionStateListener(upstream);
    }
}
