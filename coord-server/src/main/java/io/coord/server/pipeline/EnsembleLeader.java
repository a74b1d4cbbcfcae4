package io.coord.server.pipeline;

import io.coord.server.auth.AuthPolicy;
import io.coord.server.tree.DataTree;
import io.coord.server.tree.TreeSnapshot;
import io.coord.server.txn.MultiPrep;
import io.coord.server.txn.PrepContext;
import io.coord.server.txn.Txn;
import io.coord.server.txn.TxnApplier;
import io.coord.server.txn.TxnHeader;
import io.coord.server.txn.TxnPrep;
import io.coord.wire.CheckVersionRequest;
import io.coord.wire.CreateRequest;
import io.coord.wire.CreateTTLRequest;
import io.coord.wire.DeleteRequest;
import io.coord.wire.JuteReader;
import io.coord.wire.JuteRecord;
import io.coord.wire.KeeperError;
import io.coord.wire.MultiOp;
import io.coord.wire.MultiRequest;
import io.coord.wire.OpCode;
import io.coord.wire.Requests;
import io.coord.wire.SetACLRequest;
import io.coord.wire.SetDataRequest;
import java.util.ArrayDeque;

/**
 * The leader's half of the ensemble write path. Requests (forwarded by any member, this one
 * included) are turned into txns in arrival order. They are prepared against a <em>shadow</em>
 * tree: a copy of the committed tree, taken when this member starts leading, to which every
 * proposed txn is applied at once. So the shadow is "committed state + everything proposed", the
 * same view ZooKeeper's outstanding change records give, and writes pipeline without waiting for
 * each other's commit. The real tree only ever receives committed txns. Losing leadership discards
 * this object (and the shadow with it). Request-thread only.
 */
final class EnsembleLeader {
    /** Forwarded requests waiting to be proposed; beyond this, new ones are refused. */
    static final int MAX_QUEUED = 100_000;

    /** A prepared txn: header (zxid and time stamped) and body. */
    record Prepared(TxnHeader header, Txn txn) {
    }

    private final ArrayDeque<ForwardedRequest> queue = new ArrayDeque<>();
    private final boolean extendedTypes;
    /** skipACL is the leader's own setting, as in ZooKeeper, where the leader prepares writes. */
    private final AuthPolicy auth;
    private DataTree shadow;
    private TxnPrep prep;

    EnsembleLeader(boolean extendedTypes, AuthPolicy auth) {
        this.extendedTypes = extendedTypes;
        this.auth = auth;
    }

    boolean enqueue(ForwardedRequest f) {
        if (queue.size() >= MAX_QUEUED) {
            return false;
        }
        queue.add(f);
        return true;
    }

    boolean hasWork() {
        return !queue.isEmpty();
    }

    ForwardedRequest poll() {
        return queue.poll();
    }

    boolean hasShadow() {
        return shadow != null;
    }

    /** Copies the committed tree (call only when every proposed txn is applied). */
    void buildShadow(DataTree committed, long zxid) {
        try (TreeSnapshot view = committed.beginSnapshot(zxid)) {
            shadow = DataTree.fromSnapshot(view.sortedNodes());
        }
        prep = new TxnPrep(shadow, auth);
    }

    DataTree shadow() {
        return shadow;
    }

    /** Turns a request into the txn to propose at {@code zxid}; a refused request becomes an ErrorTxn. */
    Prepared prepare(ForwardedRequest f, long zxid, long timeMs) {
        TxnHeader header = new TxnHeader(f.sessionId(), f.cxid(), zxid, timeMs, f.type());
        Txn txn;
        try {
            txn = build(f, zxid, timeMs);
        } catch (RuntimeException e) { // undecodable body: refuse it like ZooKeeper refuses bad packets
            txn = new Txn.ErrorTxn(io.coord.wire.ErrorCode.MARSHALLINGERROR.code());
        }
        TxnApplier.applyEffect(shadow, header, txn);
        return new Prepared(header, txn);
    }

    private Txn build(ForwardedRequest f, long zxid, long timeMs) {
        switch (f.type()) {
            case OpCode.CREATE_SESSION -> {
                JuteReader in = new JuteReader(f.body());
                return new Txn.CreateSessionTxn(in.readInt(), in.readBuffer());
            }
            case OpCode.CLOSE_SESSION -> {
                return prep.prepCloseSession(f.sessionId());
            }
            case OpCode.DELETE_CONTAINER -> {
                try {
                    return prep.prepExpiryDelete(new JuteReader(f.body()).readString(), timeMs, 0);
                } catch (KeeperError e) {
                    return new Txn.ErrorTxn(e.code().code());
                }
            }
            default -> {
                return buildClientWrite(f, zxid, timeMs);
            }
        }
    }

    private Txn buildClientWrite(ForwardedRequest f, long zxid, long timeMs) {
        PrepContext ctx = new PrepContext(f.sessionId(), f.authIds(), f.clientIp(), extendedTypes, zxid, timeMs);
        JuteRecord body = Requests.decodeBody(f.type(), new JuteReader(f.body()));
        if (f.type() == OpCode.MULTI) {
            MultiPrep m = prep.prepMulti(((MultiRequest) body).ops().stream().map(MultiOp::body).toList(), ctx);
            return m.txn();
        }
        try {
            return switch (f.type()) {
                case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> prep.prepCreate((CreateRequest) body, ctx);
                case OpCode.CREATE_TTL -> prep.prepCreateTtl((CreateTTLRequest) body, ctx);
                case OpCode.DELETE -> prep.prepDelete((DeleteRequest) body, ctx);
                case OpCode.SET_DATA -> prep.prepSetData((SetDataRequest) body, ctx);
                case OpCode.SET_ACL -> prep.prepSetAcl((SetACLRequest) body, ctx);
                case OpCode.CHECK -> prep.prepCheck((CheckVersionRequest) body, ctx);
                default -> new Txn.ErrorTxn(io.coord.wire.ErrorCode.UNIMPLEMENTED.code());
            };
        } catch (KeeperError e) {
            return new Txn.ErrorTxn(e.code().code());
        }
    }

    /** For tests and metrics. */
    int queued() {
        return queue.size();
    }
}
