package io.coord.server.tls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.coord.server.TestPorts;
import io.coord.server.config.TlsConfig;
import io.coord.server.quorum.EnsembleMember;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on every member of an in-process three-member ensemble: the stock client writes and reads over
 * TLS through any member, and a certificate's x509 identity travels with writes a follower forwards
 * to the leader (the leader checks the ACL with the forwarding member's session identities).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TlsEnsembleTest {
    private static final int SIZE = TlsMembers.SIZE;
    private static final byte[] DATA = "ensemble over tls".getBytes(StandardCharsets.UTF_8);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void stockClientsOverTlsOnEveryMemberWithX509AclsOnForwardedWrites(@TempDir Path dir) throws Exception {
        TestCerts certs = TestCerts.create(dir.resolve("certs"));
        TlsMembers ensemble = new TlsMembers();
        int[] clientPorts = ensemble.clientPorts;
        int[] securePorts = new int[SIZE];
        for (int i = 0; i < SIZE; i++) {
            securePorts[i] = TestPorts.next();
        }
        TlsConfig.Store keyStore = new TlsConfig.Store("ssl.keyStore", certs.keyStore("server"),
                TestCerts.PASSWORD.toCharArray(), "PKCS12");
        TlsConfig.Store trustStore = new TlsConfig.Store("ssl.trustStore", certs.trustStore("server-trust"),
                TestCerts.PASSWORD.toCharArray(), "PKCS12");
        List<EnsembleMember> members = ensemble.start(dir, toClose, (i, member) -> member
                .fourLetterWords(Set.of("*"))
                .tls(new TlsConfig(new InetSocketAddress("127.0.0.1", securePorts[i]), false, keyStore, trustStore,
                        TlsConfig.ClientAuth.NEED, List.of("TLSv1.3", "TLSv1.2"), List.of(), true, true)));
        for (int i = 0; i < SIZE; i++) {
            assertEquals(securePorts[i], members.get(i).securePort());
        }
        StringJoiner all = new StringJoiner(",");
        for (int port : securePorts) {
            all.add("127.0.0.1:" + port);
        }
        String subjectA = certs.subject("clientA");
        List<ACL> onlyA = Collections.singletonList(new ACL(ZooDefs.Perms.ALL, new Id("x509", subjectA)));
        ZooKeeper writer = client(all.toString(), certs, "clientA");
        // Members accept clients only once a leader serves; the first write may race that.
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                writer.create("/ens-tls", DATA, onlyA, CreateMode.PERSISTENT) != null);
        for (int i = 0; i < SIZE; i++) {
            // Each member in turn: a session of clientA writes (forwarded unless that member leads), one of
            // clientB is refused, both checked against the same x509 ACL.
            ZooKeeper a = client("127.0.0.1:" + securePorts[i], certs, "clientA");
            sync(a, "/ens-tls");
            byte[] value = ("from member " + (i + 1)).getBytes(StandardCharsets.UTF_8);
            a.setData("/ens-tls", value, -1);
            assertArrayEquals(value, a.getData("/ens-tls", false, null));
            ZooKeeper b = client("127.0.0.1:" + securePorts[i], certs, "clientB");
            assertThrows(KeeperException.NoAuthException.class, () -> b.setData("/ens-tls", DATA, -1));
            assertThrows(KeeperException.NoAuthException.class, () -> b.getData("/ens-tls", false, null));
            a.create("/ens-tls-" + (i + 1), DATA, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
            assertEquals(onlyA, a.getACL("/ens-tls-" + (i + 1), new org.apache.zookeeper.data.Stat()));
        }
        ZooKeeper plain = TlsFixture.stockClient("127.0.0.1:" + clientPorts[2]);
        toClose.add(plain::close);
        sync(plain, "/ens-tls");
        assertThrows(KeeperException.NoAuthException.class, () -> plain.getData("/ens-tls", false, null));
    }

    private ZooKeeper client(String connect, TestCerts certs, String keyStore) throws Exception {
        ZooKeeper zk = TlsFixture.stockTlsClient(connect, certs, keyStore, e -> { });
        toClose.add(zk::close);
        return zk;
    }

    private static void sync(ZooKeeper zk, String path) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        zk.sync(path, (rc, p, ctx) -> done.complete(rc), null);
        assertEquals(KeeperException.Code.OK.intValue(), done.get(20, TimeUnit.SECONDS));
    }
}
