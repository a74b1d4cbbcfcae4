package io.coord.bench.faults;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Plays a schedule of {@link Fault}s against the cluster: at each fault's time it resolves the
 * targets (the leader then, or a seeded pick), applies the fault, and undoes it when it ends (heals
 * the network, restarts a killed member, resumes a paused one). What it did, and when, is kept for
 * the report.
 */
final class Nemesis {
    /** One fault as applied: ms since the workload started, and what it did to whom. */
    record Applied(Fault fault, long startMs, long endMs, String description) {
    }

    private final Cluster cluster;
    private final NetLab lab;
    private final List<Applied> applied = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    /** Members whose disk is slow now, with their fsync figures when it was slowed (null: no answer). */
    private final java.util.Map<Integer, Cluster.FsyncFigures> slowed = new java.util.TreeMap<>();

    Nemesis(Cluster cluster, NetLab lab) {
        this.cluster = cluster;
        this.lab = lab;
    }

    synchronized List<Applied> applied() {
        return List.copyOf(applied);
    }

    synchronized List<String> log() {
        return List.copyOf(log);
    }

    private synchronized void note(long startNanos, String line) {
        log.add(String.format(java.util.Locale.ROOT, "%8.3f s  %s", (System.nanoTime() - startNanos) / 1e9, line));
    }

    /** Runs the schedule (blocking) from {@code startNanos}; returns with everything healed. */
    void run(List<Fault> schedule, long startNanos) throws Exception {
        for (Fault fault : schedule) {
            sleepUntil(startNanos, fault.atMs());
            long begin = sinceMs(startNanos);
            String description;
            try {
                description = apply(fault);
                if (fault.with() != null) {
                    description += " + " + apply(fault.with());
                }
            } catch (java.io.IOException | RuntimeException e) {
                note(startNanos, "could not apply " + fault.type() + ": " + e.getMessage());
                healAll();
                lab.takeNetDelayFigures();
                continue;
            }
            long applyMs = sinceMs(startNanos) - begin;
            // Finding the leader (srvr of each member) and the ip/tc commands can take seconds on a loaded machine.
            note(startNanos, "start " + description + (applyMs > 250 ? " (applying took " + applyMs + " ms)" : ""));
            sleepUntil(startNanos, fault.atMs() + fault.durationMs());
            description += slowDiskFigures();
            heal(fault);
            for (String figures : lab.takeNetDelayFigures()) {
                description += " [" + figures + "]";
            }
            note(startNanos, "end   " + description);
            synchronized (this) {
                applied.add(new Applied(fault, begin, sinceMs(startNanos), description));
            }
        }
    }

    private static long sinceMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void sleepUntil(long startNanos, long atMs) throws InterruptedException {
        long waitMs = atMs - sinceMs(startNanos);
        if (waitMs > 0) {
            Thread.sleep(waitMs);
        }
    }

    private int target(Fault f) {
        if (f.onLeader()) {
            int leader = cluster.leader();
            if (leader > 0) {
                return leader;
            }
        }
        return 1 + f.pick() % cluster.size();
    }

    private Set<Integer> others(int id) {
        Set<Integer> others = new LinkedHashSet<>();
        for (int m = 1; m <= cluster.size(); m++) {
            if (m != id) {
                others.add(m);
            }
        }
        return others;
    }

    /** The members other than {@code first}, in a seeded order. */
    private List<Integer> shuffledOthers(int first, int pick) {
        List<Integer> rest = new ArrayList<>(others(first));
        SplittableRandom r = new SplittableRandom(pick);
        for (int i = rest.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            Integer t = rest.get(i);
            rest.set(i, rest.get(j));
            rest.set(j, t);
        }
        return rest;
    }

