package io.coord.server.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coord.server.config.SaslConfig;
import io.coord.server.config.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.RetryNTimes;
import org.apache.jute.BinaryOutputArchive;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.GetSASLRequest;
import org.apache.zookeeper.proto.RequestHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Client SASL (DIGEST-MD5) with the stock 3.9.5 client and Curator: a JAAS file with a
 * {@code Server} section (users alice and bob) configures the server, and client sections of the
 * same file log clients in. The client sections are reached through a JAAS configuration
 * installed for this class only ({@link TestJaas}, which says why not the system property).
 */
class SaslAuthCompatTest extends CompatTestBase {

    private static final String GOOD_SECTION = "CoordSaslClient";
    private static final String BAD_PASSWORD_SECTION = "CoordSaslBadClient";
    /** Not List.of: the stock client's create asks the ACL list whether it contains null. */
    private static final List<ACL> ALICE_ONLY = Collections.singletonList(new ACL(ZooDefs.Perms.ALL, new Id("sasl", "alice")));
    private static final long EVENT_WAIT_MS = 10_000;

    private Path jaasFile;
    private TestJaas jaas;

    @Override
    protected UnaryOperator<ServerConfig.Builder> targetConfig() throws Exception {
        assumeTrue(TestTarget.selected().equals("coord") || TestTarget.selected().equals("ensemble"),
                "the ZooKeeper oracle is started without a JAAS file");
        jaasFile = Files.createTempFile("coord-sasl-", ".jaas");
        Files.writeString(jaasFile, """
                Server {
                  org.apache.zookeeper.server.auth.DigestLoginModule required
                  user_alice="alice-secret"
                  user_bob="bob-secret";
                };
                %s {
                  org.apache.zookeeper.server.auth.DigestLoginModule required
                  username="alice"
                  password="alice-secret";
                };
                %s {
                  org.apache.zookeeper.server.auth.DigestLoginModule required
                  username="alice"
                  password="not-alice-secret";
                };
                """.formatted(GOOD_SECTION, BAD_PASSWORD_SECTION), StandardCharsets.UTF_8);
        jaas = TestJaas.install(jaasFile);
        SaslConfig sasl = serverSasl(new Properties());
        return b -> b.sasl(sasl);
    }

    @AfterAll
    void restoreJaas() throws IOException {
        if (jaas != null) {
            jaas.close();
        }
        if (jaasFile != null) {
            Files.deleteIfExists(jaasFile);
        }
    }

    /** The server's SASL settings from the JAAS file, read as the server reads a zoo.cfg's. */
    private SaslConfig serverSasl(Properties zooCfg) {
        Properties system = new Properties();
        system.setProperty(SaslConfig.JAAS_PROPERTY, jaasFile.toString());
        return SaslConfig.load(zooCfg, system);
    }

