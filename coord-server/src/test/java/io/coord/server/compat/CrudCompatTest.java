package io.coord.server.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/** Create, read, update, delete with versions, and every error the stock client can provoke. */
class CrudCompatTest extends CompatTestBase {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void createThenGetDataReturnsTheBytesAndVersionZero() throws Exception {
        String created = zk.create(path("a"), bytes("hello"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertEquals(path("a"), created);
        Stat stat = new Stat();
        assertArrayEquals(bytes("hello"), zk.getData(path("a"), false, stat));
        assertEquals(0, stat.getVersion());
        assertEquals(5, stat.getDataLength());
    }

    @Test
    void create2ReturnsTheSameStatAsExists() throws Exception {
        Stat fromCreate = new Stat();
        zk.create(path("a"), bytes("x"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, fromCreate);
        assertEquals(zk.exists(path("a"), false), fromCreate);
    }

    @Test
    void emptyAndNullDataAreStoredAsZeroLength() throws Exception {
        zk.create(path("empty"), new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(path("null"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        Stat stat = new Stat();
        byte[] empty = zk.getData(path("empty"), false, stat);
        assertEquals(0, stat.getDataLength());
        assertEquals(0, empty.length);
        assertNull(zk.getData(path("null"), false, stat));
        assertEquals(0, stat.getDataLength());
    }

    @Test
    void setDataChecksTheVersionAndBumpsIt() throws Exception {
        zk.create(path("a"), bytes("v0"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertEquals(1, zk.setData(path("a"), bytes("v1"), 0).getVersion());
        KeeperException bad = assertThrows(KeeperException.BadVersionException.class,
                () -> zk.setData(path("a"), bytes("nope"), 0));
        assertEquals(path("a"), bad.getPath());
        assertEquals(2, zk.setData(path("a"), bytes("v2"), -1).getVersion());
        assertArrayEquals(bytes("v2"), zk.getData(path("a"), false, null));
    }

    @Test
    void deleteChecksTheVersion() throws Exception {
        zk.create(path("a"), bytes("v0"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.setData(path("a"), bytes("v1"), -1);
        assertThrows(KeeperException.BadVersionException.class, () -> zk.delete(path("a"), 0));
        zk.delete(path("a"), 1);
        assertNull(zk.exists(path("a"), false));
        assertThrows(KeeperException.NoNodeException.class, () -> zk.delete(path("a"), -1));
    }

    @Test
    void createOfAnExistingNodeIsNodeExists() throws Exception {
        zk.create(path("a"), bytes("first"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        KeeperException e = assertThrows(KeeperException.NodeExistsException.class,
                () -> zk.create(path("a"), bytes("second"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        assertEquals(KeeperException.Code.NODEEXISTS, e.code());
        assertArrayEquals(bytes("first"), zk.getData(path("a"), false, null));
    }

    @Test
    void createUnderAMissingParentIsNoNode() {
        assertThrows(KeeperException.NoNodeException.class,
                () -> zk.create(path("missing/child"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
    }

    @Test
    void operationsOnAMissingNodeAreNoNode() throws Exception {
        String missing = path("missing");
        assertNull(zk.exists(missing, false));
        assertThrows(KeeperException.NoNodeException.class, () -> zk.getData(missing, false, null));
        assertThrows(KeeperException.NoNodeException.class, () -> zk.setData(missing, null, -1));
        assertThrows(KeeperException.NoNodeException.class, () -> zk.getChildren(missing, false));
        assertThrows(KeeperException.NoNodeException.class, () -> zk.getACL(missing, new Stat()));
        assertThrows(KeeperException.NoNodeException.class,
                () -> zk.setACL(missing, Ids.OPEN_ACL_UNSAFE, -1));
    }

    @Test
    void deleteOfANodeWithChildrenIsNotEmpty() throws Exception {
        zk.create(path("p"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(path("p/c"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertThrows(KeeperException.NotEmptyException.class, () -> zk.delete(path("p"), -1));
        zk.delete(path("p/c"), -1);
        zk.delete(path("p"), -1);
        assertNull(zk.exists(path("p"), false));
    }

    @Test
    void ephemeralNodesCannotHaveChildren() throws Exception {
        zk.create(path("e"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        assertThrows(KeeperException.NoChildrenForEphemeralsException.class,
                () -> zk.create(path("e/c"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        assertThrows(KeeperException.NoChildrenForEphemeralsException.class,
                () -> zk.create(path("e/c"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL));
    }

    @Test
    void getChildrenListsExactlyTheDirectChildren() throws Exception {
        List<String> names = List.of("b", "a", "c");
        for (String name : names) {
            zk.create(path(name), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        zk.create(path("a/grandchild"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        Stat stat = new Stat();
        List<String> children = new ArrayList<>(zk.getChildren(root, false, stat));
        Collections.sort(children);
        assertEquals(List.of("a", "b", "c"), children);
        assertEquals(3, stat.getNumChildren());
        assertEquals(List.of(), zk.getChildren(path("b"), false));
    }

    @Test
    void nodeNamesAreUtf8() throws Exception {
        String name = "n\u00e9\u4e2d";
        zk.create(path(name), bytes("x"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertEquals(List.of(name), zk.getChildren(root, false));
        assertNotNull(zk.exists(path(name), false));
    }

    @Test
    void theRootAndTheZookeeperNodeExist() throws Exception {
        Stat rootStat = zk.exists("/", false);
        assertNotNull(rootStat);
        assertEquals(0, rootStat.getEphemeralOwner());
        assertNotNull(zk.exists("/zookeeper", false));
        assertThrows(KeeperException.BadArgumentsException.class, () -> zk.delete("/zookeeper", -1));
        assertThrows(KeeperException.BadArgumentsException.class, () -> zk.delete("/", -1));
    }

    @Test
    void anotherClientSeesWritesAfterTheyAreAcknowledged() throws Exception {
        ZooKeeper other = newClient();
        for (int i = 0; i < 20; i++) {
            zk.create(path("n" + i), bytes("v" + i), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            syncIfEnsemble(other, path("n" + i));
            assertArrayEquals(bytes("v" + i), other.getData(path("n" + i), false, null));
        }
    }
}
