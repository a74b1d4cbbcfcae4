package io.coord.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.CoordServer;
import io.coord.server.TestPorts;
import io.coord.server.admin.AdminServer;
import io.coord.server.admin.CommandAnswers;
import io.coord.server.admin.SnapshotCommands;
import io.coord.server.auth.AuthPolicy;
import io.coord.server.config.AdminConfig;
import io.coord.server.config.ServerConfig;
import io.coord.server.net.NettyTransport;
import io.coord.server.storage.SnapshotStore;
import io.coord.server.tree.DataTree;
import io.coord.server.tree.NodeState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** coord-admin backup --server / restore --server against a running standalone server. */
class OnlineBackupTest {

    private static String run(int expectedStatus, String... args) {
        return DataDumpTest.run(expectedStatus, args);
    }

    private static ServerConfig config(Path dir) throws Exception {
        // Small snapCount: periodic snapshots run beside the backups.
        return ServerConfig.builder(dir).clientPort(TestPorts.next()).tickTimeMs(200).snapCount(50).build();
    }

    private static AdminServer admin(CoordServer server, ServerConfig config) throws Exception {
        AdminConfig admin = AdminConfig.loopback(TestPorts.next()).withSnapshotRestore(true, true, 0);
        return AdminServer.start(admin, NettyTransport.of("nio"), server.statusSource(),
                new CommandAnswers(config, "", () -> null),
                new SnapshotCommands(admin, server.dataTransfer(), AuthPolicy.of(config), System::currentTimeMillis));
    }

    private static DataTree treeOf(Path snapshotFile) throws Exception {
        return SnapshotStore.loadFile(snapshotFile, null,
                s -> DataTree.fromSnapshot(sink -> s.forEachNodeBytes(sink::accept), s.nodeCount()));
    }

    /**
     * Every write is one multi: create /k/n and set /count to n+1. A point-in-time copy therefore has
     * exactly /count children under /k; a copy that mixed moments would not (checked on a tree of
     * hundreds of nodes changing while the backup is taken).
     */
    @Test
    void aBackupTakenUnderWriteLoadIsAConsistentTreeAndMatchesTheServer(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        ServerConfig config = config(data);
        String digestOfLastBackup;
        String digestLine;
        try (CoordServer server = CoordServer.start(config); AdminServer http = admin(server, config)) {
            ZooKeeper zk = ZooKeeperImportTest.connect("127.0.0.1:" + server.clientPort(), 0, null);
            zk.create("/k", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/count", "0".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger acked = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int n = 0; !stop.get(); n++) {
                        zk.multi(List.of(Op.create("/k/n" + n, ("v" + n).getBytes(StandardCharsets.UTF_8),
                                        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                                Op.setData("/count", Integer.toString(n + 1).getBytes(StandardCharsets.UTF_8), -1)));
                        acked.set(n + 1);
                    }
                } catch (Exception e) {
                    failure.set(e);
                }
            }, "writer");
            writer.start();
            String server1 = "127.0.0.1:" + http.port();
            for (int i = 0; i < 3; i++) {
                while (acked.get() < 100 * (i + 1)) {
                    Thread.onSpinWait();
                }
                int ackedBefore = acked.get();
                Path file = tmp.resolve("backup" + i + ".snap");
                String out = run(0, "backup", "--server", server1, "--to", file.toString(), "--auth", "digest:op:pw");
                assertTrue(out.contains("verified"), out);
                DataTree tree = treeOf(file);
                NodeState count = tree.node("/count");
                int counted = Integer.parseInt(new String(count.data(), StandardCharsets.UTF_8));
                assertEquals(counted, tree.childCount("/k"), "a consistent point in time: " + out);
                assertTrue(counted >= ackedBefore, counted + " holds every write acknowledged before the backup ("
                        + ackedBefore + ")");
                for (int n = 0; n < counted; n++) {
                    assertNotNull(tree.node("/k/n" + n), "/k/n" + n);
                }
            }
            stop.set(true);
            writer.join();
            assertNull(failure.get());
            assertTrue(acked.get() > 300, "writes went on: " + acked.get());
            zk.close(); // its closeSession is the last txn: the next backup sees all
            Path last = tmp.resolve("last.snap");
            String out = run(0, "backup", "--server", server1, "--to", last.toString(), "--auth", "digest:op:pw");
            digestOfLastBackup = out.substring(out.indexOf("digest ") + "digest ".length());
            // A backup never overwrites.
            String refused = run(1, "backup", "--server", server1, "--to", last.toString(), "--auth", "digest:op:pw");
            assertTrue(refused.contains("never overwrites"), refused);
        }
        // The last backup is the server's state: its digest and zxid are what the data directory recovers.
        digestLine = run(0, "digest", data.toString());
        assertEquals(digestLine, digestOfLastBackup);
    }

    @Test
    void restoreThroughTheToolServesTheBackupAndADamagedFileIsRefusedBeforeSending(@TempDir Path tmp)
            throws Exception {
        ServerConfig sourceConfig = config(tmp.resolve("source"));
        Path backup = tmp.resolve("b.snap");
        try (CoordServer server = CoordServer.start(sourceConfig); AdminServer http = admin(server, sourceConfig)) {
            ZooKeeper zk = ZooKeeperImportTest.connect("127.0.0.1:" + server.clientPort(), 0, null);
            for (int i = 0; i < 50; i++) {
                zk.create("/b" + i, ("x" + i).getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
            }
            zk.close();
            run(0, "backup", "--server", "127.0.0.1:" + http.port(), "--to", backup.toString(), "--auth", "digest:op:pw");
        }
        byte[] bytes = Files.readAllBytes(backup);
        bytes[bytes.length / 3] ^= 1;
        Path damaged = Files.write(tmp.resolve("damaged.snap"), bytes);

        ServerConfig targetConfig = config(tmp.resolve("target"));
        try (CoordServer server = CoordServer.start(targetConfig); AdminServer http = admin(server, targetConfig)) {
            String target = "127.0.0.1:" + http.port();
            String refused = run(1, "restore", "--server", target, "--from", damaged.toString(), "--auth", "digest:op:pw");
            assertTrue(refused.contains("damaged.snap") && refused.contains("CRC32C"), refused);
            String out = run(0, "restore", "--server", target, "--from", backup.toString(), "--auth", "digest:op:pw");
            assertTrue(out.contains("restored"), out);
            ZooKeeper zk = ZooKeeperImportTest.connect("127.0.0.1:" + server.clientPort(), 0, null);
            for (int i = 0; i < 50; i++) {
                assertEquals("x" + i, new String(zk.getData("/b" + i, false, null), StandardCharsets.UTF_8));
            }
            zk.close();
        }
        // The restored state is durable: the server started again on the directory serves it.
        try (CoordServer again = CoordServer.start(targetConfig)) {
            ZooKeeper zk = ZooKeeperImportTest.connect("127.0.0.1:" + again.clientPort(), 0, null);
            assertFalse(zk.getChildren("/", false).isEmpty());
            assertNotNull(zk.exists("/b49", false));
            zk.close();
        }
    }
}
