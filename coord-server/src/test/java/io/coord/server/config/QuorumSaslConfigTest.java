package io.coord.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quorum.auth.* keys: ZooKeeper's sample zoo.cfg is taken as it is; every combination that
 * cannot give what it asks for refuses to start naming the key (fail closed).
 */
class QuorumSaslConfigTest {
    private static final String SECTIONS = """
            QuorumServer { org.apache.zookeeper.server.auth.DigestLoginModule required user_zk="pw" user_zk2="pw2"; };
            QuorumLearner { org.apache.zookeeper.server.auth.DigestLoginModule required username="zk" password="pw"; };
            """;
    @TempDir
    Path dir;

    @Test
    void zooKeepersSampleConfigIsReadThroughTheParser() throws Exception {
        Files.writeString(dir.resolve("myid"), "1\n");
        Path jaas = Files.writeString(dir.resolve("jaas.conf"), SECTIONS);
        String previous = System.getProperty(SaslConfig.JAAS_PROPERTY);
        try {
            System.setProperty(SaslConfig.JAAS_PROPERTY, jaas.toString());
            ServerConfig c = ConfigParser.parse(props("dataDir=" + dir + "\nclientPort=2181\n"
                    + "server.1=127.0.0.1:2888:3888\nserver.2=127.0.0.1:2889:3889\nserver.3=127.0.0.1:2890:3890\n"
                    + """
                    quorum.auth.enableSasl=true
                    quorum.auth.learnerRequireSasl=true
                    quorum.auth.serverRequireSasl=true
                    quorum.auth.learner.saslLoginContext=QuorumLearner
                    quorum.auth.server.saslLoginContext=QuorumServer
                    quorum.auth.kerberos.servicePrincipal=servicename/_HOST
                    quorum.cnxn.threads.size=20
                    """));
            QuorumSaslConfig q = c.quorumSasl();
            assertTrue(q.enabled() && q.learnerRequired() && q.serverRequired() && q.learnerLogsIn());
            assertEquals("zk", q.learnerUser());
            assertEquals(Map.of("zk", "pw", "zk2", "pw2"), q.serverUsers());
            assertFalse(q.toString().contains("pw"), "no password in the text form");
        } finally {
            if (previous == null) {
                System.clearProperty(SaslConfig.JAAS_PROPERTY);
            } else {
                System.setProperty(SaslConfig.JAAS_PROPERTY, previous);
            }
        }
    }

    @Test
    void theRollingUpgradeStepsAreAcceptedAndOffIsOff() throws Exception {
        Path jaas = Files.writeString(dir.resolve("jaas.conf"), SECTIONS);
        assertFalse(load("", null).enabled());
        QuorumSaslConfig step1 = load("quorum.auth.enableSasl=true", jaas);
        assertTrue(step1.enabled() && !step1.learnerLogsIn() && !step1.serverRequired());
        QuorumSaslConfig step2 = load("quorum.auth.enableSasl=true\nquorum.auth.learnerRequireSasl=true", jaas);
        assertTrue(step2.learnerLogsIn() && !step2.serverRequired());
        Path renamed = Files.writeString(dir.resolve("renamed.conf"), SECTIONS.replace("QuorumServer", "QS")
                .replace("QuorumLearner", "QL"));
        assertEquals("zk", load("quorum.auth.enableSasl=true\nquorum.auth.learner.saslLoginContext=QL\n"
                + "quorum.auth.server.saslLoginContext=QS", renamed).learnerUser());
    }

    @Test
    void whatCannotBeHonouredRefusesToStartNamingTheKey() throws Exception {
        Path jaas = Files.writeString(dir.resolve("jaas.conf"), SECTIONS);
        assertEquals(QuorumSaslConfig.SERVER_REQUIRE, refused("quorum.auth.serverRequireSasl=true", jaas));
        assertEquals(QuorumSaslConfig.LEARNER_REQUIRE, refused("quorum.auth.learnerRequireSasl=true", jaas));
        assertEquals(QuorumSaslConfig.SERVER_REQUIRE,
                refused("quorum.auth.enableSasl=true\nquorum.auth.serverRequireSasl=true", jaas));
        assertEquals(QuorumSaslConfig.ENABLE, refused("quorum.auth.enableSasl=true", null));
        Path noServer = Files.writeString(dir.resolve("noserver.conf"), SECTIONS.substring(SECTIONS.indexOf("QuorumLearner")));
        assertEquals(QuorumSaslConfig.SERVER_CONTEXT, refused("quorum.auth.enableSasl=true", noServer));
        Path noLearner = Files.writeString(dir.resolve("nolearner.conf"),
                SECTIONS.substring(0, SECTIONS.indexOf("QuorumLearner")));
        assertEquals(QuorumSaslConfig.LEARNER_CONTEXT, refused("quorum.auth.enableSasl=true", noLearner));
        assertEquals(QuorumSaslConfig.SERVER_CONTEXT,
                refused("quorum.auth.enableSasl=true\nquorum.auth.server.saslLoginContext=Other", jaas));
        Path kerberos = Files.writeString(dir.resolve("krb.conf"), SECTIONS.replace(
                "org.apache.zookeeper.server.auth.DigestLoginModule required user_zk",
                "com.sun.security.auth.module.Krb5LoginModule required user_zk"));
        ConfigException krb = assertThrows(ConfigException.class, () -> load("quorum.auth.enableSasl=true", kerberos));
        assertEquals(QuorumSaslConfig.SERVER_CONTEXT, krb.key());
        assertTrue(krb.getMessage().contains("Kerberos"), krb.getMessage());
        Path noUser = Files.writeString(dir.resolve("nouser.conf"), SECTIONS.replace("username=\"zk\"", ""));
        assertEquals(QuorumSaslConfig.LEARNER_CONTEXT, refused("quorum.auth.enableSasl=true", noUser));
        assertEquals(QuorumSaslConfig.CNXN_THREADS, refused("quorum.cnxn.threads.size=0", null));
        assertEquals(QuorumSaslConfig.ENABLE, refused("quorum.auth.enableSasl=maybe", null));
        assertEquals("quorum.auth.digestAlg", assertThrows(ConfigException.class, () -> ConfigParser.parse(props(
                "dataDir=" + dir + "\nclientPort=2181\nquorum.auth.digestAlg=sha1\n"))).key());
    }

    private String refused(String keys, Path jaas) {
        return assertThrows(ConfigException.class, () -> load(keys, jaas)).key();
    }

    private static QuorumSaslConfig load(String keys, Path jaas) throws Exception {
        Properties system = new Properties();
        if (jaas != null) {
            system.setProperty(SaslConfig.JAAS_PROPERTY, jaas.toString());
        }
        return QuorumSaslConfig.load(props(keys), system);
    }

    private static Properties props(String text) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }
}
