package io.coord.server.pipeline;

import io.coord.server.auth.AuthPolicy;
import io.coord.server.auth.SaslAuthenticator;
import io.coord.server.config.ServerConfig;
import io.coord.server.session.Clock;
import io.coord.server.session.SessionTracker;
import io.coord.server.tree.DigestAuth;
import io.coord.server.txn.Txn;
import io.coord.wire.Acl;
import io.coord.wire.AuthPacket;
import io.coord.wire.ConnectRequest;
import io.coord.wire.ConnectResponse;
import io.coord.wire.ErrorCode;
import io.coord.wire.GetSASLRequest;
import io.coord.wire.Id;
import io.coord.wire.OpCode;
import io.coord.wire.Replies;
import io.coord.wire.ReplyHeader;
import io.coord.wire.Xids;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handshakes, reattachment and authentication: the one session front of the pipeline (standalone
 * is a one-voter ensemble). A new session is a CreateSessionTxn forwarded to the leader with a
 * random password, so every member (and every later start) can check a reattaching client; the
 * handshake is answered when the txn is applied here. Sessions outlive connections: a client may
 * come back on a new connection with its id and password until the session expires. With local
 * sessions (localSessionsEnabled, in an ensemble) a new session lives only here instead
 * ({@link LocalSessions}): no txn, and no other member takes its id. Request-thread only.
 */
final class Sessions {
    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

    private record PendingConnect(Connection conn, Boolean readOnly) {
    }

    private final ServerConfig config;
    private final Clock clock;
    private final AuthPolicy authPolicy;
    private final SaslAuthenticator sasl;
    /** Session passwords: a SecureRandom in production. */
    private final RandomGenerator random;
    private final BooleanSupplier serving;
    private final Predicate<ForwardedRequest> toLeader;
    private final Consumer<Connection> forget;
    /** The connection currently bound to each session. */
    private final Map<Long, Connection> bySession = new HashMap<>();
    private final Map<Long, PendingConnect> pendingConnects = new HashMap<>();
    /** Sessions with client activity since the leader was last told (followers report them). */
    private final Set<Long> touched = new LinkedHashSet<>();
    private long reconnects;
    private long nextSessionId;
    /**
     * The sessions of read-only mode (this member lost its quorum), kept only here and never
     * replicated; null when not in read-only mode.
     */
    private LocalSessions readOnlySessions;
    /** localSessionsEnabled (in an ensemble): the local sessions of this member; null when off. */
    private LocalSessions localSessions;
    private MemberState state;
    private OutputGate gate;

    /**
     * @param serving  whether this member serves clients now
     * @param toLeader forwards a request to the leader; false when there is none to take it
     * @param forget   drops what the pipeline holds for a connection whose session moved away
     */
    Sessions(ServerConfig config, Clock clock, RandomGenerator random, long firstSessionId, BooleanSupplier serving,
             Predicate<ForwardedRequest> toLeader, Consumer<Connection> forget) {
        this.config = config;
        this.clock = clock;
        this.authPolicy = AuthPolicy.of(config);
        this.sasl = new SaslAuthenticator(config.sasl());
        this.random = random;
        this.nextSessionId = firstSessionId;
        this.serving = serving;
        this.toLeader = toLeader;
        this.forget = forget;
        this.localSessions = config.localSessions().inEffect(config) ? newLocalTable() : null;
    }

    private LocalSessions newLocalTable() {
        return new LocalSessions(clock, config.tickTimeMs(), config.myId(), random);
    }

    /** The state machine (and its output gate) sessions are checked against; replaced by a SNAP. */
    void use(MemberState newState, OutputGate newGate) {
        this.state = newState;
        this.gate = newGate;
    }

    SessionTracker tracker() {
        return state.tracker;
    }

    /** Handshakes that presented a session to take up again (ZooKeeper's connection_revalidate_count). */
    long reconnects() {
        return reconnects;
    }

