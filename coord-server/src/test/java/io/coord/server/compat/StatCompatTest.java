package io.coord.server.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/**
 * Exact Stat arithmetic. Within one test nothing else writes to the target, and every write is one
 * transaction with one zxid, so "the next write's zxid minus one" is the zxid of the previous write.
 */
class StatCompatTest extends CompatTestBase {

    /** The zxid of the next transaction minus one, i.e. the zxid of the latest one. */
    private long lastZxid() throws Exception {
        Stat probe = new Stat();
        zk.create(path("probe-"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL, probe);
        return probe.getCzxid() - 1;
    }

    @Test
    void newNodeStat() throws Exception {
        long before = System.currentTimeMillis();
        Stat stat = new Stat();
        zk.create(path("a"), new byte[] {1, 2, 3}, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, stat);
        long after = System.currentTimeMillis();
        assertEquals(stat.getCzxid(), stat.getMzxid());
        assertEquals(stat.getCzxid(), stat.getPzxid());
        assertEquals(stat.getCtime(), stat.getMtime());
        assertTrue(stat.getCtime() >= before - 1_000 && stat.getCtime() <= after + 1_000, "ctime is wall clock");
        assertEquals(0, stat.getVersion());
        assertEquals(0, stat.getCversion());
        assertEquals(0, stat.getAversion());
        assertEquals(0, stat.getEphemeralOwner());
        assertEquals(3, stat.getDataLength());
        assertEquals(0, stat.getNumChildren());
        assertEquals(stat, zk.exists(path("a"), false));
    }

    @Test
    void setDataMovesMzxidVersionAndLengthOnly() throws Exception {
        Stat created = new Stat();
        zk.create(path("a"), new byte[] {1}, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, created);
        Stat changed = zk.setData(path("a"), new byte[10], 0);
        assertEquals(created.getCzxid(), changed.getCzxid());
        assertEquals(created.getCzxid() + 1, changed.getMzxid());
        assertEquals(created.getPzxid(), changed.getPzxid());
        assertEquals(created.getCtime(), changed.getCtime());
        assertTrue(changed.getMtime() >= created.getMtime());
        assertEquals(1, changed.getVersion());
        assertEquals(0, changed.getCversion());
        assertEquals(10, changed.getDataLength());
        assertEquals(changed, zk.exists(path("a"), false));
    }

    @Test
    void childCreateAndDeleteMoveTheParentsPzxidAndCversion() throws Exception {
        Stat parentBefore = new Stat();
        zk.create(path("p"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, parentBefore);
        Stat child = new Stat();
        zk.create(path("p/c"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, child);
        Stat parent = zk.exists(path("p"), false);
        assertEquals(child.getCzxid(), parent.getPzxid());
        assertEquals(1, parent.getCversion());
        assertEquals(1, parent.getNumChildren());
        assertEquals(parentBefore.getMzxid(), parent.getMzxid(), "children do not change the parent's mzxid");
        assertEquals(0, parent.getVersion());

        zk.delete(path("p/c"), -1);
        long deleteZxid = lastZxid();
        parent = zk.exists(path("p"), false);
        assertEquals(deleteZxid, parent.getPzxid());
        assertEquals(2, parent.getCversion());
        assertEquals(0, parent.getNumChildren());
        assertEquals(parentBefore.getMzxid(), parent.getMzxid());
    }

    @Test
    void childDataChangesDoNotTouchTheParent() throws Exception {
        zk.create(path("p"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(path("p/c"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        Stat before = zk.exists(path("p"), false);
        zk.setData(path("p/c"), new byte[] {9}, -1);
        assertEquals(before, zk.exists(path("p"), false));
    }

    @Test
    void setAclMovesOnlyTheAversion() throws Exception {
        Stat created = new Stat();
        zk.create(path("a"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, created);
        Stat afterAcl = zk.setACL(path("a"), Ids.READ_ACL_UNSAFE, 0);
        assertEquals(1, afterAcl.getAversion());
        assertEquals(created.getMzxid(), afterAcl.getMzxid());
        assertEquals(created.getVersion(), afterAcl.getVersion());
        Stat fromGetAcl = new Stat();
        assertEquals(Ids.READ_ACL_UNSAFE, zk.getACL(path("a"), fromGetAcl));
        assertEquals(afterAcl, fromGetAcl);
    }

    @Test
    void ephemeralOwnerIsTheSessionId() throws Exception {
        Stat stat = new Stat();
        zk.create(path("e"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL, stat);
        assertEquals(zk.getSessionId(), stat.getEphemeralOwner());
        ZooKeeper other = synced(newClient(), path("e"));
        assertEquals(zk.getSessionId(), other.exists(path("e"), false).getEphemeralOwner());
    }

    @Test
    void zxidsIncreaseByOnePerWrite() throws Exception {
        Stat a = new Stat();
        zk.create(path("a"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, a);
        Stat b = zk.setData(path("a"), new byte[] {1}, -1);
        Stat c = new Stat();
        zk.create(path("c"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, c);
        assertEquals(a.getCzxid() + 1, b.getMzxid());
        assertEquals(b.getMzxid() + 1, c.getCzxid());
    }

    @Test
    void aMultiIsOneTransactionWithOneZxid() throws Exception {
        zk.multi(List.of(
                Op.create(path("m1"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.create(path("m2"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.setData(path("m1"), new byte[] {1}, 0)));
        Stat m1 = zk.exists(path("m1"), false);
        Stat m2 = zk.exists(path("m2"), false);
        assertEquals(m1.getCzxid(), m2.getCzxid());
        assertEquals(m1.getCzxid(), m1.getMzxid());
        assertEquals(1, m1.getVersion());
        assertEquals(m1.getCzxid(), lastZxid());
        Stat parent = zk.exists(root, false);
        assertEquals(2, parent.getNumChildren() - 1, "two multi children plus the probe");
    }

    @Test
    void readsDoNotMoveZxids() throws Exception {
        Stat created = new Stat();
        zk.create(path("a"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, created);
        zk.getData(path("a"), false, null);
        zk.getChildren(root, false);
        zk.exists(path("missing"), false);
        assertEquals(created.getCzxid(), lastZxid());
    }
}
