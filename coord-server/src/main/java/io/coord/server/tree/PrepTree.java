package io.coord.server.tree;

import io.coord.wire.Acl;
import io.coord.wire.Stat;
import java.util.List;
import java.util.Set;

/**
 * What preparing a write ({@code TxnPrep}) and applying a txn ({@code TxnApplier}) need of a tree:
 * the committed {@link DataTree} itself, or the leader's {@link PendingTree} (committed tree + the
 * changes proposed and not yet applied). Mutations keep ZooKeeper's stat arithmetic (see
 * {@link DataTree}); an impossible one throws {@link IllegalStateException}. Request thread only.
 */
public interface PrepTree {
    /** The node's state, or null when there is no such node. */
    NodeState node(String path);

    boolean exists(String path);

    /** Number of children, or -1 when there is no such node. */
    int childCount(String path);

    /** The node's ACL, or null when there is no such node. */
    List<Acl> acl(String path);

    /** The node's Stat, or null when there is no such node. */
    Stat stat(String path);

    /** The ephemeral nodes of a session, sorted by path; empty when none. */
    Set<String> ephemerals(long sessionId);

    /** The deepest quota'd path governing {@code path} (see {@link Quotas#governing}), or null. */
    String quotaRoot(String path);

    NodeState createNode(String path, byte[] data, List<Acl> acl, long ephemeralOwner, int parentCVersion,
                         long zxid, long timeMs);

    NodeState deleteNode(String path, long zxid);

    NodeState setData(String path, byte[] data, int newVersion, long zxid, long timeMs);

    NodeState setAcl(String path, List<Acl> acl, int newAversion);

    /** Starts recording every change so {@link #rollbackUndo()} can revert them. Not nestable. */
    void beginUndo();

    /** Reverts every change since {@link #beginUndo()} and closes the journal. */
    void rollbackUndo();
}
