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
import java.util.Properties;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AdminServer over HTTPS with the quorum TLS keys (admin.forceHttps, admin.portUnification,
 * admin.needClientAuth), read from zoo.cfg keys as ZooKeeper 3.9 names them, without sslQuorum.
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
                server.statusSource(), new CommandAnswers(serverConfig, "", () -> null));
        return admin;
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
    }

    @Test
    void portUnificationServesHttpAndHttpsOnOnePort() throws Exception {
        startAdmin("admin.portUnification=true");
        assertEquals(200, httpsRuok(TlsFixture.clientContext(certs, null)));
        assertEquals("HTTP/1.1 200 OK", plainRuok());
    }

    @Test
    void needClientAuthServesOnlyATrustedClientCertificate() throws Exception {
        startAdmin("admin.forceHttps=true", "admin.needClientAuth=true");
        assertThrows(IOException.class, () -> httpsRuok(TlsFixture.clientContext(certs, null)));
        assertThrows(IOException.class, () -> httpsRuok(TlsFixture.clientContext(certs, "rogue")));
        assertEquals(200, httpsRuok(TlsFixture.clientContext(certs, "clientA")));
    }

    @Test
    void plainAdminServerStaysPlain() throws Exception {
        startAdmin();
        assertEquals("HTTP/1.1 200 OK", plainRuok());
        assertThrows(IOException.class, () -> httpsRuok(TlsFixture.clientContext(certs, null)));
    }
}
