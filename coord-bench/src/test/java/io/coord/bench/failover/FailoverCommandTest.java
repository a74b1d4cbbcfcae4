package io.coord.bench.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.bench.BenchMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * failover end to end against a real 3-member Coord ensemble (a short tickTime keeps it quick): one
 * leader kill, a positive kill-to-first-write figure, the killed member back, nothing left behind.
 * No timing is asserted beyond "a write came back before the command's own timeout".
 */
class FailoverCommandTest {
    @TempDir
    Path dir;

    @Test
    void oneCoordRunMeasuresAPositiveFailoverAndLeavesNoProcess() throws Exception {
        Path workDir = dir.resolve("work");
        Path json = dir.resolve("failover.jsonl");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        int exit = BenchMain.execute(List.of("failover", "--target", "coord", "--client", "coord", "--runs", "1",
                        "--tick-time-ms", "500", "--server-jvm-opts", "-Xmx256m", "--work-dir", workDir.toString(),
                        "--json", json.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(log, true, StandardCharsets.UTF_8));

        String stdout = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, stdout + log.toString(StandardCharsets.UTF_8));
        assertTrue(stdout.contains("sleeps a random 0-1 s before each reconnect"), stdout);
        List<String> lines = Files.readAllLines(json);
        assertEquals(1, lines.size(), lines.toString());
        String line = lines.get(0);
        assertTrue(line.startsWith("{\"target\":\"coord\",\"mode\":\"failover\",\"client\":\"coord\",\"run\":1,"), line);
        double failoverMs = number(line, "failoverMs");
        assertTrue(failoverMs > 0, line);
        assertTrue(number(line, "newLeaderId") != number(line, "killedId"), line);
        assertTrue(line.contains("\"killedModeAfter\":\"follower\"") || line.contains("\"killedModeAfter\":\"leader\""),
                line);
        String summary = stdout.lines().filter(l -> l.startsWith("coord   coord")).reduce((a, b) -> b).orElseThrow();
        assertEquals("0", List.of(summary.trim().split("\\s+")).get(5), summary);
        assertFalse(Files.exists(workDir), "work dir removed");
        assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count(),
                "no member process left");
    }

    private static double number(String json, String field) {
        int at = json.indexOf("\"" + field + "\":");
        String rest = json.substring(at + field.length() + 3);
        int end = rest.indexOf(',') >= 0 ? rest.indexOf(',') : rest.indexOf('}');
        return Double.parseDouble(rest.substring(0, end));
    }
}
