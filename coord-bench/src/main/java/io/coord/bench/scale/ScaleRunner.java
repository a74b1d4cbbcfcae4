package io.coord.bench.scale;

import io.coord.bench.LoadShape;
import io.coord.bench.PhaseOutcome;
import io.coord.bench.phase.AsyncDriver;
import io.coord.bench.phase.Workload;
import io.coord.bench.target.ServerKind;
import io.coord.bench.target.ServerProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * The scale check on one target: start, load {@code znodes} znodes under {@code /scale/p<i mod
 * parents>/n<i>} with pipelined async creates, wait for a snapshot that covers the whole load, weigh
 * the heap, stop with SIGTERM, restart on the same data and time until the last znode is readable,
 * then count what came back.
 */
final class ScaleRunner {
    static final String ROOT = "/scale";
    private static final Duration STOP_GRACE = Duration.ofSeconds(120);

    /** What to load and how. */
    record Settings(long znodes, int parents, int valueBytes, int sessions, int inflight, int snapCount,
                    Duration snapshotTimeout, long progressIntervalMs, long stallTimeoutMs) {
    }

    private record Snapshotted(long bytes, long writtenMs, long paddingOps) {
    }

    private record Loaded(PhaseOutcome create, String lastPath, Snapshotted snapshot) {
    }

    private final Settings settings;
    private final ServerProcess.Launch launch;
    private final Path workDir;
    private final JvmProbe probe;
    private final PrintStream log;
    private volatile ServerProcess current;

    ScaleRunner(Settings settings, ServerProcess.Launch launch, Path workDir, JvmProbe probe, PrintStream log) {
        this.settings = settings;
        this.launch = launch;
        this.workDir = workDir;
        this.probe = probe;
        this.log = log;
    }

    ScaleReport run(ServerKind kind) throws IOException, InterruptedException {
        ServerProcess server = ServerProcess.start(kind, workDir, launch, settings.snapCount());
        current = server;
        Loaded loaded;
        long heapEmpty;
        long heapLoaded;
        long dataDirBytes;
        try {
            log.printf("%s started: pid %d on %s (log %s)%n", kind.label(), server.pid(), server.connectString(),
                    server.logFile());
            heapEmpty = probe.heapUsedAfterFullGc(server.pid());
            loaded = load(kind, server);
            heapLoaded = probe.heapUsedAfterFullGc(server.pid());
            dataDirBytes = directoryBytes(server.dataDir());
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        long stopStarted = System.nanoTime();
        boolean stopClean = server.stop(STOP_GRACE);
        long stopMs = millisSince(stopStarted);
        log.printf(Locale.ROOT, "%s stopped in %d ms (%s); restarting on the same data%n", kind.label(), stopMs,
                stopClean ? "clean" : "killed");
        PhaseOutcome c = loaded.create();
        long restartStarted = System.nanoTime();
        try (ServerProcess again = ServerProcess.start(kind, workDir, launch, settings.snapCount())) {
            current = again;
            long readyMs = millisSince(restartStarted);
            // ZooKeeper answers ruok while still loading; wait for srvr so the client does not churn reconnects.
            awaitServing(again, launch.readyTimeout());
            try (ZooKeeper zk = connect(again.connectString(), launch.readyTimeout())) {
                awaitReadable(zk, loaded.lastPath(), launch.readyTimeout());
                long restartMs = millisSince(restartStarted);
                long count = countUnderRoot(zk);
                long mntrCount = parseLong(SnapshotFiles.mntr(again).get("zk_znode_count"));
                long heapRestarted = probe.heapUsedAfterFullGc(again.pid());
                var p = c.latencies().percentiles();
                return new ScaleReport(kind.label(), settings.znodes(), settings.parents(), settings.valueBytes(),
                        c.errors(), c.elapsedNanos() / 1e9, c.elapsedNanos() <= 0 ? 0 : c.ops() * 1e9 / c.elapsedNanos(),
                        p.valueAtNanos(0.99) / 1e6, heapEmpty, heapLoaded, loaded.snapshot().bytes(),
                        loaded.snapshot().writtenMs(), loaded.snapshot().paddingOps(), dataDirBytes, stopMs, stopClean,
                        readyMs, restartMs, heapRestarted, count, mntrCount);
            }
        }
    }

    /** Stops whichever server is running (from a shutdown hook on Ctrl-C); idempotent. */
    void stopCurrentServer() {
        ServerProcess server = current;
        if (server != null) {
            server.close();
        }
    }

    private Loaded load(ServerKind kind, ServerProcess server) throws IOException, InterruptedException {
        LoadShape shape = new LoadShape(settings.sessions(), settings.inflight(), settings.znodes(),
                settings.valueBytes(), List.of("create"), settings.progressIntervalMs(), settings.stallTimeoutMs(),
                30_000);
        try (Workload w = Workload.open(server.connectString(), shape, ROOT.substring(1), log)) {
            AsyncDriver driver = w.driver();
            AsyncCallback.StringCallback cb = (rc, path, ctx, name) -> ((AsyncDriver.OpCallback) ctx).done(rc);
            byte[] empty = new byte[0];
            PhaseOutcome parents = driver.drive("parents", settings.parents(), (zk, i, done) -> zk.create(
                    parentPath(i), empty, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, cb, done));
            requireClean("creating the parents", parents);
            byte[] value = w.value();
            log.printf("%s: creating %d znodes under %d parents%n", kind.label(), settings.znodes(), settings.parents());
            PhaseOutcome create = driver.drive("create", settings.znodes(), (zk, i, done) -> zk.create(
                    znodePath(i), value, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, cb, done));
            requireClean("creating the znodes", create);
            String lastPath = znodePath(settings.znodes() - 1);
            Stat last;
            try {
                last = w.sessions().get(0).exists(lastPath, false);
            } catch (KeeperException e) {
                throw new IOException("cannot stat " + lastPath + ": " + e, e);
            }
            if (last == null) {
                throw new IllegalStateException(lastPath + " does not exist after the load");
            }
            Snapshotted snapshot = awaitFullSnapshot(kind, server, w, last.getCzxid());
            return new Loaded(create, lastPath, snapshot);
        }
    }

    /**
     * Issues setData on the root in batches until a snapshot whose zxid covers {@code zxid} exists
     * (snapshots trigger on txn counts, so padding txns reach the next trigger), then waits for the
     * server to report it written.
     */
    private Snapshotted awaitFullSnapshot(ServerKind kind, ServerProcess server, Workload w, long zxid)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + settings.snapshotTimeout().toNanos();
        long padLimit = 2L * settings.snapCount() + 10_000;
        int batch = (int) Math.max(100, Math.min(10_000, settings.snapCount() / 10));
        AsyncCallback.StatCallback cb = (rc, path, ctx, stat) -> ((AsyncDriver.OpCallback) ctx).done(rc);
        byte[] value = w.value();
        long padded = 0;
        SnapshotFiles.ZkSnapshotTimes before = kind == ServerKind.ZK ? SnapshotFiles.zkSnapshotTimes(server) : null;
        while (true) {
            SnapshotFiles.ZkSnapshotTimes now = kind == ServerKind.ZK ? SnapshotFiles.zkSnapshotTimes(server) : null;
            var newest = SnapshotFiles.newest(kind, server.dataDir());
            if (newest.isPresent() && Long.compareUnsigned(newest.get().zxid(), zxid) >= 0) {
                long ms = awaitWritten(kind, server, newest.get(), before, deadline);
                return new Snapshotted(Files.size(newest.get().file()), ms, padded);
            }
            before = now;
            if (System.nanoTime() > deadline) {
                log.printf("%s: no snapshot covering zxid 0x%x within %d s; snapshot figures left at -1%n",
                        kind.label(), zxid, settings.snapshotTimeout().toSeconds());
                return new Snapshotted(-1, -1, padded);
            }
            if (padded < padLimit) {
                requireClean("padding", w.driver().drive("pad", batch,
                        (zk, i, done) -> zk.setData(ROOT, value, -1, cb, done)));
                padded += batch;
            } else {
                Thread.sleep(200);
            }
        }
    }

