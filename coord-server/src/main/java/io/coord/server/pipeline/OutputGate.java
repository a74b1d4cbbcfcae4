package io.coord.server.pipeline;

import io.coord.wire.Replies;
import io.coord.wire.ReplyHeader;
import io.coord.wire.Xids;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
    /** What a held packet is, for {@link #rollBackTo}. */
    enum Kind {
        /** The reply to a write request (whatever its outcome). */
        WRITE_REPLY,
        /** The reply to a ping. */
        PING_REPLY,
        /** Anything else: read replies, watch events, handshakes, closes. */
        OTHER
    }

    /** A packet, or (frame null) an instruction to close the connection once released. */
    private record Held(long gateZxid, Connection connection, byte[] frame, Kind kind, int xid) {
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
        emit(connection, frame, Kind.OTHER, 0);
    }

    /** As {@link #emit(Connection, byte[])}, saying what the frame is (the reply to request xid). */
    void emit(Connection connection, byte[] frame, Kind kind, int xid) {
        if (held.isEmpty() && assignedZxid <= durableZxid) {
            release(connection, frame);
        } else {
            held.add(new Held(assignedZxid, connection, frame, kind, xid));
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

    /**
     * The log dropped every txn after {@code durableZxid} (disk full) and the tree was rolled back
     * to it: nothing produced since may leave (even its header zxid would be one the client must
     * not have seen), and the next txn takes zxid durableZxid + 1 again.
     *
     * <p>A connection whose held output was only replies to writes and pings gets, in the same
     * order, {@code writeError} for each write (none of them happened: txns were rolled back, and
     * the rest changed nothing) and a fresh ping reply. Any other held output (a read reply or
     * watch event that may show a rolled-back txn, a watch consumed by one, the handshake of a
     * session that no longer exists) cannot be mended, so those connections are returned for the
     * caller to close; their clients reconnect to the same session and re-register their watches.
     */
    Set<Connection> rollBackTo(long durableZxid, int writeError) {
        durable(durableZxid);
        Map<Connection, List<Held>> byConnection = new LinkedHashMap<>();
        for (Held h : held) {
            byConnection.computeIfAbsent(h.connection(), c -> new ArrayList<>()).add(h);
        }
        held.clear();
        assignedZxid = durableZxid;
        Set<Connection> toClose = new LinkedHashSet<>();
        byConnection.forEach((conn, frames) -> {
            if (frames.stream().anyMatch(h -> h.kind() == Kind.OTHER)) {
                toClose.add(conn);
                return;
            }
            for (Held h : frames) {
                boolean ping = h.kind() == Kind.PING_REPLY;
                release(conn, Replies.encode(new ReplyHeader(ping ? Xids.PING : h.xid(), durableZxid,
                        ping ? 0 : writeError), null));
            }
        });
        return toClose;
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
