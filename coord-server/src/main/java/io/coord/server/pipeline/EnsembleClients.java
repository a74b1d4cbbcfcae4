package io.coord.server.pipeline;

import io.coord.server.config.ServerConfig;
import io.coord.server.session.Clock;
import io.coord.server.session.SessionTracker;
import io.coord.server.txn.ApplyResult;
import io.coord.server.txn.PrepContext;
import io.coord.server.txn.TreeEvent;
import io.coord.server.txn.Txn;
import io.coord.server.txn.TxnApplier;
import io.coord.server.txn.TxnCodec;
import io.coord.server.txn.TxnEntry;
import io.coord.server.txn.TxnHeader;
import io.coord.server.txn.TxnPrep;
import io.coord.server.watch.Notification;
import io.coord.server.watch.WatchManager;
import io.coord.server.zab.LogEntry;
import io.coord.wire.AddWatchRequest;
import io.coord.wire.AuthPacket;
import io.coord.wire.CheckVersionRequest;
import io.coord.wire.CheckWatchesRequest;
import io.coord.wire.ConnectRequest;
import io.coord.wire.ConnectResponse;
import io.coord.wire.ErrorCode;
import io.coord.wire.ErrorResponse;
import io.coord.wire.JuteWriter;
import io.coord.wire.KeeperError;
import io.coord.wire.MultiRequest;
import io.coord.wire.MultiResponse;
import io.coord.wire.MultiResult;
import io.coord.wire.OpCode;
import io.coord.wire.RemoveWatchesRequest;
import io.coord.wire.Replies;
import io.coord.wire.SetDataResponse;
import io.coord.wire.SetWatches;
import io.coord.wire.SetWatches2;
import io.coord.wire.SyncRequest;
import io.coord.wire.SyncResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of an ensemble member: handshakes, per-connection ordering, local reads, and the
 * replies to committed writes. Per connection, requests are answered in arrival order: writes are
 * forwarded to the leader at once (several may be in flight), but a read (or sync, check, watch
 * op) waits until every earlier request of its connection has been answered, so it sees them.
 * Request-thread only.
 */
final class EnsembleClients {
    private static final Logger LOG = LoggerFactory.getLogger(EnsembleClients.class);

    /** One request of a connection, in arrival order. */
    private static final class Pending {
        final Request req;
        boolean started;
        boolean done;

        Pending(Request req) {
            this.req = req;
        }
    }

    private record PendingConnect(Connection conn, Boolean readOnly) {
    }

    private final ServerConfig config;
    private final Clock clock;
    private final Map<ClientChannel, Connection> connections;
    private final StorageInfo storageInfo;
    private final byte[] secret;
    private final EnsembleProcessor processor;
    private final ServerStats stats;
    /** Session passwords: a SecureRandom in production. */
    private final RandomGenerator random;
    private final Map<Long, Connection> bySession = new HashMap<>();
    private final Map<Connection, ArrayDeque<Pending>> queues = new HashMap<>();
    private final Set<Connection> draining = new HashSet<>();
    private final Map<Long, PendingConnect> pendingConnects = new HashMap<>();
    private final Map<Long, Connection> syncs = new HashMap<>();
    private final List<Long> syncsToRequest = new ArrayList<>();
    private final Set<Long> touched = new LinkedHashSet<>();
    private long nextSessionId;
    private long nextSyncId = 1;

    private MemberState state;
    private WatchManager<Connection> watches;
    private OutputGate gate;
    private Replier replier;
    private Sessions sessions;
    private Reads reads;
    private WatchOps watchOps;
    private Admin admin;

    EnsembleClients(ServerConfig config, Clock clock, MemberState state, long stateZxid,
                    Map<ClientChannel, Connection> connections, StorageInfo storageInfo, byte[] secret,
                    EnsembleProcessor processor, RandomGenerator random) {
        this.config = config;
        this.clock = clock;
        this.random = random;
        this.stats = new ServerStats(clock::nowNanos);
        this.connections = connections;
        this.storageInfo = storageInfo;
        this.secret = secret;
        this.processor = processor;
        this.nextSessionId = SessionTracker.initialSessionId(config.myId(), clock.wallMs());
        useState(state, stateZxid);
    }

