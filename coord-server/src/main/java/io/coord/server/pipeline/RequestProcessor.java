package io.coord.server.pipeline;

import io.coord.server.config.ServerConfig;
import io.coord.server.session.Clock;
import io.coord.server.tree.DataTree;
import io.coord.server.watch.WatchManager;
import io.coord.wire.ConnectRequest;
import io.coord.wire.ErrorCode;
import io.coord.wire.OpCode;
import io.coord.wire.SyncRequest;
import io.coord.wire.SyncResponse;
import java.util.Set;
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
public final class RequestProcessor extends ClientIntake implements RequestThread.Handler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestProcessor.class);
    private final ServerConfig config;
    private final Clock clock;
    private final RequestThread thread;
    private final WatchManager<Connection> watches = new WatchManager<>();
    private final OutputGate gate;
    private final ServerStats stats = new ServerStats();
    private final Replier replier;
    private final Writes writes;
    private final Sessions sessions;
    private final LocalOps local;
    private final Admin admin;
    private long nextNodeExpiryScanMs;

    public RequestProcessor(ServerConfig config, Clock clock, RecoveredState state, TxnSink log,
                            StorageInfo storageInfo, SnapshotTrigger snapshots) {
        this(config, clock, state, log, storageInfo, snapshots, FatalHandler.HALT);
    }

    /** @param fatal what the request thread does when a task fails unexpectedly */
    public RequestProcessor(ServerConfig config, Clock clock, RecoveredState state, TxnSink log,
                            StorageInfo storageInfo, SnapshotTrigger snapshots, FatalHandler fatal) {
        this.config = config;
        this.clock = clock;
        this.gate = new OutputGate(state.lastZxid());
        this.replier = new Replier(gate, stats);
        DataTree tree = state.tree();
        this.writes = new Writes(config, clock, tree, watches, gate, replier, log, snapshots);
        this.sessions = new Sessions(config, state.sessions(), writes, gate, watches::removeWatcher);
        this.writes.bindSessions(sessions);
        this.local = new LocalOps(config, clock, tree, watches, gate, replier, sessions);
        this.admin = new Admin(config, tree, watches, sessions, gate, stats, connections, storageInfo);
        this.thread = new RequestThread("coord-request", clock::nowMs, this, fatal);
    }

    public void start() {
        thread.start();
    }

    // ------------------------------------------------------------------ I/O threads

    @Override
    void submit(Runnable task) {
        thread.submit(task);
    }

    @Override
    void onConnect(Connection conn, ConnectRequest request) {
        sessions.connect(conn, request);
    }

    @Override
    void onRequest(Connection conn, Request req) {
        process(conn, req);
    }

    @Override
    void onFourLetterWord(ClientChannel channel, String word) {
        admin.answer(channel, word);
    }

    @Override
    void onDisconnected(Connection conn) {
        conn.closed = true;
        watches.removeWatcher(conn);
        sessions.disconnected(conn);
    }

    /** The log thread reports durability; replies waiting for it are released in order. */
    public void durable(long zxid) {
        thread.submit(() -> {
            gate.durable(zxid);
            writes.durable(zxid);
            sessions.durable(zxid);
        });
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
        if (!sessions.touch(conn)) {
            replier.error(conn, req, ErrorCode.SESSIONEXPIRED);
            gate.emitClose(conn);
            return;
        }
        switch (req.type()) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL,
                 OpCode.DELETE, OpCode.SET_DATA, OpCode.SET_ACL, OpCode.MULTI ->
                    local.guarded(conn, req, () -> writes.write(conn, req));
            // Every earlier write of every session is applied already: answered at once, the
            // reply waits in the gate behind them.
            case OpCode.SYNC -> local.guarded(conn, req,
                    () -> replier.ok(conn, req, new SyncResponse(((SyncRequest) req.body()).path())));
            case OpCode.CLOSE_SESSION -> sessions.close(conn, req.xid());
            default -> local.answer(conn, req);
        }
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
        closeConnections();
    }
}
