package io.coord.bench.scale;

import io.coord.bench.LoadShape;
import io.coord.bench.PhaseOutcome;
import io.coord.bench.WorkDirs;
import io.coord.bench.phase.AsyncDriver;
import io.coord.bench.phase.Workload;
import io.coord.bench.target.Ensemble;
import io.coord.bench.target.ServerKind;
import io.coord.bench.target.ServerProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;

/**
 * {@code heap}: the heap of every member of an ensemble holding many znodes, to compare the leader's
 * with a follower's. For each target: start an N-member ensemble (one JVM per member), weigh each
 * member's heap after a full GC, load {@code znodes} znodes of {@code valueBytes} under
 * {@code /heap/p<i mod parents>/n<i>} (the scale check's shape), wait until every member reports the
 * same zxid, and weigh each member again (the least of three weighings 10 s apart: see
 * {@link #settledHeaps}). Heap as in {@code scale}: {@code jcmd GC.run}, then {@code GC.heap_info};
 * bytes per znode = (loaded − empty) / znodes.
 */
public final class EnsembleHeapCommand {
    private static final String ROOT = "heap";
    private static final Duration SAME_ZXID_TIMEOUT = Duration.ofSeconds(300);
    private static final int WEIGHINGS = 3;
    private static final long WEIGHING_GAP_MS = 10_000;

