package io.coord.server.polyglot;

import io.coord.server.CoordServer;
import io.coord.server.config.ConfigParser;
import io.coord.server.tls.TestCerts;
import io.coord.server.tls.TlsFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kazoo (Python) over TLS to the secure client port: server certificate verified against its PEM,
 * client certificate presented (clientAuth=need), so the session is x509:CN=client-a,... and may
 * write a node only that identity can read back. Skipped when /usr/bin/python3 has no kazoo.
 */
class KazooTlsTest {

    @Test
    void kazooWritesAndReadsOverTlsWithItsCertificateIdentity(@TempDir Path dir) throws Exception {
        KazooScripts.assumeImportable("kazoo.client");
        TestCerts certs = TestCerts.create(dir.resolve("certs"));
        try (CoordServer server = CoordServer.start(ConfigParser.parse(
                TlsFixture.serverProps(dir.resolve("data"), certs, "need")))) {
            String hosts = "127.0.0.1:" + server.securePort();
            KazooScripts.assertTlsSessions(hosts, hosts, certs);
        }
    }
}
