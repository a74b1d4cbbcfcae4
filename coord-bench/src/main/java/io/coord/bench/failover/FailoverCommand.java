package io.coord.bench.failover;

import io.coord.bench.WorkDirs;
import io.coord.bench.target.Ensemble;
import io.coord.bench.target.ServerKind;
import io.coord.bench.target.ServerProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code failover}: per target, a fresh ensemble under a light write load; each run kills the leader
 * with SIGKILL and measures the time to the first write acknowledged after the kill, then restarts the
 * killed member and waits until the ensemble serves again. Options arrive parsed (see BenchMain).
 */
public final class FailoverCommand {
    /** Writes that must be acknowledged before a kill, so the load is known to flow. */
    private static final long ACKS_BEFORE_KILL = 20;

    /** Parsed options of the failover command. */
    public record Options(List<ServerKind> targets, List<ClientKind> clients, int runs, int ensembleSize,
                          int writers, int tickTimeMs, int sessionTimeoutMs, List<String> serverJvmFlags,
                          Path workDir, boolean keepWorkDir, Duration readyTimeout, Duration writeTimeout,
                          String jsonFile) {
        public Options {
            targets = List.copyOf(targets);
            clients = List.copyOf(clients);
            serverJvmFlags = List.copyOf(serverJvmFlags);
            if (targets.isEmpty() || clients.isEmpty()) {
                throw new IllegalArgumentException("--target and --client need at least one value each");
            }
            if (runs < 1 || runs > 100) {
                throw new IllegalArgumentException("runs must be in [1, 100]");
            }
            if (ensembleSize < 3 || ensembleSize > 9) {
                throw new IllegalArgumentException("ensemble must be in [3, 9] (a leader kill needs a quorum left)");
            }
            if (writers < 1 || writers > 64) {
                throw new IllegalArgumentException("writers must be in [1, 64]");
            }
            if (tickTimeMs < 50) {
                throw new IllegalArgumentException("tick-time-ms must be at least 50");
            }
        }
    }

    private final Options options;
    private final ServerProcess.Launch launch;
    private final PrintStream log;
    private volatile Ensemble current;

    private FailoverCommand(Options options, ServerProcess.Launch launch, PrintStream log) {
        this.options = options;
        this.launch = launch;
        this.log = log;
    }

