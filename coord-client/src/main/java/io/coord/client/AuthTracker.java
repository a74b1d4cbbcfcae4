package io.coord.client;

import io.coord.client.CoordException.AuthFailedException;
import io.coord.wire.AuthPacket;
import io.coord.wire.ErrorCode;
import io.coord.wire.RequestHeader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(AuthTracker.class);
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

    /**
     * An auth reply with error code {@code err}, logged; true when the client must close: the
     * server refused the credential configured with the client ({@code digestUser}'s), without
     * which it was not meant to run. A credential added later is only forgotten (the server drops
     * the connection, the session reconnects without it).
     */
    boolean answeredMustClose(int err, String digestUser) {
        Credential c = answered(err == 0);
        if (c == null) {
            LOG.debug("auth reply ({}) with no auth packet outstanding", ErrorCode.of(err));
            return false;
        }
        if (err == 0) {
            return false;
        }
        if (c.configured) {
            LOG.error("digest auth as {} failed ({}); closing the client", digestUser, ErrorCode.of(err));
            return true;
        }
        LOG.warn("auth with scheme '{}' failed ({}); the server drops the connection, the session "
                + "reconnects without that credential", c.scheme, ErrorCode.of(err));
        return false;
    }

    /** Why an auth packet for {@code scheme}/{@code auth} cannot be sent, or null when it fits. */
    static String oversize(String scheme, byte[] auth, int maxPacketBytes) {
        int bytes = RequestHeader.BYTES + new AuthPacket(0, scheme, auth).toBytes().length;
        return bytes <= maxPacketBytes ? null
                : "auth packet of " + bytes + " bytes exceeds maxPacketBytes " + maxPacketBytes;
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
