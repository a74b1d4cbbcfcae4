package io.coord.bench.faults;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.zookeeper.ZooKeeper;

/**
 * One seeded run: hosts up, ensemble started, workloads against it while the nemesis plays the
 * schedule, then everything healed, final reads, checks, report. Everything it made (namespaces,
 * bridge, member processes, data directories) is removed at the end, also on failure and on
 * SIGTERM/SIGINT (shutdown hook); a SIGKILLed run's leftovers are removed by the next run.
 */
final class FaultRun {
    record Options(long seed, long durationMs, int members, List<Fault.Type> nemeses, Cluster.Kind target,
                   Path reportDir, Path home, String classPath, int registerClients, int setClients, int lockClients,
                   int ephemeralOwners, int watchClients, int queueClients, int oneShotClients, boolean syncReads) {
    }

    record Result(List<Verdict> verdicts, int faults, Path reportDir) {
        boolean valid() {
            return verdicts.stream().allMatch(v -> v.result() == Verdict.Result.VALID);
        }

        boolean invalid() {
            return verdicts.stream().anyMatch(v -> v.result() == Verdict.Result.INVALID);
        }
    }

    /** The run could not start here (not root, no iproute2): the caller skips. */
    static final class Unavailable extends Exception {
        Unavailable(String why) {
            super(why);
        }
    }

    static final String WORK_PREFIX = "coord-faults-";
    private static final long LEADER_WAIT_MS = 60_000;
    private static final long CONVERGE_WAIT_MS = 30_000;

    private FaultRun() {
    }

