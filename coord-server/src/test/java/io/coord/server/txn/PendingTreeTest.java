package io.coord.server.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.tree.DataTree;
import io.coord.server.tree.NodeState;
import io.coord.server.tree.PendingTree;
import io.coord.server.tree.PrepTree;
import io.coord.server.tree.TreeAssert;
import io.coord.wire.Acl;
import io.coord.wire.CheckVersionRequest;
import io.coord.wire.CreateMode;
import io.coord.wire.CreateRequest;
import io.coord.wire.DeleteRequest;
import io.coord.wire.ErrorCode;
import io.coord.wire.KeeperError;
import io.coord.wire.MultiOp;
import io.coord.wire.MultiRequest;
import io.coord.wire.OpCode;
import io.coord.wire.SetDataRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The leader's {@link PendingTree} (committed tree + overlay of proposed, unapplied changes) against
 * the model it replaces: a full copy of the tree with every proposed txn applied at once (the old
 * shadow tree). Writes prepared against either must give the same txns and errors, whatever lag
 * the committed tree has, and the overlay must empty once everything proposed is applied.
 */
class PendingTreeTest {
    private static final long S1 = 0x0100000000000001L;
    private static final long S2 = 0x0100000000000002L;
    private static final long[] SESSIONS = {S1, S2};
    private static final String LIMITS = "/zookeeper/quota/a/zookeeper_limits";
    private static final String STATS = "/zookeeper/quota/a/zookeeper_stats";

    /** The leader's side: committed tree, overlay, prep, and the proposals not yet applied. */
    private static final class Leader {
        final DataTree committed = new DataTree();
        final PendingTree pending = new PendingTree(committed);
        final TxnPrep prep = new TxnPrep(pending);
        final ArrayDeque<TxnEntry> outstanding = new ArrayDeque<>();
        long zxid;

        Txn propose(long session, int type, Object body) throws KeeperError {
            zxid++;
            PrepContext ctx = ctx(session, zxid);
            Txn txn = type == OpCode.CLOSE_SESSION ? prep.prepCloseSession(session)
                    : prep.prepRequest(type, (io.coord.wire.JuteRecord) body, ctx);
            TxnHeader h = new TxnHeader(session, 0, zxid, 1000 + zxid, type);
            pending.beginTxn(zxid);
            TxnApplier.applyEffect(pending, h, txn);
            outstanding.add(new TxnEntry(h, txn));
            return txn;
        }

        void applyNext() {
            TxnEntry e = outstanding.poll();
            TxnApplier.apply(committed, e.header(), e.txn());
            pending.applied(e.header().zxid());
        }

        void applyAll() {
            while (!outstanding.isEmpty()) {
                applyNext();
            }
        }
    }

    private static PrepContext ctx(long session, long zxid) {
        return new PrepContext(session, List.of(), "127.0.0.1", true, zxid, 1000 + zxid);
    }

    private static CreateRequest create(String path, CreateMode mode) {
        return new CreateRequest(path, "v".getBytes(StandardCharsets.UTF_8), Acl.OPEN_ACL_UNSAFE, mode.flag());
    }

    private static int errorOf(ThrowingTxn call) {
        KeeperError e = assertThrows(KeeperError.class, call::run);
        return e.code().code();
    }

    private interface ThrowingTxn {
        Txn run() throws KeeperError;
    }

    @Test
    void versionChecksSeeTheOutstandingChanges() throws KeeperError {
        Leader l = new Leader();
        l.propose(S1, OpCode.CREATE, create("/n", CreateMode.PERSISTENT));
        l.propose(S1, OpCode.SET_DATA, new SetDataRequest("/n", new byte[1], 0));
        assertEquals(ErrorCode.BADVERSION.code(),
                errorOf(() -> l.propose(S1, OpCode.SET_DATA, new SetDataRequest("/n", new byte[2], 0))),
                "version 0 is taken by the outstanding setData");
        assertInstanceOf(Txn.SetDataTxn.class, l.propose(S1, OpCode.SET_DATA, new SetDataRequest("/n", new byte[3], 1)));
        assertNull(l.committed.node("/n"), "nothing applied yet");
        l.applyAll();
        assertEquals(2, l.committed.node("/n").version());
        assertEquals(0, l.pending.size(), "every record dropped once its txn is applied");
    }

