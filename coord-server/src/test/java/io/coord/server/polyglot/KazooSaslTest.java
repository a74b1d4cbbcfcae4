package io.coord.server.polyglot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coord.server.compat.TestTarget;
import io.coord.server.config.SaslConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * kazoo with {@code sasl_options} (DIGEST-MD5, through pure-sasl) against a server with SASL
 * users: compat/kazoo_sasl.py logs in, creates a node with ACL {@code sasl:<user>}, checks that a
 * session without SASL is denied, and that a wrong password ends in kazoo's AUTH_FAILED state.
 * Skipped when
 * kazoo or pure-sasl is missing.
 */
class KazooSaslTest {
    private static final String PYTHON = "/usr/bin/python3";

    @Test
    void kazooLogsInWithDigestMd5() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " missing");
        ScriptRun probe = ScriptRun.run(List.of(PYTHON, "-c", "import kazoo, puresasl"), Map.of(),
                Duration.ofSeconds(60));
        assumeTrue(probe.exitCode() == 0, "kazoo or pure-sasl not importable: " + probe.output());
        SaslConfig sasl = new SaslConfig(Map.of("jaasuser", "jaas_password"), "Server", "test",
                false, false, false, false);
        try (TestTarget target = TestTarget.start(b -> b.sasl(sasl))) {
            assumeTrue(target.isCoord(), "the ZooKeeper oracle runs without a JAAS file");
            ScriptRun run = ScriptRun.run(List.of(PYTHON, ScriptRun.compatDir().resolve("kazoo_sasl.py").toString(),
                    target.connectString(), "jaasuser", "jaas_password"), Map.of(), Duration.ofMinutes(2));
            assertEquals(0, run.exitCode(), () -> run.describe("kazoo_sasl.py"));
            for (String check : List.of("sasl_user_reads_its_node", "plain_session_denied",
                    "wrong_password_auth_failed")) {
                assertTrue(run.output().contains("PASS " + check), () -> run.describe(check));
            }
        }
    }
}
