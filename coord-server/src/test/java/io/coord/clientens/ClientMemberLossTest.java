package io.coord.clientens;

import static io.coord.clientens.EnsembleClientSupport.NO_SNAPSHOTS;
import static io.coord.clientens.EnsembleClientSupport.SEGMENT_BYTES;
import static io.coord.clientens.EnsembleClientSupport.bytes;
import static io.coord.clientens.EnsembleClientSupport.client;
import static io.coord.clientens.EnsembleClientSupport.connectString;
import static io.coord.clientens.EnsembleClientSupport.memberHolding;
import static io.coord.clientens.EnsembleClientSupport.others;
import static io.coord.clientens.EnsembleClientSupport.statOn;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.ConnectionState;
import io.coord.client.CoordClient;
import io.coord.client.FaultInjector;
import io.coord.client.RetryNTimes;
import io.coord.client.WatchEventType;
import io.coord.client.WatchMode;
import io.coord.clientens.EnsembleClientSupport.Events;
import io.coord.clientens.EnsembleClientSupport.States;
import io.coord.server.quorum.InProcessEnsemble;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import io.coord.wire.Stat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native client against a 3-member ensemble when the member it talks to goes away: the
 * session and its one-shot watches survive a member kill, a long cut-off ends in LOST with the
 * ephemerals gone everywhere.
 */
class ClientMemberLossTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void killingTheConnectedMemberKeepsTheSessionItsEphemeralAndItsOneShotWatch() throws Exception {
        try (InProcessEnsemble e = new InProcessEnsemble(dir, 3, NO_SNAPSHOTS, SEGMENT_BYTES)) {
            e.startAll();
            e.awaitServing(e.all());
            FaultInjector faults = new FaultInjector();
            States states = new States();
            Events oneShot = new Events();
            Events persistent = new Events();
            try (CoordClient c = client(connectString(e, e.all()), 8_000, new RetryNTimes(3, 100), faults)) {
                c.create("/w", new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                c.create("/w/data", bytes("v0"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                c.create("/w/tree", new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                c.create("/w/tree/a", bytes("a0"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                c.create("/w/eph", new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                c.getData("/w/data", oneShot);
                c.addWatch("/w/tree", WatchMode.PERSISTENT_RECURSIVE, persistent);
                c.addConnectionStateListener(states);
                long sessionId = c.sessionId();
                int holder = memberHolding(e, sessionId);
                assertTrue(holder > 0, "no member lists the session");

                // Kill the member abruptly; keep the client away so the changes below happen while it is disconnected.
                faults.blockConnects(true);
                e.stop(holder);
                await().atMost(WAIT).until(() -> states.seen.contains(ConnectionState.SUSPENDED));
                int[] rest = others(e, holder);
                e.awaitServing(rest);
                try (CoordClient other = client(connectString(e, rest), 8_000, new RetryNTimes(3, 100), null)) {
                    other.setData("/w/data", bytes("v1"), -1);
                    other.create("/w/tree/b", new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    other.setData("/w/tree/a", bytes("a1"), -1);
                    assertTrue(oneShot.seen.isEmpty() && persistent.seen.isEmpty(), "the client is disconnected");

                    faults.blockConnects(false);
                    await().atMost(WAIT).until(() -> states.seen.contains(ConnectionState.RECONNECTED));
                    assertEquals(List.of(ConnectionState.SUSPENDED, ConnectionState.RECONNECTED), states.seen);
                    assertEquals(sessionId, c.sessionId());

                    // SetWatches2 from the last zxid seen: the one-shot data watch fires for the missed change.
                    await().atMost(WAIT).until(() -> oneShot.has(WatchEventType.NODE_DATA_CHANGED, "/w/data"));
                    // A second event would be delivered before c's sync returns (one callback thread, in order).
                    c.sync("/w/data");
                    assertEquals(1, oneShot.seen.size());
                    for (int id : rest) {
                        Stat eph = statOn(e, id, "/w/eph");
                        assertNotNull(eph, "the ephemeral is gone on member " + id);
                        assertEquals(sessionId, eph.ephemeralOwner());
                    }

                    // Beyond ZooKeeper (which re-adds a persistent watch and loses what it missed): the
                    // member the client reconnected to replays the missed events, once each, in zxid order,
                    // before the next live one — across the loss of the member that held the session.
                    other.setData("/w/tree/a", bytes("a2"), -1);
                    await().atMost(WAIT).until(() -> persistent.seen.size() >= 3);
                    c.sync("/w/tree");
                    assertEquals(List.of("NODE_CREATED /w/tree/b", "NODE_DATA_CHANGED /w/tree/a",
                            "NODE_DATA_CHANGED /w/tree/a"), persistent.seen.stream()
                            .map(ev -> ev.type() + " " + ev.path()).toList(), "missed events, then the live one");
                    for (int i = 1; i < persistent.seen.size(); i++) {
                        assertTrue(persistent.seen.get(i).zxid() > persistent.seen.get(i - 1).zxid(), "zxid order");
                    }
                }
                assertEquals("v1", c.getData("/w/data").text());
                assertFalse(states.seen.contains(ConnectionState.LOST));
            }
        }
    }

    @Test
    void aClientCutOffLongerThanItsSessionTimeoutIsLostAndItsEphemeralsGoEverywhere() throws Exception {
        try (InProcessEnsemble e = new InProcessEnsemble(dir, 3, NO_SNAPSHOTS, SEGMENT_BYTES)) {
            e.startAll();
            e.awaitServing(e.all());
            FaultInjector faults = new FaultInjector();
            States states = new States();
            try (CoordClient c = client(connectString(e, e.all()), 1_500, new RetryNTimes(3, 100), faults)) {
                assertEquals(1_500, c.negotiatedSessionTimeoutMs());
                c.create("/x", new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                c.create("/x/eph", new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                long oldSession = c.sessionId();
                c.addConnectionStateListener(states);

                faults.blockConnects(true);
                faults.dropConnection();
                await().atMost(WAIT).until(() -> states.seen.contains(ConnectionState.LOST));
                assertEquals(List.of(ConnectionState.SUSPENDED, ConnectionState.LOST), states.seen);
                // The leader expires the session on its own clock; every member applies the close.
                for (int id : e.all()) {
                    await().atMost(WAIT).until(() -> statOn(e, id, "/x/eph") == null);
                }

                faults.blockConnects(false);
                await().atMost(WAIT).until(() -> states.seen.contains(ConnectionState.CONNECTED));
                long newSession = c.sessionId();
                assertNotEquals(0, newSession);
                assertNotEquals(oldSession, newSession);
                c.create("/x/eph2", new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                for (int id : e.all()) {
                    assertNull(statOn(e, id, "/x/eph"));
                    assertEquals(newSession, statOn(e, id, "/x/eph2").ephemeralOwner(), "member " + id);
                }
            }
        }
    }
}