    void connect(Connection conn, ConnectRequest req) {
        if (conn.closed) {
            return;
        }
        boolean readOnlyMode = !serving.getAsBoolean() && readOnlySessions != null;
        if (!serving.getAsBoolean() && !readOnlyMode) {
            conn.close("this member is not serving (no quorum yet)");
            return;
        }
        if (readOnlyMode && !Boolean.TRUE.equals(req.readOnly())) {
            // As ZooKeeper's read-only server: a client that cannot be read-only goes elsewhere.
            conn.close("this member is read-only (it has lost its quorum) and the client did not ask for"
                    + " a read-only session");
            return;
        }
        if (req.lastZxidSeen() > gate.assignedZxid()) {
            // The client has seen state this server does not have; it must go elsewhere.
            LOG.info("refusing client {}: it has seen zxid 0x{} and we are at 0x{}", conn.channel.describe(),
                    Long.toHexString(req.lastZxidSeen()), Long.toHexString(gate.assignedZxid()));
            conn.close("client is ahead of this member");
            return;
        }
        int timeoutMs = SessionTracker.negotiateTimeout(req.timeOut(), config.minSessionTimeoutMs(),
                config.maxSessionTimeoutMs());
        if (req.sessionId() != 0) {
            reconnects++; // as ZooKeeper counts connection_revalidate_count: before the session is checked
        }
        if (readOnlyMode) {
            ReadOnlyMode.connect(this, conn, req, timeoutMs);
            return;
        }
        Boolean readOnly = req.readOnly() == null ? null : Boolean.FALSE;
        if (localSessions != null && (req.sessionId() == 0 || localSessions.contains(req.sessionId()))) {
            connectLocal(conn, req, timeoutMs, readOnly);
            return;
        }
        if (req.sessionId() == 0) {
            long id = newSessionId();
            byte[] password = new byte[SessionTracker.PASSWORD_LENGTH];
            random.nextBytes(password);
            pendingConnects.put(id, new PendingConnect(conn, readOnly));
            if (!toLeader.test(ForwardedRequest.local(config.myId(), id, 0, OpCode.CREATE_SESSION,
                    new ServerRequests.CreateSession(timeoutMs, password), List.of(), Reads.ipOf(conn)))) {
                pendingConnects.remove(id);
                conn.close("no leader to create the session");
            }
            return;
        }
        reattach(conn, req.sessionId(), req.passwd(), readOnly);
    }

    private void reattach(Connection conn, long id, byte[] password, Boolean readOnly) {
        byte[] expected = state.passwords.get(id);
        if (!state.tracker.isValid(id) || expected == null || !Arrays.equals(expected, password)) {
            LOG.info("session 0x{} from {} is expired or the password is wrong", Long.toHexString(id),
                    conn.channel.describe());
            gate.emit(conn, Replies.encodeConnect(ConnectResponse.expired(0, readOnly)));
            gate.emitClose(conn);
            return;
        }
        // The leader learns that this member owns the session now, before the client can send
        // anything through it: the notice travels the same ordered link as the client's later
        // writes and syncs, so the leader refuses (SESSIONMOVED) a write still on its way from the
        // member the client left, instead of applying it after the client's retry.
        if (!toLeader.test(ForwardedRequest.local(config.myId(), id, 0, ServerRequests.REATTACH, null, List.of(),
                null))) {
            conn.close("no leader to take the session");
            return;
        }
        Connection previous = bySession.get(id);
        if (previous != null && previous != conn) {
            previous.sessionId = 0;
            previous.close("session 0x" + Long.toHexString(id) + " moved to another connection");
            forget.accept(previous);
        }
        state.tracker.touch(id);
        state.tracker.clearAuth(id);
        touched.add(id);
        int timeoutMs = state.tracker.timeoutMs(id);
        bind(conn, id, timeoutMs);
        gate.emit(conn, Replies.encodeConnect(new ConnectResponse(0, timeoutMs, id, expected, readOnly)));
    }

    /** A new id for a session of this member (global or member-local): its id in the high byte. */
    long newSessionId() {
        long id = nextSessionId++;
        while (id == 0 || id == Long.MIN_VALUE || state.tracker.contains(id) || pendingConnects.containsKey(id)
                || (localSessions != null && localSessions.contains(id))
                || (readOnlySessions != null && readOnlySessions.contains(id))) {
            id = nextSessionId++;
        }
        return id;
    }

    private void bind(Connection conn, long sessionId, int timeoutMs) {
        conn.sessionId = sessionId;
        conn.timeoutMs = timeoutMs;
        bySession.put(sessionId, conn);
        CertificateAuth.attach(trackerOf(conn), authPolicy, conn); // x509:<subject DN> of a TLS client's certificate
    }

    // ------------------------------------------------------------------ read-only mode

    /** This member lost its quorum and serves read-only sessions from now on (a new, empty table). */
    void enterReadOnly() {
        readOnlySessions = newLocalTable();
    }

    /** Read-only mode ended; its sessions are gone (their connections are closed by the caller). */
    void leaveReadOnly() {
        readOnlySessions = null;
    }

    /** Sessions in this member's local table (localSessionsEnabled, not upgraded): mntr's local_sessions. */
    int localSessionCount() {
        return localSessions == null ? 0 : localSessions.size();
    }

    /** The read-only sessions table, or null when not in read-only mode. */
    LocalSessions readOnlySessions() {
        return readOnlySessions;
    }