    /** Parsed options of the heap command. */
    public record Options(List<ServerKind> targets, int ensemble, long znodes, int parents, int valueBytes,
                          int sessions, int inflight, List<String> serverJvmFlags, Path workDir, boolean keepWorkDir,
                          Duration readyTimeout, int histogramLines) {
        public Options {
            targets = List.copyOf(targets);
            serverJvmFlags = List.copyOf(serverJvmFlags);
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("--target needs coord, zk or both");
            }
            if (ensemble < 2 || ensemble > 9) {
                throw new IllegalArgumentException("ensemble must be in [2, 9]");
            }
            if (znodes < 1 || znodes > ScaleCommand.MAX_ZNODES) {
                throw new IllegalArgumentException("znodes must be in [1, " + ScaleCommand.MAX_ZNODES + "]");
            }
            if (parents < 1 || parents > 1_000_000) {
                throw new IllegalArgumentException("parents must be in [1, 1000000]");
            }
        }
    }

    /** One member's weight: role ("leader"/"follower"), heap before and after the load, in bytes. */
    record MemberHeap(String target, int id, String role, long emptyBytes, long loadedBytes, long znodes) {
        double bytesPerZnode() {
            return (loadedBytes - emptyBytes) / (double) znodes;
        }
    }

    private EnsembleHeapCommand() {
    }

    /** @return 0 when every target loaded without errors */
    public static int execute(Options o, PrintStream out, PrintStream log) throws IOException, InterruptedException {
        ServerProcess.Launch launch = new ServerProcess.Launch(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.class.path"), o.serverJvmFlags(), o.readyTimeout());
        Path workDir = o.workDir() == null ? Files.createTempDirectory("coord-bench-heap-")
                : Files.createDirectories(o.workDir());
        out.printf(Locale.ROOT, "heap: targets %s, %d-member ensembles with %s, %d znodes of %d bytes under %d parents%n",
                o.targets().stream().map(ServerKind::label).toList(), o.ensemble(),
                String.join(" ", o.serverJvmFlags()), o.znodes(), o.valueBytes(), o.parents());
        List<MemberHeap> rows = new ArrayList<>();
        try {
            for (ServerKind kind : o.targets()) {
                rows.addAll(run(kind, o, launch, workDir, log));
            }
        } finally {
            if (!o.keepWorkDir()) {
                WorkDirs.deleteRecursively(workDir);
            }
        }
        out.println();
        out.print(table(rows));
        return 0;
    }

    private static List<MemberHeap> run(ServerKind kind, Options o, ServerProcess.Launch launch, Path workDir,
                                        PrintStream log) throws IOException, InterruptedException {
        JvmProbe probe = new JvmProbe();
        try (Ensemble ensemble = Ensemble.start(kind, workDir, launch, o.ensemble(), ServerKind.DEFAULT_TICK_TIME_MS)) {
            long[] empty = new long[o.ensemble() + 1];
            for (int id = 1; id <= o.ensemble(); id++) {
                empty[id] = probe.heapUsedAfterFullGc(ensemble.member(id).pid());
            }
            load(kind, ensemble, o, log);
            awaitSameZxid(ensemble);
            int leader = ensemble.leaderId();
            long[] loadedHeap = settledHeaps(probe, ensemble, kind, log);
            List<MemberHeap> rows = new ArrayList<>();
            for (int id = 1; id <= o.ensemble(); id++) {
                long loaded = loadedHeap[id];
                rows.add(new MemberHeap(kind.label(), id, id == leader ? "leader" : "follower", empty[id], loaded,
                        o.znodes()));
                if (o.histogramLines() > 0) {
                    log.printf("%s m%d (%s) class histogram:%n%s", kind.label(), id, id == leader ? "leader" : "follower",
                            probe.histogram(ensemble.member(id).pid(), o.histogramLines()));
                }
            }
            return rows;
        }
    }

    /**
     * Each member's heap after a full GC, the least of {@value #WEIGHINGS} weighings
     * {@value #WEIGHING_GAP_MS} ms apart. A member writing a snapshot when weighed holds the
     * snapshot's transient buffers (tens of MiB at 1M znodes: whichever member snapshotted last looked
     * heavier, leader or follower, with the same live-class histogram as the others); the least
     * weighing is its settled heap. Every weighing is printed to the log.
     */
    private static long[] settledHeaps(JvmProbe probe, Ensemble ensemble, ServerKind kind, PrintStream log)
            throws IOException, InterruptedException {
        long[] least = new long[ensemble.size() + 1];
        java.util.Arrays.fill(least, Long.MAX_VALUE);
        for (int round = 1; round <= WEIGHINGS; round++) {
            if (round > 1) {
                Thread.sleep(WEIGHING_GAP_MS);
            }
            StringBuilder line = new StringBuilder(kind.label() + " weighing " + round + ":");
            for (int id = 1; id <= ensemble.size(); id++) {
                long bytes = probe.heapUsedAfterFullGc(ensemble.member(id).pid());
                least[id] = Math.min(least[id], bytes);
                line.append(String.format(Locale.ROOT, " m%d %.1f MiB", id, bytes / 1048576.0));
            }
            log.println(line);
        }
        return least;
    }

    private static void load(ServerKind kind, Ensemble ensemble, Options o, PrintStream log)
            throws IOException, InterruptedException {
        LoadShape shape = new LoadShape(o.sessions(), o.inflight(), o.znodes(), o.valueBytes(), List.of("create"),
                5_000, 60_000, 30_000);
        try (Workload w = Workload.open(ensemble.connectString(), shape, ROOT, log)) {
            AsyncDriver driver = w.driver();
            AsyncCallback.StringCallback cb = (rc, path, ctx, name) -> ((AsyncDriver.OpCallback) ctx).done(rc);
            String root = "/" + ROOT;
            requireClean("creating the parents", driver.drive("parents", o.parents(), (zk, i, done) -> zk.create(
                    root + "/p" + i, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, cb, done)));
            log.printf("%s: creating %d znodes under %d parents%n", kind.label(), o.znodes(), o.parents());
            byte[] value = w.value();
            requireClean("creating the znodes", driver.drive("create", o.znodes(), (zk, i, done) -> zk.create(
                    root + "/p" + (i % o.parents()) + "/n" + i, value, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT, cb, done)));
        }
    }

    /** Waits until every member's srvr reports the same zxid (followers have applied everything). */
    private static void awaitSameZxid(Ensemble ensemble) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SAME_ZXID_TIMEOUT.toNanos();
        while (true) {
            List<String> zxids = new ArrayList<>();
            for (int id = 1; id <= ensemble.size(); id++) {
                zxids.add(zxidLine(ensemble.member(id).fourLetterWord("srvr")));
            }
            if (zxids.get(0) != null && zxids.stream().distinct().count() == 1) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("members did not reach the same zxid: " + zxids);
            }
            Thread.sleep(200);
        }
    }

    private static String zxidLine(String srvr) {
        if (srvr == null) {
            return null;
        }
        for (String line : srvr.split("\n")) {
            if (line.startsWith("Zxid:")) {
                return line.trim();
            }
        }
        return null;
    }

    private static void requireClean(String what, PhaseOutcome outcome) {
        if (outcome.errors() > 0) {
            throw new IllegalStateException(what + ": " + outcome.errors() + " errors, first " + outcome.firstError());
        }
    }

    /** One row per member, then per target the leader's heap over the followers' mean. */
    static String table(List<MemberHeap> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-8s %-7s %-9s %15s %16s %17s%n", "target", "member", "role",
                "heap empty MiB", "heap loaded MiB", "heap bytes/znode"));
        for (MemberHeap r : rows) {
            sb.append(String.format(Locale.ROOT, "%-8s %-7s %-9s %15.1f %16.1f %17.0f%n", r.target(), "m" + r.id(),
                    r.role(), r.emptyBytes() / 1048576.0, r.loadedBytes() / 1048576.0, r.bytesPerZnode()));
        }
        rows.stream().map(MemberHeap::target).distinct().forEach(target -> {
            List<MemberHeap> mine = rows.stream().filter(r -> r.target().equals(target)).toList();
            double leader = mine.stream().filter(r -> r.role().equals("leader")).mapToLong(MemberHeap::loadedBytes)
                    .average().orElse(Double.NaN);
            double followers = mine.stream().filter(r -> r.role().equals("follower"))
                    .mapToLong(MemberHeap::loadedBytes).average().orElse(Double.NaN);
            sb.append(String.format(Locale.ROOT, "%s: leader heap / follower heap (loaded, mean of followers) = %.2f%n",
                    target, leader / followers));
        });
        return sb.toString();
    }
}
