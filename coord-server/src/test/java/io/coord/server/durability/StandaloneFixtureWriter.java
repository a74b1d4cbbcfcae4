package io.coord.server.durability;

import io.coord.server.CoordServer;
import io.coord.server.config.ServerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the standalone data directory kept under src/test/resources/fixtures/standalone-v1 (see
 * {@link StandaloneFixtureTest}): a snapshot, log records after it, a live session with an
 * ephemeral node. Run only on demand, with the code whose format the fixture is to keep:
 * {@code -Dtest=StandaloneFixtureWriter -Dcoord.fixture.write=<empty dir>}.
 */
class StandaloneFixtureWriter {

    @Test
    @EnabledIfSystemProperty(named = "coord.fixture.write", matches = ".+")
    void write() throws Exception {
        Path dir = Path.of(System.getProperty("coord.fixture.write"));
        Files.createDirectories(dir);
        ServerConfig config = ServerConfig.builder(dir.resolve("data")).clientPort(0).tickTimeMs(2000).snapCount(10)
                .build();
        Properties expected = new Properties();
        try (CoordServer server = CoordServer.start(config)) {
            ZooKeeper zk = connect(server.clientPort());
            zk.create("/fixture", "persistent-data".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT);
            for (int i = 0; i < 12; i++) {
                zk.create("/fixture/child-", ("c" + i).getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT_SEQUENTIAL);
            }
            zk.setData("/fixture", "v1".getBytes(StandardCharsets.UTF_8), -1);
            awaitSnapshot(dir.resolve("data/version-1"));
            // After the snapshot: these live only in the log.
            zk.setData("/fixture", "after-snapshot".getBytes(StandardCharsets.UTF_8), -1);
            zk.create("/fixture/eph", "e".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.EPHEMERAL);
            zk.delete("/fixture/child-0000000000", -1);
            zk.addAuthInfo("digest", "user:secret".getBytes(StandardCharsets.UTF_8));
            zk.create("/fixture/acl", "guarded".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.CREATOR_ALL_ACL,
                    CreateMode.PERSISTENT);
            expected.setProperty("sessionId", Long.toHexString(zk.getSessionId()));
            expected.setProperty("password", HexFormat.of().formatHex(zk.getSessionPasswd()));
            expected.setProperty("fixtureVersion", String.valueOf(zk.exists("/fixture", false).getVersion()));
            expected.setProperty("children", String.valueOf(zk.getChildren("/fixture", false).size()));
            // The server stops with the session still open: it must come back after a restart.
            server.close();
            zk.close();
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve("expected.properties"))) {
            expected.store(out, "written by StandaloneFixtureWriter");
        }
    }

    private static void awaitSnapshot(Path versionDir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(versionDir)) {
                if (files.anyMatch(p -> p.getFileName().toString().endsWith(".snap"))) {
                    return;
                }
            } catch (IOException ignored) {
                // not there yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no snapshot written");
    }

    private static ZooKeeper connect(int port) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("not connected");
        }
        return zk;
    }
}
