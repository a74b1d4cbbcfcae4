package io.coord.server.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code enforce.auth.enabled=true} with {@code enforce.auth.schemes=digest}: a session not
 * authenticated with digest gets SESSIONCLOSEDREQUIRESASLAUTH (-124) for any request but auth, and
 * an authenticated one works. Against every target, the ZooKeeper 3.9.5 oracle included (it reads
 * these settings per server instance). Not a {@link CompatTestBase}: that base creates each test's
 * root through an unauthenticated client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EnforceAuthCompatTest {
    private static final int SESSION_TIMEOUT_MS = 20 * TestTarget.TICK_TIME_MS;

    private TestTarget target;
    private final Deque<ZooKeeper> clients = new ArrayDeque<>();

    @BeforeAll
    void startTarget() throws Exception {
        target = TestTarget.start(Map.of("enforce.auth.enabled", "true", "enforce.auth.schemes", "digest"));
    }

    @AfterAll
    void stopTarget() {
        if (target != null) {
            target.close();
        }
    }

    @AfterEach
    void closeClients() throws InterruptedException {
        while (!clients.isEmpty()) {
            clients.pop().close();
        }
    }

    /** A connected client; with {@code digestCredentials}, added before the handshake (sent first). */
    private ZooKeeper client(String digestCredentials) throws Exception {
        ZooKeeper zk = StockClients.connected(watcher -> {
            ZooKeeper z = new ZooKeeper(target.connectString(), SESSION_TIMEOUT_MS, watcher);
            if (digestCredentials != null) {
                z.addAuthInfo("digest", digestCredentials.getBytes(StandardCharsets.UTF_8));
            }
            return z;
        }, event -> { }, Duration.ofSeconds(10), target.connectString());
        clients.push(zk);
        return zk;
    }

    /**
     * The request fails with SessionClosedRequireAuthException. A ping the client sent just before
     * may have been refused first (closing the connection under the request: ConnectionLoss); then
     * the request is tried again, on the next connection. It must never succeed.
     */
    private static void expectRefused(String what, KeeperCall call) throws Exception {
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                call.run();
                fail(what + " succeeded without authentication");
            } catch (KeeperException.SessionClosedRequireAuthException expected) {
                return;
            } catch (KeeperException.ConnectionLossException retry) {
                Thread.sleep(50); // the client reconnects on its own; nothing to await here
            }
        }
        fail(what + ": only connection losses, never SESSIONCLOSEDREQUIRESASLAUTH");
    }

    @FunctionalInterface
    private interface KeeperCall {
        void run() throws Exception;
    }

    @Test
    void unauthenticatedSessionIsRefusedWithZooKeepersCode() throws Exception {
        ZooKeeper anonymous = client(null);
        expectRefused("getData", () -> anonymous.getData("/", false, null));
        expectRefused("create", () -> anonymous.create("/enforce-anonymous", null, Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT));
        expectRefused("getChildren", () -> anonymous.getChildren("/", false));
    }

    @Test
    void sessionAuthenticatedWithAnEnforcedSchemeWorks() throws Exception {
        ZooKeeper alice = client("alice:secret");
        alice.create("/enforce-alice", new byte[] {1}, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertArrayEquals(new byte[] {1}, alice.getData("/enforce-alice", false, null));
        alice.setData("/enforce-alice", new byte[] {2}, -1);
        alice.delete("/enforce-alice", -1);
        assertNull(alice.exists("/enforce-alice", false));
        // ... while the same server refuses a session without credentials.
        ZooKeeper anonymous = client(null);
        expectRefused("exists", () -> anonymous.exists("/enforce-alice", false));
    }
}
