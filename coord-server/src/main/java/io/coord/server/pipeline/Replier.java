package io.coord.server.pipeline;

import io.coord.server.auth.SaslAuthenticator;
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
        byte[] frame = Replies.encode(new ReplyHeader(req.xid(), zxid, err), body);
        stats.responseBytes += frame.length - Integer.BYTES;
        emit(conn, frame);
        stats.recordLatency(req.arrivalNanos(), req.type());
    }

    /**
     * sasl (102), as ZooKeeper answers it: header zxid 0 and a SetSASLResponse, also with an error
     * code (AUTHFAILED, or SESSIONCLOSEDREQUIRESASLAUTH when SASL is required), after which the
     * connection is closed. Without SASL configured the step is OK with a null token, as a
     * ZooKeeper 3.9 server with no JAAS Server section answers: a stock client configured for SASL
     * then fails its login (KeeperState.AuthFailed) and stops; an error code with no body instead
     * made it fail to read the token, drop the connection and reconnect forever.
     */
    void sasl(Connection conn, Request req, SaslAuthenticator.Step step) {
        int err = step.failure() == null ? 0 : step.failure().code();
        emit(conn, Replies.encode(new ReplyHeader(req.xid(), 0, err), new SetSASLResponse(step.token())));
        stats.recordLatency(req.arrivalNanos(), req.type());
        if (step.failure() != null) {
            stats.authFailed++;
            gate.emitClose(conn);
        }
    }

    /** An auth packet was refused (Sessions.auth answered it): auth_failed_count. */
    void authFailed() {
        stats.authFailed++;
    }

    /**
     * sessionRequireClientSASLAuth and a request from a session without SASL: answered
     * SESSIONCLOSEDREQUIRESASLAUTH (zxid 0, no body) and the connection closed, as ZooKeeper does.
     */
    void refuseWithoutSasl(Connection conn, Request req) {
        emit(conn, Replies.encode(new ReplyHeader(req.xid(), 0, ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH.code()), null));
        stats.recordLatency(req.arrivalNanos(), req.type());
        gate.emitClose(conn);
    }

    /** Notifications that each carry their own zxid (replayed ones), in list order. */
    void notifyEach(List<WatchOps.Fired> fired) {
        for (WatchOps.Fired f : fired) {
            notify(List.of(f.notification()), f.zxid());
        }
    }

    /** Watch events go out before the reply of the request that fired them (same gate, earlier). */
    void notify(List<Notification<Connection>> notifications, long zxid) {
        for (Notification<Connection> n : notifications) {
            WatcherEvent event = new WatcherEvent(n.eventType(), KeeperState.SYNC_CONNECTED, n.path());
            byte[] frame = Replies.encodeNotification(zxid, event);
            stats.watchBytes += frame.length - Integer.BYTES;
            emit(n.watcher(), frame);
        }
    }

    /** Every reply and watch event goes out here: its size is ZooKeeper's client response size. */
    private void emit(Connection conn, byte[] frame) {
        stats.responseSent(frame.length);
        gate.emit(conn, frame);
    }
}
