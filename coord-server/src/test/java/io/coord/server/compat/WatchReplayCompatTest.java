package io.coord.server.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.SetWatches2;
import org.apache.zookeeper.proto.SyncRequest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Persistent watches lose no events across a reconnect: setWatches replays every event they
 * missed after the client's last zxid, in zxid order, each with its own zxid. ZooKeeper 3.9 re-adds
 * them without that (the events in between are lost), so these tests do not run against the
 * ZooKeeper oracle.
 */
class WatchReplayCompatTest extends CompatTestBase {

    @Test
    void setWatchesReplaysWhatARecursiveWatchMissedInZxidOrder() throws Exception {
        assumeFalse("zookeeper".equals(target.name()), "ZooKeeper re-adds persistent watches without replay");
        String dir = path("dir");
        Stat created = new Stat();
        zk.create(dir, new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, created);
        long lastSeen = created.getCzxid();
        zk.create(dir + "/a", new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.setData(dir + "/a", new byte[] {1}, -1);
        zk.create(path("outside"), new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.setData(dir + "/a", new byte[] {2}, -1);
        zk.delete(dir + "/a", -1);

        List<String> events = replayed(new SetWatches2(lastSeen, List.of(), List.of(), List.of(), List.of(),
                List.of(dir)));
        assertEquals(List.of("NodeCreated " + dir + "/a", "NodeDataChanged " + dir + "/a",
                "NodeDataChanged " + dir + "/a", "NodeDeleted " + dir + "/a"), withoutZxids(events));
        assertZxidsIncrease(events);
        // A plain persistent watch on the directory hears of its children changing, not of the child's data.
        List<String> persistent = replayed(new SetWatches2(lastSeen, List.of(), List.of(), List.of(),
                List.of(dir), List.of()));
        assertEquals(List.of("NodeChildrenChanged " + dir, "NodeChildrenChanged " + dir), withoutZxids(persistent));
        // A client that has seen the last change (the delete: the directory's pzxid) is sent nothing.
        long deleteZxid = zk.exists(dir, false).getPzxid();
        assertEquals(List.of(), replayed(new SetWatches2(deleteZxid, List.of(), List.of(), List.of(), List.of(),
                List.of(dir))));
    }

    @Test
    void aStockClientsRecursiveWatchHearsOfEveryChangeMadeWhileItWasDisconnected() throws Exception {
        assumeFalse("zookeeper".equals(target.name()), "ZooKeeper re-adds persistent watches without replay");
        String dir = path("watched");
        zk.create(dir, new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        List<Long> seen = new CopyOnWriteArrayList<>();
        List<Watcher.Event.KeeperState> states = new CopyOnWriteArrayList<>();
        try (TcpProxy proxy = new TcpProxy(target.clientPort())) {
            // Through the proxy first; once it is cut, the client is told the member's own address.
            // The longest timeout the target grants (20 ticks): time enough to reconnect after the writes.
            ZooKeeper watcher = newClient(proxy.connectString(), 20 * TestTarget.TICK_TIME_MS,
                    e -> states.add(e.getState()));
            watcher.addWatch(dir, e -> {
                if (e.getType() == Watcher.Event.EventType.NodeDataChanged) {
                    seen.add(e.getZxid());
                }
            }, AddWatchMode.PERSISTENT_RECURSIVE);
            zk.create(dir + "/n", new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            Stat before = zk.setData(dir + "/n", new byte[] {0}, -1);
            Awaitility.await().until(() -> seen.contains(before.getMzxid()));

            proxy.cut();
            Awaitility.await().until(() -> states.contains(Watcher.Event.KeeperState.Disconnected));
            List<Long> whileAway = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                whileAway.add(zk.setData(dir + "/n", new byte[] {(byte) i}, -1).getMzxid());
            }
            watcher.updateServerList("127.0.0.1:" + target.clientPort());
            Awaitility.await().until(() -> seen.containsAll(whileAway));
            // Each missed change once at least (the stock client does not count events as seen
            // zxids, so one it had before the cut may come again), in zxid order after the replay.
            List<Long> fromReplay = seen.subList(seen.indexOf(whileAway.get(0)), seen.size());
            assertEquals(whileAway, fromReplay.subList(0, whileAway.size()));
        }
    }

    /** The events a raw session's setWatches fires, as "Type path @zxid", up to its reply. */
    private List<String> replayed(SetWatches2 request) throws Exception {
        try (RawSocket raw = new RawSocket(target.clientPort())) {
            raw.handshake(SESSION_TIMEOUT_MS);
            raw.request(1, OpCode.sync, new SyncRequest(root));
            assertEquals(0, raw.replyTo(1).getErr());
            raw.request(-8, OpCode.setWatches2, request);
            List<String> events = raw.eventsUntilReplyTo(-8);
            assertEquals("reply err 0", events.remove(events.size() - 1));
            return events;
        }
    }

    private static List<String> withoutZxids(List<String> events) {
        return events.stream().map(e -> e.substring(0, e.lastIndexOf(" @"))).toList();
    }

    private static void assertZxidsIncrease(List<String> events) {
        long previous = -1;
        for (String e : events) {
            long zxid = Long.parseLong(e.substring(e.lastIndexOf('@') + 1));
            assertTrue(zxid > previous, "zxids increase: " + events);
            previous = zxid;
        }
    }
}
