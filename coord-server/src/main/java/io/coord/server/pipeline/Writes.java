package io.coord.server.pipeline;

import io.coord.server.auth.AuthPolicy;
import io.coord.server.config.ServerConfig;
import io.coord.server.session.Clock;
import io.coord.server.tree.DataTree;
import io.coord.server.tree.ExpiryScan;
import io.coord.server.txn.ApplyResult;
import io.coord.server.txn.MultiPrep;
import io.coord.server.txn.PrepContext;
import io.coord.server.txn.TreeEvent;
import io.coord.server.txn.Txn;
import io.coord.server.txn.TxnApplier;
import io.coord.server.txn.TxnCodec;
import io.coord.server.txn.TxnHeader;
import io.coord.server.txn.TxnPrep;
import io.coord.server.watch.ChangeHistory;
import io.coord.server.watch.WatchManager;
import io.coord.wire.Acl;
import io.coord.wire.CheckVersionRequest;
import io.coord.wire.Create2Response;
import io.coord.wire.CreateRequest;
import io.coord.wire.CreateResponse;
import io.coord.wire.CreateTTLRequest;
import io.coord.wire.DeleteRequest;
import io.coord.wire.ErrorCode;
import io.coord.wire.JuteRecord;
import io.coord.wire.KeeperError;
import io.coord.wire.MultiOp;
import io.coord.wire.MultiRequest;
import io.coord.wire.MultiResponse;
import io.coord.wire.MultiResult;
import io.coord.wire.OpCode;
import io.coord.wire.SetACLRequest;
import io.coord.wire.SetACLResponse;
import io.coord.wire.SetDataRequest;
import io.coord.wire.SetDataResponse;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write requests and server-issued txns (sessions, expired containers and TTL nodes): prepare
 * against the tree, apply at once, hand to the log, fire watches, reply. Everything observable is
 * gated by the {@link OutputGate} until the log makes it durable. Request-thread only.
 *
 * <p>While the log's disk is full, writes are refused before anything is applied, with
 * {@link #DISK_FULL}.
 */
final class Writes {
    private static final Logger LOG = LoggerFactory.getLogger(Writes.class);
    /**
     * The answer to a write while the disk is full. ZooKeeper has no such code; THROTTLEDOP is
     * documented as "the operation was not executed at all, retry later with back-off", which is
     * exactly the case: the stock client throws it to the caller as ThrottledOpException and the
     * session is untouched, and Curator does not retry it on its own, so the caller sees it at
     * once. The alternatives say less or something false: CONNECTIONLOSS and OPERATIONTIMEOUT
     * leave the caller unsure whether the write happened (and Curator retries them without end),
     * SYSTEMERROR does not say it was not applied, QUOTAEXCEEDED blames a path's quota, and
     * NOTREADONLY speaks of a read-only mode the client never asked for.
     */
    static final ErrorCode DISK_FULL = ErrorCode.THROTTLEDOP;
    private final ServerConfig config;
    private final Clock clock;
    private final DataTree tree;
    private final WatchManager<Connection> watches;
    private final OutputGate gate;
    private final Replier replier;
    private final TxnSink log;
    private final SnapshotTrigger snapshots;
    private final TxnPrep prep;
    private final ChangeHistory<List<Acl>> history;
    private Sessions sessions;
    private boolean writesRefused;

    Writes(ServerConfig config, Clock clock, DataTree tree, WatchManager<Connection> watches,
           ChangeHistory<List<Acl>> history, OutputGate gate, Replier replier, TxnSink log,
           SnapshotTrigger snapshots) {
        this.config = config;
        this.clock = clock;
        this.tree = tree;
        this.watches = watches;
        this.history = history;
        this.gate = gate;
        this.replier = replier;
        this.log = log;
        this.snapshots = snapshots;
        this.prep = new TxnPrep(tree, AuthPolicy.of(config));
        tree.trackInflight();
    }

    /** Disk full: refuse every txn (writes, new and closing sessions, expiry) until told otherwise. */
    void refuseWrites(boolean refused) {
        writesRefused = refused;
    }

    boolean writesRefused() {
        return writesRefused;
    }

    /** Txns up to zxid are durable: the tree no longer needs to be able to take them back. */
    void durable(long zxid) {
        tree.forgetInflightThrough(zxid);
    }

    /** The log dropped every txn after durableZxid: take their changes out of the tree again. */
    void rollBackAfter(long durableZxid) {
        tree.rollbackInflightAfter(durableZxid);
        snapshots.rolledBack(durableZxid);
        // The recorded events of the dropped txns never happened: replay nothing from before here.
        history.startAt(durableZxid);
    }

    void bindSessions(Sessions sessions) {
        this.sessions = sessions;
    }

    void write(Connection conn, Request req) throws KeeperError {
        if (writesRefused) {
            throw new KeeperError(DISK_FULL, null);
        }
        PrepContext ctx = new PrepContext(conn.sessionId, sessions.authIds(conn), Reads.ipOf(conn),
                config.extendedTypesEnabled(), gate.assignedZxid() + 1, clock.wallMs());
        if (req.type() == OpCode.MULTI) {
            multi(conn, req, ctx);
            return;
        }
        Txn txn = prepSingle(req.type(), req.body(), ctx);
        if (txn instanceof Txn.CheckVersionTxn check) {
            // A lone check changes nothing; ZooKeeper answers it with the node's Stat.
            replier.ok(conn, req, new SetDataResponse(tree.stat(check.path())));
            return;
        }
        ApplyResult result = commit(new TxnHeader(conn.sessionId, req.xid(), ctx.zxid(), ctx.timeMs(), req.type()), txn);
        replier.ok(conn, req, replyBody(req.type(), result));
    }

    private Txn prepSingle(int type, JuteRecord body, PrepContext ctx) throws KeeperError {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> prep.prepCreate((CreateRequest) body, ctx);
            case OpCode.CREATE_TTL -> prep.prepCreateTtl((CreateTTLRequest) body, ctx);
            case OpCode.DELETE -> prep.prepDelete((DeleteRequest) body, ctx);
            case OpCode.SET_DATA -> prep.prepSetData((SetDataRequest) body, ctx);
            case OpCode.SET_ACL -> prep.prepSetAcl((SetACLRequest) body, ctx);
            case OpCode.CHECK -> prep.prepCheck((CheckVersionRequest) body, ctx);
            default -> throw new IllegalStateException("not a write: " + OpCode.name(type));
        };
    }

    private void multi(Connection conn, Request req, PrepContext ctx) {
        MultiRequest m = (MultiRequest) req.body();
        MultiPrep prep = this.prep.prepMulti(m.ops().stream().map(MultiOp::body).toList(), ctx);
        if (!prep.ok()) {
            // ZooKeeper answers a failed multi with err 0 in the header and the per-op errors in
            // the body; nothing changed, so nothing is logged.
            replier.ok(conn, req, MultiResponse.failed(m.ops().size(), prep.failedIndex(),
                    prep.error().code().code()));
            return;
        }
        ApplyResult result = commit(new TxnHeader(conn.sessionId, req.xid(), ctx.zxid(), ctx.timeMs(), req.type()),
                prep.txn());
        List<MultiResult> results = new ArrayList<>(result.subResults().size());
        for (int i = 0; i < result.subResults().size(); i++) {
            results.add(multiResult(m.ops().get(i).type(), result.subResults().get(i)));
        }
        replier.ok(conn, req, new MultiResponse(results));
    }

    static MultiResult multiResult(int opType, ApplyResult r) {
        return switch (opType) {
            case OpCode.CREATE -> MultiResult.create(r.path());
            case OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL -> MultiResult.create2(r.path(), r.stat());
            case OpCode.DELETE -> MultiResult.delete();
            case OpCode.SET_DATA -> MultiResult.setData(r.stat());
            case OpCode.CHECK -> MultiResult.check();
            default -> throw new IllegalStateException("op " + opType + " in multi");
        };
    }

    static JuteRecord replyBody(int type, ApplyResult r) {
        return switch (type) {
            case OpCode.CREATE -> new CreateResponse(r.path());
            case OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL -> new Create2Response(r.path(), r.stat());
            case OpCode.SET_DATA -> new SetDataResponse(r.stat());
            case OpCode.SET_ACL -> new SetACLResponse(r.stat());
            default -> null;
        };
    }

    /** Applies a prepared txn, queues it for the log, and fires the watches it triggers. */
    private ApplyResult commit(TxnHeader header, Txn txn) {
        gate.assigned(header.zxid());
        tree.beginInflightTxn(header.zxid());
        ApplyResult result = TxnApplier.apply(tree, header, txn);
        log.submit(header.zxid(), TxnCodec.encode(header, txn));
        for (TreeEvent e : result.events()) {
            history.record(header.zxid(), e.path(), e.type(), e.acl());
            replier.notify(EventFilter.readable(watches.trigger(e.path(), e.type()), e.acl(), sessions),
                    header.zxid());
        }
        snapshots.txnLogged(header.zxid());
        return result;
    }

    /** A new session is a txn so that it survives a restart. Returns the zxid. */
    long createSession(long sessionId, int timeoutMs) {
        long zxid = gate.assignedZxid() + 1;
        commit(new TxnHeader(sessionId, 0, zxid, clock.wallMs(), OpCode.CREATE_SESSION),
                new Txn.CreateSessionTxn(timeoutMs, null));
        return zxid;
    }

    /** Closes (or expires) a session: its ephemerals are deleted in the same txn. Returns the zxid. */
    long closeSession(long sessionId) {
        long zxid = gate.assignedZxid() + 1;
        commit(new TxnHeader(sessionId, 0, zxid, clock.wallMs(), OpCode.CLOSE_SESSION),
                prep.prepCloseSession(sessionId));
        return zxid;
    }

    /** Deletes empty containers and expired TTL nodes, each as its own txn. */
    void deleteExpiredNodes(long nowWallMs) {
        if (writesRefused) {
            return; // they are deleted once the disk has room again
        }
        for (String path : ExpiryScan.candidates(tree, nowWallMs)) {
            long zxid = gate.assignedZxid() + 1;
            try {
                Txn txn = prep.prepExpiryDelete(path, nowWallMs, 0);
                commit(new TxnHeader(0, 0, zxid, nowWallMs, OpCode.DELETE_CONTAINER), txn);
            } catch (KeeperError e) {
                LOG.debug("expired node {} not deleted: {}", path, e.code());
            }
        }
    }

    void afterBatch() {
        snapshots.maybeStart();
    }
}
