package io.coord.server.zab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A joining member whose own config (the ensemble plus itself) is older than the ensemble's committed
 * configuration, which does not name it: it learns that configuration from the votes and must still
 * follow the leader as a non-voting follower (ZooKeeper's learningState for a server outside the
 * configuration), so that a reconfig can then add it. A member outside its committed configuration
 * never leads.
 */
class JoinerTest {
    private static final Set<Long> THREE = Set.of(1L, 2L, 3L);
    private static final Set<Long> FOUR = Set.of(1L, 2L, 3L, 4L);

    private static ZabCore core(long id, Set<Long> voters) {
        Membership m = TestConfigs.config(0, voters, Set.of());
        return new ZabCore(ZabConfig.of(id, voters), RecoveredState.empty(), z -> new byte[0],
                new SplittableRandom(id), TestConfigs.CODEC, m);
    }

    @Test
    void joinerOutsideANewerConfigurationSyncsAndIsAddedByAReconfig() {
        MiniCluster c = new MiniCluster(Map.of(1L, RecoveredState.empty(), 2L, RecoveredState.empty(),
                3L, RecoveredState.empty()));
        for (long id : THREE) {
            c.cores.put(id, core(id, THREE));
        }
        c.startAll();
        c.tickAll(30);
        long leader = c.servingLeader();
        assertTrue(leader > 0);
        // A first change (same members, new version): the ensemble's configuration is now newer than
        // the one a joiner is started with.
        ZabCore l = c.cores.get(leader);
        c.handle(leader, l.proposeReconfig(TestConfigs.config(0, THREE, Set.of()),
                zxid -> TestConfigs.txn(zxid, THREE, Set.of())));
        c.tickAll(10);
        long v1 = l.committedConfig().version();
        assertTrue(v1 > 0);

        c.cores.put(4L, core(4, FOUR));
        c.applied.put(4L, new ArrayList<>());
        c.handle(4L, c.cores.get(4L).start());
        c.tickAll(40);
        ZabCore joiner = c.cores.get(4L);
        assertEquals(v1, joiner.committedConfig().version(), "the joiner learned the ensemble's configuration");
        assertEquals(Role.FOLLOWING, joiner.role());
        assertEquals(leader, joiner.leaderId());
        assertTrue(joiner.isServing(), "synced with the leader as a non-voting follower");

        Actions a = l.proposeReconfig(TestConfigs.config(0, FOUR, Set.of()),
                zxid -> TestConfigs.txn(zxid, FOUR, Set.of()));
        assertEquals(Actions.Rejection.NONE, a.rejection());
        c.handle(leader, a);
        c.tickAll(10);
        assertEquals(FOUR, joiner.committedConfig().voters());
        assertEquals(FOUR, l.committedConfig().voters());
    }

    @Test
    void aMemberOutsideItsCommittedConfigurationNeverLeads() {
        // Member 4 alone with a configuration that names only 1..3: nobody answers, it must not lead.
        ZabCore alone = new ZabCore(ZabConfig.of(4, FOUR), RecoveredState.empty(), z -> new byte[0],
                new SplittableRandom(4), TestConfigs.CODEC, TestConfigs.config(0, FOUR, Set.of()));
        alone.start();
        // It learns (as from a vote) that 1..3 committed a configuration without it.
        Membership newer = TestConfigs.config(7, THREE, Set.of());
        alone.step(1, new ZabMessage.Vote(1, 7, 1, 1, ZabMessage.PeerState.LOOKING, 7, newer.encoded()));
        for (int i = 0; i < 50; i++) {
            alone.tick();
        }
        assertFalse(alone.role() == Role.LEADING);
        assertEquals(7, alone.committedConfig().version());
    }
}
