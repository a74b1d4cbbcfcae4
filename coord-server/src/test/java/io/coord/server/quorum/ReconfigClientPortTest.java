package io.coord.server.quorum;

import static io.coord.server.quorum.ReconfigTest.config;
import static io.coord.server.quorum.ReconfigTest.established;
import static io.coord.server.quorum.ReconfigTest.superAdmin;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.TestPorts;
import io.coord.server.admin.AdminCommand;
import io.coord.server.admin.CommandAnswers;
import io.coord.server.config.ConfigParser;
import io.coord.server.config.ServerConfig;
import io.coord.server.config.DynamicConfig;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reconfig that gives an existing member a new client address (its line again with
 * {@code -add}), as ZooKeeper's QuorumPeer.processReconfig → cnxnFactory.reconfigure: the member
 * binds the new port, closes the old listener and keeps its open connections.
 */
class ReconfigClientPortTest {

    @Test
    void aMemberMovesItsClientPort(@TempDir Path dir) throws Exception {
        try (DynamicEnsemble e = new DynamicEnsemble(dir)) {
            e.startThree();
            int oldPort = e.clientPort(2);
            ServerConfig startedWith = ConfigParser.load(e.configFile(2));
            try (ZooKeeperAdmin admin = superAdmin(e.connectString(1, 3));
                 CuratorFramework curator = CuratorFrameworkFactory.builder().connectString(e.connectString(1, 2, 3))
                         .ensembleTracker(true).retryPolicy(new RetryOneTime(100)).build()) {
                curator.start();
                DynamicConfig before = established(admin);
                ZooKeeperAdmin onOldPort = superAdmin(e.connectString(2));
                onOldPort.create("/moving", "1".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
                long session = onOldPort.getSessionId();

                e.setClientPort(2, TestPorts.next());
                DynamicConfig moved = config(admin.reconfigure(e.serverLine(2), null, null, -1, new Stat()));
                assertTrue(moved.version() > before.version());
                assertEquals(new InetSocketAddress("127.0.0.1", e.clientPort(2)), moved.servers().get(2L).clientAddress());
                assertTrue(moved.text().contains(e.serverLine(2) + "\n"), moved.text());

                // The new port serves (srvr, then a stock client's writes and reads) and the old one is closed.
                await().atMost(Duration.ofSeconds(10)).until(() -> "follower".equals(e.mode(2))
                        || "leader".equals(e.mode(2)));
                try (ZooKeeperAdmin onNewPort = superAdmin(e.connectString(2))) {
                    onNewPort.create("/moved", "2".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            CreateMode.PERSISTENT);
                    assertEquals("1", new String(onNewPort.getData("/moving", false, null), StandardCharsets.UTF_8));
                    assertEquals(moved, config(onNewPort.getConfig(false, new Stat())));
                }
                assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), oldPort).close());
                // The AdminServer's answers show the new client address, not the start-up configuration's.
                CommandAnswers answers = new CommandAnswers(startedWith, "", () -> null);
                assertEquals(e.clientPort(2), answers.answer(AdminCommand.CONFIGURATION,
                        ReconfigQuorumAddressTest.status(e, 2)).get("client_port"));
                assertEquals("127.0.0.1:" + e.clientPort(2), answers.answer(AdminCommand.ZABSTATE,
                        ReconfigQuorumAddressTest.status(e, 2)).get("client_address"));

                // The session that came in through the old port goes on on its open connection.
                onOldPort.setData("/moving", "3".getBytes(StandardCharsets.UTF_8), -1);
                assertEquals("3", new String(onOldPort.getData("/moving", false, null), StandardCharsets.UTF_8));
                assertEquals(ZooKeeper.States.CONNECTED, onOldPort.getState());
                assertEquals(session, onOldPort.getSessionId());
                onOldPort.close();

                // Curator's EnsembleTracker follows /zookeeper/config to the new connect string.
                await().atMost(Duration.ofSeconds(20)).until(() -> sorted(curator.getZookeeperClient()
                        .getCurrentConnectionString()).equals(sorted(e.connectString(1, 2, 3))));

                // A restart reads the rewritten zoo.cfg and dynamic file: it comes up on the new port.
                e.stop(2);
                e.start(2);
                e.awaitServing(1, 2, 3);
                try (ZooKeeperAdmin restarted = superAdmin(e.connectString(2))) {
                    assertEquals(moved, config(restarted.getConfig(false, new Stat())));
                    assertNotNull(restarted.exists("/moved", false));
                }
                assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), oldPort).close());
            }
            assertEquals(List.of(), e.fatals);
        }
    }

    @Test
    void aPortInUseKeepsTheOldListenerAndTheChangeCommits(@TempDir Path dir) throws Exception {
        try (DynamicEnsemble e = new DynamicEnsemble(dir);
             ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            e.startThree();
            int oldPort = e.clientPort(3);
            try (ZooKeeperAdmin admin = superAdmin(e.connectString(1, 2))) {
                established(admin);
                e.setClientPort(3, taken.getLocalPort());
                DynamicConfig moved = config(admin.reconfigure(e.serverLine(3), null, null, -1, new Stat()));
                assertEquals(taken.getLocalPort(), moved.servers().get(3L).clientAddress().getPort());
                e.setClientPort(3, oldPort);
                // Member 3 took the change (its zoo.cfg points at the new dynamic file) but still listens where it did.
                await().atMost(Duration.ofSeconds(10)).until(() -> java.nio.file.Files.readString(e.configFile(3))
                        .contains(Long.toHexString(moved.version())));
                assertTrue(List.of("leader", "follower").contains(e.mode(3)), e.fourLetterWord(3, "srvr"));
                assertTrue(e.fourLetterWord(3, "mntr").contains("zk_server_state"));
                try (ZooKeeperAdmin onThree = superAdmin(e.connectString(3))) {
                    assertEquals(moved, config(onThree.getConfig(false, new Stat())));
                }
                // Refused: a client address another member listens on (ZooKeeper's checkAddressDuplicate).
                e.setClientPort(3, e.clientPort(1));
                assertThrows(KeeperException.BadArgumentsException.class,
                        () -> admin.reconfigure(e.serverLine(3), null, null, -1, new Stat()));
                e.setClientPort(3, oldPort);
                assertEquals(moved, config(admin.getConfig(false, new Stat())));
            }
            assertEquals(List.of(), e.fatals);
        }
    }

    private static String sorted(String connectString) {
        return new java.util.TreeSet<>(List.of(connectString.split(","))).toString();
    }
}
