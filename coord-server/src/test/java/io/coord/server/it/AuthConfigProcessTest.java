package io.coord.server.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coord.server.TestPorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The super user and the authProvider lines through the real main class and a zoo.cfg file: ZooKeeper's
 * built-in provider classes start, any other class stops start-up naming the key and the class.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AuthConfigProcessTest {
    private static final String SUPER_PASSWORD = "process-super-secret";

    @TempDir
    Path work;

    private static void assumeCoord() {
        assumeTrue(ProcessTestSupport.selectedKind() == ServerProcess.Kind.COORD,
                "Coord's start-up checks; the oracle's settings are system properties");
    }

    private static String digest(String credentials) throws Exception {
        return Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-1").digest(credentials.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void builtInProvidersAndTheSuperDigestStartFromZooCfg() throws Exception {
        assumeCoord();
        int port = TestPorts.next();
        Map<String, String> keys = Map.of(
                "authProvider.1", "org.apache.zookeeper.server.auth.SASLAuthenticationProvider",
                "authProvider.2", "org.apache.zookeeper.server.auth.DigestAuthenticationProvider",
                "zookeeper.authProvider.x509", "org.apache.zookeeper.server.auth.X509AuthenticationProvider",
                "DigestAuthenticationProvider.superDigest", "admin:" + digest("admin:" + SUPER_PASSWORD));
        try (ServerProcess server = ServerProcess.start(ServerProcess.Kind.COORD, work, work.resolve("data"), port,
                keys)) {
            ZooKeeper alice = ProcessTestSupport.connect("127.0.0.1:" + port, 4000);
            ZooKeeper admin = ProcessTestSupport.connect("127.0.0.1:" + port, 4000);
            ZooKeeper other = ProcessTestSupport.connect("127.0.0.1:" + port, 4000);
            try {
                alice.addAuthInfo("digest", "alice:pw".getBytes(StandardCharsets.UTF_8));
                List<ACL> aliceOnly = new ArrayList<>(List.of(new ACL(Perms.ALL, new Id("digest", "alice:" + digest("alice:pw")))));
                alice.create("/secret", new byte[] {7}, aliceOnly, CreateMode.PERSISTENT);
                admin.addAuthInfo("digest", ("admin:" + SUPER_PASSWORD).getBytes(StandardCharsets.UTF_8));
                assertArrayEquals(new byte[] {7}, admin.getData("/secret", false, null));
                admin.delete("/secret", -1);
                other.addAuthInfo("digest", ("admin:" + SUPER_PASSWORD + "x").getBytes(StandardCharsets.UTF_8));
                alice.create("/secret", new byte[] {8}, aliceOnly, CreateMode.PERSISTENT);
                assertThrows(KeeperException.NoAuthException.class, () -> other.getData("/secret", false, null));
            } finally {
                alice.close();
                admin.close();
                other.close();
            }
        }
    }

    @Test
    void unknownProviderClassStopsStartUpNamingKeyAndClass() throws Exception {
        assumeCoord();
        try (ServerProcess server = ServerProcess.launch(ServerProcess.Kind.COORD, work, work.resolve("data"),
                TestPorts.next(), Map.of("authProvider.1", "com.example.CustomAuthenticationProvider"))) {
            Integer exit = server.awaitExit(Duration.ofSeconds(60));
            assertEquals(2, exit, server.output());
            assertTrue(server.output().contains("'authProvider.1'"), server.output());
            assertTrue(server.output().contains("com.example.CustomAuthenticationProvider"), server.output());
            assertTrue(server.output().contains("does not load"), server.output());
        }
    }

    @Test
    void enforcementWithoutASchemeStopsStartUp() throws Exception {
        assumeCoord();
        try (ServerProcess server = ServerProcess.launch(ServerProcess.Kind.COORD, work, work.resolve("data"),
                TestPorts.next(), Map.of("enforce.auth.enabled", "true"))) {
            assertEquals(2, server.awaitExit(Duration.ofSeconds(60)), server.output());
            assertTrue(server.output().contains("'enforce.auth.schemes'"), server.output());
        }
    }

    /** ZooKeeper reads -Dzookeeper.enforce.auth.enabled; Coord does not, so it refuses to start without it. */
    @Test
    void anAuthSettingGivenAsAJvmPropertyStopsStartUp() throws Exception {
        assumeCoord();
        try (ServerProcess server = ServerProcess.launch(ServerProcess.Kind.COORD, work, work.resolve("data"),
                TestPorts.next(), Map.of(), List.of("-Dzookeeper.enforce.auth.enabled=true",
                        "-Dzookeeper.enforce.auth.schemes=digest"))) {
            assertEquals(2, server.awaitExit(Duration.ofSeconds(60)), server.output());
            assertTrue(server.output().contains("'zookeeper.enforce.auth.enabled'"), server.output());
            assertTrue(server.output().contains("config file"), server.output());
        }
    }
}
