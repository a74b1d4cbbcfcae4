package io.coord.server.pipeline;

import io.coord.server.admin.ServerStatus;
import io.coord.server.admin.StatusSource;
import io.coord.server.config.ServerConfig;
import io.coord.server.session.Clock;
import io.coord.server.tree.DataTree;
import io.coord.server.watch.ChangeHistory;
import io.coord.server.watch.WatchManager;
import io.coord.wire.Acl;
import io.coord.wire.AddWatchRequest;
import io.coord.wire.AuthPacket;
import io.coord.wire.CheckWatchesRequest;
import io.coord.wire.ConnectRequest;
import io.coord.wire.ErrorCode;
import io.coord.wire.ErrorResponse;
import io.coord.wire.GetSASLRequest;
import io.coord.wire.JuteRecord;
import io.coord.wire.KeeperError;
import io.coord.wire.OpCode;
import io.coord.wire.RemoveWatchesRequest;
import io.coord.wire.RequestHeader;
import io.coord.wire.SetWatches2;
import io.coord.wire.SetWatches;
import io.coord.wire.SyncRequest;
import io.coord.wire.SyncResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request pipeline: takes decoded packets from the network, runs them one at a time on the
 * request thread, and sends replies through the {@link OutputGate}. Implements {@link RequestSink}
 * for the I/O threads, which only queue work here.
 *
 * <p>A full disk ({@link #diskFull}) takes back every txn the log dropped — out of the tree, the
 * session table and the held output — and refuses txns until {@link #spaceAvailable}; reads,
 * reattaching sessions and watches carry on meanwhile.
 */
public final class RequestProcessor implements RequestSink, StatusSource, RequestThread.Handler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestProcessor.class);
    private final ServerConfig config;
    private final Clock clock;
    private final RequestThread thread;
    private final Map<ClientChannel, Connection> connections = new ConcurrentHashMap<>();
    private final WatchManager<Connection> watches = new WatchManager<>();
    private final OutputGate gate;
    private final ServerStats stats;
    private final Replier replier;
    private final Writes writes;
    private final Sessions sessions;
    private final Reads reads;
    private final WatchOps watchOps;
    private final Admin admin;
    private long nextNodeExpiryScanMs;
    private final CoalescedReport durableReports;

    public RequestProcessor(ServerConfig config, Clock clock, RecoveredState state, TxnSink log,
                            StorageInfo storageInfo, SnapshotTrigger snapshots) {
        this(config, clock, state, log, storageInfo, snapshots, FatalHandler.HALT);
    }

    /** @param fatal what the request thread does when a task fails unexpectedly */
    public RequestProcessor(ServerConfig config, Clock clock, RecoveredState state, TxnSink log,
                            StorageInfo storageInfo, SnapshotTrigger snapshots, FatalHandler fatal) {
        this.config = config;
        this.clock = clock;
        this.stats = new ServerStats(clock::nowNanos);
        this.gate = new OutputGate(state.lastZxid());
        this.replier = new Replier(gate, stats);
        DataTree tree = state.tree();
        ChangeHistory<List<Acl>> history = new ChangeHistory<>(ChangeHistory.DEFAULT_CAPACITY);
        history.startAt(state.lastZxid());
        this.writes = new Writes(config, clock, tree, watches, history, gate, replier, log, snapshots);
        this.sessions = new Sessions(config, state.sessions(), writes, gate, watches::removeWatcher);
        this.writes.bindSessions(sessions);
        this.reads = new Reads(tree, watches, sessions);
        this.watchOps = new WatchOps(tree, watches, sessions, history);
        this.admin = new Admin(config, tree, watches, sessions, gate, stats, connections, storageInfo);
        this.thread = new RequestThread("coord-request", clock::nowMs, this, fatal);
        this.durableReports = new CoalescedReport(thread, this::releaseDurable);
    }

    public void start() {
        thread.start();
    }

    // ------------------------------------------------------------------ I/O threads

    @Override
    public void connect(ClientChannel channel, ConnectRequest request) {
        Connection conn = connections.computeIfAbsent(channel, Connection::new);
        thread.submit(() -> sessions.connect(conn, request));
    }

    @Override
    public void request(ClientChannel channel, RequestHeader header, JuteRecord body) {
        Connection conn = connections.get(channel);
        if (conn == null) {
            return;
        }
        Request req = new Request(header.xid(), header.type(), body, clock.nowNanos());
        conn.enqueued();
        thread.submit(() -> {
            conn.dequeued();
            process(conn, req);
        });
    }

    @Override
    public void fourLetterWord(ClientChannel channel, String word) {
        thread.submit(() -> admin.answer(channel, word));
    }

    @Override
    public CompletableFuture<ServerStatus> status(Scope scope) {
        CompletableFuture<ServerStatus> result = new CompletableFuture<>();
        thread.submit(() -> admin.inspect(result, scope));
        return result;
    }

    @Override
    public void disconnected(ClientChannel channel) {
        Connection conn = connections.remove(channel);
        if (conn != null) {
            thread.submit(() -> {
                conn.closed = true;
                watches.removeWatcher(conn);
                sessions.disconnected(conn);
            });
        }
    }

    @Override
    public Backlog backlog() {
        return thread.backlog();
    }

    /** Tasks waiting for the request thread (tests). */
    int queuedTasks() {
        return thread.queued();
    }

    /**
     * The log thread reports durability; replies waiting for it are released in order. Never
     * blocks: the request thread may be waiting for the log thread's queue.
     */
    public void durable(long zxid) {
        durableReports.report(zxid);
    }

    private void releaseDurable(long zxid) {
        gate.durable(zxid);
        writes.durable(zxid);
        sessions.durable(zxid);
    }

    /**
     * The log ran out of space and dropped every txn after durableZxid (it reported that zxid
     * durable first). On the request thread: refuse further txns, take the dropped ones back out
     * of the tree and the session table, discard the output they produced (closing the
     * connections it was for: they may have lost a watch to an event that never happened; their
     * clients reconnect to the same session and re-register watches), then let the log resume
     * with {@code resumeLog}, which discards whatever was queued before it.
     */
    public void diskFull(long durableZxid, Runnable resumeLog) {
        thread.submit(() -> {
            long assigned = gate.assignedZxid();
            writes.refuseWrites(true);
            writes.rollBackAfter(durableZxid);
            sessions.rollBackAfter(durableZxid);
            Set<Connection> affected = gate.rollBackTo(durableZxid, Writes.DISK_FULL.code());
            for (Connection c : affected) {
                c.close("its pending output was for txns the full disk could not take");
                watches.removeWatcher(c);
                sessions.disconnected(c);
            }
            LOG.warn("disk full: txns 0x{}..0x{} rolled back (their writes answered {}, {} other connections "
                    + "closed); writes are refused until the log's disk has room again",
                    Long.toHexString(durableZxid + 1), Long.toHexString(assigned), Writes.DISK_FULL, affected.size());
            resumeLog.run();
        });
    }

    /** After {@link #diskFull}: the log has room again, txns are accepted. */
    public void spaceAvailable() {
        thread.submit(() -> {
            writes.refuseWrites(false);
            LOG.info("the log's disk has room again: writes are accepted");
        });
    }

    // ------------------------------------------------------------------ request thread

    private void process(Connection conn, Request req) {
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
            replier.error(conn, req, ErrorCode.SESSIONEXPIRED);
            gate.emitClose(conn);
            return;
        }
        if (!sessions.saslSatisfied(conn, req.type())) {
            replier.refuseWithoutSasl(conn, req);
            return;
        }
        try {
            dispatch(conn, req);
        } catch (KeeperError e) {
            replier.error(conn, req, e.code());
        } catch (ClassCastException e) {
            LOG.warn("closing {}: op {} with the wrong body", conn, OpCode.name(req.type()));
            conn.close("bad request body");
        }
    }

    private void dispatch(Connection conn, Request req) throws KeeperError {
        JuteRecord body = req.body();
        switch (req.type()) {
            case OpCode.PING -> replier.ok(conn, req, null);
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL,
                 OpCode.DELETE, OpCode.SET_DATA, OpCode.SET_ACL, OpCode.MULTI, OpCode.CHECK ->
                    writes.write(conn, req);
            case OpCode.EXISTS, OpCode.GET_DATA, OpCode.GET_CHILDREN, OpCode.GET_CHILDREN2,
                 OpCode.GET_ACL, OpCode.GET_EPHEMERALS, OpCode.GET_ALL_CHILDREN_NUMBER,
                 OpCode.WHO_AM_I, OpCode.MULTI_READ -> replier.ok(conn, req, reads.read(conn, req.type(), body));
            case OpCode.SYNC -> replier.ok(conn, req, new SyncResponse(((SyncRequest) body).path()));
            case OpCode.CLOSE_SESSION -> sessions.close(conn, req.xid());
            case OpCode.AUTH -> sessions.auth(conn, (AuthPacket) body);
            case OpCode.SET_WATCHES -> setWatches(conn, req, WatchOps.upgrade((SetWatches) body));
            case OpCode.SET_WATCHES2 -> setWatches(conn, req, (SetWatches2) body);
            case OpCode.ADD_WATCH -> {
                watchOps.addWatch(conn, (AddWatchRequest) body);
                replier.ok(conn, req, new ErrorResponse(0));
            }
            case OpCode.REMOVE_WATCHES -> {
                watchOps.removeWatches(conn, (RemoveWatchesRequest) body);
                replier.ok(conn, req, null);
            }
            case OpCode.CHECK_WATCHES -> {
                watchOps.checkWatches(conn, (CheckWatchesRequest) body);
                replier.ok(conn, req, null);
            }
            case OpCode.SASL -> replier.sasl(conn, req, sessions.sasl(conn, (GetSASLRequest) body));
            case OpCode.RECONFIG, OpCode.CREATE_SESSION -> replier.error(conn, req, ErrorCode.UNIMPLEMENTED);
            default -> {
                // Not a request op at all: answer, then drop the connection, as ZooKeeper does.
                replier.error(conn, req, ErrorCode.UNIMPLEMENTED);
                gate.emitClose(conn);
            }
        }
    }

    private void setWatches(Connection conn, Request req, SetWatches2 w) {
        replier.notifyEach(watchOps.setWatches(conn, w, gate.assignedZxid()));
        replier.ok(conn, req, null);
    }

    @Override
    public long onTick(long nowMs) {
        sessions.expireDue();
        if (nowMs >= nextNodeExpiryScanMs) {
            writes.deleteExpiredNodes(clock.wallMs());
            nextNodeExpiryScanMs = nowMs + config.containerCheckIntervalMs();
        }
        // Wake exactly at the next bucket time (a tick boundary) rather than on a timer of its own
        // phase, which expired sessions up to that timer's period after their bucket.
        long wakeMs = Math.min(sessions.nextCheckMs(nowMs), nextNodeExpiryScanMs);
        return Math.max(1, wakeMs - nowMs);
    }

    @Override
    public void afterBatch() {
        writes.afterBatch();
        gate.flush();
    }

    @Override
    public void close() {
        thread.close();
        for (Connection c : connections.values()) {
            c.channel.close("server shutting down");
        }
    }
}
