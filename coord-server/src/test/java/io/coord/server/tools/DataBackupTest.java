package io.coord.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.CoordServer;
import io.coord.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** coord-admin backup (while the server writes, snapshots and purges) and compare. */
class DataBackupTest {

    private static String run(int expectedStatus, String... args) {
        return DataDumpTest.run(expectedStatus, args);
    }

    /** A fatal error in a test server fails the test with its cause instead of halting the JVM. */
    private final java.util.List<String> fatal = new java.util.concurrent.CopyOnWriteArrayList<>();

    private CoordServer start(Path dir) throws Exception {
        return CoordServer.start(config(dir), new CoordServer.Hooks((what, cause) -> {
            java.io.StringWriter trace = new java.io.StringWriter();
            if (cause != null) {
                cause.printStackTrace(new java.io.PrintWriter(trace));
            }
            fatal.add(what + "\n" + trace);
        }, io.coord.server.storage.LogIo.REAL, null));
    }

    @org.junit.jupiter.api.AfterEach
    void noFatalError() {
        assertEquals(java.util.List.of(), fatal, "a server met a fatal error");
    }

    private static ServerConfig config(Path dir) {
        // Small snapCount and retain count: snapshots and purges happen while the backup copies.
        return ServerConfig.builder(dir).clientPort(0).tickTimeMs(200).snapCount(20).snapRetainCount(3)
                .fourLetterWords(Set.of("*")).build();
    }

    @Test
    void backupTakenWhileTheServerWritesHoldsEveryWriteAcknowledgedBeforeItAndServes(@TempDir Path tmp)
            throws Exception {
        Path data = tmp.resolve("data");
        Path backup = tmp.resolve("backup");
        int ackedBeforeBackup;
        try (CoordServer server = start(data)) {
            ZooKeeper zk = ZooKeeperImportTest.connect("127.0.0.1:" + server.clientPort(), 0, null);
            AtomicInteger acked = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Exception> writerFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; !stop.get(); i++) {
                        zk.create("/n" + i, new byte[100], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                        acked.set(i + 1);
                    }
                } catch (Exception e) {
                    writerFailure.set(e);
                }
            });
            writer.start();
            org.awaitility.Awaitility.await().until(() -> acked.get() >= 200);
            ackedBeforeBackup = acked.get();
            String report = run(0, "backup", data.toString(), "--to", backup.toString());
            assertTrue(report.contains("verified"), report);
            int ackedAfterBackup = acked.get();
            stop.set(true);
            writer.join();
            assertEquals(null, writerFailure.get());
            assertTrue(ackedAfterBackup > ackedBeforeBackup, "writes went on during the backup: " + report);
            zk.close();
        }
        // The live directory moved on after the backup: compare says so.
        String differs = run(1, "compare", backup.toString(), data.toString());
        assertTrue(differs.contains("only in B") && differs.contains("DIFFERENT"), differs);
        // A server started on the backup serves every write acknowledged before the backup began.
        try (CoordServer restored = start(backup)) {
            ZooKeeper zk = ZooKeeperImportTest.connect("127.0.0.1:" + restored.clientPort(), 0, null);
            for (int i = 0; i < ackedBeforeBackup; i++) {
                assertNotNull(zk.exists("/n" + i, false), "/n" + i + " was acknowledged before the backup");
            }
            zk.close();
        }
    }

    @Test
    void compareNamesTheNodeAndFieldThatDiffer(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a");
        try (CoordServer server = start(a)) {
            ZooKeeper zk = ZooKeeperImportTest.connect("127.0.0.1:" + server.clientPort(), 0, null);
            zk.create("/same", "x".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT);
            zk.create("/changes", "v1".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT);
            zk.close();
        }
        Path b = tmp.resolve("b");
        run(0, "backup", a.toString(), "--to", b.toString());
        String same = run(0, "compare", a.toString(), b.toString());
        assertTrue(same.endsWith("SAME\n"), same);
        try (CoordServer server = start(b)) {
            ZooKeeper zk = ZooKeeperImportTest.connect("127.0.0.1:" + server.clientPort(), 0, null);
            zk.setData("/changes", "v2-longer".getBytes(StandardCharsets.UTF_8), 0);
            zk.close();
        }
        String differs = run(1, "compare", a.toString(), b.toString());
        assertTrue(differs.contains("/changes: data (2 / 9 bytes)") && differs.contains("version 0 / 1"), differs);
        assertTrue(!differs.contains("/same:"), differs);
    }

    @Test
    void backupNeverOverwrites(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        try (CoordServer server = start(data)) {
            assertTrue(server.clientPort() > 0);
        }
        Path target = Files.createDirectories(tmp.resolve("occupied"));
        Files.writeString(target.resolve("keep-me"), "x");
        String refused = run(1, "backup", data.toString(), "--to", target.toString());
        assertTrue(refused.contains("not empty"), refused);
        assertEquals("x", Files.readString(target.resolve("keep-me")));
    }
}
