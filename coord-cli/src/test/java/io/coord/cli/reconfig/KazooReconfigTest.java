package io.coord.cli.reconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 15, scenario c: kazoo's {@code client.reconfig(joining, leaving, new_members, from_config)}
 * (src/test/resources/reconfig/kazoo_reconfig.py). Skipped when /usr/bin/python3 cannot import kazoo
 * (Debian: python3-kazoo, which .ci/run installs).
 */
class KazooReconfigTest {
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource(ReconfigTarget.SOURCE)
    void kazooJoinLeaveNewMembers(ReconfigTarget target) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " missing: kazoo scenario skipped");
        assumeTrue(python(List.of("-c", "import kazoo.client")).status == 0,
                "kazoo not importable by " + PYTHON + " (apt-get install python3-kazoo): kazoo scenario skipped");
        try (ReconfigEnsemble ensemble = new ReconfigEnsemble(target, dir)) {
            ensemble.startInitial(3);
            ensemble.startJoiners(4);
            Path script = dir.resolve("kazoo_reconfig.py");
            try (var in = KazooReconfigTest.class.getResourceAsStream("/reconfig/kazoo_reconfig.py")) {
                Files.copy(in, script);
            }
            Out run = python(List.of(script.toString(), ensemble.connectString(1, 2, 3), ReconfigEnsemble.SUPER_AUTH,
                    ensemble.serverLine(4)));
            System.out.println(target + " kazoo:\n" + run.text);
            assertEquals(0, run.status, run.text + ensemble.outputs());
            Map<String, String> steps = steps(run.text);
            String three = String.join("|", ensemble.serverLine(1), ensemble.serverLine(2), ensemble.serverLine(3));
            assertEquals("NoAuthError", steps.get("anonymous-join"));
            assertTrue(steps.get("config").startsWith(three + "|version="), steps.get("config"));
            assertTrue(steps.get("joined").startsWith(three + "|" + ensemble.serverLine(4) + "|version="),
                    steps.get("joined"));
            assertEquals("BadVersionError", steps.get("stale-leave"));
            assertTrue(steps.get("left").startsWith(three + "|version="), steps.get("left"));
            assertEquals("NewConfigNoQuorumError", steps.get("no-quorum"));
            assertTrue(steps.get("new-members").startsWith(three + "|version="), steps.get("new-members"));
        }
    }

    /** STEP name outcome lines, by name. */
    private static Map<String, String> steps(String text) {
        Map<String, String> steps = new TreeMap<>();
        text.lines().filter(l -> l.startsWith("STEP ")).forEach(l -> {
            String[] parts = l.split(" ", 3);
            steps.put(parts[1], parts.length > 2 ? parts[2] : "");
        });
        return steps;
    }

    private record Out(int status, String text) {
    }

    private Out python(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON));
        cmd.addAll(args);
        Path out = Files.createTempFile(dir, "kazoo", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            return new Out(-1, "timed out: " + Files.readString(out));
        }
        return new Out(p.exitValue(), Files.readString(out));
    }
}
