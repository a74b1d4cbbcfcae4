package io.coord.server.zab.sim;

import io.coord.server.zab.ZabMessage;
import java.util.SplittableRandom;

/** Fault model of the simulated network: loss, delay, reordering, duplication and partitions. */
final class SimNetwork {
    double dropRate;
    double duplicateRate;
    double reorderRate;
    /** Partition group per member index; members in different groups cannot talk. */
    int[] group;

    SimNetwork(int nodes) {
        group = new int[nodes];
    }

    boolean connected(int a, int b) {
        return group[a] == group[b];
    }

    void heal() {
        java.util.Arrays.fill(group, 0);
    }

    void partition(SplittableRandom rnd) {
        for (int i = 0; i < group.length; i++) {
            group[i] = rnd.nextInt(2);
        }
    }

    boolean isPartitioned() {
        for (int g : group) {
            if (g != group[0]) {
                return true;
            }
        }
        return false;
    }

    /** Delays (in sub-steps) of the copies of one message; empty if lost. */
    int[] delays(SplittableRandom rnd, ZabMessage msg) {
        if (rnd.nextDouble() < dropRate) {
            return new int[0];
        }
        int copies = rnd.nextDouble() < duplicateRate ? 2 : 1;
        int[] d = new int[copies];
        for (int i = 0; i < copies; i++) {
            d[i] = 1 + rnd.nextInt(3);
            if (rnd.nextDouble() < reorderRate) {
                d[i] += rnd.nextInt(25);
            }
        }
        return d;
    }
}
