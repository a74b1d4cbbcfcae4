package io.coord.clientit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.CoordClient;
import io.coord.client.CoordException;
import io.coord.client.FaultInjector;
import io.coord.client.WatchEvent;
import io.coord.client.WatchEventType;
import io.coord.client.WatchListener;
import io.coord.client.WatchMode;
import io.coord.client.WatchType;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import io.coord.wire.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ClientWatchTest extends ClientItBase {
    /**
     * Collects events; the awaits below poll it. To check that no (further) event came, a test
     * calls {@code sync} through the watching client first, without any pause: the sync is answered
     * once that client's server has applied every write acknowledged before it, a server sends a
     * connection's events and replies in order, and the client delivers events and completes calls
     * on one callback thread in arrival order, so any event those writes fire has been delivered
     * by the time sync returns.
     */
    static final class Events implements WatchListener {
        final List<WatchEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(WatchEvent event) {
            events.add(event);
        }

        List<WatchEventType> types() {
            return events.stream().map(WatchEvent::type).toList();
        }

        void awaitTypes(WatchEventType... expected) {
            await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= expected.length);
            assertEquals(List.of(expected), types());
        }
    }

    private void mk(String path) {
        client.create(path, null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    @Test
    void oneShotDataWatchFiresOnceWithZxid() throws Exception {
        mk(p("a"));
        Events w = new Events();
        client.getData(p("a"), w);
        client.setData(p("a"), bytes("1"), -1);
        w.awaitTypes(WatchEventType.NODE_DATA_CHANGED);
        WatchEvent e = w.events.get(0);
        assertEquals(p("a"), e.path());
        assertTrue(e.zxid() > 0, "zxid " + e.zxid());
        client.setData(p("a"), bytes("2"), -1);
        client.sync(p("a"));
        assertEquals(1, w.events.size());
    }

    @Test
    void existsWatchOnMissingNodeFiresOnCreateAndChildWatchOnChildren() {
        Events created = new Events();
        Events children = new Events();
        client.exists(p("later"), created);
        client.getChildren(root, children);
        mk(p("later"));
        created.awaitTypes(WatchEventType.NODE_CREATED);
        children.awaitTypes(WatchEventType.NODE_CHILDREN_CHANGED);
        assertEquals(root, children.events.get(0).path());
    }

    @Test
    void deleteFiresDataAndChildWatches() {
        mk(p("d"));
        Events data = new Events();
        Events kids = new Events();
        client.exists(p("d"), data);
        client.getChildren(p("d"), kids);
        client.delete(p("d"), -1);
        data.awaitTypes(WatchEventType.NODE_DELETED);
        kids.awaitTypes(WatchEventType.NODE_DELETED);
    }

    @Test
    void persistentAndRecursiveWatchesKeepFiring() {
        mk(p("p"));
        Events persistent = new Events();
        Events recursive = new Events();
        client.addWatch(p("p"), WatchMode.PERSISTENT, persistent);
        client.addWatch(p("p"), WatchMode.PERSISTENT_RECURSIVE, recursive);
        client.setData(p("p"), bytes("1"), -1);
        client.setData(p("p"), bytes("2"), -1);
        mk(p("p/c"));
        client.setData(p("p/c"), bytes("3"), -1);
        persistent.awaitTypes(WatchEventType.NODE_DATA_CHANGED, WatchEventType.NODE_DATA_CHANGED,
                WatchEventType.NODE_CHILDREN_CHANGED);
        recursive.awaitTypes(WatchEventType.NODE_DATA_CHANGED, WatchEventType.NODE_DATA_CHANGED,
                WatchEventType.NODE_CREATED, WatchEventType.NODE_DATA_CHANGED);
        assertEquals(p("p/c"), recursive.events.get(3).path());
    }

    @Test
    void removeWatchesTellsTheListenerAndStopsEvents() throws Exception {
        mk(p("r"));
        Events persistent = new Events();
        client.addWatch(p("r"), WatchMode.PERSISTENT, persistent);
        client.removeWatches(p("r"), WatchType.PERSISTENT, persistent);
        persistent.awaitTypes(WatchEventType.PERSISTENT_WATCH_REMOVED);
        client.setData(p("r"), bytes("x"), -1);

        Events data = new Events();
        client.getData(p("r"), data);
        client.removeWatches(p("r"), WatchType.ANY, null);
        data.awaitTypes(WatchEventType.DATA_WATCH_REMOVED);
        client.setData(p("r"), bytes("y"), -1);
        client.sync(p("r"));
        assertEquals(1, persistent.events.size());
        assertEquals(1, data.events.size());

        CoordException none = assertThrows(CoordException.class,
                () -> client.removeWatches(p("r"), WatchType.DATA, null));
        assertEquals(ErrorCode.NOWATCHER, none.code());
    }

    @Test
    void twoListenersOnOnePathBothFireAndOneCanBeRemoved() throws Exception {
        mk(p("two"));
        Events first = new Events();
        Events second = new Events();
        client.getData(p("two"), first);
        client.getData(p("two"), second);
        client.removeWatches(p("two"), WatchType.DATA, first);
        first.awaitTypes(WatchEventType.DATA_WATCH_REMOVED);
        client.setData(p("two"), bytes("x"), -1);
        second.awaitTypes(WatchEventType.NODE_DATA_CHANGED);
        client.sync(p("two"));
        assertEquals(1, first.events.size());
    }

    @Test
    void chrootedEventsCarryClientPaths() {
        mk(p("app"));
        CoordClient chrooted = open(server.connectString() + p("app"), options().build());
        Events w = new Events();
        chrooted.addWatch("/", WatchMode.PERSISTENT_RECURSIVE, w);
        client.create(p("app/x"), null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        w.awaitTypes(WatchEventType.NODE_CREATED);
        assertEquals("/x", w.events.get(0).path());
    }

    /**
     * A recursive watch across a reconnect: the changes made while the client could not connect
     * come once each, in zxid order, none before the reconnect repeated (the client counts events
     * as seen zxids, and the server replays only what came after). ZooKeeper would lose them.
     */
    @Test
    void recursiveWatchGetsEveryChangeMissedWhileDisconnectedExactlyOnce() throws Exception {
        mk(p("r"));
        mk(p("r/n"));
        FaultInjector faults = new FaultInjector();
        CoordClient c = open(options().faultInjector(faults).build());
        Events recursive = new Events();
        c.sync(p("r")); // written by another session
        c.addWatch(p("r"), WatchMode.PERSISTENT_RECURSIVE, recursive);
        List<Long> expected = new java.util.ArrayList<>();
        expected.add(client.setData(p("r/n"), bytes("before"), -1).mzxid());
        await().atMost(Duration.ofSeconds(5)).until(() -> recursive.events.size() == 1);

        faults.blockConnects(true);
        faults.dropConnection();
        await().atMost(Duration.ofSeconds(5)).until(() -> !c.isConnected());
        for (int i = 0; i < 5; i++) {
            expected.add(client.setData(p("r/n"), bytes("away" + i), -1).mzxid());
        }
        faults.blockConnects(false);
        await().atMost(Duration.ofSeconds(5)).until(c::isConnected);
        expected.add(client.setData(p("r/n"), bytes("after"), -1).mzxid());
        await().atMost(Duration.ofSeconds(5)).until(() -> recursive.events.size() >= expected.size());
        c.sync(p("r"));
        assertEquals(expected, recursive.events.stream().map(WatchEvent::zxid).toList());
        assertTrue(recursive.types().stream().allMatch(t -> t == WatchEventType.NODE_DATA_CHANGED), recursive.types()
                .toString());
    }

    @Test
    void localRemovalAsksNoServerAndWorksWhileDisconnected() throws Exception {
        mk(p("l"));
        FaultInjector faults = new FaultInjector();
        CoordClient c = open(options().faultInjector(faults).build());
        Events data = new Events();
        Events kids = new Events();
        c.sync(p("l")); // written by another session
        c.getData(p("l"), data);
        c.getChildren(p("l"), kids);
        faults.blockConnects(true);
        faults.dropConnection();
        await().atMost(Duration.ofSeconds(5)).until(() -> !c.isConnected());
        c.removeWatches(p("l"), WatchType.DATA, data, true);
        data.awaitTypes(WatchEventType.DATA_WATCH_REMOVED);
        faults.blockConnects(false);
        await().atMost(Duration.ofSeconds(5)).until(c::isConnected);
        client.setData(p("l"), bytes("x"), -1);
        mk(p("l/kid"));
        kids.awaitTypes(WatchEventType.NODE_CHILDREN_CHANGED);
        assertEquals(List.of(WatchEventType.DATA_WATCH_REMOVED), data.types());

        // Connected: the server keeps its side of the watch, but its event reaches no listener.
        Events again = new Events();
        c.getData(p("l"), again);
        c.removeWatches(p("l"), WatchType.ANY, null, true);
        again.awaitTypes(WatchEventType.DATA_WATCH_REMOVED);
        client.setData(p("l"), bytes("y"), -1);
        c.sync(p("l"));
        assertEquals(List.of(WatchEventType.DATA_WATCH_REMOVED), again.types());
        CoordException none = assertThrows(CoordException.class,
                () -> c.removeWatches(p("l"), WatchType.DATA, null, true));
        assertEquals(ErrorCode.NOWATCHER, none.code());
    }
}
