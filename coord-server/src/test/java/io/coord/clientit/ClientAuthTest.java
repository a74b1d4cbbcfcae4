package io.coord.clientit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.coord.client.ConnectionState;
import io.coord.client.CoordClient;
import io.coord.client.CoordException;
import io.coord.client.Digest;
import io.coord.client.FaultInjector;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** addAuth on a live session: access at once, kept across reconnects and sessions, failures. */
class ClientAuthTest extends ClientItBase {
    private final List<ConnectionState> states = new CopyOnWriteArrayList<>();

    private void awaitStates(ConnectionState... expected) {
        await().atMost(Duration.ofSeconds(10)).until(() -> states.size() >= expected.length);
        assertEquals(List.of(expected), states);
    }

    private CoordClient watched(FaultInjector faults) {
        CoordClient c = open(options().faultInjector(faults).build());
        c.addConnectionStateListener(states::add);
        return c;
    }

    /** This server has no JAAS Server section: it answers sasl with a null token, which fails the login. */
    @Test
    void saslLoginAgainstAServerWithoutSaslFailsTheConnect() {
        assertThrows(CoordException.AuthFailedException.class,
                () -> open(options().saslDigest("alice", "alice-secret").build()));
    }

    @Test
    void addAuthGrantsAccessInTheSameSession() {
        client.create(p("secret"), bytes("s"), Digest.allFor("bob", "pw"), CreateMode.PERSISTENT);
        CoordClient c = watched(new FaultInjector());
        long session = c.sessionId();
        c.create(p("eph"), null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        synced(c, p("secret")); // written by another session
        assertThrows(CoordException.NoAuthException.class, () -> c.getData(p("secret")));

        c.addAuth("digest", bytes("bob:pw"));
        assertEquals("s", c.getData(p("secret")).text());
        assertEquals(session, c.sessionId());
        assertEquals(session, synced(client, p("eph")).exists(p("eph")).ephemeralOwner());
        assertEquals(List.of(), states, "no reconnect, no new session");
    }

    @Test
    void addedAuthHoldsAfterAReconnectAndInTheNewSessionAfterLost() {
        client.create(p("secret"), bytes("s"), Digest.allFor("bob", "pw"), CreateMode.PERSISTENT);
        FaultInjector faults = new FaultInjector();
        CoordClient c = watched(faults);
        long session = c.sessionId();
        c.addAuth("digest", bytes("bob:pw"));
        // Written by another session; once synced, a reconnect only lands on members as recent.
        c.sync(p("secret"));

        faults.dropConnection();
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.RECONNECTED);
        assertEquals("s", c.getData(p("secret")).text());

        faults.blockConnects(true);
        faults.dropConnection();
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.RECONNECTED, ConnectionState.SUSPENDED,
                ConnectionState.LOST);
        faults.blockConnects(false);
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.RECONNECTED, ConnectionState.SUSPENDED,
                ConnectionState.LOST, ConnectionState.CONNECTED);
        assertNotEquals(session, c.sessionId());
        assertEquals("s", synced(c, p("secret")).getData(p("secret")).text(),
                "the credential was sent in the new session");
    }

    @Test
    void rejectedAuthFailsWithAuthFailedAndTheSessionCarriesOn() {
        CoordClient c = watched(new FaultInjector());
        long session = c.sessionId();
        c.create(p("eph"), null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        CoordException e = assertThrows(CoordException.AuthFailedException.class,
                () -> c.addAuth("nosuchscheme", bytes("x")));
        assertEquals(io.coord.wire.ErrorCode.AUTHFAILED, e.code());
        // The server drops the connection after AUTHFAILED; the session reconnects without it.
        awaitStates(ConnectionState.SUSPENDED, ConnectionState.RECONNECTED);
        assertEquals(session, c.sessionId());
        assertEquals(session, c.exists(p("eph")).ephemeralOwner());
    }

    @Test
    void addAuthRejectsMissingArguments() {
        assertThrows(CoordException.BadArgumentsException.class, () -> client.addAuth("", bytes("x")));
        assertThrows(CoordException.BadArgumentsException.class, () -> client.addAuth("digest", null));
    }
}
