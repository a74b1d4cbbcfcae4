package io.coord.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.bench.phase.Phases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every phase against a real (in-process) ZooKeeper with tiny counts: all ops succeed, reports are sane. */
class BenchSmokeTest {
    private static final int OPS = 300;

    @TempDir
    Path dir;

    private InProcessZooKeeper zk;

    @BeforeEach
    void startServer() throws Exception {
        zk = new InProcessZooKeeper(dir.resolve("zk"));
    }

    @AfterEach
    void stopServer() {
        zk.close();
    }

    private static LoadShape shape(List<String> phases) {
        return new LoadShape(3, 8, OPS, 64, phases, 5_000, 30_000, 30_000);
    }

    @Test
    void everyDefaultPhaseSucceedsWithSaneFiguresAndCleansUp() throws Exception {
        List<PhaseResult> results = new RoundRunner(shape(Phases.DEFAULT), null).run("zk", zk.connectString(), 1);

        assertEquals(Phases.DEFAULT, results.stream().map(PhaseResult::phase).toList());
        for (PhaseResult r : results) {
            assertEquals(OPS, r.ops(), r.phase());
            assertEquals(0, r.errors(), r.phase() + ": " + r.firstError());
            assertEquals("", r.firstError());
            assertTrue(r.elapsedNanos() > 0 && r.opsPerSecond() > 0, r.phase());
            assertTrue(r.p50Nanos() > 0, r.phase());
            assertTrue(r.p50Nanos() <= r.p99Nanos() && r.p99Nanos() <= r.p999Nanos()
                    && r.p999Nanos() <= r.maxNanos(), r.phase());
            assertEquals(new PhaseResult.RunShape(3, 8, 64), r.shape());
        }
        assertEquals(List.of("zookeeper"), childrenOfRoot(), "the round removes its znodes and root");
    }

    @Test
    void readAndDeletePhasesPopulateWhenRunWithoutCreate() throws Exception {
        List<PhaseResult> results = new RoundRunner(shape(List.of("get", "mixed", "delete", "set")), null)
                .run("zk", zk.connectString(), 1);

        assertEquals(4, results.size());
        results.forEach(r -> assertEquals(0, r.errors(), r.phase() + ": " + r.firstError()));
        results.forEach(r -> assertEquals(OPS, r.ops(), r.phase()));
        assertEquals(List.of("zookeeper"), childrenOfRoot());
    }

    @Test
    void runModePrintsTableAndWritesOneJsonLinePerPhase() throws Exception {
        Path json = dir.resolve("out.jsonl");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        int exit = BenchMain.execute(List.of("run", "--connect", zk.connectString(), "--sessions", "2",
                        "--inflight", "4", "--ops", "100", "--value-bytes", "10", "--phases", "create,get,delete",
                        "--json", json.toString(), "--label", "oracle"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(log, true, StandardCharsets.UTF_8));

        assertEquals(0, exit, log.toString(StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("p99.9 ms"), table);
        assertTrue(table.contains("oracle"), table);
        List<String> lines = Files.readAllLines(json);
        assertEquals(3, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            assertTrue(line.startsWith("{\"target\":\"oracle\",\"round\":1,\"phase\":\""
                    + List.of("create", "get", "delete").get(i) + "\",\"ops\":100,\"errors\":0,"), line);
            assertTrue(line.contains("\"sessions\":2,\"inflight\":4,\"valueBytes\":10,"), line);
            assertTrue(line.endsWith("\"firstError\":\"\"}"), line);
        }
    }

    @Test
    void failedOpsAreCountedNotHidden() throws Exception {
        // Deleting znodes that do not exist: every op completes with NONODE.
        try (var workload = io.coord.bench.phase.Workload.open(zk.connectString(), shape(List.of("delete")),
                "missing-nodes", null)) {
            PhaseOutcome outcome = workload.driver().drive("delete-missing", 50,
                    (client, i, done) -> client.delete(workload.nodePath(i), -1,
                            (rc, path, ctx) -> done.done(rc), null));
            assertEquals(50, outcome.ops());
            assertEquals(50, outcome.errors());
            assertTrue(outcome.firstError().contains("NONODE"), outcome.firstError());
            assertEquals(50, outcome.latencies().count());
            workload.removeAll();
        }
    }

    private List<String> childrenOfRoot() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper client = new ZooKeeper(zk.connectString(), 30_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        try {
            assertTrue(connected.await(10, TimeUnit.SECONDS));
            return client.getChildren("/", false);
        } finally {
            client.close();
        }
    }
}
