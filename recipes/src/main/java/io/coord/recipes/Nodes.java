package io.coord.recipes;

import io.coord.client.ConnectionState;
import io.coord.client.ConnectionStateListener;
import io.coord.client.CoordClient;
import io.coord.client.CoordException;
import io.coord.client.CoordException.ConnectionLossException;
import io.coord.client.CoordException.NoNodeException;
import io.coord.client.CoordException.NodeExistsException;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Small helpers every recipe shares: paths, sequence suffixes, creating parents, safe deletes. */
public final class Nodes {
    private static final Logger log = LoggerFactory.getLogger(Nodes.class);
    /** Recipes create their nodes world-readable and writable, as ZooKeeper's recipes do. */
    public static final List<Acl> ACL = Acl.OPEN_ACL_UNSAFE;
    /** Width of the sequence suffix the server appends to sequential nodes. */
    public static final int SEQUENCE_DIGITS = 10;

    private Nodes() {
    }

    /** {@code parent + "/" + child}, handling the root. */
    public static String join(String parent, String child) {
        return parent.equals("/") ? "/" + child : parent + "/" + child;
    }

    /** The last path segment. */
    public static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The parent path ("/" for top-level nodes). */
    public static String parent(String path) {
        int i = path.lastIndexOf('/');
        return i <= 0 ? "/" : path.substring(0, i);
    }

    /** Validates a recipe's base path early, with a clear message. */
    public static String checkPath(String path) {
        if (path == null || !path.startsWith("/") || (path.length() > 1 && path.endsWith("/"))) {
            throw new IllegalArgumentException("path must be absolute without a trailing '/': " + path);
        }
        return path;
    }

    /** The sequence number a sequential node's name ends with, or -1 if it has none. */
    public static long sequence(String name) {
        if (name.length() < SEQUENCE_DIGITS) {
            return -1;
        }
        String tail = name.substring(name.length() - SEQUENCE_DIGITS);
        for (int i = 0; i < tail.length(); i++) {
            if (!Character.isDigit(tail.charAt(i))) {
                return -1;
            }
        }
        return Long.parseLong(tail);
    }

    /** The names that carry {@code marker} (e.g. "-lock-") and a sequence suffix, in sequence order. */
    public static List<String> sortedBySequence(List<String> names, String marker) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (n.contains(marker) && sequence(n) >= 0) {
                out.add(n);
            }
        }
        out.sort(Comparator.comparingLong(Nodes::sequence));
        return out;
    }

    /** Creates {@code path} and any missing ancestors as persistent nodes; existing ones are fine. */
    public static void ensurePath(CoordClient client, String path) {
        if (path.equals("/") || client.exists(path) != null) {
            return;
        }
        ensurePath(client, parent(path));
        try {
            client.create(path, new byte[0], ACL, CreateMode.PERSISTENT);
        } catch (NodeExistsException e) {
            // Another client made it first: that is what we wanted.
        } catch (ConnectionLossException e) {
            // The create may have happened; a retry either succeeds or finds it there.
            if (client.exists(path) == null) {
                ensurePath(client, path);
            }
        }
    }

    /**
     * Deletes {@code path} at {@code version} (the client retries that after a connection loss).
     * If the connection stays down, the delete is retried once the session reconnects; when the
     * session is lost instead, an ephemeral node is gone anyway. Never throws for those cases.
     *
     * @return true when the node is known to be gone now
     */
    public static boolean deleteSafely(CoordClient client, String path, int version) {
        try {
            client.delete(path, version);
            return true;
        } catch (NoNodeException e) {
            return true;
        } catch (ConnectionLossException e) {
            log.info("delete of {} hit a connection loss; retrying once reconnected", path);
            deleteWhenReconnected(client, path, version);
            return false;
        } catch (CoordException.RequestRejectedException e) {
            log.debug("delete of {} not sent: {}", path, e.getMessage()); // client closed: its session ends anyway
            return false;
        } catch (CoordException e) {
            log.warn("delete of {} failed: {}", path, e.getMessage());
            return false;
        }
    }

    /** Retries a delete on the next RECONNECTED (same session); gives up on LOST or CLOSED. */
    public static void deleteWhenReconnected(CoordClient client, String path, int version) {
        ConnectionStateListener[] self = new ConnectionStateListener[1];
        self[0] = state -> {
            if (state == ConnectionState.RECONNECTED || state == ConnectionState.CONNECTED) {
                client.removeConnectionStateListener(self[0]);
                client.deleteAsync(path, version).whenComplete((v, e) -> {
                    if (e != null && !(unwrap(e) instanceof NoNodeException)) {
                        log.warn("deferred delete of {} failed: {}", path, e.toString());
                    }
                });
            } else if (state == ConnectionState.LOST || state == ConnectionState.CLOSED) {
                client.removeConnectionStateListener(self[0]);
            }
        };
        client.addConnectionStateListener(self[0]);
        // The connection may have come back before the listener was added.
        if (client.isConnected()) {
            self[0].stateChanged(ConnectionState.RECONNECTED);
        }
    }

    /** The failure inside CompletableFuture's wrappers. */
    public static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
