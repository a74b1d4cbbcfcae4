package io.coord.bench;

/**
 * Raw measurement of one phase, before it is labelled with a target and round. Every phase —
 * the async CRUD phases today, locks or watch fan-out later — reduces to this.
 */
public record PhaseOutcome(long ops, long errors, String firstError, long elapsedNanos, LatencyRecorder latencies) {
}
