package io.coord.clientit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.coord.client.ConnectionState;
import io.coord.client.CoordClient;
import io.coord.client.CoordException;
import io.coord.client.DataResult;
import io.coord.client.FaultInjector;
import io.coord.client.WatchEventType;
import io.coord.client.WatchMode;
import io.coord.clientit.ClientWatchTest.Events;
import io.coord.server.compat.StockClients;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

class ClientSessionTest extends ClientItBase {
    private final List<ConnectionState> states = new CopyOnWriteArrayList<>();

    private void awaitStates(ConnectionState... expected) {
        await().atMost(Duration.ofSeconds(10)).until(() -> states.size() >= expected.length);
        assertEquals(List.of(expected), states);
    }

    /**
     * Stops the server and waits for the client's SUSPENDED. An ensemble's members close in
     * parallel, so a client dropped by the first to close may reconnect to another for a moment
     * before that one closes too; such a passing RECONNECTED and SUSPENDED are folded away.
     */
    private void stopAndAwaitSuspended() throws Exception {
        server.stop();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !states.isEmpty() && states.get(states.size() - 1) == ConnectionState.SUSPENDED);
        assertTrue(states.stream().allMatch(s -> s == ConnectionState.SUSPENDED || s == ConnectionState.RECONNECTED),
                states.toString());
        states.clear(); // nothing is reported while every member is down (LOST comes seconds later)
        states.add(ConnectionState.SUSPENDED);
    }

    private void mk(String path, CreateMode mode) {
        client.create(path, null, Acl.OPEN_ACL_UNSAFE, mode);
    }

    @Test
    void droppedConnectionSuspendsThenReconnectsToTheSameSession() {
        FaultInjector faults = new FaultInjector();
        CoordClient c = open(options().faultInjector(faults).build());
        c.addConnectionStateListener(states::add);
        long session = c.sessionId();
        c.create(p("eph"), null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        faults.dropConnection();
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.RECONNECTED);
        assertEquals(session, c.sessionId());
        assertEquals(session, c.exists(p("eph")).ephemeralOwner());
    }

    @Test
    void watchesSurviveAReconnectAndFireForChangesMadeMeanwhile() {
        mk(p("data"), CreateMode.PERSISTENT);
        mk(p("parent"), CreateMode.PERSISTENT);
        FaultInjector faults = new FaultInjector();
        CoordClient c = open(options().faultInjector(faults).build());
        c.addConnectionStateListener(states::add);
        c.sync(p("parent")); // the nodes were written by another session
        Events data = new Events();
        Events exist = new Events();
        Events kids = new Events();
        Events persistent = new Events();
        c.getData(p("data"), data);
        c.exists(p("born"), exist);
        c.getChildren(p("parent"), kids);
        c.addWatch(p("parent"), WatchMode.PERSISTENT_RECURSIVE, persistent);

        faults.blockConnects(true);
        faults.dropConnection();
        awaitStates(ConnectionState.SUSPENDED);
        client.setData(p("data"), bytes("changed"), -1);
        mk(p("born"), CreateMode.PERSISTENT);
        mk(p("parent/kid"), CreateMode.PERSISTENT);
        faults.blockConnects(false);
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.RECONNECTED);

        data.awaitTypes(WatchEventType.NODE_DATA_CHANGED);
        exist.awaitTypes(WatchEventType.NODE_CREATED);
        kids.awaitTypes(WatchEventType.NODE_CHILDREN_CHANGED);
        // Persistent watches are re-added without replay; they see what changes afterwards.
        client.setData(p("parent/kid"), bytes("x"), -1);
        await().atMost(Duration.ofSeconds(5)).until(() -> persistent.types().contains(WatchEventType.NODE_DATA_CHANGED));
        assertEquals(p("parent/kid"), persistent.events.get(persistent.events.size() - 1).path());
    }

    @Test
    void serverRestartSuspendsAndQueuedRequestsRunAfterReconnect() throws Exception {
        CoordClient c = open(options().sessionTimeoutMs(4000).connectionTimeoutMs(8000).build());
        c.addConnectionStateListener(states::add);
        long session = c.sessionId();
        mk(p("n"), CreateMode.PERSISTENT);
        c.sync(p("n")); // written by another session
        stopAndAwaitSuspended();
        try (LogCapture connects = new LogCapture("io.coord.client.Connector", Level.DEBUG)) {
            String mine = "(session 0x" + Long.toHexString(session) + ")";
            Predicate<String> attempt = m -> m.startsWith("connecting to ") && m.endsWith(mine);
            CompletableFuture<DataResult> queued = c.getDataAsync(p("n"));
            // Proof that the client tried and failed to connect while the request waited: of two
            // attempts begun after it was queued, the second began once the first had failed.
            long before = connects.count(attempt);
            await().atMost(Duration.ofSeconds(10)).until(() -> connects.count(attempt) >= before + 2);
            assertTrue(!queued.isDone(), "request should wait for a connection");
            server.startAgain();
            awaitStates(ConnectionState.SUSPENDED, ConnectionState.RECONNECTED);
            assertNotNull(queued.get(5, TimeUnit.SECONDS).stat());
        }
        assertEquals(session, c.sessionId());
        await().atMost(Duration.ofSeconds(10)).until(client::isConnected);
    }

    @Test
    void sessionExpiryIsLostThenANewSessionIsConnected() throws Exception {
        FaultInjector faults = new FaultInjector();
        CoordClient c = open(options().faultInjector(faults).build());
        c.addConnectionStateListener(states::add);
        Events watch = new Events();
        c.create(p("eph"), null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        c.exists(p("eph"), watch);
        long oldSession = c.sessionId();
        faults.blockConnects(true);
        faults.dropConnection();
        awaitStates(ConnectionState.SUSPENDED);
        // Unreachable for longer than the 2 s session timeout: the server expires the session.
        await().atMost(Duration.ofSeconds(10)).until(() -> client.exists(p("eph")) == null);
        faults.blockConnects(false);
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.LOST, ConnectionState.CONNECTED);
        assertNotEquals(0, c.sessionId());
        assertNotEquals(oldSession, c.sessionId());
        // The new session works; the old session's watch went with it (no event for the deletion).
        c.create(p("eph2"), null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        assertEquals(c.sessionId(), synced(client, p("eph2")).exists(p("eph2")).ephemeralOwner());
        // c's sync reply comes after any event c's member sent before it, and c's listeners run
        // before the sync returns (one callback thread, in order).
        c.sync(p("eph"));
        assertTrue(watch.events.isEmpty(), watch.types().toString());
    }

    @Test
    void sessionPasswordLetsAnotherClientAttach() throws Exception {
        CoordClient c = open(options().build());
        try (ZooKeeper zk = StockClients.connected(
                watcher -> new ZooKeeper(server.connectString(), 2000, watcher, c.sessionId(), c.sessionPassword()),
                e -> { }, Duration.ofSeconds(5), server.connectString())) {
            assertEquals(c.sessionId(), zk.getSessionId());
        }
    }

    @Test
    void pendingRequestsFailWithSessionExpiredWhenTheSessionIsGone() throws Exception {
        FaultInjector faults = new FaultInjector();
        CoordClient c = open(options().faultInjector(faults).build());
        c.addConnectionStateListener(states::add);
        c.create(p("eph"), null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        faults.blockConnects(true);
        faults.dropConnection();
        awaitStates(ConnectionState.SUSPENDED);
        CompletableFuture<DataResult> queued = c.getDataAsync(root);
        // Unreachable past the 2 s session timeout: wait until the server has expired the session
        // (its ephemeral is gone), not a fixed time that a slow server may need more than.
        await().atMost(Duration.ofSeconds(10)).until(() -> synced(client, p("eph")).exists(p("eph")) == null);
        faults.blockConnects(false);
        ExecutionException e = assertThrows(ExecutionException.class, () -> queued.get(5, TimeUnit.SECONDS));
        assertInstanceOf(CoordException.SessionExpiredException.class, e.getCause());
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.LOST, ConnectionState.CONNECTED);
        assertNotNull(synced(c, root).getData(root).stat()); // a new session reading client's root
    }

    @Test
    void closeEndsTheSessionAndRejectsLaterCalls() {
        CoordClient c = open(options().build());
        c.addConnectionStateListener(states::add);
        c.create(p("eph"), null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        c.close();
        awaitStates(ConnectionState.CLOSED);
        assertNull(synced(client, p("eph")).exists(p("eph")));
        assertThrows(CoordException.RequestRejectedException.class, () -> c.exists(root));
    }

    @Test
    void connectSkipsADeadHost() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        String both = "127.0.0.1:" + deadPort + "," + server.connectString();
        for (int seed = 0; seed < 3; seed++) {
            CoordClient c = open(both, options().random(new java.util.Random(seed)).build());
            assertNotNull(synced(c, root).exists(root));
        }
    }

    @Test
    void connectFailsWithConnectionLossWhenNoServerAnswers() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        long start = System.nanoTime();
        assertThrows(CoordException.ConnectionLossException.class,
                () -> CoordClient.connect("127.0.0.1:" + deadPort, options().connectionTimeoutMs(500).build()));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
    }

    @Test
    void lostIsReportedWhileCutOffOnceTheSessionTimeoutPasses() throws Exception {
        FaultInjector faults = new FaultInjector();
        CoordClient c = open(options().faultInjector(faults).build());
        c.addConnectionStateListener(states::add);
        long oldSession = c.sessionId();
        faults.blockConnects(true);
        faults.dropConnection();
        awaitStates(ConnectionState.SUSPENDED);
        long suspendedAt = System.nanoTime();
        CompletableFuture<DataResult> queued = c.getDataAsync(root);
        // No server can be reached, yet LOST comes once the 2 s session timeout has passed.
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.LOST);
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - suspendedAt);
        assertTrue(waitedMs >= 1500, "LOST after " + waitedMs + " ms");
        ExecutionException e = assertThrows(ExecutionException.class, () -> queued.get(1, TimeUnit.SECONDS));
        assertInstanceOf(CoordException.SessionExpiredException.class, e.getCause());
        assertEquals(0, c.sessionId());
        faults.blockConnects(false);
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.LOST, ConnectionState.CONNECTED);
        assertNotEquals(oldSession, c.sessionId());
        assertNotNull(synced(c, root).getData(root).stat());
    }

    @Test
    void aSessionThatOutlivedItsLocalLostIsAbandonedNotReattached() throws Exception {
        CoordClient c = open(options().connectionTimeoutMs(8000).build());
        c.addConnectionStateListener(states::add);
        long oldSession = c.sessionId();
        c.create(p("eph"), null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        stopAndAwaitSuspended();
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.LOST);
        // A restarted server gives every recovered session its full timeout again: the old
        // session is alive, but the client, having reported LOST, opens a new one.
        server.startAgain();
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.LOST, ConnectionState.CONNECTED);
        assertNotEquals(oldSession, c.sessionId());
        await().atMost(Duration.ofSeconds(10)).until(() -> c.exists(p("eph")) == null);
    }

    @Test
    void crashLeavesTheSessionForTheServerToExpire() {
        FaultInjector faults = new FaultInjector();
        CoordClient c = open(options().faultInjector(faults).build());
        c.addConnectionStateListener(states::add);
        long session = c.sessionId();
        c.create(p("eph"), null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        faults.crash();
        awaitStates(ConnectionState.CLOSED);
        assertEquals(session, synced(client, p("eph")).exists(p("eph")).ephemeralOwner(), "no closeSession was sent");
        assertThrows(CoordException.RequestRejectedException.class, () -> c.exists(root));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.exists(p("eph")) == null);
    }
}
