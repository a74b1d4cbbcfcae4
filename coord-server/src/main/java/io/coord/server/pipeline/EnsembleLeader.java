package io.coord.server.pipeline;

import io.coord.server.auth.AuthPolicy;
import io.coord.server.config.DynamicConfig;
import io.coord.server.tree.DataTree;
import io.coord.server.tree.PendingTree;
import io.coord.server.txn.PrepContext;
import io.coord.server.txn.ReconfigPrep;
import io.coord.server.txn.Txn;
import io.coord.server.txn.TxnApplier;
import io.coord.server.txn.TxnEntry;
import io.coord.server.txn.TxnHeader;
import io.coord.server.txn.TxnPrep;
import io.coord.wire.KeeperError;
import io.coord.wire.OpCode;
import io.coord.wire.ReconfigRequest;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * The leader's half of the ensemble write path. Requests (forwarded by any member, this one
 * included) are turned into txns in arrival order. They are prepared against a {@link PendingTree}:
 * the committed tree plus a small overlay of the changes proposed and not yet applied (ZooKeeper's
 * outstanding change records), so writes pipeline without waiting for each other's commit and the
 * leader holds no second copy of the tree. The committed tree only ever receives committed txns;
 * each applied txn drops the overlay records it made current ({@link #applied}). Losing leadership
 * discards this object (and the overlay with it). Request-thread only.
 *
 * <p>Session owners: the member that holds each session's connection, as ZooKeeper's leader
 * tracks it. A new session is owned by the member that created it, a reattach makes the member it
 * happened on the owner at once (not queued: {@link #setOwner}), and a client write forwarded by
 * any other member is refused with SESSIONMOVED. So a write still on its way from the member a
 * client left is not applied after the client moved on (and, say, retried it elsewhere). A new
 * leader knows no owners: the first write of a session, or its next reattach, sets it.
 */
final class EnsembleLeader {
    /** Forwarded requests waiting to be proposed; beyond this, new ones are refused. */
    static final int MAX_QUEUED = 100_000;

    private final ArrayDeque<ForwardedRequest> queue = new ArrayDeque<>();
    /** Txns proposed and not yet applied, in zxid order. */
    private final ArrayDeque<TxnEntry> proposed = new ArrayDeque<>();
    private final boolean extendedTypes;
    /** skipACL is the leader's own setting, as in ZooKeeper, where the leader prepares writes. */
    private final AuthPolicy auth;
    private final LongPredicate sessionLive;
    /** Whether a session is a live global session (one that may own ephemerals). */
    private final LongPredicate globalSession;
    /** Session id to the member id that holds its connection (see the class comment). */
    private final Map<Long, Long> owners = new HashMap<>();
    private PendingTree pending;
    private TxnPrep prep;

    /**
     * @param auth        who is super, skipACL: how this leader prepares every write
     * @param sessionLive whether a session may still write: known to this leader and not expiring
     *                    (its close not yet proposed)
     */
    EnsembleLeader(boolean extendedTypes, AuthPolicy auth, LongPredicate sessionLive) {
        this(extendedTypes, auth, sessionLive, sessionLive);
    }

    /**
     * @param sessionLive   whether a session may still write: a live global session, or (local
     *                      sessions) a member's local session
     * @param globalSession whether a session is a live global session: only such a session's
     *                      ephemeral create is proposed
     */
    EnsembleLeader(boolean extendedTypes, AuthPolicy auth, LongPredicate sessionLive, LongPredicate globalSession) {
        this.extendedTypes = extendedTypes;
        this.auth = auth;
        this.sessionLive = sessionLive;
        this.globalSession = globalSession;
    }

    /** A client reattached {@code sessionId} on member {@code owner}: from now on only its writes pass. */
    void setOwner(long sessionId, long owner) {
        owners.put(sessionId, owner);
    }

    /** The member that holds the session's connection, or null when this leader does not know (tests). */
    Long owner(long sessionId) {
        return owners.get(sessionId);
    }

    /** Whether a write of the session forwarded by {@code origin} may run; an unknown owner becomes origin. */
    private boolean ownedBy(long sessionId, long origin) {
        Long owner = owners.putIfAbsent(sessionId, origin);
        return owner == null || owner == origin;
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

    boolean hasPending() {
        return pending != null;
    }

    /**
     * Starts preparing against {@code committed} plus an empty overlay: call only when every
     * proposed txn is applied to it. Copies nothing.
     */
    void startPending(DataTree committed) {
        pending = new PendingTree(committed);
        prep = new TxnPrep(pending, auth);
    }

    /** The view writes are prepared against (tests). */
    PendingTree pending() {
        return pending;
    }

    /** The txn at {@code zxid} is applied to the committed tree: its overlay records are dropped. */
    void applied(long zxid) {
        if (pending != null) {
            pending.applied(zxid);
        }
    }

    /**
     * Turns a request into the txn to propose at {@code zxid} (given by the core as it accepts the
     * proposal); a refused request becomes an ErrorTxn. The prepared txn is kept, so that applying
     * it at commit needs no decoding ({@link #takeProposed}).
     */
    TxnEntry prepare(ForwardedRequest f, long zxid, long timeMs) {
        Txn txn;
        try {
            txn = build(f, zxid, timeMs);
        } catch (RuntimeException e) { // undecodable body: refuse it like ZooKeeper refuses bad packets
            txn = new Txn.ErrorTxn(io.coord.wire.ErrorCode.MARSHALLINGERROR.code());
        }
        return record(f, txn, zxid, timeMs);
    }

    /**
     * A reconfig's own checks (the session's, then {@link ReconfigPrep}'s) against the committed
     * membership {@code current}: the configuration it asks for, or KeeperError.
     */
    DynamicConfig checkReconfig(ForwardedRequest f, DynamicConfig current, long zxid, long timeMs)
            throws KeeperError {
        if (!sessionLive.test(f.sessionId())) {
            throw new KeeperError(io.coord.wire.ErrorCode.SESSIONEXPIRED, null);
        }
        if (!ownedBy(f.sessionId(), f.origin())) {
            throw new KeeperError(io.coord.wire.ErrorCode.SESSIONMOVED, null);
        }
        ReconfigRequest r;
        try {
            r = (ReconfigRequest) f.decodedClientBody();
        } catch (RuntimeException e) {
            throw new KeeperError(io.coord.wire.ErrorCode.MARSHALLINGERROR, null);
        }
        PrepContext ctx = new PrepContext(f.sessionId(), f.authIds(), f.clientIp(), extendedTypes, zxid, timeMs);
        return ReconfigPrep.next(r, current, prep, ctx);
    }

    /**
     * The txn of an accepted reconfig at {@code zxid}, as ZooKeeper's: a SetDataTxn of
     * /zookeeper/config with the new membership (version = this zxid) and data version -1.
     */
    TxnEntry prepareReconfig(ForwardedRequest f, DynamicConfig next, long zxid, long timeMs) {
        return record(f, new Txn.SetDataTxn(DataTree.CONFIG, next.withVersion(zxid).bytes(), -1), zxid, timeMs);
    }

    /** A refused request's place in the log (its reply is {@code code}). */
    TxnEntry prepareRefusal(ForwardedRequest f, io.coord.wire.ErrorCode code, long zxid, long timeMs) {
        return record(f, new Txn.ErrorTxn(code.code()), zxid, timeMs);
    }

    private TxnEntry record(ForwardedRequest f, Txn txn, long zxid, long timeMs) {
        TxnHeader header = new TxnHeader(f.sessionId(), f.cxid(), zxid, timeMs, f.type());
        pending.beginTxn(zxid);
        TxnApplier.applyEffect(pending, header, txn);
        TxnEntry entry = new TxnEntry(header, txn);
        proposed.add(entry);
        return entry;
    }

    /** The txn this leader prepared at {@code zxid}, if it did (drops older ones: never committed). */
    TxnEntry takeProposed(long zxid) {
        while (!proposed.isEmpty() && proposed.peekFirst().header().zxid() < zxid) {
            proposed.pollFirst();
        }
        TxnEntry head = proposed.peekFirst();
        if (head != null && head.header().zxid() == zxid) {
            return proposed.pollFirst();
        }
        return null;
    }

    /**
     * The log lost every proposal after {@code keptZxid} (a full disk, only voter): returns them in
     * zxid order and forgets them; the overlay, which holds their effects, is dropped and started
     * afresh once the committed tree has caught up, before the next proposal.
     */
    java.util.List<TxnEntry> dropProposedAfter(long keptZxid) {
        java.util.List<TxnEntry> lost = new java.util.ArrayList<>();
        for (TxnEntry e : proposed) {
            if (e.header().zxid() > keptZxid) {
                lost.add(e);
            }
        }
        proposed.removeIf(e -> e.header().zxid() > keptZxid);
        pending = null;
        prep = null;
        return lost;
    }

    private Txn build(ForwardedRequest f, long zxid, long timeMs) {
        switch (f.type()) {
            case OpCode.CREATE_SESSION -> {
                ServerRequests.CreateSession c = (ServerRequests.CreateSession) f.decoded(ServerRequests.CreateSession::read);
                owners.put(f.sessionId(), f.origin());
                return new Txn.CreateSessionTxn(c.timeoutMs(), c.password());
            }
            case OpCode.CLOSE_SESSION -> {
                // Not checked against the owner, as in ZooKeeper: the leader's own expiry closes
                // sessions it does not hold, and a close is the session's last request anyway.
                owners.remove(f.sessionId());
                return prep.prepCloseSession(f.sessionId());
            }
            case OpCode.DELETE_CONTAINER -> {
                try {
                    String path = ((ServerRequests.ExpiredNode) f.decoded(ServerRequests.ExpiredNode::read)).path();
                    return prep.prepExpiryDelete(path, timeMs, 0);
                } catch (KeeperError e) {
                    return new Txn.ErrorTxn(e.code().code());
                }
            }
            default -> {
                boolean global = globalSession.test(f.sessionId());
                if (!sessionLive.test(f.sessionId()) || (!global && (f.sessionId() >>> 56) != f.origin())) {
                    // Expired here while the write was on its way (forwarded by a member that has
                    // not applied the close yet, or held behind a read of its connection): proposed,
                    // an ephemeral would be created after its owner's close and never deleted.
                    // ZooKeeper's leader refuses it the same way. A session that is not global (a
                    // local session) writes only through the member whose id it carries, as it
                    // never moves; from elsewhere it is a global session that closed meanwhile.
                    return new Txn.ErrorTxn(io.coord.wire.ErrorCode.SESSIONEXPIRED.code());
                }
                if (!ownedBy(f.sessionId(), f.origin())) {
                    // Sent through a member the client has left (it reattached elsewhere since):
                    // applied now, it could repeat what the client already retried elsewhere.
                    return new Txn.ErrorTxn(io.coord.wire.ErrorCode.SESSIONMOVED.code());
                }
                io.coord.wire.JuteRecord body = f.decodedClientBody();
                if (!global && LocalSessions.createsEphemeral(f.type(), body)) {
                    // Not a global session (a member upgrades a local session before its ephemeral
                    // create): a global session closed while this was on its way. Proposed, the node
                    // would outlive its owner for good.
                    return new Txn.ErrorTxn(io.coord.wire.ErrorCode.SESSIONEXPIRED.code());
                }
                PrepContext ctx = new PrepContext(f.sessionId(), f.authIds(), f.clientIp(), extendedTypes, zxid, timeMs);
                try {
                    return prep.prepRequest(f.type(), body, ctx);
                } catch (KeeperError e) {
                    return new Txn.ErrorTxn(e.code().code());
                }
            }
        }
    }

    /** For tests and metrics. */
    int queued() {
        return queue.size();
    }
}