    /** @return 0 when every run saw a write acknowledged after the kill, 3 otherwise */
    public static int execute(Options options, PrintStream out, PrintStream log) throws Exception {
        ServerProcess.Launch launch = new ServerProcess.Launch(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.class.path"), options.serverJvmFlags(), options.readyTimeout());
        Path workDir = options.workDir() == null ? Files.createTempDirectory("coord-bench-failover-")
                : Files.createDirectories(options.workDir());
        printHeader(options, workDir, out);
        FailoverCommand command = new FailoverCommand(options, launch, log);
        Thread hook = new Thread(command::stopCurrent, "coord-bench-failover-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        List<FailoverRun> runs = new ArrayList<>();
        try {
            for (ServerKind kind : options.targets()) {
                runs.addAll(command.runTarget(kind, workDir));
            }
        } finally {
            command.stopCurrent();
            Runtime.getRuntime().removeShutdownHook(hook);
            if (!options.keepWorkDir()) {
                WorkDirs.deleteRecursively(workDir);
            }
        }
        out.println();
        out.print(FailoverRun.table(runs));
        out.println();
        out.print(FailoverRun.summary(runs, options.targets(), options.clients()));
        writeJson(runs, options.jsonFile(), out);
        return runs.stream().allMatch(r -> r.failoverMs() >= 0) ? 0 : 3;
    }

    private static void printHeader(Options o, Path workDir, PrintStream out) {
        out.printf(Locale.ROOT, "failover: targets %s, clients %s, %d runs each; %d-member ensembles, each member its"
                        + " own JVM with %s; tickTime %d, initLimit %d, syncLimit %d, fsync on; data under %s%n",
                o.targets().stream().map(ServerKind::label).toList(), o.clients().stream().map(ClientKind::label).toList(),
                o.runs(), o.ensembleSize(), String.join(" ", o.serverJvmFlags()), o.tickTimeMs(),
                ServerKind.INIT_LIMIT_TICKS, ServerKind.SYNC_LIMIT_TICKS, workDir);
        out.printf(Locale.ROOT, "load: %d sessions, each a blocking setData loop on its own node, connect string of all"
                + " members; a run kills the leader (srvr Mode: leader) with SIGKILL and measures kill -> first write"
                + " acknowledged that started after the kill (any session)%n", o.writers());
        out.println("clients: stock = Apache ZooKeeper 3.9.5 client, sleeps a random 0-1 s before each reconnect"
                + " attempt; coord = io.coord.client.CoordClient, reconnects to the next host at once (no retries"
                + " of failed writes in either: the load loop retries after 5 ms)");
    }

    /** A fresh ensemble for this target; every client kind's runs against it; then it is stopped. */
    private List<FailoverRun> runTarget(ServerKind kind, Path workDir) throws Exception {
        long begin = System.nanoTime();
        Ensemble ensemble = Ensemble.start(kind, workDir, launch, options.ensembleSize(), options.tickTimeMs());
        current = ensemble;
        List<FailoverRun> runs = new ArrayList<>();
        try {
            log.printf(Locale.ROOT, "%s ensemble serving in %.1f s (modes %s) on %s%n", kind.label(),
                    (System.nanoTime() - begin) / 1e9, ensemble.modes(), ensemble.connectString());
            for (ClientKind client : options.clients()) {
                String root = String.format(Locale.ROOT, "/coord-bench-failover-%d-%s", ProcessHandle.current().pid(),
                        client.label());
                try (WriteLoad load = WriteLoad.start(client, ensemble.connectString(), options.writers(),
                        options.sessionTimeoutMs(), root, options.readyTimeout().toMillis())) {
                    for (int run = 1; run <= options.runs(); run++) {
                        FailoverRun result = runOnce(ensemble, load, client, run);
                        log.println("  " + result.logLine());
                        runs.add(result);
                    }
                }
            }
        } finally {
            current = null;
            ensemble.close();
        }
        return runs;
    }

    private FailoverRun runOnce(Ensemble ensemble, WriteLoad load, ClientKind client, int run) throws Exception {
        int leader = ensemble.awaitServing(options.readyTimeout());
        if (!load.awaitAcks(ACKS_BEFORE_KILL, options.writeTimeout())) {
            throw new IOException(ensemble.kind().label() + "/" + client.label() + " run " + run + ": fewer than "
                    + ACKS_BEFORE_KILL + " writes acknowledged within " + options.writeTimeout().toSeconds()
                    + " s before the kill");
        }
        long failuresBefore = load.failures();
        long killNanos = ensemble.kill(leader);
        load.armKill(killNanos);
        long ackNanos = load.awaitFirstAckAfterKill(options.writeTimeout());
        double failoverMs = ackNanos < 0 ? -1 : (ackNanos - killNanos) / 1e6;
        load.disarm();
        int newLeader = ensemble.leaderId();
        long failedWrites = load.failures() - failuresBefore;
        ensemble.restart(leader);
        long restartNanos = System.nanoTime();
        ensemble.awaitServing(options.readyTimeout());
        double rejoinSeconds = (System.nanoTime() - restartNanos) / 1e9;
        String modeAfter = ensemble.member(leader).mode();
        return new FailoverRun(ensemble.kind().label(), client.label(), run, leader, newLeader, failoverMs,
                failedWrites, rejoinSeconds, modeAfter == null ? "?" : modeAfter);
    }

    private void stopCurrent() {
        Ensemble ensemble = current;
        if (ensemble != null) {
            ensemble.close();
        }
    }

    private static void writeJson(List<FailoverRun> runs, String jsonFile, PrintStream out) throws IOException {
        if (jsonFile == null) {
            return;
        }
        StringBuilder json = new StringBuilder();
        runs.forEach(r -> json.append(r.toJson()).append('\n'));
        if (jsonFile.equals("-")) {
            out.println();
            out.print(json);
        } else {
            Files.writeString(Path.of(jsonFile), json, StandardCharsets.UTF_8);
            out.println("JSON lines written to " + jsonFile);
        }
    }
}
