package io.coord.server.pipeline;

import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Holds every outgoing packet until the transactions it may reflect are durable.
 *
 * <p>The request thread applies a write to the tree as soon as it is prepared (speculatively);
 * what a client can observe of that write — the reply, a watch event, or any later read — must not
 * leave the server before the write is fsynced (standalone) or committed (ensemble). Each packet is
 * therefore stamped with the highest zxid assigned when it was produced and released, in
 * production order, once that zxid is durable. When nothing is pending, packets go straight out.
 * Request-thread only.
 */
final class OutputGate {
    /** A packet, or (frame null) an instruction to close the connection once released. */
    private record Held(long gateZxid, Connection connection, byte[] frame) {
    }

    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private final Set<Connection> toFlush = new LinkedHashSet<>();
    private long assignedZxid;
    private long durableZxid;

    OutputGate(long recoveredZxid) {
        this.assignedZxid = recoveredZxid;
        this.durableZxid = recoveredZxid;
    }

    /** Records that a txn with this zxid was applied; later output waits for it. */
    void assigned(long zxid) {
        if (zxid <= assignedZxid) {
            throw new IllegalStateException("zxid " + Long.toHexString(zxid) + " not after "
                    + Long.toHexString(assignedZxid));
        }
        assignedZxid = zxid;
    }

    long assignedZxid() {
        return assignedZxid;
    }

    long durableZxid() {
        return durableZxid;
    }

    /** True when some applied txn is not yet durable. */
    boolean pending() {
        return assignedZxid > durableZxid;
    }

    /** Sends {@code frame} once everything applied so far is durable. */
    void emit(Connection connection, byte[] frame) {
        if (held.isEmpty() && assignedZxid <= durableZxid) {
            release(connection, frame);
        } else {
            held.add(new Held(assignedZxid, connection, frame));
        }
    }

    /** Closes the connection after everything emitted to it so far has been sent. */
    void emitClose(Connection connection) {
        emit(connection, null);
    }

    private void release(Connection connection, byte[] frame) {
        if (frame == null) {
            connection.flush();
            connection.close("closed by server");
            toFlush.remove(connection);
        } else {
            connection.send(frame);
            toFlush.add(connection);
        }
    }

    /** The log (or the quorum) made everything up to {@code zxid} durable: release what waited. */
    void durable(long zxid) {
        if (zxid > durableZxid) {
            durableZxid = zxid;
        }
        while (!held.isEmpty() && held.peekFirst().gateZxid() <= durableZxid) {
            Held h = held.pollFirst();
            release(h.connection(), h.frame());
        }
    }

    int heldCount() {
        return held.size();
    }

    /** Flushes every connection written to since the last call; one syscall batch per connection. */
    void flush() {
        for (Connection c : toFlush) {
            c.flush();
        }
        toFlush.clear();
    }
}
