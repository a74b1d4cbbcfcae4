package io.coord.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Runs whole members (request pipeline, sessions, tree, watches, ZAB core, the real storage stack
 * over an in-memory disk that tears writes, loses unsynced data, fails and flips bits) under the
 * deterministic simulation, standalone and as ensembles of 3 and 5 (the seed draws the size).
 * {@code -Dcoord.sim.seeds=N} runs N seeds (the long run: 20000) from {@code -Dcoord.sim.firstSeed}
 * (1), {@code -Dcoord.sim.seed=S} replays one, {@code -Dcoord.sim.trace=true} prints the last
 * events of a failing run.
 */
class MemberSimulationTest {
    private static final int DEFAULT_SEEDS = 300;

    /** What the runs of one ensemble size checked. */
    private static final class PerSize {
        long runs;
        long acks;
        long leaderChecks;
        long digestComparisons;

        @Override
        public String toString() {
            return runs + " runs, acknowledged writes " + acks + ", leader checks " + leaderChecks
                    + ", digest comparisons " + digestComparisons;
        }
    }

    @Test
    void invariantsHoldOverManySeeds() {
        boolean trace = Boolean.getBoolean("coord.sim.trace");
        Long only = Long.getLong("coord.sim.seed");
        if (only != null) {
            MemberSimulation sim = new MemberSimulation(only, trace).run();
            System.out.println("seed " + only + " (" + sim.size + " members): " + sim.counts + " acks " + sim.checker.acks);
            return;
        }
        int seeds = Integer.getInteger("coord.sim.seeds", DEFAULT_SEEDS);
        long first = Long.getLong("coord.sim.firstSeed", 1L);
        Map<String, Long> totals = new TreeMap<>();
        Map<Integer, PerSize> bySize = new TreeMap<>();
        long acks = 0;
        long leaderChecks = 0;
        long digestChecks = 0;
        long started = System.nanoTime();
        // CPU time as well as wall time: the machine it runs on may be busy with other work.
        long cpuStarted = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        for (long seed = first; seed < first + seeds; seed++) {
            MemberSimulation sim = new MemberSimulation(seed, trace).run();
            sim.counts.forEach((k, v) -> totals.merge(k, v, Long::sum));
            acks += sim.checker.acks;
            leaderChecks += sim.checker.leaderChecks;
            digestChecks += sim.checker.digestChecks;
            PerSize s = bySize.computeIfAbsent(sim.size, k -> new PerSize());
            s.runs++;
            s.acks += sim.checker.acks;
            s.leaderChecks += sim.checker.leaderChecks;
            s.digestComparisons += sim.checker.digestComparisons;
            if ((seed - first + 1) % 100 == 0 && seeds > DEFAULT_SEEDS) {
                System.out.printf("whole-member simulation: %d seeds passed in %d ms (seeds %d..%d)%n", seed - first + 1,
                        (System.nanoTime() - started) / 1_000_000, first, seed);
            }
        }
        System.out.printf("whole-member simulation: %d seeds (%d..%d) in %d ms (%d ms CPU); acknowledged writes %d, "
                        + "digest checks %d, leader checks %d, by size %s, %s%n", seeds, first, first + seeds - 1,
                (System.nanoTime() - started) / 1_000_000,
                (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStarted) / 1_000_000, acks,
                digestChecks, leaderChecks, bySize, totals);
        assertTrue(acks > seeds * 10L, "clients should get writes acknowledged");
        assertTrue(leaderChecks > seeds, "leaders should be checked");
        bySize.forEach((size, s) -> {
            if (s.runs >= 10) {
                // Standalone too: acknowledged writes survive its restarts, and its trees after a
                // restart match the digests it had at the same zxids before.
                assertTrue(s.acks > s.runs * 10L && s.leaderChecks > s.runs && s.digestComparisons > 0,
                        size + " members: the invariants should have had work: " + s);
            }
        });
        // Every flipped bit the real start-up code must refuse was refused, and no disk was refused
        // otherwise (MemberSimulation.boot checks each start against BitFlips.expect).
        assertEquals(totals.getOrDefault("bit flips the next start must refuse", 0L),
                totals.getOrDefault("corrupt disks refused at start", 0L), "every damaged disk is refused at its next start");
    }
}
