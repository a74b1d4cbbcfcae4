package io.coord.client;

import io.coord.client.CoordException.AuthFailedException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The credentials a session authenticates with, in the order they were added, and which auth
 * packets on the current connection still wait for their reply. Every credential is sent again
 * on each new connection, before any other request, so the server always knows who this client
 * is. Confined to the client's event loop.
 *
 * <p>A server answers auth packets in the order it received them (they share the xid -4), so the
 * oldest unanswered packet is the one a reply is for.
 */
final class AuthTracker {
    /** Bounds the credentials one client may hold (each is re-sent on every connection). */
    static final int MAX_CREDENTIALS = 64;

    /** One credential and the addAuth calls waiting for the server's verdict on it. */
    static final class Credential {
        final String scheme;
        final byte[] auth;
        /** Set for the credential from {@link ClientOptions.Builder#digestAuth}. */
        final boolean configured;
        private final List<Waiter> waiters = new ArrayList<>();

        Credential(String scheme, byte[] auth, boolean configured) {
            this.scheme = scheme;
            this.auth = auth.clone();
            this.configured = configured;
        }

        List<Waiter> takeWaiters() {
            List<Waiter> out = new ArrayList<>(waiters);
            waiters.clear();
            return out;
        }
    }

    /** An addAuth future and the time after which it fails if no connection answered it. */
    record Waiter(CompletableFuture<Void> future, long deadlineNanos) {
    }

    private final Callbacks callbacks;
    private final List<Credential> credentials = new ArrayList<>();
    private final ArrayDeque<Credential> sentOnConnection = new ArrayDeque<>();

    AuthTracker(Callbacks callbacks) {
        this.callbacks = callbacks;
    }

    /** Registers the credential from the options, sent first on every connection. */
    void addConfigured(String scheme, byte[] auth) {
        credentials.add(new Credential(scheme, auth, true));
    }

    /**
     * Adds a credential (an equal one already held is reused) and a waiter for its verdict.
     *
     * @return the credential, or null when {@link #MAX_CREDENTIALS} are already held
     */
    Credential add(String scheme, byte[] auth, Waiter waiter) {
        Credential found = null;
        for (Credential c : credentials) {
            if (c.scheme.equals(scheme) && Arrays.equals(c.auth, auth)) {
                found = c;
                break;
            }
        }
        if (found == null) {
            if (credentials.size() >= MAX_CREDENTIALS) {
                return null;
            }
            found = new Credential(scheme, auth, false);
            credentials.add(found);
        }
        found.waiters.add(waiter);
        return found;
    }

    /** Every credential, in the order to send them on a new connection. */
    List<Credential> all() {
        return List.copyOf(credentials);
    }

    /** Notes that {@code c} was written on the current connection. */
    void sent(Credential c) {
        sentOnConnection.addLast(c);
    }

    /**
     * Applies an auth reply to the oldest outstanding packet and tells its waiters; returns that
     * credential, or null if none was outstanding. A rejected credential is forgotten: sending it
     * again on the next connection would only be rejected again.
     */
    Credential answered(boolean accepted) {
        Credential c = sentOnConnection.pollFirst();
        if (c == null) {
            return null;
        }
        if (!accepted) {
            credentials.remove(c);
        }
        for (Waiter w : c.takeWaiters()) {
            callbacks.dispatch(accepted ? () -> w.future().complete(null)
                    : () -> w.future().completeExceptionally(new AuthFailedException(c.scheme)));
        }
        return c;
    }

    /** The connection is gone: unanswered packets will be sent again, waiters keep waiting. */
    void connectionClosed() {
        sentOnConnection.clear();
    }

    /** Fails, with {@code failure}, the waiters whose deadline passed without a verdict. */
    void failExpired(long nowNanos, CoordException failure) {
        for (Credential c : credentials) {
            for (Iterator<Waiter> it = c.waiters.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (nowNanos - w.deadlineNanos() > 0) {
                    it.remove();
                    callbacks.dispatch(() -> w.future().completeExceptionally(failure));
                }
            }
        }
    }

    /** Fails every waiter with {@code failure} (the client is closing). */
    void failAll(CoordException failure) {
        for (Credential c : credentials) {
            for (Waiter w : c.takeWaiters()) {
                callbacks.dispatch(() -> w.future().completeExceptionally(failure));
            }
        }
    }
}
