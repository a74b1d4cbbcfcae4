package io.coord.bench;

import io.coord.bench.phase.SessionPlacement;
import io.coord.bench.target.BenchTls;
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
import java.util.Set;

/**
 * {@code compare}: launches each target as its own standalone JVM, or with {@code --ensemble N} as an
 * N-member ensemble of JVMs (same flags, same disk), runs
 * identical rounds against them in alternation so drift on a shared machine hits both, and prints
 * per-phase medians side by side.
 */
final class CompareCommand {
    static final Set<String> VALUE_OPTIONS = Set.of("sessions", "inflight", "ops", "value-bytes", "phases",
            "rounds", "targets", "warmup-ops", "json", "work-dir", "server-jvm-opts", "ready-timeout-seconds",
            "progress-seconds", "stall-seconds", "session-timeout-ms", "watchers", "ensemble", "observers", "tick-time-ms",
            "placement", "metrics");
    static final Set<String> FLAGS = Set.of("keep-work-dir", "tls");
    private static final int MAX_ROUNDS = 100;
    private static final int MAX_ENSEMBLE = 9;
    /** Ensemble members on a shared 2-core machine keep JIT-compiling for tens of thousands of ops. */
    private static final long DEFAULT_WARMUP_OPS = 30_000;

    private CompareCommand() {
    }

    static int execute(List<String> argv, PrintStream out, PrintStream log) throws IOException, InterruptedException {
        CliArgs args = CliArgs.parse(argv, VALUE_OPTIONS, FLAGS);
        LoadShape shape = BenchMain.loadShape(args);
        int rounds = args.intValue("rounds", 3);
        if (rounds < 1 || rounds > MAX_ROUNDS) {
            throw new IllegalArgumentException("rounds must be in [1, " + MAX_ROUNDS + "]");
        }
        long warmupOps = Math.min(args.longValue("warmup-ops", Math.min(DEFAULT_WARMUP_OPS, shape.opsPerPhase())),
                LoadShape.MAX_OPS);
        List<ServerKind> kinds = args.list("targets", List.of("coord", "zk")).stream().map(ServerKind::byLabel)
                .distinct().toList();
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("--targets needs at least one of coord, zk");
        }
        int ensembleSize = args.intValue("ensemble", 1);
        if (ensembleSize < 1 || ensembleSize > MAX_ENSEMBLE) {
            throw new IllegalArgumentException("ensemble must be in [1, " + MAX_ENSEMBLE + "] (1 = standalone)");
        }
        int observers = args.intValue("observers", 0);
        if (observers < 0 || (observers > 0 && observers >= ensembleSize)) {
            throw new IllegalArgumentException("observers must be in [0, ensemble - 1]: the last members of the"
                    + " ensemble become observers, and at least one member must vote");
        }
        int tickTimeMs = args.intValue("tick-time-ms", ServerKind.DEFAULT_TICK_TIME_MS);
        // Several member JVMs share the machine: a smaller default heap each.
        List<String> jvmFlags = args.words("server-jvm-opts", ensembleSize > 1 ? "-Xmx512m" : "-Xmx1g");
        ServerProcess.Launch launch = new ServerProcess.Launch(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.class.path"), jvmFlags,
                Duration.ofSeconds(args.longValue("ready-timeout-seconds", 60)));
        SessionPlacement placement = SessionPlacement.byName(args.string("placement", "spread"));
        boolean useTls = args.flag("tls");
        if (useTls && ensembleSize > 1) {
            throw new IllegalArgumentException("--tls is for standalone servers only (members would need quorum TLS)");
        }
        MetricsMode metrics = MetricsMode.parse(args.string("metrics", "off"));
        if (metrics != MetricsMode.OFF && (ensembleSize > 1 || kinds.contains(ServerKind.ZK))) {
            throw new IllegalArgumentException("--metrics on/both is for standalone Coord targets only (--targets coord):"
                    + " ZooKeeper's Prometheus provider is not on this classpath, and ensemble members would each need a port");
        }
        String workDirOption = args.string("work-dir", null);
        Path workDir = workDirOption == null ? Files.createTempDirectory("coord-bench-")
                : Files.createDirectories(Path.of(workDirOption));
        out.printf(Locale.ROOT, "compare: targets %s, %d rounds (+ warm-up of %d ops/phase), %d sessions x %d in flight,"
                        + " %d ops/phase, %d-byte values, phases %s%n", kinds.stream().map(ServerKind::label).toList(),
                rounds, warmupOps, shape.sessions(), shape.inflight(), shape.opsPerPhase(), shape.valueBytes(),
                String.join(",", shape.phases()));
        if (ensembleSize == 1) {
            out.printf("servers: standalone JVMs with %s, data under %s%n", String.join(" ", jvmFlags), workDir);
        } else {
            out.printf(Locale.ROOT, "servers: one %d-member ensemble%s per target, each member its own JVM with %s (%d"
                            + " member JVMs + this client on one machine, hence the modest heap), tickTime %d, initLimit %d, syncLimit"
                            + " %d, fsync on; %s; data under %s%n", ensembleSize,
                    observers > 0 ? " (" + observers + " of them observers)" : "",
                    String.join(" ", jvmFlags), ensembleSize * kinds.size(), tickTimeMs, ServerKind.INIT_LIMIT_TICKS,
                    ServerKind.SYNC_LIMIT_TICKS, placement == SessionPlacement.SPREAD
                            ? "session i connects to member i mod " + ensembleSize
                            : "each session gets every member's address and picks one at random", workDir);
        }

