package io.coord.server.tls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.config.ConfigException;
import io.coord.server.config.ConfigParser;
import io.coord.server.config.ServerAddress;
import io.coord.server.config.TlsConfig;
import io.coord.server.quorum.QuorumCodec;
import java.io.DataOutputStream;
import java.io.StringReader;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** sslQuorum: member links over mutual TLS; the quorum port refuses plaintext and untrusted members. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class QuorumTlsTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void anEnsembleOverTlsLinksServesAndItsQuorumPortRefusesPlaintextAndStrangers(@TempDir Path dir)
            throws Exception {
        TestCerts certs = TestCerts.create(dir.resolve("certs"));
        TlsMembers members = new TlsMembers();
        int[] clientPorts = members.clientPorts;
        Map<Long, ServerAddress> servers = members.servers;
        // Every member presents "server" and trusts client-trust (server, server2).
        TlsConfig quorumTls = new TlsConfig(null, false,
                new TlsConfig.Store("ssl.quorum.keyStore", certs.keyStore("server"), TestCerts.PASSWORD.toCharArray(),
                        "PKCS12"),
                new TlsConfig.Store("ssl.quorum.trustStore", certs.trustStore("client-trust"),
                        TestCerts.PASSWORD.toCharArray(), "PKCS12"),
                TlsConfig.ClientAuth.NEED, List.of("TLSv1.3", "TLSv1.2"), List.of(), true, false);
        members.start(dir, toClose, (i, member) -> member.quorumTls(quorumTls));
        ZooKeeper first = client("127.0.0.1:" + clientPorts[0]);
        byte[] data = "through tls links".getBytes(StandardCharsets.UTF_8);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                first.create("/quorum-tls", data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT) != null);
        ZooKeeper last = client("127.0.0.1:" + clientPorts[2]);
        CompletableFuture<Integer> synced = new CompletableFuture<>();
        last.sync("/quorum-tls", (rc, p, ctx) -> synced.complete(rc), null);
        assertEquals(KeeperException.Code.OK.intValue(), synced.get(20, TimeUnit.SECONDS));
        assertArrayEquals(data, last.getData("/quorum-tls", false, null));

        int quorumPort = servers.get(3L).quorumPort();
        assertTrue(handshakes(certs, "server", quorumPort), "a member's certificate is accepted");
        assertFalse(handshakes(certs, "rogue", quorumPort), "an untrusted certificate is refused");
        assertTrue(plaintextHelloIsClosed(quorumPort), "a plaintext member link is refused");
        // The ensemble still works after the strangers.
        first.setData("/quorum-tls", data, -1);
    }

    @Test
    void quorumTlsConfigFailsClosed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("myid"), "1\n");
        String base = "dataDir=" + dir + "\nclientPort=2181\nserver.1=127.0.0.1:2888:3888\n";
        assertEquals("ssl.quorum.keyStore.location", parse(base + "sslQuorum=true\n").key());
        assertEquals("sslQuorum", parse(base + "ssl.quorum.keyStore.location=/k.p12\n").key());
        assertEquals("sslQuorum", parse(base + "ssl.quorum.crl=true\n").key());
    }

    private static ConfigException parse(String text) {
        return assertThrows(ConfigException.class, () -> {
            Properties p = new Properties();
            p.load(new StringReader(text));
            ConfigParser.parse(p);
        });
    }

    private ZooKeeper client(String connect) throws Exception {
        ZooKeeper zk = TlsFixture.stockClient(connect);
        toClose.add(zk::close);
        return zk;
    }

    private static boolean handshakes(TestCerts certs, String keyStore, int port) throws Exception {
        try (SSLSocket s = (SSLSocket) TlsFixture.clientContext(certs, keyStore).getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            // TLS 1.3: a refused client certificate shows on the first read (an alert); an accepted
            // one leaves the member waiting for a hello, so the read times out.
            s.setSoTimeout(2_000);
            try {
                return s.getInputStream().read() != -1;
            } catch (java.net.SocketTimeoutException e) {
                return true; // still open: the member waits for a hello
            }
        } catch (SSLException | SocketException e) {
            return false;
        }
    }

    /** A plaintext member hello on {@code port} is refused (the port serves TLS members only). */
    static void assertQuorumPortRefusesPlaintext(int port) throws Exception {
        assertTrue(plaintextHelloIsClosed(port), "a plaintext member link is refused");
    }

    private static boolean plaintextHelloIsClosed(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            // A well-formed hello of member 1: over plaintext links this would be taken as that member.
            byte[] hello = QuorumCodec.encode(new QuorumCodec.Hello(1));
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(hello.length);
            out.write(hello);
            out.flush();
            s.setSoTimeout(5_000);
            try {
                return s.getInputStream().read() == -1;
            } catch (java.net.SocketTimeoutException e) {
                return false; // kept open: accepted as a member
            }
        } catch (SocketException e) {
            return true;
        }
    }
}
