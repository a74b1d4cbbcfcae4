package io.coord.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Argument errors are reported with usage and exit code 2 before anything connects or starts. */
class CliTest {

    private static String[] runMain(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int exit = BenchMain.execute(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(log, true, StandardCharsets.UTF_8));
        return new String[] {String.valueOf(exit), out.toString(StandardCharsets.UTF_8),
            log.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void rejectsUnknownPhaseOptionModeAndBadNumbers() {
        String[] unknownPhase = runMain("run", "--connect", "127.0.0.1:1", "--phases", "create,teleport");
        assertEquals("2", unknownPhase[0]);
        assertTrue(unknownPhase[2].contains("unknown phase 'teleport'"), unknownPhase[2]);

        String[] unknownOption = runMain("compare", "--frobnicate", "3");
        assertEquals("2", unknownOption[0]);
        assertTrue(unknownOption[2].contains("unknown option --frobnicate"), unknownOption[2]);

        assertEquals("2", runMain("walk")[0]);
        assertEquals("2", runMain("run")[0], "--connect is required");
        assertEquals("2", runMain("run", "--connect", "h:1", "--sessions", "0")[0]);
        assertEquals("2", runMain("run", "--connect", "h:1", "--ops", "many")[0]);
        assertEquals("2", runMain("compare", "--targets", "etcd")[0]);
        assertEquals("2", runMain("compare", "--ensemble", "0")[0]);
        assertEquals("2", runMain("failover", "--ensemble", "2")[0], "a leader kill needs a quorum left");
        assertEquals("2", runMain("failover", "--client", "curl")[0]);
        assertEquals("2", runMain("failover", "--runs", "0")[0]);
        assertEquals("2", runMain("expiry", "--ensemble", "2")[0]);
        assertEquals("2", runMain("expiry", "--samples", "0")[0]);
        assertEquals("2", runMain("expiry", "--session-timeout-ms", "1000")[0], "below 2 tickTimes");
        assertEquals("2", runMain("expiry", "--tick-time-ms", "500")[0], "a standalone server runs tickTime 2000");
    }

    @Test
    void helpListsEveryPhase() {
        String[] help = runMain("--help");
        assertEquals("0", help[0]);
        for (String phase : List.of("create", "set", "get", "delete", "mixed")) {
            assertTrue(help[1].contains("  " + phase + " "), phase);
        }
    }

    @Test
    void comparisonTableShowsDashesForATargetThatDidNotRun() {
        PhaseResult.RunShape shape = new PhaseResult.RunShape(1, 1, 1);
        List<PhaseResult> results = List.of(
                new PhaseResult("zk", 1, "get", 1000, 0, "", 500_000_000L, 1, 2_000_000, 3, 4, shape),
                new PhaseResult("zk", 2, "get", 1000, 0, "", 250_000_000L, 1, 4_000_000, 3, 4, shape),
                new PhaseResult("zk", 3, "get", 1000, 0, "", 100_000_000L, 1, 6_000_000, 3, 4, shape));
        String table = ReportTables.comparison(ReportTables.summarize(results, List.of("zk")), "coord", "zk");
        String row = table.lines().filter(l -> l.startsWith("get")).findFirst().orElseThrow();
        assertEquals(List.of("get", "-", "4000", "-", "-", "4.00", "0"), List.of(row.trim().split("\\s+")));
    }
}
