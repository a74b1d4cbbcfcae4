package io.coord.server.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.ClientOptions;
import io.coord.client.ClientTls;
import io.coord.client.CoordClient;
import io.coord.client.CoordException;
import io.coord.server.admin.StatusSource;
import io.coord.server.compat.TestJaas;
import io.coord.server.compat.StockClients;
import io.coord.server.config.QuorumSaslConfig;
import io.coord.server.config.SaslConfig;
import io.coord.server.config.TlsConfig;
import io.coord.server.polyglot.KazooScripts;
import io.coord.server.quorum.EnsembleMember;
import io.coord.wire.Acl;
import io.coord.wire.Perms;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's proof on an ensemble secured as ZooKeeper users secure one: three in-process members
 * whose links run over mutual TLS (sslQuorum with ssl.quorum.* stores) and log in to each other
 * with quorum SASL (quorum.auth.enableSasl, learnerRequireSasl, serverRequireSasl; JAAS
 * QuorumServer/QuorumLearner), each serving a client port with SASL users (JAAS Server section)
 * and a secureClientPort that needs a client certificate. Every client writes through a follower,
 * so the leader checks the ACL against the identity the follower forwards, and reads through the
 * other follower; a session without that identity is refused there. One JAAS file holds every
 * section, as in {@code SaslAuthCompatTest}; the clients' section is installed for this class only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecuredEnsembleTest {
    private static final String CLIENT_SECTION = "CoordSecuredEnsembleClient";
    private static final String USER = "alice";
    private static final String PASSWORD = "alice-secret";
    private static final String JAAS = """
            Server {
                   org.apache.zookeeper.server.auth.DigestLoginModule required
                   user_%1$s="%2$s";
            };
            %3$s {
                   org.apache.zookeeper.server.auth.DigestLoginModule required
                   username="%1$s"
                   password="%2$s";
            };
            """.formatted(USER, PASSWORD, CLIENT_SECTION)
            + TestJaas.quorumSections("member-secret", "member-secret");
    /** Not List.of: the stock client's create asks the ACL list whether it contains null. */
    private static final List<ACL> ALICE_ONLY = Collections.singletonList(
            new ACL(ZooDefs.Perms.ALL, new Id("sasl", USER)));
    private static final byte[] DATA = "secured ensemble".getBytes(StandardCharsets.UTF_8);
    private static final int SESSION_TIMEOUT_MS = 10_000;

    private final List<AutoCloseable> ensembleParts = new ArrayList<>();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private TestCerts certs;
    private TlsMembers ensemble;
    /** Member indexes (0-based): two followers, writes go through the first, reads through the second. */
    private int writer;
    private int reader;

    @BeforeAll
    void startEnsemble(@TempDir Path dir) throws Exception {
        certs = TestCerts.create(dir.resolve("certs"));
        Path jaasFile = Files.writeString(dir.resolve("jaas.conf"), JAAS);
        Properties zooCfg = new Properties();
        zooCfg.setProperty(QuorumSaslConfig.ENABLE, "true");
        zooCfg.setProperty(QuorumSaslConfig.LEARNER_REQUIRE, "true");
        zooCfg.setProperty(QuorumSaslConfig.SERVER_REQUIRE, "true");
        Properties system = new Properties();
        system.setProperty(SaslConfig.JAAS_PROPERTY, jaasFile.toString());
        QuorumSaslConfig quorumSasl = QuorumSaslConfig.load(zooCfg, system);
        SaslConfig clientSasl = SaslConfig.load(zooCfg, system);
        ensemble = new TlsMembers();
        TlsConfig quorumTls = TlsMembers.quorumTls(certs);
        List<EnsembleMember> members = ensemble.start(dir, ensembleParts, (i, member) -> member
                .quorumTls(quorumTls).quorumSasl(quorumSasl)
                .tls(TlsMembers.clientTls(certs, ensemble.securePorts[i])).sasl(clientSasl));
        int[] followers = awaitFollowers(members);
        writer = followers[0];
        reader = followers[1];
        ensembleParts.add(TestJaas.install(jaasFile));
    }

    @AfterEach
    void closeClients() throws Exception {
        closeReversed(clients);
    }

    @AfterAll
    void stopEnsemble() throws Exception {
        closeReversed(ensembleParts);
    }

    @Test
    void stockClientOverTlsWritesWithItsX509Identity() throws Exception {
        String subjectA = certs.subject("clientA");
        List<ACL> onlyA = Collections.singletonList(new ACL(ZooDefs.Perms.ALL, new Id("x509", subjectA)));
        ZooKeeper a = stockTls(writer, "clientA");
        a.create("/stock-tls", DATA, onlyA, CreateMode.PERSISTENT);
        a.create("/stock-tls/creator", DATA, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        ZooKeeper readerA = stockTls(reader, "clientA");
        sync(readerA, "/stock-tls/creator");
        assertArrayEquals(DATA, readerA.getData("/stock-tls", false, null));
        assertEquals(onlyA, readerA.getACL("/stock-tls/creator", new Stat()));
        ZooKeeper b = stockTls(reader, "clientB");
        assertThrows(KeeperException.NoAuthException.class, () -> b.getData("/stock-tls", false, null));
        assertRefusedToPlainSession("/stock-tls");
    }

    @Test
    void stockClientWithSaslDigestWritesWithItsSaslIdentity() throws Exception {
        ZooKeeper alice = stockSasl(writer);
        alice.create("/stock-sasl", DATA, ALICE_ONLY, CreateMode.PERSISTENT);
        alice.create("/stock-sasl/creator", DATA, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        ZooKeeper readerAlice = stockSasl(reader);
        sync(readerAlice, "/stock-sasl/creator");
        assertArrayEquals(DATA, readerAlice.getData("/stock-sasl", false, null));
        assertEquals(ALICE_ONLY, readerAlice.getACL("/stock-sasl/creator", new Stat()));
        assertRefusedToPlainSession("/stock-sasl");
    }

    @Test
    void curatorLockAndParentsOnSaslSessions() throws Exception {
        CuratorFramework first = curator(writer);
        first.create().creatingParentsIfNeeded().withACL(ALICE_ONLY, true).forPath("/curator/locks/l");
        InterProcessMutex held = new InterProcessMutex(first, "/curator/locks/l");
        assertTrue(held.acquire(SESSION_TIMEOUT_MS, TimeUnit.MILLISECONDS), "lock not acquired");

        CuratorFramework second = curator(reader);
        second.sync().forPath("/curator/locks/l");
        assertEquals(ALICE_ONLY, second.getACL().forPath("/curator"));
        assertEquals(ALICE_ONLY, second.getACL().forPath("/curator/locks"));
        InterProcessMutex waiting = new InterProcessMutex(second, "/curator/locks/l");
        assertFalse(waiting.acquire(200, TimeUnit.MILLISECONDS), "the lock is held through the other member");
        held.release();
        assertTrue(waiting.acquire(SESSION_TIMEOUT_MS, TimeUnit.MILLISECONDS), "lock not passed on");
        waiting.release();
        ZooKeeper plain = TlsFixture.stockClient(plainConnect(reader));
        clients.add(plain::close);
        assertThrows(KeeperException.NoAuthException.class, () -> plain.create("/curator/locks/intruder",
                DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
    }

    @Test
    void kazooOverTls() throws Exception {
        KazooScripts.assertTlsSessions(secureConnect(writer), secureConnect(reader), certs);
        assertRefusedToPlainSession("/kazoo-tls");
    }

    @Test
    void kazooWithSaslDigest() throws Exception {
        KazooScripts.assertSaslLogin(plainConnect(writer), plainConnect(reader), USER, PASSWORD);
    }

    @Test
    void coordClientOverTlsWritesWithItsX509Identity() throws Exception {
        List<Acl> onlyA = List.of(new Acl(Perms.ALL, new io.coord.wire.Id("x509", certs.subject("clientA"))));
        CoordClient a = coordClient(secureConnect(writer), tlsOptions("clientA"));
        a.create("/native-tls", DATA, Acl.CREATOR_ALL_ACL, io.coord.wire.CreateMode.PERSISTENT);
        CoordClient readerA = coordClient(secureConnect(reader), tlsOptions("clientA"));
        readerA.sync("/native-tls");
        assertArrayEquals(DATA, readerA.getData("/native-tls").data());
        assertEquals(onlyA, readerA.getAcl("/native-tls").acl());
        CoordClient b = coordClient(secureConnect(reader), tlsOptions("clientB"));
        assertThrows(CoordException.NoAuthException.class, () -> b.getData("/native-tls"));
        assertRefusedToPlainSession("/native-tls");
    }

    @Test
    void coordClientWithSaslDigestWritesWithItsSaslIdentity() throws Exception {
        List<Acl> onlyAlice = List.of(new Acl(Perms.ALL, new io.coord.wire.Id("sasl", USER)));
        ClientOptions sasl = options().saslDigest(USER, PASSWORD).build();
        CoordClient alice = coordClient(plainConnect(writer), sasl);
        alice.create("/native-sasl", DATA, Acl.CREATOR_ALL_ACL, io.coord.wire.CreateMode.PERSISTENT);
        CoordClient readerAlice = coordClient(plainConnect(reader), sasl);
        readerAlice.sync("/native-sasl");
        assertArrayEquals(DATA, readerAlice.getData("/native-sasl").data());
        assertEquals(onlyAlice, readerAlice.getAcl("/native-sasl").acl());
        CoordClient plain = coordClient(plainConnect(reader), options().build());
        assertThrows(CoordException.NoAuthException.class, () -> plain.getData("/native-sasl"));
    }

    /** Waits until every member serves under one leader; the indexes of the two followers. */
    private static int[] awaitFollowers(List<EnsembleMember> members) throws Exception {
        for (EnsembleMember m : members) {
            assertTrue(m.awaitServing(60_000), "a member did not join over TLS and quorum SASL");
        }
        int[] followers = new int[2];
        int found = 0;
        for (int i = 0; i < members.size(); i++) {
            String mode = members.get(i).statusSource().status(StatusSource.Scope.SUMMARY)
                    .get(10, TimeUnit.SECONDS).mode();
            if ("follower".equals(mode)) {
                followers[found++] = i;
            }
        }
        assertEquals(2, found, "followers of one leader");
        return followers;
    }

    /** A session with neither a certificate nor a SASL login, on the reader: refused {@code path}. */
    private void assertRefusedToPlainSession(String path) throws Exception {
        ZooKeeper plain = TlsFixture.stockClient(plainConnect(reader));
        clients.add(plain::close);
        sync(plain, path);
        assertThrows(KeeperException.NoAuthException.class, () -> plain.getData(path, false, null));
    }

    private ZooKeeper stockTls(int member, String keyStore) throws Exception {
        ZooKeeper zk = TlsFixture.stockTlsClient(secureConnect(member), certs, keyStore, e -> { });
        clients.add(zk::close);
        return zk;
    }

    private ZooKeeper stockSasl(int member) throws Exception {
        String connect = plainConnect(member);
        ZooKeeper zk = StockClients.reached(KeeperState.SaslAuthenticated, w -> new ZooKeeper(connect,
                SESSION_TIMEOUT_MS, w, StockClients.saslConfig(CLIENT_SECTION)), e -> { },
                TlsFixture.CONNECT_WAIT, connect + " (SASL)");
        clients.add(zk::close);
        return zk;
    }

    private CuratorFramework curator(int member) throws Exception {
        CuratorFramework curator = CuratorFrameworkFactory.builder()
                .connectString(plainConnect(member))
                .sessionTimeoutMs(SESSION_TIMEOUT_MS)
                .connectionTimeoutMs(SESSION_TIMEOUT_MS)
                .retryPolicy(new RetryNTimes(20, 100))
                .zkClientConfig(StockClients.saslConfig(CLIENT_SECTION))
                .build();
        clients.add(curator);
        curator.start();
        assertTrue(curator.blockUntilConnected(SESSION_TIMEOUT_MS, TimeUnit.MILLISECONDS));
        return curator;
    }

    private CoordClient coordClient(String connect, ClientOptions options) {
        CoordClient c = CoordClient.connect(connect, options);
        clients.add(c);
        return c;
    }

    private static ClientOptions.Builder options() {
        return ClientOptions.builder().sessionTimeoutMs(SESSION_TIMEOUT_MS).connectionTimeoutMs(SESSION_TIMEOUT_MS);
    }

    private ClientOptions tlsOptions(String keyStore) {
        return options().tls(ClientTls.builder()
                .trustStore(certs.trustStore("client-trust"), TestCerts.PASSWORD, null)
                .keyStore(certs.keyStore(keyStore), TestCerts.PASSWORD, null).build()).build();
    }

    private String plainConnect(int member) {
        return "127.0.0.1:" + ensemble.clientPorts[member];
    }

    private String secureConnect(int member) {
        return "127.0.0.1:" + ensemble.securePorts[member];
    }

    private static void sync(ZooKeeper zk, String path) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        zk.sync(path, (rc, p, ctx) -> done.complete(rc), null);
        assertEquals(KeeperException.Code.OK.intValue(), done.get(20, TimeUnit.SECONDS));
    }

    private static void closeReversed(List<AutoCloseable> parts) throws Exception {
        for (int i = parts.size() - 1; i >= 0; i--) {
            parts.get(i).close();
        }
        parts.clear();
    }
}
