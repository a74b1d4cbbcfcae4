package io.coord.server.zab.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Runs the deterministic ZAB simulation over many seeds (3 and 5 members alternately).
 * {@code -Dzab.sim.seeds=N} runs more seeds, {@code -Dzab.sim.seed=S -Dzab.sim.nodes=K} replays one,
 * {@code -Dzab.sim.trace=true} prints the last events of a failing run.
 */
class ZabSimulationTest {
    private static final int DEFAULT_SEEDS = 5000;

    @Test
    void invariantsHoldOverManySeeds() {
        boolean trace = Boolean.getBoolean("zab.sim.trace");
        Long only = Long.getLong("zab.sim.seed");
        if (only != null) {
            SimResult r = new Simulation(only, Integer.getInteger("zab.sim.nodes", 3),
                    Integer.getInteger("zab.sim.observers", 0), trace).run();
            System.out.println("seed " + only + ": " + r);
            return;
        }
        if (Long.getLong("zab.sim.observerSeeds") != null) {
            return; // only the observer runs were asked for
        }
        int seeds = Integer.getInteger("zab.sim.seeds", DEFAULT_SEEDS);
        long first = Long.getLong("zab.sim.firstSeed", 1L);
        long acked = 0;
        long applied = 0;
        long leaders = 0;
        long syncs = 0;
        long[] modes = new long[3];
        long restarts = 0;
        long rejected = 0;
        long regressions = 0;
        long started = System.nanoTime();
        for (long seed = first; seed < first + seeds; seed++) {
            int nodes = seed % 2 == 0 ? 5 : 3;
            SimResult r = new Simulation(seed, nodes, trace).run();
            acked += r.ackedTxns();
            applied += r.appliedTxns();
            leaders += r.leadersEstablished();
            syncs += r.syncsChecked();
            modes[0] += r.diffSyncs();
            modes[1] += r.truncSyncs();
            modes[2] += r.snapSyncs();
            restarts += r.sessionRestarts();
            rejected += r.rejectedSyncBases();
            regressions += r.snapshotRegressions();
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("ZAB simulation: %d seeds in %d ms; acked writes %d, committed %d, leaders %d, syncs checked %d,"
                        + " DIFF/TRUNC/SNAP %d/%d/%d, session restarts %d, refused sync bases %d, snapshot regressions %d%n",
                seeds, ms, acked, applied, leaders, syncs, modes[0], modes[1], modes[2], restarts, rejected, regressions);
        assertTrue(acked > seeds, "the simulation should commit client writes");
        assertTrue(leaders >= seeds, "every run should establish a leader");
    }

    /**
     * Issue 15: the same faults and load with observers (3 voters + 1 or 2 observers, 5 voters + 2):
     * every txn commits on a majority of the voters alone, only voters lead, observers are sent only
     * committed txns and converge to the same sequence (see {@link SimChecker}).
     */
    @Test
    void observersNeverCountAndApplyTheSameSequence() {
        if (Long.getLong("zab.sim.seed") != null) {
            return;
        }
        int seeds = Integer.getInteger("zab.sim.observerSeeds", DEFAULT_SEEDS / 5);
        long first = Long.getLong("zab.sim.firstSeed", 1L);
        long acked = 0;
        long leaders = 0;
        long syncs = 0;
        long started = System.nanoTime();
        for (long seed = first; seed < first + seeds; seed++) {
            int voters = seed % 3 == 0 ? 5 : 3;
            int observers = seed % 3 == 1 ? 1 : 2;
            SimResult r = new Simulation(seed, voters, observers, Boolean.getBoolean("zab.sim.trace")).run();
            acked += r.ackedTxns();
            leaders += r.leadersEstablished();
            syncs += r.syncsChecked();
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("ZAB simulation with observers: %d seeds in %d ms; acked writes %d, leaders %d, syncs checked %d%n",
                seeds, ms, acked, leaders, syncs);
        assertTrue(acked > seeds, "the simulation should commit client writes");
        assertTrue(leaders >= seeds, "every run should establish a leader");
    }
}
