package io.coord.server.pipeline;

import io.coord.server.txn.ApplyResult;
import io.coord.server.txn.Txn;
import io.coord.wire.Create2Response;
import io.coord.wire.CreateResponse;
import io.coord.wire.ErrorCode;
import io.coord.wire.JuteRecord;
import io.coord.wire.MultiRequest;
import io.coord.wire.MultiResponse;
import io.coord.wire.MultiResult;
import io.coord.wire.OpCode;
import io.coord.wire.SetACLResponse;
import io.coord.wire.SetDataResponse;
import java.util.ArrayList;
import java.util.List;

/** The one way a write's reply is built from its txn and what applying it gave. Request-thread only. */
final class WriteReplies {
    /**
     * The answer to a write the log could not take because its disk is full (standalone: the only
     * voter). ZooKeeper has no such code; THROTTLEDOP is documented as "the operation was not
     * executed at all, retry later with back-off", which is exactly the case: the stock client
     * throws it to the caller as ThrottledOpException and the session is untouched, and Curator
     * does not retry it on its own, so the caller sees it at once. The alternatives say less or
     * something false: CONNECTIONLOSS and OPERATIONTIMEOUT leave the caller unsure whether the
     * write happened (and Curator retries them without end), SYSTEMERROR does not say it was not
     * applied, QUOTAEXCEEDED blames a path's quota, and NOTREADONLY speaks of a read-only mode the
     * client never asked for.
     */
    static final ErrorCode DISK_FULL = ErrorCode.THROTTLEDOP;

    private WriteReplies() {
    }

    /** Whether the leader refused the write because the session is held on another member. */
    static boolean sessionMoved(Txn txn) {
        return txn instanceof Txn.ErrorTxn e && e.err() == ErrorCode.SESSIONMOVED.code();
    }

    /**
     * Answers write {@code req} whose {@code txn} was applied with result {@code r} ({@code r} null:
     * a failed multi that was answered without being applied).
     */
    static void answer(Replier replier, Connection conn, Request req, Txn txn, ApplyResult r) {
        if (req.type() == OpCode.MULTI) {
            replier.ok(conn, req, multiResponse((MultiRequest) req.body(), txn, r));
        } else if (r.err() != 0) {
            replier.error(conn, req, ErrorCode.of(r.err()));
        } else if (req.type() == OpCode.RECONFIG && txn instanceof Txn.SetDataTxn s) {
            // ZooKeeper answers a reconfig with the new /zookeeper/config: its data and Stat.
            replier.ok(conn, req, new io.coord.wire.GetDataResponse(s.data(), r.stat()));
        } else {
            replier.ok(conn, req, replyBody(req.type(), r));
        }
    }

    /**
     * ZooKeeper answers a failed multi with err 0 in the header and the per-op errors in the body
     * (the failed op's code, RUNTIMEINCONSISTENCY after it).
     */
    static MultiResponse multiResponse(MultiRequest m, Txn txn, ApplyResult r) {
        if (!(txn instanceof Txn.MultiTxn multi)) {
            int err = r == null || r.err() == 0 ? ErrorCode.SYSTEMERROR.code() : r.err();
            return MultiResponse.failed(m.ops().size(), 0, err);
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
            results.add(multiResult(m.ops().get(i).type(), r.subResults().get(i)));
        }
        return new MultiResponse(results);
    }

    private static MultiResult multiResult(int opType, ApplyResult r) {
        return switch (opType) {
            case OpCode.CREATE -> MultiResult.create(r.path());
            case OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL -> MultiResult.create2(r.path(), r.stat());
            case OpCode.DELETE -> MultiResult.delete();
            case OpCode.SET_DATA -> MultiResult.setData(r.stat());
            case OpCode.CHECK -> MultiResult.check();
            default -> throw new IllegalStateException("op " + opType + " in multi");
        };
    }

    private static JuteRecord replyBody(int type, ApplyResult r) {
        return switch (type) {
            case OpCode.CREATE -> new CreateResponse(r.path());
            case OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL -> new Create2Response(r.path(), r.stat());
            case OpCode.SET_DATA -> new SetDataResponse(r.stat());
            case OpCode.SET_ACL -> new SetACLResponse(r.stat());
            default -> null;
        };
    }
}
