package io.coord.server.pipeline;

import io.coord.server.config.ServerConfig;
import io.coord.server.session.SessionInfo;
import io.coord.server.session.SessionTracker;
import io.coord.server.tree.DigestAuth;
import io.coord.wire.AuthPacket;
import io.coord.wire.ConnectRequest;
import io.coord.wire.ConnectResponse;
import io.coord.wire.ErrorCode;
import io.coord.wire.Id;
import io.coord.wire.OpCode;
import io.coord.wire.Replies;
import io.coord.wire.ReplyHeader;
import io.coord.wire.Xids;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handshakes, reattachment, authentication, closeSession and expiry. Request-thread only.
 * Sessions outlive connections: a client may come back on a new connection with its id and
 * password until the session expires.
 */
final class Sessions {
    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
    private final ServerConfig config;
    private final SessionTracker tracker;
    private final Writes writes;
    private final OutputGate gate;
    private final Consumer<Connection> onConnectionGone;
    /** The connection currently bound to each session. */
    private final Map<Long, Connection> bySession = new HashMap<>();
    /** Session txns not yet durable, oldest first, so a full disk can take them back. */
    private final ArrayDeque<SessionChange> inflight = new ArrayDeque<>();

    private record SessionChange(long zxid, long sessionId, int timeoutMs, boolean created) {
    }

    Sessions(ServerConfig config, SessionTracker tracker, Writes writes, OutputGate gate,
             Consumer<Connection> onConnectionGone) {
        this.config = config;
        this.tracker = tracker;
        this.writes = writes;
        this.gate = gate;
        this.onConnectionGone = onConnectionGone;
    }

    SessionTracker tracker() {
        return tracker;
    }

    Map<Long, Connection> connectionsBySession() {
        return bySession;
    }

    void connect(Connection conn, ConnectRequest req) {
        if (req.lastZxidSeen() > gate.assignedZxid()) {
            // The client has seen state this server does not have; it must go elsewhere.
            LOG.warn("refusing client {}: it has seen zxid 0x{} and we are at 0x{}", conn.channel.describe(),
                    Long.toHexString(req.lastZxidSeen()), Long.toHexString(gate.assignedZxid()));
            conn.close("client is ahead of this server");
            return;
        }
        int timeoutMs = SessionTracker.negotiateTimeout(req.timeOut(), config.minSessionTimeoutMs(),
                config.maxSessionTimeoutMs());
        if (req.sessionId() == 0) {
            if (writes.writesRefused()) {
                // A session is a txn, and the log cannot take one: the client tries again later.
                conn.close("no new sessions while the disk is full");
                return;
            }
            SessionInfo s = tracker.createSession(timeoutMs);
            inflight.add(new SessionChange(writes.createSession(s.sessionId(), timeoutMs), s.sessionId(),
                    timeoutMs, true));
            bind(conn, s.sessionId(), timeoutMs);
            gate.emit(conn, Replies.encodeConnect(new ConnectResponse(0, timeoutMs, s.sessionId(),
                    s.password(), req.readOnly() == null ? null : Boolean.FALSE)));
            return;
        }
        long id = req.sessionId();
        if (!tracker.isValid(id) || !tracker.checkPassword(id, req.passwd())) {
            LOG.info("session 0x{} from {} is expired or the password is wrong", Long.toHexString(id),
                    conn.channel.describe());
            gate.emit(conn, Replies.encodeConnect(ConnectResponse.expired(0, req.readOnly() == null ? null : Boolean.FALSE)));
            gate.emitClose(conn);
            return;
        }
        Connection previous = bySession.get(id);
        if (previous != null && previous != conn) {
            previous.sessionId = 0;
            previous.close("session 0x" + Long.toHexString(id) + " moved to another connection");
            onConnectionGone.accept(previous);
        }
        tracker.touch(id);
        tracker.clearAuth(id);
        int sessionTimeout = tracker.timeoutMs(id);
        bind(conn, id, sessionTimeout);
        gate.emit(conn, Replies.encodeConnect(new ConnectResponse(0, sessionTimeout, id,
                tracker.password(id), req.readOnly() == null ? null : Boolean.FALSE)));
    }

    private void bind(Connection conn, long sessionId, int timeoutMs) {
        conn.sessionId = sessionId;
        conn.timeoutMs = timeoutMs;
        bySession.put(sessionId, conn);
        CertificateAuth.attach(tracker, conn);
    }

    /** True when the connection's session still lives; refreshes its expiry. */
    boolean touch(Connection conn) {
        return conn.sessionId != 0 && tracker.touch(conn.sessionId);
    }

