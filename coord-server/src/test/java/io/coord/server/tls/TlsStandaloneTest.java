package io.coord.server.tls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.coord.clientit.LogCapture;
import io.coord.server.CoordServer;
import io.coord.server.config.ConfigParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on a standalone server's client port, driven by the stock ZooKeeper 3.9.5 client (its Netty
 * socket, configured per client through ZKClientConfig) and by raw JDK sockets where a refusal must
 * be observed exactly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsStandaloneTest {
    private static final byte[] DATA = "over tls".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path certDir;
    private TestCerts certs;
    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> servers = new CopyOnWriteArrayList<>();

    @BeforeAll
    void makeCertificates() throws Exception {
        certs = TestCerts.create(certDir);
    }

    /** Clients first (so each closes its session while its server is up), then servers. */
    @AfterEach
    void closeAll() throws Exception {
        for (List<AutoCloseable> list : List.of(toClose, servers)) {
            for (int i = list.size() - 1; i >= 0; i--) {
                list.get(i).close();
            }
            list.clear();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        (c instanceof CoordServer ? servers : toClose).add(c);
        return c;
    }

    private CoordServer start(Properties props) throws Exception {
        return closing(CoordServer.start(ConfigParser.parse(props)));
    }

    private Properties props(Path dataDir, String clientAuth) throws Exception {
        return TlsFixture.serverProps(dataDir, certs, clientAuth);
    }

    private ZooKeeper tlsClient(int port, String keyStore) throws Exception {
        return closing(TlsFixture.stockTlsClient("127.0.0.1:" + port, certs, keyStore, e -> { }));
    }

    private ZooKeeper plainClient(int port) throws Exception {
        return closing(TlsFixture.stockClient("127.0.0.1:" + port));
    }

    @Test
    void stockClientCreatesAndReadsOverTlsWhileThePlaintextPortServesToo(@TempDir Path data) throws Exception {
        CoordServer server = start(props(data, null));
        assertTrue(server.securePort() > 0);
        assertTrue(server.securePort() != server.clientPort());
        ZooKeeper tls = tlsClient(server.securePort(), "clientA");
        tls.create("/tls-node", DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertArrayEquals(DATA, tls.getData("/tls-node", false, null));
        ZooKeeper plain = plainClient(server.clientPort());
        assertArrayEquals(DATA, plain.getData("/tls-node", false, null));
        plain.setData("/tls-node", "plain".getBytes(StandardCharsets.UTF_8), -1);
        assertArrayEquals("plain".getBytes(StandardCharsets.UTF_8), tls.getData("/tls-node", false, null));
    }

    @Test
    void clientAuthNeedRefusesNoCertificateAndAnUntrustedOne(@TempDir Path data) throws Exception {
        CoordServer server = start(props(data, "need"));
        try (LogCapture log = new LogCapture("io.coord.server.net.ClientHandler", Level.WARN)) {
            assertFalse(TlsFixture.servedOverTls(TlsFixture.clientContext(certs, null), server.securePort()),
                    "a client without a certificate was served");
            assertFalse(TlsFixture.servedOverTls(TlsFixture.clientContext(certs, "rogue"), server.securePort()),
                    "a client with an untrusted certificate was served");
            await().atMost(Duration.ofSeconds(10)).until(() -> log.count(m -> m.contains("TLS handshake failed")) == 2);
        }
        assertTrue(TlsFixture.servedOverTls(TlsFixture.clientContext(certs, "clientA"), server.securePort()));
        ZooKeeper ok = tlsClient(server.securePort(), "clientB");
        assertNotNull(ok.exists("/", false));
        // ZooKeeper's figures of it: the two refused handshakes count as unsuccessful (and as failed
        // auth, as ZooKeeper counts them), none is left in progress, no plaintext client came.
        java.util.Map<String, Long> counters = server.statusSource().status(
                io.coord.server.admin.StatusSource.Scope.SUMMARY).get().counters();
        assertEquals(2L, counters.get("unsuccessful_handshake"), counters.toString());
        assertEquals(2L, counters.get("auth_failed_count"), counters.toString());
        assertEquals(0L, counters.get("outstanding_tls_handshake"), counters.toString());
        assertEquals(0L, counters.get("non_mtls_local_conn_count") + counters.get("non_mtls_remote_conn_count"),
                counters.toString());
        plainClient(server.clientPort()).exists("/", false);
        assertEquals(1L, server.statusSource().status(io.coord.server.admin.StatusSource.Scope.SUMMARY).get()
                .counters().get("non_mtls_local_conn_count"), "a plaintext client from this machine");
    }

    @Test
    void clientAuthWantServesClientsWithoutATrustedCertificateButGivesThemNoIdentity(@TempDir Path data)
            throws Exception {
        CoordServer server = start(props(data, "want"));
        ZooKeeper anonymous = tlsClient(server.securePort(), null);
        anonymous.create("/want", DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        // No certificate, no identity: an auth ACL has nothing to expand to.
        assertThrows(KeeperException.InvalidACLException.class, () -> anonymous.create("/want/mine", DATA,
                ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT));
        // An untrusted certificate is not an identity either (the JDK serves the client as anonymous).
        ZooKeeper rogue = closing(TlsFixture.stockTlsClient("127.0.0.1:" + server.securePort(), certs, "rogue",
                e -> { }));
        assertThrows(KeeperException.InvalidACLException.class, () -> rogue.create("/want/rogue", DATA,
                ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT));
        ZooKeeper a = tlsClient(server.securePort(), "clientA");
        a.create("/want/a", DATA, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        assertEquals(Collections.singletonList(new ACL(ZooDefs.Perms.ALL, new Id("x509", certs.subject("clientA")))),
                a.getACL("/want/a", new Stat()));
        assertThrows(KeeperException.NoAuthException.class, () -> rogue.getData("/want/a", false, null));
    }

    @Test
    void x509AclAllowsTheCertificatesSubjectAndDeniesAnother(@TempDir Path data) throws Exception {
        CoordServer server = start(props(data, "need"));
        String subjectA = certs.subject("clientA");
        assertEquals("CN=client-a,OU=apps,O=coord-test", subjectA);
        ZooKeeper a = tlsClient(server.securePort(), "clientA");
        ZooKeeper b = tlsClient(server.securePort(), "clientB");
        List<ACL> onlyA = Collections.singletonList(new ACL(ZooDefs.Perms.ALL, new Id("x509", subjectA)));
        a.create("/only-a", DATA, onlyA, CreateMode.PERSISTENT);
        assertArrayEquals(DATA, a.getData("/only-a", false, null));
        a.setData("/only-a", DATA, -1);
        assertThrows(KeeperException.NoAuthException.class, () -> b.getData("/only-a", false, null));
        assertThrows(KeeperException.NoAuthException.class, () -> b.setData("/only-a", DATA, -1));
        ZooKeeper plain = plainClient(server.clientPort());
        assertThrows(KeeperException.NoAuthException.class, () -> plain.getData("/only-a", false, null));
        // The auth scheme expands to the certificate identity, as in ZooKeeper.
        a.create("/creator", DATA, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        assertEquals(onlyA, a.getACL("/creator", new Stat()));
        assertThrows(KeeperException.InvalidACLException.class, () -> a.create("/bad", DATA,
                Collections.singletonList(new ACL(ZooDefs.Perms.ALL, new Id("x509", "not a distinguished name"))), CreateMode.PERSISTENT));
    }

    /**
     * X509AuthenticationProvider.superUser names clientB's subject: clientB passes ACLs that name
     * only clientA (and reads the ACL unredacted), clientA gets no more than its own x509 id.
     */
    @Test
    void theX509SuperUserPassesEveryAclAndNoOtherCertificateDoes(@TempDir Path data) throws Exception {
        Properties props = props(data, "need");
        props.setProperty("X509AuthenticationProvider.superUser", certs.subject("clientB"));
        CoordServer server = start(props);
        ZooKeeper a = tlsClient(server.securePort(), "clientA");
        ZooKeeper b = tlsClient(server.securePort(), "clientB");
        List<ACL> onlyA = Collections.singletonList(new ACL(ZooDefs.Perms.ALL, new Id("x509", certs.subject("clientA"))));
        a.create("/only-a", DATA, onlyA, CreateMode.PERSISTENT);
        assertArrayEquals(DATA, b.getData("/only-a", false, null));
        b.setData("/only-a", "by super".getBytes(StandardCharsets.UTF_8), -1);
        assertEquals(onlyA, b.getACL("/only-a", new Stat()));
        List<ACL> onlyB = Collections.singletonList(new ACL(ZooDefs.Perms.ALL, new Id("x509", certs.subject("clientB"))));
        b.create("/only-b", DATA, onlyB, CreateMode.PERSISTENT);
        assertThrows(KeeperException.NoAuthException.class, () -> a.getData("/only-b", false, null));
        b.delete("/only-a", -1);
    }

    @Test
    void x509IdentityComesBackWhenASessionReattachesOverTls(@TempDir Path data) throws Exception {
        Properties p = props(data, "need");
        CoordServer first = CoordServer.start(ConfigParser.parse(p));
        List<WatchedEvent> events = new CopyOnWriteArrayList<>();
        ZooKeeper a;
        try {
            a = closing(TlsFixture.stockTlsClient("127.0.0.1:" + first.securePort(), certs, "clientA", events::add));
            a.create("/reattach", DATA, Collections.singletonList(new ACL(ZooDefs.Perms.ALL, new Id("x509", certs.subject("clientA")))),
                    CreateMode.PERSISTENT);
        } finally {
            first.close();
        }
        // Same ports and data: the session survives the restart, and the client reattaches it over TLS.
        start(p);
        await().atMost(Duration.ofSeconds(20)).until(() -> events.stream()
                .filter(e -> e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected).count() >= 2);
        assertTrue(events.stream().noneMatch(e -> e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.Expired));
        assertArrayEquals(DATA, a.getData("/reattach", false, null));
    }

    @Test
    void wrongKindOfClientOnEachPortIsClosedWithOneClearLine(@TempDir Path data) throws Exception {
        CoordServer server = start(props(data, "need"));
        try (LogCapture sniffer = new LogCapture("io.coord.server.net.TlsSniffer", Level.WARN);
             LogCapture handler = new LogCapture("io.coord.server.net.ClientHandler", Level.WARN)) {
            assertFalse(TlsFixture.servedInPlaintext(server.securePort()), "plaintext client served on the TLS port");
            await().atMost(Duration.ofSeconds(10)).until(() -> sniffer.count(m -> m.contains("does not speak TLS")) == 1);
            assertFalse(TlsFixture.servedOverTls(TlsFixture.clientContext(certs, "clientA"), server.clientPort()),
                    "TLS client served on the plaintext port");
            await().atMost(Duration.ofSeconds(10)).until(
                    () -> sniffer.count(m -> m.contains("started a TLS handshake on a plaintext port")) == 1);
            assertEquals(2, sniffer.count(m -> true), "one line per refused connection");
            assertEquals(0, handler.count(m -> true), "no packet-length or decrypt error besides: "
                    + handler.count(m -> m.contains("packet length")));
        }
        // Both ports keep serving the right clients.
        assertNotNull(plainClient(server.clientPort()).exists("/", false));
        assertNotNull(tlsClient(server.securePort(), "clientA").exists("/", false));
    }

    @Test
    void keyStoreChangedOnDiskServesNewConnectionsWithoutDroppingSessions(@TempDir Path data) throws Exception {
        Path live = certDir.resolve("live-reload.p12");
        Files.copy(certs.keyStore("server"), live, StandardCopyOption.REPLACE_EXISTING);
        Properties p = props(data, "need");
        p.setProperty("ssl.keyStore.location", live.toString());
        CoordServer server = start(p);
        List<WatchedEvent> events = new CopyOnWriteArrayList<>();
        ZooKeeper a = closing(TlsFixture.stockTlsClient("127.0.0.1:" + server.securePort(), certs, "clientA",
                events::add));
        long session = a.getSessionId();
        assertEquals("CN=coord-server,O=coord-test", serverSubject(server.securePort()));

        Path next = certDir.resolve("next-reload.p12");
        Files.copy(certs.keyStore("server2"), next, StandardCopyOption.REPLACE_EXISTING);
        Files.move(next, live, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        assertEquals("CN=coord-server-2,O=coord-test", serverSubject(server.securePort()));
        a.create("/after-reload", DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertEquals(session, a.getSessionId());
        assertTrue(events.stream().noneMatch(e -> e.getState() != org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected),
                "the open session saw " + events);
        ZooKeeper fresh = tlsClient(server.securePort(), "clientB");
        assertArrayEquals(DATA, fresh.getData("/after-reload", false, null));
    }

    private String serverSubject(int port) throws Exception {
        try (SSLSocket s = (SSLSocket) TlsFixture.clientContext(certs, "clientA").getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    @Test
    void portUnificationServesTlsAndPlaintextOnClientPort(@TempDir Path data) throws Exception {
        Properties p = props(data, "need");
        p.remove("secureClientPort");
        p.remove("secureClientPortAddress");
        p.setProperty("client.portUnification", "true");
        CoordServer server = start(p);
        assertEquals(-1, server.securePort());
        ZooKeeper tls = tlsClient(server.clientPort(), "clientA");
        tls.create("/unified", DATA, Collections.singletonList(new ACL(ZooDefs.Perms.ALL, new Id("x509", certs.subject("clientA")))),
                CreateMode.PERSISTENT);
        ZooKeeper plain = plainClient(server.clientPort());
        assertThrows(KeeperException.NoAuthException.class, () -> plain.getData("/unified", false, null));
        assertArrayEquals(DATA, tls.getData("/unified", false, null));
        plain.create("/unified-plain", DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertArrayEquals(DATA, tls.getData("/unified-plain", false, null));
        assertEquals("imok", FourLetter.ask(server.clientPort(), "ruok"));
    }

    @Test
    void pemKeyStoreAndTrustStoreWork(@TempDir Path data) throws Exception {
        Properties p = props(data, "need");
        p.setProperty("ssl.keyStore.location", certs.keyAndCertPem("server").toString());
        p.remove("ssl.keyStore.password");
        p.setProperty("ssl.trustStore.location", certs.trustPem("server-trust-pem", "clientA").toString());
        p.remove("ssl.trustStore.password");
        CoordServer server = start(p);
        assertNotNull(tlsClient(server.securePort(), "clientA").exists("/", false));
        assertFalse(TlsFixture.servedOverTls(TlsFixture.clientContext(certs, "clientB"), server.securePort()),
                "clientB is not in the PEM trust store");
    }

    @Test
    void secureOnlyServerHasNoPlaintextPort(@TempDir Path data) throws Exception {
        Properties p = props(data, "need");
        int plainPort = Integer.parseInt(p.getProperty("clientPort"));
        p.remove("clientPort");
        p.remove("clientPortAddress");
        CoordServer server = start(p);
        assertEquals(server.securePort(), server.clientPort());
        assertNotNull(tlsClient(server.securePort(), "clientA").exists("/", false));
        assertFalse(TlsFixture.servedInPlaintext(server.securePort()));
        assertThrows(java.net.ConnectException.class, () -> new java.net.Socket("127.0.0.1", plainPort).close());
    }
}