    /** Milliseconds the server reports for writing {@code snapshot}, or -1 if it does not say. */
    private long awaitWritten(ServerKind kind, ServerProcess server, SnapshotFiles.Snapshot snapshot,
                              SnapshotFiles.ZkSnapshotTimes before, long deadline) throws IOException, InterruptedException {
        while (System.nanoTime() < deadline) {
            if (kind == ServerKind.COORD) {
                OptionalLong ms = SnapshotFiles.coordWrittenMs(server.logFile(), snapshot.zxid());
                if (ms.isPresent()) {
                    return ms.getAsLong();
                }
            } else {
                SnapshotFiles.ZkSnapshotTimes after = SnapshotFiles.zkSnapshotTimes(server);
                if (after == null || before == null) {
                    return -1;
                }
                if (after.count() > before.count()) {
                    return (after.sumMs() - before.sumMs()) / (after.count() - before.count());
                }
            }
            Thread.sleep(100);
        }
        return -1;
    }

    private static ZooKeeper connect(String connectString, Duration timeout) throws IOException, InterruptedException {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, 30_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            zk.close();
            throw new IOException("no session with the restarted server within " + timeout.toSeconds() + " s");
        }
        return zk;
    }

    private static void awaitServing(ServerProcess server, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String srvr = server.fourLetterWord("srvr");
            if (srvr != null && srvr.contains("Zxid")) {
                return;
            }
            Thread.sleep(20);
        }
    }

    /** Retries getData through connection losses until the restarted server serves the znode. */
    private static void awaitReadable(ZooKeeper zk, String path, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                zk.getData(path, false, null);
                return;
            } catch (KeeperException.ConnectionLossException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("the restarted server did not serve " + path + " in time", e);
                }
                Thread.sleep(20);
            } catch (KeeperException e) {
                throw new IOException("reading " + path + " after the restart: " + e, e);
            }
        }
    }

    private static long countUnderRoot(ZooKeeper zk) throws IOException, InterruptedException {
        try {
            return zk.getAllChildrenNumber(ROOT);
        } catch (KeeperException e) {
            throw new IOException("getAllChildrenNumber(" + ROOT + ") after the restart: " + e, e);
        }
    }

    private String parentPath(long i) {
        return ROOT + "/p" + i;
    }

    private String znodePath(long i) {
        return ROOT + "/p" + (i % settings.parents()) + "/n" + i;
    }

    private static void requireClean(String what, PhaseOutcome outcome) {
        if (outcome.errors() > 0) {
            throw new IllegalStateException(what + ": " + outcome.errors() + " errors, first " + outcome.firstError());
        }
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static long parseLong(String value) {
        try {
            return value == null ? -1 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static long directoryBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