    boolean isValid(Connection conn) {
        return conn.sessionId != 0 && tracker.isValid(conn.sessionId);
    }

    /**
     * Whether a request of this op keeps its session alive. Not sasl: ZooKeeper answers it outside
     * its request processors, so it never touches the session, and a client that loops on SASL
     * against a server without it (kazoo's DIGEST-MD5 does) sees its session expire and fails with
     * AuthFailed instead of looping forever.
     */
    static boolean countsAsActivity(int opCode) {
        return opCode != OpCode.SASL;
    }

    void auth(Connection conn, AuthPacket packet) {
        if ("digest".equals(packet.scheme()) && packet.auth() != null) {
            String userPassword = new String(packet.auth(), StandardCharsets.UTF_8);
            if (userPassword.indexOf(':') > 0) {
                tracker.addAuth(conn.sessionId, new Id("digest", DigestAuth.generate(userPassword)));
                gate.emit(conn, Replies.encode(new ReplyHeader(Xids.AUTH, 0, 0), null));
                return;
            }
        }
        if ("ip".equals(packet.scheme())) {
            // The ip identity comes from the socket; accept the packet as ZooKeeper does.
            gate.emit(conn, Replies.encode(new ReplyHeader(Xids.AUTH, 0, 0), null));
            return;
        }
        LOG.info("auth failed for session 0x{}: scheme '{}'", Long.toHexString(conn.sessionId), packet.scheme());
        gate.emit(conn, Replies.encode(new ReplyHeader(Xids.AUTH, 0,
                ErrorCode.AUTHFAILED.code()), null));
        gate.emitClose(conn);
    }

    List<Id> authIds(Connection conn) {
        return tracker.authIds(conn.sessionId);
    }

    /** closeSession from the client: ephemerals go, the reply is sent, then the socket closes. */
    void close(Connection conn, int xid) {
        long id = conn.sessionId;
        if (writes.writesRefused()) {
            // Closing is a txn too. The session stays (and expires once the disk has room); the
            // stock client drops the connection after this reply anyway.
            gate.emit(conn, Replies.encode(new ReplyHeader(xid, gate.assignedZxid(), Writes.DISK_FULL.code()), null));
            return;
        }
        int timeoutMs = tracker.timeoutMs(id);
        tracker.setClosing(id);
        long zxid = writes.closeSession(id);
        inflight.add(new SessionChange(zxid, id, timeoutMs, false));
        tracker.remove(id);
        bySession.remove(id);
        gate.emit(conn, Replies.encode(new ReplyHeader(xid, zxid, 0), null));
        gate.emitClose(conn);
        conn.sessionId = 0;
    }

    /** Called every tick: expires sessions whose time is up, deleting their ephemerals. */
    void expireDue() {
        if (writes.writesRefused()) {
            return; // expiry is a txn: sessions past their time expire once the disk has room
        }
        for (long id : tracker.expire()) {
            LOG.info("session 0x{} expired", Long.toHexString(id));
            int timeoutMs = tracker.timeoutMs(id);
            inflight.add(new SessionChange(writes.closeSession(id), id, timeoutMs, false));
            tracker.remove(id);
            Connection conn = bySession.remove(id);
            if (conn != null) {
                conn.sessionId = 0;
                gate.emitClose(conn);
            }
        }
    }

    /** Session txns up to zxid are durable. */
    void durable(long zxid) {
        while (!inflight.isEmpty() && inflight.peekFirst().zxid() <= zxid) {
            inflight.pollFirst();
        }
    }

    /**
     * The log dropped every txn after durableZxid: sessions created since are forgotten (their
     * connections were never told of them) and sessions closed or expired since live again, with
     * a fresh timeout. Their connections are closed by the caller.
     */
    void rollBackAfter(long durableZxid) {
        while (!inflight.isEmpty() && inflight.peekLast().zxid() > durableZxid) {
            SessionChange c = inflight.pollLast();
            if (c.created()) {
                tracker.remove(c.sessionId());
                Connection conn = bySession.remove(c.sessionId());
                if (conn != null) {
                    conn.sessionId = 0;
                }
            } else {
                tracker.addSession(c.sessionId(), c.timeoutMs());
            }
        }
    }

    /** When {@link #expireDue} must next run (see {@link SessionTracker#nextCheckMs}). */
    long nextCheckMs(long nowMs) {
        return tracker.nextCheckMs(nowMs);
    }

    /** The connection went away; its session lives on until it expires or is reattached. */
    void disconnected(Connection conn) {
        if (conn.sessionId != 0 && bySession.get(conn.sessionId) == conn) {
            bySession.remove(conn.sessionId);
        }
    }
}
