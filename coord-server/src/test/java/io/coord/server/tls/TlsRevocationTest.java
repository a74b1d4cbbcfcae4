package io.coord.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.CoordServer;
import io.coord.server.config.ConfigException;
import io.coord.server.config.ConfigParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ssl.crl and ssl.ocsp: a client certificate its CA has revoked is refused on the TLS port, one it
 * has not is served; with ssl.ocsp an OCSP responder (openssl's) decides. The CA, the server's and two client certificates (each naming the CA's CRL file as its distribution
 * point) and the CRL are made with openssl; the JVM fetches CRLs from distribution points when
 * com.sun.security.enableCRLDP is true, which a ZooKeeper operator sets the same way.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsRevocationTest {
    private static final String CRLDP = "com.sun.security.enableCRLDP";
    private static String previousCrldp;
    private static Process ocspResponder;
    @TempDir
    static Path ca;

    @BeforeAll
    static void makeCaAndEnableCrlDistributionPoints() throws Exception {
        int ocspPort = io.coord.server.TestPorts.next();
        makeCaWithRevokedClients(ca, ocspPort);
        previousCrldp = System.setProperty(CRLDP, "true");
        ocspResponder = startOcspResponder(ca, ocspPort);
        awaitListening(ca);
    }

    @AfterAll
    static void restore() throws InterruptedException {
        if (ocspResponder != null) {
            ocspResponder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (previousCrldp == null) {
            System.clearProperty(CRLDP);
        } else {
            System.setProperty(CRLDP, previousCrldp);
        }
    }

    @Test
    void withSslCrlARevokedClientCertificateIsRefusedAndAGoodOneServed(@TempDir Path dir) throws Exception {
        SSLContext good = clientContext(ca.resolve("good.p12"));
        SSLContext revoked = clientContext(ca.resolve("revoked.p12"));
        Properties props = serverProps(dir);
        props.setProperty("ssl.crl", "true");
        int port = Integer.parseInt(props.getProperty("secureClientPort"));
        try (CoordServer server = CoordServer.start(ConfigParser.parse(props))) {
            assertTrue(TlsFixture.servedOverTls(good, port), "a certificate the CA has not revoked is served");
            assertFalse(TlsFixture.servedOverTls(revoked, port), "a revoked certificate is refused");
            assertTrue(TlsFixture.servedOverTls(good, port), "the server still serves good clients");
        }
        // The control: the same stores without ssl.crl serve the revoked certificate (it chains to the CA).
        props.setProperty("ssl.crl", "false");
        props.setProperty("dataDir", Files.createDirectories(dir.resolve("data2")).toString());
        try (CoordServer server = CoordServer.start(ConfigParser.parse(props))) {
            assertTrue(TlsFixture.servedOverTls(revoked, port), "without ssl.crl revocation is not checked");
        }
    }

    @Test
    void withSslOcspTheResponderDecides(@TempDir Path dir) throws Exception {
        Properties props = serverProps(dir);
        props.setProperty("ssl.ocsp", "true");
        int port = Integer.parseInt(props.getProperty("secureClientPort"));
        try (CoordServer server = CoordServer.start(ConfigParser.parse(props))) {
            assertTrue(TlsFixture.servedOverTls(clientContext(ca.resolve("good.p12")), port),
                    "a certificate the responder calls good is served");
            assertFalse(TlsFixture.servedOverTls(clientContext(ca.resolve("late.p12")), port),
                    "a certificate revoked after the CRL was made is refused: only OCSP knows (ocsp.log)");
            assertFalse(TlsFixture.servedOverTls(clientContext(ca.resolve("revoked.p12")), port),
                    "a revoked certificate is refused");
        }
        // The control: CRLs alone do not know late's revocation.
        props.setProperty("ssl.ocsp", "false");
        props.setProperty("ssl.crl", "true");
        props.setProperty("dataDir", Files.createDirectories(dir.resolve("data2")).toString());
        try (CoordServer server = CoordServer.start(ConfigParser.parse(props))) {
            assertTrue(TlsFixture.servedOverTls(clientContext(ca.resolve("late.p12")), port),
                    "the CRL predates late's revocation");
        }
    }

    @Test
    void revocationKeysAreReadAndFailClosedWithoutATrustStore(@TempDir Path dir) throws Exception {
        Properties props = serverProps(dir);
        props.setProperty("ssl.ocsp", "true");
        assertTrue(ConfigParser.parse(props).tls().ocsp(), "ssl.ocsp is honoured");
        props.remove("ssl.trustStore.location");
        assertEquals("ssl.ocsp", assertThrows(ConfigException.class, () -> ConfigParser.parse(props)).key());
    }

    /** TLS on secureClientPort with server.p12, client certificates needed and checked against ca.crt (PEM). */
    private static Properties serverProps(Path dir) throws Exception {
        Properties p = new Properties();
        p.setProperty("dataDir", Files.createDirectories(dir.resolve("data")).toString());
        p.setProperty("tickTime", "200");
        p.setProperty("secureClientPort", String.valueOf(io.coord.server.TestPorts.next()));
        p.setProperty("secureClientPortAddress", "127.0.0.1");
        p.setProperty("admin.enableServer", "false");
        p.setProperty("ssl.keyStore.location", ca.resolve("server.p12").toString());
        p.setProperty("ssl.keyStore.password", TestCerts.PASSWORD);
        p.setProperty("ssl.trustStore.location", ca.resolve("ca.crt").toString());
        p.setProperty("ssl.trustStore.type", "PEM");
        p.setProperty("ssl.clientAuth", "need");
        return p;
    }

    /**
     * ca.crt (PEM); server.p12, good.p12, revoked.p12 and late.p12 (keys with chains), issued by
     * {@code openssl ca} so that its index, which the OCSP responder serves, knows each of them; ca.crl
     * names revoked's serial. late is revoked after the CRL was made: only OCSP knows, which tells the
     * OCSP path from a fallback to the CRL. Client certificates name ca.crl as their CRL distribution
     * point and 127.0.0.1:{@code ocspPort} as their OCSP responder.
     */
    private static void makeCaWithRevokedClients(Path ca, int ocspPort) throws IOException, InterruptedException {
        Files.writeString(ca.resolve("index.txt"), "");
        Files.writeString(ca.resolve("index.txt.attr"), "unique_subject = no\n");
        Files.writeString(ca.resolve("serial"), "1000\n");
        Files.writeString(ca.resolve("crlnumber"), "01\n");
        Files.writeString(ca.resolve("ca.cnf"), String.join("\n",
                "[ca]", "default_ca=local", "[local]", "database=" + ca.resolve("index.txt"),
                "certificate=" + ca.resolve("ca.crt"), "private_key=" + ca.resolve("ca.key"),
                "new_certs_dir=" + ca, "serial=" + ca.resolve("serial"), "policy=any", "copy_extensions=none",
                "crlnumber=" + ca.resolve("crlnumber"), "default_md=sha256", "default_crl_days=30",
                "default_days=30", "[any]", "commonName=supplied", "organizationName=optional",
                "[ca_ext]", "basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign",
                "[client_ext]", "basicConstraints=CA:FALSE", "keyUsage=critical,digitalSignature",
                "extendedKeyUsage=clientAuth",
                "crlDistributionPoints=URI:" + ca.resolve("ca.crl").toUri(),
                "authorityInfoAccess=OCSP;URI:http://127.0.0.1:" + ocspPort,
                "[server_ext]", "basicConstraints=CA:FALSE", "subjectAltName=IP:127.0.0.1,DNS:localhost", ""),
                StandardCharsets.US_ASCII);
        String cnf = ca.resolve("ca.cnf").toString();
        openssl(ca, "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-out", "ca.crt", "-days", "30", "-subj", "/CN=coord-test-ca",
                "-config", cnf, "-extensions", "ca_ext");
        for (String name : List.of("server", "good", "revoked", "late")) {
            openssl(ca, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name + "/O=coord-test",
                    "-config", cnf);
            openssl(ca, "ca", "-batch", "-notext", "-config", cnf, "-in", name + ".csr", "-out", name + ".crt",
                    "-extensions", name.equals("server") ? "server_ext" : "client_ext");
            openssl(ca, "pkcs12", "-export", "-inkey", name + ".key", "-in", name + ".crt", "-certfile", "ca.crt",
                    "-name", name, "-passout", "pass:" + TestCerts.PASSWORD, "-out", name + ".p12");
        }
        openssl(ca, "ca", "-config", cnf, "-revoke", "revoked.crt");
        openssl(ca, "ca", "-config", cnf, "-gencrl", "-out", "ca.crl.pem");
        openssl(ca, "crl", "-in", "ca.crl.pem", "-outform", "DER", "-out", "ca.crl");
        openssl(ca, "ca", "-config", cnf, "-revoke", "late.crt");
    }

    /** Waits for the responder's own word: a probe connection would wedge it (it serves one connection at a time). */
    private static void awaitListening(Path ca) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Path log = ca.resolve("ocsp.log");
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("waiting for OCSP client connections")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the OCSP responder did not start: " + Files.readString(log));
    }

    /** openssl's OCSP responder for the CA's index on {@code port}, signing with the CA's own key. */
    private static Process startOcspResponder(Path ca, int port) throws IOException {
        return new ProcessBuilder("openssl", "ocsp", "-index", "index.txt", "-port", String.valueOf(port),
                "-rsigner", "ca.crt", "-rkey", "ca.key", "-CA", "ca.crt", "-ignore_err", "-timeout", "5")
                .directory(ca.toFile()).redirectErrorStream(true)
                .redirectOutput(ca.resolve("ocsp.log").toFile()).start();
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }

    /** Trusts the CA (which signed the server's certificate) and presents the key in {@code p12}. */
    private static SSLContext clientContext(Path p12) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(ca.resolve("ca.crt"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(p12), TestCerts.PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, TestCerts.PASSWORD.toCharArray());
        }
        return ks;
    }
}
