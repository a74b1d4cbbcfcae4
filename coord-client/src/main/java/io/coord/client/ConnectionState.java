package io.coord.client;

/** What a {@link ConnectionStateListener} is told. */
public enum ConnectionState {
    /** A new session was established (the first one, or a fresh one after {@link #LOST}). */
    CONNECTED,
    /** The connection dropped; the session may still live. Pending requests failed with ConnectionLoss. */
    SUSPENDED,
    /** Reconnected within the same session; watches were re-registered. */
    RECONNECTED,
    /** The session expired: its ephemerals and watches are gone. A new session follows. */
    LOST,
    /** The client was closed. */
    CLOSED
}
