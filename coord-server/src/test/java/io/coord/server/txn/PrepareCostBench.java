package io.coord.server.txn;

import io.coord.server.tree.DataTree;
import io.coord.server.tree.PendingTree;
import io.coord.server.tree.PrepTree;
import io.coord.server.tree.TreeSnapshot;
import io.coord.wire.Acl;
import io.coord.wire.CreateRequest;
import io.coord.wire.KeeperError;
import io.coord.wire.OpCode;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;

/**
 * The leader's own cost per create, in process (no network, no disk): prepare + apply to the view
 * writes are prepared against + apply at commit to the committed tree, with {@code LAG} proposals
 * outstanding. "shadow": the old full copy of the tree; "pending": committed tree + overlay. Run by
 * hand (not a test): java -cp target/test-classes:target/classes:DEPS io.coord.server.txn.PrepareCostBench
 */
public final class PrepareCostBench {
    private static final int PARENTS = 1000;
    private static final int LOADED = 200_000;
    private static final int CREATES = 200_000;
    private static final int LAG = 128;

    public static void main(String[] args) throws KeeperError {
        for (int round = 1; round <= 3; round++) {
            for (String kind : List.of("shadow", "pending")) {
                double nsPerOp = run(kind.equals("pending"), round);
                System.out.printf(Locale.ROOT, "round %d %-8s %6.0f ns/create%n", round, kind, nsPerOp);
            }
        }
    }

    private static double run(boolean pending, int round) throws KeeperError {
        DataTree committed = new DataTree();
        long zxid = 0;
        byte[] value = new byte[100];
        for (int i = 0; i < PARENTS; i++) {
            TxnApplier.apply(committed, new TxnHeader(1, 0, ++zxid, 0, OpCode.CREATE),
                    new Txn.CreateTxn("/p" + i, new byte[0], Acl.OPEN_ACL_UNSAFE, 0, i + 1));
        }
        for (int i = 0; i < LOADED; i++) {
            String parent = "/p" + (i % PARENTS);
            TxnApplier.apply(committed, new TxnHeader(1, 0, ++zxid, 0, OpCode.CREATE),
                    new Txn.CreateTxn(parent + "/l" + i, value, Acl.OPEN_ACL_UNSAFE, 0,
                            committed.node(parent).cversion() + 1));
        }
        PrepTree view;
        PendingTree overlay = null;
        if (pending) {
            overlay = new PendingTree(committed);
            view = overlay;
        } else {
            try (TreeSnapshot s = committed.beginSnapshot(zxid)) {
                view = DataTree.fromSnapshot(s.sortedNodes());
            }
        }
        TxnPrep prep = new TxnPrep(view);
        ArrayDeque<TxnEntry> outstanding = new ArrayDeque<>();
        long started = System.nanoTime();
        for (int i = 0; i < CREATES; i++) {
            zxid++;
            PrepContext ctx = new PrepContext(1, List.of(), "127.0.0.1", false, zxid, zxid);
            Txn txn = prep.prepRequest(OpCode.CREATE, new CreateRequest("/p" + (i % PARENTS) + "/r" + round + "-" + i,
                    value, Acl.OPEN_ACL_UNSAFE, 0), ctx);
            TxnHeader h = new TxnHeader(1, i, zxid, zxid, OpCode.CREATE);
            if (overlay != null) {
                overlay.beginTxn(zxid);
            }
            TxnApplier.applyEffect(view, h, txn);
            outstanding.add(new TxnEntry(h, txn));
            if (outstanding.size() > LAG) {
                commit(committed, overlay, outstanding.poll());
            }
        }
        while (!outstanding.isEmpty()) {
            commit(committed, overlay, outstanding.poll());
        }
        return (System.nanoTime() - started) / (double) CREATES;
    }

    private static void commit(DataTree committed, PendingTree overlay, TxnEntry e) {
        TxnApplier.apply(committed, e.header(), e.txn());
        if (overlay != null) {
            overlay.applied(e.header().zxid());
        }
    }
}