    static Result run(Options o, PrintStream out) throws Exception {
        String why = NetLab.unavailableReason();
        if (why != null) {
            throw new Unavailable(why);
        }
        List<String> leftovers = new ArrayList<>(NetLab.cleanupLeftovers());
        leftovers.addAll(unmountLeftovers());
        if (!leftovers.isEmpty()) {
            out.println("removed leftovers of an earlier run: " + leftovers);
        }
        Files.createDirectories(o.reportDir());
        String header = "coord-faults target " + o.target().name().toLowerCase() + ", " + o.members()
                + " members, seed " + o.seed() + ", " + o.durationMs() / 1000 + " s, nemesis " + o.nemeses()
                + (o.syncReads() ? "" : ", reads WITHOUT sync");
        List<Fault> schedule = Fault.schedule(o.seed(), o.durationMs(), o.nemeses());
        Report.writeSchedule(o.reportDir(), header, schedule);
        Path work = Files.createTempDirectory(WORK_PREFIX + ProcessHandle.current().pid() + "-");
        NetLab lab = new NetLab(o.members());
        SlowDisk slowDisk = tool(o, work, out, "slowdisk", SlowDisk::build, Fault.Type.SLOWDISK);
        Cluster cluster = new Cluster(o.target(), lab, o.home(), work, o.reportDir().resolve("logs"), o.classPath(),
                o.nemeses().contains(Fault.Type.DISK), slowDisk);
        lab.useNetDelay(tool(o, work, out, "netdelay", NetDelay::build, Fault.Type.DELAY, Fault.Type.DUPLICATE));
        Clients clients = new Clients(cluster.connectString());
        Thread hook = new Thread(() -> tearDown(clients, cluster, lab, work));
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            lab.create();
            cluster.startAll();
            awaitLeader(cluster);
            out.println(header + "; ensemble up, leader m" + cluster.leader() + "; report in " + o.reportDir());
            return drive(o, header, schedule, cluster, lab, clients, out);
        } finally {
            tearDown(clients, cluster, lab, work);
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    /** Builds a C tool (gcc) into a directory; throws with the reason when it cannot be built. */
    interface Tool<T> {
        T build(Path dir) throws IOException;
    }

    /**
     * The tool, built into {@code work}/{@code name}, when the schedule has any of {@code types}; else,
     * or when it cannot be built (no gcc), null: those faults are then not applied, and the run says so.
     */
    private static <T> T tool(Options o, Path work, PrintStream out, String name, Tool<T> tool, Fault.Type... types) {
        if (java.util.Arrays.stream(types).noneMatch(o.nemeses()::contains)) {
            return null;
        }
        try {
            return tool.build(work.resolve(name));
        } catch (IOException e) {
            out.println(java.util.Arrays.toString(types).toLowerCase(java.util.Locale.ROOT)
                    + " faults skipped (not applied; nemesis.log says so at each): " + e.getMessage());
            return null;
        }
    }

    private static Result drive(Options o, String header, List<Fault> schedule, Cluster cluster, NetLab lab,
                                Clients clients, PrintStream out) throws Exception {
        OpLog log = new OpLog();
        RegisterWorkload registers = new RegisterWorkload(clients, log, o.registerClients(), o.durationMs(),
                o.syncReads());
        SetWorkload set = new SetWorkload(clients, log, o.setClients());
        LockWorkload locks = new LockWorkload(cluster.connectString(), log, o.lockClients());
        EphemeralWorkload ephemerals = new EphemeralWorkload(cluster.connectString(), log, o.ephemeralOwners());
        WatchWorkload watches = new WatchWorkload(clients, cluster.connectString(), log, o.watchClients());
        QueueWorkload queue = new QueueWorkload(cluster.connectString(), log, o.queueClients(), o.queueClients());
        OneShotWatchWorkload oneShots = new OneShotWatchWorkload(clients, cluster.connectString(), log,
                o.oneShotClients());
        ZooKeeper setup = clients.connect(30_000);
        registers.setUp(setup);
        set.setUp(setup);
        watches.setUp(setup);
        oneShots.setUp(setup);
        AtomicBoolean running = new AtomicBoolean(true);
        long startNanos = System.nanoTime();
        List<Thread> threads = new ArrayList<>(registers.start(new SplittableRandom(o.seed()), startNanos, running));
        threads.addAll(set.start(running));
        Nemesis nemesis = new Nemesis(cluster, lab);
        List<Verdict> verdictsAfterHealing = new ArrayList<>();
        try (locks; ephemerals; watches; queue; oneShots) {
            threads.addAll(locks.start(new SplittableRandom(o.seed() + 2), running));
            threads.addAll(ephemerals.start(new SplittableRandom(o.seed() + 1), running));
            threads.addAll(watches.start(new SplittableRandom(o.seed() + 3), running));
            threads.addAll(queue.start(running));
            threads.addAll(oneShots.start(new SplittableRandom(o.seed() + 4), running));
            nemesis.run(schedule, startNanos);
            long restMs = o.durationMs() - (System.nanoTime() - startNanos) / 1_000_000;
            if (restMs > 0) {
                Thread.sleep(restMs);
            }
            running.set(false);
            nemesis.healAll();
            for (Thread t : threads) {
                t.join(30_000);
            }
            ephemerals.finish();
            finalChecks(clients, watches, o.queueClients() > 0 ? queue : null, oneShots, verdictsAfterHealing);
        } finally {
            running.set(false);
            nemesis.healAll();
        }
        List<Verdict> verdicts = new ArrayList<>();
        verdicts.add(recovery(cluster));
        verdicts.addAll(verdictsAfterHealing);
        try {
            ZooKeeper last = clients.connect(30_000);
            registers.finalReads(last);
            set.finalRead(last);
            verdicts.add(registers.check());
            verdicts.add(set.check());
        } catch (Exception e) {
            verdicts.add(new Verdict("final-reads", Verdict.Result.INVALID, "the final reads after healing failed: " + e,
                    List.of()));
        }
        verdicts.add(locks.check());
        verdicts.add(ephemerals.check());
        verdicts.add(convergence(cluster));
        Report.write(o.reportDir(), header, log, startNanos, nemesis, verdicts);
        for (Verdict v : verdicts) {
            out.println(v.checker() + ": " + v.result() + " — " + v.summary());
        }
        out.println(nemesis.applied().size() + " faults applied; report: " + o.reportDir());
        return new Result(verdicts, nemesis.applied().size(), o.reportDir());
    }

    /**
     * After healing, before the workloads' clients close: the watchers' last event, the one-shot
     * watches' last fires, the queue's drain (null: no queue workload).
     */
    private static void finalChecks(Clients clients, WatchWorkload watches, QueueWorkload queue,
                                    OneShotWatchWorkload oneShots, List<Verdict> out) throws InterruptedException {
        try {
            watches.finish(clients, LEADER_WAIT_MS);
            out.add(watches.check());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            out.add(new Verdict(WatchWorkload.NAME, Verdict.Result.UNKNOWN, "the final write after healing failed: "
                    + e, List.of()));
        }
        try {
            oneShots.finish(LEADER_WAIT_MS);
            out.add(oneShots.check());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            out.add(new Verdict(OneShotWatchWorkload.NAME, Verdict.Result.UNKNOWN,
                    "the final writes after healing failed: " + e, List.of()));
        }
        if (queue == null) {
            return;
        }
        try {
            queue.drain();
            out.add(queue.check());
        } catch (InterruptedException e) {
            throw e;
        } catch (RuntimeException e) {
            out.add(new Verdict(QueueWorkload.NAME, Verdict.Result.UNKNOWN, "draining the queue after healing failed: "
                    + e, List.of()));
        }
    }

    private static int awaitLeader(Cluster cluster) throws InterruptedException {
        long deadline = System.currentTimeMillis() + LEADER_WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            int leader = cluster.leader();
            if (leader > 0) {
                return leader;
            }
            Thread.sleep(200);
        }
        return -1;
    }

