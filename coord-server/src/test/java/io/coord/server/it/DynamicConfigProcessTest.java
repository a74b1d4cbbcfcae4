package io.coord.server.it;

import io.coord.server.TestPorts;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coord.server.TestPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up decisions of the real main class, in its own JVM: a member whose server.N lines live
 * only in its dynamicConfigFile must come up as an ensemble member (it once came up standalone and
 * acknowledged writes alone: a split brain), and a documented key Coord cannot honour must stop
 * start-up with a message naming it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DynamicConfigProcessTest {

    @TempDir
    Path work;

    private static void assumeCoord() {
        assumeTrue(ProcessTestSupport.selectedKind() == ServerProcess.Kind.COORD,
                "Coord's start-up choices; the oracle runs ZooKeeperServerMain, which is standalone only");
    }

    @Test
    void memberDefinedByItsDynamicFileDoesNotStartStandalone() throws Exception {
        assumeCoord();
        Path dataDir = work.resolve("data1");
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve("myid"), "1\n");
        int clientPort = TestPorts.next();
        // Members 2 and 3 are never started: member 1 alone must not serve writes.
        Path dynamic = work.resolve("zoo.cfg.dynamic.100000000");
        Files.writeString(dynamic, "server.1=127.0.0.1:" + TestPorts.next() + ":" + TestPorts.next()
                + ":participant;127.0.0.1:" + clientPort + "\n"
                + "server.2=127.0.0.1:" + TestPorts.next() + ":" + TestPorts.next()
                + ":participant;127.0.0.1:" + TestPorts.next() + "\n"
                + "server.3=127.0.0.1:" + TestPorts.next() + ":" + TestPorts.next()
                + ":participant;127.0.0.1:" + TestPorts.next() + "\n"
                + "version=100000000\n");
        try (ServerProcess server = ServerProcess.launch(ServerProcess.Kind.COORD, work, dataDir, clientPort,
                Map.of("dynamicConfigFile", dynamic.toString(), "initLimit", "10", "syncLimit", "5"))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                assertTrue(server.isAlive(), server::output);
                String srvr = server.fourLetterWord("srvr");
                return srvr != null && srvr.contains("Mode:");
            });
            String srvr = server.fourLetterWord("srvr");
            assertNotNull(srvr);
            assertFalse(srvr.contains("Mode: standalone"), srvr);
            assertTrue(srvr.contains("Mode: looking"), "one of three members has no quorum:\n" + srvr);
        }
    }

    @Test
    void unsupportedSecurityKeyStopsStartUpNamingIt() throws Exception {
        assumeCoord();
        Path dataDir = work.resolve("data");
        try (ServerProcess server = ServerProcess.launch(ServerProcess.Kind.COORD, work, dataDir,
                TestPorts.next(), Map.of("superDigest", "super:D/InIHSb7yEEbrWz8b9l71RjZJU="))) {
            Integer exit = server.awaitExit(Duration.ofSeconds(60));
            assertEquals(2, exit, server.output());
            assertTrue(server.output().contains("'superDigest'"), server.output());
            assertTrue(server.output().contains("not supported"), server.output());
        }
    }
}
