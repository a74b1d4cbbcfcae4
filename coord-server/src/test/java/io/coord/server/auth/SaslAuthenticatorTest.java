package io.coord.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.config.ConfigException;
import io.coord.server.config.ConfigParser;
import io.coord.server.config.SaslConfig;
import io.coord.wire.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.RealmChoiceCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server side of DIGEST-MD5 against the JDK's own client mechanism, and how the JAAS Server
 * section is read (and refused: fail closed).
 */
class SaslAuthenticatorTest {

    @TempDir
    Path dir;

    @Test
    void digestMd5LoginGivesTheUserNameAndWrongPasswordFails() throws Exception {
        SaslAuthenticator auth = new SaslAuthenticator(new SaslConfig(Map.of("alice", "secret"), "Server", "test",
                false, false, false, false));
        assertEquals("alice", login(auth, "alice", "secret").authorizedId());
        SaslAuthenticator.Step wrong = login(auth, "alice", "nope");
        assertEquals(ErrorCode.AUTHFAILED, wrong.failure());
        assertNull(wrong.authorizedId());
        assertEquals(ErrorCode.AUTHFAILED, login(auth, "mallory", "secret").failure(), "unknown user");
    }

    @Test
    void failureCodeFollowsRequiredAndAllowFailedClients() throws Exception {
        SaslAuthenticator required = new SaslAuthenticator(new SaslConfig(Map.of("alice", "secret"), "Server", "t",
                true, true, false, false));
        assertEquals(ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH, login(required, "alice", "nope").failure());
        SaslAuthenticator lenient = new SaslAuthenticator(new SaslConfig(Map.of("alice", "secret"), "Server", "t",
                false, true, false, false));
        SaslAuthenticator.Step kept = login(lenient, "alice", "nope");
        assertNull(kept.failure(), "allowSaslFailedClients keeps the connection");
        assertNull(kept.authorizedId());
    }

    @Test
    void garbageAndRepeatedExchangesFail() {
        SaslAuthenticator auth = new SaslAuthenticator(new SaslConfig(Map.of("alice", "secret"), "Server", "t",
                false, false, false, false));
        SaslAuthenticator.Exchange ex = auth.newExchange();
        SaslAuthenticator.Step challenge = auth.evaluate(ex, new byte[0], "c");
        assertNull(challenge.failure());
        assertNotNull(challenge.token());
        assertEquals(ErrorCode.AUTHFAILED, auth.evaluate(ex, "garbage".getBytes(StandardCharsets.UTF_8), "c").failure());
        assertEquals(ErrorCode.AUTHFAILED, auth.evaluate(ex, new byte[0], "c").failure(), "the exchange has ended");
        assertEquals(ErrorCode.AUTHFAILED, auth.evaluate(auth.newExchange(), null, "c").failure());
    }

    @Test
    void withoutSaslTheAnswerIsOkWithANullToken() {
        SaslAuthenticator.Step step = new SaslAuthenticator(SaslConfig.OFF).evaluate(
                new SaslAuthenticator(SaslConfig.OFF).newExchange(), new byte[0], "c");
        assertNull(step.failure());
        assertNull(step.token());
    }

    @Test
    void kerberosStyleNamesLoseHostAndRealmOnlyWhenAsked() {
        assertEquals("zk/host@R", SaslAuthenticator.authorizedId("zk/host@R", false, false));
        assertEquals("zk@R", SaslAuthenticator.authorizedId("zk/host@R", true, false));
        assertEquals("zk/host", SaslAuthenticator.authorizedId("zk/host@R", false, true));
        assertEquals("zk", SaslAuthenticator.authorizedId("zk/host@R", true, true));
        assertEquals("alice", SaslAuthenticator.authorizedId("alice", true, true));
    }

    @Test
    void jaasServerSectionIsReadAndBadOnesRefuseToStart() throws Exception {
        Path jaas = jaas("""
                Server {
                  org.apache.zookeeper.server.auth.DigestLoginModule required
                  user_alice="a" user_bob="b";
                };
                Other {
                  org.apache.zookeeper.server.auth.DigestLoginModule required user_carol="c";
                };
                Kerberos {
                  com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true;
                };
                """);
        SaslConfig c = SaslConfig.load(new Properties(), system(jaas, null));
        assertEquals(Map.of("alice", "a", "bob", "b"), c.users());
        assertFalse(c.toString().contains("\"a\""), "no passwords in toString");
        assertEquals(Map.of("carol", "c"), SaslConfig.load(new Properties(), system(jaas, "Other")).users());

        // A Krb5LoginModule section means GSSAPI (the server logs in with it at start-up).
        SaslConfig krb = SaslConfig.load(new Properties(), system(jaas, "Kerberos"));
        assertTrue(krb.enabled() && krb.kerberos() != null && krb.users().isEmpty());
        assertThrows(ConfigException.class, () -> SaslConfig.load(new Properties(), system(jaas, "Missing")));

        Path clientOnly = jaas("Client { x.Y required username=\"u\" password=\"p\"; };");
        assertFalse(SaslConfig.load(new Properties(), system(clientOnly, null)).enabled(),
                "as ZooKeeper: a JAAS file without a Server section means no SASL");
        Properties required = new Properties();
        required.setProperty("sessionRequireClientSASLAuth", "true");
        ConfigException noUsers = assertThrows(ConfigException.class,
                () -> SaslConfig.load(required, system(clientOnly, null)));
        assertEquals("sessionRequireClientSASLAuth", noUsers.key());
        assertThrows(ConfigException.class, () -> SaslConfig.load(required, new Properties()));
        assertThrows(ConfigException.class,
                () -> SaslConfig.load(new Properties(), system(dir.resolve("absent.jaas"), null)));
    }

