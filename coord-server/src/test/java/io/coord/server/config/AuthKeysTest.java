package io.coord.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The super user and ACL switches in zoo.cfg, under ZooKeeper's names, through the real parser. */
class AuthKeysTest {
    private static final String BASE = "dataDir=/d\nclientPort=2181\n";
    /** A well-formed digest id: user:base64 of 20 bytes. */
    private static final String SUPER_DIGEST = "super:D/InIHSb7yEEbrWz8b9l71RjZJU=";

    private static ServerConfig parse(String lines) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(BASE + lines));
        return ConfigParser.parse(p);
    }

    private static ConfigException refused(String lines) {
        return assertThrows(ConfigException.class, () -> parse(lines));
    }

    @ParameterizedTest
    @ValueSource(strings = {"DigestAuthenticationProvider.superDigest", "zookeeper.DigestAuthenticationProvider.superDigest"})
    void superDigestIsReadUnderBothNames(String key) throws IOException {
        assertEquals(SUPER_DIGEST, parse(key + "=" + SUPER_DIGEST + "\n").auth().superDigest());
    }

    @Test
    void superDigestThatIsNotADigestIsRefusedWithoutEchoingIt() {
        ConfigException e = refused("DigestAuthenticationProvider.superDigest=super:password\n");
        assertEquals("DigestAuthenticationProvider.superDigest", e.key());
        assertTrue(e.getMessage().contains("must be user:base64"), e.getMessage());
        assertFalse(e.getMessage().contains("password\n") || e.getMessage().contains("'super:password'"), e.getMessage());
    }

    @Test
    void twoSpellingsWithDifferentValuesAreRefused() {
        ConfigException e = refused("skipACL=yes\nzookeeper.skipACL=no\n");
        assertTrue(e.getMessage().contains("skipACL") && e.getMessage().contains("set one of them"), e.getMessage());
    }

    @Test
    void skipAclIsOnOnlyForYes() throws IOException {
        assertTrue(parse("skipACL=yes\n").auth().skipAcl());
        assertTrue(parse("zookeeper.skipACL=yes\n").auth().skipAcl());
        assertFalse(parse("skipACL=no\n").auth().skipAcl());
        // ZooKeeper checks ACLs for any value but "yes": an ambiguous value is refused, not guessed.
        ConfigException e = refused("skipACL=true\n");
        assertEquals("skipACL", e.key());
        assertTrue(e.getMessage().contains("not supported"), e.getMessage());
    }

    @Test
    void superUsersAreCollectedFromEverySuffix() throws IOException {
        AuthConfig a = parse("zookeeper.superUser=admin\nzookeeper.superUser.2=ops\nsuperUser.x=root\n").auth();
        assertEquals(Set.of("admin", "ops", "root"), a.saslSuperUsers());
    }

    @Test
    void builtInProviderClassesAreAcceptedAndAddTheirSchemes() throws IOException {
        AuthConfig a = parse("""
                authProvider.1=org.apache.zookeeper.server.auth.DigestAuthenticationProvider
                authProvider.2=org.apache.zookeeper.server.auth.IPAuthenticationProvider
                authProvider.sasl=org.apache.zookeeper.server.auth.SASLAuthenticationProvider
                zookeeper.authProvider.x509=org.apache.zookeeper.server.auth.X509AuthenticationProvider
                """).auth();
        assertEquals(Set.of("ip", "digest", "sasl", "x509"), a.providerSchemes());
        AuthConfig defaults = parse("").auth();
        assertEquals(Set.of("ip", "digest"), defaults.providerSchemes());
        assertNull(defaults.superDigest());
        assertFalse(defaults.skipAcl());
        assertFalse(defaults.enforceAuth());
    }

    @Test
    void unknownProviderClassIsRefusedNamingKeyAndClass() {
        ConfigException e = refused("authProvider.1=com.example.MyAuthProvider\n");
        assertEquals("authProvider.1", e.key());
        assertTrue(e.getMessage().contains("com.example.MyAuthProvider"), e.getMessage());
        assertTrue(e.getMessage().contains("does not load"), e.getMessage());
        ConfigException viaProperty = refused("zookeeper.authProvider.7=com.example.MyAuthProvider\n");
        assertEquals("zookeeper.authProvider.7", viaProperty.key());
    }

    @ParameterizedTest
    @ValueSource(strings = {"org.apache.zookeeper.server.auth.KeyAuthenticationProvider",
        "org.apache.zookeeper.server.auth.EnsembleAuthenticationProvider"})
    void builtInsCoordDoesNotImplementAreRefused(String className) {
        ConfigException e = refused("authProvider.1=" + className + "\n");
        assertEquals("authProvider.1", e.key());
        assertTrue(e.getMessage().contains(className), e.getMessage());
    }

    @Test
    void enforcementReadsZooKeepersNamesAndTheIssuesSpelling() throws IOException {
        AuthConfig a = parse("enforce.auth.enabled=true\nenforce.auth.schemes=digest, ip\n").auth();
        assertTrue(a.enforceAuth());
        assertEquals(List.of("digest", "ip"), a.enforceSchemes());
        AuthConfig b = parse("zookeeper.enforceAuthEnabled=true\nzookeeper.enforce.auth.schemes=digest\n").auth();
        assertTrue(b.enforceAuth());
        assertEquals(List.of("digest"), b.enforceSchemes());
    }

    @Test
    void enforcementWithoutSchemesFailsClosed() {
        ConfigException e = refused("enforce.auth.enabled=true\n");
        assertEquals("enforce.auth.schemes", e.key());
    }

    @Test
    void enforcedSchemeNeedsAProvider() throws IOException {
        ConfigException e = refused("enforce.auth.enabled=true\nenforce.auth.schemes=sasl\n");
        assertEquals("enforce.auth.schemes", e.key());
        assertTrue(e.getMessage().contains("sasl"), e.getMessage());
        AuthConfig a = parse("enforce.auth.enabled=true\nenforce.auth.schemes=sasl\n"
                + "authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider\n").auth();
        assertEquals(List.of("sasl"), a.enforceSchemes());
    }

    @Test
    void misspeltNamesAreRefusedWithTheRightName() {
        assertTrue(refused("superDigest=" + SUPER_DIGEST + "\n").getMessage()
                .contains("DigestAuthenticationProvider.superDigest"));
        assertTrue(refused("enforce.auth.scheme=digest\n").getMessage().contains("enforce.auth.schemes"));
    }

    @Test
    void superDigestIsNotPrinted() throws IOException {
        assertFalse(parse("DigestAuthenticationProvider.superDigest=" + SUPER_DIGEST + "\n").toString()
                .contains("D/InIHSb7yEEbrWz8b9l71RjZJU="));
    }

    @Test
    void authSettingsGivenAsJvmPropertiesAreRefusedOthersIgnored() {
        Properties system = new Properties();
        system.setProperty("zookeeper.admin.enableServer", "false");
        system.setProperty("java.version", "17");
        AuthKeys.refuseJvmProperties(system); // nothing of ours
        for (String name : List.of("zookeeper.skipACL", "zookeeper.DigestAuthenticationProvider.superDigest",
                "zookeeper.authProvider.1", "zookeeper.superUser.2", "zookeeper.enforce.auth.schemes")) {
            Properties withAuth = new Properties();
            withAuth.setProperty(name, "x");
            ConfigException e = assertThrows(ConfigException.class, () -> AuthKeys.refuseJvmProperties(withAuth));
            assertEquals(name, e.key());
        }
    }
}