    /** Builds the per-state helpers around a (new) state machine at {@code zxid}. */
    private void useState(MemberState newState, long zxid) {
        this.state = newState;
        this.watches = new WatchManager<>();
        this.gate = new OutputGate(zxid);
        this.replier = new Replier(gate, stats);
        this.sessions = new Sessions(config, newState.tracker, null, gate, c -> { });
        this.reads = new Reads(newState.tree, watches, sessions);
        this.watchOps = new WatchOps(newState.tree, watches, sessions);
        this.admin = new Admin(config, newState.tree, watches, sessions, gate, stats, connections, storageInfo,
                processor::mode, processor::quorumStatus);
    }

    MemberState state() {
        return state;
    }

    Admin admin() {
        return admin;
    }

    void flush() {
        gate.flush();
    }

    /** StateProvider for SNAP syncs: the tree only holds committed txns, so it is the applied state. */
    byte[] snapshotBlob(long appliedZxid) {
        return state.encodeBlob(appliedZxid);
    }

    /** SNAP: the core replaced the state machine. Nobody is connected (not serving), but be sure. */
    void install(MemberState.Blob blob) {
        dropAll("installing a snapshot from the leader");
        useState(MemberState.fromBlob(blob, clock, config.tickTimeMs(), config.myId(), secret), blob.zxid());
        LOG.info("installed the leader's snapshot at zxid 0x{} ({} nodes, {} sessions)",
                Long.toHexString(blob.zxid()), state.tree.nodeCount(), state.tracker.size());
    }

    // ------------------------------------------------------------------ handshakes

