package io.coord.clientit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.coord.client.ClientOptions;
import io.coord.client.ConnectionState;
import io.coord.client.CoordClient;
import io.coord.client.CoordException;
import io.coord.client.FaultInjector;
import io.coord.client.RetryPolicy;
import io.coord.server.compat.TestTarget;
import io.coord.server.config.SaslConfig;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import io.coord.wire.Id;
import io.coord.wire.Perms;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * coord-client's SASL (DIGEST-MD5) login against a server that requires it
 * (sessionRequireClientSASLAuth): done before any other request on every connection, so
 * requests queued at once and requests after a reconnect are accepted; a wrong password fails
 * the connect with AuthFailed.
 */
class ClientSaslTest {
    private static final List<Acl> ALICE_ONLY = List.of(new Acl(Perms.ALL, new Id("sasl", "alice")));
    private static TestTarget server;
    private final List<CoordClient> clients = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        SaslConfig sasl = new SaslConfig(Map.of("alice", "alice-secret", "bob", "bob-secret"), "Server", "test",
                true, false, false, false);
        server = TestTarget.start(b -> b.sasl(sasl));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void closeClients() {
        clients.forEach(CoordClient::close);
    }

    private static ClientOptions.Builder options() {
        return ClientOptions.builder().sessionTimeoutMs(2000).connectionTimeoutMs(5000).retryPolicy(RetryPolicy.NONE);
    }

    private CoordClient open(ClientOptions options) {
        CoordClient c = CoordClient.connect(server.connectString(), options);
        clients.add(c);
        return c;
    }

    @Test
    void saslLoginComesFirstOnEveryConnection() {
        FaultInjector faults = new FaultInjector();
        CoordClient alice = open(options().saslDigest("alice", "alice-secret").faultInjector(faults).build());
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        alice.addConnectionStateListener(states::add);
        // Sent back to back right after connect: none may overtake the login (the server would refuse it).
        List<CompletableFuture<?>> burst = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            burst.add(alice.createAsync("/sasl-" + i, null, ALICE_ONLY, CreateMode.EPHEMERAL));
        }
        burst.forEach(CompletableFuture::join);
        assertEquals(ALICE_ONLY, creatorAcl(alice, "/sasl-creator"));

        long session = alice.sessionId();
        faults.dropConnection();
        await().atMost(Duration.ofSeconds(10)).until(() -> states.contains(ConnectionState.RECONNECTED));
        // The server forgets a connection's SASL identity when the session moves: this works only
        // because the client logged in again before sending it.
        alice.sync("/sasl-0");
        assertEquals(0, alice.getData("/sasl-0").stat().version());
        assertEquals(session, alice.sessionId());
    }

    @Test
    void wrongPasswordFailsTheConnectWithAuthFailed() {
        assertThrows(CoordException.AuthFailedException.class,
                () -> open(options().saslDigest("alice", "bob-secret").build()));
    }

    @Test
    void aClientWithoutSaslIsRefusedByThisServer() {
        CoordClient plain = open(options().build());
        CoordException e = assertThrows(CoordException.class, () -> plain.exists("/"));
        assertEquals(io.coord.wire.ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH, e.code());
    }

    @Test
    void credentialsFromAJaasSection() {
        Configuration previous = current();
        Configuration.setConfiguration(new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return "CoordClientSaslTest".equals(name) ? new AppConfigurationEntry[] {new AppConfigurationEntry(
                        "org.apache.zookeeper.server.auth.DigestLoginModule",
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                        Map.of("username", "bob", "password", "bob-secret"))} : null;
            }
        });
        try {
            CoordClient bob = open(options().saslJaasSection("CoordClientSaslTest").build());
            assertEquals(List.of(new Acl(Perms.ALL, new Id("sasl", "bob"))), creatorAcl(bob, "/sasl-bob"));
            assertThrows(IllegalArgumentException.class, () -> options().saslJaasSection("NoSuchSection"));
        } finally {
            Configuration.setConfiguration(previous);
        }
    }

    /** The ACL an "auth" (creator) entry expands to: the session's authenticated identities. */
    private static List<Acl> creatorAcl(CoordClient c, String path) {
        c.create(path, null, Acl.CREATOR_ALL_ACL, CreateMode.EPHEMERAL);
        return c.getAcl(path).acl();
    }

    private static Configuration current() {
        try {
            return Configuration.getConfiguration();
        } catch (SecurityException none) {
            return null;
        }
    }
}