    @Test
    void zooCfgSaslKeysAreHonouredAndQuorumSaslWithoutAJaasFileIsRefused() {
        Properties p = new Properties();
        p.setProperty("dataDir", dir.toString());
        p.setProperty("clientPort", "2181");
        p.setProperty("kerberos.removeHostFromPrincipal", "true");
        p.setProperty("kerberos.removeRealmFromPrincipal", "true");
        p.setProperty("allowSaslFailedClients", "true");
        SaslConfig c = ConfigParser.parse(p).sasl();
        assertTrue(c.removeHostFromPrincipal() && c.removeRealmFromPrincipal() && c.allowFailedClients());
        p.setProperty("quorum.auth.enableSasl", "true");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(p));
        assertEquals("quorum.auth.enableSasl", e.key());
    }

    /**
     * The path a real start-up takes: zoo.cfg through ConfigParser, the JAAS file from the JVM's
     * system property (set here only for the call, and put back).
     */
    @Test
    void startUpReadsTheJaasFileFromTheSystemPropertyAndAKerberosLoginThatFailsStopsIt() throws Exception {
        Path zooCfg = dir.resolve("zoo.cfg");
        Files.writeString(zooCfg, "dataDir=" + dir + "\nclientPort=2181\nsessionRequireClientSASLAuth=true\n");
        Path digest = jaas("Server { org.apache.zookeeper.server.auth.DigestLoginModule required user_alice=\"a\"; };");
        Path kerberos = jaas("Server { com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true; };");
        String previous = System.getProperty(SaslConfig.JAAS_PROPERTY);
        try {
            System.setProperty(SaslConfig.JAAS_PROPERTY, digest.toString());
            SaslConfig c = ConfigParser.load(zooCfg).sasl();
            assertTrue(c.required());
            assertEquals(Map.of("alice", "a"), c.users());
            System.setProperty(SaslConfig.JAAS_PROPERTY, kerberos.toString());
            // A Kerberos section is GSSAPI; the server logs in at start-up, and without a keytab it cannot.
            SaslConfig krb = ConfigParser.load(zooCfg).sasl();
            assertTrue(krb.enabled() && krb.kerberos() != null && krb.users().isEmpty());
            ConfigException e = assertThrows(ConfigException.class, () -> new SaslAuthenticator(krb));
            assertEquals(SaslConfig.JAAS_PROPERTY, e.key());
            assertTrue(e.getMessage().contains("Kerberos login"), e.getMessage());
            System.clearProperty(SaslConfig.JAAS_PROPERTY);
            assertEquals("sessionRequireClientSASLAuth",
                    assertThrows(ConfigException.class, () -> ConfigParser.load(zooCfg)).key());
        } finally {
            if (previous == null) {
                System.clearProperty(SaslConfig.JAAS_PROPERTY);
            } else {
                System.setProperty(SaslConfig.JAAS_PROPERTY, previous);
            }
        }
    }

    private Path jaas(String text) throws Exception {
        Path file = Files.createTempFile(dir, "jaas", ".conf");
        Files.writeString(file, text);
        return file;
    }

    private static Properties system(Path jaas, String section) {
        Properties p = new Properties();
        p.setProperty(SaslConfig.JAAS_PROPERTY, jaas.toString());
        if (section != null) {
            p.setProperty(SaslConfig.SECTION_PROPERTY, section);
        }
        return p;
    }

    /** A whole DIGEST-MD5 exchange with the JDK's client; returns the last server step. */
    private static SaslAuthenticator.Step login(SaslAuthenticator auth, String user, String password) throws Exception {
        SaslClient client = Sasl.createSaslClient(new String[] {"DIGEST-MD5"}, null, "zookeeper", "zk-sasl-md5",
                new HashMap<>(), callbacks -> {
                    for (Callback cb : callbacks) {
                        if (cb instanceof NameCallback nc) {
                            nc.setName(user);
                        } else if (cb instanceof PasswordCallback pc) {
                            pc.setPassword(password.toCharArray());
                        } else if (cb instanceof RealmCallback rc) {
                            rc.setText(rc.getDefaultText());
                        } else if (cb instanceof RealmChoiceCallback rcc) {
                            rcc.setSelectedIndex(0);
                        }
                    }
                });
        SaslAuthenticator.Exchange ex = auth.newExchange();
        byte[] token = new byte[0];
        SaslAuthenticator.Step step;
        do {
            step = auth.evaluate(ex, token, "test");
            if (step.failure() != null || step.token() == null || step.authorizedId() != null) {
                return step;
            }
            token = client.evaluateChallenge(step.token());
            assertNotNull(token);
        } while (true);
    }
}
