package io.coord.server.zab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 15: configuration changes through the log, committed by the old and the new quorum. */
class ReconfigCoreTest {
    private static final Set<Long> THREE = Set.of(1L, 2L, 3L);
    private static final Set<Long> FIVE = Set.of(1L, 2L, 3L, 4L, 5L);

    /** Members 1..3 in a three-voter ensemble, and joiners whose own configuration names the five. */
    private static MiniCluster threeAndJoiners(long... joiners) {
        Map<Long, Membership> configs = new HashMap<>();
        for (long id : THREE) {
            configs.put(id, TestConfigs.config(0, THREE, Set.of()));
        }
        for (long id : joiners) {
            configs.put(id, TestConfigs.config(0, FIVE, Set.of()));
        }
        return MiniCluster.withConfigs(configs);
    }

    private static long establish(MiniCluster c) {
        c.startAll();
        c.drain();
        c.tickAll(20);
        long leader = c.servingLeader();
        assertNotEquals(-1, leader, "no leader");
        return leader;
    }

    private static Actions reconfig(MiniCluster c, long leader, Set<Long> voters, Set<Long> observers) {
        Actions a = c.cores.get(leader).proposeReconfig(Membership.of(0, voters, observers, null),
                zxid -> TestConfigs.txn(zxid, voters, observers));
        c.handle(leader, a);
        return a;
    }

    private static long write(MiniCluster c, long leader, String what) {
        Actions a = c.cores.get(leader).propose(what.getBytes(StandardCharsets.UTF_8));
        c.handle(leader, a);
        c.drain();
        return a.proposedZxid();
    }

    private static boolean applied(MiniCluster c, long id, long zxid) {
        return c.applied.get(id).stream().anyMatch(e -> e.zxid() == zxid);
    }

    @Test
    void joinersSyncAsNonVotersThenAReconfigMakesThemVoters() {
        MiniCluster c = threeAndJoiners(4, 5);
        long leader = establish(c);
        assertTrue(leader <= 3, "a joiner never leads the old ensemble: " + leader);
        assertTrue(c.cores.get(4L).isServing() && c.cores.get(5L).isServing(), "joiners follow as non-voters");
        assertEquals(2, c.cores.get(leader).syncedFollowerCount(), "the two voters");
        assertEquals(2, c.cores.get(leader).syncedNonVotingFollowerCount(), "both joiners");

        Actions a = reconfig(c, leader, FIVE, Set.of());
        assertEquals(Actions.Rejection.NONE, a.rejection());
        c.drain();
        long version = a.proposedZxid();
        for (long id : FIVE) {
            Membership m = c.cores.get(id).committedConfig();
            assertEquals(version, m.version(), "member " + id);
            assertEquals(FIVE, m.voters());
            assertEquals(version, c.configChanges.get(id).get(c.configChanges.get(id).size() - 1).version());
            assertNull(c.cores.get(id).pendingConfig());
        }
        // The old majority is gone; the new one (three of five) carries on.
        c.down.addAll(Set.of(1L, 2L));
        c.tickAll(40);
        long next = c.servingLeader();
        assertTrue(next >= 3, "one of 3, 4, 5 leads: " + next);
        long z = write(c, next, "after");
        for (long id : Set.of(3L, 4L, 5L)) {
            assertTrue(applied(c, id, z), "member " + id);
        }
    }

    @Test
    void aChangeNeedsTheNewQuorumToo() {
        MiniCluster c = threeAndJoiners(4, 5);
        long leader = establish(c);
        Set<Long> next = Set.of(leader, 4L, 5L);
        Actions a = reconfig(c, leader, next, Set.of());
        long version = a.proposedZxid();
        c.down.addAll(Set.of(4L, 5L)); // the proposal never reaches the new members
        c.drain();
        long w = write(c, leader, "during");
        assertFalse(applied(c, leader, version), "the old quorum alone must not commit the change");
        assertFalse(applied(c, leader, w), "nor anything after it");
        assertEquals(next, c.cores.get(leader).pendingConfig().voters());

        c.down.remove(4L); // 4 resyncs and acks: {leader, 4} is a majority of the new voters
        c.tickAll(30);
        assertTrue(applied(c, leader, version));
        assertTrue(applied(c, leader, w));
        assertEquals(next, c.cores.get(leader).committedConfig().voters());
    }

