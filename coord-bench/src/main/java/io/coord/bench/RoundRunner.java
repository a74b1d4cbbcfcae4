package io.coord.bench;

import io.coord.bench.phase.BenchPhase;
import io.coord.bench.phase.Phases;
import io.coord.bench.phase.SessionPlacement;
import io.coord.bench.phase.Workload;
import io.coord.bench.target.BenchTls;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Runs the configured phases once against one target: connect, phases in order, clean up, disconnect. */
public final class RoundRunner {
    private final LoadShape shape;
    private final PrintStream log;
    private final SessionPlacement placement;
    /** TLS for the phase sessions, or null. */
    private final BenchTls tls;

    /** @param log where progress and per-phase status lines go (stderr in the CLI), or null for silence */
    public RoundRunner(LoadShape shape, PrintStream log) {
        this(shape, SessionPlacement.SPREAD, log);
    }

    /** As {@link #RoundRunner(LoadShape, PrintStream)}, with sessions placed on the hosts as told. */
    public RoundRunner(LoadShape shape, SessionPlacement placement, PrintStream log) {
        this(shape, placement, log, null);
    }

    /**
     * As {@link #RoundRunner(LoadShape, SessionPlacement, PrintStream)}, the phase sessions over TLS when
     * {@code tls} is given (phases that open their own clients, such as Curator's lock, are refused then).
     */
    public RoundRunner(LoadShape shape, SessionPlacement placement, PrintStream log, BenchTls tls) {
        if (tls != null && shape.phases().contains("lock")) {
            throw new IllegalArgumentException("--tls does not cover the lock phase (its Curator clients are plaintext)");
        }
        this.shape = shape;
        this.placement = placement;
        this.log = log;
        this.tls = tls;
    }

    public List<PhaseResult> run(String targetLabel, String connectString, int round)
            throws IOException, InterruptedException {
        List<BenchPhase> phases = Phases.create(shape.phases());
        String rootName = String.format(Locale.ROOT, "coord-bench-%d-%d-r%d", ProcessHandle.current().pid(),
                System.currentTimeMillis(), round);
        List<PhaseResult> results = new ArrayList<>();
        try (Workload workload = Workload.open(connectString, placement, shape, rootName, log, tls)) {
            for (BenchPhase phase : phases) {
                PhaseResult result = PhaseResult.of(targetLabel, round, phase.name(), phase.run(workload),
                        shape.runShape());
                results.add(result);
                if (log != null) {
                    log.printf(Locale.ROOT, "  %s round %d %-12s %9.0f ops/s  p99 %.2f ms  errors %d%n", targetLabel,
                            round, phase.name(), result.opsPerSecond(), PhaseResult.millis(result.p99Nanos()),
                            result.errors());
                }
            }
            workload.removeAll();
        }
        return results;
    }
}
