package io.coord.bench;

import io.coord.bench.phase.Phases;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * Benchmark entry point: {@code run} drives one running target, {@code compare} launches Coord
 * and Apache ZooKeeper and drives both. See docs/BENCHMARK.md.
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
                args.intValue("session-timeout-ms", 30_000));
    }

    static int exitCode(List<PhaseResult> results) {
        return results.stream().anyMatch(r -> r.errors() > 0) ? EXIT_OP_ERRORS : EXIT_OK;
    }

    static String usage() {
        return """
                usage:
                  coord-bench run --connect HOST:PORT[,...] [--sessions N] [--inflight M] [--ops K]
                                  [--value-bytes B] [--phases LIST] [--json FILE] [--label NAME]
                  coord-bench compare [--targets coord,zk] [--rounds R] [--warmup-ops W]
                                  [--sessions N] [--inflight M] [--ops K] [--value-bytes B] [--phases LIST]
                                  [--json FILE] [--server-jvm-opts "-Xmx1g"] [--work-dir DIR] [--keep-work-dir]
                defaults: 4 sessions x 32 in flight, 20000 ops/phase, 100-byte values, 3 rounds,
                          warm-up min(5000, ops) ops/phase, phases create,set,get,delete,mixed
                also: --progress-seconds 5, --stall-seconds 60, --session-timeout-ms 30000,
                      --ready-timeout-seconds 60 (compare)
                phases:
                """ + Phases.describeAll()
                + "exit codes: 0 ok, 1 failed, 2 usage, 3 some ops returned errors\n";
    }
}
