package io.coord.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.coord.client.ClientOptions;
import io.coord.client.ClientTls;
import io.coord.client.CoordClient;
import io.coord.client.CoordException;
import io.coord.server.CoordServer;
import io.coord.server.config.ConfigParser;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import io.coord.wire.Id;
import io.coord.wire.Perms;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The native client (coord-client) over TLS: trust store, client certificate, host name verification. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CoordClientTlsTest {

    private static ClientOptions options(TestCerts certs, String keyStore, boolean verifyHost) {
        ClientTls.Builder tls = ClientTls.builder()
                .trustStore(certs.trustStore("client-trust"), TestCerts.PASSWORD, null)
                .hostnameVerification(verifyHost);
        if (keyStore != null) {
            tls.keyStore(certs.keyStore(keyStore), TestCerts.PASSWORD, null);
        }
        return ClientOptions.builder().sessionTimeoutMs(4_000).connectionTimeoutMs(10_000).tls(tls.build()).build();
    }

    @Test
    void coordClientTalksTlsAndCarriesItsCertificateIdentity(@TempDir Path dir) throws Exception {
        TestCerts certs = TestCerts.create(dir.resolve("certs"));
        try (CoordServer server = CoordServer.start(ConfigParser.parse(
                TlsFixture.serverProps(dir.resolve("data"), certs, "need")))) {
            String subjectA = certs.subject("clientA");
            // "localhost" is in the server certificate's names, so host name verification passes.
            try (CoordClient a = CoordClient.connect("localhost:" + server.securePort(), options(certs, "clientA", true));
                 CoordClient b = CoordClient.connect("127.0.0.1:" + server.securePort(),
                         options(certs, "clientB", true))) {
                a.create("/native-tls", "hi".getBytes(StandardCharsets.UTF_8), Acl.CREATOR_ALL_ACL,
                        CreateMode.PERSISTENT);
                assertEquals("hi", a.getData("/native-tls").text());
                assertEquals(List.of(new Acl(Perms.ALL, new Id("x509", subjectA))), a.getAcl("/native-tls").acl());
                assertThrows(CoordException.NoAuthException.class, () -> b.getData("/native-tls"));
            }
            // clientAuth=need: without a certificate no session is made.
            assertThrows(CoordException.class, () -> CoordClient.connect("127.0.0.1:" + server.securePort(),
                    ClientOptions.builder().connectionTimeoutMs(3_000).tls(ClientTls.builder()
                            .trustStore(certs.trustStore("client-trust"), TestCerts.PASSWORD, null).build()).build())
                    .close());
        }
    }

    @Test
    void hostNameVerificationRefusesAServerCertificateForAnotherAddress(@TempDir Path dir) throws Exception {
        TestCerts certs = TestCerts.create(dir.resolve("certs"));
        java.util.Properties p = TlsFixture.serverProps(dir.resolve("data"), certs, "need");
        // 127.0.0.2 is loopback too (Linux routes 127/8 to lo), but not among the certificate's names.
        p.setProperty("secureClientPortAddress", "127.0.0.2");
        try (CoordServer server = CoordServer.start(ConfigParser.parse(p))) {
            String other = "127.0.0.2:" + server.securePort();
            ClientOptions verifying = ClientOptions.builder().connectionTimeoutMs(3_000)
                    .tls(ClientTls.builder().trustStore(certs.trustStore("client-trust"), TestCerts.PASSWORD, null)
                            .keyStore(certs.keyStore("clientA"), TestCerts.PASSWORD, null).build()).build();
            assertThrows(CoordException.class, () -> CoordClient.connect(other, verifying).close());
            try (CoordClient c = CoordClient.connect(other, options(certs, "clientA", false))) {
                c.create("/unverified-host", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
        }
    }

    @Test
    void unreadableTrustStoreFailsAtOnce(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CoordClient.connect(
                "127.0.0.1:1", ClientOptions.builder().tls(ClientTls.builder()
                        .trustStore(dir.resolve("missing.p12"), "x", null).build()).build()));
        assertEquals(true, e.getMessage().contains("missing.p12"), e.getMessage());
    }
}
