package io.coord.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compare end to end with ZooKeeper only: launches a real ZooKeeperServerMain JVM from the test
 * classpath, runs one tiny round, and leaves no process or directory behind.
 */
class CompareCommandTest {

    @TempDir
    Path dir;

    @Test
    void zooKeeperOnlyCompareRunsAndCleansUp() throws Exception {
        Path workDir = dir.resolve("work");
        Path json = dir.resolve("compare.jsonl");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        int exit = BenchMain.execute(List.of("compare", "--targets", "zk", "--rounds", "1", "--warmup-ops", "20",
                        "--sessions", "2", "--inflight", "4", "--ops", "100", "--phases", "create,mixed,delete",
                        "--server-jvm-opts", "-Xmx256m", "--work-dir", workDir.toString(), "--json", json.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(log, true, StandardCharsets.UTF_8));

        String stdout = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, stdout + log.toString(StandardCharsets.UTF_8));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("zk started: pid"), log.toString());
        for (String phase : List.of("create", "mixed", "delete")) {
            String row = stdout.lines().filter(l -> l.startsWith(phase + " ")).reduce((a, b) -> b).orElseThrow();
            List<String> cells = List.of(row.trim().split("\\s+"));
            assertEquals("-", cells.get(1), row);
            assertTrue(Double.parseDouble(cells.get(2)) > 0, row);
            assertEquals("0", cells.get(6), row);
        }
        assertEquals(3, Files.readAllLines(json).size());
        assertFalse(Files.exists(workDir), "work dir removed");
        assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count(),
                "server process stopped");
    }

    /**
     * --metrics both: two Coord servers, one serving Prometheus /metrics (scraped by compare) and one
     * not, measured in alternation and compared side by side.
     */
    @Test
    void metricsBothComparesCoordWithAndWithoutPrometheus() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int exit = BenchMain.execute(List.of("compare", "--targets", "coord", "--metrics", "both", "--rounds", "1",
                        "--warmup-ops", "20", "--sessions", "2", "--inflight", "4", "--ops", "100", "--phases", "create",
                        "--server-jvm-opts", "-Xmx256m", "--work-dir", dir.resolve("work").toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(log, true, StandardCharsets.UTF_8));
        String stdout = out.toString(StandardCharsets.UTF_8);
        String stderr = log.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, stdout + stderr);
        assertTrue(stderr.contains("coord started: pid") && stderr.contains("coord+metrics started: pid")
                && stderr.contains("/metrics on 127.0.0.1:"), stderr);
        assertTrue(stdout.contains("off ops/s") && stdout.contains("on ops/s"), stdout);
        String row = stdout.lines().filter(l -> l.startsWith("create ")).reduce((a, b) -> b).orElseThrow();
        List<String> cells = List.of(row.trim().split("\\s+"));
        assertTrue(Double.parseDouble(cells.get(1)) > 0 && Double.parseDouble(cells.get(2)) > 0, row);
        String scrapes = stdout.lines().filter(l -> l.startsWith("metrics: ") && l.contains("scrapes")).findFirst()
                .orElseThrow();
        assertTrue(Long.parseLong(scrapes.split(" ")[1]) > 0, scrapes);
        assertTrue(scrapes.contains("(0 failed)"), scrapes);
        assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count(),
                "server processes stopped");
    }

    @Test
    void metricsAreRefusedForZooKeeper() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit;
        try {
            exit = BenchMain.execute(List.of("compare", "--targets", "coord,zk", "--metrics", "on"),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        } catch (Exception e) {
            assertTrue(e.getMessage().contains("standalone Coord targets only"), e.toString());
            return;
        }
        assertTrue(exit != 0 && out.toString(StandardCharsets.UTF_8).contains("standalone Coord targets only"),
                out.toString(StandardCharsets.UTF_8));
    }
}
