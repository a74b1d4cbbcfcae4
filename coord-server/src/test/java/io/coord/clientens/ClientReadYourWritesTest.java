package io.coord.clientens;

import static io.coord.clientens.EnsembleClientSupport.NO_SNAPSHOTS;
import static io.coord.clientens.EnsembleClientSupport.SEGMENT_BYTES;
import static io.coord.clientens.EnsembleClientSupport.bytes;
import static io.coord.clientens.EnsembleClientSupport.client;
import static io.coord.clientens.EnsembleClientSupport.connectString;
import static io.coord.clientens.EnsembleClientSupport.memberHolding;
import static io.coord.clientens.EnsembleClientSupport.others;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.ConnectionState;
import io.coord.client.CoordClient;
import io.coord.client.DataResult;
import io.coord.client.FaultInjector;
import io.coord.client.RetryNTimes;
import ch.qos.logback.classic.Level;
import io.coord.clientens.EnsembleClientSupport.States;
import io.coord.clientit.LogCapture;
import io.coord.server.quorum.FaultProxy;
import io.coord.server.quorum.InProcessEnsemble;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import io.coord.wire.Stat;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that moves to another member never reads state older than what it already saw. */
class ClientReadYourWritesTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void aWriteThroughOneMemberIsVisibleThroughTheNextEvenWhenThatMemberLags() throws Exception {
        try (InProcessEnsemble e = new InProcessEnsemble(dir, 3, NO_SNAPSHOTS, SEGMENT_BYTES)) {
            e.startAll();
            e.awaitServing(e.all());
            int leader = e.leader(e.all());
            int[] followers = others(e, leader);
            FaultInjector faults = new FaultInjector();
            States states = new States();
            try (CoordClient c = client(connectString(e, followers), 8_000, new RetryNTimes(3, 100), faults)) {
                c.addConnectionStateListener(states);
                c.create("/ryw", bytes("0"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                // Write through one follower, drop, read through the other one at once: the client
                // alternates between the two, so every round switches members.
                int previous = memberHolding(e, c.sessionId());
                int switched = 0;
                for (int round = 1; round <= 6; round++) {
                    Stat written = c.setData("/ryw", bytes("r" + round), -1);
                    faults.dropConnection();
                    DataResult read = c.getData("/ryw");
                    int now = memberHolding(e, c.sessionId());
                    // Usually the next host; a reconnect may land on the same member when the other
                    // one is briefly not accepting, so count the switches instead of demanding each.
                    if (now != previous) {
                        switched++;
                    }
                    previous = now;
                    assertEquals("r" + round, read.text(), "round " + round + " read older state on member " + now);
                    assertEquals(written.mzxid(), read.stat().mzxid());
                }
                assertTrue(switched >= 3, "only " + switched + " of 6 rounds switched members");

                // Now a follower that really lags: its links hold every byte, so it never learns of the
                // write below, yet it still thinks it serves. The client, ahead of it, must be refused.
                int writer = memberHolding(e, c.sessionId());
                int lagging = others(e, leader, writer)[0];
                long laggingZxidBefore = zxid(e, lagging);
                e.linksOf(lagging).forEach(FaultProxy::pause);
                Stat written = c.setData("/ryw", bytes("after-lag"), -1);
                assertTrue(written.mzxid() > laggingZxidBefore);
                long reconnectsBefore = states.count(ConnectionState.RECONNECTED);
                try (LogCapture refusals = new LogCapture("io.coord.server.pipeline.Sessions", Level.INFO)) {
                    e.stop(writer); // the client's only other member is the lagging one
                    // Wait until the lagging member has been asked (and said no), not a fixed time.
                    await().atMost(WAIT).until(() -> refusals.count(m -> m.startsWith("refusing client")) > 0);
                    assertFalse(c.isConnected(), "a member behind the client's last zxid took the session");
                }
                assertTrue(zxid(e, lagging) < written.mzxid(), "the member did not lag");
                e.healAll(); // well within syncLimit: it stays a follower and catches up from the held bytes
                await().atMost(WAIT).until(() -> states.count(ConnectionState.RECONNECTED) > reconnectsBefore);
                assertEquals(lagging, memberHolding(e, c.sessionId()));
                DataResult read = c.getData("/ryw");
                assertEquals("after-lag", read.text());
                assertEquals(written.mzxid(), read.stat().mzxid());
                assertFalse(states.seen.contains(ConnectionState.LOST));
            }
        }
    }

    /** The member's last zxid from {@code srvr}. */
    private static long zxid(InProcessEnsemble e, int id) {
        for (String line : e.fourLetterWord(id, "srvr").split("\n")) {
            if (line.startsWith("Zxid: 0x")) {
                return Long.parseLong(line.substring(8).trim(), 16);
            }
        }
        throw new AssertionError("no Zxid in srvr of member " + id);
    }
}
