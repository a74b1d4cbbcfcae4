package io.coord.server.pipeline;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Where the request thread's output leaves: replies, watch events, handshakes and closes, sent in
 * production order and flushed once per batch of tasks (one syscall batch per connection).
 *
 * <p>Nothing here waits for durability any more: the tree only holds committed txns (standalone is
 * a one-voter ensemble), so whatever is produced from it may leave at once. Ordering is per
 * connection, in {@link EnsembleClients}: a read waits only behind its own connection's earlier
 * writes, never behind another session's fsync. Also keeps the zxid of the last txn applied,
 * which replies carry in their header. Request-thread only.
 */
final class OutputGate {
    private final Set<Connection> toFlush = new LinkedHashSet<>();
    private long appliedZxid;

    OutputGate(long recoveredZxid) {
        this.appliedZxid = recoveredZxid;
    }

    /** A committed txn with this zxid was applied to the tree. */
    void applied(long zxid) {
        if (zxid <= appliedZxid) {
            throw new IllegalStateException("zxid " + Long.toHexString(zxid) + " not after "
                    + Long.toHexString(appliedZxid));
        }
        appliedZxid = zxid;
    }

    /** The zxid of the last txn applied (what a reply tells its client it has now seen). */
    long assignedZxid() {
        return appliedZxid;
    }

    /** Sends {@code frame} (flushed at the end of the batch). */
    void emit(Connection connection, byte[] frame) {
        if (frame == null) {
            connection.flush();
            connection.close("closed by server");
            toFlush.remove(connection);
        } else {
            connection.send(frame);
            toFlush.add(connection);
        }
    }

    /** Closes the connection after everything emitted to it so far has been sent. */
    void emitClose(Connection connection) {
        emit(connection, null);
    }

    /** Flushes every connection written to since the last call; one syscall batch per connection. */
    void flush() {
        for (Connection c : toFlush) {
            c.flush();
        }
        toFlush.clear();
    }
}
