package io.coord.server.durability;

import io.coord.server.CoordServer;
import io.coord.server.config.ServerConfig;
import io.coord.server.session.Clock;
import io.coord.server.session.SessionTracker;
import io.coord.server.storage.SnapshotStore;
import io.coord.server.storage.TxnLog;
import io.coord.server.tree.DataTree;
import io.coord.server.tree.TreeSnapshot;
import io.coord.server.txn.Txn;
import io.coord.server.txn.TxnCodec;
import io.coord.server.txn.TxnHeader;
import io.coord.wire.Acl;
import io.coord.wire.OpCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.ZooKeeper;

/**
 * Manual start-up benchmark (not a test; nothing runs it in CI). Writes a data dir shaped like
 * {@code coord-bench scale} leaves it (znodes of 100 bytes under /scale/p&lt;i % parents&gt;, one
 * snapshot of everything, then a log tail of setData txns) with the real storage code, then times
 * recovery or a whole server start in a fresh JVM:
 *
 * <pre>
 * java -Xmx2g -cp CP io.coord.server.durability.RestartBench write DIR [znodes] [parents] [tailTxns]
 * java -Xmx2g -cp CP io.coord.server.durability.RestartBench recover DIR
 * java -Xmx2g -cp CP io.coord.server.durability.RestartBench serve DIR   # JVM start to first getData
 * </pre>
 */
public final class RestartBench {
    private static final int VALUE_BYTES = 100;

    private RestartBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "write" -> write(dir, arg(args, 2, 1_000_000), (int) arg(args, 3, 1000), (int) arg(args, 4, 5000));
            case "recover" -> recover(dir);
            case "serve" -> serve(dir, args.length > 2 ? args[2] : null);
            default -> throw new IllegalArgumentException("write|recover|serve");
        }
    }

    private static long arg(String[] args, int i, long dflt) {
        return args.length > i ? Long.parseLong(args[i]) : dflt;
    }

    private static void write(Path dir, long znodes, int parents, int tailTxns) throws Exception {
        Files.createDirectories(dir);
        Random random = new Random(42);
        DataTree tree = new DataTree();
        long zxid = 0;
        long timeMs = 1_700_000_000_000L;
        tree.createNode("/scale", new byte[0], Acl.OPEN_ACL_UNSAFE, 0, 1, ++zxid, timeMs);
        for (int p = 0; p < parents; p++) {
            tree.createNode("/scale/p" + p, new byte[0], Acl.OPEN_ACL_UNSAFE, 0, p + 1, ++zxid, timeMs);
        }
        for (long i = 0; i < znodes; i++) {
            String parent = "/scale/p" + (i % parents);
            byte[] value = new byte[VALUE_BYTES];
            random.nextBytes(value);
            int cversion = tree.node(parent).cversion() + 1;
            tree.createNode(parent + "/n" + i, value, Acl.OPEN_ACL_UNSAFE, 0, cversion, ++zxid, timeMs + i / 50);
        }
        SessionTracker sessions = new SessionTracker(Clock.system(), 2000, 1, new byte[16]);
        long started = System.nanoTime();
        try (TreeSnapshot snap = tree.beginSnapshot(zxid)) {
            new SnapshotStore(dir).write(zxid, snap.sortedNodes(), sessions.serialize());
        }
        System.out.printf("snapshot of %d nodes at zxid %d in %d ms%n", tree.nodeCount(), zxid,
                (System.nanoTime() - started) / 1_000_000);
        try (TxnLog log = TxnLog.open(dir, TxnLog.DEFAULT_SEGMENT_TARGET_BYTES)) {
            for (int t = 0; t < tailTxns; t++) {
                byte[] value = new byte[VALUE_BYTES];
                random.nextBytes(value);
                TxnHeader h = new TxnHeader(0, t, ++zxid, timeMs, OpCode.SET_DATA);
                log.append(zxid, TxnCodec.encode(h, new Txn.SetDataTxn("/scale/p0/n0", value, t + 1)));
            }
            log.sync();
        }
        System.out.printf("log tail of %d txns, last zxid %d; read /scale/p%d/n%d%n", tailTxns, zxid,
                (znodes - 1) % parents, znodes - 1);
    }

    private static void recover(Path dir) throws Exception {
        long started = System.nanoTime();
        SnapshotStore snapshots = new SnapshotStore(dir);
        try (TxnLog log = TxnLog.open(dir, TxnLog.DEFAULT_SEGMENT_TARGET_BYTES)) {
            io.coord.server.quorum.MemberRecovery.Recovered r = io.coord.server.quorum.MemberRecovery.recover(
                    snapshots, log, new io.coord.server.storage.MetaStore(dir), Clock.system(), 2000, 1, new byte[16]);
            long ms = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("recover_ms=%d nodes=%d zxid=%d sinceJvmStart_ms=%d%n", ms, r.state().tree.nodeCount(),
                    r.snapshotZxid(), Duration.between(jvmStart(), Instant.now()).toMillis());
        }
    }

    private static void serve(Path dir, String readPath) throws Exception {
        long mainMs = Duration.between(jvmStart(), Instant.now()).toMillis();
        ServerConfig config = ServerConfig.builder(dir).clientPort(0).build();
        try (CoordServer server = CoordServer.start(config)) {
            long startedMs = Duration.between(jvmStart(), Instant.now()).toMillis();
            CountDownLatch connected = new CountDownLatch(1);
            ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.clientPort(), 30_000, e -> connected.countDown());
            try {
                if (!connected.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no session");
                }
                byte[] data = zk.getData(readPath == null ? "/scale/p999/n999999" : readPath, false, null);
                long readMs = Duration.between(jvmStart(), Instant.now()).toMillis();
                System.out.printf("main_ms=%d serving_ms=%d read_ms=%d (%d bytes; all since JVM start)%n", mainMs,
                        startedMs, readMs, data.length);
            } finally {
                zk.close();
            }
        }
    }

    private static Instant jvmStart() {
        return ProcessHandle.current().info().startInstant().orElseThrow();
    }
}
