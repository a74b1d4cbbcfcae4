package io.coord.server.txn;

import io.coord.wire.Acl;
import java.util.List;

/**
 * A transaction: the deterministic, fully resolved result of a validated write request. Applying
 * the same txns in the same order to equal trees gives equal trees. {@link #tag()} identifies the
 * body in the log (values follow ZooKeeper's op codes).
 */
public sealed interface Txn {
    int tag();

    /**
     * Create (also create2, createContainer, createTTL): the final path (sequence suffix included),
     * the stored (expanded) ACL, the owner word ({@code io.coord.server.tree.EphemeralOwner}: 0,
     * session id, container or TTL) and the parent's new cversion.
     */
    record CreateTxn(String path, byte[] data, List<Acl> acl, long ephemeralOwner, int parentCVersion)
            implements Txn {
        public static final int TAG = 1;

        @Override
        public int tag() {
            return TAG;
        }
    }

    /** Delete (client delete, or the server deleting an expired container/TTL node). */
    record DeleteTxn(String path) implements Txn {
        public static final int TAG = 2;

        @Override
        public int tag() {
            return TAG;
        }
    }

    /** SetData; {@code version} is the node's new data version. */
    record SetDataTxn(String path, byte[] data, int version) implements Txn {
        public static final int TAG = 5;

        @Override
        public int tag() {
            return TAG;
        }
    }

    /** SetACL; {@code version} is the node's new aversion; {@code acl} already expanded. */
    record SetACLTxn(String path, List<Acl> acl, int version) implements Txn {
        public static final int TAG = 7;

        @Override
        public int tag() {
            return TAG;
        }
    }

    /** A passed version check inside a multi (changes nothing). */
    record CheckVersionTxn(String path, int version) implements Txn {
        public static final int TAG = 13;

        @Override
        public int tag() {
            return TAG;
        }
    }

    /**
     * A multi: the resolved sub-txns when it succeeded, or one {@link ErrorTxn} per op when it
     * failed (0 before the failing op, its code, then RUNTIMEINCONSISTENCY). Never nested.
     */
    record MultiTxn(List<Txn> txns) implements Txn {
        public static final int TAG = 14;

        public MultiTxn {
            txns = List.copyOf(txns);
        }

        /** True when this is a failed multi (holds error txns). */
        public boolean failed() {
            return txns.stream().anyMatch(t -> t instanceof ErrorTxn);
        }

        @Override
        public int tag() {
            return TAG;
        }
    }

    /** A new session (the session id is the header's); passwd may be null. */
    record CreateSessionTxn(int timeoutMs, byte[] passwd) implements Txn {
        public static final int TAG = -10;

        @Override
        public int tag() {
            return TAG;
        }
    }

    /** Close/expiry of the header's session, with the ephemeral nodes it deletes (sorted). */
    record CloseSessionTxn(List<String> ephemeralPaths) implements Txn {
        public static final int TAG = -11;

        public CloseSessionTxn {
            ephemeralPaths = List.copyOf(ephemeralPaths);
        }

        @Override
        public int tag() {
            return TAG;
        }
    }

    /** A failed request (or a failed multi's op): err is an {@code ErrorCode} value. */
    record ErrorTxn(int err) implements Txn {
        public static final int TAG = -1;

        @Override
        public int tag() {
            return TAG;
        }
    }
}
