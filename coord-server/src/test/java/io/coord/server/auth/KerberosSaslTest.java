package io.coord.server.auth;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.coord.server.TestPorts;
import io.coord.server.config.SaslConfig;
import io.coord.server.config.ServerConfig;
import io.coord.server.quorum.EnsembleMember;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.URIParameter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.security.auth.login.Configuration;
import org.apache.kerby.kerberos.kerb.server.SimpleKdcServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kerberos (GSSAPI) client SASL against an in-process KDC (Apache Kerby's SimpleKdcServer, test
 * scope): the stock 3.9.5 client, with a JAAS Client section for Krb5LoginModule and a keytab,
 * logs in to Coord, whose JAAS Server section is Krb5LoginModule with the service keytab; the
 * session's identity is its principal ({@code sasl:app/localhost@EXAMPLE.COM}), stripped by
 * kerberos.removeHostFromPrincipal / removeRealmFromPrincipal when those are set. Several seconds
 * (a KDC, two servers, two Kerberos logins): runs with {@code -Dcoord.kerberos.test=true} only.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@EnabledIfSystemProperty(named = "coord.kerberos.test", matches = "true")
class KerberosSaslTest {
    private static final String REALM = "EXAMPLE.COM";
    private static final String SERVICE = "zookeeper/localhost@" + REALM;
    private static final String APP = "app/localhost@" + REALM;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private String krb5Before;
    private Configuration jaasBefore;

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        if (jaasBefore != null) {
            Configuration.setConfiguration(jaasBefore);
        }
        if (krb5Before == null) {
            System.clearProperty("java.security.krb5.conf");
        } else {
            System.setProperty("java.security.krb5.conf", krb5Before);
        }
    }

    @Test
    void theStockClientLogsInWithGssapiAndItsPrincipalIsItsSaslIdentity(@TempDir Path dir) throws Exception {
        krb5Before = System.getProperty("java.security.krb5.conf");
        SimpleKdcServer kdc = new SimpleKdcServer();
        kdc.setWorkDir(dir.toFile());
        kdc.setKdcRealm(REALM);
        kdc.setKdcHost("localhost");
        kdc.setAllowUdp(false);
        kdc.setKdcTcpPort(TestPorts.next());
        kdc.init(); // writes krb5.conf and points java.security.krb5.conf at it
        kdc.start();
        toClose.add(kdc::stop);
        Path serverKeytab = dir.resolve("server.keytab");
        Path appKeytab = dir.resolve("app.keytab");
        kdc.createPrincipal(SERVICE);
        kdc.exportPrincipal(SERVICE, serverKeytab.toFile());
        kdc.createPrincipal(APP);
        kdc.exportPrincipal(APP, appKeytab.toFile());
        Path jaas = Files.writeString(dir.resolve("jaas.conf"), """
                Server {
                  com.sun.security.auth.module.Krb5LoginModule required
                  useKeyTab=true keyTab="%s" storeKey=true useTicketCache=false isInitiator=false
                  principal="%s";
                };
                Client {
                  com.sun.security.auth.module.Krb5LoginModule required
                  useKeyTab=true keyTab="%s" storeKey=true useTicketCache=false
                  principal="%s";
                };
                """.formatted(serverKeytab, SERVICE, appKeytab, APP));
        installClientJaas(jaas);

        ZooKeeper plain = client(start(dir.resolve("plain"), jaas, false));
        assertIdentity(plain, APP);
        // sasl:<principal> ACLs: the principal passes, another is refused.
        byte[] data = "kerberos".getBytes(StandardCharsets.UTF_8);
        plain.create("/mine", data, acl(APP), CreateMode.PERSISTENT);
        assertArrayEquals(data, plain.getData("/mine", false, null));
        plain.create("/theirs", data, acl("other@" + REALM), CreateMode.PERSISTENT);
        assertThrows(KeeperException.NoAuthException.class, () -> plain.getData("/theirs", false, null));

        ZooKeeper stripped = client(start(dir.resolve("stripped"), jaas, true));
        assertIdentity(stripped, "app");
    }

    /** ALL for {@code sasl:<id>} (a mutable list: the stock client's validateACL looks for null in it). */
    private static List<ACL> acl(String id) {
        return new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("sasl", id))));
    }

    private static void assertIdentity(ZooKeeper zk, String id) throws Exception {
        zk.create("/who", new byte[0], ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        List<ACL> acl = zk.getACL("/who", new Stat());
        assertEquals(acl(id), acl);
    }

    private int start(Path data, Path jaas, boolean strip) throws Exception {
        Properties zooCfg = new Properties();
        if (strip) {
            zooCfg.setProperty("kerberos.removeHostFromPrincipal", "true");
            zooCfg.setProperty("kerberos.removeRealmFromPrincipal", "true");
        }
        Properties system = new Properties();
        system.setProperty(SaslConfig.JAAS_PROPERTY, jaas.toString());
        SaslConfig sasl = SaslConfig.load(zooCfg, system);
        int port = TestPorts.next();
        EnsembleMember server = EnsembleMember.start(ServerConfig.builder(data).clientPort(port).maxClientCnxns(0)
                .sasl(sasl).build());
        toClose.add(server);
        return port;
    }

    private ZooKeeper client(int port) throws Exception {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, "Client");
        config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "true");
        config.setProperty("zookeeper.server.principal", SERVICE);
        Set<Watcher.Event.KeeperState> states = ConcurrentHashMap.newKeySet();
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, 10_000, e -> states.add(e.getState()), config);
        toClose.add(zk::close);
        await().atMost(Duration.ofSeconds(30)).until(() -> states.contains(Watcher.Event.KeeperState.SaslAuthenticated)
                || states.contains(Watcher.Event.KeeperState.AuthFailed));
        assertFalse(states.contains(Watcher.Event.KeeperState.AuthFailed), "the GSSAPI login failed");
        return zk;
    }

    private void installClientJaas(Path jaas) throws NoSuchAlgorithmException {
        try {
            jaasBefore = Configuration.getConfiguration();
        } catch (SecurityException noneYet) {
            jaasBefore = null;
        }
        Configuration.setConfiguration(Configuration.getInstance("JavaLoginConfig", new URIParameter(jaas.toUri())));
    }
}