    /** A handshake answered with a read-only session: binds it and sends the response (readOnly true). */
    void bindReadOnly(Connection conn, long id, int timeoutMs, byte[] password) {
        bindMemberLocal(conn, id, timeoutMs, password, Boolean.TRUE, true);
    }

    /**
     * Binds a member-local session (read-only or local) to the connection and answers the handshake;
     * a connection it was bound to before is closed.
     */
    private void bindMemberLocal(Connection conn, long id, int timeoutMs, byte[] password, Boolean readOnlyFlag,
                                 boolean readOnlySession) {
        Connection previous = bySession.get(id);
        if (previous != null && previous != conn) {
            previous.sessionId = 0;
            previous.close("session 0x" + Long.toHexString(id) + " moved to another connection");
            forget.accept(previous);
        }
        conn.readOnly = readOnlySession;
        conn.localSession = !readOnlySession;
        bind(conn, id, timeoutMs);
        gate.emit(conn, Replies.encodeConnect(new ConnectResponse(0, timeoutMs, id, password, readOnlyFlag)));
    }

    // ------------------------------------------------------------------ local sessions (localSessionsEnabled)

    /** A handshake that creates a local session, or comes back to one of this member's. */
    private void connectLocal(Connection conn, ConnectRequest req, int timeoutMs, Boolean readOnly) {
        long id = req.sessionId();
        if (id == 0) {
            id = newSessionId();
            byte[] password = localSessions.create(id, timeoutMs);
            LOG.debug("local session 0x{} for {}", Long.toHexString(id), conn.channel.describe());
            bindMemberLocal(conn, id, timeoutMs, password, readOnly, false);
        } else if (localSessions.reattach(id, req.passwd())) {
            SessionTracker table = localSessions.table();
            bindMemberLocal(conn, id, table.timeoutMs(id), table.password(id), readOnly, false);
        } else {
            LOG.info("local session 0x{} from {}: the password is wrong", Long.toHexString(id), conn.channel.describe());
            answerExpired(conn, readOnly);
        }
    }

    /**
     * Where a write of the connection's local session goes ({@link LocalSessions#route}); starts the
     * session's upgrade when this write is the first that needs a global session.
     */
    LocalSessions.Route routeLocal(Connection conn, Request req) {
        long id = conn.sessionId;
        LocalSessions.Route route = localSessions.route(id, req, config.localSessions().upgradingEnabled());
        if (route == LocalSessions.Route.AFTER_UPGRADE && !localSessions.upgrading(id)) {
            // As ZooKeeper: a CreateSessionTxn with the session's own id, timeout and password, sent
            // ahead of the write on the same ordered link; the write follows once it is applied here.
            SessionTracker table = localSessions.table();
            LOG.info("upgrading local session 0x{} to a global session", Long.toHexString(id));
            localSessions.startUpgrade(id);
            if (!toLeader.test(ForwardedRequest.local(config.myId(), id, 0, OpCode.CREATE_SESSION,
                    new ServerRequests.CreateSession(table.timeoutMs(id), table.password(id)), List.of(),
                    Reads.ipOf(conn)))) {
                localSessions.upgradeFailed(id);
                conn.close("no leader to upgrade the session");
            }
        }
        return route;
    }

    /** The client closed its local session: gone from this member, no txn. */
    void closeLocal(Connection conn) {
        localSessions.remove(conn.sessionId);
        bySession.remove(conn.sessionId, conn);
    }

    /** Expires the member-local sessions (local and read-only) whose time is up; closes their connections. */
    void expireMemberLocal() {
        expire(localSessions, "local");
        expire(readOnlySessions, "read-only");
    }

    private void expire(LocalSessions table, String kind) {
        if (table == null) {
            return;
        }
        for (long id : table.expire()) {
            LOG.info("{} session 0x{} expired", kind, Long.toHexString(id));
            Connection conn = bySession.get(id);
            if (conn != null && (conn.readOnly || conn.localSession)) {
                bySession.remove(id);
                conn.close(kind + " session expired");
            }
        }
    }

    /**
     * The CreateSessionTxn of a local session's upgrade is applied: the session is global from now
     * on (its identities move with it). Returns its connection, whose held writes may now go.
     */
    private Connection upgraded(long id) {
        if (localSessions == null || !localSessions.contains(id)) {
            return null;
        }
        for (Id identity : localSessions.table().authIds(id)) {
            state.tracker.addAuth(id, identity);
        }
        localSessions.remove(id);
        Connection conn = bySession.get(id);
        if (conn == null || !conn.localSession) {
            return null;
        }
        conn.localSession = false;
        touched.add(id);
        LOG.info("local session 0x{} is a global session now", Long.toHexString(id));
        return conn;
    }

