package io.coord.server.txn;

import io.coord.server.tree.DataTree;
import io.coord.server.tree.NodeState;
import io.coord.server.tree.PathRules;
import io.coord.server.tree.PrepTree;
import io.coord.server.txn.Txn.CheckVersionTxn;
import io.coord.server.txn.Txn.CloseSessionTxn;
import io.coord.server.txn.Txn.CreateSessionTxn;
import io.coord.server.txn.Txn.CreateTxn;
import io.coord.server.txn.Txn.DeleteTxn;
import io.coord.server.txn.Txn.ErrorTxn;
import io.coord.server.txn.Txn.MultiTxn;
import io.coord.server.txn.Txn.SetACLTxn;
import io.coord.server.txn.Txn.SetDataTxn;
import io.coord.wire.ErrorCode;
import io.coord.wire.EventType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies txns to a tree: the same code path for live requests and for replay after restart, so
 * it depends only on the tree, the header and the txn. Stat arithmetic is ZooKeeper's (see
 * {@link DataTree} mutations). A txn that does not fit the tree (prep would have refused it) is a
 * bug and ends in IllegalStateException; the only tolerated misfit is a close-session listing an
 * ephemeral that is already gone, which is skipped as ZooKeeper does.
 */
public final class TxnApplier {
    private TxnApplier() {
    }

    public static ApplyResult apply(PrepTree tree, TxnHeader header, Txn txn) {
        List<TreeEvent> events = new ArrayList<>();
        if (txn instanceof MultiTxn m) {
            return applyMulti(tree, header, m, events);
        }
        if (txn instanceof CloseSessionTxn c) {
            closeSession(tree, header, c, events);
            return ApplyResult.ok(null, null, events);
        }
        if (txn instanceof CreateSessionTxn) {
            return ApplyResult.ok(null, null, events);
        }
        return applySingle(tree, header, txn, events);
    }

    /**
     * Applies {@code txn} for its effect on the tree alone: the same mutations as
     * {@link #apply(PrepTree, TxnHeader, Txn)}, without building events, stats or a result. For the
     * leader's {@link io.coord.server.tree.PendingTree}, which nobody watches or reads back.
     */
    public static void applyEffect(PrepTree tree, TxnHeader header, Txn txn) {
        if (txn instanceof MultiTxn || txn instanceof CloseSessionTxn) {
            apply(tree, header, txn);
        } else if (!(txn instanceof CreateSessionTxn)) {
            applySingle(tree, header, txn, null);
        }
    }

    /** With {@code events} null, only mutates the tree and returns null. */
    private static ApplyResult applySingle(PrepTree tree, TxnHeader h, Txn txn, List<TreeEvent> events) {
        if (txn instanceof CreateTxn c) {
            NodeState created = tree.createNode(c.path(), c.data(), c.acl(), c.ephemeralOwner(), c.parentCVersion(),
                    h.zxid(), h.timeMs());
            if (events == null) {
                return null;
            }
            String parent = PathRules.parent(c.path());
            events.add(new TreeEvent(EventType.NODE_CREATED, c.path(), created.acl()));
            events.add(new TreeEvent(EventType.NODE_CHILDREN_CHANGED, parent, tree.acl(parent)));
            return ApplyResult.ok(c.path(), tree.stat(c.path()), events);
        }
        if (txn instanceof DeleteTxn d) {
            delete(tree, d.path(), h.zxid(), events);
            return events == null ? null : ApplyResult.ok(d.path(), null, events);
        }
        if (txn instanceof SetDataTxn s) {
            NodeState changed = tree.setData(s.path(), s.data(), s.version(), h.zxid(), h.timeMs());
            if (events == null) {
                return null;
            }
            events.add(new TreeEvent(EventType.NODE_DATA_CHANGED, s.path(), changed.acl()));
            return ApplyResult.ok(s.path(), tree.stat(s.path()), events);
        }
        if (txn instanceof SetACLTxn s) {
            tree.setAcl(s.path(), s.acl(), s.version());
            if (events == null) {
                return null;
            }
            return ApplyResult.ok(s.path(), tree.stat(s.path()), events);
        }
        if (txn instanceof CheckVersionTxn c) {
            return events == null ? null : ApplyResult.ok(c.path(), null, events);
        }
        if (txn instanceof ErrorTxn e) {
            return events == null ? null : ApplyResult.error(e.err());
        }
        throw new IllegalArgumentException("txn not allowed here: " + txn);
    }

    private static void delete(PrepTree tree, String path, long zxid, List<TreeEvent> events) {
        NodeState gone = tree.deleteNode(path, zxid);
        if (events != null) {
            String parent = PathRules.parent(path);
            events.add(new TreeEvent(EventType.NODE_DELETED, path, gone.acl()));
            events.add(new TreeEvent(EventType.NODE_CHILDREN_CHANGED, parent, tree.acl(parent)));
        }
    }

    /**
     * A failed multi (any ErrorTxn) changes nothing: its results carry the errors, with non-error
     * entries reported as 0 before the first error and RUNTIMEINCONSISTENCY after, as ZooKeeper.
     */
    private static ApplyResult applyMulti(PrepTree tree, TxnHeader h, MultiTxn m, List<TreeEvent> events) {
        List<ApplyResult> subs = new ArrayList<>(m.txns().size());
        if (m.failed()) {
            int err = 0;
            for (Txn t : m.txns()) {
                int subErr = t instanceof ErrorTxn e ? e.err()
                        : err == 0 ? 0 : ErrorCode.RUNTIMEINCONSISTENCY.code();
                if (err == 0 && subErr != 0) {
                    err = subErr;
                }
                subs.add(ApplyResult.error(subErr));
            }
            return new ApplyResult(err, null, null, subs, List.of());
        }
        for (Txn t : m.txns()) {
            if (t instanceof MultiTxn || t instanceof CloseSessionTxn || t instanceof CreateSessionTxn) {
                throw new IllegalArgumentException("txn not allowed in a multi: " + t);
            }
            int before = events.size();
            ApplyResult r = applySingle(tree, h, t, events);
            subs.add(new ApplyResult(r.err(), r.path(), r.stat(), List.of(),
                    events.subList(before, events.size())));
        }
        return new ApplyResult(0, null, null, subs, events);
    }

    /**
     * Deletes the listed ephemerals the session still owns, then (for safety) any other
     * ephemeral it still owns, in sorted order.
     */
    private static void closeSession(PrepTree tree, TxnHeader h, CloseSessionTxn c, List<TreeEvent> events) {
        Set<String> paths = new LinkedHashSet<>(c.ephemeralPaths());
        paths.addAll(tree.ephemerals(h.sessionId()));
        for (String path : paths) {
            NodeState s = tree.node(path);
            if (s != null && s.ephemeralOwner() == h.sessionId() && tree.childCount(path) == 0) {
                delete(tree, path, h.zxid(), events);
            }
        }
    }
}
