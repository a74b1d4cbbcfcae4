package io.coord.server.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.tree.DataTree;
import io.coord.server.tree.DigestAuth;
import io.coord.server.tree.EphemeralOwner;
import io.coord.server.tree.TreeAssert;
import io.coord.server.tree.TreeSnapshot;
import io.coord.wire.Acl;
import io.coord.wire.CheckVersionRequest;
import io.coord.wire.CreateRequest;
import io.coord.wire.CreateTTLRequest;
import io.coord.wire.DeleteRequest;
import io.coord.wire.ErrorCode;
import io.coord.wire.EventType;
import io.coord.wire.Id;
import io.coord.wire.KeeperError;
import io.coord.wire.OpCode;
import io.coord.wire.Perms;
import io.coord.wire.SetACLRequest;
import io.coord.wire.SetDataRequest;
import io.coord.wire.Stat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TxnPrepTest {
    private static final byte[] D = {1};
    private static final Id ALICE = new Id("digest", DigestAuth.generate("alice:pw"));
    private static final long S1 = 0x0100000000000001L;
    private final DataTree tree = new DataTree();
    private final TxnPrep prep = new TxnPrep(tree);
    private long zxid = 0;

    private PrepContext ctx(long session, Id... ids) {
        return new PrepContext(session, List.of(ids), "10.0.0.1", true, zxid + 1, (zxid + 1) * 1000);
    }

    private PrepContext ctx() {
        return ctx(S1);
    }

    private ApplyResult apply(Txn txn) {
        zxid++;
        TxnHeader h = new TxnHeader(S1, (int) zxid, zxid, zxid * 1000, OpCode.CREATE);
        TxnEntry e = TxnCodec.decode(TxnCodec.encode(h, txn));
        return TxnApplier.apply(tree, e.header(), e.txn());
    }

    private ApplyResult create(String path, int flags) throws KeeperError {
        return apply(prep.prepCreate(new CreateRequest(path, D, Acl.OPEN_ACL_UNSAFE, flags), ctx()));
    }

    private ErrorCode createError(CreateRequest r, PrepContext c) {
        return assertThrows(KeeperError.class, () -> prep.prepCreate(r, c)).code();
    }

    private ErrorCode createError(String path, int flags) {
        return createError(new CreateRequest(path, D, Acl.OPEN_ACL_UNSAFE, flags), ctx());
    }

    @Test
    void createSetsStatsAndFiresEvents() throws KeeperError {
        ApplyResult r = create("/a", 0);
        assertEquals("/a", r.path());
        assertEquals(new Stat(1, 1, 1000, 1000, 0, 0, 0, 0, 1, 0, 1), r.stat());
        assertEquals(List.of(new TreeEvent(EventType.NODE_CREATED, "/a", Acl.OPEN_ACL_UNSAFE),
                new TreeEvent(EventType.NODE_CHILDREN_CHANGED, "/", Acl.OPEN_ACL_UNSAFE)), r.events());
        assertEquals(0, tree.stat("/").cversion(), "root starts at -1 as in ZooKeeper");
        assertEquals(1, tree.stat("/").pzxid());
        assertEquals(ErrorCode.NODEEXISTS, createError("/a", 0));
        assertEquals(ErrorCode.NODEEXISTS, createError("/", 0));
        assertEquals(ErrorCode.NONODE, createError("/x/y", 0));
        assertEquals(ErrorCode.BADARGUMENTS, createError("/a/", 0));
        assertEquals(ErrorCode.BADARGUMENTS, createError("a", 0));
        assertEquals(ErrorCode.NONODE, createError("/a/../b", 0), "the parent is looked up first, as ZooKeeper");
        assertEquals(ErrorCode.BADARGUMENTS, createError("/b", 7));
        assertEquals(ErrorCode.BADARGUMENTS, createError(new CreateRequest(null, D, Acl.OPEN_ACL_UNSAFE, 0), ctx()));
        assertEquals(ErrorCode.INVALIDACL, createError(new CreateRequest("/b", D, List.of(), 0), ctx()));
        assertEquals(ErrorCode.INVALIDACL, createError(new CreateRequest("/b", D, Acl.CREATOR_ALL_ACL, 0), ctx()));
    }

    @Test
    void sequentialNamesCountChildCreations() throws KeeperError {
        assertEquals("/s0000000000", create("/s", 2).path(), "no child of the root was created yet");
        create("/q", 0);
        assertEquals("/q/0000000000", create("/q/", 2).path());
        assertEquals("/q/n0000000001", create("/q/n", 3).path());
        apply(prep.prepDelete(new DeleteRequest("/q/0000000000", -1), ctx()));
        assertEquals(3, tree.stat("/q").cversion(), "delete bumps cversion");
        assertEquals("/q/0000000002", create("/q/", 2).path(), "but not the sequence: two creates so far");
        assertEquals(4, tree.stat("/q").cversion());
    }

    @Test
    void ephemeralsContainersAndTtl() throws KeeperError {
        create("/e", 1);
        assertEquals(S1, tree.stat("/e").ephemeralOwner());
        assertEquals(Set.of("/e"), tree.ephemerals(S1));
        assertEquals(ErrorCode.NOCHILDRENFOREPHEMERALS, createError("/e/x", 0));
        create("/c", 4);
        assertEquals(EphemeralOwner.CONTAINER, tree.node("/c").ephemeralOwner());
        assertEquals(0, tree.stat("/c").ephemeralOwner(), "clients see no owner on containers");
        create("/c/x", 0);
        CreateTTLRequest ttl = new CreateTTLRequest("/t", D, Acl.OPEN_ACL_UNSAFE, 5, 60_000);
        apply(prep.prepCreateTtl(ttl, ctx()));
        assertEquals(0xFF0000000000EA60L, tree.node("/t").ephemeralOwner());
        assertEquals(0, tree.stat("/t").ephemeralOwner(), "clients see no owner on TTL nodes");
        create("/t/x", 0);
        assertEquals("/t/s0000000001", apply(prep.prepCreateTtl(
                new CreateTTLRequest("/t/s", D, Acl.OPEN_ACL_UNSAFE, 6, 1), ctx())).path());
        PrepContext disabled = new PrepContext(S1, List.of(), null, false, 1, 1);
        assertEquals(ErrorCode.UNIMPLEMENTED, assertThrows(KeeperError.class,
                () -> prep.prepCreateTtl(new CreateTTLRequest("/u", D, Acl.OPEN_ACL_UNSAFE, 5, 10), disabled)).code());
        for (CreateTTLRequest bad : List.of(new CreateTTLRequest("/u", D, Acl.OPEN_ACL_UNSAFE, 5, 0),
                new CreateTTLRequest("/u", D, Acl.OPEN_ACL_UNSAFE, 5, EphemeralOwner.MAX_TTL_MS + 1),
                new CreateTTLRequest("/u", D, Acl.OPEN_ACL_UNSAFE, 0, 10),
                new CreateTTLRequest("/u", D, Acl.OPEN_ACL_UNSAFE, 4, 10))) {
            assertEquals(ErrorCode.BADARGUMENTS, assertThrows(KeeperError.class,
                    () -> prep.prepCreateTtl(bad, ctx())).code(), bad.toString());
        }
        assertEquals(ErrorCode.BADARGUMENTS, createError("/u", 5), "TTL mode without a TTL");
    }

    @Test
    void closeSessionDeletesEphemerals() throws KeeperError {
        create("/p", 0);
        create("/p/e1", 1);
        create("/e2", 3);
        Txn close = prep.prepCloseSession(S1);
        assertEquals(List.of("/e20000000001", "/p/e1"), ((Txn.CloseSessionTxn) close).ephemeralPaths());
        long pzxidBefore = tree.stat("/p").pzxid();
        ApplyResult r = apply(close);
        assertEquals(List.of(new TreeEvent(EventType.NODE_DELETED, "/e20000000001", Acl.OPEN_ACL_UNSAFE),
                new TreeEvent(EventType.NODE_CHILDREN_CHANGED, "/", Acl.OPEN_ACL_UNSAFE),
                new TreeEvent(EventType.NODE_DELETED, "/p/e1", Acl.OPEN_ACL_UNSAFE),
                new TreeEvent(EventType.NODE_CHILDREN_CHANGED, "/p", Acl.OPEN_ACL_UNSAFE)), r.events());
        assertTrue(tree.ephemerals(S1).isEmpty());
        assertEquals(zxid, tree.stat("/p").pzxid());
        assertTrue(zxid > pzxidBefore);
        assertEquals(2, tree.stat("/p").cversion());
    }

    @Test
    void deleteSetDataSetAclRules() throws KeeperError {
        create("/a", 0);
        create("/a/b", 0);
        for (String sys : List.of("/", "/zookeeper", "/zookeeper/config", "/zookeeper/quota")) {
            assertEquals(ErrorCode.BADARGUMENTS, deleteError(sys, -1), sys);
        }
        assertEquals(ErrorCode.NOTEMPTY, deleteError("/a", -1));
        assertEquals(ErrorCode.NONODE, deleteError("/a/c", -1));
        assertEquals(ErrorCode.NONODE, deleteError("/x/c", -1));
        assertEquals(ErrorCode.BADVERSION, deleteError("/a/b", 3));
        ApplyResult set = apply(prep.prepSetData(new SetDataRequest("/a/b", new byte[4], 0), ctx()));
        assertEquals(1, set.stat().version());
        assertEquals(4, set.stat().dataLength());
        assertEquals(zxid, set.stat().mzxid());
        assertEquals(List.of(new TreeEvent(EventType.NODE_DATA_CHANGED, "/a/b", Acl.OPEN_ACL_UNSAFE)), set.events());
        assertEquals(ErrorCode.BADVERSION, assertThrows(KeeperError.class,
                () -> prep.prepSetData(new SetDataRequest("/a/b", D, 0), ctx())).code());
        assertEquals(ErrorCode.NONODE, assertThrows(KeeperError.class,
                () -> prep.prepSetData(new SetDataRequest("/zz", D, -1), ctx())).code());
        List<Acl> adminAndRead = List.of(new Acl(Perms.ADMIN | Perms.READ, Id.ANYONE));
        ApplyResult acl = apply(prep.prepSetAcl(new SetACLRequest("/a/b", adminAndRead, 0), ctx()));
        assertEquals(1, acl.stat().aversion());
        assertTrue(acl.events().isEmpty());
        assertEquals(ErrorCode.BADVERSION, assertThrows(KeeperError.class,
                () -> prep.prepSetAcl(new SetACLRequest("/a/b", Acl.READ_ACL_UNSAFE, 0), ctx())).code());
        ApplyResult del = apply(prep.prepDelete(new DeleteRequest("/a/b", 1), ctx()));
        // The deleted node's ACL at the time, for the watch filter: the node is gone when watches fire.
        assertEquals(List.of(new TreeEvent(EventType.NODE_DELETED, "/a/b", adminAndRead),
                new TreeEvent(EventType.NODE_CHILDREN_CHANGED, "/a", Acl.OPEN_ACL_UNSAFE)), del.events());
        assertEquals(0, TxnPrep.nextVersion(-2), "version wraps past -1");
    }

    private ErrorCode deleteError(String path, int version) {
        return assertThrows(KeeperError.class, () -> prep.prepDelete(new DeleteRequest(path, version), ctx())).code();
    }

    @Test
    void aclChecksEveryScheme() throws KeeperError {
        List<Acl> aliceAll = List.of(new Acl(Perms.ALL, ALICE), new Acl(Perms.READ, Id.ANYONE));
        apply(prep.prepCreate(new CreateRequest("/alice", D, Acl.CREATOR_ALL_ACL, 0), ctx(S1, ALICE)));
        assertEquals(List.of(new Acl(Perms.ALL, ALICE)), tree.acl("/alice"), "auth expands to the session's ids");
        PrepContext anon = ctx(S1);
        assertEquals(ErrorCode.NOAUTH, createError(new CreateRequest("/alice/x", D, Acl.OPEN_ACL_UNSAFE, 0), anon));
        assertEquals(ErrorCode.NOAUTH, assertThrows(KeeperError.class,
                () -> prep.prepSetData(new SetDataRequest("/alice", D, -1), anon)).code());
        assertEquals(ErrorCode.NOAUTH, assertThrows(KeeperError.class, () -> prep.checkPerm("/alice", Perms.READ, anon)).code());
        assertEquals(ErrorCode.NONODE, assertThrows(KeeperError.class, () -> prep.checkPerm("/none", Perms.READ, anon)).code());
        prep.checkPerm("/alice", Perms.READ, ctx(S1, ALICE));
        prep.checkPerm("/alice", Perms.ADMIN, ctx(S1, new Id("super", "")));
        apply(prep.prepCreate(new CreateRequest("/alice/x", D, aliceAll, 0), ctx(S1, ALICE)));
        prep.checkPerm("/alice/x", Perms.READ, anon);
        assertEquals(ErrorCode.NOAUTH, assertThrows(KeeperError.class,
                () -> prep.prepDelete(new DeleteRequest("/alice/x", -1), anon)).code(), "DELETE is checked on the parent");
        List<Acl> lan = List.of(new Acl(Perms.ALL, new Id("ip", "10.0.0.0/24")));
        apply(prep.prepCreate(new CreateRequest("/lan", D, lan, 0), anon));
        PrepContext outside = new PrepContext(S1, List.of(), "10.0.1.1", true, 1, 1);
        assertEquals(ErrorCode.NOAUTH, assertThrows(KeeperError.class,
                () -> prep.prepSetAcl(new SetACLRequest("/lan", Acl.OPEN_ACL_UNSAFE, -1), outside)).code());
        apply(prep.prepSetAcl(new SetACLRequest("/lan", Acl.READ_ACL_UNSAFE, -1), anon));
        assertEquals(ErrorCode.NOAUTH, assertThrows(KeeperError.class,
                () -> prep.prepSetAcl(new SetACLRequest("/lan", Acl.OPEN_ACL_UNSAFE, -1), anon)).code());
        assertEquals(ErrorCode.NOAUTH, createError("/zookeeper/config/x", 0), "config is read-only");
    }

    @Test
    void multiSucceedsAsOne() throws KeeperError {
        create("/m", 0);
        MultiPrep mp = prep.prepMulti(List.of(
                new CreateRequest("/m/a", D, Acl.OPEN_ACL_UNSAFE, 0),
                new CreateRequest("/m/a/s", D, Acl.OPEN_ACL_UNSAFE, 2),
                new CreateRequest("/m/a/s", D, Acl.OPEN_ACL_UNSAFE, 2),
                new SetDataRequest("/m/a", new byte[3], 0),
                new CheckVersionRequest("/m/a", 1),
                new DeleteRequest("/m/a/s0000000000", 0)), ctx());
        assertTrue(mp.ok());
        assertFalse(tree.exists("/m/a"), "prep leaves the tree unchanged");
        ApplyResult r = apply(mp.txn());
        assertEquals(0, r.err());
        assertEquals(List.of("/m/a", "/m/a/s0000000000", "/m/a/s0000000001", "/m/a", "/m/a", "/m/a/s0000000000"),
                r.subResults().stream().map(ApplyResult::path).toList());
        assertEquals(1, tree.stat("/m/a").version());
        assertEquals(Set.of("s0000000001"), Set.copyOf(tree.children("/m/a")));
        assertEquals(3, tree.stat("/m/a").cversion());
        assertEquals(zxid, tree.stat("/m/a").czxid(), "all ops share the multi's zxid");
        assertEquals(9, r.events().size());
    }

    @Test
    void failedMultiChangesNothingAndReportsPerOpErrors() throws KeeperError {
        create("/m", 0);
        DataTree before = DataTree.fromSnapshot(snapshot(tree));
        TreeSnapshot snap = tree.beginSnapshot(zxid);
        MultiPrep mp = prep.prepMulti(List.of(
                new CreateRequest("/m/a", D, Acl.OPEN_ACL_UNSAFE, 0),
                new SetDataRequest("/m", D, -1),
                new DeleteRequest("/m", -1),
                new CreateRequest("/m/b", D, Acl.OPEN_ACL_UNSAFE, 0)), ctx());
        assertFalse(mp.ok());
        assertEquals(2, mp.failedIndex());
        assertEquals(ErrorCode.NOTEMPTY, mp.error().code());
        TreeAssert.assertSameTree(before, tree);
        TreeAssert.assertSameTree(before, DataTree.fromSnapshot(snap.sortedNodes()));
        snap.close();
        ApplyResult r = apply(mp.txn());
        assertEquals(ErrorCode.NOTEMPTY.code(), r.err());
        assertEquals(List.of(0, 0, ErrorCode.NOTEMPTY.code(), ErrorCode.RUNTIMEINCONSISTENCY.code()),
                r.subResults().stream().map(ApplyResult::err).toList());
        assertTrue(r.events().isEmpty());
        TreeAssert.assertSameTree(before, tree);
        MultiPrep first = prep.prepMulti(List.of(new CheckVersionRequest("/m", 5), new DeleteRequest("/m", -1)), ctx());
        assertEquals(0, first.failedIndex());
        assertEquals(ErrorCode.BADVERSION, first.error().code());
        assertTrue(prep.prepMulti(List.of(), ctx()).ok());
        assertThrows(IllegalArgumentException.class,
                () -> prep.prepMulti(List.of(new CreateRequest("/m/z", D, Acl.OPEN_ACL_UNSAFE, 0),
                        new SetACLRequest("/m", Acl.OPEN_ACL_UNSAFE, -1)), ctx()));
        TreeAssert.assertSameTree(before, tree);
    }

    @Test
    void expiryDeleteRechecks() throws KeeperError {
        create("/c", 4);
        create("/c/x", 0);
        assertEquals(ErrorCode.NOTEMPTY, assertThrows(KeeperError.class, () -> prep.prepExpiryDelete("/c", 0, 0)).code());
        apply(prep.prepDelete(new DeleteRequest("/c/x", -1), ctx()));
        assertEquals("/c", apply(prep.prepExpiryDelete("/c", zxid * 1000, 0)).path());
        assertNull(tree.stat("/c"));
        assertEquals(ErrorCode.NONODE, assertThrows(KeeperError.class, () -> prep.prepExpiryDelete("/c", 0, 0)).code());
        create("/plain", 0);
        assertEquals(ErrorCode.BADVERSION, assertThrows(KeeperError.class,
                () -> prep.prepExpiryDelete("/plain", Long.MAX_VALUE, 0)).code());
    }

    static java.util.Iterator<java.util.Map.Entry<String, byte[]>> snapshot(DataTree t) {
        try (TreeSnapshot s = t.beginSnapshot(0)) {
            java.util.List<java.util.Map.Entry<String, byte[]>> all = new java.util.ArrayList<>();
            s.sortedNodes().forEachRemaining(all::add);
            return all.iterator();
        }
    }
}
