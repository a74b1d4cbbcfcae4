package io.coord.bench;

import io.coord.bench.expiry.ExpiryCommand;
import io.coord.bench.failover.ClientKind;
import io.coord.bench.failover.FailoverCommand;
import io.coord.bench.phase.Phases;
import io.coord.bench.scale.EnsembleHeapCommand;
import io.coord.bench.scale.ScaleCommand;
import io.coord.bench.target.ServerKind;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Benchmark entry point: {@code run} drives one running target, {@code compare} launches Coord
 * and Apache ZooKeeper and drives both, {@code scale} loads one server with many znodes and restarts it,
 * {@code heap} weighs every member of an ensemble loaded with many znodes (leader against followers),
 * {@code failover} kills the leader of an ensemble under a write load and times the first write after,
 * {@code expiry} kills client processes and times how long their ephemeral nodes outlive them.
 * See docs/BENCHMARK.md.
 */
public final class BenchMain {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_OP_ERRORS = 3;

    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(execute(Arrays.asList(args), System.out, System.err));
    }

    /** Runs a command; returns the exit code instead of exiting so tests can call it. */
    public static int execute(List<String> args, PrintStream out, PrintStream log) {
        if (args.isEmpty() || args.get(0).equals("help") || args.get(0).equals("--help")) {
            out.print(usage());
            return args.isEmpty() ? EXIT_USAGE : EXIT_OK;
        }
        List<String> rest = args.subList(1, args.size());
        try {
            return switch (args.get(0)) {
                case "run" -> RunCommand.execute(rest, out, log);
                case "compare" -> CompareCommand.execute(rest, out, log);
                case "scale" -> ScaleCommand.execute(scaleOptions(rest), out, log);
                case "heap" -> EnsembleHeapCommand.execute(heapOptions(rest), out, log);
                case "failover" -> FailoverCommand.execute(failoverOptions(rest), out, log);
                case "expiry" -> ExpiryCommand.execute(expiryOptions(rest), out, log);
                case "faults" -> io.coord.bench.faults.FaultsMain.execute(rest, out, log);
                default -> throw new IllegalArgumentException("unknown mode '" + args.get(0) + "'");
            };
        } catch (IllegalArgumentException e) {
            log.println("coord-bench: " + e.getMessage());
            log.print(usage());
            return EXIT_USAGE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.println("coord-bench: interrupted");
            return EXIT_FAILED;
        } catch (Exception e) {
            log.println("coord-bench: failed: " + e.getMessage());
            e.printStackTrace(log);
            return EXIT_FAILED;
        }
    }

    /** The load options shared by run and compare. */
    static LoadShape loadShape(CliArgs args) {
        List<String> phases = args.list("phases", Phases.DEFAULT);
        Phases.create(phases); // rejects unknown names before anything starts
        return new LoadShape(args.intValue("sessions", 4), args.intValue("inflight", 32),
                args.longValue("ops", 20_000), args.intValue("value-bytes", 100), phases,
                args.longValue("progress-seconds", 5) * 1000, args.longValue("stall-seconds", 60) * 1000,
                args.intValue("session-timeout-ms", 30_000), args.intValue("watchers", LoadShape.DEFAULT_WATCHERS));
    }

    static final Set<String> SCALE_OPTIONS = Set.of("znodes", "parents", "value-bytes", "target", "sessions",
            "inflight", "snap-count", "server-jvm-opts", "work-dir", "ready-timeout-seconds",
            "snapshot-timeout-seconds", "progress-seconds", "stall-seconds", "json");

    static ScaleCommand.Options scaleOptions(List<String> argv) {
        CliArgs args = CliArgs.parse(argv, SCALE_OPTIONS, Set.of("keep-work-dir"));
        long znodes = args.longValue("znodes", 1_000_000);
        int valueBytes = args.intValue("value-bytes", 100);
        int sessions = args.intValue("sessions", 4);
        int inflight = args.intValue("inflight", 128);
        // The same bounds as run/compare.
        new LoadShape(sessions, inflight, Math.max(1, Math.min(znodes, LoadShape.MAX_OPS)), valueBytes,
                List.of("create"), 1000, 1000, 30_000);
        String workDir = args.string("work-dir", null);
        return new ScaleCommand.Options(
                args.list("target", List.of("coord")).stream().map(ServerKind::byLabel).distinct().toList(),
                znodes, args.intValue("parents", 1000), valueBytes, sessions, inflight,
                args.intValue("snap-count", ScaleCommand.Options.defaultSnapCount(znodes)),
                args.words("server-jvm-opts", "-Xmx2g"), workDir == null ? null : Path.of(workDir),
                args.flag("keep-work-dir"), Duration.ofSeconds(args.longValue("ready-timeout-seconds", 300)),
                Duration.ofSeconds(args.longValue("snapshot-timeout-seconds", 300)),
                args.longValue("progress-seconds", 5) * 1000, args.longValue("stall-seconds", 60) * 1000,
                args.string("json", null));
    }

    static final Set<String> HEAP_OPTIONS = Set.of("target", "ensemble", "znodes", "parents", "value-bytes",
            "sessions", "inflight", "server-jvm-opts", "work-dir", "ready-timeout-seconds", "histogram");

    static EnsembleHeapCommand.Options heapOptions(List<String> argv) {
        CliArgs args = CliArgs.parse(argv, HEAP_OPTIONS, Set.of("keep-work-dir"));
        String workDir = args.string("work-dir", null);
        return new EnsembleHeapCommand.Options(
                args.list("target", List.of("coord")).stream().map(ServerKind::byLabel).distinct().toList(),
                args.intValue("ensemble", 3), args.longValue("znodes", 1_000_000), args.intValue("parents", 1000),
                args.intValue("value-bytes", 100), args.intValue("sessions", 4), args.intValue("inflight", 128),
                args.words("server-jvm-opts", "-Xmx2g"), workDir == null ? null : Path.of(workDir),
                args.flag("keep-work-dir"), Duration.ofSeconds(args.longValue("ready-timeout-seconds", 300)),
                args.intValue("histogram", 0));
    }

    static final Set<String> FAILOVER_OPTIONS = Set.of("target", "client", "runs", "ensemble", "writers",
            "tick-time-ms", "session-timeout-ms", "server-jvm-opts", "work-dir", "ready-timeout-seconds",
            "write-timeout-seconds", "json");

    static FailoverCommand.Options failoverOptions(List<String> argv) {
        CliArgs args = CliArgs.parse(argv, FAILOVER_OPTIONS, Set.of("keep-work-dir"));
        String workDir = args.string("work-dir", null);
        return new FailoverCommand.Options(
                args.list("target", List.of("coord", "zk")).stream().map(ServerKind::byLabel).distinct().toList(),
                args.list("client", List.of("stock")).stream().map(ClientKind::byLabel).distinct().toList(),
                args.intValue("runs", 5), args.intValue("ensemble", 3), args.intValue("writers", 2),
                args.intValue("tick-time-ms", ServerKind.DEFAULT_TICK_TIME_MS),
                args.intValue("session-timeout-ms", 30_000), args.words("server-jvm-opts", "-Xmx512m"),
                workDir == null ? null : Path.of(workDir), args.flag("keep-work-dir"),
                Duration.ofSeconds(args.longValue("ready-timeout-seconds", 120)),
                Duration.ofSeconds(args.longValue("write-timeout-seconds", 60)), args.string("json", null));
    }

    static final Set<String> EXPIRY_OPTIONS = Set.of("target", "ensemble", "samples", "session-timeout-ms",
            "tick-time-ms", "server-jvm-opts", "work-dir", "ready-timeout-seconds");

    static ExpiryCommand.Options expiryOptions(List<String> argv) {
        CliArgs args = CliArgs.parse(argv, EXPIRY_OPTIONS, Set.of("keep-work-dir"));
        String workDir = args.string("work-dir", null);
        int tickTimeMs = args.intValue("tick-time-ms", ServerKind.DEFAULT_TICK_TIME_MS);
        int ensemble = args.intValue("ensemble", 1);
        if (ensemble == 1 && tickTimeMs != ServerKind.DEFAULT_TICK_TIME_MS) {
            throw new IllegalArgumentException("a standalone server runs with tickTime "
                    + ServerKind.DEFAULT_TICK_TIME_MS + "; --tick-time-ms is for ensembles");
        }
        return new ExpiryCommand.Options(
                args.list("target", List.of("coord")).stream().map(ServerKind::byLabel).distinct().toList(),
                ensemble, args.intValue("samples", 20), args.intValue("session-timeout-ms", 6000), tickTimeMs,
                args.words("server-jvm-opts", "-Xmx512m"), workDir == null ? null : Path.of(workDir),
                args.flag("keep-work-dir"), Duration.ofSeconds(args.longValue("ready-timeout-seconds", 120)));
    }

    static int exitCode(List<PhaseResult> results) {
        return results.stream().anyMatch(r -> r.errors() > 0) ? EXIT_OP_ERRORS : EXIT_OK;
    }

    static String usage() {
        return """
                usage:
                  coord-bench run --connect HOST:PORT[,...] [--sessions N] [--inflight M] [--ops K]
                                  [--value-bytes B] [--phases LIST] [--json FILE] [--label NAME]
                                  [--tls --truststore FILE [--keystore FILE] [--store-password PW]]
                  coord-bench compare [--targets coord,zk] [--rounds R] [--warmup-ops W]
                                  [--sessions N] [--inflight M] [--ops K] [--value-bytes B] [--phases LIST]
                                  [--json FILE] [--server-jvm-opts "-Xmx1g"] [--work-dir DIR] [--keep-work-dir]
                                  [--watchers K] (watch-fanout: watches per round; rounds = ceil(ops / K))
                                  [--ensemble N] (1 = standalone; N > 1: N-member ensembles, -Xmx512m per member)
                                  [--observers K] (the last K of the N members are observers)
                                  [--tls] (standalone: clients on secureClientPort, mutual TLS, generated certificates)
                                  [--metrics off|on|both] (standalone Coord: serve Prometheus /metrics, scraped 1/s;
                                   both: one Coord server without and one with, compared side by side)
                  coord-bench scale [--target coord|zk|coord,zk] [--znodes 1000000] [--parents 1000]
                                  [--value-bytes 100] [--sessions 4] [--inflight 128] [--snap-count N]
                                  [--server-jvm-opts "-Xmx2g"] [--work-dir DIR] [--keep-work-dir] [--json FILE]
                  coord-bench heap [--target coord|zk|coord,zk] [--ensemble 3] [--znodes 1000000]
                                  [--parents 1000] [--value-bytes 100] [--server-jvm-opts "-Xmx2g"]
                                  [--histogram N] (also the top N lines of each member's class histogram)
                                  (every member's heap after a full GC, empty and loaded: leader vs followers)
                  coord-bench failover [--target coord|zk|coord,zk] [--runs 5] [--client stock|coord|stock,coord]
                                  [--ensemble 3] [--writers 2] [--server-jvm-opts "-Xmx512m"] [--work-dir DIR]
                                  [--keep-work-dir] [--json FILE] [--write-timeout-seconds 60]
                  coord-bench expiry [--target coord|zk|coord,zk] [--ensemble 1|3..9] [--samples 20]
                                  [--session-timeout-ms 6000] [--tick-time-ms 2000 (ensembles)]
                                  [--server-jvm-opts "-Xmx512m"] [--work-dir DIR] [--keep-work-dir]
                                  (kill -9 of a client JVM -> its ephemeral's NodeDeleted at another client)
                  coord-bench faults ...   the fault suite, as bin/coord-faults (see: coord-bench faults --help)
                defaults: 4 sessions x 32 in flight, 20000 ops/phase, 100-byte values, 3 rounds,
                          warm-up min(30000, ops) ops/phase, phases create,set,get,delete,mixed
                also: --progress-seconds 5, --stall-seconds 60, --session-timeout-ms 30000,
                      --ready-timeout-seconds 60 (compare), --placement spread|random (run, compare:
                      session i to host i mod N of the connect string, or each session at random)
                phases:
                """ + Phases.describeAll()
                + "exit codes: 0 ok, 1 failed, 2 usage, 3 some ops returned errors (scale: or a wrong count)\n";
    }
}
