package io.coord.server.txn;

import io.coord.server.auth.AuthPolicy;
import io.coord.server.tree.AclRules;
import io.coord.server.tree.DataTree;
import io.coord.server.tree.EphemeralOwner;
import io.coord.server.tree.ExpiryScan;
import io.coord.server.tree.NodeState;
import io.coord.server.tree.PathRules;
import io.coord.server.tree.PrepTree;
import io.coord.server.tree.QuotaStats;
import io.coord.server.tree.Quotas;
import io.coord.server.txn.Txn.CheckVersionTxn;
import io.coord.server.txn.Txn.CloseSessionTxn;
import io.coord.server.txn.Txn.CreateTxn;
import io.coord.server.txn.Txn.DeleteTxn;
import io.coord.server.txn.Txn.SetACLTxn;
import io.coord.server.txn.Txn.SetDataTxn;
import io.coord.wire.Acl;
import io.coord.wire.CheckVersionRequest;
import io.coord.wire.CreateMode;
import io.coord.wire.CreateRequest;
import io.coord.wire.CreateTTLRequest;
import io.coord.wire.DeleteRequest;
import io.coord.wire.ErrorCode;
import io.coord.wire.JuteRecord;
import io.coord.wire.KeeperError;
import io.coord.wire.MultiOp;
import io.coord.wire.MultiRequest;
import io.coord.wire.OpCode;
import io.coord.wire.Perms;
import io.coord.wire.SetACLRequest;
import io.coord.wire.SetDataRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns write requests into txns, validating them against the current tree with ZooKeeper's rules
 * and check order; a refused request throws {@link KeeperError} with ZooKeeper's code. Never
 * changes the tree (a multi changes it temporarily and always rolls back, see
 * {@link #prepMulti}). Request thread only.
 */
public final class TxnPrep {
    private static final Logger LOG = LoggerFactory.getLogger(TxnPrep.class);
    /** Soft-limit warnings are logged at most this often (every write past one would log otherwise). */
    private static final long QUOTA_WARN_INTERVAL_MS = 10_000;
    private final PrepTree tree;
    private final AuthPolicy auth;
    private long lastQuotaWarnMs = Long.MIN_VALUE;
    private long quotaWarningsSuppressed;

    /** With ZooKeeper's default auth settings (ACLs checked, no super user but the {@code super} id). */
    public TxnPrep(PrepTree tree) {
        this(tree, AuthPolicy.DEFAULT);
    }

    public TxnPrep(PrepTree tree, AuthPolicy auth) {
        this.tree = tree;
        this.auth = auth;
    }

    // ---------------------------------------------------------------- permission checks

    /** NONODE when the node is missing, NOAUTH when the requester lacks {@code perm} on it. */
    public void checkPerm(String path, int perm, PrepContext ctx) throws KeeperError {
        List<Acl> acl = tree.acl(path);
        if (acl == null) {
            throw new KeeperError(ErrorCode.NONODE, path);
        }
        checkPerm(path, acl, perm, ctx);
    }

    /** NOAUTH when the requester lacks {@code perm} under {@code acl} (never with skipACL). */
    public void checkPerm(String path, List<Acl> acl, int perm, PrepContext ctx) throws KeeperError {
        if (!auth.allows(acl, perm, ctx.authIds(), ctx.clientIp())) {
            throw new KeeperError(ErrorCode.NOAUTH, path);
        }
    }

    // ---------------------------------------------------------------- the one prepare step

    /**
     * A client write, decoded once from the wire, as the txn to log: create, create2,
     * createContainer, createTTL, delete, setData, setACL, check or multi. A refused single op
     * throws {@link KeeperError}; a refused multi returns its failed MultiTxn (see {@link MultiPrep}).
     */
    public Txn prepRequest(int type, JuteRecord body, PrepContext ctx) throws KeeperError {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> prepCreate((CreateRequest) body, ctx);
            case OpCode.CREATE_TTL -> prepCreateTtl((CreateTTLRequest) body, ctx);
            case OpCode.DELETE -> prepDelete((DeleteRequest) body, ctx);
            case OpCode.SET_DATA -> prepSetData((SetDataRequest) body, ctx);
            case OpCode.SET_ACL -> prepSetAcl((SetACLRequest) body, ctx);
            case OpCode.CHECK -> prepCheck((CheckVersionRequest) body, ctx);
            case OpCode.MULTI -> prepMulti(((MultiRequest) body).ops().stream().map(MultiOp::body).toList(), ctx).txn();
            default -> throw new KeeperError(ErrorCode.UNIMPLEMENTED, null);
        };
    }

    // ---------------------------------------------------------------- single ops

    /** create, create2, createContainer: the node type comes from {@code flags}. */
    public CreateTxn prepCreate(CreateRequest req, PrepContext ctx) throws KeeperError {
        return create(req.path(), req.data(), req.acl(), req.flags(), -1, ctx);
    }

    /** createTTL. */
    public CreateTxn prepCreateTtl(CreateTTLRequest req, PrepContext ctx) throws KeeperError {
        CreateMode mode = CreateMode.fromFlag(req.flags());
        if (mode != null && !mode.isTtl()) {
            throw new KeeperError(ErrorCode.BADARGUMENTS, req.path());
        }
        return create(req.path(), req.data(), req.acl(), req.flags(), req.ttl(), ctx);
    }

    private CreateTxn create(String path, byte[] data, List<Acl> acl, int flags, long ttl, PrepContext ctx)
            throws KeeperError {
        CreateMode mode = CreateMode.fromFlag(flags);
        if (mode == null) {
            throw new KeeperError(ErrorCode.BADARGUMENTS, path);
        }
        if (mode.isTtl() && !ctx.extendedTypesEnabled()) {
            throw new KeeperError(ErrorCode.UNIMPLEMENTED, path);
        }
        boolean ttlOk = mode.isTtl() ? ttl > 0 && ttl <= EphemeralOwner.MAX_TTL_MS : ttl < 0;
        if (!ttlOk) {
            throw new KeeperError(ErrorCode.BADARGUMENTS, path);
        }
        // ZooKeeper's order: a cheap shape check, the ACL, the parent (NONODE even when the
        // parent path is malformed), CREATE on the parent, and only then the full path rules.
        if (path == null || path.lastIndexOf('/') < 0 || path.indexOf('\0') >= 0) {
            throw new KeeperError(ErrorCode.BADARGUMENTS, path);
        }
        List<Acl> storedAcl = AclRules.fixup(path, acl, ctx.authIds());
        String parentPath = PathRules.parent(path);
        NodeState parent = existing(parentPath);
        checkPerm(path, parent.acl(), Perms.CREATE, ctx);
        String finalPath = mode.isSequential()
                ? path + String.format(Locale.ROOT, "%010d", childrenEverCreated(parent, parentPath)) : path;
        validatePath(finalPath, false);
        if (tree.exists(finalPath)) {
            throw new KeeperError(ErrorCode.NODEEXISTS, finalPath);
        }
        if (EphemeralOwner.isSession(parent.ephemeralOwner())) {
            throw new KeeperError(ErrorCode.NOCHILDRENFOREPHEMERALS, finalPath);
        }
        checkQuota(finalPath, 1, data == null ? 0 : data.length, ctx);
        long owner = mode.isContainer() ? EphemeralOwner.CONTAINER
                : mode.isTtl() ? EphemeralOwner.ttl(ttl)
                : mode.isEphemeral() ? ctx.sessionId() : 0;
        return new CreateTxn(finalPath, data, storedAcl, owner, parent.cversion() + 1);
    }

    public DeleteTxn prepDelete(DeleteRequest req, PrepContext ctx) throws KeeperError {
        String path = req.path();
        validatePath(path, false);
        if (DataTree.isSystemPath(path)) {
            throw new KeeperError(ErrorCode.BADARGUMENTS, path);
        }
        NodeState parent = existing(PathRules.parent(path));
        checkPerm(path, parent.acl(), Perms.DELETE, ctx);
        NodeState node = existing(path);
        checkVersion(path, node.version(), req.version());
        if (tree.childCount(path) > 0) {
            throw new KeeperError(ErrorCode.NOTEMPTY, path);
        }
        return new DeleteTxn(path);
    }

    public SetDataTxn prepSetData(SetDataRequest req, PrepContext ctx) throws KeeperError {
        String path = req.path();
        validatePath(path, false);
        NodeState node = existing(path);
        checkPerm(path, node.acl(), Perms.WRITE, ctx);
        checkQuota(path, 0, (req.data() == null ? 0 : req.data().length) - node.dataLength(), ctx);
        checkVersion(path, node.version(), req.version());
        return new SetDataTxn(path, req.data(), nextVersion(node.version()));
    }

    public SetACLTxn prepSetAcl(SetACLRequest req, PrepContext ctx) throws KeeperError {
        String path = req.path();
        validatePath(path, false);
        List<Acl> storedAcl = AclRules.fixup(path, req.acl(), ctx.authIds());
        NodeState node = existing(path);
        checkPerm(path, node.acl(), Perms.ADMIN, ctx);
        checkVersion(path, node.aversion(), req.version());
        return new SetACLTxn(path, storedAcl, nextVersion(node.aversion()));
    }

    /** check (multi only): NONODE, NOAUTH without READ, BADVERSION. */
    public CheckVersionTxn prepCheck(CheckVersionRequest req, PrepContext ctx) throws KeeperError {
        String path = req.path();
        validatePath(path, false);
        NodeState node = existing(path);
        checkPerm(path, node.acl(), Perms.READ, ctx);
        checkVersion(path, node.version(), req.version());
        return new CheckVersionTxn(path, node.version());
    }

    /** Close or expiry of a session: its ephemeral nodes, sorted. */
    public CloseSessionTxn prepCloseSession(long sessionId) {
        return new CloseSessionTxn(new ArrayList<>(tree.ephemerals(sessionId)));
    }

    /**
     * The server's delete of an expired container or TTL node found by {@link ExpiryScan}; it
     * re-checks the node is still due (NONODE when gone, NOTEMPTY when it has children again,
     * BADVERSION when it is no longer due), so a stale scan result never deletes a live node.
     */
    public DeleteTxn prepExpiryDelete(String path, long nowMs, long maxNeverUsedIntervalMs) throws KeeperError {
        if (!tree.exists(path)) {
            throw new KeeperError(ErrorCode.NONODE, path);
        }
        if (tree.childCount(path) > 0) {
            throw new KeeperError(ErrorCode.NOTEMPTY, path);
        }
        if (!ExpiryScan.isCandidate(tree, path, nowMs, maxNeverUsedIntervalMs)) {
            throw new KeeperError(ErrorCode.BADVERSION, path);
        }
        return new DeleteTxn(path);
    }

    // ---------------------------------------------------------------- multi

    /**
     * Prepares a multi. {@code ops} hold the wire request records, in order: CreateRequest
     * (create/create2/createContainer), CreateTTLRequest, DeleteRequest, SetDataRequest,
     * CheckVersionRequest; anything else is IllegalArgumentException (the decoder must refuse it).
     *
     * <p>Each op is validated against the tree as the previous ops left it: the op's txn is
     * applied at once under the tree's undo journal, and the journal is rolled back when the
     * multi is done, whether it succeeded or not. So the tree is unchanged on return and the
     * pipeline applies the resulting MultiTxn like any other txn.
     */
    public MultiPrep prepMulti(List<?> ops, PrepContext ctx) {
        TxnHeader scratch = new TxnHeader(ctx.sessionId(), 0, ctx.zxid(), ctx.timeMs(), OpCode.MULTI);
        List<Txn> txns = new ArrayList<>(ops.size());
        tree.beginUndo();
        try {
            for (int i = 0; i < ops.size(); i++) {
                Txn txn;
                try {
                    txn = prepOp(ops.get(i), ctx);
                } catch (KeeperError e) {
                    return MultiPrep.failure(ops.size(), i, e);
                }
                TxnApplier.apply(tree, scratch, txn);
                txns.add(txn);
            }
        } finally {
            tree.rollbackUndo();
        }
        return MultiPrep.success(txns);
    }

    private Txn prepOp(Object op, PrepContext ctx) throws KeeperError {
        if (op instanceof CreateRequest r) {
            return prepCreate(r, ctx);
        }
        if (op instanceof CreateTTLRequest r) {
            return prepCreateTtl(r, ctx);
        }
        if (op instanceof DeleteRequest r) {
            return prepDelete(r, ctx);
        }
        if (op instanceof SetDataRequest r) {
            return prepSetData(r, ctx);
        }
        if (op instanceof CheckVersionRequest r) {
            return prepCheck(r, ctx);
        }
        throw new IllegalArgumentException("op not allowed in a multi: " + op);
    }

    // ---------------------------------------------------------------- quotas

    /**
     * ZooKeeper's quota check (with enforceQuota on): for the deepest quota'd ancestor-or-self of
     * {@code path}, the stats after this change are compared with the limits. Past a hard limit
     * (countHardLimit, byteHardLimit) the write is refused with QUOTAEXCEEDED; past a soft one
     * (count, bytes), used only when no hard limit of that kind is set, it is logged and goes ahead.
     * A change that does not move count (or bytes) is not checked against that kind of limit.
     */
    private void checkQuota(String path, long countDiff, long bytesDiff, PrepContext ctx) throws KeeperError {
        String root = tree.quotaRoot(path);
        if (root == null) {
            return;
        }
        NodeState limitsNode = tree.node(Quotas.limitPath(root));
        NodeState statsNode = tree.node(Quotas.statPath(root));
        if (limitsNode == null || statsNode == null) {
            return;
        }
        QuotaStats limits = QuotaStats.parse(limitsNode.data());
        QuotaStats current = QuotaStats.parse(statsNode.data());
        if (countDiff != 0) {
            checkLimit(root, QuotaStats.COUNT, current.get(QuotaStats.COUNT) + countDiff,
                    limits.get(QuotaStats.COUNT_HARD_LIMIT), limits.get(QuotaStats.COUNT), ctx);
        }
        if (bytesDiff != 0) {
            checkLimit(root, QuotaStats.BYTES, current.get(QuotaStats.BYTES) + bytesDiff,
                    limits.get(QuotaStats.BYTE_HARD_LIMIT), limits.get(QuotaStats.BYTES), ctx);
        }
    }

    private void checkLimit(String root, String what, long next, long hardLimit, long softLimit, PrepContext ctx)
            throws KeeperError {
        boolean hard = hardLimit > -1;
        long limit = hard ? hardLimit : softLimit;
        if (limit < 0 || next <= limit) {
            return;
        }
        if (hard) {
            throw new KeeperError(ErrorCode.QUOTAEXCEEDED, root);
        }
        if (ctx.timeMs() - lastQuotaWarnMs < QUOTA_WARN_INTERVAL_MS && lastQuotaWarnMs != Long.MIN_VALUE) {
            quotaWarningsSuppressed++;
            return;
        }
        LOG.warn("Quota exceeded: {} [{} would be {}, soft limit {}] (the write goes ahead; {} more such warnings"
                + " since the last one)", root, what, next, limit, quotaWarningsSuppressed);
        lastQuotaWarnMs = ctx.timeMs();
        quotaWarningsSuppressed = 0;
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The sequence number for a new child: how many children the parent has ever had created.
     * The visible cversion counts creates and deletes, so creates = (cversion + live children) / 2
     * (ZooKeeper stores the create count and shows 2 × creates − children).
     */
    private int childrenEverCreated(NodeState parent, String parentPath) {
        return (parent.cversion() + tree.childCount(parentPath)) / 2;
    }

    private static void validatePath(String path, boolean sequential) throws KeeperError {
        if (!PathRules.isValid(path, sequential)) {
            throw new KeeperError(ErrorCode.BADARGUMENTS, path);
        }
    }

    private NodeState existing(String path) throws KeeperError {
        NodeState s = tree.node(path);
        if (s == null) {
            throw new KeeperError(ErrorCode.NONODE, path);
        }
        return s;
    }

    private static void checkVersion(String path, int current, int expected) throws KeeperError {
        if (expected != -1 && expected != current) {
            throw new KeeperError(ErrorCode.BADVERSION, path);
        }
    }

    /** current + 1, skipping -1 (which means "any version") when wrapping, as ZooKeeper 3.9. */
    static int nextVersion(int current) {
        int next = current + 1;
        return next == -1 ? 0 : next;
    }
}
