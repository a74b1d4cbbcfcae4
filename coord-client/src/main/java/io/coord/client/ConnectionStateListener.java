package io.coord.client;

/** Told about connection and session changes, in order, on the client's callback executor. */
@FunctionalInterface
public interface ConnectionStateListener {
    void stateChanged(ConnectionState state);
}
