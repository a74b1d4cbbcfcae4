package io.coord.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Plain-text tables for the console. */
public final class ReportTables {
    private ReportTables() {
    }

    /** One row per result: throughput and latency percentiles in ms. */
    public static String results(List<PhaseResult> results) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-22s %5s %-12s %9s %7s %8s %11s %9s %9s %9s %9s%n",
                "target", "round", "phase", "ops", "errors", "seconds", "ops/s", "p50 ms", "p99 ms", "p99.9 ms",
                "max ms"));
        for (PhaseResult r : results) {
            out.append(String.format(Locale.ROOT, "%-22s %5d %-12s %9d %7d %8.2f %11.0f %9.2f %9.2f %9.2f %9.2f%n",
                    r.target(), r.round(), r.phase(), r.ops(), r.errors(), r.seconds(), r.opsPerSecond(),
                    PhaseResult.millis(r.p50Nanos()), PhaseResult.millis(r.p99Nanos()),
                    PhaseResult.millis(r.p999Nanos()), PhaseResult.millis(r.maxNanos())));
        }
        return out.toString();
    }

    /** Median across rounds of one target's results for one phase. */
    public record PhaseSummary(String phase, String target, int rounds, double medianOpsPerSec, double medianP99Ms,
                               long errors) {
    }

    public static List<PhaseSummary> summarize(List<PhaseResult> results, List<String> targets) {
        Set<String> phases = new LinkedHashSet<>();
        results.forEach(r -> phases.add(r.phase()));
        List<PhaseSummary> summaries = new ArrayList<>();
        for (String phase : phases) {
            for (String target : targets) {
                List<PhaseResult> rows = results.stream()
                        .filter(r -> r.phase().equals(phase) && r.target().equals(target)).toList();
                if (rows.isEmpty()) {
                    continue;
                }
                summaries.add(new PhaseSummary(phase, target, rows.size(),
                        median(rows.stream().mapToDouble(PhaseResult::opsPerSecond).toArray()),
                        median(rows.stream().mapToDouble(r -> PhaseResult.millis(r.p99Nanos())).toArray()),
                        rows.stream().mapToLong(PhaseResult::errors).sum()));
            }
        }
        return summaries;
    }

    /** The compare table: medians per phase for Coord and ZooKeeper side by side ("-" where a target did not run). */
    public static String comparison(List<PhaseSummary> summaries, String coordLabel, String zkLabel) {
        return comparison(summaries, coordLabel, zkLabel, "Coord", "ZK");
    }

    /** As {@link #comparison(List, String, String)}, the two columns headed {@code nameA} and {@code nameB}. */
    public static String comparison(List<PhaseSummary> summaries, String coordLabel, String zkLabel, String nameA,
                                    String nameB) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-12s %12s %12s %9s %13s %11s %8s%n", "phase", nameA + " ops/s",
                nameB + " ops/s", nameA + "/" + nameB, nameA + " p99 ms", nameB + " p99 ms", "errors"));
        Set<String> phases = new LinkedHashSet<>();
        summaries.forEach(s -> phases.add(s.phase()));
        for (String phase : phases) {
            PhaseSummary coord = find(summaries, phase, coordLabel);
            PhaseSummary zk = find(summaries, phase, zkLabel);
            String ratio = coord != null && zk != null && zk.medianOpsPerSec() > 0
                    ? String.format(Locale.ROOT, "%.2f", coord.medianOpsPerSec() / zk.medianOpsPerSec()) : "-";
            long errors = (coord == null ? 0 : coord.errors()) + (zk == null ? 0 : zk.errors());
            out.append(String.format(Locale.ROOT, "%-12s %12s %12s %9s %13s %11s %8d%n", phase,
                    coord == null ? "-" : fmt("%.0f", coord.medianOpsPerSec()),
                    zk == null ? "-" : fmt("%.0f", zk.medianOpsPerSec()), ratio,
                    coord == null ? "-" : fmt("%.2f", coord.medianP99Ms()),
                    zk == null ? "-" : fmt("%.2f", zk.medianP99Ms()), errors));
        }
        return out.toString();
    }

    private static PhaseSummary find(List<PhaseSummary> summaries, String phase, String target) {
        return summaries.stream().filter(s -> s.phase().equals(phase) && s.target().equals(target)).findFirst()
                .orElse(null);
    }

    private static String fmt(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return 0;
        }
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