        BenchTls tls = null;
        if (useTls) {
            tls = BenchTls.generate(workDir.resolve("tls"));
            out.printf("TLS: clients connect to secureClientPort with mutual TLS (ssl.clientAuth=need, self-signed RSA 2048"
                    + " certificate, the JDK's TLS on both sides; ZooKeeper with NettyServerCnxnFactory and"
                    + " ClientCnxnSocketNetty)%n");
        }
        if (metrics != MetricsMode.OFF) {
            out.printf("metrics: %s serves Prometheus /metrics (%s) on loopback, scraped once a second by this"
                    + " process%n", metrics == MetricsMode.BOTH ? MetricsMode.ON_LABEL : "coord", MetricsMode.PROVIDER);
        }
        Servers servers = new Servers(tls);
        MetricsMode.Scraper scraper = metrics == MetricsMode.OFF ? null : new MetricsMode.Scraper();
        Thread hook = new Thread(servers::close, "coord-bench-stop-servers");
        Runtime.getRuntime().addShutdownHook(hook);
        List<PhaseResult> results;
        try {
            for (ServerKind kind : kinds) {
                if (metrics != MetricsMode.ON) {
                    servers.start(kind, kind.label(), workDir, launch, ensembleSize, observers, tickTimeMs, log, null);
                }
                if (metrics != MetricsMode.OFF) {
                    servers.start(kind, metrics == MetricsMode.BOTH ? MetricsMode.ON_LABEL : kind.label(), workDir, launch,
                            ensembleSize, observers, tickTimeMs, log, scraper);
                }
            }
            results = runRounds(servers.started(), shape, placement, rounds, warmupOps, log, tls);
        } finally {
            if (scraper != null) {
                scraper.close();
                scraper.report(out);
            }
            servers.close();
            Runtime.getRuntime().removeShutdownHook(hook);
            if (!args.flag("keep-work-dir")) {
                WorkDirs.deleteRecursively(workDir);
            }
        }
        out.println();
        out.print(ReportTables.results(results));
        out.println();
        out.printf("Medians over %d rounds:%n", rounds);
        if (metrics == MetricsMode.BOTH) {
            out.print(ReportTables.comparison(ReportTables.summarize(results, List.of("coord", MetricsMode.ON_LABEL)),
                    "coord", MetricsMode.ON_LABEL, "off", "on"));
        } else {
            List<String> labels = kinds.stream().map(ServerKind::label).toList();
            out.print(ReportTables.comparison(ReportTables.summarize(results, labels), ServerKind.COORD.label(),
                    ServerKind.ZK.label()));
        }
        String json = args.string("json", null);
        if (json != null) {
            JsonLines.write(results, json, out);
        }
        return BenchMain.exitCode(results);
    }

    /** Warm-up once per target, then round r for every target before round r+1. */
    private static List<PhaseResult> runRounds(List<Target> servers, LoadShape shape, SessionPlacement placement,
                                               int rounds, long warmupOps, PrintStream log, BenchTls tls)
            throws IOException, InterruptedException {
        if (warmupOps > 0) {
            RoundRunner warmup = new RoundRunner(shape.withOps(warmupOps), placement, null, tls);
            for (Target server : servers) {
                log.printf("warming up %s (%d ops/phase, not reported)%n", server.label(), warmupOps);
                warmup.run(server.label(), server.connectString(), 0);
            }
        }
        RoundRunner runner = new RoundRunner(shape, placement, log, tls);
        List<PhaseResult> results = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (Target server : servers) {
                results.addAll(runner.run(server.label(), server.connectString(), round));
            }
        }
        return results;
    }

    /** A started target: one standalone server or one ensemble, and how clients reach it. */
    private record Target(ServerKind kind, String label, String connectString, AutoCloseable handle) {
    }

    /** The started targets; close() is safe from the shutdown hook and the main thread alike. */
    private static final class Servers {
        private final List<Target> started = new ArrayList<>();
        /** TLS stores for the servers' secure ports, or null. */
        private final BenchTls tls;

        Servers(BenchTls tls) {
            this.tls = tls;
        }

        /** {@code scraper}: non-null to serve Prometheus (standalone only) and have it scraped. */
        void start(ServerKind kind, String label, Path workDir, ServerProcess.Launch launch, int ensembleSize,
                   int observers, int tickTimeMs, PrintStream log, MetricsMode.Scraper scraper)
                throws IOException, InterruptedException {
            long begin = System.nanoTime();
            Target target;
            String where;
            if (ensembleSize == 1) {
                int metricsPort = scraper == null ? 0 : ServerProcess.freePort();
                ServerProcess server = ServerProcess.start(kind, label, workDir, launch, 0, tls,
                        scraper == null ? "" : MetricsMode.configLines(metricsPort));
                target = new Target(kind, label, server.connectString(), server);
                where = "pid " + server.pid() + " on " + server.connectString()
                        + (scraper == null ? "" : ", /metrics on 127.0.0.1:" + metricsPort);
                if (scraper != null) {
                    scraper.add(metricsPort);
                }
            } else {
                Ensemble ensemble = Ensemble.start(kind, workDir, launch, ensembleSize, observers, tickTimeMs);
                target = new Target(kind, label, ensemble.connectString(), ensemble);
                where = ensembleSize + " members (modes " + ensemble.modes() + ") on " + ensemble.connectString();
            }
            synchronized (this) {
                started.add(target);
            }
            log.printf(Locale.ROOT, "%s started: %s, ready in %.1f s%n", label, where,
                    (System.nanoTime() - begin) / 1e9);
        }

        synchronized List<Target> started() {
            return List.copyOf(started);
        }

        synchronized void close() {
            for (Target target : started) {
                try {
                    target.handle().close();
                } catch (Exception e) {
                    // ServerProcess and Ensemble close without throwing; nothing else to do on the way out.
                }
            }
        }
    }
}
