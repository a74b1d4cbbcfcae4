package io.coord.server.tls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.coord.server.TestPorts;
import io.coord.server.config.ServerAddress;
import io.coord.server.config.ServerConfig;
import io.coord.server.config.TlsConfig;
import io.coord.server.quorum.EnsembleMember;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Member-link TLS that changes under a running ensemble: quorum store reload
 * (sslQuorumReloadCertFiles) and portUnification's rolling upgrade from plaintext to TLS links.
 * Both restart members, so they run only with -Dcoord.tls.slow=true (the default build keeps
 * QuorumTlsTest's single TLS ensemble and the config tests of these keys).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class QuorumTlsRotationTest {
    private static final int SIZE = 3;
    private static final char[] PASSWORD = TestCerts.PASSWORD.toCharArray();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final EnsembleMember[] members = new EnsembleMember[SIZE + 1];
    private final int[] clientPorts = new int[SIZE + 1];
    private final Map<Long, ServerAddress> servers = new HashMap<>();
    private Path dir;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        for (EnsembleMember m : members) {
            if (m != null) {
                m.close();
            }
        }
    }

    /**
     * Every member's key store is rotated from certificate "server" to "server2" (the trust stores of
     * members 1 and 2 first learn to trust both) while the ensemble runs; member 3 is then restarted
     * knowing only the new certificate. Members 1 and 2 dial member 3 (the lower id dials), so it
     * rejoins only if their new links use the rewritten files: without the reload they present
     * "server", which member 3 no longer trusts.
     */
    @Test
    @EnabledIfSystemProperty(named = "coord.tls.slow", matches = "true")
    void aRotatedQuorumKeyStoreIsUsedByNewLinksAndAMemberWithOnlyTheNewCertificateRejoins(@TempDir Path tmp)
            throws Exception {
        dir = tmp;
        TestCerts certs = TestCerts.create(dir.resolve("certs"));
        Path oldTrust = certs.trustOnly("trust-old", "server");
        Path newTrust = certs.trustOnly("trust-new", "server2");
        TlsConfig[] tls = new TlsConfig[SIZE + 1];
        for (int id = 1; id <= SIZE; id++) {
            Path key = Files.copy(certs.keyStore("server"), dir.resolve("key" + id + ".p12"));
            Path trust = Files.copy(oldTrust, dir.resolve("trust" + id + ".p12"));
            tls[id] = quorumTls(key, trust, true, true, true);
        }
        layOut();
        for (int id = 1; id <= SIZE; id++) {
            start(id, tls[id]);
        }
        ZooKeeper first = client(1);
        byte[] before = write(first, "/before");
        readThrough(3, "/before", before);

        for (int id = 1; id <= 2; id++) {
            replace(certs.trustStore("client-trust"), dir.resolve("trust" + id + ".p12")); // server and server2
            replace(certs.keyStore("server2"), dir.resolve("key" + id + ".p12"));
        }
        members[3].close();
        members[3] = null;
        byte[] during = write(first, "/during"); // members 1 and 2 keep their quorum (their link stays up)
        start(3, quorumTls(certs.keyStore("server2"), newTrust, true, true, true));
        readThrough(3, "/during", during);
        byte[] after = write(first, "/after");
        readThrough(3, "/after", after);
    }

    /**
     * ZooKeeper's rolling upgrade from plaintext to TLS member links, one member restarted at a time,
     * each step keeping a quorum: (1) portUnification with the quorum stores, still dialing in
     * plaintext; (2) sslQuorum on (dialing TLS), plaintext still accepted; (3) portUnification off.
     * After each restart a write goes through while the member is down, and the restarted member
     * serves it once it rejoins.
     */
    @Test
    @EnabledIfSystemProperty(named = "coord.tls.slow", matches = "true")
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void aRollingUpgradeFromPlaintextToTlsLinksKeepsQuorum(@TempDir Path tmp) throws Exception {
        dir = tmp;
        TestCerts certs = TestCerts.create(dir.resolve("certs"));
        Path key = certs.keyStore("server");
        Path trust = certs.trustStore("client-trust");
        layOut();
        for (int id = 1; id <= SIZE; id++) {
            start(id, null);
        }
        write(2, "/plain");
        TlsConfig[] steps = {quorumTls(key, trust, true, false, false), quorumTls(key, trust, true, true, false),
                quorumTls(key, trust, false, true, false)};
        int n = 0;
        for (TlsConfig step : steps) {
            for (int id = 1; id <= SIZE; id++) {
                members[id].close();
                members[id] = null;
                String path = "/step" + n++;
                byte[] data = write(id % SIZE + 1, path);
                start(id, step);
                readThrough(id, path, data);
            }
        }
        QuorumTlsTest.assertQuorumPortRefusesPlaintext(servers.get(2L).quorumPort());
    }

    private static TlsConfig quorumTls(Path key, Path trust, boolean unification, boolean dialTls, boolean reload) {
        return new TlsConfig(null, unification, new TlsConfig.Store("ssl.quorum.keyStore", key, PASSWORD, "PKCS12"),
                new TlsConfig.Store("ssl.quorum.trustStore", trust, PASSWORD, "PKCS12"), TlsConfig.ClientAuth.NEED,
                List.of("TLSv1.3", "TLSv1.2"), List.of(), true, reload, false, false, dialTls);
    }

    private void layOut() throws Exception {
        for (int id = 1; id <= SIZE; id++) {
            clientPorts[id] = TestPorts.next();
            servers.put((long) id, new ServerAddress(id, "127.0.0.1", TestPorts.next(), TestPorts.next(), false));
        }
    }

    private void start(int id, TlsConfig quorumTls) throws Exception {
        Path data = Files.createDirectories(dir.resolve("member" + id));
        Files.writeString(data.resolve("myid"), id + "\n");
        ServerConfig config = ServerConfig.builder(data).clientPort(clientPorts[id]).tickTimeMs(200).maxClientCnxns(0)
                .myId(id).servers(servers).quorumTls(quorumTls).build();
        members[id] = EnsembleMember.start(config);
    }

    private static void replace(Path from, Path to) throws Exception {
        Path tmp = Files.copy(from, to.resolveSibling(to.getFileName() + ".new"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private ZooKeeper client(int id) throws Exception {
        ZooKeeper zk = TlsFixture.stockClient("127.0.0.1:" + clientPorts[id]);
        toClose.add(zk::close);
        return zk;
    }

    private static byte[] write(ZooKeeper zk, String path) {
        byte[] data = path.getBytes(StandardCharsets.UTF_8);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> create(zk, path, data));
        return data;
    }

    /** Writes {@code path} through a new session on member {@code id} (a session per attempt: none expires). */
    private byte[] write(int id, String path) {
        byte[] data = path.getBytes(StandardCharsets.UTF_8);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            try (ZooKeeper zk = TlsFixture.stockClient("127.0.0.1:" + clientPorts[id])) {
                return create(zk, path, data);
            }
        });
        return data;
    }

    private static boolean create(ZooKeeper zk, String path, byte[] data) throws Exception {
        try {
            zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException e) {
            // an earlier attempt went through before its reply was lost
        }
        return true;
    }

    /** A new session on member {@code id} syncs and reads {@code path}: the member is back in the ensemble. */
    private void readThrough(int id, String path, byte[] expected) throws Exception {
        ZooKeeper zk = client(id);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            CompletableFuture<Integer> synced = new CompletableFuture<>();
            zk.sync(path, (rc, p, ctx) -> synced.complete(rc), null);
            return synced.get(5, TimeUnit.SECONDS) == KeeperException.Code.OK.intValue()
                    && zk.exists(path, false) != null;
        });
        assertArrayEquals(expected, zk.getData(path, false, null));
    }
}
