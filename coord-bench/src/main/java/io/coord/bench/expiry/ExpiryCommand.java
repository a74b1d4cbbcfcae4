package io.coord.bench.expiry;

import io.coord.bench.WorkDirs;
import io.coord.bench.target.Ensemble;
import io.coord.bench.target.ServerKind;
import io.coord.bench.target.ServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * {@code expiry}: how long after a client process dies its session's ephemeral node goes. Per sample a
 * child JVM ({@link EphemeralHolder}, the stock client) opens a session on one server (round-robin over
 * an ensemble's members, so leader and followers both hold sessions), creates an ephemeral node and
 * idles; after a random pause (so the kill falls anywhere between the client's pings) the child is
 * killed with SIGKILL, and an observer session on another connection times kill → NodeDeleted.
 * ZooKeeper's bound is the session timeout + one tickTime after the client's last message.
 */
public final class ExpiryCommand {
    /** Parsed options of the expiry command. */
    public record Options(List<ServerKind> targets, int ensembleSize, int samples, int sessionTimeoutMs,
                          int tickTimeMs, List<String> serverJvmFlags, Path workDir, boolean keepWorkDir,
                          Duration readyTimeout) {
        public Options {
            targets = List.copyOf(targets);
            serverJvmFlags = List.copyOf(serverJvmFlags);
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("--target needs at least one value");
            }
            if (samples < 1 || samples > 1000) {
                throw new IllegalArgumentException("samples must be in [1, 1000]");
            }
            if (ensembleSize < 1 || ensembleSize > 9 || ensembleSize == 2) {
                throw new IllegalArgumentException("ensemble must be 1 (standalone) or in [3, 9]");
            }
            if (sessionTimeoutMs < 2 * tickTimeMs || sessionTimeoutMs > 20 * tickTimeMs) {
                throw new IllegalArgumentException("session-timeout-ms must be in [2, 20] tickTimes");
            }
        }
    }

    private final Options options;
    private final SplittableRandom random = new SplittableRandom();
    private final String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private ExpiryCommand(Options options) {
        this.options = options;
    }

    /** @return 0 when every sample's node was deleted, 3 when some never was */
    public static int execute(Options options, PrintStream out, PrintStream log) throws Exception {
        ServerProcess.Launch launch = new ServerProcess.Launch(javaBin(), System.getProperty("java.class.path"),
                options.serverJvmFlags(), options.readyTimeout());
        Path workDir = options.workDir() == null ? Files.createTempDirectory("coord-bench-expiry-")
                : Files.createDirectories(options.workDir());
        out.printf(Locale.ROOT, "expiry: targets %s, %s, tickTime %d, session timeout %d ms, %d samples each;"
                        + " kill -9 of a stock-client JVM -> NodeDeleted of its ephemeral at an observer%n",
                options.targets().stream().map(ServerKind::label).toList(),
                options.ensembleSize() == 1 ? "standalone" : options.ensembleSize() + "-member ensembles",
                options.tickTimeMs(), options.sessionTimeoutMs(), options.samples());
        ExpiryCommand command = new ExpiryCommand(options);
        boolean allDeleted = true;
        try {
            for (ServerKind kind : options.targets()) {
                double[] ms = command.runTarget(kind, workDir, launch, log);
                allDeleted &= Arrays.stream(ms).allMatch(v -> v >= 0);
                out.println(summary(kind, options, ms));
            }
        } finally {
            if (!options.keepWorkDir()) {
                WorkDirs.deleteRecursively(workDir);
            }
        }
        return allDeleted ? 0 : 3;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String summary(ServerKind kind, Options o, double[] ms) {
        double[] ok = Arrays.stream(ms).filter(v -> v >= 0).sorted().toArray();
        if (ok.length == 0) {
            return kind.label() + ": no node was deleted";
        }
        double median = ok.length % 2 == 1 ? ok[ok.length / 2] : (ok[ok.length / 2 - 1] + ok[ok.length / 2]) / 2;
        long over = Arrays.stream(ok).filter(v -> v > o.sessionTimeoutMs() + o.tickTimeMs()).count();
        return String.format(Locale.ROOT, "%s: kill -> deleted ms: min %.0f, median %.0f, max %.0f (%d samples,"
                        + " %d over timeout + tickTime = %d, %d never deleted)", kind.label(), ok[0], median,
                ok[ok.length - 1], ms.length, over, o.sessionTimeoutMs() + o.tickTimeMs(), ms.length - ok.length);
    }

    private double[] runTarget(ServerKind kind, Path workDir, ServerProcess.Launch launch, PrintStream log)
            throws Exception {
        List<String> hosts = new ArrayList<>();
        AutoCloseable server;
        if (options.ensembleSize() == 1) {
            ServerProcess p = ServerProcess.start(kind, workDir, launch);
            hosts.add(p.connectString());
            server = p;
        } else {
            Ensemble e = Ensemble.start(kind, workDir, launch, options.ensembleSize(), options.tickTimeMs());
            for (int id = 1; id <= e.size(); id++) {
                hosts.add(e.member(id).connectString());
            }
            server = e;
        }
        try (server; ZooKeeper observer = connect(String.join(",", hosts))) {
            double[] ms = new double[options.samples()];
            for (int i = 0; i < ms.length; i++) {
                String host = hosts.get(i % hosts.size());
                ms[i] = sample(observer, host, "/coord-bench-expiry-" + ProcessHandle.current().pid() + "-" + i);
                log.printf(Locale.ROOT, "  %s sample %d (session on %s): %s%n", kind.label(), i + 1, host,
                        ms[i] < 0 ? "not deleted" : String.format(Locale.ROOT, "%.0f ms", ms[i]));
            }
            return ms;
        }
    }

    /** One kill; returns kill → NodeDeleted in ms, or -1 when the node outlived three timeouts. */
    private double sample(ZooKeeper observer, String host, String path) throws Exception {
        Process child = new ProcessBuilder(javaBin, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                EphemeralHolder.class.getName(), host, String.valueOf(options.sessionTimeoutMs()), path)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitReady(child, path);
            CountDownLatch deleted = new CountDownLatch(1);
            AtomicLong deletedNanos = new AtomicLong();
            syncPath(observer, path);
            if (observer.exists(path, event -> {
                if (event.getType() == Watcher.Event.EventType.NodeDeleted) {
                    deletedNanos.set(System.nanoTime());
                    deleted.countDown();
                }
            }) == null) {
                throw new IOException(path + " is not visible to the observer");
            }
            // Kill anywhere between the client's pings (it pings after a third of the timeout idle).
            Thread.sleep(500 + random.nextInt(options.sessionTimeoutMs() / 3));
            child.destroyForcibly();
            long killNanos = System.nanoTime();
            child.waitFor();
            if (!deleted.await(3L * options.sessionTimeoutMs(), TimeUnit.MILLISECONDS)) {
                return -1;
            }
            return (deletedNanos.get() - killNanos) / 1e6;
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    private void awaitReady(Process child, String path) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith(EphemeralHolder.READY)) {
                Thread drain = new Thread(() -> drain(in), "expiry-child-out");
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        throw new IOException("the client process exited before creating " + path);
    }

    private static void drain(BufferedReader in) {
        try {
            while (in.readLine() != null) {
                // discard the child's log lines so it never blocks on a full pipe
            }
        } catch (IOException ignored) {
            // the child was killed
        }
    }

    private static void syncPath(ZooKeeper zk, String path) throws Exception {
        CountDownLatch synced = new CountDownLatch(1);
        zk.sync(path, (rc, p, ctx) -> synced.countDown(), null);
        if (!synced.await(30, TimeUnit.SECONDS)) {
            throw new IOException("sync timed out");
        }
    }

    private ZooKeeper connect(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, 30_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(30, TimeUnit.SECONDS)) {
            zk.close();
            throw new IOException("could not connect to " + connectString);
        }
        return zk;
    }
}
