package io.coord.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Runs whole members (request pipeline, sessions, tree, watches, ZAB core, the real storage stack
 * over an in-memory disk that tears writes, loses unsynced data, fails and flips bits) under the
 * deterministic simulation. {@code -Dcoord.sim.seeds=N} runs N seeds (the long run: 20000),
 * {@code -Dcoord.sim.seed=S} replays one, {@code -Dcoord.sim.trace=true} prints the last events of
 * a failing run.
 */
class MemberSimulationTest {
    private static final int DEFAULT_SEEDS = 300;

    @Test
    void invariantsHoldOverManySeeds() {
        boolean trace = Boolean.getBoolean("coord.sim.trace");
        Long only = Long.getLong("coord.sim.seed");
        if (only != null) {
            MemberSimulation sim = new MemberSimulation(only, trace).run();
            System.out.println("seed " + only + ": " + sim.counts + " acks " + sim.checker.acks);
            return;
        }
        int seeds = Integer.getInteger("coord.sim.seeds", DEFAULT_SEEDS);
        long first = Long.getLong("coord.sim.firstSeed", 1L);
        Map<String, Long> totals = new TreeMap<>();
        long acks = 0;
        long leaderChecks = 0;
        long digestChecks = 0;
        long started = System.nanoTime();
        for (long seed = first; seed < first + seeds; seed++) {
            MemberSimulation sim = new MemberSimulation(seed, trace).run();
            sim.counts.forEach((k, v) -> totals.merge(k, v, Long::sum));
            acks += sim.checker.acks;
            leaderChecks += sim.checker.leaderChecks;
            digestChecks += sim.checker.digestChecks;
            if ((seed - first + 1) % 100 == 0 && seeds > DEFAULT_SEEDS) {
                System.out.printf("whole-member simulation: %d seeds passed in %d ms%n", seed - first + 1,
                        (System.nanoTime() - started) / 1_000_000);
            }
        }
        System.out.printf("whole-member simulation: %d seeds in %d ms; acknowledged writes %d, digest checks %d, "
                        + "leader checks %d, %s%n", seeds, (System.nanoTime() - started) / 1_000_000, acks,
                digestChecks, leaderChecks, totals);
        assertTrue(acks > seeds * 10L, "clients should get writes acknowledged");
        assertTrue(leaderChecks > seeds, "leaders should be checked");
        // Every member whose log record got a flipped bit (one valid record after it at least) was
        // refused by the real start-up code, and no member was refused otherwise (SimMember.boot).
        assertEquals(totals.getOrDefault("bit flips", 0L), totals.getOrDefault("corrupt disks refused at start", 0L),
                "every flipped bit is found at the next start");
    }
}
