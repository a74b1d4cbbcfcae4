package io.coord.bench.scale;

import io.coord.bench.WorkDirs;
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
 * {@code scale}: for each target in turn, the 1M-znode check of {@link ScaleRunner}; prints a
 * metric-per-row table and one JSON line per target. Options arrive already parsed (see BenchMain).
 */
public final class ScaleCommand {
    public static final long MAX_ZNODES = 20_000_000L;

    /** Parsed options of the scale command. */
    public record Options(List<ServerKind> targets, long znodes, int parents, int valueBytes, int sessions,
                          int inflight, int snapCount, List<String> serverJvmFlags, Path workDir, boolean keepWorkDir,
                          Duration readyTimeout, Duration snapshotTimeout, long progressIntervalMs,
                          long stallTimeoutMs, String jsonFile) {
        public Options {
            targets = List.copyOf(targets);
            serverJvmFlags = List.copyOf(serverJvmFlags);
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("--target needs coord, zk or both");
            }
            if (znodes < 1 || znodes > MAX_ZNODES) {
                throw new IllegalArgumentException("znodes must be in [1, " + MAX_ZNODES + "]");
            }
            if (parents < 1 || parents > 1_000_000) {
                throw new IllegalArgumentException("parents must be in [1, 1000000]");
            }
            if (snapCount < 2) {
                throw new IllegalArgumentException("snap-count must be at least 2");
            }
        }

        /** snapCount below the znode count so snapshots happen during the load, as the brief of the check asks. */
        public static int defaultSnapCount(long znodes) {
            return (int) Math.max(100, Math.min(100_000, znodes / 2));
        }
    }

    private ScaleCommand() {
    }

    /** @return 0 when every target came back with the right count, 3 otherwise */
    public static int execute(Options options, PrintStream out, PrintStream log) throws IOException, InterruptedException {
        ServerProcess.Launch launch = new ServerProcess.Launch(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.class.path"), options.serverJvmFlags(), options.readyTimeout());
        Path workDir = options.workDir() == null ? Files.createTempDirectory("coord-bench-scale-")
                : Files.createDirectories(options.workDir());
        out.printf(Locale.ROOT, "scale: targets %s, %d znodes under %d parents, %d-byte values, %d sessions x %d in"
                        + " flight, snapCount %d%n", options.targets().stream().map(ServerKind::label).toList(),
                options.znodes(), options.parents(), options.valueBytes(), options.sessions(), options.inflight(),
                options.snapCount());
        out.printf("servers: standalone JVMs with %s, data under %s%n", String.join(" ", options.serverJvmFlags()),
                workDir);
        ScaleRunner runner = new ScaleRunner(new ScaleRunner.Settings(options.znodes(), options.parents(),
                options.valueBytes(), options.sessions(), options.inflight(), options.snapCount(),
                options.snapshotTimeout(), options.progressIntervalMs(), options.stallTimeoutMs()),
                launch, workDir, new JvmProbe(), log);
        List<ScaleReport> reports = new ArrayList<>();
        Thread hook = new Thread(runner::stopCurrentServer, "coord-bench-scale-stop-server");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            for (ServerKind kind : options.targets()) {
                reports.add(runner.run(kind));
            }
        } finally {
            runner.stopCurrentServer();
            Runtime.getRuntime().removeShutdownHook(hook);
            if (!options.keepWorkDir()) {
                WorkDirs.deleteRecursively(workDir);
            }
        }
        out.println();
        out.print(ScaleReport.table(reports));
        StringBuilder json = new StringBuilder();
        reports.forEach(r -> json.append(r.toJson()).append('\n'));
        if (options.jsonFile() == null || options.jsonFile().equals("-")) {
            out.println();
            out.print(json);
        } else {
            Files.writeString(Path.of(options.jsonFile()), json, StandardCharsets.UTF_8);
            out.println("JSON lines written to " + options.jsonFile());
        }
        boolean allOk = reports.stream().allMatch(r -> r.countOk() && r.createErrors() == 0);
        return allOk ? 0 : 3;
    }
}