    @Test
    void aChangeWithoutSyncedNewVotersOrWhileAnotherIsPendingIsRefused() {
        MiniCluster c = threeAndJoiners(4, 5);
        c.down.addAll(Set.of(4L, 5L));
        long leader = establish(c);
        assertEquals(Actions.Rejection.NEW_CONFIG_NO_QUORUM, reconfig(c, leader, Set.of(leader, 4L, 5L), Set.of()).rejection());

        for (long id : THREE) {
            if (id != leader) {
                c.holdPersistence.add(id); // no follower acks: the first change stays pending
            }
        }
        Set<Long> smaller = Set.of(1L, 2L, 3L);
        assertEquals(Actions.Rejection.NONE, reconfig(c, leader, smaller, Set.of()).rejection());
        c.drain();
        assertEquals(Actions.Rejection.RECONFIG_IN_PROGRESS, reconfig(c, leader, THREE, Set.of()).rejection());
    }

    @Test
    void aLeaderThatIsRemovedStepsDownAndFollowsWithoutAVote() {
        MiniCluster c = threeAndJoiners();
        long leader = establish(c);
        Set<Long> rest = new java.util.TreeSet<>(THREE);
        rest.remove(leader);
        Actions a = reconfig(c, leader, rest, Set.of());
        c.drain();
        c.tickAll(40);
        long next = c.servingLeader();
        assertTrue(rest.contains(next), "a remaining voter leads: " + next);
        ZabCore removed = c.cores.get(leader);
        assertEquals(a.proposedZxid(), removed.committedConfig().version());
        assertEquals(Role.FOLLOWING, removed.role(), "as ZooKeeper's removed servers, a non-voting follower");
        assertEquals(1, c.cores.get(next).syncedFollowerCount());
        assertEquals(1, c.cores.get(next).syncedNonVotingFollowerCount());
        // Its acks count for nothing: with the other voter gone, nothing commits.
        long other = rest.stream().filter(id -> id != next).findFirst().orElseThrow();
        long z = write(c, next, "two voters");
        for (long id : rest) {
            assertTrue(applied(c, id, z), "member " + id);
        }
        c.down.add(other);
        c.tickAll(20);
        assertNotEquals(next, c.servingLeader(), "one voter of two and a removed member are no quorum");
    }

    @Test
    void aMemberTurnsObserverAndBack() {
        MiniCluster c = threeAndJoiners();
        long leader = establish(c);
        long other = THREE.stream().filter(id -> id != leader).findFirst().orElseThrow();
        Set<Long> voters = new java.util.TreeSet<>(THREE);
        voters.remove(other);
        reconfig(c, leader, voters, Set.of(other));
        c.drain();
        c.tickAll(20);
        assertTrue(c.cores.get(other).observing(), "member " + other + " observes");
        assertTrue(c.cores.get(other).isServing());
        assertEquals(Set.of(other), c.cores.get(leader).syncedObservers());
        long z = write(c, leader, "observed");
        assertTrue(applied(c, other, z));

        reconfig(c, leader, THREE, Set.of());
        c.drain();
        c.tickAll(20);
        assertFalse(c.cores.get(other).observing(), "member " + other + " votes again");
        assertTrue(c.cores.get(other).isServing());
        assertEquals(2, c.cores.get(leader).syncedFollowerCount());
    }

    @Test
    void aMemberThatMissedTheChangeLearnsItFromVotes() {
        MiniCluster c = threeAndJoiners(4, 5);
        long leader = establish(c);
        long missed = THREE.stream().filter(id -> id != leader).findFirst().orElseThrow();
        c.down.add(missed);
        long version = reconfig(c, leader, FIVE, Set.of()).proposedZxid();
        c.drain();
        assertNotEquals(-1, version);
        assertEquals(version, c.cores.get(4L).committedConfig().version());

        // It comes back with its old configuration and a fresh disk; the leader dies.
        c.create(missed, RecoveredState.empty(), TestConfigs.config(0, THREE, Set.of()));
        c.down.remove(missed);
        c.handle(missed, c.cores.get(missed).start());
        c.down.add(leader);
        c.tickAll(60);
        long next = c.servingLeader();
        assertNotEquals(-1, next);
        ZabCore m = c.cores.get(missed);
        assertEquals(version, m.committedConfig().version(), "it took the committed configuration");
        assertEquals(FIVE, m.committedConfig().voters());
        assertTrue(m.isServing());
        assertEquals(version, c.configChanges.get(missed).get(0).version(), "and told its adapter");
    }
}
