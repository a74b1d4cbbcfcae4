package io.coord.server.quorum;

import static io.coord.server.quorum.RawHandshake.connectRequest;
import static io.coord.server.quorum.RawHandshake.readConnectResponse;
import static io.coord.server.quorum.RawHandshake.readOrEof;
import static io.coord.server.quorum.RawHandshake.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local sessions ({@code localSessionsEnabled}, {@code localSessionsUpgradingEnabled}) on a 3-member
 * in-process ensemble, with the stock ZooKeeper 3.9.5 client, as ZooKeeper has them: a new session
 * lives only on the member the client connected to (no txn: no member's zxid moves), with that
 * member's id in its high byte; it reads and writes persistent nodes; another member answers its id
 * with SESSIONEXPIRED; it expires on its member; an ephemeral create is refused with
 * EPHEMERALONLOCALSESSION, or, with upgrading, first makes it a global session through one
 * CreateSessionTxn, after which the node belongs to a global session every member knows.
 */
class LocalSessionsTest {
    @TempDir
    Path dir;
    private final StockClientEnsemble fixture = new StockClientEnsemble();
    private InProcessEnsemble ensemble;

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    private void startEnsemble(String extraConfig) throws IOException {
        ensemble = fixture.start(dir, extraConfig);
    }

    /** A member that is not the leader: its clients' writes cross a member link. */
    private int follower() {
        int leader = ensemble.leader(ensemble.all());
        return leader == 1 ? 2 : 1;
    }

    private int other(int a, int b) {
        for (int id : ensemble.all()) {
            if (id != a && id != b) {
                return id;
            }
        }
        throw new IllegalStateException();
    }

    /** Each member's last zxid (srvr's Zxid line). */
    private long[] zxids() {
        long[] z = new long[4];
        for (int id : ensemble.all()) {
            for (String line : ensemble.fourLetterWord(id, "srvr").split("\n")) {
                if (line.startsWith("Zxid: ")) {
                    z[id] = Long.decode(line.substring(6).trim());
                }
            }
        }
        return z;
    }

    private ZooKeeper connect(String connect, List<KeeperState> states) throws IOException {
        ZooKeeper zk = fixture.track(new ZooKeeper(connect, 10_000, StockClientEnsemble.connectionStates(states)));
        await().atMost(Duration.ofSeconds(10)).until(() -> states.contains(KeeperState.SyncConnected));
        return zk;
    }

    private ZooKeeper reattach(String connect, long id, byte[] password, List<KeeperState> states)
            throws IOException {
        return fixture.track(
                new ZooKeeper(connect, 10_000, StockClientEnsemble.connectionStates(states), id, password));
    }

    @Test
    void localSessionLivesOnItsMemberAndCannotOwnEphemerals() throws Exception {
        startEnsemble("localSessionsEnabled=true\n");
        int member = follower();
        long[] before = zxids();
        ZooKeeper zk = connect(ensemble.connectString(member), new CopyOnWriteArrayList<>());
        // No CreateSessionTxn: no member's zxid moved (a global session would have moved all three).
        assertArrayEquals(before, zxids());
        assertEquals(member, zk.getSessionId() >>> 56, "a local session id carries its member's id");

        // Persistent nodes: written through the leader like any session's writes.
        zk.create("/local", "a".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.setData("/local", "b".getBytes(StandardCharsets.UTF_8), -1);
        assertEquals("b", new String(zk.getData("/local", false, null), StandardCharsets.UTF_8));
        // The epoch's first two txns: nothing was logged for the session before them.
        assertEquals(2, zxids()[member] & 0xffffffffL);

        // Without upgrading an ephemeral create (alone or in a multi) is refused as ZooKeeper refuses it.
        assertThrows(KeeperException.EphemeralOnLocalSessionException.class, () -> zk.create("/local/e",
                new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL));
        assertThrows(KeeperException.EphemeralOnLocalSessionException.class, () -> zk.multi(List.of(
                Op.create("/local/m", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.create("/local/e", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL))));
        assertEquals(List.of(), zk.getChildren("/local", false));

        // Another member does not know the session: SESSIONEXPIRED, as ZooKeeper answers.
        List<KeeperState> elsewhere = new CopyOnWriteArrayList<>();
        reattach(ensemble.connectString(other(member, 0)), zk.getSessionId(), zk.getSessionPasswd(), elsewhere);
        await().atMost(Duration.ofSeconds(10)).until(() -> elsewhere.contains(KeeperState.Expired));
        // Its own member still has it (the same client goes on working there).
        assertNotNull(zk.exists("/local", false));

        long[] beforeClose = zxids();
        zk.close();
        assertArrayEquals(beforeClose, zxids(), "a local session's close is no txn either");
    }

    @Test
    void localSessionExpiresOnItsMember() throws Exception {
        startEnsemble("localSessionsEnabled=true\n");
        int member = follower();
        long[] before = zxids();
        ConnectResponse session;
        try (Socket first = send(ensemble, member, connectRequest(0, new byte[16], 400, Boolean.FALSE))) {
            session = readConnectResponse(first);
            assertEquals(member, session.sessionId() >>> 56);
            assertEquals(400, session.timeOut());
            // Its member takes it back on a new connection (the old one is closed).
            try (Socket again = send(ensemble, member,
                    connectRequest(session.sessionId(), session.passwd(), 400, Boolean.FALSE))) {
                ConnectResponse back = readConnectResponse(again);
                assertEquals(session.sessionId(), back.sessionId());
                assertEquals(400, back.timeOut());
                assertEquals(-1, readOrEof(first), "the session moved to the new connection");
                // Nothing sent within its timeout: the member expires the session and closes its connection.
                assertEquals(-1, readOrEof(again));
            }
        }
        try (Socket s = send(ensemble, member,
                connectRequest(session.sessionId(), session.passwd(), 400, Boolean.FALSE))) {
            assertEquals(0, readConnectResponse(s).timeOut(), "expired: ZooKeeper's timeout-0 answer");
        }
        // Created and expired without a txn.
        assertArrayEquals(before, zxids());
    }

    @Test
    void upgradingMakesTheFirstEphemeralCreateGlobal() throws Exception {
        startEnsemble("localSessionsEnabled=true\nlocalSessionsUpgradingEnabled=true\n");
        int member = follower();
        int another = other(member, 0);
        long[] before = zxids();
        ZooKeeper zk = connect(ensemble.connectString(member), new CopyOnWriteArrayList<>());
        assertArrayEquals(before, zxids(), "created local: no txn");
        zk.addAuthInfo("digest", "owner:secret".getBytes(StandardCharsets.UTF_8));
        zk.create("/up", new byte[0], ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        long beforeUpgrade = zxids()[member];

        String path = zk.create("/up/e", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        // One CreateSessionTxn (the upgrade), then the create.
        assertEquals(beforeUpgrade + 2, zxids()[member]);
        assertEquals(zk.getSessionId(), zk.exists(path, false).getEphemeralOwner());
        // The identities the local session had authenticated with went with it.
        assertNotNull(zk.getChildren("/up", false));
        zk.create("/up/e2", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        assertEquals(beforeUpgrade + 3, zxids()[member], "upgraded once");

        // Another member sees the node owned by a global session it knows.
        ZooKeeper observer = connect(ensemble.connectString(another), new CopyOnWriteArrayList<>());
        observer.addAuthInfo("digest", "owner:secret".getBytes(StandardCharsets.UTF_8));
        observer.sync("/up");
        Stat stat = observer.exists(path, false);
        assertNotNull(stat);
        assertEquals(zk.getSessionId(), stat.getEphemeralOwner());

        // The session is global now: another member takes it (a local session would be expired there).
        List<KeeperState> moved = new CopyOnWriteArrayList<>();
        ZooKeeper same = reattach(ensemble.connectString(another), zk.getSessionId(), zk.getSessionPasswd(), moved);
        await().atMost(Duration.ofSeconds(10)).until(() -> moved.contains(KeeperState.SyncConnected));
        same.close(); // a global close: its ephemerals go with it
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            observer.sync("/up");
            return observer.getChildren("/up", false).isEmpty();
        });
    }
}
