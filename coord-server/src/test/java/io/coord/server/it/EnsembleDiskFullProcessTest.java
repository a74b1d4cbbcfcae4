package io.coord.server.it;

import io.coord.server.TestPorts;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coord.server.TestPorts;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three member processes; member 3's dataDir is a 24 MB tmpfs that another file fills up. Member 3
 * must leave the ensemble (its client port closes) without ending its process, the two others must
 * go on taking writes, and once the filler is deleted member 3 must come back by itself with the
 * same tree (zxid and digest). Needs root to mount the tmpfs; skipped otherwise.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EnsembleDiskFullProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path work;

    private Path mount;
    private boolean mounted;
    private final List<ServerProcess> members = new ArrayList<>();

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (ServerProcess m : members) {
            m.close();
        }
        if (mounted) {
            assertEquals(0, run("umount", mount.toString()), "umount " + mount);
        }
    }

    @Test
    void aMemberWithAFullDiskLeavesAndComesBackByItselfOnceSpaceIsFree() throws Exception {
        assumeTrue(ProcessTestSupport.selectedKind() == ServerProcess.Kind.COORD, "Coord's disk handling");
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "Linux only");
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        mount = Files.createDirectory(work.resolve("fs"));
        mounted = run("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount.toString()) == 0;
        assumeTrue(mounted, "cannot mount a tmpfs here");

        Map<String, String> keys = new HashMap<>(Map.of("initLimit", "10", "syncLimit", "5"));
        int[] clientPorts = new int[4];
        for (int id = 1; id <= 3; id++) {
            clientPorts[id] = TestPorts.next();
            keys.put("server." + id, "127.0.0.1:" + TestPorts.next() + ":" + TestPorts.next());
        }
        for (int id = 1; id <= 3; id++) {
            Path dataDir = id == 3 ? mount.resolve("data") : work.resolve("data" + id);
            Files.createDirectories(dataDir);
            Files.writeString(dataDir.resolve("myid"), id + "\n");
            members.add(ServerProcess.launch(ServerProcess.Kind.COORD, work.resolve("m" + id), dataDir,
                    clientPorts[id], keys));
        }
        for (ServerProcess m : members) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> serving(m));
        }
        ServerProcess full = members.get(2);
        String others = members.get(0).connectString() + "," + members.get(1).connectString();
        AtomicInteger written = new AtomicInteger();
        try (ZooKeeper zk = ProcessTestSupport.connect(others, 10_000)) {
            zk.create("/t", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            fill(mount.resolve("filler"));
            // Writes go on through the two others; member 3 must leave once it cannot log them.
            await().atMost(WAIT).until(() -> {
                create(zk, written);
                return full.fourLetterWord("ruok") == null;
            });
            assertTrue(full.isAlive(), "the member's process must not end:\n" + full.output());
            for (int i = 0; i < 50; i++) {
                create(zk, written);
            }
            Files.delete(mount.resolve("filler"));
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> serving(full));
            for (int i = 0; i < 10; i++) {
                create(zk, written);
            }
        }
        // Every member ends at the same zxid with the same tree digest.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            String reference = members.get(0).fourLetterWord("hash");
            return reference != null && !reference.isEmpty()
                    && members.stream().allMatch(m -> reference.equals(m.fourLetterWord("hash")));
        });
        try (ZooKeeper zk = ProcessTestSupport.connect(full.connectString(), 10_000)) {
            CountDownLatch synced = new CountDownLatch(1);
            zk.sync("/t", (rc, path, ctx) -> synced.countDown(), null);
            assertTrue(synced.await(10, TimeUnit.SECONDS));
            assertEquals(written.get(), zk.getChildren("/t", false).size());
        }
        assertTrue(full.output().contains("started from disk"), full.output());
    }

    private static boolean serving(ServerProcess m) {
        String srvr = m.fourLetterWord("srvr");
        return srvr != null && (srvr.contains("Mode: leader") || srvr.contains("Mode: follower"));
    }

    /**
     * Creates the next node, retrying while the ensemble elects a new leader (member 3 may have
     * led); a node whose earlier try was lost with the old leader counts too.
     */
    private static void create(ZooKeeper zk, AtomicInteger written) throws Exception {
        String path = "/t/n" + written.get();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreException(KeeperException.ConnectionLossException.class)
                .until(() -> {
                    try {
                        zk.create(path, new byte[1024], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    } catch (KeeperException.NodeExistsException e) {
                        // made by a try whose reply was lost
                    }
                    return true;
                });
        written.incrementAndGet();
    }

    private static void fill(Path filler) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
    }
}
