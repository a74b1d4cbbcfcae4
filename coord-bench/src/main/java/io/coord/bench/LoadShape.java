package io.coord.bench;

import java.util.List;

/**
 * How hard and how long to drive a target: the same for every target in a comparison.
 *
 * @param sessions      client sessions (one stock ZooKeeper client each)
 * @param inflight      async requests outstanding per session
 * @param opsPerPhase   measured ops in each phase
 * @param valueBytes    znode data size for create and setData
 * @param phases        phase names in order, see {@code io.coord.bench.phase.Phases}
 * @param progressIntervalMs how often a long phase prints a progress line (stderr)
 * @param stallTimeoutMs a phase with no completion for this long fails
 * @param sessionTimeoutMs requested ZooKeeper session timeout
 * @param watchers      watches set per round by the watch-fanout phase, spread over the sessions
 */
public record LoadShape(int sessions, int inflight, long opsPerPhase, int valueBytes, List<String> phases,
                        long progressIntervalMs, long stallTimeoutMs, int sessionTimeoutMs, int watchers) {

    public static final int MAX_SESSIONS = 1000;
    public static final int MAX_INFLIGHT = 10_000;
    public static final long MAX_OPS = 20_000_000L;
    /** Below ZooKeeper's default jute.maxbuffer (1 MiB) with room for the request header. */
    public static final int MAX_VALUE_BYTES = 1_000_000;
    public static final int DEFAULT_WATCHERS = 1000;
    public static final int MAX_WATCHERS = 1_000_000;

    /** A shape with the default {@link #DEFAULT_WATCHERS} watchers. */
    public LoadShape(int sessions, int inflight, long opsPerPhase, int valueBytes, List<String> phases,
                     long progressIntervalMs, long stallTimeoutMs, int sessionTimeoutMs) {
        this(sessions, inflight, opsPerPhase, valueBytes, phases, progressIntervalMs, stallTimeoutMs, sessionTimeoutMs,
                DEFAULT_WATCHERS);
    }

    public LoadShape {
        requireRange("sessions", sessions, 1, MAX_SESSIONS);
        requireRange("inflight", inflight, 1, MAX_INFLIGHT);
        requireRange("ops", opsPerPhase, 1, MAX_OPS);
        requireRange("value-bytes", valueBytes, 0, MAX_VALUE_BYTES);
        requireRange("watchers", watchers, 1, MAX_WATCHERS);
        phases = List.copyOf(phases);
        if (phases.isEmpty()) {
            throw new IllegalArgumentException("at least one phase is needed");
        }
    }

    public LoadShape withOps(long ops) {
        return new LoadShape(sessions, inflight, ops, valueBytes, phases, progressIntervalMs, stallTimeoutMs,
                sessionTimeoutMs, watchers);
    }

    public PhaseResult.RunShape runShape() {
        return new PhaseResult.RunShape(sessions, inflight, valueBytes);
    }

    private static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
        }
    }
}
