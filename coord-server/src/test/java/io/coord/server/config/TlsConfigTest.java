package io.coord.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.tls.TestCerts;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** secureClientPort and ssl.*: what is read, and how an unusable setting stops start-up naming its key. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsConfigTest {
    @TempDir
    static Path dir;
    private TestCerts certs;

    @BeforeAll
    void certificates() throws Exception {
        certs = TestCerts.create(dir);
    }

    private Properties props(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader("dataDir=" + dir + "\n" + text));
        return p;
    }

    private String keyStoreLines() {
        return "ssl.keyStore.location=" + certs.keyStore("server") + "\nssl.keyStore.password=" + TestCerts.PASSWORD + "\n";
    }

    private ConfigException refused(String text) {
        return assertThrows(ConfigException.class, () -> ConfigParser.parse(props(text)));
    }

    @Test
    void secureClientPortIsReadWithZooKeepersDefaults() throws IOException {
        ServerConfig c = ConfigParser.parse(props("clientPort=2181\nsecureClientPort=2281\n" + keyStoreLines()));
        TlsConfig tls = c.tls();
        assertEquals(2281, tls.secureAddress().getPort());
        assertEquals(2181, c.clientAddress().getPort());
        assertEquals(TlsConfig.ClientAuth.NEED, tls.clientAuth());
        assertEquals("PKCS12", tls.keyStore().type());
        assertNull(tls.trustStore());
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), tls.enabledProtocols());
        assertTrue(tls.certReloadEnabled());
    }

    @Test
    void secureClientPortAloneNeedsNoClientPort() throws IOException {
        ServerConfig c = ConfigParser.parse(props("secureClientPort=2281\n" + keyStoreLines()));
        assertNull(c.clientAddress());
        assertEquals(2281, c.anyClientAddress().getPort());
        assertEquals("clientPort", refused("tickTime=2000\n").key());
    }

    @Test
    void zookeeperPrefixedSpellingsAreAccepted() throws IOException {
        ServerConfig c = ConfigParser.parse(props("clientPort=2181\nsecureClientPort=2281\n"
                + "zookeeper.ssl.keyStore.location=" + certs.keyStore("server") + "\n"
                + "zookeeper.ssl.keyStore.password=" + TestCerts.PASSWORD + "\n"
                + "zookeeper.ssl.trustStore.location=" + certs.trustStore("server-trust") + "\n"
                + "zookeeper.ssl.trustStore.password=" + TestCerts.PASSWORD + "\n"
                + "zookeeper.ssl.clientAuth=want\nzookeeper.ssl.protocol=TLSv1.2\nzookeeper.client.certReload=false\n"));
        assertEquals(certs.keyStore("server"), c.tls().keyStore().location());
        assertEquals(certs.trustStore("server-trust"), c.tls().trustStore().location());
        assertEquals(TlsConfig.ClientAuth.WANT, c.tls().clientAuth());
        assertEquals(List.of("TLSv1.2"), c.tls().enabledProtocols());
        assertFalse(c.tls().certReloadEnabled());
    }

    @Test
    void aSecurePortWithoutAUsableKeyStoreRefusesToStartNamingTheKey() throws IOException {
        assertEquals("ssl.keyStore.location", refused("clientPort=2181\nsecureClientPort=2281\n").key());
        assertEquals("ssl.keyStore.location", refused("clientPort=2181\nclient.portUnification=true\n").key());
        assertEquals("ssl.keyStore.location", refused("clientPort=2181\nsecureClientPort=2281\n"
                + "ssl.keyStore.location=" + dir.resolve("absent.jks") + "\n").key());
        assertEquals("ssl.keyStore.password", refused("clientPort=2181\nsecureClientPort=2281\n"
                + "ssl.keyStore.location=" + certs.keyStore("server") + "\nssl.keyStore.password=wrong\n").key());
        Path noExtension = Files.copy(certs.keyStore("server"), dir.resolve("server-store"));
        assertEquals("ssl.keyStore.type", refused("clientPort=2181\nsecureClientPort=2281\n"
                + "ssl.keyStore.location=" + noExtension + "\nssl.keyStore.password=" + TestCerts.PASSWORD + "\n").key());
        assertEquals("ssl.keyStore.type", refused("clientPort=2181\nsecureClientPort=2281\n" + keyStoreLines()
                + "ssl.keyStore.type=BCFKS\n").key());
        ConfigException noKey = refused("clientPort=2181\nsecureClientPort=2281\n"
                + "ssl.keyStore.location=" + certs.trustStore("client-trust") + "\nssl.keyStore.password="
                + TestCerts.PASSWORD + "\n");
        assertEquals("ssl.keyStore.location", noKey.key());
        assertTrue(noKey.getMessage().contains("no private key"), noKey.getMessage());
        assertEquals("ssl.clientAuth", refused("clientPort=2181\nsecureClientPort=2281\n" + keyStoreLines()
                + "ssl.clientAuth=sometimes\n").key());
        // The type given wins over the extension, and a PEM key store is read as such.
        ServerConfig typed = ConfigParser.parse(props("clientPort=2181\nsecureClientPort=2281\n"
                + "ssl.keyStore.location=" + noExtension + "\nssl.keyStore.password=" + TestCerts.PASSWORD
                + "\nssl.keyStore.type=pkcs12\n"));
        assertEquals("PKCS12", typed.tls().keyStore().type());
    }

    @Test
    void quorumTlsOptionsCoordDoesNotHaveAreRefused() {
        for (String line : List.of("portUnification=true", "sslQuorumReloadCertFiles=true", "ssl.quorum.ocsp=true",
                "ssl.quorum.context.supplier.class=org.example.Ctx")) {
            ConfigException e = refused("clientPort=2181\n" + line + "\n");
            assertEquals(line.substring(0, line.indexOf('=')), e.key());
            assertTrue(e.getMessage().contains("quorum TLS option"), e.getMessage());
        }
    }

    @Test
    void sslQuorumIsReadWithItsOwnStores() throws IOException {
        ServerConfig c = ConfigParser.parse(props("clientPort=2181\nsslQuorum=true\n"
                + "ssl.quorum.keyStore.location=" + certs.keyStore("server") + "\n"
                + "ssl.quorum.keyStore.password=" + TestCerts.PASSWORD + "\n"
                + "ssl.quorum.trustStore.location=" + certs.trustStore("client-trust") + "\n"
                + "ssl.quorum.trustStore.password=" + TestCerts.PASSWORD + "\nssl.quorum.hostnameVerification=false\n"));
        assertEquals(certs.keyStore("server"), c.quorumTls().keyStore().location());
        assertEquals(TlsConfig.ClientAuth.NEED, c.quorumTls().clientAuth());
        assertFalse(c.quorumTls().hostnameVerification());
        assertSame(TlsConfig.OFF, c.tls());
        assertNull(ConfigParser.parse(props("clientPort=2181\n")).quorumTls());
    }

    @Test
    void sslKeysWithoutATlsPortOnlyWarn() throws IOException {
        List<String> warnings = new ArrayList<>();
        ServerConfig c = ConfigParser.parse(props("clientPort=2181\n" + keyStoreLines()), warnings::add);
        assertSame(TlsConfig.OFF, c.tls());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("plaintext only")), warnings.toString());
    }
}