    void connect(Connection conn, ConnectRequest req) {
        if (conn.closed) {
            return;
        }
        if (!processor.serving()) {
            conn.close("this member is not serving (no quorum yet)");
            return;
        }
        if (req.lastZxidSeen() > gate.assignedZxid()) {
            LOG.info("refusing client {}: it has seen zxid 0x{} and we are at 0x{}", conn.channel.describe(),
                    Long.toHexString(req.lastZxidSeen()), Long.toHexString(gate.assignedZxid()));
            conn.close("client is ahead of this member");
            return;
        }
        int timeoutMs = SessionTracker.negotiateTimeout(req.timeOut(), config.minSessionTimeoutMs(),
                config.maxSessionTimeoutMs());
        Boolean readOnly = req.readOnly() == null ? null : Boolean.FALSE;
        if (req.sessionId() == 0) {
            long id = newSessionId();
            byte[] password = new byte[SessionTracker.PASSWORD_LENGTH];
            random.nextBytes(password);
            byte[] body = new JuteWriter(32).writeInt(timeoutMs).writeBuffer(password).toByteArray();
            pendingConnects.put(id, new PendingConnect(conn, readOnly));
            if (!processor.forward(new ForwardedRequest(config.myId(), id, 0, OpCode.CREATE_SESSION, body,
                    List.of(), Reads.ipOf(conn)))) {
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
        Connection previous = bySession.get(id);
        if (previous != null && previous != conn) {
            previous.sessionId = 0;
            previous.close("session 0x" + Long.toHexString(id) + " moved to another connection");
            forget(previous);
        }
        state.tracker.touch(id);
        state.tracker.clearAuth(id);
        touched.add(id);
        int timeoutMs = state.tracker.timeoutMs(id);
        bind(conn, id, timeoutMs);
        gate.emit(conn, Replies.encodeConnect(new ConnectResponse(0, timeoutMs, id, expected, readOnly)));
    }

    private long newSessionId() {
        long id = nextSessionId++;
        while (id == 0 || id == Long.MIN_VALUE || state.tracker.contains(id) || pendingConnects.containsKey(id)) {
            id = nextSessionId++;
        }
        return id;
    }

    private void bind(Connection conn, long sessionId, int timeoutMs) {
        conn.sessionId = sessionId;
        conn.timeoutMs = timeoutMs;
        bySession.put(sessionId, conn);
        CertificateAuth.attach(state.tracker, conn);
    }

    void disconnected(Connection conn) {
        conn.closed = true;
        forget(conn);
        pendingConnects.values().removeIf(p -> p.conn() == conn);
    }

    private void forget(Connection conn) {
        watches.removeWatcher(conn);
        queues.remove(conn);
        syncs.values().removeIf(c -> c == conn);
        if (conn.sessionId != 0 && bySession.get(conn.sessionId) == conn) {
            bySession.remove(conn.sessionId);
        }
    }

    /** Closes every client connection (this member stopped serving, or its state is replaced). */
    void dropAll(String reason) {
        for (Connection c : connections.values()) {
            c.close(reason);
            watches.removeWatcher(c);
        }
        bySession.clear();
        queues.clear();
        pendingConnects.clear();
        syncs.clear();
        syncsToRequest.clear();
        touched.clear();
    }

    /** A new leader restarts every session's clock; returns those an old leader was already closing. */
    List<Long> restartSessionClocks() {
        List<Long> closing = new ArrayList<>();
        for (long id : state.tracker.sessionTimeouts().keySet()) {
            if (state.tracker.isClosing(id)) {
                closing.add(id);
            } else {
                state.tracker.touch(id);
            }
        }
        return closing;
    }

    long[] drainTouched() {
        long[] ids = touched.stream().mapToLong(Long::longValue).toArray();
        touched.clear();
        return ids;
    }

    // ------------------------------------------------------------------ requests

    void request(Connection conn, Request req) {
        if (conn.closed) {
            return;
        }
        conn.received++;
        stats.packetsReceived++;
        if (conn.sessionId == 0 || !state.tracker.isValid(conn.sessionId)) {
            replier.error(conn, req, ErrorCode.SESSIONEXPIRED);
            gate.emitClose(conn);
            return;
        }
        if (Sessions.countsAsActivity(req.type())) {
            state.tracker.touch(conn.sessionId);
            touched.add(conn.sessionId);
        }
        queues.computeIfAbsent(conn, c -> new ArrayDeque<>()).add(new Pending(req));
        drain(conn);
    }

    static boolean isWrite(int type) {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL, OpCode.DELETE,
                 OpCode.SET_DATA, OpCode.SET_ACL, OpCode.MULTI, OpCode.CLOSE_SESSION -> true;
            default -> false;
        };
    }

    /** Runs what can run at the head of the connection's queue; forwards every write not yet sent. */
    private void drain(Connection conn) {
        if (!draining.add(conn)) {
            return; // the outer call re-examines the queue
        }
        try {
            ArrayDeque<Pending> q = queues.get(conn);
            while (q != null && !q.isEmpty() && !conn.closed) {
                Pending head = q.peekFirst();
                if (head.done) {
                    q.pollFirst();
                    continue;
                }
                if (isWrite(head.req.type())) {
                    forwardWrites(conn, q);
                    break;
                }
                if (head.started) {
                    break; // a sync waiting for the leader
                }
                head.started = true;
                head.done = runLocal(conn, head.req);
            }
            if (q != null && q.isEmpty()) {
                queues.remove(conn);
            }
        } finally {
            draining.remove(conn);
        }
    }

    /** Forwards the run of writes at the head of the queue (up to the first non-write). */
    private void forwardWrites(Connection conn, ArrayDeque<Pending> q) {
        for (Pending p : q) {
            if (!isWrite(p.req.type())) {
                return;
            }
            if (p.started) {
                continue;
            }
            p.started = true;
            JuteWriter body = new JuteWriter(128);
            if (p.req.body() != null) {
                p.req.body().write(body);
            }
            ForwardedRequest f = new ForwardedRequest(config.myId(), conn.sessionId, p.req.xid(), p.req.type(),
                    body.toByteArray(), state.tracker.authIds(conn.sessionId), Reads.ipOf(conn));
            if (!processor.forward(f)) {
                conn.close("no leader to take the write");
                return;
            }
        }
    }

    /** Answers a request this member can answer alone; false while it waits (sync). */
    private boolean runLocal(Connection conn, Request req) {
        try {
            switch (req.type()) {
                case OpCode.PING -> replier.ok(conn, req, null);
                case OpCode.EXISTS, OpCode.GET_DATA, OpCode.GET_CHILDREN, OpCode.GET_CHILDREN2, OpCode.GET_ACL,
                     OpCode.GET_EPHEMERALS, OpCode.GET_ALL_CHILDREN_NUMBER, OpCode.WHO_AM_I, OpCode.MULTI_READ ->
                        replier.ok(conn, req, reads.read(conn, req.type(), req.body()));
                case OpCode.CHECK -> check(conn, req);
                case OpCode.SYNC -> {
                    long id = nextSyncId++;
                    syncs.put(id, conn);
                    syncsToRequest.add(id);
                    return false;
                }
                case OpCode.AUTH -> sessions.auth(conn, (AuthPacket) req.body());
                case OpCode.SET_WATCHES -> setWatches(conn, req, WatchOps.upgrade((SetWatches) req.body()));
                case OpCode.SET_WATCHES2 -> setWatches(conn, req, (SetWatches2) req.body());
                case OpCode.ADD_WATCH -> {
                    watchOps.addWatch(conn, (AddWatchRequest) req.body());
                    replier.ok(conn, req, new ErrorResponse(0));
                }
                case OpCode.REMOVE_WATCHES -> {
                    watchOps.removeWatches(conn, (RemoveWatchesRequest) req.body());
                    replier.ok(conn, req, null);
                }
                case OpCode.CHECK_WATCHES -> {
                    watchOps.checkWatches(conn, (CheckWatchesRequest) req.body());
                    replier.ok(conn, req, null);
                }
                case OpCode.SASL -> replier.saslNotConfigured(conn, req);
                case OpCode.RECONFIG, OpCode.CREATE_SESSION -> replier.error(conn, req, ErrorCode.UNIMPLEMENTED);
                default -> {
                    replier.error(conn, req, ErrorCode.UNIMPLEMENTED);
                    gate.emitClose(conn);
                }
            }
        } catch (KeeperError e) {
            replier.error(conn, req, e.code());
        } catch (ClassCastException e) {
            LOG.warn("closing {}: op {} with the wrong body", conn, OpCode.name(req.type()));
            conn.close("bad request body");
        }
        return true;
    }

    /** A lone check changes nothing: answered from the committed tree, like a read. */
    private void check(Connection conn, Request req) throws KeeperError {
        CheckVersionRequest r = (CheckVersionRequest) req.body();
        PrepContext ctx = new PrepContext(conn.sessionId, sessions.authIds(conn), Reads.ipOf(conn),
                config.extendedTypesEnabled(), gate.assignedZxid() + 1, clock.wallMs());
        new TxnPrep(state.tree).prepCheck(r, ctx);
        replier.ok(conn, req, new SetDataResponse(state.tree.stat(r.path())));
    }

    private void setWatches(Connection conn, Request req, SetWatches2 w) {
        List<Notification<Connection>> fired = watchOps.setWatches(conn, w);
        replier.notify(fired, gate.assignedZxid());
        replier.ok(conn, req, null);
    }

    /** Sync ids that wait for the core (asked after the current input's effects are done). */
    List<Long> takeSyncRequests() {
        List<Long> ids = List.copyOf(syncsToRequest);
        syncsToRequest.clear();
        return ids;
    }

    void syncDone(long id, boolean ok) {
        Connection conn = syncs.remove(id);
        ArrayDeque<Pending> q = conn == null ? null : queues.get(conn);
        Pending head = q == null ? null : q.peekFirst();
        if (head == null || head.done || head.req.type() != OpCode.SYNC) {
            return;
        }
        if (ok) {
            replier.ok(conn, head.req, new SyncResponse(((SyncRequest) head.req.body()).path()));
        } else {
            replier.error(conn, head.req, ErrorCode.CONNECTIONLOSS);
        }
        head.done = true;
        drain(conn);
    }

    // ------------------------------------------------------------------ committed txns

    /** Applies one committed txn, fires its watches and answers the request it came from, if ours. */
    void applyCommitted(LogEntry e) {
        TxnEntry entry = TxnCodec.decode(e.data());
        TxnHeader h = entry.header();
        Txn txn = entry.txn();
        ApplyResult r = TxnApplier.apply(state.tree, h, txn);
        gate.assigned(e.zxid());
        gate.durable(e.zxid());
        for (TreeEvent ev : r.events()) {
            replier.notify(EventFilter.readable(watches.trigger(ev.path(), ev.type()), ev.acl(), sessions),
                    e.zxid());
        }
        if (txn instanceof Txn.CreateSessionTxn c) {
            sessionCreated(h.sessionId(), c);
        } else if (txn instanceof Txn.CloseSessionTxn) {
            sessionClosed(h, e.zxid());
        } else if (h.sessionId() != 0) {
            Connection conn = bySession.get(h.sessionId());
            if (conn != null) {
                answerWrite(conn, h, txn, r);
            }
        }
    }

    private void sessionCreated(long id, Txn.CreateSessionTxn c) {
        state.tracker.addSession(id, c.timeoutMs());
        if (c.passwd() != null) {
            state.passwords.put(id, c.passwd());
        }
        PendingConnect pc = pendingConnects.remove(id);
        if (pc != null && !pc.conn().closed) {
            bind(pc.conn(), id, c.timeoutMs());
            touched.add(id);
            gate.emit(pc.conn(), Replies.encodeConnect(new ConnectResponse(0, c.timeoutMs(), id, c.passwd(),
                    pc.readOnly())));
        }
    }

    private void sessionClosed(TxnHeader h, long zxid) {
        long id = h.sessionId();
        state.tracker.remove(id);
        state.passwords.remove(id);
        Connection conn = bySession.remove(id);
        if (conn == null) {
            return;
        }
        ArrayDeque<Pending> q = queues.get(conn);
        Pending head = q == null ? null : q.peekFirst();
        if (head != null && head.req.type() == OpCode.CLOSE_SESSION && head.req.xid() == h.cxid()) {
            replier.ok(conn, head.req, null);
            head.done = true;
        }
        conn.sessionId = 0;
        queues.remove(conn);
        gate.emitClose(conn);
    }

    private void answerWrite(Connection conn, TxnHeader h, Txn txn, ApplyResult r) {
        ArrayDeque<Pending> q = queues.get(conn);
        Pending p = q == null ? null : q.peekFirst();
        if (p == null || !p.started || p.done || !isWrite(p.req.type()) || h.cxid() < p.req.xid()) {
            return; // a write of this session sent through an earlier connection
        }
        if (h.cxid() != p.req.xid()) {
            LOG.warn("{}: commit of xid {} while xid {} is pending; a forward was lost, closing", conn, h.cxid(),
                    p.req.xid());
            conn.close("lost a forwarded request");
            return;
        }
        if (p.req.type() == OpCode.MULTI) {
            replier.ok(conn, p.req, multiResponse((MultiRequest) p.req.body(), txn, r));
        } else if (r.err() != 0) {
            replier.error(conn, p.req, ErrorCode.of(r.err()));
        } else {
            replier.ok(conn, p.req, Writes.replyBody(p.req.type(), r));
        }
        p.done = true;
        drain(conn);
    }

    private static MultiResponse multiResponse(MultiRequest m, Txn txn, ApplyResult r) {
        if (!(txn instanceof Txn.MultiTxn multi)) {
            return MultiResponse.failed(m.ops().size(), 0, r.err() == 0 ? ErrorCode.SYSTEMERROR.code() : r.err());
        }
        if (multi.failed()) {
            for (int i = 0; i < multi.txns().size(); i++) {
                if (multi.txns().get(i) instanceof Txn.ErrorTxn err && err.err() != 0) {
                    return MultiResponse.failed(m.ops().size(), i, err.err());
                }
            }
        }
        List<MultiResult> results = new ArrayList<>(r.subResults().size());
        for (int i = 0; i < r.subResults().size(); i++) {
            results.add(Writes.multiResult(m.ops().get(i).type(), r.subResults().get(i)));
        }
        return new MultiResponse(results);
    }
}
