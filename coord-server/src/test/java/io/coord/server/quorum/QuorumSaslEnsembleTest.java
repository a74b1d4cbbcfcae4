package io.coord.server.quorum;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import io.coord.clientit.LogCapture;
import io.coord.server.TestPorts;
import io.coord.server.compat.TestJaas;
import io.coord.server.config.QuorumSaslConfig;
import io.coord.server.config.SaslConfig;
import io.coord.server.config.ServerAddress;
import io.coord.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-member ensemble with quorum SASL required everywhere (ZooKeeper's zoo.cfg keys, JAAS
 * QuorumServer/QuorumLearner sections): member 1 starts with a wrong QuorumLearner password, is
 * refused by members 2 and 3 every time it dials (one WARN line each) and never connects, while 2
 * and 3 serve a write; restarted with the right password it joins and reads that write.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QuorumSaslEnsembleTest {
    private final EnsembleMember[] members = new EnsembleMember[3];
    private final ZooKeeper[] clients = new ZooKeeper[3];

    @AfterEach
    void stop() throws Exception {
        for (ZooKeeper zk : clients) {
            if (zk != null) {
                zk.close();
            }
        }
        for (EnsembleMember m : members) {
            if (m != null) {
                m.close();
            }
        }
    }

    @Test
    void aMemberWithAWrongPasswordNeverJoinsAndJoinsWithTheRightOne(@TempDir Path dir) throws Exception {
        Path right = Files.writeString(dir.resolve("right.jaas"), TestJaas.quorumSections("s3cret", "s3cret"));
        Path wrong = Files.writeString(dir.resolve("wrong.jaas"), TestJaas.quorumSections("s3cret", "guess"));
        Map<Long, ServerAddress> servers = new HashMap<>();
        int[] clientPorts = new int[3];
        for (int i = 0; i < 3; i++) {
            clientPorts[i] = TestPorts.next();
            servers.put(i + 1L, new ServerAddress(i + 1, "127.0.0.1", TestPorts.next(), TestPorts.next(), false));
        }
        try (LogCapture handshakes = new LogCapture(LinkHandshake.class.getName(), Level.INFO);
             LogCapture links = new LogCapture(QuorumTransport.class.getName(), Level.INFO)) {
            long startedNanos = System.nanoTime();
            members[0] = start(dir, 1, servers, clientPorts, wrong);
            members[1] = start(dir, 2, servers, clientPorts, right);
            members[2] = start(dir, 3, servers, clientPorts, right);
            byte[] data = "between authenticated members".getBytes(StandardCharsets.UTF_8);
            clients[1] = new ZooKeeper("127.0.0.1:" + clientPorts[1], 10_000, e -> { });
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> clients[1].create("/qsasl", data,
                    ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT) != null);
            // Member 1 keeps dialing and 2 and 3 keep refusing it, one line per attempt.
            for (long refuser : new long[] {2, 3}) {
                await().atMost(Duration.ofSeconds(30)).until(() -> handshakes.count(m -> m.startsWith("member "
                        + refuser + ": refusing member 1") && m.contains("its SASL login failed")) >= 3);
            }
            // Past QuorumTransport's 2 s grace, after which members 2 and 3 dial a lower-id member that
            // has not linked (a joiner that does not know them), unless they refused its login: their
            // own dial would let member 1 in on its server credentials alone (its learner's are wrong).
            Thread.sleep(Math.max(0, 4_000 - (System.nanoTime() - startedNanos) / 1_000_000));
            assertEquals(0, links.count(m -> m.matches("member 1 connected to member .*")
                    || m.matches("member [23] connected to member 1 .*")), "member 1 never got a link");

            members[0].close();
            members[0] = start(dir, 1, servers, clientPorts, right);
            clients[0] = new ZooKeeper("127.0.0.1:" + clientPorts[0], 10_000, e -> { });
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                CompletableFuture<Integer> synced = new CompletableFuture<>();
                clients[0].sync("/qsasl", (rc, p, ctx) -> synced.complete(rc), null);
                return synced.get(5, TimeUnit.SECONDS) == KeeperException.Code.OK.intValue();
            });
            assertArrayEquals(data, clients[0].getData("/qsasl", false, null));
        }
    }

    private static EnsembleMember start(Path dir, long id, Map<Long, ServerAddress> servers, int[] clientPorts,
                                        Path jaas) throws Exception {
        Path data = Files.createDirectories(dir.resolve("member" + id));
        Files.writeString(data.resolve("myid"), id + "\n");
        Properties zooCfg = new Properties();
        zooCfg.setProperty("quorum.auth.enableSasl", "true");
        zooCfg.setProperty("quorum.auth.learnerRequireSasl", "true");
        zooCfg.setProperty("quorum.auth.serverRequireSasl", "true");
        Properties system = new Properties();
        system.setProperty(SaslConfig.JAAS_PROPERTY, jaas.toString());
        QuorumSaslConfig sasl = QuorumSaslConfig.load(zooCfg, system);
        ServerConfig config = ServerConfig.builder(data).clientPort(clientPorts[(int) id - 1]).tickTimeMs(200)
                .maxClientCnxns(0).myId(id).servers(servers).quorumSasl(sasl).build();
        return EnsembleMember.start(config);
    }
}
