package io.coord.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.quorum.InProcessEnsemble;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ZooKeeper data directory imported into every member of a 3-member Coord ensemble: every member
 * serves the same tree, and the open ZooKeeper session reattaches through any member with its
 * ephemerals. Importing into one member only works when that member starts first: the next one to
 * join elects it (it has the highest zxid) and both empty members sync from it. Starting the two
 * empty members together first is unsafe: they are a quorum and may elect one of themselves, whose
 * lower epoch the imported member then refuses to follow — the ensemble serves an empty tree (ZAB,
 * and ZooKeeper, do the same).
 */
class ZooKeeperImportEnsembleTest {
    private static final String CONFIG = "/zookeeper/config";

    /** What a ZooKeeper 3.9.5 ensemble held, and the session left open in it. */
    private record Source(Path zkDir, Map<String, ZooKeeperImportTest.Seen> tree, long sessionId, byte[] password) {
    }

    private static Source zooKeeperData(Path tmp) throws Exception {
        Path zkDir = tmp.resolve("zk");
        try (RealZooKeeper zk = new RealZooKeeper(zkDir)) {
            ZooKeeper owner = ZooKeeperImportTest.populate(zk.connectString());
            ZooKeeper reader = ZooKeeperImportTest.connect(zk.connectString(), 0, null);
            Map<String, ZooKeeperImportTest.Seen> tree = ZooKeeperImportTest.walk(reader);
            reader.close();
            owner.getTestable().injectSessionExpiration(); // local only: the session stays open
            return new Source(zkDir, tree, owner.getSessionId(), owner.getSessionPasswd());
        }
    }

    private static void importInto(Source source, Path dataDir) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = AdminMain.run(new String[] {"import-zookeeper", "--from", source.zkDir().toString(), "--to",
            dataDir.toString(), "--ensemble-member"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(0, status, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void importedIntoEveryMemberServesTheTreeAndTheSessionReattaches(@TempDir Path tmp) throws Exception {
        Source source = zooKeeperData(tmp);
        Path ensembleDir = tmp.resolve("ensemble");
        for (int member = 1; member <= 3; member++) {
            importInto(source, ensembleDir.resolve("data" + member));
        }
        try (InProcessEnsemble ensemble = new InProcessEnsemble(ensembleDir, 3, 1000, 64L << 20)) {
            ensemble.startAll();
            ensemble.awaitServing(1, 2, 3);
            assertServedEverywhere(ensemble, source);
        }
    }

    /** Imported into member 1 only, started first; the empty members join one by one and sync from it. */
    @Test
    void importedIntoOneMemberStartedFirstTheOthersSyncFromIt(@TempDir Path tmp) throws Exception {
        Source source = zooKeeperData(tmp);
        Path ensembleDir = tmp.resolve("ensemble");
        importInto(source, ensembleDir.resolve("data1"));
        try (InProcessEnsemble ensemble = new InProcessEnsemble(ensembleDir, 3, 1000, 64L << 20)) {
            ensemble.start(1);
            ensemble.start(2);
            ensemble.awaitServing(1, 2);
            ensemble.start(3);
            ensemble.awaitServing(1, 2, 3);
            assertEquals(1, ensemble.leader(1, 2, 3), "the imported member leads");
            assertServedEverywhere(ensemble, source);
        }
    }

    private static void assertServedEverywhere(InProcessEnsemble ensemble, Source source) throws Exception {
        long sessionId = source.sessionId();
        byte[] password = source.password();
        Map<String, ZooKeeperImportTest.Seen> before = source.tree();
        ZooKeeper reattached = ZooKeeperImportTest.connect(ensemble.connectString(2), sessionId, password);
        assertEquals(sessionId, reattached.getSessionId(), "the same session, through member 2");
        List<String> ephemerals = new java.util.ArrayList<>(reattached.getEphemerals());
        ephemerals.sort(null);
        assertEquals(List.of("/app/e", "/app/es-0000000011"), ephemerals);
        for (int member : new int[] {1, 2, 3}) {
            ZooKeeper reader = ZooKeeperImportTest.connect(ensemble.connectString(member), 0, null);
            CountDownLatch synced = new CountDownLatch(1);
            reader.sync("/", (rc, path, ctx) -> synced.countDown(), null);
            assertTrue(synced.await(10, TimeUnit.SECONDS));
            Map<String, ZooKeeperImportTest.Seen> served = new java.util.TreeMap<>(ZooKeeperImportTest.walk(reader));
            // The membership node is the ensemble's own (its server.N lines), as in a ZooKeeper
            // ensemble; the standalone ZooKeeper the data came from had it empty.
            assertTrue(new String(served.remove(CONFIG).data(), StandardCharsets.UTF_8).contains("server.3="));
            Map<String, ZooKeeperImportTest.Seen> expected = new java.util.TreeMap<>(before);
            expected.remove(CONFIG);
            ZooKeeperImportTest.assertSameTree(expected, served);
            reader.close();
        }
        reattached.close();
    }
}
