package io.coord.bench;

import java.util.Locale;

/**
 * What one phase measured against one target in one round. Latencies are in nanoseconds here and
 * printed in milliseconds.
 *
 * @param target   label of the target (e.g. "zk", "coord", or the connect string in run mode)
 * @param round    1-based round number (always 1 in run mode)
 * @param phase    phase name, e.g. "create"
 * @param ops      operations completed (successful or not)
 * @param errors   operations that completed with a non-OK result code or failed to issue
 * @param firstError description of the first error, or "" if none
 * @param elapsedNanos wall time from the first issue to the last completion
 */
public record PhaseResult(
        String target,
        int round,
        String phase,
        long ops,
        long errors,
        String firstError,
        long elapsedNanos,
        long p50Nanos,
        long p99Nanos,
        long p999Nanos,
        long maxNanos,
        RunShape shape) {

    /** The load shape that produced a result, echoed in JSON so lines stand alone. */
    public record RunShape(int sessions, int inflight, int valueBytes) {
    }

    public static PhaseResult of(String target, int round, String phase, PhaseOutcome outcome, RunShape shape) {
        LatencyRecorder.Percentiles p = outcome.latencies().percentiles();
        return new PhaseResult(target, round, phase, outcome.ops(), outcome.errors(), outcome.firstError(),
                outcome.elapsedNanos(), p.valueAtNanos(0.50), p.valueAtNanos(0.99), p.valueAtNanos(0.999),
                p.maxNanos(), shape);
    }

    public double seconds() {
        return elapsedNanos / 1e9;
    }

    public double opsPerSecond() {
        return elapsedNanos <= 0 ? 0 : ops * 1e9 / elapsedNanos;
    }

    public static double millis(long nanos) {
        return nanos / 1e6;
    }

    /** One JSON object on one line; field names are stable (documented in docs/BENCHMARK.md). */
    public String toJson() {
        return String.format(Locale.ROOT,
                "{\"target\":%s,\"round\":%d,\"phase\":%s,\"ops\":%d,\"errors\":%d,\"seconds\":%.3f,"
                        + "\"opsPerSec\":%.1f,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"p999Ms\":%.3f,\"maxMs\":%.3f,"
                        + "\"sessions\":%d,\"inflight\":%d,\"valueBytes\":%d,\"firstError\":%s}",
                quote(target), round, quote(phase), ops, errors, seconds(), opsPerSecond(), millis(p50Nanos),
                millis(p99Nanos), millis(p999Nanos), millis(maxNanos), shape.sessions(), shape.inflight(),
                shape.valueBytes(), quote(firstError));
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
