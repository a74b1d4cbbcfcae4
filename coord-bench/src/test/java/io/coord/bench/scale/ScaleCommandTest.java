package io.coord.bench.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.bench.target.ServerKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scale end to end at a tiny size against a real ZooKeeperServerMain JVM: load, snapshot, heap via
 * jcmd, SIGTERM, restart, count. Asserts the figures exist and the count is right, never a timing.
 */
class ScaleCommandTest {
    @TempDir
    Path dir;

    @Test
    void smallZooKeeperScaleRunSnapshotsRestartsAndCountsEveryZnode() throws Exception {
        Path workDir = dir.resolve("work");
        Path json = dir.resolve("scale.jsonl");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ScaleCommand.Options options = new ScaleCommand.Options(List.of(ServerKind.ZK), 400, 10, 20, 2, 16, 100,
                List.of("-Xmx256m"), workDir, false, Duration.ofSeconds(60), Duration.ofSeconds(60), 5_000, 30_000,
                json.toString());

        int exit = ScaleCommand.execute(options, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(log, true, StandardCharsets.UTF_8));

        String stdout = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, stdout + log.toString(StandardCharsets.UTF_8));
        assertTrue(stdout.contains("count after restart") && stdout.contains("410 ok"), stdout);
        String line = Files.readAllLines(json).get(0);
        assertTrue(line.startsWith("{\"target\":\"zk\",\"mode\":\"scale\",\"znodes\":400,\"parents\":10,"), line);
        assertTrue(line.contains("\"countAfterRestart\":410,\"expectedCount\":410,\"countOk\":true"), line);
        assertTrue(positive(line, "heapLoadedBytes") && positive(line, "snapshotBytes")
                && positive(line, "restartMs") && positive(line, "mntrZnodeCount"), line);
        assertTrue(line.contains("\"createErrors\":0,"), line);
        assertFalse(Files.exists(workDir), "work dir removed");
        assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count(),
                "server process stopped");
    }

    @Test
    void heapInfoParsingSumsGenerationsUpToMetaspace() {
        String g1 = "123:\n garbage-first heap   total 262144K, used 20480K [0x1, 0x2)\n"
                + "  region size 1024K, 3 young (3072K), 0 survivors (0K)\n"
                + " Metaspace       used 9000K, committed 9500K, reserved 1114112K\n";
        String serial = "123:\n def new generation   total 4928K, used 1000K [0x1)\n  eden space 4416K,  22% used [0x1)\n"
                + " tenured generation   total 10944K, used 3000K [0x1)\n Metaspace       used 500K\n";
        assertEquals(20480L * 1024, JvmProbe.parseHeapUsedBytes(g1));
        assertEquals(4000L * 1024, JvmProbe.parseHeapUsedBytes(serial));
    }

    private static boolean positive(String json, String field) {
        int at = json.indexOf("\"" + field + "\":");
        String rest = json.substring(at + field.length() + 3);
        return Double.parseDouble(rest.substring(0, rest.indexOf(rest.contains(",") ? "," : "}"))) > 0;
    }
}
