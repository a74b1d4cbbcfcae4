package io.coord.server.pipeline;

import io.coord.server.config.ServerConfig;
import io.coord.server.session.Clock;
import io.coord.server.tree.DataTree;
import io.coord.server.txn.PrepContext;
import io.coord.server.txn.TxnPrep;
import io.coord.server.watch.ChangeHistory;
import io.coord.server.watch.WatchManager;
import io.coord.wire.Acl;
import io.coord.wire.AddWatchRequest;
import io.coord.wire.AuthPacket;
import io.coord.wire.CheckVersionRequest;
import io.coord.wire.CheckWatchesRequest;
import io.coord.wire.ErrorCode;
import io.coord.wire.ErrorResponse;
import io.coord.wire.GetSASLRequest;
import io.coord.wire.KeeperError;
import io.coord.wire.OpCode;
import io.coord.wire.RemoveWatchesRequest;
import io.coord.wire.SetDataResponse;
import io.coord.wire.SetWatches;
import io.coord.wire.SetWatches2;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests a server answers alone, from its own tree, sessions and watch registry: pings,
 * reads, a lone check, auth, sasl, the watch ops, and the refusals (non-request op
 * codes). Writes, sync and closeSession are the caller's. One copy for standalone and
 * ensemble. Request-thread only.
 */
final class LocalOps {
    private static final Logger LOG = LoggerFactory.getLogger(LocalOps.class);

    /** A step that may refuse the request with a ZooKeeper error. */
    interface Step {
        void run() throws KeeperError;
    }

    private final ServerConfig config;
    private final Clock clock;
    private final DataTree tree;
    private final OutputGate gate;
    private final Replier replier;
    private final Sessions sessions;
    private final Reads reads;
    private final WatchOps watchOps;

    LocalOps(ServerConfig config, Clock clock, DataTree tree, WatchManager<Connection> watches,
             ChangeHistory<List<Acl>> history, OutputGate gate, Replier replier, Sessions sessions,
             NamespaceBytes readBytes) {
        this.config = config;
        this.clock = clock;
        this.tree = tree;
        this.gate = gate;
        this.replier = replier;
        this.sessions = sessions;
        this.reads = new Reads(tree, watches, sessions, readBytes);
        this.watchOps = new WatchOps(tree, watches, sessions, history, !config.standalone());
    }

    /**
     * Runs {@code step} for {@code req}: a refusal is answered with its code; a body of the wrong
     * type for the op (a client bug) closes the connection.
     */
    void guarded(Connection conn, Request req, Step step) {
        try {
            step.run();
        } catch (KeeperError e) {
            replier.error(conn, req, e.code());
        } catch (ClassCastException e) {
            LOG.warn("closing {}: op {} with the wrong body", conn, OpCode.name(req.type()));
            conn.close("bad request body");
        }
    }

    /** Answers {@code req}, which is not a write, sync or closeSession. */
    void answer(Connection conn, Request req) {
        guarded(conn, req, () -> dispatch(conn, req));
    }

    private void dispatch(Connection conn, Request req) throws KeeperError {
        switch (req.type()) {
            case OpCode.PING -> replier.ok(conn, req, null);
            case OpCode.EXISTS, OpCode.GET_DATA, OpCode.GET_CHILDREN, OpCode.GET_CHILDREN2, OpCode.GET_ACL,
                 OpCode.GET_EPHEMERALS, OpCode.GET_ALL_CHILDREN_NUMBER, OpCode.WHO_AM_I, OpCode.MULTI_READ ->
                    replier.ok(conn, req, reads.read(conn, req.type(), req.body()));
            case OpCode.CHECK -> check(conn, req);
            case OpCode.AUTH -> {
                if (!sessions.auth(conn, (AuthPacket) req.body())) {
                    replier.authFailed();
                }
            }
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
            case OpCode.SASL -> replier.sasl(conn, req, sessions.sasl(conn, (GetSASLRequest) req.body()));
            case OpCode.CREATE_SESSION -> replier.error(conn, req, ErrorCode.UNIMPLEMENTED);
            default -> {
                // Not a request op at all: answer, then drop the connection, as ZooKeeper does.
                replier.error(conn, req, ErrorCode.UNIMPLEMENTED);
                gate.emitClose(conn);
            }
        }
    }

    /** A lone check changes nothing: ZooKeeper answers it with the node's Stat, like a read. */
    private void check(Connection conn, Request req) throws KeeperError {
        CheckVersionRequest r = (CheckVersionRequest) req.body();
        PrepContext ctx = new PrepContext(conn.sessionId, sessions.authIds(conn), Reads.ipOf(conn),
                config.extendedTypesEnabled(), gate.assignedZxid() + 1, clock.wallMs());
        new TxnPrep(tree, sessions.authPolicy()).prepCheck(r, ctx);
        replier.ok(conn, req, new SetDataResponse(tree.stat(r.path())));
    }

    private void setWatches(Connection conn, Request req, SetWatches2 w) {
        if (watchOps.sendsAway(conn, w)) {
            gate.emitClose(conn); // the client reconnects elsewhere and sends its watches again
            return;
        }
        replier.notifyEach(watchOps.setWatches(conn, w, gate.assignedZxid()));
        replier.ok(conn, req, null);
    }
}
