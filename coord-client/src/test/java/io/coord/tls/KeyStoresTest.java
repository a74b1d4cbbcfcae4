package io.coord.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Store types as ZooKeeper names them, and PEM key stores in the forms openssl writes. */
class KeyStoresTest {

    @Test
    void typeComesFromTheExtensionUnlessGiven() {
        assertEquals("JKS", KeyStores.resolveType(Path.of("a/b.jks"), null));
        assertEquals("PKCS12", KeyStores.resolveType(Path.of("b.P12"), ""));
        assertEquals("PKCS12", KeyStores.resolveType(Path.of("b.pfx"), null));
        assertEquals("PEM", KeyStores.resolveType(Path.of("b.pem"), null));
        assertEquals("PEM", KeyStores.resolveType(Path.of("b.store"), "pem"));
        assertThrows(IllegalArgumentException.class, () -> KeyStores.resolveType(Path.of("b.store"), null));
        assertThrows(IllegalArgumentException.class, () -> KeyStores.resolveType(Path.of("b.jks"), "BCFKS"));
    }

    @Test
    void pemKeyStoresInPkcs8AndPkcs1FormsAndAPemTrustStore(@TempDir Path dir) throws Exception {
        Path pkcs1Key = dir.resolve("rsa1.key");
        Path cert = dir.resolve("rsa.crt");
        run(List.of("openssl", "genrsa", "-traditional", "-out", pkcs1Key.toString(), "2048"));
        run(List.of("openssl", "req", "-new", "-x509", "-key", pkcs1Key.toString(), "-subj", "/CN=pem-test/O=coord",
                "-days", "2", "-out", cert.toString()));
        Path pkcs8Key = dir.resolve("rsa8.key");
        run(List.of("openssl", "pkcs8", "-topk8", "-nocrypt", "-in", pkcs1Key.toString(), "-out", pkcs8Key.toString()));
        assertTrue(Files.readString(pkcs1Key).contains("BEGIN RSA PRIVATE KEY"));
        assertTrue(Files.readString(pkcs8Key).contains("BEGIN PRIVATE KEY"));
        for (Path key : List.of(pkcs1Key, pkcs8Key)) {
            Path pem = dir.resolve(key.getFileName() + ".pem");
            Files.writeString(pem, Files.readString(key) + Files.readString(cert), StandardCharsets.US_ASCII);
            KeyStore ks = KeyStores.load(pem, new char[0], null);
            String alias = Collections.list(ks.aliases()).get(0);
            assertTrue(ks.isKeyEntry(alias), key.toString());
            assertEquals("O=coord,CN=pem-test", // openssl -subj lists the RDNs root first
                    ((X509Certificate) ks.getCertificate(alias)).getSubjectX500Principal().getName());
            assertEquals(1, KeyStores.keyManagers(pem, null, "PEM").getKeyManagers().length);
        }
        KeyStore trust = KeyStores.load(cert.resolveSibling("rsa.crt"), null, "PEM");
        assertTrue(trust.isCertificateEntry(Collections.list(trust.aliases()).get(0)));
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command + " timed out");
        assertEquals(0, p.exitValue(), command + ": " + out);
    }
}
