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
 * ephemerals. (Importing into one member only and starting the others empty is unsafe: the two
 * empty members are a quorum and may elect one of themselves before the third joins, which then
 * takes their empty state — ZAB, and ZooKeeper, do the same. Tried: it lost the tree.)
 */
class ZooKeeperImportEnsembleTest {

    @Test
    void importedIntoEveryMemberServesTheTreeAndTheSessionReattaches(@TempDir Path tmp) throws Exception {
        Path zkDir = tmp.resolve("zk");
        Map<String, ZooKeeperImportTest.Seen> before;
        long sessionId;
        byte[] password;
        try (RealZooKeeper zk = new RealZooKeeper(zkDir)) {
            ZooKeeper owner = ZooKeeperImportTest.populate(zk.connectString());
            sessionId = owner.getSessionId();
            password = owner.getSessionPasswd();
            ZooKeeper reader = ZooKeeperImportTest.connect(zk.connectString(), 0, null);
            before = ZooKeeperImportTest.walk(reader);
            reader.close();
            owner.getTestable().injectSessionExpiration(); // local only: the session stays open
        }
        Path ensembleDir = tmp.resolve("ensemble");
        for (int member = 1; member <= 3; member++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = AdminMain.run(new String[] {"import-zookeeper", "--from", zkDir.toString(), "--to",
                ensembleDir.resolve("data" + member).toString(), "--ensemble-member"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
            assertEquals(0, status, out.toString(StandardCharsets.UTF_8));
        }

        try (InProcessEnsemble ensemble = new InProcessEnsemble(ensembleDir, 3, 1000, 64L << 20)) {
            ensemble.startAll();
            ensemble.awaitServing(1, 2, 3);
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
                ZooKeeperImportTest.assertSameTree(before, ZooKeeperImportTest.walk(reader));
                reader.close();
            }
            reattached.close();
        }
    }
}
