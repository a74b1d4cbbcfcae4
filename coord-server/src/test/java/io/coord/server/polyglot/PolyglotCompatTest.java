package io.coord.server.polyglot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coord.server.compat.TestTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Stock ZooKeeper clients in other languages, unchanged, against the server under test
 * ({@link TestTarget}): kazoo (Python), the C client (cli_mt and libzookeeper_mt) and zkCli
 * (ZooKeeper's Java shell in its own JVM). Each test runs a script from compat/ and skips when
 * its client is not installed (Debian: python3-kazoo, zookeeper-bin, libzookeeper-mt-dev).
 */
class PolyglotCompatTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String CLI_MT = "/usr/lib/zookeeper/bin/cli_mt";

    @Test
    void kazoo() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " missing");
        ScriptRun probe = ScriptRun.run(List.of(PYTHON, "-c", "import kazoo"), Map.of(),
                Duration.ofSeconds(30));
        assumeTrue(probe.exitCode() == 0, "kazoo not importable (apt-get install python3-kazoo)");
        runScript("kazoo_compat.py", List.of(PYTHON), List.of(), Map.of(),
                Duration.ofSeconds(120));
    }

    @Test
    void cClient() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(CLI_MT)), CLI_MT + " missing (apt-get install zookeeper-bin)");
        runScript("c_client_compat.sh", List.of("bash"), List.of(), Map.of(),
                Duration.ofSeconds(120));
    }

    @Test
    void zkCli() throws Exception {
        assumeTrue(classPresent("org.apache.zookeeper.ZooKeeperMain")
                && classPresent("org.apache.commons.cli.ParseException"), "zkCli classes missing");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        assumeTrue(Files.isExecutable(java), java + " missing");
        // Surefire may run tests from a manifest-only jar; it publishes the real class path here.
        String classPath = System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path"));
        runScript("zkcli_compat.sh", List.of("bash"), List.of(classPath),
                Map.of("JAVA", java.toString()), Duration.ofSeconds(300));
    }

    private static void runScript(String script, List<String> interpreter,
                                  List<String> extraArgs, Map<String, String> env, Duration timeout)
            throws Exception {
        Path path = ScriptRun.compatDir().resolve(script);
        try (TestTarget target = TestTarget.start()) {
            List<String> command = new ArrayList<>(interpreter);
            command.add(path.toString());
            command.add(target.connectString());
            command.addAll(extraArgs);
            ScriptRun run = ScriptRun.run(command, env, timeout);
            String what = script + " against " + target.name();
            assertEquals(0, run.exitCode(), () -> run.describe(what));
            assertTrue(run.output().contains("PASS"), () -> run.describe(what + " ran no check"));
        }
    }

    private static boolean classPresent(String name) {
        try {
            Class.forName(name, false, PolyglotCompatTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