    /**
     * Leader: whether a write of session {@code id} may be proposed. A live global session may; with
     * local sessions, so may one this leader does not know as global: another member's local session
     * (that member vouches for it, as ZooKeeper's leader trusts it) or a live local session of its own.
     */
    boolean mayWrite(long id) {
        if (state.tracker.isValid(id)) {
            return true;
        }
        if (localSessions == null || state.tracker.contains(id)) {
            return false; // unknown, or a global session whose close is under way
        }
        return (id >>> 56) != config.myId() || localSessions.table().isValid(id);
    }


    /** Tells the client its session is expired (ZooKeeper's timeout-0 response) and closes the connection. */
    void answerExpired(Connection conn, Boolean readOnly) {
        gate.emit(conn, Replies.encodeConnect(ConnectResponse.expired(0, readOnly)));
        gate.emitClose(conn);
    }

    /** Closes a read-only session (its client's closeSession, or its expiry); returns its connection, if any. */
    Connection closeReadOnly(long id) {
        if (readOnlySessions != null) {
            readOnlySessions.remove(id);
        }
        Connection conn = bySession.get(id);
        if (conn != null && conn.readOnly) {
            bySession.remove(id);
            return conn;
        }
        return null;
    }

    /** Whether {@code id} names a session of the replicated state (global, in ZooKeeper's words). */
    boolean isGlobal(long id) {
        return state.tracker.contains(id);
    }

    /** The table the connection's session lives in: the read-only one for a read-only session. */
    private SessionTracker trackerOf(Connection conn) {
        if (conn.readOnly && readOnlySessions != null) {
            return readOnlySessions.table();
        }
        return conn.localSession && localSessions != null ? localSessions.table() : state.tracker;
    }

    /**
     * A committed CreateSessionTxn: the session exists; answers its handshake if it came through us.
     * Returns the connection of a local session this txn upgraded (its held writes may go), or null.
     */
    Connection created(long id, Txn.CreateSessionTxn c) {
        state.tracker.addSession(id, c.timeoutMs());
        // A txn logged by a standalone server of an older version carries no password (see MemberState).
        byte[] password = c.passwd() != null ? c.passwd() : state.legacyPassword(id);
        state.passwords.put(id, password);
        PendingConnect pc = pendingConnects.remove(id);
        if (pc != null && !pc.conn().closed) {
            bind(pc.conn(), id, c.timeoutMs());
            touched.add(id);
            gate.emit(pc.conn(), Replies.encodeConnect(new ConnectResponse(0, c.timeoutMs(), id, password,
                    pc.readOnly())));
        }
        return upgraded(id);
    }

    /** The CreateSessionTxn of a handshake was not logged (a full disk): its connection is closed, the client retries. */
    void createFailed(long id) {
        if (localSessions != null && localSessions.upgrading(id)) {
            localSessions.upgradeFailed(id);
            Connection conn = bySession.get(id);
            if (conn != null) {
                conn.close("the log's disk is full: the session could not be made global");
            }
            return;
        }
        PendingConnect pc = pendingConnects.remove(id);
        if (pc != null) {
            pc.conn().close("the log's disk is full: no new session until it has room");
        }
    }

    /** A committed CloseSessionTxn: the session is gone; returns the connection it was bound to, if any. */
    Connection closed(long id) {
        state.tracker.remove(id);
        state.passwords.remove(id);
        return bySession.remove(id);
    }

    /** The connection bound to the session, or null. */
    Connection connection(long sessionId) {
        return bySession.get(sessionId);
    }

    /** A request arrived: true when the connection's session still lives (its expiry is refreshed). */
    boolean touch(Connection conn) {
        SessionTracker tracker = trackerOf(conn);
        if (conn.sessionId == 0 || !tracker.isValid(conn.sessionId)) {
            return false;
        }
        tracker.touch(conn.sessionId);
        if (tracker == state.tracker) { // a member-local session is no leader's business
            touched.add(conn.sessionId);
        }
        return true;
    }

    long[] drainTouched() {
        long[] ids = touched.stream().mapToLong(Long::longValue).toArray();
        touched.clear();
        return ids;
    }

    /** The connection went away; its session lives on until it expires or is reattached. */
    void disconnected(Connection conn) {
        if (conn.sessionId != 0 && bySession.get(conn.sessionId) == conn) {
            bySession.remove(conn.sessionId);
        }
        pendingConnects.values().removeIf(p -> p.conn() == conn);
    }