    /** After every fault is healed, a leader must be elected again within a minute. */
    private static Verdict recovery(Cluster cluster) throws InterruptedException {
        long begin = System.currentTimeMillis();
        int leader = awaitLeader(cluster);
        long tookMs = System.currentTimeMillis() - begin;
        return leader > 0
                ? new Verdict("recovery", Verdict.Result.VALID, "leader m" + leader + " " + tookMs + " ms after healing",
                        List.of())
                : new Verdict("recovery", Verdict.Result.INVALID, "no leader within " + LEADER_WAIT_MS + " ms of healing",
                        List.of());
    }

    /** Once healed and quiet, every member must reach the same zxid (and, for Coord, the same tree digest). */
    private static Verdict convergence(Cluster cluster) throws InterruptedException {
        long deadline = System.currentTimeMillis() + CONVERGE_WAIT_MS;
        List<String> states = List.of();
        while (System.currentTimeMillis() < deadline) {
            states = new ArrayList<>();
            for (int id = 1; id <= cluster.size(); id++) {
                String state = cluster.kind() == Cluster.Kind.COORD ? cluster.fourLetterWord(id, "hash")
                        : cluster.zxid(id);
                states.add(state == null ? "no answer" : state.trim());
            }
            if (states.stream().distinct().count() == 1 && !states.get(0).equals("no answer")) {
                return new Verdict("convergence", Verdict.Result.VALID, "every member at " + states.get(0), List.of());
            }
            Thread.sleep(500);
        }
        return new Verdict("convergence", Verdict.Result.INVALID,
                "members still differ " + CONVERGE_WAIT_MS + " ms after healing", List.of("members: " + states));
    }

    /**
     * Unmounts the data tmpfs of runs whose JVM is gone and deletes their work directories (the
     * directory name carries the pid).
     */
    private static List<String> unmountLeftovers() throws IOException {
        List<String> removed = new ArrayList<>();
        java.util.regex.Pattern owned = java.util.regex.Pattern.compile(".*/" + WORK_PREFIX + "(\\d+)-[^/]*/data\\d+");
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String[] f = line.split(" ");
            java.util.regex.Matcher m = f.length > 1 ? owned.matcher(f[1]) : null;
            if (m != null && m.matches() && !Shell.processAlive(Long.parseLong(m.group(1)))) {
                Shell.run("umount", "-l", f[1]);
                removed.add(f[1]);
            }
        }
        java.util.regex.Pattern dir = java.util.regex.Pattern.compile(WORK_PREFIX + "(\\d+)-.*");
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> dirs = Files.list(tmp)) {
            for (Path d : dirs.toList()) {
                java.util.regex.Matcher m = dir.matcher(d.getFileName().toString());
                if (m.matches() && !Shell.processAlive(Long.parseLong(m.group(1)))) {
                    deleteTree(d);
                    removed.add(d.toString());
                }
            }
        }
        return removed;
    }

    private static void tearDown(Clients clients, Cluster cluster, NetLab lab, Path work) {
        try {
            clients.close();
            cluster.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lab.close();
            deleteTree(work);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory
        }
    }
}
