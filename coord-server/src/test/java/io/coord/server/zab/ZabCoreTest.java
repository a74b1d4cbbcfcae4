package io.coord.server.zab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.zab.ZabMessage.AckEpoch;
import io.coord.server.zab.ZabMessage.FollowerInfo;
import io.coord.server.zab.ZabMessage.LeaderInfo;
import io.coord.server.zab.ZabMessage.PeerState;
import io.coord.server.zab.ZabMessage.Vote;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZabCoreTest {
    private static LogEntry e(long epoch, long counter) {
        return new LogEntry(Zxid.make(epoch, counter), new byte[] {(byte) counter});
    }

    @Test
    void electionPicksTheMemberWithTheBestHistoryAndSyncsOthers() {
        MiniCluster c = new MiniCluster(Map.of(
                1L, new RecoveredState(1, 1, 0, List.of(e(1, 1), e(1, 2), e(1, 3))),
                2L, new RecoveredState(1, 1, 0, List.of(e(1, 1))),
                3L, new RecoveredState(1, 1, 0, List.of(e(1, 1), e(1, 2)))));
        c.startAll();
        c.drain();
        c.tickAll(3);
        assertEquals(1, c.servingLeader(), "member 1 has the longest history");
        ZabCore leader = c.cores.get(1L);
        assertEquals(2, leader.epoch());
        for (long id = 1; id <= 3; id++) {
            assertEquals(List.of(e(1, 1), e(1, 2), e(1, 3)), c.applied.get(id), "member " + id);
            assertEquals(2, c.cores.get(id).currentEpoch());
        }
    }

    @Test
    void higherCurrentEpochBeatsALongerLog() {
        MiniCluster c = new MiniCluster(Map.of(
                1L, new RecoveredState(2, 2, 0, List.of(e(1, 1), e(2, 1))),
                2L, new RecoveredState(1, 1, 0, List.of(e(1, 1), e(1, 2), e(1, 3))),
                3L, new RecoveredState(2, 2, 0, List.of(e(1, 1)))));
        c.startAll();
        c.drain();
        c.tickAll(3);
        assertEquals(1, c.servingLeader());
        // member 2's uncommitted (1,2) (1,3) were truncated: everybody holds the leader's history
        assertEquals(List.of(e(1, 1), e(2, 1)), c.applied.get(2L));
        assertEquals(Zxid.make(2, 1), c.cores.get(2L).lastZxid());
    }

    @Test
    void commitWaitsForAQuorumOfDurableLogsIncludingTheLeader() {
        MiniCluster c = new MiniCluster(Map.of(1L, RecoveredState.empty(), 2L, RecoveredState.empty(),
                3L, RecoveredState.empty()));
        c.startAll();
        c.drain();
        for (int t = 0; t < 50 && !c.cores.values().stream().allMatch(ZabCore::isServing); t++) {
            c.tickAll(1);
        }
        assertTrue(c.cores.values().stream().allMatch(ZabCore::isServing));
        long leader = c.servingLeader();
        assertEquals(3, leader, "equal histories: the highest id wins");
        c.holdPersistence.add(1L);
        c.holdPersistence.add(2L);
        c.holdPersistence.add(3L);
        Actions a = c.cores.get(leader).propose(new byte[] {42});
        long zxid = a.proposedZxid();
        assertEquals(Zxid.make(1, 1), zxid);
        c.handle(leader, a);
        c.drain();
        assertTrue(c.applied.get(leader).isEmpty(), "nothing durable yet");
        c.release(1L);
        c.drain();
        assertTrue(c.applied.get(leader).isEmpty(), "a follower alone is not a quorum with a non-durable leader");
        c.release(leader);
        c.drain();
        assertEquals(List.of(new LogEntry(zxid, new byte[] {42})), c.applied.get(leader));
        assertEquals(1, c.applied.get(1L).size(), "the commit reached follower 1");
    }

    @Test
    void aLeaderReportsEachSyncedFollowersAckedZxidAndAHeldBackFollowerStaysBehind() {
        MiniCluster c = new MiniCluster(Map.of(1L, RecoveredState.empty(), 2L, RecoveredState.empty(),
                3L, RecoveredState.empty()));
        c.startAll();
        c.drain();
        for (int t = 0; t < 50 && !c.cores.values().stream().allMatch(ZabCore::isServing); t++) {
            c.tickAll(1);
        }
        long leader = c.servingLeader();
        ZabCore core = c.cores.get(leader);
        assertEquals(java.util.Set.of(1L, 2L), core.followerAckedZxids().keySet(), "the synced voting followers");
        assertTrue(c.cores.get(1L).followerAckedZxids().isEmpty(), "a follower reports none");
        c.holdPersistence.add(1L); // follower 1's disk stalls: it logs nothing durable, so it acks nothing
        long last = -1;
        for (int i = 0; i < 3; i++) {
            Actions a = core.propose(new byte[] {(byte) i});
            last = a.proposedZxid();
            c.handle(leader, a);
            c.drain();
        }
        assertEquals(last, core.lastZxid());
        assertEquals(last, (long) core.followerAckedZxids().get(2L), "follower 2 acked everything");
        assertTrue(core.followerAckedZxids().get(1L) < Zxid.make(Zxid.epochOf(last), 1),
                "follower 1 acked none of this epoch's proposals");
        c.release(1L);
        c.drain();
        assertEquals(last, (long) core.followerAckedZxids().get(1L), "caught up once its disk came back");
    }

    @Test
    void proposeHandsTheChosenZxidToTheTxnBuilderAndSkipsItWhenRefused() {
        MiniCluster c = new MiniCluster(Map.of(1L, RecoveredState.empty(), 2L, RecoveredState.empty(),
                3L, RecoveredState.empty()));
        c.startAll();
        c.drain();
        for (int t = 0; t < 50 && !c.cores.values().stream().allMatch(ZabCore::isServing); t++) {
            c.tickAll(1);
        }
        long leader = c.servingLeader();
        long[] given = {-1, -1};
        Actions first = c.cores.get(leader).propose(zxid -> {
            given[0] = zxid;
            return new byte[] {1};
        });
        Actions second = c.cores.get(leader).propose(zxid -> {
            given[1] = zxid;
            return new byte[] {2};
        });
        assertEquals(first.proposedZxid(), given[0]);
        assertEquals(second.proposedZxid(), given[1]);
        assertEquals(Zxid.make(1, 2), given[1]);
        long follower = leader == 1 ? 2 : 1;
        boolean[] called = {false};
        Actions refused = c.cores.get(follower).propose(zxid -> {
            called[0] = true;
            return new byte[0];
        });
        assertEquals(-1, refused.proposedZxid());
        assertTrue(!called[0], "a refused proposal builds no txn");
    }

    @Test
    void followerDoesNotAckEpochBeforeItIsDurable() {
        ZabCore f = new ZabCore(ZabConfig.of(1, java.util.Set.of(1L, 2L, 3L)), RecoveredState.empty(),
                z -> new byte[0], new SplittableRandom(1));
        f.start();
        // one vote for 2 (which beats our own) makes two of three: we follow 2
        Actions joined = f.step(2, new Vote(2, 0, 0, 1, PeerState.LOOKING));
        assertEquals(Role.FOLLOWING, f.role());
        FollowerInfo info = (FollowerInfo) joined.sends().stream()
                .filter(s -> s.message() instanceof FollowerInfo).findFirst().orElseThrow().message();
        Actions a = f.step(2, new LeaderInfo(info.session(), 5));
        assertTrue(a.sends().isEmpty(), "ACKEPOCH must wait for the epoch write");
        StorageOp.PersistEpochs op = (StorageOp.PersistEpochs) a.storage().get(0);
        assertEquals(5, op.acceptedEpoch());
        Actions after = f.onPersisted(op.seq());
        AckEpoch ack = (AckEpoch) after.sends().get(0).message();
        assertTrue(ack.counted());
    }

    @Test
    void leaderAbandonsWhenAFollowerInItsEpochQuorumHasABetterHistory() {
        ZabCore l = new ZabCore(ZabConfig.of(3, java.util.Set.of(1L, 2L, 3L)), RecoveredState.empty(),
                z -> new byte[0], new SplittableRandom(3));
        l.start();
        l.step(1, new Vote(3, 0, 0, 1, PeerState.LOOKING));
        assertEquals(Role.LEADING, l.role());
        Actions a = l.step(1, new FollowerInfo(77, 0));
        StorageOp.PersistEpochs op = (StorageOp.PersistEpochs) a.storage().get(0);
        Actions sent = l.onPersisted(op.seq());
        LeaderInfo li = (LeaderInfo) sent.sends().get(0).message();
        assertEquals(1, li.epoch());
        // follower 1 reports a history from epoch 1 that the leader (empty) lacks
        l.step(1, new AckEpoch(77, 1, Zxid.make(1, 4), true, false));
        assertEquals(Role.LOOKING, l.role());
    }

    /** Member 1 heard only 2's vote for 2 and followed it; 2 has since moved on to 3. */
    private static ZabCore followerOfTwo() {
        ZabCore f = new ZabCore(ZabConfig.of(1, java.util.Set.of(1L, 2L, 3L)), RecoveredState.empty(),
                z -> new byte[0], new SplittableRandom(1));
        f.start();
        f.step(2, new Vote(2, 0, 0, 1, PeerState.LOOKING));
        assertEquals(Role.FOLLOWING, f.role());
        assertEquals(2, f.leaderId());
        return f;
    }

    @Test
    void aMemberThatIsNotLeadingAnswersFollowerInfoWithTheVoteItBacks() {
        ZabCore two = new ZabCore(ZabConfig.of(2, java.util.Set.of(1L, 2L, 3L)), RecoveredState.empty(),
                z -> new byte[0], new SplittableRandom(2));
        two.start();
        two.step(3, new Vote(3, 0, 0, 1, PeerState.LOOKING)); // 2 and 3 agree: 2 follows 3
        assertEquals(Role.FOLLOWING, two.role());
        Actions a = two.step(1, new FollowerInfo(5, 0));
        Vote answer = (Vote) a.sends().stream().filter(s -> s.to() == 1).findFirst().orElseThrow().message();
        assertEquals(PeerState.FOLLOWING, answer.state());
        assertEquals(3, answer.leaderId());
    }

    /**
     * Regression (whole-member simulation, 5 members with 2 down, seed 4210): 3 and 4 decided in a
     * round on votes that included 1's, but 3's LOOKING vote never reached 1. Counting only the
     * settled members (two of five) 1 stayed LOOKING for good while 4 waited for a quorum of
     * followers; a settled vote of its own round now counts with the round's votes, its own among them.
     */
    @Test
    void aBareQuorumElectsWhenOneMemberHeardOnlyTheSettledVotesOfItsRound() {
        ZabCore one = new ZabCore(ZabConfig.of(1, Set.of(1L, 2L, 3L, 4L, 5L)), RecoveredState.empty(),
                z -> new byte[0], new SplittableRandom(1));
        one.start();
        one.step(4, new Vote(4, 0, 0, 1, PeerState.LOOKING)); // 1 now votes for 4 too
        assertEquals(Role.LOOKING, one.role());
        one.step(4, new Vote(4, 0, 0, 1, PeerState.LEADING));
        assertEquals(Role.LOOKING, one.role(), "two votes for 4 are not a quorum of five");
        one.step(3, new Vote(4, 0, 0, 1, PeerState.FOLLOWING));
        assertEquals(Role.FOLLOWING, one.role(), "1, 3 and 4 for 4 in the same round are a quorum");
    }

    @Test
    void aSettledVoteOfAnotherRoundDoesNotCountOurs() {
        ZabCore one = new ZabCore(ZabConfig.of(1, Set.of(1L, 2L, 3L, 4L, 5L)), RecoveredState.empty(),
                z -> new byte[0], new SplittableRandom(1));
        one.start();
        one.step(4, new Vote(4, 0, 0, 1, PeerState.LOOKING));
        one.step(4, new Vote(4, 0, 0, 7, PeerState.LEADING));
        one.step(3, new Vote(4, 0, 0, 7, PeerState.FOLLOWING));
        assertEquals(Role.LOOKING, one.role(), "only the settled members count then, and two are not a quorum");
    }

    @Test
    void aFollowerGivesUpAtOnceWhenItsChosenLeaderFollowsAnother() {
        ZabCore f = followerOfTwo();
        f.step(2, new Vote(3, 0, 0, 1, PeerState.FOLLOWING));
        assertEquals(Role.LOOKING, f.role(), "no waiting for initLimit");
        assertEquals(1, f.stats().leaderDisclaims());
    }

    @Test
    void aFollowerKeepsWaitingForAChosenLeaderThatStillVotesForItself() {
        ZabCore f = followerOfTwo();
        f.step(2, new Vote(2, 0, 0, 1, PeerState.LOOKING));
        assertEquals(Role.FOLLOWING, f.role(), "2 may be about to lead");
        f.step(3, new Vote(3, 0, 0, 1, PeerState.FOLLOWING));
        assertEquals(Role.FOLLOWING, f.role(), "only the chosen leader's own vote counts");
        assertEquals(0, f.stats().leaderDisclaims());
    }

    /** Highest storage seq in {@code a}, or {@code seq} when it has none. */
    private static long lastSeq(Actions a, long seq) {
        return a.storage().stream().mapToLong(StorageOp::seq).max().orElse(seq);
    }

    @Test
    void aSoleVoterThatLosesAppendsCommitsWhatIsDurableForgetsTheRestAndReusesTheirZxids() {
        ZabCore core = new ZabCore(new ZabConfig(1, Set.of(1L), 10, 10, 1, 100), RecoveredState.empty(),
                zxid -> new byte[0], new SplittableRandom(1));
        long seq = lastSeq(core.start(), 0);
        while (!core.isServing()) {
            seq = lastSeq(core.onPersisted(seq), seq);
        }
        assertTrue(core.mayLoseAppends());
        Actions p1 = core.propose(new byte[] {1});
        Actions p2 = core.propose(new byte[] {2});
        Actions p3 = core.propose(new byte[] {3});
        long z1 = p1.proposedZxid();
        long z2 = p2.proposedZxid();
        long z3 = p3.proposedZxid();
        assertEquals(List.of(z1), core.onPersisted(lastSeq(p1, seq)).applies().stream().map(LogEntry::zxid).toList());

        // The log made z2 durable as it cut itself back, and lost z3.
        Actions lost = core.appendsLost(z2);
        assertEquals(List.of(z2), lost.applies().stream().map(LogEntry::zxid).toList(), "what is durable commits");
        assertEquals(z2, core.lastZxid());
        assertEquals(z2, core.appliedZxid());
        assertTrue(core.isServing(), "it keeps leading");

        Actions again = core.propose(new byte[] {4});
        assertEquals(z3, again.proposedZxid(), "the lost zxid is taken again");
        Actions applied = core.onPersisted(lastSeq(again, seq));
        assertEquals(List.of(z3), applied.applies().stream().map(LogEntry::zxid).toList());
        assertEquals(4, applied.applies().get(0).data()[0], "the new txn, not the lost one");
    }

    @Test
    void onlyASoleVoterMayLoseAppends() {
        MiniCluster c = new MiniCluster(Map.of(
                1L, new RecoveredState(1, 1, 0, List.of(e(1, 1))),
                2L, new RecoveredState(1, 1, 0, List.of(e(1, 1))),
                3L, new RecoveredState(1, 1, 0, List.of(e(1, 1)))));
        c.startAll();
        c.drain();
        c.tickAll(3);
        ZabCore leader = c.cores.get(c.servingLeader());
        assertTrue(leader.isServing());
        assertFalse(leader.mayLoseAppends(), "with other voters a member whose log fails must stop instead");
        assertThrows(IllegalStateException.class, () -> leader.appendsLost(leader.lastZxid()));
    }
}
