package io.coord.server.pipeline;

import io.coord.server.config.ServerConfig;
import io.coord.server.session.Clock;
import io.coord.server.tree.DataTree;
import io.coord.server.tree.ExpiryScan;
import io.coord.server.txn.ApplyResult;
import io.coord.server.txn.PrepContext;
import io.coord.server.txn.TreeEvent;
import io.coord.server.txn.Txn;
import io.coord.server.txn.TxnApplier;
import io.coord.server.txn.TxnCodec;
import io.coord.server.txn.TxnHeader;
import io.coord.server.txn.TxnPrep;
import io.coord.server.watch.WatchManager;
import io.coord.wire.ErrorCode;
import io.coord.wire.KeeperError;
import io.coord.wire.OpCode;
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
    private Sessions sessions;
    private boolean writesRefused;

    Writes(ServerConfig config, Clock clock, DataTree tree, WatchManager<Connection> watches,
           OutputGate gate, Replier replier, TxnSink log, SnapshotTrigger snapshots) {
        this.config = config;
        this.clock = clock;
        this.tree = tree;
        this.watches = watches;
        this.gate = gate;
        this.replier = replier;
        this.log = log;
        this.snapshots = snapshots;
        this.prep = new TxnPrep(tree);
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
        Txn txn = prep.prepRequest(req.type(), req.body(), ctx);
        if (txn instanceof Txn.MultiTxn multi && multi.failed()) {
            // Nothing changed, so nothing is logged.
            WriteReplies.answer(replier, conn, req, txn, null);
            return;
        }
        ApplyResult result = commit(new TxnHeader(conn.sessionId, req.xid(), ctx.zxid(), ctx.timeMs(), req.type()), txn);
        WriteReplies.answer(replier, conn, req, txn, result);
    }

    /** Applies a prepared txn, queues it for the log, and fires the watches it triggers. */
    private ApplyResult commit(TxnHeader header, Txn txn) {
        gate.assigned(header.zxid());
        tree.beginInflightTxn(header.zxid());
        ApplyResult result = TxnApplier.apply(tree, header, txn);
        log.submit(header.zxid(), TxnCodec.encode(header, txn));
        for (TreeEvent e : result.events()) {
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
