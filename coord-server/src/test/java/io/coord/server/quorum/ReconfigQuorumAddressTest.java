package io.coord.server.quorum;

import static io.coord.server.quorum.ReconfigTest.config;
import static io.coord.server.quorum.ReconfigTest.established;
import static io.coord.server.quorum.ReconfigTest.superAdmin;
import static io.coord.server.quorum.ReconfigTest.syncThenExists;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.TestPorts;
import io.coord.server.admin.AdminCommand;
import io.coord.server.admin.CommandAnswers;
import io.coord.server.admin.JmxBeans;
import io.coord.server.admin.ServerStatus;
import io.coord.server.admin.StatusSource;
import io.coord.server.config.ConfigParser;
import io.coord.server.config.ServerConfig;
import io.coord.server.config.DynamicConfig;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reconfig that gives an existing member a new quorum address (its line again with {@code -add}
 * and another quorum port), as ZooKeeper allows: the member binds its new quorum listener and closes
 * the old one, the others redial it there, writes go on, and a restart from its rewritten zoo.cfg and
 * dynamic file listens at the new port. Every reconfig here is the stock client's
 * {@code ZooKeeperAdmin.reconfigure}.
 */
class ReconfigQuorumAddressTest {

    @Test
    void aFollowerThenTheLeaderMoveTheirQuorumPorts(@TempDir Path dir) throws Exception {
        try (DynamicEnsemble e = new DynamicEnsemble(dir)) {
            int leader = e.startThree();
            int follower = leader == 2 ? 3 : 2;
            ServerConfig startedWith = ConfigParser.load(e.configFile(follower));
            try (ZooKeeperAdmin admin = superAdmin(e.connectString(1, 2, 3));
                 JmxBeans jmx = JmxBeans.start(e.member(follower).statusSource(), startedWith,
                         e.clientPort(follower))) {
                DynamicConfig before = established(admin);
                write(admin, "/before");

                DynamicConfig followerMoved = move(e, admin, follower);
                assertTrue(followerMoved.version() > before.version());
                writeAndSeeEverywhere(e, admin, "/after-follower-move");
                // The AdminServer's answers and the JMX beans show the address it moved to, not the
                // start-up configuration's.
                String movedTo = "127.0.0.1:" + e.quorumPort(follower);
                CommandAnswers answers = new CommandAnswers(startedWith, "", () -> null);
                assertEquals(movedTo, answers.answer(AdminCommand.ZABSTATE, status(e, follower)).get("quorum_address"));
                Map<?, ?> view = (Map<?, ?>) answers.answer(AdminCommand.VOTING_VIEW, status(e, follower))
                        .get("current_config");
                assertEquals(List.of(movedTo), ((Map<?, ?>) view.get(Integer.toString(follower))).get("server_addresses"));
                ObjectName peer = new ObjectName("org.apache.ZooKeeperService:name0=ReplicatedServer_id" + follower
                        + ",name1=replica." + follower);
                assertEquals(movedTo, ManagementFactory.getPlatformMBeanServer().getAttribute(peer, "QuorumAddress"));
                assertEquals("127.0.0.1:" + e.clientPort(follower),
                        ManagementFactory.getPlatformMBeanServer().getAttribute(peer, "ClientAddress"));

                leader = e.awaitServing(1, 2, 3);
                DynamicConfig leaderMoved = move(e, admin, leader);
                assertTrue(leaderMoved.version() > followerMoved.version());
                e.awaitServing(1, 2, 3);
                writeAndSeeEverywhere(e, admin, "/after-leader-move");

                // Killed and started again from its rewritten zoo.cfg and dynamic file: it listens at
                // the new port only, the others reach it there, and it syncs.
                String cfg = Files.readString(e.configFile(follower));
                assertTrue(cfg.contains("dynamicConfigFile=") && cfg.contains(Long.toHexString(leaderMoved.version())), cfg);
                int followerPort = e.quorumPort(follower);
                e.stop(follower);
                writeAndSeeEverywhere(e, admin, "/while-down", 1, 2, 3);
                e.start(follower);
                e.awaitServing(1, 2, 3);
                assertEquals(followerPort, e.member(follower).quorumAddress().getPort());
                writeAndSeeEverywhere(e, admin, "/after-restart");
                try (ZooKeeperAdmin onRestarted = superAdmin(e.connectString(follower))) {
                    assertEquals(leaderMoved, config(onRestarted.getConfig(false, new Stat())));
                    assertTrue(syncThenExists(onRestarted, "/while-down"));
                }
            }
            assertEquals(List.of(), e.fatals);
        }
    }

