package io.coord.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.config.ConfigParser;
import io.coord.server.config.ServerConfig;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * localSessionsEnabled on a standalone server: accepted at start-up (it used to be refused), and,
 * as on ZooKeeper's standalone server (ZooKeeperServerMain reads neither key; its ZooKeeperServer
 * marks no request local), sessions stay global: the session is a txn and owns ephemerals without
 * upgrading, so a zoo.cfg copied from an ensemble keeps working standalone.
 */
class LocalSessionsStandaloneTest {

    @Test
    void standaloneSessionsStayGlobalAsZooKeepers(@TempDir Path dir) throws Exception {
        ServerConfig config = parse("dataDir=" + dir + "\nclientPort=" + TestPorts.next()
                + "\nclientPortAddress=127.0.0.1\ntickTime=200\nlocalSessionsEnabled=true\n");
        assertTrue(config.localSessions().enabled());
        try (CoordServer server = CoordServer.start(config)) {
            CountDownLatch connected = new CountDownLatch(1);
            ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.clientPort(), 4000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
            try {
                assertTrue(connected.await(10, TimeUnit.SECONDS), "connected");
                zk.create("/e", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                Stat stat = zk.exists("/e", false);
                assertEquals(zk.getSessionId(), stat.getEphemeralOwner());
                // The createSession was the epoch's first txn, the create its second.
                assertEquals(2, stat.getCzxid() & 0xffffffffL);
                assertEquals(List.of("e", "zookeeper"), zk.getChildren("/", false).stream().sorted().toList());
            } finally {
                zk.close();
            }
            try (ZooKeeper check = new ZooKeeper("127.0.0.1:" + server.clientPort(), 4000, e -> { })) {
                CountDownLatch synced = new CountDownLatch(1);
                check.sync("/", (rc, path, ctx) -> synced.countDown(), null);
                assertTrue(synced.await(10, TimeUnit.SECONDS));
                assertNull(check.exists("/e", false), "closing the global session deleted its ephemeral");
            }
        }
    }

    private static ServerConfig parse(String zooCfg) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(zooCfg));
        return ConfigParser.parse(p);
    }
}