    /** Every connection is being closed (this member stopped serving, or its state is replaced). */
    void dropAll() {
        bySession.clear();
        pendingConnects.clear();
        touched.clear();
        if (localSessions != null) {
            // As ZooKeeper, whose member starts a new server (and session tracker) after an election:
            // local sessions do not outlive the serving period they were created in.
            localSessions = newLocalTable();
        }
    }

    /** A request that is no session activity arrived: true when the connection's session still lives. */
    boolean isValid(Connection conn) {
        return conn.sessionId != 0 && trackerOf(conn).isValid(conn.sessionId);
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

    /** Answers an auth packet; false when it was refused (AUTHFAILED, connection closed). */
    boolean auth(Connection conn, AuthPacket packet) {
        if ("digest".equals(packet.scheme()) && packet.auth() != null) {
            String userPassword = new String(packet.auth(), StandardCharsets.UTF_8);
            if (userPassword.indexOf(':') > 0) {
                for (Id id : authPolicy.identitiesFor(new Id("digest", DigestAuth.generate(userPassword)))) {
                    trackerOf(conn).addAuth(conn.sessionId, id);
                }
                gate.emit(conn, Replies.encode(new ReplyHeader(Xids.AUTH, 0, 0), null));
                return true;
            }
        }
        if ("ip".equals(packet.scheme())) {
            // The ip identity comes from the socket; accept the packet as ZooKeeper does.
            gate.emit(conn, Replies.encode(new ReplyHeader(Xids.AUTH, 0, 0), null));
            return true;
        }
        LOG.info("auth failed for session 0x{}: scheme '{}'", Long.toHexString(conn.sessionId), packet.scheme());
        gate.emit(conn, Replies.encode(new ReplyHeader(Xids.AUTH, 0, ErrorCode.AUTHFAILED.code()), null));
        gate.emitClose(conn);
        return false;
    }

    /**
     * sasl (102): one round of the connection's SASL exchange; a completed one adds the identity
     * {@code sasl:<user>} to the session (until it reattaches elsewhere, as digest auth).
     */
    SaslAuthenticator.Step sasl(Connection conn, GetSASLRequest request) {
        if (conn.saslExchange == null) {
            conn.saslExchange = sasl.newExchange();
        }
        SaslAuthenticator.Step step = sasl.evaluate(conn.saslExchange, request.token(), conn.toString());
        if (step.authorizedId() != null) {
            for (Id id : authPolicy.identitiesFor(new Id(SaslAuthenticator.SCHEME, step.authorizedId()))) {
                trackerOf(conn).addAuth(conn.sessionId, id); // with super when zookeeper.superUser names this user
            }
        }
        return step;
    }

    /**
     * sessionRequireClientSASLAuth: false when this request must be refused because its session
     * has not authenticated with SASL. As in ZooKeeper, only auth and sasl requests pass before
     * that (pings and closeSession do not).
     */
    boolean saslSatisfied(Connection conn, int opCode) {
        if (!sasl.required() || opCode == OpCode.SASL || opCode == OpCode.AUTH) {
            return true;
        }
        for (Id id : trackerOf(conn).authIds(conn.sessionId)) {
            if (SaslAuthenticator.SCHEME.equals(id.scheme())) {
                return true;
            }
        }
        return false;
    }

    List<Id> authIds(Connection conn) {
        return trackerOf(conn).authIds(conn.sessionId);
    }

    AuthPolicy authPolicy() {
        return authPolicy;
    }

    /** True when the connection's session may do {@code perm} on a node with {@code acl}. */
    boolean allows(List<Acl> acl, int perm, Connection conn) {
        return authPolicy.allows(acl, perm, authIds(conn), Reads.ipOf(conn));
    }

    /**
     * enforce.auth: a request other than auth and sasl from a session not authenticated with an
     * enforced scheme is answered SESSIONCLOSEDREQUIRESASLAUTH (-124) and the connection is closed,
     * before the request touches the session, as ZooKeeper does; returns true then. The session
     * itself stays (it expires unless the client comes back authenticated).
     */
    boolean refusedUnauthenticated(Connection conn, int opCode, int xid) {
        if (!authPolicy.enforcesAuth() || opCode == OpCode.AUTH || opCode == OpCode.SASL
                || authPolicy.admits(authIds(conn))) {
            return false;
        }
        LOG.warn("session 0x{} from {} is not authenticated with any of {}: closing the connection",
                Long.toHexString(conn.sessionId), conn.channel.describe(), authPolicy.enforcedSchemes());
        gate.emit(conn, Replies.encode(new ReplyHeader(xid, 0, ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH.code()), null));
        gate.emitClose(conn);
        return true;
    }
}
