package io.coord.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.coord.clientit.LogCapture;
import io.coord.server.CoordServer;
import io.coord.server.TestPorts;
import io.coord.server.admin.AdminServer;
import io.coord.server.admin.CommandAnswers;
import io.coord.server.admin.SnapshotCommands;
import io.coord.server.admin.SnapshotRestoreCommandTestAccess;
import io.coord.server.auth.AuthPolicy;
import io.coord.server.config.AdminConfig;
import io.coord.server.config.AdminHttps;
import io.coord.server.config.ConfigParser;
import io.coord.server.config.ServerConfig;
import io.coord.server.net.NettyTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AdminServer over HTTPS with the quorum TLS keys (admin.forceHttps, admin.portUnification,
 * admin.needClientAuth), read from zoo.cfg keys as ZooKeeper 3.9 names them, without sslQuorum; and
 * snapshot authorized by the client certificate (Authorization: x509).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminHttpsTest {
    @TempDir
    static Path dir;
    private TestCerts certs;
    private CoordServer server;
    private ServerConfig serverConfig;
    private AdminServer admin;

    @BeforeAll
    void certificates() throws Exception {
        certs = TestCerts.create(dir.resolve("certs"));
    }

    @BeforeEach
    void startServer(@TempDir Path data) throws IOException {
        serverConfig = ServerConfig.builder(data).clientPort(TestPorts.next()).build();
        server = CoordServer.start(serverConfig);
    }

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.close();
        }
        server.close();
    }

    /** An AdminServer on a free loopback port with the HTTPS settings {@code adminLines} give (none: plain). */
    private AdminServer startAdmin(String... adminLines) throws IOException {
        AdminHttps https = adminLines.length == 0 ? AdminHttps.OFF : parse(adminLines);
        admin = AdminServer.start(AdminConfig.loopback(TestPorts.next()).withHttps(https), NettyTransport.of("nio"),
                server.statusSource(), new CommandAnswers(serverConfig, "", () -> null), null, null,
                server.processFigures());
        return admin;
    }

    /** As {@link #startAdmin}, with the snapshot command wired to the server (no rate limit). */
    private AdminServer startAdminWithSnapshot(String... adminLines) throws IOException {
        AdminConfig config = AdminConfig.loopback(TestPorts.next()).withHttps(parse(adminLines))
                .withSnapshotRestore(true, true, 0);
        admin = AdminServer.start(config, NettyTransport.of("nio"), server.statusSource(),
                new CommandAnswers(serverConfig, "", () -> null),
                new SnapshotCommands(config, server.dataTransfer(), AuthPolicy.of(serverConfig), System::currentTimeMillis));
        return admin;
    }

    /** GET /commands/snapshot over HTTPS with {@code authorization} (null: none): status and body. */
    private String[] httpsSnapshot(SSLContext ctx, String authorization) throws IOException {
        HttpsURLConnection c = (HttpsURLConnection) new URL("https://127.0.0.1:" + admin.port()
                + "/commands/snapshot?streaming=true").openConnection();
        c.setSSLSocketFactory(ctx.getSocketFactory());
        c.setConnectTimeout(5_000);
        c.setReadTimeout(30_000);
        if (authorization != null) {
            c.setRequestProperty("Authorization", authorization);
        }
        try {
            int status = c.getResponseCode();
            InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream();
            return new String[] {Integer.toString(status),
                    body == null ? "" : new String(body.readAllBytes(), StandardCharsets.ISO_8859_1)};
        } finally {
            c.disconnect();
        }
    }

    /** The admin HTTPS settings of a zoo.cfg with the quorum stores (no sslQuorum) and {@code adminLines}. */
    private AdminHttps parse(String... adminLines) throws IOException {
        Properties p = new Properties();
        p.setProperty("dataDir", dir.resolve("cfg").toString());
        p.setProperty("clientPort", "2181");
        p.setProperty("ssl.quorum.keyStore.location", certs.keyStore("server").toString());
        p.setProperty("ssl.quorum.keyStore.password", TestCerts.PASSWORD);
        p.setProperty("ssl.quorum.trustStore.location", certs.trustStore("server-trust").toString());
        p.setProperty("ssl.quorum.trustStore.password", TestCerts.PASSWORD);
        for (String line : adminLines) {
            p.setProperty(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        return ConfigParser.parse(p).admin().https();
    }

    /** GET /commands/ruok over HTTPS: the status code (an exception when the TLS handshake is refused). */
    private int httpsRuok(SSLContext ctx) throws IOException {
        HttpsURLConnection c = (HttpsURLConnection) new URL("https://127.0.0.1:" + admin.port() + "/commands/ruok")
                .openConnection();
        c.setSSLSocketFactory(ctx.getSocketFactory());
        c.setConnectTimeout(5_000);
        c.setReadTimeout(10_000);
        try {
            int status = c.getResponseCode();
            String body = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(body.contains("\"command\""), body);
            return status;
        } finally {
            c.disconnect();
        }
    }

    /** A plaintext GET /commands/ruok on a raw socket: the status line, or "" when the server closed. */
    private String plainRuok() throws IOException {
        try (Socket s = new Socket("127.0.0.1", admin.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /commands/ruok HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return answer.isEmpty() ? "" : answer.substring(0, answer.indexOf("\r\n"));
        } catch (java.net.SocketException e) {
            return ""; // reset: closed
        }
    }

    @Test
    void forceHttpsServesHttpsAndClosesPlainHttpWithOneLogLine() throws Exception {
        startAdmin("admin.forceHttps=true");
        assertEquals(200, httpsRuok(TlsFixture.clientContext(certs, null)));
        try (LogCapture log = new LogCapture("io.coord.server.net.TlsSniffer", Level.WARN)) {
            assertEquals("", plainRuok());
            assertEquals(1, log.count(m -> m.contains("admin.serverPort") && m.contains("does not speak TLS")));
        }
        assertEquals(0, insecureAdminCount(), "plaintext is refused, not served: as ZooKeeper's HTTPS-only connector");
    }

    @Test
    void portUnificationServesHttpAndHttpsOnOnePort() throws Exception {
        startAdmin("admin.portUnification=true");
        assertEquals(200, httpsRuok(TlsFixture.clientContext(certs, null)));
        assertEquals(0, insecureAdminCount(), "an HTTPS connection is not counted");
        assertEquals("HTTP/1.1 200 OK", plainRuok());
        assertEquals("HTTP/1.1 200 OK", plainRuok());
        // ZooKeeper's insecure_admin_count: its unified connector counts each plaintext connection.
        assertEquals(2, insecureAdminCount());
    }

    /** The server's insecure_admin_count, as mntr and /commands/monitor report it. */
    private long insecureAdminCount() throws Exception {
        Map<String, Object> m = io.coord.server.admin.MonitorValues.of(server.statusSource()
                .status(io.coord.server.admin.StatusSource.Scope.SUMMARY).get(10, java.util.concurrent.TimeUnit.SECONDS));
        return ((Number) m.get("insecure_admin_count")).longValue();
    }

    @Test
    void needClientAuthServesOnlyATrustedClientCertificate() throws Exception {
        startAdmin("admin.forceHttps=true", "admin.needClientAuth=true");
        assertThrows(IOException.class, () -> httpsRuok(TlsFixture.clientContext(certs, null)));
        assertThrows(IOException.class, () -> httpsRuok(TlsFixture.clientContext(certs, "rogue")));
        assertEquals(200, httpsRuok(TlsFixture.clientContext(certs, "clientA")));
    }

    /**
     * snapshot with {@code Authorization: x509}, as ZooKeeper 3.9's x509 provider: the id is the
     * verified client certificate's subject; ALL on / for x509:<clientA's DN> lets clientA take a
     * snapshot, and clientB (trusted, another DN) is authenticated but not authorized: 403.
     */
    @Test
    void x509ClientCertificateAuthorizesSnapshotByItsSubject() throws Exception {
        startAdminWithSnapshot("admin.forceHttps=true", "admin.needClientAuth=true");
        String clientA = certs.subject("clientA");
        try (ZooKeeper zk = SnapshotRestoreCommandTestAccess.connect(server)) {
            zk.create("/data", new byte[] {1}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.setACL("/", new java.util.ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("x509", clientA)))), -1);
        }
        String[] a = httpsSnapshot(TlsFixture.clientContext(certs, "clientA"), "x509");
        assertEquals("200", a[0], a[1]);
        assertTrue(a[1].length() > 0, "a snapshot file");
        String[] b = httpsSnapshot(TlsFixture.clientContext(certs, "clientB"), "x509");
        assertEquals("403", b[0], b[1]);
        assertTrue(b[1].contains("Not authorized"), b[1]);
        String[] none = httpsSnapshot(TlsFixture.clientContext(certs, "clientA"), null);
        assertEquals("401", none[0], none[1]);
        // The certificate decides, not the header: clientB naming clientA's subject is still clientB.
        assertEquals("403", httpsSnapshot(TlsFixture.clientContext(certs, "clientB"), "x509 " + clientA.replace(" ", ""))[0]);
    }

    /** Over HTTPS without admin.needClientAuth no certificate is asked for, so x509 authenticates nobody: 401. */
    @Test
    void x509WithoutClientCertificateIsNotAuthenticated() throws Exception {
        startAdminWithSnapshot("admin.forceHttps=true");
        String[] r = httpsSnapshot(TlsFixture.clientContext(certs, "clientA"), "x509");
        assertEquals("401", r[0], r[1]);
        assertTrue(r[1].contains("Not authenticated"), r[1]);
    }

    @Test
    void plainAdminServerStaysPlain() throws Exception {
        startAdmin();
        assertEquals("HTTP/1.1 200 OK", plainRuok());
        assertEquals(0, insecureAdminCount(), "as ZooKeeper's plain connector, a plain-only port counts none");
        assertThrows(IOException.class, () -> httpsRuok(TlsFixture.clientContext(certs, null)));
    }
}
