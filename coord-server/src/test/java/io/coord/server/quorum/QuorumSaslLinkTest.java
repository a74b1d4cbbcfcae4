package io.coord.server.quorum;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.coord.clientit.LogCapture;
import io.coord.server.TestPorts;
import io.coord.server.config.QuorumSaslConfig;
import io.coord.server.config.ServerAddress;
import io.coord.server.net.NettyTransport;
import io.coord.server.zab.ZabMessage;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Quorum SASL on one member link (member 1 dials member 2), through ZooKeeper's rolling-upgrade
 * matrix: with enableSasl alone both ends take links without a login; a learner that requires
 * SASL logs in and the link carries frames; a server that requires SASL refuses a learner that
 * does not log in; a wrong password is refused whatever the server requires; a login to a member
 * without quorum SASL is refused; a fake server's SUCCESS without DIGEST-MD5's proof is not trusted.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QuorumSaslLinkTest {
    private static final String PASSWORD = "quorum-secret";
    private static final QuorumSaslConfig OFF = QuorumSaslConfig.OFF;
    private static final QuorumSaslConfig ENABLED = sasl(false, false, PASSWORD);
    private static final QuorumSaslConfig LEARNER = sasl(true, false, PASSWORD);
    private static final QuorumSaslConfig REQUIRED = sasl(true, true, PASSWORD);

    @Test
    void rollingUpgradeModesThatMustConnectDoAndCarryFrames() throws Exception {
        // Step 0 and step 1 of the upgrade, in either order of restarts, then steps 2 and 3.
        assertLinkUp(OFF, OFF, false);
        assertLinkUp(OFF, ENABLED, false);
        assertLinkUp(ENABLED, OFF, false);
        assertLinkUp(ENABLED, ENABLED, false);
        assertLinkUp(LEARNER, ENABLED, true);
        assertLinkUp(LEARNER, LEARNER, true);
        assertLinkUp(REQUIRED, LEARNER, true);
        assertLinkUp(REQUIRED, REQUIRED, true);
        assertLinkUp(LEARNER, REQUIRED, true);
    }

    @Test
    void aServerThatRequiresSaslRefusesALearnerThatDoesNotLogIn() throws Exception {
        assertRefused(OFF, REQUIRED, "it does not log in with SASL and quorum.auth.serverRequireSasl is true");
        assertRefused(ENABLED, REQUIRED, "it does not log in with SASL and quorum.auth.serverRequireSasl is true");
    }

    @Test
    void aWrongPasswordIsRefusedWhateverTheServerRequires() throws Exception {
        assertRefused(sasl(true, true, "wrong"), REQUIRED, "its SASL login failed");
        assertRefused(sasl(true, false, "wrong"), ENABLED, "its SASL login failed");
        // The server end with the wrong password: the learner's proof does not match its copy.
        assertRefused(REQUIRED, sasl(true, true, "wrong"), "its SASL login failed");
    }

    @Test
    void aLoginToAMemberWithoutQuorumSaslIsRefused() throws Exception {
        assertRefused(LEARNER, OFF, "quorum.auth.enableSasl is off on this member");
    }

    /**
     * A "member" on the quorum port that answers the login with SUCCESS at once, without the
     * server's DIGEST-MD5 proof that it knows the password: the learner does not take the link.
     */
    @Test
    void aServerThatSaysSuccessWithoutProofIsNotTrusted() throws Exception {
        try (ServerSocket fake = new ServerSocket();
             LogCapture log = new LogCapture(LinkHandshake.class.getName(), Level.WARN)) {
            fake.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Map<Long, ServerAddress> members = Map.of(
                    1L, new ServerAddress(1, "127.0.0.1", TestPorts.next(), 0, false),
                    2L, new ServerAddress(2, "127.0.0.1", fake.getLocalPort(), 0, false));
            QuorumTransport learner = new QuorumTransport(1, members, new RecordingInbound(), NettyTransport.NIO,
                    QuorumTransport.DEFAULT_OUTBOX_LIMIT_BYTES, null, REQUIRED);
            try {
                learner.start();
                fake.setSoTimeout(10_000);
                try (Socket s = fake.accept()) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    assertEquals(new QuorumCodec.Hello(1, true), QuorumCodec.decode(readFrame(in)));
                    assertTrue(QuorumCodec.decode(readFrame(in)) instanceof QuorumCodec.Auth);
                    byte[] success = QuorumCodec.encode(new QuorumCodec.Auth(QuorumCodec.AuthStatus.SUCCESS, new byte[0]));
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    out.writeInt(success.length);
                    out.write(success);
                    out.flush();
                    s.setSoTimeout(10_000);
                    assertTrue(closedByPeer(in), "the learner closes the link");
                }
                assertFalse(learner.connected(2));
                assertEquals(1, log.count(m -> m.contains("the SASL login of this member")), "one WARN line");
            } finally {
                learner.close();
            }
        }
    }

    private static boolean closedByPeer(DataInputStream in) throws Exception {
        try {
            while (true) {
                readFrame(in);
            }
        } catch (EOFException | SocketException e) {
            return true;
        }
    }

    private static byte[] readFrame(DataInputStream in) throws Exception {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return b;
    }

    /** Member 1 (dialer, learner) with {@code dialer}, member 2 (acceptor, server) with {@code acceptor}. */
    private static void assertLinkUp(QuorumSaslConfig dialer, QuorumSaslConfig acceptor, boolean login)
            throws Exception {
        Map<Long, ServerAddress> members = members();
        RecordingInbound inbound = new RecordingInbound();
        AtomicInteger received = inbound.zabReceived;
        try (LogCapture log = new LogCapture(LinkHandshake.class.getName(), Level.INFO)) {
            QuorumTransport one = new QuorumTransport(1, members, new RecordingInbound(), NettyTransport.NIO,
                    QuorumTransport.DEFAULT_OUTBOX_LIMIT_BYTES, null, dialer);
            QuorumTransport two = new QuorumTransport(2, members, inbound, NettyTransport.NIO,
                    QuorumTransport.DEFAULT_OUTBOX_LIMIT_BYTES, null, acceptor);
            try {
                two.start();
                one.start();
                String mode = dialer + " -> " + acceptor;
                await(mode).atMost(Duration.ofSeconds(10)).until(() -> one.connected(2) && two.connected(1));
                one.send(2, new ZabMessage.Ping(1, 1, 0, 0, true));
                await(mode).atMost(Duration.ofSeconds(10)).until(() -> received.get() == 1);
                assertEquals(login ? 1 : 0, log.count(m -> m.contains("logged in with SASL (DIGEST-MD5) as 'member'")),
                        mode);
                assertEquals(0, log.count(m -> m.contains("refus") || m.contains("fail")), mode);
            } finally {
                one.close();
                two.close();
            }
        }
    }

    private static void assertRefused(QuorumSaslConfig dialer, QuorumSaslConfig acceptor, String why)
            throws Exception {
        Map<Long, ServerAddress> members = members();
        try (LogCapture log = new LogCapture(LinkHandshake.class.getName(), Level.WARN)) {
            QuorumTransport one = new QuorumTransport(1, members, new RecordingInbound(), NettyTransport.NIO,
                    QuorumTransport.DEFAULT_OUTBOX_LIMIT_BYTES, null, dialer);
            QuorumTransport two = new QuorumTransport(2, members, new RecordingInbound(), NettyTransport.NIO,
                    QuorumTransport.DEFAULT_OUTBOX_LIMIT_BYTES, null, acceptor);
            try {
                two.start();
                one.start();
                String mode = dialer + " -> " + acceptor;
                // Refused, redialed and refused again: each time one line from member 2 naming the reason.
                await(mode).atMost(Duration.ofSeconds(10)).until(() ->
                        log.count(m -> m.startsWith("member 2: refusing member 1") && m.contains(why)) >= 2);
                assertFalse(two.connected(1), mode);
                if (dialer.learnerLogsIn()) {
                    // A learner that logs in takes the link only on the server's SUCCESS. (One that
                    // does not log in cannot know it will be refused, as in ZooKeeper: its side of a
                    // redial is up until the server closes it, and nothing it sends is read.)
                    assertFalse(one.connected(2), mode);
                }
            } finally {
                one.close();
                two.close();
            }
        }
    }

    private static Map<Long, ServerAddress> members() throws Exception {
        return Map.of(1L, new ServerAddress(1, "127.0.0.1", TestPorts.next(), 0, false),
                2L, new ServerAddress(2, "127.0.0.1", TestPorts.next(), 0, false));
    }

    /** Every member's QuorumServer knows user "member" with {@value #PASSWORD}; its QuorumLearner uses {@code password}. */
    private static QuorumSaslConfig sasl(boolean learnerRequired, boolean serverRequired, String password) {
        return new QuorumSaslConfig(true, learnerRequired, serverRequired, "QuorumLearner", "QuorumServer", "member",
                password, Map.of("member", password), "test.jaas", "zkquorum/localhost", 20);
    }
}