    @Test
    void aTakenPortKeepsTheOldListenerAndTheEnsembleWorks(@TempDir Path dir) throws Exception {
        // Bound, not listening: the port cannot be bound again and a dial to it is refused. (A port
        // another program listens on would take the others' links: Coord's dialer does not wait for
        // an answer to its hello before it counts a link as up.)
        try (DynamicEnsemble e = new DynamicEnsemble(dir); Socket taken = new Socket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int leader = e.startThree();
            int moved = leader == 3 ? 2 : 3;
            int oldPort = e.quorumPort(moved);
            try (ZooKeeperAdmin admin = superAdmin(e.connectString(1, 2, 3))) {
                established(admin);
                e.setQuorumPort(moved, taken.getLocalPort());
                DynamicConfig c = config(admin.reconfigure(e.serverLine(moved), null, null, -1, new Stat()));
                assertEquals(taken.getLocalPort(), c.servers().get((long) moved).quorumPort());
                // The change committed and the member took it, but it still listens where it did.
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(e.configFile(moved))
                        .contains(Long.toHexString(c.version())));
                assertEquals(oldPort, e.member(moved).quorumAddress().getPort());
                e.awaitServing(1, 2, 3);
                writeAndSeeEverywhere(e, admin, "/still-linked");
                // Refused: another member's quorum address (ZooKeeper's checkAddressDuplicate).
                int other = moved == 3 ? 1 : 3;
                e.setQuorumPort(moved, e.quorumPort(other));
                assertThrows(KeeperException.BadArgumentsException.class,
                        () -> admin.reconfigure(e.serverLine(moved), null, null, -1, new Stat()));
                assertEquals(c, config(admin.getConfig(false, new Stat())));
            }
            assertEquals(List.of(), e.fatals);
        }
    }

    static ServerStatus status(DynamicEnsemble e, int id) throws Exception {
        return e.member(id).statusSource().status(StatusSource.Scope.SUMMARY).get(10, TimeUnit.SECONDS);
    }

    /**
     * Moves member {@code id}'s quorum port with the stock client and waits until it listens there
     * and the old port is closed. The reply may be lost when the leader's links are redialed (the
     * member holding the client's connection drops it when it loses the leader): then the config is read.
     */
    private static DynamicConfig move(DynamicEnsemble e, ZooKeeperAdmin admin, int id) throws Exception {
        int oldPort = e.quorumPort(id);
        e.setQuorumPort(id, TestPorts.next());
        String line = e.serverLine(id);
        DynamicConfig c;
        try {
            c = config(admin.reconfigure(line, null, null, -1, new Stat()));
        } catch (KeeperException.ConnectionLossException lost) {
            c = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> config(admin.getConfig(false, new Stat())), d -> d.text().contains(line + "\n"));
        }
        assertTrue(c.text().contains(line + "\n"), c.text());
        assertEquals(e.quorumPort(id), c.servers().get((long) id).quorumPort());
        await().atMost(Duration.ofSeconds(10)).until(() -> e.member(id).quorumAddress().getPort() == e.quorumPort(id));
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), oldPort).close());
        return c;
    }

    /** A write that commits (retried through a re-election for up to 30 s). */
    private static void write(ZooKeeperAdmin admin, String path) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            try {
                admin.create(path, path.getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
            } catch (KeeperException.NodeExistsException done) {
                // an earlier try committed and its reply was lost
            }
            return true;
        });
    }

    private static void writeAndSeeEverywhere(DynamicEnsemble e, ZooKeeperAdmin admin, String path) throws Exception {
        writeAndSeeEverywhere(e, admin, path, 1, 2, 3);
    }

    /** Writes {@code path}, then every running member of {@code ids} has it (a sync, then a read there). */
    private static void writeAndSeeEverywhere(DynamicEnsemble e, ZooKeeperAdmin admin, String path, int... ids)
            throws Exception {
        write(admin, path);
        for (int id : ids) {
            if (e.member(id) == null) {
                continue;
            }
            try (ZooKeeperAdmin there = superAdmin(e.connectString(id))) {
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> syncThenExists(there, path));
            }
        }
    }
}
