package io.coord.bench.expiry;

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
 * expiry end to end against a real standalone Coord: two client JVMs killed with SIGKILL, their
 * ephemerals deleted, a summary line, nothing left behind. The bound asserted is the protocol's
 * (no earlier than a third of the timeout after the kill — the client pinged at most that long
 * before — and within timeout + tickTime plus slack for a loaded machine), not a performance figure.
 */
class ExpiryCommandTest {
    @TempDir
    Path dir;

    @Test
    void killedClientsLoseTheirEphemeralsAndNoProcessIsLeft() throws Exception {
        Path workDir = dir.resolve("work");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        int exit = BenchMain.execute(List.of("expiry", "--target", "coord", "--samples", "2",
                        "--session-timeout-ms", "4000", "--server-jvm-opts", "-Xmx256m", "--work-dir", workDir.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(log, true, StandardCharsets.UTF_8));

        String stdout = out.toString(StandardCharsets.UTF_8);
        String stderr = log.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, stdout + stderr);
        String summary = stdout.lines().filter(l -> l.startsWith("coord: kill -> deleted ms:")).findFirst()
                .orElseThrow(() -> new AssertionError(stdout));
        assertTrue(summary.contains("(2 samples,") && summary.contains("0 never deleted"), summary);
        List<Double> samples = stderr.lines().filter(l -> l.contains(" sample ")).map(l ->
                Double.parseDouble(l.substring(l.lastIndexOf(": ") + 2, l.lastIndexOf(" ms")))).toList();
        assertEquals(2, samples.size(), stderr);
        for (double ms : samples) {
            assertTrue(ms >= 4000 / 3.0 && ms <= 4000 + 2000 + 3000, "kill -> deleted " + ms + " ms");
        }
        assertFalse(Files.exists(workDir), "work dir removed");
        assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count(),
                "no server or client process left");
    }
}
