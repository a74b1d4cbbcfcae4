package io.coord.server.zab.sim;

import java.util.SplittableRandom;

/** The fault and load profile of one simulated run, drawn from the seed. */
record SimParams(double dropRate, double duplicateRate, double reorderRate, double crashRate,
                 double partitionRate, double pauseRate, int writesPerTick, double syncRate, int maxPersistDelay,
                 int maxHistory, int chaosTicks, int healTicks, double linkLossSeen, double spuriousDisconnectRate) {

    static SimParams random(SplittableRandom rnd) {
        double[] drops = {0, 0, 0.01, 0.05, 0.15};
        double[] dups = {0, 0.02, 0.1};
        double[] reorders = {0, 0.02, 0.1};
        double[] crashes = {0, 0.02, 0.05, 0.1};
        double[] partitions = {0, 0.02, 0.05};
        double[] pauses = {0, 0.02, 0.05};
        int[] histories = {0, 5, 50, 1000};
        return new SimParams(
                drops[rnd.nextInt(drops.length)],
                dups[rnd.nextInt(dups.length)],
                reorders[rnd.nextInt(reorders.length)],
                crashes[rnd.nextInt(crashes.length)],
                partitions[rnd.nextInt(partitions.length)],
                pauses[rnd.nextInt(pauses.length)],
                1 + rnd.nextInt(3),
                0.3,
                rnd.nextInt(25),
                histories[rnd.nextInt(histories.length)],
                100 + rnd.nextInt(150),
                150,
                // Drawn last so that the other parameters of a seed stay what they were.
                new double[] {0, 0.5, 1, 1}[rnd.nextInt(4)],
                new double[] {0, 0, 0.02, 0.1}[rnd.nextInt(4)]);
    }
}
