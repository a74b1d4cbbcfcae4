package io.coord.server.sim;

import java.util.SplittableRandom;

/** The fault and load profile of one whole-member run, drawn from its seed (rates are per 10 ms). */
record SimParams(double dropRate, double crashRate, double partitionRate, double pauseRate, double diskFaultRate,
                 boolean bitFlip, int maxPersistDelayMs, int snapCount, int maxHistory, int chaosMs, int clients, double powerFailRate) {

    static SimParams random(SplittableRandom rnd) {
        return new SimParams(
                new double[] {0, 0.01, 0.05}[rnd.nextInt(3)],
                new double[] {0, 0.002, 0.005}[rnd.nextInt(3)],
                new double[] {0, 0.001, 0.003}[rnd.nextInt(3)],
                new double[] {0, 0.002}[rnd.nextInt(2)],
                new double[] {0, 0.001, 0.003}[rnd.nextInt(3)],
                rnd.nextInt(4) == 0,
                new int[] {1, 5, 20}[rnd.nextInt(3)],
                new int[] {8, 30, 200}[rnd.nextInt(3)],
                new int[] {2, 10, 1000}[rnd.nextInt(3)],
                1500 + rnd.nextInt(1500),
                2 + rnd.nextInt(3),
                // Every member at once (a rack losing power): only what each forced survives.
                new double[] {0, 0, 0.001, 0.003}[rnd.nextInt(4)]);
    }

    SimParams withSnapCount(int v) {
        return new SimParams(dropRate, crashRate, partitionRate, pauseRate, diskFaultRate, bitFlip, maxPersistDelayMs,
                v, maxHistory, chaosMs, clients, powerFailRate);
    }

    SimParams withMaxHistory(int v) {
        return new SimParams(dropRate, crashRate, partitionRate, pauseRate, diskFaultRate, bitFlip, maxPersistDelayMs,
                snapCount, v, chaosMs, clients, powerFailRate);
    }

    /** No random faults: a scenario injects its own. */
    SimParams calm() {
        return new SimParams(0, 0, 0, 0, 0, false, maxPersistDelayMs, snapCount, maxHistory, chaosMs, clients, 0);
    }
}