    @Test
    void sequentialNumbersCountOutstandingCreatesAndDeletes() throws KeeperError {
        Leader l = new Leader();
        l.propose(S1, OpCode.CREATE, create("/p", CreateMode.PERSISTENT));
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(((Txn.CreateTxn) l.propose(S1, OpCode.CREATE, create("/p/s-", CreateMode.PERSISTENT_SEQUENTIAL)))
                    .path());
        }
        assertEquals(List.of("/p/s-0000000000", "/p/s-0000000001", "/p/s-0000000002"), made);
        l.applyNext(); // "/p" and the first child committed, the rest outstanding
        l.applyNext();
        l.propose(S1, OpCode.DELETE, new DeleteRequest("/p/s-0000000001", -1));
        Txn.CreateTxn next = (Txn.CreateTxn) l.propose(S1, OpCode.CREATE, create("/p/s-", CreateMode.PERSISTENT_SEQUENTIAL));
        assertEquals("/p/s-0000000003", next.path(), "a delete does not give a sequence number back");
        assertEquals(5, next.parentCVersion(), "4 creates + 1 delete before it, then this one");
        l.applyAll();
        assertEquals(List.of("s-0000000000", "s-0000000002", "s-0000000003"),
                new ArrayList<>(new TreeSet<>(l.committed.children("/p"))));
        assertEquals(0, l.pending.size());
    }

    @Test
    void createThenDeleteThenCreateWithinTheOutstandingWindow() throws KeeperError {
        Leader l = new Leader();
        l.propose(S1, OpCode.CREATE, create("/x", CreateMode.EPHEMERAL));
        assertEquals(ErrorCode.NODEEXISTS.code(),
                errorOf(() -> l.propose(S2, OpCode.CREATE, create("/x", CreateMode.PERSISTENT))));
        assertEquals(ErrorCode.NOCHILDRENFOREPHEMERALS.code(),
                errorOf(() -> l.propose(S1, OpCode.CREATE, create("/x/c", CreateMode.PERSISTENT))));
        l.propose(S1, OpCode.DELETE, new DeleteRequest("/x", 0));
        assertEquals(ErrorCode.NONODE.code(), errorOf(() -> l.propose(S1, OpCode.DELETE, new DeleteRequest("/x", -1))));
        l.propose(S2, OpCode.CREATE, create("/x", CreateMode.PERSISTENT));
        l.propose(S2, OpCode.CREATE, create("/x/c", CreateMode.PERSISTENT));
        l.applyNext(); // the ephemeral create is committed; the overlay still says "persistent, one child"
        assertEquals(0, l.pending.node("/x").ephemeralOwner());
        assertEquals(1, l.pending.childCount("/x"));
        assertEquals(ErrorCode.NOTEMPTY.code(), errorOf(() -> l.propose(S2, OpCode.DELETE, new DeleteRequest("/x", -1))));
        l.applyAll();
        assertEquals(0, l.committed.node("/x").ephemeralOwner());
        assertEquals(1, l.committed.childCount("/x"));
        assertEquals(0, l.pending.size());
    }

    @Test
    void aFailedMultiLeavesTheOverlayAsItWas() throws KeeperError {
        Leader l = new Leader();
        l.propose(S1, OpCode.CREATE, create("/m", CreateMode.PERSISTENT));
        int records = l.pending.size();
        Txn.MultiTxn failed = (Txn.MultiTxn) l.propose(S1, OpCode.MULTI, new MultiRequest(List.of(
                new MultiOp(OpCode.CREATE, create("/m/a", CreateMode.PERSISTENT)),
                new MultiOp(OpCode.SET_DATA, new SetDataRequest("/m", new byte[4], -1)),
                new MultiOp(OpCode.CHECK, new CheckVersionRequest("/m", 0)))));
        assertTrue(failed.failed(), "the check sees version 1, set by the multi's own setData");
        assertEquals(records, l.pending.size());
        assertFalse(l.pending.exists("/m/a"));
        assertEquals(0, l.pending.node("/m").version());
        Txn.MultiTxn ok = (Txn.MultiTxn) l.propose(S1, OpCode.MULTI, new MultiRequest(List.of(
                new MultiOp(OpCode.CREATE, create("/m/a", CreateMode.PERSISTENT)),
                new MultiOp(OpCode.DELETE, new DeleteRequest("/m/a", 0)),
                new MultiOp(OpCode.CHECK, new CheckVersionRequest("/m", 0)))));
        assertFalse(ok.failed());
        assertEquals(2, l.pending.node("/m").cversion());
        l.applyAll();
        assertEquals(2, l.committed.node("/m").cversion());
        assertEquals(0, l.pending.size());
    }

    @Test
    void aSessionCloseListsItsOutstandingEphemeralsAndNotTheDeletedOnes() throws KeeperError {
        Leader l = new Leader();
        l.propose(S1, OpCode.CREATE, create("/e1", CreateMode.EPHEMERAL));
        l.propose(S1, OpCode.CREATE, create("/e2", CreateMode.EPHEMERAL));
        l.applyAll();
        l.propose(S1, OpCode.CREATE, create("/e3", CreateMode.EPHEMERAL));
        l.propose(S1, OpCode.DELETE, new DeleteRequest("/e1", -1));
        assertEquals(new Txn.CloseSessionTxn(List.of("/e2", "/e3")), l.propose(S1, OpCode.CLOSE_SESSION, null));
        assertFalse(l.pending.exists("/e2"));
        assertTrue(l.committed.exists("/e2"));
        l.applyAll();
        assertEquals(List.of("zookeeper"), l.committed.children("/"));
        assertEquals(0, l.pending.size());
    }

    /** Random writes, random commit lag: the same txns as the full-copy model, record for record. */
    @Test
    void randomWritesPrepareAsAgainstAFullCopyWithEveryProposalApplied() {
        long seed = System.nanoTime();
        try {
            randomRun(new Random(seed), 3000);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
        }
    }

    private void randomRun(Random rnd, int steps) {
        Leader l = new Leader();
        DataTree model = new DataTree();
        TxnPrep modelPrep = new TxnPrep(model);
        int[] outcomes = new int[3]; // ok, refused, multi failed
        for (int i = 0; i < steps; i++) {
            long session = SESSIONS[rnd.nextInt(2)];
            int type;
            Object body;
            int k = rnd.nextInt(100);
            if (k < 3) {
                type = OpCode.CLOSE_SESSION;
                body = null;
            } else if (k < 15) {
                List<MultiOp> ops = new ArrayList<>();
                for (int j = rnd.nextInt(4); j >= 0; j--) {
                    ops.add(randomOp(rnd, true));
                }
                type = OpCode.MULTI;
                body = new MultiRequest(ops);
            } else {
                MultiOp op = randomOp(rnd, false);
                type = op.type();
                body = op.body();
            }
            Txn expected;
            int expectedErr = 0;
            long zxid = l.zxid + 1;
            try {
                expected = type == OpCode.CLOSE_SESSION ? modelPrep.prepCloseSession(session)
                        : modelPrep.prepRequest(type, (io.coord.wire.JuteRecord) body, ctx(session, zxid));
            } catch (KeeperError e) {
                expected = null;
                expectedErr = e.code().code();
            }
            Txn actual;
            try {
                actual = l.propose(session, type, body);
            } catch (KeeperError e) {
                assertEquals(expectedErr, e.code().code(), "error of " + body);
                l.zxid = zxid; // a refused request is still proposed (as an ErrorTxn) in the real leader
                outcomes[1]++;
                continue;
            }
            assertEquals(expected, actual, "txn of " + body + " at step " + i);
            outcomes[actual instanceof Txn.MultiTxn m && m.failed() ? 2 : 0]++;
            TxnApplier.applyEffect(model, new TxnHeader(session, 0, zxid, 1000 + zxid, type), actual);
            for (int n = rnd.nextInt(3); n > 0 && !l.outstanding.isEmpty(); n--) {
                l.applyNext();
            }
            if (rnd.nextInt(50) == 0) {
                l.applyAll();
                assertEquals(0, l.pending.size(), "nothing outstanding, nothing in the overlay");
            }
            assertSameView(model, l.pending);
        }
        l.applyAll();
        TreeAssert.assertSameTree(model, l.committed);
        assertEquals(0, l.pending.size());
        assertTrue(outcomes[0] > steps / 4 && outcomes[1] > steps / 20 && outcomes[2] > 10,
                "the mix reaches successes, refusals and failed multis: " + java.util.Arrays.toString(outcomes));
    }

    private static void assertSameView(DataTree model, PrepTree view) {
        for (String path : model.sortedPaths()) {
            NodeState expected = model.node(path);
            assertTrue(expected.sameAs(view.node(path)), path + ": " + expected + " vs " + view.node(path));
            assertEquals(model.childCount(path), view.childCount(path), "children of " + path);
            assertEquals(model.quotaRoot(path), view.quotaRoot(path), "quota of " + path);
        }
        for (String path : List.of("/a", "/a/b", "/b/c", "/c/a/b", STATS, LIMITS)) {
            assertEquals(model.exists(path), view.exists(path), path);
        }
        for (long s : SESSIONS) {
            assertEquals(model.ephemerals(s), view.ephemerals(s));
        }
    }

    private static MultiOp randomOp(Random rnd, boolean inMulti) {
        String path = randomPath(rnd);
        int version = rnd.nextInt(4) == 0 ? rnd.nextInt(3) : -1;
        int k = rnd.nextInt(100);
        if (k < 6 && !inMulti) { // a quota on /a: limits and stats nodes come and go
            if (rnd.nextBoolean()) {
                String node = rnd.nextBoolean() ? LIMITS : STATS;
                return new MultiOp(OpCode.DELETE, new DeleteRequest(node, -1));
            }
            String[] chain = {"/zookeeper/quota/a", LIMITS, STATS};
            String node = chain[rnd.nextInt(3)];
            byte[] data = node.equals(LIMITS) ? "count=-1,bytes=-1,countHardLimit=9,byteHardLimit=-1"
                    .getBytes(StandardCharsets.UTF_8) : new byte[0];
            return new MultiOp(OpCode.CREATE, new CreateRequest(node, data, Acl.OPEN_ACL_UNSAFE, 0));
        }
        if (k < 50) {
            CreateMode[] modes = {CreateMode.PERSISTENT, CreateMode.PERSISTENT, CreateMode.EPHEMERAL,
                CreateMode.PERSISTENT_SEQUENTIAL, CreateMode.EPHEMERAL_SEQUENTIAL, CreateMode.CONTAINER};
            CreateMode mode = modes[rnd.nextInt(modes.length)];
            return new MultiOp(OpCode.CREATE, new CreateRequest(path, new byte[rnd.nextInt(4)], Acl.OPEN_ACL_UNSAFE,
                    mode.flag()));
        }
        if (k < 75) {
            return new MultiOp(OpCode.DELETE, new DeleteRequest(path, version));
        }
        if (k < 90 || !inMulti) {
            return new MultiOp(OpCode.SET_DATA, new SetDataRequest(path, new byte[rnd.nextInt(6)], version));
        }
        return new MultiOp(OpCode.CHECK, new CheckVersionRequest(path, version));
    }

    private static String randomPath(Random rnd) {
        StringBuilder sb = new StringBuilder();
        for (int depth = 1 + rnd.nextInt(3); depth > 0; depth--) {
            sb.append('/').append("abc".charAt(rnd.nextInt(3)));
        }
        return sb.toString();
    }
}
