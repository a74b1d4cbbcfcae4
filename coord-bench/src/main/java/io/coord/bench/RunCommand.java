package io.coord.bench;

import io.coord.bench.phase.SessionPlacement;
import io.coord.bench.target.BenchTls;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code run}: drives one already-running target given by {@code --connect}. */
final class RunCommand {
    static final Set<String> VALUE_OPTIONS = Set.of("connect", "sessions", "inflight", "ops", "value-bytes",
            "phases", "json", "label", "progress-seconds", "stall-seconds", "session-timeout-ms", "watchers",
            "placement", "truststore", "keystore", "store-password");

    private RunCommand() {
    }

    /** @return the process exit code: 0 all ops succeeded, 3 some ops failed */
    static int execute(List<String> argv, PrintStream out, PrintStream log) throws IOException, InterruptedException {
        CliArgs args = CliArgs.parse(argv, VALUE_OPTIONS, Set.of("tls"));
        String connect = args.required("connect");
        LoadShape shape = BenchMain.loadShape(args);
        String label = args.string("label", connect);
        SessionPlacement placement = SessionPlacement.byName(args.string("placement", "spread"));
        out.printf("run: target %s, %d sessions x %d in flight (placement %s), %d ops/phase, %d-byte values, "
                + "phases %s%n", connect, shape.sessions(), shape.inflight(), placement.name().toLowerCase(Locale.ROOT),
                shape.opsPerPhase(), shape.valueBytes(), String.join(",", shape.phases()));
        BenchTls tls = null;
        if (args.flag("tls")) {
            String keyStore = args.string("keystore", null);
            tls = new BenchTls(keyStore == null ? null : Path.of(keyStore), Path.of(args.required("truststore")),
                    args.string("store-password", ""));
        }
        List<PhaseResult> results = new RoundRunner(shape, placement, log, tls).run(label, connect, 1);
        out.println();
        out.print(ReportTables.results(results));
        JsonLines.write(results, args.string("json", null), out);
        return BenchMain.exitCode(results);
    }
}
