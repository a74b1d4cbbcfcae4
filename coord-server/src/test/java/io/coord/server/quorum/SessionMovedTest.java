package io.coord.server.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader tracks which member holds each session (ZooKeeper's session owner): once a session
 * reattaches on another member, a write sent through the member it left is refused (SESSIONMOVED
 * at the leader; the old member closes that connection, as ZooKeeper does) and not applied. Without it, a write still on its way from the old member could be
 * applied after the client had moved on (and retried it elsewhere).
 */
class SessionMovedTest {
    private static final int SESSION_TIMEOUT_MS = 10_000;

    @TempDir
    Path dir;

    private final List<String> fatal = new CopyOnWriteArrayList<>();

    @AfterEach
    void noFatalError() {
        assertEquals(List.of(), fatal, "a member met a fatal error");
    }

    private static ZooKeeper connect(String connectString, long sessionId, byte[] password) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        Watcher w = e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        };
        ZooKeeper zk = password == null ? new ZooKeeper(connectString, SESSION_TIMEOUT_MS, w)
                : new ZooKeeper(connectString, SESSION_TIMEOUT_MS, w, sessionId, password);
        assertTrue(connected.await(20, TimeUnit.SECONDS), "connected to " + connectString);
        return zk;
    }

    /** A sync through zk: everything its member sent to the leader before has been taken there. */
    private static void sync(ZooKeeper zk) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        zk.sync("/", (rc, path, ctx) -> done.complete(rc), null);
        int rc = done.get(20, TimeUnit.SECONDS);
        if (rc != KeeperException.Code.OK.intValue()) {
            throw KeeperException.create(KeeperException.Code.get(rc));
        }
    }

    private interface ZkCall {
        void run() throws Exception;
    }

    /**
     * The old handle may have reconnected to its member (taking the session there) before the test
     * stopped it; the next write through the moved handle then closes its connection, it
     * reconnects, and its reattach wins for good.
     */
    private static void retryOnConnectionLoss(ZkCall call) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                call.run();
                return;
            } catch (KeeperException.ConnectionLossException | KeeperException.NodeExistsException e) {
                if (e instanceof KeeperException.NodeExistsException) {
                    return; // a lost reply's create had been applied
                }
                if (attempt == 5) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aWriteThroughTheMemberASessionLeftIsRefusedWithSessionMoved() throws Exception {
        try (InProcessEnsemble e = new InProcessEnsemble(dir, 3, 10_000, 1 << 20)) {
            e.hooks(id -> (what, cause) -> fatal.add("member " + id + ": " + what + " " + cause),
                    id -> io.coord.server.storage.LogIo.REAL);
            e.startAll();
            e.awaitServing(e.all());
            // Every pair of members, leader and followers alike: old member a, new member b.
            for (int a = 1; a <= 3; a++) {
                int b = a % 3 + 1;
                ZooKeeper old = connect(e.connectString(a), 0, null);
                ZooKeeper moved = null;
                try {
                    String base = "/s" + a;
                    old.create(base, bytes("a"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    moved = connect(e.connectString(b), old.getSessionId(), old.getSessionPasswd());
                    assertEquals(old.getSessionId(), moved.getSessionId());
                    // The reattach notice went to the leader before this sync, on the same link.
                    sync(moved);

                    // As ZooKeeper's server (ZOOKEEPER-710): the old connection is closed instead of
                    // answered, so the old handle sees a connection loss.
                    assertThrows(KeeperException.ConnectionLossException.class,
                            () -> old.create(base + "/late", bytes("x"), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                                    CreateMode.PERSISTENT), "member " + a + " -> " + b);
                    // Stop the old handle without a closeSession (that would end the shared session)
                    // before it reconnects to a and takes the session back.
                    old.getTestable().injectSessionExpiration();

                    ZooKeeper now = moved;
                    retryOnConnectionLoss(() -> sync(now));
                    assertNull(moved.exists(base + "/late", false), "the refused create was not applied");
                    assertEquals("a", new String(moved.getData(base, false, null), StandardCharsets.UTF_8));
                    // The member that holds the session now writes as usual.
                    retryOnConnectionLoss(() -> now.create(base + "/now", bytes("y"), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            CreateMode.PERSISTENT));
                    assertNotNull(moved.exists(base + "/now", false));
                } finally {
                    if (moved != null) {
                        moved.close();
                    }
                    old.close(500); // a no-op after the injected expiry
                }
            }
        }
    }
}
