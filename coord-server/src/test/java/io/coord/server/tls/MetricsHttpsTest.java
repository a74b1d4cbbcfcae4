package io.coord.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.CoordServer;
import io.coord.server.TestPorts;
import io.coord.server.config.ConfigException;
import io.coord.server.config.ConfigParser;
import io.coord.server.config.MetricsConfig;
import io.coord.server.config.ServerConfig;
import io.coord.server.metrics.PrometheusEndpoint;
import java.io.IOException;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus {@code /metrics} over HTTPS with the keys ZooKeeper's Prometheus provider documents
 * (metricsProvider.httpsPort, metricsProvider.ssl.*): scrapers present a certificate the trust
 * store vouches for unless need/want.client.auth are turned off, no plain port is opened when only
 * the HTTPS one is set, and every misconfiguration stops start-up naming its key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsHttpsTest {
    @TempDir
    static Path dir;
    private TestCerts certs;
    private CoordServer server;

    @BeforeAll
    void start() throws Exception {
        certs = TestCerts.create(dir.resolve("certs"));
        server = CoordServer.start(ServerConfig.builder(dir.resolve("data")).clientPort(TestPorts.next()).build());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** The metrics settings of a zoo.cfg with Prometheus on and {@code lines}. */
    private MetricsConfig parse(String... lines) throws IOException {
        Properties p = new Properties();
        p.setProperty("dataDir", dir.resolve("cfg").toString());
        p.setProperty("clientPort", "2181");
        p.setProperty("metricsProvider.className", MetricsConfig.PROMETHEUS_PROVIDER);
        p.setProperty("metricsProvider.httpHost", "127.0.0.1");
        for (String line : lines) {
            p.setProperty(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        return ConfigParser.parse(p).metrics();
    }

    private String[] httpsLines(String... more) {
        String[] base = {"metricsProvider.httpsPort=0",
            "metricsProvider.ssl.keyStore.location=" + certs.keyStore("server"),
            "metricsProvider.ssl.keyStore.password=" + TestCerts.PASSWORD,
            "metricsProvider.ssl.trustStore.location=" + certs.trustStore("server-trust"),
            "metricsProvider.ssl.trustStore.password=" + TestCerts.PASSWORD};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    private static String scrape(int port, SSLContext ctx) throws IOException {
        HttpsURLConnection c = (HttpsURLConnection) new URL("https://127.0.0.1:" + port + "/metrics").openConnection();
        c.setSSLSocketFactory(ctx.getSocketFactory());
        c.setConnectTimeout(5_000);
        c.setReadTimeout(10_000);
        try {
            assertEquals(200, c.getResponseCode());
            return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            c.disconnect();
        }
    }

    @Test
    void scrapersNeedACertificateTheTrustStoreVouchesFor() throws Exception {
        MetricsConfig config = parse(httpsLines());
        assertEquals(MetricsConfig.NO_PORT, config.httpPort(), "only the HTTPS port is opened");
        try (PrometheusEndpoint metrics = PrometheusEndpoint.start(config, server.statusSource())) {
            assertEquals(MetricsConfig.NO_PORT, metrics.port());
            String body = scrape(metrics.httpsPort(), TlsFixture.clientContext(certs, "clientA"));
            assertTrue(body.contains("znode_count"), body);
            assertThrows(IOException.class, () -> scrape(metrics.httpsPort(), TlsFixture.clientContext(certs, null)));
            assertThrows(IOException.class, () -> scrape(metrics.httpsPort(), TlsFixture.clientContext(certs, "rogue")));
            try (Socket plain = new Socket("127.0.0.1", metrics.httpsPort())) {
                plain.setSoTimeout(10_000);
                plain.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(plain.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(!answer.contains("znode_count"), "no metrics in clear text: " + answer);
            } catch (java.net.SocketException e) {
                // reset: also no metrics in clear text
            }
        }
    }

    @Test
    void withoutClientAuthAnyScraperOverTlsIsServedAndHttpCanRunBeside() throws Exception {
        MetricsConfig config = parse(httpsLines("metricsProvider.ssl.need.client.auth=false",
                "metricsProvider.ssl.want.client.auth=false", "metricsProvider.httpPort=0"));
        try (PrometheusEndpoint metrics = PrometheusEndpoint.start(config, server.statusSource())) {
            assertTrue(scrape(metrics.httpsPort(), TlsFixture.clientContext(certs, null)).contains("znode_count"));
            assertTrue(metrics.port() > 0, "HTTP too, as both ports were set");
        }
    }

    @Test
    void misconfigurationsStopStartUpNamingTheKey() throws Exception {
        assertKey("metricsProvider.httpsPort", () -> parse("metricsProvider.ssl.keyStore.location="
                + certs.keyStore("server")));
        assertKey("metricsProvider.ssl.keyStore.location", () -> parse("metricsProvider.httpsPort=7443"));
        assertKey("metricsProvider.ssl.trustStore.location", () -> parse("metricsProvider.httpsPort=7443",
                "metricsProvider.ssl.keyStore.location=" + certs.keyStore("server"),
                "metricsProvider.ssl.keyStore.password=" + TestCerts.PASSWORD));
        assertKey("metricsProvider.ssl.keyStore.password", () -> parse(httpsLines(
                "metricsProvider.ssl.keyStore.password=wrong")));
        assertKey("metricsProvider.ssl.keyStore.type", () -> parse(httpsLines("metricsProvider.ssl.keyStore.type=BCFKS")));
        assertKey("metricsProvider.ssl.nope", () -> parse(httpsLines("metricsProvider.ssl.nope=1")));
        assertKey("metricsProvider.httpsPort", () -> parse(httpsLines("metricsProvider.httpsPort=7443",
                "metricsProvider.httpPort=7443")));
        MetricsConfig badProtocol = parse(httpsLines("metricsProvider.ssl.enabledProtocols=TLSv9"));
        assertKey("metricsProvider.ssl.enabledProtocols", () -> PrometheusEndpoint.start(badProtocol,
                server.statusSource()));
    }

    private static void assertKey(String key, org.junit.jupiter.api.function.Executable start) {
        ConfigException e = assertThrows(ConfigException.class, start);
        assertEquals(key, e.key(), e.getMessage());
    }
}
