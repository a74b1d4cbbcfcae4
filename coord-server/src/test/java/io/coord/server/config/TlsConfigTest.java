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
        ConfigException e = refused("clientPort=2181\nssl.quorum.context.supplier.class=org.example.Ctx\n");
        assertEquals("ssl.quorum.context.supplier.class", e.key());
        assertTrue(e.getMessage().contains("quorum TLS option"), e.getMessage());
    }

    /** sslQuorumReloadCertFiles, portUnification (also without sslQuorum: dial plaintext, accept both), crl/ocsp. */
    @Test
    void quorumReloadUnificationAndRevocationKeysAreRead() throws IOException {
        TlsConfig both = ConfigParser.parse(props("clientPort=2181\nsslQuorum=true\nportUnification=true\n"
                + "sslQuorumReloadCertFiles=true\nssl.quorum.crl=true\nssl.quorum.ocsp=true\n" + quorumStoreLines()))
                .quorumTls();
        assertTrue(both.portUnification() && both.dialTls() && both.certReloadEnabled() && both.crl() && both.ocsp());
        TlsConfig upgrading = ConfigParser.parse(props("clientPort=2181\nportUnification=true\n" + quorumStoreLines()))
                .quorumTls();
        assertTrue(upgrading.portUnification() && !upgrading.dialTls() && !upgrading.certReloadEnabled());
        assertEquals("ssl.quorum.keyStore.location", refused("clientPort=2181\nportUnification=true\n").key());
        assertEquals("sslQuorum", refused("clientPort=2181\nssl.quorum.crl=true\n").key());
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

    private String quorumStoreLines() {
        return "ssl.quorum.keyStore.location=" + certs.keyStore("server") + "\nssl.quorum.keyStore.password="
                + TestCerts.PASSWORD + "\nssl.quorum.trustStore.location=" + certs.trustStore("server-trust")
                + "\nssl.quorum.trustStore.password=" + TestCerts.PASSWORD + "\n";
    }

    @Test
    void adminHttpsUsesTheQuorumKeysWithoutSslQuorum() throws IOException {
        ServerConfig c = ConfigParser.parse(props("clientPort=2181\nadmin.forceHttps=true\nadmin.needClientAuth=true\n"
                + "ssl.quorum.enabledProtocols=TLSv1.2\n" + quorumStoreLines()));
        AdminHttps https = c.admin().https();
        assertTrue(https.forceHttps() && https.needClientAuth() && !https.portUnification());
        assertEquals(certs.keyStore("server"), https.keys().keyStore().location());
        assertEquals(certs.trustStore("server-trust"), https.keys().trustStore().location());
        assertEquals(List.of("TLSv1.2"), https.keys().enabledProtocols());
        assertNull(c.quorumTls(), "member links stay plaintext: sslQuorum is not on");
        assertTrue(ConfigParser.parse(props("clientPort=2181\nadmin.portUnification=true\n" + quorumStoreLines()))
                .admin().https().portUnification());
        assertSame(AdminHttps.OFF, ConfigParser.parse(props("clientPort=2181\n")).admin().https());
    }

    @Test
    void adminHttpsWithoutAUsableKeyStoreIsRefusedNamingTheKey() {
        for (String https : List.of("admin.forceHttps=true", "admin.portUnification=true")) {
            ConfigException none = refused("clientPort=2181\n" + https + "\n");
            assertEquals("ssl.quorum.keyStore.location", none.key(), https);
            assertTrue(none.getMessage().contains("admin.forceHttps"), none.getMessage());
            ConfigException badPassword = refused("clientPort=2181\n" + https + "\nssl.quorum.keyStore.location="
                    + certs.keyStore("server") + "\nssl.quorum.keyStore.password=wrong\n");
            assertEquals("ssl.quorum.keyStore.password", badPassword.key(), https);
        }
    }

    @Test
    void needClientAuthWithoutHttpsIsRefused() {
        ConfigException e = refused("clientPort=2181\nadmin.needClientAuth=true\n" + quorumStoreLines());
        assertEquals("admin.needClientAuth", e.key());
        assertTrue(e.getMessage().contains("admin.forceHttps"), e.getMessage());
    }

    @Test
    void quorumKeysNothingUsesAreStillRefused() {
        // Without admin HTTPS, no ssl.quorum.* key is used unless sslQuorum is on.
        assertEquals("sslQuorum", refused("clientPort=2181\n" + quorumStoreLines()).key());
        // Admin HTTPS uses the stores, not the member-link keys.
        for (String line : List.of("ssl.quorum.clientAuth=none", "ssl.quorum.hostnameVerification=false")) {
            assertEquals(line.substring(0, line.indexOf('=')),
                    refused("clientPort=2181\nadmin.forceHttps=true\n" + quorumStoreLines() + line + "\n").key());
        }
    }
}