    private String apply(Fault f) throws Exception {
        int target = target(f);
        String who = "m" + target + (f.onLeader() && target == cluster.leader() ? " (leader)" : "");
        switch (f.type()) {
            case ISOLATE -> {
                for (int other : others(target)) {
                    lab.cut(target, other);
                }
                return "isolate " + who + " from the other members";
            }
            case HALVES -> {
                List<Integer> rest = shuffledOthers(target, f.pick());
                List<Integer> minority = new ArrayList<>(List.of(target));
                minority.addAll(rest.subList(0, cluster.size() / 2 - 1));
                List<Integer> majority = rest.subList(cluster.size() / 2 - 1, rest.size());
                for (int a : minority) {
                    for (int b : majority) {
                        lab.cut(a, b);
                    }
                }
                return "partition minority " + minority + " | majority " + majority;
            }
            case BRIDGE -> {
                List<Integer> rest = shuffledOthers(target, f.pick());
                List<Integer> left = rest.subList(0, rest.size() / 2);
                List<Integer> right = rest.subList(rest.size() / 2, rest.size());
                for (int a : left) {
                    for (int b : right) {
                        lab.cut(a, b);
                    }
                }
                return "bridge " + who + " sees " + left + " and " + right + ", which are cut apart";
            }
            case ONE_WAY -> {
                for (int other : others(target)) {
                    lab.dropOneWay(target, other);
                }
                return "drop everything " + who + " sends to the other members (one way)";
            }
            case CLIENTS -> {
                lab.cutFromClients(target);
                return "cut " + who + " from the clients";
            }
            case LOSS -> {
                lab.loss(target, f.share(), others(target));
                return String.format(java.util.Locale.ROOT, "drop %.0f%% of what %s sends to the others",
                        f.share() * 100, who);
            }
            case REORDER -> {
                lab.reorder(target, f.share(), others(target));
                return String.format(java.util.Locale.ROOT, "delay/reorder %.0f%% of what %s sends to the others",
                        f.share() * 100, who);
            }
            case SLOW -> {
                lab.slow(target, f.kbit(), others(target));
                return "limit " + who + "'s links to the others to " + f.kbit() + " kbit/s";
            }
            case DELAY -> {
                NetDelay.Settings s = new NetDelay.Settings(f.delayMs(), f.jitterMs(), 0, f.pick());
                lab.netDelay(target, s, others(target));
                return "hold what " + who + " sends to the others " + s.delayMs() + " ms ± " + s.jitterMs()
                        + " ms (netdelay, in order per peer)";
            }
            case DUPLICATE -> {
                lab.netDelay(target, new NetDelay.Settings(0, 0, f.duplicatePercent(), f.pick()), others(target));
                return "send " + f.duplicatePercent() + "% of what " + who + " sends to the others twice (netdelay)";
            }
            case KILL -> {
                cluster.kill9(target);
                return "kill -9 " + who;
            }
            case PAUSE -> {
                cluster.signal(target, "STOP");
                return "SIGSTOP " + who;
            }
            case DISK -> {
                cluster.fillDisk(target);
                return "fill " + who + "'s data disk";
            }
            case SLOWDISK -> {
                cluster.slowDisk(target, f.slowDiskMs());
                // Read after the delay is set: the figures while slowed hold at most one fsync begun before.
                slowed.put(target, cluster.fsyncFigures(target));
                return "slow " + who + "'s fsyncs by +" + f.slowDiskMs() + " ms";
            }
            default -> throw new IllegalStateException(f.type().toString());
        }
    }

    private void heal(Fault f) throws Exception {
        if (f.with() != null) {
            healAll();
            return;
        }
        switch (f.type()) {
            case KILL -> restartDead();
            case PAUSE -> resumeAll();
            case DISK -> {
                cluster.freeDisks();
                restartDead();
            }
            case SLOWDISK -> cluster.fastDisks();
            default -> lab.healAll();
        }
    }

    /**
     * For each member slowed now: how many fsyncs it did while slowed and their mean time, from its
     * own mntr (evidence that the shim acted: the mean should exceed the delay); "" if none slowed.
     */
    private String slowDiskFigures() {
        StringBuilder sb = new StringBuilder();
        for (var e : slowed.entrySet()) {
            Cluster.FsyncFigures now = cluster.fsyncFigures(e.getKey());
            sb.append(" [m").append(e.getKey()).append(" mntr: ");
            if (e.getValue() == null || now == null) {
                sb.append("no fsync figures]");
            } else if (now.count() < e.getValue().count()) {
                sb.append("restarted while slowed, no figures]");
            } else if (now.count() == e.getValue().count()) {
                sb.append("no fsync finished while slowed]");
            } else {
                sb.append(now.count() - e.getValue().count()).append(" fsyncs while slowed, mean ")
                        .append(String.format(java.util.Locale.ROOT, "%.0f", now.meanMsSince(e.getValue())))
                        .append(" ms");
                double perBatch = now.opsPerBatchSince(e.getValue());
                if (!Double.isNaN(perBatch)) {
                    sb.append(String.format(java.util.Locale.ROOT, ", group commit %.1f ops per batch", perBatch));
                }
                sb.append(']');
            }
        }
        slowed.clear();
        return sb.toString();
    }

    private void resumeAll() {
        for (int id = 1; id <= cluster.size(); id++) {
            cluster.signal(id, "CONT");
        }
    }

    private void restartDead() throws Exception {
        for (int id = 1; id <= cluster.size(); id++) {
            if (!cluster.running(id)) {
                cluster.start(id);
            }
        }
    }

    /** Ends every fault: network whole, every member running and resumed. */
    void healAll() throws Exception {
        lab.healAll();
        cluster.freeDisks();
        cluster.fastDisks();
        slowed.clear();
        resumeAll();
        restartDead();
    }
}
