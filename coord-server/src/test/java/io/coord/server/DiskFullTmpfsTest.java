package io.coord.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coord.server.config.ServerConfig;
import io.coord.server.storage.LogIo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full file system: dataDir on a 24 MB tmpfs filled up by another file. Needs root (to
 * mount); skipped otherwise.
 */
class DiskFullTmpfsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Path mount;
    private boolean mounted;
    private CoordServer server;
    private final List<ZooKeeper> clients = new ArrayList<>();
    private final List<String> fatals = new CopyOnWriteArrayList<>();

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    @BeforeEach
    void mountTmpfs() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "Linux only");
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        mount = Files.createDirectory(tmp.resolve("fs"));
        mounted = run("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount.toString()) == 0;
        assumeTrue(mounted, "cannot mount a tmpfs here");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (ZooKeeper zk : clients) {
            zk.close(1000);
        }
        if (server != null) {
            server.close();
        }
        if (mounted) {
            assertEquals(0, run("umount", mount.toString()), "umount " + mount);
        }
    }

    private CoordServer start(int port) throws IOException {
        ServerConfig config = ServerConfig.builder(mount).clientPort(port).tickTimeMs(200).build();
        return CoordServer.start(config, new CoordServer.Hooks((what, cause) -> fatals.add(what), LogIo.REAL, null));
    }

    private ZooKeeper connect() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.clientPort(), 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        clients.add(zk);
        assertTrue(connected.await(10, TimeUnit.SECONDS));
        return zk;
    }

    /** Fills the file system with one file; returns it. */
    private Path fill() throws IOException {
        Path filler = mount.resolve("filler");
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            assertTrue(e.getMessage().contains("No space left"), e.toString());
        }
        return filler;
    }

    @Test
    void aFullFileSystemRefusesWritesUntilSpaceIsFreedAndKeepsEveryAck() throws Exception {
        server = start(0);
        ZooKeeper zk = connect();
        byte[] data = new byte[1024];
        zk.create("/before", data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        Path filler = fill();
        List<String> acked = new ArrayList<>();
        String refused = null;
        for (int i = 0; i < 10_000 && refused == null; i++) {
            String path = "/n" + i;
            try {
                acked.add(zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            } catch (KeeperException.ThrottledOpException e) {
                refused = path;
            }
        }
        assertNotNull(refused, "a write was refused once the file system was full");
        assertNull(zk.exists(refused, false));
        assertArrayEquals(data, zk.getData("/before", false, null), "reads are served");
        long session = zk.getSessionId();

        Files.delete(filler);
        await().atMost(WAIT).ignoreException(KeeperException.ThrottledOpException.class)
                .until(() -> zk.create("/after", data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT) != null);
        assertEquals(session, zk.getSessionId());
        assertTrue(fatals.isEmpty(), fatals.toString());

        int port = server.clientPort();
        zk.close(1000);
        clients.clear();
        server.close();
        server = start(port);
        ZooKeeper again = connect();
        for (String path : acked) {
            assertNotNull(again.exists(path, false), "acked " + path + " survived");
        }
        assertNotNull(again.exists("/after", false));
        assertNull(again.exists(refused, false));
    }
}
