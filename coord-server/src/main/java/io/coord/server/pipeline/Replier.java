package io.coord.server.pipeline;

import io.coord.wire.ErrorCode;
import io.coord.wire.JuteRecord;
import io.coord.wire.Replies;
import io.coord.wire.ReplyHeader;
import io.coord.wire.SetSASLResponse;
import io.coord.wire.WatcherEvent;
import io.coord.wire.KeeperState;
import io.coord.server.watch.Notification;
import java.util.List;

/** Encodes replies and watch events and hands them to the output gate. Request-thread only. */
final class Replier {
    private final OutputGate gate;
    private final ServerStats stats;

    Replier(OutputGate gate, ServerStats stats) {
        this.gate = gate;
        this.stats = stats;
    }

    /** A successful reply; the header zxid is the latest applied zxid (what the client has now seen). */
    void ok(Connection conn, Request req, JuteRecord body) {
        send(conn, req, 0, body);
    }

    void error(Connection conn, Request req, ErrorCode code) {
        send(conn, req, code.code(), null);
    }

    private void send(Connection conn, Request req, int err, JuteRecord body) {
        long zxid = gate.assignedZxid();
        conn.lastZxid = zxid;
        gate.emit(conn, Replies.encode(new ReplyHeader(req.xid(), zxid, err), body));
        stats.recordLatency(req.arrivalNanos());
    }

    /**
     * sasl (102): Coord has no SASL, so it answers as a ZooKeeper 3.9 server with no JAAS Server
     * section does: OK, zxid 0 and a null token. A stock client configured for SASL then fails its
     * login (KeeperState.AuthFailed) and stops; an error code with no body instead made it fail
     * to read the token, drop the connection and reconnect forever.
     */
    void saslNotConfigured(Connection conn, Request req) {
        gate.emit(conn, Replies.encode(new ReplyHeader(req.xid(), 0, 0), new SetSASLResponse(null)));
        stats.recordLatency(req.arrivalNanos());
    }

    /** Watch events go out before the reply of the request that fired them (same gate, earlier). */
    void notify(List<Notification<Connection>> notifications, long zxid) {
        for (Notification<Connection> n : notifications) {
            WatcherEvent event = new WatcherEvent(n.eventType(), KeeperState.SYNC_CONNECTED, n.path());
            gate.emit(n.watcher(), Replies.encodeNotification(zxid, event));
        }
    }
}
