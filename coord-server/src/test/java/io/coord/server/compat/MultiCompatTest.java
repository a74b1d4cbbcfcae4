package io.coord.server.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/** Atomic multi and multiRead: exact per-op results on success and on failure. */
class MultiCompatTest extends CompatTestBase {

    private static final int RUNTIME_INCONSISTENCY = KeeperException.Code.RUNTIMEINCONSISTENCY.intValue();

    @Test
    void successfulMultiReturnsOneResultPerOp() throws Exception {
        zk.create(path("old"), new byte[] {1}, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        List<OpResult> results = zk.multi(List.of(
                Op.create(path("new"), new byte[] {7}, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.create(path("seq-"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL),
                Op.check(path("old"), 0),
                Op.setData(path("old"), new byte[] {2}, 0),
                Op.create(path("new/child"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.delete(path("new/child"), 0)));
        assertEquals(6, results.size());
        assertEquals(path("new"), assertInstanceOf(OpResult.CreateResult.class, results.get(0)).getPath());
        assertEquals(path("seq-0000000002"),
                assertInstanceOf(OpResult.CreateResult.class, results.get(1)).getPath());
        assertInstanceOf(OpResult.CheckResult.class, results.get(2));
        Stat setStat = assertInstanceOf(OpResult.SetDataResult.class, results.get(3)).getStat();
        assertEquals(1, setStat.getVersion());
        assertEquals(zk.exists(path("old"), false), setStat);
        assertEquals(path("new/child"), ((OpResult.CreateResult) results.get(4)).getPath());
        assertInstanceOf(OpResult.DeleteResult.class, results.get(5));
        assertArrayEquals(new byte[] {7}, zk.getData(path("new"), false, null));
        assertNull(zk.exists(path("new/child"), false));
    }

    /**
     * Op.create sends opcode create (1) for plain modes, whose result has no Stat; containers and
     * TTL nodes go as createContainer / createTTL, answered like create2 with the new node's Stat.
     */
    @Test
    void createResultsCarryAStatOnlyForContainerAndTtlOps() throws Exception {
        List<OpResult> results = zk.multi(List.of(
                Op.create(path("plain"), new byte[] {1, 2}, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.create(path("box"), new byte[] {3}, Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER),
                Op.create(path("ttl"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, 60_000)));
        OpResult.CreateResult plain = assertInstanceOf(OpResult.CreateResult.class, results.get(0));
        assertEquals(path("plain"), plain.getPath());
        assertNull(plain.getStat());
        OpResult.CreateResult box = assertInstanceOf(OpResult.CreateResult.class, results.get(1));
        assertEquals(path("box"), box.getPath());
        assertEquals(zk.exists(path("box"), false), box.getStat());
        OpResult.CreateResult ttl = assertInstanceOf(OpResult.CreateResult.class, results.get(2));
        assertEquals(zk.exists(path("ttl"), false), ttl.getStat());
    }

    @Test
    void failedMultiChangesNothingAndReportsEveryOp() throws Exception {
        zk.create(path("exists"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        KeeperException e = assertThrows(KeeperException.NodeExistsException.class, () -> zk.multi(List.of(
                Op.create(path("a"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.setData(path("exists"), new byte[] {1}, -1),
                Op.create(path("exists"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.delete(path("exists"), -1),
                Op.create(path("b"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))));
        assertEquals(List.of(0, 0, KeeperException.Code.NODEEXISTS.intValue(),
                RUNTIME_INCONSISTENCY, RUNTIME_INCONSISTENCY), errors(e.getResults()));
        assertNull(zk.exists(path("a"), false));
        assertNull(zk.exists(path("b"), false));
        assertEquals(0, zk.exists(path("exists"), false).getVersion());
    }

    @Test
    void failedCheckIsBadVersion() throws Exception {
        zk.create(path("a"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        KeeperException e = assertThrows(KeeperException.BadVersionException.class, () -> zk.multi(List.of(
                Op.check(path("a"), 5),
                Op.setData(path("a"), new byte[] {1}, -1))));
        assertEquals(List.of(KeeperException.Code.BADVERSION.intValue(), RUNTIME_INCONSISTENCY),
                errors(e.getResults()));
        assertEquals(0, zk.exists(path("a"), false).getVersion());
    }

    @Test
    void failureOnTheLastOpReportsZerosBeforeIt() throws Exception {
        KeeperException e = assertThrows(KeeperException.NoNodeException.class, () -> zk.multi(List.of(
                Op.create(path("a"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.delete(path("missing"), -1))));
        assertEquals(List.of(0, KeeperException.Code.NONODE.intValue()), errors(e.getResults()));
        assertNull(zk.exists(path("a"), false));
    }

    @Test
    void laterOpsSeeEarlierOpsOfTheSameMulti() throws Exception {
        KeeperException e = assertThrows(KeeperException.NotEmptyException.class, () -> zk.multi(List.of(
                Op.create(path("p"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.create(path("p/c"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.delete(path("p"), -1))));
        assertEquals(List.of(0, 0, KeeperException.Code.NOTEMPTY.intValue()), errors(e.getResults()));
        assertNull(zk.exists(path("p"), false));
    }

    @Test
    void emptyMultiSucceeds() throws Exception {
        assertEquals(List.of(), zk.multi(List.of()));
    }

    @Test
    void transactionBuilderCommits() throws Exception {
        List<OpResult> results = zk.transaction()
                .create(path("t"), new byte[] {1}, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)
                .setData(path("t"), new byte[] {2}, 0)
                .commit();
        assertEquals(2, results.size());
        assertArrayEquals(new byte[] {2}, zk.getData(path("t"), false, null));
    }

    @Test
    void multiReadReturnsDataAndChildren() throws Exception {
        zk.create(path("a"), new byte[] {5}, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(path("a/x"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(path("a/y"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        List<OpResult> results = zk.multi(List.of(Op.getData(path("a")), Op.getChildren(path("a"))));
        OpResult.GetDataResult data = assertInstanceOf(OpResult.GetDataResult.class, results.get(0));
        assertArrayEquals(new byte[] {5}, data.getData());
        assertEquals(zk.exists(path("a"), false), data.getStat());
        List<String> children = new ArrayList<>(
                assertInstanceOf(OpResult.GetChildrenResult.class, results.get(1)).getChildren());
        Collections.sort(children);
        assertEquals(List.of("x", "y"), children);
    }

    @Test
    void multiReadReportsAFailedReadOnItsOwn() throws Exception {
        zk.create(path("a"), new byte[] {5}, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        List<OpResult> results = zk.multi(List.of(
                Op.getData(path("missing")), Op.getData(path("a")), Op.getChildren(path("missing"))));
        assertEquals(3, results.size());
        assertEquals(KeeperException.Code.NONODE.intValue(),
                assertInstanceOf(OpResult.ErrorResult.class, results.get(0)).getErr());
        assertArrayEquals(new byte[] {5},
                assertInstanceOf(OpResult.GetDataResult.class, results.get(1)).getData());
        assertEquals(KeeperException.Code.NONODE.intValue(),
                assertInstanceOf(OpResult.ErrorResult.class, results.get(2)).getErr());
    }

    private static List<Integer> errors(List<OpResult> results) {
        List<Integer> codes = new ArrayList<>();
        for (OpResult result : results) {
            codes.add(assertInstanceOf(OpResult.ErrorResult.class, result).getErr());
        }
        return codes;
    }
}
