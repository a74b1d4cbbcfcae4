package io.coord.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands replies, watch events and connection states to the callback executor in the order they
 * happen, and keeps a failing listener from hurting the others.
 */
final class Callbacks {
    private static final Logger log = LoggerFactory.getLogger(Callbacks.class);

    private final Executor executor;
    private final List<ConnectionStateListener> stateListeners = new CopyOnWriteArrayList<>();

    Callbacks(Executor executor) {
        this.executor = executor;
    }

    void addStateListener(ConnectionStateListener l) {
        stateListeners.add(l);
    }

    void removeStateListener(ConnectionStateListener l) {
        stateListeners.remove(l);
    }

    void dispatch(Runnable callback) {
        try {
            executor.execute(callback);
        } catch (RejectedExecutionException e) {
            log.debug("callback dropped: executor shut down");
        }
    }

    void deliver(WatchListener l, WatchEvent event) {
        try {
            l.onEvent(event);
        } catch (RuntimeException e) {
            log.warn("watch listener failed on {}", event, e);
        }
    }

    void fireState(ConnectionState state) {
        dispatch(() -> {
            for (ConnectionStateListener l : stateListeners) {
                try {
                    l.stateChanged(state);
                } catch (RuntimeException e) {
                    log.warn("connection state listener failed on {}", state, e);
                }
            }
        });
    }
}
