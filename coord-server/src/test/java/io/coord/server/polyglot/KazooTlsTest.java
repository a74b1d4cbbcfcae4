package io.coord.server.polyglot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coord.server.CoordServer;
import io.coord.server.config.ConfigParser;
import io.coord.server.tls.TestCerts;
import io.coord.server.tls.TlsFixture;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kazoo (Python) over TLS to the secure client port: server certificate verified against its PEM,
 * client certificate presented (clientAuth=need), so the session is x509:CN=client-a,... and may
 * write a node only that identity can read back. Skipped when /usr/bin/python3 has no kazoo.
 */
class KazooTlsTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String SCRIPT = String.join("\n",
            "import sys",
            "from kazoo.client import KazooClient",
            "from kazoo.security import make_acl",
            "from kazoo.exceptions import NoAuthError",
            "hosts, ca, pem, subject = sys.argv[1:5]",
            "zk = KazooClient(hosts=hosts, use_ssl=True, verify_certs=True, ca=ca, certfile=pem, keyfile=pem,",
            "                 timeout=15)",
            "zk.start(timeout=30)",
            "zk.create('/kazoo-tls', b'hello', acl=[make_acl('x509', subject, all=True)])",
            "data, stat = zk.get('/kazoo-tls')",
            "acl, _ = zk.get_acls('/kazoo-tls')",
            "print('KAZOO-TLS data=%s acl=%s:%s' % (data.decode(), acl[0].id.scheme, acl[0].id.id), flush=True)",
            "zk.stop()");

    @Test
    void kazooWritesAndReadsOverTlsWithItsCertificateIdentity(@TempDir Path dir) throws Exception {
        assumeTrue(new File(PYTHON).canExecute(), PYTHON + " missing");
        ScriptRun probe = ScriptRun.run(List.of(PYTHON, "-c", "import kazoo.client"), Map.of(), Duration.ofSeconds(60));
        assumeTrue(probe.exitCode() == 0, "kazoo missing: " + probe.output());
        TestCerts certs = TestCerts.create(dir.resolve("certs"));
        String subject = certs.subject("clientA");
        try (CoordServer server = CoordServer.start(ConfigParser.parse(
                TlsFixture.serverProps(dir.resolve("data"), certs, "need")))) {
            ScriptRun run = ScriptRun.run(List.of(PYTHON, "-c", SCRIPT, "127.0.0.1:" + server.securePort(),
                    certs.certPem("server").toString(), certs.keyAndCertPem("clientA").toString(), subject),
                    Map.of(), Duration.ofSeconds(90));
            assertEquals(0, run.exitCode(), () -> run.describe("kazoo over TLS"));
            assertTrue(run.output().contains("KAZOO-TLS data=hello acl=x509:" + subject),
                    () -> run.describe("kazoo over TLS"));
        }
    }
}
