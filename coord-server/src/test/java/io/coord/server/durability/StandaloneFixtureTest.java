package io.coord.server.durability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.CoordServer;
import io.coord.server.config.ServerConfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone data directory written by the code of 2026-12-03 (before standalone and ensemble
 * shared one pipeline; {@link StandaloneFixtureWriter} wrote it) still starts: its nodes, its live
 * session (reattached with the id and password the old server gave) and that session's ephemeral
 * come back, twice — the second start reads what the first one wrote.
 */
class StandaloneFixtureTest {

    @Test
    void aDataDirWrittenByTheOldStandaloneServerStartsAndKeepsItsSession(@TempDir Path tmp) throws Exception {
        Path fixture = Path.of(StandaloneFixtureTest.class.getResource("/fixtures/standalone-v1").toURI());
        Properties expected = new Properties();
        try (InputStream in = Files.newInputStream(fixture.resolve("expected.properties"))) {
            expected.load(in);
        }
        Path data = tmp.resolve("data");
        copy(fixture.resolve("data"), data);
        long sessionId = Long.parseUnsignedLong(expected.getProperty("sessionId"), 16);
        byte[] password = HexFormat.of().parseHex(expected.getProperty("password"));
        for (int start = 0; start < 2; start++) {
            ServerConfig config = ServerConfig.builder(data).clientPort(0).tickTimeMs(2000).snapCount(10).build();
            try (CoordServer server = CoordServer.start(config)) {
                ZooKeeper zk = connect(server.clientPort(), sessionId, password);
                try {
                    assertEquals(sessionId, zk.getSessionId(), "the old session was reattached");
                    Stat stat = new Stat();
                    assertArrayEquals("after-snapshot".getBytes(StandardCharsets.UTF_8),
                            zk.getData("/fixture", false, stat));
                    assertEquals(Integer.parseInt(expected.getProperty("fixtureVersion")), stat.getVersion());
                    assertEquals(Integer.parseInt(expected.getProperty("children")),
                            zk.getChildren("/fixture", false).size());
                    Stat eph = zk.exists("/fixture/eph", false);
                    assertNotNull(eph, "the live session's ephemeral");
                    assertEquals(sessionId, eph.getEphemeralOwner());
                    assertThrows(KeeperException.NoAuthException.class, () -> zk.getData("/fixture/acl", false, null));
                    zk.addAuthInfo("digest", "user:secret".getBytes(StandardCharsets.UTF_8));
                    assertArrayEquals("guarded".getBytes(StandardCharsets.UTF_8), zk.getData("/fixture/acl", false, null));
                    // Writes carry on after the old history.
                    zk.setData("/fixture", "after-snapshot".getBytes(StandardCharsets.UTF_8), stat.getVersion());
                    zk.setData("/fixture", "after-snapshot".getBytes(StandardCharsets.UTF_8), stat.getVersion() + 1);
                    expected.setProperty("fixtureVersion", String.valueOf(stat.getVersion() + 2));
                } finally {
                    server.close(); // leave the session open for the next start
                    zk.close();
                }
            }
        }
    }

    private static ZooKeeper connect(int port, long sessionId, byte[] password) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, sessionId, password);
        assertTrue(connected.await(10, TimeUnit.SECONDS), "reattached");
        return zk;
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
