package io.coord.server.sim;

import java.util.SplittableRandom;

/**
 * The fault and load profile of one whole-member run, drawn from its seed (rates are per 10 ms):
 * {@code members} is the ensemble's size, 1 (standalone: a one-voter ensemble), 3 or 5.
 */
record SimParams(double dropRate, double crashRate, double partitionRate, double pauseRate, double diskFaultRate,
                 boolean bitFlip, int maxPersistDelayMs, int snapCount, int maxHistory, int chaosMs, int clients, double powerFailRate,
                 int members) {

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
                new double[] {0, 0, 0.001, 0.003}[rnd.nextInt(4)],
                // Mostly three; one in eight standalone, one in eight five.
                new int[] {1, 3, 3, 3, 3, 3, 3, 5}[rnd.nextInt(8)]);
    }

    SimParams withSnapCount(int v) {
        return new SimParams(dropRate, crashRate, partitionRate, pauseRate, diskFaultRate, bitFlip, maxPersistDelayMs,
                v, maxHistory, chaosMs, clients, powerFailRate, members);
    }

    SimParams withMaxHistory(int v) {
        return new SimParams(dropRate, crashRate, partitionRate, pauseRate, diskFaultRate, bitFlip, maxPersistDelayMs,
                snapCount, v, chaosMs, clients, powerFailRate, members);
    }

    SimParams withMembers(int v) {
        return new SimParams(dropRate, crashRate, partitionRate, pauseRate, diskFaultRate, bitFlip, maxPersistDelayMs,
                snapCount, maxHistory, chaosMs, clients, powerFailRate, v);
    }

    /** Only crashes, at {@code rate} per 10 ms, and bit flips when {@code flips}: a scenario's faults. */
    SimParams crashesOnly(double rate, boolean flips) {
        return new SimParams(0, rate, 0, 0, 0, flips, maxPersistDelayMs, snapCount, maxHistory, chaosMs, clients, 0,
                members);
    }

    /** No random faults: a scenario injects its own. */
    SimParams calm() {
        return crashesOnly(0, false);
    }
}
