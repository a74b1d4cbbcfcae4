package io.coord.server.polyglot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coord.server.tls.TestCerts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The kazoo (Python) runs the security tests share, against a standalone server or an ensemble:
 * one session writes through {@code writeHosts}, another reads through {@code readHosts} (the same
 * hosts for a standalone server). Each skips the test when /usr/bin/python3 lacks what it imports.
 */
public final class KazooScripts {
    private static final String PYTHON = "/usr/bin/python3";
    /** kazoo over TLS with clientA's certificate: a node only x509:clientA may use, read back elsewhere. */
    private static final String TLS_SCRIPT = String.join("\n",
            "import sys",
            "from kazoo.client import KazooClient",
            "from kazoo.security import make_acl",
            "write_hosts, read_hosts, ca, pem, subject = sys.argv[1:6]",
            "def tls_client(hosts):",
            "    zk = KazooClient(hosts=hosts, use_ssl=True, verify_certs=True, ca=ca, certfile=pem, keyfile=pem,",
            "                     timeout=15)",
            "    zk.start(timeout=30)",
            "    return zk",
            "writer = tls_client(write_hosts)",
            "writer.create('/kazoo-tls', b'hello', acl=[make_acl('x509', subject, all=True)])",
            "reader = tls_client(read_hosts)",
            "reader.sync('/kazoo-tls')",
            "data, stat = reader.get('/kazoo-tls')",
            "acl, _ = reader.get_acls('/kazoo-tls')",
            "print('KAZOO-TLS data=%s acl=%s:%s' % (data.decode(), acl[0].id.scheme, acl[0].id.id), flush=True)",
            "writer.stop()",
            "reader.stop()");

    private KazooScripts() {
    }

    /** Skips the calling test unless /usr/bin/python3 imports {@code modules} (comma-separated). */
    public static void assumeImportable(String modules) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " missing");
        ScriptRun probe = ScriptRun.run(List.of(PYTHON, "-c", "import " + modules), Map.of(), Duration.ofSeconds(60));
        assumeTrue(probe.exitCode() == 0, modules + " not importable: " + probe.output());
    }

    /**
     * kazoo with {@code use_ssl=True}, the server certificate verified against its PEM and clientA's
     * certificate presented, creates /kazoo-tls with ACL x509:&lt;clientA&gt; through {@code writeHosts};
     * a second session through {@code readHosts} reads the data and that ACL back.
     */
    public static void assertTlsSessions(String writeHosts, String readHosts, TestCerts certs) throws Exception {
        assumeImportable("kazoo.client");
        String subject = certs.subject("clientA");
        ScriptRun run = ScriptRun.run(List.of(PYTHON, "-c", TLS_SCRIPT, writeHosts, readHosts,
                certs.certPem("server").toString(), certs.keyAndCertPem("clientA").toString(), subject),
                Map.of(), Duration.ofSeconds(90));
        assertEquals(0, run.exitCode(), () -> run.describe("kazoo over TLS"));
        assertTrue(run.output().contains("KAZOO-TLS data=hello acl=x509:" + subject),
                () -> run.describe("kazoo over TLS"));
    }

    /**
     * compat/kazoo_sasl.py: kazoo with {@code sasl_options} DIGEST-MD5 as {@code user} writes a node
     * with ACL sasl:&lt;user&gt; through {@code writeHosts} and reads it through {@code readHosts},
     * where a session without SASL is denied; a wrong password ends in AUTH_FAILED.
     */
    public static void assertSaslLogin(String writeHosts, String readHosts, String user, String password)
            throws Exception {
        assumeImportable("kazoo, puresasl");
        ScriptRun run = ScriptRun.run(List.of(PYTHON, ScriptRun.compatDir().resolve("kazoo_sasl.py").toString(),
                writeHosts, user, password, readHosts), Map.of(), Duration.ofMinutes(2));
        assertEquals(0, run.exitCode(), () -> run.describe("kazoo_sasl.py"));
        for (String check : List.of("sasl_user_reads_its_node", "plain_session_denied",
                "wrong_password_auth_failed")) {
            assertTrue(run.output().contains("PASS " + check), () -> run.describe(check));
        }
    }
}
