package io.coord.server.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/** Session timeouts, reattach, expiry, bad passwords and a server restart. */
class SessionCompatTest extends CompatTestBase {

    /** Short enough to expire quickly, long enough (5 ticks) to survive a loaded machine. */
    private static final int SHORT_TIMEOUT_MS = 5 * TestTarget.TICK_TIME_MS;

    private TcpProxy proxy() throws Exception {
        return closeAfterTest(new TcpProxy(target.clientPort()));
    }

    /** A client whose session states land in the returned queue; closed after the test. */
    private ZooKeeper clientWithStates(String connectString, int timeoutMs, BlockingQueue<KeeperState> states)
            throws Exception {
        return newClient(connectString, timeoutMs, event -> {
            if (event.getType() == EventType.None) {
                states.add(event.getState());
            }
        });
    }

    private static void awaitState(BlockingQueue<KeeperState> states, KeeperState wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            KeeperState state = states.poll(100, TimeUnit.MILLISECONDS);
            if (state == wanted) {
                return;
            }
        }
        throw new AssertionError("never saw " + wanted);
    }

    @Test
    void sessionTimeoutIsClampedToTwoAndTwentyTicks() throws Exception {
        int tick = TestTarget.TICK_TIME_MS;
        // Raw handshakes: the stock client asking for 10 ms would give itself a 10 ms / members
        // connect window, which a loaded machine misses (it then retries until the test times out).
        assertEquals(2 * tick, negotiatedTimeoutMs(10));
        assertEquals(20 * tick, negotiatedTimeoutMs(1_000_000));
        assertEquals(7 * tick, negotiatedTimeoutMs(7 * tick));
        assertEquals(7 * tick, newClient(target.connectString(), 7 * tick, e -> { }).getSessionTimeout());
    }

    private int negotiatedTimeoutMs(int requestedMs) throws Exception {
        try (RawSocket raw = new RawSocket(target.clientPort())) {
            return raw.negotiatedTimeoutMs(requestedMs);
        }
    }

    @Test
    void closeDeletesTheSessionsEphemerals() throws Exception {
        ZooKeeper owner = newClient();
        owner.create(path("e"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        EventRecorder watcher = new EventRecorder();
        // Not yet applied on zk's member, exists would set a creation watch instead.
        syncIfEnsemble(zk, path("e"));
        zk.exists(path("e"), watcher);
        owner.close();
        watcher.expect(EventType.NodeDeleted, path("e"));
    }

    @Test
    void reattachingWithIdAndPasswordKeepsTheSessionAndItsEphemerals() throws Exception {
        TcpProxy proxy = proxy();
        ZooKeeper first = newClient(proxy.connectString(), SESSION_TIMEOUT_MS, e -> { });
        first.create(path("e"), new byte[] {1}, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        proxy.cut();

        ZooKeeper second = newClient(target.connectString(), SESSION_TIMEOUT_MS, e -> { }, 
                first.getSessionId(), first.getSessionPasswd());
        assertEquals(first.getSessionId(), second.getSessionId());
        // A new connection carries no last-seen zxid: its member may not have first's create yet.
        syncIfEnsemble(second, path("e"));
        assertEquals(List.of(path("e")), second.getEphemerals());
        syncIfEnsemble(zk, path("e")); // zk's member may not have applied the other session's create yet
        assertEquals(first.getSessionId(), zk.exists(path("e"), false).getEphemeralOwner());
        second.create(path("e2"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        syncIfEnsemble(zk, path("e2"));
        assertEquals(first.getSessionId(), zk.exists(path("e2"), false).getEphemeralOwner());

        // Idle past the session timeout: the reattached connection keeps the session alive.
        Thread.sleep(SESSION_TIMEOUT_MS + 500L);
        assertNotNull(zk.exists(path("e"), false));
        second.close();
        syncIfEnsemble(zk, root); // the close is another session's write
        assertNull(zk.exists(path("e"), false));
        assertNull(zk.exists(path("e2"), false));
    }

    @Test
    void aSessionThatStopsTalkingExpiresAndLosesItsEphemerals() throws Exception {
        TcpProxy proxy = proxy();
        ZooKeeper doomed = newClient(proxy.connectString(), SHORT_TIMEOUT_MS, e -> { });
        long sessionId = doomed.getSessionId();
        byte[] password = doomed.getSessionPasswd();
        doomed.create(path("e"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        EventRecorder watcher = new EventRecorder();
        syncIfEnsemble(zk, path("e"));
        zk.exists(path("e"), watcher);
        long cutAt = System.nanoTime();
        proxy.cut();

        watcher.expect(EventType.NodeDeleted, path("e"));
        long goneAfterMs = (System.nanoTime() - cutAt) / 1_000_000;
        assertTrue(goneAfterMs >= SHORT_TIMEOUT_MS / 2, "expired too early: " + goneAfterMs + " ms");

        BlockingQueue<KeeperState> states = new LinkedBlockingQueue<>();
        ZooKeeper late = new ZooKeeper(target.connectString(), SHORT_TIMEOUT_MS, event -> {
            if (event.getType() == EventType.None) {
                states.add(event.getState());
            }
        }, sessionId, password);
        closeAfterTest(late::close);
        awaitState(states, KeeperState.Expired);
    }

    @Test
    void aWrongPasswordIsSessionExpired() throws Exception {
        byte[] wrong = zk.getSessionPasswd().clone();
        wrong[0] ^= 0x5a;
        BlockingQueue<KeeperState> states = new LinkedBlockingQueue<>();
        ZooKeeper impostor = new ZooKeeper(target.connectString(), SESSION_TIMEOUT_MS, event -> {
            if (event.getType() == EventType.None) {
                states.add(event.getState());
            }
        }, zk.getSessionId(), wrong);
        closeAfterTest(impostor::close);
        awaitState(states, KeeperState.Expired);
        // The oracle drops the owner's connection when the impostor claims the session id (before
        // it checks the password), so the owner may see one ConnectionLoss; its session lives on.
        long ownerSession = zk.getSessionId();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> zk.exists(root, false) != null);
        assertEquals(ownerSession, zk.getSessionId());
    }

    @Test
    void anUnknownSessionIdIsSessionExpired() throws Exception {
        BlockingQueue<KeeperState> states = new LinkedBlockingQueue<>();
        ZooKeeper stranger = new ZooKeeper(target.connectString(), SESSION_TIMEOUT_MS, event -> {
            if (event.getType() == EventType.None) {
                states.add(event.getState());
            }
        }, 0x1234_5678_9abcL, new byte[16]);
        closeAfterTest(stranger::close);
        awaitState(states, KeeperState.Expired);
    }

    @Test
    void dataEphemeralsAndSessionsSurviveARestart() throws Exception {
        BlockingQueue<KeeperState> states = new LinkedBlockingQueue<>();
        ZooKeeper client = clientWithStates(target.connectString(), 20 * TestTarget.TICK_TIME_MS, states);
        client.create(path("p"), new byte[] {1, 2}, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        client.create(path("e"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        long sessionId = client.getSessionId();
        states.clear();

        target.restart();

        awaitState(states, KeeperState.Disconnected);
        awaitState(states, KeeperState.SyncConnected);
        assertEquals(sessionId, client.getSessionId());
        assertArrayEquals(new byte[] {1, 2}, client.getData(path("p"), false, null));
        assertEquals(sessionId, client.exists(path("e"), false).getEphemeralOwner());
        zk = newClient();
        await().atMost(Duration.ofSeconds(5)).until(() -> zk.exists(path("p"), false) != null);
    }
}
