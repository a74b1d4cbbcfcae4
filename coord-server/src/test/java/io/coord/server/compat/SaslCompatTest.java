package io.coord.server.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.apache.zookeeper.common.X509Util;
import org.apache.zookeeper.proto.GetSASLRequest;
import org.apache.zookeeper.proto.ReplyHeader;
import org.junit.jupiter.api.Test;

/**
 * A stock client configured for SASL against a server that has none: ZooKeeper 3.9 answers its
 * SASL request with a null token, and the client fails its login with AuthFailed and stops.
 */
class SaslCompatTest extends CompatTestBase {

    /**
     * A JAAS section name no other code in this JVM asks for. JAAS configuration is JVM-global, so
     * the test adds only this section (every other name still goes to the configuration that was
     * there before) and puts the old configuration back afterwards; the SASL settings themselves
     * travel in this client's {@link ZKClientConfig}, not in system properties.
     */
    private static final String SECTION = "CoordSaslCompatTestClient";

    /** Time allowed for the AuthFailed event; the old behaviour (reconnect forever) never sends it. */
    private static final long AUTH_FAILED_WAIT_MS = 5_000;

    @Test
    void aClientConfiguredForSaslGetsAuthFailedInsteadOfReconnectingForever() throws Exception {
        Configuration previous = currentJaasConfiguration();
        Configuration.setConfiguration(new OneExtraSection(previous));
        try {
            ZKClientConfig config = new ZKClientConfig();
            config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "true");
            config.setProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, SECTION);
            // In its default FIPS mode the client refuses DIGEST-MD5 and fails on its own, without
            // ever sending the server a SASL request: that would prove nothing about the server.
            config.setProperty(X509Util.FIPS_MODE_PROPERTY, "false");
            BlockingQueue<KeeperState> states = new LinkedBlockingQueue<>();
            ZooKeeper client = new ZooKeeper(target.connectString(), SESSION_TIMEOUT_MS,
                    event -> {
                        // The client sends a null state along with some SASL failures of its own.
                        if (event.getState() != null) {
                            states.add(event.getState());
                        }
                    }, config);
            closeAfterTest(client::close);

            List<KeeperState> seen = new ArrayList<>();
            long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AUTH_FAILED_WAIT_MS);
            while (!seen.contains(KeeperState.AuthFailed)) {
                long leftNanos = deadlineNanos - System.nanoTime();
                KeeperState state = leftNanos > 0 ? states.poll(leftNanos, TimeUnit.NANOSECONDS) : null;
                assertTrue(state != null, "no AuthFailed within " + AUTH_FAILED_WAIT_MS + " ms; states: " + seen);
                seen.add(state);
            }
            assertFalse(seen.contains(KeeperState.Disconnected),
                    "the connection must not drop before AuthFailed: " + seen);
            assertEquals(ZooKeeper.States.AUTH_FAILED, client.getState());
            assertThrows(KeeperException.AuthFailedException.class, () -> client.exists("/", false));
        } finally {
            Configuration.setConfiguration(previous);
        }
    }

    /**
     * SASL requests are not session activity (ZooKeeper answers them outside its request
     * processors, so they never touch the session). A client that keeps sending empty tokens to a
     * server without SASL — kazoo's DIGEST-MD5 loop does, against ZooKeeper 3.9.5 about 2,000 a
     * second — has its session expire and its connection closed; kazoo then reports AuthFailed.
     * Before, Coord touched the session on each one and the loop never ended.
     */
    @Test
    void saslRequestsAloneDoNotKeepASessionAlive() throws Exception {
        int sessionTimeoutMs = 2 * TestTarget.TICK_TIME_MS;
        long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10L * sessionTimeoutMs + 5_000);
        int answered = 0;
        try (RawSocket raw = new RawSocket(target.clientPort())) {
            raw.handshake(sessionTimeoutMs);
            try {
                for (int xid = 1; System.nanoTime() < deadlineNanos; xid++) {
                    raw.request(xid, OpCode.sasl, new GetSASLRequest(new byte[0]));
                    ReplyHeader reply = raw.replyTo(xid);
                    if (reply.getErr() == KeeperException.Code.SESSIONEXPIRED.intValue()) {
                        // Expired, its close not yet through (on the one pipeline the close is a
                        // txn, logged before the connection goes): the loop ends here just as well.
                        assertTrue(answered > 0, "the first sasl request was answered SESSIONEXPIRED");
                        return;
                    }
                    assertEquals(0, reply.getErr(), "sasl answered with an error");
                    answered++;
                    Thread.sleep(5);
                }
            } catch (IOException closedByServer) {
                assertTrue(answered > 0, "the first sasl request was not answered: " + closedByServer);
                return;
            }
        }
        throw new AssertionError("sasl requests every 5 ms kept a " + sessionTimeoutMs
                + " ms session open for " + answered + " requests");
    }

    /** The JVM's JAAS configuration, or null when none is set up (then the JDK throws). */
    private static Configuration currentJaasConfiguration() {
        try {
            return Configuration.getConfiguration();
        } catch (SecurityException noConfiguration) {
            return null;
        }
    }

    /** {@link #SECTION} with ZooKeeper's DigestLoginModule (DIGEST-MD5); every other name as before. */
    private static final class OneExtraSection extends Configuration {
        private final Configuration previous;

        OneExtraSection(Configuration previous) {
            this.previous = previous;
        }

        @Override
        public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            if (SECTION.equals(name)) {
                return new AppConfigurationEntry[] {new AppConfigurationEntry(
                        "org.apache.zookeeper.server.auth.DigestLoginModule",
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                        Map.of("username", "coord", "password", "not-checked"))};
            }
            return previous == null ? null : previous.getAppConfigurationEntry(name);
        }
    }
}