    @Test
    void stockClientLogsInAndASaslAclAdmitsOnlyThatUser() throws Exception {
        ZooKeeper alice = saslClient(target.connectString(), GOOD_SECTION, KeeperState.SaslAuthenticated);
        String secret = path("secret");
        alice.create(secret, "s".getBytes(StandardCharsets.UTF_8), ALICE_ONLY, CreateMode.PERSISTENT);
        assertArrayEquals("s".getBytes(StandardCharsets.UTF_8), alice.getData(secret, false, null));
        assertTrue(alice.whoAmI().contains(new ClientInfo("sasl", "alice")), "whoAmI: " + alice.whoAmI());

        // The creator's "auth" ACL expands to the SASL identity.
        String mine = path("mine");
        alice.create(mine, new byte[0], ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        assertEquals(ALICE_ONLY, alice.getACL(mine, null));

        // A session without SASL is refused.
        syncIfEnsemble(zk, secret);
        assertThrows(KeeperException.NoAuthException.class, () -> zk.getData(secret, false, null));
        assertThrows(KeeperException.NoAuthException.class, () -> zk.setData(mine, new byte[1], -1));
    }

    @Test
    void wrongPasswordEndsInAuthFailed() throws Exception {
        BlockingQueue<KeeperState> states = new LinkedBlockingQueue<>();
        ZooKeeper client = new ZooKeeper(target.connectString(), SESSION_TIMEOUT_MS,
                event -> {
                    if (event.getState() != null) {
                        states.add(event.getState());
                    }
                }, saslConfig(BAD_PASSWORD_SECTION));
        closeAfterTest(client::close);
        awaitState(states, KeeperState.AuthFailed);
        assertEquals(ZooKeeper.States.AUTH_FAILED, client.getState());
        assertThrows(KeeperException.AuthFailedException.class, () -> client.exists("/", false));
    }

    @Test
    void curatorLockOnASaslSession() throws Exception {
        CuratorFramework curator = CuratorFrameworkFactory.builder()
                .connectString(target.connectString())
                .sessionTimeoutMs(SESSION_TIMEOUT_MS)
                .connectionTimeoutMs(SESSION_TIMEOUT_MS)
                .retryPolicy(new RetryNTimes(20, 100))
                .zkClientConfig(saslConfig(GOOD_SECTION))
                .namespace(root.substring(1))
                .build();
        closeAfterTest(curator);
        curator.start();
        assertTrue(curator.blockUntilConnected((int) CONNECT_WAIT_MS, TimeUnit.MILLISECONDS));
        curator.create().withACL(ALICE_ONLY).forPath("/locks");
        InterProcessMutex mutex = new InterProcessMutex(curator, "/locks/l");
        assertTrue(mutex.acquire(EVENT_WAIT_MS, TimeUnit.MILLISECONDS), "lock not acquired");
        assertEquals(1, curator.getChildren().forPath("/locks/l").size());
        mutex.release();

        syncIfEnsemble(zk, path("locks"));
        assertThrows(KeeperException.NoAuthException.class,
                () -> zk.create(path("locks/intruder"), new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
    }

    /**
     * sessionRequireClientSASLAuth: a session that did not log in with SASL has its first request
     * answered SESSIONCLOSEDREQUIRESASLAUTH (the stock client's SessionClosedRequireAuthException)
     * and its connection closed; a SASL session works.
     */
    @Test
    void sessionRequireClientSaslAuthRefusesSessionsWithoutSasl() throws Exception {
        Properties zooCfg = new Properties();
        zooCfg.setProperty("sessionRequireClientSASLAuth", "true");
        SaslConfig required = serverSasl(zooCfg);
        assertTrue(required.required());
        TestTarget strict = closeAfterTest(TestTarget.start(b -> b.sasl(required)));

        ZooKeeper plain = newClient(strict.connectString(), SESSION_TIMEOUT_MS, event -> { });
        KeeperException refused = assertThrows(KeeperException.class, () -> plain.exists("/", false));
        assertEquals(KeeperException.Code.SESSIONCLOSEDREQUIRESASLAUTH, refused.code());

        ZooKeeper alice = saslClient(strict.connectString(), GOOD_SECTION, KeeperState.SaslAuthenticated);
        alice.create("/strict", new byte[0], ALICE_ONLY, CreateMode.PERSISTENT);
        assertEquals(0, alice.exists("/strict", false).getVersion());
    }

    /**
     * A response the mechanism cannot parse (after its challenge: the JDK's DIGEST-MD5 server
     * ignores a first token): AUTHFAILED, and that connection (only) is closed.
     */
    @Test
    void garbageTokenIsAuthFailedAndClosesOnlyThatConnection() throws Exception {
        try (RawSocket raw = new RawSocket(target.clientPort())) {
            raw.handshake(SESSION_TIMEOUT_MS);
            raw.request(1, OpCode.sasl, new GetSASLRequest(new byte[0]));
            assertEquals(0, raw.replyTo(1).getErr(), "the DIGEST-MD5 challenge");
            raw.request(2, OpCode.sasl, new GetSASLRequest("not a DIGEST-MD5 response".getBytes(StandardCharsets.UTF_8)));
            assertEquals(KeeperException.Code.AUTHFAILED.intValue(), raw.replyTo(2).getErr());
            assertTrue(raw.closedByServer(), "the connection stays open after a failed SASL login");
        }
        assertEquals(0, zk.exists(root, false).getVersion(), "another session is unhurt");
    }

    /**
     * A sasl packet over jute.maxbuffer closes that connection at the frame decoder (before any
     * SASL work); a SASL login on another connection still works.
     */
    @Test
    void tokenOverJuteMaxBufferClosesThatConnectionOnly() throws Exception {
        try (RawSocket raw = new RawSocket(target.clientPort())) {
            raw.handshake(SESSION_TIMEOUT_MS);
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            BinaryOutputArchive out = BinaryOutputArchive.getArchive(bytes);
            new RequestHeader(1, OpCode.sasl).serialize(out, "header");
            new GetSASLRequest(new byte[ServerConfig.DEFAULT_JUTE_MAX_BUFFER + 1]).serialize(out, "request");
            try {
                raw.writeFrame(bytes.toByteArray());
            } catch (IOException closedWhileWriting) {
                // The server may close before it has read everything: that is the point.
            }
            assertTrue(raw.closedByServer(), "an oversized sasl packet was not refused");
        }
        ZooKeeper alice = saslClient(target.connectString(), GOOD_SECTION, KeeperState.SaslAuthenticated);
        assertTrue(alice.whoAmI().contains(new ClientInfo("sasl", "alice")));
    }

    private static ZKClientConfig saslConfig(String section) {
        return StockClients.saslConfig(section);
    }

    /** A stock client logged in through {@code section}, returned once {@code expected} was seen. */
    private ZooKeeper saslClient(String connectString, String section, KeeperState expected) throws Exception {
        BlockingQueue<KeeperState> states = new LinkedBlockingQueue<>();
        ZooKeeper client = new ZooKeeper(connectString, SESSION_TIMEOUT_MS, event -> {
            if (event.getState() != null) {
                states.add(event.getState());
            }
        }, saslConfig(section));
        closeAfterTest(client::close);
        awaitState(states, expected);
        return client;
    }

    private static void awaitState(BlockingQueue<KeeperState> states, KeeperState expected) throws InterruptedException {
        List<KeeperState> seen = new java.util.ArrayList<>();
        long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EVENT_WAIT_MS);
        while (!seen.contains(expected)) {
            long leftNanos = deadlineNanos - System.nanoTime();
            KeeperState state = leftNanos > 0 ? states.poll(leftNanos, TimeUnit.NANOSECONDS) : null;
            assertTrue(state != null, "no " + expected + " within " + EVENT_WAIT_MS + " ms; states: " + seen);
            seen.add(state);
        }
    }
}
