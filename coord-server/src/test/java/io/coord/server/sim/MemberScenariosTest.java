package io.coord.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.pipeline.ForwardedRequest;
import io.coord.server.zab.SyncMode;
import io.coord.server.zab.ZabMessage;
import io.coord.wire.OpCode;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Named whole-member scenarios for branches random seeds reach seldom: each injects its fault on
 * purpose, runs with every invariant checked, and asserts that the branch was really taken.
 */
class MemberScenariosTest {
    private static final int SEEDS = 8;
    private static final String REFUSED_INSTALL = "refusals of an interrupted SNAP install's damaged snapshot";

    /**
     * A forwarded write lost while the member link stays up: the next commit of the same session
     * finds another write pending, and the member closes the connection (answerWrite's lost-forward
     * branch) instead of answering out of order; the client reconnects and carries on.
     */
    @Test
    void aLostForwardClosesTheConnection() {
        long closes = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            int[] creates = {0};
            MemberSimulation.Hook dropEveryFifthCreate = new MemberSimulation.Hook() {
                @Override
                public boolean dropSilently(MemberSimulation sim, int from, int to, Object msg) {
                    return msg instanceof ForwardedRequest f && f.type() == OpCode.CREATE && ++creates[0] % 5 == 0;
                }
            };
            MemberSimulation sim = new MemberSimulation(seed, params(seed).calm(), dropEveryFifthCreate, false).run();
            closes += sim.counts.getOrDefault("connections closed: lost a forwarded request", 0L);
        }
        assertTrue(closes > 0, "a lost forward should close its connection");
    }

    /**
     * Periodic snapshots (SnapshotSchedule) taken while clients write, with members crashing: restarts
     * recover from a snapshot plus the log after it, and the run converges.
     */
    @Test
    void snapshotsAreTakenAndRestartsRecoverFromThem() {
        long written = 0;
        long bootsFromSnapshot = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            SimParams p = params(seed).withSnapCount(8).crashesOnly(0.005, false);
            MemberSimulation sim = new MemberSimulation(seed, p, null, false).run();
            written += sim.counts.getOrDefault("snapshots written", 0L);
            bootsFromSnapshot += sim.counts.getOrDefault("boots from a snapshot", 0L);
        }
        assertTrue(written > 0, "snapshots should be written");
        assertTrue(bootsFromSnapshot > 0, "a restart should recover from a snapshot");
    }

    /**
     * The leader crashes right after it sent a follower a SNAP (the frame may or may not arrive):
     * a new leader is elected while the follower holds a partial or stale state, and it must still
     * converge on the same tree with every acknowledged write.
     */
    @Test
    void aLeaderChangeWhileASnapStreams() {
        long interrupted = 0;
        for (long seed = 1; seed <= SEEDS * 2; seed++) {
            boolean[] done = {false};
            MemberSimulation.Hook crashOnSnap = new MemberSimulation.Hook() {
                @Override
                public boolean dropSilently(MemberSimulation sim, int from, int to, Object msg) {
                    if (!done[0] && msg instanceof ZabMessage.NewLeader n && n.mode() == SyncMode.SNAP) {
                        done[0] = true;
                        sim.count("leader crashed while sending a SNAP");
                        sim.crashSoon(from, "scenario: leader crashes as its SNAP leaves");
                        return sim.rnd().nextBoolean();
                    }
                    return false;
                }
            };
            SimParams p = params(seed).withMaxHistory(2).crashesOnly(0.005, false);
            MemberSimulation sim = new MemberSimulation(seed, p, crashOnSnap, false).run();
            interrupted += sim.counts.getOrDefault("leader crashed while sending a SNAP", 0L);
        }
        assertTrue(interrupted > 0, "some run should crash a leader as its SNAP leaves");
    }

    /**
     * A bit flipped in a snapshot: the start skips it for an older one the manifest lists (the log
     * kept since the oldest of them covers the rest), or refuses when it is the only one; it never
     * loads it. Standalone and in an ensemble, with every invariant checked as the run goes on.
     */
    @Test
    void aFlippedSnapshotIsSkippedForAnOlderOneOrRefused() {
        Map<String, Long> totals = runFlips(kind -> kind == BitFlips.Kind.SNAPSHOT, 12);
        assertTrue(totals.getOrDefault("starts from an older snapshot past a damaged newest one", 0L) > 0,
                "a start should fall back past a damaged newest snapshot: " + totals);
        assertTrue(totals.getOrDefault("bit flips: SNAPSHOT", 0L) > 0, "snapshots should be flipped: " + totals);
    }

    /**
     * A bit flipped in the snapshot manifest, a meta file (epochs, session secret, install marker)
     * or a log segment's header: the member refuses to start (nothing else holds that state).
     */
    @Test
    void aFlippedManifestMetaFileOrSegmentHeaderIsRefused() {
        Map<String, Long> totals = runFlips(kind -> kind == BitFlips.Kind.MANIFEST || kind == BitFlips.Kind.META
                || kind == BitFlips.Kind.LOG_HEADER, 12);
        for (BitFlips.Kind kind : new BitFlips.Kind[] {BitFlips.Kind.MANIFEST, BitFlips.Kind.META, BitFlips.Kind.LOG_HEADER}) {
            assertTrue(totals.getOrDefault("bit flips: " + kind, 0L) > 0, kind + " should be flipped: " + totals);
        }
        assertEquals(totals.get("bit flips the next start must refuse"), totals.get("corrupt disks refused at start"),
                "each of them should be refused: " + totals);
    }

    /**
     * A SNAP install that a failing fsync interrupts after its snapshot is listed but before its
     * marker is cleared, then a bit flipped in that snapshot: start-up must refuse rather than finish
     * the install (which dropped the log for an older snapshot: regression, see
     * EnsembleSnapshotTest); the other members carry on.
     */
    @Test
    void anInterruptedSnapInstallWithADamagedSnapshotIsRefused() {
        Map<String, Long> totals = new TreeMap<>();
        for (long seed = 1; seed <= SEEDS * 4 && !totals.containsKey(REFUSED_INSTALL); seed++) {
            MemberSimulation.Hook failDuringInstall = new MemberSimulation.Hook() {
                @Override
                public boolean dropSilently(MemberSimulation sim, int from, int to, Object msg) {
                    if (msg instanceof ZabMessage.NewLeader n && n.mode() == SyncMode.SNAP) {
                        sim.members[to].disk.forcesBeforeFailure = sim.rnd().nextInt(16);
                    }
                    return false;
                }

                @Override
                public boolean flipsAfter(MemberSimulation sim, boolean failStop) {
                    return failStop;
                }

                @Override
                public boolean flipsIn(BitFlips.Kind kind) {
                    return kind == BitFlips.Kind.SNAPSHOT;
                }
            };
            SimParams p = params(seed).withMaxHistory(2).withSnapCount(8).crashesOnly(0.005, true);
            new MemberSimulation(seed, p, failDuringInstall, false).run().counts
                    .forEach((k, v) -> totals.merge(k, v, Long::sum));
        }
        assertTrue(totals.containsKey(REFUSED_INSTALL), "some run should interrupt an install and damage its snapshot: "
                + totals);
    }

    /** Runs {@code seeds} seeds of each size with crashes, small snapshots and bit flips in {@code kinds} only. */
    private static Map<String, Long> runFlips(Predicate<BitFlips.Kind> kinds, int seeds) {
        MemberSimulation.Hook onlyThese = new MemberSimulation.Hook() {
            @Override
            public boolean flipsIn(BitFlips.Kind kind) {
                return kinds.test(kind);
            }
        };
        Map<String, Long> totals = new TreeMap<>();
        for (long seed = 1; seed <= seeds; seed++) {
            SimParams p = params(seed).withSnapCount(8).crashesOnly(0.01, true).withMembers(seed % 3 == 0 ? 1 : 3);
            new MemberSimulation(seed, p, onlyThese, false).run().counts
                    .forEach((k, v) -> totals.merge(k, v, Long::sum));
        }
        return totals;
    }

    /** A seed's profile, with three members (the branches these scenarios reach need followers). */
    private static SimParams params(long seed) {
        return SimParams.random(new java.util.SplittableRandom(seed)).withMembers(3);
    }
}
