package io.coord.server.pipeline;

import io.coord.server.config.ConfigNodeText;
import io.coord.server.config.ServerConfig;
import io.coord.server.session.Clock;
import io.coord.server.session.SessionTracker;
import io.coord.server.tree.DataTree;
import io.coord.server.txn.ApplyResult;
import io.coord.server.txn.TreeEvent;
import io.coord.server.txn.Txn;
import io.coord.server.txn.TxnApplier;
import io.coord.server.txn.TxnEntry;
import io.coord.server.txn.TxnHeader;
import io.coord.server.watch.ChangeHistory;
import io.coord.server.watch.Notification;
import io.coord.server.watch.WatchManager;
import io.coord.server.zab.LogEntry;
import io.coord.wire.Acl;
import io.coord.wire.ConnectRequest;
import io.coord.wire.ErrorCode;
import io.coord.wire.OpCode;
import io.coord.wire.SyncRequest;
import io.coord.wire.SyncResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
        /** A write of a local session that this member answers itself ({@link LocalSessions.Route#HERE}). */
        boolean answerHere;

        Pending(Request req) {
            this.req = req;
        }
    }

    /**
     * A connection's requests in arrival order. Invariant: every write in the run of writes at the
     * head (up to the first non-write) has been forwarded, except right after a non-write left the
     * head; so a write is forwarded on arrival when no non-write waits before it, and each write is
     * looked at once (5,000 pipelined writes of one connection cost 5,000 steps, not 12.5 million).
     */
    private static final class Queue extends ArrayDeque<Pending> {
        /** Non-writes (reads, syncs, watch ops) in the queue. */
        int nonWrites;
    }

    private final ServerConfig config;
    /** The membership text (and its version) written into each state put to use: see {@link #configChanged}. */
    private byte[] configText;
    private long configVersion;
    private final Clock clock;
    private final Map<ClientChannel, Connection> connections;
    private final StorageInfo storageInfo;
    private final byte[] secret;
    private final EnsembleProcessor processor;
    private final ServerStats stats;
    private final Map<Connection, Queue> queues = new HashMap<>();
    private final Set<Connection> draining = new HashSet<>();
    private final Map<Long, Connection> syncs = new HashMap<>();
    private final List<Long> syncsToRequest = new ArrayList<>();
    private long nextSyncId = 1;

    private MemberState state;
    private WatchManager<Connection> watches;
    private OutputGate gate;
    private Replier replier;
    private final Sessions sessions;
    private LocalOps local;
    /** Recent tree events for replaying persistent watches on reconnect (per state, like the watches). */
    private ChangeHistory<List<Acl>> history;
    private Admin admin;

    EnsembleClients(ServerConfig config, Clock clock, MemberState state, long stateZxid,
                    Map<ClientChannel, Connection> connections, StorageInfo storageInfo, byte[] secret,
                    EnsembleProcessor processor, RandomGenerator random) {
        this.config = config;
        this.configText = ConfigNodeText.of(config);
        this.configVersion = config.configVersion();
        this.clock = clock;
        this.stats = new ServerStats(clock::nowNanos);
        // A member starts looking for a leader (election_time); a standalone server elects nobody, as ZooKeeper's.
        roleChanged(io.coord.server.zab.Role.LOOKING, false, false);
        this.connections = connections;
        this.storageInfo = storageInfo;
        this.secret = secret;
        this.processor = processor;
        this.sessions = new Sessions(config, clock, random, SessionTracker.initialSessionId(config.myId(),
                clock.wallMs()), processor::serving, processor::forward, this::forget);
        useState(state, stateZxid);
    }

    /**
     * A committed configuration this member took: what {@link #useState} writes into a state put to
     * use from now on (the tree itself learns a change from the applied reconfig txn).
     */
    void configChanged(io.coord.server.zab.Membership m) {
        configText = m.encoded();
        configVersion = m.version();
    }

    /** Builds the per-state helpers around a (new) state machine at {@code zxid}. */
    private void useState(MemberState newState, long zxid) {
        if (!config.standalone()) {
            // As ZooKeeper: each member writes its own view of the membership into /zookeeper/config
            // (no txn; a snapshot from the leader brings the leader's, so it is written again here).
            // dataVersion -1 and mzxid = the config's version, as ZooKeeper's; mtime 0 rather than
            // the wall clock, so that every member's tree (and digest) stays identical.
            newState.tree.setData(DataTree.CONFIG, configText, -1, configVersion, 0);
        }
        this.state = newState;
        this.watches = new WatchManager<>();
        this.history = new ChangeHistory<>(ChangeHistory.DEFAULT_CAPACITY);
        history.startAt(zxid);
        this.gate = new OutputGate(zxid);
        this.replier = new Replier(gate, stats);
        sessions.use(newState, gate);
        this.local = new LocalOps(config, clock, newState.tree, watches, history, gate, replier, sessions,
                stats.readsPerNamespace);
        this.admin = new Admin(config, newState.tree, watches, sessions, gate, stats, connections, storageInfo,
                processor::mode, processor::quorumStatus);
    }

    /** The member's role or serving state changed: election, unavailable and sync times (RoleTimes). */
    void roleChanged(io.coord.server.zab.Role role, boolean serving, boolean observer) {
        if (!config.standalone()) {
            stats.roles.changed(role, serving, observer, stats.nowNanos());
        }
    }

    ServerStats stats() {
        return stats;
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
        stats.connectionRequests++;
        sessions.connect(conn, req);
    }

    void disconnected(Connection conn) {
        conn.closed = true;
        forget(conn);
        sessions.disconnected(conn);
    }

    private void forget(Connection conn) {
        watches.removeWatcher(conn);
        queues.remove(conn);
        syncs.values().removeIf(c -> c == conn);
    }

    /** Closes every client connection (this member stopped serving, or its state is replaced). */
    void dropAll(String reason) {
        for (Connection c : connections.values()) {
            c.close(reason);
            watches.removeWatcher(c);
        }
        sessions.dropAll();
        queues.clear();
        syncs.clear();
        syncsToRequest.clear();
    }

    /** This member lost its quorum a grace period ago: it serves read-only sessions from now on. */
    void enterReadOnly() {
        sessions.enterReadOnly();
    }

    /** Read-only mode ends (the member joins a quorum): every read-only session and connection goes. */
    void leaveReadOnly(String reason) {
        dropAll(reason);
        sessions.leaveReadOnly();
    }

    /** Expires the member-local sessions (read-only mode's, localSessionsEnabled's) whose time is up. */
    void localSessionsTick() {
        sessions.expireMemberLocal();
    }

    /** Leader: whether a write of the session may be proposed ({@link Sessions#mayWrite}). */
    boolean mayWrite(long sessionId) {
        return sessions.mayWrite(sessionId);
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
        return sessions.drainTouched();
    }

    // ------------------------------------------------------------------ requests

    void request(Connection conn, Request req) {
        if (conn.closed) {
            return;
        }
        conn.received++;
        stats.packetsReceived++;
        if (sessions.refusedUnauthenticated(conn, req.type(), req.xid())) {
            return;
        }
        // sasl is no session activity, as in ZooKeeper (see Sessions.countsAsActivity).
        boolean live = Sessions.countsAsActivity(req.type()) ? sessions.touch(conn) : sessions.isValid(conn);
        if (!live) {
            if (queues.containsKey(conn)) {
                // Earlier requests of the connection still wait (writes in flight): an answer now
                // would overtake theirs. Closing is enough: the client learns at its next handshake.
                gate.emitClose(conn);
                return;
            }
            replier.error(conn, req, ErrorCode.SESSIONEXPIRED);
            gate.emitClose(conn);
            return;
        }
        if (!sessions.saslSatisfied(conn, req.type())) {
            replier.refuseWithoutSasl(conn, req);
            return;
        }
        if (conn.readOnly) {
            ReadOnlyMode.answer(conn, req, sessions, replier, local, gate);
            return;
        }
        Queue q = queues.computeIfAbsent(conn, c -> new Queue());
        Pending p = new Pending(req);
        q.add(p);
        if (!isWrite(req.type())) {
            q.nonWrites++;
        } else if (q.nonWrites == 0 && !forward(conn, p)) {
            return;
        }
        drain(conn);
    }

    static boolean isWrite(int type) {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL, OpCode.DELETE,
                 OpCode.SET_DATA, OpCode.SET_ACL, OpCode.MULTI, OpCode.CLOSE_SESSION, OpCode.RECONFIG -> true;
            default -> false;
        };
    }

    /** Runs what can run at the head of the connection's queue; forwards every write not yet sent. */
    private void drain(Connection conn) {
        if (!draining.add(conn)) {
            return; // the outer call re-examines the queue
        }
        try {
            Queue q = queues.get(conn);
            while (q != null && !q.isEmpty() && !conn.closed) {
                Pending head = q.peekFirst();
                if (head.done) {
                    q.pollFirst();
                    if (!isWrite(head.req.type())) {
                        q.nonWrites--;
                    }
                    continue;
                }
                if (isWrite(head.req.type())) {
                    if (!head.started) {
                        forwardWrites(conn, q); // a non-write just left the head
                    }
                    if (head.answerHere && !conn.closed) {
                        answerHere(conn, q, head);
                        continue;
                    }
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
    private void forwardWrites(Connection conn, Queue q) {
        for (Pending p : q) {
            if (!isWrite(p.req.type())) {
                return;
            }
            if (!p.started && !forward(conn, p)) {
                return;
            }
        }
    }

    /** Sends one write to the leader (decoded, with the session's auth); false when the connection closed. */
    private boolean forward(Connection conn, Pending p) {
        if (conn.localSession) {
            LocalSessions.Route route = sessions.routeLocal(conn, p.req);
            if (route == LocalSessions.Route.AFTER_UPGRADE) {
                return !conn.closed; // not started: forwarded once the upgrade is applied (drain)
            }
            if (route == LocalSessions.Route.HERE) {
                p.started = true;
                p.answerHere = true; // when it reaches the head, after the writes before it
                return true;
            }
        }
        p.started = true;
        ForwardedRequest f = ForwardedRequest.local(config.myId(), conn.sessionId, p.req.xid(), p.req.type(),
                p.req.body(), sessions.authIds(conn), Reads.ipOf(conn));
        if (!processor.forward(f)) {
            conn.close("no leader to take the write");
            return false;
        }
        return true;
    }

    /**
     * A write of a local session answered here at the head of its queue: its close (no txn), or an
     * ephemeral create refused with EPHEMERALONLOCALSESSION as ZooKeeper refuses it without upgrading.
     */
    private void answerHere(Connection conn, Queue q, Pending p) {
        p.done = true;
        if (p.req.type() != OpCode.CLOSE_SESSION) {
            replier.error(conn, p.req, ErrorCode.EPHEMERALONLOCALSESSION);
            return;
        }
        sessions.closeLocal(conn);
        replier.ok(conn, p.req, null);
        conn.sessionId = 0;
        q.clear(); // nothing after a close is answered
        gate.emitClose(conn);
    }

    /** Answers a request this member can answer alone; false while it waits (sync). */
    private boolean runLocal(Connection conn, Request req) {
        if (req.type() == OpCode.SYNC) {
            long id = nextSyncId++;
            syncs.put(id, conn);
            syncsToRequest.add(id);
            return false;
        }
        long startedNanos = clock.nowNanos();
        local.answer(conn, req);
        stats.readProcessed(startedNanos); // ZooKeeper's final processor time of a non-write (read_final_proc_time_ms)
        return true;
    }

    /** Sync ids that wait for the core (asked after the current input's effects are done). */
    List<Long> takeSyncRequests() {
        List<Long> ids = List.copyOf(syncsToRequest);
        syncsToRequest.clear();
        return ids;
    }

    void syncDone(long id, boolean ok) {
        Connection conn = syncs.remove(id);
        Queue q = conn == null ? null : queues.get(conn);
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

    /**
     * Applies one committed txn, fires its watches and answers the request it came from, if ours;
     * timed as ZooKeeper times its final processor for a write (write_final_proc_time_ms).
     */
    void applyCommitted(LogEntry e, TxnEntry entry) {
        long startedNanos = clock.nowNanos();
        applyAndAnswer(e, entry);
        stats.writeProcessed(startedNanos);
    }

    private void applyAndAnswer(LogEntry e, TxnEntry entry) {
        TxnHeader h = entry.header();
        Txn txn = entry.txn();
        ApplyResult r = TxnApplier.apply(state.tree, h, txn);
        stats.written(txn);
        gate.applied(e.zxid());
        for (TreeEvent ev : r.events()) {
            history.record(e.zxid(), ev.path(), ev.type(), ev.acl());
            List<Notification<Connection>> fired = watches.trigger(ev.path(), ev.type());
            stats.watchesFired(ev.type(), fired.size());
            replier.notify(EventFilter.readable(fired, ev.acl(), sessions), e.zxid());
        }
        if (txn instanceof Txn.CreateSessionTxn c) {
            Connection upgraded = sessions.created(h.sessionId(), c);
            if (upgraded != null) {
                drain(upgraded); // the writes that waited for the upgrade go to the leader now, in order
            }
        } else if (txn instanceof Txn.CloseSessionTxn) {
            sessionClosed(h, e.zxid());
        } else if (h.sessionId() != 0) {
            Connection conn = sessions.connection(h.sessionId());
            if (conn != null) {
                answerWrite(conn, h, txn, r);
            }
        }
    }

    private void sessionClosed(TxnHeader h, long zxid) {
        long id = h.sessionId();
        Connection conn = sessions.closed(id);
        if (conn == null) {
            return;
        }
        Queue q = queues.get(conn);
        Pending head = q == null ? null : q.peekFirst();
        if (head != null && head.req.type() == OpCode.CLOSE_SESSION && head.req.xid() == h.cxid()) {
            replier.ok(conn, head.req, null);
            head.done = true;
        }
        conn.sessionId = 0;
        queues.remove(conn);
        gate.emitClose(conn);
    }

    /**
     * A write (or close) of session {@code sessionId} with xid {@code cxid} was not logged: answers
     * it with {@code code} if a client of this member waits for it; false when none does. A lost
     * createSession closes its handshake's connection instead (the client retries).
     */
    boolean writeFailed(long sessionId, int cxid, int type, ErrorCode code) {
        if (type == OpCode.CREATE_SESSION) {
            sessions.createFailed(sessionId);
            return true;
        }
        Connection conn = sessions.connection(sessionId);
        Queue q = conn == null ? null : queues.get(conn);
        Pending p = q == null ? null : q.peekFirst();
        if (p == null || !p.started || p.done || !isWrite(p.req.type()) || p.req.xid() != cxid) {
            return false;
        }
        replier.error(conn, p.req, code);
        p.done = true;
        drain(conn);
        return true;
    }

    private void answerWrite(Connection conn, TxnHeader h, Txn txn, ApplyResult r) {
        Queue q = queues.get(conn);
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
        if (WriteReplies.sessionMoved(txn)) {
            // As ZooKeeper does (ZOOKEEPER-710), the connection goes instead of the answer: the
            // leader holds the session on another member, perhaps only because a notice raced. The
            // client reconnects (its reattach makes the member it picks the owner) and sees a
            // connection loss it may retry, not an error that would leave, say, a lock node behind.
            LOG.info("{}: the leader holds session 0x{} on another member (SESSIONMOVED); closing", conn,
                    Long.toHexString(h.sessionId()));
            conn.close("session moved to another member");
            return;
        }
        WriteReplies.answer(replier, conn, p.req, txn, r);
        p.done = true;
        drain(conn);
    }
}
