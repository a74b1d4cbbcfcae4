package io.coord.server.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.config.ServerConfig;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Starts the selected {@link TestTarget} once per test class and gives every test a connected
 * stock ZooKeeper client ({@link #zk}) and a fresh persistent root node ({@link #root}), so tests
 * of one class never see each other's nodes. Every client opened through this class is closed
 * after the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class CompatTestBase {

    /** Session timeout of ordinary test clients: 10 ticks, inside both targets' [2, 20] tick range. */
    static final int SESSION_TIMEOUT_MS = 10 * TestTarget.TICK_TIME_MS;
    static final long CONNECT_WAIT_MS = 10_000;

    protected TestTarget target;
    protected ZooKeeper zk;
    protected String root;

    private final AtomicInteger rootSequence = new AtomicInteger();
    private final Deque<AutoCloseable> perTest = new ArrayDeque<>();

    @BeforeAll
    void startTarget() throws Exception {
        target = TestTarget.start(serverKeys(), targetConfig());
    }

    /** Extra zoo.cfg keys for this class's target (see {@link TestTarget#start(java.util.Map)}). */
    protected Map<String, String> serverKeys() {
        return Map.of();
    }

    /** What every Coord server of this class adds to the usual test configuration (nothing by default). */
    protected UnaryOperator<ServerConfig.Builder> targetConfig() throws Exception {
        return UnaryOperator.identity();
    }

    @AfterAll
    void stopTarget() {
        if (target != null) {
            target.close();
        }
    }

    @BeforeEach
    void openClientAndRoot(TestInfo info) throws Exception {
        zk = newClient();
        String method = info.getTestMethod().map(m -> m.getName()).orElse("test");
        root = "/" + getClass().getSimpleName() + "-" + method + "-" + rootSequence.incrementAndGet();
        zk.create(root, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    @AfterEach
    void closePerTestResources() throws Exception {
        while (!perTest.isEmpty()) {
            perTest.pop().close();
        }
    }

    /** Registers something to close after this test, most recent first. */
    protected <T extends AutoCloseable> T closeAfterTest(T resource) {
        perTest.push(resource);
        return resource;
    }

    protected String path(String relative) {
        return root + "/" + relative;
    }

    protected ZooKeeper newClient() throws Exception {
        return newClient(target.connectString(), SESSION_TIMEOUT_MS, event -> { });
    }

    /** A client that is connected (SyncConnected seen) when this returns; closed after the test. */
    protected ZooKeeper newClient(String connectString, int sessionTimeoutMs, Watcher defaultWatcher)
            throws Exception {
        return connected(connectString, defaultWatcher,
                watcher -> new ZooKeeper(connectString, sessionTimeoutMs, watcher));
    }

    /** Like {@link #newClient(String, int, Watcher)} but reattaching to an existing session. */
    protected ZooKeeper newClient(String connectString, int sessionTimeoutMs, Watcher defaultWatcher,
            long sessionId, byte[] password) throws Exception {
        return connected(connectString, defaultWatcher,
                watcher -> new ZooKeeper(connectString, sessionTimeoutMs, watcher, sessionId, password));
    }

    private ZooKeeper connected(String connectString, Watcher defaultWatcher, StockClients.Opener opener)
            throws Exception {
        ZooKeeper client = StockClients.connected(opener, defaultWatcher,
                Duration.ofMillis(CONNECT_WAIT_MS), connectString);
        closeAfterTest(client::close);
        return client;
    }

    /**
     * On the ensemble target, brings {@code client}'s member up to date with the leader
     * ({@code sync}) and waits for it. ZooKeeper promises one client another client's write only
     * after a sync, as their members may lag each other; a single server shows it at once, so
     * there this does nothing.
     */
    protected void syncIfEnsemble(ZooKeeper client, String path) throws Exception {
        if (target.isEnsemble()) {
            sync(client, path);
        }
    }

    /** {@link #syncIfEnsemble} and returns {@code client}, for a read in one expression. */
    protected ZooKeeper synced(ZooKeeper client, String path) throws Exception {
        syncIfEnsemble(client, path);
        return client;
    }

    /**
     * Asserts that {@code watcher}, set through {@code client}, has received no event, without
     * waiting a fixed time: a sync through {@code client} is answered only once its server has
     * applied every write acknowledged before it, a server sends one connection's watch events
     * and replies in the order they arise, and the stock client runs the sync's callback after
     * every watcher it received before the reply. So any event those writes fire is queued by now.
     */
    protected void expectNoEvent(ZooKeeper client, EventRecorder watcher) throws Exception {
        sync(client, "/");
        watcher.expectNoneQueued();
    }

    /** A sync through {@code client}, waited for; its callback runs on the client's event thread. */
    private static void sync(ZooKeeper client, String path) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        client.sync(path, (rc, p, ctx) -> done.complete(rc), null);
        assertEquals(KeeperException.Code.OK.intValue(), done.get(CONNECT_WAIT_MS, TimeUnit.MILLISECONDS),
                "sync " + path);
    }

    /** A started Curator client whose namespace is this test's root; closed after the test. */
    protected CuratorFramework newCurator() throws InterruptedException {
        CuratorFramework curator = CuratorFrameworkFactory.builder()
                .connectString(target.connectString())
                .sessionTimeoutMs(SESSION_TIMEOUT_MS)
                .connectionTimeoutMs(SESSION_TIMEOUT_MS)
                .retryPolicy(new RetryNTimes(20, 100))
                .namespace(root.substring(1))
                .build();
        closeAfterTest(curator);
        curator.start();
        assertTrue(curator.blockUntilConnected((int) CONNECT_WAIT_MS, TimeUnit.MILLISECONDS),
                "curator did not connect");
        return curator;
    }
}
