package io.coord.server.quorum;

import static io.coord.server.quorum.RawHandshake.connectRequest;
import static io.coord.server.quorum.RawHandshake.readConnectResponse;
import static io.coord.server.quorum.RawHandshake.readOrEof;
import static io.coord.server.quorum.RawHandshake.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.TestPorts;
import io.coord.server.admin.AdminHttp;
import io.coord.server.admin.AdminServer;
import io.coord.server.admin.CommandAnswers;
import io.coord.server.config.AdminConfig;
import io.coord.server.net.NettyTransport;
import io.coord.wire.ConnectResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read-only mode ({@code readonlymode.enabled=true}) of a 3-member in-process ensemble: the member
 * left alone serves the stock client's read-only session (canBeReadOnly) from its last state,
 * refuses writes with NOTREADONLY, refuses clients that cannot be read-only, says {@code ro}; once a
 * quorum is back, the client gets a read-write session there and writes succeed.
 */
class ReadOnlyModeTest {
    private static final int SURVIVOR = 1;

    @TempDir
    Path dir;
    private final StockClientEnsemble fixture = new StockClientEnsemble();
    private InProcessEnsemble ensemble;
    private AdminServer admin;

    @AfterEach
    void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        fixture.close();
    }

    private void startEnsemble(String extraConfig) throws IOException {
        ensemble = fixture.start(dir, extraConfig);
    }

    private ZooKeeper client(String connect, boolean canBeReadOnly, List<KeeperState> states) throws IOException {
        return fixture.track(
                new ZooKeeper(connect, 10_000, StockClientEnsemble.connectionStates(states), canBeReadOnly));
    }

    @Test
    void survivorServesReadOnlySessionsUntilTheQuorumReturns() throws Exception {
        startEnsemble("readonlymode.enabled=true\n");
        assertEquals("rw", ensemble.fourLetterWord(SURVIVOR, "isro"));
        admin = AdminServer.start(AdminConfig.loopback(TestPorts.next()), NettyTransport.of("nio"),
                ensemble.member(SURVIVOR).statusSource(),
                new CommandAnswers(ensemble.config(SURVIVOR), "", () -> null));
        assertEquals(false, AdminHttp.command(admin.port(), "is_read_only").get("read_only").asBoolean());
        // Written through the survivor: its reply comes once the survivor has applied it.
        List<KeeperState> writerStates = new CopyOnWriteArrayList<>();
        ZooKeeper writer = client(ensemble.connectString(SURVIVOR), false, writerStates);
        await().atMost(Duration.ofSeconds(10)).until(() -> writerStates.contains(KeeperState.SyncConnected));
        writer.create("/ro", "before".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT);
        writer.create("/ro/child", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        writer.addAuthInfo("digest", "reader:secret".getBytes(StandardCharsets.UTF_8));
        writer.create("/ro/secret", "s".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.CREATOR_ALL_ACL,
                CreateMode.PERSISTENT);
        long globalSession = writer.getSessionId();
        byte[] globalPassword = writer.getSessionPasswd();

        ensemble.stop(2);
        ensemble.stop(3);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> "ro".equals(ensemble.fourLetterWord(SURVIVOR, "isro")));
        assertEquals("read-only", ensemble.mode(SURVIVOR));
        assertTrue(AdminHttp.command(admin.port(), "is_read_only").get("read_only").asBoolean());

        // Clients that cannot be read-only are refused as before: closed without a response.
        assertClosedWithoutResponse(newSessionRequest(Boolean.FALSE));
        assertClosedWithoutResponse(newSessionRequest(null)); // a client older than 3.4: no readOnly byte
        // A global session is not reattached in read-only mode (ZooKeeper refuses it too).
        assertClosedWithoutResponse(connectRequest(globalSession, globalPassword, 10_000, Boolean.TRUE));
        // One that can gets a read-only session with this member's id in its high byte (as ZooKeeper's).
        try (Socket s = send(ensemble, SURVIVOR, connectRequest(0, new byte[16], 400, Boolean.TRUE))) {
            ConnectResponse raw = readConnectResponse(s);
            assertEquals(Boolean.TRUE, raw.readOnly());
            assertEquals(SURVIVOR, raw.sessionId() >>> 56);
            assertEquals(400, raw.timeOut());
            // Nothing sent within its timeout: the read-only session expires on the member, which
            // closes its connection.
            assertEquals(-1, readOrEof(s));
        }

        List<KeeperState> states = new CopyOnWriteArrayList<>();
        ZooKeeper zk = client(ensemble.connectString(SURVIVOR) + "," + ensemble.connectString(2) + ","
                + ensemble.connectString(3), true, states);
        await().atMost(Duration.ofSeconds(20)).until(() -> states.contains(KeeperState.ConnectedReadOnly));
        assertEquals(ZooKeeper.States.CONNECTEDREADONLY, zk.getState());
        long readOnlySession = zk.getSessionId();
        assertArrayEquals("before".getBytes(StandardCharsets.UTF_8), zk.getData("/ro", false, null));
        assertEquals(List.of("child", "secret"), zk.getChildren("/ro", false).stream().sorted().toList());
        // Authentication works on a read-only session (its identities live in the read-only table).
        assertThrows(KeeperException.NoAuthException.class, () -> zk.getData("/ro/secret", false, null));
        zk.addAuthInfo("digest", "reader:secret".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("s".getBytes(StandardCharsets.UTF_8), zk.getData("/ro/secret", false, null));
        assertThrows(KeeperException.NotReadOnlyException.class, () -> zk.create("/ro/new", new byte[0],
                ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        assertThrows(KeeperException.NotReadOnlyException.class, () -> zk.setData("/ro", new byte[1], -1));
        assertThrows(KeeperException.NotReadOnlyException.class, () -> zk.delete("/ro/child", -1));
        assertThrows(KeeperException.NotReadOnlyException.class, () -> zk.multi(List.of(Op.create("/ro/m",
                new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))));
        assertEquals("before", new String(zk.getData("/ro", false, null), StandardCharsets.UTF_8));

        // The quorum returns: the survivor drops its read-only connections, the client moves to a
        // read-write session (a new one: it never had a read-write session to reattach).
        ensemble.start(2);
        await().atMost(Duration.ofSeconds(30)).until(() -> states.contains(KeeperState.SyncConnected));
        assertEquals(ZooKeeper.States.CONNECTED, zk.getState());
        assertNotEquals(readOnlySession, zk.getSessionId());
        zk.create("/ro/after", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertTrue(zk.exists("/ro/after", false) != null);
        await().atMost(Duration.ofSeconds(10)).until(() -> "rw".equals(ensemble.fourLetterWord(SURVIVOR, "isro")));
        assertTrue(!AdminHttp.command(admin.port(), "is_read_only").get("read_only").asBoolean());
    }

    @Test
    void withoutReadOnlyModeAMemberWithoutQuorumRefusesEvenReadOnlyClients() throws Exception {
        startEnsemble("");
        ensemble.stop(2);
        ensemble.stop(3);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> "null".equals(ensemble.fourLetterWord(SURVIVOR, "isro")));
        assertEquals("looking", ensemble.mode(SURVIVOR));
        assertClosedWithoutResponse(newSessionRequest(Boolean.TRUE));
    }

    /** A request for a new session. */
    private static byte[] newSessionRequest(Boolean readOnly) {
        return connectRequest(0, new byte[16], 10_000, readOnly);
    }

    /** The server closes the connection without sending a byte. */
    private void assertClosedWithoutResponse(byte[] request) throws IOException {
        try (Socket s = send(ensemble, SURVIVOR, request)) {
            assertEquals(-1, readOrEof(s), "the server answered a handshake it should have refused");
        }
    }
}
