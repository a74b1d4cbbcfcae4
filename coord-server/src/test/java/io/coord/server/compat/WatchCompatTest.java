package io.coord.server.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.WatcherType;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/** One-shot, persistent and recursive watches, their removal, and event ordering. */
class WatchCompatTest extends CompatTestBase {

    private void create(String path) throws Exception {
        zk.create(path, null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    @Test
    void dataWatchFiresOnceOnChange() throws Exception {
        create(path("a"));
        EventRecorder watcher = new EventRecorder();
        zk.getData(path("a"), watcher, null);
        ZooKeeper writer = newClient();
        long mzxid = writer.setData(path("a"), new byte[] {1}, -1).getMzxid();
        WatchedEvent event = watcher.expect(EventType.NodeDataChanged, path("a"));
        assertEquals(mzxid, event.getZxid(), "the event carries the zxid that triggered it");
        writer.setData(path("a"), new byte[] {2}, -1);
        expectNoEvent(zk, watcher);
    }

    @Test
    void dataWatchFiresNodeDeleted() throws Exception {
        create(path("a"));
        EventRecorder watcher = new EventRecorder();
        zk.getData(path("a"), watcher, null);
        newClient().delete(path("a"), -1);
        watcher.expect(EventType.NodeDeleted, path("a"));
    }

    @Test
    void existsWatchOnAMissingNodeFiresNodeCreated() throws Exception {
        EventRecorder watcher = new EventRecorder();
        assertNull(zk.exists(path("later"), watcher));
        newClient().create(path("later"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        watcher.expect(EventType.NodeCreated, path("later"));
        expectNoEvent(zk, watcher);
    }

    @Test
    void existsWatchOnAnExistingNodeFiresOnDataChange() throws Exception {
        create(path("a"));
        EventRecorder watcher = new EventRecorder();
        zk.exists(path("a"), watcher);
        newClient().setData(path("a"), new byte[] {1}, -1);
        watcher.expect(EventType.NodeDataChanged, path("a"));
    }

    @Test
    void getDataOnAMissingNodeLeavesNoWatch() throws Exception {
        EventRecorder watcher = new EventRecorder();
        assertThrows(KeeperException.NoNodeException.class, () -> zk.getData(path("x"), watcher, null));
        create(path("x"));
        expectNoEvent(zk, watcher);
    }

    @Test
    void childWatchFiresOnChildCreateAndDeleteButNotOnChildData() throws Exception {
        EventRecorder watcher = new EventRecorder();
        ZooKeeper writer = newClient();
        zk.getChildren(root, watcher);
        writer.create(path("c"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        watcher.expect(EventType.NodeChildrenChanged, root);

        zk.getChildren(root, watcher);
        writer.setData(path("c"), new byte[] {1}, -1);
        writer.setData(root, new byte[] {1}, -1);
        expectNoEvent(zk, watcher);
        writer.delete(path("c"), -1);
        watcher.expect(EventType.NodeChildrenChanged, root);
    }

    @Test
    void childWatchFiresNodeDeletedWhenTheParentGoes() throws Exception {
        create(path("p"));
        EventRecorder watcher = new EventRecorder();
        zk.getChildren(path("p"), watcher);
        newClient().delete(path("p"), -1);
        watcher.expect(EventType.NodeDeleted, path("p"));
    }

    @Test
    void childWatchFiresWhenAnEphemeralChildsSessionCloses() throws Exception {
        ZooKeeper owner = newClient();
        owner.create(path("e"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        EventRecorder watcher = new EventRecorder();
        // The watch must be set on a listing that has e (else e's create fires it, not the close).
        syncIfEnsemble(zk, path("e"));
        assertEquals(List.of("e"), zk.getChildren(root, watcher));
        owner.close();
        watcher.expect(EventType.NodeChildrenChanged, root);
    }

    @Test
    void booleanWatchGoesToTheDefaultWatcher() throws Exception {
        EventRecorder defaults = new EventRecorder();
        ZooKeeper client = newClient(target.connectString(), SESSION_TIMEOUT_MS, defaults);
        create(path("a"));
        // client was connected before zk's create: on an ensemble its member may not have it yet.
        syncIfEnsemble(client, path("a"));
        client.getData(path("a"), true, null);
        zk.setData(path("a"), new byte[] {1}, -1);
        defaults.expect(EventType.NodeDataChanged, path("a"));
    }

    @Test
    void everyWatchingClientIsNotified() throws Exception {
        create(path("a"));
        List<EventRecorder> watchers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            EventRecorder watcher = new EventRecorder();
            synced(newClient(), path("a")).getData(path("a"), watcher, null);
            watchers.add(watcher);
        }
        zk.setData(path("a"), new byte[] {1}, -1);
        for (EventRecorder watcher : watchers) {
            watcher.expect(EventType.NodeDataChanged, path("a"));
        }
    }

    @Test
    void persistentWatchStaysAndSeesDataCreateDeleteAndChildren() throws Exception {
        EventRecorder watcher = new EventRecorder();
        zk.addWatch(path("a"), watcher, AddWatchMode.PERSISTENT);
        ZooKeeper writer = newClient();
        writer.create(path("a"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        watcher.expect(EventType.NodeCreated, path("a"));
        writer.setData(path("a"), new byte[] {1}, -1);
        watcher.expect(EventType.NodeDataChanged, path("a"));
        writer.setData(path("a"), new byte[] {2}, -1);
        watcher.expect(EventType.NodeDataChanged, path("a"));
        writer.create(path("a/child"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        watcher.expect(EventType.NodeChildrenChanged, path("a"));
        writer.setData(path("a/child"), new byte[] {1}, -1);
        writer.delete(path("a/child"), -1);
        watcher.expect(EventType.NodeChildrenChanged, path("a"));
        writer.delete(path("a"), -1);
        watcher.expect(EventType.NodeDeleted, path("a"));
        writer.create(path("a"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        watcher.expect(EventType.NodeCreated, path("a"));
        expectNoEvent(zk, watcher);
    }

    @Test
    void persistentRecursiveWatchSeesDescendantsButNoChildEvents() throws Exception {
        EventRecorder watcher = new EventRecorder();
        zk.addWatch(root, watcher, AddWatchMode.PERSISTENT_RECURSIVE);
        ZooKeeper writer = newClient();
        writer.create(path("a"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        writer.create(path("a/b"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        writer.setData(path("a/b"), new byte[] {1}, -1);
        writer.setData(root, new byte[] {1}, -1);
        writer.delete(path("a/b"), -1);
        watcher.expect(EventType.NodeCreated, path("a"));
        watcher.expect(EventType.NodeCreated, path("a/b"));
        watcher.expect(EventType.NodeDataChanged, path("a/b"));
        watcher.expect(EventType.NodeDataChanged, root);
        watcher.expect(EventType.NodeDeleted, path("a/b"));
        expectNoEvent(zk, watcher);
    }

    @Test
    void removeWatchesRemovesADataWatchAndTellsTheWatcher() throws Exception {
        create(path("a"));
        EventRecorder watcher = new EventRecorder();
        zk.getData(path("a"), watcher, null);
        zk.removeWatches(path("a"), watcher, WatcherType.Data, false);
        watcher.expect(EventType.DataWatchRemoved, path("a"));
        newClient().setData(path("a"), new byte[] {1}, -1);
        expectNoEvent(zk, watcher);
    }

    @Test
    void removeAllWatchesRemovesChildWatches() throws Exception {
        EventRecorder watcher = new EventRecorder();
        zk.getChildren(root, watcher);
        zk.removeAllWatches(root, WatcherType.Children, false);
        watcher.expect(EventType.ChildWatchRemoved, root);
        newClient().create(path("c"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        expectNoEvent(zk, watcher);
    }

    @Test
    void removeAllWatchesRemovesAPersistentWatch() throws Exception {
        EventRecorder watcher = new EventRecorder();
        zk.addWatch(root, watcher, AddWatchMode.PERSISTENT);
        zk.removeAllWatches(root, WatcherType.Any, false);
        watcher.expect(EventType.PersistentWatchRemoved, root);
        newClient().create(path("c"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        expectNoEvent(zk, watcher);
    }

    @Test
    void removingAWatchThatIsNotThereIsNoWatcher() {
        assertThrows(KeeperException.NoWatcherException.class,
                () -> zk.removeAllWatches(root, WatcherType.Data, false));
    }

    /**
     * The server sends the notification before the reply of the write that caused it, and the
     * client runs watchers and async callbacks on one thread in arrival order.
     */
    @Test
    void watchEventArrivesBeforeTheReplyOfTheWriteThatCausedIt() throws Exception {
        create(path("a"));
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        EventRecorder watcher = new EventRecorder(order);
        zk.getData(path("a"), watcher, null);
        zk.exists(path("b"), watcher);
        CountDownLatch replies = new CountDownLatch(2);
        AtomicLong setZxid = new AtomicLong();
        zk.setData(path("a"), new byte[] {1}, -1, (rc, p, ctx, stat) -> {
            order.add("reply:setData:" + rc);
            setZxid.set(stat.getMzxid());
            replies.countDown();
        }, null);
        zk.create(path("b"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (rc, p, ctx, name) -> {
            order.add("reply:create:" + rc);
            replies.countDown();
        }, null);
        assertTrue(replies.await(5, TimeUnit.SECONDS));
        assertEquals(List.of(
                "event:NodeDataChanged:" + path("a"), "reply:setData:0",
                "event:NodeCreated:" + path("b"), "reply:create:0"), order);
        assertEquals(setZxid.get(), watcher.next().getZxid());
    }

    @Test
    void eventsArriveInZxidOrder() throws Exception {
        List<String> names = List.of("c", "a", "b", "e", "d");
        EventRecorder watcher = new EventRecorder();
        for (String name : names) {
            create(path(name));
            zk.getData(path(name), watcher, null);
        }
        ZooKeeper writer = newClient();
        for (String name : names) {
            writer.setData(path(name), new byte[] {1}, -1, (rc, p, ctx, stat) -> { }, null);
        }
        long previousZxid = 0;
        for (String name : names) {
            WatchedEvent event = watcher.expect(EventType.NodeDataChanged, path(name));
            assertTrue(event.getZxid() > previousZxid);
            previousZxid = event.getZxid();
        }
    }

    @Test
    void aMultiFiresTheWatchesOfEveryOp() throws Exception {
        create(path("a"));
        EventRecorder watcher = new EventRecorder();
        zk.getData(path("a"), watcher, null);
        zk.exists(path("b"), watcher);
        newClient().multi(List.of(
                Op.setData(path("a"), new byte[] {1}, -1),
                Op.create(path("b"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)));
        WatchedEvent first = watcher.expect(EventType.NodeDataChanged, path("a"));
        WatchedEvent second = watcher.expect(EventType.NodeCreated, path("b"));
        assertEquals(first.getZxid(), second.getZxid());
    }

    @Test
    void aFailedMultiFiresNothing() throws Exception {
        create(path("a"));
        EventRecorder watcher = new EventRecorder();
        zk.getData(path("a"), watcher, null);
        assertThrows(KeeperException.NoNodeException.class, () -> newClient().multi(List.of(
                Op.setData(path("a"), new byte[] {1}, -1),
                Op.delete(path("missing"), -1))));
        expectNoEvent(zk, watcher);
    }
}
